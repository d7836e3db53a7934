// num_methods.c — the methods of the integer and float types (builtins.def, "numbers"). One
// function per shape of method; the operation is chosen by the method's name. Values, and the
// panics with their messages and locations, are those of rustc 1.95's core: its debug build
// (-O0) checks the overflows that its release build lets wrap.
#include "codegen/codegen_internal.h"

#include <string.h>

// Constants of a's type: v modulo 2^bits (so ~0 is -1 and MAX of any width, i128 included).
static LLVMValueRef iconst(LLVMValueRef like, Wide v) { return cg_const_int(LLVMTypeOf(like), (uint64_t)v, (uint64_t)(v >> 64)); }
static Wide int_min(Type *t) { return t->is_signed ? (Wide)1 << (t->bits - 1) : 0; }
static Wide int_max(Type *t) { return (t->bits == 128 ? ~(Wide)0 : ((Wide)1 << t->bits) - 1) >> t->is_signed; }
static LLVMValueRef is_neg(CG *c, LLVMValueRef a) { return LLVMBuildICmp(c->b, LLVMIntSLT, a, iconst(a, 0), ""); }
static LLVMValueRef is_eq(CG *c, LLVMValueRef a, Wide v) { return LLVMBuildICmp(c->b, LLVMIntEQ, a, iconst(a, v), ""); }
static LLVMValueRef bool_const(CG *c, bool v) { return LLVMConstInt(c->t_i1, v, 0); }

// `name` without its family's prefix: "add" of "checked_add".
static const char *op_of(const char *name) {
  static const char *const prefixes[] = {"checked_", "wrapping_", "saturating_", "overflowing_"};
  for (int i = 0; i < 4; i++)
    if (!strncmp(name, prefixes[i], strlen(prefixes[i]))) return name + strlen(prefixes[i]);
  return name;
}

// A panic with msg at sp (the method's name: core's methods are #[track_caller]) when cond.
static void panic_if(CG *c, LLVMValueRef cond, Span sp, const char *msg) {
  LLVMBasicBlockRef bad = cg_new_block(c, "panic"), ok = cg_new_block(c, "ok");
  LLVMBuildCondBr(c->b, cond, bad, ok);
  cg_set_block(c, bad);
  cg_call_panic(c, sp, msg);
  cg_set_block(c, ok);
}

static LLVMValueRef intrinsic2(CG *c, const char *name, LLVMTypeRef t0, LLVMTypeRef t1, LLVMValueRef *args, int n) {
  LLVMTypeRef tys[2] = {t0, t1};
  unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
  return LLVMBuildCall2(c->b, LLVMIntrinsicGetType(c->ctx, id, tys, 2), cg_intrinsic(c, name, tys, 2), args, n, "");
}

// ---------------------------------------------------------------------------------------------
// Integer arithmetic: every family computes the wrapped value and whether it overflowed (or
// divided by zero), then makes of them an Option, a pair, a saturated value or a panic.

typedef struct {
  LLVMValueRef v;         // the wrapped result
  LLVMValueRef overflow;  // the true result does not fit
  LLVMValueRef zero;      // a division by zero (NULL for the other ops)
  LLVMValueRef negative;  // an overflowing true result is below MIN (saturating ops)
} IntResult;

// a * b with its overflow flag.
static LLVMValueRef mul_overflow(CG *c, Type *t, LLVMValueRef a, LLVMValueRef b, LLVMValueRef *ovf) {
  LLVMValueRef ops[2] = {a, b};
  LLVMValueRef r = cg_call_intrinsic(c, t->is_signed ? "llvm.smul.with.overflow" : "llvm.umul.with.overflow", LLVMTypeOf(a), ops, 2);
  *ovf = cg_extract(c, r, 1, "");
  return cg_extract(c, r, 0, "");
}

