"""A progress bar for long runs (python -m cact, python -m cact bench): one
line on stderr, rewritten in place with a carriage return, cleared before
each line of results so that the table on stdout stays clean.

Shown only where someone watches: stderr is a terminal, and not --quiet.
``force=True`` (the commands' --progress) shows it on any stream, a log
file or a pipe.  Stdout is never touched.
"""
import sys
import time


class Progress:
    """Progress(total, quiet=False, force=False, stream=None)

    step(label)  item `label` starts (draws [####......] i/total label, with
                 the elapsed time and an estimate of what is left)
    clear()      wipe the line (before printing a result line)
    close()      wipe the line for good
    """

    WIDTH = 24

    def __init__(self, total, quiet=False, force=False, stream=None):
        self.stream = sys.stderr if stream is None else stream
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = not quiet and (force or bool(isatty and isatty()))
        self.total = max(int(total), 1)
        self.done = 0
        self.start = time.monotonic()
        self.shown = False

    def _write(self, text):
        self.stream.write(text)
        self.stream.flush()

    def step(self, label=""):
        """Item number self.done + 1 starts; the bar shows the items done."""
        if self.enabled:
            frac = self.done / self.total
            fill = int(frac * self.WIDTH)
            elapsed = time.monotonic() - self.start
            left = f", ~{_span(elapsed / frac * (1 - frac))} left" if self.done else ""
            self._write(f"\r\033[K[{'#' * fill}{'.' * (self.WIDTH - fill)}] {self.done + 1}/{self.total} "
                        f"{label} ({_span(elapsed)}{left})")
            self.shown = True
        self.done += 1

    def clear(self):
        if self.enabled and self.shown:
            self._write("\r\033[K")
            self.shown = False

    close = clear

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def add_progress_args(parser):
    """--quiet and --progress on an argparse parser."""
    g = parser.add_mutually_exclusive_group()
    g.add_argument("--quiet", "-q", action="store_true", help="no progress bar on stderr")
    g.add_argument("--progress", action="store_true",
                   help="the progress bar on stderr even when it is not a terminal (default: only on one)")


def _span(seconds):
    s = int(seconds)
    return f"{s // 3600}h{s // 60 % 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"
