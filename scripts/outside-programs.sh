#!/usr/bin/env bash
# outside-programs.sh — how trc does on programs it was not written against:
# the Rust book's listings and Rust by Example's code blocks.
#
#   scripts/outside-programs.sh [--corpus book|rbe|all] [--work DIR] [--only REGEX]
#
#   --corpus   which corpus to measure (default: all)
#   --work     where the extracted programs, the builds and the results go
#              (default: /tmp/outside-programs); rustc's results are cached in
#              DIR/rustc-cache, keyed by a hash of rustc's version, its flags and
#              the source, so a rerun only builds and runs trc
#   --only     measure only the programs whose name matches REGEX (grep -E)
#
# Environment: RUSTC (default: rustc on PATH, else /root/.cargo/bin/rustc),
# TRC (default: build/bin/trc of this tree), BOOK_GIT and RBE_GIT (the git
# directories of the two corpora; default: the mirrors under /work/.mirror).
# The corpora are read from the HEAD commit of those git directories (no work
# tree needed); the commits used are printed with the results.
#
# Each program is built by rustc (--edition 2021 -A warnings, debug) and by trc
# (debug, default options), both from the same relative path src/main.rs so that
# panic locations print alike, and each binary is run as ./prog (same argv[0]) in
# a directory of its own, with stdin from /dev/null, RUST_BACKTRACE unset and a
# 10 s timeout. A program is classified as
#   SAME-OK    both accept; stdout, stderr and exit code identical, after masking
#              the thread id of `thread 'main' (12345) panicked` on both sides
#   SAME-REJ   both reject with the same first error line's code (error[E....]),
#              or, when that line has no code, with the same line
#   OUTDIFF    both accept, the runs differ (or trc's binary timed out)
#   FALSE-REJ  rustc accepts, trc rejects
#   FALSE-ACC  rustc rejects, trc accepts
#   CODEDIFF   both reject, with different first errors
#   TRC-CRASH  trc exited with a code other than 0 or 1, or printed
#              "internal compiler error"
# and, left out of the agreement figure:
#   NONDET     rustc's binary printed different things in five runs (HashMap
#              order, thread interleavings) or timed out: no fixed expected
#              output (the detail says whether trc's run equals one of rustc's)
# Agreement = (SAME-OK + SAME-REJ) / (all classified programs other than NONDET).
#
# What is extracted (the python3 extractor below says it rule by rule):
#   book: listings/ch*/**/src/main.rs whose package has no [dependencies], whose
#         src/ holds no other .rs file and which declares no `mod x;`. Listings the
#         book shows as not compiling are kept: they are rejection tests.
#   rbe:  ```rust blocks of src/**/*.md, except `ignore` and `edition2015` ones;
#         `no_run` blocks are only compiled (both must accept/reject alike);
#         `# ` hidden lines are unhidden; a block without `fn main` is wrapped in
#         `fn main() { ... }` as rustdoc does (its `#![...]` lines stay outside).
#   Both: programs that read stdin, use std::fs / File, std::net, env::args,
#         std::process::Command, other crates (extern crate, a `use` of a path
#         rooted outside std and the file), `#![crate_type]` libraries or sleep
#         for 5 s or more are skipped
#         (the skipped ones and why are listed in DIR/skipped.tsv).
#
# Output: a summary table per corpus, the list of programs that do not agree,
# and DIR/results.tsv (corpus, name, class, detail). One compile at a time.
set -u

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus=all work=/tmp/outside-programs only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --corpus) corpus=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
RUSTC=${RUSTC:-$(command -v rustc || echo /root/.cargo/bin/rustc)}
TRC=${TRC:-$ROOT/build/bin/trc}
BOOK_GIT=${BOOK_GIT:-/work/.mirror/rust-lang+book/repo}
RBE_GIT=${RBE_GIT:-/work/.mirror/rust-lang+rust-by-example/repo}
RFLAGS="--edition 2021 -A warnings"
[ -x "$TRC" ] || { echo "no trc at $TRC (run scripts/build.sh)" >&2; exit 2; }

