#!/usr/bin/env bash
# Renders a pathtrace HTML report in headless Chromium and checks that a
# browser shows it as meant: Chromium exits 0 and the DOM it built has
# exactly N elements of class "row" (one a journey); the page logged nothing
# on the console (no script error, no blocked load) and loaded nothing but
# itself (a report is self-contained: any other file or URL is a fault,
# found or not); a screenshot is a non-empty PNG.
#
#   bash tests/render-html.sh FILE.html N
#   bash tests/render-html.sh --self-test	# the checks catch broken pages
#
# One line: "PASS report_renders", "FAIL report_renders: why", or "SKIP
# report_renders: chromium not installed" (--self-test: render_html_self_test).
# Exit 0 on PASS or SKIP, 1 on FAIL, 2 on bad usage. CHROMIUM names the
# browser (default chromium, else chromium-browser); nothing is installed.
#
# How a fault shows on Chromium's stderr (--enable-logging=stderr --v=0):
# console messages, of any level, as
#   [pid:tid:time:INFO:CONSOLE:3] "Uncaught ReferenceError: f is not defined", source: file:///x.html (3)
# A failed load logs nothing at --v=0, so two modules' verbose logs are
# turned on (--vmodule) and every load is listed:
#   [...:VERBOSE1:content/browser/loader/file_url_loader_factory.cc:477] FileURLLoader::Start: file:///tmp/missing.png
#   [...:VERBOSE1:net/base/network_delegate.cc:38] NetworkDelegate::NotifyBeforeURLRequest: https://example.invalid/x.png
# The page's own load must be among them, or this Chromium logs loads some
# other way and the check could not fail: that is a FAIL too. The browser's
# own background requests (updates, accounts, network time) are switched off
# where a switch exists, and the rest are told apart by their exact URLs. No
# name resolves (--host-resolver-rules), so nothing leaves the machine.
# Everything else on stderr (D-Bus, GPU, sandbox warnings of a container)
# is noise.
set -u

name=report_renders
say() { # status why
	echo "$1 $name${2:+: $(tr '\n' ' ' <<<"$2" | sed 's/ *$//')}"
}

usage() {
	echo "usage: bash $0 FILE.html N | --self-test" >&2
	exit 2
}

self_test=false
if [ $# -eq 1 ] && [ "$1" = --self-test ]; then
	self_test=true
	name=render_html_self_test
elif [ $# -ne 2 ] || ! [[ $2 =~ ^[0-9]+$ ]]; then
	usage
fi

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
	for c in chromium chromium-browser; do
		if command -v "$c" >/dev/null; then
			browser=$c
			break
		fi
	done
fi
if [ -z "$browser" ] || ! command -v "$browser" >/dev/null; then
	say SKIP "chromium not installed"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A throw-away profile and home: nothing is left behind, nothing carried over.
mkdir -p "$tmp/home"
# shellcheck disable=SC2054 # the commas are --disable-features' own
flags=(--headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile"
	--no-first-run --disable-background-networking --disable-component-update
	--disable-sync --disable-default-apps --disable-extensions
	--disable-features=NetworkTimeServiceQuerying,SpellCheck
	--no-proxy-server --host-resolver-rules='MAP * ~NOTFOUND')

chrome() {
	HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_CACHE_HOME=$tmp/home/.cache \
		timeout 120 "$browser" "${flags[@]}" "$@"
}

# Requests Chromium makes by itself, whatever page it shows.
browser_own='^https?://(update\.googleapis\.com/service/update2/json\?|accounts\.google\.com/ListAccounts\?|clients2\.google\.com/time/1/current\?|redirector\.gvt1\.com/edgedl/chrome/dict/)'

# A file: URL of @1, as Chromium writes it in its log.
file_url() {
	local LC_ALL=C s p=$1 out=file:// c i
	s=$(realpath -- "$p") || return 1
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9/._~+,=@:\;!\$\&\'\(\)*-]) out+=$c ;;
		*) printf -v c '%%%02X' "'$c"; out+=${c: -3} ;;
		esac
	done
	echo "$out"
}

# Renders @1, which should have @2 rows: says nothing if it is sound, else why.
check() {
	local f=$1 n=$2 url rc rows why='' c loads other png
	url=$(file_url "$f") || { echo "cannot resolve $f"; return; }
	chrome --enable-logging=stderr --v=0 \
		--vmodule=file_url_loader_factory=1,network_delegate=1 \
		--dump-dom "$url" >"$tmp/dom" 2>"$tmp/log"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "chromium --dump-dom exited $rc: $(grep -v 'dbus\|DBus' "$tmp/log" | tail -3)"
		return
	fi
	rows=$(grep -o 'class="row"' "$tmp/dom" | wc -l)
	[ "$rows" -eq "$n" ] || why+="$rows elements of class row in the DOM, want $n; "
	c=$(grep -E ':CONSOLE[:(]' "$tmp/log" | sed 's/^\[[^]]*\] *//' | head -5)
	[ -z "$c" ] || why+="console: $c; "
	loads=$(grep -oE '(FileURLLoader::Start|NotifyBeforeURLRequest): [^ ]+' "$tmp/log" |
		sed 's/^[^ ]* //')
	if ! grep -qxF -- "$url" <<<"$loads"; then
		why+="chromium logged no load of the page itself ($url): cannot see its loads; "
	fi
	other=$(grep -vxF -- "$url" <<<"$loads" | grep -vE "$browser_own" | grep . | head -5)
	[ -z "$other" ] || why+="loaded $(tr '\n' ' ' <<<"$other"); "

	chrome --window-size=1200,2000 --screenshot="$tmp/shot.png" "$url" >"$tmp/log2" 2>&1
	rc=$?
	png=$(head -c 8 "$tmp/shot.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')
	if [ $rc -ne 0 ]; then
		why+="chromium --screenshot exited $rc; "
	elif [ ! -s "$tmp/shot.png" ] || [ "$png" != 89504e470d0a1a0a ]; then
		why+="no PNG from --screenshot; "
	fi
	echo "${why%; }"
}

if ! $self_test; then
	[ -r "$1" ] || { say FAIL "cannot read $1"; exit 1; }
	why=$(check "$1" "$2")
	if [ -n "$why" ]; then
		say FAIL "$why"
		exit 1
	fi
	say PASS
	exit 0
fi

# --self-test: a sound page passes, and each fault is caught.
page() { # file body
	printf '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>t</title></head>\n<body>\n%s\n</body></html>\n' "$2" >"$tmp/$1.html"
}
rows='<div class="row"><svg width="10" height="10"><rect width="5" height="5"/></svg></div>
<div class="row">b</div>'
page good "$rows"
page img "$rows<img src=\"missing.png\">"
page script "$rows<script>undefined_fn()</script>"
page css "$rows<div style=\"background:url(missing-bg.png)\">x</div>"
page font "$rows<link rel=\"stylesheet\" href=\"https://fonts.googleapis.com/css?family=Roboto\">"
page remote "$rows<img src=\"http://example.invalid/x.png\">"
bad=
why=$(check "$tmp/good.html" 2)
[ -z "$why" ] || bad+="a sound page failed: $why; "
why=$(check "$tmp/good.html" 3)
[ -n "$why" ] || bad+="a wrong row count passed; "
for p in img script css font remote; do
	why=$(check "$tmp/$p.html" 2)
	[ -n "$why" ] || bad+="the $p fault passed; "
done
if [ -n "$bad" ]; then
	say FAIL "${bad%; }"
	exit 1
fi
say PASS
