// check_path.c — paths and calls: what a path in an expression names (a local, a captured
// variable, a fn, a constructor, an associated fn or const, a builtin or std fn trc knows by its
// path), instantiating its generics (fresh variables, turbofish), and checking a call's
// arguments against the signature. Method calls (method.c) reuse the signature and argument
// checking, so it sits below them.
#include "sema/sema_internal.h"

#include <stdio.h>
#include <string.h>

// ---------------------------------------------------------------------------------------------
// Paths and calls

typedef struct {
  const char *path;
  Builtin bi;
} KnownFn;

static const KnownFn known_fns[] = {
#define PATH_FN(id, path) {path, BI_##id},
#define INTRINSIC(id, name) {name, BI_##id},
#include "syntax/builtins.def"
};

// Whether bi is one of the prelude's intrinsics, which a program may not call.
static bool is_intrinsic(Builtin bi) {
  switch (bi) {
#define INTRINSIC(id, name) case BI_##id:
#include "syntax/builtins.def"
    return true;
  default: return false;
  }
}

// std functions the prelude implements in .tr: the path a program writes, and the prelude fn.
static const struct {
  const char *path, *prelude_fn;
} std_fns[] = {
  {"std::mem::replace", "__std_mem_replace"}, {"core::mem::replace", "__std_mem_replace"},
  {"std::mem::swap", "__std_mem_swap"},       {"core::mem::swap", "__std_mem_swap"},
  {"std::mem::take", "__std_mem_take"},       {"core::mem::take", "__std_mem_take"},
  {"std::mem::discriminant", "__std_mem_discriminant"}, {"core::mem::discriminant", "__std_mem_discriminant"},
  {"std::env::args", "__std_env_args"},
  {"std::cmp::max", "__std_cmp_max"},         {"std::cmp::min", "__std_cmp_min"},
  {"std::cmp::max_by_key", "__std_cmp_max_by_key"}, {"std::cmp::min_by_key", "__std_cmp_min_by_key"},
  {"std::str::from_utf8", "__std_str_from_utf8"}, {"core::str::from_utf8", "__std_str_from_utf8"},
  {"std::char::from_u32", "__std_char_from_u32"}, {"std::char::from_digit", "__std_char_from_digit"},
  {"std::any::type_name", "__std_any_type_name"}, {"core::any::type_name", "__std_any_type_name"},
  {"std::any::type_name_of_val", "__std_any_type_name_of_val"}, {"core::any::type_name_of_val", "__std_any_type_name_of_val"},
  {"std::iter::repeat", "__std_iter_repeat"},     {"std::iter::repeat_n", "__std_iter_repeat_n"},
  {"std::iter::repeat_with", "__std_iter_repeat_with"}, {"std::iter::once", "__std_iter_once"},
  {"std::iter::empty", "__std_iter_empty"},       {"std::iter::from_fn", "__std_iter_from_fn"},
  {"std::iter::successors", "__std_iter_successors"}, {"std::iter::zip", "__std_iter_zip"},
  {"std::array::from_fn", "__std_array_from_fn"}, {"core::array::from_fn", "__std_array_from_fn"},
  {"std::io::stdout", "__std_io_stdout"}, {"std::io::stderr", "__std_io_stderr"}, {"std::io::stdin", "__std_io_stdin"},
#define PTR_FN(name) {"std::ptr::" name, "__std_ptr_" name}, {"core::ptr::" name, "__std_ptr_" name}, {"ptr::" name, "__std_ptr_" name}
  PTR_FN("null"), PTR_FN("null_mut"), PTR_FN("read"), PTR_FN("write"), PTR_FN("replace"), PTR_FN("swap"),
  PTR_FN("drop_in_place"), PTR_FN("copy"), PTR_FN("copy_nonoverlapping"),
#undef PTR_FN
  {"std::slice::from_raw_parts", "__std_slice_from_raw_parts"}, {"core::slice::from_raw_parts", "__std_slice_from_raw_parts"},
  {"slice::from_raw_parts", "__std_slice_from_raw_parts"},
  {"std::slice::from_raw_parts_mut", "__std_slice_from_raw_parts_mut"}, {"core::slice::from_raw_parts_mut", "__std_slice_from_raw_parts_mut"},
  {"slice::from_raw_parts_mut", "__std_slice_from_raw_parts_mut"},
  {"std::str::from_utf8_unchecked", "__std_str_from_utf8_unchecked"}, {"core::str::from_utf8_unchecked", "__std_str_from_utf8_unchecked"},
  {"std::thread::spawn", "__std_thread_spawn"},   {"std::thread::scope", "__std_thread_scope"},
  {"std::thread::sleep", "__std_thread_sleep"},   {"std::thread::yield_now", "__std_thread_yield_now"},
  {"std::thread::panicking", "__std_thread_panicking"},
  {"std::sync::mpsc::channel", "__std_sync_mpsc_channel"}, {"std::sync::mpsc::sync_channel", "__std_sync_mpsc_sync_channel"},
  {"std::sync::atomic::fence", "__std_sync_atomic_fence"}, {"std::sync::atomic::compiler_fence", "__std_sync_atomic_fence"},
};

// Any other `std::<module>::<name>` the prelude implements is its root fn `__std_<module>_<name>`
// (`std::io::read_to_string` is `__std_io_read_to_string`), so it needs no entry above.
static FnDecl *std_module_fn(const char *full) {
  const char *rest = !strncmp(full, "std::", 5) ? full + 5 : !strncmp(full, "core::", 6) ? full + 6 : NULL;
  if (!rest || !strstr(rest, "::")) return NULL;
  char name[256];
  size_t n = (size_t)snprintf(name, sizeof name, "__std_");
  for (const char *c = rest; *c && n + 1 < sizeof name; c++) {
    if (c[0] == ':' && c[1] == ':') c++;  // "::" to "_"
    name[n++] = *c == ':' ? '_' : *c;
  }
  name[n] = 0;
  FnDecl *f = lookup_fn(intern_cstr(name));
  return f && f->span.file == 0 && !f->impl && !f->trait ? f : NULL;
}

static Builtin lookup_known_fn(const char *full) {
  for (size_t i = 0; i < sizeof known_fns / sizeof known_fns[0]; i++)
    if (!strcmp(known_fns[i].path, full)) return known_fns[i].bi;
  return BI_NONE;
}

Type **fresh_targs(Fcx *fx, GenericEnv *env, int from, Type **prefix, Span sp) {
  int n = env ? env->n : 0;
  Type **t = arena_alloc(sizeof(Type *) * (n + 1));
  for (int i = 0; i < n; i++) t[i] = (prefix && i < from) ? prefix[i] : ty_new_var(0);
  // Bounds of the fresh parameters become obligations, checked when the body is done.
  // (Self's bounds are not obligations here: a method's `where Self: Tr` is one at each call,
  // with rustc's note (method.c); but a where clause on Self with bindings is:
  // `fn cloned<T>(self) where Self: Iterator<Item = &T>` is how T is found.)
  for (int i = 0; i < n; i++)
    for (int b = 0; b < env->nbounds[i]; b++)
      if (!(env->has_self && i == 0) || env->bounds[i][b]->nassoc) obligate_ref(fx, t[i], env->bounds[i][b], t, n, sp);
  for (int i = 0; env && i < env->npreds; i++)  // `where Self::Item: Ord`, of the types given
    obligate_ref(fx, ty_subst(env->pred_tys[i], t, n), env->pred_refs[i], t, n, sp);
  for (int i = 0; i < n; i++)  // `F: 'static` (thread::spawn's): checked with the obligations
    if (env->outlives_static[i]) {
      Obligation *o = arena_alloc(sizeof *o);
      o->ty = t[i], o->span = sp;
      vec_push(&fx->outlives, o);
    }
  return t;
}

