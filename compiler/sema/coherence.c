// coherence.c — which impls a program may write: the orphan rules (E0117, E0210, E0116,
// E0390), overlapping impls (E0119), and what a Copy type may be (E0204, E0184).
//
// rustc checks these so that one trait has at most one impl for any type, in this crate and in
// any crate that could be linked with it. trc compiles one crate against its own std, so the
// rules are applied to the program's impls (std's are trusted): an impl of a std trait needs a
// type of the program in its header, and two impls may not both apply to one type.
#include "sema/sema_internal.h"

// ---------------------------------------------------------------------------------------------
// Coherence: overlapping impls (E0119)
//
// Two impls of one trait overlap when some type could use both: their headers (self type and
// trait arguments), with every generic parameter replaced by a fresh inference variable, unify,
// and no where-clause rules the shared type out. A bound rules it out only where this crate
// knows the answer for good, as rustc's coherence does: the type or the trait is the program's
// own (`impl<T: Display> Tr for T` does not overlap `impl Tr for Point` when Point has no
// Display impl). For a std type and a std trait a later std could add the impl, so a bound that
// does not hold today still overlaps (`impl<T: Copy> Tr for T` next to `impl Tr for String`).

// Whether coherence counts t as this crate's: a struct or enum the program declares, also
// behind `&`, `&mut` and `Box` (rustc's #[fundamental] types), or a trait object of its trait.
static bool is_local_type(Type *t) {
  t = ty_resolve(t);
  switch (t->kind) {
  case TY_REF: case TY_BOX: return is_local_type(t->inner);
  case TY_STRUCT: return t->sdecl->span.file != 0;
  case TY_DYN: return t->principal && t->principal->trait->span.file != 0;
  default: return false;
  }
}

static Type **fresh_vars(GenericEnv *env) {
  int n = env ? env->n : 0;
  Type **vars = arena_alloc(sizeof(Type *) * (size_t)(n + 1));
  for (int i = 0; i < n; i++) vars[i] = ty_new_var(0);
  return vars;
}

// Whether the bound `t: r` (r's arguments in terms of vars) can never hold, as far as this
// crate knows for good: t, the trait or one of its arguments is the program's own (only the
// program could write such an impl: std's `impl<T, U: Into<T>> TryFrom<U> for T` does not
// overlap `impl TryFrom<i64> for Percent`, since `i64: Into<Percent>` needs a `From<i64> for
// Percent` that the program did not write).
static bool bound_fails(Type *t, TraitRef *r, Type **vars, int n) {
  bool knowable = is_local_type(t) || r->trait->span.file != 0;
  TraitRef *with = traitref_with_args(r, vars, n);
  bool concrete = true;
  for (int i = 0; i < with->nargs; i++) {
    knowable |= is_local_type(with->args[i]);
    concrete &= !ty_has_vars(with->args[i]) && !ty_has_params(with->args[i]);
  }
  if (!knowable) return false;  // std may add the impl
  if (!may_implement(t, r->trait)) return true;
  if (!r->nargs || !concrete || ty_has_vars(t)) return false;
  return !find_impl(K, with, t, NULL, NULL);
}

// Whether a bound of env, with its parameters now vars, can never hold.
static bool bound_rules_out(GenericEnv *env, Type **vars) {
  for (int p = 0; env && p < env->n; p++)
    for (int b = 0; b < env->nbounds[p]; b++) {
      Type *t = ty_resolve(vars[p]);
      if (t->kind == TY_VAR) continue;  // could still be anything
      if (bound_fails(t, env->bounds[p][b], vars, env->n)) return true;
    }
  return false;
}

