// codegen_expr.c — statements and expressions of one function instance.
//
// Three ways to emit an expression:
//   emit_expr   its value (as an SSA value), after the checker's coercion is applied;
//   emit_place  where it lives: an address for a sized type, the fat pointer itself for an
//               unsized one (`*r` where r: &dyn Tr is the pair {data, vtable}). An rvalue asked
//               for its place is spilled to a temporary that is dropped at the end of the
//               statement, like Rust's temporaries.
//   emit_stmt   for effect, dropping what the statement created and did not keep.
//
// Ownership: reading a local by value (emit_expr on a path) is a move; a local whose type needs
// dropping has an i1 drop flag that the move clears. Scope exits, `break`, `continue` and
// `return` walk the cleanup stack and drop what each entry still owns, in reverse order.
#include "codegen/codegen_internal.h"

#include <string.h>

static LLVMValueRef emit_expr(CG *c, Expr *e);
static LLVMValueRef emit_expr_raw(CG *c, Expr *e);
static LLVMValueRef emit_place(CG *c, Expr *e);
static bool is_place_expr(Expr *e);
static LLVMValueRef emit_block(CG *c, Block *b);
static void emit_stmt(CG *c, Stmt *s);
static LLVMValueRef emit_str_eq(CG *c, TokenKind op, LLVMValueRef a, Type *ta, LLVMValueRef b, Type *tb);
static void free_string(CG *c, LLVMValueRef s);
static LLVMValueRef vec_field(CG *c, LLVMValueRef vecp, int i);
static LLVMValueRef clone_value(CG *c, LLVMValueRef p, Type *t);
static LLVMValueRef emit_compare(CG *c, TokenKind op, LLVMValueRef a, LLVMValueRef b, Type *t);

// An expression's type as its own code produces it (before the checker's coercion), and as
// its consumer sees it (after). Inside emit_expr_raw only the first one is meaningful.
static Type *raw_ty_of(CG *c, Expr *e) { return cg_type_of(c, e->coerce ? e->coerce_from : e->ty); }
static Type *final_ty(CG *c, Expr *e) { return cg_type_of(c, e->ty); }
#define ty_of raw_ty_of

// A value of a type that never exists (after a diverging expression).
static LLVMValueRef dead_val(CG *c, Type *t) { return LLVMGetUndef(cg_lltype(c, t)); }

// ---------------------------------------------------------------------------------------------
// Panics

static void span_location(Span sp, LLVMValueRef *file, LLVMValueRef *flen, int *line, int *col, CG *c) {
  const char *name = diag_file_name(sp.file);
  LLVMValueRef s = cg_const_str(c, name, strlen(name));
  *file = LLVMBuildExtractValue(c->b, s, 0, "");
  *flen = cg_i64(c, strlen(name));
  diag_line_col(sp, line, col);
}

// Where a panic at sp reports itself: { file, file_len, line, col } of sp, or, in a
// #[track_caller] function, of the call that reached it (its last parameter points there).
static void panic_location(CG *c, Span sp, LLVMValueRef *out) {
  if (c->inst && c->inst->fn->attrs.track_caller) {
    LLVMValueRef loc = LLVMGetLastParam(c->fn);
    LLVMTypeRef lt[4] = {c->t_ptr, c->t_i64, c->t_i32, c->t_i32};
    LLVMTypeRef st = LLVMStructTypeInContext(c->ctx, lt, 4, false);
    for (int i = 0; i < 4; i++) out[i] = LLVMBuildLoad2(c->b, lt[i], LLVMBuildStructGEP2(c->b, st, loc, i, ""), "");
    return;
  }
  int line, col;
  span_location(sp, &out[0], &out[1], &line, &col, c);
  out[2] = LLVMConstInt(c->t_i32, line, 0);
  out[3] = LLVMConstInt(c->t_i32, col, 0);
}

static void emit_panic_with(CG *c, Span sp, LLVMValueRef msg_ptr, LLVMValueRef msg_len) {
  LLVMValueRef args[6] = {msg_ptr, msg_len};
  panic_location(c, sp, args + 2);
  cg_call_fn(c, cg_rt(c, "trc_panic"), args, 6);
  LLVMBuildUnreachable(c->b);
}

LLVMValueRef cg_call_panic(CG *c, Span sp, const char *msg) {
  LLVMValueRef s = cg_const_str(c, msg, strlen(msg));
  emit_panic_with(c, sp, LLVMBuildExtractValue(c->b, s, 0, ""), cg_i64(c, strlen(msg)));
  return NULL;
}

// Branches to a panic when cond is true; continues in a new block otherwise.
static void panic_if(CG *c, LLVMValueRef cond, Span sp, const char *msg) {
  LLVMBasicBlockRef bad = cg_new_block(c, "panic"), ok = cg_new_block(c, "ok");
  LLVMBuildCondBr(c->b, cond, bad, ok);
  cg_set_block(c, bad);
  cg_call_panic(c, sp, msg);
  cg_set_block(c, ok);
}

// An overflow inside core's `pow` (what 0) or `abs` (what 1) of integer type t: rustc's debug
// build panics at core's source line for t, which the runtime knows.
static void panic_in_int_method(CG *c, LLVMValueRef cond, Type *t, int what) {
  LLVMBasicBlockRef bad = cg_new_block(c, "panic"), ok = cg_new_block(c, "ok");
  LLVMBuildCondBr(c->b, cond, bad, ok);
  cg_set_block(c, bad);
  static const int widths[4] = {8, 16, 32, 64};
  int k = 3;
  for (int i = 0; i < 4; i++)
    if (widths[i] == t->bits) k = i;
  int code = (t->is_size ? 4 : k) + (t->is_signed ? 0 : 5);
  LLVMValueRef args[2] = {LLVMConstInt(c->t_i32, (uint64_t)what, 0), LLVMConstInt(c->t_i32, (uint64_t)code, 0)};
  cg_call_fn(c, cg_rt(c, "trc_panic_int_method"), args, 2);
  LLVMBuildUnreachable(c->b);
  cg_set_block(c, ok);
}

// Stores an rvalue in a temporary and returns its address; the temporary is dropped when the
// enclosing statement's cleanups run.
static LLVMValueRef spill(CG *c, LLVMValueRef v, Type *t) {
  LLVMValueRef tmp = cg_alloca(c, cg_lltype(c, t), "tmp");
  LLVMBuildStore(c->b, v, tmp);
  if (ty_needs_drop(t)) cg_push_cleanup(c, CL_TEMP, t, tmp, NULL);
  return tmp;
}

// Drops a value that nobody keeps (the result of `f();`, `let _ = f();`, `drop(x)`).
static void drop_value(CG *c, LLVMValueRef v, Type *t) {
  if (!ty_needs_drop(t) || cg_block_terminated(c)) return;
  LLVMValueRef tmp = cg_alloca(c, cg_lltype(c, t), "dropped");
  LLVMBuildStore(c->b, v, tmp);
  cg_emit_drop(c, tmp, t);
}

// ---------------------------------------------------------------------------------------------
// Locals

static void bind_local(CG *c, Local *l, LLVMValueRef v, bool initialized) {
  Type *t = cg_type_of(c, l->ty);
  LLVMValueRef addr = cg_alloca(c, cg_lltype(c, t), l->name);
  c->local_addr[l->index] = addr;
  if (initialized) LLVMBuildStore(c->b, v, addr);
  if (ty_needs_drop(t)) {
    LLVMValueRef flag = cg_alloca(c, c->t_i1, arena_printf("%s.live", l->name));
    LLVMBuildStore(c->b, LLVMConstInt(c->t_i1, initialized, 0), flag);
    c->local_flag[l->index] = flag;
    cg_push_cleanup(c, CL_LOCAL, t, addr, flag);
  }
}

// ---------------------------------------------------------------------------------------------
// Patterns
//
// A pattern is matched against a place: `emit_pat_test` walks the pattern and the value at
// addr together, branching to `fail` as soon as a tag, literal or range does not match, and
// stores each binding's value (or, for a by-reference binding, the place's address) into the
// binding's slot as it goes. Ownership changes only once an arm is chosen (`commit_pattern`):
// by-value bindings that need dropping get live drop flags, and if the pattern moved anything
// out of the scrutinee, the scrutinee's own drop flag is cleared and what the pattern left in
// it is dropped when the arm ends (CL_LEFTOVER).

// The place of a variable: in this function's frame or, inside a closure, reached through the
// environment (the first argument): a captured reference, or the captured value itself.
static LLVMValueRef var_place(CG *c, Local *l) {
  FnDecl *f = c->inst ? c->inst->fn : NULL;
  if (!f || !f->is_closure || l->owner == f) return c->local_addr[l->index];
  Type *ct = ty_closure(f, c->inst->targs, c->inst->ntargs);
  for (int i = 0; i < f->ncaptures; i++) {
    if (f->captures[i].local != l) continue;
    LLVMValueRef field = LLVMBuildStructGEP2(c->b, cg_lltype(c, ct), LLVMGetParam(c->fn, 0), i, "");
    return f->captures[i].by_value ? field : LLVMBuildLoad2(c->b, c->t_ptr, field, l->name);
  }
  ice(l->span, "`%s` is not captured by the closure", l->name);
}

// A variable's drop flag. Captured variables are owned by the closure's environment, except in
// an FnOnce body, which owns (and may move) its by-value captures.
static LLVMValueRef var_flag(CG *c, Local *l) {
  FnDecl *f = c->inst ? c->inst->fn : NULL;
  if (f && f->is_closure && l->owner != f) {
    for (int i = 0; f->is_fn_once && i < f->ncaptures; i++)
      if (f->captures[i].local == l) return c->capture_flag[i];
    return NULL;
  }
  return c->local_flag[l->index];
}

// An FnOnce body takes its by-value captures over: each gets a drop flag and is dropped at the
// end unless the body moved it. Pushed last first, they drop in capture order, as rustc drops
// what is left of the environment.
static void own_captures(CG *c, FnDecl *f) {
  c->capture_flag = arena_alloc(sizeof(LLVMValueRef) * (f->ncaptures + 1));
  if (!f->is_fn_once) return;
  for (int i = f->ncaptures - 1; i >= 0; i--) {
    Local *l = f->captures[i].local;
    Type *t = cg_type_of(c, l->ty);
    if (!f->captures[i].by_value || !ty_needs_drop(t)) continue;
    c->capture_flag[i] = cg_alloca(c, c->t_i1, arena_printf("%s.live", l->name));
    LLVMBuildStore(c->b, LLVMConstInt(c->t_i1, 1, 0), c->capture_flag[i]);
    cg_push_cleanup(c, CL_LOCAL, t, var_place(c, l), c->capture_flag[i]);
  }
}

static LLVMValueRef binding_slot(CG *c, Local *l) {
  if (!c->local_addr[l->index]) c->local_addr[l->index] = cg_alloca(c, cg_lltype(c, cg_type_of(c, l->ty)), l->name);
  return c->local_addr[l->index];
}

// The integer a literal pattern stands for (negated literals included).
static LLVMValueRef pat_const(CG *c, Expr *lit, Type *t) {
  bool neg = lit->kind == EX_UNARY;
  Expr *l = neg ? lit->sub : lit;
  uint64_t v = neg ? (uint64_t)-(int64_t)l->int_val : l->int_val;
  return LLVMConstInt(cg_lltype(c, t), v, true);
}

static bool unsigned_like(Type *t) { return ty_resolve(t)->kind != TY_INT || !ty_resolve(t)->is_signed; }

static void branch_unless(CG *c, LLVMValueRef ok, LLVMBasicBlockRef fail) {
  LLVMBasicBlockRef next = cg_new_block(c, "pat.ok");
  LLVMBuildCondBr(c->b, ok, next, fail);
  cg_set_block(c, next);
}

static void emit_pat_test(CG *c, Pattern *p, LLVMValueRef addr, Type *t, LLVMBasicBlockRef fail) {
  t = ty_resolve(t);
  for (int i = 0; i < p->derefs; i++) {
    addr = LLVMBuildLoad2(c->b, c->t_ptr, addr, "");
    t = ty_resolve(t->inner);
  }
  switch (p->kind) {
  case PAT_WILD: case PAT_REST: return;
  case PAT_BIND: {
    LLVMValueRef slot = binding_slot(c, p->local);
    LLVMBuildStore(c->b, p->bind_ref ? addr : cg_load(c, t, addr), slot);
    if (p->sub) emit_pat_test(c, p->sub, addr, t, fail);
    return;
  }
  case PAT_REF:
    emit_pat_test(c, p->sub, LLVMBuildLoad2(c->b, c->t_ptr, addr, ""), t->inner, fail);
    return;
  case PAT_TUPLE:
    for (int i = 0; i < p->nelems; i++) {
      int f = p->field_map[i];
      if (f < 0) continue;
      LLVMValueRef fa = LLVMBuildStructGEP2(c->b, cg_lltype(c, t), addr, cg_field_slot(c, t, f), "");
      emit_pat_test(c, p->elems[i], fa, t->args[f], fail);
    }
    return;
  case PAT_PATH: case PAT_TUPLE_STRUCT: case PAT_STRUCT: {
    int v = p->sdecl->is_enum ? p->variant : -1;
    if (v >= 0) branch_unless(c, LLVMBuildICmp(c->b, LLVMIntEQ, cg_load_tag(c, t, addr), cg_enum_tag(c, t, v), ""), fail);
    for (int i = 0; i < p->nelems; i++) {
      int f = p->field_map ? p->field_map[i] : i;
      if (f < 0) continue;
      emit_pat_test(c, p->elems[i], cg_ctor_field_addr(c, t, v, addr, f), cg_ctor_field_type(t, v, f), fail);
    }
    return;
  }
  case PAT_LIT: {
    LLVMValueRef ok;
    if (p->lit->kind == EX_STR) {
      Type *st = ty_ref(ty_str, false);
      ok = emit_str_eq(c, TK_EQEQ, cg_load(c, t, addr), t, cg_const_str(c, p->lit->str, p->lit->str_len), st);
    } else if (p->lit->kind == EX_BOOL) {
      ok = LLVMBuildICmp(c->b, LLVMIntEQ, cg_load(c, t, addr), LLVMConstInt(c->t_i1, p->lit->int_val, 0), "");
    } else {
      ok = LLVMBuildICmp(c->b, LLVMIntEQ, cg_load(c, t, addr), pat_const(c, p->lit, t), "");
    }
    branch_unless(c, ok, fail);
    return;
  }
  case PAT_RANGE: {
    LLVMValueRef v = cg_load(c, t, addr);
    bool u = unsigned_like(t);
    LLVMValueRef ok = LLVMBuildICmp(c->b, u ? LLVMIntUGE : LLVMIntSGE, v, pat_const(c, p->lit, t), "");
    if (p->hi) {
      LLVMIntPredicate hi = p->inclusive ? (u ? LLVMIntULE : LLVMIntSLE) : (u ? LLVMIntULT : LLVMIntSLT);
      ok = LLVMBuildAnd(c->b, ok, LLVMBuildICmp(c->b, hi, v, pat_const(c, p->hi, t), ""), "");
    }
    branch_unless(c, ok, fail);
    return;
  }
  case PAT_OR: {
    LLVMBasicBlockRef matched = cg_new_block(c, "or.ok");
    for (int a = 0; a < p->nelems; a++) {
      LLVMBasicBlockRef next = a + 1 < p->nelems ? cg_new_block(c, "or.next") : fail;
      emit_pat_test(c, p->elems[a], addr, t, next);
      LLVMBuildBr(c->b, matched);
      if (a + 1 < p->nelems) cg_set_block(c, next);
    }
    cg_set_block(c, matched);
    return;
  }
  }
}

// The bindings of a chosen arm take ownership of their values.
static void commit_bindings(CG *c, Pattern *p) {
  if (!p) return;
  if (p->kind == PAT_BIND) {
    Local *l = p->local;
    Type *lt = cg_type_of(c, l->ty);
    if (ty_needs_drop(lt) && !c->local_flag[l->index]) {
      LLVMValueRef flag = cg_alloca(c, c->t_i1, arena_printf("%s.live", l->name));
      c->local_flag[l->index] = flag;
    }
    if (c->local_flag[l->index]) {
      LLVMBuildStore(c->b, LLVMConstInt(c->t_i1, 1, 0), c->local_flag[l->index]);
      cg_push_cleanup(c, CL_LOCAL, lt, binding_slot(c, l), c->local_flag[l->index]);
    }
    commit_bindings(c, p->sub);
    return;
  }
  if (p->kind == PAT_REF) commit_bindings(c, p->sub);
  // The alternatives of an or-pattern bind the same locals: commit them once.
  int n = p->kind == PAT_OR ? (p->nelems ? 1 : 0) : p->nelems;
  for (int i = 0; i < n; i++) commit_bindings(c, p->elems[i]);
}

// Commits a matched pattern whose scrutinee lives at addr and is owned through owner_flag
// (NULL when it is borrowed or needs no drop).
static void commit_pattern(CG *c, Pattern *p, LLVMValueRef addr, Type *t, LLVMValueRef owner_flag) {
  if (owner_flag && cg_pattern_moves(c, p)) {
    LLVMBuildStore(c->b, LLVMConstInt(c->t_i1, 0, 0), owner_flag);
    cg_push_cleanup(c, CL_LEFTOVER, t, addr, NULL);
    c->cleanups.data[c->cleanups.len - 1].pat = p;
  }
  commit_bindings(c, p);
}

// A value that a pattern destructures, kept in a slot of its own with a drop flag.
static LLVMValueRef owned_slot(CG *c, LLVMValueRef v, Type *t, LLVMValueRef *flag) {
  LLVMValueRef slot = cg_alloca(c, cg_lltype(c, t), "scrutinee");
  LLVMBuildStore(c->b, v, slot);
  *flag = NULL;
  if (ty_needs_drop(t)) {
    *flag = cg_alloca(c, c->t_i1, "scrutinee.live");
    LLVMBuildStore(c->b, LLVMConstInt(c->t_i1, 1, 0), *flag);
    cg_push_cleanup(c, CL_LOCAL, t, slot, *flag);
  }
  return slot;
}

// `let`, parameters and `for`: an irrefutable pattern over a value.
static void bind_pattern(CG *c, Pattern *p, LLVMValueRef v, Type *t) {
  if (p->kind == PAT_BIND && !p->sub && !p->bind_ref && !p->derefs) {
    bind_local(c, p->local, v, true);
    return;
  }
  if (p->kind == PAT_WILD) {
    drop_value(c, v, t);
    return;
  }
  LLVMValueRef flag;
  LLVMValueRef slot = owned_slot(c, v, t, &flag);
  LLVMBasicBlockRef never = cg_new_block(c, "irrefutable");
  emit_pat_test(c, p, slot, t, never);
  LLVMBasicBlockRef cont = LLVMGetInsertBlock(c->b);
  cg_set_block(c, never);
  LLVMBuildUnreachable(c->b);
  cg_set_block(c, cont);
  commit_pattern(c, p, slot, t, flag);
}

// Whether an arm's pattern can match a value of enum variant v (used to dispatch on the tag).
static bool arm_may_match(Pattern *p, int v) {
  while (p->kind == PAT_BIND && p->sub) p = p->sub;
  switch (p->kind) {
  case PAT_PATH: case PAT_TUPLE_STRUCT: case PAT_STRUCT: return !p->sdecl->is_enum || p->variant == v;
  case PAT_OR:
    for (int i = 0; i < p->nelems; i++)
      if (arm_may_match(p->elems[i], v)) return true;
    return false;
  default: return true;
  }
}

static LLVMValueRef emit_match(CG *c, Expr *e) {
  Type *rt = final_ty(c, e);
  bool has_val = !cg_returns_void(rt);
  LLVMValueRef result = has_val ? cg_alloca(c, cg_lltype(c, rt), "match.val") : NULL;
  // The scrutinee: a place is matched where it is; a value gets a slot with a drop flag.
  Type *st = ty_resolve(final_ty(c, e->sub));
  LLVMValueRef addr, owner = NULL;
  if (is_place_expr(e->sub)) {
    addr = emit_place(c, e->sub);
    if (e->sub->kind == EX_PATH && e->sub->moves_local) owner = var_flag(c, e->sub->local);
  } else {
    LLVMValueRef v = emit_expr(c, e->sub);
    if (cg_block_terminated(c)) return has_val ? dead_val(c, rt) : cg_unit(c);
    addr = owned_slot(c, v, st, &owner);
  }
  LLVMBasicBlockRef done = cg_new_block(c, "match.end"), nomatch = cg_new_block(c, "match.none");
  LLVMBasicBlockRef *test = arena_alloc(sizeof(LLVMBasicBlockRef) * (e->narms + 1));
  for (int i = 0; i < e->narms; i++) test[i] = cg_new_block(c, arena_printf("arm%d", i));
  test[e->narms] = nomatch;
  // On an enum, a switch on the tag jumps to the first arm that can match each variant.
  Type *et = st;
  LLVMValueRef eaddr = addr;
  while (et->kind == TY_REF) {
    eaddr = LLVMBuildLoad2(c->b, c->t_ptr, eaddr, "");
    et = ty_resolve(et->inner);
  }
  if (et->kind == TY_STRUCT && et->sdecl->is_enum && e->narms > 1) {
    StructDecl *sd = et->sdecl;
    LLVMValueRef sw = LLVMBuildSwitch(c->b, cg_load_tag(c, et, eaddr), nomatch, sd->nvariants);
    for (int v = 0; v < sd->nvariants; v++) {
      int k = 0;
      while (k < e->narms && !arm_may_match(e->arms[k].pat, v)) k++;
      LLVMAddCase(sw, cg_enum_tag(c, et, v), test[k]);
    }
  } else {
    LLVMBuildBr(c->b, test[0]);
  }
  for (int i = 0; i < e->narms; i++) {
    MatchArm *arm = &e->arms[i];
    cg_set_block(c, test[i]);
    emit_pat_test(c, arm->pat, addr, st, test[i + 1]);
    if (arm->guard) {
      int mark = c->cleanups.len;
      LLVMValueRef cond = emit_expr(c, arm->guard);
      cg_pop_cleanups(c, mark);
      LLVMBasicBlockRef body = cg_new_block(c, arena_printf("arm%d.body", i));
      LLVMBuildCondBr(c->b, cond, body, test[i + 1]);
      cg_set_block(c, body);
    }
    int mark = c->cleanups.len;
    commit_pattern(c, arm->pat, addr, st, owner);
    LLVMValueRef v = emit_expr(c, arm->body);
    if (has_val && !cg_block_terminated(c)) LLVMBuildStore(c->b, v, result);
    cg_pop_cleanups(c, mark);
    cg_br(c, done);
  }
  // Exhaustiveness was checked: no value gets here.
  cg_set_block(c, nomatch);
  LLVMBuildUnreachable(c->b);
  cg_set_block(c, done);
  return has_val ? LLVMBuildLoad2(c->b, cg_lltype(c, rt), result, "") : cg_unit(c);
}

