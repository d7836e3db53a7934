// known_panics.c — the operations a body will certainly panic on, found at compile time.
//
// rustc denies two lints by default, `arithmetic_overflow` and `unconditional_panic`, which
// make `200u8 + 100`, `x / 0`, `1i32 << 40` and `[1, 2, 3][5]` compile errors rather than
// panics at run time (its KnownPanicsLint, run on MIR). trc must reject what rustc rejects,
// so this pass does the same on each of the user's bodies once it is lowered:
//
//   1. Values. A local is *known* when the body assigns it exactly once, as a whole, from an
//      rvalue whose operands are constants or known locals, and never takes `&mut` of it (so
//      nothing else can change it). Its value is then the same wherever it is read, even in a
//      loop. That is a smaller set than rustc's const propagation sees (rustc also follows a
//      `let mut` within one block), so trc may accept a program rustc rejects here, but it
//      never rejects one rustc accepts. Values are exact integers (__int128) of the local's type.
//   2. Checks. Each assignment computing `a + b`, `a - b`, `a * b` (checked or not: the lint
//      does not depend on -C overflow-checks), a division or remainder, a shift or a negation
//      whose known operands make it overflow or divide by zero, and each bounds check whose
//      length (an array's type says it) and index are known and out of range, is an error
//      with rustc's message and label. The lint's note is printed on its first error only.
//
// Promoted constants (`&(1 + 2)`) are not in the body; lower promotes only what kp_expr_value
// evaluates without a panic, so `&(1 / 0)` stays an ordinary temporary and is found here.
#include "lower/lower.h"

#include <string.h>

typedef struct {
  bool known;
  __int128 v;
} KVal;

static const KVal UNKNOWN = {false, 0};

// ---------------------------------------------------------------------------------------------
// Integer arithmetic of a given type

static Type *int_ty(Type *t) {
  t = ty_resolve(t);
  if (t && t->kind == TY_INT && t->bits > 64) return NULL;  // i128 and u128 are left alone
  return t && (t->kind == TY_INT || t->kind == TY_BOOL || t->kind == TY_CHAR) ? t : NULL;
}

static int width(Type *t) { return t->kind == TY_BOOL ? 1 : t->kind == TY_CHAR ? 32 : t->bits; }
static bool is_signed(Type *t) { return t->kind == TY_INT && t->is_signed; }

static __int128 min_of(Type *t) { return is_signed(t) ? -((__int128)1 << (width(t) - 1)) : 0; }
static __int128 max_of(Type *t) { return is_signed(t) ? ((__int128)1 << (width(t) - 1)) - 1 : ((__int128)1 << width(t)) - 1; }
static bool fits(Type *t, __int128 v) { return v >= min_of(t) && v <= max_of(t); }

// v reduced to t's width, as the machine's wrapping arithmetic leaves it.
static __int128 wrap(Type *t, __int128 v) {
  int w = width(t);
  unsigned __int128 m = ((unsigned __int128)1 << w) - 1, u = (unsigned __int128)v & m;
  if (is_signed(t) && (u >> (w - 1))) return (__int128)(u | ~m);
  return (__int128)u;
}

// A constant operand's bits read as a value of its type.
static __int128 from_bits(Type *t, uint64_t bits) { return wrap(t, (__int128)bits); }

typedef enum { KP_OK, KP_OVERFLOW, KP_DIV_ZERO, KP_SHIFT } KpStatus;

