// signature.c — what a function's signature says about lifetimes, as written.
//
// The checker keeps types without lifetimes; the borrow checker needs the lifetimes a
// signature writes: which argument a result borrows from (`-> &'a str`, or the one an elided
// lifetime stands for), which lifetime arguments a referent has (`&Pair<'a, 'b>`), which
// parameters share a lifetime or a type with what a `&mut` parameter points to (and so may be
// stored there), and which must be 'static (`&'static T`, `Box<dyn Tr>`, whose object lifetime
// is 'static in a signature). These are questions about the AST of the signature (TypeExpr,
// FnDecl), answered here without any state; borrowck.c asks them.
#include "lower/lower.h"

#include <string.h>

// Whether the return type mentions `Self` or the impl's own type by name: then it has the
// impl's lifetimes too (`impl<'a> Parser<'a> { fn new(s: &'a str) -> Self }`).
static bool mentions_self(TypeExpr *t, const char *self_name) {
  if (!t) return false;
  if (t->kind == TE_PATH && t->path.nsegs) {
    const char *n = t->path.segs[t->path.nsegs - 1].name;
    if (!strcmp(t->path.segs[0].name, "Self") || (self_name && !strcmp(n, self_name))) return true;
    for (int i = 0; i < t->path.nsegs; i++)
      for (int j = 0; j < t->path.segs[i].nargs; j++)
        if (mentions_self(t->path.segs[i].args[j], self_name)) return true;
  }
  if (t->inner && mentions_self(t->inner, self_name)) return true;
  for (int i = 0; t->kind == TE_TUPLE && i < t->nelems; i++)
    if (mentions_self(t->elems[i], self_name)) return true;
  return false;
}

static const char *impl_lifetime_in_ret(FnDecl *f, int i) {
  ImplDecl *im = f->impl;
  if (!im || i >= im->generics.nlifetimes || i >= GENERICS_MAX_LIFETIMES) return NULL;
  TypeExpr *st = im->self_te;
  const char *self_name = st && st->kind == TE_PATH && st->path.nsegs ? st->path.segs[st->path.nsegs - 1].name : NULL;
  return mentions_self(f->ret, self_name) ? im->generics.lifetimes[i] : NULL;
}

// Whether the return type has lifetime lt, as written or through `Self`.
bool sig_names_lifetime(FnDecl *f, const char *lt) {
  for (int i = 0; lt && i < 4 && f->ret_lifetimes[i]; i++)
    if (f->ret_lifetimes[i] == lt) return true;
  for (int i = 0; lt && impl_lifetime_in_ret(f, i); i++)
    if (impl_lifetime_in_ret(f, i) == lt) return true;
  return false;
}

// The outlives pairs a function may rely on: the bounds f and its impl declare (`<'a, 'b: 'a>`,
// `where 'a: 'b`) and those its parameter types imply, as rustc's implied bounds: a reference
// `&'x T` is only well formed when everything T names outlives 'x (`p: &'a Parser<'b>` gives
// 'b: 'a, and `&'x self` gives the impl's lifetimes: 'x).
typedef struct {
  Outlives p[32];
  int n;
} Pairs;

static void add_pair(Pairs *ps, const char *longer, const char *shorter) {
  if (ps->n < 32 && longer != shorter) ps->p[ps->n++] = (Outlives){longer, shorter};
}

static void implied_by(Pairs *ps, TypeExpr *t, FnDecl *f, int depth) {
  if (!t || depth > 8) return;
  if (t->kind == TE_REF && t->lifetime) {
    Names inner = {0};
    sig_names(t->inner, f, &inner, 0);
    for (int i = 0; i < inner.n; i++) add_pair(ps, inner.names[i], t->lifetime);
  }
  if (t->inner) implied_by(ps, t->inner, f, depth + 1);
}

