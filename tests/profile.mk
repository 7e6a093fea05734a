# tests/profile.mk: the profiler tests' programs (tests/profile/test_* run them).
# profile_hot keeps frame pointers so that its user stacks are whole.
$(BUILD)/tests/profile_hot: tests/profile/profile_hot.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) -O2 -g -fno-omit-frame-pointer -std=gnu11 -D_GNU_SOURCE -pthread $(WARN) -o $@ $<

# a kernel without perf events, as far as one command can tell: the uring
# tests' seccomp wrapper, denying perf_event_open(2) instead
$(BUILD)/tests/deny_perf: tests/uring/deny_uring.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) -std=gnu11 -D_GNU_SOURCE $(WARN) -DDENY_NR=__NR_perf_event_open \
		-DDENY_NAME='"deny_perf"' -o $@ $<

TEST_BINS += $(BUILD)/wirelab $(BUILD)/tests/profile_hot $(BUILD)/tests/deny_perf
