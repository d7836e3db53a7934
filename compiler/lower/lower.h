// lower.h — trc's mid-level IR (MIR): what `lower` builds from the checked AST, what codegen
// reads, and what `--emit=mir` prints. The lower phase owns it: lower.c builds bodies,
// mir_print.c prints them.
//
// The model is rustc's MIR. A function body is a list of locals and a control-flow graph of
// basic blocks. Each block holds statements that only move data between *places* and compute
// *rvalues*, and ends in exactly one *terminator*, the only thing that transfers control:
//
//   local     _0 is the return place, _1.._n the parameters (self first), then user variables
//             and the temporaries that lowering introduces. A closure's body is a body of its
//             own whose _1 is a reference to its environment: a capture is the place
//             `(*_1).i` (by value) or `(*((*_1).i))` (by reference).
//   place     a local followed by projections: `(*_1).0`, `_3[_4]`, `(_2 as Some).0`.
//   operand   `copy P`, `move P` or a constant.
//   rvalue    use, `&P`/`&mut P`, a binary op (checked ones give `(T, bool)`), a cast (numeric,
//             or an unsizing coercion to a fat pointer), an aggregate (tuple, struct, variant,
//             array), the discriminant or length of a place.
//   terminator goto, switchInt, call and assert (with the block a panic unwinds to: a chain
//             of cleanup blocks that drop what the frame owns, then `resume`), drop, return,
//             unreachable.
//
// Drops are explicit: every local or temporary whose type needs dropping gets a `drop(_n)`
// where its scope ends (in reverse order of declaration), before a `break`, `continue` or
// `return` that leaves the scope, and on the cleanup path of every call made while it lives.
// A `drop` of a local that may have been moved out is conditional: codegen keeps a drop flag
// per such local (set when the local is assigned, cleared when it is moved or dropped), as
// rustc's drop elaboration does. A local moved out of in part is split by elaborate.c into
// its remaining fields, each dropped under a drop flag that is an explicit bool local.
//
// Everything that the source leaves implicit is explicit here: auto-ref and auto-deref of
// method receivers, coercions, the temporaries of every subexpression, overflow and bounds
// checks, and how a method call is dispatched (a direct call of a known function, a trait
// method still to be resolved per instance by mono, or a virtual call through vtable slot N).
//
// Bodies are built once per function, generically: a type may still mention the function's
// type parameters (`T`), and a trait call on `T` stays unresolved until mono substitutes it.
// That is what rustc does too, and it keeps lowering before monomorphization in the pipeline.
//
// Every body the checker accepts is lowered; a construct lowering does not know is an error
// (`Body.unsupported` says which), as codegen reads nothing but MIR.
#ifndef TRC_LOWER_H
#define TRC_LOWER_H

#include "sema/sema.h"

typedef enum {
  PROJ_DEREF,   // *P
  PROJ_FIELD,   // P.field        (struct or tuple field, declaration index)
  PROJ_INDEX,   // P[_local]      (array or slice element; the bounds check is an earlier assert)
  PROJ_VARIANT, // (P as Variant) (an enum place seen as one variant, to reach its fields)
  PROJ_CONST_INDEX, // P[k of min] / P[-k of min]: a slice pattern's element, counted from the
                    // start or (from_end) the end of a slice of at least min elements
  PROJ_SUBSLICE,    // P[from:-to]: a slice pattern's `rest @ ..`, what is left around it
} ProjKind;

typedef struct {
  ProjKind kind;
  int field;      // PROJ_FIELD; PROJ_VARIANT: the variant index; CONST_INDEX: k; SUBSLICE: from
  int local;      // PROJ_INDEX: the local holding the index (a usize); SUBSLICE: to
  Type *ty;       // the type of the place after this projection
  bool from_end;  // PROJ_CONST_INDEX
  int min;        // PROJ_CONST_INDEX: the slice's length is known to be at least this
  bool of_box;    // PROJ_DEREF of a Box of a sized value: the box owns it, so it can be moved
                  // out of like a field (`node.next` of a Box<Node>)
} Proj;

typedef struct {
  int local;
  Proj *proj;
  int nproj;
} Place;

