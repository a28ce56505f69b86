#!/usr/bin/env bash
# TAP mode on this machine's kernel: the classic experiment's second half.
# A ping with no neighbour entry gives ARP requests only; after a static
# entry, Ethernet frames carrying ICMP.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

DEV=nsfocus_tap0
CASES=(tap_arp_then_icmp tap_hist tap_pcapng existing_tap_detected tap_flag_on_tun_refused)
PEER_MAC=02:00:5e:00:53:02

# The classic experiment is IPv4's: with IPv6 on, a TAP device's kernel also
# sends MLD reports (tests/kernel/ipv6.sh), so these cases turn it off.
NO6=(--addr6 none)

# Probes the kernel sends for an unresolved neighbour before giving up.
PROBES=3

# ping_no_neigh: three pings with no neighbour entry, until the entry has
# failed (every probe sent, the parked packets dropped: ping exits on its
# last error, which the kernel reports as it drops the last; -W 6 outlasts
# the probes, see user/demo.c); then a static entry. The classic
# experiment says `ip neigh add`; the failed entry exists by then, so it
# is replaced.
ping_no_neigh_then_static() {
	local i
	nsx sysctl -qw net.ipv4.neigh.$DEV.mcast_solicit=$PROBES
	DEV_MAC=$(nsx cat /sys/class/net/$DEV/address)
	ip netns exec "$NS" ping -c 3 -i 0.3 -W 6 192.0.2.2 >/dev/null
	for ((i = 0; i < 100; i++)); do
		nsx ip neigh show 192.0.2.2 dev "$DEV" | grep -q FAILED && break
		sleep 0.1
	done
	nsx ip neigh show 192.0.2.2 dev "$DEV" | grep -q FAILED ||
		fail "neighbour entry did not fail: $(nsx ip neigh show dev "$DEV")"
	nsx ip neigh replace 192.0.2.2 lladdr "$PEER_MAC" dev "$DEV"
	ip netns exec "$NS" ping -c 3 -i 0.2 -W 1 192.0.2.2 >/dev/null &
	PING=$!
	PIDS+=("$PING")
}

case_tap_arp_then_icmp() {
	pt_start --dev "$DEV" --tap "${NO6[@]}" --json -c $((PROBES + 3)) || return
	expect_ok "start-up says TAP" grep -q "tracing TAP $DEV" "$TMP/err"
	expect_ok "neigh's hook named: $(grep neigh "$TMP/err")" grep -qx "pathtrace: stage neigh: cgroup inet egress" "$TMP/err"
	ping_no_neigh_then_static
	pt_wait 20
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	local arp icmp
	arp=$(jq -s -c '[.[] | select(.proto == "arp")]' "$TMP/out")
	icmp=$(jq -s -c '[.[] | select(.proto == "icmp")]' "$TMP/out")
	expect_eq "$(jq -s 'length' "$TMP/out")" $((PROBES + 3)) "journeys"
	expect_eq "$(jq '[.[] | select(.status == "read" and .len == 42 and .skb_len == 42 and .arp.op == "request" and .src == "192.0.2.1" and .dst == "192.0.2.2")] | length' <<<"$arp")" $PROBES "42-byte ARP requests for 192.0.2.2 from 192.0.2.1, read"
	expect_eq "$(jq -r '[.[].arp.target_mac] | unique | join(",")' <<<"$arp")" 00:00:00:00:00:00 "ARP requests' target MAC"
	expect_eq "$(jq -r '[.[].arp.sender_mac] | unique | join(",")' <<<"$arp")" "$DEV_MAC" "ARP requests' sender MAC is the device's"
	expect_eq "$(jq '[.[] | select(.status == "read" and .len == 98 and .skb_len == 98 and .icmp.type == 8 and .comm == "ping" and .pid == '"$PING"')] | length' <<<"$icmp")" 3 "98-byte frames with ICMP echo requests from the second ping"
	expect_eq "$(jq -c '[.[].icmp.seq]' <<<"$icmp")" "[1,2,3]" "ICMP sequence numbers"
	expect_eq "$(jq -r '[.[] | [.stages[].stage] | join(" ")] | unique | join(",")' <<<"$icmp")" "syscall route ip neigh queue xmit driver copy user" "ICMP stages (tracepoints, netfilter, cgroup inet egress for neigh, the tap for xmit)"
	expect_eq "$(jq -r '[.[] | .unseen | join(" ")] | unique | join(",")' <<<"$icmp")" "" "unseen stages on TAP"
	expect_eq "$(jq -r '[.[] | .not_applicable | join(" ")] | unique | join(",")' <<<"$icmp")" "" "nothing n/a on TAP"
	# The first ARP request goes out in the ping's own send; the kernel's
	# timer sends the others.
	expect_eq "$(jq '.[0].comm' -r <<<"$arp")" ping "first ARP request sent in ping's syscall"
	expect_eq "$(jq '[.[1:][] | select(.pid == null)] | length' <<<"$arp")" $((PROBES - 1)) "later ARP requests sent by no syscall (the neighbour timer)"
	expect_no_dev "$DEV"
	expect_no_bpf_left
}