void apply_turbofish(Fcx *fx, PathSeg *seg, GenericEnv *env, int own_from, Type **targs) {
  if (!seg || !seg->nargs) return;
  int own = env->n - own_from;
  for (int i = own_from; i < env->n; i++) own -= !strncmp(env->names[i], "impl ", 5);  // `impl Tr` arguments take none
  if (seg->nargs > own) {
    error_at(seg->span, "E0107", "function takes %d generic argument%s but %d generic arguments were supplied", own,
             own == 1 ? "" : "s", seg->nargs);
    return;
  }
  for (int i = 0; i < seg->nargs; i++)
    unify(targs[own_from + i], resolve_generic_arg(seg->args[i], env->const_tys[own_from + i], fx->env, fx->self_ty, true));
}

Sig sig_of(FnDecl *f, Type **targs, int n) {
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
  int nfns;
  FnDecl **fns = inherent_fns_named(name, &nfns);
  for (int i = 0; i < nfns; i++) {
    FnDecl *f = fns[i];
    ImplDecl *im = f->impl;
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
    check_fn_privacy(f, seg->span);
    return true;
  }
  // Trait methods: through a parameter's bounds, or any trait with an impl for t.
  TraitDecl *owner = NULL;
  FnDecl *found = NULL;
  TraitRef *bound = NULL;  // the parameter's bound that has it: its arguments are the trait's
  if (t->kind == TY_PARAM) {
    for (int b = 0; b < fx->env->nbounds[t->index] && !found; b++)
      if ((found = trait_find_method(fx->env->bounds[t->index][b]->trait, name, &owner))) bound = fx->env->bounds[t->index][b];
    // `T: From<A> + From<B>`: which of them `T::from(x)` is, x's type decides (not the first).
    int same = 0;
    for (int b = 0; bound && b < fx->env->nbounds[t->index]; b++) same += fx->env->bounds[t->index][b]->trait == bound->trait;
    if (same > 1) bound = NULL;
  } else {
    int ntraits;
    TraitDecl **traits = traits_declaring(name, &ntraits);
    for (int i = 0; i < ntraits; i++) {
      TraitDecl *o = NULL;
      FnDecl *m = trait_find_method(traits[i], name, &o);
      // (`Ring::default()` before Ring's arguments are known: an impl for Ring<T> that needs
      // `T: Default` may apply; the obligation below checks it once T is known.)
      if (!m || !(ty_has_vars(t) ? may_implement(t, o) : type_implements(K, t, o)) || o == owner) continue;
      if (found) {  // `X::make()` with A's and B's make
        ambiguous_items(seg->span, name, owner, o, t);
        break;
      }
      found = m, owner = o;
    }
  }
  if (!found) return false;
  e->res = RES_TRAIT_FN;
  e->fn = found;
  e->trait = owner;
  e->self_ty = t;
  // `S::sum(it)` with `S: Sum<Self::Item>`: Self is S, and Sum's A is the bound's Self::Item.
  int ntrait = owner->env->n;
  Type **prefix = arena_alloc(sizeof(Type *) * (ntrait + 1));
  prefix[0] = t;
  for (int i = 1; i < ntrait; i++) prefix[i] = bound && bound->trait == owner && i - 1 < bound->nargs ? bound->args[i - 1] : ty_new_var(0);
  e->fn_targs = fresh_targs(fx, found->env, ntrait, prefix, e->span);
  e->fn_ntargs = found->env->n;
  apply_turbofish(fx, seg, found->env, owner->env->n, e->fn_targs);
  if (t->kind != TY_PARAM || !bound) {
    // With the trait's arguments, which the call's arguments decide: `Rc::from("x")` for an
    // `Rc<i32>` asks `Rc<i32>: From<&str>`, which no impl gives (nor bound: `T::from(c)`).
    Obligation *o = obligate(fx, t, owner, e->span);
    if (ntrait > 1) o->tr = traitref_new(owner, e->fn_targs + 1, ntrait - 1);
  }
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
    Wide umax = bits == 128 ? ~(Wide)0 : ((Wide)1 << bits) - 1, v;
    if (!strcmp(name, "MAX")) v = t->is_signed ? umax >> 1 : umax;
    else if (!strcmp(name, "MIN")) v = t->is_signed ? (Wide)1 << (bits - 1) : 0;
    else if (!strcmp(name, "BITS")) v = (Wide)bits;
    else return false;
    e->int_val = (uint64_t)v;
    e->int_hi = (uint64_t)(v >> 64);
    e->res = RES_CONST;
    e->self_ty = !strcmp(name, "BITS") ? ty_u32 : t;
    return true;
  }
  if (t->kind == TY_FLOAT) {
    static const struct {
      const char *name;
      double f64, f32;
    } consts[] = {
      {"MAX", 1.7976931348623157e308, 3.40282347e+38f}, {"MIN", -1.7976931348623157e308, -3.40282347e+38f},
      {"MIN_POSITIVE", 2.2250738585072014e-308, 1.17549435e-38f}, {"EPSILON", 2.220446049250313e-16, 1.1920929e-7f},
      {"INFINITY", __builtin_inf(), __builtin_inf()}, {"NEG_INFINITY", -__builtin_inf(), -__builtin_inf()},
      {"NAN", __builtin_nan(""), __builtin_nan("")},
    };
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++)
      if (!strcmp(name, consts[i].name)) {
        e->res = RES_CONST;
        e->float_val = t->bits == 32 ? consts[i].f32 : consts[i].f64;
        e->self_ty = t;
        return true;
      }
  }
  return false;
}

// A path naming a constructor: an enum variant (`Shape::Circle`, `Self::Empty`, or `Some`
// through a `use`) or a unit/tuple struct. Sets *sd, *variant (-1 for a struct) and *adt, the
// constructed type, with inference variables for type arguments the path leaves out.
bool resolve_ctor_path(Fcx *fx, Path *p, StructDecl **sd, int *variant, Type **adt) {
  const char *name = p->segs[p->nsegs - 1].name;
  StructDecl *s = NULL;
  int v = -1;
  Type *t = NULL;
  if (lookup_alias(name) && !(p->nsegs == 1 && lookup_struct(name))) {  // `Alias { x: 1 }`, `m::Alias(..)` of a struct
    bool ok;
    Type *at = ty_resolve(builtin_type_of_path(fx, p, p->nsegs, &ok));
    if (at->kind == TY_STRUCT && !at->sdecl->is_enum && at->sdecl->kind == STRUCT_NAMED) {  // (`Alias(..)` is E0423 in rustc)
      t = at, s = at->sdecl;
      goto found;
    }
  }
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
    StructDecl *in_std = lookup_struct_path(p);  // `fmt::Error`, a unit struct of a std module
    if (in_std && !in_std->is_enum) {
      s = in_std;
      goto found;
    }
    bool is_type = lookup_struct(tname) || lookup_alias(tname) || !strcmp(tname, "Self") || (p->nsegs == 2 && env_find(fx->env, tname) >= 0);
    if (!is_type) {
      Path prefix = *p;
      prefix.nsegs--;
      is_type = lookup_struct_path(&prefix) != NULL;  // `std::option::Option::Some`
    }
    if (!is_type) return false;
    bool ok;
    t = ty_resolve(builtin_type_of_path(fx, p, p->nsegs - 1, &ok));
    if (t->kind != TY_STRUCT || !t->sdecl->is_enum) return false;
    s = t->sdecl;
    v = find_variant(s, name);
    if (v < 0) return false;
  }
