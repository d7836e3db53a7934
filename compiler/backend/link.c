// link.c — from a verified LLVM module to what the user asked for.
//
// The module is verified first (a failure is trc's bug, reported as an internal error with
// exit code 3), devirtualized with --devirt (passes/devirt.c), then optimized with LLVM's own
// `default<O2>` pipeline (and a little around it: see pipeline()) when -O2 is given, then either printed as textual IR or compiled to
// an object file by the TargetMachine codegen made and linked by the system C compiler against
// trc's runtime library.
#include "backend/backend.h"
#include "passes.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Support.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void link_dispose(CodegenResult *r) {
  LLVMDisposeModule(r->mod);
  LLVMDisposeTargetData(r->td);
  LLVMDisposeTargetMachine(r->tm);
  LLVMContextDispose(r->ctx);
}

static bool verify(LLVMModuleRef mod) {
  char *msg = NULL;
  if (!LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
    LLVMDisposeMessage(msg);
    return true;
  }
  fprintf(stderr, "error: internal compiler error: the generated LLVM IR does not verify\n%s\n", msg);
  fprintf(stderr, "note: trc unexpectedly failed; this is a bug\n");
  LLVMDisposeMessage(msg);
  return false;
}

// The pipeline for -O1/-O2/-O3 is LLVM's own, and at -O2 and -O3 an early inlining step
// before it (early_inline):
//
//   - `cgscc(inline)` first, on trc's unoptimized IR. rustc inlines small functions in MIR
//     before LLVM sees them; LLVM's inliner runs only after each callee has been simplified,
//     and simplification can lose structure the caller needed: a `fn kind_of(i) -> Kind` whose
//     `match` SimplifyCFG has already turned into selects can no longer be jump-threaded into
//     the caller's `match kind_of(i)`, and the loop runs twice as slow as rustc's
//     (bench/enum_of_dyn.tr, static mode). Around it, SROA and jump threading alone: bodies
//     emitted from MIR keep in memory every local borrowed or assigned twice (codegen/locals.c)
//     and every value over 16 bytes, and once SROA has made values of them the
//     constant a callee's arm stores must be threaded to the caller's arm before SimplifyCFG
//     turns that callee's switch into selects (without them the same loop is 1.7x slower).
//   - with --devirt, nontrivial loop unswitching (see enable_unswitching).
static const char *pipeline(Options *opts) {
  switch (opts->opt_level) {
  case 1: return "default<O1>";
  case 3: return "default<O3>";
  default: return "default<O2>";
  }
}

// A caller may grow only so far. LLVM inlines a function with one caller whatever its size, so
// every function called once from `main` would be pasted into it: before simplification, the
// loop passes that then run on that one huge function cost time quadratic in the program
// (bench/compile: a 20k-line program spent 74 s in them, against 13 s for `default<O2>`
// alone); after it, `main` still grew to 85,000 instructions, whose instruction selection and
// register allocation cost more than all the rest, and which codegen units cannot split. So
// each caller, in the order its calls come, takes its callees (with what they will have
// inlined themselves) until it would pass EARLY_INLINE_BUDGET instructions, and the callees
// left over are marked `noinline`, as rustc's codegen units leave a function in another unit
// uninlined. Ordinary programs never reach the budget (the bench programs' IR is the same
// with it or without).
enum { EARLY_INLINE_BUDGET = 8000 };

typedef struct {
  LLVMValueRef *fns;  // every defined function, and its size once inlining is done (-1: not yet)
  int *size;
  int n;
  PtrMap index;       // function -> its index in fns, plus one
  unsigned noinline;
} EarlyInline;

static int fn_index(EarlyInline *e, LLVMValueRef fn) { return (int)(intptr_t)ptrmap_get(&e->index, fn, NULL) - 1; }

// The size fn will have after the early step: its own instructions and the callees it takes.
static int budget_callees(EarlyInline *e, int i) {
  if (e->size[i] >= 0) return e->size[i];
  e->size[i] = INT_MAX / 4;  // a call back into a function being measured is not inlined
  LLVMValueRef fn = e->fns[i];
  int own = 0;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in; in = LLVMGetNextInstruction(in)) own++;
  int total = own;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in; in = LLVMGetNextInstruction(in)) {
      if (!LLVMIsACallInst(in) && !LLVMIsAInvokeInst(in)) continue;
      int j = fn_index(e, LLVMGetCalledValue(in));
      if (j < 0 || j == i || LLVMGetEnumAttributeAtIndex(e->fns[j], LLVMAttributeFunctionIndex, e->noinline)) continue;
      int add = budget_callees(e, j);
      if (total + add <= EARLY_INLINE_BUDGET) {
        total += add;
        continue;
      }
      LLVMAddAttributeAtIndex(e->fns[j], LLVMAttributeFunctionIndex,
                              LLVMCreateEnumAttribute(LLVMGetModuleContext(LLVMGetGlobalParent(fn)), e->noinline, 0));
    }
  e->size[i] = total;
  return total;
}