typedef enum {
  CONST_INT,    // int, bool and char values (bits of `ty`)
  CONST_FLOAT,
  CONST_STR,    // a &'static str
  CONST_UNIT,   // () and other zero-sized values
  CONST_PROMOTED, // a reference to a promoted constant (rvalue static promotion): `&5`, `&CONST`,
                  // `&[1, 2]` borrow a private global that lives for the whole program. `expr`
                  // is the borrow `&value`; `i` its number among the body's promoteds.
  CONST_FN,     // a function as a value (a fn pointer): fn with targs
  CONST_STATIC, // the address of a `static mut` (fn is its value's function): a `*mut T`, as
                // rustc's `const {alloc: *mut T}`; the static's place is `*` of it
  CONST_PARAM,  // a const generic parameter's value (`N`): targs[0] is the parameter, a TY_CONST
                // once the instance's arguments are substituted
} ConstKind;

// (Every operand holds one, so the fields one kind does not use share storage with another's.)
typedef struct {
  ConstKind kind;
  union {
    struct {
      uint64_t i;
      uint64_t hi;  // CONST_INT of i128/u128: the high 64 bits (i is the low ones)
    };
    double f;       // CONST_FLOAT
  };
  union {
    struct {        // CONST_STR
      const char *s;
      size_t len;
    };
    Expr *expr;     // CONST_PROMOTED
    struct {
      FnDecl *fn;   // CONST_FN, CONST_STATIC
      Type **targs; // CONST_FN, CONST_PARAM
      int ntargs;
    };
  };
} MirConst;

typedef enum { OPND_COPY, OPND_MOVE, OPND_CONST } OperandKind;

typedef struct {
  OperandKind kind;
  Place place;    // OPND_COPY, OPND_MOVE
  MirConst c;     // OPND_CONST
  Type *ty;
  Span span;      // the expression a place operand reads, where known (hi == 0 if not)
  bool moves_ref; // a `&mut` passed where rustc moves it, not reborrows: to a generic `T`
} Operand;

typedef enum {
  BIN_ADD, BIN_SUB, BIN_MUL, BIN_DIV, BIN_REM, BIN_BITAND, BIN_BITOR, BIN_BITXOR, BIN_SHL, BIN_SHR,
  BIN_EQ, BIN_NE, BIN_LT, BIN_LE, BIN_GT, BIN_GE,
} BinOp;

typedef enum { UN_NEG, UN_NOT } UnOp;

typedef enum {
  CAST_NUMERIC,   // int/float/char/bool conversions, and a field-less enum to its discriminant
  CAST_UNSIZE,    // &T -> &dyn Tr, &[T; N] -> &[T], Box<T> -> Box<dyn Tr> (PointerCoercion(Unsize))
  CAST_UPCAST,    // &dyn Sub -> &dyn Super (a vtable pointer read from the TraitVPtr slot)
  CAST_REBORROW,  // &mut T -> &T: the same pointer
  CAST_DEREF,     // a deref coercion: &String -> &str, &Vec<T> -> &[T], &Box<T> -> &T, &&T -> &T
  CAST_PTR,       // to or from a raw pointer: `&x as *const T`, `p as *mut U`, `p as usize`, `0 as *const T`
                  // (rustc's PtrToPtr, PointerExposeProvenance, ..): no loan goes into the result
  CAST_CLOSURE_FN,  // a closure that captures nothing -> fn pointer (PointerCoercion(ClosureFnPointer))
} CastKind;

// AGG_CLOSURE: a closure's environment, one operand per capture (a reference, or the value
// of a `move` capture), in the order of FnDecl.captures.
typedef enum { AGG_TUPLE, AGG_ADT, AGG_ARRAY, AGG_CLOSURE } AggKind;

typedef enum {
  RV_USE,          // operand
  RV_REF,          // &place / &mut place (mut)
  RV_BINARY,       // a op b; comparisons give bool
  RV_CHECKED,      // a op b with overflow: a (T, bool) pair (rustc's AddWithOverflow)
  RV_UNARY,        // -a, !a
  RV_CAST,         // operand as ty
  RV_AGGREGATE,    // Tuple(..), Struct { .. }, Enum::Variant(..), [..], {closure@..} { .. }
  RV_DISCRIMINANT, // discriminant(place): the variant's discriminant value
  RV_LEN,          // Len(place): the length of an array or slice place
  RV_REPEAT,       // [a; N]: an array (ty) of N copies of a Copy value
} RvalueKind;

