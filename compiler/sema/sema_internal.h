// sema_internal.h — what the checker's files share, lowest first; each file uses only the
// files listed above it:
//
//   traits.c        trait and impl queries, associated-type normalization (also in sema.h),
//                   dyn compatibility
//   module_paths.c  `use` declarations, paths through the program's modules, privacy
//   resolve.c       lookup tables, `use` aliases, generic environments, types as written
//   const_eval.c    the values of consts used as patterns
//   check_match.c   exhaustiveness of patterns
//   unify.c         bodies, from here to check_body.c: unification, coercions, scopes of locals
//   check_path.c    paths in expressions, calls and their arguments
//   method.c        the builtin method table and the method probe
//   check_macro.c   println!/format!, assert!, vec! and the other macros
//   check_expr.c    expressions
//   check_pattern.c patterns, statements, blocks, match; exhaustiveness of a body's patterns
//   check_moves.c   moving out of borrows (E0507), partial moves, captures consumed
//   opaque.c        `-> impl Tr`: what callers know of it (traits.c, method.c and unify.c ask,
//                   going up the list as trait queries do) and how its body decides it
//   check_body.c    check_fn_body: one body from start to end (zonking, obligations)
//   check.c         the passes over the crate (collect, headers, bodies), check_program
//
// Body checking recurses (an expression holds blocks, calls, macros), so two kinds of call go
// up the list: unify.c to check_macro.c call check_expr (check_coerce, arguments, receivers),
// and check_expr.c calls check_pattern.c (check_block, check_match, bind_pattern).
#ifndef TRC_SEMA_INTERNAL_H
#define TRC_SEMA_INTERNAL_H

#include "sema/sema.h"

// traits.c
extern Crate *K;             // the crate being checked
extern GenericEnv *cur_env;  // the generic environment of the body being checked
bool param_has_bound(GenericEnv *env, int index, TraitDecl *trait);
bool trait_implies(TraitDecl *have, TraitDecl *want);
// auto_traits.c: whether Send or Sync has a (positive) impl for t's struct, which then decides
// as impls do; else the part of t that is not Send (Sync), NULL when t is, and in *which the
// trait that part lacks (a `&RefCell<T>` is not Send because RefCell is not Sync).
bool auto_trait_has_impl(Type *t, TraitDecl *trait);
Type *auto_trait_failure(Type *t, TraitDecl *trait, TraitDecl **which);
AssocTypeDecl *impl_assoc(ImplDecl *im, const char *name);   // `type name = ...;` of an impl
// The trait (t or a supertrait) that declares the associated type `name`, or NULL.
TraitDecl *trait_with_assoc(TraitDecl *t, const char *name);
Type *binding_of(TraitRef *r, const char *name);   // `name = X` in `Tr<name = X>`, or NULL
// E0038: reports (once per trait and site) why a trait cannot be made into `dyn`.
bool check_dyn_compatible(TraitDecl *t, Span use_site);
bool may_implement(Type *t, TraitDecl *trait);  // some instantiation of t (with vars) could implement trait
bool unify_with_literal_impl(TraitDecl **traits, int ntraits, Type *self);  // `W(1).name()`: the one impl it can be
bool has_literal_var(Type *t);  // t holds an `{integer}` or `{float}` still
// An impl's self type pat (its parameters bound into binds) matching t; may_match: whether t,
// with inference variables, could become a type pat matches.
bool match_type(Type *pat, Type *t, Type **binds, int nbinds);
bool may_match(Type *pat, Type *t);
bool builtin_impl(Crate *crate, Type *t, TraitDecl *trait);  // trc's own Clone and PartialEq of t
// Of the impls of trait for self, the only one whose trait arguments args could become, unified in.
ImplDecl *select_by_args(TraitDecl *trait, Type *self, Type **args, int nargs);
Type *const *literal_types(Type *var, int *n);  // what `{integer}` or `{float}` may become

