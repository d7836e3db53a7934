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
//      (`v.push(v.len())`). A loan of what a parameter points to that flows into the return
//      value lives from where it is made to the end of the body, on every path, as the
//      signature's region does in rustc.
//   5. The body against its signature ("Universal regions" below; what a signature writes is
//      read by signature.c): each reference parameter's
//      lifetime, and each lifetime argument of what it points to, is a loan of no place that
//      flows like the others; what reaches the return value must be a lifetime the return
//      type allows ("lifetime may not live long enough", E0621). Parameters and struct fields
//      of type `&'static T` or `Box<dyn Tr>` (object lifetime 'static) may keep what they are
//      given forever, so a borrow of a local given to one is E0597. A `let` whose type names a
//      lifetime of the signature (`let z: &'a i32 = ..`) asks the same of what it is given:
//      a local's borrow is E0597, a parameter's region must outlive 'a by the bounds.
//
// Two refinements keep the sets precise where rustc is: a struct or tuple local of several
// fields holding references keeps a set per field ("Fields apart"), and a closure's capture is
// a loan of the one field its body uses (Rust 2021's disjoint captures).
//
// A closure's body is checked before the function it is written in, and what it stores into
// the variables it captured, or gives where 'static is required, is summarized for that
// function's check ("What a closure's body stores into its captures").
//
// What the pass does not see it lets through: a trc program may still be accepted where rustc
// rejects it (what a closure stores of its arguments' borrows; regions compared across a
// closure's signature, as `sort_by_key(|s| &s[..])`), but
// a program rustc accepts is not rejected, which the whole test suite and the differential
// programs are run to confirm.
#include "lower/dataflow.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  Place place;
  bool mut, two_phase;
  bool autoref;    // made for a method's receiver, not written `&`
  bool capture;    // a closure's capture by reference
  FnDecl *closure; // ... the closure capturing
  bool unique;     // ... a unique one (Rvalue.unique)
  uint64_t fields; // ... of these fields of place only (bit i: field i), or 0: all of it
  Span span;
  int holder;      // the local the reference is first stored in
  int owner;       // the local whose storage the place is in, or -1 when reached through a reference
  // A universal region (see "Universal regions"): the lifetime of reference parameter `holder`,
  // as written (`'a`, interned) or NULL when elided. Its place is no place (local -1).
  bool shared_deref;  // its place is behind a `&` (through_shared_ref): it conflicts with nothing
  bool universal;
  const char *region;
  bool inner;      // universal: a lifetime argument of what the parameter points to (`&Pair<'a, 'b>`)
  // A type parameter's region (see "Type parameters in trait objects"): the value of an
  // unsizing cast of a T (or of a type mentioning T) that has no `T: 'static` bound.
  Type *param;
  int nparams;     // the first of a cast's loans: how many it makes (one per type parameter)
  Span use_span;   // a capture: where the closure's body uses what it captures
} Loan;

// Loans by local, in the order they are made: loan[start[l]] .. loan[start[l + 1] - 1].
typedef struct {
  int *start, *loan;
} LoanIndex;

// A block's state on entry, sparse: the non-empty sets of the locals that matter there.
typedef struct {
  int n;
  int *idx;    // the sets' indices in a State
  Word *bits;  // their loans, n x words
} Entry;

typedef struct {
  Body *b;
  int nlocals, nloans, words;   // words: a loan set's length
  VEC(Loan) loans;
  int **loan_at;                // per block and statement: the loan its rvalue makes, or -1
  Entry *entry;                 // per block: the sets on entry that matter there (see "Sets")
  bool *entry_set;
  int *set_local;               // per set: the local it belongs to, or -1 (the loans in scope)
  int *span_of;                 // per local: how many sets it has (its own and its fields')
  bool *kept;                   // per local: its sets go on into every block, live there or not
  int *pos;                     // per set: scratch for merging entries, -1
  int *grow;                    // ... and the sets an entry lacks
  int *going_on, stamp;         // per local: stamp when its sets go on into a block (going_on)
  Word *reach;                  // ... and the loans those hold
  struct State *work;           // the one dense State, which each pass loads entries into
  int *scratch_locals;          // nlocals: the locals live_holders and going_on list
  Word *always_live;            // the loans live wherever they are in scope (find_always_live)
  LoanIndex of_local;           // per local: the loans of a place in it (index_loans)
  LoanIndex held_by;            // per local: the loans it is the holder of
  Word *live_in;                // per block: live locals on entry (lwords each)
  int lwords;
  bool *reported;               // per loan: an error already names it
  Word *universal;              // the loans that are universal regions
  int *origin;                  // per local: the temporary's reference copied from this one, or -1
  int *set_of;                  // per local: the index of its loan set, or -1 (see "Sets")
  const Word *none;             // the empty set every local without one holds
  int *field_base;              // per local: the set of its first field (see "Fields apart"), or -1
  int nsets;                    // sets per program point: the loans in scope, the locals', field sets
  int activating;               // the two-phase loan being activated, or -1
  Span activation_call;  // the call activating two-phase loans: their conflicts' later use
  Terminator *activation_term;  // ... whose arguments use what they hold
  bool *moved_out;              // per block: its terminator drops a local that was moved out
  bool check_regions;           // the signature is one whose regions are compared with the body
  Span *ret_span;               // per loan: where the return value first receives it
  Span *store_span;             // per loan: where a `&mut` parameter's referent first receives it
  bool *store_by_call;          // ... by a call's argument, not an assignment
  Rvalue **made_closure;        // per local: the closure value it was assigned, or NULL
} Bck;

// ---------------------------------------------------------------------------------------------
// Types that can hold a reference

// `visiting` holds the types being looked into, so that a recursive type (a list's node holding
// an Option<Box<Node>>) is answered by its other fields.
static bool has_refs_in(Type *t, Type **visiting, int depth, bool dyn) {
  t = ty_resolve(t);
  if (!t || depth >= 16) return true;
  for (int i = 0; i < depth; i++)
    if (visiting[i] == t) return false;
  visiting[depth] = t;
  switch (t->kind) {
  case TY_REF: case TY_ITER: case TY_PARAM: case TY_ASSOC: case TY_CLOSURE: case TY_VAR: case TY_OPAQUE: return true;
  case TY_BOX: case TY_VEC: case TY_ARRAY: case TY_SLICE: case TY_RANGE: return has_refs_in(t->inner, visiting, depth + 1, dyn);
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++)
      if (has_refs_in(t->args[i], visiting, depth + 1, dyn)) return true;
    return false;
  case TY_STRUCT: {
    StructDecl *sd = t->sdecl;
    for (int v = 0; v < (sd->is_enum ? sd->nvariants : 1); v++) {
      int n = sd->is_enum ? sd->variants[v].nfields : sd->nfields;
      for (int f = 0; f < n; f++)
        if (has_refs_in(mir_field_type(t, sd->is_enum ? v : -1, f), visiting, depth + 1, dyn)) return true;
    }
    return false;
  }
  // `dyn Tr` may hold anything its concrete type holds: `Box<dyn Tr + 'a>` borrows. (A
  // `Box<dyn Tr>` is `dyn Tr + 'static` in rustc and may hold no borrow at all; taking every
  // trait object as bounded by the borrows put into it accepts no program that frees one early.)
  case TY_DYN: return dyn;
  default: return false;  // numbers, str, String, fn pointers
  }
}

static bool type_has_refs(Type *t) {
  Type *visiting[16];
  return has_refs_in(t, visiting, 0, true);
}

