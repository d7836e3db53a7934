// types.c — interned semantic types.
//
// Every type the checker and codegen talk about is built through the constructors here, which
// look the type up in one hash table before creating it. Two types are therefore equal exactly
// when their pointers are equal, which keeps unification, impl lookup and instance keys cheap
// and simple. The one exception is the inference variable (TY_VAR): each is a fresh object that
// is never interned, and `ty_zonk` rebuilds a type once its variables are solved.
#include "sema/sema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Type *ty_unit, *ty_bool, *ty_char, *ty_str, *ty_never, *ty_string;
Type *ty_i8, *ty_i16, *ty_i32, *ty_i64, *ty_isize, *ty_u8, *ty_u16, *ty_u32, *ty_u64, *ty_usize;
Type *ty_i128, *ty_u128;
Type *ty_f32, *ty_f64;

#define FIRST_BUCKETS 4096
static Type **buckets;
static size_t nbuckets, ntypes;
#define KINDS_KNOWN ((uint64_t)1 << 63)
#define KIND_BIT(k) ((uint64_t)1 << (k))
static int next_var_id;

static uint32_t mix(uint32_t h, uintptr_t v) {
  h ^= (uint32_t)v + 0x9e3779b9u + (h << 6) + (h >> 2);
  h ^= (uint32_t)(v >> 32);
  return h;
}

static uint32_t hash_type(Type *t) {
  uint32_t h = mix(17, t->kind);
  h = mix(h, t->bits);
  h = mix(h, t->is_signed | t->is_size << 1 | t->mut << 2);
  h = mix(h, (uintptr_t)t->inner);
  h = mix(h, t->len);
  for (int i = 0; i < t->nargs; i++) h = mix(h, (uintptr_t)t->args[i]);
  h = mix(h, (uintptr_t)t->ret);
  h = mix(h, (uintptr_t)t->sdecl);
  if (t->principal) {
    h = mix(h, (uintptr_t)t->principal->trait);
    for (int i = 0; i < t->principal->nargs; i++) h = mix(h, (uintptr_t)t->principal->args[i]);
    for (int i = 0; i < t->principal->nassoc; i++) h = mix(h, (uintptr_t)t->principal->assoc_types[i]);
  }
  for (int i = 0; i < t->nautos; i++) h = mix(h, (uintptr_t)t->autos[i]);
  h = mix(h, (uintptr_t)t->name);
  h = mix(h, (uintptr_t)t->assoc_trait);
  h = mix(h, (uintptr_t)t->closure);
  h = mix(h, (uintptr_t)t->opaque);
  h = mix(h, t->index);
  return h;
}

bool traitref_eq(TraitRef *a, TraitRef *b) {
  if (a == b) return true;
  if (!a || !b || a->trait != b->trait || a->nargs != b->nargs || a->nassoc != b->nassoc) return false;
  for (int i = 0; i < a->nargs; i++)
    if (a->args[i] != b->args[i]) return false;
  for (int i = 0; i < a->nassoc; i++)
    if (a->assoc_names[i] != b->assoc_names[i] || a->assoc_types[i] != b->assoc_types[i]) return false;
  return true;
}

static bool same_type(Type *a, Type *b) {
  if (a->kind != b->kind || a->bits != b->bits || a->is_signed != b->is_signed ||
      a->is_size != b->is_size || a->mut != b->mut || a->inner != b->inner || a->len != b->len ||
      a->nargs != b->nargs || a->ret != b->ret || a->sdecl != b->sdecl || a->nautos != b->nautos ||
      a->name != b->name || a->index != b->index || a->assoc_trait != b->assoc_trait || a->closure != b->closure ||
      a->opaque != b->opaque)
    return false;
  for (int i = 0; i < a->nargs; i++)
    if (a->args[i] != b->args[i]) return false;
  for (int i = 0; i < a->nautos; i++)
    if (a->autos[i] != b->autos[i]) return false;
  return traitref_eq(a->principal, b->principal);
}

// Looks the candidate up; returns the canonical copy (the candidate itself if new).
static bool any_kind(Type *t, TypeKind k);

// The kinds found in an interned type, walked as any_kind walks it, so that ty_has_vars,
// ty_has_params and the like answer most questions without a walk: they were a tenth of
// checking a large program. An inference variable inside may be bound later to anything,
// so a type holding one has TY_VAR's bit and is walked. (A variable itself is not interned and
// has no mask: KINDS_KNOWN is clear.)
static uint64_t kinds_of(Type *t) {
  if (!t) return 0;
  if (!(t->kinds_within & KINDS_KNOWN)) return KIND_BIT(TY_VAR);  // (a variable)
  return t->kinds_within;
}

