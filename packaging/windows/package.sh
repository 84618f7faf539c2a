#!/usr/bin/env bash
# Builds the Windows packages in one command:
#   packaging/windows/package.sh OUTDIR
# -> OUTDIR/win_ms_network_client_sign_if_server_agrees-VERSION-win64.zip
#    (the .exe, the manager-side Wazuh files, INSTALL.txt)
# -> OUTDIR/win_ms_network_client_sign_if_server_agrees-VERSION.msi
#    (installs the .exe into the agent's active-response\bin; built by wixl)
set -euo pipefail

OUT=${1:?usage: package.sh OUTDIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
NAME=win_ms_network_client_sign_if_server_agrees
VERSION=$(sed -nE "s/^ *version: '([^']+)'.*/\1/p" "$ROOT/meson.build" | head -n 1)

"$ROOT/packaging/ensure-packages.sh" msitools wixl zip

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
EXE=${AR_WIN_EXE:-}
if [ -z "$EXE" ]; then
	"$HERE/build.sh" "$OUT/bin" >/dev/null
	EXE=$OUT/bin/$NAME.exe
fi

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/$NAME-$VERSION"
cp "$EXE" "$STAGE/$NAME-$VERSION/$NAME.exe"
cp "$HERE/INSTALL.txt" "$STAGE/$NAME-$VERSION/"
if [ -d "$ROOT/packaging/wazuh" ]; then
	cp -r "$ROOT/packaging/wazuh" "$STAGE/$NAME-$VERSION/wazuh"
fi
rm -f "$OUT/$NAME-$VERSION-win64.zip"
(cd "$STAGE" && zip -qr "$OUT/$NAME-$VERSION-win64.zip" "$NAME-$VERSION")

# wixl resolves Source= relative to the .wxs: build from the staging folder.
cp "$HERE/$NAME.wxs" "$STAGE/"
(cd "$STAGE" && wixl -a x86 -D Version="$VERSION" -D ExePath="$NAME-$VERSION/$NAME.exe" \
	-o "$OUT/$NAME-$VERSION.msi" "$NAME.wxs")
echo "$OUT/$NAME-$VERSION-win64.zip"
echo "$OUT/$NAME-$VERSION.msi"
