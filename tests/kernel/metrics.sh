#!/usr/bin/env bash
# --metrics: a real Prometheus (Debian's, started here inside the case's
# namespace on 127.0.0.1, with a config and storage of its own) scrapes
# pathtrace while pings flow, and its HTTP API answers a quantile of the
# right order; promtool lints the page; 404, 405; malformed and oversized
# requests leave it serving; a port in use costs nothing; counters only
# grow; SIGTERM frees the port; a short soak (SOAK_SECONDS, default 20)
# with RSS flat and the counters equal to the summary at exit.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

DEV=nsfocus_tun0
PORT=9469
ADDR=127.0.0.1:$PORT
URL=http://$ADDR/metrics
SOAK=${SOAK_SECONDS:-20}
# RSS may grow this much (kB) from the end of the soak's warm-up to its end.
RSS_BOUND_KB=1024
CASES=(prometheus_quantile page_lint_and_errors bad_requests port_in_use
	counters_grow journeys_feed drops_by_reason sigterm_frees_port unit_capabilities soak)

# The page, or an empty string (curl inside the case's namespace).
scrape() { # [url]
	nsx curl -s -m 5 "${1:-$URL}"
}

# The HTTP status of a request: code only.
status() { # curl-args...
	nsx curl -s -m 5 -o /dev/null -w '%{http_code}' "$@"
}

# The value of one sample of page $1: a name with its labels, as printed.
sample() { # page-file series
	awk -v s="$2" '$1 == s {print $2}' "$1"
}

need_tools() {
	local c
	for c in curl "$@"; do
		command -v "$c" >/dev/null || { T_SKIP="$c not installed (run tools/setup.sh test)"; return 1; }
	done
}

# Pings through the device until killed, in the background.
pings() { # interval
	ip netns exec "$NS" ping -q -i "$1" 192.0.2.2 >/dev/null 2>&1 &
	PING_PID=$!
	PIDS+=("$PING_PID")
}

# Prometheus scraping pathtrace every second, its API on 127.0.0.1:9090.
prom_start() {
	mkdir -p "$TMP/prom"
	cat >"$TMP/prom/prometheus.yml" <<-EOF
	global:
	  scrape_interval: 1s
	  evaluation_interval: 1s
	scrape_configs:
	  - job_name: pathtrace
	    static_configs:
	      - targets: ['$ADDR']
	EOF
	ip netns exec "$NS" prometheus --config.file="$TMP/prom/prometheus.yml" \
		--storage.tsdb.path="$TMP/prom/data" --web.listen-address=127.0.0.1:9090 \
		>"$TMP/prom/log" 2>&1 &
	PIDS+=("$!")
	PROM_PID=$!
}

# A PromQL query's scalar value through the HTTP API ("" until it has one).
promql() { # query
	nsx curl -s -m 5 -G http://127.0.0.1:9090/api/v1/query --data-urlencode "query=$1" |
		jq -r '.data.result[0].value[1] // empty' 2>/dev/null
}

case_prometheus_quantile() {
	local q p99 i up
	need_tools prometheus || return
	pt_start --dev "$DEV" --metrics "$ADDR" || return
	pings 0.02
	prom_start
	# Prometheus answers about 5 s after its start; allow 30 s for a value.
	for ((i = 0; i < 60; i++)); do
		q=$(promql 'histogram_quantile(0.5, sum by (le) (pathtrace_journey_latency_seconds_bucket{dir="tx"}))')
		[ -n "$q" ] && [ "$q" != NaN ] && break
		sleep 0.5
	done
	up=$(promql 'up{job="pathtrace"}')
	expect_eq "$up" 1 "Prometheus scrapes pathtrace (up)"
	expect_ok "median journey latency from Prometheus: between 1 us and 1 s (got '$q')" \
		awk -v q="$q" 'BEGIN { exit !(q != "" && q + 0 > 1e-6 && q + 0 < 1) }'
	# The README's per-stage p99, summed over time as a dashboard would.
	p99=$(promql 'histogram_quantile(0.99, sum by (le, from, to) (pathtrace_stage_latency_seconds_bucket{from="queue",to="driver"}))')
	expect_ok "p99 queue -> driver from Prometheus: between 100 ns and 1 s (got '$p99')" \
		awk -v q="$p99" 'BEGIN { exit !(q != "" && q + 0 > 1e-7 && q + 0 < 1) }'
	echo "  median journey latency via Prometheus: $q s; p99 queue->driver: $p99 s" >&2
	kill "$PING_PID"
	kill -TERM "$PT_PID"
	pt_wait 20
	expect_eq "$PT_RC" 0 "exit status after SIGTERM"
	expect_no_dev "$DEV"
	expect_no_bpf_left
}

