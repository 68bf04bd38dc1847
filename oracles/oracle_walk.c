// SPDX-License-Identifier: GPL-2.0
/*
 * Page walks of the oracle: 32-bit paging (SDM vol. 3 4.3, APM vol. 2
 * 5.2-5.3 legacy non-PAE), PAE paging (SDM 4.4, APM 5.3 legacy PAE) and
 * 4-level paging (SDM 4.5, APM 5.3 long mode); reserved bits (SDM 4.3-4.5
 * tables, APM 5.3 figures), access rights at CPL0 (SDM 4.6, APM 5.6),
 * #PF error codes (SDM 4.7, APM 8.4.2), and the TLB / paging-structure
 * caches (SDM 4.10, APM 5.5) as the entry values that MAY still be used
 * (see struct hist in oracle_int.h).
 *
 * Where the manuals and KVM's software walker (which is what a guest of
 * KVM with shadow paging sees) differ, both answers are allowed and the
 * comment says so: zero false positives on a correct KVM is the bar.
 */
#include <string.h>
#include "oracle_int.h"

enum oracle_paging_mode os_mode(const struct ostate *s)
{
	if (!(s->cr0 & X86_CR0_PG))
		return PGM_OFF;
	if (s->efer & EFER_LMA)
		return PGM_LM4;
	return (s->cr4 & X86_CR4_PAE) ? PGM_PAE : PGM_32;
}

int os_is_canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

uint64_t os_op_va(const struct ostate *s, uint64_t addr)
{
	return (s->efer & EFER_LMA) ? addr : (addr & 0xFFFFFFFFull);
}

static unsigned level_shift(enum oracle_paging_mode m, unsigned level)
{
	if (m == PGM_32)
		return 12 + 10 * (level - 1);
	if (level == 0)		/* PAE PDPTE register */
		return 30;
	return 12 + 9 * (level - 1);
}

static uint64_t bits(unsigned hi, unsigned lo)
{
	return (hi >= 63 ? ~0ull : ((1ull << (hi + 1)) - 1)) & ~((1ull << lo) - 1);
}

static uint64_t addr_mask(const struct ostate *s)
{
	return bits(s->cpu->maxphyaddr - 1, 12);
}

/*
 * Reserved bits of a present entry.  Returns the bits whose being set
 * must fault; *amb gets bits where the manuals allow a fault but KVM's
 * walker does not (or the reverse).  *leaf says whether it maps a page.
 */
static uint64_t rsvd_bits(const struct oracle_cpu *cpu, int pse, int nxe, enum oracle_paging_mode m,
			  unsigned level, uint64_t e, int *leaf, uint64_t *amb)
{
	unsigned M = cpu->maxphyaddr;
	int amd = cpu->vendor == ORACLE_VENDOR_AMD;
	uint64_t r = 0, nx = nxe ? 0 : 1ull << 63;

	*amb = 0;
	*leaf = level == 1;
	if (m == PGM_PAE && level == 3) {
		/* A legacy-PAE PDPE read by the CPU's own walk (nested paging,
		 * ORACLE_MMU_NPT).  Bits 63:M (63 included: no XD in a PDPE)
		 * always fault; bits 2:1 and 8:5 are reserved by SDM Table 4-8
		 * and KVM's load_pdptrs, but APM Fig. 5-10 calls 8:5 MBZ/IGN
		 * by model and TCG does not check them: either is allowed. */
		*amb = bits(2, 1) | bits(8, 5);
		return bits(63, M);
	}
	if (m == PGM_32) {
		/* SDM Table 4-4: a 4 MiB PDE reserves bit 21 and, beyond the
		 * PSE-36 address bits (M-1):32 held in bits 20:13, the rest.
		 * KVM reserves 21:17 (36-bit PSE-36) whatever MAXPHYADDR is. */
		if (level == 2 && (e & PTE_LARGE_MASK) && pse) {
			*leaf = 1;
			if (!(cpu->features & ORACLE_F_PSE36))
				return bits(21, 13);
			unsigned pa = M > 40 ? 40 : M;
			r = bits(21, 21);
			if (pa < 40)
				r |= bits(20, 13 + pa - 32);
			*amb = bits(21, 17) & ~r;
		}
		return r;
	}
	/* SDM Tables 4-8..4-11 (PAE): bits 62:M reserved (63 without NXE);
	 * Tables 4-14..4-20 (4-level): 51:M. */
	r = (m == PGM_PAE ? bits(62, M) : bits(51, M)) | nx;
	switch (level) {
	case 4:
		/* PML4E: PS reserved (SDM Table 4-14); AMD also reserves bit 8
		 * of PML4Es (APM Fig. 5-18, KVM mmu.c nonleaf_bit8_rsvd). */
		r |= bits(7, 7) | (amd ? bits(8, 8) : 0);
		break;
	case 3:
		if (e & PTE_LARGE_MASK) {
			int no_1g = !(cpu->features & ORACLE_F_1G);

			if (no_1g && cpu->mmu != ORACLE_MMU_NPT) {
				r |= bits(7, 7);	/* no 1 GiB pages */
				break;
			}
			*leaf = 1;
			r |= bits(29, 13);
			/* Without 1 GiB pages in the guest's CPUID (KVM offers
			 * them only to shadow paging unless the CPU has them),
			 * nested paging leaves it to the CPU's own walk: a
			 * reserved-bit fault or the page (TCG maps it). */
			if (no_1g)
				*amb = bits(7, 7);
		} else if (amd) {
			/* APM reserves bit 8 of non-leaf PDPEs; KVM 6.1 does
			 * not check it: either is allowed. */
			*amb = bits(8, 8);
		}
		break;
	case 2:
		if (e & PTE_LARGE_MASK) {
			*leaf = 1;
			r |= bits(20, 13);
		}
		break;
	}
	return r;
}

