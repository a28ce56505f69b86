#!/usr/bin/env bash
# Hooks beyond tracepoints on this machine's kernel (issue 18): netfilter
# BPF links stand in for the ip stage (POST_ROUTING) and TCP's sendq
# (LOCAL_OUT) in journey mode. They are registered in the traced device's
# namespace only, are named where they serve, and go with pathtrace, kill
# -9 included. Cgroup hooks at the cgroup v2 root stand in for l4 (sendmsg4
# and 6: unconnected UDP sends) and, on TAP, the neighbour step (inet
# egress); they let every send through, and go with pathtrace too. A
# packet socket's filter stands in for xmit (where tcpdump's copy is
# taken) in journey mode: it keeps nothing, and goes with pathtrace.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

DEV=nsfocus_tun0
CASES=(nf_hooks_named nf_only_own_netns nf_kill9_leaves_nothing nf_not_with_hist
	cg_l4_unconnected_udp cg_neigh_on_tap cg_lets_everything_through cg_kill9_leaves_nothing
	tap_xmit_seen tap_not_with_hist tap_kill9_leaves_nothing)

# The ids of pathtrace's netfilter programs now loaded (nf_*), one a line.
nf_prog_ids() {
	bpftool -j prog show 2>/dev/null | jq -r '.[] | select(.name // "" | startswith("nf_")) | .id'
}

# Links of any of those programs (bpftool lists every namespace's).
nf_links_of() { # ids...
	local ids
	ids=$(printf '%s\n' "$@" | jq -s -c '.')
	bpftool -j link show 2>/dev/null | jq --argjson ids "$ids" '[.[] | select(.prog_id as $p | $ids | index($p))] | length'
}

# IPv4 packets sent from namespace @1 (its Ip: OutRequests).
ip_out() { # netns
	ip netns exec "$1" awk '/^Ip:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "OutRequests") c = i; h = 1 } else print $c }' /proc/net/snmp
}

# The kernel's run count of program @1 (bpf_stats on).
run_cnt() { # id
	bpftool -j prog show id "$1" 2>/dev/null | jq '.run_cnt // 0'
}

# Start-up names each hook where it serves; --explain says, under the
# stage, where it was seen.
case_nf_hooks_named() {
	pt_start --dev "$DEV" --explain -c 1 || return
	ip netns exec "$NS" ping -c 1 -W 1 192.0.2.2 >/dev/null &
	PIDS+=("$!")
	pt_wait 20
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_ok "ip's hook at start-up: $(grep 'stage ip' "$TMP/err")" \
		grep -qx 'pathtrace: stage ip: netfilter POST_ROUTING IPv4, IPv6' "$TMP/err"
	expect_ok "sendq's hook at start-up: $(grep 'stage sendq' "$TMP/err")" \
		grep -qx 'pathtrace: stage sendq: netfilter LOCAL_OUT IPv4, IPv6' "$TMP/err"
	expect_ok "3.2's stamp: $(grep '^  3.2 ' "$TMP/out")" grep -q '^  3.2  netfilter     ip  *[0-9]*\.[0-9]\{9\} ' "$TMP/out"
	expect_ok "3.2 explained, the hook named" \
		grep -q '(seen at netfilter POST_ROUTING, inside ip_output)$' "$TMP/out"
	expect_eq "$(grep -c 'sendq' "$TMP/out")" 0 "no sendq in a ping's journey"
	expect_no_bpf_left
}

# Another namespace's packets never run the links: a ping out of a TUN
# device there (no reader: dropped at its queue, after POST_ROUTING) leaves
# their run counts as they were; ours count.
case_nf_only_own_netns() {
	local other stats ids id before after sent
	netns_add other || { fail "cannot make a second namespace"; return; }
	ip -n "$other" tuntap add dev tt0 mode tun &&
		ip -n "$other" addr add 198.18.0.1/24 dev tt0 &&
		ip -n "$other" link set tt0 up || { fail "cannot set up tt0 in $other"; return; }
	stats=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -qw kernel.bpf_stats_enabled=1
	pt_start --dev "$DEV" --json || { sysctl -qw kernel.bpf_stats_enabled="$stats"; return; }
	mapfile -t ids < <(nf_prog_ids)
	expect_eq "${#ids[@]}" 4 "netfilter programs loaded (LOCAL_OUT, POST_ROUTING; IPv4, IPv6)"
	expect_eq "$(nf_links_of "${ids[@]}")" 4 "their links"
	id=$(bpftool -j prog show 2>/dev/null | jq -r '.[] | select(.name == "nf_postroute4") | .id')
	before=$(run_cnt "$id")
	sent=$(ip_out "$other")
	ip netns exec "$other" ping -c 3 -i 0.2 -W 1 198.18.0.2 >/dev/null 2>&1
	after=$(run_cnt "$id")
	expect_ok "pings sent in the other namespace: $sent -> $(ip_out "$other")" \
		test "$(ip_out "$other")" -ge $((sent + 3))
	expect_eq "$after" "$before" "POST_ROUTING runs after 3 pings in another namespace"
	ip netns exec "$NS" ping -c 3 -i 0.2 -W 1 192.0.2.2 >/dev/null 2>&1
	expect_ok "POST_ROUTING runs after 3 pings in ours: $before -> $(run_cnt "$id")" \
		test "$(run_cnt "$id")" -ge $((before + 3))
	kill -INT "$PT_PID"
	pt_wait 10
	sysctl -qw kernel.bpf_stats_enabled="$stats"
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq -s '[.[] | select(.stages) | select([.stages[].stage] | index("ip"))] | length' "$TMP/out")" 3 \
		"our pings' journeys, each with its ip stage"
	expect_eq "$(nf_links_of "${ids[@]}")" 0 "links left after exit"
	expect_no_bpf_left
}

