#!/usr/bin/env bash
# Benchmarks of the native build (figures only; timing never fails it):
#   tests/bench/run.sh [PROGRAM]      (AR_WIN_EXE=... adds the .exe's size)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
"$ROOT/packaging/ensure-packages.sh" time valgrind
[ -n "${1:-}" ] || { [ -f "$ROOT/build/build.ninja" ] || meson setup "$ROOT/build" "$ROOT" >/dev/null; meson compile -C "$ROOT/build" >/dev/null; }
exec /usr/bin/python3 "$ROOT/tests/bench/bench.py" "$@"
