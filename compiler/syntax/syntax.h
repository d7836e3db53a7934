// syntax.h — the front end: tokens and the AST.
//
// syntax owns the lexer (bytes -> tokens) and the parser (tokens -> the AST: items,
// statements, expressions, patterns and types as written). The AST is also where the checker
// writes what it found out (Expr.ty, resolutions, dispatch kinds, coercions, a pattern's
// binding mode): trc annotates the tree instead of lowering it to a second IR, so the slots for
// those annotations are declared here, next to what they annotate, and the semantic types
// they point to (struct Type, struct GenericEnv) stay opaque until sema.h.
#ifndef TRC_SYNTAX_H
#define TRC_SYNTAX_H

#include "base/base.h"


typedef struct Type Type;
typedef struct TypeExpr TypeExpr;
typedef struct Expr Expr;
typedef struct Stmt Stmt;
typedef struct Block Block;
typedef struct Pattern Pattern;
typedef struct Item Item;
typedef struct FnDecl FnDecl;
typedef struct StructDecl StructDecl;
typedef struct TraitDecl TraitDecl;
typedef struct ImplDecl ImplDecl;
typedef struct Local Local;

//
// lexer.c
//

typedef enum {
  TK_EOF,
  TK_IDENT,     // also `_` is TK_UNDERSCORE, keywords have their own kinds
  TK_LIFETIME,  // 'a
  TK_INT,       // 123, 0xff, 1_000u64
  TK_FLOAT,     // 1.5, 2e3, 1.0f64
  TK_STR,       // "..." (escapes decoded)
  TK_BYTE_STR,  // b"..." and br"...": str/str_len are the bytes
  TK_CHAR,      // 'x'
  // keywords
  TK_AS, TK_BREAK, TK_CONST, TK_CONTINUE, TK_CRATE, TK_DYN, TK_ELSE, TK_ENUM, TK_EXTERN, TK_FALSE, TK_FN,
  TK_FOR, TK_IF, TK_IMPL, TK_IN, TK_LET, TK_LOOP, TK_MATCH, TK_MOD, TK_MOVE, TK_MUT, TK_PUB,
  TK_REF, TK_RETURN, TK_SELF_LOWER, TK_SELF_UPPER, TK_STATIC, TK_STRUCT, TK_SUPER, TK_TRAIT,
  TK_TRUE, TK_TYPE, TK_UNSAFE, TK_USE, TK_WHERE, TK_WHILE,
  // punctuation
  TK_LPAREN, TK_RPAREN, TK_LBRACKET, TK_RBRACKET, TK_LBRACE, TK_RBRACE,
  TK_COMMA, TK_SEMI, TK_COLON, TK_PATHSEP, TK_DOT, TK_DOTDOT, TK_DOTDOTEQ, TK_DOTDOTDOT,
  TK_ARROW, TK_FATARROW, TK_HASH, TK_BANG, TK_QUESTION, TK_AT, TK_UNDERSCORE, TK_DOLLAR,
  TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH, TK_PERCENT, TK_CARET, TK_AMP, TK_PIPE,
  TK_AMPAMP, TK_PIPEPIPE, TK_SHL, TK_SHR,
  TK_EQ, TK_EQEQ, TK_NE, TK_LT, TK_LE, TK_GT, TK_GE,
  TK_PLUSEQ, TK_MINUSEQ, TK_STAREQ, TK_SLASHEQ, TK_PERCENTEQ, TK_CARETEQ, TK_AMPEQ, TK_PIPEEQ,
  TK_SHLEQ, TK_SHREQ,
  TK_COUNT
} TokenKind;

typedef struct {
  TokenKind kind;
  Span span;
  const char *text;     // interned source text for TK_IDENT / TK_LIFETIME
  uint64_t int_val;     // TK_INT: the low 64 bits
  union {
    double float_val;   // TK_FLOAT
    uint64_t int_hi;    // TK_INT: the high 64 bits (a u128 literal)
  };
  const char *suffix;   // interned literal suffix ("u8", "f64") or NULL
  const char *str;      // TK_STR: decoded bytes (NUL-terminated for convenience)
  size_t str_len;
  uint32_t char_val;    // TK_CHAR
  uint32_t hyg;         // hygiene: 0 for source text, else the macro expansion that wrote it
} Token;

// Tokenizes a whole file. On a lexical error, reports it and keeps going where it can.
Token *lex(int file, const char *text, size_t len, int *count);
const char *token_kind_name(TokenKind k);

//
// parser.c: the AST
//

// A path as written: `std::mem::size_of::<T>`, `Vec::new`, `Self::Item`.
typedef struct {
  const char *name;      // interned
  TypeExpr **args;       // generic args (`::<..>` in expressions, `<..>` in types), may be NULL
  int nargs;
  const char **lifetimes;  // lifetime args as written (`Pair<'a, '_>`: 'a, '_), interned
  int nlifetimes;
  // associated-type bindings in a trait path: `Iterator<Item = u32>`
  const char **bind_names;
  TypeExpr **bind_types;
  int nbinds;
  // parenthesized sugar: `Fn(i64) -> i64` puts the inputs in args and the output here
  bool paren_sugar;
  TypeExpr *paren_ret;
  Span span;
  uint32_t hyg;          // the hygiene of the identifier (see macro_rules.c): locals match on it
} PathSeg;

// A qualified path `<T as Trait>::name` has qself T, and its first qtrait segments are the
// trait's (`<Type>::name` has qtrait 0).
typedef struct {
  PathSeg *segs;
  int nsegs;
  Span span;
  TypeExpr *qself;
  int qtrait;
} Path;