mkdir -p "$work/rustc-cache"
rustc_id=$("$RUSTC" -V)

# ---------------------------------------------------------------------------
# Extraction: writes $work/<corpus>/<name>/src/main.rs (+ a file `mode`
# holding run or compile-only) and appends skipped programs to skipped.tsv.
# ---------------------------------------------------------------------------
extract() { # extract CORPUS GITDIR
    rm -rf "${work:?}/$1"
    python3 - "$1" "$2" "$work" <<'PY'
import os, re, subprocess, sys
corpus, gitdir, work = sys.argv[1:4]

def git(*args):
    return subprocess.run(["git", "-C", gitdir] + list(args), check=True,
                          capture_output=True).stdout.decode("utf-8", "replace")

files = git("ls-tree", "-r", "--name-only", "HEAD").splitlines()
fileset = set(files)
out = []        # (name, source, mode)
skipped = []    # (name, reason)

# Things a program must not need: input, the file system, the network, the
# command line, other programs, other crates, long sleeps.
SKIP = [
    (r"\bstdin\s*\(", "reads stdin"),
    (r"std::fs\b|\bFile::|\bfs::", "uses the file system"),
    (r"std::net\b|\bTcp(Listener|Stream)\b|\bUdpSocket\b", "uses the network"),
    (r"env::args|env::var", "uses the command line / environment"),
    (r"process::Command|\bCommand::new", "runs other programs"),
    (r"^\s*extern\s+crate\b", "extern crate"),
    (r"\b(rand|trpl|regex|serde|tokio|futures|add_one|hello_macro)::", "uses an external crate"),
    (r"^\s*#!\[\s*crate_type", "a library crate (#![crate_type])"),
    (r"from_secs\s*\(\s*([5-9]|\d\d)", "sleeps for seconds"),
]
# A `use` whose path starts with a name that is neither std's nor one this
# file declares names another crate (the book's `use blog::Post;` names the
# listing's lib.rs, which lives in another listing).
LOCAL_ROOTS = {"std", "core", "alloc", "crate", "self", "super"}
def skip_reason(src):
    for pat, why in SKIP:
        if re.search(pat, src, re.M):
            return why
    declared = set(re.findall(r"\b(?:mod|enum|struct|trait|union|type|fn|const|static|macro_rules!)\s+(\w+)", src))
    for root in re.findall(r"^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+(?:::)?(\w+)\s*::", src, re.M):
        if root not in LOCAL_ROOTS and root not in declared:
            return "uses another crate: " + root
    return None

def name_of(parts):
    return "__".join(p for p in parts if p)

if corpus == "book":
    for f in files:
        m = re.match(r"listings/(ch[^/]+)/(.+)/src/main\.rs$", f)
        if not m:
            continue
        pkg = f[: -len("/src/main.rs")]
        name = name_of([m.group(1)] + m.group(2).split("/"))
        src = git("show", "HEAD:" + f)
        # Rule: the package's Cargo.toml lists no dependencies.
        toml = git("show", "HEAD:" + pkg + "/Cargo.toml") if pkg + "/Cargo.toml" in fileset else ""
        deps, in_deps = [], False
        for line in toml.splitlines():
            s = line.strip()
            if s.startswith("["):
                in_deps = s.startswith("[dependencies") or s.startswith("[dev-dependencies")
            elif in_deps and s and not s.startswith("#"):
                deps.append(s)
        if deps:
            skipped.append((name, "Cargo.toml dependencies: " + "; ".join(deps))); continue
        # Rule: one file only (no other .rs under src/, no `mod x;`).
        others = [g for g in files if g.startswith(pkg + "/src/") and g.endswith(".rs") and g != f]
        if others:
            skipped.append((name, "multi-file: " + " ".join(os.path.basename(o) for o in others))); continue
        if re.search(r"^\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*;", src, re.M):
            skipped.append((name, "mod x; (multi-file)")); continue
        why = skip_reason(src)
        if why:
            skipped.append((name, why)); continue
        out.append((name, src, "run"))
else:
    for f in files:
        if not (f.startswith("src/") and f.endswith(".md")):
            continue
        text = git("show", "HEAD:" + f)
        base = name_of(f[len("src/"):-len(".md")].split("/"))
        lines = text.splitlines()
        i, n = 0, 0
        while i < len(lines):
            m = re.match(r"^(\s*)```\s*rust\b(.*)$", lines[i])
            if not m:
                i += 1; continue
            indent = len(m.group(1))
            attrs = [a.strip() for a in m.group(2).split(",") if a.strip()]
            j = i + 1
            body = []
            while j < len(lines) and not re.match(r"^\s*```\s*$", lines[j]):
                body.append(lines[j][indent:] if lines[j][:indent].strip() == "" else lines[j])
                j += 1
            i = j + 1
            n += 1
            name = f"{base}_{n}"
            if "ignore" in attrs:
                skipped.append((name, "ignore")); continue
            if any(a.startswith("edition") and a != "edition2021" for a in attrs):
                skipped.append((name, "edition: " + ",".join(attrs))); continue
            # rustdoc's hidden lines: `# x` and a lone `#` are compiled, `##` is `#`.
            code = []
            for l in body:
                s = l.lstrip()
                lead = l[: len(l) - len(s)]
                if s == "#":
                    code.append("")
                elif s.startswith("# "):
                    code.append(lead + s[2:])
                elif s.startswith("##"):
                    code.append(lead + s[1:])
                else:
                    code.append(l)
            src = "\n".join(code) + "\n"
            if "{{#" in src:
                skipped.append((name, "mdbook include")); continue
            why = skip_reason(src)
            if why:
                skipped.append((name, why)); continue
            if not re.search(r"\bfn\s+main\s*\(", src):
                # rustdoc's wrapping: crate attributes stay at the top, the rest
                # becomes main's body.
                attrs_top = [l for l in code if l.strip().startswith("#![")]
                rest = [l for l in code if not l.strip().startswith("#![")]
                src = "\n".join(attrs_top + ["fn main() {"] + rest + ["}"]) + "\n"
            mode = "compile-only" if "no_run" in attrs else "run"
            out.append((name, src, mode))

for name, src, mode in out:
    d = os.path.join(work, corpus, name)
    os.makedirs(os.path.join(d, "src"), exist_ok=True)
    with open(os.path.join(d, "src", "main.rs"), "w") as fh:
        fh.write(src)
    with open(os.path.join(d, "mode"), "w") as fh:
        fh.write(mode + "\n")
with open(os.path.join(work, "skipped.tsv"), "a") as fh:
    for name, why in skipped:
        fh.write(f"{corpus}\t{name}\t{why}\n")
print(f"{corpus}: {len(out)} programs extracted, {len(skipped)} skipped "
      f"(commit {git('rev-parse', '--short', 'HEAD').strip()})")
PY
}