// The type both impls would apply to, or NULL when they cannot overlap.
static Type *impls_overlap(ImplDecl *a, ImplDecl *b) {
  if (!a->self_ty || !b->self_ty || a->ntrait_args != b->ntrait_args) return NULL;
  int na = a->env ? a->env->n : 0, nb = b->env ? b->env->n : 0;
  if (!na && !nb) {  // two concrete impls: the same header
    for (int k = 0; k < a->ntrait_args; k++)
      if (a->trait_args[k] != b->trait_args[k]) return NULL;
    return a->self_ty == b->self_ty ? a->self_ty : NULL;
  }
  Type **va = fresh_vars(a->env), **vb = fresh_vars(b->env);
  Type *self = ty_subst(a->self_ty, va, na);
  if (!unify(self, ty_subst(b->self_ty, vb, nb))) return NULL;
  for (int k = 0; k < a->ntrait_args; k++)
    if (!unify(ty_subst(a->trait_args[k], va, na), ty_subst(b->trait_args[k], vb, nb))) return NULL;
  if (bound_rules_out(a->env, va) || bound_rules_out(b->env, vb)) return NULL;
  return ty_resolve(self);
}

// rustc names the shared type with `_` for what is still open (`Vec<_>`), and no type at all
// when it is entirely open (two blanket impls).
static void report_overlap(ImplDecl *a, ImplDecl *b, Type *self) {
  Diag *d;
  if (self->kind == TY_VAR) {
    d = diag_error(a->span, "E0119", "conflicting implementations of trait `%s`", a->trait->name);
    diag_label(d, "conflicting implementation");
  } else {
    const char *name = ty_name(self);
    d = diag_error(a->span, "E0119", "conflicting implementations of trait `%s` for type `%s`", a->trait->name, name);
    diag_label(d, "conflicting implementation for `%s`", name);
  }
  diag_secondary(d, b->span, "first implementation here");
  diag_emit(d);
}

static void check_overlap(void) {
  GenericEnv *saved = cur_env;
  cur_env = NULL;
  for (int t = 0; t < K->traits.len; t++) {
    TraitDecl *tr = VEC_AT(K->traits, t);
    for (int i = 0; i < tr->impls.len; i++) {
      ImplDecl *a = tr->impls.data[i];
      for (int j = 0; j < i; j++) {
        ImplDecl *b = tr->impls.data[j];
        // std's own impls are trusted (they are written for trc's std, not rustc's).
        if (a->span.file == 0 && b->span.file == 0) continue;
        Type *self = impls_overlap(a, b);
        if (self) {
          report_overlap(a, b, self);
          break;
        }
      }
    }
  }
  cur_env = saved;
}

// ---------------------------------------------------------------------------------------------
// Orphan rules (E0117, E0210) and inherent impls of foreign types (E0116, E0390)
//
// An impl of a std trait `impl Tr<T1..Tn> for T0` is allowed when, walking T0, T1, ..., some
// Ti is local before any Tj is a bare type parameter ("uncovered": `T`, `&T`, `Box<T>`); rustc
// says which one failed. An inherent impl needs a local self type.

static bool is_uncovered_param(Type *t) {
  t = ty_resolve(t);
  if (t->kind == TY_REF || t->kind == TY_BOX) return is_uncovered_param(t->inner);
  return t->kind == TY_PARAM;
}

static const char *foreign_reason(Type *t) {
  switch (ty_resolve(t)->kind) {
  case TY_TUPLE: case TY_UNIT: return "this is not defined in the current crate because tuples are always foreign";
  case TY_ARRAY: return "this is not defined in the current crate because arrays are always foreign";
  case TY_SLICE: return "this is not defined in the current crate because slices are always foreign";
  default: return arena_printf("`%s` is not defined in the current crate", ty_name(t));
  }
}

