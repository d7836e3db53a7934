// check_macro.c — the macros trc knows: println!/format! and the like (their arguments must be
// Display or Debug), panic!, assert!/assert_eq!, vec!, unreachable!/todo!. Each is a small
// checker with rules of its own that only check_expr calls, so they live together here.
#include "sema/sema_internal.h"

#include <string.h>

// ---------------------------------------------------------------------------------------------
// Macros

// (`&T` formats as T does, so rustc names the type behind the references.)
void report_unformattable(Type *t, bool debug, Span sp) {
  t = ty_resolve(t);
  while (t->kind == TY_REF) t = ty_resolve(t->inner);
  Diag *d = diag_error(sp, "E0277", debug ? "`%s` doesn't implement `Debug`" : "`%s` doesn't implement `std::fmt::Display`", ty_name(t));
  diag_label(d, debug ? "`%s` cannot be formatted using `{:?}`" : "`%s` cannot be formatted with the default formatter", ty_name(t));
  diag_emit(d);
}

// `{}` needs Display, `{:?}` Debug: the prelude's impls (compiler/std/fmt.tr) for the
// primitives, references, Boxes, Vecs, slices and tuples, #[derive(Debug)]'s, and the user's.
// A type still being inferred (`vec![1, 2]`) is checked when the body is done.
static void require_formattable(Fcx *fx, Expr *a, bool debug) {
  Type *t = ty_resolve(a->ty);
  TraitDecl *trait = debug ? K->debug_trait : K->display_trait;
  if (ty_has_vars(t)) {
    obligate(fx, t, trait, a->span)->format_arg = true;
    return;
  }
  if (!type_implements(K, t, trait)) report_unformattable(t, debug, a->span);
}

// `{:x}`, `{:o}`, `{:b}` need an integer, `{:e}` a number, `{:p}` a pointer (behind any
// references, for the numbers): the primitives' LowerHex, LowerExp and Pointer impls.
static void require_radix_formattable(Expr *a, char kind) {
  Type *t = ty_resolve(a->ty);
  bool pointer = t->kind == TY_REF || t->kind == TY_BOX || t->kind == TY_PTR || t->kind == TY_FN;
  while (t->kind == TY_REF) t = ty_resolve(t->inner);
  bool ok = kind == 'p' ? pointer : kind == 'e' || kind == 'E' ? ty_is_numeric(t) : ty_is_int(t);
  if (ok || (t->kind == TY_VAR && (t->var_kind != 2 || kind == 'e' || kind == 'E'))) return;
  TraitDecl *letter = fmt_letter_trait(K, kind);  // LowerHex for `{:x}`, ...: a program may impl it
  if (kind != 'p' && t->kind != TY_VAR && type_implements(K, t, letter)) return;
  const char *trait = letter->name;
  Diag *d = diag_error(a->span, "E0277", "the trait bound `%s: %s` is not satisfied", ty_name(t), trait);
  diag_label(d, "the trait `%s` is not implemented for `%s`", trait, ty_name(t));
  diag_emit(d);
}

static void check_format_args(Fcx *fx, Expr *e, int first) {
  for (int i = first; i < e->nargs; i++) check_expr(fx, e->args[i], NULL);
  bool unsized_seen = false;
  for (int i = 0; i < e->nfmt; i++) {
    FmtPiece *p = &e->fmt[i];
    if (p->arg < 0 || p->arg >= e->nargs) continue;
    Expr *a = e->args[p->arg];
    Type *part = unsized_part(fx->env, a->ty);
    if (part) {  // format_args! borrows each argument as `&T` with T: Sized
      if (unsized_seen) continue;  // rustc reports the first
      unsized_seen = true;
      Diag *d = diag_error(a->span, "E0277", "the size for values of type `%s` cannot be known at compilation time", ty_name(part));
      diag_label(d, "doesn't have a size known at compile-time");
      diag_help(d, "the trait `Sized` is not implemented for `%s`", ty_name(part));
      diag_emit(d);
      continue;
    }
    if (p->kind) require_radix_formattable(a, p->kind);
    else require_formattable(fx, a, p->debug);
    // A width or precision taken from an argument is a usize, or a reference to one (`w = w` of
    // `for w in &widths`), which format_args! reads through.
    int counts[2] = {p->width_from_arg ? p->width_arg : -1, p->prec_from_arg ? p->prec_arg : -1};
    for (int c = 0; c < 2; c++) {
      if (counts[c] < 0 || counts[c] >= e->nargs) continue;
      Type *t = ty_resolve(e->args[counts[c]]->ty);
      while (t->kind == TY_REF) t = ty_resolve(t->inner);
      if (!unify(t, ty_usize)) mismatch(e->args[counts[c]], ty_usize, e->args[counts[c]]->ty);
    }
  }
}

