#!/usr/bin/env bash
# pathtrace demo tun|tap, --explain and --report on this machine's kernel:
# the classroom's experiments, run as a teacher would, inside the case's
# netns (the demo makes a namespace of its own within it).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

CASES=(demo_tun demo_tap demo_json demo_interrupted demo_kill9 demo_not_root demo_tcp
	demo_tcp_json demo_tcp_interrupted demo_tcp_kill9 demo_usage explain_live report_live
	report_refused)
PTA=$(realpath "$PT" 2>/dev/null)

# demo_run ARGS...: the demo in $TMP (its files land there), 30 s at most.
demo_run() {
	(cd "$TMP" && timeout 30 ip netns exec "$NS" "$PTA" demo "$@" >"$TMP/out" 2>"$TMP/err")
	DEMO_RC=$?
}

# The stage lines of the journeys, labelled with their steps: "1.1 socket syscall".
labels() {
	awk '/^  ([0-9]\.[0-9]|R[0-9]) / {
		s = substr($0, 3, 4); t = substr($0, 8, 12); g = substr($0, 22, 8)
		sub(/ +$/, "", s); sub(/ +$/, "", t); sub(/ +$/, "", g)
		print s " " t " " g
	}' "$TMP/out" | sort | uniq -c | sed 's/^ *//'
}

# After a demo: no ping of it still running, nothing loaded, the case's netns untouched.
expect_demo_gone() { # device
	local p
	for p in $(sed -n 's/.*sent by ping pid \([0-9]*\).*/\1/p' "$TMP/out" | sort -u); do
		kill -0 "$p" 2>/dev/null && fail "the demo's ping (pid $p) still runs"
	done
	expect_no_dev "$1"
	expect_no_bpf_left
}

expect_pcap() { # file want-lengths
	local got
	got=$(tshark -r "$1" -T fields -e frame.len 2>/dev/null | tr '\n' ' ')
	expect_eq "$got" "$2" "frame lengths in $(basename "$1")"
	expect_eq "$(tshark -r "$1" -T fields -e frame.comment 2>/dev/null | grep -c 'sent by ping pid')" \
		"$3" "frames of $(basename "$1") whose comment names ping as the sender"
}

have_chromium() {
	command -v chromium >/dev/null || command -v chromium-browser >/dev/null
}

# expect_report FILE N: the HTML report in headless Chromium, N rows
# (tests/render-html.sh); without chromium, its rows in the file at least.
expect_report() {
	local r
	if ! have_chromium; then
		expect_eq "$(grep -o 'class="row"' "$1" | wc -l)" "$2" "rows in $(basename "$1") (chromium not installed: not rendered)"
		return
	fi
	r=$(bash tests/render-html.sh "$1" "$2")
	case $r in
	PASS\ *) ;;
	*) fail "$(basename "$1") in headless Chromium: $r" ;;
	esac
}

need_tshark() {
	command -v tshark >/dev/null && return 0
	T_SKIP="tshark not installed (run tools/setup.sh)"
	return 1
}

