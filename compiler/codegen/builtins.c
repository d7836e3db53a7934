// builtins.c — the compiler-known methods and functions that MIR calls (CALLEE_BUILTIN):
// Vec, String, slice and str methods, parse, size_of, drop, mem::swap, process::exit, and
// vec![..]. Each gets its operands evaluated; the code here is what the method does. The
// builtins are listed in compiler/syntax/builtins.def.
#include "codegen/codegen_internal.h"

#include <string.h>

// &v[a..b] (the index expression e): the slice {data + a, b - a} after the checks rustc
// makes, with its messages; lo and hi are the bounds' values (NULL where the range has none).
static LLVMValueRef slice_range_of(CG *c, Expr *e, Span sp, LLVMValueRef data, LLVMValueRef len, Type *elem, LLVMValueRef lo,
                                   LLVMValueRef hi) {
  Expr *r = e->rhs;
  if (!lo) lo = cg_i64(c, 0);
  if (!hi) hi = len;
  LLVMValueRef args[8] = {lo, hi, len, LLVMConstInt(c->t_i32, r->inclusive, 0)};
  cg_panic_location(c, sp, args + 4);
  cg_call_fn(c, cg_rt(c, "trc_slice_check"), args, 8);
  if (r->inclusive) hi = LLVMBuildAdd(c->b, hi, cg_i64(c, 1), "");
  LLVMValueRef start = LLVMBuildGEP2(c->b, cg_lltype(c, elem), data, &lo, 1, "");
  LLVMValueRef fat = LLVMBuildInsertValue(c->b, LLVMGetUndef(c->t_slice), start, 0, "");
  return LLVMBuildInsertValue(c->b, fat, LLVMBuildSub(c->b, hi, lo, ""), 1, "");
}

LLVMValueRef cg_slice_index(CG *c, Expr *e, Span sp, LLVMValueRef whole, LLVMValueRef lo, LLVMValueRef hi, Type *elem) {
  return slice_range_of(c, e, sp, cg_extract(c, whole, 0, ""), cg_extract(c, whole, 1, ""), elem, lo, hi);
}

static void emit_vec_push(CG *c, LLVMValueRef vecp, LLVMValueRef v, Type *el) {
  LLVMValueRef len = cg_vec_field(c, vecp, 2), cap = cg_vec_field(c, vecp, 1);
  LLVMBasicBlockRef grow = cg_new_block(c, "grow"), store = cg_new_block(c, "store");
  LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, len, cap, ""), grow, store);
  cg_set_block(c, grow);
  LLVMValueRef args[4] = {vecp, cg_i64(c, 1), cg_i64(c, cg_size_of(c, el)), cg_i64(c, cg_align_of(c, el))};
  cg_call_fn(c, cg_rt(c, "trc_vec_reserve"), args, 4);
  LLVMBuildBr(c->b, store);
  cg_set_block(c, store);
  LLVMValueRef buf = cg_vec_field(c, vecp, 0);
  LLVMValueRef at = LLVMBuildGEP2(c->b, cg_lltype(c, el), buf, &len, 1, "");
  if (cg_in_memory(c, el)) cg_copy(c, at, v, el);  // v is its address (cg_builtin_arg_by_ref)
  else LLVMBuildStore(c->b, v, at);
  LLVMBuildStore(c->b, LLVMBuildAdd(c->b, len, cg_i64(c, 1), ""), LLVMBuildStructGEP2(c->b, c->t_vec, vecp, 2, ""));
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

// What __trc_parse_int / __trc_parse_float return, the Result type res: Ok(v) when the runtime
// reported status 0, else Err(E { kind }) with kinds[status - 1], a variant of E's kind enum.
static LLVMValueRef parse_result(CG *c, Type *res, LLVMValueRef v, LLVMValueRef statusp, const char *const *kinds, int nkinds) {
  LLVMValueRef out = cg_alloca(c, cg_lltype(c, res), "parsed");
  LLVMBasicBlockRef done = cg_new_block(c, "parse.done"), yes = cg_new_block(c, "parse.ok");
  Type *err = ty_resolve(res->args[1]);
  Type *kind = ty_resolve(cg_ctor_field_type(err, -1, 0));
  LLVMValueRef sw = LLVMBuildSwitch(c->b, LLVMBuildLoad2(c->b, c->t_i32, statusp, ""), yes, (unsigned)nkinds);
  for (int k = 0; k < nkinds; k++) {
    LLVMBasicBlockRef bb = cg_new_block(c, kinds[k]);
    LLVMAddCase(sw, LLVMConstInt(c->t_i32, (uint64_t)k + 1, 0), bb);
    cg_set_block(c, bb);
    LLVMValueRef ev = cg_alloca(c, cg_lltype(c, err), "err");
    cg_store_variant(c, kind, find_variant(kind->sdecl, intern_cstr(kinds[k])), cg_ctor_field_addr(c, err, -1, ev, 0), NULL);
    LLVMValueRef e_val = cg_load(c, err, ev);
    cg_store_variant(c, res, 1, out, &e_val);
    LLVMBuildBr(c->b, done);
  }
  cg_set_block(c, yes);
  cg_store_variant(c, res, 0, out, &v);
  LLVMBuildBr(c->b, done);
  cg_set_block(c, done);
  return cg_load(c, res, out);
}

