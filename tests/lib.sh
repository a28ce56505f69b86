# shellcheck shell=bash
# Helpers for the kernel tests: each case runs in a network namespace of
# its own, made and removed here; every process a case starts is ended by
# PID. Output protocol, one line per case: PASS name | FAIL name: why |
# SKIP name: why.

OUT=${OUT:-build}
PT=${PT:-$OUT/pathtrace}
HELPERS=${HELPERS:-$OUT/tests}

# Names of pathtrace's BPF programs as the kernel keeps them (15 bytes),
# from the skeleton.
PT_PROG_NAMES=$(sed -n 's/^[[:space:]]*struct bpf_program \*\([a-z0-9_]*\);$/\1/p' \
	"$OUT/pathtrace.skel.h" 2>/dev/null | cut -c1-15 | sort -u | tr '\n' ' ')

# A ping's way out on this kind of host, in order: what the tracepoints see,
# ip, from netfilter's POST_ROUTING link (Linux 6.4+), and xmit, from the
# packet-socket tap (journeys only).
PING_STAGES='syscall route ip queue xmit driver copy user'
# An unconnected UDP send's: l4 too, from the cgroup sendmsg4/6 hooks.
UDP_STAGES='syscall l4 route ip queue xmit driver copy user'

fail() {
	T_FAILS+=("$*")
}

