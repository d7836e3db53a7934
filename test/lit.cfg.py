# -*- Python -*-
# lit configuration for the trc test suite.
#
# Run with:   scripts/lit test/            (uses build/bin/trc)
#             scripts/lit --param trc=build-asan/bin/trc test/
#             ninja -C build check
#
# Parameters (--param NAME=VALUE):
#   trc=PATH          trc binary to test (else $TRC, else <repo>/build/bin/trc)
#   valgrind=1        %run becomes a valgrind command; feature `valgrind`
#   asan=1            marks the run as an ASan build of trc; feature `asan`
#   rustc=PATH        rustc for differential tests; feature `rustc`
#   coverage=1        %rustc_diff only builds with trc (scripts/coverage.sh measures trc)
#   test_exec_root=DIR  where Output/ dirs (%t files) go
#                     (default <dir of trc>/../test-output)

import os
import shutil
import subprocess

import lit.formats

config.name = "trc"
config.suffixes = [".tr", ".ll", ".test"]
config.excludes = ["Inputs", "lit.cfg.py"]
config.test_format = lit.formats.ShTest(True)

config.test_source_root = os.path.dirname(os.path.abspath(__file__))
repo_root = os.path.dirname(config.test_source_root)

LLVM_BIN = "/usr/lib/llvm-19/bin"


def param_true(name):
    v = lit_config.params.get(name)
    return v is not None and v.lower() not in ("", "0", "false", "no", "off")


# --- locate trc -------------------------------------------------------------
trc = lit_config.params.get("trc") or os.environ.get("TRC") or os.path.join(
    repo_root, "build", "bin", "trc"
)
trc = os.path.abspath(trc)
if not (os.path.isfile(trc) and os.access(trc, os.X_OK)):
    lit_config.fatal(
        "trc binary not found at %s. Build it first "
        "(cmake -S . -B build -G Ninja && ninja -C build, or scripts/build.sh) "
        "or pass --param trc=/path/to/trc" % trc
    )
trc_dir = os.path.dirname(trc)
trc_rt = os.path.normpath(os.path.join(trc_dir, "..", "lib", "libtrc_rt.a"))

# %t files go under the build tree, not the source tree.
config.test_exec_root = os.path.abspath(
    lit_config.params.get("test_exec_root")
    or os.path.join(trc_dir, "..", "test-output")
)

# --- environment ------------------------------------------------------------
config.environment["PATH"] = os.pathsep.join(
    [LLVM_BIN, config.environment.get("PATH", os.environ.get("PATH", ""))]
)
for var in (
    "HOME",
    "TMPDIR",
    "NO_COLOR",
    "ASAN_OPTIONS",
    "UBSAN_OPTIONS",
    "LSAN_OPTIONS",
    "RUSTUP_HOME",
    "CARGO_HOME",
    "RUSTUP_TOOLCHAIN",
    "RUSTC_DIFF_CACHE",
    "LLVM_PROFILE_FILE",  # scripts/coverage.sh: where a coverage build of trc writes its counts
):
    if var in os.environ:
        config.environment[var] = os.environ[var]

# --- valgrind / asan ----------------------------------------------------------
if param_true("valgrind"):
    run_prefix = (
        "valgrind --error-exitcode=1 --leak-check=full "
        "--errors-for-leak-kinds=definite,indirect -q"
    )
    config.available_features.add("valgrind")
else:
    run_prefix = ""

# helgrind: threaded programs must run without data-race reports. Feature `helgrind` where
# valgrind is installed; a test runs its binary as `%helgrind %t` (under valgrind's race
# detector, failing on any report) on a RUN line guarded by `%if helgrind %{ ... %}`.
if shutil.which("valgrind"):
    config.available_features.add("helgrind")
config.substitutions.append(("%helgrind", "valgrind --tool=helgrind --error-exitcode=1 -q"))

if param_true("asan"):
    config.available_features.add("asan")

# --- rustc (optional, for differential tests) --------------------------------
rustc = lit_config.params.get("rustc") or shutil.which("rustc")
if not rustc and os.access("/root/.cargo/bin/rustc", os.X_OK):
    rustc = "/root/.cargo/bin/rustc"
if rustc:
    # A rustup proxy without a toolchain exists but does not work: check it.
    try:
        subprocess.run(
            [rustc, "--version"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        lit_config.note("rustc at %s does not work" % rustc)
        rustc = None
if rustc:
    rustc = os.path.abspath(rustc)
    config.available_features.add("rustc")
else:
    lit_config.note(
        "rustc not found: `%if rustc` RUN lines (the rustc differential checks) are "
        "skipped and REQUIRES: rustc tests are UNSUPPORTED"
    )
    rustc = "rustc-not-found"

# --- substitutions ----------------------------------------------------------
# Order matters: lit replaces them in this order, and before its builtin
# %s/%t/%S/%T.  %trc_rt must come before %trc (prefix).
config.substitutions.append(("%trc_rt", trc_rt))
config.substitutions.append(("%trc", trc))
config.substitutions.append(("%cc", "cc"))
config.substitutions.append(("%run", run_prefix))
config.substitutions.append(("%examples", os.path.join(repo_root, "examples")))
# %rustc_diff FILE TMP [RUNNER]: compile FILE with rustc and trc (release: rustc -O vs trc -O2;
# debug: rustc vs trc -O0), run both, compare stdout, stderr and exit code
# (scripts/rustc-diff.sh); RUNNER (`%run`) runs trc's debug binary, under valgrind with
# valgrind=1. Give it only when no other RUN line of the test runs its build under `%run`:
# one run under valgrind per program is what the suite can afford.
#
# How a test checks trc alone *and* against rustc in one file: write the differential line as
#     RUN: %if rustc %{ %rustc_diff %s %t %}
# (`%rustc_diff %s %t %run` in a test that is nothing but the comparison; test/examples/*.test
# pass %examples/NAME.tr instead of %s). `%if rustc` is lit's
# conditional substitution on the `rustc` feature set above: where rustc works the line runs
# and a difference fails the test; where it does not, the line expands to nothing and only
# the trc-only RUN lines (FileCheck on the output) run, so the test still passes or fails on
# trc's own output. Do not use `REQUIRES: rustc` for such tests: it would report the whole
# file UNSUPPORTED, trc-only checks included, where rustc is missing. Use it only for tests
# that are nothing but a comparison with rustc (test/runtime/rt-rustc-diff.test). A bare
# %rustc_diff without `%if rustc` fails where rustc is missing (it runs "rustc-not-found").
# In the ASan suite (asan=1) trc only compiles FILE at -O2, under ASan (rustc-diff.sh --compile-only);
# in the coverage suite (coverage=1) trc builds it at -O2 and -O0 and nothing runs (--trc-only).
config.substitutions.append(
    (
        "%rustc_diff",
        "bash %s %s%s %s"
        % (
            os.path.join(repo_root, "scripts", "rustc-diff.sh"),
            "--compile-only " if param_true("asan")
            else "--trc-only " if param_true("coverage") else "",
            rustc,
            trc,
        ),
    )
)
config.substitutions.append(("%rustc", rustc))
