// mono.h — monomorphization: which instances exist.
//
// mono owns the Instance table: every (function, concrete type arguments) pair reachable from
// main, found by the collector's walk over MIR (collect.c) before codegen runs, with the
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
// Find or create the instance; new ones are queued for the collector's walk. `at` is the call
// (or use) that asks for it, where the recursion limit is reported; empty for drop glue and
// vtables. Once the collector is done, only finds: a new instance is an internal error.
Instance *mono_instance(FnDecl *fn, Type **targs, int ntargs, Span at);
// For codegen: every collected instance, in the order found; NULL at the end.
Instance *mono_next_pending(void);
Instance *mono_instance_at(int i);   // the i-th instance created, or NULL
// Type substitution with every parameter concrete, so that associated types resolve too.
Type *mono_subst(Type *t, Type **args, int n);
// The instance of `<self as trait>::method` for a concrete self: the impl's method, or the
// trait's default body (targs: the trait call's type arguments, Self first).
Instance *mono_trait_method(TraitDecl *trait, FnDecl *method, Type *self, Type **targs, int ntargs, Span at);
// The instance of the type's own Drop::drop (drop glue calls it before the fields'), or NULL.
Instance *mono_drop_method(Type *t);
// Clone and PartialEq that trc gives a builtin type itself (a Vec, a tuple, a String): true
// when `<self as trait>` has no impl to call.
bool mono_has_builtin_impl(TraitDecl *trait, Type *self, Type *rhs);  // rhs: PartialEq's Rhs (NULL: Self)
// [self, self, ...]: the type arguments of trait's methods whose parameters all default to Self
// (`PartialEq<Rhs = Self>`), as trc's builtin impls call them.
Type **mono_self_targs(TraitDecl *trait, Type *self);
// The instance in METHOD slot e of the vtable of (concrete, tr); NULL for the call slot of a
// `dyn Fn*` vtable, which has no impl (codegen's shim or the closure's body fills it).
Instance *mono_vtable_method(Type *concrete, TraitRef *tr, VtEntry *e);
// collect.c's walk: the next queued instance, which becomes the parent of those it asks for.
Instance *mono_next_to_walk(void);
// The collector is done: from now on mono_instance only finds.
void mono_seal(void);

//
// collect.c: the mono item collector
//

// Walks the MIR of every instance reachable from main (see collect.c); returns main's.
// Reports the recursion limit; codegen must not run after an error.
Instance *mono_collect(Crate *crate);
// --print-mono-items: one line per item, in the order the walk found them:
// `fn <Circle as Shape>::area`, `vtable <Circle as Shape>`, `drop-glue drop_in_place<Circle>`.
void mono_print_items(void *file);   // FILE *
// The vtables collected, each after the vtables of the supertraits it points to (the order
// --dump-vtable-layouts prints them in); NULL past the end.
typedef struct {
  Type *concrete;
  TraitRef *tr;
} MonoVtable;
MonoVtable *mono_vtable_at(int i);

#endif
