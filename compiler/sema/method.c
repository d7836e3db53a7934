// method.c — method calls: the table of builtin methods (those of primitive and std types that
// trc implements itself) and the method probe. Kept apart because the probe is one algorithm
// with its own order of lookups; check_expr only calls check_method.
//
// Method calls follow rustc's probe: walk the receiver's autoderef chain (R, *R, **R ...); at
// each step look for builtin methods, then (for a parameter) its bounds, (for dyn) the trait
// object's methods, then inherent impls, then trait impls; the method's receiver kind decides
// the autoref. Trait methods are recorded as DISPATCH_TRAIT with the Self type — mono picks the
// impl per instance — or DISPATCH_DYN when Self is a trait object.
#include "sema/sema_internal.h"

#include <string.h>

// ---------------------------------------------------------------------------------------------
// Methods

typedef struct {
  const char *name;
  TypeKind on;
  Builtin bi;
  SelfKind self;
  int nparams;  // parameters besides self
} BuiltinMethod;

static const BuiltinMethod builtin_methods[] = {
#define METHOD(id, kind, name, self, n) {name, kind, BI_##id, self, n},
#include "syntax/builtins.def"
};

Type **copy_types(Type **t, int n) {
  Type **c = arena_alloc(sizeof(Type *) * (n + 1));
  copy_bytes(c, t, sizeof(Type *) * n);
  return c;
}

// Whether integer type t has the method: some are only signed types', some only unsigned ones'.
static bool int_has_method(Type *t, const char *name) {
  static const char *const signed_only[] = {"abs", "checked_abs", "wrapping_abs", "unsigned_abs", "signum", "is_positive", "is_negative"};
  static const char *const unsigned_only[] = {"is_power_of_two", "next_power_of_two"};
  const char *const *list = t->is_signed ? unsigned_only : signed_only;
  int n = t->is_signed ? 2 : 7;
  for (int i = 0; i < n; i++)
    if (!strcmp(list[i], name)) return false;
  return true;
}

static const BuiltinMethod *find_builtin_method(Type *t, const char *name) {
  for (size_t i = 0; i < sizeof builtin_methods / sizeof builtin_methods[0]; i++)
    if (builtin_methods[i].on == t->kind && !strcmp(builtin_methods[i].name, name)) {
      if (t->kind == TY_INT && !int_has_method(t, name)) continue;
      return &builtin_methods[i];
    }
  return NULL;
}

// Result<T, ParseIntError>, from the prelude.
// The arguments (self included) of a builtin method of t named by a path, or -1.
int builtin_method_arity(Type *t, const char *name) {
  const BuiltinMethod *bm = find_builtin_method(ty_resolve(t), name);
  return bm ? bm->nparams + 1 : -1;
}

Type *parse_result(Type *t, const char *error) {
  StructDecl *res = lookup_struct(intern_cstr("Result")), *err = lookup_struct(intern_cstr(error));
  Type *args[2] = {t, ty_struct(err, NULL, 0)};
  return ty_struct(res, copy_types(args, 2), 2);
}

// The unsigned integer type of t's width (abs_diff's result).
static Type *unsigned_of(Type *t) {
  Type *const u[] = {ty_u8, ty_u16, ty_u32, ty_u64, ty_u128};
  return t->is_size ? ty_usize : u[t->bits == 8 ? 0 : t->bits == 16 ? 1 : t->bits == 32 ? 2 : t->bits == 64 ? 3 : 4];
}

static Sig builtin_method_sig(const BuiltinMethod *bm, Type *self) {
  Sig s = {.nparams = bm->nparams, .params = arena_alloc(sizeof(Type *) * 3)};
  switch (bm->bi) {
  case BI_SLICE_LEN: s.ret = ty_usize; break;
  case BI_SLICE_IS_EMPTY: s.ret = ty_bool; break;
  case BI_ITER: case BI_ITER_MUT: s.ret = ty_iter(self->inner, bm->bi == BI_ITER_MUT); break;
  case BI_SLICE_SWAP: s.params[0] = s.params[1] = ty_usize; s.ret = ty_unit; break;
  case BI_VEC_POP: {
    Type *arg[1] = {self->inner};
    s.ret = ty_struct(K->option, copy_types(arg, 1), 1);
    break;
  }
  case BI_VEC_REMOVE: s.params[0] = ty_usize; s.ret = self->inner; break;
  case BI_VEC_INSERT: s.params[0] = ty_usize; s.params[1] = self->inner; s.ret = ty_unit; break;
  case BI_VEC_PUSH: s.params[0] = self->inner; s.ret = ty_unit; break;
  case BI_VEC_LEN: case BI_STRING_LEN: case BI_STR_LEN: case BI_VEC_CAPACITY: s.ret = ty_usize; break;
  case BI_VEC_IS_EMPTY: case BI_STR_IS_EMPTY: s.ret = ty_bool; break;
  case BI_VEC_CLEAR: s.ret = ty_unit; break;
  case BI_STRING_PUSH_STR: s.params[0] = ty_ref(ty_str, false); s.ret = ty_unit; break;
  case BI_STRING_PUSH: s.params[0] = ty_char; s.ret = ty_unit; break;
  case BI_STRING_AS_STR: s.ret = ty_ref(ty_str, false); break;
  case BI_STRING_CLONE: case BI_STR_TO_STRING: case BI_TO_STRING: s.ret = ty_string; break;
  case BI_INT_CHECKED: case BI_INT_WRAPPING: case BI_INT_SATURATING: case BI_INT_OVERFLOWING: case BI_INT_ARITH: {
    // `pow` takes its exponent as u32; checked_ gives Option<Self>, overflowing_ (Self, bool).
    const char *op = strrchr(bm->name, '_') ? strrchr(bm->name, '_') + 1 : bm->name;
    s.params[0] = !strcmp(op, "pow") ? ty_u32 : self;
    Type *pair[2] = {self, ty_bool};
    s.ret = bm->bi == BI_INT_CHECKED ? ty_struct(K->option, copy_types(pair, 1), 1)
          : bm->bi == BI_INT_OVERFLOWING ? ty_tuple(copy_types(pair, 2), 2) : self;
    break;
  }
  case BI_INT_COUNT: s.ret = ty_u32; break;
  case BI_INT_TEST: case BI_FLOAT_TEST: s.ret = ty_bool; break;
  case BI_INT_ROTATE: case BI_FLOAT_POWI: s.params[0] = bm->bi == BI_INT_ROTATE ? ty_u32 : ty_i32; s.ret = self; break;
  case BI_INT_ABS_DIFF: s.params[0] = self; s.ret = unsigned_of(self); break;
  case BI_FLOAT_TERNARY: case BI_INT_CLAMP: s.params[0] = s.params[1] = self; s.ret = self; break;
  case BI_FLOAT_TO_BITS: s.ret = self->bits == 32 ? ty_u32 : ty_u64; break;
  default: s.params[0] = self; s.ret = self; break;
  }
  return s;
}

