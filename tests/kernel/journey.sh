#!/usr/bin/env bash
# The core journey on this machine's kernel: the real binary, real pings and
# UDP datagrams through a real TUN device in a netns each case makes.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

DEV=nsfocus_tun0
CASES=(ping_json udp_json json_file_flushed_while_running text_output
       other_traffic_ignored sigint_clean
       existing_device foreign_reader_followed full_ring_drops unread_at_exit
       backend_auto_here forced_backend_refused hist_json hist_other_traffic_ignored hist_by_proto
       hist_foreign_reader
       pcapng_write output_refused sendmmsg_shares_sender bad_input
       kill9_leaves_nothing second_instance_refused)


# Checks common to every journey of a joined packet in $TMP/out.
check_journeys() { # want_count want_len want_proto sender_pid sender_comm want_stages
	local n
	n=$(jq -s 'length' "$TMP/out")
	expect_eq "$n" "$1" "journeys printed"
	expect_eq "$(jq -s '[.[] | select(.status == "read")] | length' "$TMP/out")" "$1" "journeys joined (status read)"
	expect_eq "$(jq -s "[.[] | select(.len == $2)] | length" "$TMP/out")" "$1" "journeys of $2 bytes"
	expect_eq "$(jq -s "[.[] | select(.proto == \"$3\")] | length" "$TMP/out")" "$1" "journeys of proto $3"
	expect_eq "$(jq -s "[.[] | select(.pid == $4 and .comm == \"$5\")] | length" "$TMP/out")" "$1" "journeys with sender pid $4 ($5)"
	expect_eq "$(jq -s "[.[] | select(.dev == \"$DEV\" and .src == \"192.0.2.1\" and .dst == \"192.0.2.2\")] | length" "$TMP/out")" "$1" "journeys on $DEV from 192.0.2.1 to 192.0.2.2"
	expect_eq "$(jq -s '[.[] | [.stages[].stage] | join(" ")] | unique | join(",")' -r "$TMP/out")" "$6" "stages seen (in order)"
	expect_eq "$(jq -s '[.[] | .stages | [.[].t_ns] as $t | ($t == ($t | sort)) and all(.[]; .delta_ns >= 0) and .[0].delta_ns == 0] | all' "$TMP/out")" true "timestamps non-decreasing, deltas >= 0"
	expect_eq "$(jq -s '[.[] | .stages | . as $s | [range(1; length) | $s[.].t_ns - $s[. - 1].t_ns == $s[.].delta_ns] | all] | all' "$TMP/out")" true "delta_ns = difference of t_ns"
	expect_eq "$(jq -s -r '[.[].unseen | join(" ")] | unique | join(",")' "$TMP/out")" "" "unseen stages"
	expect_eq "$(jq -s "[.[] | select(.reader.pid == $PT_PID)] | length" "$TMP/out")" "$1" "copies made by pathtrace's own read()"
	expect_eq "$(jq -s -r '[.[].backend] | unique | join(",")' "$TMP/out")" tracepoint "backend in the journeys"
	expect_eq "$(jq -s '[.[] | select(has("l4_func"))] | length' "$TMP/out")" 0 "journeys naming an l4 function no hook saw"
}

case_ping_json() {
	pt_start --dev "$DEV" --json -c 3 || return
	ip netns exec "$NS" ping -c 3 -i 0.2 -W 1 192.0.2.2 >/dev/null &
	local ping=$!
	PIDS+=("$ping")
	pt_wait 20
	wait "$ping"
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	check_journeys 3 84 icmp "$ping" ping "$PING_STAGES"
	expect_eq "$(jq -s -c '[.[].icmp.seq]' "$TMP/out")" "[1,2,3]" "ICMP sequence numbers"
	expect_eq "$(jq -s "[.[] | select(.icmp.type == 8 and .icmp.id > 0 and .total_ns > 0)] | length" "$TMP/out")" 3 "echo requests with id and total"
	expect_ok "summary on stderr: $(tail -1 "$TMP/err")" grep -q '3 packets read, 3 journeys complete, 0 unjoined' "$TMP/err"
	expect_eq "$(jq '.summary.lost.runs_skipped' "$TMP/summary")" 0 "program runs the kernel skipped (summary)"
	expect_eq "$(grep -c 'skipped by the kernel' "$TMP/err")" 0 "no warning of program runs skipped"
	expect_eq "$(jq '.summary.lost.driver_unseen' "$TMP/summary")" 0 "packets unseen at the driver (every stamp of the tap taken by a driver stage)"
	expect_no_dev "$DEV"
	expect_no_bpf_left
}

case_udp_json() {
	pt_start --dev "$DEV" --json -c 5 || return
	ip netns exec "$NS" "$HELPERS/udpsend" 192.0.2.2 40404 5 100 &
	local s=$!
	PIDS+=("$s")
	pt_wait 20
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	check_journeys 5 128 udp "$s" udpsend "$UDP_STAGES"
	expect_eq "$(jq -s '[.[] | select(.dport == 40404 and .syscall == "sendto")] | length' "$TMP/out")" 5 "journeys to port 40404 by sendto"
	expect_no_dev "$DEV"
	expect_no_bpf_left
}

# A file gets its journeys while pathtrace runs (output to a pipe or file is
# buffered, and flushed 20 ms late at most), not only at its exit.
case_json_file_flushed_while_running() {
	pt_start --dev "$DEV" --json || return
	local n i
	for n in 1 2 3; do	# one at a time: each must come out on its own
		nsx "$HELPERS/udpsend" 192.0.2.2 40412 1 100
		for ((i = 0; i < 40; i++)); do
			[ "$(wc -l <"$TMP/out")" -ge "$n" ] && break
			sleep 0.05
		done
		expect_eq "$(wc -l <"$TMP/out")" "$n" "journeys in the file 2 s after datagram $n, pathtrace running"
	done
	expect_eq "$(jq -s '[.[] | select(.dport == 40412)] | length' "$TMP/out")" 3 "journeys to port 40412"
	expect_ok "pathtrace still runs" kill -0 "$PT_PID"
	kill -INT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
}

case_text_output() {
	pt_start --dev "$DEV" -c 2 || return
	ip netns exec "$NS" ping -c 2 -i 0.2 -W 1 192.0.2.2 >/dev/null &
	PIDS+=("$!")
	pt_wait 20
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(grep -c '^#[12] ICMP echo request id=[0-9]* seq=[12] 192.0.2.1 -> 192.0.2.2, 84 bytes, sent by ping pid' "$TMP/out")" 2 "journey headers"
	expect_eq "$(grep -c '^  l4 *-$' "$TMP/out")" 2 "l4 shown as - in each journey (its hooks see unconnected UDP sends only)"
	expect_eq "$(grep -c '^  neigh *n/a$' "$TMP/out")" 2 "neigh shown as n/a in each journey"
	expect_eq "$(grep -c '^  copy .*read() by pathtrace pid' "$TMP/out")" 2 "copy stage with the reader"
	expect_eq "$(grep -c 'stage l4: cgroup sendmsg4, sendmsg6$' "$TMP/err")" 1 "l4's hooks named once at start-up"
	expect_eq "$(grep -c 'unseen: ' "$TMP/err")" 0 "no stage unseen on the way out"
	expect_eq "$(grep -c 'stage ip: netfilter POST_ROUTING IPv4, IPv6$' "$TMP/err")" 1 "ip's hook named once at start-up"
	expect_eq "$(grep -c 'stage sendq: netfilter LOCAL_OUT IPv4, IPv6$' "$TMP/err")" 1 "sendq's hook named once at start-up"
	expect_eq "$(grep -c '^  sendq ' "$TMP/out")" 0 "no sendq row in a ping's journey (TCP's stage)"
	expect_eq "$(grep -c 'backend: tracepoint' "$TMP/err")" 1 "backend named at start-up"
}

# Packets on other devices (here loopback) are not printed.
case_other_traffic_ignored() {
	pt_start --dev "$DEV" --json || return
	nsx "$HELPERS/udpsend" 127.0.0.1 40405 20 10
	nsx "$HELPERS/udpsend" 192.0.2.2 40406 2 10
	sleep 0.5
	kill -INT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status after SIGINT"
	expect_eq "$(jq -s -c '[.[] | [.status, .dport, .len]]' "$TMP/out")" '[["read",40406,38],["read",40406,38]]' "only the device's packets"
}

case_sigint_clean() {
	local sig
	for sig in INT TERM; do
		pt_start --dev "$DEV" --json || return
		kill -"$sig" "$PT_PID"
		pt_wait 10
		expect_eq "$PT_RC" 0 "exit status after SIG$sig"
		expect_ok "summary after SIG$sig" grep -q '0 packets read' "$TMP/err"
		expect_eq "$(wc -c <"$TMP/out")" 0 "stdout after SIG$sig with no packet"
		expect_ok "ready file removed at exit" test ! -e "$TMP/ready"
		expect_no_dev "$DEV"
		expect_no_bpf_left
	done
}

# A persistent device nobody reads: attached to, then left as it was.
case_existing_device() {
	# Attaching a reader turns the carrier on, and with it IPv6 would
	# give the device a link-local address: the kernel's doing, not ours.
	nsx sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	nsx ip tuntap add dev "$DEV" mode tun
	nsx ip addr add 192.0.2.1/24 dev "$DEV"
	nsx ip link set "$DEV" up
	local before after
	before=$(nsx cat /sys/class/net/$DEV/tun_flags; nsx ip -br addr show dev "$DEV")
	pt_start --dev "$DEV" --json --no-create -c 1 || return
	expect_ok "start-up names an existing device" grep -q 'existing device' "$TMP/err"
	ip netns exec "$NS" ping -c 1 -W 1 192.0.2.2 >/dev/null &
	PIDS+=("$!")
	pt_wait 20
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq -s 'length' "$TMP/out")" 1 "journeys"
	after=$(nsx cat /sys/class/net/$DEV/tun_flags; nsx ip -br addr show dev "$DEV")
	expect_eq "$after" "$before" "device flags and addresses after exit"
	expect_no_bpf_left
}

# tunhold reads $DEV (a VPN daemon's part), the device up as 192.0.2.1/24;
# its pid in HOLDER. Non-zero (and failed) if it did not start.
start_holder() {
	ip netns exec "$NS" "$HELPERS/tunhold" "$DEV" "$TMP/held" read &
	HOLDER=$!
	PIDS+=("$HOLDER")
	wait_for_file "$TMP/held" 10 || { fail "tunhold did not start"; return 1; }
	nsx ip addr add 192.0.2.1/24 dev "$DEV"
	nsx ip link set "$DEV" up
}

# A device another process reads (a VPN daemon, played by tunhold):
# pathtrace does not read it, but follows that process's reads, to their
# return; the device is left as it was.
case_foreign_reader_followed() {
	start_holder || return
	pt_start --dev "$DEV" --json -c 3 || return
	expect_ok "says whom it follows: $(head -1 "$TMP/err")" grep -q "device $DEV is read by tunhold (pid $HOLDER): following its reads; pathtrace does not read" "$TMP/err"
	expect_ok "the user stage from its read()'s return" grep -q "stage user: tracepoint sys_exit" "$TMP/err"
	ip netns exec "$NS" ping -c 3 -i 0.2 -W 1 192.0.2.2 >/dev/null &
	local ping=$!
	PIDS+=("$ping")
	pt_wait 20
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq -s '[.[] | select(.status == "read" and .len == 84 and .reader.comm == "tunhold" and .reader.pid == '"$HOLDER"' and .comm == "ping")] | length' "$TMP/out")" 3 "3 journeys of ping's packets, read by tunhold"
	expect_eq "$(jq -s -r '[.[] | [.stages[].stage] | join(" ")] | unique | join(",")' "$TMP/out")" "$PING_STAGES" "stages, user included"
	expect_eq "$(jq -s '[.[] | .stages | [.[].t_ns] as $t | $t == ($t | sort)] | all' "$TMP/out")" true "in order"
	expect_ok "tunhold still reads the device" kill -0 "$HOLDER"
	expect_ok "device still there" nsx test -e "/sys/class/net/$DEV"
	nsx "$PT" --dev "$DEV" --echo >"$TMP/out2" 2>"$TMP/err2"
	expect_eq "$?" 1 "--echo on a device another process reads: exit status"
	expect_ok "message: $(cat "$TMP/err2")" grep -q "read by another process (tunhold, pid $HOLDER): --echo needs pathtrace to be its reader" "$TMP/err2"
	expect_no_bpf_left
}

# The tun ring holds txqueuelen packets: with the reader stopped, the rest
# are dropped by tun_net_xmit and reported with the kernel's reason.
case_full_ring_drops() {
	pt_start --dev "$DEV" --json || return
	nsx ip link set "$DEV" txqueuelen 4
	kill -STOP "$PT_PID"
	nsx "$HELPERS/udpsend" 192.0.2.2 40407 10 20
	kill -CONT "$PT_PID"
	sleep 0.5
	kill -INT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq -s '[.[] | select(.status == "read" and .dport == 40407)] | length' "$TMP/out")" 4 "packets read (ring of 4)"
	expect_eq "$(jq -s '[.[] | select(.status == "dropped" and .drop_reason == "FULL_RING" and .dport == 40407)] | length' "$TMP/out")" 6 "drops reported with reason FULL_RING"
	expect_eq "$(jq -s '[.[] | select(.status == "dropped") | .stages[-1].stage] | unique | join(",")' -r "$TMP/out")" driver "a dropped packet's last stage"
	expect_ok "summary counts them: $(tail -1 "$TMP/err")" grep -q '4 packets read, 4 journeys complete, 0 unjoined.*, 6 dropped' "$TMP/err"
}

