#!/usr/bin/env bash
# The benchmark (make bench): 64-byte UDP datagrams as fast as one sender
# can through a TUN device to a reader, in a network namespace made here,
# under five set-ups measured in one invocation, round after round so that
# drift hits all alike; medians of RUNS rounds (default 7) of DUR seconds (default 3).
#
#   untraced    tunsink reads, nothing attached
#   empty       tunsink reads, empty BPF programs on pathtrace's hooks (the floor)
#   hist        pathtrace --hist reads (in-kernel histograms)
#   journey     pathtrace --json reads (one ring record and one JSON line per packet, to /dev/null)
#   bpftrace    tunsink reads, bpftrace runs bench/hist.bt (the same tracepoints, histograms)
#
# The sender runs on CPU 0 and the reader on CPU 1 in every set-up: left to
# the scheduler, the two sometimes share a CPU and sometimes not, which
# moved a set-up's throughput by more than the tracing did.
#
# Prints a table and writes $OUT/bench.json. Not a test: it asserts nothing.
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
read -ra CONFIGS <<<"${CONFIGS:-untraced empty hist journey bpftrace}"
PIDS=()
MOUNTED_TRACEFS=

die() { echo "bench: $*" >&2; exit 1; }

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	[ -n "$MOUNTED_TRACEFS" ] && umount /sys/kernel/tracing
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || die "run as root"
for c in "$PT" "$B/tunsink" "$B/flood" "$B/emptyload" ; do
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

# run CONFIG: prints "sent reads lost"
run() {
	local cfg=$1 reader extra= sent reads lost=0
	rm -f "$TMP/ready" "$TMP/xready"
	case $cfg in
	hist | journey)
		local mode=--hist
		[ "$cfg" = journey ] && mode=--json
		ip netns exec "$NS" "${PIN_READ[@]}" "$PT" --dev $DEV --addr 198.18.0.1/24 $mode \
			--ready-file "$TMP/ready" >/dev/null 2>"$TMP/pt.err" &
		reader=$!
		wait_file "$TMP/ready" "$reader" || die "pathtrace did not start: $(cat "$TMP/pt.err")"
		;;
	*)
		ip netns exec "$NS" "${PIN_READ[@]}" "$B/tunsink" $DEV "$TMP/ready" >"$TMP/sink.out" &
		reader=$!
		wait_file "$TMP/ready" "$reader" || die "tunsink did not start"
		ip netns exec "$NS" ip addr add 198.18.0.1/24 dev $DEV
		ip netns exec "$NS" ip link set $DEV up
		;;
	esac
	PIDS+=("$reader")
	case $cfg in
	empty)
		"$B/emptyload" "$TMP/xready" &
		extra=$!
		wait_file "$TMP/xready" "$extra" || die "emptyload did not start"
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
	sent=$(ip netns exec "$NS" "${PIN_SEND[@]}" "$B/flood" 198.18.0.2 9 "$DUR" 64)
	sleep 0.2
	[ -n "$extra" ] && stop "$extra"
	stop "$reader"
	case $cfg in
	hist)
		reads=$(sed -n 's/^pathtrace: \([0-9]*\) packets read.*/\1/p' "$TMP/pt.err")
		lost=$(sed -n 's/.* \([0-9]*\) samples lost.*, \([0-9]*\) packets not followed.*/\1 \2/p' "$TMP/pt.err" | awk '{print $1 + $2}')
		;;
	journey)
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
	echo "${sent:-0} ${reads:-0} ${lost:-0}"
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

echo "bench: $RUNS rounds of ${CONFIGS[*]}, ${DUR}s each, 64-byte UDP through $DEV" >&2
for ((r = 1; r <= RUNS; r++)); do
	for c in "${CONFIGS[@]}"; do
		res=$(run "$c")
		echo "$c $res" >>"$TMP/results"
		echo "bench: round $r $c: sent reads lost = $res" >&2
	done
done

# pps = packets read per second; overhead against untraced's median.
base=$(awk '$1 == "untraced" {print $3}' "$TMP/results" | median)
{
	printf '%-9s %12s %12s %9s %12s\n' config "sent pps" "read pps" overhead "lost (sum)"
	for c in "${CONFIGS[@]}"; do
		s=$(awk -v c="$c" '$1 == c {print $2}' "$TMP/results" | median)
		rd=$(awk -v c="$c" '$1 == c {print $3}' "$TMP/results" | median)
		l=$(awk -v c="$c" '$1 == c {s += $4} END {print s + 0}' "$TMP/results")
		awk -v c="$c" -v s="$s" -v r="$rd" -v b="$base" -v l="$l" -v d="$DUR" 'BEGIN {
			printf "%-9s %12.0f %12.0f %8.1f%% %12d\n", c, s / d, r / d, (1 - r / b) * 100, l }'
	done
} | tee "$TMP/table"

awk -v d="$DUR" -v runs="$RUNS" -v base="$base" '
	{
		if (!($1 in n)) name[++k] = $1
		n[$1]++; sent[$1, n[$1]] = $2; rd[$1, n[$1]] = $3; lost[$1] += $4
	}
	function med(arr, c, m,   i, j, t, v) {
		for (i = 1; i <= m; i++) v[i] = arr[c, i]
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		return (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
	}
	END {
		printf "{\"duration_s\":%d,\"rounds\":%d,\"datagram_bytes\":64,\"configs\":[", d, runs
		for (i = 1; i <= k; i++) {
			c = name[i]; r = med(rd, c, n[c]); s = med(sent, c, n[c])
			printf "%s{\"config\":\"%s\",\"sent_pps\":%.0f,\"read_pps\":%.0f,\"overhead\":%.4f,\"lost\":%d}",
				(i > 1 ? "," : ""), c, s / d, r / d, 1 - r / base, lost[c]
		}
		print "]}"
	}' "$TMP/results" >"$OUT/bench.json"
echo "bench: wrote $OUT/bench.json" >&2