// Records a method found on step type `u` of the autoderef chain.

// Where a method's bounds are reported, as rustc does: at the method's name, not the receiver.
static Span method_name_span(Expr *e) { return e->name_span.hi ? e->name_span : e->span; }

// `S.sized::<X>()` with `X: ?Sized` written for the method's implicitly Sized parameter: E0277 at
// that argument, as check_path.c's check_sized_targs reports it for a path's call.
static void method_turbofish_sized(Fcx *fx, Expr *e, FnDecl *m, int own_from) {
  for (int i = 0; i < e->ntargs && own_from + i < m->env->n; i++) {
    if (!m->env->sized[own_from + i]) continue;
    Type *t = ty_resolve(e->fn_targs[own_from + i]);
    if (t->kind == TY_VAR || !(t = unsized_part(fx->env, t))) continue;
    Diag *d = diag_error(e->targs[i]->span, "E0277", "the size for values of type `%s` cannot be known at compilation time", ty_name(t));
    diag_label(d, "doesn't have a size known at compile-time");
    diag_secondary(d, method_name_span(e), "required by a bound introduced by this call");
    if (i < m->generics.nparams)
      diag_note_at(d, m->generics.params[i].span, "required by an implicit `Sized` bound in `%s`", m->name);
    diag_emit(d);
    return;
  }
}

// E0034: two traits give t an item named name (and t has no inherent one); rustc makes the
// program say which, `Pilot::fly(&h)` or `<Human as Wizard>::fly(&h)`.
void ambiguous_items(Span at, const char *name, TraitDecl *a, TraitDecl *b, Type *t) {
  Diag *d = diag_error(at, "E0034", "multiple applicable items in scope");
  diag_label(d, "multiple `%s` found", name);
  diag_note(d, "candidate #1 is defined in an impl of the trait `%s` for the type `%s`", a->name, ty_name(t));
  diag_note(d, "candidate #2 is defined in an impl of the trait `%s` for the type `%s`", b->name, ty_name(t));
  diag_emit(d);
}

// E0034 for m, found in `owner` through trait tr, when another trait among tr and its
// supertraits declares a method of that name taking self the same way (`trait Loud: Animal`,
// both with `fn talk(&self)`; a by-value and a `&self` method are found at different steps).
static void supertrait_ambiguity(Expr *e, TraitDecl *tr, TraitDecl *owner, FnDecl *m, Type *u) {
  TraitDecl *other = trait_other_declarer(tr, e->name, owner);
  if (other && trait_find_method(other, e->name, NULL)->self_kind == m->self_kind)
    ambiguous_items(method_name_span(e), e->name, owner, other, u);
}

static bool probing_referent;  // a tentative probe (see probe_referent): no diagnostics

// E0034 for a method of parameter u found through its bound `first`, when another of its
// bounds (`T: A + B`, or B's supertrait A, which the bounds list too) declares one of that name
// taking self the same way.
static void param_bounds_ambiguity(Fcx *fx, Expr *e, Type *u, int first) {
  TraitDecl *owner = e->trait;
  for (int b = first + 1; b < fx->env->nbounds[u->index]; b++) {
    TraitDecl *other = NULL;
    FnDecl *m = trait_find_method(fx->env->bounds[u->index][b]->trait, e->name, &other);
    // (one trait a supertrait of the other is supertrait_ambiguity's to report)
    if (m && other != owner && m->self_kind == e->fn->self_kind && !trait_implies(owner, other) && !trait_implies(other, owner)) {
      ambiguous_items(method_name_span(e), e->name, owner, other, u);
      return;
    }
  }
}

static bool skip_private;      // inherent methods private here are passed over (probe_method_call)
static bool private_skipped;   // and one was

static void set_receiver_adjust(Expr *e, int derefs, SelfKind sk) {
  // `self: Box<Self>` takes the Box the method was found through, one step back in the chain.
  if (sk == SELF_BOX) {
    if (!probing_referent && (derefs == 0 || ty_resolve(e->sub->ty)->kind == TY_REF)) {
      Diag *d = diag_error(e->span, "E0599", "no method named `%s` found: it takes `self: Box<Self>`, and the receiver is not a `Box`", e->name);
      diag_emit(d);
    }
    e->autoderefs = derefs > 0 ? derefs - 1 : 0;
    e->autoref = 0;
    return;
  }
  e->autoderefs = derefs;
  e->autoref = sk == SELF_REF ? 1 : sk == SELF_REF_MUT ? 2 : 0;
}

static bool method_on_trait(Fcx *fx, Expr *e, TraitRef *tr, Type *u, int derefs, DispatchKind kind, Sig *out) {
  TraitDecl *owner = NULL;
  FnDecl *m = trait_find_method(tr->trait, e->name, &owner);
  // An associated function (`fn new() -> Self`) is no method: `x.new()` is E0599, as for inherent ones.
  if (!m || m->self_kind == SELF_NONE) return false;
  if (!probing_referent) supertrait_ambiguity(e, tr->trait, owner, m, u);
  // A tentative probe of `&mut dyn Tr`'s referent only wants a `&mut self` method; `it.sum()`
  // goes on to `impl Iterator for &mut I`.
  if (probing_referent && kind == DISPATCH_DYN && (m->requires_sized || m->self_kind == SELF_VALUE)) return false;
  if (kind == DISPATCH_DYN && m->requires_sized) {
    Diag *d = diag_error(e->name_span, NULL, "the `%s` method cannot be invoked on a trait object", e->name);
    // Implied by another bound (`where Self: Clone`), rustc says so at the call.
    if (m->sized_span.hi) diag_secondary(d, m->sized_span, "this has a `Sized` requirement");
    else diag_label(d, "this has a `Sized` requirement");
    diag_emit(d);
  } else if (kind == DISPATCH_DYN && m->self_kind == SELF_VALUE) {
    // `self` by value would move an unsized `dyn Tr` onto the stack.
    Diag *d = diag_error(e->sub->span, "E0161", "cannot move a value of type `%s`", ty_name(u));
    diag_label(d, "the size of `%s` cannot be statically determined", ty_name(u));
    diag_emit(d);
    if (ty_resolve(e->sub->ty)->kind == TY_REF) {
      // Through a reference it is also a move out of a borrow, as rustc reports.
      Diag *d2 = diag_error(e->sub->span, "E0507", "cannot move out of `*%s` which is behind a shared reference", diag_span_text(e->sub->span));
      diag_label(d2, "move occurs because `*%s` has type `%s`, which does not implement the `Copy` trait", diag_span_text(e->sub->span), ty_name(u));
      diag_emit(d2);
    }
  }
  e->dispatch = kind;
  e->fn = m;
  e->trait = owner;
  e->self_ty = u;
  // Self, then the owner trait's own args: through a bound `T: Tr<X>` (or `dyn Tr<X>`), those
  // the bound gives, or its supertrait clause (`trait Tr<X>: Conv<Vec<X>>`) from them.
  int ntrait = owner->env->n;
  Type **given = arena_alloc(sizeof(Type *) * (tr->trait->env->n + 1));
  given[0] = u;
  for (int i = 1; i < tr->trait->env->n; i++) given[i] = i - 1 < tr->nargs ? tr->args[i - 1] : ty_new_var(0);
  Type **prefix = trait_super_targs(tr->trait, given, owner);
  if (!prefix) {
    prefix = arena_alloc(sizeof(Type *) * (ntrait + 1));
    prefix[0] = u;
    for (int i = 1; i < ntrait; i++) prefix[i] = ty_new_var(0);
  }
  e->fn_targs = fresh_targs(fx, m->env, ntrait, prefix, method_name_span(e));
  e->fn_ntargs = m->env->n;
  if (e->ntargs) {
    PathSeg seg = {.args = e->targs, .nargs = e->ntargs, .span = e->span};
    apply_turbofish(fx, &seg, m->env, ntrait, e->fn_targs);
    method_turbofish_sized(fx, e, m, ntrait);
  }
  set_receiver_adjust(e, derefs, m->self_kind);
  for (int i = 0; m->self_bounds && !(kind == DISPATCH_DYN && m->requires_sized) && i < m->self_bounds->n; i++) {
    Obligation *o = obligate(fx, u, m->self_bounds->refs[i]->trait, method_name_span(e));
    o->bound_of = m, o->bound_span = m->self_bound_spans[i];
  }
  *out = sig_of(m, e->fn_targs, e->fn_ntargs);
  return true;
}

