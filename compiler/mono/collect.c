// collect.c — the mono item collector: which instances, vtables and drop glue a program needs.
//
// rustc's collector, in miniature. It starts from `main` and walks the MIR of every instance
// it finds, with the instance's type arguments substituted, looking for what the body uses:
//
//   a call             `f::<T>(..)` needs the instance `f<concrete T>`; a trait call
//                      `<T as Tr>::m` is resolved for the concrete T to the impl's method (or
//                      the trait's default body); a virtual call needs nothing by itself, the
//                      vtable it goes through was needed where the trait object was made;
//   a call of a value  a closure's body (through any references and boxes);
//   a fn pointer       `CONST_FN`: the function it points to;
//   an unsizing cast   `&T -> &dyn Tr` needs the vtable of (T, Tr): drop glue for T, every
//                      method in a slot, and the vtables of the supertraits an upcast reaches;
//   a drop             the drop glue of the type: its Drop::drop, then its fields' glue;
//   Clone/PartialEq    of a builtin type (a Vec, a tuple) that trc implements itself: the
//                      impls of the element types it calls.
//
// Each instance found is queued once (mono.c owns the table) and walked in turn, so the walk
// ends when nothing new turns up; polymorphic recursion that would never end is cut by the
// recursion limit, reported here at the call that crosses it, before any code is generated.
// Codegen then emits exactly the instances collected and asks mono only to look them up: an
// instance it asks for that the walk did not find is an internal error.
#include "mono/mono.h"

#include <stdio.h>
#include <string.h>

static Crate *crate;
static Instance *cur;           // the instance whose body is being walked
typedef VEC(Type *) TypeVec;
static TypeVec dropped, vtables, cloned, compared;  // done already (interned types)
typedef VEC(const char *) NameVec;
static NameVec items;           // for --print-mono-items, in the order found
static VEC(MonoVtable) vtable_items;  // for --dump-vtable-layouts: supertraits' before their subtraits'
static int listed;              // how many instances items holds

static bool first_time(TypeVec *seen, Type *t) {
  for (int i = 0; i < seen->len; i++)
    if (seen->data[i] == t) return false;
  vec_push(seen, t);
  return true;
}

static Type *subst(Type *t) { return mono_subst(t, cur->targs, cur->ntargs); }

static Type **subst_all(Type **ts, int n) {
  Type **out = arena_alloc(sizeof(Type *) * (n + 1));
  for (int i = 0; i < n; i++) out[i] = subst(ts[i]);
  return out;
}

static void list_new_instances(void);

static void need_fn(FnDecl *fn, Type **targs, int n, Span at) {
  mono_instance(fn, targs, n, at);
  list_new_instances();
}

// <self as trait>::method for a concrete self.
static void need_method(TraitDecl *trait, FnDecl *method, Type *self, Type **targs, int n, Span at) {
  mono_trait_method(trait, method, self, targs, n, at);
  list_new_instances();
}

// ---------------------------------------------------------------------------------------------
// Drop glue, vtables, callables

static void need_drop(Type *t) {
  t = ty_resolve(t);
  // A `dyn Tr` is dropped through its vtable, whose drop glue was needed where it was made.
  if (!ty_needs_drop(t) || t->kind == TY_DYN || !first_time(&dropped, t)) return;
  // An unsized struct (`RefCell<dyn Tr>` in a Box) is dropped in place by code that reads its
  // metadata (codegen/unsized.c), not by a drop_in_place function of its own.
  if (ty_is_sized(t)) vec_push(&items, arena_printf("drop-glue drop_in_place<%s>", ty_name(t)));
  switch (t->kind) {
  case TY_STRUCT: {
    StructDecl *s = t->sdecl;
    mono_drop_method(t);  // its own Drop::drop first, then the fields
    list_new_instances();
    for (int v = 0; v < (s->is_enum ? s->nvariants : 1); v++) {
      FieldDecl *fields = s->is_enum ? s->variants[v].fields : s->fields;
      int nf = s->is_enum ? s->variants[v].nfields : s->nfields;
      for (int i = 0; i < nf; i++) need_drop(mono_subst(fields[i].type, t->args, t->nargs));
    }
    return;
  }
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++) need_drop(t->args[i]);
    return;
  case TY_CLOSURE:
    for (int i = 0; i < t->closure->ncaptures; i++) need_drop(closure_capture_type(t, i));
    return;
  case TY_ARRAY: case TY_VEC: case TY_BOX:
    need_drop(t->inner);  // a Box<dyn Tr> drops through the vtable, collected where it was made
    return;
  default:
    return;
  }
}

