#!/usr/bin/env bash
# coverage.sh — line coverage of compiler/ and passes/ reached by the test suite and by the
# fuzzers' programs (clang's source-based coverage; README, Reliability).
#
#   scripts/coverage.sh [--suite-only | --corpus-only | --report-only] [--top N]
#
# 1. builds build-cov/ with clang-19 and -DTRC_COVERAGE=ON (-fprofile-instr-generate
#    -fcoverage-mapping on trc only; no sanitizers);
# 2. (suite) runs the lit suite against build-cov/bin/trc with --param coverage=1: a
#    `%rustc_diff` line builds with trc at -O2 and -O0 and neither runs the program nor calls
#    rustc (scripts/rustc-diff.sh --trc-only); no valgrind;
# 3. (corpus) compiles the fuzzers' programs with it: GEN_COUNT programs of
#    fuzz/gen_programs.py run through its own driver (varied flags, 30% mutants), OWN_COUNT of
#    its --ownership and REJ_COUNT of its --reject mode (written with --emit, compiled to IR),
#    all from fixed seeds, and every input of build-fuzz/fuzz-corpus when scripts/fuzz.sh has
#    grown one (compiled to IR with --devirt, as trc_fuzz_frontend runs them);
# 4. merges the raw profiles (build-cov/profiles/{suite,corpus}/, one pool of files per run
#    through LLVM_PROFILE_FILE's %4m) with llvm-profdata-19 into suite.profdata,
#    corpus.profdata and all.profdata, and prints, for each, the lines covered per phase
#    folder and in total, then for all.profdata the --top N (default 12) files with the most
#    uncovered lines and their largest uncovered ranges (scripts/coverage-report.py).
# --suite-only and --corpus-only run one of 2. and 3. (and report on it alone); --report-only
# runs nothing and reports on the raw profiles an earlier run left (trc must be unchanged).
# The report is also written to build-cov/coverage.txt.
#
# Environment: CLANG (default clang-19), JOBS (ninja's and lit's parallelism; default theirs),
# GEN_COUNT (default 1500), OWN_COUNT (default 600), REJ_COUNT (default 600), LIT_OPTS.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

suite=1 corpus=1 top=12 run=1
while [ $# -gt 0 ]; do
    case "$1" in
        --suite-only) corpus=0; shift ;;
        --corpus-only) suite=0; shift ;;
        --report-only) run=0; shift ;;
        --top) top=$2; shift 2 ;;
        -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
        *) echo "usage: $0 [--suite-only | --corpus-only | --report-only] [--top N]" >&2; exit 2 ;;
    esac
done
clang=${CLANG:-clang-19}
for tool in "$clang" llvm-profdata-19 llvm-cov-19; do
    command -v "$tool" >/dev/null 2>&1 ||
        { echo "coverage.sh: $tool not found (scripts/setup.sh installs clang-19 and llvm-19)"; exit 1; }
done
jobs=()
[ -n "${JOBS:-}" ] && jobs=(-j "$JOBS")

# ---- 1. build ----------------------------------------------------------------
B=build-cov
# (--report-only builds nothing: the profiles are only good for the trc that wrote them.)
if [ $run = 0 ]; then :
elif [ ! -f "$B/CMakeCache.txt" ] || [ ! -f "$B/build.ninja" ]; then
    cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_C_COMPILER="$clang" -DTRC_COVERAGE=ON >/dev/null ||
        { echo "coverage.sh: cmake failed"; exit 1; }
fi
[ $run = 0 ] || ninja -C "$B" "${jobs[@]}" trc trc_rt >/dev/null ||
    { ninja -C "$B" "${jobs[@]}" trc trc_rt | tail -20; echo "coverage.sh: build failed"; exit 1; }
trc=$ROOT/$B/bin/trc
prof=$ROOT/$B/profiles
start=$(date +%s)

# ---- 2. the lit suite ----------------------------------------------------------
if [ $run = 1 ] && [ $suite = 1 ]; then
    rm -rf "$prof/suite"
    echo "coverage.sh: lit suite against $trc (log: $B/lit-cov.log)"
    LLVM_PROFILE_FILE="$prof/suite/%4m.profraw" python3 /usr/lib/llvm-19/build/utils/lit/lit.py \
        -q "${jobs[@]}" --param "trc=$trc" --param coverage=1 test/ > "$B/lit-cov.log" 2>&1
    # A failing test still counts what it ran: the suite's verdict is scripts/test.sh's business.
    echo "coverage.sh: lit: $(grep -cE '^(FAIL|UNRESOLVED|TIMEOUT):' "$B/lit-cov.log") failed ($(( $(date +%s) - start )) s)"
fi

# ---- 3. the fuzzers' programs --------------------------------------------------
# compile_dir DIR FLAGS...: compile every .tr in DIR with the coverage trc (10 s each at most;
# a program rejected is as good as one accepted here).
compile_dir() {
    local dir=$1 f
    shift
    for f in "$dir"/*; do
        [ -f "$f" ] && timeout 10 "$trc" "$f" "$@" -o /dev/null >/dev/null 2>&1
    done
}
if [ $run = 1 ] && [ $corpus = 1 ]; then
    rm -rf "$prof/corpus" "$B/cov-programs"
    mkdir -p "$B/cov-programs"
    export LLVM_PROFILE_FILE="$prof/corpus/%4m.profraw"
    t0=$(date +%s)
    python3 fuzz/gen_programs.py --trc "$trc" --count "${GEN_COUNT:-1500}" --seed 1 \
        --out "$B/gen-findings" | tail -1
    for mode in ownership reject; do
        n=${OWN_COUNT:-600} seed=1000
        [ $mode = reject ] && n=${REJ_COUNT:-600} seed=2000
        python3 fuzz/gen_programs.py --emit "$B/cov-programs/$mode" --count "$n" --seed $seed "--$mode"
        compile_dir "$B/cov-programs/$mode" --emit-llvm
        echo "coverage.sh: $mode: $(find "$B/cov-programs/$mode" -type f | wc -l) programs"
    done
    if [ -d build-fuzz/fuzz-corpus ]; then
        compile_dir build-fuzz/fuzz-corpus --emit-llvm --devirt
        echo "coverage.sh: libFuzzer corpus: $(find build-fuzz/fuzz-corpus -type f | wc -l) inputs"
    fi
    unset LLVM_PROFILE_FILE
    echo "coverage.sh: corpus compiled in $(( $(date +%s) - t0 )) s"
fi

# ---- 4. merge and report ---------------------------------------------------------
parts=()
[ $suite = 1 ] && parts+=(suite)
[ $corpus = 1 ] && parts+=(corpus)
{
    for part in "${parts[@]}"; do
        llvm-profdata-19 merge -sparse -o "$prof/$part.profdata" "$prof/$part"/*.profraw ||
            { echo "coverage.sh: no profile from the $part"; exit 1; }
        echo "== $part"
        python3 scripts/coverage-report.py "$trc" "$prof/$part.profdata" --top 0
    done
    merged=()
    for part in "${parts[@]}"; do merged+=("$prof/$part.profdata"); done
    llvm-profdata-19 merge -sparse -o "$prof/all.profdata" "${merged[@]}"
    if [ ${#parts[@]} -gt 1 ]; then
        echo "== suite + corpus"
        python3 scripts/coverage-report.py "$trc" "$prof/all.profdata" --top 0
    fi
    echo
    python3 scripts/coverage-report.py "$trc" "$prof/all.profdata" --top "$top" | sed '1,/^$/d'
} | tee "$B/coverage.txt"
echo "coverage.sh: done in $(( $(date +%s) - start )) s (report: $B/coverage.txt)"
