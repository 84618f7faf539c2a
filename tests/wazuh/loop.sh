#!/usr/bin/env bash
# The whole loop on real Wazuh, with nothing of ours in it but the program
# and its files: the Windows agent given in WAZUH_WINAGENT (its MSI or an
# installed agent folder; tests/wazuh/agent.sh installs it into a 32-bit
# Wine prefix of the suite's own) scans with the stock CIS Windows 11 policy
# and finds CIS 2.3.8.2 failed; the manager given in WAZUH_MANAGER (an
# installed 4.x manager's folder; tests/wazuh/manager.sh runs its wazuh-db,
# analysisd and remoted in a private tree, with our rules file and
# ossec.conf block installed as the README says) raises rule 100550 and
# dispatches our active response; the
# agent's own execd starts our .exe, which sets the Wine registry's value;
# its log line travels back through logcollector and raises rule 100551; the
# next scan finds the check passed. Then a stand-in for a Group Policy puts
# 0 back: the next scan fails, the program runs again and the manager
# raises 100554 (or 100555). Last, with <extra_args>dry-run</extra_args>:
# would_remediate, and the value left at 0.
#
#   tests/wazuh/loop.sh
#
# Without a given manager or agent, or where 32-bit Wine runs no program
# (tests/caps.sh's caps_wine32), it says in one line what it skipped and
# why, and ends with "0 passed, 0 failed". Neither given thing is changed.
#
# Environment: WAZUH_MANAGER, WAZUH_WINAGENT and AR_WAZUH_PORT (as
# manager.sh and agent.sh read them); AR_WIN_DIR, the output of
# packaging/windows/build.sh (built into a temporary folder when unset);
# AR_LOOP_KEEP=1 keeps the work folder. Every wait is bounded and names
# what it waited for.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=tests/tap.sh
. "$ROOT/tests/tap.sh"
# shellcheck source=tests/caps.sh
. "$ROOT/tests/caps.sh"

MANAGER=$HERE/manager.sh
AGENT=$HERE/agent.sh
EVIDENCE=$HERE/loop_evidence.py
PROGRAM=win_ms_network_client_sign_if_server_agrees
KEY_PATH='HKLM\System\CurrentControlSet\Services\LanmanWorkstation\Parameters'
CHECK_ID=26032
AGENT_NAME=
# Seconds each stage may take: the agent's start and first scan under Wine
# (or one SCA interval and a scan), a step after it.
SCAN_WAIT=${AR_LOOP_SCAN_WAIT:-300}
STEP_WAIT=${AR_LOOP_STEP_WAIT:-120}

WORK=$(mktemp -d /tmp/ar-loop.XXXXXX)
STARTED_MANAGERS=()
STARTED_PREFIXES=()

cleanup() {
	local p m
	for p in "${STARTED_PREFIXES[@]}"; do "$AGENT" stop "$p" >/dev/null 2>&1 || echo "# could not stop the agent of $p"; done
	for m in "${STARTED_MANAGERS[@]}"; do "$MANAGER" stop "$m" >/dev/null 2>&1 || echo "# could not stop the manager of $m"; done
	if [ "${AR_LOOP_KEEP:-0}" = 1 ]; then echo "# kept $WORK"; else rm -rf "$WORK"; fi
}
at_exit cleanup

# wait_for SECONDS WHAT COMMAND...: polls COMMAND every second; when the
# time runs out, says what it waited for and shows COMMAND's last output.
wait_for() {
	local limit=$1 what=$2 start out
	shift 2
	start=$(date +%s)
	while :; do
		if out=$("$@" 2>&1); then
			printf '%s\n' "$out" | head -c 2000 >"$WORK/last-evidence"
			return 0
		fi
		if [ $(($(date +%s) - start)) -ge "$limit" ]; then
			echo "# waited $limit s for $what; last: $(printf '%s' "$out" | tail -n 3 | head -c 1500)"
			return 1
		fi
		sleep 1
	done
}

