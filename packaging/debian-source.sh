# shellcheck shell=bash
# Shell functions for fetching Debian's own source packages (apt-get source)
# and building cJSON from its one, shared by the scripts that build a
# dependency from them. Source it:
#   . "$ROOT/packaging/debian-source.sh"

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
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

fetch_source() { # fetch_source PACKAGE VERSION DIR: prints the unpacked, patched tree
	local pkg=$1 version=$2 dir=$3
	mkdir -p "$dir"
	(cd "$dir" && apt-get source "$pkg=$version" >/dev/null 2>&1)
	find "$dir" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*" | head -n 1
}

# build_cjson CC AR SRC PREFIX VERSION SYSTEM [CFLAG...]: cJSON's one source
# file in SRC as a static library, its header and a pkg-config file, in
# PREFIX (SYSTEM names what it is built for, in the description).
build_cjson() {
	local cc=$1 ar=$2 src=$3 prefix=$4 version=$5 system=$6
	shift 6
	mkdir -p "$prefix/lib/pkgconfig" "$prefix/include/cjson"
	"$cc" -O2 -std=c89 "$@" -c "$src/cJSON.c" -o "$prefix/cJSON.o"
	"$ar" rcsD "$prefix/lib/libcjson.a" "$prefix/cJSON.o"
	rm -f "$prefix/cJSON.o"
	cp "$src/cJSON.h" "$prefix/include/cjson/cJSON.h"
	cat >"$prefix/lib/pkgconfig/libcjson.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libcjson
Description: cJSON from Debian's source package, static for $system
Version: ${version%%-*}
Libs: -L\${libdir} -lcjson
Cflags: -I\${includedir} -I\${includedir}/cjson
PC
}

# fetch_orig PACKAGE DIR: downloads PACKAGE's upstream tarball (the
# *.orig.tar.* of its newest source version that the archive still serves)
# into DIR and unpacks it there; prints the unpacked tree. Debian's own
# patches are left out: a mirror may serve an orig tarball whose .dsc it
# has dropped.
fetch_orig() {
	local pkg=$1 dir=$2 v up file tree
	mkdir -p "$dir"
	for v in $(apt-cache showsrc "$pkg" 2>/dev/null | awk '/^Version:/ { print $2 }' | sort -Vru); do
		up=${v#*:}
		up=${up%-*}
		(cd "$dir" && apt-get source --download-only "$pkg=$v" >/dev/null 2>&1) || true
		file=$(find "$dir" -maxdepth 1 -name "${pkg}_$up.orig.tar.*" ! -name '*.asc' | head -n 1)
		[ -n "$file" ] && break
	done
	[ -n "$file" ] || {
		echo "no upstream tarball of $pkg in the archive" >&2
		return 1
	}
	tree=$(mktemp -d "$dir/$pkg.XXXXXX")
	tar xf "$file" -C "$tree"
	find "$tree" -mindepth 1 -maxdepth 1 -type d | head -n 1
}