static uint64_t leaf_frame(const struct ostate *s, enum oracle_paging_mode m, unsigned level, uint64_t e)
{
	if (m == PGM_32) {
		if (level == 2)
			return (e & 0xFFC00000ull) | (((e >> 13) & 0xFF) << 32);
		return e & 0xFFFFF000ull;
	}
	return e & addr_mask(s) & ~((1ull << level_shift(m, level)) - 1);
}

static uint64_t next_table(const struct ostate *s, enum oracle_paging_mode m, uint64_t e)
{
	return m == PGM_32 ? (e & 0xFFFFF000ull) : (e & addr_mask(s));
}

struct wctx {
	struct ostate *s;
	enum oracle_paging_mode m;
	uint64_t va;
	uint32_t cut_g, cut_ng;	/* history values newer than these may be used */
	int old_root;		/* walking a root a MOV CR3 left: only cached
				 * global translations, nothing read now */
	struct xlate *out;
	int n, max, overflow;
};

static void emit(struct wctx *w, const struct xlate *x)
{
	if (x->need_global && (x->fault || !x->global))
		return;		/* only a global TLB entry could have kept it */
	if (x->from_max >= x->tlb_by)
		return;		/* its values were never current together */
	if (w->n < w->max)
		w->out[w->n++] = *x;
	else
		w->overflow = 1;
}

static void push_step(struct xlate *x, unsigned level, uint64_t table, unsigned idx,
		      uint64_t e, int cur)
{
	if (x->n < 6) {
		x->cur[x->n] = cur;
		x->step[x->n++] = (struct walk_step){
			.level = level, .table_gpa = table, .index = idx, .entry = e,
		};
	}
}

static void walk_down(struct wctx *w, struct xlate cur, unsigned level, uint64_t table);

/* The first op at or after seq h that emptied the paging-structure
 * caches (~0u: none yet, a cached entry may still be there). */
static uint32_t wipe_after(const struct ostate *s, uint32_t h)
{
	for (unsigned i = 0; i < s->n_wipe; i++)
		if (s->wipe[i] >= h)
			return s->wipe[i];
	return ~0u;
}

static uint64_t hist_value(const struct hist *h, uint64_t egpa, int esz)
{
	if (esz == 8)
		return h->old;
	return (egpa & 4) ? h->old >> 32 : h->old & 0xFFFFFFFFu;
}

/*
 * The earliest op from which the entry at egpa held value v in a span
 * that ended after op `cut` (a superset when v recurs: the spans are
 * merged).  Spans: the initial value up to the first recorded store,
 * then one per store; the current value from the last store on.
 */
