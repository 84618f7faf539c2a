# Sourced by run.sh: the .exe fed the way people feed it by hand, against
# Wine's registry. The cmd commands of its own --help run as written from a
# .bat file; each form through `type FILE | program.exe`; UTF-16LE files (as
# PowerShell 5.1 writes them) through a redirection; the forms that are not
# execd's through a stand-in that keeps the pipe open (no check_keys line,
# no wait); and writers that stall, which the .exe outlives by its stated
# bound (exit 2, nothing written). Uses run.sh's check, value, set_dword,
# backups and its variables.
# shellcheck shell=bash

IN=$WORK/inputs
mkdir -p "$IN"

# A field of the last result line of a log: field LOG NAME.
log_field() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import json, re, sys
try:
    lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
except OSError:
    lines = []
rec = {}
for line in lines:
    m = re.match(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d active-response/bin/\S+: (.*)$", line)
    if m and "warning" not in json.loads(m.group(1)):
        rec = json.loads(m.group(1))
print(rec.get(sys.argv[2], "-"))
PY
}

# The commands of one section of --help's "By hand" part, one a line.
help_section() {
	wine_step --cwd "$AGENT" "the .exe's --help" wine "active-response/bin/$NAME.exe" --help
	tr -d '\r' <<<"$WINE_OUT" |
		awk -v s="  $1" 'seen && started && !/^    / { exit }
		                 seen && started { print substr($0, 5) }
		                 /^By hand/ { seen = 1 }
		                 seen && index($0, s) == 1 { started = 1 }'
}

# Runs the given lines as a .bat file in $IN, as a person would in cmd (its
# status is the program's answer, checked by the caller).
bat() {
	printf '%s\r\n' '@echo off' "$@" >"$IN/run.bat"
	wine_step --cwd "$IN" --ok any "cmd /c run.bat: ${*: -1}" wine cmd /c run.bat
	printf '%s\n%s\n' "$WINE_OUT" "$WINE_ERR" >"$WORK/bat.out"
}

cp "$DATA/forms/alert_26032.json" "$IN/alert.json"
cp "$DATA/forms/dashboard_26032.json" "$IN/dashboard.json"
cp "$DATA/forms/alerts.json" "$IN/alerts.json"
mapfile -t CMD < <(help_section "Windows cmd")
check "--help shows the cmd commands, the .exe where the MSI puts it" \
	test "${#CMD[@]}:${CMD[0]}" = \
	"4:set AR=\"C:\\Program Files (x86)\\ossec-agent\\active-response\\bin\\$NAME.exe\""
for line in "${CMD[@]:1}"; do
	if [ "${line%% *}" = findstr ]; then
		wine_step --cwd "$IN" --ok any "findstr 26032 alerts.json" wine findstr 26032 alerts.json
		if [ -z "$WINE_OUT" ]; then
			echo "skip - $line: this Wine's findstr finds nothing at all"
			continue
		fi
	fi
	forget_history
	set_dword 0
	bat "${CMD[0]}" "$line"
	check "cmd, as --help shows it: $line" \
		test "$(value):$(log_field "$LOG" status)" = "REG_DWORD 0x1:remediated"
done

# Every form through cmd's type and a pipe.
declare -A FORM=([alert_26032.json]=alert [alert_26032_bom_crlf.json]=alert
	[dashboard_26032.json]=indexer_document [sca_state_26032.json]=sca_state
	[dashboard_sca_state_26032.json]=indexer_document [execd_26032_pretty.json]=execd)
for f in "${!FORM[@]}"; do
	cp "$DATA/forms/$f" "$IN/$f"
	forget_history
	set_dword 0
	bat "${CMD[0]}" "type $f | %AR%"
	check "type $f | program.exe: remediated, input ${FORM[$f]}" \
		test "$(value):$(log_field "$LOG" status):$(log_field "$LOG" input)" = \
		"REG_DWORD 0x1:remediated:${FORM[$f]}"
done

# Several alerts, as findstr gives every matching line (oldest first), CRLF:
# the newest about this control is used, and the result says which.
/usr/bin/python3 - "$DATA/forms/alerts.json" "$IN/several.json" <<'PY'
import sys
lines = open(sys.argv[1], "rb").read().splitlines()
open(sys.argv[2], "wb").write(b"\r\n".join([lines[2], lines[0], lines[1]]) + b"\r\n")
PY
forget_history
set_dword 0
bat "${CMD[0]}" "type several.json | %AR%"
check "type several.json | program.exe: ours, message 1 of the 3, is used" \
	test "$(value):$(log_field "$LOG" status):$(log_field "$LOG" messages)" = \
	"REG_DWORD 0x1:remediated:{'read': 3, 'used': 1}"

