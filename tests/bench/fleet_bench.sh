#!/usr/bin/env bash
# Hundreds of agents reporting at the API's rate limit; see fleet_bench.py.
#   tests/bench/fleet_bench.sh [AGENTS] [WINDOW_SECONDS] [DRAIN_SECONDS]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PROG=${AR_PROGRAM:-$ROOT/build/active-response/win_ms_network_client_sign_if_server_agrees}
[ -x "$PROG" ] || { meson setup "$ROOT/build" "$ROOT" >/dev/null 2>&1 || true; meson compile -C "$ROOT/build" >/dev/null; }
exec /usr/bin/python3 "$ROOT/tests/bench/fleet_bench.py" "$PROG" "$@"
