// check_macro.c — the macros trc knows: println!/format! and the like (their arguments must be
// Display or Debug), panic!, assert!/assert_eq!, vec!, unreachable!/todo!. Each is a small
// checker with rules of its own that only check_expr calls, so they live together here.
#include "sema/sema_internal.h"

#include <string.h>

// ---------------------------------------------------------------------------------------------
// Macros

static bool has_derive(StructDecl *s, const char *name) {
  for (int i = 0; i < s->attrs.nderives; i++)
    if (!strcmp(s->attrs.derives[i], name)) return true;
  return false;
}

// Display: numbers, bool, char, strings. Debug: those, and tuples, Vecs, slices, arrays and
// `#[derive(Debug)]` types of Debug parts.
static bool displayable(Type *t, bool debug) {
  t = ty_resolve(t);
  while (t->kind == TY_REF || t->kind == TY_BOX) t = ty_resolve(t->inner);  // Display for &T and Box<T> is T's
  switch (t->kind) {
  case TY_INT: case TY_FLOAT: case TY_BOOL: case TY_CHAR: case TY_STR: case TY_STRING: case TY_VAR:
    return true;
  case TY_UNIT: return debug;
  case TY_TUPLE:
    for (int i = 0; debug && i < t->nargs; i++)
      if (!displayable(t->args[i], true)) return false;
    return debug;
  case TY_VEC: case TY_SLICE: case TY_ARRAY: return debug && displayable(t->inner, true);
  case TY_STRUCT:
    if (!debug || !has_derive(t->sdecl, "Debug")) return false;
    for (int i = 0; i < t->nargs; i++)
      if (!displayable(t->args[i], true)) return false;
    return true;
  default:
    return false;
  }
}

static void check_format_args(Fcx *fx, Expr *e, int first) {
  for (int i = first; i < e->nargs; i++) check_expr(fx, e->args[i], NULL);
  bool unsized_seen = false;
  for (int i = 0; i < e->nfmt; i++) {
    FmtPiece *p = &e->fmt[i];
    if (p->arg < 0 || p->arg >= e->nargs) continue;
    Expr *a = e->args[p->arg];
    if (!ty_is_sized(a->ty)) {  // format_args! borrows each argument as `&T` with T: Sized
      if (unsized_seen) continue;  // rustc reports the first
      unsized_seen = true;
      Diag *d = diag_error(a->span, "E0277", "the size for values of type `%s` cannot be known at compilation time", ty_name(a->ty));
      diag_label(d, "doesn't have a size known at compile-time");
      diag_help(d, "the trait `Sized` is not implemented for `%s`", ty_name(a->ty));
      diag_emit(d);
      continue;
    }
    if (!displayable(a->ty, p->debug)) {
      Diag *d = diag_error(a->span, "E0277", p->debug ? "`%s` doesn't implement `Debug`" : "`%s` doesn't implement `std::fmt::Display`",
                           ty_name(a->ty));
      diag_label(d, p->debug ? "`%s` cannot be formatted using `{:?}`" : "`%s` cannot be formatted with the default formatter",
                 ty_name(a->ty));
      diag_emit(d);
    }
  }
}

Type *check_macro(Fcx *fx, Expr *e, Type *expected) {
  const char *n = e->name;
  if (n == s_println || n == s_print || n == s_eprintln || n == s_eprint) {
    check_format_args(fx, e, 0);
    return ty_unit;
  }
  if (n == s_format) {
    check_format_args(fx, e, 0);
    return ty_string;
  }
  if (n == s_panic || n == s_unreachable || n == s_todo || n == s_unimplemented) {
    check_format_args(fx, e, 0);
    return ty_never;
  }
  if (n == s_assert) {
    if (e->nargs < 1) {
      error_at(e->span, NULL, "macro requires a boolean expression as an argument");
      return ty_unit;
    }
    check_coerce(fx, e->args[0], ty_bool);
    check_format_args(fx, e, 1);
    return ty_unit;
  }
  if (n == s_assert_eq || n == s_assert_ne) {
    if (e->nargs < 2) {
      error_at(e->span, NULL, "`%s!` takes two arguments to compare", n);
      return ty_unit;
    }
    Type *a = check_expr(fx, e->args[0], NULL);
    Type *b = check_expr(fx, e->args[1], a);
    if (!unify(a, b)) mismatch(e->args[1], a, b);
    else if (!displayable(a, true)) error_at(e->args[0]->span, "E0277", "`%s` doesn't implement `Debug`", ty_name(a));
    check_format_args(fx, e, 2);
    return ty_unit;
  }
  if (n == s_vec) {
    Type *exp = expected ? ty_resolve(expected) : NULL;
    Type *elem = exp && exp->kind == TY_VEC ? exp->inner : ty_new_var(0);
    if (e->repeat) {
      check_coerce(fx, e->args[0], elem);
      check_coerce(fx, e->args[1], ty_usize);
      vec_push(&fx->moves, e);  // checked later: the element must be Copy
    } else {
      for (int i = 0; i < e->nargs; i++) {
        check_coerce(fx, e->args[i], elem);
        note_move(fx, e->args[i]);
      }
    }
    return ty_vec(elem);
  }
  error_at(e->span, NULL, "cannot find macro `%s` in this scope", n);
  return ty_new_var(0);
}