static uint32_t value_from(const struct ostate *s, uint64_t egpa, int esz, uint64_t v,
			   uint64_t cur, uint32_t cut)
{
	uint32_t start = 0, best = ~0u;

	for (unsigned i = 0; i < s->n_hist; i++) {
		const struct hist *h = &s->hist[i];

		if (h->gpa != (egpa & ~7ull))
			continue;
		if (hist_value(h, egpa, esz) == v && h->seq > cut && start < best)
			best = start;
		start = h->seq;
	}
	if (cur == v && start < best)
		best = start;
	return best == ~0u ? 0 : best;
}

/*
 * Use entry value e (current memory if cur, else an older value) at this
 * level and continue.  pse/nx: the interpretation to apply.  from: the
 * op the value became current; h: the op that overwrote it (~0u: it is
 * the current value), or 0 where only the interpretation is old.
 */
static void walk_entry(struct wctx *w, struct xlate x, unsigned level, uint64_t table,
		       unsigned idx, uint64_t e, int cur, int pse, int nxe, uint32_t from,
		       uint32_t h)
{
	const struct ostate *s = w->s;
	uint64_t def, amb;
	int leaf;

	if (w->old_root)
		cur = 0;
	push_step(&x, level, table, idx, e, cur);
	if (!cur)
		x.fresh = 0;
	if (from > x.from_max)
		x.from_max = from;
	if (!(e & PTE_PRESENT_MASK)) {
		if (!cur)
			return;		/* not-present entries are never cached */
		x.fault = 1;
		emit(w, &x);
		return;
	}
	def = rsvd_bits(s->cpu, pse, nxe, w->m, level, e, &leaf, &amb);
	if (e & def) {
		if (!cur)
			return;		/* nor are ones with reserved bits */
		x.fault = 2;
		emit(w, &x);
		return;
	}
	if ((e & amb) && cur) {
		struct xlate f = x;

		f.fault = 2;
		emit(w, &f);
	}
	/* SDM 4.10.2-4.10.3: a stale leaf exists only in a TLB entry made
	 * before it was overwritten; a stale non-leaf only in one made
	 * before the paging-structure caches last emptied (INVLPG of any
	 * address, MOV CR3), or in those caches if they have not. */
	if (h && h != ~0u) {
		uint32_t by = leaf ? h : wipe_after(s, h);

		if (by < x.tlb_by)
			x.tlb_by = by;
	}
	/* A PAE PDPE grants every right (R/W and U/S do not exist there). */
	if (!(w->m == PGM_PAE && level == 3)) {
		if (!(e & PTE_WRITABLE_MASK))
			x.rights &= ~XL_RIGHT_RW;
		if (!(e & PTE_USER_MASK))
			x.rights &= ~XL_RIGHT_US;
	}
	if (w->m != PGM_32 && nxe && (e & PTE_NX_MASK))
		x.rights |= XL_RIGHT_XD;
	if (leaf) {
		uint64_t size = 1ull << level_shift(w->m, level);

		x.gpa = leaf_frame(s, w->m, level, e) + (w->va & (size - 1));
		/* PGE toggles flush everything, so the current PGE applies. */
		x.global = (e & PTE_GLOBAL_MASK) && (s->cr4 & X86_CR4_PGE);
		x.leaf_level = level;
		emit(w, &x);
		return;
	}
	if (level > 1)
		walk_down(w, x, level - 1, next_table(s, w->m, e));
}

/* v under another interpretation, cached no later than op `l` (~0u: it
 * may still be cached whatever was flushed). */
static void walk_other(struct wctx *w, const struct xlate *x, unsigned level, uint64_t table,
		       unsigned idx, uint64_t v, uint32_t l, int pse, int nxe)
{
	struct xlate y = *x;

	if (l != ~0u) {
		if (l <= w->cut_g)
			return;
		y.need_global |= l <= w->cut_ng;
	}
	walk_entry(w, y, level, table, idx, v, 0, pse, nxe, 0, 0);
}

/*
 * Try value v of an entry under the current interpretation and, where a
 * translation cached earlier could read it differently, under the other
 * one.  limit: the value (or interpretation) was last valid before op
 * `limit` (~0u for the current value): usable if newer than the last
 * invalidation covering the VA, and only by a global translation if not
 * newer than the last non-global flush.
 */
