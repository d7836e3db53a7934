// codegen_internal.h — the codegen context shared by the files of codegen/, declared per
// file from the lowest (types.c) up; each file calls only the files declared above it.
//
// One CG struct carries the LLVM module and builder, cached common types and the state of the
// function being emitted (c3c's GenContext). Codegen works on one Instance at a time: every
// semantic type read from the AST goes through `cg_type_of`, which substitutes the instance's
// concrete type arguments, before being lowered with `cg_lltype`.
#ifndef TRC_CODEGEN_INTERNAL_H
#define TRC_CODEGEN_INTERNAL_H

#include "codegen/codegen.h"

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>

// A value as codegen passes it between its parts (c3c's BEValue): the LLVM value together
// with the concrete type it has, so that no callee gets one without the other. For a place
// (format arguments, the callee of a call) v is the address of a value of type ty. by_ref: a
// value kept in memory (cg_in_memory): v is the address of a copy nobody else owns, which a
// call passes on as it is.
typedef struct {
  LLVMValueRef v;
  Type *ty;
  bool by_ref;
} CgValue;

static inline CgValue cg_value(LLVMValueRef v, Type *ty) { return (CgValue){v, ty, false}; }
static inline CgValue cg_value_at(LLVMValueRef addr, Type *ty) { return (CgValue){addr, ty, true}; }

// A temporary that the code of a builtin owns (see drop.c): dropped if a call unwinds.
typedef struct {
  Type *ty;
  LLVMValueRef addr;
} Cleanup;

// A cache keyed by an interned type and a trait (or NULL, or a static key of the caller's).
typedef PtrMap Cache;

typedef struct {
  LLVMContextRef ctx;
  LLVMModuleRef mod;
  LLVMBuilderRef b;
  LLVMTargetMachineRef tm;
  LLVMTargetDataRef td;
  Crate *crate;
  Options *opts;

  LLVMTypeRef t_ptr, t_i1, t_i8, t_i32, t_i64, t_unit, t_vec, t_dynptr, t_slice;

  // the function being emitted
  Instance *inst;
  LLVMValueRef fn;
  Type *ret_ty;
  VEC(Cleanup) cleanups;
  LLVMBasicBlockRef entry;
  bool in_cleanup;      // emitting drops: calls here are plain calls, never invokes
  // A body emitted from MIR: where a call that unwinds goes on (the landing pad stores the
  // exception in exn_slot and branches to this cleanup block), or NULL for the caller.
  LLVMBasicBlockRef unwind_to;
  LLVMValueRef exn_slot;
  // The landing pad of each cleanup block (unwind_to -> its pad), shared by every call that
  // unwinds there with no builtin temporaries pending: one pad per cleanup block, not per call.
  PtrMap pads;

  // caches keyed by interned Type pointers
  Cache types, drops, vtables;
  // where each field of a struct or tuple type sits in its LLVM struct (rustc reorders fields)
  PtrMap orders;  // Type -> int *slot_of
  PtrMap enums;   // Type -> EnumLayout *
  PtrMap traits_with_vtable;  // TraitDecl -> itself, once one of its vtables is made
  // helper functions: `{:?}` formatters of composite types (trait NULL: plain, &pretty_key:
  // `{:#?}`), derived clone and eq, `dyn Fn` shims, each keyed by a static TraitDecl
  Cache debugs;
  // the `static mut`s used: one global each (FnDecl of its value -> LLVM global), which the C
  // `main` sets to the value before the program's main runs
  PtrMap statics;
  VEC(FnDecl *) static_fns;
} CG;

// The state of the function being emitted, saved while a helper function (drop glue, a Debug
// formatter) is emitted in the middle of it.
typedef struct {
  LLVMBasicBlockRef bb, entry;
  LLVMValueRef fn;
  Instance *inst;
  int ncleanups;
  bool in_cleanup;
  LLVMBasicBlockRef unwind_to;
  LLVMValueRef exn_slot;
} SavedFn;