// Builds an enum value: variant v with its fields (in declaration order).
static LLVMValueRef enum_value(CG *c, Type *t, int v, LLVMValueRef *fields) {
  LLVMValueRef tmp = cg_alloca(c, cg_lltype(c, t), "variant");
  cg_store_variant(c, t, v, tmp, fields);
  return cg_load(c, t, tmp);
}

// ---------------------------------------------------------------------------------------------
// Places

// Given the address of a pointer-typed value (of type t), the place it points to.
static LLVMValueRef deref_place(CG *c, LLVMValueRef addr, Type *t) {
  if (ty_resolve(t)->kind == TY_VEC) {  // Vec<T> -> [T]: the slice of its elements
    LLVMValueRef fat = LLVMBuildInsertValue(c->b, LLVMGetUndef(c->t_slice), vec_field(c, addr, 0), 0, "");
    return LLVMBuildInsertValue(c->b, fat, vec_field(c, addr, 2), 1, "");
  }
  Type *in = ty_resolve(ty_pointee(t));
  if (!in) ice((Span){0}, "dereferencing a non-pointer `%s`", ty_name(t));
  return LLVMBuildLoad2(c->b, cg_lltype(c, t), addr, "");
}

// Applies the checker's autoderefs to a place of type *t.
static LLVMValueRef autoderef(CG *c, LLVMValueRef p, Type **t, int n) {
  for (int i = 0; i < n; i++) {
    p = deref_place(c, p, *t);
    *t = ty_resolve(*t)->kind == TY_VEC ? ty_slice(ty_resolve(*t)->inner) : ty_resolve(ty_pointee(*t));
  }
  return p;
}

static void str_parts(CG *c, LLVMValueRef v, Type *t, LLVMValueRef *ptr, LLVMValueRef *len);

// &v[a..b] (the index expression e): the slice {data + a, b - a} after the checks rustc
// makes, with its messages; lo and hi are the bounds' values (NULL where the range has none).
static LLVMValueRef slice_range_of(CG *c, Expr *e, Span sp, LLVMValueRef data, LLVMValueRef len, Type *elem, LLVMValueRef lo,
                                   LLVMValueRef hi) {
  Expr *r = e->rhs;
  if (!lo) lo = cg_i64(c, 0);
  if (!hi) hi = len;
  LLVMValueRef args[8] = {lo, hi, len, LLVMConstInt(c->t_i32, r->inclusive | (r->rhs != NULL) << 1, 0)};
  panic_location(c, sp, args + 4);
  cg_call_fn(c, cg_rt(c, "trc_slice_check"), args, 8);
  if (r->inclusive) hi = LLVMBuildAdd(c->b, hi, cg_i64(c, 1), "");
  LLVMValueRef start = LLVMBuildGEP2(c->b, cg_lltype(c, elem), data, &lo, 1, "");
  LLVMValueRef fat = LLVMBuildInsertValue(c->b, LLVMGetUndef(c->t_slice), start, 0, "");
  return LLVMBuildInsertValue(c->b, fat, LLVMBuildSub(c->b, hi, lo, ""), 1, "");
}

static LLVMValueRef slice_range(CG *c, Expr *e, LLVMValueRef data, LLVMValueRef len, Type *elem) {
  Expr *r = e->rhs;
  LLVMValueRef lo = r->lhs ? emit_expr(c, r->lhs) : NULL;
  // Index::index panics at the bracket, as rustc reports it
  return slice_range_of(c, e, e->name_span, data, len, elem, lo, r->rhs ? emit_expr(c, r->rhs) : NULL);
}

LLVMValueRef cg_slice_index(CG *c, Expr *e, Span sp, LLVMValueRef whole, LLVMValueRef lo, LLVMValueRef hi, Type *elem) {
  return slice_range_of(c, e, sp, LLVMBuildExtractValue(c->b, whole, 0, ""), LLVMBuildExtractValue(c->b, whole, 1, ""), elem, lo, hi);
}

static LLVMValueRef index_place(CG *c, Expr *e) {
  Type *bt = final_ty(c, e->lhs);
  LLVMValueRef base = autoderef(c, emit_place(c, e->lhs), &bt, e->autoderefs);
  bt = ty_resolve(bt);
  LLVMValueRef data, len;
  if (bt->kind == TY_VEC) {
    data = LLVMBuildLoad2(c->b, c->t_ptr, LLVMBuildStructGEP2(c->b, c->t_vec, base, 0, ""), "");
    len = LLVMBuildLoad2(c->b, c->t_i64, LLVMBuildStructGEP2(c->b, c->t_vec, base, 2, ""), "");
  } else if (bt->kind == TY_ARRAY) {
    data = base;
    len = cg_i64(c, bt->len);
  } else {  // a slice place is its fat pointer
    data = LLVMBuildExtractValue(c->b, base, 0, "");
    len = LLVMBuildExtractValue(c->b, base, 1, "");
  }
  if (e->rhs->kind == EX_RANGE && ty_resolve(final_ty(c, e))->kind == TY_SLICE) return slice_range(c, e, data, len, ty_resolve(bt->inner));
  LLVMValueRef idx = emit_expr(c, e->rhs);
  LLVMBasicBlockRef bad = cg_new_block(c, "oob"), ok = cg_new_block(c, "inbounds");
  LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntUGE, idx, len, ""), bad, ok);
  cg_set_block(c, bad);
  cg_panic_bounds(c, bt->kind == TY_VEC ? e->name_span : e->span, idx, len);
  cg_set_block(c, ok);
  return LLVMBuildGEP2(c->b, cg_lltype(c, bt->inner), data, &idx, 1, "");
}

static LLVMValueRef emit_place(CG *c, Expr *e) {
  if (!e->coerce) {
    switch (e->kind) {
    case EX_PATH:
      if (e->res == RES_LOCAL) return var_place(c, e->local);
      break;
    case EX_UNARY:
      // The place `*p` is the pointer p holds; reading it from p's place does not move p.
      if (e->op == TK_STAR) {
        if (is_place_expr(e->sub)) return deref_place(c, emit_place(c, e->sub), final_ty(c, e->sub));
        return emit_expr(c, e->sub);
      }
      break;
    case EX_FIELD: {
      Type *bt = final_ty(c, e->sub);
      LLVMValueRef base = autoderef(c, emit_place(c, e->sub), &bt, e->autoderefs);
      return LLVMBuildStructGEP2(c->b, cg_lltype(c, bt), base, cg_field_slot(c, bt, e->field_index), "");
    }
    case EX_INDEX: return index_place(c, e);
    default: break;
    }
  }
  Type *t = final_ty(c, e);
  LLVMValueRef v = emit_expr(c, e);
  if (cg_block_terminated(c)) return LLVMGetUndef(c->t_ptr);
  return spill(c, v, t);
}

// ---------------------------------------------------------------------------------------------
// Coercions

// `&dyn Sub` to `&dyn Super`: the same data pointer with Super's vtable, which is either Sub's
// own (Super is on the chain of first supertraits, a prefix) or the one Sub's vtable points
// to from Super's TraitVPtr slot.
static LLVMValueRef emit_upcast(CG *c, LLVMValueRef fat, Type *from_dyn, Type *to_dyn) {
  TraitDecl *src = from_dyn->principal->trait, *dst = to_dyn->principal->trait;
  int slot = src == dst ? -1 : vtable_upcast_slot(src, dst);
  if (slot < 0) return fat;  // dropping `+ Send`, or a prefix: the pointer is reused
  LLVMValueRef vt = LLVMBuildExtractValue(c->b, fat, 1, "vtable");
  LLVMValueRef off = cg_i64(c, 8 * slot);
  LLVMValueRef p = LLVMBuildInBoundsGEP2(c->b, c->t_i8, vt, &off, 1, "");
  LLVMValueRef super_vt = LLVMBuildLoad2(c->b, c->t_ptr, p, arena_printf("vtable.%s", dst->name));
  LLVMSetMetadata(super_vt, LLVMGetMDKindIDInContext(c->ctx, "invariant.load", 14), LLVMMDNodeInContext(c->ctx, NULL, 0));
  return LLVMBuildInsertValue(c->b, fat, super_vt, 1, "");
}

LLVMValueRef cg_coercion(CG *c, LLVMValueRef v, Type *from, Type *to, Span sp) {
  for (int guard = 0; guard < 16; guard++) {
    from = ty_resolve(from);
    to = ty_resolve(to);
    if (from == to) return v;
    if (from->kind == TY_NEVER) return LLVMGetUndef(cg_lltype(c, to));
    Type *fi = ty_resolve(ty_pointee(from)), *ti = ty_resolve(ty_pointee(to));
    if (!fi || !ti) break;
    if (ti->kind == TY_DYN) {
      if (fi->kind == TY_DYN) return emit_upcast(c, v, fi, ti);
      if (ty_is_sized(fi)) {
        LLVMValueRef fat = LLVMGetUndef(c->t_dynptr);
        fat = LLVMBuildInsertValue(c->b, fat, v, 0, "");
        return LLVMBuildInsertValue(c->b, fat, cg_vtable(c, fi, ti->principal), 1, "");
      }
    }
    if (fi == ti) return v;  // &mut T -> &T
    if (fi->kind == TY_STRING && ti->kind == TY_STR) {
      LLVMValueRef ptr = LLVMBuildLoad2(c->b, c->t_ptr, LLVMBuildStructGEP2(c->b, c->t_vec, v, 0, ""), "");
      LLVMValueRef len = LLVMBuildLoad2(c->b, c->t_i64, LLVMBuildStructGEP2(c->b, c->t_vec, v, 2, ""), "");
      LLVMValueRef fat = LLVMBuildInsertValue(c->b, LLVMGetUndef(c->t_slice), ptr, 0, "");
      return LLVMBuildInsertValue(c->b, fat, len, 1, "");
    }
    if (fi->kind == TY_ARRAY && ti->kind == TY_SLICE) {
      LLVMValueRef fat = LLVMBuildInsertValue(c->b, LLVMGetUndef(c->t_slice), v, 0, "");
      return LLVMBuildInsertValue(c->b, fat, cg_i64(c, fi->len), 1, "");
    }
    if (fi->kind == TY_VEC && ti->kind == TY_SLICE) {
      LLVMValueRef ptr = LLVMBuildLoad2(c->b, c->t_ptr, LLVMBuildStructGEP2(c->b, c->t_vec, v, 0, ""), "");
      LLVMValueRef len = LLVMBuildLoad2(c->b, c->t_i64, LLVMBuildStructGEP2(c->b, c->t_vec, v, 2, ""), "");
      LLVMValueRef fat = LLVMBuildInsertValue(c->b, LLVMGetUndef(c->t_slice), ptr, 0, "");
      return LLVMBuildInsertValue(c->b, fat, len, 1, "");
    }
    if (fi->kind == TY_REF || fi->kind == TY_BOX) {
      // Deref coercion: &&T -> &T, &Box<T> -> &T.
      v = LLVMBuildLoad2(c->b, cg_lltype(c, fi), v, "");
      from = ty_ref(ty_resolve(fi->inner), fi->kind == TY_REF ? fi->mut : from->mut);
      continue;
    }
    break;
  }
  ice(sp, "cannot lower the coercion from `%s` to `%s`", ty_name(from), ty_name(to));
}

// ---------------------------------------------------------------------------------------------
// Calls (the calling convention itself: call.c)

// Where a #[track_caller] function was called from: its caller's own caller when the caller
// tracks too, else a constant { file, file_len, line, col } for the call site.
static LLVMValueRef caller_location(CG *c, Span sp) {
  if (c->inst && c->inst->fn->attrs.track_caller) return LLVMGetLastParam(c->fn);
  LLVMValueRef file, flen;
  int line, col;
  span_location(sp, &file, &flen, &line, &col, c);
  LLVMValueRef fields[4] = {file, flen, LLVMConstInt(c->t_i32, line, 0), LLVMConstInt(c->t_i32, col, 0)};
  LLVMValueRef init = LLVMConstStructInContext(c->ctx, fields, 4, false);
  LLVMValueRef g = LLVMAddGlobal(c->mod, LLVMTypeOf(init), "caller.location");
  LLVMSetInitializer(g, init);
  LLVMSetGlobalConstant(g, true);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
  return g;
}

// sp: where #[track_caller] says the call is (a method call's name); call: the whole call.
static LLVMValueRef call_instance(CG *c, Span sp, Span call, FnDecl *f, Type **targs, int n, LLVMValueRef *vals, Type **tys,
                                  int nvals) {
  Instance *in = mono_instance(f, targs, n, call);
  LLVMValueRef fn = cg_instance_fn(c, in);
  LLVMValueRef *args = arena_alloc(sizeof(LLVMValueRef) * (2 * nvals + 2));
  int na = 0;
  for (int i = 0; i < nvals; i++) na = cg_push_arg(c, vals[i], tys[i], args, na);
  if (f->attrs.track_caller) args[na++] = caller_location(c, sp);
  LLVMValueRef r = cg_call(c, LLVMGlobalGetValueType(fn), fn, args, na, "");
  return cg_finish_call(c, r, cg_subst(f->ret_type, targs, n));
}

static Type **concrete_targs(CG *c, Expr *e) {
  Type **t = arena_alloc(sizeof(Type *) * (e->fn_ntargs + 1));
  for (int i = 0; i < e->fn_ntargs; i++) t[i] = cg_type_of(c, e->fn_targs[i]);
  return t;
}

// A call through a vtable: load the slot at byte offset 8*slot and call it with the data pointer.
static LLVMValueRef call_dyn(CG *c, Expr *e, FnDecl *m, Type *dyn, LLVMValueRef fat, Type **targs, LLVMValueRef *vals,
                             Type **tys, int nvals) {
  dyn = ty_resolve(dyn);
  int slot = cg_vtable_slot(dyn->principal->trait, m);
  LLVMValueRef data = LLVMBuildExtractValue(c->b, fat, 0, "data");
  LLVMValueRef vt = LLVMBuildExtractValue(c->b, fat, 1, "vtable");
  LLVMValueRef off = cg_i64(c, 8 * slot);
  LLVMValueRef slotp = LLVMBuildInBoundsGEP2(c->b, c->t_i8, vt, &off, 1, "");
  LLVMValueRef fnp = LLVMBuildLoad2(c->b, c->t_ptr, slotp, arena_printf("%s", m->name));
  LLVMSetMetadata(fnp, LLVMGetMDKindIDInContext(c->ctx, "invariant.load", 14), LLVMMDNodeInContext(c->ctx, NULL, 0));
  int n = m->env->n;
  Type **ps = arena_alloc(sizeof(Type *) * (m->nparams + 1));
  for (int i = 0; i < m->nparams; i++) ps[i] = cg_subst(m->param_types[i], targs, n);
  Type *ret = cg_subst(m->ret_type, targs, n);
  LLVMTypeRef fty = cg_fn_type(c, ty_ref(ty_u8, false), ps, m->nparams, ret);
  LLVMValueRef *args = arena_alloc(sizeof(LLVMValueRef) * (2 * nvals + 2));
  int na = 0;
  args[na++] = data;
  for (int i = 0; i < nvals; i++) na = cg_push_arg(c, vals[i], tys[i], args, na);
  LLVMValueRef r = cg_call(c, fty, fnp, args, na, "");
  cg_mark_dyn_call(c, r, dyn->principal->trait->name, m->name, &e->span);
  return cg_finish_call(c, r, ret);
}

// The receiver after the checker's autoderef/autoref; *t gets its type.
static LLVMValueRef emit_receiver(CG *c, Expr *e, Type **t) {
  Expr *r = e->sub;
  Type *rt = final_ty(c, r);
  if (e->autoref == 0 && e->autoderefs == 0) {
    *t = final_ty(c, r);
    return emit_expr(c, r);
  }
  LLVMValueRef p = autoderef(c, emit_place(c, r), &rt, e->autoderefs);
  if (e->autoref) {
    *t = ty_ref(rt, e->autoref == 2);
    return p;
  }
  *t = rt;
  return cg_load(c, rt, p);
}

static LLVMValueRef emit_builtin_method(CG *c, Expr *e);
static void push_formatted(CG *c, LLVMValueRef s, LLVMValueRef place, Type *t, FmtPiece *p);

static LLVMValueRef emit_method(CG *c, Expr *e) {
  if (e->dispatch == DISPATCH_BUILTIN) return emit_builtin_method(c, e);
  int n = e->nargs + 1;
  LLVMValueRef *vals = arena_alloc(sizeof(LLVMValueRef) * n);
  Type **tys = arena_alloc(sizeof(Type *) * n);
  vals[0] = emit_receiver(c, e, &tys[0]);
  for (int i = 0; i < e->nargs; i++) {
    vals[i + 1] = emit_expr(c, e->args[i]);
    tys[i + 1] = final_ty(c, e->args[i]);
  }
  Type **targs = concrete_targs(c, e);
  Type *self = e->self_ty ? cg_type_of(c, e->self_ty) : NULL;
  if (e->dispatch == DISPATCH_DIRECT) return call_instance(c, e->name_span, e->span, e->fn, targs, e->fn_ntargs, vals, tys, n);
  if (e->dispatch == DISPATCH_DYN || ty_resolve(self)->kind == TY_DYN)
    return call_dyn(c, e, e->fn, self, vals[0], targs, vals + 1, tys + 1, n - 1);
  LLVMValueRef builtin = cg_builtin_trait_call(c, e->trait, e->fn, self, vals);
  if (builtin) return builtin;
  Type **itargs = NULL;
  int nit = 0;
  FnDecl *f = mono_resolve_method(e->trait, e->fn, self, targs, e->fn_ntargs, &itargs, &nit);
  return call_instance(c, e->name_span, e->span, f, itargs, nit, vals, tys, n);
}

// ---------------------------------------------------------------------------------------------
// Builtins

static LLVMValueRef empty_vec(CG *c, uint64_t align) {
  LLVMValueRef fields[3] = {LLVMConstIntToPtr(cg_i64(c, align), c->t_ptr), cg_i64(c, 0), cg_i64(c, 0)};
  return LLVMConstStructInContext(c->ctx, fields, 3, false);
}

static LLVMValueRef vec_field(CG *c, LLVMValueRef vecp, int i) {
  return LLVMBuildLoad2(c->b, i == 0 ? c->t_ptr : c->t_i64, LLVMBuildStructGEP2(c->b, c->t_vec, vecp, i, ""), "");
}

static LLVMValueRef string_from_parts(CG *c, LLVMValueRef ptr, LLVMValueRef len) {
  LLVMValueRef s = cg_alloca(c, c->t_vec, "string");
  LLVMBuildStore(c->b, empty_vec(c, 1), s);
  LLVMValueRef args[3] = {s, ptr, len};
  cg_call_fn(c, cg_rt(c, "trc_string_push_bytes"), args, 3);
  return LLVMBuildLoad2(c->b, c->t_vec, s, "");
}

static void emit_vec_push(CG *c, LLVMValueRef vecp, LLVMValueRef v, Type *el) {
  LLVMValueRef len = vec_field(c, vecp, 2), cap = vec_field(c, vecp, 1);
  LLVMBasicBlockRef grow = cg_new_block(c, "grow"), store = cg_new_block(c, "store");
  LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, len, cap, ""), grow, store);
  cg_set_block(c, grow);
  LLVMValueRef args[4] = {vecp, cg_i64(c, 1), cg_i64(c, cg_size_of(c, el)), cg_i64(c, cg_align_of(c, el))};
  cg_call_fn(c, cg_rt(c, "trc_vec_reserve"), args, 4);
  LLVMBuildBr(c->b, store);
  cg_set_block(c, store);
  LLVMValueRef buf = vec_field(c, vecp, 0);
  LLVMBuildStore(c->b, v, LLVMBuildGEP2(c->b, cg_lltype(c, el), buf, &len, 1, ""));
  LLVMBuildStore(c->b, LLVMBuildAdd(c->b, len, cg_i64(c, 1), ""), LLVMBuildStructGEP2(c->b, c->t_vec, vecp, 2, ""));
}

