// elaborate.c — drop elaboration: the drops of values that were partly moved out of.
//
// lower.c emits `drop(_n)` where the scope of a local ends, and codegen keeps one drop flag per
// local: set when the whole local is assigned, cleared when it is moved out or dropped. That is
// enough until a program moves out of a *part* of a value: `let a = s.name;`, or a match arm
// that binds the payload of an enum the function owns (`Some(s) => ...`). What is left of the
// value must still be dropped, and only that. This pass does what rustc's ElaborateDrops does:
//
//   - the places moved out of (a local and field or variant projections: *move paths*) split
//     their local into leaves: the local is split into its fields (an enum into the fields of
//     every variant) as far down as some move path goes, and what is not split further is a
//     leaf (`s.name`, `s.id`, `(o as Some).0`);
//   - each leaf that needs dropping gets a drop flag, a bool local of the body: false on entry,
//     set where the leaf gets its value (an assignment to the leaf or to a place containing
//     it, a parameter), cleared where it is moved out (a move of it or of a place containing
//     it) and where it is dropped;
//   - a `drop` of the local (or of a place containing leaves) becomes an *open drop*: each
//     leaf in declaration order, dropped if its flag is set, and, for a leaf inside an enum
//     variant, only if the value is of that variant (the discriminant survives the move).
//
// Locals whose parts are never moved out are left alone, as are locals that no `drop` names
// (the Option that a `for` loop's `next` returns, which lower.c empties at once). The flags are
// statements of the MIR (`_9 = const false;`) and `--emit=mir` shows them, as rustc's MIR does
// after elaboration.
#include "lower/dataflow.h"

Place mir_project(Place p, ProjKind kind, int field, int local, Type *ty) {
  Proj *np = arena_alloc(sizeof(Proj) * (p.nproj + 1));
  copy_bytes(np, p.proj, sizeof(Proj) * p.nproj);
  np[p.nproj] = (Proj){.kind = kind, .field = field, .local = local, .ty = ty};
  return (Place){p.local, np, p.nproj + 1};
}

Place mir_box_contents(Place p, Type *box) {
  Place r = mir_project(p, PROJ_DEREF, 0, 0, ty_resolve(box)->inner);
  r.proj[r.nproj - 1].of_box = true;
  return r;
}

Type *mir_field_type(Type *t, int v, int f) {
  t = ty_resolve(t);
  if (t->kind == TY_TUPLE) return t->args[f];
  FieldDecl *fd = v >= 0 ? &t->sdecl->variants[v].fields[f] : &t->sdecl->fields[f];
  return ty_subst(fd->type, t->args, t->nargs);
}

// Fields, variants, a Box's contents and an array's elements (a slice pattern's, counted from
// the start) can be moved out of on their own. (A slice is only ever behind a deref, which
// ends a path, so a constant index reached here is into an array.)
bool mir_is_move_proj(Proj p) {
  return p.kind == PROJ_FIELD || p.kind == PROJ_VARIANT || (p.kind == PROJ_CONST_INDEX && !p.from_end) || (p.kind == PROJ_DEREF && p.of_box);
}

bool mir_is_move_path(Place p) {
  for (int i = 0; i < p.nproj; i++)
    if (!mir_is_move_proj(p.proj[i])) return false;
  return true;
}

typedef struct {
  Place place;
  Type *ty;
  int flag;     // the bool local, or -1 when the leaf needs no dropping
  bool shell;   // a Box split into its contents: this leaf frees the allocation only
} Leaf;

typedef VEC(MirStmt) StmtVec;

typedef struct {
  Body *b;
  VEC(Place) moved;         // every move path moved out of, with at least one projection
  VEC(Leaf) leaves;         // of every split local, each local's in declaration order
  bool *split;              // per local
  int nlocals;              // before the flags were added
} Elab;