# Packets queued for the reader when it stops are reported, not lost.
case_unread_at_exit() {
	pt_start --dev "$DEV" --json || return
	kill -STOP "$PT_PID"
	nsx "$HELPERS/udpsend" 192.0.2.2 40408 3 20
	kill -TERM "$PT_PID"
	kill -CONT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq -s '[.[] | select(.status == "read")] | length' "$TMP/out")" 0 "packets read after the stop request"
	expect_eq "$(jq -s '[.[] | select(.status == "unread" and .dport == 40408 and .stages[-1].stage == "driver")] | length' "$TMP/out")" 3 "queued packets reported unread at exit"
	expect_ok "summary: $(tail -1 "$TMP/err")" grep -q '0 packets read, .* 0 dropped, 3 unread' "$TMP/err"
}

# This machine's kernel refuses fentry and has no kprobes:
# auto steps down to tracepoints and says why.
case_backend_auto_here() {
	pt_start --dev "$DEV" --json -c 1 || return
	ip netns exec "$NS" ping -c 1 -W 1 192.0.2.2 >/dev/null &
	PIDS+=("$!")
	pt_wait 20
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_ok "start-up says why fentry and kprobe were not used: $(grep backend: "$TMP/err")" \
		grep -q '^pathtrace: backend: tracepoint (fentry: the kernel refused to load fentry programs (.*); kprobe: the kernel cannot attach kprobes (no kprobe PMU, no kprobe_events in tracefs: kernel without CONFIG_KPROBES?))$' "$TMP/err"
	expect_eq "$(grep -c '^pathtrace: stage \(syscall\|route\|queue\|driver\|copy\): tracepoint ' "$TMP/err")" 5 "stages served by tracepoints, named at start-up"
	expect_eq "$(jq -r .backend "$TMP/out")" tracepoint "backend in the journey"
}

