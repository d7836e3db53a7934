/* math.c — the math functions a Rust program gets from compiler_builtins, not from the C
 * library: its cbrt is correctly rounded, where glibc's may be one ulp off. */
#include <math.h>
#include <stdint.h>

#include "rt_internal.h"

/* t^3 of a 54-bit t, as three 64-bit limbs (least significant first). */
static void cube(uint64_t t, uint64_t out[3])
{
    unsigned __int128 t2 = (unsigned __int128)t * t;
    unsigned __int128 lo = (unsigned __int128)(uint64_t)t2 * t;
    unsigned __int128 hi = (unsigned __int128)(uint64_t)(t2 >> 64) * t + (uint64_t)(lo >> 64);
    out[0] = (uint64_t)lo;
    out[1] = (uint64_t)hi;
    out[2] = (uint64_t)(hi >> 64);
}

/* Compares a * 2^ea with m * 2^em, for m of three limbs and a < 2^53: -1, 0 or 1. */
static int cmp_scaled(uint64_t a, int ea, const uint64_t m[3], int em)
{
    uint64_t x[4] = {a, 0, 0, 0}, y[4] = {m[0], m[1], m[2], 0};
    int d = ea - em;
    uint64_t *big = d >= 0 ? x : y;
    int s = d >= 0 ? d : -d;
    if (s >= 200)
        return d >= 0 ? 1 : -1;
    for (; s >= 64; s -= 64) {
        big[3] = big[2], big[2] = big[1], big[1] = big[0], big[0] = 0;
    }
    if (s)
        for (int i = 3; i >= 0; i--)
            big[i] = big[i] << s | (i ? big[i - 1] >> (64 - s) : 0);
    for (int i = 3; i >= 0; i--)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

/* Whether the cube root of a (positive, finite) is above the midpoint of y and its
 * neighbour in direction dir (+1 or -1): for y = Y * 2^(k-53), whether a > m^3 for the
 * midpoint m = (2Y + dir) * 2^(k-54), or (4Y - 1) * 2^(k-55) below a power of two. */
static int above_midpoint(double a, double y, int dir)
{
    int ka, k;
    double fa = frexp(a, &ka), fy = frexp(y, &k);
    uint64_t A = (uint64_t)ldexp(fa, 53), Y = (uint64_t)ldexp(fy, 53);
    uint64_t T = 2 * Y + 1, m[3];
    int e = k - 54;
    if (dir < 0)
        T = Y == 1ull << 52 ? (e--, 4 * Y - 1) : 2 * Y - 1;
    cube(T, m);
    return cmp_scaled(A, ka - 53, m, 3 * e) > 0;
}

double trc_cbrt(double x)
{
    double r = cbrt(x);
    if (!isfinite(r) || r == 0)
        return r;
    double a = fabs(x), y = fabs(r);
    /* glibc's result is a few ulps off at most: step towards the double whose rounding
     * interval holds the true root. */
    for (int i = 0; i < 64 && above_midpoint(a, y, 1); i++)
        y = nextafter(y, INFINITY);
    for (int i = 0; i < 64 && !above_midpoint(a, y, -1); i++)
        y = nextafter(y, 0);
    return copysign(y, x);
}

float trc_cbrtf(float x) { return (float)trc_cbrt(x); }
