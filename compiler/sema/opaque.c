// opaque.c — `impl Trait` in return position.
//
// `fn evens() -> impl Iterator<Item = u32>` has one concrete result type, chosen by its body,
// that callers must not rely on: to them the result is a TY_OPAQUE, a type known only by its
// bounds (calling any other method is E0599; it is not the concrete type, E0308). While the
// defining body is checked the opaque type is an inference variable, so the body's returns
// decide it (two different types are E0308, as for any variable); once zonked, that "hidden"
// type is recorded and must satisfy the bounds. Mono and codegen reveal opaque types
// (ty_reveal), so a call through `impl Fn` is a direct call of the closure's body.
#include "sema/sema_internal.h"

#include <string.h>

static TraitRef *subst_traitref(TraitRef *r, Type **args, int n) {
  if (!n || (!r->nargs && !r->nassoc)) return r;
  TraitRef *c = traitref_new(r->trait, arena_alloc(sizeof(Type *) * (r->nargs + 1)), r->nargs);
  for (int i = 0; i < r->nargs; i++) c->args[i] = ty_subst(r->args[i], args, n);
  c->nassoc = r->nassoc;
  c->assoc_names = r->assoc_names;
  c->assoc_types = arena_alloc(sizeof(Type *) * (r->nassoc + 1));
  for (int i = 0; i < r->nassoc; i++) c->assoc_types[i] = ty_subst(r->assoc_types[i], args, n);
  return c;
}

TraitRef **opaque_bounds(Type *t, int *n) {
  Opaque *o = t->opaque;
  *n = o->nbounds;
  if (!t->nargs) return o->bounds;
  TraitRef **out = arena_alloc(sizeof(TraitRef *) * (o->nbounds + 1));
  for (int i = 0; i < o->nbounds; i++) out[i] = subst_traitref(o->bounds[i], t->args, t->nargs);
  return out;
}

// What callers may assume of an opaque type: its bounds and their supertraits. Auto traits
// leak through, as in rustc: `impl Fn()` is Send when the closure is.
bool opaque_implements(Crate *crate, Type *t, TraitDecl *trait) {
  int n;
  TraitRef **bs = opaque_bounds(t, &n);
  for (int i = 0; i < n; i++)
    if (trait_implies(bs[i]->trait, trait)) return true;
  if (trait == crate->sized_trait) return true;
  if (trait->is_auto) return !t->opaque->hidden || type_implements(crate, ty_reveal(t), trait);
  return false;
}

// `<impl Iterator<Item = u32> as Iterator>::Item` is what the bound binds.
Type *opaque_binding(Type *t, const char *name) {
  int n;
  TraitRef **bs = opaque_bounds(t, &n);
  for (int i = 0; i < n; i++) {
    Type *b = binding_of(bs[i], name);
    if (b) return b;
  }
  return NULL;
}

// The Fn bound of an opaque type, which calling it goes through.
TraitRef *opaque_fn_bound(Type *t) {
  int n;
  TraitRef **bs = opaque_bounds(t, &n);
  for (int i = 0; i < n; i++)
    if (is_fn_trait(bs[i]->trait)) return bs[i];
  return NULL;
}

// ---------------------------------------------------------------------------------------------
// The defining body

static Type *define_fn(Type *t, void *ctx) {
  FnDecl *f = ctx;
  t = ty_resolve(t);
  if (t->kind == TY_OPAQUE && t->opaque->fn == f) {
    if (!t->opaque->infer) t->opaque->infer = ty_new_var(0);
    return t->opaque->infer;
  }
  return t;
}

// The return type f's body is checked against: each of its own opaque types a variable.
Type *opaque_define(FnDecl *f, Type *ret) {
  if (!ty_has_opaque(ret)) return ret;
  // Only the outermost opaque types and those nested in ordinary types are f's (bounds'
  // arguments name the variables through the hidden types they decide).
  switch (ty_resolve(ret)->kind) {
  case TY_OPAQUE: return define_fn(ret, f);
  case TY_REF: case TY_BOX: case TY_VEC: case TY_ARRAY: case TY_SLICE: case TY_TUPLE: case TY_STRUCT: {
    Type *t = ty_resolve(ret);
    Type *c_inner = t->inner ? opaque_define(f, t->inner) : NULL;
    Type **args = arena_alloc(sizeof(Type *) * (t->nargs + 1));
    for (int i = 0; i < t->nargs; i++) args[i] = opaque_define(f, t->args[i]);
    switch (t->kind) {
    case TY_REF: return ty_ref(c_inner, t->mut);
    case TY_BOX: return ty_box(c_inner);
    case TY_VEC: return ty_vec(c_inner);
    case TY_ARRAY: return ty_array(c_inner, t->len);
    case TY_SLICE: return ty_slice(c_inner);
    case TY_TUPLE: return ty_tuple(args, t->nargs);
    default: return ty_struct(t->sdecl, args, t->nargs);
    }
  }
  default: return ret;
  }
}

static void each_own_opaque(FnDecl *f, Type *t, void (*fn)(Fcx *, Opaque *), Fcx *fx, int depth) {
  t = ty_resolve(t);
  if (!t || depth > 16) return;
  if (t->kind == TY_OPAQUE && t->opaque->fn == f) {
    fn(fx, t->opaque);
    return;
  }
  if (t->inner) each_own_opaque(f, t->inner, fn, fx, depth + 1);
  for (int i = 0; i < t->nargs; i++) each_own_opaque(f, t->args[i], fn, fx, depth + 1);
}

static void require_bounds(Fcx *fx, Opaque *o) {
  if (!o->infer) return;
  for (int i = 0; i < o->nbounds; i++) {
    obligate_ref(fx, o->infer, o->bounds[i], NULL, 0, o->span);
    VEC_AT(fx->obligations, fx->obligations.len - 1)->opaque_bound = true;
  }
}

// After the body: the hidden type must satisfy the bounds (E0277, E0271 for a binding).
void opaque_require_bounds(Fcx *fx) {
  each_own_opaque(fx->fn, fx->fn->ret_type, require_bounds, fx, 0);
}

static void record_hidden(Fcx *fx, Opaque *o) {
  if (!o->infer) return;
  Type *h = ty_normalize(ty_zonk(o->infer), fx->env);
  o->infer = NULL;
  if (ty_has_vars(h)) {
    if (!diag_error_count()) {
      Diag *d = diag_error(o->span, "E0282", "type annotations needed");
      diag_label(d, "cannot infer type");
      diag_emit(d);
    }
    return;
  }
  // `fn f() -> impl Tr { f() }`: a type defined by itself has no size (rustc's E0720).
  if (h->kind == TY_OPAQUE && h->opaque == o) {
    Diag *d = diag_error(o->span, "E0720", "cannot resolve opaque type");
    diag_label(d, "recursive opaque type");
    diag_emit(d);
    return;
  }
  o->hidden = h;
}

// Once the body's types are known: the hidden types, for mono to reveal.
void opaque_record_hidden(Fcx *fx) {
  each_own_opaque(fx->fn, fx->fn->ret_type, record_hidden, fx, 0);
}
