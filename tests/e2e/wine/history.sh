# shellcheck shell=bash
# Sourced by run.sh (its prefix, agent folder and helpers: run, check,
# set_dword, value, forget_history): the history between runs of the .exe
# against Wine's registry. A domain Group Policy set up by hand (the
# Security extension's cached template in C:\windows\security\templates\
# policies and its history of applied GPOs in the registry) is named in the
# result; the value put back with `wine reg add` between runs gives revert
# warnings, then the contested status; runs started together record one
# revert (LockFileEx); an older version's history one folder up is taken
# over; every line they log matches the result schema.

HIST_GUID='{5E2B1C7A-3D4F-4E6A-9B8C-0D1E2F3A4B5C}'
HIST_GPO='Workstation Baseline'
HIST_CACHE="$WINEPREFIX/drive_c/windows/security/templates/policies"
HIST_GPKEY='HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Group Policy\History\{827D319E-6EAC-11D2-A4EA-00C04F79F83A}'

# The history sits in the backup folder, wherever that is.
history_file() {
	find "$AGENT" -name "$NAME-history.json" 2>/dev/null | head -n 1
}
history_events() {
	local f
	f=$(history_file)
	[ -n "$f" ] || return 0
	/usr/bin/python3 -c 'import json,sys; print(",".join(e["event"] for e in json.load(open(sys.argv[1]))["events"]))' "$f"
}
# A field of the last result line, as JSON text ("null" when absent).
result_field() {
	/usr/bin/python3 - "$LOG" "$1" <<'PY'
import json, re, sys
for line in reversed(open(sys.argv[1], encoding="utf-8").read().splitlines()):
    m = re.match(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d active-response/bin/\S+: (.*)$", line)
    d = json.loads(m.group(1))
    if "warning" not in d:
        for k in sys.argv[2].split("."):
            d = d.get(k) if isinstance(d, dict) else None
        print(json.dumps(d))
        break
PY
}
# The last result's status (warnings may follow it in the log).
result_status() {
	result_field status | tr -d '"'
}
# The warnings logged after the last result line.
last_warnings() {
	/usr/bin/python3 - "$LOG" <<'PY'
import json, re, sys
out = []
for line in open(sys.argv[1], encoding="utf-8").read().splitlines():
    m = re.match(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d active-response/bin/\S+: (.*)$", line)
    d = json.loads(m.group(1))
    out = [] if "warning" not in d else out + [d["warning"]]
print("\n".join(out))
PY
}

hist_log_start=0
[ ! -f "$LOG" ] || hist_log_start=$(wc -l <"$LOG")
forget_history

# The Group Policy evidence, as a domain member's Security extension leaves
# it: the GPO's template (UTF-16LE with a BOM, as secedit writes it) ...
mkdir -p "$HIST_CACHE"
{
	printf '\xff\xfe'
	# shellcheck disable=SC2016 # $CHICAGO$ is the template's own text
	printf '[Unicode]\r\nUnicode=yes\r\n[Version]\r\nsignature="$CHICAGO$"\r\nRevision=1\r\n[Registry Values]\r\nMACHINE\\System\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters\\EnableSecuritySignature=4,0\r\nGPOPath=%s\\MACHINE\r\n' "$HIST_GUID" |
		iconv -f UTF-8 -t UTF-16LE
} >"$HIST_CACHE/gpt00000.inf"
# ... and its entry in the extension's history of applied GPOs.
wine_step "reg add the applied GPO's GPOName" \
	wine reg add "$HIST_GPKEY\\0" /v GPOName /t REG_SZ /d "$HIST_GUID" /f
wine_step "reg add the applied GPO's DisplayName" \
	wine reg add "$HIST_GPKEY\\0" /v DisplayName /t REG_SZ /d "$HIST_GPO" /f

set_dword 0
run "$DATA/ours_26032_failed.json"
check "GPO: remediated, exit 0" test "$RC:$(result_status):$(value)" = "0:remediated:REG_DWORD 0x1"
check "GPO: named in the result" \
	test "$(result_field managed_by.gpo_name):$(result_field managed_by.gpo_id):$(result_field managed_by.setting)" = "\"$HIST_GPO\":\"$HIST_GUID\":\"4,0\""
check "GPO: the cached template named" \
	test "$(result_field managed_by.template)" = '"C:\\windows\\security\\templates\\policies\\gpt00000.inf"'
check "GPO: a warning names it" grep -q "Group Policy \"$HIST_GPO\".* manages EnableSecuritySignature" <<<"$(last_warnings)"
check "GPO: no revert yet" test "$(result_field reverted)" = null

# The GPO's refresh puts the value back between runs.
for n in 1 2 3; do
	set_dword 0
	run "$DATA/ours_26032_failed.json"
	want=remediated
	[ "$n" -lt 3 ] || want=contested
	check "revert $n: $want, exit 0, written again" test "$RC:$(result_status):$(value)" = "0:$want:REG_DWORD 0x1"
	check "revert $n: counted, found at 0" \
		test "$(result_field reverted.count):$(result_field reverted.found.data)" = "$n:0"
	check "revert $n: the warning names the GPO" \
		grep -q "changed back $n time.*Group Policy \"$HIST_GPO\".*fix that GPO or exempt this host" <<<"$(last_warnings)"
done
check "history: set, then a revert and a set for each" \
	test "$(history_events)" = "set,revert,set,revert,set,revert,set"

# Runs started together: one revert, one write, the others find it compliant.
forget_history
set_dword 0
run "$DATA/ours_26032_failed.json"
set_dword 0
for n in 1 2 3 4; do
	wine_step --in "$DATA/ours_26032_failed.json" --cwd "$AGENT" --ok any \
		"the .exe, run $n of 4 started together" wine "active-response/bin/$NAME.exe" &
done
wait
check "together: one revert recorded" test "$(history_events)" = "set,revert,set"
check "together: value written" test "$(value)" = "REG_DWORD 0x1"

# Upgraded from the version that kept the history one folder up, in the
# agent's backup folder: the first run that may write takes it over (opened
# with FILE_FLAG_OPEN_REPARSE_POINT), and the revert count goes on.
forget_history
hist_now=$(date +%s)
printf '{"format":1,"events":[{"time":%d,"event":"set"},{"time":%d,"event":"revert"},{"time":%d,"event":"set"}]}\n' \
	$((hist_now - 7200)) $((hist_now - 7100)) $((hist_now - 3600)) >"$AGENT/backup/$NAME-history.json"
: >"$AGENT/backup/$NAME-history.lock"
set_dword 0
run "$DATA/ours_26032_failed.json"
check "upgrade: remediated, the revert count goes on from the old history" \
	test "$RC:$(result_status):$(result_field reverted.count)" = "0:remediated:2"
check "upgrade: its events moved into the backups folder" \
	test "$(history_file):$(history_events)" = "$BACKUPS/$NAME-history.json:set,revert,set,revert,set"
check "upgrade: the old history and its lock gone" \
	test ! -e "$AGENT/backup/$NAME-history.json" -a ! -e "$AGENT/backup/$NAME-history.lock"

# A history the .exe cannot use: ignored with a warning, the fix done.
printf '{"format":1,"events":[{"time":1,"ev' >"$(history_file)"
set_dword 0
run "$DATA/ours_26032_failed.json"
check "truncated history: remediated, exit 0" test "$RC:$(result_status):$(value)" = "0:remediated:REG_DWORD 0x1"
check "truncated history: a warning says so" grep -q "ignored and started anew" <<<"$(last_warnings)"
check "truncated history: replaced by a good one" test "$(history_events)" = set

# A template line and a GPO's name as long as their file and value let
# them be: every field echoed is cut with the mark, every line stays short.
forget_history
/usr/bin/python3 - "$HIST_CACHE/gpt00000.inf" "$WORK/long-gpo.reg" "$HIST_GPKEY" "$HIST_GUID" <<'PY'
import sys
template, reg, key, guid = sys.argv[1:]
with open(template, "wb") as f:
    f.write(b"\xff\xfe" + ("[Registry Values]\r\nMACHINE\\System\\CurrentControlSet\\Services\\"
                          "LanmanWorkstation\\Parameters\\EnableSecuritySignature=4,"
                          + "0" * 200000 + "\r\nGPOPath=" + guid + "\\MACHINE\r\n").encode("utf-16-le"))
with open(reg, "wb") as f:
    f.write(b"\xff\xfe" + ("Windows Registry Editor Version 5.00\r\n\r\n[" + key + "\\0]\r\n"
                          "\"DisplayName\"=\"" + "\u00e9" * 100000 + "\"\r\n").encode("utf-16-le"))
PY
wine_step "reg import a GPO name of 100000 characters" wine reg import "$(wine_path -w "$WORK/long-gpo.reg")"
long_start=$(wc -l <"$LOG")
set_dword 0
run "$DATA/ours_26032_failed.json"
check "long GPO: remediated, exit 0" test "$RC:$(result_status):$(value)" = "0:remediated:REG_DWORD 0x1"
# shellcheck disable=SC2016 # the Python's text
check "long GPO: setting and name cut with the mark" /usr/bin/python3 -c '
import json, sys
m = json.loads(sys.argv[1])
for k in ("setting", "gpo_name"):
    b = m[k].encode("utf-8")
    assert len(b) <= 256 and m[k].endswith("[...]"), (k, len(b), m[k][-20:])
assert m["setting"].startswith("4,000") and m["gpo_name"].startswith("\u00e9\u00e9"), m
' "$(result_field managed_by)"
check "long GPO: the warning names it, cut, and says it all" \
	grep -q "Group Policy \"[^\"]*\[\.\.\.\]\" (its security template sets 4,0*\[\.\.\.\]) manages EnableSecuritySignature: .*exempt this host from the check$" <<<"$(last_warnings)"
tail -n +"$((long_start + 1))" "$LOG" >"$WORK/long-gpo.log"
short_lines() { # short_lines FILE WHAT: every line of FILE under 16 KiB
	LC_ALL=C awk -v what="$2" 'length($0) >= 16384 { print what " line " NR ": " length($0) " bytes"; bad = 1 } END { exit bad }' "$1"
}
stderr_short_and_cut() {
	short_lines "$WORK/stderr" stderr && grep -qF "[...]" "$WORK/stderr"
}
check "long GPO: log lines under 16 KiB" short_lines "$WORK/long-gpo.log" log
check "long GPO: stderr lines under 16 KiB, the mark in them" stderr_short_and_cut
check "long GPO: the mark in the log" grep -qF "[...]" "$WORK/long-gpo.log"

tail -n +"$((hist_log_start + 1))" "$LOG" >"$WORK/history-lines.log"
schema_ok() { # quiet unless a line is wrong
	local out
	out=$(/usr/bin/python3 "$ROOT/tests/schema/validate_log.py" "$1") || {
		echo "$out"
		return 1
	}
}
check "history: every line matches the result schema" schema_ok "$WORK/history-lines.log"

# Leave the prefix as it was for the cases that follow.
forget_history
rm -f "$AGENT/backup/$NAME-history.lock"
rm -f "$HIST_CACHE/gpt00000.inf"
wine_step --ok "0 1" "reg delete the applied GPOs" wine reg delete "$HIST_GPKEY" /f
