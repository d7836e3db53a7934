// lower.c — the checked AST of one function body to MIR (see mir.h for the IR).
//
// Lowering follows rustc's `build` module in miniature. An expression is lowered in one of
// three ways, chosen by who consumes it:
//
//   lower_into(L, dest, e)   evaluate e and write its value to the place dest;
//   lower_operand(L, e)      evaluate e into something a statement can read: a constant, a
//                            copy or move of a place (a temporary if e is not a place);
//   lower_place(L, e)        the place that e denotes (`x`, `(*p).f`, `a[i]`), or a temporary
//                            holding e's value when e is not a place expression.
//
// Control flow builds blocks as it goes: L->cur is the block being filled. A diverging
// expression (return, break, a call to a `-> !` function) terminates it and continues in a
// fresh block that nothing reaches; `remove_dead_blocks` drops those at the end, as rustc's
// SimplifyCfg does.
//
// Drops follow scopes. `L->drops` is a stack of the values the frame owns right now, pushed
// when a variable or temporary that needs dropping is created; a scope remembers the stack's
// height and, when it ends, emits `drop` for everything above it and pops it (`pop_to`). A
// `break`, `continue` or `return` emits the drops down to its target's height without popping
// (`exit_to`): the fall-through path still owns those values. The unwind target of a call is
// a chain of cleanup blocks, one per entry of the stack, each dropping its value and going on
// to the one below, ending in `resume`; an entry builds its block once, when a call first
// needs it, so calls under the same scopes share one chain.
//
// Two kinds of temporaries outlive the scope they are made in, as Rust 2021 has it. Those of
// a block's tail expression outlive the block's variables: the block drops its variables and
// leaves them to the enclosing terminating scope (a statement, an `if` or `match` arm, a loop
// body, a condition, an operand of `&&`/`||`), which `pop_to` ends. And those a `let` extends
// (`let r = &make();`, `let v = View { n: &make().name }`) live as long as the variable:
// marked `extended`, they survive every scope until their `let` ends, which moves them below
// the variable, to be dropped after it.
//
// A move out of a part of a value (a field, an enum's payload bound by a pattern) is an
// ordinary `move` of a projected place here; elaborate.c then splits the drops of that value
// into drops of what is left, under drop flags (lower_body runs it on every body).
//
// A closure is lowered twice over: where it is written, as an aggregate of its captures (a
// reference per by-ref capture, the value of a `move` one), and as a body of its own whose
// _1 is a reference to that environment (`var_place` reaches a capture through it). A call of
// any value (closure, fn pointer, `dyn Fn`, `F: Fn`) is one CALLEE_CALLABLE call, resolved
// per instance by codegen (codegen/call.c).
//
// What the checker accepts and this file cannot lower is reported by `unsupported()`, which
// abandons the body (a longjmp back to lower_fn). Nothing in the test suite, the examples or
// the fuzzers' programs reaches it; it exists so that a gap is an error, never wrong code.
#include "lower/lower.h"

#include <setjmp.h>
#include <string.h>

typedef struct {
  Place place;            // a local
  int cleanup;            // its block on the unwinding path, or -1 until a call needs it
  int rest_from;          // a by-value `for` loop's Vec: see Terminator.rest_from; else -1
  bool extended;          // a temporary that a `let` in progress extends
} DropEntry;

typedef struct LoopScope {
  Expr *loop_expr;
  int brk, cont;          // blocks
  int drops;              // the drop stack's height outside the loop
  Place result;           // `loop` with `break value`
  bool has_result;
  struct LoopScope *outer;
} LoopScope;

typedef struct {
  Crate *crate;
  bool overflow_checks;
  FnDecl *fn;
  Body *b;
  int cur;                // the block being filled
  int *local_of;          // Local->index -> MIR local
  Place *alias;           // Local->index -> the place a guard reads for a binding not yet made
  bool *has_alias;
  int *capture_local;     // in a closure: per capture, the local an FnOnce body moved it to, or -1
  LoopScope *loop;
  VEC(DropEntry) drops;   // what the frame owns now, in order of creation
  VEC(Expr *) extend;     // expressions whose temporaries the `let`s in progress extend
  int resume;             // the `resume` block, once made
  int last_call;          // the block the last call terminated
  bool mut_place;         // the place being lowered will be written or borrowed `&mut`
  Span at;                // the expression being lowered, for `unsupported`
  jmp_buf bail;
} Lower;

// A construct the checker accepts and lowering does not know: an error for the user (trc
// has no other way to compile a body), and the body is abandoned.
_Noreturn static void unsupported(Lower *L, const char *why) {
  L->b->unsupported = why;
  // A program sema already found ownership errors in (which wait for the borrow checker's, to
  // be printed in order) is lowered only for those: what trc cannot compile in it is moot,
  // and may be exactly what the error is about (a move out of a type with Drop).
  if (!diag_deferred_count()) error_at(L->at.hi ? L->at : L->fn->span, NULL, "trc cannot compile this yet: %s", why);
  longjmp(L->bail, 1);
}

// ---------------------------------------------------------------------------------------------
// Building blocks

static int new_local(Lower *L, Type *ty, const char *name, bool mut, Span sp) {
  vec_push(&L->b->locals, (MirLocal){.name = name, .ty = ty, .mut = mut, .span = sp});
  return L->b->locals.len - 1;
}

static int new_block(Lower *L) {
  vec_push(&L->b->blocks, (BasicBlock){0});
  return L->b->blocks.len - 1;
}

static BasicBlock *cur_block(Lower *L) { return &L->b->blocks.data[L->cur]; }

static void push_stmt(Lower *L, MirStmt s) { vec_push(&cur_block(L)->stmts, s); }

static void terminate(Lower *L, Terminator t) {
  BasicBlock *bb = cur_block(L);
  bb->term = t;
  bb->terminated = true;
}

static void go_to(Lower *L, int target) {
  terminate(L, (Terminator){.kind = TERM_GOTO, .target = target});
}

// After a diverging terminator: what follows is built in a block nothing jumps to.
static void continue_unreachable(Lower *L) { L->cur = new_block(L); }

static Place local_place(int local) { return (Place){.local = local}; }

static Type *place_ty(Lower *L, Place p) {
  return p.nproj ? p.proj[p.nproj - 1].ty : L->b->locals.data[p.local].ty;
}

static Place project(Place p, ProjKind kind, int field, int local, Type *ty) { return mir_project(p, kind, field, local, ty); }

static void assign(Lower *L, Place dest, Rvalue rv, Span sp) {
  push_stmt(L, (MirStmt){.kind = STMT_ASSIGN, .place = dest, .rv = rv, .span = sp});
}

static Operand const_int(Type *ty, uint64_t v) {
  return (Operand){.kind = OPND_CONST, .c = {.kind = CONST_INT, .i = v}, .ty = ty};
}

// A constant of any integer type, i128 and u128 included: v is taken modulo 2^bits.
static Operand const_wide(Type *ty, Wide v) {
  Type *t = ty_resolve(ty);
  if (t->kind == TY_INT && t->bits < 128) v &= ((Wide)1 << t->bits) - 1;
  Operand o = const_int(ty, (uint64_t)v);
  if (t->kind == TY_INT && t->bits == 128) o.c.hi = (uint64_t)(v >> 64);
  return o;
}


static Operand const_unit(Type *ty) { return (Operand){.kind = OPND_CONST, .c = {.kind = CONST_UNIT}, .ty = ty}; }

// A move out of a part of a value (`s.name`, the payload of an enum) leaves the rest of it
// to be dropped on its own: elaborate.c splits the value's drop into its parts. Only fields
// and variants of a local can be moved out of so (not through a reference or a Box, not out
// of a type with a Drop impl).
// Whether the part p of a local can be moved out on its own: only fields and variants, of no
// type with a destructor on the way.
static bool partly_movable(Lower *L, Place p) {
  if (!mir_is_move_path(p)) return false;
  Type *t = L->b->locals.data[p.local].ty;
  for (int i = 0; i < p.nproj; i++) {
    Type *rt = ty_resolve(t);
    if (rt->kind == TY_STRUCT && rt->sdecl->drop_impl) return false;
    t = p.proj[i].ty;
  }
  return true;
}

static void check_partial_move(Lower *L, Place p, const char *what) {
  if (!partly_movable(L, p)) unsupported(L, what);
}

// Copy in this body: a type parameter is Copy when its bounds say so (`T: Copy`).
static bool is_copy(Lower *L, Type *t) { return type_is_copy_in(L->crate, t, L->fn->env); }

// Reading a place: Copy types are copied, anything else is moved out.
static Operand use_place(Lower *L, Place p) {
  Type *t = place_ty(L, p);
  bool copy = is_copy(L, t);
  if (p.nproj && !copy && ty_needs_drop(t)) check_partial_move(L, p, "a move out of a part of a value");
  return (Operand){.kind = copy ? OPND_COPY : OPND_MOVE, .place = p, .ty = t};
}

static Rvalue rv_use(Operand o) { return (Rvalue){.kind = RV_USE, .a = o, .ty = o.ty}; }

static Operand *operand_box(Operand o) {
  Operand *p = arena_alloc(sizeof *p);
  *p = o;
  return p;
}

// ---- drops ----

static void schedule_drop(Lower *L, int local) {
  if (ty_needs_drop(L->b->locals.data[local].ty)) vec_push(&L->drops, (DropEntry){local_place(local), -1, -1, false});
}

static void drop_rest(Lower *L, Place p, int rest_from, Span sp) {
  int next = new_block(L);
  terminate(L, (Terminator){.kind = TERM_DROP, .dest = p, .rest_from = rest_from, .target = next, .unwind = -1, .span = sp});
  L->cur = next;
}

// The old value of a place about to be assigned (the borrow checker tells it from a scope's end).
static void drop_place(Lower *L, Place p, Span sp) {
  int at = L->cur;
  drop_rest(L, p, -1, sp);
  L->b->blocks.data[at].term.replace = true;
}

// Drops what the frame owns above `height`, newest first, keeping it scheduled.
static void exit_to(Lower *L, int height, Span sp) {
  for (int i = L->drops.len - 1; i >= height; i--) drop_rest(L, L->drops.data[i].place, L->drops.data[i].rest_from, sp);
}

// Forgets the entries [height, top) after their drops: what lies above top (a block's tail
// temporaries) and extended temporaries stay owned and move down to height, where their cleanup
// blocks, which chained to what is gone, are rebuilt.
static void forget_range(Lower *L, int height, int top) {
  int kept = height;
  for (int i = height; i < L->drops.len; i++) {
    if (i < top && !L->drops.data[i].extended) continue;
    DropEntry d = L->drops.data[i];
    d.cleanup = -1;
    L->drops.data[kept++] = d;
  }
  L->drops.len = kept;
}

// Ends the scope of the entries [height, top): drops them, newest first, and forgets them.
// Drops the entries [lo, hi), newest first, but extended temporaries (which outlive the scope).
static void drop_entries(Lower *L, int lo, int hi, Span sp) {
  for (int i = hi - 1; i >= lo; i--)
    if (!L->drops.data[i].extended) drop_rest(L, L->drops.data[i].place, L->drops.data[i].rest_from, sp);
}

static void pop_range(Lower *L, int height, int top, Span sp) {
  drop_entries(L, height, top, sp);
  forget_range(L, height, top);
}

// Ends a scope: drops what it owns and forgets it.
static void pop_to(Lower *L, int height, Span sp) { pop_range(L, height, L->drops.len, sp); }

// Where a panic at this point unwinds to: the cleanup chain of the drop stack, or the caller.
static int unwind_target(Lower *L) {
  if (!L->drops.len) return -1;
  int saved = L->cur;
  for (int i = 0; i < L->drops.len; i++) {
    if (L->drops.data[i].cleanup >= 0) continue;
    int below = i ? L->drops.data[i - 1].cleanup : L->resume;
    if (below < 0) {  // the first cleanup block needs the resume at the end of the chain
      L->resume = below = new_block(L);
      L->b->blocks.data[below].is_cleanup = true;
      L->cur = below;
      terminate(L, (Terminator){.kind = TERM_RESUME});
    }
    int bb = new_block(L);
    L->b->blocks.data[bb].is_cleanup = true;
    L->cur = bb;
    terminate(L, (Terminator){.kind = TERM_DROP, .dest = L->drops.data[i].place, .rest_from = L->drops.data[i].rest_from, .target = below,
                              .unwind = -1});
    L->drops.data[i].cleanup = bb;
  }
  L->cur = saved;
  return L->drops.data[L->drops.len - 1].cleanup;
}

// A temporary: dropped when the enclosing scope (usually the statement) ends, unless moved.
static Place temp(Lower *L, Type *ty, Span sp) {
  int t = new_local(L, ty, NULL, true, sp);
  schedule_drop(L, t);
  return local_place(t);
}

// The value of an operand in a temporary, for rvalues that need a place.
static Place operand_to_place(Lower *L, Operand o, Span sp) {
  if (o.kind != OPND_CONST) return o.place;
  Place t = temp(L, o.ty, sp);
  assign(L, t, rv_use(o), sp);
  return t;
}

static bool is_never(Type *t) { return ty_resolve(t)->kind == TY_NEVER; }
static bool is_unit(Type *t) { return ty_resolve(t)->kind == TY_UNIT; }

// The type an expression's own code produces, before the checker's coercion.
static Type *raw_ty(Expr *e) { return e->coerce ? e->coerce_from : e->ty; }

static void assert_cond(Lower *L, Operand cond, bool expected, const char *msg, Span sp) {
  int ok = new_block(L);
  int uw = unwind_target(L);
  terminate(L, (Terminator){.kind = TERM_ASSERT, .discr = cond, .expected = expected, .msg = msg, .target = ok, .unwind = uw, .span = sp});
  L->cur = ok;
}

// ---------------------------------------------------------------------------------------------
// Expressions

static void lower_into(Lower *L, Place dest, Expr *e);
static Operand lower_operand(Lower *L, Expr *e);
static Place lower_place(Lower *L, Expr *e);
static Place lower_place_mut(Lower *L, Expr *e, bool mut);
static void emit_call(Lower *L, Place dest, Callee callee, Operand *args, int nargs, Type *ret, Span sp, Span caller);
static void lower_block_into(Lower *L, Place dest, Block *blk);
static void lower_scoped_block(Lower *L, Place dest, Block *blk);
static Operand lower_condition(Lower *L, Expr *e);

static bool is_place_kind(Expr *e);
static bool is_place_expr(Expr *e) { return !e->coerce && is_place_kind(e); }
static Place var_place(Lower *L, Local *l, Span sp);

// `*p` for a place p of pointer type (a reference or a Box).
static Place deref(Lower *L, Place p, Span sp) {
  Type *t = ty_resolve(place_ty(L, p));
  // A Vec derefs to the slice of its elements, and so does the slice iterator trc builds
  // for `.iter()` (what it has left to visit).
  if (t->kind == TY_VEC || t->kind == TY_ITER) return project(p, PROJ_DEREF, 0, 0, ty_slice(t->inner));
  if (t->kind == TY_STRING) return project(p, PROJ_DEREF, 0, 0, ty_str);  // a String to its str
  Type *in = ty_pointee(t);
  if (!in) ice(sp, "deref of non-pointer `%s` in MIR lowering", ty_name(t));
  if (t->kind == TY_BOX && ty_is_sized(in)) return mir_box_contents(p, t);
  return project(p, PROJ_DEREF, 0, 0, in);
}

static Place autoderef(Lower *L, Place p, int n, Span sp) {
  for (int i = 0; i < n; i++) p = deref(L, p, sp);
  return p;
}

static Operand index_operand(Lower *L, Expr *idx) { return lower_operand(L, idx); }

// The array or slice that e (base[i] or base[a..b]) indexes, after the checker's autoderefs and
// a Vec's deref to its elements. *vec: a Vec was indexed, which rustc reports at the brackets
// when out of bounds (an array or slice at the whole expression).
static Place index_base(Lower *L, Expr *e, bool *vec) {
  Place base = lower_place(L, e->lhs);
  *vec = false;
  for (int i = 0; i < e->autoderefs; i++) {
    *vec |= ty_resolve(place_ty(L, base))->kind == TY_VEC;
    base = deref(L, base, e->span);
  }
  if (ty_resolve(place_ty(L, base))->kind == TY_VEC) {
    *vec = true;
    base = deref(L, base, e->span);
  }
  return base;
}

static void lower_range_borrow(Lower *L, Place dest, Expr *e);

// The place of `base[a..b]`: `*r` where r is the reference `&base[a..b]` (`&mut` when the
// place is written or borrowed mutably), as rustc's `*Index::index(&base, a..b)`.
static Place lower_range_place(Lower *L, Expr *e) {
  Expr *borrow = arena_alloc(sizeof(Expr));
  *borrow = (Expr){.kind = EX_UNARY, .op = TK_AMP, .mut = L->mut_place, .sub = e, .span = e->span, .ty = ty_ref(e->ty, L->mut_place)};
  Place r = temp(L, borrow->ty, e->span);
  lower_range_borrow(L, r, borrow);
  return deref(L, r, e->span);
}

// base[i]: the bounds check is an assert before the projection, as in rustc.
// A place expression as its variable and field path: `self.slots` is (self, [slots]).
static int field_chain(Expr *e, Local **root, int *fields, int max) {
  int n = 0;
  Expr *chain[16];
  while (e->kind == EX_FIELD && n < 16) chain[n++] = e, e = e->sub;
  if (e->kind != EX_PATH || e->res != RES_LOCAL || n > max) return -1;
  *root = e->local;
  for (int i = 0; i < n; i++) fields[i] = chain[n - 1 - i]->field_index;
  return n;
}

// Whether e reads a place that overlaps `base` (the same variable, one field path a prefix of
// the other): `v.len()` or `v` for v, `self.slots.len()` or `self.cap()` for self.slots.
static bool reads_overlapping(Expr *e, Local *root, int *fields, int n) {
  if (!e) return false;
  Local *r;
  int f[16];
  int m = field_chain(e, &r, f, 16);
  if (m >= 0) {  // one place, read as a whole
    bool prefix = r == root;
    for (int i = 0; i < m && i < n; i++) prefix &= f[i] == fields[i];
    return prefix;
  }
  if (reads_overlapping(e->sub, root, fields, n) || reads_overlapping(e->lhs, root, fields, n) || reads_overlapping(e->rhs, root, fields, n))
    return true;
  for (int i = 0; i < e->nargs; i++)
    if (reads_overlapping(e->args[i], root, fields, n)) return true;
  return false;
}

// `a[i]` through Index: `*Index::index(&a, i)`, or `*IndexMut::index_mut(&mut a, i)` where the
// place is written or borrowed `&mut` (and the type has IndexMut: else the checker reported it).
static Place overloaded_index(Lower *L, Expr *e) {
  Expr *m = e->overload;
  Type *st = m->self_ty;
  bool mut = L->mut_place && L->crate->index_mut_trait && type_implements(L->crate, st, L->crate->index_mut_trait);
  Place base = autoderef(L, lower_place_mut(L, m->sub, mut), m->autoderefs, e->span);
  Type *at = ty_ref(place_ty(L, base), mut), *rt = ty_ref(raw_ty(e), mut);
  Place a = temp(L, at, e->span), r = temp(L, rt, e->span);
  assign(L, a, (Rvalue){.kind = RV_REF, .place = base, .mut = mut, .ty = at}, e->span);
  Operand *args = arena_alloc(sizeof(Operand) * 2);
  args[0] = (Operand){.kind = OPND_MOVE, .place = a, .ty = at};
  args[1] = lower_operand(L, e->rhs);
  TraitDecl *tr = mut ? L->crate->index_mut_trait : L->crate->index_trait;
  Callee c = {.kind = CALLEE_TRAIT, .fn = trait_find_method(tr, intern_cstr(mut ? "index_mut" : "index"), NULL), .targs = m->fn_targs,
              .ntargs = m->fn_ntargs, .trait = tr, .self_ty = st};
  emit_call(L, r, c, args, 2, rt, e->span, e->name_span.hi ? e->name_span : e->span);  // (a panic is "at" the bracket, as in rustc)
  return deref(L, r, e->span);
}

