/*
 * rt_test.c - unit tests for the trc C runtime.
 *
 * Every ABI function is exercised here against expected bytes taken from
 * rustc 1.95 output (the cases were printed by real Rust programs).  Things
 * that end the process - panics, process::exit, OOM, a broken stdout pipe -
 * and the stdout/stderr interleaving run in a forked child whose fds are
 * pipes, so the test sees exactly the bytes and exit status a user would.
 *
 * Build and run (runtime/test/run.sh does this, plus valgrind and the
 * differential check against rustc):
 *
 *   gcc -std=c11 -O2 -Wall -Wextra -I runtime runtime/test/rt_test.c \
 *       runtime/alloc.c runtime/fmt.c runtime/fmt_float.c runtime/parse.c \
 *       runtime/runtime.c runtime/unicode.c -lm -o rt_test && ./rt_test
 *
 * Ends with "rt_test: N passed, N failed"; exit status 1 on any failure.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../trc_rt.h"
#include "../rt_internal.h"

/* ---- tiny harness --------------------------------------------------------- */

static int passed, failed;

static void check_bytes(const char *what, const void *got, size_t got_len,
                        const char *want, size_t want_len)
{
    if (got_len == want_len && memcmp(got, want, want_len) == 0) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL %s\n  want [%.*s]\n  got  [%.*s]\n", what, (int)want_len, want,
           (int)got_len, (const char *)got);
}

static void check_str(const char *what, const TrcVec *s, const char *want)
{
    check_bytes(what, s->ptr, (size_t)s->len, want, strlen(want));
}

static void check_u64(const char *what, uint64_t got, uint64_t want)
{
    if (got == want) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL %s: want %llu, got %llu\n", what, (unsigned long long)want,
           (unsigned long long)got);
}

#define EMPTY_STRING {(uint8_t *)1, 0, 0}

static void push(TrcVec *s, const char *str)
{
    trc_string_push_bytes(s, (const uint8_t *)str, strlen(str));
}

/* ---- integers, bools, chars ----------------------------------------------- */