# A forced backend the kernel cannot give is an error, never a fallback.
case_forced_backend_refused() {
	local b
	for b in fentry kprobe; do
		nsx "$PT" --dev "$DEV" --backend "$b" >"$TMP/out" 2>"$TMP/err"
		expect_eq "$?" 1 "exit status with --backend $b"
		expect_eq "$(grep -c "^pathtrace: cannot use backend $b: " "$TMP/err")" 1 "one clear message for --backend $b: $(cat "$TMP/err")"
		expect_eq "$(wc -c <"$TMP/out")" 0 "stdout with --backend $b"
		expect_no_dev "$DEV"
		expect_no_bpf_left
	done
}

# --hist: in-kernel histograms, one JSON object per interval.
case_hist_json() {
	pt_start --dev "$DEV" --hist 1 --json || return
	nsx "$HELPERS/udpsend" 192.0.2.2 40409 50 64
	sleep 1.5
	kill -INT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq -s '[.[].reads] | add' "$TMP/out")" 50 "packets read, over all intervals"
	expect_eq "$(jq -s -r '[.[].hists[].transition] | unique | join(",")' "$TMP/out")" \
		"copy->user,driver->copy,l4->route,queue->driver,route->queue,syscall->l4,total" "transitions (l4 from cgroup sendmsg4; no netfilter hook, no tap with --hist)"
	expect_eq "$(jq -s -c '[.[].hists[]] | group_by(.transition) | map({(.[0].transition): (map(.count) | add)}) | add' "$TMP/out")" \
		'{"copy->user":50,"driver->copy":50,"l4->route":50,"queue->driver":50,"route->queue":50,"syscall->l4":50,"total":50}' "samples per transition"
	expect_eq "$(jq -s '[.[].hists[] | (.count == ([.log2[].count] | add)) and .p50_ns <= .p90_ns and .p90_ns <= .p99_ns and .p99_ns <= .max_ns and .max_ns > 0 and .sum_ns >= .max_ns] | all' "$TMP/out")" true "buckets add up, percentiles ordered"
	expect_eq "$(jq -s '[.[] | .hists[] | select(.transition == "total") | .sum_ns] | add > 0' "$TMP/out")" true "total time measured"
	expect_eq "$(jq -s '[.[] | .dropped + .unread + .lost] | add' "$TMP/out")" 0 "drops and losses"
	expect_ok "summary: $(tail -1 "$TMP/err")" grep -q '50 packets read, 0 dropped, 0 unread, 0 samples lost' "$TMP/err"
	expect_no_dev "$DEV"
	expect_no_bpf_left
}

