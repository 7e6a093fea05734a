# harness/load/load.mk: build/wirelab-load, the load generator (its own
# binary: harness/harness.mk leaves harness/load/ out of build/wirelab),
# its unit test and the tests' servers. load_hist.{c,h} and
# load_hist_json.{c,h} are the part the sweep links too.
LOAD_SRCS   := $(sort $(wildcard harness/load/*.c))
LOAD_OBJS   := $(patsubst harness/%.c,$(BUILD)/harness/%.o,$(LOAD_SRCS))
LOAD_CFLAGS := $(CFLAGS) $(BASEFLAGS) -Iharness/load
LOAD_LIBS   := -pthread -lssl -lcrypto -ljansson -lxxhash -lm

$(BUILD)/harness/load/%.o: harness/load/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(LOAD_CFLAGS) -c $< -o $@

$(BUILD)/wirelab-load: $(LOAD_OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LOAD_LIBS)

# unit test of the pure parts (histogram, response heads, workload files), under ASan+UBSan
LOAD_UNIT_SRCS := harness/load/load_hist.c harness/load/load_hist_json.c harness/load/load_http.c \
	harness/load/load_mix.c
$(BUILD)/tests/unit_load: tests/load/unit_load.c $(LOAD_UNIT_SRCS) $(wildcard harness/load/*.h)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(SANFLAGS) $(BASEFLAGS) -Iharness/load -o $@ $(filter %.c,$^) -ljansson -lxxhash -lm

# the tests' misbehaving server (stalls, resets, early closes, wrong bytes)
$(BUILD)/tests/load_srv: tests/load/load_srv.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) $(BASEFLAGS) -o $@ $<

ALL_EXTRA += $(BUILD)/wirelab-load
TEST_BINS += $(BUILD)/wirelab-load $(BUILD)/tests/unit_load $(BUILD)/tests/load_srv
-include $(wildcard $(BUILD)/harness/load/*.d)

# epoll against io_uring on a minimal closed loop (scripts/load-loopcmp): why wirelab-load uses epoll
$(BUILD)/tests/load_loopcmp: tests/load/load_loopcmp.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) $(BASEFLAGS) -o $@ $< -luring
