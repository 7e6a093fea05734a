# make test-ktls: the kTLS tests inside the lab VM (scripts/labvm boots
# Debian's stock kernel, which has tls.ko); `make test` runs the same test
# (tests/ktls/test_ktls) with the rest of the suite.
.PHONY: test-ktls
test-ktls: deps
	$(Q)$(MAKE) --no-print-directory servers
	$(Q)tests/run ktls/test_ktls
