# Sourced by the Wine suites (after tests/tap.sh) and the Wine benchmark: a
# fresh Wine prefix with the .exe installed in a fake agent folder, as a
# Windows agent has it; or, with AR_WINE_AGENT set (a script run.sh runs in
# its own prefix), that agent folder, in the prefix already made. Brings
# the Wine steps (wine_lib.sh).
# Sets ROOT, NAME, KEY, WORK, AGENT (and EXE in a fresh prefix), value and
# set_dword (the value read back and set with reg); cleans up
# on exit.
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this
NAME=win_ms_network_client_sign_if_server_agrees
# shellcheck disable=SC2034
KEY='HKLM\System\CurrentControlSet\Services\LanmanWorkstation\Parameters'
WORK=$(mktemp -d)
# shellcheck source=tests/e2e/wine/wine_lib.sh
. "$ROOT/tests/e2e/wine/wine_lib.sh"

# The value as `reg query` shows it: "REG_DWORD 0x1", or "missing".
value() {
	wine_step --ok "0 1" "reg query the value" wine reg query "$KEY" /v EnableSecuritySignature
	tr -d '\r' <<<"$WINE_OUT" |
		awk '$1 == "EnableSecuritySignature" { print $2, $3; found = 1 } END { if (!found) print "missing" }'
}
set_dword() {
	wine_step "reg add the value, REG_DWORD $1" \
		wine reg add "$KEY" /v EnableSecuritySignature /t REG_DWORD /d "$1" /f
}

# Through tap.sh's at_exit where the script has it: its EXIT trap prints
# the closing line.
agent_at_exit() {
	# shellcheck disable=SC2064 # the command given is the one to run
	if declare -F at_exit >/dev/null; then at_exit "$1"; else trap "$1" EXIT; fi
}

if [ -n "${AR_WINE_AGENT:-}" ]; then
	AGENT=$AR_WINE_AGENT
	# shellcheck disable=SC2016 # expanded at exit
	agent_at_exit 'rm -rf "$WORK"'
else
	"$ROOT/packaging/ensure-packages.sh" wine wine64
	# shellcheck disable=SC2016 # expanded at exit
	agent_at_exit 'timeout 60 wineserver -k >/dev/null 2>&1 || true; rm -rf "$WORK"'
	EXE=${AR_WIN_EXE:-}
	if [ -z "$EXE" ]; then
		"$ROOT/packaging/windows/build.sh" "$WORK/out" >/dev/null
		EXE=$WORK/out/$NAME.exe
	fi

	export WINEPREFIX=$WORK/prefix WINEDEBUG=-all WINEARCH=win64 DISPLAY=''
	export WINEDLLOVERRIDES="mscoree,mshtml="
	wine_step --loader-ok "a fresh prefix (wineboot -i)" wineboot -i
	# wineboot returns before the prefix's services have settled.
	wine_idle || true

	AGENT="$WINEPREFIX/drive_c/Program Files (x86)/ossec-agent"
	mkdir -p "$AGENT/active-response/bin"
	cp "$EXE" "$AGENT/active-response/bin/$NAME.exe"
fi