// a op b in type t (the operands' type); comparisons give 0 or 1.
static KpStatus binop(BinOp op, Type *t, __int128 a, __int128 b, __int128 *out) {
  switch (op) {
  case BIN_ADD: *out = a + b; return fits(t, *out) ? KP_OK : KP_OVERFLOW;
  case BIN_SUB: *out = a - b; return fits(t, *out) ? KP_OK : KP_OVERFLOW;
  case BIN_MUL:
    // Both fit in 64 bits, so the product fits in 128.
    *out = a * b;
    return fits(t, *out) ? KP_OK : KP_OVERFLOW;
  case BIN_DIV: case BIN_REM:
    if (b == 0) return KP_DIV_ZERO;
    if (is_signed(t) && a == min_of(t) && b == -1) return KP_OVERFLOW;
    *out = op == BIN_DIV ? a / b : a % b;
    return KP_OK;
  case BIN_SHL: case BIN_SHR:
    if (b < 0 || b >= width(t)) return KP_SHIFT;
    *out = op == BIN_SHR ? a >> b : wrap(t, (__int128)((unsigned __int128)a << b));
    return KP_OK;
  case BIN_BITAND: *out = a & b; return KP_OK;
  case BIN_BITOR: *out = a | b; return KP_OK;
  case BIN_BITXOR: *out = a ^ b; return KP_OK;
  case BIN_EQ: *out = a == b; return KP_OK;
  case BIN_NE: *out = a != b; return KP_OK;
  case BIN_LT: *out = a < b; return KP_OK;
  case BIN_LE: *out = a <= b; return KP_OK;
  case BIN_GT: *out = a > b; return KP_OK;
  case BIN_GE: *out = a >= b; return KP_OK;
  }
  return KP_OK;
}

// ---------------------------------------------------------------------------------------------
// Values of the locals of one body

typedef struct {
  Body *b;
  int *assigns;        // per local: how many times it is assigned as a whole
  bool *tainted;       // per local: assigned in part, by a call, or borrowed `&mut`
  Rvalue **def;        // per local: its one assignment
  signed char *state;  // per local: 0 not yet evaluated, 1 being evaluated, 2 done
  KVal *val;
} Kp;

// rustc notes where each lint comes from on its first error in the crate.
static bool noted_overflow, noted_panic;

void mir_known_panics_reset(void) { noted_overflow = noted_panic = false; }

static KVal local_value(Kp *k, int l);

static KVal operand_value(Kp *k, Operand *o) {
  Type *t = int_ty(o->ty);
  if (!t) return UNKNOWN;
  if (o->kind == OPND_CONST) return o->c.kind == CONST_INT ? (KVal){true, from_bits(t, o->c.i)} : UNKNOWN;
  if (o->place.nproj == 0) return local_value(k, o->place.local);
  // `_r.0` of a checked operation `_r = CheckedAdd(a, b)`: the wrapped result.
  Place p = o->place;
  if (p.nproj != 1 || p.proj[0].kind != PROJ_FIELD || p.proj[0].field != 0) return UNKNOWN;
  if (k->tainted[p.local] || k->assigns[p.local] != 1 || k->def[p.local]->kind != RV_CHECKED) return UNKNOWN;
  Rvalue *rv = k->def[p.local];
  KVal a = operand_value(k, &rv->a), b = operand_value(k, &rv->b);
  __int128 r;
  if (!a.known || !b.known || binop(rv->binop, t, a.v, b.v, &r) != KP_OK) return UNKNOWN;
  return (KVal){true, r};
}

static KVal rvalue_value(Kp *k, Rvalue *rv) {
  Type *t = int_ty(rv->ty);
  if (!t) return UNKNOWN;
  switch (rv->kind) {
  case RV_USE: return operand_value(k, &rv->a);
  case RV_BINARY: {
    Type *ot = int_ty(rv->a.ty);
    KVal a = operand_value(k, &rv->a), b = operand_value(k, &rv->b);
    __int128 r;
    if (!ot || !a.known || !b.known || binop(rv->binop, ot, a.v, b.v, &r) != KP_OK) return UNKNOWN;
    return (KVal){true, wrap(t, r)};
  }
  case RV_UNARY: {
    KVal a = operand_value(k, &rv->a);
    if (!a.known) return UNKNOWN;
    if (rv->unop == UN_NOT) return (KVal){true, t->kind == TY_BOOL ? !a.v : wrap(t, ~a.v)};
    return fits(t, -a.v) ? (KVal){true, -a.v} : UNKNOWN;
  }
  case RV_CAST: {
    KVal a = rv->cast == CAST_NUMERIC && int_ty(rv->a.ty) ? operand_value(k, &rv->a) : UNKNOWN;
    return a.known ? (KVal){true, wrap(t, a.v)} : UNKNOWN;
  }
  case RV_LEN: {
    Type *pt = ty_resolve(rv->place.nproj ? rv->place.proj[rv->place.nproj - 1].ty : k->b->locals.data[rv->place.local].ty);
    return pt->kind == TY_ARRAY && !pt->nargs ? (KVal){true, (__int128)pt->len} : UNKNOWN;  // (not `[T; N]`)
  }
  default: return UNKNOWN;
  }
}

