// nounwind.c — which functions cannot unwind, and plain calls instead of invokes of them.
//
// trc's codegen writes every call that may panic while something needs dropping as an
// `invoke`, since a panic unwinds and runs the cleanups. But most callees cannot panic at all
// (a getter, an `area` of float arithmetic), and at -O0 an invoke costs much more than a call:
// FastISel selects neither an invoke nor a landing pad, so both blocks go to SelectionDAG, some
// ten times slower per block. At -O2 LLVM's own function-attrs and simplifycfg find this out;
// -O0 runs neither. So, on the finished module:
//
//   1. Every function defined here is assumed not to unwind. A function unwinds if one of its
//      call sites (call or invoke) may: an indirect call (a vtable slot, a fn pointer), a call
//      of a declaration that is not `nounwind` (the runtime's panics, libc, an `extern "C"`
//      function), or a call of a defined function found to unwind. Intrinsics do not unwind.
//      This is propagated backwards over the call graph with a worklist, from the functions
//      that call something outside first: each function is looked at once per callee that
//      changes, so the work is linear in the number of call sites. (A `resume` needs no rule of
//      its own: it is reached only from a landing pad, so only if some invoke's callee unwinds.)
//      A recursion that calls nothing that unwinds stays nounwind, as it should.
//   2. The functions left get the `nounwind` attribute (which also tells the unwinder tables
//      and -O2's passes).
//   3. Each invoke of a nounwind callee becomes a call followed by a branch to its normal
//      destination. The landing pad it leaves may have no predecessor now; LLVM removes
//      unreachable blocks before instruction selection, so they are left to it.
#include "passes.h"

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  LLVMValueRef *fns;   // the defined functions, in module order
  int n;
  unsigned k_nounwind; // the attribute's kind id
  bool *unwinds;       // per function
  // who calls whom among them, as arrays of callers per callee (CSR: callers[first[g]..first[g+1]))
  int *first, *callers;
} Nounwind;

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p) abort();
  return p;
}

static bool is_call_site(LLVMValueRef i) { return LLVMIsACallInst(i) || LLVMIsAInvokeInst(i); }

static bool has_nounwind(Nounwind *nu, LLVMValueRef fn) {
  return LLVMGetEnumAttributeAtIndex(fn, LLVMAttributeFunctionIndex, nu->k_nounwind) != NULL;
}

// The defined functions are numbered in module order; a table sorted by address finds the
// number of a callee.
typedef struct {
  LLVMValueRef fn;
  int index;
} Slot;

static int cmp_slot(const void *a, const void *b) {
  uintptr_t x = (uintptr_t)((const Slot *)a)->fn, y = (uintptr_t)((const Slot *)b)->fn;
  return x < y ? -1 : x > y;
}

static int index_of(Slot *table, int n, LLVMValueRef fn) {
  Slot key = {fn, 0}, *s = bsearch(&key, table, (size_t)n, sizeof(Slot), cmp_slot);
  return s ? s->index : -1;
}

// Whether the call site may unwind by itself, whatever the defined functions do; *callee is
// the index of the defined function it calls directly, or -1.
static bool unwinds_outside(Nounwind *nu, Slot *table, LLVMValueRef call, int *callee) {
  *callee = -1;
  if (LLVMGetCallSiteEnumAttribute(call, LLVMAttributeFunctionIndex, nu->k_nounwind)) return false;
  LLVMValueRef fn = LLVMGetCalledValue(call);
  if (!LLVMIsAFunction(fn)) return true;  // indirect
  if (LLVMGetIntrinsicID(fn)) return false;
  if (has_nounwind(nu, fn)) return false;
  *callee = index_of(table, nu->n, fn);
  return *callee < 0;  // a declaration
}

