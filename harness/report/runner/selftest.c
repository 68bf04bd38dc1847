
int main(void)
{
	uint64_t mmio[N_OPS > 0 ? N_OPS : 1], cr[4];
	struct kvm_vcpu *vcpu;
	struct kvm_sregs sr;
	struct kvm_regs regs;
	struct stub_ctl *ctl;
	struct kvm_vm *vm;
	uint8_t *low, *data;
	int bad;

	vm = vm_create_with_one_vcpu(&vcpu, NULL);
	/* The program needs its own guest-physical layout from gpa 0: replace
	 * the library's memory with two slots of its own. */
	vm_mem_region_delete(vm, 0);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, 0, 1, LOW_END >> 12, 0);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, DATA_BASE, 2,
				    (MEM_SIZE - DATA_BASE) >> 12, 0);
	low = addr_gpa2hva(vm, 0);
	data = addr_gpa2hva(vm, DATA_BASE);
	memset(low, 0, LOW_END);
	fill_low(low);
	/* Unlike the standalone reproducer, every data frame is host-mapped here
	 * (the prefault list does not matter for this program's bug class). */
	fill_data_frames(data);

	hide_cpuid(vcpu->cpuid);
	vcpu_set_cpuid(vcpu);
	vcpu_sregs_get(vcpu, &sr);
	set_start_sregs(&sr);
	vcpu_sregs_set(vcpu, &sr);
	memset(&regs, 0, sizeof(regs));
	regs.rip = START_RIP;
	regs.rsp = START_RSP;
	regs.rflags = 2;
	vcpu_regs_set(vcpu, &regs);

	ctl = (struct stub_ctl *)(low + OPS_BASE);
	memset(mmio, 0xff, sizeof(mmio));
	for (;;) {
		struct kvm_run *run = vcpu->run;

		vcpu_run(vcpu);
		if (run->exit_reason == KVM_EXIT_IO) {
			uint8_t *d = (uint8_t *)run + run->io.data_offset;
			uint32_t code = 0;

			if (run->io.port != UCALL_PORT) {
				if (run->io.direction == KVM_EXIT_IO_IN)
					memset(d, 0xff, run->io.size * run->io.count);
				continue;
			}
			memcpy(&code, d, 4);
			if (code == UCALL_SYNC)
				continue;
			TEST_ASSERT(code == UCALL_DONE, "stub assertion at stub.S:%u (value 0x%x)",
				    ctl->assert_line, ctl->assert_val);
			break;
		}
		if (run->exit_reason == KVM_EXIT_MMIO) {
			if (ctl->cur_op < N_OPS && mmio[ctl->cur_op] == ~0ull)
				mmio[ctl->cur_op] = run->mmio.phys_addr;
			if (!run->mmio.is_write)
				memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
			continue;
		}
		TEST_FAIL("unexpected exit %s at op %u", exit_reason_str(run->exit_reason),
			  ctl->cur_op);
	}
	vcpu_sregs_get(vcpu, &sr);
	cr[0] = sr.cr0, cr[1] = sr.cr3, cr[2] = sr.cr4, cr[3] = sr.efer;
	bad = judge((const struct stub_res *)(low + RESULTS_BASE), mmio, N_OPS, cr);
	TEST_ASSERT(bad == 0, "%d op(s) outside what the architecture allows (listed above)", bad);
	kvm_vm_free(vm);
	return 0;
}
