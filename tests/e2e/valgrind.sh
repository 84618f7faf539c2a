#!/usr/bin/env bash
# The main cases under valgrind: no invalid access, no definite or indirect
# leak.   tests/e2e/valgrind.sh [PROGRAM]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PROG=${1:-${AR_PROGRAM:-$ROOT/build/active-response/win_ms_network_client_sign_if_server_agrees}}
DATA=$ROOT/tests/data
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PASSED=0
FAILED=0

vg() { # vg NAME REGISTRY_SAMPLE STDIN_FILE [ARGS...]
	local name=$1 sample=$2 input=$3
	shift 3
	rm -rf "$WORK/case"
	mkdir -p "$WORK/case"
	cp "$DATA/registry/$sample" "$WORK/case/registry.reg"
	local rc=0
	valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 --log-file="$WORK/vg.log" "$PROG" \
		--registry-file "$WORK/case/registry.reg" --log-file "$WORK/case/ar.log" "$@" \
		<"$input" >/dev/null 2>&1 || rc=$?
	if [ "$rc" -ne 99 ] && [ ! -s "$WORK/vg.log" ]; then
		PASSED=$((PASSED + 1))
		echo "ok - $name (exit $rc)"
	else
		FAILED=$((FAILED + 1))
		echo "not ok - $name"
		cat "$WORK/vg.log"
	fi
}

vg "remediated" value_0_utf16.reg "$DATA/ours_26032_failed.json"
vg "compliant" compliant_utf16.reg "$DATA/ours_26032_failed.json"
vg "missing key" no_key_utf16.reg "$DATA/ours_26032_failed.json"
vg "not ours" value_0_utf16.reg "$DATA/notours_passed.json"
vg "invalid" value_0_utf16.reg "$DATA/bad_truncated.json"
vg "dry-run" value_0_utf16.reg "$DATA/ours_26032_dry_run.json"
vg "delete" value_0_utf16.reg "$DATA/ours_26032_delete.json"
vg "5.x enable" value_sz_utf16.reg "$DATA/v5/ours_26032_enable.json"
printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters]\r\n"EnableSecuritySignature"=dword:00000000\r\n' >"$WORK/restore.reg"
vg "restore" compliant_utf16.reg /dev/null --restore "$WORK/restore.reg"
printf '{"api":{"url":"https://127.0.0.1:1","user":"u","password":"p","timeout_seconds":1},"spool_dir":"%s/spool"}' "$WORK" >"$WORK/cfg.json"
vg "report kept (API unreachable)" value_0_utf16.reg "$DATA/ours_26032_failed.json" --config "$WORK/cfg.json"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
