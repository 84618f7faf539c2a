#!/usr/bin/env bash
# A real Wazuh manager for the tests, built from Wazuh's own source against
# Debian's libraries (Wazuh's `make deps` downloads from its servers).
#
#   manager.sh build                 builds wazuh-analysisd, wazuh-db and
#                                    wazuh-remoted once; prints the cache folder
#   manager.sh layout DIR [--stock]  lays out a manager tree in DIR (as the
#                                    installer does): the tag's ruleset and
#                                    decoders, its ossec-server.conf with our
#                                    packaging/wazuh/ossec.conf block appended
#                                    and our local_rules.xml (--stock: neither)
#   manager.sh start DIR [--remoted] lays DIR out unless it is, checks the
#                                    configuration with each daemon's own -t,
#                                    starts wazuh-db and wazuh-analysisd (and
#                                    wazuh-remoted on 127.0.0.1:1514/tcp, agents
#                                    from DIR/etc/client.keys)
#   manager.sh check DIR             only the -t checks
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
# Environment: WAZUH_SOURCE, the source tarball (default
# ../shared/wazuh/wazuh-4.14.7.tar.xz beside the repository; a git clone of
# wazuh/wazuh works too); AR_WAZUH_CACHE, the cache root (default
# /var/cache/ar-wazuh). The cache entry is named by a hash of this folder's
# build inputs, and built under a lock, so runs never build twice at once.
#
# The router stub: wazuh-db and wazuh-remoted link Wazuh's C++ router, which
# does not build against Debian 12's cpp-httplib and flatbuffers; it only
# forwards inventory deltas to the C++ modules, off the path tested here, so
# router_stub.c gives its C interface as functions that do nothing.
set -euo pipefail

WAZUH_VERSION=4.14.7
WAZUH_TAG=v4.14.7
WAZUH_COMMIT=a42268a27c555d9348d5598fb8751eaf4c8e9024
WAZUH_TARBALL_SHA256=b4f2a01fe3895e95561e6d202ab457e62a233a75e6ac3ff906d61de30743a19c
DAEMONS=(wazuh-db wazuh-analysisd wazuh-remoted)
PACKAGES=(make gcc python3 xz-utils libcjson-dev libcurl4-openssl-dev libpcre2-dev
	libmsgpack-dev libyaml-dev libsqlite3-dev libssl-dev libbz2-dev zlib1g-dev)
LIBS="-lcjson -lyaml -lssl -lcrypto -lsqlite3 -lpcre2-8 -lz -lcurl -lmsgpackc -lbz2"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SOURCE=${WAZUH_SOURCE:-$ROOT/../shared/wazuh/wazuh-$WAZUH_VERSION.tar.xz}
CACHE_ROOT=${AR_WAZUH_CACHE:-/var/cache/ar-wazuh}

# The cache entry: named by what the build depends on (the functions that
# build, the constants above them, the router stub), not by the rest of
# this script.
cache_key() {
	{
		echo "$WAZUH_COMMIT $WAZUH_TARBALL_SHA256 ${DAEMONS[*]} ${PACKAGES[*]} $LIBS"
		declare -f extract_source prepare_source compile_source
		cat "$HERE/router_stub.c"
	} | sha256sum | cut -c1-12
}

die() {
	echo "manager.sh: $*" >&2
	exit 1
}

# The source tree, from the tarball (its SHA-256 checked) or a clone (at the
# recorded commit), into $TREE.
extract_source() {
	local tmp=$1
	if [ -d "$SOURCE/.git" ] || git -C "$SOURCE" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$SOURCE" cat-file -e "$WAZUH_COMMIT^{commit}" ||
			die "$SOURCE: no commit $WAZUH_COMMIT ($WAZUH_TAG)"
		git -C "$SOURCE" archive --prefix="wazuh-$WAZUH_VERSION/" "$WAZUH_COMMIT" src etc ruleset |
			tar -x -C "$tmp"
		return
	fi
	[ -f "$SOURCE" ] || die "no Wazuh source at $SOURCE (set WAZUH_SOURCE)"
	local sum
	sum=$(sha256sum "$SOURCE" | cut -d' ' -f1)
	[ "$sum" = "$WAZUH_TARBALL_SHA256" ] ||
		die "$SOURCE: SHA-256 $sum, expected $WAZUH_TARBALL_SHA256 (wazuh $WAZUH_TAG)"
	tar -xJf "$SOURCE" -C "$tmp"
}

