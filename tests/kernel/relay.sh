#!/usr/bin/env bash
# --relay on this machine's kernel: pathtrace is a wire between the case's
# namespace (nsfocus_tun0, the client) and a second one (relay0, a real
# stack that answers). What goes out is followed to pathtrace's read, what
# comes back up the receive path to the client's read.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

CASES=(relay_ping relay_ping6 relay_udp_server relay_tap_arp_and_ping relay_tcp_upload
       relay_tcp_download relay_tcp_retransmit relay_tcp_upload_hist
       relay_hist relay_no_netns relay_own_netns relay_dev_exists relay_usage
       relay_sigterm relay_kill9)

# The stages of a ping's reply's way in, on tracepoints (its way out: PING_STAGES).
TP_RX_STAGES='syscall netif copy'

# The TCP cases' server and client: a case that cannot run says why.
need_socat() {
	command -v socat >/dev/null && return 0
	T_SKIP="socat not installed (run tools/setup.sh test)"
	return 1
}

# The TCP data segments out (their journeys, one JSON array) in $TMP/out.
tcp_data_out() {
	jq -s -c '[.[] | select(.dir == "tx" and .proto == "tcp" and .tcp.payload > 0)]' "$TMP/out"
}

# Starts pathtrace relaying to relay0 in a namespace of the case's own ($PEER).
relay_start() { # pathtrace's arguments
	netns_add PEER || { fail "cannot make the peer's namespace"; return 1; }
	pt_start "$@" --relay "$PEER:relay0"
}

expect_no_relay_dev() {
	local i
	for ((i = 0; i < 20; i++)); do
		ip -n "$PEER" link show relay0 >/dev/null 2>&1 || return 0
		sleep 0.05
	done
	fail "relay0 still exists in $PEER after pathtrace exited"
}

# The --json summary's relay counts: to_peer from_peer write_failures.
relay_counts() {
	jq -r '.summary.relay | "\(.to_peer) \(.from_peer) \(.write_failures)"' "$TMP/summary"
}

