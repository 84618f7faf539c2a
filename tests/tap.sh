# shellcheck shell=bash
# What every shell suite prints: "ok - WHAT" or "not ok - WHAT" for each
# check, then "N passed, M failed" (the line tests/run.sh adds up), after
# TAP_SUMMARY_PREFIX if set (run.sh's own closing line is "total: ...").
# Source it:
#   . "$ROOT/tests/tap.sh"
# A suite that stops before its tap_summary (set -e, a signal, an early
# exit) still ends with that line: the EXIT trap set here counts one more
# failure, naming the last command that failed, and prints it. Cleanups go
# through at_exit (a later `trap ... EXIT` would replace that trap); an EXIT
# trap set before sourcing this is kept as the first cleanup.
PASSED=0
FAILED=0
TAP_DONE=0
TAP_LAST_ERROR=""
TAP_CLEANUPS=()

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
	TAP_DONE=1
	echo "${TAP_SUMMARY_PREFIX:-}$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}

# at_exit COMMAND: run COMMAND (eval'd) when the suite exits, after its
# closing line.
at_exit() {
	TAP_CLEANUPS+=("$1")
}

# relay PREFIX COMMAND...: runs a suite of its own (a script that sources
# this file) and counts its checks here, PREFIX before each name; its other
# lines pass through, its closing line is taken in. One that ends without
# that line is a failure here, named with its exit status.
relay() {
	local prefix=$1 line seen=0 rc=unknown
	shift
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) ok "$prefix${line#ok - }" ;;
		"not ok - "*) not_ok "$prefix${line#not ok - }" ;;
		"tap-relay-exit "*) rc=${line#tap-relay-exit } ;;
		*)
			if [[ $line =~ ^[0-9]+\ passed,\ [0-9]+\ failed$ ]]; then seen=1; else echo "$line"; fi
			;;
		esac
	done < <(
		s=0
		"$@" 2>&1 || s=$?
		echo "tap-relay-exit $s"
	)
	[ "$seen" = 1 ] || not_ok "$prefix$*: ended without its closing line (exit status $rc)"
}

tap_on_exit() {
	local rc=$1 c
	trap - ERR
	set +e
	if [ "$TAP_DONE" = 0 ]; then
		not_ok "${0##*/} stopped before its end (exit status $rc)${TAP_LAST_ERROR:+; the last command that failed: $TAP_LAST_ERROR}"
		echo "${TAP_SUMMARY_PREFIX:-}$PASSED passed, $FAILED failed"
		[ "$rc" -ne 0 ] || rc=1
	fi
	for c in "${TAP_CLEANUPS[@]}"; do
		eval "$c"
	done
	exit "$rc"
}

# The EXIT trap already set (agent.sh's, a suite's own) runs as a cleanup.
tap_trap_command() { printf '%s' "${3:-}"; }
TAP_PREVIOUS_EXIT=$(trap -p EXIT)
if [ -n "$TAP_PREVIOUS_EXIT" ]; then
	at_exit "$(eval "tap_trap_command $TAP_PREVIOUS_EXIT")"
fi
# Under set -e a failing command ends the suite: the ERR trap (inherited by
# functions, -E) notes which, for the closing message. It only notes: in
# the parts run with set +e it fires for failures that are expected.
set -E
trap 'TAP_LAST_ERROR="${BASH_SOURCE[0]##*/} line $LINENO${FUNCNAME[0]:+ (in ${FUNCNAME[0]})}: $BASH_COMMAND (status $?)"' ERR
trap 'tap_on_exit $?' EXIT
# A signal ends the suite through the EXIT trap too.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