static Place lower_index(Lower *L, Expr *e) {
  if (e->overload && e->overload->kind == EX_METHOD) return overloaded_index(L, e);  // `*Index::index(&a, i)`
  if (e->overload) return lower_place(L, e->overload);  // `*s.__trc_index(a, b, kind)` on a str
  if (e->rhs->kind == EX_RANGE) return lower_range_place(L, e);
  bool vec;
  Place base = index_base(L, e, &vec);
  Local *root;
  bool pre_borrowed = false;
  int fields[16], nf = vec ? field_chain(e->lhs, &root, fields, 16) : -1;
  if (nf >= 0 && L->mut_place && reads_overlapping(e->rhs, root, fields, nf)) {
    // `v[v.len() - 1] = x` on a Vec is `*IndexMut::index_mut(&mut v, v.len() - 1) = x` in
    // Rust: `&mut v` is taken before the index is computed, so reading v there is E0502.
    Place vp = {base.local, base.proj, base.nproj - 1};
    Type *rt = ty_ref(place_ty(L, vp), true);
    Place r = temp(L, rt, e->span);
    assign(L, r, (Rvalue){.kind = RV_REF, .place = vp, .mut = true, .ty = rt}, e->lhs->span);
    base = deref(L, deref(L, r, e->span), e->span);
    pre_borrowed = true;
  }
  Type *bt = ty_resolve(place_ty(L, base));
  if (bt->kind != TY_ARRAY && bt->kind != TY_SLICE) unsupported(L, "indexing a non-array");
  Operand io = index_operand(L, e->rhs);
  Place ip = operand_to_place(L, io, e->rhs->span);
  if (ip.nproj) {  // the index projection names a local
    Place t = temp(L, ty_usize, e->rhs->span);
    assign(L, t, rv_use(use_place(L, ip)), e->span);
    ip = t;
  }
  Place len = temp(L, ty_usize, e->span);
  // (Its first use, as rustc shows IndexMut's: the `[i]` after the base.)
  Span brackets = e->span;
  brackets.lo = e->lhs->span.hi;
  assign(L, len, (Rvalue){.kind = RV_LEN, .place = base, .ty = ty_usize}, pre_borrowed ? brackets : e->span);
  Place ok = temp(L, ty_bool, e->span);
  assign(L, ok, (Rvalue){.kind = RV_BINARY, .binop = BIN_LT, .a = use_place(L, ip), .b = use_place(L, len), .ty = ty_bool}, e->span);
  int in = new_block(L), uw = unwind_target(L);
  terminate(L, (Terminator){.kind = TERM_ASSERT, .discr = use_place(L, ok), .expected = true, .bounds_check = true,
                            .len = operand_box(use_place(L, len)), .index = operand_box(use_place(L, ip)), .target = in, .unwind = uw,
                            .span = vec ? e->name_span : e->span});
  L->cur = in;
  return project(base, PROJ_INDEX, 0, ip.local, bt->inner);
}

// A `static` (mut or not) is one place, a global computed before main: `COUNTER.fetch_add(1)`
// changes the one AtomicUsize every use sees. (A const is a value, made anew where it is used.)
static bool is_static_item(Expr *e) { return e->kind == EX_PATH && e->res == RES_CONST_ITEM && e->fn && e->fn->is_static; }

static bool is_place_kind(Expr *e) {
  switch (e->kind) {
  case EX_PATH: return e->res == RES_LOCAL || is_static_item(e);
  case EX_FIELD: case EX_INDEX: return true;
  case EX_UNARY: return e->op == TK_STAR;
  default: return false;
  }
}

static Type *env_type(FnDecl *f);

// `p.name` in the body of a closure that moved only p.name in: its environment's field.
static Place moved_capture_field(Lower *L, Expr *e) {
  FnDecl *f = L->fn;
  Expr *b = e->sub;
  if (!f->is_closure || e->autoderefs || b->kind != EX_PATH || b->res != RES_LOCAL || b->local->owner == f) return (Place){.local = -1};
  for (int i = 0; i < f->ncaptures; i++)
    if (f->captures[i].local == b->local && capture_moved_field(f, &f->captures[i]) == e->field_index) {
      if (L->capture_local[i] >= 0) return local_place(L->capture_local[i]);
      Place env = deref(L, local_place(1), e->span);
      return project(env, PROJ_FIELD, i, 0, closure_capture_type(env_type(f), i));
    }
  return (Place){.local = -1};
}

// `*x` through Deref: `*Deref::deref(&x)`, or `*DerefMut::deref_mut(&mut x)` where the place is
// written or borrowed `&mut` (rustc too settles which after type checking).
static Place overloaded_deref(Lower *L, Expr *e) {
  Type *st = raw_ty(e->sub);
  // (Without DerefMut the checker has reported the mutable use: deref then, and go on.)
  bool mut = L->mut_place && L->crate->deref_mut_trait && type_implements(L->crate, st, L->crate->deref_mut_trait);
  Place base = lower_place_mut(L, e->sub, mut);
  st = place_ty(L, base);
  Type *at = ty_ref(st, mut), *rt = ty_ref(raw_ty(e), mut);
  Place a = temp(L, at, e->span), r = temp(L, rt, e->span);
  assign(L, a, (Rvalue){.kind = RV_REF, .place = base, .mut = mut, .ty = at}, e->span);
  Operand *args = arena_alloc(sizeof(Operand));
  args[0] = (Operand){.kind = OPND_MOVE, .place = a, .ty = at};
  TraitDecl *tr = mut ? L->crate->deref_mut_trait : L->crate->deref_trait;
  Type **targs = arena_alloc(sizeof(Type *));
  targs[0] = st;
  Callee c = {.kind = CALLEE_TRAIT, .fn = trait_find_method(tr, intern_cstr(mut ? "deref_mut" : "deref"), NULL), .targs = targs,
              .ntargs = 1, .trait = tr, .self_ty = st};
  emit_call(L, r, c, args, 1, rt, e->span, e->span);
  return deref(L, r, e->span);
}

// The place a place expression denotes, before any coercion of its value.
// A static is the place behind its address, as in rustc's MIR: `(*_n)` with
// `_n = const {alloc: *mut T}` (`*const T` when it is not `mut`).
static Place static_place(Lower *L, Expr *e) {
  Type *pt = ty_ptr(e->fn->ret_type, e->fn->is_static_mut);
  Place a = local_place(new_local(L, pt, NULL, true, e->span));
  MirConst k = {.kind = CONST_STATIC, .fn = e->fn};
  assign(L, a, rv_use((Operand){.kind = OPND_CONST, .c = k, .ty = pt}), e->span);
  return project(a, PROJ_DEREF, 0, 0, e->fn->ret_type);
}

static Place raw_place(Lower *L, Expr *e) {
  switch (e->kind) {
  case EX_PATH: return is_static_item(e) ? static_place(L, e) : var_place(L, e->local, e->span);
  case EX_UNARY: return e->overload ? overloaded_deref(L, e) : deref(L, lower_place(L, e->sub), e->span);
  case EX_FIELD: {
    Place moved = moved_capture_field(L, e);
    if (moved.local >= 0) return moved;
    Place base = autoderef(L, lower_place(L, e->sub), e->autoderefs, e->span);
    Type *bt = ty_resolve(place_ty(L, base));
    if (bt->kind == TY_STRUCT && bt->sdecl->is_enum) unsupported(L, "a field of an enum");
    return project(base, PROJ_FIELD, e->field_index, 0, raw_ty(e));
  }
  case EX_INDEX: return lower_index(L, e);
  default: ice(e->span, "not a place expression");
  }
}

static bool is_extended(Lower *L, Expr *e) {
  for (int i = 0; i < L->extend.len; i++)
    if (L->extend.data[i] == e) return true;
  return false;
}

static Place lower_place(Lower *L, Expr *e) {
  if (!e->coerce && is_place_kind(e)) return raw_place(L, e);
  bool saved = L->mut_place;
  L->mut_place = false;  // a temporary's value is computed, not written through
  // The temporary's drop is scheduled once its value is made, as rustc's `as_temp` does: the
  // temporaries made while computing it (`mk()` in `mk().twice()`) are dropped after it.
  Place t = local_place(new_local(L, e->ty, NULL, true, e->span));
  lower_into(L, t, e);
  schedule_drop(L, t.local);
  if (is_extended(L, e) && L->drops.len && L->drops.data[L->drops.len - 1].place.local == t.local)
    L->drops.data[L->drops.len - 1].extended = true;
  L->mut_place = saved;
  return t;
}

// The place of e, to be written or borrowed `&mut` (mut) or only read.
static Place lower_place_mut(Lower *L, Expr *e, bool mut) {
  bool saved = L->mut_place;
  L->mut_place = mut;
  Place p = lower_place(L, e);
  L->mut_place = saved;
  return p;
}

// Constants that need no code: literals and primitive associated constants.
static bool const_operand(Expr *e, Operand *out) {
  if (e->coerce) return false;
  Type *t = e->ty;
  switch (e->kind) {
  case EX_INT:
    *out = const_wide(t, expr_int_value(e));
    return true;
  case EX_BOOL: case EX_CHAR:
    *out = const_int(t, e->int_val);
    return true;
  case EX_FLOAT:
    *out = (Operand){.kind = OPND_CONST, .c = {.kind = CONST_FLOAT, .f = e->float_val}, .ty = t};
    return true;
  case EX_STR:
    *out = (Operand){.kind = OPND_CONST, .c = {.kind = CONST_STR, .s = e->str, .len = e->str_len}, .ty = t};
    return true;
  case EX_PATH:
    if (e->res == RES_CONST_PARAM) {
      *out = (Operand){.kind = OPND_CONST, .c = {.kind = CONST_PARAM, .targs = &e->self_ty, .ntargs = 1}, .ty = t};
      return true;
    }
    if (e->res != RES_CONST) return false;
    if (ty_resolve(t)->kind == TY_FLOAT) *out = (Operand){.kind = OPND_CONST, .c = {.kind = CONST_FLOAT, .f = e->float_val}, .ty = t};
    else *out = const_wide(t, expr_int_value(e));
    return true;
  case EX_TUPLE:
    if (e->nargs) return false;
    *out = const_unit(t);
    return true;
  case EX_UNARY:
    // A negative literal is one constant, as in rustc: `-1` is `const -1_i32`, not `Neg(1)`.
    if (e->op != TK_MINUS || e->sub->coerce || (e->sub->kind != EX_INT && e->sub->kind != EX_FLOAT)) return false;
    if (e->sub->kind == EX_FLOAT) {
      *out = (Operand){.kind = OPND_CONST, .c = {.kind = CONST_FLOAT, .f = -e->sub->float_val}, .ty = t};
      return true;
    }
    if (ty_resolve(t)->kind != TY_INT) return false;
    *out = const_wide(t, 0 - expr_int_value(e->sub));
    return true;
  default:
    return false;
  }
}

static Operand lower_operand(Lower *L, Expr *e) {
  Operand o;
  if (const_operand(e, &o)) return o;
  if (!is_place_expr(e) && !is_unit(e->ty)) {
    // The value is moved out as soon as it is made; until then (a panic while making it) the
    // temporary is scheduled like any other.
    Place t = temp(L, e->ty, e->span);
    lower_into(L, t, e);
    return use_place(L, t);
  }
  if (is_unit(e->ty) && !is_place_expr(e)) {
    // A unit value is only ever its effects.
    Place t = temp(L, e->ty, e->span);
    lower_into(L, t, e);
    return const_unit(e->ty);
  }
  o = use_place(L, lower_place(L, e));
  o.span = e->span;
  return o;
}

// ---- evaluation order ----
//
// An operand read from a place is read when the statement using it runs, after the operands
// to its right are evaluated. Rust evaluates left to right, so `x + double(&mut x)` adds the
// old x: an operand is copied out first when a later one may write to a local.

// Whether `hit` holds for e or any expression inside it (blocks, arms and all).
typedef bool (*ExprHit)(Expr *e, void *ctx);

static bool any_expr(Expr *e, ExprHit hit, void *ctx);

static bool any_in_block(Block *b, ExprHit hit, void *ctx) {
  for (int i = 0; b && i < b->nstmts; i++)
    if (any_expr(b->stmts[i]->init, hit, ctx) || any_in_block(b->stmts[i]->else_block, hit, ctx)) return true;
  return b && any_expr(b->tail, hit, ctx);
}

static bool any_expr(Expr *e, ExprHit hit, void *ctx) {
  if (!e) return false;
  if (hit(e, ctx)) return true;
  if (any_expr(e->sub, hit, ctx) || any_expr(e->lhs, hit, ctx) || any_expr(e->rhs, hit, ctx) || any_expr(e->else_expr, hit, ctx) ||
      any_expr(e->base_expr, hit, ctx))
    return true;
  for (int i = 0; i < e->nargs; i++)
    if (any_expr(e->args[i], hit, ctx)) return true;
  for (int i = 0; e->kind == EX_MATCH && i < e->narms; i++)
    if (any_expr(e->arms[i].guard, hit, ctx) || any_expr(e->arms[i].body, hit, ctx)) return true;
  return any_in_block(e->block, hit, ctx);
}

// Whether evaluating e may write to a local: an assignment, a `&mut` borrow (written or made
// by a method's autoref) or a closure (which may capture one) somewhere in it. A call alone
// cannot: it reaches the caller's locals only through such a borrow.
static bool writes_here(Expr *e, void *ctx) {
  (void)ctx;
  return e->kind == EX_ASSIGN || e->kind == EX_COMPOUND || e->kind == EX_CLOSURE || (e->kind == EX_UNARY && e->op == TK_AMP && e->mut) ||
         (e->kind == EX_METHOD && e->autoref == 2);
}

static bool may_write(Expr *e) { return any_expr(e, writes_here, NULL); }

static bool all_stable(Expr **es, int n) {
  for (int i = 0; i < n; i++)
    if (may_write(es[i])) return false;
  return true;
}

// Whether e names the variable that is MIR local `local` (or a closure in it captures it).
typedef struct {
  Lower *L;
  int local;
} Mention;

static bool names_local(Expr *e, void *ctx) {
  Mention *m = ctx;
  if (e->kind == EX_PATH && e->res == RES_LOCAL && e->local->owner == m->L->fn && m->L->local_of[e->local->index] == m->local) return true;
  for (int i = 0; e->kind == EX_CLOSURE && i < e->fn->ncaptures; i++) {
    Local *c = e->fn->captures[i].local;
    if (c->owner == m->L->fn && m->L->local_of[c->index] == m->local) return true;
  }
  return false;
}

static bool mentions(Lower *L, Expr *e, int local) {
  Mention m = {L, local};
  return any_expr(e, names_local, &m);
}

// o's value now, safe from what the expressions after it do. A move out of a variable happens
// here too, where Rust evaluates it: `f(s, s.len())` reads s after it was moved (E0382), which
// the move checker sees only if the move comes first in the MIR.
static Operand read_before(Lower *L, Operand o, Expr **later, int nlater, Span sp) {
  if (o.kind == OPND_CONST) return o;
  bool moved_var = o.kind == OPND_MOVE && L->b->locals.data[o.place.local].name;
  for (int i = 0; moved_var && i < nlater; i++)
    if (mentions(L, later[i], o.place.local)) {
      Place t = temp(L, o.ty, sp);
      assign(L, t, rv_use(o), sp);
      return use_place(L, t);
    }
  if (all_stable(later, nlater)) return o;
  if (!o.place.nproj && !L->b->locals.data[o.place.local].name) return o;  // a temporary already
  Place t = temp(L, o.ty, sp);
  assign(L, t, rv_use(o), sp);
  return use_place(L, t);
}

BinOp mir_binop(TokenKind op) {
  switch (op) {
  case TK_PLUS: case TK_PLUSEQ: return BIN_ADD;
  case TK_MINUS: case TK_MINUSEQ: return BIN_SUB;
  case TK_STAR: case TK_STAREQ: return BIN_MUL;
  case TK_SLASH: case TK_SLASHEQ: return BIN_DIV;
  case TK_PERCENT: case TK_PERCENTEQ: return BIN_REM;
  case TK_AMP: case TK_AMPEQ: return BIN_BITAND;
  case TK_PIPE: case TK_PIPEEQ: return BIN_BITOR;
  case TK_CARET: case TK_CARETEQ: return BIN_BITXOR;
  case TK_SHL: case TK_SHLEQ: return BIN_SHL;
  case TK_SHR: case TK_SHREQ: return BIN_SHR;
  case TK_EQEQ: return BIN_EQ;
  case TK_NE: return BIN_NE;
  case TK_LT: return BIN_LT;
  case TK_LE: return BIN_LE;
  case TK_GT: return BIN_GT;
  case TK_GE: return BIN_GE;
  default: return BIN_ADD;
  }
}

static bool is_scalar(Type *t) {
  t = ty_resolve(t);
  return t->kind == TY_INT || t->kind == TY_FLOAT || t->kind == TY_BOOL || t->kind == TY_CHAR || t->kind == TY_UNIT;
}

// An arithmetic or comparison operand: references to scalars are read through (`&i32 + i32`,
// `&a == &b` compares the integers), as the operator impls for references do.
static Operand scalar_operand(Lower *L, Expr *e) {
  Type *t = ty_resolve(e->ty);
  if (t->kind != TY_REF) {
    if (!is_scalar(t)) unsupported(L, arena_printf("an operator on `%s`", ty_name(t)));
    return lower_operand(L, e);
  }
  Place p = lower_place(L, e);
  while (ty_resolve(place_ty(L, p))->kind == TY_REF) p = deref(L, p, e->span);
  if (!is_scalar(place_ty(L, p))) unsupported(L, arena_printf("an operator on `%s`", ty_name(e->ty)));
  return use_place(L, p);
}

static const char *overflow_msg(BinOp op) {
  switch (op) {
  case BIN_ADD: return "attempt to add with overflow";
  case BIN_SUB: return "attempt to subtract with overflow";
  case BIN_MUL: return "attempt to multiply with overflow";
  case BIN_SHL: return "attempt to shift left with overflow";
  case BIN_SHR: return "attempt to shift right with overflow";
  default: return "";
  }
}

// a op b into dest, with the checks a debug build makes: overflow of + - * (at -O0, as rustc
// -C debug-assertions), division by zero and MIN / -1 (always).
// `a << b` overflows when b, read as unsigned, is not below a's width (a negative b too), as
// rustc checks it; without overflow checks the amount is masked, as in rustc's release builds.
static void check_shift(Lower *L, BinOp op, Operand b, int bits, Span sp) {
  Type *bt = ty_resolve(b.ty);
  if (b.kind == OPND_CONST && !bt->is_signed && b.c.i < (uint64_t)bits && !b.c.hi) return;
  Type *ut = bt->bits <= 8 ? ty_u8 : bt->bits <= 16 ? ty_u16 : bt->bits <= 32 ? ty_u32 : bt->is_size ? ty_usize : bt->bits <= 64 ? ty_u64 : ty_u128;
  Operand amount = b;
  if (bt->is_signed) {
    Place u = temp(L, ut, sp);
    assign(L, u, (Rvalue){.kind = RV_CAST, .cast = CAST_NUMERIC, .a = b, .ty = ut}, sp);
    amount = use_place(L, u);
  }
  Place ok = temp(L, ty_bool, sp);
  assign(L, ok, (Rvalue){.kind = RV_BINARY, .binop = BIN_LT, .a = amount, .b = const_int(ut, (uint64_t)bits), .ty = ty_bool}, sp);
  assert_cond(L, use_place(L, ok), true, overflow_msg(op), sp);
}

