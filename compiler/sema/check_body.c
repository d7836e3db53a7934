// check_body.c — checking one function body from start to end: check_fn_body sets up the Fcx,
// binds the parameters and checks the block against the return type, then finishes the body:
// zonking (the types inferred go into the expressions, patterns, locals and closures), asking
// for annotations where inference left a variable (E0282), literal ranges, trait obligations
// (E0277, E0271), exhaustiveness and moves. The top of the body checker: it calls the others.
#include "sema/sema_internal.h"

#include <string.h>

// ---------------------------------------------------------------------------------------------
// Finishing a body: zonking, obligations, move checks, literal ranges

static bool int_fits(Expr *lit, Type *t) {
  Wide v = expr_int_value(lit);
  if (t->kind != TY_INT || (t->bits == 128 && !t->is_signed)) return true;  // the lexer's limit
  // A negated literal is checked as the magnitude: -128i8 is allowed, 128i8 is not.
  Wide max = t->is_signed ? ((Wide)1 << (t->bits - 1)) - !lit->negated : ((Wide)1 << t->bits) - 1;
  return v <= max;
}


static Type *zonk_norm(Type *t) { return t ? ty_normalize(ty_zonk(t), cur_env) : t; }

// `Animal::baby_name()`, `let x = Default::default();`: nothing says which impl's function to
// call. rustc reports the call (E0790), before any local or expression whose type is unknown.
static void report_unknown_impl_type(Fcx *fx) {
  for (int i = 0; i < fx->exprs.len && !fx->reported_infer && !diag_error_count(); i++) {
    Expr *e = VEC_AT(fx->exprs, i);
    if (e->res != RES_TRAIT_FN || !e->fn || e->fn->self_kind != SELF_NONE || !e->self_ty || !ty_has_vars(zonk_norm(e->self_ty))) continue;
    bool c = e->fn->is_const;
    Diag *d = diag_error(e->span, "E0790", "cannot %s on trait without specifying the corresponding `impl` type",
                         c ? "refer to the associated constant" : "call associated function");
    diag_label(d, "cannot %s of trait", c ? "refer to the associated constant" : "call associated function");
    diag_secondary(d, e->fn->sig_span.hi ? e->fn->sig_span : e->fn->span, "`%s::%s` defined here", e->trait ? e->trait->name : "?", e->fn->name);
    diag_emit(d);
    fx->reported_infer = true;
  }
}

static void zonk_expr(Fcx *fx, Expr *e) {
  e->ty = zonk_norm(e->ty);
  if (e->coerce_from) e->coerce_from = zonk_norm(e->coerce_from);
  if (e->self_ty) e->self_ty = zonk_norm(e->self_ty);
  for (int i = 0; i < e->fn_ntargs; i++) e->fn_targs[i] = zonk_norm(e->fn_targs[i]);
  if (ty_has_vars(e->ty) || (e->self_ty && ty_has_vars(e->self_ty))) {
    if (!fx->reported_infer && !diag_error_count()) {
      Diag *d = diag_error(e->span, "E0282", "type annotations needed");
      diag_label(d, "cannot infer type");
      diag_emit(d);
    }
    fx->reported_infer = true;
    return;
  }
  for (int i = 0; i < e->fn_ntargs; i++)
    if (ty_has_vars(e->fn_targs[i]) && !fx->reported_infer && !diag_error_count()) {
      Diag *d = diag_error(e->span, "E0282", "type annotations needed");
      diag_label(d, "cannot infer the type of a generic parameter");
      diag_emit(d);
      fx->reported_infer = true;
    }
  if (e->kind == EX_INT && !int_fits(e, e->ty)) {
    Diag *d = diag_error(e->span, NULL, "literal out of range for `%s`", ty_name(e->ty));
    diag_note(d, "the literal `%s` does not fit into the type `%s`", wide_decimal(expr_int_value(e)), ty_name(e->ty));
    diag_emit(d);
  }
}

