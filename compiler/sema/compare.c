// compare.c — which impl `a == b` and `a < b` use when a and b are of different types.
//
// PartialEq and PartialOrd take the right operand's type as their `Rhs` parameter (`impl
// PartialEq<f64> for Money`), so `a == b` is `<A as PartialEq<B>>::eq(&a, &b)` as rustc desugars
// it. The checker (check_expr.c's check_compared) asks here whether A compares with B: through
// references pairwise, by a parameter's bounds, between Vecs, slices and arrays as std's impls
// say, or by an impl for the pair, whose selection may decide a literal's type; and, when none
// does, whether rustc would have expected B to be the one impl's Rhs (E0308) or finds several
// impls to pick from (E0277 "can't compare"). Like traits.c, it reads only the Crate (K) and the
// generic environment of the body being checked (cur_env).
#include "sema/sema_internal.h"

// Whether a and b, either of which may hold inference variables, could become one type (unify's
// question, answered without binding anything).
bool ty_may_unify(Type *a, Type *b) {
  a = ty_resolve(a);
  b = ty_resolve(b);
  if (a == b) return true;
  if (a->kind == TY_VAR && b->kind == TY_VAR) return !a->var_kind || !b->var_kind || a->var_kind == b->var_kind;
  if (a->kind == TY_VAR) return may_match(b, a) && (!a->var_kind || b->kind != TY_PARAM);
  if (b->kind == TY_VAR) return ty_may_unify(b, a);
  if (a->kind == TY_ASSOC || b->kind == TY_ASSOC || a->kind == TY_OPAQUE || b->kind == TY_OPAQUE) return true;
  if (a->kind == TY_ARRAY && b->kind == TY_ARRAY && (a->nargs || b->nargs))
    return ty_may_unify(a->inner, b->inner) && ty_may_unify(ty_array_len(a), ty_array_len(b));
  if (a->kind != b->kind || a->mut != b->mut || a->nargs != b->nargs || a->sdecl != b->sdecl || a->bits != b->bits ||
      a->is_signed != b->is_signed || a->is_size != b->is_size || a->len != b->len || a->closure != b->closure)
    return false;
  if (a->kind == TY_PARAM || a->kind == TY_DYN) return a == b;
  if (a->inner && !ty_may_unify(a->inner, b->inner)) return false;
  for (int i = 0; i < a->nargs; i++)
    if (!ty_may_unify(a->args[i], b->args[i])) return false;
  return !a->ret || ty_may_unify(a->ret, b->ret);
}

// A bound of parameter p that gives `p: PartialEq<b>` (or PartialOrd): the trait itself or
// PartialOrd, whose supertrait is PartialEq with the same Rhs, with b as its argument.
static bool param_compares_with(TraitDecl *trait, Type *p, Type *b) {
  for (int i = 0; cur_env && p->index < cur_env->n && i < cur_env->nbounds[p->index]; i++) {
    TraitRef *r = cur_env->bounds[p->index][i];
    if ((r->trait == trait || (r->trait == K->partial_ord_trait && trait == K->partial_eq_trait)) && r->nargs == 1 &&
        ty_may_unify(r->args[0], b))
      return unify(r->args[0], b);
  }
  return false;
}

// `Money: PartialEq<{float}>`: the one impl for a whose argument b could be, its types unified in
// (a literal on the left looks among its fallback type's impls: `1.0 == money`); false when none
// or several could.
static bool select_compared(TraitDecl *trait, Type *a, Type *b) {
  Type *self = ty_resolve(a);
  // The builtin PartialEq of a type with itself is a candidate too.
  if (trait == K->partial_eq_trait && self->kind != TY_VAR && builtin_impl(K, self, trait) && ty_may_unify(self, b)) return false;
  if (self->kind == TY_VAR && self->var_kind) self = self->var_kind == 1 ? ty_i32 : ty_f64;
  Type *args[1] = {b};
  return self->kind != TY_VAR && select_by_args(trait, self, args, 1) && unify(a, self);
}

// std's PartialEq between Vecs, slices and arrays (`v == [1, 2]`, `words == ["a", "b"]`), which
// trc gives itself (codegen's eq_value): the sides' shapes (a reference only to a slice or an
// array), the pairs std has impls for, and the elements compared as `T: PartialEq<U>`.
enum { SEQ_NONE, SEQ_VEC, SEQ_SLICE, SEQ_ARRAY, SEQ_REF_SLICE, SEQ_REF_ARRAY };
#define SEQ(s) (1u << (s))
static const unsigned seq_rhs[] = {
    [SEQ_VEC] = SEQ(SEQ_VEC) | SEQ(SEQ_SLICE) | SEQ(SEQ_ARRAY) | SEQ(SEQ_REF_SLICE) | SEQ(SEQ_REF_ARRAY),
    [SEQ_SLICE] = SEQ(SEQ_VEC) | SEQ(SEQ_SLICE) | SEQ(SEQ_ARRAY),
    [SEQ_ARRAY] = SEQ(SEQ_ARRAY) | SEQ(SEQ_SLICE) | SEQ(SEQ_REF_SLICE),
    [SEQ_REF_SLICE] = SEQ(SEQ_VEC) | SEQ(SEQ_ARRAY),
    [SEQ_REF_ARRAY] = 0,
};

