#!/usr/bin/env bash
# Build trc and its runtime.
#   scripts/build.sh          -> build/       (RelWithDebInfo)
#   scripts/build.sh --asan   -> build-asan/  (RelWithDebInfo, TRC_SANITIZE=ON)
# Configures only when the build dir has no CMake cache yet; later runs are
# incremental (ninja re-runs cmake by itself when CMakeLists.txt or the set of
# source files changes).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

builddir="$ROOT/build"
cmake_args=()
case "${1:-}" in
    "") ;;
    --asan)
        builddir="$ROOT/build-asan"
        cmake_args+=(-DTRC_SANITIZE=ON)
        ;;
    -h|--help)
        echo "usage: $0 [--asan]"; exit 0 ;;
    *)
        echo "usage: $0 [--asan]" >&2; exit 2 ;;
esac

bash "$ROOT/scripts/setup.sh"

if [ ! -f "$builddir/CMakeCache.txt" ] || [ ! -f "$builddir/build.ninja" ]; then
    cmake -S "$ROOT" -B "$builddir" -G Ninja \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo "${cmake_args[@]}"
fi

ninja -C "$builddir"
