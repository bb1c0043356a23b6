#!/usr/bin/env python3
"""What the compiler made of every kernel, per ISA level, read from the built
extension with objdump: are the loops vectorized, at which width, and do they
call out of line (libm)?

    python tools/objdump_kernels.py            # table for cact._elementwise
    python tools/objdump_kernels.py --json     # the same, machine-readable

For each kernel instantiation cact__<name>_<f32|f64>_<v4|v3|base> (with its
inlined loop bodies) it counts instructions on zmm (512-bit), ymm (256-bit)
and packed xmm registers, and call instructions with their targets
(a split kernel's loops appear as <name>_fast / <name>_slow, config.h).
tests/test_math_core.py asserts the same of the object code;
docs/performance.md quotes the table.
"""
import json
import os
import re
import shutil
import subprocess
import sys

LEVELS = ("v4", "v3", "base")
_FUNC = re.compile(r"^[0-9a-f]+ <(cact__[a-z0-9_]+_(f32|f64)_(v4|v3|base)(?:_ip|_oop)?)>:$")
_PACKED = re.compile(r"\b(v?(?:[a-z0-9]+p[sd]|vp[a-z0-9]+|vfn?m(?:add|sub)[0-9]*p[sd]))\b")


def extension_path():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if root not in sys.path:
        sys.path.insert(0, root)
    import cact._elementwise as ext
    return ext.__file__


def disassemble(path):
    objdump = shutil.which("objdump")
    if objdump is None:
        raise RuntimeError("objdump not found (binutils)")
    out = subprocess.run([objdump, "-d", "--no-show-raw-insn", path], capture_output=True, text=True, check=True)
    return out.stdout


def kernels(text):
    """{(kernel, dtype, level): {"zmm": n, "ymm": n, "xmm_packed": n, "calls": [targets]}}"""
    table, cur = {}, None
    for line in text.splitlines():
        m = _FUNC.match(line)
        if m:
            full, dtype, level = m.group(1), m.group(2), m.group(3)
            base = re.sub(r"_(ip|oop)$", "", full)
            kernel = base[len("cact__"):-len(f"_{dtype}_{level}")]
            cur = table.setdefault((kernel, dtype, level), {"zmm": 0, "ymm": 0, "xmm_packed": 0, "calls": []})
            continue
        if not line.strip():
            cur = None
            continue
        if cur is None or "\t" not in line:
            continue
        ins = line.split("\t", 1)[1]
        if "zmm" in ins:
            cur["zmm"] += 1
        elif "ymm" in ins:
            cur["ymm"] += 1
        elif "xmm" in ins and _PACKED.search(ins.split()[0]):
            cur["xmm_packed"] += 1
        if ins.startswith("call") or ins.startswith("jmp") and "<" in ins and "@plt" in ins:
            t = re.search(r"<([^>]+)>", ins)
            cur["calls"].append(t.group(1) if t else ins.split()[-1])
    return table


def main(argv):
    table = kernels(disassemble(extension_path()))
    if "--json" in argv:
        json.dump([{"kernel": k, "dtype": d, "level": l, **v} for (k, d, l), v in sorted(table.items())],
                  sys.stdout, indent=1)
        return 0
    names = sorted({k for k, _, _ in table})
    print(f"{'kernel':<14}{'dtype':<6}" + "".join(f"{lv + ' zmm/ymm/xmm/calls':>26}" for lv in LEVELS))
    for k in names:
        for d in ("f32", "f64"):
            cells = []
            for lv in LEVELS:
                v = table.get((k, d, lv))
                cells.append("" if v is None else
                             f"{v['zmm']}/{v['ymm']}/{v['xmm_packed']}/{len(v['calls'])}")
            print(f"{k:<14}{d:<6}" + "".join(f"{c:>26}" for c in cells))
    callees = sorted({c for v in table.values() for c in v["calls"]})
    if callees:
        print("called out of line:", ", ".join(callees))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