case_demo_tun() {
	need_tshark || return
	demo_run tun
	expect_eq "$DEMO_RC" 0 "demo tun exit status"
	expect_eq "$(grep -c '^#[0-9]* ICMP echo request .*192.0.2.1 -> 192.0.2.2, 84 bytes, sent by ping pid' "$TMP/out")" 3 "journeys of 84-byte echo requests"
	expect_eq "$(grep -c '^#' "$TMP/out")" 3 "journeys"
	# Every stage of every journey labelled with its step (tracepoints here).
	expect_eq "$(labels | tr '\n' ',')" "3 1.1 socket syscall,3 2.1 UDP/ICMP l4,3 2.2 routing route,3 3.2 netfilter ip,3 3.4 ARP neigh,3 4.1 qdisc queue,3 4.3 tcpdump tap xmit,3 4.4 driver driver,3 5.1 device queue copy,3 5.2 reader user," "step labels"
	expect_ok "n/a stage labelled" grep -q '^  3.4  ARP           neigh  *n/a$' "$TMP/out"
	# Explained once: under the first journey only.
	expect_eq "$(grep -c "^ *the driver's transmit function" "$TMP/out")" 1 "explanations of 4.4"
	expect_eq "$(grep '^                     [a-z]' "$TMP/out" | grep -vc '^ *total ')" 10 "explanation lines"
	expect_ok "summary: 3 IP packets of 84 bytes" grep -qx '  3 IP packets of 84 bytes (20 IP + 8 ICMP + 56 data): the ICMP echo requests' "$TMP/out"
	expect_ok "summary: layer 3" grep -q '^A TUN device works at layer 3' "$TMP/out"
	expect_ok "where the files are" grep -qx "Open $(realpath "$TMP")/tun.pcapng in Wireshark (or tshark -r), $(realpath "$TMP")/tun.html in a browser." "$TMP/out"
	expect_ok "its own namespace said" grep -q 'demo: in a network namespace of its own' "$TMP/err"
	expect_ok "the ping said" grep -q 'demo: ping -c 3 192.0.2.2: through nsfocus_tun0' "$TMP/err"
	expect_ok "capture written" grep -q 'wrote 3 packets to tun.pcapng' "$TMP/err"
	expect_pcap "$TMP/tun.pcapng" "84 84 84 " 3
	expect_ok "report written" grep -q 'wrote the report of 3 journeys to tun.html' "$TMP/err"
	expect_report "$TMP/tun.html" 3
	expect_demo_gone nsfocus_tun0
}

case_demo_tap() {
	need_tshark || return
	demo_run tap
	expect_eq "$DEMO_RC" 0 "demo tap exit status"
	expect_eq "$(grep -c '^#[0-9]* ARP request 192.0.2.1 -> 192.0.2.2, 42 bytes' "$TMP/out")" 3 "journeys of 42-byte ARP requests"
	expect_eq "$(grep -c '^#[0-9]* ICMP echo request .*, 98 bytes, sent by ping pid' "$TMP/out")" 3 "journeys of 98-byte frames"
	expect_eq "$(grep '^#' "$TMP/out" | cut -d' ' -f2 | tr '\n' ' ')" "ARP ARP ARP ICMP ICMP ICMP " "ARP first, then the pings"
	expect_ok "neigh labelled 3.4 ARP, seen" grep -q '^  3.4  ARP           neigh  *[0-9]*\.[0-9]\{9\} ' "$TMP/out"
	expect_ok "the tcpdump tap seen" grep -q '^  4.3  tcpdump tap   xmit  *[0-9]*\.[0-9]\{9\} ' "$TMP/out"
	# Explained once per kind: the first ARP request says why it exists.
	expect_eq "$(grep -c '^ *no neighbour entry for the next hop: the packet is parked' "$TMP/out")" 1 "ARP's explanation"
	expect_eq "$(grep -c '^ *the neighbour table gives the next hop' "$TMP/out")" 1 "the frames' neigh explanation"
	expect_ok "summary: ARP requests" grep -q '^  3 ARP requests of 42 bytes (14 Ethernet + 28 ARP)' "$TMP/out"
	expect_ok "summary: Ethernet frames" grep -q '^  3 Ethernet frames of 98 bytes (14 Ethernet + 84 IP)' "$TMP/out"
	expect_ok "summary: layer 2" grep -q '^A TAP device works at layer 2' "$TMP/out"
	expect_ok "the static entry said" grep -q 'demo: ip neigh replace 192.0.2.2 lladdr 02:70:74:00:00:02 dev nsfocus_tap0' "$TMP/err"
	expect_pcap "$TMP/tap.pcapng" "42 42 42 98 98 98 " 4
	expect_report "$TMP/tap.html" 6
	expect_eq "$(tshark -r "$TMP/tap.pcapng" -T fields -e arp.opcode -e icmp.type 2>/dev/null | tr '\t\n' ' ,')" "1 ,1 ,1 , 8, 8, 8," "ARP requests, then echo requests, in the capture"
	expect_demo_gone nsfocus_tap0
}

