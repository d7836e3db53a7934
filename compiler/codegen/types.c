// types.c — semantic types as LLVM types: layout, function types and the codegen caches.
//
// Layout decisions (the dispatch ABI tests depend on them):
//   - `&T`, `&mut T`, `Box<T>` with T sized are one `ptr`.
//   - `&dyn Tr`, `&mut dyn Tr`, `Box<dyn Tr>` are `{ ptr data, ptr vtable }`; `&str` and `&[T]`
//     are `{ ptr data, i64 len }`. As parameters these fat pointers are passed as two arguments.
//   - `Vec<T>` and `String` are `{ ptr, i64 cap, i64 len }`, the runtime's TrcVec.
//   - A vtable is a `private unnamed_addr constant` struct named "vtable<T as Tr>":
//     drop_in_place, size, align, then one function pointer per method. The methods are the
//     supertraits' first (depth first), each trait's in declaration order; methods with
//     `where Self: Sized` get no slot. A dyn call loads the slot at byte offset 24 + 8*i.
//   - Every type that is dropped gets one `drop_in_place<T>(ptr)` function; vtables always
//     point at one, even when it has nothing to do, so `Box<dyn Tr>` can drop blindly.
//
// Everything here is a pure function of a concrete type (cached per interned Type), so every
// other codegen file builds on it and it calls none of them.
#include "codegen/codegen_internal.h"

#include <string.h>

// ---------------------------------------------------------------------------------------------
// Small caches keyed by (Type*, TraitDecl*)

LLVMValueRef cg_cache_get(Cache *tab, Type *key, TraitDecl *trait) { return ptrmap_get(tab, key, trait); }

void cg_cache_put(Cache *tab, Type *key, TraitDecl *trait, LLVMValueRef v) { ptrmap_put(tab, key, trait, v); }

// ---------------------------------------------------------------------------------------------
// Types

// Substitution in codegen: every parameter becomes concrete, so associated types resolve too.
Type *cg_subst(Type *t, Type **args, int n) { return mono_subst(t, args, n); }

Type *cg_type_of(CG *c, Type *t) {
  if (!t) return t;
  return c->inst ? mono_subst(t, c->inst->targs, c->inst->ntargs) : mono_subst(t, NULL, 0);
}

bool cg_is_fat(Type *t) { return ty_is_fat_ptr(t); }

bool cg_returns_void(Type *t) {
  t = ty_resolve(t);
  return t->kind == TY_UNIT || t->kind == TY_NEVER;
}

static LLVMTypeRef lower_type(CG *c, Type *t);

// Struct and tuple layout. Like rustc (for types without #[repr(C)]), trc lays fields out in
// order of decreasing alignment, so `struct { a: u8, b: u32, c: u16 }` takes 8 bytes, not 12;
// the sort is stable, so equally aligned fields keep their declaration order. Only sizes are
// observable in the language (size_of), and they match rustc's for these layouts. Drop order
// is unaffected: it follows declarations, not slots.
// c->orders keeps, per type, slot_of: declaration index -> LLVM struct index.

// A struct whose last field may be unsized keeps that field last (rustc does the same), sized
// or not, so the other fields sit where they do in every instance and an unsized one's tail
// starts after them, at its alignment.
static int *field_order(CG *c, Type *t, Type **ftypes, int n) {
  int *known = ptrmap_get(&c->orders, t, NULL);
  if (known) return known;
  int *order = arena_alloc(sizeof(int) * (n + 1));   // slot -> declaration index
  int *slot_of = arena_alloc(sizeof(int) * (n + 1));
  uint64_t *align = arena_alloc(sizeof(uint64_t) * (n + 1));
  bool keep_last = t->kind == TY_STRUCT && t->sdecl->unsized_tail;
  for (int i = 0; i < n; i++) {
    order[i] = i;
    align[i] = keep_last && i == n - 1 ? 0 : LLVMABIAlignmentOfType(c->td, cg_lltype(c, ftypes[i]));
  }
  for (int i = 1; i < n - keep_last; i++)  // insertion sort: stable, and field counts are small
    for (int j = i; j > 0 && align[order[j]] > align[order[j - 1]]; j--) {
      int tmp = order[j];
      order[j] = order[j - 1];
      order[j - 1] = tmp;
    }
  for (int k = 0; k < n; k++) slot_of[order[k]] = k;
  ptrmap_put(&c->orders, t, NULL, slot_of);
  return slot_of;
}

