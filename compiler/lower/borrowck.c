// borrowck.c — borrow checking on MIR: a reference must not outlive what it borrows, and
// while it is in use nothing may change (or, for `&mut`, even read) what it points to.
//
// The model is rustc's since NLL, with regions computed the Polonius way round: instead of
// solving outlives constraints for region variables, the pass follows the loans themselves.
//
//   1. Loans. Every `&P` / `&mut P` rvalue of the body is a loan of place P.
//   2. Which values hold which loans (forward dataflow, per local). `_r = &P` gives _r the new
//      loan, and also the loans of P's local when P is reached through a reference (`&(*r).f`
//      reborrows, so r's loans must stay alive as long as the new reference does) or when P's
//      value itself holds references. Copies, moves, casts and aggregates pass loans on when
//      the value's type can hold a reference. A call's result holds the loans of the arguments
//      its signature ties it to, by rustc's elision rules (a method's result borrows from
//      `self`; a function of one reference parameter from that one) or of all its reference
//      arguments when lifetimes are written out; and a `&mut` argument to a value that holds
//      references may receive any other argument's loans (`v.push(&x)` makes v hold x's).
//      Assigning a whole local replaces what it held, so a reassigned reference lets go.
//   3. Liveness (backward dataflow): a local is live where its value may still be read.
//   4. A loan is *live* at a point when a local live after that point holds it: exactly the
//      points rustc's NLL region of the reference contains. At each access of a place the
//      pass looks for live loans of an overlapping place (the same local, one projection
//      list a prefix of the other, fields and variants told apart) and reports the conflict:
//
//        `&mut P` while P is borrowed        E0499 (by `&mut`) / E0502 (by `&`)
//        `&P` while P is borrowed `&mut`     E0502
//        reading P while borrowed `&mut`     E0503
//        moving P out while borrowed         E0505
//        assigning P while borrowed          E0506
//        P's local going out of scope        E0597, or E0515 when the return value holds it
//
//      A `&mut` taken for a method's receiver is two-phase, as in rustc: until the call that
//      uses it, it only reserves P, and reading or sharing P meanwhile is allowed
//      (`v.push(v.len())`).
//
// What the pass does not see it lets through: a trc program may still be accepted where rustc
// rejects it (lifetimes written in signatures are not compared with the body), but a program
// rustc accepts is not rejected, which the whole test suite is run to confirm.
#include "lower/lower.h"

#include <stdlib.h>
#include <string.h>

typedef uint64_t Word;

typedef struct {
  Place place;
  bool mut, two_phase;
  bool autoref;    // made for a method's receiver, not written `&`
  bool capture;    // a closure's capture by reference
  Span span;
  int holder;      // the local the reference is first stored in
  int owner;       // the local whose storage the place is in, or -1 when reached through a reference
} Loan;

typedef struct {
  Body *b;
  int nlocals, nloans, words;   // words: a loan set's length
  VEC(Loan) loans;
  int **loan_at;                // per block and statement: the loan its rvalue makes, or -1
  Word *entry;                  // per block: nlocals loan sets on entry
  bool *entry_set;
  Word *live_in;                // per block: live locals on entry (lwords each)
  int lwords;
  bool *reported;               // per loan: an error already names it
  Span ret_span;                // the last assignment of the return value seen
} Bck;

// ---------------------------------------------------------------------------------------------
// Bit sets

static Word *bits_new(int words) {
  Word *w = arena_alloc(sizeof(Word) * (words ? words : 1));
  memset(w, 0, sizeof(Word) * (words ? words : 1));
  return w;
}
static bool bit(const Word *w, int i) { return (w[i / 64] >> (i % 64)) & 1; }
static void bit_set(Word *w, int i) { w[i / 64] |= (Word)1 << (i % 64); }
static void bit_clear(Word *w, int i) { w[i / 64] &= ~((Word)1 << (i % 64)); }
static bool bits_or(Word *dst, const Word *src, int words) {
  bool changed = false;
  for (int i = 0; i < words; i++) {
    Word n = dst[i] | src[i];
    changed |= n != dst[i];
    dst[i] = n;
  }
  return changed;
}