typedef struct {
  RvalueKind kind;
  Type *ty;         // the rvalue's type
  Operand a, b;     // USE, BINARY/CHECKED (a, b), UNARY/CAST (a)
  Place place;      // REF, DISCRIMINANT, LEN
  bool mut;         // REF
  bool raw;         // REF: `&raw const P` / `&raw mut P` (rustc's RawPtr): an access, no loan
  bool two_phase;   // REF: a method receiver's autoref `&mut`, a reservation until the call
  bool autoref;     // REF: made for a method's receiver (not written `&`)
  bool binding;     // REF: a pattern's `ref`/`ref mut` binding (`Some(ref mut y)`)
  bool capture;     // REF: a closure's capture by reference
  FnDecl *closure;  // ... the closure capturing
  Place captured;   // REF of a capture: what the body uses, the variable or one field of it
  uint64_t capture_fields;  // ... or, when it uses several, which fields of the variable (bit i)
  bool unique;      // REF of a capture: a `&mut` variable, not `mut` itself, written through (rustc's
                    // unique borrow: nothing else may use it while the closure lives)
  BinOp binop;
  UnOp unop;
  CastKind cast;
  AggKind agg;
  int variant;      // AGG_ADT of an enum: the variant index (-1 for a struct)
  Operand *ops;     // AGGREGATE: field values in declaration order
  int nops;
} Rvalue;

typedef enum {
  STMT_ASSIGN,          // place = rvalue
  STMT_STORAGE_LIVE,    // StorageLive(_n)
  STMT_STORAGE_DEAD,    // StorageDead(_n)
} StmtKindMir;

typedef struct {
  StmtKindMir kind;
  Place place;
  Rvalue rv;
  int local;          // STORAGE_*
  Span span;
  bool drop_elab;     // made by drop elaboration: an open drop's read, not the program's
  bool into_iter;     // `for x in v`: the loop taking the Vec (rustc's IntoIterator::into_iter)
  Span place_span;    // the place as written: an assignment's left side, an auto-ref'd receiver
  bool moves_ref;     // a `&mut` moved, where rustc moves it and does not reborrow: `let b = a;`
  Span static_span;   // a `let` whose written type requires 'static (`&'static T`): that type
  const char *annot_region;  // ... or names a lifetime parameter of the function or its impl
                             // (`let z: &'a i32 = y;`): that lifetime, static_span its type
} MirStmt;

typedef enum {
  CALLEE_FN,       // a known function: fn with targs (which may still mention type params)
  CALLEE_TRAIT,    // <self_ty as trait>::fn: resolved to an impl per instance by mono
  CALLEE_VIRTUAL,  // a dyn call: slot `slot` of the vtable in args[0] (a fat pointer)
  CALLEE_BUILTIN,  // a compiler-known function or method (Vec::push, i32::abs, size_of): expr is
                   // the call; args are the receiver (after autoref) and the arguments. Also a
                   // comparison of two strings: expr is an EX_BINARY naming the operator, args
                   // the two references
  CALLEE_MACRO,    // print!-like output or a panic with a formatted message: args[i] is a
                   // reference to macro->args[i] (a unit constant where the macro has no use for it)
  CALLEE_CALLABLE, // a call of a value: <T as Fn>::call. args[0] is the callee: `move P` of a
                   // closure or type parameter that may be an FnOnce closure (codegen decides
                   // per instance whether the call consumes P), else a reference to it; the rest
                   // are the arguments. Per instance it is a closure's body, a fn pointer or a
                   // `dyn Fn` vtable slot, through any references and boxes.
} CalleeKind;

typedef struct {
  CalleeKind kind;
  FnDecl *fn;       // the function (CALLEE_FN) or the trait's method (TRAIT, VIRTUAL)
  Type **targs;     // all type arguments of fn (impl's or trait's, then the method's own)
  int ntargs;
  TraitDecl *trait; // CALLEE_TRAIT, CALLEE_VIRTUAL
  Type *self_ty;    // CALLEE_TRAIT, CALLEE_VIRTUAL (the dyn type)
  int slot;         // CALLEE_VIRTUAL: vtable slot (counting drop, size, align)
  Expr *expr;       // CALLEE_BUILTIN: the call; CALLEE_MACRO: the macro (name, format pieces)
} Callee;

typedef enum {
  TERM_GOTO,
  TERM_SWITCH,      // switchInt(discr) -> [v0: bb, v1: bb, ..., otherwise: bb]
  TERM_CALL,        // dest = callee(args) -> [return: target]
  TERM_ASSERT,      // assert(cond == expected, msg) -> success: target
  TERM_DROP,        // drop(place) -> [return: target, unwind: unwind]: drop_in_place if initialized
  TERM_RETURN,
  TERM_RESUME,      // the end of a cleanup path: go on unwinding to the caller
  TERM_UNREACHABLE,
} TermKind;