// compare.c: `a == b` and `a < b` between two types (`impl PartialEq<f64> for Money`)
bool ty_may_unify(Type *a, Type *b);  // unify's answer, nothing bound
bool compares_with(TraitDecl *trait, Type *a, Type *b);  // `a: PartialEq<b>` (PartialOrd), literals decided
bool compares_with_several(TraitDecl *trait, Type *a);  // `a op _` has several impls to pick from
bool compares_with_itself(TraitDecl *trait, Type *t);  // `t: PartialEq<t>`, not any PartialEq
Type *only_compared_rhs(TraitDecl *trait, Type *a);  // the Rhs of a's one impl, or NULL
void check_coherence(void);  // coherence.c: orphan rules, overlapping impls, Copy with Drop
void check_pending_dyn_compatible(void);   // the checks made before the signatures were resolved
void traits_reset(void);

// module_paths.c
typedef enum { MT_NONE, MT_MODULE, MT_ITEM, MT_VARIANT_PATH } ModTargetKind;
// What a name or a path through the program's modules stands for.
typedef struct {
  ModTargetKind kind;
  const char *module;  // MT_MODULE: the module; MT_ITEM: the module declaring the item
  const char *name;    // the module's or item's own name
  Item *item;          // MT_ITEM (NULL in scope_candidates' answers)
  Span decl_span;
  bool visible;        // from where it was asked
  bool via_import;     // found through a `use` of the module asked (E0603 says "struct import")
  int rest;            // MT_VARIANT_PATH: the index of the enum's segment in the `use` path
  const char *variant; // MT_VARIANT_PATH reached by name (`m::Red` through `pub use self::Color::*`)
} ModTarget;
// Resolves every `use` of the program and rewrites the paths that go through modules (see the
// file); false after an error (E0432, E0433, E0603, E0412, E0425).
bool resolve_module_paths(Program *prog);
void module_paths_reset(void);
bool use_is_program_path(Item *use);  // not a `use std::...`: module_paths.c resolves it
Path *use_variant_path(Item *use);    // `use a::Color::*;` as `crate::a::Color::*`, or NULL
// (at: where the name is written, or the body being checked; a body's `use` counts only there)
int scope_candidates(const char *scope, const char *name, Span at, ModTarget *out, int max);
bool split_qualified(const char *q, const char **module, const char **name);
const char *qualified_name(const char *module, const char *name);
const char *glob_variant(const char *scope, const char *name, Span at, const char **variant);
Span decl_body(Span sp);
bool span_within(Span in, Span region);  // in lies inside region (the same file)
bool module_visible(Visibility v, const char *in, const char *from);
// Whether trait `name` of module `module` is in scope in module `scope` (E0599 otherwise).
bool trait_imported(const char *scope, const char *module, const char *name, Span at);
ModTarget resolve_in_module(const char *in, const char *name, const char *from);
void check_field_privacy(StructDecl *s, FieldDecl *fd, Span at, const char *code);  // E0616, E0451
bool field_visible(StructDecl *s, FieldDecl *fd, Span at);
FieldDecl *private_ctor_field(StructDecl *s, Span at);
void check_fn_privacy(FnDecl *f, Span at);  // E0624
bool fn_visible(FnDecl *f, Span at);
bool trait_visible(TraitDecl *tr, Span at);
void check_trait_method_privacy(TraitDecl *tr, FnDecl *m, Span at);  // E0624
void check_impl_assoc_privacy(ImplDecl *im);  // E0446

