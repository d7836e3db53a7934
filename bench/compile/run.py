#!/usr/bin/env python3
"""The compile-speed benchmark: trc against rustc on generated programs of growing size.

    bench/compile/run [--sizes 1000,5000,...] [--rounds N] [--quick] [--no-rustc]
                      [--timeout S] [--update-readme]

For each size, bench/compile/gen.py writes a program of that many lines (traits with
supertraits and associated types, impls for many types, Vec<Box<dyn>> loops, generic
functions instantiated per type, closures, enums and match), and four builds of it run side by
side, interleaved round by round so that a busy moment of the machine hits all of them alike:

    trc -O0    rustc -C opt-level=0    trc -O2    rustc -O

Each build's wall time is the median of its rounds; its peak memory is the largest resident
set of the compiler process (os.wait4: the compiler itself, not the linker it runs). Once per
size, `trc --time-passes` splits trc's time into its own phases and LLVM's; "front end" is
everything before LLVM verifies the module (parsing, checking, MIR, monomorphization and
writing the LLVM IR), and its speed is counted in the program's lines (the std prelude that
every program compiles with is not counted, but its time is).

The growth exponent of a column is the slope of log(time) against log(lines) from the
smallest size to the largest: 1.0 is linear, 2.0 quadratic.
"""
import argparse
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
README = os.path.join(ROOT, "README.md")
BEGIN = "<!-- bench/compile/run --update-readme rewrites what is between these two lines -->"
END = "<!-- end of compile bench table -->"


def find_rustc():
    r = shutil.which("rustc") or "/root/.cargo/bin/rustc"
    try:
        subprocess.run([r, "--version"], capture_output=True, check=True, timeout=60)
        return r
    except (OSError, subprocess.SubprocessError):
        return None


def run_once(argv, timeout):
    """(seconds, peak RSS in MiB) of one run, or (None, None) on failure or timeout."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = start + timeout
    while True:
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            return None, None
        time.sleep(0.002)
    secs = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.stderr.write("failed: %s\n%s\n" % (" ".join(argv), err[-2000:]))
        return None, None
    return secs, ru.ru_maxrss / 1024.0


def time_passes(trc, src, out):
    """trc's own phases at -O0: (front-end seconds, LLVM-and-link seconds)."""
    p = subprocess.run([trc, "--time-passes", src, "-o", out], capture_output=True, text=True)
    front = back = 0.0
    in_back = False
    for line in p.stderr.splitlines():
        m = re.match(r"time:\s+([0-9.]+) s\s+[0-9.]+%\s+arena\s+[0-9.]+ MiB\s+(.*)", line)
        if not m:
            continue
        name = m.group(2)
        if name.startswith("LLVM") or name.startswith("link") or name == "devirtualize":
            in_back = True
        if in_back:
            back += float(m.group(1))
        else:
            front += float(m.group(1))
    return front, back


def fmt_s(x):
    return "—" if x is None else ("%.2f" % x if x < 10 else "%.1f" % x)


def fmt_ratio(a, b):
    return "—" if a is None or b is None or a == 0 else "%.1fx" % (b / a)


