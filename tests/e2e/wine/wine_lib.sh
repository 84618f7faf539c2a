# shellcheck shell=bash
# The one way the Wine suites drive Wine: every `wine reg`, `wineboot`,
# `msiexec`, `cmd /c`, `winepath` and run of the .exe goes through
# wine_step. Each run has a time limit. A run that failed the way a Wine
# process fails to start (below) is run again, at most WINE_TRIES times in
# all, after waiting until the prefix is idle. A step that still fails is
# reported by name with its command, status and output: counted as a
# failed check (tap.sh's not_ok) in the suite's own shell, or, inside a
# command substitution (where no count survives), written on stderr ahead
# of the check that reads its result and so fails. The suite goes on.
# Sourced by agent.sh and tests/unit/wine.sh; needs WORK (a folder of the
# suite's).
#
# Which Wine loader runs every step is decided here, once, by
# wine_use_loader (called below): Debian's `wine` (/usr/bin/wine, and
# wineboot, winepath, msiexec through it) runs the 32-bit loader whenever
# that file is there, even where the kernel cannot run it (an installed
# but unusable wine32), and every 64-bit step then fails. So the steps run
# the loader named for their architecture: AR_WINE_ARCH, x86_64 (the
# default: the 64-bit loader) or i686 (the 32-bit one; i686.sh sets it
# only where tests/caps.sh's caps_wine32 found that it runs).

WINE_TRIES=3
# Seconds one run of a step may take, and a wait for the prefix to be idle:
# far above what a step takes on a loaded machine (a few seconds), they
# only end a hang.
WINE_STEP_LIMIT=${AR_WINE_STEP_LIMIT:-300}
WINE_IDLE_LIMIT=${AR_WINE_IDLE_LIMIT:-180}

# Failures known to be transient, all from Wine's loader before the
# program runs, so running it again does nothing twice:
# - the messages of a client that found the prefix's wineserver exiting
#   or not yet started, and gave up connecting. Debian starts wineserver
#   with -p0 (/usr/lib/wine/wineserver): it exits, saving the registry, as
#   soon as its last process has, so each step of a suite starts a new one
#   while the last may still be going away, slowly on a loaded machine:
#   "a wine server seems to be running, but I cannot connect to it", "for
#   some mysterious reason, the wine server never started / failed to
#   run", and Debian's "fixed a temporary directory error, please try
#   running the same command again";
# - "wine client error:", the server gone in the middle of a request.
# Waiting for the old server to be gone (wineserver -w) is the cure.
WINE_TRANSIENT='^wine: (a wine server seems to be running, but I cannot connect|for some mysterious reason, the wine server|fixed a temporary directory error)|^wine client error:'
# Any other line of Wine's loader (a crash, a DLL not found): a step with
# one is never a plain answer. Those of a new prefix are not failures.
WINE_LOADER='^wine( client error)?:'
WINE_BENIGN='^wine: (created the configuration directory|configuration in .* has been updated)'

# wine_idle: waits, bounded, until every process of the prefix has ended
# and its wineserver has exited.
wine_idle() {
	local rc=0
	timeout "$WINE_IDLE_LIMIT" wineserver -w || rc=$?
	[ "$rc" -eq 0 ] || echo "# the Wine prefix was still busy after $WINE_IDLE_LIMIT s (wineserver -w: status $rc)" >&2
	return "$rc"
}

# wine_step [--in FILE] [--cwd DIR] [--ok "CODES"|any] [--again "CODES"]
#           [--loader-ok] NAME COMMAND...
# Runs COMMAND (stdin FILE, default /dev/null; in DIR). WINE_RC, WINE_OUT
# (stdout) and WINE_ERR (stderr) hold its outcome. It fails when its status
# is not among CODES (default 0; "any": every status is an answer), when it
# hit the time limit, or when Wine's loader spoke. --again: statuses that
# are transient for this command (the caller says why), tried again like
# Wine's. --loader-ok: Wine's loader lines are not failures (wineboot's:
# the programs it starts in a new prefix say theirs). Returns 0: the
# failure is reported here, and the suite goes on.
wine_step() {
	local in=/dev/null cwd=. ok=0 again="" loader=no name try
	while :; do
		case "$1" in
		--loader-ok)
			loader=ok
			shift
			continue
			;;
		--in) in=$2 ;;
		--cwd) cwd=$2 ;;
		--ok) ok=$2 ;;
		--again) again=$2 ;;
		*) break ;;
		esac
		shift 2
	done
	name=$1
	shift
	for ((try = 1; try < WINE_TRIES; try++)); do
		wine_once "$in" "$cwd" "$@"
		wine_transient "$again" || break
		echo "# $name: transient failure, try $try of $WINE_TRIES: status $WINE_RC$(grep -m 1 -E "$WINE_TRANSIENT" <<<"$WINE_ERR" | sed 's/^/, /')" >&2
		wine_idle || true
	done
	[ "$try" -lt "$WINE_TRIES" ] || wine_once "$in" "$cwd" "$@"
	wine_accepted "$ok" "$loader" || wine_report "$name" "$cwd" "$@"
	return 0
}

