// format.c — print!, println!, format!, panic! and assert! messages: the pieces of a parsed
// format string, each argument formatted with its spec ({:>8.2}, {:x}, {:?}, {:#?}), into a
// String that is printed or panicked with. `{:?}` of a composite type (a derived Debug struct
// or enum, a tuple, a Vec) is a helper function per type, `{:#?}` another.
#include "codegen/codegen_internal.h"

#include <string.h>

static void free_string(CG *c, LLVMValueRef s);

static void push_lit(CG *c, LLVMValueRef s, const char *text, size_t len) {
  if (!len) return;
  LLVMValueRef str = cg_const_str(c, text, len);
  LLVMValueRef args[3] = {s, cg_extract(c, str, 0, ""), cg_i64(c, len)};
  cg_call_fn(c, cg_rt(c, "trc_string_push_bytes"), args, 3);
}

// ---------------------------------------------------------------------------------------------
// One argument
//
// A number, bool, char or string is appended by the runtime (trc_fmt_* in runtime/fmt.c)
// following its spec: the format string's, as constants, or a Formatter's, loaded from it
// (std::fmt's impls for the primitives do that, through the __trc_fmt intrinsic). Any other
// value is formatted by its Display or Debug impl (compiler/std/fmt.tr, #[derive(Debug)]'s,
// the program's), called with a Formatter on the stack that points at the String being
// built and carries the argument's spec; a `dyn Display` is called through its vtable.

typedef struct {
  LLVMValueRef width, prec, flags;  // i64 each, encoded as fmt.tr's Formatter keeps them
  char kind;                        // 0 (Display or Debug), or `{:x}`'s x, X, o, b, e, E, p
} FmtSpec;

// A width or precision argument: a usize, or a reference (to a reference...) to one.
static LLVMValueRef load_count(CG *c, CgValue place) {
  LLVMValueRef addr = place.v;
  for (Type *t = ty_resolve(place.ty); t->kind == TY_REF; t = ty_resolve(t->inner)) addr = LLVMBuildLoad2(c->b, c->t_ptr, addr, "");
  return cg_load(c, ty_usize, addr);
}

// The spec of a piece: constants, but for a width or precision taken from an argument (a
// usize at places[i], `{:>w$}`, `{:.*}`); places is NULL where no piece does that.
static FmtSpec piece_spec(CG *c, FmtPiece *p, CgValue *places) {
  uint64_t flags = (uint64_t)p->alternate | (uint64_t)p->plus << 1 | (uint64_t)p->minus << 2 | (uint64_t)p->zero_pad << 3 | (uint64_t)p->has_width << 4 |
                   (uint64_t)p->has_prec << 5 | (uint64_t)(p->align + 1) << 6 | (uint64_t)p->fill << 32 |
                   (uint64_t)(p->debug_hex == 'x') << 24 | (uint64_t)(p->debug_hex == 'X') << 25;  // runtime/rt_internal.h's FMT_*
  FmtSpec sp = {cg_i64(c, p->has_width ? p->width : 0), cg_i64(c, p->has_prec ? p->prec : 0), cg_i64(c, flags), p->kind};
  if (p->width_from_arg) sp.width = load_count(c, places[p->width_arg]);
  if (p->prec_from_arg) sp.prec = load_count(c, places[p->prec_arg]);
  return sp;
}

// Formatter's fields, by declaration order (fmt.tr): buf, width, precision, flags.
static LLVMValueRef formatter_field(CG *c, LLVMValueRef f, int field) {
  Type *ft = ty_struct(c->crate->formatter, NULL, 0);
  return LLVMBuildStructGEP2(c->b, cg_lltype(c, ft), f, cg_field_slot(c, ft, field), "");
}

static bool is_primitive(Type *t) {
  t = ty_resolve(t);
  return t->kind == TY_INT || t->kind == TY_FLOAT || t->kind == TY_BOOL || t->kind == TY_CHAR || t->kind == TY_STRING ||
         (t->kind == TY_REF && ty_resolve(t->inner)->kind == TY_STR);
}