// Step 1: the callers of each function, and the functions that unwind by a call outside.
static void build_call_graph(Nounwind *nu, Slot *table, int **worklist, int *nwork) {
  int cap = 64, nedges = 0;
  int (*edges)[2] = xcalloc((size_t)cap, sizeof *edges);  // {callee, caller}
  *worklist = xcalloc((size_t)nu->n, sizeof(int));
  for (int f = 0; f < nu->n; f++)
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(nu->fns[f]); bb; bb = LLVMGetNextBasicBlock(bb))
      for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i)) {
        int g;
        if (!is_call_site(i)) continue;
        if (unwinds_outside(nu, table, i, &g)) {
          if (!nu->unwinds[f]) nu->unwinds[f] = true, (*worklist)[(*nwork)++] = f;
        } else if (g >= 0) {
          if (nedges == cap) edges = realloc(edges, sizeof *edges * (size_t)(cap *= 2));
          if (!edges) abort();
          edges[nedges][0] = g, edges[nedges][1] = f, nedges++;
        }
      }
  // A counting sort of the edges by callee.
  nu->first = xcalloc((size_t)nu->n + 2, sizeof(int));
  nu->callers = xcalloc((size_t)nedges + 1, sizeof(int));
  for (int e = 0; e < nedges; e++) nu->first[edges[e][0] + 2]++;
  for (int g = 0; g < nu->n; g++) nu->first[g + 2] += nu->first[g + 1];
  for (int e = 0; e < nedges; e++) nu->callers[nu->first[edges[e][0] + 1]++] = edges[e][1];
  free(edges);
}

// The rest of step 1: a function that calls one that unwinds unwinds too.
static void propagate(Nounwind *nu, int *worklist, int nwork) {
  while (nwork) {
    int g = worklist[--nwork];
    for (int k = nu->first[g]; k < nu->first[g + 1]; k++) {
      int f = nu->callers[k];
      if (!nu->unwinds[f]) nu->unwinds[f] = true, worklist[nwork++] = f;
    }
  }
}

// The call-site attributes of from (the function's, the return's, each argument's) onto to.
static void copy_call_attributes(LLVMValueRef from, LLVMValueRef to, unsigned nargs) {
  for (long idx = -1; idx <= (long)nargs; idx++) {
    LLVMAttributeIndex ai = idx < 0 ? (LLVMAttributeIndex)LLVMAttributeFunctionIndex : (LLVMAttributeIndex)idx;
    unsigned n = LLVMGetCallSiteAttributeCount(from, ai);
    if (!n) continue;
    LLVMAttributeRef *attrs = xcalloc(n, sizeof *attrs);
    LLVMGetCallSiteAttributes(from, ai, attrs);
    for (unsigned k = 0; k < n; k++) LLVMAddCallSiteAttribute(to, ai, attrs[k]);
    free(attrs);
  }
}

static void copy_metadata(LLVMValueRef from, LLVMValueRef to) {
  size_t n;
  LLVMValueMetadataEntry *md = LLVMInstructionGetAllMetadataOtherThanDebugLoc(from, &n);
  LLVMContextRef ctx = LLVMGetTypeContext(LLVMTypeOf(from));
  for (size_t k = 0; k < n; k++)
    LLVMSetMetadata(to, LLVMValueMetadataEntriesGetKind(md, (unsigned)k),
                    LLVMMetadataAsValue(ctx, LLVMValueMetadataEntriesGetMetadata(md, (unsigned)k)));
  if (md) LLVMDisposeValueMetadataEntries(md);
  LLVMMetadataRef loc = LLVMInstructionGetDebugLoc(from);
  if (loc) LLVMInstructionSetDebugLoc(to, loc);
}

