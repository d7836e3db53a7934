// check.c — name resolution and type checking.
//
// The checker runs in three passes over the whole crate (prelude first, then the user file):
//
//   1. collect: every struct, trait, impl and fn is registered by name;
//   2. headers: struct fields, trait supertraits, impl headers and fn signatures are resolved
//      to interned Types, each in its GenericEnv (the flat list of type parameters in scope);
//   3. bodies: every fn body is checked once, generically.
//
// Bodies are checked with local type inference in the style of rustc's: each unknown type is a
// TY_VAR, unified as expressions are visited, with the expected type pushed down into the
// expression being checked (so `let v: Vec<&dyn Foo> = vec![&Bar]` coerces each element). At
// coercion sites — let initializers with a type, arguments, returns, struct fields — an `&T`
// that meets an expected `&dyn Tr` records COERCE_UNSIZE on the expression for codegen. When a
// body is done, every type is "zonked" (its variables replaced by what they were solved to),
// and the deferred trait obligations (`T: Tr` for generic calls and unsizing) are checked.
//
// The checker does not lower: it annotates the AST (Expr.ty, resolutions, dispatch kinds) and
// codegen reads those annotations per monomorphic instance.
#include "check_internal.h"

#include <string.h>

Crate *K;

// ---------------------------------------------------------------------------------------------
// Lookup tables: programs are small, so linear scans over interned names are plenty.

StructDecl *lookup_struct(const char *name) {
  for (int i = K->structs.len - 1; i >= 0; i--) {
    StructDecl *s = VEC_AT(K->structs, i);
    if (s->name == name) return s;
  }
  return NULL;
}

TraitDecl *lookup_trait(const char *name) {
  for (int i = K->traits.len - 1; i >= 0; i--) {
    TraitDecl *t = VEC_AT(K->traits, i);
    if (t->name == name) return t;
  }
  return NULL;
}

FnDecl *lookup_fn(const char *name) {
  for (int i = K->fns.len - 1; i >= 0; i--) {
    FnDecl *f = VEC_AT(K->fns, i);
    if (f->name == name) return f;
  }
  return NULL;
}

// `use std::mem::size_of;` makes `size_of` stand for the path `std::mem::size_of`.
typedef struct {
  const char *alias;
  Path path;
} UseEntry;
static PtrVec uses;

static const char *path_string(Path *p, int upto) {
  const char *s = "";
  for (int i = 0; i < upto; i++) s = arena_printf("%s%s%s", s, i ? "::" : "", p->segs[i].name);
  return s;
}

// A variant brought into scope by `use Enum::Variant;` or `use Enum::*;` (the prelude does the
// latter for `Option`, so `Some` and `None` work unqualified). Returns its index, or -1.
int lookup_variant_alias(const char *name, StructDecl **out) {
  for (int i = uses.len - 1; i >= 0; i--) {
    UseEntry *u = VEC_AT(uses, i);
    bool glob = u->alias == intern_cstr("*");
    if (!glob && u->alias != name) continue;
    if (u->path.nsegs < 2) continue;
    StructDecl *en = lookup_struct(u->path.segs[u->path.nsegs - 2].name);
    if (!en || !en->is_enum) continue;
    const char *vname = glob ? name : u->path.segs[u->path.nsegs - 1].name;
    for (int v = 0; v < en->nvariants; v++)
      if (en->variants[v].name == vname) {
        *out = en;
        return v;
      }
  }
  return -1;
}

int find_variant(StructDecl *en, const char *name) {
  for (int v = 0; en->is_enum && v < en->nvariants; v++)
    if (en->variants[v].name == name) return v;
  return -1;
}

// Expands a leading `use` alias: with `use std::mem;`, `mem::size_of` becomes `std::mem::size_of`.
const char *expand_path(Path *p) {
  const char *first = p->segs[0].name;
  for (int i = 0; i < uses.len; i++) {
    UseEntry *u = VEC_AT(uses, i);
    if (u->alias == first) {
      const char *s = path_string(&u->path, u->path.nsegs);
      for (int j = 1; j < p->nsegs; j++) s = arena_printf("%s::%s", s, p->segs[j].name);
      return s;
    }
  }
  return path_string(p, p->nsegs);
}

// ---------------------------------------------------------------------------------------------
// Generic environments

GenericEnv *env_new(GenericEnv *parent) {
  GenericEnv *e = arena_alloc(sizeof *e);
  int cap = (parent ? parent->n : 0) + 16;
  e->names = arena_alloc(sizeof(char *) * cap);
  e->params = arena_alloc(sizeof(Type *) * cap);
  e->bounds = arena_alloc(sizeof(TraitRef **) * cap);
  e->nbounds = arena_alloc(sizeof(int) * cap);
  e->sized = arena_alloc(sizeof(bool) * cap);
  if (parent) {
    e->n = parent->n;
    e->has_self = parent->has_self;
    e->self_trait = parent->self_trait;
    copy_bytes(e->names, parent->names, sizeof(char *) * parent->n);
    copy_bytes(e->params, parent->params, sizeof(Type *) * parent->n);
    copy_bytes(e->bounds, parent->bounds, sizeof(TraitRef **) * parent->n);
    copy_bytes(e->nbounds, parent->nbounds, sizeof(int) * parent->n);
    copy_bytes(e->sized, parent->sized, sizeof(bool) * parent->n);
  }
  return e;
}

static int env_cap_check(GenericEnv *e) {
  // envs are allocated with 16 spare slots; more type parameters than that on one item is
  // not something the language subset needs, so it is a clear error rather than a realloc.
  return e->n;
}

int env_add(GenericEnv *e, const char *name) {
  int i = env_cap_check(e);
  e->names[i] = name;
  e->params[i] = ty_param(name, i);
  e->sized[i] = true;
  e->n++;
  return i;
}

void env_add_bound(GenericEnv *e, int i, TraitRef *tr) {
  TraitRef **nb = arena_alloc(sizeof(TraitRef *) * (e->nbounds[i] + 1));
  copy_bytes(nb, e->bounds[i], sizeof(TraitRef *) * e->nbounds[i]);
  nb[e->nbounds[i]++] = tr;
  e->bounds[i] = nb;
}