case_page_lint_and_errors() {
	local lint tid
	need_tools promtool || return
	pt_start --dev "$DEV" --metrics "$ADDR" --hist-by proto || return
	# Before any packet: families without samples, still clean.
	scrape >"$TMP/page0"
	expect_ok "a page before any traffic" grep -q '^pathtrace_info{' "$TMP/page0"
	lint=$(promtool check metrics <"$TMP/page0" 2>&1)
	expect_eq "$?:$lint" "0:" "promtool check metrics, before any traffic"
	ip netns exec "$NS" ping -c 3 -i 0.1 192.0.2.2 >/dev/null 2>&1
	sleep 1.2	# a publication
	scrape >"$TMP/page"
	expect_ok "the page has samples of a ping's transitions" \
		grep -q '^pathtrace_stage_latency_seconds_count{dev="nsfocus_tun0",dir="tx",from="queue",to="driver",proto="icmp"} 3$' "$TMP/page"
	lint=$(promtool check metrics <"$TMP/page" 2>&1)
	expect_eq "$?:$lint" "0:" "promtool check metrics"
	expect_eq "$(status "http://$ADDR/")" 404 "GET / "
	expect_eq "$(status "http://$ADDR/metricsx")" 404 "GET /metricsx"
	expect_eq "$(status -X POST -d x=1 "$URL")" 405 "POST /metrics"
	expect_eq "$(status -X DELETE "$URL")" 405 "DELETE /metrics"
	expect_eq "$(status -I "$URL")" 200 "HEAD /metrics"
	# Two scrapes on one connection, as Prometheus keeps it alive.
	expect_eq "$(nsx curl -sv -m 5 -o /dev/null -o /dev/null "$URL" "$URL" 2>&1 |
		grep -c '^\* Re-using existing connection')" 1 "a second scrape on the first's connection"
	expect_ok "content type of the text exposition format" \
		bash -c "ip netns exec '$NS' curl -s -m 5 -o /dev/null -w '%{content_type}' '$URL' | grep -q '^text/plain; version=0.0.4'"
	# Every thread (the server's too) has dropped its privileges.
	for tid in /proc/"$PT_PID"/task/*; do
		expect_eq "$(awk '$1 == "CapEff:" {print $2}' "$tid/status")" 0000008000000000 \
			"thread ${tid##*/}: effective capabilities CAP_BPF alone"
	done
	expect_eq "$(ls /proc/"$PT_PID"/task | wc -l)" 2 "two threads: the main one and the server's"
	expect_eq "$(ps -L -o nice= -p "$PT_PID" | tr -d ' ' | sort | tr '\n' ' ')" "0 19 " \
		"the server's thread at nice 19, the reader's at 0"
	kill -TERM "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "exit status"
}

# Raw bytes to the port, from bash (no client library in the way).
raw() { # bytes
	ip netns exec "$NS" timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT && printf '%s' \"\$1\" >&3 && cat <&3" _ "$1" 2>/dev/null
}