// base ** exp by squaring; it overflows exactly when the true power does not fit.
static IntResult int_pow(CG *c, Type *t, LLVMValueRef base, LLVMValueRef exp) {
  LLVMTypeRef it = LLVMTypeOf(base);
  LLVMValueRef accp = cg_alloca(c, it, "pow.acc"), basep = cg_alloca(c, it, "pow.base");
  LLVMValueRef expp = cg_alloca(c, c->t_i32, "pow.exp"), ovfp = cg_alloca(c, c->t_i1, "pow.ovf");
  LLVMBuildStore(c->b, LLVMConstInt(it, 1, 0), accp);
  LLVMBuildStore(c->b, base, basep);
  LLVMBuildStore(c->b, exp, expp);
  LLVMBuildStore(c->b, bool_const(c, false), ovfp);
  LLVMBasicBlockRef head = cg_new_block(c, "pow.head"), body = cg_new_block(c, "pow.body"), done = cg_new_block(c, "pow.done");
  LLVMBuildBr(c->b, head);
  cg_set_block(c, head);
  LLVMValueRef e = LLVMBuildLoad2(c->b, c->t_i32, expp, "");
  LLVMBuildCondBr(c->b, is_eq(c, e, 0), done, body);
  cg_set_block(c, body);
  LLVMValueRef acc = LLVMBuildLoad2(c->b, it, accp, ""), b = LLVMBuildLoad2(c->b, it, basep, "");
  LLVMValueRef ovf = LLVMBuildLoad2(c->b, c->t_i1, ovfp, ""), o1, o2;
  LLVMValueRef bit = LLVMBuildTrunc(c->b, e, c->t_i1, ""), rest = LLVMBuildLShr(c->b, e, iconst(e, 1), "");
  LLVMValueRef prod = mul_overflow(c, t, acc, b, &o1), sq = mul_overflow(c, t, b, b, &o2);
  LLVMBuildStore(c->b, LLVMBuildSelect(c->b, bit, prod, acc, ""), accp);
  LLVMBuildStore(c->b, sq, basep);
  LLVMBuildStore(c->b, rest, expp);
  // Squaring the base only matters while bits of the exponent are left.
  LLVMValueRef more = LLVMBuildICmp(c->b, LLVMIntNE, rest, iconst(rest, 0), "");
  ovf = LLVMBuildOr(c->b, ovf, LLVMBuildOr(c->b, LLVMBuildAnd(c->b, bit, o1, ""), LLVMBuildAnd(c->b, more, o2, ""), ""), "");
  LLVMBuildStore(c->b, ovf, ovfp);
  LLVMBuildBr(c->b, head);
  cg_set_block(c, done);
  IntResult r = {.v = LLVMBuildLoad2(c->b, it, accp, ""), .overflow = LLVMBuildLoad2(c->b, c->t_i1, ovfp, "")};
  // A negative base to an odd power is negative.
  r.negative = t->is_signed ? LLVMBuildAnd(c->b, is_neg(c, base), LLVMBuildTrunc(c->b, exp, c->t_i1, ""), "") : bool_const(c, false);
  return r;
}

// a / b, a % b and their Euclidean forms. A zero divisor, or MIN / -1, is replaced by 1, which
// gives the wrapped results (MIN, and 0) without LLVM's undefined behaviour.
static IntResult int_div(CG *c, Type *t, const char *op, LLVMValueRef a, LLVMValueRef b) {
  IntResult r = {.zero = is_eq(c, b, 0), .overflow = bool_const(c, false)};
  if (t->is_signed) r.overflow = LLVMBuildAnd(c->b, is_eq(c, a, int_min(t)), is_eq(c, b, ~(Wide)0), "");
  b = LLVMBuildSelect(c->b, LLVMBuildOr(c->b, r.zero, r.overflow, ""), iconst(b, 1), b, "");
  bool rem = !strcmp(op, "rem") || !strcmp(op, "rem_euclid"), euclid = strstr(op, "euclid") != NULL;
  if (!t->is_signed) {
    r.v = rem ? LLVMBuildURem(c->b, a, b, "") : LLVMBuildUDiv(c->b, a, b, "");
    return r;
  }
  LLVMValueRef q = LLVMBuildSDiv(c->b, a, b, ""), m = LLVMBuildSRem(c->b, a, b, "");
  r.v = rem ? m : q;
  if (euclid) {  // a negative remainder moves to the next multiple of b below a
    LLVMValueRef below = is_neg(c, m), bneg = is_neg(c, b);
    if (rem) r.v = LLVMBuildSelect(c->b, below, LLVMBuildAdd(c->b, m, LLVMBuildSelect(c->b, bneg, LLVMBuildNeg(c->b, b, ""), b, ""), ""), m, "");
    else r.v = LLVMBuildSelect(c->b, below, LLVMBuildSelect(c->b, bneg, LLVMBuildAdd(c->b, q, iconst(q, 1), ""), LLVMBuildSub(c->b, q, iconst(q, 1), ""), ""), q, "");
  }
  return r;
}

