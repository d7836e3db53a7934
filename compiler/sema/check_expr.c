// check_expr.c — checking function bodies: inference, method resolution, coercions.
//
// One Fcx per body. `check_expr(fx, e, expected)` computes e's type; `expected` is only a hint
// pushed down to literals, `vec![]`, `Vec::new()` and the like. Where Rust coerces (let with a
// type, arguments, returns, struct fields), `check_coerce` checks against the expected type and,
// when plain unification fails, tries the coercions trc supports: unsizing `&T`/`Box<T>` to a
// trait object, deref coercion (`&String` to `&str`, `&Box<T>` to `&T`), `&mut T` to `&T`.
//
// Method calls follow rustc's probe: walk the receiver's autoderef chain (R, *R, **R ...); at
// each step look for builtin methods, then (for a parameter) its bounds, (for dyn) the trait
// object's methods, then inherent impls, then trait impls; the method's receiver kind decides
// the autoref. Trait methods are recorded as DISPATCH_TRAIT with the Self type — mono picks the
// impl per instance — or DISPATCH_DYN when Self is a trait object.
#include "sema/sema_internal.h"

#include <string.h>

typedef struct {
  const char *name;
  Local *local;
} Binding;

typedef struct {
  Type *ty;
  TraitDecl *trait;
  TraitRef *tr;  // when it binds associated types (`T: Tr<Item = u32>`): checked too (E0271)
  Span span;
} Obligation;

typedef VEC(Local *) LocalVec;

typedef struct {
  FnDecl *fn;
  GenericEnv *env;
  Type *self_ty;
  Type *ret;
  VEC(Binding) binds;  // the locals in scope, innermost last
  LoopInfo *loop;
  VEC(Expr *) exprs;   // every checked expression, zonked at the end
  VEC(Obligation *) obligations;  // `T: Trait` facts to verify once types are known
  VEC(Expr *) moves;   // expressions used by value, checked for moving out of borrows
  bool diverges;       // the statement list so far always returns/breaks/panics
  bool reported_infer;
  VEC(Pattern *) pats; // every checked pattern, zonked at the end
  VEC(Expr *) matches; // match expressions, checked for exhaustiveness at the end
  VEC(FnDecl *) closures;  // closures in the body (their types are zonked at the end)
  VEC(Pattern *) irrefutable;  // let/parameter/for patterns, which must match every value
  LocalVec pat_locals; // locals bound by patterns, in order
  TraitRef *closure_hint;  // an Fn bound the next closure expression will be checked against
  LocalVec *or_binds;  // inside a later alternative of an or-pattern: the first one's locals
  LocalVec or_seen;    // ... and which of them this alternative bound
} Fcx;

static Type *check_expr(Fcx *fx, Expr *e, Type *expected);
static void check_coerce(Fcx *fx, Expr *e, Type *expected);
static Type *check_block(Fcx *fx, Block *b, Type *expected);
static void bind_pattern(Fcx *fx, Pattern *p, Type *t, bool is_param);
static Type *check_match(Fcx *fx, Expr *e, Type *expected);
static void unify_with_fn_bound(Fcx *fx, Expr *arg, Type *t, TraitRef *bound, Span call);
static Type *check_closure(Fcx *fx, Expr *e, Type *expected);
static void check_exhaustive(Fcx *fx);
static void consume_capture(Fcx *fx, Expr *e);

static const char *s_self, *s_println, *s_print, *s_eprintln, *s_eprint, *s_format, *s_panic, *s_vec,
    *s_assert, *s_assert_eq, *s_assert_ne, *s_unreachable, *s_todo, *s_unimplemented;

static void init_names(void) {
  if (s_self) return;
  s_self = intern_cstr("self");
  s_println = intern_cstr("println");
  s_print = intern_cstr("print");
  s_eprintln = intern_cstr("eprintln");
  s_eprint = intern_cstr("eprint");
  s_format = intern_cstr("format");
  s_panic = intern_cstr("panic");
  s_vec = intern_cstr("vec");
  s_assert = intern_cstr("assert");
  s_assert_eq = intern_cstr("assert_eq");
  s_assert_ne = intern_cstr("assert_ne");
  s_unreachable = intern_cstr("unreachable");
  s_todo = intern_cstr("todo");
  s_unimplemented = intern_cstr("unimplemented");
}

// ---------------------------------------------------------------------------------------------
// Unification

static bool var_accepts(Type *v, Type *t) {
  if (v->var_kind == 1) return t->kind == TY_INT || (t->kind == TY_VAR && t->var_kind != 2);
  if (v->var_kind == 2) return t->kind == TY_FLOAT || (t->kind == TY_VAR && t->var_kind != 1);
  return true;
}

static bool occurs(Type *v, Type *t) {
  t = ty_resolve(t);
  if (t == v) return true;
  if (t->inner && occurs(v, t->inner)) return true;
  for (int i = 0; i < t->nargs; i++)
    if (occurs(v, t->args[i])) return true;
  return t->ret && occurs(v, t->ret);
}

