// devirt.c — whole-program devirtualization of trc's dyn calls, on the LLVM C API.
//
// A trc program is one module and nothing outside it can create a vtable, so the set of
// vtables of each trait is closed. trc's codegen marks what this pass needs:
//
//   - every vtable global carries `!type !{i64 0, !"Tr"}`: the pointer to its start (offset
//     0, clang's "address point") is a valid `dyn Tr` vtable. A vtable also serves the
//     supertraits whose vtables are its prefix (upcasts reuse the pointer); the C API attaches
//     only one `!type`, so those pairs are listed once per trait, transitively, in the named
//     metadata `!trc.prefix = !{!{!"Sub", !"Super"}, ...}`. (Several `!type` entries on one
//     global, as clang writes them, are read too.)
//   - every dyn call carries `!trc.vcall !{!"Tr", !"method"}` and `!trc.loc !{!"file", i32
//     line, i32 col}` on the call or invoke. Its callee must be the slot load
//     `load ptr, ptr (getelementptr inbounds i8, ptr %vtable, i64 OFF)`.
//     The marks are instruction metadata, not `llvm.type.test` + `llvm.assume`: they add no
//     instructions (the IR tests' CHECK-NEXT sequences stay), LLVM clones them with the call
//     when it inlines, and nothing in default<O2> reads or needs them.
//
// For one call, the vtables of Tr (and the function each holds at OFF) are the candidates.
// In order:
//   1. known vtable: the vtable pointer is traced back to constants — through phi, select,
//      extractvalue/insertvalue (of the fat pointer, at any byte offset), the arguments of an
//      internal function whose every use is a direct call (what every caller passes), the
//      result of a direct call to an internal function (what its `ret`s return), a constant
//      GEP, and loads: a load from a constant global reads its initializer (an upcast loads
//      the supertrait's vtable from a TraitVPtr slot of a known vtable), and a load from an
//      alloca, or from a pointer that is traced to one (a `&mut dyn Tr` spilled, passed by
//      address, reloaded), reads what is stored at that byte offset of the alloca. For that
//      every pointer derived from the alloca is followed (scan_object): constant GEPs keep the
//      offset; plain loads, compares and lifetime markers only read; a pointer slot (an alloca
//      the pointer is stored into, used only by plain loads of a pointer and stores into it)
//      passes it on to what is loaded from it; a direct call to an internal function passes it
//      to the parameter, whose uses are followed the same way (a callee that only reads
//      through `&mut self`, such as std's `impl Iterator for &mut I`, leaves the word alone).
//      A store that covers the vtable word adds the stored value, which must hold a whole
//      pointer there (a fat pointer stored whole, or the word stored alone); a store elsewhere
//      in the alloca changes nothing. Anything else may write the word and ends the tracing:
//      a store at an unknown offset (variable GEP, phi, select), a memcpy into the alloca, the
//      pointer returned, cast to an integer, inserted into an aggregate, stored anywhere but a
//      pointer slot, or passed to an indirect call or to a function outside the module. Those
//      vtables replace the candidates.
//   2. virtual constant propagation: when every candidate's target only returns a constant
//      (its body touches nothing but its own allocas), the call becomes that constant, or a
//      select among the per-target constants, on compares as in 4.
//   3. one target (known vtable, or single implementation in the program): the callee is
//      replaced in place, which keeps an invoke's unwind edge as it is.
//   4. several targets, at most --devirt-max-targets: compare the vtable pointer with each
//      target's vtables (or, when the vtables were traced through another function's
//      arguments or results, the function loaded from the slot with each target: see
//      compared) and call (or invoke, to the same landing pad) each target directly; the last
//      case has no compare and there is no indirect fallback (closed world). Cases are
//      ordered by static evidence: how many times their vtables are referenced in the module.
// Anything else stays an indirect call, with the reason in the remark.
#include "passes.h"

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SET 64      // vtables a traced pointer may stand for

typedef struct {
  LLVMValueRef g;
  const char **ids;     // the traits this vtable serves (own !type ids; prefixes added later)
  int nids;
  int refs;             // uses of the global: the static evidence that orders switch cases
} Vtable;

typedef struct {
  LLVMModuleRef mod;
  LLVMContextRef ctx;
  LLVMBuilderRef b;
  LLVMTargetDataRef td;
  const DevirtOptions *o;
  int max_targets;
  DevirtStats st;
  Vtable *vts;
  int nvts;
  char **strs;          // every string this pass copied, freed at the end
  int nstrs, capstrs;
  unsigned k_type, k_vcall, k_loc;
} Devirt;

// A set of vtables, as indices into d->vts.
typedef struct {
  int idx[MAX_SET];
  int n;
} VtSet;

// One case of a call: a target function, the vtables (indices) that select it, and the
// functions in their slot (fn itself, or for virtual constant propagation every target that
// returns `value`).
typedef struct {
  LLVMValueRef fn;
  LLVMValueRef value;   // virtual constant propagation: what fn returns
  int vts[MAX_SET];
  int nvts;
  LLVMValueRef fns[MAX_SET];
  int nfns;
  int refs;             // references to the vtables: the static evidence
} Target;

// What a case compares: the vtable pointer with the case's vtables, or the function loaded
// from the slot with the case's functions (see emit_is).
typedef struct {
  LLVMValueRef v;
  bool slot;
} Compared;

static void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) {
    fputs("error: out of memory\n", stderr);
    exit(3);
  }
  return p;
}

static const char *keep_str(Devirt *d, const char *s, size_t len) {
  if (d->nstrs == d->capstrs) {
    d->capstrs = d->capstrs ? 2 * d->capstrs : 32;
    d->strs = xrealloc(d->strs, sizeof(char *) * d->capstrs);
  }
  char *c = xrealloc(NULL, len + 1);
  memcpy(c, s, len);
  c[len] = 0;
  return d->strs[d->nstrs++] = c;
}

// ---------------------------------------------------------------------------------------------
// Reading metadata

// Operand i of an MDNode (as a value), or NULL.
static LLVMValueRef md_op(LLVMValueRef node, unsigned i) {
  if (!node || LLVMGetMDNodeNumOperands(node) <= i) return NULL;
  unsigned n = LLVMGetMDNodeNumOperands(node);
  LLVMValueRef ops[8];
  if (n > 8) return NULL;
  LLVMGetMDNodeOperands(node, ops);
  return ops[i];
}

static const char *md_str(LLVMValueRef node, unsigned i, unsigned *len) {
  LLVMValueRef v = md_op(node, i);
  *len = 0;
  return v ? LLVMGetMDString(v, len) : NULL;
}

static int vtable_index(Devirt *d, LLVMValueRef g) {
  for (int i = 0; i < d->nvts; i++)
    if (d->vts[i].g == g) return i;
  return -1;
}

