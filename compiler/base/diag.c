// diag.c — rustc-shaped diagnostics.
//
// Every phase reports problems through here, and the output imitates rustc's closely because
// users (and the tests) compare the two:
//
//   error[E0308]: mismatched types
//    --> file.tr:3:18
//     |
//   3 |     let x: i32 = "hello";
//     |            ---   ^^^^^^^ expected `i32`, found `&str`
//     |            |
//     |            expected due to this
//     |
//     = note: some note
//
// A diagnostic is built first (message, labelled spans, notes) and rendered in one go by
// diag_emit, because the layout depends on all of its parts: the gutter is as wide as the
// largest line number shown anywhere in it, and labels sharing a source line are stacked the
// way rustc stacks them. Output is assembled in a buffer and written with one call, so a
// diagnostic is never interleaved with other output.
//
// Columns are counted in code points like rustc's `-->` line; underlines are placed by display
// width (a tab shows as four spaces, CJK characters are two columns wide).
#include "base/base.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERROR_LIMIT 50

typedef struct {
  const char *name;
  const char *text;
  size_t len;
  uint32_t *line_starts;  // computed on first use
  int nlines;
} SrcFile;

typedef struct {
  Span sp;
  const char *text;  // may be NULL: an underline without words
  bool primary;
} Label;

typedef enum { CHILD_NOTE, CHILD_HELP, CHILD_NOTE_AT } ChildKind;

typedef struct {
  ChildKind kind;
  Span sp;  // CHILD_NOTE_AT
  const char *msg;
} Child;

struct Diag {
  const char *code;
  const char *msg;
  VEC(Label *) labels;    // the primary first
  VEC(Child *) children;  // in the order they were added
};

static VEC(SrcFile) files;
static int error_count;
static bool use_color;

// (span, message) pairs already printed, so that one mistake seen twice is reported once.
typedef struct {
  Span sp;
  const char *msg;
} Seen;
static Seen seen[ERROR_LIMIT + 1];
static int nseen;

//
// Source files and positions
//

int diag_add_file(const char *name, const char *text, size_t len) {
  vec_push(&files, (SrcFile){.name = arena_strndup(name, strlen(name)), .text = text, .len = len});
  return files.len - 1;
}

const char *diag_file_name(int file) {
  return file >= 0 && file < files.len ? files.data[file].name : "<unknown>";
}

Span diag_file_end(int file) {
  if (file < 0 || file >= files.len) return (Span){0};
  size_t n = files.data[file].len;
  const char *t = files.data[file].text;
  while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\n' || t[n - 1] == '\t' || t[n - 1] == '\r')) n--;
  return (Span){(uint32_t)file, (uint32_t)n, (uint32_t)n};
}

static SrcFile *file_of(Span sp) { return sp.file < (uint32_t)files.len ? &files.data[sp.file] : NULL; }

static void compute_lines(SrcFile *f) {
  int n = 1;
  for (size_t i = 0; i < f->len; i++)
    if (f->text[i] == '\n') n++;
  f->line_starts = arena_alloc(sizeof(uint32_t) * (size_t)n);
  f->line_starts[0] = 0;
  int k = 1;
  for (size_t i = 0; i < f->len; i++)
    if (f->text[i] == '\n') f->line_starts[k++] = (uint32_t)(i + 1);
  f->nlines = n;
}