// Who may name an item, a field or a method: `pub(super)` and `pub(crate)` as in Rust (`pub(in
// path)` is taken as `pub(crate)`, `pub(self)` as private).
// (VIS_IN: `pub(in path)` of an ancestor farther up than the parent, below the crate root;
// taken as `pub(crate)`, its widest meaning.)
typedef enum { VIS_PRIVATE, VIS_PUB, VIS_CRATE, VIS_SUPER, VIS_IN } Visibility;

// A trait bound `Tr`, `Tr<Item = u32>`, `?Sized`. (A lifetime bound is kept by what it bounds.)
typedef struct {
  Path path;
  bool maybe;  // ?Sized
  Span span;
} Bound;

// The qualifiers of a fn pointer type (in Type.bits of a TY_FN): a call of an `unsafe fn`
// needs unsafe code, and an `extern "C" fn` is a type of its own.
enum { FNQ_UNSAFE = 1, FNQ_C = 2 };

typedef enum {
  TE_PATH,   // i32, Circle, Vec<T>, T, Self, Self::Item
  TE_REF,    // &T, &mut T (lifetime ignored)
  TE_PTR,    // *const T, *mut T
  TE_DYN,    // dyn A + Send (also bare trait syntax is rejected by the parser)
  TE_IMPL,   // impl A + B (argument position)
  TE_TUPLE,  // (), (A, B)
  TE_SLICE,  // [T]
  TE_ARRAY,  // [T; N]
  TE_NEVER,  // !
  TE_INFER,  // _
  TE_FN_PTR, // fn(A) -> B
  TE_CONST,  // a const generic argument written as an expression: `3` of `Buf<3>`, `{ N + 1 }`
} TypeExprKind;

struct TypeExpr {
  TypeExprKind kind;
  Span span;
  Path path;           // TE_PATH
  bool mut;            // TE_REF, TE_PTR
  const char *lifetime;  // TE_REF: the lifetime written (`'a`), or NULL when elided ('_ too);
                         // TE_DYN, TE_IMPL: the lifetime bound written (`+ 'a`), or NULL
  TypeExpr *inner;     // TE_REF, TE_PTR, TE_SLICE, TE_ARRAY
  Expr *len;           // TE_ARRAY, TE_CONST
  Bound *bounds;       // TE_DYN, TE_IMPL
  int nbounds;
  TypeExpr **elems;    // TE_TUPLE, TE_FN_PTR params
  int nelems;
  TypeExpr *ret;       // TE_FN_PTR
  int fn_quals;        // TE_FN_PTR: FNQ_UNSAFE | FNQ_C (`unsafe extern "C" fn(..)`)
  Type *resolved;      // filled by the checker
};

typedef struct {
  const char *name;
  Bound *bounds;
  int nbounds;
  const char *lifetime_bound;  // `T: 'a` (the last one written), interned, or NULL
  Span span;
  TypeExpr *default_ty;
  TypeExpr *const_ty;  // `const N: usize`: a const parameter, of this type
} GenericParam;

// `where T: A + B` — the bounded type may be any type expression (`Self`, `T`, `Self::Item`).
typedef struct {
  TypeExpr *ty;
  Bound *bounds;
  int nbounds;
  const char *lifetime_bound;  // `where T: 'a` (the last one written), or NULL
  Span span;
} WherePred;

#define GENERICS_MAX_LIFETIMES 8

// `'longer: 'shorter`: what lives for 'longer may be used where 'shorter is asked for.
typedef struct {
  const char *longer, *shorter;  // interned
} Outlives;

typedef struct {
  GenericParam *params;  // type parameters only; lifetimes below
  int nparams;
  WherePred *preds;
  int npreds;
  int nlifetimes;     // lifetime parameters (`<'a, T>`: 1)
  const char *lifetimes[GENERICS_MAX_LIFETIMES];  // their names (the first few), interned
  Span lifetime_spans[GENERICS_MAX_LIFETIMES];
  Outlives *outlives;    // `'a: 'b + 'c` and `where 'a: 'b`, one pair per bound
  int noutlives;
} Generics;

// Attributes the compiler understands; others are parsed and ignored.
typedef struct {
  bool inline_never, inline_hint, inline_always;
  const char **derives;  // interned names of #[derive(...)]
  int nderives;
  bool allow_dead_code;
  bool track_caller;    // #[track_caller]: panics inside report the caller's location
  bool is_default;      // #[default]: the variant #[derive(Default)] of an enum gives
  bool macro_export;    // #[macro_export]: the macro_rules! is also `crate::name!`
  bool cfg_off;         // #[cfg(..)] that does not hold: the thing it is on is left out
  bool thread_local;    // #[thread_local] (thread_local!'s expansion, or the unstable feature)
  Span attr_at;         // the `#` of the attribute being parsed (and, after, of the last one)
  bool coerce_unsized;  // #[rustc_coerce_unsized] (std only): `Rc<T>` coerces to `Rc<dyn Tr>`
                        // as its pointer field does (std's `impl CoerceUnsized for Rc`)
} Attrs;

typedef enum {
  PAT_WILD,      // _
  PAT_BIND,      // x, mut x, ref x, x @ p (sub)
  PAT_REF,       // &p, &mut p
  PAT_TUPLE,     // (a, b)
  PAT_LIT,       // 1, -1, "s", true, 'c'
  PAT_RANGE,     // 1..=9
  PAT_PATH,      // None, Color::Red, a unit struct
  PAT_TUPLE_STRUCT, // Some(x), Point(a, b)
  PAT_STRUCT,    // Point { x, y: 0, .. }
  PAT_OR,        // a | b
  PAT_REST,      // .. inside tuple and slice patterns
  PAT_SLICE,     // [a, b], [first, .., last], [head, rest @ ..]
} PatternKind;

