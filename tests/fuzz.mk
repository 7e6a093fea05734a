# tests/fuzz.mk: the libFuzzer target fuzz/fuzz_http.c (request head, path,
# Range, dates) and its corpus replay for `make test`.
#   make fuzz FUZZ_SECONDS=N   fuzz for N seconds (clang, ASan+UBSan), new
#                              inputs go to build/fuzz/corpus, crashes to
#                              build/fuzz/crash-*
FUZZ_SRCS := fuzz/fuzz_http.c server/http.c server/path.c server/range.c server/hdate.c
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_FLAGS := -std=gnu11 -D_GNU_SOURCE -g -O1 -Iserver -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined

$(BUILD)/fuzz/fuzz_http: $(FUZZ_SRCS) $(wildcard server/*.h)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $(FUZZ_SRCS)

# the same target with a plain main(), replayed by tests/fuzz/test_replay
$(BUILD)/tests/fuzz_replay: $(FUZZ_SRCS) fuzz/replay_main.c $(wildcard server/*.h)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(FUZZ_FLAGS) $(WARN) -o $@ $(FUZZ_SRCS) fuzz/replay_main.c

TEST_BINS += $(BUILD)/tests/fuzz_replay

.PHONY: fuzz
fuzz: $(BUILD)/fuzz/fuzz_http
	@mkdir -p $(BUILD)/fuzz/corpus
	cd $(BUILD)/fuzz && ./fuzz_http -max_total_time=$(FUZZ_SECONDS) -max_len=12288 \
		-print_final_stats=1 -artifact_prefix=$(abspath $(BUILD)/fuzz)/ \
		-dict=$(CURDIR)/fuzz/http.dict corpus $(CURDIR)/fuzz/corpus $(CURDIR)/fuzz/regression
