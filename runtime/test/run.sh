#!/bin/sh
# run.sh - builds and runs all runtime tests: the unit tests (rt_test.c),
# again under valgrind when it is installed (the runtime must not leak or
# touch bad memory), then the differential check against rustc.
#
#   sh runtime/test/run.sh        (from anywhere; CC may be overridden)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
rt=$(dirname "$here")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
${CC:-gcc} -std=c11 -O2 -Wall -Wextra -Werror -fPIC -I "$rt" "$here/rt_test.c" "$rt"/*.c -lm -o "$work/rt_test"
"$work/rt_test"
if command -v valgrind >/dev/null 2>&1; then
    # Forked children exit through panics/abort on purpose; only the parent's
    # heap is checked, and valgrind must not write into the children's pipes.
    valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
        --error-exitcode=1 --child-silent-after-fork=yes "$work/rt_test" > "$work/vg.txt" ||
        { cat "$work/vg.txt"; echo "rt_test under valgrind: FAILED"; exit 1; }
    echo "rt_test under valgrind: clean"
else
    echo "valgrind not installed: memcheck skipped"
fi
sh "$here/diff_oracle.sh"
