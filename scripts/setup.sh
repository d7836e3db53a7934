#!/usr/bin/env bash
# Make sure the Debian packages trc needs are installed.  Idempotent; silent
# when everything is already there.
set -euo pipefail

# clang-19 and libclang-rt-19-dev: libFuzzer and the sanitizers for scripts/fuzz.sh.
PACKAGES=(llvm-19-dev llvm-19-tools clang-19 libclang-rt-19-dev cmake ninja-build python3 valgrind)

is_installed() {
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

if ! command -v dpkg >/dev/null 2>&1; then
    echo "setup.sh: dpkg not found; this script supports Debian/Ubuntu only." >&2
    echo "          Needed: LLVM 19 (dev + tools), clang 19 with its runtime, cmake, ninja, python3, valgrind." >&2
    exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
    is_installed "$p" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

echo "setup.sh: missing packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: not running as root; install them with:" >&2
    echo "    sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"

for p in "${missing[@]}"; do
    if ! is_installed "$p"; then
        echo "setup.sh: failed to install $p" >&2
        exit 1
    fi
done
echo "setup.sh: installed ${missing[*]}"