static void check_trait_impl_orphan(ImplDecl *im) {
  int n = im->ntrait_args + 1;
  for (int i = 0; i < n; i++) {
    Type *t = i == 0 ? im->self_ty : im->trait_args[i - 1];
    if (is_local_type(t)) return;
    if (is_uncovered_param(t)) {
      Type *p = ty_resolve(t);
      while (p->kind != TY_PARAM) p = ty_resolve(p->inner);
      const char *name = im->env->names[p->index];
      Span sp = im->generics.nparams > p->index ? im->generics.params[p->index].span : im->span;
      Diag *d = diag_error(sp, "E0210", "type parameter `%s` must be used as the type parameter for some local type (e.g., `MyStruct<%s>`)", name, name);
      diag_label(d, "type parameter `%s` must be used as the type parameter for some local type", name);
      diag_note(d, "implementing a foreign trait is only possible if at least one of the types for which it is implemented is local");
      diag_note(d, "only traits defined in the current crate can be implemented for a type parameter");
      diag_emit(d);
      return;
    }
  }
  Diag *d = diag_error(im->span, "E0117", "only traits defined in the current crate can be implemented for arbitrary types");
  diag_secondary(d, im->self_te->span, "%s", foreign_reason(im->self_ty));
  diag_note(d, "impl doesn't have any local type before any uncovered type parameters");
  diag_note(d, "for more information see https://doc.rust-lang.org/reference/items/implementations.html#orphan-rules");
  diag_note(d, "define and implement a trait or new type instead");
  diag_emit(d);
}

static void check_inherent_impl_orphan(ImplDecl *im) {
  Type *t = ty_resolve(im->self_ty);
  if (is_local_type(t) || t->kind == TY_PARAM) return;  // a bare `impl<T> T` is E0118 elsewhere
  bool primitive = t->kind == TY_INT || t->kind == TY_FLOAT || t->kind == TY_BOOL || t->kind == TY_CHAR || t->kind == TY_STR ||
                   t->kind == TY_REF || t->kind == TY_SLICE || t->kind == TY_ARRAY || t->kind == TY_TUPLE || t->kind == TY_UNIT;
  if (primitive) {
    Diag *d = diag_error(im->span, "E0390", "cannot define inherent `impl` for primitive types");
    diag_help(d, "consider using an extension trait instead");
    diag_emit(d);
    return;
  }
  Diag *d = diag_error(im->span, "E0116", "cannot define inherent `impl` for a type outside of the crate where the type is defined");
  diag_label(d, "impl for type defined outside of crate");
  diag_help(d, "consider defining a trait and implementing it for the type or using a newtype wrapper like `struct MyType(ExternalType);` and implement it");
  diag_note(d, "for more details about the orphan rules, see <https://doc.rust-lang.org/reference/items/implementations.html?highlight=orphan#orphan-rules>");
  diag_emit(d);
}

// ---------------------------------------------------------------------------------------------
// Copy (E0204, E0184): a value that is copied bit for bit must hold only Copy fields, and cannot
// also run a destructor.

// Where a type's Copy is written: its `impl Copy for S` self type, or the struct's name for
// #[derive(Copy)] (where rustc points too).
static Span copy_site(StructDecl *s) {
  for (int i = 0; i < K->copy_trait->impls.len; i++) {
    ImplDecl *im = K->copy_trait->impls.data[i];
    Type *st = ty_resolve(im->self_ty);
    if (st->kind == TY_STRUCT && st->sdecl == s) return im->self_te->span;
  }
  return s->span;
}

// E0204: every field of a Copy type must be Copy (a field naming the type's parameters is
// Copy when they are: #[derive(Copy)] bounds them).
static bool check_copy_fields(StructDecl *s) {
  for (int v = 0; v < (s->is_enum ? s->nvariants : 1); v++) {
    FieldDecl *fields = s->is_enum ? s->variants[v].fields : s->fields;
    int n = s->is_enum ? s->variants[v].nfields : s->nfields;
    for (int i = 0; i < n; i++) {
      Type *ft = fields[i].type;
      if (!ft || ty_has_params(ft) || type_implements(K, ft, K->copy_trait)) continue;
      Diag *d = diag_error(copy_site(s), "E0204", "the trait `Copy` cannot be implemented for this type");
      Span fsp = fields[i].span;
      if (fields[i].ty && fields[i].ty->span.hi > fsp.hi && fields[i].ty->span.file == fsp.file) fsp.hi = fields[i].ty->span.hi;
      diag_secondary(d, fsp, "this field does not implement `Copy`");
      diag_emit(d);
      return false;
    }
  }
  return true;
}