# Shows the tails of the logs of one run (on failure).
show_logs() { # show_logs MANAGER_DIR PREFIX
	local f
	for f in "$1/logs/ossec.log" "$($AGENT folder "$2")/ossec.log" \
		"$($AGENT folder "$2")/active-response/active-responses.log"; do
		[ -f "$f" ] || continue
		echo "# --- $f"
		tail -n 15 "$f" | sed 's/^/#   /'
	done
}

alerts() { echo "$1/logs/alerts/alerts.json"; }
alert_count() { python3 "$EVIDENCE" lines "$(alerts "$1")"; }

# has_alert MANAGER_DIR FROM RULE CONDITION...: an alert of RULE for our
# agent after line FROM of alerts.json.
has_alert() {
	local dir=$1 from=$2 rule=$3
	shift 3
	python3 "$EVIDENCE" alert "$(alerts "$dir")" "$from" "$rule" "agent.name=$AGENT_NAME" "$@"
}

has_arlog() { # has_arlog PREFIX STATUS CONDITION...
	local prefix=$1 status=$2
	shift 2
	python3 "$EVIDENCE" arlog "$($AGENT folder "$prefix")/active-response/active-responses.log" \
		"$PROGRAM" "$status" "$@"
}

reg_value() { # reg_value PREFIX: "REG_DWORD 0x1", or nothing
	WINEPREFIX=$1 WINEARCH=win32 WINEDEBUG=-all timeout 60 wine reg query "$KEY_PATH" \
		/v EnableSecuritySignature 2>/dev/null | tr -d '\r' |
		awk '$1 == "EnableSecuritySignature" { print $2, $3 }'
}

reg_is() { # reg_is PREFIX EXPECTED
	local v
	v=$(reg_value "$1")
	[ "$v" = "$2" ] || {
		echo "EnableSecuritySignature is '${v:-absent}', expected '$2'"
		return 1
	}
}

set_value() { # set_value PREFIX DATA: as a GPO (or an administrator) would
	WINEPREFIX=$1 WINEARCH=win32 WINEDEBUG=-all timeout 60 wine reg add "$KEY_PATH" \
		/v EnableSecuritySignature /t REG_DWORD /d "$2" /f >/dev/null 2>&1
}

# The program's .exe for the agent: 32-bit, as the agent.
program_exe() {
	local dir=${AR_WIN_DIR:-}
	if [ -z "$dir" ]; then
		dir=$WORK/win
		"$ROOT/packaging/windows/build.sh" "$dir" >"$WORK/win-build.log" 2>&1 || {
			tail -n 20 "$WORK/win-build.log"
			return 1
		}
	fi
	echo "$dir/i686/$PROGRAM.exe"
}

# For the dry run: the administrator's edit the README describes, in the
# <command> of our block.
add_dry_run() { # add_dry_run MANAGER_DIR
	local conf=$1/etc/ossec.conf
	python3 - "$conf" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
new, n = re.subn(r"(<command>\s*<name>win-ms-network-client-sign</name>.*?)(</command>)",
                 r"\1  <extra_args>dry-run</extra_args>\n  \2", text, count=1, flags=re.S)
if n != 1:
    sys.exit("no <command> block of ours in " + path)
open(path, "w").write(new)
PY
}

# must DESCRIPTION COMMAND...: check, failing when the check did: for a
# step the next ones need (each is bounded; none waits on a failed one).
must() {
	local before=$FAILED
	check "$@"
	[ "$FAILED" -eq "$before" ]
}

