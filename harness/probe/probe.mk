# harness/probe/probe.mk: the generated headers the probe loader includes.
$(BUILD)/harness/probe/probe.o: $(BUILD)/bpf/probe.skel.h
$(BUILD)/harness/probe/probe_sys.o: $(BUILD)/bpf/syscall_names.h
