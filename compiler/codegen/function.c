// function.c — declaring functions and emitting into them.
//
// The LLVM function of an instance (declared on first use; its body is emitted when the
// collector's queue reaches it), runtime functions declared from the one table of their C
// signatures, the current block, allocas in the entry block, string constants, and helper
// functions (drop glue, shims, formatters) emitted in the middle of another function.
#include "codegen/codegen_internal.h"

#include <string.h>

static void add_fn_attr(CG *c, LLVMValueRef fn, const char *name) {
  unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
  LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(c->ctx, kind, 0));
}

void cg_add_uwtable(CG *c, LLVMValueRef fn) {
  unsigned kind = LLVMGetEnumAttributeKindForName("uwtable", 7);
  LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(c->ctx, kind, 2));  // async
}

// The LLVM function of an instance, declared on first use; its body is emitted when the
// collector's queue reaches it.

LLVMValueRef cg_instance_fn(CG *c, Instance *in) {
  if (in->llvm_fn) return in->llvm_fn;
  FnDecl *f = in->fn;
  Type *self = f->self_param_ty ? cg_subst(f->self_param_ty, in->targs, in->ntargs) : NULL;
  Type **ps = arena_alloc(sizeof(Type *) * (f->nparams + 1));
  for (int i = 0; i < f->nparams; i++) ps[i] = cg_subst(f->param_types[i], in->targs, in->ntargs);
  Type *ret = cg_subst(f->ret_type, in->targs, in->ntargs);
  LLVMTypeRef fty = f->is_closure ? cg_closure_fn_type(c, ps, f->nparams, ret) : cg_fn_type(c, self, ps, f->nparams, ret);
  if (f->attrs.track_caller) {  // one more parameter: the caller's location
    int n = LLVMCountParamTypes(fty);
    LLVMTypeRef *pts = arena_alloc(sizeof(LLVMTypeRef) * (n + 1));
    LLVMGetParamTypes(fty, pts);
    pts[n] = c->t_ptr;
    fty = LLVMFunctionType(LLVMGetReturnType(fty), pts, n + 1, false);
  }
  LLVMValueRef fn = LLVMAddFunction(c->mod, in->symbol, fty);
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  cg_add_uwtable(c, fn);  // a panic unwinds through every trc function
  if (f->attrs.inline_never) add_fn_attr(c, fn, "noinline");
  if (f->attrs.inline_always) add_fn_attr(c, fn, "alwaysinline");
  if (f->attrs.inline_hint) add_fn_attr(c, fn, "inlinehint");
  if (ty_resolve(ret)->kind == TY_NEVER) add_fn_attr(c, fn, "noreturn");
  in->llvm_fn = fn;
  return fn;
}

LLVMValueRef cg_runtime_fn(CG *c, const char *name, LLVMTypeRef ret, LLVMTypeRef *params, int n, bool noreturn) {
  LLVMValueRef fn = LLVMGetNamedFunction(c->mod, name);
  if (fn) return fn;
  fn = LLVMAddFunction(c->mod, name, LLVMFunctionType(ret, params, n, false));
  // Runtime functions that can panic (the noreturn panics, Vec growth's "capacity overflow")
  // unwind; the rest never do, and calls to them need no landing pad.
  if (noreturn) add_fn_attr(c, fn, "noreturn");
  else if (strcmp(name, "trc_vec_reserve")) add_fn_attr(c, fn, "nounwind");
  return fn;
}

// ---------------------------------------------------------------------------------------------
// Runtime functions, declared from a compact signature: return type, then parameter types;
// v = void, p = ptr, l = i64, i = i32, d = double.

static LLVMTypeRef sig_type(CG *c, char ch) {
  switch (ch) {
  case 'p': return c->t_ptr;
  case 'l': return c->t_i64;
  case 'i': return c->t_i32;
  case 'd': return LLVMDoubleTypeInContext(c->ctx);
  default: return LLVMVoidTypeInContext(c->ctx);
  }
}