// types.c
LLVMValueRef cg_cache_get(Cache *tab, Type *key, TraitDecl *trait);
void cg_cache_put(Cache *tab, Type *key, TraitDecl *trait, LLVMValueRef v);
Type *cg_type_of(CG *c, Type *t);               // substitute the instance's type arguments
Type *cg_subst(Type *t, Type **args, int n);    // ty_subst, then resolve associated types
LLVMTypeRef cg_lltype(CG *c, Type *t);           // memory type of a concrete type
int cg_field_slot(CG *c, Type *t, int field);     // LLVM struct index of a struct/tuple field
// Enums: the tag at offset 0, then one variant's fields (see enum_layout in types.c).
LLVMTypeRef cg_enum_tag_type(CG *c, Type *t);
LLVMValueRef cg_enum_tag(CG *c, Type *t, int variant);                 // the tag constant
LLVMValueRef cg_load_tag(CG *c, Type *t, LLVMValueRef addr);
bool cg_enum_tag_signed(StructDecl *s);     // read the tag sign-extended (a discriminant is negative)
LLVMValueRef cg_variant_field(CG *c, Type *t, int variant, LLVMValueRef addr, int field);
uint64_t cg_variant_field_offset(CG *c, Type *t, int variant, int field);  // byte offset in the enum
// Writes variant `variant` with the given field values (in declaration order) at addr.
void cg_store_variant(CG *c, Type *t, int variant, LLVMValueRef addr, LLVMValueRef *fields);
uint64_t cg_size_of(CG *c, Type *t);
uint64_t cg_align_of(CG *c, Type *t);
LLVMValueRef cg_i64(CG *c, uint64_t v);
bool cg_returns_void(Type *t);
// A value passed and returned by address (a large array, struct, tuple, enum or closure):
// the callee gets the address of a copy it owns, and a result is written where the caller's
// last argument points (before a #[track_caller] function's location).
bool cg_in_memory(CG *c, Type *t);
bool cg_is_fat(Type *t);
LLVMTypeRef cg_fn_type(CG *c, Type *self_param, Type **params, int n, Type *ret);
LLVMTypeRef cg_closure_fn_type(CG *c, Type **params, int n, Type *ret);   // env pointer first
int cg_vtable_slot(TraitDecl *principal, FnDecl *method);   // 3 + the method's index

// function.c
void cg_add_uwtable(CG *c, LLVMValueRef fn);     // unwinding may pass through fn
LLVMValueRef cg_instance_fn(CG *c, Instance *in);
LLVMValueRef cg_rt(CG *c, const char *name);     // a runtime function, as runtime/trc_rt.def declares it
LLVMValueRef cg_intrinsic(CG *c, const char *name, LLVMTypeRef *tys, int ntys);
LLVMValueRef cg_call_intrinsic(CG *c, const char *name, LLVMTypeRef ty, LLVMValueRef *args, int n);
LLVMBasicBlockRef cg_new_block(CG *c, const char *name);   // the current block
void cg_set_block(CG *c, LLVMBasicBlockRef bb);
bool cg_block_terminated(CG *c);
void cg_start_dead_block(CG *c);                 // after a terminator: a block nothing jumps to
LLVMValueRef cg_alloca(CG *c, LLVMTypeRef t, const char *name);
// A counted loop in code codegen writes itself (drop glue, clones, comparisons, fills):
//   CgLoop l = cg_loop_begin(c, start, end, "fill");   // in the body now; l.i is the index
//   ... the body, using l.i ...
//   cg_loop_end(c, &l);                                 // l.i + 1, back to the test; after it
// The index has end's integer type and counts up while i < end (unsigned).
typedef struct {
  LLVMValueRef slot, i;
  LLVMBasicBlockRef head, done;
} CgLoop;
CgLoop cg_loop_begin(CG *c, LLVMValueRef start, LLVMValueRef end, const char *name);
void cg_loop_end(CG *c, CgLoop *l);
LLVMValueRef cg_const_str(CG *c, const char *s, size_t len);   // a &str constant {ptr, len}
LLVMValueRef cg_const_int(LLVMTypeRef lt, uint64_t lo, uint64_t hi);   // hi: i128/u128's high word
LLVMValueRef cg_unit(CG *c);                     // the () value
LLVMValueRef cg_load(CG *c, Type *t, LLVMValueRef addr);
LLVMValueRef cg_extract(CG *c, LLVMValueRef agg, unsigned idx, const char *name);  // field idx of agg
void cg_erase_dead_inserts(LLVMValueRef fn);
void cg_begin_helper(CG *c, LLVMValueRef fn, SavedFn *saved);   // start emitting fn's body
void cg_end_helper(CG *c, SavedFn *saved);                      // back to the saved function
// Marks a call through a vtable slot for passes/devirt.c (at: where it is written, or NULL).
void cg_mark_dyn_call(CG *c, LLVMValueRef call, const char *trait, const char *method, const Span *at);