static void test_scalars(void)
{
    TrcVec s = EMPTY_STRING;
    trc_string_push_i64(&s, 0);
    push(&s, " ");
    trc_string_push_i64(&s, -42);
    push(&s, " ");
    trc_string_push_i64(&s, INT64_MIN);
    push(&s, " ");
    trc_string_push_i64(&s, INT64_MAX);
    push(&s, " ");
    trc_string_push_u64(&s, UINT64_MAX);
    push(&s, " ");
    trc_string_push_u64(&s, 7);
    check_str("integers", &s,
              "0 -42 -9223372036854775808 9223372036854775807 18446744073709551615 7");

    s.len = 0;
    trc_string_push_bool(&s, 1);
    trc_string_push_bool(&s, 0);
    trc_string_push_bool(&s, 2);
    check_str("bools", &s, "truefalsetrue");

    s.len = 0;
    static const uint32_t chars[] = {'A', 0xE9, 0x20AC, 0x1F600, 0x7F, 0x10FFFF};
    for (size_t i = 0; i < sizeof chars / sizeof chars[0]; i++)
        trc_string_push_char(&s, chars[i]);
    check_str("chars utf-8", &s, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\x7F\xF4\x8F\xBF\xBF");
    trc_vec_free(&s, 1, 1);
}

/* ---- f64 ------------------------------------------------------------------ */

static void check_f64(double v, const char *display, const char *debug)
{
    TrcVec s = EMPTY_STRING;
    char what[64];
    snprintf(what, sizeof what, "f64 {} of %.17g", v);
    trc_string_push_float(&s, v, 0, 0);
    check_str(what, &s, display);
    s.len = 0;
    snprintf(what, sizeof what, "f64 {:?} of %.17g", v);
    trc_string_push_float(&s, v, 1, 0);
    check_str(what, &s, debug);
    trc_vec_free(&s, 1, 1);
}

static void check_f64_prec(double v, uint64_t prec, const char *want)
{
    TrcVec s = EMPTY_STRING;
    char what[64];
    snprintf(what, sizeof what, "f64 {:.%llu} of %.17g", (unsigned long long)prec, v);
    trc_string_push_f64_prec(&s, v, prec);
    check_str(what, &s, want);
    trc_vec_free(&s, 1, 1);
}

/* head, then `count` copies of fill, then tail: for very long expected
 * numbers.  The caller frees. */
static char *repeat_digits(const char *head, char fill, size_t count, const char *tail)
{
    size_t hl = strlen(head), tl = strlen(tail);
    char *out = malloc(hl + count + tl + 1);
    memcpy(out, head, hl);
    memset(out + hl, fill, count);
    memcpy(out + hl + count, tail, tl + 1);
    return out;
}

static void test_f64(void)
{
    check_f64(0.0, "0", "0.0");
    check_f64(-0.0, "-0", "-0.0");
    check_f64(1.0, "1", "1.0");
    check_f64(-1.0, "-1", "-1.0");
    check_f64(2.5, "2.5", "2.5");
    check_f64(1e21, "1000000000000000000000", "1e21");
    check_f64(1e-7, "0.0000001", "1e-7");
    check_f64(0.1 + 0.2, "0.30000000000000004", "0.30000000000000004");
    check_f64(1e16, "10000000000000000", "1e16");
    check_f64(9999999999999998.0, "9999999999999998", "9999999999999998.0");
    check_f64(1e15, "1000000000000000", "1000000000000000.0");
    check_f64(1.5e-5, "0.000015", "1.5e-5");
    check_f64(1e-4, "0.0001", "0.0001");
    check_f64(0.00009999, "0.00009999", "9.999e-5");
    check_f64(1.2345e20, "123450000000000000000", "1.2345e20");
    check_f64(123456.789, "123456.789", "123456.789");
    check_f64(NAN, "NaN", "NaN");
    check_f64(-NAN, "NaN", "NaN");
    check_f64(INFINITY, "inf", "inf");
    check_f64(-INFINITY, "-inf", "-inf");
    /* Exact ties between two shortest candidates round up, as in Rust. */
    check_f64(1125899906842624.25, "1125899906842624.3", "1125899906842624.3");
    check_f64(ldexp(1, -25), "0.000000029802322387695313", "2.9802322387695313e-8");
    char *minpos = repeat_digits("0.", '0', 307, "22250738585072014");
    check_f64(ldexp(1, -1022), minpos, "2.2250738585072014e-308");
    free(minpos);

    char *max = repeat_digits("17976931348623157", '0', 292, "");
    check_f64(1.7976931348623157e308, max, "1.7976931348623157e308");
    free(max);
    char *tiny = repeat_digits("0.", '0', 323, "5");
    check_f64(5e-324, tiny, "5e-324");
    free(tiny);

    check_f64_prec(0.5, 0, "0");
    check_f64_prec(1.5, 0, "2");
    check_f64_prec(2.5, 0, "2");
    check_f64_prec(0.125, 1, "0.1");
    check_f64_prec(0.125, 2, "0.12");
    check_f64_prec(0.375, 2, "0.38");
    check_f64_prec(-0.04, 1, "-0.0");
    check_f64_prec(-0.0, 3, "-0.000");
    check_f64_prec(1.0, 3, "1.000");
    check_f64_prec(123456.789, 1, "123456.8");
    check_f64_prec(0.1, 20, "0.10000000000000000555");
    check_f64_prec(1e21, 2, "1000000000000000000000.00");
    check_f64_prec(NAN, 2, "NaN");
    check_f64_prec(INFINITY, 2, "inf");
    check_f64_prec(-INFINITY, 0, "-inf");
    /* Beyond 1074 fractional digits everything is zero (padding path). */
    TrcVec s = EMPTY_STRING;
    trc_string_push_f64_prec(&s, 5e-324, 1200);
    check_u64("{:.1200} length", s.len, 1202);
    check_bytes("{:.1200} digits at 1e-324", s.ptr + 2 + 323, 16, "4940656458412465", 16);
    check_bytes("{:.1200} last exact digit", s.ptr + 2 + 1073, 2, "50", 2);
    trc_vec_free(&s, 1, 1);
}

/* ---- {:?} of str and char --------------------------------------------------- */

static void test_debug_escapes(void)
{
    TrcVec s = EMPTY_STRING;
    /* Rust: "a\"b\\c\n\r\t\0\u{7f}é\u{301}x\u{200b}'" */
    static const char in[] = "a\"b\\c\n\r\t\0\x7f\xC3\xA9\xCC\x81x\xE2\x80\x8B'";
    trc_string_push_str_debug(&s, (const uint8_t *)in, sizeof in - 1);
    check_str("str debug", &s,
              "\"a\\\"b\\\\c\\n\\r\\t\\0\\u{7f}\xC3\xA9\\u{301}x\\u{200b}'\"");

    s.len = 0;
    trc_string_push_str_debug(&s, (const uint8_t *)"", 0);
    check_str("empty str debug", &s, "\"\"");

    s.len = 0;
    static const uint32_t cs[] = {'\'', '"', 0x301, 0xFFFF, 0xE9, '\n', 0, 0x1F600, 0xE000};
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++)
        trc_string_push_char_debug(&s, cs[i]);
    check_str("char debug", &s,
              "'\\'''\"''\\u{301}''\\u{ffff}''\xC3\xA9''\\n''\\0''\xF0\x9F\x98\x80''\\u{e000}'");
    trc_vec_free(&s, 1, 1);
}