// An integer v of type t as the runtime takes it: widened to 128 bits (by t's signedness), in
// two i64 words.
static void split_int(CG *c, LLVMValueRef v, Type *t, LLVMValueRef *lo, LLVMValueRef *hi) {
  LLVMTypeRef i128 = LLVMInt128TypeInContext(c->ctx);
  if (t->bits < 128) v = t->is_signed ? LLVMBuildSExt(c->b, v, i128, "") : LLVMBuildZExt(c->b, v, i128, "");
  *lo = LLVMBuildTrunc(c->b, v, c->t_i64, "");
  *hi = LLVMBuildTrunc(c->b, LLVMBuildLShr(c->b, v, LLVMConstInt(i128, 64, 0), ""), c->t_i64, "");
}

// `{:x}` and friends of an integer v of type t; `{:e}` of a number.
static void push_radix(CG *c, LLVMValueRef s, LLVMValueRef v, Type *t, char kind, FmtSpec sp) {
  LLVMValueRef lo, hi;
  split_int(c, v, t, &lo, &hi);
  LLVMValueRef args[7] = {s, lo, hi, LLVMConstInt(c->t_i32, (unsigned)t->bits, 0), LLVMConstInt(c->t_i32, (unsigned char)kind, 0), sp.width, sp.flags};
  cg_call_fn(c, cg_rt(c, "trc_fmt_radix"), args, 7);
}

static void push_decimal(CG *c, LLVMValueRef s, LLVMValueRef v, Type *t, FmtSpec sp) {
  LLVMValueRef lo, hi;
  split_int(c, v, t, &lo, &hi);
  LLVMValueRef args[6] = {s, lo, hi, LLVMConstInt(c->t_i32, t->is_signed, 0), sp.width, sp.flags};
  cg_call_fn(c, cg_rt(c, "trc_fmt_int"), args, 6);
}

// Debug of an integer: decimal, or hex under `{:x?}`/`{:X?}` (the flags 1 << 24 and 1 << 25),
// which reach a Debug impl inside a Vec or a struct through its Formatter: a test at run time,
// which LLVM folds where the flags are constants.
static void push_debug_int(CG *c, LLVMValueRef s, LLVMValueRef v, Type *t, FmtSpec sp) {
  LLVMValueRef lower = cg_i64(c, 1 << 24), upper = cg_i64(c, 1 << 25);
  LLVMValueRef hexbits = LLVMBuildAnd(c->b, sp.flags, LLVMBuildOr(c->b, lower, upper, ""), "");
  LLVMBasicBlockRef hex = cg_new_block(c, "dbg.hex"), dec = cg_new_block(c, "dbg.dec"), done = cg_new_block(c, "dbg.done");
  LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, hexbits, cg_i64(c, 0), ""), hex, dec);
  cg_set_block(c, hex);
  LLVMValueRef lo, hi;
  split_int(c, v, t, &lo, &hi);
  LLVMValueRef is_upper = LLVMBuildICmp(c->b, LLVMIntNE, LLVMBuildAnd(c->b, sp.flags, upper, ""), cg_i64(c, 0), "");
  LLVMValueRef kind = LLVMBuildSelect(c->b, is_upper, LLVMConstInt(c->t_i32, 'X', 0), LLVMConstInt(c->t_i32, 'x', 0), "");
  LLVMValueRef args[7] = {s, lo, hi, LLVMConstInt(c->t_i32, (unsigned)t->bits, 0), kind, sp.width, sp.flags};
  cg_call_fn(c, cg_rt(c, "trc_fmt_radix"), args, 7);
  LLVMBuildBr(c->b, done);
  cg_set_block(c, dec);
  push_decimal(c, s, v, t, sp);
  LLVMBuildBr(c->b, done);
  cg_set_block(c, done);
}

static void push_exp(CG *c, LLVMValueRef s, LLVMValueRef v, bool f32, char kind, FmtSpec sp) {
  LLVMValueRef args[7] = {s, v, LLVMConstInt(c->t_i32, kind == 'E', 0), LLVMConstInt(c->t_i32, f32, 0), sp.width, sp.prec, sp.flags};
  cg_call_fn(c, cg_rt(c, "trc_fmt_exp"), args, 7);
}

