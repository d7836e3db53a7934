// locals.c — which MIR locals need no stack slot (rustc's "operand locals").
//
// body.c can give every local an alloca and read and write it with loads and stores. At -O2
// mem2reg turns those into registers; at -O0 nothing does, and the loads and stores are much
// of what the instruction selector works through. So a local that can be the LLVM value
// written to it is kept as that value (LOCAL_VALUE) when
//   - its type is passed in registers (not cg_in_memory) and has no drop glue (no drop flag);
//   - it is written once, as a whole: a parameter, an assignment other than an aggregate or
//     `[v; N]` (those are built in place), or a call's result;
//   - it is only read: as a whole, through fields (extractvalue), or through a deref (the
//     address it holds); never borrowed, dropped, indexed or written in part;
//   - the write comes first on every path: the writing block dominates every reading block
//     (for a call, its return block, which the call must be the only way into), and body.c
//     emits the writing block first.
// A zero-sized local that is not borrowed is its constant, however often it is written
// (LOCAL_ZST). Everything else stays on the stack (LOCAL_STACK). The return place is read by
// `return`; one in memory is the caller's.
//
// Two walks over the body: the first finds each local's one write and rules out the locals
// used in a way a value cannot be; the second checks every read against the write.
#include "codegen/codegen_internal.h"

typedef enum {
  ACC_READ,   // an operand read: the value, or a field of it, or through its deref
  ACC_ADDR,   // the place's address is taken (a borrow, a copy in memory, a call of a closure)
  ACC_WRITE,  // assigned as a whole, to a value
  ACC_BUILD,  // assigned as a whole, built in its place (an aggregate, `[v; N]`)
} Access;

enum { UNWRITTEN, WRITTEN, STACKED };

typedef struct {
  CG *c;
  Body *b;
  unsigned char *kind;  // the result: LocalHome per local
  unsigned char *state;
  int *def_block, *def_at;  // the write: its block, and statement (-1: the block's start)
  int *def_src;             // ... and the block body.c emits it with (a call's: the calling block)
  MirDominators dom;
  const int *emit_pos;      // per block: where body.c emits it
  bool checking;            // the second walk
} Ssa;

static void on_stack(Ssa *s, int l) { s->state[l] = STACKED; }

// A read of local l in block blk at statement at (the terminator: the number of statements).
static void check_read(Ssa *s, int l, int blk, int at) {
  if (!s->checking || s->kind[l] != LOCAL_VALUE || s->state[l] == STACKED) return;
  if (s->state[l] != WRITTEN) {
    on_stack(s, l);
    return;
  }
  int d = s->def_block[l], src = s->def_src[l];
  bool dominated = d == blk ? s->def_at[l] < at : mir_dominates(&s->dom, d, blk);
  bool emitted_first = src == blk || s->emit_pos[src] < s->emit_pos[blk];
  if (!dominated || !emitted_first) on_stack(s, l);
}

static void write_local(Ssa *s, int l, int blk, int at, int src) {
  if (s->checking) return;
  if (s->state[l] == UNWRITTEN) s->state[l] = WRITTEN, s->def_block[l] = blk, s->def_at[l] = at, s->def_src[l] = src;
  else if (s->kind[l] == LOCAL_VALUE) on_stack(s, l);
}

// A place in block blk at statement at. A local read through its projections must reach a
// deref before anything but fields (or, for a read, end in fields); each index local is read.
static void visit_place(Ssa *s, Place *p, Access acc, int blk, int at) {
  for (int i = 0; i < p->nproj; i++)
    if (p->proj[i].kind == PROJ_INDEX) check_read(s, p->proj[i].local, blk, at);
  int l = p->local;
  if (!p->nproj && (acc == ACC_WRITE || (acc == ACC_BUILD && s->kind[l] == LOCAL_ZST))) {
    write_local(s, l, blk, at, blk);
    return;
  }
  int k = 0;
  while (k < p->nproj && p->proj[k].kind == PROJ_FIELD) k++;
  bool value_read = k < p->nproj ? p->proj[k].kind == PROJ_DEREF : acc == ACC_READ;
  if (!value_read) on_stack(s, l);
  else check_read(s, l, blk, at);
}

static void visit_operand(Ssa *s, Operand *o, int blk, int at) {
  if (o->kind == OPND_CONST) return;
  visit_place(s, &o->place, cg_in_memory(s->c, cg_type_of(s->c, o->ty)) ? ACC_ADDR : ACC_READ, blk, at);
}