static IntResult int_op(CG *c, Type *t, const char *op, LLVMValueRef a, LLVMValueRef b) {
  IntResult r = {.negative = bool_const(c, false)};
  static const char *const with_ovf[3][3] = {{"add", "llvm.sadd.with.overflow", "llvm.uadd.with.overflow"},
                                             {"sub", "llvm.ssub.with.overflow", "llvm.usub.with.overflow"},
                                             {"mul", "llvm.smul.with.overflow", "llvm.umul.with.overflow"}};
  for (int i = 0; i < 3; i++) {
    if (strcmp(op, with_ovf[i][0])) continue;
    LLVMValueRef ops[2] = {a, b};
    LLVMValueRef res = cg_call_intrinsic(c, with_ovf[i][t->is_signed ? 1 : 2], LLVMTypeOf(a), ops, 2);
    r.v = cg_extract(c, res, 0, "");
    r.overflow = cg_extract(c, res, 1, "");
    // Where an overflowing true result lies: below MIN for a - (positive), a + (negative), and
    // a product of opposite signs; always for an unsigned subtraction.
    if (!t->is_signed) r.negative = bool_const(c, i == 1);
    else if (i == 0) r.negative = is_neg(c, b);
    else if (i == 1) r.negative = LLVMBuildICmp(c->b, LLVMIntSGT, b, iconst(b, 0), "");
    else r.negative = LLVMBuildXor(c->b, is_neg(c, a), is_neg(c, b), "");
    return r;
  }
  if (!strcmp(op, "pow")) return int_pow(c, t, a, b);
  if (!strcmp(op, "neg") || !strcmp(op, "abs")) {
    // -MIN overflows; so does -x of an unsigned x but 0.
    r.overflow = t->is_signed ? is_eq(c, a, int_min(t)) : LLVMBuildICmp(c->b, LLVMIntNE, a, iconst(a, 0), "");
    r.v = LLVMBuildNeg(c->b, a, "");
    if (!strcmp(op, "abs")) r.v = LLVMBuildSelect(c->b, is_neg(c, a), r.v, a, "");
    return r;
  }
  IntResult d = int_div(c, t, op, a, b);
  d.negative = r.negative;
  return d;
}

// std's Option<Self> of a checked_ op: None when it overflowed or divided by zero.
static LLVMValueRef checked_result(CG *c, Type *opt, IntResult r) {
  LLVMValueRef out = cg_alloca(c, cg_lltype(c, opt), "checked");
  LLVMValueRef bad = r.zero ? LLVMBuildOr(c->b, r.overflow, r.zero, "") : r.overflow;
  LLVMBasicBlockRef none = cg_new_block(c, "checked.none"), some = cg_new_block(c, "checked.some"), done = cg_new_block(c, "checked.done");
  LLVMBuildCondBr(c->b, bad, none, some);
  cg_set_block(c, none);
  cg_store_variant(c, opt, 0, out, NULL);
  LLVMBuildBr(c->b, done);
  cg_set_block(c, some);
  cg_store_variant(c, opt, 1, out, &r.v);
  LLVMBuildBr(c->b, done);
  cg_set_block(c, done);
  return cg_load(c, opt, out);
}

static LLVMValueRef pair_result(CG *c, Type *pair, IntResult r) {
  LLVMValueRef out = cg_alloca(c, cg_lltype(c, pair), "overflowing");
  LLVMBuildStore(c->b, r.v, cg_ctor_field_addr(c, pair, -1, out, 0));
  LLVMBuildStore(c->b, r.overflow, cg_ctor_field_addr(c, pair, -1, out, 1));
  return cg_load(c, pair, out);
}

// The plain methods: pow and abs overflow as the operators do (checked in debug builds only,
// reported inside core); div_euclid and rem_euclid panic as `/` and `%` do, always.
static LLVMValueRef arith_result(CG *c, Expr *e, Type *t, const char *op, IntResult r) {
  if (r.zero) {
    bool rem = !strcmp(op, "rem_euclid");
    panic_if(c, r.zero, e->name_span, rem ? "attempt to calculate the remainder with a divisor of zero" : "attempt to divide by zero");
    panic_if(c, r.overflow, e->name_span, rem ? "attempt to calculate the remainder with overflow" : "attempt to divide with overflow");
  } else if (c->opts->opt_level == 0) {
    cg_panic_in_int_method(c, r.overflow, t, !strcmp(op, "abs"));
  }
  return r.v;
}