# Ping's requests out and its replies in, N of LEN bytes, proto PROTO.
check_ping() { # n len proto ping_pid
	local tx rx
	tx=$(jq -s -c "[.[] | select(.dir == \"tx\")]" "$TMP/out")
	rx=$(jq -s -c "[.[] | select(.dir == \"rx\")]" "$TMP/out")
	expect_eq "$(jq "[.[] | select(.status == \"read\" and .proto == \"$3\" and .len == $2 and .comm == \"ping\" and .pid == $4 and .reader.comm == \"pathtrace\" and .reader.pid == $PT_PID)] | length" <<<"$tx")" "$1" "$3 requests of $2 bytes sent by ping, read by pathtrace"
	expect_eq "$(jq 'length' <<<"$tx")" "$1" "tx journeys"
	expect_eq "$(jq -r '[.[] | [.stages[].stage] | join(" ")] | unique | join(",")' <<<"$tx")" "$PING_STAGES" "tx stages"
	# (An answer's "len" is known from its request with --echo; here, its skb's.)
	expect_eq "$(jq "[.[] | select(.status == \"received\" and .proto == \"$3\" and .skb_len == $2 and .comm == \"pathtrace\" and .syscall == \"write\" and .pid == $PT_PID and .receiver.comm == \"ping\" and .receiver.pid == $4)] | length" <<<"$rx")" "$1" "$3 replies of $2 bytes written by pathtrace, received by ping"
	expect_eq "$(jq 'length' <<<"$rx")" "$1" "rx journeys"
	expect_eq "$(jq -r '[.[] | [.stages[].stage] | join(" ")] | unique | join(",")' <<<"$rx")" "$TP_RX_STAGES" "rx stages"
	expect_eq "$(jq -s '[.[] | .stages | [.[].t_ns] as $t | $t == ($t | sort)] | all' "$TMP/out")" true "timestamps in order"
	expect_eq "$(relay_counts)" "$1 $1 0" "packets relayed to the peer, from it, failed writes"
	expect_eq "$(jq -c '.summary.rx' "$TMP/summary")" "{\"received\":$1,\"dropped\":0,\"unread\":0,\"unfinished\":0}" "the way in, in the summary"
}

case_relay_ping() {
	relay_start --dev nsfocus_tun0 --json -c 3 -w "$TMP/cap.pcapng" --report "$TMP/r.html" || return
	expect_eq "$(ip -n "$PEER" -4 -o addr show dev relay0 | awk '{print $4}')" 192.0.2.2/24 "relay0's IPv4 address"
	expect_eq "$(ip -n "$PEER" -6 -o addr show dev relay0 | awk '{print $4}')" 2001:db8::2/64 "relay0's IPv6 address"
	expect_eq "$(ip -n "$PEER" -o link show relay0 | grep -o 'mtu [0-9]*')" "$(nsx ip -o link show nsfocus_tun0 | grep -o 'mtu [0-9]*')" "relay0's MTU, nsfocus_tun0's"
	ping_answered 3 192.0.2.2
	local ping=$PING_PID
	expect_eq "$PT_RC" 0 "pathtrace exit status (-c 3)"
	check_ping 3 84 icmp "$ping"
	expect_eq "$(jq -s -c '[.[] | select(.dir == "rx") | [.src, .dst, .icmp.type, .icmp.seq]]' "$TMP/out")" '[["192.0.2.2","192.0.2.1",0,1],["192.0.2.2","192.0.2.1",0,2],["192.0.2.2","192.0.2.1",0,3]]' "echo replies from the peer's stack"
	expect_ok "summary line: $(grep 'relay:' "$TMP/err" | tail -1)" grep -q "relay: 3 packets relayed from nsfocus_tun0 to $PEER:relay0, 3 from $PEER:relay0 into nsfocus_tun0, 0 writes failed; the way in: 3 received" "$TMP/err"
	if command -v tshark >/dev/null; then
		expect_eq "$(tshark -r "$TMP/cap.pcapng" 2>/dev/null | wc -l)" 3 "-w: the 3 requests read"
	fi
	expect_ok "--report written" grep -q "rx" "$TMP/r.html"
	expect_no_relay_dev
	expect_no_dev nsfocus_tun0
	expect_no_bpf_left
}

case_relay_ping6() {
	relay_start --dev nsfocus_tun0 --json -c 2 || return
	ping_answered 2 2001:db8::2
	local ping=$PING_PID
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	check_ping 2 104 icmpv6 "$ping"
	expect_eq "$(jq -s -c '[.[] | select(.dir == "rx") | .src] | unique' "$TMP/out")" '["2001:db8::2"]' "replies from the peer's IPv6 address"
	expect_no_relay_dev
}

# A real UDP server in the peer's namespace echoes each datagram; a filter
# keeps them and leaves out a ping, which is relayed all the same.
case_relay_udp_server() {
	need_socat || return
	relay_start --dev nsfocus_tun0 --json udp port 40404 || return
	ip netns exec "$PEER" socat -T 10 UDP4-LISTEN:40404,bind=192.0.2.2 PIPE 2>"$TMP/socat" &
	PIDS+=("$!")
	local i
	for ((i = 0; i < 100; i++)); do
		ip netns exec "$PEER" ss -Hlun 'sport = :40404' | grep -q . && break
		sleep 0.05
	done
	ip netns exec "$NS" "$HELPERS/udpsend" 192.0.2.2 40404 5 100 recv >"$TMP/udp" 2>&1
	expect_eq "$?" 0 "udpsend got every datagram back from the server: $(cat "$TMP/udp")"
	ip netns exec "$NS" ping -c 1 -W 2 192.0.2.2 >"$TMP/ping" 2>&1
	expect_eq "$?" 0 "the ping the filter leaves out is answered"
	kill -INT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq -s '[.[] | select(.dir == "tx" and .status == "read" and .proto == "udp" and .len == 128 and .dport == 40404 and .comm == "udpsend" and .syscall == "sendto")] | length' "$TMP/out")" 5 "datagrams out, read by pathtrace"
	# On tracepoints a UDP socket's receive is unseen: unfinished at exit (echo.sh).
	expect_eq "$(jq -s '[.[] | select(.dir == "rx" and .status == "unfinished" and .proto == "udp" and .skb_len == 128 and .sport == 40404 and .src == "192.0.2.2" and .comm == "pathtrace" and .syscall == "write")] | length' "$TMP/out")" 5 "the server's datagrams in, written by pathtrace"
	expect_eq "$(jq -s 'length' "$TMP/out")" 10 "journeys: the datagrams only"
	expect_eq "$(relay_counts)" "6 6 0" "relayed each way: 5 datagrams and the ping"
	expect_eq "$(jq '.summary.filtered_out' "$TMP/summary")" 2 "the ping and its reply left out"
	expect_no_relay_dev
	expect_no_bpf_left
}

# TAP: the client's ARP request crosses the wire, relay0's stack answers it,
# and the pings that waited for it are answered.
case_relay_tap_arp_and_ping() {
	relay_start --dev nsfocus_tap0 --tap --addr6 none --relay-addr 192.0.2.2/24 --json || return
	local mac
	mac=$(ip -n "$PEER" -o link show relay0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
	expect_eq "$(ip netns exec "$PEER" cat /proc/sys/net/ipv6/conf/relay0/disable_ipv6)" 1 "no IPv6 on relay0 (none asked)"
	expect_ok "relay0 is TAP" ip netns exec "$PEER" grep -qx 0x1002 /sys/class/net/relay0/tun_flags
	ip netns exec "$NS" ping -c 3 -i 0.2 -W 2 192.0.2.2 >"$TMP/ping" 2>&1 &
	local ping=$!
	PIDS+=("$ping")
	wait "$ping"
	expect_eq "$?" 0 "ping's exit status (all replies came): $(tail -2 "$TMP/ping" | head -1)"
	expect_eq "$(nsx ip neigh show 192.0.2.2 dev nsfocus_tap0 | awk '{print $3}')" "$mac" "the client learnt relay0's MAC through the relay"
	sleep 0.3
	kill -INT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq -s '[.[] | select(.dir == "tx" and .proto == "arp" and .arp.op == "request" and .len == 42 and .status == "read")] | length' "$TMP/out")" 1 "one ARP request out"
	expect_eq "$(jq -s -c '[.[] | select(.dir == "rx" and .proto == "arp") | [.arp.op, .status]]' "$TMP/out")" '[["reply","unread"]]' "one ARP reply in, taken by the kernel"
	expect_eq "$(jq -s '[.[] | select(.dir == "tx" and .proto == "icmp" and .len == 98 and .status == "read")] | length' "$TMP/out")" 3 "three 98-byte echo request frames out"
	expect_eq "$(jq -s '[.[] | select(.dir == "rx" and .proto == "icmp" and .skb_len == 84 and .status == "received" and .receiver.comm == "ping")] | length' "$TMP/out")" 3 "three echo replies in (84 bytes past the Ethernet header), received by ping"
	expect_eq "$(relay_counts)" "$(jq -s '[.[] | select(.dir == "tx")] | length' "$TMP/out") $(jq -s '[.[] | select(.dir == "rx")] | length' "$TMP/out") 0" "relayed each way: every journey's packet"
	expect_no_relay_dev
}

# A 1 MiB TCP upload from the case's namespace to a real server behind the
# relay (socat), checked by sha256, with pathtrace following. Every data
# segment out is a journey read by pathtrace, named after the client's
# write(), with TCP's stages; nothing unjoined, every read relayed.
# An upload of SIZE bytes from the case's namespace to a socat server in
# $PEER, through the relay started already; its integrity checked. With
# DURING (a function), its input is paced (half, 0.6 s, the other half, 2 s
# more before the client closes) and DURING runs while it sends. CLI: the
# client's pid.
tcp_upload() { # size [during]
	local srv i n=$1
	head -c "$n" /dev/urandom >"$TMP/data"
	ip netns exec "$PEER" socat -u TCP4-LISTEN:5001,bind=192.0.2.2 "OPEN:$TMP/recv,creat,trunc" 2>"$TMP/socat" &
	srv=$!
	PIDS+=("$srv")
	for ((i = 0; i < 100; i++)); do
		ip netns exec "$PEER" ss -Hltn 'sport = :5001' | grep -q . && break
		sleep 0.05
	done
	if [ -n "${2:-}" ]; then
		{ head -c $((n / 2)) "$TMP/data"; sleep 0.6; tail -c +$((n / 2 + 1)) "$TMP/data"; sleep 2; } |
			ip netns exec "$NS" socat -u - TCP4:192.0.2.2:5001 2>"$TMP/client" &
	else
		ip netns exec "$NS" socat -u "OPEN:$TMP/data" TCP4:192.0.2.2:5001 2>"$TMP/client" &
	fi
	CLI=$!		# (ip netns exec execs socat: the client's pid)
	PIDS+=("$CLI")
	[ -z "${2:-}" ] || "$2"
	wait "$CLI"
	expect_eq "$?" 0 "the client's upload: $(cat "$TMP/client")"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$srv" 2>/dev/null || break
		sleep 0.05
	done
	expect_eq "$(sha256sum <"$TMP/recv")" "$(sha256sum <"$TMP/data")" "sha256 of what the server got"
}

case_relay_tcp_upload() {
	need_socat || return
	relay_start --dev nsfocus_tun0 --json || return
	local c data CLI
	tcp_upload 1048576
	sleep 0.3	# the last ACKs
	kill -TERM "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	read -r -a c <<<"$(relay_counts)"
	expect_eq "$(( c[0] >= 1048576 / 1500 && c[1] > 0 && c[2] == 0 ))" 1 "packets relayed each way (${c[*]})"
	expect_eq "$(jq '.summary.reads' "$TMP/summary")" "${c[0]}" "every read relayed"
	data=$(tcp_data_out)
	expect_ok "data segments out: at least 1 MiB's ($(jq length <<<"$data"))" \
		test "$(jq '[.[] | select(.retransmit != true) | .tcp.payload] | add // 0' <<<"$data")" -ge 1048576
	expect_eq "$(jq -c '[.[] | select(.status != "read" or .pid != '"$CLI"' or .comm != "socat" or .sender != "write")] | if length > 0 then .[0] | del(.stages) else "none" end' <<<"$data")" '"none"' \
		"every data segment out read by pathtrace, named after the client's write() (the first that is not)"
	expect_eq "$(jq -r '[.[] | [.stages[].stage] | join(" ")] | unique | join(",")' <<<"$data")" "syscall l4 sendq ip queue xmit driver copy user" \
		"their stages (l4: tcp_sendmsg_locked; sendq, ip: netfilter LOCAL_OUT, POST_ROUTING; xmit: the tap)"
	expect_eq "$(jq -r '[.[] | .unseen | join(" ")] | unique | join(",")' <<<"$data")" "" "their unseen stages"
	expect_nothing_unjoined
	expect_no_relay_dev
	expect_no_bpf_left
}

# A 64 KiB download from a real server behind the relay: every data
# segment the server sent is a journey in, received by the client's
# process, each once (a TCP skb read in two read()s is no second packet),
# and together they are the 64 KiB; the client's ACKs go out as journeys
# read by pathtrace.
case_relay_tcp_download() {
	need_socat || return
	local n=65536 srv cli i rx
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	relay_start --dev nsfocus_tun0 --json || return
	head -c $n /dev/urandom >"$TMP/data"
	ip netns exec "$PEER" socat -u "OPEN:$TMP/data" TCP4-LISTEN:5001,bind=192.0.2.2 2>"$TMP/socat" &
	srv=$!
	PIDS+=("$srv")
	for ((i = 0; i < 100; i++)); do
		ip netns exec "$PEER" ss -Hltn 'sport = :5001' | grep -q . && break
		sleep 0.05
	done
	ip netns exec "$NS" socat -u TCP4:192.0.2.2:5001 "OPEN:$TMP/recv,creat,trunc" 2>"$TMP/client" &
	cli=$!
	PIDS+=("$cli")
	wait "$cli"
	expect_eq "$?" 0 "the client's download: $(cat "$TMP/client")"
	expect_eq "$(sha256sum <"$TMP/recv")" "$(sha256sum <"$TMP/data")" "sha256 of what the client got"
	sleep 0.3	# the last ACKs
	kill -TERM "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	rx=$(jq -s -c '[.[] | select(.dir == "rx" and .proto == "tcp" and .sport == 5001 and .tcp.payload > 0)]' "$TMP/out")
	expect_eq "$(jq '[.[] | select(.status == "received" and .receiver.comm == "socat" and .receiver.pid == '"$cli"' and .receiver.clone == false)] | length' <<<"$rx")" \
		"$(jq 'length' <<<"$rx")" "data segments in, each received by the client"
	expect_eq "$(jq '[.[].tcp.seq] | unique | length' <<<"$rx")" "$(jq 'length' <<<"$rx")" "each data segment once"
	expect_eq "$(jq '[.[].tcp.payload] | add' <<<"$rx")" $n "their payload: the whole download"
	expect_eq "$(jq -r '[.[] | [.stages[].stage] | join(" ")] | unique | join(",")' <<<"$rx")" "$TP_RX_STAGES" "their stages (tracepoints)"
	expect_eq "$(jq -s '[.[] | select(.dir == "tx" and .status != "read")] | length' "$TMP/out")" 0 "the client's segments out: all read by pathtrace"
	expect_nothing_unjoined
	expect_no_relay_dev
	expect_no_bpf_left
}

# --hist: the way out in histograms, the relay as ever.
case_relay_hist() {
	relay_start --dev nsfocus_tun0 --hist --json icmp || return
	ip netns exec "$NS" ping -c 3 -i 0.2 -W 2 192.0.2.2 >"$TMP/ping" 2>&1
	expect_eq "$?" 0 "ping's exit status (all replies came)"
	kill -INT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq '.summary.reads' "$TMP/summary")" 3 "reads"
	expect_eq "$(relay_counts)" "3 3 0" "relayed each way"
	expect_ok "summary line" grep -q "relay: 3 packets relayed .* 3 from .* their way in is not followed with --hist" "$TMP/err"
	expect_no_relay_dev
}