static void lower_arith(Lower *L, Place dest, BinOp op, Operand a, Operand b, Type *t, Span sp) {
  Type *rt = ty_resolve(t);
  bool is_int = rt->kind == TY_INT;
  uint64_t all = rt->kind == TY_INT && rt->bits < 64 ? (1ull << rt->bits) - 1 : ~0ull;
  // A constant divisor other than 0 (and -1 for signed types) needs no check.
  bool safe_divisor = b.kind == OPND_CONST && ((b.c.i & all) != 0 || b.c.hi) &&
                      (!rt->is_signed || (b.c.i & all) != all || (rt->bits == 128 && b.c.hi != ~0ull));
  if (is_int && (op == BIN_DIV || op == BIN_REM) && !safe_divisor) {
    bool rem = op == BIN_REM;
    Place z = temp(L, ty_bool, sp);
    assign(L, z, (Rvalue){.kind = RV_BINARY, .binop = BIN_EQ, .a = b, .b = const_int(b.ty, 0), .ty = ty_bool}, sp);
    assert_cond(L, use_place(L, z), false,
                rem ? "attempt to calculate the remainder with a divisor of zero" : "attempt to divide by zero", sp);
    if (rt->is_signed) {
      // MIN / -1 overflows: (b == -1) & (a == MIN)
      Place m1 = temp(L, ty_bool, sp), mn = temp(L, ty_bool, sp), both = temp(L, ty_bool, sp);
      assign(L, m1, (Rvalue){.kind = RV_BINARY, .binop = BIN_EQ, .a = b, .b = const_wide(b.ty, ~(Wide)0), .ty = ty_bool}, sp);
      assign(L, mn, (Rvalue){.kind = RV_BINARY, .binop = BIN_EQ, .a = a, .b = const_wide(a.ty, (Wide)1 << (rt->bits - 1)), .ty = ty_bool}, sp);
      assign(L, both, (Rvalue){.kind = RV_BINARY, .binop = BIN_BITAND, .a = use_place(L, m1), .b = use_place(L, mn), .ty = ty_bool}, sp);
      assert_cond(L, use_place(L, both), false,
                  rem ? "attempt to calculate the remainder with overflow" : "attempt to divide with overflow", sp);
    }
  }
  if (is_int && L->overflow_checks && (op == BIN_SHL || op == BIN_SHR)) check_shift(L, op, b, rt->bits, sp);
  bool checked = is_int && L->overflow_checks && (op == BIN_ADD || op == BIN_SUB || op == BIN_MUL);
  if (!checked) {
    assign(L, dest, (Rvalue){.kind = RV_BINARY, .binop = op, .a = a, .b = b, .ty = t}, sp);
    return;
  }
  Type *pair_elems[2] = {t, ty_bool};
  Type *pair = ty_tuple(pair_elems, 2);
  Place r = temp(L, pair, sp);
  assign(L, r, (Rvalue){.kind = RV_CHECKED, .binop = op, .a = a, .b = b, .ty = pair}, sp);
  assert_cond(L, use_place(L, project(r, PROJ_FIELD, 1, 0, ty_bool)), false, overflow_msg(op), sp);
  assign(L, dest, rv_use(use_place(L, project(r, PROJ_FIELD, 0, 0, t))), sp);
}

// ---- comparisons ----
//
// A comparison reads its operands behind as many references as both have (`&a == &b` compares
// a and b, std's `impl PartialEq<&B> for &A`). Scalars compare as an operator; strings by
// contents, through a builtin call (shown as `<str as PartialEq>::eq`), behind any further
// reference (`String == &str`); anything else calls PartialEq::eq or ne (PartialOrd::lt, le,
// gt, ge) of the left type with the right one as Rhs, the operands borrowed, as rustc's
// operator desugaring does: `<Money as PartialEq<f64>>::eq(move _3, move _4)`. Mono finds the
// impl (#[derive(PartialEq)] writes one); a builtin type without one (a Vec, a tuple) is
// compared by codegen.

// `&p` in a fresh temporary, moved into the call that takes it.
static Operand borrow_place(Lower *L, Place p, Span sp) {
  Type *rt = ty_ref(place_ty(L, p), false);
  Place r = temp(L, rt, sp);
  assign(L, r, (Rvalue){.kind = RV_REF, .place = p, .ty = rt}, sp);
  return (Operand){.kind = OPND_MOVE, .place = r, .ty = rt};
}

static bool is_stringish(Type *t) {
  t = ty_resolve(t);
  while (t->kind == TY_REF) t = ty_resolve(t->inner);
  return t->kind == TY_STR || t->kind == TY_STRING;
}

static void lower_compare(Lower *L, Place dest, TokenKind op, Place a, Place b, Span sp) {
  while (ty_resolve(place_ty(L, a))->kind == TY_REF && ty_resolve(place_ty(L, b))->kind == TY_REF) {
    a = deref(L, a, sp);
    b = deref(L, b, sp);
  }
  bool str = is_stringish(place_ty(L, a)) && is_stringish(place_ty(L, b));
  while (str && ty_resolve(place_ty(L, a))->kind == TY_REF) a = deref(L, a, sp);
  while (str && ty_resolve(place_ty(L, b))->kind == TY_REF) b = deref(L, b, sp);
  Type *t = ty_resolve(place_ty(L, a)), *rhs = ty_resolve(place_ty(L, b));
  // (Thin raw pointers compare by address, as a scalar does.)
  bool thin_ptrs = t->kind == TY_PTR && rhs->kind == TY_PTR && ty_is_sized(t->inner) && ty_is_sized(rhs->inner);
  if ((is_scalar(t) && is_scalar(rhs)) || thin_ptrs) {
    assign(L, dest, (Rvalue){.kind = RV_BINARY, .binop = mir_binop(op), .a = use_place(L, a), .b = use_place(L, b), .ty = ty_bool}, sp);
    return;
  }
  Operand *args = arena_alloc(sizeof(Operand) * 2);
  args[0] = borrow_place(L, a, sp);
  args[1] = borrow_place(L, b, sp);
  Callee c;
  if (str) {
    // The builtin comparison of two strings' contents: an operator expression that only names it.
    Expr *cmp = arena_alloc(sizeof(Expr));
    *cmp = (Expr){.kind = EX_BINARY, .op = op, .span = sp, .ty = ty_bool};
    c = (Callee){.kind = CALLEE_BUILTIN, .expr = cmp};
  } else {
    bool eq = op == TK_EQEQ || op == TK_NE;
    TraitDecl *tr = eq ? L->crate->partial_eq_trait : L->crate->partial_ord_trait;
    const char *name = op == TK_EQEQ ? "eq" : op == TK_NE ? "ne" : op == TK_LT ? "lt" : op == TK_LE ? "le" : op == TK_GT ? "gt" : "ge";
    Type **targs = arena_alloc(sizeof(Type *) * 2);
    targs[0] = t;
    targs[1] = rhs;
    c = (Callee){.kind = CALLEE_TRAIT, .fn = trait_find_method(tr, intern_cstr(name), NULL), .targs = targs, .ntargs = 2, .trait = tr, .self_ty = t};
  }
  emit_call(L, dest, c, args, 2, ty_bool, sp, sp);
}

static void lower_binary(Lower *L, Place dest, Expr *e) {
  TokenKind op = e->op;
  if (e->overload) {  // `Add::add(a, b)`
    lower_into(L, dest, e->overload);
    return;
  }
  if (op == TK_AMPAMP || op == TK_PIPEPIPE) {
    // a && b: if a { dest = b } else { dest = false }; each operand is a terminating scope.
    Operand a = lower_condition(L, e->lhs);
    int rhs = new_block(L), short_bb = new_block(L), done = new_block(L);
    int on_true = op == TK_AMPAMP ? rhs : short_bb, on_false = op == TK_AMPAMP ? short_bb : rhs;
    uint64_t *vals = arena_alloc(sizeof(uint64_t));
    int *tg = arena_alloc(sizeof(int) * 2);
    vals[0] = 0;
    tg[0] = on_false;
    tg[1] = on_true;
    terminate(L, (Terminator){.kind = TERM_SWITCH, .discr = a, .values = vals, .targets = tg, .nvalues = 1, .span = e->span});
    L->cur = short_bb;
    assign(L, dest, rv_use(const_int(ty_bool, op == TK_PIPEPIPE)), e->span);
    go_to(L, done);
    L->cur = rhs;
    int height = L->drops.len;
    lower_into(L, dest, e->rhs);
    pop_to(L, height, e->rhs->span);
    go_to(L, done);
    L->cur = done;
    return;
  }
  BinOp bop = mir_binop(op);
  Type *lt = ty_resolve(e->lhs->ty), *rt = ty_resolve(e->rhs->ty);
  while (lt->kind == TY_REF) lt = ty_resolve(lt->inner);
  while (rt->kind == TY_REF) rt = ty_resolve(rt->inner);
  if (bop >= BIN_EQ && (!is_scalar(lt) || !is_scalar(rt))) {  // (`2.0 == money`: the impl for f64)
    Place a = lower_place(L, e->lhs);
    lower_compare(L, dest, op, a, lower_place(L, e->rhs), e->span);
    return;
  }
  Operand a = read_before(L, scalar_operand(L, e->lhs), &e->rhs, 1, e->lhs->span);
  Operand b = scalar_operand(L, e->rhs);
  if (bop >= BIN_EQ) {
    assign(L, dest, (Rvalue){.kind = RV_BINARY, .binop = bop, .a = a, .b = b, .ty = ty_bool}, e->span);
    return;
  }
  lower_arith(L, dest, bop, a, b, raw_ty(e), e->span);
}

// Rvalue static promotion, by rustc's rules (RFC 1414 as narrowed by RFC 3027 to what cannot
// fail at run time): a borrow of a value built only of constants (literals, consts, unit
// variants and structs, the arithmetic, bitwise and comparison operators on them, tuples,
// arrays, structs and variants of them) whose type has no drop glue, and, for `&mut`, only
// `&mut []`. trc has no type with interior mutability to exclude. Promoting is deciding here,
// once; codegen then evaluates the value into a private global (cg_promote).
// An integer operation that panics (`1 / 0`, `200u8 * 2`) is not promoted: lowered as an
// ordinary temporary, it is what mir_check_known_panics reports.
static bool would_panic(Expr *op) {
  Type *t = ty_resolve(op->kind == EX_BINARY ? op->lhs->ty : op->sub->ty);
  __int128 v;
  return t->kind == TY_INT && !kp_expr_value(op, 0, &v);
}

static bool promotable(Expr *borrow);

// A borrow inside a promoted value (`&[&[5], &[8, 2]]`, `&[&Sq(1.0) as &dyn Shape]`): promoted
// too, with an unsizing coercion of the reference (to a slice or a trait object) allowed.
static bool nested_borrow(Expr *e) {
  if (e->kind != EX_UNARY || e->op != TK_AMP || e->mut || e->raw) return false;
  return (!e->coerce || e->coerce == COERCE_UNSIZE) && promotable(e);
}

static bool promotable_value(Expr *e, int depth) {
  if (depth > 64) return false;
  if (nested_borrow(e)) return true;
  if (e->coerce || e->overload || ty_needs_drop(e->ty)) return false;
  switch (e->kind) {
  case EX_INT: case EX_FLOAT: case EX_BOOL: case EX_CHAR: case EX_STR: return true;
  case EX_PATH:
    if (e->res == RES_CONST_ITEM) return e->fn && !e->fn->is_static_mut && e->fn->body && e->fn->body->tail && promotable_value(e->fn->body->tail, depth + 1);
    return e->res == RES_CONST || e->res == RES_UNIT_STRUCT;
  case EX_UNARY:
    if (e->op != TK_MINUS && e->op != TK_BANG) return false;
    return promotable_value(e->sub, depth + 1) && !would_panic(e);
  case EX_BINARY:
    if (e->op == TK_AMPAMP || e->op == TK_PIPEPIPE) return false;  // control flow, not an operator
    if (e->op == TK_PERCENT && ty_resolve(e->ty)->kind == TY_FLOAT) return false;
    return promotable_value(e->lhs, depth + 1) && promotable_value(e->rhs, depth + 1) && !would_panic(e);
  case EX_CALL:
    if (e->sub->kind != EX_PATH || e->sub->res != RES_TUPLE_CTOR) return false;
    // fallthrough
  case EX_TUPLE: case EX_ARRAY: case EX_STRUCT:
    if (e->kind == EX_STRUCT && e->base_expr) return false;
    for (int i = 0; i < e->nargs; i++)
      if (!promotable_value(e->args[i], depth + 1)) return false;
    return true;
  default: return false;
  }
}

static bool promotable(Expr *borrow) {
  Expr *v = borrow->sub;
  if (borrow->mut) return v->kind == EX_ARRAY && !v->nargs && !v->repeat && !v->coerce;
  return !is_place_expr(v) && promotable_value(v, 0);
}

// `&value` promoted: a constant reference to `promoted[i]` of this body.
static Operand promoted_ref(Lower *L, Expr *borrow) {
  vec_push(&L->b->promoted, borrow);
  return (Operand){.kind = OPND_CONST, .c = {.kind = CONST_PROMOTED, .i = (uint64_t)L->b->promoted.len - 1, .expr = borrow},
                   .ty = raw_ty(borrow)};
}


static void lower_unary(Lower *L, Place dest, Expr *e) {
  if (e->overload && e->op != TK_STAR) {  // `Neg::neg(a)`, `Not::not(a)` (an overloaded `*x` is a place)
    lower_into(L, dest, e->overload);
    return;
  }
  switch (e->op) {
  case TK_MINUS: {
    Type *t = ty_resolve(raw_ty(e));
    __int128 lit;
    if (e->sub->kind == EX_INT && kp_expr_value(e, 0, &lit)) {  // a negative literal is a constant
      assign(L, dest, rv_use(const_int(raw_ty(e), (uint64_t)lit)), e->span);
      return;
    }
    Operand a = lower_operand(L, e->sub);
    if (L->overflow_checks && t->kind == TY_INT && e->sub->kind != EX_INT) {  // -MIN overflows
      Place ov = temp(L, ty_bool, e->span);
      assign(L, ov, (Rvalue){.kind = RV_BINARY, .binop = BIN_EQ, .a = a, .b = const_wide(a.ty, (Wide)1 << (t->bits - 1)), .ty = ty_bool}, e->span);
      assert_cond(L, use_place(L, ov), false, "attempt to negate with overflow", e->span);
    }
    assign(L, dest, (Rvalue){.kind = RV_UNARY, .unop = UN_NEG, .a = a, .ty = raw_ty(e)}, e->span);
    return;
  }
  case TK_BANG:
    assign(L, dest, (Rvalue){.kind = RV_UNARY, .unop = UN_NOT, .a = lower_operand(L, e->sub), .ty = raw_ty(e)}, e->span);
    return;
  case TK_STAR:
    assign(L, dest, rv_use(use_place(L, raw_place(L, e))), e->span);
    return;
  case TK_AMP:
    // `&5` must point to a constant that lives for the whole program; a stack temporary
    // would dangle once returned.
    if (promotable(e)) {
      assign(L, dest, rv_use(promoted_ref(L, e)), e->span);
      return;
    }
    if (e->sub->kind == EX_INDEX && e->sub->rhs->kind == EX_RANGE && !e->sub->coerce && !e->sub->overload) {
      lower_range_borrow(L, dest, e);
      return;
    }
    assign(L, dest, (Rvalue){.kind = RV_REF, .place = lower_place_mut(L, e->sub, e->mut), .mut = e->mut, .raw = e->raw, .ty = raw_ty(e)}, e->span);
    return;
  default:
    ice(e->span, "unary operator not lowered to MIR");
  }
}

static void lower_cast(Lower *L, Place dest, Expr *e) {
  Type *from = ty_resolve(e->sub->ty), *to = ty_resolve(raw_ty(e));
  if (from == to && !is_scalar(from)) {
    // `x as &dyn Tr` where the checker already coerced x (an unsizing shows on x itself):
    // the cast changes nothing.
    assign(L, dest, rv_use(lower_operand(L, e->sub)), e->span);
    return;
  }
  if (from->kind == TY_PTR || to->kind == TY_PTR) {
    assign(L, dest, (Rvalue){.kind = RV_CAST, .cast = CAST_PTR, .a = lower_operand(L, e->sub), .ty = raw_ty(e)}, e->span);
    return;
  }
  bool scalar_from = is_scalar(from) || (from->kind == TY_STRUCT && from->sdecl->is_enum);
  if (!scalar_from || !is_scalar(to)) unsupported(L, arena_printf("a cast from `%s` to `%s`", ty_name(from), ty_name(to)));
  Operand a = lower_operand(L, e->sub);
  assign(L, dest, (Rvalue){.kind = RV_CAST, .cast = CAST_NUMERIC, .a = a, .ty = raw_ty(e)}, e->span);
}

// ---- closures ----

// A closure's environment, as its body sees it: the type of `*_1`.
static Type *env_type(FnDecl *f) { return ty_closure(f, f->env->params, f->env->n); }

// The place of a variable. Inside a closure, a variable of an enclosing function is reached
// through the environment: `(*_1).i` holds a captured value, `*((*_1).i)` a captured reference.
static Place var_place(Lower *L, Local *l, Span sp) {
  FnDecl *f = L->fn;
  if (!f->is_closure || l->owner == f) return L->has_alias[l->index] ? L->alias[l->index] : local_place(L->local_of[l->index]);
  for (int i = 0; i < f->ncaptures; i++) {
    if (f->captures[i].local != l) continue;
    if (L->capture_local[i] >= 0) return local_place(L->capture_local[i]);
    Place env = deref(L, local_place(1), sp);
    Place field = project(env, PROJ_FIELD, i, 0, closure_capture_type(env_type(f), i));
    return f->captures[i].by_value ? field : deref(L, field, sp);
  }
  ice(sp, "`%s` is not captured by the closure", l->name);
}

// Whether a call may change the closure's environment (FnMut or FnOnce): it changes a `mut`
// variable it captures (by `&mut`, or in place), or moves a capture out.
static bool env_is_mut(FnDecl *f) {
  bool mut = f->is_fn_once;
  for (int i = 0; i < f->ncaptures; i++) mut |= capture_is_mut(&f->captures[i]);
  return mut;
}

// _1 of a closure's body: a reference to its environment (the ABI passes it by pointer, even
// to an FnOnce body, which owns it), `&mut` when the body may change it.
static void env_param(Lower *L, FnDecl *f) {
  new_local(L, ty_ref(env_type(f), env_is_mut(f)), NULL, false, f->span);
  L->capture_local = arena_alloc(sizeof(int) * (f->ncaptures + 1));
  for (int i = 0; i < f->ncaptures; i++) L->capture_local[i] = -1;
}

// An FnOnce body owns its by-value captures: those that need dropping move into locals of the
// body, dropped at its end unless it moves them on. The last capture is scheduled first, so
// they drop in capture order, as the fields of the environment would.
static void own_captures(Lower *L, FnDecl *f) {
  if (!f->is_fn_once) return;
  for (int i = f->ncaptures - 1; i >= 0; i--) {
    Local *l = f->captures[i].local;
    Place field = var_place(L, l, f->span);
    Type *t = place_ty(L, field);
    if (!f->captures[i].by_value || !ty_needs_drop(t)) continue;
    int m = new_local(L, t, l->name, l->mut, l->span);
    assign(L, local_place(m), rv_use((Operand){.kind = OPND_MOVE, .place = field, .ty = t}), f->span);
    schedule_drop(L, m);
    L->capture_local[i] = m;
  }
}

