# harness/harness.mk: build/wirelab, from harness/*.c (the dispatcher and
# the commands that compose layers) and every harness/<folder>/*.c except
# harness/load/ (build/wirelab-load, its own binary). A subcommand is a line
# in harness/cmds.h plus its cmd_<name>.c in the folder of its layer.
# Folders that need more libraries append to HARNESS_LIBS.
#
# The layering (docs/harness.md): each folder compiles with -I for itself
# and for the layers it may use, no others, so including another layer's
# header is a compile error, not a review comment.
HARNESS_USES_common  :=
HARNESS_USES_results := common
HARNESS_USES_probe   := common
HARNESS_USES_profile := common results probe
HARNESS_USES_analyze := common results profile
HARNESS_USES_tune    := common
HARNESS_USES_sweep   := common results probe load profile analyze tune
# harness/*.c: every layer
HARNESS_DIRS         := $(patsubst harness/%/,%,$(wildcard harness/*/))
HARNESS_USES_top     := $(HARNESS_DIRS)

HARNESS_SRCS   := $(sort $(wildcard harness/*.c) $(filter-out harness/load/%,$(wildcard harness/*/*.c)))
HARNESS_OBJS   := $(patsubst harness/%.c,$(BUILD)/harness/%.o,$(HARNESS_SRCS))
# generated headers: the variant model (variants/table), the BPF skeleton
# and syscall names (bpf/)
HARNESS_GENINC := -Ibpf -I$(BUILD)/bpf -I$(BUILD)/gen
HARNESS_LIBS   += -lbpf -lelf -lz -ljansson -lm

# harness_layer: the folder of harness/FOLDER/x (its stem FOLDER/x), top for harness/x
harness_layer = $(if $(findstring /,$(1)),$(firstword $(subst /, ,$(1))),top)
# harness_incs: -I for a layer's own folder and the layers it uses (a folder
# not in the table above may use common only)
harness_incs = $(if $(filter top,$(1)),-Iharness) \
  $(addprefix -Iharness/,$(filter-out top,$(1)) $(if $(filter undefined,$(origin HARNESS_USES_$(1))),common,$(HARNESS_USES_$(1))))
HARNESS_CFLAGS = $(CFLAGS) $(BASEFLAGS) $(call harness_incs,$(call harness_layer,$(1))) $(HARNESS_GENINC)

# one quiet-output line per step, $(call msg,TAG,target); the top-level
# Makefile may define it first
msg ?= @$(if $(Q),printf '  %-7s %s\n' '$(1)' '$(2)')

$(BUILD)/harness/%.o: harness/%.c
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(call HARNESS_CFLAGS,$*) -c $< -o $@

# every object sees the generated variant model (harness/common/variant.h)
$(HARNESS_OBJS): $(BUILD)/gen/variants.h

$(BUILD)/wirelab: $(HARNESS_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(HARNESS_LIBS)

ALL_EXTRA += $(BUILD)/wirelab
-include $(wildcard $(BUILD)/harness/*.d $(BUILD)/harness/*/*.d)

# clang-format over every harness C file; format-check-harness fails (and
# lists nothing else) when one is not formatted. A project-wide format-check
# in the top-level Makefile may call it.
HARNESS_C_FILES = $(sort $(wildcard harness/*.[ch] harness/*/*.[ch]))
.PHONY: format-harness format-check-harness
format-harness:
	clang-format -i $(HARNESS_C_FILES)
format-check-harness:
	$(Q)clang-format --dry-run -Werror $(HARNESS_C_FILES)

# make docs-generated: the parts of docs/*.md that wirelab prints, between
# "<!-- generated: build/wirelab ARGS -->" (or "generated (code):", for
# output shown as a code block) and "<!-- end generated -->", run again and
# put back; tests/results/test_docs fails when one is stale.
.PHONY: docs-generated
docs-generated: $(BUILD)/wirelab
	$(Q)for f in docs/*.md; do \
	  awk -v build=$(BUILD) '/^<!-- end generated -->$$/ { skip = 0 } \
	    !skip { print } \
	    /^<!-- generated( \(code\))?: build\/wirelab [^;|&<>`$$]* -->$$/ { \
	      code = index($$0, "(code)") > 0; cmd = $$0; \
	      sub(/^<!-- generated( \(code\))?: build/, build, cmd); sub(/ -->$$/, "", cmd); \
	      if (code) print "```"; \
	      while ((cmd | getline l) > 0) print l; close(cmd); \
	      if (code) print "```"; skip = 1 }' \
	    "$$f" > "$$f.tmp" && mv "$$f.tmp" "$$f"; done
