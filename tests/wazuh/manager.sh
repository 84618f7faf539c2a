#!/usr/bin/env bash
# A real Wazuh manager for the tests: the one given to them, an installed
# Wazuh 4.x manager (the folder Wazuh's packages install, /var/ossec), which
# they read and never change. Each tree they start is a private one, laid
# out from the given manager's files in a folder of their own.
#
#   manager.sh given                 prints the given manager's folder; exits
#                                    3 when none is given, 1 when the folder
#                                    given is not an installed manager
#   manager.sh layout DIR [--stock]  lays out a manager tree in DIR from the
#                                    given one: its daemons (wazuh-db,
#                                    wazuh-analysisd, wazuh-remoted) copied,
#                                    its lib/ linked, its ruleset, lists and
#                                    internal options copied, its ossec.conf
#                                    with remoted on 127.0.0.1 and
#                                    packaging/wazuh/ossec.conf appended, our
#                                    rules file beside its local_rules.xml
#                                    (--stock: its own ossec.conf and
#                                    local_rules.xml, nothing of ours)
#   manager.sh start DIR [--remoted] lays DIR out unless it is, checks the
#                                    configuration with each daemon's own -t,
#                                    starts wazuh-db and wazuh-analysisd (and
#                                    wazuh-remoted on 127.0.0.1, port
#                                    AR_WAZUH_PORT, agents from
#                                    DIR/etc/client.keys)
#   manager.sh check DIR [--remoted] only the -t checks
#   manager.sh stop DIR              ends the processes start started (by their
#                                    pid files in DIR/var/run/ar-*.pid), no other
#   manager.sh event DIR sca FILE [ID]    FILE: one SCA event as a 4.x agent
#                                    sends it, from agent ID (default 001)
#   manager.sh event DIR arlog FILE [ID]  FILE: lines of the Windows agent's
#                                    active-responses.log
#   manager.sh event DIR api FILE    FILE: events as the server API's
#                                    POST /events passes them on. Each prints,
#                                    one JSON a line, each alert it caused and
#                                    each active-response message analysisd
#                                    sent for it ({"ar": "..."}), within 10 s
#                                    (with --remoted, those go to remoted, and
#                                    on to the agent, instead)
#
# Environment: WAZUH_MANAGER, the given manager's folder (default /var/ossec
# when it holds bin/wazuh-analysisd); AR_WAZUH_PORT, the port of the private
# tree's remoted (default 1514). Outside DIR, start creates the system user
# and group wazuh when missing (the daemons run as them) and listens on
# 127.0.0.1 only.
set -euo pipefail

DAEMONS=(wazuh-db wazuh-analysisd wazuh-remoted)
DEFAULT_MANAGER=/var/ossec
PORT=${AR_WAZUH_PORT:-1514}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# Our rules, in a file of their own beside the stock local_rules.xml.
RULES=win_ms_network_client_sign_rules.xml

die() {
	echo "manager.sh: $*" >&2
	exit 1
}

# The given manager's folder, checked: what a layout takes from it must be
# there. Exit status 3 when none is given.
given_manager() {
	local dir=${WAZUH_MANAGER:-}
	if [ -z "$dir" ]; then
		if [ ! -x "$DEFAULT_MANAGER/bin/wazuh-analysisd" ]; then
			echo "manager.sh: no WAZUH_MANAGER given (and no $DEFAULT_MANAGER/bin/wazuh-analysisd)" >&2
			exit 3
		fi
		dir=$DEFAULT_MANAGER
	fi
	[ -d "$dir" ] || die "WAZUH_MANAGER=$dir: not a folder"
	dir=$(cd "$dir" && pwd -P)
	local f missing=()
	for f in "${DAEMONS[@]}"; do
		[ -f "$dir/bin/$f" ] && [ -x "$dir/bin/$f" ] || missing+=("bin/$f")
	done
	for f in lib ruleset/rules ruleset/decoders etc/lists; do
		[ -d "$dir/$f" ] || missing+=("$f/")
	done
	for f in etc/ossec.conf etc/internal_options.conf; do
		[ -f "$dir/$f" ] || missing+=("$f")
	done
	[ "${#missing[@]}" -eq 0 ] ||
		die "WAZUH_MANAGER=$dir is not an installed Wazuh manager: no ${missing[*]}"
	echo "$dir"
}

