#!/usr/bin/env bash
# Packet filters (issue 16): a pcap-filter expression after the options, and
# --pid/--comm, decided in the kernel. Every count is exact, on a fixed mix
# of traffic, and the expressions' counts are tcpdump's own on an
# unfiltered capture of the same mix.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

TUN=nsfocus_tun0
TAP=nsfocus_tap0
CASES=(reference
       expr_udp_dst_port expr_icmp expr_ip6 expr_udp_greater expr_icmp_or_ip6_udp
       expr_not_udp expr_tcp_none expr_ip6_icmp6
       tap_arp tap_not_arp existing_tap_without_flag
       pid_one_of_two pid_and_expr pid_and_expr_none comm
       malformed hist_filter hist_interval_count_filter
       echo_requests_only echo_udp echo_comm)

# The reference capture (case reference), read by the expression cases.
REF=$(mktemp -d)
trap 'rm -rf "$REF"' EXIT

# The mix, sent through the TUN device: 14 packets.
#   ping 192.0.2.2, 2 x 84 bytes        ping -s 300 192.0.2.2, 2 x 328
#   ping -6 2001:db8::2, 2 x 104        UDP 192.0.2.2:5001, 3 x 128
#   UDP 192.0.2.2:5002, 2 x 328         UDP [2001:db8::2]:5001, 2 x 148
#   UDP [2001:db8::2]:5002, 1 x 348
MIX_TOTAL=14

# The expressions and what tcpdump must count of the mix for each (the
# reference case checks tcpdump agrees with this table).
declare -A WANT=(
	['udp dst port 5001']=5
	['icmp']=4
	['ip6']=5
	['udp and greater 200']=3
	['icmp or (ip6 and udp)']=7
	['not udp']=6
	['tcp']=0
	['ip6 and icmp6']=2
)

send_mix() {
	local p1 p2 p3
	ip netns exec "$NS" ping -c 2 -i 0.1 -W 0.2 192.0.2.2 >/dev/null &
	p1=$!
	ip netns exec "$NS" ping -c 2 -i 0.1 -W 0.2 -s 300 192.0.2.2 >/dev/null &
	p2=$!
	ip netns exec "$NS" ping -6 -c 2 -i 0.1 -W 0.2 2001:db8::2 >/dev/null &
	p3=$!
	PIDS+=("$p1" "$p2" "$p3")
	nsx "$HELPERS/udpsend" 192.0.2.2 5001 3 100
	nsx "$HELPERS/udpsend" 192.0.2.2 5002 2 300
	nsx "$HELPERS/udpsend" 2001:db8::2 5001 2 100
	nsx "$HELPERS/udpsend" 2001:db8::2 5002 1 300
	wait "$p1" "$p2" "$p3"
}

# stop_pt: once the reader has drained what was sent, SIGINT and wait.
stop_pt() {
	sleep 0.3
	kill -INT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
}

need_tools() { # why the reference checks cannot run, or nothing
	local c
	for c in tcpdump tshark strace; do
		command -v "$c" >/dev/null || { echo "$c not installed (run tools/setup.sh)"; return; }
	done
}

# The packets of a capture as sorted "proto|len|dport" lines. The protocol
# is the IP header's (first occurrence: not an ICMP error's quoted one),
# never tshark's Protocol column, which port tables and heuristics relabel
# (a UDP packet from a random source port once came out "pnio").
pcap_sig() { # file
	tshark -r "$1" -T fields -E separator='|' -E occurrence=f -e ip.proto -e ipv6.nxt \
		-e frame.len -e udp.dstport 2>/dev/null |
		awk -F'|' '{ p = $1 $2
			n = p == 1 ? "icmp" : p == 6 ? "tcp" : p == 17 ? "udp" : p == 58 ? "icmpv6" : "ip" p
			print n "|" $3 "|" $4 }' | sort | tr '\n' ' '
}

# The same of the journeys in $TMP/out.
journey_sig() {
	jq -r '"\(.proto)|\(.len)|\(.dport // "")"' "$TMP/out" | sort | tr '\n' ' '
}

