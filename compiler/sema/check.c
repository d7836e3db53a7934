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
#include "sema/sema_internal.h"

#include <string.h>

// ---------------------------------------------------------------------------------------------
// Pass 1 and 2: collecting items and resolving their headers

static void collect_item(Item *it);


static void add_bounds_from(GenericEnv *env, int pi, Bound *bounds, int nb, Type *self_ty) {
  for (int b = 0; b < nb; b++) {
    if (bounds[b].maybe) {
      env->sized[pi] = false;
      continue;
    }
    TraitRef *r = resolve_trait_ref(&bounds[b].path, env, self_ty, env->params[pi]);
    if (r) env_add_bound(env, pi, r);
  }
}

static void resolve_trait_header(TraitDecl *t);

// Whether trait t has Sized among its supertraits, transitively.
static bool implies_sized(TraitDecl *t, int depth) {
  if (depth > 8) return false;
  resolve_trait_header(t);
  if (t->requires_sized) return true;
  for (int i = 0; i < t->nsuper_traits; i++)
    if (implies_sized(t->super_traits[i], depth + 1)) return true;
  for (int i = 0; i < t->nmarker_supers; i++)
    if (implies_sized(t->marker_supers[i], depth + 1)) return true;
  return false;
}

bool trait_implies_sized(TraitDecl *t) { return implies_sized(t, 0); }

// A trait method's `where Self: Tr` (other than Sized): the method exists for every
// implementor, but only those implementing Tr may call it, checked at each call.
static void add_self_bound(FnDecl *fn, TraitRef *r, Span sp) {
  struct TraitRefList *l = fn->self_bounds;
  if (!l) l = fn->self_bounds = arena_alloc(sizeof *l);
  for (int i = 0; i < l->n; i++)
    if (l->refs[i]->trait == r->trait) return;
  TraitRef **refs = arena_alloc(sizeof(TraitRef *) * (l->n + 1));
  Span *spans = arena_alloc(sizeof(Span) * (l->n + 1));
  for (int i = 0; i < l->n; i++) refs[i] = l->refs[i], spans[i] = fn->self_bound_spans[i];
  refs[l->n] = r, spans[l->n] = sp;
  l->refs = refs, fn->self_bound_spans = spans, l->n++;
}

static bool is_self_type_expr(TypeExpr *te) {
  return te->kind == TE_PATH && te->path.nsegs == 1 && !te->path.segs[0].nargs && !strcmp(te->path.segs[0].name, "Self");
}

// Adds a Generics list (params with inline bounds, then where clauses) to env.
// `const N: usize`: the types a const parameter may have are the integers, bool and char.
static Type *resolve_const_param_type(TypeExpr *te, GenericEnv *env) {
  Type *t = ty_resolve(resolve_type(te, env, NULL));
  if (t->kind == TY_INT || t->kind == TY_BOOL || t->kind == TY_CHAR) return t;
  Diag *d = diag_error(te->span, NULL, "`%s` is forbidden as the type of a const generic parameter", ty_name(t));
  diag_note(d, "the only supported types are integers, `bool`, and `char`");
  diag_emit(d);
  return ty_usize;
}

static void add_generics(GenericEnv *env, Generics *g, Type *self_ty, FnDecl *fn) {
  int first = env->n;
  for (int i = 1; i < g->nparams; i++)  // E0403: `fn f<T, T>()`
    for (int j = 0; j < i; j++)
      if (g->params[i].name == g->params[j].name) {
        Diag *d = diag_error(g->params[i].span, "E0403", "the name `%s` is already used for a generic parameter in this item's generic parameters", g->params[i].name);
        diag_label(d, "already used");
        diag_secondary(d, g->params[j].span, "first use of `%s`", g->params[j].name);
        diag_emit(d);
        break;
      }
  for (int i = 0; i < g->nparams; i++) {
    if (env->n >= first + 14) {
      error_at(g->params[i].span, NULL, "too many type parameters");
      break;
    }
    int at = env_add(env, g->params[i].name);
    if (g->params[i].const_ty) env->const_tys[at] = resolve_const_param_type(g->params[i].const_ty, env);
  }
  for (int i = 0; i < g->nparams && first + i < env->n; i++) {
    add_bounds_from(env, first + i, g->params[i].bounds, g->params[i].nbounds, self_ty);
    if (g->params[i].lifetime_bound && !strcmp(g->params[i].lifetime_bound, "'static")) env->outlives_static[first + i] = true;
  }
  for (int i = 0; i < g->npreds; i++) {
    WherePred *w = &g->preds[i];
    // `where Self: Sized` on a trait method opts the method out of the vtable.
    if (is_self_type_expr(w->ty)) {
      for (int b = 0; b < w->nbounds; b++) {
        TraitRef *r = w->bounds[b].maybe ? NULL : resolve_trait_ref(&w->bounds[b].path, env, self_ty, env->has_self ? env->params[0] : self_ty);
        if (!r) continue;
        if (r->trait == K->sized_trait && fn) {
          fn->requires_sized = true;
          fn->sized_span = w->bounds[b].span;
        }
        else if (env->has_self) {
          env_add_bound(env, 0, r);
          if (fn && !r->trait->is_auto) add_self_bound(fn, r, w->bounds[b].span);
          // `where Self: Clone` asks for Sized too (Clone: Sized), as rustc elaborates it.
          if (fn && !fn->requires_sized && implies_sized(r->trait, 0)) fn->requires_sized = true;
        }
      }
      continue;
    }
    Type *t = ty_resolve(resolve_type(w->ty, env, self_ty));
    if (t->kind != TY_PARAM) {  // `where Self::Item: Ord`, `where Option<T>: Debug`
      for (int b = 0; b < w->nbounds; b++) {
        TraitRef *r = w->bounds[b].maybe ? NULL : resolve_trait_ref(&w->bounds[b].path, env, self_ty, t);
        if (r && r->trait != K->sized_trait) env_add_pred(env, t, r);
      }
      continue;
    }
    add_bounds_from(env, t->index, w->bounds, w->nbounds, self_ty);
    if (w->lifetime_bound && !strcmp(w->lifetime_bound, "'static")) env->outlives_static[t->index] = true;
  }
}

static void collect_fn(FnDecl *f) { vec_push(&K->fns, f); }

static void collect_item(Item *it) {
  switch (it->kind) {
  case ITEM_FN: collect_fn(it->fn); break;
  case ITEM_STRUCT: vec_push(&K->structs, it->sdecl); break;
  case ITEM_TRAIT: vec_push(&K->traits, it->trait); break;
  case ITEM_IMPL:
    it->impl->index = K->impls.len;
    vec_push(&K->impls, it->impl);
    break;
  case ITEM_USE: {
    const char *alias = it->use_alias ? it->use_alias : it->use_path.segs[it->use_path.nsegs - 1].name;
    const char *module = it->span.file == 0 ? std_module_of(it->span) : NULL;
    if (use_is_program_path(it)) {  // module_paths.c has it; only a variant import remains
      Path *vp = use_variant_path(it);
      if (vp) resolve_add_use(*vp, alias, it->span);
    } else if (module) {
      resolve_add_reexport(module, it->use_path, alias);
    } else {
      resolve_add_use(it->use_path, alias, it->span);
    }
    break;
  }
  case ITEM_CONST: vec_push(&K->consts, it->cdecl); break;
  case ITEM_TYPE: vec_push(&K->aliases, it->alias); break;
  }
}


