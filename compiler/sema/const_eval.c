// const_eval.c — the value of a `const` item, where the checker needs it before run time.
//
// A const used as a pattern (`match n { LIMIT => .. }`) is compared with the scrutinee like a
// literal, so its value must be known when the pattern is checked: before the const's own body
// is. The evaluator works on the expression as written, for what such consts are in practice:
// integer, char and bool literals, other consts, unary and binary integer operators and casts
// between integer types. Anything else is "not evaluable" and the pattern is rejected.
#include "sema/sema_internal.h"

#include <string.h>

// Wraps v to the width and signedness of t (an integer type), as a cast would.
static int64_t wrap_to(Type *t, int64_t v) {
  t = ty_resolve(t);
  if (t->kind != TY_INT || t->bits >= 64) return v;
  uint64_t m = (1ull << t->bits) - 1, u = (uint64_t)v & m;
  if (t->is_signed && (u >> (t->bits - 1))) u |= ~m;
  return (int64_t)u;
}

// A primitive type written as its name (`usize`), or NULL.
static Type *written_prim(TypeExpr *te) {
  return te && te->kind == TE_PATH && te->path.nsegs == 1 ? prim_by_suffix(te->path.segs[0].name) : NULL;
}

static bool eval(Expr *e, int depth, int64_t *out);

// `Be::W`: an associated const of an impl of the type named `type`, an inherent one first, then
// a trait's (`Text::HEADER` of `impl Packet for Text`; `trait_name` narrows it for
// `<Text as Packet>::HEADER`). (Two traits giving the name is E0034, reported by the checker.)
static bool assoc_const_value(const char *type, const char *trait_name, const char *name, int64_t *out) {
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < K->impls.len; i++) {
      ImplDecl *im = VEC_AT(K->impls, i);
      TypeExpr *st = im->self_te;
      if (!im->trait_path != (pass == 0) || st->kind != TE_PATH || st->path.segs[st->path.nsegs - 1].name != type) continue;
      if (trait_name && (!im->trait_path || im->trait_path->segs[im->trait_path->nsegs - 1].name != trait_name)) continue;
      for (int m = 0; m < im->nmethods; m++)
        if (im->methods[m]->is_const && im->methods[m]->name == name) return const_fn_value(im->methods[m], out);
    }
  return false;
}

static bool eval_binary(Expr *e, int depth, int64_t *out) {
  int64_t a, b;
  if (!eval(e->lhs, depth, &a) || !eval(e->rhs, depth, &b)) return false;
  uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
  switch (e->op) {
  case TK_PLUS: *out = (int64_t)(ua + ub); return true;
  case TK_MINUS: *out = (int64_t)(ua - ub); return true;
  case TK_STAR: *out = (int64_t)(ua * ub); return true;
  case TK_SLASH: if (!b) return false; *out = a / b; return true;
  case TK_PERCENT: if (!b) return false; *out = a % b; return true;
  case TK_SHL: if (b < 0 || b >= 64) return false; *out = (int64_t)(ua << b); return true;
  case TK_SHR: if (b < 0 || b >= 64) return false; *out = a >> b; return true;
  case TK_AMP: *out = a & b; return true;
  case TK_PIPE: *out = a | b; return true;
  case TK_CARET: *out = a ^ b; return true;
  default: return false;
  }
}

static bool eval(Expr *e, int depth, int64_t *out) {
  if (depth > 64) return false;  // consts defined in a cycle are E0391, reported elsewhere
  switch (e->kind) {
  case EX_INT: case EX_CHAR: case EX_BOOL: *out = (int64_t)e->int_val; return true;
  case EX_UNARY:
    if (!eval(e->sub, depth, out)) return false;
    if (e->op == TK_MINUS) *out = (int64_t)(0 - (uint64_t)*out);
    else if (e->op == TK_BANG) *out = ~*out;
    else return false;
    return true;
  case EX_BINARY: return eval_binary(e, depth, out);
  case EX_BLOCK:  // `{ 4 * 2 }`, a const argument
    return e->block && !e->block->nstmts && e->block->tail && eval(e->block->tail, depth, out);
  case EX_CAST: {
    if (!eval(e->sub, depth, out)) return false;
    Type *to = written_prim(e->type_expr);
    if (!to || ty_resolve(to)->kind != TY_INT) return false;
    *out = wrap_to(to, *out);
    return true;
  }
  case EX_PATH: {
    Path *p = &e->path;
    if (p->qself) {  // `<Text as Packet>::HEADER`
      TypeExpr *q = p->qself;
      if (q->kind != TE_PATH || !q->path.nsegs || p->nsegs != p->qtrait + 1) return false;
      const char *trait_name = p->qtrait ? p->segs[p->qtrait - 1].name : NULL;
      return assoc_const_value(q->path.segs[q->path.nsegs - 1].name, trait_name, p->segs[p->nsegs - 1].name, out);
    }
    if (e->path.nsegs == 2) return assoc_const_value(e->path.segs[0].name, NULL, e->path.segs[1].name, out);
    if (e->path.nsegs != 1) return false;
    ConstDecl *c = lookup_const(e->path.segs[0].name);
    return c && const_value(c, depth + 1, out);
  }
  default: return false;
  }
}

// An array length or repeat count as written: a literal, a const (`[u8; SIZE]`), or integer
// arithmetic of those (`[0; W * H]`); false for anything else.
bool const_expr_value(Expr *e, int64_t *out) { return eval(e, 0, out); }

// An associated const's value (`Grade::PASS`), from its body's expression.
bool const_fn_value(FnDecl *fn, int64_t *out) {
  // (Before impls are resolved, as for a struct field's `[u8; Be::W]`: its type as written.)
  Type *t = fn->ret_type ? ty_resolve(fn->ret_type)
          : written_prim(fn->ret);
  if (!t || (t->kind != TY_INT && t->kind != TY_CHAR && t->kind != TY_BOOL) || !fn->body || !fn->body->tail) return false;
  if (!eval(fn->body->tail, 0, out)) return false;
  *out = wrap_to(t, *out);
  return true;
}

bool const_value(ConstDecl *c, int depth, int64_t *out) {
  // (An array length in a struct's field is resolved before the consts' types are: a const of
  // a primitive type written as such is its value's type.)
  Type *t = c->fn && c->fn->ret_type ? ty_resolve(c->fn->ret_type)
            : written_prim(c->ty);
  if (!t || (t->kind != TY_INT && t->kind != TY_CHAR && t->kind != TY_BOOL)) return false;
  if (!eval(c->value, depth, out)) return false;
  *out = wrap_to(t, *out);
  return true;
}