// 0-based index of the line containing byte offset `off`.
static int line_index(SrcFile *f, uint32_t off) {
  if (!f->line_starts) compute_lines(f);
  int lo = 0, hi = f->nlines - 1;
  while (lo < hi) {
    int mid = (lo + hi + 1) / 2;
    if (f->line_starts[mid] <= off) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// End of line `li` (excluding "\n" and a "\r" before it).
static uint32_t line_end(SrcFile *f, int li) {
  uint32_t end = li + 1 < f->nlines ? f->line_starts[li + 1] - 1 : (uint32_t)f->len;
  if (end > f->line_starts[li] && f->text[end - 1] == '\r') end--;
  return end;
}

static uint32_t clamp_off(SrcFile *f, uint32_t off) { return off > f->len ? (uint32_t)f->len : off; }

// Decodes one UTF-8 code point at s[*i] (the lexer has validated the text; stray bytes count
// as one character each so that nothing here can loop or read past the end).
static uint32_t next_char(const char *s, size_t len, size_t *i) {
  unsigned char c = (unsigned char)s[*i];
  int n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
  if (*i + (size_t)n > len) n = 1;
  uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;
  for (int k = 1; k < n; k++) cp = cp << 6 | ((unsigned char)s[*i + k] & 0x3f);
  *i += (size_t)n;
  return cp;
}

void diag_line_col(Span sp, int *line, int *col) {
  SrcFile *f = file_of(sp);
  if (!f) {
    *line = *col = 0;
    return;
  }
  uint32_t off = clamp_off(f, sp.lo);
  int li = line_index(f, off);
  int c = 1;
  for (size_t i = f->line_starts[li]; i < off;) {
    next_char(f->text, f->len, &i);
    c++;
  }
  *line = li + 1;
  *col = c;
}

// The source text a span covers, as a fresh NUL-terminated string.
const char *diag_span_text(Span sp) {
  SrcFile *f = file_of(sp);
  if (!f) return "";
  uint32_t lo = clamp_off(f, sp.lo), hi = clamp_off(f, sp.hi);
  return hi > lo ? arena_strndup(f->text + lo, hi - lo) : "";
}

Span diag_closure_head(Span sp) {
  const char *text = diag_span_text(sp);
  const char *bar = strchr(text, '|');
  if (!bar) return sp;
  const char *end = bar[1] == '|' ? bar + 1 : strchr(bar + 1, '|');  // `||` or `|x|`: the closing bar
  if (!end) return sp;
  end++;
  return (Span){sp.file, sp.lo, sp.lo + (uint32_t)(end - text)};
}

// How wide a character is on a terminal: rustc shows a tab as four spaces, and East Asian wide
// characters and emoji take two columns. Control characters are shown as one-column symbols.
static int char_width(uint32_t c) {
  if (c == '\t') return 4;
  if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) || (c >= 0x1f900 && c <= 0x1f9ff) ||
      (c >= 0x20000 && c <= 0x3fffd))
    return 2;
  return 1;
}

// Display column (0-based) of byte offset `off` on the line starting at `start`.
static int display_col(SrcFile *f, uint32_t start, uint32_t off) {
  int col = 0;
  for (size_t i = start; i < off && i < f->len;) col += char_width(next_char(f->text, f->len, &i));
  return col;
}

//
// Output buffer
//

static char *out;
static size_t out_len, out_cap;

static void put_mem(const char *s, size_t n) {
  if (out_len + n + 1 > out_cap) {
    size_t cap = out_cap ? out_cap * 2 : 4096;
    while (cap < out_len + n + 1) cap *= 2;
    char *p = realloc(out, cap);
    if (!p) {
      fputs("error: out of memory\n", stderr);
      exit(3);
    }
    out = p;
    out_cap = cap;
  }
  memcpy(out + out_len, s, n);
  out_len += n;
}

static void put(const char *s) { put_mem(s, strlen(s)); }

static void put_spaces(int n) {
  for (int i = 0; i < n; i++) put_mem(" ", 1);
}

static void putf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void putf(const char *fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof buf) {
    put_mem(buf, (size_t)n);
    return;
  }
  char *big = malloc((size_t)n + 1);
  if (!big) return;
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  put_mem(big, (size_t)n);
  free(big);
}

static void flush_out(void) {
  if (out_len) fwrite(out, 1, out_len, stderr);
  fflush(stderr);
  out_len = 0;
}

// Colours, as rustc uses them. Without diag_set_color(true) these print nothing.
#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_ERROR "\033[1;31m"
#define C_GUTTER "\033[1;34m"
#define C_NOTE "\033[1;32m"
#define C_HELP "\033[1;36m"

static void color(const char *c) {
  if (use_color) put(c);
}

void diag_set_color(bool on) { use_color = on; }

//
// Building a diagnostic
//

static const char *vformat(const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) n = 0;
  char *buf = arena_alloc((size_t)n + 1);
  vsnprintf(buf, (size_t)n + 1, fmt, ap);
  return buf;
}

