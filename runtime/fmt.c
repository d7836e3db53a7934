/*
 * fmt.c - building Strings: the runtime half of format!/println!.
 *
 * The compiler lowers a format string into a sequence of appends to one
 * String (a TrcVec of UTF-8) followed by, when a width was given, one
 * padding call over the bytes appended for that argument.  That split keeps
 * every formatting primitive simple (append a value, its way) and puts
 * Rust's width/fill/alignment rules in exactly two functions.  Floats live
 * in fmt_float.c because their digit generation is a subject of its own.
 *
 * All growth goes through trc_vec_reserve(s, n, 1, 1), so Strings built
 * here have the same capacities as Rust's.
 */
#include <string.h>

#include "rt_internal.h"

/* ---- plain appends ------------------------------------------------------- */

void trc_string_push_bytes(TrcVec *s, const uint8_t *p, uint64_t n)
{
    if (n == 0)
        return;
    trc_vec_reserve(s, n, 1, 1);
    memcpy(s->ptr + s->len, p, (size_t)n);
    s->len += n;
}

static void push_cstr(TrcVec *s, const char *str)
{
    trc_string_push_bytes(s, (const uint8_t *)str, strlen(str));
}

void trc_string_push_u64(TrcVec *s, uint64_t v)
{
    uint8_t buf[20]; /* u64::MAX has 20 digits */
    size_t i = sizeof buf;
    do {
        buf[--i] = (uint8_t)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    trc_string_push_bytes(s, buf + i, sizeof buf - i);
}

/* u128's digits: by 10^19 (the largest power of ten in a u64) into at most three u64 parts. */
static void push_u128(TrcVec *s, unsigned __int128 v)
{
    const uint64_t e19 = 10000000000000000000ull;
    if (v >> 64 == 0) {
        trc_string_push_u64(s, (uint64_t)v);
        return;
    }
    uint64_t parts[3];
    int n = 0;
    while (v >> 64 != 0) {
        parts[n++] = (uint64_t)(v % e19);
        v /= e19;
    }
    trc_string_push_u64(s, (uint64_t)v);
    while (n > 0) { /* the lower parts, each 19 digits with its leading zeros */
        uint8_t buf[19];
        uint64_t p = parts[--n];
        for (int i = 18; i >= 0; i--, p /= 10)
            buf[i] = (uint8_t)('0' + p % 10);
        trc_string_push_bytes(s, buf, sizeof buf);
    }
}

void trc_string_push_i64(TrcVec *s, int64_t v)
{
    /* Negate in unsigned arithmetic so i64::MIN works. */
    uint64_t mag = (uint64_t)v;
    if (v < 0) {
        trc_string_push_bytes(s, (const uint8_t *)"-", 1);
        mag = 0 - mag;
    }
    trc_string_push_u64(s, mag);
}

void trc_string_push_bool(TrcVec *s, int32_t b)
{
    push_cstr(s, b ? "true" : "false");
}

size_t rt_utf8_encode(uint32_t c, uint8_t out[4])
{
    if (c < 0x80) {
        out[0] = (uint8_t)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (uint8_t)(0xC0 | (c >> 6));
        out[1] = (uint8_t)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (uint8_t)(0xE0 | (c >> 12));
        out[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | (c >> 18));
    out[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (c & 0x3F));
    return 4;
}

void trc_string_push_char(TrcVec *s, uint32_t c)
{
    uint8_t buf[4];
    trc_string_push_bytes(s, buf, rt_utf8_encode(c, buf));
}

/* ---- {:?} of str and char ------------------------------------------------ */

/* Decodes one char of valid UTF-8 (a &str's contents) at p; sets *used. */
static uint32_t utf8_decode(const uint8_t *p, size_t n, size_t *used)
{
    uint8_t b = p[0];
    size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    if (len > n)
        len = n; /* never for valid UTF-8; just stay inside the buffer */
    uint32_t c = len == 1 ? b : len == 2 ? (b & 0x1Fu) : len == 3 ? (b & 0x0Fu) : (b & 0x07u);
    for (size_t i = 1; i < len; i++)
        c = (c << 6) | (p[i] & 0x3Fu);
    *used = len;
    return c;
}

static void push_unicode_escape(TrcVec *s, uint32_t c)
{
    static const char hex[] = "0123456789abcdef";
    char buf[12] = "\\u{";
    size_t n = 3;
    int shift = 20;
    while (shift > 0 && ((c >> shift) & 0xF) == 0)
        shift -= 4; /* no leading zeros: \u{7f}, \u{301} */
    for (; shift >= 0; shift -= 4)
        buf[n++] = hex[(c >> shift) & 0xF];
    buf[n++] = '}';
    trc_string_push_bytes(s, (const uint8_t *)buf, n);
}

/* char::escape_debug_ext.  Strings escape '"' but not '\'', chars the
 * reverse; everything else is shared. */
static void push_escaped(TrcVec *s, uint32_t c, uint32_t quote)
{
    const char *esc = NULL;
    switch (c) {
    case '\0': esc = "\\0"; break;
    case '\t': esc = "\\t"; break;
    case '\r': esc = "\\r"; break;
    case '\n': esc = "\\n"; break;
    case '\\': esc = "\\\\"; break;
    case '"':  esc = quote == '"' ? "\\\"" : NULL; break;
    case '\'': esc = quote == '\'' ? "\\'" : NULL; break;
    default: break;
    }
    if (esc != NULL)
        push_cstr(s, esc);
    else if (rt_char_needs_unicode_escape(c))
        push_unicode_escape(s, c);
    else
        trc_string_push_char(s, c);
}

/* Bytes that a &str's Debug can copy verbatim: printable ASCII other than
 * the two that get a backslash.  Runs of these are copied in one append. */
static int is_plain_ascii(uint8_t b)
{
    return b >= 0x20 && b < 0x7F && b != '"' && b != '\\';
}

void trc_string_push_str_debug(TrcVec *s, const uint8_t *p, uint64_t n)
{
    trc_string_push_bytes(s, (const uint8_t *)"\"", 1);
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && is_plain_ascii(p[run]))
            run++;
        trc_string_push_bytes(s, p + i, run - i);
        if (run == n)
            break;
        size_t used;
        uint32_t c = utf8_decode(p + run, (size_t)n - run, &used);
        push_escaped(s, c, '"');
        i = run + used;
    }
    trc_string_push_bytes(s, (const uint8_t *)"\"", 1);
}