static uint64_t kinds_within(Type *t) {
  uint64_t m = KINDS_KNOWN | KIND_BIT(t->kind) | kinds_of(t->inner) | kinds_of(t->ret);
  for (int i = 0; i < t->nargs; i++) m |= kinds_of(t->args[i]);
  if (t->principal) {
    for (int i = 0; i < t->principal->nargs; i++) m |= kinds_of(t->principal->args[i]);
    for (int i = 0; i < t->principal->nassoc; i++) m |= kinds_of(t->principal->assoc_types[i]);
  }
  return m;
}

// The table doubles when it holds twice as many types as buckets: a large program interns
// hundreds of thousands.
static void grow_buckets(void) {
  size_t n = nbuckets * 2;
  Type **b = arena_alloc(sizeof(Type *) * n);
  for (size_t i = 0; i < nbuckets; i++)
    for (Type *t = buckets[i], *next; t; t = next) {
      next = t->next_in_bucket;
      t->next_in_bucket = b[t->hash & (n - 1)];
      b[t->hash & (n - 1)] = t;
    }
  buckets = b, nbuckets = n;
}

static Type *intern_type(Type *cand) {
  uint32_t h = hash_type(cand);
  for (Type *t = buckets[h & (nbuckets - 1)]; t; t = t->next_in_bucket)
    if (t->hash == h && same_type(t, cand)) return t;
  if (++ntypes > 2 * nbuckets) grow_buckets();
  Type *t = arena_alloc(sizeof *t);
  *t = *cand;
  if (cand->nargs) {
    t->args = arena_alloc(sizeof(Type *) * cand->nargs);
    copy_bytes(t->args, cand->args, sizeof(Type *) * cand->nargs);
  }
  t->hash = h;
  t->kinds_within = kinds_within(t);
  t->next_in_bucket = buckets[h & (nbuckets - 1)];
  buckets[h & (nbuckets - 1)] = t;
  return t;
}

static Type *mk_simple(TypeKind k) {
  Type c = {.kind = k};
  return intern_type(&c);
}

static Type *mk_int(int bits, bool is_signed, bool is_size) {
  Type c = {.kind = TY_INT, .bits = bits, .is_signed = is_signed, .is_size = is_size};
  return intern_type(&c);
}

void types_init(void) {
  // Start from an empty table: a previous compilation's types died with its arena.
  nbuckets = FIRST_BUCKETS, ntypes = 0;
  buckets = arena_alloc(sizeof(Type *) * nbuckets);
  next_var_id = 0;
  ty_unit = mk_simple(TY_UNIT);
  ty_bool = mk_simple(TY_BOOL);
  ty_char = mk_simple(TY_CHAR);
  ty_str = mk_simple(TY_STR);
  ty_never = mk_simple(TY_NEVER);
  ty_string = mk_simple(TY_STRING);
  ty_i8 = mk_int(8, true, false);
  ty_i16 = mk_int(16, true, false);
  ty_i32 = mk_int(32, true, false);
  ty_i64 = mk_int(64, true, false);
  ty_isize = mk_int(64, true, true);
  ty_u8 = mk_int(8, false, false);
  ty_u16 = mk_int(16, false, false);
  ty_u32 = mk_int(32, false, false);
  ty_u64 = mk_int(64, false, false);
  ty_usize = mk_int(64, false, true);
  ty_i128 = mk_int(128, true, false);
  ty_u128 = mk_int(128, false, false);
  Type f = {.kind = TY_FLOAT, .bits = 64};
  ty_f64 = intern_type(&f);
  f.bits = 32;
  ty_f32 = intern_type(&f);
}

static Type *mk_inner(TypeKind k, Type *inner, bool mut) {
  Type c = {.kind = k, .inner = inner, .mut = mut};
  return intern_type(&c);
}

Type *ty_ref(Type *inner, bool mut) { return mk_inner(TY_REF, inner, mut); }
Type *ty_ptr(Type *inner, bool mut) { return mk_inner(TY_PTR, inner, mut); }
Type *ty_box(Type *inner) { return mk_inner(TY_BOX, inner, false); }
Type *ty_vec(Type *inner) { return mk_inner(TY_VEC, inner, false); }
Type *ty_slice(Type *inner) { return mk_inner(TY_SLICE, inner, false); }

Type *ty_array(Type *inner, uint64_t len) {
  Type c = {.kind = TY_ARRAY, .inner = inner, .len = len};
  return intern_type(&c);
}

Type *ty_const_val(uint64_t v) {
  Type c = {.kind = TY_CONST, .len = v};
  return intern_type(&c);
}

