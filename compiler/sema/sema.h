// sema.h — semantic analysis: interned types, name resolution and type checking.
//
// sema owns the semantic types (interned: type equality is pointer equality), the Crate (every
// declaration of the program, prelude first), generic environments, trait and impl queries
// (find_impl, type_implements, ty_normalize) and the checker. The checker does not lower: it
// annotates the AST in place. Generic functions are checked once, with their type parameters
// as opaque TY_PARAM types; later phases substitute concrete types per instance and ask the
// trait queries declared here, never the checker itself.
#ifndef TRC_SEMA_H
#define TRC_SEMA_H

#include "syntax/syntax.h"

//
// types.c: interned semantic types
//

typedef enum {
  TY_UNIT,     // () — the empty tuple, kept as its own kind for convenience
  TY_BOOL,
  TY_CHAR,
  TY_INT,      // bits + is_signed; isize/usize are 64-bit but distinct (is_size)
  TY_FLOAT,    // bits 64 or 32
  TY_STR,      // str (unsized)
  TY_NEVER,    // !
  TY_REF,      // &T / &mut T
  TY_PTR,      // *const T / *mut T
  TY_TUPLE,
  TY_ARRAY,    // [T; N]: len N, or (nargs 1) args[0] a length not known yet (a const parameter)
  TY_SLICE,    // [T] (unsized)
  TY_STRUCT,   // a user struct or enum with type args
  TY_BOX,      // Box<T>
  TY_VEC,      // Vec<T>
  TY_STRING,   // String
  TY_DYN,      // dyn Trait + Auto...
  TY_PARAM,    // a generic parameter (or Self in a trait)
  TY_VAR,      // an inference variable (never interned into the final AST)
  TY_FN,       // fn item / fn pointer: params + ret
  TY_RANGE,    // Range<T> (len 0) / RangeInclusive<T> (len 1): the value of `a..b`
  TY_ASSOC,    // <inner as assoc_trait>::name — an associated type not yet normalized
  TY_CLOSURE,  // the type of one closure expression (closure), args = its fn's type arguments
  TY_ITER,     // std::slice::Iter<T> over inner (mut: IterMut): {ptr, len} left to visit
  TY_OPAQUE,   // `-> impl Tr` of one function (opaque), args = that function's type arguments
  TY_CONST,    // the value len given to a const parameter (`3` of `Buf<3>`, of `[T; 3]`)
} TypeKind;

// A trait reference with its type arguments: `AsRef<str>`, `Iterator<Item = u32>`.
typedef struct {
  TraitDecl *trait;
  Type **args;
  int nargs;
  const char **assoc_names;  // dyn Tr<Item = T> bindings
  Type **assoc_types;
  int nassoc;
} TraitRef;

struct Type {
  TypeKind kind;
  int bits;             // TY_INT, TY_FLOAT
  bool is_signed;       // TY_INT
  bool is_size;         // TY_INT: isize/usize
  bool mut;             // TY_REF, TY_PTR
  Type *inner;          // TY_REF, TY_PTR, TY_BOX, TY_VEC, TY_SLICE, TY_ARRAY
  uint64_t len;         // TY_ARRAY
  Type **args;          // TY_TUPLE elems, TY_STRUCT type args, TY_FN params
  int nargs;
  Type *ret;            // TY_FN
  StructDecl *sdecl;    // TY_STRUCT
  TraitRef *principal;  // TY_DYN: the one non-auto trait (NULL for `dyn Send`)
  TraitDecl **autos;    // TY_DYN: auto traits, sorted by name
  int nautos;
  TraitDecl *assoc_trait;  // TY_ASSOC
  FnDecl *closure;      // TY_CLOSURE: the closure's body as a function
  struct Opaque *opaque;  // TY_OPAQUE
  // TY_PARAM (and TY_ASSOC's name)
  const char *name;
  int index;            // position in the generic environment's flat list
  // TY_VAR
  int var_id;
  int var_kind;         // 0 any, 1 integer literal, 2 float literal
  Type *binding;        // union-find link, NULL while unbound
  uint32_t hash;
  uint64_t kinds_within;  // interned: KINDS_KNOWN | a bit per TypeKind found in it (types.c)
  Type *next_in_bucket;
  const char *display;  // cached printable name
};

extern Type *ty_unit, *ty_bool, *ty_char, *ty_str, *ty_never, *ty_string;
extern Type *ty_i8, *ty_i16, *ty_i32, *ty_i64, *ty_isize, *ty_u8, *ty_u16, *ty_u32, *ty_u64, *ty_usize;
extern Type *ty_i128, *ty_u128;
extern Type *ty_f32, *ty_f64;

