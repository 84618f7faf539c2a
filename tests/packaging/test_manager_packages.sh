#!/usr/bin/env bash
# The manager side as it ships: the static sweep (build-static-sweep.sh) -
# no interpreter, no dynamic section, the same bytes from another build
# folder, a full dry run inside an empty chroot against the HTTPS stand-in
# of the API (tests/api/test_static_sweep.py) - and the .deb and .rpm that
# carry it (build-deb.sh, build-rpm.sh): the same files in both, no library
# among their dependencies, the same bytes when built twice, both listed in
# SHA256SUMS.manager, the .deb installed with dpkg --root and the .rpm with
# rpm --root into empty trees. The chroot and the installs need root.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PKG=win-ms-network-client-sign-if-server-agrees-manager
EXE=win_ms_network_client_sign_if_server_agrees_sweep
"$ROOT/packaging/ensure-packages.sh" musl-tools rpm dpkg-dev file binutils python3 \
	python3-jsonschema openssl
OUT=$(mktemp -d)
# shellcheck source=tests/tap.sh
. "$ROOT/tests/tap.sh"
at_exit "rm -rf '$OUT'"
CHECK_LOG=$OUT/checks.log

"$ROOT/packaging/wazuh/build-static-sweep.sh" "$OUT/static" >/dev/null
SWEEP=$OUT/static/$EXE

no_interpreter() { ! readelf -lW "$SWEEP" | grep -q 'INTERP'; }
no_dynamic_section() { readelf -dW "$SWEEP" | grep -q 'There is no dynamic section'; }
file_says_static() { file -b "$SWEEP" | grep -Eq '(statically linked|static-pie linked)'; }
runs() { "$SWEEP" --version | grep -q "^$EXE "; }
buildinfo_names_sources() {
	local p
	for p in cjson expat mbedtls curl; do grep -q "^$p=" "$OUT/static/BUILDINFO" || return 1; done
}
same_bytes_from_another_folder() {
	AR_STATIC_BUILD=$OUT/build-again "$ROOT/packaging/wazuh/build-static-sweep.sh" \
		"$OUT/static-again" >/dev/null
	cmp "$SWEEP" "$OUT/static-again/$EXE"
}
check "static sweep: no interpreter (readelf -l)" no_interpreter
check "static sweep: no dynamic section (readelf -d)" no_dynamic_section
check "static sweep: file says statically linked" file_says_static
check "static sweep: runs" runs
check "static sweep: BUILDINFO names the Debian sources linked in" buildinfo_names_sources
check "static sweep: the same bytes built in another folder" same_bytes_from_another_folder

# The packages, twice each, from the same sweep and time.
export AR_SWEEP=$SWEEP SOURCE_DATE_EPOCH=1700000000
DEB=$("$ROOT/packaging/wazuh/build-deb.sh" "$OUT/a")
RPM=$("$ROOT/packaging/wazuh/build-rpm.sh" "$OUT/a")
DEB2=$("$ROOT/packaging/wazuh/build-deb.sh" "$OUT/b")
RPM2=$("$ROOT/packaging/wazuh/build-rpm.sh" "$OUT/b")
check ".deb: the same bytes when built twice" cmp "$DEB" "$DEB2"
check ".rpm: the same bytes when built twice" cmp "$RPM" "$RPM2"

deb_depends_on_nothing() {
	[ -z "$(dpkg-deb -f "$DEB" Depends Pre-Depends)" ]
}
rpm_requires_no_library() {
	local req
	req=$(rpm -qp --requires "$RPM" 2>/dev/null)
	echo "$req"
	[ -n "$req" ] && ! grep -v '^rpmlib(' <<<"$req"
}
deb_root_open() { dpkg-deb -c "$DEB" | awk 'NR == 1' | grep -q '^drwxr-xr-x root/root .* \./$'; }
same_files() {
	diff <(dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $1, $6 }' | sort) \
		<(rpm -qlvp "$RPM" 2>/dev/null | awk '$1 !~ /^d/ { print $1, $9 }' | sort)
}
listed_in_sums() {
	(cd "$OUT/a" && sha256sum -c SHA256SUMS.manager) &&
		[ "$(wc -l <"$OUT/a/SHA256SUMS.manager")" -eq 2 ] &&
		grep -q " $(basename "$DEB")\$" "$OUT/a/SHA256SUMS.manager" &&
		grep -q " $(basename "$RPM")\$" "$OUT/a/SHA256SUMS.manager"
}
check ".deb: depends on nothing (dpkg-deb -f Depends)" deb_depends_on_nothing
check ".rpm: requires no shared library (rpm -qp --requires)" rpm_requires_no_library
check ".deb: root folder mode 0755" deb_root_open
check ".deb and .rpm: the same files with the same modes" same_files
check "SHA256SUMS.manager lists both, and they match" listed_in_sums

installed_here() { # installed_here TREE: the files, the sweep running from there
	[ -x "$1/usr/bin/$EXE" ] && [ -f "$1/usr/share/$PKG/sweep-config.example.json" ] &&
		[ -f "$1/usr/share/doc/$PKG/copyright" ] && "$1/usr/bin/$EXE" --version >/dev/null
}
if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: installs and chroot: need root"
else
	dpkg_into_empty_tree() {
		local t=$OUT/deb-root
		mkdir -p "$t/var/lib/dpkg/info" "$t/var/lib/dpkg/updates"
		: >"$t/var/lib/dpkg/status"
		dpkg --root="$t" -i "$DEB" && installed_here "$t" &&
			dpkg --root="$t" -s "$PKG" | grep -q '^Status: install ok installed'
	}
	rpm_into_empty_tree() {
		local t=$OUT/rpm-root
		mkdir -p "$t"
		rpm --root "$t" --initdb && rpm --root "$t" -i "$RPM" && installed_here "$t" &&
			rpm --root "$t" -q "$PKG"
	}
	check ".deb: installs with dpkg --root into an empty tree" dpkg_into_empty_tree
	check ".rpm: installs with rpm --root into an empty tree, no --nodeps" rpm_into_empty_tree
	# The chroot suite, its tests counted here one by one.
	ran=0
	while IFS= read -r line; do
		case $line in
		*" ... ok") ok "chroot: ${line%% *}" ;;
		*" ... FAIL" | *" ... ERROR") not_ok "chroot: ${line%% *}" ;;
		*" ... skipped"*) not_ok "chroot: ${line%% *} skipped as root" ;;
		*)
			echo "# $line"
			continue
			;;
		esac
		ran=$((ran + 1))
	done < <(cd "$ROOT/tests/api" && { AR_STATIC_SWEEP=$SWEEP python3 test_static_sweep.py 2>&1 || true; })
	[ "$ran" -eq 6 ] || not_ok "chroot: test_static_sweep.py ran $ran of its 6 tests"
fi
tap_summary
