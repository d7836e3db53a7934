// cfg.c — the dominator tree of a MIR body's control-flow graph.
//
// Block a dominates block b when every path from bb0 to b passes through a. Codegen asks it of
// a local written once (codegen/locals.c): if the block that writes it dominates every block
// that reads it, the write's LLVM value can stand for the local, with no stack slot.
//
// The algorithm is Cooper, Harvey and Kennedy's "A Simple, Fast Dominance Algorithm": number
// the blocks in reverse postorder of a depth-first walk from bb0; then, until nothing changes,
// a block's immediate dominator is the meeting point, walking up the tree as built so far, of
// all its predecessors that have one. MIR bodies are small and mostly acyclic, so two or three
// rounds settle it. All edges count, unwind edges into cleanup blocks too.
#include "lower/lower.h"

// The blocks control may go on to from t, unwinding included; returns how many (into out,
// which has room for t's switch targets plus two).
static int all_successors(Terminator *t, int *out) {
  int n = 0;
  switch (t->kind) {
  case TERM_SWITCH:
    for (int i = 0; i <= t->nvalues; i++) out[n++] = t->targets[i];
    return n;
  case TERM_GOTO: case TERM_DROP: out[n++] = t->target; return n;
  case TERM_CALL: case TERM_ASSERT:
    if (t->target >= 0) out[n++] = t->target;
    if (t->unwind >= 0) out[n++] = t->unwind;
    return n;
  default: return 0;
  }
}

static int max_successors(Body *b) {
  int m = 2;
  for (int i = 0; i < b->blocks.len; i++) {
    Terminator *t = &b->blocks.data[i].term;
    if (t->kind == TERM_SWITCH && t->nvalues + 1 > m) m = t->nvalues + 1;
  }
  return m;
}

// Postorder numbers of the blocks reachable from bb0 (-1 for the others), by an explicit
// stack: a body of thousands of blocks must not recurse that deep.
static int *postorder(Body *b, int nsucc, int **order) {
  int nb = b->blocks.len, *num = scratch_alloc(sizeof(int) * nb), *stack = scratch_alloc(sizeof(int) * nb);
  int *next = scratch_alloc(sizeof(int) * nb), *succ = scratch_alloc(sizeof(int) * nsucc), sp = 0, count = 0;
  *order = scratch_alloc(sizeof(int) * nb);
  for (int i = 0; i < nb; i++) num[i] = -2;  // -2: not reached yet; -1: on the stack
  stack[sp++] = 0;
  num[0] = -1;
  next[0] = 0;
  while (sp) {
    int top = stack[sp - 1], n = all_successors(&b->blocks.data[top].term, succ);
    if (next[top] < n) {
      int s = succ[next[top]++];
      if (s >= 0 && num[s] == -2) num[s] = -1, next[s] = 0, stack[sp++] = s;
      continue;
    }
    (*order)[count] = top;
    num[top] = count++;
    sp--;
  }
  for (int i = 0; i < nb; i++)
    if (num[i] == -2) num[i] = -1;
  return num;
}

MirDominators mir_dominators(Body *b) {
  int nb = b->blocks.len, nsucc = max_successors(b);
  MirDominators d = {scratch_alloc(sizeof(int) * nb), scratch_alloc(sizeof(int) * nb), scratch_alloc(sizeof(int) * nb)};
  if (!nb) return d;
  int *order, *po = postorder(b, nsucc, &order), *succ = scratch_alloc(sizeof(int) * nsucc), count = 0;
  // Predecessors, as one array of edges sorted by target (a counting sort).
  int *start = scratch_alloc(sizeof(int) * (nb + 1));
  for (int i = 0; i <= nb; i++) start[i] = 0;
  for (int i = 0; i < nb; i++) {
    d.npreds[i] = 0;
    d.idom[i] = -1;
    int n = all_successors(&b->blocks.data[i].term, succ);
    for (int k = 0; k < n; k++)
      if (succ[k] >= 0) start[succ[k] + 1]++, count++;
  }
  for (int i = 0; i < nb; i++) start[i + 1] += start[i];
  int *preds = scratch_alloc(sizeof(int) * (count + 1));
  for (int i = 0; i < nb; i++) {
    int n = all_successors(&b->blocks.data[i].term, succ);
    for (int k = 0; k < n; k++)
      if (succ[k] >= 0) preds[start[succ[k]] + d.npreds[succ[k]]++] = i;
  }
  d.idom[0] = 0;
  // A block's walks from its predecessors up to the dominator found so far stop at a block an
  // earlier walk passed (marked with this block's stamp): the dominator is above it already.
  // Without that, a cleanup block reached from each of 4,000 calls in a straight line walked
  // the whole line once per call.
  int *mark = scratch_alloc(sizeof(int) * nb), stamp = 0;
  for (int i = 0; i < nb; i++) mark[i] = 0;
  for (bool changed = true; changed;) {
    changed = false;
    for (int r = po[0] - 1; r >= 0; r--) {  // reverse postorder, bb0 (numbered last) skipped
      int blk = order[r], idom = -1;
      stamp++;
      for (int k = start[blk]; k < start[blk + 1]; k++) {
        int p = preds[k];
        if (po[p] < 0 || d.idom[p] < 0) continue;
        if (idom < 0) {
          idom = p;
          continue;
        }
        int x = p, y = idom;  // walk the deeper one (lower postorder number) up until they meet
        while (x != y) {
          while (po[x] < po[y]) {
            if (mark[x] == stamp) x = y;
            else mark[x] = stamp, x = d.idom[x];
            if (x == y) break;
          }
          while (po[y] < po[x]) y = d.idom[y];
        }
        idom = x;
      }
      if (idom != d.idom[blk]) d.idom[blk] = idom, changed = true;
    }
  }
  d.depth[0] = 0;
  for (int r = po[0] - 1; r >= 0; r--) d.depth[order[r]] = d.depth[d.idom[order[r]]] + 1;
  for (int i = 0; i < nb; i++)
    if (po[i] < 0) d.depth[i] = -1;
  return d;
}

bool mir_dominates(MirDominators *d, int a, int b) {
  if (d->depth[a] < 0 || d->depth[b] < 0) return false;
  while (d->depth[b] > d->depth[a]) b = d->idom[b];
  return a == b;
}
