// SPDX-License-Identifier: GPL-2.0
/* The guest's low region for a program (see guest_image.h). */
#include <errno.h>
#include <string.h>
#include "harness/exec/guest_image.h"

const struct stub_header *guest_stub_header(void)
{
	return (const struct stub_header *)stub_image_start;
}

void guest_image_sys(uint8_t *s)
{
	const struct stub_header *h = guest_stub_header();
	uint64_t gdt[6] = {
		0,
		0x00cf9b000000ffffull,	/* 0x08 code32: D=1 */
		0x00cf93000000ffffull,	/* 0x10 data */
		0x00af9b000000ffffull,	/* 0x18 code64: L=1 */
	};
	uint64_t tss = STUB_TSS;

	/* 0x20: TSS descriptor (16 bytes in long mode, upper half zero). */
	gdt[4] = 0x67 | ((tss & 0xffffff) << 16) | (0x8bull << 40) | ((tss >> 24) << 56);
	gdt[5] = 0;
	memset(s, 0, GUEST_SYS_SIZE);
	memcpy(s + (STUB_GDT - LAYOUT_SYS_BASE), gdt, sizeof(gdt));
	for (unsigned v = 0; v < STUB_NVEC; v++) {
		uint64_t o32 = h->h32 + v * h->stride, o64 = h->h64 + v * h->stride;
		uint64_t g32 = (o32 & 0xffff) | ((uint64_t)STUB_SEL_CODE32 << 16) |
			       (0x8eull << 40) | ((o32 >> 16) << 48);
		uint64_t g64[2] = {
			(o64 & 0xffff) | ((uint64_t)STUB_SEL_CODE64 << 16) |
			(0x8eull << 40) | (((o64 >> 16) & 0xffff) << 48),
			o64 >> 32,
		};

		memcpy(s + (STUB_IDT32 - LAYOUT_SYS_BASE) + v * 8, &g32, 8);
		memcpy(s + (STUB_IDT64 - LAYOUT_SYS_BASE) + v * 16, g64, 16);
	}
}

void guest_image_low_tables(uint8_t *t)
{
	uint64_t e;
	uint32_t e32;

#define LOW(gpa) (t + (gpa) - LAYOUT_LOW_PT32)
	memset(t, 0, GUEST_LOW_TABLES_SIZE);
	for (unsigned i = 0; i < 1024; i++) {
		e32 = (uint32_t)HARNESS_PTE32(i);
		memcpy(LOW(LAYOUT_LOW_PT32) + 4 * i, &e32, 4);
	}
	for (unsigned i = 0; i < 2; i++) {
		e = HARNESS_PDE64(i);
		memcpy(LOW(LAYOUT_LOW_PD64) + 8 * i, &e, 8);
	}
	e = HARNESS_PDPTE_LM;
	memcpy(LOW(LAYOUT_LOW_PDPT_LM), &e, 8);
	e = HARNESS_PML4E;
	memcpy(LOW(LAYOUT_LOW_PML4), &e, 8);
	e32 = (uint32_t)HARNESS_PDE32;
	memcpy(LOW(LAYOUT_LOW_PD32), &e32, 4);
	e = HARNESS_PDPTE_PAE;
	memcpy(LOW(LAYOUT_LOW_PDPT_PAE), &e, 8);
#undef LOW
}

void guest_boot_state(const struct program *p, struct guest_boot *b)
{
	int lm = p->start == START_LM64;

	b->cr0 = lm ? STUB_START_CR0_LM64 : STUB_START_CR0_PM32;
	b->cr3 = lm ? LAYOUT_LOW_PML4 : 0;
	b->cr4 = lm ? STUB_CR4_PAE : 0;
	b->efer = lm ? STUB_EFER_LME | STUB_EFER_LMA : 0;
	b->idt_base = lm ? STUB_IDT64 : STUB_IDT32;
	b->idt_limit = lm ? STUB_IDT64_LIMIT : STUB_IDT32_LIMIT;
	b->rip = guest_stub_header()->entry;
	b->rsp = LAYOUT_STACK_TOP;
}

int guest_image_head(const struct program *p, uint8_t *low, const uint8_t *sys)
{
	struct stub_ctl *ctl = (void *)(low + LAYOUT_OPS_BASE);
	struct stub_op *ops = (void *)(low + LAYOUT_OPS_BASE + CTL_OPS);
	struct guest_boot b;

	if (p->n_ops > STUB_MAX_OPS)
		return -EINVAL;
	guest_boot_state(p, &b);
	memcpy(low + LAYOUT_STUB_BASE, stub_image_start, (size_t)(stub_image_end - stub_image_start));
	memcpy(low + LAYOUT_SYS_BASE, sys, GUEST_SYS_SIZE);
	memset(low + LAYOUT_RESULTS_BASE, 0, STUB_MAX_OPS * RES_SIZE);
	memset(ctl, 0, sizeof(*ctl));
	ctl->magic = STUB_CTL_MAGIC;
	ctl->n_ops = p->n_ops;
	ctl->lma = p->start == START_LM64;
	ctl->cr0 = b.cr0;
	ctl->efer = b.efer;
	for (unsigned i = 0; i < p->n_ops; i++)
		ops[i] = (struct stub_op){
			.kind = p->ops[i].kind, .width = p->ops[i].width,
			.value = p->ops[i].value, .addr = p->ops[i].addr, .via = p->ops[i].via,
		};
	return 0;
}