// resolve.c
extern FnDecl *opaque_owner;  // while its return type is resolved: `impl Tr` there is opaque
// Names are looked up in the scope (the prelude's or the program's) of the item being checked:
// the checker calls this before it works on each item.
void resolve_scope_of(Span item);
// ... and, in a body, the body or the block that declares items (returns the one it replaces)
Span resolve_body_scope(Span body);
StructDecl *lookup_struct(const char *name);
bool trait_methods_in_scope(TraitDecl *t, Span use);  // std::ops', std::fmt's... only once imported
void resolve_body_trait(TraitDecl *t);  // the trait the body being checked implements or defines
TraitDecl *lookup_trait(const char *name);
FnDecl *lookup_fn(const char *name);
ConstDecl *lookup_const(const char *name);
// Items named by a path into a std module (`fmt::Display`, `std::fmt::Result` after `use`
// expansion): *name is set to the item's name and the module is returned, or NULL when the
// path does not name a std module trc has (`std::ops::Add` names the prelude's root item).
const char *path_std_module(Path *p, const char **name);
// Methods by name (resolve.c builds the index once the impls' headers are resolved): the
// functions of inherent impls named so, in the order written, and the traits that declare a
// method so themselves.
void index_methods(void);
FnDecl **inherent_fns_named(const char *name, int *n);
TraitDecl **traits_declaring(const char *name, int *n);
int trait_ordinal(TraitDecl *t);  // its position among the crate's traits (traits_declaring's order)
// The traits with an impl whose self type has u's head (kind and declaration), and those with
// a blanket impl: the only ones that may have an impl for u. False when u's head is not known
// (an inference variable, a parameter, a projection): any trait may.
bool traits_with_impls_for(Type *u, TraitDecl ***head, int *nhead, TraitDecl ***blanket, int *nblanket);
// The type alias a stands for, with its parameters as parameters 0.. (resolved on first use).
Type *alias_type(AliasDecl *a);
// A struct or trait named by a std path (`std::fmt::Formatter`, `fmt::Display` after `use
// std::fmt`, `std::option::Option`), or NULL; a one-segment trait path is looked up by name.
StructDecl *lookup_struct_path(Path *p);
ConstDecl *lookup_const_path(Path *p);
Type *parse_result(Type *t, const char *error);  // Result<t, error> (ParseIntError, ParseFloatError)
TraitDecl *lookup_trait_path(Path *p);
StructDecl *lookup_struct_in(const char *module, const char *name);
TraitDecl *lookup_trait_in(const char *module, const char *name);
void resolve_add_use(Path path, const char *alias, Span at);   // `use path as alias;` at `at`
const char *resolve_current_module(void);  // the program's module being checked, or NULL
void resolve_add_reexport(const char *module, Path path, const char *alias);  // `pub use` in a std module
const char *expand_path(Path *p);
// `Some`/`None` and other variants imported by `use`: the variant index (and its enum), or -1.
int lookup_variant_alias(const char *name, StructDecl **out);

GenericEnv *env_new(GenericEnv *parent);
AliasDecl *lookup_alias(const char *name);  // resolve.c: a `type` alias in scope
void check_pending_struct_bounds(void);  // resolve.c: `Foo<u32>` meets `struct Foo<T: Tr>`'s bounds
void struct_bounds_reset(void);
bool defaults_from(StructDecl *s, int from);  // resolve.c: s's parameters from `from` on all have defaults
int env_add(GenericEnv *e, const char *name);
void env_add_bound(GenericEnv *e, int i, TraitRef *tr);
void env_add_pred(GenericEnv *e, Type *t, TraitRef *tr);
bool unify_with_only_impl(TraitRef *tr, Type *self);  // the trait args the only impl for self has  // `where <projection>: Tr`
int env_find(GenericEnv *e, const char *name);