# mask FILE: the thread id rustc 1.95 prints in panic messages differs per run.
mask() { sed -E "s/^thread '([^']*)' \([0-9]+\) /thread '\1' /" "$1"; }

# first_error FILE: the first line of a compiler's output that starts with `error`
# (for a coded one, just `error[E....]`).
first_error() {
    local l
    l=$(grep -m1 -E '^error(\[E[0-9]+\])?:' "$1")
    if [[ $l =~ ^(error\[E[0-9]+\]) ]]; then echo "${BASH_REMATCH[1]}"; else echo "$l"; fi
}

# run_bin DIR PREFIX: runs DIR/prog as ./prog, output in DIR/PREFIX.{out,err,rc}.
run_bin() {
    ( cd "$1" && env -u RUST_BACKTRACE timeout 10 ./prog < /dev/null > "$2.out" 2> "$2.err"; echo $? > "$2.rc" )
    mask "$1/$2.out" > "$1/$2.mout"; mask "$1/$2.err" > "$1/$2.merr"
}

# rustc_side DIR: rustc's build and runs, from the cache when there; leaves in
# DIR/r/: crc (compile exit code), clog, and for an accepted program run.{mout,merr,rc}
# and nondet (1 when two runs differed or the run timed out).
rustc_side() {
    local d=$1 key
    key=$work/rustc-cache/$({ printf '%s\n%s\n%s\nruns=5\n' "$rustc_id" "$RFLAGS" "$(cat "$d/mode")"; cat "$d/src/main.rs"; } | sha256sum | cut -c1-40)
    if [ -d "$key" ]; then rm -rf "$d/r"; cp -r "$key" "$d/r"; return; fi
    rm -rf "$d/r"; mkdir -p "$d/r"
    # shellcheck disable=SC2086
    ( cd "$d" && nice -n 10 "$RUSTC" $RFLAGS src/main.rs -o r/prog > r/clog 2>&1; echo $? > r/crc )
    echo 0 > "$d/r/nondet"
    if [ "$(cat "$d/r/crc")" = 0 ] && [ "$(cat "$d/mode")" = run ]; then
        # Five runs: HashMap's iteration order and thread interleavings change
        # from run to run, and two runs agreed too often by chance.
        local k
        for k in 1 2 3 4 5; do
            run_bin "$d/r" "run$k"
            if [ "$(cat "$d/r/run$k.rc")" = 124 ]; then echo 1 > "$d/r/nondet"; break; fi
            [ "$k" = 1 ] && continue
            if ! cmp -s "$d/r/run1.mout" "$d/r/run$k.mout" || ! cmp -s "$d/r/run1.merr" "$d/r/run$k.merr" \
               || ! cmp -s "$d/r/run1.rc" "$d/r/run$k.rc"; then
                echo 1 > "$d/r/nondet"
            fi
        done
    fi
    rm -f "$d/r/prog"
    cp -r "$d/r" "$key"
}