# What `make deps` would leave in src/external, pointed at Debian's headers,
# and the four headers CMake generates from the flatbuffers schemas (each is
# only the schema's text in a #define).
prepare_source() {
	local src=$1/wazuh-$WAZUH_VERSION/src ext
	ext=$src/external
	mkdir -p "$ext/cJSON" "$ext/zlib" "$ext/sqlite" "$ext/libyaml/include" \
		"$ext/libpcre2/include" "$ext/curl/include"
	ln -sf /usr/include/cjson/cJSON.h "$ext/cJSON/cJSON.h"
	ln -sf /usr/include/zlib.h "$ext/zlib/zlib.h"
	ln -sf /usr/include/sqlite3.h "$ext/sqlite/sqlite3.h"
	ln -sf /usr/include/yaml.h "$ext/libyaml/include/yaml.h"
	ln -sf /usr/include/pcre2.h "$ext/libpcre2/include/pcre2.h"
	ln -sfn "/usr/include/$(gcc -print-multiarch)/curl" "$ext/curl/include/curl"
	local fb=$src/shared_modules/utils/flatbuffers
	mkdir -p "$fb/include"
	for s in syscollector_deltas syscheck_deltas rsync messageBuffer; do
		python3 -c 'import json, sys
name, text = sys.argv[1], open(sys.argv[2]).read()
print("#ifndef %s_HEADER\n#define %s_HEADER\n#define %s_SCHEMA %s\n#endif" %
      (name, name, name, json.dumps(text)))' "$s" "$fb/schemas/$s.fbs" >"$fb/include/${s}_schema.h"
	done
}

compile_source() {
	local src=$1/wazuh-$WAZUH_VERSION/src
	mkdir -p "$src/build/shared_modules/router"
	gcc -O2 -shared -fPIC -o "$src/build/shared_modules/router/librouter.so" "$HERE/router_stub.c"
	# USE_AUDIT=no: audit-userspace's private header is not in Debian; only
	# syscheck's whodata uses it. EXTERNAL_LIBS empty: Debian's shared
	# libraries (LIBS) instead of the static ones make deps would build.
	nice make -C "$src" -j"$(nproc)" TARGET=server USE_AUDIT=no EXTERNAL_LIBS= LIBS="$LIBS" \
		"${DAEMONS[@]}"
}

do_build() {
	packaging_ensure "${PACKAGES[@]}"
	mkdir -p "$CACHE_ROOT"
	exec 9>"$CACHE_ROOT/.lock-$KEY"
	flock -w 3600 9 || die "timed out waiting for another build of $CACHE"
	if [ ! -f "$CACHE/.built" ]; then
		local tmp=$CACHE_ROOT/.tmp-$KEY-$$
		rm -rf "$tmp" "$CACHE"
		mkdir -p "$tmp"
		# shellcheck disable=SC2064 # $tmp is meant to be expanded now
		trap "rm -rf '$tmp'" EXIT
		echo "manager.sh: building Wazuh $WAZUH_TAG ($WAZUH_COMMIT) in $CACHE" >&2
		extract_source "$tmp"
		prepare_source "$tmp"
		compile_source "$tmp" >"$tmp/build.log" 2>&1 || {
			cp "$tmp/build.log" "$CACHE_ROOT/build-failed-$KEY.log"
			tail -n 40 "$tmp/build.log" >&2
			die "make failed; the log is $CACHE_ROOT/build-failed-$KEY.log"
		}
		local src=$tmp/wazuh-$WAZUH_VERSION/src
		mkdir -p "$tmp/bin" "$tmp/lib"
		for d in "${DAEMONS[@]}"; do install -m 0750 "$src/$d" "$tmp/bin/$d"; done
		install -m 0750 "$src/libwazuhext.so" "$src/build/shared_modules/router/librouter.so" \
			"$tmp/lib/"
		# Keep the ruleset and configuration files, not the objects.
		find "$src" -name '*.o' -delete
		mv "$tmp" "$CACHE"
		trap - EXIT
		touch "$CACHE/.built"
	fi
	exec 9>&-
	echo "$CACHE"
}

packaging_ensure() {
	"$ROOT/packaging/ensure-packages.sh" "$@"
}

# The daemons run as wazuh:wazuh and refuse to start without them.
ensure_user() {
	getent group wazuh >/dev/null || groupadd --system wazuh
	getent passwd wazuh >/dev/null ||
		useradd --system --gid wazuh --home-dir /nonexistent --no-create-home \
			--shell /usr/sbin/nologin wazuh
}

# Our block for ossec.conf is a top-level <ossec_config> of its own: it goes
# after the stock file's, never inside it.
write_ossec_conf() {
	local dir=$1 stock=$2
	# Remoted listens on loopback only.
	sed 's|<protocol>tcp</protocol>|&\n    <local_ip>127.0.0.1</local_ip>|' \
		"$TREE/etc/ossec-server.conf" >"$dir/etc/ossec.conf"
	if [ "$stock" = no ]; then
		{
			echo
			cat "$ROOT/packaging/wazuh/ossec.conf"
		} >>"$dir/etc/ossec.conf"
	fi
}

