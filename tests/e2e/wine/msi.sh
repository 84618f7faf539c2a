#!/usr/bin/env bash
# The MSI under Wine's msiexec: refused where no agent is installed; with a
# fake agent whose WazuhInstallDir (32-bit view) names a custom folder it
# installs the .exe into that folder's active-response\bin and nowhere else,
# registers for Add/Remove Programs with its publisher, is replaced by a
# newer version (MajorUpgrade), refuses an older one, and /x removes the
# .exe and leaves the agent's files. With the agent's service but no
# WazuhInstallDir it uses the default folder. With a real service named
# WazuhSvc (fake_service.c, registered with sc): running, the install and an
# upgrade stop and start it (so the agent's execd reads ar.conf again);
# stopped, it stays stopped; the uninstall leaves it alone.
# The MSI: AR_WIN_MSI, else built by package.sh (from AR_WIN_DIR, or
# AR_WIN_EXE's folder, or a new build).
# Run by run.sh in its prefix (AR_WINE_AGENT set), or alone.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
AGENT_KEY='HKLM\Software\Wazuh, Inc.\Wazuh Agent'
SVC_KEY='HKLM\System\CurrentControlSet\Services\WazuhSvc'
# What this changes in a prefix that goes on being used, put back.
put_back() {
	delete_agent_keys
	rm -rf "$(wine_path -u 'C:\Wazuh Custom')" "$(wine_path -u 'C:\ar-fake-agent')"
	if [ -f "$WORK/agent-copy.exe" ]; then
		mkdir -p "$(dirname "$DEFAULT_EXE")"
		cp "$WORK/agent-copy.exe" "$DEFAULT_EXE"
	fi
}
delete_agent_keys() { # reg's 1: the key was not there
	# Wine's sc answers 1 for no such service.
	wine_step --ok "0 1" "sc delete the agent's service" wine sc delete WazuhSvc
	wine_step --ok "0 1" "reg delete the agent's key (32-bit view)" \
		wine reg delete "$AGENT_KEY" /f /reg:32
	wine_step --ok "0 1" "reg delete the agent's service key" wine reg delete "$SVC_KEY" /f
}
# run.sh counts the lines of the checks.
# shellcheck source=tests/tap.sh
. "$HERE/../../tap.sh"
# Before agent.sh's cleanup, which removes WORK.
[ -z "${AR_WINE_AGENT:-}" ] || at_exit put_back
# shellcheck source=tests/e2e/wine/agent.sh
. "$HERE/agent.sh"
DEFAULT_EXE="$AGENT/active-response/bin/$NAME.exe"
"$ROOT/packaging/ensure-packages.sh" msitools wixl gcab

# Two versions of the package: the one under test and a newer one.
MSI=${AR_WIN_MSI:-}
if [ -z "$MSI" ]; then
	AR_PUBLISHER="Example Publisher" "$ROOT/packaging/windows/package.sh" "$WORK/v1" >/dev/null
	MSI=$(find "$WORK/v1" -name "$NAME-*.msi")
