#!/usr/bin/env bash
# Benchmarks of the native build (figures only; timing never fails it):
#   tests/bench/run.sh [PROGRAM]      (AR_WIN_EXE=... adds the .exe's size)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
for p in time valgrind; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		sudo=()
		[ "$(id -u)" -eq 0 ] || sudo=(sudo)
		"${sudo[@]}" apt-get update -qq
		DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq time valgrind >/dev/null
	fi
done
[ -n "${1:-}" ] || { [ -f "$ROOT/build/build.ninja" ] || meson setup "$ROOT/build" "$ROOT" >/dev/null; meson compile -C "$ROOT/build" >/dev/null; }
exec /usr/bin/python3 "$ROOT/tests/bench/bench.py" "$@"
