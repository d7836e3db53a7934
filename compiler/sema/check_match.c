// check_match.c — exhaustiveness of patterns (E0004 for `match`, E0005 for `let`).
//
// The classic usefulness algorithm (Maranget, "Warnings for pattern matching", 2007), written to
// produce witnesses: `missing(P, types)` returns value shapes that no row of the pattern matrix
// P matches. A column whose type has a finite set of constructors (bool, an enum's variants, a
// tuple, struct or reference's single one) is split by constructor. A column of integers or
// chars is split as rustc splits it: the literals and ranges written in it cut the type's
// values into disjoint ranges, each wholly inside or outside every pattern, and each range is
// a constructor (so `i32::MIN..=-1 | 0 | 1..=i32::MAX` is exhaustive, and the witness of what
// is missing is the range, `101_u8..=u8::MAX`). Strings have too many values: only a wildcard
// covers them, and their witness is `_`.
//
// Cells are (pattern, references still to peel): a pattern checked under match ergonomics
// matches a `&T` scrutinee after `derefs` implicit dereferences, which the algorithm sees as
// that many `&` constructors around it.
#include "sema/sema_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  Pattern *p;  // NULL: a wildcard
  int peel;
} Cell;

typedef struct {
  Cell *cells;
  int n;
} Row;

typedef VEC(Row) Matrix;   // the rows

// A witness: one printed pattern per column.
typedef struct {
  const char **cols;
  int n;
} Witness;

typedef VEC(Witness) Witnesses;

enum { MAX_WITNESSES = 64 };

static void add_row(Matrix *m, Row r) { vec_push(m, r); }

static void add_witness(Witnesses *w, Witness x) {
  if (w->len < MAX_WITNESSES) vec_push(w, x);
}

static Cell cell_of(Pattern *p) { return (Cell){p, p ? p->derefs : 0}; }

// Bindings match what their subpattern matches (`x @ 1..=5`), or anything.
static Cell strip(Cell c) {
  while (c.p && c.peel == 0 && c.p->kind == PAT_BIND) c = c.p->sub ? cell_of(c.p->sub) : (Cell){NULL, 0};
  if (c.p && c.peel == 0 && c.p->kind == PAT_WILD) c.p = NULL;
  return c;
}

// Constructors of a column type. kind: 0 opaque (only `_` covers it), 1 bool, 2 enum, 3 single
// (tuple, struct, unit, reference, array), 4 slice (lengths: see slice_split), 5 integer or
// char (ranges: see int_split).
enum { SHAPE_SLICE = 4, SHAPE_INT = 5 };

static int type_shape(Type *t, int *nctors) {
  t = ty_resolve(t);
  switch (t->kind) {
  case TY_ARRAY: *nctors = 1; return 3;
  case TY_SLICE: *nctors = 0; return SHAPE_SLICE;  // the column's patterns decide
  case TY_BOOL: *nctors = 2; return 1;
  case TY_STRUCT:
    if (t->sdecl->is_enum) {
      *nctors = t->sdecl->nvariants;
      return 2;
    }
    *nctors = 1;
    return 3;
  case TY_TUPLE: case TY_UNIT: *nctors = 1; return 3;
  case TY_INT: case TY_CHAR: *nctors = 0; return SHAPE_INT;  // the column's patterns decide
  case TY_REF:
    if (ty_resolve(t->inner)->kind == TY_STR) break;  // string literals match `&str` as values
    *nctors = 1;
    return 3;
  default: break;
  }
  *nctors = 0;
  return 0;
}

// The field types of constructor ctor of type t.
static Type **ctor_field_types(Type *t, int ctor, int *n) {
  t = ty_resolve(t);
  if (t->kind == TY_REF) {
    *n = 1;
    return &t->inner;
  }
  if (t->kind == TY_TUPLE) {
    *n = t->nargs;
    return t->args;
  }
  if (t->kind == TY_ARRAY || t->kind == TY_SLICE) {  // a slice's constructor k has k elements
    *n = t->kind == TY_ARRAY ? (int)t->len : ctor;
    Type **ft = arena_alloc(sizeof(Type *) * (*n + 1));
    for (int i = 0; i < *n; i++) ft[i] = t->inner;
    return ft;
  }
  if (t->kind != TY_STRUCT) {
    *n = 0;
    return NULL;
  }
  StructDecl *s = t->sdecl;
  FieldDecl *fields = s->is_enum ? s->variants[ctor].fields : s->fields;
  *n = s->is_enum ? s->variants[ctor].nfields : s->nfields;
  Type **ft = arena_alloc(sizeof(Type *) * (*n + 1));
  for (int i = 0; i < *n; i++) ft[i] = ty_subst(fields[i].type, t->args, t->nargs);
  return ft;
}

