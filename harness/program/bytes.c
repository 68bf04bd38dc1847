// SPDX-License-Identifier: GPL-2.0
/*
 * The byte form of a program, for fuzzers.
 *
 * Goals: every byte string either decodes to a well-formed program or is
 * rejected with "byte N: reason" (the decoder is total); random bytes
 * mostly decode to programs that touch what matters (arena tables, PDPT
 * slots, data frames, the interesting CR bits); every well-formed program
 * encodes, and decode(encode(p)) == p.  Fields are compact selectors with
 * an escape to raw little-endian 64-bit values; the encoder tries the
 * compact form, decodes it back, and falls back to raw when it differs.
 *
 * Layout: one header byte (bit 0: start mode, 0 pm32 / 1 lm64; bits 7:1
 * ignored), then records to the end of the input.  A record is an opcode
 * byte, kind = op >> 4, sub = op & 15, then its operands:
 *
 *   kind      record      operands (R: sub == 15 selects the raw form)
 *   0         cr0         R: 8-byte value, else 1 byte CR0 set (below)
 *   1, 15     cr3         R: 8 bytes, else 2 bytes CR3 selector
 *   2, 13     cr4         R: 8 bytes, else 1 byte CR4 set
 *   3         efer        R: 8 bytes, else 1 byte EFER set
 *   4         pte         sub.0: width 4 (else 8); sub[2:1]: 0 or 1
 *                         compact target (2 bytes) and entry (3 bytes),
 *                         2 compact target and raw 8-byte value, 3 raw
 *                         8-byte gpa and value; sub.3: the compact target
 *                         is a fixed low table (else an arena page)
 *   5         pte via     as 4, then the alias VA: raw 8 bytes when
 *                         sub[2:1] == 3, else a 3-byte VA whose page
 *                         offset is the target's; sub.3 ignored (the
 *                         compact target is an arena page)
 *   6         invlpg      R: 8-byte VA, else 3-byte VA
 *   7, 14     read        same
 *   8         write       same
 *   9         fetch       same
 *   10        init        as 4
 *   11        prefault    2 bytes gfn - 0x400; count - 1 in 1 byte, or in
 *                         2 bytes when sub.3
 *   12        title       1 byte length (<= 127), then that many bytes
 *
 * A record cut short by the end of the input is ignored (fuzzers cut
 * inputs anywhere); everything before it still decodes.
 *
 * Compact fields (all little endian):
 *   CR0 set   bits 0..7 = PG WP NE CD NW AM MP TS; PE and ET always set
 *   CR4 set   bits 0..7 = PSE PAE PGE SMEP SMAP PCIDE LA57 PKE
 *   EFER set  bits 0..7 = SCE LME NXE SVME bit1 FFXSR TCE LMA (bit 1 is
 *             reserved: a #GP case; LMSLE is left to the raw form, the
 *             model cannot predict it)
 *   CR3 t     t.15=0: arena page t[5:0]; t.15=1: low table t[2:0] (0..5
 *             in layout.h order from LOW_PT32, 6 = PML4, 7 = PDPT_PAE);
 *             32-byte slot t[12:6];
 *             PWT t.13, PCD t.14
 *   target t  page t[15:10] (arena page, or low table 1 + t[15:10] mod 5:
 *             LOW_PT32 holds no free entry), entry index
 *             t[9:0] in units of the width (mod the page)
 *   entry u   bits 7:0 = entry bits 7:0; u.8 = G; u.9 = NX (bit 63);
 *             frame selector s = u[21:10], k = u[23:22]: k0 arena page
 *             s[5:0]; k1 data gfn 0x400+s; k2 address s << 21 (large
 *             pages); k3 gfn s.  Width 4 keeps the low 32 bits (of a raw
 *             value too).
 *   VA u      VA[31:12] = u[19:0], VA[63:32] from a 16-entry palette
 *             indexed by u[23:20] (0-7: none; then PDPT/PML4 slots,
 *             the upper half and a non-canonical address); offset 0
 *
 * After decoding, prog_check() must pass; its reason is reported at the
 * byte offset of the record at fault.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include "harness/core/layout.h"
#include "harness/core/x86.h"
#include "harness/program/prog.h"

enum {
	K_CR0 = 0, K_CR3 = 1, K_CR4 = 2, K_EFER = 3, K_PTE = 4, K_PTE_VIA = 5,
	K_INVLPG = 6, K_READ = 7, K_WRITE = 8, K_FETCH = 9, K_INIT = 10,
	K_PREFAULT = 11, K_TITLE = 12, K_CR4_ALT = 13, K_READ_ALT = 14, K_CR3_ALT = 15,
};

#define SUB_W4		0x1
#define SUB_RAW_VAL	0x4	/* sub[2:1] == 2 */
#define SUB_RAW_ALL	0x6	/* sub[2:1] == 3: raw gpa, value (and via) */
#define SUB_LOW		0x8	/* compact target is a low table; wide count */
#define SUB_RAW		0xf	/* cr and va records: raw form */