// The elements of a Vec, array or slice receiver (a Vec or array by address, a slice as its
// fat pointer).
static void seq_parts(CG *c, LLVMValueRef recv, Type *self, LLVMValueRef *data, LLVMValueRef *len) {
  self = ty_resolve(self);
  if (self->kind == TY_ITER) recv = LLVMBuildLoad2(c->b, c->t_slice, recv, "");  // by reference
  if (self->kind == TY_VEC) {
    *data = vec_field(c, recv, 0);
    *len = vec_field(c, recv, 2);
  } else if (self->kind == TY_ARRAY) {
    *data = recv;
    *len = cg_i64(c, self->len);
  } else {
    *data = LLVMBuildExtractValue(c->b, recv, 0, "");
    *len = LLVMBuildExtractValue(c->b, recv, 1, "");
  }
}

// The address of element idx, after the bounds check.
static LLVMValueRef checked_elem(CG *c, Span sp, LLVMValueRef data, LLVMValueRef len, LLVMValueRef idx, Type *el) {
  LLVMBasicBlockRef bad = cg_new_block(c, "oob"), ok = cg_new_block(c, "inbounds");
  LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntUGE, idx, len, ""), bad, ok);
  cg_set_block(c, bad);
  cg_panic_bounds(c, sp, idx, len);
  cg_set_block(c, ok);
  return LLVMBuildGEP2(c->b, cg_lltype(c, el), data, &idx, 1, "");
}

// s.parse::<int>(): Ok(n), or Err(ParseIntError) when the text is not a number of that type.
static LLVMValueRef emit_parse(CG *c, Expr *e, LLVMValueRef recv, Type *self) {
  Type *res = ty_resolve(ty_of(c, e));
  Type *t = ty_resolve(res->args[0]);
  LLVMValueRef ptr, len;
  if (self->kind == TY_STRING) {
    ptr = vec_field(c, recv, 0);
    len = vec_field(c, recv, 2);
  } else {
    ptr = LLVMBuildExtractValue(c->b, recv, 0, "");
    len = LLVMBuildExtractValue(c->b, recv, 1, "");
  }
  LLVMValueRef okp = cg_alloca(c, c->t_i32, "ok");
  LLVMValueRef args[3] = {ptr, len, okp};
  LLVMValueRef v = cg_call_fn(c, cg_rt(c, t->is_signed ? "trc_parse_i64" : "trc_parse_u64"), args, 3);
  LLVMValueRef ok = LLVMBuildICmp(c->b, LLVMIntNE, LLVMBuildLoad2(c->b, c->t_i32, okp, ""), LLVMConstInt(c->t_i32, 0, 0), "");
  if (t->bits < 64) {  // narrower types: the value must fit
    LLVMValueRef nv = LLVMBuildTrunc(c->b, v, cg_lltype(c, t), "");
    LLVMValueRef back = t->is_signed ? LLVMBuildSExt(c->b, nv, c->t_i64, "") : LLVMBuildZExt(c->b, nv, c->t_i64, "");
    ok = LLVMBuildAnd(c->b, ok, LLVMBuildICmp(c->b, LLVMIntEQ, back, v, ""), "");
    v = nv;
  }
  LLVMValueRef out = cg_alloca(c, cg_lltype(c, res), "parsed");
  LLVMBasicBlockRef yes = cg_new_block(c, "parse.ok"), no = cg_new_block(c, "parse.err"), done = cg_new_block(c, "parse.done");
  LLVMBuildCondBr(c->b, ok, yes, no);
  cg_set_block(c, yes);
  cg_store_variant(c, res, 0, out, &v);
  LLVMBuildBr(c->b, done);
  cg_set_block(c, no);
  Type *err = ty_resolve(res->args[1]);
  LLVMValueRef ev = LLVMConstNull(cg_lltype(c, err));
  cg_store_variant(c, res, 1, out, &ev);
  LLVMBuildBr(c->b, done);
  cg_set_block(c, done);
  return cg_load(c, res, out);
}

// A builtin method of call e on its evaluated receiver and arguments (argv[i] for e->args[i]).
LLVMValueRef cg_builtin_method(CG *c, Expr *e, LLVMValueRef recv, LLVMValueRef *argv) {
  Type *self = ty_resolve(cg_type_of(c, e->self_ty));
  LLVMValueRef arg = e->nargs ? argv[0] : NULL;
  switch (e->builtin) {
  case BI_VEC_PUSH: emit_vec_push(c, recv, arg, self->inner); return cg_unit(c);
  case BI_SLICE_LEN: case BI_SLICE_IS_EMPTY: case BI_ITER: case BI_ITER_MUT: {
    LLVMValueRef data, len;
    seq_parts(c, recv, self, &data, &len);
    if (e->builtin == BI_SLICE_LEN) return len;
    if (e->builtin == BI_SLICE_IS_EMPTY) return LLVMBuildICmp(c->b, LLVMIntEQ, len, cg_i64(c, 0), "");
    LLVMValueRef fat = LLVMBuildInsertValue(c->b, LLVMGetUndef(c->t_slice), data, 0, "");
    return LLVMBuildInsertValue(c->b, fat, len, 1, "");
  }
  case BI_ENUMERATE: case BI_REV: return recv;  // the adapter is in the type
  case BI_SLICE_SWAP: {
    LLVMValueRef data, len;
    seq_parts(c, recv, self, &data, &len);
    LLVMValueRef b = argv[1];
    Type *el = ty_resolve(self->inner);
    LLVMValueRef pa = checked_elem(c, e->span, data, len, arg, el), pb = checked_elem(c, e->span, data, len, b, el);
    LLVMValueRef va = cg_load(c, el, pa), vb = cg_load(c, el, pb);
    LLVMBuildStore(c->b, vb, pa);
    LLVMBuildStore(c->b, va, pb);
    return cg_unit(c);
  }
  case BI_VEC_POP: {
    // None when empty; else the last element moves out and the length drops by one.
    Type *el = ty_resolve(self->inner);
    Type *opt = ty_of(c, e);
    LLVMValueRef out = cg_alloca(c, cg_lltype(c, opt), "popped");
    LLVMValueRef len = vec_field(c, recv, 2);
    LLVMBasicBlockRef none = cg_new_block(c, "pop.none"), some = cg_new_block(c, "pop.some"), done = cg_new_block(c, "pop.done");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, len, cg_i64(c, 0), ""), none, some);
    cg_set_block(c, none);
    cg_store_variant(c, opt, 0, out, NULL);
    LLVMBuildBr(c->b, done);
    cg_set_block(c, some);
    LLVMValueRef last = LLVMBuildSub(c->b, len, cg_i64(c, 1), "");
    LLVMBuildStore(c->b, last, LLVMBuildStructGEP2(c->b, c->t_vec, recv, 2, ""));
    LLVMValueRef v = cg_load(c, el, LLVMBuildGEP2(c->b, cg_lltype(c, el), vec_field(c, recv, 0), &last, 1, ""));
    cg_store_variant(c, opt, 1, out, &v);
    LLVMBuildBr(c->b, done);
    cg_set_block(c, done);
    return cg_load(c, opt, out);
  }
  case BI_VEC_REMOVE: {
    Type *el = ty_resolve(self->inner);
    LLVMValueRef out = cg_alloca(c, cg_lltype(c, el), "removed");
    LLVMValueRef args[8] = {recv, arg, cg_i64(c, cg_size_of(c, el)), out};
    panic_location(c, e->name_span, args + 4);
    cg_call_fn(c, cg_rt(c, "trc_vec_remove"), args, 8);
    return cg_load(c, el, out);
  }
  case BI_VEC_INSERT: {
    Type *el = ty_resolve(self->inner);
    LLVMValueRef v = argv[1];
    LLVMValueRef len = vec_field(c, recv, 2);
    emit_vec_push(c, recv, v, el);
    LLVMValueRef args[8] = {recv, arg, cg_i64(c, cg_size_of(c, el)), len};
    panic_location(c, e->name_span, args + 4);
    cg_call_fn(c, cg_rt(c, "trc_vec_insert"), args, 8);
    return cg_unit(c);
  }
  case BI_STR_PARSE: return emit_parse(c, e, recv, self);
  case BI_VEC_LEN: case BI_STRING_LEN: return vec_field(c, recv, 2);
  case BI_VEC_IS_EMPTY: return LLVMBuildICmp(c->b, LLVMIntEQ, vec_field(c, recv, 2), cg_i64(c, 0), "");
  case BI_VEC_CLEAR: {
    // Drop the elements, then forget them: the buffer stays.
    if (ty_needs_drop(self->inner)) cg_drop_elements(c, vec_field(c, recv, 0), cg_i64(c, 0), vec_field(c, recv, 2), self->inner);
    LLVMBuildStore(c->b, cg_i64(c, 0), LLVMBuildStructGEP2(c->b, c->t_vec, recv, 2, ""));
    return cg_unit(c);
  }
  case BI_STRING_PUSH_STR: {
    LLVMValueRef args[3] = {recv, LLVMBuildExtractValue(c->b, arg, 0, ""), LLVMBuildExtractValue(c->b, arg, 1, "")};
    cg_call_fn(c, cg_rt(c, "trc_string_push_bytes"), args, 3);
    return cg_unit(c);
  }
  case BI_STRING_AS_STR: {
    LLVMValueRef fat = LLVMBuildInsertValue(c->b, LLVMGetUndef(c->t_slice), vec_field(c, recv, 0), 0, "");
    return LLVMBuildInsertValue(c->b, fat, vec_field(c, recv, 2), 1, "");
  }
  case BI_STRING_CLONE: return string_from_parts(c, vec_field(c, recv, 0), vec_field(c, recv, 2));
  case BI_TO_STRING: {
    // ToString through Display: format the value into a fresh String.
    LLVMValueRef s = cg_alloca(c, c->t_vec, "string");
    LLVMBuildStore(c->b, empty_vec(c, 1), s);
    FmtPiece display = {.arg = 0, .align = -1};
    push_formatted(c, s, recv, self, &display);
    return LLVMBuildLoad2(c->b, c->t_vec, s, "");
  }
  case BI_STR_TO_STRING:
    return string_from_parts(c, LLVMBuildExtractValue(c->b, recv, 0, ""), LLVMBuildExtractValue(c->b, recv, 1, ""));
  case BI_STR_LEN: return LLVMBuildExtractValue(c->b, recv, 1, "");
  case BI_STR_IS_EMPTY: {
    LLVMValueRef len = self->kind == TY_STRING ? vec_field(c, recv, 2) : LLVMBuildExtractValue(c->b, recv, 1, "");
    return LLVMBuildICmp(c->b, LLVMIntEQ, len, cg_i64(c, 0), "");
  }
  case BI_INT_WRAPPING_ADD: return LLVMBuildAdd(c->b, recv, arg, "");
  case BI_INT_WRAPPING_SUB: return LLVMBuildSub(c->b, recv, arg, "");
  case BI_INT_WRAPPING_MUL: return LLVMBuildMul(c->b, recv, arg, "");
  case BI_INT_MIN:
  case BI_INT_MAX: {
    LLVMIntPredicate p = e->builtin == BI_INT_MIN ? (self->is_signed ? LLVMIntSLT : LLVMIntULT) : (self->is_signed ? LLVMIntSGT : LLVMIntUGT);
    return LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, p, recv, arg, ""), recv, arg, "");
  }
  case BI_INT_ABS: {
    if (c->opts->opt_level == 0) {  // MIN.abs() overflows
      LLVMValueRef min = LLVMConstInt(LLVMTypeOf(recv), 1ull << (self->bits - 1), 0);
      panic_in_int_method(c, LLVMBuildICmp(c->b, LLVMIntEQ, recv, min, ""), self, 1);
    }
    LLVMValueRef neg = LLVMBuildICmp(c->b, LLVMIntSLT, recv, LLVMConstNull(LLVMTypeOf(recv)), "");
    return LLVMBuildSelect(c->b, neg, LLVMBuildNeg(c->b, recv, ""), recv, "");
  }
  case BI_INT_POW: {
    // Square-and-multiply would be faster; exponents in these programs are small.
    LLVMTypeRef it = LLVMTypeOf(recv);
    LLVMValueRef acc = cg_alloca(c, it, "pow"), k = cg_alloca(c, c->t_i32, "k");
    LLVMBuildStore(c->b, LLVMConstInt(it, 1, 0), acc);
    LLVMBuildStore(c->b, LLVMConstInt(c->t_i32, 0, 0), k);
    LLVMBasicBlockRef head = cg_new_block(c, "pow"), body = cg_new_block(c, "pow.body"), done = cg_new_block(c, "pow.done");
    LLVMBuildBr(c->b, head);
    cg_set_block(c, head);
    LLVMValueRef kv = LLVMBuildLoad2(c->b, c->t_i32, k, "");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntULT, kv, arg, ""), body, done);
    cg_set_block(c, body);
    LLVMValueRef prod;
    if (c->opts->opt_level == 0) {  // overflows exactly when the power does
      LLVMValueRef ops[2] = {LLVMBuildLoad2(c->b, it, acc, ""), recv};
      LLVMValueRef r = cg_call_intrinsic(c, self->is_signed ? "llvm.smul.with.overflow" : "llvm.umul.with.overflow", it, ops, 2);
      panic_in_int_method(c, LLVMBuildExtractValue(c->b, r, 1, ""), self, 0);
      prod = LLVMBuildExtractValue(c->b, r, 0, "");
    } else {
      prod = LLVMBuildMul(c->b, LLVMBuildLoad2(c->b, it, acc, ""), recv, "");
    }
    LLVMBuildStore(c->b, prod, acc);
    LLVMBuildStore(c->b, LLVMBuildAdd(c->b, kv, LLVMConstInt(c->t_i32, 1, 0), ""), k);
    LLVMBuildBr(c->b, head);
    cg_set_block(c, done);
    return LLVMBuildLoad2(c->b, it, acc, "");
  }
  case BI_F64_SQRT: return cg_call_intrinsic(c, "llvm.sqrt", LLVMTypeOf(recv), &recv, 1);
  case BI_F64_ABS: return cg_call_intrinsic(c, "llvm.fabs", LLVMTypeOf(recv), &recv, 1);
  default: ice(e->span, "unhandled builtin method");
  }
}

static LLVMValueRef emit_builtin_method(CG *c, Expr *e) {
  Type *recv_ty;
  LLVMValueRef recv = emit_receiver(c, e, &recv_ty);
  LLVMValueRef *argv = arena_alloc(sizeof(LLVMValueRef) * (e->nargs + 1));
  for (int i = 0; i < e->nargs; i++) argv[i] = emit_expr(c, e->args[i]);
  return cg_builtin_method(c, e, recv, argv);
}

// A builtin function of call e on its evaluated arguments (argv[i] for e->args[i]).
LLVMValueRef cg_builtin_call(CG *c, Expr *e, LLVMValueRef *argv) {
  Expr *callee = e->sub;
  Type *t = ty_of(c, e);
  switch (callee->builtin) {
  case BI_BOX_NEW: {
    Type *in = ty_resolve(t)->inner;
    LLVMValueRef v = argv[0];
    LLVMValueRef args[2] = {cg_i64(c, cg_size_of(c, in)), cg_i64(c, cg_align_of(c, in))};
    LLVMValueRef p = cg_call_fn(c, cg_rt(c, "trc_alloc"), args, 2);
    LLVMBuildStore(c->b, v, p);
    return p;
  }
  case BI_VEC_NEW: return empty_vec(c, cg_align_of(c, ty_resolve(t)->inner));
  case BI_VEC_WITH_CAPACITY: {
    Type *el = ty_resolve(t)->inner;
    LLVMValueRef n = argv[0];
    LLVMValueRef v = cg_alloca(c, c->t_vec, "vec");
    LLVMBuildStore(c->b, empty_vec(c, cg_align_of(c, el)), v);
    LLVMValueRef args[4] = {v, n, cg_i64(c, cg_size_of(c, el)), cg_i64(c, cg_align_of(c, el))};
    cg_call_fn(c, cg_rt(c, "trc_vec_reserve"), args, 4);
    return LLVMBuildLoad2(c->b, c->t_vec, v, "");
  }
  case BI_STRING_NEW: return empty_vec(c, 1);
  case BI_STRING_FROM: {
    LLVMValueRef s = argv[0];
    return string_from_parts(c, LLVMBuildExtractValue(c->b, s, 0, ""), LLVMBuildExtractValue(c->b, s, 1, ""));
  }
  case BI_SIZE_OF: return cg_i64(c, cg_size_of(c, cg_type_of(c, e->fn_targs[0])));
  case BI_ALIGN_OF: return cg_i64(c, cg_align_of(c, cg_type_of(c, e->fn_targs[0])));
  case BI_DROP: {
    LLVMValueRef v = argv[0];
    drop_value(c, v, final_ty(c, e->args[0]));
    return cg_unit(c);
  }
  case BI_READ: return cg_load(c, t, argv[0]);
  case BI_WRITE: {
    LLVMValueRef p = argv[0];
    LLVMBuildStore(c->b, argv[1], p);
    return cg_unit(c);
  }
  case BI_ARGS_LEN: return cg_call_fn(c, cg_rt(c, "trc_args_len"), NULL, 0);
  case BI_ARG: {
    LLVMValueRef i = argv[0];
    return string_from_parts(c, cg_call_fn(c, cg_rt(c, "trc_arg_ptr"), &i, 1), cg_call_fn(c, cg_rt(c, "trc_arg_len"), &i, 1));
  }
  case BI_EXIT: {
    LLVMValueRef v = argv[0];
    cg_call_fn(c, cg_rt(c, "trc_exit"), &v, 1);
    LLVMBuildUnreachable(c->b);
    cg_start_dead_block(c);
    return cg_unit(c);
  }
  default: ice(e->span, "unhandled builtin call");
  }
}

static LLVMValueRef emit_builtin_call(CG *c, Expr *e) {
  LLVMValueRef *argv = arena_alloc(sizeof(LLVMValueRef) * (e->nargs + 1));
  for (int i = 0; i < e->nargs; i++) argv[i] = emit_expr(c, e->args[i]);
  return cg_builtin_call(c, e, argv);
}

// ---------------------------------------------------------------------------------------------
// Derived Clone and PartialEq
//
// `#[derive(Clone)]` and `#[derive(PartialEq)]`, and the same traits of String, Vec, Box and
// tuples, are functions built per type like the Debug formatters: `<T as Clone>::clone(&T)`
// clones field by field (a Vec element by element), `<T as PartialEq>::eq(&T, &T)` compares
// field by field, variant tags first.

static TraitDecl clone_key, eq_key;  // cache keys (in c->debugs)

static LLVMValueRef clone_fn(CG *c, Type *t);
static LLVMValueRef eq_fn(CG *c, Type *t);

// `<t as trait>::name(args)` through t's impl (or the trait's default body).
static LLVMValueRef call_impl(CG *c, TraitDecl *trait, const char *name, Type *t, LLVMValueRef *args) {
  FnDecl *method = NULL;
  for (int i = 0; i < trait->nmethods; i++)
    if (!strcmp(trait->methods[i]->name, name)) method = trait->methods[i];
  Type **itargs = NULL;
  int nit = 0;
  FnDecl *f = mono_resolve_method(trait, method, t, &t, 1, &itargs, &nit);
  LLVMValueRef fn = cg_instance_fn(c, mono_instance(f, itargs, nit, (Span){0}));
  return cg_call(c, LLVMGlobalGetValueType(fn), fn, args, method->nparams + 1, "");
}

// The clone of the value at p.
static LLVMValueRef clone_value(CG *c, LLVMValueRef p, Type *t) {
  t = ty_resolve(t);
  if (ty_is_copy(t)) return cg_load(c, t, p);
  if (t->kind == TY_STRING) return string_from_parts(c, vec_field(c, p, 0), vec_field(c, p, 2));
  if (t->kind == TY_STRUCT) return call_impl(c, c->crate->clone_trait, "clone", t, &p);
  LLVMValueRef fn = clone_fn(c, t);
  return cg_call(c, LLVMGlobalGetValueType(fn), fn, &p, 1, "");
}

