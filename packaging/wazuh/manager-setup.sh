#!/bin/sh
# Installs the manager side of the SMB client signing active response, or
# takes it out again:
#   manager-setup.sh [--ossec-dir DIR] [--remove]
# DIR is the manager's folder (default /var/ossec). It puts
#   - the rules in DIR/etc/rules/win_ms_network_client_sign_rules.xml, a file
#     of their own (local_rules.xml is never touched), root:wazuh 0660
#     (analysisd reads it through its group; local_rules.xml is 0660 too);
#   - the <command> and <active-response> block at the end of
#     DIR/etc/ossec.conf, between begin and end comment lines of ours, once:
#     run again, it changes nothing; an older copy of the block between our
#     lines is replaced. ossec.conf keeps its owner, group and mode.
# Then DIR/bin/wazuh-analysisd -t checks the result; when it refuses it, the
# previous files come back and the exit status is 1. --remove takes both out
# (ossec.conf byte for byte as before, when it ended with a line break) and
# checks again. A copy of each file changed is kept first in
# DIR/backup/win-ms-network-client-sign/.
# Every node of a cluster needs it: ossec.conf and ar.conf are not
# synchronised between nodes (the master copies etc/rules/ to the workers,
# not the block). Restart the manager afterwards.
# Exit status: 0 done (or nothing to do), 1 wazuh-analysisd -t refused the
# result (previous files back), 2 bad command line or a manager folder it
# will not change (named on standard error), 3 stopped halfway by a failed
# write or a signal (previous files back).
set -eu

PROG=manager-setup.sh
NAME=win-ms-network-client-sign
RULES=win_ms_network_client_sign_rules.xml
BEGIN="<!-- $NAME: begin"
END="<!-- $NAME: end"

die() {
	echo "$PROG: $*" >&2
	exit 2
}

usage() {
	sed -n '2,/^set -eu/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
	exit 2
}

DIR=/var/ossec
REMOVE=no
while [ $# -gt 0 ]; do
	case $1 in
	--ossec-dir)
		[ $# -ge 2 ] || usage
		DIR=$2
		shift 2
		;;
	--ossec-dir=*)
		DIR=${1#--ossec-dir=}
		shift
		;;
	--remove)
		REMOVE=yes
		shift
		;;
	-h | --help) usage ;;
	*)
		echo "$PROG: unknown argument: $1" >&2
		usage
		;;
	esac
done