found:
  *sd = s;
  *variant = v;
  *adt = t ? t : ty_struct(s, fresh_targs(fx, s->env, 0, NULL, p->span), s->env->n);
  PathSeg *last = &p->segs[p->nsegs - 1];
  // `None::<i64>`: the arguments are the enum's; `Meters::<Metric> { .. }`, `Pair::<u8>(..)`
  // the struct's (`Wrapper(..)` of a struct found through Self has them already).
  if (last->nargs && (s->is_enum || !t)) {
    // (`Foo::<i32>(..)` with `struct Foo<T, U = u8>`: U is inferred)
    if (last->nargs > s->env->n || (last->nargs < s->env->n && !defaults_from(s, last->nargs))) {
      error_at(last->span, "E0107", "%s takes %d generic argument%s but %d generic arguments were supplied", s->is_enum ? "enum" : "struct",
               s->env->n, s->env->n == 1 ? "" : "s", last->nargs);
    } else {
      for (int i = 0; i < last->nargs; i++) unify((*adt)->args[i], resolve_type_ex(last->args[i], fx->env, fx->self_ty, true));
    }
  }
  return true;
}

StructKind ctor_kind(StructDecl *s, int variant) { return s->is_enum ? s->variants[variant].kind : s->kind; }

int ctor_nfields(StructDecl *s, int variant) { return s->is_enum ? s->variants[variant].nfields : s->nfields; }

FieldDecl *ctor_fields(StructDecl *s, int variant) { return s->is_enum ? s->variants[variant].fields : s->fields; }

const char *ctor_name(StructDecl *s, int variant) {
  return s->is_enum ? arena_printf("%s::%s", s->name, s->variants[variant].name) : s->name;
}

// rustc says "function" for a path that is called.
static void unknown_value(Fcx *fx, Expr *e, const char *name) {
  Diag *d = diag_error(e->span, "E0425", "cannot find %s `%s` in this scope", fx->resolving_callee ? "function" : "value", name);
  diag_label(d, "not found in this scope");
  diag_emit(d);
}

// A variable of an enclosing function used inside a closure becomes a capture of that closure
// and of every closure between (a closure in a closure reaches it through the outer one).
// `field` is the field the use goes through (`c.hits`; `self.a` through the reference when
// `deref`), or -1 for a use of the whole.
void capture_use(Fcx *fx, Local *l, int field, bool deref) {
  for (FnDecl *f = fx->fn; f && f != l->owner && f->is_closure; f = f->parent) {
    Capture *cap = NULL;
    for (int i = 0; i < f->ncaptures; i++)
      if (f->captures[i].local == l) cap = &f->captures[i];
    if (!cap) continue;
    if (!cap->fields) cap->through_deref = deref;
    if (field < 0 || field >= 64 || cap->through_deref != deref) cap->whole = true;
    else cap->fields |= (uint64_t)1 << field;
  }
}

// e, a use of a variable in a closure body, goes through it (see Capture.nthrough).
void capture_through(Fcx *fx, Expr *e) {
  if (e->kind != EX_PATH || e->res != RES_LOCAL || !e->local) return;
  for (FnDecl *f = fx->fn; f && f != e->local->owner && f->is_closure; f = f->parent)
    for (int i = 0; i < f->ncaptures; i++)
      if (f->captures[i].local == e->local) f->captures[i].nthrough++;
}

static void capture(Fcx *fx, Local *l, bool field_base, Span use) {
  if (!field_base) capture_use(fx, l, -1, false);  // a field access records its own use
  for (FnDecl *f = fx->fn; f && f != l->owner && f->is_closure; f = f->parent) {
    Capture *have = NULL;
    for (int i = 0; i < f->ncaptures; i++)
      if (f->captures[i].local == l) have = &f->captures[i];
    if (have) {
      have->nuses++;
      have->nthrough += field_base;  // a field of a reference is reached through it
      continue;
    }
    Capture cap = {.local = l, .by_value = f->closure_expr->is_move, .whole = !field_base, .nuses = 1, .nthrough = field_base, .span = use};
    Capture *nc = arena_alloc(sizeof(Capture) * (f->ncaptures + 1));
    copy_bytes(nc, f->captures, sizeof(Capture) * f->ncaptures);
    nc[f->ncaptures++] = cap;
    f->captures = nc;
  }
}

// Once the body's moves are known: each reference variable that a closure uses only through
// (`s.len()`, `*r`, `m.push(1)`) is captured by value, a copy of the `&T` or a reborrow of the
// `&mut T`, as rustc captures the place `*s` (upvar.rs: a capture through a reference is
// truncated to the reference). A closure that returns or boxes it then lives as long as the
// reference does, not only as long as the variable, so `Box::new(|| s.len())` with `s: &'a
// String` may be a `Box<dyn Fn() + 'a>`; and the variable itself stays free to be reassigned.
// Inner closures come first in fx->closures (each is pushed when its body is done): one that
// keeps a variable by reference points into the enclosing closure's copy of it, and one that
// takes it by value (`move`) copies it out: either is a use of that closure's own place.
void settle_captures(Fcx *fx) {
  for (int i = 0; i < fx->closures.len; i++) {
    FnDecl *cf = VEC_AT(fx->closures, i);
    for (int k = 0; k < cf->ncaptures; k++) {
      Capture *c = &cf->captures[k];
      c->addr_used |= c->nuses > c->nthrough;
      if (!c->by_value && !c->addr_used && ty_resolve(c->local->ty)->kind == TY_REF) c->by_value = c->reborrow = true;
      if (c->reborrow) continue;
      for (FnDecl *o = cf->parent; o && o != c->local->owner && o->is_closure; o = o->parent)
        for (int j = 0; j < o->ncaptures; j++)
          if (o->captures[j].local == c->local) o->captures[j].addr_used = true;
    }
  }
}

// A tuple struct with a field private here has no constructor here. rustc words it by how the
// name was reached: `Self(..)` is E0603, a name brought in by `use` E0423. (A path through a
// module, `m::P(1)`, was reported with the module paths.)
static bool private_ctor_value(Fcx *fx, Expr *e, StructDecl *s) {
  FieldDecl *fd = private_ctor_field(s, e->span);
  if (!fd) return false;
  Diag *d;
  if (e->path.nsegs == 1 && !strcmp(e->path.segs[0].name, "Self")) {
    d = diag_error(e->path.span, "E0603", "tuple struct constructor `%s` is private", s->name);
    diag_label(d, "private tuple struct constructor");
  } else if (fx->resolving_callee) {
    d = diag_error(e->path.span, "E0423", "cannot initialize a tuple struct which contains private fields");
  } else {
    d = diag_error(e->path.span, "E0423", "expected value, found struct `%s`", s->name);
  }
  diag_note_at(d, fd->span, "constructor is not visible here due to private fields");
  diag_emit(d);
  return true;
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
  if (private_ctor_value(fx, e, s)) return -1;
  e->res = k == STRUCT_UNIT ? RES_UNIT_STRUCT : RES_TUPLE_CTOR;
  e->sdecl = s;
  e->variant = v;
  e->self_ty = adt;
  return 1;
}