static bool serves(Vtable *v, const char *trait) {
  for (int i = 0; i < v->nids; i++)
    if (!strcmp(v->ids[i], trait)) return true;
  return false;
}

static void add_id(Devirt *d, Vtable *v, const char *id) {
  if (serves(v, id)) return;
  v->ids = xrealloc(v->ids, sizeof(char *) * (v->nids + 1));
  v->ids[v->nids++] = id;
}

// Every global with `!type !{i64 0, !"Tr"}`, then the prefixes of `!trc.prefix` (transitive
// as trc writes them; applied to a fixed point anyway for hand-written lists).
static void collect_vtables(Devirt *d) {
  for (LLVMValueRef g = LLVMGetFirstGlobal(d->mod); g; g = LLVMGetNextGlobal(g)) {
    size_t n = 0;
    LLVMValueMetadataEntry *mds = LLVMGlobalCopyAllMetadata(g, &n);
    Vtable v = {g, NULL, 0, 0};
    for (size_t i = 0; i < n; i++) {
      if (LLVMValueMetadataEntriesGetKind(mds, i) != d->k_type) continue;
      LLVMValueRef node = LLVMMetadataAsValue(d->ctx, LLVMValueMetadataEntriesGetMetadata(mds, i));
      LLVMValueRef off = md_op(node, 0);
      unsigned len;
      const char *id = md_str(node, 1, &len);
      if (!off || !LLVMIsAConstantInt(off) || LLVMConstIntGetZExtValue(off) != 0 || !id) continue;
      add_id(d, &v, keep_str(d, id, len));
    }
    if (mds) LLVMDisposeValueMetadataEntries(mds);
    if (!v.nids) continue;
    // Only a constant whose contents are final can be read: a definition, not interposable.
    if (!LLVMIsGlobalConstant(g) || !LLVMGetInitializer(g) || LLVMIsExternallyInitialized(g)) {
      free(v.ids);
      continue;
    }
    for (LLVMUseRef u = LLVMGetFirstUse(g); u; u = LLVMGetNextUse(u)) v.refs++;
    d->vts = xrealloc(d->vts, sizeof(Vtable) * (d->nvts + 1));
    d->vts[d->nvts++] = v;
  }
  unsigned np = LLVMGetNamedMetadataNumOperands(d->mod, "trc.prefix");
  if (!np) return;
  LLVMValueRef *pairs = xrealloc(NULL, sizeof(LLVMValueRef) * np);
  LLVMGetNamedMetadataOperands(d->mod, "trc.prefix", pairs);
  for (bool changed = true; changed;) {
    changed = false;
    for (unsigned p = 0; p < np; p++) {
      unsigned l1, l2;
      const char *sub = md_str(pairs[p], 0, &l1), *super = md_str(pairs[p], 1, &l2);
      if (!sub || !super) continue;
      for (int i = 0; i < d->nvts; i++) {
        Vtable *v = &d->vts[i];
        bool has_sub = false, has_super = false;
        for (int k = 0; k < v->nids; k++) {
          has_sub |= strlen(v->ids[k]) == l1 && !memcmp(v->ids[k], sub, l1);
          has_super |= strlen(v->ids[k]) == l2 && !memcmp(v->ids[k], super, l2);
        }
        if (has_sub && !has_super) {
          add_id(d, v, keep_str(d, super, l2));
          changed = true;
        }
      }
    }
  }
  free(pairs);
}

// ---------------------------------------------------------------------------------------------
// Reading constants

// The scalar constant at byte offset off inside constant c, or NULL.
static LLVMValueRef const_at(Devirt *d, LLVMValueRef c, uint64_t off) {
  for (int guard = 0; c && guard < 16; guard++) {
    LLVMTypeRef t = LLVMTypeOf(c);
    LLVMTypeKind k = LLVMGetTypeKind(t);
    if (k == LLVMStructTypeKind) {
      if (off >= LLVMABISizeOfType(d->td, t)) return NULL;
      unsigned i = LLVMElementAtOffset(d->td, t, off);
      off -= LLVMOffsetOfElement(d->td, t, i);
      c = LLVMGetAggregateElement(c, i);
    } else if (k == LLVMArrayTypeKind) {
      uint64_t es = LLVMABISizeOfType(d->td, LLVMGetElementType(t));
      if (!es || off / es >= LLVMGetArrayLength2(t)) return NULL;
      c = LLVMGetAggregateElement(c, (unsigned)(off / es));
      off %= es;
    } else {
      return off == 0 ? c : NULL;
    }
  }
  return NULL;
}

// The function vtable v holds at byte offset off, or NULL.
static LLVMValueRef slot_fn(Devirt *d, Vtable *v, uint64_t off) {
  LLVMValueRef f = const_at(d, LLVMGetInitializer(v->g), off);
  return f && LLVMIsAFunction(f) ? f : NULL;
}

static bool slot_is_null(Devirt *d, Vtable *v, uint64_t off) {
  LLVMValueRef f = const_at(d, LLVMGetInitializer(v->g), off);
  return f && LLVMIsAConstantPointerNull(f);
}

// An instruction or a constant expression: a slot of a vtable constant is the latter.
static bool is_gep(LLVMValueRef v) {
  return LLVMIsAGetElementPtrInst(v) || (LLVMIsAConstantExpr(v) && LLVMGetConstOpcode(v) == LLVMGetElementPtr);
}

// `getelementptr inbounds i8, ptr BASE, i64 OFF` with a constant OFF: BASE, and *off.
static LLVMValueRef byte_gep(LLVMValueRef p, int64_t *off) {
  if (!p || !is_gep(p) || LLVMGetNumOperands(p) != 2) return NULL;
  if (LLVMGetGEPSourceElementType(p) != LLVMInt8TypeInContext(LLVMGetTypeContext(LLVMTypeOf(p)))) return NULL;
  LLVMValueRef i = LLVMGetOperand(p, 1);
  if (!LLVMIsAConstantInt(i)) return NULL;
  *off = LLVMConstIntGetSExtValue(i);
  return LLVMGetOperand(p, 0);
}

// ---------------------------------------------------------------------------------------------
// Tracing a vtable pointer back to constants.
//
// A query is a value and a Want: the pointer-sized word at byte `at` of the value (the value
// itself when it is a pointer); while `nderef` > 0 that word is a pointer, and the search goes
// on in the memory it points to, at byte deref[nderef - 1]. With nderef == 0 the word is the
// vtable pointer. A load pushes a deref (what it reads is in memory), a constant GEP moves the
// innermost one, an alloca answers it from what is written into it (scan_object). Each
// function adds to *s and returns false when the value may be something it cannot see. A
// query already in progress adds nothing again: a cycle (a loop's phi, a word copied onto
// itself, recursion) only carries values that enter it from outside.

#define MAX_DEPTH 64     // queries in progress at once
#define MAX_DEREF 6      // pointers followed from a value to the vtable word
#define MAX_STEPS 20000  // queries and scanned pointers for one call site, then give up
#define MAX_SEEN 256     // pointers into one object that its scan follows

