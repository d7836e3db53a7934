// codegen.c — the LLVM module: types, function instances, vtables and drop glue.
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
#include "codegen_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---------------------------------------------------------------------------------------------
// Small caches keyed by (Type*, TraitDecl*)

LLVMValueRef cg_cache_get(CacheEntry *tab, int n, Type *key, TraitDecl *trait) {
  for (int i = 0; i < n; i++)
    if (tab[i].key == key && tab[i].trait == trait) return tab[i].val;
  return NULL;
}

void cg_cache_put(CacheEntry **tab, int *n, int *cap, Type *key, TraitDecl *trait, LLVMValueRef v) {
  if (*n == *cap) {
    *cap = *cap ? *cap * 2 : 64;
    CacheEntry *nt = arena_alloc(sizeof(CacheEntry) * *cap);
    if (*n) copy_bytes(nt, *tab, sizeof(CacheEntry) * *n);
    *tab = nt;
  }
  (*tab)[(*n)++] = (CacheEntry){key, trait, v};
}

// ---------------------------------------------------------------------------------------------
// Types

// Substitution in codegen: every parameter becomes concrete, so associated types resolve too.
Type *cg_subst(Type *t, Type **args, int n) {
  t = ty_subst(t, args, n);
  return t && ty_has_assoc(t) ? ty_normalize(t, NULL) : t;
}

