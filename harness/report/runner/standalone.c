
static void fail(const char *what)
{
	fprintf(stderr, "repro: %s: %s\n", what, strerror(errno));
	exit(2);
}

static struct kvm_run *run_page;

static void on_alarm(int sig)
{
	(void)sig;
	run_page->immediate_exit = 1;
}

int main(void)
{
	struct kvm_userspace_memory_region slot;
	struct kvm_cpuid2 *cpuid;
	struct kvm_sregs sr;
	struct kvm_regs regs;
	uint64_t mmio[N_OPS > 0 ? N_OPS : 1], cr[4];
	int kvm, vm, vcpu, memfd, bad, hung = 0;
	uint8_t *low, *data;
	struct stub_ctl *ctl;
	long run_size;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		fail("/dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		fail("KVM_CREATE_VM");

	low = mmap(NULL, LOW_END, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (low == MAP_FAILED)
		fail("mmap");
	fill_low(low);
	/* Data frames: tags written through a shared mapping of a memfd, then
	 * mapped privately and untouched, so the host maps only the frames the
	 * program prefaults (KVM's prefetch depends on that). */
	memfd = memfd_create("repro-data", 0);
	if (memfd < 0 || ftruncate(memfd, MEM_SIZE - DATA_BASE))
		fail("memfd");
	data = mmap(NULL, MEM_SIZE - DATA_BASE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (data == MAP_FAILED)
		fail("mmap data");
	fill_data_frames(data);
	munmap(data, MEM_SIZE - DATA_BASE);
	data = mmap(NULL, MEM_SIZE - DATA_BASE, PROT_READ | PROT_WRITE, MAP_PRIVATE, memfd, 0);
	if (data == MAP_FAILED)
		fail("mmap data");
	for (int i = 0; prefault[i][1]; i++)
		for (uint32_t g = 0; g < prefault[i][1]; g++) {
			volatile uint8_t *b = data + ((uint64_t)(prefault[i][0] + g) << 12) - DATA_BASE;
			*b = *b;
		}
	slot = (struct kvm_userspace_memory_region){ .slot = 0, .guest_phys_addr = 0,
		.memory_size = LOW_END, .userspace_addr = (uintptr_t)low };
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot))
		fail("memory slot 0");
	slot = (struct kvm_userspace_memory_region){ .slot = 1, .guest_phys_addr = DATA_BASE,
		.memory_size = MEM_SIZE - DATA_BASE, .userspace_addr = (uintptr_t)data };
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot))
		fail("memory slot 1");

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || run_size <= 0)
		fail("KVM_CREATE_VCPU");
	run_page = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run_page == MAP_FAILED)
		fail("mmap kvm_run");
	cpuid = calloc(1, sizeof(*cpuid) + 256 * sizeof(cpuid->entries[0]));
	cpuid->nent = 256;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid))
		fail("KVM_GET_SUPPORTED_CPUID");
	hide_cpuid(cpuid);
	if (ioctl(vcpu, KVM_SET_CPUID2, cpuid))
		fail("KVM_SET_CPUID2");
	if (ioctl(vcpu, KVM_GET_SREGS, &sr))
		fail("KVM_GET_SREGS");
	set_start_sregs(&sr);
	if (ioctl(vcpu, KVM_SET_SREGS, &sr))
		fail("KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = START_RIP;
	regs.rsp = START_RSP;
	regs.rflags = 2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs))
		fail("KVM_SET_REGS");

	ctl = (struct stub_ctl *)(low + OPS_BASE);
	memset(mmio, 0xff, sizeof(mmio));
	signal(SIGALRM, on_alarm);
	alarm(10);
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR && !run_page->immediate_exit)
				continue;
			if (errno == EINTR) {
				printf("guest hung at op %u\n", ctl->cur_op);
				hung = 1;
				break;
			}
			printf("KVM_RUN failed: %s%s\n", strerror(errno),
			       errno == EIO ? " (KVM killed the VM)" : "");
			return 1;
		}
		if (run_page->exit_reason == KVM_EXIT_IO) {
			uint8_t *d = (uint8_t *)run_page + run_page->io.data_offset;
			uint32_t code = 0;

			if (run_page->io.port != UCALL_PORT) {
				if (run_page->io.direction == KVM_EXIT_IO_IN)
					memset(d, 0xff, run_page->io.size * run_page->io.count);
				continue;
			}
			memcpy(&code, d, 4);
			if (code == UCALL_SYNC)
				continue;
			if (code == UCALL_DONE)
				break;
			printf("stub assertion at stub.S:%u (value 0x%x)\n", ctl->assert_line, ctl->assert_val);
			return 2;
		}
		if (run_page->exit_reason == KVM_EXIT_MMIO) {
			if (ctl->cur_op < N_OPS && mmio[ctl->cur_op] == ~0ull)
				mmio[ctl->cur_op] = run_page->mmio.phys_addr;
			if (!run_page->mmio.is_write)
				memset(run_page->mmio.data, 0xff, sizeof(run_page->mmio.data));
			continue;
		}
		if (run_page->exit_reason == KVM_EXIT_INTR && !run_page->immediate_exit)
			continue;
		printf("unexpected exit reason %u at op %u%s\n", run_page->exit_reason, ctl->cur_op,
		       run_page->exit_reason == KVM_EXIT_SHUTDOWN ? " (triple fault)" :
		       run_page->exit_reason == KVM_EXIT_INTERNAL_ERROR ? " (KVM internal error)" : "");
		return 1;
	}
	alarm(0);
	if (ioctl(vcpu, KVM_GET_SREGS, &sr))
		fail("KVM_GET_SREGS");
	cr[0] = sr.cr0, cr[1] = sr.cr3, cr[2] = sr.cr4, cr[3] = sr.efer;
	bad = judge((const struct stub_res *)(low + RESULTS_BASE), mmio,
		    hung ? ctl->cur_op : N_OPS, hung ? NULL : cr);
	printf("%s: %d violation(s)\n", bad || hung ? "BUG" : "ok", bad);
	return bad || hung ? 1 : 0;
}