static void emit_clone_body(CG *c, LLVMValueRef src, Type *t) {
  switch (t->kind) {
  case TY_VEC: {
    Type *el = ty_resolve(t->inner);
    LLVMValueRef out = cg_alloca(c, c->t_vec, "clone");
    LLVMBuildStore(c->b, empty_vec(c, cg_align_of(c, el)), out);
    LLVMValueRef len = vec_field(c, src, 2);
    LLVMValueRef args[4] = {out, len, cg_i64(c, cg_size_of(c, el)), cg_i64(c, cg_align_of(c, el))};
    cg_call_fn(c, cg_rt(c, "trc_vec_reserve"), args, 4);
    LLVMValueRef i = cg_alloca(c, c->t_i64, "i");
    LLVMBuildStore(c->b, cg_i64(c, 0), i);
    LLVMBasicBlockRef head = cg_new_block(c, "clone.elem"), body = cg_new_block(c, "clone.body"), done = cg_new_block(c, "clone.done");
    LLVMBuildBr(c->b, head);
    cg_set_block(c, head);
    LLVMValueRef iv = LLVMBuildLoad2(c->b, c->t_i64, i, "");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntULT, iv, len, ""), body, done);
    cg_set_block(c, body);
    LLVMValueRef v = clone_value(c, LLVMBuildGEP2(c->b, cg_lltype(c, el), vec_field(c, src, 0), &iv, 1, ""), el);
    LLVMBuildStore(c->b, v, LLVMBuildGEP2(c->b, cg_lltype(c, el), vec_field(c, out, 0), &iv, 1, ""));
    LLVMValueRef next = LLVMBuildAdd(c->b, iv, cg_i64(c, 1), "");
    LLVMBuildStore(c->b, next, i);
    LLVMBuildStore(c->b, next, LLVMBuildStructGEP2(c->b, c->t_vec, out, 2, ""));  // the clone owns what is done
    LLVMBuildBr(c->b, head);
    cg_set_block(c, done);
    LLVMBuildRet(c->b, LLVMBuildLoad2(c->b, c->t_vec, out, ""));
    return;
  }
  case TY_BOX: {
    Type *in = ty_resolve(t->inner);
    LLVMValueRef v = clone_value(c, LLVMBuildLoad2(c->b, c->t_ptr, src, ""), in);
    LLVMValueRef args[2] = {cg_i64(c, cg_size_of(c, in)), cg_i64(c, cg_align_of(c, in))};
    LLVMValueRef p = cg_call_fn(c, cg_rt(c, "trc_alloc"), args, 2);
    LLVMBuildStore(c->b, v, p);
    LLVMBuildRet(c->b, p);
    return;
  }
  case TY_TUPLE: case TY_ARRAY: {
    LLVMValueRef v = LLVMGetUndef(cg_lltype(c, t));
    int n = t->kind == TY_TUPLE ? t->nargs : (int)t->len;
    for (int i = 0; i < n; i++) {
      Type *ft = t->kind == TY_TUPLE ? t->args[i] : t->inner;
      unsigned slot = t->kind == TY_TUPLE ? (unsigned)cg_field_slot(c, t, i) : (unsigned)i;
      LLVMValueRef fp = LLVMBuildStructGEP2(c->b, cg_lltype(c, t), src, slot, "");
      if (t->kind == TY_ARRAY) {
        LLVMValueRef idx[2] = {cg_i64(c, 0), cg_i64(c, i)};
        fp = LLVMBuildGEP2(c->b, cg_lltype(c, t), src, idx, 2, "");
      }
      v = LLVMBuildInsertValue(c->b, v, clone_value(c, fp, ft), slot, "");
    }
    LLVMBuildRet(c->b, v);
    return;
  }
  default: ice((Span){0}, "no Clone for `%s`", ty_name(t));
  }
}

static LLVMValueRef clone_fn(CG *c, Type *t) {
  t = ty_resolve(t);
  LLVMValueRef fn = cg_cache_get(&c->debugs, t, &clone_key);
  if (fn) return fn;
  LLVMTypeRef pt = c->t_ptr;
  fn = LLVMAddFunction(c->mod, arena_printf("<%s as Clone>::clone", ty_name(t)), LLVMFunctionType(cg_lltype(c, t), &pt, 1, false));
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  cg_add_uwtable(c, fn);
  cg_cache_put(&c->debugs, t, &clone_key, fn);
  SavedFn saved;
  cg_begin_helper(c, fn, &saved);
  emit_clone_body(c, LLVMGetParam(fn, 0), t);
  cg_end_helper(c, &saved);
  return fn;
}

// Whether the values at pa and pb are equal.
static LLVMValueRef eq_value(CG *c, LLVMValueRef pa, LLVMValueRef pb, Type *t) {
  t = ty_resolve(t);
  switch (t->kind) {
  case TY_INT: case TY_BOOL: case TY_CHAR: case TY_FLOAT: case TY_UNIT:
    return emit_compare(c, TK_EQEQ, cg_load(c, t, pa), cg_load(c, t, pb), t);
  case TY_STRING: case TY_STR:
    return emit_str_eq(c, TK_EQEQ, pa, ty_ref(t, false), pb, ty_ref(t, false));
  case TY_REF:
    if (ty_resolve(t->inner)->kind == TY_STR) return emit_str_eq(c, TK_EQEQ, cg_load(c, t, pa), t, cg_load(c, t, pb), t);
    return eq_value(c, LLVMBuildLoad2(c->b, c->t_ptr, pa, ""), LLVMBuildLoad2(c->b, c->t_ptr, pb, ""), t->inner);
  case TY_BOX: return eq_value(c, LLVMBuildLoad2(c->b, c->t_ptr, pa, ""), LLVMBuildLoad2(c->b, c->t_ptr, pb, ""), t->inner);
  case TY_STRUCT: {
    LLVMValueRef args[2] = {pa, pb};
    return call_impl(c, c->crate->partial_eq_trait, "eq", t, args);
  }
  default: {
    LLVMValueRef fn = eq_fn(c, t);
    LLVMValueRef args[2] = {pa, pb};
    return cg_call(c, LLVMGlobalGetValueType(fn), fn, args, 2, "");
  }
  }
}

// Returns false from the eq function unless cond holds.
static void require_eq(CG *c, LLVMValueRef cond) {
  LLVMBasicBlockRef no = cg_new_block(c, "ne"), yes = cg_new_block(c, "eq");
  LLVMBuildCondBr(c->b, cond, yes, no);
  cg_set_block(c, no);
  LLVMBuildRet(c->b, LLVMConstInt(c->t_i1, 0, 0));
  cg_set_block(c, yes);
}

// Compares n elements at da and db.
static void require_elements_eq(CG *c, LLVMValueRef da, LLVMValueRef db, LLVMValueRef n, Type *el) {
  LLVMValueRef i = cg_alloca(c, c->t_i64, "i");
  LLVMBuildStore(c->b, cg_i64(c, 0), i);
  LLVMBasicBlockRef head = cg_new_block(c, "eq.elem"), body = cg_new_block(c, "eq.body"), done = cg_new_block(c, "eq.done");
  LLVMBuildBr(c->b, head);
  cg_set_block(c, head);
  LLVMValueRef iv = LLVMBuildLoad2(c->b, c->t_i64, i, "");
  LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntULT, iv, n, ""), body, done);
  cg_set_block(c, body);
  LLVMTypeRef lt = cg_lltype(c, el);
  require_eq(c, eq_value(c, LLVMBuildGEP2(c->b, lt, da, &iv, 1, ""), LLVMBuildGEP2(c->b, lt, db, &iv, 1, ""), el));
  LLVMBuildStore(c->b, LLVMBuildAdd(c->b, iv, cg_i64(c, 1), ""), i);
  LLVMBuildBr(c->b, head);
  cg_set_block(c, done);
}

static void emit_eq_body(CG *c, LLVMValueRef a, LLVMValueRef b, Type *t) {
  switch (t->kind) {
  case TY_VEC: case TY_SLICE: case TY_ARRAY: {
    LLVMValueRef da, la, db, lb;
    seq_parts(c, t->kind == TY_SLICE ? LLVMBuildLoad2(c->b, c->t_slice, a, "") : a, t, &da, &la);
    seq_parts(c, t->kind == TY_SLICE ? LLVMBuildLoad2(c->b, c->t_slice, b, "") : b, t, &db, &lb);
    require_eq(c, LLVMBuildICmp(c->b, LLVMIntEQ, la, lb, ""));
    require_elements_eq(c, da, db, la, ty_resolve(t->inner));
    break;
  }
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++) {
      unsigned slot = (unsigned)cg_field_slot(c, t, i);
      require_eq(c, eq_value(c, LLVMBuildStructGEP2(c->b, cg_lltype(c, t), a, slot, ""), LLVMBuildStructGEP2(c->b, cg_lltype(c, t), b, slot, ""), t->args[i]));
    }
    break;
  default: ice((Span){0}, "no PartialEq for `%s`", ty_name(t));
  }
  LLVMBuildRet(c->b, LLVMConstInt(c->t_i1, 1, 0));
}

static LLVMValueRef eq_fn(CG *c, Type *t) {
  t = ty_resolve(t);
  LLVMValueRef fn = cg_cache_get(&c->debugs, t, &eq_key);
  if (fn) return fn;
  LLVMTypeRef pts[2] = {c->t_ptr, c->t_ptr};
  fn = LLVMAddFunction(c->mod, arena_printf("<%s as PartialEq>::eq", ty_name(t)), LLVMFunctionType(c->t_i1, pts, 2, false));
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  cg_cache_put(&c->debugs, t, &eq_key, fn);
  SavedFn saved;
  cg_begin_helper(c, fn, &saved);
  emit_eq_body(c, LLVMGetParam(fn, 0), LLVMGetParam(fn, 1), t);
  cg_end_helper(c, &saved);
  return fn;
}

// The Clone and PartialEq that trc gives the builtin types (sema's builtin_impl): a call of
// `<self as Clone>::clone` or `<self as PartialEq>::eq`/`ne` on the arguments' values (the
// references). NULL when self has an impl of its own: the caller calls that.
LLVMValueRef cg_str_compare(CG *c, TokenKind op, LLVMValueRef a, Type *ta, LLVMValueRef b, Type *tb) {
  return emit_str_eq(c, op, a, ta, b, tb);
}

bool cg_is_builtin_impl(CG *c, TraitDecl *trait, Type *self) {
  if (trait != c->crate->clone_trait && trait != c->crate->partial_eq_trait) return false;
  TraitRef tr = {.trait = trait};
  return !find_impl(c->crate, &tr, self, NULL, NULL);
}

LLVMValueRef cg_builtin_trait_call(CG *c, TraitDecl *trait, FnDecl *method, Type *self, LLVMValueRef *args) {
  if (!cg_is_builtin_impl(c, trait, self)) return NULL;
  if (trait == c->crate->clone_trait) return clone_value(c, args[0], self);
  LLVMValueRef a = args[0], b = args[1];
  if (ty_resolve(self)->kind == TY_SLICE) {  // &[T] is the slice itself; eq_value wants its address
    a = spill(c, a, ty_ref(self, false));
    b = spill(c, b, ty_ref(self, false));
  }
  LLVMValueRef r = eq_value(c, a, b, self);
  return strcmp(method->name, "ne") ? r : LLVMBuildNot(c->b, r, "");
}

// ---------------------------------------------------------------------------------------------
// Calling closures and function pointers (the call itself: call.c)

static LLVMValueRef emit_value_call(CG *c, Expr *e) {
  Type *t = final_ty(c, e->sub);
  // Calling an FnOnce closure consumes it: its body drops what it does not move.
  bool consumes = ty_resolve(t)->kind == TY_CLOSURE && ty_resolve(t)->closure->is_fn_once;
  LLVMValueRef place;
  if (is_place_expr(e->sub)) {
    place = emit_place(c, e->sub);
    if (consumes && e->sub->kind == EX_PATH && var_flag(c, e->sub->local))
      LLVMBuildStore(c->b, LLVMConstInt(c->t_i1, 0, 0), var_flag(c, e->sub->local));
  } else {
    LLVMValueRef v = emit_expr(c, e->sub);
    place = consumes ? cg_alloca(c, cg_lltype(c, t), "once") : spill(c, v, t);
    if (consumes) LLVMBuildStore(c->b, v, place);
  }
  LLVMValueRef *vals = arena_alloc(sizeof(LLVMValueRef) * (e->nargs + 1));
  Type **tys = arena_alloc(sizeof(Type *) * (e->nargs + 1));
  for (int i = 0; i < e->nargs; i++) {
    vals[i] = emit_expr(c, e->args[i]);
    tys[i] = final_ty(c, e->args[i]);
  }
  return cg_call_callable(c, place, t, vals, tys, e->nargs, final_ty(c, e));
}

// A closure expression's value: its environment, a reference or the value per capture.
static LLVMValueRef emit_closure(CG *c, Expr *e) {
  Type *t = ty_of(c, e);
  FnDecl *f = e->fn;
  LLVMValueRef env = LLVMGetUndef(cg_lltype(c, t));
  for (int i = 0; i < f->ncaptures; i++) {
    Local *l = f->captures[i].local;
    LLVMValueRef v = var_place(c, l);
    if (f->captures[i].by_value) {
      Type *lt = cg_type_of(c, l->ty);
      v = cg_load(c, lt, v);
      if (!ty_is_copy(lt) && var_flag(c, l)) LLVMBuildStore(c->b, LLVMConstInt(c->t_i1, 0, 0), var_flag(c, l));  // moved in
    }
    env = LLVMBuildInsertValue(c->b, env, v, i, "");
  }
  return env;
}

static LLVMValueRef emit_call(CG *c, Expr *e) {
  Expr *callee = e->sub;
  if (callee->kind != EX_PATH || callee->res == RES_LOCAL) return emit_value_call(c, e);
  if (callee->res == RES_BUILTIN) return emit_builtin_call(c, e);
  if (callee->res == RES_TUPLE_CTOR && callee->sdecl->is_enum) {
    LLVMValueRef *fields = arena_alloc(sizeof(LLVMValueRef) * (e->nargs + 1));
    for (int i = 0; i < e->nargs; i++) fields[i] = emit_expr(c, e->args[i]);
    return enum_value(c, ty_of(c, e), callee->variant, fields);
  }
  if (callee->res == RES_TUPLE_CTOR) {
    Type *t = ty_of(c, e);
    LLVMValueRef v = LLVMGetUndef(cg_lltype(c, t));
    for (int i = 0; i < e->nargs; i++) v = LLVMBuildInsertValue(c->b, v, emit_expr(c, e->args[i]), cg_field_slot(c, t, i), "");
    return v;
  }
  LLVMValueRef *vals = arena_alloc(sizeof(LLVMValueRef) * (e->nargs + 1));
  Type **tys = arena_alloc(sizeof(Type *) * (e->nargs + 1));
  for (int i = 0; i < e->nargs; i++) {
    vals[i] = emit_expr(c, e->args[i]);
    tys[i] = final_ty(c, e->args[i]);
  }
  Type **targs = concrete_targs(c, callee);
  if (callee->res == RES_FN) return call_instance(c, e->span, e->span, callee->fn, targs, callee->fn_ntargs, vals, tys, e->nargs);
  // RES_TRAIT_FN: `T::f(..)` / `Trait::f(x, ..)` with Self known per instance.
  Type *self = cg_type_of(c, callee->self_ty);
  if (ty_resolve(self)->kind == TY_DYN)
    return call_dyn(c, e, callee->fn, self, vals[0], targs, vals + 1, tys + 1, e->nargs - 1);
  LLVMValueRef builtin = cg_builtin_trait_call(c, callee->trait, callee->fn, self, vals);
  if (builtin) return builtin;
  Type **itargs = NULL;
  int nit = 0;
  FnDecl *f = mono_resolve_method(callee->trait, callee->fn, self, targs, callee->fn_ntargs, &itargs, &nit);
  return call_instance(c, e->span, e->span, f, itargs, nit, vals, tys, e->nargs);
}

// ---------------------------------------------------------------------------------------------
// Formatting: println!, format!, panic!, assert!

// Extracts the bytes of a String (value or address), &str or &String value.
static void str_parts(CG *c, LLVMValueRef v, Type *t, LLVMValueRef *ptr, LLVMValueRef *len) {
  t = ty_resolve(t);
  while (t->kind == TY_REF && ty_resolve(t->inner)->kind == TY_REF) {
    v = LLVMBuildLoad2(c->b, cg_lltype(c, t->inner), v, "");
    t = ty_resolve(t->inner);
  }
  if (t->kind == TY_REF && ty_resolve(t->inner)->kind == TY_STRING) {
    *ptr = vec_field(c, v, 0);
    *len = vec_field(c, v, 2);
  } else if (t->kind == TY_STRING) {
    *ptr = LLVMBuildExtractValue(c->b, v, 0, "");
    *len = LLVMBuildExtractValue(c->b, v, 2, "");
  } else {
    *ptr = LLVMBuildExtractValue(c->b, v, 0, "");
    *len = LLVMBuildExtractValue(c->b, v, 1, "");
  }
}

static void push_lit(CG *c, LLVMValueRef s, const char *text, size_t len) {
  if (!len) return;
  LLVMValueRef str = cg_const_str(c, text, len);
  LLVMValueRef args[3] = {s, LLVMBuildExtractValue(c->b, str, 0, ""), cg_i64(c, len)};
  cg_call_fn(c, cg_rt(c, "trc_string_push_bytes"), args, 3);
}

// ---------------------------------------------------------------------------------------------
// {:?} of composite types
//
// `#[derive(Debug)]` types, tuples, Vecs, slices and arrays are formatted by a function per
// type (and per `{:?}` / `{:#?}`), `<T as Debug>::fmt(out, &value)`, built here the first time
// it is needed. The pretty form `{:#?}` puts each field on its own line: a nested value is
// formatted into a scratch String and appended with its lines indented by four spaces, which
// is what std's PadAdapter does.

static bool debug_composite(Type *t) {
  t = ty_resolve(t);
  return t->kind == TY_STRUCT || t->kind == TY_TUPLE || t->kind == TY_UNIT || t->kind == TY_VEC || t->kind == TY_SLICE ||
         t->kind == TY_ARRAY;
}

static LLVMValueRef debug_fn(CG *c, Type *t, bool alt);

// One field or element: plain, or (pretty) indented on its own line followed by a comma.
static void debug_item(CG *c, LLVMValueRef s, LLVMValueRef place, Type *t, bool alt, const char *label, bool first) {
  if (!alt) {
    if (!first) push_lit(c, s, ", ", 2);
    if (label) push_lit(c, s, arena_printf("%s: ", label), strlen(label) + 2);
    FmtPiece piece = {.arg = 0, .debug = true, .kind = '?', .align = -1};
    push_formatted(c, s, place, t, &piece);
    return;
  }
  push_lit(c, s, "    ", 4);
  if (label) push_lit(c, s, arena_printf("%s: ", label), strlen(label) + 2);
  LLVMValueRef tmp = cg_alloca(c, c->t_vec, "dbg.item");
  LLVMBuildStore(c->b, empty_vec(c, 1), tmp);
  FmtPiece piece = {.arg = 0, .debug = true, .kind = '?', .align = -1, .alternate = true};
  push_formatted(c, tmp, place, t, &piece);
  LLVMValueRef args[3] = {s, vec_field(c, tmp, 0), vec_field(c, tmp, 2)};
  cg_call_fn(c, cg_rt(c, "trc_string_push_indented"), args, 3);
  free_string(c, tmp);
  push_lit(c, s, ",\n", 2);
}

static void push_text(CG *c, LLVMValueRef s, const char *text) { push_lit(c, s, text, strlen(text)); }

// `Name`, `Name(a, b)`, `Name { x: a, y: b }` for a struct or one enum variant.
static void debug_fields(CG *c, LLVMValueRef s, LLVMValueRef self, Type *t, int variant, bool alt) {
  StructDecl *sd = t->sdecl;
  const char *name = variant >= 0 ? sd->variants[variant].name : sd->name;
  StructKind kind = variant >= 0 ? sd->variants[variant].kind : sd->kind;
  FieldDecl *fields = variant >= 0 ? sd->variants[variant].fields : sd->fields;
  int n = variant >= 0 ? sd->variants[variant].nfields : sd->nfields;
  push_text(c, s, name);
  if (kind == STRUCT_UNIT || n == 0) return;
  bool named = kind == STRUCT_NAMED;
  push_text(c, s, named ? (alt ? " {\n" : " { ") : (alt ? "(\n" : "("));
  for (int i = 0; i < n; i++)
    debug_item(c, s, cg_ctor_field_addr(c, t, variant, self, i), cg_ctor_field_type(t, variant, i), alt, named ? fields[i].name : NULL, i == 0);
  push_text(c, s, named ? (alt ? "}" : " }") : ")");
}

// `[a, b, c]` over n elements at data.
static void debug_elements(CG *c, LLVMValueRef s, LLVMValueRef data, LLVMValueRef n, Type *el, bool alt) {
  LLVMBasicBlockRef head = cg_new_block(c, "dbg.elem"), body = cg_new_block(c, "dbg.body"), done = cg_new_block(c, "dbg.done");
  LLVMValueRef idx = cg_alloca(c, c->t_i64, "i");
  LLVMBuildStore(c->b, cg_i64(c, 0), idx);
  push_text(c, s, "[");
  LLVMBasicBlockRef nonempty = cg_new_block(c, "dbg.nonempty");
  LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, n, cg_i64(c, 0), ""), done, nonempty);
  cg_set_block(c, nonempty);
  if (alt) push_text(c, s, "\n");
  LLVMBuildBr(c->b, head);
  cg_set_block(c, head);
  LLVMValueRef i = LLVMBuildLoad2(c->b, c->t_i64, idx, "");
  LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntULT, i, n, ""), body, done);
  cg_set_block(c, body);
  if (!alt) {
    LLVMBasicBlockRef sep = cg_new_block(c, "dbg.sep"), item = cg_new_block(c, "dbg.item");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, i, cg_i64(c, 0), ""), item, sep);
    cg_set_block(c, sep);
    push_text(c, s, ", ");
    LLVMBuildBr(c->b, item);
    cg_set_block(c, item);
  }
  debug_item(c, s, LLVMBuildGEP2(c->b, cg_lltype(c, el), data, &i, 1, ""), el, alt, NULL, true);
  LLVMBuildStore(c->b, LLVMBuildAdd(c->b, i, cg_i64(c, 1), ""), idx);
  LLVMBuildBr(c->b, head);
  cg_set_block(c, done);
  push_text(c, s, "]");
}

