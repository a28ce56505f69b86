#!/bin/sh
# Runs inside the VM test's guest (busybox sh; no bash, no jq): pathtrace's
# core journeys and the TAP demo, once per backend, on the kernel the guest
# booted. Every line meant for the host starts with "PTVM ": result lines
# "PTVM PASS|FAIL|SKIP vm/<release>/<backend>/<case>[: why]", details
# "PTVM   ...". /ptvm.conf, written by tests/vm/run.sh, sets LABEL, RUNS
# (BACKEND:CASE,CASE... each; a backend alone runs every case of CASES) and
# KMULTI (1: the kernel offers kprobe.multi).
# shellcheck disable=SC1091
. /ptvm.conf
DEV=nsfocus_tun0
READY_WAIT=${READY_WAIT:-120}	# seconds: BPF loads slowly under emulation
EXIT_WAIT=${EXIT_WAIT:-60}

say() { echo "PTVM $*"; }
detail() { sed 's/^/PTVM   /'; } # stdin, indented, for the host

# Netfilter BPF links (Linux 6.4+): where no function hook serves, they
# give the ip stage (POST_ROUTING) and TCP's sendq (LOCAL_OUT).
case $(uname -r) in
5.* | 6.[0-3].*) NF=0 ;;
*) NF=1 ;;
esac

# Cgroup hooks, where no function hook serves: sendmsg4/6 give l4 to
# unconnected UDP sends on every kernel here (sock_addr programs read the
# thread id since 5.7); inet egress gives neigh on TAP from 6.10, where
# cgroup_skb programs may read it. The packet-socket tap gives xmit to
# journeys everywhere.
case $(uname -r) in
5.* | 6.[0-9].*) CGSKB=0 ;;
*) CGSKB=1 ;;
esac

# The stages each backend must report for PROTO, in layer order (TAP=1:
# with a link layer).
want_stages() { # backend proto
	case $1 in
	tracepoint)
		w=syscall
		[ "$2" = udp ] && w="$w l4"
		w="$w route"
		[ "$NF" = 1 ] && w="$w ip"
		[ "$TAP" = 1 ] && [ "$CGSKB" = 1 ] && w="$w neigh"
		echo "$w queue xmit driver copy user" ;;
	*) [ "$TAP" = 1 ] && echo "syscall l4 route ip neigh queue xmit driver copy user" ||
		echo "syscall l4 route ip queue xmit driver copy user" ;;
	esac
}

# wait_gone PID SECONDS: until PID exits; kills it (-9) and fails if not.
wait_gone() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		if [ "$i" -ge $(($2 * 10)) ]; then
			kill -9 "$1" 2>/dev/null
			return 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
}