expect_eq() { # got want what
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

expect_ok() { # what cmd...
	local what=$1
	shift
	"$@" || fail "$what"
}

# Runs a command in the case's netns. In the background, write
# `ip netns exec "$NS" cmd &` instead: ip execs the command, so $! is its
# PID (a function would put a subshell in between).
nsx() {
	ip netns exec "$NS" "$@"
}

wait_for_file() { # file seconds pid: until the file exists or pid exits
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		[ -e "$1" ] && return 0
		[ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null && return 1
		sleep 0.05
	done
	return 1
}

# pt_start ARGS...: pathtrace in the case's netns, waiting until it is live.
pt_start() {
	rm -f "$TMP/ready"
	ip netns exec "$NS" "$PT" --ready-file "$TMP/ready" "$@" >"$TMP/out" 2>"$TMP/err" &
	PT_PID=$!
	PIDS+=("$PT_PID")
	if ! wait_for_file "$TMP/ready" 20 "$PT_PID"; then
		fail "pathtrace did not become ready: $(tr '\n' ' ' <"$TMP/err")"
		return 1
	fi
}

# ping_answered COUNT DEST: COUNT pings to DEST from the case's namespace
# while pathtrace runs, then pt_wait; expects every reply. PING_PID: ping's
# pid (the journeys' sender), its output in $TMP/ping.
ping_answered() { # count dest
	ip netns exec "$NS" ping -c "$1" -i 0.2 -W 2 "$2" >"$TMP/ping" 2>&1 &
	PING_PID=$!
	PIDS+=("$PING_PID")
	pt_wait 20
	wait "$PING_PID"
	expect_eq "$?" 0 "ping's exit status (all replies came): $(tail -2 "$TMP/ping" | head -1)"
}

# pt_wait [seconds]: until pathtrace exits; PT_RC is its status.
pt_wait() {
	local i
	for ((i = 0; i < ${1:-20} * 20; i++)); do
		kill -0 "$PT_PID" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$PT_PID" 2>/dev/null; then
		fail "pathtrace still running after ${1:-20}s: killed"
		kill -9 "$PT_PID" 2>/dev/null
	fi
	wait "$PT_PID" 2>/dev/null	# (bash's own "Killed" line after a kill -9)
	PT_RC=$?
	split_summary
}

# --json's last object, the summary, from $TMP/out into $TMP/summary: the
# cases read journeys (or intervals) from $TMP/out.
split_summary() {
	[ -f "$TMP/out" ] || return 0
	grep '^{"summary":' "$TMP/out" >"$TMP/summary"
	grep -v '^{"summary":' "$TMP/out" >"$TMP/out.j"
	mv "$TMP/out.j" "$TMP/out"
}

# The summary of a --json run ($TMP/summary, its journeys $TMP/out) counts
# nothing unjoined; if it does, the first two say which.
# A read may lack its kernel record only for a packet the kernel hid at
# the driver (summary lost.driver_unseen: it ran the tap, not the
# tracepoints), one such read per hidden packet at most.
expect_nothing_unjoined() {
	local n
	n=$(jq '.summary | .journeys.unjoined_kernel + ([.journeys.unjoined_reads - .lost.driver_unseen, 0] | max)' "$TMP/summary")
	[ "$n" = 0 ] || n="$n (program runs the kernel skipped: $(jq '.summary.lost.runs_skipped' "$TMP/summary"), unseen at the driver: $(jq '.summary.lost.driver_unseen' "$TMP/summary")): $(jq -c 'select(.status == "unjoined") | del(.stages)' "$TMP/out" | head -2 | cut -c1-600)"
	expect_eq "$n" 0 "nothing unjoined (but reads of packets the kernel hid at the driver)"
}

# What must hold after any run: no program of pathtrace's left loaded. The
# kernel frees a released program asynchronously: allow it 3 seconds.
expect_no_bpf_left() {
	local left name i
	for ((i = 0; i < 30; i++)); do
		left=$(bpftool -j prog show 2>/dev/null | jq -r '.[].name // empty') || true
		for name in $PT_PROG_NAMES; do
			grep -qx "$name" <<<"$left" && break
			name=
		done
		[ -z "$name" ] && return 0
		sleep 0.1
	done
	fail "BPF program $name still loaded 3s after pathtrace exited"
}

expect_no_dev() { # name
	if nsx ip link show "$1" >/dev/null 2>&1; then
		fail "device $1 still exists after pathtrace exited"
	fi
}

case_setup() {
	T_FAILS=()
	PIDS=()
	MORE_NS=()	# other namespaces a case made (netns_add): removed too
	NS=pt-test-$$-$RANDOM
	TMP=$(mktemp -d)
	ip netns add "$NS"
	nsx ip link set lo up
}

case_teardown() {
	local p
	for p in "${PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	for p in "${MORE_NS[@]}"; do
		ip netns del "$p" 2>/dev/null
	done
	rm -rf "$TMP"
}

# netns_add VAR: another namespace for the case, its name in VAR, lo up;
# removed with the case's own.
netns_add() {
	local n=pt-test-$$-$RANDOM
	ip netns add "$n" || return 1
	MORE_NS+=("$n")
	ip -n "$n" link set lo up
	printf -v "$1" %s "$n"
}

# run_case NAME: runs function NAME in a subshell with its own netns.
run_case() {
	local name=$1
	(
		case_setup
		trap case_teardown EXIT
		"$name"
		if [ "${T_SKIP:-}" ]; then
			echo "SKIP $name: $T_SKIP"
		elif [ ${#T_FAILS[@]} -eq 0 ]; then
			echo "PASS $name"
		else
			local f
			for f in "${T_FAILS[@]}"; do
				printf '  %s\n' "$f"
			done
			if [ -s "$TMP/err" ]; then
				echo "  pathtrace stderr:"
				sed 's/^/    /' "$TMP/err" | head -20
			fi
			echo "FAIL $name: ${T_FAILS[0]}"
		fi
	)
}

# kernel_prereqs: why kernel tests cannot run here, or nothing.
kernel_prereqs() {
	[ "$(id -u)" = 0 ] || { echo "not root"; return; }
	[ -r /sys/kernel/btf/vmlinux ] || { echo "kernel has no BTF"; return; }
	[ -c /dev/net/tun ] || { echo "no /dev/net/tun"; return; }
	local c
	for c in ip jq bpftool ping; do
		command -v "$c" >/dev/null || { echo "$c not installed (run tools/setup.sh)"; return; }
	done
	[ -x "$PT" ] || { echo "$PT not built"; return; }
}

# run_cases NAME...: each case_NAME in its own netns, or each skipped with
# the reason kernel tests cannot run here.
run_cases() {
	local why c
	why=$(kernel_prereqs)
	for c in "$@"; do
		if [ -n "$why" ]; then
			echo "SKIP $c: $why"
		else
			run_case "case_$c"
		fi
	done
}