Type *resolve_type(TypeExpr *te, GenericEnv *env, Type *self_ty);
// A const argument or array length (`3`, `SIZE`, `N`, `{ W * H }`) as a TY_CONST or the const
// parameter's TY_PARAM; NULL when it is none of those.
Type *const_arg(Expr *e, GenericEnv *env);
Type *resolve_generic_arg(TypeExpr *te, bool want_const, GenericEnv *env, Type *self_ty, bool allow_infer);
Type *resolve_type_ex(TypeExpr *te, GenericEnv *env, Type *self_ty, bool allow_infer);
// The type part of an expression path (`Vec::new`, `Wrapper::<T>::new`): arguments may be left out.
Type *resolve_expr_path_type(TypeExpr *te, GenericEnv *env, Type *self_ty);
TraitRef *resolve_trait_ref(Path *p, GenericEnv *env, Type *self_ty, Type *bounded);  // bounded: the Self of defaults
Type *prim_by_suffix(const char *suffix);
void require_sized(GenericEnv *env, Type *t, Span sp, const char *what);  // E0277 unless env_is_sized
Type *resolve_let_type(TypeExpr *te, GenericEnv *env, Type *self_ty);  // errors at the whole annotation
bool env_is_sized(GenericEnv *env, Type *t);  // ty_is_sized, and no `?Sized` parameter of env
Type *unsized_part(GenericEnv *env, Type *t);  // what makes t unsized in env (`X` of `(S<X>, i32)`), or NULL
bool trait_implies_sized(TraitDecl *t);  // Sized among t's supertraits (`Clone: Sized`)
void resolve_reset(void);

// const_eval.c
// The value of an integer, char or bool const as written (for const patterns); false if it is
// not something the evaluator knows.
bool const_value(ConstDecl *c, int depth, int64_t *out);
bool const_fn_value(FnDecl *fn, int64_t *out);
bool const_expr_value(Expr *e, int64_t *out);  // `SIZE`, `W * H` as an array length

// check_match.c
// How many values of type t the patterns leave unmatched (0: exhaustive); the first `max` of
// them printed as patterns into out.
int match_witnesses(Pattern **rows, int nrows, Type *t, const char **out, int max);
const char *witness_list(const char **ws, int n);   // "`A`, `B` and `C`"

// The state of checking one body, shared by unify.c through check_body.c. One Fcx per body.
typedef struct {
  const char *name;
  Local *local;
  uint32_t hyg;  // the hygiene of the name (macro_rules.c): 0 unless a macro wrote it
} Binding;

typedef struct {
  Type *ty;
  TraitDecl *trait;
  TraitRef *tr;  // when it binds associated types (`T: Tr<Item = u32>`): checked too (E0271)
  Span span;
  bool format_arg;  // a format argument's Display or Debug: reported as rustc reports those
  bool opaque_bound;  // a bound of `-> impl Tr` on the hidden type the body returns
  FnDecl *bound_of;  // the method whose `where Self: Tr` asks for it, whose bound is at bound_span
  Span bound_span;
} Obligation;

typedef VEC(Local *) LocalVec;

// `x?` converting an error type that is still a projection of an unknown type, or into the
// error type of a closure's return type not known yet: checked (and its From conversion
// chosen) once the body's types are known.
typedef struct {
  Expr *e;
  Type *from, *to;
  bool open_ret;  // `to` is the error type of a closure's return type, which the body must decide
} DeferredTry;

// `E(e)` in `.map_err(|e| E(e))` after `s.parse()`: e's type is `<?F as FromStr>::Err` until
// the rest of the body fixes ?F, so the coercion of e to ParseIntError waits for the end of
// the body (as rustc's projection obligations do), and is reported there if it fails.
typedef struct {
  Expr *e;
  Type *from, *to;
} DeferredCoerce;

// A closure value given for an Fn or FnMut bound: whether its kind fits is known once the
// body's moves are (a capture moved out makes it FnOnce), at the end of the body.
typedef struct {
  FnDecl *closure;
  TraitDecl *want;
  Expr *arg;
} KindCheck;