static void outlives_pairs(FnDecl *f, Pairs *ps) {
  Generics *gs[2] = {&f->generics, f->impl ? &f->impl->generics : NULL};
  for (int g = 0; g < 2; g++)
    for (int i = 0; gs[g] && i < gs[g]->noutlives; i++) add_pair(ps, gs[g]->outlives[i].longer, gs[g]->outlives[i].shorter);
  for (int i = 0; i < f->nparams; i++) implied_by(ps, f->params[i].ty, f, 0);
  if (f->self_lifetime && f->impl)
    for (int i = 0; i < f->impl->generics.nlifetimes && i < GENERICS_MAX_LIFETIMES; i++) add_pair(ps, f->impl->generics.lifetimes[i], f->self_lifetime);
}

// Whether 'longer: 'shorter follows from the pairs, transitively; 'static outlives every
// lifetime, each lifetime itself.
static bool outlives_in(const Pairs *ps, const char *longer, const char *shorter, int depth) {
  if (longer == shorter || !strcmp(longer, "'static")) return true;
  if (depth > 8) return false;
  for (int i = 0; i < ps->n; i++)
    if (ps->p[i].longer == longer && outlives_in(ps, ps->p[i].shorter, shorter, depth + 1)) return true;
  return false;
}

bool sig_outlives(FnDecl *f, const char *longer, const char *shorter) {
  if (!longer || !shorter) return false;
  Pairs ps = {0};
  outlives_pairs(f, &ps);
  return outlives_in(&ps, longer, shorter, 0);
}

// Whether a value of lifetime lt may be returned: the return type names lt or a lifetime lt
// outlives.
bool sig_ret_accepts(FnDecl *f, const char *lt) {
  if (sig_names_lifetime(f, lt)) return true;
  for (int i = 0; lt && i < 4 && f->ret_lifetimes[i]; i++)
    if (sig_outlives(f, lt, f->ret_lifetimes[i])) return true;
  for (int i = 0; lt && impl_lifetime_in_ret(f, i); i++)
    if (sig_outlives(f, lt, impl_lifetime_in_ret(f, i))) return true;
  return false;
}

// Whether a type expression names `name` (a type parameter) anywhere.
bool sig_type_names(TypeExpr *t, const char *name, int depth) {
  if (!t || depth > 16) return false;
  if (t->kind == TE_PATH)
    for (int i = 0; i < t->path.nsegs; i++) {
      if (t->path.segs[i].name == name) return true;
      for (int j = 0; j < t->path.segs[i].nargs; j++)
        if (sig_type_names(t->path.segs[i].args[j], name, depth + 1)) return true;
    }
  for (int i = 0; t->kind == TE_TUPLE && i < t->nelems; i++)
    if (sig_type_names(t->elems[i], name, depth + 1)) return true;
  return sig_type_names(t->inner, name, depth + 1);
}

// Whether a type expression names type `name` whole, not only as the base of a projection:
// `Map<Self, F>` holds all of Self, `Option<Self::Item>` only what an item is.
bool sig_type_holds(TypeExpr *t, const char *name, int depth) {
  if (!t || depth > 16) return false;
  if (t->kind == TE_PATH)
    for (int i = 0; i < t->path.nsegs; i++) {
      if (t->path.segs[i].name == name && i == t->path.nsegs - 1) return true;
      for (int j = 0; j < t->path.segs[i].nargs; j++)
        if (sig_type_holds(t->path.segs[i].args[j], name, depth + 1)) return true;
    }
  for (int i = 0; t->kind == TE_TUPLE && i < t->nelems; i++)
    if (sig_type_holds(t->elems[i], name, depth + 1)) return true;
  return sig_type_holds(t->inner, name, depth + 1);
}

// Whether what a by-value argument of type parameter `name` holds can reach the result: the
// return type names it, or names another of f's own type parameters (which a closure's
// output may be: `fold<B, F: FnMut(B, Item) -> B>(self, init: B, f: F) -> B`). `find<P>`
// returning `Option<Self::Item>` keeps nothing of its predicate.
bool sig_param_may_return(FnDecl *f, const char *name) {
  for (int j = 0; j < f->generics.nparams; j++)
    if (sig_type_names(f->ret, f->generics.params[j].name, 0)) return true;
  return sig_type_names(f->ret, name, 0);
}