int guest_image_program(const struct program *p, uint8_t *low, const uint8_t *sys,
			const uint8_t *tables)
{
	for (unsigned i = 0; i < p->n_init; i++)
		if (p->init[i].gpa + p->init[i].width > LAYOUT_LOW_END)
			return -EINVAL;
	if (guest_image_head(p, low, sys))
		return -EINVAL;
	memcpy(low + LAYOUT_LOW_PT32, tables, GUEST_LOW_TABLES_SIZE);
	memset(low + LAYOUT_ARENA_BASE, 0, LAYOUT_ARENA_END - LAYOUT_ARENA_BASE);
	for (unsigned i = 0; i < p->n_init; i++)
		memcpy(low + p->init[i].gpa, &p->init[i].value, p->init[i].width);
	return 0;
}

/* Is [gpa, gpa + len) inside the fixed low tables or the arena? */
static int in_table_memory(uint64_t gpa, unsigned len)
{
	return (gpa >= LAYOUT_LOW_PT32 && gpa + len <= LAYOUT_LOW_TABLES_END) ||
	       (gpa >= LAYOUT_ARENA_BASE && gpa + len <= LAYOUT_ARENA_END);
}

/* One page of table memory as p starts it: the template (fixed tables)
 * or zero (arena), then p's initial stores into that page. */
static void table_page(const struct program *p, uint32_t page, const uint8_t *tables,
		       uint8_t *out)
{
	if (page < LAYOUT_LOW_TABLES_END)
		memcpy(out, tables + (page - LAYOUT_LOW_PT32), LAYOUT_PAGE_SIZE);
	else
		memset(out, 0, LAYOUT_PAGE_SIZE);
	for (unsigned i = 0; i < p->n_init; i++)
		if ((p->init[i].gpa & ~(uint64_t)(LAYOUT_PAGE_SIZE - 1)) == page)
			memcpy(out + (p->init[i].gpa - page), &p->init[i].value, p->init[i].width);
}

/* Index of a table-memory page (guest_table_pages), -1 if gpa is outside. */
static int table_page_index(uint64_t gpa)
{
	if (gpa >= LAYOUT_LOW_PT32 && gpa < LAYOUT_LOW_TABLES_END)
		return (int)((gpa - LAYOUT_LOW_PT32) / LAYOUT_PAGE_SIZE);
	if (gpa >= LAYOUT_ARENA_BASE && gpa < LAYOUT_ARENA_END)
		return (int)(GUEST_LOW_TABLES_SIZE / LAYOUT_PAGE_SIZE +
			     (gpa - LAYOUT_ARENA_BASE) / LAYOUT_PAGE_SIZE);
	return -1;
}

static void set_add(guest_table_pages set, uint64_t gpa)
{
	int i = table_page_index(gpa);

	if (i >= 0)
		set[i / 64] |= 1ull << (i % 64);
}

void guest_image_table_pages(const struct program *p, guest_table_pages set)
{
	for (uint32_t page = LAYOUT_LOW_PT32; page < LAYOUT_LOW_TABLES_END; page += LAYOUT_PAGE_SIZE)
		set_add(set, page);
	for (unsigned i = 0; i < p->n_init; i++)
		set_add(set, p->init[i].gpa);
	for (unsigned i = 0; i < p->n_ops; i++)
		if (p->ops[i].kind == OP_PTE)
			set_add(set, p->ops[i].addr);
}

int guest_image_table_writes(const struct program *p, const uint8_t *low,
			     const uint8_t *tables, const guest_table_pages only,
			     struct stub_write *w, unsigned max)
{
	static const uint32_t ranges[2][2] = {
		{ LAYOUT_LOW_PT32, LAYOUT_LOW_TABLES_END },
		{ LAYOUT_ARENA_BASE, LAYOUT_ARENA_END },
	};
	uint32_t want[LAYOUT_PAGE_SIZE / 4], live[LAYOUT_PAGE_SIZE / 4];
	unsigned n = 0;

	for (unsigned i = 0; i < p->n_init; i++)
		if (!in_table_memory(p->init[i].gpa, p->init[i].width))
			return -EINVAL;
	for (unsigned r = 0; r < 2; r++)
		for (uint32_t page = ranges[r][0]; page < ranges[r][1]; page += LAYOUT_PAGE_SIZE) {
			int idx = table_page_index(page);

			if (only && !(only[idx / 64] & (1ull << (idx % 64))))
				continue;
			table_page(p, page, tables, (uint8_t *)want);
			if (!memcmp(want, low + page, LAYOUT_PAGE_SIZE))
				continue;
			memcpy(live, low + page, LAYOUT_PAGE_SIZE);
			for (unsigned k = 0; k < LAYOUT_PAGE_SIZE / 4; k++) {
				if (want[k] == live[k])
					continue;
				if (n == max)
					return -E2BIG;
				w[n++] = (struct stub_write){ .gpa = page + 4 * k, .value = want[k] };
			}
		}
	return (int)n;
}

int guest_image_build(const struct program *p, uint8_t *low)
{
	static uint8_t sys[GUEST_SYS_SIZE], tables[GUEST_LOW_TABLES_SIZE];

	guest_image_sys(sys);
	guest_image_low_tables(tables);
	return guest_image_program(p, low, sys, tables);
}
