# shellcheck shell=bash
# cJSON, expat, mbed TLS and curl for a static x86_64 Linux program built
# with musl (musl-gcc, from musl-tools), from Debian's own source packages
# (apt-get source), built once into a cache reused by later runs, keyed by
# their versions: for build-static-sweep.sh. curl speaks HTTP and HTTPS only,
# with mbed TLS and no built-in CA (the program names its CA file itself).
# Source it, then build_musl_deps (sets PREFIX). Environment: AR_MUSL_DEPS
# (the cache, default /var/cache/ar-musl-deps).
MUSL_DEPS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MUSL_CACHE=${AR_MUSL_DEPS:-/var/cache/ar-musl-deps}
MUSL_HOST=x86_64-linux-musl
MUSL_JOBS=$(nproc 2>/dev/null || echo 2)
# Bumped whenever the way the dependencies are built changes, so that a
# cache built the old way is not reused.
MUSL_RECIPE=2

# shellcheck source=packaging/debian-source.sh
. "$MUSL_DEPS_ROOT/packaging/debian-source.sh"

musl_log_tail() { # musl_log_tail LOG: the end of a failed step's log, then out
	tail -n 40 "$1" >&2
	exit 1
}

# musl_fetch PACKAGE DIR: the newest of PACKAGE's source versions that the
# archive serves whole, unpacked and patched in DIR (else its upstream
# tarball: a mirror may have dropped a .dsc); prints "TREE VERSION".
musl_fetch() {
	local pkg=$1 dir=$2 v tree
	for v in $(apt-cache showsrc "$pkg" 2>/dev/null | awk '/^Version:/ { print $2 }' | sort -Vru); do
		tree=$(fetch_source "$pkg" "$v" "$dir/$pkg-$v") || true
		if [ -n "$tree" ]; then
			echo "$tree $v"
			return 0
		fi
	done
	tree=$(fetch_orig "$pkg" "$dir/$pkg-orig") || return 1
	echo "$tree upstream"
}

# mbed TLS's three static libraries and its headers, with its own
# Makefiles (no CMake needed). Its entropy comes from Linux's getrandom()
# with musl as with glibc (mbed TLS asks for glibc by name, else opens
# /dev/urandom, which a chroot may lack).
build_mbedtls() { # build_mbedtls SRC PREFIX
	local src=$1 prefix=$2
	local glibc_only='((defined(__linux__) \&\& defined(__GLIBC__)) || defined(__midipix__))'
	grep -q "^#if $glibc_only\$" "$src/library/entropy_poll.c" || {
		echo "mbed TLS: no getrandom() condition to extend in entropy_poll.c" >&2
		exit 1
	}
	sed -i "s/^#if $glibc_only\$/#if defined(__linux__) || defined(__midipix__)/" \
		"$src/library/entropy_poll.c"
	make -C "$src/library" -j"$MUSL_JOBS" CC=musl-gcc AR=ar ARFLAGS=rcD \
		CFLAGS="-O2 -ffile-prefix-map=$src/=mbedtls/" static >"$src/make.log" 2>&1 ||
		musl_log_tail "$src/make.log"
	mkdir -p "$prefix/lib" "$prefix/include"
	cp "$src"/library/libmbed{crypto,x509,tls}.a "$prefix/lib/"
	cp -r "$src/include/mbedtls" "$prefix/include/"
	[ ! -d "$src/include/psa" ] || cp -r "$src/include/psa" "$prefix/include/"
}

# expat's library with its CMake files (Debian's tree has no configure).
build_expat() { # build_expat SRC PREFIX
	local src=$1/expat prefix=$2 b
	b=$(mktemp -d)
	CC=musl-gcc CFLAGS="-O2 -ffile-prefix-map=$src/=expat/ -ffile-prefix-map=$b/=expat/" \
		cmake -S "$src" -B "$b" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
		-DCMAKE_INSTALL_LIBDIR=lib -DEXPAT_SHARED_LIBS=OFF -DEXPAT_BUILD_TOOLS=OFF \
		-DEXPAT_BUILD_EXAMPLES=OFF -DEXPAT_BUILD_TESTS=OFF -DEXPAT_BUILD_DOCS=OFF \
		-DEXPAT_BUILD_FUZZERS=OFF >"$b/configure.log" 2>&1 || musl_log_tail "$b/configure.log"
	# As expat's configure defines them (Debian's patches test "== 1").
	sed -i -E 's/^#define (XML_[A-Z_]+)$/#define \1 1/' "$b/expat_config.h"
	cmake --build "$b" -j "$MUSL_JOBS" >"$b/make.log" 2>&1 || musl_log_tail "$b/make.log"
	cmake --install "$b" >/dev/null
	rm -rf "$b" "$prefix/lib/cmake" "$prefix/share/doc"
}