// Is a a prefix of b (or b itself)?
static bool is_prefix(Place a, Place b) {
  if (a.local != b.local || a.nproj > b.nproj) return false;
  for (int i = 0; i < a.nproj; i++)
    if (a.proj[i].kind != b.proj[i].kind || a.proj[i].field != b.proj[i].field) return false;
  return true;
}

static Type *place_type(Body *b, Place p) { return p.nproj ? p.proj[p.nproj - 1].ty : b->locals.data[p.local].ty; }

static void note_move(Elab *E, Operand *o) {
  if (o->kind == OPND_MOVE && o->place.nproj && mir_is_move_path(o->place)) vec_push(&E->moved, o->place);
}

// The operands of an rvalue that may move (a, b and an aggregate's fields).
static int rvalue_operands(Rvalue *rv, Operand **out) {
  int n = 0;
  out[n++] = &rv->a;
  out[n++] = &rv->b;
  for (int k = 0; k < rv->nops; k++) out[n++] = &rv->ops[k];
  return n;
}

static int new_temp(Body *b, Type *t) {
  vec_push(&b->locals, (MirLocal){.ty = t, .mut = true});
  return b->locals.len - 1;
}

static void split_place(Elab *E, Place p, Type *t);

static Place array_elem(Place p, Type *at, int i) {
  Place el = mir_project(p, PROJ_CONST_INDEX, i, 0, at->inner);
  el.proj[el.nproj - 1].min = (int)at->len;
  return el;
}

static bool has_move_path_under(Elab *E, Place p) {
  for (int i = 0; i < E->moved.len; i++)
    if (is_prefix(p, E->moved.data[i])) return true;
  return false;
}

// An array some elements were moved out of drops as rustc's open drop of an array does: its
// segments (each moved-from element alone, each run of untouched elements together) last
// segment first, the elements of a segment in order. The leaves are pushed in that order.
static void split_array(Elab *E, Place p, Type *at) {
  int n = (int)at->len, end = n;
  while (end > 0) {
    int start = end - 1;
    if (!has_move_path_under(E, array_elem(p, at, start)))
      while (start > 0 && !has_move_path_under(E, array_elem(p, at, start - 1))) start--;
    for (int i = start; i < end; i++) split_place(E, array_elem(p, at, i), at->inner);
    end = start;
  }
}

// The leaves of place p (of type t): p itself unless a move path goes deeper.
static void split_place(Elab *E, Place p, Type *t) {
  bool deeper = false;
  for (int i = 0; i < E->moved.len && !deeper; i++) deeper = E->moved.data[i].nproj > p.nproj && is_prefix(p, E->moved.data[i]);
  Type *rt = ty_resolve(t);
  if (deeper && rt->kind == TY_TUPLE) {
    for (int i = 0; i < rt->nargs; i++) split_place(E, mir_project(p, PROJ_FIELD, i, 0, rt->args[i]), rt->args[i]);
    return;
  }
  if (deeper && rt->kind == TY_STRUCT && !rt->sdecl->is_enum) {
    for (int i = 0; i < rt->sdecl->nfields; i++) {
      Type *ft = mir_field_type(rt, -1, i);
      split_place(E, mir_project(p, PROJ_FIELD, i, 0, ft), ft);
    }
    return;
  }
  if (deeper && rt->kind == TY_ARRAY) {
    split_array(E, p, rt);
    return;
  }
  if (deeper && rt->kind == TY_BOX) {  // the contents' leaves, then the allocation (as rustc)
    split_place(E, mir_box_contents(p, rt), rt->inner);
    vec_push(&E->leaves, (Leaf){p, t, new_temp(E->b, ty_bool), true});
    return;
  }
  if (deeper && rt->kind == TY_STRUCT) {
    for (int v = 0; v < rt->sdecl->nvariants; v++) {
      Place pv = mir_project(p, PROJ_VARIANT, v, 0, t);
      for (int i = 0; i < rt->sdecl->variants[v].nfields; i++) {
        Type *ft = mir_field_type(rt, v, i);
        split_place(E, mir_project(pv, PROJ_FIELD, i, 0, ft), ft);
      }
    }
    return;
  }
  vec_push(&E->leaves, (Leaf){p, t, ty_needs_drop(t) ? new_temp(E->b, ty_bool) : -1, false});
}

