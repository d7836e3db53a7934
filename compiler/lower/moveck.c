// moveck.c — initialization and moves, on MIR: a place may only be read where it certainly
// holds a value. Reading a variable declared without one (`let x;`) is E0381; reading a value
// after it was moved out is E0382, which in memory is a read of what its new owner may already
// have freed (a String moved into a function that dropped it).
//
// The model is rustc's MoveData with its two dataflow analyses, on the MIR as lowered:
//
//   1. Move paths. Every user variable (a named local: parameters, `let` bindings, a closure's
//      by-value captures) is tracked, and so is every part of it the body names through fields
//      and enum variants: `p`, `p.a`, `(o as Some).0`. The paths of a variable form a tree.
//   2. Forward dataflow, one bit per path: maybe uninitialized (moved out, or never given a
//      value) and maybe initialized. A move of a path, or the end of a variable's storage,
//      makes the path and all below it uninitialized; an assignment to it initializes all of
//      it. A reference is never moved here: passing a `&mut` on reborrows it where rustc would.
//   3. At each read of a place (an operand, a borrow, a discriminant or length) its path and
//      the paths above it must be initialized, and for a read of the whole path also the paths
//      below it (a partial move leaves a value that can no longer be used whole). An
//      assignment into part of a variable (`p.a = ..`) needs the paths above it.
//   4. A failure is E0382 when a move reaches the read, else E0381. The moves are found as
//      rustc finds them, walking back from the read through predecessors until a move or an
//      assignment of the path; a move reached only around a loop's back edge (an edge into a
//      block that dominates its source) was made "in previous iteration of loop".
//
// A statement is checked operand by operand, each move taking effect before the next operand
// is read, so `f(s, s)` moves s twice.
#include "lower/dataflow.h"

#include <stdlib.h>

typedef struct {
  Place place;     // a local, then field and variant projections
  int parent;      // the path this one is a part of, or -1: a variable
  int first_child, next_sibling;  // -1: none
} MovePath;

// How a read found a path uninitialized.
typedef enum { READ_USE, READ_BORROW, READ_ASSIGN_PART } ReadKind;

typedef struct {
  Span span;
  ReadKind kind;
  int used;        // the path read
  int missing;     // the path found uninitialized: used, above it, or below it (a partial move)
  int bi, j;       // where
  int local;
  bool closure;    // a closure's capture by reference
  bool maybe_init; // missing may have a value there (on some path)
  int op;          // the operand of the statement that read it (moves by earlier ones count)
} Failure;

typedef struct {
  int path, bi, j;
  bool back_edge;
  bool earlier;    // an earlier operand of the very statement that reads it: `f(s, s)`
} MoveSite;

typedef struct {
  Body *b;
  VEC(MovePath) paths;
  int *root;                   // per local: its path, or -1 when not tracked
  int words;                   // words per path set
  Word *mu, *mi;               // per block on entry: maybe uninitialized, maybe initialized
  bool *seen;                  // per block: reached from the entry
  VEC(Failure) failures;
  MirDominators dom;           // the body's dominators (computed for reports)
  int **preds;                 // per block: its predecessors (for reports)
  int *npreds;
  Word *cur_mi;                // while checking: maybe initialized, where the check is
  int cur_op;                  // ... and the operand being read (as Failure.op)
} Mck;

// ---------------------------------------------------------------------------------------------
// Move paths

static bool same_proj(Proj a, Proj b) { return a.kind == b.kind && a.field == b.field; }

// (A constant index from the start is an array's element: one from a slice is behind a deref.)
static bool is_move_proj(Proj p) { return mir_is_move_proj(p); }

// The path of p as far as it goes through fields and variants, creating the paths on the way
// when create is set (else the deepest one that exists). -1: p's local is not tracked.
static int path_of(Mck *M, Place p, bool create, int *consumed) {
  int cur = M->root[p.local];
  int i = 0;
  for (; cur >= 0 && i < p.nproj && is_move_proj(p.proj[i]); i++) {
    int found = M->paths.data[cur].first_child;
    while (found >= 0 && !same_proj(M->paths.data[found].place.proj[i], p.proj[i])) found = M->paths.data[found].next_sibling;
    if (found < 0) {
      if (!create) break;
      found = M->paths.len;
      int sibling = M->paths.data[cur].first_child;
      vec_push(&M->paths, ((MovePath){{p.local, p.proj, i + 1}, cur, -1, sibling}));
      M->paths.data[cur].first_child = found;
    }
    cur = found;
  }
  if (consumed) *consumed = i;
  return cur;
}

// Is a equal to b or above it?
static bool path_covers(Mck *M, int a, int b) {
  for (; b >= 0; b = M->paths.data[b].parent)
    if (a == b) return true;
  return false;
}