// A value called as a function (through references, boxes and AssertUnwindSafe): a closure's
// body. A fn pointer or a `dyn Fn` needs nothing more here.
static void need_callable(Type *t) {
  t = ty_callable(t);
  while (t->kind == TY_REF || t->kind == TY_BOX) t = ty_callable(t->inner);
  if (t->kind == TY_CLOSURE) need_fn(t->closure, t->args, t->nargs, (Span){0});
}

static void need_builtin_impl(TraitDecl *trait, Type *t, Type *rhs);

static void need_vtable(Type *concrete, TraitRef *tr) {
  concrete = ty_resolve(concrete);
  Type *pair[2] = {concrete, ty_dyn(tr, NULL, 0)};
  if (!first_time(&vtables, ty_tuple(pair, 2))) return;
  vec_push(&items, arena_printf("vtable <%s as %s>", ty_name(concrete), traitref_name(tr)));
  VtLayout *l = vtable_layout(tr->trait);
  for (int i = 0; i < l->entries.len; i++) {
    VtEntry *e = &l->entries.data[i];
    switch (e->kind) {
    case VT_DROP: need_drop(concrete); break;
    case VT_METHOD:
      if (mono_has_builtin_impl(e->trait, concrete, NULL)) need_builtin_impl(e->trait, concrete, concrete);
      else if (mono_vtable_method(concrete, tr, e)) list_new_instances();
      else need_callable(concrete);  // a `dyn Fn*` call slot
      break;
    case VT_TRAIT_VPTR: need_vtable(concrete, traitref_new(e->trait, NULL, 0)); break;
    default: break;
    }
  }
  vec_push(&vtable_items, ((MonoVtable){concrete, tr}));
}

MonoVtable *mono_vtable_at(int i) { return i < vtable_items.len ? &vtable_items.data[i] : NULL; }

// The Clone and PartialEq that trc gives builtin types (codegen's clone_value and eq_value)
// call the impls of their element types: a struct's, and a builtin type's that has one of its
// own (`impl Clone for Box<dyn Shape>`). PartialEq compares t with rhs, which is t but through
// references (`&A == &B` compares A with B by `impl PartialEq<B> for A`).
static void need_element_impl(TraitDecl *trait, Type *t, Type *rhs) {
  t = ty_resolve(t);
  bool clone = trait == crate->clone_trait;
  if (t->kind != TY_STRUCT && t->kind != TY_DYN && ((clone && ty_is_copy(t)) || mono_has_builtin_impl(trait, t, clone ? NULL : rhs))) {
    need_builtin_impl(trait, t, rhs);
    return;
  }
  Type **targs = mono_self_targs(trait, t);
  if (!clone) targs[1] = ty_resolve(rhs);
  need_method(trait, trait_find_method(trait, intern_cstr(clone ? "clone" : "eq"), NULL), t, targs, trait->env->n, (Span){0});
}

static void need_builtin_impl(TraitDecl *trait, Type *t, Type *rhs) {
  t = ty_resolve(t);
  rhs = ty_resolve(rhs);
  if (trait == crate->debug_trait) {  // an array's Debug is its slice's
    Type *slice = ty_slice(t->inner);
    need_method(trait, trait_find_method(trait, intern_cstr("fmt"), NULL), slice, &slice, 1, (Span){0});
    return;
  }
  bool clone = trait == crate->clone_trait;
  if (clone && ty_is_copy(t)) return;
  Type *pair[2] = {t, rhs};
  if (!first_time(clone ? &cloned : &compared, rhs == t ? t : ty_tuple(pair, 2))) return;
  if (!clone && t != rhs && ty_seq_elem(t) && ty_seq_elem(rhs)) {  // `v == [1, 2]`: std's impls between sequences
    need_element_impl(trait, ty_seq_elem(t), ty_seq_elem(rhs));
    return;
  }
  switch (t->kind) {
  case TY_REF:
    if (!clone) need_element_impl(trait, t->inner, rhs->kind == TY_REF ? rhs->inner : t->inner);
    return;
  case TY_VEC: case TY_BOX: case TY_ARRAY: case TY_SLICE: need_element_impl(trait, t->inner, t->inner); return;
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++) need_element_impl(trait, t->args[i], t->args[i]);
    return;
  default: return;
  }
}