static LLVMValueRef int_family(CG *c, Expr *e, Type *t, LLVMValueRef a, LLVMValueRef b) {
  const char *op = op_of(e->name);
  IntResult r = int_op(c, t, op, a, b);
  switch (e->builtin) {
  case BI_INT_CHECKED: return checked_result(c, ty_resolve(cg_raw_ty(c, e)), r);
  case BI_INT_OVERFLOWING: return pair_result(c, ty_resolve(cg_raw_ty(c, e)), r);
  case BI_INT_SATURATING: {
    LLVMValueRef bound = LLVMBuildSelect(c->b, r.negative, iconst(a, int_min(t)), iconst(a, int_max(t)), "");
    return LLVMBuildSelect(c->b, r.overflow, bound, r.v, "");
  }
  case BI_INT_WRAPPING:
    // wrapping_div and wrapping_rem still divide by zero, inside core
    if (r.zero) cg_panic_in_int_method(c, r.zero, t, !strcmp(op, "rem") ? 3 : 2);
    return r.v;
  default: return arith_result(c, e, t, op, r);
  }
}

// ---------------------------------------------------------------------------------------------
// The other integer methods

static LLVMValueRef to_u32(CG *c, LLVMValueRef v) { return LLVMBuildIntCast2(c->b, v, c->t_i32, false, ""); }

static LLVMValueRef bit_count(CG *c, const char *intrinsic, LLVMValueRef a) {
  LLVMValueRef args[2] = {a, bool_const(c, false)};
  LLVMValueRef n = cg_call_intrinsic(c, intrinsic, LLVMTypeOf(a), args, strcmp(intrinsic, "llvm.ctpop") ? 2 : 1);
  return to_u32(c, n);
}

// ilog10: how many of 10, 100, 1000 ... (those that fit the type) are at most a.
static LLVMValueRef ilog10(CG *c, Type *t, LLVMValueRef a) {
  LLVMValueRef n = LLVMConstInt(c->t_i32, 0, 0);
  for (Wide p = 10; p <= int_max(t); p *= 10) {
    n = LLVMBuildAdd(c->b, n, LLVMBuildZExt(c->b, LLVMBuildICmp(c->b, LLVMIntUGE, a, iconst(a, p), ""), c->t_i32, ""), "");
    if (p > ~(Wide)0 / 10) break;
  }
  return n;
}

static LLVMValueRef int_count(CG *c, Expr *e, Type *t, LLVMValueRef a) {
  const char *n = e->name;
  if (!strcmp(n, "count_ones")) return bit_count(c, "llvm.ctpop", a);
  if (!strcmp(n, "count_zeros")) return bit_count(c, "llvm.ctpop", LLVMBuildNot(c->b, a, ""));
  if (!strcmp(n, "leading_zeros")) return bit_count(c, "llvm.ctlz", a);
  if (!strcmp(n, "trailing_zeros")) return bit_count(c, "llvm.cttz", a);
  if (!strcmp(n, "leading_ones")) return bit_count(c, "llvm.ctlz", LLVMBuildNot(c->b, a, ""));
  if (!strcmp(n, "trailing_ones")) return bit_count(c, "llvm.cttz", LLVMBuildNot(c->b, a, ""));
  // ilog2, ilog10
  LLVMValueRef nonpos = t->is_signed ? LLVMBuildICmp(c->b, LLVMIntSLE, a, iconst(a, 0), "") : is_eq(c, a, 0);
  panic_if(c, nonpos, e->name_span, "argument of integer logarithm must be positive");
  if (!strcmp(n, "ilog10")) return ilog10(c, t, a);
  return LLVMBuildSub(c->b, LLVMConstInt(c->t_i32, t->bits - 1, 0), bit_count(c, "llvm.ctlz", a), "");
}