# tcpdump's count of what EXPR keeps of FILE.
tcpdump_count() { # file expr
	tcpdump -r "$1" -nn "$2" 2>/dev/null | wc -l
}

# Summary checks of a journey-mode run that kept KEPT of TOTAL packets.
# A packet the kernel hid from the tracepoints (lost.driver_unseen: it ran
# the tap, not them; an ARP request from the neighbour timer's softirq,
# here) is neither kept nor left out, and its read may lack a record.
check_summary() { # kept total
	expect_eq "$(jq '.summary | .filtered_out + .lost.driver_unseen' "$TMP/summary")" $(($2 - $1)) "summary: filtered_out + unseen at the driver"
	expect_eq "$(jq -c '.summary | .lost.driver_unseen as $h | .journeys | [.read, .dropped, .unread, ([.unjoined_reads - $h, 0] | max), .unjoined_kernel]' "$TMP/summary")" \
		"[$1,0,0,0,0]" "summary journeys: read, dropped, unread, unjoined reads (but of hidden packets), unjoined kernel records"
}

case_reference() {
	T_SKIP=$(need_tools)
	[ -n "$T_SKIP" ] && return
	pt_start --dev "$TUN" --json -w "$TMP/cap.pcapng" || return
	send_mix
	stop_pt
	expect_eq "$(jq -s '[.[] | select(.status == "read")] | length' "$TMP/out")" $MIX_TOTAL "journeys read, unfiltered"
	expect_eq "$(jq -s 'length' "$TMP/out")" $MIX_TOTAL "journeys, unfiltered"
	check_summary $MIX_TOTAL $MIX_TOTAL
	expect_eq "$(tcpdump_count "$TMP/cap.pcapng" '')" $MIX_TOTAL "packets tcpdump reads in the capture"
	local e
	for e in "${!WANT[@]}"; do
		expect_eq "$(tcpdump_count "$TMP/cap.pcapng" "$e")" "${WANT[$e]}" "tcpdump's count for '$e' on the mix"
	done
	expect_eq "$(pcap_sig "$TMP/cap.pcapng")" "$(journey_sig)" "capture and journeys: the same packets"
	cp "$TMP/cap.pcapng" "$REF/cap.pcapng"
}

# expr_case DEVOPT EXPR ARGS...: pathtrace with the expression given as
# ARGS (one word or several) on the mix; every count from tcpdump on the
# reference capture.
expr_case() {
	local devopt=$1 expr=$2 want
	shift 2
	T_SKIP=$(need_tools)
	[ -n "$T_SKIP" ] && return
	if [ ! -s "$REF/cap.pcapng" ]; then
		fail "no reference capture (case reference failed)"
		return
	fi
	want=$(tcpdump_count "$REF/cap.pcapng" "$expr")
	expect_eq "$want" "${WANT[$expr]}" "tcpdump's count for '$expr' on the reference"
	pt_start "$devopt" "$TUN" --json -w "$TMP/f.pcapng" "$@" || return
	send_mix
	stop_pt
	expect_eq "$(jq -s '[.[] | select(.status == "read")] | length' "$TMP/out")" "$want" "journeys read with '$expr'"
	expect_eq "$(jq -s 'length' "$TMP/out")" "$want" "journeys printed with '$expr'"
	check_summary "$want" $MIX_TOTAL
	expect_eq "$(tcpdump_count "$TMP/f.pcapng" '')" "$want" "packets in the filtered run's -w file"
	expect_eq "$(tcpdump_count "$TMP/f.pcapng" "$expr")" "$want" "packets of the -w file that '$expr' keeps"
	tcpdump -r "$REF/cap.pcapng" -w "$TMP/ref-kept.pcap" "$expr" 2>/dev/null
	expect_eq "$(journey_sig)" "$(pcap_sig "$TMP/ref-kept.pcap")" "journeys: the packets tcpdump keeps of the reference"
	expect_eq "$(pcap_sig "$TMP/f.pcapng")" "$(pcap_sig "$TMP/ref-kept.pcap")" "-w file: the packets tcpdump keeps of the reference"
	expect_no_dev "$TUN"
	expect_no_bpf_left
}