static void emit_debug_body(CG *c, LLVMValueRef s, LLVMValueRef self, Type *t, bool alt) {
  switch (t->kind) {
  case TY_UNIT: push_text(c, s, "()"); return;
  case TY_TUPLE:
    push_text(c, s, alt ? "(\n" : "(");
    for (int i = 0; i < t->nargs; i++)
      debug_item(c, s, LLVMBuildStructGEP2(c->b, cg_lltype(c, t), self, cg_field_slot(c, t, i), ""), t->args[i], alt, NULL, i == 0);
    push_text(c, s, !alt && t->nargs == 1 ? ",)" : ")");
    return;
  case TY_VEC: debug_elements(c, s, vec_field(c, self, 0), vec_field(c, self, 2), ty_resolve(t->inner), alt); return;
  case TY_ARRAY: debug_elements(c, s, self, cg_i64(c, t->len), ty_resolve(t->inner), alt); return;
  case TY_STRUCT: {
    if (!t->sdecl->is_enum) {
      debug_fields(c, s, self, t, -1, alt);
      return;
    }
    StructDecl *sd = t->sdecl;
    LLVMBasicBlockRef done = cg_new_block(c, "dbg.done");
    LLVMValueRef sw = LLVMBuildSwitch(c->b, cg_load_tag(c, t, self), done, sd->nvariants);
    for (int v = 0; v < sd->nvariants; v++) {
      LLVMBasicBlockRef bb = cg_new_block(c, sd->variants[v].name);
      LLVMAddCase(sw, cg_enum_tag(c, t, v), bb);
      cg_set_block(c, bb);
      debug_fields(c, s, self, t, v, alt);
      LLVMBuildBr(c->b, done);
    }
    cg_set_block(c, done);
    return;
  }
  default: ice((Span){0}, "no Debug formatting for `%s`", ty_name(t));
  }
}

static TraitDecl pretty_key;  // cache key for the `{:#?}` formatters

static LLVMValueRef debug_fn(CG *c, Type *t, bool alt) {
  t = ty_resolve(t);
  LLVMValueRef fn = cg_cache_get(&c->debugs, t, alt ? &pretty_key : NULL);
  if (fn) return fn;
  LLVMTypeRef pts[2] = {c->t_ptr, c->t_ptr};
  fn = LLVMAddFunction(c->mod, arena_printf("<%s as Debug>::fmt%s", ty_name(t), alt ? "_pretty" : ""),
                       LLVMFunctionType(LLVMVoidTypeInContext(c->ctx), pts, 2, false));
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  cg_cache_put(&c->debugs, t, alt ? &pretty_key : NULL, fn);
  SavedFn saved;
  cg_begin_helper(c, fn, &saved);
  emit_debug_body(c, LLVMGetParam(fn, 0), LLVMGetParam(fn, 1), t, alt);
  LLVMBuildRetVoid(c->b);
  cg_end_helper(c, &saved);
  return fn;
}

// Appends one formatted argument, given its place, to the String at s.
static void push_formatted(CG *c, LLVMValueRef s, LLVMValueRef place, Type *t, FmtPiece *p) {
  t = ty_resolve(t);
  while (t->kind == TY_REF || t->kind == TY_BOX) {
    if (ty_resolve(t->inner)->kind == TY_SLICE) break;  // &[T] is formatted from its fat pointer
    place = deref_place(c, place, t);
    t = ty_resolve(t->inner);
  }
  if (p->debug && ty_resolve(t)->kind == TY_REF) {  // a slice: `[a, b]`
    LLVMValueRef fat = cg_load(c, t, place);
    debug_elements(c, s, LLVMBuildExtractValue(c->b, fat, 0, ""), LLVMBuildExtractValue(c->b, fat, 1, ""), ty_resolve(ty_resolve(t->inner)->inner),
                   p->alternate);
    return;
  }
  if (p->debug && debug_composite(t)) {
    LLVMValueRef args[2] = {s, place};
    cg_call_fn(c, debug_fn(c, t, p->alternate), args, 2);
    return;
  }
  // `{:>8?}` pads numbers, but str's and char's Debug impls ignore width and alignment.
  bool pad = p->has_width && !(p->debug && (t->kind == TY_STR || t->kind == TY_STRING || t->kind == TY_CHAR));
  LLVMValueRef start = pad ? vec_field(c, s, 2) : NULL;
  bool numeric = t->kind == TY_INT || t->kind == TY_FLOAT;
  switch (t->kind) {
  case TY_INT: {
    LLVMValueRef v = cg_load(c, t, place);
    if (p->plus && t->is_signed) {
      LLVMBasicBlockRef yes = cg_new_block(c, "plus"), no = cg_new_block(c, "noplus");
      LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSGE, v, LLVMConstNull(LLVMTypeOf(v)), ""), yes, no);
      cg_set_block(c, yes);
      push_lit(c, s, "+", 1);
      LLVMBuildBr(c->b, no);
      cg_set_block(c, no);
    } else if (p->plus) {
      push_lit(c, s, "+", 1);
    }
    LLVMValueRef w = t->bits == 64 ? v : t->is_signed ? LLVMBuildSExt(c->b, v, c->t_i64, "") : LLVMBuildZExt(c->b, v, c->t_i64, "");
    LLVMValueRef args[2] = {s, w};
    cg_call_fn(c, cg_rt(c, t->is_signed ? "trc_string_push_i64" : "trc_string_push_u64"), args, 2);
    break;
  }
  case TY_FLOAT: {
    LLVMValueRef v = cg_load(c, t, place);
    if (t->bits == 32) v = LLVMBuildFPExt(c->b, v, LLVMDoubleTypeInContext(c->ctx), "");
    if (p->plus) {
      LLVMBasicBlockRef yes = cg_new_block(c, "plus"), no = cg_new_block(c, "noplus");
      LLVMValueRef bits = LLVMBuildBitCast(c->b, v, c->t_i64, "");
      LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSGE, bits, cg_i64(c, 0), ""), yes, no);
      cg_set_block(c, yes);
      push_lit(c, s, "+", 1);
      LLVMBuildBr(c->b, no);
      cg_set_block(c, no);
    }
    if (p->has_prec) {
      LLVMValueRef args[3] = {s, v, cg_i64(c, p->prec)};
      cg_call_fn(c, cg_rt(c, "trc_string_push_f64_prec"), args, 3);
    } else {
      LLVMValueRef args[3] = {s, v, LLVMConstInt(c->t_i32, p->debug, 0)};
      cg_call_fn(c, cg_rt(c, "trc_string_push_f64"), args, 3);
    }
    break;
  }
  case TY_BOOL: {
    LLVMValueRef args[2] = {s, LLVMBuildZExt(c->b, cg_load(c, t, place), c->t_i32, "")};
    cg_call_fn(c, cg_rt(c, "trc_string_push_bool"), args, 2);
    break;
  }
  case TY_CHAR: {
    LLVMValueRef args[2] = {s, cg_load(c, t, place)};
    cg_call_fn(c, cg_rt(c, p->debug ? "trc_string_push_char_debug" : "trc_string_push_char"), args, 2);
    break;
  }
  case TY_STR:
  case TY_STRING: {
    LLVMValueRef ptr, len;
    if (t->kind == TY_STRING) {
      ptr = vec_field(c, place, 0);
      len = vec_field(c, place, 2);
    } else {
      ptr = LLVMBuildExtractValue(c->b, place, 0, "");
      len = LLVMBuildExtractValue(c->b, place, 1, "");
    }
    if (p->has_prec && !p->debug) {
      // {:.N} on a string truncates to N chars; trc keeps it simple and counts bytes of ASCII.
      LLVMValueRef n = cg_i64(c, p->prec);
      len = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntULT, n, len, ""), n, len, "");
    }
    LLVMValueRef args[3] = {s, ptr, len};
    cg_call_fn(c, cg_rt(c, p->debug ? "trc_string_push_str_debug" : "trc_string_push_bytes"), args, 3);
    break;
  }
  default: ice((Span){0}, "formatting `%s` is not lowered", ty_name(t));
  }
  if (pad) {
    if (p->zero_pad && numeric) {
      LLVMValueRef args[3] = {s, start, cg_i64(c, p->width)};
      cg_call_fn(c, cg_rt(c, "trc_string_pad_zero"), args, 3);
    } else {
      int align = p->align >= 0 ? p->align : numeric ? 1 : 0;
      LLVMValueRef args[5] = {s, start, cg_i64(c, p->width), LLVMConstInt(c->t_i32, align, 0), LLVMConstInt(c->t_i32, p->fill ? p->fill : ' ', 0)};
      cg_call_fn(c, cg_rt(c, "trc_string_pad"), args, 5);
    }
  }
}

// Builds the formatted text of a format-like macro in a fresh String; returns its address.
// `first` is the index of the first format argument: assert!'s condition and assert_eq!'s
// operands come before and are not evaluated again here.
// The formatted text of macro e into a new String buffer, its arguments (from `first` on)
// already evaluated: places[i] holds e->args[i], of type types[i].
static LLVMValueRef format_places(CG *c, Expr *e, LLVMValueRef *places, Type **types) {
  LLVMValueRef s = cg_alloca(c, c->t_vec, "fmt");
  LLVMBuildStore(c->b, empty_vec(c, 1), s);
  for (int i = 0; i < e->nfmt; i++) {
    FmtPiece *p = &e->fmt[i];
    if (p->arg < 0) push_lit(c, s, p->text, p->text_len);
    else push_formatted(c, s, places[p->arg], types[p->arg], p);
  }
  return s;
}

static LLVMValueRef emit_format_from(CG *c, Expr *e, int first) {
  // Arguments are evaluated once each, in order, before any text is produced (as Rust does).
  LLVMValueRef *places = arena_alloc(sizeof(LLVMValueRef) * (e->nargs + 1));
  Type **types = arena_alloc(sizeof(Type *) * (e->nargs + 1));
  for (int i = first; i < e->nargs; i++) {
    places[i] = emit_place(c, e->args[i]);
    types[i] = final_ty(c, e->args[i]);
  }
  return format_places(c, e, places, types);
}


static LLVMValueRef emit_format(CG *c, Expr *e) { return emit_format_from(c, e, 0); }

static void free_string(CG *c, LLVMValueRef s) {
  LLVMValueRef args[3] = {s, cg_i64(c, 1), cg_i64(c, 1)};
  cg_call_fn(c, cg_rt(c, "trc_vec_free"), args, 3);
}

static void print_string(CG *c, LLVMValueRef s, bool newline, bool to_stderr) {
  if (newline) push_lit(c, s, "\n", 1);
  LLVMValueRef args[2] = {vec_field(c, s, 0), vec_field(c, s, 2)};
  cg_call_fn(c, cg_rt(c, to_stderr ? "trc_eprint" : "trc_print"), args, 2);
  free_string(c, s);
}

// Panics with a formatted message; the message String is freed by the unwinding like any
// other value the frame owns, so a panicking program leaks nothing.
static void panic_with_string(CG *c, Span sp, LLVMValueRef s) {
  int mark = c->cleanups.len;
  cg_push_cleanup(c, CL_TEMP, ty_string, s, NULL);
  emit_panic_with(c, sp, vec_field(c, s, 0), vec_field(c, s, 2));
  c->cleanups.len = mark;  // the panic block ends here; later code does not own the message
}

static const char *span_text(Span sp, size_t *len) {
  const char *s = diag_span_text(sp);
  *len = strlen(s);
  return s;
}

static LLVMValueRef emit_compare(CG *c, TokenKind op, LLVMValueRef a, LLVMValueRef b, Type *t);
static LLVMValueRef emit_str_eq(CG *c, TokenKind op, LLVMValueRef a, Type *ta, LLVMValueRef b, Type *tb);
static bool is_stringish(Type *t);

static bool all_literal(Expr *e) {
  for (int i = 0; i < e->nfmt; i++)
    if (e->fmt[i].arg >= 0) return false;
  return true;
}

// The concatenated literal pieces of a format string, with a newline for println!.
static const char *literal_text(Expr *e, bool newline, size_t *len) {
  size_t n = newline;
  for (int i = 0; i < e->nfmt; i++) n += e->fmt[i].text_len;
  char *buf = arena_alloc(n + 1);
  size_t k = 0;
  for (int i = 0; i < e->nfmt; i++) {
    copy_bytes(buf + k, e->fmt[i].text, e->fmt[i].text_len);
    k += e->fmt[i].text_len;
  }
  if (newline) buf[k++] = '\n';
  *len = k;
  return buf;
}

// vec![a, b, c] and vec![x; n] from the elements' values (argv[i] for e->args[i]).
LLVMValueRef cg_vec_literal(CG *c, Expr *e, LLVMValueRef *argv) {
  Type *vt = ty_resolve(ty_of(c, e));
  Type *el = vt->inner;
  LLVMTypeRef elt = cg_lltype(c, el);
  uint64_t size = cg_size_of(c, el), align = cg_align_of(c, el);
  if (!e->repeat && e->nargs == 0) return empty_vec(c, align);
  LLVMValueRef count = e->repeat ? argv[1] : cg_i64(c, e->nargs);
  LLVMValueRef first = e->repeat ? argv[0] : NULL;
  LLVMValueRef args[2] = {LLVMBuildMul(c->b, count, cg_i64(c, size), ""), cg_i64(c, align)};
  LLVMValueRef buf = cg_call_fn(c, cg_rt(c, "trc_alloc"), args, 2);
  if (e->repeat) {
    LLVMValueRef idx = cg_alloca(c, c->t_i64, "i");
    LLVMBuildStore(c->b, cg_i64(c, 0), idx);
    LLVMBasicBlockRef head = cg_new_block(c, "fill"), body = cg_new_block(c, "fill.body"), done = cg_new_block(c, "filled");
    LLVMBuildBr(c->b, head);
    cg_set_block(c, head);
    LLVMValueRef i = LLVMBuildLoad2(c->b, c->t_i64, idx, "");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntULT, i, count, ""), body, done);
    cg_set_block(c, body);
    LLVMBuildStore(c->b, first, LLVMBuildGEP2(c->b, elt, buf, &i, 1, ""));
    LLVMBuildStore(c->b, LLVMBuildAdd(c->b, i, cg_i64(c, 1), ""), idx);
    LLVMBuildBr(c->b, head);
    cg_set_block(c, done);
  } else {
    for (int i = 0; i < e->nargs; i++) {
      LLVMValueRef v = argv[i];
      LLVMValueRef k = cg_i64(c, i);
      LLVMBuildStore(c->b, v, LLVMBuildGEP2(c->b, elt, buf, &k, 1, ""));
    }
  }
  LLVMValueRef vec = LLVMGetUndef(c->t_vec);
  vec = LLVMBuildInsertValue(c->b, vec, buf, 0, "");
  vec = LLVMBuildInsertValue(c->b, vec, count, 1, "");
  return LLVMBuildInsertValue(c->b, vec, count, 2, "");
}

static LLVMValueRef emit_macro(CG *c, Expr *e) {
  const char *n = e->name;
  bool ln = !strcmp(n, "println") || !strcmp(n, "eprintln");
  if (ln || !strcmp(n, "print") || !strcmp(n, "eprint")) {
    if (all_literal(e)) {
      // Nothing to format: print one constant string, no buffer.
      size_t len;
      const char *text = literal_text(e, ln, &len);
      LLVMValueRef str = cg_const_str(c, text, len);
      LLVMValueRef args[2] = {LLVMBuildExtractValue(c->b, str, 0, ""), cg_i64(c, len)};
      cg_call_fn(c, cg_rt(c, n[0] == 'e' ? "trc_eprint" : "trc_print"), args, 2);
      return cg_unit(c);
    }
    print_string(c, emit_format(c, e), ln, n[0] == 'e');
    return cg_unit(c);
  }
  if (!strcmp(n, "format")) {
    LLVMValueRef s = emit_format(c, e);
    return LLVMBuildLoad2(c->b, c->t_vec, s, "");
  }
  if (!strcmp(n, "panic") || !strcmp(n, "unreachable") || !strcmp(n, "todo") || !strcmp(n, "unimplemented")) {
    const char *prefix = !strcmp(n, "unreachable") ? "internal error: entered unreachable code"
                         : !strcmp(n, "todo")      ? "not yet implemented"
                         : !strcmp(n, "unimplemented") ? "not implemented"
                                                   : NULL;
    if (e->nfmt == 0 && !prefix) prefix = "explicit panic";
    LLVMValueRef s;
    if (e->nfmt == 0) {
      s = cg_alloca(c, c->t_vec, "msg");
      LLVMBuildStore(c->b, empty_vec(c, 1), s);
      push_lit(c, s, prefix, strlen(prefix));
    } else {
      s = emit_format(c, e);
      if (prefix) {
        // "internal error: entered unreachable code: <message>"
        LLVMValueRef pre = cg_alloca(c, c->t_vec, "msg");
        LLVMBuildStore(c->b, empty_vec(c, 1), pre);
        push_lit(c, pre, prefix, strlen(prefix));
        push_lit(c, pre, ": ", 2);
        LLVMValueRef args[3] = {pre, vec_field(c, s, 0), vec_field(c, s, 2)};
        cg_call_fn(c, cg_rt(c, "trc_string_push_bytes"), args, 3);
        free_string(c, s);
        s = pre;
      }
    }
    panic_with_string(c, e->span, s);
    cg_start_dead_block(c);
    return cg_unit(c);
  }
  if (!strcmp(n, "assert")) {
    LLVMValueRef cond = emit_expr(c, e->args[0]);
    LLVMBasicBlockRef bad = cg_new_block(c, "assert.fail"), ok = cg_new_block(c, "assert.ok");
    LLVMBuildCondBr(c->b, cond, ok, bad);
    cg_set_block(c, bad);
    int mark = c->cleanups.len;  // what the failure path creates dies with it
    LLVMValueRef s;
    if (e->nfmt) {
      s = emit_format_from(c, e, 1);
    } else {
      s = cg_alloca(c, c->t_vec, "msg");
      LLVMBuildStore(c->b, empty_vec(c, 1), s);
      size_t len;
      const char *src = span_text(e->args[0]->span, &len);
      push_lit(c, s, "assertion failed: ", 18);
      push_lit(c, s, src, len);
    }
    panic_with_string(c, e->span, s);
    c->cleanups.len = mark;
    cg_set_block(c, ok);
    return cg_unit(c);
  }
  if (!strcmp(n, "assert_eq") || !strcmp(n, "assert_ne")) {
    bool eq = !strcmp(n, "assert_eq");
    Type *t = final_ty(c, e->args[0]);
    LLVMValueRef pa = emit_place(c, e->args[0]), pb = emit_place(c, e->args[1]);
    LLVMValueRef same = is_stringish(t) ? emit_str_eq(c, TK_EQEQ, pa, ty_ref(t, false), pb, ty_ref(t, false))
                                        : eq_value(c, pa, pb, t);
    LLVMBasicBlockRef bad = cg_new_block(c, "assert.fail"), ok = cg_new_block(c, "assert.ok");
    LLVMBuildCondBr(c->b, same, eq ? ok : bad, eq ? bad : ok);
    cg_set_block(c, bad);
    int mark = c->cleanups.len;  // what the failure path creates dies with it
    LLVMValueRef s = cg_alloca(c, c->t_vec, "msg");
    LLVMBuildStore(c->b, empty_vec(c, 1), s);
    const char *head = eq ? "assertion `left == right` failed" : "assertion `left != right` failed";
    push_lit(c, s, head, strlen(head));
    if (e->nfmt) {
      LLVMValueRef m = emit_format_from(c, e, 2);
      cg_push_cleanup(c, CL_TEMP, ty_string, m, NULL);  // freed by the unwinding
      push_lit(c, s, ": ", 2);
      LLVMValueRef args[3] = {s, vec_field(c, m, 0), vec_field(c, m, 2)};
      cg_call_fn(c, cg_rt(c, "trc_string_push_bytes"), args, 3);
    }
    FmtPiece dbg = {.arg = 0, .debug = true, .align = -1};
    push_lit(c, s, "\n  left: ", 9);
    push_formatted(c, s, pa, t, &dbg);
    push_lit(c, s, "\n right: ", 9);
    push_formatted(c, s, pb, t, &dbg);
    panic_with_string(c, e->span, s);
    c->cleanups.len = mark;
    cg_set_block(c, ok);
    return cg_unit(c);
  }
  if (!strcmp(n, "vec")) {
    LLVMValueRef *argv = arena_alloc(sizeof(LLVMValueRef) * (e->nargs + 1));
    for (int i = 0; i < e->nargs; i++) argv[i] = emit_expr(c, e->args[i]);
    return cg_vec_literal(c, e, argv);
  }
  ice(e->span, "macro `%s!` is not lowered", n);
}

// ---------------------------------------------------------------------------------------------
// Operators

static LLVMValueRef emit_compare(CG *c, TokenKind op, LLVMValueRef a, LLVMValueRef b, Type *t) {
  t = ty_resolve(t);
  // Compare through references: `&i32 == &i32` compares the integers.
  while (t->kind == TY_REF && ty_is_sized(t->inner) && ty_resolve(t->inner)->kind != TY_STRING) {
    a = cg_load(c, t->inner, a);
    b = cg_load(c, t->inner, b);
    t = ty_resolve(t->inner);
  }
  if (t->kind == TY_UNIT) return LLVMConstInt(c->t_i1, op == TK_EQEQ || op == TK_LE || op == TK_GE, 0);
  if (t->kind == TY_FLOAT) {
    LLVMRealPredicate p = op == TK_EQEQ ? LLVMRealOEQ : op == TK_NE ? LLVMRealUNE : op == TK_LT ? LLVMRealOLT
                        : op == TK_LE   ? LLVMRealOLE : op == TK_GT ? LLVMRealOGT : LLVMRealOGE;
    return LLVMBuildFCmp(c->b, p, a, b, "");
  }
  if (t->kind == TY_INT || t->kind == TY_BOOL || t->kind == TY_CHAR) {
    bool s = t->kind == TY_INT && t->is_signed;
    LLVMIntPredicate p = op == TK_EQEQ ? LLVMIntEQ : op == TK_NE ? LLVMIntNE : op == TK_LT ? (s ? LLVMIntSLT : LLVMIntULT)
                       : op == TK_LE   ? (s ? LLVMIntSLE : LLVMIntULE) : op == TK_GT ? (s ? LLVMIntSGT : LLVMIntUGT)
                                       : (s ? LLVMIntSGE : LLVMIntUGE);
    return LLVMBuildICmp(c->b, p, a, b, "");
  }
  ice((Span){0}, "comparison of `%s` is not lowered", ty_name(t));
}

