// mono.c — the instance table.
//
// An Instance is one (FnDecl, concrete type arguments) pair: exactly what becomes one LLVM
// function. The collector (collect.c) starts from `main` and asks `mono_instance` for
// everything a body uses; a new instance is queued for the collector to walk in turn. Once
// the walk is done the table is sealed, and codegen emits the queue in order.
//
// Trait method calls on a type parameter are resolved here, per instance: once `T` is known to
// be `Circle`, `<T as Drawable>::draw` becomes the FnDecl in `impl Drawable for Circle` (or the
// trait's default body, instantiated with Self = Circle).
#include "mono/mono.h"

#include <string.h>

#define NBUCKETS 1024
static Instance *buckets[NBUCKETS];
typedef VEC(Instance *) InstanceVec;
static InstanceVec pending;  // every instance, in the order they were asked for
static int walk_pos, emit_pos;
static bool sealed;
static Crate *crate;

// rustc's default recursion_limit: how many instances of one function a chain of instances
// (each first asked for by the body of the one before) may hold. Only polymorphic recursion
// gets near it (`f::<T>` calling `f::<(T,)>`): every level is a new type, and the collector
// would never stop.
#define INSTANCE_DEPTH_LIMIT 128
static Instance *current;  // the instance whose body the collector is walking
static bool reported_limit;

void mono_init(Crate *c) {
  crate = c;
  memset(buckets, 0, sizeof buckets);
  pending = (InstanceVec){0};
  walk_pos = emit_pos = 0;
  sealed = false;
  current = NULL;
  reported_limit = false;
  if (c) impls_follow_deeper();
}

static uint32_t instance_hash(FnDecl *fn, Type **targs, int n) {
  uintptr_t h = (uintptr_t)fn * 31;
  for (int i = 0; i < n; i++) h = h * 1000003u ^ (uintptr_t)targs[i];
  return (uint32_t)(h ^ (h >> 29));
}

static const char *type_list(Type **targs, int from, int to) {
  if (from >= to) return "";
  const char *s = "<";
  for (int i = from; i < to; i++) s = arena_printf("%s%s%s", s, i > from ? ", " : "", ty_name(targs[i]));
  return arena_printf("%s>", s);
}

// Readable symbol names, close to how rustc's demangler prints them:
//   free fns        draw_static<Circle>
//   trait methods   <Circle as Drawable>::draw
//   inherent        Circle::new
//   in a module     shapes::unit_circle (a free fn's module path; types keep their short
//                   names, as in the vtables' `vtable<Circle as Drawable>`)
static const char *instance_symbol(FnDecl *fn, Type **targs, int n) {
  if (fn->name == intern_cstr("main") && !fn->impl && !fn->trait) return "trc_main";
  int own_from = fn->impl ? fn->impl->env->n : fn->trait ? fn->trait->env->n : 0;
  const char *own = type_list(targs, own_from, n);
  if (fn->trait) {
    Type *self = targs[0];
    TraitDecl *t = fn->trait;
    return arena_printf("<%s as %s%s>::%s%s", ty_name(self), t->name, type_list(targs, 1, t->env->n), fn->name, own);
  }
  if (fn->impl) {
    ImplDecl *im = fn->impl;
    Type *self = ty_subst(im->self_ty, targs, n);
    if (im->trait) {
      const char *targs_s = "";
      if (im->ntrait_args) {
        targs_s = "<";
        for (int i = 0; i < im->ntrait_args; i++)
          targs_s = arena_printf("%s%s%s", targs_s, i ? ", " : "", ty_name(ty_subst(im->trait_args[i], targs, n)));
        targs_s = arena_printf("%s>", targs_s);
      }
      return arena_printf("<%s as %s%s>::%s%s", ty_name(self), im->trait->name, targs_s, fn->name, own);
    }
    return arena_printf("%s::%s%s", ty_name(self), fn->name, own);
  }
  return arena_printf("%s%s%s", module_symbol_prefix(fn->span), fn->name, own);
}

