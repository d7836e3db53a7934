// traits.c — what the checker and the later phases ask about traits and impls.
//
// Does a type implement a trait? Which impl, with which type arguments? What does an
// associated type projection `<T as Tr>::Item` stand for? These questions are asked while
// checking bodies and again, for concrete types, by mono and codegen, so they live here, below
// the rest of the checker: this file reads only the Crate (K) and the generic environment of
// the body being checked (cur_env), never the checker's passes. Impl lookup matches an impl's
// self type (which may mention the impl's parameters) against the type asked about. Whether a
// trait can be made into `dyn` at all (E0038) is a property of the trait, so it is here too.
#include "sema/sema_internal.h"

#include <string.h>

Crate *K;

// ---------------------------------------------------------------------------------------------
// Traits: supertraits and the vtable method list

static bool fn_trait_implies(TraitDecl *have, TraitDecl *want);

bool trait_implies(TraitDecl *have, TraitDecl *want) {
  if (have == want) return true;
  if (is_fn_trait(have) && is_fn_trait(want)) return fn_trait_implies(have, want);
  for (int i = 0; i < have->nsuper_traits; i++)
    if (trait_implies(have->super_traits[i], want)) return true;
  for (int i = 0; i < have->nmarker_supers; i++)
    if (have->marker_supers[i] == want) return true;
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

// A trait other than not, among t and its supertraits, that declares a method called name
// itself (`trait Loud: Animal` where both declare `talk`), or NULL.
TraitDecl *trait_other_declarer(TraitDecl *t, const char *name, TraitDecl *not) {
  if (t != not)
    for (int i = 0; i < t->nmethods; i++)
      if (t->methods[i]->name == name) return t;
  for (int i = 0; i < t->nsuper_traits; i++) {
    TraitDecl *o = trait_other_declarer(t->super_traits[i], name, not);
    if (o) return o;
  }
  return NULL;
}

// ---------------------------------------------------------------------------------------------
// Impl lookup by matching an impl's self type (which may mention the impl's parameters)
// against a concrete type.

bool match_type(Type *pat, Type *t, Type **binds, int nbinds) {
  t = ty_resolve(t);
  if (pat->kind == TY_PARAM && pat->index < nbinds) {
    // Bound already: the same type, also when one holds variables bound since (`D<?v>` with
    // ?v = i32 is `D<i32>`).
    if (binds[pat->index]) return binds[pat->index] == t || ty_zonk(binds[pat->index]) == ty_zonk(t);
    binds[pat->index] = t;
    return true;
  }
  // Equal types match, but a pattern with parameters must still be walked to bind them: the
  // impl's `W<T>` and the `W<T>` asked about in another impl of the same shape are one type.
  if (pat == t && !ty_has_params(pat)) return true;
  // `[T; N]` binds N (first: with T bound to a variable already, the element may not match yet)
  if (pat->kind == TY_ARRAY && t->kind == TY_ARRAY && (pat->nargs || t->nargs))
    return match_type(ty_array_len(pat), ty_array_len(t), binds, nbinds) && match_type(pat->inner, t->inner, binds, nbinds);
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
// rustc's recursion_limit: how deep the checker follows impls through their own bounds
// (`W<W<..>>: Tr` asks `W<..>: Tr`, ...) before it gives up, which rustc reports as E0275.
// Monomorphization builds types as deep as its own instance limit of the same size, so it
// follows further (impls_follow_deeper).
#define CHECK_IMPL_DEPTH 128
static int impl_depth_limit = CHECK_IMPL_DEPTH;
static bool impl_overflowed;
static Type *impl_at_limit;  // the type last asked about at the deepest level allowed

void impls_follow_deeper(void) { impl_depth_limit = 2 * CHECK_IMPL_DEPTH; }

Type *impls_overflowed(bool clear) {
  Type *was = impl_overflowed ? impl_at_limit : NULL;
  if (clear) impl_overflowed = false;
  return was;
}

static int nesting(Type *t) {
  t = ty_resolve(t);
  int d = t->inner ? nesting(t->inner) : 0;
  for (int i = 0; i < t->nargs; i++) {
    int a = nesting(t->args[i]);
    if (a > d) d = a;
  }
  return d + 1;
}

// The type at the last level allowed is 128 deep: rustc cuts its name short.
void report_impl_overflow(Span sp, Type *at, const char *trait) {
  const char *name = nesting(at) > 24 ? ty_name_short(at, 7) : ty_name(at);
  Diag *d = diag_error(sp, "E0275", "overflow evaluating the requirement `%s: %s`", name, trait);
  diag_help(d, "consider increasing the recursion limit by adding a `#![recursion_limit = \"256\"]` attribute to your crate");
  diag_emit(d);
}

// Whether t, which may still hold inference variables, could become a type pat matches: a
// variable could be anything its kind allows (`{float}` only f32 or f64).
bool may_match(Type *pat, Type *t) {
  t = ty_resolve(t);
  pat = ty_resolve(pat);
  if (pat->kind == TY_PARAM || (pat->kind == TY_VAR && !pat->var_kind)) return true;  // (an open variable of the pattern's, too)
  if (t->kind == TY_VAR) {
    if (t->var_kind == 1) return pat->kind == TY_INT;
    if (t->var_kind == 2) return pat->kind == TY_FLOAT;
    return true;
  }
  if (pat == t) return true;
  if (pat->kind == TY_ARRAY && t->kind == TY_ARRAY && (pat->nargs || t->nargs))
    return may_match(pat->inner, t->inner) && may_match(ty_array_len(pat), ty_array_len(t));
  if (pat->kind != t->kind || pat->mut != t->mut || pat->nargs != t->nargs || pat->sdecl != t->sdecl ||
      pat->bits != t->bits || pat->is_signed != t->is_signed || pat->is_size != t->is_size || pat->len != t->len)
    return false;
  if (pat->inner && !may_match(pat->inner, t->inner)) return false;
  for (int i = 0; i < pat->nargs; i++)
    if (!may_match(pat->args[i], t->args[i])) return false;
  return pat->kind != TY_DYN;
}

// Whether some instantiation of t, which may hold inference variables, could implement trait:
// one of its impls could match it (coherence asks this of a local type with open arguments,
// `&Wrapper<_>: Iterator`). Auto and marker traits are answered structurally, so they may.
bool may_implement(Type *t, TraitDecl *trait) {
  t = ty_resolve(t);
  if (!ty_has_vars(t)) return type_implements(K, t, trait);
  if (trait->is_auto || trait->is_marker || t->kind == TY_VAR) return true;
  for (int i = 0; i < trait->impls.len; i++) {
    ImplDecl *im = trait->impls.data[i];
    if (im->self_ty && may_match(im->self_ty, t)) return true;
  }
  return false;
}

bool has_literal_var(Type *t) {
  t = ty_resolve(t);
  if (t->kind == TY_VAR) return t->var_kind != 0;
  if (t->inner && has_literal_var(t->inner)) return true;
  for (int i = 0; i < t->nargs; i++)
    if (t->args[i] && has_literal_var(t->args[i])) return true;
  return false;
}

// `W(1).name()` with only `impl Name for W<i32>`, `5.double()` with only `impl Double for u8`:
// a receiver whose type still holds a literal's `{integer}` or `{float}` becomes the self type
// of the one impl, among those of `traits`, that it could become (rustc's method probe
// unifies with its only candidate). Returns whether it did.
bool unify_with_literal_impl(TraitDecl **traits, int ntraits, Type *self) {
  if (!has_literal_var(self)) return false;
  ImplDecl *only = NULL;
  for (int t = 0; t < ntraits; t++)
    for (int i = 0; i < traits[t]->impls.len; i++) {
      ImplDecl *im = traits[t]->impls.data[i];
      if (!im->self_ty || !may_match(im->self_ty, self)) continue;
      if (only && only->self_ty != im->self_ty) return false;  // (`Range<usize>`'s impls for [T] and str agree)
      only = im;
    }
  if (!only) return false;
  int n = only->env ? only->env->n : 0;
  Type **fresh = arena_alloc(sizeof(Type *) * (n + 1));
  for (int p = 0; p < n; p++) fresh[p] = ty_new_var(0);
  // (A blanket `impl<T: Display> Tr for T` decides nothing: the literal keeps its fallback.)
  return unify(ty_subst(only->self_ty, fresh, n), self) && !has_literal_var(self);
}

static bool bound_holds(Crate *crate, Type *bp, TraitRef *r, Type **binds, int n);

// The types an integer (or float) literal's variable may become, *n of them. (Built anew each
// time: the primitive types live in the arena, which the fuzz target resets between inputs.)
Type *const *literal_types(Type *var, int *n) {
  bool is_int = ty_resolve(var)->var_kind == 1;
  Type **out = arena_alloc(sizeof(Type *) * 12);
  Type *ints[] = {ty_i32, ty_i8, ty_i16, ty_i64, ty_i128, ty_isize, ty_u8, ty_u16, ty_u32, ty_u64, ty_u128, ty_usize};
  Type *floats[] = {ty_f64, ty_f32};
  *n = is_int ? 12 : 2;
  copy_bytes(out, is_int ? ints : floats, sizeof(Type *) * (size_t)*n);
  return out;
}

// Whether the impl's where-clauses could hold with these bindings (rustc's winnowing of
// candidates by their nested obligations): a parameter bound to a known type must meet its
// bounds, and one bound to an integer or float literal must meet them for some type the
// literal could be. `Even::try_from(4)` has std's `impl<T, U: Into<T>> TryFrom<U> for T` and
// the program's `impl TryFrom<u32> for Even`; no integer is Into<Even>, so the literal is u32.
static bool impl_bounds_may_hold(ImplDecl *im, Type **binds, int n) {
  for (int p = 0; p < n && im->env; p++) {
    if (!binds[p] || !im->env->nbounds[p]) continue;
    Type *bp = ty_resolve(binds[p]);
    if (bp->kind == TY_VAR && bp->var_kind) {
      int ncands;
      Type *const *cands = literal_types(bp, &ncands);
      Type **tmp = arena_alloc(sizeof(Type *) * (size_t)(n + 1));
      bool any = false;
      for (int c = 0; c < ncands && !any; c++) {
        copy_bytes(tmp, binds, sizeof(Type *) * (size_t)n);
        tmp[p] = cands[c];
        any = true;
        for (int b = 0; b < im->env->nbounds[p] && any; b++) any = bound_holds(K, tmp[p], im->env->bounds[p][b], tmp, n);
      }
      if (!any) return false;
      continue;
    }
    if (ty_has_vars(bp) || ty_has_params(bp)) continue;
    for (int b = 0; b < im->env->nbounds[p]; b++)
      if (!bound_holds(K, bp, im->env->bounds[p][b], binds, n)) return false;
  }
  return true;
}

// `<P as Mul<{float}>>`: of the impls for self, the only one whose trait arguments the given ones
// could become (rustc's selection with one candidate), its arguments unified in; or NULL.
ImplDecl *select_by_args(TraitDecl *trait, Type *self, Type **given, int nargs) {
  ImplDecl *only = NULL;
  Type **only_binds = NULL;
  // `u32: Sum<<RangeInclusive<{integer}> as Iterator>::Item>`: the projection is the literal.
  Type **args = arena_alloc(sizeof(Type *) * (size_t)(nargs + 1));
  for (int a = 0; a < nargs; a++) args[a] = ty_has_assoc(given[a]) ? ty_normalize(given[a], cur_env) : given[a];
  for (int i = 0; i < trait->impls.len; i++) {
    ImplDecl *im = trait->impls.data[i];
    int n = im->env ? im->env->n : 0;
    Type **binds = arena_alloc(sizeof(Type *) * (n + 1));
    if (!im->self_ty || im->ntrait_args != nargs || !match_type(im->self_ty, ty_resolve(self), binds, n)) continue;
    bool ok = true;
    for (int a = 0; a < nargs && ok; a++) {  // (the impl's argument may hold self's variables: `PartialEq<T> for W<T>`)
      Type *want = ty_subst(im->trait_args[a], binds, n);
      ok = may_match(want, args[a]) || ty_may_unify(want, args[a]);
    }
    // (The parameters only the trait's arguments name take the call's: `U` of `TryFrom<U>`.)
    for (int a = 0; a < nargs && ok; a++) match_type(im->trait_args[a], args[a], binds, n);
    if (!ok || !impl_bounds_may_hold(im, binds, n)) continue;
    if (only) return NULL;
    only = im, only_binds = binds;
  }
  if (!only) return NULL;
  int n = only->env ? only->env->n : 0;
  for (int a = 0; a < nargs; a++) {
    Type *want = ty_subst(only->trait_args[a], only_binds, n);
    if (!ty_has_params(want)) unify(args[a], want);
  }
  return only;
}

static bool has_unbound(Type *t, Type **binds, int n) {
  t = ty_resolve(t);
  if (t->kind == TY_PARAM) return t->index < n && !binds[t->index];
  if (t->inner && has_unbound(t->inner, binds, n)) return true;
  for (int i = 0; i < t->nargs; i++)
    if (has_unbound(t->args[i], binds, n)) return true;
  return false;
}

// An impl's parameter that its self type does not mention is still fixed when a bound of
// another parameter names it as an associated type: B in `impl<B, I: Iterator, F: FnMut(I::Item)
// -> B> Iterator for Map<I, F>` is the Output of the closure F is bound to (rustc's parameters
// "constrained by a projection"). Binds them; fails when the projection's shape disagrees.
static bool bind_by_projection(GenericEnv *env, Type **binds, int n) {
  for (int round = 0; env && round < 2; round++)
    for (int q = 0; q < n; q++) {
      if (!binds[q]) continue;
      for (int b = 0; b < env->nbounds[q]; b++) {
        TraitRef *r = env->bounds[q][b];
        for (int i = 0; i < r->nassoc; i++) {
          Type *want = r->assoc_types[i];
          if (!has_unbound(want, binds, n)) continue;
          TraitDecl *owner = is_fn_trait(r->trait) ? r->trait : trait_with_assoc(r->trait, r->assoc_names[i]);
          if (!owner) continue;
          Type *have = ty_normalize(ty_assoc(binds[q], owner, r->assoc_names[i]), cur_env);
          // Not known yet, unless it is a projection of the generic body's own parameters
          // (`<P as Producer>::Output`, what a closure in `fn f<P: Producer>` returns).
          if (ty_resolve(have)->kind == TY_ASSOC && (ty_has_vars(have) || have == ty_assoc(binds[q], owner, r->assoc_names[i]))) continue;
          if (!match_type(want, have, binds, n)) return false;
        }
      }
    }
  return true;
}

// Whether the impl's trait arguments name its parameter p (types are interned: substituting
// p changes a type exactly when it names p).
static bool impl_arg_names_param(ImplDecl *im, int p) {
  Type **probe = arena_alloc(sizeof(Type *) * (p + 1));
  probe[p] = ty_never;
  for (int a = 0; a < im->ntrait_args; a++)
    if (ty_subst(im->trait_args[a], probe, p + 1) != im->trait_args[a]) return true;
  return false;
}

// Trying an impl binds its parameters in an array that, for the many impls that do not
// apply, is thrown away at once: it lives on the caller's stack (`Type *buf[SCRATCH_BINDS]`)
// and only the bindings of the impl that is kept are copied to the arena. Allocating every
// try in the arena was a tenth of what checking a small program allocated.
#define SCRATCH_BINDS 16
static Type **scratch_binds(Type **buf, int n) {
  if (n + 1 > SCRATCH_BINDS) return arena_alloc(sizeof(Type *) * (size_t)(n + 1));
  memset(buf, 0, sizeof(Type *) * (size_t)(n + 1));
  return buf;
}
static Type **keep_binds(Type **binds, Type **buf, int n) {
  if (binds != buf) return binds;
  Type **kept = arena_alloc(sizeof(Type *) * (size_t)(n + 1));
  memcpy(kept, binds, sizeof(Type *) * (size_t)n);
  return kept;
}

// A bound's trait with its arguments in terms of binds (its associated type bindings left out):
// `From<T>` of `U: From<T>` once the impl's T is known.
TraitRef *traitref_with_args(TraitRef *r, Type **binds, int n) {
  Type **args = arena_alloc(sizeof(Type *) * (size_t)(r->nargs + 1));
  for (int i = 0; i < r->nargs; i++) args[i] = ty_subst(r->args[i], binds, n);
  TraitRef *out = traitref_new(r->trait, args, r->nargs);
  // Its bindings too (`Fn(K) -> u8`'s `Output = u8`, `Iterator<Item = T>`).
  out->nassoc = r->nassoc;
  out->assoc_names = r->assoc_names;
  out->assoc_types = arena_alloc(sizeof(Type *) * (size_t)(r->nassoc + 1));
  for (int a = 0; a < r->nassoc; a++) out->assoc_types[a] = ty_subst(r->assoc_types[a], binds, n);
  return out;
}

// How many impls of trait have a self type that self matches (their bounds and trait arguments
// aside): more than one, and the trait's arguments pick (`Mul<f64> for P` and `Mul<P> for P`).
int impls_for_self(TraitDecl *trait, Type *self) {
  int count = 0;
  Type *buf[SCRATCH_BINDS];
  for (int i = 0; i < trait->impls.len; i++) {
    ImplDecl *im = trait->impls.data[i];
    int n = im->env ? im->env->n : 0;
    Type **binds = scratch_binds(buf, n);
    if (im->self_ty && match_type(im->self_ty, ty_resolve(self), binds, n)) count++;
  }
  return count;
}

// An impl's bound `U: From<T>` on the type bp bound to U: the trait, and, when bp is an
// ordinary type and the bound's arguments are known, an impl for those arguments (`Box<str>:
// From<&str>` does not hold because `Box<dyn Error>: From<&str>` does). The builtin comparisons
// and the traits type_implements answers itself keep the trait-only answer.
static bool bound_holds(Crate *crate, Type *bp, TraitRef *r, Type **binds, int n) {
  if (!type_implements(crate, bp, r->trait)) return false;
  if (!r->nargs || r->trait == crate->partial_eq_trait || r->trait == crate->partial_ord_trait || is_fn_trait(r->trait)) return true;
  switch (ty_resolve(bp)->kind) {
  case TY_STRUCT: case TY_BOX: case TY_VEC: case TY_STRING: case TY_INT: case TY_FLOAT: case TY_BOOL: case TY_CHAR:
  case TY_STR: case TY_TUPLE: case TY_ARRAY: case TY_SLICE: case TY_UNIT: case TY_REF: break;
  default: return true;
  }
  if (ty_has_params(bp) || ty_has_vars(bp)) return true;
  TraitRef *with = traitref_with_args(r, binds, n);
  for (int i = 0; i < with->nargs; i++)
    if (!with->args[i] || ty_has_vars(with->args[i]) || ty_has_params(with->args[i]) || ty_has_assoc(with->args[i])) return true;
  return find_impl(crate, with, bp, NULL, NULL) != NULL;
}

static bool open_bounds_hold;

// Whether impl im is one for self_ty and tr: its self type and trait arguments match (binds
// receives its parameters), and its bounds and where clauses hold.
static bool impl_applies(Crate *crate, ImplDecl *im, TraitRef *tr, Type *self_ty, Type **binds, int n) {
  if (!match_type(im->self_ty, self_ty, binds, n)) return false;
  bool ok = true;
  for (int a = 0; a < tr->nargs && ok; a++)
    if (im->trait_args && a < im->ntrait_args) ok = match_type(im->trait_args[a], tr->args[a], binds, n);
  if (ok) ok = bind_by_projection(im->env, binds, n);
  for (int p = 0; p < n && ok; p++) {
    // A parameter only the trait's arguments name, asked about without them (`x.into()` on
    // `impl<T, U: From<T>> Into<U> for T`): any U may do; the caller obligates its bounds.
    if (!binds[p] && tr->nargs < im->ntrait_args && impl_arg_names_param(im, p)) {
      binds[p] = ty_new_var(0);
      continue;
    }
    if (!binds[p]) return false;
    // A literal inside the type whose type is not decided yet (`m.insert(1, 2)` then `m[&1]`,
    // `vec![1].describe()`, `(1, 2).cmp(&b)`) has what the type it falls back to has.
    Type *bp = ty_resolve(binds[p]);
    if (self_ty->kind != TY_VAR && bp->kind == TY_VAR && bp->var_kind) bp = bp->var_kind == 1 ? ty_i32 : ty_f64;
    // An impl parameter is Sized unless it says `?Sized`: `impl<T> From<T> for Rc<T>` is no
    // impl for `Rc<str>`.
    if (im->env->sized && im->env->sized[p] && !ty_is_sized(bp)) return false;
    // (A method call on `S<?T>` with `impl<T: Eq> Tr for S<T>`: ?T's bounds become the call's
    // obligations, checked once ?T is known: find_impl_for_call.)
    if (open_bounds_hold && bp->kind == TY_VAR && !bp->var_kind) continue;
    for (int b = 0; b < im->env->nbounds[p] && ok; b++) ok = bound_holds(crate, bp, im->env->bounds[p][b], binds, n);
  }
  // The impl's where clauses on other types (`where Option<T>: Debug`), with its parameters
  // bound. (Those on projections, `where T::Item: Ord`, are left to the uses of the impl.)
  for (int i = 0; ok && im->env && i < im->env->npreds; i++) {
    if (ty_resolve(im->env->pred_tys[i])->kind == TY_ASSOC) continue;
    Type *pt = ty_subst(im->env->pred_tys[i], binds, n);
    if (!ty_has_vars(pt)) ok = bound_holds(crate, pt, im->env->pred_refs[i], binds, n);
  }
  return ok;
}

// Impls by the head of their self type. A trait like Display or a program's `Shape` may have
// hundreds of impls, and every lookup used to try each: checking was quadratic in the number
// of impls times the number of calls. match_type only matches an impl's self type whose kind
// and declaration are those of the type asked about, unless the impl's self type is one of its
// own parameters (a blanket impl, `impl<T: Display> ToString for T`); so a lookup tries the
// impls with the type's head and the blanket impls, merged back into the order written, which
// is the order find_impl prefers. The index is built on first use and extended with the impls
// pushed since (a trait's impl list only grows).
typedef VEC(int) ImplPosList;
typedef struct ImplIndex ImplIndex;
struct ImplIndex {
  int indexed;         // impls [0, indexed) are in the lists
  PtrMap by_head;      // (kind + 1, sdecl) -> ImplPosList
  ImplPosList blanket; // impls for a parameter, and those whose self type is not known yet
};

static const void *head_kind(Type *t) { return (const void *)(uintptr_t)(t->kind + 1); }

static bool is_blanket(ImplDecl *im) {
  int n = im->env ? im->env->n : 0;
  return im->self_ty->kind == TY_PARAM && im->self_ty->index < n;
}

// Whether lookups find im under the head of its self type (not among the blanket impls).
static bool filed_by_head(ImplDecl *im) { return im->self_ty && !is_blanket(im); }

static ImplIndex *impl_index(TraitDecl *t) {
  ImplIndex *ix = t->impl_index;
  if (!ix || ix->indexed > t->impls.len) ix = t->impl_index = arena_alloc(sizeof *ix);
  for (; ix->indexed < t->impls.len; ix->indexed++) {
    ImplDecl *im = t->impls.data[ix->indexed];
    ImplPosList *l = filed_by_head(im) ? ptrmap_slot(&ix->by_head, head_kind(im->self_ty), im->self_ty->sdecl, sizeof *l) : &ix->blanket;
    vec_push(l, ix->indexed);
  }
  return ix;
}

// Walks the impls of a trait that may be for self (resolved), in the order written:
// `for (ImplCursor c = impl_cursor(t, self); (im = next_impl(&c));)`. (An impl whose self type
// is not resolved yet is among the blanket ones, which every walk visits.)
typedef struct {
  TraitDecl *trait;
  ImplPosList *head, *blanket;
  int h, b;
} ImplCursor;

static ImplCursor impl_cursor(TraitDecl *t, Type *self) {
  ImplIndex *ix = impl_index(t);
  return (ImplCursor){t, ptrmap_get(&ix->by_head, head_kind(self), self->sdecl), &ix->blanket, 0, 0};
}

static ImplDecl *next_impl(ImplCursor *c) {
  int hn = c->head ? c->head->len : 0;
  int next;
  if (c->h < hn && (c->b >= c->blanket->len || c->head->data[c->h] < c->blanket->data[c->b])) next = c->head->data[c->h++];
  else if (c->b < c->blanket->len) next = c->blanket->data[c->b++];
  else return NULL;
  return c->trait->impls.data[next];
}

// The traits with an impl for a type of each head, for the method probe: a call `x.name()`
// tried every trait declaring a method `name` (a large program's thousand `Shape_i::area`s) for
// every call, quadratic again. Only traits with an impl at x's head, or a blanket impl, can
// answer; the index is built over K->impls on first use and extended with impls added since.
typedef VEC(TraitDecl *) TraitList;
static struct {
  int indexed;          // K->impls [0, indexed) are in
  PtrMap by_head;       // (kind + 1, sdecl) -> TraitList
  PtrMap listed;        // (list, trait) -> the trait is in that list already
  TraitList blanket;    // traits with an impl for a parameter (or not resolved yet)
} by_head;              // (emptied by traits_reset: it was in the arena)

static void list_once(TraitList *l, TraitDecl *t) {
  if (ptrmap_get(&by_head.listed, l, t)) return;
  ptrmap_put(&by_head.listed, l, t, t);
  vec_push(l, t);
}

// Whether a type of u's kind only matches impls written for that kind (and blanket ones); an
// inference variable, a parameter, a projection or an opaque type may stand for anything.
static bool head_is_known(Type *u) {
  switch (u->kind) {
  case TY_VAR: case TY_PARAM: case TY_ASSOC: case TY_OPAQUE: return false;
  default: return true;
  }
}

bool traits_with_impls_for(Type *u, TraitDecl ***head, int *nhead, TraitDecl ***blanket, int *nblanket) {
  u = ty_resolve(u);
  if (!head_is_known(u)) return false;
  for (; by_head.indexed < K->impls.len; by_head.indexed++) {
    ImplDecl *im = K->impls.data[by_head.indexed];
    if (!im->trait) continue;
    // (Filed as each trait's own index files it: what find_impl tries for u is then among the
    // head's and the blanket traits.)
    if (filed_by_head(im)) list_once(ptrmap_slot(&by_head.by_head, head_kind(im->self_ty), im->self_ty->sdecl, sizeof(TraitList)), im->trait);
    else list_once(&by_head.blanket, im->trait);
  }
  TraitList *l = ptrmap_get(&by_head.by_head, head_kind(u), u->sdecl);
  *head = l ? l->data : NULL, *nhead = l ? l->len : 0;
  *blanket = by_head.blanket.data, *nblanket = by_head.blanket.len;
  return true;
}

// How many impls apply (impl_applies), counted up to max.
static int impls_applying(Crate *crate, TraitRef *tr, Type *self_ty, int max) {
  int count = 0;
  Type *buf[SCRATCH_BINDS];
  ImplCursor c = impl_cursor(tr->trait, ty_resolve(self_ty));
  for (ImplDecl *im; count < max && (im = next_impl(&c));) {
    if (!im->self_ty) continue;
    int n = im->env ? im->env->n : 0;
    if (impl_applies(crate, im, tr, self_ty, scratch_binds(buf, n), n)) count++;
  }
  return count;
}

ImplDecl *find_impl(Crate *crate, TraitRef *tr, Type *self_ty, Type ***impl_args, int *nimpl_args) {
  self_ty = ty_resolve(self_ty);
  if (impl_depth + 1 == impl_depth_limit) impl_at_limit = self_ty;
  if (++impl_depth > impl_depth_limit) {
    impl_overflowed = true;
    impl_depth--;
    return NULL;
  }
  ImplDecl *found = NULL;
  Type *buf[SCRATCH_BINDS];
  ImplCursor c = impl_cursor(tr->trait, self_ty);
  for (ImplDecl *im; !found && (im = next_impl(&c));) {
    if (!im->self_ty) continue;
    int n = im->env ? im->env->n : 0;
    Type **binds = scratch_binds(buf, n);
    if (!impl_applies(crate, im, tr, self_ty, binds, n)) continue;
    found = im;
    if (impl_args) *impl_args = keep_binds(binds, buf, n);
    if (nimpl_args) *nimpl_args = n;
  }
  impl_depth--;
  return found;
}

// find_impl for a method call: an impl parameter still an inference variable meets its bounds
// for now (the caller makes them obligations of the body).
ImplDecl *find_impl_for_call(Crate *crate, TraitRef *tr, Type *self_ty, Type ***impl_args, int *nimpl_args) {
  ImplDecl *im = find_impl(crate, tr, self_ty, impl_args, nimpl_args);
  if (im || !ty_has_vars(self_ty)) return im;
  open_bounds_hold = true;
  im = find_impl(crate, tr, self_ty, impl_args, nimpl_args);
  open_bounds_hold = false;
  return im;
}

// `Vec<u64>: FromIterator<?A>`: when exactly one impl of the trait is for self's type, its trait
// arguments are what the open ones must be (rustc's inference from impl selection). Returns
// whether it unified anything.
static bool unify_with_only_impl_at(TraitRef *tr, Type *self, int depth);

bool unify_with_only_impl(TraitRef *tr, Type *self) { return unify_with_only_impl_at(tr, self, 0); }

// The impl's parameters that its self type left open (`A` of `impl<A, V: FromIterator<A>>
// FromIterator<Option<A>> for Option<V>`) are what its bounds on the others make them: with V
// known (Vec<i32>), `V: FromIterator<A>` has one impl, which makes A i32. So `let v:
// Option<Vec<i32>> = it.map(|s| s.parse().ok()).collect()` infers parse's type, as rustc does.
static bool unify_through_bounds(ImplDecl *im, Type **binds, int n, int depth) {
  bool any = false;
  for (int p = 0; p < n && depth < 4; p++) {
    Type *pt = ty_resolve(binds[p]);
    if (pt->kind == TY_VAR) continue;
    for (int b = 0; b < im->env->nbounds[p]; b++) {
      TraitRef *r = im->env->bounds[p][b];
      if (r->nargs) any |= unify_with_only_impl_at(traitref_with_args(r, binds, n), pt, depth + 1);
    }
  }
  return any;
}

static bool unify_with_only_impl_at(TraitRef *tr, Type *self, int depth) {
  self = ty_resolve(self);
  if (!tr->nargs || self->kind == TY_VAR || self->kind == TY_PARAM) return false;
  // (A type that has the builtin PartialEq has more than its impls: `&str` compares with `&str`
  // and, by std's impl, with a String.)
  if ((tr->trait == K->partial_eq_trait || tr->trait == K->partial_ord_trait) && compares_with_several(tr->trait, self)) return false;
  ImplDecl *only = NULL;
  Type **only_binds = NULL;
  int only_n = 0;
  ImplCursor c = impl_cursor(tr->trait, self);
  for (ImplDecl *im; (im = next_impl(&c));) {
    if (!im->self_ty || !im->trait_args) continue;
    int n = im->env ? im->env->n : 0;
    Type **binds = arena_alloc(sizeof(Type *) * (n + 1));
    if (!match_type(im->self_ty, self, binds, n)) continue;
    if (only) return false;  // several: the arguments decide
    only = im, only_binds = binds, only_n = n;
  }
  if (!only) return false;
  bool open = false;
  for (int p = 0; p < only_n; p++)
    if (!only_binds[p]) {
      if (!impl_arg_names_param(only, p)) return false;
      only_binds[p] = ty_new_var(0);
      open = true;
    }
  bool any = false;
  for (int a = 0; a < tr->nargs && a < only->ntrait_args; a++)
    any |= unify(ty_subst(only->trait_args[a], only_binds, only_n), ty_normalize(tr->args[a], cur_env));
  if (open) any |= unify_through_bounds(only, only_binds, only_n, depth);
  return any;
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
  case TY_OPAQUE: return opaque_implements(crate, t, crate->copy_trait);
  case TY_VAR: return t->var_kind != 0;  // an integer or float literal: every such type is Copy
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++)
      if (!copy_in_env(crate, t->args[i])) return false;
    return true;
  case TY_ARRAY: return copy_in_env(crate, t->inner);
  case TY_ASSOC: {  // `type Node: Copy;`, or `where I::Item: Copy`
    TraitDecl *tr = t->assoc_trait ? trait_with_assoc(t->assoc_trait, t->name) : NULL;
    for (int i = 0; tr && i < tr->nassoc_types; i++)
      if (tr->assoc_types[i].name == t->name && tr->assoc_types[i].is_copy) return true;
    int n;
    TraitRef **bs = env_pred_bounds(cur_env, t, &n);
    for (int i = 0; i < n; i++)
      if (bs[i]->trait == crate->copy_trait) return true;
    return false;
  }
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

bool type_is_copy_in(Crate *crate, Type *t, GenericEnv *env) {
  GenericEnv *saved = cur_env;
  cur_env = env;
  bool copy = copy_in_env(crate, t);
  cur_env = saved;
  return copy;
}

// Clone and PartialEq that trc gives the builtin types itself (codegen's clone_value and
// eq_value): Clone of Copy types, String, slice iterators, and Vecs, Boxes, tuples, arrays and
// ranges of Clone parts;
// PartialEq of primitives, strings, and references, Boxes, Vecs, slices, arrays and tuples of
// PartialEq parts. A struct or enum has them only through an impl (#[derive] writes one).
bool builtin_impl(Crate *crate, Type *t, TraitDecl *trait) {
  t = ty_resolve(t);
  bool clone = trait == crate->clone_trait;
  if (clone && (ty_is_copy(t) || t->kind == TY_STRING)) return true;
  switch (t->kind) {
  case TY_VAR: return true;  // not known yet (a literal's type is decided later)
  case TY_INT: case TY_FLOAT: case TY_BOOL: case TY_CHAR: case TY_STR: case TY_STRING: case TY_UNIT: return !clone;
  case TY_REF: case TY_SLICE: return !clone && type_implements(crate, t->inner, trait);
  case TY_VEC: case TY_BOX: case TY_ARRAY: return type_implements(crate, t->inner, trait);
  // A slice iterator is a copy of its {ptr, len} (not an IterMut, which is unique); a range of
  // Copy bounds (every iterable one) is its two bounds.
  case TY_ITER: return clone && !t->mut;
  case TY_RANGE: return clone && copy_in_env(crate, t->inner);
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++)
      if (!type_implements(crate, t->args[i], trait)) return false;
    return true;
  default: return false;
  }
}

// ---- 'static requirements of type parameters ----

// Whether `name: lt` is written for type parameter `name` of g, inline or in a where clause.
bool generics_lifetime_bound(Generics *g, const char *name, const char *lt) {
  for (int i = 0; i < g->nparams; i++)
    if (g->params[i].name == name && g->params[i].lifetime_bound && !strcmp(g->params[i].lifetime_bound, lt)) return true;
  for (int i = 0; i < g->npreds; i++) {
    WherePred *w = &g->preds[i];
    if (w->ty->kind == TE_PATH && w->ty->path.nsegs == 1 && w->ty->path.segs[0].name == name && w->lifetime_bound &&
        !strcmp(w->lifetime_bound, lt))
      return true;
  }
  return false;
}

static bool generics_static(Generics *g, const char *name) { return generics_lifetime_bound(g, name, "'static"); }

bool sig_param_static(FnDecl *f, const char *name) {
  return generics_static(&f->generics, name) || (f->impl && generics_static(&f->impl->generics, name));
}

static bool trait_static_at(TraitDecl *tr, int depth) {
  if (!tr || depth > 8) return false;
  if (tr->super_lifetime && !strcmp(tr->super_lifetime, "'static")) return true;
  for (int i = 0; i < tr->nsuper_traits; i++)
    if (trait_static_at(tr->super_traits[i], depth + 1)) return true;
  return false;
}

bool trait_requires_static(TraitDecl *tr) { return trait_static_at(tr, 0); }

bool dyn_dispatches(Type *t, TraitDecl *trait) {
  t = ty_resolve(t);
  return t->kind == TY_DYN && t->principal && trait_implies(t->principal->trait, trait);
}

bool type_implements(Crate *crate, Type *t, TraitDecl *trait) {
  t = ty_resolve(t);
  if (trait->is_auto && !auto_trait_has_impl(t, trait)) return !auto_trait_failure(t, trait, NULL);
  if (trait == crate->sized_trait) return ty_is_sized(t);
  if (trait == crate->copy_trait) return copy_in_env(crate, t);
  // A parameter has its bounds, and what blanket impls give it (`impl<I: Iterator>
  // IntoIterator for I` for `Self: Iterator`).
  if (t->kind == TY_PARAM && param_has_bound(cur_env, t->index, trait)) return true;
  if (t->kind == TY_OPAQUE && opaque_implements(crate, t, trait)) return true;  // `-> impl Tr`
  // A trait object has its traits, and what impls for it say (`impl Debug for dyn Any`).
  if (dyn_dispatches(t, trait)) return true;
  if (t->kind == TY_ASSOC) {  // `<I as IntoIterator>::IntoIter: Iterator`, as the trait declares
    int n;
    TraitRef **bs = assoc_bounds(t, &n);
    for (int i = 0; i < n; i++)
      if (trait_implies(bs[i]->trait, trait)) return true;
  }
  if (cur_env && cur_env->npreds) {  // a where clause: `where I::Item: Ord`, `where Option<T>: Debug`
    int n;
    TraitRef **bs = env_pred_bounds(cur_env, t, &n);
    for (int i = 0; i < n; i++)
      if (trait_implies(bs[i]->trait, trait)) return true;
  }
  if (is_fn_trait(trait)) {
    // Closures and functions are callable; so is a reference (or Box) to something callable.
    if (t->kind == TY_CLOSURE || t->kind == TY_FN) return true;
    if (t->kind == TY_REF || t->kind == TY_BOX) return type_implements(crate, t->inner, trait);
    if (ty_assert_unwind_safe_inner(t)) return type_implements(crate, ty_assert_unwind_safe_inner(t), trait);
    return false;
  }
  if ((trait == crate->clone_trait || trait == crate->partial_eq_trait) && builtin_impl(crate, t, trait)) return true;
  // Debug of an array is its slice's (std's impl is generic over the length, which trc's
  // generics cannot say).
  if (trait == crate->debug_trait && t->kind == TY_ARRAY) return type_implements(crate, t->inner, trait);
  TraitRef tr = {.trait = trait};
  return find_impl(crate, &tr, t, NULL, NULL) != NULL;
}

// ---------------------------------------------------------------------------------------------
// Associated types

AssocTypeDecl *impl_assoc(ImplDecl *im, const char *name) {
  for (int i = 0; i < im->nassoc_types; i++)
    if (im->assoc_types[i].name == name) return &im->assoc_types[i];
  return NULL;
}

// The binding `name = X` in a trait ref (`Tr<Item = X>`), or NULL.
Type *binding_of(TraitRef *r, const char *name) {
  for (int i = 0; r && i < r->nassoc; i++)
    if (r->assoc_names[i] == name) return r->assoc_types[i];
  return NULL;
}

static int normalize_depth;

// The binding of `name`, an associated type of trait `want`, that the bound r gives: directly
// (`T: Add<Output = T>`) or through its trait's supertraits (`T: Num` where `trait Num:
// Add<Output = Self>`). A supertrait bound is written in its trait's environment, so what it
// binds is moved into r's terms: Self becomes self, the trait's parameters r's arguments.
static Type *bound_binding(TraitRef *r, TraitDecl *want, const char *name, Type *self, int depth) {
  if (r->trait != want && !trait_implies(r->trait, want)) return NULL;
  // (A bound may bind its supertrait's type itself: `I: DoubleEndedIterator<Item = &T>`.)
  Type *direct = binding_of(r, name);
  GenericEnv *te = r->trait->env;
  if (direct || r->trait == want || depth > 16 || !te || !te->n) return direct;
  for (int b = 1; b < te->nbounds[0]; b++) {  // bounds[0][0] is the trait itself
    Type *found = bound_binding(te->bounds[0][b], want, name, te->params[0], depth + 1);
    if (!found) continue;
    Type **args = arena_alloc(sizeof(Type *) * (r->nargs + 1));
    args[0] = self;
    for (int i = 0; i < r->nargs && i + 1 < te->n; i++) args[i + 1] = r->args[i];
    return ty_subst(found, args, r->nargs + 1 < te->n ? r->nargs + 1 : te->n);
  }
  return NULL;
}

// One projection <self as trait>::name, with self already normalized.
static bool only_impl_for(TraitDecl *trait, Type *self) {
  TraitRef tr = {.trait = trait};
  return self->kind == TY_STRUCT && impls_applying(K, &tr, self, 2) == 1;
}

static Type *project(Type *t, GenericEnv *env) {
  Type *self = is_fn_trait(t->assoc_trait) ? ty_callable(t->inner) : ty_resolve(t->inner);
  Type *found = NULL;
  // `&F` and `Box<F>` call as F does (std's `impl<F: Fn> Fn for &F`, and Box's): F's Output.
  if (is_fn_trait(t->assoc_trait) && (self->kind == TY_REF || self->kind == TY_BOX)) {
    Type *inner = project(ty_assoc_args(self->inner, t->assoc_trait, t->name, t->args, t->nargs), env);
    return ty_resolve(inner)->kind == TY_ASSOC ? t : inner;
  }
  if (self->kind == TY_DYN && self->principal) {
    found = binding_of(self->principal, t->name);
  } else if (is_fn_trait(t->assoc_trait) && (self->kind == TY_CLOSURE || self->kind == TY_FN)) {
    found = self->kind == TY_FN ? self->ret : ty_subst(self->closure->ret_type, self->args, self->nargs);
  } else if (self->kind == TY_PARAM) {
    for (int b = 0; env && self->index < env->n && b < env->nbounds[self->index] && !found; b++)
      found = bound_binding(env->bounds[self->index][b], t->assoc_trait, t->name, self, 0);
    // A bound `U: TryFrom<T>` without a binding: the projection stays one until U is known, as
    // rustc prefers the where-clause to impls. (A blanket impl that happens to match the
    // parameter, `impl<T, U: Into<T>> TryFrom<U> for T`, is not the one U will use.)
    if (!found && param_has_bound(env, self->index, t->assoc_trait)) return t;
  } else if (self->kind == TY_OPAQUE) {
    found = opaque_binding(self, t->name);
  } else if (self->kind == TY_ASSOC) {
    int n;
    TraitRef **bs = assoc_bounds(self, &n);
    for (int b = 0; b < n && !found; b++) found = binding_of(bs[b], t->name);
    // A where clause on the projection: `where C::Item: Add<Output = C::Item>`.
    for (int i = 0; env && i < env->npreds && !found; i++)
      if (ty_resolve(env->pred_tys[i]) == self) found = bound_binding(env->pred_refs[i], t->assoc_trait, t->name, self, 0);
  }
  // A concrete type, W<I> in `impl<I: Tr> Tr for W<I>`, or I itself in a blanket
  // `impl<I: Iterator> IntoIterator for I`: the binding of the impl that applies.
  // (A self type with both inference variables and projections in it, `Result<?F, <?F as
  // FromStr>::Err>`, is projected only through the one impl that can apply to it.)
  bool open = ty_has_assoc(self) && ty_has_vars(self);
  if (!found && self->kind != TY_DYN && self->kind != TY_VAR && (!open || only_impl_for(t->assoc_trait, self)) &&
      !(is_fn_trait(t->assoc_trait) && (self->kind == TY_CLOSURE || self->kind == TY_FN))) {
    // With the projection's trait arguments when they are known (`<f64 as Mul<V2>>::Output`).
    TraitRef tr = {.trait = t->assoc_trait};
    bool known = t->nargs > 0;
    // (A parameter is as good as a known type: `<T as TryInto<U>>::Error` in the impl's own
    // env binds the impl's U to U.)
    for (int i = 0; i < t->nargs && known; i++) known = !ty_has_vars(t->args[i]) && !ty_has_assoc(t->args[i]);
    if (known) tr.args = t->args, tr.nargs = t->nargs;
    else if (t->nargs && impls_for_self(t->assoc_trait, self) > 1) {
      // The arguments pick the impl: now, when only one can match them; else once inferred.
      if (!select_by_args(t->assoc_trait, self, t->args, t->nargs)) return t;
      tr.args = t->args, tr.nargs = t->nargs;
    }
    Type **args = NULL;
    int n = 0;
    ImplDecl *im = NULL;
    // One impl: its parameters that the arguments name are those arguments, variables or not
    // (`<u32 as TryInto<?U>>::Error` is `<?U as TryFrom<u32>>::Error` of that same ?U).
    if (!tr.args && t->nargs) {
      TraitRef with = tr;
      with.args = t->args, with.nargs = t->nargs;
      im = find_impl(K, &with, self, &args, &n);
    }
    if (!im) im = find_impl(K, &tr, self, &args, &n);
    AssocTypeDecl *a = im ? impl_assoc(im, t->name) : NULL;
    if (a && a->resolved) found = ty_subst(a->resolved, args, n);
  }
  return found ? ty_normalize(found, env) : t;
}

static Type *normalize_rec(Type *t, GenericEnv *env);
static Type *normalize_child(Type *t, void *env) { return normalize_rec(t, env); }

static Type *normalize_rec(Type *t, GenericEnv *env) {
  t = ty_resolve(t);
  if (!ty_has_assoc(t)) return t;
  if (t->kind == TY_ASSOC) {
    Type *self = normalize_rec(t->inner, env);
    Type **args = arena_alloc(sizeof(Type *) * (t->nargs + 1));
    bool changed = self != t->inner;
    for (int i = 0; i < t->nargs; i++) {
      args[i] = normalize_rec(t->args[i], env);
      changed |= args[i] != t->args[i];
    }
    Type *p = changed ? ty_assoc_args(self, t->assoc_trait, t->name, args, t->nargs) : t;
    return project(p, env);
  }
  // The children, a trait object's bindings among them (`dyn Iterator<Item = Self::Item>`).
  return ty_map_children(t, normalize_child, env);
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

TraitRef **assoc_bounds(Type *assoc, int *n) {
  *n = 0;
  assoc = ty_resolve(assoc);
  if (assoc->kind != TY_ASSOC || !assoc->assoc_trait) return NULL;
  TraitDecl *t = trait_with_assoc(assoc->assoc_trait, assoc->name);
  AssocTypeDecl *a = NULL;
  for (int i = 0; t && i < t->nassoc_types; i++)
    if (t->assoc_types[i].name == assoc->name) a = &t->assoc_types[i];
  if (!a || !a->rbounds || !a->rbounds->n) return NULL;
  // Self is the projection's self type; the trait's other parameters are not known here.
  int np = t->env ? t->env->n : 1;
  Type **args = arena_alloc(sizeof(Type *) * (np + 1));
  args[0] = assoc->inner;
  for (int i = 1; i < np; i++) args[i] = t->env->params[i];
  TraitRef **out = arena_alloc(sizeof(TraitRef *) * a->rbounds->n);
  for (int b = 0; b < a->rbounds->n; b++) {
    TraitRef *r = a->rbounds->refs[b], *c = arena_alloc(sizeof *c);
    *c = *r;
    c->args = arena_alloc(sizeof(Type *) * (r->nargs + 1));
    for (int i = 0; i < r->nargs; i++) c->args[i] = ty_subst(r->args[i], args, np);
    c->assoc_types = arena_alloc(sizeof(Type *) * (r->nassoc + 1));
    for (int i = 0; i < r->nassoc; i++) c->assoc_types[i] = ty_subst(r->assoc_types[i], args, np);
    out[(*n)++] = c;
  }
  return out;
}

// `Self::Item`, `T::Item`: the trait that declares the associated type, searched in the bounds
// of the parameter (for Self in a trait: the trait and its supertraits).
// The arguments of supertrait `want` as trait `t` (given `targs`, Self first) names it,
// directly or through its own supertraits (`trait Foo<T>: Bar<Vec<T>>`); NULL if it does not.
static Type **super_targs(TraitDecl *t, Type **targs, TraitDecl *want, int depth) {
  if (t == want) return targs;
  if (depth > 16) return NULL;
  for (int b = 0; b < t->env->nbounds[0]; b++) {
    TraitRef *r = t->env->bounds[0][b];
    if (r->trait == t) continue;
    Type **st = arena_alloc(sizeof(Type *) * (r->trait->env->n + 1));
    st[0] = targs[0];
    for (int a = 0; a < r->nargs && a + 1 < r->trait->env->n; a++) st[a + 1] = ty_subst(r->args[a], targs, t->env->n);
    Type **found = super_targs(r->trait, st, want, depth + 1);
    if (found) return found;
  }
  return NULL;
}

Type **trait_super_targs(TraitDecl *t, Type **targs, TraitDecl *want) { return super_targs(t, targs, want, 0); }

TraitDecl *trait_with_assoc(TraitDecl *t, const char *name) {
  for (int i = 0; i < t->nassoc_types; i++)
    if (t->assoc_types[i].name == name) return t;
  for (int i = 0; i < t->nsuper_traits; i++) {
    TraitDecl *s = trait_with_assoc(t->super_traits[i], name);
    if (s) return s;
  }
  return NULL;
}

bool is_fn_trait(TraitDecl *t) { return t && (t == K->fn_traits[0] || t == K->fn_traits[1] || t == K->fn_traits[2]); }

// Fn is usable where FnMut is wanted, and FnMut where FnOnce is (they are supertraits in std;
// trc keeps them apart so that each `dyn Fn*` vtable has exactly one call slot).
static bool fn_trait_implies(TraitDecl *have, TraitDecl *want) {
  int h = have == K->fn_traits[0] ? 0 : have == K->fn_traits[1] ? 1 : 2;
  int w = want == K->fn_traits[0] ? 0 : want == K->fn_traits[1] ? 1 : 2;
  return h <= w;
}

// ---------------------------------------------------------------------------------------------
// Dyn compatibility (E0038)

static bool mentions_self(Type *t, Type *self) {
  t = ty_resolve(t);
  if (t == self) return true;
  // `&Self` and `Vec<Self>` count too: a vtable call erases the concrete type, so nothing could
  // check that an argument is the same type as the receiver, or say what a returned one is.
  if (t->kind == TY_ASSOC) return false;  // `Self::Item` is pinned by `dyn Tr<Item = X>`
  if (t->inner && mentions_self(t->inner, self)) return true;
  for (int i = 0; i < t->nargs; i++)
    if (mentions_self(t->args[i], self)) return true;
  return false;
}

typedef VEC(TraitDecl *) TraitVec;

static void collect_violations(TraitDecl *t, Diag *d, TraitVec *seen, int *count) {
  for (int i = 0; i < seen->len; i++)
    if (VEC_AT(*seen, i) == t) return;
  vec_push(seen, t);
  Type *self = t->env->params[0];
  if (t->requires_sized) {
    diag_note_at(d, t->sized_span.hi ? t->sized_span : t->span, "...because it requires `Self: Sized`");
    (*count)++;
  }
  for (int i = 0; i < t->nmethods; i++) {
    FnDecl *m = t->methods[i];
    if (m->requires_sized || m->is_const) continue;  // consts: reported below
    if (m->self_kind == SELF_NONE) {
      diag_note_at(d, m->span, "...because associated function `%s` has no `self` parameter", m->name);
      diag_help(d, "consider turning `%s` into a method by giving it a `&self` argument, or add `where Self: Sized` to it to make `%s` dyn compatible", m->name, t->name);
      (*count)++;
      continue;
    }
    if (m->ret_type && ty_has_opaque(m->ret_type)) {  // one hidden type per implementor: no one signature
      diag_note_at(d, m->ret ? m->ret->span : m->span, "...because method `%s` references an `impl Trait` type in its return type", m->name);
      diag_help(d, "consider moving `%s` to another trait", m->name);
      (*count)++;
    } else if (m->ret_type && mentions_self(m->ret_type, self)) {
      diag_note_at(d, m->ret ? m->ret->span : m->span, "...because method `%s` references the `Self` type in its return type", m->name);
      diag_help(d, "consider moving `%s` to another trait, or add `where Self: Sized` to it", m->name);
      (*count)++;
    }
    for (int p = 0; p < m->nparams; p++)
      if (mentions_self(m->param_types[p], self)) {
        diag_note_at(d, m->params[p].ty->span, "...because method `%s` references the `Self` type in this parameter", m->name);
        diag_help(d, "consider moving `%s` to another trait", m->name);
        (*count)++;
      }
    // `where Self: Display`: a vtable cannot say whether the erased type has it.
    if (m->self_bounds && m->self_bounds->n) {
      diag_note_at(d, m->span, "...because method `%s` references the `Self` type in its `where` clause", m->name);
      diag_help(d, "consider moving `%s` to another trait", m->name);
      (*count)++;
    }
    if (m->env->n > t->env->n) {
      diag_note_at(d, m->span, "...because method `%s` has generic type parameters", m->name);
      diag_help(d, "consider moving `%s` to another trait", m->name);
      (*count)++;
    }
  }
  // `trait A: PartialEq` is `A: PartialEq<Self>`: comparing two objects would need to know both
  // are the same type.
  for (int b = 0; b < t->env->nbounds[0]; b++) {
    TraitRef *r = t->env->bounds[0][b];
    bool uses = false;
    for (int a = 0; r->trait != t && a < r->nargs; a++) uses |= mentions_self(r->args[a], self);
    if (!uses) continue;
    Span at = t->span;
    for (int i = 0; i < t->nsupers; i++) {
      Path *p = &t->supers[i].path;
      if (!t->supers[i].maybe && p->nsegs && p->segs[p->nsegs - 1].name == r->trait->name) at = t->supers[i].span;
    }
    diag_note_at(d, at, "...because it uses `Self` as a type parameter");
    (*count)++;
  }
  for (int i = 0; i < t->nconsts; i++) {
    diag_note_at(d, t->const_spans[i], "...because it contains associated const `%s`", diag_span_text(t->const_spans[i]));
    diag_help(d, "consider moving `%s` to another trait", diag_span_text(t->const_spans[i]));
    (*count)++;
  }
  for (int i = 0; i < t->nsuper_traits; i++) collect_violations(t->super_traits[i], d, seen, count);
}

// Whether the signatures of t's methods (and its supertraits') are all resolved. They are not
// while one of them is being resolved and mentions `dyn` of its own trait (`fn bigger_than(&self,
// other: &dyn Shape)`), or when `dyn Tr` appears in a struct field resolved first.
static bool signatures_resolved(TraitDecl *t) {
  for (int i = 0; i < t->nmethods; i++)
    if (!t->methods[i]->ret_type) return false;
  for (int i = 0; i < t->nsuper_traits; i++)
    if (!signatures_resolved(t->super_traits[i])) return false;
  return true;
}

typedef struct {
  TraitDecl *trait;
  Span use_site;
} PendingDyn;
typedef VEC(PendingDyn) PendingDynVec;
static PendingDynVec pending_dyn;  // checks that wait for signatures_resolved

bool check_dyn_compatible(TraitDecl *t, Span use_site) {
  if (!signatures_resolved(t)) {
    vec_push(&pending_dyn, ((PendingDyn){t, use_site}));
    return true;
  }
  Diag *d = diag_error(use_site, "E0038", "the trait `%s` is not dyn compatible", t->name);
  diag_label(d, "`%s` is not dyn compatible", t->name);
  TraitVec seen = {0};
  int count = 0;
  collect_violations(t, d, &seen, &count);
  if (count == 0) return true;
  diag_note(d, "for a trait to be dyn compatible it needs to allow building a vtable; for more information, visit <https://doc.rust-lang.org/reference/items/traits.html#dyn-compatibility>");
  diag_emit(d);
  return false;
}

void check_pending_dyn_compatible(void) {
  PendingDynVec todo = pending_dyn;
  pending_dyn = (PendingDynVec){0};
  for (int i = 0; i < todo.len; i++) check_dyn_compatible(todo.data[i].trait, todo.data[i].use_site);
}

void traits_reset(void) {
  K = NULL;
  pending_dyn = (PendingDynVec){0};  // its storage was in the arena
  cur_env = NULL;
  impl_depth = normalize_depth = 0;
  impl_depth_limit = CHECK_IMPL_DEPTH;
  impl_overflowed = false;
  memset(&by_head, 0, sizeof by_head);
}
