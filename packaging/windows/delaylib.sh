#!/bin/sh
# Makes a delay-import library for a system DLL from the toolchain's own
# import library: every function it names, resolved on the first call (by
# __delayLoadHelper2, mingw-w64's libdelayimp) instead of when the process
# starts. Run by meson for the .exe:
#   delaylib.sh CC NM DLLTOOL DLL OUT
# CC finds the import library (libDLL.a) and names the architecture: on
# i686 the symbols carry a leading underscore and an @N that the DLL's own
# export names do not (dlltool -k drops it from the name looked up).
set -eu
cc=$1 nm=$2 dlltool=$3 dll=$4 out=$5
lib=$("$cc" -print-file-name="lib$dll.a")
[ -f "$lib" ] || {
	echo "delaylib.sh: no import library lib$dll.a for $cc" >&2
	exit 1
}
case $("$cc" -dumpmachine) in
i?86-*) strip='s/^__imp__//' ;;
*) strip='s/^__imp_//' ;;
esac
def=$out.def
{
	echo "LIBRARY $dll.dll"
	echo "EXPORTS"
	"$nm" "$lib" | awk '$2 == "I" && $3 ~ /^__imp_/ { print $3 }' | sed "$strip" | LC_ALL=C sort -u
} >"$def"
rm -f "$out"
"$dlltool" -k --input-def "$def" --output-delaylib "$out"
