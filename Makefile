# wirelab: one reference server built into variants, plus the harness.
#   make                      every variant (build/<variant>/wirelab-httpd) and the harness
#   make VARIANT=NAME         one variant
#   make variants             the variants and floors (variants/table) and the files each links
#   make test                 install deps, build, run the whole suite (+ ASan/UBSan)
#   make demo                 install deps, build, run the short default sweep
#   V=1                       show full commands
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

.DEFAULT_GOAL := all

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
# the one quiet-output line of every rule: $(call msg,TAG,target)
msg = @$(if $(Q),printf '  %-7s %s\n' '$(1)' '$(2)')

# The variant model: variants/table, through variants/gen, gives the list
# of variants and each one's sources (WL_SRCS_<v>) and libraries.
$(BUILD)/gen/variants.mk: variants/table variants/gen
	@mkdir -p $(@D)
	$(call msg,GEN,$@)
	$(Q)variants/gen mk > $@
include $(BUILD)/gen/variants.mk

ifdef VARIANT
ifneq ($(shell variants/gen check $(VARIANT) 2>&1 >/dev/null),)
$(error $(shell variants/gen check $(VARIANT) 2>&1 >/dev/null))
endif
BUILD_VARIANTS := $(VARIANT)
else
BUILD_VARIANTS := $(WL_ALL_VARIANTS) $(WL_FLOORS)
endif

variant_srcs = $(addprefix server/,$(WL_SRCS_$(1)))
variant_libs = $(WL_LIBS_$(1))

# $(1) variant, $(2) output root, $(3) extra flags
define VARIANT_template
$(2)/$(1)/config.h: variants/table variants/gen
	@mkdir -p $$(@D)
	$(Q)variants/gen config $(1) > $$@
$(2)/$(1)/%.o: server/%.c $(2)/$(1)/config.h
	@mkdir -p $$(@D)
	$(call msg,CC,$$@)
	$(Q)$$(CC) $$(CFLAGS) $(BASEFLAGS) $(3) -include $(2)/$(1)/config.h -Iserver -c $$< -o $$@
$(2)/$(1)/wirelab-httpd: $(patsubst server/%.c,$(2)/$(1)/%.o,$(call variant_srcs,$(1)))
	$(call msg,LD,$$@)
	$(Q)$$(CC) $$(CFLAGS) $(3) -o $$@ $$^ $(call variant_libs,$(1))
-include $(wildcard $(2)/$(1)/*.d)
endef

$(foreach v,$(BUILD_VARIANTS),$(eval $(call VARIANT_template,$(v),$(BUILD),)))
$(foreach v,$(BUILD_VARIANTS),$(eval $(call VARIANT_template,$(v),$(BUILD)/asan,$(SANFLAGS))))

# the harness's view of the variant model, generated from variants/table
$(BUILD)/gen/variants.h: variants/table variants/gen
	@mkdir -p $(@D)
	$(call msg,GEN,$@)
	$(Q)variants/gen header > $@

SERVERS      := $(foreach v,$(BUILD_VARIANTS),$(BUILD)/$(v)/wirelab-httpd)
ASAN_SERVERS := $(foreach v,$(BUILD_VARIANTS),$(BUILD)/asan/$(v)/wirelab-httpd)

# Each area keeps its own rules beside its files (bpf/bpf.mk,
# harness/**/*.mk, tests/*.mk) and adds to ALL_EXTRA (built by `make`) and
# TEST_BINS (built before the suite).
include $(wildcard bpf/*.mk harness/*.mk harness/*/*.mk tests/*.mk)

.PHONY: all servers asan variants test demo bench-smoke deps clean format format-check
all: servers $(ALL_EXTRA)
servers: $(SERVERS)
asan: $(ASAN_SERVERS)

variants:
	@$(foreach v,$(WL_ALL_VARIANTS),printf '%-34s %s\n' $(v) "$(filter-out $(WL_COMMON_SRCS),$(WL_SRCS_$(v)))";)
	@echo "$(words $(WL_ALL_VARIANTS)) variants of $(foreach a,loop send cork tls,$(words $(WL_VALUES_$(a))) $(a)) values; not variants:"
	@variants/gen invalid
	@echo "floors (not variants: the reference a variant is measured against, docs/floor.md):"
	@$(foreach v,$(WL_FLOORS),printf '%-34s %s\n' $(v) "$(filter-out $(WL_COMMON_SRCS),$(WL_SRCS_$(v)))";)

deps:
	$(Q)scripts/install-deps

test: deps
	$(Q)$(MAKE) --no-print-directory all asan $(TEST_BINS)
	$(Q)tests/run

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(DEMO_CMD)

DEMO_CMD ?= $(BUILD)/wirelab demo

bench-smoke: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/bench-smoke

# every C file of the project, formatted by the checked-in .clang-format
FORMAT_FILES = $(sort $(wildcard server/*.[ch] harness/*.[ch] harness/*/*.[ch] bpf/*.[ch] \
	tests/*/*.[ch] fuzz/*.[ch]))
format:
	$(Q)clang-format -i $(FORMAT_FILES)
format-check:
	$(Q)clang-format --dry-run -Werror $(FORMAT_FILES) 2>&1 | head -n 40; \
	  clang-format --dry-run -Werror $(FORMAT_FILES) >/dev/null 2>&1 || \
	  { echo "format-check: files above differ from .clang-format; run 'make format'" >&2; exit 1; }

clean:
	rm -rf $(BUILD)