// Appends the primitive at place (t: a number, bool, char, String, or &str) to the String at s.
static void push_primitive(CG *c, LLVMValueRef s, LLVMValueRef place, Type *t, bool debug, FmtSpec sp) {
  LLVMValueRef dbg = LLVMConstInt(c->t_i32, debug, 0);
  if (sp.kind == 'e' || sp.kind == 'E') {
    LLVMValueRef v = cg_load(c, t, place);
    if (t->kind == TY_INT) v = t->is_signed ? LLVMBuildSIToFP(c->b, v, LLVMDoubleTypeInContext(c->ctx), "") : LLVMBuildUIToFP(c->b, v, LLVMDoubleTypeInContext(c->ctx), "");
    else if (t->bits == 32) v = LLVMBuildFPExt(c->b, v, LLVMDoubleTypeInContext(c->ctx), "");
    push_exp(c, s, v, t->kind == TY_FLOAT && t->bits == 32, sp.kind, sp);
    return;
  }
  if (sp.kind && t->kind == TY_INT) {
    push_radix(c, s, cg_load(c, t, place), t, sp.kind, sp);
    return;
  }
  switch (t->kind) {
  case TY_INT:
    if (debug) push_debug_int(c, s, cg_load(c, t, place), t, sp);
    else push_decimal(c, s, cg_load(c, t, place), t, sp);
    return;
  case TY_FLOAT: {
    LLVMValueRef v = cg_load(c, t, place);
    if (t->bits == 32) v = LLVMBuildFPExt(c->b, v, LLVMDoubleTypeInContext(c->ctx), "");
    LLVMValueRef args[7] = {s, v, dbg, LLVMConstInt(c->t_i32, t->bits == 32, 0), sp.width, sp.prec, sp.flags};
    cg_call_fn(c, cg_rt(c, "trc_fmt_float"), args, 7);
    return;
  }
  case TY_BOOL: {
    LLVMValueRef args[5] = {s, LLVMBuildZExt(c->b, cg_load(c, t, place), c->t_i32, ""), sp.width, sp.prec, sp.flags};
    cg_call_fn(c, cg_rt(c, "trc_fmt_bool"), args, 5);
    return;
  }
  case TY_CHAR: {
    LLVMValueRef args[6] = {s, cg_load(c, t, place), dbg, sp.width, sp.prec, sp.flags};
    cg_call_fn(c, cg_rt(c, "trc_fmt_char"), args, 6);
    return;
  }
  default: {  // String at place, or &str at place
    LLVMValueRef ptr, len;
    if (t->kind == TY_STRING) cg_str_parts(c, place, ty_ref(t, false), &ptr, &len);
    else cg_str_parts(c, cg_load(c, t, place), t, &ptr, &len);
    LLVMValueRef args[7] = {s, ptr, len, dbg, sp.width, sp.prec, sp.flags};
    cg_call_fn(c, cg_rt(c, "trc_fmt_str"), args, 7);
    return;
  }
  }
}

// <self as Display|Debug>::fmt(self_ref, &mut Formatter { buf: s, spec }): self_ref is the
// `&self` value (a fat pointer when self is unsized).
static void call_fmt_impl(CG *c, LLVMValueRef s, LLVMValueRef self_ref, Type *self, bool debug, FmtSpec sp) {
  TraitDecl *trait = debug ? c->crate->debug_trait : c->crate->display_trait;
  if (sp.kind && sp.kind != 'p') trait = fmt_letter_trait(c->crate, sp.kind);  // `{:x}` of a type with LowerHex
  FnDecl *m = trait_find_method(trait, intern_cstr("fmt"), NULL);
  Type *ft = ty_struct(c->crate->formatter, NULL, 0);
  LLVMValueRef f = cg_alloca(c, cg_lltype(c, ft), "fmt.f");
  LLVMValueRef vals[4] = {s, sp.width, sp.prec, sp.flags};
  for (int i = 0; i < 4; i++) LLVMBuildStore(c->b, vals[i], formatter_field(c, f, i));
  self = ty_resolve(self);
  if (dyn_dispatches(self, trait)) {  // through the vtable
    LLVMValueRef data = cg_extract(c, self_ref, 0, "data");
    LLVMValueRef vt = cg_extract(c, self_ref, 1, "vtable");
    LLVMValueRef off = cg_i64(c, 8 * cg_vtable_slot(self->principal->trait, m));
    LLVMValueRef fnp = LLVMBuildLoad2(c->b, c->t_ptr, LLVMBuildInBoundsGEP2(c->b, c->t_i8, vt, &off, 1, ""), "fmt");
    Type *fref = ty_ref(ft, true);
    LLVMValueRef args[2] = {data, f};
    LLVMValueRef r = cg_call(c, cg_fn_type(c, ty_ref(ty_u8, false), &fref, 1, m->ret_type), fnp, args, 2, "");
    cg_mark_dyn_call(c, r, self->principal->trait->name, "fmt", NULL);
    return;
  }
  LLVMValueRef builtin_args[2] = {self_ref, f};
  if (cg_builtin_trait_call(c, trait, m, self, NULL, builtin_args)) return;  // an array: as its slice
  Type *targs[1] = {self};
  Instance *in = mono_trait_method(trait, m, self, targs, 1, (Span){0});
  LLVMValueRef fnv = cg_instance_fn(c, in);
  LLVMValueRef args[4];
  int na = cg_push_arg(c, cg_value(self_ref, ty_ref(self, false)), args, 0);
  args[na++] = f;
  cg_call(c, LLVMGlobalGetValueType(fnv), fnv, args, na, "");
}

