// promote.c — rvalue static promotion: `&5`, `&LIMIT`, `&[1, 2, 3]`, `&Point { x: 1, y: 2 }`
// borrow a private constant global that lives for the whole program, as rustc promotes them,
// instead of a temporary. lower/ decided which borrows are promoted (literals, paths to consts
// and unit variants, arithmetic, bitwise operators and comparisons of those that cannot panic,
// and tuples, arrays, structs and variants built of them, of a type without drop glue); this
// evaluates the value at compile time. The value is laid out byte by byte: a list of scalar
// constants at their offsets, put together into a packed struct global.
#include "codegen/codegen_internal.h"

#include <string.h>

typedef struct {
  uint64_t off;
  LLVMValueRef v;
} ConstPiece;

typedef VEC(ConstPiece) ConstPieces;

static void const_piece(ConstPieces *ps, uint64_t off, LLVMValueRef v) { vec_push(ps, (ConstPiece){off, v}); }

#define CONST_DEPTH 64

static Expr *const_item_value(Expr *e) { return e->fn && !e->fn->is_static_mut && e->fn->body ? e->fn->body->tail : NULL; }

// An integer constant of type t as a 128-bit value (sign- or zero-extended).
static __int128 const_int_of(Type *t, LLVMValueRef v) {
  return t->is_signed ? (__int128)LLVMConstIntGetSExtValue(v) : (__int128)LLVMConstIntGetZExtValue(v);
}

static bool int_fits(Type *t, __int128 v) {
  if (t->is_signed) return v >= -((__int128)1 << (t->bits - 1)) && v < ((__int128)1 << (t->bits - 1));
  return v >= 0 && v < ((__int128)1 << t->bits);
}

// The value of a promotable scalar expression (integer, float, bool, char) as an LLVM constant
// of its register type, or NULL when it is not promotable (including when it would panic).
// A literal, or a primitive's associated constant, of type t.
static LLVMValueRef const_leaf(LLVMTypeRef lt, Type *t, Expr *e) {
  if (t->kind == TY_FLOAT) return LLVMConstReal(lt, e->float_val);
  return cg_const_int(lt, e->int_val, t->kind == TY_INT && t->bits > 64 ? e->int_hi : 0);
}

// A comparison operator, given how the operands compare (a NaN compares neither way): true
// with its result in *holds, or false for another operator.
static bool compare_op(TokenKind op, bool lt, bool eq, bool gt, bool *holds) {
  switch (op) {
  case TK_EQEQ: *holds = eq; return true;
  case TK_NE: *holds = !eq; return true;
  case TK_LT: *holds = lt; return true;
  case TK_LE: *holds = lt || eq; return true;
  case TK_GT: *holds = gt; return true;
  case TK_GE: *holds = gt || eq; return true;
  default: return false;
  }
}

