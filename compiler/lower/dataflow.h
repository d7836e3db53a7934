// dataflow.h — what the MIR dataflow passes (borrowck.c, moveck.c) share: bit sets over locals,
// loans or move paths, the blocks control may go on to from a terminator, and where a
// closure's `|..|` is (diagnostics point there for what it captures).
#ifndef TRC_DATAFLOW_H
#define TRC_DATAFLOW_H

#include "lower/lower.h"

#include <string.h>

typedef uint64_t Word;

// An empty set, in scratch memory: it lasts until the pass that made it returns
// (mir_borrowck and mir_moveck release what they took).
static inline Word *bits_new(int words) {
  Word *w = scratch_alloc(sizeof(Word) * (words ? words : 1));
  memset(w, 0, sizeof(Word) * (words ? words : 1));
  return w;
}
static inline bool bit(const Word *w, int i) { return (w[i / 64] >> (i % 64)) & 1; }
static inline void bit_set(Word *w, int i) { w[i / 64] |= (Word)1 << (i % 64); }
static inline void bit_clear(Word *w, int i) { w[i / 64] &= ~((Word)1 << (i % 64)); }
static inline bool bits_or(Word *dst, const Word *src, int words) {
  bool changed = false;
  for (int i = 0; i < words; i++) {
    Word n = dst[i] | src[i];
    changed |= n != dst[i];
    dst[i] = n;
  }
  return changed;
}

// The blocks a terminator may continue in, *n of them: its own target fields, not a copy (a
// switch may have any number of arms). A cleanup block's unwind edges are not followed: the
// checks are of the normal path.
static inline const int *successors(Terminator *t, int *n) {
  switch (t->kind) {
  case TERM_GOTO: case TERM_CALL: case TERM_ASSERT: case TERM_DROP: *n = 1; return &t->target;
  case TERM_SWITCH: *n = t->nvalues + 1; return t->targets;
  default: *n = 0; return NULL;
  }
}

// The first use, in the closure's body, of what the capture borrow at statement j makes.
static inline Span capture_use(BasicBlock *bb, int j) {
  int ref = bb->stmts.data[j].place.local;
  for (int i = j + 1; i < bb->stmts.len; i++) {
    Rvalue *rv = &bb->stmts.data[i].rv;
    if (bb->stmts.data[i].kind != STMT_ASSIGN || rv->kind != RV_AGGREGATE || rv->agg != AGG_CLOSURE) continue;
    FnDecl *cf = ty_resolve(rv->ty)->closure;
    for (int c = 0; cf && c < rv->nops && c < cf->ncaptures; c++)
      if (rv->ops[c].kind != OPND_CONST && rv->ops[c].place.local == ref) return cf->captures[c].span;
  }
  return (Span){0};
}

#endif
