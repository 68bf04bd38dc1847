// SPDX-License-Identifier: GPL-2.0
/*
 * The .mmu text format: parser (the printer is print.c).
 *
 * One statement per line; '#' starts a comment that runs to the end of
 * the line; blank lines are ignored.  Numbers are hex with 0x (canonical)
 * or decimal.  A value (not an address) may also join numbers and bit
 * names with '|': "cr0 PG|WP|NE|ET|PE", "init u64 0x200008 0x201000|P"
 * (names as in the printer's comments, any case).  Statements, in order:
 *
 *   title "free text"            optional; printable ASCII, no '"' or '\'
 *   start pm32|lm64              optional, default pm32 (see program.h)
 *
 *   init u32|u64 <gpa> <value>   layout: initial store into the arena or a
 *                                free entry of a fixed low table (layout.h)
 *   prefault <gfn> <count>       layout: the host touches these data
 *                                frames before the run
 *
 *   cr0|cr3|cr4|efer <value>     ops, run in order by the guest stub
 *   pte u32|u64 <gpa> <value> [via <va>]
 *                                guest store of a table entry, through the
 *                                identity map or through the alias VA
 *   invlpg <va>
 *   read|write|fetch <va>        probes; VAs 8-byte aligned, >= 0x400000
 *
 * Header lines come before layout lines, layout lines before ops.  The
 * canonical form is what prog_format() prints: hex numbers, one blank
 * line between sections, and a generated comment after each layout and op
 * line (op index, bit names, where an entry points).  Hand-written
 * comments do not survive a round trip; put the story in the title.
 *
 * Errors name "file:line:col"; a program that parses but is not well
 * formed (prog_check) is reported at the offending line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "harness/program/prog.h"
#include "harness/program/print_int.h"

#define MAX_TOKENS 8

struct token {
	const char *s;
	size_t len;
	unsigned col;		/* 1-based */
	int quoted;		/* s/len exclude the quotes */
};

struct parser {
	const char *file;
	unsigned line;
	unsigned eol_col;	/* column just past the statement */
	char *err;
	size_t errlen;
	int phase;		/* 0 header, 1 layout, 2 ops */
	int seen_title, seen_start;
	unsigned start_line;
	unsigned init_line[PROG_MAX_INIT];
	unsigned prefault_line[PROG_MAX_PREFAULT];
	unsigned op_line[PROG_MAX_OPS];
};