typedef struct {
  FnDecl *fn;
  GenericEnv *env;
  Type *self_ty;
  Type *ret;
  VEC(Binding) binds;  // the locals in scope, innermost last
  LoopInfo *loop;
  VEC(Expr *) exprs;   // every checked expression, zonked at the end
  VEC(Obligation *) obligations;  // `T: Trait` facts to verify once types are known
  VEC(Obligation *) outlives;     // `T: 'static` asked of a callee's type arguments (no trait)
  VEC(DeferredTry) tries;  // `x?` whose error type inference had not decided yet (`s.parse()?`)
  VEC(DeferredCoerce) coercions;  // a value of a projection not known yet given where a type is expected
  VEC(Type *) diverging;  // results of closures whose bodies never return: `()` if nothing else decides them
  VEC(Expr *) moves;   // expressions used by value, checked for moving out of borrows
  VEC(Expr *) closure_calls;  // `f()` of a local closure f: a move of f if f is FnOnce (check_moves)
  bool diverges;       // the statement list so far always returns/breaks/panics
  bool reported_infer;
  VEC(Pattern *) pats; // every checked pattern, zonked at the end
  VEC(Expr *) matches; // match expressions, checked for exhaustiveness at the end
  VEC(FnDecl *) closures;  // closures in the body (their types are zonked at the end)
  VEC(KindCheck) kind_checks;  // closures given for Fn/FnMut bounds (check_closure_kinds)
  VEC(Pattern *) irrefutable;  // let/parameter/for patterns, which must match every value
  VEC(Pattern *) at_bindings;  // `name @ subpattern` bindings, checked for conflicts after inference
  VEC(Stmt *) destructuring_lets;  // `let (a, ref b) = x;`: whether x moves is known after inference
  LocalVec pat_locals; // locals bound by patterns, in order
  VEC(Pattern *) one_pattern;  // the bindings of the pattern (or parameter list) being checked: E0416/E0415
  TraitRef *closure_hint;  // an Fn bound the next closure expression will be checked against
  bool resolving_callee;   // the path being resolved is called (`S::f()`, not `S::N`): for messages
  // `Rc::new(|m| ..)` expected to be an `Rc<dyn Fn(&str)>`: the argument whose type is this
  // variable is a closure checked against this Fn bound (rustc deduces its signature so).
  Type *unsize_var;
  TraitRef *unsize_fn;
  LocalVec *or_binds;  // inside a later alternative of an or-pattern: the first one's locals
  LocalVec or_seen;    // ... and which of them this alternative bound
  Expr *field_base;    // the base of the field access being checked (`c` of `c.hits`)
} Fcx;

// A callable resolved from a path, with its instantiated signature.
typedef struct {
  Type **params;
  int nparams;
  Type *ret;
  bool variadic_ok;
} Sig;

// unify.c
// Names the checker compares by pointer, interned by init_names (once per arena).
extern const char *s_self, *s_println, *s_print, *s_eprintln, *s_eprint, *s_format, *s_panic, *s_vec,
    *s_assert, *s_assert_eq, *s_assert_ne, *s_unreachable, *s_todo, *s_unimplemented, *s_write, *s_writeln;
void init_names(void);
bool unify(Type *a, Type *b);
bool ty_occurs(Type *v, Type *t);  // whether t is v or has it inside (args, inner, ret)
// How rustc names a type in "expected X, found Y": "integer", "floating-point number", `T`.
const char *expected_name(Type *t);
void mismatch(Expr *e, Type *expected, Type *found);   // E0308 "mismatched types" at e
// `t: trait`, to check once the body's types are known.
Obligation *obligate(Fcx *fx, Type *t, TraitDecl *trait, Span sp);
// `{}` / `{:?}` of a value of type t at sp: E0277 "doesn't implement" unless it is Display/Debug.
void report_unformattable(Type *t, bool debug, Span sp);
// A bound with associated type bindings, its binding types instantiated with `targs`.
void obligate_ref(Fcx *fx, Type *t, TraitRef *r, Type **targs, int n, Span sp);
int scope_mark(Fcx *fx);               // the locals in scope now, for scope_pop
void scope_pop(Fcx *fx, int mark);     // forgets the locals bound since scope_mark
Local *new_local(Fcx *fx, const char *name, Type *t, bool mut, Span sp, LocalKind kind);
Local *find_local(Fcx *fx, const char *name);
// The local a name written with hygiene hyg refers to (a macro's own locals, see macro_rules.c).
Local *find_local_hyg(Fcx *fx, const char *name, uint32_t hyg);
void bind_hygiene(Fcx *fx, uint32_t hyg);  // gives the binding new_local just made hygiene hyg   // the innermost local of that name in scope
bool callable_sig(Fcx *fx, Type *t, Sig *out);  // the parameters and result of something callable
// A callable's signature must fit the Fn bound it is passed for (E0631).
void unify_with_fn_bound(Fcx *fx, Expr *arg, Type *t, TraitRef *bound, Span call);
// Unifies, or records on e a coercion from `from` to `to`; false if neither works.
bool coerce(Fcx *fx, Expr *e, Type *from, Type *to);
// Checks e where Rust coerces to `expected` (let with a type, arguments, returns, fields).
void check_coerce(Fcx *fx, Expr *e, Type *expected);