# The daemons run as wazuh:wazuh and refuse to start without them.
ensure_user() {
	getent group wazuh >/dev/null || groupadd --system wazuh
	getent passwd wazuh >/dev/null ||
		useradd --system --gid wazuh --home-dir /nonexistent --no-create-home \
			--shell /usr/sbin/nologin wazuh
}

# Whether one folder lies inside the other (or is it).
nested() {
	case "$1/" in "$2/"*) return 0 ;; esac
	case "$2/" in "$1/"*) return 0 ;; esac
	return 1
}

# The private tree's ossec.conf: the given one without its comments, its
# <remote> and <cluster> blocks and our <command> and <active-response>
# where it has them; one
# <remote> of our own (secure, tcp, on loopback); then, unless stock, our
# block as a top-level <ossec_config> of its own, after the stock one.
write_ossec_conf() {
	local given=$1 dir=$2 stock=$3 ours=
	[ "$stock" = yes ] || ours=$ROOT/packaging/wazuh/ossec.conf
	python3 - "$given/etc/ossec.conf" "$dir/etc/ossec.conf" "$PORT" "$ours" <<'PY'
import re, sys
src, dest, port, ours = sys.argv[1:]
with open(src, encoding="utf-8") as f:
    text = f.read()
text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
# Our <command> and <active-response>, where the given manager has them,
# go: the tree gets them once, from our block.
text = re.sub(r"\s*<command>\s*<name>win-ms-network-client-sign</name>.*?</command>", "", text,
              flags=re.S)
text = re.sub(r"\s*<active-response>(?:(?!</active-response>).)*?"
              r"<command>win-ms-network-client-sign</command>.*?</active-response>", "", text,
              flags=re.S)
text = re.sub(r"<ossec_config>\s*</ossec_config>", "", text)
text = re.sub(r"\s*<(remote|cluster)>.*?</\1>", "", text, flags=re.S)
remote = ("\n  <remote>\n    <connection>secure</connection>\n    <port>%s</port>\n"
          "    <protocol>tcp</protocol>\n    <local_ip>127.0.0.1</local_ip>\n  </remote>\n"
          % port)
end = text.find("</ossec_config>")
if end < 0:
    sys.exit("%s: no </ossec_config>" % src)
text = text[:end] + remote + text[end:]
if ours:
    with open(ours, encoding="utf-8") as f:
        text = text.rstrip("\n") + "\n\n" + f.read()
with open(dest, "w", encoding="utf-8") as f:
    f.write(text)
PY
}

# Copies the given manager's regular file FROM to TO when it is there.
copy_if_there() {
	[ ! -f "$1" ] || cp "$1" "$2"
}

