#!/usr/bin/env bash
# The main cases under valgrind, each on a temporary .reg registry and log:
# the expected exit status, no invalid access, no definite or indirect leak.
#   tests/e2e/valgrind.sh [PROGRAM]     (default: $AR_PROGRAM, else build/...)
# Ends with "N passed, M failed".
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PROG=${1:-${AR_PROGRAM:-$ROOT/build/active-response/win_ms_network_client_sign_if_server_agrees}}
DATA=$ROOT/tests/data
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=tests/tap.sh
. "$ROOT/tests/tap.sh"

vg() { # vg NAME EXIT_STATUS REGISTRY_SAMPLE STDIN_FILE [ARGS...]
	local name=$1 want=$2 sample=$3 input=$4
	shift 4
	rm -rf "$WORK/case"
	mkdir -p "$WORK/case"
	case "$sample" in
	/*) cp "$sample" "$WORK/case/registry.reg" ;;
	*) cp "$DATA/registry/$sample" "$WORK/case/registry.reg" ;;
	esac
	local rc=0
	valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 --log-file="$WORK/vg.log" "$PROG" \
		--registry-file "$WORK/case/registry.reg" --log-file "$WORK/case/ar.log" "$@" \
		<"$input" >/dev/null 2>&1 || rc=$?
	if [ "$rc" -eq "$want" ] && [ ! -s "$WORK/vg.log" ]; then
		ok "$name (exit $rc)"
	else
		not_ok "$name (exit $rc, expected $want; 99: valgrind found errors)"
		printf '# command: valgrind ... %s --registry-file %s --log-file %s' "$PROG" \
			"${sample##*/}" "ar.log"
		[ "$#" -eq 0 ] || printf ' %q' "$@"
		printf ' <%s\n' "${input##*/}"
		sed 's/^/# /' "$WORK/vg.log"
	fi
}

vg "remediated" 0 value_0_utf16.reg "$DATA/ours_26032_failed.json"
vg "compliant" 0 compliant_utf16.reg "$DATA/ours_26032_failed.json"
vg "missing key" 0 no_key_utf16.reg "$DATA/ours_26032_failed.json"
vg "not ours" 3 value_0_utf16.reg "$DATA/notours_passed.json"
vg "invalid" 2 value_0_utf16.reg "$DATA/bad_truncated.json"
vg "dry-run" 4 value_0_utf16.reg "$DATA/ours_26032_dry_run.json"
vg "delete" 0 value_0_utf16.reg "$DATA/ours_26032_delete.json"
vg "5.x enable" 0 value_sz_utf16.reg "$DATA/v5/ours_26032_enable.json"
printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters]\r\n"EnableSecuritySignature"=dword:00000000\r\n' >"$WORK/restore.reg"
vg "restore" 0 compliant_utf16.reg /dev/null --restore "$WORK/restore.reg"
printf '{"api":{"url":"https://127.0.0.1:1","user":"u","password":"p","timeout_seconds":1},"spool_dir":"%s/spool"}' "$WORK" >"$WORK/cfg.json"
vg "report kept (API unreachable)" 0 value_0_utf16.reg "$DATA/ours_26032_failed.json" --config "$WORK/cfg.json"
{
	head -n 1 "$DATA/ours_26032_failed.json"
	echo '{"version":1,"origin":{"name":"wazuh-execd","module":"wazuh-execd"},"command":"abort","parameters":{}}'
} >"$WORK/abort.json"
vg "aborted by execd" 3 value_0_utf16.reg "$WORK/abort.json"
printf 'REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\System\n' >"$WORK/broken.reg"
vg "broken .reg registry" 1 "$WORK/broken.reg" "$DATA/ours_26032_failed.json"

tap_summary
