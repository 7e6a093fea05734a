# harness/profile/profile.mk: the profiler's generated header. Its sources
# link into build/wirelab through harness.mk like every harness/<folder>/.
$(BUILD)/harness/profile/profile_bpf.o $(BUILD)/harness/profile/profile_fold.o: $(BUILD)/bpf/profile.skel.h