// Whether t holds a reference other than inside a trait object (`Box<dyn Tr>`: none).
static bool refs_besides_dyn(Type *t) {
  Type *visiting[16];
  return has_refs_in(t, visiting, 0, false);
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

// Reached through a shared reference (`&self.prog[pc]` of a `prog: &'p [u32]` field): rustc
// does not track such a borrow either (`Place::ignore_borrow`). What it points to cannot change
// while the `&` lives, whatever happens to the place the `&` is stored in; the reference's own
// loans, which the result holds, keep what it points to alive.
static bool through_shared_ref(Bck *k, Place p) {
  for (int i = 0; i < p.nproj; i++) {
    if (p.proj[i].kind != PROJ_DEREF) continue;
    Type *t = ty_resolve(type_before(k, p, i));
    if ((t->kind == TY_REF || t->kind == TY_ITER) && !t->mut) return true;
  }
  return false;
}

// Reached through a raw pointer (or a `static mut`, the place behind its address): rustc does
// not track borrows of such places (`Place::ignore_borrow`): the pointer says nothing of who
// owns what it points to, so a reference made from it is not tied to any loan.
static bool through_raw(Bck *k, Place p) {
  for (int i = 0; i < p.nproj; i++)
    if (p.proj[i].kind == PROJ_DEREF && ty_resolve(type_before(k, p, i))->kind == TY_PTR) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Which loans each local holds (forward)

// Sets. The state at a point is a loan set per local, which is quadratic (locals x loans) at
// each block: a body of 500 `println!`s has 2,000 temporary references and 2,000 loans, 500
// KiB a block; dense, its check took 7 s and 900 MiB. Three things keep it small:
//
//   - Only a local whose type can hold a reference has a set: a number or a String holds no
//     loan, whatever it was computed from (`n = v.len()`). The others read as `none`, and
//     nothing writes to them (`holds` guards the writes).
//   - A block's entry keeps only the sets of the locals live there (the rest are never read
//     again before a whole assignment replaces them); of those that a loan held by one of
//     these borrows (a write through a `&mut` looks at what its target held); and of the
//     locals always kept: the return place, the parameters (their stores are checked against
//     the signature) and the captures a closure is made of (a call of it stores into them).
//   - Entries are sparse (Entry), and the one dense State being worked on clears only the
//     sets written since it was loaded (`dirty`).
typedef struct State {
  Bck *k;
  Word *sets;       // the loans in scope (set 0), then each holding local's set and its fields'
  int *dirty, ndirty;  // the locals whose sets may be non-empty (NULL: a view, only read)
  bool *is_dirty;
} State;

static bool holds(Bck *k, int l) { return k->set_of[l] >= 0; }

// A State to read the sets at a Point through.
static State view(Bck *k, const Word *sets) { return (State){k, (Word *)sets, NULL, 0, NULL}; }

// Local l's bit in a set of locals (liveness, "may be initialized"), which only the holding
// locals have: those are all that is asked about (see "Liveness").
static void local_set(Bck *k, Word *w, int l) {
  if (holds(k, l)) bit_set(w, k->set_of[l]);
}

static void local_clear(Bck *k, Word *w, int l) {
  if (holds(k, l)) bit_clear(w, k->set_of[l]);
}

static bool local_bit(Bck *k, const Word *w, int l) { return holds(k, l) && bit(w, k->set_of[l]); }

// Local l's sets are about to be written.
static void touch(State *s, int l) {
  if (s->dirty && !s->is_dirty[l]) s->is_dirty[l] = true, s->dirty[s->ndirty++] = l;
}

// The set of local l among sets (a State's, or a block entry's), read-only for a local that
// holds nothing: write only where `holds`.
static Word *set_in(Bck *k, const Word *sets, int l) {
  int i = k->set_of[l];
  return (Word *)(i < 0 ? k->none : sets + (size_t)i * k->words);
}

static Word *held(State *s, int l) { return set_in(s->k, s->sets, l); }

// Fields apart. A struct or tuple whose fields hold borrows of different lifetimes (`Pair {
// first: &a, second: &b }`) would, as one set, make reading `p.first` hold b's loan too. So a
// local of such a type also keeps one set per field, a subset of its whole set: an aggregate
// fills each from its operand, `p.f = v` replaces field f's, and reading a place that starts
// with `p.f` takes field f's. Everything else (liveness, conflicts) goes by the whole set.

static int split_fields(Type *t) {
  t = ty_resolve(t);
  int n = t->kind == TY_TUPLE ? t->nargs : t->kind == TY_STRUCT && !t->sdecl->is_enum ? t->sdecl->nfields : 0;
  return n >= 2 && n <= 16 && type_has_refs(t) ? n : 0;
}

static Word *field_set(State *s, int l, int f) { return s->sets + (size_t)(s->k->field_base[l] + f) * s->k->words; }

// The field of a split local that p starts with, or -1.
static int first_field(Bck *k, Place p) {
  if (p.local < 0 || k->field_base[p.local] < 0 || !p.nproj || p.proj[0].kind != PROJ_FIELD) return -1;
  return p.proj[0].field;
}

// Adds the loans of l to dst, less the universal regions when `strip`.
static void add_loans(Bck *k, Word *dst, const Word *h, bool strip) {
  for (int w = 0; w < k->words; w++) dst[w] |= strip ? h[w] & ~k->universal[w] : h[w];
}

// What reading place p can see: its field's set, or the whole local's.
static void add_inner_regions(Bck *k, Word *dst, Place p);

static void add_place_loans(State *s, Word *dst, Place p, bool strip) {
  int f = first_field(s->k, p);
  add_loans(s->k, dst, f >= 0 ? field_set(s, p.local, f) : held(s, p.local), strip);
  if (strip) add_inner_regions(s->k, dst, p);
}

// A value read through a reference is what the reference points to: it holds the referent's
// own borrows, not the reference's lifetime (which regions those are is not followed).
//
// Nor does a value copied out from behind a reference point to that reference's referent (safe
// Rust has no value pointing into its own storage): `n = *rr` of `rr = &r` holds what r holds,
// not the loan of r itself. Which loans are the reference's own is told by type: a loan of a
// place whose type contains the referent's (`&r` of r: &String read as `*rr`, `&v` of a
// Vec<T> for an element T, `Outer { ctx: &c }` read as `(*o.ctx).name`) is where the referent
// lives, not something it holds. (A value holding a borrow of another of its own type, a
// node with a `&Node` parent, is the case this misses.)
static bool type_contains(Type *outer, Type *t, int depth) {
  outer = ty_resolve(outer);
  if (outer == t) return true;
  if (depth > 8) return false;
  if (outer->inner && type_contains(outer->inner, t, depth + 1)) return true;
  for (int i = 0; i < outer->nargs; i++)
    if (type_contains(outer->args[i], t, depth + 1)) return true;
  return false;
}

static void drop_container_loans(Bck *k, Word *set, Type *referent) {
  referent = ty_resolve(referent);
  for (int l = 0; l < k->nloans; l++) {
    Loan *ln = &k->loans.data[l];
    if (bit(set, l) && ln->place.local >= 0 && !ln->universal && !ln->param && type_contains(place_type(k, ln->place), referent, 0)) bit_clear(set, l);
  }
}

static void add_operand_loans(State *s, Word *dst, Operand *o) {
  if (o->kind == OPND_CONST || !type_has_refs(o->ty)) return;
  Bck *k = s->k;
  if (!through_ref(k, o->place)) {
    add_place_loans(s, dst, o->place, false);
    return;
  }
  Word *got = bits_new(k->words);
  add_place_loans(s, got, o->place, true);
  Place p = o->place;
  for (int i = 0; i < p.nproj; i++) {
    if (p.proj[i].kind != PROJ_DEREF || !borrowed_ptr(type_before(k, p, i))) continue;
    drop_container_loans(k, got, p.proj[i].ty);
  }
  add_loans(k, dst, got, false);
}

// `&(*x).f` for a reference parameter x lives at most as long as x's region, and may live that
// long; through a second reference it is that one's region, which is not followed.
static bool reborrows_local(Bck *k, Place p) {
  if (!p.nproj || p.proj[0].kind != PROJ_DEREF || !borrowed_ptr(local_ty(k, p.local))) return false;
  for (int i = 1; i < p.nproj; i++)
    if (p.proj[i].kind == PROJ_DEREF && borrowed_ptr(type_before(k, p, i))) return false;
  return true;
}

// What the value of rv holds.
static void rvalue_loans(State *s, Rvalue *rv, int loan, Word *out) {
  switch (rv->kind) {
  case RV_REF:
    if (rv->raw) return;  // `&raw const x`: a raw pointer carries no loan
    if (loan >= 0) bit_set(out, loan);
    // A reborrow through a reference keeps the outer reference's loans alive; a borrow of a
    // value that holds references holds them too.
    if (through_ref(s->k, rv->place))
      add_place_loans(s, out, rv->place, !reborrows_local(s->k, rv->place));
    else if (type_has_refs(place_type(s->k, rv->place)))
      add_place_loans(s, out, rv->place, false);
    return;
  case RV_USE: add_operand_loans(s, out, &rv->a); return;
  case RV_CAST: {
    if (rv->cast == CAST_PTR) return;  // a raw pointer carries no loan
    for (int i = 0; loan >= 0 && i < s->k->loans.data[loan].nparams; i++) bit_set(out, loan + i);  // the type parameters an unsizing cast puts in a `dyn`
    // `&&'a T -> &'a T` is the inner reference: not the outer one's region.
    Type *from = ty_resolve(rv->a.ty);
    bool inner_ref = rv->cast == CAST_DEREF && from->kind == TY_REF && borrowed_ptr(from->inner);
    if (rv->a.kind != OPND_CONST && type_has_refs(rv->a.ty))
      add_place_loans(s, out, rv->a.place, inner_ref || through_ref(s->k, rv->a.place));
    return;
  }
  case RV_AGGREGATE:
    for (int i = 0; i < rv->nops; i++) add_operand_loans(s, out, &rv->ops[i]);
    return;
  default: return;
  }
}

// `_l = v` replaces what _l held; `_l.f = v` and `(*_l) = v` add to it, and a write through a
// `&mut` also reaches what that reference points to.
static void absorb(State *s, int l, const Word *loans, int depth);
// Whether temporary l is (a copy or cast of) the reference first stored in holder: `_3 = &v;
// _4 = copy _3 as &[T] (Deref)` makes _4 the same borrow as _3.
static bool made_with(Bck *k, int l, int holder) {
  for (int steps = 0; l >= 0 && steps < 8; steps++, l = k->origin[l])
    if (l == holder) return true;
  return false;
}

// Clears from set the borrows operand o was made with (`_3 = &v` of `move _3`): what remains is
// what the value it points to holds.
static void drop_own_loans(Bck *k, Word *set, Operand *o) {
  for (int l = 0; l < k->nloans && o->kind != OPND_CONST; l++)
    if (made_with(k, o->place.local, k->loans.data[l].holder)) bit_clear(set, l);
}

static void absorb_from(State *s, int l, const Word *loans, int depth, bool through);

static void assign_loans(State *s, Place dest, const Word *loans) {
  Bck *k = s->k;
  int l = dest.local;
  if (!holds(k, l)) return;
  touch(s, l);
  if (!dest.nproj) {
    memcpy(held(s, l), loans, sizeof(Word) * k->words);
    for (int f = 0; k->field_base[l] >= 0 && f < split_fields(local_ty(k, l)); f++)
      memcpy(field_set(s, l, f), loans, sizeof(Word) * k->words);
    return;
  }
  int f = first_field(k, dest);
  if (f >= 0 && dest.nproj == 1) {  // `p.f = v`: field f holds v's loans now
    memcpy(field_set(s, l, f), loans, sizeof(Word) * k->words);
    bits_or(held(s, l), loans, k->words);
    return;
  }
  absorb_from(s, l, loans, 0, through_ref(k, dest));
}

// `p = Pair { .. }` of a split local: each field holds its own operand's loans.
static void assign_fields(State *s, Place dest, Rvalue *rv) {
  Bck *k = s->k;
  int l = dest.local;
  if (dest.nproj || k->field_base[l] < 0) return;
  int n = split_fields(local_ty(k, l));
  if (rv->kind == RV_AGGREGATE && rv->nops == n) {
    for (int f = 0; f < n; f++) {
      memset(field_set(s, l, f), 0, sizeof(Word) * k->words);
      add_operand_loans(s, field_set(s, l, f), &rv->ops[f]);
    }
  } else if (rv->kind == RV_USE && rv->a.kind != OPND_CONST && !rv->a.place.nproj && k->field_base[rv->a.place.local] >= 0 &&
             split_fields(local_ty(k, rv->a.place.local)) == n) {
    for (int f = 0; f < n; f++) memcpy(field_set(s, l, f), field_set(s, rv->a.place.local, f), sizeof(Word) * k->words);
  }
}

// l (a value, or a `&mut` to one) receives loans: so do the places its `&mut` loans point to.
// A write reaches through l's `&mut` loans only when l is a `&mut` itself, or when the write
// came through a deref of what l holds (`*(w.v)`: through the `&mut` stored in w.v): pushing
// onto a `Vec<&mut i32>` writes into the Vec, not into what its elements point to.
static void absorb_from(State *s, int l, const Word *loans, int depth, bool through) {
  Bck *k = s->k;
  if (depth > 4 || !holds(k, l)) return;
  touch(s, l);
  Word *h = held(s, l), *before = bits_new(k->words);
  memcpy(before, h, sizeof(Word) * k->words);
  bits_or(h, loans, k->words);
  for (int f = 0; k->field_base[l] >= 0 && f < split_fields(local_ty(k, l)); f++) bits_or(field_set(s, l, f), loans, k->words);
  Type *lt = ty_resolve(local_ty(k, l));
  if (!through && !(borrowed_ptr(lt) && lt->mut)) return;
  // The loans l holds because what it points to holds them (`&mut refs` of a Vec<&mut i32>
  // holds the elements' loans) are not where the write goes: only l's own.
  Word *contents = bits_new(k->words);
  for (int i = 0; i < k->nloans; i++) {
    Loan *ln = &k->loans.data[i];
    if (bit(before, i) && ln->place.local >= 0 && ln->place.local != l && made_with(k, l, ln->holder))
      bits_or(contents, held(s, ln->place.local), k->words);
  }
  for (int i = 0; i < k->nloans; i++) {
    Loan *ln = &k->loans.data[i];
    if (bit(before, i) && !bit(contents, i) && ln->mut && ln->place.local != l && ln->place.local >= 0)
      absorb_from(s, ln->place.local, loans, depth + 1, through_ref(k, ln->place));
  }
}

static void absorb(State *s, int l, const Word *loans, int depth) { absorb_from(s, l, loans, depth, false); }

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
typedef enum { ARG_INSIDE, ARG_ALL, ARG_NONE } ArgFlow;  // NONE: a generic value the result cannot hold

// The function a call names with a written signature (not a closure's, which is inferred), or NULL.
static FnDecl *callee_sig(Terminator *t) {
  Callee *c = &t->callee;
  bool named = c->kind == CALLEE_FN || c->kind == CALLEE_TRAIT || c->kind == CALLEE_VIRTUAL;
  return named && c->fn && !c->fn->is_closure ? c->fn : NULL;
}

// Whether a value of type t may carry a borrow of a lifetime chosen at a call: a reference, a
// trait object, a slice iterator or a struct with lifetime parameters in it (not a type
// parameter, which its function's caller chose).
static bool names_lifetime(Type *t, int depth) {
  t = ty_resolve(t);
  if (!t || depth > 8) return true;
  switch (t->kind) {
  case TY_REF: case TY_DYN: case TY_ITER: case TY_CLOSURE: case TY_VAR: return true;
  case TY_BOX: case TY_VEC: case TY_ARRAY: case TY_SLICE: case TY_RANGE: return names_lifetime(t->inner, depth + 1);
  case TY_STRUCT:
    if (t->sdecl->generics.nlifetimes) return true;  // fallthrough
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++)
      if (names_lifetime(t->args[i], depth + 1)) return true;
    return false;
  default: return false;
  }
}

static bool own_type_param(FnDecl *f, const char *name) {
  for (int j = 0; j < f->generics.nparams; j++)
    if (f->generics.params[j].name == name) return true;
  return false;
}

// Whether a by-value argument of f's own type parameter `name` may reach the result: the
// return type names it, or names another of f's own parameters that this call makes a type
// able to hold a borrow (`ok_or_else(|| format!("no {}", name))`: E is String, so the result
// keeps nothing of the closure's borrow of name; `fold(&k, ..)`: B is a reference).
static bool own_param_may_return(Callee *c, FnDecl *f, const char *name) {
  if (!sig_param_may_return(f, name)) return false;
  if (sig_type_names(f->ret, name, 0) || f->has_impl_trait_args) return true;
  int own0 = c->ntargs - f->generics.nparams;
  for (int j = 0; j < f->generics.nparams; j++) {
    if (!sig_type_names(f->ret, f->generics.params[j].name, 0)) continue;
    if (own0 < 0 || !c->targs || names_lifetime(c->targs[own0 + j], 0)) return true;
  }
  return false;
}

// A closure (by value) whose result is made of its arguments only (summarize_closure_result).
static bool env_free_closure(Operand *o) {
  Type *t = ty_resolve(o->ty);
  if (t->kind == TY_REF) t = ty_resolve(t->inner);
  return t->kind == TY_CLOSURE && t->closure && t->closure->ret_env_free;
}

static ArgFlow arg_flow(Bck *k, Terminator *t, int i) {
  Callee *c = &t->callee;
  if (c->kind == CALLEE_BUILTIN) {
    // Of the builtin methods, these return a borrow of the receiver; the other arguments of
    // builtins are values that the result may be made of (`Box::new(&x)` holds x's loan).
    bool method = c->expr && c->expr->kind == EX_METHOD;
    const char *n = method ? c->expr->name : "";
    bool borrows = !strcmp(n, "as_str") || !strcmp(n, "iter") || !strcmp(n, "iter_mut");
    return borrows || !method || i > 0 ? ARG_ALL : ARG_INSIDE;
  }
  // A closure's or fn pointer's result (Fn::Output) borrows what the closure holds, never the
  // borrow of the closure made to call it; and an argument's own borrow only when the result
  // has a reference in it (`F: Fn(&T) -> U` cannot return the `&T`: U is the caller's).
  if (c->kind == CALLEE_CALLABLE) {
    if (i == 0) return env_free_closure(&t->args[0]) ? ARG_NONE : ARG_INSIDE;
    return names_lifetime(place_type(k, t->dest), 0) ? ARG_ALL : ARG_INSIDE;
  }
  FnDecl *f = callee_sig(t);
  if (!f) return ARG_ALL;
  bool has_self = f->self_kind != SELF_NONE;
  bool self_ref = f->self_kind == SELF_REF || f->self_kind == SELF_REF_MUT;
  if (has_self && i == 0) {
    // By value: what it holds; all of it when the result has the Self it was (`map(self, f) ->
    // Map<Self, F>`, whose iterator still borrows what it did). `max_by_key(self, f) ->
    // Option<Self::Item>` holds only what an item may point into, not the closure's captures.
    // A Self that is itself a reference (`(&v).into_iter()`, `for x in &m`: IntoIterator for
    // `&'a Vec<T>`) may give its own borrow to what the result projects from it
    // (`Self::IntoIter` is `Iter<'a, T>`).
    if (!self_ref) {
      bool ref_self = ty_resolve(t->args[0].ty)->kind == TY_REF && sig_type_names(f->ret, intern_cstr("Self"), 0);
      return ref_self || sig_type_holds(f->ret, intern_cstr("Self"), 0) ? ARG_ALL : ARG_INSIDE;
    }
    if (f->self_lifetime) return sig_names_lifetime(f, f->self_lifetime) ? ARG_ALL : ARG_INSIDE;
    return f->ret_elided ? ARG_ALL : ARG_INSIDE;
  }
  int pi = i - has_self;
  if (pi < 0 || pi >= f->nparams) return ARG_ALL;
  TypeExpr *te = f->params[pi].ty;
  // A value of the callee's own type parameter may itself be a reference: all of it may be
  // returned (`fold(&k, ..)` returns B), or nothing of it (`find(|x| **x > k)` keeps nothing
  // of the closure's borrow of k).
  if (te->kind == TE_PATH && te->path.nsegs == 1 && !te->path.segs[0].nargs && own_type_param(f, te->path.segs[0].name)) {
    const char *name = te->path.segs[0].name;
    // A closure whose result holds nothing of its captures gives them to the result only if
    // the result holds the closure itself.
    if (env_free_closure(&t->args[i]) && !sig_type_names(f->ret, name, 0) && !sig_ret_has_impl(f->ret)) return ARG_NONE;
    return own_param_may_return(c, f, name) ? ARG_ALL : ARG_NONE;
  }
  if (te->kind != TE_REF) return ARG_INSIDE;  // by value: what it holds
  if (te->lifetime) return sig_names_lifetime(f, te->lifetime) ? ARG_ALL : ARG_INSIDE;
  // Elided: the return type's elided lifetime is this one's if nothing else can be.
  return f->ret_elided && !self_ref && f->param_lifetimes == 1 ? ARG_ALL : ARG_INSIDE;
}

// A virtual call's parameters are the trait's, whose `&self` names no struct.
static TypeExpr *param_referent(Terminator *t, int i) {
  return t->callee.kind == CALLEE_VIRTUAL ? NULL : sig_referent(callee_sig(t), i);
}

// An ARG_INSIDE argument `&p` of a split struct local p, to a callee whose signature names
// p's lifetimes (`fn first(&self) -> &'a str` on `Pair<'a, 'b>`): the result holds the loans
// of the fields whose types mention a lifetime the return type has, not all of p's. With
// `want` (lifetimes of the callee, n of them), of the fields whose lifetime is (or outlives)
// one of those instead: what one field of a returned struct may hold.
static bool referent_fields_of(State *s, Terminator *t, int i, const char **want, int nwant, Word *out) {
  Bck *k = s->k;
  Operand *a = &t->args[i];
  TypeExpr *te = param_referent(t, i);
  if (!te || te->kind != TE_PATH || !te->path.nsegs || a->kind == OPND_CONST) return false;
  PathSeg *seg = &te->path.segs[te->path.nsegs - 1];
  int p = -1;
  for (int l = 0; l < k->nloans; l++) {
    Loan *ln = &k->loans.data[l];
    if (ln->universal || !made_with(k, a->place.local, ln->holder)) continue;
    if (ln->place.nproj || (p >= 0 && p != ln->place.local)) return false;
    p = ln->place.local;
  }
  if (p < 0 || k->field_base[p] < 0) return false;
  Type *pt = ty_resolve(local_ty(k, p));
  if (pt->kind != TY_STRUCT) return false;
  StructDecl *sd = pt->sdecl;
  if (sd->generics.nlifetimes != seg->nlifetimes || sd->generics.nlifetimes > GENERICS_MAX_LIFETIMES) return false;
  FnDecl *f = t->callee.fn;
  for (int fi = 0; fi < sd->nfields; fi++) {
    bool returned = false;
    for (int j = 0; j < sd->generics.nlifetimes && !returned; j++) {
      const char *lt = seg->lifetimes[j];
      bool in_ret = !strcmp(lt, "'_") || (!want && sig_names_lifetime(f, lt));
      for (int w = 0; want && w < nwant && !in_ret; w++) in_ret = !strcmp(want[w], "'_") || sig_outlives(f, lt, want[w]);
      returned = in_ret && sig_mentions(sd->fields[fi].ty, sd->generics.lifetimes[j], 0);
    }
    // A field of a type parameter may hold any of them.
    if (returned || ty_has_params(sd->fields[fi].type)) add_loans(k, out, field_set(s, p, fi), false);
  }
  return true;
}

static bool referent_fields(State *s, Terminator *t, int i, Word *out) { return referent_fields_of(s, t, i, NULL, 0, out); }

// The names (lifetimes, type parameters) of what callee parameter i (a `&mut`) points to, as
// far as the signature says; false when it says nothing (a builtin's or closure's parameter).
// A trait method's `&mut self` points to any implementor, which may hold what the trait's
// parameters name and values of Self, but no lifetime or type parameter of the method alone.
static bool referent_names(Terminator *t, FnDecl *f, int i, Names *into) {
  bool has_self = f->self_kind != SELF_NONE;
  TypeExpr *ref = sig_referent(f, i);  // `&mut self`: the impl's type
  TraitDecl *tr = t->callee.trait;
  if (ref) {
    sig_names(ref, f, into, 0);
    return true;
  }
  if (!has_self || i != 0 || f->impl || !tr || f->self_kind != SELF_REF_MUT) return false;
  into->names[into->n++] = intern_cstr("Self");
  for (int g = 0; g < tr->generics.nparams && into->n < 16; g++) into->names[into->n++] = tr->generics.params[g].name;
  for (int g = 0; g < tr->generics.nlifetimes && g < GENERICS_MAX_LIFETIMES && into->n < 16; g++) into->names[into->n++] = tr->generics.lifetimes[g];
  return true;
}

// Whether one of names is region or a lifetime region outlives.
static bool names_outlived(FnDecl *f, Names *names, const char *region) {
  for (int i = 0; i < names->n; i++)
    if (sig_outlives(f, region, names->names[i])) return true;
  return false;
}

// Whether callee parameter i (a `&mut`) may be given what argument j holds: a builtin's may; a
// closure's environment may not (what it holds was fixed when it was made), nor may a closure's
// arguments be given the closure; a function's when j's type and what i points to share a
// lifetime or a type.
static bool may_store(Terminator *t, int i, int j) {
  if (t->callee.kind == CALLEE_CALLABLE && (i == 0 || j == 0)) return false;  // nor is the closure given away
  if (t->callee.kind == CALLEE_MACRO) return false;  // vec![&mut a, &mut b], println!: nothing is written through
  FnDecl *f = callee_sig(t);
  if (!f) return true;
  bool has_self = f->self_kind != SELF_NONE;
  if (i - has_self >= f->nparams || j - has_self >= f->nparams) return true;
  Names into = {0}, from = {0};
  if (!referent_names(t, f, i, &into)) return true;
  sig_param_names(f, j, &from);
  for (int b = 0; b < from.n; b++)
    if (strcmp(from.names[b], "'static") && (sig_names_has(&into, from.names[b]) || names_outlived(f, &into, from.names[b]))) return true;
  return false;
}

// Whether argument j itself (not only what it points to) may be stored into what callee
// parameter i points to: a value may; a reference when its own lifetime, as written, is one
// that i's referent has.
static bool stores_itself(Terminator *t, int i, int j) {
  FnDecl *f = callee_sig(t);
  const char *own;
  if (!f || !sig_arg_lifetime(f, j, &own)) return true;  // a value
  Names into = {0};
  if (!referent_names(t, f, i, &into)) return true;
  return own && (sig_names_has(&into, own) || names_outlived(f, &into, own));  // `'b: 'a`: a 'b may go where 'a is
}

// A tuple returned with references of different lifetimes (`-> (&'a mut i32, &'b i32)`): each
// field of a split result holds the loans of the arguments its lifetime is, and what every
// field may hold (`inside`).
static void struct_call_fields(State *s, Terminator *t, const Word *inside);

static void call_fields(State *s, Terminator *t, const Word *inside) {
  Bck *k = s->k;
  FnDecl *f = callee_sig(t);
  int l = t->dest.local, n = split_fields(local_ty(k, l));
  if (t->dest.nproj || k->field_base[l] < 0 || !f || !f->ret) return;
  if (f->ret->kind == TE_PATH) struct_call_fields(s, t, inside);
  if (f->ret->kind != TE_TUPLE || f->ret->nelems != n) return;
  for (int fi = 0; fi < n; fi++) {
    Word *fs = field_set(s, l, fi);
    memcpy(fs, inside, sizeof(Word) * k->words);
    for (int i = 0; i < t->nargs; i++) {
      const char *lt;
      if (t->args[i].kind == OPND_CONST || arg_flow(k, t, i) != ARG_ALL) continue;
      if (!sig_arg_lifetime(f, i, &lt) || sig_mentions(f->ret->elems[fi], lt, 0)) add_operand_loans(s, fs, &t->args[i]);
    }
  }
}

// Of `inside` (what the result may hold of the ARG_INSIDE arguments) in fs, keeps the loans of
// the arguments' fields with one of the callee's lifetimes `want`, where each argument says
// which those are; all of `inside` where one does not.
static void narrow_inside(State *s, Terminator *t, const char **want, int nwant, Word *fs) {
  Bck *k = s->k;
  Word *kept = bits_new(k->words), *one = bits_new(k->words);
  for (int i = 0; i < t->nargs; i++) {
    if (t->args[i].kind == OPND_CONST || arg_flow(k, t, i) != ARG_INSIDE) continue;
    memset(one, 0, sizeof(Word) * k->words);
    if (!referent_fields_of(s, t, i, want, nwant, one)) return;
    bits_or(kept, one, k->words);
  }
  for (int w = 0; w < k->words; w++) fs[w] &= kept[w] | k->universal[w];
}

// A struct returned with lifetime arguments (`-> Pair<'a, 'b>`, or `-> Self` in `impl<'a, 'b>
// Pair<'a, 'b>`): each field of a split result holds the loans of the arguments whose lifetime
// is (or outlives) the one its type has, as the struct's parameters map to the return type's
// arguments; a field of a type parameter, or of a lifetime written `'_`, may hold any of them.
static void struct_call_fields(State *s, Terminator *t, const Word *inside) {
  Bck *k = s->k;
  FnDecl *f = callee_sig(t);
  TypeExpr *ret = f->ret;
  if (ret->path.nsegs == 1 && !strcmp(ret->path.segs[0].name, "Self") && f->impl) ret = f->impl->self_te;
  PathSeg *seg;
  StructDecl *sd = sig_referent_struct(ret, &seg);
  int l = t->dest.local;
  Type *dt = ty_resolve(local_ty(k, l));
  if (!sd || sd->is_enum || dt->kind != TY_STRUCT || dt->sdecl != sd || split_fields(dt) != sd->nfields) return;
  for (int fi = 0; fi < sd->nfields; fi++) {
    Word *fs = field_set(s, l, fi);
    memcpy(fs, inside, sizeof(Word) * k->words);
    bool any = ty_has_params(sd->fields[fi].type);
    // The callee's lifetimes this field has: of what the ARG_INSIDE arguments hold, it takes
    // only their fields of those (`swap(&self) -> Pair<'b, 'a>`: x from self.y).
    const char *want[GENERICS_MAX_LIFETIMES];
    int nwant = 0;
    for (int j = 0; j < sd->generics.nlifetimes; j++)
      if (sig_mentions(sd->fields[fi].ty, sd->generics.lifetimes[j], 0)) want[nwant++] = seg->lifetimes[j];
    if (!any) narrow_inside(s, t, want, nwant, fs);
    for (int i = 0; i < t->nargs; i++) {
      const char *lt;
      if (t->args[i].kind == OPND_CONST || arg_flow(k, t, i) != ARG_ALL) continue;
      bool held = any || !sig_arg_lifetime(f, i, &lt) || !lt;
      for (int j = 0; !held && j < sd->generics.nlifetimes; j++) {
        const char *to = seg->lifetimes[j];
        if (!sig_mentions(sd->fields[fi].ty, sd->generics.lifetimes[j], 0)) continue;
        held = !strcmp(to, "'_") || sig_outlives(f, lt, to);
      }
      if (held) add_operand_loans(s, fs, &t->args[i]);
    }
  }
}

// ---- What a result can point into, by type ----
// A reference of type &X points into a place whose type holds an X: is one (`&v[0]` into
// `v[0]`), contains one (a field, an element, a Box's contents) or derefs to one (String to
// str, Vec<T> to [T]). A call's result whose references are all to known types (Vec<&String>,
// Option<&Item>) can hold only the loans of such places; the rest of what an argument holds,
// a closure's borrow of a `u32` it compares with, stays with the argument.

static bool may_hold(Type *p, Type *x, int depth) {
  p = ty_resolve(p);
  if (p == x) return true;
  if (depth > 6) return true;
  switch (p->kind) {
  case TY_STRING: return x->kind == TY_STR || (x->kind == TY_SLICE && ty_resolve(x->inner) == ty_u8) || x == ty_u8;
  case TY_STR: return (x->kind == TY_SLICE && ty_resolve(x->inner) == ty_u8) || x == ty_u8;  // Chars' `&'a [u8]`
  case TY_VEC: case TY_ARRAY: case TY_SLICE: case TY_BOX:
    if (x->kind == TY_SLICE && ty_resolve(x->inner) == ty_resolve(p->inner)) return true;
    return may_hold(p->inner, x, depth + 1);
  case TY_TUPLE:
    for (int i = 0; i < p->nargs; i++)
      if (may_hold(p->args[i], x, depth + 1)) return true;
    return false;
  case TY_STRUCT: {
    StructDecl *sd = p->sdecl;
    for (int v = 0; v < (sd->is_enum ? sd->nvariants : 1); v++) {
      FieldDecl *fs = sd->is_enum ? sd->variants[v].fields : sd->fields;
      int n = sd->is_enum ? sd->variants[v].nfields : sd->nfields;
      for (int i = 0; i < n; i++)
        if (fs[i].type && may_hold(ty_subst(fs[i].type, p->args, p->nargs), x, depth + 1)) return true;
    }
    return false;
  }
  case TY_REF: case TY_INT: case TY_FLOAT: case TY_BOOL: case TY_CHAR: case TY_UNIT: case TY_FN: return false;
  default: return true;  // a parameter, a trait object, a closure's captures: anything
  }
}

// The pointees of the references in t, or false when t has something that may hide one (a
// type parameter, a trait object, a closure, an unresolved projection).
static bool result_pointees(Type *t, Type **out, int *n, int depth) {
  t = ty_resolve(t);
  if (depth > 6 || *n >= 8) return false;
  switch (t->kind) {
  case TY_REF: {
    // `&dyn Tr` (or `&T`) may point into anything; `&RcBox<T>` (an Rc<T>'s) only into a place
    // that can hold an RcBox<T>, which may_hold answers (a place of type T may hold anything).
    Type *x = ty_resolve(t->inner);
    if (x->kind == TY_DYN || x->kind == TY_PARAM || x->kind == TY_ASSOC || ty_has_vars(x)) return false;
    out[(*n)++] = x;
    return true;
  }
  case TY_INT: case TY_FLOAT: case TY_BOOL: case TY_CHAR: case TY_UNIT: case TY_STR: case TY_STRING: return true;
  // A type parameter of the body's function is the caller's type: whatever references a T
  // holds outlive the call, so it points into nothing the body borrows (`x: T` of
  // `self.log.last().cloned()` does not borrow self.log).
  case TY_PARAM: return true;
  case TY_VEC: case TY_ARRAY: case TY_SLICE: case TY_BOX: return result_pointees(t->inner, out, n, depth + 1);
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++)
      if (!result_pointees(t->args[i], out, n, depth + 1)) return false;
    return true;
  case TY_STRUCT: {
    StructDecl *sd = t->sdecl;
    for (int v = 0; v < (sd->is_enum ? sd->nvariants : 1); v++) {
      FieldDecl *fs = sd->is_enum ? sd->variants[v].fields : sd->fields;
      int nf = sd->is_enum ? sd->variants[v].nfields : sd->nfields;
      for (int i = 0; i < nf; i++)
        if (!fs[i].type || !result_pointees(ty_subst(fs[i].type, t->args, t->nargs), out, n, depth + 1)) return false;
    }
    return true;
  }
  default: return false;
  }
}

// Keeps of `set` the loans a value of type `result` may point into (all, when that is unknown).
static void keep_pointed_into(Bck *k, Word *set, Type *result) {
  Type *pointees[8];
  int n = 0;
  if (!result_pointees(result, pointees, &n, 0)) return;
  for (int l = 0; l < k->nloans; l++) {
    Loan *ln = &k->loans.data[l];
    if (!bit(set, l) || ln->universal || ln->param || ln->place.local < 0) continue;
    bool held = false;
    for (int i = 0; i < n && !held; i++) held = may_hold(place_type(k, ln->place), pointees[i], 0);
    if (!held) bit_clear(set, l);
  }
}

