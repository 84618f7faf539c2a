#!/usr/bin/env bash
# The main job on its built-in default: installs the build dependencies
# (Debian 12), builds, and pipes a sample SCA alert (check 26032 failed) into
# the program with a sample .reg file standing in for the registry, showing
# the value before and after, the log line and the backup. The sample also
# holds the server-side value of the same name, which must stay as it is.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packaging/ensure-packages.sh meson ninja-build pkg-config gcc libc6-dev libcjson-dev \
	libcurl4-openssl-dev libexpat1-dev check

[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build >/dev/null

PROG=build/active-response/win_ms_network_client_sign_if_server_agrees
ALERT=tests/data/ours_26032_failed.json
DEMO=$(mktemp -d)
cp tests/data/registry/value_0_utf16.reg "$DEMO/registry.reg"

show() {
	iconv -f UTF-16LE -t UTF-8 "$DEMO/registry.reg" | tr -d '\r' | sed 's/^\xEF\xBB\xBF//' |
		grep -iE '^\[.*Lanman(Workstation|Server)\\Parameters\]|EnableSecuritySignature' || true
}

echo "== registry before ($DEMO/registry.reg)"
show
echo "== running: $PROG --registry-file registry.reg --log-file active-responses.log < $ALERT"
set +e
"$PROG" --registry-file "$DEMO/registry.reg" --log-file "$DEMO/active-responses.log" <"$ALERT"
code=$?
set -e
echo "== exit status: $code"
echo "== registry after"
show
echo "== log line ($DEMO/active-responses.log)"
cat "$DEMO/active-responses.log"
echo "== backup (restores the old state: $PROG --registry-file ... --restore FILE)"
for f in "$DEMO"/*-backups/*.reg; do
	echo "$f"
	iconv -f UTF-16LE -t UTF-8 "$f" | tr -d '\r' | sed 's/^\xEF\xBB\xBF//'
done
exit "$code"
