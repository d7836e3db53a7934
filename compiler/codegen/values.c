// values.c — values that several kinds of code build or read: spilled temporaries, the
// parts of strings, Vecs and slices, comparisons, and the conversions MIR's casts name
// (coercions of pointers, `as` on numbers).
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

LLVMValueRef cg_coercion(CG *c, CgValue value, Type *to, Span sp) {
  LLVMValueRef v = value.v;
  Type *from = value.ty;
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
// Strings, Vecs and slices as values

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
    *data = LLVMBuildExtractValue(c->b, recv, 0, "");
    *len = LLVMBuildExtractValue(c->b, recv, 1, "");
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
    *ptr = LLVMBuildExtractValue(c->b, v, 0, "");
    *len = LLVMBuildExtractValue(c->b, v, 2, "");
  } else {
    *ptr = LLVMBuildExtractValue(c->b, v, 0, "");
    *len = LLVMBuildExtractValue(c->b, v, 1, "");
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

// ---------------------------------------------------------------------------------------------
// Casts

// `v as to` for a value of type from: numbers, chars and bools, and a field-less enum's
// discriminant. Float-to-int casts saturate (NaN becomes 0), as Rust's do.
LLVMValueRef cg_numeric_cast(CG *c, CgValue value, Type *to) {
  LLVMValueRef v = value.v;
  Type *from = value.ty;
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