# --hist on TAP: the ARP requests and the pings' frames, each in the
# whole-way histogram once; the parked pings the kernel drops never reached
# the device, and count nowhere.
case_tap_hist() {
	pt_start --dev "$DEV" --tap "${NO6[@]}" --hist --hist-by proto --json || return
	ping_no_neigh_then_static
	wait "$PING"
	sleep 0.3
	kill -INT "$PT_PID"
	pt_wait 20
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq -c '[.hists[] | select(.transition == "total") | {(.proto): .count}] | add' "$TMP/out")" \
		"{\"other\":$PROBES,\"icmp\":3}" "whole-way samples: ICMP frames and ARP requests"
	expect_eq "$(jq -c '.summary | [.reads, .dropped, .unread, .lost.not_followed, .in_flight]' "$TMP/summary")" \
		"[$((PROBES + 3)),0,0,0,0]" "reads, dropped, unread, not followed, in flight"
	expect_no_dev "$DEV"
	expect_no_bpf_left
}

case_tap_pcapng() {
	if ! command -v tshark >/dev/null; then
		T_SKIP="tshark not installed (run tools/setup.sh)"
		return
	fi
	pt_start --dev "$DEV" --tap "${NO6[@]}" -c $((PROBES + 3)) -w "$TMP/tap.pcapng" || return
	ping_no_neigh_then_static
	pt_wait 20
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	tshark -r "$TMP/tap.pcapng" -T fields -E separator='|' -e frame.len -e eth.type \
		-e arp.opcode -e icmp.type -e frame.comment >"$TMP/tshark" 2>"$TMP/tshark.err"
	expect_eq "$?" 0 "tshark reads the file: $(grep -v 'Running as user' "$TMP/tshark.err")"
	expect_eq "$(tshark -r "$TMP/tap.pcapng" -T fields -e frame.encap_type 2>/dev/null | sort -u)" 1 "link type Ethernet"
	expect_eq "$(cut -d'|' -f1-4 "$TMP/tshark" | sort | uniq -c | awk '{print $1 "x" $2}' | tr '\n' ' ')" "${PROBES}x42|0x0806|1| 3x98|0x0800||8 " "frames: ARP requests, then ICMP echo requests"
	expect_eq "$(grep -c '|queue +0ns, xmit +[^,]*, driver +' "$TMP/tshark")" $((PROBES - 1)) "comments of the timer's ARP requests start at the queue"
}

case_existing_tap_detected() {
	nsx sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	nsx ip tuntap add dev "$DEV" mode tap
	nsx ip addr add 192.0.2.1/24 dev "$DEV"
	nsx ip link set "$DEV" up
	nsx ip neigh add 192.0.2.2 lladdr "$PEER_MAC" dev "$DEV"
	pt_start --dev "$DEV" --json --no-create -c 1 || return
	expect_ok "start-up says TAP, existing" grep -q "tracing TAP $DEV (ifindex [0-9]*, existing device)" "$TMP/err"
	ip netns exec "$NS" ping -c 1 -W 1 192.0.2.2 >/dev/null &
	PIDS+=("$!")
	pt_wait 20
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq -s -c '[.[] | [.len, .proto]]' "$TMP/out")" '[[98,"icmp"]]' "one 98-byte ICMP frame"
	expect_ok "device still there" nsx test -e "/sys/class/net/$DEV"
	expect_no_bpf_left
}

case_tap_flag_on_tun_refused() {
	nsx ip tuntap add dev nsfocus_tun0 mode tun
	nsx "$PT" --dev nsfocus_tun0 --tap >"$TMP/out" 2>"$TMP/err"
	expect_eq "$?" 1 "exit status"
	expect_eq "$(cat "$TMP/err")" "pathtrace: device nsfocus_tun0 is a TUN device, not TAP (--tap given)" "message"
	expect_ok "device untouched" nsx test -e /sys/class/net/nsfocus_tun0
	expect_no_bpf_left
}

run_cases "${CASES[@]}"