// Appends the value at place (of type t) to the String at s, by spec sp.
static void push_value(CG *c, LLVMValueRef s, LLVMValueRef place, Type *t, bool debug, FmtSpec sp) {
  t = ty_resolve(t);
  if (sp.kind == 'p') {  // the address a reference, Box or pointer holds (a fat one's data)
    LLVMValueRef v = cg_load(c, t, place);
    if (LLVMGetTypeKind(LLVMTypeOf(v)) == LLVMStructTypeKind) v = cg_extract(c, v, 0, "");
    if (LLVMGetTypeKind(LLVMTypeOf(v)) == LLVMPointerTypeKind) v = LLVMBuildPtrToInt(c->b, v, c->t_i64, "");
    push_radix(c, s, v, ty_usize, 'p', sp);
    return;
  }
  for (;;) {  // a reference or Box formats as what it points to
    if (t->kind != TY_REF && t->kind != TY_BOX) break;
    Type *in = ty_resolve(t->inner);
    if (in->kind == TY_STR || in->kind == TY_SLICE || in->kind == TY_DYN) break;  // a fat pointer: the `&self`
    place = cg_load(c, t, place);
    t = in;
  }
  if (is_primitive(t)) {
    push_primitive(c, s, place, t, debug, sp);
    return;
  }
  if (t->kind == TY_REF || t->kind == TY_BOX) call_fmt_impl(c, s, cg_load(c, t, place), t->inner, debug, sp);
  else call_fmt_impl(c, s, place, t, debug, sp);
}

// Appends one formatted argument, given its place, to the String at s.
void cg_push_formatted(CG *c, LLVMValueRef s, LLVMValueRef place, Type *t, FmtPiece *p) {
  push_value(c, s, place, t, p->debug, piece_spec(c, p, NULL));
}

// __trc_fmt(v, f, mode): the primitive v points to (of type ref_ty), by Formatter f's spec, as
// Display (mode 0), Debug (1), or the radix or exponent trait whose letter mode is ('x' of
// LowerHex, ...: a Formatter does not keep the letter, each trait's impl passes its own).
void cg_fmt_intrinsic(CG *c, LLVMValueRef v, Type *ref_ty, LLVMValueRef f, LLVMValueRef mode) {
  if (!LLVMIsAConstantInt(mode)) ice((Span){0}, "__trc_fmt's `mode` must be a constant");
  unsigned long long m = LLVMConstIntGetZExtValue(mode);
  FmtSpec sp = {cg_load(c, ty_usize, formatter_field(c, f, 1)), cg_load(c, ty_usize, formatter_field(c, f, 2)),
                cg_load(c, ty_usize, formatter_field(c, f, 3)), m > 1 ? (char)m : 0};
  LLVMValueRef buf = LLVMBuildLoad2(c->b, c->t_ptr, formatter_field(c, f, 0), "buf");
  push_value(c, buf, cg_spill(c, v, ref_ty), ref_ty, m == 1, sp);
}

