# harness/analyze/decide.mk: build/tests/unit_decide, the simulation of the
# effect sizes, sequential decisions and change points (harness/analyze/
# effect_*, seq_*, cpd_*);
# the sources also link into build/wirelab through harness.mk.
DECIDE_SRCS := $(wildcard harness/analyze/effect_*.c harness/analyze/seq_*.c harness/analyze/cpd_*.c) harness/analyze/stats.c

$(BUILD)/tests/unit_decide: tests/decide/unit_decide.c $(DECIDE_SRCS) $(wildcard harness/analyze/effect.h harness/analyze/seq.h harness/analyze/cpd.h) harness/analyze/stats.h $(BUILD)/gen/variants.h
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(OPT) -g -std=gnu11 -D_GNU_SOURCE $(WARN) -Iharness -Iharness/analyze -Iharness/results -Iharness/common -I$(BUILD)/gen -o $@ $(filter %.c,$^) -lm

TEST_BINS += $(BUILD)/tests/unit_decide
