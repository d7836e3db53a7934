// fuzz_frontend.c — a libFuzzer target over trc's whole pipeline up to the LLVM verifier.
//
// Each input is one .tr source file. It goes through exactly what `trc FILE.tr --emit-llvm`
// does (pipeline.c's trc_compile: prelude, lex, parse, check, monomorphize, emit), then the
// module is verified, devirtualized (passes/devirt.c) and verified again. Nothing is linked
// or run, so an input costs milliseconds and libFuzzer can try hundreds per second.
//
// What counts as a bug:
//   - an internal compiler error: diag.c aborts when diag_exit_jmp is set, so libFuzzer
//     reports it as a crash with the stack of the `ice` call;
//   - a module that does not verify (before or after devirtualization): abort here;
//   - anything ASan or UBSan reports, a hang (-timeout) or runaway memory (-rss_limit_mb).
// A program with errors is fine: trc reports them and fatal_exit (or trc_compile's NULL)
// brings us back here.
//
// trc keeps its state in globals and calls exit() when it gives up; diag_exit_jmp turns that
// exit into a longjmp back here, and trc_reset frees and forgets everything before the next
// input. Diagnostics are still rendered (diag.c is part of what is fuzzed); run with
// -close_fd_mask=2 to keep them off the terminal.
//
// Build: cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang-19 -DTRC_FUZZ=ON
//        ninja -C build-fuzz trc_fuzz_frontend     (or just run scripts/fuzz.sh)
// Reproduce a crash: build-fuzz/bin/trc_fuzz_frontend CRASH-FILE
//        and, for the message, build-fuzz/bin/trc CRASH-FILE --emit-llvm -o /dev/null
#include "driver/driver.h"
#include "passes.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

// Inputs larger than this are not interesting and only slow the fuzzer down (the corpus files
// are a few KB); libFuzzer's -max_len normally keeps below it anyway.
#define MAX_INPUT (256u << 10)

static void verify_or_abort(LLVMModuleRef mod, const char *when) {
  char *msg = NULL;
  if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
    fprintf(stderr, "trc_fuzz_frontend: the module does not verify %s:\n%s\n", when, msg);
    abort();
  }
  LLVMDisposeMessage(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > MAX_INPUT) return 0;
  jmp_buf exit_jmp;
  diag_exit_jmp = &exit_jmp;
  if (setjmp(exit_jmp) == 0) {
    // The text stays in the arena like a file read by main.c (diagnostics quote it).
    const char *text = arena_strndup((const char *)data, size);
    Options opts = {.opt_level = 0, .emit_llvm = true, .input_name = "fuzz.tr"};
    CodegenResult *r = trc_compile("fuzz.tr", text, size, &opts);
    if (!r) diag_summary();  // as main.c does
    if (r) {
      verify_or_abort(r->mod, "after codegen");
      DevirtOptions dopts = {0, false};
      devirt_module(r->mod, &dopts);
      verify_or_abort(r->mod, "after --devirt");
      link_dispose(r);
    }
  } else if (diag_exit_code == 3) {
    // fatal_exit(3) without `ice` (e.g. no LLVM target): still trc failing, not the input.
    fprintf(stderr, "trc_fuzz_frontend: trc exited with code 3\n");
    abort();
  }
  diag_exit_jmp = NULL;
  trc_reset();
  return 0;
}