# Our files lie beside this script (the .deb's share folder, or
# packaging/wazuh in the source tree).
case $0 in
*/*) HERE=${0%/*} ;;
*) HERE=. ;;
esac
BLOCK=$HERE/ossec.conf
OURS=$HERE/$RULES

[ -d "$DIR" ] || die "$DIR: no such folder (--ossec-dir names the manager's folder)"
CONF=$DIR/etc/ossec.conf
RULESDIR=$DIR/etc/rules
TARGET=$RULESDIR/$RULES
ANALYSISD=$DIR/bin/wazuh-analysisd
BACKUPS=$DIR/backup/$NAME
[ -x "$ANALYSISD" ] || die "$ANALYSISD: not found: is $DIR a Wazuh manager?"
if [ ! -f "$CONF" ] || [ -L "$CONF" ]; then die "$CONF: not a regular file"; fi
if [ ! -d "$RULESDIR" ] || [ -L "$RULESDIR" ]; then die "$RULESDIR: not a folder"; fi
[ ! -L "$TARGET" ] || die "$TARGET: a link; nothing is written through it"
[ ! -e "$TARGET" ] || [ -f "$TARGET" ] || die "$TARGET: not a regular file"
if [ ! -f "$BLOCK" ] || [ ! -f "$OURS" ]; then die "$BLOCK or $OURS: missing beside the script"; fi
getent group wazuh >/dev/null 2>&1 || die "no group wazuh: is $DIR a Wazuh manager?"

umask 077
WORK=$(mktemp -d "$DIR/etc/.$NAME.XXXXXX") || die "cannot write in $DIR/etc"
# From the first change until the check, a failure or a signal (a full
# disk, Ctrl-C) puts the previous files back on the way out.
CHANGING=no
finish() {
	rc=$?
	if [ "$CHANGING" = yes ]; then
		CHANGING=no
		rollback && echo "$PROG: stopped halfway: $CONF and $TARGET are back as they were" >&2
		rc=3
	fi
	rm -rf "$WORK"
	exit "$rc"
}
trap finish EXIT
trap 'exit 2' HUP INT TERM

# ossec.conf without our block(s); refuses a begin without its end, and an
# end without a begin, naming the line.
strip_block() {
	awk -v begin="$BEGIN" -v end="$END" -v file="$1" '
		index($0, begin) == 1 { if (inside) bad = NR; inside = 1; next }
		index($0, end) == 1 { if (!inside) bad = NR; inside = 0; next }
		!inside { print }
		END {
			if (inside) bad = "end of file"
			if (bad != "") {
				printf "%s: our begin and end lines do not pair up (line %s)\n", file, bad > "/dev/stderr"
				exit 3
			}
		}' "$1"
}

if ! strip_block "$CONF" >"$WORK/stripped"; then
	die "$CONF: nothing changed; put our lines right by hand first"
fi
# A copy added by hand before this script (the same command outside our
# lines) would give the manager two commands of one name.
if grep -q "<name>$NAME</name>" "$WORK/stripped"; then
	die "$CONF holds a <command> named $NAME outside our begin and end lines (added by hand?): remove it, then run this again"
fi

if [ "$REMOVE" = yes ]; then
	cp "$WORK/stripped" "$WORK/conf.new"
else
	cp "$WORK/stripped" "$WORK/conf.new"
	# The block starts on a line of its own.
	if [ -n "$(tail -c 1 "$WORK/conf.new")" ]; then
		echo >>"$WORK/conf.new"
	fi
	cat "$BLOCK" >>"$WORK/conf.new"
fi

CONF_CHANGES=yes
cmp -s "$WORK/conf.new" "$CONF" && CONF_CHANGES=no
RULES_CHANGES=yes
if [ "$REMOVE" = yes ]; then
	[ -e "$TARGET" ] || RULES_CHANGES=no
else
	! cmp -s "$OURS" "$TARGET" || RULES_CHANGES=no
fi

check() {
	if ! "$ANALYSISD" -t >"$WORK/check.out" 2>&1; then
		cat "$WORK/check.out" >&2
		return 1
	fi
}

if [ "$CONF_CHANGES" = no ] && [ "$RULES_CHANGES" = no ]; then
	if [ "$REMOVE" = yes ]; then
		echo "$PROG: nothing to remove from $DIR"
	else
		echo "$PROG: $DIR already holds the rules and the block: nothing changed"
	fi
	if ! check; then
		echo "$PROG: $ANALYSISD -t refuses the manager's configuration as it is (see above)" >&2
		exit 1
	fi
	exit 0
fi

# A copy of what changes, kept; the previous state, for a rollback.
STAMP=$(date -u +%Y%m%dT%H%M%SZ).$$
[ ! -L "$BACKUPS" ] || die "$BACKUPS: a link; nothing is written through it"
{
	mkdir -p "$BACKUPS" && chmod 0700 "$BACKUPS" && cp -p "$CONF" "$BACKUPS/ossec.conf.$STAMP" &&
		{ [ ! -e "$TARGET" ] || cp -p "$TARGET" "$BACKUPS/$RULES.$STAMP"; }
} || die "cannot keep a copy of the files in $BACKUPS: nothing changed"
HAD_RULES=no
[ ! -e "$TARGET" ] || HAD_RULES=yes

# Replaces $2 by the content of $1, keeping $2's owner, group and mode:
# a copy of $2 (cp -p) takes the new content, then takes its place.
replace_keeping() {
	tmp=$2.$NAME.tmp
	rm -f "$tmp"
	cp -p "$2" "$tmp"
	cat "$1" >"$tmp"
	mv -f "$tmp" "$2"
}

# Our rules file root:wazuh 0660 (.tmp: a name the cluster does not copy
# and analysisd does not load).
install_rules() {
	tmp=$RULESDIR/.$RULES.tmp
	rm -f "$tmp"
	cp "$1" "$tmp"
	chown root:wazuh "$tmp"
	chmod 0660 "$tmp"
	mv -f "$tmp" "$TARGET"
}

# The copies kept their owner, group and mode (cp -p): so do the files.
rollback() {
	replace_keeping "$BACKUPS/ossec.conf.$STAMP" "$CONF"
	if [ "$HAD_RULES" = yes ]; then
		tmp=$RULESDIR/.$RULES.tmp
		rm -f "$tmp"
		cp -p "$BACKUPS/$RULES.$STAMP" "$tmp"
		mv -f "$tmp" "$TARGET"
	else
		rm -f "$TARGET"
	fi
}

CHANGING=yes
[ "$CONF_CHANGES" = no ] || replace_keeping "$WORK/conf.new" "$CONF"
if [ "$RULES_CHANGES" = yes ]; then
	if [ "$REMOVE" = yes ]; then rm -f "$TARGET"; else install_rules "$OURS"; fi
fi

if ! check; then
	CHANGING=no
	rollback
	echo "$PROG: $ANALYSISD -t refused the result (see above): $CONF and $TARGET are back as they were" >&2
	exit 1
fi
CHANGING=no

if [ "$REMOVE" = yes ]; then
	echo "$PROG: removed the block from $CONF and $TARGET; wazuh-analysisd -t accepts the result"
else
	echo "$PROG: installed $TARGET and the block in $CONF; wazuh-analysisd -t accepts the result"
fi
echo "$PROG: the previous files are in $BACKUPS (*.$STAMP)"
echo "$PROG: now restart the manager (systemctl restart wazuh-manager), and run this on every node of a cluster: ossec.conf and ar.conf are not synchronised between nodes"