static KVal local_value(Kp *k, int l) {
  if (l <= k->b->nparams || k->tainted[l] || k->assigns[l] != 1 || !k->def[l]) return UNKNOWN;
  if (k->state[l] == 2) return k->val[l];
  if (k->state[l] == 1) return UNKNOWN;  // defined through itself: not in a body that type-checks
  k->state[l] = 1;
  k->val[l] = rvalue_value(k, k->def[l]);
  k->state[l] = 2;
  return k->val[l];
}

static void count_assignments(Kp *k) {
  Body *b = k->b;
  for (int i = 0; i < b->blocks.len; i++) {
    BasicBlock *bb = &b->blocks.data[i];
    for (int j = 0; j < bb->stmts.len; j++) {
      MirStmt *s = &bb->stmts.data[j];
      if (s->kind != STMT_ASSIGN) continue;
      if (s->place.nproj) k->tainted[s->place.local] = true;
      else k->assigns[s->place.local]++, k->def[s->place.local] = &s->rv;
      if (s->rv.kind == RV_REF && s->rv.mut) k->tainted[s->rv.place.local] = true;
    }
    if (bb->term.kind == TERM_CALL) k->tainted[bb->term.dest.local] = true;
  }
}

// ---------------------------------------------------------------------------------------------
// Reports, in rustc's words

// How rustc's messages show a value: `200_u8`, `-1_i32`, and the ends of a type's range by name.
static const char *show(Type *t, KVal v) {
  if (!v.known) return "_";
  const char *name = ty_name(t);
  if (t->kind == TY_INT && v.v == max_of(t)) return arena_printf("%s::MAX", name);
  if (is_signed(t) && v.v == min_of(t)) return arena_printf("%s::MIN", name);
  if (v.v < 0) return arena_printf("-%llu_%s", (unsigned long long)-v.v, name);
  return arena_printf("%llu_%s", (unsigned long long)v.v, name);
}

static void report(Span sp, bool overflow, const char *label) {
  Diag *d = diag_error(sp, NULL, overflow ? "this arithmetic operation will overflow" : "this operation will panic at runtime");
  diag_label(d, "%s", label);
  bool *noted = overflow ? &noted_overflow : &noted_panic;
  if (!*noted) diag_note(d, "`#[deny(%s)]` on by default", overflow ? "arithmetic_overflow" : "unconditional_panic");
  *noted = true;
  diag_emit(d);
}

static const char *op_text(BinOp op) {
  switch (op) {
  case BIN_ADD: return "+";
  case BIN_SUB: return "-";
  case BIN_MUL: return "*";
  case BIN_DIV: return "/";
  default: return "%";
  }
}

static void check_binary(Kp *k, Rvalue *rv, Span sp) {
  Type *t = int_ty(rv->a.ty);
  if (!t || t->kind != TY_INT) return;
  KVal a = operand_value(k, &rv->a), b = operand_value(k, &rv->b);
  __int128 r;
  switch (rv->binop) {
  case BIN_ADD: case BIN_SUB: case BIN_MUL:
    if (a.known && b.known && binop(rv->binop, t, a.v, b.v, &r) == KP_OVERFLOW)
      report(sp, true, arena_printf("attempt to compute `%s %s %s`, which would overflow", show(t, a), op_text(rv->binop), show(t, b)));
    return;
  case BIN_DIV: case BIN_REM:
    if (b.known && b.v == 0)
      report(sp, false, rv->binop == BIN_DIV ? arena_printf("attempt to divide `%s` by zero", show(t, a))
                                                : arena_printf("attempt to calculate the remainder of `%s` with a divisor of zero", show(t, a)));
    else if (a.known && b.known && binop(rv->binop, t, a.v, b.v, &r) == KP_OVERFLOW)
      report(sp, false, arena_printf("attempt to compute `%s %s %s`, which would overflow", show(t, a), op_text(rv->binop), show(t, b)));
    return;
  case BIN_SHL: case BIN_SHR: {
    Type *bt = int_ty(rv->b.ty);
    if (b.known && bt && (b.v < 0 || b.v >= width(t)))
      report(sp, true, arena_printf("attempt to shift %s by `%s`, which would overflow", rv->binop == BIN_SHL ? "left" : "right", show(bt, b)));
    return;
  }
  default: return;
  }
}

