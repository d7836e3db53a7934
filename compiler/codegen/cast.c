// cast.c — the conversions MIR's casts name: coercions of pointers (unsizing to `dyn` or a
// slice, upcasts, reborrows, deref coercions) and `as` on numbers. Apart from values.c because
// unsizing builds vtables (vtable.c), which the builtin impls' code below values.c must not see.
#include "codegen/codegen_internal.h"

#include <string.h>

// ---------------------------------------------------------------------------------------------
// Coercions

// `&dyn Sub` to `&dyn Super`: the same data pointer with Super's vtable, which is either Sub's
// own (Super is on the chain of first supertraits, a prefix) or the one Sub's vtable points
// to from Super's TraitVPtr slot.
static LLVMValueRef emit_upcast(CG *c, LLVMValueRef fat, Type *from_dyn, Type *to_dyn) {
  TraitDecl *src = from_dyn->principal->trait, *dst = to_dyn->principal->trait;
  int slot = src == dst ? -1 : vtable_upcast_slot(src, dst);
  if (slot < 0) return fat;  // dropping `+ Send`, or a prefix: the pointer is reused
  LLVMValueRef vt = cg_extract(c, fat, 1, "vtable");
  LLVMValueRef off = cg_i64(c, 8 * slot);
  LLVMValueRef p = LLVMBuildInBoundsGEP2(c->b, c->t_i8, vt, &off, 1, "");
  LLVMValueRef super_vt = LLVMBuildLoad2(c->b, c->t_ptr, p, arena_printf("vtable.%s", dst->name));
  LLVMSetMetadata(super_vt, LLVMGetMDKindIDInContext(c->ctx, "invariant.load", 14), LLVMMDNodeInContext(c->ctx, NULL, 0));
  return LLVMBuildInsertValue(c->b, fat, super_vt, 1, "");
}

// std's Rc<T> to Rc<dyn Tr> (CoerceUnsized): the struct with its pointer field coerced.
static LLVMValueRef coerce_pointer_field(CG *c, LLVMValueRef v, Type *from, Type *to, Span sp) {
  StructDecl *s = from->sdecl;
  int f = ty_pointer_field(s);
  Type *pf = cg_subst(s->fields[f].type, from->args, from->nargs), *pt = cg_subst(s->fields[f].type, to->args, to->nargs);
  unsigned slot = (unsigned)cg_field_slot(c, from, f);
  LLVMValueRef p = cg_coercion(c, cg_value(cg_extract(c, v, slot, ""), pf), pt, sp);
  LLVMValueRef out = LLVMGetUndef(cg_lltype(c, to));
  for (int i = 0; i < s->nfields; i++) {
    unsigned si = (unsigned)cg_field_slot(c, from, i);
    out = LLVMBuildInsertValue(c->b, out, i == f ? p : cg_extract(c, v, si, ""), (unsigned)cg_field_slot(c, to, i), "");
  }
  return out;
}

LLVMValueRef cg_coercion(CG *c, CgValue value, Type *to, Span sp) {
  LLVMValueRef v = value.v;
  Type *from = value.ty;
  for (int guard = 0; guard < 16; guard++) {
    from = ty_resolve(from);
    to = ty_resolve(to);
    if (from == to) return v;
    if (from->kind == TY_NEVER) return LLVMGetUndef(cg_lltype(c, to));
    if (from->kind == TY_CLOSURE && to->kind == TY_FN) return cg_closure_fn_pointer(c, from);
    if (from->kind == TY_STRUCT && to->kind == TY_STRUCT && from->sdecl == to->sdecl && from->sdecl->coerce_unsized)
      return coerce_pointer_field(c, v, from, to, sp);
    Type *fi = ty_resolve(ty_pointee(from)), *ti = ty_resolve(ty_pointee(to));
    if (!fi || !ti) break;
    // Unsizing to a trait object, also as a struct's tail: `&dyn Sub` (or `&RcBox<dyn Sub>`) to
    // Super is an upcast of the metadata; `&Circle` (or `&RefCell<Circle>`) keeps its address and
    // gains Circle's vtable.
    Type *src, *dyn;
    if ((ti->kind == TY_DYN || (ti->kind == TY_STRUCT && !ty_is_sized(ti))) && ty_unsize_pair(fi, ti, &src, &dyn)) {
      if (src->kind == TY_DYN) return emit_upcast(c, v, src, dyn);
      LLVMValueRef fat = LLVMBuildInsertValue(c->b, LLVMGetUndef(c->t_dynptr), v, 0, "");
      return LLVMBuildInsertValue(c->b, fat, cg_vtable(c, src, dyn->principal), 1, "");
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

// A cast to or from a raw pointer. Pointers are one LLVM `ptr` whatever they point to, so only
// an integer (ptrtoint/inttoptr) or a fat pointer made thin (its data pointer) changes the value.
LLVMValueRef cg_ptr_cast(CG *c, CgValue value, Type *to) {
  Type *from = ty_resolve(value.ty);
  to = ty_resolve(to);
  LLVMValueRef v = value.v;
  if (from->kind == TY_INT) return LLVMBuildIntToPtr(c->b, v, c->t_ptr, "");
  if (LLVMGetTypeKind(LLVMTypeOf(v)) == LLVMStructTypeKind) {  // `*const [T]` as `*const T`
    if (LLVMGetTypeKind(cg_lltype(c, to)) == LLVMStructTypeKind) return v;
    v = cg_extract(c, v, 0, "");
  }
  if (to->kind == TY_INT) return LLVMBuildIntCast2(c->b, LLVMBuildPtrToInt(c->b, v, c->t_i64, ""), cg_lltype(c, to), false, "");
  return v;
}
