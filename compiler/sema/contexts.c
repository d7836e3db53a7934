// contexts.c — what the context an expression is written in forbids, checked after a body's
// types are known (rustc's THIR unsafety check and its const checking).
//
// E0133: outside an `unsafe` block or `unsafe fn` body a program may not dereference a raw
// pointer, call an `unsafe fn` (its own, a C function of an `extern` block, std's `ptr::read`,
// `p.add(1)`, `Box::from_raw`, or one through an `unsafe fn` pointer), nor use a `static mut`
// (except to take its address with `&raw const`/`&raw mut`). A closure's body is unsafe code
// when the closure is written inside it.
//
// E0015: a `const`, a `static` and a `const fn` are evaluated at compile time by rustc, so they
// may call only `const fn`s (and constructors). trc evaluates them at run time, but rejects what
// rustc rejects: a call of one of the program's own functions that is not `const fn`. (Which of
// std's functions are `const` is not recorded; calls into std are let through.) A closure's
// body is not evaluated where it is written, so it is no const context.
#include "sema/sema_internal.h"

#include <string.h>

// Where the walk is: inside `unsafe` code or not, and in which const context, if any.
typedef struct {
  bool safe;
  const char *konst;  // "constants", "statics", "constant functions", or NULL
} Ctx;

static void walk_expr(Expr *e, Ctx c);
static void walk_block(Block *b, Ctx c);

static void report(Span sp, const char *what, const char *label, const char *note) {
  Diag *d = diag_error(sp, "E0133", "%s is unsafe and requires unsafe function or block", what);
  diag_label(d, "%s", label);
  diag_note(d, "%s", note);
  diag_emit(d);
}

// How rustc names the function: `f`, `S::m`, `std::ptr::read`, `Box::<T>::from_raw`,
// `std::ptr::const_ptr::<impl *const T>::add`.
static const char *unsafe_fn_name(FnDecl *f) {
  if (f->span.file == 0) {
    if (!strncmp(f->name, "__std_ptr_", 10)) return arena_printf("std::ptr::%s", f->name + 10);
    if (!strncmp(f->name, "__std_slice_", 12)) return arena_printf("std::slice::%s", f->name + 12);
    Type *self = f->impl ? ty_resolve(f->impl->self_ty) : NULL;
    if (self && self->kind == TY_PTR)
      return arena_printf("std::ptr::%s_ptr::<impl *%s T>::%s", self->mut ? "mut" : "const", self->mut ? "mut" : "const", f->name);
    if (self && self->kind == TY_BOX) return arena_printf("Box::<T>::%s", f->name);
    if (self && self->kind == TY_STRING) return arena_printf("String::%s", f->name);
    if (!strcmp(f->name, "__std_str_from_utf8_unchecked")) return "std::str::from_utf8_unchecked";
    if (self && self->kind == TY_SLICE) return arena_printf("core::slice::<impl [T]>::%s", f->name);
    const char *mod = std_module_of(f->span);
    return mod ? arena_printf("std::%s::%s", mod, f->name) : f->name;
  }
  if (f->impl && !f->impl->trait_path) {
    const char *ty = ty_name(f->impl->self_ty), *lt = strchr(ty, '<');
    if (lt) ty = arena_printf("%.*s::%s", (int)(lt - ty), ty, lt);
    return arena_printf("%s::%s", ty, f->name);
  }
  if (f->impl || f->trait) return arena_printf("%s::%s", f->trait ? f->trait->name : f->impl->trait->name, f->name);
  return arena_printf("%s%s", module_symbol_prefix(f->span), f->name);
}

static void unsafe_call(Span sp, FnDecl *f) {
  const char *what = f ? arena_printf("call to unsafe function `%s`", unsafe_fn_name(f)) : "call to unsafe function";
  report(sp, what, "call to unsafe function", "consult the function's documentation for information on how to avoid undefined behavior");
}

// An `unsafe fn` pointer, called through any references to it (`f(1)` with f: &unsafe fn(i32)).
static bool unsafe_fn_ptr(Type *t) {
  for (t = t ? ty_resolve(t) : NULL; t && t->kind == TY_REF; t = ty_resolve(t->inner)) {}
  return t && t->kind == TY_FN && (t->bits & FNQ_UNSAFE);
}

static bool is_static_mut_path(Expr *e) { return e->kind == EX_PATH && e->res == RES_CONST_ITEM && e->fn && e->fn->is_static_mut; }

// `&raw const S`, `&raw mut S.f`: only the address of the static is taken, which is safe.
static bool raw_address_of_static(Expr *e) {
  if (!(e->kind == EX_UNARY && e->op == TK_AMP && e->raw)) return false;
  Expr *p = e->sub;
  while (p->kind == EX_FIELD) p = p->sub;
  return is_static_mut_path(p);
}

// E0015 for a call of f in const context `where`: rustc names a free function `f`, an inherent
// one `S::new` (associated function, or method when it takes self), a trait's `<S as Tr>::m`.
static void non_const_call(Span sp, FnDecl *f, const char *where) {
  if (!where || !f || f->span.file == 0 || f->is_const_fn || f->is_const || f->is_closure) return;  // (`Self::W` is a call)
  const char *kind = f->self_kind != SELF_NONE ? "method" : f->impl || f->trait ? "associated function" : "function";
  const char *name = f->name;
  if (f->impl && f->impl->trait) name = arena_printf("<%s as %s>::%s", ty_name(f->impl->self_ty), f->impl->trait->name, f->name);
  else if (f->trait) name = arena_printf("%s::%s", f->trait->name, f->name);
  else if (f->impl) name = arena_printf("%s::%s", ty_name(f->impl->self_ty), f->name);
  Diag *d = diag_error(sp, "E0015", "cannot call non-const %s `%s` in %s", kind, name, where);
  if (!f->impl && !f->trait) diag_note_at(d, f->span, "function `%s` is not const", name);
  else diag_note(d, "calls in %s are limited to constant functions, tuple structs and tuple variants", where);
  diag_emit(d);
}