// isqrt: the double square root, corrected by one either way (computed in i128, where
// (r + 1)^2 cannot overflow).
static LLVMValueRef isqrt(CG *c, Expr *e, Type *t, LLVMValueRef a) {
  if (t->is_signed) panic_if(c, is_neg(c, a), e->name_span, "argument of integer square root cannot be negative");
  LLVMTypeRef wide = LLVMIntTypeInContext(c->ctx, 128);
  LLVMValueRef w = LLVMBuildZExtOrBitCast(c->b, a, wide, "");  // (u128's result is only as exact as the double)
  LLVMValueRef f = LLVMBuildUIToFP(c->b, a, LLVMDoubleTypeInContext(c->ctx), "");
  LLVMValueRef r = LLVMBuildFPToUI(c->b, cg_call_intrinsic(c, "llvm.sqrt", LLVMDoubleTypeInContext(c->ctx), &f, 1), wide, "");
  LLVMValueRef one = LLVMConstInt(wide, 1, 0);
  LLVMValueRef over = LLVMBuildICmp(c->b, LLVMIntUGT, LLVMBuildMul(c->b, r, r, ""), w, "");
  r = LLVMBuildSelect(c->b, over, LLVMBuildSub(c->b, r, one, ""), r, "");
  LLVMValueRef r1 = LLVMBuildAdd(c->b, r, one, "");
  r = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntULE, LLVMBuildMul(c->b, r1, r1, ""), w, ""), r1, r, "");
  return LLVMBuildTruncOrBitCast(c->b, r, LLVMTypeOf(a), "");
}

static LLVMValueRef int_unary(CG *c, Expr *e, Type *t, LLVMValueRef a) {
  const char *n = e->name;
  if (!strcmp(n, "signum")) return LLVMBuildSelect(c->b, is_neg(c, a), iconst(a, ~(Wide)0), LLVMBuildZExt(c->b, LLVMBuildICmp(c->b, LLVMIntSGT, a, iconst(a, 0), ""), LLVMTypeOf(a), ""), "");
  if (!strcmp(n, "swap_bytes")) return t->bits == 8 ? a : cg_call_intrinsic(c, "llvm.bswap", LLVMTypeOf(a), &a, 1);
  if (!strcmp(n, "reverse_bits")) return cg_call_intrinsic(c, "llvm.bitreverse", LLVMTypeOf(a), &a, 1);
  if (!strcmp(n, "isqrt")) return isqrt(c, e, t, a);
  // next_power_of_two: one more than MAX >> leading_zeros(a - 1) (0 for a <= 1); the last
  // step overflows, in core, past the largest power.
  LLVMValueRef args[2] = {LLVMBuildSub(c->b, a, iconst(a, 1), ""), bool_const(c, false)};
  LLVMValueRef lz = cg_call_intrinsic(c, "llvm.ctlz", LLVMTypeOf(a), args, 2);
  LLVMValueRef small = LLVMBuildICmp(c->b, LLVMIntULE, a, iconst(a, 1), "");
  LLVMValueRef mask = LLVMBuildSelect(c->b, small, iconst(a, 0), LLVMBuildLShr(c->b, iconst(a, int_max(t)), lz, ""), "");
  if (c->opts->opt_level == 0) cg_panic_in_int_method(c, is_eq(c, mask, int_max(t)), t, 4);
  return LLVMBuildAdd(c->b, mask, iconst(a, 1), "");
}

// Ord::clamp: it asserts min <= max, its message showing them, at the call.
static LLVMValueRef int_clamp(CG *c, Expr *e, Type *t, LLVMValueRef a, LLVMValueRef lo, LLVMValueRef hi) {
  LLVMIntPredicate gt = t->is_signed ? LLVMIntSGT : LLVMIntUGT, lt = t->is_signed ? LLVMIntSLT : LLVMIntULT;
  LLVMBasicBlockRef bad = cg_new_block(c, "panic"), ok = cg_new_block(c, "ok");
  LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, gt, lo, hi, ""), bad, ok);
  cg_set_block(c, bad);
  LLVMValueRef args[7] = {LLVMBuildIntCast2(c->b, lo, c->t_i64, t->is_signed, ""), LLVMBuildIntCast2(c->b, hi, c->t_i64, t->is_signed, ""),
                          LLVMConstInt(c->t_i32, t->is_signed, 0)};
  cg_panic_location(c, e->name_span, args + 3);
  cg_call_fn(c, cg_rt(c, "trc_panic_int_clamp"), args, 7);
  LLVMBuildUnreachable(c->b);
  cg_set_block(c, ok);
  a = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, lt, a, lo, ""), lo, a, "");
  return LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, gt, a, hi, ""), hi, a, "");
}

