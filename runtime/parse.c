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
#include "rt_internal.h"

/* What went wrong, as *status reports it (0: nothing): core's IntErrorKind. */
enum { PARSE_EMPTY = 1, PARSE_INVALID_DIGIT, PARSE_POS_OVERFLOW, PARSE_NEG_OVERFLOW };

/* Parses [+-]?digits into a magnitude no larger than `limit` for the sign.
 * Returns 0 on success, else the error. */
static int parse_magnitude(const uint8_t *p, uint64_t n, int allow_minus,
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
        if (p[i] < '0' || p[i] > '9')
            return PARSE_INVALID_DIGIT;
        uint64_t digit = (uint64_t)(p[i] - '0');
        if (m > (limit - digit) / 10) /* core stops at the first digit that overflows */
            return *negative ? PARSE_NEG_OVERFLOW : PARSE_POS_OVERFLOW;
        m = m * 10 + digit;
    }
    *mag = m;
    return 0;
}

int64_t trc_parse_i64(const uint8_t *p, uint64_t n, uint64_t max, int32_t *status)
{
    uint64_t mag;
    int negative;
    *status = parse_magnitude(p, n, 1, max, max + 1, &mag, &negative);
    if (*status)
        return 0;
    /* Two's complement negation in unsigned arithmetic covers i64::MIN. */
    return negative ? (int64_t)(0 - mag) : (int64_t)mag;
}

uint64_t trc_parse_u64(const uint8_t *p, uint64_t n, uint64_t max, int32_t *status)
{
    uint64_t mag;
    int negative;
    *status = parse_magnitude(p, n, 0, max, 0, &mag, &negative);
    return *status ? 0 : mag;
}
