// drop_flags.c — drop flags whose value is known where they are read.
//
// body.c keeps an i1 flag per local that needs dropping: stored true where the local is
// written, false where it is moved out or dropped, and loaded by each `drop` of it, which
// drops only if the flag is set. Most of those loads have one answer: a String made at the top
// of a function and dropped at its end is always set there. rustc's drop elaboration finds
// those from MIR's move paths; here it is done on the IR body.c has just emitted, where the
// stores and loads are all there is to a flag (its alloca is never passed anywhere), so the
// answer cannot drift from what was emitted:
//   1. a forward dataflow over the function's blocks: per flag, whether it may be true and
//      whether it may be false at the top of each block (union at joins; a store is exact);
//   2. each load of a flag that is exactly true or exactly false becomes that constant (one
//      that no path reaches, false), and the `br` on it a jump (a drop block no longer jumped
//      to is unreachable, and LLVM's code generator removes it);
//   3. a flag that is no longer loaded loses its stores and its alloca.
// At -O2 mem2reg and SCCP would find the same. At -O0, where nothing would, the flags were a
// tenth of the instructions of a typical program, and the drops never taken a block each.
#include "codegen/codegen_internal.h"

#include <stdlib.h>

enum { MAX_FLAGS = 64 };  // a set of flags is one word; a function with more folds its first 64

typedef struct {
  LLVMValueRef flag[MAX_FLAGS];
  int nflags;
  LLVMBasicBlockRef *blocks;
  int nblocks;
  struct BlockIdx { LLVMBasicBlockRef bb; int i; } *sorted;  // blocks by address, for block_index
  uint64_t *in_true, *in_false;  // per block: the flags that may be true / false at its top
} Flags;

static int by_block(const void *a, const void *b) {
  LLVMBasicBlockRef x = ((const struct BlockIdx *)a)->bb, y = ((const struct BlockIdx *)b)->bb;
  return x < y ? -1 : x > y;
}

static int block_index(Flags *f, LLVMBasicBlockRef bb) {
  struct BlockIdx key = {bb, 0}, *hit = bsearch(&key, f->sorted, f->nblocks, sizeof key, by_block);
  return hit ? hit->i : -1;
}

// The flag an instruction stores to or loads from, or -1.
static int flag_of(Flags *f, LLVMValueRef ptr) {
  if (!LLVMIsAAllocaInst(ptr)) return -1;
  for (int k = 0; k < f->nflags; k++)
    if (f->flag[k] == ptr) return k;
  return -1;
}

// What a store of a constant to a flag does to the sets.
static void transfer(Flags *f, LLVMValueRef inst, uint64_t *t, uint64_t *fl) {
  if (!LLVMIsAStoreInst(inst)) return;
  int k = flag_of(f, LLVMGetOperand(inst, 1));
  LLVMValueRef v = LLVMGetOperand(inst, 0);
  if (k < 0 || !LLVMIsAConstantInt(v)) return;
  uint64_t bit = (uint64_t)1 << k;
  bool set = LLVMConstIntGetZExtValue(v) != 0;
  *t = set ? *t | bit : *t & ~bit;
  *fl = set ? *fl & ~bit : *fl | bit;
}

// A worklist, first in first out, of the blocks whose state at the top grew: each block is
// looked at again only when a predecessor changed it. (Rounds over the blocks in their order
// were quadratic: a call's return block is appended after the body, so one round carried the
// state one call further.)
static void solve(Flags *f) {
  int n = f->nblocks, head = 0, count = n;
  int *queue = scratch_alloc(sizeof(int) * n);
  bool *queued = scratch_alloc(sizeof(bool) * n);
  for (int b = 0; b < n; b++) queue[b] = b, queued[b] = true;
  while (count) {
    int b = queue[head];
    head = (head + 1) % n, count--;
    queued[b] = false;
    uint64_t t = f->in_true[b], fl = f->in_false[b];
    for (LLVMValueRef i = LLVMGetFirstInstruction(f->blocks[b]); i; i = LLVMGetNextInstruction(i)) transfer(f, i, &t, &fl);
    LLVMValueRef term = LLVMGetBasicBlockTerminator(f->blocks[b]);
    for (unsigned s = 0, ns = term ? LLVMGetNumSuccessors(term) : 0; s < ns; s++) {
      int to = block_index(f, LLVMGetSuccessor(term, s));
      if (to < 0 || ((f->in_true[to] | t) == f->in_true[to] && (f->in_false[to] | fl) == f->in_false[to])) continue;
      f->in_true[to] |= t, f->in_false[to] |= fl;
      if (!queued[to]) queue[(head + count++) % n] = to, queued[to] = true;
    }
  }
}