static LLVMValueRef int_method(CG *c, Expr *e, Type *t, LLVMValueRef a, LLVMValueRef *argv) {
  LLVMValueRef b = e->nargs ? argv[0] : NULL;
  switch (e->builtin) {
  case BI_INT_CLAMP: return int_clamp(c, e, t, a, argv[0], argv[1]);
  case BI_INT_UNARY: return int_unary(c, e, t, a);
  case BI_INT_COUNT: return int_count(c, e, t, a);
  case BI_INT_TEST:
    if (!strcmp(e->name, "is_power_of_two")) return is_eq(c, cg_call_intrinsic(c, "llvm.ctpop", LLVMTypeOf(a), &a, 1), 1);
    return LLVMBuildICmp(c->b, !strcmp(e->name, "is_negative") ? LLVMIntSLT : LLVMIntSGT, a, iconst(a, 0), "");
  case BI_INT_ROTATE: {  // a funnel shift of a with itself; the amount is taken modulo the width
    LLVMValueRef args[3] = {a, a, LLVMBuildIntCast2(c->b, b, LLVMTypeOf(a), false, "")};
    return cg_call_intrinsic(c, !strcmp(e->name, "rotate_left") ? "llvm.fshl" : "llvm.fshr", LLVMTypeOf(a), args, 3);
  }
  case BI_INT_ABS_DIFF: {  // the difference, wrapped, read as unsigned
    if (!b) return LLVMBuildSelect(c->b, is_neg(c, a), LLVMBuildNeg(c->b, a, ""), a, "");  // unsigned_abs
    LLVMValueRef lt = LLVMBuildICmp(c->b, t->is_signed ? LLVMIntSLT : LLVMIntULT, a, b, "");
    return LLVMBuildSelect(c->b, lt, LLVMBuildSub(c->b, b, a, ""), LLVMBuildSub(c->b, a, b, ""), "");
  }
  case BI_INT_MIN: case BI_INT_MAX: {
    bool mn = e->builtin == BI_INT_MIN;
    LLVMIntPredicate p = mn ? (t->is_signed ? LLVMIntSLT : LLVMIntULT) : (t->is_signed ? LLVMIntSGT : LLVMIntUGT);
    return LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, p, a, b, ""), a, b, "");
  }
  default: return int_family(c, e, t, a, b);
  }
}

// ---------------------------------------------------------------------------------------------
// Floats

// A function of the C math library, of the f64 (or f32, name + "f") arguments.
static LLVMValueRef call_libm(CG *c, const char *name, LLVMValueRef *args, int n) {
  LLVMTypeRef ft = LLVMTypeOf(args[0]), ps[2] = {ft, ft};
  const char *fname = ft == LLVMDoubleTypeInContext(c->ctx) ? name : arena_printf("%sf", name);
  LLVMTypeRef fty = LLVMFunctionType(ft, ps, n, false);
  LLVMValueRef fn = LLVMGetNamedFunction(c->mod, fname);
  if (!fn) fn = LLVMAddFunction(c->mod, fname, fty);
  return LLVMBuildCall2(c->b, fty, fn, args, n, "");
}

// The methods std implements by an LLVM intrinsic, or by a call of the C math library (cbrt:
// compiler_builtins', correctly rounded, which the runtime has).
static const struct {
  const char *method, *intrinsic, *libm;
} float_fns[] = {
  {"floor", "llvm.floor", NULL}, {"ceil", "llvm.ceil", NULL}, {"round", "llvm.round", NULL}, {"round_ties_even", "llvm.roundeven", NULL},
  {"trunc", "llvm.trunc", NULL}, {"abs", "llvm.fabs", NULL}, {"sqrt", "llvm.sqrt", NULL}, {"exp", "llvm.exp", NULL}, {"exp2", "llvm.exp2", NULL},
  {"ln", "llvm.log", NULL}, {"log2", "llvm.log2", NULL}, {"log10", "llvm.log10", NULL}, {"sin", "llvm.sin", NULL}, {"cos", "llvm.cos", NULL},
  {"powf", "llvm.pow", NULL}, {"max", "llvm.maxnum", NULL}, {"min", "llvm.minnum", NULL}, {"copysign", "llvm.copysign", NULL},
  {"mul_add", "llvm.fma", NULL},
  {"cbrt", NULL, "trc_cbrt"}, {"exp_m1", NULL, "expm1"}, {"ln_1p", NULL, "log1p"}, {"tan", NULL, "tan"},
  {"asin", NULL, "asin"}, {"acos", NULL, "acos"}, {"atan", NULL, "atan"}, {"sinh", NULL, "sinh"},
  {"cosh", NULL, "cosh"}, {"tanh", NULL, "tanh"}, {"atan2", NULL, "atan2"}, {"hypot", NULL, "hypot"},
};