static MirStmt set_stmt(int flag, bool v) {
  Operand c = {.kind = OPND_CONST, .c = {.kind = CONST_INT, .i = v}, .ty = ty_bool};
  return (MirStmt){.kind = STMT_ASSIGN, .place = {.local = flag}, .rv = {.kind = RV_USE, .a = c, .ty = ty_bool}};
}

// Appends `flag = v` for every flagged leaf inside place p.
static void set_flags(Elab *E, StmtVec *out, Place p, bool v) {
  if (p.local >= E->nlocals || !E->split[p.local]) return;
  for (int i = 0; i < E->leaves.len; i++)
    if (E->leaves.data[i].flag >= 0 && is_prefix(p, E->leaves.data[i].place)) vec_push(out, set_stmt(E->leaves.data[i].flag, v));
}

static void clear_moved(Elab *E, StmtVec *out, Operand *o) {
  if (o->kind == OPND_MOVE) set_flags(E, out, o->place, false);
}

static int add_block(Body *b, bool cleanup) {
  vec_push(&b->blocks, (BasicBlock){.terminated = true, .is_cleanup = cleanup});
  return b->blocks.len - 1;
}

Terminator mir_switch_bool(Operand cond, int on_true, int on_false, Span sp) {
  uint64_t *vals = arena_alloc(sizeof(uint64_t));
  int *tg = arena_alloc(sizeof(int) * 2);
  vals[0] = 0;
  tg[0] = on_false;
  tg[1] = on_true;
  return (Terminator){.kind = TERM_SWITCH, .discr = cond, .values = vals, .targets = tg, .nvalues = 1, .span = sp};
}

static void switch_on(Body *b, int block, Operand cond, int yes, int no) {
  b->blocks.data[block].term = mir_switch_bool(cond, yes, no, (Span){0});
}

// Block `at` ends in `drop(p)` with p split: rewrites it into the open drop of p's leaves.
static void open_drop(Elab *E, int at, Terminator drop) {
  Body *b = E->b;
  bool cleanup = b->blocks.data[at].is_cleanup;
  int cur = at;
  for (int i = 0; i < E->leaves.len; i++) {
    Leaf *lf = &E->leaves.data[i];
    if (lf->flag < 0 || !is_prefix(drop.dest, lf->place)) continue;
    int next = add_block(b, cleanup);
    // Inside an enum variant: only if the value (still) is of that variant.
    for (int k = drop.dest.nproj; k < lf->place.nproj; k++) {
      if (lf->place.proj[k].kind != PROJ_VARIANT) continue;
      Place whole = {lf->place.local, lf->place.proj, k};
      Type *et = ty_resolve(place_type(b, whole));
      int d = new_temp(b, ty_isize), eq = new_temp(b, ty_bool);
      vec_push(&b->blocks.data[cur].stmts,
               ((MirStmt){.kind = STMT_ASSIGN, .place = {.local = d}, .rv = {.kind = RV_DISCRIMINANT, .place = whole, .ty = ty_isize}, .drop_elab = true}));
      Operand dv = {.kind = OPND_COPY, .place = {.local = d}, .ty = ty_isize};
      Operand want = {.kind = OPND_CONST, .c = {.kind = CONST_INT, .i = (uint64_t)et->sdecl->variants[lf->place.proj[k].field].discr}, .ty = ty_isize};
      vec_push(&b->blocks.data[cur].stmts,
               ((MirStmt){.kind = STMT_ASSIGN, .place = {.local = eq}, .rv = {.kind = RV_BINARY, .binop = BIN_EQ, .a = dv, .b = want, .ty = ty_bool}, .drop_elab = true}));
      int same = add_block(b, cleanup);
      switch_on(b, cur, (Operand){.kind = OPND_COPY, .place = {.local = eq}, .ty = ty_bool}, same, next);
      cur = same;
    }
    int yes = add_block(b, cleanup), after = add_block(b, cleanup);
    switch_on(b, cur, (Operand){.kind = OPND_COPY, .place = {.local = lf->flag}, .ty = ty_bool}, yes, next);
    b->blocks.data[yes].term = (Terminator){.kind = TERM_DROP, .dest = lf->place, .rest_from = -1, .target = after, .unwind = drop.unwind,
                                            .span = drop.span, .box_free = lf->shell};
    vec_push(&b->blocks.data[after].stmts, set_stmt(lf->flag, false));
    b->blocks.data[after].term = (Terminator){.kind = TERM_GOTO, .target = next};
    cur = next;
  }
  b->blocks.data[cur].term = (Terminator){.kind = TERM_GOTO, .target = drop.target, .span = drop.span};
}

