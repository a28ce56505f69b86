# SPDX-License-Identifier: GPL-2.0
# Start-up and exit (issue 20), sourced by bench/run.sh after its other
# steps (STARTUP=0 skips it): pathtrace --dev nsfocus_tun0 in a namespace
# of its own, three pings through the device, SIGINT; STARTUP_RUNS times
# (default 5) in each mode, journeys and --hist, one after the other.
#   attach   from the exec of pathtrace to its ready file (the file's mtime)
#   detach   from SIGINT to the exit seen by wait
#   peak     VmHWM of /proc/PID/status just before the SIGINT
# Medians against issue 20's targets: attach + detach under 150 ms, peak
# RSS under 16 MB (MiB here). With PATHTRACE_TIMING set, pathtrace itself
# says when each phase ended (user/util.h): the medians of those phases
# are the breakdown (reading its own status at each costs well under 1 ms).

STARTUP_RUNS=${STARTUP_RUNS:-5}
NSS=$NS-s
STDEV=nsfocus_tun0

ip netns add "$NSS" || die "cannot make netns $NSS"
ip netns exec "$NSS" ip link set lo up

# The phases, in the order pathtrace marks them: "name<tab>mark it ends at".
PHASES='exec to main	main
device made	device opened
kernel BTF read	kernel btf indexed
features probed	kernel probed
object opened	object opened
load and verify	loaded
attach	attached
ring and ready	ready
SIGINT seen	stopping
device removed, records read	device closed, records read
detach and unload	tracer closed
exit	EXIT'

# One run: "attach_ms detach_ms peak_kB" and the phases' ms (in PHASES'
# order, tab-separated) on a second line.
startup_run() {
	local mode=$1 args=(--dev $STDEV --ready-file "$TMP/sready") pid tr t1 t2 hwm rc
	[ "$mode" = hist ] && args+=(--hist)
	rm -f "$TMP/sready" "$TMP/st0"
	PATHTRACE_TIMING=1 ip netns exec "$NSS" bash -c 'echo "${EPOCHREALTIME/./}" >"$0"; exec "$@"' \
		"$TMP/st0" "$PT" "${args[@]}" >/dev/null 2>"$TMP/st.err" &
	pid=$!
	PIDS+=("$pid")
	wait_file "$TMP/sready" "$pid" || die "startup: pathtrace did not start: $(cat "$TMP/st.err")"
	tr=$(stat -c %.9Y "$TMP/sready" | tr -d .)	# (the file goes at exit)
	ip netns exec "$NSS" ping -c 3 -i 0.2 -W 1 192.0.2.2 >/dev/null
	hwm=$(awk '$1 == "VmHWM:" {print $2}' "/proc/$pid/status")
	t1=${EPOCHREALTIME/./}
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	t2=${EPOCHREALTIME/./}
	PIDS=()
	[ -n "$tr" ] && [ -n "$hwm" ] || die "startup: no ready file time or no VmHWM for pathtrace $mode"
	[ "$rc" = 0 ] || die "startup: pathtrace $mode exited $rc: $(cat "$TMP/st.err")"
	grep -q '3 packets read' "$TMP/st.err" || die "startup: pathtrace $mode did not read the 3 pings: $(tail -1 "$TMP/st.err")"
	# exec (us), the ready file (ns), SIGINT and the exit (us)
	awk -v t0="$(<"$TMP/st0")" -v tr="$tr" -v t1="$t1" -v t2="$t2" \
		-v hwm="$hwm" -v phases="$PHASES" '
		/^pathtrace: timing:/ {
			at = $NF / 1000	# us
			sub(/^pathtrace: timing: +[0-9.]+ ms /, ""); sub(/ +rss .*/, "")
			if (!($0 in mark)) mark[$0] = at
		}
		END {
			printf "%.3f %.3f %d\n", (tr / 1000 - t0) / 1000, (t2 - t1) / 1000, hwm
			mark["EXIT"] = t2
			n = split(phases, ph, "\n"); prev = t0; out = ""
			for (i = 1; i <= n; i++) {
				split(ph[i], f, "\t")
				if (f[2] == "stopping") prev = t1	# the wait between is the pings
				if (!(f[2] in mark)) { out = out (i > 1 ? "\t" : "") "-"; continue }
				out = out sprintf("%s%.1f", i > 1 ? "\t" : "", (mark[f[2]] - prev) / 1000)
				prev = mark[f[2]]
			}
			print out
		}' "$TMP/st.err"
}