/* ---- padding ---------------------------------------------------------------- */

static void padded(TrcVec *s, const char *text, uint64_t width, int32_t align, uint32_t fill)
{
    uint64_t start = s->len;
    push(s, text);
    trc_string_pad(s, start, width, align, fill);
    push(s, "|");
}

static void test_padding(void)
{
    TrcVec s = EMPTY_STRING;
    padded(&s, "ab", 6, 2, '*');        /* {:*^6}  */
    padded(&s, "x", 4, 1, 0xE9);        /* {:é>4}  */
    padded(&s, "-0", 9, 2, ' ');        /* {:^9}   */
    padded(&s, "0.5", 7, 0, ' ');       /* {:<7}   */
    padded(&s, "toolong", 3, 1, ' ');   /* no truncation */
    padded(&s, "\xC3\xA9", 3, 1, ' '); /* width counts chars, not bytes */
    check_str("pad", &s, "**ab**|\xC3\xA9\xC3\xA9\xC3\xA9x|   -0    |0.5    |toolong|  \xC3\xA9|");

    s.len = 0;
    push(&s, "n=");
    uint64_t start = s.len;
    trc_string_push_i64(&s, -42);
    trc_string_pad_zero(&s, start, 5);          /* {:05} of -42 */
    push(&s, " ");
    start = s.len;
    trc_string_push_f64_prec(&s, -1.5, 3);
    trc_string_pad_zero(&s, start, 8);          /* {:08.3} of -1.5 */
    push(&s, " ");
    start = s.len;
    trc_string_push_float(&s, INFINITY, 0, 0);
    trc_string_pad_zero(&s, start, 5);          /* {:05} of inf: Rust gives 00inf */
    push(&s, " ");
    start = s.len;
    trc_string_push_u64(&s, 123456);
    trc_string_pad_zero(&s, start, 3);
    check_str("pad_zero", &s, "n=-0042 -001.500 00inf 123456");
    trc_vec_free(&s, 1, 1);
}

/* ---- allocation and growth ------------------------------------------------ */