static void check_copy_drop(StructDecl *s) {
  if (!s->is_copy || s->span.file == 0 || !check_copy_fields(s) || !s->drop_impl) return;
  Span at = copy_site(s);
  Diag *d = diag_error(at, "E0184", "the trait `Copy` cannot be implemented for this type; the type has a destructor");
  diag_label(d, "`Copy` not allowed on types with destructors");
  diag_note_at(d, s->drop_impl->span, "destructor declared here");
  diag_emit(d);
}

// `impl Copy for S` asks `S: Clone` (Copy's supertrait), E0277 at the self type; `impl Sized`
// is the compiler's alone (E0322).
static void check_marker_impl(ImplDecl *im) {
  if (im->trait == K->sized_trait) {
    Diag *d = diag_error(im->span, "E0322", "explicit impls for the `Sized` trait are not permitted");
    diag_label(d, "impl of `Sized` not allowed");
    diag_emit(d);
  } else if (im->trait == K->copy_trait && ty_resolve(im->self_ty)->kind == TY_STRUCT && !ty_has_params(im->self_ty) &&
             !find_impl(K, &(TraitRef){.trait = K->clone_trait}, im->self_ty, NULL, NULL)) {
    const char *name = ty_name(im->self_ty);
    Diag *d = diag_error(im->self_te->span, "E0277", "the trait bound `%s: Clone` is not satisfied", name);
    diag_label(d, "the trait `Clone` is not implemented for `%s`", name);
    diag_help(d, "consider annotating `%s` with `#[derive(Clone)]`", name);
    diag_emit(d);
  }
}

// Whether two inherent impls' self types may be the same type (`W<T>` and `W<i32>` may).
static bool self_types_overlap(Type *a, Type *b) {
  a = ty_resolve(a), b = ty_resolve(b);
  if (a == b || a->kind == TY_PARAM || b->kind == TY_PARAM) return true;
  if (a->kind != TY_STRUCT || b->kind != TY_STRUCT || a->sdecl != b->sdecl || a->nargs != b->nargs) return false;
  for (int i = 0; i < a->nargs; i++)
    if (!self_types_overlap(a->args[i], b->args[i])) return false;
  return true;
}

// E0592: two inherent impls of one type defining the same name; a call could not choose.
static void check_inherent_duplicates(ImplDecl *im, int at) {
  for (int j = 0; j < at; j++) {
    ImplDecl *other = VEC_AT(K->impls, j);
    if (other->trait || other->span.file == 0 || !other->self_ty || !self_types_overlap(im->self_ty, other->self_ty)) continue;
    for (int a = 0; a < other->nmethods; a++)
      for (int b = 0; b < im->nmethods; b++) {
        FnDecl *first = other->methods[a], *second = im->methods[b];
        if (first->name != second->name) continue;
        Diag *d = diag_error(first->sig_span.hi ? first->sig_span : first->span, "E0592", "duplicate definitions with name `%s`", first->name);
        diag_label(d, "duplicate definitions for `%s`", first->name);
        diag_secondary(d, second->sig_span.hi ? second->sig_span : second->span, "other definition for `%s`", first->name);
        diag_emit(d);
      }
  }
}

void check_coherence(void) {
  for (int i = 0; i < K->impls.len; i++) {
    ImplDecl *im = VEC_AT(K->impls, i);
    if (im->span.file == 0 || !im->self_ty) continue;
    if (!im->trait) check_inherent_impl_orphan(im), check_inherent_duplicates(im, i);
    else if (im->trait->span.file == 0) check_trait_impl_orphan(im), check_marker_impl(im);
  }
  for (int i = 0; i < K->structs.len; i++) check_copy_drop(VEC_AT(K->structs, i));
  if (diag_error_count()) return;  // an orphan impl also overlaps std's; rustc reports only that
  check_overlap();
}
