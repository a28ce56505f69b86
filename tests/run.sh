#!/usr/bin/env bash
# Runs every test and ends with "tests: N passed, N failed, N skipped".
# Unit tests need nothing; kernel tests and the VM test need root (they
# skip, saying why, without it). PT_TESTS=unit runs only the unit tests
# (make test-unit), PT_TESTS=kernel only tests/kernel (make test-kernel).
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
export OUT
only=${PT_TESTS:-all}
part() { [ "$only" = all ] || [ "$only" = "$1" ]; }

pass=0 fail=0 skip=0
count() { # reads the PASS/FAIL/SKIP protocol, echoes it, tallies it
	local line
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		PASS\ *) pass=$((pass + 1)) ;;
		FAIL\ *) fail=$((fail + 1)) ;;
		SKIP\ *) skip=$((skip + 1)) ;;
		esac
	done
}

if part unit; then
echo "== unit tests"
if [ -x "$OUT/tests/unit-tests" ]; then
	count < <("$OUT/tests/unit-tests"; echo "rc=$?" >"$OUT/tests/unit.rc")
	# A crash mid-way must not pass for fewer cases.
	if [ "$(cat "$OUT/tests/unit.rc")" != rc=0 ] && [ "$fail" = 0 ]; then
		echo "FAIL unit-tests: exited $(cat "$OUT/tests/unit.rc")"
		fail=$((fail + 1))
	fi
else
	echo "FAIL unit-tests: $OUT/tests/unit-tests not built"
	fail=$((fail + 1))
fi

# The same cases under ASan+UBSan: one line for the run, which must pass
# every case with no sanitizer report (any report aborts it).
echo "== unit tests (ASan+UBSan)"
if [ -x "$OUT/tests/unit-tests-san" ]; then
	if "$OUT/tests/unit-tests-san" >"$OUT/tests/unit-san.log" 2>&1; then
		echo "PASS unit-tests-san: $(tail -1 "$OUT/tests/unit-san.log")"
		pass=$((pass + 1))
	else
		sed 's/^/  /' "$OUT/tests/unit-san.log" | grep -v '^  PASS' | tail -30
		echo "FAIL unit-tests-san: see $OUT/tests/unit-san.log"
		fail=$((fail + 1))
	fi
else
	echo "FAIL unit-tests-san: $OUT/tests/unit-tests-san not built"
	fail=$((fail + 1))
fi
fi

if part all; then

# A short libFuzzer run over the packet parsers, from the committed corpus
# (tests/fuzz/corpus, never written to).
echo "== fuzz"
count < <(bash tests/fuzz/run.sh "${PT_FUZZ_SECONDS:-20}")

echo "== build"
count < <(bash tests/build.sh)

echo "== install"
count < <(bash tests/install.sh)

# The report's render check in headless Chromium must catch broken pages
# (a script error, a fetch, a wrong row count) before it is trusted.
echo "== render check"
count < <(bash tests/render-html.sh --self-test)
fi

if part kernel; then
for t in tests/kernel/*.sh; do
	echo "== ${t#tests/}"
	count < <(bash "$t")
done
fi

if part all; then
# Debian's own kernels under QEMU: fentry and kprobe are proven there.
echo "== vm"
count < <(PT_VM_SUMMARY=0 bash tests/vm/run.sh)
fi

echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