# While the client sends its second half: the peer's ACKs to the client
# dropped for 1.5 s.
drop_acks_a_while() {
	sleep 0.3
	ip -n "$PEER" route add blackhole 192.0.2.1/32
	expect_eq "$?" 0 "the drop rule in the peer's namespace"
	sleep 1.5	# the second half sent, unacknowledged, sent again
	ip -n "$PEER" route del blackhole 192.0.2.1/32
}

# A forced loss: the peer's ACKs are dropped by a blackhole route to the
# client in the peer's namespace (a drop rule; this kernel has no tc
# actions, netem or nftables) while the client writes its second half. The
# peer gets the data but the client hears nothing back, and TCP sends the
# unacknowledged data again after its retransmission timeout: journeys
# marked retransmit, each a sequence number that went out before, read,
# named after the client's write().
case_relay_tcp_retransmit() {
	need_socat || return
	relay_start --dev nsfocus_tun0 --json || return
	local CLI data re
	tcp_upload 131072 drop_acks_a_while
	kill -TERM "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	data=$(tcp_data_out)
	re=$(jq -c '[.[] | select(.retransmit == true)]' <<<"$data")
	expect_ok "retransmitted data segments: $(jq length <<<"$re")" test "$(jq length <<<"$re")" -ge 1
	expect_eq "$(jq -c '[.[] | select(.status != "read" or .pid != '"$CLI"' or .comm != "socat" or .sender != "write")] | length' <<<"$re")" 0 \
		"each retransmission read by pathtrace, named after the client's write()"
	expect_eq "$(jq -c --argjson re "$re" '[$re[].tcp.seq] - [.[] | select(.retransmit == false) | .tcp.seq] | length' <<<"$data")" 0 \
		"each retransmission's sequence number went out before, not marked"
	expect_eq "$(jq '[.[] | select(.retransmit == false) | .tcp.payload] | add' <<<"$data")" 131072 \
		"the first transmissions: the whole upload, once"
	expect_nothing_unjoined
	expect_no_relay_dev
	expect_no_bpf_left
}