static LLVMValueRef const_scalar(CG *c, Expr *e, int depth) {
  if (depth > CONST_DEPTH || e->coerce) return NULL;
  Type *t = ty_resolve(cg_final_ty(c, e));
  if (t->kind != TY_INT && t->kind != TY_FLOAT && t->kind != TY_BOOL && t->kind != TY_CHAR) return NULL;
  LLVMTypeRef lt = cg_lltype(c, t);
  // The arithmetic below is done in 128 bits, where i128 and u128 would overflow: their
  // operations are not promoted (their literals and `u128::MAX` are).
  bool wide = t->kind == TY_INT && t->bits > 64;
  if (wide && e->kind != EX_INT && !(e->kind == EX_PATH && e->res == RES_CONST)) return NULL;
  switch (e->kind) {
  case EX_INT: case EX_FLOAT: case EX_BOOL: case EX_CHAR: return const_leaf(lt, t, e);
  case EX_PATH:
    if (e->res == RES_CONST) return const_leaf(lt, t, e);  // i32::MAX, f64::EPSILON
    if (e->res == RES_CONST_ITEM && const_item_value(e)) return const_scalar(c, const_item_value(e), depth + 1);
    return NULL;
  case EX_UNARY: {
    if (e->op != TK_MINUS && e->op != TK_BANG) return NULL;
    LLVMValueRef a = const_scalar(c, e->sub, depth + 1);
    if (!a) return NULL;
    if (t->kind == TY_FLOAT) return e->op == TK_MINUS ? LLVMConstReal(lt, -LLVMConstRealGetDouble(a, &(LLVMBool){0})) : NULL;
    if (t->kind == TY_BOOL) return e->op == TK_BANG ? LLVMConstInt(lt, !LLVMConstIntGetZExtValue(a), false) : NULL;
    if (t->kind != TY_INT) return NULL;
    __int128 v = const_int_of(t, a);
    if (e->op == TK_BANG) return LLVMConstInt(lt, (unsigned long long)~v, false);
    if (e->sub->kind != EX_INT && !int_fits(t, -v)) return NULL;  // -i32::MIN overflows
    return LLVMConstInt(lt, (unsigned long long)-v, false);
  }
  case EX_BINARY: {
    Type *ot = ty_resolve(cg_final_ty(c, e->lhs));
    LLVMValueRef a = const_scalar(c, e->lhs, depth + 1), b = a ? const_scalar(c, e->rhs, depth + 1) : NULL;
    if (!b) return NULL;
    TokenKind op = e->op;
    if (ot->kind == TY_FLOAT) {
      LLVMBool lossy;
      double x = LLVMConstRealGetDouble(a, &lossy), y = LLVMConstRealGetDouble(b, &lossy), r;
      bool holds;
      if (compare_op(op, x < y, x == y, x > y, &holds)) return LLVMConstInt(c->t_i1, holds, false);
      switch (op) {
      case TK_PLUS: r = x + y; break;
      case TK_MINUS: r = x - y; break;
      case TK_STAR: r = x * y; break;
      case TK_SLASH: r = x / y; break;
      default: return NULL;
      }
      if (ot->bits == 32) r = (float)r;
      return LLVMConstReal(lt, r);
    }
    if (ot->kind != TY_INT && ot->kind != TY_BOOL && ot->kind != TY_CHAR) return NULL;
    bool sgn = ot->kind == TY_INT && ot->is_signed;
    __int128 x = sgn ? (__int128)LLVMConstIntGetSExtValue(a) : (__int128)LLVMConstIntGetZExtValue(a);
    __int128 y = sgn ? (__int128)LLVMConstIntGetSExtValue(b) : (__int128)LLVMConstIntGetZExtValue(b);
    bool holds;
    if (compare_op(op, x < y, x == y, x > y, &holds)) return LLVMConstInt(c->t_i1, holds, false);
    switch (op) {
    case TK_AMP: return LLVMConstInt(lt, (unsigned long long)(x & y), false);
    case TK_PIPE: return LLVMConstInt(lt, (unsigned long long)(x | y), false);
    case TK_CARET: return LLVMConstInt(lt, (unsigned long long)(x ^ y), false);
    default: break;
    }
    if (ot->kind != TY_INT) return NULL;
    __int128 r;
    switch (op) {
    case TK_PLUS: r = x + y; break;
    case TK_MINUS: r = x - y; break;
    case TK_STAR: r = x * y; break;
    case TK_SLASH: if (y == 0) return NULL; r = x / y; break;
    case TK_PERCENT: if (y == 0 || !int_fits(ot, x / y)) return NULL; r = x % y; break;
    case TK_SHL: case TK_SHR: {
      Type *rt = ty_resolve(cg_final_ty(c, e->rhs));
      __int128 n = rt->kind == TY_INT && rt->is_signed ? (__int128)LLVMConstIntGetSExtValue(b) : (__int128)LLVMConstIntGetZExtValue(b);
      if (n < 0 || n >= ot->bits) return NULL;  // would panic: shift with overflow
      if (op == TK_SHR) return LLVMConstInt(lt, (unsigned long long)(x >> n), false);
      return LLVMConstInt(lt, (unsigned long long)((unsigned __int128)x << n), false);  // shl wraps
    }
    default: return NULL;
    }
    if (!int_fits(ot, r)) return NULL;  // would panic at -O0: not promoted
    return LLVMConstInt(lt, (unsigned long long)r, false);
  }
  default: return NULL;
  }
}

