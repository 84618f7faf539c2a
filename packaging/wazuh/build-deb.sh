#!/usr/bin/env bash
# Builds the manager's .deb with dpkg-deb:
#   packaging/wazuh/build-deb.sh OUTDIR
# -> OUTDIR/win-ms-network-client-sign-if-server-agrees-manager_VERSION_ARCH.deb
#    /usr/bin/win_ms_network_client_sign_if_server_agrees_sweep  the sweep
#    /usr/share/win-ms-network-client-sign-if-server-agrees-manager/
#        manager-setup.sh, win_ms_network_client_sign_rules.xml, ossec.conf,
#        api-user.sh, sweep-config.example.json, sweep-config.schema.json,
#        README.md
#    /usr/share/doc/win-ms-network-client-sign-if-server-agrees-manager/copyright
# Nothing of Wazuh's is changed on install: a person runs manager-setup.sh
# (which puts the rules and the ossec.conf block in and checks them with
# wazuh-analysisd -t) on every node, then restarts the manager.
# Environment: AR_SWEEP, a built sweep to package (default: build one in
# build/); AR_VERSION, the version (default: meson.build's). Files carry
# the time of the last commit, so the same sweep gives the same .deb.
set -euo pipefail

OUT=${1:?usage: build-deb.sh OUTDIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PKG=win-ms-network-client-sign-if-server-agrees-manager
EXE=win_ms_network_client_sign_if_server_agrees_sweep
VERSION=${AR_VERSION:-$(sed -nE "s/^ *version: '([^']+)'.*/\1/p" "$ROOT/meson.build" | head -n 1)}
LICENSE=$(sed -nE "s/^ *license: '([^']+)'.*/\1/p" "$ROOT/meson.build" | head -n 1)
ARCH=$(dpkg --print-architecture)
SWEEP=${AR_SWEEP:-}
if [ -z "$SWEEP" ]; then
	[ -f "$ROOT/build/build.ninja" ] || meson setup "$ROOT/build" "$ROOT" >/dev/null
	meson compile -C "$ROOT/build" >/dev/null
	SWEEP=$ROOT/build/sweep/$EXE
fi
EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)}

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
SHARE=$STAGE/usr/share/$PKG
DOC=$STAGE/usr/share/doc/$PKG
install -d -m 0755 "$STAGE/DEBIAN" "$STAGE/usr/bin" "$SHARE" "$DOC"
install -m 0755 "$SWEEP" "$STAGE/usr/bin/$EXE"
strip --strip-unneeded "$STAGE/usr/bin/$EXE" 2>/dev/null || true
for f in win_ms_network_client_sign_rules.xml ossec.conf sweep-config.example.json README.md; do
	install -m 0644 "$HERE/$f" "$SHARE/$f"
done
install -m 0755 "$HERE/api-user.sh" "$SHARE/api-user.sh"
install -m 0755 "$HERE/manager-setup.sh" "$SHARE/manager-setup.sh"
install -m 0644 "$ROOT/schemas/sweep-config.schema.json" "$SHARE/sweep-config.schema.json"
cat >"$DOC/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: $PKG
License: $LICENSE
EOF
chmod 0644 "$DOC/copyright"

SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
cat >"$STAGE/DEBIAN/control" <<EOF
Package: $PKG
Version: $VERSION
Architecture: $ARCH
Maintainer: $PKG maintainers <root@localhost>
Installed-Size: $SIZE
Depends: libc6 (>= 2.34), libcjson1 (>= 1.7.10), libcurl4 (>= 7.85.0), libexpat1 (>= 2.5.0)
Section: admin
Priority: optional
Description: Wazuh manager side of the SMB client signing active response
 The sweep finds the active Windows agents whose current SCA results show
 CIS 2.3.8.2 (Microsoft network client: Digitally sign communications (if
 server agrees)) failed, and dispatches the active response to them through
 the Wazuh server API, at a rate the API allows. Also the rules and the
 ossec.conf blocks that dispatch it for new failures, and example
 configurations.
EOF
chmod 0644 "$STAGE/DEBIAN/control"
(cd "$STAGE" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$STAGE/DEBIAN/md5sums"
chmod 0644 "$STAGE/DEBIAN/md5sums"
find "$STAGE" -exec touch -h -d "@$EPOCH" {} +

DEB=$OUT/${PKG}_${VERSION}_${ARCH}.deb
SOURCE_DATE_EPOCH=$EPOCH dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
echo "$DEB"