// An Iterator method returning no iterator (`collect`, `sum`, `max`, and `next` of `&mut
// self`): what it returns comes out of the items, which hold nothing a closure of the iterator
// borrowed unless that closure returns a borrow of them (`map(|x| &limit)`); a predicate's
// captures (`filter(|x| **x > limit)`, which returns bool) and those of a closure whose result
// is made of its arguments (`map(|x| (x, limit))`, summarize_closure_result) stay behind.
static void drop_predicate_captures(Bck *k, Terminator *t, Word *set) {
  FnDecl *f = callee_sig(t);
  if (!f || !f->trait || strcmp(f->trait->name, "Iterator") || sig_type_holds(f->ret, intern_cstr("Self"), 0)) return;
  for (int l = 0; l < k->nloans; l++) {
    Loan *ln = &k->loans.data[l];
    if (!bit(set, l) || !ln->capture || !ln->closure) continue;
    if (!names_lifetime(ln->closure->ret_type, 0) || ln->closure->ret_env_free) bit_clear(set, l);
  }
}

// A reference argument `&mut X` whose X holds references only inside trait objects
// (`v.get_mut(0).unwrap()` of a `Vec<Box<dyn Tr>>`) gives a callee that may store an X
// (`mem::swap`) the loans the X values hold, not the reference's own borrow of the place it
// points into (a place that holds X values: `v`). Such a loan could be in an X only if a trait
// object there held a borrow of a place of its own type, which is not followed. (With X = &T
// or a struct of references, the place's own loans and its values' cannot be told apart.)
static void drop_own_region(Bck *k, Operand *a, Word *set) {
  Type *at = ty_resolve(a->ty);
  if (at->kind != TY_REF || refs_besides_dyn(at->inner)) return;
  Type *x = ty_resolve(at->inner);
  for (int l = 0; l < k->nloans; l++) {
    Loan *ln = &k->loans.data[l];
    if (bit(set, l) && !ln->universal && !ln->param && ln->place.local >= 0 && may_hold(place_type(k, ln->place), x, 0)) bit_clear(set, l);
  }
}

// What the call may store through its argument i, a `&mut` to something that holds references:
// the other arguments' loans its signature lets it store (`fn push<'a>(v: &mut Vec<&'a str>, s:
// &'a str)`); NULL when argument i is no such `&mut`.
static Word *stored_by_call(State *s, Terminator *t, int i) {
  Bck *k = s->k;
  Operand *a = &t->args[i];
  Type *at = ty_resolve(a->ty);
  if (a->kind == OPND_CONST || at->kind != TY_REF || !at->mut || !type_has_refs(at->inner)) return NULL;
  Word *others = bits_new(k->words), *one = bits_new(k->words);
  for (int j = 0; j < t->nargs; j++) {
    if (j == i || !may_store(t, i, j)) continue;
    memset(one, 0, sizeof(Word) * k->words);
    add_operand_loans(s, one, &t->args[j]);
    // A reference argument's own borrow (and region) goes in only when the reference itself
    // may be stored (`fn swap<T>(a: &mut T, b: &mut T)` stores what b points to, not b).
    if (!stores_itself(t, i, j)) {
      for (int w = 0; w < k->words; w++) one[w] &= ~k->universal[w];
      drop_own_loans(k, one, &t->args[j]);
      drop_own_region(k, &t->args[j], one);
    }
    bits_or(others, one, k->words);
  }
  return others;
}

static void call_loans(State *s, Terminator *t) {
  Bck *k = s->k;
  Word *out = bits_new(k->words), *inside = bits_new(k->words);
  bool result_refs = type_has_refs(place_type(k, t->dest));
  for (int i = 0; i < t->nargs && result_refs; i++) {
    Operand *a = &t->args[i];
    if (a->kind == OPND_CONST) continue;
    ArgFlow flow = arg_flow(k, t, i);
    if (flow == ARG_NONE) continue;
    if (flow == ARG_ALL) {
      add_operand_loans(s, out, a);
      continue;
    }
    // What the argument holds, less the borrow it was made with. Not its universal regions:
    // the result holds some of what the argument holds, and which is not followed.
    Type *at = ty_resolve(a->ty);
    if (at->kind == TY_REF && !type_has_refs(at->inner)) continue;
    Word *in = bits_new(k->words);
    if (!referent_fields(s, t, i, in)) add_operand_loans(s, in, a);
    drop_own_loans(k, in, a);
    for (Type *r = at; r->kind == TY_REF; r = ty_resolve(r->inner)) drop_container_loans(k, in, r->inner);  // `top.clone()` of an element
    keep_pointed_into(k, in, place_type(k, t->dest));
    if (i == 0) drop_predicate_captures(k, t, in);
    for (int w = 0; w < k->words; w++) in[w] &= ~k->universal[w];
    bits_or(out, in, k->words);
    bits_or(inside, in, k->words);
  }
  // A `&mut` argument to something that holds references may be given the others' loans, those
  // its signature lets it store (`fn push<'a>(v: &mut Vec<&'a str>, s: &'a str)`).
  for (int i = 0; i < t->nargs; i++) {
    Word *others = stored_by_call(s, t, i);
    if (others) absorb(s, t->args[i].place.local, others, 0);
  }
  assign_loans(s, t->dest, out);
  call_fields(s, t, inside);
}

// The loans in scope: a loan goes out of scope when its place's local is assigned, since the
// place then names other memory (`cur = &mut node.next` ends the loans of `(*cur).0`, which
// were of the node cur pointed to before), as rustc's kill_borrows_on_place does.
static Word *in_scope(State *s) { return s->sets; }

static void kill_loans_of(State *s, int l) {
  Bck *k = s->k;
  for (int j = k->of_local.start[l]; j < k->of_local.start[l + 1]; j++) bit_clear(in_scope(s), k->of_local.loan[j]);
}

// The closure an AGG_CLOSURE rvalue makes, or NULL.
static FnDecl *made_closure(Rvalue *rv) {
  if (rv->kind != RV_AGGREGATE || rv->agg != AGG_CLOSURE) return NULL;
  Type *t = ty_resolve(rv->ty);
  return t->kind == TY_CLOSURE ? t->closure : NULL;
}

// Where a closure is made, what its body stores into a `&mut` capture (see "What a closure's
// body stores into its captures") goes into that capture's variable: from here on, whether the
// closure is called or not, as rustc's region requirements propagated from the closure make it.
static void closure_stores(State *s, Rvalue *rv) {
  Bck *k = s->k;
  FnDecl *f = made_closure(rv);
  if (!f || !f->stores_borrow_of) return;
  for (int c = 0; c < rv->nops && c < f->ncaptures && c < 64; c++) {
    uint64_t from = f->stores_borrow_of[c] | f->stores_refs_of[c];
    Operand *into = &rv->ops[c];
    if (!from || into->kind == OPND_CONST || into->place.nproj) continue;
    Word *in = bits_new(k->words), *one = bits_new(k->words);
    for (int j = 0; j < rv->nops && j < 64; j++) {
      Operand *o = &rv->ops[j];
      if (!(from >> j & 1) || o->kind == OPND_CONST) continue;
      memset(one, 0, sizeof(Word) * k->words);
      add_operand_loans(s, one, o);
      if (!(f->stores_borrow_of[c] >> j & 1)) drop_own_loans(k, one, o);  // what j's variable holds, not the borrow of it
      bits_or(in, one, k->words);
    }
    absorb(s, into->place.local, in, 0);
  }
}

// The closure value local l holds: l itself, or the one a reference in l borrows whole.
static int closure_local(Bck *k, State *s, Operand *o) {
  if (o->kind == OPND_CONST || o->place.nproj) return -1;
  int l = o->place.local;
  if (k->made_closure[l]) return l;
  if (ty_resolve(local_ty(k, l))->kind != TY_REF) return -1;
  for (int i = 0; i < k->nloans; i++) {
    Loan *ln = &k->loans.data[i];
    if (bit(held(s, l), i) && ln->place.local >= 0 && !ln->place.nproj && k->made_closure[ln->place.local]) return ln->place.local;
  }
  return -1;
}

// A call given a closure that stores its arguments into a `&mut` capture (FnDecl.stores_param_of,
// see "What a closure stores of its arguments"): what it is called with goes into that
// capture's variable, as closure_stores does for what it stores of its captures. Called
// directly (`push(&own)`), its arguments, borrows and all; given to a function
// (`items.iter().for_each(|x| out.push(x))`), what the call's other arguments hold, which is
// what the function can call it with.
static void closure_arg_stores(State *s, Terminator *t) {
  Bck *k = s->k;
  for (int i = 0; i < t->nargs; i++) {
    Type *ct = ty_resolve(t->args[i].ty);
    while (ct->kind == TY_REF) ct = ty_resolve(ct->inner);
    if (ct->kind != TY_CLOSURE || !ct->closure->stores_param_of) continue;
    FnDecl *f = ct->closure;
    uint64_t params = 0;
    for (int c = 0; c < f->ncaptures && c < 64; c++) params |= f->stores_param_of[c];
    int l = params ? closure_local(k, s, &t->args[i]) : -1;
    if (l < 0) continue;
    bool direct = t->callee.kind == CALLEE_CALLABLE && i == 0;
    Word *in = bits_new(k->words), *one = bits_new(k->words);
    for (int j = 0; j < t->nargs; j++) {
      Operand *a = &t->args[j];
      if (j == i || a->kind == OPND_CONST || (direct && (j - 1 >= 64 || !(params >> (j - 1) & 1)))) continue;
      memset(one, 0, sizeof(Word) * k->words);
      add_operand_loans(s, one, a);
      if (!direct) drop_own_loans(k, one, a);
      bits_or(in, one, k->words);
    }
    Rvalue *rv = k->made_closure[l];
    for (int c = 0; c < rv->nops && c < f->ncaptures && c < 64; c++) {
      Operand *into = &rv->ops[c];
      if (f->stores_param_of[c] && into->kind != OPND_CONST && !into->place.nproj) absorb(s, into->place.local, in, 0);
    }
  }
}

// The new loan first, then the kill: `r = &mut *r` ends its own loan too, since `*r` then
// names what the new r points to. A local's storage ending ends the loans of it.
static void stmt_transfer(State *s, MirStmt *st, int loan) {
  if (st->kind == STMT_STORAGE_DEAD) kill_loans_of(s, st->local);
  if (st->kind != STMT_ASSIGN) return;
  Word *v = bits_new(s->k->words);
  rvalue_loans(s, &st->rv, loan, v);
  assign_loans(s, st->place, v);
  assign_fields(s, st->place, &st->rv);
  closure_stores(s, &st->rv);
  if (loan >= 0) bit_set(in_scope(s), loan);
  if (!st->place.nproj) kill_loans_of(s, st->place.local);
}

static void closure_arg_stores(State *s, Terminator *t);

static void term_transfer(State *s, Terminator *t) {
  if (t->kind != TERM_CALL) return;
  call_loans(s, t);
  closure_arg_stores(s, t);
  if (!t->dest.nproj) kill_loans_of(s, t->dest.local);
}

// The State the passes work in (one: it is holding locals x loans, and zeroing it is not free).
static State *work_state(Bck *k) {
  if (k->work) return k->work;
  State *s = k->work = scratch_alloc(sizeof(State));
  *s = (State){k, bits_new(k->nsets * k->words), scratch_alloc(sizeof(int) * (k->nlocals + 1)), 0, scratch_alloc(k->nlocals + 1)};
  memset(s->is_dirty, 0, k->nlocals + 1);
  return s;
}

static bool set_empty(const Word *w, int words) {
  for (int i = 0; i < words; i++)
    if (w[i]) return false;
  return true;
}

// The State on entry to block bi.
static void load_entry(State *s, int bi) {
  Bck *k = s->k;
  for (int i = 0; i < s->ndirty; i++) {
    int l = s->dirty[i];
    memset(set_in(k, s->sets, l), 0, sizeof(Word) * k->words * k->span_of[l]);
    s->is_dirty[l] = false;
  }
  s->ndirty = 0;
  memset(s->sets, 0, sizeof(Word) * k->words);
  Entry *e = &k->entry[bi];
  for (int i = 0; i < e->n; i++) {
    memcpy(s->sets + (size_t)e->idx[i] * k->words, e->bits + (size_t)i * k->words, sizeof(Word) * k->words);
    if (k->set_local[e->idx[i]] >= 0) touch(s, k->set_local[e->idx[i]]);
  }
}

// Adds set idx of the State to block to's entry (*grow: the sets the entry lacks, appended).
static bool merge_set(State *s, Entry *e, int idx, int *grow, int *ngrow) {
  Bck *k = s->k;
  const Word *w = s->sets + (size_t)idx * k->words;
  if (idx && set_empty(w, k->words)) return false;
  if (k->pos[idx] < 0) {
    grow[(*ngrow)++] = idx;
    return true;
  }
  return bits_or(e->bits + (size_t)k->pos[idx] * k->words, w, k->words);
}

// Takes local l's sets on into the next block (going_on), and what they hold into reach.
static void go_on(State *s, int l, Word *reach, int *out, int *n) {
  Bck *k = s->k;
  k->going_on[l] = k->stamp;
  out[(*n)++] = l;
  bits_or(reach, held(s, l), k->words);  // (its fields' sets are subsets)
}

// The locals (of those written) whose sets go on into block to: the kept ones, those live
// there, and those a loan of which is held by one going on. The last are dead, but a write
// through a live `r = &mut v` looks at what v held (absorb_from), and so on down.
static int going_on(State *s, int to, int *out) {
  Bck *k = s->k;
  const Word *live = k->live_in + (size_t)k->lwords * to;
  Word *reach = k->reach;
  memset(reach, 0, sizeof(Word) * k->words);
  k->stamp++;
  int n = 0;
  for (int i = 0; i < s->ndirty; i++)
    if (k->kept[s->dirty[i]] || local_bit(k, live, s->dirty[i])) go_on(s, s->dirty[i], reach, out, &n);
  for (bool more = true; more;) {
    more = false;
    for (int i = 0; i < s->ndirty; i++) {
      int l = s->dirty[i];
      if (k->going_on[l] == k->stamp) continue;
      for (int j = k->of_local.start[l]; j < k->of_local.start[l + 1]; j++)
        if (bit(reach, k->of_local.loan[j])) {
          go_on(s, l, reach, out, &n);
          more = true;
          break;
        }
    }
  }
  return n;
}

// Joins the State at the end of a block into block to's entry: the loans in scope, and the sets
// going on there. Returns whether the entry changed.
static bool merge_into(State *s, int to) {
  Bck *k = s->k;
  Entry *e = &k->entry[to];
  int *locals = k->scratch_locals, nlocals = going_on(s, to, locals);
  for (int i = 0; i < e->n; i++) k->pos[e->idx[i]] = i;
  int *grow = k->grow, ngrow = 0;
  bool changed = merge_set(s, e, 0, grow, &ngrow);
  for (int i = 0; i < nlocals; i++) {
    int l = locals[i];
    for (int j = 0; j < k->span_of[l]; j++) changed |= merge_set(s, e, k->set_of[l] + j, grow, &ngrow);
  }
  for (int i = 0; i < e->n; i++) k->pos[e->idx[i]] = -1;
  if (ngrow) {
    Entry n = {e->n + ngrow, scratch_alloc(sizeof(int) * (e->n + ngrow)), bits_new((e->n + ngrow) * k->words)};
    if (e->n) {  // (an entry still empty has no arrays: memcpy must not see NULL)
      memcpy(n.idx, e->idx, sizeof(int) * e->n);
      memcpy(n.bits, e->bits, sizeof(Word) * k->words * e->n);
    }
    for (int i = 0; i < ngrow; i++) {
      n.idx[e->n + i] = grow[i];
      memcpy(n.bits + (size_t)(e->n + i) * k->words, s->sets + (size_t)grow[i] * k->words, sizeof(Word) * k->words);
    }
    *e = n;
  }
  return changed;
}

// The locals whose sets every block keeps (see "Sets"): the return place, the parameters, and
// the operands a closure value is made of, long dead, which a call of the closure stores into
// (closure_arg_stores).
static void find_kept(Bck *k) {
  k->kept = arena_alloc(k->nlocals);
  memset(k->kept, 0, k->nlocals);
  for (int l = 0; l <= k->b->nparams && l < k->nlocals; l++) k->kept[l] = true;
  for (int l = 0; l < k->nlocals; l++) {
    Rvalue *rv = k->made_closure[l];
    for (int c = 0; rv && c < rv->nops; c++)
      if (rv->ops[c].kind != OPND_CONST) k->kept[rv->ops[c].place.local] = true;
  }
}

static void compute_loan_sets(Bck *k) {
  Body *b = k->b;
  int nb = b->blocks.len;
  find_kept(k);
  k->scratch_locals = scratch_alloc(sizeof(int) * k->nlocals);
  k->pos = scratch_alloc(sizeof(int) * k->nsets);
  k->grow = scratch_alloc(sizeof(int) * k->nsets);
  k->going_on = scratch_alloc(sizeof(int) * k->nlocals);
  memset(k->going_on, 0, sizeof(int) * k->nlocals);
  k->stamp = 0;
  k->reach = bits_new(k->words);
  for (int i = 0; i < k->nsets; i++) k->pos[i] = -1;
  k->entry = scratch_alloc(sizeof(Entry) * nb);
  memset(k->entry, 0, sizeof(Entry) * nb);
  k->entry_set = arena_alloc(nb);
  memset(k->entry_set, 0, nb);
  k->entry_set[0] = true;
  int *work = malloc(sizeof(int) * (nb + 1));
  bool *queued = calloc(nb, 1);
  int nwork = 0;
  work[nwork++] = 0, queued[0] = true;
  // On entry, each reference parameter holds its universal region.
  State *s = work_state(k);
  for (int i = 0; i < k->nloans; i++)
    if (k->loans.data[i].universal && !k->loans.data[i].inner) {
      int p = k->loans.data[i].holder;
      if (holds(k, p)) touch(s, p), bit_set(held(s, p), i);
      bit_set(in_scope(s), i);
    }
  merge_into(s, 0);
  while (nwork) {
    int bi = work[--nwork];
    queued[bi] = false;
    BasicBlock *bb = &b->blocks.data[bi];
    load_entry(s, bi);
    ScratchMark mark = scratch_mark();  // the transfers' temporary sets
    for (int j = 0; j < bb->stmts.len; j++) stmt_transfer(s, &bb->stmts.data[j], k->loan_at[bi][j]);
    term_transfer(s, &bb->term);
    scratch_release(mark);
    assert(set_empty(k->none, k->words));  // nothing wrote to a local that holds nothing
    int n;
    const int *succ = successors(&bb->term, &n);
    for (int i = 0; i < n; i++) {
      int to = succ[i];
      if (to < 0 || b->blocks.data[to].is_cleanup) continue;
      bool changed = merge_into(s, to) || !k->entry_set[to];
      k->entry_set[to] = true;
      if (changed && !queued[to]) work[nwork++] = to, queued[to] = true;
    }
  }
  free(work);
  free(queued);
}

// ---------------------------------------------------------------------------------------------
// Liveness (backward)
//
// Liveness, and "may be initialized" below, are followed for the locals that hold loans only:
// they are all that is asked about, and a body of 30,000 locals has a few hundred live. Local
// l is bit set_of[l] of such a set (lwords long); the others have no bit (local_set).

static void use_place(Bck *k, Word *live, Place p) {
  local_set(k, live, p.local);
  for (int i = 0; i < p.nproj; i++)
    if (p.proj[i].kind == PROJ_INDEX) local_set(k, live, p.proj[i].local);
}

static void use_operand(Bck *k, Word *live, Operand *o) {
  if (o->kind != OPND_CONST) use_place(k, live, o->place);
}

// A write to p: a whole local is defined (dead before), a deref reads the reference.
static void def_place(Bck *k, Word *live, Place p) {
  if (!p.nproj) {
    local_clear(k, live, p.local);
    return;
  }
  for (int i = 0; i < p.nproj; i++) {
    if (p.proj[i].kind == PROJ_INDEX) local_set(k, live, p.proj[i].local);
    if (p.proj[i].kind == PROJ_DEREF) local_set(k, live, p.local);
  }
}

static void stmt_live(Bck *k, Word *live, MirStmt *st) {
  if (st->kind != STMT_ASSIGN) return;
  def_place(k, live, st->place);
  Rvalue *rv = &st->rv;
  switch (rv->kind) {
  case RV_REF: case RV_DISCRIMINANT: case RV_LEN: use_place(k, live, rv->place); break;
  case RV_AGGREGATE:
    for (int i = 0; i < rv->nops; i++) use_operand(k, live, &rv->ops[i]);
    break;
  case RV_BINARY: case RV_CHECKED: use_operand(k, live, &rv->b); // fallthrough
  default: use_operand(k, live, &rv->a); break;
  }
}

// A drop reads the value only when a destructor that may look at references inside it runs:
// a Drop impl of a type holding references, or the unknown one of a `dyn Tr` (whose vtable's
// drop_in_place may be any type's). Box, Vec and the rest only drop what they own, so they read
// what their contents' destructors read (rustc's `#[may_dangle]`): a `Vec<&str>` may outlive
// the strings it points to, a `Box<dyn Tr>` holding a borrow may not.
//
// Which borrows a trait object holds follows rustc's default object lifetimes: written in a
// function body (`let v: Vec<Box<dyn Tr>>`), `dyn Tr` may hold the borrows put into it, and
// dropping it may read them; written in a struct's field without `+ 'a`, it is `dyn Tr +
// 'static` and holds none. (`dyn_static`: inside such a field.)
static bool drop_reads_in(Type *t, bool dyn_static, int depth);

static bool field_drop_reads(FieldDecl *fd, Type *ft, bool dyn_static, int depth) {
  bool bounded = false;
  if (sig_has_dyn(fd->ty, &bounded) && !bounded) dyn_static = true;
  return drop_reads_in(ft, dyn_static, depth + 1);
}