// A bound with trait arguments (`Vec<u8>: FromIterator<&u8>`) holds only with an impl for those
// arguments: an impl of the trait for the type is not enough. (Parameters' bounds and the
// builtin impls are taken as they are.)
static bool implements_with_args(Obligation *o, Type *t) {
  if (!o->tr || !o->tr->nargs || is_fn_trait(o->trait) || ty_resolve(t)->kind == TY_OPAQUE) return true;
  if (ty_resolve(t)->kind == TY_PARAM) {
    // A parameter's bounds of that trait (`T: From<A> + From<B>` for `T: From<C>`): one must
    // have these arguments; a parameter with none of its own is answered elsewhere.
    Type *pt = ty_resolve(t);
    bool any = false;
    for (int b = 0; cur_env && pt->index < cur_env->n && b < cur_env->nbounds[pt->index]; b++) {
      TraitRef *r = cur_env->bounds[pt->index][b];
      if (r->trait != o->trait || r->nargs != o->tr->nargs) continue;
      any = true;
      bool same = true;
      for (int a = 0; a < r->nargs && same; a++) {
        Type *want = ty_normalize(ty_zonk(o->tr->args[a]), cur_env);
        same = ty_has_vars(want) || ty_zonk(r->args[a]) == want;
      }
      if (same) return true;
    }
    return !any;
  }
  TraitRef r = *o->tr;
  r.nassoc = 0;
  r.args = arena_alloc(sizeof(Type *) * (r.nargs + 1));
  for (int a = 0; a < r.nargs; a++) {
    r.args[a] = ty_normalize(ty_zonk(o->tr->args[a]), cur_env);
    if (ty_has_vars(r.args[a]) || ty_has_params(r.args[a]) || ty_has_assoc(r.args[a])) return true;
  }
  // `T: PartialEq` is `T: PartialEq<T>`, which the builtin impls (and type_implements) answer.
  if ((o->trait == K->partial_eq_trait || o->trait == K->partial_ord_trait) && r.nargs == 1)
    return ty_may_unify(t, r.args[0]) || compares_with(o->trait, t, r.args[0]);
  return find_impl(K, &r, t, NULL, NULL) != NULL;
}

// `collect` into a type with no FromIterator for the items: rustc's own wording for it (the
// trait's `rustc_on_unimplemented`).
static void report_from_iterator(Obligation *o, const char *name) {
  const char *item = ty_name(ty_normalize(ty_zonk(o->tr->args[0]), cur_env));
  Diag *d = diag_error(o->span, "E0277", "a value of type `%s` cannot be built from an iterator over elements of type `%s`", name, item);
  diag_label(d, "value of type `%s` cannot be built from `std::iter::Iterator<Item=%s>`", name, item);
  diag_help(d, "the trait `FromIterator<%s>` is not implemented for `%s`", item, name);
  diag_emit(d);
}

// Whether type parameter t is known to be 'static where the body is: bounded `T: 'static`, or
// by a trait that is (`T: Any`).
static bool param_static_here(Fcx *fx, Type *t) {
  if (fx->fn && sig_param_static(fx->fn, t->name)) return true;
  for (int b = 0; t->index < fx->env->n && b < fx->env->nbounds[t->index]; b++)
    if (trait_requires_static(fx->env->bounds[t->index][b]->trait)) return true;
  return false;
}

// `T: Any` (whose trait is 'static) asked of a parameter that may hold a borrow.
static void report_param_not_static(Type *t, Span sp) {
  Diag *d = diag_error(sp, "E0310", "the parameter type `%s` may not live long enough", t->name);
  diag_label(d, "the parameter type `%s` must be valid for the static lifetime...", t->name);
  diag_secondary(d, sp, "...so that the type `%s` will meet its required lifetime bounds", t->name);
  diag_help(d, "consider adding an explicit lifetime bound: `%s: 'static`", t->name);
  diag_emit(d);
}

// The first type parameter in t that may hold a borrow where the body is (no `T: 'static`):
// what a callee's `F: 'static` cannot take. Only what t owns: a by-reference capture or a
// reference is a loan, the borrow checker's to follow.
static Type *borrowing_param(Fcx *fx, Type *t, int depth) {
  t = ty_resolve(t);
  if (!t || depth > 8) return NULL;
  switch (t->kind) {
  case TY_PARAM: return t->index < fx->env->n && t == fx->env->params[t->index] && !param_static_here(fx, t) ? t : NULL;
  case TY_BOX: case TY_VEC: case TY_ARRAY: case TY_SLICE: return borrowing_param(fx, t->inner, depth + 1);
  case TY_TUPLE: case TY_STRUCT:
    for (int i = 0; i < t->nargs; i++) {
      Type *p = borrowing_param(fx, t->args[i], depth + 1);
      if (p) return p;
    }
    return NULL;
  case TY_CLOSURE:
    for (int i = 0; i < t->closure->ncaptures; i++) {
      Type *p = t->closure->captures[i].by_value ? borrowing_param(fx, closure_capture_type(t, i), depth + 1) : NULL;
      if (p) return p;
    }
    return NULL;
  default: return NULL;
  }
}

