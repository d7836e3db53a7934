#!/usr/bin/env bash
# fuzz.sh — build trc's fuzzers and run them for a bounded time (fuzz/README.md).
#
#   scripts/fuzz.sh [--time SECS] [--gen-time SECS] [--own-time SECS] [--rej-time SECS]
#
# 1. builds build-fuzz/ with clang and libFuzzer (-DTRC_FUZZ=ON -DTRC_SANITIZE=ON
#    -DTRC_COVERAGE=ON): the libFuzzer target bin/trc_fuzz_frontend and an ASan+UBSan bin/trc
#    that also counts the lines it runs (clang's source-based coverage);
# 2. runs trc_fuzz_frontend for --time seconds (default 60) on the corpus build-fuzz/fuzz-corpus
#    (kept between runs), seeded with every fourth .tr of test/, those of examples/ and bench/,
#    the regression inputs of test/fuzz-regressions/Inputs/ and 50 programs from
#    fuzz/gen_programs.py;
# 3. runs fuzz/gen_programs.py for --gen-time seconds (default 60) against that trc;
# 4. where rustc is installed, runs its --ownership mode for --own-time seconds (default 30):
#    generated programs with one ownership misuse (or valid NLL pattern) each, on which trc
#    and rustc must agree (accepted or not, and the first error code);
# 5. and its --reject mode for --rej-time seconds (default 30): generated programs with one
#    type-system rule broken each (dyn compatibility, coherence, orphan rule, bounds, Sized,
#    impl items against the trait; a few near misses stay valid), judged the same way.
#    The two share the minute the ownership check alone had before.
# 6. merges the coverage profiles bin/trc wrote in 3-5 (build-fuzz/profiles/) and reports the
#    share of compiler/'s and passes/' lines those programs ran (scripts/coverage-report.py;
#    scripts/coverage.sh measures the suite's and the whole corpus's).
#
# The last line is a summary:
#   fuzz.sh: libFuzzer N execs in T s (R/s), corpus C; gen: M programs; ownership: O programs; reject: J programs; coverage: P% lines (compiler/ + passes/); B bug(s)
# A crash, internal compiler error, hang or sanitizer report makes the exit status 1, and the
# reproducer's path is printed above the summary. Without clang or its libFuzzer runtime the
# script says so and exits 0.
#
# Environment: CLANG (default clang-19, else clang-14, else clang), FUZZ_TIME, GEN_TIME, OWN_TIME,
# REJ_TIME, FUZZ_SEED (gen), RUSTC (default: rustc on PATH, else ~/.cargo/bin/rustc).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

fuzz_time=${FUZZ_TIME:-60}
gen_time=${GEN_TIME:-60}
own_time=${OWN_TIME:-30}
rej_time=${REJ_TIME:-30}
while [ $# -gt 0 ]; do
    case "$1" in
        --time) fuzz_time=$2; shift 2 ;;
        --gen-time) gen_time=$2; shift 2 ;;
        --own-time) own_time=$2; shift 2 ;;
        --rej-time) rej_time=$2; shift 2 ;;
        -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
        *) echo "usage: $0 [--time SECS] [--gen-time SECS] [--own-time SECS] [--rej-time SECS]" >&2; exit 2 ;;
    esac
done

# ---- clang with libFuzzer? ---------------------------------------------------
clang=${CLANG:-}
if [ -z "$clang" ]; then
    for c in clang-19 clang-14 clang; do
        if command -v "$c" >/dev/null 2>&1; then clang=$c; break; fi
    done
fi
skip() {
    echo "fuzz.sh: skipped: $1"
    exit 0
}
[ -n "$clang" ] || skip "no clang found (scripts/setup.sh installs clang-19, or set CLANG); libFuzzer needs clang"
probe=$(mktemp -d)
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' > "$probe/p.c"
if ! "$clang" -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
    rm -rf "$probe"
    skip "$clang cannot link -fsanitize=fuzzer,address,undefined (no libclang_rt.fuzzer runtime?)"