static Label *add_label(Diag *d, Span sp, const char *text, bool primary) {
  Label *l = arena_alloc(sizeof *l);
  l->sp = sp;
  l->text = text;
  l->primary = primary;
  vec_push(&d->labels, l);
  return l;
}

static void add_child(Diag *d, ChildKind kind, Span sp, const char *msg) {
  Child *c = arena_alloc(sizeof *c);
  c->kind = kind;
  c->sp = sp;
  c->msg = msg;
  vec_push(&d->children, c);
}

Diag *diag_error(Span sp, const char *code, const char *fmt, ...) {
  Diag *d = arena_alloc(sizeof *d);
  d->code = code;
  va_list ap;
  va_start(ap, fmt);
  d->msg = vformat(fmt, ap);
  va_end(ap);
  add_label(d, sp, NULL, true);
  return d;
}

void diag_label(Diag *d, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  d->labels.data[0]->text = vformat(fmt, ap);
  va_end(ap);
}

void diag_primary(Diag *d, Span sp, const char *fmt, ...) {
  const char *text = NULL;
  if (fmt && *fmt) {
    va_list ap;
    va_start(ap, fmt);
    text = vformat(fmt, ap);
    va_end(ap);
  }
  add_label(d, sp, text, true);
}

void diag_secondary(Diag *d, Span sp, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const char *text = vformat(fmt, ap);
  va_end(ap);
  add_label(d, sp, *text ? text : NULL, false);
}

void diag_note(Diag *d, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  add_child(d, CHILD_NOTE, (Span){0}, vformat(fmt, ap));
  va_end(ap);
}

void diag_help(Diag *d, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  add_child(d, CHILD_HELP, (Span){0}, vformat(fmt, ap));
  va_end(ap);
}

void diag_note_at(Diag *d, Span sp, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  add_child(d, CHILD_NOTE_AT, sp, vformat(fmt, ap));
  va_end(ap);
}

//
// Rendering
//

static int digits(int n) {
  int d = 1;
  while (n >= 10) {
    n /= 10;
    d++;
  }
  return d;
}

static int span_line(Span sp) {
  int line, col;
  diag_line_col(sp, &line, &col);
  return line;
}

// The gutter: `   |` (width spaces, then one more, then the bar).
static void put_bar(int width) {
  color(C_GUTTER);
  put_spaces(width + 1);
  put("|");
  color(C_RESET);
}

static void put_location(int width, const char *arrow, Span sp) {
  int line, col;
  diag_line_col(sp, &line, &col);
  put_spaces(width);
  color(C_GUTTER);
  put(arrow);
  color(C_RESET);
  putf(" %s:%d:%d\n", files.data[sp.file].name, line, col);
}

// Prints source line `li` after its number, tabs expanded and control characters replaced by
// their visible symbols (U+2400 block) the way rustc does.
static void put_source_line(SrcFile *f, int li, int width) {
  color(C_GUTTER);
  putf("%*d |", width, li + 1);
  color(C_RESET);
  uint32_t start = f->line_starts[li], end = line_end(f, li);
  if (end > start) put(" ");
  for (size_t i = start; i < end;) {
    size_t at = i;
    uint32_t c = next_char(f->text, f->len, &i);
    if (c == '\t') {
      put("    ");
    } else if (c < 0x20 || c == 0x7f) {
      uint32_t sym = c == 0x7f ? 0x2421 : 0x2400 + c;
      char buf[3] = {(char)(0xe0 | sym >> 12), (char)(0x80 | (sym >> 6 & 0x3f)), (char)(0x80 | (sym & 0x3f))};
      put_mem(buf, 3);
    } else {
      put_mem(f->text + at, i - at);
    }
  }
  put("\n");
}

// One label placed on a line: display columns [start, end).
typedef struct {
  int start, end;
  Label *l;
} Mark;

static int cmp_mark_start_desc(const void *a, const void *b) {
  const Mark *x = a, *y = b;
  if (x->start != y->start) return y->start - x->start;
  return (int)y->l->primary - (int)x->l->primary;
}