// The first named lifetime of the return type, or NULL.
const char *sig_ret_lifetime(FnDecl *f) { return f->ret_lifetimes[0] ? f->ret_lifetimes[0] : impl_lifetime_in_ret(f, 0); }

// The lifetimes a type expression mentions, as written (NULL: one elided, or a type parameter,
// which may hold any): true when lt is one of them.
bool sig_mentions(TypeExpr *t, const char *lt, int depth) {
  if (!t || depth > 8) return false;
  switch (t->kind) {
  case TE_REF: return !t->lifetime || t->lifetime == lt || sig_mentions(t->inner, lt, depth + 1);
  case TE_DYN: case TE_IMPL: return t->lifetime == lt;
  case TE_TUPLE:
    for (int i = 0; i < t->nelems; i++)
      if (sig_mentions(t->elems[i], lt, depth + 1)) return true;
    return false;
  case TE_SLICE: case TE_ARRAY: case TE_PTR: return sig_mentions(t->inner, lt, depth + 1);
  case TE_PATH:
    for (int i = 0; i < t->path.nsegs; i++) {
      PathSeg *sg = &t->path.segs[i];
      for (int j = 0; j < sg->nlifetimes; j++)
        if (sg->lifetimes[j] == lt || !strcmp(sg->lifetimes[j], "'_")) return true;
      for (int j = 0; j < sg->nargs; j++)
        if (sig_mentions(sg->args[j], lt, depth + 1)) return true;
    }
    return false;
  default: return false;
  }
}

// Parameter i of f (self first) as written, when it is a reference: its referent's type
// expression (`&self` in `impl<'a> Pair<'a>`: `Pair<'a>`).
TypeExpr *sig_referent(FnDecl *f, int i) {
  if (!f || f->is_closure) return NULL;
  bool has_self = f->self_kind != SELF_NONE;
  if (has_self && i == 0) return f->impl && (f->self_kind == SELF_REF || f->self_kind == SELF_REF_MUT) ? f->impl->self_te : NULL;
  int pi = i - has_self;
  if (pi < 0 || pi >= f->nparams || f->params[pi].ty->kind != TE_REF) return NULL;
  return f->params[pi].ty->inner;
}

// Whether parameter i of f (self first) is a `&mut`.
bool sig_mut_ref(FnDecl *f, int i) {
  bool has_self = f->self_kind != SELF_NONE;
  if (has_self && i == 0) return f->self_kind == SELF_REF_MUT;
  int pi = i - has_self;
  return pi >= 0 && pi < f->nparams && f->params[pi].ty->kind == TE_REF && f->params[pi].ty->mut;
}

// The struct a referent type expression names with all its lifetime arguments, or NULL.
StructDecl *sig_referent_struct(TypeExpr *te, PathSeg **seg) {
  if (!te || te->kind != TE_PATH || !te->path.nsegs || !te->resolved) return NULL;
  Type *t = ty_resolve(te->resolved);
  *seg = &te->path.segs[te->path.nsegs - 1];
  if (t->kind != TY_STRUCT || t->sdecl->generics.nlifetimes != (*seg)->nlifetimes || !(*seg)->nlifetimes) return NULL;
  if (t->sdecl->generics.nlifetimes > GENERICS_MAX_LIFETIMES) return NULL;
  return t->sdecl;
}

