# harness/analyze/analyze.mk: the statistics' unit test (plot, pick, check
# and report link into build/wirelab through harness.mk).
$(BUILD)/tests/unit_stats: tests/results/unit_stats.c harness/analyze/stats.c harness/analyze/stats.h
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -std=gnu11 -D_GNU_SOURCE $(WARN) -Iharness/analyze -o $@ $(filter %.c,$^) -lm

TEST_BINS += $(BUILD)/tests/unit_stats

# make check BASELINE=results/baselines/<run>: the baseline's sweep again on
# this machine, then wirelab check against it (exit 1 on a regression).
.PHONY: check
check: all
	$(Q)scripts/check-baseline $(BASELINE)
