#!/usr/bin/env bash
# The zip and the MSI that packaging/windows/package.sh makes: what they hold
# and where the MSI puts the .exe (read back from its tables with msiinfo,
# and the file itself with msiextract).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NAME=win_ms_network_client_sign_if_server_agrees
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

"$ROOT/packaging/windows/package.sh" "$OUT" >/dev/null 2>"$OUT/stderr" || {
	cat "$OUT/stderr"
	echo "0 passed, 1 failed"
	exit 1
}
ZIP=$(find "$OUT" -maxdepth 1 -name "$NAME-*-win64.zip")
MSI=$(find "$OUT" -maxdepth 1 -name "$NAME-*.msi")
EXE=${AR_WIN_EXE:-$OUT/bin/$NAME.exe}

PASSED=0
FAILED=0
check() {
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then
		PASSED=$((PASSED + 1))
		echo "ok - $what"
	else
		FAILED=$((FAILED + 1))
		echo "not ok - $what"
	fi
}
in_zip() {
	unzip -Z1 "$ZIP" | grep -qx "$1"
}
row() { # row TABLE PATTERN: a tab-separated row of an MSI table matches
	msiinfo export "$MSI" "$1" | tr -d '\r' | grep -qE "$2"
}

V=$(basename "$ZIP" -win64.zip)
check "zip holds the .exe" in_zip "$V/$NAME.exe"
check "zip holds INSTALL.txt" in_zip "$V/INSTALL.txt"
if [ -d "$ROOT/packaging/wazuh" ]; then
	check "zip holds the manager rules" in_zip "$V/wazuh/local_rules.xml"
fi
check "zip's .exe is the build's" cmp <(unzip -p "$ZIP" "$V/$NAME.exe") "$EXE"
check "MSI File table lists the .exe" row File "^ActiveResponseExeFile	ActiveResponseExe	$NAME\.exe	"
check "MSI component is in ARBIN" row Component "^ActiveResponseExe	\{[0-9A-F-]+\}	ARBIN	"
check "ARBIN is bin under active-response" row Directory "^ARBIN	ACTIVERESPONSE	bin$"
check "active-response is under ossec-agent" row Directory "^ACTIVERESPONSE	OSSECAGENT	active-response$"
check "ossec-agent is in Program Files (x86)" row Directory "^OSSECAGENT	ProgramFilesFolder	ossec-agent$"
check "MSI is for x86 (the agent's 32-bit folder)" row _SummaryInformation "Intel"
mkdir -p "$OUT/x"
(cd "$OUT/x" && msiextract "$MSI" >/dev/null 2>&1) || true
check "MSI installs the build's .exe" cmp \
	"$(find "$OUT/x" -name "$NAME.exe" | head -n 1)" "$EXE"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
