#!/usr/bin/env bash
# Builds the manager's .rpm with rpmbuild (Debian's rpm package):
#   packaging/wazuh/build-rpm.sh OUTDIR
# -> OUTDIR/win-ms-network-client-sign-if-server-agrees-manager-VERSION-1.x86_64.rpm
#    holding the files files.sh lists (the same as the .deb's), and its line
#    in OUTDIR/SHA256SUMS.manager.
# The sweep inside is the static one (build-static-sweep.sh): the package
# requires nothing, so it installs on RHEL/CentOS/Rocky/Alma 7 to 9 and
# Amazon Linux alike. Nothing of Wazuh's is changed on install (README.md
# says what a person copies in).
# Environment: AR_SWEEP, a static sweep to package (default: build one);
# AR_VERSION, the version (default: meson.build's); SOURCE_DATE_EPOCH
# (default: the last commit's time), the build time and the files' times
# both, so the same sweep gives the same .rpm.
set -euo pipefail

OUT=${1:?usage: build-rpm.sh OUTDIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=packaging/wazuh/files.sh
. "$HERE/files.sh"
"$ROOT/packaging/ensure-packages.sh" rpm
ARCH=x86_64
manager_stage "$OUT"
find "$PKGROOT" -exec touch -h -d "@$EPOCH" {} +

# The spec: the staged tree copied as it is, its two folders owned, every
# file with its staged mode; no requirement found by rpm's generators (a
# script's interpreter is the manager's own), no debug package, no strip.
SPEC=$STAGE/$PKG.spec
{
	cat <<EOF
Name: $PKG
Version: $VERSION
Release: 1
Summary: $SUMMARY
License: $LICENSE
BuildArch: $ARCH
AutoReqProv: no

%description
EOF
	manager_description
	cat <<EOF

%install
cp -a "$PKGROOT/." "%{buildroot}/"

%files
%defattr(-,root,root,-)
%dir /usr/share/$PKG
%dir /usr/share/doc/$PKG
EOF
	(cd "$PKGROOT" && find . -type f | LC_ALL=C sort | sed 's|^\.||')
} >"$SPEC"

SOURCE_DATE_EPOCH=$EPOCH rpmbuild -bb --quiet --target "$ARCH" \
	--define "_topdir $STAGE/rpmbuild" \
	--define "_rpmdir $STAGE/rpms" \
	--define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
	--define "_buildhost localhost" \
	--define "use_source_date_epoch_as_buildtime 1" \
	--define "clamp_mtime_to_source_date_epoch 1" \
	--define "source_date_epoch_from_changelog 0" \
	--define "debug_package %{nil}" \
	--define "__os_install_post %{nil}" \
	--define "_build_id_links none" \
	--define "_binary_payload w9.gzdio" \
	"$SPEC" >"$STAGE/rpmbuild.log" 2>&1 || {
	tail -n 40 "$STAGE/rpmbuild.log" >&2
	exit 1
}
RPM=$OUT/$PKG-$VERSION-1.$ARCH.rpm
cp "$STAGE/rpms/$PKG-$VERSION-1.$ARCH.rpm" "$RPM"
manager_checksum "$RPM"
echo "$RPM"
