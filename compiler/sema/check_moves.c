// check_moves.c — moves, once a body's types are known: which expressions move out of what
// (out of a borrow or an index, E0507; partial moves; a closure consuming a capture). They
// work on checked types only and share nothing with inference. These are borrow-checker
// errors in rustc, reported with the MIR borrow checker's (lower/borrowck.c) in order of
// position: they are deferred (diag_defer) until it has run. Whether a moved value is used
// again (E0382) is decided on MIR, by lower/moveck.c.
#include "sema/sema_internal.h"

#include <string.h>

static void consume_capture(Fcx *fx, Expr *e);
static bool consume_captured_field(Fcx *fx, Expr *e);

// Whether l is a variable of the innermost function around sp: the body's own, or, inside a
// closure, the closure's (its parameter `|x| x.name`) rather than one it captures.
static bool local_of_innermost(Fcx *fx, Local *l, Span sp) {
  FnDecl *in = fx->fn;
  Span best = {0};
  for (int i = 0; i < fx->closures.len; i++) {
    FnDecl *cf = VEC_AT(fx->closures, i);
    Span cs = cf->closure_expr->span;
    if (sp.file == cs.file && sp.lo >= cs.lo && sp.hi <= cs.hi && (!best.hi || cs.hi - cs.lo < best.hi - best.lo)) in = cf, best = cs;
  }
  return l->owner == in;
}

// Whether a field of a value of type t can be moved out on its own: t is a struct or tuple with
// no Drop impl. One with a Drop impl is E0509, reported here (the move is then dealt with).
typedef enum { OWNER_NO, OWNER_OK, OWNER_DROP } FieldOwner;
static FieldOwner field_owner(Expr *e, Type *t) {
  t = ty_resolve(t);
  if (t->kind == TY_STRUCT && t->sdecl->drop_impl) {
    Diag *d = diag_error(e->span, "E0509", "cannot move out of type `%s`, which implements the `Drop` trait", ty_name(t));
    diag_label(d, "cannot move out of here");
    diag_defer(d, DEFER_MOVE_OUT);
    return OWNER_DROP;
  }
  return t->kind == TY_TUPLE || (t->kind == TY_STRUCT && !t->sdecl->is_enum) ? OWNER_OK : OWNER_NO;
}

// `local.field` moved out of a struct or tuple local of this body (one level deep): a partial
// move, which leaves the local's other fields to be dropped on their own (the move checker
// tracks the field, MIR lowering the drop). Not out of a type with a Drop impl (E0509).
static bool partial_move_ok(Fcx *fx, Expr *e) {
  FieldOwner o = field_owner(e, e->sub->ty);
  if (o == OWNER_DROP) return true;
  if (o == OWNER_NO || e->field_index < 0 || e->field_index >= 64 || !local_of_innermost(fx, e->sub->local, e->span)) return false;
  e->moves_local = true;
  return true;
}

// e moves out of the contents of a Box owned by a local of this body or a temporary: `node.next`, `*b`,
// `(*b).0.name`, each step a field of a struct or tuple (not one with a Drop impl: E0509) or the
// deref of a Box. The box and what is left in it are freed and dropped on their own (the drop
// elaboration of lower/elaborate.c).
static bool box_move_ok(Fcx *fx, Expr *e) {
  bool through_box = false;
  for (Expr *p = e;;) {
    if (p->kind == EX_UNARY && p->op == TK_STAR && !p->overload) {
      Type *bt = ty_resolve(p->sub->ty);
      if (bt->kind != TY_BOX || !ty_is_sized(bt->inner)) return false;
      through_box = true;
      p = p->sub;
      continue;
    }
    if (p->kind == EX_FIELD) {
      Type *t = ty_resolve(p->sub->ty);
      for (int i = 0; i < p->autoderefs; i++, through_box = true) {
        if (t->kind != TY_BOX || !ty_is_sized(t->inner)) return false;
        t = ty_resolve(t->inner);
      }
      FieldOwner o = field_owner(e, t);
      if (o != OWNER_OK) return o == OWNER_DROP;
      p = p->sub;
      continue;
    }
    // The Box is a local's, or a temporary's (`*o.unwrap()`, `*any.downcast::<T>().unwrap()`),
    // which the statement owns and drops at its end.
    if (!through_box) return false;
    if (p->kind == EX_PATH && p->res == RES_LOCAL) return local_of_innermost(fx, p->local, e->span);
    return !is_place(p);
  }
}

// The place e names as rustc describes it (`n.elem`, `*r`, `self.items.0`); NULL when it is
// not a variable's fields and derefs. A deref followed by a field is not shown, as in rustc.
static const char *place_text(Expr *e) {
  if (e->kind == EX_PATH && e->res == RES_LOCAL) return e->local->name;
  if (e->kind == EX_FIELD) {
    Expr *base = e->sub;
    if (base->kind == EX_UNARY && base->op == TK_STAR && !base->overload) base = base->sub;
    const char *b = place_text(base);
    return b ? arena_printf("%s.%s", b, e->name ? e->name : arena_printf("%d", e->field_index)) : NULL;
  }
  if (e->kind == EX_UNARY && e->op == TK_STAR && !e->overload) {
    const char *b = place_text(e->sub);
    return b ? arena_printf("*%s", b) : NULL;
  }
  return NULL;
}

