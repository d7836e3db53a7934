#!/usr/bin/env bash
# rustc-diff.sh — the differential check behind `%rustc_diff` in the lit suite.
#
#   rustc-diff.sh RUSTC TRC FILE.tr TMP [RUNNER...]
#
# Builds FILE.tr twice with each compiler and compares like with like:
#   rustc -O --edition 2021    against   trc -O2   (release: integer overflow wraps)
#   rustc --edition 2021       against   trc       (debug: integer overflow panics)
# runs all four (trc's binaries under RUNNER, e.g. valgrind, when given), and fails unless each
# pair agrees byte for byte on stdout, on stderr and on the exit code. The only thing masked
# is the thread id rustc 1.95 prints in panic messages (`thread 'main' (12345) panicked`),
# which differs on every run.
set -u
rustc=$1 trc=$2 src=$3 tmp=$4
shift 4
mask() { sed -E "s/^thread 'main' \([0-9]+\) panicked/thread 'main' (N) panicked/" "$1"; }

status=0
# compare NAME RUSTC_FLAGS TRC_FLAGS
compare() {
    local name=$1 rflags=$2 tflags=$3 t="$tmp.$1"
    # shellcheck disable=SC2086
    "$rustc" $rflags --edition 2021 "$src" -o "$t.rustc" 2> "$t.rustc.log" || { echo "rustc $rflags failed on $src:"; cat "$t.rustc.log"; status=1; return; }
    # shellcheck disable=SC2086
    "$trc" $tflags "$src" -o "$t.trc" || { echo "trc $tflags failed on $src"; status=1; return; }
    env -u RUST_BACKTRACE "$t.rustc" > "$t.r.out" 2> "$t.r.err"
    local rc_r=$?
    "${runner[@]}" "$t.trc" > "$t.t.out" 2> "$t.t.err"
    local rc_t=$?
    diff -u "$t.r.out" "$t.t.out" || { echo "$name: stdout differs (rustc above, trc below)"; status=1; }
    diff -u <(mask "$t.r.err") <(mask "$t.t.err") || { echo "$name: stderr differs (rustc above, trc below)"; status=1; }
    [ "$rc_r" -eq "$rc_t" ] || { echo "$name: exit code differs: rustc $rc_r, trc $rc_t"; status=1; }
}
runner=("$@")
compare release "-O" "-O2"
compare debug "" ""
exit $status