// drop.c
LLVMTypeRef cg_exception_type(CG *c);  // { ptr, i32 }, what a landing pad catches
// A call that may unwind: an `invoke` with a landing pad that drops what the function owns
// whenever the function has cleanups pending; a plain call otherwise.
LLVMValueRef cg_call(CG *c, LLVMTypeRef fty, LLVMValueRef fn, LLVMValueRef *args, int n, const char *name);
void cg_set_personality(CG *c);                  // the function being emitted unwinds (resume)
LLVMValueRef cg_call_fn(CG *c, LLVMValueRef fn, LLVMValueRef *args, int n);
LLVMValueRef cg_drop_glue(CG *c, Type *t);       // drop_in_place<T>
void cg_emit_drop(CG *c, LLVMValueRef addr, Type *t);            // drop the value at addr
LLVMValueRef cg_call_once_shim(CG *c, Type *t, LLVMValueRef slot);  // dyn FnOnce's slot for t
void cg_free_box(CG *c, LLVMValueRef self, Type *inner);           // free a Box<T>, no drop
void cg_free_box_dyn(CG *c, LLVMValueRef data, LLVMValueRef vt);  // free a Box<dyn Tr>, no drop
void cg_drop_unsized(CG *c, Type *t, LLVMValueRef addr, LLVMValueRef meta);  // drop_in_place of a dyn, str, [T] or unsized struct

// unsized.c: values of unsized types (dyn, str, [T], structs ending in one), given the metadata
// of the fat pointer to them
LLVMValueRef cg_size_of_val(CG *c, Type *t, LLVMValueRef meta);
LLVMValueRef cg_align_of_val(CG *c, Type *t, LLVMValueRef meta);
LLVMValueRef cg_tail_addr(CG *c, Type *t, LLVMValueRef addr, LLVMValueRef meta);  // the unsized last field
void cg_drop_elements(CG *c, LLVMValueRef base, LLVMValueRef start, LLVMValueRef len, Type *elem);
void cg_push_cleanup(CG *c, Type *t, LLVMValueRef addr);
void cg_emit_unwind_cleanups(CG *c);             // every pending cleanup, for a landing pad
void cg_drop_vec_rest(CG *c, LLVMValueRef vec, LLVMValueRef from, Type *el);  // `drop(_v[_i..])`
// A field of a struct, tuple struct or enum variant: its concrete type, and its address.
Type *cg_ctor_field_type(Type *t, int variant, int field);
LLVMValueRef cg_ctor_field_addr(CG *c, Type *t, int variant, LLVMValueRef addr, int field);

