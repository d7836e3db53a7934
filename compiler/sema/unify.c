// unify.c — unification and coercions, and the small helpers all of body checking shares:
// "mismatched types", obligations, the scopes of locals, the names the checker interns.
//
// Where Rust coerces (let with a type, arguments, returns, struct fields), `check_coerce` checks
// against the expected type and, when plain unification fails, tries the coercions trc supports:
// unsizing `&T`/`Box<T>` to a trait object, deref coercion (`&String` to `&str`, `&Box<T>` to
// `&T`), `&mut T` to `&T`. Every other file of the body checker unifies, so this one is the
// lowest; it calls up only into check_expr (check_coerce checks the expression first).
#include "sema/sema_internal.h"

const char *s_self, *s_println, *s_print, *s_eprintln, *s_eprint, *s_format, *s_panic, *s_vec,
    *s_assert, *s_assert_eq, *s_assert_ne, *s_unreachable, *s_todo, *s_unimplemented, *s_write, *s_writeln;

void init_names(void) {
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
  s_write = intern_cstr("write");
  s_writeln = intern_cstr("writeln");
}

// ---------------------------------------------------------------------------------------------
// Unification

static bool var_accepts(Type *v, Type *t) {
  if (v->var_kind == 1) return t->kind == TY_INT || (t->kind == TY_VAR && t->var_kind != 2);
  if (v->var_kind == 2) return t->kind == TY_FLOAT || (t->kind == TY_VAR && t->var_kind != 1);
  return true;
}

bool ty_occurs(Type *v, Type *t) {
  t = ty_resolve(t);
  if (t == v) return true;
  if (t->inner && ty_occurs(v, t->inner)) return true;
  for (int i = 0; i < t->nargs; i++)
    if (ty_occurs(v, t->args[i])) return true;
  return t->ret && ty_occurs(v, t->ret);
}

bool unify(Type *a, Type *b) {
  a = ty_resolve(a);
  b = ty_resolve(b);
  if (a == b) return true;
  // A projection like <Counter as Iterator>::Item unifies as what it stands for.
  if (a->kind == TY_ASSOC) a = ty_resolve(ty_normalize(a, cur_env));
  if (b->kind == TY_ASSOC) b = ty_resolve(ty_normalize(b, cur_env));
  if (a == b) return true;
  // In the body that defines it, an opaque type is the variable its hidden type will be
  // (`return 0; ... f(n - 1)` in `fn f(n: u32) -> impl Display`).
  if (a->kind == TY_OPAQUE && a->opaque->infer) return unify(a->opaque->infer, b);
  if (b->kind == TY_OPAQUE && b->opaque->infer) return unify(a, b->opaque->infer);
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
    if (!var_accepts(a, b) || ty_occurs(a, b)) return false;
    a->binding = b;
    return true;
  }
  if (b->kind == TY_VAR) return unify(b, a);
  // `[T; N]` against `[i32; 3]`: the lengths unify as types (N's variable becomes 3).
  if (a->kind == TY_ARRAY && b->kind == TY_ARRAY && (a->nargs || b->nargs))
    return unify(a->inner, b->inner) && unify(ty_array_len(a), ty_array_len(b));
  // Each closure expression and each opaque type is a type of its own.
  if (a->kind != b->kind || a->mut != b->mut || a->nargs != b->nargs || a->sdecl != b->sdecl ||
      a->bits != b->bits || a->is_signed != b->is_signed || a->is_size != b->is_size || a->len != b->len ||
      a->closure != b->closure || a->opaque != b->opaque)
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

// How rustc names a type in "expected X, found Y": literals' types are "integer" and
// "floating-point number", everything else is quoted.
const char *expected_name(Type *t) {
  t = ty_resolve(t);
  if (t->kind == TY_VAR && t->var_kind == 1) return "integer";
  if (t->kind == TY_VAR && t->var_kind == 2) return "floating-point number";
  if (t->kind == TY_OPAQUE) return "opaque type";
  return arena_printf("`%s`", ty_name(t));
}