// A struct's references need their lifetimes named: there is nothing to elide them from.
static void missing_field_lifetime(FieldDecl *f) {
  Span at = f->elided_lifetime;
  at.hi = at.lo + 1;
  Diag *d = diag_error(at, "E0106", "missing lifetime specifier");
  diag_label(d, "expected named lifetime parameter");
  diag_emit(d);
}

static void unsized_field(StructDecl *s, FieldDecl *f) {
  Type *t = ty_resolve(f->type);
  for (int guard = 0; guard < 64 && t->kind == TY_STRUCT && t->sdecl->unsized_tail; guard++) t = ty_resolve(ty_tail_field(t));
  Diag *d = diag_error(f->ty->span, "E0277", "the size for values of type `%s` cannot be known at compilation time", ty_name(t));
  diag_label(d, "doesn't have a size known at compile-time");
  if (t->kind == TY_PARAM && t->index < s->env->n && s->env->params[t->index] == t)
    diag_secondary(d, s->generics.params[t->index].span, "this type parameter needs to be `Sized`");
  else
    diag_help(d, "the trait `Sized` is not implemented for `%s`", ty_name(t));
  diag_note(d, "only the last field of a struct may have a dynamically sized type");
  diag_help(d, "change the field's type to have a statically known size");
  if (t->kind != TY_PARAM) diag_help(d, "borrowed types always have a statically known size: `&%s`", ty_name(t));
  diag_emit(d);
}

static void resolve_fields(FieldDecl *fields, int n, StructDecl *s, Type *self) {
  for (int i = 0; i < n; i++) {
    FieldDecl *f = &fields[i];
    if (f->elided_lifetime.hi) missing_field_lifetime(f);
    f->type = resolve_type(f->ty, s->env, self);
    // Only a struct's last field may be unsized (`struct Baz { x: i32, inner: dyn Foo }`).
    if ((s->is_enum || i < n - 1) && !env_is_sized(s->env, f->type)) unsized_field(s, f);
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
    *out = (int64_t)(0 - e->sub->int_val);  // unsigned negation: `-9223372036854775808` wraps, no UB
    return true;
  }
  error_at(e->span, NULL, "enum discriminants must be integer literals");
  return false;
}