// A slice column is split by length as rustc does: lengths 0..prefix+suffix-1 each one
// constructor, and one more (index prefix+suffix) for every longer slice, `[_, .., _]`. prefix
// and suffix are the longest ones around a `..` in the column, stretched so that every
// fixed-length pattern is a length below them.
typedef struct {
  int prefix, suffix;
  Wide *lo, *hi;  // SHAPE_INT: constructor k is the values lo[k]..=hi[k] (see int_split)
  int nranges;
} Split;

// Integers and chars are ordered here as unsigned numbers from the type's MIN (0) to its MAX:
// a signed value's bits with the sign bit flipped. A char's values leave out the surrogates.
static Wide int_domain_max(Type *t) {
  t = ty_resolve(t);
  if (t->kind == TY_CHAR) return 0x10FFFF;
  return t->bits == 128 ? ~(Wide)0 : ((Wide)1 << t->bits) - 1;
}

static bool literal_order(Expr *e, Type *t, Wide *out) {
  Wide v;
  if (e->kind == EX_INT) v = expr_int_value(e);
  else if (e->kind == EX_CHAR) v = e->int_val;
  else if (e->kind == EX_UNARY && e->op == TK_MINUS && e->sub->kind == EX_INT) v = 0 - expr_int_value(e->sub);
  else return false;
  t = ty_resolve(t);
  v &= int_domain_max(t);
  if (t->kind == TY_INT && t->is_signed) v ^= (Wide)1 << (t->bits - 1);
  *out = v;
  return true;
}

// The values a literal or range cell matches, lo..=hi in that order (lo > hi: none).
static bool cell_interval(Cell c, Type *t, Wide *lo, Wide *hi) {
  Pattern *p = c.p;
  if (!p || c.peel) return false;
  if (p->kind == PAT_LIT) return literal_order(p->lit, t, lo) && literal_order(p->lit, t, hi);
  if (p->kind != PAT_RANGE) return false;
  *lo = 0, *hi = int_domain_max(t);
  if (p->lit && !literal_order(p->lit, t, lo)) return false;
  if (p->hi && !literal_order(p->hi, t, hi)) return false;
  if (p->hi && !p->inclusive) {
    if (*hi == 0) *lo = 1;  // `..MIN`: empty
    else (*hi)--;
  }
  return true;
}

static int cmp_wide(const void *a, const void *b) {
  Wide x = *(const Wide *)a, y = *(const Wide *)b;
  return x < y ? -1 : x > y;
}

// An integer column is split at every start of a pattern's values and every value just past
// one's end: between two cuts, each pattern matches all values or none. (rustc's
// IntRange splitting.) A char's surrogates, which no value has, are no constructor.
static Split int_split(Matrix *m, Type *t) {
  Wide max = int_domain_max(t);
  Wide *cuts = arena_alloc(sizeof(Wide) * (2 * (size_t)m->len + 3));
  int n = 0;
  cuts[n++] = 0;
  if (ty_resolve(t)->kind == TY_CHAR) cuts[n++] = 0xD800, cuts[n++] = 0xE000;
  for (int r = 0; r < m->len; r++) {
    Wide lo, hi;
    if (!cell_interval(m->data[r].cells[0], t, &lo, &hi) || lo > hi) continue;
    cuts[n++] = lo;
    if (hi < max) cuts[n++] = hi + 1;
  }
  qsort(cuts, (size_t)n, sizeof(Wide), cmp_wide);
  Split sp = {0, 0, arena_alloc(sizeof(Wide) * (size_t)(n + 1)), arena_alloc(sizeof(Wide) * (size_t)(n + 1)), 0};
  for (int i = 0; i < n; i++) {
    if (i > 0 && cuts[i] == cuts[i - 1]) continue;
    int j = i + 1;
    while (j < n && cuts[j] == cuts[i]) j++;
    Wide hi = j < n ? cuts[j] - 1 : max;
    if (ty_resolve(t)->kind == TY_CHAR && cuts[i] == 0xD800) continue;  // the surrogates
    sp.lo[sp.nranges] = cuts[i];
    sp.hi[sp.nranges++] = hi;
  }
  return sp;
}

