// check_expr.c — expressions: `check_expr(fx, e, expected)` computes e's type, dispatching on
// its kind. Operators, fields, struct literals, casts, `if`, loops and `for`, closures are here;
// paths and calls, methods, macros, and blocks and `match` have files of their own around it
// (it calls up into check_pattern.c for blocks, match and closure parameters: the checker
// recurses through both).
//
// `expected` is only a hint pushed down to literals, `vec![]`, `Vec::new()` and the like; where
// Rust coerces, the caller uses check_coerce (unify.c) instead.
#include "sema/sema_internal.h"

#include <string.h>

// ---------------------------------------------------------------------------------------------
// Expressions

bool is_place(Expr *e) {
  switch (e->kind) {
  case EX_PATH: return e->res == RES_LOCAL || (e->res == RES_CONST_ITEM && e->fn && e->fn->is_static);
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

// A place the body changes (assigns, borrows `&mut`, calls a `&mut self` method on): when its
// variable is a closure's capture, the closure needs it by `&mut` (else `&` is enough, and the
// borrow checker lets the variable be read while the closure lives).
// What rustc calls the data behind a Deref type's deref: "an `Rc`" (std's smart pointers by
// name), else "dereference of `T`".
const char *deref_data_name(Type *t) {
  t = ty_resolve(t);
  if (t->kind == TY_STRUCT && (!strcmp(t->sdecl->name, "Rc") || !strcmp(t->sdecl->name, "Arc")))
    return arena_printf("an `%s`", t->sdecl->name);
  return arena_printf("dereference of `%s`", ty_name(t));
}

// A place reached through Deref is changed through DerefMut, which its type must implement
// (E0596 for a `&mut` borrow, E0594 for an assignment).
// A closure checked against an `Fn` bound may not change what it captures (E0594/E0596 as rustc
// reports them, where the bound decided the closure's kind).
static void fn_closure_mutates(Expr *place, Span at, Local *l, bool assign) {
  const char *name = l->name;
  Diag *d = assign ? diag_error(at, "E0594", "cannot assign to `%s`, as it is a captured variable in a `Fn` closure", name)
                   : diag_error(place->span, "E0596", "cannot borrow `%s` as mutable, as it is a captured variable in a `Fn` closure", name);
  diag_label(d, assign ? "cannot assign" : "cannot borrow as mutable");
  diag_secondary(d, l->span, "`%s` declared here, outside the closure", name);
  diag_emit(d);
}

static void note_mut_place(Fcx *fx, Expr *place, bool assign, Span at, bool certain) {
  Expr *e = place;
  bool derefs = false;
  for (;;) {
    if (e->kind == EX_INDEX && e->overload && e->overload->kind == EX_METHOD && !type_implements(K, e->overload->self_ty, K->index_mut_trait)) {
      const char *what = arena_printf("an index of `%s`", ty_name(e->overload->self_ty));
      Diag *d = assign ? diag_error(place->span, "E0594", "cannot assign to data in %s", what)
                       : diag_error(place->span, "E0596", "cannot borrow data in %s as mutable", what);
      diag_label(d, assign ? "cannot assign" : "cannot borrow as mutable");
      diag_help(d, "trait `IndexMut` is required to modify indexed content, but it is not implemented for `%s`", ty_name(e->overload->self_ty));
      diag_defer(d, DEFER_MUTABILITY);
    }
    if (e->kind == EX_UNARY && e->op == TK_STAR && e->overload && !type_implements(K, e->sub->ty, K->deref_mut_trait)) {
      const char *what = deref_data_name(e->sub->ty);
      Diag *d = assign ? diag_error(place->span, "E0594", "cannot assign to data in %s", what)
                       : diag_error(place->span, "E0596", "cannot borrow data in %s as mutable", what);
      diag_label(d, assign ? "cannot assign" : "cannot borrow as mutable");
      diag_help(d, "trait `DerefMut` is required to modify through a dereference, but it is not implemented for `%s`", ty_name(e->sub->ty));
      diag_defer(d, DEFER_MUTABILITY);
    }
    derefs |= (e->kind == EX_UNARY && e->op == TK_STAR) || (e->kind == EX_FIELD && e->autoderefs);
    if (e->kind == EX_FIELD || (e->kind == EX_UNARY && e->op == TK_STAR)) e = e->sub;
    else if (e->kind == EX_INDEX) e = e->lhs;
    else break;
  }
  if (!derefs && e->kind == EX_PATH && e->res == RES_CONST_ITEM && e->fn && e->fn->is_static && !e->fn->is_static_mut) {
    Diag *d = assign ? diag_error(at, "E0594", "cannot assign to immutable static item `%s`", e->fn->name)
                     : diag_error(place->span, "E0596", "cannot borrow immutable static item `%s` as mutable", e->fn->name);
    diag_label(d, assign ? "cannot assign" : "cannot borrow as mutable");
    diag_defer(d, DEFER_MUTABILITY);
    return;
  }
  if (e->kind != EX_PATH || e->res != RES_LOCAL || !e->local) return;
  Local *l = e->local;
  for (FnDecl *f = fx->fn; f && f != l->owner && f->is_closure; f = f->parent)
    for (int i = 0; i < f->ncaptures; i++)
      if (f->captures[i].local == l) {
        if (f->fn_bound && certain && !f->captures[i].mut_use) fn_closure_mutates(place, at, l, assign);
        f->captures[i].mut_use = true;
      }
}

// Whether calling a value of type t may change it: not a fn pointer or item, a reference
// (calling `&F` needs F: Fn), a `dyn Fn`, a parameter bounded by Fn, or a closure whose body
// changes and moves none of its captures.
static bool call_may_mutate(Fcx *fx, Type *t) {
  t = ty_resolve(t);
  if (t->kind == TY_FN || t->kind == TY_REF) return false;
  if (t->kind == TY_DYN) return !(t->principal && t->principal->trait == K->fn_traits[0]);
  if (t->kind == TY_PARAM && fx->env && t->index < fx->env->n) {
    for (int b = 0; b < fx->env->nbounds[t->index]; b++)
      if (fx->env->bounds[t->index][b]->trait == K->fn_traits[0]) return false;
    return true;
  }
  if (t->kind != TY_CLOSURE || !t->closure || t->closure->is_fn_once || t->closure->fnmut_bound) return true;
  for (int i = 0; i < t->closure->ncaptures; i++)
    if (t->closure->captures[i].mut_use) return true;
  return false;
}

void note_mut_use(Fcx *fx, Expr *place) { note_mut_place(fx, place, false, place->span, true); }

// t behind all its references.
Type *deref_all(Type *t) {
  t = ty_resolve(t);
  while (t->kind == TY_REF) t = ty_resolve(t->inner);
  return t;
}

// A closure's use of `c.f` (or of `r.f` through the one reference r is): the field it captures.
static void capture_field_use(Fcx *fx, Expr *e, int derefs, int field) {
  Type *lt = ty_resolve(e->sub->local->ty);
  if (derefs == 0) capture_use(fx, e->sub->local, field, false);
  else if (derefs == 1 && lt->kind == TY_REF) capture_use(fx, e->sub->local, field, true);
  else capture_use(fx, e->sub->local, -1, false);
}

// s's field that e names, or NULL.
static FieldDecl *struct_field(StructDecl *s, Expr *e) {
  for (int i = 0; i < s->nfields; i++)
    if (e->field_index >= 0 ? (s->kind == STRUCT_TUPLE && i == e->field_index) : s->fields[i].name == e->name) return &s->fields[i];
  return NULL;
}

// The private fields std declares on the types trc builds in, which rustc names in E0616.
static bool std_private_field(Type *t, const char *name) {
  if (t->kind == TY_VEC) return !strcmp(name, "buf") || !strcmp(name, "len");
  if (t->kind == TY_STRING) return !strcmp(name, "vec");
  return false;
}

static Type *check_field(Fcx *fx, Expr *e) {
  Expr *outer_base = fx->field_base;
  fx->field_base = e->sub;
  Type *t = ty_resolve(check_expr(fx, e->sub, NULL));
  fx->field_base = outer_base;
  if (deref_all(t)->kind == TY_VAR && !deref_all(t)->var_kind) {
    unify_bindings(fx);
    t = ty_resolve(t);
  }
  int derefs = 0;
  // The first type with the field, private here: what E0616 names if no later one has it.
  Expr *priv_sub = NULL;
  Type *priv_t = NULL;
  int priv_derefs = 0;
  for (;;) {
    while (t->kind == TY_REF || t->kind == TY_BOX) {
      t = ty_resolve(t->inner);
      derefs++;
    }
    // A type with the field is the one read; else through Deref (`rc.name` on an Rc<Person>).
    // A field private here does not count, as in rustc: the search goes on through Deref.
    FieldDecl *fd = t->kind == TY_STRUCT && !t->sdecl->is_enum ? struct_field(t->sdecl, e) : NULL;
    if (fd && field_visible(t->sdecl, fd, e->name_span)) break;
    if (fd && !priv_sub) priv_sub = e->sub, priv_t = t, priv_derefs = derefs;
    Expr *d = t->kind == TY_TUPLE || !has_user_deref(t) ? NULL : deref_through(fx, e->sub, derefs);
    if (!d) {
      if (priv_sub) e->sub = priv_sub, t = priv_t, derefs = priv_derefs;
      break;
    }
    e->sub = d;
    derefs = 0;
    t = ty_resolve(d->ty);
  }
  e->autoderefs = derefs;
  bool captured = e->sub->kind == EX_PATH && e->sub->res == RES_LOCAL;
  if (t->kind == TY_STRUCT) {
    StructDecl *s = t->sdecl;
    for (int i = 0; i < s->nfields; i++) {
      bool hit = e->field_index >= 0 ? (s->kind == STRUCT_TUPLE && i == e->field_index) : s->fields[i].name == e->name;
      if (hit) {
        e->field_index = i;
        check_field_privacy(s, &s->fields[i], e->name_span, "E0616");
        if (captured) capture_field_use(fx, e, derefs, i);
        return ty_subst(s->fields[i].type, t->args, t->nargs);
      }
    }
  } else if (t->kind == TY_TUPLE && e->field_index >= 0 && e->field_index < t->nargs) {
    if (captured) capture_field_use(fx, e, derefs, e->field_index);
    return t->args[e->field_index];
  } else if (t->kind == TY_RANGE && e->field_index < 0 && (!t->len || e->span.file == 0) &&
             (!strcmp(e->name, "start") || !strcmp(e->name, "end"))) {
    // A Range's pub fields `start` and `end`, in that order (a RangeInclusive's, private in std,
    // are its start() and end(), which the prelude writes with them).
    e->field_index = !strcmp(e->name, "end");
    if (captured) capture_field_use(fx, e, derefs, e->field_index);
    return t->inner;
  }
  if (captured) capture_use(fx, e->sub->local, -1, false);
  if (t->kind == TY_VAR) {
    error_at(e->sub->span, "E0282", "type annotations needed");
    return ty_new_var(0);
  }
  const char *fname = e->field_index >= 0 ? arena_printf("%d", e->field_index) : e->name;
  if (t->kind == TY_PTR) {  // no autoderef through a raw pointer: `(*p).x` must be written
    Diag *d = diag_error(e->name_span, "E0609", "no field `%s` on type `%s`", fname, ty_name(t));
    diag_label(d, "unknown field");
    bool named = e->sub->kind == EX_PATH && e->sub->path.nsegs == 1;
    diag_help(d, "`%s` is a raw pointer; try dereferencing it", named ? e->sub->path.segs[0].name : "this");
    diag_emit(d);
    return ty_new_var(0);
  }
  if (e->field_index < 0 && std_private_field(t, e->name)) {  // `v.len` for `v.len()`
    Diag *d = diag_error(e->name_span, "E0616", "field `%s` of struct `%s` is private", e->name, t->kind == TY_VEC ? "Vec" : "String");
    diag_label(d, "private field");
    diag_emit(d);
    return ty_new_var(0);
  }
  if (e->field_index < 0 && t->kind != TY_STRUCT && builtin_method_arity(t, e->name) >= 0) {
    Diag *d = diag_error(e->name_span, "E0615", "attempted to take value of method `%s` on type `%s`", e->name, ty_name(e->sub->ty));
    diag_label(d, "method, not a field");
    diag_emit(d);
    return ty_new_var(0);
  }
  bool adt = t->kind == TY_STRUCT || t->kind == TY_TUPLE || t->kind == TY_VEC || t->kind == TY_STRING;  // (Vec and String are std structs)
  Diag *d = diag_error(e->name_span, adt ? "E0609" : "E0610",
                       adt ? "no field `%s` on type `%s`" : "`%s` is a primitive type and therefore doesn't have fields",
                       adt ? fname : ty_name(t), ty_name(e->sub->ty));
  if (t->kind == TY_STRUCT) diag_label(d, "unknown field");
  diag_emit(d);
  return ty_new_var(0);
}

// A field whose type is a parameter bounded by an Fn trait (`f: F` of `struct W<K, F: Fn(K) ->
// u8>`): a closure given there takes its signature from the bound, which decides K, as rustc's
// well-formedness obligation for `W<K, F>` does.
static TraitRef *field_fn_bound(StructDecl *s, Type *field_ty, Type *adt) {
  Type *ft = ty_resolve(field_ty);
  if (ft->kind != TY_PARAM || !s->env || ft->index >= s->env->n) return NULL;
  for (int b = 0; b < s->env->nbounds[ft->index]; b++) {
    TraitRef *r = s->env->bounds[ft->index][b];
    if (is_fn_trait(r->trait)) return traitref_with_args(r, adt->args, adt->nargs);
  }
  return NULL;
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
    check_field_privacy(s, &fields[fi], e->field_spans ? e->field_spans[i] : e->args[i]->span, "E0451");
    seen[fi] = true;
    TraitRef *bound = field_fn_bound(s, fields[fi].type, adt);
    fx->closure_hint = bound;
    check_coerce(fx, e->args[i], ty_subst(fields[fi].type, adt->args, adt->nargs));
    fx->closure_hint = NULL;
    if (bound) {
      Type *at = ty_resolve(e->args[i]->ty);
      unify_with_fn_bound(fx, e->args[i], at, bound, e->args[i]->span);
      if (at->kind == TY_CLOSURE) vec_push(&fx->kind_checks, ((KindCheck){at->closure, bound->trait, e->args[i]}));
    }
    value_sized(fx, e->args[i], "all struct fields");
    note_move(fx, e->args[i]);
  }
  if (e->base_expr && s->is_enum) {
    Diag *d = diag_error(e->base_expr->span, "E0436", "functional record update syntax requires a struct");
    diag_emit(d);
  } else if (e->base_expr) {
    // `S { a: x, ..base }`: the other fields are moved (or copied) out of base, which has S's type.
    check_coerce(fx, e->base_expr, adt);
    for (int f = 0; f < nfields; f++)  // ... so they must be visible here too
      if (!seen[f] && !field_visible(s, &fields[f], e->base_expr->span)) {
        Diag *d = diag_error(e->base_expr->span, "E0451", "field `%s` of struct `%s` is private", fields[f].name, s->name);
        diag_label(d, "field `%s` is private", fields[f].name);
        diag_emit(d);
      }
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

// ---- overloaded operators ----
//
// On a type that is not a primitive an operator is its trait's method, as rustc desugars it:
// `a + b` is `Add::add(a, b)`, `a += b` is `AddAssign::add_assign(&mut a, b)`, `-a` is
// `Neg::neg(a)` (compiler/std/ops.tr declares them). The call is checked as the method call
// `a.add(b)` on the a already checked, and kept in e->overload, which lowering lowers instead.
// Comparisons call PartialEq and PartialOrd with the operands borrowed (lower.c).

typedef struct {
  TokenKind op;
  const char *trait, *method;
} OpTrait;

static const OpTrait op_traits[] = {
    {TK_PLUS, "Add", "add"},          {TK_MINUS, "Sub", "sub"},      {TK_STAR, "Mul", "mul"},
    {TK_SLASH, "Div", "div"},         {TK_PERCENT, "Rem", "rem"},    {TK_AMP, "BitAnd", "bitand"},
    {TK_PIPE, "BitOr", "bitor"},      {TK_CARET, "BitXor", "bitxor"}, {TK_SHL, "Shl", "shl"},
    {TK_SHR, "Shr", "shr"},
};

static const OpTrait *op_trait(TokenKind op) {
  for (size_t i = 0; i < sizeof op_traits / sizeof op_traits[0]; i++)
    if (op_traits[i].op == op) return &op_traits[i];
  return NULL;
}

// rustc's note on a type that lacks the operator's trait.
static void missing_op_impl(Diag *d, Type *t, const char *trait) {
  t = ty_resolve(t);
  if (t->kind == TY_STRUCT)
    diag_note_at(d, t->sdecl->span, "an implementation of `%s` might be missing for `%s`", trait, ty_name(t));
  else if (t->kind == TY_PARAM)
    diag_help(d, "consider restricting type parameter `%s` with trait `%s`", ty_name(t), trait);
}

// `recv.method(arg)` standing for an operator expression.
static Expr *operator_call(Expr *e, Expr *recv, Expr *arg, const char *method) {
  Expr *m = arena_alloc(sizeof(Expr));
  *m = (Expr){.kind = EX_METHOD, .span = e->span, .sub = recv, .name = intern_cstr(method),
              .name_span = e->name_span.hi ? e->name_span : e->span};
  if (arg) {
    m->args = arena_alloc(sizeof(Expr *));
    m->args[0] = arg;
    m->nargs = 1;
  }
  return m;
}

// The operator as its trait's method when the operand's type implements the trait (the type,
// else NULL: the caller reports the operator as unsupported).
static Type *check_overload(Fcx *fx, Expr *e, const char *trait, const char *method, Expr *arg) {
  TraitDecl *tr = lookup_trait(intern_cstr(trait));
  Type *self = ty_resolve(e->kind == EX_UNARY ? e->sub->ty : e->lhs->ty);
  // An operand still being inferred (`V::default() + b`, a V<_>) goes by the impls for its
  // type's head: the call's checking infers the rest, and the impl's bounds become obligations.
  bool open = tr && self->kind == TY_STRUCT && ty_has_vars(self) && impls_for_self(tr, self) > 0;
  if (!tr || (!open && !type_implements(K, self, tr))) return NULL;
  e->overload = operator_call(e, e->kind == EX_UNARY ? e->sub : e->lhs, arg, method);
  Type *t = check_operator_method(fx, e->overload);
  e->overload->ty = ty_has_assoc(t) ? ty_normalize(t, cur_env) : t;
  vec_push(&fx->exprs, e->overload);
  return e->overload->ty;
}

// ---- overloaded deref ----
//
// `*x` on a type that is neither a reference nor a Box is `*Deref::deref(&x)`: e->overload is
// the checked call `x.deref()`, and the expression is a place of type Target (lowering calls
// `deref_mut` instead where the place is written or borrowed `&mut`). Method calls, field
// accesses and coercions that deref through such a type get the same node put in front of
// their operand (deref_through).

// Whether t has a Deref impl the checker must call: not a reference, pointer, Box, Vec or String,
// whose derefs are builtin (std's Deref impls for the last three serve bounds, std/ops.tr).
bool has_user_deref(Type *t) {
  t = ty_resolve(t);
  switch (t->kind) {
  case TY_REF: case TY_BOX: case TY_PTR: case TY_VAR: case TY_VEC: case TY_STRING: return false;
  default: break;
  }
  if (!K->deref_trait) return false;
  return type_implements(K, t, K->deref_trait);
}

static Expr *star_of(Expr *base, Type *t) {
  Expr *d = arena_alloc(sizeof(Expr));
  *d = (Expr){.kind = EX_UNARY, .op = TK_STAR, .span = base->span, .sub = base, .ty = t, .field_index = -1};
  return d;
}

// `*base` through Deref, checked; NULL when base's type has no Deref impl.
static Expr *deref_call(Fcx *fx, Expr *base, Span sp) {
  Expr *d = star_of(base, NULL);
  d->span = sp;
  d->overload = operator_call(d, base, NULL, "deref");
  Type *r = ty_resolve(check_operator_method(fx, d->overload));
  if (ty_has_assoc(r)) r = ty_resolve(ty_normalize(r, cur_env));
  d->overload->ty = r;
  vec_push(&fx->exprs, d->overload);
  vec_push(&fx->exprs, d);
  d->ty = r->kind == TY_REF ? r->inner : ty_new_var(0);
  return d;
}

static Expr *overloaded_star(Fcx *fx, Expr *base, Span sp) { return has_user_deref(base->ty) ? deref_call(fx, base, sp) : NULL; }

// The operand `base`, after `derefs` builtin derefs (of references and Boxes), dereferenced
// once more through Deref: what a method call or field access on it reaches next, or NULL.
Expr *deref_through(Fcx *fx, Expr *base, int derefs) {
  for (int i = 0; i < derefs; i++) {
    Type *t = ty_resolve(base->ty);
    if (t->kind != TY_REF && t->kind != TY_BOX) return NULL;
    base = star_of(base, t->inner);
    vec_push(&fx->exprs, base);
  }
  return overloaded_star(fx, base, base->span);
}

// `*Index::index(&a, i)`: a place of type Output (IndexMut's where lowering needs it).
static Type *check_index_overload(Fcx *fx, Expr *e) {
  e->overload = operator_call(e, e->lhs, e->rhs, "index");
  Type *r = ty_resolve(check_operator_method(fx, e->overload));
  if (ty_has_assoc(r)) r = ty_resolve(ty_normalize(r, cur_env));
  e->overload->ty = r;
  vec_push(&fx->exprs, e->overload);
  return r->kind == TY_REF ? r->inner : ty_new_var(0);
}

// Whether an index expression is a range held in a variable (`let r = 0..5; &s[r]`): its
// type is Range, RangeInclusive, RangeFrom, RangeTo, RangeToInclusive or RangeFull. (A range
// written in the brackets is the compiler's own slicing. The expression is not checked here:
// its check is the Index call's.)
static bool range_value(Fcx *fx, Expr *idx) {
  bool cloned = idx->kind == EX_METHOD && idx->name && !strcmp(idx->name, "clone") && !idx->nargs;  // `&s[r.clone()]`
  if (cloned) idx = idx->sub;
  if (idx->kind != EX_PATH || idx->path.nsegs != 1 || idx->path.segs[0].nargs) return false;
  Local *l = find_local_hyg(fx, idx->path.segs[0].name, idx->path.segs[0].hyg);
  if (!l || !l->ty) return false;
  Type *t = ty_resolve(l->ty);
  while (cloned && t->kind == TY_REF) t = ty_resolve(t->inner);
  if (t->kind == TY_RANGE) return true;
  for (int i = 0; t->kind == TY_STRUCT && i < 4; i++)
    if (t->sdecl == K->open_ranges[i]) return true;
  return false;
}

// Whether `a[i]` on t goes through Index: t implements it, or t is a struct with an Index impl
// whose bounds its type arguments, still being inferred (`m.insert(1, 2); m[&1]`), will be
// checked against by the call.
static bool has_index_impl(Type *t) {
  t = ty_resolve(t);
  if (!K->index_trait) return false;
  if (type_implements(K, t, K->index_trait)) return true;
  for (int i = 0; t->kind == TY_STRUCT && i < K->index_trait->impls.len; i++) {
    ImplDecl *im = K->index_trait->impls.data[i];
    Type *st = im->self_ty ? ty_resolve(im->self_ty) : NULL;
    if (st && st->kind == TY_STRUCT && st->sdecl == t->sdecl) return true;
  }
  return false;
}

// `2.0 * v`: a number on the left of a type that is not one, with an impl like `Mul<V2> for
// f64`. Both operands are checked already, so the call is filled in from the impl found (a
// literal takes its fallback type, f64 or i32, to look for it).
static Type *check_rhs_overload(Fcx *fx, Expr *e, Type *a, Type *b) {
  const OpTrait *ot = op_trait(e->op);
  TraitDecl *tr = ot ? lookup_trait(intern_cstr(ot->trait)) : NULL;
  Type *self = ty_resolve(a);
  if (!tr) return NULL;
  Type **targs = arena_alloc(sizeof(Type *) * 2);
  targs[1] = b;
  TraitRef r = {.trait = tr, .args = targs + 1, .nargs = 1};
  if (self->kind == TY_VAR && self->var_kind) {
    // `5 + C(1)` with `impl Add<C> for i64`: the one number type with such an impl, else the
    // literal's fallback (i32, f64), as rustc's selection decides.
    int n;
    Type *const *cands = literal_types(self, &n);
    Type *only = NULL;
    for (int i = 0; i < n; i++)
      if (find_impl(K, &r, cands[i], NULL, NULL)) only = only ? ty_unit : cands[i];
    self = only && only != ty_unit ? only : self->var_kind == 1 ? ty_i32 : ty_f64;
  }
  targs[0] = self;
  // (A parameter's or projection's impl is its bound's: `T: Add<Output = T>`.)
  bool bounded = (self->kind == TY_PARAM || self->kind == TY_ASSOC) && type_implements(K, self, tr);
  if (!(bounded || find_impl(K, &r, self, NULL, NULL)) || !unify(a, self)) return NULL;
  Expr *m = operator_call(e, e->lhs, e->rhs, ot->method);
  m->dispatch = DISPATCH_TRAIT;
  m->fn = trait_find_method(tr, m->name, &m->trait);
  m->self_ty = self;
  m->fn_targs = targs;
  m->fn_ntargs = 2;
  Type *ret = sig_of(m->fn, targs, 2).ret;
  m->ty = ty_has_assoc(ret) ? ty_normalize(ret, cur_env) : ret;
  note_move(fx, e->rhs);
  vec_push(&fx->exprs, m);
  e->overload = m;
  return m->ty;
}

// `s[a..b]` (and `a..`, `..b`, `..`, `a..=b`) on a str or String is the place
// `*s.__trc_index(a, b, kind)`, compiler/std/str.tr's method that checks the bounds and the
// char boundaries as std's `Index<Range<usize>> for str` does; kind says which bounds the
// range has (bit 0: an end, bit 1: `..=`). The method is #[track_caller], so a panic names
// the indexing expression, as rustc's.
static Expr *usize_lit(Expr *at, uint64_t v) {
  Expr *l = arena_alloc(sizeof(Expr));
  *l = (Expr){.kind = EX_INT, .span = at->span, .int_val = v, .field_index = -1};
  return l;
}

static Type *check_str_range(Fcx *fx, Expr *e) {
  Expr *r = e->rhs;
  Expr *m = operator_call(e, e->lhs, NULL, "__trc_index");
  m->args = arena_alloc(sizeof(Expr *) * 3);
  m->args[0] = r->lhs ? r->lhs : usize_lit(r, 0);
  m->args[1] = r->rhs ? r->rhs : usize_lit(r, 0);
  m->args[2] = usize_lit(r, (r->rhs != NULL) | (r->inclusive ? 2 : 0));
  m->nargs = 3;
  r->ty = ty_unit;
  Type *t = ty_resolve(check_operator_method(fx, m));
  m->ty = t;
  vec_push(&fx->exprs, m);
  e->overload = star_of(m, ty_str);
  vec_push(&fx->exprs, e->overload);
  return ty_str;
}

static Type *check_binary_overload(Fcx *fx, Expr *e) {
  const OpTrait *ot = op_trait(e->op);
  return ot ? check_overload(fx, e, ot->trait, ot->method, e->rhs) : NULL;
}

// `a op= b` on a type that is not a primitive: `OpAssign::op_assign(&mut a, b)`.
static bool check_compound_overload(Fcx *fx, Expr *e) {
  const OpTrait *ot = op_trait(e->op);
  if (!ot) return false;
  return check_overload(fx, e, arena_printf("%sAssign", ot->trait), arena_printf("%s_assign", ot->method), e->rhs) != NULL;
}

// `-x` and `!x` of a `&i32` or `&bool`: std's `impl Neg for &i32` (and Not) is the operator on
// the value behind the reference, `-*x`.
static Type *operand_behind_ref(Expr *e, Type *t, TokenKind op) {
  Type *in = t->kind == TY_REF ? ty_resolve(t->inner) : NULL;
  if (!in || !(op == TK_MINUS ? ty_is_numeric(in) : in->kind == TY_BOOL || ty_is_int(in))) return t;
  e->sub = star_of(e->sub, in);  // (a closure's use of x stays one of x: Neg::neg(x) copies it)
  return in;
}

// `a..`, `..b`, `..=b` and `..` as values: std::ops's RangeFrom { start: a }, RangeTo { end:
// b }, RangeToInclusive { end: b } and RangeFull, e->sdecl (lowered as that struct). (`v[a..]`
// and the other slicings are the compiler's own, never these.)
static Type *check_open_range(Fcx *fx, Expr *e, Type *expected) {
  Expr *bound = e->lhs ? e->lhs : e->rhs;
  StructDecl *s = K->open_ranges[e->lhs ? RANGE_FROM : !e->rhs ? RANGE_FULL : e->inclusive ? RANGE_TO_INCLUSIVE : RANGE_TO];
  e->sdecl = s;
  if (!bound) return ty_struct(s, NULL, 0);
  Type *exp = expected ? ty_resolve(expected) : NULL;
  Type *a = check_expr(fx, bound, exp && exp->kind == TY_STRUCT && exp->sdecl == s ? exp->args[0] : NULL);
  note_move(fx, bound);
  Type **args = arena_alloc(sizeof(Type *));
  args[0] = a;
  return ty_struct(s, args, 1);
}

static Type *check_unary(Fcx *fx, Expr *e, Type *expected) {
  switch (e->op) {
  case TK_MINUS: {
    Type *t = operand_behind_ref(e, ty_resolve(check_expr(fx, e->sub, expected)), TK_MINUS);
    Type *o = !ty_is_numeric(t) && t->kind != TY_VAR ? check_overload(fx, e, "Neg", "neg", NULL) : NULL;
    if (o) return o;
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
    Type *t = operand_behind_ref(e, ty_resolve(check_expr(fx, e->sub, expected)), TK_BANG);
    Type *o = t->kind != TY_BOOL && !ty_is_int(t) && t->kind != TY_VAR ? check_overload(fx, e, "Not", "not", NULL) : NULL;
    if (o) return o;
    if (t->kind != TY_BOOL && !ty_is_int(t) && t->kind != TY_VAR)
      error_at(e->span, "E0600", "cannot apply unary operator `!` to type `%s`", ty_name(t));
    return t;
  }
  case TK_STAR: {
    Type *t = ty_resolve(check_expr(fx, e->sub, NULL));
    if (t->kind == TY_REF) capture_through(fx, e->sub);
    if (t->kind == TY_REF || t->kind == TY_BOX || t->kind == TY_PTR) return t->inner;
    if (has_user_deref(t) || t->kind == TY_VEC || t->kind == TY_STRING) {  // `*Deref::deref(&x)`; `&*v` is a slice
      Expr *d = deref_call(fx, e->sub, e->span);
      e->overload = d->overload;
      return d->ty;
    }
    Diag *d = diag_error(e->span, "E0614", "type `%s` cannot be dereferenced", ty_name(t));
    diag_label(d, "can't be dereferenced");
    diag_emit(d);
    return ty_new_var(0);
  }
  case TK_AMP: {
    Type *exp = expected ? ty_resolve(expected) : NULL;
    bool array_for_slice = e->sub->kind == EX_ARRAY && exp && exp->kind == TY_REF && ty_resolve(exp->inner)->kind == TY_SLICE;
    Type *hint = exp && exp->kind == TY_REF && (ty_is_sized(exp->inner) || e->sub->kind == EX_CLOSURE || array_for_slice) ? exp->inner : NULL;
    Type *t = check_expr(fx, e->sub, hint);
    if (e->mut) note_mut_use(fx, e->sub);
    if (e->mut && is_place(e->sub)) {
      Local *l = place_root_local(e->sub);
      if (l && !l->mut && ty_resolve(l->ty)->kind != TY_REF) {
        Diag *d = diag_error(e->span, "E0596", "cannot borrow `%s` as mutable, as it is not declared as mutable", l->name);
        diag_label(d, "cannot borrow as mutable");
        diag_help(d, "consider changing this to be mutable: `mut %s`", l->name);
        diag_defer(d, DEFER_MUTABILITY);  // a borrow-checker error: reported in order with those
      }
    }
    return e->raw ? ty_ptr(t, e->mut) : ty_ref(t, e->mut);
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
  return t->kind == TY_INT || t->kind == TY_PTR || t->kind == TY_FLOAT || t->kind == TY_BOOL || t->kind == TY_CHAR || t->kind == TY_VAR ||
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

// A String, a str or a &str: comparable with each other by contents.
static bool stringish(Type *t) {
  return t->kind == TY_STRING || t->kind == TY_STR || (t->kind == TY_REF && ty_resolve(t->inner)->kind == TY_STR);
}

// E0277 for `a op b` where a has several PartialEq (PartialOrd) impls and none for b: rustc's
// wording from the traits' `rustc_on_unimplemented`.
void report_incomparable(TokenKind op, Type *a, Type *b, Span at) {
  bool eq = op == TK_EQEQ || op == TK_NE;
  const char *an = ty_name(a), *bn = ty_name(b);
  Diag *d = diag_error(at, "E0277", "can't compare `%s` with `%s`", an, bn);
  if (eq) diag_label(d, "no implementation for `%s == %s`", an, bn);
  else diag_label(d, "no implementation for `%s < %s` and `%s > %s`", an, bn, an, bn);
  diag_help(d, "the trait `%s<%s>` is not implemented for `%s`", eq ? "PartialEq" : "PartialOrd", bn, an);
  diag_emit(d);
}

// The operands of `a op b` (op a comparison; `assert_eq!(a, b)` compares with `==`), already
// checked as a and b, as rustc's lookup of `<A as PartialEq<B>>` does: strings compare with
// strings by contents, and operands of different types need an impl for the pair (`impl
// PartialEq<f64> for Money`, a bound `T: PartialEq<U>`); without one, the right operand is
// expected to be the left's type (E0308) unless the left's type has several impls to pick from
// (E0277 at `at`, the operator or the macro), as a String has. CMP_SAME: a and b are unified
// (or a has no impl of the trait at all), and the caller checks that a's type has the trait.
CompareKind check_compared(TokenKind op, Expr *rhs, Type *a, Type *b, Span at) {
  bool eq = op == TK_EQEQ || op == TK_NE;
  TraitDecl *tr = eq ? K->partial_eq_trait : K->partial_ord_trait;
  Type *ra = ty_resolve(a), *rb = ty_resolve(b);
  // String == &str and friends compare by contents, also behind as many references on each
  // side (`&String == &str`: std's `impl PartialEq<&B> for &A` over `String: PartialEq<str>`).
  while (ra->kind == TY_REF && rb->kind == TY_REF) ra = ty_resolve(ra->inner), rb = ty_resolve(rb->inner);
  bool strs = stringish(ra) && stringish(rb) && !((ra->kind == TY_STR && rb->kind == TY_REF) || (ra->kind == TY_REF && rb->kind == TY_STR));
  if (strs && (eq || ty_may_unify(ra, rb))) return CMP_OTHER;
  // One type: what it lacks (no impl at all) the caller reports, but impls only for other
  // types (`impl PartialEq<f64> for Only`) leave `only == only` without one.
  if (ty_may_unify(a, b) && unify(a, b) && (!type_implements(K, deref_all(a), tr) || compares_with_itself(tr, deref_all(a))))
    return CMP_SAME;
  if (compares_with(tr, a, b)) return CMP_OTHER;
  Type *t = deref_all(a);
  if (!ty_has_vars(t) && !type_implements(K, t, tr)) return CMP_SAME;  // no impl at all: E0369
  Type *only = only_compared_rhs(tr, a);
  if (!only && compares_with_several(tr, a)) report_incomparable(op, a, b, at);
  else mismatch(rhs, only ? only : a, b);
  return CMP_ERROR;
}

Type *compared_rhs_hint(TokenKind op, Type *a) {
  return compares_with_several(op == TK_EQEQ || op == TK_NE ? K->partial_eq_trait : K->partial_ord_trait, a) ? NULL : a;
}

static void check_comparison(Expr *e, Type *a, Type *b) {
  TokenKind op = e->op;
  if (check_compared(op, e->rhs, a, b, e->name_span) != CMP_SAME) return;
  if (op == TK_EQEQ || op == TK_NE) {
    check_equality(e, a);
  } else if ((!comparable(a) && !ty_has_vars(deref_all(a)) && !type_implements(K, deref_all(a), K->partial_ord_trait)) ||
      ty_resolve(a)->kind == TY_UNIT) {
    Diag *d = diag_error(e->name_span, "E0369", "binary operation `%s` cannot be applied to type `%s`", op_text(op), ty_name(a));
    diag_secondary(d, e->lhs->span, "%s", ty_name(a));
    diag_secondary(d, e->rhs->span, "%s", ty_name(b));
    missing_op_impl(d, deref_all(a), "PartialOrd");
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
    Type *b = check_expr(fx, e->rhs, compared_rhs_hint(op, a));
    check_comparison(e, a, b);
    return ty_bool;
  }
  Type *exp = expected && ty_is_numeric(expected) ? expected : NULL;
  Type *a = check_expr(fx, e->lhs, exp);
  Type *ra = ty_resolve(a);
  if (op == TK_SHL || op == TK_SHR) {
    Type *ps = ra->kind == TY_REF ? ty_resolve(ra->inner) : ra;
    if (!ty_is_int(ps) && ps->kind != TY_VAR) {  // `Mod7(3) << 2`: Shl's impl for it
      Type *t = check_binary_overload(fx, e);
      if (t) return t;
    }
    Type *b = check_expr(fx, e->rhs, NULL);
    if (!ty_is_int(a) || !ty_is_int(b))
      error_at(e->name_span, "E0369", "no implementation for `%s %s %s`", ty_name(a), op_text(op), ty_name(b));
    return a;
  }
  Type *prim = ra->kind == TY_REF ? ty_resolve(ra->inner) : ra;
  bool bitop = op == TK_AMP || op == TK_PIPE || op == TK_CARET;
  if (!ty_is_numeric(prim) && prim->kind != TY_VAR && !(bitop && prim->kind == TY_BOOL)) {
    Type *t = check_binary_overload(fx, e);
    if (t) return t;
  }
  Type *b = check_expr(fx, e->rhs, ra->kind == TY_REF ? ra->inner : a);
  Type *rb = ty_resolve(b);
  // Arithmetic through one level of reference (`&i32 + i32`) as std's operator impls allow.
  if (ra->kind == TY_REF && ty_is_numeric(ra->inner)) ra = ty_resolve(ra->inner);
  if (rb->kind == TY_REF && ty_is_numeric(rb->inner)) rb = ty_resolve(rb->inner);
  bool open = ra->kind == TY_VAR && !ra->var_kind;
  bool ok = (ty_is_numeric(ra) || ra->kind == TY_VAR || (bitop && ra->kind == TY_BOOL)) && unify(ra, rb);
  if (ok && bitop && ty_resolve(ra)->kind == TY_FLOAT) ok = false;
  // An operand not inferred yet that the other makes a type with operator impls (`a + b` in
  // `fold(Default::default(), |a, b| a + b)` over items of a `T: Add`): the impl's call.
  Type *now = ty_resolve(ra);
  if (ok && open && now->kind != TY_VAR && !ty_is_numeric(now) && !(bitop && now->kind == TY_BOOL)) {
    Type *t = check_rhs_overload(fx, e, a, b);
    if (t) return t;
  }
  if (!ok && ty_resolve(b)->kind != TY_VAR) {
    Type *t = check_rhs_overload(fx, e, a, b);
    if (t) return t;
  }
  if (!ok) {
    bool named = op == TK_PLUS || op == TK_MINUS || op == TK_STAR || op == TK_SLASH;
    // A number has impls of the operator's trait, only not for this right-hand side: rustc's
    // unmet bound (E0277 `i8: Add<Option<i8>>`); a type with no impl of it at all is E0369.
    if (ty_is_numeric(ra) && !(bitop && ty_resolve(ra)->kind == TY_FLOAT)) {
      Diag *d = op == TK_PERCENT ? diag_error(e->name_span, "E0277", "cannot calculate the remainder of `%s` divided by `%s`", ty_name(ra), ty_name(rb))
                : named ? diag_error(e->name_span, "E0277", "cannot %s `%s` %s `%s`",
                                     op == TK_PLUS ? "add" : op == TK_MINUS ? "subtract" : op == TK_STAR ? "multiply" : "divide",
                                     ty_name(op == TK_PLUS || op == TK_MINUS ? rb : ra),
                                     op == TK_PLUS ? "to" : op == TK_MINUS ? "from" : "by",
                                     ty_name(op == TK_PLUS || op == TK_MINUS ? ra : rb))
                        : diag_error(e->name_span, "E0277", "no implementation for `%s %s %s`", ty_name(ra), op_text(op), ty_name(rb));
      diag_label(d, "no implementation for `%s %s %s`", ty_name(ra), op_text(op), ty_name(rb));
      const OpTrait *ot = op_trait(op);
      if (ot) diag_help(d, "the trait `%s<%s>` is not implemented for `%s`", ot->trait, ty_name(rb), ty_name(ra));
      diag_emit(d);
      return ty_new_var(0);
    }
    Diag *d = named ? diag_error(e->name_span, "E0369", "cannot %s `%s` %s `%s`",
                                 op == TK_PLUS ? "add" : op == TK_MINUS ? "subtract" : op == TK_STAR ? "multiply" : "divide",
                                 ty_name(op == TK_PLUS || op == TK_MINUS ? rb : ra),
                                 op == TK_PLUS ? "to" : op == TK_MINUS ? "from" : "by",
                                 ty_name(op == TK_PLUS || op == TK_MINUS ? ra : rb))
                    : diag_error(e->name_span, "E0369", "binary operation `%s` cannot be applied to type `%s`", op_text(op), ty_name(ra));
    diag_secondary(d, e->lhs->span, "%s", ty_name(ra));
    diag_secondary(d, e->rhs->span, "%s", ty_name(rb));
    const OpTrait *ot = op_trait(op);
    if (ot) missing_op_impl(d, ra, ot->trait);
    diag_emit(d);
    return ty_new_var(0);
  }
  return ra;
}

// The variable a place expression writes into without going through a reference (`a[0]`,
// `t.0`, `s.v[1]`), or NULL; *vec is the Vec it indexes on the way (IndexMut borrows it).
static Local *owned_root(Expr *e, Expr **vec) {
  for (;;) {
    if ((e->kind == EX_FIELD || e->kind == EX_INDEX) && e->autoderefs) return NULL;
    if (e->kind == EX_FIELD) {
      e = e->sub;
    } else if (e->kind == EX_INDEX) {
      if (ty_resolve(e->lhs->ty)->kind == TY_VEC) *vec = e->lhs;
      e = e->lhs;
    } else if (e->kind == EX_UNARY && e->op == TK_STAR && !e->overload && e->sub->ty && ty_resolve(e->sub->ty)->kind == TY_BOX) {
      e = e->sub;  // `*b = 2`: a Box owns what it points to
    } else {
      break;
    }
  }
  return e->kind == EX_PATH && e->res == RES_LOCAL && ty_resolve(e->local->ty)->kind != TY_REF ? e->local : NULL;
}

// `a[_]`, `t.0`, `s.v[_]`: a place as rustc names it.
static const char *place_name(Expr *e) {
  if (e->kind == EX_FIELD) return arena_printf("%s.%s", place_name(e->sub), diag_span_text(e->name_span));
  if (e->kind == EX_INDEX) return arena_printf("%s[_]", place_name(e->lhs));
  return diag_span_text(e->span);
}

static void check_assignable(Fcx *fx, Expr *assign) {
  Expr *lhs = assign->lhs;
  note_mut_place(fx, lhs, true, assign->span, true);
  if (!is_place(lhs)) {
    Diag *d = diag_error(lhs->span, "E0070", "invalid left-hand side of assignment");
    diag_label(d, "cannot assign to this expression");
    diag_emit(d);
    return;
  }
  Local *l = place_root_local(lhs);
  Expr *vec = NULL;
  Local *owner = lhs->kind == EX_PATH ? NULL : owned_root(lhs, &vec);
  if (l && !l->mut && lhs->kind == EX_PATH && l->assigned && !l->late_init) {
    Diag *d = diag_error(lhs->span, "E0384", "cannot assign twice to immutable variable `%s`", l->name);
    diag_secondary(d, l->span, "first assignment to `%s`", l->name);
    diag_label(d, "cannot assign twice to immutable variable");
    diag_defer(d, DEFER_CONFLICT);
  } else if (owner && !owner->mut && (!owner->late_init || owner->assigned) && vec) {
    // `v[i] = x` is `*IndexMut::index_mut(&mut v, i) = x`: a `&mut` borrow of v.
    Diag *d = vec->kind == EX_PATH ? diag_error(vec->span, "E0596", "cannot borrow `%s` as mutable, as it is not declared as mutable", owner->name)
                                   : diag_error(vec->span, "E0596", "cannot borrow `%s` as mutable, as `%s` is not declared as mutable", place_name(vec), owner->name);
    diag_label(d, "cannot borrow as mutable");
    diag_help(d, "consider changing this to be mutable: `mut %s`", owner->name);
    diag_defer(d, DEFER_MUTABILITY);
  } else if (owner && !owner->mut && (!owner->late_init || owner->assigned)) {
    // (A part of a variable not yet given a value is E0381 instead, from the move checker.)
    Diag *d = diag_error(assign->span, "E0594", "cannot assign to `%s`, as `%s` is not declared as mutable", place_name(lhs), owner->name);
    diag_label(d, "cannot assign");
    diag_help(d, "consider changing this to be mutable: `mut %s`", owner->name);
    diag_defer(d, DEFER_MUTABILITY);
  }
  if (l && lhs->kind == EX_PATH) l->assigned = true;
}

// The casts of raw pointers (lowered as CAST_PTR): `&x as *const T`, `&mut x as *mut T`, a
// reference to an array as a pointer to its first element, any raw pointer as another or as an
// integer, an integer or a fn as a thin pointer. 1 when `from as to` is one of them, -1 when it
// is one rustc rejects (E0606: `&x as *mut T`, a fat pointer made from a thin one), else 0.
static bool thin(Type *pointee) { return ty_is_sized(pointee); }
static int ptr_cast(Type *from, Type *to) {
  if (to->kind != TY_PTR && from->kind != TY_PTR) return 0;
  if (to->kind == TY_PTR && from->kind == TY_REF) {
    Type *fi = ty_resolve(from->inner), *ti = ty_resolve(to->inner);
    if (to->mut && !from->mut) return unify(fi, ti), -1;  // (the message names the type found)
    if (fi->kind == TY_ARRAY && ty_resolve(fi->inner) == ti) return 1;
    return unify(fi, ti) ? 1 : 0;
  }
  if (to->kind == TY_PTR && from->kind == TY_PTR) {
    if (ty_resolve(to->inner)->kind == TY_VAR) unify(to->inner, from->inner);  // `p as *mut _`
    return thin(to->inner) || !thin(from->inner) ? 1 : -1;
  }
  if (to->kind == TY_PTR && (from->kind == TY_FLOAT || (from->kind == TY_VAR && from->var_kind == 2)))
    return unify(from, ty_f64), -1;  // (a float literal is an f64 here, as rustc names it)
  if (to->kind == TY_PTR && (ty_is_int(from) || (from->kind == TY_VAR && from->var_kind == 1) || from->kind == TY_FN))
    return thin(to->inner) ? 1 : -1;
  if (from->kind == TY_PTR && ty_is_int(to)) return thin(from->inner) ? 1 : -1;
  return 0;
}

static Type *check_cast(Fcx *fx, Expr *e, Type *expected) {
  Type *to = resolve_type_ex(e->type_expr, fx->env, fx->self_ty, true);
  if (ty_resolve(to)->kind == TY_VAR && expected) unify(to, expected);  // `1u8 as _` where a u32 is expected
  Type *rto = ty_resolve(to);
  Type *hint = ty_is_numeric(rto) ? NULL : rto;
  Type *from = ty_resolve(check_expr(fx, e->sub, hint && (rto->kind == TY_REF || rto->kind == TY_BOX) ? NULL : hint));
  if (rto->kind != TY_VAR && !env_is_sized(fx->env, rto)) {  // a cast makes a value: it needs a size
    Diag *d = diag_error(e->span, "E0620", "cast to unsized type: `%s` as `%s`", ty_name(from), ty_name(to));
    diag_help(d, "consider casting to a reference instead");
    diag_emit(d);
    return to;
  }
  if (ty_is_numeric(rto) && (ty_is_numeric(from) || from->kind == TY_BOOL || from->kind == TY_CHAR)) {
    // `5 as u64` is u64 literally; a variable of a literal's type (`x as usize` on x from `1..4`)
    // keeps its own, as rustc's cast expectation reaches only the literal.
    Expr *lit = e->sub->kind == EX_UNARY && e->sub->op == TK_MINUS ? e->sub->sub : e->sub;
    if (from->kind == TY_VAR && from->var_kind == 1 && rto->kind == TY_INT && lit->kind == EX_INT) unify(from, to);
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
  // A number made a bool: rustc's E0054 (a literal's type named by its default, i32 or f64).
  if (rto->kind == TY_BOOL && (ty_is_numeric(from) || (from->kind == TY_VAR && from->var_kind == 1))) {
    const char *name = from->kind != TY_VAR ? ty_name(from) : from->var_kind == 1 ? "i32" : "f64";
    Diag *d = diag_error(e->span, "E0054", "cannot cast `%s` as `bool`", name);
    diag_help(d, "compare with zero instead");
    diag_emit(d);
    return to;
  }
  if (rto->kind == TY_CHAR && ty_is_int(from)) {
    Diag *d = diag_error(e->span, "E0604", "only `u8` can be cast as `char`, not `%s`", ty_name(from));
    diag_label(d, "invalid cast");
    if (from == ty_u32) diag_help(d, "consider using `char::from_u32` instead");
    diag_emit(d);
    return to;
  }
  int ptr = ptr_cast(from, rto);
  if (ptr > 0) return to;
  if (ptr < 0) {
    error_at(e->span, "E0606", "casting `%s` as `%s` is invalid", ty_name(from), ty_name(to));
    return to;
  }
  if (coerce(fx, e->sub, from, to)) return to;
  if (from->kind == TY_REF && (ty_is_numeric(rto) || rto->kind == TY_BOOL || rto->kind == TY_CHAR)) {
    // A reference made a number (`"5" as i32`, `&x as i64`): rustc's E0606, not a non-primitive cast.
    Diag *d = diag_error(e->span, "E0606", "casting `%s` as `%s` is invalid", ty_name(from), ty_name(to));
    Expr *sub = e->sub;
    if (sub->kind == EX_UNARY && sub->op == TK_AMP) diag_help(d, "remove the unneeded borrow");
    else if (!ty_is_sized(from->inner)) diag_note(d, "cast through a raw pointer first");
    else diag_help(d, "dereference the expression: `*%s`", diag_span_text(sub->span));
    diag_emit(d);
    return to;
  }
  Diag *d = diag_error(e->span, "E0605", "non-primitive cast: `%s` as `%s`", ty_name(from), ty_name(to));
  diag_label(d, "an `as` expression can only be used to convert between primitive types or to coerce to a specific trait object");
  diag_emit(d);
  return to;
}

// The expression that gives a block-like expression its value, for pointing at it.
Expr *value_expr(Expr *e) {
  while (e->kind == EX_BLOCK && e->block->tail) e = e->block->tail;
  return e;
}

// Two different closures that capture nothing meet as the fn pointer of their signature
// (rustc's least upper bound of closure types): `if c { || 1 } else { || 2 }`.
Type *join_closures(Fcx *fx, Expr *ea, Expr *eb, Type *a, Type *b) {
  Sig sig;
  a = ty_resolve(a), b = ty_resolve(b);
  if (!ea || a->kind != TY_CLOSURE || b->kind != TY_CLOSURE || a == b || a->closure->ncaptures || b->closure->ncaptures ||
      !callable_sig(fx, a, &sig))
    return NULL;
  Type *fnt = ty_fn(sig.params, sig.nparams, sig.ret);
  return coerce(fx, ea, a, fnt) && coerce(fx, eb, b, fnt) ? fnt : NULL;
}

static Type *join(Fcx *fx, Expr *at, Expr *first, Type *a, Type *b) {
  Type *ra = ty_resolve(a), *rb = ty_resolve(b);
  if (ra->kind == TY_NEVER) return b;
  if (rb->kind == TY_NEVER) return a;
  Type *fnt = join_closures(fx, first, at, ra, rb);
  if (fnt) return fnt;
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
  return join(fx, e->else_expr, e->block->tail, then_t, else_t);
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
  if (t->kind == TY_RANGE) {  // a range iterates only over what Step counts: integers and chars
    Type *el = ty_resolve(t->inner);
    if (!ty_is_int(el) && el->kind != TY_CHAR && !(el->kind == TY_VAR && el->var_kind == 0)) {
      Diag *d = diag_error(e->sub->span, "E0277", "`std::ops::%s` is not an iterator", ty_name(t));
      diag_label(d, "`%s` is not an iterator", ty_name(t));
      diag_help(d, "the nightly-only, unstable trait `Step` is not implemented for `%s`", ty_name(el));
      diag_emit(d);
    }
    return t->inner;
  }
  if (t->kind == TY_ITER) return ty_ref(t->inner, t->mut);
  if (t->kind == TY_VEC) {
    note_move(fx, e->sub);
    return t->inner;
  }
  if (t->kind == TY_ARRAY) {
    // An array of Copy elements is visited in place; other elements move out through
    // `arr.into_iter()` (method.c: array_into_vec).
    // (`[vec![1], vec![2]]`'s elements are no Copy whatever the literals become.)
    if (!type_implements(K, t->inner, K->copy_trait) && ty_resolve(t->inner)->kind != TY_VAR) return iterator_elem(fx, e, t);
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
    l->in_cond = true;
    check_coerce(fx, e->sub, ty_bool);
    l->in_cond = false;
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
  for (LoopInfo *l = fx->loop; l; l = l->outer) {
    if (!(e->label ? l->label == e->label : l->loop_expr->kind != EX_BLOCK)) continue;  // (a block only by its label)
    if (l->in_cond && !e->label) {  // which iteration it would leave is not clear
      const char *what = e->kind == EX_BREAK ? "break" : "continue";
      Diag *d = diag_error(e->span, "E0590", "`break` or `continue` with no label in the condition of a `while` loop");
      diag_label(d, "unlabeled `%s` in the condition of a `while` loop", what);
      diag_emit(d);
      return NULL;
    }
    return l;
  }
  if (e->label) {
    Diag *d = diag_error(e->label_span, "E0426", "use of undeclared label `%s`", e->label);
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

// A closure is checked in its enclosing function's scope (it sees the variables there) but as
// a function of its own: its parameters and `let`s are its locals, `return` leaves it, and the
// enclosing variables it uses become its captures.
static Type *check_closure(Fcx *fx, Expr *e, Type *expected);

// ---- functions named as values ----
//
// A constructor, a method or a builtin named as a value (`.map(Some)`, `.map(String::len)`,
// `unwrap_or_else(Vec::new)`) becomes the closure that calls it, `|a0| Some(a0)`, as rustc's
// fn item types behave: a value that calls the function with its arguments. A plain `fn` item
// stays a function pointer (RES_FN without self).

// How many arguments the function named by the resolved path e takes, or -1.
static int value_fn_arity(Expr *e) {
  switch (e->res) {
  case RES_TUPLE_CTOR: return ctor_nfields(e->sdecl, e->variant);
  case RES_BUILTIN_METHOD: return (int)e->int_val;
  case RES_FN: case RES_TRAIT_FN: return e->fn->nparams + (e->fn->self_kind != SELF_NONE);
  case RES_BUILTIN:
    switch (e->builtin) {
    case BI_VEC_NEW: case BI_STRING_NEW: return 0;
    case BI_BOX_NEW: case BI_VEC_WITH_CAPACITY: case BI_DROP: case BI_FORGET: case BI_FLOAT_FROM_BITS: return 1;
    case BI_INT_FROM_STR_RADIX: return 2;
    default: return -1;
    }
  default: return -1;
  }
}

// `Self::N`, `T::N`, `<S as Tr>::N`: an associated const is the call of the function that
// computes it (FnDecl.is_const), for the impl the path resolved to.
static Type *assoc_const_use(Fcx *fx, Expr *e) {
  Expr *callee = arena_alloc(sizeof(Expr));
  *callee = *e;
  callee->ty = ty_unit;
  vec_push(&fx->exprs, callee);
  *e = (Expr){.kind = EX_CALL, .span = callee->span, .sub = callee};
  return sig_of(callee->fn, callee->fn_targs, callee->fn_ntargs).ret;
}

// Turns the path expression e into `|__arg0, ..| path(__arg0, ..)` and checks that closure.
static Type *check_fn_value(Fcx *fx, Expr *e, int arity, Type *expected) {
  Expr *callee = arena_alloc(sizeof(Expr));
  *callee = (Expr){.kind = EX_PATH, .span = e->span, .path = e->path};
  Expr *call = arena_alloc(sizeof(Expr));
  *call = (Expr){.kind = EX_CALL, .span = e->span, .sub = callee, .nargs = arity};
  call->args = arena_alloc(sizeof(Expr *) * (arity + 1));
  Pattern **params = arena_alloc(sizeof(Pattern *) * (arity + 1));
  for (int i = 0; i < arity; i++) {
    const char *name = intern_cstr(arena_printf("__arg%d", i));
    params[i] = arena_alloc(sizeof(Pattern));
    *params[i] = (Pattern){.kind = PAT_BIND, .span = e->span, .name = name};
    Expr *arg = arena_alloc(sizeof(Expr));
    PathSeg *seg = arena_alloc(sizeof(PathSeg));
    *seg = (PathSeg){.name = name, .span = e->span};
    *arg = (Expr){.kind = EX_PATH, .span = e->span, .path = {.segs = seg, .nsegs = 1, .span = e->span}};
    call->args[i] = arg;
  }
  // `|a0, a1| a0.name(a1)`; a number's method stays the call `i32::abs(a0)`, which says the type
  if (e->res == RES_BUILTIN_METHOD && arity > 0 && !(e->self_ty && ty_is_numeric(e->self_ty))) {
    *call = (Expr){.kind = EX_METHOD, .span = e->span, .name = e->name, .name_span = e->span, .sub = call->args[0],
                   .args = call->args + 1, .nargs = arity - 1};
  }
  Expr saved = *e;
  *e = (Expr){.kind = EX_CLOSURE, .span = saved.span, .cparams = params, .cparam_types = arena_alloc(sizeof(TypeExpr *) * (arity + 1)),
              .ncparams = arity, .cbody = call};
  return check_closure(fx, e, expected);
}

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
  if (!hint && exp && exp->kind == TY_VAR) hint = fn_bound_of(fx, exp);  // returned as `impl Fn(i32) -> i32`
  cf->fn_bound = hint && K->fn_traits[0] && hint->trait == K->fn_traits[0];
  cf->fnmut_bound = hint && K->fn_traits[1] && hint->trait == K->fn_traits[1];
  Type *hargs = hint ? ty_resolve(hint->args[0]) : NULL;
  int nhint = hargs && hargs->kind == TY_TUPLE ? hargs->nargs : 0;
  cf->nparams = e->ncparams;
  cf->params = arena_alloc(sizeof(Param) * (e->ncparams + 1));
  cf->param_types = arena_alloc(sizeof(Type *) * (e->ncparams + 1));
  // ... or from the fn pointer type expected (`let f: fn(&str) -> String = |s| ..`).
  Type *fnp = !hint && exp && exp->kind == TY_FN && exp->nargs == e->ncparams ? exp : NULL;
  for (int i = 0; i < e->ncparams; i++) {
    Type *t = e->cparam_types[i] ? resolve_type_ex(e->cparam_types[i], fx->env, fx->self_ty, true)
              : hint && i < nhint && e->ncparams == nhint ? ty_normalize(hargs->args[i], fx->env)
              : fnp ? fnp->args[i] : ty_new_var(0);
    if (e->cparam_types[i]) require_sized(fx->env, t, e->cparam_types[i]->span, "function arguments");  // `|y: X|`
    cf->param_types[i] = t;
    cf->params[i] = (Param){.pat = e->cparams[i], .ty = e->cparam_types[i], .span = e->cparams[i]->span};
  }
  Type *ret = e->cret ? resolve_type_ex(e->cret, fx->env, fx->self_ty, true)
              : hint && hint->nassoc ? hint->assoc_types[0] : fnp ? fnp->ret : ty_new_var(0);
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
  fx->one_pattern.len = 0;
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
  if ((fx->diverges || ty_resolve(e->cbody->ty)->kind == TY_NEVER) && ty_resolve(ret)->kind == TY_VAR) vec_push(&fx->diverging, ret);
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

// x? on a Result or an Option: the Ok/Some value, or an early return of the Err/None. The
// function (or closure) must return the same kind; an Err's type must be the function's (trc
// has no `From` conversions yet).
// `x?` whose error type differs from the function's: the error is converted with
// `<Ret as From<E>>::from`, as rustc's desugaring does, when such an impl exists. e->fn and
// e->fn_targs (Ret, E) name the conversion for lowering.
// `fn g<E: From<Neg>>() -> Result<i64, E> { Ok(check()?) }`: the error converts through the
// parameter's own bound.
static bool param_bound_from(Type *to, Type *from, TraitDecl *from_trait) {
  Type *t = ty_resolve(to);
  if (t->kind != TY_PARAM || !cur_env || t->index >= cur_env->n) return false;
  for (int b = 0; b < cur_env->nbounds[t->index]; b++) {
    TraitRef *r = cur_env->bounds[t->index][b];
    if (r->trait == from_trait && r->nargs == 1 && ty_zonk(r->args[0]) == ty_zonk(from)) return true;
  }
  return false;
}

static bool try_converts(Expr *e, Type *from, Type *to) {
  TraitDecl *from_trait = lookup_trait(intern_cstr("From"));
  if (!from_trait) return false;
  Type **args = arena_alloc(sizeof(Type *) * 2);
  args[0] = ty_resolve(from);
  TraitRef r = {.trait = from_trait, .args = args, .nargs = 1};
  if (!find_impl(K, &r, ty_resolve(to), NULL, NULL) && !param_bound_from(to, from, from_trait)) return false;
  e->trait = from_trait;
  e->fn = trait_find_method(from_trait, intern_cstr("from"), NULL);
  e->fn_targs = arena_alloc(sizeof(Type *) * 2);
  e->fn_targs[0] = to;
  e->fn_targs[1] = from;
  e->fn_ntargs = 2;
  return true;
}

static Type *check_try(Fcx *fx, Expr *e) {
  Type *t = ty_resolve(check_expr(fx, e->sub, NULL));
  if (t->kind == TY_VAR && !ty_is_numeric(t)) return ty_new_var(0);
  bool is_result = t->kind == TY_STRUCT && t->sdecl == K->result, is_option = t->kind == TY_STRUCT && t->sdecl == K->option;
  if (!is_result && !is_option) {
    Diag *d = diag_error(e->span, "E0277", "the `?` operator can only be applied to values that implement `Try`");
    diag_label(d, "the `?` operator cannot be applied to type `%s`", ty_name(t));
    diag_emit(d);
    return ty_new_var(0);
  }
  Type *ret = ty_resolve(fx->ret);
  if (ret->kind == TY_VAR) {
    // A closure's return type, not known yet: a Result of some error type the rest of the body
    // decides (`Ok::<i32, F>(v)`, or collect() into `Result<Vec<_>, F>`), which x's error must
    // convert to through From, as rustc's `FromResidual` obligation does. Nothing deciding it
    // is rustc's E0282.
    Type **args = arena_alloc(sizeof(Type *) * 2);
    args[0] = ty_new_var(0);
    if (is_result) args[1] = ty_new_var(0);
    unify(ret, ty_struct(t->sdecl, args, is_result ? 2 : 1));
    if (is_result) {
      vec_push(&fx->tries, ((DeferredTry){e, t->args[1], args[1], true}));
      return t->args[0];
    }
    ret = ty_resolve(fx->ret);
  }
  if (ret->kind != TY_STRUCT || (ret->sdecl != K->result && ret->sdecl != K->option)) {
    Diag *d = diag_error(e->name_span, "E0277", "the `?` operator can only be used in %s that returns `Result` or `Option` (or another type that implements `FromResidual`)",
                         fx->fn && fx->fn->is_closure ? "a closure" : "a function");
    diag_label(d, "cannot use the `?` operator in %s that returns `%s`", fx->fn && fx->fn->is_closure ? "a closure" : "a function", ty_name(ret));
    diag_emit(d);
    return t->args[0];
  }
  if (ret->sdecl != t->sdecl) {
    bool in_result = ret->sdecl == K->result;
    Diag *d = diag_error(e->name_span, "E0277", in_result ? "the `?` operator can only be used on `Result`s, not `Option`s, in %s that returns `Result`"
                                                     : "the `?` operator can only be used on `Option`s, not `Result`s, in %s that returns `Option`",
                         fx->fn && fx->fn->is_closure ? "a closure" : "a function");
    diag_label(d, in_result ? "use `.ok_or(...)?` to provide an error compatible with `%s`" : "use `.ok()?` if you want to discard the `%s` error information",
               ty_name(in_result ? ret : t));
    diag_emit(d);
    return t->args[0];
  }
  if (is_result && ty_has_vars(ty_normalize(t->args[1], fx->env)) && ty_resolve(ret->args[1])->kind != TY_VAR) {
    vec_push(&fx->tries, ((DeferredTry){e, t->args[1], ret->args[1], false}));  // `s.parse()?`: Err is <?F as FromStr>::Err
    return t->args[0];
  }
  if (is_result && !unify(t->args[1], ret->args[1])) check_try_conversion(e, t->args[1], ret->args[1]);
  return t->args[0];
}

// The error of `x?` must be the function's or convert to it through From.
void check_try_conversion(Expr *e, Type *from, Type *to) {
  if (try_converts(e, from, to)) return;
  Diag *d = diag_error(e->name_span, "E0277", "`?` couldn't convert the error to `%s`", ty_name(to));
  diag_label(d, "the trait `From<%s>` is not implemented for `%s`", ty_name(from), ty_name(to));
  diag_note(d, "the question mark operation (`?`) implicitly performs a conversion on the error value using the `From` trait");
  diag_emit(d);
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
    {
      int obligations = fx->obligations.len;
      int outlives = fx->outlives.len;
      if (!resolve_value_path(fx, e)) return ty_new_var(0);
      if ((e->res == RES_FN || e->res == RES_TRAIT_FN) && e->fn->is_const) return assoc_const_use(fx, e);
      bool plain_fn = e->res == RES_FN && e->fn->self_kind == SELF_NONE;
      int arity = plain_fn ? -1 : value_fn_arity(e);
      if (arity >= 0) {
        fx->obligations.len = obligations;
        fx->outlives.len = outlives;  // the call in the closure makes its own
        return check_fn_value(fx, e, arity, expected);
      }
    }
    switch (e->res) {
    case RES_LOCAL: return e->local->ty;
    case RES_CONST: return e->self_ty;
    case RES_CONST_PARAM: return cur_env->const_tys[e->self_ty->index];
    case RES_CONST_ITEM: return e->fn->ret_type;
    case RES_UNIT_STRUCT: return e->self_ty;
    case RES_FN: {  // a function used as a value: a function pointer
      if (e->fn->self_kind != SELF_NONE) {
        error_at(e->span, NULL, "methods as values are not supported by trc yet");
        return ty_new_var(0);
      }
      Sig sig = sig_of(e->fn, e->fn_targs, e->fn_ntargs);
      return ty_fn_q(sig.params, sig.nparams, sig.ret, (e->fn->is_unsafe ? FNQ_UNSAFE : 0) | (e->fn->c_abi ? FNQ_C : 0));
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
    check_assignable(fx, e);
    return ty_unit;
  }
  case EX_COMPOUND: {
    Type *lt = ty_resolve(check_expr(fx, e->lhs, NULL));
    bool bitop = e->op == TK_AMP || e->op == TK_PIPE || e->op == TK_CARET;
    bool prim = ty_is_numeric(lt) || lt->kind == TY_VAR || (lt->kind == TY_BOOL && bitop) || (lt->kind == TY_STRING && e->op == TK_PLUS);
    if (!prim && check_compound_overload(fx, e)) return ty_unit;
    Type *rt = check_expr(fx, e->rhs, e->op == TK_SHL || e->op == TK_SHR ? NULL : lt);
    if (ty_resolve(rt)->kind == TY_REF && lt->kind != TY_STRING) rt = ty_resolve(rt)->inner;  // `x += &y`, as std's impls allow
    // `*m.entry(c).or_default() += 1` with the map's value type not known yet: the number's.
    if (lt->kind == TY_VAR && !lt->var_kind && ty_is_numeric(rt) && e->op != TK_SHL && e->op != TK_SHR && unify(lt, rt)) lt = ty_resolve(lt);
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
    check_assignable(fx, e);
    if (l) l->assigned = saved || true;
    return ty_unit;
  }
  case EX_CAST: return check_cast(fx, e, expected);
  case EX_CALL: {
    Type *t = check_call(fx, e, expected);
    // An FnMut may change: a call of a captured callable may be a mutable use (not known to be
    // one, so an Fn closure calling a captured Fn is no error). One known to be Fn is not.
    if (e->sub->kind == EX_PATH && e->sub->res == RES_LOCAL && call_may_mutate(fx, e->sub->ty))
      note_mut_place(fx, e->sub, false, e->sub->span, false);
    if (e->sub->ty && ty_resolve(e->sub->ty)->kind == TY_REF) capture_through(fx, e->sub);  // `f()` of an `&dyn Fn`
    return t;
  }
  case EX_METHOD: return check_method(fx, e);
  case EX_FIELD: return check_field(fx, e);
  case EX_INDEX: {
    Type *bt = ty_resolve(check_expr(fx, e->lhs, NULL));
    if (bt->kind == TY_REF) capture_through(fx, e->lhs);
    int derefs = 0;
    for (;;) {
      while (bt->kind == TY_REF || bt->kind == TY_BOX) {
        bt = ty_resolve(bt->inner);
        derefs++;
      }
      // An Rc<Vec<T>> is indexed as the Vec it derefs to.
      bool builtin = bt->kind == TY_VEC || bt->kind == TY_SLICE || bt->kind == TY_ARRAY || bt->kind == TY_STR || bt->kind == TY_STRING;
      if (builtin || has_index_impl(bt) || !has_user_deref(bt)) break;
      Expr *d = deref_through(fx, e->lhs, derefs);
      if (!d) break;
      e->lhs = d;
      derefs = 0;
      bt = ty_resolve(d->ty);
    }
    e->autoderefs = derefs;
    bool container = bt->kind == TY_VEC || bt->kind == TY_SLICE || bt->kind == TY_ARRAY || bt->kind == TY_STR || bt->kind == TY_STRING;
    // `v[r]`, `&s[r]` of a range held in a value (not written `a..b` there): std's
    // `Index<Range<usize>>` impls and the others (compiler/std/slice.tr), as a user type's.
    if (container && range_value(fx, e->rhs)) return check_index_overload(fx, e);
    if (e->rhs->kind == EX_RANGE && (bt->kind == TY_VEC || bt->kind == TY_SLICE || bt->kind == TY_ARRAY)) {
      // v[a..b], v[a..], v[..b], v[..], v[a..=b]: a slice (unsized; used behind & or &mut)
      Expr *r = e->rhs;
      vec_push(&fx->exprs, r);
      if (r->lhs) check_coerce(fx, r->lhs, ty_usize);
      if (r->rhs) check_coerce(fx, r->rhs, ty_usize);
      r->ty = ty_range(ty_usize, r->inclusive);
      return ty_slice(bt->inner);
    }
    if (e->rhs->kind == EX_RANGE && (bt->kind == TY_STR || bt->kind == TY_STRING)) return check_str_range(fx, e);
    if (!container && has_index_impl(bt)) return check_index_overload(fx, e);
    bool literal = e->rhs->kind == EX_INT && e->rhs->ty == NULL;
    Type *it = check_expr(fx, e->rhs, (bt->kind == TY_STR || bt->kind == TY_STRING) ? NULL : ty_usize);
    if (bt->kind == TY_STR || bt->kind == TY_STRING) {
      // A string is indexed by ranges of bytes only, as rustc says.
      Type *ri = ty_resolve(it);
      Diag *d = diag_error(e->rhs->span, "E0277", "the type `str` cannot be indexed by `%s`",
                           (ri->kind == TY_VAR && ri->var_kind == 1) || literal ? "{integer}" : ty_name(it));
      diag_label(d, "string indices are ranges of `usize`");
      diag_note(d, "you can use `.chars().nth()` or `.bytes().nth()`");
      diag_emit(d);
      return ty_new_var(0);
    }
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
      value_sized(fx, e->args[i], "all tuple elements");
      note_move(fx, e->args[i]);
    }
    return ty_tuple(el, e->nargs);
  }
  case EX_ARRAY: {
    Type *exp = expected ? ty_resolve(expected) : NULL;
    // Expected as an array, or as the slice a reference to it becomes (`total(&[&c, &r])` for
    // `&[&dyn Shape]`: each element coerces to `&dyn Shape`).
    Type *elem = exp && (exp->kind == TY_ARRAY || exp->kind == TY_SLICE) ? exp->inner : ty_new_var(0);
    if (e->repeat) {
      check_coerce(fx, e->args[0], elem);
      Type *len = const_arg(e->args[1], cur_env);  // (`[0; N]` of a const parameter N, too)
      if (!len || (ty_resolve(len)->kind == TY_CONST && (int64_t)ty_resolve(len)->len < 0)) {
        error_at(e->args[1]->span, NULL, "array lengths must be integer literals or constants");
        return ty_new_var(0);
      }
      check_expr(fx, e->args[1], ty_usize);
      vec_push(&fx->moves, e);
      return ty_array_of(elem, len);
    }
    for (int i = 0; i < e->nargs; i++) {
      check_coerce(fx, e->args[i], elem);
      note_move(fx, e->args[i]);
    }
    return ty_array(elem, e->nargs);
  }
  case EX_BLOCK: {
    if (!e->label) return check_block(fx, e->block, expected);
    // `'a: { .. break 'a v; .. v2 }`: the breaks' values and the tail's are the block's value.
    LoopInfo *l = push_loop(fx, e);
    l->break_ty = expected ? expected : ty_new_var(0);
    Type *tail = check_block(fx, e->block, l->break_ty);
    fx->loop = l->outer;
    if (ty_resolve(tail)->kind != TY_NEVER && !unify(l->break_ty, tail)) mismatch(e, l->break_ty, tail);
    if (l->has_break) fx->diverges = false;  // (a break reaches past the block)
    return l->break_ty;
  }
  case EX_IF: return check_if(fx, e, expected);
  case EX_WHILE:
  case EX_LOOP:
  case EX_FOR: return check_loop_like(fx, e, expected);
  case EX_BREAK: {
    LoopInfo *l = find_loop(fx, e);
    e->loop = l;
    if (l) l->has_break = true;
    if (e->sub) {
      if (l && (l->loop_expr->kind == EX_WHILE || l->loop_expr->kind == EX_FOR)) {
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
    if (e->loop && e->loop->loop_expr->kind == EX_BLOCK) {
      Diag *d = diag_error(e->span, "E0696", "`continue` pointing to a labeled block");
      diag_label(d, "labeled blocks cannot be `continue`'d");
      diag_emit(d);
      e->loop = NULL;
    }
    fx->diverges = true;
    return ty_never;
  case EX_RETURN:
    if (e->sub) {
      check_coerce(fx, e->sub, fx->ret);
      note_move_to(fx, e->sub, fx->ret);
    } else if (!unify(fx->ret, ty_unit)) {
      Diag *d = diag_error(e->span, "E0069", "`return;` in a function whose return type is not `()`");
      diag_label(d, "return type is not `()`");
      diag_emit(d);
    }
    fx->diverges = true;
    return ty_never;
  case EX_RANGE: {
    if (!e->lhs || !e->rhs) return check_open_range(fx, e, expected);
    Type *exp = expected ? ty_resolve(expected) : NULL;
    Type *a = check_expr(fx, e->lhs, exp && exp->kind == TY_RANGE ? exp->inner : NULL);
    Type *b = check_expr(fx, e->rhs, a);
    if (!unify(a, b)) mismatch(e->rhs, a, b);
    return ty_range(a, e->inclusive);  // of any type: iterating it needs Step (an integer or char)
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
  case EX_TRY: return check_try(fx, e);
  }
  return ty_new_var(0);
}

static int depth;

Type *check_expr(Fcx *fx, Expr *e, Type *expected) {
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