typedef struct {
  int64_t at;
  int nderef;
  int64_t deref[MAX_DEREF];
} Want;

typedef struct {
  LLVMValueRef v[MAX_DEPTH];
  Want w[MAX_DEPTH];
  int n;
  int steps;
  bool crossed;  // a value came through another function's argument or result
} Path;

static bool trace(Devirt *d, LLVMValueRef v, Want w, VtSet *s, Path *p);

static bool set_add(VtSet *s, int i) {
  for (int k = 0; k < s->n; k++)
    if (s->idx[k] == i) return true;
  if (s->n == MAX_SET) return false;
  s->idx[s->n++] = i;
  return true;
}

static bool want_eq(const Want *a, const Want *b) {
  if (a->at != b->at || a->nderef != b->nderef) return false;
  for (int i = 0; i < a->nderef; i++)
    if (a->deref[i] != b->deref[i]) return false;
  return true;
}

static Want want_at(const Want *w, int64_t at) {
  Want n = *w;
  n.at = at;
  return n;
}

// The pointer-typed value holding w's word, once its innermost deref is done: the word at
// byte `at` of what is found at deref[nderef - 1].
static Want want_pop(const Want *w, int64_t at) {
  Want n = *w;
  n.nderef--;
  n.at = at;
  return n;
}

static bool is_internal(LLVMValueRef f) {
  LLVMLinkage l = LLVMGetLinkage(f);
  return l == LLVMInternalLinkage || l == LLVMPrivateLinkage;
}

// The byte offset a GEP with constant indices adds to its base; false for a variable index.
static bool gep_offset(Devirt *d, LLVMValueRef g, int64_t *off) {
  if (LLVMGetTypeKind(LLVMTypeOf(g)) != LLVMPointerTypeKind) return false;  // a vector GEP
  LLVMTypeRef t = LLVMGetGEPSourceElementType(g);
  int64_t o = 0;
  for (unsigned i = 1, n = (unsigned)LLVMGetNumOperands(g); i < n; i++) {
    LLVMValueRef idx = LLVMGetOperand(g, i);
    if (!LLVMIsAConstantInt(idx)) return false;
    int64_t k = LLVMConstIntGetSExtValue(idx);
    if (i == 1) {
      o += k * (int64_t)LLVMABISizeOfType(d->td, t);
    } else if (LLVMGetTypeKind(t) == LLVMStructTypeKind) {
      if (k < 0 || (unsigned)k >= LLVMCountStructElementTypes(t)) return false;
      o += (int64_t)LLVMOffsetOfElement(d->td, t, (unsigned)k);
      t = LLVMStructGetTypeAtIndex(t, (unsigned)k);
    } else if (LLVMGetTypeKind(t) == LLVMArrayTypeKind) {
      t = LLVMGetElementType(t);
      o += k * (int64_t)LLVMABISizeOfType(d->td, t);
    } else {
      return false;
    }
  }
  *off = o;
  return true;
}

// The byte offset and type of the member that an extractvalue/insertvalue's indices name.
static bool member(Devirt *d, LLVMValueRef inst, LLVMTypeRef t, int64_t *off, LLVMTypeRef *ty) {
  const unsigned *idx = LLVMGetIndices(inst);
  int64_t o = 0;
  for (unsigned i = 0, n = LLVMGetNumIndices(inst); i < n; i++) {
    if (LLVMGetTypeKind(t) == LLVMStructTypeKind) {
      o += (int64_t)LLVMOffsetOfElement(d->td, t, idx[i]);
      t = LLVMStructGetTypeAtIndex(t, idx[i]);
    } else if (LLVMGetTypeKind(t) == LLVMArrayTypeKind) {
      t = LLVMGetElementType(t);
      o += (int64_t)idx[i] * (int64_t)LLVMABISizeOfType(d->td, t);
    } else {
      return false;
    }
  }
  *off = o;
  *ty = t;
  return true;
}

// Whether a value of type t holds a whole pointer at byte off (a scalar, not a vector lane).
static bool ptr_at(Devirt *d, LLVMTypeRef t, int64_t off) {
  for (int guard = 0; guard < 16; guard++) {
    LLVMTypeKind k = LLVMGetTypeKind(t);
    if (k == LLVMStructTypeKind) {
      if (off < 0 || (uint64_t)off >= LLVMABISizeOfType(d->td, t)) return false;
      unsigned i = LLVMElementAtOffset(d->td, t, (unsigned long long)off);
      off -= (int64_t)LLVMOffsetOfElement(d->td, t, i);
      t = LLVMStructGetTypeAtIndex(t, i);
    } else if (k == LLVMArrayTypeKind) {
      int64_t es = (int64_t)LLVMABISizeOfType(d->td, LLVMGetElementType(t));
      if (off < 0 || !es || (uint64_t)(off / es) >= LLVMGetArrayLength2(t)) return false;
      t = LLVMGetElementType(t);
      off %= es;
    } else {
      return k == LLVMPointerTypeKind && off == 0;
    }
  }
  return false;
}

// An argument of an internal function that is only ever called directly: what its callers pass.
static bool trace_arg(Devirt *d, LLVMValueRef arg, const Want *w, VtSet *s, Path *p) {
  LLVMValueRef f = LLVMGetParamParent(arg);
  if (!is_internal(f)) return false;
  p->crossed = true;
  unsigned idx = 0, np = LLVMCountParams(f);
  while (idx < np && LLVMGetParam(f, idx) != arg) idx++;
  int calls = 0;
  for (LLVMUseRef u = LLVMGetFirstUse(f); u; u = LLVMGetNextUse(u)) {
    LLVMValueRef call = LLVMGetUser(u);
    if (!LLVMIsACallInst(call) && !LLVMIsAInvokeInst(call)) return false;
    if (LLVMGetCalledValue(call) != f || LLVMGetNumArgOperands(call) != np) return false;
    for (unsigned i = 0; i < np; i++)
      if (LLVMGetOperand(call, i) == f) return false;  // its address escapes as an argument
    calls++;
  }
  for (LLVMUseRef u = LLVMGetFirstUse(f); u; u = LLVMGetNextUse(u))
    if (!trace(d, LLVMGetOperand(LLVMGetUser(u), idx), *w, s, p)) return false;
  return calls > 0;
}

// The result of a direct call to an internal function: what its `ret`s return.
static bool trace_ret(Devirt *d, LLVMValueRef call, const Want *w, VtSet *s, Path *p) {
  LLVMValueRef f = LLVMGetCalledValue(call);
  if (!LLVMIsAFunction(f) || !is_internal(f) || LLVMIsDeclaration(f)) return false;
  if (LLVMGetCalledFunctionType(call) != LLVMGlobalGetValueType(f)) return false;
  p->crossed = true;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb)) {
    LLVMValueRef t = LLVMGetBasicBlockTerminator(bb);
    if (t && LLVMGetInstructionOpcode(t) == LLVMRet && LLVMGetNumOperands(t) == 1 &&
        !trace(d, LLVMGetOperand(t, 0), *w, s, p))
      return false;
  }
  return true;
}