Type *cg_type_of(CG *c, Type *t) {
  if (!t) return t;
  if (c->inst) t = ty_subst(t, c->inst->targs, c->inst->ntargs);
  // With every parameter concrete, each associated type resolves through its impl.
  if (ty_has_assoc(t)) t = ty_normalize(t, NULL);
  return t;
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
typedef struct FieldOrder {
  Type *t;
  int *slot_of;  // declaration index -> LLVM struct index
} FieldOrder;

static int *field_order(CG *c, Type *t, Type **ftypes, int n) {
  for (int i = 0; i < c->norders; i++)
    if (c->orders[i].t == t) return c->orders[i].slot_of;
  int *order = arena_alloc(sizeof(int) * (n + 1));   // slot -> declaration index
  int *slot_of = arena_alloc(sizeof(int) * (n + 1));
  uint64_t *align = arena_alloc(sizeof(uint64_t) * (n + 1));
  for (int i = 0; i < n; i++) {
    order[i] = i;
    align[i] = LLVMABIAlignmentOfType(c->td, cg_lltype(c, ftypes[i]));
  }
  for (int i = 1; i < n; i++)  // insertion sort: stable, and field counts are small
    for (int j = i; j > 0 && align[order[j]] > align[order[j - 1]]; j--) {
      int tmp = order[j];
      order[j] = order[j - 1];
      order[j - 1] = tmp;
    }
  for (int k = 0; k < n; k++) slot_of[order[k]] = k;
  if (c->norders == c->caporders) {
    c->caporders = c->caporders ? c->caporders * 2 : 32;
    FieldOrder *no = arena_alloc(sizeof(FieldOrder) * c->caporders);
    copy_bytes(no, c->orders, sizeof(FieldOrder) * c->norders);
    c->orders = no;
  }
  c->orders[c->norders++] = (FieldOrder){t, slot_of};
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
  cg_lltype(c, t);  // lowering computes the order
  for (int i = 0; i < c->norders; i++)
    if (c->orders[i].t == t) return c->orders[i].slot_of[field];
  ice((Span){0}, "no field layout for `%s`", ty_name(t));
}

// The LLVM struct with fields in slot order.
static LLVMTypeRef lower_fields(CG *c, Type *t, LLVMTypeRef named) {
  int n;
  Type **ft = field_types(t, &n);
  int *slot_of = field_order(c, t, ft, n);
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
  Type *t;
  LLVMTypeRef tag;
  LLVMTypeRef *variant_ty;
  int **slot_of;  // per variant: field index -> LLVM struct index (0 is the tag)
} EnumLayout;

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
  for (int i = 0; i < c->nenums; i++)
    if (c->enums[i].t == t) return &c->enums[i];
  StructDecl *s = t->sdecl;
  EnumLayout lay = {t, tag_type(c, s), arena_alloc(sizeof(LLVMTypeRef) * (s->nvariants + 1)),
                    arena_alloc(sizeof(int *) * (s->nvariants + 1))};
  for (int v = 0; v < s->nvariants; v++) lay.variant_ty[v] = variant_struct(c, t, &s->variants[v], lay.tag, &lay.slot_of[v]);
  if (c->nenums == c->capenums) {
    c->capenums = c->capenums ? c->capenums * 2 : 16;
    EnumLayout *ne = arena_alloc(sizeof(EnumLayout) * c->capenums);
    copy_bytes(ne, c->enums, sizeof(EnumLayout) * c->nenums);
    c->enums = ne;
  }
  c->enums[c->nenums] = lay;
  return &c->enums[c->nenums++];
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

void cg_store_variant(CG *c, Type *t, int variant, LLVMValueRef addr, LLVMValueRef *fields) {
  t = ty_resolve(t);
  // Zeroed first, so that copying the whole enum never reads bytes nobody wrote.
  LLVMBuildStore(c->b, LLVMConstNull(cg_lltype(c, t)), addr);
  LLVMBuildStore(c->b, cg_enum_tag(c, t, variant), addr);
  EnumVariant *ev = &t->sdecl->variants[variant];
  for (int i = 0; i < ev->nfields; i++) {
    Type *ft = cg_subst(ev->fields[i].type, t->args, t->nargs);
    if (ty_resolve(ft)->kind == TY_UNIT || ty_resolve(ft)->kind == TY_NEVER) continue;
    LLVMBuildStore(c->b, fields[i], cg_variant_field(c, t, variant, addr, i));
  }
}

LLVMTypeRef cg_lltype(CG *c, Type *t) {
  t = ty_resolve(t);
  LLVMValueRef hit = cg_cache_get(c->types, c->ntypes, t, NULL);
  if (hit) return (LLVMTypeRef)hit;
  LLVMTypeRef lt = lower_type(c, t);
  cg_cache_put(&c->types, &c->ntypes, &c->captypes, t, NULL, (LLVMValueRef)lt);
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
    return in->kind == TY_DYN ? c->t_dynptr : c->t_slice;
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
    cg_cache_put(&c->types, &c->ntypes, &c->captypes, t, NULL, (LLVMValueRef)st);
    return t->sdecl->is_enum ? lower_enum(c, t, st) : lower_fields(c, t, st);
  }
  case TY_FN: return c->t_ptr;
  case TY_ITER: return c->t_slice;  // what is left to visit: {ptr, len}
  case TY_CLOSURE: {  // the environment: one field per capture
    LLVMTypeRef st = LLVMStructCreateNamed(c->ctx, ty_name(t));
    cg_cache_put(&c->types, &c->ntypes, &c->captypes, t, NULL, (LLVMValueRef)st);
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

// Parameters: fat pointers become two arguments (data, then vtable or length); unit-typed
// parameters vanish; everything else is one argument of its memory type.
static int push_param_types(CG *c, Type *t, LLVMTypeRef *out, int n) {
  t = ty_resolve(t);
  if (t->kind == TY_UNIT) return n;
  if (cg_is_fat(t)) {
    Type *in = ty_resolve(ty_pointee(t));
    out[n++] = c->t_ptr;
    out[n++] = in->kind == TY_DYN ? c->t_ptr : c->t_i64;
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
  LLVMTypeRef rt = cg_returns_void(ret) ? LLVMVoidTypeInContext(c->ctx) : cg_lltype(c, ret);
  return LLVMFunctionType(rt, ps, np, false);
}

static void add_fn_attr(CG *c, LLVMValueRef fn, const char *name) {
  unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
  LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(c->ctx, kind, 0));
}

void cg_add_uwtable(CG *c, LLVMValueRef fn) {
  unsigned kind = LLVMGetEnumAttributeKindForName("uwtable", 7);
  LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(c->ctx, kind, 2));  // async
}

// The C personality routine: it understands cleanup-only landing pads, which is all trc needs
// (a panic is never caught; it unwinds to the top and ends the process).
static LLVMValueRef personality(CG *c) {
  LLVMValueRef fn = LLVMGetNamedFunction(c->mod, "__gcc_personality_v0");
  if (!fn) fn = LLVMAddFunction(c->mod, "__gcc_personality_v0", LLVMFunctionType(c->t_i32, NULL, 0, true));
  return fn;
}

void cg_set_personality(CG *c) { LLVMSetPersonalityFn(c->fn, personality(c)); }

static bool is_nounwind(LLVMValueRef fn) {
  if (!LLVMIsAFunction(fn)) return false;
  unsigned kind = LLVMGetEnumAttributeKindForName("nounwind", 8);
  return LLVMGetEnumAttributeAtIndex(fn, LLVMAttributeFunctionIndex, kind) != NULL;
}

LLVMValueRef cg_call(CG *c, LLVMTypeRef fty, LLVMValueRef fn, LLVMValueRef *args, int n, const char *name) {
  bool mir_unwind = c->unwind_to != NULL;
  if ((c->ncleanups == 0 && !mir_unwind) || c->in_cleanup || is_nounwind(fn)) return LLVMBuildCall2(c->b, fty, fn, args, n, name);
  LLVMBasicBlockRef cont = cg_new_block(c, "cont"), pad = cg_new_block(c, "unwind");
  LLVMValueRef r = LLVMBuildInvoke2(c->b, fty, fn, args, n, cont, pad, name);
  LLVMSetPersonalityFn(c->fn, personality(c));
  cg_set_block(c, pad);
  LLVMTypeRef lp_el[2] = {c->t_ptr, c->t_i32};
  LLVMValueRef lp = LLVMBuildLandingPad(c->b, LLVMStructTypeInContext(c->ctx, lp_el, 2, false), personality(c), 0, "lp");
  LLVMSetCleanup(lp, true);
  cg_emit_unwind_cleanups(c);
  if (mir_unwind) {
    // On into the MIR body's cleanup blocks, which end in a resume of this exception.
    LLVMBuildStore(c->b, lp, c->exn_slot);
    LLVMBuildBr(c->b, c->unwind_to);
  } else {
    LLVMBuildResume(c->b, lp);
  }
  cg_set_block(c, cont);
  return r;
}

// The LLVM function of an instance, declared on first use; its body is emitted when the
// collector's queue reaches it.
// A closure body, a `dyn Fn` call slot: the environment (or data) pointer, then the arguments.
LLVMTypeRef cg_closure_fn_type(CG *c, Type **params, int n, Type *ret) {
  LLVMTypeRef fty = cg_fn_type(c, NULL, params, n, ret);
  int np = LLVMCountParamTypes(fty);
  LLVMTypeRef *pts = arena_alloc(sizeof(LLVMTypeRef) * (np + 2));
  LLVMGetParamTypes(fty, pts + 1);
  pts[0] = c->t_ptr;
  return LLVMFunctionType(LLVMGetReturnType(fty), pts, np + 1, false);
}

LLVMValueRef cg_instance_fn(CG *c, Instance *in) {
  if (in->llvm_fn) return in->llvm_fn;
  FnDecl *f = in->fn;
  Type *self = f->self_param_ty ? cg_subst(f->self_param_ty, in->targs, in->ntargs) : NULL;
  Type **ps = arena_alloc(sizeof(Type *) * (f->nparams + 1));
  for (int i = 0; i < f->nparams; i++) ps[i] = cg_subst(f->param_types[i], in->targs, in->ntargs);
  Type *ret = cg_subst(f->ret_type, in->targs, in->ntargs);
  LLVMTypeRef fty = f->is_closure ? cg_closure_fn_type(c, ps, f->nparams, ret) : cg_fn_type(c, self, ps, f->nparams, ret);
  if (f->attrs.track_caller) {  // one more parameter: the caller's location
    int n = LLVMCountParamTypes(fty);
    LLVMTypeRef *pts = arena_alloc(sizeof(LLVMTypeRef) * (n + 1));
    LLVMGetParamTypes(fty, pts);
    pts[n] = c->t_ptr;
    fty = LLVMFunctionType(LLVMGetReturnType(fty), pts, n + 1, false);
  }
  LLVMValueRef fn = LLVMAddFunction(c->mod, in->symbol, fty);
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  cg_add_uwtable(c, fn);  // a panic unwinds through every trc function
  if (f->attrs.inline_never) add_fn_attr(c, fn, "noinline");
  if (f->attrs.inline_always) add_fn_attr(c, fn, "alwaysinline");
  if (f->attrs.inline_hint) add_fn_attr(c, fn, "inlinehint");
  if (ty_resolve(ret)->kind == TY_NEVER) add_fn_attr(c, fn, "noreturn");
  in->llvm_fn = fn;
  return fn;
}

LLVMValueRef cg_runtime_fn(CG *c, const char *name, LLVMTypeRef ret, LLVMTypeRef *params, int n, bool noreturn) {
  LLVMValueRef fn = LLVMGetNamedFunction(c->mod, name);
  if (fn) return fn;
  fn = LLVMAddFunction(c->mod, name, LLVMFunctionType(ret, params, n, false));
  // Runtime functions that can panic (the noreturn panics, Vec growth's "capacity overflow")
  // unwind; the rest never do, and calls to them need no landing pad.
  if (noreturn) add_fn_attr(c, fn, "noreturn");
  else if (strcmp(name, "trc_vec_reserve")) add_fn_attr(c, fn, "nounwind");
  return fn;
}

// ---------------------------------------------------------------------------------------------
// Blocks and allocas

LLVMBasicBlockRef cg_new_block(CG *c, const char *name) { return LLVMAppendBasicBlockInContext(c->ctx, c->fn, name); }

void cg_set_block(CG *c, LLVMBasicBlockRef bb) { LLVMPositionBuilderAtEnd(c->b, bb); }

bool cg_block_terminated(CG *c) {
  LLVMBasicBlockRef bb = LLVMGetInsertBlock(c->b);
  return LLVMGetBasicBlockTerminator(bb) != NULL;
}

void cg_br(CG *c, LLVMBasicBlockRef to) {
  if (!cg_block_terminated(c)) LLVMBuildBr(c->b, to);
}

// Allocas all go to the top of the entry block so mem2reg can promote them.
LLVMValueRef cg_alloca(CG *c, LLVMTypeRef t, const char *name) {
  LLVMBuilderRef eb = LLVMCreateBuilderInContext(c->ctx);
  LLVMValueRef first = LLVMGetFirstInstruction(c->entry);
  if (first) LLVMPositionBuilderBefore(eb, first);
  else LLVMPositionBuilderAtEnd(eb, c->entry);
  LLVMValueRef a = LLVMBuildAlloca(eb, t, name);
  LLVMDisposeBuilder(eb);
  return a;
}

LLVMValueRef cg_const_str(CG *c, const char *s, size_t len) {
  LLVMValueRef init = LLVMConstStringInContext(c->ctx, s, len, true);
  LLVMValueRef g = LLVMAddGlobal(c->mod, LLVMTypeOf(init), "str");
  LLVMSetInitializer(g, init);
  LLVMSetGlobalConstant(g, true);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
  LLVMSetAlignment(g, 1);
  LLVMValueRef fields[2] = {g, cg_i64(c, len)};
  return LLVMConstNamedStruct(c->t_slice, fields, 2);
}

// ---------------------------------------------------------------------------------------------
// Drop glue

static void emit_drop_glue_body(CG *c, Type *t, LLVMValueRef self);

void cg_begin_helper(CG *c, LLVMValueRef fn, SavedFn *saved) {
  *saved = (SavedFn){LLVMGetInsertBlock(c->b), c->entry, c->fn, c->inst, c->ncleanups, c->in_cleanup, c->unwind_to, c->exn_slot};
  c->ncleanups = 0;  // the helper owns nothing of its caller's
  c->in_cleanup = false;
  c->unwind_to = NULL;
  c->exn_slot = NULL;
  c->inst = NULL;
  c->fn = fn;
  c->entry = cg_new_block(c, "start");
  cg_set_block(c, c->entry);
}

void cg_end_helper(CG *c, SavedFn *saved) {
  c->fn = saved->fn;
  c->entry = saved->entry;
  c->inst = saved->inst;
  c->ncleanups = saved->ncleanups;
  c->in_cleanup = saved->in_cleanup;
  c->unwind_to = saved->unwind_to;
  c->exn_slot = saved->exn_slot;
  if (saved->bb) cg_set_block(c, saved->bb);
}

LLVMValueRef cg_drop_glue(CG *c, Type *t) {
  t = ty_resolve(t);
  LLVMValueRef fn = cg_cache_get(c->drops, c->ndrops, t, NULL);
  if (fn) return fn;
  LLVMTypeRef pt = c->t_ptr;
  fn = LLVMAddFunction(c->mod, arena_printf("drop_in_place<%s>", ty_name(t)), LLVMFunctionType(LLVMVoidTypeInContext(c->ctx), &pt, 1, false));
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  cg_add_uwtable(c, fn);
  cg_cache_put(&c->drops, &c->ndrops, &c->capdrops, t, NULL, fn);
  SavedFn saved;
  cg_begin_helper(c, fn, &saved);
  emit_drop_glue_body(c, t, LLVMGetParam(fn, 0));
  LLVMBuildRetVoid(c->b);
  cg_end_helper(c, &saved);
  return fn;
}

static LLVMValueRef rt_dealloc(CG *c) {
  LLVMTypeRef ps[3] = {c->t_ptr, c->t_i64, c->t_i64};
  return cg_runtime_fn(c, "trc_dealloc", LLVMVoidTypeInContext(c->ctx), ps, 3, false);
}

static LLVMValueRef rt_vec_free(CG *c) {
  LLVMTypeRef ps[3] = {c->t_ptr, c->t_i64, c->t_i64};
  return cg_runtime_fn(c, "trc_vec_free", LLVMVoidTypeInContext(c->ctx), ps, 3, false);
}

static LLVMValueRef call(CG *c, LLVMValueRef fn, LLVMValueRef *args, int n) {
  return cg_call(c, LLVMGlobalGetValueType(fn), fn, args, n, "");
}

// Calls drop_in_place on elements start..len of the array at base (Vec buffers, arrays, the
// rest of a by-value `for` loop's Vec).
void cg_drop_elements(CG *c, LLVMValueRef base, LLVMValueRef start, LLVMValueRef len, Type *elem) {
  LLVMTypeRef et = cg_lltype(c, elem);
  LLVMValueRef idx = cg_alloca(c, c->t_i64, "i");
  LLVMBuildStore(c->b, start, idx);
  LLVMBasicBlockRef head = cg_new_block(c, "drop.head"), body = cg_new_block(c, "drop.body"), done = cg_new_block(c, "drop.done");
  LLVMBuildBr(c->b, head);
  cg_set_block(c, head);
  LLVMValueRef i = LLVMBuildLoad2(c->b, c->t_i64, idx, "");
  LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntULT, i, len, ""), body, done);
  cg_set_block(c, body);
  LLVMValueRef p = LLVMBuildGEP2(c->b, et, base, &i, 1, "");
  cg_emit_drop(c, p, elem);
  LLVMBuildStore(c->b, LLVMBuildAdd(c->b, i, cg_i64(c, 1), ""), idx);
  LLVMBuildBr(c->b, head);
  cg_set_block(c, done);
}

