#!/usr/bin/env bash
# The zip, the MSI, the SBOM and SHA256SUMS that packaging/windows/package.sh
# makes: what they hold, and what the MSI does, read back from its tables
# with msiinfo (where it installs, for which Windows, how it finds the agent
# and replaces an older version) and its files with msiextract.
# Uses AR_WIN_DIR (or AR_WIN_EXE's folder), else builds with build.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NAME=win_ms_network_client_sign_if_server_agrees
"$ROOT/packaging/ensure-packages.sh" msitools gcab unzip python3
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# shellcheck source=tests/tap.sh
. "$ROOT/tests/tap.sh"

AR_PUBLISHER="Example Publisher" AR_PUBLISHER_URL="https://publisher.example/ar" \
	"$ROOT/packaging/windows/package.sh" "$OUT" >/dev/null 2>"$OUT/stderr" || {
	not_ok "packaging/windows/package.sh $OUT"
	sed 's/^/# /' "$OUT/stderr"
	tap_summary || exit 1
}
ZIP=$(find "$OUT" -maxdepth 1 -name "$NAME-*-windows.zip")
MSI=$(find "$OUT" -maxdepth 1 -name "$NAME-*.msi")
SBOM=$(find "$OUT" -maxdepth 1 -name "$NAME-*.spdx.json")
WIN=${AR_WIN_DIR:-}
if [ -z "$WIN" ] && [ -n "${AR_WIN_EXE:-}" ]; then WIN=$(dirname "$AR_WIN_EXE"); fi
WIN=${WIN:-$OUT/bin}
EXE=$WIN/$NAME.exe
EXE32=$WIN/i686/$NAME.exe

CHECK_LOG=$OUT/checks.log
in_zip() {
	local list
	list=$(unzip -Z1 "$ZIP")
	grep -qx "$1" <<<"$list"
}
row() { # row TABLE PATTERN: a tab-separated row of an MSI table matches
	local rows
	rows=$(msiinfo export "$MSI" "$1" | tr -d '\r')
	grep -qE "$2" <<<"$rows"
}
rows() { # rows TABLE PATTERN: how many rows match
	msiinfo export "$MSI" "$1" | tr -d '\r' | tail -n +4 | grep -cE "$2" || true
}
zip_times_fixed() { # every entry has the commit's time (to 2 s, as zip keeps it; UTC here)
	local epoch times
	epoch=$(sed -n 's/^source_date_epoch=//p' "$WIN/BUILDINFO")
	times=$(TZ=UTC zipinfo -T "$ZIP" | awk 'NF > 6 && $1 ~ /^[-d]/ { print $7 }' | sort -u)
	[ -n "$epoch" ] && [ "$(wc -l <<<"$times")" = 1 ] &&
		[ "$times" = "$(TZ=UTC date -d "@$((epoch - epoch % 2))" +%Y%m%d.%H%M%S)" ]
}
sbom() { # sbom PYTHON-EXPRESSION: true when it holds for the SBOM d
	/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
		"$SBOM" "$1"
}
buildinfo() { sed -n "s/^$1=//p" "$WIN/BUILDINFO"; }

V=$(basename "$ZIP" -windows.zip)
check "zip holds the x86_64 .exe" in_zip "$V/$NAME.exe"
check "zip holds the i686 .exe" in_zip "$V/i686/$NAME.exe"
check "zip holds INSTALL.txt" in_zip "$V/INSTALL.txt"
if [ -d "$ROOT/packaging/wazuh" ]; then
	check "zip holds the manager rules" in_zip "$V/wazuh/win_ms_network_client_sign_rules.xml"
	check "zip holds manager-setup.sh" in_zip "$V/wazuh/manager-setup.sh"
fi
check "zip's .exe is the build's" cmp <(unzip -p "$ZIP" "$V/$NAME.exe") "$EXE"
check "zip's i686 .exe is the build's" cmp <(unzip -p "$ZIP" "$V/i686/$NAME.exe") "$EXE32"
check "zip entries carry the commit's time, not the build's" zip_times_fixed

check "MSI is for x86 (the agent's 32-bit folder)" row _SummaryInformation "Intel"
check "MSI File table lists the .exe twice, one per Windows" \
	test "$(rows File "^ActiveResponseExe(64|32)File	ActiveResponseExe(64|32)	$NAME\.exe	")" = 2
check "x86_64 .exe where VersionNT64" row Component "^ActiveResponseExe64	\{[0-9A-F-]+\}	ARBIN	[0-9]+	VersionNT64	"
check "i686 .exe otherwise" row Component "^ActiveResponseExe32	\{[0-9A-F-]+\}	ARBIN	[0-9]+	NOT VersionNT64	"
# 3186: an EXE named by a property (50), its status ignored (64), deferred
# (1024), as the system (2048); the Wine suite (msi.sh) sees it act.
check "MSI restarts the agent service when it runs, after the files, never failing" \
	row CustomAction "^RestartAgent	3186	AGENTRESTARTCMD	/c sc query WazuhSvc \| find \"RUNNING\" >nul & if not errorlevel 1 \(net stop WazuhSvc & net start WazuhSvc\)	"
check "... not on an uninstall, before InstallFinalize" \
	row InstallExecuteSequence '^RestartAgent	NOT \(REMOVE~="ALL"\)	6550$'
