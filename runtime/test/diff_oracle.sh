#!/bin/sh
# diff_oracle.sh - compares the runtime's formatting with real Rust.
#
# Builds oracle.rs with rustc and rt_diff.c with the runtime, then for each
# mode (floats: ~88k f64 values under 11 format specs; chars: {:?} of every
# Unicode scalar value as char and as &str; parse: ~40k parse::<i64/u64>
# inputs) pipes Rust's output through rt_diff, which recomputes every line.
# Skipped (exit 0) when no rustc is found; set RUSTC to choose one.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
rt=$(dirname "$here")
rustc=${RUSTC:-$(command -v rustc || echo /root/.cargo/bin/rustc)}
if ! [ -x "$rustc" ]; then
    echo "diff_oracle: rustc not found, skipped"
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$rustc" -O "$here/oracle.rs" -o "$work/oracle"
${CC:-gcc} -std=c11 -O2 -Wall -Wextra -Werror -I "$rt" "$here/rt_diff.c" "$rt"/*.c -lm -o "$work/rt_diff"
status=0
for mode in floats chars parse; do
    "$work/oracle" "$mode" > "$work/$mode.txt"
    "$work/rt_diff" "$mode" < "$work/$mode.txt" || status=1
done
exit $status
