/*
 * fmt_float.c - f64 Display ({}), Debug ({:?}) and fixed precision ({:.N}).
 *
 * Rust prints a float without precision as the SHORTEST decimal that reads
 * back as the same double (Grisu with a Dragon4 fallback), choosing the one
 * nearest the exact value when several of that length qualify.  We get the
 * same digits without a bignum implementation by leaning on libc, whose
 * printf and strtod are exact on glibc:
 *
 *   for a length of n significant digits, let c = printf("%.{n-1}e"), the
 *   n-digit decimal nearest v.  If strtod(c) == v, c is the answer at that
 *   length.  Otherwise c fell outside v's rounding interval on one side,
 *   and the only other n-digit candidate that can be inside is the
 *   neighbour on the other side of v (c -/+ one unit in the last digit);
 *   try it.  The least n that has an answer is found by bisection.
 *
 * The neighbour step matters only where the interval is lopsided (v a power
 * of two, whose lower neighbour double is closer), but there it changes the
 * answer.  strtod's ties-to-even is exactly Rust's rule for whether an
 * interval endpoint counts, so "strtod round-trips" and "Rust accepts" agree.
 * One more wrinkle: when v sits exactly halfway between two n-digit
 * candidates that both round-trip (1125899906842624.25 at 17 digits),
 * printf picks the even one but Rust rounds up; see prefer_upper_at_tie.
 * This costs about ten libc calls per float (1-5 us): correctness over speed.
 *
 * The digits are then laid out by hand the way libcore does: Display never
 * uses an exponent; Debug adds ".0" to integers and switches to d.ddde-N
 * form below 1e-4 and from 1e16 up.  {:.N} is printf("%.Nf"), which like
 * Rust rounds the exact binary value half-to-even.  All of this relies on
 * the "C" locale's '.' decimal point; the runtime never calls setlocale.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

/* A positive decimal 0.d1 d2 ... dn * 10^k (libcore's convention). */
typedef struct {
    char digits[24];
    int n;
    int k;
} Decimal;

static const uint64_t POW10[18] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
    100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
    1000000000000ull, 10000000000000ull, 100000000000000ull,
    1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
};

/* Parses printf's "d.ddde[+-]XX" into the integer of its digits and the
 * power of ten of its first digit. */
static void parse_sci(const char *buf, uint64_t *mant, int *exp10)
{
    uint64_t m = 0;
    const char *p = buf;
    for (; *p != 'e'; p++) {
        if (*p != '.')
            m = m * 10 + (uint64_t)(*p - '0');
    }
    *mant = m;
    *exp10 = atoi(p + 1);
}

/* Does the decimal mant * 10^(exp10 - ndigits + 1) read back as v? */
static int reads_back(uint64_t mant, int ndigits, int exp10, double v, int f32)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%llue%d", (unsigned long long)mant, exp10 - ndigits + 1);
    return f32 ? strtof(buf, NULL) == (float)v : strtod(buf, NULL) == v;
}

static void set_decimal(Decimal *d, uint64_t mant, int ndigits, int exp10)
{
    snprintf(d->digits, sizeof d->digits, "%0*llu", ndigits, (unsigned long long)mant);
    d->n = ndigits;
    while (d->n > 1 && d->digits[d->n - 1] == '0')
        d->n--; /* cannot happen for a shortest result; kept as a guard */
    d->k = exp10 + 1;
}

/* The neighbour of the n-digit decimal (mant, exp10) one unit in the last
 * place up or down, staying at n digits across a power of ten. */
static void step(uint64_t *mant, int *exp10, int ndigits, int up)
{
    if (up) {
        if (++*mant == POW10[ndigits]) {
            *mant = POW10[ndigits - 1];
            ++*exp10;
        }
    } else if (*mant == POW10[ndigits - 1]) {
        *mant = POW10[ndigits] - 1;
        --*exp10;
    } else {
        --*mant;
    }
}

/* Is v exactly halfway between the n-digit decimal (mant, exp10) and the
 * next one up?  Needs v's full expansion, which printf gives exactly: a
 * double has at most 767 significant digits. */
static int is_midpoint_above(double v, int ndigits, uint64_t mant, int exp10)
{
    char buf[800];
    snprintf(buf, sizeof buf, "%.780e", v);
    const char *e = strchr(buf, 'e');
    if (atoi(e + 1) != exp10)
        return 0;
    uint64_t head = 0;
    const char *p = buf;
    for (int i = 0; i < ndigits; p++) {
        if (*p != '.') {
            head = head * 10 + (uint64_t)(*p - '0');
            i++;
        }
    }
    if (*p == '.')
        p++;
    if (head != mant || *p++ != '5')
        return 0;
    for (; p < e; p++) {
        if (*p != '0')
            return 0;
    }
    return 1;
}

