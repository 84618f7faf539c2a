#!/usr/bin/env bash
# Benchmarks of the native build (figures only; timing never fails it):
#   tests/bench/run.sh [PROGRAM]      (AR_WIN_EXE=... adds the .exe's size)
# Without PROGRAM it measures the program as it ships: a release build with
# cJSON linked in (from Debian's source package, packaging/native-cjson.sh),
# as the Windows .exe has it, in AR_BENCH_BUILD (default build-bench).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
"$ROOT/packaging/ensure-packages.sh" time valgrind
if [ -z "${1:-}" ]; then
	BUILD=${AR_BENCH_BUILD:-$ROOT/build-bench}
	if [ ! -f "$BUILD/build.ninja" ]; then
		PKG_CONFIG_PATH=$("$ROOT/packaging/native-cjson.sh") \
			meson setup "$BUILD" "$ROOT" -Dbuildtype=release -Dtests=false >/dev/null
	fi
	meson compile -C "$BUILD" >/dev/null
	set -- "$BUILD/active-response/win_ms_network_client_sign_if_server_agrees"
fi
exec /usr/bin/python3 "$ROOT/tests/bench/bench.py" "$@"