// A row of annotation text being laid out: one char (or multi-byte label text) per column.
// Labels are written as whole strings at a column (covering as many columns as they have
// bytes), underlines and bars as single characters.
typedef struct {
  const char *text[512];
  bool is_primary[512];
  int ncols;
} Row;

static void row_set(Row *r, int col, const char *s, bool primary) {
  if (col < 0 || col >= 512) return;
  r->text[col] = s;
  r->is_primary[col] = primary;
  if (col + 1 > r->ncols) r->ncols = col + 1;
}

static void put_row(Row *r, int width) {
  put_bar(width);
  if (r->ncols) put(" ");
  for (int c = 0; c < r->ncols; c++) {
    if (!r->text[c]) {
      put(" ");
      continue;
    }
    color(r->is_primary[c] ? C_ERROR : C_GUTTER);
    put(r->text[c]);
    color(C_RESET);
    c += (int)strlen(r->text[c]) - 1;  // a label covers its columns
  }
  put("\n");
}

// Whether two marks' columns meet, the second's extended by `pad` (room for its label).
static bool marks_overlap(const Mark *a, const Mark *b, int pad) {
  return (b->start <= a->start && a->start < b->end + pad) || (a->start <= b->start && b->start < a->end + pad);
}

static bool has_text(const Mark *m) { return m->l->text && m->l->text[0]; }

// Longer underlines first, so shorter ones are drawn over them; a primary over a secondary
// of the same length.
static int cmp_mark_draw(const void *a, const void *b) {
  const Mark *x = *(const Mark *const *)a, *y = *(const Mark *const *)b;
  int lx = x->end - x->start, ly = y->end - y->start;
  if (lx != ly) return ly - lx;
  return (int)x->l->primary - (int)y->l->primary;
}

// The annotations under one source line, in rustc's arrangement (its emitter's algorithm):
// every underline on the first row, shorter ones drawn over longer ones; then, rightmost
// first, each label gets a row position p, 0 being the underline row itself (the text after
// the underline). A label moves one row down when it overlaps a label to its left, padding
// included, and rows only grow: p is carried from one label to the next. A label at p > 0
// hangs from `|`s in rows 1..p, its text in row p + 1.
static void put_annotations(Mark *m, int n, int width) {
  if (n > 64) n = 64;
  qsort(m, (size_t)n, sizeof *m, cmp_mark_start_desc);
  int pos[64], p = 0, last = 0;  // last: the last row with a label
  for (int i = 0; i < n; i++) {
    for (int j = i + 1; j < n && p == 0; j++)
      if (marks_overlap(&m[j], &m[i], 0) && has_text(&m[i])) {
        if (m[j].start == m[i].start && m[j].end == m[i].end && !has_text(&m[j])) continue;
        p++;
        break;
      }
    pos[i] = p;
    for (int j = i + 1; j < n; j++) {
      int pad = has_text(&m[j]) ? (int)strlen(m[j].l->text) + 2 : 0;
      bool meet = marks_overlap(&m[j], &m[i], pad);
      if ((meet && has_text(&m[i]) && has_text(&m[j])) || (meet && m[j].end <= m[i].end && has_text(&m[j]) && p == 0)) {
        p++;
        break;
      }
    }
    if (has_text(&m[i]) && pos[i] && pos[i] + 1 > last) last = pos[i] + 1;
  }

  // The underline row, with the labels at position 0 after their underlines.
  static Row row;
  memset(&row, 0, sizeof row);
  Mark *order[64];
  for (int i = 0; i < n; i++) order[i] = &m[i];
  qsort(order, (size_t)n, sizeof *order, cmp_mark_draw);
  for (int i = 0; i < n; i++)
    for (int c = order[i]->start; c < order[i]->end && c < 400; c++) row_set(&row, c, order[i]->l->primary ? "^" : "-", order[i]->l->primary);
  for (int i = 0; i < n; i++)
    if (pos[i] == 0 && has_text(&m[i]) && m[i].end < 400) row_set(&row, m[i].end + 1, m[i].l->text, m[i].l->primary);
  put_row(&row, width);

  for (int r = 1; r <= last; r++) {
    memset(&row, 0, sizeof row);
    for (int i = 0; i < n; i++)  // bars, then texts: a label is not hidden by a bar at its column
      if (has_text(&m[i]) && pos[i] && m[i].start < 400 && r <= pos[i]) row_set(&row, m[i].start, "|", m[i].l->primary);
    for (int i = 0; i < n; i++)
      if (has_text(&m[i]) && pos[i] && m[i].start < 400 && r == pos[i] + 1) row_set(&row, m[i].start, m[i].l->text, m[i].l->primary);
    put_row(&row, width);
  }
}