int env_find(GenericEnv *e, const char *name) {
  if (!e) return -1;
  for (int i = e->n - 1; i >= 0; i--)
    if (e->names[i] == name) return i;
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Traits: supertraits and the vtable method list

static bool fn_trait_implies(TraitDecl *have, TraitDecl *want);

bool trait_implies(TraitDecl *have, TraitDecl *want) {
  if (have == want) return true;
  if (is_fn_trait(have) && is_fn_trait(want)) return fn_trait_implies(have, want);
  for (int i = 0; i < have->nsuper_traits; i++)
    if (trait_implies(have->super_traits[i], want)) return true;
  return false;
}

// Finds a method by name in a trait or its supertraits (breadth by declaration order).
FnDecl *trait_find_method(TraitDecl *t, const char *name, TraitDecl **owner) {
  for (int i = 0; i < t->nmethods; i++)
    if (t->methods[i]->name == name) {
      if (owner) *owner = t;
      return t->methods[i];
    }
  for (int i = 0; i < t->nsuper_traits; i++) {
    FnDecl *m = trait_find_method(t->super_traits[i], name, owner);
    if (m) return m;
  }
  return NULL;
}

// ---------------------------------------------------------------------------------------------
// Impl lookup by matching an impl's self type (which may mention the impl's parameters)
// against a concrete type.

static bool match_type(Type *pat, Type *t, Type **binds, int nbinds) {
  t = ty_resolve(t);
  if (pat->kind == TY_PARAM && pat->index < nbinds) {
    if (binds[pat->index]) return binds[pat->index] == t;
    binds[pat->index] = t;
    return true;
  }
  // Equal types match, but a pattern with parameters must still be walked to bind them: the
  // impl's `W<T>` and the `W<T>` asked about in another impl of the same shape are one type.
  if (pat == t && !ty_has_params(pat)) return true;
  if (pat->kind != t->kind || pat->mut != t->mut || pat->nargs != t->nargs || pat->sdecl != t->sdecl ||
      pat->bits != t->bits || pat->is_signed != t->is_signed || pat->is_size != t->is_size || pat->len != t->len)
    return false;
  if (pat->inner && !match_type(pat->inner, t->inner, binds, nbinds)) return false;
  for (int i = 0; i < pat->nargs; i++)
    if (!match_type(pat->args[i], t->args[i], binds, nbinds)) return false;
  if (pat->kind == TY_DYN) return pat == t;
  return true;
}

static int impl_depth;

ImplDecl *find_impl(Crate *crate, TraitRef *tr, Type *self_ty, Type ***impl_args, int *nimpl_args) {
  self_ty = ty_resolve(self_ty);
  // Guards against impls that recurse through their own bounds. Deeper than mono.c's
  // instance limit, so that polymorphic recursion is reported there, as rustc does.
  if (++impl_depth > 256) {
    impl_depth--;
    return NULL;
  }
  ImplDecl *found = NULL;
  for (int i = 0; i < crate->impls.len && !found; i++) {
    ImplDecl *im = VEC_AT(crate->impls, i);
    if (!im->trait || im->trait != tr->trait || !im->self_ty) continue;
    int n = im->env ? im->env->n : 0;
    Type **binds = arena_alloc(sizeof(Type *) * (n + 1));
    if (!match_type(im->self_ty, self_ty, binds, n)) continue;
    bool ok = true;
    for (int a = 0; a < tr->nargs && ok; a++)
      if (im->trait_args && a < im->ntrait_args) ok = match_type(im->trait_args[a], tr->args[a], binds, n);
    for (int p = 0; p < n && ok; p++) {
      if (!binds[p]) { ok = false; break; }
      for (int b = 0; b < im->env->nbounds[p] && ok; b++)
        ok = type_implements(crate, binds[p], im->env->bounds[p][b]->trait);
    }
    if (!ok) continue;
    found = im;
    if (impl_args) *impl_args = binds;
    if (nimpl_args) *nimpl_args = n;
  }
  impl_depth--;
  return found;
}

// The generic environment of the body being checked, for `T: Tr` questions about parameters.
GenericEnv *cur_env;

bool param_has_bound(GenericEnv *env, int index, TraitDecl *trait) {
  if (!env || index >= env->n) return false;
  for (int b = 0; b < env->nbounds[index]; b++)
    if (trait_implies(env->bounds[index][b]->trait, trait)) return true;
  return false;
}

// Copy, where a type parameter is Copy when its bounds say so (`impl<T: Copy> ...`).
static bool copy_in_env(Crate *crate, Type *t) {
  t = ty_resolve(t);
  if (ty_is_copy(t)) return true;
  switch (t->kind) {
  case TY_PARAM: return param_has_bound(cur_env, t->index, crate->copy_trait);
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++)
      if (!copy_in_env(crate, t->args[i])) return false;
    return true;
  case TY_ARRAY: return copy_in_env(crate, t->inner);
  case TY_STRUCT: {
    StructDecl *s = t->sdecl;
    if (!s->is_copy) return false;
    for (int v = 0; v < (s->is_enum ? s->nvariants : 1); v++) {
      FieldDecl *fields = s->is_enum ? s->variants[v].fields : s->fields;
      int n = s->is_enum ? s->variants[v].nfields : s->nfields;
      for (int i = 0; i < n; i++)
        if (!copy_in_env(crate, ty_subst(fields[i].type, t->args, t->nargs))) return false;
    }
    return true;
  }
  default: return false;
  }
}

static bool has_derive_named(StructDecl *s, const char *name) {
  for (int i = 0; i < s->attrs.nderives; i++)
    if (!strcmp(s->attrs.derives[i], name)) return true;
  return false;
}

// Clone without an impl: Copy types, String, and Vec, Box, tuples, arrays and
// #[derive(Clone)] types of Clone parts (trc asks the type arguments, as derive's bounds do).
static bool derives_clone(Crate *crate, Type *t) {
  t = ty_resolve(t);
  if (ty_is_copy(t) || t->kind == TY_STRING) return true;
  switch (t->kind) {
  case TY_VEC: case TY_BOX: case TY_ARRAY: return type_implements(crate, t->inner, crate->clone_trait);
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++)
      if (!type_implements(crate, t->args[i], crate->clone_trait)) return false;
    return true;
  case TY_STRUCT:
    if (!has_derive_named(t->sdecl, "Clone")) return false;
    for (int i = 0; i < t->nargs; i++)
      if (!type_implements(crate, t->args[i], crate->clone_trait)) return false;
    return true;
  default: return false;
  }
}

// `==` without an impl: #[derive(PartialEq)] types, and tuples, Vecs, slices and arrays of
// comparable parts.
bool derives_partial_eq(Type *t) {
  t = ty_resolve(t);
  switch (t->kind) {
  case TY_INT: case TY_FLOAT: case TY_BOOL: case TY_CHAR: case TY_STR: case TY_STRING: case TY_UNIT: case TY_VAR: return true;
  case TY_REF: case TY_BOX: case TY_VEC: case TY_SLICE: case TY_ARRAY: return derives_partial_eq(t->inner);
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++)
      if (!derives_partial_eq(t->args[i])) return false;
    return true;
  case TY_STRUCT:
    if (!has_derive_named(t->sdecl, "PartialEq")) return false;
    for (int i = 0; i < t->nargs; i++)
      if (!derives_partial_eq(t->args[i])) return false;
    return true;
  default: return false;
  }
}

bool type_implements(Crate *crate, Type *t, TraitDecl *trait) {
  t = ty_resolve(t);
  if (trait->is_auto) return true;
  if (trait == crate->sized_trait) return ty_is_sized(t);
  if (trait == crate->copy_trait) return copy_in_env(crate, t);
  if (t->kind == TY_PARAM) return param_has_bound(cur_env, t->index, trait);
  if (t->kind == TY_DYN) return t->principal && trait_implies(t->principal->trait, trait);
  if (is_fn_trait(trait)) {
    // Closures and functions are callable; so is a reference (or Box) to something callable.
    if (t->kind == TY_CLOSURE || t->kind == TY_FN) return true;
    if (t->kind == TY_REF || t->kind == TY_BOX) return type_implements(crate, t->inner, trait);
    return false;
  }
  if (trait == crate->clone_trait && derives_clone(crate, t)) return true;
  TraitRef tr = {.trait = trait};
  return find_impl(crate, &tr, t, NULL, NULL) != NULL;
}

// A type for an expression or annotation that had an error: an unconstrained variable, so one
// mistake does not cascade into mismatches.
static Type *err_type(void) { return ty_new_var(0); }

// ---------------------------------------------------------------------------------------------
// Associated types

static AssocTypeDecl *impl_assoc(ImplDecl *im, const char *name) {
  for (int i = 0; i < im->nassoc_types; i++)
    if (im->assoc_types[i].name == name) return &im->assoc_types[i];
  return NULL;
}

// The binding `name = X` in a trait ref (`Tr<Item = X>`), or NULL.
static Type *binding_of(TraitRef *r, const char *name) {
  for (int i = 0; r && i < r->nassoc; i++)
    if (r->assoc_names[i] == name) return r->assoc_types[i];
  return NULL;
}

static int normalize_depth;

// One projection <self as trait>::name, with self already normalized.
static Type *project(Type *t, GenericEnv *env) {
  Type *self = ty_resolve(t->inner);
  Type *found = NULL;
  if (self->kind == TY_DYN && self->principal) {
    found = binding_of(self->principal, t->name);
  } else if (is_fn_trait(t->assoc_trait) && (self->kind == TY_CLOSURE || self->kind == TY_FN)) {
    found = self->kind == TY_FN ? self->ret : ty_subst(self->closure->ret_type, self->args, self->nargs);
  } else if (self->kind == TY_PARAM) {
    for (int b = 0; env && self->index < env->n && b < env->nbounds[self->index] && !found; b++)
      found = binding_of(env->bounds[self->index][b], t->name);
  }
  // A concrete type, W<I> in `impl<I: Tr> Tr for W<I>`, or I itself in a blanket
  // `impl<I: Iterator> IntoIterator for I`: the binding of the impl that applies.
  if (!found && self->kind != TY_DYN && !ty_has_vars(self) && !ty_has_assoc(self) &&
      !(is_fn_trait(t->assoc_trait) && (self->kind == TY_CLOSURE || self->kind == TY_FN))) {
    TraitRef tr = {.trait = t->assoc_trait};
    Type **args = NULL;
    int n = 0;
    ImplDecl *im = find_impl(K, &tr, self, &args, &n);
    AssocTypeDecl *a = im ? impl_assoc(im, t->name) : NULL;
    if (a && a->resolved) found = ty_subst(a->resolved, args, n);
  }
  return found ? ty_normalize(found, env) : t;
}

