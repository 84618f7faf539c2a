#!/usr/bin/env bash
# The real Wazuh Windows agent, built from Wazuh's source and run under
# 32-bit Wine:
#   tests/wazuh/agent.sh build
#       cross-builds the agent (i686) into a cache entry, once; prints the
#       entry's folder. Source: WAZUH_SOURCE (default
#       ../shared/wazuh/wazuh-4.14.7.tar.xz beside the repository, checked
#       against the SHA256SUMS beside it); cache: AR_WAZUH_AGENT_CACHE
#       (default /var/cache/ar-wazuh-agent).
#   tests/wazuh/agent.sh install ENTRY PREFIX EXE KEYLINE
#       a 32-bit Wine prefix in PREFIX holding the agent of ENTRY with the
#       installer's layout in C:\Program Files (x86)\ossec-agent, EXE (our
#       i686 .exe) in its active-response\bin, KEYLINE ("ID NAME IP KEY") as
#       its client.keys, its ossec.conf pointing at AR_AGENT_SERVER
#       (default 127.0.0.1) port AR_AGENT_PORT (default 1514), scanning the
#       policy AR_AGENT_POLICY (default cis_win11_enterprise.yml) at start
#       and every AR_AGENT_SCA_INTERVAL (default 60s).
#   tests/wazuh/agent.sh start PREFIX      the agent, in the background
#   tests/wazuh/agent.sh stop PREFIX       every process of the prefix
#   tests/wazuh/agent.sh folder PREFIX     the agent folder, a Unix path
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WAZUH_SOURCE=${WAZUH_SOURCE:-$ROOT/../shared/wazuh/wazuh-4.14.7.tar.xz}
CACHE=${AR_WAZUH_AGENT_CACHE:-/var/cache/ar-wazuh-agent}

# shellcheck source=packaging/debian-source.sh
. "$ROOT/packaging/debian-source.sh"
# shellcheck source=tests/wazuh/agent-build.sh
. "$HERE/agent-build.sh"

die() {
	echo "agent.sh: $*" >&2
	exit 1
}

# The tarball, checked against the SHA256SUMS beside it when there is one.
checked_source() {
	[ -f "$WAZUH_SOURCE" ] || die "no Wazuh source at $WAZUH_SOURCE (set WAZUH_SOURCE)"
	local dir name
	dir=$(cd "$(dirname "$WAZUH_SOURCE")" && pwd)
	name=$(basename "$WAZUH_SOURCE")
	if [ -f "$dir/SHA256SUMS" ]; then
		(cd "$dir" && grep -E "[ *]$name\$" SHA256SUMS | sha256sum -c --quiet -) ||
			die "$WAZUH_SOURCE does not match $dir/SHA256SUMS"
	fi
	echo "$dir/$name"
}

# Prints the cache entry holding the built agent, building it when absent.
# One build per entry at a time: a second caller waits for the first (at
# most AR_WAZUH_AGENT_BUILD_WAIT seconds, default 3600).
cmd_build() {
	local src key entry start
	src=$(checked_source)
	"$ROOT/packaging/ensure-packages.sh" "${WINAGENT_PACKAGES[@]}"
	enable_sources
	key=$(winagent_key "$src")
	entry=$CACHE/$key
	as_root mkdir -p "$CACHE"
	(
		flock -w "${AR_WAZUH_AGENT_BUILD_WAIT:-3600}" 9 ||
			die "waited too long for another build of $entry (lock $CACHE/.lock-$key)"
		[ -f "$entry/.built" ] && exit 0
		echo "building the Wazuh Windows agent into $entry (log: $entry/build.log)" >&2
		rm -rf "$entry"
		mkdir -p "$entry"
		start=$(date +%s)
		# A shell of its own, so that errexit holds inside the recipe.
		if ! HERE=$HERE bash -c 'set -euo pipefail; . "$0"; . "$1"; build_winagent "$2" "$3"' \
			"$ROOT/packaging/debian-source.sh" "$HERE/agent-build.sh" "$src" "$entry" \
			>"$entry/build.log" 2>&1; then
			tail -n 40 "$entry/build.log" >&2
			die "the agent's build failed (log: $entry/build.log)"
		fi
		echo "built in $(($(date +%s) - start)) s" | tee -a "$entry/build.log" >&2
		touch "$entry/.built"
	) 9>"$CACHE/.lock-$key"
	echo "$entry"
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

# The installer's files and folders (agent-files.txt, wazuh-installer.nsi).
lay_out_files() { # lay_out_files SRC FOLDER
	local src=$1 dir=$2 d dest from
	for d in bookmarks logs rids syscheck shared active-response/bin tmp queue/diff \
		queue/fim/db queue/syscollector/db queue/logcollector incoming upgrade wodles ruleset/sca; do
		mkdir -p "$dir/$d"
	done
	while read -r dest from; do
		case $dest in '' | '#'*) continue ;; esac
		[ -f "$src/$from" ] || die "the built agent has no $from"
		cp "$src/$from" "$dir/$dest"
	done <"$HERE/agent-files.txt"
	: >"$dir/active-response/active-responses.log"
	: >"$dir/ossec.log"
}

# The installer's default ossec.conf with what an administrator sets: the
# manager's address, the SCA policy and interval; the modules this test does
# not use (file integrity, rootcheck, inventory, event channels) off.
configure_agent() { # configure_agent FOLDER
	python3 - "$1/ossec.conf" "${AR_AGENT_SERVER:-127.0.0.1}" "${AR_AGENT_PORT:-1514}" \
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
sub(r"<port>1514</port>", "<port>%s</port>" % port)
sub(r"<sca>.*?</sca>",
    "<sca>\r\n    <enabled>yes</enabled>\r\n    <scan_on_start>yes</scan_on_start>\r\n"
    "    <interval>%s</interval>\r\n    <skip_nfs>yes</skip_nfs>\r\n"
    "    <policies>\r\n      <policy>ruleset/sca/%s</policy>\r\n    </policies>\r\n  </sca>"
    % (interval, policy))
for block in (r"<syscheck>", r"<rootcheck>", r'<wodle name="syscollector">'):
    sub("(" + block + r"\s*<disabled>)no(</disabled>)", r"\1yes\2")
text = re.sub(r"\s*<localfile>\s*<location>(Application|Security|System)</location>.*?</localfile>",
              "", text, flags=re.S)
open(path, "w", newline="").write(text)
PY
}

cmd_install() { # cmd_install ENTRY PREFIX EXE KEYLINE
	local entry=${1:?usage: agent.sh install ENTRY PREFIX EXE KEYLINE} prefix=${2:?} exe=${3:?} key=${4:?}
	[ -f "$entry/.built" ] || die "$entry holds no built agent (agent.sh build)"
	[ -f "$exe" ] || die "no program at $exe"
	make_prefix "$prefix"
	local dir
	dir=$(agent_folder "$prefix")
	mkdir -p "$dir"
	lay_out_files "$entry/wazuh/src" "$dir"
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
build) cmd_build ;;
install) cmd_install "${@:2}" ;;
start) cmd_start "${@:2}" ;;
stop) cmd_stop "${@:2}" ;;
folder) agent_folder "${2:?usage: agent.sh folder PREFIX}" ;;
*) die "usage: agent.sh build | install ENTRY PREFIX EXE KEYLINE | start PREFIX | stop PREFIX | folder PREFIX" ;;
esac