Type *ty_array_of(Type *inner, Type *len) {
  Type *l = ty_resolve(len);
  if (l->kind == TY_CONST) return ty_array(inner, l->len);
  Type c = {.kind = TY_ARRAY, .inner = inner, .args = &l, .nargs = 1};
  return intern_type(&c);
}

Type *ty_array_len(Type *array) { return array->nargs ? array->args[0] : ty_const_val(array->len); }

Type *ty_tuple(Type **elems, int n) {
  if (n == 0) return ty_unit;
  Type c = {.kind = TY_TUPLE, .args = elems, .nargs = n};
  return intern_type(&c);
}

Type *ty_struct(StructDecl *s, Type **args, int n) {
  Type c = {.kind = TY_STRUCT, .sdecl = s, .args = args, .nargs = n};
  return intern_type(&c);
}

static int cmp_trait_name(const void *a, const void *b) {
  return strcmp((*(TraitDecl **)a)->name, (*(TraitDecl **)b)->name);
}

Type *ty_dyn(TraitRef *principal, TraitDecl **autos, int nautos) {
  // Auto traits are a set: sort and dedupe so `dyn A + Send + Sync` == `dyn A + Sync + Send`.
  TraitDecl **sorted = arena_alloc(sizeof(TraitDecl *) * (nautos ? nautos : 1));
  copy_bytes(sorted, autos, sizeof(TraitDecl *) * nautos);
  qsort(sorted, nautos, sizeof *sorted, cmp_trait_name);
  int n = 0;
  for (int i = 0; i < nautos; i++)
    if (n == 0 || sorted[n - 1] != sorted[i]) sorted[n++] = sorted[i];
  // The TraitRef itself must be canonical for pointer-equality of the dyn type to hold.
  Type c = {.kind = TY_DYN, .principal = principal, .autos = sorted, .nautos = n};
  return intern_type(&c);
}

Type *ty_param(const char *name, int index) {
  Type c = {.kind = TY_PARAM, .name = name, .index = index};
  return intern_type(&c);
}

Type *ty_fn_q(Type **params, int n, Type *ret, int quals) {
  Type c = {.kind = TY_FN, .args = params, .nargs = n, .ret = ret, .bits = quals};
  return intern_type(&c);
}
Type *ty_fn(Type **params, int n, Type *ret) { return ty_fn_q(params, n, ret, 0); }

Type *ty_closure(FnDecl *closure, Type **args, int n) {
  Type c = {.kind = TY_CLOSURE, .closure = closure, .args = args, .nargs = n};
  return intern_type(&c);
}

Type *ty_opaque(Opaque *o, Type **args, int n) {
  Type c = {.kind = TY_OPAQUE, .opaque = o, .args = args, .nargs = n};
  return intern_type(&c);
}

Type *ty_iter(Type *elem, bool mut) {
  Type c = {.kind = TY_ITER, .inner = elem, .mut = mut};
  return intern_type(&c);
}

Type *ty_range(Type *elem, bool inclusive) {
  Type c = {.kind = TY_RANGE, .inner = elem, .len = inclusive};
  return intern_type(&c);
}

Type *ty_assoc(Type *self, TraitDecl *trait, const char *name) { return ty_assoc_args(self, trait, name, NULL, 0); }

// `<self as trait<args>>::name`: the trait's arguments keep `<f64 as Mul<V2>>::Output` apart
// from `<f64 as Mul>::Output`.
Type *ty_assoc_args(Type *self, TraitDecl *trait, const char *name, Type **args, int nargs) {
  Type c = {.kind = TY_ASSOC, .inner = self, .assoc_trait = trait, .name = name, .args = args, .nargs = nargs};
  return intern_type(&c);
}

bool ty_has_assoc(Type *t) { return any_kind(t, TY_ASSOC); }

Type *ty_new_var(int kind) {
  Type *t = arena_alloc(sizeof *t);
  t->kind = TY_VAR;
  t->var_id = next_var_id++;
  t->var_kind = kind;
  return t;
}

TraitRef *traitref_new(TraitDecl *t, Type **args, int nargs) {
  TraitRef *r = arena_alloc(sizeof *r);
  r->trait = t;
  r->args = args;
  r->nargs = nargs;
  return r;
}

Type *ty_resolve(Type *t) {
  while (t && t->kind == TY_VAR && t->binding) t = t->binding;
  return t;
}

