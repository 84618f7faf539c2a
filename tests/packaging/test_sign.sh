#!/usr/bin/env bash
# packaging/windows/sign.sh: Authenticode signatures on the .exes and the MSI,
# with a throwaway certificate authority made here by openssl. osslsigncode
# verify accepts them against that CA, refuses them against another CA, and
# refuses them after a one-byte change. --timestamp is served by a stand-in
# RFC 3161 server (tsa_standin.py, openssl ts). package.sh signs what it
# packs.
# Uses AR_WIN_DIR (or AR_WIN_EXE's folder), else builds with build.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NAME=win_ms_network_client_sign_if_server_agrees
SIGN=$ROOT/packaging/windows/sign.sh
"$ROOT/packaging/ensure-packages.sh" osslsigncode openssl unzip
W=$(mktemp -d)
TSA_PID=
trap '[ -z "$TSA_PID" ] || kill "$TSA_PID" 2>/dev/null; rm -rf "$W"' EXIT

WIN=${AR_WIN_DIR:-}
if [ -z "$WIN" ] && [ -n "${AR_WIN_EXE:-}" ]; then WIN=$(dirname "$AR_WIN_EXE"); fi
if [ -z "$WIN" ]; then
	"$ROOT/packaging/windows/build.sh" "$W/win" >/dev/null
	WIN=$W/win
fi

# shellcheck source=tests/tap.sh
. "$ROOT/tests/tap.sh"
# Every check's output, searched at the end for the password.
CHECK_LOG=$W/all.log

# A CA, a code-signing certificate it issued (key under a password kept in a
# file), the same as PKCS#12, and an unrelated second CA.
pki() {
	local d=$W/pki
	mkdir -p "$d"
	cd "$d"
	printf 'throwaway-%s\n' "$(openssl rand -hex 12)" >pass
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
		-subj "/CN=Throwaway test CA" -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign
	openssl req -newkey rsa:2048 -keyout signer.key -passout file:pass -out signer.csr \
		-subj "/CN=Throwaway code signer"
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n' >ext
	openssl x509 -req -in signer.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out signer.pem \
		-days 2 -extfile ext
	# (openssl reads two lines from one file named by -passin and -passout.)
	cp pass pass.out
	openssl pkcs12 -export -in signer.pem -inkey signer.key -passin file:pass -out signer.p12 \
		-passout file:pass.out
	openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 \
		-subj "/CN=Another CA"
	# The time stamp authority, certified by the same CA.
	openssl req -newkey rsa:2048 -nodes -keyout tsa.key -out tsa.csr -subj "/CN=Throwaway TSA"
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n' >tsa.ext
	openssl x509 -req -in tsa.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out tsa.pem -days 2 \
		-extfile tsa.ext
	echo 01 >tsaserial
	cat >tsa.cnf <<CNF
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = $d/tsaserial
crypto_device = builtin
signer_cert = $d/tsa.pem
certs = $d/ca.pem
signer_key = $d/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
CNF
	[ -s signer.p12 ] && [ -s other.pem ] && [ -s tsa.pem ]
}
if ! (pki) >"$W/pki.log" 2>&1; then
	not_ok "a throwaway CA, signer and time stamp authority made by openssl"
	sed 's/^/# /' "$W/pki.log"
	tap_summary || exit 1
fi
P=$W/pki