fi
rm -rf "$probe"

# ---- build -------------------------------------------------------------------
B=build-fuzz
# (A build dir made before TRC_COVERAGE existed is reconfigured to turn it on.)
if [ ! -f "$B/CMakeCache.txt" ] || [ ! -f "$B/build.ninja" ] ||
    ! grep -q '^TRC_COVERAGE:BOOL=ON' "$B/CMakeCache.txt"; then
    cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_C_COMPILER="$clang" -DTRC_FUZZ=ON -DTRC_SANITIZE=ON -DTRC_COVERAGE=ON >/dev/null ||
        { echo "fuzz.sh: cmake failed"; exit 1; }
fi
ninja -C "$B" trc trc_rt trc_fuzz_frontend >/dev/null ||
    { ninja -C "$B" trc trc_rt trc_fuzz_frontend | tail -20; echo "fuzz.sh: build failed"; exit 1; }

# ---- corpus ------------------------------------------------------------------
# Seeds are rebuilt every run from the tree (so they follow the tests); the corpus libFuzzer
# grows stays in $B/fuzz-corpus. The RUN/CHECK lines of tests are dropped: they are noise.
# libFuzzer runs every seed once before its time starts, each a whole compilation under ASan
# (about 5 a second here): every fourth test file (the same ones each run; the ASan suite
# compiles them all anyway), the examples and the benchmarks keep that to a minute or two.
seeds=$B/fuzz-seeds corpus=$B/fuzz-corpus artifacts=$B/fuzz-artifacts
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus" "$artifacts"
{ find test -name '*.tr' -size -64k | sort | awk 'NR % 4 == 1'; find examples bench -name '*.tr' -size -64k; } | while read -r f; do
    grep -vE '^[[:space:]]*//[[:space:]]*(RUN|[A-Z0-9-]*CHECK[A-Z-]*|REQUIRES|XFAIL|UNSUPPORTED)\b' "$f" \
        > "$seeds/$(echo "$f" | tr '/' '_')"
done
cp test/fuzz-regressions/Inputs/* "$seeds/" 2>/dev/null
python3 fuzz/gen_programs.py --emit "$seeds" --count 50 --seed 1

status=0
bugs=0

# ---- 1. libFuzzer ------------------------------------------------------------
log=$B/fuzz.log
echo "fuzz.sh: libFuzzer for ${fuzz_time}s (log: $log)"
# -close_fd_mask=3: trc's own diagnostics would flood the terminal; libFuzzer's and the
# sanitizers' reports still come through.
"$B/bin/trc_fuzz_frontend" "$corpus" "$seeds" -dict=fuzz/trc.dict \
    -max_total_time="$fuzz_time" -timeout=5 -rss_limit_mb=2048 -max_len=16384 \
    -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$artifacts/" > "$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
# libFuzzer prints the stats only when it ends normally; after a crash take the last status line.
if [ -z "$execs" ]; then
    execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    rate=$(grep -oE 'exec/s: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
fi
ncorpus=$(find "$corpus" -type f | wc -l)
if [ $rc -ne 0 ]; then
    status=1
    bugs=$((bugs + 1))
    grep -E '^==[0-9]+==ERROR|^SUMMARY|runtime error|internal compiler error|ALARM|does not verify' "$log" | head -5
    repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    echo "fuzz.sh: libFuzzer found a bug (exit $rc); reproducer: ${repro:-see $log}"
    [ -n "$repro" ] && echo "fuzz.sh: reproduce: $B/bin/trc_fuzz_frontend $repro; $B/bin/trc $repro --emit-llvm --devirt -o /dev/null"
fi

# Every run of bin/trc from here on adds its line counts to a pool of raw profiles (5. below).
rm -rf "$B/profiles"
export LLVM_PROFILE_FILE="$ROOT/$B/profiles/%4m.profraw"

# ---- 2. the program generator --------------------------------------------------
echo "fuzz.sh: gen_programs.py for ${gen_time}s"
# A hang is a compile over $gen_timeout s. The ASan trc (with coverage counters) is about three
# times slower than a release build: a 474-line generated program at -O2 takes 1.3 s in the
# release build and 4.4 s here, over the generator's default of 5 s on a busy machine.
gen_timeout=20
gen_args=(--trc "$B/bin/trc" --time "$gen_time" --timeout "$gen_timeout" --out "$B/gen-findings")
[ -n "${FUZZ_SEED:-}" ] && gen_args+=(--seed "$FUZZ_SEED")
python3 fuzz/gen_programs.py "${gen_args[@]}" | tee "$B/gen.log"
grc=${PIPESTATUS[0]}
gen_n=$(sed -n 's/^gen: \([0-9]*\) programs.*/\1/p' "$B/gen.log" | tail -1)
gen_bugs=$(sed -n 's/^gen: .* \([0-9]*\) bugs.*/\1/p' "$B/gen.log" | tail -1)
if [ $grc -ne 0 ]; then
    status=1
    bugs=$((bugs + ${gen_bugs:-1}))