// `make().elem`, `cell.into_inner().elem`: a field moved out of a temporary, which drops what
// is left of it at the end of the statement (its drop is elaborated as a local's). Each step
// from the temporary to the field must be a struct or tuple field with no Drop impl (E0509).
static bool temporary_move_ok(Expr *e, Expr *temp) {
  for (Expr *p = e; p != temp; p = p->sub) {
    FieldOwner o = field_owner(e, p->sub->ty);
    if (o != OWNER_OK) return o == OWNER_DROP;
  }
  return true;
}

// `[x; n]` copies x into every element, so x must be Copy or a constant item (rustc's E0277
// and note). `vec![x; n]` of a Copy x is the builtin fill; of any other x it clones, n - 1
// times, then moves x in: the call of std's __vec_from_elem (compiler/std/slice.tr), recorded
// on the macro for lower/.
static void check_repeat(Fcx *fx, Expr *e) {
  Type *el = e->args[0]->ty;
  if (ty_has_vars(el) || type_implements(K, el, K->copy_trait)) return;
  bool vec = e->kind == EX_MACRO;
  Expr *x = e->args[0];
  // `[EMPTY; n]` of a constant item: each element is the constant's value made anew, as a
  // constant is wherever it is named (Rust 2021, RFC 2203). The value is the same bits each
  // time (a constant owns no heap memory), so the elements are copies of one.
  if (!vec && x->kind == EX_PATH && x->res == RES_CONST_ITEM && !x->fn->is_static) return;
  int64_t n;
  if (!vec && const_expr_value(e->args[1], &n) && n == 1) {  // `[s; 1]` moves s in: no copy is made
    note_move(fx, e->args[0]);
    return;
  }
  TraitDecl *need = vec ? K->clone_trait : K->copy_trait;
  if (vec && type_implements(K, el, need)) {
    e->fn = lookup_fn(intern_cstr("__vec_from_elem"));
    e->fn_targs = arena_alloc(sizeof(Type *));
    e->fn_targs[0] = el;
    e->fn_ntargs = 1;
    return;
  }
  Diag *d = diag_error(e->args[0]->span, "E0277", "the trait bound `%s: %s` is not satisfied", ty_name(el), need->name);
  diag_label(d, "the trait `%s` is not implemented for `%s`", need->name, ty_name(el));
  if (!vec) diag_note(d, "the `Copy` trait is required because this value will be copied for each element of the array");
  diag_emit(d);
}

