# Kernel addresses for awk (mawk or gawk): awk numbers are doubles, exact
# only below 2^53, so a 64-bit address is kept as its upper 32 bits (a
# string) and its lower 32 bits (a number).  Sections of the module area
# (0xffffffffc0000000 up) never cross a 4 GiB boundary.
function hx_norm(s) {
	sub(/^0[xX]/, "", s); s = tolower(s)
	while (length(s) < 16) s = "0" s
	return s
}
function hx_val(t,   i, v) {
	v = 0
	for (i = 1; i <= length(t); i++) v = v * 16 + index("0123456789abcdef", substr(t, i, 1)) - 1
	return v
}
function hx_hi(s) { return substr(hx_norm(s), 1, 8) }
function hx_lo(s) { return hx_val(substr(hx_norm(s), 9)) }
# A small hex number (sizes, offsets): exact below 2^53.
function hx_num(s) { return hx_val(hx_norm(s)) }
# a - b when both have the same upper half, else -1.
function hx_sub(a, b) { return hx_hi(a) == hx_hi(b) ? hx_lo(a) - hx_lo(b) : -1 }
# a + n (n small, no carry out of the lower half), as 0x%016x.
function hx_add(a, n) { return sprintf("0x%s%08x", hx_hi(a), hx_lo(a) + n) }