// An enum drops the fields of whichever variant it holds.
static void emit_enum_drop(CG *c, Type *t, LLVMValueRef self) {
  StructDecl *s = t->sdecl;
  LLVMBasicBlockRef done = cg_new_block(c, "dropped");
  LLVMValueRef sw = LLVMBuildSwitch(c->b, cg_load_tag(c, t, self), done, s->nvariants);
  for (int v = 0; v < s->nvariants; v++) {
    EnumVariant *ev = &s->variants[v];
    bool any = false;
    for (int i = 0; i < ev->nfields; i++) any |= ty_needs_drop(cg_subst(ev->fields[i].type, t->args, t->nargs));
    if (!any) continue;
    LLVMBasicBlockRef bb = cg_new_block(c, arena_printf("drop.%s", ev->name));
    LLVMAddCase(sw, cg_enum_tag(c, t, v), bb);
    cg_set_block(c, bb);
    for (int i = 0; i < ev->nfields; i++) {
      Type *ft = cg_subst(ev->fields[i].type, t->args, t->nargs);
      if (ty_needs_drop(ft)) cg_emit_drop(c, cg_variant_field(c, t, v, self, i), ft);
    }
    LLVMBuildBr(c->b, done);
  }
  cg_set_block(c, done);
}

static void emit_drop_glue_body(CG *c, Type *t, LLVMValueRef self) {
  switch (t->kind) {
  case TY_STRUCT: {
    StructDecl *s = t->sdecl;
    if (s->drop_impl) {
      // The type's own Drop::drop runs first, then its fields in declaration order.
      FnDecl *drop_fn = NULL;
      for (int i = 0; i < s->drop_impl->nmethods; i++)
        if (!strcmp(s->drop_impl->methods[i]->name, "drop")) drop_fn = s->drop_impl->methods[i];
      if (drop_fn) {
        Type **targs = NULL;
        int n = 0;
        TraitRef tr = {.trait = c->crate->drop_trait};
        find_impl(c->crate, &tr, t, &targs, &n);
        Instance *in = mono_instance(drop_fn, targs, n, (Span){0});
        call(c, cg_instance_fn(c, in), &self, 1);
      }
    }
    if (s->is_enum) {
      emit_enum_drop(c, t, self);
      return;
    }
    LLVMTypeRef st = cg_lltype(c, t);
    for (int i = 0; i < s->nfields; i++) {
      Type *ft = cg_subst(s->fields[i].type, t->args, t->nargs);
      if (!ty_needs_drop(ft)) continue;
      cg_emit_drop(c, LLVMBuildStructGEP2(c->b, st, self, cg_field_slot(c, t, i), ""), ft);
    }
    return;
  }
  case TY_CLOSURE: {  // the values a `move` closure captured
    LLVMTypeRef st = cg_lltype(c, t);
    for (int i = 0; i < t->closure->ncaptures; i++) {
      Type *ft = closure_capture_type(t, i);
      if (ty_needs_drop(ft)) cg_emit_drop(c, LLVMBuildStructGEP2(c->b, st, self, i, ""), ft);
    }
    return;
  }
  case TY_TUPLE: {
    LLVMTypeRef st = cg_lltype(c, t);
    for (int i = 0; i < t->nargs; i++)
      if (ty_needs_drop(t->args[i])) cg_emit_drop(c, LLVMBuildStructGEP2(c->b, st, self, cg_field_slot(c, t, i), ""), t->args[i]);
    return;
  }
  case TY_ARRAY:
    if (ty_needs_drop(t->inner)) cg_drop_elements(c, self, cg_i64(c, 0), cg_i64(c, t->len), t->inner);
    return;
  case TY_BOX: {
    Type *in = ty_resolve(t->inner);
    if (in->kind == TY_DYN) {
      // Box<dyn Tr>: the vtable knows how to drop the value and how big it was.
      LLVMValueRef fat = LLVMBuildLoad2(c->b, c->t_dynptr, self, "");
      LLVMValueRef data = LLVMBuildExtractValue(c->b, fat, 0, "data");
      LLVMValueRef vt = LLVMBuildExtractValue(c->b, fat, 1, "vtable");
      LLVMValueRef dropfn = LLVMBuildLoad2(c->b, c->t_ptr, vt, "drop_in_place");
      LLVMTypeRef pt = c->t_ptr;
      LLVMValueRef dc = LLVMBuildCall2(c->b, LLVMFunctionType(LLVMVoidTypeInContext(c->ctx), &pt, 1, false), dropfn, &data, 1, "");
      if (in->principal) cg_mark_dyn_call(c, dc, in->principal->trait->name, "drop_in_place", NULL);  // slot 0
      LLVMValueRef off8 = cg_i64(c, 8), off16 = cg_i64(c, 16);
      LLVMValueRef size = LLVMBuildLoad2(c->b, c->t_i64, LLVMBuildGEP2(c->b, c->t_i8, vt, &off8, 1, ""), "size");
      LLVMValueRef align = LLVMBuildLoad2(c->b, c->t_i64, LLVMBuildGEP2(c->b, c->t_i8, vt, &off16, 1, ""), "align");
      LLVMValueRef args[3] = {data, size, align};
      call(c, rt_dealloc(c), args, 3);
      return;
    }
    LLVMValueRef p = LLVMBuildLoad2(c->b, c->t_ptr, self, "");
    if (ty_needs_drop(in)) cg_emit_drop(c, p, in);
    LLVMValueRef args[3] = {p, cg_i64(c, cg_size_of(c, in)), cg_i64(c, cg_align_of(c, in))};
    call(c, rt_dealloc(c), args, 3);
    return;
  }
  case TY_VEC: {
    Type *el = ty_resolve(t->inner);
    if (ty_needs_drop(el)) {
      LLVMValueRef buf = LLVMBuildLoad2(c->b, c->t_ptr, LLVMBuildStructGEP2(c->b, c->t_vec, self, 0, ""), "buf");
      LLVMValueRef len = LLVMBuildLoad2(c->b, c->t_i64, LLVMBuildStructGEP2(c->b, c->t_vec, self, 2, ""), "len");
      cg_drop_elements(c, buf, cg_i64(c, 0), len, el);
    }
    LLVMValueRef args[3] = {self, cg_i64(c, cg_size_of(c, el)), cg_i64(c, cg_align_of(c, el))};
    call(c, rt_vec_free(c), args, 3);
    return;
  }
  case TY_STRING: {
    LLVMValueRef args[3] = {self, cg_i64(c, 1), cg_i64(c, 1)};
    call(c, rt_vec_free(c), args, 3);
    return;
  }
  default:
    return;  // nothing to drop
  }
}