// |args| body: the aggregate of its captures, a reference to each variable or, for a `move`
// capture, its value (moved in, unless it is Copy).
static void lower_closure(Lower *L, Place dest, Expr *e) {
  FnDecl *f = e->fn;
  Type *t = raw_ty(e);
  Operand *ops = arena_alloc(sizeof(Operand) * (f->ncaptures + 1));
  for (int i = 0; i < f->ncaptures; i++) {
    Local *l = f->captures[i].local;
    Place p = var_place(L, l, e->span);
    int moved = capture_moved_field(f, &f->captures[i]);
    if (moved >= 0) p = project(p, PROJ_FIELD, moved, 0, closure_capture_type(t, i));
    Capture *c = &f->captures[i];
    Type *rt = closure_capture_type(t, i);
    bool reborrow_mut = c->reborrow && ty_resolve(rt)->mut;  // `&mut *m`, unique while the closure lives
    if (c->by_value && !reborrow_mut) {
      ops[i] = use_place(L, p);
      continue;
    }
    Place r = temp(L, rt, e->span);
    Place borrowed = reborrow_mut ? deref(L, p, e->span) : p;  // what the environment points at
    Place used = borrowed;
    // One field: the loan is of that field; several: of the variable (or what it points to),
    // as far as those fields go.
    // (A reference variable kept by reference is borrowed whole: the environment points at it.)
    uint64_t fields = c->whole || p.nproj || (c->through_deref && c->addr_used) || (reborrow_mut && !c->through_deref) ? 0 : c->fields;
    if (fields && c->through_deref && !reborrow_mut) used = deref(L, p, e->span);
    if (fields && !(fields & (fields - 1))) {
      int f = __builtin_ctzll(fields);
      used = project(used, PROJ_FIELD, f, 0, mir_field_type(place_ty(L, used), -1, f));
      fields = 0;
    }
    bool mut = reborrow_mut ? c->mut_use : capture_is_mut(c);
    // rustc's unique borrow: written through a `&mut` variable that is not itself `mut`.
    bool unique = reborrow_mut ? c->mut_use && !c->local->mut : c->mut_use && !capture_is_mut(c);
    assign(L, r, (Rvalue){.kind = RV_REF, .place = borrowed, .mut = mut, .capture = true, .closure = f, .captured = used, .capture_fields = fields, .unique = unique, .ty = rt},
           e->span);
    ops[i] = (Operand){.kind = OPND_MOVE, .place = r, .ty = rt};
  }
  assign(L, dest, (Rvalue){.kind = RV_AGGREGATE, .agg = AGG_CLOSURE, .ops = ops, .nops = f->ncaptures, .ty = t}, e->span);
}

// ---- calls ----

// A `&mut` variable passed where the parameter's type is known is reborrowed, as rustc does:
// the callee gets `&mut *x`, a new loan of what x points to, so x is usable again once the
// result is dead, and not while it lives (`let y = f(x); let z = f(x); *y += 1`: E0499).
static Operand reborrow_arg(Lower *L, Expr *arg, Operand o) {
  Type *t = ty_resolve(o.ty);
  if (o.kind != OPND_MOVE || arg->no_reborrow || arg->kind != EX_PATH || arg->res != RES_LOCAL || t->kind != TY_REF || !t->mut) return o;
  // Two-phase, as rustc's: until the call, *x may still be read (`helper(r, r.len())`).
  Place r = temp(L, o.ty, arg->span);
  assign(L, r, (Rvalue){.kind = RV_REF, .place = deref(L, o.place, arg->span), .mut = true, .two_phase = true, .ty = o.ty}, arg->span);
  return (Operand){.kind = OPND_MOVE, .place = r, .ty = o.ty, .span = o.span};
}

static Operand *lower_args(Lower *L, Expr **args, int n, Operand *first) {
  Operand *ops = arena_alloc(sizeof(Operand) * (n + 2));
  int k = 0;
  if (first) ops[k++] = read_before(L, *first, args, n, args && n ? args[0]->span : (Span){0});
  for (int i = 0; i < n; i++) ops[k++] = read_before(L, reborrow_arg(L, args[i], lower_operand(L, args[i])), args + i + 1, n - i - 1, args[i]->span);
  return ops;
}

// A `&mut` variable passed whole as an argument the checker saw no type for yet (a generic
// `T` nothing else had fixed, `drop`'s): rustc moves it there instead of reborrowing, so
// `g(r); g(r)` is E0382 while `g::<&mut i32>(r)` twice is not.
static void move_refs_to_generics(Expr **args, int n, Operand *ops, int first) {
  for (int i = 0; i < n; i++) {
    Operand *o = &ops[first + i];
    Type *t = ty_resolve(o->ty);
    if (args[i]->no_reborrow && o->kind == OPND_MOVE && !o->place.nproj && t->kind == TY_REF && t->mut && args[i]->kind == EX_PATH)
      o->moves_ref = true;
  }
}

static void emit_call(Lower *L, Place dest, Callee callee, Operand *args, int nargs, Type *ret, Span sp, Span caller) {
  int next = is_never(ret) ? -1 : new_block(L), uw = unwind_target(L);
  L->last_call = L->cur;
  terminate(L, (Terminator){.kind = TERM_CALL, .callee = callee, .args = args, .nargs = nargs, .dest = dest, .target = next,
                            .unwind = uw, .span = sp, .caller_span = caller});
  if (next < 0) continue_unreachable(L);
  else L->cur = next;
}

// The call just emitted was written as a call, of the callee at fn_span: what borrow errors
// point at when a borrow is "later used by call".
static void written_call(Lower *L, Span fn_span) { L->b->blocks.data[L->last_call].term.fn_span = fn_span; }

// &base[lo..hi] (or &mut) of an array, slice or Vec: rustc's `<[T] as Index<Range>>::index`,
// a call of the slicing builtin on a reference to the whole slice and the bounds (a unit
// constant where the range has none), which panics with rustc's messages.
static void lower_range_borrow(Lower *L, Place dest, Expr *e) {
  Expr *ix = e->sub, *r = ix->rhs;
  bool vec;
  Place base = index_base(L, ix, &vec);
  Type *bt = ty_resolve(place_ty(L, base));
  if (bt->kind != TY_ARRAY && bt->kind != TY_SLICE) unsupported(L, "range indexing of a string");
  Type *rt = ty_ref(ty_slice(bt->inner), e->mut);
  Place whole = temp(L, rt, ix->span);
  if (bt->kind == TY_ARRAY) {
    Type *at = ty_ref(bt, e->mut);
    Place ar = temp(L, at, ix->span);
    assign(L, ar, (Rvalue){.kind = RV_REF, .place = base, .mut = e->mut, .ty = at}, ix->span);
    assign(L, whole, (Rvalue){.kind = RV_CAST, .cast = CAST_UNSIZE, .a = use_place(L, ar), .ty = rt}, ix->span);
  } else {
    assign(L, whole, (Rvalue){.kind = RV_REF, .place = base, .mut = e->mut, .ty = rt}, ix->span);
  }
  Operand *args = arena_alloc(sizeof(Operand) * 3);
  args[0] = use_place(L, whole);
  args[1] = r->lhs ? lower_operand(L, r->lhs) : const_unit(ty_unit);
  args[2] = r->rhs ? lower_operand(L, r->rhs) : const_unit(ty_unit);
  // (`<[T] as Index<Range>>::index` panics at the brackets, of an array or slice as of a Vec.)
  emit_call(L, dest, (Callee){.kind = CALLEE_BUILTIN, .expr = e}, args, 3, raw_ty(e), ix->name_span.hi ? ix->name_span : ix->span, ix->span);
}

// A method call on a trait: virtual when Self is a trait object, else resolved per instance.
static Callee trait_callee(Lower *L, Expr *e, Type *self) {
  (void)L;
  Callee c = {.fn = e->fn, .targs = e->fn_targs, .ntargs = e->fn_ntargs, .trait = e->trait, .self_ty = self};
  if (self && dyn_dispatches(self, e->trait ? e->trait : e->fn->trait)) {
    c.kind = CALLEE_VIRTUAL;
    c.slot = vtable_method_slot(ty_resolve(self)->principal->trait, e->fn);
  } else {
    c.kind = CALLEE_TRAIT;
  }
  return c;
}

static int field_chain(Expr *e, Local **root, int *fields, int max);
static bool reads_overlapping(Expr *e, Local *root, int *fields, int n);

// `v[i].m(args)` where args read v (or a place overlapping it).
static bool args_read_indexed_vec(Expr *call) {
  Expr *r = call->sub;
  while (r->kind == EX_FIELD) r = r->sub;
  if (r->kind != EX_INDEX) return false;
  Local *root;
  int fields[16], n = field_chain(r->lhs, &root, fields, 16);
  for (int i = 0; n >= 0 && i < call->nargs; i++)
    if (reads_overlapping(call->args[i], root, fields, n)) return true;
  return false;
}

static bool through_vec_index(Lower *L, Place p) {
  for (int i = 1; i < p.nproj; i++)
    if (p.proj[i].kind == PROJ_INDEX && p.proj[i - 1].kind == PROJ_DEREF &&
        ty_resolve(i >= 2 ? p.proj[i - 2].ty : L->b->locals.data[p.local].ty)->kind == TY_VEC)
      return true;
  return false;
}