# start_pair NAME [dry-run]: a manager and an agent of their own; sets MDIR
# and PREFIX.
start_pair() {
	local name=$1 mode=${2:-}
	MDIR=$WORK/$name-manager
	PREFIX=$WORK/$name-wine
	must "$name: manager tree laid out from the given manager (manager.sh layout)" \
		"$MANAGER" layout "$MDIR" || return 1
	if [ "$mode" = dry-run ]; then
		must "$name: <extra_args>dry-run</extra_args> added to our <command>" add_dry_run "$MDIR" || return 1
	fi
	local keyline
	keyline=$(head -n 1 "$MDIR/etc/client.keys")
	AGENT_NAME=$(awk '{ print $2 }' <<<"$keyline")
	STARTED_MANAGERS+=("$MDIR")
	must "$name: manager started with remoted (manager.sh start --remoted)" \
		"$MANAGER" start "$MDIR" --remoted || return 1
	must "$name: the given agent installed in a 32-bit Wine prefix" \
		"$AGENT" install "$AGENT_GIVEN" "$PREFIX" "$EXE" "$keyline" || return 1
	# The manager's own ar.conf (analysisd writes it from our <command>):
	# remoted sends it inside merged.mg, but under Wine the agent keeps
	# merged.mg without unpacking it, and the first dispatch comes before.
	must "$name: the manager's ar.conf names our .exe" \
		grep -qx "win-ms-network-client-sign0 - $PROGRAM.exe - 0" "$MDIR/etc/shared/ar.conf" || return 1
	cp "$MDIR/etc/shared/ar.conf" "$($AGENT folder "$PREFIX")/shared/ar.conf"
	must "$name: EnableSecuritySignature set to 0 before the agent starts" set_value "$PREFIX" 0 || return 1
	STARTED_PREFIXES+=("$PREFIX")
	must "$name: agent started" "$AGENT" start "$PREFIX" || return 1
}

# The scan found the check failed, the manager dispatched, execd ran the
# .exe, the value is 1, the result came back.
remediation_round() { # remediation_round NAME FROM STATUS [CONDITION...]
	local name=$1 from=$2 status=$3
	shift 3
	must "$name: the agent's scan found check $CHECK_ID failed (an SCA alert of $AGENT_NAME in alerts.json)" \
		wait_for "$SCAN_WAIT" "an alert for check $CHECK_ID with result failed" \
		has_alert "$MDIR" "$from" "*" "data.sca.check.id=$CHECK_ID" data.sca.check.result=failed || return 1
	must "$name: rule 100550 fired with $AGENT_NAME in its description" \
		wait_for "$STEP_WAIT" "rule 100550 with '$AGENT_NAME' in its description" \
		has_alert "$MDIR" "$from" 100550 "data.sca.check.id=$CHECK_ID" "desc~$AGENT_NAME" || return 1
	# The host passes the requirement of the Windows 10 policy too (as a
	# Windows 11 Enterprise does): its id of the control, 15535, may be
	# dispatched first, and the run for 26032 then finds it compliant.
	must "$name: the agent's execd started our .exe ($status in active-responses.log)" \
		wait_for "$STEP_WAIT" "a $status line of $PROGRAM in the agent's active-responses.log" \
		has_arlog "$PREFIX" "$status" "$@" || return 1
	must "$name: rule 100551 fired from that line" \
		wait_for "$STEP_WAIT" "rule 100551 with data.status=$status" \
		has_alert "$MDIR" "$from" 100551 "data.status=$status" || return 1
}

any_alert() { # any_alert DIR FROM RULE,RULE... CONDITION...
	local dir=$1 from=$2 r rules
	IFS=, read -ra rules <<<"$3"
	shift 3
	for r in "${rules[@]}"; do
		has_alert "$dir" "$from" "$r" "$@" && return 0
	done
	return 1
}