// `br i1 <constant>` as a jump, unless the block not taken starts with a phi (which would
// need its incoming edge removed).
static void fold_branch(CG *c, LLVMValueRef br) {
  LLVMValueRef cond = LLVMGetCondition(br);
  bool taken = LLVMConstIntGetZExtValue(cond) != 0;
  LLVMBasicBlockRef to = LLVMGetSuccessor(br, taken ? 0 : 1), other = LLVMGetSuccessor(br, taken ? 1 : 0);
  LLVMValueRef first = LLVMGetFirstInstruction(other);
  if (first && LLVMIsAPHINode(first)) return;
  LLVMPositionBuilderBefore(c->b, br);
  LLVMBuildBr(c->b, to);
  LLVMInstructionEraseFromParent(br);
}

// Step 2: the loads with one answer, in each block from its state at the top.
static void fold_loads(CG *c, Flags *f) {
  for (int b = 0; b < f->nblocks; b++) {
    uint64_t t = f->in_true[b], fl = f->in_false[b];
    for (LLVMValueRef i = LLVMGetFirstInstruction(f->blocks[b]), next; i; i = next) {
      next = LLVMGetNextInstruction(i);
      transfer(f, i, &t, &fl);
      int k = LLVMIsALoadInst(i) ? flag_of(f, LLVMGetOperand(i, 0)) : -1;
      if (k < 0) continue;
      bool may_t = (t >> k) & 1, may_f = (fl >> k) & 1;
      if (may_t && may_f) continue;
      // Neither: no path reaches the load (the entry block stores false to every flag first),
      // as in a cleanup block no call unwinds to; false lets its drop go too.
      LLVMReplaceAllUsesWith(i, LLVMConstInt(c->t_i1, may_t, false));
      LLVMInstructionEraseFromParent(i);
    }
    LLVMValueRef term = LLVMGetBasicBlockTerminator(f->blocks[b]);
    if (term && LLVMIsABranchInst(term) && LLVMIsConditional(term) && LLVMIsAConstantInt(LLVMGetCondition(term))) fold_branch(c, term);
  }
}

// Step 3: a flag nothing reads any more, with its stores.
static void remove_unread(LLVMValueRef flag) {
  for (LLVMUseRef u = LLVMGetFirstUse(flag); u; u = LLVMGetNextUse(u))
    if (!LLVMIsAStoreInst(LLVMGetUser(u))) return;
  while (LLVMGetFirstUse(flag)) LLVMInstructionEraseFromParent(LLVMGetUser(LLVMGetFirstUse(flag)));
  LLVMInstructionEraseFromParent(flag);
}

void cg_fold_drop_flags(CG *c, LLVMValueRef fn, LLVMValueRef *flags, int n) {
  Flags f = {.nflags = 0};
  for (int i = 0; i < n && f.nflags < MAX_FLAGS; i++)
    if (flags[i]) f.flag[f.nflags++] = flags[i];
  if (!f.nflags) return;
  LLVMBasicBlockRef saved = LLVMGetInsertBlock(c->b);
  ScratchMark mark = scratch_mark();
  f.nblocks = (int)LLVMCountBasicBlocks(fn);
  f.blocks = scratch_alloc(sizeof(LLVMBasicBlockRef) * f.nblocks);
  LLVMGetBasicBlocks(fn, f.blocks);
  f.sorted = scratch_alloc(sizeof(struct BlockIdx) * f.nblocks);
  f.in_true = scratch_alloc(sizeof(uint64_t) * f.nblocks);
  f.in_false = scratch_alloc(sizeof(uint64_t) * f.nblocks);
  for (int b = 0; b < f.nblocks; b++) f.sorted[b] = (struct BlockIdx){f.blocks[b], b}, f.in_true[b] = f.in_false[b] = 0;
  qsort(f.sorted, f.nblocks, sizeof *f.sorted, by_block);
  solve(&f);
  fold_loads(c, &f);
  for (int k = 0; k < f.nflags; k++) remove_unread(f.flag[k]);
  scratch_release(mark);
  if (saved) LLVMPositionBuilderAtEnd(c->b, saved);
}
