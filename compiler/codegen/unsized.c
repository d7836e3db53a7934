// unsized.c — values whose size is known only at run time: `dyn Tr`, `str`, `[T]`, and structs
// that end in one of them (`RefCell<dyn Observer>`, std's `RcBox<RefCell<dyn Observer>>`).
//
// Such a value is only ever reached through a fat pointer, whose second word (the metadata) is
// the vtable or the length of the innermost unsized tail. A struct with an unsized tail keeps
// that field last in its layout (types.c), so its other fields are where they are in every
// instance, and its LLVM type is the struct of those other fields only. The tail then starts
// at the first offset past them that the tail's alignment allows, which for `dyn Tr` is read
// from the vtable:
//
//     offset(tail) = round_up(end of the other fields, align_of_val(tail))
//     align_of_val = max(align of the other fields, align_of_val(tail))
//     size_of_val  = round_up(offset(tail) + size_of_val(tail), align_of_val)
//
// rustc computes the same (its `size_and_align_of_dst`), so `&RefCell<Circle>` coerced to
// `&RefCell<dyn Observer>` keeps its data pointer and reaches the same bytes. Dropping such a
// value in place is drop.c's (cg_drop_unsized), on these.
#include "codegen/codegen_internal.h"

static LLVMValueRef vtable_word(CG *c, LLVMValueRef vt, uint64_t index, const char *name) {
  LLVMValueRef off = cg_i64(c, 8 * index);
  LLVMValueRef v = LLVMBuildLoad2(c->b, c->t_i64, LLVMBuildGEP2(c->b, c->t_i8, vt, &off, 1, ""), name);
  LLVMSetMetadata(v, LLVMGetMDKindIDInContext(c->ctx, "invariant.load", 14), LLVMMDNodeInContext(c->ctx, NULL, 0));
  return v;
}

static LLVMValueRef umax(CG *c, LLVMValueRef a, LLVMValueRef b) {
  return LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntUGT, a, b, ""), a, b, "");
}

// round_up(n, align) for a power-of-two align.
static LLVMValueRef round_up(CG *c, LLVMValueRef n, LLVMValueRef align) {
  LLVMValueRef mask = LLVMBuildSub(c->b, align, cg_i64(c, 1), "");
  return LLVMBuildAnd(c->b, LLVMBuildAdd(c->b, n, mask, ""), LLVMBuildNot(c->b, mask, ""), "");
}

// Where the fields before the tail end, and how they are aligned (the struct's LLVM type holds
// exactly those fields).
static void prefix_extent(CG *c, Type *t, uint64_t *end, uint64_t *align) {
  LLVMTypeRef st = cg_lltype(c, t);
  unsigned n = LLVMCountStructElementTypes(st);
  *end = 0;
  *align = 1;
  if (!n) return;
  LLVMTypeRef last = LLVMStructGetTypeAtIndex(st, n - 1);
  *end = LLVMOffsetOfElement(c->td, st, n - 1) + LLVMABISizeOfType(c->td, last);
  *align = LLVMABIAlignmentOfType(c->td, st);
}

LLVMValueRef cg_align_of_val(CG *c, Type *t, LLVMValueRef meta) {
  t = ty_resolve(t);
  if (ty_is_sized(t)) return cg_i64(c, cg_align_of(c, t));
  switch (t->kind) {
  case TY_DYN: return vtable_word(c, meta, 2, "align");
  case TY_STR: return cg_i64(c, 1);
  case TY_SLICE: return cg_i64(c, cg_align_of(c, t->inner));
  default: {
    uint64_t end, align;
    prefix_extent(c, t, &end, &align);
    return umax(c, cg_i64(c, align), cg_align_of_val(c, ty_tail_field(t), meta));
  }
  }
}

LLVMValueRef cg_size_of_val(CG *c, Type *t, LLVMValueRef meta) {
  t = ty_resolve(t);
  if (ty_is_sized(t)) return cg_i64(c, cg_size_of(c, t));
  switch (t->kind) {
  case TY_DYN: return vtable_word(c, meta, 1, "size");
  case TY_STR: return meta;
  case TY_SLICE: return LLVMBuildMul(c->b, meta, cg_i64(c, cg_size_of(c, t->inner)), "");
  default: {
    Type *tail = ty_tail_field(t);
    uint64_t end, align;
    prefix_extent(c, t, &end, &align);
    LLVMValueRef tail_align = cg_align_of_val(c, tail, meta);
    LLVMValueRef off = round_up(c, cg_i64(c, end), tail_align);
    LLVMValueRef size = LLVMBuildAdd(c->b, off, cg_size_of_val(c, tail, meta), "");
    return round_up(c, size, umax(c, cg_i64(c, align), tail_align));
  }
  }
}

LLVMValueRef cg_tail_addr(CG *c, Type *t, LLVMValueRef addr, LLVMValueRef meta) {
  uint64_t end, align;
  prefix_extent(c, t, &end, &align);
  LLVMValueRef off = round_up(c, cg_i64(c, end), cg_align_of_val(c, ty_tail_field(t), meta));
  return LLVMBuildInBoundsGEP2(c->b, c->t_i8, addr, &off, 1, "tail");
}
