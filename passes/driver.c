// driver.c — `trc --passes=devirt,nounwind FILE.ll [-o OUT.ll]`: run passes on textual IR.
//
// What `opt -passes=...` is to LLVM's passes: it lets a pass be tested on hand-written IR,
// independently of what trc's codegen happens to emit. The module is verified after the
// passes, so a pass that breaks the IR fails loudly (exit code 3).
#include "passes.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/IRReader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Runs one pass by name; false when the name is unknown.
static bool run_pass(LLVMModuleRef mod, const char *name, size_t len, const DevirtOptions *o) {
  if (len == 6 && !strncmp(name, "devirt", 6)) {
    devirt_module(mod, o);
    return true;
  }
  if (len == 8 && !strncmp(name, "nounwind", 8)) {
    nounwind_module(mod);
    return true;
  }
  return false;
}

static int run(LLVMModuleRef mod, const char *pipeline, const char *out, const DevirtOptions *o) {
  for (const char *p = pipeline; *p;) {
    size_t len = strcspn(p, ",");
    if (!run_pass(mod, p, len, o)) {
      fprintf(stderr, "error: unknown pass `%.*s` (known: devirt, nounwind)\n", (int)len, p);
      return 2;
    }
    p += len;
    if (*p == ',') p++;
  }
  char *msg = NULL;
  if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
    fprintf(stderr, "error: internal compiler error: the module does not verify after `%s`\n%s", pipeline, msg);
    LLVMDisposeMessage(msg);
    return 3;
  }
  LLVMDisposeMessage(msg);
  if (!out || !strcmp(out, "-")) {
    char *s = LLVMPrintModuleToString(mod);
    fputs(s, stdout);
    LLVMDisposeMessage(s);
    return fflush(stdout) == 0 ? 0 : 1;
  }
  char *err = NULL;
  if (LLVMPrintModuleToFile(mod, out, &err)) {
    fprintf(stderr, "error: cannot write `%s`: %s\n", out, err);
    LLVMDisposeMessage(err);
    return 1;
  }
  return 0;
}

int passes_run_file(const char *pipeline, const char *in, const char *out, const DevirtOptions *o) {
  LLVMMemoryBufferRef buf = NULL;
  char *err = NULL;
  bool failed = !strcmp(in, "-") ? LLVMCreateMemoryBufferWithSTDIN(&buf, &err)
                                 : LLVMCreateMemoryBufferWithContentsOfFile(in, &buf, &err);
  if (failed) {
    fprintf(stderr, "error: couldn't read `%s`: %s\n", in, err);
    LLVMDisposeMessage(err);
    return 1;
  }
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = NULL;
  // LLVMParseIRInContext takes the buffer, whether it succeeds or not.
  if (LLVMParseIRInContext(ctx, buf, &mod, &err)) {
    fprintf(stderr, "error: `%s` is not valid LLVM IR: %s\n", in, err);
    LLVMDisposeMessage(err);
    LLVMContextDispose(ctx);
    return 1;
  }
  int rc = run(mod, pipeline, out, o);
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  return rc;
}