// Lays out the value of a promotable expression at byte offset off; false when it is not
// promotable.
static bool const_borrow(CG *c, Expr *e, Type *t, uint64_t off, ConstPieces *ps);

static bool const_write(CG *c, Expr *e, uint64_t off, ConstPieces *ps, int depth) {
  if (depth > CONST_DEPTH) return false;
  Type *t = ty_resolve(cg_final_ty(c, e));
  if (t->kind == TY_REF && e->kind == EX_UNARY && e->op == TK_AMP && !e->mut && (!e->coerce || e->coerce == COERCE_UNSIZE))
    return const_borrow(c, e, t, off, ps);
  if (e->coerce) return false;
  if (ty_needs_drop(t)) return false;
  switch (t->kind) {
  case TY_INT: case TY_FLOAT: case TY_CHAR: case TY_BOOL: {
    LLVMValueRef v = const_scalar(c, e, depth);
    if (!v) return false;
    if (t->kind == TY_BOOL) v = LLVMConstInt(LLVMInt8TypeInContext(c->ctx), LLVMConstIntGetZExtValue(v), false);
    const_piece(ps, off, v);
    return true;
  }
  case TY_UNIT: return e->kind == EX_TUPLE && e->nargs == 0;
  case TY_REF:
    if (e->kind != EX_STR) return false;
    const_piece(ps, off, cg_const_str(c, e->str, e->str_len));
    return true;
  default: break;
  }
  if (t->kind != TY_TUPLE && t->kind != TY_ARRAY && t->kind != TY_STRUCT) return false;
  LLVMTypeRef lt = cg_lltype(c, t);
  switch (e->kind) {
  case EX_PATH:
    if (e->res == RES_CONST_ITEM) return const_item_value(e) && const_write(c, const_item_value(e), off, ps, depth + 1);
    if (e->res != RES_UNIT_STRUCT) return false;
    if (e->sdecl->is_enum) const_piece(ps, off, cg_enum_tag(c, t, e->variant));
    return true;
  case EX_TUPLE:
    if (t->kind != TY_TUPLE) return false;
    for (int i = 0; i < e->nargs; i++)
      if (!const_write(c, e->args[i], off + LLVMOffsetOfElement(c->td, lt, (unsigned)cg_field_slot(c, t, i)), ps, depth + 1)) return false;
    return true;
  case EX_ARRAY: {
    if (t->kind != TY_ARRAY) return false;
    uint64_t es = cg_size_of(c, t->inner);
    if (e->repeat) {
      if (t->len > 4096) return false;
      for (uint64_t i = 0; i < t->len; i++)
        if (!const_write(c, e->args[0], off + i * es, ps, depth + 1)) return false;
      return true;
    }
    for (int i = 0; i < e->nargs; i++)
      if (!const_write(c, e->args[i], off + (uint64_t)i * es, ps, depth + 1)) return false;
    return true;
  }
  case EX_STRUCT:
  case EX_CALL: {
    StructDecl *sd;
    int variant, *map = NULL;
    if (e->kind == EX_STRUCT) {
      if (e->base_expr) return false;
      sd = e->sdecl, variant = e->variant, map = e->field_map;
    } else {
      if (e->sub->kind != EX_PATH || e->sub->res != RES_TUPLE_CTOR) return false;
      sd = e->sub->sdecl, variant = e->sub->variant;
    }
    if (t->kind != TY_STRUCT) return false;
    if (sd->is_enum) const_piece(ps, off, cg_enum_tag(c, t, variant));
    for (int i = 0; i < e->nargs; i++) {
      int f = map ? map[i] : i;
      Type *ft = ty_resolve(cg_final_ty(c, e->args[i]));
      if (ft->kind == TY_UNIT || ft->kind == TY_NEVER) continue;
      uint64_t fo = sd->is_enum ? cg_variant_field_offset(c, t, variant, f) : LLVMOffsetOfElement(c->td, lt, (unsigned)cg_field_slot(c, t, f));
      if (!const_write(c, e->args[i], off + fo, ps, depth + 1)) return false;
    }
    return true;
  }
  default: return false;
  }
}