# Its output in files of this shell's own (steps may run side by side).
wine_once() { # wine_once IN CWD COMMAND...
	local in=$1 cwd=$2
	shift 2
	WINE_FILES=$WORK/wine-step.$BASHPID
	WINE_RC=0
	(cd "$cwd" && exec timeout -k 10 "$WINE_STEP_LIMIT" "$@") <"$in" >"$WINE_FILES.out" \
		2>"$WINE_FILES.err" || WINE_RC=$?
	WINE_OUT=$(cat "$WINE_FILES.out")
	WINE_ERR=$(cat "$WINE_FILES.err")
}

wine_transient() { # wine_transient CODES: the outcome in WINE_* is worth another try
	[ "$WINE_RC" -ne 0 ] || return 1
	grep -qE "$WINE_TRANSIENT" <<<"$WINE_ERR" || [[ " $1 " == *" $WINE_RC "* ]]
}

wine_accepted() { # wine_accepted CODES no|ok: the outcome in WINE_* is an answer
	# 124: the time limit (timeout); 137: killed after it.
	case "$WINE_RC" in 124 | 137) return 1 ;; esac
	[ "$2" = ok ] || ! grep -E "$WINE_LOADER" <<<"$WINE_ERR" | grep -qvE "$WINE_BENIGN" || return 1
	[ "$1" = any ] || [[ " $1 " == *" $WINE_RC "* ]]
}

wine_report() { # wine_report NAME CWD COMMAND...
	local name=$1 cwd=$2 how
	shift 2
	how="status $WINE_RC"
	case "$WINE_RC" in 124 | 137) how="no end within $WINE_STEP_LIMIT s ($how)" ;; esac
	if [ "$BASHPID" = "$$" ] && declare -F not_ok >/dev/null; then
		not_ok "Wine step: $name ($how)"
		wine_details "$cwd" "$@"
	else
		{
			echo "# Wine step failed: $name ($how)"
			wine_details "$cwd" "$@"
		} >&2
	fi
}

wine_details() { # the command and its output, as "# " lines
	local cwd=$1
	shift
	printf '#   command (in %s):' "$cwd"
	printf ' %q' "$@"
	printf '\n'
	{
		tail -n 20 "$WINE_FILES.out"
		tail -n 20 "$WINE_FILES.err"
	} | tr -d '\r' | sed 's/^/#   | /'
}

# wine_path -w|-u PATH: winepath's answer ("" when it failed, reported).
wine_path() {
	wine_step "winepath $1 $2" winepath "$1" "$2"
	[ "$WINE_RC" -ne 0 ] || printf '%s\n' "$WINE_OUT"
}

# The loaders' folder (Debian's), and the programs run through the loader
# by their names, as Debian's own links to its wrapper do.
WINE_LIBDIR=${AR_WINE_LIBDIR:-/usr/lib/wine}
WINE_PROGRAMS=(wineboot winepath msiexec wineconsole regedit)

# wine_loader ARCH: the path of the loader for x86_64 or i686. Where the
# folder has no such loader (another distribution's layout), the `wine64`
# or `wine` on PATH.
wine_loader() {
	local name=wine64
	[ "$1" != i686 ] || name=wine
	if [ -x "$WINE_LIBDIR/$name" ]; then
		printf '%s\n' "$WINE_LIBDIR/$name"
	else
		command -v "$name" || command -v wine
	fi
}

# wine_use_loader DIR ARCH: `wine` and WINE_PROGRAMS, in DIR put first on
# PATH, run ARCH's loader (so Python and meson's exe_wrapper reach it
# too); WINE_LOADER_PATH names it, WINE is DIR's `wine`. Like Debian's
# wrapper: WINELOADER is the loader and WINEDEBUG, where unset, fixme-all.
wine_use_loader() {
	local dir=$1 loader p
	loader=$(wine_loader "$2") || {
		echo "# no Wine loader for $2 in $WINE_LIBDIR or on PATH" >&2
		return 1
	}
	mkdir -p "$dir"
	printf '#!/bin/sh\nexec %q "$@"\n' "$loader" >"$dir/wine"
	for p in "${WINE_PROGRAMS[@]}"; do
		printf '#!/bin/sh\nexec %q %s.exe "$@"\n' "$loader" "$p" >"$dir/$p"
	done
	(cd "$dir" && chmod +x wine "${WINE_PROGRAMS[@]}")
	# shellcheck disable=SC2034 # for the scripts that source this
	WINE_LOADER_PATH=$loader WINE=$dir/wine
	export PATH="$dir:$PATH" WINELOADER="$loader" WINEDEBUG="${WINEDEBUG:-fixme-all}"
}

wine_use_loader "$WORK/wine-bin" "${AR_WINE_ARCH:-x86_64}"
