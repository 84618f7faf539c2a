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

# curl's configure: Schannel, HTTP and HTTPS only, static, and none of the
# features the program does not use (the reporting path is basic
# authentication, custom headers and bodies, a proxy from the environment,
# TLS verified by Windows' store or a CA file), built for size with each
# function in its own section so that the link keeps only what is called.
# Part of the cache key (build_deps): other flags, another cache entry.
CURL_CONFIGURE=(--disable-shared --enable-static --with-schannel
	--enable-http --disable-ftp --disable-file --disable-ldap --disable-ldaps
	--disable-rtsp --disable-dict --disable-telnet --disable-tftp --disable-pop3
	--disable-imap --disable-smb --disable-smtp --disable-gopher --disable-mqtt
	--disable-manual --disable-ntlm --disable-ntlm-wb --disable-kerberos-auth
	--disable-negotiate-auth --disable-aws --disable-alt-svc --disable-hsts
	--disable-cookies --disable-mime --disable-netrc --disable-doh
	--disable-headers-api --disable-progress-meter --disable-digest-auth
	--disable-tls-srp --disable-unix-sockets
	--without-zlib --without-brotli --without-zstd --without-libidn2
	--without-libpsl --without-nghttp2 --without-libssh2 --without-librtmp
	--without-ngtcp2 --without-nghttp3 --without-quiche --without-msh3
	--without-ca-bundle --without-ca-path)
CURL_CFLAGS="-Os -ffunction-sections -fdata-sections"
# On i686 also without unwind tables (.eh_frame, a fifth of the .exe, for
# C++ exceptions and debuggers only); x86_64's are Windows' own SEH data.
curl_cflags() { # curl_cflags HOST
	case $1 in
	i686-*) echo "$CURL_CFLAGS -fno-asynchronous-unwind-tables" ;;
	*) echo "$CURL_CFLAGS" ;;
	esac
}

build_curl() { # build_curl HOST SRC PREFIX
	local host=$1 src=$2 prefix=$3
	local b
	b=$(mktemp -d)
	(
		cd "$b" || exit 1
		# The prefix maps keep the temporary folders out of the objects
		# (curl names some of its source files in messages).
		"$src/configure" --host="$host" --prefix="$prefix" "${CURL_CONFIGURE[@]}" \
			CFLAGS="$(curl_cflags "$host") -ffile-prefix-map=$src/=curl/ -ffile-prefix-map=$b/=curl/" \
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
	local host=$1 cjson_v curl_v key flags
	cjson_v=$(src_version cjson)
	curl_v=$(src_version curl)
	if [ -z "$cjson_v" ] || [ -z "$curl_v" ]; then
		echo "no source package versions for cjson/curl" >&2
		exit 1
	fi
	# The recipe and curl's flags in the name: a cache built another way
	# is never reused.
	flags=$(printf '%s\n' "${CURL_CONFIGURE[@]}" "$(curl_cflags "$host")" | sha256sum | cut -c1-12)
	key="cjson-$cjson_v+curl-$curl_v-$flags+r$RECIPE"
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