// rustc's spelling of an instance in errors, with deep types cut short: `f::<A>`,
// `Nest::go::<A>` (inherent), `<W<u8> as Depth>::depth` (trait impl); only the function's own
// type arguments follow the name.
static const char *instance_name(Instance *in) {
  FnDecl *fn = in->fn;
  const char *path = fn->name;
  int own_from = 0;
  if (fn->impl) {
    own_from = fn->impl->env ? fn->impl->env->n : 0;
    Type *self = ty_subst(fn->impl->self_ty, in->targs, in->ntargs);
    if (fn->impl->trait)
      path = arena_printf("<%s as %s>::%s", ty_name_short(self, 20), fn->impl->trait->name, fn->name);
    else
      path = arena_printf("%s::%s", ty_resolve(self)->kind == TY_STRUCT ? ty_resolve(self)->sdecl->name : ty_name_short(self, 20), fn->name);
  } else if (fn->trait) {
    own_from = fn->trait->env->n;
  }
  if (own_from >= in->ntargs) return path;
  const char *args = "";
  for (int i = own_from; i < in->ntargs; i++)
    args = arena_printf("%s%s%s", args, i > own_from ? ", " : "", ty_name_short(in->targs[i], 20));
  return arena_printf("%s::<%s>", path, args);
}

static void report_recursion_limit(Instance *in, Span at) {
  if (reported_limit) return;
  reported_limit = true;
  Diag *d = diag_error(at.hi ? at : in->fn->span, NULL, "reached the recursion limit while instantiating `%s`",
                       instance_name(in));
  const char *name = instance_name(in);
  const char *turbofish = strstr(name, "::<");
  diag_note_at(d, in->fn->sig_span.hi ? in->fn->sig_span : in->fn->span, "`%.*s` defined here",
               turbofish ? (int)(turbofish - name) : (int)strlen(name), name);
  diag_emit(d);
}

Instance *mono_instance(FnDecl *fn, Type **targs, int ntargs, Span at) {
  for (int i = 0; i < ntargs; i++)
    if (ty_has_params(targs[i]) || ty_has_vars(targs[i]))
      ice(fn->span, "instance of `%s` requested with a non-concrete type `%s`", fn->name, ty_name(targs[i]));
  uint32_t h = instance_hash(fn, targs, ntargs);
  for (Instance *in = buckets[h % NBUCKETS]; in; in = in->next_in_bucket) {
    if (in->fn != fn || in->ntargs != ntargs) continue;
    bool same = true;
    for (int i = 0; i < ntargs && same; i++) same = in->targs[i] == targs[i];
    if (same) return in;
  }
  if (sealed) ice(fn->span, "the instance `%s` was not collected", instance_symbol(fn, targs, ntargs));
  Instance *in = arena_alloc(sizeof *in);
  in->fn = fn;
  in->ntargs = ntargs;
  in->targs = arena_alloc(sizeof(Type *) * (ntargs + 1));
  copy_bytes(in->targs, targs, sizeof(Type *) * ntargs);
  in->symbol = instance_symbol(fn, in->targs, ntargs);
  in->next_in_bucket = buckets[h % NBUCKETS];
  buckets[h % NBUCKETS] = in;
  // Counted per function, as rustc does: the call chain to `go::<W<W<u8>>>` passes through
  // `go::<u8>` and `go::<W<u8>>`, whatever else it passes through.
  in->parent = current;
  for (Instance *p = current; p; p = p->parent) in->depth += p->fn == fn;
  if (in->depth > INSTANCE_DEPTH_LIMIT) {
    // Declared for the caller's sake but never emitted: codegen gives up after the error.
    report_recursion_limit(in, at);
    return in;
  }
  vec_push(&pending, in);
  return in;
}

Instance *mono_next_to_walk(void) {
  if (walk_pos >= pending.len) return current = NULL;
  return current = VEC_AT(pending, walk_pos++);
}

void mono_seal(void) {
  sealed = true;
  current = NULL;
}

Instance *mono_instance_at(int i) { return i < pending.len ? VEC_AT(pending, i) : NULL; }

Instance *mono_next_pending(void) { return emit_pos < pending.len ? VEC_AT(pending, emit_pos++) : NULL; }

// Opaque types (`-> impl Tr`) are their hidden types here; normalizing a projection may give
// another function's opaque type, revealed in turn.
Type *mono_subst(Type *t, Type **args, int n) {
  t = ty_reveal(ty_subst(t, args, n));
  return t && ty_has_assoc(t) ? ty_reveal(ty_normalize(t, NULL)) : t;
}

