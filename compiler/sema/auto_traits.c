// auto_traits.c — Send and Sync (and UnwindSafe and RefUnwindSafe), decided as rustc decides
// auto traits.
//
// A type is Send (Sync) when an impl says so (`unsafe impl<T: Send + Sync> Send for Arc<T>`,
// checked with its bounds like any impl), not when a negative impl says it is not (`impl<T>
// !Sync for Cell<T>`), and otherwise when everything it is made of is: a struct's or enum's
// fields with its type arguments, a closure's captures (by reference: `&T`), a tuple's or
// array's elements. `&T` is Send only when T is Sync, `&mut T` when T is Send; raw pointers are
// neither; `dyn Tr + Send` is Send; a parameter is what its bounds say. When the answer is no,
// the failing leaf (the type that is itself not Send or not Sync, with which trait) is what
// rustc's E0277 names: "`Rc<i32>` cannot be sent between threads safely".
//
// catch_unwind's two differ only in what references ask: a `&mut T` is never UnwindSafe (what
// it points to may be seen half-changed after a panic), and a `&T` or a raw pointer is
// UnwindSafe when T is RefUnwindSafe, which Cell and RefCell are not (negative impls in
// cell.tr), as std's UnsafeCell is not.
#include "sema/sema_internal.h"

#include <string.h>

static Type *failure(Type *t, TraitDecl *trait, TraitDecl **which);

// The structs being looked into, against recursion (`struct List { next: Option<Box<List>> }`):
// a cycle adds nothing, so a struct met again on the way down is taken to be Send (Sync), as
// rustc's coinductive auto-trait solving does.
static struct { StructDecl *s; TraitDecl *tr; } visiting[64];
static int nvisiting;

// The impl of `impls` (an auto trait's positive or negative ones) for struct s, if any.
static ImplDecl *impl_for(ImplDecl **impls, int n, StructDecl *s) {
  for (int i = 0; i < n; i++) {
    Type *st = ty_resolve(impls[i]->self_ty);
    if (st->kind == TY_STRUCT && st->sdecl == s) return impls[i];
  }
  return NULL;
}

bool auto_trait_has_impl(Type *t, TraitDecl *trait) {
  t = ty_resolve(t);
  return t->kind == TY_STRUCT && impl_for(trait->impls.data, trait->impls.len, t->sdecl);
}

// An impl's auto-trait bound on one of the struct's arguments that the argument does not meet
// (`Arc<RefCell<i32>>: Send` needs `RefCell<i32>: Sync`): the part of it that fails.
static Type *bound_failure(ImplDecl *im, Type *t, TraitDecl **which) {
  Type *st = ty_resolve(im->self_ty);
  for (int i = 0; i < st->nargs && i < t->nargs; i++) {
    Type *p = ty_resolve(st->args[i]);
    if (p->kind != TY_PARAM || p->index >= im->env->n) continue;
    for (int b = 0; b < im->env->nbounds[p->index]; b++) {
      TraitDecl *tr = im->env->bounds[p->index][b]->trait;
      if (!tr->is_auto) continue;
      Type *bad = failure(t->args[i], tr, which);
      if (bad) return bad;
    }
  }
  return NULL;
}

static Type *struct_failure(Type *t, TraitDecl *trait, TraitDecl **which) {
  StructDecl *s = t->sdecl;
  if (impl_for(trait->neg_impls.data, trait->neg_impls.len, s)) {
    *which = trait;
    return t;
  }
  ImplDecl *im = impl_for(trait->impls.data, trait->impls.len, s);
  if (im) {  // the impl and its bounds decide
    if (type_implements(K, t, trait)) return NULL;
    Type *bad = bound_failure(im, t, which);
    if (bad) return bad;
    *which = trait;
    return t;
  }
  for (int i = 0; i < nvisiting; i++)
    if (visiting[i].s == s && visiting[i].tr == trait) return NULL;
  if (nvisiting == 64) return NULL;
  visiting[nvisiting].s = s, visiting[nvisiting].tr = trait, nvisiting++;
  Type *bad = NULL;
  int nv = s->is_enum ? s->nvariants : 1;
  for (int v = 0; v < nv && !bad; v++) {
    int n = ctor_nfields(s, s->is_enum ? v : -1);
    FieldDecl *f = ctor_fields(s, s->is_enum ? v : -1);
    for (int i = 0; i < n && !bad; i++) bad = failure(ty_subst(f[i].type, t->args, t->nargs), trait, which);
  }
  nvisiting--;
  return bad;
}

