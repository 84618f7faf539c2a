#!/usr/bin/env bash
# Builds the Windows packages in one command:
#   packaging/windows/package.sh OUTDIR [sign.sh options]
# -> OUTDIR/win_ms_network_client_sign_if_server_agrees-VERSION-windows.zip
#    (the x86_64 .exe, i686/ the 32-bit one, the manager-side Wazuh files,
#    INSTALL.txt; fixed times and order: the same .exes give the same zip)
# -> OUTDIR/win_ms_network_client_sign_if_server_agrees-VERSION.msi
#    (an x86 package, as the agent's: installs the .exe for the machine's
#    Windows into the agent's active-response\bin; built by wixl)
# -> OUTDIR/win_ms_network_client_sign_if_server_agrees-VERSION.spdx.json
#    (SPDX SBOM: the Debian source versions of cJSON and curl linked in)
# -> OUTDIR/SHA256SUMS
# With sign.sh options (--cert/--key or --pkcs12, --pass-file, --timestamp)
# the .exes are signed before they are packed and the MSI after it is built.
# Environment: AR_WIN_DIR, a build.sh output folder to package (default:
# build one in OUTDIR/bin; AR_WIN_EXE, its x86_64 .exe, names it too);
# AR_PUBLISHER and AR_PUBLISHER_URL, the publisher shown by Add/Remove
# Programs; AR_VERSION, the version (default: meson.build's).
set -euo pipefail

OUT=${1:?usage: package.sh OUTDIR [sign.sh options]}
shift
SIGN=("$@")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
NAME=win_ms_network_client_sign_if_server_agrees
VERSION=${AR_VERSION:-$(sed -nE "s/^ *version: '([^']+)'.*/\1/p" "$ROOT/meson.build" | head -n 1)}
LICENSE=$(sed -nE "s/^ *license: '([^']+)'.*/\1/p" "$ROOT/meson.build" | head -n 1)
PUBLISHER=${AR_PUBLISHER:-$NAME}

"$ROOT/packaging/ensure-packages.sh" msitools wixl zip python3

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WIN=${AR_WIN_DIR:-}
if [ -z "$WIN" ] && [ -n "${AR_WIN_EXE:-}" ]; then
	WIN=$(dirname "$AR_WIN_EXE")
fi
if [ -z "$WIN" ]; then
	"$HERE/build.sh" "$OUT/bin" >/dev/null
	WIN=$OUT/bin
fi
for f in "$WIN/$NAME.exe" "$WIN/i686/$NAME.exe" "$WIN/BUILDINFO"; do
	[ -f "$f" ] || { echo "package.sh: $f is missing (run build.sh first)" >&2; exit 1; }
done
SOURCE_DATE_EPOCH=$(sed -n 's/^source_date_epoch=//p' "$WIN/BUILDINFO")
export SOURCE_DATE_EPOCH

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
D=$NAME-$VERSION
mkdir -p "$STAGE/$D/i686"
cp "$WIN/$NAME.exe" "$STAGE/$D/$NAME.exe"
cp "$WIN/i686/$NAME.exe" "$STAGE/$D/i686/$NAME.exe"
cp "$HERE/INSTALL.txt" "$STAGE/$D/"
if [ -d "$ROOT/packaging/wazuh" ]; then
	cp -r "$ROOT/packaging/wazuh" "$STAGE/$D/wazuh"
fi
if [ "${#SIGN[@]}" -gt 0 ]; then
	"$HERE/sign.sh" "${SIGN[@]}" "$STAGE/$D/$NAME.exe" "$STAGE/$D/i686/$NAME.exe" >/dev/null
fi

# The zip records names, times and modes only: all fixed here, in one order.
find "$STAGE/$D" -type d -exec chmod 0755 {} +
find "$STAGE/$D" -type f -exec chmod 0644 {} +
chmod 0755 "$STAGE/$D/$NAME.exe" "$STAGE/$D/i686/$NAME.exe"
[ ! -d "$STAGE/$D/wazuh" ] || chmod 0755 "$STAGE/$D/wazuh/"*.sh
# A zip keeps times to 2 s and rounds an odd second up: an even one is kept as is.
find "$STAGE/$D" -exec touch -h -d "@$((SOURCE_DATE_EPOCH - SOURCE_DATE_EPOCH % 2))" {} +
ZIP=$OUT/$D-windows.zip
rm -f "$ZIP"
(cd "$STAGE" && find "$D" | LC_ALL=C sort | TZ=UTC zip -qX -@ "$ZIP")

# wixl resolves Source= relative to the .wxs: build from the staging folder.
MSI=$OUT/$D.msi
cp "$HERE/$NAME.wxs" "$STAGE/"
defines=(-D Version="$VERSION" -D Publisher="$PUBLISHER" -D Exe64="$D/$NAME.exe"
	-D Exe32="$D/i686/$NAME.exe")
[ -z "${AR_PUBLISHER_URL:-}" ] || defines+=(-D Url="$AR_PUBLISHER_URL")
rm -f "$MSI"
(cd "$STAGE" && wixl -a x86 "${defines[@]}" -o "$MSI" "$NAME.wxs")
# wixl has no <Condition> under <Component>: one .exe per Windows
# architecture is chosen by the Component table's Condition column,
# written here.
msibuild "$MSI" \
	-q "UPDATE \`Component\` SET \`Condition\` = 'VersionNT64' WHERE \`Component\` = 'ActiveResponseExe64'" \
	-q "UPDATE \`Component\` SET \`Condition\` = 'NOT VersionNT64' WHERE \`Component\` = 'ActiveResponseExe32'"
if [ "${#SIGN[@]}" -gt 0 ]; then
	"$HERE/sign.sh" "${SIGN[@]}" "$MSI" >/dev/null
fi

SBOM=$OUT/$D.spdx.json
(cd "$STAGE" && /usr/bin/python3 "$HERE/sbom.py" "$NAME" "$VERSION" "$LICENSE" "$WIN/BUILDINFO" \
	"$SBOM" "$D/$NAME.exe" "$D/i686/$NAME.exe")

(cd "$OUT" && sha256sum "$(basename "$ZIP")" "$(basename "$MSI")" "$(basename "$SBOM")" >SHA256SUMS)
echo "$ZIP"
echo "$MSI"
echo "$SBOM"
echo "$OUT/SHA256SUMS"