# --hist samples the device's packets only: a ping over lo at the same
# time (its copies and frees pass the same tracepoints) is not among them.
case_hist_other_traffic_ignored() {
	pt_start --dev "$DEV" --hist --json || return
	nsx ping -c 5 -i 0.1 -q 127.0.0.1 >/dev/null
	nsx "$HELPERS/udpsend" 192.0.2.2 40412 3 10
	sleep 0.3
	kill -INT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq -c '[.hists[] | select(.transition == "total") | .count] | add' "$TMP/out")" 3 "whole-way samples: the device's datagrams"
	expect_eq "$(jq -c '.summary | [.reads, .dropped, .unread, .lost.not_followed, .in_flight]' "$TMP/summary")" \
		"[3,0,0,0,0]" "reads, dropped, unread, not followed, in flight"
}

# --hist on a device another process reads: the kernel adds the packets'
# transitions (pathtrace adds its own reads'); none ends in a user stage,
# and pathtrace reads nothing.
case_hist_foreign_reader() {
	start_holder || return
	pt_start --dev "$DEV" --hist --json || return
	nsx "$HELPERS/udpsend" 192.0.2.2 40413 20 64
	sleep 0.3
	kill -INT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq -S -c '[.hists[]] | map({(.transition): .count}) | add' "$TMP/out")" \
		'{"driver->copy":20,"l4->route":20,"queue->driver":20,"route->queue":20,"syscall->l4":20}' \
		"samples per transition, added by the kernel"
	expect_eq "$(jq -c '.summary | [.reads, .dropped, .unread, .lost.samples, .in_flight]' "$TMP/summary")" \
		"[0,0,0,0,0]" "reads (pathtrace's), dropped, unread, lost, in flight"
	expect_ok "tunhold still reads the device" kill -0 "$HOLDER"
	expect_no_bpf_left
}