typedef struct {
  GenericEnv *env;
} NormCtx;

static Type *normalize_rec(Type *t, GenericEnv *env) {
  t = ty_resolve(t);
  if (!ty_has_assoc(t)) return t;
  if (t->kind == TY_ASSOC) {
    Type *self = normalize_rec(t->inner, env);
    Type *p = self == t->inner ? t : ty_assoc(self, t->assoc_trait, t->name);
    return project(p, env);
  }
  // Rebuild the children; ty_subst with no arguments would not recurse, so do it by hand.
  switch (t->kind) {
  case TY_REF: return ty_ref(normalize_rec(t->inner, env), t->mut);
  case TY_PTR: return ty_ptr(normalize_rec(t->inner, env), t->mut);
  case TY_BOX: return ty_box(normalize_rec(t->inner, env));
  case TY_VEC: return ty_vec(normalize_rec(t->inner, env));
  case TY_SLICE: return ty_slice(normalize_rec(t->inner, env));
  case TY_ARRAY: return ty_array(normalize_rec(t->inner, env), t->len);
  case TY_RANGE: {
    Type *r = ty_range(normalize_rec(t->inner, env), t->len);
    return t->mut ? ty_range_rev(r) : r;
  }
  case TY_TUPLE: case TY_STRUCT: case TY_FN: {
    Type **args = arena_alloc(sizeof(Type *) * (t->nargs + 1));
    for (int i = 0; i < t->nargs; i++) args[i] = normalize_rec(t->args[i], env);
    if (t->kind == TY_TUPLE) return ty_tuple(args, t->nargs);
    if (t->kind == TY_STRUCT) return ty_struct(t->sdecl, args, t->nargs);
    return ty_fn(args, t->nargs, normalize_rec(t->ret, env));
  }
  default: return t;
  }
}

Type *ty_normalize(Type *t, GenericEnv *env) {
  if (!t) return t;
  if (++normalize_depth > 64) {  // a cycle of associated types cannot be resolved
    normalize_depth--;
    return t;
  }
  Type *r = normalize_rec(t, env);
  normalize_depth--;
  return r;
}

// `Self::Item`, `T::Item`: the trait that declares the associated type, searched in the bounds
// of the parameter (for Self in a trait: the trait and its supertraits).
static TraitDecl *trait_with_assoc(TraitDecl *t, const char *name) {
  for (int i = 0; i < t->nassoc_types; i++)
    if (t->assoc_types[i].name == name) return t;
  for (int i = 0; i < t->nsuper_traits; i++) {
    TraitDecl *s = trait_with_assoc(t->super_traits[i], name);
    if (s) return s;
  }
  return NULL;
}

static Type *resolve_assoc_path(TypeExpr *te, GenericEnv *env, Type *self_ty) {
  Path *p = &te->path;
  const char *base = p->segs[0].name, *name = p->segs[1].name;
  Type *self = NULL;
  TraitDecl *trait = NULL;
  if (!strcmp(base, "Self") && self_ty) {
    self = self_ty;
    Type *rs = ty_resolve(self_ty);
    if (rs->kind == TY_PARAM && env && env->has_self && rs->index == 0) trait = trait_with_assoc(env->self_trait, name);
  } else {
    int pi = env_find(env, base);
    if (pi >= 0) self = env->params[pi];
  }
  if (!self) return NULL;
  Type *rs = ty_resolve(self);
  if (!trait && rs->kind == TY_PARAM) {
    for (int b = 0; env && rs->index < env->n && b < env->nbounds[rs->index] && !trait; b++)
      trait = trait_with_assoc(env->bounds[rs->index][b]->trait, name);
  }
  if (!trait) {
    // Self in an impl: the impl's trait (or any trait of the type's impls) declares it.
    for (int i = 0; i < K->impls.len && !trait; i++) {
      ImplDecl *im = VEC_AT(K->impls, i);
      if (im->trait && im->self_ty == self && impl_assoc(im, name)) trait = im->trait;
    }
  }
  if (!trait) {
    Diag *d = diag_error(te->span, "E0220", "associated type `%s` not found for `%s`", name, base);
    diag_label(d, "associated type `%s` not found", name);
    diag_emit(d);
    return err_type();
  }
  return ty_normalize(ty_assoc(self, trait, name), env);
}

// ---------------------------------------------------------------------------------------------
// Resolving types as written

static Type *prim_type(const char *n) {
  static const struct {
    const char *name;
    Type **ty;
  } prims[] = {
    {"i8", &ty_i8}, {"i16", &ty_i16}, {"i32", &ty_i32}, {"i64", &ty_i64}, {"isize", &ty_isize},
    {"u8", &ty_u8}, {"u16", &ty_u16}, {"u32", &ty_u32}, {"u64", &ty_u64}, {"usize", &ty_usize},
    {"f32", &ty_f32}, {"f64", &ty_f64}, {"bool", &ty_bool}, {"char", &ty_char}, {"str", &ty_str},
    {"String", &ty_string},
  };
  for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++)
    if (!strcmp(prims[i].name, n)) return *prims[i].ty;
  return NULL;
}

Type *prim_by_suffix(const char *suffix) { return suffix ? prim_type(suffix) : NULL; }


static Type **resolve_args(PathSeg *seg, GenericEnv *env, Type *self_ty, bool allow_infer) {
  Type **args = arena_alloc(sizeof(Type *) * (seg->nargs + 1));
  for (int i = 0; i < seg->nargs; i++) args[i] = resolve_type_ex(seg->args[i], env, self_ty, allow_infer);
  return args;
}

// In an expression path (`Vec::new()`) a generic type may omit its arguments; in a type it may not.
static bool in_expr_path;

// Vec<T> and Box<T>: exactly one argument here (std's second, the allocator, is unstable).
static Type *one_arg(PathSeg *seg, GenericEnv *env, Type *self_ty, bool allow_infer, const char *what) {
  if (seg->nargs == 0 && in_expr_path) return ty_new_var(0);
  if (seg->nargs == 0) {
    Diag *d = diag_error(seg->span, "E0107", "missing generics for struct `%s`", what);
    diag_label(d, "expected at least 1 generic argument");
    diag_help(d, "add missing generic argument: `%s<T>`", what);
    diag_emit(d);
    return err_type();
  }
  if (seg->nargs == 2) {
    Diag *d = diag_error(seg->args[1]->span, "E0658", "use of unstable library feature `allocator_api`");
    diag_note(d, "see issue #32838 <https://github.com/rust-lang/rust/issues/32838> for more information");
    diag_emit(d);
    return err_type();
  }
  if (seg->nargs > 2) {
    Diag *d = diag_error(seg->span, "E0107", "struct takes at most 2 generic arguments but %d generic arguments were supplied", seg->nargs);
    diag_label(d, "expected at most 2 generic arguments");
    diag_emit(d);
    return err_type();
  }
  return resolve_type_ex(seg->args[0], env, self_ty, allow_infer);
}

// `i32<u8>` (E0109) and `String<i32>` (E0107): these types take no arguments.
static bool reject_args(PathSeg *seg, Type *prim) {
  if (seg->nargs == 0) return false;
  if (prim->kind == TY_STRING) {
    Diag *d = diag_error(seg->span, "E0107", "struct takes 0 generic arguments but %d generic argument%s supplied", seg->nargs,
                         seg->nargs == 1 ? " was" : "s were");
    diag_label(d, "expected 0 generic arguments");
    diag_emit(d);
  } else {
    Diag *d = diag_error(seg->args[0]->span, "E0109", "type arguments are not allowed on builtin type `%s`", seg->name);
    diag_label(d, "type argument not allowed");
    diag_emit(d);
  }
  return true;
}

// Resolves the trait named by a bound (`Tr`, `Tr<X>`, `Tr<Item = Y>`) to a TraitRef.
static bool in_prelude(Span sp) { return sp.file == 0; }