/* printf breaks an exact tie toward the even digit; Rust's Dragon4 fallback
 * breaks it upward ("mant * 2 >= scale").  A tie needs both neighbours to
 * round-trip, which the cheap strtod test rules out nearly always before
 * the expensive exact check runs. */
static void prefer_upper_at_tie(double v, int ndigits, uint64_t *mant, int *exp10, int f32)
{
    uint64_t up_mant = *mant;
    int up_exp = *exp10;
    step(&up_mant, &up_exp, ndigits, 1);
    if (!reads_back(up_mant, ndigits, up_exp, v, f32))
        return;
    if (!is_midpoint_above(v, ndigits, *mant, *exp10))
        return;
    *mant = up_mant;
    *exp10 = up_exp;
}

/* Finds the n-digit decimal Rust would pick for v, if any n-digit decimal
 * reads back as v: the nearest one (c), else c's neighbour across v. */
static int candidate(double v, int ndigits, uint64_t *mant, int *exp10, int f32)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%.*e", ndigits - 1, v);
    parse_sci(buf, mant, exp10);
    double back = f32 ? (double)strtof(buf, NULL) : strtod(buf, NULL);
    if (back == v) {
        prefer_upper_at_tie(v, ndigits, mant, exp10, f32);
        return 1;
    }
    step(mant, exp10, ndigits, back < v);
    return reads_back(*mant, ndigits, *exp10, v, f32);
}

/* Shortest round-tripping digits of a finite v > 0 (an f32's: reading back
 * as the same float, when f32).  Every n-digit decimal is also an (n+1)-digit
 * one, so "a candidate exists at length n" is monotone in n and the least
 * such n can be found by bisection over 1..17 (17 digits always suffice for
 * a double, 9 for a float): ~5 probes instead of up to 17. */
static void shortest(double v, Decimal *d, int f32)
{
    int lo = 1, hi = f32 ? 9 : 17, best_n = 0, best_exp = 0;
    uint64_t best_mant = 0;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        uint64_t mant;
        int exp10;
        if (candidate(v, mid, &mant, &exp10, f32)) {
            hi = mid;
            best_n = mid;
            best_mant = mant;
            best_exp = exp10;
        } else {
            lo = mid + 1;
        }
    }
    if (best_n != lo && !candidate(v, lo, &best_mant, &best_exp, f32))
        abort(); /* unreachable: 17 significant digits identify any double */
    set_decimal(d, best_mant, lo, best_exp);
}

static void push_str(TrcVec *s, const char *p, size_t n)
{
    trc_string_push_bytes(s, (const uint8_t *)p, n);
}

static void push_zeros(TrcVec *s, uint64_t n)
{
    if (n == 0)
        return;
    trc_vec_reserve(s, n, 1, 1);
    memset(s->ptr + s->len, '0', (size_t)n);
    s->len += n;
}

/* libcore's digits_to_dec_str: plain positional notation with at least
 * `min_frac` digits after the point (0 for Display, 1 for Debug). */
static void push_positional(TrcVec *s, const Decimal *d, int min_frac)
{
    if (d->k <= 0) {
        push_str(s, "0.", 2);
        push_zeros(s, (uint64_t)-d->k);
        push_str(s, d->digits, (size_t)d->n);
    } else if (d->k < d->n) {
        push_str(s, d->digits, (size_t)d->k);
        push_str(s, ".", 1);
        push_str(s, d->digits + d->k, (size_t)(d->n - d->k));
    } else {
        push_str(s, d->digits, (size_t)d->n);
        push_zeros(s, (uint64_t)(d->k - d->n));
        if (min_frac > 0) {
            push_str(s, ".", 1);
            push_zeros(s, (uint64_t)min_frac);
        }
    }
}

/* libcore's digits_to_exp_str with no minimum digits: 1e16, 1.5e-5. */
static void push_exponential(TrcVec *s, const Decimal *d)
{
    push_str(s, d->digits, 1);
    if (d->n > 1) {
        push_str(s, ".", 1);
        push_str(s, d->digits + 1, (size_t)(d->n - 1));
    }
    push_str(s, "e", 1);
    trc_string_push_i64(s, d->k - 1);
}

/* NaN has no sign in Rust's output; everything else shows '-' when the
 * sign bit is set, including -0 and -inf.  Returns 1 if fully written. */