for ((r = 1; r <= STARTUP_RUNS; r++)); do
	for m in journey hist; do
		startup_run $m >"$TMP/sres"
		read -r a d k <"$TMP/sres"
		echo "$m $r $a $d $k|$(sed -n 2p "$TMP/sres")" >>"$TMP/startup"
		echo "bench: startup $m run $r: attach ${a} ms, detach ${d} ms, peak ${k} kB" >&2
	done
done
ip netns del "$NSS"

awk -v runs="$STARTUP_RUNS" -v phases="$PHASES" -v json="$TMP/startup.json" '
	function med(arr, m,   i, j, t, v) {
		for (i = 1; i <= m; i++) v[i] = arr[i]
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		return (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
	}
	{
		split($0, part, "|"); split(part[1], f, " ")
		m = f[1]; k = ++n[m]
		at[m, k] = f[3]; de[m, k] = f[4]; to[m, k] = f[3] + f[4]; pk[m, k] = f[5] / 1024
		np2 = split(part[2], p, "\t")
		for (i = 1; i <= np2; i++) ph[m, i, k] = p[i]
	}
	END {
		np = split(phases, pn, "\n")
		printf "\nstart-up and exit, tracing three pings (median of %d runs each)\n", runs
		printf "%-8s %9s %9s %9s %8s %9s %8s\n", "mode", "attach ms", "detach ms", "total ms", "< 150", "peak MiB", "< 16"
		printf "{\"startup\":{\"runs\":%d,\"target_ms\":150,\"target_peak_mib\":16", runs > json
		for (mi = 1; mi <= 2; mi++) {
			m = mi == 1 ? "journey" : "hist"
			if (!n[m]) continue
			for (k = 1; k <= n[m]; k++) { a[k] = at[m, k]; d[k] = de[m, k]; t[k] = to[m, k]; q[k] = pk[m, k] }
			ma = med(a, n[m]); md = med(d, n[m]); mt = med(t, n[m]); mq = med(q, n[m])
			printf "%-8s %9.1f %9.1f %9.1f %8s %9.1f %8s\n", m, ma, md, mt, mt < 150 ? "met" : "not met",
				mq, mq < 16 ? "met" : "not met"
			printf ",\"%s\":{\"attach_ms\":%.1f,\"detach_ms\":%.1f,\"total_ms\":%.1f,\"met_ms\":%s,\"peak_mib\":%.2f,\"met_peak\":%s,\"phases_ms\":{",
				m, ma, md, mt, (mt < 150 ? "true" : "false"), mq, (mq < 16 ? "true" : "false") > json
			line = ""
			for (i = 1; i <= np; i++) {
				split(pn[i], f, "\t"); c = 0
				for (k = 1; k <= n[m]; k++) if (ph[m, i, k] != "-") v[++c] = ph[m, i, k]
				x = c ? sprintf("%.1f", med(v, c)) : "null"	# null: not marked
				line = line sprintf("%s%s %s", i > 1 ? ", " : "", f[1], x == "null" ? "-" : x)
				printf "%s\"%s\":%s", (i > 1 ? "," : ""), f[1], x > json
			}
			printf "}}" > json
			printf "  %s phases (ms): %s\n", m, line
		}
		print "}}" > json
	}' "$TMP/startup"
jq -c --slurpfile s "$TMP/startup.json" '. + $s[0]' "$OUT/bench.json" >"$TMP/bench.json" &&
	mv "$TMP/bench.json" "$OUT/bench.json"
echo "bench: added start-up and exit to $OUT/bench.json" >&2
