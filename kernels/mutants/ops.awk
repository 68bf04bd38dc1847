# kernels/mutants/ops.awk -- the mutation operators, one C source line at a time.
#
# Used by mutate.sh (and its tests) as a library: mut_ops(TEXT) fills
# mut_n, mut_op[1..n], mut_what[1..n] and mut_new[1..n] with every
# mutant of one line.  A line is only ever replaced by one line, so the
# mutant's line numbers (__LINE__ in WARN_ON, the debug info) stay those
# of the original: object code that comes out byte-identical then really
# means "the same program".
#
# Operators (each one-site; a line with k sites gives k mutants):
#   negate     if (C) / while (C), C closed on this line -> if (!(C))
#   drop-call  a statement that is only a call, "f(...);" or
#              "p->f(...);", closed on this line -> ";"
#   relop      one of " < " " <= " " > " " >= " " == " " != " " && " " || "
#              swapped for its partner (< <=, > >=, == !=, && ||)
#   mask       a hex constant with two or more bits set loses its lowest
#              set bit; or the right operand of a " | " (a name, a
#              number or a macro call) is dropped
# Only the code part of a line counts: preprocessor lines, comment lines
# and the text after "/*" or "//" are never mutated.  The spacing rules
# (" < " with blanks on both sides) are the kernel's coding style; they
# keep "->", "<<" and "|=" out of reach.

# Code part of a line ("" for preprocessor and comment lines).
function mut_code(s,   t, i) {
	t = s; sub(/^[ \t]+/, "", t)
	if (t ~ /^(#|\*|\/\*|\/\/)/) return ""
	i = index(s, "/*"); if (i) s = substr(s, 1, i - 1)
	i = index(s, "//"); if (i) s = substr(s, 1, i - 1)
	return s
}

# Index of the ")" closing the "(" at position open in s, or 0.
function mut_close(s, open,   d, i, c) {
	d = 0
	for (i = open; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "(") d++
		else if (c == ")" && --d == 0) return i
	}
	return 0
}

function mut_add(op, what, new) {
	mut_n++; mut_op[mut_n] = op; mut_what[mut_n] = what; mut_new[mut_n] = new
}

# Clear the lowest set bit of a hex digit string ("0x" prefix kept);
# "" when fewer than two bits are set.  Works on the digits, so 64-bit
# constants are exact (awk numbers are doubles).
function mut_drop_bit(hex,   d, i, v, bits, lo, nv) {
	d = substr(hex, 3); bits = 0; lo = 0
	for (i = length(d); i >= 1; i--) {
		v = index("0123456789abcdef", tolower(substr(d, i, 1))) - 1
		bits += (v % 2) + int(v / 2) % 2 + int(v / 4) % 2 + int(v / 8) % 2
		if (!lo && v) lo = i
	}
	if (bits < 2) return ""
	v = index("0123456789abcdef", tolower(substr(d, lo, 1))) - 1
	# v & (v - 1) for 1..15: the digit without its lowest set bit.
	nv = (v % 2) ? v - 1 : (v % 4) ? v - 2 : (v % 8) ? v - 4 : 0
	return substr(hex, 1, 2) substr(d, 1, lo - 1) substr("0123456789abcdef", nv + 1, 1) substr(d, lo + 1)
}

function mut_ops(line,   code, rest, t, m, p, q, i, j, k, tok, part, ops, swap, n, nm, c) {
	mut_n = 0
	code = mut_code(line)
	if (code ~ /^[ \t]*$/) return 0
	rest = substr(line, length(code) + 1)

	# negate
	if (match(code, /(^|[^A-Za-z0-9_])(if|while) \(/)) {
		p = RSTART + RLENGTH - 1		# the "("
		q = mut_close(code, p)
		if (q)
			mut_add("negate", "condition negated",
				substr(code, 1, p) "!(" substr(code, p + 1, q - p - 1) ")" substr(code, q) rest)
	}

	# drop-call: the whole statement is one call
	t = code; sub(/^[ \t]+/, "", t); sub(/[ \t]+$/, "", t)
	if (match(t, /^[A-Za-z_][A-Za-z0-9_]*((->|\.)[A-Za-z_][A-Za-z0-9_]*)*\(/) &&
	    t !~ /^(return|if|while|for|switch|sizeof|do|goto|case|else)[^A-Za-z0-9_]/) {
		p = RLENGTH
		if (mut_close(t, p) == length(t) - 1 && substr(t, length(t), 1) == ";") {
			m = code; sub(/[^ \t].*$/, "", m)
			nm = substr(t, 1, p - 1)
			mut_add("drop-call", "call of " nm "() dropped", m ";" rest)
		}
	}

	# relop: every site, longest operators first
	split(" <= , >= , == , != , && , || , < , > ", ops, ",")
	swap[" <= "] = " < "; swap[" < "] = " <= "; swap[" >= "] = " > "; swap[" > "] = " >= "
	swap[" == "] = " != "; swap[" != "] = " == "; swap[" && "] = " || "; swap[" || "] = " && "
	for (i = 1; i <= length(code); i++) {
		for (k = 1; k <= 8; k++) {
			tok = ops[k]; n = length(tok)
			if (substr(code, i, n) != tok) continue
			mut_add("relop", "'" substr(tok, 2, n - 2) "' -> '" substr(swap[tok], 2, length(swap[tok]) - 2) "'",
				substr(code, 1, i - 1) swap[tok] substr(code, i + n) rest)
			i += n - 2
			break
		}
	}

	# mask: hex constants with at least two bits
	for (i = 1; i <= length(code); i++) {
		if (substr(code, i, 2) != "0x" || (i > 1 && substr(code, i - 1, 1) ~ /[A-Za-z0-9_]/)) continue
		part = substr(code, i)
		if (!match(part, /^0x[0-9a-fA-F]+/)) continue
		tok = substr(part, 1, RLENGTH)
		t = mut_drop_bit(tok)
		if (t != "")
			mut_add("mask", tok " -> " t, substr(code, 1, i - 1) t substr(code, i + RLENGTH) rest)
		i += RLENGTH - 1
	}
	# mask: the right operand of " | "
	for (i = 1; i <= length(code); i++) {
		if (substr(code, i, 3) != " | ") continue
		part = substr(code, i + 3)
		if (!match(part, /^[A-Za-z_0-9][A-Za-z0-9_]*/)) continue
		j = RLENGTH
		if (substr(part, j + 1, 1) == "(") {
			c = mut_close(part, j + 1)
			if (!c) continue
			j = c
		}
		tok = substr(part, 1, j)
		mut_add("mask", "operand '| " tok "' dropped", substr(code, 1, i - 1) substr(part, j + 1) rest)
	}
	return mut_n
}