// A value of t's order as rustc writes it in a witness: `i32::MIN`, `-1_i32`, `255_u8`, `'a'`.
static const char *order_text(Type *t, Wide v) {
  t = ty_resolve(t);
  if (t->kind == TY_CHAR) {
    if (v >= 0x20 && v < 0x7f && v != '\'' && v != '\\') return arena_printf("'%c'", (char)v);
    return arena_printf("'\\u{%x}'", (unsigned)v);
  }
  const char *name = ty_name(t);
  if (v == 0 && t->is_signed) return arena_printf("%s::MIN", name);
  if (v == int_domain_max(t)) return arena_printf("%s::MAX", name);
  bool neg = false;
  if (t->is_signed) {
    v ^= (Wide)1 << (t->bits - 1);  // back to the bits
    if ((v >> (t->bits - 1)) & 1) neg = true, v = (((Wide)0 - v) & int_domain_max(t));
  }
  return arena_printf("%s%s_%s", neg ? "-" : "", wide_decimal(v), name);
}

static Split slice_split(Matrix *m) {
  Split sp = {0};
  int max_fixed = -1;
  for (int r = 0; r < m->len; r++) {
    Pattern *p = m->data[r].cells[0].p;
    if (!p || m->data[r].cells[0].peel || p->kind != PAT_SLICE) continue;
    if (p->rest < 0) {
      if (p->nelems > max_fixed) max_fixed = p->nelems;
      continue;
    }
    if (p->rest > sp.prefix) sp.prefix = p->rest;
    if (p->nelems - p->rest - 1 > sp.suffix) sp.suffix = p->nelems - p->rest - 1;
  }
  if (max_fixed + 1 >= sp.prefix + sp.suffix) sp.prefix = max_fixed + 1 - sp.suffix;
  return sp;
}

// Which constructor a (stripped, non-wildcard) cell is, or -1 for a literal or range.
static int cell_ctor(Cell c, int shape) {
  if (c.peel > 0) return 0;
  Pattern *p = c.p;
  switch (p->kind) {
  case PAT_REF: return 0;
  case PAT_TUPLE: return 0;
  case PAT_SLICE: return shape == SHAPE_SLICE ? p->nelems : 0;  // a slice's fixed length, an array's one
  case PAT_PATH: case PAT_TUPLE_STRUCT: case PAT_STRUCT: return p->sdecl && p->sdecl->is_enum ? p->variant : 0;
  case PAT_LIT: return shape == 1 && p->lit->kind == EX_BOOL ? (int)p->lit->int_val : -1;
  default: return -1;
  }
}

static bool cell_interval(Cell c, Type *t, Wide *lo, Wide *hi);

// Whether a cell's pattern matches the values of constructor ctor: a slice pattern with a
// `..` matches every length from its own elements' count up; a literal or range, the values of
// an integer range inside it.
static bool cell_covers(Cell c, int shape, int ctor, Type *t, Split sp) {
  if (shape == SHAPE_SLICE && c.peel == 0 && c.p->kind == PAT_SLICE && c.p->rest >= 0) return ctor >= c.p->nelems - 1;
  Wide lo, hi;
  if (shape == SHAPE_INT) return cell_interval(c, t, &lo, &hi) && lo <= sp.lo[ctor] && sp.hi[ctor] <= hi;
  return cell_ctor(c, shape) == ctor;
}

// The subcells of a cell of constructor ctor with n fields (unmentioned fields are wildcards).
static void sub_cells(Cell c, int n, Cell *out) {
  for (int i = 0; i < n; i++) out[i] = (Cell){NULL, 0};
  if (c.peel > 0) {  // an implicit `&`
    out[0] = (Cell){c.p, c.peel - 1};
    return;
  }
  Pattern *p = c.p;
  if (p->kind == PAT_REF) {
    out[0] = cell_of(p->sub);
    return;
  }
  if (p->kind == PAT_SLICE) {  // the elements before a `..` from the start, those after from the end
    for (int i = 0; i < p->nelems; i++)
      if (p->rest < 0 || i < p->rest) out[i] = cell_of(p->elems[i]);
      else if (i > p->rest) out[n - (p->nelems - i)] = cell_of(p->elems[i]);
    return;
  }
  for (int i = 0; i < p->nelems; i++) {
    int f = p->field_map ? p->field_map[i] : i;
    if (f >= 0 && f < n) out[f] = cell_of(p->elems[i]);
  }
}