// E0599 for `Type::name`, in rustc's words: a called path looks for a function, any other for
// an associated item (a const).
static void no_assoc_item(Fcx *fx, PathSeg *seg, Type *t) {
  t = ty_resolve(t);
  const char *what = fx->resolving_callee ? "function or associated item" : "associated item";
  const char *kind = t->kind == TY_STRUCT ? (t->sdecl->is_enum ? "enum " : "struct ") : "";
  Diag *d = diag_error(seg->span, "E0599", "no %s named `%s` found for %s`%s` in the current scope", what, seg->name, kind, ty_name(t));
  diag_label(d, "%s not found in `%s`", what, ty_name(t));
  diag_emit(d);
}

// `Trait::method` or `<T as Trait<A>>::method`: the trait's method m (declared by owner) with
// Self (and, from a qualified path, the trait's arguments `tr`) given; Self must implement it.
static void trait_fn_path(Fcx *fx, Expr *e, FnDecl *m, TraitDecl *owner, Type *self, TraitRef *tr) {
  Span self_at = e->path.qself ? e->path.qself->span : e->span;  // where E0277 points
  e->res = RES_TRAIT_FN;
  e->fn = m;
  e->trait = owner;
  e->self_ty = self;
  int known = 1 + (tr && tr->trait == owner ? tr->nargs : 0);
  Type **prefix = arena_alloc(sizeof(Type *) * (known + 1));
  prefix[0] = self;
  for (int i = 1; i < known; i++) prefix[i] = tr->args[i - 1];
  e->fn_targs = fresh_targs(fx, m->env, known, prefix, e->span);
  e->fn_ntargs = m->env->n;
  apply_turbofish(fx, &e->path.segs[e->path.nsegs - 1], m->env, owner->env->n, e->fn_targs);
  // With the trait's arguments: `Into::into(42)` for a Meters asks `{integer}: Into<Meters>`.
  Obligation *o = obligate(fx, self, owner, self_at);
  if (owner->env->n > 1) o->tr = traitref_new(owner, e->fn_targs + 1, owner->env->n - 1);
}

// `<T as Trait>::name` is Trait's item for Self = T (which must implement it: E0277);
// `<Type>::name` is Type's, as `Type::name` would be.
static bool resolve_qualified_value(Fcx *fx, Expr *e) {
  Path *p = &e->path;
  PathSeg *last = &p->segs[p->nsegs - 1];
  Type *self = resolve_type_ex(p->qself, fx->env, fx->self_ty, true);
  if (p->nsegs - p->qtrait != 1) {
    error_at(p->span, NULL, "qualified paths with more than one segment after the type are not supported");
    return false;
  }
  if (!p->qtrait && p->qself->kind == TE_PATH && !p->qself->path.qself) {
    // `<Vec<i32>>::new` is `Vec::<i32>::new`.
    Path *q = &p->qself->path;
    Path rel = {.segs = arena_alloc(sizeof(PathSeg) * (q->nsegs + 2)), .nsegs = q->nsegs + 1, .span = p->span};
    copy_bytes(rel.segs, q->segs, sizeof(PathSeg) * q->nsegs);
    rel.segs[q->nsegs] = *last;
    e->path = rel;
    return resolve_value_path(fx, e);
  }
  if (!p->qtrait) {
    if (find_assoc_fn(fx, e, self, last->name, last)) return true;
    int arity = builtin_method_arity(self, last->name);
    if (arity >= 0) {
      e->res = RES_BUILTIN_METHOD;
      e->name = last->name;
      e->self_ty = self;
      e->int_val = (uint64_t)arity;
      return true;
    }
    no_assoc_item(fx, last, self);
    return false;
  }
  Path trait_path = *p;
  trait_path.nsegs = p->qtrait;
  trait_path.qself = NULL;
  trait_path.qtrait = 0;
  TraitRef *tr = resolve_trait_ref(&trait_path, fx->env, fx->self_ty, self);
  if (!tr) return false;
  TraitDecl *owner = NULL;
  FnDecl *m = trait_find_method(tr->trait, last->name, &owner);
  if (!m) {
    error_at(last->span, "E0576", "cannot find method or associated constant `%s` in trait `%s`", last->name, tr->trait->name);
    return false;
  }
  trait_fn_path(fx, e, m, owner, self, tr);
  return true;
}

