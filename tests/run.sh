#!/usr/bin/env bash
# The one test command: installs what the tests need (Debian 12, apt-get),
# builds with -Werror, and runs every suite:
#   unit + end-to-end + API tests on the native build (gcc),
#   the same again built by clang under AddressSanitizer and UBSan,
#   valgrind over the main cases, bounded libFuzzer runs,
#   the Windows cross build, its Wine tests and the packages.
# What a suite needs from the machine (32-bit programs, a mount namespace)
# is found by trying it (tests/caps.sh); where it is missing the suite
# prints "skipped: WHAT: WHY" and that is no failure.
# Ends with one line "total: N passed, M failed"; exits non-zero on any failure.
# A step that stops it (set -e: the packages, a build) is counted as a
# failure and named, with its command and line, by tests/tap.sh's trap, and
# the closing line is still printed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=tests/tap.sh
. tests/tap.sh
TAP_SUMMARY_PREFIX="total: "

PACKAGES=(
	meson ninja-build pkg-config gcc libc6-dev libcjson-dev libcurl4-openssl-dev libexpat1-dev check
	python3 python3-jsonschema openssl ca-certificates valgrind time
	clang clang-format libclang-rt-14-dev git
	mingw-w64 wine64 wine msitools wixl gcab zip unzip dpkg-dev osslsigncode
	musl-tools cmake make rpm file
)

install_packages() {
	packaging/ensure-packages.sh "${PACKAGES[@]}"
}

SUMMARY=()

# Adds the counts of one suite to the totals (tap.sh's).
tally() {
	local name=$1 passed=$2 failed=$3
	PASSED=$((PASSED + passed))
	FAILED=$((FAILED + failed))
	SUMMARY+=("$(printf '%-28s %4d passed, %d failed' "$name" "$passed" "$failed")")
}

# Runs a command whose output ends with "N passed, M failed"; a command that
# fails without such a line counts as one failure.
run_counted() {
	local name=$1
	shift
	local log
	log=$(mktemp)
	echo "== $name"
	set +e
	"$@" 2>&1 | tee "$log"
	local rc=${PIPESTATUS[0]}
	set -e
	local line
	line=$(grep -E '^([A-Za-z_-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
	if [ -n "$line" ]; then
		local p f
		p=$(sed -E 's/^([A-Za-z_-]+: )?([0-9]+) passed.*/\2/' <<<"$line")
		f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
		[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
		tally "$name" "$p" "$f"
	else
		if [ "$rc" -eq 0 ]; then tally "$name" 1 0; else tally "$name" 0 1; fi
	fi
	rm -f "$log"
}

# meson test, counted from its summary.
run_meson_tests() {
	local name=$1 dir=$2
	shift 2
	local log
	log=$(mktemp)
	echo "== $name"
	set +e
	meson test -C "$dir" --print-errorlogs "$@" 2>&1 | tee "$log"
	local rc=${PIPESTATUS[0]}
	set -e
	local ok fail
	ok=$(grep -E '^Ok:' "$log" | awk '{print $2}' | tail -n 1)
	fail=$(grep -E '^(Fail|Unexpected Pass|Timeout):' "$log" | awk '{s += $NF} END {print s + 0}')
	ok=${ok:-0}
	[ "$rc" -eq 0 ] || [ "$fail" -gt 0 ] || fail=1
	tally "$name" "$ok" "$fail"
	rm -f "$log"
}

setup_build() {
	local dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
	meson compile -C "$dir"
}

install_packages

# Style: every C file as clang-format (.clang-format) writes it.
format_check() {
	local bad
	bad=$(git ls-files '*.c' '*.h' | while read -r f; do
		clang-format "$f" | cmp -s - "$f" || echo "$f"
	done)
	if [ -n "$bad" ]; then
		echo "not formatted: $bad"
		echo "0 passed, 1 failed"
		return 1
	fi
	echo "1 passed, 0 failed"
}
run_counted "clang-format" format_check

# The README's first command: the demo remediates its sample registry.
demo_check() {
	local out
	out=$(tests/demo.sh 2>&1) || {
		echo "$out"
		echo "0 passed, 1 failed"
		return 1
	}
	echo "$out"
	if grep -q '^== exit status: 0$' <<<"$out" &&
		sed -n '/^== registry after/,/^== log line/p' <<<"$out" |
		grep -A1 -i 'LanmanWorkstation\\Parameters\]' | grep -q 'dword:00000001'; then
		echo "1 passed, 0 failed"
	else
		echo "0 passed, 1 failed"
		return 1
	fi
}

echo "== native build (gcc, -Werror)"
CC=gcc setup_build build --werror
run_meson_tests "native" build
run_counted "demo (tests/demo.sh)" demo_check
# The real Wazuh manager given in WAZUH_MANAGER (skipped, by name, when none is).
run_counted "wazuh manager (given)" python3 tests/wazuh/test_manager.py
# manager-setup.sh and the rules it installs, on a copy of the manager
# given in WAZUH_MANAGER (default /var/ossec).
run_counted "wazuh manager setup" python3 tests/wazuh/test_manager_setup.py

# The second compiler: clang, with AddressSanitizer (and LeakSanitizer) and UBSan.
echo "== clang sanitizer build (-Werror, ASan + UBSan)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
CC=clang setup_build build-clang-san --werror -Db_sanitize=address,undefined -Db_lundef=false \
	-Dbuildtype=debug
run_meson_tests "sanitizers (clang)" build-clang-san
unset ASAN_OPTIONS UBSAN_OPTIONS

# Every suite runs, unguarded: one that is missing or not executable is a
# failure here, not a silent skip; one whose .exe was not built fails too.
PROG=build/active-response/win_ms_network_client_sign_if_server_agrees
run_counted "valgrind" tests/e2e/valgrind.sh "$PROG"
run_counted "fuzz (60 s)" tests/fuzz/run.sh 60

WIN_OUT=$(pwd)/build-win-out
# x86_64 and i686 .exes: DIR/<name>.exe, DIR/i686/<name>.exe.
run_counted "windows cross build" packaging/windows/build.sh "$WIN_OUT"
# The Windows files' own unit suites, under Wine (its ACL calls).
run_counted "windows unit suites (under Wine)" tests/unit/wine.sh
export AR_WIN_DIR=$WIN_OUT
export AR_WIN_EXE=$WIN_OUT/win_ms_network_client_sign_if_server_agrees.exe
run_counted "wine e2e" tests/e2e/wine/run.sh
run_counted "wine i686 (where 32-bit runs)" tests/e2e/wine/i686.sh
# The real Windows agent given in WAZUH_WINAGENT, under 32-bit Wine, and the
# given manager, around our i686 .exe (skipped, by name, without them).
run_counted "wazuh loop (given agent, manager)" tests/wazuh/loop.sh
for t in package sign reproducible manager_packages; do
	run_counted "packaging: $t" "tests/packaging/test_$t.sh"
done

echo
echo "== summary"
printf '%s\n' "${SUMMARY[@]}"
tap_summary
