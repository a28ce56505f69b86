# shellcheck shell=bash disable=SC2034 # KABI, KDIR...: for the caller
# Debian's kernels for the VM test, fetched without installing them:
# `apt-get download` of the kernel's .deb, of which only vmlinuz, config and
# the tun module are unpacked, into ${PT_VM_CACHE:-/var/cache/pathtrace-vm}/
# <release>/. A cached kernel is used without touching the network, but the
# release (6.1.0-NN changes with each security upload) is looked up again
# each run with apt-cache, which reads only the local package lists.
#
# A kernel of another Debian release (Debian 11's 5.10) comes through a
# private apt state of its own, in $PT_VM_CACHE/apt-<suite>/: a sources list
# naming only that suite (signed by Debian's archive keyring), its package
# lists and apt's cache. The machine's apt configuration is never read for
# sources nor written: vm_suite SUITE selects it, vm_suite - the machine's.

PT_VM_CACHE=${PT_VM_CACHE:-/var/cache/pathtrace-vm}
PT_VM_FETCH_TIMEOUT=${PT_VM_FETCH_TIMEOUT:-120}
PT_VM_MIRROR=${PT_VM_MIRROR:-http://deb.debian.org/debian}
PT_VM_KEYRING=${PT_VM_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
# What pathtrace needs of every kernel (a kernel may need more: vm_fetch's
# NEEDS).
VM_KCONFIG='CONFIG_TUN=m CONFIG_KPROBES=y CONFIG_DEBUG_INFO_BTF=y'

vm_apt_updated=
VM_FETCH_TMP=
VM_SUITE=-
VM_APT_OPTS=()

# vm_suite SUITE: apt-get and apt-cache use SUITE's private state from now
# on ('-': the machine's own). Fails, with KWHY, if it cannot be made.
vm_suite() {
	local d=$PT_VM_CACHE/apt-$1
	VM_SUITE=$1 VM_APT_OPTS=()
	[ "$1" = - ] && return
	if ! mkdir -p "$d/lists/partial" "$d/cache/archives/partial"; then
		KWHY="cannot write to $d"
		return 1
	fi
	echo "deb [signed-by=$PT_VM_KEYRING] $PT_VM_MIRROR $1 main" >"$d/sources.list"
	VM_APT_OPTS=(-o "Dir::Etc::SourceList=$d/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache")
}

vm_apt() { # apt-get, bounded in time, without the sandbox warning
	timeout -k 10 "$PT_VM_FETCH_TIMEOUT" apt-get -q -o APT::Sandbox::User=root \
		"${VM_APT_OPTS[@]}" "$@"
}

# vm_update: apt-get update, at most once per run and suite; fails if
# already done.
vm_update() {
	case " $vm_apt_updated " in *" $VM_SUITE "*) return 1 ;; esac
	vm_apt_updated+=" $VM_SUITE"
	vm_apt update >/dev/null 2>&1
}

# vm_resolve META: sets KABI, the kernel package META depends on (never
# hard-coded), and KREL, its release (what uname -r says).
vm_resolve() {
	KABI=$(apt-cache "${VM_APT_OPTS[@]}" depends "$1" 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/{print $2; exit}')
	KREL=${KABI#linux-image-}
}

# vm_download: KABI's vmlinuz, config and tun module into the cache;
# sets KWHY and fails otherwise.
vm_download() {
	local tmp deb dest=$PT_VM_CACHE/$KREL
	if ! mkdir -p "$PT_VM_CACHE" || ! tmp=$(mktemp -d "$PT_VM_CACHE/.fetch.XXXXXX"); then
		KWHY="cannot write to $PT_VM_CACHE"
		return 1
	fi
	VM_FETCH_TMP=$tmp # for the caller's clean-up on a signal
	if ! (cd "$tmp" && vm_apt download "$KABI" >log 2>&1); then
		KWHY="apt-get download $KABI failed: $({ grep -m1 '^E:' "$tmp/log" || tail -1 "$tmp/log"; } |
			sed -e 's/^E: //' -e 's/^Failed to fetch [^ ]*  *//')"
		KFATAL=1
		rm -rf "$tmp"
		VM_FETCH_TMP=
		return 1
	fi
	deb=$(echo "$tmp"/*.deb)
	mkdir "$tmp/x" "$tmp/k"
	# tar complains of the patterns that match nothing (tun.ko or
	# tun.ko.xz, lib or usr/lib): judge by what came out.
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/x" --wildcards \
		'./boot/vmlinuz-*' './boot/config-*' \
		'./lib/modules/*/kernel/drivers/net/tun.ko*' \
		'./usr/lib/modules/*/kernel/drivers/net/tun.ko*' 2>/dev/null
	mv "$tmp"/x/boot/vmlinuz-* "$tmp/k/vmlinuz" 2>/dev/null
	mv "$tmp"/x/boot/config-* "$tmp/k/config" 2>/dev/null
	find "$tmp/x" -name 'tun.ko*' -exec mv {} "$tmp/k/" \;
	if [ ! -s "$tmp/k/vmlinuz" ] || [ ! -s "$tmp/k/config" ]; then
		KWHY="no vmlinuz or config in ${deb##*/}"
		rm -rf "$tmp"
		VM_FETCH_TMP=
		return 1
	fi
	touch "$tmp/k/complete"
	rm -rf "$dest" && mv "$tmp/k" "$dest"
	rm -rf "$tmp"
	VM_FETCH_TMP=
}

# vm_fetch_one META: sets KABI, KREL and KDIR (vmlinuz, config, tun.ko or
# tun.ko.xz) and succeeds, or sets KWHY and fails (KFATAL set when another
# kernel is not worth trying: the download failed). NEEDS: kconfig lines
# this kernel must have beyond VM_KCONFIG.
vm_fetch_one() {
	local opt missing=''
	KDIR='' KWHY='' KFATAL=''
	vm_resolve "$1"
	[ -n "$KABI" ] || { vm_update && vm_resolve "$1"; }
	if [ -z "$KABI" ]; then
		KWHY="apt-cache knows no $1"
		return 1
	fi
	if [ ! -e "$PT_VM_CACHE/$KREL/complete" ] && ! vm_download; then
		# Stale lists name a .deb the archive dropped, or the lists are
		# missing: update once, look the kernel up again, retry.
		vm_update || return 1
		vm_resolve "$1"
		[ -n "$KABI" ] || return 1
		[ -e "$PT_VM_CACHE/$KREL/complete" ] || vm_download || return 1
	fi
	KDIR=$PT_VM_CACHE/$KREL
	for opt in $VM_KCONFIG ${NEEDS:-}; do
		grep -qx "$opt" "$KDIR/config" || missing+="${missing:+, }$opt"
	done
	if [ -n "$missing" ]; then
		KWHY="$KREL lacks $missing"
		return 1
	fi
	if ! ls "$KDIR"/tun.ko* >/dev/null 2>&1; then
		KWHY="$KREL has no tun module"
		return 1
	fi
}

# vm_fetch META...: the first of these meta packages (best first) that
# apt-cache knows (in the suite vm_suite chose) and whose kernel has what
# pathtrace needs (VM_KCONFIG and NEEDS). When none can be had, KWHY says
# why and KREL names the best one.
vm_fetch() {
	local meta why='' best=''
	for meta in "$@"; do
		if vm_fetch_one "$meta"; then
			[ -z "$why" ] || echo "  vm: $why: using $KREL"
			return 0
		fi
		best=${best:-$KREL}
		why+="${why:+; }$KWHY"
		[ -z "$KFATAL" ] || break
	done
	KREL=$best KWHY=$why
	return 1
}
