// emit.c — the object files: a large module is cut into codegen units, compiled at once by as
// many processes.
//
// At -O0 most of a large program's compile time is LLVM's instruction selection and object
// emission (2.4 s of 4.4 s for a 20,000-line program), which handles one function after
// another. rustc cuts a crate into codegen units that LLVM compiles on several threads; trc
// does the same with processes, which need no thread-safe LLVM context: fork() gives each unit
// its own copy of the module.
//
//   1. Weigh each defined function by its instructions and cut the module's list of functions
//      into runs of about equal weight, one per unit (split_points).
//   2. Make every local symbol a hidden global one, as a function of one unit may call, and a
//      vtable of another point at, a function of a third (promote). A name a C function could
//      have (`helper`, `write`) gets a suffix, so that it cannot stand in for the runtime's or
//      libc's when the objects are linked.
//   3. Fork a child per unit but the first. In unit k every function outside its run becomes
//      `available_externally`, which instruction selection skips, and, unless k is 0, every
//      global variable too: unit 0 defines them all, so that a `static mut` exists once and a
//      vtable has one address (keep_unit). (Deleting the bodies instead cost more than it saved:
//      every page the child writes is copied, on this VM at a high price per page fault.)
//   4. Each unit writes its object file; the linker gets them all.
//
// A module too small to be worth a fork (most tests) is one unit, as is any module when
// `--codegen-units=1` is given.
#include "backend/backend.h"

#include <errno.h>
#include <limits.h>
#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

// The fewest instructions a unit should get. A fork and a second object cost a few
// milliseconds; instruction selection handles some 100,000 instructions in one second.
#define UNIT_MIN_WEIGHT 20000
#define MAX_UNITS MAX_OBJECT_FILES

static bool is_definition(LLVMValueRef fn) { return LLVMGetFirstBasicBlock(fn) != NULL; }

static bool is_local(LLVMValueRef g) {
  LLVMLinkage l = LLVMGetLinkage(g);
  return l == LLVMInternalLinkage || l == LLVMPrivateLinkage;
}

static int weigh(LLVMValueRef fn) {
  int n = 0;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i)) n++;
  return n;
}

// How many units: what opts asks for, else one per UNIT_MIN_WEIGHT instructions, up to the
// number of processors.
static int unit_count(Options *opts, long weight) {
  if (opts->codegen_units) return opts->codegen_units;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  long n = weight / UNIT_MIN_WEIGHT;
  if (n > cpus) n = cpus;
  if (n > MAX_UNITS) n = MAX_UNITS;
  return n < 1 ? 1 : (int)n;
}

// The unit of each defined function (in module order): runs of about total/units weight.
// Returns the number of units that got a function (a heavy last function may leave none for
// the last unit).
static int split_points(int units, int *unit_of, int nfns, const int *weights, long total) {
  long acc = 0;
  int k = 0;
  for (int i = 0; i < nfns; i++) {
    unit_of[i] = k;
    acc += weights[i];
    if (k + 1 < units && acc * units >= total * (k + 1)) k++;
  }
  return unit_of[nfns - 1] + 1;
}

static bool c_identifier(const char *s, size_t n) {
  if (!n || (s[0] >= '0' && s[0] <= '9')) return false;
  for (size_t i = 0; i < n; i++)
    if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9'))) return false;
  return true;
}

// A local symbol becomes global and hidden: every unit sees it, nothing outside the program.
static void promote(LLVMValueRef g) {
  if (!is_local(g)) return;
  size_t n;
  const char *name = LLVMGetValueName2(g, &n);
  if (c_identifier(name, n) || !n) {
    char *renamed = malloc(n + 8);
    snprintf(renamed, n + 8, "%.*s.trc", (int)n, name);
    LLVMSetValueName2(g, renamed, strlen(renamed));  // LLVM numbers it if the name is taken
    free(renamed);
  }
  LLVMSetLinkage(g, LLVMExternalLinkage);
  LLVMSetVisibility(g, LLVMHiddenVisibility);
}