void sig_names(TypeExpr *t, FnDecl *f, Names *out, int depth) {
  if (!t || depth > 8) return;
  if ((t->kind == TE_REF || t->kind == TE_DYN || t->kind == TE_IMPL) && t->lifetime && strcmp(t->lifetime, "'_") && out->n < 16)
    out->names[out->n++] = t->lifetime;
  if (t->inner) sig_names(t->inner, f, out, depth + 1);
  for (int i = 0; t->kind == TE_TUPLE && i < t->nelems; i++) sig_names(t->elems[i], f, out, depth + 1);
  if (t->kind != TE_PATH) return;
  for (int i = 0; i < t->path.nsegs; i++) {
    PathSeg *sg = &t->path.segs[i];
    for (int j = 0; j < sg->nlifetimes && out->n < 16; j++)
      if (strcmp(sg->lifetimes[j], "'_")) out->names[out->n++] = sg->lifetimes[j];
    for (int j = 0; j < sg->nargs; j++) sig_names(sg->args[j], f, out, depth + 1);
  }
  if (t->path.nsegs == 1 && out->n < 16) out->names[out->n++] = t->path.segs[0].name;
  if (!strcmp(t->path.segs[0].name, "Self") && f->impl && f->impl->self_te != t) sig_names(f->impl->self_te, f, out, depth + 1);
}

bool sig_names_has(const Names *names, const char *name) {
  for (int i = 0; i < names->n; i++)
    if (names->names[i] == name) return true;
  return false;
}

// Parameter i of f (self first) as written, whole: its names.
void sig_param_names(FnDecl *f, int i, Names *out) {
  bool has_self = f->self_kind != SELF_NONE;
  if (has_self && i == 0) {
    if (f->self_lifetime && out->n < 16) out->names[out->n++] = f->self_lifetime;
    if (f->impl) sig_names(f->impl->self_te, f, out, 0);
    return;
  }
  if (i - has_self < f->nparams) sig_names(f->params[i - has_self].ty, f, out, 0);
}

// The lifetime argument i's reference has as written (NULL: elided), and whether it is one.
bool sig_arg_lifetime(FnDecl *f, int i, const char **lt) {
  bool has_self = f->self_kind != SELF_NONE;
  if (has_self && i == 0) {
    *lt = f->self_lifetime;
    return f->self_kind == SELF_REF || f->self_kind == SELF_REF_MUT;
  }
  if (i - has_self >= f->nparams || f->params[i - has_self].ty->kind != TE_REF) return false;
  *lt = f->params[i - has_self].ty->lifetime;
  return true;
}

// A reference type without a lifetime inside t (`Vec<&str>`): where rustc names it.
TypeExpr *sig_elided_ref(TypeExpr *t, int depth) {
  if (!t || depth > 8) return NULL;
  if (t->kind == TE_REF && !t->lifetime) return t;
  TypeExpr *r = t->inner ? sig_elided_ref(t->inner, depth + 1) : NULL;
  for (int i = 0; !r && t->kind == TE_TUPLE && i < t->nelems; i++) r = sig_elided_ref(t->elems[i], depth + 1);
  for (int i = 0; !r && t->kind == TE_PATH && i < t->path.nsegs; i++)
    for (int j = 0; !r && j < t->path.segs[i].nargs; j++) r = sig_elided_ref(t->path.segs[i].args[j], depth + 1);
  return r;
}

bool sig_requires_static(TypeExpr *t, int depth) {
  if (!t || depth > 8) return false;
  switch (t->kind) {
  case TE_REF: return t->lifetime && !strcmp(t->lifetime, "'static");
  case TE_DYN: return !t->lifetime || !strcmp(t->lifetime, "'static");
  case TE_TUPLE:
    for (int i = 0; i < t->nelems; i++)
      if (sig_requires_static(t->elems[i], depth + 1)) return true;
    return false;
  case TE_SLICE: case TE_ARRAY: return sig_requires_static(t->inner, depth + 1);
  case TE_PATH:
    for (int i = 0; i < t->path.nsegs; i++)
      for (int j = 0; j < t->path.segs[i].nargs; j++)
        if (sig_requires_static(t->path.segs[i].args[j], depth + 1)) return true;
    return false;
  default: return false;
  }
}

