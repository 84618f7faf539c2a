#!/usr/bin/env bash
# cJSON from Debian's source package, built as a static library for this
# machine, the way the Windows build links it. Prints a pkg-config folder:
#   PKG_CONFIG_PATH=$(packaging/native-cjson.sh) meson setup DIR
# gives a native build with cJSON linked into the program, so that the
# dynamic loader maps one library less at every start (libcurl stays opened
# with dlopen() when a report is sent). Cached by version in AR_NATIVE_DEPS
# (default /var/cache/ar-native-deps).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${AR_NATIVE_DEPS:-/var/cache/ar-native-deps}
# shellcheck source=packaging/debian-source.sh
. "$HERE/debian-source.sh"

"$HERE/ensure-packages.sh" gcc binutils dpkg-dev >&2
enable_sources >&2
version=$(src_version cjson)
[ -n "$version" ] || {
	echo "no source package version for cjson" >&2
	exit 1
}
prefix=$CACHE/cjson-$version
as_root mkdir -p "$CACHE"
as_root chown "$(id -u)" "$CACHE"
(
	flock 9
	[ -f "$prefix/.built" ] && exit 0
	rm -rf "$prefix"
	mkdir -p "$prefix/lib/pkgconfig" "$prefix/include/cjson"
	src_dir=$(mktemp -d)
	src=$(fetch_source cjson "$version" "$src_dir")
	if [ -z "$src" ] || [ ! -f "$src/cJSON.c" ]; then
		echo "apt-get source cjson=$version gave no cJSON.c" >&2
		exit 1
	fi
	# Position-independent, as the program is.
	gcc -O2 -std=c89 -fPIC -c "$src/cJSON.c" -o "$prefix/cJSON.o"
	ar rcsD "$prefix/lib/libcjson.a" "$prefix/cJSON.o"
	rm -f "$prefix/cJSON.o"
	cp "$src/cJSON.h" "$prefix/include/cjson/cJSON.h"
	rm -rf "$src_dir"
	cat >"$prefix/lib/pkgconfig/libcjson.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libcjson
Description: cJSON from Debian's source package, static for this machine
Version: ${version%%-*}
Libs: -L\${libdir} -lcjson
Cflags: -I\${includedir} -I\${includedir}/cjson
PC
	touch "$prefix/.built"
) 9>"$CACHE/.lock"
echo "$prefix/lib/pkgconfig"