// Rebuilds t with each child replaced by fn(child). Used by zonk and subst.
static Type *map_children(Type *t, Type *(*fn)(Type *, void *), void *ctx) {
  switch (t->kind) {
  case TY_ASSOC: {
    Type *in = fn(t->inner, ctx);
    Type **args = arena_alloc(sizeof(Type *) * (t->nargs + 1));
    bool changed = in != t->inner;
    for (int i = 0; i < t->nargs; i++) {
      args[i] = fn(t->args[i], ctx);
      changed |= args[i] != t->args[i];
    }
    return changed ? ty_assoc_args(in, t->assoc_trait, t->name, args, t->nargs) : t;
  }
  case TY_ARRAY:
    if (t->nargs) {  // the length too: a substituted parameter makes it an array of known length
      Type *in = fn(t->inner, ctx), *len = fn(t->args[0], ctx);
      return in == t->inner && len == t->args[0] ? t : ty_array_of(in, len);
    }
    // fall through
  case TY_REF: case TY_PTR: case TY_BOX: case TY_VEC: case TY_SLICE: case TY_RANGE: case TY_ITER: {
    Type *in = fn(t->inner, ctx);
    if (in == t->inner) return t;
    Type c = *t;
    c.inner = in;
    c.next_in_bucket = NULL;
    return intern_type(&c);
  }
  case TY_TUPLE: case TY_STRUCT: case TY_FN: case TY_CLOSURE: case TY_OPAQUE: {
    Type **args = arena_alloc(sizeof(Type *) * (t->nargs + 1));
    bool changed = false;
    for (int i = 0; i < t->nargs; i++) {
      args[i] = fn(t->args[i], ctx);
      changed |= args[i] != t->args[i];
    }
    Type *ret = t->ret ? fn(t->ret, ctx) : NULL;
    changed |= ret != t->ret;
    if (!changed) return t;
    if (t->kind == TY_TUPLE) return ty_tuple(args, t->nargs);
    if (t->kind == TY_STRUCT) return ty_struct(t->sdecl, args, t->nargs);
    if (t->kind == TY_CLOSURE) return ty_closure(t->closure, args, t->nargs);
    if (t->kind == TY_OPAQUE) return ty_opaque(t->opaque, args, t->nargs);
    return ty_fn_q(args, t->nargs, ret, t->bits);
  }
  case TY_DYN: {
    TraitRef *p = t->principal;
    if (!p || (!p->nargs && !p->nassoc)) return t;
    TraitRef *np = traitref_new(p->trait, arena_alloc(sizeof(Type *) * (p->nargs + 1)), p->nargs);
    bool changed = false;
    for (int i = 0; i < p->nargs; i++) {
      np->args[i] = fn(p->args[i], ctx);
      changed |= np->args[i] != p->args[i];
    }
    np->nassoc = p->nassoc;
    np->assoc_names = p->assoc_names;
    np->assoc_types = arena_alloc(sizeof(Type *) * (p->nassoc + 1));
    for (int i = 0; i < p->nassoc; i++) {
      np->assoc_types[i] = fn(p->assoc_types[i], ctx);
      changed |= np->assoc_types[i] != p->assoc_types[i];
    }
    if (!changed) return t;
    return ty_dyn(np, t->autos, t->nautos);
  }
  default:
    return t;
  }
}

Type *ty_map_children(Type *t, Type *(*fn)(Type *, void *), void *ctx) { return map_children(t, fn, ctx); }

static Type *zonk_fn(Type *t, void *ctx) {
  if (!t) return t;  // a hole left by an earlier error (a `self` of an impl that failed to resolve)
  t = ty_resolve(t);
  if (t->kind == TY_VAR) {
    // An unsolved literal variable takes Rust's fallback type; any other stays a var so the
    // checker can report "type annotations needed".
    if (t->var_kind == 1) return ty_i32;
    if (t->var_kind == 2) return ty_f64;
    return t;
  }
  return map_children(t, zonk_fn, ctx);
}

Type *ty_zonk(Type *t) { return t ? zonk_fn(t, NULL) : NULL; }

static bool any_kind(Type *t, TypeKind k) {
  t = ty_resolve(t);
  if (!t) return false;
  if (t->kind == k) return true;
  if ((t->kinds_within & KINDS_KNOWN) && !(t->kinds_within & (KIND_BIT(k) | KIND_BIT(TY_VAR)))) return false;
  if (t->inner && any_kind(t->inner, k)) return true;
  for (int i = 0; i < t->nargs; i++)
    if (any_kind(t->args[i], k)) return true;
  if (t->ret && any_kind(t->ret, k)) return true;
  if (t->principal) {
    for (int i = 0; i < t->principal->nargs; i++)
      if (any_kind(t->principal->args[i], k)) return true;
    for (int i = 0; i < t->principal->nassoc; i++)
      if (any_kind(t->principal->assoc_types[i], k)) return true;
  }
  return false;
}

bool ty_has_vars(Type *t) { return any_kind(t, TY_VAR); }
bool ty_has_params(Type *t) { return any_kind(t, TY_PARAM); }
bool ty_has_dyn(Type *t) { return any_kind(t, TY_DYN); }
bool ty_has_opaque(Type *t) { return any_kind(t, TY_OPAQUE); }


