#!/usr/bin/env bash
# The static sweep (packaging/wazuh/build-static-sweep.sh) beside the
# native dynamic build: size, libraries, start-up and a dry run against the
# API stand-in; see static_sweep_bench.py. Figures only; timing never
# fails it.
#   tests/bench/static_sweep_bench.sh [RUNS]
# Environment: AR_STATIC_SWEEP and AR_SWEEP, the programs to compare
# (default: built here, the dynamic one in build/, the development build).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
EXE=win_ms_network_client_sign_if_server_agrees_sweep
"$ROOT/packaging/ensure-packages.sh" time binutils
STATIC=${AR_STATIC_SWEEP:-}
if [ -z "$STATIC" ]; then
	OUT=$(mktemp -d)
	trap 'rm -rf "$OUT"' EXIT
	STATIC=$("$ROOT/packaging/wazuh/build-static-sweep.sh" "$OUT" | tail -n 1)
fi
DYNAMIC=${AR_SWEEP:-}
if [ -z "$DYNAMIC" ]; then
	BUILD=$ROOT/build
	[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" "$ROOT" >/dev/null
	meson compile -C "$BUILD" "sweep/$EXE" >/dev/null
	DYNAMIC=$BUILD/sweep/$EXE
fi
exec /usr/bin/python3 "$ROOT/tests/bench/static_sweep_bench.py" "$STATIC" "$DYNAMIC" "$@"
