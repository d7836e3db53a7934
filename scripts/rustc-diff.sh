#!/usr/bin/env bash
# rustc-diff.sh — the differential check behind `%rustc_diff` in the lit suite.
#
#   rustc-diff.sh [--compile-only | --trc-only] RUSTC TRC FILE.tr TMP [RUNNER...]
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
# under a hash of rustc's version, its flags and the source, so a second run of the suite in the
# same tree builds and runs only trc. A program with a `mod name;`
# item is never cached: its meaning depends on other files.
#
# --compile-only (the ASan suite, test/lit.cfg.py): no comparison; trc compiles FILE as at -O2,
# to LLVM IR, and must succeed. That suite is there to run trc itself under ASan and UBSan on
# every input, and what -O2 changes in trc's own code (no overflow checks; the devirtualization
# pass, which runs inside trc) is what the test's own RUN lines mostly do not reach. LLVM's
# pipeline is left out (--disable-llvm-passes): LLVM is not instrumented, but under ASan's
# allocator it took 85% of such a compile, and building and running the release binary as well
# tripled that suite's time for nothing: the main suite ran the same binary against rustc's.
# Leaks are not looked for here (LeakSanitizer's scan at exit is a third of such a compile): the
# test's own RUN lines look for them in the same front end.
#
# --trc-only (the coverage suite, scripts/coverage.sh): no rustc and no runs; trc builds FILE
# at -O2 and at -O0, as a comparison would, and must succeed. Only trc's own code is measured
# there, and rustc's two builds would take most of that suite's time.
set -u
compile_only= trc_only=
if [ "${1:-}" = --compile-only ]; then compile_only=1; shift; fi
if [ "${1:-}" = --trc-only ]; then trc_only=1; shift; fi
rustc=$1 trc=$2 src=$3 tmp=$4
shift 4
mask() { sed -E "s/^thread '([^']*)' \([0-9]+\) (panicked|has overflowed)/thread '\1' (N) \2/" "$1"; }

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
if [ -n "$compile_only" ]; then
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        "$trc" -O2 --disable-llvm-passes --emit-llvm "$src" -o "$tmp.trc.ll" || { echo "trc -O2 failed on $src"; exit 1; }
    rm -f "$tmp.trc.ll"
    exit 0
fi
if [ -n "$trc_only" ]; then
    "$trc" -O2 "$src" -o "$tmp.trc" || { echo "trc -O2 failed on $src"; exit 1; }
    "$trc" "$src" -o "$tmp.trc" || { echo "trc failed on $src"; exit 1; }
    rm -f "$tmp.trc"
    exit 0
fi
compare release "-O" "-O2"
compare debug "" "" "$@"
exit $status
