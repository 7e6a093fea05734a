# harness/results/results.mk: make results-format-doc rewrites the part of
# docs/results-format.md that `wirelab format` prints (between its markers).
.PHONY: results-format-doc
results-format-doc: $(BUILD)/wirelab
	$(Q)$(BUILD)/wirelab format > $(BUILD)/results-format.gen
	$(Q)awk -v gen=$(BUILD)/results-format.gen \
	  '/^<!-- end of wirelab format -->/ { skip = 0 } !skip { print } \
	   /^<!-- wirelab format:/ { while ((getline l < gen) > 0) print l; skip = 1 }' \
	  docs/results-format.md > $(BUILD)/results-format.md
	$(Q)mv $(BUILD)/results-format.md docs/results-format.md