do_layout() {
	local dir=$1 stock=${2:-no}
	ensure_user
	do_build >/dev/null
	case "$dir" in */bin/* | */bin) die "$dir: the daemons find their home at the first /bin" ;; esac
	local d
	for d in bin lib etc/rules etc/decoders etc/lists etc/shared/default ruleset/rules \
		ruleset/decoders ruleset/sca queue/alerts queue/sockets queue/db queue/rids \
		queue/router queue/tasks queue/fts queue/diff queue/logcollector queue/cluster \
		queue/keystore logs/alerts logs/archives logs/firewall logs/wazuh logs/api \
		logs/cluster stats var/run var/db var/multigroups var/upgrade tmp backup/db \
		backup/agents backup/shared active-response/bin; do
		mkdir -p "$dir/$d"
	done
	install -m 0750 "$CACHE"/bin/* "$dir/bin/"
	install -m 0750 "$CACHE"/lib/* "$dir/lib/"
	cp "$TREE"/ruleset/rules/*.xml "$dir/ruleset/rules/"
	cp "$TREE"/ruleset/decoders/*.xml "$dir/ruleset/decoders/"
	cp -r "$TREE"/ruleset/lists/. "$dir/etc/lists/"
	cp "$TREE/etc/internal_options.conf" "$dir/etc/"
	cp "$TREE/etc/local_decoder.xml" "$dir/etc/decoders/local_decoder.xml"
	if [ "$stock" = no ]; then
		cp "$ROOT/packaging/wazuh/local_rules.xml" "$dir/etc/rules/local_rules.xml"
	else
		cp "$TREE/etc/local_rules.xml" "$dir/etc/rules/local_rules.xml"
	fi
	write_ossec_conf "$dir" "$stock"
	# A sandbox's limit on open files is lower than the daemons' default.
	cat >"$dir/etc/local_internal_options.conf" <<-EOF
		analysisd.rlimit_nofile=1024
		wazuh_db.rlimit_nofile=1024
		remoted.rlimit_nofile=1024
		analysisd.decoder_order_size=1024
	EOF
	write_client_keys "$dir"
	: >"$dir/queue/agents-timestamp"
	chown -R root:wazuh "$dir"
	chmod -R g+rX,o-rwx "$dir"
	chown -R wazuh:wazuh "$dir/etc/lists" "$dir/etc/shared" "$dir/queue" "$dir/logs" \
		"$dir/stats" "$dir/var" "$dir/tmp" "$dir/backup"
	chmod 0770 "$dir/etc" "$dir/var/run" "$dir/tmp"
	chmod 0640 "$dir/etc/client.keys"
}

# Each daemon's own configuration check; prints its output on failure.
# Agent 001 (name win-ws01, from any address) with a key of its own, for
# remoted; the event command finds the agent's name here.
write_client_keys() {
	local keys=$1/etc/client.keys
	[ -s "$keys" ] && return 0
	echo "001 win-ws01 any $(head -c 32 /dev/urandom | sha256sum | cut -c1-64)" >"$keys"
}

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
	dir=$(cd "$dir" && pwd)
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
	dir=$(cd "$1" && pwd)
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

KEY=$(cache_key)
CACHE=$CACHE_ROOT/$WAZUH_VERSION-$KEY
TREE=$CACHE/wazuh-$WAZUH_VERSION

main() {
	local cmd=${1:-}
	[ $# -gt 0 ] && shift
	case "$cmd" in
	build) do_build ;;
	layout)
		[ $# -ge 1 ] || usage
		mkdir -p "$1"
		do_layout "$(cd "$1" && pwd)" "$([ "${2:-}" = --stock ] && echo yes || echo no)"
		;;
	start)
		[ $# -ge 1 ] || usage
		mkdir -p "$1"
		do_start "$1" "$([ "${2:-}" = --remoted ] && echo yes || echo no)"
		;;
	check)
		[ $# -ge 1 ] || usage
		do_check "$(cd "$1" && pwd)" "$([ "${2:-}" = --remoted ] && echo yes || echo no)"
		;;
	stop)
		[ $# -ge 1 ] || usage
		do_stop "$1"
		;;
	event)
		[ $# -ge 3 ] || usage
		local tree
		tree=$(cd "$1" && pwd)
		shift
		exec python3 "$HERE/manager_io.py" event "$tree" "$@"
		;;
	*) usage ;;
	esac
}

main "$@"