fi
property() { msiinfo export "$MSI" Property | tr -d '\r' | awk -F'\t' -v p="$1" '$1 == p { print $2 }'; }
VERSION=$(property ProductVersion)
PUBLISHER=$(property Manufacturer)
NEWER=${VERSION%.*}.$((${VERSION##*.} + 1))
AR_VERSION=$NEWER AR_PUBLISHER=$PUBLISHER "$ROOT/packaging/windows/package.sh" "$WORK/v2" >/dev/null
MSI2=$(find "$WORK/v2" -name "$NAME-*.msi")
# The .exe a 64-bit Windows gets, from the package itself.
msiinfo extract "$MSI" ar.cab >"$WORK/ar.cab"
gcab -x -C "$WORK" "$WORK/ar.cab" >/dev/null

UNINSTALL='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall'
CUSTOM='C:\Wazuh Custom\agent dir'
C=$(wine_path -u "$CUSTOM")
# (No folder from winepath: the failure is named above; nothing to go on with.)
[ -n "$C" ] || exit 1

# msiexec /i|/x MSI: quiet, sets RC (every status is an answer, checked).
# 82 is 1618 (ERROR_INSTALL_ALREADY_RUNNING) as an exit status: the
# install before this one is still finishing in the prefix, which is
# transient by its meaning; waited for and tried again.
msiexec() {
	wine_step --ok any --again 82 "msiexec $1 ${2##*/}" wine msiexec "$1" "$(wine_path -w "$2")" /qn
	RC=$WINE_RC
}
installed_anywhere() { # how many copies of the .exe the drive holds
	find "$WINEPREFIX/drive_c" -name "$NAME.exe" | wc -l
}
# Our Add/Remove Programs entries (32-bit view, the package being x86):
# "DisplayVersion Publisher" per entry.
arp() {
	wine_step --ok "0 1" "reg query the Add/Remove Programs entries" \
		wine reg query "$UNINSTALL" /s /reg:32
	tr -d '\r' <<<"$WINE_OUT" | awk '
		/^HKEY_/ { if (ours) print ver, pub; ours = 0; ver = pub = "" }
		$1 == "DisplayName" && /SMB client signing/ { ours = 1 }
		$1 == "DisplayVersion" { ver = $3 }
		$1 == "Publisher" { $1 = $2 = ""; sub(/^ +/, ""); pub = $0 }
		END { if (ours) print ver, pub }'
}

# The default agent folder's copy (run.sh's) is kept aside meanwhile.
cp "$DEFAULT_EXE" "$WORK/agent-copy.exe"
rm -f "$DEFAULT_EXE"
delete_agent_keys

msiexec /i "$MSI"
check "no agent on the machine: the MSI refuses (exit $RC)" \
	test "$RC" != 0 -a "$(installed_anywhere)" = 0 -a -z "$(arp)"

mkdir -p "$C/active-response/bin"
echo "agent's own" >"$C/active-response/bin/netsh.exe"
wine_step "reg add the agent's WazuhInstallDir (32-bit view)" \
	wine reg add "$AGENT_KEY" /v WazuhInstallDir /t REG_SZ /d "$CUSTOM\\" /reg:32 /f
msiexec /i "$MSI"
check "agent in a custom folder (WazuhInstallDir, 32-bit view): installed (exit $RC)" test "$RC" = 0
check "the .exe is in <custom folder>\\active-response\\bin" \
	cmp "$C/active-response/bin/$NAME.exe" "$WORK/ActiveResponseExe64File"
check "... the x86_64 one on 64-bit Windows, and nowhere else" test "$(installed_anywhere)" = 1
check "Add/Remove Programs: version $VERSION, publisher" test "$(arp)" = "$VERSION $PUBLISHER"

msiexec /i "$MSI2"
check "a newer version replaces it (MajorUpgrade, exit $RC)" \
	test "$RC:$(arp)" = "0:$NEWER $PUBLISHER"
check "... its .exe in place" test -f "$C/active-response/bin/$NAME.exe"
msiexec /i "$MSI"
check "an older version is refused" test "$RC" != 0 -a "$(arp)" = "$NEWER $PUBLISHER"

msiexec /x "$MSI2"
check "msiexec /x removes the .exe (exit $RC)" \
	test "$RC" = 0 -a ! -e "$C/active-response/bin/$NAME.exe" -a -z "$(arp)"
check "... and leaves the agent's files" test -f "$C/active-response/bin/netsh.exe"

wine_step --ok "0 1" "reg delete the agent's key (32-bit view)" \
	wine reg delete "$AGENT_KEY" /f /reg:32
wine_step "reg add the agent's service" wine reg add "$SVC_KEY" /v DisplayName /t REG_SZ /d "Wazuh" /f
msiexec /i "$MSI"
check "agent service but no WazuhInstallDir: the default folder (exit $RC)" \
	cmp "$DEFAULT_EXE" "$WORK/ActiveResponseExe64File"
msiexec /x "$MSI"
check "... removed again" test "$RC" = 0 -a ! -e "$DEFAULT_EXE"

# The agent's service, a real one: fake_service.exe appends "start PID" and
# "stop PID" to starts.log beside it.
SVC_DIR='C:\ar-fake-agent'
SD=$(wine_path -u "$SVC_DIR")
[ -n "$SD" ] || exit 1
mkdir -p "$SD"
x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -Werror -o "$SD/fake_service.exe" "$HERE/fake_service.c"
wine_step --ok "0 1" "reg delete the agent's service key" wine reg delete "$SVC_KEY" /f
wine_step "sc create WazuhSvc" wine sc create WazuhSvc binpath= "$SVC_DIR\\fake_service.exe" \
	displayname= Wazuh
# Debian's wineserver ends, and with it every service, as soon as the
# prefix's last program has: a program reading a pipe this script holds
# keeps the prefix up until the pipe closes.
exec {HOLD}> >(exec wine cmd >/dev/null 2>&1)
HOLDER=$!
# The pipe's end may have been inherited by a program Wine started since
# (explorer.exe /desktop, started by the first msiexec, keeps it): the
# holder is given 10 s to see it close, then ended.
hold_end() {
	local i
	[ -z "${HOLD:-}" ] || exec {HOLD}>&-
	HOLD=""
	for ((i = 0; i < 20; i++)); do
		kill -0 "$HOLDER" 2>/dev/null || break
		sleep 0.5
	done
	kill "$HOLDER" 2>/dev/null || true
	wait "$HOLDER" 2>/dev/null || true
}
at_exit hold_end
state() { # the service's state as sc query names it
	wine_step --ok any "sc query WazuhSvc" wine sc query WazuhSvc
	tr -d '\r' <<<"$WINE_OUT" | awk '$1 == "STATE" { print $4 }'
}
starts() { cat "$SD/starts.log" 2>/dev/null || true; }
# Lines added to starts.log since $1 (its line count then).
since() { starts | tail -n +"$(($1 + 1))" | awk '{ print $1 }' | tr '\n' ' '; }
pids_differ() { # the last stop and the last start name two processes
	local stopped started
	stopped=$(starts | awk '$1 == "stop" { p = $2 } END { print p }')
	started=$(starts | awk '$1 == "start" { p = $2 } END { print p }')
	[ -n "$stopped" ] && [ -n "$started" ] && [ "$stopped" != "$started" ]
}
wine_step "net start WazuhSvc" wine net start WazuhSvc
check "the agent's service runs (sc query: $(state))" test "$(state)" = RUNNING
n=$(starts | wc -l)
msiexec /i "$MSI"
check "agent running: the install stops and starts it (exit $RC; starts.log: $(since "$n"))" \
	test "$RC:$(since "$n")" = "0:stop start "
check "... a new process, and it runs (sc query: $(state))" \
	test "$(pids_differ && echo yes):$(state)" = yes:RUNNING
n=$(starts | wc -l)
msiexec /i "$MSI2"
check "an upgrade restarts it too (exit $RC; starts.log: $(since "$n"))" \
	test "$RC:$(since "$n"):$(state)" = "0:stop start :RUNNING"
n=$(starts | wc -l)
msiexec /x "$MSI2"
check "the uninstall leaves it alone (exit $RC; starts.log: $(since "$n"))" \
	test "$RC:$(since "$n"):$(state)" = "0::RUNNING"
wine_step "net stop WazuhSvc" wine net stop WazuhSvc
n=$(starts | wc -l)
msiexec /i "$MSI"
check "agent stopped: the install leaves it stopped (exit $RC; starts.log: $(since "$n"))" \
	test "$RC:$(since "$n"):$(state)" = "0::STOPPED"
msiexec /x "$MSI"
hold_end
rm -rf "$SD"

tap_summary
