# shellcheck shell=bash
# shellcheck disable=SC2016,SC2034 # scripts given to sh and bash; CAPS_WHY is for the caller
# What this machine can do, found by doing it: each caps_NAME tries the
# thing once (a program run, a namespace made) and returns 0 when it
# worked, 1 when it did not, with the reason in one line in CAPS_WHY
# (empty after a success). Never asked of dpkg or apt: an installed
# package is not a kernel that runs it. A suite that needs one skips what
# needs it by name:
#   . "$ROOT/tests/caps.sh"
#   if caps_exec32; then ...; else caps_skipped "the i686 suites" "$CAPS_WHY"; fi
# Safe to source under set -euo pipefail: defines functions and one
# variable, runs nothing. The Python suites ask the same functions
# (tests/e2e/arprog.py's missing_capability).
CAPS_WHY=""

# caps_skipped WHAT WHY: the one line a suite prints for what it skipped.
caps_skipped() {
	printf 'skipped: %s: %s\n' "$1" "$2"
}

# caps_note WHY: sets CAPS_WHY to one line (control characters out, at
# most 200 bytes) and fails.
caps_note() {
	CAPS_WHY=$(printf '%s' "$1" | tr -d '\000-\037\177' | cut -b 1-200)
	return 1
}

# caps_last_line TEXT: the last non-empty line of TEXT, for a reason.
caps_last_line() {
	printf '%s\n' "$1" | sed '/^[[:space:]]*$/d' | tail -n 1
}

# caps_exec32: the kernel runs a 32-bit x86 program. A static i386
# program of three instructions (exit status 42), assembled and linked
# here with binutils, is run.
caps_exec32() {
	CAPS_WHY=""
	local dir out rc=0
	command -v as >/dev/null && command -v ld >/dev/null ||
		caps_note "no assembler and linker (binutils) to make an i386 test program" || return 1
	dir=$(mktemp -d) || caps_note "no temporary folder" || return 1
	printf '.globl _start\n_start:\n\tmovl $1, %%eax\n\tmovl $42, %%ebx\n\tint $0x80\n' >"$dir/exit42.s"
	if ! out=$(as --32 -o "$dir/exit42.o" "$dir/exit42.s" 2>&1 &&
		ld -m elf_i386 -static -o "$dir/exit42" "$dir/exit42.o" 2>&1); then
		rm -rf "$dir"
		caps_note "cannot make an i386 test program: $(caps_last_line "$out")"
		return 1
	fi
	out=$("$dir/exit42" 2>&1) || rc=$?
	rm -rf "$dir"
	[ "$rc" -eq 42 ] && return 0
	out=$(caps_last_line "$out")
	caps_note "this kernel runs no 32-bit x86 program (a static i386 program: ${out##*: }, status $rc)"
}

# caps_wine32: Wine's 32-bit loader (CAPS_WINE32_LOADER, default Debian's
# /usr/lib/wine/wine, what its `wine` picks first) is there and runs.
caps_wine32() {
	CAPS_WHY=""
	local loader=${CAPS_WINE32_LOADER:-/usr/lib/wine/wine} out rc=0
	[ -x "$loader" ] || caps_note "no 32-bit Wine loader at $loader (wine32's)" || return 1
	# Run by bash, which names the kernel's refusal: timeout's own execvp
	# would read a file the kernel refuses as a shell script.
	out=$(WINEDEBUG=-all timeout 60 bash -c '"$0" --version' "$loader" 2>&1) || rc=$?
	if [ "$rc" -eq 0 ] && [[ $out == wine-* ]]; then
		return 0
	fi
	out=$(caps_last_line "$out")
	caps_note "the 32-bit Wine loader $loader does not run (${out##*: }, status $rc)"
}

# caps_mountns: a private mount namespace (unshare -m), in which a bind
# mount is allowed.
caps_mountns() {
	CAPS_WHY=""
	local out rc=0
	out=$(timeout 30 unshare -m --propagation private sh -c 'mount --bind / / 2>&1' 2>&1) || rc=$?
	[ "$rc" -ne 0 ] || return 0
	caps_note "no private mount namespace with a bind mount (unshare -m: $(caps_last_line "$out"), status $rc)"
}

# caps_userns: a user namespace (unshare -r), as an unprivileged user
# would make one.
caps_userns() {
	CAPS_WHY=""
	local out rc=0
	out=$(timeout 30 unshare -r true 2>&1) || rc=$?
	[ "$rc" -ne 0 ] || return 0
	caps_note "no user namespace (unshare -r: $(caps_last_line "$out"), status $rc)"
}

# caps_setpriv: a command run as another user (setpriv, nobody's ids).
caps_setpriv() {
	CAPS_WHY=""
	local out rc=0
	out=$(timeout 30 setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'test "$(id -u)" = 65534' 2>&1) ||
		rc=$?
	[ "$rc" -ne 0 ] || return 0
	caps_note "no command run as another user (setpriv: $(caps_last_line "$out"), status $rc)"
}

# caps_fifo: a FIFO made in a temporary folder and opened, written and
# read (a file system or policy may refuse either).
caps_fifo() {
	CAPS_WHY=""
	local dir out rc=0
	dir=$(mktemp -d) || caps_note "no temporary folder" || return 1
	out=$(mkfifo "$dir/f" 2>&1 && timeout 10 sh -c 'echo x >"$1" & read -r l <"$1" && wait $! &&
		test "$l" = x' sh "$dir/f" 2>&1) || rc=$?
	rm -rf "$dir"
	[ "$rc" -ne 0 ] || return 0
	caps_note "no FIFO made and used in a temporary folder ($(caps_last_line "$out"), status $rc)"
}
