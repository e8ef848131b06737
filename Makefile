# SPDX-License-Identifier: BSD-3-Clause
# armmap build. `make demo`, `make test`, `make bench`, `make size` and
# `make fresh-check` first install what they need and the machine lacks
# (scripts/deps.sh, Debian packages), so they work on a fresh Debian 12
# machine. Plain `make` (the host library) and any file target install nothing.

.DEFAULT_GOAL := all
SHELL := /bin/bash

B := build
CORE_SRCS := $(sort $(wildcard src/*/*.c))
CORE_HDRS := $(wildcard include/armmap/*.h include/armmap/arch/*/*.h src/*/*.h arch/*/*.h)
WARN := -Wall -Wextra -Werror -std=c11 -ffreestanding
CORE_CFLAGS := $(WARN) -Iinclude -fno-common

# ---------------------------------------------------------------- targets --
# Per target: compiler (CC_<t>), flags (CF_<t>), size tool. The library of
# each is the core and the backends of its architecture (ARCH_SRCS_<t>).
# CC_<t> and CF_<t> can be given on the command line (e.g. a hard-float
# Cortex-M33: make TARGET=cortex-m33 CF_cortex-m33='-Os -mcpu=cortex-m33
# -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16'), as can CONFIG_DEFS (the
# build options of include/armmap/config.h, -DAM_CONFIG_...); a change of
# any of them rebuilds that target's library (build/<t>/flags).
# -mstrict-align on AArch64 (-mno-unaligned-access on the Cortex-R52): the
# library builds tables with the MMU / MPU off, where every access is
# Device memory and an unaligned one faults. No unwind tables on AArch64
# (GCC emits .eh_frame there by default): nothing unwinds through a
# freestanding library, and Linux, Xen and TF-A build without them too.
# -fno-pie on AArch64 (Debian's compiler makes PIE code by default): PIE code
# reaches globals through a GOT the final link places wherever it likes,
# e.g. outside the memory a guest part of an image maps; AArch64 code of the
# small code model is PC-relative without it, so it still links into a PIE.
TARGETS := host aarch64 cortex-m33 cortex-r52 cortex-r82
CC_host := gcc
CF_host := -O2
SIZE_host := size
CC_aarch64 := aarch64-linux-gnu-gcc
CF_aarch64 := -O2 -mcpu=cortex-a57 -mgeneral-regs-only -mstrict-align -fno-pie -fno-asynchronous-unwind-tables \
	-fno-unwind-tables
SIZE_aarch64 := aarch64-linux-gnu-size
CC_cortex-m33 := arm-none-eabi-gcc
CF_cortex-m33 := -Os -mcpu=cortex-m33 -mthumb
SIZE_cortex-m33 := arm-none-eabi-size
CC_cortex-r52 := arm-none-eabi-gcc
CF_cortex-r52 := -Os -mcpu=cortex-r52 -marm -mno-unaligned-access
SIZE_cortex-r52 := arm-none-eabi-size
CC_cortex-r82 := aarch64-linux-gnu-gcc
CF_cortex-r82 := -O2 -mcpu=cortex-r82 -mgeneral-regs-only -mstrict-align -fno-pie -fno-asynchronous-unwind-tables \
	-fno-unwind-tables
SIZE_cortex-r82 := aarch64-linux-gnu-size
# Always: debug information (no code), and a section per function and
# object so that a program linked with --gc-sections keeps what it uses.
LIB_CFLAGS := -g -ffunction-sections -fdata-sections
CONFIG_DEFS ?=

# The backends that are part of a target's library (arch/<arch>/*.c; their
# headers are include/armmap/arch/<arch>/). The host library has none: a
# hosted program writes its own ops (see README, Integration).
ARCH_SRCS_aarch64 := $(addprefix arch/aarch64/,el1_mmu.c el3_mmu.c pool.c pt_ops.c smccc.c spinlock.c vhe.c)
ARCH_SRCS_cortex-m33 := arch/armv8m/mpu.c
ARCH_SRCS_cortex-r52 := arch/armv8r/mpu.c
ARCH_SRCS_cortex-r82 := arch/armv8r/mpu.c

define target_rules
TF_$(1) := $$(CC_$(1)) $$(CF_$(1)) $$(LIB_CFLAGS) $$(CONFIG_DEFS)
ifneq ($$(file <$(B)/$(1)/flags),$$(TF_$(1)))
$$(shell mkdir -p $(B)/$(1) && printf '%s\n' '$$(TF_$(1))' > $(B)/$(1)/flags)
endif
$(B)/$(1)/obj/%.o: %.c $(CORE_HDRS) $(B)/$(1)/flags | deps
	@mkdir -p $$(dir $$@)
	$$(CC_$(1)) $(CORE_CFLAGS) -I. $$(CF_$(1)) $$(LIB_CFLAGS) $$(CONFIG_DEFS) -c $$< -o $$@
$(B)/$(1)/libarmmap.a: $(patsubst %.c,$(B)/$(1)/obj/%.o,$(CORE_SRCS) $(ARCH_SRCS_$(1)))
	@rm -f $$@
	$$(patsubst %gcc,%ar,$$(CC_$(1))) rcs $$@ $$^
endef
$(foreach t,$(TARGETS),$(eval $(call target_rules,$(t))))

# make [TARGET="t ..."]: the libraries of the targets named (default host;
# all: every target).
TARGET ?= host
LIB_TARGETS := $(if $(filter all,$(TARGET)),$(TARGETS),$(TARGET))
$(foreach t,$(LIB_TARGETS),$(if $(filter $(t),$(TARGETS)),,$(error unknown TARGET '$(t)'; one of: $(TARGETS) all)))
all: $(foreach t,$(LIB_TARGETS),$(B)/$(t)/libarmmap.a)

# make install [TARGET="t ..."|all] [PREFIX=/usr/local] [DESTDIR=] [LIBDIR=]
# [INCLUDEDIR=]: the headers, the libraries of the targets named (built
# first, with CC_<t>, CF_<t> and CONFIG_DEFS as given), pkg-config files
# (armmap.pc, armmap-<t>.pc), the CMake package (find_package(armmap)) and
# CHANGELOG.md; see scripts/install.sh. Like plain make, it installs no
# packages: a cross target needs its compiler (make size installs them).
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DESTDIR ?=
install: $(foreach t,$(LIB_TARGETS),$(B)/$(t)/libarmmap.a)
	@$(foreach t,$(LIB_TARGETS),AM_CC_$(subst -,_,$(t))='$(CC_$(t))' AM_CF_$(subst -,_,$(t))='$(CF_$(t))') \
		AM_CONFIG_DEFS='$(CONFIG_DEFS)' scripts/install.sh "$(DESTDIR)" "$(PREFIX)" "$(LIBDIR)" \
		"$(INCLUDEDIR)" $(foreach t,$(LIB_TARGETS),$(t):$(B)/$(t)/libarmmap.a)

# keep objects made through pattern rules (they are not throw-away intermediates)
.SECONDARY:

.PHONY: all install deps test demo size bench clean format unit cross qemu fresh-check qemu-empty-fw \
	fuzz fuzz-cov fuzz-corpus soak linux-guest linux-guest-rerun docs bench-compare

# Installing what is missing (scripts/deps.sh) happens only for the goals
# given on the command line that need it, and before anything is built:
# every build rule has `| deps`, and deps does nothing for other goals (plain
# `make`, a file target, the sub-makes of scripts/run-suites.sh and
# scripts/cross-build.sh).
DEPS_GOALS := $(filter demo test bench bench-compare size fresh-check format fuzz fuzz-cov fuzz-corpus soak linux-guest docs,\
	$(MAKECMDGOALS))
ifneq ($(DEPS_GOALS),)
deps:
	@scripts/deps.sh $(DEPS_GOALS)
else
deps: ;
endif

# ------------------------------------------------------------ host tests --
# Core, models and host ops rebuilt with ASan and UBSan for the unit tests.
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TEST_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 $(SAN) -Iinclude -I. -D_GNU_SOURCE
MODEL_SRCS := $(sort $(wildcard model/*.c))
HOSTARCH_SRCS := $(sort $(wildcard arch/host/*.c))
# The oracles: invariant checks shared by the unit tests and the fuzzers.
ORACLE_SRCS := $(sort $(wildcard tests/oracle/*.c))
TEST_HDRS := $(wildcard model/*.h arch/host/*.h tests/oracle/*.h tests/fuzz/*.h)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/test_%.c,$(B)/tests/%,$(UNIT_SRCS))
TEST_LIB_SRCS := $(MODEL_SRCS) $(HOSTARCH_SRCS) $(ORACLE_SRCS)
TEST_LIB_OBJS := $(patsubst %.c,$(B)/san/%.o,$(CORE_SRCS) $(TEST_LIB_SRCS))

$(B)/san/src/%.o: src/%.c $(CORE_HDRS) | deps
	@mkdir -p $(dir $@)
	gcc $(CORE_CFLAGS) -g -O1 $(SAN) -c $< -o $@
$(B)/san/%.o: %.c $(CORE_HDRS) $(TEST_HDRS) | deps
	@mkdir -p $(dir $@)
	gcc $(TEST_CFLAGS) -c $< -o $@
$(B)/tests/%: tests/unit/test_%.c $(TEST_LIB_OBJS) tests/unit/harness.h | deps
	@mkdir -p $(dir $@)
	gcc $(TEST_CFLAGS) $< $(TEST_LIB_OBJS) -lcmocka -lpthread -o $@

# The threaded tests (named threads_*) again, built with ThreadSanitizer,
# core and backends included: suites tsan-pt, tsan-mpu_map, tsan-p2m. TSan
# cannot share a build with ASan; any report fails the suite (halt_on_error).
TSAN := -fsanitize=thread -fno-omit-frame-pointer
TSAN_TESTS := pt mpu_map p2m
TSAN_LIB_OBJS := $(patsubst %.c,$(B)/tsan/%.o,$(CORE_SRCS) $(TEST_LIB_SRCS))
$(B)/tsan/src/%.o: src/%.c $(CORE_HDRS) | deps
	@mkdir -p $(dir $@)
	gcc $(CORE_CFLAGS) -g -O1 $(TSAN) -c $< -o $@
$(B)/tsan/%.o: %.c $(CORE_HDRS) $(TEST_HDRS) | deps
	@mkdir -p $(dir $@)
	gcc $(filter-out $(SAN),$(TEST_CFLAGS)) $(TSAN) -c $< -o $@
$(B)/tsan/test-%: tests/unit/test_%.c $(TSAN_LIB_OBJS) tests/unit/harness.h tests/unit/threads.h | deps
	@mkdir -p $(dir $@)
	gcc $(filter-out $(SAN),$(TEST_CFLAGS)) $(TSAN) -DAM_SUITE_ONLY='"threads_"' \
		-DAM_SUITE_NAME='"tsan-$*"' $< $(TSAN_LIB_OBJS) -lcmocka -lpthread -o $@

# unit-pt again with the library built for size (-Os, ASan and UBSan): such a
# build runs every table, 4 KiB ones too, through the one general copy of
# the engine (pt_plain() in src/pt/pt_internal.h), which -O1 and -O2 keep
# for the 16/64 KiB and 52-bit tables only. Suite size-pt.
OS_LIB_OBJS := $(patsubst %.c,$(B)/os/%.o,$(CORE_SRCS)) \
	$(patsubst %.c,$(B)/san/%.o,$(TEST_LIB_SRCS))
$(B)/os/src/%.o: src/%.c $(CORE_HDRS) | deps
	@mkdir -p $(dir $@)
	gcc $(CORE_CFLAGS) -g -Os $(SAN) -c $< -o $@
$(B)/os/test-pt: tests/unit/test_pt.c $(OS_LIB_OBJS) tests/unit/harness.h | deps
	@mkdir -p $(dir $@)
	gcc $(TEST_CFLAGS) -DAM_SUITE_NAME='"size-pt"' $< $(OS_LIB_OBJS) -lcmocka -lpthread -o $@

# The reduced configuration (include/armmap/config.h): the library, with
# the models and host ops, built with one MPU flavour, one regime, the 4 KiB
# granule only and no log strings, for suite config-reduced
# (tests/config/test_reduced.c).
RED_DEFS := -DAM_CONFIG_MPU_V8M -DAM_CONFIG_PT_S1_EL2 -DAM_CONFIG_PT_GRANULE_4K \
	-DAM_CONFIG_NO_LOG_STRINGS
RED_LIB_OBJS := $(patsubst %.c,$(B)/reduced/%.o,$(CORE_SRCS) $(TEST_LIB_SRCS))
$(B)/reduced/src/%.o: src/%.c $(CORE_HDRS) | deps
	@mkdir -p $(dir $@)
	gcc $(CORE_CFLAGS) $(RED_DEFS) -g -O1 $(SAN) -c $< -o $@
$(B)/reduced/%.o: %.c $(CORE_HDRS) $(TEST_HDRS) | deps
	@mkdir -p $(dir $@)
	gcc $(TEST_CFLAGS) $(RED_DEFS) -c $< -o $@
$(B)/reduced/test-reduced: tests/config/test_reduced.c $(RED_LIB_OBJS) tests/unit/harness.h | deps
	@mkdir -p $(dir $@)
	gcc $(TEST_CFLAGS) $(RED_DEFS) $< $(RED_LIB_OBJS) -lcmocka -lpthread -o $@

# ----------------------------------------------------------------- fuzz --
# One fuzz module per library module: tests/fuzz/fuzz_<name>.c, its corpus
# tests/fuzz/corpus/<name>/, its line in tests/fuzz/modules.c. Three builds
# of the same decoders and oracles:
#  - $(B)/fuzz/<name>: libFuzzer, clang, ASan+UBSan (`make fuzz`);
#  - $(B)/fuzz-san/{replay,soak}: gcc, ASan+UBSan, for `make test` (the
#    fuzz-replay and soak-slice suites: no clang needed);
#  - $(B)/soak/soak: gcc -O2, no sanitizers (`make soak`).
FUZZ_MODULES := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_MOD_SRCS := $(patsubst %,tests/fuzz/fuzz_%.c,$(FUZZ_MODULES))
FUZZ_ONLY ?= $(FUZZ_MODULES)
FUZZ_FW_SRCS := tests/fuzz/fuzz.c tests/fuzz/modules.c
FUZZ_SECONDS ?= 60

FZ_SAN_OBJS := $(patsubst %.c,$(B)/san/%.o,$(FUZZ_FW_SRCS) $(FUZZ_MOD_SRCS)) $(TEST_LIB_OBJS)
$(B)/fuzz-san/%: tests/fuzz/%.c $(FZ_SAN_OBJS) | deps
	@mkdir -p $(dir $@)
	gcc $(TEST_CFLAGS) $< $(FZ_SAN_OBJS) -lpthread -o $@

OPT_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O2 -Iinclude -I. -D_GNU_SOURCE
FZ_OPT_OBJS := $(patsubst %.c,$(B)/opt/%.o,$(FUZZ_FW_SRCS) $(FUZZ_MOD_SRCS) $(TEST_LIB_SRCS))
$(B)/opt/%.o: %.c $(CORE_HDRS) $(TEST_HDRS) | deps
	@mkdir -p $(dir $@)
	gcc $(OPT_CFLAGS) -c $< -o $@
$(B)/soak/soak: tests/fuzz/soak.c $(FZ_OPT_OBJS) $(B)/host/libarmmap.a | deps
	@mkdir -p $(dir $@)
	gcc $(OPT_CFLAGS) $< $(FZ_OPT_OBJS) $(B)/host/libarmmap.a -lpthread -o $@

# libFuzzer: everything built with clang and ASan+UBSan; only the library
# (src/) carries libFuzzer's coverage instrumentation, so that cov and ft
# count the library's edges and the models cost no comparison tracing.
FUZZ_CC := clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -g -O1 $(FUZZ_SAN)
FUZZ_TEST_CFLAGS := -std=c11 -Wall -Wextra -Werror -Iinclude -I. -D_GNU_SOURCE $(FUZZ_CFLAGS)
$(B)/fuzz/obj/src/%.o: src/%.c $(CORE_HDRS) | deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CORE_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(B)/fuzz/obj/%.o: %.c $(CORE_HDRS) $(TEST_HDRS) | deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_TEST_CFLAGS) -c $< -o $@
FZ_LF_OBJS := $(patsubst %.c,$(B)/fuzz/obj/%.o,$(CORE_SRCS) $(TEST_LIB_SRCS) tests/fuzz/fuzz.c)
$(B)/fuzz/%: tests/fuzz/entry.c $(B)/fuzz/obj/tests/fuzz/fuzz_%.o $(FZ_LF_OBJS) | deps
	$(FUZZ_CC) $(FUZZ_TEST_CFLAGS) -fsanitize=fuzzer -DFZ_MODULE=fz_module_$* $< \
		$(B)/fuzz/obj/tests/fuzz/fuzz_$*.o $(FZ_LF_OBJS) -lpthread -o $@

# Line coverage of a corpus: the libFuzzer build with clang's profiling.
FUZZ_COV_CFLAGS := -g -O1 -fsanitize=fuzzer-no-link -fprofile-instr-generate -fcoverage-mapping
$(B)/fuzzcov/obj/src/%.o: src/%.c $(CORE_HDRS) | deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CORE_CFLAGS) $(FUZZ_COV_CFLAGS) -c $< -o $@
$(B)/fuzzcov/obj/%.o: %.c $(CORE_HDRS) $(TEST_HDRS) | deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 -Wall -Wextra -Werror -Iinclude -I. -D_GNU_SOURCE $(FUZZ_COV_CFLAGS) -c $< -o $@
FZ_COV_OBJS := $(patsubst %.c,$(B)/fuzzcov/obj/%.o,$(CORE_SRCS) $(TEST_LIB_SRCS) tests/fuzz/fuzz.c)
$(B)/fuzzcov/%: tests/fuzz/entry.c $(B)/fuzzcov/obj/tests/fuzz/fuzz_%.o $(FZ_COV_OBJS) | deps
	$(FUZZ_CC) -std=c11 -Iinclude -I. -D_GNU_SOURCE $(FUZZ_COV_CFLAGS) -fsanitize=fuzzer \
		-DFZ_MODULE=fz_module_$* $< $(B)/fuzzcov/obj/tests/fuzz/fuzz_$*.o $(FZ_COV_OBJS) \
		-lpthread -o $@

# make fuzz [FUZZ_SECONDS=N] [FUZZ_ONLY="pt mpu"]: each module in turn, for
# N seconds; prints executions and coverage per module (scripts/fuzz.sh).
fuzz: deps $(patsubst %,$(B)/fuzz/%,$(FUZZ_ONLY))
	@scripts/fuzz.sh run $(FUZZ_SECONDS) $(FUZZ_ONLY)

# make fuzz-cov: line coverage of src/ by each module's corpus (the tree's
# and what make fuzz found in build/fuzz/corpus/<name>).
fuzz-cov: deps $(patsubst %,$(B)/fuzzcov/%,$(FUZZ_ONLY))
	@scripts/fuzz.sh cov 0 $(FUZZ_ONLY)

# make fuzz-corpus: the tree's corpus of each module from what make fuzz
# found: libFuzzer's merge (edges only) of build/fuzz/corpus/<name> and the
# tree's packed-* files, packed into files of at most 4 KiB
# (scripts/fuzz-pack.py); hand-made files (known-*) stay as they are.
fuzz-corpus: deps $(patsubst %,$(B)/fuzz/%,$(FUZZ_ONLY))
	@scripts/fuzz.sh corpus 0 $(FUZZ_ONLY)

# make soak: every module of tests/fuzz/modules.c with its soak count.
SOAK_ARGS ?=
soak: deps $(B)/soak/soak
	@$(B)/soak/soak $(SOAK_ARGS)

# ------------------------------------------------------------ qemu images --
# Both images build in the console and check reporting of tests/qemu/common.
QEMU_COMMON_SRCS := $(sort $(wildcard tests/qemu/common/*.c))
QEMU_COMMON_HDRS := $(wildcard tests/qemu/common/*.h)
# memset / memcpy / memmove of the 32-bit images' assembly (.include'd).
QEMU_MEM32_INC := tests/qemu/common/mem32.inc
# The MPU test kit, built into both MPU images (qemu-mpu and qemu-r52).
QEMU_MPU_KIT_SRCS := $(sort $(wildcard tests/qemu/mpu_common/*.c))
QEMU_MPU_KIT_HDRS := $(wildcard tests/qemu/mpu_common/*.h)
# The hypervisor harness, built into every AArch64 hypervisor image (with
# --gc-sections, each keeps what it uses). Its guest_abi.h and guest.h are
# also the EL1 guests' side of the check protocol (headers only: the guest
# parts call nothing outside themselves).
QEMU_HYP_SRCS := $(sort $(wildcard tests/qemu/hyp_common/*.c))
QEMU_HYP_HDRS := $(wildcard tests/qemu/hyp_common/*.h)

# The MPU image (Cortex-M33, with the MPU test kit): the shared console gets
# a 4 KiB capture buffer (the image owns 64 KiB of SRAM) and no printf
# format check (uint32_t is "long" with arm-none-eabi, and the image prints
# it with %x/%u/%d).
M33_CC := arm-none-eabi-gcc
M33_CFLAGS := $(WARN) -Os -g -mcpu=cortex-m33 -mthumb -Iinclude -I. -ffunction-sections -fdata-sections \
	-DCON_CAPTURE_LEN=4096u -DCON_FORMAT_CHECK=0
M33_SRCS := $(sort $(QEMU_COMMON_SRCS) $(wildcard tests/qemu/mpu/*.c)) $(QEMU_MPU_KIT_SRCS) \
	$(wildcard tests/qemu/mpu/*.S)
M33_LIB := $(B)/cortex-m33/libarmmap.a
M33_IMG := $(B)/qemu/mpu.elf
$(M33_IMG): $(M33_SRCS) $(M33_LIB) $(CORE_HDRS) $(wildcard tests/qemu/mpu/*.h) $(QEMU_COMMON_HDRS) \
		$(QEMU_MPU_KIT_HDRS) $(QEMU_MEM32_INC) tests/qemu/mpu/link.ld | deps
	@mkdir -p $(dir $@)
	$(M33_CC) $(M33_CFLAGS) -nostdlib -nostartfiles -T tests/qemu/mpu/link.ld \
		-Wl,--gc-sections $(M33_SRCS) $(M33_LIB) -lgcc -o $@

# Every QEMU run (make demo and the suites use these same definitions):
# -nodefaults: none of the default devices and backends the images do not use
#   (NIC, parallel port, monitor, empty floppy and SD drives); the images
#   print on the board's UART (-serial stdio) and exit by semihosting.
# -nic none: no network. Without it `virt` adds a virtio NIC whose option
#   ROM (efi-virtio.rom, package ipxe-qemu) a fresh machine lacks. The
#   an505's LAN9118 is part of the board; with no network QEMU warns
#   "nic lan9118.0 has no peer", which is expected.
# -L $(QEMU_FW): an empty directory first in QEMU's firmware path. Note:
#   QEMU still searches its built-in directories after it (`qemu-system-arm
#   -L x -L help` lists them), so an installed ROM is still found: it does
#   not make this machine a fresh one. The runs need no ROM because of
#   -nodefaults -nic none; `make fresh-check` proves it on a fresh machine.
QEMU_FW := $(B)/qemu-empty-fw
QEMU_OPTS := -nodefaults -nic none -display none -serial stdio -semihosting -L $(QEMU_FW)
qemu-empty-fw:
	@mkdir -p $(QEMU_FW)
	@if [ -n "$$(ls -A $(QEMU_FW))" ]; then \
	  echo "$(QEMU_FW) must be empty (QEMU's firmware path for the runs); it holds:"; \
	  ls -A $(QEMU_FW); exit 1; fi

QEMU_MPU := qemu-system-arm -M mps2-an505 $(QEMU_OPTS) -kernel

# The MMU image: EL2 stage 1 on an emulated Cortex-A57 (QEMU virt, started at
# EL2). -mstrict-align: the table building runs with the MMU off, where every
# access is Device memory and an unaligned one faults. 1 GiB of RAM so that
# the 1 GiB block the image maps covers RAM only.
A64_CC := aarch64-linux-gnu-gcc
A64_CFLAGS := $(WARN) -O2 -g -mcpu=cortex-a57 -mgeneral-regs-only -mstrict-align \
	-fno-pie -Iinclude -I. -ffunction-sections -fdata-sections
# Every AArch64 image links the aarch64 library (core and backends) as a
# program would; tests/qemu/aarch64 is the images' own scaffolding
# (exception vectors and reports, probes, the VM entry, PSCI, MMIO traps).
A64_LIB := $(B)/aarch64/libarmmap.a
A64_SCAF := $(sort $(wildcard tests/qemu/aarch64/*.c)) $(sort $(wildcard tests/qemu/aarch64/*.S))
A64_HDRS := $(CORE_HDRS) $(wildcard tests/qemu/aarch64/*.h)
A64_SRCS := $(sort $(QEMU_COMMON_SRCS) $(wildcard tests/qemu/mmu/*.c)) $(A64_SCAF) \
	$(sort $(wildcard tests/qemu/mmu/*.S))
A64_IMG := $(B)/qemu/mmu.elf
$(A64_IMG): $(A64_SRCS) $(A64_LIB) $(A64_HDRS) $(wildcard tests/qemu/mmu/*.h) \
		$(QEMU_COMMON_HDRS) tests/qemu/mmu/link.ld | deps
	@mkdir -p $(dir $@)
	$(A64_CC) $(A64_CFLAGS) -nostdlib -nostartfiles -static -no-pie -T tests/qemu/mmu/link.ld \
		-Wl,--gc-sections -Wl,--build-id=none -Wl,--no-warn-rwx-segments $(A64_SRCS) $(A64_LIB) -lgcc -o $@

QEMU_MMU := qemu-system-aarch64 -M virt,virtualization=on -cpu cortex-a57 -m 1G $(QEMU_OPTS) -kernel
# The same image on -cpu max (FEAT_TLBIRANGE), its own suite: the semihosting
# command line (-append) tells it to expect the range TLBIs and to close
# with "qemu-mmu-max: N passed, M failed".
QEMU_MMU_MAX := qemu-system-aarch64 -M virt,virtualization=on -cpu max -m 1G $(QEMU_OPTS) \
	-append " tlbirange=1" -kernel

# The guest image: an EL2 hypervisor that builds a guest's stage 2 with the
# P2M and runs a tiny EL1 guest under it, in one ELF. The guest part
# (guest.c, guest_entry.S) is linked apart into one relocatable object that
# link.ld places in the guest's own 2 MiB of RAM; it must not call into the
# hypervisor (whose code the stage 2 does not map), which nm -u checks. The
# hypervisor reuses the entry code and the UART / semihosting of the MMU image.
GUEST_DIR := tests/qemu/guest
GUEST_EL1_SRCS := $(GUEST_DIR)/guest.c $(GUEST_DIR)/guest_entry.S
GUEST_EL1_OBJ := $(B)/qemu/guest-el1.o
GUEST_SRCS := $(sort $(QEMU_COMMON_SRCS) $(QEMU_HYP_SRCS)) $(A64_SCAF) \
	$(GUEST_DIR)/hyp.c tests/qemu/mmu/board.c tests/qemu/mmu/startup.S
GUEST_IMG := $(B)/qemu/guest.elf
$(GUEST_EL1_OBJ): $(GUEST_EL1_SRCS) $(GUEST_DIR)/abi.h $(QEMU_HYP_HDRS) $(A64_HDRS) | deps
	@mkdir -p $(dir $@)
	$(A64_CC) $(A64_CFLAGS) -fno-tree-loop-distribute-patterns -nostdlib -nostartfiles -r \
		$(GUEST_EL1_SRCS) -o $@
	@undef=$$($(patsubst %gcc,%nm,$(A64_CC)) -u $@); if [ -n "$$undef" ]; then \
	  echo "$@: the guest part calls outside itself:"; echo "$$undef"; rm -f $@; exit 1; fi
$(GUEST_IMG): $(GUEST_SRCS) $(GUEST_EL1_OBJ) $(A64_LIB) $(A64_HDRS) \
		$(GUEST_DIR)/abi.h tests/qemu/mmu/image.h $(QEMU_COMMON_HDRS) $(QEMU_HYP_HDRS) $(GUEST_DIR)/link.ld | deps
	@mkdir -p $(dir $@)
	$(A64_CC) $(A64_CFLAGS) -nostdlib -nostartfiles -static -no-pie -T $(GUEST_DIR)/link.ld \
		-Wl,--gc-sections -Wl,--build-id=none -Wl,--no-warn-rwx-segments $(GUEST_SRCS) \
		$(GUEST_EL1_OBJ) $(A64_LIB) -lgcc -o $@

QEMU_GUEST := $(QEMU_MMU)

# The MMIO guard image: an EL2 hypervisor serving the MMIO guard hypercalls
# (am_mmio_hyp) and carrying out the device accesses of guarded granules,
# and an EL1 guest firmware that builds its own stage 1 with armmap and maps
# its devices lazily with the tracker (am_mmio_tracker). The guest part
# carries its own copy of the library (core, pt, mmio_guard) and of the
# aarch64 backend it uses, linked apart into one relocatable object that
# link.ld places in the guest's 2 MiB of RAM. nm -u checks that it calls
# nothing outside itself; objcopy then makes every symbol local but its
# entry points, so that its copy does not clash with the hypervisor's.
MG_DIR := tests/qemu/mmio_guard
MG_EL1_SRCS := $(MG_DIR)/guest.c $(MG_DIR)/guest_entry.S \
	$(addprefix tests/qemu/aarch64/,exc.c vectors.S probe.S)
MG_EL1_GLOBALS := mg_guest_entry mg_boot_vectors mg_rd32_insn mg_wr32_insn
MG_EL1_OBJ := $(B)/qemu/mmio_guard-el1.o
MG_SRCS := $(sort $(QEMU_COMMON_SRCS) $(QEMU_HYP_SRCS)) $(A64_SCAF) \
	$(MG_DIR)/hyp.c tests/qemu/mmu/board.c tests/qemu/mmu/startup.S
MG_IMG := $(B)/qemu/mmio_guard.elf
$(MG_EL1_OBJ): $(MG_EL1_SRCS) $(A64_LIB) $(MG_DIR)/abi.h $(QEMU_HYP_HDRS) $(A64_HDRS) | deps
	@mkdir -p $(dir $@)
	$(A64_CC) $(A64_CFLAGS) -fno-tree-loop-distribute-patterns -nostdlib -nostartfiles -r \
		$(MG_EL1_SRCS) $(A64_LIB) -o $@.all
	@undef=$$($(patsubst %gcc,%nm,$(A64_CC)) -u $@.all); if [ -n "$$undef" ]; then \
	  echo "$@: the guest part calls outside itself:"; echo "$$undef"; rm -f $@.all; exit 1; fi
	$(patsubst %gcc,%objcopy,$(A64_CC)) $(addprefix --keep-global-symbol=,$(MG_EL1_GLOBALS)) \
		$@.all $@
	@rm -f $@.all
$(MG_IMG): $(MG_SRCS) $(MG_EL1_OBJ) $(A64_LIB) $(A64_HDRS) \
		$(MG_DIR)/abi.h tests/qemu/mmu/image.h $(QEMU_COMMON_HDRS) $(QEMU_HYP_HDRS) $(MG_DIR)/link.ld | deps
	@mkdir -p $(dir $@)
	$(A64_CC) $(A64_CFLAGS) -nostdlib -nostartfiles -static -no-pie -T $(MG_DIR)/link.ld \
		-Wl,--gc-sections -Wl,--build-id=none -Wl,--no-warn-rwx-segments $(MG_SRCS) \
		$(MG_EL1_OBJ) $(A64_LIB) -lgcc -o $@

QEMU_MMIO_GUARD := $(QEMU_MMU)

# The SMP image: four CPUs (PSCI CPU_ON) share one EL2 stage-1 table and
# guest stage-2 tables under the aarch64 spinlock. It reuses the entry code
# and the UART / semihosting of the MMU image and, of the hypervisor harness
# (tests/qemu/hyp_common), the fatal-exception report, the attributes and the
# PA size; its own link.ld gives each CPU a stack.
SMP_DIR := tests/qemu/smp
SMP_SRCS := $(sort $(QEMU_COMMON_SRCS) $(QEMU_HYP_SRCS)) $(A64_SCAF) \
	$(sort $(wildcard $(SMP_DIR)/*.c)) tests/qemu/mmu/board.c tests/qemu/mmu/startup.S
SMP_IMG := $(B)/qemu/smp.elf
$(SMP_IMG): $(SMP_SRCS) $(A64_LIB) $(A64_HDRS) $(wildcard $(SMP_DIR)/*.h) \
		tests/qemu/mmu/image.h $(QEMU_COMMON_HDRS) $(QEMU_HYP_HDRS) $(SMP_DIR)/link.ld | deps
	@mkdir -p $(dir $@)
	$(A64_CC) $(A64_CFLAGS) -nostdlib -nostartfiles -static -no-pie -T $(SMP_DIR)/link.ld \
		-Wl,--gc-sections -Wl,--build-id=none -Wl,--no-warn-rwx-segments $(SMP_SRCS) $(A64_LIB) -lgcc -o $@

QEMU_SMP := qemu-system-aarch64 -M virt,virtualization=on -cpu cortex-a57 -m 1G -smp 4 $(QEMU_OPTS) -kernel

# The regimes image (suite qemu-regimes): armmap's translation regimes and
# granules with real accesses and AT. QEMU virt with secure=on starts a
# bare-metal image at EL3 (Secure) and has Secure-only RAM at 0x0e000000:
# stage 1 EL3 and the NS bit; then the image drops to Non-secure EL2:
# stage 1 EL2 with the 16 KiB and the 64 KiB granule (pages, 32 MiB and
# 512 MiB blocks, TLB maintenance), an EL1 guest on a 64 KiB stage 2 with a
# root of 4 concatenated tables (its loads and its stage-2 aborts), the same
# guest on a 4 KiB FEAT_LPA2 stage 2 of 52-bit IPAs (16 concatenated level-0
# tables: a load above 2^51, aborts at levels 3 and 0), and on a 64 KiB stage
# 2 of 29-bit IPAs whose root is at level 3 (SL0 0b00), a 64 KiB
# table with 52-bit output addresses (a page and a 4 TiB block above 2^48
# by AT), 4 and 16 KiB tables with FEAT_LPA2 (TCR_EL2.DS: the RAM checks on
# the DS=1 format, a page and a block above 2^50 by AT, a leaf's other
# shareability refused; 4 and 16 KiB with 52-bit VAs, T0SZ 12, the 4 KiB
# walk from level -1: a RAM page at VA 0xf800000000000, VA 2^52 faulting at
# level 0, a level -1 entry invalid faulting at level -1, FSC 0x2b); then
# VHE: stage 1 EL2&0, both VA ranges. 65 checks.
# -cpu max has FEAT_TLBIRANGE, FEAT_VHE, both granules at both stages,
# FEAT_LPA (PARange 0b0110) and FEAT_LPA2 (TGran4 0b0001, TGran16 0b0010).
# It reuses the MMU image's entry and board; its own link.ld aligns the
# image's parts to 64 KiB.
EL3_DIR := tests/qemu/el3
EL3_SRCS := $(sort $(QEMU_COMMON_SRCS) $(wildcard $(EL3_DIR)/*.c)) $(A64_SCAF) \
	$(sort $(wildcard $(EL3_DIR)/*.S)) tests/qemu/mmu/board.c tests/qemu/mmu/startup.S
EL3_IMG := $(B)/qemu/el3.elf
$(EL3_IMG): $(EL3_SRCS) $(A64_LIB) $(A64_HDRS) tests/qemu/mmu/image.h $(QEMU_COMMON_HDRS) \
		$(EL3_DIR)/link.ld | deps
	@mkdir -p $(dir $@)
	$(A64_CC) $(A64_CFLAGS) -nostdlib -nostartfiles -static -no-pie -T $(EL3_DIR)/link.ld \
		-Wl,--gc-sections -Wl,--build-id=none -Wl,--no-warn-rwx-segments $(EL3_SRCS) $(A64_LIB) -lgcc -o $@
QEMU_EL3 := qemu-system-aarch64 -M virt,secure=on,virtualization=on -cpu max -m 1G $(QEMU_OPTS) -kernel

# The Cortex-R52 image (QEMU mps3-an536, QEMU 10): an EL2 hypervisor on the
# EL2 MPU and an EL1 guest behind it, both on the arch/armv8r backend. The
# guest part (guest.c, guest_entry.S and its own copy of the core, the MPU
# map and the backend) is linked apart into one relocatable object that
# link.ld places in the guest's memory; nm -u checks that it calls nothing
# outside itself, and objcopy makes every symbol local but the two the
# hypervisor needs. The MPU checks are tests/qemu/mpu_common/kit.c.
R52_DIR := tests/qemu/r52
R52_CC := arm-none-eabi-gcc
R52_CFLAGS := $(WARN) -O2 -g -mcpu=cortex-r52 -marm -mfloat-abi=soft -mno-unaligned-access \
	-Iinclude -I. -ffunction-sections -fdata-sections -DCON_FORMAT_CHECK=0
R52_EL1_SRCS := $(R52_DIR)/guest.c $(R52_DIR)/guest_entry.S
R52_LIB := $(B)/cortex-r52/libarmmap.a
R52_EL1_GLOBALS := guest_entry guest_ld_insn
R52_EL1_OBJ := $(B)/qemu/r52-el1.o
R52_SRCS := $(QEMU_COMMON_SRCS) \
	$(QEMU_MPU_KIT_SRCS) $(R52_DIR)/main.c $(R52_DIR)/board.c $(R52_DIR)/startup.S
R52_HDRS := $(CORE_HDRS) $(wildcard $(R52_DIR)/*.h) $(QEMU_MPU_KIT_HDRS) \
	$(QEMU_COMMON_HDRS) $(QEMU_MEM32_INC)
R52_IMG := $(B)/qemu/r52.elf
$(R52_EL1_OBJ): $(R52_EL1_SRCS) $(R52_LIB) $(R52_HDRS) | deps
	@mkdir -p $(dir $@)
	$(R52_CC) $(R52_CFLAGS) -fno-tree-loop-distribute-patterns -nostdlib -nostartfiles -r \
		$(R52_EL1_SRCS) $(R52_LIB) -lgcc -o $@.all
	@undef=$$(arm-none-eabi-nm -u $@.all | grep -v ' __guest_'); if [ -n "$$undef" ]; then \
	  echo "$@: the guest part calls outside itself (link.ld's __guest_* aside):"; \
	  echo "$$undef"; rm -f $@.all; exit 1; fi
	arm-none-eabi-objcopy $(addprefix --keep-global-symbol=,$(R52_EL1_GLOBALS)) $@.all $@
	@rm -f $@.all
$(R52_IMG): $(R52_SRCS) $(R52_EL1_OBJ) $(R52_LIB) $(R52_HDRS) $(R52_DIR)/link.ld | deps
	@mkdir -p $(dir $@)
	$(R52_CC) $(R52_CFLAGS) -nostdlib -nostartfiles -static -T $(R52_DIR)/link.ld \
		-Wl,--gc-sections -Wl,--build-id=none -Wl,--no-warn-rwx-segments $(R52_SRCS) \
		$(R52_EL1_OBJ) $(R52_LIB) -lgcc -o $@
QEMU_R52 := qemu-system-arm -M mps3-an536 $(QEMU_OPTS) -kernel

# The Linux guest: an unmodified Debian arm64 kernel (linux-image-cloud-arm64)
# and an initramfs of busybox-static with tests/qemu/linux/init as /init, from
# Debian's packages (scripts/linux-guest.sh; the .debs stay in
# $(LINUX_DIR)/pkgs/). The script rewrites an output only when its content
# changes, so an output may stay older than the script: the stamp records the
# last run. It runs again when the script or the init changed, when an output
# is missing, and on `make linux-guest` (the packages move on: a new kernel).
LINUX_DIR := $(B)/linux
LINUX_GUEST := $(LINUX_DIR)/Image $(LINUX_DIR)/initrd.gz $(LINUX_DIR)/release
LINUX_STAMP := $(LINUX_DIR)/stamp
LINUX_RERUN := $(if $(filter linux-guest,$(MAKECMDGOALS))$(filter-out $(wildcard $(LINUX_GUEST)),\
	$(LINUX_GUEST)),linux-guest-rerun)
$(LINUX_STAMP): scripts/linux-guest.sh tests/qemu/linux/init $(LINUX_RERUN) | deps
	@scripts/linux-guest.sh $(LINUX_DIR)
	@touch $@
$(LINUX_GUEST): $(LINUX_STAMP) ;
linux-guest-rerun: ;
linux-guest: $(LINUX_STAMP)

# The Linux image: an EL2 hypervisor serving Xen's guest ABI on armmap's P2M
# (tests/qemu/linux), which boots Debian's unmodified arm64 kernel
# (scripts/linux-guest.sh fetches it into $(LINUX_DIR), cached) and runs a
# small refusal guest (refuse.c, a raw binary). The guest's device tree is
# guest.dts through cpp with layout.h, the one copy of the addresses, which
# scripts/run-linux.sh reads too.
LX_DIR := tests/qemu/linux
LX_SRCS := $(sort $(QEMU_COMMON_SRCS) $(QEMU_HYP_SRCS)) $(A64_SCAF) \
	$(LX_DIR)/hyp.c tests/qemu/mmu/board.c tests/qemu/mmu/startup.S
LX_IMG := $(B)/qemu/linux.elf
LX_HDRS := $(wildcard $(LX_DIR)/*.h)
$(LX_IMG): $(LX_SRCS) $(A64_LIB) $(A64_HDRS) $(LX_HDRS) \
		$(QEMU_COMMON_HDRS) $(QEMU_HYP_HDRS) $(LX_DIR)/link.ld | deps
	@mkdir -p $(dir $@)
	$(A64_CC) $(A64_CFLAGS) -nostdlib -nostartfiles -static -no-pie -T $(LX_DIR)/link.ld \
		-Wl,--gc-sections -Wl,--build-id=none -Wl,--no-warn-rwx-segments $(LX_SRCS) $(A64_LIB) -lgcc -o $@
LX_REFUSE := $(B)/qemu/linux-refuse.bin
$(LX_REFUSE): $(LX_DIR)/refuse.c $(LX_DIR)/refuse.ld $(LX_HDRS) | deps
	@mkdir -p $(dir $@)
	$(A64_CC) $(A64_CFLAGS) -nostdlib -nostartfiles -static -no-pie -T $(LX_DIR)/refuse.ld \
		-Wl,--build-id=none -Wl,--no-warn-rwx-segments $(LX_DIR)/refuse.c -o $@.elf
	$(patsubst %gcc,%objcopy,$(A64_CC)) -O binary $@.elf $@
LX_DTB := $(B)/qemu/linux-guest.dtb
$(LX_DTB): $(LX_DIR)/guest.dts $(LX_DIR)/layout.h $(LINUX_DIR)/initrd.gz | deps
	@mkdir -p $(dir $@)
	$(A64_CC) -E -P -nostdinc -undef -x assembler-with-cpp -include $(LX_DIR)/layout.h \
		-DLX_INITRD_SIZE=$$(stat -c %s $(LINUX_DIR)/initrd.gz) $(LX_DIR)/guest.dts | \
		dtc -q -I dts -O dtb -o $@ -
LX_RUN := $(LX_IMG) $(LX_REFUSE) $(LX_DTB) $(LINUX_GUEST)
QEMU_LINUX := qemu-system-aarch64 -M virt,virtualization=on -cpu cortex-a57 -m 512M $(QEMU_OPTS)

# ------------------------------------------------------------- inspector --
# The `armmap` inspector (tools/, docs/inspector.md): a host program that
# runs a scenario of calls against the library on the executable models
# (model/) and the host backends (arch/host/), linked with the library as
# the host builds it and with the models and backends built at -O2
# ($(B)/opt/, as the soak's). `make inspector` builds it; suite inspector
# (scripts/inspector.sh) runs examples/*.scn against their goldens in
# tests/inspector/ and renders their pictures with rsvg-convert.
TOOL_SRCS := $(sort $(wildcard tools/*.c))
TOOL_HDRS := $(wildcard tools/*.h)
TOOL_OBJS := $(patsubst %.c,$(B)/opt/%.o,$(MODEL_SRCS) $(HOSTARCH_SRCS))
$(B)/tools/armmap: $(TOOL_SRCS) $(TOOL_HDRS) $(TOOL_OBJS) $(B)/host/libarmmap.a $(CORE_HDRS) | deps
	@mkdir -p $(dir $@)
	gcc $(OPT_CFLAGS) $(TOOL_SRCS) $(TOOL_OBJS) $(B)/host/libarmmap.a -lpthread -o $@
.PHONY: inspector suite-inspector
inspector: $(B)/tools/armmap

# ------------------------------------------------------------------ test --
# Every suite prints `<suite>: N passed, M failed`; scripts/run-suites.sh
# runs them all and closes with the total.
SUITES := $(patsubst $(B)/tests/%,unit-%,$(UNIT_BINS)) config-reduced size-pt $(addprefix tsan-,$(TSAN_TESTS)) \
	fuzz-replay soak-slice cross-build addr-types install docs qemu-mpu qemu-r52 qemu-mmu qemu-mmu-max qemu-guest \
	qemu-mmio-guard qemu-smp qemu-regimes qemu-linux inspector

# Each suite builds what it runs, so one that does not build is counted as
# failed while the others still run.
test: deps
	@scripts/run-suites.sh $(SUITES)

suite-unit-%: $(B)/tests/%
	@$(B)/tests/$*

suite-config-reduced: $(B)/reduced/test-reduced
	@$(B)/reduced/test-reduced

suite-size-pt: $(B)/os/test-pt
	@$(B)/os/test-pt

suite-tsan-%: $(B)/tsan/test-%
	@TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 $(B)/tsan/test-$*

suite-fuzz-replay: $(B)/fuzz-san/replay
	@$(B)/fuzz-san/replay tests/fuzz/corpus

suite-soak-slice: $(B)/fuzz-san/soak
	@$(B)/fuzz-san/soak -s soak-slice -o $(B)/soak-slice --slice

suite-cross-build: | deps
	@scripts/cross-build.sh $(filter-out host,$(TARGETS))

suite-addr-types: | deps
	@scripts/addr-types.sh

suite-install: | deps
	@scripts/install-check.sh

suite-docs: | deps
	@scripts/docs-check.sh

suite-qemu-mpu: $(M33_IMG) | qemu-empty-fw
	@scripts/run-qemu.sh qemu-mpu 60 $(QEMU_MPU) $(M33_IMG)

suite-qemu-mmu: $(A64_IMG) | qemu-empty-fw
	@scripts/run-qemu.sh qemu-mmu 60 $(QEMU_MMU) $(A64_IMG)

suite-qemu-mmu-max: $(A64_IMG) | qemu-empty-fw
	@scripts/run-qemu.sh qemu-mmu-max 60 $(QEMU_MMU_MAX) $(A64_IMG)

suite-qemu-guest: $(GUEST_IMG) | qemu-empty-fw
	@scripts/run-qemu.sh qemu-guest 60 $(QEMU_GUEST) $(GUEST_IMG)

suite-qemu-mmio-guard: $(MG_IMG) | qemu-empty-fw
	@scripts/run-qemu.sh qemu-mmio-guard 60 $(QEMU_MMIO_GUARD) $(MG_IMG)

suite-qemu-regimes: $(EL3_IMG) | qemu-empty-fw
	@scripts/run-qemu.sh qemu-regimes 60 $(QEMU_EL3) $(EL3_IMG)

suite-qemu-smp: $(SMP_IMG) | qemu-empty-fw
	@scripts/run-qemu.sh qemu-smp 120 $(QEMU_SMP) $(SMP_IMG)

suite-qemu-r52: $(R52_IMG) | qemu-empty-fw
	@scripts/run-qemu.sh qemu-r52 60 $(QEMU_R52) $(R52_IMG)

suite-qemu-linux: $(LX_RUN) | qemu-empty-fw
	@scripts/run-linux.sh $(LX_IMG) $(LX_REFUSE) $(LX_DTB) $(LINUX_DIR) -- $(QEMU_LINUX)

suite-inspector: $(B)/tools/armmap | deps
	@scripts/inspector.sh $(B)/tools/armmap

# ------------------------------------------------------------------ demo --
demo: deps $(M33_IMG) $(R52_IMG) $(A64_IMG) $(GUEST_IMG) $(MG_IMG) $(EL3_IMG) $(LX_RUN) | qemu-empty-fw
	@echo "armmap demo: the library on emulated Arm hardware (QEMU), seven runs, each checking"
	@echo "what the hardware does with what armmap maps:"
	@echo "  1. Cortex-M33 (Armv8-M MPU): the region map, faults from real accesses"
	@echo "  2. Cortex-R52 (Armv8-R): a hypervisor on the EL2 MPU, a guest with its own EL1 MPU"
	@echo "  3. Cortex-A57 (EL2 MMU): stage-1 tables, blocks, contiguous runs, faults, AT"
	@echo "  4. Cortex-A57: a hypervisor building its guest's stage 2 with the P2M"
	@echo "  5. Cortex-A57: a guest firmware mapping its devices lazily through the MMIO guard"
	@echo "  6. Arm -cpu max at EL3 (Secure): a secure monitor's table, Secure and Non-secure memory;"
	@echo "     then at EL2 the 16 and 64 KiB granules, 52-bit addresses (guests on a 64 KiB and a"
	@echo "     52-bit LPA2 stage 2) and VHE"
	@echo "  7. Cortex-A57: Debian's unmodified Linux booting as a Xen guest on the P2M"
	@echo
	@echo "== armmap on an emulated Cortex-M33 (mps2-an505, the MPU regions MPU_TYPE reports) =="
	@timeout 60 $(QEMU_MPU) $(M33_IMG); st=$$?; \
	  if [ $$st -ne 0 ]; then echo "demo: the MPU image exited with status $$st"; exit 1; fi
	@echo
	@echo "== armmap on an emulated Cortex-R52 (mps3-an536, Armv8-R: an EL2 hypervisor on the EL2 MPU, an EL1 guest behind it) =="
	@timeout 60 $(QEMU_R52) $(R52_IMG); st=$$?; \
	  if [ $$st -ne 0 ]; then echo "demo: the R52 image exited with status $$st"; exit 1; fi
	@echo
	@echo "== armmap on an emulated Cortex-A57 (virt, EL2 stage-1 MMU, 4 KiB granule) =="
	@timeout 60 $(QEMU_MMU) $(A64_IMG); st=$$?; \
	  if [ $$st -ne 0 ]; then echo "demo: the MMU image exited with status $$st"; exit 1; fi
	@echo
	@echo "== armmap on an emulated Cortex-A57 (virt, EL2 hypervisor, stage-2 P2M, EL1 guest) =="
	@timeout 60 $(QEMU_GUEST) $(GUEST_IMG); st=$$?; \
	  if [ $$st -ne 0 ]; then echo "demo: the guest image exited with status $$st"; exit 1; fi
	@echo
	@echo "== armmap on an emulated Cortex-A57 (virt, EL2 hypervisor, lazy MMIO guard of an EL1 firmware) =="
	@timeout 60 $(QEMU_MMIO_GUARD) $(MG_IMG); st=$$?; \
	  if [ $$st -ne 0 ]; then echo "demo: the MMIO guard image exited with status $$st"; exit 1; fi
	@echo
	@echo "== armmap at EL3, then EL2 (virt, secure=on, -cpu max: stage 1 EL3, the NS bit, range TLBIs; 16 and 64 KiB granules at EL2 and stage 2; VHE) =="
	@timeout 60 $(QEMU_EL3) $(EL3_IMG); st=$$?; \
	  if [ $$st -ne 0 ]; then echo "demo: the EL3 image exited with status $$st"; exit 1; fi
	@echo
	@echo "== armmap under a real Linux: Debian's arm64 kernel as a Xen guest of an EL2 hypervisor on the P2M =="
	@scripts/run-linux.sh --demo $(LX_IMG) $(LX_REFUSE) $(LX_DTB) $(LINUX_DIR) -- $(QEMU_LINUX) || \
	  { echo "demo: the Linux run failed"; exit 1; }

# ------------------------------------------------------------------ size --
# The footprint figures (issue 13): the `size` text (code and constants) of
# the objects of one side of the library, built for a target with its
# compiler and flags at -Os and a configuration of include/armmap/config.h,
# against a target size. Per figure: FP_T target, FP_D configuration, FP_S
# source directories, FP_MAX the target size in bytes, FP_W what it is.
# The figures leave out the dumps (am_pt_dump(), am_mpu_dump() and their
# formatter): a diagnostic a program links only when it calls it.
FP_LEAVE_OUT := src/core/fmt.c src/mpu/dump.c src/pt/dump.c
FIGURES := mpu-v8m mpu-full pt-full
FP_T_mpu-v8m := cortex-m33
FP_D_mpu-v8m := -DAM_CONFIG_MPU_V8M -DAM_CONFIG_NO_LOG_STRINGS
FP_S_mpu-v8m := src/core src/mpu
FP_MAX_mpu-v8m := 3072
FP_W_mpu-v8m := core+mpu, v8-M only, no log strings
FP_T_mpu-full := aarch64
FP_D_mpu-full := -DAM_CONFIG_NO_LOG_STRINGS
FP_S_mpu-full := src/core src/mpu
FP_MAX_mpu-full := 4403
FP_W_mpu-full := core+mpu, every flavour, no log strings (Xen's MPU map: 4403)
FP_T_pt-full := aarch64
FP_D_pt-full := -DAM_CONFIG_NO_LOG_STRINGS
FP_S_pt-full := src/core src/pt
FP_MAX_pt-full := 8192
FP_W_pt-full := core+pt, every regime, no log strings
define figure_rules
$(B)/fp/$(1)/%.o: %.c $(CORE_HDRS) | deps
	@mkdir -p $$(dir $$@)
	$$(CC_$$(FP_T_$(1))) $(CORE_CFLAGS) $$(patsubst -O%,-Os,$$(CF_$$(FP_T_$(1)))) $$(FP_D_$(1)) -c $$< -o $$@
FP_OBJS_$(1) := $$(patsubst %.c,$(B)/fp/$(1)/%.o,$$(filter-out $(FP_LEAVE_OUT),$$(sort $$(foreach d,$$(FP_S_$(1)),$$(wildcard $$(d)/*.c)))))
endef
$(foreach f,$(FIGURES),$(eval $(call figure_rules,$(f))))

# And what a firmware pays (informative; the figures above are the issue's
# measure): a client's calls through the shipped backend (not counted),
# linked with the objects built in sections of their own and --gc-sections;
# the code and constants of the library (src/) the link kept. Per client
# bench/size_client_<name>.c: LK_T target, LK_D configuration, LK_S source
# directories, LK_A the backend's sources, LK_MAX the figure's target, LK_W
# what it is. v8m: an RTOS's calls of the MPU side, the v8-M figure's
# configuration. el3: a secure monitor's calls of the table side (those of
# TF-A's xlat_tables_v2), built for the one regime and granule it uses.
LINKED := v8m el3
LK_T_v8m := cortex-m33
LK_D_v8m := $(FP_D_mpu-v8m)
LK_S_v8m := $(FP_S_mpu-v8m)
LK_A_v8m := arch/armv8m/mpu.c
LK_MAX_v8m := $(FP_MAX_mpu-v8m)
LK_W_v8m := core+mpu a v8-M firmware links (init, boot table, map, unmap)
LK_T_el3 := aarch64
LK_D_el3 := -DAM_CONFIG_PT_S1_EL3 -DAM_CONFIG_PT_GRANULE_4K -DAM_CONFIG_NO_LOG_STRINGS
LK_S_el3 := $(FP_S_pt-full)
LK_A_el3 := $(addprefix arch/aarch64/,el3_mmu.c pool.c pt_ops.c spinlock.c)
LK_MAX_el3 := $(FP_MAX_pt-full)
LK_W_el3 := core+pt an EL3 firmware links (boot regions, MMU on, map, modify, query, unmap)
define linked_rules
LK_CF_$(1) := $(CORE_CFLAGS) -I. $$(patsubst -O%,-Os,$$(CF_$$(LK_T_$(1)))) $$(LK_D_$(1)) \
	-ffunction-sections -fdata-sections
LK_OBJS_$(1) := $$(patsubst %.c,$(B)/fp/lk-$(1)/%.o,$$(filter-out $(FP_LEAVE_OUT),$$(sort \
	$$(foreach d,$$(LK_S_$(1)),$$(wildcard $$(d)/*.c)))) $$(LK_A_$(1)))
$(B)/fp/lk-$(1)/%.o: %.c $(CORE_HDRS) | deps
	@mkdir -p $$(dir $$@)
	$$(CC_$$(LK_T_$(1))) $$(LK_CF_$(1)) -c $$< -o $$@
$(B)/fp/lk-$(1)/client.elf: bench/size_client_$(1).c tests/install/mem.c $$(LK_OBJS_$(1))
	$$(CC_$$(LK_T_$(1))) $$(LK_CF_$(1)) -nostdlib -static -Wl,--gc-sections -Wl,-e,client_entry \
		-Wl,-Map=$$(@D)/client.map -o $$@ $$^ -lgcc
endef
$(foreach l,$(LINKED),$(eval $(call linked_rules,$(l))))

size: deps $(foreach t,$(TARGETS),$(B)/$(t)/libarmmap.a) $(foreach f,$(FIGURES),$(FP_OBJS_$(f))) \
		$(foreach l,$(LINKED),$(B)/fp/lk-$(l)/client.elf)
	@$(foreach t,$(TARGETS),scripts/size-line.sh $(t) $(SIZE_$(t)) $(B)/$(t)/libarmmap.a "$(CC_$(t)) $(CF_$(t))";)
	@$(foreach f,$(FIGURES),scripts/size-line.sh --figure "$(FP_W_$(f))" $(FP_T_$(f)) \
		$(SIZE_$(FP_T_$(f))) $(FP_MAX_$(f)) "-Os $(FP_D_$(f))" $(FP_OBJS_$(f));)
	@$(foreach l,$(LINKED),scripts/size-line.sh --linked "$(LK_W_$(l))" $(LK_T_$(l)) \
		$(LK_MAX_$(l)) "-Os $(LK_D_$(l)), --gc-sections" $(B)/fp/lk-$(l)/client.map \
		$(B)/fp/lk-$(l)/src/;)

# ------------------------------------------------------------------ docs --
# The API reference (issue 14): Doxygen (docs/Doxyfile) on the public
# headers, HTML in build/docs/html/ (index.html). Any Doxygen warning (an
# undocumented function, member or parameter, a documentation error) fails
# it, as do a header without a page and a function without an entry;
# scripts/docs-check.sh is also the suite docs.
docs: deps
	@scripts/docs-check.sh

# ----------------------------------------------------------------- bench --
BENCH_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -Iinclude -I. -D_GNU_SOURCE
bench: deps $(B)/bench/bench_mpu $(B)/bench/bench_pt $(B)/bench/bench_pt_timing
	@bench/run.sh $(B)/bench/bench_mpu
	@echo
	@bench/run.sh $(B)/bench/bench_pt $(B)/bench/bench_pt_timing
# The table engine's instruction counts at git revision REV against the
# working tree (bench/compare.sh; issue 15 measured against ce30207).
REV ?= ce30207
bench-compare: deps
	@BENCH_CFLAGS="$(BENCH_CFLAGS)" bench/compare.sh $(REV)
# bench_pt counts instructions built as the library is; bench_pt_timing, the
# same sources, times the bulk ranges with loops aligned to 32 bytes: those
# figures are tight store loops whose speed otherwise depends on where the
# linker puts them (a loop across a 32-byte fetch window ran at half speed),
# which any edit moves. The padding would add instructions to the counts.
BENCH_PT_SRCS := bench/bench_pt.c bench/bench_pt_calls.c
$(B)/bench/bench_pt: $(BENCH_PT_SRCS) bench/bench_pt.h bench/bench.h $(CORE_SRCS) $(CORE_HDRS) | deps
	@mkdir -p $(dir $@)
	gcc $(BENCH_CFLAGS) $(BENCH_PT_SRCS) $(CORE_SRCS) -o $@
$(B)/bench/bench_pt_timing: $(BENCH_PT_SRCS) bench/bench_pt.h bench/bench.h $(CORE_SRCS) $(CORE_HDRS) | deps
	@mkdir -p $(dir $@)
	gcc $(BENCH_CFLAGS) -falign-loops=32 $(BENCH_PT_SRCS) $(CORE_SRCS) -o $@
$(B)/bench/bench_mpu: bench/bench_mpu.c bench/bench.h $(CORE_SRCS) $(CORE_HDRS) | deps
	@mkdir -p $(dir $@)
	gcc $(BENCH_CFLAGS) bench/bench_mpu.c $(CORE_SRCS) -o $@

format: deps
	clang-format -i $$(git ls-files '*.c' '*.h')

# ----------------------------------------------------------- fresh-check --
# The README's commands (make demo, make test) on a fresh Debian 12 chroot
# (debootstrap minbase) with a clone of the committed HEAD; see docs/testing.md.
fresh-check: deps
	@scripts/fresh-check.sh

clean:
	rm -rf $(B)
