// passes.h — optional LLVM IR passes built into trc, written on the LLVM C API.
//
// They work on a finished LLVM module (trc's lowering, or hand-written textual IR read by
// `trc --passes=NAME FILE.ll`) and know nothing of trc's AST: everything they need is marked
// in the IR itself (see devirt.c for the marks).
#ifndef TRC_PASSES_H
#define TRC_PASSES_H

#include <llvm-c/Types.h>
#include <stdbool.h>

//
// devirt.c: whole-program devirtualization of dyn calls
//

#define DEVIRT_DEFAULT_MAX_TARGETS 4

typedef struct {
  int max_targets;  // most direct targets (or constants) a switch may compare; <= 0: default
  bool remarks;     // one line per dyn call on stderr (--remarks=devirt)
} DevirtOptions;

typedef struct {
  int known;        // vtable pointer known (constant, phi/select of constants, through args)
  int single;       // one implementation of the slot in the whole program
  int closed_world; // a switch over every vtable of the trait
  int constant;     // virtual constant propagation
  int kept;         // left indirect
  int switched;     // of the above, calls that became a compare chain (or a select of constants)
} DevirtStats;

DevirtStats devirt_module(LLVMModuleRef mod, const DevirtOptions *o);

//
// nounwind.c: plain calls of functions that cannot unwind
//

typedef struct {
  int nounwind;  // defined functions found not to unwind
  int invokes;   // invokes made calls
} NounwindStats;

NounwindStats nounwind_module(LLVMModuleRef mod);

//
// driver.c: `trc --passes=devirt,nounwind FILE.ll [-o OUT.ll]`
//

// Parses FILE.ll, runs the comma-separated passes, verifies and prints the module (to stdout
// when out is NULL or "-"). Returns trc's exit code: 0, 1 (unreadable input or output),
// 2 (unknown pass), 3 (the module does not verify after the passes: a bug in a pass).
int passes_run_file(const char *pipeline, const char *in, const char *out, const DevirtOptions *o);

#endif
