#!/usr/bin/env bash
# Runs every libFuzzer harness for a bounded time, after replaying the
# inputs of earlier finds; fails on any crash, leak or sanitizer report.
#
#   tests/fuzz/run.sh          # 60 s in all, shared between the 9 harnesses
#   tests/fuzz/run.sh 3600     # the longer run: an hour in all
#
# Builds in its own folder (AR_FUZZ_BUILD, default build-fuzz) with
# CC=clang -Dfuzzing=true -Db_sanitize=none; tests/fuzz/meson.build adds
# -fsanitize=fuzzer,address,undefined. Seeds are copied at run time from
# tests/data (sample messages, .reg registries, the bad-input table),
# packaging/wazuh and tests/fuzz/seeds/<harness>/ (files the program and the
# sweep wrote, made by tests/fuzz/seeds/make.py). A crash lands in tests/fuzz/regressions/<harness>/ and is
# replayed by every later run. AR_FUZZ_CORPUS=DIR keeps the grown corpora.
# Ends with "N passed, M failed".
set -euo pipefail

TOTAL=${1:-60}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${AR_FUZZ_BUILD:-$ROOT/build-fuzz}
HARNESSES=(fuzz_message fuzz_regfile fuzz_report_config fuzz_api_response
	fuzz_history fuzz_token_cache fuzz_sweep_state fuzz_gpo fuzz_ossec_conf fuzz_sweep_answers)
# Each harness's share of the time, in parts: two for the inputs that come
# from others (the message, .reg files, the configuration, API answers), one
# for the small files read back from disk and the manager's ossec.conf
# (written by its administrator). 60 s: 8 s and 4 s.
SHARES=(2 2 2 2 1 1 1 1 1 2)
PARTS=0
for s in "${SHARES[@]}"; do PARTS=$((PARTS + s)); done
PART=$((TOTAL / PARTS))
[ "$PART" -ge 1 ] || PART=1
# shellcheck source=tests/tap.sh
. "$ROOT/tests/tap.sh"

# In memory where there is such a folder: the harnesses that read files back
# write one per input, and the program flushes the history and the sweep
# state to disk (fsync); on a disk that is 40 times fewer runs.
WORK=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
# shellcheck disable=SC2016 # expanded at exit
at_exit 'rm -rf "$WORK"'

configure() {
	if [ -f "$BUILD/build.ninja" ]; then
		meson configure "$BUILD" -Dfuzzing=true -Db_sanitize=none >/dev/null
	else
		CC=clang meson setup "$BUILD" "$ROOT" -Dfuzzing=true -Db_sanitize=none \
			-Dbuildtype=debugoptimized >/dev/null
	fi
	if ! meson compile -C "$BUILD" "${HARNESSES[@]/#/tests/fuzz/}" >"$WORK/build.log" 2>&1; then
		cat "$WORK/build.log"
		grep -q 'C compiler for the host machine: clang' "$BUILD/meson-logs/meson-log.txt" ||
			echo "$BUILD was set up with another compiler than clang: remove it" >&2
		return 1
	fi
}

# Inputs of the bad-input table, one file each: "input"/"input_hex" for the
# message, "registry_hex"/"restore_hex" for the .reg parser.
table_seeds() { # table_seeds KIND DIR
	/usr/bin/python3 - "$ROOT/tests/data/bad/cases.json" "$1" "$2" <<'EOF'
import json, os, sys
table, kind, out = sys.argv[1:]
with open(table, encoding="utf-8") as f:
    cases = json.load(f)["cases"]
for i, c in enumerate(cases):
    if kind == "message":
        data = bytes.fromhex(c["input_hex"]) if "input_hex" in c else c.get("input", "").encode()
    else:
        data = bytes.fromhex(c.get("registry_hex", c.get("restore_hex", "")))
    if 0 < len(data) <= 65536:
        with open(os.path.join(out, "table-%02d" % i), "wb") as f:
            f.write(data)
EOF
}