void cg_emit_drop(CG *c, LLVMValueRef addr, Type *t) {
  t = ty_resolve(t);
  if (!ty_needs_drop(t)) return;
  LLVMValueRef fn = cg_drop_glue(c, t);
  call(c, fn, &addr, 1);
}

// ---------------------------------------------------------------------------------------------
// Vtables

// The slot of a method in the principal trait's vtable (vtable.c decides; 0..2 are metadata).
int cg_vtable_slot(TraitDecl *principal, FnDecl *method) {
  int slot = vtable_method_slot(principal, method);
  if (slot < 0) ice(method->span, "method `%s` has no slot in the vtable of `%s`", method->name, principal->name);
  return slot;
}

// The function in a METHOD slot: the impl's method for this type (or the trait's default).
static LLVMValueRef vtable_method(CG *c, Type *concrete, TraitRef *tr, VtEntry *e) {
  FnDecl *m = e->method;
  TraitDecl *owner = e->trait;
  if (is_fn_trait(owner)) return cg_fn_call_slot(c, concrete);  // closures have no impl to look in
  int nt = owner->env->n;
  Type **targs = arena_alloc(sizeof(Type *) * (nt + 1));
  targs[0] = concrete;
  for (int a = 1; a < nt; a++) {
    if (owner != tr->trait || a - 1 >= tr->nargs) ice(m->span, "vtable of a generic supertrait is not supported");
    targs[a] = tr->args[a - 1];
  }
  Type **itargs = NULL;
  int nit = 0;
  FnDecl *impl_fn = mono_resolve_method(owner, m, concrete, targs, nt, &itargs, &nit);
  return cg_instance_fn(c, mono_instance(impl_fn, itargs, nit, (Span){0}));
}

