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
  if (ty_needs_drop(t)) cg_push_cleanup(c, t, tmp);
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

LLVMValueRef cg_slice_index(CG *c, Expr *e, Span sp, LLVMValueRef whole, LLVMValueRef lo, LLVMValueRef hi, Type *elem) {
  return slice_range_of(c, e, sp, LLVMBuildExtractValue(c->b, whole, 0, ""), LLVMBuildExtractValue(c->b, whole, 1, ""), elem, lo, hi);
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

static void push_formatted(CG *c, LLVMValueRef s, LLVMValueRef place, Type *t, FmtPiece *p);

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
  cg_push_cleanup(c, ty_string, s);
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
// A literal, or a primitive's associated constant, of type t.
static LLVMValueRef const_leaf(LLVMTypeRef lt, Type *t, Expr *e) {
  return t->kind == TY_FLOAT ? LLVMConstReal(lt, e->float_val) : LLVMConstInt(lt, e->int_val, false);
}

static LLVMValueRef const_scalar(CG *c, Expr *e, int depth) {
  if (depth > CONST_DEPTH || e->coerce) return NULL;
  Type *t = ty_resolve(final_ty(c, e));
  if (t->kind != TY_INT && t->kind != TY_FLOAT && t->kind != TY_BOOL && t->kind != TY_CHAR) return NULL;
  LLVMTypeRef lt = cg_lltype(c, t);
  switch (e->kind) {
  case EX_INT: case EX_FLOAT: case EX_BOOL: case EX_CHAR: return const_leaf(lt, t, e);
  case EX_PATH:
    if (e->res == RES_CONST) return const_leaf(lt, t, e);  // i32::MAX, f64::EPSILON
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

// ---------------------------------------------------------------------------------------------
// Control flow

// ---------------------------------------------------------------------------------------------
// Expressions

// ---------------------------------------------------------------------------------------------
// Statements and blocks

// ---------------------------------------------------------------------------------------------
// Function bodies


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