typedef struct {
  Type **args;
  int n;
} SubstCtx;

static Type *subst_fn(Type *t, void *vctx) {
  SubstCtx *c = vctx;
  t = ty_resolve(t);
  if (t->kind == TY_PARAM) return t->index < c->n && c->args[t->index] ? c->args[t->index] : t;
  return map_children(t, subst_fn, c);
}

Type *ty_subst(Type *t, Type **args, int nargs) {
  if (!t || nargs == 0) return t;
  SubstCtx c = {args, nargs};
  return subst_fn(t, &c);
}

bool ty_is_int(Type *t) {
  t = ty_resolve(t);
  return t->kind == TY_INT || (t->kind == TY_VAR && t->var_kind == 1);
}

bool ty_is_numeric(Type *t) {
  t = ty_resolve(t);
  return ty_is_int(t) || t->kind == TY_FLOAT || (t->kind == TY_VAR && t->var_kind == 2);
}

// The last field of a struct whose tail may be unsized, for these type arguments.
Type *ty_tail_field(Type *t) {
  t = ty_resolve(t);
  if (t->kind != TY_STRUCT || !t->sdecl->unsized_tail) return NULL;
  return ty_subst(t->sdecl->fields[t->sdecl->nfields - 1].type, t->args, t->nargs);
}

bool ty_is_sized(Type *t) {
  t = ty_resolve(t);
  if (t->kind == TY_STRUCT) return !t->sdecl->unsized_tail || ty_is_sized(ty_tail_field(t));
  return !(t->kind == TY_STR || t->kind == TY_SLICE || t->kind == TY_DYN);
}

Type *ty_unsized_tail(Type *t) {
  t = ty_resolve(t);
  for (int guard = 0; guard < 64 && t->kind == TY_STRUCT && !ty_is_sized(t); guard++) t = ty_resolve(ty_tail_field(t));
  return t;
}

// What an unsizing coercion from `from` to `to` turns into a trait object: the concrete type
// *src and the `dyn` type *dst, found by walking both types in step — through the pointee
// (`&Circle` to `&dyn Shape`), the one pointer field of std's Rc (`Rc<T>` to `Rc<dyn Tr>`) and
// the last fields of structs with unsized tails (`&RefCell<Circle>` to `&RefCell<dyn Tr>`).
bool ty_unsize_pair(Type *from, Type *to, Type **src, Type **dst) {
  from = ty_resolve(from), to = ty_resolve(to);
  for (int guard = 0; guard < 64; guard++) {
    if (to->kind == TY_DYN) {
      *src = from, *dst = to;
      return ty_is_sized(from) || from->kind == TY_DYN;
    }
    if (from->kind != to->kind) return false;
    if ((from->kind == TY_REF || from->kind == TY_BOX || from->kind == TY_PTR)) {
      from = ty_resolve(from->inner), to = ty_resolve(to->inner);
    } else if (from->kind == TY_STRUCT && from->sdecl == to->sdecl && from->sdecl->coerce_unsized) {
      int f = ty_pointer_field(from->sdecl);
      if (f < 0) return false;
      from = ty_resolve(ty_subst(from->sdecl->fields[f].type, from->args, from->nargs));
      to = ty_resolve(ty_subst(to->sdecl->fields[f].type, to->args, to->nargs));
    } else if (from->kind == TY_STRUCT && from->sdecl == to->sdecl && from->sdecl->unsized_tail) {
      from = ty_resolve(ty_tail_field(from)), to = ty_resolve(ty_tail_field(to));
    } else {
      return false;
    }
  }
  return false;
}

// The field of an Rc-like struct (#[rustc_coerce_unsized]) that holds its pointer: the one
// whose type is a reference, Box or Option of one to something mentioning a parameter.
int ty_pointer_field(StructDecl *s) {
  for (int i = 0; i < s->nfields; i++) {
    Type *t = ty_resolve(s->fields[i].type);
    if ((t->kind == TY_REF || t->kind == TY_BOX) && ty_has_params(t)) return i;
  }
  return -1;
}

Type *ty_pointee(Type *t) {
  t = ty_resolve(t);
  if (t->kind == TY_REF || t->kind == TY_PTR || t->kind == TY_BOX) return t->inner;
  return NULL;
}

Type *ty_seq_elem(Type *t) {
  t = ty_resolve(t);
  if (t->kind == TY_REF && (ty_resolve(t->inner)->kind == TY_SLICE || ty_resolve(t->inner)->kind == TY_ARRAY)) t = ty_resolve(t->inner);
  return t->kind == TY_VEC || t->kind == TY_SLICE || t->kind == TY_ARRAY ? ty_resolve(t->inner) : NULL;
}