// Or-patterns in the first column become one row per alternative.
static void expand_or(Matrix *m, Row r) {
  if (r.n == 0) {
    add_row(m, r);
    return;
  }
  Cell c = strip(r.cells[0]);
  if (c.p && c.peel == 0 && c.p->kind == PAT_OR) {
    for (int a = 0; a < c.p->nelems; a++) {
      Row nr = {arena_alloc(sizeof(Cell) * r.n), r.n};
      copy_bytes(nr.cells, r.cells, sizeof(Cell) * r.n);
      nr.cells[0] = cell_of(c.p->elems[a]);
      expand_or(m, nr);
    }
    return;
  }
  r.cells[0] = c;
  add_row(m, r);
}

// `[a, b]`, or for the longer slices' constructor `[a, .., z]` (prefix fields, then the rest).
static const char *slice_text(const char **fields, int n, bool varlen, int prefix) {
  const char *s = "";
  for (int i = 0; i < n; i++) {
    if (varlen && i == prefix) s = arena_printf("%s%s..", s, i ? ", " : "");
    s = arena_printf("%s%s%s", s, i || (varlen && prefix == 0) ? ", " : "", fields[i]);
  }
  if (varlen && prefix == n) s = arena_printf("%s%s..", s, n ? ", " : "");
  return arena_printf("[%s]", s);
}

static const char *ctor_text(Type *t, int ctor, const char **fields, int n, Split sp) {
  t = ty_resolve(t);
  if (t->kind == TY_INT || t->kind == TY_CHAR) {
    if (sp.lo[ctor] == sp.hi[ctor]) return order_text(t, sp.lo[ctor]);
    return arena_printf("%s..=%s", order_text(t, sp.lo[ctor]), order_text(t, sp.hi[ctor]));
  }
  if (t->kind == TY_BOOL) return ctor ? "true" : "false";
  if (t->kind == TY_ARRAY) return slice_text(fields, n, false, 0);
  if (t->kind == TY_SLICE) return slice_text(fields, n, ctor == sp.prefix + sp.suffix, sp.prefix);
  if (t->kind == TY_REF) return arena_printf("&%s%s", t->mut ? "mut " : "", fields[0]);
  const char *s = "";
  bool all_wild = true;
  for (int i = 0; i < n; i++) all_wild &= !strcmp(fields[i], "_");
  if (t->kind == TY_TUPLE || t->kind == TY_UNIT) {
    for (int i = 0; i < n; i++) s = arena_printf("%s%s%s", s, i ? ", " : "", fields[i]);
    return arena_printf("(%s%s)", s, n == 1 ? "," : "");
  }
  StructDecl *sd = t->sdecl;
  const char *name = sd->name;
  StructKind kind = sd->kind;
  FieldDecl *fd = sd->fields;
  if (sd->is_enum) {
    EnumVariant *v = &sd->variants[ctor];
    // The prelude's variants (`Some`, `None`) are in scope unqualified, and rustc prints them so.
    name = sd->span.file == 0 ? v->name : arena_printf("%s::%s", sd->name, v->name);
    kind = v->kind;
    fd = v->fields;
  }
  if (kind == STRUCT_UNIT) return name;
  if (kind == STRUCT_TUPLE) {
    for (int i = 0; i < n; i++) s = arena_printf("%s%s%s", s, i ? ", " : "", fields[i]);
    return arena_printf("%s(%s)", name, s);
  }
  if (all_wild) return arena_printf("%s { .. }", name);
  for (int i = 0; i < n; i++)
    if (strcmp(fields[i], "_")) s = arena_printf("%s%s: %s, ", s, fd[i].name, fields[i]);
  return arena_printf("%s { %s.. }", name, s);
}

static Witnesses missing(Matrix *m, Type **types, int ncols);