typedef struct {
  TermKind kind;
  Span span;
  int target;           // GOTO, CALL (return), ASSERT (success), DROP
  int unwind;           // CALL, ASSERT: the cleanup block a panic continues in; -1: the caller
  Operand discr;        // SWITCH; ASSERT: the condition
  uint64_t *values;     // SWITCH: case values
  int *targets;         // SWITCH: one per value, then the `otherwise` block
  int nvalues;
  bool expected;        // ASSERT
  bool bounds_check;    // ASSERT: an index out of bounds, reported with `len` and `index`
  Operand *len, *index; // ASSERT with bounds_check: the length and the index (out of line: a
                        // block's terminator is copied and kept for every block)
  const char *msg;      // ASSERT: the panic message otherwise
  Callee callee;        // CALL
  Operand *args;
  int nargs;
  Place dest;           // CALL; DROP: the place dropped
  int rest_from;        // DROP of the Vec a by-value `for` loop consumes: the local holding the
                        // index of the first element it still owns (`drop(_1[_2..])`), or -1
  Span caller_span;     // CALL: where #[track_caller] says the call is
  Span fn_span;         // CALL written as one (`f(..)`, `x.m(..)`): the callee's path or name
  bool replace;         // DROP: of the old value of a place about to be assigned
  bool box_free;        // DROP of a Box whose contents were dropped or moved out on their own:
                        // only its allocation is freed (rustc's box_free)
  bool unconditional;   // DROP of a whole local that certainly holds a value here (a static
                        // drop: see mir_drop_styles): no drop flag to test
} Terminator;

typedef struct {
  VEC(MirStmt) stmts;
  Terminator term;
  bool terminated;
  bool is_cleanup;      // on the unwinding path only: drops, then resume
} BasicBlock;

typedef struct {
  const char *name;   // the user's binding, or NULL for a temporary
  Type *ty;
  bool mut;
  Span span;
  bool scrutinee;     // a temporary a pattern binds out of: its moves are checked as a variable's
} MirLocal;

typedef struct Body {
  FnDecl *fn;
  VEC(MirLocal) locals;
  int nparams;              // locals 1..nparams are the arguments
  VEC(BasicBlock) blocks;
  VEC(Expr *) promoted;     // the borrows promoted to constants: `promoted[i]`
  const char *unsupported;  // not lowered (yet): why; codegen emits the AST instead
} Body;

//
// lower.c
//

// Lowers a checked function body (generically, once). Always returns a Body; one whose
// `unsupported` is set holds no blocks.
// overflow_checks: + - * and negation panic on overflow (rustc's -C overflow-checks, on in
// debug builds).
Body *lower_fn(Crate *crate, FnDecl *f, bool overflow_checks);
// The MIR operator of a binary or compound-assignment token (`+`, `+=`, `==`, ...).
BinOp mir_binop(TokenKind op);
// Lowers every function of the crate that has a body, storing the result in FnDecl.mir.
void lower_crate(Crate *crate, bool overflow_checks);
// f's MIR, lowered now if it was not yet (a prelude function the collector reaches).
Body *lower_on_demand(FnDecl *f);
// The Fn, FnMut or FnOnce bound of a type parameter of f (how a value of it is called), or NULL.
TraitDecl *mir_param_fn_trait(FnDecl *f, Type *t);

//
// elaborate.c: drop elaboration, and small helpers on places
//

// Rewrites the drops of locals that were partly moved out of into drops of what is left,
// under drop flags (see elaborate.c).
void mir_elaborate_drops(Body *b);
// After the checks: drops of locals that certainly hold nothing become gotos, and those of
// locals that certainly hold a value are marked unconditional (rustc's dead and static drops).
void mir_drop_styles(Body *b);
Place mir_project(Place p, ProjKind kind, int field, int local, Type *ty);
// `*p` of a place p of type Box<T>, T sized: the contents, which the box owns.
Place mir_box_contents(Place p, Type *box);
// The type of field f of variant v (-1: a struct) of the ADT or tuple type t.
Type *mir_field_type(Type *t, int v, int f);
// Only fields, variants and Box contents of a local: a place that can be moved out of in part.
bool mir_is_move_proj(Proj p);
bool mir_is_move_path(Place p);
// switchInt(cond) -> [0: on_false, otherwise: on_true]
Terminator mir_switch_bool(Operand cond, int on_true, int on_false, Span sp);

