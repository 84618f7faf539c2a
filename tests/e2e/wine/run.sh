#!/usr/bin/env bash
# The Windows .exe against a real Windows registry: Wine. A fresh prefix, the
# .exe installed in a fake agent folder, start states set with `wine reg`,
# sample alerts piped in as execd would, outcomes read back with `wine reg
# query`; then its reporting against the HTTPS stand-in of the API
# (report.py). Uses AR_WIN_EXE, or builds the .exe with
# packaging/windows/build.sh. Every Wine step goes through wine_step
# (wine_lib.sh): a step that fails is named, with its output.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/tap.sh
. "$HERE/../../tap.sh"
# shellcheck source=tests/e2e/wine/agent.sh
. "$HERE/agent.sh"
DATA=$ROOT/tests/data
LOG="$AGENT/active-response/active-responses.log"
BACKUPS="$AGENT/backup/$NAME"

key_exists() {
	wine_step --ok "0 1" "reg query the key" wine reg query "$KEY"
	[ "$WINE_RC" = 0 ]
}
set_sz() {
	wine_step "reg add the value, REG_SZ $1" \
		wine reg add "$KEY" /v EnableSecuritySignature /t REG_SZ /d "$1" /f
}
delete_key() { # the key may not be there: reg's 1
	wine_step --ok "0 1" "reg delete the key" wine reg delete "$KEY" /f
}
reg_import() { # reg_import FILE: the stock reg import of a backup
	wine_step "reg import ${1##*/}" wine reg import "$(wine_path -w "$1")"
}
# No earlier fix of the program's: a case that expects "remediated" after
# putting the value back starts here, or the value put back again and again
# is (rightly) a revert, and the third one is contested (history.sh).
forget_history() {
	find "$AGENT" -name "$NAME-history.json" -delete 2>/dev/null || true
}
backups() {
	find "$BACKUPS" -name '*.reg' 2>/dev/null | wc -l
}
newest_backup() {
	find "$BACKUPS" -name '*.reg' -printf '%T@ %p\n' | sort -n | tail -n 1 | cut -d' ' -f2-
}
# Runs the .exe from the agent folder, as execd does; sets RC and OUT (its
# stderr in $WORK/stderr). Every exit status is the program's answer.
run() { # run SAMPLE [ARGS...]
	local sample=$1
	shift
	wine_step --in "$sample" --cwd "$AGENT" --ok any "the .exe on ${sample##*/}" \
		wine "active-response/bin/$NAME.exe" "$@"
	OUT=$WINE_OUT RC=$WINE_RC
	printf '%s\n' "$WINE_ERR" >"$WORK/stderr"
}
# The .exe's --restore FILE, from the agent folder.
restore() {
	wine_step --cwd "$AGENT" --ok any "the .exe's --restore ${1##*/}" \
		wine "active-response/bin/$NAME.exe" --restore "$(wine_path -w "$1")"
}
last_status() {
	/usr/bin/python3 - "$LOG" <<'PY'
import json, re, sys
line = open(sys.argv[1], encoding="utf-8").read().splitlines()[-1]
m = re.match(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d active-response/bin/\S+: (.*)$", line)
print(json.loads(m.group(1))["status"] if m else "bad-format")
PY
}

# A fresh prefix has no Parameters key: the create path is real.
delete_key
check "fresh prefix has no Parameters key" test "$(key_exists && echo yes || echo no)" = no
run "$DATA/ours_26032_failed.json"
check "missing key and value: exit 0" test "$RC" = 0
check "missing key and value: now REG_DWORD 1" test "$(value)" = "REG_DWORD 0x1"
check "log line in the agent's active-responses.log" test "$(last_status)" = remediated
check "one check_keys line on stdout" test "$(grep -c check_keys <<<"$OUT")" = 1
check "backup written" test "$(backups)" = 1
BK=$(find "$BACKUPS" -name '*.reg' | head -n 1)
reg_import "$BK"
check "backup of a missing value restores 'missing' with reg import" test "$(value)" = missing

set_dword 0
run "$DATA/ours_26032_failed.json"
check "from 0: exit 0" test "$RC" = 0
check "from 0: now REG_DWORD 1" test "$(value)" = "REG_DWORD 0x1"
BK=$(newest_backup)
reg_import "$BK"
check "backup restores 0 with the stock reg import" test "$(value)" = "REG_DWORD 0x0"
run "$DATA/ours_26032_failed.json"
restore "$BK"
check "backup restores 0 with --restore" test "$(value)" = "REG_DWORD 0x0"

set_sz 1
run "$DATA/ours_26032_failed.json"
check "REG_SZ \"1\" is not compliant: replaced" test "$RC:$(value)" = "0:REG_DWORD 0x1"

set_dword 1
n=$(backups)
run "$DATA/ours_26032_failed.json"
check "already compliant: exit 0, no backup, no write" \
	test "$RC:$(backups):$(last_status)" = "0:$n:compliant"

set_dword 0
n=$(backups)
run "$DATA/notours_passed.json"
check "not ours: exit 3, nothing written" test "$RC:$(value):$(backups)" = "3:REG_DWORD 0x0:$n"
run "$DATA/ours_26032_dry_run.json"
check "dry-run: exit 4, nothing written" test "$RC:$(value):$(backups)" = "4:REG_DWORD 0x0:$n"
run "$DATA/bad_not_json.txt"
check "bad input: exit 2, nothing written" test "$RC:$(value):$(backups)" = "2:REG_DWORD 0x0:$n"
check "bad input: nothing on stdout" test -z "$OUT"

# The handshake both ways, through a stand-in of execd that keeps stdin open.
standin() {
	(cd "$AGENT" && /usr/bin/python3 "$HERE/execd_standin.py" "$DATA/ours_26032_failed.json" "$1" \
		-- wine "active-response/bin/$NAME.exe")
}
field() {
	/usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}
R=$(standin abort)
check "execd abort: exit 3" test "$(field "$R" 'd["exit"]')" = 3
check "execd abort: nothing written" test "$(value)" = "REG_DWORD 0x0"
check "check_keys shape" test "$(field "$R" 'd["check_keys"]["command"]+"/"+d["check_keys"]["origin"]["module"]+"/"+",".join(d["check_keys"]["parameters"]["keys"])')" = "check_keys/active-response/26032"
R=$(standin continue)
check "execd continue: exit 0" test "$(field "$R" 'd["exit"]')" = 0
check "execd continue: value written" test "$(value)" = "REG_DWORD 0x1"
check "execd continue: nothing else on stdout" test -z "$(field "$R" 'd["rest"]')"

# The forms people pipe in by hand, UTF-16 files, and writers that stall.
# shellcheck source=tests/e2e/wine/inputs.sh
. "$HERE/inputs.sh"

# The history between runs: Group Policy evidence, reverts, contested.
# shellcheck source=tests/e2e/wine/history.sh
. "$HERE/history.sh"

# Links and the private folders of state: links.sh.
# shellcheck source=tests/e2e/wine/links.sh
. "$HERE/links.sh"

# Reporting from the .exe: its libcurl (Schannel), spool, lock and token
# cache on Windows, against the HTTPS stand-in of the API.
"$ROOT/packaging/ensure-packages.sh" openssl python3
set_dword 0
relay "" /usr/bin/python3 "$HERE/report.py" "$AGENT" "active-response/bin/$NAME.exe"

# The command line as written (quoting, empty arguments), backups across
# the agent's uninstall and upgrade, the MSI with msiexec, and the Wine
# steps' own test (broken steps named): scripts of their own, in this prefix.
for script in argv.sh backups.sh msi.sh wine_lib_test.sh; do
	relay "" env AR_WINE_AGENT="$AGENT" AR_WIN_DIR="${AR_WIN_DIR:-$(dirname "$EXE")}" "$HERE/$script"
done

tap_summary