static bool unify(Type *a, Type *b) {
  a = ty_resolve(a);
  b = ty_resolve(b);
  if (a == b) return true;
  // A projection like <Counter as Iterator>::Item unifies as what it stands for.
  if (a->kind == TY_ASSOC) a = ty_resolve(ty_normalize(a, cur_env));
  if (b->kind == TY_ASSOC) b = ty_resolve(ty_normalize(b, cur_env));
  if (a == b) return true;
  if (a->kind == TY_VAR && b->kind == TY_VAR) {
    // Keep the more specific literal kind as the representative.
    if (a->var_kind == 0 || a->var_kind == b->var_kind) {
      if (!var_accepts(a, b)) return false;
      a->binding = b;
    } else {
      if (!var_accepts(b, a)) return false;
      b->binding = a;
    }
    return true;
  }
  if (a->kind == TY_VAR) {
    if (!var_accepts(a, b) || occurs(a, b)) return false;
    a->binding = b;
    return true;
  }
  if (b->kind == TY_VAR) return unify(b, a);
  if (a->kind != b->kind || a->mut != b->mut || a->nargs != b->nargs || a->sdecl != b->sdecl ||
      a->bits != b->bits || a->is_signed != b->is_signed || a->is_size != b->is_size || a->len != b->len)
    return false;
  switch (a->kind) {
  case TY_PARAM: return a == b;
  case TY_DYN: {
    if (!a->principal || !b->principal) return a->principal == b->principal && a->nautos == b->nautos;
    if (a->principal->trait != b->principal->trait || a->nautos != b->nautos) return false;
    for (int i = 0; i < a->nautos; i++)
      if (a->autos[i] != b->autos[i]) return false;
    for (int i = 0; i < a->principal->nargs && i < b->principal->nargs; i++)
      if (!unify(a->principal->args[i], b->principal->args[i])) return false;
    for (int i = 0; i < a->principal->nassoc && i < b->principal->nassoc; i++)
      if (!unify(a->principal->assoc_types[i], b->principal->assoc_types[i])) return false;
    return a->principal->nassoc == b->principal->nassoc;
  }
  default: break;
  }
  if (a->inner && !unify(a->inner, b->inner)) return false;
  for (int i = 0; i < a->nargs; i++)
    if (!unify(a->args[i], b->args[i])) return false;
  if (a->ret && !unify(a->ret, b->ret)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Diagnostics helpers

static const char *expected_name(Type *t);

static void mismatch(Expr *e, Type *expected, Type *found) {
  Diag *d = diag_error(e->span, "E0308", "mismatched types");
  diag_label(d, "expected %s, found %s", expected_name(expected), expected_name(found));
  diag_emit(d);
}

static Obligation *obligate(Fcx *fx, Type *t, TraitDecl *trait, Span sp) {
  Obligation *o = arena_alloc(sizeof *o);
  o->ty = t;
  o->trait = trait;
  o->span = sp;
  vec_push(&fx->obligations, o);
  return o;
}

// A bound with associated type bindings, its binding types instantiated with `targs`.
static void obligate_ref(Fcx *fx, Type *t, TraitRef *r, Type **targs, int n, Span sp) {
  Obligation *o = obligate(fx, t, r->trait, sp);
  if (!r->nassoc && !is_fn_trait(r->trait)) return;
  Type **args = arena_alloc(sizeof(Type *) * (r->nargs + 1));
  for (int i = 0; i < r->nargs; i++) args[i] = ty_subst(r->args[i], targs, n);
  TraitRef *c = traitref_new(r->trait, args, r->nargs);
  c->nassoc = r->nassoc;
  c->assoc_names = r->assoc_names;
  c->assoc_types = arena_alloc(sizeof(Type *) * r->nassoc);
  for (int i = 0; i < r->nassoc; i++) c->assoc_types[i] = ty_subst(r->assoc_types[i], targs, n);
  o->tr = c;
}

// ---------------------------------------------------------------------------------------------
// Scopes

static int scope_mark(Fcx *fx) { return fx->binds.len; }
static void scope_pop(Fcx *fx, int mark) { fx->binds.len = mark; }

static Local *new_local(Fcx *fx, const char *name, Type *t, bool mut, Span sp, LocalKind kind) {
  Local *l = arena_alloc(sizeof *l);
  l->name = name;
  l->ty = t;
  l->mut = mut;
  l->span = sp;
  l->kind = kind;
  l->owner = fx->fn;
  l->index = fx->fn->locals.len;
  vec_push(&fx->fn->locals, l);
  vec_push(&fx->binds, (Binding){name, l});
  return l;
}

static Local *find_local(Fcx *fx, const char *name) {
  for (int i = fx->binds.len - 1; i >= 0; i--)
    if (fx->binds.data[i].name == name) return fx->binds.data[i].local;
  return NULL;
}

// ---------------------------------------------------------------------------------------------
// Coercions

static Type *deref_once(Type *t) {
  t = ty_resolve(t);
  if (t->kind == TY_REF || t->kind == TY_BOX) return t->inner;
  if (t->kind == TY_STRING) return ty_str;
  if (t->kind == TY_VEC) return ty_slice(t->inner);
  if (t->kind == TY_ARRAY) return ty_slice(t->inner);  // &[T; N] -> &[T] (an unsizing, in Rust)
  return NULL;
}

// Tries to turn a value of type `from` into `to` without unifying them: returns true and
// records the coercion on e when one applies.
static bool try_coerce(Fcx *fx, Expr *e, Type *from, Type *to) {
  from = ty_resolve(from);
  to = ty_resolve(to);
  if (from->kind == TY_NEVER) return true;
  bool from_ptr = from->kind == TY_REF || from->kind == TY_BOX;
  bool to_ptr = to->kind == TY_REF || to->kind == TY_BOX;
  if (!from_ptr || !to_ptr) return false;
  // Box<T> only coerces to Box<U>; a reference to &U, keeping or dropping `mut`.
  if (to->kind == TY_BOX && from->kind != TY_BOX) return false;
  if (to->kind == TY_REF && from->kind == TY_REF && to->mut && !from->mut) return false;
  if (to->kind == TY_REF && from->kind == TY_BOX) return false;
  Type *target = ty_resolve(to->inner);
  // Deref coercion: peel &&T, &Box<T>, &String, &Vec<T> until the pointee fits.
  Type *src = ty_resolve(from->inner);
  if (target->kind == TY_DYN && src->kind == TY_VAR && src->var_kind) {
    // `&2.5` as `&dyn Show`: the literal takes its fallback type (f64, i32) first, as in rustc.
    unify(src, src->var_kind == 1 ? ty_i32 : ty_f64);
    src = ty_resolve(src);
  }
  for (int steps = 0; steps < 8 && src; steps++) {
    if (target->kind == TY_DYN && ty_is_sized(src) && src->kind != TY_VAR) {
      if (!target->principal) return false;
      obligate_ref(fx, src, target->principal, NULL, 0, e->span);
      if (is_fn_trait(target->principal->trait)) unify_with_fn_bound(fx, e, src, target->principal, e->span);
      e->coerce = COERCE_UNSIZE;
      e->coerce_from = from;
      e->ty = to;
      return true;
    }
    if (target->kind == TY_DYN && src->kind == TY_DYN) {
      // dyn Tr + Send -> dyn Tr, and upcasting dyn Sub -> dyn Super.
      // Dropping auto traits keeps the vtable; upcasting to a supertrait (Rust 1.86) finds
      // the supertrait's vtable inside the subtrait's (vtable.c).
      if (!target->principal || !src->principal || !trait_implies(src->principal->trait, target->principal->trait))
        return false;
      if (src != target) {
        e->coerce = COERCE_UNSIZE;
        e->coerce_from = from;
        e->ty = to;
        return true;
      }
    }
    if (steps > 0 || from->kind != to->kind || from->mut != to->mut) {
      if (unify(src, target)) {
        if (steps > 0 || from->mut != to->mut) {
          e->coerce = steps ? COERCE_UNSIZE : COERCE_REBORROW;
          e->coerce_from = from;
          e->ty = to;
        }
        return true;
      }
    }
    if (from->kind == TY_BOX) return false;  // Box<Box<T>> does not deref-coerce to Box<T>
    src = deref_once(src);
    if (src) src = ty_resolve(src);
  }
  return false;
}

static bool coerce(Fcx *fx, Expr *e, Type *from, Type *to) {
  Type *rf = ty_resolve(from), *rt = ty_resolve(to);
  if (rf->kind == TY_NEVER) return true;
  bool ptrs = (rf->kind == TY_REF || rf->kind == TY_BOX) && (rt->kind == TY_REF || rt->kind == TY_BOX);
  // For pointers, try coercions first: unifying `&Circle` with `&dyn Shape` can't succeed, and
  // unifying `&mut T` with `&T` must reborrow rather than fail.
  if (ptrs && rf->kind == TY_REF && rt->kind == TY_REF && rf->mut && !rt->mut && ty_resolve(rt->inner)->kind == TY_VAR) {
    // `&mut T` passed where `&U` is expected: reborrow, and U is T.
    if (!unify(rf->inner, rt->inner)) return false;
    e->coerce = COERCE_REBORROW;
    e->coerce_from = from;
    e->ty = to;
    return true;
  }
  if (ptrs && rt->kind != TY_VAR && ty_resolve(rt->inner)->kind != TY_VAR) {
    Type *ti = ty_resolve(rt->inner), *fi = ty_resolve(rf->inner);
    if ((ti->kind == TY_DYN && fi->kind != TY_DYN && fi->kind != TY_VAR) || fi != ti || rf->mut != rt->mut)
      if (try_coerce(fx, e, rf, rt)) return true;
  }
  return unify(from, to);
}

static void check_coerce(Fcx *fx, Expr *e, Type *expected) {
  Type *t = check_expr(fx, e, expected);
  if (!expected) return;
  if (!coerce(fx, e, t, expected)) mismatch(e, expected, t);
}

// ---------------------------------------------------------------------------------------------
// Paths and calls

typedef struct {
  const char *path;
  Builtin bi;
} KnownFn;

static const KnownFn known_fns[] = {
  {"std::mem::size_of", BI_SIZE_OF}, {"core::mem::size_of", BI_SIZE_OF}, {"size_of", BI_SIZE_OF},
  {"std::mem::align_of", BI_ALIGN_OF}, {"core::mem::align_of", BI_ALIGN_OF}, {"align_of", BI_ALIGN_OF},
  {"std::mem::drop", BI_DROP}, {"core::mem::drop", BI_DROP}, {"drop", BI_DROP},
  {"std::process::exit", BI_EXIT},
  {"__trc_read", BI_READ}, {"__trc_write", BI_WRITE}, {"__trc_args_len", BI_ARGS_LEN}, {"__trc_arg", BI_ARG},
};

// std functions the prelude implements in .tr: the path a program writes, and the prelude fn.
static const struct {
  const char *path, *prelude_fn;
} std_fns[] = {
  {"std::mem::replace", "__std_mem_replace"}, {"core::mem::replace", "__std_mem_replace"},
  {"std::mem::swap", "__std_mem_swap"},       {"core::mem::swap", "__std_mem_swap"},
  {"std::env::args", "__std_env_args"},
};

static Builtin lookup_known_fn(const char *full) {
  for (size_t i = 0; i < sizeof known_fns / sizeof known_fns[0]; i++)
    if (!strcmp(known_fns[i].path, full)) return known_fns[i].bi;
  return BI_NONE;
}

// A callable resolved from a path, with its instantiated signature.
typedef struct {
  Type **params;
  int nparams;
  Type *ret;
  bool variadic_ok;
} Sig;

static bool callable_sig(Fcx *fx, Type *t, Sig *out);

static Type **fresh_targs(Fcx *fx, GenericEnv *env, int from, Type **prefix, Span sp) {
  int n = env ? env->n : 0;
  Type **t = arena_alloc(sizeof(Type *) * (n + 1));
  for (int i = 0; i < n; i++) t[i] = (prefix && i < from) ? prefix[i] : ty_new_var(0);
  // Bounds of the fresh parameters become obligations, checked when the body is done.
  for (int i = 0; i < n; i++)
    for (int b = 0; b < env->nbounds[i]; b++)
      if (!(env->has_self && i == 0)) obligate_ref(fx, t[i], env->bounds[i][b], t, n, sp);
  return t;
}

static void apply_turbofish(Fcx *fx, PathSeg *seg, GenericEnv *env, int own_from, Type **targs) {
  if (!seg || !seg->nargs) return;
  int own = env->n - own_from;
  if (seg->nargs > own) {
    error_at(seg->span, "E0107", "function takes %d generic argument%s but %d generic arguments were supplied", own,
             own == 1 ? "" : "s", seg->nargs);
    return;
  }
  for (int i = 0; i < seg->nargs; i++)
    unify(targs[own_from + i], resolve_type_ex(seg->args[i], fx->env, fx->self_ty, true));
}

static Sig sig_of(FnDecl *f, Type **targs, int n) {
  Sig s = {0};
  int extra = f->self_kind != SELF_NONE;
  s.nparams = f->nparams + extra;
  s.params = arena_alloc(sizeof(Type *) * (s.nparams + 1));
  if (extra) s.params[0] = ty_subst(f->self_param_ty, targs, n);
  for (int i = 0; i < f->nparams; i++) s.params[i + extra] = ty_subst(f->param_types[i], targs, n);
  s.ret = ty_subst(f->ret_type, targs, n);
  return s;
}

// Looks for an associated function `name` on a type: inherent impls, then trait impls/bounds.
static bool find_assoc_fn(Fcx *fx, Expr *e, Type *t, const char *name, PathSeg *seg) {
  t = ty_resolve(t);
  for (int i = 0; i < K->impls.len; i++) {
    ImplDecl *im = VEC_AT(K->impls, i);
    if (im->trait) continue;
    for (int m = 0; m < im->nmethods; m++) {
      FnDecl *f = im->methods[m];
      if (f->name != name) continue;
      int n = im->env->n;
      Type **binds = arena_alloc(sizeof(Type *) * (n + 1));
      Type **fresh = fresh_targs(fx, im->env, 0, NULL, e->span);
      for (int p = 0; p < n; p++) binds[p] = fresh[p];
      if (!unify(ty_subst(im->self_ty, binds, n), t)) continue;
      e->res = RES_FN;
      e->fn = f;
      e->fn_targs = fresh_targs(fx, f->env, n, binds, e->span);
      e->fn_ntargs = f->env->n;
      apply_turbofish(fx, seg, f->env, n, e->fn_targs);
      return true;
    }
  }
  // Trait methods: through a parameter's bounds, or any trait with an impl for t.
  TraitDecl *owner = NULL;
  FnDecl *found = NULL;
  if (t->kind == TY_PARAM) {
    for (int b = 0; b < fx->env->nbounds[t->index] && !found; b++)
      found = trait_find_method(fx->env->bounds[t->index][b]->trait, name, &owner);
  } else {
    for (int i = 0; i < K->traits.len && !found; i++) {
      TraitDecl *tr = VEC_AT(K->traits, i);
      FnDecl *m = trait_find_method(tr, name, &owner);
      if (m && type_implements(K, t, owner)) found = m;
    }
  }
  if (!found) return false;
  e->res = RES_TRAIT_FN;
  e->fn = found;
  e->trait = owner;
  e->self_ty = t;
  Type *prefix[1] = {t};
  e->fn_targs = fresh_targs(fx, found->env, 1, prefix, e->span);
  e->fn_ntargs = found->env->n;
  apply_turbofish(fx, seg, found->env, owner->env->n, e->fn_targs);
  if (t->kind != TY_PARAM) obligate(fx, t, owner, e->span);
  return true;
}

static Type *builtin_type_of_path(Fcx *fx, Path *p, int nsegs, bool *ok) {
  // The type part of `Vec::<i32>::new`, `String::from`, `Box::new`, `Circle::new`, `T::new`.
  TypeExpr te = {.kind = TE_PATH, .span = p->span};
  te.path.segs = p->segs;
  te.path.nsegs = nsegs;
  te.path.span = p->segs[nsegs - 1].span;
  *ok = true;
  return resolve_expr_path_type(&te, fx->env, fx->self_ty);
}

// `i64::MIN`, `u8::MAX`, `u32::BITS`, `f64::EPSILON`...: folded to a literal here.
static bool prim_const(Expr *e, Type *t, const char *name) {
  if (t->kind == TY_INT) {
    int bits = t->bits;
    uint64_t umax = bits == 64 ? UINT64_MAX : (1ull << bits) - 1;
    if (!strcmp(name, "MAX")) e->int_val = t->is_signed ? umax >> 1 : umax;
    else if (!strcmp(name, "MIN")) e->int_val = t->is_signed ? (1ull << (bits - 1)) : 0;
    else if (!strcmp(name, "BITS")) e->int_val = bits;
    else return false;
    e->res = RES_CONST;
    e->self_ty = !strcmp(name, "BITS") ? ty_u32 : t;
    return true;
  }
  if (t->kind == TY_FLOAT && t->bits == 64) {
    static const struct {
      const char *name;
      double v;
    } consts[] = {
      {"MAX", 1.7976931348623157e308}, {"MIN", -1.7976931348623157e308}, {"MIN_POSITIVE", 2.2250738585072014e-308},
      {"EPSILON", 2.220446049250313e-16}, {"INFINITY", __builtin_inf()}, {"NEG_INFINITY", -__builtin_inf()},
      {"NAN", __builtin_nan("")},
    };
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++)
      if (!strcmp(name, consts[i].name)) {
        e->res = RES_CONST;
        e->float_val = consts[i].v;
        e->self_ty = t;
        return true;
      }
  }
  return false;
}

// A path naming a constructor: an enum variant (`Shape::Circle`, `Self::Empty`, or `Some`
// through a `use`) or a unit/tuple struct. Sets *sd, *variant (-1 for a struct) and *adt, the
// constructed type, with inference variables for type arguments the path leaves out.
static bool resolve_ctor_path(Fcx *fx, Path *p, StructDecl **sd, int *variant, Type **adt) {
  const char *name = p->segs[p->nsegs - 1].name;
  StructDecl *s = NULL;
  int v = -1;
  Type *t = NULL;
  if (p->nsegs == 1) {
    v = lookup_variant_alias(name, &s);
    if (v < 0) {
      s = lookup_struct(name);
      if (!s && !strcmp(name, "Self") && fx->self_ty && ty_resolve(fx->self_ty)->kind == TY_STRUCT) {
        t = ty_resolve(fx->self_ty);
        s = t->sdecl;
      }
      if (!s || s->is_enum) return false;
    }
  } else {
    const char *tname = p->segs[p->nsegs - 2].name;
    bool is_type = lookup_struct(tname) || !strcmp(tname, "Self") || (p->nsegs == 2 && env_find(fx->env, tname) >= 0);
    if (!is_type) return false;
    bool ok;
    t = ty_resolve(builtin_type_of_path(fx, p, p->nsegs - 1, &ok));
    if (t->kind != TY_STRUCT || !t->sdecl->is_enum) return false;
    s = t->sdecl;
    v = find_variant(s, name);
    if (v < 0) return false;
  }
  *sd = s;
  *variant = v;
  *adt = t ? t : ty_struct(s, fresh_targs(fx, s->env, 0, NULL, p->span), s->env->n);
  PathSeg *last = &p->segs[p->nsegs - 1];
  if (s->is_enum && last->nargs) {  // `None::<i64>`: the arguments are the enum's
    if (last->nargs != s->env->n) {
      error_at(last->span, "E0107", "enum takes %d generic argument%s but %d generic arguments were supplied", s->env->n,
               s->env->n == 1 ? "" : "s", last->nargs);
    } else {
      for (int i = 0; i < last->nargs; i++) unify((*adt)->args[i], resolve_type_ex(last->args[i], fx->env, fx->self_ty, true));
    }
  }
  return true;
}

static StructKind ctor_kind(StructDecl *s, int variant) { return s->is_enum ? s->variants[variant].kind : s->kind; }
static int ctor_nfields(StructDecl *s, int variant) { return s->is_enum ? s->variants[variant].nfields : s->nfields; }
static FieldDecl *ctor_fields(StructDecl *s, int variant) { return s->is_enum ? s->variants[variant].fields : s->fields; }
static const char *ctor_name(StructDecl *s, int variant) {
  return s->is_enum ? arena_printf("%s::%s", s->name, s->variants[variant].name) : s->name;
}

static void unknown_value(Expr *e, const char *name) {
  Diag *d = diag_error(e->span, "E0425", "cannot find value `%s` in this scope", name);
  diag_label(d, "not found in this scope");
  diag_emit(d);
}

// A variable of an enclosing function used inside a closure becomes a capture of that closure
// and of every closure between (a closure in a closure reaches it through the outer one).
static void capture(Fcx *fx, Local *l) {
  for (FnDecl *f = fx->fn; f && f != l->owner && f->is_closure; f = f->parent) {
    bool have = false;
    for (int i = 0; i < f->ncaptures; i++) have |= f->captures[i].local == l;
    if (have) continue;
    Capture cap = {.local = l, .by_value = f->closure_expr->is_move};
    Capture *nc = arena_alloc(sizeof(Capture) * (f->ncaptures + 1));
    copy_bytes(nc, f->captures, sizeof(Capture) * f->ncaptures);
    nc[f->ncaptures++] = cap;
    f->captures = nc;
  }
}

// A constructor used as a value: a unit variant or struct is the value itself, a tuple one is
// called. `e->self_ty` keeps the constructed type.
static int resolve_ctor_value(Fcx *fx, Expr *e) {
  StructDecl *s;
  int v;
  Type *adt;
  if (!resolve_ctor_path(fx, &e->path, &s, &v, &adt)) return 0;
  StructKind k = ctor_kind(s, v);
  if (k == STRUCT_NAMED) {
    Diag *d = diag_error(e->span, s->is_enum ? "E0533" : "E0423", s->is_enum ? "expected value, found struct variant `%s`" : "expected value, found struct `%s`",
                         diag_span_text(e->path.span));
    diag_label(d, s->is_enum ? "not a value" : "help: use struct literal syntax instead: `%s { /* fields */ }`", s->name);
    diag_emit(d);
    return -1;
  }
  e->res = k == STRUCT_UNIT ? RES_UNIT_STRUCT : RES_TUPLE_CTOR;
  e->sdecl = s;
  e->variant = v;
  e->self_ty = adt;
  return 1;
}

// Resolves a value path; for fns, fills e->fn/e->fn_targs and returns true.
static bool resolve_value_path(Fcx *fx, Expr *e) {
  Path *p = &e->path;
  PathSeg *last = &p->segs[p->nsegs - 1];
  if (p->nsegs == 1) {
    const char *name = last->name;
    Local *l = last->nargs ? NULL : find_local(fx, name);
    if (l) {
      e->res = RES_LOCAL;
      e->local = l;
      capture(fx, l);
      return true;
    }
    if (name == s_self) {
      error_at(e->span, "E0424", "expected value, found module `self`");
      return false;
    }
    ConstDecl *cd = last->nargs ? NULL : lookup_const(name);
    if (cd && cd->fn) {
      e->res = RES_CONST_ITEM;
      e->fn = cd->fn;
      return true;
    }
    FnDecl *f = lookup_fn(name);
    if (f && f->span.file == 0 && !strncmp(name, "__", 2) && e->span.file != 0) f = NULL;  // the prelude's helpers
    if (f && !f->impl && !f->trait) {
      e->res = RES_FN;
      e->fn = f;
      e->fn_targs = fresh_targs(fx, f->env, 0, NULL, e->span);
      e->fn_ntargs = f->env->n;
      apply_turbofish(fx, last, f->env, 0, e->fn_targs);
      return true;
    }
    int ctor = resolve_ctor_value(fx, e);
    if (ctor) return ctor > 0;
  }
  const char *full = expand_path(p);
  Builtin bi = lookup_known_fn(full);
  if (bi >= BI_READ && bi <= BI_ARG && e->span.file != 0) bi = BI_NONE;  // intrinsics are the prelude's own
  for (size_t i = 0; i < sizeof std_fns / sizeof std_fns[0]; i++) {
    if (strcmp(std_fns[i].path, full)) continue;
    FnDecl *f = lookup_fn(intern_cstr(std_fns[i].prelude_fn));
    e->res = RES_FN;
    e->fn = f;
    e->fn_targs = fresh_targs(fx, f->env, 0, NULL, e->span);
    e->fn_ntargs = f->env->n;
    apply_turbofish(fx, last, f->env, 0, e->fn_targs);
    return true;
  }
  if (bi) {
    e->res = RES_BUILTIN;
    e->builtin = bi;
    return true;
  }
  if (p->nsegs == 1) {
    if (s_self == last->name) return false;
    if (lookup_struct(last->name)) {
      Diag *d = diag_error(e->span, "E0423", "expected value, found struct `%s`", last->name);
      diag_label(d, "help: use struct literal syntax instead: `%s { /* fields */ }`", last->name);
      diag_emit(d);
      return false;
    }
    unknown_value(e, last->name);
    return false;
  }
  // Type-relative: `Type::name`.
  const char *name = last->name;
  PathSeg *first = &p->segs[0];
  const char *tname = p->segs[p->nsegs - 2].name;
  TraitDecl *tr = p->nsegs == 2 ? lookup_trait(first->name) : NULL;
  if (tr && !lookup_struct(first->name)) {
    TraitDecl *owner = NULL;
    FnDecl *m = trait_find_method(tr, name, &owner);
    if (!m) {
      error_at(last->span, "E0576", "cannot find method or associated constant `%s` in trait `%s`", name, tr->name);
      return false;
    }
    e->res = RES_TRAIT_FN;
    e->fn = m;
    e->trait = owner;
    e->self_ty = ty_new_var(0);
    Type *prefix[1] = {e->self_ty};
    e->fn_targs = fresh_targs(fx, m->env, 1, prefix, e->span);
    e->fn_ntargs = m->env->n;
    obligate(fx, e->self_ty, owner, e->span);
    return true;
  }
  if (!strcmp(tname, "Vec") || !strcmp(tname, "String") || !strcmp(tname, "Box")) {
    static const struct {
      const char *ty, *fn;
      Builtin bi;
    } ctors[] = {
      {"Vec", "new", BI_VEC_NEW}, {"Vec", "with_capacity", BI_VEC_WITH_CAPACITY}, {"String", "from", BI_STRING_FROM},
      {"String", "new", BI_STRING_NEW}, {"Box", "new", BI_BOX_NEW},
    };
    for (size_t i = 0; i < sizeof ctors / sizeof ctors[0]; i++)
      if (!strcmp(ctors[i].ty, tname) && !strcmp(ctors[i].fn, name)) {
        e->res = RES_BUILTIN;
        e->builtin = ctors[i].bi;
        bool ok;
        e->self_ty = builtin_type_of_path(fx, p, p->nsegs - 1, &ok);
        return true;
      }
  }
  int ctor = resolve_ctor_value(fx, e);
  if (ctor) return ctor > 0;
  bool ok;
  Type *t = builtin_type_of_path(fx, p, p->nsegs - 1, &ok);
  if (prim_const(e, ty_resolve(t), name)) return true;
  if (ty_resolve(t)->kind == TY_VAR && !ty_resolve(t)->binding && p->nsegs == 2 && !lookup_struct(first->name) &&
      env_find(fx->env, first->name) < 0)
    return false;  // resolve_type already reported the unknown type
  if (find_assoc_fn(fx, e, t, name, last)) return true;
  Diag *d = diag_error(last->span, "E0599", "no function or associated item named `%s` found for `%s` in the current scope", name, ty_name(t));
  diag_label(d, "function or associated item not found in `%s`", ty_name(t));
  diag_emit(d);
  return false;
}

// A by-value use of a place: moving out of a borrow or an index is an error (E0507); moving a
// non-Copy field out of a local is a partial move, which trc does not support yet.
static void note_move(Fcx *fx, Expr *e) { vec_push(&fx->moves, e); }

// rustc's E0061: the call, with a label naming the first missing or unexpected argument.
static void arg_count_error(Fcx *fx, Span at, Expr **args, int nargs, Type **params, int nparams, const char *what) {
  for (int i = 0; i < nargs; i++) check_expr(fx, args[i], i < nparams ? params[i] : NULL);
  Diag *d = diag_error(at, "E0061", "this %s takes %d argument%s but %d argument%s supplied", what, nparams,
                       nparams == 1 ? "" : "s", nargs, nargs == 1 ? " was" : "s were");
  if (nargs < nparams) diag_label(d, "argument #%d of type `%s` is missing", nargs + 1, ty_name(params[nargs]));
  else diag_secondary(d, args[nparams]->span, "unexpected argument #%d of type `%s`", nparams + 1, ty_name(args[nparams]->ty));
  diag_emit(d);
}

// The Fn bound a generic argument must meet (`F: Fn(i64) -> i64`, `impl Fn(i64) -> i64`), so
// that a closure passed there gets its parameter types before its body is checked.
static TraitRef *fn_bound_of(Fcx *fx, Type *param) {
  Type *t = ty_resolve(param);
  while (t->kind == TY_REF) t = ty_resolve(t->inner);
  if (t->kind == TY_BOX) t = ty_resolve(t->inner);
  if (t->kind == TY_DYN && t->principal && is_fn_trait(t->principal->trait)) return t->principal;
  if (t->kind != TY_VAR) return NULL;
  for (int i = fx->obligations.len - 1; i >= 0; i--) {
    Obligation *o = VEC_AT(fx->obligations, i);
    if (ty_resolve(o->ty) == t && is_fn_trait(o->trait) && o->tr) return o->tr;
  }
  return NULL;
}

// A callable's signature must fit the Fn bound it is passed for.
static void unify_with_fn_bound(Fcx *fx, Expr *arg, Type *t, TraitRef *bound, Span call) {
  Sig sig;
  t = ty_resolve(t);
  if ((t->kind != TY_CLOSURE && t->kind != TY_FN) || !callable_sig(fx, t, &sig)) return;
  Type *want = ty_resolve(bound->args[0]);
  int n = want->kind == TY_TUPLE ? want->nargs : 0;
  bool ok = n == sig.nparams;
  for (int i = 0; ok && i < n; i++) ok = unify(sig.params[i], want->args[i]);
  if (!ok) {
    Diag *d = diag_error(call, "E0631", "type mismatch in %s arguments", t->kind == TY_CLOSURE ? "closure" : "function");
    diag_label(d, "expected due to this");
    diag_secondary(d, arg->span, "found signature defined here");
    diag_note(d, "expected signature `fn%s -> _`, found `%s`", ty_name(want), ty_name(t));
    diag_emit(d);
    return;
  }
  if (bound->nassoc && !unify(sig.ret, bound->assoc_types[0])) mismatch(arg, bound->assoc_types[0], sig.ret);
}

// One argument: a closure passed for an Fn bound takes its parameter types from the bound.
static void check_arg(Fcx *fx, Expr *arg, Type *param, Span call) {
  TraitRef *bound = fn_bound_of(fx, param);
  fx->closure_hint = bound;
  check_coerce(fx, arg, param);
  fx->closure_hint = NULL;
  if (bound && ty_resolve(param)->kind != TY_DYN) {
    Type *at = ty_resolve(arg->ty);
    while (at->kind == TY_REF && ty_resolve(param)->kind != TY_REF) at = ty_resolve(at->inner);
    unify_with_fn_bound(fx, arg, at, bound, call);
  }
  note_move(fx, arg);
}

static void check_args(Fcx *fx, Expr *call, Expr **args, int nargs, Sig *sig, const char *what) {
  if (nargs != sig->nparams) {
    arg_count_error(fx, call->span, args, nargs, sig->params, sig->nparams, what);
    return;
  }
  Span at = call->kind == EX_CALL ? call->sub->span : call->span;
  for (int i = 0; i < nargs; i++) check_arg(fx, args[i], sig->params[i], at);
}

// A bound on a generic parameter is reported at the argument whose type mentions it.
static void blame_arguments(Fcx *fx, int first_obligation, Expr *callee, Expr **args, int nargs) {
  FnDecl *f = callee->fn;
  int extra = f->self_kind != SELF_NONE;
  for (int i = first_obligation; i < fx->obligations.len; i++) {
    Obligation *o = VEC_AT(fx->obligations, i);
    for (int p = 0; p < callee->fn_ntargs; p++) {
      if (callee->fn_targs[p] != o->ty) continue;
      for (int a = 0; a < f->nparams && a + extra < nargs; a++) {
        Type *pt = f->param_types[a];
        Type *param = f->env->params[p];
        if (pt == param || (ty_pointee(pt) == param)) {
          o->span = args[a + extra]->span;
          break;
        }
      }
    }
  }
}

static Type *check_builtin_call(Fcx *fx, Expr *e, Expr *callee, Type *expected) {
  Type *exp = expected ? ty_resolve(expected) : NULL;
  PathSeg *last = &callee->path.segs[callee->path.nsegs - 1];
  Sig sig = {0};
  Type *params[2];
  sig.params = params;
  switch (callee->builtin) {
  case BI_BOX_NEW: {
    Type *inner = callee->self_ty && ty_resolve(callee->self_ty)->kind == TY_BOX ? ty_resolve(callee->self_ty)->inner : ty_new_var(0);
    Type *hint = exp && exp->kind == TY_BOX && (ty_is_sized(exp->inner) || (e->nargs == 1 && e->args[0]->kind == EX_CLOSURE)) ? exp->inner : NULL;
    if (e->nargs == 1) {
      Type *t = check_expr(fx, e->args[0], hint ? hint : NULL);
      if (!coerce(fx, e->args[0], t, inner)) mismatch(e->args[0], inner, t);
      note_move(fx, e->args[0]);
      require_sized(t, e->args[0]->span, "the argument of `Box::new`");
    } else {
      sig.nparams = 1;
      params[0] = inner;
      check_args(fx, e, e->args, e->nargs, &sig, "function");
    }
    return ty_box(inner);
  }
  case BI_VEC_NEW:
  case BI_VEC_WITH_CAPACITY: {
    Type *vt = callee->self_ty && ty_resolve(callee->self_ty)->kind == TY_VEC ? callee->self_ty : ty_vec(ty_new_var(0));
    if (callee->builtin == BI_VEC_WITH_CAPACITY) {
      sig.nparams = 1;
      params[0] = ty_usize;
    }
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return vt;
  }
  case BI_STRING_NEW:
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_string;
  case BI_STRING_FROM:
    sig.nparams = 1;
    params[0] = ty_ref(ty_str, false);
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_string;
  case BI_SIZE_OF:
  case BI_ALIGN_OF: {
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    if (last->nargs != 1) {
      Diag *d = diag_error(callee->span, "E0282", "type annotations needed");
      diag_label(d, "cannot infer type of the type parameter `T` declared on the function `%s`", last->name);
      diag_emit(d);
      return ty_usize;
    }
    Type *t = resolve_type_ex(last->args[0], fx->env, fx->self_ty, false);
    require_sized(t, last->args[0]->span, "the type argument of `size_of`");
    e->fn_targs = arena_alloc(sizeof(Type *));
    e->fn_targs[0] = t;
    e->fn_ntargs = 1;
    return ty_usize;
  }
  case BI_DROP:
    sig.nparams = 1;
    params[0] = ty_new_var(0);
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_unit;
  case BI_EXIT:
    sig.nparams = 1;
    params[0] = ty_i32;
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_never;
  // The prelude's intrinsics: a bitwise move out of (or into) a place, and the command line.
  case BI_READ: case BI_WRITE: {
    Type *t = ty_new_var(0);
    sig.nparams = callee->builtin == BI_READ ? 1 : 2;
    params[0] = ty_ref(t, callee->builtin == BI_WRITE);
    params[1] = t;
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return callee->builtin == BI_READ ? t : ty_unit;
  }
  case BI_ARGS_LEN:
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_usize;
  case BI_ARG:
    sig.nparams = 1;
    params[0] = ty_usize;
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_string;
  default:
    ice(e->span, "unhandled builtin call");
  }
}

// A call of a value: a closure, a function pointer, a `F: Fn(..)` parameter, a `dyn Fn`, or a
// reference or Box to one of those.
static Type *check_value_call(Fcx *fx, Expr *e) {
  Type *t = check_expr(fx, e->sub, NULL);
  Sig sig;
  if (!callable_sig(fx, t, &sig)) {
    Diag *d = diag_error(e->sub->span, "E0618", "expected function, found `%s`", ty_name(t));
    diag_label(d, "this is not a function");
    diag_emit(d);
    for (int i = 0; i < e->nargs; i++) check_expr(fx, e->args[i], NULL);
    return ty_new_var(0);
  }
  check_args(fx, e, e->args, e->nargs, &sig, "function");
  return sig.ret;
}

static Type *check_call(Fcx *fx, Expr *e, Type *expected) {
  Expr *callee = e->sub;
  if (callee->kind != EX_PATH) return check_value_call(fx, e);
  if (callee->path.nsegs == 1 && !callee->path.segs[0].nargs && find_local(fx, callee->path.segs[0].name))
    return check_value_call(fx, e);
  vec_push(&fx->exprs, callee);
  callee->ty = ty_unit;
  if (!resolve_value_path(fx, callee)) {
    for (int i = 0; i < e->nargs; i++) check_expr(fx, e->args[i], NULL);
    return ty_new_var(0);
  }
  switch (callee->res) {
  case RES_BUILTIN: return check_builtin_call(fx, e, callee, expected);
  case RES_FN:
  case RES_TRAIT_FN: {
    Sig sig = sig_of(callee->fn, callee->fn_targs, callee->fn_ntargs);
    blame_arguments(fx, 0, callee, e->args, e->nargs);
    if (expected && !ty_has_vars(expected)) unify(sig.ret, expected);  // helps `let x: T = T::new()`
    check_args(fx, e, e->args, e->nargs, &sig, callee->fn->self_kind != SELF_NONE ? "method" : "function");
    return sig.ret;
  }
  case RES_TUPLE_CTOR: {
    StructDecl *s = callee->sdecl;
    Type *adt = callee->self_ty;
    Type *exp = expected ? ty_resolve(expected) : NULL;
    if (exp && exp->kind == TY_STRUCT && exp->sdecl == s) unify(adt, exp);  // `let x: Option<u8> = Some(1)`
    int n = ctor_nfields(s, callee->variant);
    FieldDecl *fields = ctor_fields(s, callee->variant);
    Sig sig = {.nparams = n, .params = arena_alloc(sizeof(Type *) * (n + 1))};
    for (int i = 0; i < n; i++) sig.params[i] = ty_subst(fields[i].type, adt->args, adt->nargs);
    check_args(fx, e, e->args, e->nargs, &sig, s->is_enum ? "enum variant" : "struct");
    return adt;
  }
  case RES_LOCAL:
    error_at(callee->span, "E0618", "expected function, found local variable `%s`", callee->local->name);
    for (int i = 0; i < e->nargs; i++) check_expr(fx, e->args[i], NULL);
    return ty_new_var(0);
  default:
    error_at(callee->span, "E0618", "expected function, found `%s`", callee->path.segs[0].name);
    return ty_new_var(0);
  }
}

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
  {"push", TY_VEC, BI_VEC_PUSH, SELF_REF_MUT, 1},     {"len", TY_VEC, BI_VEC_LEN, SELF_REF, 0},
  {"is_empty", TY_VEC, BI_VEC_IS_EMPTY, SELF_REF, 0}, {"clear", TY_VEC, BI_VEC_CLEAR, SELF_REF_MUT, 0},
  {"len", TY_STRING, BI_STRING_LEN, SELF_REF, 0},     {"push_str", TY_STRING, BI_STRING_PUSH_STR, SELF_REF_MUT, 1},
  {"as_str", TY_STRING, BI_STRING_AS_STR, SELF_REF, 0}, {"clone", TY_STRING, BI_STRING_CLONE, SELF_REF, 0},
  {"is_empty", TY_STRING, BI_STR_IS_EMPTY, SELF_REF, 0},
  {"len", TY_STR, BI_STR_LEN, SELF_REF, 0},           {"to_string", TY_STR, BI_STR_TO_STRING, SELF_REF, 0},
  {"to_owned", TY_STR, BI_STR_TO_STRING, SELF_REF, 0}, {"is_empty", TY_STR, BI_STR_IS_EMPTY, SELF_REF, 0},
  {"wrapping_add", TY_INT, BI_INT_WRAPPING_ADD, SELF_VALUE, 1}, {"wrapping_sub", TY_INT, BI_INT_WRAPPING_SUB, SELF_VALUE, 1},
  {"wrapping_mul", TY_INT, BI_INT_WRAPPING_MUL, SELF_VALUE, 1}, {"pow", TY_INT, BI_INT_POW, SELF_VALUE, 1},
  {"min", TY_INT, BI_INT_MIN, SELF_VALUE, 1},         {"max", TY_INT, BI_INT_MAX, SELF_VALUE, 1},
  {"abs", TY_INT, BI_INT_ABS, SELF_VALUE, 0},
  {"sqrt", TY_FLOAT, BI_F64_SQRT, SELF_VALUE, 0},     {"abs", TY_FLOAT, BI_F64_ABS, SELF_VALUE, 0},
  // ToString, through Display
  {"to_string", TY_INT, BI_TO_STRING, SELF_REF, 0},   {"to_string", TY_FLOAT, BI_TO_STRING, SELF_REF, 0},
  {"to_string", TY_BOOL, BI_TO_STRING, SELF_REF, 0},  {"to_string", TY_CHAR, BI_TO_STRING, SELF_REF, 0},
  {"to_string", TY_STRING, BI_STRING_CLONE, SELF_REF, 0},
  // slices and iteration
  {"len", TY_SLICE, BI_SLICE_LEN, SELF_REF, 0},       {"is_empty", TY_SLICE, BI_SLICE_IS_EMPTY, SELF_REF, 0},
  {"len", TY_ARRAY, BI_SLICE_LEN, SELF_REF, 0},
  {"iter", TY_VEC, BI_ITER, SELF_REF, 0},             {"iter", TY_SLICE, BI_ITER, SELF_REF, 0},
  {"iter", TY_ARRAY, BI_ITER, SELF_REF, 0},           {"iter_mut", TY_VEC, BI_ITER_MUT, SELF_REF_MUT, 0},
  {"iter_mut", TY_SLICE, BI_ITER_MUT, SELF_REF_MUT, 0}, {"iter_mut", TY_ARRAY, BI_ITER_MUT, SELF_REF_MUT, 0},
  {"enumerate", TY_ITER, BI_ENUMERATE, SELF_VALUE, 0}, {"rev", TY_ITER, BI_REV, SELF_VALUE, 0},
  {"rev", TY_RANGE, BI_REV, SELF_VALUE, 0},          {"len", TY_ITER, BI_SLICE_LEN, SELF_REF, 0},
  {"swap", TY_VEC, BI_SLICE_SWAP, SELF_REF_MUT, 2},   {"swap", TY_SLICE, BI_SLICE_SWAP, SELF_REF_MUT, 2},
  {"swap", TY_ARRAY, BI_SLICE_SWAP, SELF_REF_MUT, 2},
  {"pop", TY_VEC, BI_VEC_POP, SELF_REF_MUT, 0},       {"remove", TY_VEC, BI_VEC_REMOVE, SELF_REF_MUT, 1},
  {"insert", TY_VEC, BI_VEC_INSERT, SELF_REF_MUT, 2},
  {"parse", TY_STR, BI_STR_PARSE, SELF_REF, 0},       {"parse", TY_STRING, BI_STR_PARSE, SELF_REF, 0},
};

