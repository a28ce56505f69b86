#!/usr/bin/env bash
# The VM test: boots Debian's own kernels (Debian 11's 5.10, Debian 12's 6.1
# and 6.12) under QEMU with software emulation and runs pathtrace's core
# journeys inside each, per backend (fentry, kprobe, tracepoint, auto; RUNS
# below says which cases where): the host kernel allows only tracepoints,
# so this is where fentry and kprobe are proven, and 5.10 is where the
# oldest BPF pathtrace supports is (no module BTF, bpf_task_pt_regs,
# bpf_get_func_ip, compare-and-swap, kfree_skb's reason, netfilter links).
# Guests run PT_VM_JOBS at a time, each on one host thread (TCG): on two
# cores the whole run must stay under 8 minutes (issue 18), which is why
# 5.10 runs the core cases only (fentry two of them) and auto, fentry's
# twin on 6.1 and 6.12, one case there.
#
# Each guest boots an initramfs made here (busybox-static, /init, the static
# pathtrace, udpsend, tunwire and tcpup, the kernel's tun module, guest.sh) with no network
# (-nic none): its traffic only reaches its own TUN device. The guest's
# result lines carry a "PTVM " marker; they are turned into the suite's
# PASS/FAIL/SKIP protocol here, and a case the guest never reported (crash,
# timeout) fails with the end of the console log. The console logs are kept
# as $OUT/tests/vm-<release>.log.
#
# Environment: PT_VM_CACHE (kernels, default /var/cache/pathtrace-vm),
# PT_VM_TIMEOUT (seconds per boot, default 300), PT_VM_JOBS (guests booted
# at once, default 2), PT_VM_SUMMARY=0 (no closing "tests:" line; for
# tests/run.sh); for a shorter loop while working on one kernel,
# PT_VM_KERNELS (the labels to boot, e.g. '5.10'; the others are not
# reported) and PT_VM_RUNS (what each runs instead of RUNS, e.g.
# 'kprobe:ping,tcp').
set -u
cd "$(dirname "$0")/../.." || exit
OUT=${OUT:-build}
. tests/vm/kernel.sh

CASES='ping udp hist tap echo echo6 filter demo tcp relay'
CORE='ping,udp,hist,tap,echo,tcp'
# Per kernel: a label, the Debian suite to fetch it from through a private
# apt state ('-': the machine's own package lists), the kernel
# configuration it must have beyond kernel.sh's VM_KCONFIG, then the meta
# packages to take it from, best first (cloud kernels are smaller and boot
# faster).
KERNELS=('5.10 bullseye linux-image-cloud-amd64'
	'6.1 - CONFIG_DEBUG_INFO_BTF_MODULES=y linux-image-cloud-amd64 linux-image-amd64'
	'6.12 - CONFIG_DEBUG_INFO_BTF_MODULES=y linux-image-6.12-cloud-amd64 linux-image-6.12-amd64')
# Per kernel label, what its guest runs: BACKEND:CASE,CASE... (a backend
# alone: every case). auto picks fentry where the kernel has it: on 6.1
# and 6.12 that is fentry's run again, so one case proves the pick; 5.10
# (no module BTF: tun's hooks fall to kprobes) runs the core cases on the
# mixed ladder, on kprobes and on tracepoints, and fentry alone (tun's
# hooks unseen or on tracepoints) both ways. Every case passed there too
# when this was written; they cost more minutes than they buy.
declare -A RUNS=(
	[5.10]="kprobe:$CORE tracepoint:$CORE auto:$CORE fentry:ping,echo"
	[6.1]='fentry kprobe tracepoint auto:ping'
	[6.12]='fentry kprobe tracepoint auto:ping')
PT_VM_TIMEOUT=${PT_VM_TIMEOUT:-300}
PT_VM_JOBS=${PT_VM_JOBS:-2}
BUSYBOX=${BUSYBOX:-/bin/busybox}

pass=0 fail=0 skip=0
result() { # a PASS/FAIL/SKIP line, tallied
	printf '%s\n' "$1"
	case $1 in
	PASS\ *) pass=$((pass + 1)) ;;
	FAIL\ *) fail=$((fail + 1)) ;;
	SKIP\ *) skip=$((skip + 1)) ;;
	esac
}

case_names() { # label runs: every case's name on it, in the guest's order
	local run c
	for run in $2; do
		for c in $(run_cases "$run"); do
			echo "vm/$1/${run%%:*}/$c"
		done
	done
}

run_cases() { # BACKEND[:CASE,...]: its cases
	case $1 in
	*:*) echo "${1#*:}" | tr , ' ' ;;
	*) echo "$CASES" ;;
	esac
}