struct Pattern {
  PatternKind kind;
  Span span;
  const char *name;     // PAT_BIND
  uint32_t hyg;         // PAT_BIND: the hygiene of the name (see macro_rules.c)
  bool mut, by_ref;     // PAT_BIND (by_ref: `ref x`), PAT_REF (mut)
  Pattern *sub;         // PAT_BIND `@` subpattern, PAT_REF inner
  Span head;            // PAT_BIND: `ref mut name`, without the `@` subpattern
  Pattern **elems;      // PAT_TUPLE, PAT_TUPLE_STRUCT, PAT_SLICE, PAT_OR alternatives, PAT_STRUCT field patterns
  int nelems;
  const char **field_names;  // PAT_STRUCT
  bool has_rest;        // PAT_STRUCT `..`
  Path path;            // PAT_PATH, PAT_TUPLE_STRUCT, PAT_STRUCT
  Expr *lit, *hi;       // PAT_LIT (lit), PAT_RANGE (lit..=hi; hi NULL for `lo..`)
  bool inclusive;       // PAT_RANGE
  // ---- filled by the checker ----
  Local *local;         // PAT_BIND
  Type *ty;             // the type this pattern matches, after `derefs`
  int derefs;           // default binding mode: references peeled off before matching
  bool bind_ref;        // PAT_BIND: binds a reference to the place (`ref`, or by the binding mode)
  bool bind_mut;        // PAT_BIND with bind_ref: `&mut`
  StructDecl *sdecl;    // PAT_PATH, PAT_TUPLE_STRUCT, PAT_STRUCT: the struct or enum
  int variant;          // ... the variant index when sdecl->is_enum
  int *field_map;       // PAT_TUPLE, PAT_TUPLE_STRUCT, PAT_STRUCT: elems[i] matches field field_map[i]
                        // (-1 for a `..`)
  int rest;             // PAT_SLICE: the index in elems of the `..` (or `name @ ..`), -1 if none
};

typedef enum {
  EX_INT, EX_FLOAT, EX_BOOL, EX_STR, EX_CHAR,
  EX_PATH,        // a variable, a function, a unit struct, an associated fn `Type::f`
  EX_UNARY,       // op: TK_MINUS, TK_BANG, TK_STAR (deref), TK_AMP (ref; mut flag for &mut)
  EX_BINARY,      // op: arithmetic, comparison, logic
  EX_ASSIGN,      // lhs = rhs
  EX_COMPOUND,    // lhs op= rhs; op is the binary operator (TK_PLUS for +=)
  EX_CAST,        // expr as Type
  EX_CALL,        // callee(args)
  EX_METHOD,      // recv.name::<targs>(args)
  EX_FIELD,       // base.name, base.0
  EX_INDEX,       // base[index]
  EX_STRUCT,      // Path { name: expr, .. }
  EX_TUPLE,       // (), (a,), (a, b)
  EX_ARRAY,       // [a, b], [x; n]
  EX_BLOCK,       // { stmts; expr } (also unsafe { })
  EX_IF,          // if cond { } else ...
  EX_IF_LET,      // if let pat = expr { } else ...
  EX_WHILE,       // while cond { }
  EX_WHILE_LET,   // while let pat = expr { }
  EX_LOOP,        // loop { }
  EX_FOR,         // for pat in expr { }
  EX_MATCH,       // match expr { arms }
  EX_BREAK, EX_CONTINUE, EX_RETURN,
  EX_RANGE,       // lo..hi, lo..=hi, either end may be NULL
  EX_MACRO,       // println!, print!, eprintln!, eprint!, format!, vec!, panic!, assert!, ...
  EX_CLOSURE,     // |a, b| body, move |x: i64| -> i64 { }
  EX_TRY,         // sub? (parsed; the checker may reject it)
} ExprKind;

typedef struct {
  Pattern *pat;
  Expr *guard;   // `if cond`, may be NULL
  Expr *body;
  Span span;
} MatchArm;

// One piece of a parsed format string: literal text, or an argument with its spec.
typedef struct {
  const char *text;   // literal text (already unescaped {{ }}) when arg < 0
  size_t text_len;
  int arg;            // index into the macro's args, or -1 for literal text
  bool debug;         // {:?}
  char debug_hex;     // {:x?} / {:X?}: Debug with integers in hex, 'x' or 'X' (else 0)
  bool has_width, has_prec, zero_pad, plus, minus;
  int width, prec;
  int align;          // -1 default, 0 left '<', 1 right '>', 2 center '^'
  uint32_t fill;
  char kind;          // the formatting trait: 0 Display, '?' Debug, 'x' 'X' 'o' 'b' 'e' 'E' 'p'
  bool alternate;     // '#' ({:#?}, {:#x})
  // `{:>w$}`, `{:>1$}`, `{:.*}`, `{:.prec$}`: the width or precision is the value (a usize) of
  // that argument instead of a number in the string
  bool width_from_arg, prec_from_arg, prec_star;
  int width_arg, prec_arg;
} FmtPiece;

typedef enum {
  LOCAL_VAR,      // a `let` or pattern binding
  LOCAL_PARAM,    // a function parameter (including self)
} LocalKind;

// A local variable: a binding introduced by a pattern, or a parameter.
struct Local {
  const char *name;
  LocalKind kind;
  bool mut;
  Type *ty;
  Span span;
  int index;            // position in its function's locals list
  bool assigned;        // checker: has been given a value (for E0384)
  bool late_init;       // declared without a value (`let x;`)
  FnDecl *owner;        // the function (or closure) whose frame holds it
};