// Builds the formatted text of a format-like macro in a fresh String; returns its address.
// `first` is the index of the first format argument: assert!'s condition and assert_eq!'s
// operands come before and are not evaluated again here.
// The formatted text of macro e into a new String buffer, its arguments (from `first` on)
// already evaluated: places[i] is where e->args[i] is.
static void push_pieces(CG *c, LLVMValueRef s, Expr *e, CgValue *places) {
  for (int i = 0; i < e->nfmt; i++) {
    FmtPiece *p = &e->fmt[i];
    if (p->arg < 0) push_lit(c, s, p->text, p->text_len);
    else push_value(c, s, places[p->arg].v, places[p->arg].ty, p->debug, piece_spec(c, p, places));
  }
}

static LLVMValueRef format_places(CG *c, Expr *e, CgValue *places) {
  LLVMValueRef s = cg_alloca(c, c->t_vec, "fmt");
  LLVMBuildStore(c->b, cg_empty_vec(c, 1), s);
  int mark = c->cleanups.len;
  cg_push_cleanup(c, ty_string, s);  // a Display impl that panics unwinds through here
  push_pieces(c, s, e, places);
  c->cleanups.len = mark;
  return s;
}

// write!(dest, ..): appends to dest's String (a Formatter's buffer, or a String), gives Ok(()).
static LLVMValueRef write_into(CG *c, Expr *e, CgValue *places) {
  LLVMValueRef addr = places[0].v;
  Type *t = ty_resolve(places[0].ty);
  while (t->kind == TY_REF) {
    addr = cg_load(c, t, addr);
    t = ty_resolve(t->inner);
  }
  LLVMValueRef buf = t->kind == TY_STRUCT ? LLVMBuildLoad2(c->b, c->t_ptr, formatter_field(c, addr, 0), "buf") : addr;
  push_pieces(c, buf, e, places);
  if (!strcmp(e->name, "writeln")) push_lit(c, buf, "\n", 1);
  Type *rt = ty_resolve(cg_raw_ty(c, e));
  LLVMValueRef ok = cg_alloca(c, cg_lltype(c, rt), "ok");
  LLVMValueRef unit = cg_unit(c);
  cg_store_variant(c, rt, 0, ok, &unit);
  return cg_load(c, rt, ok);
}

static void free_string(CG *c, LLVMValueRef s) {
  LLVMValueRef args[3] = {s, cg_i64(c, 1), cg_i64(c, 1)};
  cg_call_fn(c, cg_rt(c, "trc_vec_free"), args, 3);
}

static void print_string(CG *c, LLVMValueRef s, bool newline, bool to_stderr) {
  if (newline) push_lit(c, s, "\n", 1);
  LLVMValueRef args[2] = {cg_vec_field(c, s, 0), cg_vec_field(c, s, 2)};
  cg_call_fn(c, cg_rt(c, to_stderr ? "trc_eprint" : "trc_print"), args, 2);
  free_string(c, s);
}

// Panics with a formatted message; the message String is freed by the unwinding like any
// other value the frame owns, so a panicking program leaks nothing.
static void panic_with_string(CG *c, Span sp, LLVMValueRef s, bool is_const) {
  int mark = c->cleanups.len;
  cg_push_cleanup(c, ty_string, s);
  cg_panic_with(c, sp, cg_vec_field(c, s, 0), cg_vec_field(c, s, 2), is_const);
  c->cleanups.len = mark;  // the panic block ends here; later code does not own the message
}

static const char *span_text(Span sp, size_t *len) {
  const char *s = diag_span_text(sp);
  *len = strlen(s);
  return s;
}

// Whether rustc makes e's message a constant: its format string has no arguments but string
// and integer literals shown by a plain `{}`, which rustc's format_args! writes into the
// string (`"a {}", 1`, also inside todo!'s and assert!'s message); `panic!("{}", x)` alone is
// std's panic_display, always formatted.
static bool plain_display(FmtPiece *p) {
  return p->kind == 0 && !p->debug && !p->debug_hex && !p->has_width && !p->has_prec && !p->zero_pad && !p->plus && !p->minus && p->align < 0 &&
         !p->alternate && !p->width_from_arg && !p->prec_from_arg && !p->prec_star;
}