do_layout() {
	local dir stock=${2:-no} given
	given=$(given_manager)
	# Checked before anything is made: a folder of the given manager's
	# own is never created.
	dir=$(realpath -m "$1")
	case "$dir" in */bin/* | */bin) die "$dir: the daemons find their home at the first /bin" ;; esac
	! nested "$dir" "$given" || die "$dir: the tree must lie outside the given manager $given"
	mkdir -p "$dir"
	ensure_user
	local d
	for d in bin lib etc/rules etc/decoders etc/lists etc/shared/default ruleset \
		queue/alerts queue/sockets queue/db queue/rids queue/router queue/tasks queue/fts \
		queue/diff queue/logcollector queue/cluster queue/keystore logs/alerts logs/archives \
		logs/firewall logs/wazuh logs/api logs/cluster stats var/run var/db var/multigroups \
		var/upgrade tmp backup/db backup/agents backup/shared active-response/bin; do
		mkdir -p "$dir/$d"
	done
	# Copies, not links: a daemon takes its home from its own path, links
	# resolved (w_homedir), and would work in the given folder.
	for d in "${DAEMONS[@]}"; do install -m 0750 "$given/bin/$d" "$dir/bin/$d"; done
	# The libraries, found through $ORIGIN/../lib: only read, so linked.
	for d in "$given"/lib/*; do
		[ -e "$d" ] || continue
		ln -sfn "$d" "$dir/lib/${d##*/}"
	done
	cp -R "$given/ruleset/rules" "$given/ruleset/decoders" "$dir/ruleset/"
	# analysisd compiles the lists (.cdb) where they are: copies.
	cp -R "$given/etc/lists/." "$dir/etc/lists/"
	cp "$given/etc/internal_options.conf" "$dir/etc/"
	copy_if_there "$given/etc/decoders/local_decoder.xml" "$dir/etc/decoders/"
	copy_if_there "$given/etc/shared/default/agent.conf" "$dir/etc/shared/default/"
	copy_if_there "$given/var/db/mitre.db" "$dir/var/db/"
	copy_if_there "$given/etc/rules/local_rules.xml" "$dir/etc/rules/"
	[ "$stock" = yes ] || cp "$ROOT/packaging/wazuh/$RULES" "$dir/etc/rules/$RULES"
	write_ossec_conf "$given" "$dir" "$stock"
	# A sandbox's limit on open files is lower than the daemons' default.
	cat >"$dir/etc/local_internal_options.conf" <<-EOF
		analysisd.rlimit_nofile=1024
		wazuh_db.rlimit_nofile=1024
		remoted.rlimit_nofile=1024
		analysisd.decoder_order_size=1024
	EOF
	write_client_keys "$dir"
	: >"$dir/queue/agents-timestamp"
	# Links are changed themselves, never followed (-R is -P): lib/'s
	# targets keep their owners and modes.
	chown -R root:wazuh "$dir"
	chmod -R g+rX,o-rwx "$dir"
	chown -R wazuh:wazuh "$dir/etc/lists" "$dir/etc/shared" "$dir/queue" "$dir/logs" \
		"$dir/stats" "$dir/var" "$dir/tmp" "$dir/backup"
	chmod 0770 "$dir/etc" "$dir/var/run" "$dir/tmp"
	chmod 0640 "$dir/etc/client.keys"
}

# Agent 001 (name win-ws01, from any address) with a key of its own, for
# remoted; the event command finds the agent's name here.
write_client_keys() {
	local keys=$1/etc/client.keys
	[ -s "$keys" ] && return 0
	echo "001 win-ws01 any $(head -c 32 /dev/urandom | sha256sum | cut -c1-64)" >"$keys"
}

# Each daemon's own configuration check; prints its output on failure.
do_check() {
	local dir=$1 remoted=$2 d out
	for d in wazuh-db wazuh-analysisd $([ "$remoted" = yes ] && echo wazuh-remoted); do
		if ! out=$("$dir/bin/$d" -t 2>&1); then
			echo "$out" >&2
			die "$d -t refused the configuration in $dir"
		fi
	done
}

# Whether pid runs this tree's daemon name.
runs() {
	[ "$(readlink "/proc/$2/exe" 2>/dev/null)" = "$1/bin/$3" ]
}

# The pids of the processes running this tree's daemon name.
tree_pids() {
	local p
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		! runs "$1" "$p" "$2" || echo "$p"
	done
}

start_daemon() {
	local dir=$1 name=$2 ready=$3 i
	# In the foreground (-f): $! is the daemon. wazuh-remoted serves from a
	# child it forks, and its first process ends.
	"$dir/bin/$name" -f >>"$dir/logs/$name.out" 2>&1 </dev/null &
	echo "$!" >"$dir/var/run/ar-$name.pid"
	for i in $(seq 300); do
		[ -e "$dir/$ready" ] && break
		[ "$i" -lt 20 ] || [ -n "$(tree_pids "$dir" "$name")" ] || break
		sleep 0.1
	done
	# Every process of this tree's daemon is one start started.
	tree_pids "$dir" "$name" | sort -u - "$dir/var/run/ar-$name.pid" >"$dir/var/run/ar-$name.pid.new"
	mv "$dir/var/run/ar-$name.pid.new" "$dir/var/run/ar-$name.pid"
	if [ ! -e "$dir/$ready" ] || [ -z "$(tree_pids "$dir" "$name")" ]; then
		tail -n 20 "$dir/logs/$name.out" >&2 || true
		die "$name: not running with $ready within 30 s"
	fi
}