static int cmp_label_line(const void *a, const void *b) {
  Label *x = *(Label *const *)a, *y = *(Label *const *)b;
  if (x->sp.file != y->sp.file) return x->sp.file < y->sp.file ? -1 : 1;
  return x->sp.lo < y->sp.lo ? -1 : x->sp.lo > y->sp.lo;
}

// Prints the source lines of the labels that lie in `file`, in line order, with their
// annotations. Lines in between are elided with `...`, except a single one, which is shown.
static void put_snippet(Label **labels, int n, uint32_t file, int width) {
  SrcFile *f = &files.data[file];
  Label **sorted = arena_alloc(sizeof(Label *) * (size_t)(n > 0 ? n : 1));
  int k = 0;
  for (int i = 0; i < n; i++)
    if (labels[i]->sp.file == file) sorted[k++] = labels[i];
  qsort(sorted, (size_t)k, sizeof *sorted, cmp_label_line);

  int prev_line = -1;
  for (int i = 0; i < k;) {
    uint32_t lo = clamp_off(f, sorted[i]->sp.lo);
    int li = line_index(f, lo);
    uint32_t start = f->line_starts[li], end = line_end(f, li);

    Mark marks[64];
    int nm = 0;
    for (; i < k && line_index(f, clamp_off(f, sorted[i]->sp.lo)) == li; i++) {
      if (nm == 64) continue;
      Label *l = sorted[i];
      uint32_t a = clamp_off(f, l->sp.lo), b = clamp_off(f, l->sp.hi);
      if (b > end) b = end;  // a multi-line span is underlined to the end of its first line
      Mark mk = {display_col(f, start, a), 0, l};
      mk.end = b > a ? display_col(f, start, b) : mk.start;
      if (mk.end <= mk.start) mk.end = mk.start + 1;  // at least one ^
      marks[nm++] = mk;
    }

    if (prev_line >= 0 && li > prev_line + 1) {
      if (li == prev_line + 2) {
        put_source_line(f, prev_line + 1, width);
      } else {
        color(C_GUTTER);
        put("...");
        color(C_RESET);
        put("\n");
      }
    }
    put_source_line(f, li, width);
    put_annotations(marks, nm, width);
    prev_line = li;
  }
}

static bool span_valid(Span sp) { return file_of(sp) != NULL; }

static int gutter_width(Diag *d) {
  int max_line = 0;
  for (int i = 0; i < d->labels.len; i++) {
    Label *l = d->labels.data[i];
    if (span_valid(l->sp)) {
      int line = span_line(l->sp);
      if (line > max_line) max_line = line;
    }
  }
  for (int i = 0; i < d->children.len; i++) {
    Child *c = d->children.data[i];
    if (c->kind == CHILD_NOTE_AT && span_valid(c->sp)) {
      int line = span_line(c->sp);
      if (line > max_line) max_line = line;
    }
  }
  return digits(max_line);
}

// `= note: text`, with continuation lines of a multi-line message aligned under the text.
static void put_spanless_child(Child *c, int width) {
  put_spaces(width + 1);
  color(C_GUTTER);
  put("=");
  color(C_RESET);
  put(" ");
  const char *kw = c->kind == CHILD_HELP ? "help" : "note";
  color(C_BOLD);
  put(kw);
  color(C_RESET);
  put(": ");
  int indent = width + 1 + 2 + (int)strlen(kw) + 2;
  for (const char *s = c->msg; *s; s++) {
    put_mem(s, 1);
    if (*s == '\n') put_spaces(indent);
  }
  put("\n");
}