// String equality: same length and same bytes.
static LLVMValueRef emit_str_eq(CG *c, TokenKind op, LLVMValueRef a, Type *ta, LLVMValueRef b, Type *tb) {
  LLVMValueRef pa, la, pb, lb;
  str_parts(c, a, ta, &pa, &la);
  str_parts(c, b, tb, &pb, &lb);
  if (op != TK_EQEQ && op != TK_NE) {
    // Lexicographic by bytes: the common prefix decides, else the shorter string is less.
    LLVMValueRef shorter = LLVMBuildICmp(c->b, LLVMIntULT, la, lb, "");
    LLVMValueRef args[3] = {pa, pb, LLVMBuildSelect(c->b, shorter, la, lb, "")};
    LLVMValueRef r = cg_call_fn(c, cg_rt(c, "memcmp"), args, 3);
    LLVMValueRef by_len = LLVMBuildSub(c->b, LLVMBuildZExt(c->b, LLVMBuildICmp(c->b, LLVMIntUGT, la, lb, ""), c->t_i32, ""),
                                       LLVMBuildZExt(c->b, shorter, c->t_i32, ""), "");
    LLVMValueRef zero = LLVMConstInt(c->t_i32, 0, 0);
    LLVMValueRef ord = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, r, zero, ""), by_len, r, "");
    LLVMIntPredicate pred = op == TK_LT ? LLVMIntSLT : op == TK_LE ? LLVMIntSLE : op == TK_GT ? LLVMIntSGT : LLVMIntSGE;
    return LLVMBuildICmp(c->b, pred, ord, zero, "");
  }
  LLVMValueRef same_len = LLVMBuildICmp(c->b, LLVMIntEQ, la, lb, "");
  LLVMBasicBlockRef cmp = cg_new_block(c, "streq.bytes"), done = cg_new_block(c, "streq.done");
  LLVMBasicBlockRef from = LLVMGetInsertBlock(c->b);
  LLVMBuildCondBr(c->b, same_len, cmp, done);
  cg_set_block(c, cmp);
  LLVMValueRef args[3] = {pa, pb, la};
  LLVMValueRef r = cg_call_fn(c, cg_rt(c, "memcmp"), args, 3);
  LLVMValueRef eqb = LLVMBuildICmp(c->b, LLVMIntEQ, r, LLVMConstInt(c->t_i32, 0, 0), "");
  LLVMBasicBlockRef cmp_end = LLVMGetInsertBlock(c->b);
  LLVMBuildBr(c->b, done);
  cg_set_block(c, done);
  LLVMValueRef phi = LLVMBuildPhi(c->b, c->t_i1, "streq");
  LLVMValueRef vals[2] = {LLVMConstInt(c->t_i1, 0, 0), eqb};
  LLVMBasicBlockRef bbs[2] = {from, cmp_end};
  LLVMAddIncoming(phi, vals, bbs, 2);
  return op == TK_NE ? LLVMBuildNot(c->b, phi, "") : phi;
}

static bool is_stringish(Type *t) {
  t = ty_resolve(t);
  while (t->kind == TY_REF) t = ty_resolve(t->inner);
  return t->kind == TY_STRING || t->kind == TY_STR;
}

// Division and remainder panic on a zero divisor (and on MIN / -1), as in every Rust build.
static void check_division(CG *c, Expr *e, LLVMValueRef a, LLVMValueRef b, Type *t) {
  bool rem = e->op == TK_PERCENT;
  panic_if(c, LLVMBuildICmp(c->b, LLVMIntEQ, b, LLVMConstNull(LLVMTypeOf(b)), ""), e->span,
           rem ? "attempt to calculate the remainder with a divisor of zero" : "attempt to divide by zero");
  if (t->is_signed) {
    LLVMValueRef min = LLVMConstInt(LLVMTypeOf(a), 1ull << (t->bits - 1), 0);
    LLVMValueRef ovf = LLVMBuildAnd(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, a, min, ""),
                                    LLVMBuildICmp(c->b, LLVMIntEQ, b, LLVMConstAllOnes(LLVMTypeOf(b)), ""), "");
    panic_if(c, ovf, e->span, rem ? "attempt to calculate the remainder with overflow" : "attempt to divide with overflow");
  }
}

// Debug builds (-O0) check + - * for overflow and panic as a rustc debug build does; -O1 and
// up wrap, as `rustc -O` does. `wrapping_add` and friends always wrap.
static LLVMValueRef checked_arith(CG *c, Expr *e, TokenKind op, LLVMValueRef a, LLVMValueRef b, Type *t) {
  const char *what = op == TK_PLUS ? "add" : op == TK_MINUS ? "sub" : "mul";
  const char *verb = op == TK_PLUS ? "add" : op == TK_MINUS ? "subtract" : "multiply";
  LLVMValueRef args[2] = {a, b};
  LLVMValueRef r = cg_call_intrinsic(c, arena_printf("llvm.%c%s.with.overflow", t->is_signed ? 's' : 'u', what), LLVMTypeOf(a), args, 2);
  panic_if(c, LLVMBuildExtractValue(c->b, r, 1, "overflow"), e->span, arena_printf("attempt to %s with overflow", verb));
  return LLVMBuildExtractValue(c->b, r, 0, "");
}

static LLVMValueRef arith(CG *c, Expr *e, TokenKind op, LLVMValueRef a, LLVMValueRef b, Type *t) {
  t = ty_resolve(t);
  if (t->kind == TY_FLOAT) {
    switch (op) {
    case TK_PLUS: return LLVMBuildFAdd(c->b, a, b, "");
    case TK_MINUS: return LLVMBuildFSub(c->b, a, b, "");
    case TK_STAR: return LLVMBuildFMul(c->b, a, b, "");
    case TK_SLASH: return LLVMBuildFDiv(c->b, a, b, "");
    case TK_PERCENT: return LLVMBuildFRem(c->b, a, b, "");
    default: break;
    }
  }
  bool s = t->is_signed;
  if (c->opts->opt_level == 0 && (op == TK_PLUS || op == TK_MINUS || op == TK_STAR))
    return checked_arith(c, e, op, a, b, t);
  switch (op) {
  case TK_PLUS: return LLVMBuildAdd(c->b, a, b, "");
  case TK_MINUS: return LLVMBuildSub(c->b, a, b, "");
  case TK_STAR: return LLVMBuildMul(c->b, a, b, "");
  case TK_SLASH: check_division(c, e, a, b, t); return s ? LLVMBuildSDiv(c->b, a, b, "") : LLVMBuildUDiv(c->b, a, b, "");
  case TK_PERCENT: check_division(c, e, a, b, t); return s ? LLVMBuildSRem(c->b, a, b, "") : LLVMBuildURem(c->b, a, b, "");
  case TK_AMP: return LLVMBuildAnd(c->b, a, b, "");
  case TK_PIPE: return LLVMBuildOr(c->b, a, b, "");
  case TK_CARET: return LLVMBuildXor(c->b, a, b, "");
  case TK_SHL:
  case TK_SHR: {
    // Shift amounts are masked to the width, as release builds of Rust do.
    LLVMTypeRef lt = LLVMTypeOf(a);
    b = LLVMBuildIntCast2(c->b, b, lt, false, "");
    b = LLVMBuildAnd(c->b, b, LLVMConstInt(lt, t->bits - 1, 0), "");
    if (op == TK_SHL) return LLVMBuildShl(c->b, a, b, "");
    return s ? LLVMBuildAShr(c->b, a, b, "") : LLVMBuildLShr(c->b, a, b, "");
  }
  default: ice(e->span, "binary operator not lowered");
  }
}

static LLVMValueRef operand_value(CG *c, Expr *e, Type *t) {
  LLVMValueRef v = emit_expr(c, e);
  t = ty_resolve(t);
  if (t->kind == TY_REF && ty_is_numeric(t->inner)) v = cg_load(c, t->inner, v);
  return v;
}

static LLVMValueRef emit_binary(CG *c, Expr *e) {
  TokenKind op = e->op;
  if (op == TK_AMPAMP || op == TK_PIPEPIPE) {
    LLVMValueRef a = emit_expr(c, e->lhs);
    LLVMBasicBlockRef from = LLVMGetInsertBlock(c->b);
    LLVMBasicBlockRef rhs = cg_new_block(c, op == TK_AMPAMP ? "and.rhs" : "or.rhs"), done = cg_new_block(c, "logic.done");
    if (op == TK_AMPAMP) LLVMBuildCondBr(c->b, a, rhs, done);
    else LLVMBuildCondBr(c->b, a, done, rhs);
    cg_set_block(c, rhs);
    LLVMValueRef b = emit_expr(c, e->rhs);
    LLVMBasicBlockRef rhs_end = LLVMGetInsertBlock(c->b);
    cg_br(c, done);
    cg_set_block(c, done);
    LLVMValueRef phi = LLVMBuildPhi(c->b, c->t_i1, "");
    LLVMValueRef vals[2] = {LLVMConstInt(c->t_i1, op == TK_PIPEPIPE, 0), b};
    LLVMBasicBlockRef bbs[2] = {from, rhs_end};
    LLVMAddIncoming(phi, vals, bbs, 2);
    return phi;
  }
  Type *lt = final_ty(c, e->lhs), *rt2 = final_ty(c, e->rhs);
  if (op == TK_EQEQ || op == TK_NE || op == TK_LT || op == TK_LE || op == TK_GT || op == TK_GE) {
    if (is_stringish(lt)) {
      // Strings compare by reference; a String operand is borrowed, not moved.
      LLVMValueRef a = ty_resolve(lt)->kind == TY_STRING ? emit_place(c, e->lhs) : emit_expr(c, e->lhs);
      LLVMValueRef b = ty_resolve(rt2)->kind == TY_STRING ? emit_place(c, e->rhs) : emit_expr(c, e->rhs);
      Type *ta = ty_resolve(lt)->kind == TY_STRING ? ty_ref(lt, false) : lt;
      Type *tb = ty_resolve(rt2)->kind == TY_STRING ? ty_ref(rt2, false) : rt2;
      return emit_str_eq(c, op, a, ta, b, tb);
    }
    Type *inner = ty_resolve(lt);
    while (inner->kind == TY_REF) inner = ty_resolve(inner->inner);
    if ((op == TK_EQEQ || op == TK_NE) && !ty_is_numeric(inner) && inner->kind != TY_BOOL && inner->kind != TY_CHAR &&
        inner->kind != TY_UNIT) {
      // Derived PartialEq (and Vec, tuples...): compare the places.
      // Operands are borrowed: a place is compared where it is, a temporary lives to the statement's end.
      LLVMValueRef pa = is_place_expr(e->lhs) ? emit_place(c, e->lhs) : spill(c, emit_expr(c, e->lhs), lt);
      LLVMValueRef pb = is_place_expr(e->rhs) ? emit_place(c, e->rhs) : spill(c, emit_expr(c, e->rhs), rt2);
      if (ty_resolve(lt)->kind == TY_SLICE) {  // the place of `v[..]` is the slice itself
        pa = spill(c, pa, ty_ref(lt, false));
        pb = spill(c, pb, ty_ref(rt2, false));
      }
      LLVMValueRef r = eq_value(c, pa, pb, lt);
      return op == TK_NE ? LLVMBuildNot(c->b, r, "") : r;
    }
    LLVMValueRef a = emit_expr(c, e->lhs), b = emit_expr(c, e->rhs);
    return emit_compare(c, op, a, b, lt);
  }
  LLVMValueRef a = operand_value(c, e->lhs, lt), b = operand_value(c, e->rhs, rt2);
  return arith(c, e, op, a, b, ty_of(c, e));
}

// ---------------------------------------------------------------------------------------------
// Rvalue static promotion: `&5`, `&LIMIT`, `&[1, 2, 3]`, `&Point { x: 1, y: 2 }`, `&None::<i32>`
// borrow a constant that lives for the whole program, as rustc promotes them, instead of a
// temporary. What is promotable follows rustc: literals, paths to consts and unit variants,
// arithmetic, bitwise operators and comparisons of those that cannot panic (not `&&`
// and `||`, which are control flow), and tuples, arrays, structs and
// variants built of them, of a type without drop glue. The value is laid out byte by byte: a
// list of scalar constants at their offsets, put together into a packed struct global.

typedef struct {
  uint64_t off;
  LLVMValueRef v;
} ConstPiece;

typedef VEC(ConstPiece) ConstPieces;

static void const_piece(ConstPieces *ps, uint64_t off, LLVMValueRef v) { vec_push(ps, (ConstPiece){off, v}); }

#define CONST_DEPTH 64

static Expr *const_item_value(Expr *e) { return e->fn && e->fn->body ? e->fn->body->tail : NULL; }

// An integer constant of type t as a 128-bit value (sign- or zero-extended).
static __int128 const_int_of(Type *t, LLVMValueRef v) {
  return t->is_signed ? (__int128)LLVMConstIntGetSExtValue(v) : (__int128)LLVMConstIntGetZExtValue(v);
}

static bool int_fits(Type *t, __int128 v) {
  if (t->is_signed) return v >= -((__int128)1 << (t->bits - 1)) && v < ((__int128)1 << (t->bits - 1));
  return v >= 0 && v < ((__int128)1 << t->bits);
}

// The value of a promotable scalar expression (integer, float, bool, char) as an LLVM constant
// of its register type, or NULL when it is not promotable (including when it would panic).
static LLVMValueRef const_scalar(CG *c, Expr *e, int depth) {
  if (depth > CONST_DEPTH || e->coerce) return NULL;
  Type *t = ty_resolve(final_ty(c, e));
  if (t->kind != TY_INT && t->kind != TY_FLOAT && t->kind != TY_BOOL && t->kind != TY_CHAR) return NULL;
  LLVMTypeRef lt = cg_lltype(c, t);
  switch (e->kind) {
  case EX_INT: case EX_FLOAT: case EX_BOOL: case EX_CHAR: return emit_expr_raw(c, e);
  case EX_PATH:
    if (e->res == RES_CONST) return emit_expr_raw(c, e);
    if (e->res == RES_CONST_ITEM && const_item_value(e)) return const_scalar(c, const_item_value(e), depth + 1);
    return NULL;
  case EX_UNARY: {
    if (e->op != TK_MINUS && e->op != TK_BANG) return NULL;
    LLVMValueRef a = const_scalar(c, e->sub, depth + 1);
    if (!a) return NULL;
    if (t->kind == TY_FLOAT) return e->op == TK_MINUS ? LLVMConstReal(lt, -LLVMConstRealGetDouble(a, &(LLVMBool){0})) : NULL;
    if (t->kind == TY_BOOL) return e->op == TK_BANG ? LLVMConstInt(lt, !LLVMConstIntGetZExtValue(a), false) : NULL;
    if (t->kind != TY_INT) return NULL;
    __int128 v = const_int_of(t, a);
    if (e->op == TK_BANG) return LLVMConstInt(lt, (unsigned long long)~v, false);
    if (e->sub->kind != EX_INT && !int_fits(t, -v)) return NULL;  // -i32::MIN overflows
    return LLVMConstInt(lt, (unsigned long long)-v, false);
  }
  case EX_BINARY: {
    Type *ot = ty_resolve(final_ty(c, e->lhs));
    LLVMValueRef a = const_scalar(c, e->lhs, depth + 1), b = a ? const_scalar(c, e->rhs, depth + 1) : NULL;
    if (!b) return NULL;
    TokenKind op = e->op;
    if (ot->kind == TY_FLOAT) {
      LLVMBool lossy;
      double x = LLVMConstRealGetDouble(a, &lossy), y = LLVMConstRealGetDouble(b, &lossy), r;
      switch (op) {
      case TK_PLUS: r = x + y; break;
      case TK_MINUS: r = x - y; break;
      case TK_STAR: r = x * y; break;
      case TK_SLASH: r = x / y; break;
      case TK_EQEQ: return LLVMConstInt(c->t_i1, x == y, false);
      case TK_NE: return LLVMConstInt(c->t_i1, x != y, false);
      case TK_LT: return LLVMConstInt(c->t_i1, x < y, false);
      case TK_LE: return LLVMConstInt(c->t_i1, x <= y, false);
      case TK_GT: return LLVMConstInt(c->t_i1, x > y, false);
      case TK_GE: return LLVMConstInt(c->t_i1, x >= y, false);
      default: return NULL;
      }
      if (ot->bits == 32) r = (float)r;
      return LLVMConstReal(lt, r);
    }
    if (ot->kind != TY_INT && ot->kind != TY_BOOL && ot->kind != TY_CHAR) return NULL;
    bool sgn = ot->kind == TY_INT && ot->is_signed;
    __int128 x = sgn ? (__int128)LLVMConstIntGetSExtValue(a) : (__int128)LLVMConstIntGetZExtValue(a);
    __int128 y = sgn ? (__int128)LLVMConstIntGetSExtValue(b) : (__int128)LLVMConstIntGetZExtValue(b);
    switch (op) {
    case TK_EQEQ: return LLVMConstInt(c->t_i1, x == y, false);
    case TK_NE: return LLVMConstInt(c->t_i1, x != y, false);
    case TK_LT: return LLVMConstInt(c->t_i1, x < y, false);
    case TK_LE: return LLVMConstInt(c->t_i1, x <= y, false);
    case TK_GT: return LLVMConstInt(c->t_i1, x > y, false);
    case TK_GE: return LLVMConstInt(c->t_i1, x >= y, false);
    case TK_AMP: return LLVMConstInt(lt, (unsigned long long)(x & y), false);
    case TK_PIPE: return LLVMConstInt(lt, (unsigned long long)(x | y), false);
    case TK_CARET: return LLVMConstInt(lt, (unsigned long long)(x ^ y), false);
    default: break;
    }
    if (ot->kind != TY_INT) return NULL;
    __int128 r;
    switch (op) {
    case TK_PLUS: r = x + y; break;
    case TK_MINUS: r = x - y; break;
    case TK_STAR: r = x * y; break;
    case TK_SLASH: if (y == 0) return NULL; r = x / y; break;
    case TK_PERCENT: if (y == 0 || !int_fits(ot, x / y)) return NULL; r = x % y; break;
    case TK_SHL: case TK_SHR: {
      Type *rt = ty_resolve(final_ty(c, e->rhs));
      __int128 n = rt->kind == TY_INT && rt->is_signed ? (__int128)LLVMConstIntGetSExtValue(b) : (__int128)LLVMConstIntGetZExtValue(b);
      if (n < 0 || n >= ot->bits) return NULL;  // would panic: shift with overflow
      if (op == TK_SHR) return LLVMConstInt(lt, (unsigned long long)(x >> n), false);
      return LLVMConstInt(lt, (unsigned long long)((unsigned __int128)x << n), false);  // shl wraps
    }
    default: return NULL;
    }
    if (!int_fits(ot, r)) return NULL;  // would panic at -O0: not promoted
    return LLVMConstInt(lt, (unsigned long long)r, false);
  }
  default: return NULL;
  }
}