// Variants count up from the previous discriminant, as in Rust (E0081 for a repeated value).
static void resolve_variants(StructDecl *s, Type *self) {
  int64_t next = 0;
  bool overflowed = false;  // the previous discriminant was isize::MAX
  for (int v = 0; v < s->nvariants; v++) {
    EnumVariant *ev = &s->variants[v];
    if (ev->discriminant && ev->kind != STRUCT_UNIT)
      error_at(ev->discriminant->span, "E0732", "discriminants on variants with fields are not supported");
    if (ev->discriminant) {
      const_discriminant(ev->discriminant, &next);
    } else if (overflowed) {
      Diag *d = diag_error(ev->span, "E0370", "enum discriminant overflowed");
      diag_label(d, "overflowed on value after %lld", (long long)INT64_MAX);
      diag_note(d, "explicitly set `%s = %lld` if that is desired outcome", ev->name, (long long)INT64_MIN);
      diag_emit(d);
    }
    ev->discr = next;
    overflowed = next == INT64_MAX;
    next = (int64_t)((uint64_t)next + 1);  // wraps without UB; E0370 above reports it
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

// Whether the struct's last field may be unsized: its type is a `?Sized` parameter, or a struct
// whose own tail is that parameter (`value: RefCell<T>` in `RcBox<T: ?Sized>`); tail_param is
// then that parameter. A last field unsized whatever the arguments (`inner: dyn Foo`) makes the
// struct unsized too, with tail_param -1.
static void find_unsized_tail(StructDecl *s) {
  if (!s->nfields || !s->fields[s->nfields - 1].type) return;
  Type *t = ty_resolve(s->fields[s->nfields - 1].type);
  if (!ty_is_sized(t)) {
    s->unsized_tail = true;
    s->tail_param = -1;
    return;
  }
  if (t->kind == TY_STRUCT && t->sdecl->unsized_tail && t->sdecl->tail_param >= 0 && t->sdecl->tail_param < t->nargs)
    t = ty_resolve(t->args[t->sdecl->tail_param]);
  if (t->kind != TY_PARAM || t->index >= s->env->n || s->env->sized[t->index]) return;
  s->unsized_tail = true;
  s->tail_param = t->index;
}

static void resolve_struct(StructDecl *s) {
  resolve_scope_of(s->span);
  s->env = env_new(NULL);
  add_generics(s->env, &s->generics, NULL, NULL);
  Type **args = arena_alloc(sizeof(Type *) * (s->env->n + 1));
  for (int i = 0; i < s->env->n; i++) args[i] = s->env->params[i];
  Type *self = ty_struct(s, args, s->env->n);
  if (s->is_enum) resolve_variants(s, self);
  else resolve_fields(s->fields, s->nfields, s, self);
  if (!s->is_enum) find_unsized_tail(s);
  s->coerce_unsized = s->attrs.coerce_unsized && s->span.file == 0;  // std's own attribute
  for (int i = 0; i < s->attrs.nderives; i++)
    if (!strcmp(s->attrs.derives[i], "Copy")) s->is_copy = true;
}

// Whether t, or a type it holds (through fields, elements and pointers), is one pred says.
static bool type_holds(Type *t, bool (*pred)(Type *), int depth) {
  t = ty_resolve(t);
  if (!t || depth > 16) return false;
  if (pred(t)) return true;
  if (t->kind == TY_STRUCT) {
    StructDecl *s = t->sdecl;
    for (int v = 0; v < (s->is_enum ? s->nvariants : 1); v++) {
      FieldDecl *fields = s->is_enum ? s->variants[v].fields : s->fields;
      int n = s->is_enum ? s->variants[v].nfields : s->nfields;
      for (int i = 0; i < n; i++)
        if (type_holds(ty_subst(fields[i].type, t->args, t->nargs), pred, depth + 1)) return true;
    }
    return false;
  }
  if (t->inner && type_holds(t->inner, pred, depth + 1)) return true;
  for (int i = 0; t->kind != TY_FN && i < t->nargs; i++)
    if (type_holds(t->args[i], pred, depth + 1)) return true;
  return false;
}

static bool has_drop_impl(Type *t) { return t->kind == TY_STRUCT && t->sdecl->drop_impl; }

// A static is one value shared by the whole program (and its threads): its type must be Sync
// (E0277). It is never dropped, as in rustc, so a type with a Drop impl is fine.
static void check_static_type(ConstDecl *cd, Type *t) {
  TraitDecl *which = K->sync_trait;
  Type *leaf = auto_trait_failure(t, K->sync_trait, &which);
  if (leaf) {
    const char *verb = which == K->send_trait ? "sent" : "shared";
    Diag *d = diag_error(cd->ty->span, "E0277", "`%s` cannot be %s between threads safely", ty_name(leaf), verb);
    diag_label(d, "`%s` cannot be %s between threads safely", ty_name(leaf), verb);
    if (leaf != t) diag_help(d, "within `%s`, the trait `%s` is not implemented for `%s`", ty_name(t), which->name, ty_name(leaf));
    else diag_help(d, "the trait `Sync` is not implemented for `%s`", ty_name(t));
    diag_note(d, "shared static variables must have a type that implements `Sync`");
    diag_emit(d);
  }
}

// A const's value becomes the body of a function returning it.
static void resolve_const(ConstDecl *cd) {
  resolve_scope_of(cd->span);
  FnDecl *f = arena_alloc(sizeof *f);
  f->name = cd->name;
  f->span = cd->span;
  f->sig_span = cd->span;
  f->env = env_new(NULL);
  f->ret_type = resolve_type(cd->ty, f->env, NULL);
  f->body = arena_alloc(sizeof(Block));
  f->body->tail = cd->value;
  f->body->span = cd->value->span;
  f->is_static = cd->is_static;
  f->is_static_mut = cd->is_mut;
  f->is_thread_local = cd->thread_local;
  f->const_context = cd->is_static ? "statics" : "constants";
  cd->fn = f;
  // A `static mut` is only used in `unsafe` code, which answers for sharing it (no Sync needed);
  // a thread's own (thread_local!'s slot) is written only through the pointer LocalKey keeps.
  if (cd->is_static && !cd->is_mut && !cd->thread_local) check_static_type(cd, f->ret_type);
  else if (cd->is_mut && !cd->thread_local && type_holds(f->ret_type, has_drop_impl, 0))
    error_at(cd->ty->span, NULL, "trc does not support `static mut` items of a type with a `Drop` impl (`%s`)", ty_name(f->ret_type));
}

// `trait Tr where Self: A + B` is `trait Tr: A + B` (the Reference defines supertraits so):
// the where clause's bounds join the supertraits, which every impl must then satisfy.
static void self_preds_to_supers(TraitDecl *t) {
  Generics *g = &t->generics;
  int kept = 0;
  for (int i = 0; i < g->npreds; i++) {
    WherePred *w = &g->preds[i];
    if (!is_self_type_expr(w->ty)) {
      g->preds[kept++] = *w;
      continue;
    }
    Bound *all = arena_alloc(sizeof(Bound) * (t->nsupers + w->nbounds + 1));
    copy_bytes(all, t->supers, sizeof(Bound) * t->nsupers);
    copy_bytes(all + t->nsupers, w->bounds, sizeof(Bound) * w->nbounds);
    t->supers = all;
    t->nsupers += w->nbounds;
  }
  g->npreds = kept;
}

static void resolve_trait_header(TraitDecl *t) {
  if (t->resolved) return;
  resolve_scope_of(t->span);
  t->resolved = true;
  self_preds_to_supers(t);
  const char *n = t->name;
  // The prelude declares these; their special meaning is the compiler's.
  t->is_auto = !strcmp(n, "Send") || !strcmp(n, "Sync") || !strcmp(n, "Unpin") ||
               (t->span.file == 0 && (!strcmp(n, "UnwindSafe") || !strcmp(n, "RefUnwindSafe")));
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
  t->marker_supers = arena_alloc(sizeof(TraitDecl *) * (t->nsupers + 1));
  for (int i = 0; i < t->nsupers; i++) {
    if (t->supers[i].maybe) continue;
    TraitRef *r = resolve_trait_ref(&t->supers[i].path, t->env, t->env->params[0], t->env->params[0]);
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
    if (r->trait->is_marker || r->trait->is_auto) {  // `trait Job: Send`: no vtable room either
      t->marker_supers[t->nmarker_supers++] = r->trait;
      if (r->trait == K->copy_trait && !t->requires_sized) {  // Copy: Clone: Sized (not dyn compatible)
        t->requires_sized = true;
        t->sized_span = t->supers[i].span;
      }
      continue;
    }
    env_add_bound(t->env, 0, r);
    t->super_traits[t->nsuper_traits++] = r->trait;
  }
  for (int j = 0; j < t->nassoc_types; j++) {
    AssocTypeDecl *a = &t->assoc_types[j];
    a->rbounds = arena_alloc(sizeof *a->rbounds);
    a->rbounds->refs = arena_alloc(sizeof(TraitRef *) * (a->nbounds + 1));
    // `type Id: PartialOrd;` bounds the projection `<Self as Tr>::Id`: PartialOrd's Rhs is it.
    Type *projection = ty_assoc(t->env->params[0], t, a->name);
    for (int b = 0; b < a->nbounds; b++) {
      TraitRef *r = a->bounds[b].maybe ? NULL : resolve_trait_ref(&a->bounds[b].path, t->env, t->env->params[0], projection);
      if (r && !r->trait->is_marker && !r->trait->is_auto) a->rbounds->refs[a->rbounds->n++] = r;
      if (r && r->trait == K->copy_trait) a->is_copy = true;
    }
    // Copy is a marker, left out above, but its supertrait Clone gives the projection `clone`.
    if (a->is_copy && K->clone_trait) a->rbounds->refs[a->rbounds->n++] = traitref_new(K->clone_trait, NULL, 0);
  }
}

// Whether a parameter's type may hold a lifetime the parser did not see: a struct declared
// with lifetime parameters, written without them (`Parser` for `Parser<'a>`).
static bool hidden_lifetimes(Type *t, int depth) {
  t = ty_resolve(t);
  if (!t || depth > 8) return false;
  if (t->kind == TY_STRUCT && t->sdecl->generics.nlifetimes) return true;
  if (t->inner && hidden_lifetimes(t->inner, depth + 1)) return true;
  if (t->kind == TY_ITER) return true;
  for (int i = 0; i < t->nargs; i++)
    if (t->args[i] && hidden_lifetimes(t->args[i], depth + 1)) return true;
  return false;
}

// A struct written without its lifetime arguments (`-> Cow<str>`, `-> Ref<T>`): an elided
// lifetime hidden in a path, which takes an input lifetime as `&T` would.
static int hidden_count(TypeExpr *te, int depth) {
  if (!te || depth > 8) return 0;
  if (te->kind == TE_REF || te->kind == TE_SLICE || te->kind == TE_ARRAY || te->kind == TE_PTR) return hidden_count(te->inner, depth + 1);
  int n = 0;
  for (int i = 0; te->kind == TE_TUPLE && i < te->nelems; i++) n += hidden_count(te->elems[i], depth + 1);
  if (te->kind != TE_PATH || !te->path.nsegs) return n;
  PathSeg *seg = &te->path.segs[te->path.nsegs - 1];
  // (By the struct's own name: `Self` and a type alias stand for their lifetimes.)
  StructDecl *sd = strcmp(seg->name, "Self") ? lookup_struct(seg->name) : NULL;
  if (sd && sd->generics.nlifetimes > seg->nlifetimes) n += sd->generics.nlifetimes - seg->nlifetimes;
  for (int i = 0; !seg->paren_sugar && i < seg->nargs; i++) n += hidden_count(seg->args[i], depth + 1);
  return n;
}

static bool hides_lifetime(TypeExpr *te, int depth) { return hidden_count(te, depth) > 0; }

// Whether te writes lifetime arguments of a struct (`Tok<'a>`), anywhere inside.
static bool names_struct_lifetimes(TypeExpr *te, int depth) {
  if (!te || depth > 8) return false;
  if (te->kind == TE_REF || te->kind == TE_SLICE || te->kind == TE_ARRAY || te->kind == TE_PTR) return names_struct_lifetimes(te->inner, depth + 1);
  for (int i = 0; te->kind == TE_TUPLE && i < te->nelems; i++)
    if (names_struct_lifetimes(te->elems[i], depth + 1)) return true;
  if (te->kind != TE_PATH || !te->path.nsegs) return false;
  PathSeg *seg = &te->path.segs[te->path.nsegs - 1];
  if (seg->nlifetimes) return true;
  for (int i = 0; !seg->paren_sugar && i < seg->nargs; i++)
    if (names_struct_lifetimes(seg->args[i], depth + 1)) return true;
  return false;
}

static bool type_expr_has_ref(TypeExpr *te) {
  return te && (te->kind == TE_REF || (te->kind == TE_PATH && te->path.nsegs && te->path.segs[te->path.nsegs - 1].nargs &&
                                        !te->path.segs[te->path.nsegs - 1].paren_sugar &&
                                        type_expr_has_ref(te->path.segs[te->path.nsegs - 1].args[0])));
}

// E0106: a reference in the return type with its lifetime elided needs one input lifetime to
// take it from (rustc's elision rules): `&self`'s, or the only one among the parameters.
static void check_elision(FnDecl *f) {
  if (!f->ret_elided || f->self_kind == SELF_REF || f->self_kind == SELF_REF_MUT) return;
  // A struct written without its lifetimes (`Parser` for `Parser<'a>`) hides those the parser
  // did not count; one written with them (`&[Tok<'a>]`) was counted. Elision needs exactly one.
  int hidden = 0;
  for (int i = 0; i < f->nparams; i++) {
    hidden += hidden_count(f->params[i].ty, 0);
    if (!hides_lifetime(f->params[i].ty, 0) && hidden_lifetimes(f->param_types[i], 0) && !names_struct_lifetimes(f->params[i].ty, 0))
      return;  // (an alias, a std iterator: not counted here, so not judged)
  }
  if (f->param_lifetimes + hidden == 1) return;
  Span at = f->ret_elided_at;
  at.hi = at.lo + 1;
  Diag *d = diag_error(at, "E0106", "missing lifetime specifier");
  const char **ns = arena_alloc(sizeof(char *) * (f->nparams + 1));
  int nref = 0;
  for (int i = 0; i < f->nparams; i++) {
    if (!type_expr_has_ref(f->params[i].ty)) continue;
    diag_secondary(d, f->params[i].ty->span, "%s", "");
    Pattern *p = f->params[i].pat;
    ns[nref++] = p->kind == PAT_BIND ? arena_printf("`%s`", p->name) : arena_printf("argument %d", i + 1);
  }
  // `x` or `y`; `a`, `b`, or `c`
  const char *names = nref ? ns[0] : NULL;
  for (int i = 1; i < nref; i++)
    names = arena_printf("%s%s%s %s", names, nref > 2 ? "," : "", i == nref - 1 ? " or" : "", ns[i]);
  diag_label(d, "expected named lifetime parameter");
  if (f->param_lifetimes == 0)
    diag_help(d, "this function's return type contains a borrowed value, but there is no value for it to be borrowed from");
  else if (nref >= 2)
    diag_help(d, "this function's return type contains a borrowed value, but the signature does not say whether it is borrowed from %s", names);
  else
    diag_help(d, "this function's return type contains a borrowed value, but the signature does not say which one of %s's %d lifetimes it is borrowed from",
              names ? names : "the arguments", f->param_lifetimes);
  diag_emit(d);
}

// A trait's Self may be unsized (`impl Tr for str`), so a default body that takes or returns a
// Self by value needs `Self: Sized` (from a supertrait such as Clone, or a where clause): E0277
// at t's place in the signature when it is Self and that is not known.
static void require_sized_self(FnDecl *f, GenericEnv *parent, Type *t, Span at) {
  if (!f->body || f->requires_sized || !parent || !parent->self_trait || ty_resolve(t) != parent->params[0]) return;
  if (implies_sized(parent->self_trait, 0)) return;
  for (int b = 0; b < parent->nbounds[0]; b++)
    if (implies_sized(parent->bounds[0][b]->trait, 0)) return;
  Diag *d = diag_error(at, "E0277", "the size for values of type `Self` cannot be known at compilation time");
  diag_label(d, "doesn't have a size known at compile-time");
  diag_help(d, "consider further restricting `Self`: `where Self: Sized`");
  diag_emit(d);
}

// Builds a fn's environment: its parent's (trait or impl) params, then its own, then one
// anonymous parameter per `impl Trait` argument (they are generic parameters in disguise).
static void resolve_fn_sig(FnDecl *f, GenericEnv *parent, Type *self_ty) {
  resolve_scope_of(f->span);
  GenericEnv *env = env_new(parent);
  f->env = env;
  add_generics(env, &f->generics, self_ty, f);
  f->param_types = arena_alloc(sizeof(Type *) * (f->nparams + 1));
  // Parameters and the result are passed by value, so must be Sized, but only where there is a
  // body to pass them: rustc accepts `fn index(&self, index: Idx)` in `trait Index<Idx: ?Sized>`.
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
      if (f->body) require_sized(env, f->param_types[i], te->span, "function arguments");
      require_sized_self(f, parent, f->param_types[i], te->span);
    }
  }
  // `-> impl Tr` is an opaque type of f's (in a trait, one per implementing type: opaque.c).
  opaque_owner = f;
  f->ret_type = f->ret ? resolve_type(f->ret, env, self_ty) : ty_unit;
  opaque_owner = NULL;
  if (f->ret && ty_resolve(f->ret_type)->kind == TY_DYN) {
    // A function returns by value: `dyn Tr` has no size; it must come back behind a pointer.
    Diag *d = diag_error(f->ret->span, "E0746", "return type cannot be a trait object without pointer indirection");
    diag_label(d, "doesn't have a size known at compile-time");
    diag_help(d, "box the return type, and wrap all of the returned values in `Box::new`: `Box<%s>`", ty_name(f->ret_type));
    diag_emit(d);
  } else if (f->ret && f->body) {
    require_sized(env, f->ret_type, f->ret->span, "the return type of a function");
    require_sized_self(f, parent, f->ret_type, f->ret->span);
  }
  if (f->ret && !f->ret_elided && hides_lifetime(f->ret, 0)) {
    f->ret_elided = true;
    f->ret_elided_at = f->ret->span;
  }
  check_elision(f);
  switch (f->self_kind) {
  case SELF_NONE: f->self_param_ty = NULL; break;
  case SELF_VALUE:  // `impl Eat for str { fn eat(self) {} }`: E0277 (a trait's own Self counts as Sized here)
    f->self_param_ty = self_ty;
    if (f->body && !f->requires_sized) require_sized(env, self_ty, f->self_span, "function arguments");
    require_sized_self(f, parent, self_ty, f->self_span);
    break;
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
  resolve_scope_of(im->span);
  im->env = env_new(NULL);
  add_generics(im->env, &im->generics, NULL, NULL);
  im->self_ty = resolve_type(im->self_te, im->env, NULL);
  if (im->trait_path) {
    TraitRef *r = resolve_trait_ref(im->trait_path, im->env, im->self_ty, im->self_ty);
    if (r) {
      im->trait = r->trait;
      im->trait_args = r->args;
      im->ntrait_args = r->nargs;
      if (im->negative) vec_push(&im->trait->neg_impls, im);  // `impl !Sync for Cell<T>`: std's only
      else vec_push(&im->trait->impls, im);
    }
  }
}

// Phase two: `type Item = u32;` bindings.
static void resolve_impl_assoc(ImplDecl *im) {
  resolve_scope_of(im->span);
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
  check_impl_assoc_privacy(im);
}

// E0592: an inherent impl block defining one name twice (which of them `x.get()` calls would be
// a guess). (A trait impl's duplicates are E0201, reported with the trait's items.)
static void duplicate_inherent_items(ImplDecl *im) {
  if (im->trait_path || im->span.file == 0) return;
  for (int i = 1; i < im->nmethods; i++)
    for (int j = 0; j < i; j++) {
      if (im->methods[i]->name != im->methods[j]->name) continue;
      FnDecl *a = im->methods[j], *b = im->methods[i];
      Diag *d = diag_error(b->sig_span.hi ? b->sig_span : b->span, "E0592", "duplicate definitions with name `%s`", b->name);
      diag_label(d, "duplicate definitions for `%s`", b->name);
      diag_secondary(d, a->sig_span.hi ? a->sig_span : a->span, "other definition for `%s`", a->name);
      diag_emit(d);
      break;
    }
}

static void resolve_impl_header(ImplDecl *im) {
  resolve_scope_of(im->span);
  duplicate_inherent_items(im);
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
  // `impl Copy for S {}` makes S Copy as `#[derive(Copy)]` does (coherence.c checks it may).
  Type *st = ty_resolve(im->self_ty);
  if (im->trait && im->trait == K->copy_trait && st->kind == TY_STRUCT) st->sdecl->is_copy = true;
}

static const char *fn_sig_string(FnDecl *f, Type **sub, int n);

// E0046 / E0407 / E0050 / E0185 / E0186: an impl must match its trait item for item.
// `type Item = Vec<i32>;` where the trait says `type Item: Display;`: the bound must hold for
// the type the impl gives (E0277 at that type, with the bound as rustc's note).
static void check_assoc_type_bounds(ImplDecl *im) {
  TraitDecl *t = im->trait;
  GenericEnv *saved = cur_env;
  cur_env = im->env;
  for (int i = 0; i < im->nassoc_types; i++) {
    AssocTypeDecl *a = &im->assoc_types[i];
    AssocTypeDecl *decl = NULL;
    for (int j = 0; j < t->nassoc_types; j++)
      if (t->assoc_types[j].name == a->name) decl = &t->assoc_types[j];
    if (!a->resolved || !decl || !decl->rbounds || ty_has_vars(a->resolved)) continue;
    // `type Out: Copy` (a marker, kept apart from rbounds): a String there would be copied
    // bitwise by code that relies on the bound (a double free at run time).
    if (decl->is_copy && K->copy_trait && !type_implements(K, a->resolved, K->copy_trait)) {
      const char *name = ty_name(a->resolved);
      Diag *d = diag_error(a->default_ty->span, "E0277", "the trait bound `%s: Copy` is not satisfied", name);
      diag_label(d, "the trait `Copy` is not implemented for `%s`", name);
      for (int b = 0; b < decl->nbounds; b++) {
        Path *p = &decl->bounds[b].path;
        if (p->nsegs && p->segs[p->nsegs - 1].name == K->copy_trait->name) {
          diag_note_at(d, decl->bounds[b].span, "required by a bound in `%s::%s`", t->name, decl->name);
          break;
        }
      }
      diag_emit(d);
      continue;
    }
    for (int b = 0; b < decl->rbounds->n; b++) {
      TraitDecl *bt = decl->rbounds->refs[b]->trait;
      if (bt->is_marker || bt->is_auto || type_implements(K, a->resolved, bt)) continue;
      const char *name = ty_name(a->resolved);
      Diag *d;
      if (bt == K->display_trait || bt == K->debug_trait) {
        bool debug = bt == K->debug_trait;
        d = diag_error(a->default_ty->span, "E0277", debug ? "`%s` doesn't implement `Debug`" : "`%s` doesn't implement `std::fmt::Display`", name);
        diag_label(d, "the trait `%s` is not implemented for `%s`", debug ? "Debug" : "std::fmt::Display", name);
      } else {
        d = diag_error(a->default_ty->span, "E0277", "the trait bound `%s: %s` is not satisfied", name, bt->name);
        diag_label(d, "the trait `%s` is not implemented for `%s`", bt->name, name);
      }
      Span bsp = b < decl->nbounds ? decl->bounds[b].span : decl->span;
      diag_note_at(d, bsp, "required by a bound in `%s::%s`", t->name, decl->name);
      diag_emit(d);
      break;
    }
  }
  cur_env = saved;
}

// Where trait t names its supertrait sup (`Clone` of `trait Cl: Clone`), for notes.
static Span super_bound_span(TraitDecl *t, TraitDecl *sup) {
  for (int i = 0; i < t->nsupers; i++) {
    Path *p = &t->supers[i].path;
    if (!t->supers[i].maybe && p->nsegs && p->segs[p->nsegs - 1].name == sup->name) return t->supers[i].span;
  }
  return t->span;
}

// In an impl's own signatures the trait's `Self::Error` is this impl's `type Error`, even where
// another impl could also be selected for the self type by its bounds alone (std's blanket
// `impl<T, U: Into<T>> TryFrom<U> for T` beside `impl TryFrom<&[T]> for [T; N]`).
static Type *own_assoc(Type *t, void *ctx) {
  ImplDecl *im = ctx;
  t = ty_resolve(t);
  if (t->kind == TY_ASSOC && t->inner == im->self_ty && t->assoc_trait == im->trait) {
    bool same = !t->nargs || t->nargs == im->ntrait_args;
    for (int a = 0; same && a < t->nargs; a++) same = ty_resolve(t->args[a]) == ty_resolve(im->trait_args[a]);
    AssocTypeDecl *a = same ? impl_assoc(im, t->name) : NULL;
    if (a && a->resolved) return a->resolved;
  }
  return ty_map_children(t, own_assoc, ctx);
}

static Type *impl_view(Type *trait_ty, Type **sub, int n, ImplDecl *im) {
  return ty_normalize(own_assoc(ty_subst(trait_ty, sub, n), im), im->env);
}

static void check_impl_items(ImplDecl *im) {
  resolve_scope_of(im->span);
  TraitDecl *t = im->trait;
  if (!t) return;
  check_assoc_type_bounds(im);
  for (int i = 0; i < im->nmethods; i++) {
    FnDecl *m = im->methods[i];
    FnDecl *tm = NULL;
    for (int j = 0; j < t->nmethods; j++)
      if (t->methods[j]->name == m->name) tm = t->methods[j];
    if (!tm && m->is_const) {
      Diag *d = diag_error(m->sig_span, "E0438", "const `%s` is not a member of trait `%s`", m->name, t->name);
      diag_label(d, "not a member of trait `%s`", t->name);
      diag_emit(d);
      continue;
    }
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
                (!tm->self_param_ty || impl_view(tm->self_param_ty, sub, n, im) == m->self_param_ty);
    Span at = same ? m->sig_span : m->self_span, trait_at = tm->self_span;
    Type *want = tm->self_param_ty ? impl_view(tm->self_param_ty, sub, n, im) : NULL, *got = m->self_param_ty;
    for (int p = 0; p < m->nparams && same; p++) {
      want = impl_view(tm->param_types[p], sub, n, im);
      got = ty_normalize(m->param_types[p], im->env);
      same = want == got;
      at = m->params[p].ty->span;
      trait_at = tm->params[p].ty->span;
    }
    // `-> impl Tr` in the trait: the impl returns a type of its own (rustc checks its bounds
    // against the trait's; trc does not yet).
    bool opaque_ret = ty_has_opaque(tm->ret_type);
    if (same && !opaque_ret && impl_view(tm->ret_type, sub, n, im) != ty_normalize(m->ret_type, im->env)) {
      same = false;
      want = impl_view(tm->ret_type, sub, n, im);
      got = ty_normalize(m->ret_type, im->env);
      at = m->ret ? m->ret->span : m->sig_span;
      trait_at = tm->ret ? tm->ret->span : tm->sig_span;
    }
    // (A projection left unresolved because the impl lacks the associated type is E0046's,
    // reported below, as rustc reports it alone.)
    bool lacks_assoc = false;
    for (int j = 0; j < t->nassoc_types; j++) lacks_assoc |= !impl_assoc(im, t->assoc_types[j].name);
    if (!same && !(lacks_assoc && want && ty_has_assoc(want))) {
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
  for (int j = 0; j < t->nassoc_types; j++)
    if (!impl_assoc(im, t->assoc_types[j].name)) {
      missing = missing ? arena_printf("%s, `%s`", missing, t->assoc_types[j].name) : arena_printf("`%s`", t->assoc_types[j].name);
    }
  for (int j = 0; j < t->nmethods; j++) {
    FnDecl *tm = t->methods[j];
    if (tm->body) continue;
    bool found = false;
    for (int i = 0; i < im->nmethods; i++) found |= im->methods[i]->name == tm->name;
    if (!found) {
      missing = missing ? arena_printf("%s, `%s`", missing, tm->name) : arena_printf("`%s`", tm->name);
    }
  }
  if (missing) {
    Diag *d = diag_error(im->span, "E0046", "not all trait items implemented, missing: %s", missing);
    diag_label(d, "missing %s in implementation", missing);
    diag_emit(d);
  }
  // Supertraits must be implemented too: `impl Greetable for Person` needs `impl Named for Person`
  // (and `trait Bump: Copy` a Copy type).
  for (int s = 0; s < t->nsuper_traits + t->nmarker_supers; s++) {
    TraitDecl *sup = s < t->nsuper_traits ? t->super_traits[s] : t->marker_supers[s - t->nsuper_traits];
    Type *st = im->self_ty;
    GenericEnv *saved = cur_env;
    cur_env = im->env;
    bool ok = type_implements(K, st, sup);
    // `impl PartialOrd<i32> for Meters` needs `Meters: PartialEq<i32>`, not any PartialEq.
    bool cmp = ok && t == K->partial_ord_trait && sup == K->partial_eq_trait && im->ntrait_args == 1;
    if (cmp && !ty_has_params(im->trait_args[0]) && !ty_has_params(st)) {
      Type *rhs = im->trait_args[0];
      ok = ty_resolve(rhs) == ty_resolve(st) ? compares_with_itself(sup, st) : compares_with(sup, st, rhs);
      if (!ok) report_incomparable(TK_EQEQ, st, rhs, im->self_te->span);
      cur_env = saved;
      continue;
    }
    cur_env = saved;
    if (!ok) {
      Diag *d = diag_error(im->self_te->span, "E0277", "the trait bound `%s: %s` is not satisfied", ty_name(st), sup->name);
      diag_label(d, "the trait `%s` is not implemented for `%s`", sup->name, ty_name(st));
      diag_note_at(d, super_bound_span(t, sup), "required by a bound in `%s`", t->name);
      diag_emit(d);
    }
  }
}

static const char *fn_sig_string(FnDecl *f, Type **sub, int n) {
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
  resolve_scope_of((Span){0});  // the lang items are the prelude's, whatever the program defines
  K->drop_trait = lookup_trait(intern_cstr("Drop"));
  K->sized_trait = lookup_trait(intern_cstr("Sized"));
  K->send_trait = lookup_trait(intern_cstr("Send"));
  K->sync_trait = lookup_trait(intern_cstr("Sync"));
  K->unwind_safe_trait = lookup_trait_in(intern_cstr("panic"), intern_cstr("UnwindSafe"));
  K->ref_unwind_safe_trait = lookup_trait_in(intern_cstr("panic"), intern_cstr("RefUnwindSafe"));
  K->copy_trait = lookup_trait(intern_cstr("Copy"));
  K->clone_trait = lookup_trait(intern_cstr("Clone"));
  K->partial_eq_trait = lookup_trait(intern_cstr("PartialEq"));
  K->partial_ord_trait = lookup_trait(intern_cstr("PartialOrd"));
  K->deref_trait = lookup_trait(intern_cstr("Deref"));
  K->deref_mut_trait = lookup_trait(intern_cstr("DerefMut"));
  K->index_trait = lookup_trait(intern_cstr("Index"));
  K->index_mut_trait = lookup_trait(intern_cstr("IndexMut"));
  if (!K->drop_trait || !K->sized_trait || !K->copy_trait || !K->clone_trait || !K->partial_eq_trait)
    ice((Span){0}, "the prelude lacks a lang trait");
  K->drop_trait->is_lang_drop = true;
  const char *fn_names[3] = {"Fn", "FnMut", "FnOnce"};
  for (int i = 0; i < 3; i++) K->fn_traits[i] = lookup_trait(intern_cstr(fn_names[i]));
  K->option = lookup_struct(intern_cstr("Option"));
  K->result = lookup_struct(intern_cstr("Result"));
  static const char *const range_names[4] = {"RangeFrom", "RangeTo", "RangeToInclusive", "RangeFull"};
  for (int i = 0; i < 4; i++) {
    K->open_ranges[i] = lookup_struct(intern_cstr(range_names[i]));
    if (!K->open_ranges[i]) ice((Span){0}, "the prelude has no %s", range_names[i]);
  }
  K->report_fn = lookup_fn(intern_cstr("__trc_report"));
  K->iterator_trait = lookup_trait(intern_cstr("Iterator"));
  K->into_iterator_trait = lookup_trait(intern_cstr("IntoIterator"));
  const char *fmt = intern_cstr("fmt");
  K->display_trait = lookup_trait_in(fmt, intern_cstr("Display"));
  K->debug_trait = lookup_trait_in(fmt, intern_cstr("Debug"));
  K->formatter = lookup_struct_in(fmt, intern_cstr("Formatter"));
  if (!K->display_trait || !K->debug_trait || !K->formatter) ice((Span){0}, "the prelude lacks std::fmt");
  static const char *const letter_names[7] = {"Binary", "Octal", "LowerHex", "UpperHex", "LowerExp", "UpperExp", "Pointer"};
  for (int i = 0; i < 7; i++) {
    K->letter_traits[i] = lookup_trait_in(fmt, intern_cstr(letter_names[i]));
    if (!K->letter_traits[i]) ice((Span){0}, "the prelude lacks std::fmt::%s", letter_names[i]);
  }
}

TraitDecl *fmt_letter_trait(Crate *crate, char letter) {
  const char *at = letter ? strchr("boxXeEp", letter) : NULL;
  return at ? crate->letter_traits[at - "boxXeEp"] : NULL;
}

// E0428: two items of one namespace with one name. Types (structs, enums, traits) and values
// (fns, consts) are separate namespaces, as in Rust. A program's item may shadow the prelude's.
static const char *item_name(Item *it, bool *type_ns, Span *name_span) {
  *type_ns = true;
  switch (it->kind) {
  case ITEM_STRUCT: *name_span = it->sdecl->span; return it->sdecl->name;
  case ITEM_TRAIT: *name_span = it->trait->span; return it->trait->name;
  case ITEM_FN: *type_ns = false; *name_span = it->fn->span; return it->fn->name;
  case ITEM_CONST: *type_ns = false; *name_span = it->cdecl->span; return it->cdecl->name;
  case ITEM_TYPE: *name_span = it->alias->span; return it->alias->name;
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
      if ((e->item->span.file == 0) != (prog->items[i]->span.file == 0)) continue;  // shadows the prelude's
      if (std_module_of(e->item->span) != std_module_of(prog->items[i]->span)) continue;  // fmt::Result, Result
      if (module_of(e->item->span) != module_of(prog->items[i]->span)) continue;  // a::Config, b::Config
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
  traits_reset();
  module_paths_reset();
  resolve_reset();
  check_expr_reset();
}

// `fn main() -> Result<(), E>` with E: Debug (std's Termination): an Err is reported with
// `Error: {:?}` and exit code 1 (the prelude's __trc_report). Returns E, or NULL.
Type *main_report_type(Type *ret) {
  ret = ty_resolve(ret);
  if (ret->kind != TY_STRUCT || ret->sdecl != K->result || ty_resolve(ret->args[0])->kind != TY_UNIT) return NULL;
  return type_implements(K, ret->args[1], K->debug_trait) ? ret->args[1] : NULL;
}

// ---------------------------------------------------------------------------------------------
// E0072: a type that contains itself by value (through fields, tuples, arrays, and the fields
// of generic types it instantiates, such as Option<T>'s) would need infinite size. A Box, Vec
// or reference in the way is a pointer, which breaks the cycle. Checked before anything asks
// for a type's layout or drop glue, which would never finish.

typedef struct {
  StructDecl *decl;
  Type *type;
  Span field;       // the field of decl through which the walk went on
} RecFrame;

typedef VEC(RecFrame) RecStack;

static bool contains_by_value(Type *t, RecStack *st, Span field, int depth);

static bool walk_fields(Type *t, RecStack *st, int depth) {
  StructDecl *sd = t->sdecl;
  for (int v = 0; v < (sd->is_enum ? sd->nvariants : 1); v++) {
    FieldDecl *fs = sd->is_enum ? sd->variants[v].fields : sd->fields;
    int n = sd->is_enum ? sd->variants[v].nfields : sd->nfields;
    for (int f = 0; f < n; f++)
      if (fs[f].type && contains_by_value(ty_subst(fs[f].type, t->args, t->nargs), st, fs[f].ty->span, depth + 1)) return true;
  }
  return false;
}

static bool contains_by_value(Type *t, RecStack *st, Span field, int depth) {
  t = ty_resolve(t);
  if (!t || depth > 64) return false;
  switch (t->kind) {
  case TY_ARRAY: return contains_by_value(t->inner, st, field, depth + 1);
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++)
      if (contains_by_value(t->args[i], st, field, depth + 1)) return true;
    return false;
  case TY_STRUCT: {
    if (st->len) st->data[st->len - 1].field = field;
    for (int i = 0; i < st->len; i++)
      if (st->data[i].type == t) {
        // The cycle is the frames from i up: drop the ones below it.
        memmove(st->data, st->data + i, sizeof(RecFrame) * (st->len - i));
        st->len -= i;
        return true;
      }
    for (int i = 0; i < st->len; i++)
      if (st->data[i].decl == t->sdecl && st->len > 16) return false;  // growing instantiations
    vec_push(st, ((RecFrame){t->sdecl, t, field}));
    if (walk_fields(t, st, depth)) return true;
    st->len--;
    return false;
  }
  default: return false;  // pointers (Box, Vec, &, String) and scalars
  }
}

typedef VEC(StructDecl *) DeclVec;

// Reports the cycle s starts, unless one of its types was reported already (in `done`).
static bool check_recursive_type(StructDecl *s, DeclVec *done) {
  for (int i = 0; i < done->len; i++)
    if (done->data[i] == s) return false;
  RecStack st = {0};
  Type *self = ty_struct(s, s->env ? s->env->params : NULL, s->env ? s->env->n : 0);
  vec_push(&st, ((RecFrame){s, self, {0}}));
  if (!walk_fields(self, &st, 0)) return false;
  if (st.data[0].decl != s) return false;  // s leads into a cycle of others: reported with them
  // The program's own types in the cycle, first one first (Option<T>'s field is std's).
  int n = 0;
  for (int i = 0; i < st.len; i++)
    if (st.data[i].decl->span.file != 0) st.data[n++] = st.data[i];
  st.len = n;
  const char *names = arena_printf("`%s`", st.data[0].decl->name);
  for (int i = 1; i < st.len; i++)
    names = arena_printf("%s%s%s `%s`", names, st.len > 2 ? "," : "", i == st.len - 1 ? " and" : "", st.data[i].decl->name);
  Diag *d = diag_error(s->head_span, "E0072", "recursive type%s %s %s infinite size", st.len > 1 ? "s" : "", names, st.len > 1 ? "have" : "has");
  for (int i = 1; i < st.len; i++) diag_secondary(d, st.data[i].decl->head_span, "%s", "");
  for (int i = 0; i < st.len; i++) diag_secondary(d, st.data[i].field, "recursive without indirection");
  diag_help(d, "insert some indirection (e.g., a `Box`, `Rc`, or `&`) to break the cycle");
  diag_emit(d);
  for (int i = 0; i < st.len; i++) vec_push(done, st.data[i].decl);
  return true;
}

// ---------------------------------------------------------------------------------------------
// E0392: a parameter of a struct or enum that no field uses. What the type may hold of it, and
// so how it varies and what it outlives, would come from nothing; `PhantomData<T>` is how a
// type says it holds a T it does not store.

static bool te_names(TypeExpr *te, const char *name, int depth);

// Whether a path names `name`: its first segment (`T`, `T::Item`), or a lifetime or type among
// its segments' arguments.
static bool path_names(Path *p, const char *name, int depth) {
  if (p->qself && te_names(p->qself, name, depth + 1)) return true;
  if (p->nsegs && p->segs[0].name == name) return true;
  for (int i = 0; i < p->nsegs; i++) {
    PathSeg *seg = &p->segs[i];
    for (int j = 0; j < seg->nlifetimes; j++)
      if (seg->lifetimes[j] == name) return true;
    for (int j = 0; j < seg->nargs; j++)
      if (te_names(seg->args[j], name, depth + 1)) return true;
    for (int j = 0; j < seg->nbinds; j++)
      if (te_names(seg->bind_types[j], name, depth + 1)) return true;
    if (te_names(seg->paren_ret, name, depth + 1)) return true;
  }
  return false;
}

static bool te_names(TypeExpr *te, const char *name, int depth) {
  if (!te || depth > 32) return false;
  if (te->lifetime == name) return true;
  switch (te->kind) {
  case TE_REF: case TE_PTR: case TE_SLICE: case TE_ARRAY: return te_names(te->inner, name, depth + 1);
  case TE_TUPLE: case TE_FN_PTR:
    for (int i = 0; i < te->nelems; i++)
      if (te_names(te->elems[i], name, depth + 1)) return true;
    return te_names(te->ret, name, depth + 1);
  case TE_DYN: case TE_IMPL:
    for (int i = 0; i < te->nbounds; i++)
      if (path_names(&te->bounds[i].path, name, depth + 1)) return true;
    return false;
  case TE_PATH: return path_names(&te->path, name, depth + 1);
  default: return false;
  }
}

static bool field_uses(StructDecl *s, const char *name) {
  for (int v = 0; v < (s->is_enum ? s->nvariants : 1); v++) {
    FieldDecl *fs = s->is_enum ? s->variants[v].fields : s->fields;
    int n = s->is_enum ? s->variants[v].nfields : s->nfields;
    for (int f = 0; f < n; f++)
      if (te_names(fs[f].ty, name, 0)) return true;
  }
  return false;
}

// A parameter in an associated type binding of a bound (`I: Iterator<Item = Token<'a>>`,
// `where U: Iterator<Item = T>`) is fixed by the other parameter: rustc counts that as a use.
static bool bindings_name(Bound *bs, int n, const char *name) {
  for (int b = 0; b < n; b++)
    for (int i = 0; i < bs[b].path.nsegs; i++)
      for (int j = 0; j < bs[b].path.segs[i].nbinds; j++)
        if (te_names(bs[b].path.segs[i].bind_types[j], name, 0)) return true;
  return false;
}

static bool param_used(StructDecl *s, const char *name) {
  if (field_uses(s, name)) return true;
  Generics *g = &s->generics;
  for (int i = 0; i < g->nparams; i++)
    if (bindings_name(g->params[i].bounds, g->params[i].nbounds, name)) return true;
  for (int i = 0; i < g->npreds; i++)
    if (bindings_name(g->preds[i].bounds, g->preds[i].nbounds, name)) return true;
  return false;
}

static void unused_param(Span at, const char *kind, const char *name) {
  Diag *d = diag_error(at, "E0392", "%s parameter `%s` is never used", kind, name);
  diag_label(d, "unused %s parameter", kind);
  diag_help(d, "consider removing `%s`, referring to it in a field, or using a marker such as `PhantomData`", name);
  if (!strcmp(kind, "type")) diag_help(d, "if you intended `%s` to be a const parameter, use `const %s: /* Type */` instead", name, name);
  diag_emit(d);
}

// E0091: a type alias's type parameter its type does not name (`type Unused<T> = u32;`): the
// argument would be thrown away. (An unused lifetime is allowed.)
static void check_alias_params_used(AliasDecl *a) {
  if (a->span.file == 0) return;
  for (int i = 0; i < a->generics.nparams; i++) {
    GenericParam *p = &a->generics.params[i];
    if (p->const_ty || te_names(a->ty, p->name, 0)) continue;
    Diag *d = diag_error(p->span, "E0091", "type parameter `%s` is never used", p->name);
    diag_label(d, "unused type parameter");
    diag_emit(d);
  }
}

static void check_params_used(StructDecl *s) {
  if (s->span.file == 0) return;  // the prelude's
  Generics *g = &s->generics;
  for (int i = 0; i < g->nlifetimes && i < GENERICS_MAX_LIFETIMES; i++)
    if (!param_used(s, g->lifetimes[i])) unused_param(g->lifetime_spans[i], "lifetime", g->lifetimes[i]);
  for (int i = 0; i < g->nparams; i++)
    if (!g->params[i].const_ty && !param_used(s, g->params[i].name)) unused_param(g->params[i].span, "type", g->params[i].name);
}

// The prelude is thousands of lines of which a program uses a few functions, and its bodies
// have no errors to report: like rustc, which type checks std once when std is built, trc
// checks a prelude body only when lowering first reaches it (lower_on_demand, for the mono
// collector). Checking all of them was a third of the time trc took for a small program.
// A const's body stays eager: the checker evaluates consts (array lengths, patterns).
static bool checked_on_demand(FnDecl *f) { return f->span.file == 0 && !f->is_const; }

static void check_body_now(FnDecl *f) {
  if (!checked_on_demand(f)) check_fn_body(f);
}

void check_body_on_demand(FnDecl *f) { check_fn_body(f); }

bool check_program(Crate *crate, Program *prog) {
  K = crate;
  crate->prog = prog;
  struct_bounds_reset();
  check_duplicate_items(prog);
  if (!resolve_module_paths(prog)) return false;  // names through modules, before any lookup
  for (int i = 0; i < prog->nitems; i++) collect_item(prog->items[i]);
  for (int i = 0; i < prog->nblock_items; i++) collect_item(prog->block_items[i]);
  find_lang_traits();
  for (int i = 0; i < K->traits.len; i++) resolve_trait_header(VEC_AT(K->traits, i));
  for (int i = 0; i < K->structs.len; i++) resolve_struct(VEC_AT(K->structs, i));
  bool recursive = false;
  DeclVec done = {0};
  for (int i = 0; i < K->structs.len; i++) recursive |= check_recursive_type(VEC_AT(K->structs, i), &done);
  if (recursive) return false;  // nothing after this may ask for such a type's layout
  for (int i = 0; i < K->structs.len; i++) check_params_used(VEC_AT(K->structs, i));
  for (int i = 0; i < K->aliases.len; i++) check_alias_params_used(VEC_AT(K->aliases, i));
  for (int i = 0; i < K->traits.len; i++) resolve_trait_items(VEC_AT(K->traits, i));
  for (int i = 0; i < K->impls.len; i++) resolve_impl_self(VEC_AT(K->impls, i));
  for (int i = 0; i < K->impls.len; i++) resolve_impl_assoc(VEC_AT(K->impls, i));
  for (int i = 0; i < K->impls.len; i++) resolve_impl_header(VEC_AT(K->impls, i));
  index_methods();
  for (int i = 0; i < K->fns.len; i++) {
    FnDecl *f = VEC_AT(K->fns, i);
    if (!f->impl && !f->trait) resolve_fn_sig(f, NULL, NULL);
  }
  for (int i = 0; i < K->consts.len; i++) resolve_const(VEC_AT(K->consts, i));
  for (int i = 0; i < K->aliases.len; i++) alias_type(VEC_AT(K->aliases, i));  // errors in unused aliases too
  check_pending_dyn_compatible();
  check_pending_struct_bounds();
  timing_mark("resolve items and signatures");
  if (diag_error_count()) return false;
  check_coherence();
  timing_mark("check coherence");
  if (diag_error_count()) return false;  // as rustc, whose coherence runs before bodies are checked
  for (int i = 0; i < K->impls.len; i++) check_impl_items(VEC_AT(K->impls, i));
  timing_mark("check impls against their traits");
  for (int i = 0; i < K->traits.len; i++) {
    TraitDecl *t = VEC_AT(K->traits, i);
    for (int m = 0; m < t->nmethods; m++)
      if (t->methods[m]->body) check_body_now(t->methods[m]);
  }
  for (int i = 0; i < K->impls.len; i++) {
    ImplDecl *im = VEC_AT(K->impls, i);
    for (int m = 0; m < im->nmethods; m++) check_body_now(im->methods[m]);
  }
  for (int i = 0; i < K->fns.len; i++) {
    FnDecl *f = VEC_AT(K->fns, i);
    if (!f->impl && !f->trait) check_body_now(f);
  }
  for (int i = 0; i < K->consts.len; i++) check_fn_body(((ConstDecl *)VEC_AT(K->consts, i))->fn);
  timing_mark("type check bodies");
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
  } else if (main_fn && (main_fn->nparams || main_fn->env->n)) {
    error_at(main_fn->sig_span, "E0580", "`main` function has wrong type: expected `fn()`");
  } else if (main_fn && main_fn->ret_type != ty_unit && !main_report_type(main_fn->ret_type)) {
    Diag *d = diag_error(main_fn->ret ? main_fn->ret->span : main_fn->sig_span, "E0277", "`main` has invalid return type `%s`",
                         ty_name(main_fn->ret_type));
    diag_label(d, "`main` can only return types that implement `Termination`");
    diag_help(d, "consider using `()`, or a `Result`");
    diag_emit(d);
  }
  K->main_fn = main_fn;
  return diag_error_count() == 0;
}
