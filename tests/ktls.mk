# make test-ktls: the kTLS tests inside the lab VM (scripts/labvm boots
# Debian's stock kernel, which has tls.ko), every ktls variant; `make test`
# runs the same test (tests/ktls/test_ktls) on 8 of them (see its header).
.PHONY: test-ktls
test-ktls: deps
	$(Q)$(MAKE) --no-print-directory servers
	$(Q)KTLS_VARIANTS='*' tests/run ktls/test_ktls