case_hist_by_proto() {
	pt_start --dev "$DEV" --hist --hist-by proto --json || return
	nsx "$HELPERS/udpsend" 192.0.2.2 40410 5 64
	nsx ping -c 3 -i 0.2 -W 1 192.0.2.2 >/dev/null
	kill -INT "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq -s 'length' "$TMP/out")" 1 "one print at exit without an interval"
	expect_eq "$(jq -c '[.hists[] | select(.transition == "total") | {(.proto): .count}] | add' "$TMP/out")" \
		'{"icmp":3,"udp":5}' "whole-way samples per protocol"
}

# -w: what the reader read, as pcapng (gzip with .gz), read back by tshark.
case_pcapng_write() {
	local f n
	if ! command -v tshark >/dev/null; then
		T_SKIP="tshark not installed (run tools/setup.sh)"
		return
	fi
	for f in "$TMP/ping.pcapng" "$TMP/ping.pcapng.gz"; do
		pt_start --dev "$DEV" --json -c 3 -w "$f" || return
		ip netns exec "$NS" ping -c 3 -i 0.2 -W 1 192.0.2.2 >/dev/null &
		local ping=$!
		PIDS+=("$ping")
		pt_wait 20
		expect_eq "$PT_RC" 0 "pathtrace exit status (-w ${f##*/})"
		expect_ok "summary names the file" grep -q "wrote 3 packets to $f" "$TMP/err"
		tshark -r "$f" -T fields -E separator='|' -e frame.len -e ip.src -e ip.dst \
			-e icmp.type -e frame.comment >"$TMP/tshark" 2>"$TMP/tshark.err"
		expect_eq "$?" 0 "tshark reads ${f##*/}: $(grep -v 'Running as user' "$TMP/tshark.err")"
		expect_eq "$(wc -l <"$TMP/tshark")" 3 "packets in ${f##*/}"
		expect_eq "$(cut -d'|' -f1-4 "$TMP/tshark" | sort -u)" "84|192.0.2.1|192.0.2.2|8" "sizes and headers in ${f##*/}"
		n=$(grep -c "^[^|]*|[^|]*|[^|]*|[^|]*|syscall +0ns, route +[^,]*, ip +[^,]*, queue +[^,]*, xmit +[^,]*, driver +[^,]*, copy +[^,]*, user +[^;]*; total [^;]*; sent by ping pid $ping with sendto()$" "$TMP/tshark")
		expect_eq "$n" 3 "journey comments in ${f##*/}: $(head -1 "$TMP/tshark")"
	done
	expect_ok "gzip-compressed" sh -c "gzip -t '$TMP/ping.pcapng.gz'"
}