# Several words, as tcpdump takes them, or one.
case_expr_udp_dst_port() { expr_case --dev 'udp dst port 5001' udp dst port 5001; }
case_expr_icmp() { expr_case -i icmp icmp; }
case_expr_ip6() { expr_case --dev ip6 ip6; }
case_expr_udp_greater() { expr_case -i 'udp and greater 200' udp and greater 200; }
case_expr_icmp_or_ip6_udp() { expr_case --dev 'icmp or (ip6 and udp)' 'icmp or (ip6 and udp)'; }
case_expr_not_udp() { expr_case -i 'not udp' 'not udp'; }
case_expr_tcp_none() { expr_case --dev tcp tcp; }
case_expr_ip6_icmp6() { expr_case -i 'ip6 and icmp6' ip6 and icmp6; }

# TAP: with no neighbour entry a ping gives PROBES ARP requests (42 bytes),
# then, with a static entry, 3 frames of ICMP echo requests (98 bytes), as
# in tests/kernel/tap.sh.
PROBES=3
PEER_MAC=02:00:5e:00:53:02

tap_traffic() {
	local i
	nsx sysctl -qw net.ipv4.neigh.$TAP.mcast_solicit=$PROBES
	ip netns exec "$NS" ping -c 3 -i 0.3 -W 6 192.0.2.2 >/dev/null
	for ((i = 0; i < 100; i++)); do
		nsx ip neigh show 192.0.2.2 dev "$TAP" | grep -q FAILED && break
		sleep 0.1
	done
	nsx ip neigh replace 192.0.2.2 lladdr "$PEER_MAC" dev "$TAP"
	ip netns exec "$NS" ping -c 3 -i 0.1 -W 0.3 192.0.2.2 >/dev/null
}

tap_case() { # kept_proto kept_len expr words...
	local proto=$1 len=$2 expr
	shift 2
	expr=$*
	T_SKIP=$(need_tools)
	[ -n "$T_SKIP" ] && return
	pt_start --dev "$TAP" --tap --addr6 none --json -w "$TMP/f.pcapng" "$@" || return
	tap_traffic
	stop_pt
	local n hid
	n=$(jq -s 'length' "$TMP/out")
	hid=$(jq '.summary.lost.driver_unseen' "$TMP/summary")
	expect_eq "$(jq -s -c '[.[] | [.status, .proto, .len]] | unique' "$TMP/out")" "[[\"read\",\"$proto\",$len]]" "journeys with '$expr': status, proto, length"
	expect_ok "journeys with '$expr' ($n): 3, but for packets the kernel hid from the tracepoints ($hid, counted)" \
		test "$n" -le 3 -a "$n" -ge $((3 - hid))
	check_summary "$n" $((PROBES + 3))
	expect_eq "$(tcpdump -r "$TMP/f.pcapng" 2>&1 >/dev/null | grep -c 'link-type EN10MB')" 1 "-w file's link type Ethernet"
	expect_eq "$(tcpdump_count "$TMP/f.pcapng" '')" "$n" "packets in the -w file: the journeys"
	expect_eq "$(tcpdump_count "$TMP/f.pcapng" "$expr")" "$n" "packets of the -w file that '$expr' keeps"
	expect_no_dev "$TAP"
	expect_no_bpf_left
}

case_tap_arp() { tap_case arp 42 arp; }
case_tap_not_arp() { tap_case icmp 98 not arp; }

# An existing TAP device given without --tap: the expression is compiled
# for Ethernet all the same ('arp' has no meaning on TUN).
case_existing_tap_without_flag() {
	nsx ip tuntap add dev "$TAP" mode tap
	nsx sysctl -qw net.ipv6.conf.$TAP.disable_ipv6=1
	nsx sysctl -qw net.ipv4.neigh.$TAP.mcast_solicit=1
	nsx ip addr add 192.0.2.1/24 dev "$TAP"
	nsx ip link set "$TAP" up
	pt_start --dev "$TAP" --json arp || return
	ip netns exec "$NS" ping -c 1 -W 2 192.0.2.2 >/dev/null
	stop_pt
	expect_eq "$(jq -s -c '[.[] | [.status, .proto, .len]]' "$TMP/out")" '[["read","arp",42]]' "journeys: the one ARP request"
	check_summary 1 1
	nsx ip link del "$TAP"
}