static bool drop_reads_in(Type *t, bool dyn_static, int depth) {
  t = ty_resolve(t);
  if (!t || depth > 8) return false;
  switch (t->kind) {
  case TY_DYN: return !dyn_static;
  case TY_BOX: case TY_VEC: case TY_ARRAY: case TY_SLICE: return drop_reads_in(t->inner, dyn_static, depth + 1);
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++)
      if (drop_reads_in(t->args[i], dyn_static, depth + 1)) return true;
    return false;
  case TY_STRUCT: {
    StructDecl *sd = t->sdecl;
    if (sd->drop_impl) return type_has_refs(t);
    for (int v = 0; v < (sd->is_enum ? sd->nvariants : 1); v++) {
      int n = sd->is_enum ? sd->variants[v].nfields : sd->nfields;
      FieldDecl *fds = sd->is_enum ? sd->variants[v].fields : sd->fields;
      for (int f = 0; f < n; f++)
        if (field_drop_reads(&fds[f], mir_field_type(t, sd->is_enum ? v : -1, f), dyn_static, depth)) return true;
    }
    return false;
  }
  default: return false;
  }
}

static bool drop_reads(Type *t) { return drop_reads_in(t, false, 0); }

static void term_live(Bck *k, Word *live, int bi) {
  Terminator *t = &k->b->blocks.data[bi].term;
  switch (t->kind) {
  case TERM_SWITCH: case TERM_ASSERT:
    use_operand(k, live, &t->discr);
    if (t->bounds_check) use_operand(k, live, t->len), use_operand(k, live, t->index);
    break;
  case TERM_CALL:
    def_place(k, live, t->dest);
    for (int i = 0; i < t->nargs; i++) use_operand(k, live, &t->args[i]);
    break;
  case TERM_DROP:
    if (drop_reads(place_type(k, t->dest)) && !k->moved_out[bi]) use_place(k, live, t->dest);
    break;
  case TERM_RETURN: local_set(k, live, 0); break;
  default: break;
  }
}

// Which drops drop nothing: the local was moved out on every path to it (`drop(g)`, `let h =
// g;`). Those are not uses of what it held, whatever its destructor would read. Forward, over
// "may be initialized": set by an assignment of the whole local, cleared by a move of it, its
// drop and its storage's end.
static void kill_moved(Bck *k, Word *init, Operand *o) {
  if (o->kind == OPND_MOVE && !o->place.nproj) local_clear(k, init, o->place.local);
}

static void init_stmt(Bck *k, Word *init, MirStmt *st) {
  if (st->kind == STMT_STORAGE_DEAD) local_clear(k, init, st->local);
  if (st->kind != STMT_ASSIGN) return;
  Rvalue *rv = &st->rv;
  kill_moved(k, init, &rv->a);
  kill_moved(k, init, &rv->b);
  for (int i = 0; rv->kind == RV_AGGREGATE && i < rv->nops; i++) kill_moved(k, init, &rv->ops[i]);
  if (!st->place.nproj) local_set(k, init, st->place.local);
}

static void find_moved_out_drops(Bck *k) {
  Body *b = k->b;
  int nb = b->blocks.len, w = k->lwords;
  k->moved_out = arena_alloc(nb);
  memset(k->moved_out, 0, nb);
  Word *entry = bits_new(w * nb), *cur = bits_new(w);
  bool *seen = calloc(nb, 1);
  for (int l = 1; l <= b->nparams; l++) local_set(k, entry, l);
  seen[0] = true;
  for (bool changed = true; changed;) {
    changed = false;
    for (int bi = 0; bi < nb; bi++) {
      BasicBlock *bb = &b->blocks.data[bi];
      if (!seen[bi] || bb->is_cleanup) continue;
      memcpy(cur, entry + (size_t)w * bi, sizeof(Word) * w);
      for (int j = 0; j < bb->stmts.len; j++) init_stmt(k, cur, &bb->stmts.data[j]);
      Terminator *t = &bb->term;
      if (t->kind == TERM_DROP && !t->dest.nproj && !t->replace) {
        k->moved_out[bi] = holds(k, t->dest.local) && !local_bit(k, cur, t->dest.local);
        local_clear(k, cur, t->dest.local);
      }
      if (t->kind == TERM_CALL) {
        for (int i = 0; i < t->nargs; i++) kill_moved(k, cur, &t->args[i]);
        if (!t->dest.nproj) local_set(k, cur, t->dest.local);
      }
      int n;
      const int *succ = successors(t, &n);
      for (int i = 0; i < n; i++) {
        int to = succ[i];
        if (to < 0 || b->blocks.data[to].is_cleanup) continue;
        bool c = bits_or(entry + (size_t)w * to, cur, w);
        if (!seen[to]) seen[to] = c = true;
        changed |= c;
      }
    }
  }
  free(seen);
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
      int n;
      const int *succ = successors(&bb->term, &n);
      for (int i = 0; i < n; i++)
        if (succ[i] >= 0) bits_or(live, k->live_in + (size_t)k->lwords * succ[i], k->lwords);
      term_live(k, live, bi);
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
  if (t->kind == TY_RANGE) return f ? "end" : "start";
  return arena_printf("%d", f);
}

// In a closure's body, the capture a place of its environment goes through (`(*_1).j`, or
// `_1.j` of a closure called by value), and in *after the index of the projection past the
// field; -1 for any other place.
static int env_field(Bck *k, Place p, int *after) {
  FnDecl *f = k->b->fn;
  if (!f || !f->is_closure || p.local != 1 || k->b->nparams < 1) return -1;
  int i = ty_resolve(local_ty(k, 1))->kind == TY_REF;
  if (i && (!p.nproj || p.proj[0].kind != PROJ_DEREF)) return -1;
  if (p.nproj <= i || p.proj[i].kind != PROJ_FIELD || p.proj[i].field >= f->ncaptures) return -1;
  *after = i + 1;
  return p.proj[i].field;
}

// A place in the environment (`(*_1).0`, and `*(*_1).0` for a capture by reference) is the
// captured variable: its name, and how many projections that takes.
static const char *captured_name(Bck *k, Place p, int *used) {
  int i, c = env_field(k, p, &i);
  if (c < 0) return NULL;
  Capture *cap = &k->b->fn->captures[c];
  if (!cap->by_value && p.nproj > i && p.proj[i].kind == PROJ_DEREF) i++;  // the environment's pointer to it
  *used = i;
  return cap->local->name;
}

// Where a loan the body of a closure stores into a capture comes from (see "What a closure's
// body stores into its captures"); *cap: the capture it goes through.
typedef enum { FROM_NONE, FROM_BORROW, FROM_REFS, FROM_ESCAPE } StoredFrom;

static StoredFrom stored_from(Bck *k, Loan *ln, int *cap) {
  if (ln->universal || ln->param || ln->place.local < 0) return FROM_NONE;
  Place p = ln->place;
  int after, j = env_field(k, p, &after);
  if (j < 0) return ln->owner > k->b->nparams ? FROM_ESCAPE : FROM_NONE;  // a local of the body
  if (j >= 64) return FROM_NONE;
  *cap = j;
  Type *ft = ty_resolve(p.proj[after - 1].ty);
  if (after >= p.nproj || p.proj[after].kind != PROJ_DEREF || ft->kind != TY_REF) return FROM_ESCAPE;  // the environment's own
  for (int i = after + 1; i < p.nproj; i++)
    if (p.proj[i].kind == PROJ_DEREF && borrowed_ptr(type_before(k, p, i))) return FROM_REFS;
  // Through a `&mut` capture of an environment only borrowed for the call, a reborrow lasts as
  // long as that call's borrow (`&'env &mut T` gives no more than a `&'env T`).
  return ft->mut && ty_resolve(local_ty(k, 1))->kind == TY_REF ? FROM_ESCAPE : FROM_BORROW;
}

static const char *describe(Bck *k, Place p) {
  const char *name = k->b->locals.data[p.local].name;
  int from = 0;
  if (!name) name = captured_name(k, p, &from);
  if (!name) return NULL;
  const char *s = name;
  int variant = -1;
  for (int i = from; i < p.nproj; i++) {
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
    case PROJ_CONST_INDEX: case PROJ_SUBSLICE: s = arena_printf("%s[..]", s); break;  // as rustc names them
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

// Whether slice pattern projections x and y (constant indexes, subslices) name different
// elements, as rustc's place_projection_conflict decides: `[a, b]`, `[first, .., last]` and
// `[head, tail @ ..]` borrow disjoint parts.
static bool slice_parts_disjoint(Proj *x, Proj *y) {
  if (x->kind == PROJ_SUBSLICE && y->kind == PROJ_SUBSLICE) return false;
  if (x->kind == PROJ_SUBSLICE) {
    Proj *t = x;
    x = y;
    y = t;
  }
  if (y->kind == PROJ_SUBSLICE)  // an element before `from` or (counted from the end) after `to`
    return x->from_end ? x->field <= y->local : x->field < y->field;
  if (x->from_end == y->from_end) return x->field != y->field;
  int min = x->min > y->min ? x->min : y->min;
  int start = x->from_end ? y->field : x->field, end = x->from_end ? x->field : y->field;
  return start < min - end;
}

static bool is_slice_part(Proj *p) { return p->kind == PROJ_CONST_INDEX || p->kind == PROJ_SUBSLICE; }

// Whether two places may overlap: the same local and, as far as both go, the same fields.
static bool overlap(Place a, Place b) {
  if (a.local != b.local) return false;
  int n = a.nproj < b.nproj ? a.nproj : b.nproj;
  for (int i = 0; i < n; i++) {
    Proj *x = &a.proj[i], *y = &b.proj[i];
    if (is_slice_part(x) && is_slice_part(y) && slice_parts_disjoint(x, y)) return false;
    if (x->kind != y->kind) return true;  // a variant against a field of it, say: be safe
    if ((x->kind == PROJ_FIELD || x->kind == PROJ_VARIANT) && x->field != y->field) return false;
    if (x->kind == PROJ_CONST_INDEX && (x->from_end != y->from_end)) return true;
  }
  return true;
}

// A loan of some fields only (a closure using `s.a` and `s.b`) leaves the others free.
static bool loan_overlaps(Loan *ln, Place p) {
  if (!overlap(ln->place, p)) return false;
  int n = ln->place.nproj;
  if (!ln->fields || p.nproj <= n || p.proj[n].kind != PROJ_FIELD || p.proj[n].field >= 64) return true;
  return (ln->fields >> p.proj[n].field) & 1;
}

// A write to p does not touch what a reference stored in p points to.
static bool write_reaches(Bck *k, Place written, Place loan) {
  for (int i = written.nproj; i < loan.nproj; i++)
    if (loan.proj[i].kind == PROJ_DEREF && borrowed_ptr(type_before(k, loan, i))) return false;
  return true;
}

// The first place after (block bi, statement j) where a local holding the loan is used: rustc's
// "borrow later used here".
static Span later_use(Bck *k, int bi, int j, int loan, const Word *sets, bool *found, Place *dropped_at, Span *by_call) {
  Body *b = k->b;
  Word *holders = bits_new(k->lwords);
  for (int l = 0; l < k->nlocals; l++)
    if (bit(set_in(k, sets, l), loan)) local_set(k, holders, l);
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
        term_live(k, use, start_block);
        if (bb->term.kind == TERM_CALL) bit_clear(use, bb->term.dest.local);
        sp = bb->term.span;
      }
      for (int w = 0; w < k->lwords; w++)
        if (use[w] & holders[w]) {
          *found = true, out = sp;
          if (s == bb->stmts.len && bb->term.kind == TERM_DROP) *dropped_at = bb->term.dest;
          if (s == bb->stmts.len && bb->term.kind == TERM_CALL) *by_call = bb->term.fn_span;
          break;
        }
    }
    if (*found) break;
    int n;
    const int *succ = successors(&bb->term, &n);
    for (int i = 0; i < n; i++)
      if (succ[i] >= 0 && !seen[succ[i]] && !b->blocks.data[succ[i]].is_cleanup) seen[succ[i]] = true, queue[qt++] = succ[i];
    if (qh == qt) break;
    start_block = queue[qh++], start = 0;
  }
  free(seen);
  free(queue);
  return out;
}

// A use by a destructor is told as rustc tells it, at the scope's `}`.
// A loan kept alive by a return on another path: rustc names the signature's region.
static const char *region_name(Bck *k, Diag *d, const char *region, int local, int n);

static void returned_later(Bck *k, Diag *d, int loan) {
  Loan *ln = &k->loans.data[loan];
  int p = ln->place.local;
  FnDecl *f = k->b->fn;
  if (!f || f->is_closure || p < 1 || p > k->b->nparams) return;
  bool has_self = f->self_kind != SELF_NONE;
  const char *lt = has_self && p == 1 ? f->self_lifetime : p - 1 - has_self < f->nparams ? f->params[p - 1 - has_self].ty->lifetime : NULL;
  const char *what = describe(k, ln->place);
  if (!what) return;
  const char *name = region_name(k, d, lt, p, 1);
  if (k->ret_span[loan].hi)
    diag_secondary(d, k->ret_span[loan], "returning this value requires that `%s` is borrowed for `%s`", what, name);
  else
    diag_secondary(d, k->store_span[loan], "%s requires that `%s` is borrowed for `%s`", k->store_by_call[loan] ? "argument" : "assignment", what, name);
}

// Whether an argument of the call being activated holds the loan: the call is its later use.
static bool args_hold(Bck *k, int loan, const Word *sets) {
  Terminator *t = k->activation_term;
  for (int i = 0; t && i < t->nargs; i++)
    if (t->args[i].kind != OPND_CONST && type_has_refs(t->args[i].ty) && bit(set_in(k, sets, t->args[i].place.local), loan)) return true;
  return false;
}

// Returns whether the use is a drop.
static bool add_later_use(Bck *k, Diag *d, int bi, int j, int loan, const Word *sets, const char *what) {
  bool found;
  Place dropped = {.local = -1};
  Span by_call = args_hold(k, loan, sets) ? k->activation_call : (Span){0};
  Span sp = by_call.hi ? by_call : later_use(k, bi, j, loan, sets, &found, &dropped, &by_call);
  if (by_call.hi) found = true;
  if ((!found || !sp.hi) && (k->ret_span[loan].hi || k->store_span[loan].hi)) {
    returned_later(k, d, loan);
    return false;
  }
  if (!found || !sp.hi) return false;
  size_t n = strlen(what);
  if (by_call.hi && n > 5 && !strcmp(what + n - 5, " here")) {  // rustc: "borrow later used by call", at the callee
    diag_secondary(d, by_call, "%.*s by call", (int)(n - 5), what);
    return false;
  }
  if (dropped.local < 0) {
    diag_secondary(d, sp, "%s", what);
    return false;
  }
  if (sp.hi > sp.lo) sp.lo = sp.hi - 1;
  Type *t = ty_resolve(place_type(k, dropped));
  const char *name = describe_or(k, dropped, "value");
  if ((t->kind == TY_STRUCT && t->sdecl->drop_impl) || t->kind == TY_VEC)
    diag_secondary(d, sp, "borrow might be used here, when `%s` is dropped and runs the `Drop` code for type `%s`", name,
                   t->kind == TY_VEC ? "Vec" : t->sdecl->name);
  else
    diag_secondary(d, sp, "borrow might be used here, when `%s` is dropped and runs the destructor for type `%s`", name, ty_name(t));
  return true;
}

// Where an access is checked: statement j of block bi (j == the statement count: the
// terminator), with the loans each local holds before it and the locals live after it.
typedef struct {
  Bck *k;
  int bi, j;
  const Word *sets;   // held before the access
  const Word *live;   // live after it
  int def;            // the local the statement defines, whose old loans do not count
  Word *live_loans;   // the loans live here, once asked (live_loans)
} Point;

// The live locals at pt but def that hold loans, into k->scratch_locals: a walk over the live
// bits, since few of a long body's thousands of locals are live at a point.
static int live_holders(Point *pt) {
  Bck *k = pt->k;
  int n = 0;
  for (int w = 0; w < k->lwords; w++)
    for (Word bits = pt->live[w]; bits; bits &= bits - 1) {
      int l = k->set_local[w * 64 + __builtin_ctzll(bits)];
      if (l != pt->def) k->scratch_locals[n++] = l;
    }
  return n;
}

// The loans live at pt: in scope (set 0), and held by a live local or live everywhere.
static const Word *live_loans(Point *pt) {
  Bck *k = pt->k;
  if (pt->live_loans) return pt->live_loans;
  Word *w = pt->live_loans = bits_new(k->words);
  memcpy(w, k->always_live, sizeof(Word) * k->words);
  for (int i = 0, n = live_holders(pt); i < n; i++) bits_or(w, set_in(k, pt->sets, k->scratch_locals[i]), k->words);
  for (int i = 0; i < k->words; i++) w[i] &= pt->sets[i];
  return w;
}

// A loan of what a parameter points to that some path returns must live as long as the
// signature's region, which holds every point of the body: from where it is made on, it is
// live on every path, returned there or not. (rustc's NLL; `if let Some(x) = v.first() {
// return x; } v.push(..)` is E0502, which Polonius would accept.)
static bool loan_live(Point *pt, int loan) { return bit(live_loans(pt), loan); }

// The loans live wherever they are in scope (see loan_live), once the returns and stores are known.
static void find_always_live(Bck *k) {
  k->always_live = bits_new(k->words);
  for (int i = 0; i < k->nloans; i++) {
    Loan *ln = &k->loans.data[i];
    if (ln->universal) continue;
    // A local's loan stored through a `&mut` parameter (`*out = &s`, `out.push(&s)`) lives as
    // long as the caller's value: past the local's end (E0597 where it dies).
    if ((k->ret_span[i].hi && ln->owner < 0) || k->store_span[i].hi) bit_set(k->always_live, i);
  }
}

// A two-phase loan held only by its own receiver temporary is still a reservation.
static bool reserved(Point *pt, int loan) {
  Bck *k = pt->k;
  Loan *ln = &k->loans.data[loan];
  if (!ln->two_phase) return false;
  for (int i = 0, n = live_holders(pt); i < n; i++)
    if (k->scratch_locals[i] != ln->holder && bit(set_in(k, pt->sets, k->scratch_locals[i]), loan)) return false;
  return true;
}

// ACC_RESERVE: a two-phase `&mut` where it is taken, which conflicts only with another `&mut`
// until the call that uses it (where it is checked as ACC_MUT).
// ACC_UNIQUE: a closure's unique capture of a `&mut` variable not itself `mut` (a write through it).
typedef enum { ACC_READ, ACC_MOVE, ACC_WRITE, ACC_SHARED, ACC_MUT, ACC_RESERVE, ACC_UNIQUE } Access;