# classify DIR: prints CLASS<TAB>DETAIL.
classify() {
    local d=$1 crc_r crc_t mode
    mode=$(cat "$d/mode")
    rustc_side "$d"
    rm -rf "$d/t"; mkdir -p "$d/t"
    ( cd "$d" && nice -n 10 timeout 60 "$TRC" src/main.rs -o t/prog > t/clog 2>&1; echo $? > t/crc )
    crc_r=$(cat "$d/r/crc") crc_t=$(cat "$d/t/crc")
    if { [ "$crc_t" != 0 ] && [ "$crc_t" != 1 ]; } || grep -q "internal compiler error" "$d/t/clog"; then
        printf 'TRC-CRASH\ttrc exit %s: %s\n' "$crc_t" "$(grep -m1 -v '^\s*$' "$d/t/clog" | cut -c1-150)"; return
    fi
    if [ "$crc_r" = 0 ] && [ "$crc_t" != 0 ]; then
        printf 'FALSE-REJ\t%s\n' "$(grep -m1 -E '^error' "$d/t/clog" | cut -c1-150)"; return
    fi
    if [ "$crc_r" != 0 ] && [ "$crc_t" = 0 ]; then
        printf 'FALSE-ACC\trustc: %s\n' "$(grep -m1 -E '^error' "$d/r/clog" | cut -c1-150)"; return
    fi
    if [ "$crc_r" != 0 ]; then
        local er et; er=$(first_error "$d/r/clog"); et=$(first_error "$d/t/clog")
        if [ "$er" = "$et" ]; then printf 'SAME-REJ\t%s\n' "$er"
        else printf 'CODEDIFF\trustc %s / trc %s\n' "$(grep -m1 -E '^error' "$d/r/clog" | cut -c1-100)" "$(grep -m1 -E '^error' "$d/t/clog" | cut -c1-100)"; fi
        return
    fi
    if [ "$mode" = compile-only ]; then printf 'SAME-OK\tcompile-only\n'; return; fi
    run_bin "$d/t" run
    if [ "$(cat "$d/r/nondet")" = 1 ]; then
        # No fixed expected output: say whether trc's run is one of rustc's.
        local k m="trc's run is none of rustc's"
        for k in 1 2 3 4 5; do
            [ -f "$d/r/run$k.rc" ] || continue
            if cmp -s "$d/r/run$k.mout" "$d/t/run.mout" && cmp -s "$d/r/run$k.merr" "$d/t/run.merr" \
               && cmp -s "$d/r/run$k.rc" "$d/t/run.rc"; then m="trc's run equals rustc's run $k"; break; fi
        done
        [ "$(cat "$d/r/run1.rc")" = 124 ] && m="rustc's run times out; trc's exit $(cat "$d/t/run.rc")"
        printf 'NONDET\t%s\n' "$m"; return
    fi
    local what=""
    cmp -s "$d/r/run1.mout" "$d/t/run.mout" || what+="stdout "
    cmp -s "$d/r/run1.merr" "$d/t/run.merr" || what+="stderr "
    cmp -s "$d/r/run1.rc" "$d/t/run.rc" || what+="exit($(cat "$d/r/run1.rc") vs $(cat "$d/t/run.rc")) "
    if [ -z "$what" ]; then printf 'SAME-OK\t\n'; else printf 'OUTDIFF\t%s\n' "$what"; fi
}

