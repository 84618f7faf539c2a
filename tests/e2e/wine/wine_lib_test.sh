#!/usr/bin/env bash
# shellcheck disable=SC2016 # the suites' bodies expand where they run
# The Wine steps' own test (wine_lib.sh, tests/tap.sh): deliberately broken
# steps, each in a small suite of its own run here, must be reported by
# name with their command and output, counted, and that suite must still
# end with its "N passed, M failed" line; a transient failure is tried
# again, a hang is ended by the time limit, and a suite stopped by set -e
# (tests/run.sh too) names the command that stopped it. And the loader
# wine_lib.sh picks: 64-bit Wine works beside a wine32 whose loader cannot
# run, and i686.sh names what it skips there.
# Run by run.sh in its prefix (AR_WINE_AGENT set), or alone.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/tap.sh
. "$HERE/../../tap.sh"
# shellcheck source=tests/e2e/wine/agent.sh
. "$HERE/agent.sh"

# suite NAME BODY: runs BODY as a suite of its own (tap.sh and wine_lib.sh
# sourced, set -e) in this prefix; its output in $WORK/NAME.out, its exit
# status in $WORK/NAME.rc.
suite() {
	local rc=0
	{
		echo 'set -euo pipefail'
		echo ". '$ROOT/tests/tap.sh'"
		echo 'WORK=$(mktemp -d)'
		echo 'at_exit '\''rm -rf "$WORK"'\'
		echo ". '$HERE/wine_lib.sh'"
		printf '%s\n' "$2"
	} >"$WORK/$1.sh"
	WINEPREFIX=$WINEPREFIX bash "$WORK/$1.sh" >"$WORK/$1.out" 2>&1 || rc=$?
	echo "$rc" >"$WORK/$1.rc"
}
# has NAME TEXT: the output of suite NAME holds a line with TEXT (fixed).
has() {
	grep -qF -- "$2" "$WORK/$1.out" || {
		sed 's/^/#   > /' "$WORK/$1.out"
		return 1
	}
}
status() { cat "$WORK/$1.rc"; }

suite missing_key 'wine_step "query a key that is not there" wine reg query "HKLM\Software\ar-no-such-key"
tap_summary'
check "a failed wine reg query is a failed check, by its name and status" \
	has missing_key "not ok - Wine step: query a key that is not there (status 1)"
check "... with its command" has missing_key '#   command (in .): wine reg query HKLM\\Software\\ar-no-such-key'
check "... and reg's own message" has missing_key "#   | reg: "
check "... and the suite ends with its count line, failing" \
	test "$(tail -n 1 "$WORK/missing_key.out"):$(status missing_key)" = "0 passed, 1 failed:1"

suite bogus 'wine_step "a program that is not there" wine ar-no-such-program.exe
ok "the step after it ran"
tap_summary'
check "a program Wine cannot find: a failed check, by its name" \
	has bogus "not ok - Wine step: a program that is not there"
check "... with what Wine says" has bogus "#   | Application could not be started"
check "... and the suite goes on to its end" \
	test "$(tail -n 1 "$WORK/bogus.out"):$(status bogus)" = "1 passed, 1 failed:1"

# A step that fails as a Wine start does when its wineserver is going away,
# once, then works: run again after the prefix is idle, and no failure.
suite transient 'cat >"$WORK/flaky" <<"END"
#!/bin/sh
if [ ! -e "$1" ]; then
	touch "$1"
	echo "wine: a wine server seems to be running, but I cannot connect to it." >&2
	exit 1
fi
exec wine reg query "HKLM\System\CurrentControlSet\Control"
END
chmod +x "$WORK/flaky"
wine_step "a step whose first start failed" "$WORK/flaky" "$WORK/once"
[ "$WINE_RC" = 0 ] && ok "it ran the second time"
tap_summary'
check "a transient Wine failure is tried again, and passes" \
	has transient "ok - it ran the second time"
check "... saying so" has transient "# a step whose first start failed: transient failure, try 1 of 3"
check "... with no failure" test "$(tail -n 1 "$WORK/transient.out"):$(status transient)" = "1 passed, 0 failed:0"

suite hang 'WINE_STEP_LIMIT=2
wine_step "a step that hangs" sleep 30
tap_summary'
check "a step that hangs is ended by its time limit and named" \
	has hang "not ok - Wine step: a step that hangs (no end within 2 s (status 124))"

suite stops 'ok "a check before"
grep -q never-there /dev/null
ok "never reached"
tap_summary'
check "a suite stopped by set -e says so" has stops "not ok - stops.sh stopped before its end (exit status 1)"
check "... naming the command" has stops ": grep -q never-there /dev/null (status 1)"
check "... and ends with its count line, the stop counted" \
	test "$(tail -n 1 "$WORK/stops.out"):$(status stops)" = "1 passed, 1 failed:1"