// A variable a closure uses from an enclosing function: kept in the closure's environment by
// reference (a pointer to the variable), or by value for a `move` closure.
typedef struct {
  Local *local;
  bool by_value;
  bool mut_use;   // the body changes it: by `&mut` (if declared `mut`), else by `&`
  // Rust 2021 captures the places a body uses, not whole variables: a body that only uses
  // `c.hits` borrows c.hits, and c.log stays free. trc's environment still points at the whole
  // variable; the borrow checker takes the loan as of the field.
  uint64_t fields;  // the fields of the variable its uses go through (bit i: field i)
  bool through_deref;  // ... of what the variable (a reference) points to: `self.a` of `&mut self`
  bool whole;     // some use is of the variable itself (or through a deref, or a field past 63)
  // A reference variable whose body only uses what it points to (`s.len()`, `m.push(1)`, `*r`)
  // is captured as rustc 2021 captures `*s`: the environment holds a copy of the `&T` (or a
  // reborrow `&mut *m`), which lives as long as the reference itself and not only as long as
  // the variable. Every use of the variable counts in `nuses`; those that only go through it
  // (a field, `*`, an index, a method found past autoderef, an argument or typed `let` that
  // reborrows) in `nthrough`. Any other (`&s`, `s = ..`, `s == t`, `gen(s)`, `println!("{}", s)`)
  // needs the variable's own place: `addr_used`, as is a closure inside that holds it so.
  int nuses, nthrough;
  bool addr_used;
  bool reborrow;  // captured so (by_value is set too)
  Span span;      // its first use in the body (where diagnostics say the capture comes from)
} Capture;

// What an EX_PATH (or the callee of an EX_CALL) resolved to.
typedef enum {
  RES_NONE,
  RES_LOCAL,         // local
  RES_FN,            // fn_decl with targs (free fn or inherent assoc fn or trait impl fn)
  RES_TRAIT_FN,      // a trait method named through a type: `T::new()`, `Tr::m(x)`; self_ty + trait
  RES_UNIT_STRUCT,   // a unit struct value `Bar`
  RES_TUPLE_CTOR,    // a tuple struct constructor `Point(1, 2)`
  RES_BUILTIN,       // a compiler-known function: Box::new, Vec::new, String::from, size_of, drop
  RES_BUILTIN_METHOD,  // a compiler-known method named by a path (`String::len`, `str::trim`):
                       // name, and int_val its argument count with self
  RES_CONST,         // a primitive's associated constant (`u64::MAX`, `f64::EPSILON`): int_val/float_val
  RES_CONST_ITEM,    // a `const` item: fn is its value's function
  RES_CONST_PARAM,   // a const generic parameter (`N` of `const N: usize`): self_ty is its TY_PARAM
} ResKind;

// The functions and methods trc implements itself: compiler/syntax/builtins.def lists them.
typedef enum {
  BI_NONE,
#define BUILTIN(id) BI_##id,
#include "syntax/builtins.def"
  BI_COUNT
} Builtin;

// How a method call is dispatched, decided by the checker.
typedef enum {
  DISPATCH_DIRECT,   // an inherent method or a known impl's method: call fn_decl directly
  DISPATCH_TRAIT,    // a trait method on a (possibly generic) type: mono resolves the impl
  DISPATCH_DYN,      // a trait method on `dyn Trait`: load from the vtable
  DISPATCH_BUILTIN,  // a compiler-known method (Vec::push, String::len, ...)
} DispatchKind;

// Implicit conversions the checker inserts on an expression: applied in this order.
typedef enum {
  COERCE_NONE,
  COERCE_UNSIZE,     // &T -> &dyn Tr, Box<T> -> Box<dyn Tr>, &String -> &str, &Vec<T> -> &[T]
  COERCE_REBORROW,   // &mut T -> &T
  COERCE_RAW,        // &T -> *const T, &mut T -> *mut T, *mut T -> *const T, fn -> unsafe fn
  COERCE_FN_POINTER, // a closure that captures nothing -> fn(A) -> R
} CoerceKind;

struct Expr {
  ExprKind kind;
  Span span;
  Type *ty;               // filled by the checker (after its adjustments below)

  // literals
  uint64_t int_val;       // EX_INT, EX_CHAR (code point), EX_BOOL; the low 64 bits of an integer
  union {
    double float_val;     // EX_FLOAT
    uint64_t int_hi;      // EX_INT: the high 64 bits (of a literal or constant of i128/u128)
  };
  bool negated;           // EX_INT: the operand of a unary `-` (`-128i8` is in range, `128i8` not)
  const char *suffix;     // EX_INT / EX_FLOAT suffix
  const char *str;        // EX_STR bytes
  size_t str_len;

  // structure
  TokenKind op;           // EX_UNARY, EX_BINARY, EX_COMPOUND
  bool mut;               // EX_UNARY & (&mut)
  bool raw;               // EX_UNARY &: `&raw const P` / `&raw mut P`, a raw pointer, no borrow
  Expr *lhs, *rhs;        // binary/assign/compound; EX_INDEX base=lhs index=rhs; EX_RANGE lo=lhs hi=rhs
  bool inclusive;         // EX_RANGE ..=
  Expr *sub;              // EX_UNARY operand, EX_CAST operand, EX_FIELD/EX_METHOD receiver,
                          // EX_IF/EX_WHILE cond, EX_FOR/EX_MATCH/EX_IF_LET scrutinee,
                          // EX_BREAK/EX_RETURN value (may be NULL), EX_CALL callee
  TypeExpr *type_expr;    // EX_CAST target
  Path path;              // EX_PATH, EX_STRUCT
  const char *name;       // EX_FIELD, EX_METHOD, EX_MACRO (interned: "println", "vec", ...)
  int field_index;        // EX_FIELD: tuple index as written (.0), or -1; checker sets the real index
  TypeExpr **targs;       // EX_METHOD turbofish
  int ntargs;
  Expr **args;            // EX_CALL/EX_METHOD/EX_MACRO args, EX_TUPLE/EX_ARRAY elems, EX_STRUCT values
  int nargs;
  const char **field_names; // EX_STRUCT field names (parallel to args)
  Expr *base_expr;        // EX_STRUCT `..base`
  Block *block;           // EX_BLOCK, EX_IF then, EX_WHILE/EX_LOOP/EX_FOR body, EX_CLOSURE body (if braced)
  Expr *else_expr;        // EX_IF else (an EX_IF or EX_BLOCK), may be NULL
  Pattern *pat;           // EX_FOR, EX_IF_LET, EX_WHILE_LET
  MatchArm *arms;         // EX_MATCH
  int narms;
  const char *label;      // loop label 'a, or break/continue target label
  Span label_span;        // EX_BREAK/EX_CONTINUE: where that label is written (E0426 points there)
  bool is_unsafe;         // EX_BLOCK
  // EX_MACRO: vec![x; n] sets repeat; format-like macros get their format string parsed;
  // debug_assert!s are assert!s with debug_only (checked, lowered only with debug assertions)
  bool repeat, debug_only;
  FmtPiece *fmt;
  int nfmt;
  // EX_CLOSURE
  Pattern **cparams;
  TypeExpr **cparam_types;
  int ncparams;
  TypeExpr *cret;
  Expr *cbody;
  bool is_move;
  Span name_span;         // EX_FIELD / EX_METHOD: the field or method name; EX_BINARY: the operator
  bool moves_local;       // checker: an EX_PATH that moves its (non-Copy) local out, or an
                          // EX_FIELD `local.field` moved out of the local (a partial move)
  Span *field_spans;      // EX_STRUCT: the span of each field name (parallel to args)