TraitRef *resolve_trait_ref(Path *p, GenericEnv *env, Type *self_ty) {
  PathSeg *seg = &p->segs[p->nsegs - 1];
  const char *name = seg->name;
  TraitDecl *t = lookup_trait(name);
  if (!t) {
    const char *full = expand_path(p);
    if (p->nsegs > 1 && (!strncmp(full, "std::", 5) || !strncmp(full, "core::", 6))) t = lookup_trait(name);
    if (!t) {
      Diag *d = diag_error(seg->span, "E0405", "cannot find trait `%s` in this scope", name);
      diag_label(d, "not found in this scope");
      diag_emit(d);
      return NULL;
    }
  }
  int ngen = t->generics.nparams;
  if (seg->nargs > ngen && !seg->paren_sugar) {
    error_at(seg->span, "E0107", "trait takes %d generic argument%s but %d generic arguments were supplied",
             ngen, ngen == 1 ? "" : "s", seg->nargs);
    return NULL;
  }
  if (seg->paren_sugar) {
    // `Fn(A, B) -> R` is `Fn<(A, B), Output = R>`.
    if (!is_fn_trait(t)) {
      error_at(seg->span, "E0214", "parenthesized type parameters may only be used with a `Fn` trait");
      return NULL;
    }
    Type **ins = arena_alloc(sizeof(Type *) * (seg->nargs + 1));
    for (int i = 0; i < seg->nargs; i++) ins[i] = resolve_type(seg->args[i], env, self_ty);
    Type **args = arena_alloc(sizeof(Type *));
    args[0] = seg->nargs ? ty_tuple(ins, seg->nargs) : ty_unit;
    TraitRef *r = traitref_new(t, args, 1);
    r->nassoc = 1;
    r->assoc_names = arena_alloc(sizeof(char *));
    r->assoc_names[0] = intern_cstr("Output");
    r->assoc_types = arena_alloc(sizeof(Type *));
    r->assoc_types[0] = seg->paren_ret ? resolve_type(seg->paren_ret, env, self_ty) : ty_unit;
    return r;
  }
  if (is_fn_trait(t) && !(in_prelude(seg->span))) {
    error_at(seg->span, "E0658", "the precise format of `Fn`-family traits' type parameters is subject to change");
    return NULL;
  }
  TraitRef *r = traitref_new(t, resolve_args(seg, env, self_ty, false), seg->nargs);
  if (seg->nbinds) {
    r->nassoc = seg->nbinds;
    r->assoc_names = seg->bind_names;
    r->assoc_types = arena_alloc(sizeof(Type *) * seg->nbinds);
    for (int i = 0; i < seg->nbinds; i++) r->assoc_types[i] = resolve_type(seg->bind_types[i], env, self_ty);
  }
  return r;
}

// E0191: `dyn Iterator` says nothing about `Item`, so no vtable signature could be written.
static void require_assoc_bindings(TraitRef *r, TraitDecl *t, Span at) {
  for (int i = 0; i < t->nassoc_types; i++) {
    if (binding_of(r, t->assoc_types[i].name)) continue;
    Diag *d = diag_error(at, "E0191", "the value of the associated type `%s` in `%s` must be specified", t->assoc_types[i].name, t->name);
    diag_label(d, "help: specify the associated type: `%s<%s = Type>`", t->name, t->assoc_types[i].name);
    diag_secondary(d, t->assoc_types[i].span, "`%s` defined here", t->assoc_types[i].name);
    diag_emit(d);
  }
  for (int i = 0; i < t->nsuper_traits; i++) require_assoc_bindings(r, t->super_traits[i], at);
}

static Type *resolve_dyn(TypeExpr *te, GenericEnv *env, Type *self_ty) {
  TraitRef *principal = NULL;
  Span principal_span = te->span;
  TraitDecl **autos = arena_alloc(sizeof(TraitDecl *) * (te->nbounds + 1));
  int nautos = 0;
  for (int i = 0; i < te->nbounds; i++) {
    Bound *b = &te->bounds[i];
    if (b->maybe) {
      error_at(b->span, NULL, "`?Trait` is not permitted in trait object types");
      continue;
    }
    TraitRef *r = resolve_trait_ref(&b->path, env, self_ty);
    if (!r) return err_type();
    if (r->trait->is_auto) {
      autos[nautos++] = r->trait;
    } else if (principal) {
      Diag *d = diag_error(b->span, "E0225", "only auto traits can be used as additional traits in a trait object");
      diag_secondary(d, principal_span, "first non-auto trait");
      diag_label(d, "additional non-auto trait");
      diag_help(d, "consider creating a new trait with all of these as supertraits and using that trait here instead: `trait NewTrait: %s + %s {}`",
                traitref_name(principal), traitref_name(r));
      diag_note(d, "auto-traits like `Send` and `Sync` are traits that have special properties; for more information on them, visit <https://doc.rust-lang.org/reference/special-types-and-traits.html#auto-traits>");
      diag_emit(d);
      return err_type();
    } else {
      principal = r;
      principal_span = b->span;
    }
  }
  if (!principal && nautos == 0) {
    error_at(te->span, "E0224", "at least one trait is required for an object type");
    return err_type();
  }
  if (principal) {
    check_dyn_compatible(principal->trait, te->span);
    require_assoc_bindings(principal, principal->trait, principal_span);
  }
  return ty_dyn(principal, autos, nautos);
}

Type *resolve_type(TypeExpr *te, GenericEnv *env, Type *self_ty) {
  return resolve_type_ex(te, env, self_ty, false);
}

Type *resolve_expr_path_type(TypeExpr *te, GenericEnv *env, Type *self_ty) {
  in_expr_path = true;
  Type *t = resolve_type_ex(te, env, self_ty, true);
  in_expr_path = false;
  return t;
}

static Type *resolve_path_type(TypeExpr *te, GenericEnv *env, Type *self_ty, bool allow_infer) {
  Path *p = &te->path;
  PathSeg *seg = &p->segs[p->nsegs - 1];
  const char *name = seg->name;
  if (p->nsegs == 2 && !seg->nargs) {
    Type *t = resolve_assoc_path(te, env, self_ty);
    if (t) return t;
  }
  if (p->nsegs > 1) {
    const char *full = expand_path(p);
    if (!strcmp(full, "std::string::String")) return ty_string;
    if (!strcmp(full, "std::vec::Vec")) return ty_vec(one_arg(seg, env, self_ty, allow_infer, "Vec"));
    if (!strcmp(full, "std::boxed::Box")) return ty_box(one_arg(seg, env, self_ty, allow_infer, "Box"));
    error_at(te->span, NULL, "unsupported type path `%s`", full);
    return err_type();
  }
  if (!strcmp(name, "Self")) {
    if (!self_ty) {
      Diag *d = diag_error(te->span, "E0411", "cannot find type `Self` in this scope");
      diag_label(d, "`Self` is only available in impls, traits, and type definitions");
      diag_emit(d);
      return err_type();
    }
    return self_ty;
  }
  int pi = env_find(env, name);
  if (pi >= 0) return env->params[pi];
  Type *prim = prim_type(name);
  if (prim) return reject_args(seg, prim) ? err_type() : prim;
  if (!strcmp(name, "Vec")) {
    Type *el = one_arg(seg, env, self_ty, allow_infer, "Vec");
    require_sized(el, te->span, "the elements of a `Vec`");
    return ty_vec(el);
  }
  if (!strcmp(name, "Box")) return ty_box(one_arg(seg, env, self_ty, allow_infer, "Box"));
  StructDecl *s = lookup_struct(name);
  if (s) {
    int want = s->generics.nparams;
    if (seg->nargs != want && !(seg->nargs == 0 && in_expr_path)) {
      error_at(seg->span, "E0107", "struct takes %d generic argument%s but %d generic argument%s supplied", want,
               want == 1 ? "" : "s", seg->nargs, seg->nargs == 1 ? " was" : "s were");
      return err_type();
    }
    Type **args = arena_alloc(sizeof(Type *) * (want + 1));
    for (int i = 0; i < want; i++)
      args[i] = seg->nargs ? resolve_type_ex(seg->args[i], env, self_ty, allow_infer) : ty_new_var(0);
    return ty_struct(s, args, want);
  }
  if (lookup_trait(name)) {
    Diag *d = diag_error(te->span, "E0782", "expected a type, found a trait");
    diag_help(d, "you can add the `dyn` keyword if you want a trait object: `dyn %s`", name);
    diag_emit(d);
    return err_type();
  }
  Diag *d = diag_error(te->span, "E0425", "cannot find type `%s` in this scope", name);
  diag_label(d, "not found in this scope");
  diag_emit(d);
  return err_type();
}

// rustc's recursion limit: deeper types overflow its trait and drop checks (E0320, E0275).
#define TYPE_DEPTH_LIMIT 128
static int type_depth;

static Type *resolve_type_inner(TypeExpr *te, GenericEnv *env, Type *self_ty, bool allow_infer);