# wait_ready PID: until pathtrace PID writes /tmp/ready or exits
# (READY_WAIT seconds at most).
wait_ready() {
	i=0
	while [ ! -e /tmp/ready ] && kill -0 "$1" 2>/dev/null && [ $i -lt $((READY_WAIT * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# check_out N LEN PROTO BACKEND PID [DPORT [L4_FUNC]]: one complaint per line of
# stdout for each way /tmp/out is not N journeys as wanted.
check_out() {
	got=$(wc -l </tmp/out)
	[ "$got" -eq "$1" ] || echo "journeys printed: got $got, want $1"
	awk -v len="$2" -v proto="$3" -v backend="$4" -v pid="$5" -v dport="${6:-}" \
		-v l4="${7:-}" \
		-v stages="$(want_stages "$4" "$3")" '
	# The value of the first "key": in s (a number, "string" or null).
	function val(s, key) {
		if (!match(s, "\"" key "\":(\"[^\"]*\"|-?[0-9]+|null|true|false)"))
			return "(none)"
		return substr(s, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
	}
	function want(what, got, w) {
		if (got != w)
			printf "journey %d: %s: got %s, want %s\n", NR, what, got, w
	}
	{
		top = $0
		# Keys of the nested objects must not pass for top-level ones.
		gsub(/"(icmp|reader)":\{[^}]*\}/, "", top)
		want("status", val(top, "status"), "\"read\"")
		want("len", val(top, "len"), len)
		want("proto", val(top, "proto"), "\"" proto "\"")
		want("backend", val(top, "backend"), "\"" backend "\"")
		want("sender pid", val(top, "pid"), pid)
		if (dport != "")
			want("dport", val(top, "dport"), dport)
		if (l4 != "")
			want("l4_func", val(top, "l4_func"), l4 == "(none)" ? l4 : "\"" l4 "\"")
		s = ""
		if (match($0, /"stages":\[[^]]*\]/))
			s = substr($0, RSTART, RLENGTH)
		names = ""; prev = -1; order = "non-decreasing"; ts = ""
		while (match(s, /"stage":"[a-z0-9_]*","t_ns":[0-9]+/)) {
			m = substr(s, RSTART, RLENGTH)
			s = substr(s, RSTART + RLENGTH)
			split(m, f, "\"")
			names = names (names == "" ? "" : " ") f[4]
			t = substr(m, index(m, "\"t_ns\":") + 7) + 0
			ts = ts " " t
			if (t < prev)
				order = "decreasing"
			prev = t
		}
		want("stages", names, stages)
		want("t_ns order (" substr(ts, 2) ")", order, "non-decreasing")
	}' /tmp/out
}

# check_rx N BACKEND PID < rx journeys: complaints unless N replies were
# received by ping (a raw socket's clone), each with the backend's stages.
# BACKEND as asked: fentry alone cannot reach tun_get_user where the tun
# module has no BTF (before Linux 5.11), and must say so; auto takes a
# kprobe there.
check_rx() {
	case $2 in
	tracepoint) want="syscall netif copy" ;;
	*) want="syscall tun netif ip sockq copy" ;;
	esac
	if [ "$2" = fentry ] && [ ! -e /sys/kernel/btf/tun ]; then
		want="syscall netif ip sockq copy"
		grep -q '^pathtrace: unseen: rx tun: tun_get_user: module tun has no BTF' /tmp/err ||
			echo "rx tun: $(grep 'rx tun' /tmp/err), want unseen: module tun has no BTF"
	fi
	awk -v n="$1" -v pid="$3" -v want="$want" '
	{
		got++
		if ($0 !~ /"status":"received"/) printf "rx journey %d: not received: %s\n", NR, substr($0, 1, 120)
		if ($0 !~ ("\"receiver\":\\{\"pid\":" pid ",")) printf "rx journey %d: receiver not ping (%s)\n", NR, pid
		if ($0 !~ /"round_trip":\{"request_seq":[0-9]+/) printf "rx journey %d: no round trip\n", NR
		s = ""; names = ""
		if (match($0, /"stages":\[[^]]*\]/)) s = substr($0, RSTART, RLENGTH)
		while (match(s, /"stage":"[a-z0-9_]*"/)) {
			names = names (names == "" ? "" : " ") substr(s, RSTART + 9, RLENGTH - 10)
			s = substr(s, RSTART + RLENGTH)
		}
		if (names != want) printf "rx journey %d: stages: got %s, want %s\n", NR, names, want
	}
	END { if (got != n) printf "rx journeys: got %d, want %d\n", got, n }'
}

# check_hist N BACKEND: complaints if /tmp/out is not one --hist --json
# interval with N samples in each transition the backend can see.
check_hist() {
	got=$(wc -l </tmp/out)
	[ "$got" -eq 1 ] || echo "intervals printed: got $got, want 1"
	case $2 in
	# (no netfilter hook, no tap with --hist: too dear for the cheap mode;
	# l4: cgroup sendmsg4)
	tracepoint) want="copy->user driver->copy l4->route queue->driver route->queue syscall->l4 total" ;;
	*) want="copy->user driver->copy ip->queue l4->route queue->xmit route->ip syscall->l4 total xmit->driver" ;;
	esac
	# "transition":"X" ... "count":N per histogram, as "X=N" lines.
	pairs=$(sed 's/{"dev":/\n/g' /tmp/out |
		sed -n 's/.*"transition":"\([^"]*\)".*"to":"[a-z0-9]*","count":\([0-9]*\).*/\1=\2/p' | sort)
	names=$(echo "$pairs" | sed 's/=.*//' | tr '\n' ' ' | sed 's/ $//')
	[ "$names" = "$want" ] || echo "transitions: got '$names', want '$want'"
	bad=$(echo "$pairs" | grep -v "=$1\$")
	[ -z "$bad" ] || echo "transitions without $1 samples: $(echo $bad)"
	grep -q "\"reads\":$1," /tmp/out || echo "reads: want $1: $(head -c 120 /tmp/out)"
	grep -q '"backend"' /tmp/out && echo "a journey printed in --hist mode"
	grep -q "^pathtrace: backend: $2" /tmp/err ||
		echo "backend: got '$(grep 'backend:' /tmp/err)', want $2"
}