// <int as FromStr>::from_str (radix NULL) or int::from_str_radix(s, radix) of the text s (a
// &str): Ok(n), or Err(ParseIntError) when the text is not a number of that type (the runtime
// checks the range: the type's MAX is passed).
static LLVMValueRef emit_parse(CG *c, Expr *e, LLVMValueRef s, LLVMValueRef radix) {
  Type *res = ty_resolve(cg_raw_ty(c, e));
  Type *t = ty_resolve(res->args[0]);
  LLVMValueRef ptr, len;
  cg_str_parts(c, s, ty_ref(ty_str, false), &ptr, &len);
  LLVMValueRef statusp = cg_alloca(c, c->t_i32, "status");
  uint64_t max = t->bits >= 64 ? (t->is_signed ? (uint64_t)INT64_MAX : UINT64_MAX) : (1ull << (t->bits - t->is_signed)) - 1;
  LLVMValueRef v;
  if (radix) {
    LLVMValueRef check[2] = {radix, LLVMConstInt(c->t_i32, t->is_signed, 0)};
    cg_call_fn(c, cg_rt(c, "trc_parse_check_radix"), check, 2);
  }
  if (t->bits == 128) {
    LLVMValueRef out = cg_alloca(c, cg_lltype(c, t), "parsed.int");
    LLVMValueRef args[6] = {ptr, len, LLVMConstInt(c->t_i32, t->is_signed, 0), radix ? radix : LLVMConstInt(c->t_i32, 10, 0), out, statusp};
    cg_call_fn(c, cg_rt(c, "trc_parse_int128"), args, 6);
    v = cg_load(c, t, out);
  } else if (radix) {
    LLVMValueRef args[5] = {ptr, len, cg_i64(c, max), radix, statusp};
    v = cg_call_fn(c, cg_rt(c, t->is_signed ? "trc_parse_i64_radix" : "trc_parse_u64_radix"), args, 5);
  } else {
    LLVMValueRef args[4] = {ptr, len, cg_i64(c, max), statusp};
    v = cg_call_fn(c, cg_rt(c, t->is_signed ? "trc_parse_i64" : "trc_parse_u64"), args, 4);
  }
  if (t->bits < 64) v = LLVMBuildTrunc(c->b, v, cg_lltype(c, t), "");  // in range: the runtime checked
  static const char *const kinds[4] = {"Empty", "InvalidDigit", "PosOverflow", "NegOverflow"};
  return parse_result(c, res, v, statusp, kinds, 4);
}

// <f32 or f64 as FromStr>::from_str.
static LLVMValueRef emit_parse_float(CG *c, Expr *e, LLVMValueRef s) {
  Type *res = ty_resolve(cg_raw_ty(c, e));
  Type *t = ty_resolve(res->args[0]);
  LLVMValueRef ptr, len;
  cg_str_parts(c, s, ty_ref(ty_str, false), &ptr, &len);
  LLVMValueRef statusp = cg_alloca(c, c->t_i32, "status");
  LLVMValueRef args[4] = {ptr, len, LLVMConstInt(c->t_i32, t->bits == 32, 0), statusp};
  LLVMValueRef v = cg_call_fn(c, cg_rt(c, "trc_parse_float"), args, 4);
  if (t->bits == 32) v = LLVMBuildFPTrunc(c->b, v, cg_lltype(c, t), "");  // exact: it was an f32
  static const char *const kinds[2] = {"Empty", "Invalid"};
  return parse_result(c, res, v, statusp, kinds, 2);
}