// ---------------------------------------------------------------------------------------------
// The walk over one body

// A promoted constant's value (`&[&Sq(1.0) as &dyn Shape]`): the vtables its borrows unsize to.
static void walk_promoted(Expr *e, int depth) {
  if (!e || depth > 64) return;
  Type *from, *to;
  if (e->coerce == COERCE_UNSIZE && e->coerce_from && ty_unsize_pair(subst(e->coerce_from), subst(e->ty), &from, &to))
    if (to->principal && from->kind != TY_DYN) need_vtable(from, to->principal);
  if (e->kind == EX_PATH && e->res == RES_CONST_ITEM && e->fn && e->fn->body) walk_promoted(e->fn->body->tail, depth + 1);
  if (e->kind == EX_UNARY || e->kind == EX_BINARY) walk_promoted(e->sub, depth + 1), walk_promoted(e->lhs, depth + 1), walk_promoted(e->rhs, depth + 1);
  for (int i = 0; (e->kind == EX_ARRAY || e->kind == EX_TUPLE || e->kind == EX_STRUCT || e->kind == EX_CALL) && i < e->nargs; i++)
    walk_promoted(e->args[i], depth + 1);
}

static void walk_operand(Operand *o) {
  if (o->kind == OPND_CONST && o->c.kind == CONST_PROMOTED) walk_promoted(o->c.expr, 0);
  if (o->kind == OPND_CONST && o->c.kind == CONST_FN) need_fn(o->c.fn, subst_all(o->c.targs, o->c.ntargs), o->c.ntargs, (Span){0});
  if (o->kind == OPND_CONST && o->c.kind == CONST_STATIC) need_fn(o->c.fn, NULL, 0, (Span){0});  // its value, computed at start
}

static void walk_rvalue(Rvalue *rv) {
  walk_operand(&rv->a);
  walk_operand(&rv->b);
  for (int i = 0; i < rv->nops; i++) walk_operand(&rv->ops[i]);
  Type *from, *to;
  if (rv->kind == RV_CAST && rv->cast == CAST_UNSIZE && ty_unsize_pair(subst(rv->a.ty), subst(rv->ty), &from, &to))
    if (to->principal && from->kind != TY_DYN) need_vtable(from, to->principal);
  if (rv->kind == RV_CAST && rv->cast == CAST_CLOSURE_FN) need_callable(subst(rv->a.ty));  // called through the pointer
}

// What format_args! calls: `{}` and `{:?}` of anything but a number, bool, char or string call
// its Display or Debug impl (codegen/format.c), as assert_eq!'s report does for its operands;
// `{:x}` and the other letters of a type that is no number its impl of that trait (LowerHex).
static void need_formatting(Type *t, bool debug, char letter) {
  t = ty_resolve(t);
  for (;;) {
    if (t->kind != TY_REF && t->kind != TY_BOX) break;
    Type *in = ty_resolve(t->inner);
    if (in->kind == TY_STR && t->kind == TY_REF) return;  // a &str is written as a primitive; a Box<str> calls str's impl
    t = in;
  }
  switch (t->kind) {
  case TY_INT: case TY_FLOAT: case TY_BOOL: case TY_CHAR: case TY_STRING: return;  // no impl called
  default: break;
  }
  TraitDecl *trait = debug ? crate->debug_trait : crate->display_trait;
  if (letter) trait = fmt_letter_trait(crate, letter);
  if (dyn_dispatches(t, trait)) return;  // through the vtable
  if (mono_has_builtin_impl(trait, t, NULL)) {
    need_builtin_impl(trait, t, t);
    return;
  }
  need_method(trait, trait_find_method(trait, intern_cstr("fmt"), NULL), t, &t, 1, (Span){0});
}

static void walk_macro(Terminator *t) {
  Expr *e = t->callee.expr;
  if (!strcmp(e->name, "vec")) return;
  for (int i = 0; i < e->nfmt; i++)  // (`{:p}` formats an address: no impl)
    if (e->fmt[i].arg >= 0 && e->fmt[i].arg < t->nargs && e->fmt[i].kind != 'p')
      need_formatting(ty_pointee(subst(t->args[e->fmt[i].arg].ty)), e->fmt[i].debug, e->fmt[i].kind);
  if (!strcmp(e->name, "assert_eq") || !strcmp(e->name, "assert_ne"))
    for (int i = 0; i < 2; i++) need_formatting(ty_pointee(subst(t->args[i].ty)), true, 0);
}

