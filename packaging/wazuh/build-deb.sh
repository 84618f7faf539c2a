#!/usr/bin/env bash
# Builds the manager's .deb with dpkg-deb:
#   packaging/wazuh/build-deb.sh OUTDIR
# -> OUTDIR/win-ms-network-client-sign-if-server-agrees-manager_VERSION_ARCH.deb
#    holding the files files.sh lists (the same as the .rpm's), and its line
#    in OUTDIR/SHA256SUMS.manager.
# The sweep inside is the static one (build-static-sweep.sh): the package
# depends on nothing, so it installs on any Debian or Ubuntu a Wazuh
# manager runs on. Nothing of Wazuh's is changed on install: a person runs
# manager-setup.sh (which puts the rules and the ossec.conf block in and
# checks them with wazuh-analysisd -t) on every node, then restarts the
# manager.
# Environment: AR_SWEEP, a static sweep to package (default: build one);
# AR_VERSION, the version (default: meson.build's); SOURCE_DATE_EPOCH
# (default: the last commit's time), the time every file carries, so the
# same sweep gives the same .deb.
set -euo pipefail

OUT=${1:?usage: build-deb.sh OUTDIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=packaging/wazuh/files.sh
. "$HERE/files.sh"
ARCH=$(dpkg --print-architecture)
manager_stage "$OUT"
install -d -m 0755 "$PKGROOT/DEBIAN"

SIZE=$(du -sk --exclude=DEBIAN "$PKGROOT" | cut -f1)
{
	cat <<EOF
Package: $PKG
Version: $VERSION
Architecture: $ARCH
Maintainer: $PKG maintainers <root@localhost>
Installed-Size: $SIZE
Section: admin
Priority: optional
Description: $SUMMARY
EOF
	manager_description | sed 's/^/ /'
} >"$PKGROOT/DEBIAN/control"
chmod 0644 "$PKGROOT/DEBIAN/control"
(cd "$PKGROOT" && find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum) >"$PKGROOT/DEBIAN/md5sums"
chmod 0644 "$PKGROOT/DEBIAN/md5sums"
find "$PKGROOT" -exec touch -h -d "@$EPOCH" {} +

DEB=$OUT/${PKG}_${VERSION}_${ARCH}.deb
SOURCE_DATE_EPOCH=$EPOCH dpkg-deb --root-owner-group -Zxz --build "$PKGROOT" "$DEB" >/dev/null
manager_checksum "$DEB"
echo "$DEB"