// call.c
int cg_push_arg(CG *c, CgValue v, LLVMValueRef *out, int n);   // flatten one argument
LLVMValueRef cg_finish_call(CG *c, LLVMValueRef callv, Type *ret);  // the value of a call
// Where a call returning ret in memory writes its result: out, or a new temporary; NULL when
// ret is returned as a value. The caller passes it as the call's last argument.
LLVMValueRef cg_result_slot(CG *c, Type *ret, LLVMValueRef out);
// The result of a call made with cg_result_slot's slot: a value, or (by_ref) at the slot.
CgValue cg_call_result(CG *c, LLVMValueRef callv, Type *ret, LLVMValueRef slot);
LLVMValueRef cg_load_value(CG *c, CgValue v);  // a CgValue's value, read from memory if by_ref
void cg_copy(CG *c, LLVMValueRef dst, LLVMValueRef src, Type *t);  // memcpy of a value of type t
// Calls the callable at place (of type t) with argument values already evaluated; a result in
// memory goes to out (or a new temporary, when out is NULL).
CgValue cg_call_callable(CG *c, CgValue callee, CgValue *args, int n, Type *ret, LLVMValueRef out);
// The function a `dyn Fn*` vtable calls for a callable type: a closure's body, or a shim
// that calls through a function pointer.
LLVMValueRef cg_fn_call_slot(CG *c, Type *callable);
LLVMValueRef cg_closure_fn_pointer(CG *c, Type *closure);  // a closure capturing nothing as a fn pointer

// vtable.c
LLVMValueRef cg_vtable(CG *c, Type *concrete, TraitRef *trait);

// panic.c
LLVMValueRef cg_call_panic(CG *c, Span sp, const char *msg);  // a constant message
// A message in memory; is_const: it has no format arguments (the payload is a &'static str).
void cg_panic_with(CG *c, Span sp, LLVMValueRef msg_ptr, LLVMValueRef msg_len, bool is_const);
// `index out of bounds: the length is {len} but the index is {idx}` at sp.
void cg_panic_bounds(CG *c, Span sp, LLVMValueRef idx, LLVMValueRef len);
// The location a #[track_caller] callee reports for a call at sp.
LLVMValueRef cg_caller_location(CG *c, Span sp);
// { file, file_len, line, col } of a panic at sp (see panic.c), as four values in out.
void cg_panic_location(CG *c, Span sp, LLVMValueRef *out);
// An integer method's panic (`attempt to ... with overflow`) when cond holds, reported where
// core reports it for type t; what: which method (see panic.c).
void cg_panic_in_int_method(CG *c, LLVMValueRef cond, Type *t, int what);

// values.c
Type *cg_raw_ty(CG *c, Expr *e);      // e's type before the checker's coercion
Type *cg_final_ty(CG *c, Expr *e);    // and after
LLVMValueRef cg_spill(CG *c, LLVMValueRef v, Type *t);     // v in a temporary: its address
void cg_drop_value(CG *c, LLVMValueRef v, Type *t);         // drop a value nobody keeps
LLVMValueRef cg_empty_vec(CG *c, uint64_t align);
LLVMValueRef cg_vec_field(CG *c, LLVMValueRef vecp, int i);   // 0 buffer, 1 capacity, 2 length
LLVMValueRef cg_string_from_parts(CG *c, LLVMValueRef ptr, LLVMValueRef len);   // a new String
// The data pointer and length of a Vec (at recv), slice or array (self: its type).
void cg_seq_parts(CG *c, LLVMValueRef recv, Type *self, LLVMValueRef *data, LLVMValueRef *len);
// The bytes of a string value of type t (String at an address, &str, &String).
void cg_str_parts(CG *c, LLVMValueRef v, Type *t, LLVMValueRef *ptr, LLVMValueRef *len);
LLVMValueRef cg_compare(CG *c, TokenKind op, LLVMValueRef a, LLVMValueRef b, Type *t);   // scalars
// a op b on the contents of two strings (String, &str, &String values)
LLVMValueRef cg_str_compare(CG *c, TokenKind op, LLVMValueRef a, Type *ta, LLVMValueRef b, Type *tb);