# --hist over a TCP upload: GSO's segments carry their originals' stages
# into the histograms, and no original is taken for a packet unread.
case_relay_tcp_upload_hist() {
	need_socat || return
	relay_start --dev nsfocus_tun0 --hist --json || return
	local c CLI total
	tcp_upload 1048576
	sleep 0.3	# the last ACKs
	kill -TERM "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	read -r -a c <<<"$(relay_counts)"
	expect_eq "$(jq '.summary.reads' "$TMP/summary")" "${c[0]}" "every read relayed (${c[*]})"
	expect_eq "$(jq -c '.summary | [.dropped, .unread, .lost.samples, .in_flight]' "$TMP/summary")" '[0,0,0,0]' \
		"dropped, unread (a split original was), samples lost, in flight"
	total=$(jq -s '[.[] | select(.hists) | .hists[] | select(.transition == "total") | .count] | add' "$TMP/out")
	expect_eq "$total" "$(jq '.summary | .reads - .lost.not_followed' "$TMP/summary")" \
		"whole-way samples: every packet read but those not followed"
	expect_eq "$(jq -s '[.[] | select(.hists) | .hists[] | select(.transition == "queue->driver") | .count] | add' "$TMP/out")" \
		"$total" "queue->driver samples: segments too (their originals' queue)"
	expect_no_relay_dev
	expect_no_bpf_left
}

