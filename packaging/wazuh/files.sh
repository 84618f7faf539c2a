# shellcheck shell=bash
# shellcheck disable=SC2034 # PKG, EXE, SUMMARY and what manager_stage sets are for the builders
# The manager package's name and files, one list for build-deb.sh and
# build-rpm.sh alike, so that the .deb and the .rpm hold the same. Source
# it, then stage_manager_files STAGE SWEEP:
#   /usr/bin/win_ms_network_client_sign_if_server_agrees_sweep  the sweep
#   /usr/share/win-ms-network-client-sign-if-server-agrees-manager/
#       manager-setup.sh, win_ms_network_client_sign_rules.xml, ossec.conf,
#       api-user.sh, sweep-config.example.json, sweep-config.schema.json,
#       README.md
#   /usr/share/doc/win-ms-network-client-sign-if-server-agrees-manager/copyright
# or manager_stage OUTDIR, which does that in a temporary folder and more.
MANAGER_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MANAGER_ROOT=$(cd "$MANAGER_HERE/../.." && pwd)
PKG=win-ms-network-client-sign-if-server-agrees-manager
EXE=win_ms_network_client_sign_if_server_agrees_sweep
SUMMARY='Wazuh manager side of the SMB client signing active response'

# "MODE SOURCE DESTINATION": SOURCE relative to the repository, DESTINATION
# to the package's root.
MANAGER_FILES=(
	"0644 packaging/wazuh/win_ms_network_client_sign_rules.xml usr/share/$PKG/win_ms_network_client_sign_rules.xml"
	"0755 packaging/wazuh/manager-setup.sh usr/share/$PKG/manager-setup.sh"
	"0644 packaging/wazuh/ossec.conf usr/share/$PKG/ossec.conf"
	"0755 packaging/wazuh/api-user.sh usr/share/$PKG/api-user.sh"
	"0644 packaging/wazuh/sweep-config.example.json usr/share/$PKG/sweep-config.example.json"
	"0644 schemas/sweep-config.schema.json usr/share/$PKG/sweep-config.schema.json"
	"0644 packaging/wazuh/README.md usr/share/$PKG/README.md"
)

# manager_stage OUTDIR: what both builders start with. Sets VERSION and
# LICENSE (meson.build's, AR_VERSION first), EPOCH (SOURCE_DATE_EPOCH, else
# the last commit's time), OUT (OUTDIR, made, as an absolute path), STAGE
# (a folder removed on exit) and PKGROOT (in STAGE, the files staged).
manager_stage() {
	VERSION=${AR_VERSION:-$(sed -nE "s/^ *version: '([^']+)'.*/\1/p" "$MANAGER_ROOT/meson.build" | head -n 1)}
	LICENSE=$(sed -nE "s/^ *license: '([^']+)'.*/\1/p" "$MANAGER_ROOT/meson.build" | head -n 1)
	EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$MANAGER_ROOT" log -1 --format=%ct 2>/dev/null || echo 0)}
	mkdir -p "$1"
	OUT=$(cd "$1" && pwd)
	STAGE=$(mktemp -d)
	# shellcheck disable=SC2064 # the folder named now
	trap "rm -rf '$STAGE'" EXIT
	local sweep
	sweep=$(manager_sweep "$STAGE/sweep")
	PKGROOT=$STAGE/root
	stage_manager_files "$PKGROOT" "$sweep"
}

# The long description, one paragraph.
manager_description() {
	cat <<'TEXT'
The sweep finds the active Windows agents whose current SCA results show
CIS 2.3.8.2 (Microsoft network client: Digitally sign communications (if
server agrees)) failed, and dispatches the active response to them through
the Wazuh server API, at a rate the API allows. Also the rules and the
ossec.conf blocks that dispatch it for new failures, and example
configurations. The sweep is one static program: it needs no library.
TEXT
}

stage_manager_files() { # stage_manager_files STAGE SWEEP
	local stage=$1 sweep=$2 line mode src dst
	install -d -m 0755 "$stage" "$stage/usr/bin" "$stage/usr/share/$PKG" "$stage/usr/share/doc/$PKG"
	chmod 0755 "$stage"
	install -m 0755 "$sweep" "$stage/usr/bin/$EXE"
	strip --strip-unneeded "$stage/usr/bin/$EXE" 2>/dev/null || true
	for line in "${MANAGER_FILES[@]}"; do
		read -r mode src dst <<<"$line"
		install -D -m "$mode" "$MANAGER_ROOT/$src" "$stage/$dst"
	done
	cat >"$stage/usr/share/doc/$PKG/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: $PKG
License: $LICENSE
EOF
	chmod 0644 "$stage/usr/share/doc/$PKG/copyright"
}

# The sweep to package: AR_SWEEP, or the static one built now
# (build-static-sweep.sh) into DIR; one linked dynamically is refused, as
# the packages declare no library.
manager_sweep() { # manager_sweep DIR
	local sweep=${AR_SWEEP:-}
	[ -n "$sweep" ] || sweep=$("$MANAGER_HERE/build-static-sweep.sh" "$1" | tail -n 1)
	if readelf -lW "$sweep" | grep -q INTERP; then
		echo "$sweep is linked dynamically: the packages take the static sweep" \
			"(build-static-sweep.sh)" >&2
		return 1
	fi
	echo "$sweep"
}

# OUT/SHA256SUMS.manager lists the manager packages in OUT, each builder
# putting its own line in place of an older one.
manager_checksum() { # manager_checksum FILE
	local dir name sums
	dir=$(dirname "$1")
	name=$(basename "$1")
	sums=$dir/SHA256SUMS.manager
	{
		[ ! -f "$sums" ] || awk -v n="$name" '$2 != n && $2 != "*" n' "$sums"
		(cd "$dir" && sha256sum "$name")
	} | LC_ALL=C sort -k 2 >"$sums.tmp"
	mv "$sums.tmp" "$sums"
}
