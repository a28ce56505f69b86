#!/usr/bin/env bash
# Hooks beyond tracepoints on this machine's kernel (issue 18): netfilter
# BPF links stand in for the ip stage (POST_ROUTING) and TCP's sendq
# (LOCAL_OUT) in journey mode. They are registered in the traced device's
# namespace only, are named where they serve, and go with pathtrace, kill
# -9 included.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

DEV=nsfocus_tun0
CASES=(nf_hooks_named nf_only_own_netns nf_kill9_leaves_nothing nf_not_with_hist)

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

run_cases "${CASES[@]}"
