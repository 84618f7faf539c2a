#!/usr/bin/env bash
# Builds the Windows executables on Debian 12:
#   packaging/windows/build.sh DIR
#     -> DIR/win_ms_network_client_sign_if_server_agrees.exe       (x86_64)
#     -> DIR/i686/win_ms_network_client_sign_if_server_agrees.exe  (32-bit, as the agent)
#     -> DIR/BUILDINFO  (the Debian source versions linked in, the toolchain)
# cJSON and curl come from Debian's own source packages, built once per
# architecture into a cache (packaging/windows/deps.sh).
# The .exes are stripped and reproducible: the same commit built in another
# folder gives the same bytes (no time stamp, no build path).
# Environment: AR_WIN_BUILD (meson folder, default build-win; the i686 one
# is AR_WIN_BUILD-i686), AR_WIN_DEPS (the cache, default
# /var/cache/ar-win-deps), SOURCE_DATE_EPOCH (default: the commit's time),
# AR_SOURCE_COMMIT (the commit BUILDINFO names, default: git's HEAD).
set -euo pipefail

OUT=${1:?usage: build.sh DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${AR_WIN_BUILD:-$ROOT/build-win}
EXE=win_ms_network_client_sign_if_server_agrees.exe
# shellcheck source=packaging/windows/deps.sh
. "$HERE/deps.sh"

install_tools() {
	"$ROOT/packaging/ensure-packages.sh" mingw-w64 meson ninja-build pkg-config dpkg-dev make \
		binutils-mingw-w64-x86-64 binutils-mingw-w64-i686 git
}

deb_version() {
	dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown
}

# The time the build claims: the commit's, so that every build of one
# commit says the same.
source_date_epoch() {
	if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
		echo "$SOURCE_DATE_EPOCH"
	elif git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$ROOT" log -1 --format=%ct
	else
		stat -c %Y "$ROOT/meson.build"
	fi
}

# What the .exe may load when it starts: the system's core, the C runtime
# and the registry's DLL; the networking and crypto DLLs only when called
# (delay-loaded, lib/platform/meson.build), so a run that sends no report
# never loads them. And the size it may have.
START_DLLS=(KERNEL32.dll msvcrt.dll ADVAPI32.dll)
DELAY_DLLS=(ws2_32.dll crypt32.dll bcrypt.dll)
MAX_EXE_BYTES=614400

PASSED=0
FAILED=0
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then
		PASSED=$((PASSED + 1))
		echo "ok - $what"
	else
		FAILED=$((FAILED + 1))
		echo "not ok - $what"
	fi
}

# shellcheck source=packaging/windows/pe_checks.sh
. "$HERE/pe_checks.sh"

build_one() { # build_one HOST MESON_DIR OUT_FILE FORMAT MAGIC
	local host=$1 dir=$2 out=$3 format=$4 magic=$5
	build_deps "$host"
	# Stripped at link time, no time stamp in the PE header, no build path.
	# Built for size, each function and datum in its own section so that
	# the link drops what nothing calls, and no export table (cJSON's
	# exported names otherwise fill one).
	# On i686 without unwind tables too, as curl (deps.sh's curl_cflags).
	local unwind=""
	[[ $host != i686-* ]] || unwind=", '-fno-asynchronous-unwind-tables'"
	local opts=(--cross-file "$HERE/$host.ini" --cross-file "$PREFIX/meson-deps.ini"
		-Doptimization=s -Db_ndebug=true
		"-Dc_args=['-ffile-prefix-map=$ROOT/=', '-ffile-prefix-map=$dir/=', '-ffunction-sections', '-fdata-sections'$unwind]"
		"-Dc_link_args=['-s', '-Wl,--no-insert-timestamp', '-Wl,--gc-sections', '-Wl,--exclude-all-symbols']")
	mkdir -p "$(dirname "$dir")"
	# A build folder set up over another dependency cache entry is set up
	# again: meson keeps the cross files (and so the libraries) it was
	# first given.
	if [ -f "$dir/build.ninja" ] && [ "$(cat "$dir/ar-deps-prefix" 2>/dev/null)" = "$PREFIX" ]; then
		meson setup --reconfigure "$dir" "$ROOT" "${opts[@]}" >/dev/null
	else
		rm -rf "$dir"
		meson setup "$dir" "$ROOT" "${opts[@]}" -Dtests=false -Dbuildtype=release >/dev/null
		echo "$PREFIX" >"$dir/ar-deps-prefix"
	fi
	meson compile -C "$dir" >"$dir/compile.log" 2>&1 || {
		tail -n 40 "$dir/compile.log" >&2
		exit 1
	}
	mkdir -p "$(dirname "$out")"
	cp "$dir/active-response/$EXE" "$out"
	check "$host: $format" pe_format "$host" "$out" "$format"
	check "$host: optional header magic $magic" pe_magic "$host" "$out" "$magic"
	check "$host: imports only system DLLs" system_dlls_only "$host" "$out"
	check "$host: loads only ${START_DLLS[*]} at start" loads_at_start "$host" "$out" "${START_DLLS[@]}"
	check "$host: delay-loads exactly ${DELAY_DLLS[*]}" delay_loads "$out" "${DELAY_DLLS[@]}"
	check "$host: at most $MAX_EXE_BYTES bytes" size_at_most "$out" "$MAX_EXE_BYTES"
	check "$host: stripped" stripped "$host" "$out"
	check "$host: no time stamp" no_time_stamp "$host" "$out"
	check "$host: no build path inside" no_build_paths "$out" "$ROOT" "$BUILD" "$CACHE"
	echo "built $out ($(stat -c %s "$out") bytes)"
	cat "$PREFIX/SOURCES" >"$out.sources"
}

install_tools
enable_sources
SOURCE_DATE_EPOCH=$(source_date_epoch)
export SOURCE_DATE_EPOCH

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# Both caches first: a long dependency build never waits behind a program
# that does not compile.
build_deps x86_64-w64-mingw32
build_deps i686-w64-mingw32
build_one x86_64-w64-mingw32 "$BUILD" "$OUT/$EXE" pei-x86-64 020b
build_one i686-w64-mingw32 "$BUILD-i686" "$OUT/i686/$EXE" pei-i386 010b

# What went into the .exes, for the SBOM and for anyone rebuilding them.
{
	cat "$OUT/$EXE.sources"
	echo "source_date_epoch=$SOURCE_DATE_EPOCH"
	echo "commit=${AR_SOURCE_COMMIT:-$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)}"
	echo "gcc-mingw-w64=$(deb_version gcc-mingw-w64-x86-64-win32)"
	echo "mingw-w64=$(deb_version mingw-w64-common)"
	echo "binutils-mingw-w64=$(deb_version binutils-mingw-w64-x86-64)"
} >"$OUT/BUILDINFO"
if ! cmp -s "$OUT/$EXE.sources" "$OUT/i686/$EXE.sources"; then
	check "both architectures link the same dependency versions" false
fi
rm -f "$OUT/$EXE.sources" "$OUT/i686/$EXE.sources"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