# run_tcp BACKEND: a 1 MiB upload from the guest's namespace through tcpA,
# read by tunwire (a VPN-like reader) and written into tcpB in namespace
# b, where tcpup receives it; complaints on stdout. Every TCP segment
# tunwire read must be a joined journey; the data segments name the
# client: through its write() where a hook records TCP writes (fentry and
# kprobe on tcp_sendmsg), else as the socket's owner (tracepoints: these
# kernels predate tcp_sendmsg_locked).
# Namespaces a (the guest's own) and b (a second stack), named, once.
netns_ab() {
	mkdir -p /var/run/netns
	[ -e /var/run/netns/a ] || { touch /var/run/netns/a && mount --bind /proc/1/ns/net /var/run/netns/a; }
	if [ ! -e /var/run/netns/b ]; then
		touch /var/run/netns/b && unshare --net=/var/run/netns/b true
		nsenter --net=/var/run/netns/b ip link set lo up
		# No IPv6 chatter on the wire: only the upload crosses it.
		sysctl -qw net.ipv6.conf.default.disable_ipv6=1
		nsenter --net=/var/run/netns/b sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	fi
}

# wait_file FILE: up to 10 s.
wait_file() {
	i=0
	while [ ! -e "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}

run_tcp() {
	ran=$1
	[ "$1" = auto ] && ran=fentry
	rm -f /tmp/wired /tmp/count /tmp/listening /tmp/got /tmp/ready
	netns_ab
	tunwire a tcpA b tcpB /tmp/wired /tmp/count >/tmp/sender 2>&1 &
	wire=$!
	wait_file /tmp/wired
	[ -e /tmp/wired ] || { echo "tunwire did not start: $(cat /tmp/sender)"; return; }
	ip addr add 192.0.2.1/24 dev tcpA && ip link set tcpA up
	nsenter --net=/var/run/netns/b ip addr add 192.0.2.2/24 dev tcpB
	nsenter --net=/var/run/netns/b ip link set tcpB up
	head -c 1048576 /dev/urandom >/tmp/in
	nsenter --net=/var/run/netns/b tcpup recv 192.0.2.2 5001 /tmp/got /tmp/listening &
	recv=$!
	wait_file /tmp/listening
	pathtrace --backend "$1" --dev tcpA --json --ready-file /tmp/ready >/tmp/out 2>/tmp/err &
	pt=$!
	wait_ready $pt
	if [ ! -e /tmp/ready ]; then
		echo "pathtrace not ready"
		kill -9 $pt $recv $wire 2>/dev/null
		return
	fi
	tcpup send 192.0.2.2 5001 /tmp/in >>/tmp/sender 2>&1 &
	client=$!
	wait $client || echo "tcpup send failed"
	wait $recv || echo "tcpup recv failed"
	[ "$(sha256sum </tmp/in)" = "$(sha256sum </tmp/got)" ] ||
		echo "the receiver did not get the 1 MiB intact"
	sleep 1	# the last ACKs
	kill -INT $pt
	wait_gone $pt "$EXIT_WAIT" || echo "pathtrace still running ${EXIT_WAIT}s after SIGINT: killed"
	wait $pt || echo "pathtrace exit status not 0"
	kill -TERM $wire
	wait $wire
	grep -q '^pathtrace: device tcpA is read by tunwire' /tmp/err ||
		echo "not following tunwire: $(head -1 /tmp/err)"
	cp /tmp/out /tmp/out.all
	grep -v '^{"summary":' /tmp/out.all >/tmp/out
	tcp=$(awk '$1 == "a2b_tcp" {print $2}' /tmp/count)
	data=$(awk '$1 == "a2b_tcp_data" {print $2}' /tmp/count)
	[ "$(awk '$1 == "a2b" {print $2}' /tmp/count)" = "$tcp" ] ||
		echo "tunwire read more than TCP: $(cat /tmp/count | tr '\n' ' ')"
	[ "${data:-0}" -ge 700 ] || echo "tunwire forwarded ${data:-0} data segments, want about 725"
	case $ran in
	tracepoint) sender=owner want="queue xmit driver copy user"
		[ "$NF" = 1 ] && want="sendq ip $want" ;;
	# (sendq: ip_queue_xmit, where TCP hands the segment to IP, then ip_output,
	# whatever task it left in; route only when it left in the write() that
	# queued its data)
	*) sender=write want="syscall l4 (route )?sendq ip queue xmit driver copy user" ;;
	esac
	awk -v tcp="$tcp" -v data="$data" -v pid="$client" -v sender="$sender" -v want="$want" '
	/"proto":"tcp"/ && /"status":"read"/ && /"reader":\{"pid":[0-9]+,"tid":[0-9]+,"comm":"tunwire"/ { read++ }
	/"payload":[1-9]/ {
		if ($0 ~ ("\"pid\":" pid ",") && $0 ~ /"comm":"tcpup"/ && $0 ~ ("\"sender\":\"" sender "\"") &&
		    $0 ~ /"status":"read"/)
			named++
		else if (bad++ < 3)
			printf "data journey %d not named %s by %s: %s\n", NR, pid, sender, substr($0, 1, 400)
		s = ""; names = ""
		if (match($0, /"stages":\[[^]]*\]/)) s = substr($0, RSTART, RLENGTH)
		while (match(s, /"stage":"[a-z0-9_]*"/)) {
			names = names (names == "" ? "" : " ") substr(s, RSTART + 9, RLENGTH - 10)
			s = substr(s, RSTART + RLENGTH)
		}
		if (names !~ ("^" want "$") && stg++ < 3)
			printf "data journey %d: stages %s, want %s\n", NR, names, want
	}
	/"flags":"S"/ && $0 ~ ("\"pid\":" pid ",") && /"sender":"owner"/ { syn++ }
	END {
		if (read != tcp) printf "joined TCP journeys read by tunwire: got %d, want %d\n", read, tcp
		if (named != data) printf "data journeys naming the client: got %d, want %d\n", named, data
		if (syn != 1) printf "SYN journeys naming the client: got %d, want 1\n", syn
	}' /tmp/out
	grep -q "\"reads\":$tcp," /tmp/out.all || echo "summary: want $tcp reads: $(tail -1 /tmp/out.all | head -c 300)"
	grep -q '"unread":0,' /tmp/out.all || echo "summary: unread: $(tail -1 /tmp/out.all | head -c 300)"
	ip link del tcpA 2>/dev/null
}

