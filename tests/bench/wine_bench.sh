#!/usr/bin/env bash
# The .exe under Wine against the stock `wine reg add` of the same value:
# N interleaved rounds (default 20), the value reset to 0 before each; prints
# median wall times and their ratio. Figures only.
#   AR_WIN_EXE=path/to.exe tests/bench/wine_bench.sh [N]
set -euo pipefail

N=${1:-20}
# shellcheck source=tests/e2e/wine/agent.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../e2e/wine/agent.sh"
# wineserver stays up between runs, as the Windows kernel would.
wineserver -p >/dev/null 2>&1 || true

ms() { date +%s%N; }
ours=()
stock=()
for _ in $(seq "$N"); do
	wine reg add "$KEY" /v EnableSecuritySignature /t REG_DWORD /d 0 /f >/dev/null 2>&1
	t=$(ms)
	(cd "$AGENT" && wine "active-response/bin/$NAME.exe" <"$ROOT/tests/data/ours_26032_failed.json" \
		>/dev/null 2>&1)
	ours+=($(($(ms) - t)))
	wine reg add "$KEY" /v EnableSecuritySignature /t REG_DWORD /d 0 /f >/dev/null 2>&1
	t=$(ms)
	wine reg add "$KEY" /v EnableSecuritySignature /t REG_DWORD /d 1 /f >/dev/null 2>&1
	stock+=($(($(ms) - t)))
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
mo=$(median "${ours[@]}")
ms_=$(median "${stock[@]}")
awk -v o="$mo" -v s="$ms_" -v n="$N" 'BEGIN {
	printf "median wall time under Wine, %d interleaved rounds:\n", n
	printf "  %s (check, backup, write, read back, log)  %8.1f ms\n", "our .exe", o / 1e6
	printf "  wine reg add (write only)                          %8.1f ms\n", s / 1e6
	printf "  ratio                                              %8.2f x\n", o / s
}'