// Lays out the value of a promotable expression at byte offset off; false when it is not
// promotable.
static bool const_write(CG *c, Expr *e, uint64_t off, ConstPieces *ps, int depth) {
  if (depth > CONST_DEPTH || e->coerce) return false;
  Type *t = ty_resolve(final_ty(c, e));
  if (ty_needs_drop(t)) return false;
  switch (t->kind) {
  case TY_INT: case TY_FLOAT: case TY_CHAR: case TY_BOOL: {
    LLVMValueRef v = const_scalar(c, e, depth);
    if (!v) return false;
    if (t->kind == TY_BOOL) v = LLVMConstInt(LLVMInt8TypeInContext(c->ctx), LLVMConstIntGetZExtValue(v), false);
    const_piece(ps, off, v);
    return true;
  }
  case TY_UNIT: return e->kind == EX_TUPLE && e->nargs == 0;
  case TY_REF:
    if (e->kind != EX_STR) return false;
    const_piece(ps, off, cg_const_str(c, e->str, e->str_len));
    return true;
  default: break;
  }
  if (t->kind != TY_TUPLE && t->kind != TY_ARRAY && t->kind != TY_STRUCT) return false;
  LLVMTypeRef lt = cg_lltype(c, t);
  switch (e->kind) {
  case EX_PATH:
    if (e->res == RES_CONST_ITEM) return const_item_value(e) && const_write(c, const_item_value(e), off, ps, depth + 1);
    if (e->res != RES_UNIT_STRUCT) return false;
    if (e->sdecl->is_enum) const_piece(ps, off, cg_enum_tag(c, t, e->variant));
    return true;
  case EX_TUPLE:
    if (t->kind != TY_TUPLE) return false;
    for (int i = 0; i < e->nargs; i++)
      if (!const_write(c, e->args[i], off + LLVMOffsetOfElement(c->td, lt, (unsigned)cg_field_slot(c, t, i)), ps, depth + 1)) return false;
    return true;
  case EX_ARRAY: {
    if (t->kind != TY_ARRAY) return false;
    uint64_t es = cg_size_of(c, t->inner);
    if (e->repeat) {
      if (t->len > 4096) return false;
      for (uint64_t i = 0; i < t->len; i++)
        if (!const_write(c, e->args[0], off + i * es, ps, depth + 1)) return false;
      return true;
    }
    for (int i = 0; i < e->nargs; i++)
      if (!const_write(c, e->args[i], off + (uint64_t)i * es, ps, depth + 1)) return false;
    return true;
  }
  case EX_STRUCT:
  case EX_CALL: {
    StructDecl *sd;
    int variant, *map = NULL;
    if (e->kind == EX_STRUCT) {
      if (e->base_expr) return false;
      sd = e->sdecl, variant = e->variant, map = e->field_map;
    } else {
      if (e->sub->kind != EX_PATH || e->sub->res != RES_TUPLE_CTOR) return false;
      sd = e->sub->sdecl, variant = e->sub->variant;
    }
    if (t->kind != TY_STRUCT) return false;
    if (sd->is_enum) const_piece(ps, off, cg_enum_tag(c, t, variant));
    for (int i = 0; i < e->nargs; i++) {
      int f = map ? map[i] : i;
      Type *ft = ty_resolve(final_ty(c, e->args[i]));
      if (ft->kind == TY_UNIT || ft->kind == TY_NEVER) continue;
      uint64_t fo = sd->is_enum ? cg_variant_field_offset(c, t, variant, f) : LLVMOffsetOfElement(c->td, lt, (unsigned)cg_field_slot(c, t, f));
      if (!const_write(c, e->args[i], off + fo, ps, depth + 1)) return false;
    }
    return true;
  }
  default: return false;
  }
}

// `&expr` (or `&mut []`) as a pointer to a private global holding expr's value, or NULL when
// expr is not promotable.
LLVMValueRef cg_promote(CG *c, Expr *e) {
  Expr *sub = e->sub;
  if (e->mut && !(sub->kind == EX_ARRAY && sub->nargs == 0 && !sub->repeat)) return NULL;  // only `&mut []`
  ConstPieces ps = {0};
  if (!const_write(c, sub, 0, &ps, 0)) return NULL;
  for (int i = 1; i < ps.len; i++)  // by offset (struct fields may be reordered)
    for (int j = i; j > 0 && ps.data[j - 1].off > ps.data[j].off; j--) {
      ConstPiece tmp = ps.data[j];
      ps.data[j] = ps.data[j - 1];
      ps.data[j - 1] = tmp;
    }
  Type *t = final_ty(c, sub);
  uint64_t size = cg_size_of(c, t), pos = 0;
  LLVMValueRef *elems = arena_alloc(sizeof(LLVMValueRef) * (2 * ps.len + 2));
  int n = 0;
  LLVMTypeRef i8 = LLVMInt8TypeInContext(c->ctx);
  for (int i = 0; i <= ps.len; i++) {
    uint64_t at = i < ps.len ? ps.data[i].off : size;
    if (at < pos) return NULL;  // overlapping pieces: cannot happen, but never emit wrong bytes
    if (at > pos) elems[n++] = LLVMConstNull(LLVMArrayType2(i8, at - pos));
    if (i == ps.len) break;
    elems[n++] = ps.data[i].v;
    pos = at + LLVMABISizeOfType(c->td, LLVMTypeOf(ps.data[i].v));
  }
  LLVMValueRef init = LLVMConstStructInContext(c->ctx, elems, (unsigned)n, true);
  LLVMValueRef g = LLVMAddGlobal(c->mod, LLVMTypeOf(init), "promoted");
  LLVMSetInitializer(g, init);
  LLVMSetGlobalConstant(g, !e->mut);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
  LLVMSetAlignment(g, (unsigned)cg_align_of(c, t));
  return g;
}

static LLVMValueRef emit_unary(CG *c, Expr *e) {
  switch (e->op) {
  case TK_MINUS: {
    LLVMValueRef v = emit_expr(c, e->sub);
    Type *t = ty_resolve(ty_of(c, e));
    if (t->kind == TY_FLOAT) return LLVMBuildFNeg(c->b, v, "");
    if (c->opts->opt_level == 0 && e->sub->kind != EX_INT && t->kind == TY_INT)  // -i32::MIN overflows
      panic_if(c, LLVMBuildICmp(c->b, LLVMIntEQ, v, LLVMConstInt(LLVMTypeOf(v), 1ull << (t->bits - 1), 0), ""), e->span,
               "attempt to negate with overflow");
    return LLVMBuildNeg(c->b, v, "");
  }
  case TK_BANG: return LLVMBuildNot(c->b, emit_expr(c, e->sub), "");
  case TK_STAR: return cg_load(c, ty_of(c, e), emit_place(c, e));
  case TK_AMP: {
    LLVMValueRef g = cg_promote(c, e);
    return g ? g : emit_place(c, e->sub);
  }
  default: ice(e->span, "unary operator not lowered");
  }
}

// `v as to` for a value of type from: numbers, chars and bools, and a field-less enum's
// discriminant. Float-to-int casts saturate (NaN becomes 0), as Rust's do.
LLVMValueRef cg_numeric_cast(CG *c, LLVMValueRef v, Type *from, Type *to) {
  from = ty_resolve(from);
  to = ty_resolve(to);
  if (from == to) return v;
  LLVMTypeRef lt = cg_lltype(c, to);
  bool fs = from->kind == TY_INT && from->is_signed;
  if (from->kind == TY_STRUCT) {  // a field-less enum: its discriminant
    LLVMValueRef tmp = cg_alloca(c, cg_lltype(c, from), "");
    LLVMBuildStore(c->b, v, tmp);
    v = cg_load_tag(c, from, tmp);
    for (int i = 0; i < from->sdecl->nvariants; i++) fs |= from->sdecl->variants[i].discr < 0;
  }
  if (to->kind == TY_INT || to->kind == TY_CHAR) {
    if (from->kind == TY_FLOAT) {
      LLVMTypeRef tys[2] = {lt, LLVMTypeOf(v)};
      const char *name = to->is_signed ? "llvm.fptosi.sat" : "llvm.fptoui.sat";
      unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
      LLVMValueRef fn = LLVMGetIntrinsicDeclaration(c->mod, id, tys, 2);
      return LLVMBuildCall2(c->b, LLVMIntrinsicGetType(c->ctx, id, tys, 2), fn, &v, 1, "");
    }
    return LLVMBuildIntCast2(c->b, v, lt, fs, "");
  }
  if (to->kind == TY_FLOAT) {
    if (from->kind == TY_FLOAT) return LLVMBuildFPCast(c->b, v, lt, "");
    return fs ? LLVMBuildSIToFP(c->b, v, lt, "") : LLVMBuildUIToFP(c->b, v, lt, "");
  }
  return v;  // pointer casts: the coercion on the operand already did the work
}

static LLVMValueRef emit_cast(CG *c, Expr *e) {
  return cg_numeric_cast(c, emit_expr(c, e->sub), final_ty(c, e->sub), ty_of(c, e));
}

// ---------------------------------------------------------------------------------------------
// Control flow

static LLVMValueRef emit_if(CG *c, Expr *e) {
  Type *t = ty_of(c, e);
  bool has_val = !cg_returns_void(t);
  LLVMValueRef slot = has_val ? cg_alloca(c, cg_lltype(c, t), "if.val") : NULL;
  // Temporaries of the condition are dropped before either branch runs (as in Rust).
  int mark = c->cleanups.len;
  LLVMValueRef cond = emit_expr(c, e->sub);
  cg_pop_cleanups(c, mark);
  LLVMBasicBlockRef then_bb = cg_new_block(c, "then"), else_bb = e->else_expr ? cg_new_block(c, "else") : NULL;
  LLVMBasicBlockRef done = cg_new_block(c, "endif");
  LLVMBuildCondBr(c->b, cond, then_bb, else_bb ? else_bb : done);
  cg_set_block(c, then_bb);
  LLVMValueRef tv = emit_block(c, e->block);
  if (has_val && !cg_block_terminated(c)) LLVMBuildStore(c->b, tv, slot);
  cg_br(c, done);
  if (else_bb) {
    cg_set_block(c, else_bb);
    LLVMValueRef ev = emit_expr(c, e->else_expr);
    if (has_val && !cg_block_terminated(c)) LLVMBuildStore(c->b, ev, slot);
    cg_br(c, done);
  }
  cg_set_block(c, done);
  return has_val ? LLVMBuildLoad2(c->b, cg_lltype(c, t), slot, "") : cg_unit(c);
}

static LoopCtx *push_loop(CG *c, Expr *e, LLVMBasicBlockRef brk, LLVMBasicBlockRef cont) {
  LoopCtx *l = arena_alloc(sizeof *l);
  l->e = e;
  l->brk = brk;
  l->cont = cont;
  l->cleanup_depth = c->cleanups.len;
  l->outer = c->loop;
  c->loop = l;
  return l;
}

static LLVMValueRef emit_loop(CG *c, Expr *e) {
  Type *t = ty_of(c, e);
  bool has_val = !cg_returns_void(t);
  LLVMBasicBlockRef body = cg_new_block(c, "loop"), done = cg_new_block(c, "loop.end");
  LoopCtx *l = push_loop(c, e, done, body);
  if (has_val) l->result = cg_alloca(c, cg_lltype(c, t), "loop.val");
  cg_br(c, body);
  cg_set_block(c, body);
  emit_block(c, e->block);
  cg_br(c, body);
  c->loop = l->outer;
  cg_set_block(c, done);
  if (ty_resolve(t)->kind == TY_NEVER) {
    LLVMBuildUnreachable(c->b);
    cg_start_dead_block(c);
  }
  return has_val ? LLVMBuildLoad2(c->b, cg_lltype(c, t), l->result, "") : cg_unit(c);
}

static LLVMValueRef emit_while(CG *c, Expr *e) {
  LLVMBasicBlockRef head = cg_new_block(c, "while"), body = cg_new_block(c, "while.body"), done = cg_new_block(c, "while.end");
  cg_br(c, head);
  cg_set_block(c, head);
  int mark = c->cleanups.len;
  LLVMValueRef cond = emit_expr(c, e->sub);
  cg_pop_cleanups(c, mark);
  LLVMBuildCondBr(c->b, cond, body, done);
  cg_set_block(c, body);
  LoopCtx *l = push_loop(c, e, done, head);
  emit_block(c, e->block);
  cg_br(c, head);
  c->loop = l->outer;
  cg_set_block(c, done);
  return cg_unit(c);
}

// for pat in lo..hi / lo..=hi / &v / &mut v / v
// One iteration: bind the pattern to the item, run the body, drop what it bound, go to step.
static void emit_for_body(CG *c, Expr *e, LLVMValueRef item, Type *t, LLVMBasicBlockRef done, LLVMBasicBlockRef step) {
  LoopCtx *l = push_loop(c, e, done, step);
  int mark = c->cleanups.len;
  bind_pattern(c, e->pat, item, t);
  emit_block(c, e->block);
  cg_pop_cleanups(c, mark);
  cg_br(c, step);
  c->loop = l->outer;
}

// `for` over a slice iterator (`v.iter()`, `.iter_mut()`, `.enumerate()`, `.rev()`) or a
// reversed range: a counter k runs over 0..count and the item is computed from it.
static LLVMValueRef emit_for_counted(CG *c, Expr *e, Type *it, LLVMValueRef iter) {
  int outer_mark = c->cleanups.len;
  bool is_range = it->kind == TY_RANGE;
  int flags = is_range ? ITER_REV : (int)it->len;
  bool rev = flags & ITER_REV;
  LLVMValueRef count, lo = NULL, hi = NULL, data = NULL;
  Type *elem = ty_resolve(it->inner);
  if (is_range) {
    lo = LLVMBuildExtractValue(c->b, iter, 0, "");
    hi = LLVMBuildExtractValue(c->b, iter, 1, "");
    bool sgn = elem->kind == TY_INT && elem->is_signed;
    LLVMValueRef empty = LLVMBuildICmp(c->b, it->len ? (sgn ? LLVMIntSGT : LLVMIntUGT) : (sgn ? LLVMIntSGE : LLVMIntUGE), lo, hi, "");
    LLVMValueRef n = LLVMBuildSub(c->b, hi, lo, "");  // hi >= lo: fits the type as unsigned
    if (it->len) n = LLVMBuildAdd(c->b, n, LLVMConstInt(LLVMTypeOf(n), 1, 0), "");
    count = LLVMBuildSelect(c->b, empty, cg_i64(c, 0), LLVMBuildIntCast2(c->b, n, c->t_i64, false, ""), "count");
  } else {
    data = LLVMBuildExtractValue(c->b, iter, 0, "");
    count = LLVMBuildExtractValue(c->b, iter, 1, "");
  }
  LLVMValueRef k = cg_alloca(c, c->t_i64, "k");
  LLVMBuildStore(c->b, cg_i64(c, 0), k);
  LLVMBasicBlockRef head = cg_new_block(c, "for"), body = cg_new_block(c, "for.body"), step = cg_new_block(c, "for.next"),
                    done = cg_new_block(c, "for.end");
  cg_br(c, head);
  cg_set_block(c, head);
  LLVMValueRef kv = LLVMBuildLoad2(c->b, c->t_i64, k, "");
  LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntULT, kv, count, ""), body, done);
  cg_set_block(c, body);
  // The position visited: k from the front, or from the back when reversed.
  LLVMValueRef pos = rev ? LLVMBuildSub(c->b, LLVMBuildSub(c->b, count, cg_i64(c, 1), ""), kv, "") : kv;
  LLVMValueRef item;
  Type *item_ty;
  if (is_range) {
    item = LLVMBuildAdd(c->b, lo, LLVMBuildIntCast2(c->b, pos, LLVMTypeOf(lo), false, ""), "");
    item_ty = elem;
  } else {
    item = LLVMBuildGEP2(c->b, cg_lltype(c, elem), data, &pos, 1, "");
    item_ty = ty_ref(elem, it->mut);
    if (flags & ITER_ENUMERATE) {
      Type *pair[2] = {ty_usize, item_ty};
      Type **pt = arena_alloc(sizeof pair);
      copy_bytes(pt, pair, sizeof pair);
      Type *tt = ty_tuple(pt, 2);
      LLVMValueRef idx = flags & ITER_ENUMERATE_AFTER_REV ? kv : pos;
      LLVMValueRef tv = LLVMBuildInsertValue(c->b, LLVMGetUndef(cg_lltype(c, tt)), idx, cg_field_slot(c, tt, 0), "");
      item = LLVMBuildInsertValue(c->b, tv, item, cg_field_slot(c, tt, 1), "");
      item_ty = tt;
    }
  }
  emit_for_body(c, e, item, item_ty, done, step);
  cg_set_block(c, step);
  LLVMBuildStore(c->b, LLVMBuildAdd(c->b, LLVMBuildLoad2(c->b, c->t_i64, k, ""), cg_i64(c, 1), ""), k);
  LLVMBuildBr(c->b, head);
  cg_set_block(c, done);
  cg_pop_cleanups(c, outer_mark);
  return cg_unit(c);
}

// `for` over an Iterator (the checker's desugaring, see iterator_elem): the iterator is moved
// into its hidden local, dropped when the loop ends; each iteration calls `iter.next()`, leaves
// on `None`, and binds the pattern to the payload of `Some`, dropped when the iteration ends.
static LLVMValueRef emit_for_iterator(CG *c, Expr *e) {
  int outer_mark = c->cleanups.len;
  LLVMValueRef iter = emit_expr(c, e->sub);  // its temporaries live until the loop ends
  if (e->for_into && !cg_block_terminated(c)) {
    // `IntoIterator::into_iter(value)`: the value is moved straight into the call.
    Type *st = cg_type_of(c, e->for_src->ty);
    c->local_addr[e->for_src->index] = cg_alloca(c, cg_lltype(c, st), "iter_source");
    LLVMBuildStore(c->b, iter, c->local_addr[e->for_src->index]);
    iter = emit_expr(c, e->for_into);
  }
  if (cg_block_terminated(c)) {
    cg_pop_cleanups(c, outer_mark);
    return cg_unit(c);
  }
  bind_local(c, e->for_iter, iter, true);
  LLVMBasicBlockRef head = cg_new_block(c, "for"), body = cg_new_block(c, "for.body"), done = cg_new_block(c, "for.end");
  cg_br(c, head);
  cg_set_block(c, head);
  Type *ot = ty_resolve(final_ty(c, e->for_next));
  int mark = c->cleanups.len;
  LLVMValueRef opt = emit_expr(c, e->for_next);
  cg_pop_cleanups(c, mark);
  LLVMValueRef slot = cg_alloca(c, cg_lltype(c, ot), "next");
  LLVMBuildStore(c->b, opt, slot);
  int some = 0;
  while (some + 1 < ot->sdecl->nvariants && ot->sdecl->variants[some].name != intern_cstr("Some")) some++;
  LLVMValueRef is_some = LLVMBuildICmp(c->b, LLVMIntEQ, cg_load_tag(c, ot, slot), cg_enum_tag(c, ot, some), "");
  LLVMBuildCondBr(c->b, is_some, body, done);
  cg_set_block(c, body);
  Type *item_ty = ty_resolve(cg_subst(ot->sdecl->variants[some].fields[0].type, ot->args, ot->nargs));
  LLVMValueRef item = item_ty->kind == TY_UNIT || item_ty->kind == TY_NEVER ? cg_unit(c)
                                                                           : cg_load(c, item_ty, cg_variant_field(c, ot, some, slot, 0));
  emit_for_body(c, e, item, item_ty, done, head);
  cg_set_block(c, done);
  cg_pop_cleanups(c, outer_mark);
  return cg_unit(c);
}

static LLVMValueRef emit_for(CG *c, Expr *e) {
  if (e->for_next) return emit_for_iterator(c, e);
  Type *it = ty_resolve(final_ty(c, e->sub));
  if (it->kind == TY_ITER || (it->kind == TY_RANGE && it->mut)) return emit_for_counted(c, e, it, emit_expr(c, e->sub));
  int outer_mark = c->cleanups.len;
  LLVMValueRef iter = emit_expr(c, e->sub);
  LLVMBasicBlockRef head = cg_new_block(c, "for"), body = cg_new_block(c, "for.body"), step = cg_new_block(c, "for.next"),
                    done = cg_new_block(c, "for.end");
  LLVMValueRef idx, data = NULL, len;
  Type *elem;
  bool by_value_vec = false, by_value_array = false, range = it->kind == TY_RANGE, inclusive = range && it->len;
  if (range) {
    elem = ty_resolve(it->inner);
    idx = cg_alloca(c, cg_lltype(c, elem), "i");
    LLVMBuildStore(c->b, LLVMBuildExtractValue(c->b, iter, 0, ""), idx);
    len = LLVMBuildExtractValue(c->b, iter, 1, "");
  } else {
    idx = cg_alloca(c, c->t_i64, "idx");
    LLVMBuildStore(c->b, cg_i64(c, 0), idx);
    Type *container = it->kind == TY_VEC || it->kind == TY_ARRAY ? it : ty_resolve(it->inner);
    elem = ty_resolve(container->inner);
    LLVMValueRef vecp = iter;
    if (it->kind == TY_ARRAY) {  // by value (of Copy elements, the checker made sure)
      vecp = cg_alloca(c, cg_lltype(c, it), "array");
      LLVMBuildStore(c->b, iter, vecp);
      by_value_array = true;
    }
    if (it->kind == TY_VEC) {
      // A by-value loop owns the Vec: elements not yet handed out are dropped when it ends.
      vecp = cg_alloca(c, c->t_vec, "into_iter");
      LLVMBuildStore(c->b, iter, vecp);
      cg_push_cleanup(c, CL_VEC_ITER, elem, vecp, idx);
      by_value_vec = true;
    }
    if (container->kind == TY_ARRAY) {
      data = vecp;
      len = cg_i64(c, container->len);
    } else if (container->kind == TY_SLICE) {
      data = LLVMBuildExtractValue(c->b, iter, 0, "");
      len = LLVMBuildExtractValue(c->b, iter, 1, "");
    } else {
      data = vec_field(c, vecp, 0);
      len = vec_field(c, vecp, 2);
    }
    if (!by_value_vec && !by_value_array) elem = ty_ref(elem, it->mut);
  }
  // lo..=hi visits hi too and must not step past it (hi may be the type's maximum), so a
  // flag marks the range exhausted once hi has been visited.
  LLVMValueRef fin = NULL;
  if (inclusive) {
    fin = cg_alloca(c, c->t_i1, "exhausted");
    LLVMBuildStore(c->b, LLVMConstInt(c->t_i1, 0, 0), fin);
  }
  cg_br(c, head);
  cg_set_block(c, head);
  LLVMValueRef i = LLVMBuildLoad2(c->b, LLVMTypeOf(len), idx, "");
  bool sgn = range && ty_resolve(it->inner)->kind == TY_INT && ty_resolve(it->inner)->is_signed;
  LLVMIntPredicate lt = inclusive ? (sgn ? LLVMIntSLE : LLVMIntULE) : (sgn ? LLVMIntSLT : LLVMIntULT);
  if (inclusive) {
    LLVMValueRef in_range = LLVMBuildICmp(c->b, lt, i, len, "");
    LLVMValueRef not_fin = LLVMBuildNot(c->b, LLVMBuildLoad2(c->b, c->t_i1, fin, ""), "");
    LLVMBuildCondBr(c->b, LLVMBuildAnd(c->b, in_range, not_fin, ""), body, done);
    cg_set_block(c, body);
    emit_for_body(c, e, i, elem, done, step);
    cg_set_block(c, step);
    LLVMValueRef cur = LLVMBuildLoad2(c->b, LLVMTypeOf(len), idx, "");
    LLVMValueRef at_end = LLVMBuildICmp(c->b, LLVMIntEQ, cur, len, "");
    LLVMBuildStore(c->b, at_end, fin);
    LLVMValueRef nxt = LLVMBuildSelect(c->b, at_end, cur, LLVMBuildAdd(c->b, cur, LLVMConstInt(LLVMTypeOf(cur), 1, 0), ""), "");
    LLVMBuildStore(c->b, nxt, idx);
    LLVMBuildBr(c->b, head);
    cg_set_block(c, done);
    cg_pop_cleanups(c, outer_mark);
    return cg_unit(c);
  }
  LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, lt, i, len, ""), body, done);
  cg_set_block(c, body);
  LLVMValueRef item;
  if (range) {
    item = i;
  } else {
    Type *el_mem = by_value_vec || by_value_array ? elem : ty_resolve(elem)->inner;
    LLVMValueRef p = LLVMBuildGEP2(c->b, cg_lltype(c, el_mem), data, &i, 1, "");
    if (by_value_array) {
      item = cg_load(c, elem, p);
    } else if (by_value_vec) {
      // Advance first: the element now belongs to the loop variable.
      LLVMBuildStore(c->b, LLVMBuildAdd(c->b, i, cg_i64(c, 1), ""), idx);
      item = cg_load(c, elem, p);
    } else {
      item = p;
    }
  }
  emit_for_body(c, e, item, elem, done, step);
  cg_set_block(c, step);
  if (!by_value_vec) {
    LLVMValueRef cur = LLVMBuildLoad2(c->b, LLVMTypeOf(len), idx, "");
    LLVMBuildStore(c->b, LLVMBuildAdd(c->b, cur, LLVMConstInt(LLVMTypeOf(cur), 1, 0), ""), idx);
  }
  LLVMBuildBr(c->b, head);
  cg_set_block(c, done);
  cg_pop_cleanups(c, outer_mark);
  return cg_unit(c);
}