LLVMValueRef cg_rt(CG *c, const char *name) {
  static const struct {
    const char *name, *sig;
    bool noreturn;
  } fns[] = {
    {"trc_alloc", "pll", 0}, {"trc_dealloc", "vpll", 0}, {"trc_vec_reserve", "vplll", 0}, {"trc_vec_free", "vpll", 0},
    {"trc_string_push_bytes", "vppl", 0}, {"trc_string_push_i64", "vpl", 0}, {"trc_string_push_u64", "vpl", 0},
    {"trc_string_push_bool", "vpi", 0}, {"trc_string_push_char", "vpi", 0}, {"trc_string_push_f64", "vpdi", 0},
    {"trc_string_push_f64_prec", "vpdl", 0}, {"trc_string_push_str_debug", "vppl", 0}, {"trc_string_push_indented", "vppl", 0},
    {"trc_slice_check", "vllliplii", 0}, {"trc_args_len", "l", 0}, {"trc_arg_ptr", "pl", 0}, {"trc_arg_len", "ll", 0},
    {"trc_parse_i64", "lplp", 0}, {"trc_parse_u64", "lplp", 0}, {"trc_vec_remove", "vpllpplii", 0}, {"trc_vec_insert", "vplllplii", 0},
    {"trc_string_push_char_debug", "vpi", 0}, {"trc_string_pad", "vpllii", 0}, {"trc_string_pad_zero", "vpll", 0},
    {"trc_print", "vpl", 0}, {"trc_eprint", "vpl", 0}, {"trc_panic", "vplplii", 1},
    {"trc_panic_bounds_check", "vllplii", 1}, {"trc_exit", "vi", 1}, {"memcmp", "ippl", 0},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    if (strcmp(fns[i].name, name)) continue;
    const char *s = fns[i].sig;
    LLVMTypeRef ps[10];
    int n = 0;
    for (const char *p = s + 1; *p; p++) ps[n++] = sig_type(c, *p);
    return cg_runtime_fn(c, name, sig_type(c, s[0]), ps, n, fns[i].noreturn);
  }
  ice((Span){0}, "unknown runtime function %s", name);
}

LLVMValueRef cg_intrinsic(CG *c, const char *name, LLVMTypeRef *tys, int ntys) {
  unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
  return LLVMGetIntrinsicDeclaration(c->mod, id, tys, ntys);
}

LLVMValueRef cg_call_intrinsic(CG *c, const char *name, LLVMTypeRef ty, LLVMValueRef *args, int n) {
  LLVMValueRef fn = cg_intrinsic(c, name, &ty, 1);
  return LLVMBuildCall2(c->b, LLVMIntrinsicGetType(c->ctx, LLVMLookupIntrinsicID(name, strlen(name)), &ty, 1), fn, args, n, "");
}

// ---------------------------------------------------------------------------------------------
// Blocks, allocas and values

LLVMBasicBlockRef cg_new_block(CG *c, const char *name) { return LLVMAppendBasicBlockInContext(c->ctx, c->fn, name); }

void cg_set_block(CG *c, LLVMBasicBlockRef bb) { LLVMPositionBuilderAtEnd(c->b, bb); }

bool cg_block_terminated(CG *c) {
  LLVMBasicBlockRef bb = LLVMGetInsertBlock(c->b);
  return LLVMGetBasicBlockTerminator(bb) != NULL;
}

void cg_br(CG *c, LLVMBasicBlockRef to) {
  if (!cg_block_terminated(c)) LLVMBuildBr(c->b, to);
}

// Allocas all go to the top of the entry block so mem2reg can promote them.
LLVMValueRef cg_alloca(CG *c, LLVMTypeRef t, const char *name) {
  LLVMBuilderRef eb = LLVMCreateBuilderInContext(c->ctx);
  LLVMValueRef first = LLVMGetFirstInstruction(c->entry);
  if (first) LLVMPositionBuilderBefore(eb, first);
  else LLVMPositionBuilderAtEnd(eb, c->entry);
  LLVMValueRef a = LLVMBuildAlloca(eb, t, name);
  LLVMDisposeBuilder(eb);
  return a;
}

