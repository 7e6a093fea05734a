# wirelab: one reference server built into variants, plus the harness.
#   make                      every implemented variant (build/<variant>/wirelab-httpd)
#   make VARIANT=NAME         one variant
#   make variants             the matrix and which variants are implemented
#   make test                 install deps, build, run the whole suite (+ ASan/UBSan)
#   make demo                 install deps, build, run the short default sweep
#   V=1                       show full commands
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

.DEFAULT_GOAL := all
include variants/matrix.mk

BUILD   ?= build
CC      ?= cc
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
WARN    := -Wall -Wextra -Wshadow -Wno-unused-parameter -Wformat=2 -Wvla
BASEFLAGS := -std=gnu11 -D_GNU_SOURCE -pthread -MMD -MP $(WARN) -fno-strict-aliasing
SANFLAGS  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

ifeq ($(V),1)
Q :=
else
Q := @
endif

ifdef VARIANT
ifneq ($(shell variants/check $(VARIANT) 2>&1 >/dev/null),)
$(error $(shell variants/check $(VARIANT) 2>&1 >/dev/null))
endif
ifeq ($(call wl_implemented,$(VARIANT)),)
$(error variant '$(VARIANT)' is valid but not implemented yet (see 'make variants'))
endif
BUILD_VARIANTS := $(VARIANT)
else
BUILD_VARIANTS := $(WL_IMPL_VARIANTS)
endif

SERVER_COMMON := $(sort $(filter-out server/ev_% server/tx_% server/tls_%,$(wildcard server/*.c)))
wl_tls_of = $(call wl_axis,$(1),4)
variant_srcs = $(SERVER_COMMON) \
  $(sort $(wildcard server/ev_$(call wl_axis,$(1),1)*.c)) \
  $(sort $(wildcard server/tx_$(call wl_tls_of,$(1))*.c)) \
  $(if $(filter plain,$(call wl_tls_of,$(1))),,$(sort $(wildcard server/tls_*.c)))
variant_libs = -pthread \
  $(if $(filter uring,$(call wl_axis,$(1),1)),-luring) \
  $(if $(filter plain,$(call wl_tls_of,$(1))),,-lssl -lcrypto)

# $(1) variant, $(2) output root, $(3) extra flags
define VARIANT_template
$(2)/$(1)/config.h: variants/gen-config variants/check
	@mkdir -p $$(@D)
	$(Q)variants/gen-config $(1) > $$@
$(2)/$(1)/%.o: server/%.c $(2)/$(1)/config.h
	@mkdir -p $$(@D)
	@$(if $(Q),echo "  CC      $$@")
	$(Q)$$(CC) $$(CFLAGS) $(BASEFLAGS) $(3) -include $(2)/$(1)/config.h -Iserver -c $$< -o $$@
$(2)/$(1)/wirelab-httpd: $(patsubst server/%.c,$(2)/$(1)/%.o,$(call variant_srcs,$(1)))
	@$(if $(Q),echo "  LD      $$@")
	$(Q)$$(CC) $$(CFLAGS) $(3) -o $$@ $$^ $(call variant_libs,$(1))
-include $(wildcard $(2)/$(1)/*.d)
endef

$(foreach v,$(BUILD_VARIANTS),$(eval $(call VARIANT_template,$(v),$(BUILD),)))
$(foreach v,$(BUILD_VARIANTS),$(eval $(call VARIANT_template,$(v),$(BUILD)/asan,$(SANFLAGS))))

# the harness's view of the variant model, generated from variants/table
$(BUILD)/gen/variants.h: variants/table variants/gen
	@mkdir -p $(@D)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)variants/gen header > $@

SERVERS      := $(foreach v,$(BUILD_VARIANTS),$(BUILD)/$(v)/wirelab-httpd)
ASAN_SERVERS := $(foreach v,$(BUILD_VARIANTS),$(BUILD)/asan/$(v)/wirelab-httpd)

# optional parts added by later issues
# each area adds its own rules: bpf/bpf.mk, harness/harness.mk, tests/*.mk,
# scripts/*.mk; they may add to ALL_EXTRA (built by `make`), TEST_BINS (built
# before the suite) and TEST_PREP (targets run before the suite)
-include $(wildcard bpf/*.mk harness/*.mk harness/*/*.mk tests/*.mk scripts/*.mk)

.PHONY: all servers asan variants test demo bench-smoke deps clean format
all: servers $(ALL_EXTRA)
servers: $(SERVERS)
asan: $(ASAN_SERVERS)

variants:
	@for v in $(WL_ALL_VARIANTS); do \
	  case " $(WL_IMPL_VARIANTS) " in *" $$v "*) s=implemented;; *) s=planned;; esac; \
	  printf '%-34s %s\n' $$v $$s; done
	@echo "$(words $(WL_ALL_VARIANTS)) variants, $(words $(WL_IMPL_VARIANTS)) implemented (tls+sendfile is not a variant)"

deps:
	$(Q)scripts/install-deps

test: deps
	$(Q)$(MAKE) --no-print-directory all asan $(TEST_BINS) $(TEST_PREP)
	$(Q)tests/run

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(DEMO_CMD)

DEMO_CMD ?= $(BUILD)/wirelab demo

bench-smoke: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/bench-smoke

format:
	clang-format -i server/*.c server/*.h $(wildcard harness/*.c harness/*.h tests/unit/*.c)

clean:
	rm -rf $(BUILD)