# run_relay BACKEND: TCP both ways through --relay into namespace b, a
# real stack behind pathtrace: a 1 MiB upload to tcpup in b, then a 256 KiB
# download from b to tcpup in the guest's namespace, then a 128 KiB upload
# whose ACKs a drop rule in b loses for a while; complaints on stdout.
# Nothing unjoined; the upload's data segments are read by pathtrace and
# name the client (through its write() where a hook records TCP writes,
# else as the socket's owner); the download's come in as journeys received
# by the client's read(), or unfinished where TCP merged one into the
# segment before it. The last upload's retransmissions are journeys
# marked retransmit, read and named as the first upload's.
run_relay() {
	ran=$1
	[ "$1" = auto ] && ran=fentry
	rm -f /tmp/listening /tmp/listening2 /tmp/listening3 /tmp/got /tmp/got2 /tmp/got3 /tmp/ready
	netns_ab
	pathtrace --backend "$1" --dev nsfocus_tun0 --json --relay b:relay0 --ready-file /tmp/ready \
		>/tmp/out 2>/tmp/err &
	pt=$!
	wait_ready $pt
	if [ ! -e /tmp/ready ]; then
		echo "pathtrace not ready: $(tail -1 /tmp/err)"
		kill -9 $pt 2>/dev/null
		return
	fi
	head -c 1048576 /dev/urandom >/tmp/in
	nsenter --net=/var/run/netns/b tcpup recv 192.0.2.2 5001 /tmp/got /tmp/listening &
	recv=$!
	wait_file /tmp/listening
	tcpup send 192.0.2.2 5001 /tmp/in >/tmp/sender 2>&1 &
	up=$!
	wait $up || echo "upload: tcpup send failed"
	wait $recv || echo "upload: tcpup recv failed"
	[ "$(sha256sum </tmp/in)" = "$(sha256sum </tmp/got)" ] || echo "the upload did not arrive intact"
	head -c 262144 /dev/urandom >/tmp/in2
	tcpup recv 192.0.2.1 5002 /tmp/got2 /tmp/listening2 &
	down=$!
	wait_file /tmp/listening2
	nsenter --net=/var/run/netns/b tcpup send 192.0.2.1 5002 /tmp/in2 >>/tmp/sender 2>&1 &
	srv=$!
	wait $srv || echo "download: tcpup send failed"
	wait $down || echo "download: tcpup recv failed"
	[ "$(sha256sum </tmp/in2)" = "$(sha256sum </tmp/got2)" ] || echo "the download did not arrive intact"
	# A forced loss: a blackhole route in b drops its ACKs while the client
	# writes the second half; TCP sends the unacknowledged data again.
	head -c 131072 /dev/urandom >/tmp/in3
	nsenter --net=/var/run/netns/b tcpup recv 192.0.2.2 5003 /tmp/got3 /tmp/listening3 &
	recv=$!
	wait_file /tmp/listening3
	{ head -c 65536 /tmp/in3; sleep 0.6; tail -c 65536 /tmp/in3; } |
		tcpup send 192.0.2.2 5003 /proc/self/fd/0 >>/tmp/sender 2>&1 &
	re=$!
	sleep 0.3
	nsenter --net=/var/run/netns/b ip route add blackhole 192.0.2.1/32 ||
		echo "retransmit: cannot add the drop rule"
	sleep 1.5
	nsenter --net=/var/run/netns/b ip route del blackhole 192.0.2.1/32
	wait $re || { echo "retransmit: tcpup send failed: $(tail -1 /tmp/sender)"; kill $recv 2>/dev/null; }
	wait $recv || echo "retransmit: tcpup recv failed"
	[ "$(sha256sum </tmp/in3)" = "$(sha256sum </tmp/got3)" ] || echo "the upload with a loss did not arrive intact"
	sleep 1	# the last ACKs
	kill -INT $pt
	wait_gone $pt "$EXIT_WAIT" || echo "pathtrace still running ${EXIT_WAIT}s after SIGINT: killed"
	wait $pt || echo "pathtrace exit status not 0"
	cp /tmp/out /tmp/out.all
	grep -v '^{"summary":' /tmp/out.all >/tmp/out
	grep -q '"unjoined_reads":0,"unjoined_kernel":0' /tmp/out.all ||
		echo "summary: unjoined: $(tail -1 /tmp/out.all | head -c 300)"
	sender=write
	[ "$ran" = tracepoint ] && sender=owner
	awk -v up="$up" -v down="$down" -v re="$re" -v sender="$sender" -v nf="$NF" '
	/"dir":"tx"/ && /"dport":5001/ && /"payload":[1-9]/ {
		if ($0 ~ /"status":"read"/ && $0 ~ ("\"pid\":" up ",") && $0 ~ ("\"sender\":\"" sender "\""))
			named++
		else if (bad++ < 3)
			printf "upload journey %d not read and named %s by %s: %s\n", NR, up, sender, substr($0, 1, 400)
		# (the send queue: ip_queue_xmit, then ip_output: function hooks only)
		if (sender == "write" && ($0 !~ /"stage":"sendq"/ || $0 !~ /"stage":"ip"/) && nosendq++ < 3)
			printf "upload journey %d without its sendq and ip stages: %s\n", NR, substr($0, 1, 400)
		# (on tracepoints: netfilter LOCAL_OUT and POST_ROUTING, or unseen)
		if (sender == "owner" && nf && ($0 !~ /"stage":"sendq"/ || $0 !~ /"stage":"ip"/) && nosendq++ < 3)
			printf "upload journey %d without its sendq and ip stages (netfilter): %s\n", NR, substr($0, 1, 400)
		if (sender == "owner" && !nf && $0 !~ /"unseen":\[[^]]*"sendq"/ && unsaid++ < 3)
			printf "upload journey %d does not list sendq unseen: %s\n", NR, substr($0, 1, 400)
	}
	/"dir":"rx"/ && /"dport":5002/ && /"payload":[1-9]/ {
		# (unfinished: merged into the segment before it on the socket
		# queue, its skb freed with no tracepoint: a known limit)
		if ($0 ~ /"status":"received"/ && $0 ~ ("\"receiver\":\\{\"pid\":" down ",")) {
			got++
			# (tcp_queue_rcv: a function hook only)
			if (sender == "write" && $0 !~ /"stage":"sockq"/ && nosq++ < 3)
				printf "download journey %d received without its sockq stage: %s\n", NR, substr($0, 1, 400)
		}
		else if ($0 ~ /"status":"unfinished"/)
			merged++
		else if (rbad++ < 3)
			printf "download journey %d not received by %s: %s\n", NR, down, substr($0, 1, 400)
	}
	/"dir":"tx"/ && /"dport":5003/ && /"payload":[1-9]/ && /"retransmit":true/ {
		if ($0 ~ /"status":"read"/ && $0 ~ ("\"pid\":" re ",") && $0 ~ ("\"sender\":\"" sender "\""))
			again++
		else if (rebad++ < 3)
			printf "retransmission %d not read and named %s by %s: %s\n", NR, re, sender, substr($0, 1, 400)
		# (its send queue stage: when TCP sent it again)
		if ((sender == "write" || nf) && $0 !~ /"stage":"sendq"/ && renosendq++ < 3)
			printf "retransmission %d without its sendq stage: %s\n", NR, substr($0, 1, 400)
	}
	END {
		if (again < 1) printf "retransmitted data segments after the forced loss: none read and named, want 1 or more\n"
		if (named < 724) printf "upload data segments read, named after the client: %d, want 724 or more\n", named
		if (got + merged < 181 || got < 90)
			printf "download data segments received by the client: %d (and %d merged), want 181 or more, most received\n", got, merged
	}' /tmp/out
}