static Type **copy_types(Type **t, int n) {
  Type **c = arena_alloc(sizeof(Type *) * (n + 1));
  copy_bytes(c, t, sizeof(Type *) * n);
  return c;
}

static const BuiltinMethod *find_builtin_method(Type *t, const char *name) {
  for (size_t i = 0; i < sizeof builtin_methods / sizeof builtin_methods[0]; i++)
    if (builtin_methods[i].on == t->kind && !strcmp(builtin_methods[i].name, name)) {
      if (builtin_methods[i].bi == BI_INT_ABS && !t->is_signed) continue;
      return &builtin_methods[i];
    }
  return NULL;
}

// Result<T, ParseIntError>, from the prelude.
static Type *parse_result(Type *t) {
  StructDecl *res = lookup_struct(intern_cstr("Result")), *err = lookup_struct(intern_cstr("ParseIntError"));
  Type *args[2] = {t, ty_struct(err, NULL, 0)};
  return ty_struct(res, copy_types(args, 2), 2);
}

static Sig builtin_method_sig(const BuiltinMethod *bm, Type *self) {
  Sig s = {.nparams = bm->nparams, .params = arena_alloc(sizeof(Type *) * 3)};
  switch (bm->bi) {
  case BI_SLICE_LEN: s.ret = ty_usize; break;
  case BI_SLICE_IS_EMPTY: s.ret = ty_bool; break;
  case BI_ITER: case BI_ITER_MUT: s.ret = ty_iter(self->inner, bm->bi == BI_ITER_MUT, 0); break;
  case BI_ENUMERATE:
    s.ret = ty_iter(self->inner, self->mut, (int)self->len | ITER_ENUMERATE | (self->len & ITER_REV ? ITER_ENUMERATE_AFTER_REV : 0));
    break;
  case BI_REV: s.ret = self->kind == TY_RANGE ? ty_range_rev(self) : ty_iter(self->inner, self->mut, (int)self->len | ITER_REV); break;
  case BI_SLICE_SWAP: s.params[0] = s.params[1] = ty_usize; s.ret = ty_unit; break;
  case BI_VEC_POP: {
    Type *arg[1] = {self->inner};
    s.ret = ty_struct(K->option, copy_types(arg, 1), 1);
    break;
  }
  case BI_VEC_REMOVE: s.params[0] = ty_usize; s.ret = self->inner; break;
  case BI_VEC_INSERT: s.params[0] = ty_usize; s.params[1] = self->inner; s.ret = ty_unit; break;
  case BI_STR_PARSE: s.ret = parse_result(ty_new_var(1)); break;
  case BI_VEC_PUSH: s.params[0] = self->inner; s.ret = ty_unit; break;
  case BI_VEC_LEN: case BI_STRING_LEN: case BI_STR_LEN: s.ret = ty_usize; break;
  case BI_VEC_IS_EMPTY: case BI_STR_IS_EMPTY: s.ret = ty_bool; break;
  case BI_VEC_CLEAR: s.ret = ty_unit; break;
  case BI_STRING_PUSH_STR: s.params[0] = ty_ref(ty_str, false); s.ret = ty_unit; break;
  case BI_STRING_AS_STR: s.ret = ty_ref(ty_str, false); break;
  case BI_STRING_CLONE: case BI_STR_TO_STRING: case BI_TO_STRING: s.ret = ty_string; break;
  case BI_INT_POW: s.params[0] = ty_u32; s.ret = self; break;
  default: s.params[0] = self; s.ret = self; break;
  }
  return s;
}