// cast.c
// An implicit pointer conversion: unsizing to dyn or a slice, an upcast, a reborrow, a deref
// coercion (&String to &str, &Vec<T> to &[T], &Box<T> to &T).
LLVMValueRef cg_ptr_cast(CG *c, CgValue value, Type *to);  // CAST_PTR: to or from a raw pointer
LLVMValueRef cg_static_mut(CG *c, FnDecl *value_fn);    // the global of a `static mut`
LLVMValueRef cg_coercion(CG *c, CgValue v, Type *to, Span sp);
LLVMValueRef cg_numeric_cast(CG *c, CgValue v, Type *to);   // `as` on numbers

// builtin_impls.c
// Clone and PartialEq of the builtin types (String, Vec, tuples, primitives...), which have
// no impl (mono_has_builtin_impl says which): the call of `<self as trait>`'s method on the
// arguments' values (NULL when self has an impl of its own). rhs: PartialEq's Rhs (NULL: Self).
LLVMValueRef cg_builtin_trait_call(CG *c, TraitDecl *trait, FnDecl *method, Type *self, Type *rhs, LLVMValueRef *args);
// The same as a function of its own (self and one argument, both pointers): a vtable's slot.
LLVMValueRef cg_builtin_impl_fn(CG *c, TraitDecl *trait, FnDecl *method, Type *self);

// format.c
// A macro call (print!, format!, panic!, a failed assert!; places[i] holds e->args[i]);
// format! gives its String.
LLVMValueRef cg_macro_call(CG *c, Expr *e, CgValue *places);
// Appends the value at place (of type t), formatted as p says, to the String at s.
void cg_push_formatted(CG *c, LLVMValueRef s, LLVMValueRef place, Type *t, FmtPiece *p);
// __trc_fmt(v, f, debug): the primitive v points to (v of type ref_ty), by Formatter f's spec.
void cg_fmt_intrinsic(CG *c, LLVMValueRef v, Type *ref_ty, LLVMValueRef f, LLVMValueRef mode);

// builtins.c
// A builtin method on its receiver and arguments, a builtin function on its arguments
// (argv[i] for e->args[i]), vec![..] from its elements.
LLVMValueRef cg_builtin_method(CG *c, Expr *e, LLVMValueRef recv, LLVMValueRef *argv);
LLVMValueRef cg_builtin_call(CG *c, Expr *e, LLVMValueRef *argv);
// Whether builtin e takes its i-th argument (of type t) as the address of a value in memory.
bool cg_builtin_arg_by_ref(CG *c, Expr *e, int i, Type *t);
LLVMValueRef cg_vec_literal(CG *c, Expr *e, LLVMValueRef *argv);
// &whole[lo..hi] for the index expression e (lo, hi NULL where the range has no bound), panicking
// at sp when out of range.
// num_methods.c: the methods of the integer and float types
bool cg_is_num_method(Builtin bi);
LLVMValueRef cg_num_method(CG *c, Expr *e, Type *self, LLVMValueRef recv, LLVMValueRef *argv);
LLVMValueRef cg_slice_index(CG *c, Expr *e, Span sp, LLVMValueRef whole, LLVMValueRef lo, LLVMValueRef hi, Type *elem);

// promote.c
// `&value` (rvalue static promotion) as a private constant global; NULL when the value cannot
// be evaluated without panicking.
LLVMValueRef cg_promote(CG *c, Expr *borrow);

// locals.c
// Where each MIR local of a body lives (per instance: it depends on the substituted types).
// dom: the body's dominators; emit_pos: per block, its place in the order body.c emits the blocks.
typedef enum {
  LOCAL_STACK,  // an alloca
  LOCAL_VALUE,  // the LLVM value of its one write
  LOCAL_ZST,    // zero-sized: its constant
} LocalHome;
unsigned char *cg_local_kinds(CG *c, Body *b, MirDominators *dom, const int *emit_pos);

// drop_flags.c
// Folds the loads of fn's drop flags (flags[0..n), NULL for none) that have one answer, and
// removes the flags no longer read.
void cg_fold_drop_flags(CG *c, LLVMValueRef fn, LLVMValueRef *flags, int n);

// body.c
// Emits the instance's body from its MIR.
void cg_emit_mir_body(CG *c, Instance *in);

#endif
