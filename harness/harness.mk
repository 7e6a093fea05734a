# harness/harness.mk: build/wirelab, from every harness/*.c (a subcommand is
# a line in harness/cmds.h plus its harness/cmd_<name>.c). Areas that need
# more libraries append to HARNESS_LIBS.
# Files in harness/<folder>/ link in too (harness/load/ is its own binary).
HARNESS_SRCS   := $(sort $(wildcard harness/*.c) $(filter-out harness/load/%,$(wildcard harness/*/*.c)))
HARNESS_OBJS   := $(patsubst harness/%.c,$(BUILD)/harness/%.o,$(HARNESS_SRCS))
HARNESS_CFLAGS := $(CFLAGS) $(BASEFLAGS) -Iharness $(patsubst %/,-I%,$(wildcard harness/*/)) -Ibpf -I$(BUILD)/bpf -I$(BUILD)/gen
HARNESS_LIBS   += -lbpf -lelf -lz -ljansson -lm

$(BUILD)/harness/%.o: harness/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(HARNESS_CFLAGS) -c $< -o $@

# generated headers the loader includes
$(BUILD)/harness/probe.o: $(BUILD)/bpf/probe.skel.h
$(BUILD)/harness/probe_sys.o: $(BUILD)/bpf/syscall_names.h

$(BUILD)/wirelab: $(HARNESS_OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(HARNESS_LIBS)

ALL_EXTRA += $(BUILD)/wirelab
-include $(wildcard $(BUILD)/harness/*.d $(BUILD)/harness/*/*.d)
