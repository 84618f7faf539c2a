# shellcheck shell=bash
# What every shell suite prints: "ok - WHAT" or "not ok - WHAT" for each
# check, then "N passed, M failed" (the line tests/run.sh adds up). Source it:
#   . "$ROOT/tests/tap.sh"
PASSED=0
FAILED=0

ok() {
	PASSED=$((PASSED + 1))
	echo "ok - $1"
}

not_ok() {
	FAILED=$((FAILED + 1))
	echo "not ok - $1"
}

# check DESCRIPTION COMMAND...: passes when the command does. Its output
# shows as it comes, or, with CHECK_LOG set to a file, is appended there
# and only its last lines show, when it fails.
check() {
	local what=$1 rc=0
	shift
	if [ -z "${CHECK_LOG:-}" ]; then
		"$@" || rc=$?
	else
		"$@" >"$CHECK_LOG.last" 2>&1 || rc=$?
		cat "$CHECK_LOG.last" >>"$CHECK_LOG"
		[ "$rc" -eq 0 ] || sed 's/^/# /' "$CHECK_LOG.last" | tail -n 5
	fi
	if [ "$rc" -eq 0 ]; then ok "$what"; else not_ok "$what"; fi
}

# The closing line; fails when any check did.
tap_summary() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}