static Type **field_types(Type *t, int *n) {
  if (t->kind == TY_TUPLE) {
    *n = t->nargs;
    return t->args;
  }
  StructDecl *s = t->sdecl;
  Type **ft = arena_alloc(sizeof(Type *) * (s->nfields + 1));
  for (int i = 0; i < s->nfields; i++) ft[i] = cg_subst(s->fields[i].type, t->args, t->nargs);
  *n = s->nfields;
  return ft;
}

int cg_field_slot(CG *c, Type *t, int field) {
  t = ty_resolve(t);
  if (t->kind == TY_CLOSURE || t->kind == TY_RANGE) return field;  // captures, or start and end, in order
  cg_lltype(c, t);  // lowering computes the order
  int *slot_of = ptrmap_get(&c->orders, t, NULL);
  if (slot_of) return slot_of[field];
  ice((Span){0}, "no field layout for `%s`", ty_name(t));
}

// The LLVM struct with fields in slot order.
static LLVMTypeRef lower_fields(CG *c, Type *t, LLVMTypeRef named) {
  int n;
  Type **ft = field_types(t, &n);
  int *slot_of = field_order(c, t, ft, n);
  if (!ty_is_sized(t)) n--;  // the unsized tail is no LLVM field: it is reached by its offset
  LLVMTypeRef *el = arena_alloc(sizeof(LLVMTypeRef) * (n + 1));
  for (int i = 0; i < n; i++) el[slot_of[i]] = cg_lltype(c, ft[i]);
  if (named) {
    LLVMStructSetBody(named, el, n, false);
    return named;
  }
  return LLVMStructTypeInContext(c->ctx, el, n, false);
}

// Enum layout, as rustc lays out enums without #[repr]: the tag — an integer just wide enough
// for the discriminants — sits at offset 0, and each variant is a struct that starts with the
// tag, its fields following in increasing alignment so that small fields fill the gap after
// the tag. The enum is as large as its largest variant, rounded to the largest alignment.
// (rustc would also hide the tag in a niche, making Option<Box<T>> 8 bytes; trc does not.)
typedef struct EnumLayout {
  LLVMTypeRef tag;
  LLVMTypeRef *variant_ty;
  int **slot_of;  // per variant: field index -> LLVM struct index (0 is the tag)
} EnumLayout;

// Whether the tag is read as a signed integer: only when a discriminant is negative (a tag of
// 200 in an i8 is 200, not -56).
bool cg_enum_tag_signed(StructDecl *s) {
  for (int v = 0; v < s->nvariants; v++)
    if (s->variants[v].discr < 0) return true;
  return false;
}

static LLVMTypeRef tag_type(CG *c, StructDecl *s) {
  int64_t lo = 0, hi = 0;
  for (int v = 0; v < s->nvariants; v++) {
    if (s->variants[v].discr < lo) lo = s->variants[v].discr;
    if (s->variants[v].discr > hi) hi = s->variants[v].discr;
  }
  int bits = 8;
  if (lo >= 0) {
    while (bits < 64 && (uint64_t)hi >= (1ull << bits)) bits *= 2;
  } else {
    while (bits < 64 && (lo < -(1ll << (bits - 1)) || hi >= (1ll << (bits - 1)))) bits *= 2;
  }
  return LLVMIntTypeInContext(c->ctx, bits);
}