// Step 3 for one invoke: `call` + `br normal`, in its place.
static void invoke_to_call(LLVMBuilderRef b, LLVMValueRef inv) {
  unsigned na = LLVMGetNumArgOperands(inv);
  LLVMValueRef *args = xcalloc(na + 1, sizeof *args);
  for (unsigned i = 0; i < na; i++) args[i] = LLVMGetOperand(inv, i);
  size_t len;
  const char *name = LLVMGetValueName2(inv, &len);
  char *saved = xcalloc(len + 1, 1);
  memcpy(saved, name, len);
  LLVMSetValueName2(inv, "", 0);
  LLVMPositionBuilderBefore(b, inv);
  LLVMValueRef call = LLVMBuildCall2(b, LLVMGetCalledFunctionType(inv), LLVMGetCalledValue(inv), args, na, "");
  if (LLVMGetTypeKind(LLVMTypeOf(call)) != LLVMVoidTypeKind) LLVMSetValueName2(call, saved, len);
  LLVMSetInstructionCallConv(call, LLVMGetInstructionCallConv(inv));
  copy_call_attributes(inv, call, na);
  copy_metadata(inv, call);
  LLVMBuildBr(b, LLVMGetNormalDest(inv));
  LLVMReplaceAllUsesWith(inv, call);
  LLVMInstructionEraseFromParent(inv);
  free(saved);
  free(args);
}

// A landing pad that starts with a phi would have to drop the invoke's block from it, which the
// C API cannot do; trc's never do, and such an invoke is left alone.
static bool pad_has_phi(LLVMValueRef inv) {
  LLVMValueRef first = LLVMGetFirstInstruction(LLVMGetUnwindDest(inv));
  return first && LLVMIsAPHINode(first);
}

static int rewrite_invokes(Nounwind *nu, Slot *table) {
  LLVMBuilderRef b = LLVMCreateBuilderInContext(LLVMGetTypeContext(LLVMTypeOf(nu->fns[0])));
  int rewritten = 0;
  for (int f = 0; f < nu->n; f++)
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(nu->fns[f]); bb; bb = LLVMGetNextBasicBlock(bb)) {
      LLVMValueRef t = LLVMGetBasicBlockTerminator(bb);
      int g;
      if (!t || !LLVMIsAInvokeInst(t) || pad_has_phi(t)) continue;
      if (unwinds_outside(nu, table, t, &g) || (g >= 0 && nu->unwinds[g])) continue;
      invoke_to_call(b, t);
      rewritten++;
    }
  LLVMDisposeBuilder(b);
  return rewritten;
}

NounwindStats nounwind_module(LLVMModuleRef mod) {
  NounwindStats st = {0};
  Nounwind nu = {0};
  nu.k_nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
  int cap = 0;
  for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn)) cap++;
  nu.fns = xcalloc((size_t)cap, sizeof(LLVMValueRef));
  for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn))
    if (LLVMGetFirstBasicBlock(fn)) nu.fns[nu.n++] = fn;
  if (!nu.n) {
    free(nu.fns);
    return st;
  }
  Slot *table = xcalloc((size_t)nu.n, sizeof(Slot));
  for (int f = 0; f < nu.n; f++) table[f] = (Slot){nu.fns[f], f};
  qsort(table, (size_t)nu.n, sizeof(Slot), cmp_slot);
  nu.unwinds = xcalloc((size_t)nu.n, sizeof(bool));
  int *worklist, nwork = 0;
  build_call_graph(&nu, table, &worklist, &nwork);
  propagate(&nu, worklist, nwork);
  LLVMAttributeRef attr = LLVMCreateEnumAttribute(LLVMGetModuleContext(mod), nu.k_nounwind, 0);
  for (int f = 0; f < nu.n; f++) {
    if (nu.unwinds[f]) continue;
    st.nounwind++;
    if (!has_nounwind(&nu, nu.fns[f])) LLVMAddAttributeAtIndex(nu.fns[f], LLVMAttributeFunctionIndex, attr);
  }
  st.invokes = rewrite_invokes(&nu, table);
  free(worklist);
  free(nu.first);
  free(nu.callers);
  free(nu.unwinds);
  free(table);
  free(nu.fns);
  return st;
}