static int perr(struct parser *ps, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct parser *ps, unsigned col, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!ps->err || !ps->errlen)
		return -EINVAL;
	n = snprintf(ps->err, ps->errlen, "%s:%u:%u: ", ps->file, ps->line, col);
	if (n >= 0 && (size_t)n < ps->errlen) {
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Split one line into tokens, stopping at a '#' outside quotes. */
static int tokenize(struct parser *ps, const char *s, size_t len, struct token *tok, int *ntok)
{
	size_t i = 0;
	int n = 0;

	while (i < len) {
		unsigned char c = s[i];

		if (c == ' ' || c == '\t') {
			i++;
			continue;
		}
		if (c == '#')
			break;
		if (n == MAX_TOKENS)
			return perr(ps, i + 1, "too many words on one line");
		tok[n].col = i + 1;
		if (c == '"') {
			size_t j = i + 1;

			while (j < len && s[j] != '"') {
				if ((unsigned char)s[j] < 0x20 || (unsigned char)s[j] > 0x7e || s[j] == '\\')
					return perr(ps, j + 1, "only printable ASCII without '\\' inside quotes");
				j++;
			}
			if (j == len)
				return perr(ps, i + 1, "unterminated quoted text");
			tok[n].s = s + i + 1;
			tok[n].len = j - i - 1;
			tok[n].quoted = 1;
			i = j + 1;
			if (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '#')
				return perr(ps, i + 1, "expected a space after the closing quote");
		} else {
			size_t j = i;

			while (j < len && s[j] != ' ' && s[j] != '\t' && s[j] != '#') {
				if ((unsigned char)s[j] < 0x20 || (unsigned char)s[j] > 0x7e)
					return perr(ps, j + 1, "invalid character 0x%02x",
						    (unsigned char)s[j]);
				j++;
			}
			tok[n].s = s + i;
			tok[n].len = j - i;
			tok[n].quoted = 0;
			i = j;
		}
		ps->eol_col = i + 1;
		n++;
	}
	/* Comments may hold anything printable; control bytes are mistakes. */
	for (; i < len; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			return perr(ps, i + 1, "invalid character 0x%02x", (unsigned char)s[i]);
	*ntok = n;
	return 0;
}

static int tok_is(const struct token *t, const char *word)
{
	return !t->quoted && t->len == strlen(word) && !memcmp(t->s, word, t->len);
}

/* One number: 0x-prefixed hex or decimal, at column col. */
static int parse_num(struct parser *ps, const char *s, size_t len, unsigned col, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	int hex = len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

	if (!len)
		return perr(ps, col, "expected a number");
	if (hex)
		i = 2;
	for (; i < len; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (hex && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (hex && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return perr(ps, col, "'%.*s' is not a number (hex needs 0x)", (int)len, s);
		if (v > (UINT64_MAX - d) / (hex ? 16 : 10))
			return perr(ps, col, "'%.*s' does not fit 64 bits", (int)len, s);
		v = v * (hex ? 16 : 10) + d;
	}
	*out = v;
	return 0;
}

static int parse_u64(struct parser *ps, const struct token *t, uint64_t *out)
{
	if (t->quoted)
		return perr(ps, t->col, "expected a number");
	return parse_num(ps, t->s, t->len, t->col, out);
}

/*
 * A value: numbers and, where the statement has them, bit names joined
 * by '|' (e.g. "PG|WP|NE|ET|PE", "0x201000|P|RW").  Hand-editing aid;
 * the canonical form prints hex.
 */
static int parse_value(struct parser *ps, const struct token *t, const struct bitname *bits, uint64_t *out)
{
	size_t i = 0;

	if (t->quoted)
		return perr(ps, t->col, "expected a value");
	*out = 0;
	while (i <= t->len) {
		const char *part = t->s + i, *bar = memchr(part, '|', t->len - i);
		size_t n = bar ? (size_t)(bar - part) : t->len - i;
		unsigned col = t->col + i;
		const struct bitname *b = NULL;
		uint64_t v;
		int ret;

		if (n && ((part[0] >= 'A' && part[0] <= 'Z') || (part[0] >= 'a' && part[0] <= 'z'))) {
			for (b = bits; b && b->name; b++)
				if (strlen(b->name) == n && !strncasecmp(b->name, part, n))
					break;
			if (!b || !b->name)
				return perr(ps, col, "unknown bit name '%.*s' here", (int)n, part);
			*out |= b->bit;
		} else {
			if ((ret = parse_num(ps, part, n, col, &v)))
				return ret;
			*out |= v;
		}
		i += n + 1;
	}
	return 0;
}

static int parse_width(struct parser *ps, const struct token *t, uint8_t *width)
{
	if (tok_is(t, "u32"))
		*width = 4;
	else if (tok_is(t, "u64"))
		*width = 8;
	else
		return perr(ps, t->col, "expected u32 or u64, not '%.*s'", (int)t->len, t->s);
	return 0;
}

static int fits_width(struct parser *ps, const struct token *t, uint64_t v, uint8_t width)
{
	if (width == 4 && v > 0xffffffffull)
		return perr(ps, t->col, "value does not fit u32");
	return 0;
}

/* Exactly n tokens (the keyword included). */
static int want(struct parser *ps, const struct token *tok, int ntok, int n, const char *usage)
{
	if (ntok < n)
		return perr(ps, ps->eol_col, "missing operand; expected '%s'", usage);
	if (ntok > n)
		return perr(ps, tok[n].col, "unexpected '%.*s'; expected '%s'",
			    (int)tok[n].len, tok[n].s, usage);
	return 0;
}

static const char *phase_name(int phase)
{
	return phase == 0 ? "header" : phase == 1 ? "layout" : "op";
}

static int enter_phase(struct parser *ps, const struct token *kw, int phase)
{
	if (phase < ps->phase)
		return perr(ps, kw->col, "'%.*s' is a %s line and must come before the %s lines",
			    (int)kw->len, kw->s, phase_name(phase), phase_name(ps->phase));
	ps->phase = phase;
	return 0;
}

static const enum prog_op_kind simple_ops[] = { OP_CR0, OP_CR3, OP_CR4, OP_EFER,
						OP_INVLPG, OP_READ, OP_WRITE, OP_FETCH };

static int parse_line(struct parser *ps, struct program *p, const struct token *tok, int ntok)
{
	const struct token *kw = &tok[0];
	uint64_t a, b, c = 0;
	uint8_t width;
	int ret;

	if (kw->quoted)
		return perr(ps, kw->col, "a line starts with a keyword, not quoted text");

	if (tok_is(kw, "title")) {
		if ((ret = enter_phase(ps, kw, 0)) || (ret = want(ps, tok, ntok, 2, "title \"text\"")))
			return ret;
		if (ps->seen_title++)
			return perr(ps, kw->col, "second title");
		if (!tok[1].quoted)
			return perr(ps, tok[1].col, "the title goes in double quotes");
		if (tok[1].len >= PROG_TITLE_MAX)
			return perr(ps, tok[1].col, "title longer than %d characters", PROG_TITLE_MAX - 1);
		memcpy(p->title, tok[1].s, tok[1].len);
		p->title[tok[1].len] = '\0';
		return 0;
	}
	if (tok_is(kw, "start")) {
		if ((ret = enter_phase(ps, kw, 0)) || (ret = want(ps, tok, ntok, 2, "start pm32|lm64")))
			return ret;
		if (ps->seen_start++)
			return perr(ps, kw->col, "second start line");
		for (int s = 0; s < START_COUNT; s++)
			if (tok_is(&tok[1], prog_start_name(s))) {
				p->start = s;
				ps->start_line = ps->line;
				return 0;
			}
		return perr(ps, tok[1].col, "unknown start mode '%.*s' (pm32 or lm64)",
			    (int)tok[1].len, tok[1].s);
	}
	if (tok_is(kw, "init")) {
		const char *u = "init u32|u64 <gpa> <value>";

		if ((ret = enter_phase(ps, kw, 1)) || (ret = want(ps, tok, ntok, 4, u)) ||
		    (ret = parse_width(ps, &tok[1], &width)) || (ret = parse_u64(ps, &tok[2], &a)) ||
		    (ret = parse_value(ps, &tok[3], prog_pte_bits, &b)) || (ret = fits_width(ps, &tok[3], b, width)))
			return ret;
		if (p->n_init >= PROG_MAX_INIT)
			return perr(ps, kw->col, "more than %d init lines", PROG_MAX_INIT);
		ps->init_line[p->n_init] = ps->line;
		prog_add_init(p, a, width, b);
		return 0;
	}
	if (tok_is(kw, "prefault")) {
		if ((ret = enter_phase(ps, kw, 1)) || (ret = want(ps, tok, ntok, 3, "prefault <gfn> <count>")) ||
		    (ret = parse_u64(ps, &tok[1], &a)) || (ret = parse_u64(ps, &tok[2], &b)))
			return ret;
		if (a > UINT32_MAX)
			return perr(ps, tok[1].col, "gfn does not fit 32 bits");
		if (b > UINT32_MAX)
			return perr(ps, tok[2].col, "count does not fit 32 bits");
		if (p->n_prefault >= PROG_MAX_PREFAULT)
			return perr(ps, kw->col, "more than %d prefault lines", PROG_MAX_PREFAULT);
		ps->prefault_line[p->n_prefault] = ps->line;
		p->prefault[p->n_prefault++] = (struct prog_prefault){ .gfn = a, .count = b };
		return 0;
	}
	if (tok_is(kw, "pte")) {
		const char *u = "pte u32|u64 <gpa> <value> [via <va>]";

		if ((ret = enter_phase(ps, kw, 2)))
			return ret;
		if (ntok > 4 && !tok_is(&tok[4], "via"))
			return perr(ps, tok[4].col, "expected 'via' or the end of the line; usage '%s'", u);
		if ((ret = want(ps, tok, ntok, ntok > 4 ? 6 : 4, u)) || (ret = parse_width(ps, &tok[1], &width)) ||
		    (ret = parse_u64(ps, &tok[2], &a)) || (ret = parse_value(ps, &tok[3], prog_pte_bits, &b)) ||
		    (ret = fits_width(ps, &tok[3], b, width)) || (ntok > 4 && (ret = parse_u64(ps, &tok[5], &c))))
			return ret;
		if (ntok > 4 && !c)
			return perr(ps, tok[5].col, "via 0 is not an alias; leave 'via' out");
		if (p->n_ops >= PROG_MAX_OPS)
			return perr(ps, kw->col, "more than %d ops", PROG_MAX_OPS);
		ps->op_line[p->n_ops] = ps->line;
		prog_add_pte(p, a, width, b, c);
		return 0;
	}
	for (size_t k = 0; k < sizeof(simple_ops) / sizeof(simple_ops[0]); k++) {
		enum prog_op_kind kind = simple_ops[k];
		char usage[32];

		if (!tok_is(kw, prog_op_name(kind)))
			continue;
		snprintf(usage, sizeof(usage), "%s <%s>", prog_op_name(kind),
			 kind <= OP_EFER ? "value" : "va");
		if ((ret = enter_phase(ps, kw, 2)) || (ret = want(ps, tok, ntok, 2, usage)))
			return ret;
		ret = kind <= OP_EFER ? parse_value(ps, &tok[1], prog_value_bits(kind), &a) :
					parse_u64(ps, &tok[1], &a);
		if (ret)
			return ret;
		if (p->n_ops >= PROG_MAX_OPS)
			return perr(ps, kw->col, "more than %d ops", PROG_MAX_OPS);
		ps->op_line[p->n_ops] = ps->line;
		if (kind <= OP_EFER)
			prog_add_op(p, kind, a, 0);
		else
			prog_add_op(p, kind, 0, a);
		return 0;
	}
	return perr(ps, kw->col, "unknown statement '%.*s'", (int)kw->len, kw->s);
}

/* Point a well-formedness failure at the line that caused it. */
static int check_at_lines(struct parser *ps, const struct program *p)
{
	struct prog_where w;
	char why[192];

	if (!prog_check_where(p, &w, why, sizeof(why)))
		return 0;
	switch (w.part) {
	case PART_INIT:		ps->line = ps->init_line[w.index]; break;
	case PART_PREFAULT:	ps->line = ps->prefault_line[w.index]; break;
	case PART_OP:		ps->line = ps->op_line[w.index]; break;
	default:		ps->line = ps->start_line ? ps->start_line : 1; break;
	}
	return perr(ps, 1, "%s", why);
}

static int parse_text(const char *text, size_t len, const char *filename,
		      struct program *out, char *err, size_t errlen, int check)
{
	struct parser *ps;
	const char *s = text, *end = text + len;
	int ret = 0;

	ps = calloc(1, sizeof(*ps));
	if (!ps) {
		snprintf(err, errlen, "%s: out of memory", filename);
		return -ENOMEM;
	}
	ps->file = filename ? filename : "<input>";
	ps->err = err;
	ps->errlen = errlen;
	prog_init_empty(out);

	while (s < end && !ret) {
		const char *nl = memchr(s, '\n', end - s);
		size_t n = (nl ? nl : end) - s;
		struct token tok[MAX_TOKENS];
		int ntok = 0;

		ps->line++;
		if (n && s[n - 1] == '\r')	/* tolerate CRLF from mail clients */
			n--;
		ret = tokenize(ps, s, n, tok, &ntok);
		if (!ret && ntok)
			ret = parse_line(ps, out, tok, ntok);
		s = nl ? nl + 1 : end;
	}
	if (!ret && check)
		ret = check_at_lines(ps, out);
	free(ps);
	return ret;
}

int prog_parse(const char *text, size_t len, const char *filename,
	       struct program *out, char *err, size_t errlen)
{
	return parse_text(text, len, filename, out, err, errlen, 1);
}

int prog_parse_lax(const char *text, size_t len, const char *filename,
		   struct program *out, char *err, size_t errlen)
{
	return parse_text(text, len, filename, out, err, errlen, 0);
}