fi

# ---- 3-4. trc against rustc: the ownership and reject modes --------------------------------
rustc=${RUSTC:-$(command -v rustc || echo "$HOME/.cargo/bin/rustc")}

# rustc_mode MODE SECS SEED: gen_programs.py --MODE for SECS seconds from a fixed seed (unless
# FUZZ_SEED says otherwise: a finding here must be reproducible; run it with a seed from the
# clock to explore); sets mode_n to the programs compared and counts its disagreements as bugs.
rustc_mode() {
    local mode=$1 secs=$2 seed=$3 rc bad
    mode_n=0
    if [ "$secs" = 0 ] || ! "$rustc" --version >/dev/null 2>&1; then
        echo "fuzz.sh: $mode check skipped (no rustc, or --${mode:0:3}-time 0)"
        return
    fi
    echo "fuzz.sh: gen_programs.py --$mode for ${secs}s (rustc: $rustc)"
    python3 fuzz/gen_programs.py --trc "$B/bin/trc" --rustc "$rustc" "--$mode" --time "$secs" \
        --timeout "$gen_timeout" --out "$B/gen-findings" --seed "${FUZZ_SEED:-$seed}" | tee "$B/$mode.log"
    rc=${PIPESTATUS[0]}
    mode_n=$(sed -n "s/^gen: $mode: \([0-9]*\) programs.*/\1/p" "$B/$mode.log" | tail -1)
    bad=$(sed -n "s/^gen: $mode: .* \([0-9]*\) differ.*/\1/p" "$B/$mode.log" | tail -1)
    if [ "$rc" -ne 0 ]; then
        status=1
        bugs=$((bugs + ${bad:-1}))
    fi
}

# 3. trc's borrow checker against rustc's; 4. trc's type-system rules against rustc's.
rustc_mode ownership "$own_time" 1000
own_n=$mode_n
rustc_mode reject "$rej_time" 2000
rej_n=$mode_n

# ---- 5. coverage ----------------------------------------------------------------------
unset LLVM_PROFILE_FILE
coverage="n/a"
if command -v llvm-profdata-19 >/dev/null && command -v llvm-cov-19 >/dev/null &&
    llvm-profdata-19 merge -sparse -o "$B/profiles/fuzz.profdata" "$B"/profiles/*.profraw 2>/dev/null; then
    coverage=$(python3 scripts/coverage-report.py "$B/bin/trc" "$B/profiles/fuzz.profdata" --total)
fi

echo "fuzz.sh: libFuzzer ${execs:-0} execs in ${fuzz_time} s (${rate:-0}/s), corpus $ncorpus; gen: ${gen_n:-0} programs; ownership: ${own_n:-0} programs; reject: ${rej_n:-0} programs; coverage: $coverage; $bugs bug(s)"
exit $status