static LLVMValueRef float_fn(CG *c, const char *name, LLVMValueRef *args, int n) {
  for (size_t i = 0; i < sizeof float_fns / sizeof float_fns[0]; i++) {
    if (strcmp(float_fns[i].method, name)) continue;
    if (float_fns[i].intrinsic) return cg_call_intrinsic(c, float_fns[i].intrinsic, LLVMTypeOf(args[0]), args, n);
    return call_libm(c, float_fns[i].libm, args, n);
  }
  return NULL;
}

static LLVMValueRef fconst(LLVMValueRef like, double v) { return LLVMConstReal(LLVMTypeOf(like), v); }

// The methods std writes out of other operations, as core does.
static LLVMValueRef float_derived(CG *c, Expr *e, Type *t, LLVMValueRef x, LLVMValueRef *argv) {
  const char *n = e->name;
  LLVMBuilderRef b = c->b;
  if (!strcmp(n, "fract")) return LLVMBuildFSub(b, x, float_fn(c, "trunc", &x, 1), "");
  if (!strcmp(n, "recip")) return LLVMBuildFDiv(b, fconst(x, 1.0), x, "");
  if (!strcmp(n, "signum")) {  // NaN stays NaN, else ±1 by the sign bit
    LLVMValueRef one[2] = {fconst(x, 1.0), x};
    return LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealUNO, x, x, ""), x, float_fn(c, "copysign", one, 2), "");
  }
  if (!strcmp(n, "to_degrees") || !strcmp(n, "to_radians")) {
    // core's factors: f64 divides by (or into) PI in f64; f32 uses the f32 constants.
    bool deg = !strcmp(n, "to_degrees");
    double k = t->bits == 32 ? (deg ? (double)57.2957795130823208767981548141051703f : (double)((float)3.14159265358979323846 / 180.0f))
                             : (deg ? 180.0 / 3.14159265358979323846 : 3.14159265358979323846 / 180.0);
    return LLVMBuildFMul(b, x, fconst(x, k), "");
  }
  LLVMValueRef y = argv[0];
  if (!strcmp(n, "log")) return LLVMBuildFDiv(b, float_fn(c, "ln", &x, 1), float_fn(c, "ln", &y, 1), "");
  LLVMValueRef r = LLVMBuildFRem(b, x, y, "");
  LLVMValueRef below = LLVMBuildFCmp(b, LLVMRealOLT, r, fconst(x, 0.0), "");
  if (!strcmp(n, "rem_euclid")) return LLVMBuildSelect(b, below, LLVMBuildFAdd(b, r, float_fn(c, "abs", &y, 1), ""), r, "");
  if (!strcmp(n, "div_euclid")) {
    LLVMValueRef q = LLVMBuildFDiv(b, x, y, "");
    q = float_fn(c, "trunc", &q, 1);
    LLVMValueRef step = LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealOGT, y, fconst(x, 0.0), ""), fconst(x, -1.0), fconst(x, 1.0), "");
    return LLVMBuildSelect(b, below, LLVMBuildFAdd(b, q, step, ""), q, "");
  }
  // clamp: core asserts min <= max (false with a NaN), then clamps
  LLVMValueRef lo = argv[0], hi = argv[1];
  LLVMBasicBlockRef bad = cg_new_block(c, "panic"), ok = cg_new_block(c, "ok");
  LLVMBuildCondBr(b, LLVMBuildFCmp(b, LLVMRealOLE, lo, hi, ""), ok, bad);
  cg_set_block(c, bad);
  LLVMValueRef args[3] = {LLVMBuildFPExt(b, lo, LLVMDoubleTypeInContext(c->ctx), ""), LLVMBuildFPExt(b, hi, LLVMDoubleTypeInContext(c->ctx), ""), LLVMConstInt(c->t_i32, t->bits == 32, 0)};
  if (t->bits == 64) args[0] = lo, args[1] = hi;
  cg_call_fn(c, cg_rt(c, "trc_panic_float_clamp"), args, 3);
  LLVMBuildUnreachable(b);
  cg_set_block(c, ok);
  x = LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealOLT, x, lo, ""), lo, x, "");
  return LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealOGT, x, hi, ""), hi, x, "");
}