// Does a leaf lie inside p (so that a drop of p must be opened)?
static bool has_leaves_under(Elab *E, Place p) {
  if (p.local >= E->nlocals || !E->split[p.local]) return false;
  for (int i = 0; i < E->leaves.len; i++)
    if (is_prefix(p, E->leaves.data[i].place)) return true;
  return false;
}

void mir_elaborate_drops(Body *b) {
  Elab E = {.b = b, .nlocals = b->locals.len};
  int nblocks = b->blocks.len;
  Operand **ops = NULL;
  int maxops = 2;
  for (int i = 0; i < nblocks; i++)
    for (int j = 0; j < b->blocks.data[i].stmts.len; j++)
      if (b->blocks.data[i].stmts.data[j].rv.nops + 2 > maxops) maxops = b->blocks.data[i].stmts.data[j].rv.nops + 2;
  ops = arena_alloc(sizeof(Operand *) * maxops);
  for (int i = 0; i < nblocks; i++) {
    BasicBlock *bb = &b->blocks.data[i];
    for (int j = 0; j < bb->stmts.len; j++)
      if (bb->stmts.data[j].kind == STMT_ASSIGN)
        for (int k = 0, n = rvalue_operands(&bb->stmts.data[j].rv, ops); k < n; k++) note_move(&E, ops[k]);
    if (bb->term.kind == TERM_CALL)
      for (int k = 0; k < bb->term.nargs; k++) note_move(&E, &bb->term.args[k]);
  }
  if (!E.moved.len) return;
  E.split = arena_alloc(sizeof(bool) * (E.nlocals + 1));
  bool *dropped = arena_alloc(sizeof(bool) * (E.nlocals + 1));
  for (int i = 0; i < nblocks; i++)
    if (b->blocks.data[i].term.kind == TERM_DROP) dropped[b->blocks.data[i].term.dest.local] = true;
  for (int i = 0; i < E.moved.len; i++) {
    int l = E.moved.data[i].local;
    if (E.split[l] || !dropped[l]) continue;
    E.split[l] = true;
    split_place(&E, (Place){.local = l}, b->locals.data[l].ty);
  }
  if (!E.leaves.len) return;
  // Statements at the top of blocks: the flags start cleared and parameters arrive
  // initialized; a call's return block sets the flags of the place it assigned.
  StmtVec *entry = arena_alloc(sizeof(StmtVec) * (nblocks + 1));
  for (int l = 1; l < E.nlocals; l++) set_flags(&E, &entry[0], (Place){.local = l}, l <= b->nparams);
  for (int i = 0; i < nblocks; i++) {
    Terminator *t = &b->blocks.data[i].term;
    if (t->kind == TERM_CALL && t->target >= 0) set_flags(&E, &entry[t->target], t->dest, true);
  }
  for (int i = 0; i < nblocks; i++) {
    BasicBlock *bb = &b->blocks.data[i];
    StmtVec out = entry[i];
    for (int j = 0; j < bb->stmts.len; j++) {
      MirStmt s = bb->stmts.data[j];
      vec_push(&out, s);
      if (s.kind != STMT_ASSIGN) continue;
      for (int k = 0, n = rvalue_operands(&s.rv, ops); k < n; k++) clear_moved(&E, &out, ops[k]);
      set_flags(&E, &out, s.place, true);
    }
    if (bb->term.kind == TERM_CALL)  // the arguments are the callee's from the call on, even if it unwinds
      for (int k = 0; k < bb->term.nargs; k++) clear_moved(&E, &out, &bb->term.args[k]);
    bb->stmts.data = out.data;
    bb->stmts.len = out.len;
    bb->stmts.cap = out.cap;
    Terminator t = bb->term;
    if (t.kind == TERM_DROP && t.rest_from < 0 && has_leaves_under(&E, t.dest)) open_drop(&E, i, t);
  }
}