bool ty_is_fat_ptr(Type *t) {
  Type *p = ty_pointee(t);
  return p && !ty_is_sized(p);
}

// Whether pred(field type) == want for some field of a struct, or of any variant of an enum.
static bool adt_any_field(Type *t, bool (*pred)(Type *), bool want) {
  StructDecl *s = t->sdecl;
  for (int v = 0; v < (s->is_enum ? s->nvariants : 1); v++) {
    FieldDecl *fields = s->is_enum ? s->variants[v].fields : s->fields;
    int n = s->is_enum ? s->variants[v].nfields : s->nfields;
    for (int i = 0; i < n; i++)
      if (pred(ty_subst(fields[i].type, t->args, t->nargs)) == want) return true;
  }
  return false;
}

// A `move` closure whose body uses one field of a variable (`move || p.name.len()`) takes that
// field only, as Rust 2021 does: p's other fields stay the function's. Not out of a type with a
// Drop impl (rustc moves the whole then), an enum, or a variable of an enclosing closure.
int capture_moved_field(FnDecl *closure, Capture *cap) {
  uint64_t f = cap->fields;
  if (!cap->by_value || cap->reborrow || cap->whole || !f || (f & (f - 1)) || cap->local->owner != closure->parent) return -1;
  Type *t = ty_resolve(cap->local->ty);
  int fi = __builtin_ctzll(f);
  if (t->kind == TY_TUPLE) return fi;
  if (t->kind != TY_STRUCT || t->sdecl->is_enum || fi >= t->sdecl->nfields) return -1;
  // Out of a type with a destructor a field cannot be moved, so the closure takes the whole
  // variable; a Copy field is only copied, and is all it takes.
  if (t->sdecl->drop_impl && !ty_is_copy(ty_subst(t->sdecl->fields[fi].type, t->args, t->nargs))) return -1;
  return fi;
}

// The type of a closure's i-th capture field: the variable's type (or its one moved field's),
// or a reference to it.
Type *closure_capture_type(Type *t, int i) {
  Capture *cap = &t->closure->captures[i];
  Type *lt = ty_subst(cap->local->ty, t->args, t->nargs);
  int f = capture_moved_field(t->closure, cap);
  if (f >= 0) {
    Type *rt = ty_resolve(lt);
    return rt->kind == TY_TUPLE ? rt->args[f] : ty_subst(rt->sdecl->fields[f].type, rt->args, rt->nargs);
  }
  return cap->by_value ? lt : ty_ref(lt, capture_is_mut(cap));
}

bool capture_is_mut(Capture *cap) {
  if (cap->reborrow) return cap->mut_use && ty_resolve(cap->local->ty)->mut;  // changes what `&mut` points to
  return cap->local->mut && (cap->by_value || cap->mut_use);
}

bool ty_is_copy(Type *t) {
  t = ty_resolve(t);
  switch (t->kind) {
  case TY_UNIT: case TY_BOOL: case TY_CHAR: case TY_INT: case TY_FLOAT: case TY_NEVER:
  case TY_PTR: case TY_FN:
    return true;
  case TY_REF:
    return !t->mut;
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++)
      if (!ty_is_copy(t->args[i])) return false;
    return true;
  case TY_ARRAY:
    return ty_is_copy(t->inner);
  case TY_CLOSURE:  // Copy when its captures are: shared references, or Copy values
    for (int i = 0; i < t->closure->ncaptures; i++)
      if (!ty_is_copy(closure_capture_type(t, i))) return false;
    return true;
  case TY_STRUCT:
    // #[derive(Copy)] on a generic type holds when its fields are Copy (rustc asks `T: Copy`).
    return t->sdecl->is_copy && !adt_any_field(t, ty_is_copy, false);
  default:
    return false;
  }
}

// std::panic::AssertUnwindSafe<F> is callable as the F it holds (std's `impl<F: FnOnce<()>>
// FnOnce<()> for AssertUnwindSafe<F>`): its one field is at its address, so the checker, MIR
// and codegen see through it to F. Anything else: NULL.
Type *ty_assert_unwind_safe_inner(Type *t) {
  t = ty_resolve(t);
  if (t->kind != TY_STRUCT || t->nargs != 1 || t->sdecl->span.file != 0 || strcmp(t->sdecl->name, "AssertUnwindSafe")) return NULL;
  return ty_resolve(t->args[0]);
}

// The callable t is: t itself, or the F of an AssertUnwindSafe<F>.
Type *ty_callable(Type *t) {
  Type *in = ty_assert_unwind_safe_inner(t);
  return in ? in : ty_resolve(t);
}