// check_path.c
// Fresh variables for env's parameters (the first `from` taken from prefix), their bounds
// obligations.
Type **fresh_targs(Fcx *fx, GenericEnv *env, int from, Type **prefix, Span sp);
// `f::<A, B>`: unifies the explicit arguments with env's own parameters, from own_from on.
void apply_turbofish(Fcx *fx, PathSeg *seg, GenericEnv *env, int own_from, Type **targs);
Sig sig_of(FnDecl *f, Type **targs, int n);   // f's signature instantiated with targs
// A path naming a constructor: an enum variant or a unit/tuple struct. Sets *sd, *variant (-1
// for a struct) and *adt, the constructed type.
bool resolve_ctor_path(Fcx *fx, Path *p, StructDecl **sd, int *variant, Type **adt);
// A struct's or (variant >= 0) an enum variant's kind, fields and name.
StructKind ctor_kind(StructDecl *s, int variant);
int ctor_nfields(StructDecl *s, int variant);
FieldDecl *ctor_fields(StructDecl *s, int variant);
const char *ctor_name(StructDecl *s, int variant);
// Resolves a value path; for fns, fills e->fn/e->fn_targs and returns true.
bool resolve_value_path(Fcx *fx, Expr *e);
// A by-value use of e: recorded for check_moves.
void note_move(Fcx *fx, Expr *e);
void note_move_to(Fcx *fx, Expr *e, Type *expected);  // a `&mut` expected: reborrowed, not moved
// rustc's E0061: the call, with a label naming the first missing or unexpected argument.
void arg_count_error(Fcx *fx, Span at, Expr **args, int nargs, Type **params, int nparams, const char *what);
// One argument: a closure passed for an Fn bound takes its parameter types from the bound.
void check_arg(Fcx *fx, Expr *arg, Type *param, Span call);
bool value_sized(Fcx *fx, Expr *e, const char *what);  // E0277 unless e's type is Sized (by value)
void check_closure_kinds(Fcx *fx);   // E0525 for the closures check_arg gave to Fn/FnMut bounds
// The Fn bound a value of type param must meet (a closure takes its signature from it): of
// `dyn Fn`, or an obligation on a variable (`F: Fn(i64) -> i64`, `-> impl Fn(i64) -> i64`).
TraitRef *fn_bound_of(Fcx *fx, Type *param);
Type *check_call(Fcx *fx, Expr *e, Type *expected);