static void walk_value(struct wctx *w, const struct xlate *x, unsigned level, uint64_t table,
		       unsigned idx, uint64_t v, uint32_t limit, uint32_t from)
{
	const struct ostate *s = w->s;
	int pse = !!(s->cr4 & X86_CR4_PSE), nxe = !!(s->efer & EFER_NX), cur = limit == ~0u;
	struct xlate y;

	if (limit <= w->cut_g)
		return;
	y = *x;
	y.need_global |= limit <= w->cut_ng;
	walk_entry(w, y, level, table, idx, v, cur, pse, nxe, from, limit);
	/* SDM 4.10.2.3: a translation cached under the other CR4.PSE may be
	 * used until a flush after the change.  KVM keeps it across flushes
	 * (no PSE in the shadow page role): unless ORACLE_STRICT_PSE, only
	 * the age of the value itself counts. */
	if (w->m == PGM_32 && level == 2 && (v & PTE_LARGE_MASK)) {
		uint32_t l = limit < s->pse_seq ? limit : s->pse_seq;

		if (!(s->cpu->strict & ORACLE_STRICT_PSE) && s->pse_seen[!pse])
			l = limit;
		walk_other(w, x, level, table, idx, v, l, !pse, nxe);
	}
	/* Likewise one cached while EFER.NXE was 1 (KVM's sticky NX unless
	 * ORACLE_STRICT_NX). */
	if (w->m != PGM_32 && !nxe && (v & PTE_NX_MASK)) {
		uint32_t l = limit < s->nxe_seq ? limit : s->nxe_seq;

		if (!(s->cpu->strict & ORACLE_STRICT_NX) && s->nxe_ever)
			l = limit;
		walk_other(w, x, level, table, idx, v, l, pse, 1);
	}
}

/* The values the entry at egpa may be taken as: current, then older. */
static void walk_down(struct wctx *w, struct xlate x, unsigned level, uint64_t table)
{
	struct ostate *s = w->s;
	int esz = w->m == PGM_32 ? 4 : 8;
	unsigned imask = w->m == PGM_32 ? 0x3FF : 0x1FF;
	unsigned idx = (w->va >> level_shift(w->m, level)) & imask;
	uint64_t egpa = table + (uint64_t)idx * esz, e, seen[HIST_MAX + 1];
	enum mem_class c = om_class(egpa);
	int n_seen = 0;

	if (c != MEM_TABLE && c != MEM_DATA) {
		/* Table in stub memory or MMIO: not modelled. */
		x.unmodelled = 1;
		push_step(&x, level, table, idx, 0, 1);
		emit(w, &x);
		return;
	}
	e = om_read(&s->mem, egpa, esz);
	walk_value(w, &x, level, table, idx, e, ~0u, value_from(s, egpa, esz, e, e, w->cut_g));
	seen[n_seen++] = e;
	/* Newest first: a value that recurs counts from its last overwrite. */
	for (int i = (int)s->n_hist - 1; i >= 0; i--) {
		const struct hist *h = &s->hist[i];
		uint64_t v;
		int dup = 0;

		if (h->gpa != (egpa & ~7ull) || h->seq <= w->cut_g)
			continue;
		v = hist_value(h, egpa, esz);
		for (int k = 0; k < n_seen; k++)
			dup |= seen[k] == v;
		if (dup)
			continue;
		if (n_seen <= HIST_MAX)
			seen[n_seen++] = v;
		walk_value(w, &x, level, table, idx, v, h->seq,
			   value_from(s, egpa, esz, v, e, w->cut_g));
	}
}

/* Walk from CR3 = cr3 with PDPTE registers pd (PAE); x starts the walk. */
static void walk_root(struct wctx *w, struct xlate x, uint64_t cr3, const uint64_t pd[4])
{
	struct ostate *s = w->s;

	switch (w->m) {
	case PGM_32:
		walk_down(w, x, 2, cr3 & 0xFFFFF000ull);
		break;
	case PGM_PAE: {
		/* SDM 4.4.2: bits 31:30 select a PDPTE register; no rights
		 * (R/W, U/S, XD do not exist in PAE PDPTEs). */
		unsigned i = (w->va >> 30) & 3;

		/* APM 5.3: without PDPTE registers (nested paging) the PDPE is
		 * one more level read from memory at CR3[31:5], cached like
		 * the others until a flush. */
		if (s->cpu->mmu == ORACLE_MMU_NPT) {
			walk_down(w, x, 3, cr3 & 0xFFFFFFE0ull);
			break;
		}
		push_step(&x, 0, cr3 & 0xFFFFFFE0ull, i, pd[i], 0);
		if (!(pd[i] & PTE_PRESENT_MASK)) {
			x.fault = 1;
			emit(w, &x);
			return;
		}
		walk_down(w, x, 2, pd[i] & addr_mask(s));
		break;
	}
	case PGM_LM4:
		walk_down(w, x, 4, cr3 & addr_mask(s));
		break;
	default:
		break;
	}
}

