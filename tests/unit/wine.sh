#!/usr/bin/env bash
# The unit suites of the Windows files (tests/unit/meson.build lists them
# for a Windows build), built with mingw-w64 against Check from Debian's
# source package and run under Wine by meson's exe_wrapper: the ACL and
# file calls they make are Wine's real ones. AR_WIN_UNIT_HOST: the mingw
# host, x86_64-w64-mingw32 (the Wine every machine here has) by default;
# tests/e2e/wine/i686.sh runs them again for i686-w64-mingw32 where 32-bit
# Wine runs (tests/caps.sh), under the loader tests/e2e/wine/wine_lib.sh
# picks for HOST's architecture. Check and the program's own dependencies
# are cached in AR_WIN_DEPS (packaging/windows/deps.sh); AR_WIN_UNIT_BUILD
# is the meson folder (default build-win-unit-HOST).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=tests/tap.sh
. "$ROOT/tests/tap.sh"
# shellcheck source=packaging/windows/deps.sh
. "$ROOT/packaging/windows/deps.sh"
HOST=${AR_WIN_UNIT_HOST:-x86_64-w64-mingw32}
BUILD=${AR_WIN_UNIT_BUILD:-$ROOT/build-win-unit-$HOST}
WORK=$(mktemp -d)
# shellcheck disable=SC2016 # expanded at exit
at_exit 'rm -rf "$WORK"'
# The loader of HOST's architecture (x86_64 or i686), as `wine` on PATH.
AR_WINE_ARCH=${HOST%%-*}
# shellcheck source=tests/e2e/wine/wine_lib.sh
. "$ROOT/tests/e2e/wine/wine_lib.sh"

# Sets CHECK_PREFIX to Check built static for HOST, building it when
# missing (one build at a time).
build_check() { # build_check HOST
	local host=$1 v
	v=$(src_version check)
	[ -n "$v" ] || {
		echo "# no source package version for check" >&2
		return 1
	}
	CHECK_PREFIX="$CACHE/$host/check-$v+r2"
	(
		flock 9
		[ -f "$CHECK_PREFIX/.built" ] && exit 0
		echo "# building check $v for $host into $CHECK_PREFIX" >&2
		rm -rf "$CHECK_PREFIX"
		local src b
		src=$(fetch_source check "$v" "$WORK/src")
		b=$WORK/check-build
		mkdir -p "$b"
		cd "$b" || exit 1
		if ! {
			"$src/configure" --host="$host" --prefix="$CHECK_PREFIX" --disable-shared \
				--enable-static --disable-subunit --disable-build-docs \
				CFLAGS="-O2 -D__USE_MINGW_ANSI_STDIO=1" >configure.log 2>&1 &&
				make -C lib -j"$JOBS" >make.log 2>&1 && make -C src -j"$JOBS" >>make.log 2>&1 &&
				make -C lib install >>make.log 2>&1 && make -C src install >>make.log 2>&1 &&
				make install-data-am >>make.log 2>&1
		}; then
			tail -n 40 configure.log make.log >&2
			exit 1
		fi
		# Debian's check.pc names its own PIC archive; the static one here
		# is libcheck.a. Check formats its messages with MinGW's C99 printf
		# (%jd, %zu), as the program does: its header says so to the
		# compiler (gnu_printf, where plain printf means Microsoft's).
		sed -i 's/-lcheck_pic/-lcheck/' "$CHECK_PREFIX/lib/pkgconfig/check.pc"
		sed -i 's/CK_ATTRIBUTE_FORMAT(printf,/CK_ATTRIBUTE_FORMAT(gnu_printf,/' \
			"$CHECK_PREFIX/include/check.h"
		touch "$CHECK_PREFIX/.built"
	) 9>"$CACHE/$host/.check.lock"
}

# The cross file that adds Check and Wine to the program's own.
unit_ini() {
	printf "[properties]\npkg_config_libdir = '%s:%s'\n[binaries]\nexe_wrapper = '%s'\n" \
		"$PREFIX/lib/pkgconfig" "$CHECK_PREFIX/lib/pkgconfig" "$WINE" >"$WORK/unit.ini"
}

"$ROOT/packaging/ensure-packages.sh" mingw-w64 meson ninja-build pkg-config dpkg-dev make \
	wine64 wine
enable_sources
build_deps "$HOST"
CHECK_LOG=$WORK/steps.log
check "Check for $HOST, from Debian's source package" build_check "$HOST"
unit_ini
export WINEPREFIX=$WORK/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
WIPE=()
[ ! -f "$BUILD/build.ninja" ] || WIPE=(--wipe)
check "meson setup: a Windows build with its unit suites" \
	meson setup "${WIPE[@]}" "$BUILD" "$ROOT" --cross-file "$ROOT/packaging/windows/$HOST.ini" \
	--cross-file "$WORK/unit.ini" -Dtests=true
check "meson compile" meson compile -C "$BUILD"
check "a Wine prefix (wineboot)" timeout 300 wineboot -i
# A link to a folder, for platform_win32's refusal of one (Wine cannot
# make a junction; it shows this link as a reparse point).
mkdir "$WORK/elsewhere"
ln -s "$WORK/elsewhere" "$WORK/link"
export AR_UNIT_LINK_DIR=$WORK/link
# Each suite's own output shows as it comes: a failing case names itself.
unset CHECK_LOG
while read -r suite; do
	check "under Wine: unit suite $suite" \
		timeout 600 meson test -C "$BUILD" --suite unit --print-errorlogs "$suite"
done < <(meson introspect --tests "$BUILD" 2>/dev/null |
	/usr/bin/python3 -c 'import json, sys; print("\n".join(t["name"] for t in json.load(sys.stdin)))')
tap_summary