// While an operator's method is probed (`a + b` as `a.add(b)`, `*p` as `*p.deref()`), its trait
// is in scope wherever the operator is written; a method call by name needs the trait imported.
static bool operator_call;

static bool trait_in_scope(TraitDecl *t, Expr *e) { return operator_call || trait_methods_in_scope(t, e->span); }

// A method of a blanket impl (`impl<I: Iterator> IntoIterator for I`) on a type parameter whose
// bounds do not declare it.
static bool blanket_method(Fcx *fx, Expr *e, Type *u, int derefs, Sig *out) {
  int ntraits;
  TraitDecl **traits = traits_declaring(e->name, &ntraits);
  for (int i = 0; i < ntraits; i++) {
    if (!trait_in_scope(traits[i], e)) continue;
    TraitRef tr = {.trait = traits[i]};
    ImplDecl *im = find_impl(K, &tr, u, NULL, NULL);
    if (im && ty_resolve(im->self_ty)->kind == TY_PARAM) return method_on_trait(fx, e, &tr, u, derefs, DISPATCH_TRAIT, out);
  }
  return false;
}

// A method of an inherent impl of u (`impl Point`, `impl<T> Stack<T>`, `impl dyn Any`).
// `W(N).show()` with `impl<T: Display> W<T>` and N not Display: rustc's probe finds the method
// but not for this type (E0599, "its trait bounds were not satisfied"), not an unmet bound of
// the call (E0277). Reports it when a bound of the impl fails for a type already known.
static bool unmet_impl_bound(Expr *e, ImplDecl *im, Type **binds, int n, Type *u) {
  for (int p = 0; p < n; p++) {
    Type *bp = ty_resolve(binds[p]);
    if (ty_has_vars(bp) || ty_has_params(bp) || ty_has_assoc(bp)) continue;
    for (int b = 0; b < im->env->nbounds[p]; b++) {
      TraitRef *r = im->env->bounds[p][b];
      if (r->trait->is_auto || is_fn_trait(r->trait) || type_implements(K, bp, r->trait)) continue;
      Type *st = ty_resolve(u);
      Diag *d = diag_error(method_name_span(e), "E0599", "the method `%s` exists for %s `%s`, but its trait bounds were not satisfied", e->name,
                           st->kind == TY_STRUCT ? (st->sdecl->is_enum ? "enum" : "struct") : "type", ty_name(u));
      diag_label(d, "method cannot be called on `%s` due to unsatisfied trait bounds", ty_name(u));
      diag_note(d, "trait bound `%s: %s` was not satisfied", ty_name(bp), r->trait->name);
      diag_emit(d);
      return true;
    }
  }
  return false;
}

// Which methods a probe looks at: those taking self one way (`want`, a SelfKind), or any.
enum { WANT_ANY = -1 };

static bool inherent_method(Fcx *fx, Expr *e, Type *u, int derefs, Sig *out, int want) {
  int nfns;
  FnDecl **fns = inherent_fns_named(e->name, &nfns);
  for (int i = 0; i < nfns; i++) {
    FnDecl *f = fns[i];
    ImplDecl *im = f->impl;
    if (f->self_kind == SELF_NONE || (want != WANT_ANY && (int)f->self_kind != want)) continue;
    if (skip_private && !fn_visible(f, method_name_span(e))) {
      private_skipped = true;
      continue;
    }
    int n = im->env->n;
    Type **binds = arena_alloc(sizeof(Type *) * (n + 1));
    for (int p = 0; p < n; p++) binds[p] = ty_new_var(0);
    if (!unify(ty_subst(im->self_ty, binds, n), u)) continue;
    e->dispatch = DISPATCH_DIRECT;
    e->fn = f;
    int obligations = fx->obligations.len;
    int outlives = fx->outlives.len;
    e->fn_targs = fresh_targs(fx, f->env, n, binds, method_name_span(e));
    if (!probing_referent && unmet_impl_bound(e, im, binds, n, u)) fx->obligations.len = obligations, fx->outlives.len = outlives;
    e->fn_ntargs = f->env->n;
    if (e->ntargs) {  // `b.downcast_ref::<String>()`
      PathSeg seg = {.args = e->targs, .nargs = e->ntargs, .span = e->span};
      apply_turbofish(fx, &seg, f->env, n, e->fn_targs);
      method_turbofish_sized(fx, e, f, n);
    }
    set_receiver_adjust(e, derefs, f->self_kind);
    check_fn_privacy(f, method_name_span(e));
    *out = sig_of(f, e->fn_targs, e->fn_ntargs);
    return true;
  }
  return false;
}

// E0599 for a method of a program's trait that the type implements but that the module does
// not import: rustc's help names the trait and the `use` that brings it in.
static void suggest_trait_import(Diag *d, Expr *e, Type *rt) {
  int ntraits;
  TraitDecl **traits = traits_declaring(e->name, &ntraits);
  for (int i = 0; i < ntraits; i++) {
    TraitDecl *t = traits[i];
    TraitRef tr = {.trait = t};
    if (t->span.file == 0 || trait_in_scope(t, e) || !find_impl(K, &tr, rt, NULL, NULL)) continue;
    TraitDecl *owner = NULL;
    FnDecl *m = trait_find_method(t, e->name, &owner);
    if (m) diag_secondary(d, m->span, "the method is available for `%s` here", ty_name(rt));
    diag_help(d, "items from traits can only be used if the trait is in scope");
    diag_help(d, "trait `%s` which provides `%s` is implemented but not in scope; perhaps you want to import it: `use %s;`",
              t->name, e->name, qualified_name(module_of(t->span), t->name));
    return;
  }
}