static int push_sign_and_special(TrcVec *s, double v)
{
    if (isnan(v)) {
        push_str(s, "NaN", 3);
        return 1;
    }
    if (signbit(v))
        push_str(s, "-", 1);
    if (isinf(v)) {
        push_str(s, "inf", 3);
        return 1;
    }
    return 0;
}

void trc_string_push_float(TrcVec *s, double v, int32_t debug, int32_t f32)
{
    if (push_sign_and_special(s, v))
        return;
    double a = fabs(v);
    if (a == 0) {
        push_str(s, debug ? "0.0" : "0", debug ? 3 : 1);
        return;
    }
    Decimal d;
    shortest(a, &d, f32);
    if (debug && (a < 1e-4 || a >= 1e16))
        push_exponential(s, &d);
    else
        push_positional(s, &d, debug ? 1 : 0);
}

/* A double has at most 1074 digits after the point (5e-324); past that,
 * every digit is zero, so printf is asked for at most this many. */
#define MAX_EXACT_FRAC 1100

void trc_string_push_f64_prec(TrcVec *s, double v, uint64_t prec)
{
    if (push_sign_and_special(s, v))
        return;
    /* 309 integer digits + '.' + MAX_EXACT_FRAC + NUL fits. */
    char buf[MAX_EXACT_FRAC + 320];
    int exact = prec > MAX_EXACT_FRAC ? MAX_EXACT_FRAC : (int)prec;
    int n = snprintf(buf, sizeof buf, "%.*f", exact, fabs(v));
    push_str(s, buf, (size_t)n);
    push_zeros(s, prec - (uint64_t)exact);
}

/* {} / {:?} of a float by a spec (see fmt.c): sign, digits, then the padding. */
void trc_fmt_float(TrcVec *s, double v, int32_t debug, int32_t f32, uint64_t width, uint64_t prec, uint64_t flags)
{
    uint64_t start = s->len;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    if ((flags & FMT_PLUS) && !(bits >> 63) && v == v) /* NaN has no sign */
        push_str(s, "+", 1);
    if (flags & FMT_PREC)
        trc_string_push_f64_prec(s, v, prec);
    else
        trc_string_push_float(s, v, debug, f32);
    rt_pad_spec(s, start, width, flags, 1);
}

/* {:e} and {:E}: the shortest digits as d.ddde-N (libcore's LowerExp), or with a precision
 * exactly that many digits after the point, rounded as printf("%.Ne") rounds (half to even
 * on the exact value, as Rust's). */
void trc_fmt_exp(TrcVec *s, double v, int32_t upper, int32_t f32, uint64_t width, uint64_t prec, uint64_t flags)
{
    uint64_t start = s->len;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    if ((flags & FMT_PLUS) && !(bits >> 63) && v == v)
        push_str(s, "+", 1);
    if (!push_sign_and_special(s, v)) {
        double a = fabs(v);
        uint64_t e_at;
        if (flags & FMT_PREC) {
            char buf[400];
            snprintf(buf, sizeof buf, "%.*e", (int)(prec > 300 ? 300 : prec), a);
            char *e = strchr(buf, 'e');
            push_str(s, buf, (size_t)(e - buf));
            e_at = s->len;
            push_str(s, "e", 1);
            trc_string_push_i64(s, strtol(e + 1, NULL, 10));
        } else if (a == 0) {
            e_at = s->len + 1;
            push_str(s, "0e0", 3);
        } else {
            Decimal d;
            shortest(a, &d, f32);
            push_exponential(s, &d);
            e_at = s->len;
            while (e_at > start && s->ptr[e_at - 1] != 'e')
                e_at--;
            e_at--;
        }
        if (upper)
            s->ptr[e_at] = 'E';
    }
    rt_pad_spec(s, start, width, flags, 1);
}

/* f64::clamp (f32::clamp) with !(min <= max): core's assert, its message
 * showing the bounds by Debug, at its line in core/src/num/f64.rs (f32.rs). */
_Noreturn void trc_panic_float_clamp(double min, double max, int32_t f32)
{
    TrcVec s = {(uint8_t *)1, 0, 0}; /* an empty String */
    push_str(&s, "min > max, or either was NaN. min = ", 36);
    trc_string_push_float(&s, min, 1, f32);
    push_str(&s, ", max = ", 8);
    trc_string_push_float(&s, max, 1, f32);
    char loc[160];
    int n = snprintf(loc, sizeof loc, RT_RUSTC_SRC "core/src/num/%s.rs:%d:9", f32 ? "f32" : "f64", f32 ? 1504 : 1502);
    rt_panic_at((const char *)s.ptr, s.len, loc, (size_t)n);
}
