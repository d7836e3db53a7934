// format.c — print!, println!, format!, panic! and assert! messages: the pieces of a parsed
// format string, each argument formatted with its spec ({:>8.2}, {:x}, {:?}, {:#?}), into a
// String that is printed or panicked with. `{:?}` of a composite type (a derived Debug struct
// or enum, a tuple, a Vec) is a helper function per type, `{:#?}` another.
#include "codegen/codegen_internal.h"

#include <string.h>

static void free_string(CG *c, LLVMValueRef s);

// Given the address of a pointer-typed value (of type t), the place it points to.
static LLVMValueRef deref_place(CG *c, LLVMValueRef addr, Type *t) {
  if (ty_resolve(t)->kind == TY_VEC) {  // Vec<T> -> [T]: the slice of its elements
    LLVMValueRef fat = LLVMBuildInsertValue(c->b, LLVMGetUndef(c->t_slice), cg_vec_field(c, addr, 0), 0, "");
    return LLVMBuildInsertValue(c->b, fat, cg_vec_field(c, addr, 2), 1, "");
  }
  Type *in = ty_resolve(ty_pointee(t));
  if (!in) ice((Span){0}, "dereferencing a non-pointer `%s`", ty_name(t));
  return LLVMBuildLoad2(c->b, cg_lltype(c, t), addr, "");
}

static void push_lit(CG *c, LLVMValueRef s, const char *text, size_t len) {
  if (!len) return;
  LLVMValueRef str = cg_const_str(c, text, len);
  LLVMValueRef args[3] = {s, LLVMBuildExtractValue(c->b, str, 0, ""), cg_i64(c, len)};
  cg_call_fn(c, cg_rt(c, "trc_string_push_bytes"), args, 3);
}

// ---------------------------------------------------------------------------------------------
// {:?} of composite types
//
// `#[derive(Debug)]` types, tuples, Vecs, slices and arrays are formatted by a function per
// type (and per `{:?}` / `{:#?}`), `<T as Debug>::fmt(out, &value)`, built here the first time
// it is needed. The pretty form `{:#?}` puts each field on its own line: a nested value is
// formatted into a scratch String and appended with its lines indented by four spaces, which
// is what std's PadAdapter does.

static bool debug_composite(Type *t) {
  t = ty_resolve(t);
  return t->kind == TY_STRUCT || t->kind == TY_TUPLE || t->kind == TY_UNIT || t->kind == TY_VEC || t->kind == TY_SLICE ||
         t->kind == TY_ARRAY;
}

static LLVMValueRef debug_fn(CG *c, Type *t, bool alt);

// One field or element: plain, or (pretty) indented on its own line followed by a comma.
static void debug_item(CG *c, LLVMValueRef s, LLVMValueRef place, Type *t, bool alt, const char *label, bool first) {
  if (!alt) {
    if (!first) push_lit(c, s, ", ", 2);
    if (label) push_lit(c, s, arena_printf("%s: ", label), strlen(label) + 2);
    FmtPiece piece = {.arg = 0, .debug = true, .kind = '?', .align = -1};
    cg_push_formatted(c, s, place, t, &piece);
    return;
  }
  push_lit(c, s, "    ", 4);
  if (label) push_lit(c, s, arena_printf("%s: ", label), strlen(label) + 2);
  LLVMValueRef tmp = cg_alloca(c, c->t_vec, "dbg.item");
  LLVMBuildStore(c->b, cg_empty_vec(c, 1), tmp);
  FmtPiece piece = {.arg = 0, .debug = true, .kind = '?', .align = -1, .alternate = true};
  cg_push_formatted(c, tmp, place, t, &piece);
  LLVMValueRef args[3] = {s, cg_vec_field(c, tmp, 0), cg_vec_field(c, tmp, 2)};
  cg_call_fn(c, cg_rt(c, "trc_string_push_indented"), args, 3);
  free_string(c, tmp);
  push_lit(c, s, ",\n", 2);
}

static void push_text(CG *c, LLVMValueRef s, const char *text) { push_lit(c, s, text, strlen(text)); }

