// backend.h — from an LLVM module to what the user asked for.
//
// backend owns everything after IR generation: verifying the module, the optimization
// pipeline (with trc's own passes from passes/), and writing IR text, or an object file that
// the system cc links with the runtime into an executable.
#ifndef TRC_BACKEND_H
#define TRC_BACKEND_H

#include "codegen/codegen.h"


// Verifies, optimizes and writes the module as IR text or a linked executable. Returns the exit
// code. The LLVM objects stay (the driver exits next); link_dispose frees them.
int link_output(CodegenResult *r, Options *opts);
void link_dispose(CodegenResult *r);  // frees the LLVM objects without writing anything

// vtable_dump.c: --dump-vtable-layouts, one block per vtable of the module, read from its
// constants, in the order mono_vtable_at gives.
void dump_vtable_layouts(CodegenResult *r);

#endif