case_bad_requests() {
	local i big hold=()
	pt_start --dev "$DEV" --metrics "$ADDR" || return
	big=$(head -c 200000 /dev/zero | tr '\0' a)
	for ((i = 0; i < 5; i++)); do
		raw $'GARBAGE\r\n\r\n' >/dev/null
		raw $'GET /metrics HTTP/9.9\r\n\r\n' >/dev/null
		raw $'GET /metrics HTTP/1.1\r\nHost: x\r\nX: '"$big"$'\r\n\r\n' >/dev/null
		raw "GET /$big HTTP/1.1"$'\r\nHost: x\r\n\r\n' >/dev/null
		raw $'\x00\x01\x02\xff\xfe\r\n\r\n' >/dev/null
		raw $'POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\nabc' >/dev/null
		raw $'GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n' >/dev/null
	done
	expect_eq "$(status -H "X-Big: $(head -c 60000 /dev/zero | tr '\0' b)" "$URL")" 431 \
		"a request whose headers exceed the memory limit"
	# More idle connections than the limit, held open, then let go.
	for ((i = 0; i < 40; i++)); do
		ip netns exec "$NS" bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; sleep 4" 2>/dev/null &
		hold+=("$!")
		PIDS+=("$!")
	done
	sleep 1
	kill "${hold[@]}" 2>/dev/null
	wait "${hold[@]}" 2>/dev/null
	sleep 0.5
	expect_ok "pathtrace still running" kill -0 "$PT_PID"
	expect_eq "$(status "$URL")" 200 "GET /metrics after the burst"
	expect_ok "a whole page after the burst" bash -c "ip netns exec '$NS' curl -s -m 5 '$URL' | grep -q '^pathtrace_info{'"
	ip netns exec "$NS" ping -c 2 -i 0.1 192.0.2.2 >/dev/null 2>&1
	kill -TERM "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "exit status"
	expect_ok "still tracing after the burst: $(tail -1 "$TMP/err")" grep -q " 2 packets read" "$TMP/err"
}

case_port_in_use() {
	local before after err
	pt_start --dev "$DEV" --metrics "$ADDR" || return
	before=$(bpftool -j prog show | jq -c '[.[].id]')
	ip netns exec "$NS" "$PT" --dev nsfocus_tun1 --metrics "$ADDR" >"$TMP/out2" 2>"$TMP/err2"
	expect_eq "$?" 1 "exit status with the port in use"
	err=$(cat "$TMP/err2")
	expect_eq "$(wc -l <"$TMP/err2")" 1 "one line on stderr ($err)"
	expect_ok "it says the address and why ($err)" grep -q "127.0.0.1:$PORT.*Address already in use" "$TMP/err2"
	expect_eq "$(wc -c <"$TMP/out2")" 0 "nothing on stdout"
	expect_no_dev nsfocus_tun1
	after=$(bpftool -j prog show | jq -c '[.[].id]')
	# Programs not there before (one of an earlier case may still be
	# going, freed by the kernel after its process ended).
	expect_eq "$(jq -nc --argjson a "$after" --argjson b "$before" '$a - $b')" "[]" \
		"no BPF program loaded by the refused start"
	expect_eq "$(status "$URL")" 200 "the first pathtrace still serves"
	ip netns exec "$NS" "$PT" --dev nsfocus_tun1 --metrics "[::1]:$PORT" --ready-file "$TMP/r6" \
		>/dev/null 2>"$TMP/err6" &
	PIDS+=("$!")
	local p6=$!
	if wait_for_file "$TMP/r6" 20 "$p6"; then
		expect_eq "$(status "http://[::1]:$PORT/metrics")" 200 "IPv6 [::1]:$PORT beside 127.0.0.1:$PORT"
		kill -TERM "$p6"
		wait "$p6"
		expect_eq "$?" 0 "the IPv6 one's exit status"
	else
		fail "IPv6 --metrics did not start: $(cat "$TMP/err6")"
	fi
	kill -TERM "$PT_PID"
	pt_wait 10
}

# Every sample of page $2 is at least its value on page $1.
never_less() { # old new
	awk 'NR == FNR { if ($1 !~ /^#/) old[$1] = $2; next }
	     $1 !~ /^#/ && ($1 in old) && $2 + 0 < old[$1] + 0 { print $1 " " old[$1] " -> " $2; bad = 1 }
	     END { exit bad }' "$1" "$2"
}

case_counters_grow() {
	local i bad=
	pt_start --dev "$DEV" --metrics "$ADDR" || return
	pings 0.01
	sleep 1.2
	scrape >"$TMP/p0"
	for ((i = 1; i <= 5; i++)); do
		sleep 1
		scrape >"$TMP/p$i"
		never_less "$TMP/p$((i - 1))" "$TMP/p$i" >"$TMP/less" || bad="$bad $(head -3 "$TMP/less" | tr '\n' ' ')"
	done
	expect_eq "$bad" "" "counters and buckets never decrease across scrapes"
	expect_ok "reads grew across the scrapes" test \
		"$(sample "$TMP/p5" 'pathtrace_packets_total{dev="nsfocus_tun0",dir="tx",status="read"}')" -gt \
		"$(sample "$TMP/p0" 'pathtrace_packets_total{dev="nsfocus_tun0",dir="tx",status="read"}')"
	kill "$PING_PID"
	kill -TERM "$PT_PID"
	pt_wait 10
}