// What a closure holds: each captured variable, or a reference to it.
static Type *closure_failure(Type *t, TraitDecl *trait, TraitDecl **which) {
  FnDecl *f = t->closure;
  for (int i = 0; i < f->ncaptures; i++) {
    Capture *c = &f->captures[i];
    Type *ct = c->local->ty;
    if (t->nargs) ct = ty_subst(ct, t->args, t->nargs);
    if (!c->by_value) ct = ty_ref(ct, c->mut_use);
    Type *bad = failure(ct, trait, which);
    if (bad) return bad;
  }
  return NULL;
}

static bool dyn_has(Type *t, TraitDecl *trait) {
  for (int i = 0; i < t->nautos; i++)
    if (t->autos[i] == trait) return true;
  return t->principal && trait_implies(t->principal->trait, trait);  // `trait Job: Send`
}

static bool unwind_trait(TraitDecl *trait) { return trait == K->unwind_safe_trait || trait == K->ref_unwind_safe_trait; }

// A reference (or raw pointer, or slice iterator) to t's inner type.
static Type *pointer_failure(Type *t, TraitDecl *trait, TraitDecl **which) {
  if (unwind_trait(trait)) {
    if (trait == K->unwind_safe_trait && t->kind != TY_PTR && t->mut) {
      *which = trait;
      return t;
    }
    return failure(t->inner, K->ref_unwind_safe_trait, which);
  }
  if (t->kind == TY_PTR) {
    *which = trait;
    return t;
  }
  // &T shares T: it is Send and Sync when T is Sync; &mut T is Send when T is
  return failure(t->inner, t->mut ? trait : K->sync_trait, which);
}

static Type *failure(Type *t, TraitDecl *trait, TraitDecl **which) {
  t = ty_resolve(t);
  switch (t->kind) {
  case TY_PTR: case TY_REF:
  case TY_ITER:  // a slice iterator is a `&[T]` (`&mut [T]`)
    return pointer_failure(t, trait, which);
  case TY_BOX: case TY_VEC: case TY_SLICE: case TY_ARRAY: case TY_RANGE:
    return failure(t->inner, trait, which);
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++) {
      Type *bad = failure(t->args[i], trait, which);
      if (bad) return bad;
    }
    return NULL;
  case TY_STRUCT: return struct_failure(t, trait, which);
  case TY_CLOSURE: return closure_failure(t, trait, which);
  case TY_DYN:
    if (dyn_has(t, trait)) return NULL;
    *which = trait;
    return t;
  case TY_PARAM:
    if (!cur_env || param_has_bound(cur_env, t->index, trait)) return NULL;
    *which = trait;
    return t;
  case TY_OPAQUE:  // `-> impl Tr` leaks its hidden type's auto traits
    if (!t->opaque->hidden) return NULL;
    return failure(ty_reveal(t), trait, which);
  default: return NULL;  // scalars, str, String, fn pointers, what inference has not decided
  }
}

Type *auto_trait_failure(Type *t, TraitDecl *trait, TraitDecl **which) {
  TraitDecl *w = trait;
  if (trait != K->send_trait && trait != K->sync_trait && !unwind_trait(trait)) return NULL;  // Unpin: everything trc has
  Type *bad = failure(t, trait, &w);
  if (which) *which = w;
  return bad;
}