  // ---- filled by the checker ----
  ResKind res;
  Local *local;           // RES_LOCAL
  FnDecl *fn;             // RES_FN, RES_TRAIT_FN; EX_METHOD callee
  Type **fn_targs;        // type arguments of the callee (all of them: impl's, then fn's own)
  int fn_ntargs;
  StructDecl *sdecl;      // RES_UNIT_STRUCT, RES_TUPLE_CTOR, EX_STRUCT
  int variant;            // ... the variant index when sdecl->is_enum
  Builtin builtin;        // RES_BUILTIN, DISPATCH_BUILTIN
  DispatchKind dispatch;  // EX_METHOD
  TraitDecl *trait;       // DISPATCH_TRAIT/DYN, RES_TRAIT_FN: the trait declaring the method
  Type *self_ty;          // DISPATCH_TRAIT, RES_TRAIT_FN: the Self type
  int autoderefs;         // EX_METHOD: derefs applied to the receiver before autoref
  int autoref;            // EX_METHOD: 0 none, 1 &, 2 &mut after the derefs
  bool unsize_recv;       // EX_METHOD: that reference to an array unsized to a slice's (`arr.contains(&x)`)
  CoerceKind coerce;      // implicit conversion applied to this expression's value
  Type *coerce_from;      // type before the coercion (ty is the type after)
  bool no_reborrow;       // an argument checked against a type not yet inferred (a generic `T`):
                          // a `&mut` given there is moved, not reborrowed, as in rustc
  int *field_map;         // EX_STRUCT: for each args[i], the field index
  struct LoopInfo *loop;  // EX_BREAK/EX_CONTINUE target
  Expr *overload;         // EX_UNARY/EX_BINARY/EX_COMPOUND on a type that is not a primitive: the
                          // operator trait's method call it stands for (`a + b`: `a.add(b)`)
  // EX_FOR over an Iterator: the iterator's hidden local, and the checked `iter.next()` call;
  // over another IntoIterator type, also the hidden local of the value and `value.into_iter()`
  Local *for_iter, *for_src;
  Expr *for_next, *for_into;
};

// A loop as the checker sees it: the target of `break`/`continue` (codegen reads loop_expr).
typedef struct LoopInfo {
  Expr *loop_expr;
  const char *label;
  Type *break_ty;       // `loop` only: the type of `break value`
  bool has_break;
  bool in_cond;         // `while`: its condition is being checked (E0590 for a bare `break` there)
  struct LoopInfo *outer;
} LoopInfo;

// An EX_INT's (or a RES_CONST path's) value, both words: up to u128::MAX.
static inline Wide expr_int_value(const Expr *e) { return (Wide)e->int_hi << 64 | e->int_val; }

typedef enum { ST_LET, ST_EXPR, ST_SEMI, ST_ITEM, ST_EMPTY } StmtKind;

struct Stmt {
  StmtKind kind;
  Span span;
  Pattern *pat;       // ST_LET
  TypeExpr *ty;       // ST_LET annotation, may be NULL
  Expr *init;         // ST_LET initializer (may be NULL), ST_EXPR/ST_SEMI expression
  Block *else_block;  // let-else
  Item *item;         // ST_ITEM
};

struct Block {
  Stmt **stmts;
  int nstmts;
  Expr *tail;         // final expression without `;`, may be NULL
  Span span;
  bool has_items;     // declares items, seen in this block only (Program.item_blocks)
};

typedef enum {
  SELF_NONE,     // an associated function
  SELF_VALUE,    // self / mut self
  SELF_REF,      // &self
  SELF_REF_MUT,  // &mut self
  SELF_BOX,      // self: Box<Self>
} SelfKind;

typedef struct {
  Pattern *pat;
  TypeExpr *ty;
  Span span;
  Local *local;  // filled by the checker
} Param;