// A builtin method of call e on its evaluated receiver and arguments (argv[i] for e->args[i]).
LLVMValueRef cg_builtin_method(CG *c, Expr *e, LLVMValueRef recv, LLVMValueRef *argv) {
  Type *self = ty_resolve(cg_type_of(c, e->self_ty));
  LLVMValueRef arg = e->nargs ? argv[0] : NULL;
  switch (e->builtin) {
  case BI_VEC_PUSH: emit_vec_push(c, recv, arg, self->inner); return cg_unit(c);
  case BI_SLICE_LEN: case BI_SLICE_IS_EMPTY: case BI_ITER: case BI_ITER_MUT: {
    LLVMValueRef data, len;
    cg_seq_parts(c, recv, self, &data, &len);
    if (e->builtin == BI_SLICE_LEN) return len;
    if (e->builtin == BI_SLICE_IS_EMPTY) return LLVMBuildICmp(c->b, LLVMIntEQ, len, cg_i64(c, 0), "");
    LLVMValueRef fat = LLVMBuildInsertValue(c->b, LLVMGetUndef(c->t_slice), data, 0, "");
    return LLVMBuildInsertValue(c->b, fat, len, 1, "");
  }
  case BI_SLICE_SWAP: {
    LLVMValueRef data, len;
    cg_seq_parts(c, recv, self, &data, &len);
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
    Type *opt = cg_raw_ty(c, e);
    LLVMValueRef out = cg_alloca(c, cg_lltype(c, opt), "popped");
    LLVMValueRef len = cg_vec_field(c, recv, 2);
    LLVMBasicBlockRef none = cg_new_block(c, "pop.none"), some = cg_new_block(c, "pop.some"), done = cg_new_block(c, "pop.done");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, len, cg_i64(c, 0), ""), none, some);
    cg_set_block(c, none);
    cg_store_variant(c, opt, 0, out, NULL);
    LLVMBuildBr(c->b, done);
    cg_set_block(c, some);
    LLVMValueRef last = LLVMBuildSub(c->b, len, cg_i64(c, 1), "");
    LLVMBuildStore(c->b, last, LLVMBuildStructGEP2(c->b, c->t_vec, recv, 2, ""));
    LLVMValueRef v = cg_load(c, el, LLVMBuildGEP2(c->b, cg_lltype(c, el), cg_vec_field(c, recv, 0), &last, 1, ""));
    cg_store_variant(c, opt, 1, out, &v);
    LLVMBuildBr(c->b, done);
    cg_set_block(c, done);
    return cg_load(c, opt, out);
  }
  case BI_VEC_REMOVE: {
    Type *el = ty_resolve(self->inner);
    LLVMValueRef out = cg_alloca(c, cg_lltype(c, el), "removed");
    LLVMValueRef args[8] = {recv, arg, cg_i64(c, cg_size_of(c, el)), out};
    cg_panic_location(c, e->name_span, args + 4);
    cg_call_fn(c, cg_rt(c, "trc_vec_remove"), args, 8);
    return cg_load(c, el, out);
  }
  case BI_VEC_INSERT: {
    Type *el = ty_resolve(self->inner);
    LLVMValueRef v = argv[1];
    LLVMValueRef len = cg_vec_field(c, recv, 2);
    emit_vec_push(c, recv, v, el);
    LLVMValueRef args[8] = {recv, arg, cg_i64(c, cg_size_of(c, el)), len};
    cg_panic_location(c, e->name_span, args + 4);
    cg_call_fn(c, cg_rt(c, "trc_vec_insert"), args, 8);
    return cg_unit(c);
  }
  case BI_VEC_LEN: case BI_STRING_LEN: return cg_vec_field(c, recv, 2);
  case BI_VEC_CAPACITY: return cg_vec_field(c, recv, 1);
  case BI_VEC_IS_EMPTY: return LLVMBuildICmp(c->b, LLVMIntEQ, cg_vec_field(c, recv, 2), cg_i64(c, 0), "");
  case BI_VEC_CLEAR: {
    // Drop the elements, then forget them: the buffer stays.
    if (ty_needs_drop(self->inner)) cg_drop_elements(c, cg_vec_field(c, recv, 0), cg_i64(c, 0), cg_vec_field(c, recv, 2), self->inner);
    LLVMBuildStore(c->b, cg_i64(c, 0), LLVMBuildStructGEP2(c->b, c->t_vec, recv, 2, ""));
    return cg_unit(c);
  }
  case BI_STRING_PUSH_STR: {
    LLVMValueRef args[3] = {recv, cg_extract(c, arg, 0, ""), cg_extract(c, arg, 1, "")};
    cg_call_fn(c, cg_rt(c, "trc_string_push_bytes"), args, 3);
    return cg_unit(c);
  }
  case BI_STRING_PUSH: {
    LLVMValueRef args[2] = {recv, arg};
    cg_call_fn(c, cg_rt(c, "trc_string_push_char"), args, 2);
    return cg_unit(c);
  }
  case BI_STRING_AS_STR: {
    LLVMValueRef fat = LLVMBuildInsertValue(c->b, LLVMGetUndef(c->t_slice), cg_vec_field(c, recv, 0), 0, "");
    return LLVMBuildInsertValue(c->b, fat, cg_vec_field(c, recv, 2), 1, "");
  }
  case BI_STRING_CLONE: return cg_string_from_parts(c, cg_vec_field(c, recv, 0), cg_vec_field(c, recv, 2));
  case BI_TO_STRING: {
    // ToString through Display: format the value into a fresh String.
    LLVMValueRef s = cg_alloca(c, c->t_vec, "string");
    LLVMBuildStore(c->b, cg_empty_vec(c, 1), s);
    FmtPiece display = {.arg = 0, .align = -1};
    cg_push_formatted(c, s, recv, self, &display);
    return LLVMBuildLoad2(c->b, c->t_vec, s, "");
  }
  case BI_STR_TO_STRING:
    return cg_string_from_parts(c, cg_extract(c, recv, 0, ""), cg_extract(c, recv, 1, ""));
  case BI_STR_LEN: return cg_extract(c, recv, 1, "");
  case BI_STR_IS_EMPTY: {
    LLVMValueRef len = self->kind == TY_STRING ? cg_vec_field(c, recv, 2) : cg_extract(c, recv, 1, "");
    return LLVMBuildICmp(c->b, LLVMIntEQ, len, cg_i64(c, 0), "");
  }
  default:
    if (cg_is_num_method(e->builtin)) return cg_num_method(c, e, self, recv, argv);
    ice(e->span, "unhandled builtin method");
  }
}

