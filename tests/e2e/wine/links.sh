#!/usr/bin/env bash
# Links and the private folders of state, under Wine, as far as Wine shows
# them. On Windows the program opens its folders, lock files and log with
# FILE_FLAG_OPEN_REPARSE_POINT and refuses a reparse point (a junction, a
# symbolic link) where its own should be. Wine 8 cannot make a junction
# (its cmd's mklink /J makes nothing) and shows a Unix symbolic link as a
# plain folder, so a refused junction is shown here only when the junction
# can be made; the refusal itself is proven on the native build
# (tests/e2e/test_links.py, tests/unit/test_platform.c). What Wine shows:
# the history and its lock live in the backups folder, and each run gives
# that folder the protected DACL through a handle of the folder itself.
# Run by run.sh in its prefix (AR_WINE_AGENT set), or alone.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/e2e/wine/agent.sh
. "$HERE/agent.sh"
DATA=$ROOT/tests/data
SOURCE_EXE=$AGENT/active-response/bin/$NAME.exe

# shellcheck source=tests/tap.sh
. "$ROOT/tests/tap.sh"
value() {
	wine reg query "$KEY" /v EnableSecuritySignature 2>/dev/null | tr -d '\r' |
		awk '$1 == "EnableSecuritySignature" { print $2, $3; found = 1 } END { if (!found) print "missing" }'
}
set_dword() {
	wine reg add "$KEY" /v EnableSecuritySignature /t REG_DWORD /d "$1" /f >/dev/null 2>&1
}

wine reg export "$KEY" "$(winepath -w "$WORK/saved.reg")" /y >/dev/null 2>&1 || true

LC='C:\ar-links\ossec-agent'
A=$(winepath -u "$LC" 2>/dev/null)
BK=$A/backup/$NAME
mkdir -p "$A/active-response/bin" "$A/backup"
cp "$SOURCE_EXE" "$A/active-response/bin/$NAME.exe"
run_as_execd() {
	set +e
	(cd "$A" && WINEDEBUG=trace+file,trace+ntdll wine "active-response/bin/$NAME.exe" <"$1" \
		>/dev/null 2>"$WORK/err")
	RC=$?
	set -e
}

# A junction where the backups folder goes, to a folder anyone could read.
mkdir -p "$A/elsewhere"
wine cmd /c "mklink /J $LC\\backup\\$NAME $LC\\elsewhere" >/dev/null 2>&1 || true
if [ -e "$BK" ]; then
	set_dword 0
	run_as_execd "$DATA/ours_26032_failed.json"
	check "a junction as the backups folder: refused, exit 1 (exit $RC)" test "$RC" = 1
	check "... the registry not written" test "$(value)" = "REG_DWORD 0x0"
	check "... nothing written through it" test -z "$(ls -A "$A/elsewhere")"
	rm -rf "$BK"
else
	printf '# skipped: a junction refused: Wine cannot make one (mklink /J %s made nothing)\n' "$LC\\backup\\$NAME"
fi

set_dword 0
run_as_execd "$DATA/ours_26032_failed.json"
check "remediated, the backup in <agent>\\backup\\$NAME (exit $RC)" \
	test "$RC" = 0 -a -n "$(find "$BK" -name '*.reg' 2>/dev/null)"
check "the history and its lock in that private folder" \
	test -f "$BK/$NAME-history.json" -a -f "$BK/$NAME-history.lock" -a \
	! -e "$A/backup/$NAME-history.lock"
# shellcheck source=tests/e2e/wine/dacl.sh
. "$HERE/dacl.sh"
check "each run gives it the protected DACL" \
	protected_dacl_set "$LC\\backup\\$NAME"

rm -rf "$(winepath -u 'C:\ar-links' 2>/dev/null)"
if [ -f "$WORK/saved.reg" ]; then
	wine reg import "$(winepath -w "$WORK/saved.reg")" >/dev/null 2>&1 || true
else
	wine reg delete "$KEY" /f >/dev/null 2>&1 || true
fi
tap_summary