TraitDecl *ty_box_dyn_trait(Type *t) {
  t = ty_resolve(t);
  Type *in = t->kind == TY_BOX ? ty_resolve(t->inner) : NULL;
  return in && in->kind == TY_DYN && in->principal ? in->principal->trait : NULL;
}

bool ty_needs_drop(Type *t) {
  t = ty_resolve(t);
  switch (t->kind) {
  case TY_BOX: case TY_VEC: case TY_STRING:
    return true;
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++)
      if (ty_needs_drop(t->args[i])) return true;
    return false;
  case TY_ARRAY:
    return (t->len || t->nargs) && ty_needs_drop(t->inner);
  case TY_RANGE:  // `a..b` of Strings owns them
    return ty_needs_drop(t->inner);
  case TY_STRUCT:
    return t->sdecl->drop_impl || adt_any_field(t, ty_needs_drop, true);
  case TY_CLOSURE:
    for (int i = 0; i < t->closure->ncaptures; i++)
      if (ty_needs_drop(closure_capture_type(t, i))) return true;
    return false;
  case TY_PARAM: case TY_DYN: case TY_ASSOC: case TY_OPAQUE:
    return true;  // unknown until substituted; dyn values are only dropped through a vtable
  default:
    return false;
  }
}

// ---- printing types the way rustc spells them ----

typedef struct {
  char *buf;
  size_t len, cap;
  int depth, max_depth;  // ty_name_short: types nested deeper than max_depth print as `...`
} Buf;

static void put(Buf *b, const char *s) {
  size_t n = strlen(s);
  if (b->len + n + 1 > b->cap) {
    size_t cap = (b->cap ? b->cap * 2 : 64) + n;
    char *nb = arena_alloc(cap);
    if (b->len) copy_bytes(nb, b->buf, b->len);
    b->buf = nb;
    b->cap = cap;
  }
  copy_bytes(b->buf + b->len, s, n);
  b->len += n;
  b->buf[b->len] = 0;
}

static void put_type(Buf *b, Type *t);

static void put_args(Buf *b, Type **args, int n) {
  if (n == 0) return;
  put(b, "<");
  for (int i = 0; i < n; i++) {
    if (i) put(b, ", ");
    put_type(b, args[i]);
  }
  put(b, ">");
}

static void put_traitref(Buf *b, TraitRef *r) {
  put(b, r->trait->name);
  Type *args = r->nargs == 1 ? ty_resolve(r->args[0]) : NULL;
  if (r->nassoc == 1 && args && (args->kind == TY_TUPLE || args->kind == TY_UNIT) && !strcmp(r->assoc_names[0], "Output") &&
      (!strcmp(r->trait->name, "Fn") || !strcmp(r->trait->name, "FnMut") || !strcmp(r->trait->name, "FnOnce"))) {
    // The Fn traits as Rust writes them: `Fn(i64) -> i64`, `FnMut()`.
    put(b, "(");
    for (int i = 0; args->kind == TY_TUPLE && i < args->nargs; i++) {
      if (i) put(b, ", ");
      put_type(b, args->args[i]);
    }
    put(b, ")");
    if (ty_resolve(r->assoc_types[0])->kind != TY_UNIT) {
      put(b, " -> ");
      put_type(b, r->assoc_types[0]);
    }
    return;
  }
  if (r->nargs == 0 && r->nassoc == 0) return;
  put(b, "<");
  for (int i = 0; i < r->nargs; i++) {
    if (i) put(b, ", ");
    put_type(b, r->args[i]);
  }
  for (int i = 0; i < r->nassoc; i++) {
    if (i || r->nargs) put(b, ", ");
    put(b, r->assoc_names[i]);
    put(b, " = ");
    put_type(b, r->assoc_types[i]);
  }
  put(b, ">");
}

static void put_type_inner(Buf *b, Type *t);

static void put_type(Buf *b, Type *t) {
  if (b->max_depth && b->depth >= b->max_depth) {
    put(b, "...");
    return;
  }
  b->depth++;
  put_type_inner(b, t);
  b->depth--;
}