verify() { # verify FILE [CA]: the signature holds, with CA as the only trust
	osslsigncode verify -in "$1" -CAfile "${2:-$P/ca.pem}"
}
sha256_digest() {
	local v
	v=$(osslsigncode verify -in "$1" -CAfile "$P/ca.pem" 2>&1)
	grep -qiE 'digest algorithm *: *SHA256' <<<"$v"
}
refused() { ! verify "$@"; }
flip() { # flip FILE OFFSET: one byte changed
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf '%b' "\\$(printf '%03o' $(((b + 1) % 256)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
offset_of() { # offset_of FILE TEXT: where TEXT first occurs
	grep -obaF "$2" "$1" | head -n 1 | cut -d: -f1
}

cp "$WIN/$NAME.exe" "$W/a.exe"
cp "$WIN/i686/$NAME.exe" "$W/b.exe"
check "sign.sh --cert --key --pass-file signs the x86_64 .exe" \
	"$SIGN" --cert "$P/signer.pem" --key "$P/signer.key" --pass-file "$P/pass" "$W/a.exe"
check "osslsigncode verify accepts it against the throwaway CA" verify "$W/a.exe"
check "SHA-256 digest" sha256_digest "$W/a.exe"
check "another CA does not vouch for it" refused "$W/a.exe" "$P/other.pem"
check "sign.sh --pkcs12 --pass-file signs the i686 .exe" \
	"$SIGN" --pkcs12 "$P/signer.p12" --pass-file "$P/pass" "$W/b.exe"
check "osslsigncode verify accepts the i686 .exe" verify "$W/b.exe"
cp "$W/a.exe" "$W/a2.exe"
check "signing again replaces the signature" \
	"$SIGN" --cert "$P/signer.pem" --key "$P/signer.key" --pass-file "$P/pass" "$W/a2.exe"
check "... and it still verifies" verify "$W/a2.exe"

# One byte of the code (the middle of the file) changed.
cp "$W/a.exe" "$W/t.exe"
flip "$W/t.exe" $(($(stat -c %s "$WIN/$NAME.exe") / 2))
check "a one-byte change in the .exe fails verify" refused "$W/t.exe"

# Time stamps from the stand-in authority.
/usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/tsa_standin.py" "$P/tsa.cnf" "$W/tsa.port" \
	2>"$W/tsa.err" &
TSA_PID=$!
# Its port, once it listens: a bounded wait, and a stand-in that never
# says is named with its output.
for _ in $(seq 600); do
	if [ -s "$W/tsa.port" ] || ! kill -0 "$TSA_PID" 2>/dev/null; then break; fi
	sleep 0.1
done
if [ ! -s "$W/tsa.port" ]; then
	not_ok "the time stamp stand-in (tsa_standin.py) listening within 60 s"
	sed 's/^/# /' "$W/tsa.err"
fi
cp "$WIN/$NAME.exe" "$W/d.exe"
check "sign.sh --timestamp URL: signed and time-stamped" \
	"$SIGN" --cert "$P/signer.pem" --key "$P/signer.key" --pass-file "$P/pass" \
	--timestamp "http://127.0.0.1:$(cat "$W/tsa.port" 2>/dev/null)/" "$W/d.exe"
stamped() {
	local v
	v=$(osslsigncode verify -in "$1" -CAfile "$P/ca.pem" -TSA-CAfile "$P/ca.pem" 2>&1)
	grep -q "Timestamp Server Signature verification: ok" <<<"$v" &&
		grep -q "^Signature verification: ok" <<<"$v"
}
check "osslsigncode verify accepts the signature and its time stamp" stamped "$W/d.exe"
not_stamped() { ! stamped "$1"; }
check "... and tells an unstamped one apart" not_stamped "$W/a.exe"

# A timestamp server that cannot be reached: signing fails, the file stays.
cp "$WIN/$NAME.exe" "$W/c.exe"
stamp_refused() {
	local e
	! e=$("$SIGN" --cert "$P/signer.pem" --key "$P/signer.key" --pass-file "$P/pass" \
		--timestamp http://127.0.0.1:9/ "$W/c.exe" 2>&1) && grep -q "RFC 3161 timestamping failed" <<<"$e"
}
check "--timestamp asks that server (RFC 3161): unreachable, the signing fails" stamp_refused
check "... and leaves the file as it was" cmp "$W/c.exe" "$WIN/$NAME.exe"
check "... with no half-signed copy beside it" \
	test "$(find "$W" -maxdepth 1 -name 'c.exe*' | wc -l)" = 1

# The packages, signed by package.sh: both .exes inside and the MSI.
OUT=$W/pkg
if AR_WIN_DIR=$WIN "$ROOT/packaging/windows/package.sh" "$OUT" --cert "$P/signer.pem" \
	--key "$P/signer.key" --pass-file "$P/pass" >"$W/package.log" 2>&1; then
	ZIP=$(find "$OUT" -name "$NAME-*-windows.zip")
	MSI=$(find "$OUT" -name "$NAME-*.msi")
	V=$(basename "$ZIP" -windows.zip)
	unzip -p "$ZIP" "$V/$NAME.exe" >"$W/z64.exe"
	unzip -p "$ZIP" "$V/i686/$NAME.exe" >"$W/z32.exe"
	check "package.sh signs the zip's x86_64 .exe" verify "$W/z64.exe"
	check "package.sh signs the zip's i686 .exe" verify "$W/z32.exe"
	check "package.sh signs the MSI" verify "$MSI"
	check "SHA256SUMS matches the signed MSI" bash -c "cd '$OUT' && sha256sum -c --strict SHA256SUMS"
	cp "$MSI" "$W/t.msi"
	# One byte of the product name in the MSI's string pool.
	flip "$W/t.msi" "$(offset_of "$W/t.msi" "SMB client signing")"
	check "a one-byte change in the MSI fails verify" refused "$W/t.msi"
else
	sed 's/^/# /' "$W/package.log"
	check "package.sh with signing options" false
fi

no_password() { ! grep -qF "$(cat "$P/pass")" "$W/all.log" "$W/package.log"; }
check "the key's password appears in no output" no_password

tap_summary
