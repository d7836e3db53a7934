// backend.h — from an LLVM module to what the user asked for.
//
// backend owns everything after IR generation: verifying the module, the optimization
// pipeline (with trc's own passes from passes/), and writing IR text, or an object file that
// the system cc links with the runtime into an executable.
#ifndef TRC_BACKEND_H
#define TRC_BACKEND_H

#include "codegen/codegen.h"

#include <limits.h>


// Verifies, optimizes and writes the module as IR text or a linked executable. Returns the exit
// code. The LLVM objects stay (the driver exits next); link_dispose frees them.
int link_output(CodegenResult *r, Options *opts);
void link_dispose(CodegenResult *r);  // frees the LLVM objects without writing anything

// emit.c: the module's object files, one per codegen unit, written by as many processes at once
// (one unit unless the module is large or --codegen-units says otherwise). Returns an exit
// code; the files are in objs (remove_objects deletes them) even when it is not 0.
#define MAX_OBJECT_FILES 16
typedef struct {
  int n;
  char paths[MAX_OBJECT_FILES][PATH_MAX];
} ObjectFiles;
int emit_objects(CodegenResult *r, Options *opts, ObjectFiles *objs);
void remove_objects(ObjectFiles *objs);

// vtable_dump.c: --dump-vtable-layouts, one block per vtable of the module, read from its
// constants, in the order mono_vtable_at gives.
void dump_vtable_layouts(CodegenResult *r);

#endif