static bool trait_impl_method(Fcx *fx, Expr *e, Type *u, int derefs, Sig *out, int want);

// The traits declaring a method named as e calls, of those in scope at e.
static TraitDecl **traits_in_scope_declaring(Expr *e, int *n) {
  int all;
  TraitDecl **traits = traits_declaring(e->name, &all);
  // (Of a common name's hundreds of declarers a few are in scope: the list is kept, so it is
  // gathered in scratch memory and copied at its size.)
  ScratchMark mark = scratch_mark();
  TraitDecl **found = scratch_alloc(sizeof(TraitDecl *) * (all + 1));
  *n = 0;
  for (int i = 0; i < all; i++)
    if (trait_in_scope(traits[i], e)) found[(*n)++] = traits[i];
  TraitDecl **in = arena_alloc(sizeof(TraitDecl *) * (*n + 1));
  copy_bytes(in, found, sizeof(TraitDecl *) * *n);
  scratch_release(mark);
  return in;
}

static bool declares_method(TraitDecl *t, const char *name) {
  for (int i = 0; i < t->nmethods; i++)
    if (t->methods[i]->name == name) return true;
  return false;
}

static void add_candidate(TraitDecl **found, int *n, TraitDecl *t, Expr *e) {
  if (!declares_method(t, e->name) || !trait_in_scope(t, e)) return;
  int at = *n, ord = trait_ordinal(t);
  for (int i = 0; i < *n; i++)
    if (found[i] == t) return;
  while (at > 0 && trait_ordinal(found[at - 1]) > ord) found[at] = found[at - 1], at--;
  found[at] = t;
  ++*n;
}

// traits_in_scope_declaring, of the traits that may have an impl for u (traits_with_impls_for):
// those with one at u's head and those with a blanket impl, in the same order.
static TraitDecl **traits_in_scope_declaring_for(Expr *e, Type *u, int *n) {
  TraitDecl **head, **blanket;
  int nhead, nblanket;
  if (!traits_with_impls_for(u, &head, &nhead, &blanket, &nblanket)) return traits_in_scope_declaring(e, n);
  TraitDecl **found = arena_alloc(sizeof(TraitDecl *) * (nhead + nblanket + 1));
  *n = 0;
  for (int i = 0; i < nhead; i++) add_candidate(found, n, head[i], e);
  for (int i = 0; i < nblanket; i++) add_candidate(found, n, blanket[i], e);
  return found;
}

static bool from_box;  // the probe's step before this one was a Box (see by_receiver)

// The receiver `&u` (`&mut u`) as the `self` of a trait implemented for the reference: `impl Tr
// for &Foo { fn bar(self) }` makes `foo.bar()` `Tr::bar(&foo)`.
static bool trait_by_value_on_ref(Fcx *fx, Expr *e, Type *u, int derefs, Sig *out, bool mut) {
  if (!trait_impl_method(fx, e, ty_ref(u, mut), derefs, out, SELF_VALUE)) return false;
  e->autoref = mut ? 2 : 1;
  return true;
}

// rustc's order at one step u of the autoderef chain: the methods whose receiver is u itself
// (`self`, and `self: Box<Self>` when u came out of a Box), then those taking `&u`, then
// `&mut u`; at each, an inherent method before a trait's. So a trait's `count(self)` comes
// before an inherent `count(&self)`, and an inherent `&mut self` method after a trait's `&self`.
static bool by_receiver(Fcx *fx, Expr *e, Type *u, int derefs, Sig *out) {
  static const SelfKind order[] = {SELF_VALUE, SELF_REF, SELF_REF_MUT};
  if (from_box && (inherent_method(fx, e, u, derefs, out, SELF_BOX) || trait_impl_method(fx, e, u, derefs, out, SELF_BOX))) return true;
  for (int i = 0; i < 3; i++) {
    if (inherent_method(fx, e, u, derefs, out, order[i]) || trait_impl_method(fx, e, u, derefs, out, order[i])) return true;
    if (i && trait_by_value_on_ref(fx, e, u, derefs, out, order[i] == SELF_REF_MUT)) return true;
  }
  // (`self: Box<Self>` on a value not in a Box: found, to say so.)
  return !from_box && (inherent_method(fx, e, u, derefs, out, SELF_BOX) || trait_impl_method(fx, e, u, derefs, out, SELF_BOX));
}

