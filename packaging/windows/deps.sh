# shellcheck shell=bash
# cJSON and curl for a mingw-w64 host, from Debian's own source packages
# (apt-get source), built once per architecture (curl with Schannel, HTTP
# and HTTPS only, static) into a cache reused by later runs, keyed by their
# versions: for build.sh and for the Windows unit suites. Source it, then
# build_deps HOST (sets PREFIX). Environment: AR_WIN_DEPS (the cache,
# default /var/cache/ar-win-deps).
WIN_DEPS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${AR_WIN_DEPS:-/var/cache/ar-win-deps}
JOBS=$(nproc 2>/dev/null || echo 2)
# Bumped whenever the way the dependencies are built changes, so that a
# cache built the old way is not reused.
RECIPE=2

# shellcheck source=packaging/debian-source.sh
. "$WIN_DEPS_ROOT/packaging/debian-source.sh"

build_curl() { # build_curl HOST SRC PREFIX
	local host=$1 src=$2 prefix=$3
	local b
	b=$(mktemp -d)
	(
		cd "$b" || exit 1
		# The prefix maps keep the temporary folders out of the objects
		# (curl names some of its source files in messages).
		"$src/configure" --host="$host" --prefix="$prefix" \
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
			CFLAGS="-O2 -ffile-prefix-map=$src/=curl/ -ffile-prefix-map=$b/=curl/" \
			>configure.log 2>&1 || {
			tail -n 40 configure.log
			exit 1
		}
		make -C lib -j"$JOBS" ARFLAGS=crD >make.log 2>&1 || {
			tail -n 40 make.log
			exit 1
		}
		make -C lib install >/dev/null
		make -C include install >/dev/null
		make install-pkgconfigDATA >/dev/null
	)
	rm -rf "$b"
}

# Sets PREFIX to the cache entry for HOST, building it when missing. One
# build per entry at a time: a second caller waits for the first.
build_deps() { # build_deps HOST
	local host=$1 cjson_v curl_v key
	cjson_v=$(src_version cjson)
	curl_v=$(src_version curl)
	if [ -z "$cjson_v" ] || [ -z "$curl_v" ]; then
		echo "no source package versions for cjson/curl" >&2
		exit 1
	fi
	key="cjson-$cjson_v+curl-$curl_v+r$RECIPE"
	PREFIX="$CACHE/$host/$key"
	as_root mkdir -p "$CACHE/$host"
	(
		flock 9
		[ -f "$PREFIX/.built" ] && exit 0
		echo "building $key for $host into $PREFIX" >&2
		rm -rf "$PREFIX"
		mkdir -p "$PREFIX"
		local srcdir src
		srcdir=$(mktemp -d)
		src=$(fetch_source cjson "$cjson_v" "$srcdir")
		build_cjson "$host-gcc" "$host-ar" "$src" "$PREFIX" "$cjson_v" "$host" \
			-ffile-prefix-map="$src/="
		build_curl "$host" "$(fetch_source curl "$curl_v" "$srcdir")" "$PREFIX"
		rm -rf "$srcdir"
		printf 'cjson=%s\ncurl=%s\n' "$cjson_v" "$curl_v" >"$PREFIX/SOURCES"
		printf "[properties]\npkg_config_libdir = '%s'\n" "$PREFIX/lib/pkgconfig" \
			>"$PREFIX/meson-deps.ini"
		touch "$PREFIX/.built"
	) 9>"$CACHE/$host/.lock"
}
