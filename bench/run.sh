#!/usr/bin/env bash
# The benchmark (make bench): 64-byte UDP datagrams as fast as one sender
# can through a TUN device to a reader, in a network namespace made here,
# under twenty set-ups measured in one invocation, round after round so that
# drift hits all alike: RUNS rounds (default 7) of DUR seconds (default 3),
# each round's overheads against that round's untraced run, medians.
#
#   untraced    tunsink reads, nothing attached
#   empty       tunsink reads, empty BPF programs on pathtrace's hooks (the floor)
#   clock       tunsink reads, programs on the same hooks that only read the
#               clock where pathtrace stamps a stage (the floor of any timing)
#   handoff     tunsink reads, clock's programs, and one line a packet that
#               the queue writes and the reader's copy and free find by the
#               skb's address (the floor of any tracer that carries a
#               packet's stamps from the sender's CPU to the reader's)
#   clockj      tunsink reads, the clock's programs, and the hooks journeys
#               add where no tracepoint serves a stage (netfilter LOCAL_OUT
#               and POST_ROUTING, the packet-socket tap on the device), the
#               last two reading the clock: journeys' own clock floor
#   hist        pathtrace --hist reads (in-kernel histograms)
#   journey     pathtrace --json reads (one ring record and one JSON line per packet, to /dev/null)
#   bpftrace    tunsink reads, bpftrace runs bench/hist.bt (the same tracepoints, histograms)
#   hist-nomatch   pathtrace --hist reads, with a filter expression that
#               matches none of the benchmark's packets (NOMATCH): it
#               still reads every packet but follows none
#   hist-match  pathtrace --hist reads, with an expression that matches all
#               of them (MATCH)
#   journey-match  pathtrace --json reads, with MATCH
#   metrics     pathtrace --hist --metrics 127.0.0.1:MPORT reads, scraped
#               every second by one curl process (one connection) while
#               the flood runs
#   untraced-busy  tunsink reads without ever sleeping (epoll, no timeout)
#   hist-busy   pathtrace --hist --busy-poll reads: against untraced-busy,
#               hist's overhead without the cost of waking its reader
#   untraced-echo  tunsink reads and writes back each datagram's answer
#               (--echo's code), which the sender reads as it sends
#   echo        pathtrace --json --echo reads and answers, following both
#               ways: against untraced-echo, the way in's cost
#   untraced-tap   tunsink reads while tcpdump listens on the device with
#               an expression that keeps nothing: what a packet socket on
#               the device costs (the kernel clones every packet for it),
#               which journey mode's packet-socket tap (xmit) pays too
#   empty-nocg, empty-nosys   the empty set-up without the cgroup sendmsg4
#               hook, or without sys_enter (not in the default set-ups:
#               what each of those two hooks' dispatch costs the floor)
#   untraced-l2 tunsink reads a TAP device (Ethernet frames; the peer's
#               address a permanent neighbour entry: no ARP)
#   hist-l2, journey-l2   pathtrace --tap --hist, --tap --json: against
#               untraced-l2, with what only TAP has (cgroup inet egress
#               for neigh where the kernel serves it)
#
# The filter set-ups' reads are the device's own count (its tx packets:
# what its reader read), since pathtrace counts only the reads it follows;
# a filter set-up whose expression kept what it should not, or left out
# what it should keep, stops the benchmark.
#
# The sender runs on CPU 0 and the reader on CPU 1 in every set-up: left to
# the scheduler, the two sometimes share a CPU and sometimes not, which
# moved a set-up's throughput by more than the tracing did.
#
# Then, unless STARTUP=0, start-up and exit (bench/startup.sh): how long
# pathtrace takes to attach and to detach, and its peak memory, in each
# mode, STARTUP_RUNS (default 5) runs tracing a ping, against issue 20's
# targets. RUNS=0 skips the rounds (COSTS=0 TCP=0 STARTUP=1: that alone).
#
# Then (by default only when CONFIGS is not given; TCP=0 or 1 to choose)
# the TCP bulk set-up of bench/tcp.sh: an upload through a VPN-like reader,
# untraced and followed by pathtrace.
#
# Prints a table, the overhead ratios against issue 4's targets and how
# many rounds were steady (below 3, a warning: the machine changed speed
# under the runs), and writes $OUT/bench.json. Not a test: it asserts nothing.
#
# Then, unless COSTS=0, COST_RUNS (default 3) more runs of each traced
# set-up with kernel.bpf_stats_enabled: the time its BPF programs took per
# packet sent (each program's run_time_ns, summed, over the packets), the
# median, against issue 16's targets. It moves with the machine far less
# than throughput does, but the stats' own clock reads cost, so it is
# measured apart from the rounds. Before each cost run, bench/linexfer
# measures what moving a cache line from the sender's CPU to the reader's
# costs at that moment (the "line" column, ns), and issue 20's two ratios
# are printed run by run beside it: on a virtual machine it moves with
# where the host placed the two CPUs, and with it every cost that carries
# a packet's stamps between them.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
RUNS=${RUNS:-7}
DUR=${DUR:-3}
PT=$OUT/pathtrace
B=$OUT/bench
DEV=pt_bench0
NS=pt-bench-$$
TMP=$(mktemp -d)
CONFIGS_GIVEN=${CONFIGS:-}
read -ra CONFIGS <<<"${CONFIGS:-untraced empty clock handoff clockj hist journey bpftrace hist-nomatch hist-match journey-match metrics untraced-busy hist-busy untraced-echo echo untraced-tap untraced-l2 hist-l2 journey-l2}"
PEER_MAC=02:00:5e:00:53:02	# the layer-2 set-ups' peer (a permanent neighbour entry)
MPORT=9469	# the metrics set-up's port, in the bench's namespace
PORT=9		# flood's destination port
# The filter set-ups' expressions: both read the UDP header through the IP
# header's length, one keeps every packet the benchmark sends, one none.
MATCH=${MATCH:-udp dst port $PORT}
NOMATCH=${NOMATCH:-udp dst port $((PORT + 1))}
PIDS=()
MOUNTED_TRACEFS=
STATS_WAS=	# kernel.bpf_stats_enabled before the cost runs, to restore
COSTS=${COSTS:-1}
COST_RUNS=${COST_RUNS:-3}

