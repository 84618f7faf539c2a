#!/usr/bin/env bash
# Keeps one core busy for at most SECONDS (default 1800), to run the Wine
# suites on a loaded machine:
#   tests/e2e/wine/busy.sh 900 & BUSY=$!; tests/e2e/wine/run.sh; kill "$BUSY"
# A shell loop with no fork: one process, one core, ended by its own clock
# (bash's SECONDS) if nobody kills it.
set -u
limit=${1:-1800}
SECONDS=0
while [ "$SECONDS" -lt "$limit" ]; do
	: $((n = ${n:-0} + 1))
done
