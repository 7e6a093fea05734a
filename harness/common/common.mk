# harness/common/common.mk: the variant model on its own, for
# tests/build/test_harness_variants (which holds it against variants/gen).
$(BUILD)/tests/variant_model: tests/build/variant_model.c harness/common/variant.c harness/common/variant.h \
		$(BUILD)/gen/variants.h
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(BASEFLAGS) -Iharness/common -I$(BUILD)/gen -o $@ $(filter %.c,$^)

TEST_BINS += $(BUILD)/tests/variant_model