// `thread::spawn(move || use(x))` with `x: T` in a function whose T is not 'static: E0310.
static void check_outlives(Fcx *fx) {
  if (fx->fn && fx->fn->span.file == 0) return;  // the prelude's `TypeId::of::<Self>()` in Error is std's `where Self: 'static`
  for (int i = 0; i < fx->outlives.len; i++) {
    Obligation *o = VEC_AT(fx->outlives, i);
    Type *p = borrowing_param(fx, ty_zonk(o->ty), 0);
    if (p) report_param_not_static(p, o->span);
  }
}

// `-> impl Display` returning a type that is not: rustc words Display's and Debug's as their
// `rustc_on_unimplemented` says, and points at the return type.
static void report_opaque_bound(Obligation *o, const char *name, const char *trait) {
  Diag *d;
  if (o->trait == K->display_trait || o->trait == K->debug_trait)
    d = diag_error(o->span, "E0277", "`%s` doesn't implement `%s`", name, o->trait == K->debug_trait ? "Debug" : "std::fmt::Display");
  else
    d = diag_error(o->span, "E0277", "the trait bound `%s: %s` is not satisfied", name, trait);
  diag_label(d, "unsatisfied trait bound");
  diag_help(d, "the trait `%s` is not implemented for `%s`", trait, name);
  diag_emit(d);
}

// `T: Send` (Sync) that does not hold: rustc names the part that is not (the leaf), and says
// whether it cannot be sent or shared.
// The part of t that fails an auto trait's obligation (t itself when none is found), and in
// *which the auto trait it fails (`Arc<RefCell<i32>>: Send` fails `RefCell<i32>: Sync`).
static Type *auto_trait_leaf(Obligation *o, Type *t, TraitDecl **which) {
  *which = o->trait;
  Type *leaf = auto_trait_failure(t, o->trait, which);
  return leaf ? leaf : t;
}

// rustc's help naming the leaf (as `name`) and the trait it lacks, within t when it is a part.
static void auto_trait_help(Diag *d, Type *t, Type *leaf, TraitDecl *which, const char *name) {
  if (leaf != t) diag_help(d, "within `%s`, the trait `%s` is not implemented for `%s`", ty_name(t), which->name, name);
  else diag_help(d, "the trait `%s` is not implemented for `%s`", which->name, name);
}

static void report_not_thread_safe(Obligation *o, Type *t) {
  TraitDecl *which;
  Type *leaf = auto_trait_leaf(o, t, &which);
  const char *name = ty_name(leaf), *verb = which == K->send_trait ? "sent" : "shared";
  Diag *d = diag_error(o->span, "E0277", "`%s` cannot be %s between threads safely", name, verb);
  diag_label(d, "`%s` cannot be %s between threads safely", name, verb);
  auto_trait_help(d, t, leaf, which, name);
  if (o->bound_of && o->bound_of->trait)
    diag_note_at(d, o->bound_span, "required by a bound in `%s::%s`", o->bound_of->trait->name, o->bound_of->name);
  diag_emit(d);
}

// The name rustc gives a type that fails RefUnwindSafe: std's Cell and RefCell are so through
// the UnsafeCell in them (of the value, for a RefCell), which trc's do not have.
static const char *unwind_leaf_name(Type *leaf) {
  leaf = ty_resolve(leaf);
  if (leaf->kind != TY_STRUCT || leaf->sdecl->span.file != 0 || leaf->nargs != 1) return ty_name(leaf);
  const char *n = leaf->sdecl->name, *arg = ty_name(leaf->args[0]);
  if (!strcmp(n, "Cell") || !strcmp(n, "RefCell")) return arena_printf("UnsafeCell<%s>", arg);
  if (!strcmp(n, "OnceCell")) return arena_printf("UnsafeCell<Option<%s>>", arg);
  return ty_name(leaf);
}