// Probes one step type of the autoderef chain. want: the receivers to look for
// (probe_referent's), or WANT_ANY in rustc's order.
static bool probe_step(Fcx *fx, Expr *e, Type *u, int derefs, Sig *out, int want) {
  // `r.clone()` on `r: &T` clones the T (the by-value receiver `&T` of T's clone comes first).
  // (Not in probe_referent's look at `&T` behind `&&T`: there `<&T as Clone>::clone` is the one.)
  if (!strcmp(e->name, "clone") && want == WANT_ANY && u->kind == TY_REF && type_implements(K, u->inner, K->clone_trait)) return false;
  const BuiltinMethod *bm = find_builtin_method(u, e->name);
  if (bm) {
    e->dispatch = DISPATCH_BUILTIN;
    e->builtin = bm->bi;
    e->self_ty = u;
    set_receiver_adjust(e, derefs, bm->self);
    Sig s = builtin_method_sig(bm, u);
    // Sig params here exclude self; add it to match user methods' shape.
    out->nparams = s.nparams + 1;
    out->params = arena_alloc(sizeof(Type *) * (out->nparams + 1));
    out->params[0] = bm->self == SELF_VALUE ? u : ty_ref(u, bm->self == SELF_REF_MUT);
    for (int i = 0; i < s.nparams; i++) out->params[i + 1] = s.params[i];
    out->ret = s.ret;
    return true;
  }
  if (u->kind == TY_PARAM) {
    for (int b = 0; b < fx->env->nbounds[u->index]; b++)
      if (method_on_trait(fx, e, fx->env->bounds[u->index][b], u, derefs, DISPATCH_TRAIT, out)) {
        if (!probing_referent) param_bounds_ambiguity(fx, e, u, b);
        return true;
      }
    return blanket_method(fx, e, u, derefs, out);
  }
  if (u->kind == TY_OPAQUE) {  // `-> impl Tr`: only what its bounds promise
    int n;
    TraitRef **bs = opaque_bounds(u, &n);
    for (int b = 0; b < n; b++)
      if (method_on_trait(fx, e, bs[b], u, derefs, DISPATCH_TRAIT, out)) return true;
    return blanket_method(fx, e, u, derefs, out);
  }
  if (u->kind == TY_DYN) {  // the trait's methods, then an `impl dyn Tr` block's (`downcast_ref` of dyn Any)
    if (u->principal && method_on_trait(fx, e, u->principal, u, derefs, DISPATCH_DYN, out)) return true;
    return inherent_method(fx, e, u, derefs, out, WANT_ANY) || trait_impl_method(fx, e, u, derefs, out, WANT_ANY);  // `impl PartialEq<f64> for dyn Shape`
  }
  if (u->kind == TY_ASSOC) {  // what its trait declares it bounded by
    int n;
    TraitRef **bs = assoc_bounds(u, &n);
    for (int b = 0; b < n; b++)
      if (method_on_trait(fx, e, bs[b], u, derefs, DISPATCH_TRAIT, out)) return true;
    bs = env_pred_bounds(fx->env, u, &n);
    for (int b = 0; b < n; b++)
      if (method_on_trait(fx, e, bs[b], u, derefs, DISPATCH_TRAIT, out)) return true;
    return blanket_method(fx, e, u, derefs, out);  // `e.to_string()` with `where T::Err: Display`
  }
  // A where clause on this type (`where &'a T: Speak`, `where Option<T>: Debug`) comes first,
  // as rustc's candidates from the environment do.
  int npreds;
  TraitRef **preds = env_pred_bounds(fx->env, u, &npreds);
  for (int b = 0; b < npreds; b++)
    if (method_on_trait(fx, e, preds[b], u, derefs, DISPATCH_TRAIT, out)) return true;
  if (want != WANT_ANY ? inherent_method(fx, e, u, derefs, out, want) || trait_impl_method(fx, e, u, derefs, out, want)
                       : by_receiver(fx, e, u, derefs, out))
    return true;
  // Clone without an impl (derived, String, Vec...): codegen builds the clone.
  if (!strcmp(e->name, "clone") && type_implements(K, u, K->clone_trait)) {
    TraitRef tr = {.trait = K->clone_trait};
    return method_on_trait(fx, e, &tr, u, derefs, DISPATCH_TRAIT, out);
  }
  // PartialEq without an impl (primitives, strings, Vecs...), with itself: codegen compares.
  if ((!strcmp(e->name, "eq") || !strcmp(e->name, "ne")) && type_implements(K, u, K->partial_eq_trait)) {
    TraitRef tr = {.trait = K->partial_eq_trait, .args = arena_alloc(sizeof(Type *)), .nargs = 1};
    tr.args[0] = u;
    return method_on_trait(fx, e, &tr, u, derefs, DISPATCH_TRAIT, out);
  }
  return false;
}

// The impl's parameters that only its trait arguments name are still open when its method is
// chosen (U of `impl<T, U: From<T>> Into<U> for T`, for `x.into()`): the call's expected type
// decides them later, and their bounds are obligations of the body (`Foo: From<i32>`, E0277
// when `let f: Foo = 5i32.into()` has no such impl), not something the impl's selection saw.
static void obligate_open_params(Fcx *fx, ImplDecl *im, Type **binds, int n, Span sp) {
  for (int p = 0; p < n && im->env; p++) {
    if (!binds[p] || ty_resolve(binds[p])->kind != TY_VAR) continue;
    for (int b = 0; b < im->env->nbounds[p]; b++) obligate_ref(fx, binds[p], im->env->bounds[p][b], binds, n, sp);
  }
  // A bound whose trait arguments are still open (`K: Borrow<Q>` of `map[&Id { .. }]`, Q =
  // `Id<?T>`): the one impl for K decides them when the body is done (unify_bindings).
  for (int p = 0; p < n && im->env; p++) {
    if (!binds[p] || ty_has_vars(binds[p])) continue;
    for (int b = 0; b < im->env->nbounds[p]; b++) {
      TraitRef *r = im->env->bounds[p][b];
      bool open = false;
      for (int a = 0; a < r->nargs && !open; a++) open = ty_has_vars(ty_subst(r->args[a], binds, n));
      if (open) obligate_ref(fx, binds[p], r, binds, n, sp);
    }
  }
}

// `5.into()`: an integer literal's type is not known yet, so the blanket `impl<T, U: From<T>>
// Into<U> for T` is not the only impl that may apply (`impl Into<Number> for i32`); the trait's
// arguments are then left to inference, as for a type with several impls.
static bool literal_has_several_impls(TraitDecl *trait, Type *u) {
  u = ty_resolve(u);
  if (u->kind != TY_VAR || !u->var_kind) return false;
  int n = 0;
  for (int i = 0; i < trait->impls.len; i++) {
    Type *st = trait->impls.data[i]->self_ty ? ty_resolve(trait->impls.data[i]->self_ty) : NULL;
    n += st && (st->kind == TY_PARAM || ty_may_unify(st, u));  // (a blanket impl's T fits too)
  }
  return n > 1;
}

// Trait impls for u: of the traits declaring the method, the one whose impl comes first.
static bool trait_impl_method(Fcx *fx, Expr *e, Type *u, int derefs, Sig *out, int want) {
  int ntraits;
  TraitDecl **traits = traits_in_scope_declaring_for(e, u, &ntraits);
  ImplDecl *best = NULL, *other = NULL;
  SelfKind best_self = SELF_NONE;
  Type **best_binds = NULL;
  int best_n = 0;
  for (int round = 0; round < 2 && !best; round++) {
    // (A second round once a literal in u took the type of the one impl it could have.)
    if (round && !unify_with_literal_impl(traits, ntraits, u)) break;
    for (int i = 0; i < ntraits; i++) {
      Type **binds = NULL;
      int n = 0;
      TraitRef tr = {.trait = traits[i]};
      ImplDecl *im = find_impl_for_call(K, &tr, u, &binds, &n);
      FnDecl *m = im ? trait_find_method(traits[i], e->name, NULL) : NULL;
      if (!m || m->self_kind == SELF_NONE || (want != WANT_ANY && (int)m->self_kind != want)) continue;
      // (Only methods found at the same step of the probe conflict: `(1..4).eq(v)` is Iterator's
      // by-value eq before PartialEq's `&self` one.)
      if (best && best->trait != im->trait && best_self == m->self_kind) other = best->index < im->index ? im : best;
      if (best && best->index < im->index) continue;
      best = im, best_binds = binds, best_n = n, best_self = m->self_kind;
    }
  }
  if (other && !probing_referent)  // `Human.fly()` with Pilot's and Wizard's fly and no inherent one
    ambiguous_items(method_name_span(e), e->name, best->trait, other->trait, u);
  if (best) {
    ImplDecl *im = best;
    TraitRef full = {.trait = im->trait, .args = arena_alloc(sizeof(Type *) * (im->ntrait_args + 1)), .nargs = im->ntrait_args};
    // Several impls for u (`Mul<f64> for P`, `Mul<P> for P`): the arguments are inferred.
    // (PartialEq's builtin impls count: `"a".eq(&s)` may be `&str: PartialEq<&str>` too.)
    bool cmp = im->trait == K->partial_eq_trait || im->trait == K->partial_ord_trait;
    bool several = im->ntrait_args && (impls_for_self(im->trait, u) > 1 || (cmp && compares_with_several(im->trait, u)) ||
                                       literal_has_several_impls(im->trait, u));
    for (int a = 0; a < im->ntrait_args; a++) full.args[a] = several ? ty_new_var(0) : ty_subst(im->trait_args[a], best_binds, best_n);
    if (!method_on_trait(fx, e, &full, u, derefs, DISPATCH_TRAIT, out)) return false;
    // `u: Tr<?>` is an obligation whose arguments the call's decide (`v.partial_cmp(&(2, 0))` picks
    // `PartialOrd<(u32, u32)>` and makes the literals u32), checked with the body's.
    if (several) obligate(fx, u, im->trait, method_name_span(e))->tr = traitref_new(im->trait, full.args, full.nargs);
    else obligate_open_params(fx, im, best_binds, best_n, method_name_span(e));
    return true;
  }
  return false;
}