// `Name`, `Name(a, b)`, `Name { x: a, y: b }` for a struct or one enum variant.
static void debug_fields(CG *c, LLVMValueRef s, LLVMValueRef self, Type *t, int variant, bool alt) {
  StructDecl *sd = t->sdecl;
  const char *name = variant >= 0 ? sd->variants[variant].name : sd->name;
  StructKind kind = variant >= 0 ? sd->variants[variant].kind : sd->kind;
  FieldDecl *fields = variant >= 0 ? sd->variants[variant].fields : sd->fields;
  int n = variant >= 0 ? sd->variants[variant].nfields : sd->nfields;
  push_text(c, s, name);
  if (kind == STRUCT_UNIT || n == 0) return;
  bool named = kind == STRUCT_NAMED;
  push_text(c, s, named ? (alt ? " {\n" : " { ") : (alt ? "(\n" : "("));
  for (int i = 0; i < n; i++)
    debug_item(c, s, cg_ctor_field_addr(c, t, variant, self, i), cg_ctor_field_type(t, variant, i), alt, named ? fields[i].name : NULL, i == 0);
  push_text(c, s, named ? (alt ? "}" : " }") : ")");
}

// `[a, b, c]` over n elements at data.
static void debug_elements(CG *c, LLVMValueRef s, LLVMValueRef data, LLVMValueRef n, Type *el, bool alt) {
  push_text(c, s, "[");
  if (alt) {  // `{:#?}` of a non-empty list starts a new line
    LLVMBasicBlockRef nonempty = cg_new_block(c, "dbg.nonempty"), list = cg_new_block(c, "dbg.list");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, n, cg_i64(c, 0), ""), list, nonempty);
    cg_set_block(c, nonempty);
    push_text(c, s, "\n");
    LLVMBuildBr(c->b, list);
    cg_set_block(c, list);
  }
  CgLoop l = cg_loop_begin(c, cg_i64(c, 0), n, "dbg");
  if (!alt) {
    LLVMBasicBlockRef sep = cg_new_block(c, "dbg.sep"), item = cg_new_block(c, "dbg.item");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, l.i, cg_i64(c, 0), ""), item, sep);
    cg_set_block(c, sep);
    push_text(c, s, ", ");
    LLVMBuildBr(c->b, item);
    cg_set_block(c, item);
  }
  debug_item(c, s, LLVMBuildGEP2(c->b, cg_lltype(c, el), data, &l.i, 1, ""), el, alt, NULL, true);
  cg_loop_end(c, &l);
  push_text(c, s, "]");
}

static void emit_debug_body(CG *c, LLVMValueRef s, LLVMValueRef self, Type *t, bool alt) {
  switch (t->kind) {
  case TY_UNIT: push_text(c, s, "()"); return;
  case TY_TUPLE:
    push_text(c, s, alt ? "(\n" : "(");
    for (int i = 0; i < t->nargs; i++)
      debug_item(c, s, LLVMBuildStructGEP2(c->b, cg_lltype(c, t), self, cg_field_slot(c, t, i), ""), t->args[i], alt, NULL, i == 0);
    push_text(c, s, !alt && t->nargs == 1 ? ",)" : ")");
    return;
  case TY_VEC: debug_elements(c, s, cg_vec_field(c, self, 0), cg_vec_field(c, self, 2), ty_resolve(t->inner), alt); return;
  case TY_ARRAY: debug_elements(c, s, self, cg_i64(c, t->len), ty_resolve(t->inner), alt); return;
  case TY_STRUCT: {
    if (!t->sdecl->is_enum) {
      debug_fields(c, s, self, t, -1, alt);
      return;
    }
    StructDecl *sd = t->sdecl;
    LLVMBasicBlockRef done = cg_new_block(c, "dbg.done");
    LLVMValueRef sw = LLVMBuildSwitch(c->b, cg_load_tag(c, t, self), done, sd->nvariants);
    for (int v = 0; v < sd->nvariants; v++) {
      LLVMBasicBlockRef bb = cg_new_block(c, sd->variants[v].name);
      LLVMAddCase(sw, cg_enum_tag(c, t, v), bb);
      cg_set_block(c, bb);
      debug_fields(c, s, self, t, v, alt);
      LLVMBuildBr(c->b, done);
    }
    cg_set_block(c, done);
    return;
  }
  default: ice((Span){0}, "no Debug formatting for `%s`", ty_name(t));
  }
}

static TraitDecl pretty_key;  // cache key for the `{:#?}` formatters