die() { echo "bench: $*" >&2; exit 1; }

# The cost runs' kernel.bpf_stats_enabled: on, and back as it was (cleanup
# restores it too, if a run stops in between). Also bench/tcp.sh's.
stats_on() {
	STATS_WAS=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null) ||
		die "kernel.bpf_stats_enabled not available: rerun with COSTS=0"
	sysctl -qw kernel.bpf_stats_enabled=1
}
stats_off() {
	sysctl -qw kernel.bpf_stats_enabled="$STATS_WAS"
	STATS_WAS=
}

# prog_cost N: the programs of $TMP/progs.json (a cost run's) over N
# packets: "NS<tab>name NSxRUNS ..." (ns a packet; per program, ns a run
# times runs a packet).
prog_cost() {
	jq -r --argjson n "$1" '[.[] | select(.run_cnt > 0)] as $p
		| "\(($p | map(.run_time_ns) | add // 0) / $n | floor)\t"
		  + ($p | map("\(.name) \(.run_time_ns / .run_cnt | floor)x\(.run_cnt / $n * 100 | floor / 100)") | join(" "))' \
		"$TMP/progs.json"
}

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	ip netns del "$NS-b" 2>/dev/null	# bench/tcp.sh's
	ip netns del "$NS-s" 2>/dev/null	# bench/startup.sh's
	[ -n "$STATS_WAS" ] && sysctl -qw kernel.bpf_stats_enabled="$STATS_WAS"
	[ -n "$MOUNTED_TRACEFS" ] && umount /sys/kernel/tracing
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || die "run as root"
for c in "$PT" "$B/tunsink" "$B/flood" "$B/emptyload" "$B/linexfer"; do
	[ -x "$c" ] || die "$c not built (make bench)"
done
command -v bpftrace >/dev/null || die "bpftrace not installed (run tools/setup.sh)"
# bpftrace attaches classic tracepoints: they need tracefs.
if [ ! -e /sys/kernel/tracing/events ]; then
	mount -t tracefs nodev /sys/kernel/tracing || die "cannot mount tracefs"
	MOUNTED_TRACEFS=1
