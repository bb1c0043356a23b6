"""The progress bar of the long commands (cact/_progress.py): one line on
stderr rewritten with a carriage return, shown on a terminal, silent on a
pipe or a file (as under pytest) and with --quiet, forced with --progress;
stdout (the results) never carries it."""
import io
import os
import subprocess
import sys

import pytest
from helpers import subprocess_env

from cact._progress import Progress

BENCH = ["bench", "-f", "relu", "--dtypes", "float32", "--sizes", "64,4096", "--repeats", "1", "--no-threads",
         "--peers", "", "--out", "-"]
TABLE = ["-f", "relu,softmax", "--dtypes", "float32", "--repeats", "1"]


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_silent_unless_a_terminal_or_forced():
    for stream, kw, shown in ((io.StringIO(), {}, False), (Tty(), {}, True), (Tty(), {"quiet": True}, False),
                              (io.StringIO(), {"force": True}, True)):
        with Progress(3, stream=stream, **kw) as bar:
            for k in ("a", "b", "c"):
                bar.step(k)
        text = stream.getvalue()
        assert bool(text) == shown, (kw, text)
        if shown:
            frames = text.split("\r\033[K")
            assert frames[1].startswith("[........................] 1/3 a (")
            assert frames[2].startswith("[########................] 2/3 b (") and "left)" in frames[2]
            assert frames[3].startswith("[################........] 3/3 c (")
            assert text.endswith("\r\033[K") and "\n" not in text       # one line, wiped at the end


def _cact(args, **kw):
    """python -m cact args; stdout and stderr decoded as they are (text=True
    would turn the carriage returns into newlines)."""
    p = subprocess.run([sys.executable, "-m", "cact"] + args, env=subprocess_env(), timeout=300, **kw)
    for name in ("stdout", "stderr"):
        if isinstance(getattr(p, name), bytes):
            setattr(p, name, getattr(p, name).decode())
    return p


@pytest.mark.parametrize("args", [BENCH, TABLE], ids=["bench", "table"])
def test_commands_on_a_pipe(args):
    p = _cact(args, capture_output=True)
    assert p.returncode == 0, p.stderr
    assert "\r" not in p.stderr and "\r" not in p.stdout           # not a terminal: silent
    f = _cact(args + ["--progress"], capture_output=True)
    assert f.returncode == 0, f.stderr
    assert "\r" not in f.stdout
    assert "\r\033[K[" in f.stderr and "1/" in f.stderr and f.stderr.rstrip("\n").endswith("\r\033[K")
    q = _cact(args + ["--quiet", "--progress"], capture_output=True)
    assert q.returncode == 2 and "not allowed with argument" in q.stderr


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminals here")
@pytest.mark.parametrize("quiet", [False, True])
def test_bench_on_a_terminal(quiet):
    """stderr on a pseudo-terminal: the bar by default, nothing with --quiet."""
    master, slave = os.openpty()
    try:
        p = _cact(BENCH + (["--quiet"] if quiet else []), stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        chunks = []
        while True:
            try:
                b = os.read(master, 4096)
            except OSError:                      # EIO: the terminal's other end is closed
                break
            if not b:
                break
            chunks.append(b)
    finally:
        os.close(master)
    err = b"".join(chunks).decode()
    assert p.returncode == 0, err
    assert ("relu float32 4096" in err) != quiet, err
    assert "\r" not in p.stdout