// `F: UnwindSafe` (catch_unwind's bound) that does not hold: rustc's two messages, for the
// `&mut` (or other part) that may not cross the unwind boundary, and for a part with interior
// mutability behind a shared reference.
static void report_not_unwind_safe(Obligation *o, Type *t) {
  TraitDecl *which;
  Type *leaf = auto_trait_leaf(o, t, &which);
  const char *name = unwind_leaf_name(leaf);
  Diag *d;
  if (which == K->ref_unwind_safe_trait) {
    d = diag_error(o->span, "E0277", "the type `%s` may contain interior mutability and a reference may not be safely transferable across a catch_unwind boundary", name);
    diag_label(d, "`%s` may contain interior mutability and a reference may not be safely transferable across a catch_unwind boundary", name);
  } else {
    d = diag_error(o->span, "E0277", "the type `%s` may not be safely transferred across an unwind boundary", name);
    diag_label(d, "`%s` may not be safely transferred across an unwind boundary", name);
  }
  auto_trait_help(d, t, leaf, which, name);
  diag_emit(d);
}

static void check_obligations(Fcx *fx) {
  for (int i = 0; i < fx->obligations.len; i++) {
    Obligation *o = VEC_AT(fx->obligations, i);
    Type *t = ty_normalize(ty_zonk(o->ty), cur_env);
    if (ty_has_vars(t)) continue;
    impls_overflowed(true);
    if (type_implements(K, t, o->trait) && implements_with_args(o, t)) {
      if (t->kind == TY_PARAM && trait_requires_static(o->trait) && !param_static_here(fx, t)) report_param_not_static(t, o->span);
      continue;
    }
    Type *overflow = impls_overflowed(true);
    if (overflow) {  // the impls' own bounds went past the recursion limit
      report_impl_overflow(o->span, overflow, o->trait->name);
      continue;
    }
    if (o->format_arg) {
      report_unformattable(t, o->trait == K->debug_trait, o->span);
      continue;
    }
    if (o->trait == K->send_trait || o->trait == K->sync_trait) {
      report_not_thread_safe(o, t);
      continue;
    }
    if (o->trait == K->unwind_safe_trait || o->trait == K->ref_unwind_safe_trait) {
      report_not_unwind_safe(o, t);
      continue;
    }
    // An integer literal's type is still `{integer}` when rustc checks the bound.
    const char *name = ty_resolve(o->ty)->kind == TY_VAR ? ty_name(ty_resolve(o->ty)) : ty_name(t);
    const char *trait = o->trait->name;
    if (o->tr && o->tr->nargs) {  // `FromIterator<&u8>`, with its arguments
      TraitRef r = *o->tr;
      r.nassoc = 0;
      r.args = arena_alloc(sizeof(Type *) * (r.nargs + 1));
      for (int a = 0; a < r.nargs; a++) r.args[a] = ty_normalize(ty_zonk(o->tr->args[a]), cur_env);
      trait = traitref_name(&r);
    }
    if (!strcmp(o->trait->name, "FromIterator") && o->tr && o->tr->nargs == 1) {
      report_from_iterator(o, name);
      continue;
    }
    if (o->opaque_bound) {
      report_opaque_bound(o, name, trait);
      continue;
    }
    if ((o->trait == K->partial_eq_trait || o->trait == K->partial_ord_trait) && o->tr && o->tr->nargs == 1) {
      report_incomparable(o->trait == K->partial_eq_trait ? TK_EQEQ : TK_LT, t, ty_normalize(ty_zonk(o->tr->args[0]), cur_env), o->span);
      continue;
    }
    Diag *d = diag_error(o->span, "E0277", "the trait bound `%s: %s` is not satisfied", name, trait);
    diag_label(d, "the trait `%s` is not implemented for `%s`", trait, name);
    if (o->bound_of && o->bound_of->trait)
      diag_note_at(d, o->bound_span, "required by a bound in `%s::%s`", o->bound_of->trait->name, o->bound_of->name);
    diag_emit(d);
  }
  // Bindings: `T: Tr<Item = u32>` needs <T as Tr>::Item to be u32 (E0271).
  for (int i = 0; i < fx->obligations.len; i++) {
    Obligation *o = VEC_AT(fx->obligations, i);
    if (!o->tr) continue;
    Type *t = ty_zonk(o->ty);
    if (ty_has_vars(t) || !type_implements(K, t, o->trait)) continue;
    for (int a = 0; a < o->tr->nassoc; a++) {
      Type *want = ty_normalize(ty_zonk(o->tr->assoc_types[a]), cur_env);
      TraitDecl *owner = trait_with_assoc(o->trait, o->tr->assoc_names[a]);
      Type *got = ty_normalize(ty_assoc(t, owner ? owner : o->trait, o->tr->assoc_names[a]), cur_env);
      if (ty_has_vars(want) || unify(got, want)) continue;
      if (owner == K->iterator_trait && !strcmp(o->tr->assoc_names[a], "Item")) {  // rustc's wording for iterators
        Diag *d = diag_error(o->span, "E0271", "expected `%s` to be an iterator that yields `%s`, but it yields `%s`", ty_name(t), ty_name(want), ty_name(got));
        diag_label(d, "expected `%s`, found `%s`", ty_name(want), ty_name(got));
        diag_emit(d);
        continue;
      }
      const char *what = arena_printf("<%s as %s>::%s == %s", ty_name(t), o->trait->name, o->tr->assoc_names[a], ty_name(want));
      Diag *d = diag_error(o->span, "E0271", "type mismatch resolving `%s`", what);
      diag_label(d, "type mismatch resolving `%s`", what);
      diag_note(d, "expected `%s`, found `%s`", ty_name(want), ty_name(got));
      diag_emit(d);
    }
  }
}