# prereqs: why no guest can run here, or nothing.
prereqs() {
	[ "$(id -u)" = 0 ] || { echo "not root (the initramfs needs a device node)"; return; }
	local c
	for c in qemu-system-x86_64 apt-get apt-cache dpkg-deb gzip timeout; do
		command -v "$c" >/dev/null || { echo "$c not installed (run tools/setup.sh)"; return; }
	done
	if [ ! -x "$BUSYBOX" ] || ldd "$BUSYBOX" >/dev/null 2>&1; then
		echo "no static $BUSYBOX (install busybox-static: run tools/setup.sh)"
		return
	fi
	for c in "$OUT/pathtrace-static" "$OUT"/tests/{udpsend,tunwire,tcpup}-static; do
		[ -x "$c" ] || { echo "$c not built (make test-vm)"; return; }
	done
}

# initrd DIR RUNS: DIR/initrd.gz for the kernel in KDIR, named KREL, to
# run RUNS.
initrd() {
	local r=$1/root
	mkdir -p "$r"/bin "$r"/dev "$r"/proc "$r"/sys "$r"/tmp "$r"/lib/modules
	cp "$BUSYBOX" "$r/bin/busybox"
	cp "$OUT/pathtrace-static" "$r/bin/pathtrace"
	cp "$OUT/tests/udpsend-static" "$r/bin/udpsend"
	cp "$OUT/tests/tunwire-static" "$r/bin/tunwire"
	cp "$OUT/tests/tcpup-static" "$r/bin/tcpup"
	cp "$KDIR"/tun.ko* "$r/lib/modules/"
	cp tests/vm/init "$r/init"
	cp tests/vm/guest.sh "$r/guest.sh"
	chmod 0755 "$r/init"
	# A kernel with fprobe offers kprobe.multi: the kprobe backend must use it.
	local kmulti=0
	grep -qx 'CONFIG_FPROBE=y' "$KDIR/config" && kmulti=1
	printf "LABEL='%s'\nRUNS='%s'\nCASES='%s'\nKMULTI=%s\n" "$KREL" "$2" \
		"$CASES" "$kmulti" >"$r/ptvm.conf"
	# Without a console node the kernel has nowhere to print init's output.
	mknod "$r/dev/console" c 5 1 &&
		(cd "$r" && find . | "$BUSYBOX" cpio -o -H newc 2>/dev/null) | gzip >"$1/initrd.gz"
}

# console < RAW > TEXT: the console log without \r and terminal escapes
# (the firmware's and the kernel's screen resets start lines with them).
console() {
	sed -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1b[A-Za-z]//g'
}

# report LABEL RUNS LOG RC: the guest's results as PASS/FAIL/SKIP lines,
# and a FAIL for each case it did not report.
report() {
	local label=$1 runs=$2 log=$3 rc=$4 line rest name n=0 why
	local -A want=() seen=()
	for name in $(case_names "$label" "$runs"); do
		want[$name]=1
	done
	while IFS= read -r line; do
		case $line in
		'PTVM '*) rest=${line#PTVM } ;;
		*) continue ;;
		esac
		case $rest in
		PASS\ * | FAIL\ * | SKIP\ *)
			name=${rest#* }
			name=${name%%:*}
			if [ -n "${want[$name]:-}" ] && [ -z "${seen[$name]:-}" ]; then
				seen[$name]=1
				n=$((n + 1))
				result "$rest"
			else
				echo "  (ignored guest line: $rest)"
			fi
			;;
		*) printf '%s\n' "$rest" ;;
		esac
	done <"$log"
	[ "$n" = "${#want[@]}" ] && return
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		why="qemu timed out after ${PT_VM_TIMEOUT}s"
	elif grep -q 'Kernel panic' "$log"; then
		why=$(grep -m1 'Kernel panic' "$log" | sed 's/^\[ *[0-9.]*\] *//')
	elif ! grep -q '^PTVM ' "$log"; then
		why="the guest printed nothing (qemu exit $rc)"
	else
		why="the guest stopped after $n of ${#want[@]} results (qemu exit $rc)"
	fi
	# A panic's cause is its first oops, often far above the last lines.
	if grep -qE 'Oops|BUG:|WARNING:' "$log"; then
		echo "  the first oops or warning ($log):"
		grep -m1 -A24 -E 'Oops|BUG:|WARNING:' "$log" | sed 's/^/  /'
	fi
	echo "  last 20 console lines ($log):"
	tail -20 "$log" | sed 's/^/  /'
	for name in $(case_names "$label" "$runs"); do
		[ -n "${seen[$name]:-}" ] || result "FAIL $name: no result: $why"
	done
}