# tests/run.sh itself, through the same trap: a copy of it whose build
# step fails (a meson that fails on purpose; git and the packages stand-ins
# that pass) names that step and still ends with its "total:" line.
mkdir -p "$WORK/runsh/tests" "$WORK/runsh/packaging" "$WORK/runsh/bin"
cp "$ROOT/tests/run.sh" "$ROOT/tests/tap.sh" "$WORK/runsh/tests/"
printf '#!/bin/sh\nexit 0\n' >"$WORK/runsh/packaging/ensure-packages.sh"
printf '#!/bin/sh\nexit 0\n' >"$WORK/runsh/bin/git"
printf '#!/bin/sh\necho "meson: broken on purpose" >&2\nexit 1\n' >"$WORK/runsh/bin/meson"
chmod +x "$WORK/runsh/packaging/ensure-packages.sh" "$WORK/runsh/bin/git" "$WORK/runsh/bin/meson"
rc=0
PATH="$WORK/runsh/bin:$PATH" bash "$WORK/runsh/tests/run.sh" >"$WORK/runsh.out" 2>&1 || rc=$?
echo "$rc" >"$WORK/runsh.rc"
check "tests/run.sh stopped by a failed build step says so" \
	has runsh "not ok - run.sh stopped before its end (exit status 1)"
check "... naming the step and its command" has runsh "(in setup_build): meson setup"
check "... and ends with its total line, the stop counted" \
	test "$(tail -n 1 "$WORK/runsh.out"):$(status runsh)" = "total: 1 passed, 1 failed:1"

# wine32 installed on a kernel that runs no 32-bit program: Debian's `wine`
# (and wineboot, winepath, msiexec through it) picks the 32-bit loader
# because the file is there. Simulated for the commands of without_wine32
# only: a copy of /usr/lib/wine whose 32-bit loader is a file no kernel
# runs (an ELF header for machine 0xbeef: "Exec format error"), bound over
# /usr/lib/wine in a private mount namespace. There a 64-bit Wine suite
# (argv.sh) still passes, and i686.sh names what it skipped.
# shellcheck source=tests/caps.sh
. "$ROOT/tests/caps.sh"
without_wine32() {
	unshare -m --propagation private sh -c 'mount --bind "$0" /usr/lib/wine && exec "$@"' \
		"$WORK/libwine" "$@"
}
SIMULATED="64-bit Wine beside a wine32 whose loader cannot run (simulated)"
if [ ! -x /usr/lib/wine/wine64 ]; then
	caps_skipped "$SIMULATED" "Wine's loaders are not in /usr/lib/wine (not Debian's Wine)"
elif ! caps_mountns; then
	caps_skipped "$SIMULATED" "$CAPS_WHY"
else
	mkdir "$WORK/libwine"
	cp -a /usr/lib/wine/. "$WORK/libwine/"
	rm -f "$WORK/libwine/wine"
	{
		printf '\177ELF\001\001\001'
		head -c 9 /dev/zero
		printf '\002\000\357\276\001\000\000\000'
		head -c 40 /dev/zero
	} >"$WORK/libwine/wine"
	chmod 755 "$WORK/libwine/wine"
	rc=0
	without_wine32 bash -c '. "$0"; caps_wine32 || { echo "$CAPS_WHY"; exit 1; }' \
		"$ROOT/tests/caps.sh" >"$WORK/caps32.out" 2>&1 || rc=$?
	check "simulated: the 32-bit loader is there and fails with Exec format error" \
		test "$rc:$(grep -c 'Exec format error' "$WORK/caps32.out")" = 1:1
	rc=0
	without_wine32 timeout 60 /usr/bin/wine --version >"$WORK/wrapper.out" 2>&1 || rc=$?
	check "simulated: Debian's wine picks that loader, and fails" \
		test "$rc:$(grep -c '^wine-' "$WORK/wrapper.out")" != 0:1
	relay "simulated, no usable wine32: " without_wine32 env AR_WINE_ARCH=x86_64 \
		AR_WINE_AGENT="$AGENT" "$HERE/argv.sh"
	rc=0
	without_wine32 env AR_WINE32_INSTALL=no AR_WIN_DIR="${AR_WIN_DIR:-}" "$HERE/i686.sh" \
		>"$WORK/i686.out" 2>&1 || rc=$?
	echo "$rc" >"$WORK/i686.rc"
	check "simulated: i686.sh names the i686 suites it skipped, and why" \
		has i686 "skipped: the i686 .exe under Wine"
	check "... the unusable loader or kernel" \
		test "$(grep '^skipped: ' "$WORK/i686.out" | grep -c 'Exec format error')" = 1
	check "... still checks the .exe as a file, and passes" \
		test "$(tail -n 1 "$WORK/i686.out"):$(status i686)" = "5 passed, 0 failed:0"
fi

tap_summary