// Resolves a value path; for fns, fills e->fn/e->fn_targs and returns true.
bool resolve_value_path(Fcx *fx, Expr *e) {
  Path *p = &e->path;
  PathSeg *last = &p->segs[p->nsegs - 1];
  if (p->qself) return resolve_qualified_value(fx, e);
  if (p->nsegs == 1) {
    const char *name = last->name;
    Local *l = last->nargs ? NULL : find_local_hyg(fx, name, last->hyg);
    if (l) {
      e->res = RES_LOCAL;
      e->local = l;
      capture(fx, l, e == fx->field_base, e->span);
      return true;
    }
    if (name == s_self) {
      error_at(e->span, "E0424", "expected value, found module `self`");
      return false;
    }
    int ci = last->nargs ? -1 : env_find(cur_env, name);
    if (ci >= 0 && cur_env->const_tys[ci]) {
      e->res = RES_CONST_PARAM;
      e->self_ty = cur_env->params[ci];
      return true;
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
  if (is_intrinsic(bi) && e->span.file != 0) bi = BI_NONE;  // intrinsics are the prelude's own
  for (size_t i = 0; i <= sizeof std_fns / sizeof std_fns[0]; i++) {
    FnDecl *f = NULL;
    if (i < sizeof std_fns / sizeof std_fns[0]) {
      if (strcmp(std_fns[i].path, full)) continue;
      f = lookup_fn(intern_cstr(std_fns[i].prelude_fn));
    } else if (!(f = std_module_fn(full))) {
      break;
    }
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
    unknown_value(fx, e, last->name);
    return false;
  }
  ConstDecl *cd = lookup_const_path(p);  // `std::f64::consts::PI`
  if (cd && cd->fn) {
    e->res = RES_CONST_ITEM;
    e->fn = cd->fn;
    return true;
  }
  // Type-relative: `Type::name`.
  const char *name = last->name;
  PathSeg *first = &p->segs[0];
  const char *tname = p->segs[p->nsegs - 2].name;
  Path prefix = *p;
  prefix.nsegs--;
  TraitDecl *tr = lookup_trait_path(&prefix);  // `Display::fmt`, `fmt::Display::fmt`
  if (tr && !(p->nsegs == 2 && lookup_struct(first->name))) {
    TraitDecl *owner = NULL;
    FnDecl *m = trait_find_method(tr, name, &owner);
    if (!m) {
      error_at(last->span, "E0576", "cannot find method or associated constant `%s` in trait `%s`", name, tr->name);
      return false;
    }
    // `Convert::<i32>::convert(&c)`: the trait's arguments as written.
    PathSeg *tseg = &p->segs[p->nsegs - 2];
    TraitRef *with = NULL;
    if (tseg->nargs && tseg->nargs <= tr->generics.nparams) {
      Type **args = arena_alloc(sizeof(Type *) * (size_t)(tr->generics.nparams + 1));
      for (int i = 0; i < tr->generics.nparams; i++)
        args[i] = i < tseg->nargs ? resolve_generic_arg(tseg->args[i], tr->generics.params[i].const_ty, fx->env, fx->self_ty, true) : ty_new_var(0);
      with = traitref_new(tr, args, tr->generics.nparams);
    }
    trait_fn_path(fx, e, m, owner, ty_new_var(0), with);
    return true;
  }
  static const struct {
    const char *ty, *fn;
    Builtin bi;
  } assoc_fns[] = {
#define ASSOC_FN(id, type, name) {type, name, BI_##id},
#include "syntax/builtins.def"
  };
  for (size_t i = 0; i < sizeof assoc_fns / sizeof assoc_fns[0]; i++)
    if (!strcmp(assoc_fns[i].ty, tname) && !strcmp(assoc_fns[i].fn, name)) {
      e->res = RES_BUILTIN;
      e->builtin = assoc_fns[i].bi;
      bool ok;
      e->self_ty = builtin_type_of_path(fx, p, p->nsegs - 1, &ok);
      return true;
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
  // `Names::new()` with `type Names = Vec<String>`: the builtin type's own function.
  TypeKind tk = ty_resolve(t)->kind;
  const char *builtin = tk == TY_VEC ? "Vec" : tk == TY_STRING ? "String" : tk == TY_BOX ? "Box" : NULL;
  for (size_t i = 0; builtin && i < sizeof assoc_fns / sizeof assoc_fns[0]; i++)
    if (!strcmp(assoc_fns[i].ty, builtin) && !strcmp(assoc_fns[i].fn, name)) {
      e->res = RES_BUILTIN;
      e->builtin = assoc_fns[i].bi;
      e->self_ty = t;
      return true;
    }
  int arity = builtin_method_arity(t, name);
  if (arity >= 0) {
    e->res = RES_BUILTIN_METHOD;
    e->name = name;
    e->self_ty = t;
    e->int_val = (uint64_t)arity;
    return true;
  }
  no_assoc_item(fx, last, t);
  return false;
}

// A by-value use of a place: moving out of a borrow or an index is an error (E0507); moving a
// non-Copy field out of a local is a partial move, which trc does not support yet.
void note_move(Fcx *fx, Expr *e) { vec_push(&fx->moves, e); }

// A `&mut` place where a `&mut` is expected (an argument, a return value, a `let` with that
// type) is reborrowed, `&mut *self.out`, not moved out of its owner.
void note_move_to(Fcx *fx, Expr *e, Type *expected) {
  Type *want = expected ? ty_resolve(expected) : NULL, *have = e->ty ? ty_resolve(e->ty) : NULL;
  if (want && have && want->kind == TY_REF && want->mut && have->kind == TY_REF && have->mut) return;
  note_move(fx, e);
}

// rustc's E0061: the call, with a label naming the first missing or unexpected argument. (A call
// of a closure or of something Fn is E0057 with the same words: what is "closure call".)
void arg_count_error(Fcx *fx, Span at, Expr **args, int nargs, Type **params, int nparams, const char *what) {
  for (int i = 0; i < nargs; i++) check_expr(fx, args[i], i < nparams ? params[i] : NULL);
  bool closure = !strcmp(what, "closure call");
  Diag *d = diag_error(at, closure ? "E0057" : "E0061", "this %s takes %d argument%s but %d argument%s supplied", closure ? "function" : what, nparams,
                       nparams == 1 ? "" : "s", nargs, nargs == 1 ? " was" : "s were");
  if (nargs < nparams) diag_label(d, "argument #%d of type `%s` is missing", nargs + 1, ty_name(params[nargs]));
  else diag_secondary(d, args[nparams]->span, "unexpected argument #%d of type `%s`", nparams + 1, ty_name(args[nparams]->ty));
  diag_emit(d);
}

// The Fn bound a generic argument must meet (`F: Fn(i64) -> i64`, `impl Fn(i64) -> i64`), so
// that a closure passed there gets its parameter types before its body is checked.
TraitRef *fn_bound_of(Fcx *fx, Type *param) {
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

// One argument: a closure passed for an Fn bound takes its parameter types from the bound.
// A closure passed for an `Fn`/`FnMut` bound must not be more restricted than the bound allows:
// one that changes a capture is only FnMut, one that moves a capture out only FnOnce (E0525).
// (A closure written at the call was checked as the bound's kind already: E0594/E0596.)
static void closure_kind_fits(FnDecl *cf, TraitDecl *want, Expr *arg) {
  if (diag_error_count()) return;  // (a move error in the closure's body is the one to report)
  int need = want == K->fn_traits[0] ? 0 : want == K->fn_traits[1] ? 1 : 2;
  if (need == 2 || cf->fn_bound || !cf->closure_expr) return;
  int have = cf->is_fn_once ? 2 : 0;
  Capture *why = NULL;
  for (int i = 0; !have && i < cf->ncaptures; i++)
    if (cf->captures[i].mut_use) have = 1, why = &cf->captures[i];
  if (have <= need) return;
  static const char *const kinds[3] = {"Fn", "FnMut", "FnOnce"};
  Span head = cf->closure_expr->span;
  if (cf->closure_expr->cbody && cf->closure_expr->cbody->span.lo > head.lo + 1) head.hi = cf->closure_expr->cbody->span.lo - 1;
  Diag *d = diag_error(head, "E0525", "expected a closure that implements the `%s` trait, but this closure only implements `%s`", kinds[need], kinds[have]);
  diag_label(d, "this closure implements `%s`, not `%s`", kinds[have], kinds[need]);
  if (why) diag_secondary(d, why->span, "closure is `FnMut` because it mutates the variable `%s` here", why->local->name);
  diag_secondary(d, arg->span, "the requirement to implement `%s` derives from here", kinds[need]);
  diag_emit(d);
}

void check_closure_kinds(Fcx *fx) {
  for (int i = 0; i < fx->kind_checks.len; i++) {
    KindCheck *k = &VEC_AT(fx->kind_checks, i);
    closure_kind_fits(k->closure, k->want, k->arg);
  }
}

// A value passed or stored by value (an argument, a field or tuple element being built) must
// be Sized: `Some(*b)`, `drop(*b)`, `P { v: *b }` with `b: Box<X>` and `X: ?Sized` are E0277 at
// the value, as rustc reports. what says which, for the note.
bool value_sized(Fcx *fx, Expr *e, const char *what) {
  Type *t = e->ty ? ty_resolve(e->ty) : NULL;
  Type *part = t && t->kind != TY_VAR ? unsized_part(fx->env, t) : NULL;
  if (!part) return true;
  Diag *d = diag_error(e->span, "E0277", "the size for values of type `%s` cannot be known at compilation time", ty_name(part));
  diag_label(d, "doesn't have a size known at compile-time");
  diag_note(d, "%s must have a statically known size", what);
  diag_emit(d);
  return false;
}

void check_arg(Fcx *fx, Expr *arg, Type *param, Span call) {
  TraitRef *bound = fn_bound_of(fx, param);
  if (!bound && fx->unsize_var && ty_resolve(param) == fx->unsize_var) bound = fx->unsize_fn;
  fx->closure_hint = bound;
  arg->no_reborrow = ty_resolve(param)->kind == TY_VAR;
  check_coerce(fx, arg, param);
  if (!arg->no_reborrow && ty_resolve(param)->kind == TY_REF) capture_through(fx, arg);  // reborrowed: `&*s`
  fx->closure_hint = NULL;
  if (bound && ty_resolve(param)->kind != TY_DYN) {
    // `&f` given for `F: Fn(..)` (F is then `&{closure}`, which is Fn as the closure is), or
    // for `f: &F` (F is the closure: as many references come off as the parameter has).
    Type *at = ty_resolve(arg->ty);
    while (at->kind == TY_REF && (arg->no_reborrow || ty_resolve(param)->kind != TY_REF)) at = ty_resolve(at->inner);
    for (Type *p = ty_resolve(param); p->kind == TY_REF && at->kind == TY_REF; p = ty_resolve(p->inner)) at = ty_resolve(at->inner);
    unify_with_fn_bound(fx, arg, at, bound, call);
    if (at->kind == TY_CLOSURE) vec_push(&fx->kind_checks, ((KindCheck){at->closure, bound->trait, arg}));
  }
  value_sized(fx, arg, "all function arguments");
  note_move_to(fx, arg, param);
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

// The one type argument of `size_of::<T>()` (or of an intrinsic taking one), recorded as the
// call's fn_targs for codegen to substitute per instance; NULL (and E0282) when it is missing.
static Type *turbofish_type(Fcx *fx, Expr *e, Expr *callee, PathSeg *last) {
  if (last->nargs != 1) {
    Diag *d = diag_error(callee->span, "E0282", "type annotations needed");
    diag_label(d, "cannot infer type of the type parameter `T` declared on the function `%s`", last->name);
    diag_emit(d);
    return NULL;
  }
  Type *t = resolve_type_ex(last->args[0], fx->env, fx->self_ty, false);
  e->fn_targs = arena_alloc(sizeof(Type *));
  e->fn_targs[0] = t;
  e->fn_ntargs = 1;
  return t;
}

static Type *check_builtin_call(Fcx *fx, Expr *e, Expr *callee, Type *expected) {
  Type *exp = expected ? ty_resolve(expected) : NULL;
  PathSeg *last = &callee->path.segs[callee->path.nsegs - 1];
  Sig sig = {0};
  Type *params[3];
  sig.params = params;
  switch (callee->builtin) {
  case BI_BOX_NEW: {
    Type *inner = callee->self_ty && ty_resolve(callee->self_ty)->kind == TY_BOX ? ty_resolve(callee->self_ty)->inner : ty_new_var(0);
    Type *hint = exp && exp->kind == TY_BOX && (ty_is_sized(exp->inner) || (e->nargs == 1 && e->args[0]->kind == EX_CLOSURE)) ? exp->inner : NULL;
    if (e->nargs == 1) {
      Type *t = check_expr(fx, e->args[0], hint ? hint : NULL);
      // The argument is a coercion site of the expected content: `Box<Box<dyn P>>` from
      // `Box::new(Box::new(U))` (when the expected type holds no inference variable).
      if (hint && ty_is_sized(hint) && !ty_has_vars(hint) && ty_resolve(inner)->kind == TY_VAR && !ty_may_unify(t, hint)) unify(inner, hint);
      if (!coerce(fx, e->args[0], t, inner)) mismatch(e->args[0], inner, t);
      note_move(fx, e->args[0]);
      require_sized(fx->env, t, e->args[0]->span, "the argument of `Box::new`");
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
  case BI_INT_FROM_STR_RADIX:
    sig.nparams = 2;
    params[0] = ty_ref(ty_str, false);
    params[1] = ty_u32;
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return parse_result(ty_resolve(callee->self_ty), "ParseIntError");
  case BI_FLOAT_FROM_BITS: {  // f64::from_bits(u64), f32::from_bits(u32)
    Type *ft = ty_resolve(callee->self_ty);
    sig.nparams = 1;
    params[0] = ft->bits == 32 ? ty_u32 : ty_u64;
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ft;
  }
  case BI_SIZE_OF:
  case BI_ALIGN_OF: {
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    Type *t = turbofish_type(fx, e, callee, last);
    if (t) require_sized(fx->env, t, last->args[0]->span, "the type argument of `size_of`");
    return ty_usize;
  }
  case BI_SIZE_OF_VAL:
  case BI_ALIGN_OF_VAL:  // of `&T`, T maybe unsized: a `dyn`'s from its vtable, a slice's from its length
    sig.nparams = 1;
    params[0] = ty_ref(ty_new_var(0), false);
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_usize;
  // std::any's: a type's id and name, and a `&dyn Any`'s data seen as the `&T` it was checked to be.
  case BI_TYPE_ID: case BI_TYPE_NAME: case BI_DYN_DATA: {
    Type *from = ty_new_var(0);
    if (callee->builtin == BI_DYN_DATA) {
      sig.nparams = 1;
      params[0] = ty_ref(from, false);
    }
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    Type *t = turbofish_type(fx, e, callee, last);
    if (callee->builtin == BI_TYPE_ID) return ty_u64;
    if (callee->builtin == BI_TYPE_NAME) return ty_ref(ty_str, false);
    return ty_ref(t ? t : ty_new_var(0), false);
  }
  case BI_DROP: case BI_FORGET:
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
  case BI_VEC_INTO_ARRAY: {  // (a Vec of exactly as many elements as the array's length)
    Type *t = ty_new_var(0);
    sig.nparams = 1;
    params[0] = ty_vec(t);
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_array_of(t, ty_new_var(0));
  }
  case BI_ARGS_LEN:
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_usize;
  case BI_ARG:
    sig.nparams = 1;
    params[0] = ty_usize;
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_string;
  // std::fmt's: a primitive formatted by a Formatter's spec, and {:#?}'s indented append.
  case BI_FMT:
    sig.nparams = 3;
    params[0] = ty_ref(ty_new_var(0), false);
    params[1] = ty_ref(ty_struct(K->formatter, NULL, 0), true);
    params[2] = ty_u32;  // 0 Display, 1 Debug, or a radix trait's letter ('x', 'b', 'e', ...)
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_unit;
  // std::iter's: a range's or slice iterator's next element (the caller checks there is one).
  case BI_RANGE_HAS_NEXT: case BI_RANGE_TAKE_FRONT: case BI_RANGE_TAKE_BACK:
  case BI_ITER_TAKE_FRONT: case BI_ITER_TAKE_BACK: {
    bool range = callee->builtin == BI_RANGE_HAS_NEXT || callee->builtin == BI_RANGE_TAKE_FRONT || callee->builtin == BI_RANGE_TAKE_BACK;
    Type *it = ty_new_var(0);
    sig.nparams = 1;
    params[0] = ty_ref(it, callee->builtin != BI_RANGE_HAS_NEXT);
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    Type *r = ty_resolve(it);
    if (r->kind != (range ? TY_RANGE : TY_ITER)) {
      error_at(e->span, NULL, "`%s` takes a %s", last->name, range ? "range" : "slice iterator");
      return ty_new_var(0);
    }
    if (callee->builtin == BI_RANGE_HAS_NEXT) return ty_bool;
    return range ? r->inner : ty_ref(r->inner, r->mut);
  }
  case BI_BOX_LEAK: case BI_BOX_FROM_REF: case BI_AS_MUT: {
    Type *t = ty_new_var(0);
    sig.nparams = 1;
    params[0] = callee->builtin == BI_BOX_LEAK ? ty_box(t) : ty_ref(t, false);
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return callee->builtin == BI_BOX_FROM_REF ? ty_box(t) : ty_ref(t, true);
  }
  case BI_TRANSMUTE: {  // transmute::<T, U>(x): the two types from the turbofish or inferred
    Type *from = ty_new_var(0), *to = ty_new_var(0);
    if (last->nargs == 2) {
      unify(from, resolve_type_ex(last->args[0], fx->env, fx->self_ty, true));
      unify(to, resolve_type_ex(last->args[1], fx->env, fx->self_ty, true));
    }
    sig.nparams = 1;
    params[0] = from;
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    if (exp) unify(to, exp);
    return to;
  }
  case BI_SLICE_FROM_RAW: {
    Type *t = ty_new_var(0);
    sig.nparams = 2;
    params[0] = ty_ptr(t, false);
    params[1] = ty_usize;
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_ref(ty_slice(t), false);
  }
  case BI_PARSE_INT: case BI_PARSE_FLOAT: {
    sig.nparams = 1;
    params[0] = ty_ref(ty_str, false);
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return parse_result(ty_new_var(0), callee->builtin == BI_PARSE_INT ? "ParseIntError" : "ParseFloatError");
  }
  case BI_DROP_IN_PLACE: case BI_DEALLOC: {
    sig.nparams = 1;
    params[0] = ty_ref(ty_new_var(0), callee->builtin == BI_DROP_IN_PLACE);
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_unit;
  }
  // (fn(&'static mut T), &'static mut T) -> usize or (); catch_unwind's are `&mut T` (trc's types
  // carry no lifetimes, so the signature is the same)
  case BI_THREAD_SPAWN: case BI_THREAD_ATEXIT: case BI_CATCH_UNWIND: {
    Type *arg = ty_ref(ty_new_var(0), true);
    sig.nparams = 2;
    params[0] = ty_fn(&arg, 1, ty_unit);
    params[1] = arg;
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return callee->builtin == BI_THREAD_ATEXIT ? ty_unit : ty_usize;
  }
  case BI_SET_PANIC_HOOK: {  // (fn(&'static mut T, usize), &'static mut T) -> usize
    Type *ps[2] = {ty_ref(ty_new_var(0), true), ty_usize};
    sig.nparams = 2;
    params[0] = ty_fn(ps, 2, ty_unit);
    params[1] = ps[0];
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_usize;
  }
  case BI_SYNC:
    sig.nparams = 3;
    params[0] = ty_u32;
    params[1] = params[2] = ty_usize;
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_usize;
  case BI_ADDR: case BI_DISCRIMINANT_OF:
    sig.nparams = 1;
    params[0] = ty_ref(ty_new_var(0), false);
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return callee->builtin == BI_ADDR ? ty_usize : ty_isize;
  case BI_ATOMIC_FENCE:
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_unit;
  case BI_ATOMIC_LOAD: case BI_ATOMIC_STORE: case BI_ATOMIC_SWAP: case BI_ATOMIC_ADD: case BI_ATOMIC_SUB:
  case BI_ATOMIC_AND: case BI_ATOMIC_OR: case BI_ATOMIC_XOR: case BI_ATOMIC_MAX: case BI_ATOMIC_MIN:
  case BI_ATOMIC_CAS: {
    Type *t = ty_new_var(0);
    Builtin b = callee->builtin;
    sig.nparams = b == BI_ATOMIC_LOAD ? 1 : b == BI_ATOMIC_CAS ? 3 : 2;
    params[0] = ty_ref(t, false);
    params[1] = params[2] = t;
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return b == BI_ATOMIC_STORE ? ty_unit : t;
  }
  case BI_PTR_EQ: {  // std::ptr::eq: the same address
    Type *t = ty_new_var(0);
    sig.nparams = 2;
    params[0] = params[1] = ty_ref(t, false);
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_bool;
  }
  // std::str's: a string's bytes seen as what they are (a &str is a &[u8], a String a
  // Vec<u8>), and a u32 already checked to be a scalar value made a char.
  case BI_STR_BYTES: case BI_STR_FROM_UTF8: case BI_CHAR_FROM_U32: case BI_STRING_AS_MUT_VEC: {
    Builtin b = callee->builtin;
    Type *bytes = ty_ref(ty_slice(ty_u8), false), *str = ty_ref(ty_str, false);
    sig.nparams = 1;
    params[0] = b == BI_STR_BYTES ? str : b == BI_STR_FROM_UTF8 ? bytes : b == BI_CHAR_FROM_U32 ? ty_u32 : ty_ref(ty_string, true);
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return b == BI_STR_BYTES ? bytes : b == BI_STR_FROM_UTF8 ? str : b == BI_CHAR_FROM_U32 ? ty_char : ty_ref(ty_vec(ty_u8), true);
  }
  case BI_PUSH_INDENTED:
    sig.nparams = 2;
    params[0] = ty_ref(ty_string, true);
    params[1] = ty_ref(ty_str, false);
    check_args(fx, e, e->args, e->nargs, &sig, "function");
    return ty_unit;
  default:
    ice(e->span, "unhandled builtin call");
  }
}

// A call of a value: a closure, a function pointer, a `F: Fn(..)` parameter, a `dyn Fn`, or a
// reference or Box to one of those.
// A call of a smart pointer to a callable (`h(x)` with h: &Rc<dyn Fn(i32) -> i32>) calls what
// it derefs to, as rustc's autoderef of the callee does: the callee becomes `*Deref::deref(..)`.
static Type *deref_callee(Fcx *fx, Expr *e, Type *t) {
  int derefs = 0;
  Type *p = ty_resolve(t);
  for (; (p->kind == TY_REF || p->kind == TY_BOX) && derefs < 8; derefs++) p = ty_resolve(p->inner);
  if (!has_user_deref(p)) return t;
  Expr *d = deref_through(fx, e->sub, derefs);
  if (!d) return t;
  e->sub = d;
  return d->ty;
}

// Whether calling a value of type t consumes it: a parameter bounded by FnOnce and by no Fn or
// FnMut. A closure calling such a captured parameter moves it out, so is itself FnOnce.
static bool only_fn_once(Fcx *fx, Type *t) {
  t = ty_resolve(t);
  while (t->kind == TY_BOX) t = ty_resolve(t->inner);  // `f: Box<F>` calls F by value too
  if (t->kind != TY_PARAM || t->index >= fx->env->n) return false;
  bool once = false;
  for (int b = 0; b < fx->env->nbounds[t->index]; b++) {
    TraitDecl *tr = fx->env->bounds[t->index][b]->trait;
    if (!is_fn_trait(tr)) continue;
    if (strcmp(tr->name, "FnOnce")) return false;
    once = true;
  }
  return once;
}

static Type *check_value_call(Fcx *fx, Expr *e) {
  Type *t = check_expr(fx, e->sub, NULL);
  Sig sig;
  if (!callable_sig(fx, t, &sig)) t = deref_callee(fx, e, t);
  if (!callable_sig(fx, t, &sig)) {
    Diag *d = diag_error(e->sub->span, "E0618", "expected function, found `%s`", ty_name(t));
    diag_label(d, "this is not a function");
    diag_emit(d);
    for (int i = 0; i < e->nargs; i++) check_expr(fx, e->args[i], NULL);
    return ty_new_var(0);
  }
  // (A fn pointer's call is a function's, E0061; a closure's or a `dyn Fn`'s is E0057.)
  Type *callee = ty_resolve(t);
  while (callee->kind == TY_REF || callee->kind == TY_BOX) callee = ty_resolve(callee->inner);
  check_args(fx, e, e->args, e->nargs, &sig, callee->kind == TY_FN ? "function" : "closure call");
  if (e->sub->kind == EX_PATH && e->sub->res == RES_LOCAL && only_fn_once(fx, t)) note_move(fx, e->sub);
  else if (e->sub->kind == EX_PATH && e->sub->res == RES_LOCAL && callee->kind == TY_CLOSURE) vec_push(&fx->closure_calls, e->sub);
  return sig.ret;
}

// Whether an expected `Rc<dyn Tr>` (Arc, ...) has an argument unsized by a trait object (`dyn
// Tr`, `RefCell<dyn Tr>`), which the call's sized result is coerced to afterwards; an
// `Rc<Box<dyn Tr>>` is only the type of the call (and an `Rc<str>` is what `Rc::from("..")`
// makes itself).
static bool dyn_arg(Type *expected) {
  if (expected->kind != TY_STRUCT) return false;
  for (int i = 0; i < expected->nargs; i++)
    if (!env_is_sized(cur_env, expected->args[i]) && ty_has_dyn(expected->args[i])) return true;
  return false;
}

// Rc<?T> expected as Rc<dyn Fn(A) -> R>: ?T is to be a closure of that signature.
static void unsize_fn_hint(Fcx *fx, Type *ret, Type *expected) {
  if (expected->kind != TY_STRUCT || expected->sdecl != ret->sdecl) return;
  for (int i = 0; i < ret->nargs && i < expected->nargs; i++) {
    Type *v = ty_resolve(ret->args[i]), *d = ty_resolve(expected->args[i]);
    if (v->kind == TY_VAR && d->kind == TY_DYN && d->principal && is_fn_trait(d->principal->trait)) {
      fx->unsize_var = v;
      fx->unsize_fn = d->principal;
    }
  }
}

// A type parameter is Sized unless it says `?Sized`, so `f(x)` with `x: &dyn Show` for
// `fn f<T: Show>(t: &T)` is E0277, reported at the argument that made T unsized, as rustc does.
static void check_sized_targs(Fcx *fx, Expr *call, Expr *callee) {
  FnDecl *f = callee->fn;
  GenericEnv *env = f->env;
  int outer = (f->impl && f->impl->env ? f->impl->env->n : 0) + (f->trait ? f->trait->env->n : 0);
  int extra = f->self_kind != SELF_NONE;
  for (int i = 0; env && i < env->n && i < callee->fn_ntargs; i++) {
    if (!env->sized[i] || (env->has_self && i == 0)) continue;
    Type *t = ty_resolve(callee->fn_targs[i]);
    if (t->kind == TY_VAR || !(t = unsized_part(fx->env, t))) continue;
    int k = i - outer;
    PathSeg *last = &callee->path.segs[callee->path.nsegs - 1];
    TypeExpr *written = k >= 0 && k < last->nargs ? last->args[k] : NULL;  // `is_sized::<X>()`
    Expr *arg = NULL;
    for (int a = 0; !written && a < f->nparams && a + extra < call->nargs && !arg; a++)
      if (ty_occurs(env->params[i], f->param_types[a])) arg = call->args[a + extra];
    if (arg && arg->ty && !env_is_sized(fx->env, arg->ty)) return;  // value_sized reported it
    Diag *d = diag_error(written ? written->span : arg ? arg->span : callee->span, "E0277", "the size for values of type `%s` cannot be known at compilation time", ty_name(t));
    diag_label(d, "doesn't have a size known at compile-time");
    if (arg) diag_secondary(d, callee->span, "required by a bound introduced by this call");
    diag_help(d, "the trait `Sized` is not implemented for `%s`", ty_name(t));
    if (k >= 0 && k < f->generics.nparams)
      diag_note_at(d, f->generics.params[k].span, "required by an implicit `Sized` bound in `%s`", f->name);
    diag_emit(d);
    return;
  }
}

Type *check_call(Fcx *fx, Expr *e, Type *expected) {
  Expr *callee = e->sub;
  if (callee->kind != EX_PATH) return check_value_call(fx, e);
  if (callee->path.nsegs == 1 && !callee->path.segs[0].nargs &&
      find_local_hyg(fx, callee->path.segs[0].name, callee->path.segs[0].hyg))
    return check_value_call(fx, e);
  vec_push(&fx->exprs, callee);
  callee->ty = ty_unit;
  fx->resolving_callee = true;
  bool resolved = resolve_value_path(fx, callee);
  fx->resolving_callee = false;
  if (!resolved) {
    for (int i = 0; i < e->nargs; i++) check_expr(fx, e->args[i], NULL);
    return ty_new_var(0);
  }
  switch (callee->res) {
  case RES_BUILTIN: return check_builtin_call(fx, e, callee, expected);
  case RES_FN:
  case RES_TRAIT_FN: {
    Sig sig = sig_of(callee->fn, callee->fn_targs, callee->fn_ntargs);
    blame_arguments(fx, 0, callee, e->args, e->nargs);
    // The expected type helps `let x: T = T::new()`, but not `let r: Rc<dyn Tr> = Rc::new(c)`,
    // where the result is coerced to it instead.
    Type *ret = ty_resolve(sig.ret);
    bool unsizes = ret->kind == TY_STRUCT && ret->sdecl->coerce_unsized && expected && dyn_arg(ty_resolve(expected));
    if (expected && !ty_has_vars(expected) && !unsizes) unify(sig.ret, expected);
    if (unsizes) unsize_fn_hint(fx, ret, ty_resolve(expected));
    check_args(fx, e, e->args, e->nargs, &sig, callee->fn->self_kind != SELF_NONE ? "method" : "function");
    // `BTreeMap::from([(1, 10)])`: of the impls of the trait for the self type, the one the
    // arguments pick decides the rest of the self type now (K and V), for what follows.
    TraitDecl *tr = callee->res == RES_TRAIT_FN ? callee->fn->trait : NULL;
    if (tr && tr->generics.nparams && callee->fn_ntargs > tr->generics.nparams && ty_resolve(callee->fn_targs[0])->kind == TY_STRUCT &&
        ty_has_vars(callee->fn_targs[0]))
      select_by_args(tr, callee->fn_targs[0], callee->fn_targs + 1, tr->generics.nparams);
    check_sized_targs(fx, e, callee);
    fx->unsize_var = NULL;
    fx->unsize_fn = NULL;
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
  case RES_BUILTIN_METHOD:  // `String::len(&s)`: the method call `(&s).len()`
    if (e->nargs < 1) {
      error_at(e->span, "E0061", "this method takes %d argument%s but 0 arguments were supplied", (int)callee->int_val,
               callee->int_val == 1 ? "" : "s");
      return ty_new_var(0);
    }
    e->kind = EX_METHOD;
    e->name = callee->name;
    e->name_span = callee->span;
    e->sub = e->args[0];
    e->args++;
    e->nargs--;
    if (callee->self_ty && ty_is_numeric(callee->self_ty)) {  // `i32::abs(-5)`: the path says which integer type
      check_coerce(fx, e->sub, callee->self_ty);
      return check_operator_method(fx, e);
    }
    return check_method(fx, e);
  case RES_CONST_ITEM:  // `const F: fn(i32) -> i32 = sq;` called as `F(3)`
    return check_value_call(fx, e);
  case RES_LOCAL:
    error_at(callee->span, "E0618", "expected function, found local variable `%s`", callee->local->name);
    for (int i = 0; i < e->nargs; i++) check_expr(fx, e->args[i], NULL);
    return ty_new_var(0);
  default:
    error_at(callee->span, "E0618", "expected function, found `%s`", callee->path.segs[0].name);
    return ty_new_var(0);
  }
}