// A global: a vtable itself, or a constant whose initializer holds the word (a vtable's
// TraitVPtr slot: an upcast reads the supertrait's vtable pointer there).
static bool trace_global(Devirt *d, LLVMValueRef g, const Want *w, VtSet *s, Path *p) {
  if (w->at != 0) return false;
  if (w->nderef == 0) {
    int i = vtable_index(d, g);
    return i >= 0 && set_add(s, i);
  }
  if (!LLVMIsGlobalConstant(g) || !LLVMGetInitializer(g) || LLVMIsExternallyInitialized(g)) return false;
  int64_t off = w->deref[w->nderef - 1];
  LLVMValueRef c = off >= 0 ? const_at(d, LLVMGetInitializer(g), (uint64_t)off) : NULL;
  return c && trace(d, c, want_pop(w, 0), s, p);
}

// ----- What can be written into an alloca
//
// The word at byte `word` of an alloca holds only what is stored there, provided every pointer
// derived from the alloca is seen (the rules are in the header, item 1). A pointer whose
// offset is lost (variable GEP, phi, select) may still be read through, not written through.
// Every store found is traced; the rest of the query goes on in the stored value.

typedef struct {
  Devirt *d;
  VtSet *s;
  Path *p;
  LLVMValueRef object;
  int64_t word;   // the watched word's byte offset in the object
  Want want;      // the word's want: the query's, with the deref into the object done
  struct {
    LLVMValueRef v;
    int64_t off;
    bool known;
  } seen[MAX_SEEN];
  int nseen;
} Scan;

static bool scan_uses(Scan *sc, LLVMValueRef ptr, bool known, int64_t off, int depth);

static bool scan_store(Scan *sc, LLVMValueRef val, bool known, int64_t off) {
  LLVMTypeRef t = LLVMTypeOf(val);
  int64_t size = (int64_t)LLVMStoreSizeOfType(sc->d->td, t), ps = (int64_t)LLVMPointerSize(sc->d->td);
  if (!known) return false;
  if (off + size <= sc->word || sc->word + ps <= off) return true;
  if (!ptr_at(sc->d, t, sc->word - off)) return false;
  return trace(sc->d, val, want_at(&sc->want, sc->word - off), sc->s, sc->p);
}

// `store ptr P, ptr SLOT` with P pointing into the object: SLOT must be an alloca that only
// holds pointers (plain loads of a pointer from it, stores into it); what is loaded from it
// is followed as P.
static bool scan_slot(Scan *sc, LLVMValueRef slot, bool known, int64_t off, int depth) {
  if (!LLVMIsAAllocaInst(slot) || slot == sc->object) return false;
  for (LLVMUseRef u = LLVMGetFirstUse(slot); u; u = LLVMGetNextUse(u)) {
    LLVMValueRef user = LLVMGetUser(u);
    if (LLVMIsAStoreInst(user) && LLVMGetOperand(user, 1) == slot && LLVMGetOperand(user, 0) != slot) continue;
    if (!LLVMIsALoadInst(user) || LLVMGetTypeKind(LLVMTypeOf(user)) != LLVMPointerTypeKind) return false;
  }
  for (LLVMUseRef u = LLVMGetFirstUse(slot); u; u = LLVMGetNextUse(u)) {
    LLVMValueRef user = LLVMGetUser(u);
    if (LLVMIsALoadInst(user) && !scan_uses(sc, user, known, off, depth + 1)) return false;
  }
  return true;
}

static bool name_starts(LLVMValueRef f, const char *prefix) {
  size_t len, n = strlen(prefix);
  const char *name = LLVMGetValueName2(f, &len);
  return len >= n && !memcmp(name, prefix, n);
}

// The pointer is argument i of a call.
static bool scan_call(Scan *sc, LLVMValueRef call, unsigned i, bool known, int64_t off, int depth) {
  unsigned nargs = LLVMGetNumArgOperands(call);
  LLVMValueRef f = LLVMGetCalledValue(call);
  if (i >= nargs || !LLVMIsAFunction(f)) return false;  // the callee itself, an operand bundle
  if (name_starts(f, "llvm.lifetime.")) return true;
  if (name_starts(f, "llvm.memcpy.") || name_starts(f, "llvm.memmove.")) return i == 1;  // the source
  if (LLVMIsDeclaration(f) || !is_internal(f) || LLVMCountParams(f) != nargs) return false;
  if (LLVMGetCalledFunctionType(call) != LLVMGlobalGetValueType(f)) return false;
  return scan_uses(sc, LLVMGetParam(f, i), known, off, depth + 1);
}

static unsigned operand_index(LLVMValueRef user, LLVMUseRef u) {
  int n = LLVMGetNumOperands(user);
  for (int i = 0; i < n; i++)
    if (LLVMGetOperandUse(user, (unsigned)i) == u) return (unsigned)i;
  return (unsigned)n;
}

static bool scan_use(Scan *sc, LLVMValueRef user, unsigned i, bool known, int64_t off, int depth) {
  if (!LLVMIsAInstruction(user)) return false;
  switch (LLVMGetInstructionOpcode(user)) {
  case LLVMLoad:
  case LLVMICmp:
    return true;
  case LLVMStore:
    if (i == 1) return scan_store(sc, LLVMGetOperand(user, 0), known, off);
    return scan_slot(sc, LLVMGetOperand(user, 1), known, off, depth);
  case LLVMGetElementPtr: {
    int64_t k;
    if (i != 0) return false;
    if (known && gep_offset(sc->d, user, &k)) return scan_uses(sc, user, true, off + k, depth + 1);
    return LLVMGetTypeKind(LLVMTypeOf(user)) == LLVMPointerTypeKind && scan_uses(sc, user, false, 0, depth + 1);
  }
  case LLVMSelect:
    if (i == 0) return false;
    return scan_uses(sc, user, false, 0, depth + 1);
  case LLVMPHI:
    return scan_uses(sc, user, false, 0, depth + 1);
  case LLVMCall:
  case LLVMInvoke:
    return scan_call(sc, user, i, known, off, depth);
  default:
    return false;
  }
}