TMP=$(mktemp -d /tmp/pathtrace-vm.XXXXXX)
QEMU_PIDS=()
cleanup() {
	local p
	for p in "${QEMU_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$TMP" ${VM_FETCH_TMP:+"$VM_FETCH_TMP"}
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

why=$(prereqs)
# Per kernel: LABEL[i], and either a guest booted in DIR[i] or WHY[i] it
# was not, with the verdict VERB[i] for all its cases.
LABEL=() WHY=() VERB=() DIR=() RC=() KRUNS=()
for i in "${!KERNELS[@]}"; do
	read -ra metas <<<"${KERNELS[i]}"
	label=${metas[0]}
	case " ${PT_VM_KERNELS:-$label} " in
	*" $label "*) ;;
	*) WHY[i]=unselected VERB[i]=NONE; continue ;;
	esac
	KRUNS[i]=${PT_VM_RUNS:-${RUNS[$label]}}
	NEEDS=
	set -- "${metas[@]:2}"
	while [ "${1#CONFIG_}" != "$1" ]; do
		NEEDS+=" $1"
		shift
	done
	if ! vm_suite "${metas[1]}"; then
		LABEL[i]=$label WHY[i]=$KWHY VERB[i]=SKIP
	elif [ -n "$why" ]; then
		vm_resolve "$1"
		LABEL[i]=${KREL:-$label} WHY[i]=$why VERB[i]=SKIP
	elif ! vm_fetch "$@"; then
		LABEL[i]=${KREL:-$label} WHY[i]=$KWHY VERB[i]=SKIP
	else
		LABEL[i]=$KREL DIR[i]=$TMP/$i
		mkdir -p "${DIR[i]}"
		cp "$KDIR/vmlinuz" "${DIR[i]}/vmlinuz"
		initrd "${DIR[i]}" "${KRUNS[i]}" || WHY[i]="cannot make the initramfs" VERB[i]=FAIL
	fi
done

# Boot PT_VM_JOBS guests at a time, each on one host thread: with a thread
# per guest CPU (multi-threaded TCG) a CPU can run code another has just
# patched (a tracepoint's static key flipped as pathtrace attaches) before
# it sees the patch, and the guest died of an int3 left over from the
# patching ("Oops: int3" in syscall_trace_enter), once in a CI run.
boot() { # i
	echo "  vm: booting ${LABEL[$1]} (log: $OUT/tests/vm-${LABEL[$1]}.log)"
	timeout -k 10 "$PT_VM_TIMEOUT" qemu-system-x86_64 -M pc -accel tcg,thread=single -cpu max \
		-m 1G -smp 2 -nographic -no-reboot -nic none \
		-kernel "${DIR[$1]}/vmlinuz" -initrd "${DIR[$1]}/initrd.gz" \
		-append 'console=ttyS0 quiet panic=-1 softlockup_panic=1' \
		</dev/null >"${DIR[$1]}/console.log" 2>&1 &
	QEMU_PIDS[$1]=$!
}
# A guest is booted as soon as a slot frees.
declare -A BOOTED=() # qemu's pid: the kernel's index
reap() { # one guest's end
	local pid
	wait -n -p pid "${!BOOTED[@]}"
	RC[${BOOTED[$pid]}]=$?
	unset "BOOTED[$pid]"
}
for i in "${!KERNELS[@]}"; do
	[ -z "${WHY[i]:-}" ] || continue
	[ "${#BOOTED[@]}" -lt "$PT_VM_JOBS" ] || reap
	boot "$i"
	BOOTED[${QEMU_PIDS[i]}]=$i
done
while [ "${#BOOTED[@]}" -gt 0 ]; do
	reap
done
QEMU_PIDS=()

# Seen once in about ten runs: the 6.1 guest soft-locks both emulated CPUs
# while a BPF trampoline is patched in under TCG. The guest panics at once
# (softlockup_panic=1) instead of hanging until the timeout; such a guest
# is booted once more, and says so. Its first log stays beside the second.
for i in "${!KERNELS[@]}"; do
	[ -z "${WHY[i]:-}" ] && grep -q 'soft lockup' "${DIR[i]}/console.log" 2>/dev/null || continue
	echo "  vm: ${LABEL[i]}: the guest soft-locked (log: $OUT/tests/vm-${LABEL[i]}.lockup.log); booting it once more"
	mkdir -p "$OUT/tests"
	console <"${DIR[i]}/console.log" >"$OUT/tests/vm-${LABEL[i]}.lockup.log"
	boot "$i"
	wait "${QEMU_PIDS[i]}"
	RC[i]=$?
done
QEMU_PIDS=()

for i in "${!KERNELS[@]}"; do
	if [ -n "${WHY[i]:-}" ]; then
		[ "${VERB[i]}" != NONE ] || continue
		for name in $(case_names "${LABEL[i]}" "${KRUNS[i]}"); do
			result "${VERB[i]} $name: ${WHY[i]}"
		done
		continue
	fi
	log=$OUT/tests/vm-${LABEL[i]}.log
	mkdir -p "$OUT/tests"
	console <"${DIR[i]}/console.log" >"$log"
	report "${LABEL[i]}" "${KRUNS[i]}" "$log" "${RC[i]}"
done

[ "${PT_VM_SUMMARY:-1}" = 0 ] || echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