static void walk_exprs(Expr **es, int n, Ctx c) {
  for (int i = 0; i < n; i++)
    if (es[i]) walk_expr(es[i], c);
}

static void walk_expr(Expr *e, Ctx c) {
  bool safe = c.safe;
  if (!e) return;
  switch (e->kind) {
  case EX_PATH:
    if (safe && is_static_mut_path(e))
      report(e->span, "use of mutable static", "use of mutable static",
             "mutable statics can be mutated by multiple threads: aliasing violations or data races will cause undefined behavior");
    return;
  case EX_UNARY:
    if (raw_address_of_static(e)) {
      for (Expr *p = e->sub; p->kind == EX_FIELD; p = p->sub) walk_expr(p->rhs, c);
      return;
    }
    if (safe && e->op == TK_STAR && !e->overload && e->sub->ty && ty_resolve(e->sub->ty)->kind == TY_PTR)
      report(e->span, "dereference of raw pointer", "dereference of raw pointer",
             "raw pointers may be null, dangling or unaligned; they can violate aliasing rules and cause data races: all of these are undefined behavior");
    break;
  case EX_CALL: {
    Expr *callee = e->sub;
    bool named = callee->kind == EX_PATH && (callee->res == RES_FN || callee->res == RES_TRAIT_FN) && callee->fn;
    if (named) non_const_call(e->span, callee->fn, c.konst);
    if (safe) {
      if (named && callee->fn->is_unsafe) unsafe_call(e->span, callee->fn);
      else if (callee->kind == EX_PATH && callee->res == RES_BUILTIN && callee->builtin == BI_TRANSMUTE)
        report(e->span, "call to unsafe function `std::intrinsics::transmute`", "call to unsafe function",
               "consult the function's documentation for information on how to avoid undefined behavior");
      else if (!(callee->kind == EX_PATH && callee->res == RES_FN) && unsafe_fn_ptr(callee->ty))
        unsafe_call(e->span, NULL);
    }
    break;
  }
  case EX_METHOD:
    non_const_call((Span){.file = e->span.file, .lo = e->name_span.lo, .hi = e->span.hi}, e->fn, c.konst);  // `m()`
    if (safe && e->fn && e->fn->is_unsafe) unsafe_call(e->span, e->fn);
    break;
  case EX_BLOCK:
    walk_block(e->block, (Ctx){safe && !e->is_unsafe, c.konst});
    return;
  case EX_CLOSURE:
    if (e->cbody) walk_expr(e->cbody, (Ctx){safe, NULL});
    else walk_block(e->block, (Ctx){safe, NULL});
    return;
  default: break;
  }
  walk_expr(e->sub, c);
  walk_expr(e->lhs, c);
  walk_expr(e->rhs, c);
  walk_exprs(e->args, e->nargs, c);
  walk_expr(e->base_expr, c);
  if (e->kind != EX_BLOCK && e->block) walk_block(e->block, c);
  walk_expr(e->else_expr, c);
  for (int i = 0; i < e->narms; i++) {
    walk_expr(e->arms[i].guard, c);
    walk_expr(e->arms[i].body, c);
  }
}

static void walk_block(Block *b, Ctx c) {
  if (!b) return;
  for (int i = 0; i < b->nstmts; i++) {
    Stmt *s = b->stmts[i];
    if (s->kind == ST_ITEM) continue;  // a nested fn is a body of its own
    walk_expr(s->init, c);
    walk_block(s->else_block, c);
  }
  walk_expr(b->tail, c);
}

// E0764: a `&mut` of a temporary in the final value of a const or static (`&mut 5`) would live
// for the whole program as mutable state nobody owns.
static void final_mut_borrows(Expr *e, int depth) {
  if (!e || depth > 32) return;
  if (e->kind == EX_UNARY && e->op == TK_AMP && e->mut && !e->raw && !is_place(e->sub)) {
    Diag *d = diag_error(e->span, "E0764", "mutable borrows of temporaries that have their lifetime extended until the end of the program are not allowed");
    diag_label(d, "this mutable borrow refers to such a temporary");
    diag_note(d, "temporaries in constants and statics can have their lifetime extended until the end of the program");
    diag_note(d, "to avoid accidentally creating global mutable state, such temporaries must be immutable");
    diag_emit(d);
    return;
  }
  if (e->kind == EX_UNARY && e->op == TK_AMP) final_mut_borrows(e->sub, depth + 1);
  if (e->kind == EX_BLOCK && e->block) final_mut_borrows(e->block->tail, depth + 1);
  for (int i = 0; (e->kind == EX_ARRAY || e->kind == EX_TUPLE || e->kind == EX_STRUCT || e->kind == EX_CALL) && i < e->nargs; i++)
    final_mut_borrows(e->args[i], depth + 1);
}

void check_contexts(FnDecl *f) {
  if (!f->body || f->span.file == 0 || f->is_closure) return;
  if (f->const_context && !f->is_const_fn && !f->is_static_mut) final_mut_borrows(f->body->tail, 0);
  walk_block(f->body, (Ctx){!f->is_unsafe, f->const_context});
}
