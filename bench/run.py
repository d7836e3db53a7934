#!/usr/bin/env python3
"""bench/run.py — the dispatch benchmark: static vs dyn vs enum dispatch, trc with and
without --devirt, against rustc.

Builds every bench/*.tr program three ways — `trc -O2 --no-devirt` (column "trc"),
`trc -O2 --devirt` (trc's -O2 default) and, when rustc is installed, `rustc -C opt-level=3` —
runs every (program, mode, build) several times in interleaved rounds, so that a slow moment of the machine hits all of them alike, and prints
one table of median wall times and the ratios the project cares about. Every run of one
(program, mode) must print the same checksum line, whatever built it.

    bench/run [--rounds N] [--quick] [--trc PATH]

Nothing here is a test: the numbers are for reading, and README.md carries the latest table.
"""
import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")

# (program, mode label, arguments). Sizes make each run take a few hundred milliseconds.
def cases(quick):
    k = 10 if quick else 1
    return [
        ("doubler", "static", ["static", "1000000", str(300 // k)]),
        ("doubler", "dyn", ["dyn", "1000000", str(300 // k)]),
        ("doubler", "inlined", ["inlined", "1000000", str(300 // k)]),
        ("shapes", "dyn-random", ["dyn-random", "1000000", str(40 // k)]),
        ("shapes", "dyn-sorted", ["dyn-sorted", "1000000", str(40 // k)]),
        ("shapes", "enum-random", ["enum-random", "1000000", str(40 // k)]),
        ("shapes", "enum-sorted", ["enum-sorted", "1000000", str(40 // k)]),
        ("shapes", "per-type", ["per-type", "1000000", str(40 // k)]),
        # The same 4000 times over 10,000 shapes, which fit in the cache: what is left of the
        # gap between Box<dyn> and the enum at 1,000,000 is memory (a Box per shape), not dispatch.
        ("shapes", "dyn-random 10k", ["dyn-random", "10000", str(4000 // k)]),
        ("shapes", "dyn-sorted 10k", ["dyn-sorted", "10000", str(4000 // k)]),
        ("shapes", "enum-random 10k", ["enum-random", "10000", str(4000 // k)]),
        ("shapes", "enum-sorted 10k", ["enum-sorted", "10000", str(4000 // k)]),
        ("mono_site", "static", ["static", "add", str(400000000 // k)]),
        ("mono_site", "dyn", ["dyn", "add", str(400000000 // k)]),
        ("enum_of_dyn", "static", ["static", str(200000000 // k)]),
        ("enum_of_dyn", "dyn", ["dyn", str(200000000 // k)]),
        # Seed 003's parser: a lexer Iterator of tokens evaluated through `impl Iterator`,
        # `&mut dyn Iterator`, and a filter/map chain unboxed and as `Box<dyn Iterator>`.
        ("parser", "generic", ["generic", "1000000", str(20 // k or 1)]),
        ("parser", "dyn", ["dyn", "1000000", str(20 // k or 1)]),
        ("parser", "chain-generic", ["chain-generic", "1000000", str(20 // k or 1)]),
        ("parser", "chain-dyn", ["chain-dyn", "1000000", str(20 // k or 1)]),
    ]


def sh(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def machine():
    cpu = "unknown cpu"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d cpus, %s %s" % (cpu, os.cpu_count() or 0, platform.system(), platform.release())


def build(trc, rustc, tmp):
    """Returns {(program, build): executable}.

    Every executable of a program has the same path length (b0/PROG, b1/PROG, b2/PROG): the
    path is argv[0] and sits on the stack with the environment, so a longer name shifts the
    stack of the whole run. That alone moved a call-heavy loop by 3% between two
    byte-identical binaries."""
    exes = {}
    for d in ("b0", "b1", "b2"):
        os.makedirs(os.path.join(tmp, d), exist_ok=True)
    for prog in sorted({c[0] for c in cases(False)}):
        src = os.path.join(BENCH, prog + ".tr")
        for name, sub, cmd in (("trc", "b0", [trc, "-O2", "--no-devirt", src]),
                               ("trc --devirt", "b1", [trc, "-O2", "--devirt", src])):
            out = os.path.join(tmp, sub, prog)
            r = sh(cmd + ["-o", out])
            if r.returncode != 0:
                sys.exit("bench: %s failed on %s:\n%s" % (" ".join(cmd), prog, r.stderr))
            exes[(prog, name)] = out
        if rustc:
            out = os.path.join(tmp, "b2", prog)
            r = sh([rustc, "-C", "opt-level=3", "--edition", "2021", src, "-o", out])
            if r.returncode != 0:
                sys.exit("bench: rustc failed on %s:\n%s" % (prog, r.stderr))
            exes[(prog, "rustc")] = out
    return exes


README_BEGIN = "<!-- bench/run --update-readme rewrites what is between these two lines -->"
README_END = "<!-- end of bench table -->"


def update_readme(lines, rounds):
    """Puts the machine lines (as a code block) and the two tables between the markers."""
    path = os.path.join(ROOT, "README.md")
    with open(path) as f:
        text = f.read()
    a, b = text.find(README_BEGIN), text.find(README_END)
    if a < 0 or b < a:
        sys.exit("bench: README.md has no bench table markers")
    block = [lines[0] + ":", "", "```"] + lines[1:3] + ["```", ""] + lines[4:]
    while block and not block[-1]:
        block.pop()
    text = text[: a + len(README_BEGIN)] + "\n" + "\n".join(block) + "\n" + text[b:]
    with open(path, "w") as f:
        f.write(text)
    print("bench: README.md updated (%d rounds)" % rounds, file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5, help="runs of every case (default 5)")
    ap.add_argument("--quick", action="store_true", help="a tenth of the work, for a smoke run")
    ap.add_argument("--trc", default=os.path.join(ROOT, "build", "bin", "trc"))
    ap.add_argument("--update-readme", action="store_true", help="also put the tables into README.md")
    args = ap.parse_args()
    if not os.access(args.trc, os.X_OK):
        sys.exit("bench: no trc at %s (build it first: scripts/build.sh)" % args.trc)
    rustc = shutil.which("rustc") or ("/root/.cargo/bin/rustc" if os.access("/root/.cargo/bin/rustc", os.X_OK) else None)
    builds = ["trc", "trc --devirt"] + (["rustc"] if rustc else [])
    tmp = tempfile.mkdtemp(prefix="trc-bench-")
    exes = build(args.trc, rustc, tmp)
    env = dict(os.environ)
    env.pop("RUST_BACKTRACE", None)

    times = {}
    outputs = {}
    for rnd in range(args.rounds):
        for prog, mode, argv in cases(args.quick):
            for b in builds:
                exe = exes[(prog, b)]
                t0 = time.perf_counter()
                r = subprocess.run([exe] + argv, capture_output=True, text=True, env=env)
                dt = time.perf_counter() - t0
                if r.returncode != 0:
                    sys.exit("bench: %s %s failed (exit %d): %s" % (exe, " ".join(argv), r.returncode, r.stderr))
                key = (prog, mode)
                if outputs.setdefault(key, r.stdout) != r.stdout:
                    sys.exit("bench: %s %s printed %r, another build printed %r" % (b, prog, r.stdout, outputs[key]))
                times.setdefault((prog, mode, b), []).append(dt)
        print("round %d/%d done" % (rnd + 1, args.rounds), file=sys.stderr)

    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    out = []

    def emit(line=""):
        print(line)
        out.append(line)

    emit("Dispatch benchmark: median of %d interleaved runs, milliseconds (wall time of the whole program)" % args.rounds)
    emit("machine: %s" % machine())
    emit("trc: %s; rustc: %s" % (sh([args.trc, "--version"]).stdout.strip(), sh([rustc, "--version"]).stdout.strip() if rustc else "not installed"))
    emit()
    head = "| benchmark | mode | " + " | ".join(builds) + " |"
    emit(head)
    emit("|" + "---|" * (2 + len(builds)))
    for prog, mode, _ in cases(args.quick):
        cells = ["%.0f" % med[(prog, mode, b)] for b in builds]
        emit("| %s | %s | %s |" % (prog, mode, " | ".join(cells)))
    emit()

    def r(a, b):
        return med[a] / med[b]

    ratios = [
        ("doubler: dyn / static (trc)", r(("doubler", "dyn", "trc"), ("doubler", "static", "trc"))),
        ("doubler: dyn --devirt / static", r(("doubler", "dyn", "trc --devirt"), ("doubler", "static", "trc"))),
        ("shapes: dyn-random / enum-random (trc)", r(("shapes", "dyn-random", "trc"), ("shapes", "enum-random", "trc"))),
        ("shapes: dyn-random --devirt / enum-random", r(("shapes", "dyn-random", "trc --devirt"), ("shapes", "enum-random", "trc"))),
        ("shapes: dyn-sorted --devirt / enum-sorted", r(("shapes", "dyn-sorted", "trc --devirt"), ("shapes", "enum-sorted", "trc"))),
        ("shapes 10k: dyn-random --devirt / enum-random", r(("shapes", "dyn-random 10k", "trc --devirt"), ("shapes", "enum-random 10k", "trc"))),
        ("shapes 10k: dyn-sorted --devirt / enum-sorted", r(("shapes", "dyn-sorted 10k", "trc --devirt"), ("shapes", "enum-sorted 10k", "trc"))),
        ("mono_site: dyn / static (trc)", r(("mono_site", "dyn", "trc"), ("mono_site", "static", "trc"))),
        ("mono_site: dyn --devirt / static", r(("mono_site", "dyn", "trc --devirt"), ("mono_site", "static", "trc"))),
        ("enum_of_dyn: dyn / static (trc)", r(("enum_of_dyn", "dyn", "trc"), ("enum_of_dyn", "static", "trc"))),
        ("enum_of_dyn: dyn --devirt / static", r(("enum_of_dyn", "dyn", "trc --devirt"), ("enum_of_dyn", "static", "trc"))),
        ("parser: dyn / generic (trc)", r(("parser", "dyn", "trc"), ("parser", "generic", "trc"))),
        ("parser: dyn --devirt / generic", r(("parser", "dyn", "trc --devirt"), ("parser", "generic", "trc --devirt"))),
        ("parser: chain-dyn --devirt / chain-generic", r(("parser", "chain-dyn", "trc --devirt"), ("parser", "chain-generic", "trc --devirt"))),
    ]
    if rustc:
        ratios += [
            ("shapes: trc dyn-random --devirt / rustc dyn-random", r(("shapes", "dyn-random", "trc --devirt"), ("shapes", "dyn-random", "rustc"))),
            ("doubler: trc static / rustc static", r(("doubler", "static", "trc"), ("doubler", "static", "rustc"))),
            ("shapes: trc per-type / rustc per-type", r(("shapes", "per-type", "trc"), ("shapes", "per-type", "rustc"))),
            ("mono_site: trc static / rustc static", r(("mono_site", "static", "trc"), ("mono_site", "static", "rustc"))),
            ("shapes: trc enum-random / rustc enum-random", r(("shapes", "enum-random", "trc"), ("shapes", "enum-random", "rustc"))),
            ("enum_of_dyn: trc static / rustc static", r(("enum_of_dyn", "static", "trc"), ("enum_of_dyn", "static", "rustc"))),
            ("parser: rustc dyn / rustc generic", r(("parser", "dyn", "rustc"), ("parser", "generic", "rustc"))),
            ("parser: rustc chain-dyn / rustc chain-generic", r(("parser", "chain-dyn", "rustc"), ("parser", "chain-generic", "rustc"))),
            ("parser: trc generic / rustc generic", r(("parser", "generic", "trc"), ("parser", "generic", "rustc"))),
        ]
    worst = max(((med[(p, m, "trc --devirt")] / med[(p, m, "trc")], p, m) for p, m, _ in cases(args.quick)))
    ratios.append(("slowest --devirt / plain (%s %s)" % (worst[1], worst[2]), worst[0]))
    emit("| ratio | value |")
    emit("|---|---|")
    for name, v in ratios:
        emit("| %s | %.2f |" % (name, v))
    if args.update_readme:
        update_readme(out, args.rounds)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