static void test_growth(void)
{
    /* Vec<u64>::push x10 */
    static const uint64_t want_u64[] = {4, 4, 4, 4, 8, 8, 8, 8, 16, 16};
    TrcVec v = {(uint8_t *)8, 0, 0};
    for (int i = 0; i < 10; i++) {
        if (v.len == v.cap)
            trc_vec_reserve(&v, 1, 8, 8);
        ((uint64_t *)v.ptr)[v.len++] = (uint64_t)i * 3;
        check_u64("Vec<u64> capacity", v.cap, want_u64[i]);
    }
    check_u64("Vec<u64> contents kept", ((uint64_t *)v.ptr)[9], 27);
    trc_vec_free(&v, 8, 8);

    /* String::push one byte at a time: 8, then 16, then 32. */
    TrcVec s = EMPTY_STRING;
    for (int i = 0; i < 20; i++) {
        push(&s, "a");
        check_u64("String capacity", s.cap, i < 8 ? 8 : i < 16 ? 16 : 32);
    }
    trc_vec_free(&s, 1, 1);

    /* A big first reserve takes what is asked; the next doubles. */
    TrcVec b = EMPTY_STRING;
    push(&b, "0123456789");
    check_u64("push_str of 10 on empty", b.cap, 10);
    push(&b, "x");
    check_u64("then doubles", b.cap, 20);
    trc_vec_free(&b, 1, 1);

    /* Elements over 1024 bytes start at capacity 1. */
    TrcVec big = {(uint8_t *)8, 0, 0};
    trc_vec_reserve(&big, 1, 2048, 8);
    check_u64("Vec<[u8; 2048]> first cap", big.cap, 1);
    big.len = 1;
    trc_vec_reserve(&big, 1, 2048, 8);
    check_u64("Vec<[u8; 2048]> second cap", big.cap, 2);
    trc_vec_free(&big, 2048, 8);

    /* Zero-sized elements: capacity usize::MAX, no allocation. */
    TrcVec z = {(uint8_t *)1, 0, 0};
    trc_vec_reserve(&z, 5, 0, 1);
    check_u64("ZST cap", z.cap, UINT64_MAX);
    check_u64("ZST ptr untouched", (uint64_t)(uintptr_t)z.ptr, 1);
    trc_vec_free(&z, 0, 1);

    /* Raw allocation API. */
    check_u64("alloc(0) is dangling", (uint64_t)(uintptr_t)trc_alloc(0, 16), 16);
    trc_dealloc((void *)16, 0, 16);
    uint8_t *p = trc_alloc(100, 64);
    check_u64("align 64", (uint64_t)(uintptr_t)p % 64, 0);
    memset(p, 0xAB, 100);
    p = trc_realloc(p, 100, 64, 5000);
    check_u64("realloc keeps alignment", (uint64_t)(uintptr_t)p % 64, 0);
    check_u64("realloc keeps contents", p[99], 0xAB);
    p = trc_realloc(p, 5000, 64, 0);
    check_u64("realloc to 0 is dangling", (uint64_t)(uintptr_t)p, 64);
    uint8_t *q = trc_realloc((void *)8, 0, 8, 24);
    q[23] = 1;
    q = trc_realloc(q, 24, 8, 48);
    check_u64("realloc small", q[23], 1);
    trc_dealloc(q, 48, 8);
}

/* ---- parse and args ------------------------------------------------------- */

static void check_parse(const char *in, int i_ok, int64_t i_val, int u_ok, uint64_t u_val)
{
    int32_t status = -1;
    char what[80];
    int64_t i = trc_parse_i64((const uint8_t *)in, strlen(in), INT64_MAX, &status);
    snprintf(what, sizeof what, "parse::<i64>(\"%s\")", in);
    check_u64(what, (uint64_t)!status, (uint64_t)i_ok);
    if (i_ok)
        check_u64(what, (uint64_t)i, (uint64_t)i_val);
    uint64_t u = trc_parse_u64((const uint8_t *)in, strlen(in), UINT64_MAX, &status);
    snprintf(what, sizeof what, "parse::<u64>(\"%s\")", in);
    check_u64(what, (uint64_t)!status, (uint64_t)u_ok);
    if (u_ok)
        check_u64(what, u, u_val);
}

static void test_parse(void)
{
    check_parse("0", 1, 0, 1, 0);
    check_parse("42", 1, 42, 1, 42);
    check_parse("+42", 1, 42, 1, 42);
    check_parse("-42", 1, -42, 0, 0);
    check_parse("-0", 1, 0, 0, 0);
    check_parse("007", 1, 7, 1, 7);
    check_parse("", 0, 0, 0, 0);
    check_parse("+", 0, 0, 0, 0);
    check_parse("-", 0, 0, 0, 0);
    check_parse(" 1", 0, 0, 0, 0);
    check_parse("1 ", 0, 0, 0, 0);
    check_parse("1_000", 0, 0, 0, 0);
    check_parse("+-1", 0, 0, 0, 0);
    check_parse("0x10", 0, 0, 0, 0);
    check_parse("9223372036854775807", 1, INT64_MAX, 1, 9223372036854775807ull);
    check_parse("9223372036854775808", 0, 0, 1, 9223372036854775808ull);
    check_parse("-9223372036854775808", 1, INT64_MIN, 0, 0);
    check_parse("-9223372036854775809", 0, 0, 0, 0);
    check_parse("18446744073709551615", 0, 0, 1, UINT64_MAX);
    check_parse("18446744073709551616", 0, 0, 0, 0);
}

