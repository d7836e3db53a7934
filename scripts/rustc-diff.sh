#!/usr/bin/env bash
# rustc-diff.sh — the differential check behind `%rustc_diff` in the lit suite.
#
#   rustc-diff.sh RUSTC TRC FILE.tr TMP [RUNNER...]
#
# Compiles FILE.tr with `rustc -O --edition 2021` and with trc, runs both (trc's binary under
# RUNNER, e.g. valgrind, when given), and fails unless the two agree byte for byte on stdout,
# on stderr and on the exit code. The only thing masked is the thread id rustc 1.95 prints in
# panic messages (`thread 'main' (12345) panicked`), which differs on every run.
set -u
rustc=$1 trc=$2 src=$3 tmp=$4
shift 4
mask() { sed -E "s/^thread 'main' \([0-9]+\) panicked/thread 'main' (N) panicked/" "$1"; }

"$rustc" -O --edition 2021 "$src" -o "$tmp.rustc" 2> "$tmp.rustc.log" || { echo "rustc failed on $src:"; cat "$tmp.rustc.log"; exit 1; }
"$trc" "$src" -o "$tmp.trc" || { echo "trc failed on $src"; exit 1; }
env -u RUST_BACKTRACE "$tmp.rustc" > "$tmp.r.out" 2> "$tmp.r.err"
rc_r=$?
"$@" "$tmp.trc" > "$tmp.t.out" 2> "$tmp.t.err"
rc_t=$?
status=0
diff -u "$tmp.r.out" "$tmp.t.out" || { echo "stdout differs (rustc above, trc below)"; status=1; }
diff -u <(mask "$tmp.r.err") <(mask "$tmp.t.err") || { echo "stderr differs (rustc above, trc below)"; status=1; }
[ "$rc_r" -eq "$rc_t" ] || { echo "exit code differs: rustc $rc_r, trc $rc_t"; status=1; }
exit $status
