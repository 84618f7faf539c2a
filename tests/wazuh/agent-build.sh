# shellcheck shell=bash
# How the Windows agent is built (sourced by tests/wazuh/agent.sh; the cache
# entry is named by a hash of this file and the patches, so any change here
# builds anew).
#
# Wazuh's own `make TARGET=winagent winagent` (i686 mingw-w64), with the
# libraries its `make deps` would download from Wazuh's servers put in
# src/external/ from Debian instead: cJSON, OpenSSL 3.0, SQLite (its
# amalgamation made here), libyaml, PCRE2 and curl from the upstream
# tarballs of Debian's source packages; zlib from libz-mingw-w64-dev;
# nlohmann's JSON header from nlohmann-json3-dev; bzlib.h (a header only)
# from libbz2-dev. Wazuh's Makefile builds OpenSSL, cJSON, SQLite and libyaml
# itself; PCRE2 and curl are configured here with Wazuh's own options (see
# prepare_pcre2, prepare_curl). The patches in agent-patches/ are applied
# to Wazuh's tree first.

WINAGENT_PACKAGES=(mingw-w64 g++-mingw-w64-i686-posix libz-mingw-w64-dev nlohmann-json3-dev
	libbz2-dev autoconf automake libtool tcl make cmake perl dpkg-dev xz-utils patch)
MINGW=i686-w64-mingw32

# The name of the cache entry: the version, then a hash of the recipe, the
# patches and the source tarball.
winagent_key() { # winagent_key SOURCE_TARBALL
	local version
	version=$(basename "$1" | sed -E 's/^wazuh-(.*)\.tar\..*$/\1/')
	{
		cat "$HERE/agent-build.sh"
		cat "$HERE"/agent-patches/*.patch
		sha256sum <"$1"
	} | sha256sum | cut -c1-12 | sed "s/^/$version-/"
}

# A library's tree moved to src/external/NAME.
place_tree() { # place_tree TREE EXTERNAL NAME
	rm -rf "${2:?}/$3"
	mv "$1" "$2/$3"
}

prepare_small_libs() { # prepare_small_libs EXTERNAL
	local ext=$1 t
	t=$(fetch_orig cjson "$WORK/src")
	mkdir -p "$ext/cJSON"
	cp "$t/cJSON.c" "$t/cJSON.h" "$ext/cJSON/"
	mkdir -p "$ext/zlib"
	cp "/usr/$MINGW/include/zlib.h" "/usr/$MINGW/include/zconf.h" "/usr/$MINGW/lib/libz.a" "$ext/zlib/"
	mkdir -p "$ext/bzip2"
	cp /usr/include/bzlib.h "$ext/bzip2/"
	# The sources include "json.hpp", which includes <nlohmann/...>.
	mkdir -p "$ext/nlohmann"
	cp -r /usr/include/nlohmann "$ext/nlohmann/nlohmann"
	cp /usr/include/nlohmann/json.hpp /usr/include/nlohmann/json_fwd.hpp "$ext/nlohmann/"
}

# SQLite's one-file amalgamation, made on the host from the full source.
prepare_sqlite() { # prepare_sqlite EXTERNAL
	local t
	t=$(fetch_orig sqlite3 "$WORK/src")
	(cd "$t" && ./configure --disable-tcl >/dev/null && make sqlite3.c >/dev/null)
	mkdir -p "$1/sqlite"
	cp "$t/sqlite3.c" "$t/sqlite3.h" "$t/sqlite3ext.h" "$1/sqlite/"
}

# libyaml's upstream tarball has no configure script: make it, and leave
# the configure step to Wazuh's Makefile.
prepare_libyaml() { # prepare_libyaml EXTERNAL
	local t
	t=$(fetch_orig libyaml "$WORK/src")
	(cd "$t" && autoreconf -fi >/dev/null 2>&1)
	place_tree "$t" "$1" libyaml
}

# Wazuh's rule configures PCRE2 and runs a plain `make`, whose test
# program fails to link for mingw once the library is built: the same
# configure, then only the library.
prepare_pcre2() { # prepare_pcre2 EXTERNAL
	local t
	t=$(fetch_orig pcre2 "$WORK/src")
	place_tree "$t" "$1" libpcre2
	(
		cd "$1/libpcre2"
		CFLAGS=-fPIC ./configure --enable-jit=no --host=$MINGW --disable-shared >/dev/null
		mkdir -p include
		cp src/pcre2.h include/pcre2.h
		make -j2 libpcre2-8.la >/dev/null
	)
}

# curl's tarball carries a top-level Makefile, so Wazuh's rule (keyed on
# that file) never configures it: run its configure line here; Wazuh's
# Makefile then builds lib/.
prepare_curl() { # prepare_curl EXTERNAL
	local t
	t=$(fetch_orig curl "$WORK/src")
	place_tree "$t" "$1" curl
	(
		cd "$1/curl"
		CFLAGS=-fPIC CC=$MINGW-gcc ./configure --host=$MINGW --enable-static=yes --disable-shared \
			--with-schannel --disable-ldap --without-libidn2 --without-zstd >/dev/null
	)
}

prepare_openssl() { # prepare_openssl EXTERNAL
	local t
	t=$(fetch_orig openssl "$WORK/src")
	place_tree "$t" "$1" openssl
}

# Builds the agent into ENTRY (ENTRY/wazuh/src holds the outputs), logging
# to ENTRY/build.log.
build_winagent() { # build_winagent SOURCE_TARBALL ENTRY
	local tarball=$1 entry=$2 ext
	WORK=$entry/work
	mkdir -p "$WORK/src" "$entry/wazuh"
	tar xJf "$tarball" -C "$entry/wazuh" --strip-components=1
	local p
	for p in "$HERE"/agent-patches/*.patch; do
		patch -d "$entry/wazuh" -p1 --quiet <"$p"
	done
	ext=$entry/wazuh/src/external
	mkdir -p "$ext"
	prepare_small_libs "$ext"
	prepare_sqlite "$ext"
	prepare_libyaml "$ext"
	prepare_pcre2 "$ext"
	prepare_curl "$ext"
	prepare_openssl "$ext"
	# Its default goal ("build"); naming the goal winagent is refused.
	nice make -C "$entry/wazuh/src" -j2 TARGET=winagent
	rm -rf "$WORK"
}