int os_translate(struct ostate *s, uint64_t va, struct xlate *out, int max, int *overflow)
{
	struct wctx w = { .s = s, .m = os_mode(s), .va = va, .out = out, .max = max };

	if (w.m == PGM_OFF) {
		struct xlate x;

		memset(&x, 0, sizeof(x));
		x.fresh = 1;
		x.rights = XL_RIGHT_RW | XL_RIGHT_US;
		x.gpa = va & 0xFFFFFFFFull;
		x.tlb_by = ~0u;
		emit(&w, &x);
		*overflow = 0;
		return w.n;
	}
	w.cut_g = s->cut_full;
	for (unsigned i = 0; i < s->n_inval; i++)
		if (s->inval[i].vpn == va >> 12 && s->inval[i].seq > w.cut_g)
			w.cut_g = s->inval[i].seq;
	w.cut_ng = s->cut_ng > w.cut_g ? s->cut_ng : w.cut_g;
	{
		struct xlate x;

		memset(&x, 0, sizeof(x));
		x.fresh = 1;
		x.rights = XL_RIGHT_RW | XL_RIGHT_US;
		x.tlb_by = ~0u;
		walk_root(&w, x, s->cr3, s->pdpte);
		/* SDM 4.10.4.1: MOV CR3 keeps global TLB entries, so a
		 * global translation of a root left since the last
		 * invalidation covering va may still be used. */
		w.old_root = 1;
		for (unsigned i = 0; i < s->n_oldroot; i++) {
			const struct oldroot *r = &s->oldroot[i];

			if (r->until <= w.cut_g)
				continue;
			x.fresh = 0;
			x.need_global = 1;
			x.tlb_by = r->until;
			walk_root(&w, x, r->cr3, r->pdpte);
		}
	}
	if (w.m == PGM_32)
		s->pse_seen[!!(s->cr4 & X86_CR4_PSE)] = 1;
	*overflow = w.overflow || s->hist_lost;
	return w.n;
}

int os_permits(const struct ostate *s, const struct xlate *x, enum access acc)
{
	int user = x->rights & XL_RIGHT_US, smap = (s->cr4 & X86_CR4_SMAP) && user;

	if (os_mode(s) == PGM_OFF)
		return 1;
	if (x->fault || x->unmodelled)
		return 0;
	/* SDM 4.6.1 / APM 5.6: CPL0 data accesses to user pages fault under
	 * SMAP (EFLAGS.AC = 0 in the stub); writes to read-only pages fault
	 * when CR0.WP = 1; fetches fault from XD pages (NXE) and from user
	 * pages under SMEP. */
	switch (acc) {
	case ACC_READ:
		return !smap;
	case ACC_WRITE:
		return !smap && ((x->rights & XL_RIGHT_RW) || !(s->cr0 & X86_CR0_WP));
	case ACC_FETCH:
		return !(x->rights & XL_RIGHT_XD) && !((s->cr4 & X86_CR4_SMEP) && user);
	}
	return 0;
}

