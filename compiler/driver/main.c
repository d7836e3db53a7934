// main.c — the command line: options, reading the source, then the pipeline (pipeline.c) and
// what the options ask of its module (link.c).
//
//   trc FILE.tr [-o OUT] [--emit-llvm] [-O0|-O2] [--devirt|--no-devirt]
//   trc --passes=devirt FILE.ll [-o OUT.ll]      (passes/driver.c)
//
// Exit codes: 0 success, 1 the program has errors (or the output could not be written),
// 2 the command line is wrong, 3 trc itself failed (an internal compiler error).
#include "driver/driver.h"
#include "passes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TRC_VERSION
#define TRC_VERSION "0.1.0"
#endif

// Sources larger than this are refused rather than lexed: no real program is that big, and a
// bound keeps every later phase's memory use predictable.
#define MAX_SOURCE_BYTES (16u << 20)

static const char *usage_text =
    "Usage: trc FILE.tr [options]\n"
    "\n"
    "Compiles a .tr program (a subset of Rust 2021) to a native executable.\n"
    "\n"
    "Options:\n"
    "  -o FILE        write the output to FILE (default: a.out, or stdout with --emit-llvm)\n"
    "  --emit-llvm    write textual LLVM IR instead of an executable\n"
    "  --emit=mir     print the mid-level IR (MIR) of the program's functions and stop\n"
    "  --print-mono-items\n"
    "                 print the instances, vtables and drop glue the program needs, and stop\n"
    "  --dump-vtable-layouts\n"
    "                 print every vtable the program needs, slot by slot, and stop\n"
    "  -O0            no optimization (default)\n"
    "  -O2            optimize with LLVM's default<O2> pipeline (also -O1, -O3)\n"
    "  --devirt, -fdevirtualize\n"
    "                 turn dyn calls into direct calls where the program allows (before -O);\n"
    "                 on by default at -O2 and -O3\n"
    "  --no-devirt, -fno-devirtualize\n"
    "                 leave dyn calls indirect (the default at -O0 and -O1)\n"
    "  --devirt-max-targets=N\n"
    "                 most targets a devirtualized call may switch over (default 4)\n"
    "  --remarks=devirt\n"
    "                 report what happened to each dyn call on stderr\n"
    "  --disable-llvm-passes\n"
    "                 run none of LLVM's optimizations: with --emit-llvm, the IR trc wrote for the\n"
    "                 -O level given (its overflow checks, and after the devirtualization pass)\n"
    "                 as LLVM's pipeline would receive it (clang's -disable-llvm-passes)\n"
    "  --codegen-units=N\n"
    "                 split the program into N parts that LLVM compiles to object files at once,\n"
    "                 in N processes (default: one part per 20,000 LLVM instructions, up to the\n"
    "                 number of processors)\n"
    "  --time-passes  print the time of each phase and the peak memory on stderr\n"
    "  --passes=devirt\n"
    "                 read FILE as textual LLVM IR, run the passes, print the IR\n"
    "  --explain CODE explain an error code (e.g. E0038)\n"
    "  --help         print this help\n"
    "  --version      print the version\n"
    "\n"
    "Exit codes: 0 success, 1 compile error, 2 usage error, 3 internal compiler error.\n";

static _Noreturn void usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "error: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n\nRun `trc --help` for usage.\n");
  exit(2);
}