# --json: the journeys carry their steps; the summary goes to stderr.
case_demo_json() {
	demo_run tun --json
	expect_eq "$DEMO_RC" 0 "demo tun --json exit status"
	split_summary
	expect_eq "$(jq -s 'length' "$TMP/out")" 3 "JSON journeys"
	expect_eq "$(jq -s -c '[.[] | [.stages[].step] | join(" ")] | unique' "$TMP/out")" '["1.1 2.2 3.2 4.1 4.3 4.4 5.1 5.2"]' "steps of the stages seen"
	expect_eq "$(jq -s '[.[].stages[] | select((.explain | length) < 20)] | length' "$TMP/out")" 0 "every stage explained"
	expect_eq "$(jq -s -c '[.[].stages[] | select(.seen_at) | [.stage, .seen_at]] | unique' "$TMP/out")" \
		'[["ip","netfilter POST_ROUTING, inside ip_output"],["xmit","a packet socket'"'"'s filter, where tcpdump'"'"'s copy is taken inside dev_hard_start_xmit"]]' \
		"the stages seen through netfilter and the tap say where"
	expect_eq "$(jq '.summary.reads' "$TMP/summary")" 3 "JSON summary's reads"
	expect_ok "what the reader got, on stderr" grep -q '^  3 IP packets of 84 bytes' "$TMP/err"
	expect_demo_gone nsfocus_tun0
}

# demo_start_bg [ENV...]: the TAP demo in the background (PT_PID) until
# its ping runs; DEMO_PROCS: the demo's child and that ping.
demo_start_bg() {
	(cd "$TMP" && exec ip netns exec "$NS" "$@" "$PTA" demo tap >"$TMP/out" 2>"$TMP/err") &
	PT_PID=$!
	PIDS+=("$PT_PID")
	local i kid
	for ((i = 0; i < 100; i++)); do
		grep -q 'demo: ping -c 3' "$TMP/err" 2>/dev/null && break
		sleep 0.05
	done
	sleep 0.5
	kid=$(pgrep -P "$PT_PID")
	DEMO_PROCS=$(echo $kid $([ -n "$kid" ] && pgrep -P "$kid"))
	expect_ok "the demo's child and its ping run ($DEMO_PROCS)" test "$(wc -w <<<"$DEMO_PROCS")" -ge 2
}

