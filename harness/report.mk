# harness/report.mk: the results tests' C part (plot, pick, check, report
# live in harness/ and link into build/wirelab through harness.mk).
$(BUILD)/tests/unit_stats: tests/results/unit_stats.c harness/stats.c harness/stats.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) -std=gnu11 -D_GNU_SOURCE $(WARN) -Iharness -o $@ $(filter %.c,$^) -lm

TEST_BINS += $(BUILD)/tests/unit_stats

# make check BASELINE=results/baselines/<run>: the baseline's sweep again on
# this machine, then wirelab check against it (exit 1 on a regression).
.PHONY: check
check: all
	$(Q)scripts/check-baseline $(BASELINE)