// A builtin function of call e on its evaluated arguments (argv[i] for e->args[i]).
// A range {start, end} at `slot` (`a..b`, or `a..=b` when inclusive): whether it has an element
// left, or its first or last one, taken. An inclusive range is left as 1..=0 when its last
// element is taken, which holds for every integer type and char (no overflow at MAX).
static LLVMValueRef cg_range_step(CG *c, int op, LLVMValueRef slot, Type *range) {
  LLVMTypeRef rt = cg_lltype(c, range), et = cg_lltype(c, range->inner);
  Type *el = ty_resolve(range->inner);
  bool sig = el->kind == TY_INT && el->is_signed, incl = range->len;
  LLVMValueRef r = LLVMBuildLoad2(c->b, rt, slot, "");
  LLVMValueRef lo = cg_extract(c, r, 0, ""), hi = cg_extract(c, r, 1, "");
  if (op == BI_RANGE_HAS_NEXT) {
    LLVMIntPredicate p = incl ? (sig ? LLVMIntSLE : LLVMIntULE) : (sig ? LLVMIntSLT : LLVMIntULT);
    return LLVMBuildICmp(c->b, p, lo, hi, "");
  }
  LLVMValueRef one = LLVMConstInt(et, 1, false), zero = LLVMConstInt(et, 0, false);
  LLVMValueRef v, nlo = lo, nhi = hi;
  if (op == BI_RANGE_TAKE_FRONT) v = lo, nlo = LLVMBuildAdd(c->b, lo, one, "");
  else v = incl ? hi : LLVMBuildSub(c->b, hi, one, ""), nhi = LLVMBuildSub(c->b, hi, one, "");
  if (incl) {  // the last one: leave 1..=0
    LLVMValueRef last = LLVMBuildICmp(c->b, LLVMIntEQ, lo, hi, "");
    nlo = LLVMBuildSelect(c->b, last, one, op == BI_RANGE_TAKE_FRONT ? nlo : lo, "");
    nhi = LLVMBuildSelect(c->b, last, zero, op == BI_RANGE_TAKE_FRONT ? hi : nhi, "");
  }
  LLVMBuildStore(c->b, LLVMBuildInsertValue(c->b, LLVMBuildInsertValue(c->b, r, nlo, 0, ""), nhi, 1, ""), slot);
  return v;
}