// The `&mut self` methods a Vec has only as a slice (`[T]::swap`), reached through DerefMut.
static bool slice_mut_method(const char *name) {
  static const char *names[] = {"swap", "sort", "sort_by", "sort_by_key", "sort_unstable", "sort_unstable_by", "sort_unstable_by_key",
                                "reverse", "fill", "rotate_left", "rotate_right", "get_mut", "first_mut", "last_mut", "split_at_mut",
                                "chunks_mut", "copy_from_slice", "clone_from_slice", "swap_with_slice", "iter_mut"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (!strcmp(name, names[i])) return true;
  return false;
}

// A Vec, or the slice it derefs to.
static bool vec_or_its_slice(Lower *L, Place p) {
  Type *t = ty_resolve(place_ty(L, p));
  if (t->kind == TY_VEC) return true;
  if (t->kind != TY_SLICE || !p.nproj || p.proj[p.nproj - 1].kind != PROJ_DEREF) return false;
  return ty_resolve(p.nproj > 1 ? p.proj[p.nproj - 2].ty : L->b->locals.data[p.local].ty)->kind == TY_VEC;
}

// `arr.contains(&x)`: the array's reference made the slice's.
static Operand unsize_receiver(Lower *L, Operand ref, Span recv, Span at) {
  Type *rt = ty_resolve(ref.ty);
  Type *st = ty_ref(ty_slice(ty_resolve(rt->inner)->inner), rt->mut);
  Place s = temp(L, st, recv);
  assign(L, s, (Rvalue){.kind = RV_CAST, .cast = CAST_UNSIZE, .a = ref, .ty = st}, at);
  return (Operand){.kind = OPND_MOVE, .place = s, .ty = st};
}

// recv.m(args): the receiver after the checker's autoderefs and autoref.
static Operand lower_receiver(Lower *L, Expr *e) {
  Expr *r = e->sub;
  if (e->autoref == 0 && e->autoderefs == 0) return lower_operand(L, r);
  if (e->autoref == 1 && e->autoderefs == 0 && !is_place_expr(r) && promotable_value(r, 0)) {
    // `NAMES.iter()` of a const: the receiver's borrow is promoted as `&NAMES` is, so an
    // iterator returned from the function does not point into its frame.
    Expr *b = arena_alloc(sizeof *b);
    *b = (Expr){.kind = EX_UNARY, .op = TK_AMP, .sub = r, .span = r->span, .ty = ty_ref(raw_ty(r), false), .field_index = -1};
    Operand ref = promoted_ref(L, b);
    return e->unsize_recv ? unsize_receiver(L, ref, r->span, e->span) : ref;
  }
  Place p = autoderef(L, lower_place_mut(L, r, e->autoref == 2), e->autoderefs, e->span);
  if (!e->autoref) return use_place(L, p);
  Type *rt = ty_ref(place_ty(L, p), e->autoref == 2);
  Place t = temp(L, rt, r->span);
  // rustc's borrow errors show a receiver's borrow as the whole call when it is a two-phase
  // `&mut` (`v.push(4)`) or an iterator's (`v.iter()`), and as the receiver itself otherwise
  // (`s.peek()`, `v.first()`: at the `s`, the `v`).
  bool through_deref = vec_or_its_slice(L, p) && slice_mut_method(e->name);
  bool whole = (e->autoref == 2 && !through_deref) || !strcmp(e->name, "iter") || !strcmp(e->name, "iter_mut");
  // An element of a Vec is reached through IndexMut::index_mut(&mut v, i), a `&mut v` that is
  // not two-phase: `v[0].push(v.len())` reads v while it is borrowed (E0502).
  // So is a slice method's `&mut` of a Vec, through DerefMut::deref_mut(&mut v):
  // `v.swap(0, v.len() - 1)` is E0502 too.
  bool index_mut = through_vec_index(L, p) && args_read_indexed_vec(e);
  bool two_phase = e->autoref == 2 && !through_deref && !index_mut;
  Span at = whole && !index_mut ? e->span : r->span;
  for (Expr *base = r; index_mut && base->kind == EX_INDEX; base = base->lhs) at = base->lhs->span;  // `w[0].push(..)`: at w
  assign(L, t, (Rvalue){.kind = RV_REF, .place = p, .mut = e->autoref == 2, .two_phase = two_phase, .autoref = true, .ty = rt}, at);
  cur_block(L)->stmts.data[cur_block(L)->stmts.len - 1].place_span = r->span;
  Operand ref = {.kind = OPND_MOVE, .place = t, .ty = rt};
  return e->unsize_recv ? unsize_receiver(L, ref, r->span, at) : ref;
}

static void lower_method(Lower *L, Place dest, Expr *e) {
  Operand recv = lower_receiver(L, e);
  Operand *args = lower_args(L, e->args, e->nargs, &recv);
  move_refs_to_generics(e->args, e->nargs, args, 1);
  Callee c;
  if (e->dispatch == DISPATCH_BUILTIN) c = (Callee){.kind = CALLEE_BUILTIN, .expr = e};
  else if (e->dispatch == DISPATCH_DIRECT) c = (Callee){.kind = CALLEE_FN, .fn = e->fn, .targs = e->fn_targs, .ntargs = e->fn_ntargs};
  else c = trait_callee(L, e, e->self_ty);
  emit_call(L, dest, c, args, e->nargs + 1, raw_ty(e), e->span, e->name_span);
  written_call(L, e->name_span);
}

// `s += t` on a String: `String::push_str(&mut s, t)`, as std's AddAssign<&str> does. The
// call is a builtin method call that the source does not spell, so it is made up here.
static void lower_push_str(Lower *L, Expr *e) {
  // For an operator on a non-primitive type the place is evaluated first (the Reference's
  // "Compound assignment expressions").
  Place s = lower_place_mut(L, e->lhs, true);
  Type *rt = ty_ref(place_ty(L, s), true);
  Place r = temp(L, rt, e->lhs->span);
  assign(L, r, (Rvalue){.kind = RV_REF, .place = s, .mut = true, .ty = rt}, e->span);
  Operand rhs = lower_operand(L, e->rhs);
  Expr *call = arena_alloc(sizeof(Expr));
  *call = (Expr){.kind = EX_METHOD, .name = "push_str", .builtin = BI_STRING_PUSH_STR, .dispatch = DISPATCH_BUILTIN,
                 .self_ty = place_ty(L, s), .nargs = 1, .span = e->span, .name_span = e->span, .ty = ty_unit};
  Operand *args = arena_alloc(sizeof(Operand) * 2);
  args[0] = (Operand){.kind = OPND_MOVE, .place = r, .ty = rt};
  args[1] = rhs;
  emit_call(L, temp(L, ty_unit, e->span), (Callee){.kind = CALLEE_BUILTIN, .expr = call}, args, 2, ty_unit, e->span, e->span);
}

static void lower_aggregate(Lower *L, Place dest, AggKind kind, int variant, Expr **args, int n, int *field_map, int nfields,
                            Type *t, Span sp) {
  Operand *ops = arena_alloc(sizeof(Operand) * (nfields + 1));
  for (int i = 0; i < n; i++)
    ops[field_map ? field_map[i] : i] = read_before(L, lower_operand(L, args[i]), args + i + 1, n - i - 1, args[i]->span);
  assign(L, dest, (Rvalue){.kind = RV_AGGREGATE, .agg = kind, .variant = variant, .ops = ops, .nops = nfields, .ty = t}, sp);
}

// `S { a: x, ..base }`: the fields written, in order, then base (a place, or a temporary that
// is dropped with what is left of it), whose other fields are moved or copied out, as rustc
// lowers it: `_0 = S { a: move _2, b: move (_3.1), c: copy (_3.2) }`.
static void lower_struct_update(Lower *L, Place dest, Expr *e) {
  int nfields = e->sdecl->nfields;
  Operand *ops = arena_alloc(sizeof(Operand) * (nfields + 1));
  bool *written = arena_alloc(sizeof(bool) * (nfields + 1));
  for (int i = 0; i < e->nargs; i++) {
    ops[e->field_map[i]] = read_before(L, lower_operand(L, e->args[i]), e->args + i + 1, e->nargs - i - 1, e->args[i]->span);
    written[e->field_map[i]] = true;
  }
  Place base = lower_place(L, e->base_expr);
  Type *t = raw_ty(e);
  for (int f = 0; f < nfields; f++)
    if (!written[f]) ops[f] = use_place(L, project(base, PROJ_FIELD, f, 0, mir_field_type(t, -1, f)));
  assign(L, dest, (Rvalue){.kind = RV_AGGREGATE, .agg = AGG_ADT, .variant = -1, .ops = ops, .nops = nfields, .ty = t}, e->span);
}

TraitDecl *mir_param_fn_trait(FnDecl *f, Type *t) {
  GenericEnv *env = f->env;
  t = ty_resolve(t);
  if (t->kind == TY_OPAQUE) return opaque_fn_bound(t) ? opaque_fn_bound(t)->trait : NULL;  // `-> impl Fn()`
  if (t->kind != TY_PARAM || !env || t->index >= env->n) return NULL;
  TraitDecl *tr = NULL;
  for (int i = 0; i < env->nbounds[t->index]; i++)
    if (is_fn_trait(env->bounds[t->index][i]->trait)) tr = env->bounds[t->index][i]->trait;
  return tr;
}

// Whether calling a value of type t (no reference) may change it: an FnMut closure, a
// parameter bound by FnMut, a `dyn FnMut` (boxed or not).
static bool callable_is_mut(Lower *L, Type *t) {
  TraitDecl *fn_mut = L->crate->fn_traits[1];
  t = ty_callable(t);
  if (t->kind == TY_CLOSURE) return env_is_mut(t->closure);
  if (t->kind == TY_BOX) t = ty_resolve(t->inner);
  if (t->kind == TY_DYN) return fn_mut && t->principal && t->principal->trait == fn_mut;
  return fn_mut && mir_param_fn_trait(L->fn, t) == fn_mut;
}

// f(args) on a value: a closure, a fn pointer, a `dyn Fn`, or a type parameter bound by Fn*,
// through any references and boxes (rustc's `<F as Fn>::call`). A variable that may hold an
// FnOnce closure (an FnOnce one, or a parameter bound by FnOnce) is passed as `move`: codegen
// decides per instance whether the call consumes it. Anything else is called through a
// reference to it, `&mut` for FnMut.
static void lower_value_call(Lower *L, Place dest, Expr *e) {
  Place p = lower_place(L, e->sub);
  Type *t = place_ty(L, p), *rt = ty_resolve(t);
  // `f(x)` of `f: Box<F>` with `F: FnOnce(..)` (only) calls the F moved out of the Box.
  bool unboxed = rt->kind == TY_BOX && !p.nproj && L->crate->fn_traits[2] && mir_param_fn_trait(L->fn, rt->inner) == L->crate->fn_traits[2];
  if (unboxed) p = deref(L, p, e->sub->span), t = place_ty(L, p), rt = ty_resolve(t);
  Operand callee = {.kind = OPND_MOVE, .place = p, .ty = t, .span = e->sub->span};
  TraitDecl *bound = mir_param_fn_trait(L->fn, t);
  bool boxed_once = L->crate->fn_traits[2] && ty_box_dyn_trait(rt) == L->crate->fn_traits[2];
  Type *ct = ty_callable(rt);
  bool may_consume = (bound && bound == L->crate->fn_traits[2]) || (ct->kind == TY_CLOSURE && ct->closure->is_fn_once) || boxed_once;
  if (!may_consume || (p.nproj && !unboxed && !(boxed_once && partly_movable(L, p)))) {  // `(t.job)()` moves t.job out
    // An FnMut is called through `&mut` to it, reached through the references that lead to it:
    // `f: &dyn FnMut()` is `&mut *f`, which borrowck rejects (E0596) as rustc does.
    Place q = p;
    Type *qt = rt;
    while (qt->kind == TY_REF) q = deref(L, q, e->sub->span), qt = ty_resolve(qt->inner);
    bool mut = callable_is_mut(L, qt);
    if (mut) p = q, t = place_ty(L, q);
    callee.ty = ty_ref(t, mut);
    callee.place = temp(L, callee.ty, e->sub->span);
    assign(L, callee.place, (Rvalue){.kind = RV_REF, .place = p, .mut = mut, .autoref = true, .ty = callee.ty}, e->sub->span);
    cur_block(L)->stmts.data[cur_block(L)->stmts.len - 1].place_span = e->sub->span;
  }
  else if (is_copy(L, t)) callee.kind = OPND_COPY;  // `F: FnOnce() + Copy` is not consumed
  Operand *args = lower_args(L, e->args, e->nargs, &callee);
  emit_call(L, dest, (Callee){.kind = CALLEE_CALLABLE}, args, e->nargs + 1, raw_ty(e), e->span, e->span);
  written_call(L, e->sub->span);
}

static void lower_call(Lower *L, Place dest, Expr *e) {
  Expr *f = e->sub;
  if (f->kind != EX_PATH) {
    lower_value_call(L, dest, e);
    return;
  }
  switch (f->res) {
  case RES_FN: {
    Callee c = {.kind = CALLEE_FN, .fn = f->fn, .targs = f->fn_targs, .ntargs = f->fn_ntargs};
    Operand *args = lower_args(L, e->args, e->nargs, NULL);
    move_refs_to_generics(e->args, e->nargs, args, 0);
    emit_call(L, dest, c, args, e->nargs, raw_ty(e), e->span, e->span);
    written_call(L, f->span);
    return;
  }
  case RES_TRAIT_FN: {
    Callee c = trait_callee(L, f, f->self_ty);
    emit_call(L, dest, c, lower_args(L, e->args, e->nargs, NULL), e->nargs, raw_ty(e), e->span, e->span);
    written_call(L, f->span);
    return;
  }
  case RES_TUPLE_CTOR: {
    StructDecl *s = f->sdecl;
    int nf = s->is_enum ? s->variants[f->variant].nfields : s->nfields;
    lower_aggregate(L, dest, AGG_ADT, s->is_enum ? f->variant : -1, e->args, e->nargs, NULL, nf, raw_ty(e), e->span);
    return;
  }
  case RES_BUILTIN: {
    Callee c = {.kind = CALLEE_BUILTIN, .expr = e};
    Operand *args = lower_args(L, e->args, e->nargs, NULL);
    move_refs_to_generics(e->args, e->nargs, args, 0);
    emit_call(L, dest, c, args, e->nargs, raw_ty(e), e->span, e->span);
    written_call(L, f->span);
    return;
  }
  case RES_LOCAL: case RES_CONST_ITEM: lower_value_call(L, dest, e); return;  // a closure, a `const F: fn()`
  default: unsupported(L, "a call of this kind");
  }
}

// ---- control flow ----

static void switch_bool(Lower *L, Operand cond, int on_true, int on_false, Span sp) {
  terminate(L, mir_switch_bool(cond, on_true, on_false, sp));
}

// The condition of `if` and `while` is a temporary scope: what it makes is dropped before
// either branch runs.
static Operand lower_condition(Lower *L, Expr *e) {
  int height = L->drops.len;
  Operand c = lower_operand(L, e);
  if (L->drops.len > height && c.kind != OPND_CONST) {
    Place keep = local_place(new_local(L, ty_bool, NULL, true, e->span));
    assign(L, keep, rv_use(c), e->span);
    c = use_place(L, keep);
  }
  pop_to(L, height, e->span);
  return c;
}

// The two arms of `if` and `if let`, from the then block (current) and else_bb, to one join.
static void lower_then_else(Lower *L, Place dest, Expr *e, int else_bb) {
  int done = new_block(L);
  lower_scoped_block(L, dest, e->block);
  go_to(L, done);
  L->cur = else_bb;
  if (e->else_expr) {
    int height = L->drops.len;
    lower_into(L, dest, e->else_expr);
    pop_to(L, height, e->else_expr->span);
  }
  go_to(L, done);
  L->cur = done;
}

static void lower_if(Lower *L, Place dest, Expr *e) {
  Operand cond = lower_condition(L, e->sub);
  int then_bb = new_block(L), else_bb = new_block(L);
  switch_bool(L, cond, then_bb, else_bb, e->span);
  L->cur = then_bb;
  lower_then_else(L, dest, e, else_bb);
}

static LoopScope *push_loop(Lower *L, LoopScope *s, Expr *e, int brk, int cont) {
  *s = (LoopScope){.loop_expr = e, .brk = brk, .cont = cont, .drops = L->drops.len, .outer = L->loop};
  L->loop = s;
  return s;
}

static void lower_loop(Lower *L, Place dest, Expr *e) {
  int body = new_block(L), done = new_block(L);
  go_to(L, body);
  LoopScope s;
  push_loop(L, &s, e, done, body);
  s.result = dest;
  s.has_result = true;
  L->cur = body;
  Place scratch = temp(L, ty_unit, e->span);
  lower_scoped_block(L, scratch, e->block);
  go_to(L, body);
  L->loop = s.outer;
  L->cur = done;
}

// `'a: { .. break 'a v; .. }`: a block that `break 'a` leaves early, its value in dest either way.
static void lower_labeled_block(Lower *L, Place dest, Expr *e) {
  int done = new_block(L);
  LoopScope s;
  push_loop(L, &s, e, done, -1);
  s.result = dest;
  s.has_result = true;
  lower_scoped_block(L, dest, e->block);
  go_to(L, done);
  L->loop = s.outer;
  L->cur = done;
}

static void lower_while(Lower *L, Expr *e) {
  int head = new_block(L), body = new_block(L), done = new_block(L);
  go_to(L, head);
  L->cur = head;
  LoopScope s;
  push_loop(L, &s, e, done, head);  // before the condition, which may `break 'label` out of it
  Operand cond = lower_condition(L, e->sub);
  switch_bool(L, cond, body, done, e->span);
  L->cur = body;
  Place scratch = temp(L, ty_unit, e->span);
  lower_scoped_block(L, scratch, e->block);
  go_to(L, head);
  L->loop = s.outer;
  L->cur = done;
}

static LoopScope *loop_of(Lower *L, Expr *e) {
  for (LoopScope *s = L->loop; s; s = s->outer)
    if (s->loop_expr == e->loop->loop_expr) return s;
  ice(e->span, "break target not found in MIR lowering");
}

static void lower_break(Lower *L, Expr *e) {
  LoopScope *s = loop_of(L, e);
  if (e->sub) {
    if (s->has_result) lower_into(L, s->result, e->sub);
    else lower_operand(L, e->sub);
  } else if (s->has_result && ty_resolve(place_ty(L, s->result))->kind == TY_UNIT) {
    assign(L, s->result, rv_use(const_unit(ty_unit)), e->span);  // `break;` gives the loop `()`
  }
  exit_to(L, s->drops, e->span);
  go_to(L, s->brk);
  continue_unreachable(L);
}

static void lower_return(Lower *L, Expr *e) {
  if (e->sub) lower_into(L, local_place(0), e->sub);
  exit_to(L, 0, e->span);
  terminate(L, (Terminator){.kind = TERM_RETURN, .span = e->span});
  continue_unreachable(L);
}

// ---- patterns ----
//
// A pattern is matched against a place by testing it part by part, in the order written, and
// binding as it goes: each failed test jumps to `fail`, and the code after match_pattern runs
// only when everything matched. (rustc builds a decision tree over all the arms of a match at
// once; testing arm by arm gives the same results, and LLVM merges the repeated tests.)

static int bind_local(Lower *L, Local *l);

static void test_or_fail(Lower *L, Operand ok, int fail, Span sp) {
  int next = new_block(L);
  switch_bool(L, ok, next, fail, sp);
  L->cur = next;
}

static Operand compare(Lower *L, BinOp op, Operand a, Operand b, Span sp) {
  Place r = temp(L, ty_bool, sp);
  assign(L, r, (Rvalue){.kind = RV_BINARY, .binop = op, .a = a, .b = b, .ty = ty_bool}, sp);
  return use_place(L, r);
}

// A literal of a pattern (an integer, char or bool, possibly negated) as a constant of type t.
static Operand pattern_const(Expr *lit, Type *t) {
  bool neg = lit->kind == EX_UNARY;
  if (lit->kind != EX_INT && !neg) return const_int(t, lit->int_val);  // a char or a bool
  return const_wide(t, neg ? 0 - expr_int_value(lit->sub) : expr_int_value(lit));  // wraps: `-9223372036854775808`
}

// place == the pattern's literal. A string literal compares contents, as `<str as
// PartialEq>::eq` (`match name { "abc" => .. }`); other literals are integer constants.
static Operand test_literal(Lower *L, Place place, Pattern *p) {
  if (p->lit->kind != EX_STR) return compare(L, BIN_EQ, use_place(L, place), pattern_const(p->lit, place_ty(L, place)), p->span);
  Type *st = ty_ref(ty_str, false);
  Place lit = temp(L, st, p->span), ok = temp(L, ty_bool, p->span);
  assign(L, lit, rv_use((Operand){.kind = OPND_CONST, .c = {.kind = CONST_STR, .s = p->lit->str, .len = p->lit->str_len}, .ty = st}), p->span);
  lower_compare(L, ok, TK_EQEQ, place, lit, p->span);
  return use_place(L, ok);
}

static Type *adt_field_type(Type *t, int v, int f) { return mir_field_type(t, v, f); }

// A pattern is matched in two walks, as rustc does it: first every test (a failing one goes
// to `fail`), then every binding, so that no value is moved into a binding of an arm that
// turns out not to match. An arm with a guard binds in two steps around it: the guard sees
// by-reference and Copy bindings, and a binding that moves reads the matched place itself
// (an alias); the moves happen once the guard has passed.
typedef enum {
  WALK_TEST,        // the tests only
  WALK_BIND,        // every binding
  WALK_BIND_GUARD,  // the bindings that move nothing; moving ones become aliases
  WALK_BIND_MOVES,  // the moving bindings, after the guard
} PatWalk;

static bool binding_moves(Lower *L, Pattern *p) { return !p->bind_ref && !is_copy(L, p->local->ty); }

static void walk_pattern(Lower *L, Pattern *p, Place place, int fail, PatWalk w);
static int unreachable_block(Lower *L);

// `rest @ ..` of an array by value: the array of the elements it stands for, each moved (or
// copied) out on its own, so that the elements other bindings take stay theirs.
static Rvalue subarray_value(Lower *L, Place sub) {
  Proj *sp = &sub.proj[sub.nproj - 1];
  Place whole = {sub.local, sub.proj, sub.nproj - 1};
  Type *at = ty_resolve(place_ty(L, whole)), *rt = ty_resolve(sp->ty);
  int n = (int)rt->len;
  Operand *ops = arena_alloc(sizeof(Operand) * (n + 1));
  for (int i = 0; i < n; i++) {
    Place el = project(whole, PROJ_CONST_INDEX, sp->field + i, 0, at->inner);
    el.proj[el.nproj - 1].min = (int)at->len;
    ops[i] = use_place(L, el);
  }
  return (Rvalue){.kind = RV_AGGREGATE, .agg = AGG_ARRAY, .variant = -1, .ops = ops, .nops = n, .ty = rt};
}

static void bind_pattern_var(Lower *L, Pattern *p, Place place, PatWalk w) {
  bool moves = binding_moves(L, p);
  if (w == WALK_BIND_GUARD && moves) {
    L->alias[p->local->index] = place;
    L->has_alias[p->local->index] = true;
    return;
  }
  if (w == WALK_BIND_MOVES && !moves) return;  // bound before the guard
  L->has_alias[p->local->index] = false;
  int m = bind_local(L, p->local);
  if (p->bind_ref)
    assign(L, local_place(m), (Rvalue){.kind = RV_REF, .place = place, .mut = p->bind_mut, .binding = true, .ty = p->local->ty}, p->span);
  else if (place.nproj && place.proj[place.nproj - 1].kind == PROJ_SUBSLICE)
    assign(L, local_place(m), subarray_value(L, place), p->span);
  else
    assign(L, local_place(m), rv_use(use_place(L, place)), p->span);
}

// An or-pattern's bindings come from the alternative that matched: each is tested again
// (tests read, never move) and the first that matches binds.
static void bind_alternatives(Lower *L, Pattern *p, Place place, PatWalk w) {
  int matched = new_block(L);
  for (int a = 0; a < p->nelems; a++) {
    int next = a + 1 < p->nelems ? new_block(L) : unreachable_block(L);
    walk_pattern(L, p->elems[a], place, next, WALK_TEST);
    walk_pattern(L, p->elems[a], place, next, w);
    go_to(L, matched);
    L->cur = next;
  }
  L->cur = matched;
}

// A slice pattern on a slice tests the length first (`[a, b]` exactly 2, `[a, .., z]` at
// least 2); an array's length is its type's. Then each element is a constant index into the
// place, those after a `..` counted from the end (for an array, from its known length), and
// `rest @ ..` the subslice (a subarray) between.
static void walk_slice_pattern(Lower *L, Pattern *p, Place place, Type *t, int fail, PatWalk w) {
  int fixed = p->nelems - (p->rest >= 0);
  bool array = t->kind == TY_ARRAY;
  if (w == WALK_TEST && !array) {
    Place len = temp(L, ty_usize, p->span);
    assign(L, len, (Rvalue){.kind = RV_LEN, .place = place, .ty = ty_usize}, p->span);
    test_or_fail(L, compare(L, p->rest >= 0 ? BIN_GE : BIN_EQ, use_place(L, len), const_int(ty_usize, (uint64_t)fixed), p->span), fail, p->span);
  }
  for (int i = 0; i < p->nelems; i++) {
    Pattern *e = p->elems[i];
    Place part;
    if (i == p->rest) {
      int after = p->nelems - i - 1;
      Type *rt = array ? ty_array(t->inner, t->len - (uint64_t)fixed) : t;
      part = project(place, PROJ_SUBSLICE, i, after, rt);
    } else {
      bool from_end = p->rest >= 0 && i > p->rest;
      int k = from_end ? p->nelems - i : i;
      if (from_end && array) k = (int)t->len - k, from_end = false;
      part = project(place, PROJ_CONST_INDEX, k, 0, t->inner);
      part.proj[part.nproj - 1].from_end = from_end;
      part.proj[part.nproj - 1].min = array ? (int)t->len : fixed;
    }
    walk_pattern(L, e, part, fail, w);
  }
}

static void walk_pattern(Lower *L, Pattern *p, Place place, int fail, PatWalk w) {
  for (int i = 0; i < p->derefs; i++) place = deref(L, place, p->span);
  Type *t = ty_resolve(place_ty(L, place));
  bool test = w == WALK_TEST;
  switch (p->kind) {
  case PAT_WILD: case PAT_REST: return;
  case PAT_BIND:  // `a @ (b, _)` binds b first, as rustc does (a may then move what b copied)
    if (p->sub) walk_pattern(L, p->sub, place, fail, w);
    if (!test) bind_pattern_var(L, p, place, w);
    return;
  case PAT_REF: walk_pattern(L, p->sub, deref(L, place, p->span), fail, w); return;
  case PAT_SLICE: walk_slice_pattern(L, p, place, t, fail, w); return;
  case PAT_TUPLE:
    for (int i = 0; i < p->nelems; i++) {
      int f = p->field_map[i];
      if (f >= 0) walk_pattern(L, p->elems[i], project(place, PROJ_FIELD, f, 0, t->args[f]), fail, w);
    }
    return;
  case PAT_PATH: case PAT_TUPLE_STRUCT: case PAT_STRUCT: {
    if (!p->sdecl || t->kind != TY_STRUCT) unsupported(L, "a constant pattern");
    int v = p->sdecl->is_enum ? p->variant : -1;
    Place base = place;
    if (v >= 0) {
      if (test) {
        Place d = temp(L, ty_isize, p->span);
        assign(L, d, (Rvalue){.kind = RV_DISCRIMINANT, .place = place, .ty = ty_isize}, p->span);
        test_or_fail(L, compare(L, BIN_EQ, use_place(L, d), const_int(ty_isize, (uint64_t)p->sdecl->variants[v].discr), p->span), fail, p->span);
      }
      base = project(place, PROJ_VARIANT, v, 0, place_ty(L, place));
    }
    for (int i = 0; i < p->nelems; i++) {
      int f = p->field_map ? p->field_map[i] : i;
      if (f >= 0) walk_pattern(L, p->elems[i], project(base, PROJ_FIELD, f, 0, adt_field_type(t, v, f)), fail, w);
    }
    return;
  }
  case PAT_LIT:
    if (test) test_or_fail(L, test_literal(L, place, p), fail, p->span);
    return;
  case PAT_RANGE:
    if (!test) return;
    if (p->lit) test_or_fail(L, compare(L, BIN_GE, use_place(L, place), pattern_const(p->lit, t), p->span), fail, p->span);
    if (p->hi) {
      BinOp op = p->inclusive ? BIN_LE : BIN_LT;
      test_or_fail(L, compare(L, op, use_place(L, place), pattern_const(p->hi, t), p->span), fail, p->span);
    }
    return;
  case PAT_OR: {
    if (!test) {
      bind_alternatives(L, p, place, w);
      return;
    }
    int matched = new_block(L);
    for (int a = 0; a < p->nelems; a++) {
      int next = a + 1 < p->nelems ? new_block(L) : fail;
      walk_pattern(L, p->elems[a], place, next, WALK_TEST);
      go_to(L, matched);
      L->cur = next;
    }
    L->cur = matched;
    return;
  }
  }
}

// Tests p against place (going to fail if it does not match), then binds its variables.
static void match_pattern(Lower *L, Pattern *p, Place place, int fail) {
  walk_pattern(L, p, place, fail, WALK_TEST);
  walk_pattern(L, p, place, fail, WALK_BIND);
}

// A block nothing may reach (after an exhaustive match's last test, an irrefutable pattern).
static int unreachable_block(Lower *L) {
  int saved = L->cur, b = new_block(L);
  L->cur = b;
  terminate(L, (Terminator){.kind = TERM_UNREACHABLE});
  L->cur = saved;
  return b;
}

static bool is_variant_pattern(Pattern *p) {
  return (p->kind == PAT_PATH || p->kind == PAT_TUPLE_STRUCT || p->kind == PAT_STRUCT) && p->sdecl && p->sdecl->is_enum;
}

static bool is_catch_all(Pattern *p) { return p->kind == PAT_WILD || (p->kind == PAT_BIND && !p->sub); }

// A match whose arms test the variant of one enum, or integer, char or bool literals (with
// catch-alls among them) starts with one switchInt, as rustc's does: on the discriminant, or
// on the value itself. Each value goes straight to the first arm that can take it, past that
// arm's own test; an arm whose fields or guard then fail goes on to the next arm's full test.
// The depth of references peeled off before the test (`match self` on `&Enum`) must be the
// same in every such arm.
typedef enum { SWITCH_NONE, SWITCH_VARIANT, SWITCH_LITERAL } SwitchKind;

static bool is_literal_pattern(Pattern *p) {
  if (p->kind == PAT_LIT) return p->lit->kind != EX_STR;
  if (p->kind != PAT_OR) return false;
  for (int i = 0; i < p->nelems; i++)
    if (p->elems[i]->kind != PAT_LIT || p->elems[i]->lit->kind == EX_STR || p->elems[i]->derefs) return false;
  return true;
}

static SwitchKind switch_kind(Expr *e, int *depth) {
  SwitchKind kind = SWITCH_NONE;
  *depth = -1;
  for (int i = 0; i < e->narms; i++) {
    Pattern *p = e->arms[i].pat;
    if (is_catch_all(p)) continue;
    SwitchKind k = is_variant_pattern(p) ? SWITCH_VARIANT : is_literal_pattern(p) ? SWITCH_LITERAL : SWITCH_NONE;
    if (k == SWITCH_NONE || (kind != SWITCH_NONE && k != kind) || (*depth >= 0 && p->derefs != *depth)) return SWITCH_NONE;
    kind = k;
    *depth = p->derefs;
  }
  return kind;
}

// Does arm pattern p (not a catch-all) take the switch value v?
static bool arm_takes(Pattern *p, SwitchKind kind, uint64_t v, Type *t) {
  if (kind == SWITCH_VARIANT) return (uint64_t)p->sdecl->variants[p->variant].discr == v;
  if (p->kind == PAT_LIT) return pattern_const(p->lit, t).c.i == v;
  for (int i = 0; i < p->nelems; i++)
    if (pattern_const(p->elems[i]->lit, t).c.i == v) return true;
  return false;
}

// The switch at the top of a match: every value some arm names, to the first arm that takes it.
static void emit_match_switch(Lower *L, Expr *e, SwitchKind kind, Place vp, int *known) {
  Type *t = ty_resolve(place_ty(L, vp));
  int cap = 1;
  for (int i = 0; i < e->narms; i++) cap += e->arms[i].pat->kind == PAT_OR ? e->arms[i].pat->nelems : 1;
  if (kind == SWITCH_VARIANT && t->sdecl->nvariants + 1 > cap) cap = t->sdecl->nvariants + 1;
  uint64_t *vals = arena_alloc(sizeof(uint64_t) * cap);
  int *tg = arena_alloc(sizeof(int) * cap), n = 0, otherwise = -1;
  for (int i = 0; i < e->narms && otherwise < 0; i++)
    if (is_catch_all(e->arms[i].pat)) otherwise = known[i];
  // The candidate values: every variant, or every literal written, in order.
  uint64_t *cand = arena_alloc(sizeof(uint64_t) * cap);
  int nc = 0;
  if (kind == SWITCH_VARIANT) {
    for (int v = 0; v < t->sdecl->nvariants; v++) cand[nc++] = (uint64_t)t->sdecl->variants[v].discr;
  } else {
    for (int i = 0; i < e->narms; i++) {
      Pattern *p = e->arms[i].pat;
      if (is_catch_all(p)) continue;
      for (int k = 0; k < (p->kind == PAT_OR ? p->nelems : 1); k++)
        cand[nc++] = pattern_const(p->kind == PAT_OR ? p->elems[k]->lit : p->lit, t).c.i;
    }
  }
  for (int c = 0; c < nc; c++) {
    bool seen = false;
    for (int k = 0; k < n && !seen; k++) seen = vals[k] == cand[c];
    if (seen) continue;
    int to = -1;
    for (int i = 0; i < e->narms && to < 0; i++) {
      Pattern *p = e->arms[i].pat;
      if (is_catch_all(p) || arm_takes(p, kind, cand[c], t)) to = known[i];
    }
    if (to < 0 || to == otherwise) continue;
    vals[n] = cand[c];
    tg[n++] = to;
  }
  tg[n] = otherwise >= 0 ? otherwise : unreachable_block(L);
  Operand d;
  if (kind == SWITCH_VARIANT) {
    Span sp = e->sub ? e->sub->span : e->span;  // a read of the scrutinee
    Place dp = temp(L, ty_isize, sp);
    assign(L, dp, (Rvalue){.kind = RV_DISCRIMINANT, .place = vp, .ty = ty_isize}, sp);
    d = use_place(L, dp);
  } else {
    d = use_place(L, vp);
  }
  terminate(L, (Terminator){.kind = TERM_SWITCH, .discr = d, .values = vals, .targets = tg, .nvalues = n, .span = e->span});
}

// The fields of variant pattern p, its variant already known to match.
static void match_variant_fields(Lower *L, Pattern *p, Place place, int fail) {
  Type *t = ty_resolve(place_ty(L, place));
  Place base = project(place, PROJ_VARIANT, p->variant, 0, place_ty(L, place));
  for (int i = 0; i < p->nelems; i++) {
    int f = p->field_map ? p->field_map[i] : i;
    if (f >= 0) walk_pattern(L, p->elems[i], project(base, PROJ_FIELD, f, 0, adt_field_type(t, p->variant, f)), fail, WALK_TEST);
  }
}

static Place peel(Lower *L, Place p, int depth, Span sp) {
  for (int k = 0; k < depth; k++) p = deref(L, p, sp);
  return p;
}

// Whether p borrows part of the value it matches mutably with `ref mut` (not through a
// reference the value holds): the scrutinee is then a place used mutably (`IndexMut` for
// `v[..]`), as rustc's pattern mutability makes it.
static bool borrows_mut(Pattern *p) {
  if (!p || p->derefs || p->kind == PAT_REF) return false;
  if (p->kind == PAT_BIND && p->by_ref && p->mut) return true;
  if (borrows_mut(p->sub)) return true;
  for (int i = 0; i < p->nelems; i++)
    if (borrows_mut(p->elems[i])) return true;
  return false;
}

static bool any_arm_borrows_mut(Expr *e) {
  for (int i = 0; i < e->narms; i++)
    if (borrows_mut(e->arms[i].pat)) return true;
  return false;
}

// The place a pattern is matched against; a temporary made for it (`match make() {..}`,
// `let a @ b = U;`) has its moves checked as a variable's would be, for a pattern can move
// out of it twice.
static Place scrutinee(Lower *L, Expr *e, bool mut) {
  Place p = lower_place_mut(L, e, mut);
  if (!p.nproj && !L->b->locals.data[p.local].name) L->b->locals.data[p.local].scrutinee = true;
  return p;
}

static void lower_match(Lower *L, Place dest, Expr *e) {
  Place scrut = scrutinee(L, e->sub, any_arm_borrows_mut(e));  // matched where it is: arms bind parts of it
  int done = new_block(L), depth;
  SwitchKind kind = switch_kind(e, &depth);
  Type *st = ty_resolve(e->sub->ty);
  while (st->kind == TY_REF) st = ty_resolve(st->inner);
  if (st->kind == TY_INT && st->bits > 64) kind = SWITCH_NONE;  // switch values are 64-bit: i128 arms test in turn
  int *known = arena_alloc(sizeof(int) * (e->narms + 1));   // per arm: entry with its value known
  int *full = arena_alloc(sizeof(int) * (e->narms + 1));    // per arm: entry that tests everything
  for (int i = 0; i < e->narms; i++) known[i] = full[i] = new_block(L);
  if (kind != SWITCH_NONE) {
    int first = L->cur;
    for (int i = 0; i < e->narms; i++)
      if (!is_catch_all(e->arms[i].pat)) known[i] = new_block(L);
    L->cur = first;
    emit_match_switch(L, e, kind, peel(L, scrut, depth, e->span), known);
  } else {
    go_to(L, full[0]);
  }
  for (int i = 0; i < e->narms; i++) {
    MatchArm *a = &e->arms[i];
    int next = i + 1 < e->narms ? full[i + 1] : unreachable_block(L);
    int body = new_block(L);
    L->cur = full[i];
    walk_pattern(L, a->pat, scrut, next, WALK_TEST);
    go_to(L, body);
    if (known[i] != full[i]) {
      L->cur = known[i];
      if (kind == SWITCH_VARIANT) match_variant_fields(L, a->pat, peel(L, scrut, depth, a->pat->span), next);
      go_to(L, body);
    }
    L->cur = body;
    // The arm's bindings are its own: dropped when it ends.
    int height = L->drops.len;
    if (a->guard) {
      walk_pattern(L, a->pat, scrut, next, WALK_BIND_GUARD);
      test_or_fail(L, lower_condition(L, a->guard), next, a->guard->span);
      walk_pattern(L, a->pat, scrut, next, WALK_BIND_MOVES);
    } else {
      walk_pattern(L, a->pat, scrut, next, WALK_BIND);
    }
    lower_into(L, dest, a->body);
    pop_to(L, height, a->body->span);
    go_to(L, done);
  }
  L->cur = done;
}

static void lower_if_let(Lower *L, Place dest, Expr *e) {
  Place scrut = scrutinee(L, e->sub, false);
  int else_bb = new_block(L);
  match_pattern(L, e->pat, scrut, else_bb);
  lower_then_else(L, dest, e, else_bb);
}

static LoopScope *push_loop(Lower *L, LoopScope *s, Expr *e, int brk, int cont);

static void lower_while_let(Lower *L, Expr *e) {
  int head = new_block(L), done = new_block(L);
  go_to(L, head);
  L->cur = head;
  Place scrut = scrutinee(L, e->sub, false);
  match_pattern(L, e->pat, scrut, done);
  LoopScope s;
  push_loop(L, &s, e, done, head);
  Place scratch = temp(L, ty_unit, e->span);
  lower_scoped_block(L, scratch, e->block);
  go_to(L, head);
  L->loop = s.outer;
  L->cur = done;
}

// ---- for loops ----
//
// `for pat in e { body }` is, as Rust defines it,
//
//     let mut iter = IntoIterator::into_iter(e);
//     loop { match Iterator::next(&mut iter) { None => break, Some(pat) => body } }
//
// with `iter` dropped when the loop ends (lower_for_iterator). Ranges, arrays, slices and
// `.iter()` over them, which trc iterates natively, are walked here directly: a range counts,
// an array or slice is walked by index. Every path gives each element to the loop's pattern
// in a scope of one iteration: the element and the pattern's bindings are dropped when the
// body ends, or at a `continue` or `break`.

static int unreachable_block(Lower *L);

// Binds one element (held in elem, a temporary scheduled above `height`), runs the body with
// `continue` going to `next`, ends the iteration's scope and jumps to `next`.
static void for_body(Lower *L, Expr *e, Place elem, int height, int next, int done) {
  LoopScope s;
  push_loop(L, &s, e, done, next);
  s.drops = height;
  match_pattern(L, e->pat, elem, unreachable_block(L));
  Place scratch = temp(L, ty_unit, e->span);
  lower_block_into(L, scratch, e->block);
  pop_to(L, height, e->block->span);
  go_to(L, next);
  L->loop = s.outer;
}

// `<t as IntoIterator>::into_iter`, for a value that is already an Iterator (the prelude's
// blanket impl, the identity), which the checker does not spell out.
static bool identity_into_iter(Lower *L, Type *t, Callee *out) {
  TraitDecl *tr = L->crate->into_iterator_trait;
  t = ty_resolve(t);
  if (!tr || t->kind == TY_REF || t->kind == TY_BOX) return false;  // `&mut I`, `Box<I>` iterate in place
  for (int i = 0; i < tr->nmethods; i++) {
    if (strcmp(tr->methods[i]->name, "into_iter")) continue;
    Type **targs = arena_alloc(sizeof(Type *));
    targs[0] = t;
    *out = (Callee){.kind = CALLEE_TRAIT, .fn = tr->methods[i], .targs = targs, .ntargs = 1, .trait = tr, .self_ty = t};
    return true;
  }
  return false;
}


// for pat in e, over an Iterator or an IntoIterator (the checker resolved `into_iter` and
// `next` as e->for_into and e->for_next, on the hidden locals e->for_src and e->for_iter).
static void lower_for_iterator(Lower *L, Expr *e) {
  int outer = L->drops.len;
  Place iter;
  Callee into;
  if (e->for_into) {
    Place src = local_place(bind_local(L, e->for_src));
    lower_into(L, src, e->sub);
    iter = local_place(bind_local(L, e->for_iter));
    lower_method(L, iter, e->for_into);
  } else if (identity_into_iter(L, e->sub->ty, &into)) {
    Operand *arg = arena_alloc(sizeof(Operand));
    *arg = lower_operand(L, e->sub);
    iter = local_place(bind_local(L, e->for_iter));
    emit_call(L, iter, into, arg, 1, e->sub->ty, e->sub->span, e->sub->span);
  } else {
    iter = local_place(bind_local(L, e->for_iter));
    lower_into(L, iter, e->sub);
  }
  int head = new_block(L), body = new_block(L), done = new_block(L);
  go_to(L, head);
  L->cur = head;
  // The Option that next returns is never dropped: Some's payload is moved out at once into
  // the iteration's element, and None owns nothing.
  Type *ot = raw_ty(e->for_next), *rot = ty_resolve(ot);
  Place opt = local_place(new_local(L, ot, NULL, true, e->span));
  lower_method(L, opt, e->for_next);
  int some = find_variant(rot->sdecl, intern_cstr("Some"));
  Place d = temp(L, ty_isize, e->span);
  assign(L, d, (Rvalue){.kind = RV_DISCRIMINANT, .place = opt, .ty = ty_isize}, e->span);
  uint64_t *vals = arena_alloc(sizeof(uint64_t) * 2);
  int *tg = arena_alloc(sizeof(int) * 3);
  vals[0] = (uint64_t)rot->sdecl->variants[1 - some].discr;
  vals[1] = (uint64_t)rot->sdecl->variants[some].discr;
  tg[0] = done;
  tg[1] = body;
  tg[2] = unreachable_block(L);
  terminate(L, (Terminator){.kind = TERM_SWITCH, .discr = use_place(L, d), .values = vals, .targets = tg, .nvalues = 2, .span = e->span});
  L->cur = body;
  int height = L->drops.len;
  Type *it = adt_field_type(rot, some, 0);
  Place item = temp(L, it, e->span);
  Place payload = project(project(opt, PROJ_VARIANT, some, 0, ot), PROJ_FIELD, 0, 0, it);
  assign(L, item, rv_use((Operand){.kind = is_copy(L, it) ? OPND_COPY : OPND_MOVE, .place = payload, .ty = it}), e->span);
  for_body(L, e, item, height, head, done);
  L->cur = done;
  pop_to(L, outer, e->span);  // iter, then what e's evaluation left
}

static Operand one_of(Type *t) { return const_int(t, 1); }

// for pat in lo..hi / lo..=hi
// A range's bounds into two fresh temporaries: a literal's from its operands, a range value's
// (`(0..n).rev()`) from its start and end fields.
static void range_bounds(Lower *L, Expr *r, Type *et, Place *lo, Place *hi) {
  *lo = temp(L, et, r->span);
  *hi = temp(L, et, r->span);
  if (r->kind == EX_RANGE && !r->coerce) {
    if (!r->lhs || !r->rhs) unsupported(L, "a `for` loop over an open range");
    lower_into(L, *lo, r->lhs);
    lower_into(L, *hi, r->rhs);
    return;
  }
  Place v = lower_place(L, r);
  assign(L, *lo, rv_use(use_place(L, project(v, PROJ_FIELD, 0, 0, et))), r->span);
  assign(L, *hi, rv_use(use_place(L, project(v, PROJ_FIELD, 1, 0, et))), r->span);
}

// for x in lo..hi / lo..=hi: a counter that never steps past the last value it visits, so
// that `..=MAX` ends cleanly. (`.rev()` and the other adapters are std::iter's, looped over
// by their `next`.)
//   i = lo;  head: if i < hi (i <= hi) { x = i; body; [if i == hi: done]; i += 1; head }
static void lower_for_range(Lower *L, Expr *e) {
  Expr *r = e->sub;
  Type *rt = ty_resolve(r->ty), *et = rt->inner;
  bool inclusive = rt->len & 1;
  Place lo, hi;
  range_bounds(L, r, et, &lo, &hi);
  Place i = lo, last = hi;
  int head = new_block(L), body = new_block(L), step = new_block(L), done = new_block(L);
  go_to(L, head);
  L->cur = head;
  Operand more = compare(L, inclusive ? BIN_LE : BIN_LT, use_place(L, i), use_place(L, hi), r->span);
  switch_bool(L, more, body, done, r->span);
  L->cur = body;
  int height = L->drops.len;
  Place x = temp(L, et, r->span);
  assign(L, x, rv_use(use_place(L, i)), r->span);
  for_body(L, e, x, height, step, done);
  L->cur = step;
  // The step cannot overflow: i < hi, or i != last checked just below for `..=`.
  if (inclusive) test_or_fail(L, compare(L, BIN_NE, use_place(L, i), use_place(L, last), r->span), done, r->span);
  assign(L, i, (Rvalue){.kind = RV_BINARY, .binop = BIN_ADD, .a = use_place(L, i), .b = one_of(et), .ty = et}, r->span);
  go_to(L, inclusive ? body : head);
  L->cur = done;
}

// for pat in array / &array / &slice / &Vec / &mut ... / v.iter(): by index, each element by
// value or by reference.
static void lower_for_elements(Lower *L, Expr *e) {
  Type *t = ty_resolve(e->sub->ty);
  bool iter = t->kind == TY_ITER, by_ref = t->kind == TY_REF || iter, mut = iter ? t->mut : t->kind == TY_REF && t->mut;
  Place base = lower_place(L, e->sub);
  if (is_place_expr(e->sub) && (t->kind == TY_REF || (t->kind == TY_ARRAY && is_copy(L, t)))) {
    // into_iter takes the array (or the reference) at the start: the body may change the
    // variable, not what the loop walks.
    Place own = temp(L, t, e->sub->span);
    assign(L, own, rv_use(use_place(L, base)), e->sub->span);
    base = own;
  }
  if (t->kind == TY_REF || iter) base = deref(L, base, e->sub->span);
  if (ty_resolve(place_ty(L, base))->kind == TY_VEC) base = deref(L, base, e->sub->span);
  if (ty_resolve(place_ty(L, base))->kind == TY_SLICE && base.nproj) {
    // The slice is read once, as slice::Iter holds its pointer and length: `_s = &(*_v)[..]`,
    // then `(*_s)[i]`. (Reading the Vec's buffer pointer anew at every element would make
    // LLVM reload it after every call in the body, which it cannot prove leaves the Vec alone.)
    Type *st = ty_ref(place_ty(L, base), mut);
    Place sref = temp(L, st, e->sub->span);
    assign(L, sref, (Rvalue){.kind = RV_REF, .place = base, .mut = mut, .ty = st}, e->sub->span);
    base = deref(L, sref, e->sub->span);
  }
  Type *bt = ty_resolve(place_ty(L, base));
  Place len = temp(L, ty_usize, e->span), idx = temp(L, ty_usize, e->span);
  assign(L, len, (Rvalue){.kind = RV_LEN, .place = base, .ty = ty_usize}, e->span);
  assign(L, idx, rv_use(const_int(ty_usize, 0)), e->span);
  int head = new_block(L), body = new_block(L), done = new_block(L);
  go_to(L, head);
  L->cur = head;
  Operand more = compare(L, BIN_LT, use_place(L, idx), use_place(L, len), e->span);
  switch_bool(L, more, body, done, e->span);
  L->cur = body;
  int height = L->drops.len;
  Place at = temp(L, ty_usize, e->span);
  assign(L, at, rv_use(use_place(L, idx)), e->span);
  assign(L, idx, (Rvalue){.kind = RV_BINARY, .binop = BIN_ADD, .a = use_place(L, idx), .b = one_of(ty_usize), .ty = ty_usize}, e->span);
  Place el = project(base, PROJ_INDEX, 0, at.local, bt->inner);
  Type *xt = by_ref ? ty_ref(bt->inner, mut) : bt->inner;
  Place x = temp(L, xt, e->span);
  if (by_ref) assign(L, x, (Rvalue){.kind = RV_REF, .place = el, .mut = mut, .ty = xt}, e->span);
  else assign(L, x, rv_use(use_place(L, el)), e->span);
  for_body(L, e, x, height, head, done);
  L->cur = done;
}

// for pat in v, v: Vec<T>: the loop owns the Vec and moves each element out in turn. Until it
// ends it owns the elements from the index on (`drop(_v[_i..])` drops those, then frees the
// buffer), as the `vec::IntoIter` that rustc's desugaring makes does.
static void lower_for_vec(Lower *L, Expr *e) {
  int outer = L->drops.len;
  Type *vt = e->sub->ty, *et = ty_resolve(vt)->inner;
  Place v = local_place(new_local(L, vt, NULL, true, e->sub->span));
  lower_into(L, v, e->sub);
  BasicBlock *took = &L->b->blocks.data[L->cur];
  if (took->stmts.len && took->stmts.data[took->stmts.len - 1].place.local == v.local) took->stmts.data[took->stmts.len - 1].into_iter = true;
  Place idx = local_place(new_local(L, ty_usize, NULL, true, e->span)), len = temp(L, ty_usize, e->span);
  assign(L, idx, rv_use(const_int(ty_usize, 0)), e->span);
  vec_push(&L->drops, (DropEntry){v, -1, idx.local, false});
  Place elems = deref(L, v, e->span);
  int head = new_block(L), body = new_block(L), done = new_block(L);
  go_to(L, head);
  L->cur = head;
  assign(L, len, (Rvalue){.kind = RV_LEN, .place = elems, .ty = ty_usize}, e->span);
  switch_bool(L, compare(L, BIN_LT, use_place(L, idx), use_place(L, len), e->span), body, done, e->span);
  L->cur = body;
  int height = L->drops.len;
  // The index moves past the element first: from here on the element is the loop's.
  Place at = temp(L, ty_usize, e->span), item = temp(L, et, e->span);
  assign(L, at, rv_use(use_place(L, idx)), e->span);
  assign(L, idx, (Rvalue){.kind = RV_BINARY, .binop = BIN_ADD, .a = use_place(L, idx), .b = one_of(ty_usize), .ty = ty_usize}, e->span);
  Place el = project(elems, PROJ_INDEX, 0, at.local, et);
  assign(L, item, rv_use((Operand){.kind = is_copy(L, et) ? OPND_COPY : OPND_MOVE, .place = el, .ty = et}), e->span);
  for_body(L, e, item, height, head, done);
  L->cur = done;
  pop_to(L, outer, e->span);
}

// A `for` loop is its own temporary scope: rustc's desugaring is `{ let result = match
// into_iter(head) { .. }; result }`, so what its head borrowed (`for l in log.borrow().iter()`)
// is dropped when the loop ends, also as a block's tail.
static void lower_for_kind(Lower *L, Expr *e);

static void lower_for(Lower *L, Expr *e) {
  int height = L->drops.len;
  lower_for_kind(L, e);
  pop_to(L, height, e->span);
}

static void lower_for_kind(Lower *L, Expr *e) {
  Type *t = ty_resolve(e->sub->ty);
  if (t->kind == TY_RANGE) {  // a literal or a value, forward or reversed
    lower_for_range(L, e);
    return;
  }
  Type *in = t->kind == TY_REF ? ty_resolve(t->inner) : t;
  bool by_ref_seq = t->kind == TY_REF && (in->kind == TY_SLICE || in->kind == TY_VEC || in->kind == TY_ARRAY);
  if ((in->kind == TY_ARRAY && is_copy(L, in->inner)) || by_ref_seq || t->kind == TY_ITER) {
    lower_for_elements(L, e);
    return;
  }
  if (e->for_next) {
    lower_for_iterator(L, e);
    return;
  }
  if (t->kind == TY_VEC) {
    lower_for_vec(L, e);
    return;
  }
  unsupported(L, arena_printf("a `for` loop over `%s`", ty_name(t)));
}

// ---- `?` ----

// x? is `match x { Ok(v) => v, Err(e) => return Err(e) }` (Some/None for an Option): the
// payload is moved out on either path, so the matched value itself is never dropped.
static void lower_try(Lower *L, Place dest, Expr *e) {
  Type *st = raw_ty(e->sub), *rst = ty_resolve(st);
  StructDecl *sd = rst->sdecl;
  bool result = sd->nvariants == 2 && !strcmp(sd->variants[0].name, "Ok");
  int good = find_variant(sd, intern_cstr(result ? "Ok" : "Some")), bad = find_variant(sd, intern_cstr(result ? "Err" : "None"));
  Place subj = local_place(new_local(L, st, NULL, true, e->span));
  lower_into(L, subj, e->sub);
  Place d = temp(L, ty_isize, e->span);
  assign(L, d, (Rvalue){.kind = RV_DISCRIMINANT, .place = subj, .ty = ty_isize}, e->span);
  int ok = new_block(L), fail = new_block(L);
  uint64_t *vals = arena_alloc(sizeof(uint64_t) * 2);
  int *tg = arena_alloc(sizeof(int) * 3);
  vals[0] = (uint64_t)sd->variants[good].discr;
  vals[1] = (uint64_t)sd->variants[bad].discr;
  tg[0] = ok;
  tg[1] = fail;
  tg[2] = unreachable_block(L);
  terminate(L, (Terminator){.kind = TERM_SWITCH, .discr = use_place(L, d), .values = vals, .targets = tg, .nvalues = 2, .span = e->span});
  // The early return: Err(e) (or None) of the function's return type.
  L->cur = fail;
  Place ret = local_place(0);
  Type *rt = place_ty(L, ret);
  Rvalue agg = {.kind = RV_AGGREGATE, .agg = AGG_ADT, .variant = find_variant(ty_resolve(rt)->sdecl, intern_cstr(result ? "Err" : "None")), .ty = rt};
  if (result) {
    Type *et = adt_field_type(rst, bad, 0);
    Place err = project(project(subj, PROJ_VARIANT, bad, 0, st), PROJ_FIELD, 0, 0, et);
    agg.ops = arena_alloc(sizeof(Operand));
    agg.ops[0] = (Operand){.kind = is_copy(L, et) ? OPND_COPY : OPND_MOVE, .place = err, .ty = et};
    agg.nops = 1;
    if (e->fn) {  // `From::from(err)` into the return type's error type
      Type *to = adt_field_type(ty_resolve(rt), agg.variant, 0);
      Place conv = temp(L, to, e->span);
      Callee c = {.kind = CALLEE_TRAIT, .fn = e->fn, .targs = e->fn_targs, .ntargs = e->fn_ntargs, .trait = e->trait, .self_ty = to};
      emit_call(L, conv, c, agg.ops, 1, to, e->span, e->span);
      agg.ops = arena_alloc(sizeof(Operand));
      agg.ops[0] = (Operand){.kind = OPND_MOVE, .place = conv, .ty = to};
    }
  }
  assign(L, ret, agg, e->span);
  exit_to(L, 0, e->span);
  terminate(L, (Terminator){.kind = TERM_RETURN, .span = e->span});
  // Ok(v): v is the value of x?.
  L->cur = ok;
  Type *vt = adt_field_type(rst, good, 0);
  Place v = project(project(subj, PROJ_VARIANT, good, 0, st), PROJ_FIELD, 0, 0, vt);
  assign(L, dest, rv_use((Operand){.kind = is_copy(L, vt) ? OPND_COPY : OPND_MOVE, .place = v, .ty = vt}), e->span);
}

// ---- macros ----

static bool name_is(const char *n, const char *a, const char *b) { return !strcmp(n, a) || (b && !strcmp(n, b)); }

// A reference to the place of a format argument: format_args! borrows its arguments.
static Operand borrow_arg(Lower *L, Place p, Span sp) {
  Type *t = place_ty(L, p);
  if (!ty_is_sized(t)) unsupported(L, "an unsized format argument");
  return borrow_place(L, p, sp);
}

// The macro's output or panic as a call; `known` are places already evaluated for args[0..].
static void macro_call(Lower *L, Place dest, Expr *e, int first, Place *known, int nknown, Type *ret) {
  Operand *args = arena_alloc(sizeof(Operand) * (e->nargs + 1));
  for (int i = 0; i < e->nargs; i++) {
    if (i < nknown) args[i] = borrow_arg(L, known[i], e->args[i]->span);
    else if (i < first) args[i] = const_unit(ty_unit);
    else args[i] = borrow_arg(L, lower_place(L, e->args[i]), e->args[i]->span);
  }
  Callee c = {.kind = CALLEE_MACRO, .expr = e};
  emit_call(L, dest, c, args, e->nargs, ret, e->span, e->span);
}

static void lower_macro(Lower *L, Place dest, Expr *e) {
  const char *n = e->name;
  // debug_assert!: checked by sema, but only run where debug assertions are on (rustc ties them
  // to -O as trc ties overflow checks): at -O2 it evaluates nothing.
  if (e->debug_only && !L->overflow_checks) return;
  if (name_is(n, "println", "print") || name_is(n, "eprintln", "eprint") || name_is(n, "format", "write") || !strcmp(n, "writeln")) {
    macro_call(L, dest, e, 0, NULL, 0, raw_ty(e));
    return;
  }
  if (name_is(n, "panic", "unreachable") || name_is(n, "todo", "unimplemented")) {
    macro_call(L, dest, e, 0, NULL, 0, ty_never);
    return;
  }
  if (!strcmp(n, "vec")) {
    // The elements by value (moved into the new Vec), or the element and the count: filled by
    // codegen for a Copy element, by std's __vec_from_elem (e->fn, sema/check_moves.c) else.
    Callee c = {.kind = CALLEE_MACRO, .expr = e};
    if (e->repeat && e->fn) c = (Callee){.kind = CALLEE_FN, .fn = e->fn, .targs = e->fn_targs, .ntargs = e->fn_ntargs};
    emit_call(L, dest, c, lower_args(L, e->args, e->nargs, NULL), e->nargs, raw_ty(e), e->span, e->span);
    return;
  }
  if (!strcmp(n, "assert")) {
    Operand cond = lower_operand(L, e->args[0]);
    int ok = new_block(L), fail = new_block(L);
    switch_bool(L, cond, ok, fail, e->span);
    L->cur = fail;
    macro_call(L, temp(L, ty_unit, e->span), e, 1, NULL, 0, ty_never);
    L->cur = ok;
    return;
  }
  if (name_is(n, "assert_eq", "assert_ne")) {
    Place ab[2] = {lower_place(L, e->args[0]), lower_place(L, e->args[1])};
    Place same = temp(L, ty_bool, e->span);
    lower_compare(L, same, TK_EQEQ, ab[0], ab[1], e->span);
    int ok = new_block(L), fail = new_block(L);
    bool eq = !strcmp(n, "assert_eq");
    switch_bool(L, use_place(L, same), eq ? ok : fail, eq ? fail : ok, e->span);
    L->cur = fail;
    macro_call(L, temp(L, ty_unit, e->span), e, 2, ab, 2, ty_never);
    L->cur = ok;
    return;
  }
  unsupported(L, arena_printf("the macro `%s!`", n));
}

// ---- the dispatcher ----

// Writes e's value, before its coercion, to dest (whose type is the raw type).
static void lower_raw_into(Lower *L, Place dest, Expr *e) {
  L->at = e->span;
  Operand o;
  if (const_operand(e, &o)) {
    assign(L, dest, rv_use(o), e->span);
    return;
  }
  switch (e->kind) {
  case EX_PATH:
    switch (e->res) {
    case RES_LOCAL: assign(L, dest, rv_use(use_place(L, raw_place(L, e))), e->span); return;
    case RES_UNIT_STRUCT:
      assign(L, dest, (Rvalue){.kind = RV_AGGREGATE, .agg = AGG_ADT, .variant = e->sdecl->is_enum ? e->variant : -1, .ty = e->ty}, e->span);
      return;
    case RES_CONST_ITEM: {
      if (e->fn->is_static) {
        assign(L, dest, rv_use(use_place(L, raw_place(L, e))), e->span);
        return;
      }
      // An integer, bool or char const is its value, as in rustc's MIR (`const 10_i32`);
      // any other const is a call of the function that computes it.
      __int128 v;
      if (kp_expr_value(e, 0, &v)) {
        assign(L, dest, rv_use(const_int(raw_ty(e), (uint64_t)v)), e->span);
        return;
      }
      Callee c = {.kind = CALLEE_FN, .fn = e->fn};
      emit_call(L, dest, c, NULL, 0, raw_ty(e), e->span, e->span);
      return;
    }
    case RES_FN: {  // a fn pointer to the instance
      MirConst k = {.kind = CONST_FN, .fn = e->fn, .targs = e->fn_targs, .ntargs = e->fn_ntargs};
      assign(L, dest, rv_use((Operand){.kind = OPND_CONST, .c = k, .ty = raw_ty(e)}), e->span);
      return;
    }
    default: unsupported(L, "a function used as a value");
    }
  case EX_UNARY: lower_unary(L, dest, e); return;
  case EX_BINARY: lower_binary(L, dest, e); return;
  case EX_ASSIGN: {
    // The new value first (read now: finding the place may run code, `*m.at(1) = r[0]`), then
    // the old one is dropped, then the place takes the new one.
    Operand v = read_before(L, lower_operand(L, e->rhs), &e->lhs, 1, e->rhs->span);
    // A value read through a reference is taken now as well: `i[3] = i[4]` reads
    // `*Index::index(&i, 4)` before IndexMut::index_mut(&mut i, 3) runs, so that the shared
    // borrow has ended, as in rustc.
    bool through_ref = false;
    for (int i = 0; v.kind != OPND_CONST && i < v.place.nproj; i++) through_ref |= v.place.proj[i].kind == PROJ_DEREF;
    if (through_ref && e->lhs->overload) {
      Place t = temp(L, v.ty, e->rhs->span);
      assign(L, t, rv_use(v), e->rhs->span);
      v = use_place(L, t);
    }
    Place p = lower_place_mut(L, e->lhs, true);
    if (ty_needs_drop(place_ty(L, p))) drop_place(L, p, e->span);
    assign(L, p, rv_use(v), e->span);
    cur_block(L)->stmts.data[cur_block(L)->stmts.len - 1].place_span = e->lhs->span;
    return;
  }
  case EX_COMPOUND: {
    if (e->overload) {  // `AddAssign::add_assign(&mut a, b)`
      lower_into(L, dest, e->overload);
      return;
    }
    if (e->builtin == BI_STRING_PUSH_STR) {
      lower_push_str(L, e);
      return;
    }
    Operand v = scalar_operand(L, e->rhs);
    Place p = lower_place_mut(L, e->lhs, true);
    if (!is_scalar(place_ty(L, p))) unsupported(L, "a compound assignment to a non-scalar");
    lower_arith(L, p, mir_binop(e->op), use_place(L, p), v, place_ty(L, p), e->span);
    return;
  }
  case EX_CAST: lower_cast(L, dest, e); return;
  case EX_CALL: lower_call(L, dest, e); return;
  case EX_METHOD: lower_method(L, dest, e); return;
  case EX_FIELD: case EX_INDEX: assign(L, dest, rv_use(use_place(L, raw_place(L, e))), e->span); return;
  case EX_STRUCT:
    if (e->base_expr) {
      lower_struct_update(L, dest, e);
      return;
    }
    lower_aggregate(L, dest, AGG_ADT, e->sdecl->is_enum ? e->variant : -1, e->args, e->nargs, e->field_map,
                    e->sdecl->is_enum ? e->sdecl->variants[e->variant].nfields : e->sdecl->nfields, raw_ty(e), e->span);
    return;
  case EX_TUPLE: lower_aggregate(L, dest, AGG_TUPLE, -1, e->args, e->nargs, NULL, e->nargs, raw_ty(e), e->span); return;
  case EX_ARRAY:
    if (e->repeat) {
      assign(L, dest, (Rvalue){.kind = RV_REPEAT, .a = lower_operand(L, e->args[0]), .ty = raw_ty(e)}, e->span);
      return;
    }
    lower_aggregate(L, dest, AGG_ARRAY, -1, e->args, e->nargs, NULL, e->nargs, raw_ty(e), e->span);
    return;
  case EX_BLOCK:
    if (e->label) lower_labeled_block(L, dest, e);
    else lower_block_into(L, dest, e->block);
    return;
  case EX_IF: lower_if(L, dest, e); return;
  case EX_LOOP: lower_loop(L, dest, e); return;
  case EX_WHILE: lower_while(L, e); assign(L, dest, rv_use(const_unit(raw_ty(e))), e->span); return;  // (its value is `()`)
  case EX_BREAK: lower_break(L, e); return;
  case EX_CONTINUE:
    exit_to(L, loop_of(L, e)->drops, e->span);
    go_to(L, loop_of(L, e)->cont);
    continue_unreachable(L);
    return;
  case EX_RETURN: lower_return(L, e); return;
  case EX_IF_LET: lower_if_let(L, dest, e); return;
  case EX_WHILE_LET: lower_while_let(L, e); assign(L, dest, rv_use(const_unit(raw_ty(e))), e->span); return;
  case EX_FOR: lower_for(L, e); assign(L, dest, rv_use(const_unit(raw_ty(e))), e->span); return;
  case EX_MATCH: lower_match(L, dest, e); return;
  case EX_MACRO: lower_macro(L, dest, e); return;
  case EX_CLOSURE: lower_closure(L, dest, e); return;
  case EX_RANGE: {  // `a..b` as a value: its start and end; `a..`, `..b`, `..` std::ops's structs
    if (e->sdecl) {
      Expr *bound = e->lhs ? e->lhs : e->rhs;
      lower_aggregate(L, dest, AGG_ADT, -1, &bound, bound != NULL, NULL, bound != NULL, raw_ty(e), e->span);
      return;
    }
    if (!e->lhs || !e->rhs) unsupported(L, "an open range value");
    Expr *ends[2] = {e->lhs, e->rhs};
    lower_aggregate(L, dest, AGG_TUPLE, -1, ends, 2, NULL, 2, raw_ty(e), e->span);
    return;
  }
  case EX_TRY: lower_try(L, dest, e); return;
  default: ice(e->span, "expression not lowered to MIR");
  }
}

static CastKind coercion_cast(Lower *L, Type *from, Type *to) {
  Type *fi = ty_resolve(ty_pointee(from)), *ti = ty_resolve(ty_pointee(to)), *src, *dyn;
  if (ty_resolve(from)->kind == TY_NEVER) unsupported(L, "a coercion from `!`");
  if (ty_resolve(from)->kind == TY_CLOSURE && ty_resolve(to)->kind == TY_FN) return CAST_CLOSURE_FN;
  if (ty_resolve(to)->kind == TY_PTR || ty_resolve(to)->kind == TY_FN) return CAST_PTR;  // fn -> unsafe fn too
  // Rc<T> to Rc<dyn Tr>, &RefCell<T> to &RefCell<dyn Tr>: a struct's tail made a trait object.
  if ((!fi || (ti->kind == TY_STRUCT && !ty_is_sized(ti) && ty_is_sized(fi))) && ty_unsize_pair(from, to, &src, &dyn))
    return CAST_UNSIZE;
  if (!fi || !ti) unsupported(L, arena_printf("the coercion from `%s` to `%s`", ty_name(from), ty_name(to)));
  if (ti->kind == TY_DYN) {
    if (fi->kind == TY_DYN) return fi->principal && ti->principal && fi->principal->trait == ti->principal->trait ? CAST_REBORROW : CAST_UPCAST;
    if (ty_is_sized(fi)) return CAST_UNSIZE;
  }
  if (fi == ti) return CAST_REBORROW;
  if (fi->kind == TY_ARRAY && ti->kind == TY_SLICE) return CAST_UNSIZE;
  return CAST_DEREF;
}

static void lower_into(Lower *L, Place dest, Expr *e) {
  // A `&mut` variable returned is reborrowed, not moved, as at every site whose type is
  // known: `fn pick<'a>(x: &'a mut T, ..) -> &'a mut T { ..; x }` is `&mut *x`, and a loan
  // of *x still live is E0499 (not a move out of x while borrowed).
  if (dest.local == 0 && !dest.nproj && !L->fn->is_closure && !e->coerce && e->kind == EX_PATH && e->res == RES_LOCAL) {
    Type *t = ty_resolve(raw_ty(e));
    if (t->kind == TY_REF && t->mut) {
      Place x = lower_place(L, e);
      assign(L, dest, (Rvalue){.kind = RV_REF, .place = deref(L, x, e->span), .mut = true, .ty = t}, e->span);
      return;
    }
  }
  if (!e->coerce || is_never(raw_ty(e))) {
    lower_raw_into(L, dest, e);
    return;
  }
  // A `&mut` place given where a `&` is expected is reborrowed shared, `&*place`, not moved
  // out (`fn get(&self) -> &Vec<i32> { self.buf }` of a `buf: &'a mut Vec<i32>`: a borrow
  // through self, which lives no longer than self's).
  Type *from = ty_resolve(raw_ty(e)), *to = ty_resolve(e->ty);
  if (from->kind == TY_REF && from->mut && to->kind == TY_REF && !to->mut && is_place_kind(e)) {
    Type *shared = ty_ref(from->inner, false);
    Place p = raw_place(L, e);  // (the place itself, not its coerced value)
    Place r = shared == to ? dest : temp(L, shared, e->span);
    assign(L, r, (Rvalue){.kind = RV_REF, .place = deref(L, p, e->span), .ty = shared}, e->span);
    if (shared != to) assign(L, dest, (Rvalue){.kind = RV_CAST, .cast = coercion_cast(L, shared, to), .a = use_place(L, r), .ty = e->ty}, e->span);
    return;
  }
  // The value as its code makes it, then the coercion as a cast of its own.
  Place raw = temp(L, raw_ty(e), e->span);
  lower_raw_into(L, raw, e);
  CastKind ck = coercion_cast(L, raw_ty(e), e->ty);
  assign(L, dest, (Rvalue){.kind = RV_CAST, .cast = ck, .a = use_place(L, raw), .ty = e->ty}, e->span);
}

// ---------------------------------------------------------------------------------------------
// Statements

// The MIR local of a binding, created on first sight (the alternatives of an or-pattern bind
// the same variables).
static int bind_local(Lower *L, Local *l) {
  if (L->local_of[l->index] >= 0) return L->local_of[l->index];
  int m = new_local(L, l->ty, l->name, l->mut, l->span);
  L->local_of[l->index] = m;
  schedule_drop(L, m);
  return m;
}

// ---- temporary lifetime extension ----

static void mark_extended_operand(Lower *L, Expr *e);

// An extending expression, as the Rust reference defines them: a `let`'s initializer and,
// within one, the operands of borrows, struct, tuple and array literals, casts and tuple
// constructors, and the values of blocks, `if` and `match` arms.
static void mark_extending(Lower *L, Expr *e) {
  switch (e->kind) {
  case EX_UNARY:
    if (e->op == TK_AMP) mark_extended_operand(L, e->sub);
    return;
  case EX_CALL:
    if (e->sub->kind != EX_PATH || e->sub->res != RES_TUPLE_CTOR) return;
    // fall through
  case EX_STRUCT: case EX_TUPLE: case EX_ARRAY:
    for (int i = 0; i < e->nargs; i++) mark_extending(L, e->args[i]);
    return;
  case EX_CAST: mark_extending(L, e->sub); return;
  case EX_BLOCK: if (e->block->tail) mark_extending(L, e->block->tail); return;
  case EX_IF: case EX_IF_LET:
    if (e->block->tail) mark_extending(L, e->block->tail);
    if (e->else_expr) mark_extending(L, e->else_expr);
    return;
  case EX_MATCH:
    for (int i = 0; i < e->narms; i++) mark_extending(L, e->arms[i].body);
    return;
  default: return;
  }
}

// The operand of an extending borrow: the temporary it is made in (or the one its fields,
// derefs, borrows and indexing reach down to: `&make().name`, `&*&make()`, `&[a, b][..]`)
// lives as long as the variable.
static void mark_extended_operand(Lower *L, Expr *e) {
  mark_extending(L, e);
  for (;;) {
    if (!e->coerce && (e->kind == EX_FIELD || (e->kind == EX_UNARY && (e->op == TK_STAR || e->op == TK_AMP)))) e = e->sub;
    else if (!e->coerce && e->kind == EX_INDEX) e = e->lhs;
    else break;
  }
  if (!is_place_expr(e)) vec_push(&L->extend, e);
}

// The end of a `let` that extended temporaries: they are left above `height`; they move below
// the variable's own entries [base, height), so that the variable, which may borrow them, is
// dropped first.
static void settle_extended(Lower *L, int base, int height) {
  int n = L->drops.len - height, nvar = height - base;
  if (!n) return;
  DropEntry *tmp = arena_alloc(sizeof(DropEntry) * (size_t)(n + nvar));
  copy_bytes(tmp, L->drops.data + height, sizeof(DropEntry) * (size_t)n);
  copy_bytes(tmp + n, L->drops.data + base, sizeof(DropEntry) * (size_t)nvar);
  for (int i = 0; i < n + nvar; i++) {
    tmp[i].extended = false;
    tmp[i].cleanup = -1;
    L->drops.data[base + i] = tmp[i];
  }
}

// Lowers a `let`'s initializer into dest, with the statement's temporaries dropped at its end
// and the extended ones kept for the block.
static void lower_initializer(Lower *L, Place dest, Expr *init, int base) {
  int marks = L->extend.len;
  mark_extending(L, init);
  int height = L->drops.len;
  lower_into(L, dest, init);
  pop_to(L, height, init->span);
  L->extend.len = marks;
  settle_extended(L, base, height);
}

static bool plain_binding(Pattern *p) { return p->kind == PAT_BIND && !p->sub && !p->bind_ref && !p->derefs; }

// Creates the MIR locals of p's variables (scheduling their drops) before p is matched.
static void declare_bindings(Lower *L, Pattern *p) {
  if (p->kind == PAT_BIND) bind_local(L, p->local);
  if (p->sub) declare_bindings(L, p->sub);
  for (int i = 0; i < p->nelems; i++) declare_bindings(L, p->elems[i]);
}

static void lower_let(Lower *L, Stmt *s) {
  Pattern *p = s->pat;
  if (p->kind == PAT_WILD && !s->else_block) {
    // `let _ = e;` binds nothing: e's value is a temporary of the statement, dropped at its end.
    int height = L->drops.len;
    if (s->init) lower_place(L, s->init);
    pop_to(L, height, s->span);
    return;
  }
  if (plain_binding(p) && !s->else_block) {
    int base = L->drops.len;
    int m = bind_local(L, p->local);
    push_stmt(L, (MirStmt){.kind = STMT_STORAGE_LIVE, .local = m, .span = s->span});
    if (s->init) lower_initializer(L, local_place(m), s->init, base);
    // `let b = a;` of a `&mut` with no type written moves it (a written `&mut T` reborrows).
    BasicBlock *bb = cur_block(L);
    MirStmt *last = bb->stmts.len ? &bb->stmts.data[bb->stmts.len - 1] : NULL;
    if (s->init && !s->ty && s->init->kind == EX_PATH && last && last->kind == STMT_ASSIGN && last->place.local == m && !last->place.nproj &&
        last->rv.kind == RV_USE && last->rv.a.kind == OPND_MOVE && !last->rv.a.place.nproj)
      last->moves_ref = true;
    // `let r: &'static T = ..`: what r is given must live forever.
    if (s->init && s->ty && last && last->kind == STMT_ASSIGN && last->place.local == m && !last->place.nproj) {
      if (sig_requires_static(s->ty, 0)) last->static_span = s->ty->span;
      else if ((last->annot_region = sig_universal_in(L->fn, s->ty))) last->static_span = s->ty->span;
    }
    return;
  }
  if (!s->init) {  // `let (a, b);`: the variables only, each assigned later
    declare_bindings(L, p);
    return;
  }
  // let PAT = init [else { diverge }]: the variables first (they outlive the statement's
  // temporaries), init's place, the pattern; then the temporaries end, but for the extended.
  int base = L->drops.len;
  declare_bindings(L, p);
  int marks = L->extend.len;
  mark_extending(L, s->init);
  int height = L->drops.len;
  Place v = scrutinee(L, s->init, borrows_mut(p));
  int fail = s->else_block ? new_block(L) : unreachable_block(L);
  match_pattern(L, p, v, fail);
  pop_to(L, height, s->span);
  L->extend.len = marks;
  settle_extended(L, base, height);
  if (s->else_block) {
    int saved = L->cur;
    L->cur = fail;
    Place scratch = temp(L, ty_never, s->span);
    lower_block_into(L, scratch, s->else_block);
    terminate(L, (Terminator){.kind = TERM_UNREACHABLE});
    L->cur = saved;
  }
}

// A statement is a temporary scope: what its expression makes is dropped at its end.
static void lower_stmt(Lower *L, Stmt *s) {
  switch (s->kind) {
  case ST_LET: lower_let(L, s); return;
  case ST_EXPR: case ST_SEMI: {
    Expr *e = s->init;
    int height = L->drops.len;
    // The statement's value is the newest of its temporaries: dropped first, as in rustc.
    int t = new_local(L, e->ty, NULL, true, e->span);
    lower_into(L, local_place(t), e);
    schedule_drop(L, t);
    pop_to(L, height, s->span);
    return;
  }
  case ST_ITEM: case ST_EMPTY: return;
  }
}

// The variables of a block end in the reverse order of their `let`s, each dropped (if it owns
// anything) and then its storage gone: `StorageDead(v)` of a later `let v` comes before the drop
// of an earlier `let b`, so a borrow of v that b's destructor may read is an error (E0597), as
// in rustc. `let_height[i]` is the drop stack's height before statement i.
static void end_variables(Lower *L, Block *blk, const int *let_height, int height, int tail) {
  int undropped = tail;  // entries [height, undropped) are still to be dropped
  for (int i = blk->nstmts - 1; i >= 0; i--) {
    Stmt *s = blk->stmts[i];
    if (s->kind != ST_LET || s->pat->kind != PAT_BIND) continue;
    int from = let_height[i] > height ? let_height[i] : height;
    if (from < undropped) drop_entries(L, from, undropped, blk->span), undropped = from;
    push_stmt(L, (MirStmt){.kind = STMT_STORAGE_DEAD, .local = L->local_of[s->pat->local->index], .span = blk->span});
  }
  drop_entries(L, height, undropped, blk->span);
  forget_range(L, height, tail);
}

static void lower_block_into(Lower *L, Place dest, Block *blk) {
  int height = L->drops.len;
  int *let_height = arena_alloc(sizeof(int) * (blk->nstmts + 1));
  for (int i = 0; i < blk->nstmts; i++) {
    let_height[i] = L->drops.len;
    lower_stmt(L, blk->stmts[i]);
  }
  int tail = L->drops.len;
  if (blk->tail) lower_into(L, dest, blk->tail);
  // A block without a tail is `()`: `let z = { f(); };` initializes z, as rustc's MIR does.
  else if (ty_resolve(place_ty(L, dest))->kind == TY_UNIT) assign(L, dest, rv_use(const_unit(ty_unit)), blk->span);
  // The variables end here; the tail's temporaries outlive them (Rust 2021), until the
  // enclosing terminating scope ends.
  end_variables(L, blk, let_height, height, tail);
}

// A block that is a terminating scope (an `if` arm, a loop body): its tail's temporaries end
// with it.
static void lower_scoped_block(Lower *L, Place dest, Block *blk) {
  int height = L->drops.len;
  lower_block_into(L, dest, blk);
  pop_to(L, height, blk->span);
}

// ---------------------------------------------------------------------------------------------
// Bodies

// Where a jump to block t really goes: past blocks that hold nothing but a goto.
static int skip_gotos(Body *b, int t) {
  for (int steps = 0; steps < b->blocks.len; steps++) {
    BasicBlock *bb = &b->blocks.data[t];
    if (bb->stmts.len || bb->term.kind != TERM_GOTO || bb->is_cleanup) break;
    t = bb->term.target;
  }
  return t;
}

// rustc's SimplifyCfg, in short: jumps skip empty goto blocks, then the blocks that nothing
// reaches from bb0 go and the rest are renumbered in order.
static void remove_dead_blocks(Body *b) {
  for (int i = 0; i < b->blocks.len; i++) {
    Terminator *t = &b->blocks.data[i].term;
    switch (t->kind) {
    case TERM_GOTO: case TERM_ASSERT: case TERM_DROP: t->target = skip_gotos(b, t->target); break;
    case TERM_CALL: if (t->target >= 0) t->target = skip_gotos(b, t->target); break;
    case TERM_SWITCH:
      for (int j = 0; j <= t->nvalues; j++) t->targets[j] = skip_gotos(b, t->targets[j]);
      break;
    default: break;
    }
  }
  int n = b->blocks.len;
  ScratchMark mark = scratch_mark();
  int *newno = scratch_alloc(sizeof(int) * (n + 1));
  int *stack = scratch_alloc(sizeof(int) * (n + 1));
  for (int i = 0; i < n; i++) newno[i] = -1;
  int sp = 0;
  stack[sp++] = 0;
  newno[0] = 0;
  while (sp) {
    Terminator *t = &b->blocks.data[stack[--sp]].term;
    int succ[2], ns = 0;
    int *many = NULL, nmany = 0;
    switch (t->kind) {
    case TERM_GOTO: succ[ns++] = t->target; break;
    case TERM_ASSERT: case TERM_CALL: case TERM_DROP:
      if (t->target >= 0) succ[ns++] = t->target;
      if (t->unwind >= 0) succ[ns++] = t->unwind;
      break;
    case TERM_SWITCH: many = t->targets; nmany = t->nvalues + 1; break;
    default: break;
    }
    for (int i = 0; i < ns + nmany; i++) {
      int s = i < ns ? succ[i] : many[i - ns];
      if (newno[s] < 0) {
        newno[s] = 1;
        stack[sp++] = s;
      }
    }
  }
  int k = 0;
  for (int i = 0; i < n; i++)
    if (newno[i] >= 0) newno[i] = k++;
  // In place: a block only moves down (newno[i] <= i), over one already moved or dropped.
  BasicBlock *nb = b->blocks.data;
  for (int i = 0; i < n; i++) {
    if (newno[i] < 0) continue;
    BasicBlock bb = b->blocks.data[i];
    Terminator *t = &bb.term;
    if ((t->kind == TERM_GOTO || t->kind == TERM_ASSERT || t->kind == TERM_CALL || t->kind == TERM_DROP) && t->target >= 0)
      t->target = newno[t->target];
    if ((t->kind == TERM_ASSERT || t->kind == TERM_CALL || t->kind == TERM_DROP) && t->unwind >= 0) t->unwind = newno[t->unwind];
    if (t->kind == TERM_SWITCH) {
      int *tg = arena_alloc(sizeof(int) * (t->nvalues + 1));
      for (int j = 0; j <= t->nvalues; j++) tg[j] = newno[t->targets[j]];
      t->targets = tg;
    }
    nb[newno[i]] = bb;
  }
  b->blocks.len = k;
  scratch_release(mark);
}

// Parameters are _1.._n; a destructuring one is matched at the top of the body.
static void lower_params(Lower *L, FnDecl *f) {
  if (f->is_closure) env_param(L, f);
  if (f->self_local) bind_local(L, f->self_local);
  int *arg = arena_alloc(sizeof(int) * (f->nparams + 1));
  for (int i = 0; i < f->nparams; i++) {
    Pattern *p = f->params[i].pat;
    if (plain_binding(p)) {
      arg[i] = bind_local(L, p->local);
    } else {
      arg[i] = new_local(L, f->param_types[i], NULL, false, p->span);
      schedule_drop(L, arg[i]);
    }
  }
  L->b->nparams = L->b->locals.len - 1;
  L->cur = new_block(L);
  if (f->is_closure) own_captures(L, f);
  for (int i = 0; i < f->nparams; i++) {
    Pattern *p = f->params[i].pat;
    if (!plain_binding(p) && p->kind != PAT_WILD) match_pattern(L, p, local_place(arg[i]), unreachable_block(L));
  }
}

static Body *lower_body(Lower *L, FnDecl *f) {
  Body *b = L->b;
  L->local_of = arena_alloc(sizeof(int) * (f->locals.len + 1));
  L->alias = arena_alloc(sizeof(Place) * (f->locals.len + 1));
  L->has_alias = arena_alloc(sizeof(bool) * (f->locals.len + 1));
  for (int i = 0; i <= f->locals.len; i++) L->local_of[i] = -1;
  // `-> impl Tr`: the body returns its hidden type (only callers see the opaque one).
  new_local(L, f->ret_type ? ty_reveal(f->ret_type) : ty_unit, NULL, true, f->span);  // _0
  L->resume = -1;
  lower_params(L, f);
  lower_block_into(L, local_place(0), f->body);
  pop_to(L, 0, f->body->span);  // the parameters, after the body's variables
  terminate(L, (Terminator){.kind = TERM_RETURN, .span = f->body->span});
  for (int i = 0; i < b->blocks.len; i++)
    if (!b->blocks.data[i].terminated) b->blocks.data[i].term = (Terminator){.kind = TERM_UNREACHABLE};
  mir_elaborate_drops(b);
  remove_dead_blocks(b);
  return b;
}

Body *lower_fn(Crate *crate, FnDecl *f, bool overflow_checks) {
  Body *b = arena_alloc(sizeof *b);
  b->fn = f;
  if (!f->body) {
    b->unsupported = "no body";
    return b;
  }
  Lower L = {.crate = crate, .overflow_checks = overflow_checks, .fn = f, .b = b};
  if (setjmp(L.bail)) {
    // Abandoned (unsupported() said why): keep only the reason.
    b->blocks.len = b->locals.len = 0;
    return b;
  }
  return lower_body(&L, f);
}

// The prelude's bodies are lowered when the collector first reaches them (lower_on_demand):
// a program uses few of its hundreds of functions. The program's own are all lowered, so that
// what lowering reports is reported for a function nobody calls too.
static Crate *lowered_crate;
static bool lowered_with_checks;

static void lower_one(Crate *crate, FnDecl *f, bool overflow_checks) {
  if (f->body && !f->mir && f->span.file != 0) f->mir = lower_fn(crate, f, overflow_checks);
}

// The user's bodies, borrow-checked as they are lowered; the lints wait for all of them.
typedef VEC(Body *) BodyVec;
static BodyVec to_lint;

static void lower_and_check(Crate *crate, FnDecl *f, bool overflow_checks) {
  bool fresh = f->body && !f->mir && f->span.file != 0;
  lower_one(crate, f, overflow_checks);
  if (!fresh) return;
  mir_moveck(f->mir);
  mir_borrowck(f->mir);
  mir_drop_styles(f->mir);
  vec_push(&to_lint, f->mir);
}

Body *lower_on_demand(FnDecl *f) {
  if (f->body && !f->mir) {
    check_body_on_demand(f);  // a prelude body is checked when first needed (sema/check.c)
    f->mir = lower_fn(lowered_crate, f, lowered_with_checks);
    mir_drop_styles(f->mir);
  }
  return f->mir;
}

void lower_crate(Crate *crate, bool overflow_checks) {
  lowered_crate = crate;
  to_lint = (BodyVec){0};
  mir_known_panics_reset();
  lowered_with_checks = overflow_checks;
  // Closures first, each after those written inside it (the order sema checked them in): the
  // borrow checker of a function reads what its closures return (summarize_closure_result).
  // A closure checked again (for another expected type) leaves its earlier FnDecl behind.
  for (int i = 0; i < crate->closures.len; i++) {
    FnDecl *f = VEC_AT(crate->closures, i);
    if (f->closure_expr->fn == f) lower_and_check(crate, f, overflow_checks);
  }
  for (int i = 0; i < crate->fns.len; i++) lower_and_check(crate, VEC_AT(crate->fns, i), overflow_checks);
  // A `const` item is a function of no arguments that its uses call (when not promoted).
  for (int i = 0; i < crate->consts.len; i++) lower_one(crate, ((ConstDecl *)VEC_AT(crate->consts, i))->fn, overflow_checks);
  for (int i = 0; i < crate->impls.len; i++) {
    ImplDecl *im = VEC_AT(crate->impls, i);
    for (int j = 0; j < im->nmethods; j++) lower_and_check(crate, im->methods[j], overflow_checks);
  }
  for (int i = 0; i < crate->traits.len; i++) {
    TraitDecl *t = VEC_AT(crate->traits, i);
    for (int j = 0; j < t->nmethods; j++) lower_and_check(crate, t->methods[j], overflow_checks);
  }
  diag_flush_deferred();  // the borrow checker's errors and sema's moves errors, in order
  // rustc's arithmetic_overflow and unconditional_panic lints run on MIR that passed the borrow
  // checker; a const item's panics are rustc's E0080 instead (consts are not linted).
  if (!diag_error_count())
    for (int i = 0; i < to_lint.len; i++) mir_check_known_panics(to_lint.data[i]);
  to_lint = (BodyVec){0};
}