// method.c
Type **copy_types(Type **t, int n);   // an arena copy of n types
Type *check_method(Fcx *fx, Expr *e);
Type *check_method_on(Fcx *fx, Expr *e, Type *rt);  // e's receiver already checked, of type rt
int builtin_method_arity(Type *t, const char *name);  // `String::len`: 1; -1 if none
Type *check_operator_method(Fcx *fx, Expr *m);
void ambiguous_items(Span at, const char *name, TraitDecl *a, TraitDecl *b, Type *t);  // E0034  // `a + b` as `a.add(b)`, a already checked
// check_expr.c
Expr *deref_through(Fcx *fx, Expr *base, int derefs);  // `*base` through Deref after builtin derefs, or NULL
bool has_user_deref(Type *t);  // t implements Deref and is no reference or Box
const char *deref_data_name(Type *t);  // "an `Rc`", "dereference of `T`"
void note_mut_use(Fcx *fx, Expr *place);  // check_expr.c: a closure's capture used mutably
void unify_bindings(Fcx *fx);  // check_body.c: what pending obligations with one impl decide
void settle_literal(Fcx *fx, Type *var);  // check_body.c: the one type a literal's bounds allow it, now
void capture_use(Fcx *fx, Local *l, int field, bool deref);  // check_path.c: a closure body's use of a capture
void capture_through(Fcx *fx, Expr *e);  // ... that only goes through the variable (`*r`, `r[i]`)
void settle_captures(Fcx *fx);  // after check_moves: reference variables used only through

// check_macro.c
Type *check_macro(Fcx *fx, Expr *e, Type *expected);

// check_expr.c
bool is_place(Expr *e);   // a local, a field, an index or a deref
// The expression that gives a block-like expression its value, for pointing at it.
Type *join_closures(Fcx *fx, Expr *ea, Expr *eb, Type *a, Type *b);  // two closures as one fn pointer type, or NULL
Expr *value_expr(Expr *e);
Type *deref_all(Type *t);  // check_expr.c: t behind all its references
// e's type; `expected` is only a hint (see check_coerce).
Type *check_expr(Fcx *fx, Expr *e, Type *expected);
// `a == b`'s operands a and b (also assert_eq!'s): CMP_SAME when they are of one type (unified) or a
// has no impl of the trait (the caller checks a's type, E0369), CMP_OTHER when they compare otherwise
// (strings, `impl PartialEq<B> for A`), CMP_ERROR when reported.
typedef enum { CMP_SAME, CMP_OTHER, CMP_ERROR } CompareKind;
CompareKind check_compared(TokenKind op, Expr *rhs, Type *a, Type *b, Span at);
// What the right operand of `a op _` is expected to be: a, unless a's type has impls for several
// (`words == vec!["a"]` for a Vec<String>), whose right operand is checked on its own.
Type *compared_rhs_hint(TokenKind op, Type *a);
void report_incomparable(TokenKind op, Type *a, Type *b, Span at);  // E0277 "can't compare `A` with `B`"
void check_try_conversion(Expr *e, Type *from, Type *to);  // `x?`'s error: the same, or From
void check_expr_reset(void);

// check_pattern.c
// Binds a let, parameter or `for` pattern, which must be irrefutable (E0005).
void bind_pattern(Fcx *fx, Pattern *p, Type *t, bool is_param);
// After inference: every match covers its scrutinee's type (E0004), every `let` pattern is
// irrefutable (E0005), and a match whose arms move out of the scrutinee moves it.
void check_exhaustive(Fcx *fx);
Type *check_match(Fcx *fx, Expr *e, Type *expected);
Type *check_block(Fcx *fx, Block *b, Type *expected);

// check_moves.c
void check_moves(Fcx *fx);
void note_let_moves(Fcx *fx);  // check_pattern.c: the destructuring lets whose bindings move   // after inference: moving out of borrows (E0507), partial moves

// opaque.c
bool opaque_implements(Crate *crate, Type *t, TraitDecl *trait);  // t: TY_OPAQUE
Type *opaque_binding(Type *t, const char *name);  // `Item` of `impl Iterator<Item = u32>`
Type *opaque_define(FnDecl *f, Type *ret);        // f's return type for its body: opaque types as variables
void opaque_require_bounds(Fcx *fx);              // after the body: the hidden types meet the bounds
void opaque_record_hidden(Fcx *fx);               // after zonking: the hidden types, for mono

// check_body.c
void check_fn_body(FnDecl *f);
void check_contexts(FnDecl *f);  // contexts.c: E0133 outside `unsafe`, E0015 in consts

#endif
