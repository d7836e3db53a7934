#!/usr/bin/env bash
# Build trc, run the whole lit suite twice, then the fuzzers:
#   1. against build/bin/trc       (log: build/lit-main.log)
#   2. against build-asan/bin/trc  (ASan+UBSan build; log: build-asan/lit-asan.log)
#   3. scripts/fuzz.sh             (libFuzzer and fuzz/gen_programs.py, ~1 min each)
# The last line printed is the combined summary:
#   N passed, M failed[, K skipped]
# Passed = Passed + Expectedly Failed; Failed = Failed + Unresolved + Timed Out
# + Unexpectedly Passed; Skipped = Unsupported (+ Skipped/Excluded).
# A build failure or a lit run that did not complete counts as 1 failure.
#
# Environment:
#   TRC_TEST_VALGRIND=0   do not run compiled programs under valgrind in the main run
#   TRC_TEST_FUZZ=0       do not run scripts/fuzz.sh after the suites (3.)
#   LIT_OPTS              extra lit options (read by lit itself)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

LIT_PY=/usr/lib/llvm-19/build/utils/lit/lit.py

total_pass=0
total_fail=0
total_skip=0

# parse_summary LOGFILE -> sets p f s (counts from the last lit summary block)
# and found=1 if a summary block was present.
parse_summary() {
    local out
    out="$(awk '
        /^Total Discovered Tests:/ { found=1; p=0; f=0; s=0; next }
        found && match($0, /^  [A-Za-z][A-Za-z ]*[A-Za-z] *: *[0-9]+/) {
            line = substr($0, 1, RLENGTH)
            label = line; sub(/^  /, "", label); sub(/ *:.*$/, "", label)
            n = line; sub(/^.*: */, "", n); n += 0
            if (label == "Passed" || label == "Passed With Retry" || label == "Expectedly Failed") p += n
            else if (label == "Failed" || label == "Unresolved" || label == "Timed Out" || label == "Unexpectedly Passed") f += n
            else if (label == "Unsupported" || label == "Skipped" || label == "Excluded") s += n
        }
        END { printf "%d %d %d %d\n", found, p, f, s }
    ' "$1")"
    read -r found p f s <<<"$out"
}

# run_suite NAME TRC LOG [extra lit args...]
run_suite() {
    local name="$1" trc="$2" log="$3"
    shift 3
    echo
    echo "=== lit ($name): $trc ==="
    mkdir -p "$(dirname "$log")"
    python3 "$LIT_PY" -sv --param "trc=$trc" "$@" test/ 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    parse_summary "$log"
    if [ "$found" -ne 1 ]; then
        echo "test.sh: lit ($name) did not run (exit status $rc, no summary); see $log"
        total_fail=$((total_fail + 1))
        return
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "test.sh: lit ($name) exited with status $rc; counting as a failure"
        f=1
    fi
    echo "--- lit ($name): $p passed, $f failed, $s skipped"
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    total_skip=$((total_skip + s))
}

# rustc's side of every differential check is built and run once per tree: a later run of the
# suite finds what rustc's builds printed here (scripts/rustc-diff.sh).
export RUSTC_DIFF_CACHE="${RUSTC_DIFF_CACHE:-$ROOT/build/rustc-cache}"

# ---- 1. normal build -------------------------------------------------------
# Every program the suite compiles also runs under valgrind (errors and definite/indirect
# leaks fail the test) when valgrind is installed; TRC_TEST_VALGRIND=0 skips that.
main_extra=()
if [ "${TRC_TEST_VALGRIND:-1}" = 1 ] && command -v valgrind >/dev/null 2>&1; then
    main_extra+=(--param valgrind=1)
fi

if bash scripts/build.sh; then
    run_suite main "$ROOT/build/bin/trc" "$ROOT/build/lit-main.log" "${main_extra[@]}"
else
    echo "test.sh: build (build/) failed"
    total_fail=$((total_fail + 1))
fi

# ---- 2. ASan + UBSan build -------------------------------------------------
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

if bash scripts/build.sh --asan; then
    run_suite asan "$ROOT/build-asan/bin/trc" "$ROOT/build-asan/lit-asan.log" --param asan=1
else
    echo "test.sh: build (build-asan/) failed"
    total_fail=$((total_fail + 1))
fi

# ---- 3. fuzzing ---------------------------------------------------------------
# scripts/fuzz.sh: libFuzzer over the pipeline, then the program generator, about a minute
# each (FUZZ_TIME / GEN_TIME). It counts as one test: passed, failed (a crash, internal error,
# hang or sanitizer report; the reproducer is printed above) or skipped (no clang/libFuzzer).
# TRC_TEST_FUZZ=0 leaves it out.
if [ "${TRC_TEST_FUZZ:-1}" = 1 ]; then
    echo
    echo "=== fuzz: scripts/fuzz.sh ==="
    bash scripts/fuzz.sh 2>&1 | tee build/fuzz-summary.log
    frc=${PIPESTATUS[0]}
    if [ "$frc" -ne 0 ]; then
        total_fail=$((total_fail + 1))
    elif grep -q '^fuzz.sh: skipped' build/fuzz-summary.log; then
        total_skip=$((total_skip + 1))
    else
        total_pass=$((total_pass + 1))
    fi
fi

echo
summary="$total_pass passed, $total_fail failed"
if [ "$total_skip" -gt 0 ]; then
    summary="$summary, $total_skip skipped"
fi
echo "$summary"
[ "$total_fail" -eq 0 ]
