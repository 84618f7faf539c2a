#!/usr/bin/env bash
# Backups across the agent's life cycle, under Wine. The agent's uninstaller
# deletes every folder under the agent folder but "backup" and "upgrade",
# and an upgrade resets the ACLs of the whole tree (icacls /reset /t, then
# read access for Authenticated Users). So backups live in
# <agent>\backup\<program>, and every run makes that folder private again,
# and the spool beside the log too, whether the run reports or not.
# Here: an agent folder of its own in the prefix, a backup written by a run
# started as execd starts it, a simulated uninstall and upgrade, then the
# old backup restored with reg import and with --restore.
# As far as Wine allows: Wine keeps no ACL on files (it maps a DACL onto the
# Unix mode and back, loosely) and its icacls does nothing. The reset is
# simulated on the modes, and what is checked is that each run sets the
# protected DACL on the backup folder (Wine's trace of the call); the
# outcome of a reset and of that DACL is Windows' own, and the owner-only
# folder is checked on the native build (tests/unit/test_platform.c).
# Run by run.sh in its prefix (AR_WINE_AGENT set), or alone.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# run.sh counts the lines of the checks.
# shellcheck source=tests/tap.sh
. "$HERE/../../tap.sh"
# shellcheck source=tests/e2e/wine/agent.sh
. "$HERE/agent.sh"
DATA=$ROOT/tests/data
SOURCE_EXE=$AGENT/active-response/bin/$NAME.exe

# The registry value is shared with the other cases of the prefix: kept
# (reg's 1: no key to keep).
wine_step --ok "0 1" "reg export the key" wine reg export "$KEY" "$(wine_path -w "$WORK/saved.reg")" /y

LC='C:\ar-lifecycle\ossec-agent'
A=$(wine_path -u "$LC")
# (No folder from winepath: the failure is named above; nothing to go on with.)
[ -n "$A" ] || exit 1
BK=$A/backup/$NAME
install_agent() {
	# The spool beside the log too, as a run that reported leaves it.
	mkdir -p "$A/active-response/bin" "$A/active-response/$NAME-spool" "$A/upgrade" "$A/logs"
	cp "$SOURCE_EXE" "$A/active-response/bin/$NAME.exe"
	echo "<ossec_config/>" >"$A/ossec.conf"
}
# As execd starts it: from the agent folder, the relative path, no argument;
# Wine traces the security calls into $WORK/err.
run_as_execd() {
	wine_step --in "$1" --cwd "$A" --ok any "the .exe as execd starts it, file calls traced" \
		env WINEDEBUG=trace+file,trace+ntdll wine "active-response/bin/$NAME.exe"
	RC=$WINE_RC
	printf '%s
' "$WINE_ERR" >"$WORK/err"
}
# shellcheck source=tests/e2e/wine/dacl.sh
. "$HERE/dacl.sh"
# What the agent's uninstaller leaves: "backup" and "upgrade".
uninstall_agent() {
	find "$A" -mindepth 1 -maxdepth 1 -type f -delete
	find "$A" -mindepth 1 -maxdepth 1 -type d ! -iname backup ! -iname upgrade -exec rm -rf {} +
}

rm -rf "$A"
install_agent
set_dword 0
run_as_execd "$DATA/ours_26032_failed.json"
OLD=$(find "$BK" -name '*.reg' 2>/dev/null | head -n 1)
check "backup in <agent>\\backup\\$NAME (exit $RC)" test "$RC" = 0 -a -n "$OLD"
check "no backup folder beside the log any more" test ! -e "$A/active-response/$NAME-backups"
check "the log names the backup there" \
	grep -qF "ossec-agent\\\\backup\\\\$NAME\\\\" "$A/active-response/active-responses.log"
check "its folder is given the protected DACL" protected_dacl_set "$LC\\backup\\$NAME"

uninstall_agent
check "agent uninstall: the backup is still there" test -f "$OLD"
check "agent uninstall: the rest is gone" test ! -e "$A/active-response" -a ! -e "$A/ossec.conf"