# Journey mode with --metrics: the journeys printed are what is exported.
case_journeys_feed() {
	local reads n
	pt_start --dev "$DEV" --metrics "$ADDR" --journeys --json || return
	ip netns exec "$NS" ping -c 5 -i 0.1 192.0.2.2 >/dev/null 2>&1
	sleep 1.5
	scrape >"$TMP/page"
	reads=$(sample "$TMP/page" 'pathtrace_packets_total{dev="nsfocus_tun0",dir="tx",status="read"}')
	expect_eq "$reads" 5 "packets_total read after five pings"
	expect_eq "$(sample "$TMP/page" 'pathtrace_journey_latency_seconds_count{dev="nsfocus_tun0",dir="tx"}')" 5 \
		"whole-way samples"
	expect_eq "$(sample "$TMP/page" 'pathtrace_stage_latency_seconds_count{dev="nsfocus_tun0",dir="tx",from="driver",to="copy"}')" 5 \
		"driver -> copy samples"
	expect_ok "unjoined exists in journey mode" grep -q 'status="unjoined"} 0$' "$TMP/page"
	kill -TERM "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "exit status"
	n=$(grep -c '"status":"read"' "$TMP/out")
	expect_eq "$n" "$reads" "journeys printed = packets_total read"
}

# --metrics alone (--hist in the kernel): a full tun ring's drops, by the
# stage they reached and the kernel's reason, as journey mode names them.
case_drops_by_reason() {
	pt_start --dev "$DEV" --metrics "$ADDR" || return
	nsx ip link set "$DEV" txqueuelen 4
	kill -STOP "$PT_PID"
	nsx "$HELPERS/udpsend" 192.0.2.2 40409 10 20
	kill -CONT "$PT_PID"
	sleep 1.5
	scrape >"$TMP/page"
	expect_eq "$(sample "$TMP/page" 'pathtrace_drops_total{dev="nsfocus_tun0",stage="driver",reason="FULL_RING"}')" 6 \
		"6 of 10 datagrams dropped at the driver for FULL_RING (a ring of 4)"
	expect_eq "$(grep -c '^pathtrace_drops_total{' "$TMP/page")" 1 "no other drop series"
	expect_eq "$(sample "$TMP/page" 'pathtrace_packets_total{dev="nsfocus_tun0",dir="tx",status="dropped"}')" 6 \
		"packets_total dropped agrees"
	kill -TERM "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "exit status"
}

case_sigterm_frees_port() {
	pt_start --dev "$DEV" --metrics "$ADDR" || return
	expect_eq "$(status "$URL")" 200 "serving"
	kill -TERM "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "exit status after SIGTERM"
	expect_eq "$(nsx ss -Htln "sport = :$PORT" | wc -l)" 0 "nothing listens on $PORT after exit"
	expect_eq "$(status "$URL")" 000 "connection refused after exit"
	expect_no_dev "$DEV"
	expect_no_bpf_left
	# The port is free at once: a new run binds it.
	pt_start --dev "$DEV" --metrics "$ADDR" || return
	expect_eq "$(status "$URL")" 200 "a new run serves on the same port"
	kill -TERM "$PT_PID"
	pt_wait 10
}

# The capabilities tools/pathtrace@.service bounds the service to are enough.
case_unit_capabilities() {
	local caps
	need_tools setpriv || return
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' tools/pathtrace@.service | tr 'A-Z' 'a-z' |
		sed 's/cap_/+/g; s/ /,/g')
	expect_ok "the unit bounds its capabilities ($caps)" test -n "$caps"
	rm -f "$TMP/ready"
	ip netns exec "$NS" setpriv --bounding-set=-all,"$caps" --inh-caps=-all -- \
		"$PT" --dev "$DEV" --metrics "$ADDR" --ready-file "$TMP/ready" >"$TMP/out" 2>"$TMP/err" &
	PT_PID=$!
	PIDS+=("$PT_PID")
	wait_for_file "$TMP/ready" 20 "$PT_PID" || { fail "no start with the unit's capabilities"; return; }
	ip netns exec "$NS" ping -c 3 -i 0.1 192.0.2.2 >/dev/null 2>&1
	sleep 1.2
	scrape >"$TMP/page"
	expect_eq "$(sample "$TMP/page" 'pathtrace_packets_total{dev="nsfocus_tun0",dir="tx",status="read"}')" 3 \
		"three pings read and exported with the unit's capabilities only"
	kill -TERM "$PT_PID"
	pt_wait 10
	expect_eq "$PT_RC" 0 "exit status"
	expect_no_dev "$DEV"
}