// One variant as an LLVM struct: the tag, then the fields in increasing alignment.
static LLVMTypeRef variant_struct(CG *c, Type *t, EnumVariant *ev, LLVMTypeRef tag, int **slot_of_out) {
  int n = ev->nfields;
  int *order = arena_alloc(sizeof(int) * (n + 1));
  uint64_t *align = arena_alloc(sizeof(uint64_t) * (n + 1));
  LLVMTypeRef *ft = arena_alloc(sizeof(LLVMTypeRef) * (n + 1));
  for (int i = 0; i < n; i++) {
    order[i] = i;
    ft[i] = cg_lltype(c, cg_subst(ev->fields[i].type, t->args, t->nargs));
    align[i] = LLVMABIAlignmentOfType(c->td, ft[i]);
  }
  for (int i = 1; i < n; i++)  // stable insertion sort
    for (int j = i; j > 0 && align[order[j]] < align[order[j - 1]]; j--) {
      int tmp = order[j];
      order[j] = order[j - 1];
      order[j - 1] = tmp;
    }
  LLVMTypeRef *members = arena_alloc(sizeof(LLVMTypeRef) * (n + 2));
  int *slot_of = arena_alloc(sizeof(int) * (n + 1));
  members[0] = tag;
  for (int k = 0; k < n; k++) {
    members[k + 1] = ft[order[k]];
    slot_of[order[k]] = k + 1;
  }
  *slot_of_out = slot_of;
  return LLVMStructTypeInContext(c->ctx, members, n + 1, false);
}

static EnumLayout *enum_layout(CG *c, Type *t) {
  t = ty_resolve(t);
  EnumLayout *known = ptrmap_get(&c->enums, t, NULL);
  if (known) return known;
  StructDecl *s = t->sdecl;
  EnumLayout lay = {tag_type(c, s), arena_alloc(sizeof(LLVMTypeRef) * (s->nvariants + 1)),
                    arena_alloc(sizeof(int *) * (s->nvariants + 1))};
  for (int v = 0; v < s->nvariants; v++) lay.variant_ty[v] = variant_struct(c, t, &s->variants[v], lay.tag, &lay.slot_of[v]);
  EnumLayout *kept = arena_alloc(sizeof lay);
  *kept = lay;
  ptrmap_put(&c->enums, t, NULL, kept);
  return kept;
}

// The enum's own LLVM type: opaque bytes of the largest variant's size, aligned as the most
// aligned variant (an array of integers of that alignment).
static LLVMTypeRef lower_enum(CG *c, Type *t, LLVMTypeRef named) {
  EnumLayout *lay = enum_layout(c, t);
  StructDecl *s = t->sdecl;
  uint64_t size = 0, align = 1;
  for (int v = 0; v < s->nvariants; v++) {
    uint64_t vs = LLVMABISizeOfType(c->td, lay->variant_ty[v]), va = LLVMABIAlignmentOfType(c->td, lay->variant_ty[v]);
    if (vs > size) size = vs;
    if (va > align) align = va;
  }
  LLVMTypeRef unit = LLVMIntTypeInContext(c->ctx, (unsigned)(align * 8));
  LLVMTypeRef body = LLVMArrayType2(unit, (size + align - 1) / align);
  LLVMStructSetBody(named, &body, s->nvariants ? 1 : 0, false);
  return named;
}

LLVMTypeRef cg_enum_tag_type(CG *c, Type *t) { return enum_layout(c, t)->tag; }

LLVMValueRef cg_enum_tag(CG *c, Type *t, int variant) {
  t = ty_resolve(t);
  return LLVMConstInt(cg_enum_tag_type(c, t), (uint64_t)t->sdecl->variants[variant].discr, true);
}

LLVMValueRef cg_load_tag(CG *c, Type *t, LLVMValueRef addr) { return LLVMBuildLoad2(c->b, cg_enum_tag_type(c, t), addr, "tag"); }

LLVMValueRef cg_variant_field(CG *c, Type *t, int variant, LLVMValueRef addr, int field) {
  EnumLayout *lay = enum_layout(c, t);
  return LLVMBuildStructGEP2(c->b, lay->variant_ty[variant], addr, lay->slot_of[variant][field], "");
}

uint64_t cg_variant_field_offset(CG *c, Type *t, int variant, int field) {
  EnumLayout *lay = enum_layout(c, t);
  return LLVMOffsetOfElement(c->td, lay->variant_ty[variant], (unsigned)lay->slot_of[variant][field]);
}