# run_demo BACKEND: `pathtrace demo tap` as a teacher runs it; complaints
# on stdout. Its summary must be the classic result, and in the first ping's
# journey (#4) the stages this backend sees must carry their steps, with
# fentry and kprobe 3.4 ARP (neigh) and 4.3 the tcpdump tap (xmit) among them.
run_demo() {
	ran=$1
	[ "$1" = auto ] && ran=fentry
	(cd /tmp && timeout 200 pathtrace demo tap --backend "$1" >/tmp/out 2>/tmp/err)
	rc=$?
	[ $rc -eq 0 ] || echo "pathtrace demo tap exit status: got $rc, want 0"
	grep -q '^  3 ARP requests of 42 bytes' /tmp/out ||
		echo "summary: no '3 ARP requests of 42 bytes'"
	grep -q '^  3 Ethernet frames of 98 bytes' /tmp/out ||
		echo "summary: no '3 Ethernet frames of 98 bytes'"
	grep -q "^pathtrace: backend: $ran" /tmp/err ||
		echo "backend: got '$(grep 'backend:' /tmp/err)', want $ran"
	case $ran in
	tracepoint) want="1.1 2.2"
		[ "$NF" = 1 ] && want="$want 3.2"
		[ "$CGSKB" = 1 ] && want="$want 3.4"
		want="$want 4.1 4.3 4.4 5.1 5.2" ;;
	*) want="1.1 2.1 2.2 3.2 3.4 4.1 4.3 4.4 5.1 5.2" ;;
	esac
	# Stage lines: step in columns 3-6, the stage's time from column 31.
	got=$(awk '/^#4 /{on = 1; next} /^#/{on = 0}
		on && /^  [0-9]\.[0-9] / && substr($0, 31, 20) ~ /[0-9]\.[0-9]/ {
			printf "%s%s", sep, $1; sep = " " }' /tmp/out)
	[ "$got" = "$want" ] || echo "steps seen in #4: got '$got', want '$want'"
	grep -q 'no neighbour entry for the next hop' /tmp/out ||
		echo "the first ARP request is not explained"
	[ -s /tmp/tap.pcapng ] || echo "no tap.pcapng written"
	rm -f /tmp/tap.pcapng /tmp/tap.html
}