Type *resolve_type_ex(TypeExpr *te, GenericEnv *env, Type *self_ty, bool allow_infer) {
  if (type_depth >= TYPE_DEPTH_LIMIT) {
    if (type_depth == TYPE_DEPTH_LIMIT) {
      Diag *d = diag_error(te->span, NULL, "reached the recursion limit while resolving this type");
      diag_help(d, "types may nest at most %d levels deep", TYPE_DEPTH_LIMIT);
      diag_emit(d);
    }
    type_depth++;
    return err_type();
  }
  type_depth++;
  Type *t = resolve_type_inner(te, env, self_ty, allow_infer);
  type_depth--;
  te->resolved = t;
  return t;
}

static Type *resolve_type_inner(TypeExpr *te, GenericEnv *env, Type *self_ty, bool allow_infer) {
  Type *t;
  switch (te->kind) {
  case TE_PATH: t = resolve_path_type(te, env, self_ty, allow_infer); break;
  case TE_REF: t = ty_ref(resolve_type_ex(te->inner, env, self_ty, allow_infer), te->mut); break;
  case TE_PTR: t = ty_ptr(resolve_type_ex(te->inner, env, self_ty, allow_infer), te->mut); break;
  case TE_DYN: t = resolve_dyn(te, env, self_ty); break;
  case TE_TUPLE: {
    Type **el = arena_alloc(sizeof(Type *) * (te->nelems + 1));
    for (int i = 0; i < te->nelems; i++) el[i] = resolve_type_ex(te->elems[i], env, self_ty, allow_infer);
    t = ty_tuple(el, te->nelems);
    break;
  }
  case TE_SLICE: t = ty_slice(resolve_type_ex(te->inner, env, self_ty, allow_infer)); break;
  case TE_ARRAY: {
    Type *el = resolve_type_ex(te->inner, env, self_ty, allow_infer);
    if (!te->len || te->len->kind != EX_INT) {
      error_at(te->span, NULL, "array lengths must be integer literals");
      t = err_type();
    } else {
      t = ty_array(el, te->len->int_val);
    }
    break;
  }
  case TE_NEVER: t = ty_never; break;
  case TE_INFER:
    if (allow_infer) {
      t = ty_new_var(0);
    } else {
      Diag *d = diag_error(te->span, "E0121", "the placeholder `_` is not allowed within types on item signatures");
      diag_label(d, "not allowed in type signatures");
      diag_emit(d);
      t = err_type();
    }
    break;
  case TE_IMPL: {
    Diag *d = diag_error(te->span, "E0562", "`impl Trait` is not allowed in this position");
    diag_note(d, "`impl Trait` is only allowed in arguments and return types of functions and methods");
    diag_emit(d);
    t = err_type();
    break;
  }
  case TE_FN_PTR: {
    Type **ps = arena_alloc(sizeof(Type *) * (te->nelems + 1));
    for (int i = 0; i < te->nelems; i++) ps[i] = resolve_type_ex(te->elems[i], env, self_ty, allow_infer);
    t = ty_fn(ps, te->nelems, te->ret ? resolve_type_ex(te->ret, env, self_ty, allow_infer) : ty_unit);
    break;
  }
  default: t = err_type(); break;
  }
  return t;
}

// A `dyn Tr` value cannot live in a local, parameter, field or return slot: it has no size.
void require_sized(Type *t, Span sp, const char *what) {
  t = ty_resolve(t);
  if (ty_is_sized(t) || t->kind == TY_VAR) return;
  Diag *d = diag_error(sp, "E0277", "the size for values of type `%s` cannot be known at compilation time", ty_name(t));
  diag_label(d, "doesn't have a size known at compile-time");
  diag_help(d, "the trait `Sized` is not implemented for `%s`", ty_name(t));
  if (t->kind == TY_DYN)
    diag_help(d, "%s must have a statically known size; use `&%s` or `Box<%s>` instead", what, ty_name(t), ty_name(t));
  diag_emit(d);
}

// ---------------------------------------------------------------------------------------------
// Pass 1 and 2: collecting items and resolving their headers

static void collect_item(Item *it);

static void collect_block_items(Block *b);

static void add_bounds_from(GenericEnv *env, int pi, Bound *bounds, int nb, Type *self_ty) {
  for (int b = 0; b < nb; b++) {
    if (bounds[b].maybe) {
      env->sized[pi] = false;
      continue;
    }
    TraitRef *r = resolve_trait_ref(&bounds[b].path, env, self_ty);
    if (r) env_add_bound(env, pi, r);
  }
}

// Adds a Generics list (params with inline bounds, then where clauses) to env.
static void add_generics(GenericEnv *env, Generics *g, Type *self_ty, FnDecl *fn) {
  int first = env->n;
  for (int i = 0; i < g->nparams; i++) {
    if (env->n >= first + 14) {
      error_at(g->params[i].span, NULL, "too many type parameters");
      break;
    }
    env_add(env, g->params[i].name);
  }
  for (int i = 0; i < g->nparams && first + i < env->n; i++)
    add_bounds_from(env, first + i, g->params[i].bounds, g->params[i].nbounds, self_ty);
  for (int i = 0; i < g->npreds; i++) {
    WherePred *w = &g->preds[i];
    // `where Self: Sized` on a trait method opts the method out of the vtable.
    if (w->ty->kind == TE_PATH && w->ty->path.nsegs == 1 && !strcmp(w->ty->path.segs[0].name, "Self")) {
      for (int b = 0; b < w->nbounds; b++) {
        TraitRef *r = w->bounds[b].maybe ? NULL : resolve_trait_ref(&w->bounds[b].path, env, self_ty);
        if (!r) continue;
        if (r->trait == K->sized_trait && fn) {
          fn->requires_sized = true;
          fn->sized_span = w->bounds[b].span;
        }
        else if (env->has_self) env_add_bound(env, 0, r);
      }
      continue;
    }
    Type *t = resolve_type(w->ty, env, self_ty);
    if (t->kind != TY_PARAM) {
      error_at(w->span, NULL, "where clauses on non-parameter types are not supported");
      continue;
    }
    add_bounds_from(env, t->index, w->bounds, w->nbounds, self_ty);
  }
}

static void collect_fn(FnDecl *f) {
  vec_push(&K->fns, f);
  if (f->body) collect_block_items(f->body);
}

static void collect_item(Item *it) {
  switch (it->kind) {
  case ITEM_FN: collect_fn(it->fn); break;
  case ITEM_STRUCT: vec_push(&K->structs, it->sdecl); break;
  case ITEM_TRAIT: vec_push(&K->traits, it->trait); break;
  case ITEM_IMPL: vec_push(&K->impls, it->impl); break;
  case ITEM_USE: {
    UseEntry *u = arena_alloc(sizeof *u);
    u->path = it->use_path;
    u->alias = it->use_alias ? it->use_alias : it->use_path.segs[it->use_path.nsegs - 1].name;
    vec_push(&uses, u);
    break;
  }
  case ITEM_CONST: vec_push(&K->consts, it->cdecl); break;
  }
}

static void collect_stmt_items(Stmt *s) {
  if (s->kind == ST_ITEM) collect_item(s->item);
}

static void collect_block_items(Block *b) {
  for (int i = 0; i < b->nstmts; i++) collect_stmt_items(b->stmts[i]);
}

static void resolve_fields(FieldDecl *fields, int n, StructDecl *s, Type *self) {
  for (int i = 0; i < n; i++) {
    FieldDecl *f = &fields[i];
    f->type = resolve_type(f->ty, s->env, self);
    require_sized(f->type, f->ty->span, s->is_enum ? "an enum variant" : "a struct field");
    for (int j = 0; j < i; j++)
      if (f->name && fields[j].name == f->name) {
        Diag *d = diag_error(f->span, "E0124", "field `%s` is already declared", f->name);
        diag_secondary(d, fields[j].span, "`%s` first declared here", f->name);
        diag_emit(d);
      }
  }
}

// An explicit discriminant: an integer literal, possibly negated.
static bool const_discriminant(Expr *e, int64_t *out) {
  if (e->kind == EX_INT) {
    *out = (int64_t)e->int_val;
    return true;
  }
  if (e->kind == EX_UNARY && e->op == TK_MINUS && e->sub->kind == EX_INT) {
    *out = -(int64_t)e->sub->int_val;
    return true;
  }
  error_at(e->span, NULL, "enum discriminants must be integer literals");
  return false;
}