static void walk_call(Terminator *t) {
  Callee *ce = &t->callee;
  for (int i = 0; i < t->nargs; i++) walk_operand(&t->args[i]);
  switch (ce->kind) {
  case CALLEE_FN: need_fn(ce->fn, subst_all(ce->targs, ce->ntargs), ce->ntargs, t->span); return;
  case CALLEE_TRAIT: {
    Type *self = subst(ce->self_ty);
    if (dyn_dispatches(self, ce->trait)) return;  // virtual: through the vtable
    Type *rhs = ce->trait == crate->partial_eq_trait && ce->ntargs > 1 ? subst(ce->targs[1]) : NULL;
    if (mono_has_builtin_impl(ce->trait, self, rhs)) {
      need_builtin_impl(ce->trait, self, rhs ? rhs : self);
      return;
    }
    need_method(ce->trait, ce->fn, self, subst_all(ce->targs, ce->ntargs), ce->ntargs, t->span);
    return;
  }
  case CALLEE_CALLABLE: need_callable(subst(t->args[0].ty)); return;
  case CALLEE_MACRO: walk_macro(t); return;
  case CALLEE_BUILTIN: {
    Expr *e = ce->expr;
    // A builtin function is named by the call's callee (`drop(x)`); a builtin method by the
    // method call itself.
    Builtin bi = e->kind == EX_CALL && e->sub ? e->sub->builtin : e->builtin;
    if (bi == BI_DROP && t->nargs) need_drop(subst(t->args[0].ty));
    if (bi == BI_DROP_IN_PLACE && t->nargs) need_drop(ty_pointee(subst(t->args[0].ty)));
    if (e->builtin == BI_VEC_CLEAR) {
      Type *v = ty_resolve(subst(e->self_ty));
      if (v->kind == TY_VEC) need_drop(v->inner);
    }
    return;
  }
  default: return;
  }
}

static void walk_body(Body *b) {
  for (int i = 0; i < b->blocks.len; i++) {
    BasicBlock *bb = &b->blocks.data[i];
    for (int j = 0; j < bb->stmts.len; j++)
      if (bb->stmts.data[j].kind == STMT_ASSIGN) walk_rvalue(&bb->stmts.data[j].rv);
    Terminator *t = &bb->term;
    if (t->kind == TERM_CALL) walk_call(t);
    else if (t->kind == TERM_DROP) {
      Place p = t->dest;
      need_drop(subst(p.nproj ? p.proj[p.nproj - 1].ty : b->locals.data[p.local].ty));
    } else if (t->kind == TERM_SWITCH || t->kind == TERM_ASSERT) {
      walk_operand(&t->discr);
    }
  }
}

// Instances are listed as mono creates them (an instance asked for again is not new).
static void list_new_instances(void) {
  for (Instance *in; (in = mono_instance_at(listed));) {
    vec_push(&items, arena_printf("fn %s", strcmp(in->symbol, "trc_main") ? in->symbol : "main"));
    listed++;
  }
}

void mono_print_items(void *file) {
  for (int i = 0; i < items.len; i++) fprintf(file, "%s\n", items.data[i]);
}

Instance *mono_collect(Crate *c) {
  crate = c;
  dropped = vtables = cloned = compared = (TypeVec){0};
  items = (NameVec){0};
  memset(&vtable_items, 0, sizeof vtable_items);  // its memory went with the arena
  listed = 0;
  Instance *main_inst = mono_instance(c->main_fn, NULL, 0, (Span){0});
  Type *err = main_report_type(c->main_fn->ret_type);
  if (err) mono_instance(c->report_fn, &err, 1, (Span){0});  // the entry reports main's Err
  list_new_instances();
  for (Instance *in; (in = mono_next_to_walk());) {
    cur = in;
    if (in->fn->is_extern) continue;  // a C function: nothing of it to walk
    lower_on_demand(in->fn);
    if (!in->fn->mir || in->fn->mir->unsupported) ice(in->fn->span, "`%s` has no MIR to collect from", in->fn->name);
    walk_body(in->fn->mir);
  }
  mono_seal();
  return main_inst;
}