static void test_args(void)
{
    char *argv[] = {"prog", "h\xC3\xA9llo", "", NULL};
    trc_rt_init(3, argv);
    check_u64("args len", trc_args_len(), 3);
    check_bytes("arg 1", trc_arg_ptr(1), (size_t)trc_arg_len(1), "h\xC3\xA9llo", 6);
    check_u64("empty arg", trc_arg_len(2), 0);
    check_u64("out of range arg", trc_arg_len(3), 0);
}

/* ---- whole-process behaviour, in a forked child ---------------------------- */

typedef struct {
    int status;        /* from waitpid */
    pid_t pid;
    char out[8192];    /* stdout, or stdout+stderr when merged */
    size_t out_len;
    char err[8192];
    size_t err_len;
} Child;

enum { SEPARATE, MERGED, BROKEN_STDOUT };

static size_t drain(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    ssize_t r;
    while (n < cap && (r = read(fd, buf + n, cap - n)) > 0)
        n += (size_t)r;
    close(fd);
    return n;
}

/* Runs body() in a child with stdout/stderr on pipes.  BROKEN_STDOUT gives
 * it a stdout pipe nobody reads from (read end closed before the fork). */
static void run_child(void (*body)(void), int mode, Child *c)
{
    int out[2], err[2];
    if (pipe(out) != 0 || pipe(err) != 0)
        abort();
    if (mode == BROKEN_STDOUT)
        close(out[0]);
    fflush(stdout);
    c->pid = fork();
    if (c->pid == 0) {
        dup2(out[1], 1);
        dup2(mode == MERGED ? out[1] : err[1], 2);
        close(out[1]);
        close(err[1]);
        close(err[0]);
        if (mode != BROKEN_STDOUT)
            close(out[0]);
        char *argv[] = {"child", NULL};
        trc_rt_init(1, argv);
        body();
        _exit(trc_rt_exit());
    }
    close(out[1]);
    close(err[1]);
    waitpid(c->pid, &c->status, 0);
    c->out_len = mode == BROKEN_STDOUT ? 0 : drain(out[0], c->out, sizeof c->out);
    c->err_len = drain(err[0], c->err, sizeof c->err);
}

static void print_s(const char *s)
{
    trc_print((const uint8_t *)s, strlen(s));
}

static void eprint_s(const char *s)
{
    trc_eprint((const uint8_t *)s, strlen(s));
}

static void check_exit(const char *what, const Child *c, int code)
{
    int ok = WIFEXITED(c->status) && WEXITSTATUS(c->status) == code;
    check_u64(what, (uint64_t)ok, 1);
}

static const char NOTE[] =
    "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";

static void body_interleave(void)
{
    print_s("a\nb");
    eprint_s("E");
    print_s("c\n");
    print_s("d");
    eprint_s("F");
}

static void body_big_writes(void)
{
    char x[1001], y[101], z[2001];
    memset(x, 'x', 1000), x[1000] = 0;
    memset(y, 'y', 100), y[100] = 0;
    memset(z, 'z', 2000), z[2000] = 0;
    print_s(x);  /* buffered */
    print_s(y);  /* does not fit: flushes the x's, buffers the y's */
    eprint_s("E");
    print_s(z);  /* larger than the buffer: flushes y's, written directly */
    eprint_s("F");
}

static void body_panic(void)
{
    print_s("line\npartial");
    static const char msg[] = "boom 1";
    static const char file[] = "src/main.rs";
    trc_panic((const uint8_t *)msg, sizeof msg - 1, (const uint8_t *)file, sizeof file - 1, 9, 22);
}

