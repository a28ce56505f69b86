#!/usr/bin/env bash
# make install: the binary, the man page (renders without warnings) and the
# bash completion (completes), and both know every option --help lists.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
res() { # status name why (said unless it passed)
	if [ "$1" = PASS ]; then
		echo "PASS $2"
	else
		echo "$1 $2${3:+: $(tr '\n' ' ' <<<"$3")}"
	fi
}
if ! make -s install OUT="$OUT" DESTDIR="$d" PREFIX=/usr >"$d/log" 2>&1; then
	res FAIL install "make install failed: $(tail -3 "$d/log" | tr '\n' ' ')"
	exit 0
fi
man=$d/usr/share/man/man8/pathtrace.8
comp=$d/usr/share/bash-completion/completions/pathtrace
unit=$d/usr/lib/systemd/system/pathtrace@.service
why=
for f in "$d/usr/sbin/pathtrace" "$man" "$comp" "$unit"; do
	[ -f "$f" ] || why="$why missing ${f#"$d"};"
done
[ -x "$d/usr/sbin/pathtrace" ] || why="$why binary not executable;"
res "$([ -z "$why" ] && echo PASS || echo FAIL)" install_files "$why"

if command -v groff >/dev/null; then
	w=$(groff -man -ww -z "$man" 2>&1)
	res "$([ -z "$w" ] && echo PASS || echo FAIL)" man_page_renders "$w"
else
	res SKIP man_page_renders "groff not installed"
fi

# The systemd unit: the installed binary's path, --metrics, and clean under
# systemd-analyze verify (an instance of it, run on the binary in DESTDIR;
# verify warns without failing, so any output fails).
if [ -f "$unit" ] && grep -q '^ExecStart=/usr/sbin/pathtrace --dev %i --metrics ' "$unit"; then
	if command -v systemd-analyze >/dev/null; then
		sed "s|/usr/sbin/pathtrace|$d/usr/sbin/pathtrace|" "$unit" >"$d/pathtrace@tun0.service"
		w=$(systemd-analyze verify --man=no "$d/pathtrace@tun0.service" 2>&1)
		res "$([ $? = 0 ] && [ -z "$w" ] && echo PASS || echo FAIL)" systemd_unit_verifies "$w"
	else
		res SKIP systemd_unit_verifies "systemd-analyze not installed"
	fi
else
	res FAIL systemd_unit_verifies "no ExecStart of /usr/sbin/pathtrace with --metrics in $unit"
fi

# Every long option of --help, in the man page and in the completion.
opts=$("$OUT/pathtrace" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
missing=
for o in $opts; do
	grep -q -- "$(sed 's/-/\\\\-/g' <<<"$o")" "$man" || missing="$missing man:$o"
	grep -q -- "$o" "$comp" || missing="$missing completion:$o"
done
res "$([ -z "$missing" ] && [ -n "$opts" ] && echo PASS || echo FAIL)" options_documented "$missing"

got=$(bash -c ". '$comp'; COMP_WORDS=(pathtrace --back); COMP_CWORD=1; _pathtrace; echo \"\${COMPREPLY[*]}\";
	COMP_WORDS=(pathtrace --backend ''); COMP_CWORD=2; _pathtrace; echo \"\${COMPREPLY[*]}\";
	COMP_WORDS=(pathtrace de); COMP_CWORD=1; _pathtrace; echo \"\${COMPREPLY[*]}\";
	COMP_WORDS=(pathtrace demo t); COMP_CWORD=2; _pathtrace; echo \"\${COMPREPLY[*]}\";
	COMP_WORDS=(pathtrace demo tap --j); COMP_CWORD=3; _pathtrace; echo \"\${COMPREPLY[*]}\"")
want=$'--backend\nauto fentry kprobe tracepoint\ndemo\ntun tap tcp\n--json'
res "$([ "$got" = "$want" ] && echo PASS || echo FAIL)" completion_completes "got '$got'"