struct FnDecl {
  const char *name;
  Span span;           // the name
  Span sig_span;       // whole signature
  Generics generics;
  SelfKind self_kind;
  bool self_mut;       // `mut self`
  Span self_span;
  uint32_t self_hyg;   // the hygiene of the `self` token (a macro's `&self` is its own)
  Param *params;       // excluding self
  int nparams;
  TypeExpr *ret;       // NULL means ()
  // Lifetimes as written (the AST keeps no lifetimes): how many the parameters have, elided
  // or not (`&T` and `&'a T` count one each; `&self` counts), and whether the return type has
  // an elided one (`&T`, `'_`; the first at ret_elided_at) or a named one other than 'static.
  int param_lifetimes;
  bool ret_elided, ret_named;
  Span ret_elided_at;
  const char *self_lifetime;  // `&'a self`: 'a
  const char *ret_lifetimes[4];  // the named lifetimes of the return type (the first four)
  Block *body;         // NULL for a required trait method and a C function
  Attrs attrs;
  bool is_unsafe;      // `unsafe fn` (also every fn of an `extern "C"` block): calls need unsafe (E0133)
  bool is_extern;      // declared in an `extern "C" { .. }` block: the C library's symbol, no body
  bool c_abi;          // `extern "C" fn` with a body: its type is `extern "C" fn(..)`
  Visibility vis;      // `pub fn`: who may call it through a path or a method call
  // context, filled by the parser
  ImplDecl *impl;      // the impl it is in, or NULL
  TraitDecl *trait;    // the trait it is declared in (for trait methods and defaults), or NULL
  // filled by the checker
  Type **param_types;  // semantic types of params (not including self)
  Type *ret_type;
  Type *self_param_ty; // type of `self` parameter when self_kind != SELF_NONE
  Local *self_local;
  VEC(Local *) locals; // every Local of the body, in declaration order
  struct GenericEnv *env;  // the generic parameters in scope (impl's/trait's, then own)
  bool checked;
  bool requires_sized; // `where Self: Sized` on a trait method
  int vtable_slot;     // trait methods: index among the trait's own dyn-callable methods
  bool has_impl_trait_args;  // some parameter is `impl Trait` (an anonymous type parameter)
  Span sized_span;     // the `Sized` of `where Self: Sized`
  struct TraitRefList *self_bounds;  // trait methods: the other `where Self: Tr` bounds, which
  Span *self_bound_spans;            // each call must satisfy (`where Self: Clone`); their `Tr`s
  // closures: the body of `|x| ...` is checked and emitted as a function of its own, whose
  // first argument is the environment (a struct of the captures)
  bool is_closure;
  // `const N: i32 = 3;` in a trait or impl is a function of no arguments whose body is the
  // value (a use `T::N` is a call, resolved per instance); a `const`/`static` item's function
  // has is_static for a static (a place that lives for the whole program).
  bool is_const, is_static;
  bool is_const_fn;    // `const fn`
  const char *const_context;  // "constants", "statics", "constant functions": sema/contexts.c
  bool is_static_mut;  // ... of a `static mut`: one global place, read and written in `unsafe`
  bool is_thread_local;  // ... one place per thread (`#[thread_local]`), None/zero in a new one
  FnDecl *parent;      // the function the closure is written in
  Capture *captures;
  int ncaptures;
  Expr *closure_expr;
  bool is_fn_once;     // its body moves a captured value out: a call consumes the closure
  bool fn_bound;       // checked against an `Fn` bound or `dyn Fn`: it may not change its captures
  bool fnmut_bound;    // ... an `FnMut` one: it may change them (but neither moves one out, E0507)
  bool ret_env_free;   // lower/borrowck.c: nothing it returns comes from its captures
  // lower/borrowck.c, what the body stores into the variables it captured by `&mut` (per
  // capture c, bit j: capture j): the borrow of captured variable j (`firsts.push(&names[i])`),
  // or references j's value holds (`firsts.push(refs[i])`); and the captures whose borrow it
  // gives where `'static` is required (`keep(&n)`), with where.
  uint64_t *stores_borrow_of, *stores_refs_of;
  // ... and of its arguments (per capture c, bit p: parameter p's references, `|x| out.push(x)`)
  uint64_t *stores_param_of;
  uint64_t static_captures;
  Span *static_use;
  const char **static_why;
  struct Body *mir;    // lower/: the body as MIR (Body.unsupported: not lowered yet)
};

typedef enum { STRUCT_NAMED, STRUCT_TUPLE, STRUCT_UNIT } StructKind;

typedef struct {
  const char *name;   // interned; NULL for tuple fields
  TypeExpr *ty;
  Span span;
  Type *type;         // semantic type (may mention the struct's params), by the checker
  Visibility vis;
  Span elided_lifetime;  // a `&` (or `'_`) without a named lifetime in ty: E0106; hi == 0 if none
} FieldDecl;

// One variant of an enum: `A`, `B(T, i32)`, `C { x: i32 }`, `D = 5`.
typedef struct {
  const char *name;
  Span span;
  StructKind kind;     // unit / tuple / named, as for structs
  FieldDecl *fields;
  int nfields;
  Expr *discriminant;  // `= expr`, or NULL
  int64_t discr;       // its value (the checker computes it)
  Attrs attrs;
} EnumVariant;

// A struct or an enum (an ADT). An enum has no fields of its own, only variants; its value is
// a tag followed by the fields of one variant.
struct StructDecl {
  const char *name;
  Span span;
  Span head_span;       // `struct Name` / `enum Name`
  StructKind kind;
  Generics generics;
  FieldDecl *fields;
  int nfields;
  Attrs attrs;
  struct GenericEnv *env;
  ImplDecl *drop_impl;  // `impl Drop for S`, found by the checker
  bool is_copy;         // #[derive(Clone, Copy)]
  bool is_enum;
  // The last field's type is a `?Sized` parameter (`struct RefCell<T: ?Sized> { flag, value: T }`)
  // or a struct ending in one: unsized_tail, and tail_param is that parameter's index (-1 when the last
  // field is unsized for every argument: `inner: dyn Foo`). Such a struct is
  // unsized when the parameter is (`RefCell<dyn Tr>`), and its last field stays last in every
  // layout, so that `&RefCell<Circle>` and `&RefCell<dyn Tr>` find the other fields alike.
  bool unsized_tail;
  int tail_param;
  bool coerce_unsized;  // std's Rc/Weak/Arc: a value coerces as its one pointer field does
  EnumVariant *variants;  // enums only
  int nvariants;
};