# Two senders at once, held until pathtrace runs: A sends NA datagrams to
# 5001, B (a copy named udpsend_b) NB to 5002, each in its own process.
NA=200
NB=150

start_senders() {
	mkfifo "$TMP/go"
	cp "$HELPERS/udpsend" "$TMP/udpsend_b"
	# shellcheck disable=SC2016 # the inner shell expands them
	ip netns exec "$NS" sh -c 'read -r _ <"$1"; exec "$2" 192.0.2.2 5001 "$3" 64' \
		sh "$TMP/go" "$HELPERS/udpsend" $NA &
	A=$!
	# shellcheck disable=SC2016
	ip netns exec "$NS" sh -c 'read -r _ <"$1"; exec "$2" 192.0.2.2 5002 "$3" 64' \
		sh "$TMP/go" "$TMP/udpsend_b" $NB &
	B=$!
	PIDS+=("$A" "$B")
}

# go_senders: both at once (one write to the fifo wakes both readers).
go_senders() {
	printf 'go\ngo\n' >"$TMP/go"
	wait "$A" "$B"
}

pid_case() { # kept_count jq_select_of_kept args...
	local kept=$1 sel=$2
	shift 2
	pt_start --dev "$TUN" --json "$@" || return
	go_senders
	stop_pt
	expect_eq "$(jq -s 'length' "$TMP/out")" "$kept" "journeys with $*"
	expect_eq "$(jq -s "[.[] | select(.status == \"read\" and $sel)] | length" "$TMP/out")" "$kept" "read journeys of the kept sender ($sel)"
	check_summary "$kept" $((NA + NB))
	expect_no_bpf_left
}

case_pid_one_of_two() {
	start_senders
	pid_case $NA ".pid == $A and .comm == \"udpsend\" and .dport == 5001" --pid "$A"
}

case_pid_and_expr() {
	start_senders
	pid_case $NB ".pid == $B and .comm == \"udpsend_b\" and .dport == 5002" --pid "$A" --pid "$B" udp dst port 5002
}

case_pid_and_expr_none() {
	start_senders
	pid_case 0 "true" --pid "$A" 'udp dst port 5002'
}

case_comm() {
	start_senders
	pid_case $NB ".pid == $B and .comm == \"udpsend_b\" and .dport == 5002" --comm udpsend_b
}

# A 24-byte pcap file header with no packet, of link type LINKTYPE (101:
# raw IP, 1: Ethernet), for tcpdump to compile against.
empty_pcap() { # file linktype
	printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00%b\x00\x00\x00' \
		"\\x$(printf %02x "$2")" >"$1"
}

# libpcap's message for EXPR on a link type, as tcpdump prints it.
pcap_msg() { # file expr
	tcpdump -r "$1" -d "$2" 2>&1 >/dev/null | sed -n 's/^tcpdump: //p'
}

expect_refused() { # pcap_file devargs... -- expr words...
	local pcap=$1 msg
	shift
	local dev=()
	while [ "$1" != -- ]; do
		dev+=("$1")
		shift
	done
	shift
	msg=$(pcap_msg "$pcap" "$*")
	[ -n "$msg" ] || fail "tcpdump accepts '$*': no message to compare with"
	# Nothing loaded, no device asked for: no bpf() call, /dev/net/tun unopened.
	nsx strace -f -qq -o "$TMP/strace" -e trace=bpf,openat "$PT" "${dev[@]}" "$@" \
		>"$TMP/out" 2>"$TMP/err"
	expect_eq "$?" 2 "exit status for '$*'"
	expect_eq "$(grep -c -e 'bpf(' -e '/dev/net/tun' "$TMP/strace")" 0 \
		"bpf() calls or /dev/net/tun opened for '$*'"
	expect_eq "$(wc -l <"$TMP/err")" 1 "lines on stderr for '$*': $(tr '\n' ' ' <"$TMP/err")"
	expect_ok "stderr for '$*' has libpcap's message '$msg': $(cat "$TMP/err")" grep -qF -- "$msg" "$TMP/err"
	expect_eq "$(wc -c <"$TMP/out")" 0 "stdout for '$*'"
	expect_no_dev "${dev[1]}"
	expect_no_bpf_left
}

case_malformed() {
	T_SKIP=$(need_tools)
	[ -n "$T_SKIP" ] && return
	empty_pcap "$TMP/raw.pcap" 101
	empty_pcap "$TMP/eth.pcap" 1
	expect_refused "$TMP/raw.pcap" --dev "$TUN" -- udp dst port
	expect_refused "$TMP/raw.pcap" -i "$TUN" -- 'foo bar baz'
	expect_refused "$TMP/raw.pcap" --dev "$TUN" -- 'udp port 99999'
	# Compiled for the device's link type: Ethernet words on TUN.
	expect_refused "$TMP/raw.pcap" --dev "$TUN" -- ether host 02:00:5e:00:53:02
	expect_refused "$TMP/raw.pcap" --dev "$TUN" -- arp
	expect_refused "$TMP/eth.pcap" --dev "$TAP" --tap -- 'udp dst port'
	# The options before it still parsed; the expression still refused.
	expect_refused "$TMP/raw.pcap" --dev "$TUN" --hist 1 2 -- udp dst port
}

# --hist: samples of the kept packets only.
case_hist_filter() {
	pt_start --dev "$TUN" --hist --hist-by proto --json 'icmp or ip6' || return
	send_mix
	stop_pt
	expect_eq "$(jq -S -c '[.hists[] | select(.transition == "total") | {(.proto): .count}] | add' "$TMP/out")" \
		'{"icmp":4,"icmpv6":2,"udp":3}' "whole-way samples per protocol with 'icmp or ip6'"
	expect_eq "$(jq -c '[.hists[]] | group_by(.transition) | map({(.[0].transition): (map(.count) | add)}) | add' "$TMP/out")" \
		'{"copy->user":9,"driver->copy":9,"l4->route":3,"queue->driver":9,"route->queue":9,"syscall->l4":3,"syscall->route":6,"total":9}' "samples per transition, all protocols (l4: the UDP sends')"
	expect_eq "$(jq '.summary.filtered_out' "$TMP/summary")" 5 "summary: filtered_out"
	expect_eq "$(jq -c '.summary | [.reads, .dropped, .unread, .lost.samples, .in_flight]' "$TMP/summary")" "[9,0,0,0,0]" "summary: reads, dropped, unread, samples lost, in flight"
	expect_no_bpf_left
}

# Leading numbers are the interval and count; the words after them, the
# expression.
case_hist_interval_count_filter() {
	pt_start --dev "$TUN" --hist 10 1 --json udp dst port 5001 || return
	send_mix
	stop_pt
	expect_eq "$(jq -s 'length' "$TMP/out")" 1 "one print"
	expect_eq "$(jq -S -c '[.hists[] | {(.transition): .count}] | add' "$TMP/out")" \
		'{"copy->user":5,"driver->copy":5,"l4->route":5,"queue->driver":5,"route->queue":5,"syscall->l4":5,"total":5}' "samples per transition with 'udp dst port 5001'"
	expect_eq "$(jq -c '.summary | [.reads, .filtered_out]' "$TMP/summary")" "[5,9]" "summary: reads, filtered_out"
	expect_no_bpf_left
}

# --echo: the filter decides the way in too, where the answer enters the
# stack. Echo requests kept, echo replies left out: pathtrace answers what
# it read, ping gets its replies, and no way-in journey is printed.
case_echo_requests_only() {
	pt_start --dev "$TUN" --echo --json 'icmp[icmptype] = icmp-echo' || return
	ip netns exec "$NS" ping -c 3 -i 0.1 -W 1 192.0.2.2 >"$TMP/ping" 2>&1
	expect_eq "$?" 0 "ping got its replies: $(tail -2 "$TMP/ping" | head -1)"
	stop_pt
	expect_eq "$(jq -s -c '[.[] | [.dir, .status, .proto, .icmp.type]]' "$TMP/out")" \
		'[["tx","read","icmp",8],["tx","read","icmp",8],["tx","read","icmp",8]]' "journeys: the three requests out, no reply in"
	expect_eq "$(jq -c '.summary | [.rx.answers_written, .filtered_out]' "$TMP/summary")" "[3,3]" "summary: answers written, filtered out (the replies)"
	expect_no_bpf_left
}

# 'udp' on a mix of pings and datagrams sent back: the way in has the UDP
# answers only. pathtrace still answers the pings it left out (it reads the
# device whatever the filter): ping gets its replies, and the requests and
# replies are counted left out.
case_echo_udp() {
	pt_start --dev "$TUN" --echo --json udp || return
	ip netns exec "$NS" ping -c 2 -i 0.1 -W 1 192.0.2.2 >"$TMP/ping" 2>&1 &
	local ping=$!
	PIDS+=("$ping")
	ip netns exec "$NS" "$HELPERS/udpsend" 192.0.2.2 5001 3 100 recv >"$TMP/udp" 2>&1
	expect_eq "$?" 0 "udpsend got every datagram back: $(cat "$TMP/udp")"
	wait "$ping"
	expect_eq "$?" 0 "ping got its replies: $(tail -2 "$TMP/ping" | head -1)"
	stop_pt
	expect_eq "$(jq -s -c '[.[] | select(.dir == "tx") | [.status, .proto, .len, .dport]] | unique' "$TMP/out")" '[["read","udp",128,5001]]' "way out: the datagrams only"
	expect_eq "$(jq -s '[.[] | select(.dir == "tx")] | length' "$TMP/out")" 3 "way-out journeys"
	expect_eq "$(jq -s -c '[.[] | select(.dir == "rx") | [.proto, .len, .sport, .comm]] | unique' "$TMP/out")" '[["udp",128,5001,"pathtrace"]]' "way in: the answers to the datagrams only"
	expect_eq "$(jq -s '[.[] | select(.dir == "rx")] | length' "$TMP/out")" 3 "way-in journeys"
	expect_eq "$(jq -c '.summary | [.reads, .journeys.read, .rx.answers_written, .filtered_out]' "$TMP/summary")" "[3,3,5,4]" "summary: reads, journeys read, answers written, filtered out (2 requests, 2 replies)"
	expect_no_bpf_left
}

# --comm on the way in: the packets its process reads. udpsend's datagrams
# are answered too, and left out both ways.
case_echo_comm() {
	pt_start --dev "$TUN" --echo --json --comm ping || return
	ip netns exec "$NS" ping -c 3 -i 0.1 -W 1 192.0.2.2 >"$TMP/ping" 2>&1 &
	local ping=$!
	PIDS+=("$ping")
	ip netns exec "$NS" "$HELPERS/udpsend" 192.0.2.2 5001 2 100 recv >"$TMP/udp" 2>&1
	expect_eq "$?" 0 "udpsend got every datagram back: $(cat "$TMP/udp")"
	wait "$ping"
	expect_eq "$?" 0 "ping got its replies: $(tail -2 "$TMP/ping" | head -1)"
	stop_pt
	expect_eq "$(jq -s -c '[.[] | select(.dir == "tx") | [.status, .proto, .comm, .pid]] | unique' "$TMP/out")" "[[\"read\",\"icmp\",\"ping\",$ping]]" "way out: ping's requests only"
	expect_eq "$(jq -s '[.[] | select(.dir == "tx")] | length' "$TMP/out")" 3 "way-out journeys"
	expect_eq "$(jq -s -c '[.[] | select(.dir == "rx") | [.status, .proto, .receiver.comm, .receiver.pid]] | unique' "$TMP/out")" "[[\"received\",\"icmp\",\"ping\",$ping]]" "way in: the replies ping received only"
	expect_eq "$(jq -s '[.[] | select(.dir == "rx")] | length' "$TMP/out")" 3 "way-in journeys"
	expect_eq "$(jq -c '.summary | [.reads, .rx.answers_written, .rx.received, .rx.unfinished, .filtered_out]' "$TMP/summary")" "[3,5,3,0,4]" "summary: reads, answers written, received, unfinished, filtered out (udpsend's 2 out, their 2 answers in)"
	expect_no_bpf_left
}

run_cases "${CASES[@]}"