// Records a method found on step type `u` of the autoderef chain.
static void set_receiver_adjust(Expr *e, int derefs, SelfKind sk) {
  // `self: Box<Self>` takes the Box the method was found through, one step back in the chain.
  if (sk == SELF_BOX) {
    if (derefs == 0 || ty_resolve(e->sub->ty)->kind == TY_REF) {
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
  if (kind == DISPATCH_DYN && m->requires_sized) {
    Diag *d = diag_error(e->name_span, NULL, "the `%s` method cannot be invoked on a trait object", e->name);
    diag_secondary(d, m->sized_span.hi ? m->sized_span : m->span, "this has a `Sized` requirement");
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
  // Self, then the owner trait's own args: through a bound `T: Tr<X>` they are known when the
  // method's trait is the bound's trait itself; supertraits' args are left to inference.
  int ntrait = owner->env->n;
  Type **prefix = arena_alloc(sizeof(Type *) * (ntrait + 1));
  prefix[0] = u;
  for (int i = 1; i < ntrait; i++)
    prefix[i] = (owner == tr->trait && i - 1 < tr->nargs) ? tr->args[i - 1] : ty_new_var(0);
  e->fn_targs = fresh_targs(fx, m->env, ntrait, prefix, e->span);
  e->fn_ntargs = m->env->n;
  if (e->ntargs) {
    PathSeg seg = {.args = e->targs, .nargs = e->ntargs, .span = e->span};
    apply_turbofish(fx, &seg, m->env, ntrait, e->fn_targs);
  }
  set_receiver_adjust(e, derefs, m->self_kind);
  *out = sig_of(m, e->fn_targs, e->fn_ntargs);
  return true;
}

// Probes one step type of the autoderef chain.
static bool probe_step(Fcx *fx, Expr *e, Type *u, int derefs, Sig *out) {
  // `r.clone()` on `r: &T` clones the T (the by-value receiver `&T` of T's clone comes first).
  if (!strcmp(e->name, "clone") && u->kind == TY_REF && type_implements(K, u->inner, K->clone_trait)) return false;
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
      if (method_on_trait(fx, e, fx->env->bounds[u->index][b], u, derefs, DISPATCH_TRAIT, out)) return true;
    return false;
  }
  if (u->kind == TY_DYN) {
    return u->principal && method_on_trait(fx, e, u->principal, u, derefs, DISPATCH_DYN, out);
  }
  // Inherent impls.
  for (int i = 0; i < K->impls.len; i++) {
    ImplDecl *im = VEC_AT(K->impls, i);
    if (im->trait) continue;
    int n = im->env->n;
    Type **binds = arena_alloc(sizeof(Type *) * (n + 1));
    for (int p = 0; p < n; p++) binds[p] = ty_new_var(0);
    for (int m = 0; m < im->nmethods; m++) {
      FnDecl *f = im->methods[m];
      if (f->name != e->name || f->self_kind == SELF_NONE) continue;
      if (!unify(ty_subst(im->self_ty, binds, n), u)) break;
      e->dispatch = DISPATCH_DIRECT;
      e->fn = f;
      e->fn_targs = fresh_targs(fx, f->env, n, binds, e->span);
      e->fn_ntargs = f->env->n;
      set_receiver_adjust(e, derefs, f->self_kind);
      *out = sig_of(f, e->fn_targs, e->fn_ntargs);
      return true;
    }
  }
  // Trait impls for u.
  for (int i = 0; i < K->impls.len; i++) {
    ImplDecl *im = VEC_AT(K->impls, i);
    if (!im->trait) continue;
    TraitDecl *owner = NULL;
    if (!trait_find_method(im->trait, e->name, &owner) || owner != im->trait) continue;
    Type **binds = NULL;
    int n = 0;
    TraitRef tr = {.trait = im->trait};
    if (find_impl(K, &tr, u, &binds, &n) != im) continue;
    TraitRef full = {.trait = im->trait, .args = arena_alloc(sizeof(Type *) * (im->ntrait_args + 1)), .nargs = im->ntrait_args};
    for (int a = 0; a < im->ntrait_args; a++) full.args[a] = ty_subst(im->trait_args[a], binds, n);
    return method_on_trait(fx, e, &full, u, derefs, DISPATCH_TRAIT, out);
  }
  // Clone without an impl (derived, String, Vec...): codegen builds the clone.
  if (!strcmp(e->name, "clone") && type_implements(K, u, K->clone_trait)) {
    TraitRef tr = {.trait = K->clone_trait};
    return method_on_trait(fx, e, &tr, u, derefs, DISPATCH_TRAIT, out);
  }
  return false;
}

static Type *check_method(Fcx *fx, Expr *e) {
  Type *rt = ty_resolve(check_expr(fx, e->sub, NULL));
  for (int i = 0; i < e->nargs; i++) vec_push(&fx->exprs, e->args[i]);
  if (rt->kind == TY_VAR && rt->var_kind && !strcmp(e->name, "to_string")) {
    // A trait method (ToString) on a literal: the literal takes its fallback type.
    unify(rt, rt->var_kind == 1 ? ty_i32 : ty_f64);
    rt = ty_resolve(rt);
  }
  const BuiltinMethod *int_m = rt->kind == TY_VAR && rt->var_kind == 1 ? find_builtin_method(ty_i64, e->name) : NULL;
  if (int_m && int_m->nparams == 1 && int_m->bi != BI_INT_POW && e->nargs == 1) {
    // `{integer}.max(x)`: the argument decides which integer type it is, as in rustc.
    e->dispatch = DISPATCH_BUILTIN;
    e->builtin = int_m->bi;
    e->self_ty = rt;
    check_coerce(fx, e->args[0], rt);
    return rt;
  }
  if (rt->kind == TY_VAR) {
    Diag *d = diag_error(e->sub->span, rt->var_kind ? "E0689" : "E0282",
                         rt->var_kind ? "can't call method `%s` on ambiguous numeric type `%s`" : "type annotations needed",
                         e->name, ty_name(rt));
    diag_emit(d);
    for (int i = 0; i < e->nargs; i++) check_expr(fx, e->args[i], NULL);
    return ty_new_var(0);
  }
  Sig sig = {0};
  bool found = false;
  Type *u = rt;
  for (int derefs = 0; u && derefs < 10 && !found; derefs++) {
    u = ty_resolve(u);
    found = probe_step(fx, e, u, derefs, &sig);
    if (!found) {
      if (u->kind == TY_REF || u->kind == TY_BOX) u = u->inner;
      else if (u->kind == TY_VEC) u = ty_slice(u->inner);  // Vec<T> derefs to [T]
      else u = NULL;
    }
  }
  if (!found) {
    Diag *d = diag_error(e->name_span, "E0599", "no method named `%s` found for %s `%s` in the current scope", e->name,
                         rt->kind == TY_STRUCT ? (rt->sdecl->is_enum ? "enum" : "struct") : rt->kind == TY_REF ? "reference" : "type", ty_name(rt));
    diag_label(d, "method not found in `%s`", ty_name(rt));
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
  if (e->autoref == 0 && e->autoderefs > 0) note_move(fx, e->sub);  // by-value self through a deref
  else if (e->autoref == 0) note_move(fx, e->sub);
  if (e->dispatch == DISPATCH_BUILTIN && e->builtin == BI_STR_PARSE && e->ntargs == 1)  // parse::<u64>()
    unify(ty_resolve(sig.ret)->args[0], resolve_type_ex(e->targs[0], fx->env, fx->self_ty, true));
  for (int i = 0; i < e->nargs; i++) check_arg(fx, e->args[i], sig.params[i + 1], e->name_span);
  return sig.ret;
}

// ---------------------------------------------------------------------------------------------
// Macros

static bool has_derive(StructDecl *s, const char *name) {
  for (int i = 0; i < s->attrs.nderives; i++)
    if (!strcmp(s->attrs.derives[i], name)) return true;
  return false;
}

// Display: numbers, bool, char, strings. Debug: those, and tuples, Vecs, slices, arrays and
// `#[derive(Debug)]` types of Debug parts.
static bool displayable(Type *t, bool debug) {
  t = ty_resolve(t);
  while (t->kind == TY_REF || t->kind == TY_BOX) t = ty_resolve(t->inner);  // Display for &T and Box<T> is T's
  switch (t->kind) {
  case TY_INT: case TY_FLOAT: case TY_BOOL: case TY_CHAR: case TY_STR: case TY_STRING: case TY_VAR:
    return true;
  case TY_UNIT: return debug;
  case TY_TUPLE:
    for (int i = 0; debug && i < t->nargs; i++)
      if (!displayable(t->args[i], true)) return false;
    return debug;
  case TY_VEC: case TY_SLICE: case TY_ARRAY: return debug && displayable(t->inner, true);
  case TY_STRUCT:
    if (!debug || !has_derive(t->sdecl, "Debug")) return false;
    for (int i = 0; i < t->nargs; i++)
      if (!displayable(t->args[i], true)) return false;
    return true;
  default:
    return false;
  }
}

static void check_format_args(Fcx *fx, Expr *e, int first) {
  for (int i = first; i < e->nargs; i++) check_expr(fx, e->args[i], NULL);
  bool unsized_seen = false;
  for (int i = 0; i < e->nfmt; i++) {
    FmtPiece *p = &e->fmt[i];
    if (p->arg < 0 || p->arg >= e->nargs) continue;
    Expr *a = e->args[p->arg];
    if (!ty_is_sized(a->ty)) {  // format_args! borrows each argument as `&T` with T: Sized
      if (unsized_seen) continue;  // rustc reports the first
      unsized_seen = true;
      Diag *d = diag_error(a->span, "E0277", "the size for values of type `%s` cannot be known at compilation time", ty_name(a->ty));
      diag_label(d, "doesn't have a size known at compile-time");
      diag_help(d, "the trait `Sized` is not implemented for `%s`", ty_name(a->ty));
      diag_emit(d);
      continue;
    }
    if (!displayable(a->ty, p->debug)) {
      Diag *d = diag_error(a->span, "E0277", p->debug ? "`%s` doesn't implement `Debug`" : "`%s` doesn't implement `std::fmt::Display`",
                           ty_name(a->ty));
      diag_label(d, p->debug ? "`%s` cannot be formatted using `{:?}`" : "`%s` cannot be formatted with the default formatter",
                 ty_name(a->ty));
      diag_emit(d);
    }
  }
}

static Type *check_macro(Fcx *fx, Expr *e, Type *expected) {
  const char *n = e->name;
  if (n == s_println || n == s_print || n == s_eprintln || n == s_eprint) {
    check_format_args(fx, e, 0);
    return ty_unit;
  }
  if (n == s_format) {
    check_format_args(fx, e, 0);
    return ty_string;
  }
  if (n == s_panic || n == s_unreachable || n == s_todo || n == s_unimplemented) {
    check_format_args(fx, e, 0);
    return ty_never;
  }
  if (n == s_assert) {
    if (e->nargs < 1) {
      error_at(e->span, NULL, "macro requires a boolean expression as an argument");
      return ty_unit;
    }
    check_coerce(fx, e->args[0], ty_bool);
    check_format_args(fx, e, 1);
    return ty_unit;
  }
  if (n == s_assert_eq || n == s_assert_ne) {
    if (e->nargs < 2) {
      error_at(e->span, NULL, "`%s!` takes two arguments to compare", n);
      return ty_unit;
    }
    Type *a = check_expr(fx, e->args[0], NULL);
    Type *b = check_expr(fx, e->args[1], a);
    if (!unify(a, b)) mismatch(e->args[1], a, b);
    else if (!displayable(a, true)) error_at(e->args[0]->span, "E0277", "`%s` doesn't implement `Debug`", ty_name(a));
    check_format_args(fx, e, 2);
    return ty_unit;
  }
  if (n == s_vec) {
    Type *exp = expected ? ty_resolve(expected) : NULL;
    Type *elem = exp && exp->kind == TY_VEC ? exp->inner : ty_new_var(0);
    if (e->repeat) {
      check_coerce(fx, e->args[0], elem);
      check_coerce(fx, e->args[1], ty_usize);
      vec_push(&fx->moves, e);  // checked later: the element must be Copy
    } else {
      for (int i = 0; i < e->nargs; i++) {
        check_coerce(fx, e->args[i], elem);
        note_move(fx, e->args[i]);
      }
    }
    return ty_vec(elem);
  }
  error_at(e->span, NULL, "cannot find macro `%s` in this scope", n);
  return ty_new_var(0);
}

// ---------------------------------------------------------------------------------------------
// Expressions

static bool is_place(Expr *e) {
  switch (e->kind) {
  case EX_PATH: return e->res == RES_LOCAL;
  case EX_FIELD: return true;
  case EX_INDEX: return true;
  case EX_UNARY: return e->op == TK_STAR;
  default: return false;
  }
}

static Local *place_root_local(Expr *e) {
  while (e->kind == EX_FIELD) e = e->sub;
  return e->kind == EX_PATH && e->res == RES_LOCAL ? e->local : NULL;
}

static Type *check_field(Fcx *fx, Expr *e) {
  Type *t = ty_resolve(check_expr(fx, e->sub, NULL));
  int derefs = 0;
  while (t->kind == TY_REF || t->kind == TY_BOX) {
    t = ty_resolve(t->inner);
    derefs++;
  }
  e->autoderefs = derefs;
  if (t->kind == TY_STRUCT) {
    StructDecl *s = t->sdecl;
    for (int i = 0; i < s->nfields; i++) {
      bool hit = e->field_index >= 0 ? (s->kind == STRUCT_TUPLE && i == e->field_index) : s->fields[i].name == e->name;
      if (hit) {
        e->field_index = i;
        return ty_subst(s->fields[i].type, t->args, t->nargs);
      }
    }
  } else if (t->kind == TY_TUPLE && e->field_index >= 0 && e->field_index < t->nargs) {
    return t->args[e->field_index];
  }
  if (t->kind == TY_VAR) {
    error_at(e->sub->span, "E0282", "type annotations needed");
    return ty_new_var(0);
  }
  const char *fname = e->field_index >= 0 ? arena_printf("%d", e->field_index) : e->name;
  Diag *d = diag_error(e->name_span, t->kind == TY_STRUCT || t->kind == TY_TUPLE ? "E0609" : "E0610",
                       t->kind == TY_STRUCT || t->kind == TY_TUPLE ? "no field `%s` on type `%s`"
                                                                   : "`%s` is a primitive type and therefore doesn't have fields",
                       t->kind == TY_STRUCT || t->kind == TY_TUPLE ? fname : ty_name(t), ty_name(e->sub->ty));
  if (t->kind == TY_STRUCT) diag_label(d, "unknown field");
  diag_emit(d);
  return ty_new_var(0);
}

static Type *check_struct_lit(Fcx *fx, Expr *e) {
  Path *p = &e->path;
  StructDecl *s = NULL;
  int v = -1;
  Type *adt = NULL;
  if (!resolve_ctor_path(fx, p, &s, &v, &adt)) {
    const char *name = p->segs[p->nsegs - 1].name;
    Diag *d = diag_error(p->span, "E0422", "cannot find struct, variant or union type `%s` in this scope", name);
    diag_label(d, "not found in this scope");
    diag_emit(d);
    for (int i = 0; i < e->nargs; i++) check_expr(fx, e->args[i], NULL);
    return ty_new_var(0);
  }
  const char *what = ctor_name(s, v);
  int nfields = ctor_nfields(s, v);
  FieldDecl *fields = ctor_fields(s, v);
  e->sdecl = s;
  e->variant = v;
  e->field_map = arena_alloc(sizeof(int) * (e->nargs + 1));
  bool *seen = arena_alloc(sizeof(bool) * (nfields + 1));
  for (int i = 0; i < e->nargs; i++) {
    int fi = -1;
    for (int f = 0; f < nfields; f++)
      if (fields[f].name == e->field_names[i] ||
          (ctor_kind(s, v) == STRUCT_TUPLE && e->field_names[i] && !strcmp(e->field_names[i], arena_printf("%d", f))))
        fi = f;
    e->field_map[i] = fi;
    if (fi < 0) {
      Diag *d = s->is_enum ? diag_error(e->field_spans ? e->field_spans[i] : e->args[i]->span, "E0559", "variant `%s` has no field named `%s`", what, e->field_names[i])
                           : diag_error(e->field_spans ? e->field_spans[i] : e->args[i]->span, "E0560", "struct `%s` has no field named `%s`", what, e->field_names[i]);
      diag_label(d, "`%s` does not have this field", what);
      diag_emit(d);
      check_expr(fx, e->args[i], NULL);
      continue;
    }
    if (seen[fi]) error_at(e->args[i]->span, "E0062", "field `%s` specified more than once", e->field_names[i]);
    seen[fi] = true;
    check_coerce(fx, e->args[i], ty_subst(fields[fi].type, adt->args, adt->nargs));
    note_move(fx, e->args[i]);
  }
  if (e->base_expr) {
    error_at(e->base_expr->span, NULL, "functional record update `..base` is not supported yet");
  } else {
    const char *missing = NULL;
    for (int f = 0; f < nfields; f++)
      if (!seen[f]) missing = missing ? arena_printf("%s, `%s`", missing, fields[f].name) : arena_printf("`%s`", fields[f].name);
    if (missing) {
      Diag *d = diag_error(e->span, "E0063", "missing field%s %s in initializer of `%s`", strchr(missing, ',') ? "s" : "", missing, what);
      diag_label(d, "missing %s", missing);
      diag_emit(d);
    }
  }
  return adt;
}

static Type *check_unary(Fcx *fx, Expr *e, Type *expected) {
  switch (e->op) {
  case TK_MINUS: {
    Type *t = ty_resolve(check_expr(fx, e->sub, expected));
    if (!ty_is_numeric(t) && t->kind != TY_VAR) {
      Diag *d = diag_error(e->span, "E0600", "cannot apply unary operator `-` to type `%s`", ty_name(t));
      diag_label(d, "cannot apply unary operator `-`");
      diag_emit(d);
    } else if (t->kind == TY_INT && !t->is_signed) {
      Diag *d = diag_error(e->span, "E0600", "cannot apply unary operator `-` to type `%s`", ty_name(t));
      diag_label(d, "cannot apply unary operator `-`");
      diag_note(d, "unsigned values cannot be negated");
      diag_emit(d);
    }
    return t;
  }
  case TK_BANG: {
    Type *t = ty_resolve(check_expr(fx, e->sub, expected));
    if (t->kind != TY_BOOL && !ty_is_int(t) && t->kind != TY_VAR)
      error_at(e->span, "E0600", "cannot apply unary operator `!` to type `%s`", ty_name(t));
    return t;
  }
  case TK_STAR: {
    Type *t = ty_resolve(check_expr(fx, e->sub, NULL));
    if (t->kind == TY_REF || t->kind == TY_BOX || t->kind == TY_PTR) return t->inner;
    Diag *d = diag_error(e->span, "E0614", "type `%s` cannot be dereferenced", ty_name(t));
    diag_label(d, "can't be dereferenced");
    diag_emit(d);
    return ty_new_var(0);
  }
  case TK_AMP: {
    Type *exp = expected ? ty_resolve(expected) : NULL;
    Type *hint = exp && exp->kind == TY_REF && (ty_is_sized(exp->inner) || e->sub->kind == EX_CLOSURE) ? exp->inner : NULL;
    Type *t = check_expr(fx, e->sub, hint);
    if (e->mut && is_place(e->sub)) {
      Local *l = place_root_local(e->sub);
      if (l && !l->mut && ty_resolve(l->ty)->kind != TY_REF) {
        Diag *d = diag_error(e->span, "E0596", "cannot borrow `%s` as mutable, as it is not declared as mutable", l->name);
        diag_label(d, "cannot borrow as mutable");
        diag_help(d, "consider changing this to be mutable: `mut %s`", l->name);
        diag_emit(d);
      }
    }
    return ty_ref(t, e->mut);
  }
  default:
    ice(e->span, "unknown unary operator");
  }
}

static bool is_comparison(TokenKind op) {
  return op == TK_EQEQ || op == TK_NE || op == TK_LT || op == TK_LE || op == TK_GT || op == TK_GE;
}

static const char *op_text(TokenKind op) { return token_kind_name(op); }

static bool comparable(Type *t) {
  t = ty_resolve(t);
  while (t->kind == TY_REF) t = ty_resolve(t->inner);
  return t->kind == TY_INT || t->kind == TY_FLOAT || t->kind == TY_BOOL || t->kind == TY_CHAR || t->kind == TY_VAR ||
         t->kind == TY_STR || t->kind == TY_STRING || t->kind == TY_UNIT;
}

// `a == b` and `a != b` need PartialEq of the types behind the references (lowering makes
// the trait call, or the operator on primitives and strings).
static void check_equality(Expr *e, Type *a) {
  Type *t = ty_resolve(a);
  while (t->kind == TY_REF) t = ty_resolve(t->inner);
  if (!type_implements(K, t, K->partial_eq_trait)) {
    Diag *d = diag_error(e->name_span, "E0369", "binary operation `%s` cannot be applied to type `%s`", op_text(e->op), ty_name(a));
    diag_secondary(d, e->lhs->span, "%s", ty_name(a));
    diag_secondary(d, e->rhs->span, "%s", ty_name(e->rhs->ty));
    if (t->kind == TY_STRUCT) {
      diag_note_at(d, t->sdecl->span, "an implementation of `PartialEq` might be missing for `%s`", ty_name(t));
      diag_help(d, "consider annotating `%s` with `#[derive(PartialEq)]`", ty_name(t));
    }
    diag_emit(d);
  }
}

static Type *check_binary(Fcx *fx, Expr *e, Type *expected) {
  TokenKind op = e->op;
  if (op == TK_AMPAMP || op == TK_PIPEPIPE) {
    check_coerce(fx, e->lhs, ty_bool);
    check_coerce(fx, e->rhs, ty_bool);
    return ty_bool;
  }
  if (is_comparison(op)) {
    Type *a = check_expr(fx, e->lhs, NULL);
    Type *b = check_expr(fx, e->rhs, a);
    Type *ra = ty_resolve(a), *rb = ty_resolve(b);
    // String == &str and friends compare by contents.
    bool strs = (ra->kind == TY_STRING || (ra->kind == TY_REF && ty_resolve(ra->inner)->kind == TY_STR)) &&
                (rb->kind == TY_STRING || (rb->kind == TY_REF && ty_resolve(rb->inner)->kind == TY_STR));
    if (!strs && !unify(a, b)) {
      mismatch(e->rhs, a, b);
    } else if (op == TK_EQEQ || op == TK_NE) {
      check_equality(e, a);
    } else if (!comparable(a) || ((op != TK_EQEQ && op != TK_NE) && ty_resolve(a)->kind == TY_UNIT)) {
      Diag *d = diag_error(e->span, "E0369", "binary operation `%s` cannot be applied to type `%s`", op_text(op), ty_name(a));
      diag_emit(d);
    }
    return ty_bool;
  }
  Type *exp = expected && ty_is_numeric(expected) ? expected : NULL;
  Type *a = check_expr(fx, e->lhs, exp);
  Type *ra = ty_resolve(a);
  if (op == TK_SHL || op == TK_SHR) {
    Type *b = check_expr(fx, e->rhs, NULL);
    if (!ty_is_int(a) || !ty_is_int(b))
      error_at(e->span, "E0369", "no implementation for `%s %s %s`", ty_name(a), op_text(op), ty_name(b));
    return a;
  }
  Type *b = check_expr(fx, e->rhs, ra->kind == TY_REF ? ra->inner : a);
  Type *rb = ty_resolve(b);
  // Arithmetic through one level of reference (`&i32 + i32`) as std's operator impls allow.
  if (ra->kind == TY_REF && ty_is_numeric(ra->inner)) ra = ty_resolve(ra->inner);
  if (rb->kind == TY_REF && ty_is_numeric(rb->inner)) rb = ty_resolve(rb->inner);
  bool bitop = op == TK_AMP || op == TK_PIPE || op == TK_CARET;
  bool ok = (ty_is_numeric(ra) || ra->kind == TY_VAR || (bitop && ra->kind == TY_BOOL)) && unify(ra, rb);
  if (ok && bitop && ty_resolve(ra)->kind == TY_FLOAT) ok = false;
  if (!ok) {
    bool named = op == TK_PLUS || op == TK_MINUS || op == TK_STAR || op == TK_SLASH;
    Diag *d = named ? diag_error(e->name_span, "E0369", "cannot %s `%s` %s `%s`",
                                 op == TK_PLUS ? "add" : op == TK_MINUS ? "subtract" : op == TK_STAR ? "multiply" : "divide",
                                 ty_name(op == TK_PLUS || op == TK_MINUS ? rb : ra),
                                 op == TK_PLUS ? "to" : op == TK_MINUS ? "from" : "by",
                                 ty_name(op == TK_PLUS || op == TK_MINUS ? ra : rb))
                    : diag_error(e->name_span, "E0369", "binary operation `%s` cannot be applied to type `%s`", op_text(op), ty_name(ra));
    diag_secondary(d, e->lhs->span, "%s", ty_name(ra));
    diag_secondary(d, e->rhs->span, "%s", ty_name(rb));
    diag_emit(d);
    return ty_new_var(0);
  }
  return ra;
}

static void check_assignable(Fcx *fx, Expr *lhs) {
  if (!is_place(lhs)) {
    Diag *d = diag_error(lhs->span, "E0070", "invalid left-hand side of assignment");
    diag_label(d, "cannot assign to this expression");
    diag_emit(d);
    return;
  }
  Local *l = place_root_local(lhs);
  if (l && !l->mut && lhs->kind == EX_PATH && l->assigned && !l->late_init) {
    Diag *d = diag_error(lhs->span, "E0384", "cannot assign twice to immutable variable `%s`", l->name);
    diag_secondary(d, l->span, "first assignment to `%s`", l->name);
    diag_label(d, "cannot assign twice to immutable variable");
    diag_emit(d);
  } else if (l && !l->mut && lhs->kind == EX_FIELD && ty_resolve(l->ty)->kind != TY_REF) {
    Diag *d = diag_error(lhs->span, "E0594", "cannot assign to `%s`, as `%s` is not declared as mutable", l->name, l->name);
    diag_label(d, "cannot assign");
    diag_emit(d);
  }
  if (l && lhs->kind == EX_PATH) l->assigned = true;
}

static Type *check_cast(Fcx *fx, Expr *e) {
  Type *to = resolve_type_ex(e->type_expr, fx->env, fx->self_ty, true);
  Type *rto = ty_resolve(to);
  Type *hint = ty_is_numeric(rto) ? NULL : rto;
  Type *from = ty_resolve(check_expr(fx, e->sub, hint && (rto->kind == TY_REF || rto->kind == TY_BOX) ? NULL : hint));
  if (ty_is_numeric(rto) && (ty_is_numeric(from) || from->kind == TY_BOOL || from->kind == TY_CHAR)) {
    if (from->kind == TY_VAR && from->var_kind == 1 && rto->kind == TY_INT) unify(from, to);  // `5 as u64` is u64 literally
    if ((from->kind == TY_BOOL || from->kind == TY_CHAR) && rto->kind == TY_FLOAT)
      error_at(e->span, "E0606", "casting `%s` as `%s` is invalid", ty_name(from), ty_name(to));
    return to;
  }
  if (ty_is_int(rto) && from->kind == TY_STRUCT && from->sdecl->is_enum) {
    bool fieldless = true;
    for (int v = 0; v < from->sdecl->nvariants; v++) fieldless &= from->sdecl->variants[v].kind == STRUCT_UNIT;
    if (fieldless) return to;
  }
  if (rto->kind == TY_CHAR && (from == ty_u8 || (from->kind == TY_VAR && from->var_kind == 1))) {
    unify(from, ty_u8);
    return to;
  }
  if (coerce(fx, e->sub, from, to)) return to;
  Diag *d = diag_error(e->span, rto->kind == TY_REF || rto->kind == TY_BOX ? "E0605" : "E0605", "non-primitive cast: `%s` as `%s`",
                       ty_name(from), ty_name(to));
  diag_label(d, "an `as` expression can only be used to convert between primitive types or to coerce to a specific trait object");
  diag_emit(d);
  return to;
}

// How rustc names a type in "expected X, found Y": literals' types are "integer" and
// "floating-point number", everything else is quoted.
static const char *expected_name(Type *t) {
  t = ty_resolve(t);
  if (t->kind == TY_VAR && t->var_kind == 1) return "integer";
  if (t->kind == TY_VAR && t->var_kind == 2) return "floating-point number";
  return arena_printf("`%s`", ty_name(t));
}

// The expression that gives a block-like expression its value, for pointing at it.
static Expr *value_expr(Expr *e) {
  while (e->kind == EX_BLOCK && e->block->tail) e = e->block->tail;
  return e;
}

static Type *join(Fcx *fx, Expr *at, Type *a, Type *b) {
  Type *ra = ty_resolve(a), *rb = ty_resolve(b);
  if (ra->kind == TY_NEVER) return b;
  if (rb->kind == TY_NEVER) return a;
  if (!unify(a, b)) {
    Diag *d = diag_error(value_expr(at)->span, "E0308", "`if` and `else` have incompatible types");
    diag_label(d, "expected %s, found %s", expected_name(a), expected_name(b));
    diag_emit(d);
  }
  return a;
}

static Type *check_if(Fcx *fx, Expr *e, Type *expected) {
  check_coerce(fx, e->sub, ty_bool);
  bool div_before = fx->diverges;
  Type *then_t = check_block(fx, e->block, e->else_expr ? expected : ty_unit);
  if (!e->else_expr) {
    fx->diverges = div_before;
    if (!unify(then_t, ty_unit) && ty_resolve(then_t)->kind != TY_NEVER) {
      Diag *d = diag_error(e->span, "E0317", "`if` may be missing an `else` clause");
      diag_label(d, "expected `%s`, found `()`", ty_name(then_t));
      diag_emit(d);
    }
    return ty_unit;
  }
  fx->diverges = div_before;
  Type *else_t = check_expr(fx, e->else_expr, expected ? expected : then_t);
  fx->diverges = div_before || (ty_resolve(then_t)->kind == TY_NEVER && ty_resolve(else_t)->kind == TY_NEVER);
  return join(fx, e->else_expr, then_t, else_t);
}

static LoopInfo *push_loop(Fcx *fx, Expr *e) {
  LoopInfo *l = arena_alloc(sizeof *l);
  l->loop_expr = e;
  l->label = e->label;
  l->outer = fx->loop;
  fx->loop = l;
  return l;
}

// Whether `for` can loop over a value of type t by calling `Iterator::next` on it: t implements
// Iterator (a user type, a bounded type parameter, `dyn Iterator`), or is a `&mut` or a `Box`
// of such a type (std's `impl Iterator for &mut I` and `for Box<I>`).
static bool is_iterator(Type *t) {
  t = ty_resolve(t);
  if (!K->iterator_trait) return false;
  if ((t->kind == TY_REF && t->mut) || t->kind == TY_BOX) return is_iterator(t->inner);
  return type_implements(K, t, K->iterator_trait);
}

// `local.method()` on a hidden local of type t (not visible to the program), checked.
static Expr *hidden_method_call(Fcx *fx, const char *local, Type *t, const char *method, Span sp, Local **out) {
  int mark = scope_mark(fx);
  Local *l = new_local(fx, intern_cstr(local), t, true, sp, LOCAL_VAR);
  l->assigned = true;
  Expr *recv = arena_alloc(sizeof *recv);
  recv->kind = EX_PATH;
  recv->span = sp;
  recv->path.segs = arena_alloc(sizeof(PathSeg));
  recv->path.segs[0] = (PathSeg){.name = l->name, .span = sp};
  recv->path.nsegs = 1;
  recv->path.span = sp;
  recv->field_index = -1;
  Expr *call = arena_alloc(sizeof *call);
  call->kind = EX_METHOD;
  call->span = sp;
  call->name_span = sp;
  call->name = intern_cstr(method);
  call->sub = recv;
  call->field_index = -1;
  check_expr(fx, call, NULL);
  scope_pop(fx, mark);
  *out = l;
  return call;
}

// `for pat in it` as Rust desugars it: `it` is moved into a hidden local `iter` (through
// `IntoIterator::into_iter` unless it already is an Iterator, where that is the identity), and
// each iteration calls `iter.next()` and matches `Some(pat)`, leaving the loop on `None`; `iter`
// is dropped when the loop ends. The checked calls are kept for codegen; the element type is
// the `Item` of `next`'s `Option<Item>`.
static Type *iterator_elem(Fcx *fx, Expr *e, Type *t) {
  note_move(fx, e->sub);
  if (!is_iterator(t)) {
    e->for_into = hidden_method_call(fx, "iter_source", t, "into_iter", e->sub->span, &e->for_src);
    t = ty_resolve(e->for_into->ty);
  }
  e->for_next = hidden_method_call(fx, "iter", t, "next", e->sub->span, &e->for_iter);
  Type *opt = ty_resolve(e->for_next->ty);
  if (opt->kind == TY_STRUCT && opt->sdecl == K->option && opt->nargs == 1) return opt->args[0];
  return ty_new_var(0);
}

// The element type a `for` loop binds, and how codegen iterates (recorded in e->builtin).
static Type *iter_elem(Fcx *fx, Expr *e, Type *t) {
  t = ty_resolve(t);
  if (t->kind == TY_RANGE) return t->inner;
  if (t->kind == TY_ITER) {
    Type *r = ty_ref(t->inner, t->mut);
    if (!(t->len & ITER_ENUMERATE)) return r;
    Type *pair[2] = {ty_usize, r};
    return ty_tuple(copy_types(pair, 2), 2);
  }
  if (t->kind == TY_VEC) {
    note_move(fx, e->sub);
    return t->inner;
  }
  if (t->kind == TY_ARRAY) {
    if (!type_implements(K, t->inner, K->copy_trait) && !ty_has_vars(t->inner))
      error_at(e->sub->span, NULL, "iterating over an array of `%s` by value is not supported by trc; iterate over `&array`", ty_name(t->inner));
    return t->inner;
  }
  if (t->kind == TY_REF) {
    Type *in = ty_resolve(t->inner);
    if (in->kind == TY_VEC || in->kind == TY_SLICE || in->kind == TY_ARRAY) return ty_ref(in->inner, t->mut);
  }
  if (is_iterator(t) || (K->into_iterator_trait && type_implements(K, t, K->into_iterator_trait))) return iterator_elem(fx, e, t);
  Diag *d = diag_error(e->sub->span, "E0277", "`%s` is not an iterator", ty_name(t));
  diag_label(d, "`%s` is not an iterator", ty_name(t));
  if (t->kind != TY_VAR) {
    diag_help(d, "the trait `Iterator` is not implemented for `%s`", ty_name(t));
    if (t->kind == TY_REF && !t->mut && is_iterator(ty_ref(t->inner, true)))
      diag_note(d, "`Iterator` is implemented for `%s`, but not for `%s`", ty_name(ty_ref(t->inner, true)), ty_name(t));
    diag_note(d, "required for `%s` to implement `IntoIterator`", ty_name(t));
  }
  diag_emit(d);
  return ty_new_var(0);
}

static Type *check_loop_like(Fcx *fx, Expr *e, Type *expected) {
  bool div_before = fx->diverges;
  LoopInfo *l = push_loop(fx, e);
  Type *result = ty_unit;
  if (e->kind == EX_WHILE) {
    check_coerce(fx, e->sub, ty_bool);
    check_block(fx, e->block, ty_unit);
  } else if (e->kind == EX_LOOP) {
    l->break_ty = expected ? expected : ty_new_var(0);
    check_block(fx, e->block, ty_unit);
    result = l->has_break ? l->break_ty : ty_never;
    if (l->has_break && ty_resolve(l->break_ty)->kind == TY_VAR && !ty_resolve(l->break_ty)->var_kind)
      unify(l->break_ty, ty_unit);
  } else {  // EX_FOR
    fx->loop = l->outer;  // the iterator expression is outside the loop
    Type *it = check_expr(fx, e->sub, NULL);
    fx->loop = l;
    Type *elem = iter_elem(fx, e, it);
    int mark = scope_mark(fx);
    bind_pattern(fx, e->pat, elem, false);
    check_block(fx, e->block, ty_unit);
    scope_pop(fx, mark);
  }
  fx->loop = l->outer;
  fx->diverges = div_before || (e->kind == EX_LOOP && !l->has_break);
  return result;
}

static LoopInfo *find_loop(Fcx *fx, Expr *e) {
  for (LoopInfo *l = fx->loop; l; l = l->outer)
    if (!e->label || l->label == e->label) return l;
  if (e->label) {
    Diag *d = diag_error(e->span, "E0426", "use of undeclared label `%s`", e->label);
    diag_label(d, "undeclared label `%s`", e->label);
    diag_emit(d);
  } else {
    const char *what = e->kind == EX_BREAK ? "break" : "continue";
    const char *where = e->kind == EX_BREAK ? "a loop or labeled block" : "a loop";
    Diag *d = diag_error(e->span, "E0268", "`%s` outside of %s", what, where);
    diag_label(d, "cannot `%s` outside of %s", what, where);
    diag_emit(d);
  }
  return NULL;
}

static Type *check_expr_inner(Fcx *fx, Expr *e, Type *expected) {
  switch (e->kind) {
  case EX_INT: {
    Type *t = prim_by_suffix(e->suffix);
    if (t) return t;
    Type *exp = expected ? ty_resolve(expected) : NULL;
    if (exp && (exp->kind == TY_INT || (exp->kind == TY_VAR && exp->var_kind == 1))) return exp;
    if (exp && exp->kind == TY_FLOAT) return ty_new_var(1);  // mismatch reported by the caller
    return ty_new_var(1);
  }
  case EX_FLOAT: {
    Type *t = prim_by_suffix(e->suffix);
    if (t) return t;
    Type *exp = expected ? ty_resolve(expected) : NULL;
    if (exp && exp->kind == TY_FLOAT) return exp;
    return ty_new_var(2);
  }
  case EX_BOOL: return ty_bool;
  case EX_CHAR: return ty_char;
  case EX_STR: return ty_ref(ty_str, false);
  case EX_PATH:
    if (!resolve_value_path(fx, e)) return ty_new_var(0);
    switch (e->res) {
    case RES_LOCAL: return e->local->ty;
    case RES_CONST: return e->self_ty;
    case RES_CONST_ITEM: return e->fn->ret_type;
    case RES_UNIT_STRUCT: return e->self_ty;
    case RES_FN: {  // a function used as a value: a function pointer
      if (e->fn->self_kind != SELF_NONE) {
        error_at(e->span, NULL, "methods as values are not supported by trc yet");
        return ty_new_var(0);
      }
      Sig sig = sig_of(e->fn, e->fn_targs, e->fn_ntargs);
      return ty_fn(sig.params, sig.nparams, sig.ret);
    }
    default:
      error_at(e->span, NULL, "this kind of function as a value is not supported yet");
      return ty_new_var(0);
    }
  case EX_UNARY: return check_unary(fx, e, expected);
  case EX_BINARY: return check_binary(fx, e, expected);
  case EX_ASSIGN: {
    Type *lt = check_expr(fx, e->lhs, NULL);
    check_coerce(fx, e->rhs, lt);
    note_move(fx, e->rhs);
    check_assignable(fx, e->lhs);
    return ty_unit;
  }
  case EX_COMPOUND: {
    Type *lt = ty_resolve(check_expr(fx, e->lhs, NULL));
    Type *rt = check_expr(fx, e->rhs, e->op == TK_SHL || e->op == TK_SHR ? NULL : lt);
    if (ty_resolve(rt)->kind == TY_REF && lt->kind != TY_STRING) rt = ty_resolve(rt)->inner;  // `x += &y`, as std's impls allow
    if (e->op == TK_PLUS && lt->kind == TY_STRING) {
      if (!coerce(fx, e->rhs, rt, ty_ref(ty_str, false))) mismatch(e->rhs, ty_ref(ty_str, false), rt);
      e->builtin = BI_STRING_PUSH_STR;
    } else if (!(ty_is_numeric(lt) || (lt->kind == TY_BOOL && (e->op == TK_AMP || e->op == TK_PIPE || e->op == TK_CARET))) ||
               (e->op != TK_SHL && e->op != TK_SHR && !unify(lt, rt))) {
      Diag *d = diag_error(e->span, "E0368", "binary assignment operation `%s=` cannot be applied to type `%s`", op_text(e->op), ty_name(lt));
      diag_label(d, "cannot use `%s=` on type `%s`", op_text(e->op), ty_name(lt));
      diag_emit(d);
    }
    Local *l = place_root_local(e->lhs);
    bool saved = l ? l->assigned : false;
    if (l) l->assigned = true;  // compound assignment needs an initialized, mutable place
    check_assignable(fx, e->lhs);
    if (l) l->assigned = saved || true;
    return ty_unit;
  }
  case EX_CAST: return check_cast(fx, e);
  case EX_CALL: return check_call(fx, e, expected);
  case EX_METHOD: return check_method(fx, e);
  case EX_FIELD: return check_field(fx, e);
  case EX_INDEX: {
    Type *bt = ty_resolve(check_expr(fx, e->lhs, NULL));
    int derefs = 0;
    while (bt->kind == TY_REF || bt->kind == TY_BOX) {
      bt = ty_resolve(bt->inner);
      derefs++;
    }
    e->autoderefs = derefs;
    if (e->rhs->kind == EX_RANGE && (bt->kind == TY_VEC || bt->kind == TY_SLICE || bt->kind == TY_ARRAY)) {
      // v[a..b], v[a..], v[..b], v[..], v[a..=b]: a slice (unsized; used behind & or &mut)
      Expr *r = e->rhs;
      vec_push(&fx->exprs, r);
      if (r->lhs) check_coerce(fx, r->lhs, ty_usize);
      if (r->rhs) check_coerce(fx, r->rhs, ty_usize);
      r->ty = ty_range(ty_usize, r->inclusive);
      return ty_slice(bt->inner);
    }
    Type *it = check_expr(fx, e->rhs, ty_usize);
    if (bt->kind != TY_VEC && bt->kind != TY_SLICE && bt->kind != TY_ARRAY) {
      Diag *d = diag_error(e->span, "E0608", "cannot index into a value of type `%s`", ty_name(e->lhs->ty));
      diag_emit(d);
      return ty_new_var(0);
    }
    if (!unify(it, ty_usize)) {
      Diag *d = diag_error(e->rhs->span, "E0277", "the type `[%s]` cannot be indexed by `%s`", ty_name(bt->inner), ty_name(it));
      diag_label(d, "slice indices are of type `usize` or ranges of `usize`");
      diag_emit(d);
    }
    return bt->inner;
  }
  case EX_STRUCT: return check_struct_lit(fx, e);
  case EX_TUPLE: {
    if (e->nargs == 0) return ty_unit;
    Type *exp = expected ? ty_resolve(expected) : NULL;
    Type **el = arena_alloc(sizeof(Type *) * e->nargs);
    for (int i = 0; i < e->nargs; i++) {
      Type *h = exp && exp->kind == TY_TUPLE && exp->nargs == e->nargs ? exp->args[i] : NULL;
      if (h) check_coerce(fx, e->args[i], h);
      el[i] = h ? h : check_expr(fx, e->args[i], NULL);
      note_move(fx, e->args[i]);
    }
    return ty_tuple(el, e->nargs);
  }
  case EX_ARRAY: {
    Type *exp = expected ? ty_resolve(expected) : NULL;
    Type *elem = exp && exp->kind == TY_ARRAY ? exp->inner : ty_new_var(0);
    if (e->repeat) {
      check_coerce(fx, e->args[0], elem);
      if (e->args[1]->kind != EX_INT) {
        error_at(e->args[1]->span, NULL, "array lengths must be integer literals");
        return ty_new_var(0);
      }
      check_expr(fx, e->args[1], ty_usize);
      vec_push(&fx->moves, e);
      return ty_array(elem, e->args[1]->int_val);
    }
    for (int i = 0; i < e->nargs; i++) {
      check_coerce(fx, e->args[i], elem);
      note_move(fx, e->args[i]);
    }
    return ty_array(elem, e->nargs);
  }
  case EX_BLOCK: return check_block(fx, e->block, expected);
  case EX_IF: return check_if(fx, e, expected);
  case EX_WHILE:
  case EX_LOOP:
  case EX_FOR: return check_loop_like(fx, e, expected);
  case EX_BREAK: {
    LoopInfo *l = find_loop(fx, e);
    e->loop = l;
    if (l) l->has_break = true;
    if (e->sub) {
      if (l && l->loop_expr->kind != EX_LOOP) {
        Diag *d = diag_error(e->span, "E0571", "`break` with value from a `%s` loop", l->loop_expr->kind == EX_WHILE ? "while" : "for");
        diag_label(d, "can only break with a value inside `loop` or breakable block");
        diag_emit(d);
        check_expr(fx, e->sub, NULL);
      } else if (l) {
        check_coerce(fx, e->sub, l->break_ty);
        note_move(fx, e->sub);
      } else {
        check_expr(fx, e->sub, NULL);
      }
    } else if (l && l->break_ty && !unify(l->break_ty, ty_unit)) {
      mismatch(e, l->break_ty, ty_unit);
    }
    fx->diverges = true;
    return ty_never;
  }
  case EX_CONTINUE:
    e->loop = find_loop(fx, e);
    fx->diverges = true;
    return ty_never;
  case EX_RETURN:
    if (e->sub) {
      check_coerce(fx, e->sub, fx->ret);
      note_move(fx, e->sub);
    } else if (!unify(fx->ret, ty_unit)) {
      Diag *d = diag_error(e->span, "E0069", "`return;` in a function whose return type is not `()`");
      diag_label(d, "return type is not `()`");
      diag_emit(d);
    }
    fx->diverges = true;
    return ty_never;
  case EX_RANGE: {
    if (!e->lhs || !e->rhs) {
      error_at(e->span, NULL, "only bounded ranges `a..b` and `a..=b` are supported");
      return ty_new_var(0);
    }
    Type *exp = expected ? ty_resolve(expected) : NULL;
    Type *a = check_expr(fx, e->lhs, exp && exp->kind == TY_RANGE ? exp->inner : NULL);
    Type *b = check_expr(fx, e->rhs, a);
    if (!unify(a, b)) mismatch(e->rhs, a, b);
    if (!ty_is_int(a) && ty_resolve(a)->kind != TY_CHAR && ty_resolve(a)->kind != TY_VAR)
      error_at(e->span, "E0277", "the trait bound `%s: Step` is not satisfied", ty_name(a));
    return ty_range(a, e->inclusive);
  }
  case EX_MACRO: {
    Type *t = check_macro(fx, e, expected);
    if (ty_resolve(t)->kind == TY_NEVER) fx->diverges = true;
    return t;
  }
  case EX_MATCH: return check_match(fx, e, expected);
  case EX_IF_LET:
  case EX_WHILE_LET:
    ice(e->span, "`if let` and `while let` are desugared to `match` by the parser");
  case EX_CLOSURE: return check_closure(fx, e, expected);
  case EX_TRY:
    error_at(e->span, NULL, "the `?` operator is not supported yet");
    return ty_new_var(0);
  }
  return ty_new_var(0);
}

static int depth;

static Type *check_expr(Fcx *fx, Expr *e, Type *expected) {
  if (++depth > 2000) {  // the parser already bounds nesting; this guards the checker's own stack
    depth--;
    error_at(e->span, NULL, "expression nests too deeply");
    e->ty = ty_new_var(0);
    return e->ty;
  }
  vec_push(&fx->exprs, e);
  Type *t = check_expr_inner(fx, e, expected);
  if (ty_has_assoc(t)) t = ty_normalize(t, cur_env);
  if (!e->coerce) e->ty = t;
  depth--;
  return t;
}

// The names init_names interned died with the arena: intern them again next time.
void check_expr_reset(void) {
  s_self = NULL;
  depth = 0;
}

// ---------------------------------------------------------------------------------------------
// Patterns, statements, blocks

// Binding modes (RFC 2005, "match ergonomics"): a non-reference pattern matched against a
// reference peels the reference off, and the bindings inside then borrow instead of moving.
typedef enum { BM_MOVE, BM_REF, BM_REF_MUT } BindMode;

static void check_pat(Fcx *fx, Pattern *p, Type *t, BindMode mode, bool is_param);

static void pat_mismatch(Pattern *p, Type *expected, const char *found) {
  Diag *d = diag_error(p->span, "E0308", "mismatched types");
  diag_label(d, "expected `%s`, found %s", ty_name(expected), found);
  diag_emit(d);
}

// Peels references for a non-reference pattern, adjusting the binding mode.
static Type *peel_refs(Pattern *p, Type *t, BindMode *mode) {
  t = ty_resolve(t);
  while (t->kind == TY_REF) {
    p->derefs++;
    *mode = t->mut && *mode != BM_REF ? BM_REF_MUT : BM_REF;
    t = ty_resolve(t->inner);
  }
  return t;
}

static void check_bind(Fcx *fx, Pattern *p, Type *t, BindMode mode, bool is_param) {
  // `mut x` resets the binding mode to moving (Rust 2021); `ref x` always borrows.
  if (p->mut && !p->by_ref) mode = BM_MOVE;
  if (p->by_ref) mode = p->mut ? BM_REF_MUT : BM_REF;
  p->bind_ref = mode != BM_MOVE;
  p->bind_mut = mode == BM_REF_MUT;
  p->ty = t;
  Type *bt = mode == BM_MOVE ? t : ty_ref(t, mode == BM_REF_MUT);
  if (fx->or_binds) {  // a later alternative of an or-pattern binds the first one's locals
    for (int i = 0; i < fx->or_binds->len; i++) {
      Local *l = VEC_AT(*fx->or_binds, i);
      if (l->name != p->name) continue;
      if (!unify(l->ty, bt)) pat_mismatch(p, l->ty, arena_printf("`%s`", ty_name(bt)));
      p->local = l;
      vec_push(&fx->or_seen, l);
      goto sub;
    }
    Diag *d = diag_error(p->span, "E0408", "variable `%s` is not bound in all patterns", p->name);
    diag_label(d, "variable not in all patterns");
    diag_emit(d);
    return;
  }
  // Parameters were checked with the signature; `let &s = "str";` binds a `str` by value.
  if (!is_param) require_sized(bt, p->span, "all local variables");
  p->local = new_local(fx, p->name, bt, p->mut && !p->by_ref, p->span, is_param ? LOCAL_PARAM : LOCAL_VAR);
  vec_push(&fx->pat_locals, p->local);
sub:
  if (p->sub) check_pat(fx, p->sub, t, BM_MOVE, is_param);
}

// The type and fields for a constructor pattern: the ADT named by the path, unified with t.
static bool check_ctor_pat(Fcx *fx, Pattern *p, Type *t) {
  StructDecl *s;
  int v;
  Type *adt;
  if (!resolve_ctor_path(fx, &p->path, &s, &v, &adt)) {
    const char *name = diag_span_text(p->path.span);
    Diag *d = diag_error(p->path.span, p->kind == PAT_STRUCT ? "E0422" : "E0531",
                         p->kind == PAT_STRUCT ? "cannot find struct, variant or union type `%s` in this scope"
                                               : "cannot find tuple struct or tuple variant `%s` in this scope", name);
    diag_label(d, "not found in this scope");
    diag_emit(d);
    return false;
  }
  if (!unify(adt, t)) {
    pat_mismatch(p, t, arena_printf("`%s`", ty_name(adt)));
    return false;
  }
  p->sdecl = s;
  p->variant = v;
  StructKind want = p->kind == PAT_PATH ? STRUCT_UNIT : p->kind == PAT_TUPLE_STRUCT ? STRUCT_TUPLE : STRUCT_NAMED;
  StructKind have = ctor_kind(s, v);
  if (want != have && !(p->kind == PAT_STRUCT)) {
    const char *what = have == STRUCT_UNIT ? "unit" : have == STRUCT_TUPLE ? "tuple" : "struct";
    Diag *d = diag_error(p->span, p->kind == PAT_PATH ? "E0533" : "E0532", "expected %s, found %s %s `%s`",
                         p->kind == PAT_PATH ? "unit struct, unit variant or constant" : "tuple struct or tuple variant", what,
                         s->is_enum ? "variant" : "struct", diag_span_text(p->path.span));
    diag_emit(d);
    return false;
  }
  return true;
}

// Tuple-like element lists with an optional `..`: elems[i] matches field field_map[i].
static void map_tuple_elems(Fcx *fx, Pattern *p, int nfields) {
  p->field_map = arena_alloc(sizeof(int) * (p->nelems + 1));
  int rest = -1;
  for (int i = 0; i < p->nelems; i++)
    if (p->elems[i]->kind == PAT_REST) {
      if (rest >= 0) error_at(p->elems[i]->span, NULL, "`..` can only be used once per tuple pattern");
      rest = i;
    }
  int after = rest < 0 ? 0 : p->nelems - rest - 1;
  int before = rest < 0 ? p->nelems : rest;
  if ((rest < 0 && p->nelems != nfields) || (rest >= 0 && before + after > nfields)) {
    Diag *d = diag_error(p->nelems ? p->elems[0]->span : p->span, "E0023", "this pattern has %d field%s, but the corresponding tuple %s %d field%s", p->nelems,
                         p->nelems == 1 ? "" : "s", p->kind == PAT_TUPLE ? "has" : "variant has", nfields, nfields == 1 ? "" : "s");
    diag_label(d, "expected %d field%s, found %d", nfields, nfields == 1 ? "" : "s", p->nelems);
    diag_emit(d);
    for (int i = 0; i < p->nelems; i++) {
      p->field_map[i] = -2;
      if (p->elems[i]->kind != PAT_REST) check_pat(fx, p->elems[i], ty_new_var(0), BM_MOVE, false);  // still bind its names
    }
    return;
  }
  for (int i = 0; i < p->nelems; i++)
    p->field_map[i] = i < before ? i : i == rest ? -1 : nfields - (p->nelems - i);
}

static void check_pat(Fcx *fx, Pattern *p, Type *t, BindMode mode, bool is_param);

// `LIMIT` in a pattern: the literal of the const's value (of the const's type), checked as one.
static void const_pattern(Fcx *fx, Pattern *p, ConstDecl *cd, Type *t, BindMode mode, bool is_param) {
  int64_t v;
  if (!const_value(cd, 0, &v)) {
    error_at(p->span, NULL, "trc supports only integer, char and bool constants in patterns");
    return;
  }
  Type *ct = cd->fn->ret_type;
  Expr *lit = arena_alloc(sizeof *lit);
  lit->kind = ty_resolve(ct)->kind == TY_CHAR ? EX_CHAR : ty_resolve(ct)->kind == TY_BOOL ? EX_BOOL : EX_INT;
  lit->span = p->span;
  lit->int_val = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  if (lit->kind == EX_INT) lit->suffix = intern_cstr(ty_name(ct));  // typed as the const is
  if (v < 0) {  // as written: `-15`, a negated literal
    Expr *neg = arena_alloc(sizeof *neg);
    *neg = (Expr){.kind = EX_UNARY, .op = TK_MINUS, .sub = lit, .span = p->span};
    lit = neg;
  }
  p->kind = PAT_LIT;
  p->lit = lit;
  check_pat(fx, p, t, mode, is_param);
  fx->pats.len--;  // pushed twice
}

static void check_pat(Fcx *fx, Pattern *p, Type *t, BindMode mode, bool is_param) {
  vec_push(&fx->pats, p);
  switch (p->kind) {
  case PAT_WILD: p->ty = t; return;
  case PAT_REST:
    p->ty = t;
    error_at(p->span, NULL, "`..` patterns are not allowed here");
    return;
  case PAT_BIND: {
    // A bare name that names a unit variant or unit struct (`None`, `Empty`) is a path pattern.
    StructDecl *s;
    if (!p->sub && !p->by_ref && !p->mut &&
        (lookup_variant_alias(p->name, &s) >= 0 || ((s = lookup_struct(p->name)) && !s->is_enum && s->kind == STRUCT_UNIT))) {
      p->kind = PAT_PATH;
      p->path.nsegs = 1;
      p->path.segs = arena_alloc(sizeof(PathSeg));
      p->path.segs[0] = (PathSeg){.name = p->name, .span = p->span};
      p->path.span = p->span;
      check_pat(fx, p, t, mode, is_param);
      fx->pats.len--;  // pushed twice
      return;
    }
    // A bare name that names a const is a constant pattern, compared like a literal.
    ConstDecl *cd;
    if (!p->sub && !p->by_ref && !p->mut && (cd = lookup_const(p->name))) {
      const_pattern(fx, p, cd, t, mode, is_param);
      return;
    }
    check_bind(fx, p, ty_resolve(t), mode, is_param);
    return;
  }
  case PAT_REF: {
    Type *rt = ty_resolve(t);
    if (rt->kind == TY_VAR) {
      unify(rt, ty_ref(ty_new_var(0), p->mut));
      rt = ty_resolve(rt);
    }
    p->ty = rt;
    if (rt->kind != TY_REF || rt->mut != p->mut) {
      pat_mismatch(p, t, arena_printf("`&%s_`", p->mut ? "mut " : ""));
      return;
    }
    if (ty_resolve(rt->inner)->kind == TY_DYN) {
      // A trait object has no size to copy or move out of the reference.
      Diag *d = diag_error(p->span, "E0033", "type `%s` cannot be dereferenced", ty_name(rt));
      diag_label(d, "type `%s` cannot be dereferenced", ty_name(rt));
      diag_emit(d);
      check_pat(fx, p->sub, rt, BM_MOVE, is_param);  // recovery: bind the reference itself
      return;
    }
    check_pat(fx, p->sub, rt->inner, BM_MOVE, is_param);
    return;
  }
  case PAT_TUPLE: {
    Type *rt = peel_refs(p, t, &mode);
    if (rt->kind == TY_VAR) {
      bool has_rest = false;
      for (int i = 0; i < p->nelems; i++) has_rest |= p->elems[i]->kind == PAT_REST;
      if (!has_rest) {
        Type **el = arena_alloc(sizeof(Type *) * (p->nelems + 1));
        for (int i = 0; i < p->nelems; i++) el[i] = ty_new_var(0);
        unify(rt, p->nelems ? ty_tuple(el, p->nelems) : ty_unit);
        rt = ty_resolve(rt);
      }
    }
    p->ty = rt;
    if (rt->kind != TY_TUPLE && !(rt->kind == TY_UNIT && p->nelems == 0)) {
      pat_mismatch(p, rt, arena_printf("a tuple with %d elements", p->nelems));
      return;
    }
    map_tuple_elems(fx, p, rt->kind == TY_UNIT ? 0 : rt->nargs);
    for (int i = 0; i < p->nelems; i++)
      if (p->field_map[i] >= 0) check_pat(fx, p->elems[i], rt->args[p->field_map[i]], mode, is_param);
    return;
  }
  case PAT_PATH:
  case PAT_TUPLE_STRUCT:
  case PAT_STRUCT: {
    Type *rt = peel_refs(p, t, &mode);
    p->ty = rt;
    if (!check_ctor_pat(fx, p, rt)) return;
    rt = ty_resolve(rt);
    p->ty = rt;
    int nf = ctor_nfields(p->sdecl, p->variant);
    FieldDecl *fields = ctor_fields(p->sdecl, p->variant);
    if (p->kind == PAT_TUPLE_STRUCT) map_tuple_elems(fx, p, nf);
    if (p->kind == PAT_STRUCT) {
      p->field_map = arena_alloc(sizeof(int) * (p->nelems + 1));
      bool *seen = arena_alloc(nf + 1);
      for (int i = 0; i < p->nelems; i++) {
        int fi = -2;
        for (int f = 0; f < nf; f++)
          if (fields[f].name == p->field_names[i] || (!fields[f].name && !strcmp(p->field_names[i], arena_printf("%d", f)))) fi = f;
        if (fi < 0) {
          const char *what = ctor_name(p->sdecl, p->variant);
          Diag *d = diag_error(p->elems[i]->span, "E0026", "%s `%s` does not have a field named `%s`", p->sdecl->is_enum ? "variant" : "struct",
                               what, p->field_names[i]);
          diag_label(d, "%s `%s` does not have this field", p->sdecl->is_enum ? "variant" : "struct", what);
          diag_emit(d);
        } else {
          seen[fi] = true;
        }
        p->field_map[i] = fi;
      }
      const char *missing = NULL;
      bool unknown = false;
      for (int i = 0; i < p->nelems; i++) unknown |= p->field_map[i] < 0;
      for (int f = 0; f < nf && !p->has_rest && !unknown; f++)
        if (!seen[f]) missing = missing ? arena_printf("%s, `%s`", missing, fields[f].name) : arena_printf("`%s`", fields[f].name);
      if (missing) {
        Diag *d = diag_error(p->span, "E0027", "pattern does not mention field%s %s", strchr(missing, ',') ? "s" : "", missing);
        diag_label(d, "missing field%s %s", strchr(missing, ',') ? "s" : "", missing);
        diag_emit(d);
      }
    }
    for (int i = 0; i < p->nelems; i++)
      if (p->field_map[i] >= 0) check_pat(fx, p->elems[i], ty_subst(fields[p->field_map[i]].type, rt->args, rt->nargs), mode, is_param);
    return;
  }
  case PAT_LIT:
  case PAT_RANGE: {
    // A string literal pattern has type &str: it matches a `&str`, peeling any further references.
    bool is_str = p->lit->kind == EX_STR;
    Type *rt = ty_resolve(t);
    if (is_str) {
      while (rt->kind == TY_REF && ty_resolve(rt->inner)->kind == TY_REF) {
        p->derefs++;
        rt = ty_resolve(rt->inner);
      }
    } else {
      rt = peel_refs(p, t, &mode);
    }
    p->ty = rt;
    Type *lt = check_expr(fx, p->lit, rt);
    if (p->hi) unify(lt, check_expr(fx, p->hi, rt));
    if (!unify(lt, rt)) {
      pat_mismatch(p, rt, expected_name(lt));
      return;
    }
    Type *z = ty_resolve(rt);
    if (p->kind == PAT_RANGE && !ty_is_int(z) && z->kind != TY_CHAR && z->kind != TY_VAR)
      error_at(p->span, "E0029", "only `char` and numeric types are allowed in range patterns");
    if (z->kind == TY_FLOAT) error_at(p->span, NULL, "floating-point literal patterns are not supported by trc");
    return;
  }
  case PAT_OR: {
    LocalVec *saved = fx->or_binds;
    LocalVec saved_seen = fx->or_seen;
    int first_local = fx->pat_locals.len;
    check_pat(fx, p->elems[0], t, mode, is_param);
    LocalVec mine = {0};
    for (int i = first_local; i < fx->pat_locals.len; i++) vec_push(&mine, VEC_AT(fx->pat_locals, i));
    p->ty = p->elems[0]->ty;
    for (int a = 1; a < p->nelems; a++) {
      fx->or_binds = &mine;
      fx->or_seen = (LocalVec){0};
      check_pat(fx, p->elems[a], t, mode, is_param);
      for (int i = 0; i < mine.len; i++) {
        bool found = false;
        for (int j = 0; j < fx->or_seen.len; j++) found |= VEC_AT(fx->or_seen, j) == VEC_AT(mine, i);
        if (!found) {
          Local *l = VEC_AT(mine, i);
          Diag *d = diag_error(p->elems[a]->span, "E0408", "variable `%s` is not bound in all patterns", l->name);
          diag_label(d, "pattern doesn't bind `%s`", l->name);
          diag_secondary(d, l->span, "variable not in all patterns");
          diag_emit(d);
        }
      }
    }
    fx->or_binds = saved;
    fx->or_seen = saved_seen;
    return;
  }
  }
}

// The patterns of `let`, function parameters and `for` must be irrefutable (E0005), checked
// when the body's types are known.
static void bind_pattern(Fcx *fx, Pattern *p, Type *t, bool is_param) {
  check_pat(fx, p, t, BM_MOVE, is_param);
  vec_push(&fx->irrefutable, p);
}

// Whether matching this pattern moves a value out of the scrutinee: a by-value binding of a
// type that is not Copy.
static bool pat_moves(Pattern *p) {
  if (!p) return false;
  if (p->kind == PAT_BIND && !p->bind_ref && p->local && !type_implements(K, p->local->ty, K->copy_trait)) return true;
  if (p->kind == PAT_REF) return pat_moves(p->sub);
  if (p->kind == PAT_BIND) return pat_moves(p->sub);
  for (int i = 0; i < p->nelems; i++)
    if (pat_moves(p->elems[i])) return true;
  return false;
}

static void report_refutable(Pattern *p, const char **ws, int n) {
  Diag *d = diag_error(p->span, "E0005", "refutable pattern in local binding");
  diag_label(d, "pattern%s %s not covered", n == 1 ? "" : "s", witness_list(ws, n));
  diag_note(d, "`let` bindings require an \"irrefutable pattern\", like a `struct` or an `enum` with only one variant");
  diag_note(d, "the matched value is of type `%s`", ty_name(p->ty ? p->ty : ty_unit));
  diag_emit(d);
}

// After inference: every match covers its scrutinee's type (E0004), every `let` pattern is
// irrefutable (E0005), and a match whose arms move out of the scrutinee moves it.
static void check_exhaustive(Fcx *fx) {
  const char *ws[8];
  for (int i = 0; i < fx->matches.len; i++) {
    Expr *e = VEC_AT(fx->matches, i);
    Pattern **rows = arena_alloc(sizeof(Pattern *) * (e->narms + 1));
    int n = 0;
    bool moves = false;
    for (int a = 0; a < e->narms; a++) {
      if (!e->arms[a].guard) rows[n++] = e->arms[a].pat;  // a guarded arm may not match
      moves |= pat_moves(e->arms[a].pat);
    }
    if (moves) note_move(fx, e->sub);
    Type *t = e->sub->ty;
    int missing = match_witnesses(rows, n, t, ws, 8);
    if (!missing) continue;
    Diag *d = diag_error(e->sub->span, "E0004", "non-exhaustive patterns: %s not covered", witness_list(ws, missing));
    diag_label(d, "pattern%s %s not covered", missing == 1 ? "" : "s", witness_list(ws, missing));
    diag_note(d, "the matched value is of type `%s`", ty_name(t));
    diag_help(d, "ensure that all possible cases are being handled by adding a match arm with a wildcard pattern%s",
              missing == 1 ? " or an explicit pattern as shown" : ", a match arm with multiple or-patterns as shown, or multiple match arms");
    diag_emit(d);
  }
  for (int i = 0; i < fx->irrefutable.len; i++) {
    Pattern *p = VEC_AT(fx->irrefutable, i);
    Type *t = p->ty;
    for (int k = 0; k < p->derefs; k++) t = ty_ref(t, false);  // only the shape matters here
    int missing = match_witnesses(&p, 1, t, ws, 8);
    if (missing) report_refutable(p, ws, missing);
  }
}

// The parameters and result of something callable.
static bool callable_sig(Fcx *fx, Type *t, Sig *out) {
  t = ty_resolve(t);
  *out = (Sig){0};
  switch (t->kind) {
  case TY_FN:
    out->params = t->args;
    out->nparams = t->nargs;
    out->ret = t->ret;
    return true;
  case TY_CLOSURE: {
    FnDecl *f = t->closure;
    out->nparams = f->nparams;
    out->params = arena_alloc(sizeof(Type *) * (f->nparams + 1));
    for (int i = 0; i < f->nparams; i++) out->params[i] = ty_subst(f->param_types[i], t->args, t->nargs);
    out->ret = ty_subst(f->ret_type, t->args, t->nargs);
    return true;
  }
  case TY_REF: case TY_BOX: return callable_sig(fx, t->inner, out);
  case TY_PARAM: case TY_DYN: {
    TraitRef *r = NULL;
    if (t->kind == TY_DYN) r = t->principal && is_fn_trait(t->principal->trait) ? t->principal : NULL;
    for (int b = 0; t->kind == TY_PARAM && !r && t->index < fx->env->n && b < fx->env->nbounds[t->index]; b++)
      if (is_fn_trait(fx->env->bounds[t->index][b]->trait)) r = fx->env->bounds[t->index][b];
    if (!r) return false;
    Type *args = ty_resolve(r->args[0]);
    out->nparams = args->kind == TY_TUPLE ? args->nargs : 0;
    out->params = args->kind == TY_TUPLE ? args->args : NULL;
    out->ret = r->nassoc ? r->assoc_types[0] : ty_unit;
    return true;
  }
  default: return false;
  }
}

// A closure is checked in its enclosing function's scope (it sees the variables there) but as
// a function of its own: its parameters and `let`s are its locals, `return` leaves it, and the
// enclosing variables it uses become its captures.
static Type *check_closure(Fcx *fx, Expr *e, Type *expected) {
  FnDecl *cf = arena_alloc(sizeof *cf);
  int k = 0;  // closures are named after their function and position: `main::{closure#1}`
  for (int i = 0; i < fx->closures.len; i++) k += VEC_AT(fx->closures, i)->parent == fx->fn;
  cf->name = intern_cstr(arena_printf("%s::{closure#%d}", fx->fn->name, k));
  cf->span = e->span;
  cf->sig_span = e->span;
  cf->is_closure = true;
  cf->parent = fx->fn;
  cf->closure_expr = e;
  cf->env = fx->fn->env;
  cf->impl = fx->fn->impl;
  cf->trait = fx->fn->trait;
  cf->checked = true;
  e->fn = cf;
  // Parameter and result types: as annotated, else from the Fn bound or `dyn Fn` expected here.
  TraitRef *hint = fx->closure_hint;
  fx->closure_hint = NULL;
  Type *exp = expected ? ty_resolve(expected) : NULL;
  if (!hint && exp && exp->kind == TY_DYN && exp->principal && is_fn_trait(exp->principal->trait)) hint = exp->principal;
  Type *hargs = hint ? ty_resolve(hint->args[0]) : NULL;
  int nhint = hargs && hargs->kind == TY_TUPLE ? hargs->nargs : 0;
  cf->nparams = e->ncparams;
  cf->params = arena_alloc(sizeof(Param) * (e->ncparams + 1));
  cf->param_types = arena_alloc(sizeof(Type *) * (e->ncparams + 1));
  for (int i = 0; i < e->ncparams; i++) {
    Type *t = e->cparam_types[i] ? resolve_type_ex(e->cparam_types[i], fx->env, fx->self_ty, true)
              : hint && i < nhint && e->ncparams == nhint ? hargs->args[i] : ty_new_var(0);
    cf->param_types[i] = t;
    cf->params[i] = (Param){.pat = e->cparams[i], .ty = e->cparam_types[i], .span = e->cparams[i]->span};
  }
  Type *ret = e->cret ? resolve_type_ex(e->cret, fx->env, fx->self_ty, true)
              : hint && hint->nassoc ? hint->assoc_types[0] : ty_new_var(0);
  cf->ret_type = ret;
  // The body, in the closure's own frame.
  FnDecl *saved_fn = fx->fn;
  Type *saved_ret = fx->ret;
  LoopInfo *saved_loop = fx->loop;
  bool saved_div = fx->diverges;
  fx->fn = cf;
  fx->ret = ret;
  fx->loop = NULL;
  int mark = scope_mark(fx);
  for (int i = 0; i < e->ncparams; i++) {
    bind_pattern(fx, e->cparams[i], cf->param_types[i], true);
    cf->params[i].local = e->cparams[i]->local;
    if (cf->params[i].local) cf->params[i].local->assigned = true;
  }
  cf->body = arena_alloc(sizeof(Block));
  cf->body->tail = e->cbody;
  cf->body->span = e->cbody->span;
  check_coerce(fx, e->cbody, ret);
  note_move(fx, e->cbody);
  scope_pop(fx, mark);
  fx->fn = saved_fn;
  fx->ret = saved_ret;
  fx->loop = saved_loop;
  fx->diverges = saved_div;
  // The closure's type is parameterized like the function it is in.
  GenericEnv *env = fx->fn->env;
  Type **args = arena_alloc(sizeof(Type *) * (env->n + 1));
  for (int i = 0; i < env->n; i++) args[i] = env->params[i];
  vec_push(&fx->closures, cf);
  vec_push(&K->closures, cf);
  return ty_closure(cf, args, env->n);
}

static Type *check_match(Fcx *fx, Expr *e, Type *expected) {
  Type *st = check_expr(fx, e->sub, NULL);
  bool div_before = fx->diverges;
  bool all_diverge = e->narms > 0;
  Type *result = NULL;
  for (int i = 0; i < e->narms; i++) {
    MatchArm *arm = &e->arms[i];
    int mark = scope_mark(fx);
    check_pat(fx, arm->pat, st, BM_MOVE, false);
    if (arm->guard) check_coerce(fx, arm->guard, ty_bool);
    fx->diverges = false;
    Type *t = check_expr(fx, arm->body, result ? result : expected);
    bool div = fx->diverges || ty_resolve(t)->kind == TY_NEVER;
    // Arms coerce to a known expected type: `Box::new(A)` and `Box::new(B)` as Box<dyn Tr>.
    if (!div && expected && !ty_has_vars(expected) && ty_resolve(t) != ty_resolve(expected) && coerce(fx, arm->body, t, expected))
      t = expected;
    all_diverge &= div;
    if (!result) {
      result = t;
    } else if (ty_resolve(result)->kind == TY_NEVER) {
      result = t;
    } else if (ty_resolve(t)->kind != TY_NEVER && !unify(result, t) && !coerce(fx, arm->body, t, result)) {
      Diag *d = diag_error(value_expr(arm->body)->span, "E0308", "`match` arms have incompatible types");
      diag_label(d, "expected %s, found %s", expected_name(result), expected_name(t));
      diag_emit(d);
    }
    note_move(fx, arm->body);
    scope_pop(fx, mark);
  }
  vec_push(&fx->matches, e);
  fx->diverges = div_before || all_diverge;
  if (!result || all_diverge) return ty_never;
  // Arms coerce to the expected type: `Box::new(A)` and `Box::new(B)` as Box<dyn Tr>.
  if (expected && !ty_has_vars(expected))
    for (int i = 0; i < e->narms; i++) coerce(fx, e->arms[i].body, e->arms[i].body->ty, expected);
  return result;
}

static void check_let(Fcx *fx, Stmt *s) {
  Type *t = s->ty ? resolve_type_ex(s->ty, fx->env, fx->self_ty, true) : NULL;
  if (s->init) {
    if (t) {
      check_coerce(fx, s->init, t);
    } else {
      t = check_expr(fx, s->init, NULL);
    }
    note_move(fx, s->init);
  }
  if (!t) t = ty_new_var(0);
  if (s->else_block) error_at(s->span, NULL, "let-else is not supported yet");
  if (s->pat->kind == PAT_WILD) require_sized(t, s->pat->span, "all local variables");  // binds: check_bind
  bind_pattern(fx, s->pat, t, false);
  if (s->init && s->pat->local) s->pat->local->assigned = true;
  // `let x;` may be assigned once on each path; without flow analysis trc accepts any number.
  if (!s->init && s->pat->local) s->pat->local->late_init = true;
}

static Type *check_block(Fcx *fx, Block *b, Type *expected) {
  int mark = scope_mark(fx);
  bool div_before = fx->diverges;
  fx->diverges = false;
  for (int i = 0; i < b->nstmts; i++) {
    Stmt *s = b->stmts[i];
    switch (s->kind) {
    case ST_LET: check_let(fx, s); break;
    case ST_EXPR: {
      // A block-like expression statement without `;` must be `()` (or diverge).
      Type *t = check_expr(fx, s->init, ty_unit);
      if (!unify(t, ty_unit) && ty_resolve(t)->kind != TY_NEVER) mismatch(s->init, ty_unit, t);
      break;
    }
    case ST_SEMI: check_expr(fx, s->init, NULL); break;
    case ST_ITEM: case ST_EMPTY: break;
    }
  }
  Type *t;
  if (b->tail) {
    t = check_expr(fx, b->tail, expected);
    // The tail is a coercion site: `if c { Box::new(A) } else { Box::new(B) }` as Box<dyn Tr>.
    if (expected && !ty_has_vars(expected) && coerce(fx, b->tail, t, expected)) t = expected;
    note_move(fx, b->tail);
  } else {
    t = fx->diverges ? ty_never : ty_unit;
  }
  fx->diverges = div_before || fx->diverges;
  scope_pop(fx, mark);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Finishing a body: zonking, obligations, move checks, literal ranges

static bool int_fits(uint64_t v, Type *t) {
  if (t->kind != TY_INT || t->bits == 64) return true;
  uint64_t max = t->is_signed ? (1ull << (t->bits - 1)) : (1ull << t->bits) - 1;
  return v <= max;  // a negated literal is checked as the magnitude: -128i8 is allowed
}

static Type *zonk_norm(Type *t) { return t ? ty_normalize(ty_zonk(t), cur_env) : t; }

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
  if (e->kind == EX_INT && !int_fits(e->int_val, e->ty)) {
    Diag *d = diag_error(e->span, NULL, "literal out of range for `%s`", ty_name(e->ty));
    diag_note(d, "the literal `%llu` does not fit into the type `%s`", (unsigned long long)e->int_val, ty_name(e->ty));
    diag_emit(d);
  }
}

static bool inside_closure(Fcx *fx, Span sp) {
  for (int i = 0; i < fx->closures.len; i++) {
    Span cs = VEC_AT(fx->closures, i)->closure_expr->span;
    if (sp.file == cs.file && sp.lo >= cs.lo && sp.hi <= cs.hi) return true;
  }
  return false;
}

// `local.field` moved out of a struct or tuple local of this body (one level deep): a partial
// move, which leaves the local's other fields to be dropped on their own (the move checker
// tracks the field, MIR lowering the drop). Not out of a type with a Drop impl (E0509).
static bool partial_move_ok(Fcx *fx, Expr *e) {
  Type *bt = ty_resolve(e->sub->ty);
  if (bt->kind == TY_STRUCT && bt->sdecl->drop_impl) {
    Diag *d = diag_error(e->span, "E0509", "cannot move out of type `%s`, which implements the `Drop` trait", ty_name(bt));
    diag_label(d, "cannot move out of here");
    diag_emit(d);
    return true;
  }
  if ((bt->kind != TY_TUPLE && (bt->kind != TY_STRUCT || bt->sdecl->is_enum)) || e->field_index < 0 || e->field_index >= 64 ||
      inside_closure(fx, e->span))
    return false;
  e->moves_local = true;
  return true;
}

static void check_moves(Fcx *fx) {
  for (int i = 0; i < fx->moves.len; i++) {
    Expr *e = VEC_AT(fx->moves, i);
    if ((e->kind == EX_MACRO || e->kind == EX_ARRAY) && e->repeat) {
      Type *el = e->args[0]->ty;
      if (!type_implements(K, el, K->copy_trait) && !ty_has_vars(el))
        error_at(e->args[0]->span, "E0277", "the trait bound `%s: Copy` is not satisfied (trc supports `[x; n]` for Copy elements only)", ty_name(el));
      continue;
    }
    if (!is_place(e) || e->coerce || type_implements(K, e->ty, K->copy_trait) || ty_has_vars(e->ty) || !ty_is_sized(e->ty)) continue;
    if (e->kind == EX_PATH) {  // moving a whole local: codegen tracks it with a drop flag
      e->moves_local = e->res == RES_LOCAL;
      if (e->moves_local) consume_capture(fx, e);
      continue;
    }
    if (e->kind == EX_INDEX) {
      Diag *d = diag_error(e->span, "E0507", "cannot move out of index of `%s`", ty_name(e->lhs->ty));
      diag_label(d, "move occurs because value has type `%s`, which does not implement the `Copy` trait", ty_name(e->ty));
      diag_emit(d);
      continue;
    }
    Expr *b = e;
    while (b->kind == EX_FIELD && b->autoderefs == 0) b = b->sub;
    if (b->kind == EX_FIELD || (b->kind == EX_UNARY && b->op == TK_STAR)) {
      Type *bt = b->kind == EX_FIELD ? b->sub->ty : b->sub->ty;
      Diag *d = diag_error(e->span, "E0507", "cannot move out of %s", ty_resolve(bt)->kind == TY_BOX ? "a box (trc does not support moving out of a `Box` yet)" : "a shared reference");
      diag_label(d, "move occurs because value has type `%s`, which does not implement the `Copy` trait", ty_name(e->ty));
      diag_emit(d);
      continue;
    }
    if (b->kind == EX_PATH && b->res == RES_LOCAL && e->sub == b && partial_move_ok(fx, e)) continue;
    Diag *d = diag_error(e->span, NULL, "moving a field out of `%s` (a partial move) is not supported by trc yet", b->kind == EX_PATH ? b->local->name : "a value");
    diag_help(d, "move the whole value, or borrow the field with `&`");
    diag_emit(d);
  }
}

// A closure body that moves a captured variable out owns it: the capture is by value, and the
// closure can only be called once (FnOnce), which consumes it.
static void consume_capture(Fcx *fx, Expr *e) {
  for (int i = 0; i < fx->closures.len; i++) {
    FnDecl *cf = VEC_AT(fx->closures, i);
    Span cs = cf->closure_expr->span;
    if (e->span.file != cs.file || e->span.lo < cs.lo || e->span.hi > cs.hi || e->local->owner == cf) continue;
    for (int k = 0; k < cf->ncaptures; k++)
      if (cf->captures[k].local == e->local) {
        cf->captures[k].by_value = true;
        cf->is_fn_once = true;
      }
  }
}

static void check_obligations(Fcx *fx) {
  for (int i = 0; i < fx->obligations.len; i++) {
    Obligation *o = VEC_AT(fx->obligations, i);
    Type *t = ty_zonk(o->ty);
    if (ty_has_vars(t)) continue;
    if (type_implements(K, t, o->trait)) continue;
    // An integer literal's type is still `{integer}` when rustc checks the bound.
    const char *name = ty_resolve(o->ty)->kind == TY_VAR ? ty_name(ty_resolve(o->ty)) : ty_name(t);
    Diag *d = diag_error(o->span, "E0277", "the trait bound `%s: %s` is not satisfied", name, o->trait->name);
    diag_label(d, "the trait `%s` is not implemented for `%s`", o->trait->name, name);
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
      Type *got = ty_normalize(ty_assoc(t, o->trait, o->tr->assoc_names[a]), cur_env);
      if (ty_has_vars(want) || unify(got, want)) continue;
      const char *what = arena_printf("<%s as %s>::%s == %s", ty_name(t), o->trait->name, o->tr->assoc_names[a], ty_name(want));
      Diag *d = diag_error(o->span, "E0271", "type mismatch resolving `%s`", what);
      diag_label(d, "type mismatch resolving `%s`", what);
      diag_note(d, "expected `%s`, found `%s`", ty_name(want), ty_name(got));
      diag_emit(d);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Use after move (E0382)
//
// A walk over the body in evaluation order, tracking which locals may have been moved out:
// a branch merges by union ("maybe moved" is moved), a loop body is walked twice so that a
// move in one iteration is seen by the next, and an assignment re-initializes. Only whole
// locals are tracked (partial moves are rejected earlier), and only non-Copy ones move.

typedef struct {
  bool *moved;      // per Local index
  Span *where;      // where it was moved
  uint64_t *fields; // per Local index: the fields moved out of it (partial moves)
  bool dead;        // after return/break/continue: nothing here executes
} MoveState;

typedef struct {
  FnDecl *fn;
  int n;
  MoveState st;
  bool *reported;
  bool second_pass;  // walking a loop body again
} MoveCx;

static MoveState ms_new(MoveCx *cx, bool dead) {
  return (MoveState){arena_alloc(cx->n + 1), arena_alloc(sizeof(Span) * (cx->n + 1)), arena_alloc(sizeof(uint64_t) * (cx->n + 1)), dead};
}

static MoveState ms_copy(MoveCx *cx, MoveState *s) {
  MoveState c = ms_new(cx, s->dead);
  copy_bytes(c.moved, s->moved, cx->n);
  copy_bytes(c.where, s->where, sizeof(Span) * cx->n);
  copy_bytes(c.fields, s->fields, sizeof(uint64_t) * cx->n);
  return c;
}

static void ms_join(MoveCx *cx, MoveState *into, MoveState *other) {
  if (other->dead) return;
  if (into->dead) {
    *into = ms_copy(cx, other);
    return;
  }
  for (int i = 0; i < cx->n; i++) {
    if ((other->moved[i] && !into->moved[i]) || (other->fields[i] & ~into->fields[i])) into->where[i] = other->where[i];
    into->moved[i] |= other->moved[i];
    into->fields[i] |= other->fields[i];
  }
}

static void mv_expr(MoveCx *cx, Expr *e, bool borrow);

// A use of local l, or of its field `field` (-1: the whole local).
static void mv_use_part(MoveCx *cx, Expr *e, Local *l, int field, bool borrow) {
  bool whole = cx->st.moved[l->index];
  uint64_t parts = cx->st.fields[l->index];
  bool partly = field < 0 ? parts != 0 : (parts >> field & 1) != 0;
  if (cx->st.dead || (!whole && !partly)) return;
  if (!cx->reported[l->index]) {
    cx->reported[l->index] = true;
    const char *what = whole || field < 0 ? l->name : diag_span_text(e->span);
    Diag *d = diag_error(e->span, "E0382", "%s of %smoved value: `%s`", borrow ? "borrow" : "use", !whole && field < 0 ? "partially " : "", what);
    diag_secondary(d, l->span, "move occurs because `%s` has type `%s`, which does not implement the `Copy` trait", l->name, ty_name(l->ty));
    diag_secondary(d, cx->st.where[l->index], cx->second_pass ? "value moved here, in previous iteration of loop" : "value moved here");
    diag_label(d, "value %s here after move", borrow ? "borrowed" : "used");
    diag_emit(d);
  }
}

static void mv_use(MoveCx *cx, Expr *e, bool borrow) { mv_use_part(cx, e, e->local, -1, borrow); }

// `local.field` (no autoderef): the field of a local itself, which a partial move may take.
static bool is_local_field(Expr *e) {
  return e->kind == EX_FIELD && e->autoderefs == 0 && e->sub->kind == EX_PATH && e->sub->res == RES_LOCAL && e->field_index >= 0 &&
         e->field_index < 64;
}

static void mv_block(MoveCx *cx, Block *b) {
  for (int i = 0; i < b->nstmts; i++) {
    Stmt *s = b->stmts[i];
    if ((s->kind == ST_LET || s->kind == ST_EXPR || s->kind == ST_SEMI) && s->init) mv_expr(cx, s->init, false);
    if (s->kind == ST_LET && s->pat->kind == PAT_BIND && s->pat->local) {
      cx->st.moved[s->pat->local->index] = false;
      cx->st.fields[s->pat->local->index] = 0;
    }
  }
  if (b->tail) mv_expr(cx, b->tail, false);
}

// A `for` pattern binds fresh locals each iteration.
static void mv_unmove_pattern(MoveCx *cx, Pattern *p) {
  if (!p) return;
  if (p->kind == PAT_BIND && p->local) {
    cx->st.moved[p->local->index] = false;
    cx->st.fields[p->local->index] = 0;
  }
  if (p->sub) mv_unmove_pattern(cx, p->sub);
  for (int i = 0; i < p->nelems; i++) mv_unmove_pattern(cx, p->elems[i]);
}

static void mv_loop_body(MoveCx *cx, Expr *e) {
  MoveState before = ms_copy(cx, &cx->st);
  if (e->kind == EX_FOR && !cx->st.dead) mv_unmove_pattern(cx, e->pat);
  mv_block(cx, e->block);
  // Again, from what one iteration leaves behind: a move in it is a use-after-move in the next.
  MoveState after_one = cx->st;
  cx->st = ms_copy(cx, &before);
  ms_join(cx, &cx->st, &after_one);
  bool saved = cx->second_pass;
  cx->second_pass = true;
  if (e->kind == EX_FOR && !cx->st.dead) mv_unmove_pattern(cx, e->pat);
  mv_block(cx, e->block);
  cx->second_pass = saved;
  ms_join(cx, &cx->st, &before);
  ms_join(cx, &cx->st, &after_one);
  if (e->kind != EX_LOOP) cx->st.dead = before.dead;
}

static void mv_expr(MoveCx *cx, Expr *e, bool borrow) {
  if (!e) return;
  switch (e->kind) {
  case EX_PATH:
    // `&mut` locals are left out: passing one where `&mut` is expected reborrows it.
    if (e->res != RES_LOCAL || type_implements(K, e->local->ty, K->copy_trait) || ty_resolve(e->local->ty)->kind == TY_REF) return;
    mv_use(cx, e, borrow && !e->moves_local);
    if (e->moves_local && !cx->st.dead) {
      cx->st.moved[e->local->index] = true;
      cx->st.where[e->local->index] = e->span;
    }
    return;
  case EX_ASSIGN:
    mv_expr(cx, e->rhs, false);
    if (e->lhs->kind == EX_PATH && e->lhs->res == RES_LOCAL) {
      if (!cx->st.dead) cx->st.moved[e->lhs->local->index] = false;  // re-initialized
      if (!cx->st.dead) cx->st.fields[e->lhs->local->index] = 0;
    } else if (is_local_field(e->lhs) && !cx->st.moved[e->lhs->sub->local->index]) {
      if (!cx->st.dead) cx->st.fields[e->lhs->sub->local->index] &= ~(1ull << e->lhs->field_index);
    } else {
      mv_expr(cx, e->lhs, true);
    }
    return;
  case EX_IF: {
    mv_expr(cx, e->sub, false);
    MoveState start = ms_copy(cx, &cx->st);
    mv_block(cx, e->block);
    MoveState then_st = cx->st;
    cx->st = start;
    if (e->else_expr) mv_expr(cx, e->else_expr, false);
    ms_join(cx, &cx->st, &then_st);
    if (!e->else_expr) cx->st.dead = start.dead && then_st.dead;
    return;
  }
  case EX_WHILE: mv_expr(cx, e->sub, false); mv_loop_body(cx, e); return;
  case EX_FOR: mv_expr(cx, e->sub, false); mv_loop_body(cx, e); return;
  case EX_LOOP: mv_loop_body(cx, e); cx->st.dead = false; return;
  case EX_BLOCK: mv_block(cx, e->block); return;
  case EX_BREAK: case EX_RETURN: mv_expr(cx, e->sub, false); cx->st.dead = true; return;
  case EX_CONTINUE: cx->st.dead = true; return;
  case EX_UNARY: mv_expr(cx, e->sub, e->op == TK_AMP || e->op == TK_STAR); return;
  case EX_FIELD:
    if (is_local_field(e)) {
      Local *l = e->sub->local;
      mv_use_part(cx, e, l, e->field_index, !e->moves_local);
      if (e->moves_local && !cx->st.dead) {
        cx->st.fields[l->index] |= 1ull << e->field_index;
        cx->st.where[l->index] = e->span;
      }
      return;
    }
    mv_expr(cx, e->sub, true);
    return;
  case EX_INDEX: mv_expr(cx, e->lhs, true); mv_expr(cx, e->rhs, false); return;
  case EX_METHOD:
    mv_expr(cx, e->sub, e->autoref != 0);
    for (int i = 0; i < e->nargs; i++) mv_expr(cx, e->args[i], false);
    return;
  case EX_MACRO: {
    bool fmt = strcmp(e->name, "vec") != 0;  // format arguments are borrowed
    for (int i = 0; i < e->nargs; i++) mv_expr(cx, e->args[i], fmt);
    return;
  }
  case EX_BINARY: mv_expr(cx, e->lhs, true); mv_expr(cx, e->rhs, true); return;
  case EX_COMPOUND: mv_expr(cx, e->rhs, false); mv_expr(cx, e->lhs, true); return;
  case EX_CALL: mv_expr(cx, e->sub, false); for (int i = 0; i < e->nargs; i++) mv_expr(cx, e->args[i], false); return;
  case EX_CAST: case EX_TRY: mv_expr(cx, e->sub, false); return;
  case EX_RANGE: mv_expr(cx, e->lhs, false); mv_expr(cx, e->rhs, false); return;
  case EX_STRUCT: case EX_TUPLE: case EX_ARRAY:
    for (int i = 0; i < e->nargs; i++) mv_expr(cx, e->args[i], false);
    return;
  case EX_CLOSURE:  // a capture by value moves the variable into the closure
    for (int i = 0; i < e->fn->ncaptures; i++) {
      Local *l = e->fn->captures[i].local;
      if (!e->fn->captures[i].by_value || l->owner != cx->fn || type_implements(K, l->ty, K->copy_trait) || cx->st.dead) continue;
      if (cx->st.moved[l->index]) {
        Expr use = {.span = e->span, .local = l};
        mv_use(cx, &use, false);
      }
      cx->st.moved[l->index] = true;
      cx->st.where[l->index] = e->span;
    }
    return;
  default: return;
  }
}

static void check_use_after_move(FnDecl *f) {
  MoveCx cx = {.fn = f, .n = f->locals.len};
  cx.st = ms_new(&cx, false);
  cx.reported = arena_alloc(cx.n + 1);
  mv_block(&cx, f->body);
}

void check_fn_body(FnDecl *f) {
  if (!f->body || f->checked) return;
  f->checked = true;
  resolve_scope_of(f->span);
  init_names();
  Fcx fx = {0};
  fx.fn = f;
  fx.env = f->env;
  fx.ret = f->ret_type;
  if (f->impl) fx.self_ty = f->impl->self_ty;
  else if (f->trait) fx.self_ty = f->trait->env->params[0];
  GenericEnv *saved_env = cur_env;
  cur_env = f->env;
  if (f->self_kind != SELF_NONE) {
    f->self_local = new_local(&fx, s_self, f->self_param_ty, f->self_mut, f->self_span, LOCAL_PARAM);
    f->self_local->assigned = true;
  }
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
  // A local whose type is still unknown is the best place to ask for an annotation.
  for (int i = 0; i < f->locals.len; i++) {
    Local *l = VEC_AT(f->locals, i);
    l->ty = zonk_norm(l->ty);
    if (ty_has_vars(l->ty) && !fx.reported_infer && !diag_error_count()) {
      Type *shown = ty_resolve(l->ty)->kind == TY_VAR ? NULL : l->ty;
      Diag *d = shown ? diag_error(l->span, "E0282", "type annotations needed for `%s`", ty_name(shown))
                      : diag_error(l->span, "E0282", "type annotations needed");
      diag_label(d, "type must be known at this point");
      diag_help(d, "consider giving `%s` an explicit type", l->name);
      diag_emit(d);
      fx.reported_infer = true;
    }
  }
  for (int i = 0; i < fx.exprs.len; i++) zonk_expr(&fx, VEC_AT(fx.exprs, i));
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
  check_moves(&fx);
  if (!diag_error_count()) check_use_after_move(f);
  cur_env = saved_env;
}