static LoopCtx *loop_for(CG *c, Expr *e) {
  for (LoopCtx *l = c->loop; l; l = l->outer)
    if (l->e == e->loop->loop_expr) return l;
  ice(e->span, "break target not found");
}

static void emit_return(CG *c, LLVMValueRef v) {
  cg_emit_cleanups_to(c, 0);
  if (cg_block_terminated(c)) return;
  if (cg_returns_void(c->ret_ty)) {
    LLVMBuildRetVoid(c->b);
  } else if (LLVMTypeOf(v) != cg_lltype(c, c->ret_ty)) {
    // Only reachable after a diverging tail (`loop {}` without break): the value never exists.
    LLVMBuildUnreachable(c->b);
  } else {
    LLVMBuildRet(c->b, v);
  }
}

// ---------------------------------------------------------------------------------------------
// Expressions

static LLVMValueRef emit_expr_raw(CG *c, Expr *e) {
  switch (e->kind) {
  case EX_INT: return LLVMConstInt(cg_lltype(c, ty_of(c, e)), e->int_val, false);
  case EX_FLOAT: return LLVMConstReal(cg_lltype(c, ty_of(c, e)), e->float_val);
  case EX_BOOL: return LLVMConstInt(c->t_i1, e->int_val, false);
  case EX_CHAR: return LLVMConstInt(c->t_i32, e->int_val, false);
  case EX_STR: return cg_const_str(c, e->str, e->str_len);
  case EX_PATH:
    if (e->res == RES_LOCAL) {
      Local *l = e->local;
      Type *t = cg_type_of(c, l->ty);
      LLVMValueRef v = cg_load(c, t, var_place(c, l));
      if (var_flag(c, l)) LLVMBuildStore(c->b, LLVMConstInt(c->t_i1, 0, 0), var_flag(c, l));  // moved
      return v;
    }
    if (e->res == RES_UNIT_STRUCT && e->sdecl->is_enum) return enum_value(c, ty_of(c, e), e->variant, NULL);
    if (e->res == RES_FN) return cg_instance_fn(c, mono_instance(e->fn, concrete_targs(c, e), e->fn_ntargs, e->span));
    if (e->res == RES_UNIT_STRUCT) return LLVMConstNull(cg_lltype(c, ty_of(c, e)));
    if (e->res == RES_CONST_ITEM) return call_instance(c, e->span, e->span, e->fn, NULL, 0, NULL, NULL, 0);
    if (e->res == RES_CONST) {
      LLVMTypeRef lt = cg_lltype(c, ty_of(c, e));
      return ty_resolve(ty_of(c, e))->kind == TY_FLOAT ? LLVMConstReal(lt, e->float_val) : LLVMConstInt(lt, e->int_val, false);
    }
    ice(e->span, "path not lowered");
  case EX_UNARY: return emit_unary(c, e);
  case EX_BINARY: return emit_binary(c, e);
  case EX_ASSIGN: {
    Type *t = final_ty(c, e->lhs);
    LLVMValueRef v = emit_expr(c, e->rhs);
    if (e->lhs->kind == EX_PATH && e->lhs->res == RES_LOCAL) {
      Local *l = e->lhs->local;
      LLVMValueRef flag = var_flag(c, l);
      if (flag) {
        // The old value (if the local still owns one) is dropped after the new one is built.
        LLVMBasicBlockRef yes = cg_new_block(c, "drop.old"), next = cg_new_block(c, "assign");
        LLVMBuildCondBr(c->b, LLVMBuildLoad2(c->b, c->t_i1, flag, ""), yes, next);
        cg_set_block(c, yes);
        cg_emit_drop(c, var_place(c, l), t);
        LLVMBuildBr(c->b, next);
        cg_set_block(c, next);
        LLVMBuildStore(c->b, LLVMConstInt(c->t_i1, 1, 0), flag);
      }
      LLVMBuildStore(c->b, v, var_place(c, l));
      return cg_unit(c);
    }
    LLVMValueRef p = emit_place(c, e->lhs);
    cg_emit_drop(c, p, t);
    LLVMBuildStore(c->b, v, p);
    return cg_unit(c);
  }
  case EX_COMPOUND: {
    Type *t = ty_resolve(final_ty(c, e->lhs));
    if (e->builtin == BI_STRING_PUSH_STR) {
      LLVMValueRef s = emit_expr(c, e->rhs);
      LLVMValueRef p = emit_place(c, e->lhs);
      LLVMValueRef args[3] = {p, LLVMBuildExtractValue(c->b, s, 0, ""), LLVMBuildExtractValue(c->b, s, 1, "")};
      cg_call_fn(c, cg_rt(c, "trc_string_push_bytes"), args, 3);
      return cg_unit(c);
    }
    LLVMValueRef b = operand_value(c, e->rhs, final_ty(c, e->rhs));
    LLVMValueRef p = emit_place(c, e->lhs);
    LLVMValueRef a = cg_load(c, t, p);
    LLVMBuildStore(c->b, arith(c, e, e->op, a, b, t), p);
    return cg_unit(c);
  }
  case EX_CAST: return emit_cast(c, e);
  case EX_CALL: return emit_call(c, e);
  case EX_METHOD: return emit_method(c, e);
  case EX_FIELD:
  case EX_INDEX: {
    Type *t = ty_of(c, e);
    return cg_load(c, t, emit_place(c, e));
  }
  case EX_STRUCT: {
    Type *t = ty_of(c, e);
    if (e->sdecl->is_enum) {
      LLVMValueRef *fields = arena_alloc(sizeof(LLVMValueRef) * (e->nargs + 1));
      for (int i = 0; i < e->nargs; i++) fields[e->field_map[i]] = emit_expr(c, e->args[i]);
      return enum_value(c, t, e->variant, fields);
    }
    LLVMValueRef v = LLVMGetUndef(cg_lltype(c, t));
    for (int i = 0; i < e->nargs; i++)
      v = LLVMBuildInsertValue(c->b, v, emit_expr(c, e->args[i]), cg_field_slot(c, t, e->field_map[i]), "");
    return v;
  }
  case EX_TUPLE: {
    Type *t = ty_of(c, e);
    if (e->nargs == 0) return cg_unit(c);
    LLVMValueRef v = LLVMGetUndef(cg_lltype(c, t));
    for (int i = 0; i < e->nargs; i++) v = LLVMBuildInsertValue(c->b, v, emit_expr(c, e->args[i]), cg_field_slot(c, t, i), "");
    return v;
  }
  case EX_ARRAY: {
    Type *t = ty_resolve(ty_of(c, e));
    LLVMValueRef v = LLVMGetUndef(cg_lltype(c, t));
    if (e->repeat) {
      LLVMValueRef x = emit_expr(c, e->args[0]);
      for (uint64_t i = 0; i < t->len; i++) v = LLVMBuildInsertValue(c->b, v, x, i, "");
      return v;
    }
    for (int i = 0; i < e->nargs; i++) v = LLVMBuildInsertValue(c->b, v, emit_expr(c, e->args[i]), i, "");
    return v;
  }
  case EX_BLOCK: return emit_block(c, e->block);
  case EX_IF: return emit_if(c, e);
  case EX_WHILE: return emit_while(c, e);
  case EX_LOOP: return emit_loop(c, e);
  case EX_FOR: return emit_for(c, e);
  case EX_BREAK: {
    LoopCtx *l = loop_for(c, e);
    if (e->sub) {
      LLVMValueRef v = emit_expr(c, e->sub);
      if (l->result && !cg_block_terminated(c)) LLVMBuildStore(c->b, v, l->result);
    }
    cg_emit_cleanups_to(c, l->cleanup_depth);
    cg_br(c, l->brk);
    cg_start_dead_block(c);
    return cg_unit(c);
  }
  case EX_CONTINUE: {
    LoopCtx *l = loop_for(c, e);
    cg_emit_cleanups_to(c, l->cleanup_depth);
    cg_br(c, l->cont);
    cg_start_dead_block(c);
    return cg_unit(c);
  }
  case EX_RETURN: {
    LLVMValueRef v = e->sub ? emit_expr(c, e->sub) : cg_unit(c);
    emit_return(c, v);
    cg_start_dead_block(c);
    return cg_unit(c);
  }
  case EX_RANGE: {
    Type *t = ty_of(c, e);
    LLVMValueRef v = LLVMGetUndef(cg_lltype(c, t));
    v = LLVMBuildInsertValue(c->b, v, emit_expr(c, e->lhs), 0, "");
    return LLVMBuildInsertValue(c->b, v, emit_expr(c, e->rhs), 1, "");
  }
  case EX_MACRO: return emit_macro(c, e);
  case EX_MATCH: return emit_match(c, e);
  case EX_CLOSURE: return emit_closure(c, e);
  default: ice(e->span, "expression kind not lowered");
  }
}

static LLVMValueRef emit_expr(CG *c, Expr *e) {
  LLVMValueRef v = emit_expr_raw(c, e);
  Type *t = final_ty(c, e);
  if (ty_resolve(raw_ty_of(c, e))->kind == TY_NEVER && ty_resolve(t)->kind != TY_NEVER) return dead_val(c, t);
  if (e->coerce) v = cg_coercion(c, v, raw_ty_of(c, e), t, e->span);
  if (ty_resolve(t)->kind == TY_UNIT || ty_resolve(t)->kind == TY_NEVER) return cg_unit(c);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Statements and blocks

// `let r = &temp();` keeps the temporary alive as long as r (Rust's temporary lifetime
// extension); any other temporary of a statement dies at its end.
static bool extends_temporaries(Expr *init) {
  return init && init->kind == EX_UNARY && init->op == TK_AMP;
}

static bool is_place_expr(Expr *e) {
  if (e->coerce) return false;
  switch (e->kind) {
  case EX_PATH: return e->res == RES_LOCAL;
  case EX_FIELD: case EX_INDEX: return true;
  case EX_UNARY: return e->op == TK_STAR;
  default: return false;
  }
}

static void emit_let(CG *c, Stmt *s) {
  int mark = c->cleanups.len;
  if (!s->init) {
    if (s->pat->kind == PAT_BIND) bind_local(c, s->pat->local, NULL, false);
    return;
  }
  if (s->pat->kind == PAT_WILD && is_place_expr(s->init)) {
    emit_place(c, s->init);  // `let _ = x;` neither moves nor drops x
    cg_pop_cleanups(c, mark);
    return;
  }
  Type *t = final_ty(c, s->init);
  LLVMValueRef v = emit_expr(c, s->init);
  if (!extends_temporaries(s->init)) cg_pop_cleanups(c, mark);
  if (cg_block_terminated(c)) return;
  bind_pattern(c, s->pat, v, t);
}

static void emit_stmt(CG *c, Stmt *s) {
  if (cg_block_terminated(c)) cg_start_dead_block(c);
  int mark = c->cleanups.len;
  switch (s->kind) {
  case ST_LET: emit_let(c, s); return;
  case ST_EXPR:
  case ST_SEMI: {
    LLVMValueRef v = emit_expr(c, s->init);
    Type *t = final_ty(c, s->init);
    if (!is_place_expr(s->init) || s->init->kind == EX_PATH) drop_value(c, v, t);
    cg_pop_cleanups(c, mark);
    return;
  }
  default: return;
  }
}

static LLVMValueRef emit_block(CG *c, Block *b) {
  int mark = c->cleanups.len;
  for (int i = 0; i < b->nstmts; i++) emit_stmt(c, b->stmts[i]);
  LLVMValueRef v = b->tail ? emit_expr(c, b->tail) : cg_unit(c);
  cg_pop_cleanups(c, mark);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Function bodies

// Receives one parameter (one or two LLVM arguments) into a fresh local.
static void bind_param(CG *c, Local *l, Pattern *pat, int *argi) {
  Type *t = ty_resolve(cg_type_of(c, l ? l->ty : NULL));
  LLVMValueRef v;
  if (t->kind == TY_UNIT) {
    v = cg_unit(c);
  } else if (cg_is_fat(t)) {
    LLVMValueRef fat = LLVMGetUndef(cg_lltype(c, t));
    fat = LLVMBuildInsertValue(c->b, fat, LLVMGetParam(c->fn, (*argi)++), 0, "");
    v = LLVMBuildInsertValue(c->b, fat, LLVMGetParam(c->fn, (*argi)++), 1, "");
  } else {
    v = LLVMGetParam(c->fn, (*argi)++);
  }
  if (pat) bind_pattern(c, pat, v, t);
  else bind_local(c, l, v, true);
}

static int param_arg_count(CG *c, Type *t) {
  t = ty_resolve(t);
  return t->kind == TY_UNIT ? 0 : cg_is_fat(t) ? 2 : 1;
}

void cg_emit_body(CG *c, Instance *in) {
  FnDecl *f = in->fn;
  c->inst = in;
  c->fn = cg_instance_fn(c, in);
  c->entry = cg_new_block(c, "start");
  cg_set_block(c, c->entry);
  int nl = f->locals.len + 1;
  c->local_addr = arena_alloc(sizeof(LLVMValueRef) * nl);
  c->local_flag = arena_alloc(sizeof(LLVMValueRef) * nl);
  c->nlocals = nl;
  c->cleanups.len = 0;
  c->loop = NULL;
  c->ret_ty = cg_type_of(c, f->ret_type);
  int argi = f->is_closure ? 1 : 0;  // a closure's first argument is its environment
  if (f->is_closure) own_captures(c, f);
  if (f->self_local) bind_param(c, f->self_local, NULL, &argi);
  for (int i = 0; i < f->nparams; i++) {
    Pattern *p = f->params[i].pat;
    if (p->kind == PAT_BIND) {
      bind_param(c, p->local, NULL, &argi);
    } else {
      // A destructuring or `_` parameter: the whole argument first, then the pattern.
      Type *t = cg_type_of(c, f->param_types[i]);
      Local tmp = {.name = "arg", .ty = t, .index = nl - 1};
      if (p->kind == PAT_WILD && !ty_needs_drop(t)) {
        argi += param_arg_count(c, t);
        continue;
      }
      (void)tmp;
      LLVMValueRef v;
      if (cg_is_fat(t)) {
        LLVMValueRef fat = LLVMGetUndef(cg_lltype(c, t));
        fat = LLVMBuildInsertValue(c->b, fat, LLVMGetParam(c->fn, argi++), 0, "");
        v = LLVMBuildInsertValue(c->b, fat, LLVMGetParam(c->fn, argi++), 1, "");
      } else if (ty_resolve(t)->kind == TY_UNIT) {
        v = cg_unit(c);
      } else {
        v = LLVMGetParam(c->fn, argi++);
      }
      if (p->kind == PAT_WILD) {
        // `_: T` still owns its argument until the function returns.
        LLVMValueRef slot = cg_alloca(c, cg_lltype(c, t), "_");
        LLVMBuildStore(c->b, v, slot);
        cg_push_cleanup(c, CL_TEMP, t, slot, NULL);
      } else {
        bind_pattern(c, p, v, t);
      }
    }
  }
  LLVMValueRef v = emit_block(c, f->body);
  if (!cg_block_terminated(c)) emit_return(c, v);
  // Blocks nothing reaches (after a return, a panic) still need a terminator.
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(c->fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
    if (LLVMGetBasicBlockTerminator(bb)) continue;
    LLVMPositionBuilderAtEnd(c->b, bb);
    LLVMBuildUnreachable(c->b);
  }
  c->inst = NULL;
  c->cleanups.len = 0;
}

void cg_panic_bounds(CG *c, Span sp, LLVMValueRef idx, LLVMValueRef len) {
  LLVMValueRef args[6] = {idx, len};
  panic_location(c, sp, args + 2);
  cg_call_fn(c, cg_rt(c, "trc_panic_bounds_check"), args, 6);
  LLVMBuildUnreachable(c->b);
}

LLVMValueRef cg_caller_location(CG *c, Span sp) { return caller_location(c, sp); }

// MIR's macro calls (lower/lower.c): the macro's effect once its arguments are places.
// print!-like macros print; panic!-like ones, and the failure paths of assert!, assert_eq!
// and assert_ne! (whose comparison MIR has already made), panic.
LLVMValueRef cg_macro_call(CG *c, Expr *e, LLVMValueRef *places, Type **types) {
  const char *n = e->name;
  if (!strcmp(n, "format")) return LLVMBuildLoad2(c->b, c->t_vec, format_places(c, e, places, types), "");
  bool ln = !strcmp(n, "println") || !strcmp(n, "eprintln");
  if (ln || !strcmp(n, "print") || !strcmp(n, "eprint")) {
    print_string(c, format_places(c, e, places, types), ln, n[0] == 'e');
    return NULL;
  }
  LLVMValueRef s;
  if (!strcmp(n, "assert")) {
    if (e->nfmt) {
      s = format_places(c, e, places, types);
    } else {
      s = cg_alloca(c, c->t_vec, "msg");
      LLVMBuildStore(c->b, empty_vec(c, 1), s);
      size_t len;
      const char *src = span_text(e->args[0]->span, &len);
      push_lit(c, s, "assertion failed: ", 18);
      push_lit(c, s, src, len);
    }
  } else if (!strcmp(n, "assert_eq") || !strcmp(n, "assert_ne")) {
    bool eq = !strcmp(n, "assert_eq");
    s = cg_alloca(c, c->t_vec, "msg");
    LLVMBuildStore(c->b, empty_vec(c, 1), s);
    const char *head = eq ? "assertion `left == right` failed" : "assertion `left != right` failed";
    push_lit(c, s, head, strlen(head));
    if (e->nfmt) {
      LLVMValueRef m = format_places(c, e, places, types);
      push_lit(c, s, ": ", 2);
      LLVMValueRef args[3] = {s, vec_field(c, m, 0), vec_field(c, m, 2)};
      cg_call_fn(c, cg_rt(c, "trc_string_push_bytes"), args, 3);
      free_string(c, m);
    }
    FmtPiece dbg = {.arg = 0, .debug = true, .align = -1};
    push_lit(c, s, "\n  left: ", 9);
    push_formatted(c, s, places[0], types[0], &dbg);
    push_lit(c, s, "\n right: ", 9);
    push_formatted(c, s, places[1], types[1], &dbg);
  } else {
    const char *prefix = !strcmp(n, "unreachable") ? "internal error: entered unreachable code"
                         : !strcmp(n, "todo")      ? "not yet implemented"
                         : !strcmp(n, "unimplemented") ? "not implemented"
                                                   : NULL;
    if (e->nfmt == 0 && !prefix) prefix = "explicit panic";
    s = cg_alloca(c, c->t_vec, "msg");
    LLVMBuildStore(c->b, empty_vec(c, 1), s);
    if (prefix) push_lit(c, s, prefix, strlen(prefix));
    if (e->nfmt) {
      LLVMValueRef m = format_places(c, e, places, types);
      if (prefix) push_lit(c, s, ": ", 2);
      LLVMValueRef args[3] = {s, vec_field(c, m, 0), vec_field(c, m, 2)};
      cg_call_fn(c, cg_rt(c, "trc_string_push_bytes"), args, 3);
      free_string(c, m);
    }
  }
  panic_with_string(c, e->span, s);
  return NULL;
}