seeds() { # seeds HARNESS DIR
	local f
	case "$1" in
	fuzz_message)
		for f in "$ROOT"/tests/data/*.json "$ROOT"/tests/data/v5/*.json; do
			[ -f "$f" ] && cp "$f" "$2/$(basename "$(dirname "$f")")_$(basename "$f")"
		done
		table_seeds message "$2"
		;;
	fuzz_regfile)
		for f in "$ROOT"/tests/data/registry/*.reg; do
			[ -f "$f" ] && cp "$f" "$2/"
		done
		table_seeds registry "$2"
		;;
	fuzz_report_config)
		f=$ROOT/packaging/wazuh/report-config.example.json
		[ -f "$f" ] && cp "$f" "$2/"
		printf '{"api":{"url":"https://h:1","user":"u","password":"p","timeout_seconds":5},"spool_dir":"/s","spool_max_events":10,"spool_max_bytes":8192,"allow_plain_http":false}' >"$2/full.json"
		;;
	fuzz_ossec_conf)
		cp "$ROOT"/tests/data/ossec_conf/*.conf "$ROOT/packaging/wazuh/ossec.conf" "$2/"
		;;
	fuzz_api_response)
		printf '{"data":{"affected_items":["{\\"status\\":\\"remediated\\"}"],"total_affected_items":1,"total_failed_items":2,"failed_items":[{"error":{"code":1014},"id":["{\\"status\\":\\"compliant\\"}"]}]},"message":"Some events were forwarded","error":1}' >"$2/events.json"
		printf 'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.c2ln' >"$2/jwt.txt"
		;;
	fuzz_sweep_answers)
		printf '{"data":{"affected_items":[{"id":"001","name":"ws-1","version":"Wazuh v4.14.7","status":"active","os":{"platform":"windows"}},{"id":"002","version":"Wazuh v4.1.5"}],"total_affected_items":2,"total_failed_items":0,"failed_items":[]},"error":0}' >"$2/agents.json"
		printf '{"data":{"affected_items":[{"policy_id":"cis_win11_enterprise","name":"CIS Microsoft Windows 11 Enterprise"}],"total_affected_items":1,"failed_items":[]},"error":0}' >"$2/policies.json"
		printf '{"data":{"affected_items":[],"failed_items":[{"error":{"code":1701},"id":["009"]}]},"error":1}' >"$2/unknown-agent.json"
		printf '{"data":{"affected_items":[{"id":26032,"policy_id":"cis_win11_enterprise","title":"Ensure '"'"'Microsoft network client: Digitally sign communications (if server agrees)'"'"' is set to '"'"'Enabled'"'"'.","result":"failed","registry":"HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters","rules":[{"type":"registry","rule":"r:HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters -> EnableSecuritySignature -> 1"}],"compliance":[{"key":"cis","value":"2.3.8.2"}]}],"total_affected_items":1},"error":0}' >"$2/checks.json"
		;;
	esac
	if [ -d "$HERE/seeds/$1" ]; then
		cp "$HERE/seeds/$1"/* "$2/"
	fi
	return 0
}

result() { # result OK TEXT [LOG]
	if [ "$1" -eq 0 ]; then
		ok "$2"
	else
		not_ok "$2"
		[ -z "${3:-}" ] || tail -n 40 "$3"
	fi
}

# "N runs in S s, coverage C, corpus K" from a libFuzzer log.
summary() { # summary LOG SECONDS
	local runs stats
	runs=$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$1" | tail -n 1 || true)
	stats=$(grep -E '^#[0-9]+' "$1" | grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' |
		tail -n 1 || true)
	echo "${runs:-ran $2 s}${stats:+, $stats}"
}

fuzz_one() { # fuzz_one HARNESS SECONDS
	local h=$1 secs=$2 exe=$BUILD/tests/fuzz/$1 reg=$HERE/regressions/$1 corpus rc
	local inputs=()
	mkdir -p "$reg"
	mapfile -t inputs < <(find "$reg" -maxdepth 1 -type f | sort)
	if [ "${#inputs[@]}" -gt 0 ]; then
		rc=0
		"$exe" "${inputs[@]}" </dev/null >"$WORK/$h.replay.log" 2>&1 || rc=$?
		result "$rc" "$h replays its ${#inputs[@]} regression inputs" "$WORK/$h.replay.log"
	fi
	corpus=$WORK/$h
	[ -z "${AR_FUZZ_CORPUS:-}" ] || corpus=$AR_FUZZ_CORPUS/$h
	mkdir -p "$corpus" "$WORK/$h.seeds"
	seeds "$h" "$WORK/$h.seeds"
	rc=0
	TMPDIR=$WORK "$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$reg/" "$corpus" "$WORK/$h.seeds" </dev/null >"$WORK/$h.log" 2>&1 ||
		rc=$?
	if [ "$rc" -eq 0 ]; then
		result 0 "$h: $(summary "$WORK/$h.log" "$secs")"
	else
		result "$rc" "$h found a crash, kept in ${reg#"$ROOT"/}/:" "$WORK/$h.log"
	fi
}

export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
if configure; then
	for i in "${!HARNESSES[@]}"; do
		fuzz_one "${HARNESSES[$i]}" $((PART * SHARES[i]))
	done
else
	result 1 "fuzz harnesses built in $BUILD"
fi
tap_summary
