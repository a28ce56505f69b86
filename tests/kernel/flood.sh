#!/usr/bin/env bash
# Nothing lost silently: UDP datagrams as fast as one sender can for
# PT_FLOOD_SECONDS (default 5; the issue's long run is 30) into the device,
# with pathtrace reading in journey mode (slower than the sender: the tun
# queue overflows). Every datagram sent must be accounted for, exactly:
# sent = journeys (read, dropped with the kernel's reason, unread, kernel
# records without a read) + records lost + packets not followed. And the
# same flood with --hist: sent = read + dropped + unread + not followed.
# And through --echo: every answer written accounted for on its way in.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

DEV=nsfocus_tun0
SECS=${PT_FLOOD_SECONDS:-5}
CASES=(flood_accounted hist_flood_accounted echo_flood_accounted)

# The number before WHAT in the summary line on stderr.
num() { # what
	sed -n "s/.*[ (]\([0-9]*\) $1.*/\1/p" "$TMP/err" | tail -1
}

# flood PORT PATHTRACE-ARGS...: pathtrace on the device, the flood to PORT
# for SECS, then pathtrace stopped; $sent is what the sender sent.
flood() {
	local port=$1
	shift
	pt_start --dev "$DEV" "$@" || return
	# COUNT is a ceiling: the sender stops after SECS whatever it sent.
	ip netns exec "$NS" timeout -s INT "$SECS" "$HELPERS/udpsend" 192.0.2.2 "$port" 100000000 64 \
		>"$TMP/sent" 2>&1
	sleep 0.5	# the reader drains what is queued
	kill -INT "$PT_PID"
	pt_wait 60
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	sent=$(sed -n 's/^sent \([0-9]*\)$/\1/p' "$TMP/sent")
}

case_flood_accounted() {
	local sent reads joined uk ur dropped unread lost nf hid inflight journeys
	flood 40408 --json || return
	hid=$(jq '.summary.lost.driver_unseen' "$TMP/summary")
	reads=$(sed -n 's/^pathtrace: \([0-9]*\) packets read.*/\1/p' "$TMP/err")
	joined=$(num "journeys complete")
	ur=$(num "reads without kernel record")
	uk=$(num "kernel records without read")
	dropped=$(num "dropped")
	unread=$(num "unread")
	lost=$(num "records lost")
	nf=$(num "packets not followed")
	inflight=$(num "still in flight")
	expect_ok "the sender said how many it sent: $(cat "$TMP/sent")" test -n "$sent"
	expect_ok "a flood: more than 10000 sent ($sent)" test "${sent:-0}" -gt 10000
	expect_ok "the tun queue overflowed: drops ($dropped)" test "${dropped:-0}" -gt 0
	expect_eq "$((joined + dropped + unread + uk + lost + nf + hid))" "$sent" \
		"sent = read $joined + dropped $dropped + unread $unread + unjoined kernel $uk + lost $lost + not followed $nf + unseen at the driver $hid"
	expect_eq "$inflight" 0 "nothing still in flight"
	expect_ok "reads without a record ($ur) only for records lost, not followed or unseen at the driver" test "$ur" -le "$((lost + nf + hid))"
	expect_eq "$reads" "$((joined + ur))" "reads = joined + reads without a record"
	# The journeys printed agree with the summary, status by status (grep:
	# millions of lines in the long run are too many for jq -s).
	journeys="$(grep -c '^{"seq":[0-9]*,"status":"read"' "$TMP/out") $(grep -c '^{"seq":[0-9]*,"status":"dropped"' "$TMP/out") $(grep -c '^{"seq":[0-9]*,"status":"unread"' "$TMP/out")"
	expect_eq "$journeys" "$joined $dropped $unread" "journeys printed by status (read dropped unread)"
	expect_eq "$(grep -o '"drop_reason":"[A-Z_]*"' "$TMP/out" | sort -u | tr '\n' ' ')" '"drop_reason":"FULL_RING" ' "drop reasons"
	# --json's summary says the same, with where and why the drops were.
	expect_eq "$(jq -c '.summary | [.reads, .journeys.read, .journeys.dropped, .journeys.unread, .journeys.unjoined_reads, .journeys.unjoined_kernel, .lost.ring_buffer_full, .lost.not_followed, .in_flight]' "$TMP/summary")" "[$reads,$joined,$dropped,$unread,$ur,$uk,$lost,$nf,$inflight]" "JSON summary = stderr summary"
	expect_eq "$(jq -c '.summary | [.dropped_by_stage, .dropped_by_reason]' "$TMP/summary")" "[{\"driver\":$dropped},{\"FULL_RING\":$dropped}]" "drops by stage (driver: the tun ring) and by reason"
}

# --hist under the flood: every datagram accounted for, and each read in the
# whole-way histogram once, but for packets not followed.
case_hist_flood_accounted() {
	local sent reads dropped unread nf inflight total xfer
	flood 40411 --hist --json || return
	read -r reads dropped unread nf inflight < <(jq -r '.summary |
		"\(.reads) \(.dropped) \(.unread) \(.lost.not_followed) \(.in_flight)"' "$TMP/summary")
	expect_ok "a flood: more than 10000 sent (${sent:-none})" test "${sent:-0}" -gt 10000
	expect_eq "$inflight" 0 "nothing still in flight"
	total=$(jq '[.hists[] | select(.transition == "total") | .count] | add' "$TMP/out")
	# A packet not followed (its way taken while in flight) may still be
	# read: it is then a read without a sample, counted once, as not followed.
	expect_eq "$((total + dropped + unread + nf))" "$sent" \
		"sent = sampled $total + dropped $dropped + unread $unread + not followed $nf"
	expect_ok "whole-way samples ($total): the reads ($reads) but for those not followed ($nf)" \
		test "$total" -le "$reads" -a "$total" -ge "$((reads - nf))"
	xfer=$(jq '[.hists[] | select(.transition == "driver->copy") | .count] | add' "$TMP/out")
	expect_ok "driver->copy samples ($xfer) as many as whole-way ones, or a few fewer (reordered)" \
		test "$xfer" -le "$total" -a "$xfer" -ge "$((total - $(jq .summary.lost.samples "$TMP/summary")))"
	expect_no_dev "$DEV"
	expect_no_bpf_left
}

# --echo under the flood: pathtrace answers every datagram it reads while
# following both ways (the way in's records wait in a ring of their own,
# which once overflowed here); every answer written is accounted for on its
# way in, and pathtrace exits cleanly.
case_echo_flood_accounted() {
	local sent reads written ended lost
	flood 40412 --json --echo || return
	expect_ok "a flood: more than 10000 sent (${sent:-none})" test "${sent:-0}" -gt 10000
	read -r reads written ended lost < <(jq -r '.summary | "\(.reads) \(.rx.answers_written)
		\(.rx.received + .rx.dropped + .rx.unread + .rx.unfinished)
		\(.lost.ring_buffer_full + .lost.not_followed)"' "$TMP/summary" | tr '\n' ' ')
	expect_ok "answers written (${written:-none}) for most reads (${reads:-none})" \
		test "${written:-0}" -gt 1000 -a "${written:-0}" -le "${reads:-0}"
	# Records lost or packets not followed are counted for both ways at once.
	expect_ok "answers written ($written) = their ways in with an end ($ended), but for records lost or not followed ($lost): $(jq -c .summary.rx "$TMP/summary")" \
		test "${ended:-0}" -le "${written:-0}" -a "$((written - ended))" -le "${lost:-0}"
	expect_no_dev "$DEV"
	expect_no_bpf_left
}

run_cases "${CASES[@]}"
