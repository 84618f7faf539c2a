# shellcheck shell=bash
# Sourced by run.sh (its prefix, agent folder and helpers: check, value,
# set_dword, forget_history): links and the private folders of state, as
# far as Wine shows them. On Windows the program opens its folders, lock
# files and log with FILE_FLAG_OPEN_REPARSE_POINT and refuses a reparse
# point (a junction, a symbolic link) where its own should be, looking at
# the name and at the handle. Wine 8 cannot make a junction (its cmd's
# mklink /J and CreateSymbolicLinkW make nothing), but it shows a Unix
# symbolic link to a folder as a reparse point: that is the link here.
# Also shown: the history and its lock live in the backups folder, and each
# run gives that folder the protected DACL.

# shellcheck source=tests/e2e/wine/dacl.sh
. "$HERE/dacl.sh"
LINKS_BK="C:\\Program Files (x86)\\ossec-agent\\backup\\$NAME"
# As execd starts it, with the file and security calls traced to $WORK/err.
links_run() {
	wine_step --in "$DATA/ours_26032_failed.json" --cwd "$AGENT" --ok any \
		"the .exe as execd starts it, file calls traced" \
		env WINEDEBUG=trace+file,trace+ntdll wine "active-response/bin/$NAME.exe"
	RC=$WINE_RC
	printf '%s\n' "$WINE_ERR" >"$WORK/err"
}

# A link where the backups folder goes, to a folder anyone could read.
mv "$BACKUPS" "$WORK/backups.kept"
mkdir -p "$AGENT/elsewhere"
ln -s "$AGENT/elsewhere" "$BACKUPS"
set_dword 0
links_run
check "a link as the backups folder: refused, exit 1 (exit $RC)" test "$RC" = 1
check "... said so: a link the program did not make" \
	grep -q "is a link the program did not make" "$WORK/err"
check "... the registry not written" test "$(value)" = "REG_DWORD 0x0"
check "... nothing written through it" test -z "$(ls -A "$AGENT/elsewhere")"
rm -f "$BACKUPS"
rm -rf "$AGENT/elsewhere"
mv "$WORK/backups.kept" "$BACKUPS"

forget_history
set_dword 0
links_run
check "remediated, the history and its lock in the private backups folder (exit $RC)" \
	test "$RC" = 0 -a -f "$BACKUPS/$NAME-history.json" -a -f "$BACKUPS/$NAME-history.lock" \
	-a ! -e "$AGENT/backup/$NAME-history.lock"
check "each run gives that folder the protected DACL" protected_dacl_set "$LINKS_BK"