static void parse_args(int argc, char **argv, Options *o, const char **input) {
  *input = NULL;
  int devirt = -1;  // not given: on from -O2 up (README, "Devirtualization": the benchmark)
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      fputs(usage_text, stdout);
      exit(0);
    } else if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
      printf("trc %s\n", TRC_VERSION);
      exit(0);
    } else if (!strcmp(a, "-o")) {
      if (++i >= argc) usage_error("`-o` needs a file name%s", "");
      o->output = argv[i];
    } else if (!strcmp(a, "--explain")) {
      if (++i >= argc) usage_error("`--explain` needs an error code, like E0038%s", "");
      exit(explain_code(argv[i]));
    } else if (!strcmp(a, "--emit-llvm")) {
      o->emit_llvm = true;
    } else if (!strcmp(a, "--emit=mir")) {
      o->emit_mir = true;
    } else if (!strcmp(a, "--print-mono-items")) {
      o->print_mono_items = true;
    } else if (!strcmp(a, "--emit=llvm-ir")) {
      o->emit_llvm = true;
    } else if (!strcmp(a, "--dump-vtable-layouts")) {
      o->dump_vtables = true;
    } else if (!strcmp(a, "-O0") || !strcmp(a, "-O1") || !strcmp(a, "-O2") || !strcmp(a, "-O3")) {
      o->opt_level = a[2] - '0';
    } else if (!strcmp(a, "--devirt") || !strcmp(a, "-fdevirtualize")) {
      devirt = 1;
    } else if (!strcmp(a, "--no-devirt") || !strcmp(a, "-fno-devirtualize")) {
      devirt = 0;
    } else if (!strncmp(a, "--devirt-max-targets=", 21)) {
      char *end;
      long n = strtol(a + 21, &end, 10);
      if (!a[21] || *end || n < 1 || n > 64) usage_error("`%s` needs a number from 1 to 64", a);
      o->devirt_max_targets = (int)n;
    } else if (!strncmp(a, "--codegen-units=", 16)) {
      char *end;
      long n = strtol(a + 16, &end, 10);
      if (!a[16] || *end || n < 1 || n > MAX_OBJECT_FILES) usage_error("`%s` needs a number from 1 to 16", a);
      o->codegen_units = (int)n;
    } else if (!strcmp(a, "--remarks=devirt")) {
      o->devirt_remarks = true;
    } else if (!strcmp(a, "--disable-llvm-passes")) {
      o->no_llvm_passes = true;
    } else if (!strcmp(a, "--time-passes")) {
      o->time_passes = true;
    } else if (!strncmp(a, "--passes=", 9)) {
      if (!a[9]) usage_error("`--passes=` needs a pass name%s", "");
      o->passes = a + 9;
    } else if (a[0] == '-' && a[1]) {
      usage_error("unknown option `%s`", a);
    } else {
      if (*input) usage_error("more than one input file given (`%s`)", a);
      *input = a;
    }
  }
  if (!*input) usage_error("no input file%s", "");
  o->devirt = devirt == 1 || (devirt == -1 && o->opt_level >= 2);
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
  if (!f) {
    fprintf(stderr, "error: couldn't read `%s`: %s\n", path, strerror(errno));
    exit(1);
  }
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (n == cap) {
      if (cap >= MAX_SOURCE_BYTES) {
        fprintf(stderr, "error: `%s` is larger than %u MiB; trc refuses to compile it\n", path, MAX_SOURCE_BYTES >> 20);
        exit(1);
      }
      cap *= 2;
      buf = realloc(buf, cap);
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    if (got == 0) break;
    n += got;
  }
  if (ferror(f)) {
    fprintf(stderr, "error: couldn't read `%s`: %s\n", path, strerror(errno));
    exit(1);
  }
  if (f != stdin) fclose(f);
  // The arena keeps the text for the diagnostics; the read buffer goes.
  char *text = arena_strndup(buf, n);
  free(buf);
  *len = n;
  return text;
}

static volatile CodegenResult exiting_with;  // volatile: written only, to be found (see below)

int main(int argc, char **argv) {
  Options opts = {0};
  const char *input;
  parse_args(argc, argv, &opts, &input);
  opts.input_name = input;
  if (opts.passes) {
    DevirtOptions dopts = {opts.devirt_max_targets, opts.devirt_remarks};
    fatal_exit(passes_run_file(opts.passes, input, opts.output, &dopts));
  }
  diag_set_color(isatty(2) && !getenv("NO_COLOR"));
  timing_start(opts.time_passes);

  size_t len;
  char *text = read_file(input, &len);
  CodegenResult *r = trc_compile(input, text, len, &opts);  // pipeline.c
  if (!r && (opts.emit_mir || opts.print_mono_items) && !diag_error_count()) fatal_exit(0);  // printed
  if (!r) {
    diag_summary();
    timing_report();
    fatal_exit(1);
  }
  if (opts.dump_vtables) {
    dump_vtable_layouts(r);  // nothing else is wanted
    link_dispose(r);
    fatal_exit(0);
  }
  int rc = link_output(r, &opts);
  if (opts.emit_llvm) timing_mark("LLVM: write the IR");
  timing_report();
  // The process ends here, so the module is not freed: taking a big program's module apart
  // object by object cost a tenth of its compile time. The handles stay in a global, where
  // leak checkers (ASan's, on the sanitized build) find LLVM's memory still reachable.
  exiting_with = *r;
  fatal_exit(rc);
}