# An error before anything is made: exit 1, one line, nothing left.
expect_refused() { # what pattern
	expect_eq "$PT_RC" 1 "$1: exit status"
	expect_eq "$(wc -l <"$TMP/err")" 1 "$1: one line on stderr ($(tr '\n' ' ' <"$TMP/err"))"
	expect_ok "$1: the line says why" grep -q "$2" "$TMP/err"
	expect_no_dev nsfocus_tun0
	expect_no_bpf_left
}

pt_run() { # arguments: pathtrace in the case's namespace, to its end
	timeout 20 ip netns exec "$NS" "$PT" "$@" >"$TMP/out" 2>"$TMP/err"
	PT_RC=$?
}

case_relay_no_netns() {
	PEER=pt-test-none-$$
	pt_run --dev nsfocus_tun0 --relay "$PEER:relay0"
	expect_refused "no such namespace" "network namespace $PEER does not exist"
}

case_relay_own_netns() {
	pt_run --dev nsfocus_tun0 --relay "$NS:relay0"
	expect_refused "its own namespace" "network namespace $NS is pathtrace's own"
	expect_no_dev relay0
}

case_relay_dev_exists() {
	netns_add PEER || return
	ip -n "$PEER" tuntap add relay0 mode tun
	pt_run --dev nsfocus_tun0 --tap --relay "$PEER:relay0"
	expect_refused "IFACE exists" "device relay0 already exists in network namespace $PEER"
	expect_ok "the existing relay0 is left as it was" ip netns exec "$PEER" test -d /sys/class/net/relay0/
	expect_eq "$(ip -n "$PEER" -o link show | wc -l)" 2 "nothing else made in the peer's namespace"
}