static void report_conflict(Point *pt, int loan, Place p, Access acc, Span sp) {
  Bck *k = pt->k;
  Loan *ln = &k->loans.data[loan];
  // A loan of several fields of a variable (a closure's) is named by the field in conflict.
  const char *what = describe(k, p), *lwhat = ln->fields ? what : describe_or(k, ln->place, what);
  if (!what) return;  // a temporary: rustc words these differently; let it be
  Diag *d = NULL;
  if (ln->unique && (acc == ACC_MUT || acc == ACC_RESERVE || acc == ACC_SHARED)) {
    d = diag_error(sp, "E0501", "cannot borrow `%s` as %s because previous closure requires unique access", what, acc == ACC_SHARED ? "immutable" : "mutable");
    diag_label(d, "second borrow occurs here");
    diag_secondary(d, ln->span, "closure construction occurs here");
    add_later_use(k, d, pt->bi, pt->j, loan, pt->sets, "first borrow later used here");
    diag_defer(d, DEFER_CONFLICT);
    k->reported[loan] = true;
    return;
  }
  switch (acc) {
  case ACC_UNIQUE: {  // the capture of a `&mut` variable that is not `mut`, written through
    const char *var = k->b->locals.data[p.local].name;
    d = diag_error(diag_closure_head(sp), "E0500", "closure requires unique access to `%s` but it is already borrowed", var);
    diag_label(d, "closure construction occurs here");
    diag_secondary(d, ln->span, "borrow occurs here");
    Span use = capture_use(&k->b->blocks.data[pt->bi], pt->j);
    if (use.hi) diag_secondary(d, use, "second borrow occurs due to use of `%s` in closure", var);
    add_later_use(k, d, pt->bi, pt->j, loan, pt->sets, "first borrow later used here");
    break;
  }
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

// An access of some fields of p only (a closure capturing `c.pos` and `c.seen` of a `&mut`
// c): a loan of another field of p is not touched.
static bool fields_apart(Loan *ln, Place p, uint64_t fields) {
  int n = p.nproj;
  if (!fields || ln->place.nproj <= n) return false;
  Proj *x = &ln->place.proj[n];
  return x->kind == PROJ_FIELD && x->field < 64 && !((fields >> x->field) & 1);
}

// One access of p (of its fields in `fields` only, when not 0) at pt: the first live loan it
// conflicts with is reported.
// Whether access acc to p conflicts with live loan i.
static bool conflicts(Point *pt, int i, Place p, uint64_t fields, Access acc) {
  Bck *k = pt->k;
  Loan *ln = &k->loans.data[i];
  if (k->reported[i] || i == k->activating || !loan_overlaps(ln, p) || fields_apart(ln, p, fields) || ln->shared_deref) return false;
  switch (acc) {
  case ACC_READ: case ACC_SHARED: return ln->mut && !reserved(pt, i);
  case ACC_RESERVE: return ln->mut;
  case ACC_WRITE: return write_reaches(k, p, ln->place);
  default: return true;
  }
}

// Reports the first live loan (in the order made) that access acc to p conflicts with.
static void access_fields(Point *pt, Place p, uint64_t fields, Access acc, Span sp) {
  Bck *k = pt->k;
  if (through_index_call(k, p)) {
    if (acc == ACC_READ) acc = ACC_SHARED;
    if (acc == ACC_WRITE) acc = ACC_MUT;
  }
  const Word *live = live_loans(pt);
  for (int w = 0; w < k->words; w++)
    for (Word bits = live[w]; bits; bits &= bits - 1) {
      int i = w * 64 + __builtin_ctzll(bits);
      if (!conflicts(pt, i, p, fields, acc)) continue;
      report_conflict(pt, i, p, acc, sp);
      return;
    }
}

static void access(Point *pt, Place p, Access acc, Span sp) { access_fields(pt, p, 0, acc, sp); }

static void access_operand(Point *pt, Operand *o, Span sp) {
  if (o->kind == OPND_CONST) return;
  access(pt, o->place, o->kind == OPND_MOVE ? ACC_MOVE : ACC_READ, sp);
}

// E0373: a closure borrowing local `name` escapes the function (returned, or given to a
// parameter that must be 'static), where it would read the local's dead storage.
static void report_closure_escape(Bck *k, int loan, Span where, const char *why) {
  Loan *ln = &k->loans.data[loan];
  const char *name = k->b->locals.data[ln->owner].name;
  Diag *d = diag_error(diag_closure_head(ln->span), "E0373", "closure may outlive the current function, but it borrows `%s`, which is owned by the current function", name);
  diag_label(d, "may outlive borrowed value `%s`", name);
  if (ln->use_span.hi) diag_secondary(d, ln->use_span, "`%s` is borrowed here", name);
  diag_note_at(d, where, "%s", why);
  diag_help(d, "to force the closure to take ownership of `%s` (and any other referenced variables), use the `move` keyword", name);
  diag_defer(d, DEFER_CONFLICT);
  k->reported[loan] = true;
}

// The return value holds a loan of a local, which dies when the function returns. rustc
// names the returned expression: the borrow itself when it is returned directly.
static void report_escape(Bck *k, int loan) {
  Loan *ln = &k->loans.data[loan];
  Span ret_span = k->ret_span[loan].hi ? k->ret_span[loan] : ln->span;
  const char *name = k->b->locals.data[ln->owner].name;
  bool direct = ln->place.nproj == 0 && !ln->autoref && ret_span.lo == ln->span.lo && ret_span.hi == ln->span.hi;
  bool param = ln->owner <= k->b->nparams;
  Diag *d;
  if (ln->capture) {
    report_closure_escape(k, loan, ret_span, "closure is returned here");
    return;
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
  for (int j = k->of_local.start[l]; j < k->of_local.start[l + 1]; j++) {
    int i = k->of_local.loan[j];
    Loan *ln = &k->loans.data[i];
    if (k->reported[i] || ln->owner != l || !loan_live(pt, i)) continue;
    const char *name = k->b->locals.data[l].name;
    if (!name) continue;
    if (local_bit(k, pt->live, 0) && bit(set_in(k, pt->sets, 0), i)) {  // the return value holds it
      report_escape(k, i);
      continue;
    }
    Diag *d = diag_error(ln->span, "E0597", "`%s` does not live long enough", name);
    diag_secondary(d, decl, "binding `%s` declared here", name);
    diag_label(d, "borrowed value does not live long enough");
    diag_secondary(d, sp, "`%s` dropped here while still borrowed", name);
    if (add_later_use(k, d, pt->bi, pt->j, i, pt->sets, "borrow later used here"))
      diag_note(d, "values in a scope are dropped in the opposite order they are defined");
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
  for (int j = k->of_local.start[l]; j < k->of_local.start[l + 1]; j++) {
    int i = k->of_local.loan[j];
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

// A value whose type has a destructor is dropped while a loan of what it reaches through a
// reference field is live (`p = &*s.data`, then s dropped): the destructor may use that
// reference (`self.data.push_str(..)`) while the loan still reads or writes through it. rustc's
// drop of such a value conflicts with every borrow of a place through a field of a type that
// implements `Drop`; when the place is behind a reference, that is E0713.
static bool behind_destructor(Bck *k, Place p) {
  bool in_drop_type = false;
  for (int i = 0; i < p.nproj; i++) {
    Type *t = ty_resolve(type_before(k, p, i));
    if (p.proj[i].kind == PROJ_FIELD && t->kind == TY_STRUCT && t->sdecl->drop_impl) in_drop_type = true;
    if (p.proj[i].kind == PROJ_DEREF && in_drop_type) return true;
  }
  return false;
}

static const char *type_with_lifetimes(Type *t) {
  t = ty_resolve(t);
  if (t->kind != TY_STRUCT || t->nargs || !t->sdecl->generics.nlifetimes) return ty_name(t);
  const char *s = arena_printf("%s<'_", t->sdecl->name);
  for (int i = 1; i < t->sdecl->generics.nlifetimes; i++) s = arena_printf("%s, '_", s);
  return arena_printf("%s>", s);
}

static void dropped_with_destructor(Point *pt, int l, Span sp) {
  Bck *k = pt->k;
  if (sp.hi > sp.lo) sp.lo = sp.hi - 1;  // at the `}`
  for (int i = 0; i < k->nloans; i++) {
    Loan *ln = &k->loans.data[i];
    if (k->reported[i] || ln->universal || ln->place.local != l || !loan_live(pt, i) || !behind_destructor(k, ln->place)) continue;
    const char *what = describe(k, ln->place), *name = k->b->locals.data[l].name;
    if (!what || !name) continue;
    Diag *d = diag_error(ln->span, "E0713", "borrow may still be in use when destructor runs");
    FnDecl *f = k->b->fn;
    const char *lt = f && !f->is_closure ? sig_ret_lifetime(f) : NULL;
    if (k->ret_span[i].hi && lt) {
      diag_secondary(d, sig_lifetime_def(f, lt), "lifetime `%s` defined here", lt);
      diag_secondary(d, k->ret_span[i], "returning this value requires that `%s` is borrowed for `%s`", what, lt);
    }
    diag_secondary(d, sp, "here, drop of `%s` needs exclusive access to `%s`, because the type `%s` implements the `Drop` trait", name, what,
                   type_with_lifetimes(local_ty(k, l)));
    if (!k->ret_span[i].hi) {
      add_later_use(k, d, pt->bi, pt->j, i, pt->sets, "borrow later used here");
      diag_note(d, "consider using a `let` binding to create a longer lived value");
    }
    diag_defer(d, DEFER_CONFLICT);
    k->reported[i] = true;
  }
}

// ---------------------------------------------------------------------------------------------
// Type parameters in trait objects
//
// `Box<dyn Tr>` in a signature or a struct field is `Box<dyn Tr + 'static>`: whatever it holds
// may be kept forever. A T that is not bounded `T: 'static` may be a type holding a borrow (T =
// &'a str), so putting one into such a `dyn` is E0310. The unsizing cast of a value whose type
// mentions T makes a loan of no place that stands for T's region; where it reaches a 'static
// requirement (the return type, a 'static parameter or field) the program is rejected.

// `T: 'static` as written for T, as an `impl Tr + 'static` argument, or implied by a bound
// `T: Plugin` where `trait Plugin: Tr + 'static`.
static bool param_is_static(FnDecl *f, Type *t) {
  if (sig_param_static(f, t->name)) return true;
  for (int i = 0; i < f->nparams; i++) {
    TypeExpr *te = f->params[i].ty;
    if (te->kind == TE_IMPL && te->lifetime && !strcmp(te->lifetime, "'static") && f->param_types && ty_resolve(f->param_types[i]) == t) return true;
  }
  GenericEnv *env = f->env;
  for (int b = 0; env && t->index < env->n && b < env->nbounds[t->index]; b++)
    if (trait_requires_static(env->bounds[t->index][b]->trait)) return true;
  return false;
}

// The type parameters in t without a `'static` bound, each once (at most four); with inputs,
// only those that trait objects in t take as arguments.
typedef struct {
  Type *p[4];
  int n;
} Params;

static void unbounded_params(Bck *k, Type *t, int depth, bool inputs, Params *out) {
  t = ty_resolve(t);
  if (!t || depth > 8 || out->n == 4) return;
  switch (t->kind) {
  case TY_PARAM:
    if (param_is_static(k->b->fn, t)) return;
    for (int i = 0; i < out->n; i++)
      if (out->p[i] == t) return;
    out->p[out->n++] = t;
    return;
  case TY_REF: case TY_BOX: case TY_VEC: case TY_ARRAY: case TY_SLICE: unbounded_params(k, t->inner, depth + 1, inputs, out); return;
  case TY_TUPLE: case TY_STRUCT:
    for (int i = 0; i < t->nargs; i++) unbounded_params(k, t->args[i], depth + 1, inputs, out);
    return;
  case TY_CLOSURE:  // what it captures by value
    for (int i = 0; i < t->closure->ncaptures; i++)
      if (t->closure->captures[i].by_value) unbounded_params(k, closure_capture_type(t, i), depth + 1, inputs, out);
    return;
  case TY_DYN:  // `dyn Fn(A) -> B + 'static` is 'static only if A and B are (outputs first)
    for (int i = 0; t->principal && !inputs && i < t->principal->nassoc; i++) unbounded_params(k, t->principal->assoc_types[i], depth + 1, inputs, out);
    for (int i = 0; t->principal && inputs && i < t->principal->nargs; i++) unbounded_params(k, t->principal->args[i], depth + 1, inputs, out);
    return;
  default: return;
  }
}

// `Box<T> -> Box<dyn Tr>`: the type parameters put into a trait object. (`&'a T -> &'a dyn Tr`
// asks T: 'a, which `&'a T` itself implies.)
static Params unsized_params(Bck *k, MirStmt *st) {
  Params ps = {0};
  FnDecl *f = k->b->fn;
  if (!f || f->is_closure || st->rv.cast != CAST_UNSIZE) return ps;
  Type *from = ty_resolve(st->rv.a.ty);
  if (from->kind != TY_BOX) return ps;
  // In rustc's order: what trait objects return (and everything else), then what they take.
  unbounded_params(k, from->inner, 0, false, &ps);
  unbounded_params(k, from->inner, 0, true, &ps);
  return ps;
}

static void report_param_static(Bck *k, int loan, Span dyn) {
  Loan *ln = &k->loans.data[loan];
  const char *name = ln->param->name;
  Diag *d = diag_error(ln->span, "E0310", "the parameter type `%s` may not live long enough", name);
  if (dyn.hi) diag_secondary(d, dyn, "this `dyn Trait` has an implicit `'static` lifetime bound");
  diag_label(d, "the parameter type `%s` must be valid for the static lifetime...", name);
  diag_secondary(d, ln->span, "...so that the type `%s` will meet its required lifetime bounds", name);
  diag_help(d, "consider adding an explicit lifetime bound: `%s: 'static`", name);
  diag_defer(d, DEFER_CONFLICT);
  k->reported[loan] = true;
}

// At `return`, every local dies; what the return value holds must not be one of them.
static void check_return(Bck *k, State *s) {
  FnDecl *f = k->b->fn;
  TypeExpr *dyn = f && !f->is_closure ? sig_static_dyn(f->ret, 0) : NULL;
  for (int i = 0; i < k->nloans; i++) {
    Loan *ln = &k->loans.data[i];
    if (!k->reported[i] && ln->owner >= 0 && bit(held(s, 0), i) && k->b->locals.data[ln->owner].name) report_escape(k, i);
    if (!k->reported[i] && ln->param && dyn && bit(held(s, 0), i)) report_param_static(k, i, dyn->span);
  }
}

// ---------------------------------------------------------------------------------------------
// 'static requirements: what goes into a parameter `&'static T` or `Box<dyn Tr>` (whose object
// lifetime is 'static in a signature), or into a struct field of such a type, may be kept
// forever, so a borrow of a local in it is E0597 however soon the value itself dies.

// The `}` where local l's storage ends, or no span.
static Span scope_end(Bck *k, int l) {
  Body *b = k->b;
  for (int bi = 0; bi < b->blocks.len; bi++)
    for (int j = 0; j < b->blocks.data[bi].stmts.len; j++) {
      MirStmt *st = &b->blocks.data[bi].stmts.data[j];
      if (st->kind == STMT_STORAGE_DEAD && st->local == l) {
        Span sp = st->span;
        if (sp.hi > sp.lo) sp.lo = sp.hi - 1;
        return sp;
      }
    }
  return (Span){0};
}

// A reference parameter's region asked to be 'static: the caller's data would be kept past
// the call (E0521 when a call asks it, "lifetime may not live long enough" otherwise).
static void report_universal_static(Bck *k, int loan, Span use, const char *why) {
  Loan *ln = &k->loans.data[loan];
  const char *name = k->b->locals.data[ln->holder].name;
  if (!name) return;
  if (strcmp(why, "argument")) {  // kept here, not passed on: rustc has no code for it
    Diag *d = diag_error(use, NULL, "lifetime may not live long enough");
    const char *have = region_name(k, d, ln->region, ln->holder, 1);
    diag_label(d, "%s requires that `%s` must outlive `'static`", why, have);
    diag_defer(d, DEFER_CONFLICT);
    k->reported[loan] = true;
    return;
  }
  Diag *d = diag_error(use, "E0521", "borrowed data escapes outside of function");
  const char *have = region_name(k, d, ln->region, ln->holder, 1);
  diag_secondary(d, k->b->locals.data[ln->holder].span, "`%s` is a reference that is only valid in the function body", name);
  diag_label(d, "`%s` escapes the function body here", name);
  diag_secondary(d, use, "%s requires that `%s` must outlive `'static`", why, have);
  diag_defer(d, DEFER_CONFLICT);
  k->reported[loan] = true;
}

// A capture of a reference local: rustc captures what the body reads through it (`*k`), a
// reborrow whose region is the reference's, not a borrow of the local k; trc's environment
// points at k itself, so such a capture is reported only when nothing the reference holds is
// (rustc names that: E0521 for a parameter's region, E0597 for the borrowed local).
static bool captured_referent(Bck *k, Loan *ln) {
  return ln->capture && ln->owner >= 0 && borrowed_ptr(local_ty(k, ln->owner));
}

// E0621: parameter `pname`, whose lifetime is elided, is used where `named` is required.
static Diag *explicit_lifetime_required(Span sp, const char *pname, const char *named) {
  Diag *d = diag_error(sp, "E0621", "explicit lifetime required in the type of `%s`", pname);
  diag_label(d, "lifetime `%s` required", named);
  diag_help(d, "add explicit lifetime `%s` to the type of `%s`", named, pname);
  return d;
}

// A reference parameter's region given to a `let` typed with lifetime `want` of the signature
// (`let z: &'a i32 = y;`): it must outlive `want` by the declared bounds. An elided one is
// asked only when the parameter itself is what is given (`copied`), where the flow is exact.
static void report_universal_annot(Bck *k, int loan, Span use, const char *want, int copied) {
  Loan *ln = &k->loans.data[loan];
  FnDecl *f = k->b->fn;
  if (ln->region ? sig_outlives(f, ln->region, want) : ln->holder != copied) return;
  const char *pname = k->b->locals.data[ln->holder].name;
  bool self = f->self_kind != SELF_NONE && ln->holder == 1;
  Diag *d;
  if (!ln->region && !self && pname) {
    d = explicit_lifetime_required(use, pname, want);
  } else {
    d = diag_error(use, NULL, "lifetime may not live long enough");
    const char *have = region_name(k, d, ln->region, ln->holder, 1);
    region_name(k, d, want, 0, 2);
    diag_label(d, "type annotation requires that `%s` must outlive `%s`", have, want);
    if (ln->region) diag_help(d, "consider adding the following bound: `%s: %s`", have, want);
  }
  diag_defer(d, DEFER_CONFLICT);
  k->reported[loan] = true;
}

// What `in` holds must outlive `region`, a lifetime of the signature, or 'static when NULL:
// a borrow of a local is E0597 ("`why` requires that `x` is borrowed for `'a`"), a parameter's
// region one that does not outlive it "lifetime may not live long enough". `copied`: the
// local a plain copy gives (see report_universal_annot), or -1.
static bool reported_any(Bck *k, const Word *in) {
  for (int i = 0; i < k->nloans; i++)
    if (bit(in, i) && k->reported[i]) return true;
  return false;
}

static void require_loans_outlive(Point *pt, const Word *in, Span use, const char *why, const char *region, int copied) {
  Bck *k = pt->k;
  for (int pass = 0; pass < 2; pass++)
  for (int i = 0; i < k->nloans; i++) {
    Loan *ln = &k->loans.data[i];
    if (!bit(in, i) || k->reported[i] || captured_referent(k, ln) != (pass == 1) || (pass && reported_any(k, in))) continue;
    if (bit(in, i) && ln->param && !k->reported[i] && !region) report_param_static(k, i, (Span){0});
    if (bit(in, i) && ln->universal && !k->reported[i] && region) {
      report_universal_annot(k, i, use, region, copied);
      continue;
    }
    if (bit(in, i) && ln->universal && !k->reported[i] && !(ln->region && !strcmp(ln->region, "'static"))) {
      report_universal_static(k, i, use, why);
      continue;
    }
    int cap;
    if (!region && bit(in, i) && !ln->universal && stored_from(k, ln, &cap) == FROM_BORROW) {
      // A closure's borrow of a captured variable: asked of the variable where the closure is made.
      FnDecl *f = k->b->fn;
      if (!(f->static_captures >> cap & 1)) f->static_use[cap] = use, f->static_why[cap] = why;
      f->static_captures |= 1ull << cap;
      continue;
    }
    if (!bit(in, i) || ln->universal || ln->owner < 0 || k->reported[i]) continue;
    const char *name = k->b->locals.data[ln->owner].name;
    if (!name) continue;
    bool captured = ln->capture && ln->use_span.hi;  // rustc points at the use in the closure
    Diag *d = diag_error(captured ? ln->use_span : ln->span, "E0597", "`%s` does not live long enough", name);
    if (region) region_name(k, d, region, 0, 1);
    diag_secondary(d, k->b->locals.data[ln->owner].span, "binding `%s` declared here", name);
    diag_label(d, "borrowed value does not live long enough");
    if (captured) diag_secondary(d, diag_closure_head(ln->span), "value captured here");
    diag_secondary(d, use, "%s requires that `%s` is borrowed for `%s`", why, name, region ? region : "'static");
    Span end = scope_end(k, ln->owner);
    if (end.hi) diag_secondary(d, end, "`%s` dropped here while still borrowed", name);
    diag_defer(d, DEFER_CONFLICT);
    k->reported[i] = true;
  }
}

static void require_static(Point *pt, Operand *o, Span use, const char *why) {
  Bck *k = pt->k;
  if (o->kind == OPND_CONST || !type_has_refs(o->ty)) return;
  State s = view(k, pt->sets);
  Word *in = bits_new(k->words);
  add_operand_loans(&s, in, o);
  require_loans_outlive(pt, in, use, why, NULL, -1);
}

// A closure given to a type parameter that must be 'static (`F: Fn() + 'static`, as
// thread::spawn's): its borrowing captures are E0373, rustc's "closure may outlive".
static void closure_args_static(Point *pt, Operand *o, Span call) {
  Bck *k = pt->k;
  if (o->kind == OPND_CONST || ty_resolve(o->ty)->kind != TY_CLOSURE) return;
  State s = view(k, pt->sets);
  Word *in = bits_new(k->words);
  add_operand_loans(&s, in, o);
  for (int i = 0; i < k->nloans; i++) {
    Loan *ln = &k->loans.data[i];
    if (bit(in, i) && ln->capture && ln->owner >= 0 && !k->reported[i] && k->b->locals.data[ln->owner].name && !captured_referent(k, ln))
      report_closure_escape(k, i, call, "function requires argument type to outlive `'static`");
  }
}

// The arguments of a call to parameters that must be 'static.
static void check_static_args(Point *pt, Terminator *t) {
  FnDecl *f = callee_sig(t);
  if (!f) return;
  bool has_self = f->self_kind != SELF_NONE;
  for (int i = has_self; i < t->nargs && i - has_self < f->nparams; i++) {
    Type *pty = f->param_types ? ty_resolve(f->param_types[i - has_self]) : NULL;
    bool bounded = pty && pty->kind == TY_PARAM && param_is_static(f, pty);  // `keep<T: 'static>(t: T)`
    if (bounded) closure_args_static(pt, &t->args[i], t->span);
    if (bounded || sig_requires_static(f->params[i - has_self].ty, 0)) require_static(pt, &t->args[i], t->span, "argument");
  }
}

// A trait object given to a call along with a `&mut` to a struct field whose type is 'static
// (`h.items.push(Box::new(&n))` with `items: Vec<Box<dyn Tr>>`): the call may store it there,
// so what it holds must be 'static: a borrow of a local is E0597, a type parameter E0310.
static bool static_field_place(Bck *k, Place p) {
  // `*v` of a `&mut` parameter whose type as written has one (`v: &mut Vec<Box<dyn Fn()>>`):
  // what is stored there is kept by the caller.
  FnDecl *f = k->b->fn;
  if (p.nproj == 1 && p.proj[0].kind == PROJ_DEREF && p.local >= 1 && p.local <= k->b->nparams && f && !f->is_closure) {
    TypeExpr *ref = sig_referent(f, p.local - 1);
    return ref && sig_mut_ref(f, p.local - 1) && sig_static_dyn(ref, 0);
  }
  if (!p.nproj || p.proj[p.nproj - 1].kind != PROJ_FIELD) return false;
  Type *t = ty_resolve(type_before(k, p, p.nproj - 1));
  if (t->kind != TY_STRUCT || t->sdecl->is_enum || p.proj[p.nproj - 1].field >= t->sdecl->nfields) return false;
  return sig_static_dyn(t->sdecl->fields[p.proj[p.nproj - 1].field].ty, 0) != NULL;
}

static bool has_dyn(Type *t, int depth) {
  t = ty_resolve(t);
  if (!t || depth > 8) return false;
  if (t->kind == TY_DYN) return true;
  if ((t->kind == TY_BOX || t->kind == TY_VEC) && has_dyn(t->inner, depth + 1)) return true;
  for (int i = 0; (t->kind == TY_STRUCT || t->kind == TY_TUPLE) && i < t->nargs; i++)
    if (has_dyn(t->args[i], depth + 1)) return true;
  return false;
}

static void check_stored_into_static_field(Point *pt, Terminator *t) {
  Bck *k = pt->k;
  State s = view(k, pt->sets);
  int into = -1;
  for (int i = 0; i < t->nargs && into < 0; i++) {
    Type *at = ty_resolve(t->args[i].ty);
    if (at->kind != TY_REF || !at->mut || t->args[i].kind == OPND_CONST) continue;
    Word *in = bits_new(k->words);
    add_operand_loans(&s, in, &t->args[i]);
    for (int l = 0; l < k->nloans && into < 0; l++)
      if (bit(in, l) && !k->loans.data[l].param && static_field_place(k, k->loans.data[l].place)) into = i;
  }
  for (int j = 0; into >= 0 && j < t->nargs; j++)
    if (j != into && has_dyn(t->args[j].ty, 0)) require_static(pt, &t->args[j], t->args[j].span.hi ? t->args[j].span : t->span, "coercion");
}

// A struct or variant built with a value in a field that must be 'static.
static void check_static_fields(Point *pt, Rvalue *rv, Span sp) {
  Type *t = ty_resolve(rv->ty);
  if (rv->agg != AGG_ADT || t->kind != TY_STRUCT) return;
  StructDecl *sd = t->sdecl;
  int n = sd->is_enum ? (rv->variant >= 0 ? sd->variants[rv->variant].nfields : 0) : sd->nfields;
  FieldDecl *fds = sd->is_enum ? (rv->variant >= 0 ? sd->variants[rv->variant].fields : NULL) : sd->fields;
  for (int i = 0; i < n && i < rv->nops; i++)
    if (sig_requires_static(fds[i].ty, 0)) require_static(pt, &rv->ops[i], sp, "this usage");
}

// An unsizing cast into a trait object whose trait is 'static (`dyn Any`, or `dyn Component`
// with `trait Component: Any`): the value's type must be 'static, so what it holds must be.
// Behind a reference that is what the referent holds: the cast reference's own loan is only
// asked to outlive the `&dyn` it becomes (`&x as &dyn Any` is fine for a local i32 x).
static void check_static_object(Point *pt, MirStmt *st) {
  Bck *k = pt->k;
  Rvalue *rv = &st->rv;
  Type *to = ty_resolve(rv->ty), *from = ty_resolve(rv->a.ty);
  if (rv->cast != CAST_UNSIZE || rv->a.kind == OPND_CONST || (to->kind != TY_REF && to->kind != TY_BOX)) return;
  Type *obj = ty_resolve(to->inner);
  if (obj->kind != TY_DYN || !obj->principal || !trait_requires_static(obj->principal->trait)) return;
  State s = view(k, pt->sets);
  Word *in = bits_new(k->words);
  add_operand_loans(&s, in, &rv->a);
  for (int i = 0; from->kind == TY_REF && i < k->nloans; i++) {
    Loan *ln = &k->loans.data[i];
    if (bit(in, i) && !ln->inner && !ln->param && made_with(k, rv->a.place.local, ln->holder)) bit_clear(in, i);
  }
  require_loans_outlive(pt, in, st->span, "coercion", NULL, -1);
}

// `let r: &'static T = ..` or `let r: &'a T = ..` with 'a the signature's: what r is given must
// live that long (rustc's "type annotation requires that ..").
static void annotated_let(Point *pt, MirStmt *st) {
  Bck *k = pt->k;
  Rvalue *rv = &st->rv;
  Word *in = bits_new(k->words);
  if (rv->kind == RV_REF && k->loan_at[pt->bi][pt->j] >= 0) {  // `let r: &'static T = &x;`
    bit_set(in, k->loan_at[pt->bi][pt->j]);
  } else if ((rv->kind == RV_USE || rv->kind == RV_CAST) && rv->a.kind != OPND_CONST && type_has_refs(rv->a.ty)) {
    State s = view(k, pt->sets);
    add_operand_loans(&s, in, &rv->a);
  } else {
    return;
  }
  int copied = rv->kind == RV_USE && rv->a.kind != OPND_CONST && !rv->a.place.nproj ? rv->a.place.local : -1;
  require_loans_outlive(pt, in, st->static_span, "type annotation", st->annot_region, copied);
}

// A closure whose body gives the borrow of a captured variable where 'static is required
// (`|| keep(&n)`): the variable must outlive 'static where the closure is made (E0597).
static void closure_static_captures(Point *pt, Rvalue *rv) {
  FnDecl *f = made_closure(rv);
  if (!f || !f->static_captures) return;
  for (int j = 0; j < rv->nops && j < 64; j++)
    if (f->static_captures >> j & 1) require_static(pt, &rv->ops[j], f->static_use[j], f->static_why[j]);
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
  if (st->static_span.hi) annotated_let(pt, st);
  // A value put into a struct field whose type is 'static (`h.f = Box::new(|| s.len())` with
  // `f: Box<dyn Fn()>`).
  if ((rv->kind == RV_USE || rv->kind == RV_CAST) && static_field_place(k, st->place))
    require_static(pt, &rv->a, st->place_span.hi ? st->place_span : st->span, "coercion");
  switch (rv->kind) {
  case RV_REF:
    access_fields(pt, rv->capture ? rv->captured : rv->place, rv->capture ? rv->capture_fields : 0,
                  rv->two_phase ? ACC_RESERVE : rv->capture && rv->unique ? ACC_UNIQUE : rv->mut ? ACC_MUT : ACC_SHARED, st->span);
    break;
  case RV_AGGREGATE:
    for (int i = 0; i < rv->nops; i++) access_operand(pt, &rv->ops[i], st->span);
    check_static_fields(pt, rv, st->span);
    closure_static_captures(pt, rv);
    break;
  case RV_CAST:
    check_static_object(pt, st);
    access_operand(pt, &rv->a, st->span);
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
  int l = arg->place.local;
  for (int j = k->held_by.start[l]; j < k->held_by.start[l + 1]; j++) {
    int i = k->held_by.loan[j];
    Loan *ln = &k->loans.data[i];
    if (!ln->two_phase) continue;
    k->activating = i;  // not a conflict with itself
    access(pt, ln->place, ACC_MUT, ln->span);
    k->activating = -1;
  }
}

// The call activates its two-phase arguments while it uses all of them: a loan its other
// arguments hold conflicts (`s.push_str(r)` with `r = &s`: E0502), though they die with it.
// The point of a call with its arguments live: the call reads them all at once, so a loan one
// of them holds is live where another is moved or activated (`add(&a, a)`: E0505).
static Point with_args_live(Point *pt, Terminator *t) {
  Bck *k = pt->k;
  Word *live = bits_new(k->lwords);
  memcpy(live, pt->live, sizeof(Word) * k->lwords);
  for (int i = 0; i < t->nargs; i++)  // (a value read through a reference, `*x`, is copied before)
    if (t->args[i].kind != OPND_CONST && type_has_refs(t->args[i].ty)) local_set(k, live, t->args[i].place.local);
  Point at = *pt;
  at.live = live;
  at.live_loans = NULL;  // of other live locals
  return at;
}

static void activate_all(Point *pt, Terminator *t) {
  Bck *k = pt->k;
  Point at = with_args_live(pt, t);
  k->activation_call = t->fn_span.hi ? t->fn_span : t->span;
  k->activation_term = t;
  for (int i = 0; i < t->nargs; i++) activate(&at, &t->args[i]);
  k->activation_call = (Span){0};
  k->activation_term = NULL;
}

static void check_term(Point *pt, Terminator *t) {
  switch (t->kind) {
  case TERM_CALL:
    check_static_args(pt, t);
    check_stored_into_static_field(pt, t);
    // rustc points at the argument (`consume(b)`: at b).
    bool moves = false;
    for (int i = 0; i < t->nargs; i++) moves |= t->args[i].kind == OPND_MOVE;
    Point live_args = moves ? with_args_live(pt, t) : *pt;  // built once, for the moved arguments
    for (int i = 0; i < t->nargs; i++)
      access_operand(t->args[i].kind == OPND_MOVE ? &live_args : pt, &t->args[i], t->args[i].span.hi ? t->args[i].span : t->span);
    activate_all(pt, t);
    access(pt, t->dest, ACC_WRITE, t->span);
    break;
  case TERM_SWITCH: access_operand(pt, &t->discr, t->span); break;
  case TERM_DROP:
    if (t->replace) access(pt, t->dest, ACC_WRITE, t->span);  // `x = v` drops the old x: E0506
    else if (!t->dest.nproj) {
      dropped_with_destructor(pt, t->dest.local, t->span);
      dropped(pt, t->dest.local, t->span);
    }
    break;
  default: break;
  }
}

// ---------------------------------------------------------------------------------------------
// Universal regions: the body against its signature
//
// A reference parameter `x: &'a T` points into memory that the caller keeps alive for 'a, a
// lifetime the body knows nothing about but its name. The return type says which of these the
// result may borrow from (`-> &'a U`, or the one its elided lifetime stands for), and the
// caller relies on exactly that: it frees or changes what the other arguments point to as soon
// as the call returns. So each reference parameter's region is a loan of its own, `universal`
// (of no place: it conflicts with no access), held by the parameter on entry and followed as
// every loan is: through copies, reborrows `&(*x).f`, aggregates and calls whose signatures
// pass it on. A value read *through* a reference holds what the referent holds, not the
// reference's region, and which regions those are is not followed (nor are values of other
// types with lifetimes, `S<'a>`): what is not followed is accepted.
//
// When the return value receives a region the return type does not allow, rustc's "lifetime
// may not live long enough" (or E0621 when the parameter's lifetime is elided and the return
// type names one) is reported at the value returned. A region is allowed when the return type
// names it, when it is the one an elided return lifetime stands for, or when it is 'static.
// A region is also allowed where it outlives one of those by the bounds declared (`'b: 'a`).
// Closures are not compared: their signatures are inferred.

// The parameter (local) an elided return lifetime borrows from: `&self`, else the only one.
static int elision_source(Bck *k) {
  FnDecl *f = k->b->fn;
  if (f->self_kind == SELF_REF || f->self_kind == SELF_REF_MUT) return 1;
  if (f->param_lifetimes != 1) return -1;
  for (int i = 0; i < k->nloans; i++)
    if (k->loans.data[i].universal) return k->loans.data[i].holder;
  return -1;
}

static bool region_allowed(Bck *k, Loan *u) {
  FnDecl *f = k->b->fn;
  if (u->region && !strcmp(u->region, "'static")) return true;
  if (sig_ret_static_dyn(f)) return false;
  if (u->region && sig_ret_accepts(f, u->region)) return true;
  if (!f->ret_elided) return false;
  int src = elision_source(k);
  if (src == u->holder) return true;
  // `&'a self` makes the elided lifetime 'a.
  return u->region && src == 1 && f->self_lifetime == u->region;
}

// The `&` of the parameter's type, where rustc names an elided lifetime.
static Span param_amp(Bck *k, int local) {
  FnDecl *f = k->b->fn;
  bool has_self = f->self_kind != SELF_NONE;
  Span sp = has_self && local == 1 ? f->self_span : f->params[local - 1 - has_self].ty->span;
  sp.hi = sp.lo + 1;
  return sp;
}

// A region in a message: its name, or `'n` for an elided one, with a label saying so.
static const char *region_name(Bck *k, Diag *d, const char *region, int local, int n) {
  if (region) {
    Span def = sig_lifetime_def(k->b->fn, region);
    if (def.hi) diag_secondary(d, def, "lifetime `%s` defined here", region);
    return region;
  }
  const char *name = arena_printf("'%d", n);
  diag_secondary(d, param_amp(k, local), "let's call the lifetime of this reference `%s`", name);
  return name;
}

// `-> impl Tr` naming no lifetime captures none of the parameters' (Rust 2021): a hidden type
// holding one is rustc's E0700.
static void report_opaque_capture(Bck *k, Loan *u, Span sp) {
  FnDecl *f = k->b->fn;
  Diag *d = diag_error(sp, "E0700", "hidden type for `%s` captures lifetime that does not appear in bounds", ty_name(f->ret_type));
  TypeExpr *opaque = f->ret;
  while (opaque->kind != TE_IMPL && opaque->inner) opaque = opaque->inner;
  diag_secondary(d, opaque->span, "opaque type defined here");
  Span def = u->region ? sig_lifetime_def(f, u->region) : param_amp(k, u->holder);
  Type *hidden = ty_reveal(f->ret_type);
  if (u->region) diag_secondary(d, def, "hidden type `%s` captures the lifetime `%s` as defined here", ty_name(hidden), u->region);
  else diag_secondary(d, def, "hidden type `%s` captures the anonymous lifetime defined here", ty_name(hidden));
  diag_help(d, "add a `use<...>` bound to explicitly capture `%s`", u->region ? u->region : "'_");
  diag_defer(d, DEFER_CONFLICT);
}

static void report_region(Bck *k, Loan *u, Span sp) {
  FnDecl *f = k->b->fn;
  if (sig_ret_has_impl(f->ret) && !f->ret_named && !f->ret_elided) {
    report_opaque_capture(k, u, sp);
    return;
  }
  const char *pname = k->b->locals.data[u->holder].name;
  bool has_self = f->self_kind != SELF_NONE;
  const char *named = sig_ret_lifetime(f);
  bool to_static = sig_ret_static_dyn(f);
  if (!u->region && named && !f->ret_elided && !to_static && !(has_self && u->holder == 1) && pname) {
    Diag *d = explicit_lifetime_required(sp, pname, named);
    diag_defer(d, DEFER_CONFLICT);
    return;
  }
  Diag *d = diag_error(sp, NULL, "lifetime may not live long enough");
  const char *have = region_name(k, d, u->region, u->holder, 1);
  if (to_static || (!named && !f->ret_elided)) {
    diag_label(d, "returning this value requires that `%s` must outlive `'static`", have);
    if (to_static && pname)
      diag_help(d, "to declare that the trait object captures data from argument `%s`, you can add an explicit `%s` lifetime bound", pname, u->region ? u->region : "'_");
  } else {
    int src = elision_source(k);
    const char *want = f->ret_elided ? region_name(k, d, src == 1 && has_self ? f->self_lifetime : NULL, src > 0 ? src : 1, 2)
                                     : region_name(k, d, named, 0, 2);
    const char *kind = has_self ? "method" : f->impl || f->trait ? "associated function" : "function";
    diag_label(d, "%s was supposed to return data with lifetime `%s` but it is returning data with lifetime `%s`", kind, want, have);
    if (u->region && !f->ret_elided) diag_help(d, "consider adding the following bound: `%s: %s`", have, want);
  }
  diag_defer(d, DEFER_CONFLICT);
}

// After a write to the return value: the regions it newly holds must be allowed.
static void check_returned_regions(Bck *k, State *s, Span sp) {
  if (!k->check_regions) return;
  Word *h = held(s, 0);
  for (int i = 0; i < k->nloans; i++) {
    Loan *u = &k->loans.data[i];
    if (!u->universal || k->reported[i] || !bit(h, i) || region_allowed(k, u)) continue;
    report_region(k, u, sp);
    k->reported[i] = true;
  }
}

static void report_stored(Bck *k, Loan *u, int p, TypeExpr *ref, Names *r, Span sp, bool call) {
  FnDecl *f = k->b->fn;
  const char *pname = k->b->locals.data[p].name, *uname = k->b->locals.data[u->holder].name;
  const char *named = NULL;
  bool only_static = true;
  for (int i = 0; i < r->n; i++)
    if (r->names[i][0] == '\'') {
      if (strcmp(r->names[i], "'static")) only_static = false, named = named ? named : r->names[i];
    }
  TypeExpr *elided = sig_elided_ref(ref, 0);
  const char *what = call ? "argument" : "assignment";
  Diag *d;
  if (only_static && !elided && pname && uname) {
    d = diag_error(sp, "E0521", "borrowed data escapes outside of function");
    diag_secondary(d, k->b->locals.data[p].span, "`%s` declared here, outside of the function body", pname);
    diag_secondary(d, k->b->locals.data[u->holder].span, "`%s` is a reference that is only valid in the function body", uname);
    diag_label(d, "`%s` escapes the function body here", uname);
  } else if (!u->region && named && !elided && uname && !(f->self_kind != SELF_NONE && u->holder == 1)) {
    d = explicit_lifetime_required(sp, uname, named);
  } else {
    d = diag_error(sp, NULL, "lifetime may not live long enough");
    const char *have = region_name(k, d, u->region, u->holder, 1);
    const char *want = named;
    if (!want && elided) {
      want = "'2";
      Span amp = elided->span;
      amp.hi = amp.lo + 1;
      diag_secondary(d, amp, "let's call the lifetime of this reference `'2`");
    } else if (want) {
      Span def = sig_lifetime_def(f, want);
      if (def.hi) diag_secondary(d, def, "lifetime `%s` defined here", want);
    }
    if (!want) want = "'static";
    diag_label(d, "%s requires that `%s` must outlive `%s`", what, have, want);
    if (u->region && named) diag_help(d, "consider adding the following bound: `%s: %s`", have, want);
  }
  diag_defer(d, DEFER_CONFLICT);
}


// After a write: what a `&mut` parameter's referent newly holds must be a lifetime its type has
// (`fn reset(&mut self, s: &str) { self.input = s }` in `impl<'a> Parser<'a>`: E0621).
static void check_stored_regions(Bck *k, State *s, Span sp, bool call) {
  if (!k->check_regions) return;
  FnDecl *f = k->b->fn;
  for (int p = 1; p <= k->b->nparams; p++) {
    TypeExpr *ref = sig_referent(f, p - 1);
    if (!ref || !sig_mut_ref(f, p - 1)) continue;
    Names r = {0};
    sig_names(ref, f, &r, 0);
    bool has_lifetime = sig_elided_ref(ref, 0) != NULL;
    for (int i = 0; i < r.n; i++) has_lifetime |= r.names[i][0] == '\'';
    if (!has_lifetime) continue;
    Word *h = held(s, p);
    for (int i = 0; i < k->nloans; i++) {
      Loan *u = &k->loans.data[i];
      if (!u->universal || u->holder == p || k->reported[i] || !bit(h, i)) continue;
      if (u->region && !strcmp(u->region, "'static")) continue;
      if (u->region && names_outlived(f, &r, u->region)) continue;
      report_stored(k, u, p, ref, &r, sp, call);
      k->reported[i] = true;
    }
  }
}

// `(*p).f` of a reference parameter `p: &S<'a, 'b>`: the value read holds the regions that
// field f's type has, as S's lifetime parameters map to p's arguments (`second: &'b str`: 'b).
static void add_inner_regions(Bck *k, Word *dst, Place p) {
  if (!k->check_regions || p.local < 1 || p.local > k->b->nparams || p.nproj < 2) return;
  if (p.proj[0].kind != PROJ_DEREF || p.proj[1].kind != PROJ_FIELD) return;
  for (int i = 3; i < p.nproj; i++)
    if (p.proj[i].kind == PROJ_DEREF) return;
  if (p.nproj > 2 && p.proj[2].kind == PROJ_DEREF) {
    // `&*self.buf` of a `buf: &'a mut T` field: a `&mut` reached through the parameter's
    // reference lends no more than that reference's lifetime (`&'s &'a mut T` gives `&'s T`:
    // the `&mut` is unique only while the outer borrow lasts).
    Type *ft = ty_resolve(p.proj[1].ty);
    for (int i = 0; ft->kind == TY_REF && ft->mut && i < k->nloans; i++) {
      Loan *u = &k->loans.data[i];
      if (u->universal && !u->inner && u->holder == p.local) bit_set(dst, i);
    }
    return;
  }
  PathSeg *seg;
  StructDecl *sd = sig_referent_struct(sig_referent(k->b->fn, p.local - 1), &seg);
  if (!sd || sd->is_enum || p.proj[1].field >= sd->nfields) return;
  TypeExpr *ft = sd->fields[p.proj[1].field].ty;
  for (int j = 0; j < sd->generics.nlifetimes; j++) {
    if (!sig_mentions(ft, sd->generics.lifetimes[j], 0)) continue;
    for (int i = 0; i < k->nloans; i++) {
      Loan *u = &k->loans.data[i];
      if (u->inner && u->holder == p.local && u->region == seg->lifetimes[j]) bit_set(dst, i);
    }
  }
}

// A `FnMut` closure's body (its environment reached through `&mut`) may not return a borrow of
// what it captured, unless through a shared reference it captured: the next call may change
// or move what the first call's result still points to.
static void check_fnmut_escape(Bck *k, State *s, Span sp) {
  FnDecl *f = k->b->fn;
  if (!f || !f->is_closure || k->nlocals < 2) return;
  Type *env = ty_resolve(local_ty(k, 1));
  if (env->kind != TY_REF || !env->mut) return;
  for (int i = 0; i < k->nloans; i++) {
    Loan *ln = &k->loans.data[i];
    if (ln->universal || k->reported[i] || ln->place.local != 1 || !bit(held(s, 0), i)) continue;
    bool shared = false;
    for (int j = 1; j < ln->place.nproj; j++)
      if (ln->place.proj[j].kind == PROJ_DEREF) {
        Type *t = ty_resolve(type_before(k, ln->place, j));
        if (t->kind == TY_REF && !t->mut) shared = true;
      }
    if (shared) continue;
    Diag *d = diag_error(sp, NULL, "captured variable cannot escape `FnMut` closure body");
    int cap = ln->place.nproj > 1 && ln->place.proj[1].kind == PROJ_FIELD ? ln->place.proj[1].field : -1;
    if (cap >= 0 && cap < f->ncaptures) diag_secondary(d, f->captures[cap].local->span, "variable defined here");
    diag_label(d, "returns a reference to a captured variable which escapes the closure body");
    diag_note(d, "`FnMut` closures only have access to their captured variables while they are executing...");
    diag_note(d, "...therefore, they cannot allow references to captured variables to escape");
    diag_defer(d, DEFER_CONFLICT);
    k->reported[i] = true;
  }
}

// A parameter passed by value whose type names lifetimes (`h: Holder<'b>`, `(&'b T, U)`,
// `Option<&'b T>`): each named one is a region the value holds, as a reference parameter's.
static void by_value_regions(Bck *k, TypeExpr *te, int l) {
  Names names = {0};
  sig_names(te, k->b->fn, &names, 0);
  for (int i = 0; i < names.n && k->loans.len - k->nloans < 64; i++) {
    const char *lt = names.names[i];
    if (lt[0] != '\'' || !strcmp(lt, "'static") || !strcmp(lt, "'_")) continue;
    bool seen = false;
    for (int j = 0; j < i; j++) seen |= names.names[j] == lt;
    if (seen) continue;
    Loan u = {.place = {.local = -1}, .universal = true, .region = lt, .holder = l, .owner = -1, .span = k->b->locals.data[l].span};
    vec_push(&k->loans, u);
  }
}

// One universal loan per reference parameter, after the body's own loans.
static void collect_universal(Bck *k) {
  FnDecl *f = k->b->fn;
  k->universal = bits_new((k->loans.len + 64 + 63) / 64);
  if (!f || f->is_closure) return;
  if (f->ret_lifetimes[3]) return;  // many names
  bool has_self = f->self_kind != SELF_NONE;
  for (int l = 1; l <= k->b->nparams && l - 1 - has_self < f->nparams; l++) {
    const char *region;
    if (has_self && l == 1) {
      if (f->self_kind != SELF_REF && f->self_kind != SELF_REF_MUT) continue;
      region = f->self_lifetime;
    } else {
      TypeExpr *te = f->params[l - 1 - has_self].ty;
      if (te->kind != TE_REF) {
        by_value_regions(k, te, l);
        continue;
      }
      region = te->lifetime;
    }
    if (k->loans.len - k->nloans >= 64) break;
    Loan u = {.place = {.local = -1}, .universal = true, .region = region, .holder = l, .owner = -1, .span = k->b->locals.data[l].span};
    vec_push(&k->loans, u);
    // The named lifetime arguments of what it points to, each a region of its own.
    PathSeg *seg;
    if (!sig_referent_struct(sig_referent(f, l - 1), &seg)) continue;
    for (int j = 0; j < seg->nlifetimes && k->loans.len - k->nloans < 64; j++) {
      const char *lt = seg->lifetimes[j];
      if (!strcmp(lt, "'_") || !strcmp(lt, "'static")) continue;
      u.region = lt, u.inner = true;
      vec_push(&k->loans, u);
    }
  }
  for (int i = k->nloans; i < k->loans.len; i++) bit_set(k->universal, i);
  k->check_regions = k->loans.len > k->nloans;
  k->nloans = k->loans.len;
}

// Where the return value receives each loan it may hold: what an escaping borrow's error names.
static void note_return_write(Bck *k, State *s, Span sp) {
  for (int i = 0; i < k->nloans; i++)
    if (!k->ret_span[i].hi && bit(held(s, 0), i)) k->ret_span[i] = sp;
}

// A `&mut` parameter whose referent has a lifetime (`out: &mut Vec<&'a T>`): what it receives
// lives as long as that lifetime, beyond the body, as a returned value does.
static bool out_param(Bck *k, int p) {
  FnDecl *f = k->b->fn;
  if (!f || f->is_closure || p < 1 || p > k->b->nparams) return false;
  TypeExpr *ref = sig_referent(f, p - 1);
  if (!ref || !sig_mut_ref(f, p - 1)) return false;
  Names r = {0};
  sig_names(ref, f, &r, 0);
  for (int i = 0; i < r.n; i++)
    if (r.names[i][0] == '\'') return true;
  return sig_elided_ref(ref, 0) != NULL;
}

static void note_stored(Bck *k, State *s, Span sp, bool call) {
  for (int p = 1; p <= k->b->nparams; p++) {
    if (!out_param(k, p)) continue;
    Word *h = held(s, p);
    for (int i = 0; i < k->nloans; i++)
      if (!k->store_span[i].hi && !k->loans.data[i].universal && k->loans.data[i].holder != p && bit(h, i))
        k->store_span[i] = sp, k->store_by_call[i] = call;
  }
}

// `s.spawn(|| total += 1)` of `thread::scope`'s `&'scope Scope<'scope, 'env>`: a shared
// receiver whose type has lifetimes keeps what a call gives it when the signature lets it
// (`F: 'env`), through its interior mutability. Such a loan lives as long as the receiver's
// lifetimes, which outlive this body (the receiver is a parameter of the closure given to
// `scope`): as if stored through a `&mut` parameter.
static void note_kept_by_shared_receiver(Bck *k, Terminator *t) {
  FnDecl *f = callee_sig(t);
  if (!f || f->self_kind != SELF_REF || !f->impl || !t->nargs) return;
  Names into = {0};
  sig_names(f->impl->self_te, f, &into, 0);
  bool lifetimes = false;
  for (int n = 0; n < into.n; n++) lifetimes |= into.names[n][0] == '\'' && strcmp(into.names[n], "'static");
  if (!lifetimes) return;
  for (int j = 1; j < t->nargs; j++) {
    Type *at = ty_resolve(t->args[j].ty);
    if (t->args[j].kind == OPND_CONST || at->kind != TY_CLOSURE || j - 1 >= f->nparams) continue;
    TypeExpr *pt = f->params[j - 1].ty;
    bool kept = false;  // `F: 'env` with 'env a lifetime of the receiver's type
    for (int n = 0; pt->kind == TE_PATH && pt->path.nsegs == 1 && n < into.n && !kept; n++)
      kept = into.names[n][0] == '\'' && generics_lifetime_bound(&f->generics, pt->path.segs[0].name, into.names[n]);
    if (!kept) continue;
    for (int i = 0; i < k->nloans; i++) {
      Loan *ln = &k->loans.data[i];
      if (ln->capture && ln->closure == at->closure && !ln->universal && !k->store_span[i].hi) k->store_span[i] = t->span, k->store_by_call[i] = true;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// What a closure's body stores into its captures
//
// A closure that pushes `&names[i]` onto a captured `firsts` makes firsts hold a borrow of
// names for as long as firsts lives, not only while the closure does. rustc learns this from
// the closure's region requirements, which it propagates to the function the closure is
// written in; trc summarizes the body the same way round. Where the body writes into what a
// `&mut` capture c points to (assigning through it, or calling what may store into it by its
// signature, as `v.push(&x)`), each loan that arrives is told by its place (stored_from):
//   - through the reference of capture j (`&(*names)[i]`): the borrow of the variable j
//     captured, which the enclosing function gives to c's variable where it makes the closure
//     (FnDecl.stores_borrow_of, read by closure_stores);
//   - through a reference that j's value holds (`&*refs[i]`): what j's variable holds
//     (stores_refs_of);
//   - of the body's own locals, of what the environment owns, or reborrowed through a `&mut`
//     capture of an environment only borrowed for the call: it ends with the call, so it
//     cannot be stored where the closure's caller sees it, E0521 "borrowed data escapes
//     outside of closure".
// A borrow reached through a closure argument is not followed (its region is the caller's,
// often the very one of the captured variable: `items.iter().for_each(|x| out.push(x))`).
// Likewise a capture's borrow given where 'static is required (`|| keep(&n)`) is asked of the
// variable where the closure is made (static_captures, read by closure_static_captures).

static bool through_mut_capture(Place p, int after) {
  Type *ft = ty_resolve(p.proj[after - 1].ty);
  return after < p.nproj && p.proj[after].kind == PROJ_DEREF && ft->kind == TY_REF && ft->mut;
}

// The capture that local l (a `&mut`) reborrows, `_3 = &mut (*(*_1).c)` (*by_ref) or `_3 =
// &mut (*_1).c` of an owned one, or -1.
static int mut_capture_of(Bck *k, State *s, int l, bool *by_ref) {
  Type *lt = ty_resolve(local_ty(k, l));
  if (lt->kind != TY_REF || !lt->mut) return -1;
  Word *h = held(s, l);
  for (int i = 0; i < k->nloans; i++) {
    Loan *ln = &k->loans.data[i];
    int after, c;
    if (!bit(h, i) || !ln->mut || !made_with(k, l, ln->holder) || (c = env_field(k, ln->place, &after)) < 0 || c >= 64) continue;
    if (through_mut_capture(ln->place, after)) return *by_ref = true, c;
    if (after == ln->place.nproj && k->b->fn->captures[c].by_value) return *by_ref = false, c;
  }
  return -1;
}

// The capture a write to place p goes into, or -1: through a `&mut` capture (*by_ref), or
// into a value the closure owns that can hold references.
static int written_capture(Bck *k, State *s, Place p, bool *by_ref) {
  int after, c = env_field(k, p, &after);
  *by_ref = true;
  if (c >= 0 && c < 64 && through_mut_capture(p, after)) return c;
  if (c >= 0 && c < 64 && k->b->fn->captures[c].by_value && type_has_refs(p.proj[after - 1].ty) &&
      !(after < p.nproj && p.proj[after].kind == PROJ_DEREF && borrowed_ptr(p.proj[after - 1].ty))) {
    *by_ref = false;
    return c;
  }
  if (c >= 0) return -1;
  return p.nproj && p.proj[0].kind == PROJ_DEREF ? mut_capture_of(k, s, p.local, by_ref) : -1;
}

// A borrow that ends with the call stored into capture c: rustc tells a local's borrow given
// to a call by the local (E0597), and the rest as an escape (E0521).
static void report_closure_store(Bck *k, int loan, int c, Span sp, bool call) {
  Loan *ln = &k->loans.data[loan];
  Local *var = k->b->fn->captures[c].local;
  const char *name = ln->owner > k->b->nparams ? k->b->locals.data[ln->owner].name : NULL;
  Diag *d;
  if (name && call) {
    d = diag_error(ln->span, "E0597", "`%s` does not live long enough", name);
    diag_secondary(d, var->span, "lifetime `'1` appears in the type of `%s`", var->name);
    diag_secondary(d, k->b->locals.data[ln->owner].span, "binding `%s` declared here", name);
    diag_label(d, "borrowed value does not live long enough");
    diag_secondary(d, sp, "argument requires that `%s` is borrowed for `'1`", name);
    Span end = scope_end(k, ln->owner);
    if (end.hi) diag_secondary(d, end, "`%s` dropped here while still borrowed", name);
  } else {
    d = diag_error(sp, "E0521", "borrowed data escapes outside of closure");
    diag_secondary(d, var->span, "`%s` declared here, outside of the closure body", var->name);
    if (name) {
      diag_secondary(d, ln->span, "borrow is only valid in the closure body");
      diag_label(d, "reference to `%s` escapes the closure body here", name);
    } else {
      diag_label(d, "a temporary borrow escapes the closure body here");
      diag_help(d, "`%s` is declared outside the closure, so any data borrowed inside the closure cannot be stored into it", var->name);
    }
  }
  diag_defer(d, DEFER_CONFLICT);
  k->reported[loan] = true;
}

// What arrives in capture c; `by_ref`: c points to its variable (else the closure owns it,
// and what it holds is the closure's already).
static void record_capture_store(Bck *k, int c, bool by_ref, const Word *loans, Span sp, bool call) {
  FnDecl *f = k->b->fn;
  for (int i = 0; i < k->nloans; i++) {
    int j = -1;
    if (!bit(loans, i)) continue;
    switch (stored_from(k, &k->loans.data[i], &j)) {
    case FROM_BORROW: if (j != c && by_ref) f->stores_borrow_of[c] |= 1ull << j; break;
    case FROM_REFS: if (j != c && by_ref) f->stores_refs_of[c] |= 1ull << j; break;
    case FROM_ESCAPE: if (!k->reported[i]) report_closure_store(k, i, c, sp, call); break;
    default: break;
    }
  }
}

// Before an assignment or call of a closure's body: what it stores into a `&mut` capture.
static void note_capture_stores(Bck *k, State *s, MirStmt *st, int loan) {
  bool by_ref;
  int c = written_capture(k, s, st->place, &by_ref);
  if (c < 0) return;
  Word *v = bits_new(k->words);
  rvalue_loans(s, &st->rv, loan, v);
  record_capture_store(k, c, by_ref, v, st->span, false);
}

static void note_capture_call_stores(Bck *k, State *s, Terminator *t) {
  for (int i = 0; i < t->nargs; i++) {
    Operand *a = &t->args[i];
    if (a->kind == OPND_CONST || a->place.nproj) continue;
    bool by_ref;
    int c = mut_capture_of(k, s, a->place.local, &by_ref);
    Word *others = c >= 0 ? stored_by_call(s, t, i) : NULL;
    if (others) record_capture_store(k, c, by_ref, others, t->span, true);
  }
}

// A closure's summary starts empty each time its body is checked.
static void reset_capture_summary(FnDecl *f) {
  if (!f || !f->is_closure) return;
  int n = f->ncaptures ? f->ncaptures : 1;
  f->stores_borrow_of = arena_alloc(sizeof(uint64_t) * n);
  f->stores_refs_of = arena_alloc(sizeof(uint64_t) * n);
  f->stores_param_of = arena_alloc(sizeof(uint64_t) * n);
  memset(f->stores_borrow_of, 0, sizeof(uint64_t) * n);
  memset(f->stores_refs_of, 0, sizeof(uint64_t) * n);
  memset(f->stores_param_of, 0, sizeof(uint64_t) * n);
  f->static_use = arena_alloc(sizeof(Span) * n);
  f->static_why = arena_alloc(sizeof(char *) * n);
  f->static_captures = 0;
}

// ---------------------------------------------------------------------------------------------
// What a closure stores of its arguments
//
// `|x| out.push(x)` stores the reference it is called with into what `out` points to: out then
// holds whatever x borrowed, for as long as out lives (rustc gives x the region of out's
// elements in the closure's signature). The body's parameters have no loans of their own
// (their regions are the caller's), so this is a summary apart, flow-insensitive like
// summarize_closure_result: the locals that may hold references that came in with parameter p
// (bit p), then the writes through a `&mut` capture c (or into a capture the closure owns), by
// assignment or by a call whose signature may store into it, that receive them
// (FnDecl.stores_param_of[c], read by closure_arg_stores where the closure is called or given
// away). A parameter written with a reference type (`|x: &String|`) borrows for the one call
// only: storing it is rustc's E0521.

static uint64_t operand_taint(const uint64_t *taint, Operand *o) { return o->kind == OPND_CONST ? 0 : taint[o->place.local]; }

static uint64_t rvalue_taint(const uint64_t *taint, Rvalue *rv) {
  uint64_t t = 0;
  switch (rv->kind) {
  case RV_REF: return taint[rv->place.local];
  case RV_USE: case RV_CAST: case RV_REPEAT: return operand_taint(taint, &rv->a);
  case RV_AGGREGATE:
    for (int i = 0; i < rv->nops; i++) t |= operand_taint(taint, &rv->ops[i]);
    return t;
  default: return 0;  // numbers, lengths, discriminants
  }
}

// The capture that a write to place p goes into (see written_capture), told without loans:
// through the environment, or through a local that reborrows a `&mut` capture (cap_of).
static int param_store_capture(Bck *k, const int *cap_of, Place p) {
  int after, c = env_field(k, p, &after);
  if (c >= 0 && c < 64 && (through_mut_capture(p, after) || k->b->fn->captures[c].by_value)) return c;
  if (c >= 0) return -1;
  return p.nproj && p.proj[0].kind == PROJ_DEREF ? cap_of[p.local] : -1;
}

static void report_param_escape(Bck *k, int p, int c, Span sp) {
  FnDecl *f = k->b->fn;
  Pattern *pat = f->params[p].pat;
  const char *name = pat && pat->kind == PAT_BIND ? pat->name : "argument";
  Local *var = f->captures[c].local;
  Diag *d = diag_error(sp, "E0521", "borrowed data escapes outside of closure");
  diag_secondary(d, var->span, "`%s` declared here, outside of the closure body", var->name);
  diag_secondary(d, f->params[p].span, "`%s` is a reference that is only valid in the closure body", name);
  diag_label(d, "`%s` escapes the closure body here", name);
  diag_defer(d, DEFER_CONFLICT);
}

static void note_param_store(Bck *k, int c, uint64_t params, Span sp, bool *reported) {
  FnDecl *f = k->b->fn;
  for (int p = 0; p < f->nparams && p < 64; p++) {
    if (!(params >> p & 1)) continue;
    TypeExpr *te = f->params[p].ty;
    if (te && te->kind == TE_REF && !te->lifetime) {  // higher-ranked: only for the call
      if (!reported[p]) report_param_escape(k, p, c, sp);
      reported[p] = true;
      continue;
    }
    f->stores_param_of[c] |= 1ull << p;
  }
}

static void summarize_param_stores(Bck *k) {
  Body *b = k->b;
  FnDecl *f = b->fn;
  if (!f || !f->is_closure || !f->stores_param_of || b->nparams < 2) return;
  uint64_t *taint = arena_alloc(sizeof(uint64_t) * b->locals.len);
  int *cap_of = arena_alloc(sizeof(int) * b->locals.len);
  bool *reported = arena_alloc(f->nparams + 1);
  for (int l = 0; l < b->locals.len; l++) cap_of[l] = -1;
  for (int l = 2; l <= b->nparams && l - 2 < 64; l++)
    if (type_has_refs(local_ty(k, l))) taint[l] = 1ull << (l - 2);
  for (bool changed = true; changed;) {
    changed = false;
    for (int i = 0; i < b->blocks.len; i++) {
      BasicBlock *bb = &b->blocks.data[i];
      for (int j = 0; j < bb->stmts.len; j++) {
        MirStmt *st = &bb->stmts.data[j];
        if (st->kind != STMT_ASSIGN) continue;
        int l = st->place.local;
        if (!st->place.nproj && cap_of[l] < 0 && st->rv.kind == RV_REF && st->rv.mut) {
          int c = param_store_capture(k, cap_of, st->rv.place);
          if (c >= 0) cap_of[l] = c, changed = true;
        }
        if (!st->place.nproj && cap_of[l] < 0 && st->rv.kind == RV_USE && st->rv.a.kind != OPND_CONST && !st->rv.a.place.nproj &&
            cap_of[st->rv.a.place.local] >= 0)
          cap_of[l] = cap_of[st->rv.a.place.local], changed = true;
        uint64_t t = type_has_refs(place_type(k, st->place)) ? rvalue_taint(taint, &st->rv) : 0;
        if (t & ~taint[l]) taint[l] |= t, changed = true;
      }
      Terminator *t = &bb->term;
      if (t->kind != TERM_CALL || !type_has_refs(place_type(k, t->dest))) continue;
      uint64_t in = 0;
      for (int a = 0; a < t->nargs; a++) in |= operand_taint(taint, &t->args[a]);
      if (in & ~taint[t->dest.local]) taint[t->dest.local] |= in, changed = true;
    }
  }
  for (int i = 0; i < b->blocks.len; i++) {
    BasicBlock *bb = &b->blocks.data[i];
    for (int j = 0; j < bb->stmts.len; j++) {
      MirStmt *st = &bb->stmts.data[j];
      int c = st->kind == STMT_ASSIGN && st->place.nproj ? param_store_capture(k, cap_of, st->place) : -1;
      uint64_t t = c >= 0 ? rvalue_taint(taint, &st->rv) : 0;
      if (t) note_param_store(k, c, t, st->span, reported);
    }
    Terminator *t = &bb->term;
    if (t->kind != TERM_CALL) continue;
    for (int a = 0; a < t->nargs; a++) {
      Operand *o = &t->args[a];
      Type *at = ty_resolve(o->ty);
      int c = o->kind != OPND_CONST && !o->place.nproj ? cap_of[o->place.local] : -1;
      if (c < 0 || at->kind != TY_REF || !at->mut || !type_has_refs(at->inner)) continue;
      uint64_t in = 0;
      for (int j = 0; j < t->nargs; j++)
        if (j != a && may_store(t, a, j)) in |= operand_taint(taint, &t->args[j]);
      if (in) note_param_store(k, c, in, t->span, reported);
    }
  }
}

static void find_return_writes(Bck *k) {
  Body *b = k->b;
  State *s = work_state(k);
  k->ret_span = arena_alloc(sizeof(Span) * k->nloans);
  memset(k->ret_span, 0, sizeof(Span) * k->nloans);
  k->store_span = arena_alloc(sizeof(Span) * k->nloans);
  memset(k->store_span, 0, sizeof(Span) * k->nloans);
  k->store_by_call = arena_alloc(k->nloans + 1);
  memset(k->store_by_call, 0, k->nloans + 1);
  for (int bi = 0; bi < b->blocks.len; bi++) {
    BasicBlock *bb = &b->blocks.data[bi];
    if (bb->is_cleanup || !k->entry_set[bi]) continue;
    load_entry(s, bi);
    ScratchMark mark = scratch_mark();  // the transfers' temporary sets
    for (int j = 0; j < bb->stmts.len; j++) {
      MirStmt *st = &bb->stmts.data[j];
      stmt_transfer(s, st, k->loan_at[bi][j]);
      if (st->kind == STMT_ASSIGN && st->place.local == 0) note_return_write(k, s, st->span);
      if (st->kind == STMT_ASSIGN && st->place.nproj) note_stored(k, s, st->span, false);
    }
    term_transfer(s, &bb->term);
    if (bb->term.kind == TERM_CALL && bb->term.dest.local == 0) note_return_write(k, s, bb->term.span);
    if (bb->term.kind == TERM_CALL) note_stored(k, s, bb->term.span, true), note_kept_by_shared_receiver(k, &bb->term);
    scratch_release(mark);
  }
}

static void check_blocks(Bck *k) {
  Body *b = k->b;
  State *s = work_state(k);
  Word *live = bits_new(k->lwords), *after = NULL;  // live after each statement of the block
  int cap = 0;
  bool closure = b->fn && b->fn->is_closure && b->fn->stores_borrow_of;
  for (int bi = 0; bi < b->blocks.len; bi++) {
    BasicBlock *bb = &b->blocks.data[bi];
    if (bb->is_cleanup || !k->entry_set[bi]) continue;
    // Live after each statement: a backward walk from the block's end.
    int n = bb->stmts.len;
    if (n + 1 > cap) cap = 2 * (n + 1), after = bits_new(k->lwords * cap);  // reused: a block's need not stay
    memset(live, 0, sizeof(Word) * k->lwords);
    int ns;
    const int *succ = successors(&bb->term, &ns);
    for (int i = 0; i < ns; i++)
      if (succ[i] >= 0) bits_or(live, k->live_in + (size_t)k->lwords * succ[i], k->lwords);
    memcpy(after + (size_t)k->lwords * n, live, sizeof(Word) * k->lwords);  // after the terminator
    term_live(k, live, bi);
    for (int j = n - 1; j >= 0; j--) {
      memcpy(after + (size_t)k->lwords * j, live, sizeof(Word) * k->lwords);
      stmt_live(k, live, &bb->stmts.data[j]);
    }
    load_entry(s, bi);
    ScratchMark mark = scratch_mark();  // the transfers' and checks' temporary sets
    for (int j = 0; j < n; j++) {
      MirStmt *st = &bb->stmts.data[j];
      Point pt = {k, bi, j, s->sets, after + (size_t)k->lwords * j, st->kind == STMT_ASSIGN && !st->place.nproj ? st->place.local : -1, NULL};
      check_stmt(&pt, st);
      if (closure && st->kind == STMT_ASSIGN && st->place.nproj) note_capture_stores(k, s, st, k->loan_at[bi][j]);
      stmt_transfer(s, st, k->loan_at[bi][j]);
      if (st->kind == STMT_ASSIGN && st->place.local == 0) check_returned_regions(k, s, st->span), check_fnmut_escape(k, s, st->span);
      if (st->kind == STMT_ASSIGN && st->place.nproj) check_stored_regions(k, s, st->span, false);
    }
    Point pt = {k, bi, n, s->sets, after + (size_t)k->lwords * n,
                bb->term.kind == TERM_CALL && !bb->term.dest.nproj ? bb->term.dest.local : -1, NULL};
    check_term(&pt, &bb->term);
    if (bb->term.kind == TERM_RETURN) check_return(k, s);
    if (closure && bb->term.kind == TERM_CALL) note_capture_call_stores(k, s, &bb->term);
    term_transfer(s, &bb->term);
    if (bb->term.kind == TERM_CALL && bb->term.dest.local == 0) check_returned_regions(k, s, bb->term.span), check_fnmut_escape(k, s, bb->term.span);
    if (bb->term.kind == TERM_CALL) check_stored_regions(k, s, bb->term.span, true);
    scratch_release(mark);
  }
}

// ---------------------------------------------------------------------------------------------
// Mutability through references: `&mut *r` and `*r = v` need r to be a `&mut` (E0596, E0594).
// (A `mut`-less variable borrowed `&mut` or assigned is sema's error.) A closure's captures are
// left alone: rustc captures a `&mut` it only writes through as a unique borrow, which trc's
// environment holds as the reborrow `&mut *r` (or as `& &mut T` when it also needs r itself).

// The last shared reference a place is reached through: the index of its deref, or -1. A
// `&mut` behind a `&` gives no write access either (`**r = y` with `r: &&mut String`).
static int shared_deref(Bck *k, Place p) {
  int at = -1;
  for (int i = 0; i < p.nproj; i++) {
    if (p.proj[i].kind != PROJ_DEREF) continue;
    Type *t = ty_resolve(type_before(k, p, i));
    if ((t->kind == TY_REF || t->kind == TY_ITER || t->kind == TY_PTR) && !t->mut) at = i;
  }
  return at;
}

// A closure, a `dyn Fn*` or a type parameter bound by one: what `f()` borrows to call.
static bool is_callable(Bck *k, Type *t) {
  t = ty_callable(t);
  if (t->kind == TY_CLOSURE) return true;
  if (t->kind == TY_DYN) return t->principal && is_fn_trait(t->principal->trait);
  return k->b->fn && (t->kind == TY_PARAM || t->kind == TY_OPAQUE) && mir_param_fn_trait(k->b->fn, t);
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
      Diag *d;
      if (!rname && ref.nproj == 0 && !b->locals.data[ref.local].name) {
        // Through a reference a call returned (`*s.get() = 5`), or Index::index did (`map[k]
        // = v`: rustc names the indexed type).
        Type *indexed = NULL;
        for (int ci = 0; ci < b->blocks.len && !indexed; ci++) {
          Terminator *t = &b->blocks.data[ci].term;
          if (t->kind == TERM_CALL && t->dest.local == ref.local && !t->dest.nproj && t->callee.kind == CALLEE_TRAIT &&
              t->callee.trait && !strcmp(t->callee.trait->name, "Index"))
            indexed = t->callee.self_ty;
        }
        if (indexed)
          d = borrow ? diag_error(st->span, "E0596", "cannot borrow data in an index of `%s` as mutable", ty_name(indexed))
                     : diag_error(st->span, "E0594", "cannot assign to data in an index of `%s`", ty_name(indexed));
        else
          d = borrow ? diag_error(st->span, "E0596", "cannot borrow data in a `&` reference as mutable")
                     : diag_error(st->span, "E0594", "cannot assign to data in a `&` reference");
        diag_label(d, borrow ? "cannot borrow as mutable" : "cannot assign");
        diag_defer(d, DEFER_MUTABILITY);
        continue;
      }
      if (!what || !rname) continue;
      // `r[0] = 2` with `r: &Vec<i32>`: rustc's IndexMut::index_mut(&mut *r) is the borrow it
      // reports, of the Vec behind the reference (E0596), not the assignment.
      int vec_at = -1;  // the Vec's deref, past the reference's
      for (int i = at + 1; i < p.nproj && vec_at < 0; i++) {
        TypeKind tk = ty_resolve(type_before(k, p, i))->kind;
        if (p.proj[i].kind == PROJ_DEREF && (tk == TY_VEC || tk == TY_STRING)) vec_at = i;
      }
      if (!borrow && vec_at >= 0) {
        Place vec = {p.local, p.proj, vec_at};
        const char *vname = describe(k, vec);
        if (vname) {
          d = diag_error(st->span, "E0596", "cannot borrow `%s` as mutable, as it is behind a `&` reference", vname);
          diag_label(d, "`%s` is a `&` reference, so it cannot be borrowed as mutable", rname);
          diag_defer(d, DEFER_MUTABILITY);
          continue;
        }
      }
      if (ty_resolve(type_before(k, p, at))->kind == TY_PTR) {  // `&mut *p`, `*p = 5` of a `*const`
        d = borrow ? diag_error(st->span, "E0596", "cannot borrow `%s` as mutable, as it is behind a `*const` pointer", what)
                   : diag_error(st->span, "E0594", "cannot assign to `%s`, which is behind a `*const` pointer", what);
        diag_label(d, "`%s` is a `*const` pointer, so it cannot be %s", rname, borrow ? "borrowed as mutable" : "written to");
      } else if (borrow) {
        d = diag_error(st->span, "E0596", "cannot borrow `%s` as mutable, as it is behind a `&` reference", what);
        if (st->rv.autoref && is_callable(k, place_type(k, p)))  // `f()` of `f: &dyn FnMut()`
          diag_label(d, "`%s` is a `&` reference, so it cannot be borrowed as mutable", rname);
        else
          diag_label(d, "`%s` is a `&` reference, so the data it refers to cannot be borrowed as mutable", rname);
      } else {
        d = diag_error(st->span, "E0594", "cannot assign to `%s`, which is behind a `&` reference", what);
        diag_label(d, "`%s` is a `&` reference, so the data it refers to cannot be written", rname);
      }
      diag_defer(d, DEFER_MUTABILITY);
    }
  }
}

// A method's receiver or a called FnMut closure borrowed `&mut` out of a variable not declared
// `mut` (an explicit `&mut v` is sema's to report): E0596, one error per variable, as rustc.
static bool owned_by_local(Bck *k, Place p) {
  for (int i = 0; i < p.nproj; i++) {
    TypeKind owner = ty_resolve(type_before(k, p, i))->kind;  // a Box, Vec or String owns what it derefs to
    if (p.proj[i].kind == PROJ_DEREF && owner != TY_BOX && owner != TY_VEC && owner != TY_STRING) return false;
  }
  return true;
}

static void report_not_mut(Bck *k, int l, MirStmt **uses, int n) {
  const char *name = k->b->locals.data[l].name;
  Place p = uses[0]->rv.place;
  const char *what = describe(k, p);
  Span at0 = uses[0]->place_span.hi ? uses[0]->place_span : uses[0]->span;
  Diag *d;
  if (p.nproj && what && strcmp(what, name)) d = diag_error(n > 1 ? k->b->locals.data[l].span : at0, "E0596", "cannot borrow `%s` as mutable, as `%s` is not declared as mutable", what, name);
  else d = diag_error(n > 1 ? k->b->locals.data[l].span : at0, "E0596", "cannot borrow `%s` as mutable, as it is not declared as mutable", name);
  if (n > 1) diag_label(d, "not mutable");
  for (int i = 0; i < n; i++) {
    Span at = uses[i]->place_span.hi ? uses[i]->place_span : uses[i]->span;
    if (n > 1) diag_secondary(d, at, "cannot borrow as mutable");
    else diag_label(d, "cannot borrow as mutable");
  }
  Type *t = ty_resolve(local_ty(k, l));
  for (int i = 0; t->kind == TY_CLOSURE && i < t->closure->ncaptures; i++)
    if (t->closure->captures[i].mut_use && t->closure->captures[i].span.hi) {
      diag_secondary(d, t->closure->captures[i].span, "calling `%s` requires mutable binding due to mutable borrow of `%s`", name,
                     t->closure->captures[i].local->name);
      break;
    }
  diag_help(d, "consider changing this to be mutable: `mut %s`", name);
  diag_defer(d, DEFER_MUTABILITY);
}

// Whether a `&mut` of local l needs l declared `mut`: a named variable; a closure only when its
// body changes what it captured (FnMut), else it is called through `&`.
static bool needs_mut_binding(Bck *k, int l) {
  MirLocal *ml = &k->b->locals.data[l];
  if (!ml->name || ml->mut) return false;
  Type *ct = ty_resolve(ml->ty);
  if (ct->kind != TY_CLOSURE) return true;
  for (int i = 0; i < ct->closure->ncaptures; i++)
    if (ct->closure->captures[i].mut_use) return true;
  return false;
}

static void check_binding_mutability(Bck *k) {
  Body *b = k->b;
  if (b->fn && b->fn->is_closure) return;
  // One pass over the statements; the offending borrows (rare) are then grouped per variable.
  VEC(MirStmt *) bad = {0};
  for (int bi = 0; bi < b->blocks.len; bi++) {
    BasicBlock *bb = &b->blocks.data[bi];
    for (int j = 0; !bb->is_cleanup && j < bb->stmts.len; j++) {
      MirStmt *st = &bb->stmts.data[j];
      if (st->kind == STMT_ASSIGN && st->rv.kind == RV_REF && st->rv.mut && (st->rv.autoref || st->rv.binding) && needs_mut_binding(k, st->rv.place.local) &&
          owned_by_local(k, st->rv.place))
        vec_push(&bad, st);
    }
  }
  VEC(MirStmt *) uses = {0};
  for (int i = 0; i < bad.len; i++) {
    int l = bad.data[i]->rv.place.local;
    bool first = true;
    for (int e = 0; e < i && first; e++) first = bad.data[e]->rv.place.local != l;
    if (!first) continue;
    uses.len = 0;
    for (int e = i; e < bad.len; e++)
      if (bad.data[e]->rv.place.local == l) vec_push(&uses, bad.data[e]);
    report_not_mut(k, l, uses.data, uses.len);
  }
}

// ---------------------------------------------------------------------------------------------
// The pass

static void collect_loans(Bck *k) {
  Body *b = k->b;
  k->origin = arena_alloc(sizeof(int) * k->nlocals);
  for (int l = 0; l < k->nlocals; l++) k->origin[l] = -1;
  for (int bi = 0; bi < b->blocks.len; bi++)
    for (int j = 0; j < b->blocks.data[bi].stmts.len; j++) {
      MirStmt *st = &b->blocks.data[bi].stmts.data[j];
      Rvalue *rv = &st->rv;
      if (st->kind != STMT_ASSIGN || st->place.nproj || b->locals.data[st->place.local].name) continue;
      if ((rv->kind == RV_USE || rv->kind == RV_CAST) && rv->a.kind != OPND_CONST && !rv->a.place.nproj && borrowed_ptr(rv->a.ty))
        k->origin[st->place.local] = rv->a.place.local;
    }
  k->loan_at = arena_alloc(sizeof(int *) * b->blocks.len);
  for (int bi = 0; bi < b->blocks.len; bi++) {
    BasicBlock *bb = &b->blocks.data[bi];
    k->loan_at[bi] = arena_alloc(sizeof(int) * (bb->stmts.len + 1));
    for (int j = 0; j < bb->stmts.len; j++) {
      MirStmt *st = &bb->stmts.data[j];
      k->loan_at[bi][j] = -1;
      if (st->kind == STMT_ASSIGN && st->rv.kind == RV_CAST && !bb->is_cleanup) {
        Params ps = unsized_params(k, st);
        for (int i = 0; i < ps.n; i++) {
          if (!i) k->loan_at[bi][j] = k->loans.len;
          vec_push(&k->loans, ((Loan){.place = {.local = -1}, .param = ps.p[i], .nparams = i ? 0 : ps.n, .span = st->span, .holder = -1, .owner = -1}));
        }
      }
      if (st->kind != STMT_ASSIGN || st->rv.kind != RV_REF || bb->is_cleanup) continue;
      Place p = st->rv.capture ? st->rv.captured : st->rv.place;
      if (st->rv.raw || through_raw(k, p)) continue;
      Loan ln = {.place = p, .mut = st->rv.mut, .two_phase = st->rv.two_phase, .autoref = st->rv.autoref, .capture = st->rv.capture, .closure = st->rv.closure, .unique = st->rv.unique, .fields = st->rv.capture_fields, .span = st->span,
                 .holder = st->place.nproj ? -1 : st->place.local, .owner = through_ref(k, p) ? -1 : p.local};
      if (ln.capture) ln.use_span = capture_use(bb, j);
      ln.shared_deref = through_shared_ref(k, p);
      k->loan_at[bi][j] = k->loans.len;
      vec_push(&k->loans, ln);
    }
  }
  k->nloans = k->loans.len;
}

// Bodies past this many (holding locals x loans) bits in the State being worked on are not
// checked: 64 MiB. (A body of 5,000 `println!`s has 20,000 temporary references and as many
// loans: 50 MiB, and is checked in 0.8 s.)
#define BCK_MAX_BITS ((size_t)1 << 29)

// A value of type t may hold a loan: it has a reference in it, or names a lifetime (a struct
// with a lifetime parameter, `Foo<'a>` holding a PhantomData<&'a T>).
static bool may_hold_loans(Type *t) { return type_has_refs(t) || names_lifetime(t, 0); }

// The sets of a State (see "Sets" and "Fields apart").
static void assign_sets(Bck *k) {
  k->set_of = arena_alloc(sizeof(int) * k->nlocals);
  k->field_base = arena_alloc(sizeof(int) * k->nlocals);
  k->none = bits_new(k->words);
  k->span_of = arena_alloc(sizeof(int) * k->nlocals);
  k->nsets = 1;
  for (int l = 0; l < k->nlocals; l++) {
    k->set_of[l] = may_hold_loans(local_ty(k, l)) ? k->nsets++ : -1;
    int n = holds(k, l) ? split_fields(local_ty(k, l)) : 0;
    k->span_of[l] = 1 + n;
    k->field_base[l] = n ? k->nsets : -1;
    k->nsets += n;
  }
  k->lwords = (k->nsets + 63) / 64;
  k->set_local = arena_alloc(sizeof(int) * k->nsets);
  k->set_local[0] = -1;
  for (int l = 0; l < k->nlocals; l++)
    for (int j = 0; holds(k, l) && j < k->span_of[l]; j++) k->set_local[k->set_of[l] + j] = l;
}

// ---------------------------------------------------------------------------------------------
// What a closure's result is made of
//
// A closure's result may hold a borrow of what the closure captured (`|| &limit`), and the
// borrow checker of the function it is written in then lets the result keep the captures'
// loans. Often it is made of its arguments alone: `self.next.map(|node| { self.next = ..;
// &node.elem })` returns a borrow of the node, not of `self`, which the closure borrowed to
// assign. rustc knows this from the closure's inferred signature; trc follows the values: a
// local whose type can hold a reference is made of the environment (local 1) when it is
// assigned from a place of one that is, by reference, or by use or call argument of a value
// that can hold one itself (a number copied out of a capture carries no borrow), and the
// closure is env-free when the return place is not. Closures are checked before the functions they are in (lower_crate).

static Type *body_place_type(Body *b, Place p) { return p.nproj ? p.proj[p.nproj - 1].ty : b->locals.data[p.local].ty; }

// A value read from the environment carries a borrow of it only if its type can hold one: the
// `k` of `|n| (n, k)`, an i32 copied out of a captured reference, carries none.
static bool reads_env(Body *b, bool *env, Operand *o) {
  return o->kind != OPND_CONST && env[o->place.local] && type_has_refs(body_place_type(b, o->place));
}

static bool rvalue_reads_env(Body *b, bool *env, Rvalue *rv) {
  if (rv->kind == RV_DISCRIMINANT || rv->kind == RV_LEN) return false;  // numbers
  if (rv->kind == RV_REF) return env[rv->place.local];
  if (reads_env(b, env, &rv->a) || reads_env(b, env, &rv->b)) return true;
  for (int i = 0; i < rv->nops; i++)
    if (reads_env(b, env, &rv->ops[i])) return true;
  return false;
}

static void summarize_closure_result(Body *b) {
  FnDecl *f = b->fn;
  if (!f || !f->is_closure || b->locals.len < 2) return;
  bool *env = arena_alloc(b->locals.len);
  memset(env, 0, b->locals.len);
  env[1] = true;
  for (bool changed = true; changed;) {
    changed = false;
    for (int i = 0; i < b->blocks.len; i++) {
      BasicBlock *bb = &b->blocks.data[i];
      for (int j = 0; j < bb->stmts.len; j++) {
        MirStmt *st = &bb->stmts.data[j];
        if (st->kind != STMT_ASSIGN || env[st->place.local] || !type_has_refs(b->locals.data[st->place.local].ty)) continue;
        if (!rvalue_reads_env(b, env, &st->rv)) continue;
        env[st->place.local] = changed = true;
      }
      Terminator *t = &bb->term;
      if (t->kind != TERM_CALL || env[t->dest.local] || !type_has_refs(b->locals.data[t->dest.local].ty)) continue;
      for (int k = 0; k < t->nargs; k++)
        if (reads_env(b, env, &t->args[k])) env[t->dest.local] = changed = true;
    }
  }
  f->ret_env_free = !env[0];
}

// Which local holds which closure value, made here or moved from one that does (closure_local).
static void find_made_closures(Bck *k) {
  Body *b = k->b;
  k->made_closure = arena_alloc(sizeof(Rvalue *) * (b->locals.len + 1));
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < b->blocks.len; i++)
      for (int j = 0; j < b->blocks.data[i].stmts.len; j++) {
        MirStmt *st = &b->blocks.data[i].stmts.data[j];
        if (st->kind != STMT_ASSIGN || st->place.nproj) continue;
        Rvalue *rv = &st->rv;
        if (made_closure(rv)) k->made_closure[st->place.local] = rv;
        else if (rv->kind == RV_USE && rv->a.kind != OPND_CONST && !rv->a.place.nproj && k->made_closure[rv->a.place.local])
          k->made_closure[st->place.local] = k->made_closure[rv->a.place.local];
      }
}

// The loans by a local of each (key[i]: loan i's, or -1), a counting sort: what a statement's
// checks look at, rather than every loan of the body.
static LoanIndex index_loans(Bck *k, const int *key) {
  LoanIndex x = {arena_alloc(sizeof(int) * (k->nlocals + 2)), arena_alloc(sizeof(int) * (k->nloans + 1))};
  memset(x.start, 0, sizeof(int) * (k->nlocals + 2));
  for (int i = 0; i < k->nloans; i++)
    if (key[i] >= 0) x.start[key[i] + 2]++;
  for (int l = 0; l < k->nlocals; l++) x.start[l + 2] += x.start[l + 1];
  for (int i = 0; i < k->nloans; i++)
    if (key[i] >= 0) x.loan[x.start[key[i] + 1]++] = i;
  return x;
}

static void index_loans_by_local(Bck *k) {
  int *place = scratch_alloc(sizeof(int) * (k->nloans + 1)), *holder = scratch_alloc(sizeof(int) * (k->nloans + 1));
  for (int i = 0; i < k->nloans; i++) place[i] = k->loans.data[i].place.local, holder[i] = k->loans.data[i].holder;
  k->of_local = index_loans(k, place);
  k->held_by = index_loans(k, holder);
}

static void check_body_borrows(Body *b) {
  summarize_closure_result(b);
  reset_capture_summary(b->fn);
  Bck k = {.b = b, .nlocals = b->locals.len, .activating = -1};
  collect_loans(&k);
  collect_universal(&k);
  check_mutability(&k);
  check_binding_mutability(&k);
  summarize_param_stores(&k);
  if (!k.nloans) return;
  find_made_closures(&k);
  k.words = (k.nloans + 63) / 64;
  index_loans_by_local(&k);
  assign_sets(&k);
  if ((size_t)k.nsets * k.words * 64 > BCK_MAX_BITS) return;
  k.reported = arena_alloc(k.nloans);
  memset(k.reported, 0, k.nloans);
  find_moved_out_drops(&k);
  compute_liveness(&k);
  compute_loan_sets(&k);
  find_return_writes(&k);
  find_always_live(&k);
  check_blocks(&k);
}

void mir_borrowck(Body *b) {
  if (!b->blocks.len) return;
  ScratchMark mark = scratch_mark();
  check_body_borrows(b);
  scratch_release(mark);
}