// Witnesses through constructor ctor of column 0: specialize, recurse, rebuild.
static void missing_via_ctor(Matrix *m, Type **types, int ncols, int shape, int ctor, Split split, Witnesses *out) {
  int arity;
  Type **ft = ctor_field_types(types[0], ctor, &arity);
  int nn = arity + ncols - 1;
  Type **nt = arena_alloc(sizeof(Type *) * (nn + 1));
  copy_bytes(nt, ft, sizeof(Type *) * arity);
  copy_bytes(nt + arity, types + 1, sizeof(Type *) * (ncols - 1));
  Matrix sm = {0};
  for (int r = 0; r < m->len; r++) {
    Cell c = m->data[r].cells[0];
    if (c.p && !cell_covers(c, shape, ctor, types[0], split)) continue;
    Row nr = {arena_alloc(sizeof(Cell) * (nn + 1)), nn};
    if (c.p) sub_cells(c, arity, nr.cells);
    else for (int i = 0; i < arity; i++) nr.cells[i] = (Cell){NULL, 0};
    copy_bytes(nr.cells + arity, m->data[r].cells + 1, sizeof(Cell) * (ncols - 1));
    expand_or(&sm, nr);
  }
  Witnesses w = missing(&sm, nt, nn);
  for (int i = 0; i < w.len; i++) {
    Witness x = {arena_alloc(sizeof(char *) * (ncols + 1)), ncols};
    x.cols[0] = ctor_text(types[0], ctor, w.data[i].cols, arity, split);
    copy_bytes(x.cols + 1, w.data[i].cols + arity, sizeof(char *) * (ncols - 1));
    add_witness(out, x);
  }
}

static Witnesses missing(Matrix *m, Type **types, int ncols) {
  Witnesses out = {0};
  if (ncols == 0) {
    if (m->len == 0) add_witness(&out, (Witness){NULL, 0});
    return out;
  }
  int nctors;
  int shape = type_shape(types[0], &nctors);
  Split split = {0};
  if (shape == SHAPE_SLICE) {
    split = slice_split(m);
    nctors = split.prefix + split.suffix + 1;
  } else if (shape == SHAPE_INT) {
    split = int_split(m, types[0]);
    nctors = split.nranges;
  }
  bool *present = arena_alloc(nctors + 1);
  int npresent = 0;
  for (int r = 0; r < m->len; r++) {
    Cell c = m->data[r].cells[0];
    if (!c.p) continue;
    for (int k = 0; k < nctors; k++)
      if (!present[k] && cell_covers(c, shape, k, types[0], split)) {
        present[k] = true;
        npresent++;
      }
  }
  if (shape != 0 && npresent == nctors) {
    for (int k = 0; k < nctors && out.len < MAX_WITNESSES; k++) missing_via_ctor(m, types, ncols, shape, k, split, &out);
    return out;
  }
  // Some constructors never appear: whatever the default matrix misses, they miss too.
  Matrix dm = {0};
  for (int r = 0; r < m->len; r++) {
    if (m->data[r].cells[0].p) continue;
    Row nr = {m->data[r].cells + 1, ncols - 1};
    expand_or(&dm, nr);
  }
  Witnesses w = missing(&dm, types + 1, ncols - 1);
  for (int i = 0; i < w.len; i++) {
    for (int k = 0; k < (shape && npresent ? nctors : 1); k++) {
      if (shape && npresent && present[k]) continue;
      Witness x = {arena_alloc(sizeof(char *) * (ncols + 1)), ncols};
      if (shape && npresent) {
        int arity;
        ctor_field_types(types[0], k, &arity);
        const char **wild = arena_alloc(sizeof(char *) * (arity + 1));
        for (int f = 0; f < arity; f++) wild[f] = "_";
        x.cols[0] = ctor_text(types[0], k, wild, arity, split);
      } else {
        x.cols[0] = "_";
      }
      copy_bytes(x.cols + 1, w.data[i].cols, sizeof(char *) * (ncols - 1));
      add_witness(&out, x);
    }
  }
  return out;
}

int match_witnesses(Pattern **rows, int nrows, Type *t, const char **out, int max) {
  Matrix m = {0};
  for (int r = 0; r < nrows; r++) {
    Row row = {arena_alloc(sizeof(Cell)), 1};
    row.cells[0] = cell_of(rows[r]);
    expand_or(&m, row);
  }
  Type *types[1] = {t};
  Witnesses w = missing(&m, types, 1);
  for (int i = 0; i < w.len && i < max; i++) out[i] = w.data[i].cols[0];
  return w.len;
}

// "`A`", "`A` and `B`", "`A`, `B` and `C`", "`A`, `B`, `C` and 2 more".
const char *witness_list(const char **ws, int n) {
  const char *s = "";
  int shown = n > 4 ? 3 : n;
  for (int i = 0; i < shown; i++)
    s = arena_printf("%s%s`%s`", s, i == 0 ? "" : (i == shown - 1 && n <= 4) ? " and " : ", ", ws[i]);
  if (n > 4) s = arena_printf("%s and %d more", s, n - 3);
  return s;
}
