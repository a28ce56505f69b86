#!/usr/bin/env bash
# The classic TUN experiment, traced: in a throw-away network namespace,
# pathtrace creates nsfocus_tun0 (192.0.2.1/24) and reads it while ping
# sends three echo requests to 192.0.2.2 through it.
set -euo pipefail
PT=${1:-build/pathtrace}
NS=pt-demo-$$
TMP=$(mktemp -d)

cleanup() {
	[ -n "${PT_PID:-}" ] && kill "$PT_PID" 2>/dev/null && wait "$PT_PID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

ip netns add "$NS"
ip netns exec "$NS" "$PT" --dev nsfocus_tun0 -c 3 --ready-file "$TMP/ready" &
PT_PID=$!
for _ in $(seq 200); do
	[ -e "$TMP/ready" ] && break
	kill -0 "$PT_PID" 2>/dev/null || { wait "$PT_PID"; exit 1; }
	sleep 0.05
done
[ -e "$TMP/ready" ] || { echo "demo: pathtrace did not start" >&2; exit 1; }
echo "demo: ping -c 3 192.0.2.2 (through nsfocus_tun0, in netns $NS)" >&2
ip netns exec "$NS" ping -c 3 -i 0.5 -W 1 192.0.2.2 >/dev/null || true
wait "$PT_PID"
PT_PID=