void trc_string_push_char_debug(TrcVec *s, uint32_t c)
{
    trc_string_push_bytes(s, (const uint8_t *)"'", 1);
    push_escaped(s, c, '\'');
    trc_string_push_bytes(s, (const uint8_t *)"'", 1);
}

/* ---- width / fill / alignment -------------------------------------------- */

/* Rust measures width in chars: count the bytes that start a char. */
static uint64_t char_count(const uint8_t *p, uint64_t n)
{
    uint64_t count = 0;
    for (uint64_t i = 0; i < n; i++)
        count += (p[i] & 0xC0) != 0x80;
    return count;
}

/* Inserts `times` copies of the fill bytes at byte offset `at`. */
static void insert_fill(TrcVec *s, uint64_t at, uint64_t times, const uint8_t *fill, size_t fill_len)
{
    if (times == 0)
        return;
    uint64_t bytes = times * fill_len;
    trc_vec_reserve(s, bytes, 1, 1);
    memmove(s->ptr + at + bytes, s->ptr + at, (size_t)(s->len - at));
    for (uint64_t i = 0; i < times; i++)
        memcpy(s->ptr + at + i * fill_len, fill, fill_len);
    s->len += bytes;
}

void trc_string_pad(TrcVec *s, uint64_t start, uint64_t width, int32_t align, uint32_t fill)
{
    uint64_t count = char_count(s->ptr + start, s->len - start);
    if (count >= width)
        return;
    uint64_t pad = width - count, before, after;
    switch (align) {
    case 0: before = 0; after = pad; break;
    case 1: before = pad; after = 0; break;
    default: before = pad / 2; after = pad - pad / 2; break; /* extra on the right */
    }
    uint8_t f[4];
    size_t fl = rt_utf8_encode(fill, f);
    insert_fill(s, s->len, after, f, fl);
    insert_fill(s, start, before, f, fl);
}

/* Formatter's sign-aware zero padding: the sign stays in front, zeros go
 * between it and the digits.  Rust applies this to inf and NaN as well
 * ("00inf"), so no special case is needed. */
void trc_string_pad_zero(TrcVec *s, uint64_t start, uint64_t width)
{
    uint64_t count = char_count(s->ptr + start, s->len - start);
    if (count >= width)
        return;
    uint64_t at = start;
    if (at < s->len && (s->ptr[at] == '-' || s->ptr[at] == '+'))
        at++;
    insert_fill(s, at, width - count, (const uint8_t *)"0", 1);
}

/* {:#?}: a nested value's text, with a four-space indent after every newline
 * (std's PadAdapter); the first line is already indented by the caller. */
void trc_string_push_indented(TrcVec *s, const uint8_t *p, uint64_t n)
{
    uint64_t start = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (p[i] != '\n')
            continue;
        trc_string_push_bytes(s, p + start, i + 1 - start);
        if (i + 1 < n)
            trc_string_push_bytes(s, (const uint8_t *)"    ", 4);
        start = i + 1;
    }
    trc_string_push_bytes(s, p + start, n - start);
}