LLVMValueRef cg_const_str(CG *c, const char *s, size_t len) {
  LLVMValueRef init = LLVMConstStringInContext(c->ctx, s, len, true);
  LLVMValueRef g = LLVMAddGlobal(c->mod, LLVMTypeOf(init), "str");
  LLVMSetInitializer(g, init);
  LLVMSetGlobalConstant(g, true);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
  LLVMSetAlignment(g, 1);
  LLVMValueRef fields[2] = {g, cg_i64(c, len)};
  return LLVMConstNamedStruct(c->t_slice, fields, 2);
}

void cg_begin_helper(CG *c, LLVMValueRef fn, SavedFn *saved) {
  *saved = (SavedFn){LLVMGetInsertBlock(c->b), c->entry, c->fn, c->inst, c->cleanups.len, c->in_cleanup, c->unwind_to, c->exn_slot};
  c->cleanups.len = 0;  // the helper owns nothing of its caller's
  c->in_cleanup = false;
  c->unwind_to = NULL;
  c->exn_slot = NULL;
  c->inst = NULL;
  c->fn = fn;
  c->entry = cg_new_block(c, "start");
  cg_set_block(c, c->entry);
}

void cg_end_helper(CG *c, SavedFn *saved) {
  c->fn = saved->fn;
  c->entry = saved->entry;
  c->inst = saved->inst;
  c->cleanups.len = saved->ncleanups;
  c->in_cleanup = saved->in_cleanup;
  c->unwind_to = saved->unwind_to;
  c->exn_slot = saved->exn_slot;
  if (saved->bb) cg_set_block(c, saved->bb);
}

// After a terminator, keep emitting into a block nothing jumps to.
void cg_start_dead_block(CG *c) { cg_set_block(c, cg_new_block(c, "dead")); }

LLVMValueRef cg_unit(CG *c) { return LLVMConstNull(c->t_unit); }

LLVMValueRef cg_load(CG *c, Type *t, LLVMValueRef addr) {
  return LLVMBuildLoad2(c->b, cg_lltype(c, t), addr, "");
}

// Marks a dyn call for passes/devirt.c: `!trc.vcall !{!"Trait", !"method"}` names the trait
// whose vtables can reach it (their `!type`, see cg_vtable) and `!trc.loc !{!"file", i32 line,
// i32 col}` is where the call is written (when it is written: not for drop glue), for
// --remarks=devirt. Metadata on the call itself rides along when LLVM clones or inlines it.
void cg_mark_dyn_call(CG *c, LLVMValueRef call, const char *trait, const char *method, const Span *at) {
  LLVMMetadataRef vc[2] = {LLVMMDStringInContext2(c->ctx, trait, strlen(trait)),
                           LLVMMDStringInContext2(c->ctx, method, strlen(method))};
  LLVMSetMetadata(call, LLVMGetMDKindIDInContext(c->ctx, "trc.vcall", 9), LLVMMetadataAsValue(c->ctx, LLVMMDNodeInContext2(c->ctx, vc, 2)));
  if (!at) return;
  int line, col;
  diag_line_col(*at, &line, &col);
  const char *file = diag_file_name(at->file);
  LLVMMetadataRef loc[3] = {LLVMMDStringInContext2(c->ctx, file, strlen(file)),
                            LLVMValueAsMetadata(LLVMConstInt(c->t_i32, line, false)),
                            LLVMValueAsMetadata(LLVMConstInt(c->t_i32, col, false))};
  LLVMSetMetadata(call, LLVMGetMDKindIDInContext(c->ctx, "trc.loc", 7), LLVMMetadataAsValue(c->ctx, LLVMMDNodeInContext2(c->ctx, loc, 3)));
}