# An output path that exists, or is a symbolic link, is refused before
# anything is set up; --force replaces a file but never follows a link.
case_output_refused() {
	echo keep >"$TMP/exists"
	ln -s "$TMP/exists" "$TMP/link"
	nsx "$PT" --dev "$DEV" -w "$TMP/exists" >"$TMP/out" 2>"$TMP/err"
	expect_eq "$?" 1 "exit status for an existing file"
	expect_ok "message: $(cat "$TMP/err")" grep -q "output $TMP/exists exists: refused (--force overwrites it)" "$TMP/err"
	nsx "$PT" --dev "$DEV" -w "$TMP/link" --force >"$TMP/out" 2>"$TMP/err"
	expect_eq "$?" 1 "exit status for a symbolic link, even with --force"
	expect_ok "message: $(cat "$TMP/err")" grep -q "output $TMP/link is a symbolic link: refused" "$TMP/err"
	expect_eq "$(cat "$TMP/exists")" keep "the file behind the link"
	nsx "$PT" --dev "$DEV" --hist -w "$TMP/new" >"$TMP/out" 2>"$TMP/err"
	expect_eq "$?" 2 "exit status for -w with --hist"
	expect_ok "no file made on bad usage" test ! -e "$TMP/new"
	expect_no_dev "$DEV"
	expect_no_bpf_left
}