void mismatch(Expr *e, Type *expected, Type *found) {
  Diag *d = diag_error(e->span, "E0308", "mismatched types");
  diag_label(d, "expected %s, found %s", expected_name(expected), expected_name(found));
  // An opaque type is never the type it hides: rustc spells both out.
  Type *te = ty_resolve(expected), *tf = ty_resolve(found);
  if (tf->kind == TY_OPAQUE) diag_secondary(d, tf->opaque->span, "the found opaque type");
  if (te->kind == TY_OPAQUE) diag_secondary(d, te->opaque->span, "the expected opaque type");
  if (te->kind == TY_OPAQUE || tf->kind == TY_OPAQUE)
    diag_note(d, "    expected %s `%s`\nfound %s `%s`", te->kind == TY_OPAQUE ? "opaque type" : "type", ty_name(te),
              tf->kind == TY_OPAQUE ? "opaque type" : "type", ty_name(tf));
  diag_emit(d);
}

Obligation *obligate(Fcx *fx, Type *t, TraitDecl *trait, Span sp) {
  Obligation *o = arena_alloc(sizeof *o);
  o->ty = t;
  o->trait = trait;
  o->span = sp;
  vec_push(&fx->obligations, o);
  return o;
}

// A bound with associated type bindings, its binding types instantiated with `targs`.
void obligate_ref(Fcx *fx, Type *t, TraitRef *r, Type **targs, int n, Span sp) {
  Obligation *o = obligate(fx, t, r->trait, sp);
  if (!r->nassoc && !r->nargs && !is_fn_trait(r->trait)) return;
  Type **args = arena_alloc(sizeof(Type *) * (r->nargs + 1));
  for (int i = 0; i < r->nargs; i++) args[i] = ty_subst(r->args[i], targs, n);
  TraitRef *c = traitref_new(r->trait, args, r->nargs);
  c->nassoc = r->nassoc;
  c->assoc_names = r->assoc_names;
  c->assoc_types = arena_alloc(sizeof(Type *) * r->nassoc);
  for (int i = 0; i < r->nassoc; i++) c->assoc_types[i] = ty_subst(r->assoc_types[i], targs, n);
  o->tr = c;
  // A binding of a known type's projection decides what it names now, as rustc's does: the
  // closures and calls checked next see the types.
  if (ty_resolve(t)->kind == TY_VAR || is_fn_trait(r->trait)) return;
  for (int i = 0; i < c->nassoc; i++) {
    TraitDecl *owner = trait_with_assoc(r->trait, c->assoc_names[i]);  // `DoubleEndedIterator<Item = ..>`: Iterator's
    if (!owner) continue;
    Type *got = ty_normalize(ty_assoc(t, owner, c->assoc_names[i]), fx->env);
    if (ty_resolve(got)->kind != TY_ASSOC) unify(got, c->assoc_types[i]);
  }
}

// ---------------------------------------------------------------------------------------------
// Scopes

int scope_mark(Fcx *fx) { return fx->binds.len; }

void scope_pop(Fcx *fx, int mark) { fx->binds.len = mark; }

Local *new_local(Fcx *fx, const char *name, Type *t, bool mut, Span sp, LocalKind kind) {
  Local *l = arena_alloc(sizeof *l);
  l->name = name;
  l->ty = t;
  l->mut = mut;
  l->span = sp;
  l->kind = kind;
  l->owner = fx->fn;
  l->index = fx->fn->locals.len;
  vec_push(&fx->fn->locals, l);
  vec_push(&fx->binds, ((Binding){name, l, 0}));
  return l;
}

Local *find_local(Fcx *fx, const char *name) { return find_local_hyg(fx, name, 0); }

// A macro's body sees its own locals and, when the macro was defined in a function body, the
// ones in scope where it was defined; never the locals of the code that calls it.
Local *find_local_hyg(Fcx *fx, const char *name, uint32_t hyg) {
  for (;;) {
    for (int i = fx->binds.len - 1; i >= 0; i--)
      if (fx->binds.data[i].name == name && fx->binds.data[i].hyg == hyg) return fx->binds.data[i].local;
    if (!hyg || !hyg_def_site(hyg, &hyg)) return NULL;
  }
}

void bind_hygiene(Fcx *fx, uint32_t hyg) { fx->binds.data[fx->binds.len - 1].hyg = hyg; }

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