static LLVMValueRef debug_fn(CG *c, Type *t, bool alt) {
  t = ty_resolve(t);
  LLVMValueRef fn = cg_cache_get(&c->debugs, t, alt ? &pretty_key : NULL);
  if (fn) return fn;
  LLVMTypeRef pts[2] = {c->t_ptr, c->t_ptr};
  fn = LLVMAddFunction(c->mod, arena_printf("<%s as Debug>::fmt%s", ty_name(t), alt ? "_pretty" : ""),
                       LLVMFunctionType(LLVMVoidTypeInContext(c->ctx), pts, 2, false));
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  cg_cache_put(&c->debugs, t, alt ? &pretty_key : NULL, fn);
  SavedFn saved;
  cg_begin_helper(c, fn, &saved);
  emit_debug_body(c, LLVMGetParam(fn, 0), LLVMGetParam(fn, 1), t, alt);
  LLVMBuildRetVoid(c->b);
  cg_end_helper(c, &saved);
  return fn;
}

// Appends one formatted argument, given its place, to the String at s.
void cg_push_formatted(CG *c, LLVMValueRef s, LLVMValueRef place, Type *t, FmtPiece *p) {
  t = ty_resolve(t);
  while (t->kind == TY_REF || t->kind == TY_BOX) {
    if (ty_resolve(t->inner)->kind == TY_SLICE) break;  // &[T] is formatted from its fat pointer
    place = deref_place(c, place, t);
    t = ty_resolve(t->inner);
  }
  if (p->debug && ty_resolve(t)->kind == TY_REF) {  // a slice: `[a, b]`
    LLVMValueRef fat = cg_load(c, t, place);
    debug_elements(c, s, LLVMBuildExtractValue(c->b, fat, 0, ""), LLVMBuildExtractValue(c->b, fat, 1, ""), ty_resolve(ty_resolve(t->inner)->inner),
                   p->alternate);
    return;
  }
  if (p->debug && debug_composite(t)) {
    LLVMValueRef args[2] = {s, place};
    cg_call_fn(c, debug_fn(c, t, p->alternate), args, 2);
    return;
  }
  // `{:>8?}` pads numbers, but str's and char's Debug impls ignore width and alignment.
  bool pad = p->has_width && !(p->debug && (t->kind == TY_STR || t->kind == TY_STRING || t->kind == TY_CHAR));
  LLVMValueRef start = pad ? cg_vec_field(c, s, 2) : NULL;
  bool numeric = t->kind == TY_INT || t->kind == TY_FLOAT;
  switch (t->kind) {
  case TY_INT: {
    LLVMValueRef v = cg_load(c, t, place);
    if (p->plus && t->is_signed) {
      LLVMBasicBlockRef yes = cg_new_block(c, "plus"), no = cg_new_block(c, "noplus");
      LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSGE, v, LLVMConstNull(LLVMTypeOf(v)), ""), yes, no);
      cg_set_block(c, yes);
      push_lit(c, s, "+", 1);
      LLVMBuildBr(c->b, no);
      cg_set_block(c, no);
    } else if (p->plus) {
      push_lit(c, s, "+", 1);
    }
    LLVMValueRef w = t->bits == 64 ? v : t->is_signed ? LLVMBuildSExt(c->b, v, c->t_i64, "") : LLVMBuildZExt(c->b, v, c->t_i64, "");
    LLVMValueRef args[2] = {s, w};
    cg_call_fn(c, cg_rt(c, t->is_signed ? "trc_string_push_i64" : "trc_string_push_u64"), args, 2);
    break;
  }
  case TY_FLOAT: {
    LLVMValueRef v = cg_load(c, t, place);
    if (t->bits == 32) v = LLVMBuildFPExt(c->b, v, LLVMDoubleTypeInContext(c->ctx), "");
    if (p->plus) {
      LLVMBasicBlockRef yes = cg_new_block(c, "plus"), no = cg_new_block(c, "noplus");
      LLVMValueRef bits = LLVMBuildBitCast(c->b, v, c->t_i64, "");
      LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSGE, bits, cg_i64(c, 0), ""), yes, no);
      cg_set_block(c, yes);
      push_lit(c, s, "+", 1);
      LLVMBuildBr(c->b, no);
      cg_set_block(c, no);
    }
    if (p->has_prec) {
      LLVMValueRef args[3] = {s, v, cg_i64(c, p->prec)};
      cg_call_fn(c, cg_rt(c, "trc_string_push_f64_prec"), args, 3);
    } else {
      LLVMValueRef args[3] = {s, v, LLVMConstInt(c->t_i32, p->debug, 0)};
      cg_call_fn(c, cg_rt(c, "trc_string_push_f64"), args, 3);
    }
    break;
  }
  case TY_BOOL: {
    LLVMValueRef args[2] = {s, LLVMBuildZExt(c->b, cg_load(c, t, place), c->t_i32, "")};
    cg_call_fn(c, cg_rt(c, "trc_string_push_bool"), args, 2);
    break;
  }
  case TY_CHAR: {
    LLVMValueRef args[2] = {s, cg_load(c, t, place)};
    cg_call_fn(c, cg_rt(c, p->debug ? "trc_string_push_char_debug" : "trc_string_push_char"), args, 2);
    break;
  }
  case TY_STR:
  case TY_STRING: {
    LLVMValueRef ptr, len;
    cg_str_parts(c, place, t->kind == TY_STRING ? ty_ref(t, false) : t, &ptr, &len);  // a String by address
    if (p->has_prec && !p->debug) {
      // {:.N} on a string truncates to N chars; trc keeps it simple and counts bytes of ASCII.
      LLVMValueRef n = cg_i64(c, p->prec);
      len = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntULT, n, len, ""), n, len, "");
    }
    LLVMValueRef args[3] = {s, ptr, len};
    cg_call_fn(c, cg_rt(c, p->debug ? "trc_string_push_str_debug" : "trc_string_push_bytes"), args, 3);
    break;
  }
  default: ice((Span){0}, "formatting `%s` is not lowered", ty_name(t));
  }
  if (pad) {
    if (p->zero_pad && numeric) {
      LLVMValueRef args[3] = {s, start, cg_i64(c, p->width)};
      cg_call_fn(c, cg_rt(c, "trc_string_pad_zero"), args, 3);
    } else {
      int align = p->align >= 0 ? p->align : numeric ? 1 : 0;
      LLVMValueRef args[5] = {s, start, cg_i64(c, p->width), LLVMConstInt(c->t_i32, align, 0), LLVMConstInt(c->t_i32, p->fill ? p->fill : ' ', 0)};
      cg_call_fn(c, cg_rt(c, "trc_string_pad"), args, 5);
    }
  }
}