static void put_type_inner(Buf *b, Type *t) {
  t = ty_resolve(t);
  switch (t->kind) {
  case TY_UNIT: put(b, "()"); return;
  case TY_BOOL: put(b, "bool"); return;
  case TY_CHAR: put(b, "char"); return;
  case TY_STR: put(b, "str"); return;
  case TY_NEVER: put(b, "!"); return;
  case TY_STRING: put(b, "String"); return;
  case TY_INT: {
    char s[16];
    if (t->is_size) snprintf(s, sizeof s, "%csize", t->is_signed ? 'i' : 'u');
    else snprintf(s, sizeof s, "%c%d", t->is_signed ? 'i' : 'u', t->bits);
    put(b, s);
    return;
  }
  case TY_FLOAT: put(b, t->bits == 32 ? "f32" : "f64"); return;
  case TY_REF: put(b, t->mut ? "&mut " : "&"); put_type(b, t->inner); return;
  case TY_PTR: put(b, t->mut ? "*mut " : "*const "); put_type(b, t->inner); return;
  case TY_BOX: put(b, "Box<"); put_type(b, t->inner); put(b, ">"); return;
  case TY_VEC: put(b, "Vec<"); put_type(b, t->inner); put(b, ">"); return;
  case TY_SLICE: put(b, "["); put_type(b, t->inner); put(b, "]"); return;
  case TY_ARRAY:
    put(b, "[");
    put_type(b, t->inner);
    put(b, "; ");
    put_type(b, ty_array_len(t));
    put(b, "]");
    return;
  case TY_CONST: {
    char s[32];
    snprintf(s, sizeof s, "%llu", (unsigned long long)t->len);
    put(b, s);
    return;
  }
  case TY_TUPLE:
    put(b, "(");
    for (int i = 0; i < t->nargs; i++) {
      if (i) put(b, ", ");
      put_type(b, t->args[i]);
    }
    put(b, t->nargs == 1 ? ",)" : ")");
    return;
  case TY_STRUCT: put(b, t->sdecl->name); put_args(b, t->args, t->nargs); return;
  case TY_ITER: {
    put(b, arena_printf("std::slice::Iter%s<'_, %s>", t->mut ? "Mut" : "", ty_name(t->inner)));
    return;
  }
  case TY_CLOSURE: {
    int line, col;
    diag_line_col(t->closure->span, &line, &col);
    put(b, arena_printf("{closure@%s:%d:%d}", diag_file_name(t->closure->span.file), line, col));
    return;
  }
  case TY_DYN: {
    put(b, "dyn ");
    bool first = true;
    if (t->principal) {
      put_traitref(b, t->principal);
      first = false;
    }
    for (int i = 0; i < t->nautos; i++) {
      if (!first) put(b, " + ");
      put(b, t->autos[i]->name);
      first = false;
    }
    return;
  }
  case TY_PARAM: put(b, t->name); return;
  case TY_OPAQUE: {  // as rustc spells it: `impl Fn(i32) -> i32`, `impl Iterator<Item = u32>`
    int n;
    TraitRef **bs = opaque_bounds(t, &n);
    put(b, "impl ");
    for (int i = 0; i < n; i++) {
      if (i) put(b, " + ");
      const char *m = std_module_of(bs[i]->trait->span);  // `impl std::fmt::Display`
      if (m) put(b, arena_printf("std::%s::", m));
      put_traitref(b, bs[i]);
    }
    return;
  }
  case TY_VAR: put(b, t->var_kind == 1 ? "{integer}" : t->var_kind == 2 ? "{float}" : "_"); return;
  case TY_ASSOC:
    put(b, "<");
    put_type(b, t->inner);
    put(b, " as ");
    put(b, t->assoc_trait->name);
    put(b, ">::");
    put(b, t->name);
    return;
  case TY_RANGE:
    if (t->mut) put(b, "Rev<");
    put(b, t->len ? "RangeInclusive<" : "Range<");
    put_type(b, t->inner);
    put(b, t->mut ? ">>" : ">");
    return;
  case TY_FN:
    if (t->bits & FNQ_UNSAFE) put(b, "unsafe ");
    if (t->bits & FNQ_C) put(b, "extern \"C\" ");
    put(b, "fn(");
    for (int i = 0; i < t->nargs; i++) {
      if (i) put(b, ", ");
      put_type(b, t->args[i]);
    }
    put(b, ")");
    if (t->ret && t->ret->kind != TY_UNIT) {
      put(b, " -> ");
      put_type(b, t->ret);
    }
    return;
  }
}

// ty_name with everything nested deeper than max_depth elided, for types that only
// polymorphic recursion makes: `((((...,),),),)`.
const char *ty_name_short(Type *t, int max_depth) {
  Buf b = {.max_depth = max_depth};
  put_type(&b, t);
  return b.buf ? b.buf : "";
}

const char *ty_name(Type *t) {
  t = ty_resolve(t);
  if (t->kind != TY_VAR && t->display) return t->display;
  Buf b = {0};
  put_type(&b, t);
  if (!b.buf) return "";
  if (t->kind != TY_VAR && !ty_has_vars(t)) t->display = b.buf;
  return b.buf;
}

const char *traitref_name(TraitRef *r) {
  Buf b = {0};
  put_traitref(&b, r);
  return b.buf;
}