# kill -9: the links are file descriptors; the kernel drops them with the
# process, and the programs with them.
case_nf_kill9_leaves_nothing() {
	local ids
	pt_start --dev "$DEV" --json || return
	mapfile -t ids < <(nf_prog_ids)
	expect_eq "$(nf_links_of "${ids[@]}")" 4 "netfilter links while tracing"
	kill -9 "$PT_PID"
	wait "$PT_PID" 2>/dev/null
	expect_no_bpf_left
	expect_eq "$(nf_links_of "${ids[@]}")" 0 "netfilter links left after kill -9"
}

# --hist, the cheap mode, does without them (every packet would pay their
# program time, followed or not) and says so.
case_nf_not_with_hist() {
	pt_start --dev "$DEV" --hist --json || return
	expect_eq "$(nf_prog_ids | wc -l)" 0 "netfilter programs loaded with --hist"
	expect_ok "ip unseen, and why: $(grep ': ip: ' "$TMP/err")" \
		grep -q '^pathtrace: unseen: ip: netfilter POST_ROUTING not used with --hist' "$TMP/err"
	expect_ok "sendq unseen, and why: $(grep ': sendq: ' "$TMP/err")" \
		grep -q '^pathtrace: unseen: sendq: netfilter LOCAL_OUT not used with --hist' "$TMP/err"
	kill -INT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_no_bpf_left
}

# pathtrace's cgroup programs (cg_*) linked anywhere in the cgroup v2
# hierarchy, whose root bpftool is pointed at (mounted in a namespace of the
# test's own when this one has it nowhere), one a line.
cg_attached() {
	unshare -m sh -c 'd=$(awk '\''$3 == "cgroup2" { print $2; exit }'\'' /proc/self/mounts)
		[ -n "$d" ] || { d=$(mktemp -d) && mount -t cgroup2 none "$d"; } &&
		bpftool -j cgroup tree "$d"' 2>/dev/null |
		jq -r '.[].programs[]?.name // empty | select(startswith("cg_"))'
}

# The journeys' stage lists in $TMP/out, one a line, with their protocol.
stage_lists() {
	jq -r 'select(.stages) | "\(.proto) \([.stages[].stage] | join(" "))"' "$TMP/out"
}

# Unconnected UDP sends over IPv4 and IPv6 have an l4 stage (cgroup
# sendmsg4 and 6, inside udp_sendmsg and udpv6_sendmsg); a ping never
# passes there, and --explain says where it is seen and for which sends.
case_cg_l4_unconnected_udp() {
	pt_start --dev "$DEV" --json -c 3 || return
	nsx "$HELPERS/udpsend" 192.0.2.2 40501 1 16
	nsx "$HELPERS/udpsend" 2001:db8::2 40502 1 16
	nsx ping -c 1 -W 1 192.0.2.2 >/dev/null
	pt_wait 20
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_ok "l4's hooks at start-up: $(grep 'l4' "$TMP/err")" \
		grep -qx 'pathtrace: stage l4: cgroup sendmsg4, sendmsg6' "$TMP/err"
	expect_eq "$(stage_lists)" "udp $UDP_STAGES
udp $UDP_STAGES
icmp $PING_STAGES" "the journeys' stages (UDP over IPv4, over IPv6, a ping)"
	pt_start --dev "$DEV" --explain -c 1 || return
	nsx "$HELPERS/udpsend" 192.0.2.2 40503 1 16
	pt_wait 20
	expect_ok "2.1 explained, the hook named" grep -q \
		'(seen at cgroup sendmsg4/6, inside udp_sendmsg/udpv6_sendmsg: unconnected UDP sends only)$' "$TMP/out"
	expect_no_bpf_left
}