// --dump-vtable-layouts: one block per emitted vtable, in the spirit of clang's
// -fdump-vtable-layouts; index, byte offset, and what the slot holds.
static void dump_vtable(CG *c, Type *concrete, TraitRef *tr, VtLayout *l, LLVMValueRef *vals) {
  printf("vtable for '%s as %s' (%d entries, %d bytes)\n", ty_name(concrete), traitref_name(tr), l->n, 8 * l->n);
  for (int i = 0; i < l->n; i++) {
    VtEntry *e = &l->entries[i];
    char off[16];
    snprintf(off, sizeof off, "+%d", 8 * i);
    printf("%3d | %3s | ", i, off);
    switch (e->kind) {
    case VT_DROP: printf("drop_in_place<%s>\n", ty_name(concrete)); break;
    case VT_SIZE: printf("size = %llu\n", (unsigned long long)LLVMConstIntGetZExtValue(vals[i])); break;
    case VT_ALIGN: printf("align = %llu\n", (unsigned long long)LLVMConstIntGetZExtValue(vals[i])); break;
    case VT_METHOD: printf("%s\n", LLVMGetValueName(vals[i])); break;
    case VT_TRAIT_VPTR: printf("vptr -> vtable<%s as %s>\n", ty_name(concrete), e->trait->name); break;
    case VT_VACANT: printf("vacant\n"); break;
    }
  }
  printf("\n");
}

