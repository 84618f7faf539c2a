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
	src_dir=$(mktemp -d)
	src=$(fetch_source cjson "$version" "$src_dir")
	if [ -z "$src" ] || [ ! -f "$src/cJSON.c" ]; then
		echo "apt-get source cjson=$version gave no cJSON.c" >&2
		exit 1
	fi
	# Position-independent, as the program is.
	build_cjson gcc ar "$src" "$prefix" "$version" "this machine" -fPIC
	rm -rf "$src_dir"
	touch "$prefix/.built"
) 9>"$CACHE/.lock"
echo "$prefix/lib/pkgconfig"
