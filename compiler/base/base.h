// base.h — what every phase stands on: memory, names, source positions and diagnostics.
//
// base owns the one arena that all compiler data lives in (nothing is freed individually; a
// compilation ends with arena_free_all), string interning (so names compare with ==), the
// typed growable vector, Span (a byte range in a source file) and rustc-shaped diagnostics,
// including `trc --explain`. It knows nothing of tokens, the AST or types, so that every
// later phase can include it and it includes nothing of theirs.
#ifndef TRC_BASE_H
#define TRC_BASE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

//
// arena.c: one bump allocator for all compiler data, and identifier interning
//

void *arena_alloc(size_t size);                    // zeroed memory, lives until exit
char *arena_strndup(const char *s, size_t len);
char *arena_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// Interned strings: equal contents give the same pointer, so names compare with ==.
const char *intern(const char *s, size_t len);
const char *intern_cstr(const char *s);
void arena_free_all(void);
// Scratch memory, for what a pass needs only while it runs: allocations after a mark are
// released together by scratch_release (and then reused). Not zeroed.
typedef struct {
  void *chunk;
  size_t used;
} ScratchMark;
ScratchMark scratch_mark(void);
void scratch_release(ScratchMark m);
void *scratch_alloc(size_t size);
size_t arena_bytes(void);
void arena_trim(void *p, size_t old, size_t new);  // shrink the last allocation  // handed out so far (--time-passes)

// The growable array, one for every element type, in the arena:
//
//   VEC(Row) rows = {0};
//   vec_push(&rows, r);
//   for (int i = 0; i < rows.len; i++) use(rows.data[i]);
//
// Pushing onto a full vector doubles its storage: the elements are copied to a fresh arena
// block and the old one is simply abandoned. A VEC(T) written twice is two distinct struct
// types, so a vector that is passed around or assigned gets a typedef (LocalVec, Cache, ...).
#define VEC(T) struct { T *data; int len, cap; }
#define vec_push(v, ...) \
  ((v)->data = vec_grow_((v)->data, &(v)->cap, (v)->len, sizeof *(v)->data), \
   (v)->data[(v)->len++] = (__VA_ARGS__))
#define VEC_AT(v, i) ((v).data[i])
void *vec_grow_(void *data, int *cap, int len, size_t elem);   // room for data[len]
// A hash map from a pair of pointers (the first never NULL) to a non-NULL pointer, in the
// arena (ptrmap.c). A zeroed PtrMap is empty; get answers NULL for a missing key.
typedef struct {
  const void *a, *b;
  void *val;
} PtrMapEntry;
typedef struct {
  PtrMapEntry *slots;
  size_t cap, used;
} PtrMap;
void *ptrmap_get(const PtrMap *m, const void *a, const void *b);
void ptrmap_put(PtrMap *m, const void *a, const void *b, void *val);
// The value under (a, b), made first (size zeroed bytes in the arena) if there is none: the
// list an index keeps per key.
void *ptrmap_slot(PtrMap *m, const void *a, const void *b, size_t size);

// An integer literal's value before its type is known: up to u128::MAX (GCC's and Clang's
// 128-bit integer; tokens and expressions keep it as two 64-bit words, int_val and int_hi).
typedef unsigned __int128 Wide;
const char *wide_decimal(Wide v);  // its digits (up to 39), in the arena

// memcpy that accepts (NULL, 0): empty arrays in the AST are NULL, and memcpy(_, NULL, 0) is UB.
void copy_bytes(void *dst, const void *src, size_t n);

//
// diag.c: rustc-shaped diagnostics
//

// A span is a byte range in one source file; files are numbered by diag_add_file.
typedef struct {
  uint32_t file, lo, hi;
} Span;

int diag_add_file(const char *name, const char *text, size_t len);
const char *diag_file_name(int file);
void diag_line_col(Span sp, int *line, int *col);  // 1-based
Span diag_file_end(int file);  // an empty span just past the file's last non-blank byte

typedef struct Diag Diag;
// error[CODE]: message — code may be NULL. Build, add labels/notes, then diag_emit.
Diag *diag_error(Span sp, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void diag_label(Diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));  // text under ^^^
void diag_secondary(Diag *d, Span sp, const char *fmt, ...) __attribute__((format(printf, 3, 4)));  // ---
void diag_note(Diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));   // = note:
void diag_help(Diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));   // = help:
void diag_note_at(Diag *d, Span sp, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void diag_emit(Diag *d);
// While muted (nested: on/off pairs), diag_emit drops diagnostics: a trial parse that may fail.
void diag_mute(bool on);
// A borrow-checker error, held back until diag_flush_deferred prints them all sorted by span
// and, on one span, by rank (DEFER_*). Not counted until printed.
enum { DEFER_CONFLICT, DEFER_USE_MOVED, DEFER_MOVE_OUT, DEFER_MUTABILITY };
void diag_defer(Diag *d, int rank);
void diag_flush_deferred(void);
int diag_deferred_count(void);
// Shorthand for an error with one primary label.
void error_at(Span sp, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int diag_error_count(void);
// The error limit: past it, diag_emit stops printing and trc gives up after the phase.
bool diag_too_many(void);
// An internal compiler error: prints and exits with code 3.
_Noreturn void ice(Span sp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void fatal_exit(int code);
// For a process that compiles many inputs (the fuzz target, fuzz/fuzz_frontend.c): when set,
// fatal_exit longjmps here with the exit code in diag_exit_code instead of exiting, and an
// internal compiler error aborts.
extern jmp_buf *diag_exit_jmp;
extern int diag_exit_code;
void diag_reset(void);
void diag_set_color(bool on);
// A further primary span (`^^^`, with an optional label) for one error seen in several places.
void diag_primary(Diag *d, Span sp, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
// The source text a span covers (a fresh NUL-terminated copy; "" for an invalid span).
const char *diag_span_text(Span sp);
// `move |x|` of a closure written at sp: where rustc points for what the closure captures.
Span diag_closure_head(Span sp);
// `error: aborting due to N previous errors` (nothing when there were none).
void diag_summary(void);

//
// explain.c
//

// `trc --explain CODE`; returns the exit code.
int explain_code(const char *code);

//
// timing.c: `--time-passes`
//

// Phases mark their end: the wall time since the previous mark (or timing_start) is charged
// to `name`. A mark returns at once when timing is off, so the phases make them always.
void timing_start(bool report);
void timing_mark(const char *name);
// The table on stderr, one line per phase and a total with the peak memory (when on).
void timing_report(void);

#endif