//
// cfg.c: the dominator tree
//

// Which blocks every path from bb0 to a block passes through, unwind edges counted (codegen's
// locals.c asks it). In scratch memory: it lasts until the caller's scratch_release.
typedef struct {
  int *idom;    // per block: its immediate dominator (bb0: itself; unreachable: -1)
  int *depth;   // per block: its depth in the tree (bb0: 0; unreachable: -1)
  int *npreds;  // per block: the edges into it
} MirDominators;
MirDominators mir_dominators(Body *b);
bool mir_dominates(MirDominators *d, int a, int b);  // false if either is unreachable

//
// signature.c: the lifetimes a signature writes
//

// The names a type expression mentions that tie it to another parameter's: lifetimes written
// (an elided one is fresh and ties nothing) and one-segment paths (type parameters, `Self`,
// which stands for the impl's type and so for its lifetimes too).
typedef struct {
  const char *names[16];
  int n;
} Names;

bool sig_names_lifetime(FnDecl *f, const char *lt);   // the return type has lt (or via `Self`)
const char *sig_ret_lifetime(FnDecl *f);              // the return type's first named lifetime
bool sig_outlives(FnDecl *f, const char *longer, const char *shorter);  // by declared bounds
bool sig_ret_accepts(FnDecl *f, const char *lt);      // lt may be returned (named or outlives)
bool sig_mentions(TypeExpr *t, const char *lt, int depth);  // t has lt (an elided `&` has any)
TypeExpr *sig_referent(FnDecl *f, int i);  // parameter i's (self first) referent, if a reference
bool sig_mut_ref(FnDecl *f, int i);        // parameter i (self first) is a `&mut`
StructDecl *sig_referent_struct(TypeExpr *te, PathSeg **seg);  // a struct with lifetime args
void sig_names(TypeExpr *t, FnDecl *f, Names *out, int depth);
void sig_param_names(FnDecl *f, int i, Names *out);
bool sig_names_has(const Names *names, const char *name);  // names are interned
bool sig_arg_lifetime(FnDecl *f, int i, const char **lt);  // parameter i is a reference of lt
TypeExpr *sig_elided_ref(TypeExpr *t, int depth);          // a `&` without a lifetime in t
bool sig_requires_static(TypeExpr *t, int depth);          // `&'static T`, `Box<dyn Tr>`, ...
bool sig_has_dyn(TypeExpr *t, bool *bounded);              // a `dyn` in t (`+ 'a`: bounded)
bool sig_ret_has_impl(TypeExpr *t);                        // `impl Tr` in a return type
Span sig_lifetime_def(FnDecl *f, const char *lt);          // where lt is declared
bool sig_type_names(TypeExpr *t, const char *name, int depth);  // t names type `name`
bool sig_ret_static_dyn(FnDecl *f);  // f returns `Box<dyn Trait>`, 'static however its items borrow
bool sig_type_holds(TypeExpr *t, const char *name, int depth);  // t holds a `name` whole, not a projection
bool sig_param_may_return(FnDecl *f, const char *name);    // a `name` argument's loans may be returned
const char *sig_universal_in(FnDecl *f, TypeExpr *t);     // a lifetime parameter of f or its impl t names
TypeExpr *sig_static_dyn(TypeExpr *t, int depth);          // a `dyn Tr` of object lifetime 'static in t

//
// borrowck.c: borrow checking (E0499, E0502, E0503, E0505, E0506, E0597, E0515, ...)
//

void mir_borrowck(Body *b);

//
// moveck.c: initialization and moves (E0381, E0382)
//

void mir_moveck(Body *b);

//
// known_panics.c: rustc's arithmetic_overflow and unconditional_panic lints
//

// Reports each operation of b that will certainly overflow, divide by zero or index out of
// bounds, as rustc's deny-by-default lints do.
void mir_check_known_panics(Body *b);
void mir_known_panics_reset(void);   // a new crate: the lints' notes are printed again
// The exact value of a checked integer, bool or char expression of literals, consts and
// operators; false if it is anything else or would panic.
bool kp_expr_value(Expr *e, int depth, __int128 *out);

//
// mir_print.c: `trc --emit=mir`
//

void mir_print_body(Body *b, void *file);   // FILE *
// Every body of the user's file, in source order.
void mir_print_crate(Crate *crate, void *file);
const char *mir_binop_name(BinOp op);

#endif