// A borrow inside a promoted value: a pointer to a global of its own, and, when the reference
// was unsized, the slice's length or the trait object's vtable after it.
static bool const_borrow(CG *c, Expr *e, Type *t, uint64_t off, ConstPieces *ps) {
  LLVMValueRef g = cg_promote(c, e);
  if (!g) return false;
  const_piece(ps, off, g);
  if (!e->coerce) return true;
  Type *from = ty_resolve(cg_raw_ty(c, e));
  Type *fi = ty_resolve(from->inner), *ti = ty_resolve(t->inner);
  uint64_t word = LLVMABISizeOfType(c->td, LLVMTypeOf(g));
  if (ti->kind == TY_SLICE && fi->kind == TY_ARRAY) {
    const_piece(ps, off + word, LLVMConstInt(cg_lltype(c, ty_usize), fi->len, false));
    return true;
  }
  if (ti->kind == TY_DYN && ti->principal && fi->kind != TY_DYN) {
    const_piece(ps, off + word, cg_vtable(c, fi, ti->principal));
    return true;
  }
  return false;
}

// `&expr` (or `&mut []`) as a pointer to a private global holding expr's value, or NULL when
// expr is not promotable.
LLVMValueRef cg_promote(CG *c, Expr *e) {
  Expr *sub = e->sub;
  if (e->mut && !(sub->kind == EX_ARRAY && sub->nargs == 0 && !sub->repeat)) return NULL;  // only `&mut []`
  ConstPieces ps = {0};
  if (!const_write(c, sub, 0, &ps, 0)) return NULL;
  for (int i = 1; i < ps.len; i++)  // by offset (struct fields may be reordered)
    for (int j = i; j > 0 && ps.data[j - 1].off > ps.data[j].off; j--) {
      ConstPiece tmp = ps.data[j];
      ps.data[j] = ps.data[j - 1];
      ps.data[j - 1] = tmp;
    }
  Type *t = cg_final_ty(c, sub);
  uint64_t size = cg_size_of(c, t), pos = 0;
  LLVMValueRef *elems = arena_alloc(sizeof(LLVMValueRef) * (2 * ps.len + 2));
  int n = 0;
  LLVMTypeRef i8 = LLVMInt8TypeInContext(c->ctx);
  for (int i = 0; i <= ps.len; i++) {
    uint64_t at = i < ps.len ? ps.data[i].off : size;
    if (at < pos) return NULL;  // overlapping pieces: cannot happen, but never emit wrong bytes
    if (at > pos) elems[n++] = LLVMConstNull(LLVMArrayType2(i8, at - pos));
    if (i == ps.len) break;
    elems[n++] = ps.data[i].v;
    pos = at + LLVMABISizeOfType(c->td, LLVMTypeOf(ps.data[i].v));
  }
  LLVMValueRef init = LLVMConstStructInContext(c->ctx, elems, (unsigned)n, true);
  LLVMValueRef g = LLVMAddGlobal(c->mod, LLVMTypeOf(init), "promoted");
  LLVMSetInitializer(g, init);
  LLVMSetGlobalConstant(g, !e->mut);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
  LLVMSetAlignment(g, (unsigned)cg_align_of(c, t));
  return g;
}