static int seq_shape(Type *t) {
  t = ty_resolve(t);
  Type *in = t->kind == TY_REF ? ty_resolve(t->inner) : NULL;
  if (in) return in->kind == TY_SLICE ? SEQ_REF_SLICE : in->kind == TY_ARRAY ? SEQ_REF_ARRAY : SEQ_NONE;
  return t->kind == TY_VEC ? SEQ_VEC : t->kind == TY_SLICE ? SEQ_SLICE : t->kind == TY_ARRAY ? SEQ_ARRAY : SEQ_NONE;
}

static bool seq_compares(Type *a, Type *b) {
  int sa = seq_shape(a), sb = seq_shape(b);
  if (!sa || !sb || !(seq_rhs[sa] & SEQ(sb))) return false;
  a = ty_resolve(a);
  b = ty_resolve(b);
  if (a->kind == TY_REF) a = ty_resolve(a->inner);
  if (b->kind == TY_REF) b = ty_resolve(b->inner);
  if (a->kind == TY_ARRAY && b->kind == TY_ARRAY && a->len != b->len) return false;
  Type *ea = a->inner, *eb = b->inner;
  if (ty_may_unify(ea, eb)) return unify(ea, eb) && type_implements(K, ea, K->partial_eq_trait);
  return compares_with(K->partial_eq_trait, ea, eb);
}

// `a: PartialEq<b>` (or PartialOrd<b>) for an `a == b` whose operands are of different types:
// `&A` with `&B` compares A with B (std's `impl PartialEq<&B> for &A`); a parameter has its
// bounds; Vecs, slices and arrays compare as std's impls between them say; any other type by an
// impl for those arguments (`impl PartialEq<f64> for Money`), which decides a literal's type on
// either side.
bool compares_with(TraitDecl *trait, Type *a, Type *b) {
  a = ty_resolve(a);
  b = ty_resolve(b);
  if (a->kind == TY_REF && b->kind == TY_REF) return compares_with(trait, a->inner, b->inner);
  if (trait == K->partial_eq_trait && seq_shape(a) && seq_shape(b)) return seq_compares(a, b);
  if (a->kind == TY_PARAM) return param_compares_with(trait, a, b);
  if (ty_has_vars(a) || ty_has_vars(b)) return select_compared(trait, a, b);
  TraitRef r = {.trait = trait, .args = &b, .nargs = 1};
  return find_impl(K, &r, a, NULL, NULL) != NULL;
}

// `t: PartialEq<t>` (PartialOrd): the builtin impls and parameters' bounds (`T: Ord`) as
// type_implements answers them; a struct or enum by an impl for itself (`impl PartialEq<f64>
// for Money` is not one).
bool compares_with_itself(TraitDecl *trait, Type *t) {
  t = ty_resolve(t);
  if (!type_implements(K, t, trait)) return false;
  if (t->kind != TY_STRUCT) return true;
  int n;  // a where clause: `where Option<T>: PartialEq` (Rhs = Self)
  TraitRef **preds = env_pred_bounds(cur_env, t, &n);
  for (int i = 0; i < n; i++)
    if (preds[i]->trait == trait && (!preds[i]->nargs || ty_zonk(preds[i]->args[0]) == ty_zonk(t))) return true;
  TraitRef r = {.trait = trait, .args = &t, .nargs = 1};
  return find_impl(K, &r, t, NULL, NULL) != NULL;
}

// The Rhs of the one impl of trait for a (`f64` of `impl PartialEq<f64> for Only`), which rustc
// expects the right operand to be; NULL when a has several or none.
Type *only_compared_rhs(TraitDecl *trait, Type *a) {
  a = ty_resolve(a);
  if (a->kind != TY_STRUCT || impls_for_self(trait, a) != 1) return NULL;
  for (int i = 0; i < trait->impls.len; i++) {
    ImplDecl *im = trait->impls.data[i];
    int n = im->env ? im->env->n : 0;
    Type **binds = arena_alloc(sizeof(Type *) * (n + 1));
    if (im->self_ty && im->ntrait_args == 1 && match_type(im->self_ty, a, binds, n)) {
      Type *want = ty_subst(im->trait_args[0], binds, n);
      return ty_has_params(want) ? NULL : want;
    }
  }
  return NULL;
}

// Whether rustc finds more than one impl of trait that `a op _` could use, so that the right
// operand's type picks one (E0277 "can't compare" when none does) rather than being expected to
// be the one impl's argument (E0308): a reference, a string, a sequence (std's impls of
// PartialEq between them), or a type with impls for several arguments.
bool compares_with_several(TraitDecl *trait, Type *a) {
  a = ty_resolve(a);
  if (trait == K->partial_eq_trait &&
      (a->kind == TY_REF || a->kind == TY_STRING || a->kind == TY_STR || a->kind == TY_VEC || a->kind == TY_ARRAY ||
       a->kind == TY_SLICE || (a->kind == TY_VAR && a->var_kind)))
    return true;
  if (a->kind == TY_VAR) return a->var_kind != 0;
  return impls_for_self(trait, a) + (trait == K->partial_eq_trait && builtin_impl(K, a, trait)) > 1;
}