/* ---- one value with a spec ------------------------------------------------
 *
 * The spec is std::fmt::Formatter's: a width, a precision and a word of flags
 * (compiler/std/fmt.tr keeps them in this encoding, and codegen passes a
 * format string's static spec the same way):
 *   bit 0 '#', bit 1 '+', bit 2 '-', bit 3 '0', bit 4 width given, bit 5
 *   precision given, bits 6-7 alignment (0 none, 1 '<', 2 '>', 3 '^'), bits
 *   32-63 the fill char (0 means ' ').
 * Numbers are right-aligned unless told otherwise and zero-pad after their
 * sign; strings, chars and bools go through Formatter::pad: left-aligned, cut
 * to the precision in chars. */


void rt_pad_spec(TrcVec *s, uint64_t start, uint64_t width, uint64_t flags, int numeric)
{
    if (!(flags & FMT_WIDTH))
        return;
    if ((flags & FMT_ZERO) && numeric) {
        trc_string_pad_zero(s, start, width);
        return;
    }
    int align = (int)((flags >> 6) & 3);
    uint32_t fill = (uint32_t)(flags >> 32);
    trc_string_pad(s, start, width, align == 0 ? numeric : align - 1, fill ? fill : ' ');
}

void trc_fmt_int(TrcVec *s, uint64_t lo, uint64_t hi, int32_t is_signed, uint64_t width, uint64_t flags)
{
    uint64_t start = s->len;
    unsigned __int128 v = (unsigned __int128)hi << 64 | lo;
    int negative = is_signed && (int64_t)hi < 0;
    if (negative)
        push_cstr(s, "-");
    else if (flags & FMT_PLUS)
        push_cstr(s, "+");
    push_u128(s, negative ? 0 - v : v); /* unsigned negation: i128::MIN works */
    rt_pad_spec(s, start, width, flags, 1);
}

/* Formatter::pad: the first `prec` chars of the text, padded. */
void trc_fmt_str(TrcVec *s, const uint8_t *p, uint64_t n, int32_t debug, uint64_t width, uint64_t prec, uint64_t flags)
{
    if (debug) { /* str's Debug ignores width and precision */
        trc_string_push_str_debug(s, p, n);
        return;
    }
    if (flags & FMT_PREC) {
        uint64_t i = 0, chars = 0;
        while (i < n && chars < prec) {
            i++;
            while (i < n && (p[i] & 0xC0) == 0x80)
                i++;
            chars++;
        }
        n = i;
    }
    uint64_t start = s->len;
    trc_string_push_bytes(s, p, n);
    rt_pad_spec(s, start, width, flags, 0);
}

void trc_fmt_bool(TrcVec *s, int32_t b, uint64_t width, uint64_t prec, uint64_t flags)
{
    trc_fmt_str(s, (const uint8_t *)(b ? "true" : "false"), b ? 4 : 5, 0, width, prec, flags);
}

void trc_fmt_char(TrcVec *s, uint32_t c, int32_t debug, uint64_t width, uint64_t prec, uint64_t flags)
{
    if (debug) { /* as str's Debug: quoted, no padding */
        trc_string_push_char_debug(s, c);
        return;
    }
    uint8_t buf[4];
    size_t n = rt_utf8_encode(c, buf);
    trc_fmt_str(s, buf, n, 0, width, prec, flags);
}

/* {:x} {:X} {:o} {:b} of an integer's bits (v holds `bits` of them: -1i8 is ff), and {:p}
 * of an address: digits, after "0x" / "0o" / "0b" with '#' ({:p} always has it); '0' pads
 * between that prefix and the digits, as std's pad_integral does. */
void trc_fmt_radix(TrcVec *s, uint64_t lo, uint64_t hi, int32_t bits, int32_t kind, uint64_t width, uint64_t flags)
{
    unsigned __int128 v = (unsigned __int128)hi << 64 | lo;
    if (bits < 128)
        v &= ((unsigned __int128)1 << bits) - 1;
    unsigned shift = kind == 'o' ? 3 : kind == 'b' ? 1 : 4;
    const char *digits = kind == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[136];
    int n = 0;
    do {
        buf[sizeof buf - 1 - n++] = digits[v & ((1u << shift) - 1)];
        v >>= shift;
    } while (v);
    const char *prefix = "";
    if ((flags & FMT_ALT) || kind == 'p')
        prefix = kind == 'o' ? "0o" : kind == 'b' ? "0b" : "0x";
    uint64_t start = s->len, len = strlen(prefix) + (uint64_t)n;
    push_cstr(s, prefix);
    if ((flags & FMT_WIDTH) && (flags & FMT_ZERO) && width > len) {
        for (uint64_t i = len; i < width; i++)
            push_cstr(s, "0");
        trc_string_push_bytes(s, (const uint8_t *)buf + sizeof buf - n, (uint64_t)n);
        return;
    }
    trc_string_push_bytes(s, (const uint8_t *)buf + sizeof buf - n, (uint64_t)n);
    rt_pad_spec(s, start, width, flags & ~(uint64_t)FMT_ZERO, 1);
}
