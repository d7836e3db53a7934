// mono.h — monomorphization: which instances exist.
//
// mono owns the Instance table: every (function, concrete type arguments) pair reachable from
// main, created on demand as codegen asks for them and queued until emitted, with the
// recursion limit for polymorphic recursion. It also resolves a trait method for a concrete
// Self type to the function that implements it. (The shape of each trait's vtable is sema's:
// sema/vtable.c, since MIR names vtable slots.)
#ifndef TRC_MONO_H
#define TRC_MONO_H

#include "lower/lower.h"

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