rss_kb() {
	awk '$1 == "VmRSS:" {print $2}' "/proc/$PT_PID/status"
}

case_soak() {
	local i warm end_rss rss_max=0 r reads dropped unread nf sreads w=$((SOAK / 4))
	[ "$w" -ge 1 ] || w=1	# the warm-up: a quarter of the soak
	[ "$SOAK" -gt "$w" ] || { fail "SOAK_SECONDS=$SOAK: too short for a warm-up and a soak"; return; }
	pt_start --dev "$DEV" --metrics "$ADDR" || return
	pings 0.002
	for ((i = 1; i <= SOAK; i++)); do
		sleep 1
		scrape >"$TMP/page.new" || true
		[ -s "$TMP/page.new" ] || fail "scrape $i failed"
		[ -f "$TMP/page" ] && ! never_less "$TMP/page" "$TMP/page.new" >/dev/null &&
			fail "scrape $i: a counter decreased"
		mv "$TMP/page.new" "$TMP/page"
		r=$(rss_kb)
		[ "$i" = "$w" ] && warm=$r
		[ "$i" -gt "$w" ] && [ "$r" -gt "$rss_max" ] && rss_max=$r
	done
	end_rss=$(rss_kb)
	kill "$PING_PID"
	wait "$PING_PID" 2>/dev/null
	sleep 1.5	# the last reads, and a publication after them
	scrape >"$TMP/page"
	echo "  soak ${SOAK}s: RSS ${warm} kB after ${w}s of warm-up, at most ${rss_max} kB, ${end_rss} kB at the end" >&2
	expect_ok "RSS flat: at most ${rss_max} kB after ${warm} kB at warm-up (bound +${RSS_BOUND_KB} kB)" \
		test "$rss_max" -gt 0 -a "$rss_max" -le "$((warm + RSS_BOUND_KB))"
	# The start-up's huge-page span is unmarked once loaded: left marked,
	# khugepaged folds it into 2 MiB pages in its own time (+2 MiB RSS).
	expect_ok "no mapping left marked for huge pages (VmFlags hg)" \
		awk '/^VmFlags:/ { n++; if (/ hg( |$)/) hg++ } END { exit !(n > 0 && !hg) }' \
		"/proc/$PT_PID/smaps"
	kill -TERM "$PT_PID"
	pt_wait 20
	expect_eq "$PT_RC" 0 "exit status"
	# The last scrape equals the summary at exit.
	sreads=$(sed -n 's/^pathtrace: \([0-9]*\) packets read.*/\1/p' "$TMP/err")
	read -r dropped unread nf < <(sed -n 's/.* \([0-9]*\) dropped, \([0-9]*\) unread, [0-9]* samples lost, \([0-9]*\) packets not followed.*/\1 \2 \3/p' "$TMP/err")
	reads=$(sample "$TMP/page" 'pathtrace_packets_total{dev="nsfocus_tun0",dir="tx",status="read"}')
	expect_ok "a soak's worth of reads ($reads)" test "${reads:-0}" -gt $((SOAK * 20))
	expect_eq "$reads" "$sreads" "packets_total read = the summary's reads"
	expect_eq "$(sample "$TMP/page" 'pathtrace_packets_total{dev="nsfocus_tun0",dir="tx",status="dropped"}')" "$dropped" "dropped"
	expect_eq "$(sample "$TMP/page" 'pathtrace_packets_total{dev="nsfocus_tun0",dir="tx",status="unread"}')" "$unread" "unread"
	expect_eq "$(sample "$TMP/page" 'pathtrace_lost_total{dev="nsfocus_tun0",cause="not_followed"}')" "$nf" "not followed"
	expect_eq "$(sample "$TMP/page" 'pathtrace_journey_latency_seconds_count{dev="nsfocus_tun0",dir="tx"}')" "$reads" \
		"a whole-way sample per read"
}

run_cases "${CASES[@]}"
