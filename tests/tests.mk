# unit tests: each tests/unit/unit_X.c links the server sources it names
# below; built with ASan+UBSan, since they are small and that is where
# parser bugs show.
UNIT_CFLAGS := -std=gnu11 -D_GNU_SOURCE -g -O1 $(WARN) -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -Iserver -Itests/unit

$(BUILD)/tests/unit_http: tests/unit/unit_http.c server/http.c server/path.c server/range.c server/hdate.c server/mime.c tests/unit/unit.h
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^)

TEST_BINS += $(BUILD)/tests/unit_http

# the black-box suites are for static servers: floors (not servers) have
# their own test (tests/floor/test_floor)
.PHONY: print-variants print-floors
print-variants:
	@echo $(filter $(WL_ALL_VARIANTS),$(BUILD_VARIANTS))
print-floors:
	@echo $(filter $(WL_FLOORS),$(BUILD_VARIANTS))
