# Checks on a built Windows .exe, shared by build.sh and the tests; each
# returns its verdict as its status. Sourced, not run.
#   pe_format HOST FILE FORMAT     objdump names FILE's format (pei-x86-64, pei-i386)
#   pe_magic HOST FILE MAGIC       optional header magic: 020b PE32+, 010b PE32
#   system_dlls_only HOST FILE     imports only DLLs that every Windows has
#   loads_at_start HOST FILE DLL...  the import table names exactly these
#                                  DLLs (loaded with the process)
#   delay_loads FILE DLL...        the delay-loaded DLLs are exactly these
#   size_at_most FILE BYTES        FILE is no larger than BYTES
#   stripped HOST FILE             no symbol table, no debug sections
#   no_time_stamp HOST FILE        the COFF header's time is zero
#   no_build_paths FILE PATH...    none of the PATHs, nor /tmp/, inside
# HOST: the mingw-w64 triplet whose objdump reads FILE. Each reads a whole
# output into a variable first: grep -q leaving a pipe early would fail the
# pipeline.
# shellcheck shell=bash

pe_format() {
	local f
	f=$("$1-objdump" -f "$2")
	grep -q "file format $3\$" <<<"$f"
}
pe_magic() {
	local p
	p=$("$1-objdump" -p "$2")
	grep -qE "^Magic[[:space:]]+$3[[:space:]]" <<<"$p"
}
system_dlls_only() {
	local dlls bad
	dlls=$("$1-objdump" -p "$2" | awk '/DLL Name:/ { print toupper($3) }')
	bad=$(grep -vE '^(KERNEL32|ADVAPI32|WS2_32|CRYPT32|BCRYPT|SECUR32|USER32|SHELL32|MSVCRT|IPHLPAPI|WLDAP32|NORMALIZ|API-MS-WIN-.*)\.DLL$' <<<"$dlls" || true)
	[ -z "$bad" ] || echo "  needs DLLs that Windows does not ship: $bad" >&2
	[ -n "$dlls" ] && [ -z "$bad" ]
}
# Two lists the same once upper-cased and sorted; else both printed.
same_dlls() { # same_dlls WHAT FOUND WANTED...
	local what=$1 found want
	found=$(tr '[:lower:]' '[:upper:]' <<<"$2" | sed '/^$/d' | LC_ALL=C sort -u)
	shift 2
	want=$(printf '%s\n' "$@" | tr '[:lower:]' '[:upper:]' | LC_ALL=C sort -u)
	[ "$found" = "$want" ] && return 0
	echo "  $what: $(tr '\n' ' ' <<<"$found")(wanted: $(tr '\n' ' ' <<<"$want"))" >&2
	return 1
}
loads_at_start() {
	local host=$1 file=$2 dlls
	shift 2
	dlls=$("$host-objdump" -p "$file" | awk '/DLL Name:/ { print $3 }')
	same_dlls "loaded at start" "$dlls" "$@"
}
delay_loads() {
	local file=$1 dlls
	shift
	dlls=$(python3 "$(dirname "${BASH_SOURCE[0]}")/pe_delay_imports.py" "$file") || return 1
	same_dlls "delay-loaded" "$dlls" "$@"
}
size_at_most() {
	local size
	size=$(stat -c %s "$1")
	[ "$size" -le "$2" ] || echo "  $1: $size bytes, over $2" >&2
	[ "$size" -le "$2" ]
}
stripped() {
	local f h
	f=$("$1-objdump" -f "$2")
	h=$("$1-objdump" -h "$2")
	! grep -q HAS_SYMS <<<"$f" && ! grep -q '\.debug' <<<"$h"
}
no_time_stamp() {
	local p
	p=$("$1-objdump" -p "$2")
	grep -qE '^Time/Date[[:space:]]+(Thu Jan  1 00:00:00 1970|0+)$' <<<"$p"
}
no_build_paths() {
	local s file=$1 p
	shift
	s=$(strings -a "$file")
	for p in "$@" /tmp/; do
		! grep -qF -e "$p" <<<"$s" || return 1
	done
}
