# tests/probe.mk: the probe tests' C part (tests/probe/test_* run it).
$(BUILD)/tests/probe_cpu: tests/probe/probe_cpu.c $(BUILD)/harness/probe/probe.o $(BUILD)/harness/probe/probe_sys.o
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -std=gnu11 -D_GNU_SOURCE -pthread $(WARN) -Iharness/probe -Ibpf -o $@ $^ -lbpf -lelf -lz

TEST_BINS += $(BUILD)/wirelab $(BUILD)/tests/probe_cpu