gpo_steps() {
	remediation_round loop 0 remediated || return 1
	must "loop: the Wine registry holds REG_DWORD 1" reg_is "$PREFIX" "REG_DWORD 0x1" || return 1
	local mark
	must "loop: the next scan reports the check passed (rule 19010)" \
		wait_for "$SCAN_WAIT" "rule 19010 for check $CHECK_ID (failed -> passed)" \
		has_alert "$MDIR" 0 19010 "data.sca.check.id=$CHECK_ID" data.sca.check.result=passed || return 1
	# A Group Policy's refresh puts 0 back after the fix.
	mark=$(alert_count "$MDIR")
	must "gpo: EnableSecuritySignature put back to 0" set_value "$PREFIX" 0 || return 1
	# Whichever policy scans first sees the revert; the run it dispatches
	# fixes the value before the other policy reads it.
	must "gpo: the next scan fails CIS 2.3.8.2 again (passed -> failed)" \
		wait_for "$SCAN_WAIT" "an alert for CIS 2.3.8.2, result failed after passed" \
		has_alert "$MDIR" "$mark" "*" data.sca.check.compliance.cis=2.3.8.2 \
		data.sca.check.result=failed data.sca.check.previous_result=passed || return 1
	must "gpo: the program reports the revert (reverted.count in active-responses.log)" \
		wait_for "$STEP_WAIT" "a $PROGRAM line with reverted.count=1" \
		has_arlog "$PREFIX" remediated "reverted.count=1" || return 1
	must "gpo: the manager raises 100554 or 100555 for it" \
		wait_for "$STEP_WAIT" "rule 100554 or 100555" \
		any_alert "$MDIR" "$mark" 100554,100555 || return 1
	check "gpo: the Wine registry holds REG_DWORD 1 again" reg_is "$PREFIX" "REG_DWORD 0x1"
}

loop_with_gpo() {
	local before=$FAILED
	start_pair loop && gpo_steps
	[ "$FAILED" -eq "$before" ] || show_logs "$MDIR" "$PREFIX"
}

loop_dry_run() {
	local before=$FAILED
	start_pair dryrun dry-run &&
		remediation_round dryrun 0 would_remediate "dry_run=true" &&
		check "dryrun: the Wine registry still holds REG_DWORD 0" reg_is "$PREFIX" "REG_DWORD 0x0"
	[ "$FAILED" -eq "$before" ] || show_logs "$MDIR" "$PREFIX"
}

# listing PATH [PART...]: what PATH holds (fingerprint.py): a change made
# to it shows here.
listing() {
	python3 "$HERE/fingerprint.py" "$@"
}

# given VAR WHAT SCRIPT: VAR set to the path that `SCRIPT given` prints;
# when none is given, WHY names it; one given that is not what it must be
# is a failure.
given() {
	local out rc=0
	out=$("$3" given 2>&1) || rc=$?
	case $rc in
	0) printf -v "$1" '%s' "$out" ;;
	3) WHY="${WHY:+$WHY; }no $2 given" ;;
	*) not_ok "the given $2: ${out#*: }" ;;
	esac
}

main() {
	local WHY="" manager="" agent=""
	given manager WAZUH_MANAGER "$MANAGER"
	given agent WAZUH_WINAGENT "$AGENT"
	if [ -z "$WHY" ] && [ "$FAILED" -eq 0 ] && ! caps_wine32; then
		WHY="32-bit Wine runs no program here (${CAPS_WHY:-caps_wine32 failed})"
	fi
	if [ -n "$WHY" ] || [ "$FAILED" -gt 0 ]; then
		[ -z "$WHY" ] || echo "skipped: the loop on real Wazuh: $WHY"
		tap_summary
		return
	fi
	echo "# the given manager: $manager; the given agent: $agent"
	AGENT_GIVEN=$agent
	# What the trees take from the manager (the rest of a manager in use
	# changes by itself).
	local parts=(bin lib ruleset etc/lists etc/rules etc/decoders etc/ossec.conf etc/internal_options.conf)
	listing "$manager" "${parts[@]}" >"$WORK/manager-before"
	listing "$agent" >"$WORK/agent-before"
	EXE=$(program_exe)
	check "our i686 .exe is built" test -f "$EXE"
	if [ "$FAILED" -eq 0 ]; then
		loop_with_gpo
		for p in "${STARTED_PREFIXES[@]}"; do "$AGENT" stop "$p" >/dev/null 2>&1; done
		for m in "${STARTED_MANAGERS[@]}"; do "$MANAGER" stop "$m" >/dev/null 2>&1; done
		STARTED_PREFIXES=()
		STARTED_MANAGERS=()
		loop_dry_run
	fi
	check "what the trees took from the given manager is as it was" \
		cmp -s "$WORK/manager-before" <(listing "$manager" "${parts[@]}")
	check "the given agent is as it was" cmp -s "$WORK/agent-before" <(listing "$agent")
	tap_summary
}
main
