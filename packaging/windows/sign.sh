#!/usr/bin/env bash
# Signs Windows files in place (Authenticode, SHA-256) with osslsigncode:
#   packaging/windows/sign.sh --cert CERT.pem --key KEY.pem [--pass-file F]
#       [--timestamp URL]... [--url URL] FILE...
#   packaging/windows/sign.sh --pkcs12 FILE.p12 [--pass-file F] [...] FILE...
# FILE: .exe or .msi. --pass-file names a file holding the key's password
# (read by osslsigncode itself: it never appears in a command line).
# --timestamp adds an RFC 3161 time stamp from that server (repeat it for
# fallbacks): the signature then stays valid after the certificate expires.
# A file is replaced only once its signed copy is complete.
set -euo pipefail

usage() {
	sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NAME=win_ms_network_client_sign_if_server_agrees
cert='' key='' p12='' pass='' url=''
stamps=()
while [ $# -gt 0 ]; do
	case "$1" in
	--cert) cert=${2:?--cert needs a file}; shift 2 ;;
	--key) key=${2:?--key needs a file}; shift 2 ;;
	--pkcs12) p12=${2:?--pkcs12 needs a file}; shift 2 ;;
	--pass-file) pass=${2:?--pass-file needs a file}; shift 2 ;;
	--timestamp) stamps+=("${2:?--timestamp needs a URL}"); shift 2 ;;
	--url) url=${2:?--url needs a URL}; shift 2 ;;
	--help | -h) usage ;;
	--) shift; break ;;
	-*) echo "sign.sh: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || usage
if [ -n "$p12" ]; then
	[ -z "$cert$key" ] || { echo "sign.sh: --pkcs12 or --cert/--key, not both" >&2; exit 2; }
	signer=(-pkcs12 "$p12")
else
	if [ -z "$cert" ] || [ -z "$key" ]; then
		echo "sign.sh: --cert and --key are needed" >&2
		exit 2
	fi
	signer=(-certs "$cert" -key "$key")
fi
for f in "${signer[@]:1:1}" ${key:+"$key"} ${pass:+"$pass"} "$@"; do
	[ -r "$f" ] || { echo "sign.sh: cannot read $f" >&2; exit 1; }
done

"$HERE/../ensure-packages.sh" osslsigncode

opts=("${signer[@]}" -h sha256 -n "$NAME")
[ -z "$pass" ] || opts+=(-readpass "$pass")
[ -z "$url" ] || opts+=(-i "$url")
for ts in "${stamps[@]}"; do
	opts+=(-ts "$ts")
done

for f in "$@"; do
	case "$f" in
	*.exe | *.EXE | *.msi | *.MSI) ;;
	*) echo "sign.sh: $f is neither an .exe nor an .msi" >&2; exit 1 ;;
	esac
	tmp="$f.signing.$$"
	# A file signed before is signed anew, not given a second signature.
	if ! osslsigncode sign "${opts[@]}" -in "$f" -out "$tmp" >"$tmp.log" 2>&1; then
		cat "$tmp.log" >&2
		rm -f "$tmp" "$tmp.log"
		echo "sign.sh: could not sign $f" >&2
		exit 1
	fi
	rm -f "$tmp.log"
	chmod --reference="$f" "$tmp"
	mv -f "$tmp" "$f"
	echo "signed $f"
done
