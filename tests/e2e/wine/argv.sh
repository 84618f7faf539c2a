#!/usr/bin/env bash
# The .exe's command line under Wine, given exactly as written (rawexec.exe,
# CreateProcessW): quoted arguments with spaces, empty arguments, and the
# odd quoting where the C runtime and CommandLineToArgvW count differently
# (the program must see one list, count included: the C runtime's wide
# parser's, msvcrt's __wgetmainargs, what a wmain program is given).
# Run by run.sh in its prefix (AR_WINE_AGENT set), or alone.
# Prints "ok - ..." / "not ok - ..." lines, then "N passed, M failed".
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# run.sh counts the lines of the checks.
# shellcheck source=tests/tap.sh
. "$HERE/../../tap.sh"
# shellcheck source=tests/e2e/wine/agent.sh
. "$HERE/agent.sh"
DATA=$ROOT/tests/data

x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -Werror -o "$WORK/rawexec.exe" "$HERE/rawexec.c"

# raw LINE [SAMPLE]: runs LINE from the agent folder; sets RC, OUT, ERR.
raw() {
	local line=$1 sample=${2:-/dev/null}
	wine_step --in "$sample" --cwd "$AGENT" --ok any "rawexec.exe: $line" \
		env AR_RAW_CMDLINE="$line" wine "$WORK/rawexec.exe"
	OUT=$WINE_OUT RC=$WINE_RC
	ERR=$(tr -d '\r' <<<"$WINE_ERR")
}
P="active-response\\bin\\$NAME.exe"
LOGDIR='C:\ar argv test'
UNIX_LOGDIR="$(wine_path -u "$LOGDIR")"
mkdir -p "$UNIX_LOGDIR"

# A dry run exits 0 (compliant) or 4 (would change), whatever the prefix holds.
dry_run_logged() { # dry_run_logged LOG: that run logged one line there
	[ "$RC" = 0 ] || [ "$RC" = 4 ] && [ "$(wc -l <"$1" 2>/dev/null)" = 1 ]
}
raw "\"$P\" --log-file \"$LOGDIR\\quoted log.log\" --dry-run" "$DATA/ours_26032_dry_run.json"
check "a quoted argument with spaces is one argument" dry_run_logged "$UNIX_LOGDIR/quoted log.log"

raw "\"$P\" \"--log-file=$LOGDIR\\equals form.log\" --dry-run" "$DATA/ours_26032_dry_run.json"
check "\"--option=value with spaces\" is one argument" dry_run_logged "$UNIX_LOGDIR/equals form.log"

raw "\"$P\" --log-file \"\" --dry-run"
check "an empty argument is an argument: --log-file \"\" is refused (exit 2)" \
	test "$RC" = 2 -a -n "$(grep -F 'option --log-file needs a non-empty value' <<<"$ERR")"

raw "\"$P\" \"\""
check "a lone empty argument is an unknown option (exit 2)" \
	test "$RC" = 2 -a -n "$(grep -F 'unknown option ""' <<<"$ERR")"

# "--log-file=DIR\a""b" --dry-run: the C runtime reads two arguments
# (--log-file=DIR\a"b, then --dry-run), CommandLineToArgvW one
# (--log-file=DIR\a"b --dry-run). With the count of one and the list of the
# other, the program would read past the list.
raw "\"$P\" \"--log-file=$LOGDIR\\a\"\"b\" --dry-run" "$DATA/ours_26032_dry_run.json"
odd_quoting_one_list() { # ran to its end as a dry run, the log named as the C runtime reads it
	{ [ "$RC" = 0 ] || [ "$RC" = 4 ]; } && grep -qF 'a"b: ' <<<"$ERR" &&
		! grep -qF 'a"b --dry-run' <<<"$ERR"
}
check "odd quoting: one list and its count, as the C runtime's wide parser splits it" odd_quoting_one_list

# The program named as wazuh-execd names it: a relative path.
raw "active-response/bin/$NAME.exe --version"
check "relative program path as execd gives it: --version answers" \
	test "$RC" = 0 -a -n "$(grep -F "$NAME" <<<"$OUT")"
rm -rf "$UNIX_LOGDIR"

tap_summary
