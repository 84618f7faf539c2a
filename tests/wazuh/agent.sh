#!/usr/bin/env bash
# The real Wazuh Windows agent for the tests: the one given to them
# (WAZUH_WINAGENT), as Wazuh ships it, run under 32-bit Wine in a prefix of
# their own. What is given is only read.
#   tests/wazuh/agent.sh given
#       prints WAZUH_WINAGENT, checked: the agent's MSI
#       (wazuh-agent-4.x.y-1.msi) or an installed agent folder (the
#       contents of C:\Program Files (x86)\ossec-agent: wazuh-agent.exe,
#       ossec.conf, ruleset\sca); exits 3 when none is given, 1 when it is
#       neither
#   tests/wazuh/agent.sh install AGENT PREFIX EXE KEYLINE
#       a new 32-bit Wine prefix in PREFIX holding AGENT (the MSI, installed
#       by msiexec, its service left to be started by hand; or the folder,
#       copied) in C:\Program Files (x86)\ossec-agent, EXE (our i686 .exe)
#       in its active-response\bin, KEYLINE ("ID NAME IP KEY") as its
#       client.keys, its ossec.conf pointing at AR_AGENT_SERVER (default
#       127.0.0.1) port AR_AGENT_PORT (default AR_WAZUH_PORT, else 1514),
#       scanning the policy AR_AGENT_POLICY (default
#       cis_win11_enterprise.yml) at start and every AR_AGENT_SCA_INTERVAL
#       (default 60s).
#   tests/wazuh/agent.sh start PREFIX      the agent, in the background
#   tests/wazuh/agent.sh stop PREFIX       every process of the prefix
#   tests/wazuh/agent.sh folder PREFIX     the agent folder, a Unix path
set -euo pipefail

die() {
	echo "agent.sh: $*" >&2
	exit 1
}

# The given agent, checked. Exit status 3 when none is given.
cmd_given() {
	local agent=${WAZUH_WINAGENT:-}
	if [ -z "$agent" ]; then
		echo "agent.sh: no WAZUH_WINAGENT given" >&2
		exit 3
	fi
	[ -e "$agent" ] || die "WAZUH_WINAGENT=$agent: no such file or folder"
	agent=$(realpath "$agent")
	if [ -f "$agent" ]; then
		case ${agent,,} in *.msi) ;; *) die "WAZUH_WINAGENT=$agent: not an .msi file" ;; esac
		# A Windows Installer database is an OLE compound file.
		[ "$(head -c 8 "$agent" | od -An -tx1 | tr -d ' \n')" = d0cf11e0a1b11ae1 ] ||
			die "WAZUH_WINAGENT=$agent: not a Windows Installer file"
	elif [ -d "$agent" ]; then
		local f
		for f in wazuh-agent.exe ossec.conf ruleset/sca; do
			[ -e "$agent/$f" ] || die "WAZUH_WINAGENT=$agent is not an installed agent folder: no $f"
		done
	else
		die "WAZUH_WINAGENT=$agent: neither an MSI nor a folder"
	fi
	echo "$agent"
}

AGENT_DIR='C:\Program Files (x86)\ossec-agent'

wine_env() { # wine_env PREFIX COMMAND...: COMMAND with the prefix's Wine
	local prefix=$1
	shift
	WINEPREFIX=$prefix WINEARCH=win32 WINEDEBUG=${WINEDEBUG:--all} "$@"
}

agent_folder() { # agent_folder PREFIX
	echo "$1/drive_c/Program Files (x86)/ossec-agent"
}

# The prefix as a Windows 10/11 Enterprise host, whose ProductName really
# reads "Windows 10 Enterprise" (Windows 11 kept it): what the stock
# Windows 10 and 11 policies require before they scan. Wine's own names
# ("Microsoft Windows 7", "Microsoft Windows 10") satisfy no policy.
make_prefix() { # make_prefix PREFIX
	local prefix=$1
	[ ! -e "$prefix" ] || die "$prefix exists: give a new folder"
	mkdir -p "$prefix"
	wine_env "$prefix" timeout 120 wineboot -i >/dev/null 2>&1 || die "wineboot -i failed or took over 120 s in $prefix"
	wine_env "$prefix" timeout 60 winecfg -v win10 >/dev/null 2>&1 || die "winecfg -v win10 failed in $prefix"
	wine_env "$prefix" timeout 60 wine reg add 'HKLM\Software\Microsoft\Windows NT\CurrentVersion' \
		/v ProductName /t REG_SZ /d 'Windows 10 Enterprise' /f >/dev/null 2>&1 ||
		die "could not set ProductName in $prefix"
}

# The MSI installed into the prefix by Wine's msiexec (quiet; its log in
# PREFIX/drive_c/msiexec.log), its service then set to start by hand only:
# the tests start the agent themselves, once.
install_msi() { # install_msi PREFIX MSI
	local prefix=$1 msi=$2 win
	win=$(wine_env "$prefix" timeout 60 winepath -w "$msi") || die "winepath -w $msi failed"
	wine_env "$prefix" timeout 600 wine msiexec /i "$win" /qn /l*v 'C:\msiexec.log' \
		>"$prefix/msiexec.out" 2>&1 || {
		tail -n 20 "$prefix/msiexec.out" >&2
		die "msiexec /i $msi failed or took over 600 s (log: $prefix/drive_c/msiexec.log)"
	}
	[ -f "$(agent_folder "$prefix")/wazuh-agent.exe" ] ||
		die "msiexec /i $msi left no wazuh-agent.exe in $AGENT_DIR"
	wine_env "$prefix" timeout 60 wine sc config WazuhSvc start= demand >/dev/null 2>&1 ||
		die "could not set the WazuhSvc service to start by hand in $prefix"
}

