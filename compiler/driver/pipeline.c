// pipeline.c — the pipeline from source text to an LLVM module, and the reset between runs.
//
// Two programs run trc's phases: the command-line driver (main.c), once per process, and the
// fuzz target (fuzz/fuzz_frontend.c), once per input in the same process. Both call
// trc_compile, so what the fuzzer exercises is exactly what `trc FILE.tr` does up to the
// verifier; only reading the file and what happens to the module afterwards (verify, devirt,
// optimize, write, link: link.c) differ.
//
// Every phase keeps its state in globals (the arena, the intern and type tables, the checker's
// crate, the diagnostics' files and counts). A single compilation never needs to clean them up;
// a second one in the same process does, which is what trc_reset is for. Each module that
// keeps more than arena pointers offers its own small reset; this is the one place that knows
// them all.
#include "driver/driver.h"

#include <stdio.h>
#include <string.h>

static void parse_source(Program *prog, const char *name, const char *text, size_t len) {
  int file = diag_add_file(name, text, len);
  if (file != 0) modules_start(name, file);  // the program's file is its crate root
  int ntoks = 0;
  Token *toks = lex(file, text, len, &ntoks);
  parse_file(prog, toks, ntoks);
}

CodegenResult *trc_compile(const char *name, const char *text, size_t len, Options *opts) {
  types_init();
  // Program and Crate outlive this function (codegen's result and mono point into them).
  Program *prog = arena_alloc(sizeof *prog);
  prog->debug_assertions = opts->opt_level == 0;
  parse_source(prog, "<prelude>", prelude_source, strlen(prelude_source));
  timing_mark("parse the std prelude");
  parse_source(prog, name, text, len);
  modules_load_files(prog);  // the files of its `mod name;` items
  timing_mark("parse the program");
  if (diag_error_count()) return NULL;
  derive_expand(prog);
  timing_mark("expand derives");

  Crate *crate = arena_alloc(sizeof *crate);
  bool ok = check_program(crate, prog);
  timing_mark("type check (the rest)");
  if (!ok) {
    diag_flush_deferred();  // sema's moves errors, which would wait for the borrow checker
    return NULL;
  }

  // Overflow checks as in rustc's builds: on in a debug build (-O0), off with -O.
  lower_crate(crate, opts->opt_level == 0);
  timing_mark("build MIR, check moves and borrows");
  if (diag_error_count()) return NULL;
  if (!opts->emit_mir) {
    mono_init(crate);
    mono_collect(crate);
    timing_mark("collect mono items");
    if (diag_error_count()) return NULL;  // the recursion limit
    if (opts->print_mono_items) {
      mono_print_items(stdout);
      fflush(stdout);
      return NULL;  // main.c: no errors, so the list was the output
    }
  }
  if (opts->emit_mir) {
    bool to_stdout = !opts->output || !strcmp(opts->output, "-");  // `-o -` as for the IR
    FILE *out = to_stdout ? stdout : fopen(opts->output, "w");
    if (!out) {
      fprintf(stderr, "error: couldn't write `%s`\n", opts->output);
      return NULL;
    }
    mir_print_crate(crate, out);
    if (out != stdout) fclose(out);
    else fflush(out);
    return NULL;  // main.c: no errors, so the MIR was the output
  }

  CodegenResult *r = codegen_program(crate, opts);
  timing_mark("generate LLVM IR");
  return r;
}

void trc_reset(void) {
  parse_reset();
  check_reset();
  vtable_reset();
  mono_init(NULL);
  diag_reset();
  // Last: everything above may point into the arena. The intern table goes with it, and
  // types_init empties the type table at the start of the next trc_compile.
  arena_free_all();
}
