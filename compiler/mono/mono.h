// mono.h — monomorphization: which instances exist, and the shape of vtables.
//
// mono owns the Instance table: every (function, concrete type arguments) pair reachable from
// main, created on demand as codegen asks for them and queued until emitted, with the
// recursion limit for polymorphic recursion. It also resolves a trait method for a concrete
// Self type to the function that implements it, and lays out each trait's vtable (one list of
// entries from which slot indices, the LLVM constant and the layout dump are all derived).
#ifndef TRC_MONO_H
#define TRC_MONO_H

#include "sema/sema.h"

//
// vtable.c: the shape of a trait's vtable (see the comment there for rustc's order)
//

typedef enum {
  VT_DROP,        // drop_in_place<T>
  VT_SIZE,        // size_of::<T>()
  VT_ALIGN,       // align_of::<T>()
  VT_METHOD,      // a method (method, trait)
  VT_TRAIT_VPTR,  // a pointer to the vtable of supertrait `trait` for the same T (for upcasts)
  VT_VACANT,      // a slot kept empty
} VtEntryKind;

typedef struct {
  VtEntryKind kind;
  FnDecl *method;
  TraitDecl *trait;
} VtEntry;

typedef struct {
  VEC(VtEntry) entries;   // slot i is entries.data[i]
} VtLayout;

VtLayout *vtable_layout(TraitDecl *t);
int vtable_method_slot(TraitDecl *principal, FnDecl *method);   // -1 when the method has no slot
int vtable_upcast_slot(TraitDecl *principal, TraitDecl *target); // -1: the vtable is a prefix
void vtable_reset(void);   // empties the layout cache

//
// mono.c: instances
//

typedef struct Instance {
  FnDecl *fn;
  Type **targs;         // concrete type arguments for fn->env (impl/trait params first)
  int ntargs;
  const char *symbol;   // readable LLVM name: `draw_static<Circle>`, `<Circle as Drawable>::draw`
  void *llvm_fn;        // LLVMValueRef
  bool emitted;
  struct Instance *parent;  // the instance whose body first asked for this one (NULL: main)
  int depth;            // how many instances of the same fn that chain of parents holds
  struct Instance *next_in_bucket;
} Instance;

void mono_init(Crate *crate);
// Find or create the instance; new ones are queued for codegen. `at` is the call (or use)
// that asks for it, where the recursion limit is reported; empty for drop glue and vtables.
Instance *mono_instance(FnDecl *fn, Type **targs, int ntargs, Span at);
Instance *mono_next_pending(void);
// Resolve a trait method for a concrete Self type to the FnDecl that implements it (the impl's
// method, or the trait's default body) and the full type arguments for that FnDecl.
FnDecl *mono_resolve_method(TraitDecl *trait, FnDecl *method, Type *self_ty, Type **method_targs,
                            int n_method_targs, Type ***out_targs, int *out_ntargs);

#endif