static bool scan_uses(Scan *sc, LLVMValueRef ptr, bool known, int64_t off, int depth) {
  if (depth > MAX_DEPTH || ++sc->p->steps > MAX_STEPS) return false;
  for (int i = 0; i < sc->nseen; i++)
    if (sc->seen[i].v == ptr && sc->seen[i].known == known && (!known || sc->seen[i].off == off)) return true;
  if (sc->nseen == MAX_SEEN) return false;
  sc->seen[sc->nseen].v = ptr;
  sc->seen[sc->nseen].known = known;
  sc->seen[sc->nseen++].off = off;
  for (LLVMUseRef u = LLVMGetFirstUse(ptr); u; u = LLVMGetNextUse(u)) {
    LLVMValueRef user = LLVMGetUser(u);
    if (!scan_use(sc, user, operand_index(user, u), known, off, depth)) return false;
  }
  return true;
}

static bool scan_object(Devirt *d, LLVMValueRef a, const Want *w, VtSet *s, Path *p) {
  Scan *sc = xrealloc(NULL, sizeof(Scan));
  sc->d = d;
  sc->s = s;
  sc->p = p;
  sc->object = a;
  sc->word = w->deref[w->nderef - 1];
  sc->want = want_pop(w, 0);
  sc->nseen = 0;
  bool ok = scan_uses(sc, a, true, 0, 0);
  free(sc);
  return ok;
}

// ----- The values

// Phi and select: the union of what every incoming value may be.
static bool trace_merge(Devirt *d, LLVMValueRef v, const Want *w, VtSet *s, Path *p) {
  if (LLVMIsAPHINode(v)) {
    for (unsigned i = 0; i < LLVMCountIncoming(v); i++)
      if (!trace(d, LLVMGetIncomingValue(v, i), *w, s, p)) return false;
    return true;
  }
  return trace(d, LLVMGetOperand(v, 1), *w, s, p) && trace(d, LLVMGetOperand(v, 2), *w, s, p);
}

// insertvalue: the inserted value if the word is in it, else the aggregate it goes into.
static bool trace_insert(Devirt *d, LLVMValueRef v, const Want *w, VtSet *s, Path *p) {
  int64_t off;
  LLVMTypeRef ty;
  if (!member(d, v, LLVMTypeOf(v), &off, &ty)) return false;
  if (w->at >= off && w->at < off + (int64_t)LLVMABISizeOfType(d->td, ty))
    return trace(d, LLVMGetOperand(v, 1), want_at(w, w->at - off), s, p);
  return trace(d, LLVMGetOperand(v, 0), *w, s, p);
}

static bool trace_value(Devirt *d, LLVMValueRef v, const Want *w, VtSet *s, Path *p) {
  if (LLVMIsAUndefValue(v) || LLVMIsAPoisonValue(v)) return true;  // calling through it is UB
  if (LLVMIsAGlobalVariable(v)) return trace_global(d, v, w, s, p);
  bool pointee = w->nderef > 0 && w->at == 0 && LLVMGetTypeKind(LLVMTypeOf(v)) == LLVMPointerTypeKind;
  if (is_gep(v)) {
    int64_t off;
    if (!pointee || !gep_offset(d, v, &off)) return false;
    Want n = *w;
    n.deref[n.nderef - 1] += off;
    return trace(d, LLVMGetOperand(v, 0), n, s, p);
  }
  if (LLVMIsAConstant(v)) {  // a constant aggregate, such as a fat pointer { @data, @vtable }
    LLVMTypeKind k = LLVMGetTypeKind(LLVMTypeOf(v));
    if ((k != LLVMStructTypeKind && k != LLVMArrayTypeKind) || w->at < 0) return false;
    LLVMValueRef c = const_at(d, v, (uint64_t)w->at);
    return c && trace(d, c, want_at(w, 0), s, p);
  }
  if (LLVMIsAPHINode(v) || LLVMIsASelectInst(v)) return trace_merge(d, v, w, s, p);
  if (LLVMIsAInsertValueInst(v)) return trace_insert(d, v, w, s, p);
  if (LLVMIsAExtractValueInst(v)) {
    int64_t off;
    LLVMTypeRef ty;
    LLVMValueRef agg = LLVMGetOperand(v, 0);
    return member(d, v, LLVMTypeOf(agg), &off, &ty) && trace(d, agg, want_at(w, w->at + off), s, p);
  }
  if (LLVMIsAArgument(v)) return trace_arg(d, v, w, s, p);
  if (LLVMIsACallInst(v) || LLVMIsAInvokeInst(v)) return trace_ret(d, v, w, s, p);
  if (LLVMIsALoadInst(v)) {
    if (LLVMGetVolatile(v) || w->nderef == MAX_DEREF) return false;
    Want n = want_at(w, 0);
    n.deref[n.nderef++] = w->at;
    return trace(d, LLVMGetOperand(v, 0), n, s, p);
  }
  if (LLVMIsAAllocaInst(v)) return pointee && scan_object(d, v, w, s, p);
  return false;
}

static bool trace(Devirt *d, LLVMValueRef v, Want w, VtSet *s, Path *p) {
  for (int i = 0; i < p->n; i++)
    if (p->v[i] == v && want_eq(&p->w[i], &w)) return true;
  if (p->n == MAX_DEPTH || ++p->steps > MAX_STEPS) return false;
  if (!ptr_at(d, LLVMTypeOf(v), w.at)) return false;  // ill-typed: not a pointer there
  p->v[p->n] = v;
  p->w[p->n++] = w;
  bool ok = trace_value(d, v, &w, s, p);
  p->n--;
  return ok;
}

// ---------------------------------------------------------------------------------------------
// Virtual constant propagation: does f only return a constant?

// The one constant ever stored to alloca a in f, or NULL. Bodies emitted from MIR return
// their return place `_0`, an alloca, so `ret` reads a load of what was stored there.
static LLVMValueRef stored_constant(LLVMValueRef f, LLVMValueRef a) {
  LLVMValueRef only = NULL;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i)) {
      if (LLVMGetInstructionOpcode(i) != LLVMStore || LLVMGetOperand(i, 1) != a) continue;
      if (only) return NULL;
      only = LLVMGetOperand(i, 0);
    }
  return only;
}