// write! into any other fmt::Write (a `&mut dyn fmt::Write`, a user type, a `W: fmt::Write`):
// `dest.write_str(&format!(..))`; into an io::Write (`io::stdout()`, a `Vec<u8>`, a lock):
// `dest.write_all(format!(..).as_bytes())`. std's write_fmt hands the pieces over one by one;
// this writes the same text with one call (a write_str that counts its calls would see fewer).
static Type *write_through_trait(Fcx *fx, Expr *e, Type *dest_ty, bool io) {
  Expr *text = arena_alloc(sizeof *text);
  *text = *e;
  text->name = s_format;
  text->args = e->args + 1;  // the format's arguments, without dest
  text->nargs = e->nargs - 1;
  bool line = !strcmp(e->name, "writeln");
  text->fmt = arena_alloc(sizeof(FmtPiece) * (size_t)(e->nfmt + 1));
  text->nfmt = 0;
  for (int i = 0; i < e->nfmt; i++) {
    FmtPiece p = e->fmt[i];
    if (p.arg >= 0) p.arg--;
    if (p.width_from_arg) p.width_arg--;
    if (p.prec_from_arg) p.prec_arg--;
    text->fmt[text->nfmt++] = p;
  }
  if (line) text->fmt[text->nfmt++] = (FmtPiece){.text = "\n", .text_len = 1, .arg = -1};
  Expr *ref = arena_alloc(sizeof *ref);
  if (io) *ref = (Expr){.kind = EX_METHOD, .sub = text, .name = intern_cstr("as_bytes"), .name_span = e->span, .span = e->span, .field_index = -1};
  else *ref = (Expr){.kind = EX_UNARY, .op = TK_AMP, .sub = text, .span = e->span, .field_index = -1};
  Expr *call = arena_alloc(sizeof *call);
  *call = (Expr){.kind = EX_METHOD, .sub = e->args[0], .name = intern_cstr(io ? "write_all" : "write_str"), .name_span = e->args[0]->span,
                 .args = arena_alloc(sizeof(Expr *)), .nargs = 1, .span = e->span, .field_index = -1};
  call->args[0] = ref;
  *e = *call;
  return check_method_on(fx, e, dest_ty);
}

// write!(dest, ..) and writeln!: dest is a Formatter (`f` in a fmt impl, a `&mut Formatter`), a
// String (std's needs `use std::fmt::Write`), or another fmt::Write; the value is a fmt::Result.
static Type *check_write(Fcx *fx, Expr *e) {
  Type *dt = check_expr(fx, e->args[0], NULL);
  Type *d = ty_resolve(dt);
  while (d->kind == TY_REF) d = ty_resolve(d->inner);
  bool ok = d->kind == TY_STRING || (d->kind == TY_STRUCT && d->sdecl == K->formatter);
  if (!ok && d->kind != TY_VAR) {
    TraitDecl *io_write = lookup_trait_in(intern_cstr("io"), intern_cstr("Write"));
    return write_through_trait(fx, e, ty_resolve(dt), io_write && type_implements(K, d, io_write));
  }
  check_format_args(fx, e, 1);
  StructDecl *err = lookup_struct_in(intern_cstr("fmt"), intern_cstr("Error"));
  Type *args[2] = {ty_unit, ty_struct(err, NULL, 0)};
  return ty_struct(K->result, args, 2);
}

// Both assert_eq! and assert_ne! compare with `==` (`*left_val == *right_val`): the type
// needs PartialEq, else rustc's E0369 at the macro.
static bool require_comparable(Expr *e, Type *a) {
  Type *t = ty_resolve(a);
  while (t->kind == TY_REF) t = ty_resolve(t->inner);
  if (ty_has_vars(t) || type_implements(K, t, K->partial_eq_trait)) return true;
  Diag *d = diag_error(e->span, "E0369", "binary operation `==` cannot be applied to type `%s`", ty_name(a));
  if (t->kind == TY_STRUCT) {
    diag_note_at(d, t->sdecl->span, "an implementation of `PartialEq` might be missing for `%s`", ty_name(t));
    diag_help(d, "consider annotating `%s` with `#[derive(PartialEq)]`", ty_name(t));
  }
  diag_emit(d);
  return false;
}

Type *check_macro(Fcx *fx, Expr *e, Type *expected) {
  const char *n = e->name;
  if (!strcmp(n, "module_path")) {  // `main` at the crate root, `main::shapes` inside `mod shapes`
    const char *m = module_of(e->span);
    const char *text = m && strcmp(m, "crate") ? arena_printf("%s%s", crate_name(), m + 5) : crate_name();
    *e = (Expr){.kind = EX_STR, .span = e->span, .str = text, .str_len = strlen(text), .field_index = -1};
    return check_expr(fx, e, expected);
  }
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
    Type *b = check_expr(fx, e->args[1], compared_rhs_hint(TK_EQEQ, a));
    CompareKind k = check_compared(TK_EQEQ, e->args[1], a, b, e->span);
    if (k == CMP_SAME && require_comparable(e, a)) require_formattable(fx, e->args[0], true);
    // Operands of two types (`assert_eq!(s, "x")` for a String) are each printed on failure.
    if (k == CMP_OTHER) {
      require_formattable(fx, e->args[0], true);
      require_formattable(fx, e->args[1], true);
    }
    check_format_args(fx, e, 2);
    return ty_unit;
  }
  if (n == s_write || n == s_writeln) return check_write(fx, e);
  if (n == s_vec) {
    Type *exp = expected ? ty_resolve(expected) : NULL;
    Type *elem = exp && exp->kind == TY_VEC ? exp->inner : ty_new_var(0);
    if (e->repeat) {
      check_coerce(fx, e->args[0], elem);
      check_coerce(fx, e->args[1], ty_usize);
      note_move(fx, e->args[0]);  // (a Copy element is not moved: check_moves decides)
      vec_push(&fx->moves, e);    // checked later: Copy, else Clone (check_moves.c)
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