// Before literals take their default types: a binding a bound asks for (`I: IntoIterator<Item =
// u32>`) decides the types the projection still leaves open, as rustc's obligations do
// (`sum_all((1..4).map(|x| x * 2))` makes the literals u32). Also in the middle of a body, where
// a type must be known to go on (`let v: Vec<_> = it.collect(); v.sort_by(|a, b| a.0.cmp(..))`).
// `show(5)` with only `impl Tr for u8`, `let m: Meters = 42.into()` with only `impl From<u64>
// for Meters`: a literal whose bound one integer (or float) type alone meets is that type, as
// rustc's selection decides it when one candidate is left. With several (`let q: u64 =
// 7.into()`: From<u8>, From<u16>, ...) it keeps its fallback, and the bound its error.
static void unify_literal_by_bound(Obligation *o, Type *var) {
  for (int a = 0; o->tr && a < o->tr->nargs; a++)
    if (ty_has_vars(ty_zonk(o->tr->args[a]))) return;
  int n;
  Type *const *cands = literal_types(var, &n);
  Type *only = NULL;
  for (int c = 0; c < n; c++) {
    if (!type_implements(K, cands[c], o->trait) || !implements_with_args(o, cands[c])) continue;
    if (only) return;
    only = cands[c];
  }
  if (only) unify(var, only);
}

void settle_literal(Fcx *fx, Type *t) {
  t = ty_resolve(t);
  for (int i = 0; i < fx->obligations.len; i++) {
    Obligation *o = VEC_AT(fx->obligations, i);
    if (ty_resolve(o->ty) != t) continue;
    if (t->kind == TY_VAR) unify_literal_by_bound(o, t);
    else unify_with_literal_impl(&o->trait, 1, t);  // `RangeTo<{integer}>`: Range<usize>'s impl
    t = ty_resolve(t);
  }
}

// `call(&mut |_n: u8| 3)` for `X: H`, met by `impl<F: FnMut(u8) -> u64> H for F`: the closure
// has H through the impl's Fn bound, so that bound's signature is the closure's (its 3 is a
// u64; left alone it would fall back to i32 and be returned where a u64 is read).
static void unify_closure_through_impl(Fcx *fx, Obligation *o, Type *t) {
  if (t->kind != TY_CLOSURE || is_fn_trait(o->trait)) return;
  TraitRef plain = {.trait = o->trait};
  Type **binds = NULL;
  int n = 0;
  ImplDecl *im = find_impl(K, o->tr ? o->tr : &plain, t, &binds, &n);
  for (int p = 0; im && im->env && p < n; p++) {
    if (!binds[p] || ty_resolve(binds[p]) != t) continue;
    for (int b = 0; b < im->env->nbounds[p]; b++) {
      TraitRef *r = im->env->bounds[p][b];
      if (!is_fn_trait(r->trait) || !r->nargs) continue;
      TraitRef *sig = traitref_with_args(r, binds, n);  // (with its `Output = u64`)
      Sig have;
      if (sig->nassoc && callable_sig(fx, t, &have) && !ty_may_unify(have.ret, sig->assoc_types[0])) {
        Diag *d = diag_error(o->span, "E0271", "expected `%s` to return `%s`, but it returns `%s`", ty_name(t),
                             ty_name(sig->assoc_types[0]), ty_name(ty_zonk(have.ret)));
        diag_note_at(d, im->span, "required for `%s` to implement `%s`", ty_name(t), o->trait->name);
        diag_emit(d);
        continue;
      }
      Expr at = {.kind = EX_CLOSURE, .span = o->span, .field_index = -1};
      unify_with_fn_bound(fx, &at, t, sig, o->span);
    }
  }
}