// f's body may only use its own allocas, branch forward unconditionally and return one
// constant: then a call to it has no effect but that value (and cannot loop or unwind).
static LLVMValueRef returned_constant(LLVMValueRef f) {
  if (LLVMIsDeclaration(f) || LLVMGetTypeKind(LLVMGetReturnType(LLVMGlobalGetValueType(f))) == LLVMVoidTypeKind)
    return NULL;
  LLVMValueRef result = NULL;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb)) {
    for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i)) {
      switch (LLVMGetInstructionOpcode(i)) {
      case LLVMAlloca: break;
      case LLVMStore:
        if (LLVMGetVolatile(i) || !LLVMIsAAllocaInst(LLVMGetOperand(i, 1))) return NULL;
        break;
      case LLVMBr: {
        if (LLVMIsConditional(i)) return NULL;
        bool forward = false;  // the target comes later in the function: no loop
        for (LLVMBasicBlockRef n = LLVMGetNextBasicBlock(bb); n && !forward; n = LLVMGetNextBasicBlock(n))
          forward = n == LLVMGetSuccessor(i, 0);
        if (!forward) return NULL;
        break;
      }
      case LLVMLoad:
        if (LLVMGetVolatile(i) || !LLVMIsAAllocaInst(LLVMGetOperand(i, 0))) return NULL;
        break;
      case LLVMRet: {
        LLVMValueRef v = LLVMGetNumOperands(i) ? LLVMGetOperand(i, 0) : NULL;
        if (v && LLVMIsALoadInst(v)) v = stored_constant(f, LLVMGetOperand(v, 0));
        if (!v || !LLVMIsAConstant(v) || LLVMIsAUndefValue(v)) return NULL;
        if (result && result != v) return NULL;
        result = v;
        break;
      }
      default: return NULL;
      }
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Rewriting

static LLVMBasicBlockRef block_after(Devirt *d, LLVMBasicBlockRef bb, const char *name) {
  LLVMBasicBlockRef next = LLVMGetNextBasicBlock(bb);
  if (next) return LLVMInsertBasicBlockInContext(d->ctx, next, name);
  return LLVMAppendBasicBlockInContext(d->ctx, LLVMGetBasicBlockParent(bb), name);
}

// The C API cannot change a phi's incoming block: rebuild every phi of bb that has `from`
// among its incoming blocks, with `to` instead (or without those entries when to is NULL).
static void retarget_phis(Devirt *d, LLVMBasicBlockRef bb, LLVMBasicBlockRef from, LLVMBasicBlockRef to) {
  LLVMValueRef next;
  for (LLVMValueRef phi = LLVMGetFirstInstruction(bb); phi && LLVMIsAPHINode(phi); phi = next) {
    next = LLVMGetNextInstruction(phi);
    unsigned n = LLVMCountIncoming(phi), hits = 0;
    for (unsigned i = 0; i < n; i++) hits += LLVMGetIncomingBlock(phi, i) == from;
    if (!hits) continue;
    LLVMPositionBuilderBefore(d->b, phi);
    LLVMValueRef np = LLVMBuildPhi(d->b, LLVMTypeOf(phi), "");
    for (unsigned i = 0; i < n; i++) {
      LLVMValueRef v = LLVMGetIncomingValue(phi, i);
      LLVMBasicBlockRef b = LLVMGetIncomingBlock(phi, i);
      if (b == from && !to) continue;
      if (b == from) b = to;
      LLVMAddIncoming(np, &v, &b, 1);
    }
    size_t len;
    const char *name = LLVMGetValueName2(phi, &len);
    char *copy = xrealloc(NULL, len + 1);
    memcpy(copy, name, len + 1);
    LLVMReplaceAllUsesWith(phi, np);
    LLVMInstructionEraseFromParent(phi);
    LLVMSetValueName2(np, copy, len);
    free(copy);
  }
}

static bool has_phi(LLVMBasicBlockRef bb) {
  LLVMValueRef i = LLVMGetFirstInstruction(bb);
  return i && LLVMIsAPHINode(i);
}

// Whether a call's cases compare the function in the slot rather than the vtable pointer.
// Vtables are `unnamed_addr`, so LLVM does not fold `icmp eq @vtable<A>, @vtable<B>` to false
// (two such globals might be merged), only `icmp eq @vtable<A>, @vtable<A>` to true. When the
// vtables were traced through another function's arguments or results, the vtable pointer
// becomes a constant once that function is inlined, and the compares of every case before
// its own would stay (loop unswitching then copies whole loops for cases that cannot happen);
// the slot load of a constant vtable folds to its function, and distinct functions compare
// unequal: the whole chain folds. Elsewhere the vtable pointer is compared. Vtables stored
// within the call's function become a phi of constants there, and jump threading sends each
// predecessor straight to its case by folding the equal compare, which a load between the phi
// and the compare would hide (bench/enum_of_dyn.tr: 1.6x the instructions). A vtable pointer
// that could not be traced at all mostly comes from memory the pass cannot see (a
// `Vec<Box<dyn Tr>>`), which inlining does not make constant either, and comparing it spares
// a second dependent load per call: the slot load is dead once the call is direct
// (bench/shapes.tr would run one more instruction per call).
static Compared compared(LLVMValueRef vt, LLVMValueRef load, bool known, bool crossed) {
  return known && crossed ? (Compared){load, true} : (Compared){vt, false};
}

// `x == @a || x == @b ...` for one case, before the builder's position.
static LLVMValueRef emit_is(Devirt *d, Compared c, Target *t) {
  LLVMValueRef cond = NULL;
  for (int k = 0, n = c.slot ? t->nfns : t->nvts; k < n; k++) {
    LLVMValueRef to = c.slot ? t->fns[k] : d->vts[t->vts[k]].g;
    LLVMValueRef eq = LLVMBuildICmp(d->b, LLVMIntEQ, c.v, to, "devirt.is");
    cond = cond ? LLVMBuildOr(d->b, cond, eq, "devirt.is") : eq;
  }
  return cond;
}

// Removes the slot load (and its address) once nothing uses it.
static void drop_dead_slot_load(LLVMValueRef load) {
  if (!load || LLVMGetFirstUse(load)) return;
  LLVMValueRef addr = LLVMGetOperand(load, 0);
  LLVMInstructionEraseFromParent(load);
  if (LLVMIsAGetElementPtrInst(addr) && !LLVMGetFirstUse(addr)) LLVMInstructionEraseFromParent(addr);
}

// Replaces call (or invoke) ci by value v, computed before it.
static void replace_by_value(Devirt *d, LLVMValueRef ci, LLVMValueRef v) {
  LLVMReplaceAllUsesWith(ci, v);
  if (LLVMIsAInvokeInst(ci)) {
    LLVMBasicBlockRef bb = LLVMGetInstructionParent(ci);
    LLVMPositionBuilderBefore(d->b, ci);
    LLVMBuildBr(d->b, LLVMGetNormalDest(ci));
    retarget_phis(d, LLVMGetUnwindDest(ci), bb, NULL);  // bb no longer unwinds there
  }
  LLVMInstructionEraseFromParent(ci);
}

// Replaces ci by a chain of compares, one case per target, each calling (or invoking, with the
// same unwind destination) its target directly; the last case has no compare.
static void emit_switch(Devirt *d, LLVMValueRef ci, Compared cmp, Target *ts, int nt) {
  LLVMBasicBlockRef bb = LLVMGetInstructionParent(ci);
  bool invoke = LLVMIsAInvokeInst(ci) != NULL;
  LLVMBasicBlockRef join = block_after(d, bb, "devirt.join");
  if (invoke) {
    retarget_phis(d, LLVMGetNormalDest(ci), bb, join);
  } else {
    // Split bb after ci: what follows moves to join, and join's successors see join as the
    // predecessor.
    LLVMPositionBuilderAtEnd(d->b, join);
    LLVMValueRef next;
    for (LLVMValueRef i = LLVMGetNextInstruction(ci); i; i = next) {
      next = LLVMGetNextInstruction(i);
      size_t len;
      const char *name = LLVMGetValueName2(i, &len);
      char *copy = xrealloc(NULL, len + 1);
      memcpy(copy, name, len + 1);
      LLVMInstructionRemoveFromParent(i);
      LLVMInsertIntoBuilderWithName(d->b, i, copy);
      free(copy);
    }
    LLVMValueRef term = LLVMGetBasicBlockTerminator(join);
    for (unsigned s = 0; term && s < LLVMGetNumSuccessors(term); s++) retarget_phis(d, LLVMGetSuccessor(term, s), bb, join);
  }
  unsigned na = LLVMGetNumArgOperands(ci);
  LLVMValueRef *args = xrealloc(NULL, sizeof(LLVMValueRef) * (na + 1));
  for (unsigned i = 0; i < na; i++) args[i] = LLVMGetOperand(ci, i);
  LLVMTypeRef fty = LLVMGetCalledFunctionType(ci);
  LLVMValueRef *res = xrealloc(NULL, sizeof(LLVMValueRef) * nt);
  LLVMBasicBlockRef *from = xrealloc(NULL, sizeof(LLVMBasicBlockRef) * nt);
  LLVMBasicBlockRef test = bb, after = bb;
  LLVMPositionBuilderBefore(d->b, ci);
  for (int k = 0; k < nt; k++) {
    LLVMBasicBlockRef body = test;
    if (k < nt - 1) {
      body = block_after(d, after, "devirt.case");
      LLVMBasicBlockRef next = block_after(d, body, k < nt - 2 ? "devirt.next" : "devirt.last");
      LLVMBuildCondBr(d->b, emit_is(d, cmp, &ts[k]), body, next);
      test = next;
      after = next;
    }
    LLVMPositionBuilderAtEnd(d->b, body);
    if (invoke) {
      res[k] = LLVMBuildInvoke2(d->b, fty, ts[k].fn, args, na, join, LLVMGetUnwindDest(ci), "");
    } else {
      res[k] = LLVMBuildCall2(d->b, fty, ts[k].fn, args, na, "");
      LLVMBuildBr(d->b, join);
    }
    LLVMSetInstructionCallConv(res[k], LLVMGetInstructionCallConv(ci));
    from[k] = body;
    if (k < nt - 1) LLVMPositionBuilderAtEnd(d->b, test);
  }
  if (invoke) {
    // The landing pad gains the case blocks as predecessors and loses bb (checked: no phis).
    LLVMPositionBuilderAtEnd(d->b, join);
    LLVMBuildBr(d->b, LLVMGetNormalDest(ci));
  }
  if (LLVMGetTypeKind(LLVMGetReturnType(fty)) != LLVMVoidTypeKind) {
    LLVMValueRef first = LLVMGetFirstInstruction(join);
    if (first) LLVMPositionBuilderBefore(d->b, first);
    else LLVMPositionBuilderAtEnd(d->b, join);
    LLVMValueRef phi = LLVMBuildPhi(d->b, LLVMTypeOf(ci), "devirt.ret");
    LLVMAddIncoming(phi, res, from, (unsigned)nt);
    LLVMReplaceAllUsesWith(ci, phi);
  }
  LLVMInstructionEraseFromParent(ci);
  free(args);
  free(res);
  free(from);
}

// ---------------------------------------------------------------------------------------------
// One call site

typedef enum { K_KNOWN, K_SINGLE, K_SWITCH, K_CONSTANT } Kind;

static void where(Devirt *d, LLVMValueRef ci, char *buf, size_t n) {
  LLVMValueRef loc = LLVMGetMetadata(ci, d->k_loc);
  unsigned len;
  const char *file = md_str(loc, 0, &len);
  LLVMValueRef line = md_op(loc, 1), col = md_op(loc, 2);
  if (file && line && col && LLVMIsAConstantInt(line) && LLVMIsAConstantInt(col)) {
    snprintf(buf, n, "%.*s:%llu:%llu", (int)len, file, (unsigned long long)LLVMConstIntGetZExtValue(line),
             (unsigned long long)LLVMConstIntGetZExtValue(col));
    return;
  }
  size_t fl;
  const char *fn = LLVMGetValueName2(LLVMGetBasicBlockParent(LLVMGetInstructionParent(ci)), &fl);
  snprintf(buf, n, "@%.*s", (int)fl, fn);
}

static void kept(Devirt *d, const char *at, const char *trait, const char *method, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void kept(Devirt *d, const char *at, const char *trait, const char *method, const char *fmt, ...) {
  d->st.kept++;
  if (!d->o->remarks) return;
  fprintf(stderr, "%s: devirt: not devirtualized: %s::%s: ", at, trait, method);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

static void remark(Devirt *d, const char *at, Kind k, Target *ts, int nt, int ncalls) {
  static const char *names[] = {"known vtable", "single implementation", "closed-world switch", "virtual constant propagation"};
  int *count[] = {&d->st.known, &d->st.single, &d->st.closed_world, &d->st.constant};
  (*count[k])++;
  if (!d->o->remarks) return;
  fprintf(stderr, "%s: devirt: %s: ", at, names[k]);
  for (int i = 0; i < nt; i++) {
    size_t len;
    const char *n = LLVMGetValueName2(ts[i].fn, &len);
    fprintf(stderr, "%s%.*s", i ? ", " : "", (int)len, n);
    if (k == K_CONSTANT) {
      char *s = LLVMPrintValueToString(ts[i].value);
      fprintf(stderr, " = %s", s);
      LLVMDisposeMessage(s);
    }
  }
  if (ncalls > 1) fprintf(stderr, " (%d cases)", ncalls);
  fputc('\n', stderr);
}

// Most referenced first: the cases that static evidence says are likeliest come first.
static int by_refs(const void *a, const void *b) {
  const Target *x = a, *y = b;
  return (y->refs > x->refs) - (y->refs < x->refs);
}

static void devirt_call(Devirt *d, LLVMValueRef ci) {
  char at[512];
  where(d, ci, at, sizeof at);
  LLVMValueRef vc = LLVMGetMetadata(ci, d->k_vcall);
  unsigned tl, ml;
  const char *tname = md_str(vc, 0, &tl), *mname = md_str(vc, 1, &ml);
  if (!tname) return;
  const char *trait = keep_str(d, tname, tl);
  const char *method = mname ? keep_str(d, mname, ml) : "?";
  LLVMValueRef callee = LLVMGetCalledValue(ci);
  if (LLVMIsAFunction(callee)) return;  // already direct (the pass ran before)
  int64_t off = 0;
  LLVMValueRef load = LLVMIsALoadInst(callee), vt = load ? byte_gep(LLVMGetOperand(load, 0), &off) : NULL;
  if (load && !vt) vt = LLVMGetOperand(load, 0);  // slot 0, drop_in_place, is loaded from the vtable pointer itself
  if (!vt || off < 0) {
    kept(d, at, trait, method, "the callee is not a load from a vtable slot");
    return;
  }

  // The candidates: the traced vtables, else every vtable of the trait.
  VtSet set = {.n = 0};
  Path *path = xrealloc(NULL, sizeof(Path));
  path->n = path->steps = 0;
  path->crossed = false;
  bool known = trace(d, vt, (Want){.at = 0, .nderef = 0}, &set, path) && set.n > 0;
  Compared cmp = compared(vt, load, known, path->crossed);
  free(path);
  if (!known) {
    set.n = 0;
    for (int i = 0; i < d->nvts; i++)
      if (serves(&d->vts[i], trait) && !set_add(&set, i)) {
        kept(d, at, trait, method, "more than %d vtables", MAX_SET);
        return;
      }
    if (!set.n) {
      kept(d, at, trait, method, "no vtable of trait `%s` in the module", trait);
      return;
    }
  }
  // The targets, grouped by function.
  Target *ts = xrealloc(NULL, sizeof(Target) * set.n);
  int nt = 0;
  LLVMTypeRef fty = LLVMGetCalledFunctionType(ci);
  for (int k = 0; k < set.n; k++) {
    Vtable *v = &d->vts[set.idx[k]];
    // A null slot (a drop_in_place of a type with nothing to drop) is never called: the code
    // tests the pointer first, and calling null would be undefined anyway.
    if (slot_is_null(d, v, (uint64_t)off)) continue;
    LLVMValueRef f = slot_fn(d, v, (uint64_t)off);
    if (!f || LLVMGlobalGetValueType(f) != fty) {
      size_t len;
      const char *vn = LLVMGetValueName2(v->g, &len);
      kept(d, at, trait, method, "`%.*s` holds no function of the call's type at +%lld", (int)len, vn, (long long)off);
      free(ts);
      return;
    }
    int t = 0;
    while (t < nt && ts[t].fn != f) t++;
    if (t == nt) ts[nt++] = (Target){.fn = f, .nvts = 0, .fns = {f}, .nfns = 1, .refs = 0};
    ts[t].vts[ts[t].nvts++] = set.idx[k];
    ts[t].refs += v->refs;
  }
  if (!nt) {
    kept(d, at, trait, method, "every vtable holds null at +%lld", (long long)off);
    free(ts);
    return;
  }
  qsort(ts, (size_t)nt, sizeof(Target), by_refs);

  // Virtual constant propagation.
  bool constant = true;
  for (int t = 0; t < nt && constant; t++) constant = (ts[t].value = returned_constant(ts[t].fn)) != NULL;
  if (constant) {
    // One case per distinct constant; the last needs no compare.
    Target *cs = xrealloc(NULL, sizeof(Target) * (size_t)set.n);  // nt <= set.n
    int nc = 0;
    for (int t = 0; t < nt; t++) {
      int c = 0;
      while (c < nc && cs[c].value != ts[t].value) c++;
      if (c == nc) cs[nc++] = (Target){.fn = ts[t].fn, .value = ts[t].value, .nvts = 0, .nfns = 0, .refs = 0};
      for (int k = 0; k < ts[t].nvts; k++) cs[c].vts[cs[c].nvts++] = ts[t].vts[k];
      cs[c].fns[cs[c].nfns++] = ts[t].fn;
      cs[c].refs += ts[t].refs;
    }
    if (nc <= d->max_targets) {
      qsort(cs, (size_t)nc, sizeof(Target), by_refs);
      LLVMPositionBuilderBefore(d->b, ci);
      LLVMValueRef v = cs[nc - 1].value;
      for (int c = nc - 2; c >= 0; c--) v = LLVMBuildSelect(d->b, emit_is(d, cmp, &cs[c]), cs[c].value, v, "devirt.const");
      replace_by_value(d, ci, v);
      drop_dead_slot_load(load);
      d->st.switched += nc > 1;
      remark(d, at, K_CONSTANT, ts, nt, nc);
      free(cs);
      free(ts);
      return;
    }
    free(cs);
  }
  if (nt == 1) {
    LLVMSetOperand(ci, (unsigned)LLVMGetNumOperands(ci) - 1, ts[0].fn);  // the callee is the last operand
    drop_dead_slot_load(load);
    remark(d, at, known ? K_KNOWN : K_SINGLE, ts, 1, 1);
  } else if (nt > d->max_targets) {
    kept(d, at, trait, method, "%d targets, more than --devirt-max-targets=%d", nt, d->max_targets);
  } else if (LLVMIsAInvokeInst(ci) && has_phi(LLVMGetUnwindDest(ci))) {
    kept(d, at, trait, method, "the landing pad has phis");
  } else {
    emit_switch(d, ci, cmp, ts, nt);
    drop_dead_slot_load(load);
    d->st.switched++;
    remark(d, at, known ? K_KNOWN : K_SWITCH, ts, nt, nt);
  }
  free(ts);
}

DevirtStats devirt_module(LLVMModuleRef mod, const DevirtOptions *o) {
  Devirt d = {.mod = mod, .ctx = LLVMGetModuleContext(mod), .o = o};
  d.max_targets = o->max_targets > 0 ? o->max_targets : DEVIRT_DEFAULT_MAX_TARGETS;
  d.k_type = LLVMGetMDKindIDInContext(d.ctx, "type", 4);
  d.k_vcall = LLVMGetMDKindIDInContext(d.ctx, "trc.vcall", 9);
  d.k_loc = LLVMGetMDKindIDInContext(d.ctx, "trc.loc", 7);
  d.td = LLVMCreateTargetData(LLVMGetDataLayoutStr(mod));
  d.b = LLVMCreateBuilderInContext(d.ctx);
  collect_vtables(&d);

  // The call sites first: rewriting splits blocks under the walk.
  LLVMValueRef *sites = NULL;
  int n = 0;
  for (LLVMValueRef f = LLVMGetFirstFunction(mod); f; f = LLVMGetNextFunction(f))
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
      for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i))
        if ((LLVMIsACallInst(i) || LLVMIsAInvokeInst(i)) && LLVMGetMetadata(i, d.k_vcall)) {
          sites = xrealloc(sites, sizeof(LLVMValueRef) * (n + 1));
          sites[n++] = i;
        }
  for (int i = 0; i < n; i++) devirt_call(&d, sites[i]);

  free(sites);
  for (int i = 0; i < d.nvts; i++) free(d.vts[i].ids);
  free(d.vts);
  for (int i = 0; i < d.nstrs; i++) free(d.strs[i]);
  free(d.strs);
  LLVMDisposeBuilder(d.b);
  LLVMDisposeTargetData(d.td);
  return d.st;
}
