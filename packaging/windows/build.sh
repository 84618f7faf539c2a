#!/usr/bin/env bash
# Builds the Windows executable on Debian 12:
#   packaging/windows/build.sh DIR  ->  DIR/win_ms_network_client_sign_if_server_agrees.exe
# cJSON and curl come from Debian's own source packages (apt-get source),
# built once for x86_64-w64-mingw32 (curl with Schannel, HTTP and HTTPS only,
# static) into a cache reused by later runs, keyed by their versions.
set -euo pipefail

OUT=${1:?usage: build.sh DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
HOST=x86_64-w64-mingw32
CACHE=${AR_WIN_DEPS:-/var/cache/ar-win-deps}
BUILD=${AR_WIN_BUILD:-$ROOT/build-win}
EXE=win_ms_network_client_sign_if_server_agrees.exe
JOBS=$(nproc 2>/dev/null || echo 2)

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_tools() {
	"$ROOT/packaging/ensure-packages.sh" mingw-w64 meson ninja-build pkg-config dpkg-dev make \
		binutils-mingw-w64-x86-64
}

# Source entries mirroring the machine's own Debian binary entries, so that
# apt-get source reaches the same archive the packages came from.
enable_sources() {
	local list=/etc/apt/sources.list.d/ar-debian-src.sources
	[ -f "$list" ] && return 0
	local tmp
	tmp=$(mktemp)
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# Keep only stanzas signed by Debian's archive key: other vendors'
		# repositories publish no sources.
		awk 'BEGIN { RS = ""; ORS = "\n\n" }
		     /debian-archive-keyring/ && /(^|\n)Types:[^\n]*deb/ {
		         sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, ""); print }' \
			"$f" >>"$tmp"
	done
	if [ -f /etc/apt/sources.list ]; then
		grep -E '^deb ' /etc/apt/sources.list | grep -i debian |
			sed -E 's/^deb /deb-src /' >"$tmp.list" || true
		if [ -s "$tmp.list" ]; then
			as_root cp "$tmp.list" /etc/apt/sources.list.d/ar-debian-src.list
		fi
		rm -f "$tmp.list"
	fi
	if [ -s "$tmp" ]; then
		as_root cp "$tmp" "$list"
	else
		as_root touch "$list"
	fi
	rm -f "$tmp"
	as_root apt-get update -qq
}

src_version() {
	apt-cache showsrc "$1" 2>/dev/null | awk '/^Version:/ { print $2 }' | sort -V | tail -n 1
}

fetch_source() {
	local pkg=$1 dir=$2
	mkdir -p "$dir"
	(cd "$dir" && apt-get source "$pkg" >/dev/null 2>&1)
	find "$dir" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*" | head -n 1
}

build_cjson() {
	local src=$1 prefix=$2
	mkdir -p "$prefix/lib/pkgconfig" "$prefix/include/cjson"
	"$HOST-gcc" -O2 -std=c89 -c "$src/cJSON.c" -o "$prefix/cJSON.o"
	"$HOST-ar" rcs "$prefix/lib/libcjson.a" "$prefix/cJSON.o"
	rm -f "$prefix/cJSON.o"
	cp "$src/cJSON.h" "$prefix/include/cjson/cJSON.h"
	cat >"$prefix/lib/pkgconfig/libcjson.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libcjson
Description: cJSON from Debian's source package, static for $HOST
Version: $(src_version cjson | sed -E 's/-.*//')
Libs: -L\${libdir} -lcjson
Cflags: -I\${includedir} -I\${includedir}/cjson
PC
}

build_curl() {
	local src=$1 prefix=$2
	local b
	b=$(mktemp -d)
	(
		cd "$b"
		"$src/configure" --host="$HOST" --prefix="$prefix" \
			--disable-shared --enable-static --with-schannel \
			--enable-http --disable-ftp --disable-file --disable-ldap --disable-ldaps \
			--disable-rtsp --disable-dict --disable-telnet --disable-tftp --disable-pop3 \
			--disable-imap --disable-smb --disable-smtp --disable-gopher --disable-mqtt \
			--disable-manual --disable-ntlm --disable-ntlm-wb --disable-kerberos-auth \
			--disable-negotiate-auth --disable-aws --disable-alt-svc --disable-hsts \
			--without-zlib --without-brotli --without-zstd --without-libidn2 \
			--without-libpsl --without-nghttp2 --without-libssh2 --without-librtmp \
			--without-ngtcp2 --without-nghttp3 --without-quiche --without-msh3 \
			--without-ca-bundle --without-ca-path \
			CFLAGS="-O2" >configure.log 2>&1 || { tail -n 40 configure.log; exit 1; }
		make -C lib -j"$JOBS" >make.log 2>&1 || { tail -n 40 make.log; exit 1; }
		make -C lib install >/dev/null
		make -C include install >/dev/null
		make install-pkgconfigDATA >/dev/null
	)
	rm -rf "$b"
}

build_deps() {
	local cjson_v curl_v key stamp
	cjson_v=$(src_version cjson)
	curl_v=$(src_version curl)
	if [ -z "$cjson_v" ] || [ -z "$curl_v" ]; then
		echo "no source package versions for cjson/curl" >&2
		exit 1
	fi
	key="cjson-$cjson_v+curl-$curl_v"
	PREFIX="$CACHE/$key"
	stamp="$PREFIX/.built"
	[ -f "$stamp" ] && return 0
	echo "building $key for $HOST into $PREFIX"
	as_root mkdir -p "$CACHE"
	rm -rf "$PREFIX"
	mkdir -p "$PREFIX"
	local srcdir
	srcdir=$(mktemp -d)
	build_cjson "$(fetch_source cjson "$srcdir")" "$PREFIX"
	build_curl "$(fetch_source curl "$srcdir")" "$PREFIX"
	rm -rf "$srcdir"
	touch "$stamp"
}

check_imports() {
	# Only DLLs every Windows has: nothing to ship beside the .exe.
	local dlls bad
	dlls=$("$HOST-objdump" -p "$1" | awk '/DLL Name:/ { print toupper($3) }')
	bad=$(grep -vE '^(KERNEL32|ADVAPI32|WS2_32|CRYPT32|BCRYPT|SECUR32|USER32|SHELL32|MSVCRT|IPHLPAPI|WLDAP32|NORMALIZ|API-MS-WIN-.*)\.DLL$' <<<"$dlls" || true)
	if [ -n "$bad" ]; then
		echo "the .exe needs DLLs that Windows does not ship: $bad" >&2
		exit 1
	fi
	echo "imports: $(tr '\n' ' ' <<<"$dlls")"
}

install_tools
enable_sources
build_deps

cat >"$PREFIX/meson-deps.ini" <<INI
[properties]
pkg_config_libdir = '$PREFIX/lib/pkgconfig'
INI
if [ -f "$BUILD/build.ninja" ]; then
	meson setup --reconfigure "$BUILD" "$ROOT" --cross-file "$HERE/$HOST.ini" \
		--cross-file "$PREFIX/meson-deps.ini"
else
	meson setup "$BUILD" "$ROOT" --cross-file "$HERE/$HOST.ini" --cross-file "$PREFIX/meson-deps.ini" \
		-Dtests=false -Dbuildtype=release -Dstrip=true
fi
meson compile -C "$BUILD" >/dev/null
mkdir -p "$OUT"
cp "$BUILD/active-response/$EXE" "$OUT/$EXE"
check_imports "$OUT/$EXE"
echo "built $OUT/$EXE ($(stat -c %s "$OUT/$EXE") bytes)"
echo "1 passed, 0 failed"