// Marks for passes/devirt.c (see the comment there). Each vtable gets `!type !{i64 0, !"Tr"}`
// naming the trait it was built for (the pointer to its start serves `dyn Tr`, like clang's
// address points). A vtable also serves every supertrait an upcast reaches by reusing the
// pointer (a prefix, vtable_upcast_slot < 0); the C API can attach only one `!type`, so the
// first vtable of each trait adds `!{!"Tr", !"Super"}` per such supertrait, transitively, to
// the module's `!trc.prefix` list.
static void add_prefix_marks(CG *c, TraitDecl *principal, TraitDecl *t) {
  for (int i = 0; i < t->nsuper_traits; i++) {
    TraitDecl *s = t->super_traits[i];
    if (vtable_upcast_slot(principal, s) >= 0) continue;
    LLVMMetadataRef names[2] = {LLVMMDStringInContext2(c->ctx, principal->name, strlen(principal->name)),
                                LLVMMDStringInContext2(c->ctx, s->name, strlen(s->name))};
    LLVMAddNamedMetadataOperand(c->mod, "trc.prefix", LLVMMetadataAsValue(c->ctx, LLVMMDNodeInContext2(c->ctx, names, 2)));
    add_prefix_marks(c, principal, s);
  }
}

static void mark_vtable(CG *c, LLVMValueRef g, TraitDecl *t) {
  LLVMMetadataRef ops[2] = {LLVMValueAsMetadata(cg_i64(c, 0)), LLVMMDStringInContext2(c->ctx, t->name, strlen(t->name))};
  LLVMGlobalSetMetadata(g, LLVMGetMDKindIDInContext(c->ctx, "type", 4), LLVMMDNodeInContext2(c->ctx, ops, 2));
  for (int i = 0; i < c->nvtables; i++)
    if (c->vtables[i].trait == t) return;  // not the first vtable of t: its prefixes are listed
  add_prefix_marks(c, t, t);
}