// ---------------------------------------------------------------------------------------------
// Drop styles
//
// After the checks, each drop of a whole local is one of rustc's drop styles: dead (the local
// certainly holds nothing there: moved out on every path, as a Box is moved into the Vec it was
// made for), static (it certainly holds a value) or conditional (it depends on the path, and
// codegen's drop flag decides). A dead drop becomes a goto, so its block runs on into the next
// (codegen then emits them as one block), and a static one is marked `unconditional`: codegen
// tests no flag. Which is which follows codegen's drop flags exactly (codegen/body.c): a flag is
// set by an assignment to the whole local, a call's result, a parameter on entry; cleared by a
// move of the whole local and by its drop. A call of a closure moved into it may or may not
// consume it (that is per instance: an FnOnce closure is consumed, an Fn one not), so that
// only makes the local maybe uninitialized. Two forward analyses, by bit sets over the dropped
// locals: maybe initialized and maybe uninitialized, on the edges codegen follows (a call's
// unwind edge gets the state before its result is written; a drop has none).

typedef struct {
  Body *b;
  int *index;   // per local: its bit, or -1 when no drop names it
  int words;
  Word *mi, *mu;  // per block, on entry
} Styles;

static void move_out(Styles *S, Word *mi, Word *mu, Operand *o) {
  if (o->kind != OPND_MOVE || o->place.nproj || S->index[o->place.local] < 0) return;
  bit_clear(mi, S->index[o->place.local]);
  bit_set(mu, S->index[o->place.local]);
}

static void init_local(Styles *S, Word *mi, Word *mu, Place p) {
  if (p.nproj || S->index[p.local] < 0) return;
  bit_set(mi, S->index[p.local]);
  bit_clear(mu, S->index[p.local]);
}

// The effect of block i's statements, and of its terminator's moves (its result is not yet
// written: the caller adds it on the return edge).
static void block_effect(Styles *S, int i, Word *mi, Word *mu, Operand **ops) {
  BasicBlock *bb = &S->b->blocks.data[i];
  for (int j = 0; j < bb->stmts.len; j++) {
    MirStmt *s = &bb->stmts.data[j];
    if (s->kind != STMT_ASSIGN) continue;
    for (int k = 0, n = rvalue_operands(&s->rv, ops); k < n; k++) move_out(S, mi, mu, ops[k]);
    init_local(S, mi, mu, s->place);
  }
  Terminator *t = &bb->term;
  if (t->kind == TERM_CALL)
    for (int k = 0; k < t->nargs; k++) {
      Operand *o = &t->args[k];
      if (k == 0 && t->callee.kind == CALLEE_CALLABLE) {
        if (o->kind == OPND_MOVE && !o->place.nproj && S->index[o->place.local] >= 0) bit_set(mu, S->index[o->place.local]);
      } else {
        move_out(S, mi, mu, o);
      }
    }
}

static bool flow_into(Styles *S, int to, Word *mi, Word *mu) {
  bool a = bits_or(S->mi + (size_t)to * S->words, mi, S->words);
  bool b = bits_or(S->mu + (size_t)to * S->words, mu, S->words);
  return a || b;
}