void cg_store_variant(CG *c, Type *t, int variant, LLVMValueRef addr, LLVMValueRef *fields) {
  t = ty_resolve(t);
  // Zeroed first, so that copying the whole enum never reads bytes nobody wrote.
  if (cg_in_memory(c, t)) LLVMBuildMemSet(c->b, addr, LLVMConstInt(c->t_i8, 0, false), cg_i64(c, cg_size_of(c, t)), (unsigned)cg_align_of(c, t));
  else LLVMBuildStore(c->b, LLVMConstNull(cg_lltype(c, t)), addr);
  LLVMBuildStore(c->b, cg_enum_tag(c, t, variant), addr);
  EnumVariant *ev = &t->sdecl->variants[variant];
  for (int i = 0; i < ev->nfields && fields; i++) {
    Type *ft = cg_subst(ev->fields[i].type, t->args, t->nargs);
    if (ty_resolve(ft)->kind == TY_UNIT || ty_resolve(ft)->kind == TY_NEVER || !fields[i]) continue;
    LLVMBuildStore(c->b, fields[i], cg_variant_field(c, t, variant, addr, i));
  }
}

LLVMTypeRef cg_lltype(CG *c, Type *t) {
  t = ty_resolve(t);
  LLVMValueRef hit = cg_cache_get(&c->types, t, NULL);
  if (hit) return (LLVMTypeRef)hit;
  LLVMTypeRef lt = lower_type(c, t);
  cg_cache_put(&c->types, t, NULL, (LLVMValueRef)lt);
  return lt;
}

static LLVMTypeRef lower_type(CG *c, Type *t) {
  switch (t->kind) {
  case TY_UNIT: case TY_NEVER: return c->t_unit;
  case TY_BOOL: return c->t_i1;
  case TY_CHAR: return c->t_i32;
  case TY_INT: return LLVMIntTypeInContext(c->ctx, t->bits);
  case TY_FLOAT: return t->bits == 32 ? LLVMFloatTypeInContext(c->ctx) : LLVMDoubleTypeInContext(c->ctx);
  case TY_REF: case TY_PTR: case TY_BOX: {
    Type *in = ty_resolve(t->inner);
    if (ty_is_sized(in)) return c->t_ptr;
    return ty_unsized_tail(in)->kind == TY_DYN ? c->t_dynptr : c->t_slice;
  }
  case TY_VEC: case TY_STRING: return c->t_vec;
  case TY_TUPLE: return lower_fields(c, t, NULL);
  case TY_ARRAY: return LLVMArrayType2(cg_lltype(c, t->inner), t->len);
  case TY_RANGE: {
    LLVMTypeRef el[2] = {cg_lltype(c, t->inner), cg_lltype(c, t->inner)};
    return LLVMStructTypeInContext(c->ctx, el, 2, false);
  }
  case TY_STRUCT: {
    // Named struct types keep the IR readable: %Circle, %"Wrapper<Circle>".
    LLVMTypeRef st = LLVMStructCreateNamed(c->ctx, ty_name(t));
    cg_cache_put(&c->types, t, NULL, (LLVMValueRef)st);
    return t->sdecl->is_enum ? lower_enum(c, t, st) : lower_fields(c, t, st);
  }
  case TY_FN: return c->t_ptr;
  case TY_ITER: return c->t_slice;  // what is left to visit: {ptr, len}
  case TY_CLOSURE: {  // the environment: one field per capture
    LLVMTypeRef st = LLVMStructCreateNamed(c->ctx, ty_name(t));
    cg_cache_put(&c->types, t, NULL, (LLVMValueRef)st);
    int n = t->closure->ncaptures;
    LLVMTypeRef *el = arena_alloc(sizeof(LLVMTypeRef) * (n + 1));
    for (int i = 0; i < n; i++) el[i] = cg_lltype(c, cg_subst(closure_capture_type(t, i), NULL, 0));
    LLVMStructSetBody(st, el, n, false);
    return st;
  }
  default:
    ice((Span){0}, "cannot lower type `%s` to LLVM", ty_name(t));
  }
}