// `T: Into<?U>` of a parameter T whose where-clauses name that trait once (`T: Into<f64>`):
// the clause is the impl, so ?U is f64, as rustc prefers a where-clause to impls
// (`xs.into_iter().map(Into::into).sum()`).
static bool unify_with_env_bound(Fcx *fx, TraitRef *tr, Type *t) {
  if (!fx->env || t->index >= fx->env->n || !tr->nargs) return false;
  TraitRef *only = NULL;
  for (int b = 0; b < fx->env->nbounds[t->index]; b++) {
    TraitRef *r = fx->env->bounds[t->index][b];
    if (r->trait != tr->trait || r->nargs != tr->nargs) continue;
    if (only) return false;
    only = r;
  }
  bool any = false;
  for (int a = 0; only && a < tr->nargs; a++) any |= unify(tr->args[a], only->args[a]);
  return any;
}

// A variable left unknown that a trait bound is waiting on (`collect()`'s `B: FromIterator<i32>`,
// `parse()`'s `F: FromStr`): rustc reports the bound it cannot satisfy, E0283 (E0284 where what
// is waited on is a projection, FromStr's Err), not E0282.
static Obligation *bound_on_var(Fcx *fx, Type *var) {
  var = ty_resolve(var);
  for (int i = 0; i < fx->obligations.len; i++) {
    Obligation *o = VEC_AT(fx->obligations, i);
    if (ty_resolve(o->ty) == var && !o->format_arg && !o->bound_of) return o;
  }
  return NULL;
}

static Diag *ambiguous_bound(Obligation *o, Span at) {
  bool projection = o->trait->nassoc_types > 0 && !strcmp(o->trait->name, "FromStr");
  Diag *d = diag_error(at, projection ? "E0284" : "E0283", "type annotations needed");
  if (projection) {
    diag_note(d, "cannot satisfy `<_ as %s>::%s == _`", o->trait->name, o->trait->assoc_types[0].name);
    return d;
  }
  const char *args = "";
  for (int a = 0; o->tr && a < o->tr->nargs; a++) {
    Type *t = ty_resolve(ty_normalize(ty_zonk(o->tr->args[a]), cur_env));
    if (t->kind == TY_VAR && t->var_kind) t = t->var_kind == 1 ? ty_i32 : ty_f64;  // as rustc shows it, after fallback
    args = arena_printf("%s%s%s", args, a ? ", " : "", ty_name(t));
  }
  diag_note(d, "cannot satisfy `_: %s%s%s%s`", o->trait->name, *args ? "<" : "", args, *args ? ">" : "");
  return d;
}

// `fill(&mut v)` with `v: Vec<?T>` and `S: Sink`: when exactly one impl of the trait can be for
// a type still holding inference variables, and it is not a blanket impl, its self type is
// the type (rustc's inference from the one impl candidate: `impl Sink for Vec<i32>` makes T i32).
static void unify_with_only_self_impl(TraitDecl *trait, Type *t) {
  Type *only = NULL;
  for (int i = 0; i < trait->impls.len; i++) {
    ImplDecl *im = trait->impls.data[i];
    if (!im->self_ty || ty_resolve(im->self_ty)->kind == TY_PARAM) return;  // a blanket impl fits anything
    int n = im->env ? im->env->n : 0;
    Type **fresh = arena_alloc(sizeof(Type *) * (n + 1));
    for (int p = 0; p < n; p++) fresh[p] = ty_new_var(0);
    Type *inst = ty_subst(im->self_ty, fresh, n);
    if (!ty_may_unify(inst, t)) continue;
    if (only) return;
    only = inst;
  }
  if (only) unify(only, t);
}