do_start() {
	local dir=$1 remoted=$2
	[ -x "$dir/bin/wazuh-analysisd" ] || do_layout "$dir"
	dir=$(cd "$dir" && pwd -P)
	ensure_user
	do_check "$dir" "$remoted"
	start_daemon "$dir" wazuh-db queue/db/wdb
	python3 "$HERE/manager_io.py" register "$dir" 001
	if [ "$remoted" = yes ]; then
		start_daemon "$dir" wazuh-analysisd queue/sockets/queue
		start_daemon "$dir" wazuh-remoted queue/alerts/ar
	else
		start_sink "$dir"
		start_daemon "$dir" wazuh-analysisd queue/sockets/queue
	fi
}

# Without remoted, a reader of our own takes remoted's place on
# queue/alerts/ar, where analysisd sends active-response messages; it
# appends each to logs/ar-messages.log. Started before analysisd: analysisd
# drops a message when the socket it had connected to is gone.
start_sink() {
	local dir=$1 i
	python3 "$HERE/manager_io.py" sink "$dir" >>"$dir/logs/ar-sink.out" 2>&1 </dev/null &
	echo "$!" >"$dir/var/run/ar-sink.pid"
	for i in $(seq 100); do
		[ -S "$dir/queue/alerts/ar" ] && return 0
		sleep 0.1
	done
	die "the active-response reader did not start: $(tail -n 5 "$dir/logs/ar-sink.out")"
}

# Ends the processes whose pids start recorded, if they still run the
# daemon of this tree, in the reverse order of their start; waits up to 10 s
# for each, then kills it.
do_stop() {
	local dir f pid name i
	dir=$(cd "$1" && pwd -P)
	for name in wazuh-remoted wazuh-analysisd wazuh-db; do
		f=$dir/var/run/ar-$name.pid
		[ -f "$f" ] || continue
		for pid in $(tac "$f"); do
			runs "$dir" "$pid" "$name" || continue
			kill -TERM "$pid" 2>/dev/null || true
			for i in $(seq 100); do
				runs "$dir" "$pid" "$name" || break
				sleep 0.1
			done
			! runs "$dir" "$pid" "$name" || kill -KILL "$pid" 2>/dev/null || true
		done
		rm -f "$f"
	done
	f=$dir/var/run/ar-sink.pid
	if [ -f "$f" ]; then
		pid=$(cat "$f")
		if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "manager_io.py sink $dir "; then
			kill -TERM "$pid" 2>/dev/null || true
		fi
		rm -f "$f"
	fi
}

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2
	exit 2
}

main() {
	local cmd=${1:-}
	[ $# -gt 0 ] && shift
	case "$cmd" in
	given) given_manager ;;
	layout)
		[ $# -ge 1 ] || usage
		do_layout "$1" "$([ "${2:-}" = --stock ] && echo yes || echo no)"
		;;
	start)
		[ $# -ge 1 ] || usage
		do_start "$1" "$([ "${2:-}" = --remoted ] && echo yes || echo no)"
		;;
	check)
		[ $# -ge 1 ] || usage
		do_check "$(cd "$1" && pwd -P)" "$([ "${2:-}" = --remoted ] && echo yes || echo no)"
		;;
	stop)
		[ $# -ge 1 ] || usage
		do_stop "$1"
		;;
	event)
		[ $# -ge 3 ] || usage
		local tree
		tree=$(cd "$1" && pwd -P)
		shift
		exec python3 "$HERE/manager_io.py" event "$tree" "$@"
		;;
	*) usage ;;
	esac
}

main "$@"
