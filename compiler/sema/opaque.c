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

// r with each argument and binding replaced by fn(type, ctx).
static TraitRef *map_traitref(TraitRef *r, Type *(*fn)(Type *, void *), void *ctx) {
  if (!r->nargs && !r->nassoc) return r;
  TraitRef *c = traitref_new(r->trait, arena_alloc(sizeof(Type *) * (r->nargs + 1)), r->nargs);
  for (int i = 0; i < r->nargs; i++) c->args[i] = fn(r->args[i], ctx);
  c->nassoc = r->nassoc;
  c->assoc_names = r->assoc_names;
  c->assoc_types = arena_alloc(sizeof(Type *) * (r->nassoc + 1));
  for (int i = 0; i < r->nassoc; i++) c->assoc_types[i] = fn(r->assoc_types[i], ctx);
  return c;
}

static Type *subst_by(Type *t, void *ctx) {
  Type *opaque = ctx;
  return ty_subst(t, opaque->args, opaque->nargs);
}

TraitRef **opaque_bounds(Type *t, int *n) {
  Opaque *o = t->opaque;
  *n = o->nbounds;
  if (!t->nargs) return o->bounds;
  TraitRef **out = arena_alloc(sizeof(TraitRef *) * (o->nbounds + 1));
  for (int i = 0; i < o->nbounds; i++) out[i] = map_traitref(o->bounds[i], subst_by, t);
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
// Revealing: once every body is checked, an opaque type is its hidden type for its arguments

static Type *reveal_fn(Type *t, void *ctx);

// `fn items(&self) -> impl Iterator<Item = i32>` declared in a trait: for a concrete Self, the
// return type of the implementing impl's method (its own opaque type, or a concrete one), or
// of the trait's default body when the impl keeps it.
static Type *trait_method_hidden(Type *t) {
  FnDecl *tm = t->opaque->fn;
  TraitDecl *trait = tm->trait;
  Type *self = ty_resolve(t->args[0]);
  int ntrait = trait->env->n;
  if (ty_has_params(self) || ty_has_vars(self) || t->nargs < ntrait) return NULL;
  TraitRef tr = {.trait = trait, .args = t->args + 1, .nargs = ntrait - 1};
  Type **impl_args = NULL;
  int nimpl = 0;
  ImplDecl *im = find_impl(K, &tr, self, &impl_args, &nimpl);
  for (int i = 0; im && i < im->nmethods; i++) {
    FnDecl *m = im->methods[i];
    if (m->name != tm->name) continue;
    int nown = t->nargs - ntrait;  // the method's own type parameters follow the impl's
    Type **args = arena_alloc(sizeof(Type *) * (nimpl + nown + 1));
    copy_bytes(args, impl_args, sizeof(Type *) * nimpl);
    copy_bytes(args + nimpl, t->args + ntrait, sizeof(Type *) * nown);
    return ty_subst(m->ret_type, args, nimpl + nown);
  }
  return t->opaque->hidden ? ty_subst(t->opaque->hidden, t->args, t->nargs) : NULL;
}

static Type *reveal_fn(Type *t, void *ctx) {
  t = ty_resolve(t);
  int *depth = ctx;
  if (t->kind == TY_OPAQUE && *depth < 64) {
    Opaque *o = t->opaque;
    Type *h = o->fn->trait ? trait_method_hidden(t) : NULL;
    if (!h && o->hidden) h = ty_subst(o->hidden, t->args, t->nargs);
    if (h) {
      (*depth)++;
      h = reveal_fn(h, ctx);
      (*depth)--;
      return h;
    }
  }
  return ty_map_children(t, reveal_fn, ctx);
}

Type *ty_reveal(Type *t) {
  int depth = 0;
  return t && ty_has_opaque(t) ? reveal_fn(t, &depth) : t;
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
  return ty_map_children(t, define_fn, ctx);
}

// t as f's body sees it: each of f's own opaque types a variable, which the body decides.
Type *opaque_define(FnDecl *f, Type *t) { return ty_has_opaque(t) ? define_fn(t, f) : t; }

static Type *define_in(Type *t, void *f) { return opaque_define(f, t); }

// f's own opaque types in t, also those its bounds name (`impl Iterator<Item = impl Display>`).
typedef VEC(Opaque *) OpaqueVec;

static void own_opaques(FnDecl *f, Type *t, OpaqueVec *out, int depth) {
  t = ty_resolve(t);
  if (!t || depth > 16) return;
  if (t->kind == TY_OPAQUE && t->opaque->fn == f) {
    for (int i = 0; i < out->len; i++)
      if (VEC_AT(*out, i) == t->opaque) return;
    vec_push(out, t->opaque);
    for (int b = 0; b < t->opaque->nbounds; b++) {
      TraitRef *r = t->opaque->bounds[b];
      for (int i = 0; i < r->nargs; i++) own_opaques(f, r->args[i], out, depth + 1);
      for (int i = 0; i < r->nassoc; i++) own_opaques(f, r->assoc_types[i], out, depth + 1);
    }
    return;
  }
  if (t->inner) own_opaques(f, t->inner, out, depth + 1);
  for (int i = 0; i < t->nargs; i++) own_opaques(f, t->args[i], out, depth + 1);
}

// The hidden type must satisfy the bounds (E0277, E0271 for a binding), checked after the body;
// known before it, they give a returned closure its signature and literals their types. The
// bounds' own opaque types are the body's variables too.
void opaque_require_bounds(Fcx *fx) {
  OpaqueVec os = {0};
  own_opaques(fx->fn, fx->fn->ret_type, &os, 0);
  for (int k = 0; k < os.len; k++) {
    Opaque *o = VEC_AT(os, k);
    if (!o->infer) o->infer = ty_new_var(0);
    for (int i = 0; i < o->nbounds; i++) {
      obligate_ref(fx, o->infer, map_traitref(o->bounds[i], define_in, fx->fn), NULL, 0, o->span);
      VEC_AT(fx->obligations, fx->obligations.len - 1)->opaque_bound = true;
    }
  }
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
  OpaqueVec os = {0};
  own_opaques(fx->fn, fx->fn->ret_type, &os, 0);
  for (int k = 0; k < os.len; k++) record_hidden(fx, VEC_AT(os, k));
}
