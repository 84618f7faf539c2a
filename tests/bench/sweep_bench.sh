#!/usr/bin/env bash
# The sweep over a 10,000-agent fleet against the API stand-in; see
# sweep_bench.py. Figures only; timing never fails it.
#   tests/bench/sweep_bench.sh [AGENTS] [RATE_PER_MINUTE]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
"$ROOT/packaging/ensure-packages.sh" time
SWEEP=${AR_SWEEP:-$ROOT/build/sweep/win_ms_network_client_sign_if_server_agrees_sweep}
[ -x "$SWEEP" ] || { [ -f "$ROOT/build/build.ninja" ] || meson setup "$ROOT/build" "$ROOT" >/dev/null; meson compile -C "$ROOT/build" >/dev/null; }
exec /usr/bin/python3 "$ROOT/tests/bench/sweep_bench.py" "$SWEEP" "$@"