# Those of DEMO_PROCS running, not zombies (an orphan's is reaped when init
# gets to it).
demo_running() {
	local p alive=
	for p in $DEMO_PROCS; do
		[ -r "/proc/$p/status" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null &&
			alive="$alive $p"
	done
	echo $alive
}

# A stop in the middle (SIGINT while the TAP demo waits for ARP): exit 0,
# the experiment's child and its ping ended, nothing left.
case_demo_interrupted() {
	demo_start_bg env --default-signal=INT
	kill -INT "$PT_PID"
	# At once, not when the experiment would have ended (about 5 s in).
	pt_wait 2
	expect_eq "$PT_RC" 0 "exit status after SIGINT"
	expect_ok "the stop said" grep -q "demo: stopped before the experiment's end" "$TMP/err"
	expect_ok "what came so far summed up" grep -q '^What the reader got from nsfocus_tap0' "$TMP/out"
	# Reaped too: pathtrace waits for its child, the child for its ping.
	local p
	for p in $DEMO_PROCS; do
		kill -0 "$p" 2>/dev/null && fail "process $p of the demo still runs after it exited"
	done
	expect_ok "the first ARP request was traced" grep -q '^#1 ARP request' "$TMP/out"
	expect_no_bpf_left
}

# Wait up to 2 s for command @1 to print nothing (what a demo leaves goes).
wait_none() {
	local i
	for ((i = 0; i < 20; i++)); do
		[ -z "$("$1")" ] && return
		sleep 0.1
	done
}

# kill -9 gives pathtrace no chance: its child gets SIGTERM as its parent
# dies (PR_SET_PDEATHSIG) and ends ping (and the device, gone with
# pathtrace, would end the experiment soon anyway); the kernel frees the
# rest.
case_demo_kill9() {
	demo_start_bg
	kill -9 "$PT_PID"
	wait "$PT_PID" 2>/dev/null
	wait_none demo_running
	expect_eq "$(demo_running)" "" "processes of the demo running 2 s after kill -9"
	expect_no_bpf_left
}

case_demo_not_root() {
	(cd "$TMP" && nsx setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$PTA" demo tun >"$TMP/out" 2>"$TMP/err")
	expect_eq "$?" 1 "exit status without privileges"
	expect_ok "message: $(head -1 "$TMP/err")" grep -qx 'pathtrace: demo: cannot make a network namespace: Operation not permitted (needs root)' "$TMP/err"
	expect_eq "$(ls "$TMP")" "err
out" "no file made"
}

# demo tcp's processes running (its client and server), by name.
tcp_procs() {
	pgrep -x demo-client
	pgrep -x demo-server
}

# The named network namespaces, one line: the demo makes none.
named_netns() {
	ls /var/run/netns 2>/dev/null | tr '\n' ' '
}

# demo tcp's text: its journeys are the lines before the histograms.
tcp_journeys() {
	sed "/data segments' way out/,\$d" "$TMP/out"
}

# A real client and server through the relay: the handshake and the first
# data segment in full, the data segments in histograms, the capture has
# every segment out and the 64 KiB, nothing left behind.
case_demo_tcp() {
	need_tshark || return
	local before n journeys
	before=$(named_netns)
	demo_run tcp
	expect_eq "$DEMO_RC" 0 "demo tcp exit status"
	# Held, then printed in the handshake's order: SYN, SYN-ACK in, ACK, the first data.
	expect_eq "$(grep '^#' "$TMP/out" | grep -o '\[[A-Z]*\]' | tr '\n' ' ')" "[S] [SA] [A] [A] " "the journeys printed: the handshake, then a data segment"
	expect_ok "SYN: the client's socket" grep -q '^#[0-9]* TCP [0-9]* -> 5001 \[S\] .*192.0.2.1 -> 192.0.2.2, 60 bytes, socket of demo-client pid' "$TMP/out"
	expect_ok "SYN-ACK: in, from the server" grep -q '^#[0-9]* rx TCP 5001 -> [0-9]* \[SA\] .*192.0.2.2 -> 192.0.2.1' "$TMP/out"
	expect_ok "ACK: no data" grep -q '^#[0-9]* TCP [0-9]* -> 5001 \[A\] .* len=0 192.0.2.1 -> 192.0.2.2, 52 bytes' "$TMP/out"
	expect_ok "the first data segment, written by the client" grep -q '^#[0-9]* TCP [0-9]* -> 5001 \[A\] .* len=1448 .*, 1500 bytes, data written by demo-client pid' "$TMP/out"
	journeys=$(tcp_journeys)
	# Every stage line labelled with its step; each way explained once.
	expect_eq "$(grep -cE '^  [a-z]+ ' <<<"$journeys")" 0 "stage lines without a step label"
	expect_ok "stages labelled" test "$(grep -cE '^  ([0-9]\.[0-9]|R[0-9]) ' <<<"$journeys")" -ge 30
	expect_eq "$(grep -c "^ *the driver's transmit function" <<<"$journeys")" 1 "explanations of 4.4 (the way out)"
	expect_eq "$(grep -c '^ *the reader writes the answer to /dev/net/tun' <<<"$journeys")" 1 "explanations of R1 (the way in)"
	# The data segments' histograms: each of them in every transition they all have.
	n=$(sed -n 's/^  \([0-9]*\) TCP segments carrying 65536 bytes, at most 1448 each (the MSS).*/\1/p' "$TMP/out")
	expect_ok "summary: N TCP segments carrying 65536 bytes ($n)" test "${n:-0}" -ge 46
	expect_ok "the histograms' heading" grep -qx "The $n data segments' way out, stage to stage (the first in full above):" "$TMP/out"
	local t
	for t in 'queue -> xmit' 'xmit -> driver' 'driver -> copy' 'copy -> user' 'total (first stage -> user)'; do
		expect_ok "histogram $t of $n segments" grep -q "^nsfocus_tun0 $t: count $n, p50 " "$TMP/out"
	done
	expect_ok "log2 buckets" grep -q '^ *nsecs : count     distribution$' "$TMP/out"
	expect_ok "summary: the handshake" grep -qx '  the handshake: SYN out, SYN-ACK in, ACK out' "$TMP/out"
	expect_ok "summary: the FIN" grep -q "^  the client's FIN" "$TMP/out"
	expect_ok "summary: the way out" grep -q '^What went through nsfocus_tun0 (TUN) and the relay, from the client 192.0.2.1 port [0-9]* to the server 192.0.2.2 port 5001:$' "$TMP/out"
	expect_ok "where the files are" grep -qx "Open $(realpath "$TMP")/tcp.pcapng in Wireshark (or tshark -r), $(realpath "$TMP")/tcp.html in a browser." "$TMP/out"
	expect_ok "two namespaces said" grep -q 'demo: in a network namespace of its own, gone when the demo ends; the server in a second one' "$TMP/err"
	expect_ok "the relay said" grep -q 'relay: TUN nsfocus_peer0 in network namespace demo-peer' "$TMP/err"
	# The capture: every segment the client sent, the 64 KiB among them.
	expect_eq "$(tshark -r "$TMP/tcp.pcapng" -Y 'ip.src == 192.0.2.1 && tcp.len > 0' -T fields -e tcp.len 2>/dev/null | awk '{ s += $1; n++ } END { print n + 0, s + 0 }')" "$n 65536" "data segments in tcp.pcapng and their payload"
	expect_eq "$(tshark -r "$TMP/tcp.pcapng" -T fields -e tcp.flags.str 2>/dev/null | head -2 | tr -d '\n ·')" "SA" "the capture starts with the SYN and the ACK"
	expect_ok "capture written: $(grep -o 'wrote [0-9]* packets to tcp.pcapng' "$TMP/err")" grep -qx "pathtrace: wrote $(tshark -r "$TMP/tcp.pcapng" 2>/dev/null | wc -l) packets to tcp.pcapng" "$TMP/err"
	local rows
	rows=$(sed -n 's/.*wrote the report of \([0-9]*\) journeys to tcp.html/\1/p' "$TMP/err")
	expect_ok "report written ($rows journeys)" test "${rows:-0}" -gt "$n"
	expect_report "$TMP/tcp.html" "$rows"
	expect_eq "$(tcp_procs)" "" "the demo's client and server, after it"
	expect_eq "$(named_netns)" "$before" "named network namespaces (the demo's are not)"
	expect_demo_gone nsfocus_tun0
}

# --json: the four journeys, then the histograms' object, then the summary.
case_demo_tcp_json() {
	demo_run tcp --json
	expect_eq "$DEMO_RC" 0 "demo tcp --json exit status"
	split_summary
	expect_eq "$(jq -s -c '[.[] | select(.seq) | [.dir, .tcp.flags, .tcp.payload]]' "$TMP/out")" '[["tx","S",0],["rx","SA",0],["tx","A",0],["tx","A",1448]]' "JSON journeys"
	expect_eq "$(jq -s '[.[] | select(.seq) | .stages[] | select((.explain | length) < 20)] | length' "$TMP/out")" 0 "every stage explained"
	local n
	n=$(jq -s '[.[] | select(.hists)][0].reads' "$TMP/out")
	expect_ok "data segments in the histograms' object: $n" test "${n:-0}" -ge 46
	expect_eq "$(jq -s -c "[.[] | select(.hists) | .hists[] | select(.transition == \"total\" or .transition == \"queue->driver\" or .transition == \"copy->user\") | .count] | unique" "$TMP/out")" "[$n]" "segments in each of total, queue->driver, copy->user"
	expect_eq "$(tail -1 "$TMP/out" | jq -c 'has("hists")')" true "the histograms last before the summary"
	expect_eq "$(jq '.summary.journeys.read' "$TMP/summary")" "$(tshark -r "$TMP/tcp.pcapng" 2>/dev/null | wc -l)" "JSON summary's journeys read: the capture's packets"
	expect_ok "what went through, on stderr" grep -q '^  the handshake: SYN out, SYN-ACK in, ACK out$' "$TMP/err"
	expect_eq "$(tcp_procs)" "" "the demo's client and server, after it"
	expect_demo_gone nsfocus_tun0
}

# demo tcp in the background (PT_PID), stopped (SIGSTOP) as soon as it
# forks its client: the experiment cannot end while pathtrace, the relay,
# is stopped. TCP_PROCS: the client and the server, TCP_NS: the network
# namespaces of pathtrace and of the server.
demo_tcp_bg() {
	(cd "$TMP" && exec ip netns exec "$NS" "$@" "$PTA" demo tcp >"$TMP/out" 2>"$TMP/err") &
	PT_PID=$!
	PIDS+=("$PT_PID")
	local i kid= srv=
	for ((i = 0; i < 200000; i++)); do
		[ -z "$kid" ] && kill -0 "$PT_PID" 2>/dev/null || break
		read -r kid _ <"/proc/$PT_PID/task/$PT_PID/children" 2>/dev/null
	done
	[ -n "$kid" ] && kill -STOP "$PT_PID"
	for ((i = 0; i < 200; i++)); do
		[ -n "$kid" ] || break
		read -r srv _ <"/proc/$kid/task/$kid/children" 2>/dev/null	# (no newline: status 1)
		[ -n "$srv" ] && break
		sleep 0.01
	done
	TCP_PROCS="$kid $srv"
	TCP_NS="$(readlink "/proc/$PT_PID/ns/net") $(readlink "/proc/$srv/ns/net")"
	expect_ok "the demo's client and server run ($TCP_PROCS; $TCP_NS)" test -n "$srv"
}

# Those of TCP_PROCS running, or the namespaces of TCP_NS with a process in them.
tcp_left() {
	local p
	for p in $TCP_PROCS; do
		[ -r "/proc/$p/status" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null &&
			echo "process $p"
	done
	for p in $TCP_NS; do
		p=${p#net:[}
		lsns -n -t net -o NS | grep -qx "${p%]}" && echo "namespace $p"
	done
}

# SIGINT as the client and server start: exit 0, both ended, both
# namespaces gone, nothing loaded.
case_demo_tcp_interrupted() {
	demo_tcp_bg env --default-signal=INT
	kill -INT "$PT_PID"
	kill -CONT "$PT_PID"
	pt_wait 5
	expect_eq "$PT_RC" 0 "exit status after SIGINT"
	expect_ok "the stop said" grep -q "demo: stopped before the experiment's end" "$TMP/err"
	expect_ok "what came so far summed up" grep -q '^What went through nsfocus_tun0' "$TMP/out"
	wait_none tcp_left
	expect_eq "$(tcp_left)" "" "left 2 s after the demo"
	expect_no_bpf_left
}

# kill -9: the client gets SIGTERM as pathtrace dies and ends the server.
case_demo_tcp_kill9() {
	demo_tcp_bg
	kill -9 "$PT_PID"
	wait "$PT_PID" 2>/dev/null
	wait_none tcp_left
	expect_eq "$(tcp_left)" "" "left 2 s after kill -9"
	expect_no_bpf_left
}

case_demo_usage() {
	nsx "$PT" demo tcpx >"$TMP/out" 2>"$TMP/err"
	expect_eq "$?" 2 "exit status of an unknown experiment"
	expect_ok "the experiments named: $(head -1 "$TMP/err")" grep -qx 'pathtrace: demo needs an experiment: tun, tap or tcp' "$TMP/err"
	nsx "$PT" demo tcp --relay x:y >"$TMP/out" 2>"$TMP/err"
	expect_eq "$?" 2 "exit status of demo tcp --relay"
	expect_ok "--relay refused" grep -q "option '--relay' does not go with demo" "$TMP/err"
}

# --explain on a live --dev: the same labels, the explanations once.
case_explain_live() {
	pt_start --dev nsfocus_tun0 --explain -c 3 || return
	ip netns exec "$NS" ping -c 3 -i 0.2 -W 1 192.0.2.2 >/dev/null &
	PIDS+=("$!")
	pt_wait 10
	expect_eq "$PT_RC" 0 "exit status"
	expect_eq "$(labels | tr '\n' ',')" "3 1.1 socket syscall,3 2.1 UDP/ICMP l4,3 2.2 routing route,3 3.2 netfilter ip,3 3.4 ARP neigh,3 4.1 qdisc queue,3 4.3 tcpdump tap xmit,3 4.4 driver driver,3 5.1 device queue copy,3 5.2 reader user," "step labels"
	expect_eq "$(grep -c "^ *it waited in the tun device's queue" "$TMP/out")" 1 "explanations of 5.1"
	expect_ok "start-up names the walk-through" grep -q 'explain: stages are labelled with their steps in the classic walk-through' "$TMP/err"
	expect_no_dev nsfocus_tun0
	expect_no_bpf_left
}

# --report on a live trace: one row per journey, the way in too (--echo).
case_report_live() {
	if ! have_chromium; then
		T_SKIP="chromium not installed (run tools/setup.sh test)"
		return
	fi
	pt_start --dev nsfocus_tun0 --echo --json -c 3 --report "$TMP/r.html" || return
	ip netns exec "$NS" ping -c 3 -i 0.2 -W 1 192.0.2.2 >/dev/null &
	PIDS+=("$!")
	pt_wait 10
	expect_eq "$PT_RC" 0 "exit status"
	local n
	n=$(wc -l <"$TMP/out")
	expect_eq "$n" 6 "journeys: 3 requests and 3 replies"
	expect_ok "report written" grep -q "wrote the report of $n journeys to $TMP/r.html" "$TMP/err"
	expect_report "$TMP/r.html" "$n"
	expect_eq "$(grep -c 'class="row" data-dir="rx"' "$TMP/r.html")" 3 "rows of the way in"
	expect_ok "the way in's histograms" grep -q 'The way in (rx)' "$TMP/r.html"
	expect_no_bpf_left
}

# A report path that exists (without --force) or is a symbolic link is
# refused before anything is set up; a failed start leaves no report.
case_report_refused() {
	echo keep >"$TMP/exists.html"
	ln -s "$TMP/exists.html" "$TMP/link.html"
	nsx "$PT" --dev nsfocus_tun0 --report "$TMP/exists.html" >"$TMP/out" 2>"$TMP/err"
	expect_eq "$?" 1 "exit status: report exists"
	expect_ok "says it exists" grep -q "output $TMP/exists.html exists: refused (--force overwrites it)" "$TMP/err"
	nsx "$PT" --dev nsfocus_tun0 --report "$TMP/link.html" --force >"$TMP/out" 2>"$TMP/err"
	expect_eq "$?" 1 "exit status: report is a link"
	expect_ok "says it is a link" grep -q "is a symbolic link: refused" "$TMP/err"
	expect_eq "$(cat "$TMP/exists.html")" keep "the existing file untouched"
	nsx "$PT" --dev nsfocus_tun0 --no-create --report "$TMP/new.html" >"$TMP/out" 2>"$TMP/err"
	expect_eq "$?" 1 "exit status: no device"
	expect_ok "no report left by a failed start" test ! -e "$TMP/new.html"
	expect_no_dev nsfocus_tun0
	expect_no_bpf_left
}

run_cases "${CASES[@]}"