fi

# taskset -c CPU, where there are two CPUs to pin to.
PIN_SEND=() PIN_READ=()
if [ "$(nproc)" -ge 2 ]; then
	PIN_SEND=(taskset -c 0) PIN_READ=(taskset -c 1)
else
	echo "bench: one CPU: sender and reader share it" >&2
fi

ip netns add "$NS" || die "cannot make netns $NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip netns exec "$NS" ip link set lo up

wait_file() { # file pid
	local i
	for ((i = 0; i < 400; i++)); do
		[ -e "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.025
	done
	return 1
}

stop() { # pid: SIGINT, then wait (kill -9 after 10 s)
	local i
	kill -INT "$1" 2>/dev/null
	for ((i = 0; i < 200; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# check_filter CONFIG READS: that the expression kept what the set-up says
# (pathtrace's reads are those it followed; $TMP/pt.err its summary).
check_filter() {
	local out
	out=$(sed -n 's/^pathtrace: \([0-9]*\) packets left out by the filter/\1/p' "$TMP/pt.err")
	case $1 in
	*-nomatch) [ "$2" = 0 ] && [ "${out:-0}" -gt 0 ] ||
		die "$1: '$NOMATCH' followed $2 read(s), left out ${out:-none}: not a non-matching filter" ;;
	*) [ "${out:-x}" = 0 ] && [ "$2" -gt 0 ] ||
		die "$1: '$MATCH' left out ${out:-?} packet(s), followed $2 read(s): not a filter matching all" ;;
	esac
}

# run CONFIG: prints "sent reads lost"
run() {
	local cfg=$1 reader extra= sent reads lost=0 drain=() got
	rm -f "$TMP/ready" "$TMP/xready"
	[ -n "${COST_RUN:-}" ] && bpftool prog show -j | jq '[.[].id]' >"$TMP/ids.json"
	case $cfg in
	hist | journey | hist-*match | journey-*match | metrics | hist-busy | echo | *-l2)
		local mode=(--hist) expr=() l2=()
		[ "${cfg%%-*}" = journey ] && mode=(--json)
		[ "$cfg" = metrics ] && mode=(--hist --metrics 127.0.0.1:$MPORT)
		[ "$cfg" = hist-busy ] && mode=(--hist --busy-poll)
		[ "$cfg" = echo ] && mode=(--json --echo)
		case $cfg in
		*-nomatch) expr=("$NOMATCH") ;;
		*-match) expr=("$MATCH") ;;
		*-l2) l2=(--tap --addr6 none) ;;
		esac
		ip netns exec "$NS" "${PIN_READ[@]}" "$PT" --dev $DEV --addr 198.18.0.1/24 "${mode[@]}" \
			"${l2[@]}" --ready-file "$TMP/ready" "${expr[@]}" >/dev/null 2>"$TMP/pt.err" &
		reader=$!
		wait_file "$TMP/ready" "$reader" || die "pathtrace did not start: $(cat "$TMP/pt.err")"
		[ -n "${l2[*]}" ] && ip -n "$NS" neigh replace 198.18.0.2 lladdr $PEER_MAC dev $DEV nud permanent
		;;
	*)
		local how=()
		[ "$cfg" = untraced-busy ] && how=(busy)
		[ "$cfg" = untraced-echo ] && how=(echo)
		[ "$cfg" = untraced-l2 ] && how=(tap)
		ip netns exec "$NS" "${PIN_READ[@]}" "$B/tunsink" $DEV "$TMP/ready" "${how[@]}" >"$TMP/sink.out" &
		reader=$!
		wait_file "$TMP/ready" "$reader" || die "tunsink did not start"
		[ "$cfg" = untraced-l2 ] && ip -n "$NS" link set $DEV addrgenmode none
		ip netns exec "$NS" ip addr add 198.18.0.1/24 dev $DEV
		ip netns exec "$NS" ip link set $DEV up
		[ "$cfg" = untraced-l2 ] && ip -n "$NS" neigh replace 198.18.0.2 lladdr $PEER_MAC dev $DEV nud permanent
		;;
	esac
	PIDS+=("$reader")
	case $cfg in
	empty | empty-nocg | empty-nosys | clock | handoff | clockj)
		local at=()
		[ "$cfg" = clockj ] && at=("$NS" $DEV)
		"$B/emptyload" "$cfg" "$TMP/xready" "${at[@]}" &
		extra=$!
		wait_file "$TMP/xready" "$extra" || die "emptyload did not start"
		;;
	metrics)
		command -v curl >/dev/null || die "curl not installed (the metrics set-up scrapes with it)"
		# One scraper, one kept-alive connection, a GET a second: as
		# Prometheus scrapes (a process started per scrape would cost
		# the CPUs the programs run on, not the exporter).
		ip netns exec "$NS" curl -s --rate 1/s -o /dev/null -w '%{stderr}%{http_code}\n' \
			"http://127.0.0.1:$MPORT/metrics?scrape=[1-100000]" 2>"$TMP/scrapes" &
		extra=$!
		;;
	untraced-tap)
		ip netns exec "$NS" tcpdump -i $DEV -n -w /dev/null 'ip proto 253' 2>"$TMP/td.err" &
		extra=$!
		local i
		for ((i = 0; i < 200; i++)); do
			grep -q '^listening on' "$TMP/td.err" && break
			kill -0 "$extra" 2>/dev/null || die "tcpdump failed: $(cat "$TMP/td.err")"
			sleep 0.05
		done
		;;
	bpftrace)
		bpftrace bench/hist.bt "$reader" >"$TMP/bt.out" 2>&1 &
		extra=$!
		local i
		for ((i = 0; i < 600; i++)); do
			grep -q '^Attaching' "$TMP/bt.out" && break
			kill -0 "$extra" 2>/dev/null || die "bpftrace failed: $(cat "$TMP/bt.out")"
			sleep 0.05
		done
		sleep 0.2	# "Attaching" comes before the attach itself
		;;
	esac
	[ -n "$extra" ] && PIDS+=("$extra")
	# The echo set-ups' sender reads the answers as it sends.
	[[ $cfg == *echo ]] && drain=(drain)
	read -r sent got < <(ip netns exec "$NS" "${PIN_SEND[@]}" "$B/flood" 198.18.0.2 $PORT "$DUR" 64 "${drain[@]}")
	[ -n "${drain[*]}" ] && [ "${got:-0}" = 0 ] && die "$cfg: no answer came back to the sender"
	sleep 0.2
	# What the device's reader read (the device goes with pathtrace).
	local devreads=
	[[ $cfg == *-match || $cfg == *-nomatch ]] &&
		devreads=$(ip -n "$NS" -j -s link show dev $DEV | jq '.[0].stats64.tx.packets')
	# The programs this set-up loaded (not there before it), still loaded.
	[ -n "${COST_RUN:-}" ] && bpftool prog show -j |
		jq --slurpfile old "$TMP/ids.json" '[.[] | select(.id as $i | $old[0] | index($i) | not)]' \
			>"$TMP/progs.json"
	[ "$cfg" = metrics ] && { ! kill -0 "$extra" 2>/dev/null ||
		[ "$(sort -u "$TMP/scrapes")" != 200 ]; } && die "metrics: a scrape failed"
	[ -n "$extra" ] && stop "$extra"
	stop "$reader"
	PIDS=()		# stopped: nothing of this run left for cleanup
	case $cfg in
	hist | hist-*match | metrics | hist-busy | hist-l2)
		reads=$(sed -n 's/^pathtrace: \([0-9]*\) packets read.*/\1/p' "$TMP/pt.err")
		lost=$(sed -n 's/.* \([0-9]*\) samples lost.*, \([0-9]*\) packets not followed.*/\1 \2/p' "$TMP/pt.err" | awk '{print $1 + $2}')
		;;
	journey | journey-*match | echo | journey-l2)
		reads=$(sed -n 's/^pathtrace: \([0-9]*\) packets read.*/\1/p' "$TMP/pt.err")
		lost=$(sed -n 's/.* \([0-9]*\) records lost.*, \([0-9]*\) packets not followed.*/\1 \2/p' "$TMP/pt.err" | awk '{print $1 + $2}')
		;;
	bpftrace)
		reads=$(cat "$TMP/sink.out")
		lost=$(grep -o 'Lost [0-9]* events' "$TMP/bt.out" | awk '{s += $2} END {print s + 0}')
		;;
	*)
		reads=$(cat "$TMP/sink.out")
		;;
	esac
	case $cfg in
	*-match | *-nomatch)
		check_filter "$cfg" "${reads:-0}"
		reads=$devreads
		;;
	esac
	echo "${sent:-0} ${reads:-0} ${lost:-0}"
}

