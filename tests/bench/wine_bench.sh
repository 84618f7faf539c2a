#!/usr/bin/env bash
# The .exe under Wine (64-bit) beside two floor programs built here with
# the same mingw-w64 (tests/bench/floor: min.exe reads the alert's line;
# minreg.exe also creates the key, sets EnableSecuritySignature to 1 and
# reads it back): N interleaved rounds (default 20) of a remediating, a
# compliant and a reporting run (to the stand-in API), medians, ratios and
# the DLLs each run loaded (tests/bench/wine_bench.py). Figures only.
#   [AR_WIN_EXE=path/to.exe] tests/bench/wine_bench.sh [N]
# Without AR_WIN_EXE the .exe is built (packaging/windows/build.sh).
set -euo pipefail

N=${1:-20}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/e2e/wine/agent.sh
. "$HERE/../e2e/wine/agent.sh"
# shellcheck source=tests/caps.sh
. "$ROOT/tests/caps.sh"
if caps_exec32 && caps_wine32; then
	echo "i686: not measured here (this benchmark runs the 64-bit .exe)"
else
	caps_skipped "i686" "$CAPS_WHY"
fi
for f in min minreg; do
	x86_64-w64-mingw32-gcc -Os -s -Wall -Wextra -Werror -o "$WORK/$f.exe" "$HERE/floor/$f.c"
done
# wineserver stays up between runs, as the Windows kernel would; the
# prefix's services are started here, with no pipe of the benchmark's
# open (they would hold its captured output open).
wineserver -p >/dev/null 2>&1 || true
wine_step --ok "0 1" "start the prefix's services" wine reg query "$KEY" /v EnableSecuritySignature
python3 "$HERE/wine_bench.py" "$AGENT" "active-response\\bin\\$NAME.exe" \
	"$WORK/min.exe" "$WORK/minreg.exe" "$N"