def exponent(xs, ys):
    pts = [(x, y) for x, y in zip(xs, ys) if y]
    if len(pts) < 2:
        return None
    (x0, y0), (x1, y1) = pts[0], pts[-1]
    return math.log(y1 / y0) / math.log(x1 / x0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,5000,20000,50000,100000")
    ap.add_argument("--quick", action="store_true", help="sizes 1000,5000,20000, one round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-rustc", action="store_true")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--trc", default=os.path.join(ROOT, "build", "bin", "trc"))
    ap.add_argument("--update-readme", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.sizes, args.rounds = "1000,5000,20000", 1
    sizes = [int(s) for s in args.sizes.split(",")]
    rustc = None if args.no_rustc else find_rustc()
    if not os.access(args.trc, os.X_OK):
        sys.exit("bench/compile: no trc at %s (scripts/build.sh builds it)" % args.trc)

    builds = [("trc -O0", [args.trc]), ("trc -O2", [args.trc, "-O2"])]
    if rustc:
        builds += [
            ("rustc -O0", [rustc, "--edition", "2021", "-C", "opt-level=0"]),
            ("rustc -O", [rustc, "--edition", "2021", "-O"]),
        ]
    tmp = tempfile.mkdtemp(prefix="trc-compile-bench-")
    rows = []
    try:
        for n in sizes:
            src = os.path.join(tmp, "p%d.rs" % n)
            with open(src, "w") as f:
                subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), str(n)], stdout=f, check=True)
            lines = sum(1 for _ in open(src))
            times = {name: [] for name, _ in builds}
            peaks = {name: [] for name, _ in builds}
            for _ in range(args.rounds):
                for name, argv in builds:
                    t, m = run_once(argv + [src, "-o", os.path.join(tmp, "out")], args.timeout)
                    if t is None:
                        times[name].append(None)
                        continue
                    times[name].append(t)
                    peaks[name].append(m)
            row = {"size": n, "lines": lines}
            for name, _ in builds:
                ok = [t for t in times[name] if t is not None]
                row[name] = statistics.median(ok) if len(ok) == len(times[name]) and ok else None
                row[name + " mem"] = max(peaks[name]) if peaks[name] else None
            front, back = time_passes(args.trc, src, os.path.join(tmp, "out"))
            row["front"] = front
            row["front lps"] = lines / front if front > 0 else None
            rows.append(row)
            sys.stderr.write("%d lines: %s\n" % (lines, ", ".join("%s %s s" % (k, fmt_s(row[k])) for k, _ in builds)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    table = render(rows, builds, args.rounds, rustc is not None)
    print(table)
    if args.update_readme:
        text = open(README).read()
        if BEGIN not in text or END not in text:
            sys.exit("bench/compile: README.md has no compile bench markers")
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        open(README, "w").write(head + BEGIN + "\n" + table + "\n" + END + tail)


def render(rows, builds, rounds, with_rustc):
    out = ["Compile speed: median of %d interleaved rounds, seconds of wall time (peak memory of the compiler process in MiB):" % rounds, ""]
    if with_rustc:
        out.append("| lines | trc -O0 | rustc -O0 | rustc/trc | trc -O2 | rustc -O | rustc/trc | trc front end | front-end lines/s | peak MiB trc / rustc |")
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    else:
        out.append("| lines | trc -O0 | trc -O2 | trc front end | front-end lines/s | peak MiB trc |")
        out.append("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        lps = "—" if not r["front lps"] else "{:,.0f}".format(r["front lps"])
        if with_rustc:
            mem = "%s / %s" % (fmt_mem(r["trc -O0 mem"]), fmt_mem(r["rustc -O0 mem"]))
            out.append("| {:,} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                r["lines"], fmt_s(r["trc -O0"]), fmt_s(r["rustc -O0"]), fmt_ratio(r["trc -O0"], r["rustc -O0"]),
                fmt_s(r["trc -O2"]), fmt_s(r["rustc -O"]), fmt_ratio(r["trc -O2"], r["rustc -O"]),
                fmt_s(r["front"]), lps, mem))
        else:
            out.append("| {:,} | {} | {} | {} | {} | {} |".format(
                r["lines"], fmt_s(r["trc -O0"]), fmt_s(r["trc -O2"]), fmt_s(r["front"]), lps, fmt_mem(r["trc -O0 mem"])))
    xs = [r["lines"] for r in rows]
    exps = []
    for name, _ in builds:
        e = exponent(xs, [r[name] for r in rows])
        exps.append("%s %s" % (name, "—" if e is None else "%.2f" % e))
    e = exponent(xs, [r["front"] for r in rows])
    exps.append("trc front end %s" % ("—" if e is None else "%.2f" % e))
    out.append("")
    out.append("Growth exponent from %s to %s lines: %s." % ("{:,}".format(xs[0]), "{:,}".format(xs[-1]), ", ".join(exps)))
    return "\n".join(out)


def fmt_mem(m):
    return "—" if m is None else "%.0f" % m


if __name__ == "__main__":
    main()
