# bpf/bpf.mk: the BPF probes, the libbpf-bootstrap way:
#   bpf/X.bpf.c -> build/bpf/X.bpf.o (clang -target bpf) -> build/bpf/X.skel.h (bpftool)
# vmlinux.h is generated from the running kernel's BTF; CO-RE relocates the
# objects at load time, so a kernel update does not need a rebuild.
BPF_OUT     := $(BUILD)/bpf
BPF_CLANG   ?= clang
BPFTOOL     ?= bpftool
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_ARCH    := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' -e 's/ppc64le/powerpc/')
BPF_CFLAGS  := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Wno-unused-parameter \
	-Wno-unused-function -I$(BPF_OUT) -Ibpf
BPF_SKELS   := $(patsubst bpf/%.bpf.c,$(BPF_OUT)/%.skel.h,$(wildcard bpf/*.bpf.c))

$(BPF_OUT)/vmlinux.h:
	@mkdir -p $(@D)
	@if [ ! -r $(VMLINUX_BTF) ]; then \
	  echo "error: $(VMLINUX_BTF) is missing: this kernel exposes no BTF (it needs" \
	       "CONFIG_DEBUG_INFO_BTF=y), so the BPF probes cannot be built or run here" >&2; exit 1; fi
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(BPF_OUT)/%.bpf.o: bpf/%.bpf.c $(BPF_OUT)/vmlinux.h $(wildcard bpf/*.h)
	@mkdir -p $(@D)
	$(call msg,BPF,$@)
	$(Q)$(BPF_CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BPF_OUT)/%.skel.h: $(BPF_OUT)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

# syscall names from the kernel headers this machine builds against
$(BPF_OUT)/syscall_names.h: bpf/gen-syscall-names $(wildcard /usr/include/$(shell $(CC) -dumpmachine)/asm/unistd*.h)
	@mkdir -p $(@D)
	$(call msg,GEN,$@)
	$(Q)bpf/gen-syscall-names $(CC) > $@

.PRECIOUS: $(BPF_OUT)/%.bpf.o
