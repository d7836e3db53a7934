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
  if (f->is_extern) {  // declared in an `extern "C"` block: the C symbol of that name
    LLVMValueRef fn = LLVMGetNamedFunction(c->mod, f->name);
    if (!fn) fn = LLVMAddFunction(c->mod, f->name, fty);
    in->llvm_fn = fn;
    return fn;
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

// ---------------------------------------------------------------------------------------------
// Runtime functions, declared from runtime/trc_rt.def, the one list that trc_rt.h also makes
// its prototypes from: each RT_* type becomes a letter (v = void, p = ptr, l = i64, i = i32,
// d = double).

#define RT_VOID "v"
#define RT_I32 "i"
#define RT_U32 "i"
#define RT_I64 "l"
#define RT_U64 "l"
#define RT_F64 "d"
#define RT_PTR "p"
#define RT_VEC "p"
#define RT_BYTES "p"
#define RT_OUT "p"
#define RT_FLAG "p"
#define RT_ARGV "p"

typedef enum { RT_NOUNWIND, RT_MAY_UNWIND, RT_NEVER_RETURNS } RtKind;

typedef struct {
  const char *name, *ret, *params[10];
  RtKind kind;
} RtFn;

static const RtFn rt_fns[] = {
#define RT(ret, name, ...) {#name, ret, {__VA_ARGS__}, RT_NOUNWIND},
#define RT_UNWINDS(ret, name, ...) {#name, ret, {__VA_ARGS__}, RT_MAY_UNWIND},
#define RT_NORETURN(ret, name, ...) {#name, ret, {__VA_ARGS__}, RT_NEVER_RETURNS},
#include "trc_rt.def"
#undef RT
#undef RT_UNWINDS
#undef RT_NORETURN
  {"memcmp", RT_I32, {RT_BYTES, RT_BYTES, RT_U64}, RT_NOUNWIND},  // libc's, for == on strings
};

static LLVMTypeRef sig_type(CG *c, const char *t) {
  switch (*t) {
  case 'p': return c->t_ptr;
  case 'l': return c->t_i64;
  case 'i': return c->t_i32;
  case 'd': return LLVMDoubleTypeInContext(c->ctx);
  default: return LLVMVoidTypeInContext(c->ctx);
  }
}

static LLVMValueRef declare_runtime_fn(CG *c, const RtFn *r) {
  LLVMTypeRef ps[10];
  int n = 0;
  for (int i = 0; i < 10 && r->params[i] && *r->params[i] != 'v'; i++) ps[n++] = sig_type(c, r->params[i]);
  LLVMValueRef fn = LLVMAddFunction(c->mod, r->name, LLVMFunctionType(sig_type(c, r->ret), ps, n, false));
  // Calls of a function that cannot unwind need no landing pad.
  if (r->kind == RT_NEVER_RETURNS) add_fn_attr(c, fn, "noreturn");
  else if (r->kind == RT_NOUNWIND) add_fn_attr(c, fn, "nounwind");
  return fn;
}

LLVMValueRef cg_rt(CG *c, const char *name) {
  LLVMValueRef fn = LLVMGetNamedFunction(c->mod, name);
  if (fn) return fn;
  for (size_t i = 0; i < sizeof rt_fns / sizeof rt_fns[0]; i++)
    if (!strcmp(rt_fns[i].name, name)) return declare_runtime_fn(c, &rt_fns[i]);
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

CgLoop cg_loop_begin(CG *c, LLVMValueRef start, LLVMValueRef end, const char *name) {
  LLVMTypeRef it = LLVMTypeOf(end);
  CgLoop l = {.slot = cg_alloca(c, it, "i"), .head = cg_new_block(c, name)};
  LLVMBasicBlockRef body = cg_new_block(c, arena_printf("%s.body", name));
  l.done = cg_new_block(c, arena_printf("%s.done", name));
  LLVMBuildStore(c->b, start, l.slot);
  LLVMBuildBr(c->b, l.head);
  cg_set_block(c, l.head);
  l.i = LLVMBuildLoad2(c->b, it, l.slot, "");
  LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntULT, l.i, end, ""), body, l.done);
  cg_set_block(c, body);
  return l;
}

void cg_loop_end(CG *c, CgLoop *l) {
  LLVMBuildStore(c->b, LLVMBuildAdd(c->b, l->i, LLVMConstInt(LLVMTypeOf(l->i), 1, 0), ""), l->slot);
  LLVMBuildBr(c->b, l->head);
  cg_set_block(c, l->done);
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

LLVMValueRef cg_const_int(LLVMTypeRef lt, uint64_t lo, uint64_t hi) {
  if (LLVMGetIntTypeWidth(lt) <= 64) return LLVMConstInt(lt, lo, false);
  const uint64_t words[2] = {lo, hi};
  return LLVMConstIntOfArbitraryPrecision(lt, 2, words);
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

// extractvalue, looking through the insertvalues that built agg: a fat pointer put together
// from its two parameters is taken apart again at once for a call. FastISel selects no
// insertvalue; those left unread are erased (cg_erase_dead_inserts).
// The part found keeps the name asked for if it has none: a `&dyn` parameter's halves read as
// `%data` and `%vtable` where a call through the vtable uses them.
LLVMValueRef cg_extract(CG *c, LLVMValueRef agg, unsigned idx, const char *name) {
  for (LLVMValueRef v = agg; LLVMIsAInsertValueInst(v); v = LLVMGetOperand(v, 0)) {
    if (LLVMGetNumIndices(v) != 1 || LLVMGetIndices(v)[0] != idx) continue;
    LLVMValueRef part = LLVMGetOperand(v, 1);
    size_t len;
    if (*name && (LLVMIsAArgument(part) || LLVMIsAInstruction(part)) && (LLVMGetValueName2(part, &len), !len))
      LLVMSetValueName2(part, name, strlen(name));
    return part;
  }
  return LLVMBuildExtractValue(c->b, agg, idx, name);
}

// Erases fn's insertvalues that cg_extract left unread, last first so that a chain goes in one
// pass: a fat pointer taken apart at once leaves nothing behind in --emit-llvm.
void cg_erase_dead_inserts(LLVMValueRef fn) {
  for (LLVMBasicBlockRef bb = LLVMGetLastBasicBlock(fn); bb; bb = LLVMGetPreviousBasicBlock(bb))
    for (LLVMValueRef i = LLVMGetLastInstruction(bb), prev; i; i = prev) {
      prev = LLVMGetPreviousInstruction(i);
      if (LLVMIsAInsertValueInst(i) && !LLVMGetFirstUse(i)) LLVMInstructionEraseFromParent(i);
    }
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
