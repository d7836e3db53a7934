// driver.h — the phases in order.
//
// driver owns the command line (main.c) and the pipeline that runs the phases one after the
// other (pipeline.c), which the fuzz target (fuzz/fuzz_frontend.c) shares; and the prelude,
// the part of the standard library written in .tr (compiler/std/), compiled with every program.
#ifndef TRC_DRIVER_H
#define TRC_DRIVER_H

#include "backend/backend.h"

// Compiles `text` (the source of the file `name`, NUL-terminated and alive until trc_reset,
// e.g. in the arena) with the prelude: lex, parse, check, monomorphize and emit. Returns the
// unverified module, or NULL after reporting errors (without the closing summary).
CodegenResult *trc_compile(const char *name, const char *text, size_t len, Options *opts);
// Frees everything a compilation left behind (arena, interned names and types, the checker's
// and diagnostics' tables), so that another trc_compile can run in the same process.
void trc_reset(void);

// The prelude: std declarations (traits Drop, Clone, Copy, Sized, Send, Sync, ...) written in .tr.
extern const char *prelude_source;

#endif