// A move out of a tracked path, made by statement st (NULL: by a terminator). A `&mut` is
// moved only where rustc is sure to move it rather than reborrow: into a variable of no
// written type (`let b = a;`), into a closure, and into a generic parameter; elsewhere trc's MIR says `move` where rustc
// reborrows (passing it to a `&mut` parameter).
static bool tracked_move(Mck *M, Operand *o, MirStmt *st) {
  if (o->kind != OPND_MOVE || M->root[o->place.local] < 0 || !mir_is_move_path(o->place)) return false;
  if (ty_resolve(o->ty)->kind != TY_REF || o->moves_ref) return true;
  return st && (st->moves_ref || (st->rv.kind == RV_AGGREGATE && st->rv.agg == AGG_CLOSURE));
}

// The operands a statement reads, in the order they are evaluated.
static int stmt_operands(MirStmt *st, Operand **out) {
  Rvalue *rv = &st->rv;
  int n = 0;
  switch (rv->kind) {
  case RV_USE: case RV_CAST: case RV_UNARY: case RV_REPEAT: out[n++] = &rv->a; break;
  case RV_BINARY: case RV_CHECKED: out[n++] = &rv->a; out[n++] = &rv->b; break;
  case RV_AGGREGATE:
    for (int i = 0; i < rv->nops && n < 64; i++) out[n++] = &rv->ops[i];
    break;
  default: break;
  }
  return n;
}

static int term_operands(Terminator *t, Operand **out) {
  int n = 0;
  if (t->kind == TERM_CALL)
    for (int i = 0; i < t->nargs && n < 64; i++) out[n++] = &t->args[i];
  if (t->kind == TERM_SWITCH || t->kind == TERM_ASSERT) out[n++] = &t->discr;
  return n;
}

// Paths are made for what the body moves out of or assigns, as rustc makes them; a read of a
// place deeper than any path is a read of the deepest path it goes through.
static void note_move(Mck *M, Operand *o) {
  if (o->kind == OPND_MOVE && M->root[o->place.local] >= 0 && mir_is_move_path(o->place)) path_of(M, o->place, true, NULL);
}

static void note_assign(Mck *M, Place p) {
  if (M->root[p.local] >= 0 && mir_is_move_path(p)) path_of(M, p, true, NULL);
}

static void collect_paths(Mck *M) {
  Body *b = M->b;
  M->root = arena_alloc(sizeof(int) * b->locals.len);
  for (int l = 0; l < b->locals.len; l++) {
    M->root[l] = -1;
    if ((!b->locals.data[l].name && !b->locals.data[l].scrutinee) || l == 0) continue;
    M->root[l] = M->paths.len;
    vec_push(&M->paths, ((MovePath){{l, NULL, 0}, -1, -1, -1}));
  }
  Operand *ops[66];
  for (int bi = 0; bi < b->blocks.len; bi++) {
    BasicBlock *bb = &b->blocks.data[bi];
    if (bb->is_cleanup) continue;
    for (int j = 0; j < bb->stmts.len; j++) {
      MirStmt *st = &bb->stmts.data[j];
      if (st->kind != STMT_ASSIGN) continue;
      note_assign(M, st->place);
      int n = stmt_operands(st, ops);
      for (int i = 0; i < n; i++) note_move(M, ops[i]);
    }
    int n = term_operands(&bb->term, ops);
    for (int i = 0; i < n; i++) note_move(M, ops[i]);
    if (bb->term.kind == TERM_CALL) note_assign(M, bb->term.dest);
  }
  M->words = (M->paths.len + 63) / 64;
}

// ---------------------------------------------------------------------------------------------
// The dataflow

// Path p and everything below it: initialized or not.
static void set_path(Mck *M, Word *mu, Word *mi, int p, bool init) {
  if (init) {
    bit_clear(mu, p);
    bit_set(mi, p);
  } else {
    bit_set(mu, p);
    bit_clear(mi, p);
  }
  for (int c = M->paths.data[p].first_child; c >= 0; c = M->paths.data[c].next_sibling) set_path(M, mu, mi, c, init);
}

// A path below p that may be uninitialized, or -1.
static int uninit_below(Mck *M, Word *mu, int p) {
  for (int c = M->paths.data[p].first_child; c >= 0; c = M->paths.data[c].next_sibling) {
    if (bit(mu, c)) return c;
    int d = uninit_below(M, mu, c);
    if (d >= 0) return d;
  }
  return -1;
}

static void move_out(Mck *M, Word *mu, Word *mi, Operand *o, MirStmt *st) {
  if (tracked_move(M, o, st)) set_path(M, mu, mi, path_of(M, o->place, false, NULL), false);
}