static Type *probe_method_call(Fcx *fx, Expr *e, Type *rt);

Type *check_method(Fcx *fx, Expr *e) { return check_method_on(fx, e, ty_resolve(check_expr(fx, e->sub, NULL))); }

Type *check_method_on(Fcx *fx, Expr *e, Type *rt) {
  Type *t = probe_method_call(fx, e, rt);
  if (e->autoref == 2) note_mut_use(fx, e->sub);  // a `&mut self` method
  if (e->autoderefs) capture_through(fx, e->sub);
  return t;
}

// rustc's by-value probe of a reference `u = &mut X`: a method of X taking `&mut self` has
// receiver type u itself, so it is found before any method of u that would need u borrowed
// (`it.next()` on `it: &mut dyn Iterator` is dyn Iterator's next on `&mut *it`, not the blanket
// `impl Iterator for &mut I`'s on `&mut it`). A candidate of another receiver kind is undone.
static bool probe_referent(Fcx *fx, Expr *e, Type *u, int derefs, Sig *out) {
  int obligations = fx->obligations.len;
  int outlives = fx->outlives.len;
  Expr saved = *e;
  probing_referent = true;
  bool box = from_box;
  from_box = false;
  bool found = probe_step(fx, e, ty_resolve(u->inner), derefs + 1, out, u->mut ? SELF_REF_MUT : SELF_REF);
  from_box = box;
  probing_referent = false;
  if (found && e->autoderefs == derefs + 1 && e->autoref == (u->mut ? 2 : 1)) {
    // (Found without diagnostics: the ambiguities through a trait object's or a parameter's traits.)
    Type *in = ty_resolve(u->inner);
    bool param = e->dispatch == DISPATCH_TRAIT && in->kind == TY_PARAM;
    if (e->trait && (e->dispatch == DISPATCH_DYN || param)) supertrait_ambiguity(e, e->trait, e->trait, e->fn, in);
    if (e->trait && param) param_bounds_ambiguity(fx, e, in, -1);
    return true;
  }
  fx->obligations.len = obligations;
  fx->outlives.len = outlives;
  *e = saved;
  return false;
}



// rustc's autoref step for a method taking self by value: `bytes[..4].try_into()` is TryInto's
// `try_into(self)` with Self = &[u8] (a slice or str place cannot be the Self by value).
static bool probe_autoref_by_value(Fcx *fx, Expr *e, Type *u, int derefs, Sig *out) {
  int obligations = fx->obligations.len;
  int outlives = fx->outlives.len;
  Expr saved = *e;
  if (probe_step(fx, e, ty_ref(u, false), derefs, out, WANT_ANY) && e->autoref == 0 && e->autoderefs == derefs) {
    e->autoref = 1;
    return true;
  }
  fx->obligations.len = obligations;
  fx->outlives.len = outlives;
  *e = saved;
  return false;
}

// An operator on a type that is not a primitive: `a + b` is the call `a.add(b)` of the method
// of Add, whose receiver a was checked already (check_expr.c: check_operator).
Type *check_operator_method(Fcx *fx, Expr *m) {
  bool outer = operator_call;
  operator_call = true;
  Type *t = probe_method_call(fx, m, ty_resolve(m->sub->ty));
  operator_call = outer;
  if (m->autoref == 2) note_mut_use(fx, m->sub);
  return t;
}

// `arr.into_iter()` on an array by value, which Rust 2021 iterates by value: the receiver becomes
// the Vec its elements move into (a builtin call), whose IntoIter is the iterator.
static Type *array_into_vec(Fcx *fx, Expr *e, Type *rt) {
  note_move(fx, e->sub);
  Expr *callee = arena_alloc(sizeof *callee);
  *callee = (Expr){.kind = EX_PATH, .res = RES_BUILTIN, .builtin = BI_ARRAY_INTO_VEC, .span = e->sub->span, .field_index = -1, .ty = ty_unit};
  Expr *call = arena_alloc(sizeof *call);
  *call = (Expr){.kind = EX_CALL, .sub = callee, .args = arena_alloc(sizeof(Expr *)), .nargs = 1, .span = e->sub->span, .field_index = -1, .ty = ty_vec(rt->inner)};
  call->args[0] = e->sub;
  e->sub = call;
  vec_push(&fx->exprs, call);  // its type is resolved with the body's
  return call->ty;
}

// `arr.map(f)`, an array of what f makes: e becomes the builtin call that moves the mapped Vec
// of the array's elements, `Vec::__array_map`'s, back into an array of the same length.
static Type *array_map(Fcx *fx, Expr *e, Type *rt) {
  Expr *m = arena_alloc(sizeof *m);
  *m = *e;
  m->name = intern_cstr("__array_map");
  array_into_vec(fx, m, rt);
  m->ty = probe_method_call(fx, m, ty_resolve(m->sub->ty));
  vec_push(&fx->exprs, m);
  Type *v = ty_resolve(m->ty);
  Expr *callee = arena_alloc(sizeof *callee);
  *callee = (Expr){.kind = EX_PATH, .res = RES_BUILTIN, .builtin = BI_VEC_INTO_ARRAY, .span = e->span, .field_index = -1, .ty = ty_unit};
  *e = (Expr){.kind = EX_CALL, .sub = callee, .args = arena_alloc(sizeof(Expr *)), .nargs = 1, .span = e->span, .field_index = -1};
  e->args[0] = m;
  return ty_array_of(v->kind == TY_VEC ? v->inner : ty_new_var(0), ty_array_len(rt));
}

// The probe gave up at the recursion limit (`W<W<...>>: Tr` 128 deep): rustc's E0275, naming
// the type at the last level allowed.
static void report_overflow(Fcx *fx, Expr *e, Type *at) {
  int n;
  TraitDecl **declaring = traits_declaring(e->name, &n);
  TraitDecl *tr = n ? declaring[0] : NULL;
  report_impl_overflow(e->name_span, at, tr ? tr->name : e->name);
  for (int i = 0; i < e->nargs; i++) check_expr(fx, e->args[i], NULL);
}

