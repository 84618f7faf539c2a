#!/usr/bin/env bash
# Runs every libFuzzer harness for a bounded time (SECONDS_TOTAL split between
# them, default 60), after replaying the regression inputs of earlier finds.
#   tests/fuzz/run.sh          # the bounded run the test command makes
#   tests/fuzz/run.sh 3600     # a longer run
# Seeds come from tests/data; new crashers land in tests/fuzz/regressions/.
set -euo pipefail

TOTAL=${1:-60}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${AR_FUZZ_BUILD:-$ROOT/build-fuzz}
HARNESSES=(fuzz_message fuzz_regfile fuzz_report_config fuzz_api_response)
PER=$((TOTAL / ${#HARNESSES[@]}))
[ "$PER" -ge 1 ] || PER=1

if [ ! -f "$BUILD/build.ninja" ]; then
	CC=clang meson setup "$BUILD" "$ROOT" -Dfuzzing=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debugoptimized >/dev/null
fi
meson compile -C "$BUILD" "${HARNESSES[@]/#/fuzz_}" >/dev/null 2>&1 ||
	meson compile -C "$BUILD" >/dev/null

seeds() { # seeds HARNESS DIR
	case "$1" in
	fuzz_message)
		cp "$ROOT"/tests/data/*.json "$2"/
		for f in "$ROOT"/tests/data/v5/*.json; do cp "$f" "$2/v5_$(basename "$f")"; done
		;;
	fuzz_regfile) cp "$ROOT"/tests/data/registry/*.reg "$2"/ ;;
	fuzz_report_config)
		cp "$ROOT"/packaging/wazuh/report-config.example.json "$2"/
		printf '{"api":{"url":"https://h:1","user":"u","password":"p"}}' >"$2/min.json"
		;;
	fuzz_api_response)
		printf '{"data":{"total_affected_items":3,"failed_items":[]},"error":0}' >"$2/ok.json"
		printf 'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.c2ln' >"$2/jwt.txt"
		;;
	esac
}

PASSED=0
FAILED=0
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
for h in "${HARNESSES[@]}"; do
	exe=$BUILD/tests/fuzz/$h
	reg=$HERE/regressions/$h
	if [ -d "$reg" ] && [ -n "$(ls -A "$reg")" ]; then
		if "$exe" -runs=0 "$reg"/* >"$WORK/$h.replay.log" 2>&1; then
			PASSED=$((PASSED + 1))
			echo "ok - $h replays its regression inputs"
		else
			FAILED=$((FAILED + 1))
			echo "not ok - $h fails on a regression input"
			tail -n 30 "$WORK/$h.replay.log"
		fi
	fi
	mkdir -p "$WORK/$h" "$reg"
	seeds "$h" "$WORK/$h"
	if "$exe" -max_total_time="$PER" -timeout=10 -rss_limit_mb=2048 -max_len=1048576 \
		-artifact_prefix="$reg/" "$WORK/$h" >"$WORK/$h.log" 2>&1; then
		PASSED=$((PASSED + 1))
		echo "ok - $h: $(grep -Eo '#[0-9]+ +DONE.*' "$WORK/$h.log" | tail -n 1 || echo "ran ${PER}s")"
	else
		FAILED=$((FAILED + 1))
		echo "not ok - $h found a crash (kept in $reg)"
		tail -n 40 "$WORK/$h.log"
	fi
done
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