// An assignment of place p: a path (or a whole variable) gets its value.
static void assign_place(Mck *M, Word *mu, Word *mi, Place p) {
  if (M->root[p.local] < 0 || !mir_is_move_path(p)) return;
  set_path(M, mu, mi, path_of(M, p, false, NULL), true);
}

static void stmt_effect(Mck *M, Word *mu, Word *mi, MirStmt *st) {
  if (st->kind == STMT_STORAGE_DEAD || st->kind == STMT_STORAGE_LIVE) {
    if (M->root[st->local] >= 0) set_path(M, mu, mi, M->root[st->local], false);
    return;
  }
  Operand *ops[66];
  int n = stmt_operands(st, ops);
  for (int i = 0; i < n; i++) move_out(M, mu, mi, ops[i], st);
  assign_place(M, mu, mi, st->place);
}

static void term_effect(Mck *M, Word *mu, Word *mi, Terminator *t) {
  Operand *ops[66];
  int n = term_operands(t, ops);
  for (int i = 0; i < n; i++) move_out(M, mu, mi, ops[i], NULL);
  if (t->kind == TERM_CALL) assign_place(M, mu, mi, t->dest);
}

static void compute_init(Mck *M) {
  Body *b = M->b;
  int nb = b->blocks.len, w = M->words;
  M->mu = bits_new(w * nb);
  M->mi = bits_new(w * nb);
  M->seen = arena_alloc(nb);
  memset(M->seen, 0, nb);
  // On entry the parameters hold their values; every other variable is uninitialized.
  for (int k = 0; k < M->paths.len; k++) {
    int l = M->paths.data[k].place.local;
    bit_set(l <= b->nparams ? M->mi : M->mu, k);
  }
  M->seen[0] = true;
  Word *cu = bits_new(w), *ci = bits_new(w);
  for (bool changed = true; changed;) {
    changed = false;
    for (int bi = 0; bi < nb; bi++) {
      BasicBlock *bb = &b->blocks.data[bi];
      if (!M->seen[bi] || bb->is_cleanup) continue;
      memcpy(cu, M->mu + (size_t)w * bi, sizeof(Word) * w);
      memcpy(ci, M->mi + (size_t)w * bi, sizeof(Word) * w);
      for (int j = 0; j < bb->stmts.len; j++) stmt_effect(M, cu, ci, &bb->stmts.data[j]);
      term_effect(M, cu, ci, &bb->term);
      int n;
      const int *succ = successors(&bb->term, &n);
      for (int i = 0; i < n; i++) {
        int to = succ[i];
        if (to < 0 || b->blocks.data[to].is_cleanup) continue;
        bool c = bits_or(M->mu + (size_t)w * to, cu, w);
        c |= bits_or(M->mi + (size_t)w * to, ci, w);
        if (!M->seen[to]) M->seen[to] = c = true;
        changed |= c;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Checking each read

static void fail(Mck *M, Failure f) {
  f.maybe_init = bit(M->cur_mi, f.missing);
  f.op = M->cur_op;
  for (int i = 0; i < M->failures.len; i++) {
    Failure *g = &M->failures.data[i];
    if (g->bi == f.bi && g->j == f.j && g->local == f.local) return;  // one error per statement and variable
  }
  vec_push(&M->failures, f);
}

// The place p read at (bi, j): its path and those above it, and with whole, those below it.
static void check_read(Mck *M, Word *mu, Place p, ReadKind kind, Span sp, int bi, int j, bool closure) {
  if (M->root[p.local] < 0) return;
  int consumed;
  int mp = path_of(M, p, false, &consumed);
  for (int a = mp; a >= 0; a = M->paths.data[a].parent)
    if (bit(mu, a)) {
      fail(M, (Failure){sp, kind, mp, a, bi, j, p.local, closure, false, 0});
      return;
    }
  if (consumed < p.nproj) return;  // read through a reference or an index: only what leads there
  int below = uninit_below(M, mu, mp);
  if (below >= 0) fail(M, (Failure){sp, kind, mp, below, bi, j, p.local, closure, false, 0});
}

// An assignment into p: a part of a variable needs the variable, and writing through a
// reference reads the reference.
static void check_write(Mck *M, Word *mu, Place p, Span sp, int bi, int j) {
  if (M->root[p.local] < 0 || !p.nproj) return;
  for (int i = 0; i < p.nproj; i++)
    if (!is_move_proj(p.proj[i])) {
      check_read(M, mu, (Place){p.local, p.proj, i}, READ_USE, sp, bi, j, false);
      return;
    }
  int mp = path_of(M, p, false, NULL);
  for (int a = M->paths.data[mp].parent; a >= 0; a = M->paths.data[a].parent)
    if (bit(mu, a)) {
      fail(M, (Failure){sp, READ_ASSIGN_PART, mp, a, bi, j, p.local, false, false, 0});
      return;
    }
}

static Span operand_span(Operand *o, Span dflt) { return o->span.hi ? o->span : dflt; }

static void check_operand(Mck *M, Word *mu, Word *mi, Operand *o, MirStmt *st, Span sp, int bi, int j) {
  if (o->kind == OPND_CONST) return;
  check_read(M, mu, o->place, READ_USE, operand_span(o, sp), bi, j, false);
  move_out(M, mu, mi, o, st);
}

// The operands of one statement (st) or terminator (st NULL), left to right: each is read, then
// moved, before the next is read.
static void check_operands(Mck *M, Word *mu, Word *mi, Operand **ops, int n, MirStmt *st, Span sp, int bi, int j) {
  for (int i = 0; i < n; i++) {
    M->cur_op = i;
    check_operand(M, mu, mi, ops[i], st, sp, bi, j);
  }
  M->cur_op = n;
}

static void check_stmt(Mck *M, Word *mu, Word *mi, MirStmt *st, int bi, int j) {
  M->cur_op = 0;
  if (st->kind != STMT_ASSIGN || st->drop_elab) {
    stmt_effect(M, mu, mi, st);
    return;
  }
  Rvalue *rv = &st->rv;
  if (rv->kind == RV_REF && rv->capture && rv->capture_fields) {
    Place base = rv->captured;
    for (int f = 0; f < 64; f++)
      if (rv->capture_fields >> f & 1) {
        Type *ft = mir_field_type(base.nproj ? base.proj[base.nproj - 1].ty : M->b->locals.data[base.local].ty, -1, f);
        check_read(M, mu, mir_project(base, PROJ_FIELD, f, 0, ft), READ_BORROW, st->span, bi, j, true);
      }
  } else if (rv->kind == RV_REF) {
    check_read(M, mu, rv->capture ? rv->captured : rv->place, READ_BORROW, st->place_span.hi ? st->place_span : st->span, bi, j, rv->capture);
  } else if (rv->kind == RV_LEN || rv->kind == RV_DISCRIMINANT) {
    check_read(M, mu, rv->place, READ_USE, st->span, bi, j, false);
  }
  Operand *ops[66];
  check_operands(M, mu, mi, ops, stmt_operands(st, ops), st, st->span, bi, j);
  check_write(M, mu, st->place, st->place_span.hi ? st->place_span : st->span, bi, j);
  assign_place(M, mu, mi, st->place);
}

static void check_term(Mck *M, Word *mu, Word *mi, Terminator *t, int bi, int j) {
  Operand *ops[66];
  check_operands(M, mu, mi, ops, term_operands(t, ops), NULL, t->span, bi, j);
  if (t->kind == TERM_CALL) {
    check_write(M, mu, t->dest, t->span, bi, j);
    assign_place(M, mu, mi, t->dest);
  }
}

static void check_reads(Mck *M) {
  Body *b = M->b;
  int w = M->words;
  Word *cu = bits_new(w), *ci = bits_new(w);
  for (int bi = 0; bi < b->blocks.len; bi++) {
    BasicBlock *bb = &b->blocks.data[bi];
    if (!M->seen[bi] || bb->is_cleanup) continue;
    memcpy(cu, M->mu + (size_t)w * bi, sizeof(Word) * w);
    memcpy(ci, M->mi + (size_t)w * bi, sizeof(Word) * w);
    M->cur_mi = ci;
    for (int j = 0; j < bb->stmts.len; j++) check_stmt(M, cu, ci, &bb->stmts.data[j], bi, j);
    check_term(M, cu, ci, &bb->term, bi, bb->stmts.len);
  }
}

// ---------------------------------------------------------------------------------------------
// Finding the moves that reach a read

static void compute_preds(Mck *M) {
  Body *b = M->b;
  int nb = b->blocks.len;
  M->npreds = arena_alloc(sizeof(int) * nb);
  M->preds = arena_alloc(sizeof(int *) * nb);
  memset(M->npreds, 0, sizeof(int) * nb);
  for (int pass = 0; pass < 2; pass++) {  // count, then fill
    for (int bi = 0; pass && bi < nb; bi++) {
      M->preds[bi] = arena_alloc(sizeof(int) * (M->npreds[bi] + 1));
      M->npreds[bi] = 0;
    }
    for (int bi = 0; bi < nb; bi++) {
      if (!M->seen[bi] || b->blocks.data[bi].is_cleanup) continue;
      int n;
      const int *succ = successors(&b->blocks.data[bi].term, &n);
      for (int i = 0; i < n; i++) {
        int to = succ[i];
        if (to < 0 || b->blocks.data[to].is_cleanup) continue;
        if (pass) M->preds[to][M->npreds[to]] = bi;
        M->npreds[to]++;
      }
    }
  }
}

// The path moved at (bi, j), if one relevant to the read of `used` is: used itself, a path above
// it, or (for a partial move) one below it.
static int move_at(Mck *M, int bi, int j, int used, int limit) {
  BasicBlock *bb = &M->b->blocks.data[bi];
  Operand *ops[66];
  MirStmt *st = NULL;
  int n;
  if (j < bb->stmts.len) {
    st = &bb->stmts.data[j];
    if (st->kind != STMT_ASSIGN) return -1;
    n = stmt_operands(st, ops);
  } else {
    n = term_operands(&bb->term, ops);
  }
  if (limit >= 0 && limit < n) n = limit;
  for (int i = 0; i < n; i++) {
    if (!tracked_move(M, ops[i], st)) continue;
    int p = path_of(M, ops[i]->place, false, NULL);
    if (path_covers(M, p, used) || path_covers(M, used, p)) return p;
  }
  return -1;
}

// Does (bi, j) give `used` (or a path above it) a value?
static bool init_at(Mck *M, int bi, int j, int used) {
  BasicBlock *bb = &M->b->blocks.data[bi];
  Place p;
  if (j < bb->stmts.len) {
    MirStmt *st = &bb->stmts.data[j];
    if (st->kind != STMT_ASSIGN) return false;
    p = st->place;
  } else {
    if (bb->term.kind != TERM_CALL) return false;
    p = bb->term.dest;
  }
  if (M->root[p.local] < 0 || !mir_is_move_path(p)) return false;
  return path_covers(M, path_of(M, p, false, NULL), used);
}

typedef VEC(MoveSite) SiteVec;
typedef VEC(int) IntVec;

// Walks back from statement j of block bi, which is not itself looked at. Returns whether the
// function's entry is reached with no move or assignment on the way.
static bool walk_back(Mck *M, int bi, int j, int used, bool back, bool *visited, SiteVec *out, IntVec *back_edges) {
  IntVec stack = {0};
  bool reached_start = false;
  // Within the first block, from j - 1 down; then whole blocks from their terminator.
  for (int cur = bi, from = j - 1;;) {
    bool stopped = false;
    for (int k = from; k >= 0 && !stopped; k--) {
      int m = move_at(M, cur, k, used, -1);
      if (m >= 0) {
        vec_push(out, ((MoveSite){m, cur, k, back, false}));
        stopped = true;
      } else if (init_at(M, cur, k, used)) {
        stopped = true;
      }
    }
    if (!stopped) {
      if (cur == 0) reached_start = true;
      for (int i = 0; i < M->npreds[cur]; i++) {
        int p = M->preds[cur][i];
        // An edge into a block that dominates its source goes around a loop.
        if (!back && mir_dominates(&M->dom, cur, p)) vec_push(back_edges, p);
        else vec_push(&stack, p);
      }
    }
    cur = -1;
    while (stack.len) {
      int p = stack.data[--stack.len];
      if (!visited[p]) {
        visited[p] = true;
        cur = p;
        break;
      }
    }
    if (cur < 0) break;
    from = M->b->blocks.data[cur].stmts.len;
  }
  return reached_start;
}

static SiteVec find_moves(Mck *M, Failure *f) {
  SiteVec sites = {0};
  int here = move_at(M, f->bi, f->j, f->missing, f->op);
  if (here >= 0) {
    vec_push(&sites, ((MoveSite){here, f->bi, f->j, false, true}));
    return sites;
  }
  int nb = M->b->blocks.len;
  bool *visited = calloc(nb, 1);
  IntVec back_edges = {0};
  bool reached_start = walk_back(M, f->bi, f->j, f->missing, false, visited, &sites, &back_edges);
  // Moves in later iterations of a loop count only when the path is certainly initialized where
  // the loop is entered, as in rustc (else "in previous iteration" would be a wrong story).
  bool param = M->paths.data[f->missing].place.local <= M->b->nparams;
  if (!sites.len && (param || !reached_start))
    for (int i = 0; i < back_edges.len; i++) {
      int p = back_edges.data[i];
      if (visited[p]) continue;
      visited[p] = true;
      walk_back(M, p, M->b->blocks.data[p].stmts.len + 1, f->missing, true, visited, &sites, &back_edges);
    }
  free(visited);
  return sites;
}

// ---------------------------------------------------------------------------------------------
// Reports

// `p.a`, `t.0`, `*b` (a Box's contents; `b.a` for a field of them); NULL for a path through an
// enum variant, which rustc calls "value".
static const char *describe_path(Mck *M, int path) {
  MovePath *mp = &M->paths.data[path];
  Place p = mp->place;
  const char *s = M->b->locals.data[p.local].name;
  if (!s) return NULL;  // a match's temporary
  Type *t = M->b->locals.data[p.local].ty;
  int derefs = 0;
  for (int i = 0; i < p.nproj; i++) {
    if (p.proj[i].kind == PROJ_VARIANT) return NULL;
    if (p.proj[i].kind == PROJ_DEREF) {
      derefs++;
      t = p.proj[i].ty;
      continue;
    }
    derefs = 0;
    Type *rt = ty_resolve(t);
    if (p.proj[i].kind == PROJ_CONST_INDEX) s = arena_printf("%s[..]", s);  // as rustc names an element
    else if (rt->kind == TY_STRUCT && !rt->sdecl->is_enum) s = arena_printf("%s.%s", s, rt->sdecl->fields[p.proj[i].field].name);
    else s = arena_printf("%s.%d", s, p.proj[i].field);
    t = p.proj[i].ty;
  }
  while (derefs--) s = arena_printf("*%s", s);
  return s;
}

// The operand moved at (bi, j) of `path`, and the statement or terminator it is in.
static Operand *moved_operand(Mck *M, int bi, int j, int path, MirStmt **st, Terminator **t) {
  BasicBlock *bb = &M->b->blocks.data[bi];
  Operand *ops[66];
  int n;
  *st = NULL;
  *t = NULL;
  if (j < bb->stmts.len) {
    *st = &bb->stmts.data[j];
    n = stmt_operands(*st, ops);
  } else {
    *t = &bb->term;
    n = term_operands(*t, ops);
  }
  for (int i = 0; i < n; i++)
    if (tracked_move(M, ops[i], *st) && path_of(M, ops[i]->place, false, NULL) == path) return ops[i];
  return NULL;
}

// A method call `recv.m(..)` whose receiver is taken by value: the callee, and in *span the
// `m(..)` part rustc points at.
static FnDecl *self_consuming_call(Terminator *t, Operand *o, Span *span) {
  if (t->kind != TERM_CALL || !t->nargs || o != &t->args[0] || !o->span.hi || o->span.lo != t->span.lo) return NULL;
  if (t->callee.kind != CALLEE_FN && t->callee.kind != CALLEE_TRAIT) return NULL;
  FnDecl *f = t->callee.fn;
  if (!f || f->self_kind != SELF_VALUE) return NULL;
  const char *text = diag_span_text((Span){t->span.file, o->span.hi, t->span.hi});
  uint32_t skip = 0;
  while (text && (text[skip] == '.' || text[skip] == ' ' || text[skip] == '\n' || text[skip] == '\t')) skip++;
  *span = (Span){t->span.file, o->span.hi + skip, t->span.hi};
  return f;
}

static void label_move(Mck *M, Diag *d, MoveSite *ms, Failure *f, bool partial, const char *name) {
  MirStmt *st;
  Terminator *t;
  Operand *o = moved_operand(M, ms->bi, ms->j, ms->path, &st, &t);
  Span sp = o ? operand_span(o, st ? st->span : t->span) : (Span){0};
  bool same = ms->bi == f->bi && ms->j == f->j && !ms->earlier;
  const char *loop = same || ms->back_edge ? ", in previous iteration of loop" : "";
  const char *pm = partial ? "partially " : "";
  Span call;
  FnDecl *callee = t && o ? self_consuming_call(t, o, &call) : NULL;
  const char *who = name ? arena_printf("`%s`", name) : "value";
  if (st && st->rv.kind == RV_AGGREGATE && st->rv.agg == AGG_CLOSURE) {
    diag_secondary(d, diag_closure_head(st->span), "value %smoved into closure here%s", pm, loop);
    FnDecl *cf = ty_resolve(st->rv.ty)->closure;
    int i = (int)(o - st->rv.ops);
    if (cf && i >= 0 && i < cf->ncaptures && cf->captures[i].span.hi)
      diag_secondary(d, cf->captures[i].span, "variable %smoved due to use in closure%s", pm, loop);
  } else if (t && t->kind == TERM_CALL && t->callee.kind == CALLEE_CALLABLE && o == &t->args[0]) {
    diag_secondary(d, t->span, "%s moved due to this call%s", who, loop);
  } else if (st && st->into_iter) {
    diag_secondary(d, sp, "%s %smoved due to this implicit call to `.into_iter()`%s", who, pm, loop);
  } else if (callee) {
    diag_secondary(d, call, "%s %smoved due to this method call%s", who, pm, loop);
    if (callee->impl && !callee->impl->trait && callee->self_span.hi)
      diag_note_at(d, callee->self_span, "`%s::%s` takes ownership of the receiver `self`, which moves %s", ty_name(callee->impl->self_ty), callee->name, who);
  } else if (same) {
    diag_label(d, "value %smoved here%s", pm, loop);
  } else {
    diag_secondary(d, sp, "value %smoved here%s", pm, loop);
  }
}

// A closure that moves a captured variable out of its body: calling it moves it (FnOnce).
static FnDecl *fn_once_closure(Type *t) {
  t = ty_resolve(t);
  return t->kind == TY_CLOSURE && t->closure && t->closure->is_fn_once ? t->closure : NULL;
}

static void note_fn_once(Mck *M, Diag *d, FnDecl *cf, MoveSite *first) {
  for (int i = 0; i < cf->ncaptures; i++)
    if (cf->captures[i].by_value && !cf->captures[i].reborrow && cf->captures[i].span.hi) {
      diag_note_at(d, cf->captures[i].span, "closure cannot be invoked more than once because it moves the variable `%s` out of its environment",
                   cf->captures[i].local->name);
      break;
    }
  MirStmt *st;
  Terminator *t;
  Operand *o = moved_operand(M, first->bi, first->j, first->path, &st, &t);
  if (o && o->span.hi && t && t->callee.kind == CALLEE_CALLABLE)
    diag_note_at(d, o->span, "this value implements `FnOnce`, which causes it to be moved when called");
}

static void report_moved(Mck *M, Failure *f, SiteVec *sites) {
  const char *name = describe_path(M, f->kind == READ_ASSIGN_PART ? f->missing : f->used);
  bool partial = false, loop_move = false;
  for (int i = 0; i < sites->len; i++) {
    MoveSite *ms = &sites->data[i];
    Place mp = M->paths.data[ms->path].place;
    bool box_move = mp.nproj == 1 && mp.proj[0].kind == PROJ_DEREF;  // `*b` moves what b is (as rustc says)
    partial |= f->kind != READ_ASSIGN_PART && ms->path != f->used && path_covers(M, f->used, ms->path) && !box_move;
    loop_move |= ms->bi == f->bi && ms->j == f->j && !ms->earlier;
  }
  static const char *noun[] = {"use", "borrow", "assign to part"}, *verb[] = {"used", "borrowed", "partially assigned"};
  Diag *d = name ? diag_error(f->closure ? diag_closure_head(f->span) : f->span, "E0382", "%s of %smoved value: `%s`", noun[f->kind], partial ? "partially " : "", name)
                 : diag_error(f->closure ? diag_closure_head(f->span) : f->span, "E0382", "%s of %smoved value", noun[f->kind], partial ? "partially " : "");
  // What the first move took, and why that was a move and not a copy.
  MovePath *moved = &M->paths.data[sites->data[0].path];
  Type *ty = moved->place.nproj ? moved->place.proj[moved->place.nproj - 1].ty : M->b->locals.data[moved->place.local].ty;
  const char *mname = describe_path(M, sites->data[0].path);
  const char *what = mname ? arena_printf("`%s`", mname) : "value";
  FnDecl *once = fn_once_closure(ty);
  if (once) {
    note_fn_once(M, d, once, &sites->data[0]);
  } else if (!moved->place.nproj)
    diag_secondary(d, M->b->locals.data[moved->place.local].span, "%smove occurs because %s has type `%s`, which does not implement the `Copy` trait", partial ? "partial " : "", what, ty_name(ty));
  Span seen[16];
  int nseen = 0;
  for (int i = 0; i < sites->len && nseen < 16; i++) {
    MirStmt *st;
    Terminator *t;
    Operand *o = moved_operand(M, sites->data[i].bi, sites->data[i].j, sites->data[i].path, &st, &t);
    Span sp = o ? operand_span(o, st ? st->span : t->span) : (Span){0};
    bool dup = false;
    for (int k = 0; k < nseen; k++) dup |= seen[k].lo == sp.lo && seen[k].hi == sp.hi;
    if (dup) continue;
    seen[nseen++] = sp;
    label_move(M, d, &sites->data[i], f, partial, describe_path(M, sites->data[i].path));
  }
  if (!loop_move) diag_label(d, "value %s here after %smove", verb[f->kind], partial ? "partial " : "");
  Span in_closure = f->closure ? capture_use(&M->b->blocks.data[f->bi], f->j) : (Span){0};
  if (in_closure.hi) diag_secondary(d, in_closure, "borrow occurs due to use in closure");
  if (moved->place.nproj)
    diag_note(d, "%smove occurs because %s has type `%s`, which does not implement the `Copy` trait", partial ? "partial " : "", what, ty_name(ty));
  diag_defer(d, DEFER_USE_MOVED);
}

static void report_uninit(Mck *M, Failure *f, bool *reported) {
  int l = M->paths.data[f->missing].place.local;
  if (reported[l]) return;
  reported[l] = true;
  const char *name = M->b->locals.data[l].name;
  Diag *d;
  if (f->kind == READ_ASSIGN_PART) {
    d = diag_error(f->span, "E0381", "partially assigned binding `%s` isn't fully initialized", name);
    diag_secondary(d, M->b->locals.data[l].span, "binding declared here but left uninitialized");
    diag_label(d, "`%s` partially assigned here but it isn't fully initialized", name);
    diag_help(d, "partial initialization isn't supported, fully initialize the binding with a default value and mutate it, or use `std::mem::MaybeUninit`");
  } else {
    bool maybe = f->maybe_init;
    const char *state = maybe ? "is possibly-uninitialized" : "isn't initialized";
    d = diag_error(f->span, "E0381", "used binding `%s` %s", name, state);
    diag_secondary(d, M->b->locals.data[l].span, "binding declared here but left uninitialized");
    diag_label(d, "`%s` used here but it %s", name, state);
  }
  diag_defer(d, DEFER_USE_MOVED);
}

// Failures are taken in rustc's order, which decides which of two reads of one moved value is
// the one reported: blocks in reverse postorder of a depth-first walk that takes a block's
// last successor first, then statements in order.
static int *block_order;

static int in_rustc_order(const void *a, const void *b) {
  const Failure *x = a, *y = b;
  if (x->bi != y->bi) return block_order[x->bi] - block_order[y->bi];
  if (x->j != y->j) return x->j - y->j;
  return x->op - y->op;
}

static void compute_order(Mck *M, int *order) {
  int nb = M->b->blocks.len, n = 0;
  int *stack = malloc(sizeof(int) * nb * 2), *next = calloc(nb, sizeof(int));
  bool *seen = calloc(nb, 1);
  int sp = 0;
  stack[sp++] = 0;
  seen[0] = true;
  for (int b = 0; b < nb; b++) order[b] = nb;  // unreachable: last
  int *post = malloc(sizeof(int) * nb);
  while (sp) {
    int top = stack[sp - 1], ns = 0;
    const int *succ = M->b->blocks.data[top].is_cleanup ? NULL : successors(&M->b->blocks.data[top].term, &ns);
    if (next[top] < ns) {
      int to = succ[ns - 1 - next[top]++];
      if (to >= 0 && !seen[to] && !M->b->blocks.data[to].is_cleanup) {
        seen[to] = true;
        stack[sp++] = to;
      }
      continue;
    }
    post[n++] = top;
    sp--;
  }
  for (int i = 0; i < n; i++) order[post[i]] = n - 1 - i;
  free(stack);
  free(next);
  free(seen);
  free(post);
}

static bool same_sites(SiteVec *a, SiteVec *b) {
  if (a->len != b->len) return false;
  for (int i = 0; i < a->len; i++) {
    bool found = false;
    for (int k = 0; k < b->len && !found; k++)
      found = a->data[i].bi == b->data[k].bi && a->data[i].j == b->data[k].j && a->data[i].path == b->data[k].path;
    if (!found) return false;
  }
  return true;
}

typedef struct {
  Failure f;
  SiteVec sites;
} Pending;

// One error per set of moves that reach a read, as rustc reports them: a value moved once and
// then read three times is one error, at the first read. A later read of a deeper path with the
// same moves takes the error over: after `if let Some(s) = o`, the next `if let Some(t) = o`
// is reported where it moves the payload again, not where it reads o's variant.
static void report_failures(Mck *M) {
  block_order = malloc(sizeof(int) * M->b->blocks.len);
  compute_order(M, block_order);
  qsort(M->failures.data, M->failures.len, sizeof(Failure), in_rustc_order);
  free(block_order);
  compute_preds(M);
  M->dom = mir_dominators(M->b);
  bool *reported = calloc(M->b->locals.len, 1);
  VEC(Pending) pending = {0};
  for (int i = 0; i < M->failures.len; i++) {
    Failure *f = &M->failures.data[i];
    SiteVec sites = find_moves(M, f);
    if (!sites.len) {
      report_uninit(M, f, reported);
      continue;
    }
    int k = 0;
    while (k < pending.len && !same_sites(&pending.data[k].sites, &sites)) k++;
    if (k == pending.len) vec_push(&pending, ((Pending){*f, sites}));
    else if (!path_covers(M, f->used, pending.data[k].f.used)) pending.data[k] = (Pending){*f, sites};
  }
  for (int k = 0; k < pending.len; k++) report_moved(M, &pending.data[k].f, &pending.data[k].sites);
  free(reported);
}

static void check_body_moves(Body *b) {
  Mck M = {.b = b};
  collect_paths(&M);
  if (!M.paths.len) return;
  compute_init(&M);
  check_reads(&M);
  if (M.failures.len) report_failures(&M);
}

void mir_moveck(Body *b) {
  if (!b->blocks.len) return;
  ScratchMark mark = scratch_mark();
  check_body_moves(b);
  scratch_release(mark);
}
