// check_moves.c — moves, once a body's types are known: which expressions move out of what
// (out of a borrow or an index, E0507; partial moves; a closure consuming a capture), then use
// after move (E0382). They work on checked types only and share nothing with inference. These
// are borrow-checker errors in rustc, reported with the MIR borrow checker's (lower/borrowck.c)
// in order of position: they are deferred (diag_defer) until it has run.
#include "sema/sema_internal.h"

#include <string.h>

static void consume_capture(Fcx *fx, Expr *e);
static bool consume_captured_field(Fcx *fx, Expr *e);

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
    diag_defer(d, DEFER_MOVE_OUT);
    return true;
  }
  if ((bt->kind != TY_TUPLE && (bt->kind != TY_STRUCT || bt->sdecl->is_enum)) || e->field_index < 0 || e->field_index >= 64 ||
      inside_closure(fx, e->span))
    return false;
  e->moves_local = true;
  return true;
}

void check_moves(Fcx *fx) {
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
    Expr *b = e;
    while (b->kind == EX_FIELD && b->autoderefs == 0) b = b->sub;
    if (b->kind == EX_FIELD || (b->kind == EX_UNARY && b->op == TK_STAR)) {
      Type *bt = b->kind == EX_FIELD ? b->sub->ty : b->sub->ty;
      Diag *d = diag_error(e->span, "E0507", "cannot move out of %s", ty_resolve(bt)->kind == TY_BOX ? "a box (trc does not support moving out of a `Box` yet)" : "a shared reference");
      diag_label(d, "move occurs because value has type `%s`, which does not implement the `Copy` trait", ty_name(e->ty));
      diag_defer(d, DEFER_MOVE_OUT);
      continue;
    }
    if (b->kind == EX_PATH && b->res == RES_LOCAL && e->sub == b && (partial_move_ok(fx, e) || consume_captured_field(fx, e))) continue;
    Diag *d = diag_error(e->span, NULL, "moving a field out of `%s` (a partial move) is not supported by trc yet", b->kind == EX_PATH ? b->local->name : "a value");
    diag_help(d, "move the whole value, or borrow the field with `&`");
    diag_emit(d);
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
    diag_defer(d, DEFER_USE_MOVED);
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
  case EX_CLOSURE:  // a capture by reference borrows the variable, one by value moves it in
    for (int i = 0; i < e->fn->ncaptures; i++) {
      Local *l = e->fn->captures[i].local;
      if (l->owner != cx->fn || type_implements(K, l->ty, K->copy_trait) || cx->st.dead) continue;
      int f = capture_moved_field(e->fn, &e->fn->captures[i]);
      if (f >= 0) {  // one field moved in: a partial move (none if that field is Copy)
        Expr use = {.span = e->span, .local = l};
        mv_use_part(cx, &use, l, f, false);
        if (!type_implements(K, closure_capture_type(e->ty, i), K->copy_trait)) {
          cx->st.fields[l->index] |= (uint64_t)1 << f;
          cx->st.where[l->index] = e->span;
        }
        continue;
      }
      if (cx->st.moved[l->index] || cx->st.fields[l->index]) {
        Expr use = {.span = e->span, .local = l};
        mv_use(cx, &use, !e->fn->captures[i].by_value);
      }
      if (!e->fn->captures[i].by_value) continue;
      cx->st.moved[l->index] = true;
      cx->st.where[l->index] = e->span;
    }
    return;
  default: return;
  }
}

void check_use_after_move(FnDecl *f) {
  MoveCx cx = {.fn = f, .n = f->locals.len};
  cx.st = ms_new(&cx, false);
  cx.reported = arena_alloc(cx.n + 1);
  mv_block(&cx, f->body);
}
