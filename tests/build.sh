#!/usr/bin/env bash
# A second make rebuilds nothing: a fresh build of what make test needs, in
# a folder of its own, then make -q of the same targets must find nothing
# to do (one case for make all, one for the test binaries).
set -u
cd "$(dirname "$0")/.."
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
helpers=$(ls tests/helpers/*.c | sed "s,tests/helpers/\(.*\)\.c,$d/tests/\1,")
tests="$d/tests/unit-tests $d/tests/unit-tests-san $d/tests/fuzz-packet $helpers
	$d/pathtrace-static $d/tests/udpsend-static"
if ! make -s -j2 OUT="$d" all $tests >"$d/make.log" 2>&1; then
	echo "FAIL build_fresh: make failed: $(tail -3 "$d/make.log" | tr '\n' ' ')"
	exit 0
fi
# A toolchain without libFuzzer leaves no fuzz-packet, only its reason: make
# tries it again each time, by design.
[ -e "$d/tests/fuzz-packet.why" ] && tests=${tests/"$d/tests/fuzz-packet"/}
res() { # name targets...
	local name=$1 todo
	shift
	if make -q OUT="$d" "$@" >/dev/null 2>&1; then
		echo "PASS $name"
	else
		todo=$(make -n OUT="$d" "$@" 2>&1 | grep -v -e '^printf' -e 'is up to date' -e 'Nothing to be done' | head -3 | tr '\n' ' ')
		echo "FAIL $name: a second make would run: $todo"
	fi
}
res second_make_all all
# shellcheck disable=SC2086
res second_make_tests $tests