// std::sync::atomic's operations on an integer place (argv[0]), sequentially consistent, aligned
// to the integer's size as the Atomic types are.
static LLVMValueRef emit_atomic(CG *c, Builtin op, Type *t, LLVMValueRef *argv) {
  const LLVMAtomicOrdering sc = LLVMAtomicOrderingSequentiallyConsistent;
  LLVMTypeRef lt = cg_lltype(c, t);
  unsigned align = (unsigned)cg_size_of(c, t);
  LLVMValueRef v;
  if (op == BI_ATOMIC_LOAD) {
    v = LLVMBuildLoad2(c->b, lt, argv[0], "");
    LLVMSetOrdering(v, sc);
    LLVMSetAlignment(v, align);
    return v;
  }
  if (op == BI_ATOMIC_STORE) {
    v = LLVMBuildStore(c->b, argv[1], argv[0]);
    LLVMSetOrdering(v, sc);
    LLVMSetAlignment(v, align);
    return cg_unit(c);
  }
  if (op == BI_ATOMIC_CAS) {
    v = LLVMBuildAtomicCmpXchg(c->b, argv[0], argv[1], argv[2], sc, sc, 0);
    return cg_extract(c, v, 0, "");
  }
  bool sgn = t->kind == TY_INT && t->is_signed;
  LLVMAtomicRMWBinOp rmw = op == BI_ATOMIC_SWAP ? LLVMAtomicRMWBinOpXchg
                         : op == BI_ATOMIC_ADD ? LLVMAtomicRMWBinOpAdd
                         : op == BI_ATOMIC_SUB ? LLVMAtomicRMWBinOpSub
                         : op == BI_ATOMIC_AND ? LLVMAtomicRMWBinOpAnd
                         : op == BI_ATOMIC_OR ? LLVMAtomicRMWBinOpOr
                         : op == BI_ATOMIC_XOR ? LLVMAtomicRMWBinOpXor
                         : op == BI_ATOMIC_MAX ? (sgn ? LLVMAtomicRMWBinOpMax : LLVMAtomicRMWBinOpUMax)
                                               : (sgn ? LLVMAtomicRMWBinOpMin : LLVMAtomicRMWBinOpUMin);
  v = LLVMBuildAtomicRMW(c->b, rmw, argv[0], argv[1], sc, 0);
  LLVMSetAlignment(v, align);
  return v;
}

// The builtins that move a value of any type into memory take one in memory by its address:
// Box::new(v), v.push(x), v.insert(i, x) (operand 0 of a method is its receiver).
bool cg_builtin_arg_by_ref(CG *c, Expr *e, int i, Type *t) {
  if (!cg_in_memory(c, t)) return false;
  if (e->kind == EX_CALL) return e->sub->builtin == BI_BOX_NEW && i == 0;
  if (e->kind == EX_METHOD) return (e->builtin == BI_VEC_PUSH && i == 1) || (e->builtin == BI_VEC_INSERT && i == 2);
  return false;
}

