# Sourced by the Wine suite and the Wine benchmark: a fresh Wine prefix with
# the .exe installed in a fake agent folder, as a Windows agent has it; or,
# with AR_WINE_AGENT set (a script run.sh runs in its own prefix), that
# agent folder, in the prefix already made.
# Sets ROOT, NAME, KEY, WORK, AGENT (and EXE in a fresh prefix); cleans up
# on exit.
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this
NAME=win_ms_network_client_sign_if_server_agrees
# shellcheck disable=SC2034
KEY='HKLM\System\CurrentControlSet\Services\LanmanWorkstation\Parameters'
WORK=$(mktemp -d)

if [ -n "${AR_WINE_AGENT:-}" ]; then
	AGENT=$AR_WINE_AGENT
	trap 'rm -rf "$WORK"' EXIT
else
	"$ROOT/packaging/ensure-packages.sh" wine wine64
	trap 'wineserver -k >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
	EXE=${AR_WIN_EXE:-}
	if [ -z "$EXE" ]; then
		"$ROOT/packaging/windows/build.sh" "$WORK/out" >/dev/null
		EXE=$WORK/out/$NAME.exe
	fi

	export WINEPREFIX=$WORK/prefix WINEDEBUG=-all WINEARCH=win64 DISPLAY=''
	export WINEDLLOVERRIDES="mscoree,mshtml="
	wineboot -i >/dev/null 2>&1
	wineserver -w

	AGENT="$WINEPREFIX/drive_c/Program Files (x86)/ossec-agent"
	mkdir -p "$AGENT/active-response/bin"
	cp "$EXE" "$AGENT/active-response/bin/$NAME.exe"
fi
