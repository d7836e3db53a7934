// driver.h — the phases in order.
//
// trc compiles a small subset of Rust 2021 (".tr" files) to native code through the LLVM C
// API. The pipeline is the classic one, one folder per phase under compiler/, each with one
// header that includes the one before it:
//
//   base/     the arena, interning, the typed vector, spans and diagnostics
//   syntax/   bytes -> tokens -> AST (items, statements, expressions, types as written)
//   sema/     interned types; name resolution, trait queries (vtable layouts among them) and
//             type inference, which annotate the AST in place
//   lower/    the mid-level IR (MIR): each checked body as a control-flow graph of places,
//             rvalues and terminators, with coercions, checks, drops and unwinding explicit
//   mono/     the monomorphization collector: which (function, type arguments) instances are
//             reachable from main
//   codegen/  LLVM IR for every instance (from its MIR), vtables, drop glue
//   backend/  verification, the optimization pipeline (with passes/), object emission, link
//   driver/   the command line (main.c) and the pipeline (pipeline.c), shared with the fuzz
//             target (fuzz/fuzz_frontend.c)
//   std/      the prelude, the part of the standard library written in .tr, embedded into the
//             binary at build time and compiled with every program
//
// The checker annotates the AST in place: every Expr gets its semantic type and, for names and
// calls, what it resolved to. lower/ then builds each body's MIR once, generically: generic
// functions keep their type parameters as opaque TY_PARAM types, and codegen substitutes
// concrete types per instance. The move to MIR is under way: a body that lower/ does not cover
// yet (closures, for one) is emitted from the annotated AST, as all of them were before.
// Compiler data lives in one arena and is never freed individually.
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

// The prelude: compiler/std/*.tr, concatenated (defined in a file the build generates).
extern const char *prelude_source;

#endif