// What unit k keeps of the (promoted) module: its own functions, and the globals if k is 0.
static void keep_unit(LLVMModuleRef mod, int k, const int *unit_of) {
  int i = 0;
  for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn)) {
    if (!is_definition(fn)) continue;
    if (unit_of[i++] != k) LLVMSetLinkage(fn, LLVMAvailableExternallyLinkage);
  }
  if (k == 0) return;
  for (LLVMValueRef g = LLVMGetFirstGlobal(mod); g; g = LLVMGetNextGlobal(g)) {
    if (!LLVMGetInitializer(g)) continue;
    LLVMSetLinkage(g, LLVMAvailableExternallyLinkage);
  }
}

// A fresh temporary file for an object, its name in path (PATH_MAX bytes).
static bool temp_object(char *path) {
  const char *tmpdir = getenv("TMPDIR");
  snprintf(path, PATH_MAX, "%s/trc-XXXXXX.o", tmpdir && *tmpdir ? tmpdir : "/tmp");
  int fd = mkstemps(path, 2);
  if (fd < 0) {
    fprintf(stderr, "error: cannot create a temporary object file: %s\n", strerror(errno));
    return false;
  }
  close(fd);
  return true;
}

void remove_objects(ObjectFiles *objs) {
  for (int k = 0; k < objs->n; k++) unlink(objs->paths[k]);
  objs->n = 0;
}

static bool emit_one(LLVMTargetMachineRef tm, LLVMModuleRef mod, const char *path) {
  char *err = NULL;
  if (!LLVMTargetMachineEmitToFile(tm, mod, (char *)path, LLVMObjectFile, &err)) return true;
  fprintf(stderr, "error: internal compiler error: cannot emit the object file: %s\n", err);
  LLVMDisposeMessage(err);
  return false;
}

int emit_objects(CodegenResult *r, Options *opts, ObjectFiles *out) {
  int nfns = 0;
  long total = 0;
  for (LLVMValueRef fn = LLVMGetFirstFunction(r->mod); fn; fn = LLVMGetNextFunction(fn)) nfns += is_definition(fn);
  int *weights = calloc((size_t)nfns + 1, sizeof(int)), *unit_of = calloc((size_t)nfns + 1, sizeof(int));
  int i = 0;
  for (LLVMValueRef fn = LLVMGetFirstFunction(r->mod); fn; fn = LLVMGetNextFunction(fn))
    if (is_definition(fn)) total += weights[i++] = weigh(fn);
  int units = unit_count(opts, total);
  // (An alias would have to go with its aliasee; trc makes none, so a module with one is
  // simply not split.)
  if (LLVMGetFirstGlobalAlias(r->mod) || nfns < 2) units = 1;
  if (units > 1) units = split_points(units, unit_of, nfns, weights, total);
  free(weights);

  out->n = 0;
  for (int k = 0; k < units; k++) {
    if (!temp_object(out->paths[k])) {
      free(unit_of);
      return 1;
    }
    out->n++;
  }
  if (units > 1) {
    for (LLVMValueRef fn = LLVMGetFirstFunction(r->mod); fn; fn = LLVMGetNextFunction(fn))
      if (is_definition(fn)) promote(fn);
    for (LLVMValueRef g = LLVMGetFirstGlobal(r->mod); g; g = LLVMGetNextGlobal(g))
      if (LLVMGetInitializer(g)) promote(g);
  }
  pid_t pids[MAX_UNITS] = {0};
  int rc = 0;
  for (int k = 1; k < units; k++) {
    fflush(NULL);
    pids[k] = fork();
    if (pids[k] == 0) {
      keep_unit(r->mod, k, unit_of);
      _exit(emit_one(r->tm, r->mod, out->paths[k]) ? 0 : 3);
    }
    if (pids[k] < 0) {
      fprintf(stderr, "error: cannot start a codegen process: %s\n", strerror(errno));
      rc = 1;
      units = k;  // the rest are not started
      break;
    }
  }
  if (!rc) {
    if (units > 1) keep_unit(r->mod, 0, unit_of);
    if (!emit_one(r->tm, r->mod, out->paths[0])) rc = 3;
  }
  for (int k = 1; k < units; k++) {
    int status = -1;
    while (waitpid(pids[k], &status, 0) < 0 && errno == EINTR) continue;
    if (!rc && !(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0)) rc = 3;
  }
  free(unit_of);
  return rc;
}