void unify_bindings(Fcx *fx) {
  for (int round = 0; round < 2; round++)
    for (int i = 0; i < fx->obligations.len; i++) {
      Obligation *o = VEC_AT(fx->obligations, i);
      Type *t = ty_resolve(o->ty);
      if (t->kind == TY_VAR && t->var_kind) unify_literal_by_bound(o, t);
      if (round == 0) unify_closure_through_impl(fx, o, t);
      // `v.drain(2..5)`: of the impls for ranges, only `Range<usize>`'s fits `Range<{integer}>`.
      if (t->kind != TY_VAR) unify_with_literal_impl(&o->trait, 1, t);
      if (round == 1 && t->kind != TY_VAR && ty_has_vars(t) && !o->trait->is_auto && !is_fn_trait(o->trait))
        unify_with_only_self_impl(o->trait, t);
      if (!o->tr || t->kind == TY_VAR) continue;
      // `T: PartialEq<K>` with T = dyn Animal and K = {integer}: the one impl an integer fits;
      // `BinaryHeap::from(vec![..])`: of `From<T> for T` and `From<Vec<T>> for BinaryHeap<T>`,
      // only the second takes a Vec.
      if (t->kind == TY_PARAM && unify_with_env_bound(fx, o->tr, t)) {
      } else if (unify_with_only_impl(o->tr, t)) {
      } else if ((o->trait == K->partial_eq_trait || o->trait == K->partial_ord_trait) && o->tr->nargs == 1 && ty_has_vars(o->tr->args[0])) {
        compares_with(o->trait, t, o->tr->args[0]);
      } else if (o->tr->nargs) {
        select_by_args(o->trait, t, o->tr->args, o->tr->nargs);
      }
      for (int a = 0; a < o->tr->nassoc; a++) {
        TraitDecl *owner = trait_with_assoc(o->trait, o->tr->assoc_names[a]);
        Type *got = owner ? ty_normalize(ty_assoc(t, owner, o->tr->assoc_names[a]), cur_env) : NULL;
        if (got && ty_resolve(got)->kind != TY_ASSOC) unify(got, o->tr->assoc_types[a]);
      }
    }
}