// `42.into()`: a by-value method of a trait with a blanket impl (`impl<T, U: From<T>> Into<U>
// for T`) keeps the literal's type open, as rustc's probe does; the impl's bound then decides
// it (`Meters: From<{integer}>` with only `From<u64>` makes it u64, check_body.c).
static bool by_value_blanket(TraitDecl **traits, int ntraits, const char *name) {
  for (int t = 0; t < ntraits; t++) {
    FnDecl *m = trait_find_method(traits[t], name, NULL);
    if (!m || m->self_kind != SELF_VALUE) continue;
    for (int i = 0; i < traits[t]->impls.len; i++) {
      ImplDecl *im = traits[t]->impls.data[i];
      if (im->self_ty && ty_resolve(im->self_ty)->kind == TY_PARAM) return true;
    }
  }
  return false;
}

static Type *known_projections(Fcx *fx, Type *ret);

// `9.cmp(&x)` with x a u32: a literal compared with a variable of a number type is that type (the
// comparison traits' impls of the primitives take Self), as rustc infers it. Only a `&local`
// argument is looked at: the arguments are checked after the probe.
static void compared_literal(Fcx *fx, Expr *e, Type *lit) {
  static const char *const cmps[] = {"cmp", "partial_cmp", "eq", "ne", "lt", "le", "gt", "ge"};
  bool cmp = false;
  for (size_t i = 0; i < sizeof cmps / sizeof cmps[0] && !cmp; i++) cmp = !strcmp(e->name, cmps[i]);
  Expr *a = cmp && e->nargs == 1 ? e->args[0] : NULL;
  bool borrowed = a && a->kind == EX_UNARY && a->op == TK_AMP && !a->mut;  // `&x`, x a number
  Expr *path = borrowed ? a->sub : a;                                      // or `n`, a `&u64`
  if (!path || path->kind != EX_PATH || path->path.nsegs != 1) return;
  Local *l = find_local_hyg(fx, path->path.segs[0].name, path->path.segs[0].hyg);
  Type *t = l && l->ty ? ty_resolve(l->ty) : NULL;
  if (t && !borrowed) t = t->kind == TY_REF ? ty_resolve(t->inner) : NULL;
  if (t && (lit->var_kind == 1 ? t->kind == TY_INT : t->kind == TY_FLOAT)) unify(lit, t);
}

// The autoderef probe of receiver type rt, step by step; *u is the step type found (NULL if
// none), *unsized_at the step at which an array became its slice.
static bool probe_chain(Fcx *fx, Expr *e, Type *rt, Sig *out, Type **u_out, int *unsized_at_out) {
  bool found = false;
  Type *u = rt;
  int unsized_at = -1;  // the step at which an array became its slice
  for (int derefs = 0; u && derefs < 10 && !found; derefs++) {
    u = ty_resolve(u);
    if (derefs && u->kind == TY_VAR && u->var_kind && !find_builtin_method(u->var_kind == 1 ? ty_i64 : ty_f64, e->name)) {
      unify(u, u->var_kind == 1 ? ty_i32 : ty_f64);  // `b.cmp(a)` on `&{integer}`: the fallback type's trait method
      u = ty_resolve(u);
    }
    found = u->kind == TY_REF && probe_referent(fx, e, u, derefs, out);
    if (!found) found = probe_step(fx, e, u, derefs, out, WANT_ANY);
    if (!found && (u->kind == TY_SLICE || u->kind == TY_STR)) found = probe_autoref_by_value(fx, e, u, derefs, out);
    from_box = false;
    if (!found) {
      Expr *d;
      from_box = u->kind == TY_BOX;
      if (u->kind == TY_REF || u->kind == TY_BOX) u = u->inner;
      else if (u->kind == TY_VEC) u = ty_slice(u->inner);  // Vec<T> derefs to [T]
      else if (u->kind == TY_STRING) u = ty_str;           // and String to str
      else if (u->kind == TY_ARRAY && unsized_at < 0) {
        // The probe's last step: an array's methods are its slice's, through `&arr as &[T]`.
        u = ty_slice(u->inner);
        unsized_at = derefs--;
      }
      else if (u->kind != TY_VAR && (d = deref_through(fx, e->sub, derefs))) {
        // Through Deref (`rc.len()` on an Rc<Vec<T>>): the receiver is `*Deref::deref(&rc)`.
        e->sub = d;
        u = d->ty;
        derefs = -1;
      } else {
        u = NULL;
      }
    }
  }
  *u_out = u;
  *unsized_at_out = unsized_at;
  return found;
}