// What identifies a vtable: the concrete type and the trait *with its arguments* (`dyn
// Conv<i64>` and `dyn Conv<bool>` have different vtables for one type), as one interned type.
static Type *vtable_key(Type *concrete, TraitRef *tr) {
  Type *pair[2] = {concrete, ty_dyn(tr, NULL, 0)};
  return ty_tuple(pair, 2);
}

LLVMValueRef cg_vtable(CG *c, Type *concrete, TraitRef *tr) {
  concrete = ty_resolve(concrete);
  Type *key = vtable_key(concrete, tr);
  LLVMValueRef g = cg_cache_get(c->vtables, c->nvtables, key, tr->trait);
  if (g) return g;
  VtLayout *l = vtable_layout(tr->trait);
  int n = l->n;
  LLVMValueRef *vals = arena_alloc(sizeof(LLVMValueRef) * n);
  for (int i = 0; i < n; i++) {
    VtEntry *e = &l->entries[i];
    switch (e->kind) {
    case VT_DROP: vals[i] = cg_drop_glue(c, concrete); break;
    case VT_SIZE: vals[i] = cg_i64(c, cg_size_of(c, concrete)); break;
    case VT_ALIGN: vals[i] = cg_i64(c, cg_align_of(c, concrete)); break;
    case VT_METHOD: vals[i] = vtable_method(c, concrete, tr, e); break;
    case VT_TRAIT_VPTR: {
      TraitRef *sup = traitref_new(e->trait, NULL, 0);
      vals[i] = cg_vtable(c, concrete, sup);
      break;
    }
    case VT_VACANT: vals[i] = LLVMConstNull(c->t_ptr); break;
    }
  }
  LLVMValueRef init = LLVMConstStructInContext(c->ctx, vals, n, false);
  g = LLVMAddGlobal(c->mod, LLVMTypeOf(init), arena_printf("vtable<%s as %s>", ty_name(concrete), traitref_name(tr)));
  LLVMSetInitializer(g, init);
  LLVMSetGlobalConstant(g, true);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
  LLVMSetAlignment(g, 8);
  mark_vtable(c, g, tr->trait);
  cg_cache_put(&c->vtables, &c->nvtables, &c->capvtables, key, tr->trait, g);
  if (c->opts->dump_vtables) dump_vtable(c, concrete, tr, l, vals);
  return g;
}

// ---------------------------------------------------------------------------------------------
// The module