static void check_stmt(Kp *k, MirStmt *s) {
  if (s->kind != STMT_ASSIGN) return;
  Rvalue *rv = &s->rv;
  if (rv->kind == RV_BINARY || rv->kind == RV_CHECKED) check_binary(k, rv, s->span);
  // (A negative literal such as `-128i8` is a constant, not a negation.)
  if (rv->kind == RV_UNARY && rv->unop == UN_NEG) {
    Type *t = int_ty(rv->a.ty);
    KVal a = operand_value(k, &rv->a);
    if (t && is_signed(t) && a.known && a.v == min_of(t))
      report(s->span, true, arena_printf("attempt to negate `%s`, which would overflow", show(t, a)));
  }
}

static void check_bounds(Kp *k, Terminator *term) {
  if (term->kind != TERM_ASSERT || !term->bounds_check) return;
  KVal len = operand_value(k, term->len), idx = operand_value(k, term->index);
  if (len.known && idx.known && idx.v >= len.v)
    report(term->span, false, arena_printf("index out of bounds: the length is %llu but the index is %llu",
                                              (unsigned long long)len.v, (unsigned long long)idx.v));
}

void mir_check_known_panics(Body *b) {
  int n = b->locals.len;
  if (!b->blocks.len) return;
  Kp k = {.b = b};
  k.assigns = arena_alloc(sizeof(int) * n);
  k.tainted = arena_alloc(sizeof(bool) * n);
  k.def = arena_alloc(sizeof(Rvalue *) * n);
  k.state = arena_alloc(n);
  k.val = arena_alloc(sizeof(KVal) * n);
  memset(k.assigns, 0, sizeof(int) * n);
  memset(k.tainted, 0, sizeof(bool) * n);
  memset(k.def, 0, sizeof(Rvalue *) * n);
  memset(k.state, 0, n);
  count_assignments(&k);
  for (int i = 0; i < b->blocks.len; i++) {
    BasicBlock *bb = &b->blocks.data[i];
    if (bb->is_cleanup) continue;
    for (int j = 0; j < bb->stmts.len; j++) check_stmt(&k, &bb->stmts.data[j]);
    check_bounds(&k, &bb->term);
  }
}

// ---------------------------------------------------------------------------------------------
// Promotion

// The value of a checked integer, bool or char expression built of literals, consts and
// operators, exactly; false when it is anything else or when computing it would panic (then
// it is not promoted: see above).
bool kp_expr_value(Expr *e, int depth, __int128 *out) {
  Type *t = int_ty(e->ty);
  if (!t || depth > 64 || e->coerce) return false;
  switch (e->kind) {
  case EX_INT: case EX_CHAR: case EX_BOOL: *out = from_bits(t, e->int_val); return true;
  case EX_PATH:
    if (e->res == RES_CONST) return *out = from_bits(t, e->int_val), true;  // i32::MAX
    if (e->res == RES_CONST_ITEM && e->fn && !e->fn->is_static_mut && e->fn->body && e->fn->body->tail) return kp_expr_value(e->fn->body->tail, depth + 1, out);
    return false;
  case EX_UNARY: {
    __int128 a;
    if (!kp_expr_value(e->sub, depth + 1, &a)) return false;
    if (e->op == TK_BANG) return *out = t->kind == TY_BOOL ? !a : wrap(t, ~a), true;
    if (e->op != TK_MINUS) return false;
    // `-128i8` is a literal; a negation of anything else overflows at MIN.
    if (e->sub->kind != EX_INT && !fits(t, -a)) return false;
    return *out = wrap(t, -a), true;
  }
  case EX_BINARY: {
    if (e->op == TK_AMPAMP || e->op == TK_PIPEPIPE) return false;  // control flow, not an operator
    BinOp op = mir_binop(e->op);
    Type *ot = int_ty(e->lhs->ty);
    __int128 a, b;
    if (!ot || !kp_expr_value(e->lhs, depth + 1, &a) || !kp_expr_value(e->rhs, depth + 1, &b)) return false;
    return binop(op, ot, a, b, out) == KP_OK;
  }
  default: return false;
  }
}
