// vtable.c — vtables as LLVM constants, and the marks passes/devirt.c reads.
//
// The layout comes from mono/vtable.c (one list of entries per trait); here each entry becomes
// a constant: drop_in_place<T>, size, align, a method of T's impl (or the trait's default), a
// `dyn Fn*` call slot, or a pointer to a supertrait's vtable for upcasts.
#include "codegen/codegen_internal.h"

#include <stdio.h>
#include <string.h>

// ---------------------------------------------------------------------------------------------
// Vtables

// The function in a METHOD slot: the impl's method for this type (or the trait's default).
static LLVMValueRef vtable_method(CG *c, Type *concrete, TraitRef *tr, VtEntry *e) {
  if (mono_has_builtin_impl(e->trait, concrete, NULL)) return cg_builtin_impl_fn(c, e->trait, e->method, concrete);
  Instance *in = mono_vtable_method(concrete, tr, e);
  if (in) return cg_instance_fn(c, in);
  LLVMValueRef slot = cg_fn_call_slot(c, concrete);  // closures have no impl to look in
  return e->trait == c->crate->fn_traits[2] ? cg_call_once_shim(c, concrete, slot) : slot;
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
  if (ptrmap_get(&c->traits_with_vtable, t, NULL)) return;  // not the first vtable of t: its prefixes are listed
  ptrmap_put(&c->traits_with_vtable, t, NULL, t);
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
  LLVMValueRef g = cg_cache_get(&c->vtables, key, tr->trait);
  if (g) return g;
  VtLayout *l = vtable_layout(tr->trait);
  int n = l->entries.len;
  LLVMValueRef *vals = arena_alloc(sizeof(LLVMValueRef) * n);
  for (int i = 0; i < n; i++) {
    VtEntry *e = &l->entries.data[i];
    switch (e->kind) {
    // As rustc's: null when the type has no drop glue, and the drop through the vtable tests
    // for it (drop.c), so that a vtable of a plain struct costs no function.
    case VT_DROP: vals[i] = ty_needs_drop(concrete) ? cg_drop_glue(c, concrete) : LLVMConstNull(c->t_ptr); break;
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
  cg_cache_put(&c->vtables, key, tr->trait, g);
  return g;
}