uint64_t cg_size_of(CG *c, Type *t) { return LLVMABISizeOfType(c->td, cg_lltype(c, t)); }
uint64_t cg_align_of(CG *c, Type *t) { return LLVMABIAlignmentOfType(c->td, cg_lltype(c, t)); }

LLVMValueRef cg_i64(CG *c, uint64_t v) { return LLVMConstInt(c->t_i64, v, false); }

// Values over two registers (a String or Vec too) are passed and returned in memory, as rustc
// does: the instruction selector LLVM uses at -O0 (FastISel) handles no first-class aggregate,
// and falls back to the slow one for the rest of the block at each load, store or return of
// one; and LLVM handles a large one (a `load [50000 x i32]`) element by element, so its
// compile time would grow with the array. Smaller ones stay values, which SROA keeps in
// registers. Arrays up to 128 bytes stay values too: with no attributes that say the callee
// owns its copy (rustc's `noalias dereferenceable(N)`), a recursive function passing one in
// memory could no longer be made a loop at -O2.
enum { IN_MEMORY_BYTES = 16, ARRAY_IN_MEMORY_BYTES = 128 };

bool cg_in_memory(CG *c, Type *t) {
  t = ty_resolve(t);
  switch (t->kind) {
  case TY_ARRAY: return cg_size_of(c, t) > ARRAY_IN_MEMORY_BYTES;
  case TY_TUPLE: case TY_STRUCT: case TY_CLOSURE: case TY_STRING: case TY_VEC: return cg_size_of(c, t) > IN_MEMORY_BYTES;
  default: return false;
  }
}

// Parameters: fat pointers become two arguments (data, then vtable or length); unit-typed
// parameters vanish; a value in memory is the address of a copy the callee owns; everything
// else is one argument of its memory type.
static int push_param_types(CG *c, Type *t, LLVMTypeRef *out, int n) {
  t = ty_resolve(t);
  if (t->kind == TY_UNIT) return n;
  if (cg_in_memory(c, t)) {
    out[n++] = c->t_ptr;
    return n;
  }
  if (cg_is_fat(t)) {
    Type *in = ty_resolve(ty_pointee(t));
    out[n++] = c->t_ptr;
    out[n++] = ty_unsized_tail(in)->kind == TY_DYN ? c->t_ptr : c->t_i64;
    return n;
  }
  out[n++] = cg_lltype(c, t);
  return n;
}

LLVMTypeRef cg_fn_type(CG *c, Type *self_param, Type **params, int n, Type *ret) {
  LLVMTypeRef *ps = arena_alloc(sizeof(LLVMTypeRef) * (2 * n + 3));
  int np = 0;
  if (self_param) np = push_param_types(c, self_param, ps, np);
  for (int i = 0; i < n; i++) np = push_param_types(c, params[i], ps, np);
  if (cg_in_memory(c, ret)) ps[np++] = c->t_ptr;  // where the result goes: always the last parameter
  LLVMTypeRef rt = cg_returns_void(ret) || cg_in_memory(c, ret) ? LLVMVoidTypeInContext(c->ctx) : cg_lltype(c, ret);
  return LLVMFunctionType(rt, ps, np, false);
}

// A closure body, a `dyn Fn` call slot: the environment (or data) pointer, then the arguments.
LLVMTypeRef cg_closure_fn_type(CG *c, Type **params, int n, Type *ret) {
  LLVMTypeRef fty = cg_fn_type(c, NULL, params, n, ret);
  int np = LLVMCountParamTypes(fty);
  LLVMTypeRef *pts = arena_alloc(sizeof(LLVMTypeRef) * (np + 2));
  LLVMGetParamTypes(fty, pts + 1);
  pts[0] = c->t_ptr;
  return LLVMFunctionType(LLVMGetReturnType(fty), pts, np + 1, false);
}

// The slot of a method in the principal trait's vtable (mono/vtable.c decides; 0..2 are metadata).
int cg_vtable_slot(TraitDecl *principal, FnDecl *method) {
  int slot = vtable_method_slot(principal, method);
  if (slot < 0) ice(method->span, "method `%s` has no slot in the vtable of `%s`", method->name, principal->name);
  return slot;
}
