// module.c — the LLVM module for the whole program.
//
// Sets up the target and the module, emits the body of every instance the mono collector
// found (from their MIR), then the C `main` that calls the user's. The files below it, lowest
// first; each calls only the ones above it:
//   types.c          LLVM types and layout (the ABI is described there)
//   function.c       function declarations, runtime functions, blocks, allocas
//   drop.c           unwinding (invoke + landing pads) and drop glue
//   call.c           argument flattening, calling closures and `dyn Fn`
//   vtable.c         vtable constants and their marks for passes/devirt.c
//   panic.c          panics and the locations they report
//   values.c         spills, string/Vec/slice parts, comparisons
//   cast.c           coercions of pointers, numeric casts
//   builtin_impls.c  Clone and PartialEq of the builtin types
//   format.c         print!/format!/panic! messages, {:?} of composite types
//   builtins.c       the compiler-known methods and functions, vec!
//   promote.c        promoted constants (`&5`)
//   locals.c         which MIR locals are LLVM values, not stack slots
//   drop_flags.c     drop flags known where they are read: folded
//   body.c           a function body from its MIR: places, rvalues, terminators
#include "codegen/codegen_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---------------------------------------------------------------------------------------------
// The module

static void init_target(CG *c) {
  LLVMInitializeNativeTarget();
  LLVMInitializeNativeAsmPrinter();
  char *triple = LLVMGetDefaultTargetTriple();
  LLVMTargetRef target;
  char *err = NULL;
  if (LLVMGetTargetFromTriple(triple, &target, &err)) {
    fprintf(stderr, "error: cannot find the LLVM target for %s: %s\n", triple, err);
    LLVMDisposeMessage(err);
    LLVMDisposeMessage(triple);
    fatal_exit(3);
  }
  LLVMCodeGenOptLevel lvl = c->opts->opt_level >= 2 ? LLVMCodeGenLevelDefault : LLVMCodeGenLevelNone;
  c->tm = LLVMCreateTargetMachine(target, triple, "generic", "", lvl, LLVMRelocPIC, LLVMCodeModelDefault);
  c->td = LLVMCreateTargetDataLayout(c->tm);
  LLVMSetTarget(c->mod, triple);
  char *layout = LLVMCopyStringRepOfTargetData(c->td);
  LLVMSetDataLayout(c->mod, layout);
  LLVMDisposeMessage(layout);
  LLVMDisposeMessage(triple);
}

// The values of the `static mut`s cg_static_mut (values.c) made globals for, computed into
// them before the program's main runs.
static void init_statics(CG *c) {
  for (int i = 0; i < c->static_fns.len; i++) {
    FnDecl *f = c->static_fns.data[i];
    LLVMValueRef global = ptrmap_get(&c->statics, f, NULL);
    LLVMValueRef slot = cg_result_slot(c, f->ret_type, global);  // a large value is written in place
    LLVMValueRef v = cg_call_fn(c, cg_instance_fn(c, mono_instance(f, NULL, 0, (Span){0})), &slot, slot ? 1 : 0);
    if (!slot && !cg_returns_void(f->ret_type)) LLVMBuildStore(c->b, v, global);
  }
}

