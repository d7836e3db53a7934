// panic.c — the panics a program's code makes: where they report themselves, and the calls.
//
// A panic names a file, line and column: the place in the source, or, inside a
// #[track_caller] function, the place of the call that reached it (the function's hidden last
// parameter points to that location). Bounds checks, overflow checks, slicing and the panic!
// family all go through panic_location, so they agree on it.
#include "codegen/codegen_internal.h"

#include <string.h>

static void span_location(Span sp, LLVMValueRef *file, LLVMValueRef *flen, int *line, int *col, CG *c) {
  const char *name = diag_file_name(sp.file);
  LLVMValueRef s = cg_const_str(c, name, strlen(name));
  *file = cg_extract(c, s, 0, "");
  *flen = cg_i64(c, strlen(name));
  diag_line_col(sp, line, col);
}

// Where a panic at sp reports itself: { file, file_len, line, col } of sp, or, in a
// #[track_caller] function, of the call that reached it (its last parameter points there).
void cg_panic_location(CG *c, Span sp, LLVMValueRef *out) {
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

// std's panic payload is a &'static str for a message without format arguments (a constant
// one: `panic!("no")`, an overflow check, `None.unwrap()`), else the formatted String; the
// runtime keeps which, for catch_unwind and join.
void cg_panic_with(CG *c, Span sp, LLVMValueRef msg_ptr, LLVMValueRef msg_len, bool is_const) {
  LLVMValueRef args[6] = {msg_ptr, msg_len};
  cg_panic_location(c, sp, args + 2);
  cg_call_fn(c, cg_rt(c, is_const ? "trc_panic_const" : "trc_panic"), args, 6);
  LLVMBuildUnreachable(c->b);
}

LLVMValueRef cg_call_panic(CG *c, Span sp, const char *msg) {
  LLVMValueRef s = cg_const_str(c, msg, strlen(msg));
  cg_panic_with(c, sp, cg_extract(c, s, 0, ""), cg_i64(c, strlen(msg)), true);
  return NULL;
}

// An overflow inside core's `pow` (what 0) or `abs` (what 1) of integer type t: rustc's debug
// build panics at core's source line for t, which the runtime knows.
void cg_panic_in_int_method(CG *c, LLVMValueRef cond, Type *t, int what) {
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

// Where a #[track_caller] function was called from: its caller's own caller when the caller
// tracks too, else a constant { file, file_len, line, col } for the call site.
LLVMValueRef cg_caller_location(CG *c, Span sp) {
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

void cg_panic_bounds(CG *c, Span sp, LLVMValueRef idx, LLVMValueRef len) {
  LLVMValueRef args[6] = {idx, len};
  cg_panic_location(c, sp, args + 2);
  cg_call_fn(c, cg_rt(c, "trc_panic_bounds_check"), args, 6);
  LLVMBuildUnreachable(c->b);
}