static void render(Diag *d, const char *level, const char *level_color) {
  int width = gutter_width(d);
  Label *primary = d->labels.data[0];

  color(level_color);
  put(level);
  if (d->code) putf("[%s]", d->code);
  color(C_RESET);
  color(C_BOLD);
  put(": ");
  put(d->msg);
  color(C_RESET);
  put("\n");

  // Spanless notes hang off a bare `|` line, even when there is no snippet above them.
  bool after_snippet = true;
  if (span_valid(primary->sp)) {
    put_location(width, "-->", primary->sp);
    put_bar(width);
    put("\n");
    Label **labels = d->labels.data;
    put_snippet(labels, d->labels.len, primary->sp.file, width);
    // Labels in other files get their own `:::` section, like rustc.
    for (int i = 1; i < d->labels.len; i++) {
      Label *l = labels[i];
      if (!span_valid(l->sp) || l->sp.file == primary->sp.file) continue;
      bool first = true;
      for (int j = 1; j < i; j++)
        if (labels[j]->sp.file == l->sp.file) first = false;
      if (!first) continue;
      put_location(width, ":::", l->sp);
      put_bar(width);
      put("\n");
      put_snippet(labels, d->labels.len, l->sp.file, width);
    }
  }

  for (int i = 0; i < d->children.len; i++) {
    Child *c = d->children.data[i];
    if (c->kind != CHILD_NOTE_AT || !span_valid(c->sp)) {
      if (after_snippet) {
        put_bar(width);
        put("\n");
        after_snippet = false;
      }
      put_spanless_child(c, width);
      continue;
    }
    if (i == 0 && span_valid(primary->sp)) {  // rustc closes the main snippet with a bare `|`
      put_bar(width);
      put("\n");
    }
    color(C_NOTE);
    put("note");
    color(C_RESET);
    color(C_BOLD);
    put(": ");
    put(c->msg);
    color(C_RESET);
    put("\n");
    put_location(width, "-->", c->sp);
    put_bar(width);
    put("\n");
    Label l = {c->sp, NULL, true};
    Label *lp = &l;
    put_snippet(&lp, 1, c->sp.file, width);
    after_snippet = true;
  }
  put("\n");
}

// The distinct error codes emitted, for the closing "try `trc --explain`" hint.
static const char *codes[ERROR_LIMIT + 1];
static int ncodes;

static void note_code(const char *code) {
  if (!code) return;
  for (int i = 0; i < ncodes; i++)
    if (!strcmp(codes[i], code)) return;
  if (ncodes < ERROR_LIMIT + 1) codes[ncodes++] = code;
}

static int cmp_code(const void *a, const void *b) { return strcmp(*(const char **)a, *(const char **)b); }

static int muted;
void diag_mute(bool on) { muted += on ? 1 : -1; }

void diag_emit(Diag *d) {
  if (muted) return;  // a trial parse (macro fragment matching) reports nothing
  if (error_count >= ERROR_LIMIT) {
    error_count++;  // still counted, no longer printed
    return;
  }
  Span sp = d->labels.data[0]->sp;
  for (int i = 0; i < nseen; i++)
    if (seen[i].sp.file == sp.file && seen[i].sp.lo == sp.lo && seen[i].sp.hi == sp.hi &&
        strcmp(seen[i].msg, d->msg) == 0)
      return;
  if (nseen < ERROR_LIMIT + 1) seen[nseen++] = (Seen){sp, d->msg};
  error_count++;
  note_code(d->code);
  render(d, "error", C_ERROR);
  flush_out();
}

// Errors held back until the borrow checker has run, then printed ordered by where they are,
// as rustc prints a body's borrow-checker errors: sorted by span and, on one span, the
// conflicts first, then uses after move (rustc checks an operand for both in that order),
// then moves out of borrows, then mutability errors (rustc buffers those two kinds apart and
// adds them last before its stable sort). trc finds
// some of these in sema (use after move, mutability) and the rest on MIR.
typedef struct {
  Diag *d;
  int rank, index;
} Deferred;
static VEC(Deferred) deferred;

void diag_defer(Diag *d, int rank) { vec_push(&deferred, ((Deferred){d, rank, deferred.len})); }

