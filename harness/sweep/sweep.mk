# harness/sweep/sweep.mk: the sweep's wrk script goes next to build/wirelab
# (the sweep finds it there).
$(BUILD)/wrk-summary.lua: harness/sweep/wrk-summary.lua
	@mkdir -p $(@D)
	$(Q)cp $< $@

ALL_EXTRA += $(BUILD)/wrk-summary.lua
TEST_BINS += $(BUILD)/wrk-summary.lua