int os_pf_codes(const struct ostate *s, const struct xlate *x, enum access acc, uint32_t ec[4])
{
	enum oracle_paging_mode m = os_mode(s);
	uint32_t base = (x->fault == 1 ? 0 : PFERR_PRESENT_MASK) | (x->fault == 2 ? PFERR_RSVD_MASK : 0) |
			(acc == ACC_WRITE ? PFERR_WRITE_MASK : 0);
	int smep = !!(s->cr4 & X86_CR4_SMEP), nxe = !!(s->efer & EFER_NX);
	/* SDM 4.7: I/D = fetch && (SMEP || (PAE/4-level && NXE)).  KVM's
	 * walker sets it for fetch && (NXE || SMEP), also in 32-bit paging;
	 * APM 8.4.2 leaves it undefined there.  Accept both. */
	int id_sdm = acc == ACC_FETCH && (smep || (m != PGM_32 && nxe));
	int id_kvm = acc == ACC_FETCH && (smep || nxe);

	int n = 0;

	ec[n++] = base | (id_sdm ? PFERR_FETCH_MASK : 0);
	if (id_sdm != id_kvm)
		ec[n++] = base | (id_kvm ? PFERR_FETCH_MASK : 0);
	/* ORACLE_QUIRK_TCG_RSVD_NO_P: TCG's own walk drops P on RSVD. */
	if (x->fault == 2 && (s->cpu->quirks & ORACLE_QUIRK_TCG_RSVD_NO_P))
		for (int i = 0, m0 = n; i < m0; i++)
			ec[n++] = ec[i] & ~PFERR_PRESENT_MASK;
	return n;
}

/*
 * ORACLE_QUIRK_TCG_PDPTE_A: TCG sets A in the PAE PDPE an access walks.
 * It is certain when every translation the model allows completed
 * through the current value of one PDPE: whichever one TCG used, cached
 * or not, came from a walk of that value.  Where a translation may come
 * from an older value or another root (a global one of an address space
 * left), or the access faulted, it is only possible, on each PDPE named.
 */
static void tcg_pdpte_a(struct ostate *s, const struct xlate *xl, int n, enum access acc)
{
	uint64_t gpa[XL_MAX];
	int n_gpa = 0, certain = 1;

	for (int k = 0; k < n; k++) {
		const struct xlate *x = &xl[k];
		uint64_t g;
		int dup = 0;

		if (x->n < 1 || x->step[0].level != 3 || !(x->step[0].entry & PTE_PRESENT_MASK))
			continue;
		g = x->step[0].table_gpa + (uint64_t)x->step[0].index * 8;
		if (!x->cur[0] || x->fault || x->unmodelled || !os_permits(s, x, acc) ||
		    (n_gpa && g != gpa[0]))
			certain = 0;
		for (int i = 0; i < n_gpa; i++)
			dup |= gpa[i] == g;
		if (!dup && n_gpa < XL_MAX)
			gpa[n_gpa++] = g;
	}
	for (int i = 0; i < n_gpa; i++) {
		uint64_t v = om_read(&s->mem, gpa[i], 8);

		if (certain && om_class(gpa[i]) == MEM_TABLE && (v & PTE_PRESENT_MASK))
			om_set_ad(&s->mem, gpa[i], 8, PTE_ACCESSED_MASK);
		else
			om_mark_ad(&s->mem, gpa[i], 8, PTE_ACCESSED_MASK);
	}
}

void os_after_access(struct ostate *s, const struct xlate *xl, int n, enum access acc, int over)
{
	enum oracle_paging_mode m = os_mode(s);
	int esz = m == PGM_32 ? 4 : 8;
	/* SDM 4.8 requires A on every entry a completed walk used and D on
	 * the leaf of a write.  When the fresh walk is the one translation
	 * allowed, either the access walked the current entries now or it
	 * used a cached translation made by a walk of these same values
	 * (an entry rewritten since would be history, another translation),
	 * which set the bits then; a store clearing them would be history
	 * too.  So the bits are certainly set.  Otherwise they may be: A on
	 * what a walk read (also on the way to a fault, as TCG does; KVM's
	 * walker sets none then), which keeps the freedom of speculative
	 * walks of SDM 4.10.2.3 for the entries the program's accesses use. */
	int certain = n == 1 && !over && xl[0].fresh && !xl[0].fault && !xl[0].unmodelled &&
		      os_permits(s, &xl[0], acc);

	if (m == PGM_OFF)
		return;
	if (m == PGM_PAE && (s->cpu->quirks & ORACLE_QUIRK_TCG_PDPTE_A))
		tcg_pdpte_a(s, xl, n, acc);
	for (int k = 0; k < n; k++) {
		const struct xlate *x = &xl[k];
		int ok = !x->fault && !x->unmodelled;
		int last_good = ok ? x->n - 1 : x->n - 2;

		/* SDM 4.8: A on every entry used, D on the leaf of a write;
		 * only entries read from memory (a cached one is not read),
		 * never PDPTEs (SDM 4.8 / APM 5.4: PDPTEs get none), except
		 * that TCG's walk sets A in them (ORACLE_QUIRK_TCG_PDPTE_A). */
		for (int i = 0; i <= last_good; i++) {
			const struct walk_step *st = &x->step[i];
			uint64_t ad = PTE_ACCESSED_MASK;

			if (st->level == 0 || !x->cur[i])
				continue;
			if (m == PGM_PAE && st->level == 3)
				continue;	/* tcg_pdpte_a() */
			if (ok && i == x->n - 1 && acc == ACC_WRITE && os_permits(s, x, ACC_WRITE))
				ad |= PTE_DIRTY_MASK;
			if (certain)
				om_set_ad(&s->mem, st->table_gpa + (uint64_t)st->index * esz, esz, ad);
			else
				om_mark_ad(&s->mem, st->table_gpa + (uint64_t)st->index * esz, esz, ad);
		}
	}
}

