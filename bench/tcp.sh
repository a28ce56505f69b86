# SPDX-License-Identifier: GPL-2.0
# The TCP bulk set-up (issue 17), sourced by bench/run.sh after its rounds
# (TCP=0 skips it): a TCP upload of TCP_MB MiB (default 128) through a
# wire between two namespaces, as a VPN daemon forwards its TUN device's
# packets: tests/helpers/tunwire reads TUN device pt_tcpA in the bench's
# namespace and writes into pt_tcpB in a second one, where tcpup receives.
# Set-ups, TCP_RUNS rounds (default 5), each round both:
#   tcp-untraced   the upload alone
#   tcp-journey    pathtrace --dev pt_tcpA --json (to /dev/null) follows
#                  tunwire's reads: one journey per segment
# A set-up's rate is the median of its rounds; its overhead the median of
# 1 - traced / untraced rate of the same round. With COSTS=1, one more
# traced upload with kernel.bpf_stats_enabled: the programs' run time over
# the segments tunwire read (BPF ns per segment).

TCP_MB=${TCP_MB:-128}
TCP_RUNS=${TCP_RUNS:-5}
NSB=$NS-b
TCPA=pt_tcpA
TCPB=pt_tcpB

for c in "$OUT/tests/tunwire" "$OUT/tests/tcpup"; do
	[ -x "$c" ] || die "$c not built (make bench)"
done
ip netns add "$NSB" || die "cannot make netns $NSB"
ip netns exec "$NSB" ip link set lo up
for n in "$NS" "$NSB"; do	# only the upload on the wire
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
"$OUT/tests/tunwire" "$NS" $TCPA "$NSB" $TCPB "$TMP/wired" "$TMP/wire.count" &
WIRE=$!
PIDS+=("$WIRE")
wait_file "$TMP/wired" "$WIRE" || die "tunwire did not start"
ip netns exec "$NS" ip addr add 198.18.1.1/24 dev $TCPA
ip netns exec "$NS" ip link set $TCPA up
ip netns exec "$NSB" ip addr add 198.18.1.2/24 dev $TCPB
ip netns exec "$NSB" ip link set $TCPB up
head -c $((TCP_MB << 20)) /dev/zero >"$TMP/up"

# One upload: its rate in MiB/s (three decimals) in $TMP/rate. (Results
# go through files, not $(...): PIDS must reach cleanup.)
tcp_upload() {
	local t0 t1 recv
	rm -f "$TMP/listening"
	ip netns exec "$NSB" "${PIN_READ[@]}" "$OUT/tests/tcpup" recv 198.18.1.2 5001 /dev/null \
		"$TMP/listening" &
	recv=$!
	PIDS+=("$recv")
	wait_file "$TMP/listening" "$recv" || die "tcpup recv did not start"
	t0=$(date +%s%N)
	ip netns exec "$NS" "${PIN_SEND[@]}" "$OUT/tests/tcpup" send 198.18.1.2 5001 "$TMP/up" ||
		die "tcp: the upload failed"
	wait "$recv" || die "tcp: the receiver failed"
	t1=$(date +%s%N)
	awk -v mb="$TCP_MB" -v ns=$((t1 - t0)) 'BEGIN { printf "%.3f\n", mb / (ns / 1e9) }' >"$TMP/rate"
}

# A traced upload: "rate journeys" in $TMP/traced.
tcp_traced() {
	local pt
	rm -f "$TMP/ready"
	ip netns exec "$NS" "$PT" --dev $TCPA --json --ready-file "$TMP/ready" >/dev/null 2>"$TMP/pt.err" &
	pt=$!
	PIDS+=("$pt")
	wait_file "$TMP/ready" "$pt" || die "pathtrace did not start: $(cat "$TMP/pt.err")"
	tcp_upload
	sleep 0.2	# the last ACKs
	[ -n "${COST_RUN:-}" ] && bpftool prog show -j | jq --slurpfile old "$TMP/ids.json" \
		'[.[] | select(.id as $i | $old[0] | index($i) | not)]' >"$TMP/progs.json"
	stop "$pt"
	echo "$(<"$TMP/rate") $(sed -n 's/^pathtrace: \([0-9]*\) packets read.*/\1/p' "$TMP/pt.err")" \
		>"$TMP/traced"
}

echo "bench: $TCP_RUNS rounds of tcp-untraced tcp-journey, $TCP_MB MiB each through tunwire" >&2
: >"$TMP/tcp.results"
for ((r = 1; r <= TCP_RUNS; r++)); do
	tcp_upload
	u=$(<"$TMP/rate")
	tcp_traced
	set -- $(<"$TMP/traced")
	echo "bench: round $r tcp-untraced $u MiB/s, tcp-journey $1 MiB/s ($2 journeys)" >&2
	echo "$u $1 $2" >>"$TMP/tcp.results"
done
tcp_ns=
if [ "$COSTS" = 1 ]; then
	stats_on
	bpftool prog show -j | jq '[.[].id]' >"$TMP/ids.json"
	COST_RUN=1 tcp_traced
	set -- $(<"$TMP/traced")
	stats_off
	[ "${2:-0}" -gt 0 ] || die "tcp cost run: no journey"
	tcp_ns=$(prog_cost "$2")
	printf '\ntcp-journey cost run: %s BPF ns per segment  %s\n' "${tcp_ns%%$'\t'*}" "${tcp_ns#*$'\t'}"
	tcp_ns=${tcp_ns%%$'\t'*}
fi
stop "$WIRE"
PIDS=()
awk -v json="$TMP/tcp.json" -v mb="$TCP_MB" -v ns="${tcp_ns:-null}" '
	function med(a, m,   i, j, t) {
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
	}
	{ m++; u[m] = $1; t[m] = $2; j[m] = $3; o[m] = $1 > 0 ? 1 - $2 / $1 : 0 }
	END {
		mu = med(u, m); mt = med(t, m); mo = med(o, m); mj = med(j, m)
		printf "\n%-13s %12s %9s %10s\n", "config", "MiB/s", "overhead", "journeys"
		printf "%-13s %12.1f %9s %10s\n", "tcp-untraced", mu, "", ""
		printf "%-13s %12.1f %8.1f%% %10d\n", "tcp-journey", mt, mo * 100, mj
		printf "{\"tcp\":{\"mib\":%d,\"rounds\":%d,\"untraced_mib_s\":%.1f,\"journey_mib_s\":%.1f,\"overhead\":%.4f,\"journeys\":%d,\"bpf_ns_per_segment\":%s}}\n",
			mb, m, mu, mt, mo, mj, ns > json
	}' "$TMP/tcp.results"
jq -c --slurpfile t "$TMP/tcp.json" '. + $t[0]' "$OUT/bench.json" >"$TMP/bench.json" &&
	mv "$TMP/bench.json" "$OUT/bench.json"
echo "bench: added the TCP set-up to $OUT/bench.json" >&2
