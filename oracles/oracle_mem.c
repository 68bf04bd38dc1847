// SPDX-License-Identifier: GPL-2.0
/*
 * The oracle's guest-physical memory: the arena and the fixed low tables
 * (modelled word by word, copy-on-write over their initial contents as
 * harness/layout.h describes them), the tagged data frames (constant,
 * computed), and everything else (stub memory, MMIO) by class only.
 */
#include <string.h>
#include "oracle_int.h"

static int page_slot(uint64_t gpa)
{
	if (gpa >= LAYOUT_ARENA_BASE && gpa < LAYOUT_ARENA_END)
		return (int)((gpa - LAYOUT_ARENA_BASE) / LAYOUT_PAGE_SIZE);
	if (gpa >= LAYOUT_LOW_PT32 && gpa < LAYOUT_LOW_TABLES_END)
		return LAYOUT_ARENA_PAGES + (int)((gpa - LAYOUT_LOW_PT32) / LAYOUT_PAGE_SIZE);
	return -1;
}

enum mem_class om_class(uint64_t gpa)
{
	if (page_slot(gpa) >= 0)
		return MEM_TABLE;
	if (gpa >= LAYOUT_DATA_BASE && gpa < LAYOUT_MEM_SIZE)
		return MEM_DATA;
	if (gpa < LAYOUT_LOW_END)
		return MEM_HARNESS;
	return MEM_MMIO;
}

/* Initial 8-byte word i of table page slot (what the executor builds). */
static uint64_t initial_word(int slot, unsigned i)
{
	uint64_t base;

	if (slot < (int)LAYOUT_ARENA_PAGES)
		return 0;
	base = LAYOUT_LOW_PT32 + (uint64_t)(slot - LAYOUT_ARENA_PAGES) * LAYOUT_PAGE_SIZE;
	switch (base) {
	case LAYOUT_LOW_PT32:
		return HARNESS_PTE32(2 * i) | HARNESS_PTE32(2 * i + 1) << 32;
	case LAYOUT_LOW_PD64:
		return i < 2 ? HARNESS_PDE64(i) : 0;
	case LAYOUT_LOW_PDPT_LM:
		return i == 0 ? HARNESS_PDPTE_LM : 0;
	case LAYOUT_LOW_PML4:
		return i == 0 ? HARNESS_PML4E : 0;
	case LAYOUT_LOW_PD32:
		return i == 0 ? HARNESS_PDE32 : 0;
	case LAYOUT_LOW_PDPT_PAE:
		return i == 0 ? HARNESS_PDPTE_PAE : 0;
	}
	return 0;
}

static uint64_t read_word(const struct om_mem *m, uint64_t gpa)
{
	int slot = page_slot(gpa);
	unsigned i = (gpa & 0xFFF) / 8;

	if (slot >= 0)
		return m->present[slot] ? m->data[slot][i] : initial_word(slot, i);
	if (gpa >= LAYOUT_DATA_BASE && gpa < LAYOUT_MEM_SIZE)
		return DATA_WORD(gpa >> 12);
	return 0;
}

/* The width-byte part at gpa of the 8-byte word w that holds it. */
static uint64_t word_part(uint64_t w, uint64_t gpa, int width)
{
	if (width == 8)
		return w;
	return (gpa & 4) ? w >> 32 : w & 0xFFFFFFFFu;
}

uint64_t om_read(const struct om_mem *m, uint64_t gpa, int width)
{
	return word_part(read_word(m, gpa & ~7ull), gpa, width);
}

/* A/D bookkeeping (m->unc or m->set) of the entry at gpa: none for a page
 * the program never touched. */
static uint64_t ad_part(const struct om_mem *m, const uint64_t (*ad)[512], uint64_t gpa,
			int width)
{
	int slot = page_slot(gpa);

	if (slot < 0 || !m->present[slot])
		return 0;
	return word_part(ad[slot][(gpa & 0xFFF) / 8], gpa, width);
}

uint64_t om_unc(const struct om_mem *m, uint64_t gpa, int width)
{
	return ad_part(m, m->unc, gpa, width);
}

