# tests/uring.mk: the seccomp helper tests/uring/test_refuse runs servers under.
$(BUILD)/tests/deny_uring: tests/uring/deny_uring.c
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -std=gnu11 -D_GNU_SOURCE $(WARN) -o $@ $<

TEST_BINS += $(BUILD)/tests/deny_uring