case_relay_usage() {
	netns_add PEER || return
	local a
	for a in relay0 ":relay0" "$PEER:" "$PEER:relay0123456789x" "a/b:relay0" "$PEER:re/lay"; do
		pt_run --dev nsfocus_tun0 --relay "$a"
		expect_eq "$PT_RC" 2 "--relay '$a': exit status"
	done
	expect_ok "too long: said so" grep -q "too long" <(ip netns exec "$NS" "$PT" --dev nsfocus_tun0 --relay "$PEER:relay0123456789x" 2>&1)
	pt_run --dev nsfocus_tun0 --relay "$PEER:relay0" --echo
	expect_eq "$PT_RC" 2 "--relay with --echo: exit status"
	pt_run --dev nsfocus_tun0 --relay-addr 192.0.2.2/24
	expect_eq "$PT_RC" 2 "--relay-addr without --relay: exit status"
	pt_run --dev nsfocus_tun0 --relay "$PEER:relay0" --relay-addr 192.0.2.2/24 --relay-addr 192.0.2.3/24
	expect_eq "$PT_RC" 2 "two IPv4 --relay-addr: exit status"
	expect_eq "$(ip -n "$PEER" -o link show | wc -l)" 1 "nothing made in the peer's namespace"
	expect_no_dev nsfocus_tun0
}

case_relay_sigterm() {
	relay_start --dev nsfocus_tap0 --tap || return
	expect_ok "relay0 made" ip -n "$PEER" link show relay0 >/dev/null
	kill -TERM "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status after SIGTERM"
	expect_no_relay_dev
	expect_no_dev nsfocus_tap0
	expect_no_bpf_left
}

case_relay_kill9() {
	relay_start --dev nsfocus_tun0 || return
	expect_ok "relay0 made" ip -n "$PEER" link show relay0 >/dev/null
	kill -9 "$PT_PID"
	wait "$PT_PID" 2>/dev/null
	expect_no_relay_dev
	expect_no_dev nsfocus_tun0
	expect_no_bpf_left
}

run_cases "${CASES[@]}"
