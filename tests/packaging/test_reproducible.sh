#!/usr/bin/env bash
# Reproducible builds: the same sources built by packaging/windows/build.sh
# in two different folders give byte-identical .exes (both architectures),
# and package.sh then gives byte-identical zips and SBOMs. The first build
# is the one under test (AR_WIN_DIR, or AR_WIN_EXE's folder), else a copy
# of the tree built here; the second, a copy built in another folder. The
# dependencies come from the shared cache: only the program is rebuilt.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NAME=win_ms_network_client_sign_if_server_agrees
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# shellcheck source=tests/tap.sh
. "$ROOT/tests/tap.sh"
CHECK_LOG=$W/checks.log

# The files of the tree (tracked, and new ones not ignored), not its builds,
# taken once: both copies are of the same moment.
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$ROOT" && git ls-files -z -co --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf -) >"$W/tree.tar"
else
	tar -C "$ROOT" --exclude='./build*' --exclude='./out' -cf "$W/tree.tar" .
fi
copy_tree() { # copy_tree DEST
	mkdir -p "$1" && tar -C "$1" -xf "$W/tree.tar"
}
build_in() { # build_in FOLDER: copy the tree there and build it
	copy_tree "$1/src" &&
		AR_WIN_BUILD=$1/src/build-win "$1/src/packaging/windows/build.sh" "$1/out" >"$1/build.log" 2>&1
}
package() { # package TREE WIN_DIR OUT
	AR_WIN_DIR=$2 AR_PUBLISHER=Reproducible "$1/packaging/windows/package.sh" "$3" >>"$W/package.log" 2>&1
}
fail_with_logs() { # fail_with_logs STEP
	not_ok "$1"
	tail -n 20 "$W"/*.log "$W"/*/*.log 2>/dev/null | sed 's/^/# /'
	tap_summary || exit 1
}

# A copy has no git history: it is told the commit and its time.
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct)
	AR_SOURCE_COMMIT=$(git -C "$ROOT" rev-parse HEAD)
else
	SOURCE_DATE_EPOCH=$(stat -c %Y "$ROOT/meson.build")
	AR_SOURCE_COMMIT=unknown
fi
export SOURCE_DATE_EPOCH AR_SOURCE_COMMIT

FIRST=${AR_WIN_DIR:-}
if [ -z "$FIRST" ] && [ -n "${AR_WIN_EXE:-}" ]; then FIRST=$(dirname "$AR_WIN_EXE"); fi
if [ -n "$FIRST" ]; then
	FIRST_TREE=$ROOT
else
	build_in "$W/first" || fail_with_logs "build.sh in a copy of the tree"
	FIRST=$W/first/out
	FIRST_TREE=$W/first/src
fi
SECOND=$W/second/in/a/deeper/folder
build_in "$SECOND" || fail_with_logs "build.sh in a copy of the tree in another folder"
if ! package "$FIRST_TREE" "$FIRST" "$W/pkg1" || ! package "$SECOND/src" "$SECOND/out" "$W/pkg2"; then
	fail_with_logs "package.sh of both builds"
fi

check "x86_64 .exe: the same bytes from two folders" cmp "$FIRST/$NAME.exe" "$SECOND/out/$NAME.exe"
check "i686 .exe: the same bytes from two folders" \
	cmp "$FIRST/i686/$NAME.exe" "$SECOND/out/i686/$NAME.exe"
ZIP=$(cd "$W/pkg1" && find . -name "$NAME-*-windows.zip")
SBOM=$(cd "$W/pkg1" && find . -name "$NAME-*.spdx.json")
check "zip: the same bytes" cmp "$W/pkg1/$ZIP" "$W/pkg2/$ZIP"
check "SBOM: the same bytes" cmp "$W/pkg1/$SBOM" "$W/pkg2/$SBOM"
echo "# sizes, stripped: x86_64 $(stat -c %s "$FIRST/$NAME.exe") bytes, i686 $(stat -c %s "$FIRST/i686/$NAME.exe") bytes"

tap_summary