echo "bench: $RUNS rounds of ${CONFIGS[*]}, ${DUR}s each, 64-byte UDP through $DEV" >&2
echo '{}' >"$OUT/bench.json"	# (RUNS=0: what the later steps add to)
# With untraced among the set-ups, each round ends with a second untraced
# run ("untraced2"): a round whose two untraced runs differ by more than
# 10% saw the machine change speed under it, and does not count.
ROUND=("${CONFIGS[@]}")
[[ " ${CONFIGS[*]} " == *" untraced "* ]] && ROUND+=(untraced2)
for ((r = 1; r <= RUNS; r++)); do
	for c in "${ROUND[@]}"; do
		run "${c%2}" >"$TMP/res"	# (not in $(...): PIDS must reach cleanup)
		res=$(<"$TMP/res")
		echo "$r $c $res" >>"$TMP/results"
		echo "bench: round $r $c: sent reads lost = $res" >&2
	done
done

# Each round's overheads are against that round's untraced rate (the mean
# of its two runs; the machine's speed drifts between rounds more than
# within one); a set-up's overhead is the median over the steady rounds
# (all rounds, with a warning, if none was). Targets (issue 20, which
# replaced issue 4's against the empty floor): --hist's overhead at most
# 0.3x bpftrace's, journey mode's 0.35x.
[ -s "$TMP/results" ] && awk -v d="$DUR" -v runs="$RUNS" -v order="${CONFIGS[*]}" -v json="$OUT/bench.json" '
	function med(arr, m,   i, j, t, v) {
		for (i = 1; i <= m; i++) v[i] = arr[i]
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		return (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
	}
	# The median, over the steady rounds, of the overhead of set-up a against
	# set-up b of the same round ("" if they did not both run).
	function against(a, b,   r, m, o) {
		m = 0
		for (r = 1; r <= nr; r++)
			if (use[r] && ((r, a) in rd) && rd[r, b] > 0)
				o[++m] = 1 - rd[r, a] / rd[r, b]
		return m ? med(o, m) : ""
	}
	# Prints the overhead of a against b (see against) beside that of
	# set-up ref against untraced, named what; returns it ("": not both ran).
	function paired(label, a, b, ref, what,   o) {
		o = against(a, b)
		if (o == "")
			return ""
		printf "\n%s: %s overhead %.1f%% against %s", label, a, o * 100, b
		if (ref in ovh)
			printf " (%s: %.1f%% against untraced)", what, ovh[ref] * 100
		printf "\n"
		return o
	}
	# Overhead ratio a/b, against target (none: ""), if both set-ups ran;
	# compared at the three decimals shown.
	function ratio(a, b, target) {
		if (!(a in ovh) || !(b in ovh) || ovh[b] <= 0)
			return
		nt++
		rname[nt] = a "/" b
		rval[nt] = sprintf("%.3f", ovh[a] / ovh[b])
		rtarget[nt] = target
		rmet[nt] = rval[nt] + 0 <= target + 0
	}
	{ sent[$1, $2] = $3; rd[$1, $2] = $4; if ($2 != "untraced2") lost[$2] += $5; if ($1 > nr) nr = $1 }
	END {
		steady = 0
		for (r = 1; r <= nr; r++) {
			base[r] = 0
			if (!((r, "untraced") in rd)) continue
			base[r] = rd[r, "untraced"]
			if ((r, "untraced2") in rd) {
				base[r] = (rd[r, "untraced"] + rd[r, "untraced2"]) / 2
				dev = rd[r, "untraced"] - rd[r, "untraced2"]
				if (base[r] > 0 && (dev < 0 ? -dev : dev) <= 0.1 * base[r]) {
					use[r] = 1; steady++
				}
			}
		}
		if (!steady)
			for (r = 1; r <= nr; r++) use[r] = 1
		nc = split(order, cfg, " ")
		for (i = 1; i <= nc; i++) {
			c = cfg[i]; m = 0
			for (r = 1; r <= nr; r++) {
				if (!use[r] || !((r, c) in rd)) continue
				m++; s[m] = sent[r, c]; p[m] = rd[r, c]
				o[m] = base[r] > 0 ? 1 - rd[r, c] / base[r] : 0
			}
			msent[c] = med(s, m) / d; mread[c] = med(p, m) / d; ovh[c] = med(o, m)
		}
		printf "%-13s %12s %12s %9s %12s\n", "config", "sent pps", "read pps", "overhead", "lost (sum)"
		for (i = 1; i <= nc; i++) {
			c = cfg[i]
			printf "%-13s %12.0f %12.0f %8.1f%% %12d\n", c, msent[c], mread[c], ovh[c] * 100, lost[c]
		}
		ratio("hist", "bpftrace", "0.3")
		ratio("journey", "bpftrace", "0.35")
		# The floors against bpftrace: what the two ratios above cannot
		# go under while pathtrace runs programs on these hooks.
		ratio("empty", "bpftrace", "")
		ratio("clock", "bpftrace", "")
		ratio("clockj", "bpftrace", "")
		ratio("journey", "clockj", "")
		ratio("hist", "empty", "")
		ratio("clock", "empty", "")
		ratio("hist", "clock", "")
		ratio("hist", "handoff", "")
		ratio("hist-nomatch", "clock", "")
		ratio("hist-match", "hist", "")
		ratio("journey-match", "journey", "")
		ratio("metrics", "hist", "")
		if (nt) printf "\n%-23s %6s %7s\n", "overhead ratio", "value", "target"
		for (i = 1; i <= nt; i++)
			printf "%-23s %6s %7s%s\n", rname[i], rval[i], (rtarget[i] == "" ? "" : "<= " rtarget[i]),
				(rtarget[i] == "" ? "" : (rmet[i] ? "  met" : "  not met"))
		# A reader that never sleeps is never woken: hist-busy against
		# untraced-busy is the overhead of hist without the wake-ups.
		busy = paired("busy-polling reader", "hist-busy", "untraced-busy", "hist", "hist, sleeping")
		# The way in: echo against untraced-echo, both answering.
		echo_ovh = paired("the way in", "echo", "untraced-echo", "journey", "journey, one way")
		# TAP: against a TAP device read untraced.
		hl2 = paired("TAP (layer 2)", "hist-l2", "untraced-l2", "hist", "hist, TUN")
		jl2 = paired("TAP (layer 2)", "journey-l2", "untraced-l2", "journey", "journey, TUN")
		if ((1, "untraced") in rd) {
			printf "\nsteady rounds (untraced before and after within 10%%): %d of %d\n", steady, nr
			if (steady < 3)
				printf "only %d steady round(s): too few for these ratios to be trusted; rerun%s\n",
					steady, (steady < nr ? " (the machine changed speed under the runs)" : " with more RUNS")
		}
		printf "{\"duration_s\":%d,\"rounds\":%d,\"steady_rounds\":%d,\"datagram_bytes\":64,\"configs\":[", d, runs, steady > json
		for (i = 1; i <= nc; i++) {
			c = cfg[i]
			printf "%s{\"config\":\"%s\",\"sent_pps\":%.0f,\"read_pps\":%.0f,\"overhead\":%.4f,\"lost\":%d}",
				(i > 1 ? "," : ""), c, msent[c], mread[c], ovh[c], lost[c] > json
		}
		printf "]%s%s%s%s,\"ratios\":{", (busy != "" ? sprintf(",\"hist_busy_overhead\":%.4f", busy) : ""),
			(echo_ovh != "" ? sprintf(",\"echo_overhead\":%.4f", echo_ovh) : ""),
			(hl2 != "" ? sprintf(",\"hist_l2_overhead\":%.4f", hl2) : ""),
			(jl2 != "" ? sprintf(",\"journey_l2_overhead\":%.4f", jl2) : "") > json
		for (i = 1; i <= nt; i++)
			printf "%s\"%s\":{\"value\":%s%s}", (i > 1 ? "," : ""), rname[i], rval[i],
				(rtarget[i] == "" ? "" : ",\"target\":" rtarget[i] ",\"met\":" (rmet[i] ? "true" : "false")) > json
		print "}}" > json
	}' "$TMP/results"
echo "bench: wrote $OUT/bench.json" >&2

# The cost runs: BPF time per packet sent, by kernel.bpf_stats_enabled,
# COST_RUNS times each set-up, round after round; a set-up's figure is the
# median. Targets (issue 16): with a filter that matches nothing, --hist's
# programs at most the clock floor's time; a filter that matches all adds
# at most 100 ns a packet to the same mode without one. Issue 19's: the
# metrics set-up's programs within 5% of hist's (the exporter costs the
# packet path nothing: same programs, userspace only). Issue 20's: --hist
# at most 1.2x the clock floor's time, journey mode 1.4x.
TRACED=0	# set-ups with programs: the cost runs' (untraced ones have none)
for c in "${CONFIGS[@]}"; do
	[[ $c == untraced* ]] || TRACED=1
done
if [ "$COSTS" = 1 ] && [ "$TRACED" = 1 ]; then
	stats_on
	printf '\n%-13s %3s %14s %5s  %s\n' "config" "run" "BPF ns/packet" "line" "per program (ns per run x runs per packet)"
	declare -A CNS=()	# set-up: its ns per packet, one a cost run
	declare -A XNS=()	# set-up: the line transfer's ns before each of its cost runs
	for ((r = 1; r <= COST_RUNS; r++)); do
		for c in "${CONFIGS[@]}"; do
			[[ $c == untraced* ]] && continue
			# What a line from the sender's CPU to the reader's costs now
			# (bench/linexfer.c: where the host put the two CPUs).
			xfer=$([ -n "${PIN_SEND[*]}" ] && "$B/linexfer" 0 1 || echo -)
			COST_RUN=1 run "$c" >"$TMP/res"
			res=$(<"$TMP/res")
			sent=${res%% *}
			[ "${sent:-0}" -gt 0 ] || die "cost run of $c sent nothing"
			line=$(prog_cost "$sent")
			printf '%-13s %3d %14s %5s  %s\n' "$c" "$r" "${line%%$'\t'*}" "$xfer" "${line#*$'\t'}"
			CNS[$c]+="${CNS[$c]:+ }${line%%$'\t'*}"
			XNS[$c]+="${XNS[$c]:+ }$xfer"
		done
	done
	stats_off
	# Issue 20's two ratios round by round, with the line's cost at each
	# run: a round whose runs saw a cheap line and one whose runs saw a
	# dear one differ by more than the programs' changes do.
	if [ -n "${CNS[clock]:-}" ]; then
		read -ra cl <<<"${CNS[clock]}"
		read -ra clx <<<"${XNS[clock]}"
		for c in hist journey; do
			[ -n "${CNS[$c]:-}" ] || continue
			read -ra v <<<"${CNS[$c]}"
			read -ra vx <<<"${XNS[$c]}"
			printf '%s/clock by cost run:' "$c"
			for ((i = 0; i < ${#v[@]}; i++)); do
				awk -v a="${v[$i]}" -v b="${cl[$i]}" -v xa="${vx[$i]}" -v xb="${clx[$i]}" -v r=$((i + 1)) \
					'BEGIN { printf "  %d: %.2f (line %s, %s ns)", r, (b > 0 ? a / b : 0), xb, xa }'
			done
			echo
		done
	fi
	for c in "${CONFIGS[@]}"; do
		[ -n "${CNS[$c]:-}" ] && echo "$c ${CNS[$c]}"
	done | awk -v runs="$COST_RUNS" -v json="$TMP/costs.json" '
		function med(m,   i, j, t) {
			for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			return (m % 2) ? v[(m + 1) / 2] : int((v[m / 2] + v[m / 2 + 1]) / 2)
		}
		# A target on the medians, if both set-ups ran: the ratio a/b
		# (three decimals) or the difference a - b (ns).
		function target(a, b, op, t,   val) {
			if (!(a in ns) || !(b in ns) || (op == "/" && ns[b] <= 0))
				return
			val = op == "/" ? sprintf("%.3f", ns[a] / ns[b]) : ns[a] - ns[b]
			nt++
			tname[nt] = op == "/" ? a "/" b : a " - " b " (ns)"
			tkey[nt] = op == "/" ? a "/" b : a "-" b
			tval[nt] = val; ttarget[nt] = t; tmet[nt] = val + 0 <= t + 0
		}
		{
			m = 0
			for (i = 2; i <= NF; i++) v[++m] = $i
			c[++nc] = $1; ns[$1] = med(m)
			all[$1] = $2; for (i = 3; i <= NF; i++) all[$1] = all[$1] "," $i
		}
		END {
			printf "\n%-13s %14s  %s\n", "config", "BPF ns/packet", "(median of " runs " cost run" (runs > 1 ? "s" : "") ")"
			for (i = 1; i <= nc; i++)
				printf "%-13s %14d%s\n", c[i], ns[c[i]],
					("clock" in ns && ns["clock"] > 0 && c[i] != "clock" ? sprintf("  %.2fx the clock floor", ns[c[i]] / ns["clock"]) : "") \
					("handoff" in ns && ns["handoff"] > 0 && c[i] != "handoff" && c[i] != "clock" && c[i] !~ /^(empty|clockj)/ ? sprintf(", %.2fx the handoff floor", ns[c[i]] / ns["handoff"]) : "") \
					("clockj" in ns && ns["clockj"] > 0 && c[i] ~ /^journey/ ? sprintf(", %.2fx journeys'"'"' clock floor", ns[c[i]] / ns["clockj"]) : "")
			target("hist-nomatch", "clock", "/", "1.0")
			target("hist-match", "hist", "-", "100")
			target("journey-match", "journey", "-", "100")
			target("metrics", "hist", "/", "1.05")
			target("hist", "clock", "/", "1.2")
			target("journey", "clock", "/", "1.4")
			if (nt) printf "\n%-29s %6s %7s\n", "BPF cost (issues 16, 19, 20)", "value", "target"
			for (i = 1; i <= nt; i++)
				printf "%-29s %6s %7s  %s\n", tname[i], tval[i], "<= " ttarget[i], tmet[i] ? "met" : "not met"
			printf "{\"bpf_ns_per_packet\":{" > json
			for (i = 1; i <= nc; i++)
				printf "%s\"%s\":%d", (i > 1 ? "," : ""), c[i], ns[c[i]] > json
			printf "},\"bpf_ns_per_packet_runs\":{" > json
			for (i = 1; i <= nc; i++)
				printf "%s\"%s\":[%s]", (i > 1 ? "," : ""), c[i], all[c[i]] > json
			printf "},\"bpf_cost_targets\":{" > json
			for (i = 1; i <= nt; i++)
				printf "%s\"%s\":{\"value\":%s,\"target\":%s,\"met\":%s}", (i > 1 ? "," : ""), tkey[i],
					tval[i], ttarget[i], (tmet[i] ? "true" : "false") > json
			print "}}" > json
		}'
	{
		printf '{"line_ns_runs":{'
		sep=
		for c in "${CONFIGS[@]}"; do
			[ -n "${XNS[$c]:-}" ] || continue
			printf '%s"%s":[%s]' "$sep" "$c" "$(echo "${XNS[$c]}" | sed 's/-/null/g; s/ /,/g')"
			sep=,
		done
		printf '}}\n'
	} >"$TMP/xfer.json"
	# Into the JSON written above.
	jq -c --slurpfile c "$TMP/costs.json" --slurpfile x "$TMP/xfer.json" '. + $c[0] + $x[0]' \
		"$OUT/bench.json" >"$TMP/bench.json" &&
		mv "$TMP/bench.json" "$OUT/bench.json"
	echo "bench: added the BPF costs to $OUT/bench.json" >&2
fi
# Start-up and exit, both modes.
if [ "${STARTUP:-1}" = 1 ]; then
	. bench/startup.sh
fi
# The TCP bulk set-up: by default only with all the set-ups.
if [ "${TCP:-$([ -z "${CONFIGS_GIVEN:-}" ] && echo 1)}" = 1 ]; then
	. bench/tcp.sh
fi