// The blocks a terminator may continue in (at most max; a cleanup block's unwind edges are not
// followed: borrow checking is of the normal path).
static int successors(Terminator *t, int *succ, int max) {
  int n = 0;
  switch (t->kind) {
  case TERM_GOTO: case TERM_CALL: case TERM_ASSERT: case TERM_DROP: succ[n++] = t->target; break;
  case TERM_SWITCH:
    for (int i = 0; i <= t->nvalues && n < max; i++) succ[n++] = t->targets[i];
    break;
  default: break;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Types that can hold a reference

// `visiting` holds the types being looked into, so that a recursive type (a list's node holding
// an Option<Box<Node>>) is answered by its other fields.
static bool has_refs_in(Type *t, Type **visiting, int depth) {
  t = ty_resolve(t);
  if (!t || depth >= 16) return true;
  for (int i = 0; i < depth; i++)
    if (visiting[i] == t) return false;
  visiting[depth] = t;
  switch (t->kind) {
  case TY_REF: case TY_ITER: case TY_PARAM: case TY_ASSOC: case TY_CLOSURE: case TY_VAR: return true;
  case TY_BOX: case TY_VEC: case TY_ARRAY: case TY_SLICE: case TY_RANGE: return has_refs_in(t->inner, visiting, depth + 1);
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++)
      if (has_refs_in(t->args[i], visiting, depth + 1)) return true;
    return false;
  case TY_STRUCT: {
    StructDecl *sd = t->sdecl;
    for (int v = 0; v < (sd->is_enum ? sd->nvariants : 1); v++) {
      int n = sd->is_enum ? sd->variants[v].nfields : sd->nfields;
      for (int f = 0; f < n; f++)
        if (has_refs_in(mir_field_type(t, sd->is_enum ? v : -1, f), visiting, depth + 1)) return true;
    }
    return false;
  }
  default: return false;  // numbers, str, String, fn pointers, `dyn Tr` (which is 'static)
  }
}

static bool type_has_refs(Type *t) {
  Type *visiting[16];
  return has_refs_in(t, visiting, 0);
}

static Type *local_ty(Bck *k, int l) { return k->b->locals.data[l].ty; }

static Type *place_type(Bck *k, Place p) { return p.nproj ? p.proj[p.nproj - 1].ty : local_ty(k, p.local); }

// The type that projection i of p applies to.
static Type *type_before(Bck *k, Place p, int i) { return i ? p.proj[i - 1].ty : local_ty(k, p.local); }

// A pointer to memory someone else owns: a reference, or a slice iterator (which is one).
static bool borrowed_ptr(Type *t) {
  TypeKind k = ty_resolve(t)->kind;
  return k == TY_REF || k == TY_ITER;
}

// Reached through a reference: a deref of a `&`/`&mut` somewhere along the place.
static bool through_ref(Bck *k, Place p) {
  for (int i = 0; i < p.nproj; i++)
    if (p.proj[i].kind == PROJ_DEREF && borrowed_ptr(type_before(k, p, i))) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Which loans each local holds (forward)

typedef struct {
  Bck *k;
  Word *sets;   // nlocals loan sets
} State;

static Word *held(State *s, int l) { return s->sets + (size_t)l * s->k->words; }

static void add_operand_loans(State *s, Word *dst, Operand *o) {
  if (o->kind == OPND_CONST || !type_has_refs(o->ty)) return;
  bits_or(dst, held(s, o->place.local), s->k->words);
}

// What the value of rv holds.
static void rvalue_loans(State *s, Rvalue *rv, int loan, Word *out) {
  switch (rv->kind) {
  case RV_REF:
    if (loan >= 0) bit_set(out, loan);
    // A reborrow through a reference keeps the outer reference's loans alive; a borrow of a
    // value that holds references holds them too.
    if (through_ref(s->k, rv->place) || type_has_refs(place_type(s->k, rv->place)))
      bits_or(out, held(s, rv->place.local), s->k->words);
    return;
  case RV_USE: case RV_CAST: add_operand_loans(s, out, &rv->a); return;
  case RV_AGGREGATE:
    for (int i = 0; i < rv->nops; i++) add_operand_loans(s, out, &rv->ops[i]);
    return;
  default: return;
  }
}

// `_l = v` replaces what _l held; `_l.f = v` and `(*_l) = v` add to it, and a write through a
// `&mut` also reaches what that reference points to.
static void absorb(State *s, int l, const Word *loans, int depth);

static void assign_loans(State *s, Place dest, const Word *loans) {
  Bck *k = s->k;
  if (!dest.nproj) {
    memcpy(held(s, dest.local), loans, sizeof(Word) * k->words);
    return;
  }
  absorb(s, dest.local, loans, 0);
}

// l (a value, or a `&mut` to one) receives loans: so do the places its `&mut` loans point to.
static void absorb(State *s, int l, const Word *loans, int depth) {
  Bck *k = s->k;
  if (depth > 4) return;
  Word *h = held(s, l), *before = bits_new(k->words);
  memcpy(before, h, sizeof(Word) * k->words);
  bits_or(h, loans, k->words);
  for (int i = 0; i < k->nloans; i++)
    if (bit(before, i) && k->loans.data[i].mut && k->loans.data[i].place.local != l)
      absorb(s, k->loans.data[i].place.local, loans, depth + 1);
}

// Which loans a call's result holds, from the callee's signature as written, by rustc's
// lifetime rules. Per argument:
//   ALL     the result may borrow from the argument itself: it is the reference a return type's
//           elided lifetime comes from (`&self`'s in a method, else the one parameter with a
//           lifetime), or its lifetime is named in the return type (`x: &'a T` -> `&'a U`);
//   INSIDE  the result may hold what the argument holds, but not the argument's own borrow:
//           a parameter whose own lifetime is elided or named otherwise (`&mut self` of an
//           iterator's `next` returning `Option<&'a T>`); nothing at all when what it points
//           to holds no reference;
// Closures, `dyn Fn` and fn pointers are taken as ALL for every argument.
typedef enum { ARG_INSIDE, ARG_ALL } ArgFlow;

static bool named_in_ret(FnDecl *f, const char *lt) {
  for (int i = 0; lt && i < 4 && f->ret_lifetimes[i]; i++)
    if (f->ret_lifetimes[i] == lt) return true;
  return false;
}

static ArgFlow arg_flow(Terminator *t, int i) {
  Callee *c = &t->callee;
  if (c->kind == CALLEE_BUILTIN) {
    // Of the builtin methods, these return a borrow of the receiver.
    const char *n = c->expr && c->expr->kind == EX_METHOD ? c->expr->name : "";
    bool borrows = !strcmp(n, "as_str") || !strcmp(n, "iter") || !strcmp(n, "iter_mut");
    return borrows && i == 0 ? ARG_ALL : ARG_INSIDE;
  }
  FnDecl *f = c->kind == CALLEE_FN || c->kind == CALLEE_TRAIT || c->kind == CALLEE_VIRTUAL ? c->fn : NULL;
  if (!f || f->is_closure) return ARG_ALL;
  bool has_self = f->self_kind != SELF_NONE;
  bool self_ref = f->self_kind == SELF_REF || f->self_kind == SELF_REF_MUT;
  if (has_self && i == 0) {
    if (!self_ref) return ARG_INSIDE;  // by value: what it holds
    if (f->self_lifetime) return named_in_ret(f, f->self_lifetime) ? ARG_ALL : ARG_INSIDE;
    return f->ret_elided ? ARG_ALL : ARG_INSIDE;
  }
  int pi = i - has_self;
  if (pi < 0 || pi >= f->nparams) return ARG_ALL;
  TypeExpr *te = f->params[pi].ty;
  if (te->kind != TE_REF) return ARG_INSIDE;  // by value: what it holds
  if (te->lifetime) return named_in_ret(f, te->lifetime) ? ARG_ALL : ARG_INSIDE;
  // Elided: the return type's elided lifetime is this one's if nothing else can be.
  return f->ret_elided && !self_ref && f->param_lifetimes == 1 ? ARG_ALL : ARG_INSIDE;
}

static void call_loans(State *s, Terminator *t) {
  Bck *k = s->k;
  Word *out = bits_new(k->words);
  bool result_refs = type_has_refs(place_type(k, t->dest));
  for (int i = 0; i < t->nargs && result_refs; i++) {
    Operand *a = &t->args[i];
    if (a->kind == OPND_CONST) continue;
    if (arg_flow(t, i) == ARG_ALL) {
      add_operand_loans(s, out, a);
      continue;
    }
    // What the argument holds, less the borrow it was made with.
    Type *at = ty_resolve(a->ty);
    if (at->kind == TY_REF && !type_has_refs(at->inner)) continue;
    Word *in = bits_new(k->words);
    add_operand_loans(s, in, a);
    for (int l = 0; l < k->nloans; l++)
      if (k->loans.data[l].holder == a->place.local) bit_clear(in, l);
    bits_or(out, in, k->words);
  }
  // A `&mut` argument to something that holds references may be given the others' loans.
  for (int i = 0; i < t->nargs; i++) {
    Operand *a = &t->args[i];
    Type *at = ty_resolve(a->ty);
    if (a->kind == OPND_CONST || at->kind != TY_REF || !at->mut || !type_has_refs(at->inner)) continue;
    Word *others = bits_new(k->words);
    for (int j = 0; j < t->nargs; j++)
      if (j != i) add_operand_loans(s, others, &t->args[j]);
    absorb(s, a->place.local, others, 0);
  }
  assign_loans(s, t->dest, out);
}

// The loans in scope: a loan goes out of scope when its place's local is assigned, since the
// place then names other memory (`cur = &mut node.next` ends the loans of `(*cur).0`, which
// were of the node cur pointed to before), as rustc's kill_borrows_on_place does.
static Word *in_scope(State *s) { return held(s, s->k->nlocals); }

static void kill_loans_of(State *s, int l) {
  Bck *k = s->k;
  for (int i = 0; i < k->nloans; i++)
    if (k->loans.data[i].place.local == l) bit_clear(in_scope(s), i);
}

// The new loan first, then the kill: `r = &mut *r` ends its own loan too, since `*r` then
// names what the new r points to. A local's storage ending ends the loans of it.
static void stmt_transfer(State *s, MirStmt *st, int loan) {
  if (st->kind == STMT_STORAGE_DEAD) kill_loans_of(s, st->local);
  if (st->kind != STMT_ASSIGN) return;
  Word *v = bits_new(s->k->words);
  rvalue_loans(s, &st->rv, loan, v);
  assign_loans(s, st->place, v);
  if (loan >= 0) bit_set(in_scope(s), loan);
  if (!st->place.nproj) kill_loans_of(s, st->place.local);
}

static void term_transfer(State *s, Terminator *t) {
  if (t->kind != TERM_CALL) return;
  call_loans(s, t);
  if (!t->dest.nproj) kill_loans_of(s, t->dest.local);
}

static void compute_loan_sets(Bck *k) {
  Body *b = k->b;
  size_t per_block = (size_t)(k->nlocals + 1) * k->words;  // the locals' sets, then the loans in scope
  k->entry = bits_new((int)(per_block * b->blocks.len));
  k->entry_set = arena_alloc(b->blocks.len);
  memset(k->entry_set, 0, b->blocks.len);
  k->entry_set[0] = true;
  int *work = malloc(sizeof(int) * (b->blocks.len + 1));
  bool *queued = calloc(b->blocks.len, 1);
  int nwork = 0;
  work[nwork++] = 0, queued[0] = true;
  State s = {k, bits_new((int)per_block)};
  while (nwork) {
    int bi = work[--nwork];
    queued[bi] = false;
    BasicBlock *bb = &b->blocks.data[bi];
    memcpy(s.sets, k->entry + per_block * bi, sizeof(Word) * per_block);
    for (int j = 0; j < bb->stmts.len; j++) stmt_transfer(&s, &bb->stmts.data[j], k->loan_at[bi][j]);
    term_transfer(&s, &bb->term);
    int succ[65];
    int n = successors(&bb->term, succ, 64);
    for (int i = 0; i < n; i++) {
      int to = succ[i];
      if (to < 0 || b->blocks.data[to].is_cleanup) continue;
      Word *e = k->entry + per_block * to;
      bool changed = bits_or(e, s.sets, (int)per_block) || !k->entry_set[to];
      k->entry_set[to] = true;
      if (changed && !queued[to]) work[nwork++] = to, queued[to] = true;
    }
  }
  free(work);
  free(queued);
}

// ---------------------------------------------------------------------------------------------
// Liveness (backward)

static void use_place(Word *live, Place p) {
  bit_set(live, p.local);
  for (int i = 0; i < p.nproj; i++)
    if (p.proj[i].kind == PROJ_INDEX) bit_set(live, p.proj[i].local);
}

static void use_operand(Word *live, Operand *o) {
  if (o->kind != OPND_CONST) use_place(live, o->place);
}

// A write to p: a whole local is defined (dead before), a deref reads the reference.
static void def_place(Word *live, Place p) {
  if (!p.nproj) {
    bit_clear(live, p.local);
    return;
  }
  for (int i = 0; i < p.nproj; i++) {
    if (p.proj[i].kind == PROJ_INDEX) bit_set(live, p.proj[i].local);
    if (p.proj[i].kind == PROJ_DEREF) bit_set(live, p.local);
  }
}

static void stmt_live(Bck *k, Word *live, MirStmt *st) {
  if (st->kind != STMT_ASSIGN) return;
  def_place(live, st->place);
  Rvalue *rv = &st->rv;
  switch (rv->kind) {
  case RV_REF: case RV_DISCRIMINANT: case RV_LEN: use_place(live, rv->place); break;
  case RV_AGGREGATE:
    for (int i = 0; i < rv->nops; i++) use_operand(live, &rv->ops[i]);
    break;
  case RV_BINARY: case RV_CHECKED: use_operand(live, &rv->b); // fallthrough
  default: use_operand(live, &rv->a); break;
  }
}

// A drop reads the value only when a Drop impl may look at references inside it.
static bool drop_reads(Bck *k, Type *t) {
  t = ty_resolve(t);
  return t->kind == TY_STRUCT && t->sdecl->drop_impl && type_has_refs(t) && k;
}

static void term_live(Bck *k, Word *live, Terminator *t) {
  switch (t->kind) {
  case TERM_SWITCH: case TERM_ASSERT:
    use_operand(live, &t->discr);
    if (t->bounds_check) use_operand(live, &t->len), use_operand(live, &t->index);
    break;
  case TERM_CALL:
    def_place(live, t->dest);
    for (int i = 0; i < t->nargs; i++) use_operand(live, &t->args[i]);
    break;
  case TERM_DROP:
    if (drop_reads(k, place_type(k, t->dest))) use_place(live, t->dest);
    break;
  case TERM_RETURN: bit_set(live, 0); break;
  default: break;
  }
}


static void compute_liveness(Bck *k) {
  Body *b = k->b;
  int nb = b->blocks.len;
  k->live_in = bits_new(k->lwords * nb);
  Word *live = bits_new(k->lwords);
  for (bool changed = true; changed;) {
    changed = false;
    for (int bi = nb - 1; bi >= 0; bi--) {
      BasicBlock *bb = &b->blocks.data[bi];
      if (bb->is_cleanup) continue;
      memset(live, 0, sizeof(Word) * k->lwords);
      int succ[65];
      int n = successors(&bb->term, succ, 64);
      for (int i = 0; i < n; i++)
        if (succ[i] >= 0) bits_or(live, k->live_in + (size_t)k->lwords * succ[i], k->lwords);
      term_live(k, live, &bb->term);
      for (int j = bb->stmts.len - 1; j >= 0; j--) stmt_live(k, live, &bb->stmts.data[j]);
      changed |= bits_or(k->live_in + (size_t)k->lwords * bi, live, k->lwords);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Places in messages: `v`, `p.x`, `*r`, `a[_]`, as rustc writes them

static const char *field_name(Type *t, int variant, int f) {
  t = ty_resolve(t);
  if (t->kind == TY_STRUCT) {
    FieldDecl *fd = variant >= 0 ? &t->sdecl->variants[variant].fields[f] : &t->sdecl->fields[f];
    if (fd->name) return fd->name;
  }
  return arena_printf("%d", f);
}

static const char *describe(Bck *k, Place p) {
  const char *name = k->b->locals.data[p.local].name;
  if (!name) return NULL;
  const char *s = name;
  int variant = -1;
  for (int i = 0; i < p.nproj; i++) {
    Proj *pj = &p.proj[i];
    Type *before = type_before(k, p, i);
    switch (pj->kind) {
    case PROJ_DEREF: {
      TypeKind tk = ty_resolve(before)->kind;
      bool last = i == p.nproj - 1;
      if (tk == TY_VEC || tk == TY_STRING) return s;  // `v[i]` is index(&v): rustc names `v`
      if (tk == TY_REF && !last && p.proj[i + 1].kind == PROJ_FIELD) break;  // auto-deref: `r.x`
      s = arena_printf("*%s", s);
      break;
    }
    case PROJ_FIELD: s = arena_printf("%s.%s", s, field_name(before, variant, pj->field)); variant = -1; break;
    case PROJ_INDEX: s = arena_printf("%s[_]", s); break;
    case PROJ_VARIANT: variant = pj->field; break;
    }
  }
  return s;
}

static const char *describe_or(Bck *k, Place p, const char *dflt) {
  const char *s = describe(k, p);
  return s ? s : dflt;
}

// ---------------------------------------------------------------------------------------------
// Conflicts

// Whether two places may overlap: the same local and, as far as both go, the same fields.
static bool overlap(Place a, Place b) {
  if (a.local != b.local) return false;
  int n = a.nproj < b.nproj ? a.nproj : b.nproj;
  for (int i = 0; i < n; i++) {
    Proj *x = &a.proj[i], *y = &b.proj[i];
    if (x->kind != y->kind) return true;  // a variant against a field of it, say: be safe
    if ((x->kind == PROJ_FIELD || x->kind == PROJ_VARIANT) && x->field != y->field) return false;
  }
  return true;
}

// A write to p does not touch what a reference stored in p points to.
static bool write_reaches(Bck *k, Place written, Place loan) {
  for (int i = written.nproj; i < loan.nproj; i++)
    if (loan.proj[i].kind == PROJ_DEREF && borrowed_ptr(type_before(k, loan, i))) return false;
  return true;
}

// The first place after (block bi, statement j) where a local holding the loan is used: rustc's
// "borrow later used here".
static Span later_use(Bck *k, int bi, int j, int loan, const Word *sets, bool *found) {
  Body *b = k->b;
  Word *holders = bits_new(k->lwords);
  for (int l = 0; l < k->nlocals; l++)
    if (bit(sets + (size_t)l * k->words, loan)) bit_set(holders, l);
  int nb = b->blocks.len;
  bool *seen = calloc(nb, 1);
  int *queue = malloc(sizeof(int) * (nb + 1)), qh = 0, qt = 0;
  Span out = {0};
  *found = false;
  int start_block = bi, start = j + 1;
  Word *use = bits_new(k->lwords);
  for (;;) {
    BasicBlock *bb = &b->blocks.data[start_block];
    for (int s = start; s <= bb->stmts.len && !*found; s++) {
      memset(use, 0, sizeof(Word) * k->lwords);  // what the statement reads: its liveness from nothing
      Span sp;
      if (s < bb->stmts.len) {
        MirStmt *st = &bb->stmts.data[s];
        if (st->kind != STMT_ASSIGN) continue;
        stmt_live(k, use, st);
        sp = st->span;
      } else {
        term_live(k, use, &bb->term);
        if (bb->term.kind == TERM_CALL) bit_clear(use, bb->term.dest.local);
        sp = bb->term.span;
      }
      for (int w = 0; w < k->lwords; w++)
        if (use[w] & holders[w]) {
          *found = true, out = sp;
          break;
        }
    }
    if (*found) break;
    int succ[65];
    int n = successors(&bb->term, succ, 64);
    for (int i = 0; i < n; i++)
      if (succ[i] >= 0 && !seen[succ[i]] && !b->blocks.data[succ[i]].is_cleanup) seen[succ[i]] = true, queue[qt++] = succ[i];
    if (qh == qt) break;
    start_block = queue[qh++], start = 0;
  }
  free(seen);
  free(queue);
  return out;
}

static void add_later_use(Bck *k, Diag *d, int bi, int j, int loan, const Word *sets, const char *what) {
  bool found;
  Span sp = later_use(k, bi, j, loan, sets, &found);
  if (found && sp.hi) diag_secondary(d, sp, "%s", what);
}


// Where an access is checked: statement j of block bi (j == the statement count: the
// terminator), with the loans each local holds before it and the locals live after it.
typedef struct {
  Bck *k;
  int bi, j;
  const Word *sets;   // held before the access
  const Word *live;   // live after it
  int def;            // the local the statement defines, whose old loans do not count
} Point;

static bool loan_live(Point *pt, int loan) {
  Bck *k = pt->k;
  if (!bit(pt->sets + (size_t)k->nlocals * k->words, loan)) return false;  // out of scope
  for (int l = 0; l < k->nlocals; l++)
    if (l != pt->def && bit(pt->live, l) && bit(pt->sets + (size_t)l * k->words, loan)) return true;
  return false;
}

// A two-phase loan held only by its own receiver temporary is still a reservation.
static bool reserved(Point *pt, int loan) {
  Bck *k = pt->k;
  Loan *ln = &k->loans.data[loan];
  if (!ln->two_phase) return false;
  for (int l = 0; l < k->nlocals; l++)
    if (l != ln->holder && l != pt->def && bit(pt->live, l) && bit(pt->sets + (size_t)l * k->words, loan)) return false;
  return true;
}

// ACC_RESERVE: a two-phase `&mut` where it is taken, which conflicts only with another `&mut`
// until the call that uses it (where it is checked as ACC_MUT).
typedef enum { ACC_READ, ACC_MOVE, ACC_WRITE, ACC_SHARED, ACC_MUT, ACC_RESERVE } Access;

static void report_conflict(Point *pt, int loan, Place p, Access acc, Span sp) {
  Bck *k = pt->k;
  Loan *ln = &k->loans.data[loan];
  const char *what = describe(k, p), *lwhat = describe_or(k, ln->place, what);
  if (!what) return;  // a temporary: rustc words these differently; let it be
  Diag *d = NULL;
  switch (acc) {
  case ACC_MUT: case ACC_RESERVE:
    if (ln->mut) {
      d = diag_error(sp, "E0499", "cannot borrow `%s` as mutable more than once at a time", what);
      diag_label(d, "second mutable borrow occurs here");
      diag_secondary(d, ln->span, "first mutable borrow occurs here");
      add_later_use(k, d, pt->bi, pt->j, loan, pt->sets, "first borrow later used here");
    } else {
      d = diag_error(sp, "E0502", "cannot borrow `%s` as mutable because it is also borrowed as immutable", what);
      diag_label(d, "mutable borrow occurs here");
      diag_secondary(d, ln->span, "immutable borrow occurs here");
      add_later_use(k, d, pt->bi, pt->j, loan, pt->sets, "immutable borrow later used here");
    }
    break;
  case ACC_SHARED:
    d = diag_error(sp, "E0502", "cannot borrow `%s` as immutable because it is also borrowed as mutable", what);
    diag_label(d, "immutable borrow occurs here");
    diag_secondary(d, ln->span, "mutable borrow occurs here");
    add_later_use(k, d, pt->bi, pt->j, loan, pt->sets, "mutable borrow later used here");
    break;
  case ACC_READ:
    d = diag_error(sp, "E0503", "cannot use `%s` because it was mutably borrowed", what);
    diag_label(d, "use of borrowed `%s`", lwhat);
    diag_secondary(d, ln->span, "`%s` is borrowed here", lwhat);
    add_later_use(k, d, pt->bi, pt->j, loan, pt->sets, "borrow later used here");
    break;
  case ACC_MOVE:
    d = diag_error(sp, "E0505", "cannot move out of `%s` because it is borrowed", what);
    diag_label(d, "move out of `%s` occurs here", what);
    diag_secondary(d, ln->span, "borrow of `%s` occurs here", lwhat);
    add_later_use(k, d, pt->bi, pt->j, loan, pt->sets, "borrow later used here");
    break;
  case ACC_WRITE:
    d = diag_error(sp, "E0506", "cannot assign to `%s` because it is borrowed", what);
    diag_label(d, "`%s` is assigned to here but it was already borrowed", what);
    diag_secondary(d, ln->span, "`%s` is borrowed here", lwhat);
    add_later_use(k, d, pt->bi, pt->j, loan, pt->sets, "borrow later used here");
    break;
  }
  diag_defer(d, DEFER_CONFLICT);  // printed with sema's, in order, by lower_crate
  k->reported[loan] = true;
}

// `v[i]` of a Vec or String is a call of Index::index(&v) or IndexMut::index_mut(&mut v) in
// rustc, so reading or writing an element borrows the whole (E0502/E0499, not E0503/E0506).
static bool through_index_call(Bck *k, Place p) {
  for (int i = 0; i < p.nproj; i++)
    if (p.proj[i].kind == PROJ_DEREF) {
      TypeKind tk = ty_resolve(type_before(k, p, i))->kind;
      if (tk == TY_VEC || tk == TY_STRING) return true;
    }
  return false;
}

// One access of p at pt: the first live loan it conflicts with is reported.
static void access(Point *pt, Place p, Access acc, Span sp) {
  Bck *k = pt->k;
  if (through_index_call(k, p)) {
    if (acc == ACC_READ) acc = ACC_SHARED;
    if (acc == ACC_WRITE) acc = ACC_MUT;
  }
  for (int i = 0; i < k->nloans; i++) {
    Loan *ln = &k->loans.data[i];
    if (k->reported[i] || !overlap(ln->place, p) || !loan_live(pt, i)) continue;
    bool conflict;
    switch (acc) {
    case ACC_READ: case ACC_SHARED: conflict = ln->mut && !reserved(pt, i); break;
    case ACC_RESERVE: conflict = ln->mut; break;
    case ACC_WRITE: conflict = write_reaches(k, p, ln->place); break;
    default: conflict = true; break;
    }
    if (!conflict) continue;
    report_conflict(pt, i, p, acc, sp);
    return;
  }
}

static void access_operand(Point *pt, Operand *o, Span sp) {
  if (o->kind == OPND_CONST) return;
  access(pt, o->place, o->kind == OPND_MOVE ? ACC_MOVE : ACC_READ, sp);
}

// The return value holds a loan of a local, which dies when the function returns. rustc
// names the returned expression: the borrow itself when it is returned directly.
static void report_escape(Bck *k, int loan, Span ret_span) {
  Loan *ln = &k->loans.data[loan];
  const char *name = k->b->locals.data[ln->owner].name;
  bool direct = ln->place.nproj == 0 && !ln->autoref && ret_span.lo == ln->span.lo && ret_span.hi == ln->span.hi;
  bool param = ln->owner <= k->b->nparams;
  Diag *d;
  if (ln->capture) {
    d = diag_error(ln->span, "E0373", "closure may outlive the current function, but it borrows `%s`, which is owned by the current function", name);
    diag_label(d, "may outlive borrowed value `%s`", name);
    diag_note_at(d, ret_span, "closure is returned here");
    diag_help(d, "to force the closure to take ownership of `%s` (and any other referenced variables), use the `move` keyword", name);
  } else if (direct) {
    d = diag_error(ret_span, "E0515", "cannot return reference to %s `%s`", param ? "function parameter" : "local variable", name);
    diag_label(d, "returns a reference to data owned by the current function");
  } else {
    d = diag_error(ret_span, "E0515", "cannot return value referencing %s `%s`", param ? "function parameter" : "local variable", name);
    diag_label(d, "returns a value referencing data owned by the current function");
    diag_secondary(d, ln->span, "`%s` is borrowed here", name);
  }
  diag_defer(d, DEFER_CONFLICT);
  k->reported[loan] = true;
}

// The end of a local's storage: a live loan of it outlives it.
static void storage_dead(Point *pt, int l, Span sp, Span decl) {
  Bck *k = pt->k;
  for (int i = 0; i < k->nloans; i++) {
    Loan *ln = &k->loans.data[i];
    if (k->reported[i] || ln->owner != l || !loan_live(pt, i)) continue;
    const char *name = k->b->locals.data[l].name;
    if (!name) continue;
    if (bit(pt->live, 0) && bit(pt->sets, i)) {  // the return value holds it
      report_escape(k, i, k->ret_span);
      continue;
    }
    Diag *d = diag_error(ln->span, "E0597", "`%s` does not live long enough", name);
    diag_secondary(d, decl, "binding `%s` declared here", name);
    diag_label(d, "borrowed value does not live long enough");
    diag_secondary(d, sp, "`%s` dropped here while still borrowed", name);
    add_later_use(k, d, pt->bi, pt->j, i, pt->sets, "borrow later used here");
    diag_defer(d, DEFER_CONFLICT);
    k->reported[i] = true;
  }
}

// A whole local dropped while a loan of it is live: a temporary (`String::from("x").as_str()`
// kept past its statement) is E0716; a variable, E0597 as at the end of its scope.
static void dropped(Point *pt, int l, Span sp) {
  Bck *k = pt->k;
  if (sp.hi > sp.lo) sp.lo = sp.hi - 1;  // rustc points at the `}` or the `;`
  if (k->b->locals.data[l].name) {
    storage_dead(pt, l, sp, k->b->locals.data[l].span);
    return;
  }
  for (int i = 0; i < k->nloans; i++) {
    Loan *ln = &k->loans.data[i];
    if (k->reported[i] || ln->owner != l || !loan_live(pt, i)) continue;
    Diag *d = diag_error(ln->span, "E0716", "temporary value dropped while borrowed");
    diag_label(d, "creates a temporary value which is freed while still in use");
    diag_secondary(d, sp, "temporary value is freed at the end of this statement");
    add_later_use(k, d, pt->bi, pt->j, i, pt->sets, "borrow later used here");
    diag_help(d, "consider using a `let` binding to create a longer lived value");
    diag_defer(d, DEFER_CONFLICT);
    k->reported[i] = true;
  }
}

// At `return`, every local dies; what the return value holds must not be one of them.
static void check_return(Bck *k, State *s) {
  for (int i = 0; i < k->nloans; i++) {
    Loan *ln = &k->loans.data[i];
    if (!k->reported[i] && ln->owner >= 0 && bit(held(s, 0), i) && k->b->locals.data[ln->owner].name) report_escape(k, i, k->ret_span);
  }
}

static void check_stmt(Point *pt, MirStmt *st) {
  Bck *k = pt->k;
  if (st->kind == STMT_STORAGE_DEAD) {
    // rustc points at the closing brace of the scope.
    Span end = st->span;
    if (end.hi > end.lo) end.lo = end.hi - 1;
    storage_dead(pt, st->local, end, k->b->locals.data[st->local].span);
    return;
  }
  if (st->kind != STMT_ASSIGN) return;
  Rvalue *rv = &st->rv;
  switch (rv->kind) {
  case RV_REF: access(pt, rv->place, rv->two_phase ? ACC_RESERVE : rv->mut ? ACC_MUT : ACC_SHARED, st->span); break;
  case RV_AGGREGATE:
    for (int i = 0; i < rv->nops; i++) access_operand(pt, &rv->ops[i], st->span);
    break;
  // A bounds check's length is part of the indexing that follows it, which is checked itself.
  case RV_LEN: break;
  case RV_DISCRIMINANT: access(pt, rv->place, ACC_READ, st->span); break;
  case RV_BINARY: case RV_CHECKED: access_operand(pt, &rv->b, st->span); // fallthrough
  default: access_operand(pt, &rv->a, st->span); break;
  }
  access(pt, st->place, ACC_WRITE, st->span);
}

// A two-phase borrow becomes a `&mut` at the call that uses it: what is still borrowed after
// the call (the arguments have been read by then) conflicts with it.
static void activate(Point *pt, Operand *arg) {
  Bck *k = pt->k;
  if (arg->kind != OPND_MOVE || arg->place.nproj) return;
  for (int i = 0; i < k->nloans; i++) {
    Loan *ln = &k->loans.data[i];
    if (ln->two_phase && ln->holder == arg->place.local) access(pt, ln->place, ACC_MUT, ln->span);
  }
}

static void check_term(Point *pt, Terminator *t) {
  switch (t->kind) {
  case TERM_CALL:
    for (int i = 0; i < t->nargs; i++) access_operand(pt, &t->args[i], t->span);
    for (int i = 0; i < t->nargs; i++) activate(pt, &t->args[i]);
    access(pt, t->dest, ACC_WRITE, t->span);
    break;
  case TERM_SWITCH: access_operand(pt, &t->discr, t->span); break;
  case TERM_DROP:
    if (t->replace) access(pt, t->dest, ACC_WRITE, t->span);  // `x = v` drops the old x: E0506
    else if (!t->dest.nproj) dropped(pt, t->dest.local, t->span);
    break;
  default: break;
  }
}

static void check_blocks(Bck *k) {
  Body *b = k->b;
  size_t per_block = (size_t)(k->nlocals + 1) * k->words;  // the locals' sets, then the loans in scope
  State s = {k, bits_new((int)per_block)};
  Word *live = bits_new(k->lwords);
  for (int bi = 0; bi < b->blocks.len; bi++) {
    BasicBlock *bb = &b->blocks.data[bi];
    if (bb->is_cleanup || !k->entry_set[bi]) continue;
    // Live after each statement: a backward walk from the block's end.
    int n = bb->stmts.len;
    Word *after = bits_new(k->lwords * (n + 1));
    memset(live, 0, sizeof(Word) * k->lwords);
    int succ[65];
    int ns = successors(&bb->term, succ, 64);
    for (int i = 0; i < ns; i++)
      if (succ[i] >= 0) bits_or(live, k->live_in + (size_t)k->lwords * succ[i], k->lwords);
    memcpy(after + (size_t)k->lwords * n, live, sizeof(Word) * k->lwords);  // after the terminator
    term_live(k, live, &bb->term);
    for (int j = n - 1; j >= 0; j--) {
      memcpy(after + (size_t)k->lwords * j, live, sizeof(Word) * k->lwords);
      stmt_live(k, live, &bb->stmts.data[j]);
    }
    memcpy(s.sets, k->entry + per_block * bi, sizeof(Word) * per_block);
    for (int j = 0; j < n; j++) {
      MirStmt *st = &bb->stmts.data[j];
      Point pt = {k, bi, j, s.sets, after + (size_t)k->lwords * j, st->kind == STMT_ASSIGN && !st->place.nproj ? st->place.local : -1};
      check_stmt(&pt, st);
      if (st->kind == STMT_ASSIGN && !st->place.nproj && st->place.local == 0) k->ret_span = st->span;
      stmt_transfer(&s, st, k->loan_at[bi][j]);
    }
    Point pt = {k, bi, n, s.sets, after + (size_t)k->lwords * n,
                bb->term.kind == TERM_CALL && !bb->term.dest.nproj ? bb->term.dest.local : -1};
    check_term(&pt, &bb->term);
    if (bb->term.kind == TERM_CALL && !bb->term.dest.nproj && bb->term.dest.local == 0) k->ret_span = bb->term.span;
    if (bb->term.kind == TERM_RETURN) check_return(k, &s);
    term_transfer(&s, &bb->term);
  }
}

// ---------------------------------------------------------------------------------------------
// Mutability through references: `&mut *r` and `*r = v` need r to be a `&mut` (E0596, E0594).
// (A `mut`-less variable borrowed `&mut` or assigned is sema's error.) A closure's captures are
// left alone: rustc captures a `&mut` it only writes through as a unique borrow, which trc's
// environment spells `& &mut T`.

// The reference a place reaches its value through last: the index of the deref of a shared
// reference in it, or -1.
static int shared_deref(Bck *k, Place p) {
  int at = -1;
  for (int i = 0; i < p.nproj; i++) {
    if (p.proj[i].kind != PROJ_DEREF) continue;
    Type *t = ty_resolve(type_before(k, p, i));
    if (t->kind == TY_REF) at = t->mut ? -1 : i;
    else if (t->kind == TY_ITER) at = t->mut ? -1 : i;
  }
  return at;
}

static void check_mutability(Bck *k) {
  Body *b = k->b;
  if (b->fn && b->fn->is_closure) return;
  for (int bi = 0; bi < b->blocks.len; bi++) {
    BasicBlock *bb = &b->blocks.data[bi];
    if (bb->is_cleanup) continue;
    for (int j = 0; j < bb->stmts.len; j++) {
      MirStmt *st = &bb->stmts.data[j];
      if (st->kind != STMT_ASSIGN) continue;
      bool borrow = st->rv.kind == RV_REF && st->rv.mut;
      Place p = borrow ? st->rv.place : st->place;
      int at = shared_deref(k, p);
      if (at < 0) continue;
      Place ref = {p.local, p.proj, at};  // the shared reference itself
      const char *what = describe(k, p), *rname = describe(k, ref);
      if (!what || !rname) continue;
      Diag *d;
      if (borrow) {
        d = diag_error(st->span, "E0596", "cannot borrow `%s` as mutable, as it is behind a `&` reference", what);
        diag_label(d, "`%s` is a `&` reference, so the data it refers to cannot be borrowed as mutable", rname);
      } else {
        d = diag_error(st->span, "E0594", "cannot assign to `%s`, which is behind a `&` reference", what);
        diag_label(d, "`%s` is a `&` reference, so the data it refers to cannot be written", rname);
      }
      diag_defer(d, DEFER_MUTABILITY);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Initialization: a variable read before it is given a value on every path (E0381). Forward
// over the blocks: which variables may be initialized, and which may not be, where each
// statement runs (a `let x;` starts uninitialized; an assignment of the whole variable
// initializes it). Only the user's variables are checked: lowering's temporaries are written
// before they are read by construction.

typedef struct {
  Word *maybe_init, *maybe_uninit;  // per block on entry, lwords each
} Init;

static void init_assign(Word *mi, Word *mu, Place p) {
  if (p.nproj) return;
  bit_set(mi, p.local);
  bit_clear(mu, p.local);
}

static void init_transfer_stmt(Word *mi, Word *mu, MirStmt *st) {
  if (st->kind == STMT_ASSIGN) init_assign(mi, mu, st->place);
}

static void init_transfer_term(Word *mi, Word *mu, Terminator *t) {
  if (t->kind == TERM_CALL) init_assign(mi, mu, t->dest);
}

static void report_uninit(Bck *k, int l, Span sp, bool maybe, bool *reported) {
  if (reported[l]) return;
  reported[l] = true;
  const char *name = k->b->locals.data[l].name;
  Diag *d = diag_error(sp, "E0381", "used binding `%s` %s", name, maybe ? "is possibly-uninitialized" : "isn't initialized");
  diag_secondary(d, k->b->locals.data[l].span, "binding declared here but left uninitialized");
  diag_label(d, "`%s` used here but it %s", name, maybe ? "is possibly-uninitialized" : "isn't initialized");
  diag_defer(d, DEFER_USE_MOVED);
}

static void check_read(Bck *k, Word *mi, Word *mu, Place p, Span sp, bool *reported) {
  int l = p.local;
  if (l <= k->b->nparams || !k->b->locals.data[l].name || !bit(mu, l)) return;
  report_uninit(k, l, sp, bit(mi, l), reported);
}

static void check_reads_operand(Bck *k, Word *mi, Word *mu, Operand *o, Span sp, bool *rep) {
  if (o->kind != OPND_CONST) check_read(k, mi, mu, o->place, sp, rep);
}

static void check_init(Bck *k) {
  Body *b = k->b;
  int nb = b->blocks.len, w = k->lwords;
  Word *mi = bits_new(w * nb), *mu = bits_new(w * nb);
  bool *seen = calloc(nb, 1);
  // On entry: the parameters (and the return place, which is only written) are initialized.
  for (int l = b->nparams + 1; l < k->nlocals; l++) bit_set(mu, l);
  for (int l = 0; l <= b->nparams; l++) bit_set(mi, l);
  seen[0] = true;
  Word *ci = bits_new(w), *cu = bits_new(w);
  for (bool changed = true; changed;) {
    changed = false;
    for (int bi = 0; bi < nb; bi++) {
      BasicBlock *bb = &b->blocks.data[bi];
      if (!seen[bi] || bb->is_cleanup) continue;
      memcpy(ci, mi + (size_t)w * bi, sizeof(Word) * w);
      memcpy(cu, mu + (size_t)w * bi, sizeof(Word) * w);
      for (int j = 0; j < bb->stmts.len; j++) init_transfer_stmt(ci, cu, &bb->stmts.data[j]);
      init_transfer_term(ci, cu, &bb->term);
      int succ[65];
      int n = successors(&bb->term, succ, 64);
      for (int i = 0; i < n; i++) {
        int to = succ[i];
        if (to < 0 || b->blocks.data[to].is_cleanup) continue;
        bool c = bits_or(mi + (size_t)w * to, ci, w);
        c |= bits_or(mu + (size_t)w * to, cu, w);
        if (!seen[to]) seen[to] = c = true;
        changed |= c;
      }
    }
  }
  bool *reported = calloc(k->nlocals, 1);
  for (int bi = 0; bi < nb; bi++) {
    BasicBlock *bb = &b->blocks.data[bi];
    if (!seen[bi] || bb->is_cleanup) continue;
    memcpy(ci, mi + (size_t)w * bi, sizeof(Word) * w);
    memcpy(cu, mu + (size_t)w * bi, sizeof(Word) * w);
    for (int j = 0; j < bb->stmts.len; j++) {
      MirStmt *st = &bb->stmts.data[j];
      if (st->kind == STMT_ASSIGN) {
        Rvalue *rv = &st->rv;
        switch (rv->kind) {
        case RV_REF: case RV_LEN: case RV_DISCRIMINANT: check_read(k, ci, cu, rv->place, st->span, reported); break;
        case RV_AGGREGATE:
          for (int i = 0; i < rv->nops; i++) check_reads_operand(k, ci, cu, &rv->ops[i], st->span, reported);
          break;
        case RV_BINARY: case RV_CHECKED: check_reads_operand(k, ci, cu, &rv->b, st->span, reported);  // fallthrough
        default: check_reads_operand(k, ci, cu, &rv->a, st->span, reported); break;
        }
        // A write into part of the variable (`x.0 = 1`) reads nothing, but it does not make it
        // initialized either.
      }
      init_transfer_stmt(ci, cu, st);
    }
    Terminator *t = &bb->term;
    if (t->kind == TERM_CALL)
      for (int i = 0; i < t->nargs; i++) check_reads_operand(k, ci, cu, &t->args[i], t->span, reported);
    if (t->kind == TERM_SWITCH) check_reads_operand(k, ci, cu, &t->discr, t->span, reported);
  }
  free(seen);
  free(reported);
}

// ---------------------------------------------------------------------------------------------
// The pass

static void collect_loans(Bck *k) {
  Body *b = k->b;
  k->loan_at = arena_alloc(sizeof(int *) * b->blocks.len);
  for (int bi = 0; bi < b->blocks.len; bi++) {
    BasicBlock *bb = &b->blocks.data[bi];
    k->loan_at[bi] = arena_alloc(sizeof(int) * (bb->stmts.len + 1));
    for (int j = 0; j < bb->stmts.len; j++) {
      MirStmt *st = &bb->stmts.data[j];
      k->loan_at[bi][j] = -1;
      if (st->kind != STMT_ASSIGN || st->rv.kind != RV_REF || bb->is_cleanup) continue;
      Place p = st->rv.place;
      Loan ln = {.place = p, .mut = st->rv.mut, .two_phase = st->rv.two_phase, .autoref = st->rv.autoref, .capture = st->rv.capture, .span = st->span,
                 .holder = st->place.nproj ? -1 : st->place.local, .owner = through_ref(k, p) ? -1 : p.local};
      k->loan_at[bi][j] = k->loans.len;
      vec_push(&k->loans, ln);
    }
  }
  k->nloans = k->loans.len;
}

// Bodies past this many (locals x loans) bits per block are not checked: the sets would cost
// more memory than the check is worth (no generated or test program comes near it).
#define BCK_MAX_BITS (1 << 22)

void mir_borrowck(Body *b) {
  if (!b->blocks.len) return;
  Bck k = {.b = b, .nlocals = b->locals.len};
  k.lwords = (k.nlocals + 63) / 64;
  check_init(&k);
  collect_loans(&k);
  check_mutability(&k);
  if (!k.nloans) return;
  k.words = (k.nloans + 63) / 64;
  if ((size_t)(k.nlocals + 1) * k.words * 64 > BCK_MAX_BITS) return;
  k.reported = arena_alloc(k.nloans);
  memset(k.reported, 0, k.nloans);
  compute_loan_sets(&k);
  compute_liveness(&k);
  check_blocks(&k);
}