build_musl_curl() { # build_musl_curl SRC PREFIX
	local src=$1 prefix=$2 b
	b=$(mktemp -d)
	(
		cd "$b" || exit 1
		"$src/configure" --prefix="$prefix" \
			--disable-shared --enable-static --with-mbedtls="$prefix" \
			--enable-http --disable-ftp --disable-file --disable-ldap --disable-ldaps \
			--disable-rtsp --disable-dict --disable-telnet --disable-tftp --disable-pop3 \
			--disable-imap --disable-smb --disable-smtp --disable-gopher --disable-mqtt \
			--disable-manual --disable-ntlm --disable-ntlm-wb --disable-kerberos-auth \
			--disable-negotiate-auth --disable-aws --disable-alt-svc --disable-hsts \
			--disable-unix-sockets --disable-cookies \
			--without-zlib --without-brotli --without-zstd --without-libidn2 \
			--without-libpsl --without-nghttp2 --without-libssh2 --without-librtmp \
			--without-ngtcp2 --without-nghttp3 --without-quiche --without-msh3 \
			--without-ca-bundle --without-ca-path --without-ca-fallback \
			CC=musl-gcc CFLAGS="-O2 -ffile-prefix-map=$src/=curl/ -ffile-prefix-map=$b/=curl/" \
			>configure.log 2>&1 || musl_log_tail configure.log
		make -C lib -j"$MUSL_JOBS" ARFLAGS=crD >make.log 2>&1 || musl_log_tail make.log
		make -C lib install >/dev/null
		make -C include install >/dev/null
		make install-pkgconfigDATA >/dev/null
	)
	local rc=$?
	rm -rf "$b"
	return $rc
}

# Sets PREFIX to the cache entry, building it when missing. One build at a
# time: a second caller waits for the first.
build_musl_deps() {
	local cjson_v expat_v mbedtls_v curl_v key
	cjson_v=$(src_version cjson)
	expat_v=$(src_version expat)
	mbedtls_v=$(src_version mbedtls)
	curl_v=$(src_version curl)
	if [ -z "$cjson_v" ] || [ -z "$expat_v" ] || [ -z "$mbedtls_v" ] || [ -z "$curl_v" ]; then
		echo "no source package versions for cjson/expat/mbedtls/curl" >&2
		return 1
	fi
	key="cjson-$cjson_v+expat-$expat_v+mbedtls-$mbedtls_v+curl-$curl_v+r$MUSL_RECIPE"
	PREFIX="$MUSL_CACHE/$MUSL_HOST/$key"
	as_root mkdir -p "$MUSL_CACHE/$MUSL_HOST"
	(
		flock 9
		[ -f "$PREFIX/.built" ] && exit 0
		echo "building $key for $MUSL_HOST into $PREFIX" >&2
		rm -rf "$PREFIX"
		mkdir -p "$PREFIX"
		srcdir=$(mktemp -d)
		trap 'rm -rf "$srcdir"' EXIT
		local pkg tree v
		for pkg in cjson expat mbedtls curl; do
			read -r tree v < <(musl_fetch "$pkg" "$srcdir") || {
				echo "no source of $pkg" >&2
				exit 1
			}
			echo "$pkg=$v" >>"$PREFIX/SOURCES"
			case $pkg in
			cjson) build_cjson musl-gcc ar "$tree" "$PREFIX" "$v" "$MUSL_HOST" -ffile-prefix-map="$tree/=" ;;
			expat) build_expat "$tree" "$PREFIX" ;;
			mbedtls) build_mbedtls "$tree" "$PREFIX" ;;
			curl) build_musl_curl "$tree" "$PREFIX" ;;
			esac
		done
		printf "[properties]\npkg_config_libdir = '%s'\n" "$PREFIX/lib/pkgconfig" \
			>"$PREFIX/meson-deps.ini"
		touch "$PREFIX/.built"
	) 9>"$MUSL_CACHE/$MUSL_HOST/.lock"
}
