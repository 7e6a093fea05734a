# The variant axes and the valid matrix. A variant is loop-send-cork-tls.
#
# user-space TLS copies the body through OpenSSL, so tls+sendfile has no
# zero-copy path and is not a variant: 2 x 2 x 5 = 20 variants.

WL_LOOPS := epoll uring
WL_SENDS := writev sendfile
WL_CORKS := cork autocork
WL_TLSS  := plain tls ktls

WL_ALL_RAW := $(foreach l,$(WL_LOOPS),$(foreach s,$(WL_SENDS),$(foreach c,$(WL_CORKS),$(foreach t,$(WL_TLSS),$(l)-$(s)-$(c)-$(t)))))
WL_ALL_VARIANTS := $(filter-out %-sendfile-cork-tls %-sendfile-autocork-tls,$(WL_ALL_RAW))

# axis N (1..4) of a variant name
wl_axis = $(word $(2),$(subst -, ,$(1)))

# A variant is implemented when its loop backend and its transport exist:
# later issues add server/ev_<loop>.c or server/tx_<tls>.c, not plumbing.
wl_implemented = $(and $(wildcard server/ev_$(call wl_axis,$(1),1).c),$(wildcard server/tx_$(call wl_axis,$(1),4).c))
WL_IMPL_VARIANTS := $(foreach v,$(WL_ALL_VARIANTS),$(if $(call wl_implemented,$(v)),$(v)))
