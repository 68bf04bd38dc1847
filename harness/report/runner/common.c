
#define VEC_PF 14

/* Every 8-byte word of data frame G: mov eax, 0x5A000000|G; ret; nop; nop. */
static void fill_data_frames(uint8_t *data)
{
	for (uint64_t gpa = DATA_BASE; gpa < MEM_SIZE; gpa += 8) {
		uint64_t g = (gpa >> 12) & 0xffffff;
		uint64_t w = 0xB8 | (g << 8) | (0x5Aull << 32) | (0xC3ull << 40) | (0x9090ull << 48);

		memcpy(data + gpa - DATA_BASE, &w, 8);
	}
}

static void fill_low(uint8_t *low)
{
	for (size_t i = 0; i < sizeof(image) / sizeof(image[0]); i++)
		memcpy(low + image[i].gpa, image[i].b, 32);
}

/* CPUID the guest gets: what KVM supports minus the features whose CR4/EFER
 * bits the model treats as reserved (PCID, XSAVE, FSGSBASE, UMIP, PKU, LA57,
 * VMX, SMX, SVM, PKS, CET). */
static void hide_cpuid(struct kvm_cpuid2 *c)
{
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == 1)
			e->ecx &= ~((1u << 5) | (1u << 6) | (1u << 17) | (1u << 26) | (1u << 27));
		if (e->function == 7 && e->index == 0) {
			e->ebx &= ~1u;
			e->ecx &= ~((1u << 2) | (1u << 3) | (1u << 4) | (1u << 7) | (1u << 16) | (1u << 31));
			e->edx &= ~(1u << 20);
		}
		if (e->function == 0x80000001)
			e->ecx &= ~(1u << 2);
	}
}

static int matches(const struct outcome *o, const struct stub_res *r, int probe, uint64_t mmio)
{
	if (r->status == ST_DONE && mmio != ~0ull)
		return o->kind == OUT_MMIO && o->gpa == mmio;
	switch (r->status) {
	case ST_DONE:
		if (o->kind == OUT_ANY)
			return 1;
		return o->kind == OUT_DONE && (!probe || ((r->value ^ o->value) & o->mask) == 0);
	case ST_EXCEPTION:
		if (o->kind != OUT_EXCEPTION || o->vector != r->vector)
			return 0;
		if (o->has_ec && o->ec != r->error_code)
			return 0;
		return o->vector != VEC_PF || o->cr2 == r->cr2;
	}
	return 0;
}

static void show_res(char *buf, size_t n, const struct stub_res *r, uint64_t mmio)
{
	if (r->status == ST_DONE && mmio != ~0ull)
		snprintf(buf, n, "mmio gpa=0x%llx", (unsigned long long)mmio);
	else if (r->status == ST_DONE)
		snprintf(buf, n, "ok val=0x%08llx", (unsigned long long)r->value);
	else if (r->status == ST_EXCEPTION)
		snprintf(buf, n, "exception %u ec=0x%x cr2=0x%llx", r->vector, r->error_code,
			 (unsigned long long)r->cr2);
	else
		snprintf(buf, n, "not run");
}

/* Judge every op; returns the number of violations. */
static int judge(const struct stub_res *res, const uint64_t *mmio, unsigned ran,
		 const uint64_t *cr)
{
	char buf[96];
	int bad = 0;

	for (unsigned i = 0; i < N_OPS; i++) {
		const struct expect *x = &expect[i];
		int hit = x->unbounded;

		if (i >= ran) {
			printf("op %2u %-24s not run\n", i, x->op);
			bad++;
			continue;
		}
		for (unsigned k = 0; k < x->n && !hit; k++)
			hit = matches(&x->o[k], &res[i], x->probe, mmio[i]);
		show_res(buf, sizeof(buf), &res[i], mmio[i]);
		printf("op %2u %-24s %-40s %s\n", i, x->op, buf, hit ? "ok" : "VIOLATION");
		bad += !hit;
	}
	if (final_known && ran == N_OPS && cr)
		for (int r = 0; r < 4; r++)
			if (cr[r] != final_cr[r]) {
				printf("final %s = 0x%llx, expected 0x%llx: VIOLATION\n",
				       (const char *[]){ "cr0", "cr3", "cr4", "efer" }[r],
				       (unsigned long long)cr[r], (unsigned long long)final_cr[r]);
				bad++;
			}
	return bad;
}

static void flat(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->db = 1;
	s->s = 1;
	s->g = 1;
}

/* 32-bit flat segments, the stub's GDT/IDT/TSS, and the start CRs. */
static void set_start_sregs(struct kvm_sregs *sr)
{
	flat(&sr->cs, SEL_CODE32, 11);
	flat(&sr->ds, SEL_DATA, 3);
	sr->es = sr->fs = sr->gs = sr->ss = sr->ds;
	memset(&sr->tr, 0, sizeof(sr->tr));
	sr->tr.base = TSS_BASE;
	sr->tr.limit = 0x67;
	sr->tr.selector = SEL_TSS;
	sr->tr.type = 11;
	sr->tr.present = 1;
	memset(&sr->ldt, 0, sizeof(sr->ldt));
	sr->ldt.type = 2;
	sr->ldt.unusable = 1;
	sr->gdt.base = GDT_BASE;
	sr->gdt.limit = GDT_LIMIT;
	sr->idt.base = START_IDT;
	sr->idt.limit = START_IDT_LIMIT;
	sr->cr0 = START_CR0;
	sr->cr3 = START_CR3;
	sr->cr4 = START_CR4;
	sr->efer = START_EFER;
	sr->cr2 = 0;
	memset(sr->interrupt_bitmap, 0, sizeof(sr->interrupt_bitmap));
}