# One sendmmsg(), four datagrams: every skb of the send keeps its sender and
# syscall stage, and gets its own route stage.
case_sendmmsg_shares_sender() {
	pt_start --dev "$DEV" --json -c 4 || return
	ip netns exec "$NS" "$HELPERS/udpsend" 192.0.2.2 40411 4 30 mmsg &
	local s=$!
	PIDS+=("$s")
	pt_wait 20
	expect_eq "$PT_RC" 0 "pathtrace exit status"
	expect_eq "$(jq -s "[.[] | select(.pid == $s and .syscall == \"sendmmsg\" and .len == 58)] | length" "$TMP/out")" 4 "journeys with the sender and its syscall"
	expect_eq "$(jq -s '[.[].stages[0]] | map(select(.stage == "syscall") | .t_ns) | unique | length' "$TMP/out")" 1 "one syscall entry shared by the four"
	expect_eq "$(jq -s '[.[] | [.stages[].stage] | index("route") != null] | all' "$TMP/out")" true "a route stage in each"
	expect_eq "$(jq -s '[.[] | [.stages[] | select(.stage == "route") | .t_ns][0]] | unique | length' "$TMP/out")" 4 "each its own route lookup"
}

# expect_exit CODE MESSAGE ARGS...: pathtrace in the netns exits CODE, with
# one line on stderr containing MESSAGE, nothing on stdout.
expect_exit() {
	local code=$1 msg=$2
	shift 2
	nsx "$PT" "$@" >"$TMP/out" 2>"$TMP/err"
	expect_eq "$?" "$code" "exit status of: pathtrace $*"
	expect_ok "message for '$*': $(head -1 "$TMP/err")" grep -qF -- "$msg" "$TMP/err"
	expect_eq "$(wc -c <"$TMP/out")" 0 "stdout of: pathtrace $*"
}

# Bad input: a clear message, exit 2 for usage and 1 for failures, and
# nothing made or left loaded.
case_bad_input() {
	expect_exit 2 "device name 'nsfocus_tun0_too_long' is too long (at most 15 bytes)" --dev nsfocus_tun0_too_long
	expect_exit 2 "unknown option '--frobnicate'" --dev "$DEV" --frobnicate
	expect_exit 2 "invalid count '10abc'" --dev "$DEV" -c 10abc
	expect_exit 2 "invalid count '-1'" --dev "$DEV" -c -1
	expect_exit 2 "invalid count '99999999999999999999'" --dev "$DEV" -c 99999999999999999999
	expect_exit 2 "unknown backend 'ebpf'" --dev "$DEV" --backend ebpf
	expect_exit 2 "invalid interval '0'" --dev "$DEV" --hist 0
	expect_exit 1 "device $DEV does not exist (--no-create given)" --dev "$DEV" --no-create
	nsx ip link add pt_veth0 type veth peer name pt_veth1
	expect_exit 1 "device pt_veth0 is not a TUN/TAP device (driver veth)" --dev pt_veth0
	nsx setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$PT" --dev "$DEV" >"$TMP/out" 2>"$TMP/err"
	expect_eq "$?" 1 "exit status without privileges"
	expect_ok "message without privileges: $(head -1 "$TMP/err")" grep -q 'needs root' "$TMP/err"
	expect_no_dev "$DEV"
	expect_no_bpf_left
}

# kill -9 gives no chance to clean up: the kernel must (the device is not
# persistent, the links and programs die with their last descriptor).
case_kill9_leaves_nothing() {
	pt_start --dev "$DEV" --json || return
	nsx ping -c 1 -W 1 192.0.2.2 >/dev/null
	{
		kill -9 "$PT_PID"
		pt_wait 10
	} 2>/dev/null	# bash reports the kill on stderr
	expect_eq "$PT_RC" 137 "exit status after kill -9"
	expect_no_dev "$DEV"
	expect_no_bpf_left
}

# A second pathtrace on a device the first one reads is refused, naming it.
case_second_instance_refused() {
	pt_start --dev "$DEV" || return
	local first=$PT_PID
	nsx "$PT" --dev "$DEV" >"$TMP/out2" 2>"$TMP/err2"
	expect_eq "$?" 1 "exit status of the second instance"
	expect_ok "message: $(cat "$TMP/err2")" grep -q "device $DEV is already traced by pathtrace (pid $first)" "$TMP/err2"
	expect_ok "the first one still runs" kill -0 "$first"
	kill -INT "$first"
	pt_wait 10
	expect_eq "$PT_RC" 0 "the first one's exit status"
	expect_no_dev "$DEV"
	expect_no_bpf_left
}

run_cases "${CASES[@]}"