static void init_target(CG *c) {
  LLVMInitializeNativeTarget();
  LLVMInitializeNativeAsmPrinter();
  char *triple = LLVMGetDefaultTargetTriple();
  LLVMTargetRef target;
  char *err = NULL;
  if (LLVMGetTargetFromTriple(triple, &target, &err)) {
    fprintf(stderr, "error: cannot find the LLVM target for %s: %s\n", triple, err);
    LLVMDisposeMessage(err);
    LLVMDisposeMessage(triple);
    fatal_exit(3);
  }
  LLVMCodeGenOptLevel lvl = c->opts->opt_level >= 2 ? LLVMCodeGenLevelDefault : LLVMCodeGenLevelNone;
  c->tm = LLVMCreateTargetMachine(target, triple, "generic", "", lvl, LLVMRelocPIC, LLVMCodeModelDefault);
  c->td = LLVMCreateTargetDataLayout(c->tm);
  LLVMSetTarget(c->mod, triple);
  char *layout = LLVMCopyStringRepOfTargetData(c->td);
  LLVMSetDataLayout(c->mod, layout);
  LLVMDisposeMessage(layout);
  LLVMDisposeMessage(triple);
}

// `main` for the C runtime: set up the runtime, run the program's main, flush and exit 0.
static void emit_entry(CG *c, LLVMValueRef user_main) {
  LLVMTypeRef ps[2] = {c->t_i32, c->t_ptr};
  LLVMValueRef fn = LLVMAddFunction(c->mod, "main", LLVMFunctionType(c->t_i32, ps, 2, false));
  c->fn = fn;
  c->entry = cg_new_block(c, "start");
  cg_set_block(c, c->entry);
  LLVMValueRef init = cg_runtime_fn(c, "trc_rt_init", LLVMVoidTypeInContext(c->ctx), ps, 2, false);
  LLVMValueRef args[2] = {LLVMGetParam(fn, 0), LLVMGetParam(fn, 1)};
  call(c, init, args, 2);
  call(c, user_main, NULL, 0);
  LLVMValueRef fin = cg_runtime_fn(c, "trc_rt_exit", c->t_i32, NULL, 0, false);
  LLVMBuildRet(c->b, call(c, fin, NULL, 0));
}

CodegenResult *codegen_program(Crate *crate, Options *opts) {
  CG *c = arena_alloc(sizeof *c);
  c->crate = crate;
  c->opts = opts;
  c->ctx = LLVMContextCreate();
  c->mod = LLVMModuleCreateWithNameInContext(opts->input_name, c->ctx);
  LLVMSetSourceFileName(c->mod, opts->input_name, strlen(opts->input_name));
  c->b = LLVMCreateBuilderInContext(c->ctx);
  init_target(c);
  c->t_ptr = LLVMPointerTypeInContext(c->ctx, 0);
  c->t_i1 = LLVMInt1TypeInContext(c->ctx);
  c->t_i8 = LLVMInt8TypeInContext(c->ctx);
  c->t_i32 = LLVMInt32TypeInContext(c->ctx);
  c->t_i64 = LLVMInt64TypeInContext(c->ctx);
  c->t_unit = LLVMStructTypeInContext(c->ctx, NULL, 0, false);
  LLVMTypeRef vec_el[3] = {c->t_ptr, c->t_i64, c->t_i64};
  c->t_vec = LLVMStructTypeInContext(c->ctx, vec_el, 3, false);
  LLVMTypeRef dyn_el[2] = {c->t_ptr, c->t_ptr};
  c->t_dynptr = LLVMStructTypeInContext(c->ctx, dyn_el, 2, false);
  LLVMTypeRef sl_el[2] = {c->t_ptr, c->t_i64};
  c->t_slice = LLVMStructTypeInContext(c->ctx, sl_el, 2, false);

  mono_init(crate);
  Instance *main_inst = mono_instance(crate->main_fn, NULL, 0, (Span){0});
  LLVMValueRef user_main = cg_instance_fn(c, main_inst);
  for (Instance *in; (in = mono_next_pending());) {
    if (in->emitted) continue;
    in->emitted = true;
    // Bodies that lower/ turned into MIR are emitted from it; the rest from the AST.
    if (!cg_emit_mir_body(c, in)) cg_emit_body(c, in);
  }
  c->inst = NULL;
  emit_entry(c, user_main);
  LLVMDisposeBuilder(c->b);
  if (diag_error_count()) {
    // The recursion limit (mono.c) left instances declared and never defined.
    LLVMDisposeModule(c->mod);
    LLVMDisposeTargetData(c->td);
    LLVMDisposeTargetMachine(c->tm);
    LLVMContextDispose(c->ctx);
    return NULL;
  }
  CodegenResult *r = arena_alloc(sizeof *r);
  r->ctx = c->ctx;
  r->mod = c->mod;
  r->tm = c->tm;
  r->td = c->td;
  return r;
}