// Variants count up from the previous discriminant, as in Rust (E0081 for a repeated value).
static void resolve_variants(StructDecl *s, Type *self) {
  int64_t next = 0;
  for (int v = 0; v < s->nvariants; v++) {
    EnumVariant *ev = &s->variants[v];
    if (ev->discriminant && ev->kind != STRUCT_UNIT)
      error_at(ev->discriminant->span, "E0732", "discriminants on variants with fields are not supported");
    if (ev->discriminant) const_discriminant(ev->discriminant, &next);
    ev->discr = next++;
    resolve_fields(ev->fields, ev->nfields, s, self);
    for (int w = 0; w < v; w++) {
      if (s->variants[w].name == ev->name) {
        Diag *d = diag_error(ev->span, "E0428", "the name `%s` is defined multiple times", ev->name);
        diag_secondary(d, s->variants[w].span, "previous definition of the type `%s` here", ev->name);
        diag_emit(d);
      } else if (s->variants[w].discr == ev->discr) {
        Diag *d = diag_error(ev->span, "E0081", "discriminant value `%lld` assigned more than once", (long long)ev->discr);
        diag_secondary(d, s->variants[w].span, "first assignment of `%lld`", (long long)ev->discr);
        diag_emit(d);
      }
    }
  }
}

static void resolve_struct(StructDecl *s) {
  s->env = env_new(NULL);
  add_generics(s->env, &s->generics, NULL, NULL);
  Type **args = arena_alloc(sizeof(Type *) * (s->env->n + 1));
  for (int i = 0; i < s->env->n; i++) args[i] = s->env->params[i];
  Type *self = ty_struct(s, args, s->env->n);
  if (s->is_enum) resolve_variants(s, self);
  else resolve_fields(s->fields, s->nfields, s, self);
  for (int i = 0; i < s->attrs.nderives; i++)
    if (!strcmp(s->attrs.derives[i], "Copy")) s->is_copy = true;
}

// A const's value becomes the body of a function returning it.
static void resolve_const(ConstDecl *cd) {
  FnDecl *f = arena_alloc(sizeof *f);
  f->name = cd->name;
  f->span = cd->span;
  f->sig_span = cd->span;
  f->env = env_new(NULL);
  f->ret_type = resolve_type(cd->ty, f->env, NULL);
  f->body = arena_alloc(sizeof(Block));
  f->body->tail = cd->value;
  f->body->span = cd->value->span;
  cd->fn = f;
}

ConstDecl *lookup_const(const char *name) {
  for (int i = K->consts.len - 1; i >= 0; i--) {
    ConstDecl *c = VEC_AT(K->consts, i);
    if (c->name == name) return c;
  }
  return NULL;
}

static void resolve_trait_header(TraitDecl *t) {
  if (t->resolved) return;
  t->resolved = true;
  const char *n = t->name;
  // The prelude declares these; their special meaning is the compiler's.
  t->is_auto = !strcmp(n, "Send") || !strcmp(n, "Sync") || !strcmp(n, "Unpin");
  t->is_marker = !strcmp(n, "Sized") || !strcmp(n, "Copy");
  t->env = env_new(NULL);
  t->env->has_self = true;
  t->env->self_trait = t;
  env_add(t->env, intern_cstr("Self"));
  add_generics(t->env, &t->generics, t->env->params[0], NULL);
  Type **targs = arena_alloc(sizeof(Type *) * (t->env->n + 1));
  for (int i = 1; i < t->env->n; i++) targs[i - 1] = t->env->params[i];
  env_add_bound(t->env, 0, traitref_new(t, targs, t->env->n - 1));
  t->super_traits = arena_alloc(sizeof(TraitDecl *) * (t->nsupers + 1));
  for (int i = 0; i < t->nsupers; i++) {
    if (t->supers[i].maybe) continue;
    TraitRef *r = resolve_trait_ref(&t->supers[i].path, t->env, t->env->params[0]);
    if (!r) continue;
    if (r->trait == t) {
      error_at(t->supers[i].span, "E0391", "cycle detected when computing the super predicates of `%s`", n);
      continue;
    }
    if (r->trait == K->sized_trait) {
      t->requires_sized = true;
      t->sized_span = t->supers[i].span;
      continue;
    }
    if (r->trait->is_auto || r->trait->is_marker) continue;
    env_add_bound(t->env, 0, r);
    t->super_traits[t->nsuper_traits++] = r->trait;
  }
}

// Builds a fn's environment: its parent's (trait or impl) params, then its own, then one
// anonymous parameter per `impl Trait` argument (they are generic parameters in disguise).
static void resolve_fn_sig(FnDecl *f, GenericEnv *parent, Type *self_ty) {
  GenericEnv *env = env_new(parent);
  f->env = env;
  add_generics(env, &f->generics, self_ty, f);
  f->param_types = arena_alloc(sizeof(Type *) * (f->nparams + 1));
  for (int i = 0; i < f->nparams; i++) {
    TypeExpr *te = f->params[i].ty;
    TypeExpr *impl_te = te->kind == TE_IMPL ? te : (te->kind == TE_REF && te->inner->kind == TE_IMPL) ? te->inner : NULL;
    if (impl_te) {
      int pi = env_add(env, arena_printf("impl %s", impl_te->nbounds ? impl_te->bounds[0].path.segs[impl_te->bounds[0].path.nsegs - 1].name : "?"));
      add_bounds_from(env, pi, impl_te->bounds, impl_te->nbounds, self_ty);
      impl_te->resolved = env->params[pi];
      f->param_types[i] = te == impl_te ? env->params[pi] : ty_ref(env->params[pi], te->mut);
      te->resolved = f->param_types[i];
      f->has_impl_trait_args = true;
    } else {
      f->param_types[i] = resolve_type(te, env, self_ty);
      require_sized(f->param_types[i], te->span, "function arguments");
    }
  }
  f->ret_type = f->ret ? resolve_type(f->ret, env, self_ty) : ty_unit;
  if (f->ret && ty_resolve(f->ret_type)->kind == TY_DYN) {
    // A function returns by value: `dyn Tr` has no size; it must come back behind a pointer.
    Diag *d = diag_error(f->ret->span, "E0746", "return type cannot be a trait object without pointer indirection");
    diag_label(d, "doesn't have a size known at compile-time");
    diag_help(d, "box the return type, and wrap all of the returned values in `Box::new`: `Box<%s>`", ty_name(f->ret_type));
    diag_emit(d);
  } else if (f->ret) {
    require_sized(f->ret_type, f->ret->span, "the return type of a function");
  }
  switch (f->self_kind) {
  case SELF_NONE: f->self_param_ty = NULL; break;
  case SELF_VALUE: f->self_param_ty = self_ty; break;
  case SELF_REF: f->self_param_ty = ty_ref(self_ty, false); break;
  case SELF_REF_MUT: f->self_param_ty = ty_ref(self_ty, true); break;
  case SELF_BOX: f->self_param_ty = ty_box(self_ty); break;
  }
}

static void resolve_trait_items(TraitDecl *t) {
  for (int i = 0; i < t->nmethods; i++) {
    FnDecl *m = t->methods[i];
    m->trait = t;
    resolve_fn_sig(m, t->env, t->env->params[0]);
  }
}

// Phase one of an impl: its parameters, self type and trait, so that impl lookup works for
// every impl before any signature mentions `<X as Tr>::Item`.
static void resolve_impl_self(ImplDecl *im) {
  im->env = env_new(NULL);
  add_generics(im->env, &im->generics, NULL, NULL);
  im->self_ty = resolve_type(im->self_te, im->env, NULL);
  if (im->trait_path) {
    TraitRef *r = resolve_trait_ref(im->trait_path, im->env, im->self_ty);
    if (r) {
      im->trait = r->trait;
      im->trait_args = r->args;
      im->ntrait_args = r->nargs;
    }
  }
}

// Phase two: `type Item = u32;` bindings.
static void resolve_impl_assoc(ImplDecl *im) {
  for (int i = 0; i < im->nassoc_types; i++) {
    AssocTypeDecl *a = &im->assoc_types[i];
    if (!a->default_ty) continue;
    a->resolved = resolve_type(a->default_ty, im->env, im->self_ty);
    if (!im->trait || !trait_with_assoc(im->trait, a->name) || trait_with_assoc(im->trait, a->name) != im->trait) {
      Diag *d = diag_error(a->span, "E0437", "type `%s` is not a member of trait `%s`", a->name, im->trait ? im->trait->name : "?");
      diag_label(d, "not a member of trait `%s`", im->trait ? im->trait->name : "?");
      diag_emit(d);
    }
  }
}