// A trait method for a concrete Self type: the FnDecl that implements it (the impl's method,
// or the trait's default body) and the full type arguments for that FnDecl.
static FnDecl *resolve_method(TraitDecl *trait, FnDecl *method, Type *self_ty, Type **method_targs, int n_method_targs,
                            Type ***out_targs, int *out_ntargs) {
  int ntrait = trait->env->n;  // Self + the trait's own parameters
  TraitRef tr = {.trait = trait, .args = method_targs + 1, .nargs = ntrait - 1};
  Type **impl_args = NULL;
  int nimpl = 0;
  ImplDecl *im = find_impl(crate, &tr, self_ty, &impl_args, &nimpl);
  if (im) {
    for (int i = 0; i < im->nmethods; i++) {
      FnDecl *f = im->methods[i];
      if (f->name != method->name) continue;
      int nown = n_method_targs - ntrait;
      Type **targs = arena_alloc(sizeof(Type *) * (nimpl + nown + 1));
      copy_bytes(targs, impl_args, sizeof(Type *) * nimpl);
      copy_bytes(targs + nimpl, method_targs + ntrait, sizeof(Type *) * nown);
      *out_targs = targs;
      *out_ntargs = nimpl + nown;
      return f;
    }
  }
  if (!method->body)
    ice(method->span, "no implementation of `%s::%s` for `%s`", trait->name, method->name, ty_name(self_ty));
  // The trait's default body, with Self and the trait's parameters as given.
  Type **targs = arena_alloc(sizeof(Type *) * (n_method_targs + 1));
  copy_bytes(targs, method_targs, sizeof(Type *) * n_method_targs);
  targs[0] = self_ty;
  *out_targs = targs;
  *out_ntargs = n_method_targs;
  return method;
}

Instance *mono_trait_method(TraitDecl *trait, FnDecl *method, Type *self, Type **targs, int ntargs, Span at) {
  Type **itargs = NULL;
  int nit = 0;
  FnDecl *f = resolve_method(trait, method, self, targs, ntargs, &itargs, &nit);
  return mono_instance(f, itargs, nit, at);
}

Instance *mono_drop_method(Type *t) {
  t = ty_resolve(t);
  if (t->kind != TY_STRUCT || !t->sdecl->drop_impl) return NULL;
  ImplDecl *im = t->sdecl->drop_impl;
  for (int i = 0; i < im->nmethods; i++) {
    if (strcmp(im->methods[i]->name, "drop")) continue;
    Type **targs = NULL;
    int n = 0;
    TraitRef tr = {.trait = crate->drop_trait};
    find_impl(crate, &tr, t, &targs, &n);
    return mono_instance(im->methods[i], targs, n, (Span){0});
  }
  return NULL;
}

bool mono_has_builtin_impl(TraitDecl *trait, Type *self, Type *rhs) {
  if (trait == crate->debug_trait) return ty_resolve(self)->kind == TY_ARRAY;
  if (trait != crate->clone_trait && trait != crate->partial_eq_trait) return false;
  // PartialEq asks for the impl with its Rhs (`impl PartialEq<f64> for Money` is not Money's
  // PartialEq with itself); Rhs is Self unless given.
  Type *arg = rhs ? rhs : self;
  TraitRef tr = {.trait = trait, .args = &arg, .nargs = trait == crate->partial_eq_trait};
  return !find_impl(crate, &tr, self, NULL, NULL);
}

Type **mono_self_targs(TraitDecl *trait, Type *self) {
  int n = trait->env->n;
  Type **targs = arena_alloc(sizeof(Type *) * (n + 1));
  for (int i = 0; i < n; i++) targs[i] = self;
  return targs;
}

Instance *mono_vtable_method(Type *concrete, TraitRef *tr, VtEntry *e) {
  TraitDecl *owner = e->trait;
  if (is_fn_trait(owner)) return NULL;
  int nt = tr->trait->env->n;
  Type **targs = arena_alloc(sizeof(Type *) * (nt + 1));
  targs[0] = concrete;
  for (int a = 1; a < nt; a++) targs[a] = a - 1 < tr->nargs ? tr->args[a - 1] : concrete;
  Type **otargs = trait_super_targs(tr->trait, targs, owner);
  if (!otargs) ice(e->method->span, "`%s` is not a supertrait of `%s`", owner->name, tr->trait->name);
  return mono_trait_method(owner, e->method, concrete, otargs, owner->env->n, (Span){0});
}

