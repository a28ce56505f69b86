#!/usr/bin/env bash
# --echo on this machine's kernel: pathtrace answers what it reads, the
# sender gets its replies, and each reply's way in is a journey of its own
# with the round trip of its request.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

CASES=(echo_ping echo_udp echo_udp_one_cpu echo_tap_arp_and_ping)

# Checks of the rx journeys in $TMP/out: N received by COMM (clone: raw socket).
check_rx() { # n comm pid clone proto len
	local rx
	rx=$(jq -s -c '[.[] | select(.dir == "rx")]' "$TMP/out")
	expect_eq "$(jq 'length' <<<"$rx")" "$1" "rx journeys"
	expect_eq "$(jq "[.[] | select(.status == \"received\" and .receiver.comm == \"$2\" and .receiver.pid == $3 and .receiver.clone == $4)] | length" <<<"$rx")" "$1" "received by $2 (pid $3, clone $4)"
	expect_eq "$(jq "[.[] | select(.proto == \"$5\" and .len == $6 and .comm == \"pathtrace\" and .syscall == \"write\" and .pid == $PT_PID)] | length" <<<"$rx")" "$1" "$5 replies of $6 bytes written by pathtrace"
	expect_eq "$(jq -r '[.[] | [.stages[].stage] | join(" ")] | unique | join(",")' <<<"$rx")" "syscall netif copy" "rx stages (tracepoints)"
	expect_eq "$(jq -r '[.[] | .unseen | join(" ")] | unique | join(",")' <<<"$rx")" "tun ip l4 sockq" "rx unseen stages"
	expect_eq "$(jq '[.[] | .stages | [.[].t_ns] as $t | $t == ($t | sort)] | all' <<<"$rx")" true "rx timestamps in order"
	# Each reply names its request's journey, which came just before it.
	expect_eq "$(jq -s '[.[] | select(.dir == "rx") | .round_trip.request_seq == .seq - 1 and .round_trip.total_ns == .round_trip.out_ns + .round_trip.turn_ns + .round_trip.in_ns and .round_trip.out_ns > 0 and .round_trip.in_ns > 0] | all' "$TMP/out")" true "round trips name their requests and add up"
	expect_eq "$(jq -s '[.[] | select(.dir == "tx" and .status == "read")] | length' "$TMP/out")" "$1" "tx journeys (the requests)"
}

case_echo_ping() {
	pt_start --dev nsfocus_tun0 --echo --json -c 3 || return
	expect_ok "rx stages named at start-up" grep -q "stage rx netif: tracepoint netif_receive_skb" "$TMP/err"
	ping_answered 3 192.0.2.2
	local ping=$PING_PID
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_ok "3 received" grep -q "3 received, 0% packet loss" "$TMP/ping"
	# ping's raw socket gets a clone of the reply; the original is dropped by icmp_rcv.
	check_rx 3 ping "$ping" true icmp 84
	expect_eq "$(jq -s -c '[.[] | select(.dir == "rx") | .icmp.seq]' "$TMP/out")" "[1,2,3]" "echo replies' sequence numbers"
	expect_eq "$(jq -s '[.[] | select(.dir == "rx" and .icmp.type == 0 and .src == "192.0.2.2" and .dst == "192.0.2.1")] | length' "$TMP/out")" 3 "echo replies from the peer"
	expect_ok "summary: $(grep answers "$TMP/err")" grep -q "3 answers written; the way in: 3 received, 0 dropped, 0 freed without a copy to an application, 0 unfinished" "$TMP/err"
	expect_no_dev nsfocus_tun0
	expect_no_bpf_left
}

# On tracepoints a UDP socket's receive is unseen: it copies a linear skb
# without skb_copy_datagram_iter and frees it without consume_skb. The way
# in is reported at exit, unfinished (fentry and kprobe see skb_consume_udp:
# the VM test).
# udp_echoed N [CMD...]: N datagrams of 100 bytes to port 40404 from the
# case's namespace (udpsend run through CMD, if any), each answered by
# pathtrace; then pathtrace's exit (its -c).
udp_echoed() {
	local n=$1 s
	shift
	ip netns exec "$NS" "$@" "$HELPERS/udpsend" 192.0.2.2 40404 "$n" 100 recv >"$TMP/udp" 2>&1 &
	s=$!
	PIDS+=("$s")
	pt_wait 20
	wait "$s"
	expect_eq "$?" 0 "udpsend got every datagram back: $(cat "$TMP/udp")"
	expect_eq "$PT_RC" 0 "pathtrace exit status"
}

case_echo_udp() {
	pt_start --dev nsfocus_tun0 --echo --json -c 5 || return
	udp_echoed 5
	local rx
	rx=$(jq -s -c '[.[] | select(.dir == "rx")]' "$TMP/out")
	expect_eq "$(jq '[.[] | select(.status == "unfinished" and .proto == "udp" and .len == 128 and .sport == 40404 and .comm == "pathtrace" and .syscall == "write")] | length' <<<"$rx")" 5 "unfinished UDP replies of 128 bytes from port 40404, written by pathtrace"
	expect_eq "$(jq -r '[.[] | [.stages[].stage] | join(" ")] | unique | join(",")' <<<"$rx")" "syscall netif" "rx stages seen (tracepoints)"
	expect_eq "$(jq -c '[.[].round_trip.request_seq] | sort' <<<"$rx")" "[1,2,3,4,5]" "each names its request"
	expect_ok "summary: $(grep answers "$TMP/err")" grep -q "5 answers written; the way in: 0 received, 0 dropped, 0 freed without a copy to an application, 5 unfinished" "$TMP/err"
	expect_no_bpf_left
}

# On one CPU, a UDP reply's skb freed unseen makes room for the next
# request's or reply's at once, often with its data at the same address
# too: each is a journey of its own, the requests read by pathtrace and
# none taken for a reply received.
case_echo_udp_one_cpu() {
	pt_start --dev nsfocus_tun0 --echo --json -c 40 || return
	taskset -apc 0 "$PT_PID" >/dev/null
	udp_echoed 40 taskset -c 0
	expect_eq "$(jq -s -c '[.[] | [.dir, .status]] | group_by(.) | map(.[0] + [length])' "$TMP/out")" \
		'[["rx","unfinished",40],["tx","read",40]]' "journeys by direction and status"
	expect_eq "$(jq -s -c '([.[] | select(.dir == "rx") | .round_trip.request_seq] | sort) == [.[] | select(.dir == "tx") | .seq]' "$TMP/out")" true "each reply names its own request"
	expect_ok "summary: $(grep answers "$TMP/err")" grep -q "40 answers written; the way in: 0 received, 0 dropped, 0 freed without a copy to an application, 40 unfinished" "$TMP/err"
}

case_echo_tap_arp_and_ping() {
	pt_start --dev nsfocus_tap0 --tap --echo --json || return
	ip netns exec "$NS" ping -c 3 -i 0.2 -W 2 192.0.2.2 >"$TMP/ping" 2>&1 &
	local ping=$!
	PIDS+=("$ping")
	wait "$ping"
	expect_eq "$?" 0 "ping's exit status (all replies came): $(tail -2 "$TMP/ping" | head -1)"
	expect_eq "$(nsx ip neigh show 192.0.2.2 dev nsfocus_tap0 | awk '{print $3}')" 02:70:74:00:00:02 "the kernel learnt the peer's MAC from pathtrace's ARP reply"
	sleep 0.3
	kill -INT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq -s '[.[] | select(.dir == "tx" and .proto == "arp" and .arp.op == "request" and .len == 42)] | length' "$TMP/out")" 1 "one ARP request out"
	# The kernel takes the ARP reply itself: no application receives it.
	expect_eq "$(jq -s -c '[.[] | select(.dir == "rx" and .proto == "arp") | [.arp.op, .len, .status]]' "$TMP/out")" '[["reply",42,"unread"]]' "one ARP reply in, taken by the kernel"
	expect_eq "$(jq -s '[.[] | select(.dir == "tx" and .proto == "icmp" and .len == 98 and .status == "read")] | length' "$TMP/out")" 3 "three 98-byte echo request frames out"
	expect_eq "$(jq -s '[.[] | select(.dir == "rx" and .proto == "icmp" and .len == 98 and .status == "received" and .receiver.comm == "ping")] | length' "$TMP/out")" 3 "three 98-byte echo reply frames in, received by ping"
	# The first request waited for the neighbour: parked until pathtrace's
	# ARP reply came, it is still ping's, its wait neigh -> queue, and it
	# left after the reader had the ARP request.
	local tx
	tx=$(jq -s -c '[.[] | select(.dir == "tx" and .proto == "icmp")]' "$TMP/out")
	expect_eq "$(jq -c '[.[] | [.parked, .comm, .syscall]]' <<<"$tx")" \
		'[[true,"ping","sendto"],[false,"ping","sendto"],[false,"ping","sendto"]]' "echo requests: parked, sender, syscall"
	expect_eq "$(jq -r '.[0] | [.stages[].stage] | join(" ")' <<<"$tx")" \
		"syscall route ip neigh queue xmit driver copy user" "the parked request's stages"
	expect_ok "the parked request left after the reader read the ARP request" \
		test "$(jq -s '[.[] | select(.dir == "tx" and .proto == "arp") | .stages[] | select(.stage == "user") | .t_ns][0]' "$TMP/out")" \
		-lt "$(jq '.[0].stages[] | select(.stage == "queue") | .t_ns' <<<"$tx")"
}

run_cases "${CASES[@]}"