static void resolve_impl_header(ImplDecl *im) {
  for (int i = 0; i < im->nmethods; i++) {
    im->methods[i]->impl = im;
    resolve_fn_sig(im->methods[i], im->env, im->self_ty);
  }
  if (im->trait && im->trait == K->drop_trait) {
    Type *st = ty_resolve(im->self_ty);
    if (st->kind != TY_STRUCT) {
      Diag *d = diag_error(im->self_te->span, "E0120", "the `Drop` trait may only be implemented for local structs, enums, and unions");
      diag_label(d, "must be a struct, enum, or union in the current crate");
      diag_emit(d);
    } else {
      st->sdecl->drop_impl = im;
    }
  }
}

// E0046 / E0407 / E0050 / E0185 / E0186: an impl must match its trait item for item.
static void check_impl_items(ImplDecl *im) {
  TraitDecl *t = im->trait;
  if (!t) return;
  for (int i = 0; i < im->nmethods; i++) {
    FnDecl *m = im->methods[i];
    FnDecl *tm = NULL;
    for (int j = 0; j < t->nmethods; j++)
      if (t->methods[j]->name == m->name) tm = t->methods[j];
    if (!tm) {
      Diag *d = diag_error(m->sig_span, "E0407", "method `%s` is not a member of trait `%s`", m->name, t->name);
      diag_label(d, "not a member of trait `%s`", t->name);
      diag_emit(d);
      continue;
    }
    if (tm->self_kind != SELF_NONE && m->self_kind == SELF_NONE) {
      Diag *d = diag_error(m->sig_span, "E0186", "method `%s` has a `%s` declaration in the trait, but not in the impl", m->name,
                           tm->self_kind == SELF_REF ? "&self" : tm->self_kind == SELF_REF_MUT ? "&mut self" : "self");
      diag_secondary(d, tm->sig_span, "trait method declared with `%s`",
                     tm->self_kind == SELF_REF ? "&self" : tm->self_kind == SELF_REF_MUT ? "&mut self" : "self");
      diag_label(d, "expected `%s` in impl", tm->self_kind == SELF_REF ? "&self" : tm->self_kind == SELF_REF_MUT ? "&mut self" : "self");
      diag_emit(d);
      continue;
    }
    if (tm->self_kind == SELF_NONE && m->self_kind != SELF_NONE) {
      Diag *d = diag_error(m->self_span, "E0185", "method `%s` has a `self` declaration in the impl, but not in the trait", m->name);
      diag_label(d, "`self` used in impl");
      diag_secondary(d, tm->sig_span, "trait method declared without `self`");
      diag_emit(d);
      continue;
    }
    if (tm->nparams != m->nparams) {
      int want = tm->nparams + (tm->self_kind != SELF_NONE), got = m->nparams + (m->self_kind != SELF_NONE);
      Span first = m->self_kind != SELF_NONE ? m->self_span : m->nparams ? m->params[0].span : m->sig_span;
      Span last = m->nparams ? m->params[m->nparams - 1].span : first;
      Span params = {first.file, first.lo, last.hi};
      Diag *d = diag_error(params, "E0050", "method `%s` has %d parameter%s but the declaration in trait `%s::%s` has %d",
                           m->name, got, got == 1 ? "" : "s", t->name, tm->name, want);
      diag_label(d, "expected %d parameter%s, found %d", want, want == 1 ? "" : "s", got);
      diag_emit(d);
      continue;
    }
    // Compare the signatures with the trait's Self and parameters replaced by the impl's (in the
    // impl's generic environment: `<W<I> as Iterator>::Item` needs `I: Iterator` to project).
    GenericEnv *saved_env = cur_env;
    cur_env = im->env;
    int n = t->env->n + tm->env->n - t->env->n;
    Type **sub = arena_alloc(sizeof(Type *) * (n + 1));
    sub[0] = im->self_ty;
    for (int a = 0; a < im->ntrait_args && a + 1 < t->env->n; a++) sub[a + 1] = im->trait_args[a];
    for (int a = t->env->n; a < tm->env->n && a - t->env->n + im->env->n < m->env->n; a++)
      sub[a] = m->env->params[a - t->env->n + im->env->n];
    bool same = (tm->self_param_ty == NULL) == (m->self_param_ty == NULL) &&
                (!tm->self_param_ty || ty_normalize(ty_subst(tm->self_param_ty, sub, n), im->env) == m->self_param_ty);
    Span at = same ? m->sig_span : m->self_span, trait_at = tm->self_span;
    Type *want = tm->self_param_ty ? ty_normalize(ty_subst(tm->self_param_ty, sub, n), im->env) : NULL, *got = m->self_param_ty;
    for (int p = 0; p < m->nparams && same; p++) {
      want = ty_normalize(ty_subst(tm->param_types[p], sub, n), im->env);
      got = ty_normalize(m->param_types[p], im->env);
      same = want == got;
      at = m->params[p].ty->span;
      trait_at = tm->params[p].ty->span;
    }
    if (same && ty_normalize(ty_subst(tm->ret_type, sub, n), im->env) != ty_normalize(m->ret_type, im->env)) {
      same = false;
      want = ty_normalize(ty_subst(tm->ret_type, sub, n), im->env);
      got = ty_normalize(m->ret_type, im->env);
      at = m->ret ? m->ret->span : m->sig_span;
      trait_at = tm->ret ? tm->ret->span : tm->sig_span;
    }
    if (!same) {
      Diag *d = diag_error(at, "E0053", "method `%s` has an incompatible type for trait", m->name);
      diag_label(d, "expected `%s`, found `%s`", want ? ty_name(want) : "()", got ? ty_name(got) : "()");
      diag_note_at(d, trait_at, "type in trait");
      diag_note(d, "expected signature `%s`", fn_sig_string(tm, sub, n));
      diag_note(d, "   found signature `%s`", fn_sig_string(m, NULL, 0));
      diag_emit(d);
    }
    cur_env = saved_env;
  }
  const char *missing = NULL;
  int nmissing = 0;
  for (int j = 0; j < t->nassoc_types; j++)
    if (!impl_assoc(im, t->assoc_types[j].name)) {
      missing = missing ? arena_printf("%s, `%s`", missing, t->assoc_types[j].name) : arena_printf("`%s`", t->assoc_types[j].name);
      nmissing++;
    }
  for (int j = 0; j < t->nmethods; j++) {
    FnDecl *tm = t->methods[j];
    if (tm->body) continue;
    bool found = false;
    for (int i = 0; i < im->nmethods; i++) found |= im->methods[i]->name == tm->name;
    if (!found) {
      missing = missing ? arena_printf("%s, `%s`", missing, tm->name) : arena_printf("`%s`", tm->name);
      nmissing++;
    }
  }
  if (missing) {
    Diag *d = diag_error(im->span, "E0046", "not all trait items implemented, missing: %s", missing);
    diag_label(d, "missing %s in implementation", missing);
    diag_emit(d);
  }
  // Supertraits must be implemented too: `impl Greetable for Person` needs `impl Named for Person`.
  for (int s = 0; s < t->nsuper_traits; s++) {
    Type *st = im->self_ty;
    GenericEnv *saved = cur_env;
    cur_env = im->env;
    bool ok = type_implements(K, st, t->super_traits[s]);
    cur_env = saved;
    if (!ok) {
      Diag *d = diag_error(im->self_te->span, "E0277", "the trait bound `%s: %s` is not satisfied", ty_name(st), t->super_traits[s]->name);
      diag_label(d, "the trait `%s` is not implemented for `%s`", t->super_traits[s]->name, ty_name(st));
      diag_note_at(d, t->span, "required by a bound in `%s`", t->name);
      diag_emit(d);
    }
  }
}

// Two impls of one trait whose self types are the same type conflict (E0119).
static void check_overlap(void) {
  for (int i = 0; i < K->impls.len; i++) {
    ImplDecl *a = VEC_AT(K->impls, i);
    if (!a->trait || (a->env && a->env->n)) continue;
    for (int j = 0; j < i; j++) {
      ImplDecl *b = VEC_AT(K->impls, j);
      if (b->trait != a->trait || (b->env && b->env->n) || b->self_ty != a->self_ty) continue;
      bool same_args = a->ntrait_args == b->ntrait_args;
      for (int k = 0; k < a->ntrait_args && same_args; k++) same_args = a->trait_args[k] == b->trait_args[k];
      if (!same_args) continue;
      Diag *d = diag_error(a->span, "E0119", "conflicting implementations of trait `%s` for type `%s`", a->trait->name, ty_name(a->self_ty));
      diag_secondary(d, b->span, "first implementation here");
      diag_label(d, "conflicting implementation for `%s`", ty_name(a->self_ty));
      diag_emit(d);
    }
  }
}