// Builds the formatted text of a format-like macro in a fresh String; returns its address.
// `first` is the index of the first format argument: assert!'s condition and assert_eq!'s
// operands come before and are not evaluated again here.
// The formatted text of macro e into a new String buffer, its arguments (from `first` on)
// already evaluated: places[i] is where e->args[i] is.
static LLVMValueRef format_places(CG *c, Expr *e, CgValue *places) {
  LLVMValueRef s = cg_alloca(c, c->t_vec, "fmt");
  LLVMBuildStore(c->b, cg_empty_vec(c, 1), s);
  for (int i = 0; i < e->nfmt; i++) {
    FmtPiece *p = &e->fmt[i];
    if (p->arg < 0) push_lit(c, s, p->text, p->text_len);
    else cg_push_formatted(c, s, places[p->arg].v, places[p->arg].ty, p);
  }
  return s;
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
static void panic_with_string(CG *c, Span sp, LLVMValueRef s) {
  int mark = c->cleanups.len;
  cg_push_cleanup(c, ty_string, s);
  cg_panic_with(c, sp, cg_vec_field(c, s, 0), cg_vec_field(c, s, 2));
  c->cleanups.len = mark;  // the panic block ends here; later code does not own the message
}

static const char *span_text(Span sp, size_t *len) {
  const char *s = diag_span_text(sp);
  *len = strlen(s);
  return s;
}

// MIR's macro calls (lower/lower.c): the macro's effect once its arguments are places.
// print!-like macros print; panic!-like ones, and the failure paths of assert!, assert_eq!
// and assert_ne! (whose comparison MIR has already made), panic.
LLVMValueRef cg_macro_call(CG *c, Expr *e, CgValue *places) {
  const char *n = e->name;
  if (!strcmp(n, "format")) return LLVMBuildLoad2(c->b, c->t_vec, format_places(c, e, places), "");
  bool ln = !strcmp(n, "println") || !strcmp(n, "eprintln");
  if (ln || !strcmp(n, "print") || !strcmp(n, "eprint")) {
    print_string(c, format_places(c, e, places), ln, n[0] == 'e');
    return NULL;
  }
  LLVMValueRef s;
  if (!strcmp(n, "assert")) {
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
  panic_with_string(c, e->span, s);
  return NULL;
}