static Type *probe_method_call(Fcx *fx, Expr *e, Type *rt) {
  impls_overflowed(true);  // only what this probe's lookups hit counts
  from_box = false;
  if (rt->kind == TY_ARRAY && !strcmp(e->name, "map") && e->nargs == 1) return array_map(fx, e, rt);
  for (int i = 0; i < e->nargs; i++) vec_push(&fx->exprs, e->args[i]);
  Type *behind = deref_all(rt);  // (`i.to_string()` of a closure's `i: &{integer}`)
  if (behind->kind == TY_VAR && behind->var_kind) compared_literal(fx, e, behind);
  rt = ty_resolve(rt);
  behind = deref_all(rt);
  bool open_literal = false;
  if (behind->kind == TY_VAR && behind->var_kind &&
      (!strcmp(e->name, "to_string") || !find_builtin_method(behind->var_kind == 1 ? ty_i64 : ty_f64, e->name))) {
    // A trait method on a literal: the type of the one impl it could be (`5.double()` with only
    // `impl Double for u8`), else its fallback type (ToString, Ord::cmp of any integer).
    int ntraits;
    TraitDecl **traits = traits_in_scope_declaring(e, &ntraits);
    int nall;
    traits_declaring(e->name, &nall);
    if (!ntraits && nall) {  // only traits out of scope have it (and no integer or float method)
      Diag *d = diag_error(e->name_span, "E0689", "can't call method `%s` on ambiguous numeric type `%s`", e->name, ty_name(behind));
      diag_help(d, "you must specify a concrete type for this numeric value, like `%s`", behind->var_kind == 1 ? "i32" : "f32");
      diag_emit(d);
      for (int i = 0; i < e->nargs; i++) check_expr(fx, e->args[i], NULL);
      return ty_new_var(0);
    }
    open_literal = behind == rt && by_value_blanket(traits, ntraits, e->name);
    if (!unify_with_literal_impl(traits, ntraits, behind) && !open_literal) unify(behind, behind->var_kind == 1 ? ty_i32 : ty_f64);
    rt = ty_resolve(rt);
  }
  const BuiltinMethod *int_m = rt->kind == TY_VAR && rt->var_kind == 1 ? find_builtin_method(ty_i64, e->name) : NULL;
  if (int_m && (int_m->bi == BI_INT_MIN || int_m->bi == BI_INT_MAX || int_m->bi == BI_INT_CLAMP) && e->nargs == int_m->nparams) {
    // `{integer}.max(x)` (Ord's methods): the arguments decide which integer type it is, as in rustc.
    e->dispatch = DISPATCH_BUILTIN;
    e->builtin = int_m->bi;
    e->self_ty = rt;
    for (int i = 0; i < e->nargs; i++) check_coerce(fx, e->args[i], rt);
    return rt;
  }
  if (behind->kind == TY_VAR && !behind->var_kind) {  // (`b.cmp(a)` of a closure's `b: &_`)
    unify_bindings(fx);
    rt = ty_resolve(rt);
  }
  if (rt->kind == TY_VAR && !(rt->var_kind && open_literal)) {
    Diag *d = diag_error(e->sub->span, rt->var_kind ? "E0689" : "E0282",
                         rt->var_kind ? "can't call method `%s` on ambiguous numeric type `%s`" : "type annotations needed",
                         e->name, ty_name(rt));
    diag_emit(d);
    for (int i = 0; i < e->nargs; i++) check_expr(fx, e->args[i], NULL);
    return ty_new_var(0);
  }
  if (rt->kind == TY_ARRAY && !strcmp(e->name, "into_iter") && !e->nargs) rt = array_into_vec(fx, e, rt);
  Sig sig = {0};
  int obligations = fx->obligations.len;
  int outlives = fx->outlives.len;
  Expr saved = *e;
  Type *u;
  int unsized_at;
  // An inherent method private here is passed over and the probe goes on (through Deref), as
  // rustc's does; only if nothing else is found is it probed again to be reported (E0624).
  bool outer_skip = skip_private, outer_skipped = private_skipped;  // (a probe within a probe)
  skip_private = true;
  private_skipped = false;
  bool found = probe_chain(fx, e, rt, &sig, &u, &unsized_at);
  skip_private = false;
  if (!found && private_skipped) {
    fx->obligations.len = obligations, fx->outlives.len = outlives;
    *e = saved;
    from_box = false;
    found = probe_chain(fx, e, rt, &sig, &u, &unsized_at);
  }
  skip_private = outer_skip, private_skipped = outer_skipped;
  // A trait object's methods are as private as its trait (`b.s()` on a `Box<dyn Secret>` of a
  // private Secret). (Other receivers need the trait in scope, which it cannot be if private.)
  if (found && e->dispatch == DISPATCH_DYN && e->fn && e->trait) check_trait_method_privacy(e->trait, e->fn, method_name_span(e));
  e->unsize_recv = found && unsized_at >= 0 && e->autoderefs == unsized_at && e->autoref;
  if (found && unsized_at >= 0 && !e->unsize_recv && e->autoderefs == unsized_at) found = false;  // `self` by value: no [T]
  Type *overflow = found ? NULL : impls_overflowed(true);
  if (overflow) report_overflow(fx, e, overflow);
  if (overflow) return ty_new_var(0);
  // `[T; N]::as_slice` is an array's (std writes it on [T]): on a slice it is std's unstable
  // `<[T]>::as_slice`, E0658 as rustc has it.
  Type *slice = u && u->kind == TY_REF ? ty_resolve(u->inner) : u;
  if (found && slice && slice->kind == TY_SLICE && !e->unsize_recv && (!strcmp(e->name, "as_slice") || !strcmp(e->name, "as_mut_slice"))) {
    Diag *d = diag_error(e->name_span, "E0658", "use of unstable library feature `str_as_str`");
    diag_note(d, "see issue #130366 <https://github.com/rust-lang/rust/issues/130366> for more information");
    diag_emit(d);
  }
  if (!found) {
    Diag *d = diag_error(e->name_span, "E0599", "no method named `%s` found for %s `%s` in the current scope", e->name,
                         rt->kind == TY_STRUCT ? (rt->sdecl->is_enum ? "enum" : "struct") : rt->kind == TY_REF ? "reference"
                         : rt->kind == TY_OPAQUE ? (rt->opaque->fn->trait ? "associated type" : "opaque type") : "type", ty_name(rt));
    diag_label(d, "method not found in `%s`", ty_name(rt));
    suggest_trait_import(d, e, rt);
    diag_emit(d);
    for (int i = 0; i < e->nargs; i++) check_expr(fx, e->args[i], NULL);
    return ty_new_var(0);
  }
  if (e->nargs != sig.nparams - 1) {
    arg_count_error(fx, e->name_span, e->args, e->nargs, sig.params + 1, sig.nparams - 1, "method");
    return sig.ret;
  }
  if (e->dispatch != DISPATCH_BUILTIN && e->fn && e->fn->trait && e->fn->trait->is_lang_drop) {
    // Calling Drop::drop yourself would let the value be dropped twice.
    Diag *d = diag_error(e->name_span, "E0040", "explicit use of destructor method");
    diag_label(d, "explicit destructor calls not allowed");
    diag_help(d, "consider using `drop` function: `drop(%s)`", diag_span_text(e->sub->span));
    diag_emit(d);
  }
  // A bound of the method whose self type has one impl of the trait decides the trait's
  // arguments before the arguments are checked, as rustc's selection does: `words.join(&sep)`
  // with sep a String is Join<&str> (the one impl for [String]), and &sep coerces to it.
  for (int i = obligations; i < fx->obligations.len; i++) {
    Obligation *o = VEC_AT(fx->obligations, i);
    if (o->tr) unify_with_only_impl(o->tr, o->ty);
  }
  if (e->autoref == 0 && e->autoderefs > 0) note_move(fx, e->sub);  // by-value self through a deref
  else if (e->autoref == 0) note_move(fx, e->sub);
  for (int i = 0; i < e->nargs; i++) check_arg(fx, e->args[i], sig.params[i + 1], e->name_span);
  return known_projections(fx, sig.ret);
}

// A projection in t whose self type holds a literal's variable (`<{integer} as
// SliceIndex<[T]>>`, `<RangeTo<{integer}> as SliceIndex<[T]>>`).
static Type *literal_projection_self(Type *t) {
  t = ty_resolve(t);
  if (t->kind == TY_ASSOC) return has_literal_var(t->inner) ? ty_resolve(t->inner) : NULL;
  Type *found = t->inner ? literal_projection_self(t->inner) : NULL;
  for (int i = 0; i < t->nargs && !found; i++) found = literal_projection_self(t->args[i]);
  return found;
}

// `v.get(0)`: the literal is an index type, which its bound decides (only usize is a
// SliceIndex<[T]>), so that what follows knows the result, `Option<&T>` (`*x += 1`).
static Type *known_projections(Fcx *fx, Type *ret) {
  Type *var = literal_projection_self(ret);
  if (!var) return ret;
  settle_literal(fx, var);
  return has_literal_var(var) ? ret : ty_normalize(ty_zonk(ret), cur_env);
}