void check_fn_body(FnDecl *f) {
  if (!f->body || f->checked) return;
  f->checked = true;
  resolve_scope_of(f->span);
  resolve_body_scope(f->body->span);
  resolve_body_trait(f->impl ? f->impl->trait : f->trait);
  init_names();
  Fcx fx = {0};
  fx.fn = f;
  fx.env = f->env;
  fx.ret = opaque_define(f, f->ret_type);
  opaque_require_bounds(&fx);  // before the body: a returned closure takes its signature from them
  if (f->impl) fx.self_ty = f->impl->self_ty;
  else if (f->trait) fx.self_ty = f->trait->env->params[0];
  GenericEnv *saved_env = cur_env;
  cur_env = f->env;
  if (f->self_kind != SELF_NONE) {
    f->self_local = new_local(&fx, s_self, f->self_param_ty, f->self_mut, f->self_span, LOCAL_PARAM);
    bind_hygiene(&fx, f->self_hyg);
    f->self_local->assigned = true;
  }
  fx.one_pattern.len = 0;
  for (int i = 0; i < f->nparams; i++) {
    bind_pattern(&fx, f->params[i].pat, f->param_types[i], true);
    f->params[i].local = f->params[i].pat->local;
    if (f->params[i].local) f->params[i].local->assigned = true;
  }
  Type *t = check_block(&fx, f->body, fx.ret);
  if (f->body->tail) {
    if (!coerce(&fx, f->body->tail, t, fx.ret)) mismatch(f->body->tail, fx.ret, t);
  } else if (!unify(t, fx.ret) && ty_resolve(t)->kind != TY_NEVER) {
    Diag *d = diag_error(f->ret ? f->ret->span : f->span, "E0308", "mismatched types");
    diag_label(d, "expected `%s`, found `()`", ty_name(fx.ret));
    diag_secondary(d, f->span, "implicitly returns `()` as its body has no tail or `return` expression");
    diag_emit(d);
  }
  unify_bindings(&fx);
  // A projection that was open (`<?F as FromStr>::Err`) is now `<u8 as FromStr>::Err`: the type
  // it was given must be what it names (rustc's E0271 when not).
  for (int i = 0; i < fx.coercions.len; i++) {
    DeferredCoerce *c = &fx.coercions.data[i];
    Type *from = ty_normalize(ty_zonk(c->from), cur_env), *to = ty_normalize(ty_zonk(c->to), cur_env);
    if (unify(from, to)) continue;
    Type *proj = ty_resolve(c->from)->kind == TY_ASSOC ? ty_zonk(c->from) : ty_zonk(c->to);
    Type *other = proj == ty_zonk(c->from) ? to : from;
    if (ty_resolve(proj)->kind != TY_ASSOC) {
      mismatch(c->e, to, from);
      continue;
    }
    Type *pr = ty_resolve(proj);
    const char *what = arena_printf("<%s as %s>::%s == %s", ty_name(pr->inner), pr->assoc_trait->name, pr->name, ty_name(other));
    Diag *d = diag_error(c->e->span, "E0271", "type mismatch resolving `%s`", what);
    diag_label(d, "types differ");
    diag_emit(d);
  }
  for (int i = 0; i < fx.tries.len; i++) {
    DeferredTry *d = &fx.tries.data[i];
    Type *from = ty_normalize(ty_zonk(d->from), cur_env);
    if (d->open_ret && ty_resolve(d->to)->kind == TY_VAR && !fx.reported_infer && !diag_error_count()) {
      Diag *dg = diag_error(d->e->span, "E0282", "type annotations needed");
      diag_label(dg, "cannot infer type of the type parameter `E` declared on the enum `Result`");
      diag_help(dg, "give the closure's result a type: `Ok::<_, E>(..)` or `|..| -> Result<T, E>`");
      diag_emit(dg);
      fx.reported_infer = true;
      continue;
    }
    if (!unify(from, d->to)) check_try_conversion(d->e, from, ty_zonk(d->to));
  }
  // A closure that never returns (`|| { panic!("x"); }`) returns `()` unless something else
  // says what (rustc's fallback of the never type).
  for (int i = 0; i < fx.diverging.len; i++)
    if (ty_resolve(VEC_AT(fx.diverging, i))->kind == TY_VAR) unify(VEC_AT(fx.diverging, i), ty_unit);
  report_unknown_impl_type(&fx);
  // A local whose type is still unknown is the best place to ask for an annotation.
  for (int i = 0; i < f->locals.len; i++) {
    Local *l = VEC_AT(f->locals, i);
    l->ty = zonk_norm(l->ty);
    if (ty_has_vars(l->ty) && !fx.reported_infer && !diag_error_count()) {
      Type *shown = ty_resolve(l->ty)->kind == TY_VAR ? NULL : l->ty;
      Obligation *amb = shown ? NULL : bound_on_var(&fx, l->ty);
      Diag *d = amb ? ambiguous_bound(amb, l->span)
                : shown ? diag_error(l->span, "E0282", "type annotations needed for `%s`", ty_name(shown))
                        : diag_error(l->span, "E0282", "type annotations needed");
      if (amb) {
        diag_help(d, "consider giving `%s` an explicit type", l->name);
        diag_emit(d);
        fx.reported_infer = true;
        continue;
      }
      diag_label(d, "type must be known at this point");
      diag_help(d, "consider giving `%s` an explicit type", l->name);
      diag_emit(d);
      fx.reported_infer = true;
    }
  }
  for (int i = 0; i < fx.exprs.len; i++) zonk_expr(&fx, VEC_AT(fx.exprs, i));
  opaque_record_hidden(&fx);
  // Closures' signatures and variables (inferred from the enclosing body) too.
  for (int i = 0; i < fx.closures.len; i++) {
    FnDecl *cf = VEC_AT(fx.closures, i);
    cf->ret_type = zonk_norm(cf->ret_type);
    for (int k = 0; k < cf->nparams; k++) cf->param_types[k] = zonk_norm(cf->param_types[k]);
    for (int k = 0; k < cf->locals.len; k++) VEC_AT(cf->locals, k)->ty = zonk_norm(VEC_AT(cf->locals, k)->ty);
  }
  for (int i = 0; i < fx.pats.len; i++) {
    Pattern *p = VEC_AT(fx.pats, i);
    p->ty = zonk_norm(p->ty);
  }
  if (!diag_error_count()) check_exhaustive(&fx);
  check_obligations(&fx);
  note_let_moves(&fx);
  check_moves(&fx);
  check_closure_kinds(&fx);
  settle_captures(&fx);
  check_outlives(&fx);
  check_contexts(f);
  cur_env = saved_env;
}