results=$work/results.tsv
: > "$results"; : > "$work/skipped.tsv"
classes="SAME-OK SAME-REJ OUTDIFF FALSE-REJ FALSE-ACC CODEDIFF TRC-CRASH NONDET"
for c in book rbe; do
    [ "$corpus" = all ] || [ "$corpus" = "$c" ] || continue
    if [ "$c" = book ]; then extract book "$BOOK_GIT"; else extract rbe "$RBE_GIT"; fi
    for d in "$work/$c"/*/; do
        d=${d%/}; name=$(basename "$d")
        if [ -n "$only" ] && ! grep -qE "$only" <<< "$name"; then continue; fi
        line=$(classify "$d")
        printf '%s\t%s\t%s\n' "$c" "$name" "$line" >> "$results"
        printf '%-10s %s\n' "${line%%$'\t'*}" "$c/$name" >&2
    done
done

# Summary per corpus, then the programs that do not agree.
echo
echo "rustc: $rustc_id; trc: $TRC ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null))"
for c in book rbe; do
    total=$(awk -F'\t' -v c="$c" '$1==c' "$results" | wc -l)
    [ "$total" -gt 0 ] || continue
    echo
    echo "== $c: $total programs measured, $(awk -F'\t' -v c="$c" '$1==c' "$work/skipped.tsv" | wc -l) skipped (see $work/skipped.tsv)"
    for k in $classes; do
        printf '  %-10s %4d\n' "$k" "$(awk -F'\t' -v c="$c" -v k="$k" '$1==c && $3==k' "$results" | wc -l)"
    done
    awk -F'\t' -v c="$c" '$1==c { if ($3=="NONDET") next; n++; if ($3=="SAME-OK"||$3=="SAME-REJ") a++ }
        END { printf "  agreement  %d/%d = %.1f%% (NONDET left out)\n", a, n, n ? 100*a/n : 0 }' "$results"
done
echo
echo "== programs that do not agree"
awk -F'\t' '$3!="SAME-OK" && $3!="SAME-REJ" && $3!="NONDET" { printf "  %-10s %s/%s  %s\n", $3, $1, $2, $4 }' "$results"
