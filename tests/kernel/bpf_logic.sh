#!/usr/bin/env bash
# The BPF side's logic (the slot table, staleness, a journey's end, --hist's
# choice of a way, its lookups and histograms) run through BPF_PROG_TEST_RUN
# on this machine's kernel: tests/bpf/logic.c, one line per case; then the
# pcap-filter translation against libpcap (tests/bpf/logic_filter.c). No
# network: no namespace of its own.
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-build}
BIN=$OUT/tests/bpf-logic

if [ ! -x "$BIN" ]; then
	echo "FAIL bpf_logic: $BIN not built"
	exit 0
fi
out=$("$BIN" 2>&1)
rc=$?
printf '%s\n' "$out"
# A crash mid-way must not pass for fewer cases.
if [ "$rc" != 0 ] && ! grep -q '^FAIL ' <<<"$out"; then
	echo "FAIL bpf_logic: exited $rc"
fi