void os_flush_all(struct ostate *s)
{
	s->cut_full = s->cut_ng = s->seq;
	/* Nothing older than a full flush can be used again. */
	s->n_hist = 0;
	s->n_inval = 0;
	s->n_wipe = 0;
	s->n_oldroot = 0;
	s->hist_lost = 0;
}

/* Every paging-structure cache entry goes at this op (SDM 4.10.4.1). */
static void wipe_caches(struct ostate *s)
{
	if (s->n_wipe && s->wipe[s->n_wipe - 1] == s->seq)
		return;
	if (s->n_wipe < WIPE_MAX)
		s->wipe[s->n_wipe++] = s->seq;
}

void os_flush_nonglobal(struct ostate *s)
{
	s->cut_ng = s->seq;
	wipe_caches(s);
}

void os_leave_root(struct ostate *s, uint64_t new_cr3)
{
	struct oldroot *r;

	if (!(s->cr4 & X86_CR4_PGE) || os_mode(s) == PGM_OFF || new_cr3 == s->cr3)
		return;
	if (s->n_oldroot >= OLDROOT_MAX) {
		s->hist_lost = 1;	/* cannot happen: one per op */
		return;
	}
	r = &s->oldroot[s->n_oldroot++];
	r->cr3 = s->cr3;
	memcpy(r->pdpte, s->pdpte, sizeof(r->pdpte));
	r->until = s->seq;
}

/* TLB entries of va's page and paging-structure entries for va. */
static void inval_va(struct ostate *s, uint64_t va)
{
	for (unsigned i = 0; i < s->n_inval; i++)
		if (s->inval[i].vpn == va >> 12) {
			s->inval[i].seq = s->seq;
			return;
		}
	if (s->n_inval < INVAL_MAX)
		s->inval[s->n_inval++] = (struct inval){ .vpn = va >> 12, .seq = s->seq };
}

void os_pf_inval(struct ostate *s, uint64_t va)
{
	/* SDM 4.10.4.1: "page faults invalidate entries in the TLBs and
	 * paging-structure caches": the TLB entries for the faulting page
	 * and the paging-structure entries that would be used for it. */
	inval_va(s, va);
}

void os_invlpg(struct ostate *s, uint64_t va)
{
	/* SDM 4.10.4.1: INVLPG invalidates the translations of the page
	 * (global ones too) and ALL paging-structure cache entries, for
	 * every address.  Large pages are only taken as invalidated for the
	 * 4 KiB page named (a superset of what may remain). */
	inval_va(s, va);
	wipe_caches(s);
}

void os_store(struct ostate *s, uint64_t gpa, int width, uint64_t value)
{
	/* A/D bits the CPU may have set count as set in the old value: a
	 * translation cached from the entry was made by a walk that set A
	 * (SDM 4.10.4.3: none is made from an entry with A = 0), so a store
	 * that clears them is a change a TLB may not have seen. */
	uint64_t old = om_read(&s->mem, gpa & ~7ull, 8) | om_unc(&s->mem, gpa & ~7ull, 8);

	om_write(&s->mem, gpa, width, value);
	if (om_read(&s->mem, gpa & ~7ull, 8) == old)
		return;
	if (s->n_hist >= HIST_MAX) {
		s->hist_lost = 1;
		return;
	}
	s->hist[s->n_hist++] = (struct hist){ .gpa = gpa & ~7ull, .old = old, .seq = s->seq };
}