typedef struct {
  const char *name;
  Span span;
  Span decl_span;        // `type Name = T` without the `;` (E0446 points there)
  Bound *bounds;
  int nbounds;
  TypeExpr *default_ty;  // in traits (unstable, rejected) / the binding in impls
  Type *resolved;        // impls: the bound type (may mention the impl's params)
  struct TraitRefList *rbounds;  // traits: the bounds resolved (`type IntoIter: Iterator<..>`)
  bool is_copy;          // traits: declared `type Node: Copy` (marker bounds are not in rbounds)
} AssocTypeDecl;

struct TraitDecl {
  const char *name;
  Span span;
  Generics generics;
  Bound *supers;        // supertrait bounds as written (`trait B: A + Sized`)
  int nsupers;
  const char *super_lifetime;  // `trait P: Tr + 'static`: every implementor outlives it
  FnDecl **methods;
  int nmethods;
  AssocTypeDecl *assoc_types;
  int nassoc_types;
  Span *const_spans;    // associated consts (only recorded, for dyn compatibility)
  int nconsts;
  Attrs attrs;
  bool is_auto;         // Send, Sync, Unpin: builtin auto traits (no methods, no vtable)
  bool is_marker;       // Sized, Copy: builtin marker traits
  bool is_lang_drop;    // Drop
  // filled by the checker
  TraitDecl **super_traits;  // resolved non-marker supertraits, in declaration order
  int nsuper_traits;
  TraitDecl **marker_supers; // marker supertraits (`trait Bump: Copy`), which a vtable has no room for
  int nmarker_supers;
  bool requires_sized;       // `trait T: Sized` (or where Self: Sized)
  Span sized_span;           // that `Sized` bound
  struct GenericEnv *env;    // Self + trait generics
  bool resolved;
  VEC(ImplDecl *) impls;     // its impls, in the order written
  struct ImplIndex *impl_index;  // ... by the head of their self type (sema/traits.c)
  VEC(ImplDecl *) neg_impls; // an auto trait's negative impls (`impl<T> !Sync for Cell<T>`)
};

struct ImplDecl {
  Span span;
  Span full_span;       // header and items: what `Self::Output` written inside it refers to
  Generics generics;
  Path *trait_path;     // NULL for an inherent impl
  bool derived;         // written by #[derive]: its spans are the type's, its bodies no scope
  TypeExpr *self_te;
  FnDecl **methods;
  int nmethods;
  AssocTypeDecl *assoc_types;
  int nassoc_types;
  // filled by the checker
  TraitDecl *trait;
  Type *self_ty;        // may mention the impl's params
  Type **trait_args;    // the trait's type arguments (`AsRef<str>`), may mention the impl's params
  int ntrait_args;
  struct GenericEnv *env;
  int index;            // its position among the program's impls
  bool negative;        // `impl !Trait for T`: the prelude's, for auto traits
};

// const NAME: Type = value;  — checked and emitted as a function of no arguments that returns
// the value (LLVM folds the calls), so a constant is an expression evaluated where it is used.
typedef struct ConstDecl {
  const char *name;
  Span span;           // the name
  TypeExpr *ty;
  Expr *value;
  FnDecl *fn;          // the checker's function for the value
  bool is_static;      // `static NAME: T = value;`
  bool thread_local;   // `#[thread_local] static`: one per thread (thread_local!'s slots)
  bool is_mut;         // `static mut NAME: T = value;`
} ConstDecl;

// type Name<T> = Type;  — a type alias: the name stands for the type wherever it is written,
// with the alias's parameters replaced by the arguments given (`type Pair<T> = (T, T);`).
typedef struct AliasDecl {
  const char *name;
  Span span;           // the name
  Generics generics;
  TypeExpr *ty;
  Type *resolved;         // sema: the type, its parameters as parameters 0..
  Type **defaults;        // sema: per parameter, its default (`type Res<T, E = String>`), or NULL
  bool resolving;         // sema: being resolved (an alias that names itself is E0391)
  Span next_use;          // sema: the first alias its type names (where a cycle is reported)
} AliasDecl;

typedef enum { ITEM_FN, ITEM_STRUCT, ITEM_TRAIT, ITEM_IMPL, ITEM_USE, ITEM_CONST, ITEM_TYPE } ItemKind;

struct Item {
  ItemKind kind;
  Span span;
  Visibility vis;
  Attrs attrs;
  FnDecl *fn;
  StructDecl *sdecl;    // ITEM_STRUCT: a struct or an enum
  TraitDecl *trait;
  ImplDecl *impl;
  Path use_path;        // ITEM_USE: `use std::mem::size_of;` (glob: last seg name "*")
  const char *use_alias;
  ConstDecl *cdecl;     // ITEM_CONST
  AliasDecl *alias;     // ITEM_TYPE
};

typedef struct {
  Item **items;
  int nitems;
  // The items declared inside function bodies, in any block (`fn helper` in a method, a
  // `const` in a nested block): each is an item of its module, seen as rustc sees it there.
  Item **block_items;
  int nblock_items;
  Span *item_blocks;  // the blocks that declare them: each such item is seen in its block only
  int nitem_blocks;
  const char **features;  // #![feature(...)] gates
  int nfeatures;
  bool debug_assertions;  // cfg(debug_assertions): a build without optimization, as rustc's
} Program;

// Parses one file's tokens and appends its items to prog.
void parse_file(Program *prog, Token *toks, int ntoks);

// The standard library's modules: the prelude (file 0) groups the items that Rust keeps out of
// its prelude in `mod fmt { ... }` blocks, so `fmt::Result` and the prelude's `Result` are two
// names. The module an item is in is found from its span: the module whose braces hold it.
typedef struct {
  const char *name;   // interned: "fmt"
  Span body;          // from `{` to `}`
} StdModule;

