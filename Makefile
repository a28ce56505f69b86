# pathtrace: kernel-vs-userspace packet path tracer.
#
#   make            build build/pathtrace
#   make test       every test (root for the kernel tests)
#   make test-vm    only the VM test: Debian's kernels under QEMU (tests/vm)
#   make bench      the benchmark against an untraced run and bpftrace (root)
#   make demo       the classroom TUN demo, pathtrace demo tun (root;
#                   DEMO=tap for TAP, DEMO=tcp for TCP); its files go to build/
#   make install    DESTDIR=, PREFIX=/usr/local (the systemd unit in
#                   SYSTEMD_UNIT_DIR, default PREFIX/lib/systemd/system)
#   V=1             show the commands
#
# VMLINUX_BTF names the BTF to generate vmlinux.h from; VMLINUX_H names a
# ready vmlinux.h to use instead.

OUT ?= build
PREFIX ?= /usr/local
SYSTEMD_UNIT_DIR ?= $(PREFIX)/lib/systemd/system
DESTDIR ?=
CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
LLVM_STRIP ?= llvm-strip
PKG_CONFIG ?= pkg-config
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
VMLINUX_H ?=
VERSION := 0.1.0

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

WERROR ?= $(if $(CI),-Werror,)
CFLAGS ?= -O2 -g
override CFLAGS += -Wall -Wextra $(WERROR) -std=gnu11 -MMD -MP \
	-Iinclude -I$(OUT) -DPT_VERSION='"$(VERSION)"'
LIBBPF_CFLAGS := $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
LIBBPF_LIBS := $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
# libpcap compiles filter expressions (user/filter.c); libmicrohttpd serves
# --metrics (user/metrics.c), from a thread of its own. Both are opened when
# a run needs them (user/dynlib.h), by the names the linker would record.
PCAP_LIBS := $(shell $(PKG_CONFIG) --libs libpcap 2>/dev/null || echo -lpcap)
soname = $(shell readelf -d $$($(CC) -print-file-name=$(1)) 2>/dev/null | \
	sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
PCAP_SONAME := $(or $(call soname,libpcap.so),libpcap.so.0.8)
MHD_SONAME := $(or $(call soname,libmicrohttpd.so),libmicrohttpd.so.12)
override CFLAGS += -DPT_PCAP_SONAME='"$(PCAP_SONAME)"' -DPT_MHD_SONAME='"$(MHD_SONAME)"'
LDLIBS += $(LIBBPF_LIBS) -lelf -lz -ldl -lpthread

BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall $(WERROR) \
	-Iinclude -I$(OUT) $(LIBBPF_CFLAGS)

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUT)/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(OUT)/%.skel.h,$(BPF_SRCS))

# Modules that need no skeleton: shared by the binary and the unit tests.
LIB_SRCS := user/cli.c user/util.c user/packet.c user/echo.c user/output.c user/privs.c \
	user/journey.c user/stages.c user/hist.c user/pcapng.c user/demo.c user/report.c \
	user/report_html.c user/echo_rt.c user/bookkeep.c user/hooks.c user/filter.c user/cbpf.c \
	user/prom.c user/dynlib.c user/jhist.c
LIB_OBJS := $(patsubst user/%.c,$(OUT)/user/%.o,$(LIB_SRCS))
APP_SRCS := user/main.c user/tracer.c user/tundev.c user/jmode.c user/histmode.c \
	user/probe.c user/ladder.c user/relay.c user/metrics.c
APP_OBJS := $(patsubst user/%.c,$(OUT)/user/%.o,$(APP_SRCS))

UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(patsubst tests/unit/%.c,$(OUT)/tests/unit/%.o,$(UNIT_SRCS))
HELPERS := $(patsubst tests/helpers/%.c,$(OUT)/tests/%,$(wildcard tests/helpers/*.c))

.PHONY: all test test-unit test-kernel test-vm bench demo install clean
all: $(OUT)/pathtrace

# Keep every intermediate (the BPF objects the skeletons are made from):
# deleted, they would make the next make redo the skeleton, the tracer and
# the link.
.SECONDARY:

ifeq ($(VMLINUX_H),)
$(OUT)/vmlinux.h: | $(OUT)
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@
else
$(OUT)/vmlinux.h: $(VMLINUX_H) | $(OUT)
	$(Q)cp $< $@
endif

$(OUT) $(OUT)/user $(OUT)/tests $(OUT)/tests/unit:
	$(Q)mkdir -p $@

$(OUT)/%.bpf.o: bpf/%.bpf.c $(OUT)/vmlinux.h | $(OUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@	# DWARF: 1 MB of the binary that libbpf never reads (BTF stays)

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@.tmp && mv $@.tmp $@

$(OUT)/user/%.o: user/%.c | $(OUT)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LIBBPF_CFLAGS) -c $< -o $@

# The tracer, the ladder and --hist's reader include the skeleton.
$(OUT)/user/tracer.o $(OUT)/user/ladder.o $(OUT)/user/histmode.o: $(SKELS)

$(OUT)/pathtrace: $(APP_OBJS) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUT)/tests/unit/%.o: tests/unit/%.c | $(OUT)/tests/unit
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Iuser -c $< -o $@

$(OUT)/tests/unit-tests: $(UNIT_OBJS) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUT)/tests/%: tests/helpers/%.c | $(OUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

# The BPF logic tests (tests/bpf): a BPF object of test programs calling
# the real bpf/ headers, run through BPF_PROG_TEST_RUN by its runner.
$(OUT)/tests/bpf:
	$(Q)mkdir -p $@

$(OUT)/tests/bpf/%.bpf.o: tests/bpf/%.bpf.c $(OUT)/vmlinux.h | $(OUT)/tests/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Ibpf -MMD -MP -c $< -o $@

$(OUT)/tests/bpf/%.skel.h: $(OUT)/tests/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp && mv $@.tmp $@

BPF_LOGIC_OBJS := $(patsubst tests/bpf/%.c,$(OUT)/tests/bpf/user/%.o,\
	$(filter-out %.bpf.c,$(wildcard tests/bpf/*.c)))
BPF_LOGIC_SKELS := $(patsubst tests/bpf/%.bpf.c,$(OUT)/tests/bpf/%.skel.h,\
	$(wildcard tests/bpf/*.bpf.c))

$(OUT)/tests/bpf/user/%.o: tests/bpf/%.c $(BPF_LOGIC_SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) -Iuser -I$(OUT)/tests/bpf $(LIBBPF_CFLAGS) -c $< -o $@

# The filter cases check user/cbpf.c's translation against libpcap.
$(OUT)/tests/bpf-logic: $(BPF_LOGIC_OBJS) $(OUT)/user/cbpf.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) $(PCAP_LIBS) -o $@

# Static builds for the VM test (tests/vm): its initramfs has no libraries.
# Debian 12's libelf.a needs only zlib (no -lzstd); its libpcap.a needs
# libdbus-1.a, which needs two libsystemd functions (tests/vm/sd_stubs.c).
# libmicrohttpd.a needs static libunistring and p11-kit, which Debian does
# not ship: this build has --metrics compiled out (user/metrics_none.c).
VM_HELPERS := udpsend tunwire tcpup
VM_BINS := $(OUT)/pathtrace-static $(patsubst %,$(OUT)/tests/%-static,$(VM_HELPERS))
STATIC_LDLIBS := $(shell $(PKG_CONFIG) --static --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz) -lelf -lz \
	-lpcap -ldbus-1

# libpcap linked in: filter.c's calls go to it directly (no dlopen).
STATIC_OBJS := $(filter-out $(OUT)/user/metrics.o,$(APP_OBJS)) $(OUT)/user/metrics_none.o \
	$(filter-out $(OUT)/user/filter.o $(OUT)/user/dynlib.o,$(LIB_OBJS)) $(OUT)/user/filter-linked.o

$(OUT)/user/filter-linked.o: user/filter.c | $(OUT)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -DPT_DL_LINKED -c $< -o $@

$(OUT)/pathtrace-static: $(STATIC_OBJS) tests/vm/sd_stubs.c
	$(call msg,LINK,$@)
	@# (libpcap and libdbus look up names with glibc's NSS, which a static
	@# binary warns of: the VM's expressions name no host, and no D-Bus runs.)
	$(Q)rm -f $@; $(CC) $(CFLAGS) $(LDFLAGS) -static $^ $(STATIC_LDLIBS) -lpthread -o $@ 2>&1 | \
		{ grep -v -e 'statically linked applications requires' -e ': in function .' || true; }; \
		test -x $@

$(OUT)/tests/%-static: tests/helpers/%.c | $(OUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -static $< -o $@

# The unit tests again under AddressSanitizer and UndefinedBehaviorSanitizer.
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_OBJS := $(patsubst $(OUT)/%,$(OUT)/san/%,$(UNIT_OBJS) $(LIB_OBJS))

$(OUT)/san/user/%.o: user/%.c
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) $(SAN_FLAGS) $(LIBBPF_CFLAGS) -c $< -o $@

$(OUT)/san/tests/unit/%.o: tests/unit/%.c
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) $(SAN_FLAGS) -Iuser -c $< -o $@

$(OUT)/tests/unit-tests-san: $(SAN_OBJS) | $(OUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# libFuzzer (clang) over the packet parsers and --echo's answers. A
# toolchain without libFuzzer leaves the reason in $@.why: the fuzz run is
# then skipped, saying so.
FUZZ_SRCS := tests/fuzz/fuzz_packet.c user/packet.c user/echo.c
$(OUT)/tests/fuzz-packet: $(FUZZ_SRCS) $(wildcard include/*.h user/*.h) | $(OUT)/tests
	$(call msg,FUZZ,$@)
	$(Q)rm -f $@.why; $(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -Iinclude -Iuser $(FUZZ_SRCS) -o $@ 2>$@.why && \
		rm -f $@.why || { rm -f $@; true; }

test: $(OUT)/pathtrace $(OUT)/tests/unit-tests $(OUT)/tests/unit-tests-san \
	$(OUT)/tests/fuzz-packet $(HELPERS) $(VM_BINS) $(OUT)/tests/bpf-logic
	$(Q)OUT=$(OUT) bash tests/run.sh

test-unit: $(OUT)/tests/unit-tests $(OUT)/tests/unit-tests-san
	$(Q)OUT=$(OUT) PT_TESTS=unit bash tests/run.sh

test-kernel: $(OUT)/pathtrace $(HELPERS) $(OUT)/tests/bpf-logic
	$(Q)OUT=$(OUT) PT_TESTS=kernel bash tests/run.sh

test-vm: $(VM_BINS)
	$(Q)OUT=$(OUT) bash tests/vm/run.sh

# The benchmark (bench/run.sh): its reader, sender and the empty-program floor.
BENCH_BINS := $(OUT)/bench/tunsink $(OUT)/bench/flood $(OUT)/bench/emptyload $(OUT)/bench/linexfer

$(OUT)/bench:
	$(Q)mkdir -p $@

$(OUT)/bench/empty.bpf.o: bench/empty.bpf.c $(OUT)/vmlinux.h | $(OUT)/bench
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(OUT)/bench/empty.skel.h: $(OUT)/bench/empty.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name empty_bpf > $@.tmp && mv $@.tmp $@

$(OUT)/bench/emptyload: bench/emptyload.c $(OUT)/bench/empty.skel.h user/standin.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(OUT)/bench -Iuser $(LIBBPF_CFLAGS) $< $(LDLIBS) -o $@

# tunsink answers with --echo's own code (user/echo.c: memcpy only).
$(OUT)/bench/tunsink: bench/tunsink.c $(OUT)/user/echo.o | $(OUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Iuser $(LIBBPF_CFLAGS) $^ -o $@

$(OUT)/bench/linexfer: bench/linexfer.c | $(OUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -pthread $< -o $@

$(OUT)/bench/%: bench/%.c | $(OUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

bench: $(OUT)/pathtrace $(BENCH_BINS) $(OUT)/tests/tunwire $(OUT)/tests/tcpup
	$(Q)OUT=$(OUT) bash bench/run.sh

DEMO ?= tun
demo: $(OUT)/pathtrace
	$(Q)cd $(OUT) && ./pathtrace demo $(DEMO)

install: $(OUT)/pathtrace
	install -D -m 0755 $(OUT)/pathtrace $(DESTDIR)$(PREFIX)/sbin/pathtrace
	install -D -m 0644 doc/pathtrace.8 $(DESTDIR)$(PREFIX)/share/man/man8/pathtrace.8
	install -D -m 0644 tools/pathtrace.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/pathtrace
	install -d $(DESTDIR)$(SYSTEMD_UNIT_DIR)
	sed 's|@SBINDIR@|$(PREFIX)/sbin|' tools/pathtrace@.service > \
		$(DESTDIR)$(SYSTEMD_UNIT_DIR)/pathtrace@.service
	chmod 0644 $(DESTDIR)$(SYSTEMD_UNIT_DIR)/pathtrace@.service

clean:
	rm -rf $(OUT)

-include $(wildcard $(OUT)/*.d $(OUT)/user/*.d $(OUT)/tests/unit/*.d $(OUT)/bench/*.d \
	$(OUT)/tests/bpf/*.d $(OUT)/tests/bpf/user/*.d \
	$(OUT)/san/user/*.d $(OUT)/san/tests/unit/*.d)
