#!/usr/bin/env bash
# rustc-diff.sh — the differential check behind `%rustc_diff` in the lit suite.
#
#   rustc-diff.sh [--release-only] RUSTC TRC FILE.tr TMP [RUNNER...]
#
# Builds FILE.tr twice with each compiler and compares like with like:
#   rustc -O --edition 2021    against   trc -O2   (release: integer overflow wraps)
#   rustc --edition 2021       against   trc       (debug: integer overflow panics)
# runs all four, and fails unless each
# pair agrees byte for byte on stdout, on stderr and on the exit code. The only thing masked
# is the thread id rustc 1.95 prints in panic and stack overflow messages
# (`thread 'main' (12345) panicked`),
# which differs on every run.
#
# RUNNER (e.g. valgrind, when given) runs trc's debug binary, the build closest to the IR trc
# wrote. A test that already runs its plain `trc` build under `%run` on a RUN line of its own
# passes no RUNNER: valgrind costs three times what compiling does, and a second run under it
# (of either build) found nothing the first did not.
#
# With RUSTC_DIFF_CACHE=DIR (scripts/test.sh sets it), what rustc's build printed is kept in DIR
# under a hash of rustc's version, its flags and the source, so the second suite of a CI run
# (the ASan one, which compiles the same files) runs only trc. A program with a `mod name;`
# item is never cached: its meaning depends on other files.
#
# --release-only (the ASan suite, test/lit.cfg.py): only the release pair. That suite is there to
# run trc itself under ASan on every input; the test's own RUN lines already compile the debug
# build with the same flags, and the main suite compared both builds' output with rustc's.
set -u
release_only=
if [ "${1:-}" = --release-only ]; then release_only=1; shift; fi
rustc=$1 trc=$2 src=$3 tmp=$4
shift 4
mask() { sed -E "s/^thread '(main|<unnamed>)' \([0-9]+\) (panicked|has overflowed)/thread '\1' (N) \2/" "$1"; }

cache=${RUSTC_DIFF_CACHE:-}
if [ -n "$cache" ] && grep -qE '^[[:space:]]*(pub[^;{]*)?mod[[:space:]]+[A-Za-z_0-9]+[[:space:]]*;' "$src"; then
    cache=
fi
[ -n "$cache" ] && { mkdir -p "$cache"; rustc_id=$("$rustc" -V 2>/dev/null); }

# rustc_output NAME RUSTC_FLAGS: rustc's build of $src run, its output in $t.r.out/$t.r.err
# and its exit code in rc_r (from the cache when it has them).
rustc_output() {
    local rflags=$2 t="$tmp.$1" key=""
    if [ -n "$cache" ]; then
        key=$cache/$({ printf '%s\n%s\n' "$rustc_id" "$rflags"; cat "$src"; } | sha256sum | cut -c1-40)
        if [ -f "$key.rc" ]; then
            cp "$key.out" "$t.r.out" && cp "$key.err" "$t.r.err" && rc_r=$(cat "$key.rc") && return 0
        fi
    fi
    # shellcheck disable=SC2086
    "$rustc" $rflags --edition 2021 "$src" -o "$t.rustc" 2> "$t.rustc.log" || { echo "rustc $rflags failed on $src:"; cat "$t.rustc.log"; return 1; }
    env -u RUST_BACKTRACE "$t.rustc" > "$t.r.out" 2> "$t.r.err"
    rc_r=$?
    if [ -n "$key" ]; then
        # The exit code is written last (after a rename), so a reader never sees half an entry.
        cp "$t.r.out" "$key.out.$$" && mv "$key.out.$$" "$key.out"
        cp "$t.r.err" "$key.err.$$" && mv "$key.err.$$" "$key.err"
        echo "$rc_r" > "$key.rc.$$" && mv "$key.rc.$$" "$key.rc"
    fi
    return 0
}

status=0
# compare NAME RUSTC_FLAGS TRC_FLAGS [RUNNER...]
compare() {
    local name=$1 rflags=$2 tflags=$3 t="$tmp.$1" rc_r
    shift 3
    local runner=("$@")
    rustc_output "$name" "$rflags" || { status=1; return; }
    # shellcheck disable=SC2086
    "$trc" $tflags "$src" -o "$t.trc" || { echo "trc $tflags failed on $src"; status=1; return; }
    "${runner[@]}" "$t.trc" > "$t.t.out" 2> "$t.t.err"
    local rc_t=$?
    diff -u "$t.r.out" "$t.t.out" || { echo "$name: stdout differs (rustc above, trc below)"; status=1; }
    diff -u <(mask "$t.r.err") <(mask "$t.t.err") || { echo "$name: stderr differs (rustc above, trc below)"; status=1; }
    [ "$rc_r" -eq "$rc_t" ] || { echo "$name: exit code differs: rustc $rc_r, trc $rc_t"; status=1; }
    # The binaries are what fills a disk (rustc's debug build alone is several MB, and a suite
    # makes two of each per program): kept only when the pair disagreed, to debug it.
    [ "$status" -ne 0 ] || rm -f "$t.trc" "$t.rustc"
}
compare release "-O" "-O2"
[ -n "$release_only" ] || compare debug "" "" "$@"
exit $status