// The innermost std module that span sp is inside, or NULL (the prelude's root, or user code).
const char *std_module_of(Span sp);
// Forgets the modules of the last compilation (trc_reset, before the arena is freed).
void parse_reset(void);
// Parses a file that is the body of user module `module` (a `mod name;` file).
void parse_module_file(Program *prog, Token *toks, int ntoks, int module);

//
// modules.c: the program's own modules (`mod a { ... }`, `mod a;` read from a.tr or a/mod.tr)
//
// The items of every module are appended to the one Program, as the prelude's std modules
// are; the module an item belongs to is found from its span (the innermost module whose body
// holds it). Modules are named by their interned path from the crate root: "crate",
// "crate::geometry::shapes", which can never be a std module's name ("fmt").
typedef struct {
  const char *path;       // interned: "crate::geometry::shapes"
  const char *name;       // "shapes" ("crate" for the root)
  int parent;             // index of the enclosing module, -1 for the root
  Span body;              // an inline module's braces, or a whole file
  Span decl;              // the `mod name;` / `mod name { .. }` header, for diagnostics
  Visibility vis;
  const char *dir;        // where the files of its `mod child;` items are looked for
  const char *file_path;  // the file its text is in
  bool pending;           // a `mod name;` whose file is not read yet
} UserModule;

// Which namespace a path names into: types (and traits) or values (fns, consts, constructors).
typedef enum { PATH_TYPE, PATH_VALUE } PathNs;

// A multi-segment path written in the program (`shapes::Circle::new`, `crate::util::f`),
// kept so that sema can resolve its module prefix once every module is known.
typedef struct {
  Path *path;
  PathNs ns;
} NotedPath;

void modules_start(const char *main_path, int main_file);
int modules_current(void);
// `mod name {`: a new module inside the current one, current until modules_close.
int modules_open_inline(const char *name, Span decl, Visibility vis, Span open_brace);
void modules_close(int module, int parent, uint32_t close_hi);
// `mod name;`: its file is read by modules_load_files.
void modules_declare_file(const char *name, Span decl, Visibility vis);
// Reads and parses the files of the `mod name;` items, theirs too. E0583 for a missing file.
void modules_load_files(Program *prog);
int module_count(void);
UserModule *module_at(int i);
int module_find(const char *path);          // index by path, or -1
const char *module_child(const char *path, const char *name);  // path of a child, or NULL
const char *module_parent(const char *path);                    // NULL for the root
const char *crate_name(void);  // the program's crate: its file's stem, `-` read as `_`
// The module a span of the program is in ("crate" at the top), NULL for the prelude's.
const char *module_of(Span sp);
// Whether module `inner` is `outer` or inside it (privacy: what `outer` may see).
bool module_within(const char *inner, const char *outer);
void note_path(Path *p, PathNs ns);
// "shapes::" for an item of module crate::shapes, "" at the crate root and in the prelude.
const char *module_symbol_prefix(Span sp);
NotedPath *noted_paths(int *n);
void modules_reset(void);

//
// macro_rules.c: declarative macros (`macro_rules!`), expanded on tokens while parsing
//

typedef enum {
  FRAG_EXPR, FRAG_IDENT, FRAG_TY, FRAG_TT, FRAG_PAT, FRAG_PAT_PARAM, FRAG_LITERAL, FRAG_BLOCK,
  FRAG_STMT, FRAG_PATH, FRAG_LIFETIME, FRAG_VIS, FRAG_ITEM, FRAG_META,
} FragKind;

typedef struct MacroDef MacroDef;

// Defines the macro whose `macro_rules` token is toks[pos] (in a function body when in_fn;
// #[macro_export] when exported); returns the index just past the definition, or -1 after
// reporting an error.
int macro_define(Token *toks, int n, int pos, bool in_fn, bool exported);
// The macro_rules! macro named name in textual scope here, or NULL.
MacroDef *macro_lookup(const char *name);
// The #[macro_export] macro `crate::name!` names (defined so far), or NULL.
MacroDef *macro_lookup_exported(const char *name);
const char *macro_name(MacroDef *m);
// Macros defined in a block go out of scope at its end: mark before, pop to the mark after.
int macro_scope_mark(void);
void macro_scope_pop(int mark);
// Index of the delimiter closing the group toks[open] opens (within n tokens), or -1.
int macro_group_end(Token *toks, int n, int open);
bool token_opens(TokenKind k);   // `(`, `[` or `{`
bool token_closes(TokenKind k);  // `)`, `]` or `}`
// Expands the call `name!(...)` whose open delimiter is toks[open]: the tokens it stands for,
// *nout of them, followed by `tail` extra slots; NULL after reporting an error.
Token *macro_expand(MacroDef *m, Token *toks, int n, int open, Span call, int tail, int *nout);
// For the tokens a macro expansion wrote (hygiene h), the hygiene of the macro's definition,
// when it was in a function body: its body also sees the locals in scope there (rustc's
// mixed-site hygiene). False for a macro defined outside functions: it sees no caller's local.
bool hyg_def_site(uint32_t h, uint32_t *site);
void macro_reset(void);
// The text stringify! gives tokens toks[0, n): spaced as rustc prints a token stream.
const char *tokens_text(Token *toks, int n);
int encode_utf8(uint32_t cp, char *buf);  // lexer.c: cp as UTF-8 into buf (up to 4 bytes); the length

// parser.c: how many tokens from toks[pos] (up to toks[end], exclusive) a fragment of kind k
// spans, or -1 when none parses there (nothing is reported). toks[end] is restored.
int parse_fragment_len(FragKind k, Token *toks, int pos, int end);

//
// derive.c
//

// Appends the impls that `#[derive(Clone, PartialEq, Eq)]` on the program's types stand for,
// parsed from generated source as rustc's derive macros expand them.
void derive_expand(Program *prog);

#endif
