#!/usr/bin/env python3
"""coverage-report.py — line coverage of compiler/ and passes/ from a merged profile.

  coverage-report.py TRC PROFDATA [--total] [--top N] [--ranges K]

Asks llvm-cov-19 (LLVM_COV overrides) for the line counts of every source of trc under
compiler/ and passes/ (the generated prelude is left out: it is a string, not code) and prints
  - with --total, one line: "N% lines (compiler/ + passes/)" (what scripts/fuzz.sh shows);
  - otherwise a table of lines covered per phase folder and in total, then the N files with
    the most uncovered lines (default 12), each with its K largest uncovered line ranges
    (default 5) and the function each range is in.
A line counts as llvm-cov's "Lines" column counts it: a line with code, uncovered when it ran
0 times.
"""
import argparse
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LLVM_COV = os.environ.get("LLVM_COV", "llvm-cov-19")
PHASES = ["compiler/syntax", "compiler/sema", "compiler/lower", "compiler/mono", "compiler/codegen",
          "compiler/backend", "compiler/base", "compiler/driver", "passes"]


def sources():
    out = []
    for d in ("compiler", "passes"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, d)):
            out += [os.path.join(dirpath, f) for f in files if f.endswith(".c")]
    return sorted(out)


def line_counts(trc, profdata, files):
    """{file: {line: count}} for the lines llvm-cov gives a count."""
    text = subprocess.run([LLVM_COV, "show", trc, "-instr-profile=" + profdata, "-use-color=0",
                           "-show-expansions=0", "-show-instantiations=0"] + files,
                          check=True, capture_output=True, text=True, errors="replace").stdout
    counts, cur = {}, None
    for ln in text.split("\n"):
        m = re.match(r"^\s*(\d+)\|\s*([0-9.]+[kMGE]?)?\|", ln)
        if m is None:
            if ln.endswith(":") and os.path.isabs(ln[:-1]):
                cur = counts.setdefault(ln[:-1], {})
            continue
        if cur is not None and m.group(2):
            cur[int(m.group(1))] = 0 if m.group(2) == "0" else 1
    return counts


def functions(trc, profdata, files):
    """{file: [(first line, last line, name)]} from llvm-cov's export."""
    data = json.loads(subprocess.run([LLVM_COV, "export", trc, "-instr-profile=" + profdata,
                                      "-skip-expansions"] + files,
                                     check=True, capture_output=True, text=True).stdout)
    out = {}
    for fn in data["data"][0]["functions"]:
        r = fn["regions"][0]
        name = fn["name"].split(":")[-1]
        out.setdefault(fn["filenames"][0], []).append((r[0], r[2], name))
    return out


def ranges(lines, fns):
    """[(first, last, uncovered lines, function)] for each run of uncovered lines in one
    function (lines without code between them do not end a run)."""
    def fn_of(ln):
        inside = [x for x in fns if x[0] <= ln <= x[1]]
        return min(inside, key=lambda x: x[1] - x[0])[2] if inside else "?"
    runs, open_run = [], False
    for ln in sorted(lines):
        name = fn_of(ln) if lines[ln] == 0 else None
        if name is None:
            open_run = False
        elif open_run and runs[-1][3] == name:
            s, _, n, _ = runs[-1]
            runs[-1] = (s, ln, n + 1, name)
        else:
            runs.append((ln, ln, 1, name))
            open_run = True
    return runs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trc")
    ap.add_argument("profdata")
    ap.add_argument("--total", action="store_true")
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--ranges", type=int, default=5)
    a = ap.parse_args()
    files = sources()
    counts = line_counts(a.trc, a.profdata, files)
    rel = {f: os.path.relpath(f, ROOT) for f in counts}
    tot = sum(len(c) for c in counts.values())
    cov = sum(sum(c.values()) for c in counts.values())
    if a.total:
        print("%.1f%% lines (compiler/ + passes/)" % (100.0 * cov / max(tot, 1)))
        return 0
    print("%-18s %8s %8s %7s" % ("folder", "lines", "covered", "%"))
    for ph in PHASES:
        fs = [f for f in counts if rel[f].startswith(ph + "/")]
        t = sum(len(counts[f]) for f in fs)
        c = sum(sum(counts[f].values()) for f in fs)
        if t:
            print("%-18s %8d %8d %6.1f%%" % (ph, t, c, 100.0 * c / t))
    print("%-18s %8d %8d %6.1f%%" % ("total", tot, cov, 100.0 * cov / max(tot, 1)))
    if a.top <= 0:
        return 0
    fns = functions(a.trc, a.profdata, files)
    print("\nlargest uncovered regions (file: uncovered lines; ranges: lines, size, function)")
    worst = sorted(counts, key=lambda f: -sum(1 for v in counts[f].values() if v == 0))[:a.top]
    for f in worst:
        un = sum(1 for v in counts[f].values() if v == 0)
        print("%s: %d of %d lines uncovered" % (rel[f], un, len(counts[f])))
        for s, e, n, name in sorted(ranges(counts[f], fns.get(f, [])), key=lambda r: -r[2])[:a.ranges]:
            print("    %d-%d  %3d  %s" % (s, e, n, name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