// `main` for the C runtime: set up the runtime, run the program's main, flush and exit 0 (or
// what __trc_report says of an Err that main returned).
static void emit_entry(CG *c, LLVMValueRef user_main) {
  LLVMTypeRef ps[2] = {c->t_i32, c->t_ptr};
  LLVMValueRef fn = LLVMAddFunction(c->mod, "main", LLVMFunctionType(c->t_i32, ps, 2, false));
  c->fn = fn;
  c->entry = cg_new_block(c, "start");
  cg_set_block(c, c->entry);
  LLVMValueRef args[2] = {LLVMGetParam(fn, 0), LLVMGetParam(fn, 1)};
  cg_call_fn(c, cg_rt(c, "trc_rt_init"), args, 2);
  init_statics(c);
  Type *main_ret = c->crate->main_fn->ret_type;
  LLVMValueRef slot = cg_result_slot(c, main_ret, NULL);
  CgValue r = cg_call_result(c, cg_call_fn(c, user_main, &slot, slot ? 1 : 0), main_ret, slot);
  LLVMValueRef status = cg_call_fn(c, cg_rt(c, "trc_rt_exit"), NULL, 0);
  Type *err = main_report_type(c->crate->main_fn->ret_type);
  if (err) {  // `fn main() -> Result<(), E>`: __trc_report prints an Err and gives the exit code
    Instance *report = mono_instance(c->crate->report_fn, &err, 1, (Span){0});
    LLVMValueRef fnv = cg_instance_fn(c, report);
    LLVMValueRef args[4];
    int na = cg_push_arg(c, r, args, 0);
    status = cg_call(c, LLVMGlobalGetValueType(fnv), fnv, args, na, "");
    cg_call_fn(c, cg_rt(c, "trc_rt_exit"), NULL, 0);  // flushes what the report printed
  }
  LLVMBuildRet(c->b, status);
}

CodegenResult *codegen_program(Crate *crate, Options *opts) {
  CG *c = arena_alloc(sizeof *c);
  c->crate = crate;
  c->opts = opts;
  c->ctx = LLVMContextCreate();
  // Names of instructions, arguments and blocks are for the reader of --emit-llvm only: when
  // compiling, LLVM drops them instead of keeping a symbol table per function (as clang and
  // rustc do). Globals and functions keep theirs.
  if (!opts->emit_llvm) LLVMContextSetDiscardValueNames(c->ctx, true);
  c->mod = LLVMModuleCreateWithNameInContext(opts->input_name, c->ctx);
  LLVMSetSourceFileName(c->mod, opts->input_name, strlen(opts->input_name));
  c->b = LLVMCreateBuilderInContext(c->ctx);
  init_target(c);
  c->t_ptr = LLVMPointerTypeInContext(c->ctx, 0);
  c->t_i1 = LLVMInt1TypeInContext(c->ctx);
  c->t_i8 = LLVMInt8TypeInContext(c->ctx);
  c->t_i32 = LLVMInt32TypeInContext(c->ctx);
  c->t_i64 = LLVMInt64TypeInContext(c->ctx);
  c->t_unit = LLVMStructTypeInContext(c->ctx, NULL, 0, false);
  LLVMTypeRef vec_el[3] = {c->t_ptr, c->t_i64, c->t_i64};
  c->t_vec = LLVMStructTypeInContext(c->ctx, vec_el, 3, false);
  LLVMTypeRef dyn_el[2] = {c->t_ptr, c->t_ptr};
  c->t_dynptr = LLVMStructTypeInContext(c->ctx, dyn_el, 2, false);
  LLVMTypeRef sl_el[2] = {c->t_ptr, c->t_i64};
  c->t_slice = LLVMStructTypeInContext(c->ctx, sl_el, 2, false);

  Instance *main_inst = mono_instance(crate->main_fn, NULL, 0, (Span){0});  // collected first
  LLVMValueRef user_main = cg_instance_fn(c, main_inst);
  for (Instance *in; (in = mono_next_pending());) {
    if (in->emitted || in->fn->is_extern) continue;  // a C function is the C library's
    in->emitted = true;
    cg_emit_mir_body(c, in);
  }
  c->inst = NULL;
  emit_entry(c, user_main);
  LLVMDisposeBuilder(c->b);
  if (diag_error_count()) {
    // The recursion limit (mono.c) left instances declared and never defined.
    LLVMDisposeModule(c->mod);
    LLVMDisposeTargetData(c->td);
    LLVMDisposeTargetMachine(c->tm);
    LLVMContextDispose(c->ctx);
    return NULL;
  }
  CodegenResult *r = arena_alloc(sizeof *r);
  r->ctx = c->ctx;
  r->mod = c->mod;
  r->tm = c->tm;
  r->td = c->td;
  return r;
}