check "... with the system's cmd.exe" row CustomAction "^AgentRestartCmd	51	AGENTRESTARTCMD	\[%ComSpec\]	"
check "ARBIN is bin under active-response" row Directory "^ARBIN	ACTIVERESPONSE	bin$"
check "active-response is under the agent folder" row Directory "^ACTIVERESPONSE	AGENTDIR	active-response$"
check "the agent folder defaults to Program Files (x86)\\ossec-agent" \
	row Directory "^AGENTDIR	ProgramFilesFolder	ossec-agent$"
check "AppSearch looks the agent folder up" row AppSearch "^WAZUHINSTALLDIR	WazuhInstallDir$"
check "RegLocator: HKLM\\Software\\Wazuh, Inc.\\Wazuh Agent WazuhInstallDir, 32-bit view" \
	row RegLocator '^WazuhInstallDir	2	Software\\Wazuh, Inc\.\\Wazuh Agent	WazuhInstallDir	2$'
check "AppSearch also finds the agent's service" row RegLocator '^WazuhSvc	2	System\\CurrentControlSet\\Services\\WazuhSvc	DisplayName	2$'
check "the found folder becomes the agent folder before costing" \
	row CustomAction "^AgentDirFromRegistry	51	AGENTDIR	\[WAZUHINSTALLDIR\]"
seq() { # seq TABLE ACTION: an action's sequence number
	msiinfo export "$MSI" "$1" | tr -d '\r' | awk -F'\t' -v a="$2" '$1 == a { print $3 }'
}
between() { # between TABLE ACTION BEFORE AFTER: ACTION runs after BEFORE and before AFTER
	local s b a
	s=$(seq "$1" "$2") b=$(seq "$1" "$3") a=$(seq "$1" "$4")
	[ -n "$s" ] && [ -n "$b" ] && [ -n "$a" ] && [ "$b" -lt "$s" ] && [ "$s" -lt "$a" ]
}
check "... after AppSearch, before CostInitialize, when found" \
	between InstallExecuteSequence AgentDirFromRegistry AppSearch CostInitialize
check "... in the UI sequence too" between InstallUISequence AgentDirFromRegistry AppSearch CostInitialize
check "... only when found" row InstallExecuteSequence "^AgentDirFromRegistry	WAZUHINSTALLDIR	"
check "LaunchCondition refuses a machine without the agent" \
	row LaunchCondition "^Installed OR WAZUHINSTALLDIR OR WAZUHSVC OR OSSECSVC	The Wazuh agent is not installed"
check "LaunchCondition refuses a downgrade" row LaunchCondition "^NOT WIX_DOWNGRADE_DETECTED	"
UC=$(msiinfo export "$MSI" Property | tr -d '\r' | awk -F'\t' '$1 == "UpgradeCode" { print $2 }')
check "UpgradeCode is the stable one" test "$UC" = "{6C1D2B8E-4E8A-4F7B-9A61-2B8C1E3A7D41}"
check "Upgrade: older versions of this UpgradeCode are removed" \
	row Upgrade "^\\{6C1D2B8E-4E8A-4F7B-9A61-2B8C1E3A7D41\\}		[0-9.]+		1		WIX_UPGRADE_DETECTED$"
check "RemoveExistingProducts is sequenced" row InstallExecuteSequence "^RemoveExistingProducts	"
check "Add/Remove Programs: publisher" row Property "^Manufacturer	Example Publisher$"
check "Add/Remove Programs: link" row Property "^ARPURLINFOABOUT	https://publisher.example/ar$"
# Both .exes have one name: msiextract would keep one. The cabinet holds
# them under their File keys.
mkdir -p "$OUT/x"
if msiinfo extract "$MSI" ar.cab >"$OUT/ar.cab"; then
	gcab -x -C "$OUT/x" "$OUT/ar.cab" >/dev/null 2>&1 || true
fi
check "MSI carries the build's x86_64 .exe (for VersionNT64)" cmp "$OUT/x/ActiveResponseExe64File" "$EXE"
check "MSI carries the build's i686 .exe" cmp "$OUT/x/ActiveResponseExe32File" "$EXE32"

check "SHA256SUMS verifies the zip, the MSI and the SBOM" \
	bash -c "cd '$OUT' && sha256sum -c --strict SHA256SUMS && test \$(wc -l <SHA256SUMS) = 3"
check "SBOM is SPDX 2.3 JSON" sbom 'd["spdxVersion"] == "SPDX-2.3" and d["SPDXID"] == "SPDXRef-DOCUMENT"'
check "SBOM names cJSON at its exact Debian source version" \
	sbom "any(p['name'] == 'cjson' and p['versionInfo'] == '$(buildinfo cjson)' for p in d['packages'])"
check "SBOM names curl at its exact Debian source version" \
	sbom "any(p['name'] == 'curl' and p['versionInfo'] == '$(buildinfo curl)' for p in d['packages'])"
check "SBOM: each .exe statically links cJSON and curl" \
	sbom "all(any(r == {'spdxElementId': f['SPDXID'], 'relationshipType': 'STATIC_LINK', 'relatedSpdxElement': 'SPDXRef-Package-' + n} for r in d['relationships'])
	          for f in d['files'] for n in ('cjson', 'curl')) and len(d['files']) == 2"
check "SBOM: the .exes' SHA-256 are the build's" \
	sbom "sorted(c['checksumValue'] for f in d['files'] for c in f['checksums'] if c['algorithm'] == 'SHA256') == sorted(['$(sha256sum "$EXE" | cut -d' ' -f1)', '$(sha256sum "$EXE32" | cut -d' ' -f1)'])"

tap_summary