static int cmp_deferred(const void *a, const void *b) {
  const Deferred *x = a, *y = b;
  Span p = x->d->labels.data[0]->sp, q = y->d->labels.data[0]->sp;
  if (p.file != q.file) return p.file < q.file ? -1 : 1;
  if (p.lo != q.lo) return p.lo < q.lo ? -1 : 1;
  if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

void diag_flush_deferred(void) {
  if (!deferred.len) return;  // (qsort may not be given a null array)
  qsort(deferred.data, deferred.len, sizeof(Deferred), cmp_deferred);
  int n = deferred.len;
  deferred.len = 0;
  for (int i = 0; i < n; i++) diag_emit(deferred.data[i].d);
}

int diag_deferred_count(void) { return deferred.len; }

void error_at(Span sp, const char *code, const char *fmt, ...) {
  Diag *d = diag_error(sp, code, "%s", "");
  va_list ap;
  va_start(ap, fmt);
  d->msg = vformat(fmt, ap);
  va_end(ap);
  diag_emit(d);
}

int diag_error_count(void) { return error_count; }

bool diag_too_many(void) { return error_count >= ERROR_LIMIT; }

void diag_summary(void) {
  if (error_count == 0) return;
  color(C_ERROR);
  put("error");
  color(C_RESET);
  color(C_BOLD);
  if (error_count == 1) put(": aborting due to 1 previous error");
  else putf(": aborting due to %d previous errors", error_count);
  color(C_RESET);
  put("\n\n");
  // rustc's closing hint, pointing at trc's own explanations.
  if (ncodes == 1) {
    color(C_BOLD);
    putf("For more information about this error, try `trc --explain %s`.\n", codes[0]);
    color(C_RESET);
  } else if (ncodes > 1) {
    qsort(codes, ncodes, sizeof codes[0], cmp_code);
    color(C_BOLD);
    put("Some errors have detailed explanations: ");
    for (int i = 0; i < ncodes; i++) putf("%s%s", i ? ", " : "", codes[i]);
    put(".\n");
    putf("For more information about an error, try `trc --explain %s`.\n", codes[0]);
    color(C_RESET);
  }
  flush_out();
}

// Forgets every file and error, so that the next compilation in this process starts afresh.
void diag_reset(void) {
  files.data = NULL;  // in the arena
  files.len = files.cap = 0;
  error_count = 0;
  nseen = 0;
  memset(&deferred, 0, sizeof deferred);  // in the arena
  ncodes = 0;
  use_color = false;
  free(out);
  out = NULL;
  out_len = out_cap = 0;
}

jmp_buf *diag_exit_jmp;
int diag_exit_code;

_Noreturn void fatal_exit(int code) {
  fflush(stdout);
  fflush(stderr);
  if (diag_exit_jmp) {
    // trc is embedded (the fuzz target): the process goes on, and the embedder resets.
    diag_exit_code = code;
    longjmp(*diag_exit_jmp, 1);
  }
  diag_reset();
  arena_free_all();
  exit(code);
}

_Noreturn void ice(Span sp, const char *fmt, ...) {
  // Build the message without the arena: the arena may be what is broken.
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);

  color(C_ERROR);
  put("error");
  color(C_RESET);
  color(C_BOLD);
  put(": internal compiler error: ");
  put(msg);
  color(C_RESET);
  put("\n");
  // (Span){0} means "no particular place": it would point at the prelude's first byte.
  if (span_valid(sp) && !(sp.file == 0 && sp.lo == 0 && sp.hi == 0)) {
    int width = digits(span_line(sp));
    put_location(width, "-->", sp);
    put_bar(width);
    put("\n");
    Label l = {sp, NULL, true};
    Label *lp = &l;
    put_snippet(&lp, 1, sp.file, width);
  }
  put("\n");
  color(C_NOTE);
  put("note");
  color(C_RESET);
  put(": trc unexpectedly failed; this is a bug\n\n");
  flush_out();
  // Embedded in the fuzz target, an internal error is exactly what is being looked for: stop
  // here, where the stack still shows what failed, instead of unwinding to the embedder.
  if (diag_exit_jmp) abort();
  fatal_exit(3);
}