# UTF-16LE with BOM and CRLF, as PowerShell 5.1's > and Out-File write: cmd's
# redirection, and a file as standard input (Wine's type garbles UTF-16).
cp "$DATA/forms/dashboard_26032_utf16.json" "$IN/dashboard16.json"
set_dword 0
bat "${CMD[0]}" "%AR% < dashboard16.json"
check "UTF-16LE file, cmd's <: remediated" \
	test "$(value):$(log_field "$LOG" input)" = "REG_DWORD 0x1:indexer_document"
/usr/bin/python3 - "$DATA/ours_26032_failed.json" "$IN/execd16.json" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read().replace("\n", "\r\n")
open(sys.argv[2], "wb").write(b"\xff\xfe" + text.encode("utf-16-le"))
PY
set_dword 0
run "$IN/execd16.json"
check "UTF-16LE execd message from a file: check_keys, remediated" \
	test "$RC:$(value):$(grep -c check_keys <<<"$OUT")" = "0:REG_DWORD 0x1:1"

# The pipe held open, as execd holds it: the forms that are not execd's are
# not answered, and read until the 10 s bound (a person may pipe several);
# execd's pretty-printed one is answered and nothing past the reply read.
held() { # held SAMPLE: the stand-in's report
	(cd "$AGENT" && /usr/bin/python3 "$HERE/execd_standin.py" "$1" continue \
		-- wine "active-response/bin/$NAME.exe" 2>>"$WORK/held.err")
}
for f in alert_26032.json dashboard_26032.json sca_state_26032.json; do
	set_dword 0
	R=$(held "$DATA/forms/$f")
	check "pipe held open, $f: no check_keys, exit 0, remediated" \
		test "$(field "$R" 'd["check_keys"]'):$(field "$R" 'd["exit"]'):$(value)" = \
		"None:0:REG_DWORD 0x1"
done
set_dword 0
R=$(held "$DATA/forms/execd_26032_pretty.json")
check "pipe held open, pretty-printed execd message: check_keys answered, remediated" \
	test "$(field "$R" 'd["check_keys"]["command"]'):$(field "$R" 'd["exit"]'):$(value)" = \
	"check_keys:0:REG_DWORD 0x1"

# Writers that stall, in parallel: each run ends by itself (exit 2) with the
# bound named, the registry untouched. Each has a log of its own.
stall() { # stall INPUT_FILE LOG: prints the exit status and stdout's line count
	local log
	log=$(wine_path -w "$2")
	(cd "$AGENT" && /usr/bin/python3 - "$1" wine "active-response/bin/$NAME.exe" \
		--log-file "$log" <<'PY'
import subprocess, sys
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.DEVNULL)
p.stdin.write(open(sys.argv[1], "rb").read())
p.stdin.flush()
try:
    code = p.wait(timeout=90)  # the bound is 10 s; a run that waits forever hangs
except subprocess.TimeoutExpired:
    p.kill()
    code = "hung"
print(code, len(p.stdout.read().splitlines()))
PY
	)
}
set_dword 0
n=$(backups)
: >"$IN/stall-nothing.in"
printf '{"version":1,"origin":{"name":' >"$IN/stall-half.in"
cp "$DATA/ours_26032_failed.json" "$IN/stall-noreply.in"
for s in nothing half noreply; do
	stall "$IN/stall-$s.in" "$IN/stall-$s.log" >"$IN/stall-$s.out" &
done
wait
for s in nothing:0:"no message on standard input within 10 s" \
	half:0:"the message on standard input was not complete within 10 s" \
	noreply:1:"no reply to check_keys on standard input within 10 s"; do
	IFS=: read -r what lines want <<<"$s"
	read -r code outlines <"$IN/stall-$what.out"
	check "stalled writer ($what): exit 2, $want" \
		test "$code:$outlines:$(log_field "$IN/stall-$what.log" error)" = "2:$lines:$want"
done
check "stalled writers: nothing written" test "$(value):$(backups)" = "REG_DWORD 0x0:$n"
