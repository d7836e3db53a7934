/*
 * rt_internal.h - helpers shared between the runtime's own files.
 *
 * Nothing here is part of the ABI that generated code calls (that is
 * trc_rt.h); these are the seams between runtime.c, alloc.c, fmt*.c and
 * unicode.c, kept in one small header so each file can stay about one
 * concern.  All names start with rt_ so they cannot collide with trc_ ABI
 * symbols or with user code.
 */
#ifndef TRC_RT_INTERNAL_H
#define TRC_RT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "trc_rt.h"

/* Where Rust's std panics live in rustc 1.95.0 (commit 59807616e).  Rust
 * prints the std source location for panics raised inside std, so we print
 * the same text when the runtime raises the equivalent panic. */
#define RT_RUSTC_SRC "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/"
#define RT_LOC_CAPACITY_OVERFLOW RT_RUSTC_SRC "alloc/src/raw_vec/mod.rs:28:5"
#define RT_LOC_STDOUT_FAILED RT_RUSTC_SRC "std/src/io/stdio.rs:1165:9"

/* Panics with `msg` at an already formatted "file:line:col" location (the payload a String,
 * as std's for a formatted message; rt_panic_const_at: a &'static str, for a constant one). */
_Noreturn void rt_panic_at(const char *msg, size_t msg_len,
                           const char *loc, size_t loc_len);
_Noreturn void rt_panic_const_at(const char *msg, size_t msg_len,
                                 const char *loc, size_t loc_len);

/* Rust's handle_alloc_error: message on stderr, then abort(). */
_Noreturn void rt_alloc_failed(uint64_t size);

/* Writes all of p[0..n) to fd, retrying on EINTR and short writes.
 * Returns 0, or the errno of the failing write. */
int rt_write_fd(int fd, const uint8_t *p, size_t n);

/* Encodes c as UTF-8 into out (4 bytes of room); returns the length. */
size_t rt_utf8_encode(uint32_t c, uint8_t out[4]);

/* True when {:?} must print c as \u{..}: c is not printable, or it is a
 * grapheme extender (Rust escapes those too so they don't glue onto the
 * preceding quote or backslash).  Implemented in unicode.c. */
int rt_char_needs_unicode_escape(uint32_t c);

/* fmt.c: the flags of a format spec (the encoding std::fmt's Formatter keeps
 * in compiler/std/fmt.tr), and the padding of the text appended since start
 * by width and flags (numbers right-aligned and zero-padded after the sign). */
// A spec's flags (compiler/codegen/format.c encodes them, fmt.tr's Formatter keeps them): bits
// 6-7 the alignment, 32-63 the fill; FMT_DEBUG_*HEX are read by the compiled code alone.
enum { FMT_ALT = 1, FMT_PLUS = 2, FMT_ZERO = 8, FMT_WIDTH = 16, FMT_PREC = 32, FMT_DEBUG_LOWER_HEX = 1 << 24, FMT_DEBUG_UPPER_HEX = 1 << 25 };
void rt_pad_spec(TrcVec *s, uint64_t start, uint64_t width, uint64_t flags, int numeric);

/* fmt_float.c: {} (debug = 0) or {:?} (debug = 1) of a float, with an f32's
 * own shortest digits when f32; {:.N} of one (the runtime tests call them). */
void trc_string_push_float(TrcVec *s, double v, int32_t debug, int32_t f32);
void trc_string_push_f64_prec(TrcVec *s, double v, uint64_t prec);

/* f64::cbrt and f32::cbrt, which generated code calls by name as it calls libm's functions
 * (codegen/num_methods.c): correctly rounded, as compiler_builtins' are (math.c). */
double trc_cbrt(double x);
float trc_cbrtf(float x);

/* thread.c: whether this thread is one std::thread::spawn started (not main), its name and
 * OS id as the panic message shows them, and the end of a spawned thread's unwinding (back to
 * where it started, which makes its join report the panic). runtime.c: whether this thread
 * is unwinding a panic. */
int rt_in_spawned_thread(void);
const char *rt_thread_name(void);
int rt_thread_named(void);  /* a spawned thread with a name, or the main thread */
void rt_watch_thread_stack(void);    /* runtime.c: a spawned thread's overflow is reported too */
void rt_unwatch_thread_stack(void);
long rt_thread_id(void);
_Noreturn void rt_thread_unwound(void);
/* thread.c keeps a panic's message (a PanicMsg) until the unwinding stops, then gives it out. */
uint64_t rt_note_panic(const char *msg, size_t len, int is_static);
uint64_t rt_take_panic(void);
const char *rt_panic_msg_bytes(uint64_t msg);
size_t rt_panic_msg_len(uint64_t msg);
/* runtime.c's panic hook, for thread.c's ops: take_hook, and the default hook's message. */
uint64_t rt_take_panic_hook(void);
void rt_default_panic_hook(uint64_t report);
int rt_panicking(void);

#endif /* TRC_RT_INTERNAL_H */