void types_init(void);
Type *ty_ref(Type *inner, bool mut);
Type *ty_ptr(Type *inner, bool mut);
Type *ty_box(Type *inner);
Type *ty_vec(Type *inner);
Type *ty_slice(Type *inner);
Type *ty_array(Type *inner, uint64_t len);
// Const generics: a const parameter is a TY_PARAM, its value a TY_CONST. An array whose length
// is a parameter (or a variable) holds that length as args[0]; substituted, it is an array.
Type *ty_const_val(uint64_t v);
Type *ty_array_of(Type *inner, Type *len);  // ty_array when len is a TY_CONST
Type *ty_array_len(Type *array);            // the length as a type: TY_CONST, TY_PARAM or TY_VAR
Type *ty_tuple(Type **elems, int n);
Type *ty_struct(StructDecl *s, Type **args, int n);
Type *ty_dyn(TraitRef *principal, TraitDecl **autos, int nautos);
Type *ty_param(const char *name, int index);
Type *ty_fn(Type **params, int n, Type *ret);
Type *ty_fn_q(Type **params, int n, Type *ret, int quals);  // FNQ_UNSAFE, FNQ_C
Type *ty_range(Type *elem, bool inclusive);
Type *ty_assoc(Type *self, TraitDecl *trait, const char *name);
Type *ty_assoc_args(Type *self, TraitDecl *trait, const char *name, Type **args, int nargs);
Type *ty_closure(FnDecl *closure, Type **args, int n);
Type *ty_iter(Type *elem, bool mut);  // std::slice::Iter<T> (IterMut when mut)

// `fn f() -> impl Tr`: the function's result has one concrete ("hidden") type, which its body
// decides and its callers never see: to them it is a type that implements the bounds and
// nothing else. Later phases, where every type is concrete, see through it (ty_reveal).
typedef struct Opaque {
  FnDecl *fn;            // the function whose return type it is
  Span span;             // `impl Tr + 'a` as written
  TraitRef **bounds;     // in fn's generic environment
  int nbounds;
  Type *hidden;          // the concrete type, in fn's parameters; NULL until fn's body is checked
  Type *infer;           // while fn's body is checked: the variable standing for it
} Opaque;
Type *ty_opaque(Opaque *o, Type **args, int n);
TraitRef **opaque_bounds(Type *t, int *n);  // a TY_OPAQUE's bounds for its type arguments
TraitRef *opaque_fn_bound(Type *t);         // `Fn(i32) -> i32` of `impl Fn(i32) -> i32`, or NULL
bool ty_has_opaque(Type *t);
Type *ty_reveal(Type *t);  // every opaque type in t replaced by its hidden type (mono, codegen)
Type *closure_capture_type(Type *closure, int i);   // a capture's field type (a reference unless by value)
int capture_moved_field(FnDecl *closure, Capture *cap);  // a `move` capture of one field: its index, or -1
bool capture_is_mut(Capture *cap);   // by `&mut` (a by-value capture: changed in place)
bool ty_has_assoc(Type *t);
Type *ty_new_var(int kind);          // fresh inference variable (not interned)
TraitRef *traitref_new(TraitDecl *t, Type **args, int nargs);
TraitRef *traitref_with_args(TraitRef *r, Type **binds, int n);  // r's arguments substituted (traits.c)
// The bounds a trait declares on an associated type, `type IntoIter: Iterator<Item = Self::Item>`,
// in the trait's environment (Self is parameter 0).
struct TraitRefList {
  TraitRef **refs;
  int n;
};
// The bounds of the projection `<S as Tr>::Name` (kind TY_ASSOC), with Self = S; *n of them.
TraitRef **assoc_bounds(Type *assoc, int *n);
// The bounds env's where clauses put on projection t (TY_ASSOC), *n of them.
TraitRef **env_pred_bounds(struct GenericEnv *env, Type *t, int *n);
bool traitref_eq(TraitRef *a, TraitRef *b);