static void visit_assign(Ssa *s, MirStmt *st, int blk, int at) {
  Rvalue *rv = &st->rv;
  switch (rv->kind) {
  case RV_USE: case RV_UNARY: case RV_CAST: case RV_REPEAT: visit_operand(s, &rv->a, blk, at); break;
  case RV_BINARY: case RV_CHECKED:
    visit_operand(s, &rv->a, blk, at);
    visit_operand(s, &rv->b, blk, at);
    break;
  case RV_AGGREGATE:
    for (int i = 0; i < rv->nops; i++) visit_operand(s, &rv->ops[i], blk, at);
    break;
  case RV_REF: case RV_DISCRIMINANT: case RV_LEN: visit_place(s, &rv->place, ACC_ADDR, blk, at); break;
  }
  bool built = rv->kind == RV_AGGREGATE || rv->kind == RV_REPEAT;
  visit_place(s, &st->place, built ? ACC_BUILD : ACC_WRITE, blk, at);
}

static void visit_terminator(Ssa *s, Terminator *t, int blk, int at) {
  switch (t->kind) {
  case TERM_SWITCH: visit_operand(s, &t->discr, blk, at); return;
  case TERM_ASSERT:
    visit_operand(s, &t->discr, blk, at);
    if (t->bounds_check) visit_operand(s, t->len, blk, at), visit_operand(s, t->index, blk, at);
    return;
  case TERM_DROP:
    visit_place(s, &t->dest, ACC_ADDR, blk, at);
    if (t->rest_from >= 0) on_stack(s, t->rest_from);
    return;
  case TERM_CALL:
    for (int i = 0; i < t->nargs; i++) {
      if (i == 0 && t->callee.kind == CALLEE_CALLABLE && t->args[0].kind != OPND_CONST) visit_place(s, &t->args[0].place, ACC_ADDR, blk, at);
      else visit_operand(s, &t->args[i], blk, at);
    }
    if (t->target < 0) return;  // never returns: dest is not written
    if (t->dest.nproj) {
      visit_place(s, &t->dest, ACC_ADDR, blk, at);
      return;
    }
    // The result exists on the edge into the return block: that block must have no other.
    if (s->dom.npreds[t->target] != 1 && s->kind[t->dest.local] == LOCAL_VALUE) on_stack(s, t->dest.local);
    write_local(s, t->dest.local, t->target, -1, blk);
    return;
  case TERM_RETURN: check_read(s, 0, blk, at); return;  // the result, unless returned in memory
  default: return;
  }
}

static void walk(Ssa *s) {
  for (int bi = 0; bi < s->b->blocks.len; bi++) {
    BasicBlock *bb = &s->b->blocks.data[bi];
    for (int j = 0; j < bb->stmts.len; j++)
      if (bb->stmts.data[j].kind == STMT_ASSIGN) visit_assign(s, &bb->stmts.data[j], bi, j);
    visit_terminator(s, &bb->term, bi, bb->stmts.len);
  }
}

// A local's kind from its type alone.
static LocalHome kind_by_type(CG *c, Body *b, int l) {
  Type *t = cg_type_of(c, b->locals.data[l].ty);
  if (cg_in_memory(c, t) || ty_needs_drop(t)) return LOCAL_STACK;
  return cg_size_of(c, t) == 0 ? LOCAL_ZST : LOCAL_VALUE;
}

unsigned char *cg_local_kinds(CG *c, Body *b, MirDominators *dom, const int *emit_pos) {
  int n = b->locals.len;
  unsigned char *kind = arena_alloc(n + 1);
  ScratchMark mark = scratch_mark();
  Ssa s = {c, b, kind, scratch_alloc(n + 1), scratch_alloc(sizeof(int) * (n + 1)), scratch_alloc(sizeof(int) * (n + 1)),
           scratch_alloc(sizeof(int) * (n + 1)), *dom, emit_pos, false};
  for (int l = 0; l < n; l++) {
    kind[l] = kind_by_type(c, b, l);
    s.state[l] = kind[l] == LOCAL_STACK ? STACKED : UNWRITTEN;
  }
  for (int l = 1; l <= b->nparams && l < n; l++) write_local(&s, l, 0, -1, 0);  // written on entry
  walk(&s);
  s.checking = true;
  walk(&s);
  for (int l = 0; l < n; l++)
    if (s.state[l] == STACKED) kind[l] = LOCAL_STACK;
  scratch_release(mark);
  return kind;
}
