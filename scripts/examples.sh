#!/usr/bin/env bash
# Build trc (installing missing packages), then compile and run every
# examples/*.tr in sorted order.
#   - binaries go to build/examples/NAME
#   - if examples/NAME.args exists, its whitespace-separated contents are
#     passed as command-line arguments
#   - stdin is examples/NAME.stdin if that exists, else /dev/null
# Exits non-zero if any example fails to compile or exits non-zero.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

bash scripts/build.sh || { echo "examples.sh: build failed" >&2; exit 1; }

TRC="$ROOT/build/bin/trc"
OUT="$ROOT/build/examples"
mkdir -p "$OUT"

shopt -s nullglob
trfiles=(examples/*.tr)
shopt -u nullglob
files=()
if [ "${#trfiles[@]}" -gt 0 ]; then
    mapfile -t files < <(printf '%s\n' "${trfiles[@]}" | LC_ALL=C sort)
fi
if [ "${#files[@]}" -eq 0 ]; then
    echo "examples.sh: no examples found in examples/*.tr" >&2
    exit 1
fi

TIMEOUT="${TRC_EXAMPLE_TIMEOUT:-60}"
ok=0
failed=()
for f in "${files[@]}"; do
    name="$(basename "$f" .tr)"
    echo "== $name =="
    "$TRC" "$f" -o "$OUT/$name"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "!! $name: compile failed (trc exit status $rc)"
        failed+=("$name (compile)")
        continue
    fi
    args=()
    if [ -f "examples/$name.args" ]; then
        set -f
        # shellcheck disable=SC2207
        args=($(cat "examples/$name.args"))
        set +f
    fi
    stdin=/dev/null
    [ -f "examples/$name.stdin" ] && stdin="examples/$name.stdin"
    timeout "$TIMEOUT" "$OUT/$name" "${args[@]}" < "$stdin"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        if [ "$rc" -eq 124 ]; then
            echo "!! $name: timed out after ${TIMEOUT}s"
        else
            echo "!! $name: exited with status $rc"
        fi
        failed+=("$name (run)")
        continue
    fi
    ok=$((ok + 1))
done

echo
echo "examples: ${#files[@]} total, $ok ok, ${#failed[@]} failed"
if [ "${#failed[@]}" -ne 0 ]; then
    for x in "${failed[@]}"; do echo "  FAILED: $x"; done
    exit 1
fi
exit 0