# run_case BACKEND CASE: one PTVM PASS/FAIL line.
run_case() {
	b=$1 c=$2 name=vm/$LABEL/$1/$2
	rm -f /tmp/ready /tmp/out /tmp/out.all /tmp/err /tmp/why /tmp/sender
	TAP=0 dev=$DEV mode=
	case $c in
	# busybox ping, as root, sends through a raw socket.
	ping) n=3 len=84 proto=icmp dport= l4=raw_sendmsg ;;
	udp) n=5 len=128 proto=udp dport=40404 l4=udp_sendmsg ;;
	hist) n=5 ;;
	# Ethernet frames: 14 bytes more, and the neigh stage.
	# (IPv6 off: its MLD reports would count among the reads.)
	tap) n=3 len=98 proto=icmp dport= l4=raw_sendmsg TAP=1 dev=nsfocus_tap0 mode="--tap --addr6 none" ;;
	# pathtrace answers: the requests' journeys, then the replies' way in.
	echo) n=3 len=84 proto=icmp dport= l4=raw_sendmsg mode=--echo ;;
	# The same over IPv6 (the device's default 2001:db8::1/64).
	echo6) n=3 len=104 proto=icmpv6 dport= l4=rawv6_sendmsg mode=--echo ;;
	# A filter expression: the pings before the datagrams are left out.
	filter) n=5 len=128 proto=udp dport=40404 l4=udp_sendmsg ;;
	esac
	hist=
	[ "$c" = hist ] && hist=--hist
	[ "$b" = tracepoint ] && l4="(none)"	# no l4 function (cgroup sendmsg: no l4_func)
	if [ "$c" = demo ]; then
		run_demo "$b" >/tmp/why
	elif [ "$c" = tcp ]; then
		run_tcp "$b" >/tmp/why
	elif [ "$c" = relay ]; then
		run_relay "$b" >/tmp/why
	else
		expr=
		[ "$c" = filter ] && expr="udp dst port 40404"
		# shellcheck disable=SC2086 # $expr: one word per argument, as tcpdump's
		pathtrace --backend "$b" --dev $dev $mode --json $hist -c "$n" --ready-file /tmp/ready \
			$expr >/tmp/out 2>/tmp/err &
		pt=$!
		wait_ready $pt
		if [ ! -e /tmp/ready ]; then
			if wait_gone $pt 0; then
				wait $pt
				echo "pathtrace exited $? before it was ready" >/tmp/why
			else
				echo "pathtrace not ready after ${READY_WAIT}s: killed" >/tmp/why
			fi
			wait $pt 2>/dev/null
		else
			case $c in
			ping | echo) ping -c 3 -i 0.2 -W 1 192.0.2.2 >/tmp/sender 2>&1 & ;;
			echo6) ping -6 -c 3 -i 0.2 -W 1 2001:db8::2 >/tmp/sender 2>&1 & ;;
			tap)
				arp -i $dev -s 192.0.2.2 02:00:5e:00:53:02 >/tmp/sender 2>&1
				ping -c 3 -i 0.2 -W 1 192.0.2.2 >>/tmp/sender 2>&1 &
				;;
			udp | hist) udpsend 192.0.2.2 40404 5 100 >/tmp/sender 2>&1 & ;;
			filter)
				ping -c 3 -i 0.2 -W 1 192.0.2.2 >/tmp/sender 2>&1
				udpsend 192.0.2.2 40404 5 100 >>/tmp/sender 2>&1 &
				;;
			esac
			sender=$!
			wait_gone $pt "$EXIT_WAIT" ||
				echo "pathtrace still running ${EXIT_WAIT}s after the traffic: killed" >>/tmp/why
			wait $pt
			rc=$?
			# --json's summary, the last object, is not a journey.
			grep -q '^{"summary":' /tmp/out ||
				echo "no JSON summary at the end of the output" >>/tmp/why
			cp /tmp/out /tmp/out.all
			grep -v '^{"summary":' /tmp/out >/tmp/out.j
			mv /tmp/out.j /tmp/out
			wait_gone $sender 10 || echo "sender still running after 10s: killed" >>/tmp/why
			wait $sender 2>/dev/null
			[ $rc -eq 0 ] || echo "pathtrace exit status: got $rc, want 0" >>/tmp/why
			# auto: these kernels allow fentry, so it must be what ran;
			# tun's driver hook by fentry where the module has BTF
			# (Linux 5.11+), else by kprobe, saying why.
			ran=$b
			if [ "$b" = auto ]; then
				ran=fentry
				if [ -e /sys/kernel/btf/tun ]; then
					grep -q '^pathtrace: stage driver: fentry tun_net_xmit$' /tmp/err
				else
					grep -q '^pathtrace: stage driver: kprobe tun_net_xmit (no fentry: .*module tun has no BTF' /tmp/err
				fi || echo "driver stage: $(grep 'stage driver' /tmp/err)" >>/tmp/why
			fi
			if [ "$c" = hist ]; then
				check_hist "$n" "$ran" >>/tmp/why
			elif [ "$c" = echo ] || [ "$c" = echo6 ]; then
				grep -v '"dir":"rx"' /tmp/out >/tmp/out.tx
				grep '"dir":"rx"' /tmp/out >/tmp/out.rx
				mv /tmp/out.tx /tmp/out
				check_out "$n" "$len" "$proto" "$ran" "$sender" "$dport" "$l4" >>/tmp/why
				check_rx "$n" "$b" "$sender" </tmp/out.rx >>/tmp/why
				grep -q "3 packets transmitted, 3 packets received" /tmp/sender ||
					echo "ping did not get 3 replies: $(tail -2 /tmp/sender | head -1)" >>/tmp/why
			else
				check_out "$n" "$len" "$proto" "$ran" "$sender" "$dport" "$l4" >>/tmp/why
			fi
			if [ "$c" = filter ]; then
				grep -q '^{"summary":{"reads":5,"filtered_out":3,' /tmp/out.all ||
					echo "summary: want 5 reads, 3 filtered out: $(tail -1 /tmp/out.all)" >>/tmp/why
			fi
			# kprobe: kprobe.multi (one link per hook) where the kernel has it.
			if [ "$b" = kprobe ]; then
				mech=kprobe
				[ "$KMULTI" = 1 ] && mech=kprobe.multi
				grep -q "^pathtrace: stage l4: $mech udp_sendmsg " /tmp/err ||
					echo "l4 not attached with $mech: $(grep 'stage l4' /tmp/err)" >>/tmp/why
			fi
		fi
	fi
	if [ "$c" = demo ] && [ "$b" = fentry ]; then
		# For the log: the classroom's TAP experiment with every stage seen.
		echo "$name: pathtrace demo tap --backend fentry printed:" | detail
		sed 's/^/  /' /tmp/out | detail
	fi
	if [ "$c" = "$first" ]; then
		# Once per backend, for the log: which hook served each stage.
		echo "$name: pathtrace --backend $b said at start-up:" | detail
		grep -v 'packets read' /tmp/err | sed 's/^/  /' | detail
	fi
	if [ ! -s /tmp/why ]; then
		say "PASS $name"
		return
	fi
	sed 's/^/  /' /tmp/why | detail
	if [ -s /tmp/out ]; then
		echo "  got:" | detail
		sed 's/^/    /' /tmp/out | detail
	fi
	echo "  pathtrace stderr:" | detail
	sed 's/^/    /' /tmp/err | detail
	if [ -s /tmp/sender ]; then
		echo "  sender output:" | detail
		sed 's/^/    /' /tmp/sender | detail
	fi
	echo "  dmesg, last 10 lines:" | detail
	dmesg | tail -10 | sed 's/^/    /' | detail
	say "FAIL $name: $(head -1 /tmp/why)"
}

echo # the firmware's last line may lack its newline
echo "guest: Linux $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs" | detail
run_cases() { # BACKEND[:CASE,...]: its cases
	case $1 in
	*:*) echo "${1#*:}" | tr , ' ' ;;
	*) echo "$CASES" ;;
	esac
}
if [ ! -c /dev/net/tun ]; then
	why="no /dev/net/tun: $(cat /tmp/insmod.err 2>/dev/null)"
	for run in $RUNS; do
		for c in $(run_cases "$run"); do
			say "FAIL vm/$LABEL/${run%%:*}/$c: $why"
		done
	done
	exit
fi
for run in $RUNS; do
	first=
	for c in $(run_cases "$run"); do
		first=${first:-$c}
		run_case "${run%%:*}" "$c"
	done
done