Type *ty_resolve(Type *t);             // follow TY_VAR bindings (shallow)
Type *ty_zonk(Type *t);                // replace every bound var deeply; unbound int vars -> i32
bool ty_has_vars(Type *t);
bool ty_has_params(Type *t);
bool ty_has_dyn(Type *t);
// t rebuilt with each child (element, argument, pointee) replaced by fn(child, ctx).
Type *ty_map_children(Type *t, Type *(*fn)(Type *, void *), void *ctx);
// Substitute TY_PARAM index i by args[i].
Type *ty_subst(Type *t, Type **args, int nargs);
const char *ty_name(Type *t);          // Rust spelling: `&dyn Drawable`, `Vec<Box<dyn Greet>>`
const char *ty_name_short(Type *t, int max_depth);  // deeper parts as `...`
// Whether a method of trait on Self = t goes through t's vtable: t is a trait object whose trait
// is (or has as a supertrait) trait. `impl Debug for dyn Any` is an impl's method, called directly.
bool dyn_dispatches(Type *t, TraitDecl *trait);
bool generics_lifetime_bound(Generics *g, const char *name, const char *lt);  // `name: lt` written in g
bool sig_param_static(FnDecl *f, const char *name);  // type parameter `name: 'static` (of f or its impl)
bool trait_requires_static(TraitDecl *tr);           // `trait Tr: 'static` (`Any`), itself or by a supertrait
const char *ty_type_name(Type *t);     // std::any::type_name's: `alloc::vec::Vec<main::Circle>` (type_path.c)
uint64_t ty_type_id(Type *t);          // std::any::TypeId's: one per type, lifetimes erased
const char *traitref_name(TraitRef *r);
bool ty_is_int(Type *t);
bool ty_is_numeric(Type *t);
bool ty_is_sized(Type *t);             // false for str, [T], dyn, and structs ending in one
Type *ty_tail_field(Type *t);          // the last field of a struct with an unsized tail, or NULL
Type *ty_unsized_tail(Type *t);        // `dyn Tr` of `RefCell<dyn Tr>`; t itself if not a struct
bool ty_unsize_pair(Type *from, Type *to, Type **src, Type **dst);  // Circle, dyn Tr of &Circle -> &dyn Tr
int ty_pointer_field(StructDecl *s);   // Rc's pointer field, for its unsizing coercion
bool ty_is_fat_ptr(Type *t);           // &dyn/&str/&[T]/Box<dyn> etc.
bool ty_is_copy(Type *t);
bool ty_needs_drop(Type *t);           // has drop glue (Box, Vec, String, Drop impls, ...)
TraitDecl *ty_box_dyn_trait(Type *t);  // `Box<dyn Tr>`: Tr (NULL for anything else)
Type *ty_assert_unwind_safe_inner(Type *t);  // AssertUnwindSafe<F>: F (NULL for anything else)
Type *ty_callable(Type *t);  // what calling t calls: t, or the F of AssertUnwindSafe<F>
Type *ty_pointee(Type *t);             // inner of &T, &mut T, Box<T>, *T; NULL otherwise
Type *ty_seq_elem(Type *t);            // T of Vec<T>, [T], [T; N], &[T], &[T; N]; NULL otherwise

//
// The crate and its generic environments (resolve.c builds them)
//

// The generic parameters visible in an item: impl/trait params first, then the fn's own.
typedef struct GenericEnv {
  const char **names;
  Type **params;             // TY_PARAM types
  TraitRef ***bounds;        // per param, its trait bounds (including where clauses)
  int *nbounds;
  bool *sized;               // per param: false for ?Sized
  bool *outlives_static;     // per param: `T: 'static` written (inline or in a where clause)
  Type **const_tys;          // per param: a const parameter's type (`const N: usize`), else NULL
  int n;
  bool has_self;             // index 0 is Self (inside a trait)
  TraitDecl *self_trait;     // the trait whose Self is param 0
  // Bounds on projections, from where clauses: `where Self::Item: Ord` (pred_tys[i] is the
  // TY_ASSOC, pred_refs[i] its bound).
  Type **pred_tys;
  TraitRef **pred_refs;
  int npreds;
} GenericEnv;

typedef struct {
  Program *prog;
  // all declarations, prelude first
  VEC(StructDecl *) structs;
  VEC(TraitDecl *) traits;
  VEC(ImplDecl *) impls;
  VEC(FnDecl *) fns;
  VEC(FnDecl *) closures;    // every closure's body as a function, in the order checked
  VEC(ConstDecl *) consts;
  VEC(AliasDecl *) aliases;
  FnDecl *main_fn;
  TraitDecl *drop_trait, *sized_trait, *copy_trait, *clone_trait, *partial_eq_trait, *partial_ord_trait;
  TraitDecl *deref_trait, *deref_mut_trait, *index_trait, *index_mut_trait;  // std::ops's: what `*x` calls on a type that is not a pointer
  TraitDecl *iterator_trait, *into_iterator_trait;  // the prelude's: what `for` loops over
  TraitDecl *fn_traits[3];   // Fn, FnMut, FnOnce
  StructDecl *option, *result;
  StructDecl *open_ranges[4];  // std::ops's RangeFrom, RangeTo, RangeToInclusive, RangeFull (OpenRange)
  TraitDecl *display_trait, *debug_trait;  // std::fmt's: what `{}` and `{:?}` call
  TraitDecl *letter_traits[7];              // ... and `{:b}` `{:o}` `{:x}` `{:X}` `{:e}` `{:E}` `{:p}`'s
  TraitDecl *send_trait, *sync_trait;     // the auto traits threads ask for (sema/auto_traits.c)
  TraitDecl *unwind_safe_trait, *ref_unwind_safe_trait;  // ... and catch_unwind asks for
  StructDecl *formatter;                  // std::fmt::Formatter, which they are called with
  FnDecl *report_fn;                      // __trc_report: what a `main` returning Result ends with
} Crate;