// The parameters and result of something callable.
bool callable_sig(Fcx *fx, Type *t, Sig *out) {
  t = ty_callable(t);
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
  case TY_PARAM: case TY_DYN: case TY_OPAQUE: {
    TraitRef *r = NULL;
    if (t->kind == TY_DYN) r = t->principal && is_fn_trait(t->principal->trait) ? t->principal : NULL;
    for (int b = 0; t->kind == TY_PARAM && !r && t->index < fx->env->n && b < fx->env->nbounds[t->index]; b++)
      if (is_fn_trait(fx->env->bounds[t->index][b]->trait)) r = fx->env->bounds[t->index][b];
    if (t->kind == TY_OPAQUE) r = opaque_fn_bound(t);
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

// A projection on a type still being inferred (`<?F as FromStr>::Err`), which normalizes to
// nothing yet.
static bool open_projection(Type *t) {
  t = ty_resolve(t);
  return t->kind == TY_ASSOC && ty_has_vars(t->inner);
}

// A callable's signature must fit the Fn bound it is passed for.
void unify_with_fn_bound(Fcx *fx, Expr *arg, Type *t, TraitRef *bound, Span call) {
  Sig sig;
  t = ty_callable(t);
  TraitRef *own = t->kind == TY_OPAQUE ? opaque_fn_bound(t) : NULL;  // `doubler()`, an `impl Fn(i64) -> i64`
  if (own && ty_resolve(own->args[0])->kind == TY_TUPLE) {
    Type *ps = ty_resolve(own->args[0]);
    sig = (Sig){.params = ps->args, .nparams = ps->nargs, .ret = own->nassoc ? own->assoc_types[0] : ty_unit};
  } else if ((t->kind != TY_CLOSURE && t->kind != TY_FN) || !callable_sig(fx, t, &sig)) {
    return;
  }
  Type *want = ty_resolve(bound->args[0]);
  int n = want->kind == TY_TUPLE ? want->nargs : 0;
  bool ok = n == sig.nparams;
  for (int i = 0; ok && i < n; i++) {
    ok = unify(sig.params[i], want->args[i]);
    if (!ok && open_projection(want->args[i])) {  // `|e: ParseIntError|` for `<?F as FromStr>::Err`
      vec_push(&fx->coercions, ((DeferredCoerce){arg, want->args[i], sig.params[i]}));
      ok = true;
    }
  }
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

// Tries to turn a value of type `from` into `to` without unifying them: returns true and
// records the coercion on e when one applies.
// Whether a and b may be the same type, by their outermost constructor (a variable may be
// anything): `&Rc<?T>` expected of an `&Rc<i32>` is no place for a deref coercion.
static bool same_head(Type *a, Type *b) {
  a = ty_resolve(a), b = ty_resolve(b);
  if (a->kind == TY_VAR || b->kind == TY_VAR) return true;
  return a->kind == b->kind && (a->kind != TY_STRUCT || a->sdecl == b->sdecl);
}

// `&m` where a `&Target` is expected and m's type has Deref (`hello(&m)` with m: MyBox<String>):
// e becomes `&*Deref::deref(&*e)`, then coerces on from there (`&String` to `&str`).
static bool deref_coerce(Fcx *fx, Expr *e, Type *to) {
  Expr *inner = arena_alloc(sizeof(Expr));
  *inner = *e;
  vec_push(&fx->exprs, inner);
  Expr *d = deref_through(fx, inner, 1);
  if (!d) return false;
  *e = (Expr){.kind = EX_UNARY, .op = TK_AMP, .span = inner->span, .sub = d, .ty = ty_ref(d->ty, false), .field_index = -1};
  return coerce(fx, e, e->ty, to);
}

// A literal made a trait object (`&2.5` as `&dyn Show`) takes its fallback type (f64, i32)
// first, as in rustc: t resolved, after that when target is a `dyn`.
static Type *literal_for_dyn(Type *t, Type *target) {
  t = ty_resolve(t);
  if (target->kind != TY_DYN || t->kind != TY_VAR || !t->var_kind) return t;
  // ... unless the trait is implemented for only one type of its kind (`&22` as `&dyn T` with
  // only `impl T for i64`: 22 is an i64, as rustc selects).
  int n;
  Type *const *cands = literal_types(t, &n);
  Type *only = NULL;
  for (int c = 0; target->principal && c < n; c++)
    if (type_implements(K, cands[c], target->principal->trait)) only = only ? ty_unit : cands[c];
  unify(t, only && only != ty_unit ? only : t->var_kind == 1 ? ty_i32 : ty_f64);
  return ty_resolve(t);
}

// Whether struct src (sized) unsizes to struct target, `RefCell<Circle>` to `RefCell<dyn Obs>`:
// the same struct, whose tail parameter goes from a sized type to a `dyn` it implements (or,
// in turn, between two such structs); the other arguments unify. Nothing is unified unless
// the shapes fit.
// The coercion of src to `dyn Tr + Send (+ Sync)` needs src to be Send (Sync) as well.
static void obligate_autos(Fcx *fx, Type *src, Type *target, Span sp) {
  for (int i = 0; i < target->nautos; i++) {
    TraitRef *r = arena_alloc(sizeof *r);
    r->trait = target->autos[i];
    obligate_ref(fx, src, r, NULL, 0, sp);
  }
}

static bool unsize_struct(Fcx *fx, Expr *e, Type *src, Type *target) {
  src = ty_resolve(src), target = ty_resolve(target);
  if (src->kind != TY_STRUCT || target->kind != TY_STRUCT || src->sdecl != target->sdecl || !src->sdecl->unsized_tail) return false;
  int tp = src->sdecl->tail_param;
  if (tp < 0 || tp >= src->nargs || tp >= target->nargs) return false;
  Type *b = ty_resolve(target->args[tp]), *a = literal_for_dyn(src->args[tp], b);  // W { x: 5 } as W<dyn Display>: i32
  bool to_dyn = b->kind == TY_DYN && b->principal && a->kind != TY_VAR && a->kind != TY_DYN && ty_is_sized(a);
  bool upcast = b->kind == TY_DYN && a->kind == TY_DYN && a != b && b->principal && a->principal &&
                trait_implies(a->principal->trait, b->principal->trait);  // Rc<dyn Sub> -> Rc<dyn Super>
  bool nested = a->kind == TY_STRUCT && b->kind == TY_STRUCT && a->sdecl == b->sdecl && a->sdecl->unsized_tail && !ty_is_sized(b);
  if (!to_dyn && !upcast && !nested) return false;
  for (int i = 0; i < src->nargs; i++)
    if (i != tp && !unify(src->args[i], target->args[i])) return false;
  if (nested) return unsize_struct(fx, e, a, b);
  if (upcast) return true;
  obligate_ref(fx, a, b->principal, NULL, 0, e->span);
  obligate_autos(fx, a, b, e->span);
  return true;
}

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
  Type *src = literal_for_dyn(from->inner, target);  // `&2.5` as `&dyn Show`
  for (int steps = 0; steps < 8 && src; steps++) {
    if (target->kind == TY_DYN && ty_is_sized(src) && src->kind != TY_VAR) {
      if (!target->principal) return false;
      obligate_ref(fx, src, target->principal, NULL, 0, e->span);
      obligate_autos(fx, src, target, e->span);
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
      for (int i = 0; i < target->nautos; i++) {  // auto traits may be dropped, never added
        bool has = trait_implies(src->principal->trait, target->autos[i]);
        for (int j = 0; j < src->nautos; j++) has |= src->autos[j] == target->autos[i];
        if (!has) return false;
      }
      if (src != target) {
        e->coerce = COERCE_UNSIZE;
        e->coerce_from = from;
        e->ty = to;
        return true;
      }
    }
    if (steps == 0 && !ty_is_sized(target) && unsize_struct(fx, e, src, target)) {
      e->coerce = COERCE_UNSIZE;
      e->coerce_from = from;
      e->ty = to;
      return true;
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
    if (from->kind == TY_BOX && steps == 0 && src->kind == TY_ARRAY && target->kind == TY_SLICE && unify(src->inner, target->inner)) {
      e->coerce = COERCE_UNSIZE;  // Box<[T; N]> to Box<[T]>: the length joins the pointer
      e->coerce_from = from;
      e->ty = to;
      return true;
    }
    if (from->kind == TY_BOX) return false;  // Box<Box<T>> does not deref-coerce to Box<T>
    if (steps == 0 && !to->mut && !same_head(src, target) && !deref_once(src) && has_user_deref(src)) return deref_coerce(fx, e, to);
    src = deref_once(src);
    if (src) src = ty_resolve(src);
  }
  return false;
}

// std's Rc<T> to Rc<dyn Tr> (CoerceUnsized): its pointer field coerces by unsizing.
static bool coerce_unsized_struct(Fcx *fx, Expr *e, Type *from, Type *to) {
  if (from->kind != TY_STRUCT || to->kind != TY_STRUCT || from->sdecl != to->sdecl || !from->sdecl->coerce_unsized || from == to)
    return false;
  int f = ty_pointer_field(from->sdecl);
  if (f < 0) return false;
  Type *pf = ty_resolve(ty_subst(from->sdecl->fields[f].type, from->args, from->nargs));
  Type *pt = ty_resolve(ty_subst(to->sdecl->fields[f].type, to->args, to->nargs));
  if (ty_resolve(pt->inner)->kind == TY_VAR || ty_is_sized(pt->inner)) return false;
  Expr probe = *e;  // try_coerce records on its expression: only an unsizing is wanted here
  if (!try_coerce(fx, &probe, pf, pt) || probe.coerce != COERCE_UNSIZE) return false;
  e->coerce = COERCE_UNSIZE;
  e->coerce_from = from;
  e->ty = to;
  return true;
}

// `&T` and `&mut T` to `*const T`, `&mut T` and `*mut T` to `*mut T`/`*const T`.
static bool coerce_to_raw(Expr *e, Type *from, Type *to) {
  if (to->kind != TY_PTR || (from->kind != TY_REF && from->kind != TY_PTR) || (to->mut && !from->mut)) return false;
  if (from->kind == TY_PTR && from->mut == to->mut) return false;  // the same kind: unified
  if (!unify(from->inner, to->inner)) return false;
  e->coerce = COERCE_RAW;
  e->coerce_from = from;
  e->ty = to;
  return true;
}

// A safe fn (or fn pointer) coerces to an `unsafe fn` pointer of the same signature and ABI.
static bool coerce_to_unsafe_fn(Expr *e, Type *from, Type *to) {
  if (from->kind != TY_FN || to->kind != TY_FN || from->bits == to->bits || (from->bits | FNQ_UNSAFE) != to->bits ||
      from->nargs != to->nargs)
    return false;
  for (int i = 0; i < from->nargs; i++)
    if (!unify(from->args[i], to->args[i])) return false;
  if (!unify(from->ret, to->ret)) return false;
  e->coerce = COERCE_RAW;
  e->coerce_from = from;
  e->ty = to;
  return true;
}

// `let f: fn(i32) -> i32 = |x| x + 1`: a closure that captures nothing is a function, and
// coerces to a fn pointer of its signature (E0308 when it captures, with rustc's note).
static bool coerce_closure_to_fn(Fcx *fx, Expr *e, Type *from, Type *to) {
  Sig sig;
  if (!callable_sig(fx, from, &sig) || sig.nparams != to->nargs) return false;
  if (from->closure->ncaptures) {
    Diag *d = diag_error(value_expr(e)->span, "E0308", "mismatched types");
    diag_label(d, "expected fn pointer, found closure");
    diag_note(d, "expected fn pointer `%s`\n   found closure `%s`", ty_name(to), ty_name(from));
    diag_note_at(d, from->closure->captures[0].span, "closures can only be coerced to `fn` types if they do not capture any variables");
    diag_emit(d);
    return true;
  }
  for (int i = 0; i < sig.nparams; i++)
    if (!unify(sig.params[i], to->args[i])) return false;
  if (!unify(sig.ret, to->ret)) return false;
  e->coerce = COERCE_FN_POINTER;
  e->coerce_from = from;
  e->ty = to;
  return true;
}

bool coerce(Fcx *fx, Expr *e, Type *from, Type *to) {
  Type *rf = ty_resolve(from), *rt = ty_resolve(to);
  if (rf->kind == TY_NEVER) return true;
  if (coerce_to_raw(e, rf, rt) || coerce_to_unsafe_fn(e, rf, rt)) return true;
  if (rf->kind == TY_CLOSURE && rt->kind == TY_FN) return coerce_closure_to_fn(fx, e, rf, rt);
  if (coerce_unsized_struct(fx, e, rf, rt)) return true;
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
  // A pointee still a literal's type (`&{integer}`) can only be a number: `&&i32` deref-coerces
  // to it (`seen.contains(x)` with seen a Vec<{integer}> and x a `&&i32`), as in rustc.
  Type *rt_in = ptrs ? ty_resolve(rt->inner) : NULL;
  if (ptrs && rt->kind != TY_VAR && (rt_in->kind != TY_VAR || rt_in->var_kind)) {
    Type *ti = ty_resolve(rt->inner), *fi = ty_resolve(rf->inner);
    if ((ti->kind == TY_DYN && fi->kind != TY_DYN && fi->kind != TY_VAR) || fi != ti || rf->mut != rt->mut)
      if (try_coerce(fx, e, rf, rt)) return true;
  }
  return unify(from, to);
}

void check_coerce(Fcx *fx, Expr *e, Type *expected) {
  Type *t = check_expr(fx, e, expected);
  if (!expected) return;
  if (coerce(fx, e, t, expected)) return;
  if (open_projection(t) || open_projection(expected)) {
    vec_push(&fx->coercions, ((DeferredCoerce){e, t, expected}));
    return;
  }
  mismatch(e, expected, t);
}
