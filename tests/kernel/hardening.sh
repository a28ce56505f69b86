#!/usr/bin/env bash
# Hardening on this machine's kernel: least privilege once set up, a BTF
# path that does not exist, a stop signal at every point of the set-up, and
# a whole trace session under valgrind.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

DEV=nsfocus_tun0
CASES=(privileges_dropped btf_path sigint_during_setup valgrind_session)

# A capability set of /proc/PID/status, as hex.
caps() { # pid field
	awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"
}

case_privileges_dropped() {
	local mode
	for mode in --json --hist; do
		pt_start --dev "$DEV" $mode || return
		expect_eq "$(caps "$PT_PID" CapEff)" 0000008000000000 "$mode: effective capabilities once set up: CAP_BPF alone"
		expect_eq "$(caps "$PT_PID" CapPrm)" 0000008000000000 "$mode: permitted capabilities: CAP_BPF alone"
		expect_eq "$(caps "$PT_PID" CapInh)$(caps "$PT_PID" CapAmb)" 00000000000000000000000000000000 "$mode: no inheritable or ambient capability"
		expect_eq "$(awk '$1 == "NoNewPrivs:" {print $2}' "/proc/$PT_PID/status")" 1 "$mode: no_new_privs"
		ip netns exec "$NS" ping -c 2 -i 0.2 -W 1 192.0.2.2 >/dev/null
		sleep 0.2
		kill -INT "$PT_PID"
		pt_wait 10
		expect_eq "$PT_RC" 0 "$mode: exit status"
		# What needs the maps after the drop: the counters, and --hist's histograms.
		expect_ok "$mode: summary read from the maps: $(tail -1 "$TMP/err")" grep -q "2 packets read.* 0 still in flight" "$TMP/err"
		expect_no_dev "$DEV"
	done
	expect_ok "--hist printed its histograms" grep -q "syscall -> route" "$TMP/out"
	expect_no_bpf_left
}

case_btf_path() {
	nsx "$PT" --dev "$DEV" --btf /nonexistent/vmlinux.btf >"$TMP/out" 2>"$TMP/err"
	expect_eq "$?" 1 "exit status with a BTF path that does not exist"
	expect_eq "$(cat "$TMP/err")" "pathtrace: cannot read BTF from /nonexistent/vmlinux.btf: No such file or directory" "message"
	expect_no_dev "$DEV"
	expect_no_bpf_left
	# The kernel's own BTF, named: works as without the option.
	pt_start --dev "$DEV" --btf /sys/kernel/btf/vmlinux --json -c 1 || return
	ip netns exec "$NS" ping -c 1 -W 1 192.0.2.2 >/dev/null
	pt_wait 10
	expect_eq "$PT_RC" 0 "exit status with --btf /sys/kernel/btf/vmlinux"
	expect_eq "$(jq -s 'length' "$TMP/out")" 1 "journeys"
	expect_no_bpf_left
}

# SIGINT at points spread over the set-up (device, BPF load, attach) and
# after it, each once pathtrace has blocked the signal (its first step;
# before that, bash would take the child's death by SIGINT as its own): a
# clean exit 0 each time, and nothing left behind.
case_sigint_during_setup() {
	local d pid rc i early=0
	for d in 0 0.005 0.02 0.05 0.1 0.2 0.4 0.8; do
		# (bash starts background commands with SIGINT ignored: undone here)
		ip netns exec "$NS" env --default-signal=INT "$PT" --dev "$DEV" --json \
			>"$TMP/out" 2>"$TMP/err" &
		pid=$!
		for ((i = 0; i < 400; i++)); do
			[ $((0x$(awk '$1 == "SigBlk:" {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0) & 2)) = 2 ] &&
				[ "$(readlink "/proc/$pid/exe")" = "$(readlink -f "$PT")" ] && break
			sleep 0.005
		done
		sleep "$d"
		kill -INT "$pid"
		wait "$pid"
		rc=$?
		expect_eq "$rc" 0 "exit status, SIGINT ${d}s after the signal was blocked: $(tail -1 "$TMP/err")"
		grep -q "interrupted during set-up" "$TMP/err" && early=$((early + 1))
		expect_no_dev "$DEV"
		expect_no_bpf_left
	done
	[ "$early" -gt 0 ] || fail "no SIGINT landed during the set-up (delays too long for this machine?)"
}

case_valgrind_session() {
	if ! command -v valgrind >/dev/null; then
		T_SKIP="valgrind not installed (run tools/setup.sh)"
		return
	fi
	rm -f "$TMP/ready"
	ip netns exec "$NS" valgrind --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		--suppressions=tests/valgrind.supp \
		--log-file="$TMP/vg" "$PT" --dev "$DEV" --echo --json -c 3 \
		--ready-file "$TMP/ready" >"$TMP/out" 2>"$TMP/err" &
	PT_PID=$!
	PIDS+=("$PT_PID")
	if ! wait_for_file "$TMP/ready" 120 "$PT_PID"; then
		fail "pathtrace under valgrind did not become ready: $(tail -3 "$TMP/vg" | tr '\n' ' ')"
		return
	fi
	ip netns exec "$NS" ping -c 3 -i 0.3 -W 2 192.0.2.2 >/dev/null
	pt_wait 60
	expect_eq "$PT_RC" 0 "exit status under valgrind (99: valgrind found errors)"
	expect_eq "$(jq -s '[.[] | select(.status == "read" or .status == "received")] | length' "$TMP/out")" 6 "journeys out and in"
	expect_ok "no error: $(grep 'ERROR SUMMARY' "$TMP/vg")" grep -q "ERROR SUMMARY: 0 errors" "$TMP/vg"
	expect_ok "no leak: $(grep -E 'definitely lost|indirectly lost' "$TMP/vg" | tr '\n' ' ')" \
		sh -c "! grep -qE '(definitely|indirectly) lost: [1-9]' '$TMP/vg'"
	expect_no_dev "$DEV"
	expect_no_bpf_left
}

run_cases "${CASES[@]}"