static bool run_passes(CodegenResult *r, const char *passes) {
  LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
  LLVMErrorRef err = LLVMRunPasses(r->mod, passes, r->tm, po);
  LLVMDisposePassBuilderOptions(po);
  if (!err) return true;
  char *msg = LLVMGetErrorMessage(err);
  fprintf(stderr, "error: internal compiler error: LLVM optimization failed: %s\n", msg);
  LLVMDisposeErrorMessage(msg);
  return false;
}

static bool early_inline(CodegenResult *r) {
  EarlyInline e = {0};
  e.noinline = LLVMGetEnumAttributeKindForName("noinline", 8);
  for (LLVMValueRef fn = LLVMGetFirstFunction(r->mod); fn; fn = LLVMGetNextFunction(fn)) e.n++;
  e.fns = malloc(sizeof(LLVMValueRef) * (e.n + 1));
  e.size = malloc(sizeof(int) * (e.n + 1));
  if (!e.fns || !e.size) abort();
  int k = 0;
  for (LLVMValueRef fn = LLVMGetFirstFunction(r->mod); fn; fn = LLVMGetNextFunction(fn)) {
    if (LLVMIsDeclaration(fn)) continue;
    e.size[k] = -1;
    ptrmap_put(&e.index, fn, NULL, (void *)(intptr_t)(k + 1));
    e.fns[k++] = fn;
  }
  e.n = k;
  for (int i = 0; i < e.n; i++) budget_callees(&e, i);
  bool ok = run_passes(r, "function(sroa,jump-threading),cgscc(inline),function(sroa,jump-threading)");
  free(e.fns);
  free(e.size);
  return ok;
}

// A devirtualized call whose vtable does not change in a loop (a `&dyn` argument) becomes a
// switch of direct calls inside the loop. Unswitching hoists the switch out, one copy of the
// loop per target, each then optimized as if the call had been static from the start
// (bench/mono_site.tr). LLVM's -O2 pipeline only unswitches trivial conditions (those that
// leave the loop) unless this option is set; it is a process-wide LLVM option, and trc
// compiles one module per process. It is set only when the pass made such a switch: without
// one it would only copy loops on the program's own conditions, which -O2 chose not to do
// (bench/parser.tr chain-dyn, whose dyn calls all have a known vtable, ran 10% slower than
// with --no-devirt when the eval loop was unswitched on its `add` flag).
static void enable_unswitching(void) {
  static bool done;
  if (done) return;
  done = true;
  const char *argv[] = {"trc", "-enable-nontrivial-unswitch"};
  LLVMParseCommandLineOptions(2, argv, NULL);
}

static bool optimize(CodegenResult *r, Options *opts, bool unswitch) {
  if (opts->opt_level == 0 || opts->no_llvm_passes) return true;
  if (unswitch && opts->opt_level >= 2) enable_unswitching();
  if (opts->opt_level >= 2 && !early_inline(r)) return false;
  return run_passes(r, pipeline(opts));
}

// --devirt: passes/devirt.c on trc's own IR, before LLVM's pipeline so that the direct calls
// it makes get inlined (at -O0 the calls are just direct). Verified again: a broken rewrite is
// trc's bug. *switched: some call became a compare chain (see enable_unswitching).
static bool devirtualize(CodegenResult *r, Options *opts, bool *switched) {
  DevirtOptions o = {opts->devirt_max_targets, opts->devirt_remarks};
  *switched = devirt_module(r->mod, &o).switched > 0;
  return verify(r->mod);
}