void mir_drop_styles(Body *b) {
  int nb = b->blocks.len, nl = b->locals.len, ndropped = 0;
  ScratchMark mark = scratch_mark();
  Styles S = {b, scratch_alloc(sizeof(int) * (nl + 1)), 0, NULL, NULL};
  for (int l = 0; l < nl; l++) S.index[l] = -1;
  int maxops = 2;
  for (int i = 0; i < nb; i++) {
    Terminator *t = &b->blocks.data[i].term;
    if (t->kind == TERM_DROP && !t->dest.nproj && S.index[t->dest.local] < 0) S.index[t->dest.local] = ndropped++;
    for (int j = 0; j < b->blocks.data[i].stmts.len; j++)
      if (b->blocks.data[i].stmts.data[j].rv.nops + 2 > maxops) maxops = b->blocks.data[i].stmts.data[j].rv.nops + 2;
  }
  if (!ndropped) {
    scratch_release(mark);
    return;
  }
  S.words = (ndropped + 63) / 64;
  S.mi = bits_new(S.words * nb);
  S.mu = bits_new(S.words * nb);
  Operand **ops = scratch_alloc(sizeof(Operand *) * maxops);
  Word *mi = bits_new(S.words), *mu = bits_new(S.words), *umi = bits_new(S.words), *umu = bits_new(S.words);
  // On entry every dropped local is uninitialized but the parameters.
  for (int l = 0; l < nl; l++)
    if (S.index[l] >= 0) bit_set(l >= 1 && l <= b->nparams ? S.mi : S.mu, S.index[l]);
  for (bool changed = true; changed;) {
    changed = false;
    for (int i = 0; i < nb; i++) {
      memcpy(mi, S.mi + (size_t)i * S.words, sizeof(Word) * S.words);
      memcpy(mu, S.mu + (size_t)i * S.words, sizeof(Word) * S.words);
      block_effect(&S, i, mi, mu, ops);
      Terminator *t = &b->blocks.data[i].term;
      switch (t->kind) {
      case TERM_CALL:
        if (t->unwind >= 0) changed |= flow_into(&S, t->unwind, mi, mu);
        if (t->target >= 0) {
          init_local(&S, mi, mu, t->dest);
          changed |= flow_into(&S, t->target, mi, mu);
        }
        break;
      case TERM_ASSERT:
        if (t->unwind >= 0) changed |= flow_into(&S, t->unwind, mi, mu);
        changed |= flow_into(&S, t->target, mi, mu);
        break;
      case TERM_DROP:
        if (!t->dest.nproj) {  // dropped: uninitialized after, whatever it was
          bit_clear(mi, S.index[t->dest.local]);
          bit_set(mu, S.index[t->dest.local]);
        }
        changed |= flow_into(&S, t->target, mi, mu);
        break;
      case TERM_GOTO: changed |= flow_into(&S, t->target, mi, mu); break;
      case TERM_SWITCH:
        for (int k = 0; k <= t->nvalues; k++) changed |= flow_into(&S, t->targets[k], mi, mu);
        break;
      default: break;
      }
    }
  }
  // Each drop of a whole local, by the state where it reads the flag.
  for (int i = 0; i < nb; i++) {
    Terminator *t = &b->blocks.data[i].term;
    if (t->kind != TERM_DROP || t->dest.nproj || t->rest_from >= 0) continue;
    memcpy(umi, S.mi + (size_t)i * S.words, sizeof(Word) * S.words);
    memcpy(umu, S.mu + (size_t)i * S.words, sizeof(Word) * S.words);
    block_effect(&S, i, umi, umu, ops);
    int bitno = S.index[t->dest.local];
    if (!bit(umi, bitno)) *t = (Terminator){.kind = TERM_GOTO, .target = t->target, .span = t->span};
    else if (!bit(umu, bitno)) t->unconditional = true;
  }
  scratch_release(mark);
}
