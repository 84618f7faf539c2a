#!/usr/bin/env bash
# Builds the sweep as one static x86_64 Linux program with musl:
#   packaging/wazuh/build-static-sweep.sh DIR
#     -> DIR/win_ms_network_client_sign_if_server_agrees_sweep
#     -> DIR/BUILDINFO  (the Debian source versions linked in, the toolchain)
# cJSON, expat, mbed TLS and curl come from Debian's own source packages,
# built once into a cache (musl-deps.sh); the program needs no shared
# library, no loader and no file of the machine but a CA bundle (api.ca_file,
# or the system's wherever the distribution keeps it). Stripped and
# reproducible: the same commit built in another folder gives the same
# bytes. The native build (meson setup build) stays the one for
# development and tests.
# Environment: AR_STATIC_BUILD (meson folder, default build-static),
# AR_MUSL_DEPS (the cache, default /var/cache/ar-musl-deps),
# SOURCE_DATE_EPOCH (default: the commit's time).
set -euo pipefail

OUT=${1:?usage: build-static-sweep.sh DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${AR_STATIC_BUILD:-$ROOT/build-static}
EXE=win_ms_network_client_sign_if_server_agrees_sweep
# shellcheck source=packaging/wazuh/musl-deps.sh
. "$HERE/musl-deps.sh"

"$ROOT/packaging/ensure-packages.sh" musl-tools meson ninja-build pkg-config make cmake \
	binutils dpkg-dev git
enable_sources
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || stat -c %Y "$ROOT/meson.build")
fi
export SOURCE_DATE_EPOCH

build_musl_deps
mkdir -p "$OUT" "$(dirname "$BUILD")"
OUT=$(cd "$OUT" && pwd)
opts=(--cross-file "$ROOT/packaging/x86_64-linux-musl.ini" --cross-file "$PREFIX/meson-deps.ini"
	-Dstatic=true -Dprefer_static=true
	"-Dc_args=['-ffile-prefix-map=$ROOT/=', '-ffile-prefix-map=$BUILD/=']"
	"-Dc_link_args=['-s', '-static']")
# A build folder set up against another cache entry starts afresh (meson
# keeps the cross files it was set up with).
if [ "$(cat "$BUILD/.ar-musl-deps" 2>/dev/null)" != "$PREFIX" ]; then
	rm -rf "$BUILD"
	mkdir -p "$BUILD"
	echo "$PREFIX" >"$BUILD/.ar-musl-deps"
fi
if [ -f "$BUILD/build.ninja" ]; then
	meson setup --reconfigure "$BUILD" "$ROOT" "${opts[@]}" >/dev/null
else
	meson setup "$BUILD" "$ROOT" "${opts[@]}" -Dtests=false -Dbuildtype=release >/dev/null
fi
meson compile -C "$BUILD" "sweep/$EXE" >"$BUILD/compile.log" 2>&1 || {
	tail -n 40 "$BUILD/compile.log" >&2
	exit 1
}
install -m 0755 "$BUILD/sweep/$EXE" "$OUT/$EXE"
if readelf -lW "$OUT/$EXE" | grep -q INTERP || readelf -dW "$OUT/$EXE" | grep -q NEEDED; then
	echo "$OUT/$EXE is not static" >&2
	exit 1
fi
{
	cat "$PREFIX/SOURCES"
	echo "source_date_epoch=$SOURCE_DATE_EPOCH"
	echo "commit=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
	echo "musl=$(dpkg-query -W -f='${Version}' musl-dev 2>/dev/null || echo unknown)"
	echo "gcc=$(dpkg-query -W -f='${Version}' gcc 2>/dev/null || echo unknown)"
} >"$OUT/BUILDINFO"
echo "$OUT/$EXE"
