/*
 * rt_diff.c - differential check of the runtime's formatting against rustc.
 *
 * Reads, on stdin, what test/oracle.rs printed with real Rust, recomputes
 * every field with the trc runtime, and counts lines that differ.  The
 * oracle is the specification here: float digits, Debug escapes and parse
 * rules have too many corners to pin down by hand-written expectations.
 *
 *   rt_diff floats|chars|parse < oracle-output
 *
 * Prints the first few mismatches and a closing "MODE: N passed, N failed"
 * line; exits 1 if anything failed.  Run by test/diff_oracle.sh.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../trc_rt.h"
#include "../rt_internal.h"

static void push_cstr(TrcVec *s, const char *str)
{
    trc_string_push_bytes(s, (const uint8_t *)str, strlen(str));
}

/* Copies the line's first field (the key) into s. */
static void push_key(TrcVec *s, const char *line)
{
    trc_string_push_bytes(s, (const uint8_t *)line, strcspn(line, "\t"));
}

static double from_bits(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* Must list the same specs, in the same order, as oracle.rs's floats(). */
static void format_float_line(TrcVec *s, const char *hexbits)
{
    double v = from_bits(strtoull(hexbits, NULL, 16));
    static const uint64_t precs[] = {0, 1, 2, 3, 17};
    push_key(s, hexbits);
    push_cstr(s, "\t");
    trc_string_push_float(s, v, 0, 0);
    push_cstr(s, "\t");
    trc_string_push_float(s, v, 1, 0);
    for (size_t i = 0; i < sizeof precs / sizeof precs[0]; i++) {
        push_cstr(s, "\t");
        trc_string_push_f64_prec(s, v, precs[i]);
    }
    push_cstr(s, "\t");
    uint64_t start = s->len; /* {:08.3} */
    trc_string_push_f64_prec(s, v, 3);
    trc_string_pad_zero(s, start, 8);
    push_cstr(s, "\t");
    start = s->len; /* {:>12} */
    trc_string_push_float(s, v, 0, 0);
    trc_string_pad(s, start, 12, 1, ' ');
    push_cstr(s, "\t");
    start = s->len; /* {:^13?} */
    trc_string_push_float(s, v, 1, 0);
    trc_string_pad(s, start, 13, 2, ' ');
    push_cstr(s, "\t");
    start = s->len; /* {:<9}| */
    trc_string_push_float(s, v, 0, 0);
    trc_string_pad(s, start, 9, 0, ' ');
    push_cstr(s, "|");
}

static void format_char_line(TrcVec *s, const char *hexcp)
{
    uint32_t c = (uint32_t)strtoul(hexcp, NULL, 16);
    push_key(s, hexcp);
    push_cstr(s, "\t");
    trc_string_push_char_debug(s, c);
    push_cstr(s, "\t");
    TrcVec one = {(uint8_t *)1, 0, 0};
    trc_string_push_char(&one, c);
    trc_string_push_str_debug(s, one.ptr, one.len);
    trc_vec_free(&one, 1, 1);
}

static void push_parse_result(TrcVec *s, const char *in, size_t n, int is_signed)
{
    int32_t status, ok;
    push_cstr(s, "\t");
    if (is_signed) {
        int64_t v = trc_parse_i64((const uint8_t *)in, n, INT64_MAX, &status);
        ok = !status;
        if (ok)
            trc_string_push_i64(s, v);
    } else {
        uint64_t v = trc_parse_u64((const uint8_t *)in, n, UINT64_MAX, &status);
        ok = !status;
        if (ok)
            trc_string_push_u64(s, v);
    }
    if (!ok)
        push_cstr(s, "ERR");
}

static void format_parse_line(TrcVec *s, const char *line)
{
    size_t n = strcspn(line, "\t");
    push_key(s, line);
    push_parse_result(s, line, n, 1);
    push_parse_result(s, line, n, 0);
}

int main(int argc, char **argv)
{
    trc_rt_init(argc, argv);
    const char *mode = argc > 1 ? argv[1] : "";
    void (*format_line)(TrcVec *, const char *) =
        strcmp(mode, "floats") == 0 ? format_float_line :
        strcmp(mode, "chars") == 0 ? format_char_line :
        strcmp(mode, "parse") == 0 ? format_parse_line : NULL;
    if (format_line == NULL) {
        fprintf(stderr, "usage: rt_diff floats|chars|parse < oracle-output\n");
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    unsigned long passed = 0, failed = 0;
    TrcVec s = {(uint8_t *)1, 0, 0};
    while ((got = getline(&line, &cap, stdin)) > 0) {
        if (line[got - 1] == '\n')
            line[--got] = '\0';
        s.len = 0;
        format_line(&s, line);
        if (s.len == (uint64_t)got && memcmp(s.ptr, line, (size_t)got) == 0) {
            passed++;
        } else if (++failed <= 10) {
            printf("rust: %s\ntrc:  %.*s\n", line, (int)s.len, (const char *)s.ptr);
        }
    }
    free(line);
    trc_vec_free(&s, 1, 1);
    printf("%s: %lu passed, %lu failed\n", mode, passed, failed);
    return failed != 0 || passed == 0;
}