static void body_bounds(void)
{
    static const char file[] = "b.rs";
    trc_panic_bounds_check(5, 3, (const uint8_t *)file, sizeof file - 1, 10, 79);
}

static void body_exit(void)
{
    print_s("x");
    trc_exit(3);
}

static void body_capacity_overflow(void)
{
    TrcVec v = {(uint8_t *)8, 0, 0};
    trc_vec_reserve(&v, UINT64_MAX / 4, 8, 8);
}

static void body_oom(void)
{
    print_s("lost");
    trc_alloc(1ull << 62, 1);
}

static void body_epipe(void)
{
    print_s("y\n");
}

/* Merged stdout+stderr of a panicking child: stdout written before the
 * panic, rustc 1.95's panic text (with the main thread's id, the pid), then
 * the stdout that was still buffered. */
static void check_panic_text(const char *what, const Child *c, const char *stdout_before,
                             const char *loc, const char *msg, const char *stdout_after)
{
    char want[1024];
    int n = snprintf(want, sizeof want, "%s\nthread 'main' (%ld) panicked at %s:\n%s\n%s%s",
                     stdout_before, (long)c->pid, loc, msg, NOTE, stdout_after);
    check_bytes(what, c->out, c->out_len, want, (size_t)n);
}

static void test_process(void)
{
    Child c;
    run_child(body_interleave, MERGED, &c);
    check_bytes("stdout line buffering vs stderr", c.out, c.out_len, "a\nEbc\nFd", 8);
    check_exit("normal exit status", &c, 0);

    run_child(body_big_writes, MERGED, &c);
    check_u64("big writes length", c.out_len, 3102);
    check_bytes("big writes order", c.out + 999, 3, "xEy", 3);
    check_bytes("big writes order 2", c.out + 1100, 3, "yzz", 3);
    check_bytes("big writes end", c.out + 3100, 2, "zF", 2);

    /* Panic text first; the pending partial line is flushed while exiting. */
    run_child(body_panic, MERGED, &c);
    check_panic_text("panic output", &c, "line\n", "src/main.rs:9:22", "boom 1", "partial");
    check_exit("panic exit status", &c, 101);

    run_child(body_bounds, MERGED, &c);
    check_panic_text("bounds check", &c, "", "b.rs:10:79",
                     "index out of bounds: the len is 3 but the index is 5", "");
    check_exit("bounds exit status", &c, 101);

    run_child(body_exit, SEPARATE, &c);
    check_bytes("exit flushes", c.out, c.out_len, "x", 1);
    check_exit("exit status", &c, 3);

    run_child(body_capacity_overflow, MERGED, &c);
    check_panic_text("capacity overflow", &c, "",
                     "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/raw_vec/mod.rs:28:5",
                     "capacity overflow", "");
    check_exit("capacity overflow status", &c, 101);

    run_child(body_oom, SEPARATE, &c);
    char oom[256];
    int n = snprintf(oom, sizeof oom, "memory allocation of %llu bytes failed\n%s",
                     1ull << 62, NOTE);
    check_bytes("oom message", c.err, c.err_len, oom, (size_t)n);
    check_bytes("oom loses partial stdout, like Rust's abort", c.out, c.out_len, "", 0);
    check_u64("oom aborts", WIFSIGNALED(c.status) && WTERMSIG(c.status) == SIGABRT, 1);

    run_child(body_epipe, BROKEN_STDOUT, &c);
    char epipe[512];
    n = snprintf(epipe, sizeof epipe,
                 "\nthread 'main' (%ld) panicked at /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/"
                 "library/std/src/io/stdio.rs:1165:9:\nfailed printing to stdout: Broken pipe "
                 "(os error 32)\n%s", (long)c.pid, NOTE);
    check_bytes("broken pipe", c.err, c.err_len, epipe, (size_t)n);
    check_exit("broken pipe status", &c, 101);
}

int main(void)
{
    test_scalars();
    test_f64();
    test_debug_escapes();
    test_padding();
    test_growth();
    test_parse();
    test_args();
    test_process();
    printf("rt_test: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
