/*
 * parse.c - str::parse::<i64>() and str::parse::<u64>().
 *
 * Rust's integer parsing is stricter than strtol: no whitespace, no base
 * prefixes, a lone sign is an error, '-' is an error for unsigned types
 * (even "-0"), and overflow is an error rather than a clamp.  Hand-written
 * so that every one of those rules is visible; digits accumulate as a u64
 * magnitude with an explicit limit so i64::MIN parses without overflow.
 */
#include "rt_internal.h"

/* Parses [+-]?digits into a magnitude no larger than `limit` for the sign.
 * Returns 1 on success. */
static int parse_magnitude(const uint8_t *p, uint64_t n, int allow_minus,
                           uint64_t pos_limit, uint64_t neg_limit,
                           uint64_t *mag, int *negative)
{
    *negative = 0;
    if (n == 0)
        return 0;
    if (p[0] == '+' || (p[0] == '-' && allow_minus)) {
        *negative = p[0] == '-';
        p++;
        n--;
        if (n == 0)
            return 0; /* a sign alone is InvalidDigit */
    }
    uint64_t limit = *negative ? neg_limit : pos_limit;
    uint64_t m = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        uint64_t digit = (uint64_t)(p[i] - '0');
        if (m > (limit - digit) / 10)
            return 0; /* PosOverflow / NegOverflow */
        m = m * 10 + digit;
    }
    *mag = m;
    return 1;
}

int64_t trc_parse_i64(const uint8_t *p, uint64_t n, int32_t *ok)
{
    uint64_t mag;
    int negative;
    const uint64_t max = (uint64_t)INT64_MAX;
    if (!parse_magnitude(p, n, 1, max, max + 1, &mag, &negative)) {
        *ok = 0;
        return 0;
    }
    *ok = 1;
    /* Two's complement negation in unsigned arithmetic covers i64::MIN. */
    return negative ? (int64_t)(0 - mag) : (int64_t)mag;
}

uint64_t trc_parse_u64(const uint8_t *p, uint64_t n, int32_t *ok)
{
    uint64_t mag;
    int negative;
    if (!parse_magnitude(p, n, 0, UINT64_MAX, 0, &mag, &negative)) {
        *ok = 0;
        return 0;
    }
    *ok = 1;
    return mag;
}
