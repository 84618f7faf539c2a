#!/usr/bin/env bash
# The 32-bit .exe, the architecture of the Wazuh agent itself. Always
# checked as a file: PE32 for i386, only system DLLs, stripped, no time
# stamp. Then run through the whole Wine suite (run.sh), and the Windows
# unit suites built for i686 (tests/unit/wine.sh), under Wine's 32-bit
# loader, where 32-bit programs run here: found by running them
# (tests/caps.sh), never by asking dpkg. Only where the kernel runs a
# 32-bit program is Debian's wine32 installed (the i386 architecture added
# to dpkg), when its loader is not there or does not run yet. Where
# 32-bit programs cannot run, or wine32 cannot be installed, this prints
# one line, "skipped: WHAT: WHY", and goes on: that alone is no failure
# (a failed install takes the i386 architecture away again, so that
# apt-get update keeps working). AR_WINE32_INSTALL=no: never install it.
# Uses AR_WIN_DIR (or the folder of AR_WIN_EXE), else builds with build.sh.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
NAME=win_ms_network_client_sign_if_server_agrees
HOST=i686-w64-mingw32
# shellcheck source=tests/tap.sh
. "$ROOT/tests/tap.sh"
W=$(mktemp -d)
# shellcheck disable=SC2016 # expanded at exit
at_exit 'rm -rf "$W"'

WIN=${AR_WIN_DIR:-}
if [ -z "$WIN" ] && [ -n "${AR_WIN_EXE:-}" ]; then WIN=$(dirname "$AR_WIN_EXE"); fi
if [ -z "$WIN" ]; then
	"$ROOT/packaging/windows/build.sh" "$W/win" >/dev/null
	WIN=$W/win
fi
EXE32=$WIN/i686/$NAME.exe

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# shellcheck source=packaging/windows/pe_checks.sh
. "$ROOT/packaging/windows/pe_checks.sh"
check "i686 .exe: a PE32 file for i386" pe_format "$HOST" "$EXE32" pei-i386
check "i686 .exe: optional header magic 010b (PE32)" pe_magic "$HOST" "$EXE32" 010b
check "i686 .exe: imports only system DLLs" system_dlls_only "$HOST" "$EXE32"
check "i686 .exe: stripped" stripped "$HOST" "$EXE32"
check "i686 .exe: no time stamp" no_time_stamp "$HOST" "$EXE32"

have_wine32() {
	dpkg-query -W -f='${Status}' wine32:i386 2>/dev/null | grep -q 'install ok installed'
}
# Tries to install wine32; on failure leaves dpkg's architectures as they
# were and says why in CAPS_WHY.
try_wine32() {
	local log=$W/apt.log added=0 apt=(-o DPkg::Lock::Timeout=120)
	if ! dpkg --print-foreign-architectures | grep -qx i386; then
		as_root dpkg --add-architecture i386
		added=1
	fi
	# An update that fails for one index may still serve the others.
	as_root apt-get update -qq "${apt[@]}" >"$log" 2>&1 || true
	if DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
		"${apt[@]}" wine32:i386 >>"$log" 2>&1 && have_wine32; then
		return 0
	fi
	CAPS_WHY="wine32 cannot be installed ($(grep -m 1 -E '^(E|W): ' "$log" | cut -c 1-160 || true))"
	if [ "$added" = 1 ]; then
		as_root dpkg --remove-architecture i386 >>"$log" 2>&1 &&
			as_root apt-get update -qq "${apt[@]}" >>"$log" 2>&1 || ROLLED_BACK=no
	fi
	ARCH_CHECK=yes
	return 1
}
# wine32_runs: Wine's 32-bit loader runs here, installing wine32 first
# where the kernel runs 32-bit programs and the loader does not run yet.
# CAPS_WHY says why not.
wine32_runs() {
	local why
	caps_wine32 && return 0
	why=$CAPS_WHY
	caps_exec32 || return 1
	if have_wine32; then
		CAPS_WHY="wine32 is installed, but $why"
		return 1
	fi
	if [ "${AR_WINE32_INSTALL:-yes}" = no ]; then
		CAPS_WHY="$why; installing wine32 is off (AR_WINE32_INSTALL=no)"
		return 1
	fi
	try_wine32 && caps_wine32
}

# shellcheck source=tests/caps.sh
. "$ROOT/tests/caps.sh"
ROLLED_BACK=yes ARCH_CHECK=no
ARCHS=$(dpkg --print-foreign-architectures)
if wine32_runs; then
	# The whole suite again, in a fresh prefix, with the 32-bit .exe.
	relay "i686: " env AR_WINE_ARCH=i686 AR_WIN_DIR="$WIN" AR_WIN_EXE="$EXE32" "$HERE/run.sh"
	# And the Windows files' unit suites, built for i686.
	relay "i686: " env AR_WIN_UNIT_HOST="$HOST" "$ROOT/tests/unit/wine.sh"
else
	if [ "$ARCH_CHECK" = yes ]; then
		check "dpkg's architectures as they were, apt-get update working" \
			test "$ROLLED_BACK:$(dpkg --print-foreign-architectures)" = "yes:$ARCHS"
	fi
	caps_skipped "the i686 .exe under Wine (the Wine suite and the Windows unit suites for i686; checked as a file only)" "$CAPS_WHY"
fi

tap_summary