# An installed agent folder copied into the prefix, without the state of
# its past runs: its logs emptied, its message counters (rids) left out.
install_folder() { # install_folder PREFIX FOLDER
	local dir
	dir=$(agent_folder "$1")
	mkdir -p "$dir"
	cp -R "$2/." "$dir/"
	rm -rf "${dir:?}/rids"
	mkdir -p "$dir/rids" "$dir/active-response/bin"
	: >"$dir/ossec.log"
	: >"$dir/active-response/active-responses.log"
}

# The agent's ossec.conf with what an administrator sets: the
# manager's address, the SCA policy and interval; the modules this test does
# not use (file integrity, rootcheck, inventory, event channels) off.
configure_agent() { # configure_agent FOLDER
	python3 - "$1/ossec.conf" "${AR_AGENT_SERVER:-127.0.0.1}" "${AR_AGENT_PORT:-${AR_WAZUH_PORT:-1514}}" \
		"${AR_AGENT_POLICY:-cis_win11_enterprise.yml}" "${AR_AGENT_SCA_INTERVAL:-60s}" <<'PY'
import re, sys
path, server, port, policy, interval = sys.argv[1:]
text = open(path, newline="").read()
def sub(pattern, repl):
    global text
    text, n = re.subn(pattern, repl, text, count=1, flags=re.S)
    if n != 1:
        sys.exit("ossec.conf: no match for " + pattern)
sub(r"<address>[^<]*</address>", "<address>%s</address>" % server)
sub(r"(<server>(?:(?!</server>).)*?<port>)[^<]*(</port>)", r"\g<1>%s\g<2>" % port)
sub(r"<sca>.*?</sca>",
    "<sca>\r\n    <enabled>yes</enabled>\r\n    <scan_on_start>yes</scan_on_start>\r\n"
    "    <interval>%s</interval>\r\n    <skip_nfs>yes</skip_nfs>\r\n"
    "    <policies>\r\n      <policy>ruleset/sca/%s</policy>\r\n    </policies>\r\n  </sca>"
    % (interval, policy))
# Modules off where the file has them as the installer writes them.
for block in (r"<syscheck>", r"<rootcheck>", r'<wodle name="syscollector">'):
    text = re.sub("(" + block + r"\s*<disabled>)no(</disabled>)", r"\1yes\2", text, count=1)
text = re.sub(r"\s*<localfile>\s*<location>(Application|Security|System)</location>.*?</localfile>",
              "", text, flags=re.S)
open(path, "w", newline="").write(text)
PY
}

cmd_install() { # cmd_install AGENT PREFIX EXE KEYLINE
	local agent=${1:?usage: agent.sh install AGENT PREFIX EXE KEYLINE} prefix=${2:?} exe=${3:?} key=${4:?}
	agent=$(WAZUH_WINAGENT=$agent cmd_given)
	[ -f "$exe" ] || die "no program at $exe"
	make_prefix "$prefix"
	if [ -d "$agent" ]; then install_folder "$prefix" "$agent"; else install_msi "$prefix" "$agent"; fi
	local dir
	dir=$(agent_folder "$prefix")
	configure_agent "$dir"
	printf '%s\n' "$key" >"$dir/client.keys"
	cp "$exe" "$dir/active-response/bin/"
	# More detail from the agent's modules and execd in ossec.log.
	printf '%s\n' 'wazuh_modules.debug=1' 'execd.debug=2' 'agent.debug=1' >>"$dir/local_internal_options.conf"
}

cmd_start() { # cmd_start PREFIX
	local prefix=${1:?usage: agent.sh start PREFIX}
	[ -d "$(agent_folder "$prefix")" ] || die "no agent installed in $prefix"
	(
		cd "$(agent_folder "$prefix")"
		wine_env "$prefix" setsid wine "$AGENT_DIR\wazuh-agent.exe" start \
			>"$prefix/agent.console" 2>&1 </dev/null &
		echo $! >"$prefix/agent.pid"
	)
}

# Ends the agent and every other process of the prefix (wineserver -k acts
# on that prefix only), then waits at most 30 s for its wineserver.
cmd_stop() { # cmd_stop PREFIX
	local prefix=${1:?usage: agent.sh stop PREFIX} pid
	if [ -f "$prefix/agent.pid" ]; then
		pid=$(cat "$prefix/agent.pid")
		kill "$pid" 2>/dev/null || true
		rm -f "$prefix/agent.pid"
	fi
	wine_env "$prefix" wineserver -k 2>/dev/null || true
	wine_env "$prefix" timeout 30 wineserver -w 2>/dev/null ||
		die "the wineserver of $prefix still runs after 30 s"
}

case ${1:-} in
given) cmd_given ;;
install) cmd_install "${@:2}" ;;
start) cmd_start "${@:2}" ;;
stop) cmd_stop "${@:2}" ;;
folder) agent_folder "${2:?usage: agent.sh folder PREFIX}" ;;
*) die "usage: agent.sh given | install AGENT PREFIX EXE KEYLINE | start PREFIX | stop PREFIX | folder PREFIX" ;;
esac