static const uint64_t cr0_map[8] = {
	1ull << 31, 1ull << 16, 1ull << 5, 1ull << 30, 1ull << 29, 1ull << 18, 1ull << 1, 1ull << 3,
};
#define CR0_FIXED	(X86_CR0_PE | X86_CR0_ET)
static const uint64_t cr4_map[8] = {
	1ull << 4, 1ull << 5, 1ull << 7, 1ull << 20, 1ull << 21, 1ull << 17, 1ull << 12, 1ull << 22,
};
static const uint64_t efer_map[8] = {
	1ull << 0, 1ull << 8, 1ull << 11, 1ull << 12, 1ull << 1, 1ull << 14, 1ull << 15, 1ull << 10,
};
static const uint64_t va_hi[16] = {
	0, 0, 0, 0, 0, 0, 0, 0,
	0x0000000100000000ull,	/* PDPT 4 of PML4 0 */
	0x0000000200000000ull,	/* PDPT 8 */
	0x0000004000000000ull,	/* PDPT 256 */
	0x0000008000000000ull,	/* PML4 1 */
	0x00007f8000000000ull,	/* PML4 255 */
	0xffff800000000000ull,	/* PML4 256, upper half */
	0xffffff8000000000ull,	/* PML4 511 */
	0x0000800000000000ull,	/* non-canonical */
};

/* ---- compact field decoders (shared by the encoder's verification) ---- */

static uint64_t set_decode(const uint64_t *map, uint8_t b)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		if (b & (1u << i))
			v |= map[i];
	return v;
}

static int64_t cr3_decode(uint16_t t)
{
	static const uint8_t low[8] = { 0, 1, 2, 3, 4, 5, 3, 5 };
	uint64_t base, slot = (uint64_t)((t >> 6) & 127) << 5, flags = (uint64_t)((t >> 13) & 3) << 3;

	if (t & 0x8000) {
		base = LAYOUT_LOW_PT32 + (uint64_t)low[t & 7] * LAYOUT_PAGE_SIZE;
	} else {
		base = LAYOUT_ARENA_BASE + (uint64_t)(t & 63) * LAYOUT_PAGE_SIZE;
	}
	return base | slot | flags;
}

static uint64_t target_decode(uint16_t t, int low, unsigned width)
{
	uint64_t page = t >> 10, off = ((uint64_t)(t & 0x3ff) * width) & 0xfff;

	if (low)
		return LAYOUT_LOW_PT32 + (1 + page % 5) * LAYOUT_PAGE_SIZE + off;
	return LAYOUT_ARENA_BASE + page * LAYOUT_PAGE_SIZE + off;
}

static uint64_t entry_decode(uint32_t u, unsigned width)
{
	uint64_t s = (u >> 10) & 0xfff, v = u & 0xff, addr;

	switch (u >> 22) {
	case 0:  addr = LAYOUT_ARENA_BASE + (s & 63) * LAYOUT_PAGE_SIZE; break;
	case 1:  addr = (0x400 + s) << 12; break;
	case 2:  addr = s << 21; break;
	default: addr = s << 12; break;
	}
	v |= addr;
	if (u & 0x100)
		v |= PTE_GLOBAL_MASK;
	if (u & 0x200)
		v |= PTE_NX_MASK;
	return width == 4 ? (uint32_t)v : v;
}

