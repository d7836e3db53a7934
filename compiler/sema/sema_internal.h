// sema_internal.h — what the checker's files share, lowest first; each file uses only the
// files listed above it:
//
//   traits.c      trait and impl queries, associated-type normalization (also in sema.h),
//                 dyn compatibility
//   resolve.c     lookup tables, `use` aliases, generic environments, types as written
//   const_eval.c  the values of consts used as patterns
//   check_match.c exhaustiveness of patterns
//   check_expr.c  bodies: statements, expressions, patterns, inference
//   check.c       the passes over the crate (collect, headers, bodies), check_program
#ifndef TRC_SEMA_INTERNAL_H
#define TRC_SEMA_INTERNAL_H

#include "sema/sema.h"

// traits.c
extern Crate *K;             // the crate being checked
extern GenericEnv *cur_env;  // the generic environment of the body being checked
bool param_has_bound(GenericEnv *env, int index, TraitDecl *trait);
bool trait_implies(TraitDecl *have, TraitDecl *want);
FnDecl *trait_find_method(TraitDecl *t, const char *name, TraitDecl **owner);
AssocTypeDecl *impl_assoc(ImplDecl *im, const char *name);   // `type name = ...;` of an impl
// The trait (t or a supertrait) that declares the associated type `name`, or NULL.
TraitDecl *trait_with_assoc(TraitDecl *t, const char *name);
Type *binding_of(TraitRef *r, const char *name);   // `name = X` in `Tr<name = X>`, or NULL
// E0038: reports (once per trait and site) why a trait cannot be made into `dyn`.
bool check_dyn_compatible(TraitDecl *t, Span use_site);
void check_pending_dyn_compatible(void);   // the checks made before the signatures were resolved
void traits_reset(void);

// resolve.c
// Names are looked up in the scope (the prelude's or the program's) of the item being checked:
// the checker calls this before it works on each item.
void resolve_scope_of(Span item);
StructDecl *lookup_struct(const char *name);
TraitDecl *lookup_trait(const char *name);
FnDecl *lookup_fn(const char *name);
ConstDecl *lookup_const(const char *name);
void resolve_add_use(Path path, const char *alias);   // `use path as alias;`
const char *expand_path(Path *p);
// `Some`/`None` and other variants imported by `use`: the variant index (and its enum), or -1.
int lookup_variant_alias(const char *name, StructDecl **out);
int find_variant(StructDecl *en, const char *name);   // index of a variant by name, or -1

GenericEnv *env_new(GenericEnv *parent);
int env_add(GenericEnv *e, const char *name);
void env_add_bound(GenericEnv *e, int i, TraitRef *tr);
int env_find(GenericEnv *e, const char *name);

Type *resolve_type(TypeExpr *te, GenericEnv *env, Type *self_ty);
Type *resolve_type_ex(TypeExpr *te, GenericEnv *env, Type *self_ty, bool allow_infer);
// The type part of an expression path (`Vec::new`, `Wrapper::<T>::new`): arguments may be left out.
Type *resolve_expr_path_type(TypeExpr *te, GenericEnv *env, Type *self_ty);
TraitRef *resolve_trait_ref(Path *p, GenericEnv *env, Type *self_ty);
Type *prim_by_suffix(const char *suffix);
void require_sized(Type *t, Span sp, const char *what);
void resolve_reset(void);

// const_eval.c
// The value of an integer, char or bool const as written (for const patterns); false if it is
// not something the evaluator knows.
bool const_value(ConstDecl *c, int depth, int64_t *out);

// check_match.c
// How many values of type t the patterns leave unmatched (0: exhaustive); the first `max` of
// them printed as patterns into out.
int match_witnesses(Pattern **rows, int nrows, Type *t, const char **out, int max);
const char *witness_list(const char **ws, int n);   // "`A`, `B` and `C`"

// check_expr.c
void check_fn_body(FnDecl *f);
void check_expr_reset(void);

#endif
