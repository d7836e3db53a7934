/*
 * parse.c - str::parse::<i64>() and str::parse::<u64>().
 *
 * Rust's integer parsing is stricter than strtol: no whitespace, no base
 * prefixes, a lone sign is an error, '-' is an error for unsigned types
 * (even "-0"), and overflow is an error rather than a clamp.  Hand-written
 * so that every one of those rules is visible; digits accumulate as a u64
 * magnitude with an explicit limit (the type's MAX, given; MIN is -(MAX + 1)) so
 * i64::MIN parses without overflow and a narrow type overflows where core's does.
 */
#include <stdio.h>

#include "rt_internal.h"

/* What went wrong, as *status reports it (0: nothing): core's IntErrorKind. */
enum { PARSE_EMPTY = 1, PARSE_INVALID_DIGIT, PARSE_POS_OVERFLOW, PARSE_NEG_OVERFLOW };

/* The value of digit c in radix (2 to 36: 0-9, then a-z or A-Z), or -1. */
static int digit_value(uint8_t c, uint32_t radix)
{
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : -1;
    return d >= 0 && (uint32_t)d < radix ? d : -1;
}

/* Parses [+-]?digits (in radix) into a magnitude no larger than `limit` for the
 * sign. Returns 0 on success, else the error. */
static int parse_magnitude(const uint8_t *p, uint64_t n, uint32_t radix, int allow_minus,
                           uint64_t pos_limit, uint64_t neg_limit,
                           uint64_t *mag, int *negative)
{
    *negative = 0;
    if (n == 0)
        return PARSE_EMPTY;
    if (p[0] == '+' || (p[0] == '-' && allow_minus)) {
        *negative = p[0] == '-';
        p++;
        n--;
        if (n == 0)
            return PARSE_INVALID_DIGIT; /* a sign alone */
    }
    uint64_t limit = *negative ? neg_limit : pos_limit;
    uint64_t m = 0;
    for (uint64_t i = 0; i < n; i++) {
        int d = digit_value(p[i], radix);
        if (d < 0)
            return PARSE_INVALID_DIGIT;
        uint64_t digit = (uint64_t)d;
        if (m > (limit - digit) / radix) /* core stops at the first digit that overflows */
            return *negative ? PARSE_NEG_OVERFLOW : PARSE_POS_OVERFLOW;
        m = m * radix + digit;
    }
    *mag = m;
    return 0;
}

int64_t trc_parse_i64(const uint8_t *p, uint64_t n, uint64_t max, int32_t *status)
{
    return trc_parse_i64_radix(p, n, max, 10, status);
}

uint64_t trc_parse_u64(const uint8_t *p, uint64_t n, uint64_t max, int32_t *status)
{
    return trc_parse_u64_radix(p, n, max, 10, status);
}

int64_t trc_parse_i64_radix(const uint8_t *p, uint64_t n, uint64_t max, uint32_t radix, int32_t *status)
{
    uint64_t mag;
    int negative;
    *status = parse_magnitude(p, n, radix, 1, max, max + 1, &mag, &negative);
    if (*status)
        return 0;
    /* Two's complement negation in unsigned arithmetic covers i64::MIN. */
    return negative ? (int64_t)(0 - mag) : (int64_t)mag;
}

uint64_t trc_parse_u64_radix(const uint8_t *p, uint64_t n, uint64_t max, uint32_t radix, int32_t *status)
{
    uint64_t mag;
    int negative;
    *status = parse_magnitude(p, n, radix, 0, max, 0, &mag, &negative);
    return *status ? 0 : mag;
}

/* from_str_radix with a radix outside 2..=36: core's panic, at its line (the signed
 * types' macro expansion, or the unsigned ones'). */
void trc_parse_check_radix(uint32_t radix, int32_t is_signed)
{
    if (radix >= 2 && radix <= 36)
        return;
    char msg[96], loc[160];
    int n = snprintf(msg, sizeof msg, "from_ascii_radix: radix must lie in the range `[2, 36]` - found %u", radix);
    int l = snprintf(loc, sizeof loc, RT_RUSTC_SRC "core/src/num/mod.rs:%d:1", is_signed ? 1801 : 1802);
    rt_panic_at(msg, (size_t)n, loc, (size_t)l);
}