void check_moves(Fcx *fx) {
  for (int i = 0; i < fx->moves.len; i++) {
    Expr *e = VEC_AT(fx->moves, i);
    if ((e->kind == EX_MACRO || e->kind == EX_ARRAY) && e->repeat) {
      check_repeat(fx, e);
      continue;
    }
    if (e->kind == EX_PATH && e->res == RES_CONST_ITEM && e->fn->is_static && !e->coerce && !ty_has_vars(e->ty) &&
        !type_implements(K, e->ty, K->copy_trait)) {  // a static is one place: its value cannot leave it
      Diag *d = diag_error(e->span, "E0507", "cannot move out of static item `%s`", e->fn->name);
      diag_label(d, "move occurs because `%s` has type `%s`, which does not implement the `Copy` trait", e->fn->name, ty_name(e->ty));
      diag_emit(d);
      continue;
    }
    if (!is_place(e) || e->coerce || type_implements(K, e->ty, K->copy_trait) || ty_has_vars(e->ty) || !ty_is_sized(e->ty)) continue;
    if (e->kind == EX_PATH) {  // moving a whole local: codegen tracks it with a drop flag
      e->moves_local = e->res == RES_LOCAL;
      if (e->moves_local) consume_capture(fx, e);
      continue;
    }
    if (e->kind == EX_INDEX) {
      // An array or slice is indexed in place (E0508); a Vec through Index::index (E0507).
      Type *base = ty_resolve(e->lhs->ty);
      while (base->kind == TY_REF || base->kind == TY_BOX) base = ty_resolve(base->inner);
      Diag *d;
      if (base->kind == TY_ARRAY || base->kind == TY_SLICE) {
        d = diag_error(e->span, "E0508", "cannot move out of type `%s`, a non-copy %s", ty_name(base), base->kind == TY_ARRAY ? "array" : "slice");
        diag_label(d, "cannot move out of here");
        diag_label(d, "move occurs because `%s[_]` has type `%s`, which does not implement the `Copy` trait",
                   e->lhs->kind == EX_PATH ? diag_span_text(e->lhs->span) : "value", ty_name(e->ty));
        diag_help(d, "consider borrowing here: `&%s`", diag_span_text(e->span));
      } else {
        d = diag_error(e->span, "E0507", "cannot move out of index of `%s`", ty_name(e->lhs->ty));
        diag_label(d, "move occurs because value has type `%s`, which does not implement the `Copy` trait", ty_name(e->ty));
      }
      diag_defer(d, DEFER_MOVE_OUT);
      continue;
    }
    if (box_move_ok(fx, e)) continue;
    Expr *b = e;
    while (b->kind == EX_FIELD && b->autoderefs == 0) b = b->sub;
    if (b->kind == EX_FIELD || (b->kind == EX_UNARY && b->op == TK_STAR)) {
      Type *bt = b->kind == EX_FIELD ? b->sub->ty : b->sub->ty;
      if (b->kind == EX_UNARY && !b->overload && ty_resolve(bt)->kind == TY_PTR) {
        const char *place = diag_span_text(e->span);
        Diag *d = diag_error(e->span, "E0507", "cannot move out of `%s` which is behind a raw pointer", place);
        diag_label(d, "move occurs because `%s` has type `%s`, which does not implement the `Copy` trait", place, ty_name(e->ty));
        diag_defer(d, DEFER_MOVE_OUT);
        continue;
      }
      Type *rt = ty_resolve(bt);
      const char *what = rt->kind == TY_BOX ? "a box (trc supports it only out of a local variable's Box)" : "a shared reference";
      if (b->kind == EX_UNARY && b->overload) what = deref_data_name(bt);
      const char *place = rt->kind == TY_REF ? place_text(e) : NULL;
      Diag *d;
      if (place)
        d = diag_error(e->span, "E0507", "cannot move out of `%s` which is behind a %s reference", place, rt->mut ? "mutable" : "shared");
      else d = diag_error(e->span, "E0507", "cannot move out of %s", what);
      diag_label(d, "move occurs because %s has type `%s`, which does not implement the `Copy` trait", place ? arena_printf("`%s`", place) : "value",
                 ty_name(e->ty));
      if (place && type_implements(K, e->ty, K->clone_trait)) diag_help(d, "consider cloning the value if the performance cost is acceptable");
      diag_defer(d, DEFER_MOVE_OUT);
      continue;
    }
    if (b->kind == EX_PATH && b->res == RES_LOCAL && e->sub == b && (partial_move_ok(fx, e) || consume_captured_field(fx, e))) continue;
    if (!is_place(b) && temporary_move_ok(e, b)) continue;
    Diag *d = diag_error(e->span, NULL, "moving a field out of `%s` (a partial move) is not supported by trc yet", b->kind == EX_PATH ? b->local->name : "a value");
    diag_help(d, "move the whole value, or borrow the field with `&`");
    diag_emit(d);
  }
  // A call of a local closure that turned out FnOnce above (its body moves a capture out)
  // consumes it: a closure making that call moves its capture out, and is FnOnce too.
  for (int i = 0; i < fx->closure_calls.len; i++) {
    Expr *e = VEC_AT(fx->closure_calls, i);
    Type *t = ty_resolve(e->ty);
    if (t->kind == TY_CLOSURE && t->closure && t->closure->is_fn_once) consume_capture(fx, e);
  }
}

// `t.1` moved out in the body of a closure that uses no other part of t: the closure captures
// t.1 by value (Rust 2021) and owns it, so moving it out is moving the capture out (FnOnce).
static bool consume_captured_field(Fcx *fx, Expr *e) {
  Local *l = e->sub->local;
  for (int i = 0; i < fx->closures.len; i++) {
    FnDecl *cf = VEC_AT(fx->closures, i);
    Span cs = cf->closure_expr->span;
    if (e->span.file != cs.file || e->span.lo < cs.lo || e->span.hi > cs.hi || l->owner == cf) continue;
    for (int k = 0; k < cf->ncaptures; k++) {
      Capture *c = &cf->captures[k];
      if (c->local != l || c->whole || c->fields != (uint64_t)1 << e->field_index || l->owner != cf->parent) continue;
      bool was = c->by_value;
      c->by_value = true;
      if (capture_moved_field(cf, c) != e->field_index) {
        c->by_value = was;
        return false;
      }
      cf->is_fn_once = true;
      return true;
    }
  }
  return false;
}

// A closure whose kind its expected type decided (`F: Fn()`, `Box<dyn FnMut()>`) may be called
// again after its body moved a capture out, which would then be used after the move: E0507.
static bool moved_from_fn_closure(FnDecl *cf, Expr *e, Local *l) {
  if (!cf->fn_bound && !cf->fnmut_bound) return false;
  const char *kind = cf->fn_bound ? "Fn" : "FnMut";
  Diag *d = diag_error(e->span, "E0507", "cannot move out of `%s`, a captured variable in an `%s` closure", l->name, kind);
  diag_secondary(d, l->span, "captured outer variable");
  diag_secondary(d, diag_closure_head(cf->closure_expr->span), "captured by this `%s` closure", kind);
  diag_label(d, "move occurs because `%s` has type `%s`, which does not implement the `Copy` trait", l->name, ty_name(l->ty));
  diag_help(d, "`Fn` and `FnMut` closures require captured values to be able to be consumed multiple times, but `FnOnce` closures may consume them only once");
  diag_defer(d, DEFER_MOVE_OUT);
  return true;
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
        if (moved_from_fn_closure(cf, e, e->local)) return;
        cf->captures[k].by_value = true;
        cf->is_fn_once = true;
      }
  }
}
