// codegen.h — LLVM IR generation for the checked, monomorphized program.
//
// codegen owns the LLVM module: one function per instance, vtables, drop glue and formatting
// helpers. Its public face is small on purpose: the command-line Options (codegen is the first
// phase that reads them) and codegen_program, which hands back the LLVM handles opaquely so
// that only codegen/ and backend/ include LLVM's headers.
#ifndef TRC_CODEGEN_H
#define TRC_CODEGEN_H

#include "mono/mono.h"

typedef struct {
  int opt_level;        // 0 or 2
  bool emit_llvm;
  const char *output;
  const char *input_name;
  bool devirt;          // --devirt / -fdevirtualize: passes/devirt.c before optimizing
  int devirt_max_targets;  // --devirt-max-targets=N (0: the pass's default)
  bool devirt_remarks;  // --remarks=devirt
  const char *passes;   // --passes=P: run passes P on the .ll input and print it
  bool dump_vtables;    // --dump-vtable-layouts
  bool emit_mir;        // --emit=mir: print the MIR of the user's functions instead of compiling
  bool print_mono_items; // --print-mono-items: print what the collector found instead of compiling
  bool time_passes;     // --time-passes: the time of each phase on stderr (base/timing.c)
  bool no_llvm_passes;  // --disable-llvm-passes: skip LLVM's pipeline (not trc's devirt pass)
  int codegen_units;    // --codegen-units=N: object files written at once (0: by the module's size)
} Options;

// What codegen hands to link.c (LLVM handles, kept opaque here so that only the codegen and
// link files include LLVM's headers).
typedef struct {
  void *ctx, *mod, *tm, *td;
} CodegenResult;

// Builds the LLVM module for the checked crate.
CodegenResult *codegen_program(Crate *crate, Options *opts);

#endif
