#!/usr/bin/env bash
# IPv6 through the device (2001:db8::1/64 by default), both directions with
# --echo: ping -6 and UDP over IPv6 on TUN; on TAP, neighbour discovery
# answered by pathtrace first.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

CASES=(ipv6_tun_ping_udp ipv6_tap_ping addr6_option)

case_ipv6_tun_ping_udp() {
	pt_start --dev nsfocus_tun0 --echo --json -c 5 || return
	expect_eq "$(nsx ip -6 -br addr show dev nsfocus_tun0 | awk '{print $3}')" 2001:db8::1/64 "the device's IPv6 address (no link-local, no autoconfiguration)"
	ip netns exec "$NS" ping -6 -c 3 -i 0.2 -W 2 2001:db8::2 >"$TMP/ping" 2>&1
	expect_eq "$?" 0 "ping -6 got its replies: $(tail -2 "$TMP/ping" | head -1)"
	ip netns exec "$NS" "$HELPERS/udpsend" 2001:db8::2 40406 2 100 recv >"$TMP/udp" 2>&1
	expect_eq "$?" 0 "UDP over IPv6 came back: $(cat "$TMP/udp")"
	pt_wait 20
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq -s -c '[.[] | select(.dir == "tx") | [.status, .proto, .len, .src, .dst]] | unique' "$TMP/out")" '[["read","icmpv6",104,"2001:db8::1","2001:db8::2"],["read","udp",148,"2001:db8::1","2001:db8::2"]]' "out: ICMPv6 echo requests (104 bytes) and UDP (148), nothing else"
	expect_eq "$(jq -s '[.[] | select(.dir == "tx" and .proto == "icmpv6" and .icmp.type == 128 and .syscall == "sendto" and (.stages | map(.stage) | join(" ")) == "'"$PING_STAGES"'")] | length' "$TMP/out")" 3 "three echo requests, each with its route stage (fib6_table_lookup) and ip (netfilter, IPv6)"
	expect_eq "$(jq -s '[.[] | select(.dir == "rx" and .status == "received" and .proto == "icmpv6" and .icmp.type == 129 and .src == "2001:db8::2" and .receiver.comm == "ping")] | length' "$TMP/out")" 3 "three echo replies in, received by ping"
	expect_eq "$(jq -s '[.[] | select(.dir == "rx" and .proto == "udp" and .sport == 40406 and .len == 148)] | length' "$TMP/out")" 2 "two UDP datagrams back in"
	expect_no_dev nsfocus_tun0
	expect_no_bpf_left
}

case_ipv6_tap_ping() {
	pt_start --dev nsfocus_tap0 --tap --echo --json || return
	ip netns exec "$NS" ping -6 -c 3 -i 0.2 -W 2 2001:db8::2 >"$TMP/ping" 2>&1
	expect_eq "$?" 0 "ping -6 got its replies: $(tail -2 "$TMP/ping" | head -1)"
	expect_eq "$(nsx ip -6 neigh show 2001:db8::2 dev nsfocus_tap0 | awk '{print $3}')" 02:70:74:00:00:02 "the kernel learnt the peer's MAC from pathtrace's neighbour advertisement"
	sleep 0.3
	kill -INT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq -s '[.[] | select(.dir == "tx" and .icmp.type == 135 and .dst == "ff02::1:ff00:2")] | length' "$TMP/out")" 1 "one neighbour solicitation out"
	expect_eq "$(jq -s '[.[] | select(.dir == "rx" and .icmp.type == 136 and .status == "unread")] | length' "$TMP/out")" 1 "one advertisement in, taken by the kernel"
	expect_eq "$(jq -s '[.[] | select(.dir == "tx" and .icmp.type == 128 and .len == 118)] | length' "$TMP/out")" 3 "three 118-byte echo request frames out"
	expect_eq "$(jq -s '[.[] | select(.dir == "rx" and .icmp.type == 129 and .len == 118 and .status == "received")] | length' "$TMP/out")" 3 "three echo reply frames in, received"
}

case_addr6_option() {
	pt_start --dev nsfocus_tun0 --addr6 2001:db8:1::7/112 -c 1 || return
	expect_eq "$(nsx ip -6 -br addr show dev nsfocus_tun0 | awk '{print $3}')" 2001:db8:1::7/112 "--addr6 sets the address"
	kill -INT "$PT_PID"
	pt_wait 10
	pt_start --dev nsfocus_tun0 --addr6 none -c 1 || return
	expect_eq "$(nsx cat /proc/sys/net/ipv6/conf/nsfocus_tun0/disable_ipv6)" 1 "--addr6 none: IPv6 off on the device"
	kill -INT "$PT_PID"
	pt_wait 10
	nsx "$PT" --dev nsfocus_tun0 --addr6 2001:db8::1 >"$TMP/out2" 2>"$TMP/err2"
	expect_eq "$?" 2 "a prefix missing: usage error"
	expect_ok "message: $(head -1 "$TMP/err2")" grep -q "invalid --addr6 '2001:db8::1'" "$TMP/err2"
	expect_no_bpf_left
}

run_cases "${CASES[@]}"