//
// check.c: resolution and type checking
//

// Returns false if any error was reported. The bodies of the prelude's functions are not
// checked here but when a later phase first needs one (check_body_on_demand).
bool check_program(Crate *crate, Program *prog);
// Checks f's body if it has not been: lower/ calls it for each prelude body it lowers.
void check_body_on_demand(FnDecl *f);
void check_reset(void);   // forgets the crate and the checker's caches

//
// traits.c: trait and impl queries, for the checker and the later phases
//

// Fn, FnMut or FnOnce: their bounds are written `Fn(A, B) -> R`, i.e. Fn<(A, B), Output = R>.
bool is_fn_trait(TraitDecl *t);
// The impl of `trait` for the concrete type `self_ty`, with the impl's type arguments.
// Used by the checker to verify bounds and by mono to resolve calls.
bool is_slice_rest(Pattern *p);  // `..` or `name @ ..` in a slice pattern
int impls_for_self(TraitDecl *trait, Type *self);  // impls whose self type self matches
ImplDecl *find_impl(Crate *crate, TraitRef *tr, Type *self_ty, Type ***impl_args, int *nimpl_args);
ImplDecl *find_impl_for_call(Crate *crate, TraitRef *tr, Type *self_ty, Type ***impl_args, int *nimpl_args);
bool type_implements(Crate *crate, Type *t, TraitDecl *trait);
// Impl lookup stops at rustc's recursion limit while checking (E0275); monomorphization, whose
// types grow as deep as its own limit, asks to follow deeper.
void impls_follow_deeper(void);
// Whether a lookup hit the limit since the last clear: the type asked about at the last level
// allowed (rustc names it in E0275), or NULL.
Type *impls_overflowed(bool clear);
// rustc's E0275 at sp for that type and trait: "overflow evaluating the requirement `at: Tr`".
void report_impl_overflow(Span sp, Type *at, const char *trait);
// The method `name` (interned) of trait t or a supertrait; *owner (if not NULL) the one declaring it.
TraitDecl *trait_other_declarer(TraitDecl *t, const char *name, TraitDecl *not);  // E0034's other trait
FnDecl *trait_find_method(TraitDecl *t, const char *name, TraitDecl **owner);
// The std::fmt trait a format spec's letter calls (`x`: LowerHex), or NULL.
TraitDecl *fmt_letter_trait(Crate *crate, char letter);
typedef enum { RANGE_FROM, RANGE_TO, RANGE_TO_INCLUSIVE, RANGE_FULL } OpenRange;
int find_variant(StructDecl *en, const char *name);   // index of a variant (interned name), or -1
// E of `fn main() -> Result<(), E>` (E: Debug), the one return type besides () main may have.
Type *main_report_type(Type *ret);
// Copy in a generic environment: a type parameter is Copy when env's bounds say so.
bool type_is_copy_in(Crate *crate, Type *t, struct GenericEnv *env);
// Replaces every associated type projection that can be resolved — through an impl for a
// concrete type, a `T: Tr<Item = X>` bound of `env`, or a `dyn Tr<Item = X>` — by its type.
Type *ty_normalize(Type *t, struct GenericEnv *env);

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

// The arguments (Self first) of supertrait `want` of trait t whose own are targs (Self first):
// `trait Foo<T>: Bar<Vec<T>>` gives Bar [Self, Vec<T>]. NULL when want is no supertrait of t.
Type **trait_super_targs(TraitDecl *t, Type **targs, TraitDecl *want);
VtLayout *vtable_layout(TraitDecl *t);
int vtable_method_slot(TraitDecl *principal, FnDecl *method);   // -1 when the method has no slot
int vtable_upcast_slot(TraitDecl *principal, TraitDecl *target); // -1: the vtable is a prefix
void vtable_reset(void);   // empties the layout cache


#endif
