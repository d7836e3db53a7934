// values.c — values that several kinds of code build or read: spilled temporaries, the
// parts of strings, Vecs and slices, comparisons.
#include "codegen/codegen_internal.h"

#include <string.h>

// An expression's type as its own code produces it (before the checker's coercion), and as its
// consumer sees it (after), for the builtins that MIR calls with the expression itself.
Type *cg_raw_ty(CG *c, Expr *e) { return cg_type_of(c, e->coerce ? e->coerce_from : e->ty); }
Type *cg_final_ty(CG *c, Expr *e) { return cg_type_of(c, e->ty); }

// Stores an rvalue in a temporary and returns its address; the temporary is dropped when the
// enclosing statement's cleanups run.
LLVMValueRef cg_spill(CG *c, LLVMValueRef v, Type *t) {
  LLVMValueRef tmp = cg_alloca(c, cg_lltype(c, t), "tmp");
  LLVMBuildStore(c->b, v, tmp);
  if (ty_needs_drop(t)) cg_push_cleanup(c, t, tmp);
  return tmp;
}

// Drops a value that nobody keeps (the result of `f();`, `let _ = f();`, `drop(x)`).
void cg_drop_value(CG *c, LLVMValueRef v, Type *t) {
  if (!ty_needs_drop(t) || cg_block_terminated(c)) return;
  LLVMValueRef tmp = cg_alloca(c, cg_lltype(c, t), "dropped");
  LLVMBuildStore(c->b, v, tmp);
  cg_emit_drop(c, tmp, t);
}

LLVMValueRef cg_empty_vec(CG *c, uint64_t align) {
  LLVMValueRef fields[3] = {LLVMConstIntToPtr(cg_i64(c, align), c->t_ptr), cg_i64(c, 0), cg_i64(c, 0)};
  return LLVMConstStructInContext(c->ctx, fields, 3, false);
}

LLVMValueRef cg_vec_field(CG *c, LLVMValueRef vecp, int i) {
  return LLVMBuildLoad2(c->b, i == 0 ? c->t_ptr : c->t_i64, LLVMBuildStructGEP2(c->b, c->t_vec, vecp, i, ""), "");
}

LLVMValueRef cg_string_from_parts(CG *c, LLVMValueRef ptr, LLVMValueRef len) {
  LLVMValueRef s = cg_alloca(c, c->t_vec, "string");
  LLVMBuildStore(c->b, cg_empty_vec(c, 1), s);
  LLVMValueRef args[3] = {s, ptr, len};
  cg_call_fn(c, cg_rt(c, "trc_string_push_bytes"), args, 3);
  return LLVMBuildLoad2(c->b, c->t_vec, s, "");
}

// The elements of a Vec, array or slice receiver (a Vec or array by address, a slice as its
// fat pointer).
void cg_seq_parts(CG *c, LLVMValueRef recv, Type *self, LLVMValueRef *data, LLVMValueRef *len) {
  self = ty_resolve(self);
  if (self->kind == TY_ITER) recv = LLVMBuildLoad2(c->b, c->t_slice, recv, "");  // by reference
  if (self->kind == TY_VEC) {
    *data = cg_vec_field(c, recv, 0);
    *len = cg_vec_field(c, recv, 2);
  } else if (self->kind == TY_ARRAY) {
    *data = recv;
    *len = cg_i64(c, self->len);
  } else {
    *data = cg_extract(c, recv, 0, "");
    *len = cg_extract(c, recv, 1, "");
  }
}

// Extracts the bytes of a String (value or address), &str or &String value.
void cg_str_parts(CG *c, LLVMValueRef v, Type *t, LLVMValueRef *ptr, LLVMValueRef *len) {
  t = ty_resolve(t);
  while (t->kind == TY_REF && ty_resolve(t->inner)->kind == TY_REF) {
    v = LLVMBuildLoad2(c->b, cg_lltype(c, t->inner), v, "");
    t = ty_resolve(t->inner);
  }
  if (t->kind == TY_REF && ty_resolve(t->inner)->kind == TY_STRING) {
    *ptr = cg_vec_field(c, v, 0);
    *len = cg_vec_field(c, v, 2);
  } else if (t->kind == TY_STRING) {
    *ptr = cg_extract(c, v, 0, "");
    *len = cg_extract(c, v, 2, "");
  } else {
    *ptr = cg_extract(c, v, 0, "");
    *len = cg_extract(c, v, 1, "");
  }
}

// ---------------------------------------------------------------------------------------------
// Comparisons

LLVMValueRef cg_compare(CG *c, TokenKind op, LLVMValueRef a, LLVMValueRef b, Type *t) {
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
LLVMValueRef cg_str_compare(CG *c, TokenKind op, LLVMValueRef a, Type *ta, LLVMValueRef b, Type *tb) {
  LLVMValueRef pa, la, pb, lb;
  cg_str_parts(c, a, ta, &pa, &la);
  cg_str_parts(c, b, tb, &pb, &lb);
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

// The global of a `static mut`, made on first use. Its value is a constant expression, which
// the C `main` computes into it before anything can read it (at -O2 LLVM folds that into the
// global's initializer).
LLVMValueRef cg_static_mut(CG *c, FnDecl *value_fn) {
  LLVMValueRef g = ptrmap_get(&c->statics, value_fn, NULL);
  if (g) return g;
  LLVMTypeRef ty = cg_lltype(c, value_fn->ret_type);
  g = LLVMAddGlobal(c->mod, ty, arena_printf("%s%s", module_symbol_prefix(value_fn->span), value_fn->name));
  LLVMSetInitializer(g, LLVMConstNull(ty));
  LLVMSetLinkage(g, LLVMInternalLinkage);
  LLVMSetThreadLocal(g, value_fn->is_thread_local);  // each thread's starts zeroed (None)
  ptrmap_put(&c->statics, value_fn, NULL, g);
  vec_push(&c->static_fns, value_fn);
  return g;
}