# On TAP the neighbour step is seen (inet egress, right before
# ip_finish_output2), between ip and queue; on TUN it does not apply and
# no egress program is loaded.
case_cg_neigh_on_tap() {
	pt_start --dev nsfocus_tap0 --tap --json -c 1 udp || return
	nsx ip neigh replace 192.0.2.2 lladdr 02:00:00:00:00:02 dev nsfocus_tap0
	nsx "$HELPERS/udpsend" 192.0.2.2 40504 1 16
	pt_wait 20
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_ok "neigh's hook at start-up: $(grep 'neigh' "$TMP/err")" \
		grep -qx 'pathtrace: stage neigh: cgroup inet egress' "$TMP/err"
	expect_eq "$(stage_lists)" "udp syscall l4 route ip neigh queue xmit driver copy user" \
		"a UDP send's stages on TAP"
	pt_start --dev "$DEV" --json || return
	expect_eq "$(cg_attached | sort | tr '\n' ' ')" "cg_sendmsg4 cg_sendmsg6 " \
		"cgroup programs linked on TUN"
	kill -INT "$PT_PID"
	pt_wait 10
	expect_no_bpf_left
}

# The hooks run for every process (the root of the hierarchy) and change
# nothing: while tracing, another namespace's unconnected UDP sends and
# its pings (whose replies pass inet egress) go through.
case_cg_lets_everything_through() {
	local other
	netns_add other || { fail "cannot make a second namespace"; return; }
	pt_start --dev nsfocus_tap0 --tap --json || return
	expect_eq "$(cg_attached | sort | tr '\n' ' ')" "cg_egress cg_sendmsg4 cg_sendmsg6 " \
		"cgroup programs linked"
	ip netns exec "$other" "$HELPERS/udpsend" 127.0.0.1 40505 3 16
	expect_eq "$?" 0 "unconnected UDP sends in another namespace (refused: EPERM)"
	ip netns exec "$other" ping -c 2 -i 0.2 -W 1 127.0.0.1 >/dev/null
	expect_eq "$?" 0 "pings answered in another namespace"
	kill -INT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(cg_attached | wc -l)" 0 "cgroup programs linked after exit"
	expect_no_bpf_left
}

# kill -9: the links are file descriptors; the kernel drops them with the
# process.
case_cg_kill9_leaves_nothing() {
	pt_start --dev nsfocus_tap0 --tap --json || return
	expect_eq "$(cg_attached | wc -l)" 3 "cgroup programs linked while tracing"
	kill -9 "$PT_PID"
	wait "$PT_PID" 2>/dev/null
	expect_no_bpf_left
	expect_eq "$(cg_attached | wc -l)" 0 "cgroup programs linked after kill -9"
}

# Namespace @1's packet sockets (/proc/net/packet): "ifindex rmem", one a line.
packet_socks() { # netns
	ip netns exec "$1" awk 'NR > 1 { print $5, $7 }' /proc/net/packet
}

# xmit is seen, between queue and driver, at the tap: one packet socket,
# bound to the device, that holds nothing however many packets pass.
case_tap_xmit_seen() {
	local ifindex
	pt_start --dev "$DEV" --json --explain || return
	expect_ok "xmit's hook at start-up: $(grep 'xmit' "$TMP/err")" \
		grep -qx 'pathtrace: stage xmit: packet-socket tap (AF_PACKET filter)' "$TMP/err"
	ifindex=$(nsx cat "/sys/class/net/$DEV/ifindex")
	nsx ping -c 3 -i 0.2 -W 1 192.0.2.2 >/dev/null
	expect_eq "$(packet_socks "$NS")" "$ifindex 0" "packet sockets (ifindex, bytes held) after 3 pings"
	kill -INT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(stage_lists | sort | uniq -c | sed 's/^ *//')" "3 icmp $PING_STAGES" "the pings' stages"
	expect_eq "$(jq -r 'select(.stages) | .stages[] | select(.stage == "xmit") | .seen_at' "$TMP/out" | sort -u)" \
		"a packet socket's filter, where tcpdump's copy is taken inside dev_hard_start_xmit" "xmit's seen_at"
	expect_eq "$(packet_socks "$NS")" "" "packet sockets after exit"
	expect_no_bpf_left
}

# --hist does without it (the kernel clones every packet for it) and says so.
case_tap_not_with_hist() {
	pt_start --dev "$DEV" --hist --json || return
	expect_eq "$(packet_socks "$NS")" "" "packet sockets with --hist"
	expect_ok "xmit unseen, and why: $(grep ': xmit: ' "$TMP/err")" \
		grep -q '^pathtrace: unseen: xmit: .*the packet-socket tap is not used with --hist (the kernel clones every packet for it' "$TMP/err"
	kill -INT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_no_bpf_left
}

# kill -9: the socket goes with the process, its filter with it.
case_tap_kill9_leaves_nothing() {
	pt_start --dev "$DEV" --json || return
	expect_eq "$(packet_socks "$NS" | wc -l)" 1 "packet sockets while tracing"
	kill -9 "$PT_PID"
	wait "$PT_PID" 2>/dev/null
	expect_no_bpf_left
	expect_eq "$(packet_socks "$NS")" "" "packet sockets after kill -9"
}

run_cases "${CASES[@]}"