static uint64_t va_decode(uint32_t u)
{
	return va_hi[(u >> 20) & 15] | (uint64_t)(u & 0xfffff) << 12;
}

/* ---- decoder ---- */

struct rd {
	const uint8_t *b;
	size_t len, pos, rec;	/* rec: offset of the current record */
	char *err;
	size_t errlen;
};

static int rerr(struct rd *r, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int rerr(struct rd *r, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!r->err || !r->errlen)
		return -EINVAL;
	n = snprintf(r->err, r->errlen, "byte %zu: ", off);
	if (n >= 0 && (size_t)n < r->errlen) {
		va_start(ap, fmt);
		vsnprintf(r->err + n, r->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Read n (<= 8) bytes little endian; -ENODATA if the input ends first. */
static int get(struct rd *r, unsigned n, uint64_t *v)
{
	if (r->len - r->pos < n)
		return -ENODATA;
	*v = 0;
	for (unsigned i = 0; i < n; i++)
		*v |= (uint64_t)r->b[r->pos + i] << (8 * i);
	r->pos += n;
	return 0;
}

static int get_va(struct rd *r, int raw, uint64_t *va)
{
	uint64_t u;
	int ret = get(r, raw ? 8 : 3, &u);

	if (!ret)
		*va = raw ? u : va_decode(u);
	return ret;
}

/* A pte/init record: width, target and value (kind 5 adds the alias). */
static int get_store(struct rd *r, unsigned kind, unsigned sub, uint8_t *width,
		     uint64_t *gpa, uint64_t *value, uint64_t *via)
{
	uint64_t u;
	int ret;

	unsigned raw = sub & SUB_RAW_ALL;

	*width = sub & SUB_W4 ? 4 : 8;
	if ((ret = get(r, raw == SUB_RAW_ALL ? 8 : 2, &u)))
		return ret;
	if (raw == SUB_RAW_ALL) {
		*gpa = u;
	} else {
		*gpa = target_decode(u, kind != K_PTE_VIA && (sub & SUB_LOW), *width);
	}
	if ((ret = get(r, raw >= SUB_RAW_VAL ? 8 : 3, &u)))
		return ret;
	*value = raw >= SUB_RAW_VAL ? (*width == 4 ? (uint32_t)u : u) : entry_decode(u, *width);
	*via = 0;
	if (kind == K_PTE_VIA) {
		if ((ret = get_va(r, raw == SUB_RAW_ALL, via)))
			return ret;
		if (raw != SUB_RAW_ALL)
			*via |= *gpa & (LAYOUT_PAGE_SIZE - 1);
		if (!*via)
			return rerr(r, r->rec, "pte via alias VA 0");
	}
	return 0;
}

struct offsets {
	uint32_t init[PROG_MAX_INIT], prefault[PROG_MAX_PREFAULT], op[PROG_MAX_OPS];
};

static int decode_record(struct rd *r, struct program *p, struct offsets *off)
{
	unsigned op = r->b[r->pos++], kind = op >> 4, sub = op & 15;
	uint64_t u, v, gpa = 0, via = 0;
	uint8_t width;
	int ret;

	switch (kind) {
	case K_CR0: case K_CR3: case K_CR3_ALT: case K_CR4: case K_CR4_ALT: case K_EFER: {
		enum prog_op_kind ok = kind == K_CR0 ? OP_CR0 : kind == K_EFER ? OP_EFER :
				       (kind == K_CR3 || kind == K_CR3_ALT) ? OP_CR3 : OP_CR4;
		unsigned n = sub == SUB_RAW ? 8 : ok == OP_CR3 ? 2 : 1;

		if ((ret = get(r, n, &u)))
			return ret;
		if (sub == SUB_RAW) {
			v = u;
		} else if (ok == OP_CR3) {
			v = cr3_decode(u);
		} else {
			v = ok == OP_CR0 ? set_decode(cr0_map, u) | CR0_FIXED :
			    set_decode(ok == OP_CR4 ? cr4_map : efer_map, u);
		}
		if (p->n_ops >= PROG_MAX_OPS)
			return rerr(r, r->rec, "more than %d ops", PROG_MAX_OPS);
		off->op[p->n_ops] = r->rec;
		prog_add_op(p, ok, v, 0);
		return 0;
	}
	case K_PTE: case K_PTE_VIA: case K_INIT:
		if ((ret = get_store(r, kind, sub, &width, &gpa, &v, &via)))
			return ret;
		if (kind == K_INIT) {
			if (p->n_init >= PROG_MAX_INIT)
				return rerr(r, r->rec, "more than %d init records", PROG_MAX_INIT);
			off->init[p->n_init] = r->rec;
			prog_add_init(p, gpa, width, v);
		} else {
			if (p->n_ops >= PROG_MAX_OPS)
				return rerr(r, r->rec, "more than %d ops", PROG_MAX_OPS);
			off->op[p->n_ops] = r->rec;
			prog_add_pte(p, gpa, width, v, via);
		}
		return 0;
	case K_INVLPG: case K_READ: case K_READ_ALT: case K_WRITE: case K_FETCH: {
		enum prog_op_kind ok = kind == K_INVLPG ? OP_INVLPG : kind == K_WRITE ? OP_WRITE :
				       kind == K_FETCH ? OP_FETCH : OP_READ;

		if ((ret = get_va(r, sub == SUB_RAW, &v)))
			return ret;
		if (p->n_ops >= PROG_MAX_OPS)
			return rerr(r, r->rec, "more than %d ops", PROG_MAX_OPS);
		off->op[p->n_ops] = r->rec;
		prog_add_op(p, ok, 0, v);
		return 0;
	}
	case K_PREFAULT:
		if ((ret = get(r, 2, &u)) || (ret = get(r, sub & SUB_LOW ? 2 : 1, &v)))
			return ret;
		if (p->n_prefault >= PROG_MAX_PREFAULT)
			return rerr(r, r->rec, "more than %d prefault records", PROG_MAX_PREFAULT);
		off->prefault[p->n_prefault] = r->rec;
		p->prefault[p->n_prefault++] = (struct prog_prefault){
			.gfn = LAYOUT_DATA_BASE / LAYOUT_PAGE_SIZE + u, .count = v + 1,
		};
		return 0;
	case K_TITLE:
		if ((ret = get(r, 1, &u)))
			return ret;
		if (p->title[0])
			return rerr(r, r->rec, "second title");
		if (u >= PROG_TITLE_MAX)
			return rerr(r, r->rec, "title length %u exceeds %d", (unsigned)u, PROG_TITLE_MAX - 1);
		if (r->len - r->pos < u)
			return -ENODATA;
		memcpy(p->title, r->b + r->pos, u);
		p->title[u] = '\0';
		if (strlen(p->title) != u)
			return rerr(r, r->rec, "title holds a NUL byte");
		r->pos += u;
		return 0;
	}
	return rerr(r, r->rec, "unknown record kind %u", kind);	/* not reached: 16 kinds */
}

int prog_decode(const uint8_t *buf, size_t len, struct program *out, char *err, size_t errlen)
{
	static __thread struct offsets off;
	struct rd r = { .b = buf, .len = len, .err = err, .errlen = errlen };
	struct prog_where w;
	char why[192];
	size_t at;
	int ret;

	prog_init_empty(out);
	if (!len)
		return rerr(&r, 0, "empty input: no header byte");
	out->start = buf[0] & 1;
	r.pos = 1;
	while (r.pos < len) {
		r.rec = r.pos;
		ret = decode_record(&r, out, &off);
		if (ret == -ENODATA)
			break;	/* a cut-short last record: ignored */
		if (ret)
			return ret;
	}
	if (!prog_check_where(out, &w, why, sizeof(why)))
		return 0;
	switch (w.part) {
	case PART_INIT:		at = off.init[w.index]; break;
	case PART_PREFAULT:	at = off.prefault[w.index]; break;
	case PART_OP:		at = off.op[w.index]; break;
	default:		at = 0; break;
	}
	return rerr(&r, at, "%s", why);
}

/* ---- encoder ---- */

struct wr {
	uint8_t *b;
	size_t cap, len;
};

static void put(struct wr *w, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++, v >>= 8)
		if (w->len + i < w->cap)
			w->b[w->len + i] = v;
	w->len += n;
}

/* Index of v in a bit map, or -1 if v has a bit outside it. */
static int set_encode(const uint64_t *map, uint64_t v, uint64_t fixed)
{
	int b = 0;

	if ((v & fixed) != fixed)
		return -1;
	v &= ~fixed;
	for (int i = 0; i < 8; i++)
		if (v & map[i]) {
			b |= 1 << i;
			v &= ~map[i];
		}
	return v ? -1 : b;
}

static void put_cr(struct wr *w, const struct prog_op *op)
{
	int b = -1;
	uint16_t t = 0;

	switch (op->kind) {
	case OP_CR0:	b = set_encode(cr0_map, op->value, CR0_FIXED); break;
	case OP_CR4:	b = set_encode(cr4_map, op->value, 0); break;
	case OP_EFER:	b = set_encode(efer_map, op->value, 0); break;
	default: {
		uint64_t v = op->value, page = v & ~0xfffull;

		t = ((v >> 5) & 127) << 6 | ((v >> 3) & 3) << 13;
		if (page >= LAYOUT_ARENA_BASE && page < LAYOUT_ARENA_END)
			t |= (page - LAYOUT_ARENA_BASE) >> 12;
		else if (page >= LAYOUT_LOW_PT32 && page < LAYOUT_LOW_TABLES_END)
			t |= 0x8000 | (page - LAYOUT_LOW_PT32) >> 12;
		b = cr3_decode(t) == (int64_t)v ? 0 : -1;
	}
	}
	put(w, 1, (op->kind == OP_CR0 ? K_CR0 : op->kind == OP_CR3 ? K_CR3 :
		   op->kind == OP_CR4 ? K_CR4 : K_EFER) << 4 | (b < 0 ? SUB_RAW : 0));
	if (b < 0)
		put(w, 8, op->value);
	else if (op->kind == OP_CR3)
		put(w, 2, t);
	else
		put(w, 1, b);
}

static int64_t entry_encode(uint64_t v, unsigned width)
{
	uint64_t addr = v & (width == 4 ? 0xfffff000ull : PTE_PFN_MASK), s, k;
	uint32_t u = (v & 0xff) | (v & PTE_GLOBAL_MASK ? 0x100 : 0) | (v & PTE_NX_MASK ? 0x200 : 0);

	if (addr >= LAYOUT_ARENA_BASE && addr < LAYOUT_ARENA_END)
		k = 0, s = (addr - LAYOUT_ARENA_BASE) >> 12;
	else if (addr >= 0x400000 && addr < 0x1400000)
		k = 1, s = (addr >> 12) - 0x400;
	else if (!(addr & 0x1fffff) && (addr >> 21) < 4096)
		k = 2, s = addr >> 21;
	else
		k = 3, s = (addr >> 12) & 0xfff;
	u |= (uint32_t)(k << 22 | s << 10);
	return entry_decode(u, width) == v ? (int64_t)u : -1;
}

static int64_t va_encode(uint64_t va)
{
	for (uint32_t i = 0; i < 16; i++) {
		uint32_t u = i << 20 | ((va >> 12) & 0xfffff);

		if (i > 0 && i < 8)
			continue;
		if (va_decode(u) == va)
			return u;
	}
	return -1;
}

static void put_store(struct wr *w, unsigned kind, uint64_t gpa, uint8_t width, uint64_t value, uint64_t via)
{
	unsigned sub = width == 4 ? SUB_W4 : 0, raw;
	int64_t e = entry_encode(value, width), vu = -1;
	uint16_t t = 0;
	int low = gpa >= LAYOUT_LOW_PT32 && gpa < LAYOUT_LOW_TABLES_END;

	if ((gpa >= LAYOUT_ARENA_BASE && gpa < LAYOUT_ARENA_END) || (low && kind != K_PTE_VIA)) {
		t = (((gpa - (low ? LAYOUT_LOW_PD64 : LAYOUT_ARENA_BASE)) >> 12) & 63) << 10 |
		    ((gpa & 0xfff) / width);
		if (target_decode(t, low, width) != gpa)
			sub |= SUB_RAW_ALL;
		else if (low)
			sub |= SUB_LOW;
	} else {
		sub |= SUB_RAW_ALL;
	}
	if (e < 0)
		sub |= SUB_RAW_VAL;
	if (kind == K_PTE_VIA) {
		vu = va_encode(via & ~0xfffull);
		if (vu < 0 || (via & 0xfff) != (gpa & 0xfff))
			sub |= SUB_RAW_ALL;
	}
	raw = sub & SUB_RAW_ALL;
	put(w, 1, kind << 4 | sub);
	put(w, raw == SUB_RAW_ALL ? 8 : 2, raw == SUB_RAW_ALL ? gpa : t);
	put(w, raw >= SUB_RAW_VAL ? 8 : 3, raw >= SUB_RAW_VAL ? value : (uint64_t)e);
	if (kind == K_PTE_VIA)
		put(w, raw == SUB_RAW_ALL ? 8 : 3, raw == SUB_RAW_ALL ? via : (uint64_t)vu);
}

long prog_encode(const struct program *p, uint8_t *buf, size_t cap)
{
	struct wr w = { .b = buf, .cap = cap };
	size_t tlen = strlen(p->title);

	if (prog_check_static(p, NULL, NULL, 0))
		return -EINVAL;
	put(&w, 1, p->start);
	if (tlen) {
		put(&w, 1, K_TITLE << 4);
		put(&w, 1, tlen);
		for (size_t i = 0; i < tlen; i++)
			put(&w, 1, (uint8_t)p->title[i]);
	}
	for (int i = 0; i < p->n_init; i++)
		put_store(&w, K_INIT, p->init[i].gpa, p->init[i].width, p->init[i].value, 0);
	for (int i = 0; i < p->n_prefault; i++) {
		uint32_t c = p->prefault[i].count - 1;

		put(&w, 1, K_PREFAULT << 4 | (c > 255 ? SUB_LOW : 0));
		put(&w, 2, p->prefault[i].gfn - LAYOUT_DATA_BASE / LAYOUT_PAGE_SIZE);
		put(&w, c > 255 ? 2 : 1, c);
	}
	for (int i = 0; i < p->n_ops; i++) {
		const struct prog_op *op = &p->ops[i];
		int64_t u;

		switch (op->kind) {
		case OP_CR0: case OP_CR3: case OP_CR4: case OP_EFER:
			put_cr(&w, op);
			break;
		case OP_PTE:
			put_store(&w, op->via ? K_PTE_VIA : K_PTE, op->addr, op->width, op->value, op->via);
			break;
		default:
			u = va_encode(op->addr);
			put(&w, 1, (op->kind == OP_INVLPG ? K_INVLPG : op->kind == OP_READ ? K_READ :
				    op->kind == OP_WRITE ? K_WRITE : K_FETCH) << 4 | (u < 0 ? SUB_RAW : 0));
			put(&w, u < 0 ? 8 : 3, u < 0 ? op->addr : (uint64_t)u);
			break;
		}
	}
	return w.len > cap ? -ENOSPC : (long)w.len;
}

uint64_t prog_bytes_hash(const uint8_t *b, size_t n)
{
	/* Not FNV's offset basis (a digit short), but merged corpus files
	 * are named by it since the first night: changing it renames them. */
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}
