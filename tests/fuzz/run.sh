#!/usr/bin/env bash
# The fuzz run of make test: build/tests/fuzz-packet for SECONDS (default
# 20) from a copy of the committed corpus. One PASS, FAIL or SKIP line.
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-build}
F=$OUT/tests/fuzz-packet
secs=${1:-20}
if [ ! -x "$F" ]; then
	echo "SKIP fuzz-packet: not built: $(head -1 "$F.why" 2>/dev/null || echo "run make")"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/corpus" "$tmp/crash"
"$F" -max_total_time="$secs" -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
	-artifact_prefix="$tmp/crash/" "$tmp/corpus" tests/fuzz/corpus >"$tmp/log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/log")
if [ "$rc" = 0 ] && [ -z "$(ls "$tmp/crash")" ] && [ "${runs:-0}" -gt 0 ]; then
	echo "PASS fuzz-packet: ${runs} inputs in ${secs}s, no crash, no sanitizer report"
else
	grep -v '^#' "$tmp/log" | tail -30 | sed 's/^/  /'
	mkdir -p "$OUT/tests/fuzz-crash"
	cp "$tmp"/crash/* "$OUT/tests/fuzz-crash/" 2>/dev/null
	echo "FAIL fuzz-packet: exit $rc after ${runs:-0} inputs (inputs kept in $OUT/tests/fuzz-crash)"
fi