// The runtime library sits at <dir of trc>/../lib/libtrc_rt.a in the build tree and when
// installed; TRC_RUNTIME overrides it.
static const char *runtime_path(void) {
  const char *env = getenv("TRC_RUNTIME");
  if (env && *env) return env;
  static char buf[PATH_MAX + 32];
  ssize_t n = readlink("/proc/self/exe", buf, PATH_MAX);
  if (n <= 0) return NULL;
  buf[n] = 0;
  char *slash = strrchr(buf, '/');
  if (!slash) return NULL;
  strcpy(slash, "/../lib/libtrc_rt.a");
  return buf;
}

// Whether a program of that name is on PATH.
static bool on_path(const char *name) {
  const char *path = getenv("PATH");
  char buf[PATH_MAX];
  for (const char *p = path; p && *p;) {
    const char *colon = strchr(p, ':');
    int len = colon ? (int)(colon - p) : (int)strlen(p);
    if (len && snprintf(buf, sizeof buf, "%.*s/%s", len, p, name) < (int)sizeof buf && access(buf, X_OK) == 0) return true;
    p = colon ? colon + 1 : NULL;
  }
  return false;
}

// cc links with GNU gold when it is installed (binutils has it on Debian): it links the
// 20,000-line benchmark program in 0.19 s, the default ld.bfd in 0.33. A driver named by
// TRC_CC is left to its own default.
static int run_linker(ObjectFiles *objs, const char *rtlib, const char *out) {
  const char *cc = getenv("TRC_CC");
  bool own_cc = cc && *cc;
  if (!own_cc) cc = "cc";
  const char *argv[MAX_OBJECT_FILES + 9];
  int n = 0;
  argv[n++] = cc;
  if (!own_cc && on_path("ld.gold")) argv[n++] = "-fuse-ld=gold";
  for (int k = 0; k < objs->n; k++) argv[n++] = objs->paths[k];
  argv[n++] = rtlib, argv[n++] = "-lm", argv[n++] = "-lpthread", argv[n++] = "-o", argv[n++] = out;
  argv[n] = NULL;
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    execvp(cc, (char *const *)argv);
    fprintf(stderr, "error: cannot run the linker `%s`: %s\n", cc, strerror(errno));
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int write_ir(CodegenResult *r, Options *opts) {
  if (!opts->output || !strcmp(opts->output, "-")) {
    char *s = LLVMPrintModuleToString(r->mod);
    fputs(s, stdout);
    LLVMDisposeMessage(s);
    return fflush(stdout) == 0 ? 0 : 1;
  }
  char *err = NULL;
  if (LLVMPrintModuleToFile(r->mod, opts->output, &err)) {
    fprintf(stderr, "error: cannot write `%s`: %s\n", opts->output, err);
    LLVMDisposeMessage(err);
    return 1;
  }
  return 0;
}

static int write_executable(CodegenResult *r, Options *opts) {
  const char *rtlib = runtime_path();
  if (!rtlib || access(rtlib, R_OK) != 0) {
    fprintf(stderr, "error: cannot find trc's runtime library%s%s (set TRC_RUNTIME to its path)\n", rtlib ? " at " : "", rtlib ? rtlib : "");
    return 1;
  }
  ObjectFiles objs;
  int rc = emit_objects(r, opts, &objs);
  if (rc) {
    remove_objects(&objs);
    return rc;
  }
  const char *out = opts->output ? opts->output : "a.out";
  timing_mark(objs.n > 1 ? "LLVM: emit the object files" : "LLVM: emit the object file");
  rc = run_linker(&objs, rtlib, out);
  timing_mark("link (cc)");
  remove_objects(&objs);
  if (rc != 0) {
    fprintf(stderr, "error: linking with `cc` failed (exit status %d)\n", rc);
    return 1;
  }
  return 0;
}

int link_output(CodegenResult *r, Options *opts) {
  int rc;
  bool switched = false;
  bool ok = verify(r->mod);
  timing_mark("LLVM: verify the module");
  if (ok && opts->devirt) {
    ok = devirtualize(r, opts, &switched);
    timing_mark("devirtualize");
  }
  // After devirt, whose direct calls it can see through. At -O0 nothing else would make plain
  // calls of the invokes whose callee cannot unwind (passes/nounwind.c).
  if (ok) {
    nounwind_module(r->mod);
    timing_mark("find the calls that cannot unwind");
  }
  if (ok) {
    ok = optimize(r, opts, switched);
    if (opts->opt_level && !opts->no_llvm_passes) timing_mark("LLVM: optimize");
  }
  if (!ok) rc = 3;
  else rc = opts->emit_llvm ? write_ir(r, opts) : write_executable(r, opts);
  return rc;
}
