/*
 * parse.c - the integer and float parsing behind str::parse (FromStr).
 *
 * Rust's integer parsing is stricter than strtol: no whitespace, no base
 * prefixes, a lone sign is an error, '-' is an error for unsigned types
 * (even "-0"), and overflow is an error rather than a clamp.  Hand-written
 * so that every one of those rules is visible; digits accumulate as a u128
 * magnitude with an explicit limit (the type's MAX, given; MIN is -(MAX + 1)) so
 * i64::MIN parses without overflow and a narrow type overflows where core's does.
 */
#include <stdio.h>

#include "rt_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
typedef unsigned __int128 u128;

static int parse_magnitude(const uint8_t *p, uint64_t n, uint32_t radix, int allow_minus,
                           u128 pos_limit, u128 neg_limit, u128 *mag, int *negative)
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
    u128 limit = *negative ? neg_limit : pos_limit;
    u128 m = 0;
    for (uint64_t i = 0; i < n; i++) {
        int d = digit_value(p[i], radix);
        if (d < 0)
            return PARSE_INVALID_DIGIT;
        /* core stops at the first digit that overflows */
        if (__builtin_mul_overflow(m, (u128)radix, &m) || __builtin_add_overflow(m, (u128)d, &m) || m > limit)
            return *negative ? PARSE_NEG_OVERFLOW : PARSE_POS_OVERFLOW;
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
    u128 mag;
    int negative;
    *status = parse_magnitude(p, n, radix, 1, max, (u128)max + 1, &mag, &negative);
    if (*status)
        return 0;
    /* Two's complement negation in unsigned arithmetic covers i64::MIN. */
    return negative ? (int64_t)(0 - (uint64_t)mag) : (int64_t)mag;
}

uint64_t trc_parse_u64_radix(const uint8_t *p, uint64_t n, uint64_t max, uint32_t radix, int32_t *status)
{
    u128 mag;
    int negative;
    *status = parse_magnitude(p, n, radix, 0, max, 0, &mag, &negative);
    return *status ? 0 : (uint64_t)mag;
}

void trc_parse_int128(const uint8_t *p, uint64_t n, int32_t is_signed, uint32_t radix, uint8_t *out, int32_t *status)
{
    u128 max = is_signed ? ~(u128)0 >> 1 : ~(u128)0, mag = 0;
    int negative;
    *status = parse_magnitude(p, n, radix, is_signed, max, max + 1, &mag, &negative);
    u128 v = *status ? 0 : negative ? 0 - mag : mag;
    memcpy(out, &v, sizeof v);
}

/* ---- floats ---------------------------------------------------------------
 * core's grammar (dec2flt): [+-]? then "inf", "infinity" or "nan" in any case,
 * or digits with at most one '.', at least one digit, and an optional exponent
 * [eE][+-]?digits. No whitespace, no '_', no hex. A literal too large is
 * infinity (not an error), as in core. The text checked, strtod/strtof (in the
 * "C" locale the runtime never changes) do the correctly rounded conversion;
 * f32 is converted as f32, not through f64 (no double rounding). */

static int ascii_ieq(const uint8_t *p, uint64_t n, const char *word)
{
    uint64_t i = 0;
    for (; i < n && word[i]; i++)
        if ((p[i] | 0x20) != (uint8_t)word[i])
            return 0;
    return i == n && !word[i];
}

static uint64_t skip_digits(const uint8_t *p, uint64_t n, uint64_t i)
{
    while (i < n && p[i] >= '0' && p[i] <= '9')
        i++;
    return i;
}

/* Whether p[0..n) (after the sign) is a decimal literal core accepts. */
static int float_literal_ok(const uint8_t *p, uint64_t n)
{
    uint64_t i = skip_digits(p, n, 0), int_digits = i, frac_digits = 0;
    if (i < n && p[i] == '.') {
        uint64_t j = skip_digits(p, n, i + 1);
        frac_digits = j - i - 1;
        i = j;
    }
    if (int_digits + frac_digits == 0)
        return 0;
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-'))
            i++;
        uint64_t j = skip_digits(p, n, i);
        if (j == i)
            return 0;
        i = j;
    }
    return i == n;
}

double trc_parse_float(const uint8_t *p, uint64_t n, int32_t is_f32, int32_t *status)
{
    *status = 0;
    if (n == 0) {
        *status = PARSE_EMPTY;
        return 0;
    }
    uint64_t sign = p[0] == '+' || p[0] == '-';
    double s = p[0] == '-' ? -1.0 : 1.0;
    if (ascii_ieq(p + sign, n - sign, "inf") || ascii_ieq(p + sign, n - sign, "infinity"))
        return s * (double)INFINITY;
    if (ascii_ieq(p + sign, n - sign, "nan"))
        return (double)NAN;
    if (!float_literal_ok(p + sign, n - sign)) {
        *status = PARSE_INVALID_DIGIT;
        return 0;
    }
    char small[64];
    char *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf)
        rt_alloc_failed(n + 1);
    memcpy(buf, p, n);
    buf[n] = 0;
    double v = is_f32 ? (double)strtof(buf, NULL) : strtod(buf, NULL);
    if (buf != small)
        free(buf);
    return v;
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
