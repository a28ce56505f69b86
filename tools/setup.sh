#!/usr/bin/env bash
# Set-up on a fresh Debian 12 / Ubuntu machine, as root: installs the
# Debian packages pathtrace needs that are missing, builds, then runs the
# make target given, if any:
#
#   bash tools/setup.sh demo    # the classroom TUN demo
#   bash tools/setup.sh test    # every test
#
# Why each package: clang/llvm build the BPF programs; libbpf-dev, libelf-dev
# and zlib1g-dev are libbpf and what it links with; bpftool generates
# vmlinux.h and the skeleton (and the tests use it to check nothing is left
# loaded); gcc, make, pkg-config build the binary; iproute2 and iputils-ping
# make the namespaces and the traffic of the demo and tests; jq reads the
# JSON the tests check; qemu-system-x86 and busybox-static boot Debian's
# kernels for the VM test (tests/vm), where fentry and kprobe are tested;
# tshark reads back the pcapng files pathtrace writes (-w), comments included;
# bpftrace is what the benchmark (make bench) compares pathtrace against;
# valgrind checks a whole trace session for leaks and invalid accesses
# (tests/kernel/hardening.sh); libpcap-dev: pathtrace compiles filter
# expressions with libpcap, as tcpdump does; tcpdump: the filter tests
# compare against tcpdump -r (tests/kernel/filter.sh); chromium renders
# --report's HTML headless and strace shows a refused filter made no bpf()
# call; socat is the real UDP and TCP server behind --relay
# (tests/kernel/relay.sh) (tests only: `setup.sh test` installs them, the
# demo needs none of them); libmicrohttpd-dev: --metrics' HTTP server (a
# maintained HTTP/1.1 implementation with connection, memory and time
# limits, rather than a parser of our own; Debian's, LGPL); prometheus (with
# promtool) and curl: the metrics tests run a real Prometheus that scrapes
# pathtrace, lint the page and query it (tests only). The sanitizers and
# libFuzzer come with gcc and clang.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(make gcc libc6-dev pkg-config clang llvm libbpf-dev bpftool libelf-dev
      zlib1g-dev iproute2 iputils-ping jq qemu-system-x86 busybox-static tshark
      bpftrace valgrind libpcap-dev tcpdump libmicrohttpd-dev)
[ "${1:-}" = test ] && PKGS+=(chromium strace socat prometheus curl)

if [ "$(id -u)" != 0 ]; then
	echo "setup: run as root (it installs packages; pathtrace needs root)" >&2
	exit 1
fi

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o APT::Sandbox::User=root update -qq
	apt-get -o APT::Sandbox::User=root install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
fi

make -j"$(nproc)"
if [ $# -gt 0 ]; then
	exec make "$@"
fi