install_agent
# Reporting set up as packaging/wazuh/README.md says: a password file only
# its owner may read. Then the upgrade's ACL reset opens it to every account.
CFG=$A/active-response/$NAME.config.json
printf 'not-a-real-password\n' >"$A/active-response/api.secret"
chmod 600 "$A/active-response/api.secret"
printf '{"api":{"url":"https://127.0.0.1:9","user":"ar","password_file":"%s"}}\n' \
	"$(wine_path -w "$A/active-response/api.secret" | sed 's/\\/\\\\/g')" >"$CFG"
chmod -R a+rX "$A"
run_as_execd "$DATA/ours_26032_failed.json"
check "after the upgrade, a run that reports nothing sets the spool's again" \
	protected_dacl_set "$LC\\active-response\\$NAME-spool"
check "after the upgrade, the next run with nothing to change sets it again (exit $RC)" \
	protected_dacl_set "$LC\\backup\\$NAME"
# Refused loudly on that run, which has nothing to change and nothing new
# to send: a warning line with its status, for the manager's rule.
WARN=$(grep -F '{"status":"warning","warning":' "$A/active-response/active-responses.log" || true)
check "after the upgrade, the readable password file is refused with a warning line" \
	grep -qF 'api.password_file' <<<"$WARN"
check "... that says it is readable by others (exit $RC)" \
	test "$RC" = 0 -a -n "$(grep -F 'is readable by others' <<<"$WARN")"
rm -f "$CFG" "$A/active-response/api.secret"

wine_step "reg import the backup from before the upgrade" wine reg import "$(wine_path -w "$OLD")"
check "the backup from before the upgrade restores with reg import" test "$(value)" = "REG_DWORD 0x0"
set_dword 1
wine_step --cwd "$A" --ok any "the .exe's --restore of that backup" \
	wine "active-response/bin/$NAME.exe" --restore "$(wine_path -w "$OLD")"
RC=$WINE_RC
check "... and with --restore (exit $RC)" test "$RC:$(value)" = "0:REG_DWORD 0x0"
LAST=$(tail -n 1 "$A/active-response/active-responses.log")
check "... logged as a restore" grep -qF '"command":"restore"' <<<"$LAST"
check "... with the status restored" grep -qF '{"status":"restored"' <<<"$LAST"

# From the manager (the sweep's --restore): restore-last among execd's extra
# arguments puts back the backup of the last change, the one from before the
# upgrade (the --restore's own backup, holding 1, is passed over).
/usr/bin/python3 - "$DATA/ours_26032_failed.json" "$WORK/restore-last.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
m["parameters"]["extra_args"] = ["restore-last"]
open(sys.argv[2], "w", encoding="utf-8").write(json.dumps(m) + "\n")
PY
set_dword 1
run_as_execd "$WORK/restore-last.json"
LAST=$(tail -n 1 "$A/active-response/active-responses.log")
check "restore-last from execd: exit $RC, the value from before the upgrade" \
	test "$RC:$(value)" = "0:REG_DWORD 0x0"
check "... logged as restored, from that backup" \
	grep -qF "\"status\":\"restored\"" <<<"$LAST"
check "... naming the backup it applied" grep -qF "${OLD##*/}" <<<"$LAST"
rm -rf "$BK"
run_as_execd "$WORK/restore-last.json"
LAST=$(tail -n 1 "$A/active-response/active-responses.log")
check "restore-last with no backup: exit 1, failed, the reason given" \
	test "$RC" = 1 -a -n "$(grep -F 'no backup of a change by this program' <<<"$LAST")"


rm -rf "${A%/*}"
if [ -f "$WORK/saved.reg" ]; then
	wine_step "reg import the key kept" wine reg import "$(wine_path -w "$WORK/saved.reg")"
else
	wine_step --ok "0 1" "reg delete the key" wine reg delete "$KEY" /f
fi

tap_summary