// is_nan, is_finite ...: comparisons of |x| with infinity and the smallest normal number.
static LLVMValueRef float_test(CG *c, Expr *e, Type *t, LLVMValueRef x) {
  const char *n = e->name;
  LLVMBuilderRef b = c->b;
  if (!strcmp(n, "is_nan")) return LLVMBuildFCmp(b, LLVMRealUNO, x, x, "");
  if (!strcmp(n, "is_sign_positive") || !strcmp(n, "is_sign_negative")) {
    LLVMValueRef bits = LLVMBuildBitCast(b, x, LLVMIntTypeInContext(c->ctx, t->bits), "");
    return LLVMBuildICmp(b, !strcmp(n, "is_sign_negative") ? LLVMIntSLT : LLVMIntSGE, bits, iconst(bits, 0), "");
  }
  LLVMValueRef ax = float_fn(c, "abs", &x, 1), inf = fconst(x, __builtin_inf());
  LLVMValueRef min_normal = fconst(x, t->bits == 32 ? 1.17549435e-38 : 2.2250738585072014e-308);
  if (!strcmp(n, "is_infinite")) return LLVMBuildFCmp(b, LLVMRealOEQ, ax, inf, "");
  if (!strcmp(n, "is_finite")) return LLVMBuildFCmp(b, LLVMRealOLT, ax, inf, "");
  if (!strcmp(n, "is_normal"))
    return LLVMBuildAnd(b, LLVMBuildFCmp(b, LLVMRealOGE, ax, min_normal, ""), LLVMBuildFCmp(b, LLVMRealOLT, ax, inf, ""), "");
  return LLVMBuildAnd(b, LLVMBuildFCmp(b, LLVMRealOLT, ax, min_normal, ""), LLVMBuildFCmp(b, LLVMRealONE, ax, fconst(x, 0.0), ""), "");
}

static LLVMValueRef float_method(CG *c, Expr *e, Type *t, LLVMValueRef x, LLVMValueRef *argv) {
  switch (e->builtin) {
  case BI_FLOAT_TEST: return float_test(c, e, t, x);
  case BI_FLOAT_TO_BITS: return LLVMBuildBitCast(c->b, x, LLVMIntTypeInContext(c->ctx, t->bits), "");
  case BI_FLOAT_POWI: {
    LLVMValueRef args[2] = {x, argv[0]};
    return intrinsic2(c, "llvm.powi", LLVMTypeOf(x), c->t_i32, args, 2);
  }
  default: {
    LLVMValueRef args[3] = {x, e->nargs > 0 ? argv[0] : NULL, e->nargs > 1 ? argv[1] : NULL};
    LLVMValueRef v = float_fn(c, e->name, args, 1 + e->nargs);
    return v ? v : float_derived(c, e, t, x, argv);
  }
  }
}

bool cg_is_num_method(Builtin bi) {
  switch (bi) {
  case BI_INT_CHECKED: case BI_INT_WRAPPING: case BI_INT_SATURATING: case BI_INT_OVERFLOWING: case BI_INT_ARITH:
  case BI_INT_UNARY: case BI_INT_COUNT: case BI_INT_TEST: case BI_INT_ROTATE: case BI_INT_ABS_DIFF: case BI_INT_MIN:
  case BI_INT_MAX: case BI_INT_CLAMP: case BI_FLOAT_UNARY: case BI_FLOAT_BINARY: case BI_FLOAT_TERNARY: case BI_FLOAT_POWI:
  case BI_FLOAT_TEST: case BI_FLOAT_TO_BITS:
    return true;
  default: return false;
  }
}

LLVMValueRef cg_num_method(CG *c, Expr *e, Type *self, LLVMValueRef recv, LLVMValueRef *argv) {
  if (self->kind == TY_FLOAT) return float_method(c, e, self, recv, argv);
  return int_method(c, e, self, recv, argv);
}