LLVMValueRef cg_builtin_call(CG *c, Expr *e, LLVMValueRef *argv) {
  Expr *callee = e->sub;
  Type *t = cg_raw_ty(c, e);
  switch (callee->builtin) {
  case BI_BOX_NEW: {  // (a value in memory comes as its address: cg_builtin_arg_by_ref)
    Type *in = ty_resolve(t)->inner;
    LLVMValueRef v = argv[0];
    LLVMValueRef args[2] = {cg_i64(c, cg_size_of(c, in)), cg_i64(c, cg_align_of(c, in))};
    LLVMValueRef p = cg_call_fn(c, cg_rt(c, "trc_alloc"), args, 2);
    if (cg_in_memory(c, in)) cg_copy(c, p, v, in);
    else LLVMBuildStore(c->b, v, p);
    return p;
  }
  case BI_VEC_NEW: return cg_empty_vec(c, cg_align_of(c, ty_resolve(t)->inner));
  case BI_VEC_INTO_ARRAY: {  // a Vec of exactly N elements: they move into the array, the buffer is freed
    Type *arr = ty_resolve(t), *el = ty_resolve(arr->inner);
    LLVMValueRef v = cg_alloca(c, c->t_vec, "mapped");
    LLVMBuildStore(c->b, argv[0], v);
    LLVMValueRef out = LLVMGetUndef(cg_lltype(c, arr));
    if (arr->len && cg_size_of(c, el)) out = LLVMBuildLoad2(c->b, cg_lltype(c, arr), cg_vec_field(c, v, 0), "");
    LLVMValueRef args[3] = {v, cg_i64(c, cg_size_of(c, el)), cg_i64(c, cg_align_of(c, el))};
    cg_call_fn(c, cg_rt(c, "trc_vec_free"), args, 3);
    return out;
  }
  case BI_ARRAY_INTO_VEC: {  // the array's elements moved to the heap: a Vec of len and capacity N
    Type *arr = ty_resolve(cg_final_ty(c, e->args[0])), *el = ty_resolve(arr->inner);
    if (!arr->len || !cg_size_of(c, el)) return cg_empty_vec(c, cg_align_of(c, el));
    LLVMValueRef args[2] = {cg_i64(c, cg_size_of(c, arr)), cg_i64(c, cg_align_of(c, el))};
    LLVMValueRef p = cg_call_fn(c, cg_rt(c, "trc_alloc"), args, 2);
    LLVMBuildStore(c->b, argv[0], p);
    LLVMValueRef fields[3] = {p, cg_i64(c, arr->len), cg_i64(c, arr->len)};
    LLVMValueRef v = LLVMGetUndef(c->t_vec);
    for (unsigned i = 0; i < 3; i++) v = LLVMBuildInsertValue(c->b, v, fields[i], i, "");
    return v;
  }
  case BI_VEC_WITH_CAPACITY: {
    Type *el = ty_resolve(t)->inner;
    LLVMValueRef n = argv[0];
    LLVMValueRef v = cg_alloca(c, c->t_vec, "vec");
    LLVMBuildStore(c->b, cg_empty_vec(c, cg_align_of(c, el)), v);
    LLVMValueRef args[4] = {v, n, cg_i64(c, cg_size_of(c, el)), cg_i64(c, cg_align_of(c, el))};
    cg_call_fn(c, cg_rt(c, "trc_vec_reserve"), args, 4);
    return LLVMBuildLoad2(c->b, c->t_vec, v, "");
  }
  case BI_STRING_NEW: return cg_empty_vec(c, 1);
  case BI_INT_FROM_STR_RADIX:
    return emit_parse(c, e, argv[0], argv[1]);
  case BI_FLOAT_FROM_BITS: return LLVMBuildBitCast(c->b, argv[0], cg_lltype(c, t), "");
  case BI_SIZE_OF: return cg_i64(c, cg_size_of(c, cg_type_of(c, e->fn_targs[0])));
  case BI_ALIGN_OF: return cg_i64(c, cg_align_of(c, cg_type_of(c, e->fn_targs[0])));
  case BI_SIZE_OF_VAL: case BI_ALIGN_OF_VAL: {
    Type *pointee = ty_resolve(ty_resolve(cg_final_ty(c, e->args[0]))->inner);
    bool fat = LLVMGetTypeKind(LLVMTypeOf(argv[0])) == LLVMStructTypeKind;
    LLVMValueRef meta = fat ? cg_extract(c, argv[0], 1, "") : NULL;
    return callee->builtin == BI_SIZE_OF_VAL ? cg_size_of_val(c, pointee, meta) : cg_align_of_val(c, pointee, meta);
  }
  case BI_TYPE_ID: return cg_i64(c, ty_type_id(cg_type_of(c, e->fn_targs[0])));
  case BI_TYPE_NAME: {
    const char *name = ty_type_name(cg_type_of(c, e->fn_targs[0]));
    return cg_const_str(c, name, strlen(name));
  }
  case BI_DYN_DATA:  // a fat pointer's data address (a thin one is its own)
    return LLVMGetTypeKind(LLVMTypeOf(argv[0])) == LLVMStructTypeKind ? cg_extract(c, argv[0], 0, "") : argv[0];
  case BI_DROP: {
    LLVMValueRef v = argv[0];
    cg_drop_value(c, v, cg_final_ty(c, e->args[0]));
    return cg_unit(c);
  }
  case BI_FORGET: return cg_unit(c);  // moved in, so nothing drops it: its destructor never runs
  case BI_READ: return cg_load(c, t, argv[0]);
  case BI_BOX_LEAK: case BI_BOX_FROM_REF: case BI_AS_MUT: return argv[0];  // one pointer, seen otherwise
  case BI_TRANSMUTE: {  // the value's bytes read back as the other type
    Type *from = cg_final_ty(c, e->args[0]);
    uint64_t a = cg_size_of(c, from), b = cg_size_of(c, t);
    if (a != b) {
      Diag *d = diag_error(e->sub->span, "E0512", "cannot transmute between types of different sizes, or dependently-sized types");
      diag_note(d, "source type: `%s` (%llu bits)", ty_name(from), (unsigned long long)a * 8);
      diag_note(d, "target type: `%s` (%llu bits)", ty_name(t), (unsigned long long)b * 8);
      diag_emit(d);
      return LLVMGetUndef(cg_lltype(c, t));
    }
    LLVMValueRef slot = cg_alloca(c, cg_lltype(c, t), "transmute");  // aligned for the result
    LLVMBuildStore(c->b, argv[0], slot);
    return cg_load(c, t, slot);
  }
  case BI_SLICE_FROM_RAW: {
    LLVMValueRef fat = LLVMBuildInsertValue(c->b, LLVMGetUndef(c->t_slice), argv[0], 0, "");
    return LLVMBuildInsertValue(c->b, fat, argv[1], 1, "");
  }
  case BI_PARSE_INT: return emit_parse(c, e, argv[0], NULL);
  case BI_PARSE_FLOAT: return emit_parse_float(c, e, argv[0]);
  case BI_DROP_IN_PLACE: case BI_DEALLOC: {
    Type *in = ty_resolve(ty_pointee(cg_final_ty(c, e->args[0])));
    LLVMValueRef p = argv[0], meta = NULL;
    if (!ty_is_sized(in)) {
      meta = cg_extract(c, p, 1, "");
      p = cg_extract(c, p, 0, "");
    }
    if (callee->builtin == BI_DROP_IN_PLACE) {
      cg_drop_unsized(c, in, p, meta);
    } else {
      LLVMValueRef args[3] = {p, cg_size_of_val(c, in, meta), cg_align_of_val(c, in, meta)};
      cg_call_fn(c, cg_rt(c, "trc_dealloc"), args, 3);
    }
    return cg_unit(c);
  }
  case BI_PTR_EQ: {
    LLVMValueRef a = argv[0], b = argv[1];
    if (LLVMGetTypeKind(LLVMTypeOf(a)) == LLVMStructTypeKind) {  // a fat pointer: its data address
      a = cg_extract(c, a, 0, "");
      b = cg_extract(c, b, 0, "");
    }
    return LLVMBuildICmp(c->b, LLVMIntEQ, a, b, "");
  }
  case BI_WRITE: {
    LLVMValueRef p = argv[0];
    LLVMBuildStore(c->b, argv[1], p);
    return cg_unit(c);
  }
  case BI_FMT:
    cg_fmt_intrinsic(c, argv[0], cg_final_ty(c, e->args[0]), argv[1], argv[2]);
    return cg_unit(c);
  case BI_PUSH_INDENTED: {
    LLVMValueRef args[3] = {argv[0], cg_extract(c, argv[1], 0, ""), cg_extract(c, argv[1], 1, "")};
    cg_call_fn(c, cg_rt(c, "trc_string_push_indented"), args, 3);
    return cg_unit(c);
  }
  case BI_RANGE_HAS_NEXT: case BI_RANGE_TAKE_FRONT: case BI_RANGE_TAKE_BACK:
    return cg_range_step(c, e->sub->builtin, argv[0], ty_resolve(ty_resolve(cg_final_ty(c, e->args[0]))->inner));
  case BI_ITER_TAKE_FRONT: case BI_ITER_TAKE_BACK: {
    // What is left to visit is {ptr, len}: the front element is ptr (then ptr + 1, len - 1),
    // the back one ptr + len - 1 (then len - 1).
    Type *it = ty_resolve(ty_resolve(cg_final_ty(c, e->args[0]))->inner);
    LLVMTypeRef el = cg_lltype(c, it->inner);
    LLVMValueRef slot = argv[0], s = LLVMBuildLoad2(c->b, c->t_slice, slot, "");
    LLVMValueRef ptr = cg_extract(c, s, 0, ""), len = cg_extract(c, s, 1, "");
    LLVMValueRef left = LLVMBuildSub(c->b, len, cg_i64(c, 1), "");
    LLVMValueRef at = ptr;
    if (e->sub->builtin == BI_ITER_TAKE_FRONT) ptr = LLVMBuildGEP2(c->b, el, ptr, &(LLVMValueRef){cg_i64(c, 1)}, 1, "");
    else at = LLVMBuildGEP2(c->b, el, ptr, &left, 1, "");
    s = LLVMBuildInsertValue(c->b, LLVMBuildInsertValue(c->b, s, ptr, 0, ""), left, 1, "");
    LLVMBuildStore(c->b, s, slot);
    return at;
  }
  // A &str and a &[u8] are both {ptr, len}; a char is its u32; a String is a Vec<u8>.
  case BI_STR_BYTES: case BI_STR_FROM_UTF8: case BI_CHAR_FROM_U32: case BI_STRING_AS_MUT_VEC: return argv[0];
  case BI_THREAD_SPAWN: return cg_call_fn(c, cg_rt(c, "trc_thread_spawn"), argv, 2);
  case BI_THREAD_ATEXIT: return cg_call_fn(c, cg_rt(c, "trc_thread_atexit"), argv, 2);
  case BI_CATCH_UNWIND: return cg_call_fn(c, cg_rt(c, "trc_catch_unwind"), argv, 2);
  case BI_SET_PANIC_HOOK: return cg_call_fn(c, cg_rt(c, "trc_set_panic_hook"), argv, 2);
  case BI_SYNC: return cg_call_fn(c, cg_rt(c, "trc_sync"), argv, 3);
  case BI_ADDR: {
    LLVMValueRef p = argv[0];
    if (LLVMGetTypeKind(LLVMTypeOf(p)) == LLVMStructTypeKind) p = cg_extract(c, p, 0, "");
    return LLVMBuildPtrToInt(c->b, p, LLVMInt64TypeInContext(c->ctx), "");
  }
  case BI_DISCRIMINANT_OF: {  // what `discriminant(place)` reads in MIR; a struct has none (0)
    Type *in = ty_resolve(ty_resolve(cg_final_ty(c, e->args[0]))->inner);
    if (in->kind != TY_STRUCT || !in->sdecl->is_enum) return cg_i64(c, 0);
    return LLVMBuildIntCast2(c->b, cg_load_tag(c, in, argv[0]), c->t_i64, cg_enum_tag_signed(in->sdecl), "");
  }
  case BI_ATOMIC_FENCE:
    LLVMBuildFence(c->b, LLVMAtomicOrderingSequentiallyConsistent, 0, "");
    return cg_unit(c);
  case BI_ATOMIC_LOAD: case BI_ATOMIC_STORE: case BI_ATOMIC_SWAP: case BI_ATOMIC_ADD: case BI_ATOMIC_SUB:
  case BI_ATOMIC_AND: case BI_ATOMIC_OR: case BI_ATOMIC_XOR: case BI_ATOMIC_MAX: case BI_ATOMIC_MIN:
  case BI_ATOMIC_CAS:
    return emit_atomic(c, callee->builtin, ty_resolve(ty_pointee(cg_final_ty(c, e->args[0]))), argv);
  case BI_ARGS_LEN: return cg_call_fn(c, cg_rt(c, "trc_args_len"), NULL, 0);
  case BI_ARG: {
    LLVMValueRef i = argv[0];
    return cg_string_from_parts(c, cg_call_fn(c, cg_rt(c, "trc_arg_ptr"), &i, 1), cg_call_fn(c, cg_rt(c, "trc_arg_len"), &i, 1));
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

// vec![a, b, c] and vec![x; n] from the elements' values (argv[i] for e->args[i]).
LLVMValueRef cg_vec_literal(CG *c, Expr *e, LLVMValueRef *argv) {
  Type *vt = ty_resolve(cg_raw_ty(c, e));
  Type *el = vt->inner;
  LLVMTypeRef elt = cg_lltype(c, el);
  uint64_t size = cg_size_of(c, el), align = cg_align_of(c, el);
  if (!e->repeat && e->nargs == 0) return cg_empty_vec(c, align);
  LLVMValueRef count = e->repeat ? argv[1] : cg_i64(c, e->nargs);
  LLVMValueRef first = e->repeat ? argv[0] : NULL;
  LLVMValueRef args[2] = {LLVMBuildMul(c->b, count, cg_i64(c, size), ""), cg_i64(c, align)};
  LLVMValueRef buf = cg_call_fn(c, cg_rt(c, "trc_alloc"), args, 2);
  if (e->repeat) {
    CgLoop l = cg_loop_begin(c, cg_i64(c, 0), count, "fill");
    LLVMBuildStore(c->b, first, LLVMBuildGEP2(c->b, elt, buf, &l.i, 1, ""));
    cg_loop_end(c, &l);
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