const char *fn_sig_string(FnDecl *f, Type **sub, int n) {
  const char *s = "fn(";
  bool first = true;
  if (f->self_param_ty) {
    s = arena_printf("%s%s", s, ty_name(ty_subst(f->self_param_ty, sub, n)));
    first = false;
  }
  for (int i = 0; i < f->nparams; i++) {
    s = arena_printf("%s%s%s", s, first ? "" : ", ", ty_name(ty_subst(f->param_types[i], sub, n)));
    first = false;
  }
  s = arena_printf("%s)", s);
  Type *r = ty_subst(f->ret_type, sub, n);
  if (r != ty_unit) s = arena_printf("%s -> %s", s, ty_name(r));
  return s;
}

// ---------------------------------------------------------------------------------------------
// The driver of the checker

static void find_lang_traits(void) {
  K->drop_trait = lookup_trait(intern_cstr("Drop"));
  K->sized_trait = lookup_trait(intern_cstr("Sized"));
  K->copy_trait = lookup_trait(intern_cstr("Copy"));
  K->clone_trait = lookup_trait(intern_cstr("Clone"));
  if (!K->drop_trait || !K->sized_trait || !K->copy_trait || !K->clone_trait)
    ice((Span){0}, "the prelude lacks a lang trait");
  K->drop_trait->is_lang_drop = true;
  const char *fn_names[3] = {"Fn", "FnMut", "FnOnce"};
  for (int i = 0; i < 3; i++) K->fn_traits[i] = lookup_trait(intern_cstr(fn_names[i]));
  K->option = lookup_struct(intern_cstr("Option"));
  K->iterator_trait = lookup_trait(intern_cstr("Iterator"));
  K->into_iterator_trait = lookup_trait(intern_cstr("IntoIterator"));
}

bool is_fn_trait(TraitDecl *t) { return t && (t == K->fn_traits[0] || t == K->fn_traits[1] || t == K->fn_traits[2]); }

// Fn is usable where FnMut is wanted, and FnMut where FnOnce is (they are supertraits in std;
// trc keeps them apart so that each `dyn Fn*` vtable has exactly one call slot).
static bool fn_trait_implies(TraitDecl *have, TraitDecl *want) {
  int h = have == K->fn_traits[0] ? 0 : have == K->fn_traits[1] ? 1 : 2;
  int w = want == K->fn_traits[0] ? 0 : want == K->fn_traits[1] ? 1 : 2;
  return h <= w;
}

// E0428: two items of one namespace with one name. Types (structs, enums, traits) and values
// (fns, consts) are separate namespaces, as in Rust.
static const char *item_name(Item *it, bool *type_ns, Span *name_span) {
  *type_ns = true;
  switch (it->kind) {
  case ITEM_STRUCT: *name_span = it->sdecl->span; return it->sdecl->name;
  case ITEM_TRAIT: *name_span = it->trait->span; return it->trait->name;
  case ITEM_FN: *type_ns = false; *name_span = it->fn->span; return it->fn->name;
  case ITEM_CONST: *type_ns = false; *name_span = it->cdecl->span; return it->cdecl->name;
  default: return NULL;
  }
}

// Names seen so far, by (interned name, namespace): an open-addressing table, since a program
// may have hundreds of thousands of items.
typedef struct {
  const char *name;
  bool type_ns;
  Item *item;
} SeenName;

static void check_duplicate_items(Program *prog) {
  size_t cap = 64;
  while (cap < (size_t)prog->nitems * 2) cap *= 2;
  SeenName *tab = arena_alloc(sizeof(SeenName) * cap);
  for (int i = 0; i < prog->nitems; i++) {
    bool ti;
    Span si;
    const char *ni = item_name(prog->items[i], &ti, &si);
    if (!ni) continue;
    size_t h = ((uintptr_t)ni >> 3) * 2 + ti;
    for (;; h++) {
      SeenName *e = &tab[h & (cap - 1)];
      if (!e->name) {
        *e = (SeenName){ni, ti, prog->items[i]};
        break;
      }
      if (e->name != ni || e->type_ns != ti) continue;
      bool tj;
      Span sj;
      item_name(e->item, &tj, &sj);
      Span here = {si.file, prog->items[i]->span.lo, si.hi};
      Span there = {sj.file, e->item->span.lo, sj.hi};
      Diag *d = diag_error(here, "E0428", "the name `%s` is defined multiple times", ni);
      diag_label(d, "`%s` redefined here", ni);
      diag_secondary(d, there, "previous definition of the %s `%s` here", ti ? "type" : "value", ni);
      diag_note(d, "`%s` must be defined only once in the %s namespace of this module", ni, ti ? "type" : "value");
      diag_emit(d);
      break;
    }
  }
}

void check_reset(void) {
  K = NULL;
  cur_env = NULL;
  uses = (PtrVec){0};  // its storage was in the arena
  impl_depth = normalize_depth = type_depth = 0;
  in_expr_path = false;
  check_expr_reset();
}

bool check_program(Crate *crate, Program *prog) {
  K = crate;
  crate->prog = prog;
  check_duplicate_items(prog);
  for (int i = 0; i < prog->nitems; i++) collect_item(prog->items[i]);
  find_lang_traits();
  for (int i = 0; i < K->traits.len; i++) resolve_trait_header(VEC_AT(K->traits, i));
  for (int i = 0; i < K->structs.len; i++) resolve_struct(VEC_AT(K->structs, i));
  for (int i = 0; i < K->traits.len; i++) resolve_trait_items(VEC_AT(K->traits, i));
  for (int i = 0; i < K->impls.len; i++) resolve_impl_self(VEC_AT(K->impls, i));
  for (int i = 0; i < K->impls.len; i++) resolve_impl_assoc(VEC_AT(K->impls, i));
  for (int i = 0; i < K->impls.len; i++) resolve_impl_header(VEC_AT(K->impls, i));
  for (int i = 0; i < K->fns.len; i++) {
    FnDecl *f = VEC_AT(K->fns, i);
    if (!f->impl && !f->trait) resolve_fn_sig(f, NULL, NULL);
  }
  for (int i = 0; i < K->consts.len; i++) resolve_const(VEC_AT(K->consts, i));
  if (diag_error_count()) return false;
  check_overlap();
  for (int i = 0; i < K->impls.len; i++) check_impl_items(VEC_AT(K->impls, i));
  for (int i = 0; i < K->traits.len; i++) {
    TraitDecl *t = VEC_AT(K->traits, i);
    for (int m = 0; m < t->nmethods; m++)
      if (t->methods[m]->body) check_fn_body(t->methods[m]);
  }
  for (int i = 0; i < K->impls.len; i++) {
    ImplDecl *im = VEC_AT(K->impls, i);
    for (int m = 0; m < im->nmethods; m++) check_fn_body(im->methods[m]);
  }
  for (int i = 0; i < K->fns.len; i++) {
    FnDecl *f = VEC_AT(K->fns, i);
    if (!f->impl && !f->trait) check_fn_body(f);
  }
  for (int i = 0; i < K->consts.len; i++) check_fn_body(((ConstDecl *)VEC_AT(K->consts, i))->fn);
  FnDecl *main_fn = NULL;
  for (int i = 0; i < K->fns.len; i++) {
    FnDecl *f = VEC_AT(K->fns, i);
    if (f->name == intern_cstr("main") && !f->impl && !f->trait && f->span.file != 0) main_fn = f;
  }
  if (!main_fn && !diag_error_count()) {
    // rustc names the crate after the file and points just past its last token.
    const char *file = diag_file_name(1);
    const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    char *crate_name = arena_strndup(base, strcspn(base, "."));
    for (char *p = crate_name; *p; p++)
      if (*p == '-') *p = '_';
    Diag *d = diag_error(diag_file_end(1), "E0601", "`main` function not found in crate `%s`", crate_name);
    diag_label(d, "consider adding a `main` function to `%s`", base);
    diag_emit(d);
  } else if (main_fn && (main_fn->nparams || main_fn->ret_type != ty_unit || main_fn->env->n)) {
    error_at(main_fn->sig_span, "E0580", "`main` function has wrong type: expected `fn()`");
  }
  K->main_fn = main_fn;
  return diag_error_count() == 0;
}