uint64_t om_cpu_set(const struct om_mem *m, uint64_t gpa, int width)
{
	return ad_part(m, m->set, gpa, width);
}

static uint64_t *materialize(struct om_mem *m, int slot)
{
	if (!m->present[slot]) {
		for (unsigned i = 0; i < 512; i++)
			m->data[slot][i] = initial_word(slot, i);
		memset(m->unc[slot], 0, sizeof(m->unc[slot]));
		memset(m->set[slot], 0, sizeof(m->set[slot]));
		m->present[slot] = 1;
	}
	return m->data[slot];
}

void om_write(struct om_mem *m, uint64_t gpa, int width, uint64_t value)
{
	int slot = page_slot(gpa);
	unsigned i = (gpa & 0xFFF) / 8;
	uint64_t mask, shift;

	if (slot < 0)
		return;
	materialize(m, slot);
	shift = width == 8 ? 0 : (gpa & 4) * 8;
	mask = width == 8 ? ~0ull : 0xFFFFFFFFull << shift;
	m->data[slot][i] = (m->data[slot][i] & ~mask) | ((value << shift) & mask);
	m->unc[slot][i] &= ~mask;
	m->set[slot][i] &= ~mask;
}

/*
 * An A/D update of the entry at gpa: certain (the CPU set bits: they go
 * into the memory and leave the uncertain set) or only possible (bits
 * not yet set become uncertain; set ones stay set).  Nothing outside the
 * modelled tables.
 */
static void ad_update(struct om_mem *m, uint64_t gpa, int width, uint64_t bits, int certain)
{
	int slot = page_slot(gpa);
	unsigned i = (gpa & 0xFFF) / 8;

	if (slot < 0)
		return;
	materialize(m, slot);
	bits <<= width == 8 ? 0 : (gpa & 4) * 8;
	if (!certain) {
		m->unc[slot][i] |= bits & ~m->data[slot][i];
		return;
	}
	m->set[slot][i] |= bits & ~m->data[slot][i];
	m->data[slot][i] |= bits;
	m->unc[slot][i] &= ~bits;
}

void om_mark_ad(struct om_mem *m, uint64_t gpa, int width, uint64_t bits)
{
	ad_update(m, gpa, width, bits, 0);
}

void om_set_ad(struct om_mem *m, uint64_t gpa, int width, uint64_t bits)
{
	ad_update(m, gpa, width, bits, 1);
}

void om_get_bits(const struct om_mem *m, uint64_t gpa, struct om_bits *b)
{
	b->data = om_read(m, gpa & ~7ull, 8);
	b->unc = om_unc(m, gpa & ~7ull, 8);
	b->set = om_cpu_set(m, gpa & ~7ull, 8);
}

void om_put_bits(struct om_mem *m, uint64_t gpa, uint64_t mask, const struct om_bits *b)
{
	int slot = page_slot(gpa);
	unsigned i = (gpa & 0xFFF) / 8;

	if (slot < 0)
		return;
	materialize(m, slot);
	m->data[slot][i] = (m->data[slot][i] & ~mask) | (b->data & mask);
	m->unc[slot][i] = (m->unc[slot][i] & ~mask) | (b->unc & mask);
	m->set[slot][i] = (m->set[slot][i] & ~mask) | (b->set & mask);
}

void om_reset(struct om_mem *m)
{
	memset(m->present, 0, sizeof(m->present));
}

int om_protected(uint64_t gpa, int width)
{
	static const struct { uint64_t base; uint64_t len; } prot[] = {
		{ LAYOUT_LOW_PT32, LAYOUT_PAGE_SIZE },
		{ LAYOUT_LOW_PD64, 16 },
		{ LAYOUT_LOW_PDPT_LM, 8 },
		{ LAYOUT_LOW_PML4, 8 },
		{ LAYOUT_LOW_PD32, 4 },
		{ LAYOUT_LOW_PDPT_PAE, 8 },
	};

	for (unsigned i = 0; i < sizeof(prot) / sizeof(prot[0]); i++)
		if (gpa < prot[i].base + prot[i].len && gpa + (uint64_t)width > prot[i].base)
			return 1;
	return 0;
}