bool sig_has_dyn(TypeExpr *t, bool *bounded) {
  if (!t) return false;
  bool found = false;
  if (t->kind == TE_DYN) {
    if (t->lifetime && strcmp(t->lifetime, "'static")) *bounded = true;
    found = true;
  }
  if ((t->kind == TE_REF || t->kind == TE_PTR || t->kind == TE_SLICE || t->kind == TE_ARRAY) && sig_has_dyn(t->inner, bounded)) found = true;
  for (int i = 0; t->kind == TE_TUPLE && i < t->nelems; i++) found |= sig_has_dyn(t->elems[i], bounded);
  for (int i = 0; t->kind == TE_PATH && i < t->path.nsegs; i++)
    for (int j = 0; j < t->path.segs[i].nargs; j++) found |= sig_has_dyn(t->path.segs[i].args[j], bounded);
  return found;
}

// A return type that is a boxed trait object with no lifetime bound, `Box<dyn Trait>`, whose
// object lifetime defaults to 'static whatever its associated types borrow (`Box<dyn
// Iterator<Item = &i32>>`): everything the box holds, the object holds.
bool sig_ret_static_dyn(FnDecl *f) {
  TypeExpr *t = f->ret;
  if (!t || t->kind != TE_PATH || t->path.nsegs != 1 || strcmp(t->path.segs[0].name, "Box") || t->path.segs[0].nargs != 1) return false;
  TypeExpr *d = t->path.segs[0].args[0];
  return d->kind == TE_DYN && (!d->lifetime || !strcmp(d->lifetime, "'static"));
}

bool sig_ret_has_impl(TypeExpr *t) {
  if (!t) return false;
  if (t->kind == TE_IMPL) return true;
  if (t->kind == TE_REF || t->kind == TE_SLICE || t->kind == TE_ARRAY) return sig_ret_has_impl(t->inner);
  for (int i = 0; t->kind == TE_TUPLE && i < t->nelems; i++)
    if (sig_ret_has_impl(t->elems[i])) return true;
  return false;
}

Span sig_lifetime_def(FnDecl *f, const char *lt) {
  Generics *gs[2] = {&f->generics, f->impl ? &f->impl->generics : NULL};
  for (int g = 0; g < 2; g++)
    for (int i = 0; gs[g] && i < gs[g]->nlifetimes && i < GENERICS_MAX_LIFETIMES; i++)
      if (gs[g]->lifetimes[i] == lt) return gs[g]->lifetime_spans[i];
  return (Span){0};
}

TypeExpr *sig_static_dyn(TypeExpr *t, int depth) {
  if (!t || depth > 8) return NULL;
  switch (t->kind) {
  case TE_DYN: return !t->lifetime || !strcmp(t->lifetime, "'static") ? t : NULL;
  case TE_TUPLE:
    for (int i = 0; i < t->nelems; i++) {
      TypeExpr *d = sig_static_dyn(t->elems[i], depth + 1);
      if (d) return d;
    }
    return NULL;
  case TE_SLICE: case TE_ARRAY: return sig_static_dyn(t->inner, depth + 1);
  case TE_PATH:
    for (int i = 0; i < t->path.nsegs; i++)
      for (int j = 0; j < t->path.segs[i].nargs; j++) {
        TypeExpr *d = sig_static_dyn(t->path.segs[i].args[j], depth + 1);
        if (d) return d;
      }
    return NULL;
  default: return NULL;
  }
}

// The first lifetime t names that is a lifetime parameter of f or of f's impl (`let z: &'a i32`
// in `fn f<'a>`): a region that lasts the whole body, given by the caller. NULL in a closure,
// whose lifetimes are its function's.
const char *sig_universal_in(FnDecl *f, TypeExpr *t) {
  if (!f || f->is_closure) return NULL;
  Names names = {0};
  sig_names(t, f, &names, 0);
  Generics *gs[2] = {&f->generics, f->impl ? &f->impl->generics : NULL};
  for (int i = 0; i < names.n; i++)
    for (int g = 0; g < 2; g++)
      for (int j = 0; gs[g] && j < gs[g]->nlifetimes && j < GENERICS_MAX_LIFETIMES; j++)
        if (gs[g]->lifetimes[j] == names.names[i]) return names.names[i];
  return NULL;
}