static bool literal_only(Expr *e) {
  if (!strcmp(e->name, "panic") && e->nfmt == 1 && e->fmt[0].arg >= 0) return false;
  for (int i = 0; i < e->nfmt; i++) {
    FmtPiece *p = &e->fmt[i];
    if (p->arg < 0) continue;
    Expr *a = e->args[p->arg];
    bool lit = a->kind == EX_STR || (a->kind == EX_INT && !a->negated);
    if (!lit || !plain_display(p)) return false;
  }
  return true;
}

// MIR's macro calls (lower/lower.c): the macro's effect once its arguments are places.
// print!-like macros print; panic!-like ones, and the failure paths of assert!, assert_eq!
// and assert_ne! (whose comparison MIR has already made), panic.
LLVMValueRef cg_macro_call(CG *c, Expr *e, CgValue *places) {
  const char *n = e->name;
  if (!strcmp(n, "write") || !strcmp(n, "writeln")) return write_into(c, e, places);
  if (!strcmp(n, "format")) return LLVMBuildLoad2(c->b, c->t_vec, format_places(c, e, places), "");
  bool ln = !strcmp(n, "println") || !strcmp(n, "eprintln");
  if (ln || !strcmp(n, "print") || !strcmp(n, "eprint")) {
    print_string(c, format_places(c, e, places), ln, n[0] == 'e');
    return NULL;
  }
  LLVMValueRef s;
  bool is_const = false;  // std's payload a &'static str (see cg_panic_with)
  if (!strcmp(n, "assert")) {
    is_const = literal_only(e);  // `assert!(c)` and `assert!(c, "text")` panic with a constant
    if (e->nfmt) {
      s = format_places(c, e, places);
    } else {
      s = cg_alloca(c, c->t_vec, "msg");
      LLVMBuildStore(c->b, cg_empty_vec(c, 1), s);
      size_t len;
      const char *src = span_text(e->args[0]->span, &len);
      push_lit(c, s, "assertion failed: ", 18);
      push_lit(c, s, src, len);
    }
  } else if (!strcmp(n, "assert_eq") || !strcmp(n, "assert_ne")) {
    bool eq = !strcmp(n, "assert_eq");
    s = cg_alloca(c, c->t_vec, "msg");
    LLVMBuildStore(c->b, cg_empty_vec(c, 1), s);
    const char *head = eq ? "assertion `left == right` failed" : "assertion `left != right` failed";
    push_lit(c, s, head, strlen(head));
    if (e->nfmt) {
      LLVMValueRef m = format_places(c, e, places);
      push_lit(c, s, ": ", 2);
      LLVMValueRef args[3] = {s, cg_vec_field(c, m, 0), cg_vec_field(c, m, 2)};
      cg_call_fn(c, cg_rt(c, "trc_string_push_bytes"), args, 3);
      free_string(c, m);
    }
    FmtPiece dbg = {.arg = 0, .debug = true, .align = -1};
    push_lit(c, s, "\n  left: ", 9);
    cg_push_formatted(c, s, places[0].v, places[0].ty, &dbg);
    push_lit(c, s, "\n right: ", 9);
    cg_push_formatted(c, s, places[1].v, places[1].ty, &dbg);
  } else {
    const char *prefix = !strcmp(n, "unreachable") ? "internal error: entered unreachable code"
                         : !strcmp(n, "todo")      ? "not yet implemented"
                         : !strcmp(n, "unimplemented") ? "not implemented"
                                                   : NULL;
    // `todo!()`, `todo!("text")` and `panic!("text")` pass a constant on
    is_const = literal_only(e);
    if (e->nfmt == 0 && !prefix) prefix = "explicit panic";
    s = cg_alloca(c, c->t_vec, "msg");
    LLVMBuildStore(c->b, cg_empty_vec(c, 1), s);
    if (prefix) push_lit(c, s, prefix, strlen(prefix));
    if (e->nfmt) {
      LLVMValueRef m = format_places(c, e, places);
      if (prefix) push_lit(c, s, ": ", 2);
      LLVMValueRef args[3] = {s, cg_vec_field(c, m, 0), cg_vec_field(c, m, 2)};
      cg_call_fn(c, cg_rt(c, "trc_string_push_bytes"), args, 3);
      free_string(c, m);
    }
  }
  panic_with_string(c, e->span, s, is_const);
  return NULL;
}
