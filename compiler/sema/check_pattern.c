// check_pattern.c — patterns, statements and blocks: binding modes and the locals a pattern
// binds, `let`, `match` arms, blocks; and, once the body's types are known, exhaustiveness
// (E0004) and irrefutability (E0005) through check_match.c. Patterns are checked against a
// type rather than computing one, which is why they are apart from expressions.
#include "sema/sema_internal.h"

#include <string.h>

// ---------------------------------------------------------------------------------------------
// Patterns, statements, blocks

// Binding modes (RFC 2005, "match ergonomics"): a non-reference pattern matched against a
// reference peels the reference off, and the bindings inside then borrow instead of moving.
typedef enum { BM_MOVE, BM_REF, BM_REF_MUT } BindMode;

static void check_pat(Fcx *fx, Pattern *p, Type *t, BindMode mode, bool is_param);

static void pat_mismatch(Pattern *p, Type *expected, const char *found) {
  Diag *d = diag_error(p->span, "E0308", "mismatched types");
  diag_label(d, "expected `%s`, found %s", ty_name(expected), found);
  diag_emit(d);
}

// Peels references for a non-reference pattern, adjusting the binding mode.
static Type *peel_refs(Pattern *p, Type *t, BindMode *mode) {
  t = ty_resolve(t);
  while (t->kind == TY_REF) {
    p->derefs++;
    *mode = t->mut && *mode != BM_REF ? BM_REF_MUT : BM_REF;
    t = ty_resolve(t->inner);
  }
  return t;
}

static void check_bind(Fcx *fx, Pattern *p, Type *t, BindMode mode, bool is_param) {
  BindMode sub_mode = mode;  // `a @ Some(b)` under `&`: b is bound by the mode a was found in
  // `mut x` resets the binding mode to moving (Rust 2021); `ref x` always borrows.
  if (p->mut && !p->by_ref) mode = BM_MOVE;
  if (p->by_ref) mode = p->mut ? BM_REF_MUT : BM_REF;
  p->bind_ref = mode != BM_MOVE;
  p->bind_mut = mode == BM_REF_MUT;
  p->ty = t;
  Type *bt = mode == BM_MOVE ? t : ty_ref(t, mode == BM_REF_MUT);
  if (fx->or_binds) {  // a later alternative of an or-pattern binds the first one's locals
    for (int i = 0; i < fx->or_binds->len; i++) {
      Local *l = VEC_AT(*fx->or_binds, i);
      if (l->name != p->name) continue;
      if (!unify(l->ty, bt)) pat_mismatch(p, l->ty, arena_printf("`%s`", ty_name(bt)));
      p->local = l;
      vec_push(&fx->or_seen, l);
      goto sub;
    }
    Diag *d = diag_error(p->span, "E0408", "variable `%s` is not bound in all patterns", p->name);
    diag_label(d, "variable not in all patterns");
    diag_emit(d);
    return;
  }
  for (int i = 0; i < fx->one_pattern.len; i++) {
    Pattern *q = VEC_AT(fx->one_pattern, i);
    if (q->name != p->name || q->hyg != p->hyg) continue;
    Diag *d = is_param ? diag_error(p->span, "E0415", "identifier `%s` is bound more than once in this parameter list", p->name)
                       : diag_error(p->span, "E0416", "identifier `%s` is bound more than once in the same pattern", p->name);
    diag_label(d, is_param ? "used as parameter more than once" : "used in a pattern more than once");
    diag_emit(d);
    break;
  }
  vec_push(&fx->one_pattern, p);
  // Parameters were checked with the signature; `let &s = "str";` binds a `str` by value.
  if (!is_param) require_sized(fx->env, bt, p->span, "all local variables");
  p->local = new_local(fx, p->name, bt, p->mut && !p->by_ref, p->span, is_param ? LOCAL_PARAM : LOCAL_VAR);
  bind_hygiene(fx, p->hyg);
  vec_push(&fx->pat_locals, p->local);
sub:
  if (!p->sub) return;
  check_pat(fx, p->sub, t, sub_mode, is_param);
  vec_push(&fx->at_bindings, p);
}

// `let P(x) = ..` needs P's constructor, so all its fields visible: E0603 through `Self`, E0532
// through a name brought in by `use` (in rustc's words).
static bool private_ctor_pat(Pattern *p, StructDecl *s) {
  FieldDecl *fd = private_ctor_field(s, p->span);
  if (!fd) return false;
  Diag *d;
  if (p->path.nsegs == 1 && !strcmp(p->path.segs[0].name, "Self")) {
    d = diag_error(p->span, "E0603", "tuple struct constructor `%s` is private", s->name);
    diag_label(d, "private tuple struct constructor");
  } else {
    d = diag_error(p->path.span, "E0532", "cannot match against a tuple struct which contains private fields");
  }
  diag_note_at(d, fd->span, "constructor is not visible here due to private fields");
  diag_emit(d);
  return true;
}

// The type and fields for a constructor pattern: the ADT named by the path, unified with t.
static bool check_ctor_pat(Fcx *fx, Pattern *p, Type *t) {
  StructDecl *s;
  int v;
  Type *adt;
  if (!resolve_ctor_path(fx, &p->path, &s, &v, &adt)) {
    const char *name = diag_span_text(p->path.span);
    Diag *d = diag_error(p->path.span, p->kind == PAT_STRUCT ? "E0422" : "E0531",
                         p->kind == PAT_STRUCT ? "cannot find struct, variant or union type `%s` in this scope"
                                               : "cannot find tuple struct or tuple variant `%s` in this scope", name);
    diag_label(d, "not found in this scope");
    diag_emit(d);
    return false;
  }
  if (!unify(adt, t)) {
    pat_mismatch(p, t, arena_printf("`%s`", ty_name(adt)));
    return false;
  }
  if (p->kind == PAT_TUPLE_STRUCT && private_ctor_pat(p, s)) return false;
  p->sdecl = s;
  p->variant = v;
  StructKind want = p->kind == PAT_PATH ? STRUCT_UNIT : p->kind == PAT_TUPLE_STRUCT ? STRUCT_TUPLE : STRUCT_NAMED;
  StructKind have = ctor_kind(s, v);
  if (want != have && !(p->kind == PAT_STRUCT)) {
    const char *what = have == STRUCT_UNIT ? "unit" : have == STRUCT_TUPLE ? "tuple" : "struct";
    Diag *d = diag_error(p->span, p->kind == PAT_PATH ? "E0533" : "E0532", "expected %s, found %s %s `%s`",
                         p->kind == PAT_PATH ? "unit struct, unit variant or constant" : "tuple struct or tuple variant", what,
                         s->is_enum ? "variant" : "struct", diag_span_text(p->path.span));
    diag_emit(d);
    return false;
  }
  return true;
}

// Tuple-like element lists with an optional `..`: elems[i] matches field field_map[i].
static void map_tuple_elems(Fcx *fx, Pattern *p, int nfields) {
  p->field_map = arena_alloc(sizeof(int) * (p->nelems + 1));
  int rest = -1;
  for (int i = 0; i < p->nelems; i++)
    if (p->elems[i]->kind == PAT_REST) {
      if (rest >= 0) error_at(p->elems[i]->span, NULL, "`..` can only be used once per tuple pattern");
      rest = i;
    }
  int after = rest < 0 ? 0 : p->nelems - rest - 1;
  int before = rest < 0 ? p->nelems : rest;
  if ((rest < 0 && p->nelems != nfields) || (rest >= 0 && before + after > nfields)) {
    if (p->kind == PAT_TUPLE) {  // a tuple of the wrong length is another type: rustc's E0308
      Diag *d = diag_error(p->span, "E0308", "mismatched types");
      diag_label(d, "expected a tuple with %d element%s, found one with %d element%s", nfields, nfields == 1 ? "" : "s",
                 p->nelems, p->nelems == 1 ? "" : "s");
      diag_emit(d);
    } else {
      Diag *d = diag_error(p->nelems ? p->elems[0]->span : p->span, "E0023", "this pattern has %d field%s, but the corresponding tuple variant has %d field%s",
                           p->nelems, p->nelems == 1 ? "" : "s", nfields, nfields == 1 ? "" : "s");
      diag_label(d, "expected %d field%s, found %d", nfields, nfields == 1 ? "" : "s", p->nelems);
      diag_emit(d);
    }
    for (int i = 0; i < p->nelems; i++) {
      p->field_map[i] = -2;
      if (p->elems[i]->kind != PAT_REST) check_pat(fx, p->elems[i], ty_new_var(0), BM_MOVE, false);  // still bind its names
    }
    return;
  }
  for (int i = 0; i < p->nelems; i++)
    p->field_map[i] = i < before ? i : i == rest ? -1 : nfields - (p->nelems - i);
}

static void check_pat(Fcx *fx, Pattern *p, Type *t, BindMode mode, bool is_param);

// The literal a constant's value v (of type ct, negative when neg: then v is its magnitude)
// would be written as: `-15i32`, `'a'`, `true`. Patterns compare with it as with a literal.
static Expr *value_literal(Type *ct, Wide v, bool neg, Span sp) {
  Expr *lit = arena_alloc(sizeof *lit);
  lit->kind = ty_resolve(ct)->kind == TY_CHAR ? EX_CHAR : ty_resolve(ct)->kind == TY_BOOL ? EX_BOOL : EX_INT;
  lit->span = sp;
  lit->int_val = (uint64_t)v;
  lit->int_hi = lit->kind == EX_INT ? (uint64_t)(v >> 64) : 0;
  lit->negated = neg;
  if (lit->kind == EX_INT) lit->suffix = intern_cstr(ty_name(ct));  // typed as the const is
  if (!neg) return lit;
  Expr *n = arena_alloc(sizeof *n);
  *n = (Expr){.kind = EX_UNARY, .op = TK_MINUS, .sub = lit, .span = sp};
  return n;
}

// The string literal a `&str` (or byte string) constant's value is written as, or NULL.
static Expr *const_string(ConstDecl *cd, FnDecl *fn) {
  Expr *v = cd ? cd->value : fn->body && !fn->body->nstmts ? fn->body->tail : NULL;
  return v && (v->kind == EX_STR) ? v : NULL;
}

// cd's value (or, without cd, the associated const fn's) as a literal.
static Expr *const_literal(ConstDecl *cd, FnDecl *fn, Span sp) {
  int64_t v;
  Expr *str = const_string(cd, fn);
  if (str) {  // compared as the literal would be; where the pattern is
    Expr *lit = arena_alloc(sizeof *lit);
    *lit = *str;
    lit->span = sp;
    return lit;
  }
  if (cd ? !const_value(cd, 0, &v) : !const_fn_value(fn, &v)) {
    error_at(sp, NULL, "trc supports only integer, char and bool constants in patterns");
    return NULL;
  }
  return value_literal((cd ? cd->fn : fn)->ret_type, v < 0 ? 0 - (Wide)v : (Wide)v, v < 0, sp);
}

static Expr *range_bound(Fcx *fx, Expr *b, Type *t);

// p, a path to a constant, checked as the literal of its value.
static void check_as_literal(Fcx *fx, Pattern *p, Expr *lit, Type *t, BindMode mode, bool is_param) {
  p->kind = PAT_LIT;
  p->lit = lit;
  check_pat(fx, p, t, mode, is_param);
  fx->pats.len--;  // pushed twice
}

// `Status::OK` or `u8::MAX` in a pattern, a path to a constant that is no constructor: the
// literal of its value, checked as one (false when the path is a constructor's).
static bool const_path_pattern(Fcx *fx, Pattern *p, Type *t, BindMode mode, bool is_param) {
  StructDecl *s;
  int v;
  Type *adt;
  if (resolve_ctor_path(fx, &p->path, &s, &v, &adt)) return false;
  Expr *e = arena_alloc(sizeof *e);
  *e = (Expr){.kind = EX_PATH, .span = p->path.span, .path = p->path, .field_index = -1};
  Type *rt = ty_resolve(t);
  while (rt->kind == TY_REF) rt = ty_resolve(rt->inner);
  int before = diag_error_count();
  Expr *lit = range_bound(fx, e, rt);
  if (!lit) return diag_error_count() > before;
  check_as_literal(fx, p, lit, t, mode, is_param);
  return true;
}

// `LIMIT` in a pattern: the literal of the const's value (of the const's type), checked as one.
static void const_pattern(Fcx *fx, Pattern *p, ConstDecl *cd, Type *t, BindMode mode, bool is_param) {
  Expr *lit = const_literal(cd, NULL, p->span);
  if (lit) check_as_literal(fx, p, lit, t, mode, is_param);
}

// A range pattern's bound b, checked against t, as a literal: `i32::MIN` and a const
// (`LIMIT`, `std::u8::MAX`) are folded to their value, which is what lowering compares with.
// NULL on an error.
static Expr *range_bound(Fcx *fx, Expr *b, Type *t) {
  if (b->kind != EX_PATH) return b;
  unify(t, check_expr(fx, b, t));
  Type *rt = ty_resolve(t);
  if (b->res == RES_CONST && ty_is_int(rt)) {  // its bits, of t's width
    Wide v = expr_int_value(b);
    bool neg = rt->is_signed && ((v >> (rt->bits - 1)) & 1);
    Wide mag = !neg ? v : rt->bits == 128 ? 0 - v : ((Wide)1 << rt->bits) - v;
    return value_literal(rt, mag, neg, b->span);
  }
  ConstDecl *cd = b->res == RES_CONST_ITEM ? (b->path.nsegs == 1 ? lookup_const(b->path.segs[0].name) : lookup_const_path(&b->path)) : NULL;
  if (cd) return const_literal(cd, NULL, b->span);
  // `Self::LIMIT`, `Grade::PASS`: the checker made the path a call of the const's function
  Expr *callee = b->kind == EX_CALL ? b->sub : NULL;
  if (callee && callee->fn && callee->fn->is_const && callee->fn->body) return const_literal(NULL, callee->fn, b->span);
  if (b->res != RES_NONE || !diag_error_count())
    error_at(b->span, NULL, "a range pattern's bounds must be literals or constants");
  return NULL;
}

// `..` or `name @ ..` (also `ref name @ ..`): the rest of a slice pattern.
bool is_slice_rest(Pattern *p) { return p->kind == PAT_REST || (p->kind == PAT_BIND && p->sub && p->sub->kind == PAT_REST); }

// The rest of a slice pattern stands for the elements the others leave: `rest @ ..` binds
// them as an array of what is left (an array scrutinee) or as a slice.
static void check_slice_rest(Fcx *fx, Pattern *r, Type *t, BindMode mode, bool is_param) {
  r->ty = t;
  if (r->kind == PAT_REST) return;
  Pattern *dots = r->sub;
  dots->ty = t;
  r->sub = NULL;  // the `..` itself is no pattern to check
  check_bind(fx, r, t, mode, is_param);
  r->sub = dots;
}

// Where the `..` of a slice pattern is (p->rest), or -1; a second one is an error.
static void find_slice_rest(Pattern *p) {
  p->rest = -1;
  for (int i = 0; i < p->nelems; i++) {
    if (!is_slice_rest(p->elems[i])) continue;
    if (p->rest < 0) {
      p->rest = i;
      continue;
    }
    Diag *d = diag_error(p->elems[i]->span, NULL, "`..` can only be used once per slice pattern");
    diag_label(d, "can only be used once per slice pattern");
    diag_secondary(d, p->elems[p->rest]->span, "previously used here");
    diag_emit(d);
  }
}

// An array's length must fit the pattern: exactly, or at least the elements around a `..`.
static bool slice_pat_fits_array(Pattern *p, uint64_t len) {
  uint64_t fixed = (uint64_t)p->nelems - (p->rest >= 0);
  if (p->rest < 0 && fixed != len) {
    Diag *d = diag_error(p->span, "E0527", "pattern requires %llu element%s but array has %llu", (unsigned long long)fixed,
                         fixed == 1 ? "" : "s", (unsigned long long)len);
    diag_label(d, "expected %llu element%s", (unsigned long long)len, len == 1 ? "" : "s");
    diag_emit(d);
    return false;
  }
  if (p->rest >= 0 && fixed > len) {
    Diag *d = diag_error(p->span, "E0528", "pattern requires at least %llu element%s but array has %llu", (unsigned long long)fixed,
                         fixed == 1 ? "" : "s", (unsigned long long)len);
    diag_label(d, "pattern cannot match array of %llu element%s", (unsigned long long)len, len == 1 ? "" : "s");
    diag_emit(d);
    return false;
  }
  return true;
}

// `[a, b]`, `[first, .., last]`, `[head, rest @ ..]` against an array or a slice (through
// references, by the binding mode: on a `&[T]` the elements bind as `&T`).
static void check_slice_pat(Fcx *fx, Pattern *p, Type *t, BindMode mode, bool is_param) {
  Type *rt = peel_refs(p, t, &mode);
  p->ty = rt;
  find_slice_rest(p);
  if (rt->kind == TY_ARRAY && rt->nargs) {  // `[T; N]`: which elements there are is not known
    error_at(p->span, "E0730", "cannot pattern-match on an array without a fixed length");
    rt = ty_slice(rt->inner);
  }
  bool ok = rt->kind == TY_SLICE || (rt->kind == TY_ARRAY && slice_pat_fits_array(p, rt->len));
  if (rt->kind != TY_SLICE && rt->kind != TY_ARRAY) {
    bool unknown = rt->kind == TY_VAR && !rt->var_kind;  // (a literal's `{integer}` is known enough)
    Diag *d = diag_error(p->span, unknown ? "E0282" : "E0529",
                         unknown ? "type annotations needed" : "expected an array or slice, found `%s`", ty_name(rt));
    if (!unknown) diag_label(d, "pattern cannot match with input type `%s`", ty_name(rt));
    diag_emit(d);
  }
  Type *el = ok ? rt->inner : ty_new_var(0);
  uint64_t left = ok && rt->kind == TY_ARRAY ? rt->len - (uint64_t)(p->nelems - 1) : 0;
  for (int i = 0; i < p->nelems; i++) {
    if (i != p->rest && !is_slice_rest(p->elems[i])) check_pat(fx, p->elems[i], el, mode, is_param);
    else if (i == p->rest) check_slice_rest(fx, p->elems[i], !ok ? ty_new_var(0) : rt->kind == TY_ARRAY ? ty_array(el, left) : rt, mode, is_param);
  }
}

static void check_pat(Fcx *fx, Pattern *p, Type *t, BindMode mode, bool is_param) {
  vec_push(&fx->pats, p);
  switch (p->kind) {
  case PAT_WILD: p->ty = t; return;
  case PAT_REST:
    p->ty = t;
    error_at(p->span, NULL, "`..` patterns are not allowed here");
    return;
  case PAT_BIND: {
    // A bare name that names a unit variant or unit struct (`None`, `Empty`) is a path pattern.
    StructDecl *s;
    if (!p->sub && !p->by_ref && !p->mut &&
        (lookup_variant_alias(p->name, &s) >= 0 || ((s = lookup_struct(p->name)) && !s->is_enum && s->kind == STRUCT_UNIT))) {
      p->kind = PAT_PATH;
      p->path.nsegs = 1;
      p->path.segs = arena_alloc(sizeof(PathSeg));
      p->path.segs[0] = (PathSeg){.name = p->name, .span = p->span};
      p->path.span = p->span;
      check_pat(fx, p, t, mode, is_param);
      fx->pats.len--;  // pushed twice
      return;
    }
    // A bare name that names a const is a constant pattern, compared like a literal.
    ConstDecl *cd;
    if (!p->sub && !p->by_ref && !p->mut && (cd = lookup_const(p->name))) {
      const_pattern(fx, p, cd, t, mode, is_param);
      return;
    }
    check_bind(fx, p, ty_resolve(t), mode, is_param);
    return;
  }
  case PAT_SLICE: check_slice_pat(fx, p, t, mode, is_param); return;
  case PAT_REF: {
    Type *rt = ty_resolve(t);
    if (rt->kind == TY_VAR) {
      unify(rt, ty_ref(ty_new_var(0), p->mut));
      rt = ty_resolve(rt);
    }
    p->ty = rt;
    if (rt->kind != TY_REF || rt->mut != p->mut) {
      pat_mismatch(p, t, arena_printf("`&%s_`", p->mut ? "mut " : ""));
      return;
    }
    if (ty_resolve(rt->inner)->kind == TY_DYN) {
      // A trait object has no size to copy or move out of the reference.
      Diag *d = diag_error(p->span, "E0033", "type `%s` cannot be dereferenced", ty_name(rt));
      diag_label(d, "type `%s` cannot be dereferenced", ty_name(rt));
      diag_emit(d);
      check_pat(fx, p->sub, rt, BM_MOVE, is_param);  // recovery: bind the reference itself
      return;
    }
    check_pat(fx, p->sub, rt->inner, BM_MOVE, is_param);
    return;
  }
  case PAT_TUPLE: {
    Type *rt = peel_refs(p, t, &mode);
    if (rt->kind == TY_VAR) {
      bool has_rest = false;
      for (int i = 0; i < p->nelems; i++) has_rest |= p->elems[i]->kind == PAT_REST;
      if (!has_rest) {
        Type **el = arena_alloc(sizeof(Type *) * (p->nelems + 1));
        for (int i = 0; i < p->nelems; i++) el[i] = ty_new_var(0);
        unify(rt, p->nelems ? ty_tuple(el, p->nelems) : ty_unit);
        rt = ty_resolve(rt);
      }
    }
    p->ty = rt;
    if (rt->kind != TY_TUPLE && !(rt->kind == TY_UNIT && p->nelems == 0)) {
      pat_mismatch(p, rt, arena_printf("a tuple with %d elements", p->nelems));
      return;
    }
    map_tuple_elems(fx, p, rt->kind == TY_UNIT ? 0 : rt->nargs);
    for (int i = 0; i < p->nelems; i++)
      if (p->field_map[i] >= 0) check_pat(fx, p->elems[i], rt->args[p->field_map[i]], mode, is_param);
    return;
  }
  case PAT_PATH:
  case PAT_TUPLE_STRUCT:
  case PAT_STRUCT: {
    if (p->kind == PAT_PATH && p->path.nsegs > 1 && const_path_pattern(fx, p, t, mode, is_param)) return;
    Type *rt = peel_refs(p, t, &mode);
    p->ty = rt;
    if (!check_ctor_pat(fx, p, rt)) return;
    rt = ty_resolve(rt);
    p->ty = rt;
    int nf = ctor_nfields(p->sdecl, p->variant);
    FieldDecl *fields = ctor_fields(p->sdecl, p->variant);
    if (p->kind == PAT_TUPLE_STRUCT) map_tuple_elems(fx, p, nf);
    if (p->kind == PAT_STRUCT) {
      p->field_map = arena_alloc(sizeof(int) * (p->nelems + 1));
      bool *seen = arena_alloc(nf + 1);
      for (int i = 0; i < p->nelems; i++) {
        int fi = -2;
        for (int f = 0; f < nf; f++)
          if (fields[f].name == p->field_names[i] || (!fields[f].name && !strcmp(p->field_names[i], arena_printf("%d", f)))) fi = f;
        if (fi < 0) {
          const char *what = ctor_name(p->sdecl, p->variant);
          Diag *d = diag_error(p->elems[i]->span, "E0026", "%s `%s` does not have a field named `%s`", p->sdecl->is_enum ? "variant" : "struct",
                               what, p->field_names[i]);
          diag_label(d, "%s `%s` does not have this field", p->sdecl->is_enum ? "variant" : "struct", what);
          diag_emit(d);
        } else {
          seen[fi] = true;
          check_field_privacy(p->sdecl, &fields[fi], p->elems[i]->span, "E0451");
        }
        p->field_map[i] = fi;
      }
      const char *missing = NULL;
      bool unknown = false;
      for (int i = 0; i < p->nelems; i++) unknown |= p->field_map[i] < 0;
      for (int f = 0; f < nf && !p->has_rest && !unknown; f++)
        if (!seen[f]) missing = missing ? arena_printf("%s, `%s`", missing, fields[f].name) : arena_printf("`%s`", fields[f].name);
      if (missing) {
        Diag *d = diag_error(p->span, "E0027", "pattern does not mention field%s %s", strchr(missing, ',') ? "s" : "", missing);
        diag_label(d, "missing field%s %s", strchr(missing, ',') ? "s" : "", missing);
        diag_emit(d);
      }
    }
    for (int i = 0; i < p->nelems; i++)
      if (p->field_map[i] >= 0) check_pat(fx, p->elems[i], ty_subst(fields[p->field_map[i]].type, rt->args, rt->nargs), mode, is_param);
    return;
  }
  case PAT_LIT:
  case PAT_RANGE: {
    // A string literal pattern has type &str: it matches a `&str`, peeling any further references.
    bool is_str = p->lit && p->lit->kind == EX_STR;
    Type *rt = ty_resolve(t);
    if (is_str) {
      while (rt->kind == TY_REF && ty_resolve(rt->inner)->kind == TY_REF) {
        p->derefs++;
        rt = ty_resolve(rt->inner);
      }
    } else {
      rt = peel_refs(p, t, &mode);
    }
    p->ty = rt;
    if (p->kind == PAT_RANGE) {  // (`..=hi` has no start: lowering tests only the end)
      if (p->lit && !(p->lit = range_bound(fx, p->lit, rt))) return;
      if (p->hi && !(p->hi = range_bound(fx, p->hi, rt))) return;
    }
    Type *lt = p->lit ? check_expr(fx, p->lit, rt) : check_expr(fx, p->hi, rt);
    if (p->hi && p->lit) unify(lt, check_expr(fx, p->hi, rt));
    if (!unify(lt, rt)) {
      pat_mismatch(p, rt, expected_name(lt));
      return;
    }
    Type *z = ty_resolve(rt);
    if (p->kind == PAT_RANGE && !ty_is_int(z) && z->kind != TY_CHAR && z->kind != TY_VAR)
      error_at(p->span, "E0029", "only `char` and numeric types are allowed in range patterns");
    if (z->kind == TY_FLOAT) error_at(p->span, NULL, "floating-point literal patterns are not supported by trc");
    return;
  }
  case PAT_OR: {
    LocalVec *saved = fx->or_binds;
    LocalVec saved_seen = fx->or_seen;
    int first_local = fx->pat_locals.len;
    check_pat(fx, p->elems[0], t, mode, is_param);
    LocalVec mine = {0};
    for (int i = first_local; i < fx->pat_locals.len; i++) vec_push(&mine, VEC_AT(fx->pat_locals, i));
    p->ty = p->elems[0]->ty;
    for (int a = 1; a < p->nelems; a++) {
      fx->or_binds = &mine;
      fx->or_seen = (LocalVec){0};
      check_pat(fx, p->elems[a], t, mode, is_param);
      for (int i = 0; i < mine.len; i++) {
        bool found = false;
        for (int j = 0; j < fx->or_seen.len; j++) found |= VEC_AT(fx->or_seen, j) == VEC_AT(mine, i);
        if (!found) {
          Local *l = VEC_AT(mine, i);
          Diag *d = diag_error(p->elems[a]->span, "E0408", "variable `%s` is not bound in all patterns", l->name);
          diag_label(d, "pattern doesn't bind `%s`", l->name);
          diag_secondary(d, l->span, "variable not in all patterns");
          diag_emit(d);
        }
      }
    }
    fx->or_binds = saved;
    fx->or_seen = saved_seen;
    return;
  }
  }
}

// Whether p binds a part of the matched place itself by `ref mut` (not through a reference the
// place holds): the place is then borrowed mutably, which a closure must capture as such.
static bool binds_place_mut(Pattern *p) {
  if (!p || p->derefs) return false;
  if (p->kind == PAT_BIND && p->bind_mut) return true;
  if (p->kind == PAT_BIND) return binds_place_mut(p->sub);
  if (p->kind == PAT_REF) return false;
  for (int i = 0; i < p->nelems; i++)
    if (binds_place_mut(p->elems[i])) return true;
  return false;
}

static void note_ref_mut_bindings(Fcx *fx, Pattern *p, Expr *scrutinee) {
  if (scrutinee && binds_place_mut(p)) note_mut_use(fx, scrutinee);
}

// The patterns of `let`, function parameters and `for` must be irrefutable (E0005), checked
// when the body's types are known.
void bind_pattern(Fcx *fx, Pattern *p, Type *t, bool is_param) {
  if (!is_param) fx->one_pattern.len = 0;  // (a parameter list is one: its caller starts it)
  check_pat(fx, p, t, BM_MOVE, is_param);
  vec_push(&fx->irrefutable, p);
}

// A by-value binding of a type that is not Copy.
static bool binding_moves(Pattern *p) { return !p->bind_ref && p->local && !type_implements(K, p->local->ty, K->copy_trait); }

// Whether matching this pattern moves a value out of the scrutinee.
static bool pat_moves(Pattern *p) {
  if (!p) return false;
  if (p->kind == PAT_BIND && binding_moves(p)) return true;
  if (p->kind == PAT_REF) return pat_moves(p->sub);
  if (p->kind == PAT_BIND) return pat_moves(p->sub);
  for (int i = 0; i < p->nelems; i++)
    if (pat_moves(p->elems[i])) return true;
  return false;
}

// A slice pattern matched by value against a slice (`match *v { [s, ..] => .. }`) whose
// bindings would move an element out: the slice is only ever borrowed, so that is E0508.
static Pattern *slice_moved_out_of(Pattern *p) {
  if (!p) return NULL;
  if (p->kind == PAT_SLICE && p->ty && ty_resolve(p->ty)->kind == TY_SLICE && !p->derefs)
    for (int i = 0; i < p->nelems; i++)
      if (pat_moves(p->elems[i])) return p;
  if (p->kind == PAT_BIND || p->kind == PAT_REF) return slice_moved_out_of(p->sub);
  for (int i = 0; i < p->nelems; i++) {
    Pattern *q = slice_moved_out_of(p->elems[i]);
    if (q) return q;
  }
  return NULL;
}

// The move of a scrutinee (or `let` initializer) by pattern p's by-value bindings.
static void note_pattern_move(Fcx *fx, Pattern *p, Expr *scrut) {
  Pattern *sp = slice_moved_out_of(p);
  if (!sp) {
    note_move(fx, scrut);
    return;
  }
  Diag *d = diag_error(scrut->span, "E0508", "cannot move out of type `%s`, a non-copy slice", ty_name(sp->ty));
  diag_label(d, "cannot move out of here");
  diag_defer(d, DEFER_MOVE_OUT);
}

void note_let_moves(Fcx *fx) {
  for (int i = 0; i < fx->destructuring_lets.len; i++) {
    Stmt *s = VEC_AT(fx->destructuring_lets, i);
    if (pat_moves(s->pat)) note_pattern_move(fx, s->pat, s->init);
  }
}

// ---- `name @ subpattern` ----
// The name and the subpattern's bindings take the same value, so rustc's pattern check (before
// borrowck) rejects a pair that could not both hold: a moved name whose subpattern borrows, and
// a borrowed name whose subpattern moves or borrows mutably, or that is `ref mut` itself. The
// subpattern's bindings are found first; one error per `@` names them all.

typedef struct {
  Pattern *outer;
  int moves, borrows, borrows_mut;  // of the subpattern's bindings that conflict
  Diag *d;
} AtConflicts;

static bool at_conflict(AtConflicts *c, Pattern *b) {
  Pattern *o = c->outer;
  if (!o->bind_ref) return b->bind_ref;
  if (!b->bind_ref) return binding_moves(b);
  return o->bind_mut || b->bind_mut;
}

static void find_at_conflicts(AtConflicts *c, Pattern *p, bool label) {
  if (!p) return;
  if (p->kind == PAT_BIND && p->local && at_conflict(c, p)) {
    int *n = !p->bind_ref ? &c->moves : p->bind_mut ? &c->borrows_mut : &c->borrows;
    (*n)++;
    if (label && !c->outer->bind_ref) diag_secondary(c->d, p->head, "value borrowed here after move");
    else if (label) diag_secondary(c->d, p->head, "value is %s `%s` here", !p->bind_ref ? "moved into" : p->bind_mut ? "mutably borrowed by" : "borrowed by", p->name);
  }
  if (p->kind == PAT_BIND || p->kind == PAT_REF) {
    find_at_conflicts(c, p->sub, label);
    return;
  }
  for (int i = 0; i < p->nelems; i++) find_at_conflicts(c, p->elems[i], label);
}

static const char *at_conflict_message(AtConflicts *c) {
  Pattern *o = c->outer;
  if (!o->bind_ref) return "borrow of moved value";
  if (o->bind_mut && c->borrows_mut) return "cannot borrow value as mutable more than once at a time";
  if (o->bind_mut && c->borrows) return "cannot borrow value as immutable because it is also borrowed as mutable";
  if (c->borrows_mut) return "cannot borrow value as mutable because it is also borrowed as immutable";
  return "cannot move out of value because it is borrowed";
}

static void check_at_binding(Pattern *p) {
  if (!p->bind_ref && !binding_moves(p)) return;  // a Copy value is bound as often as wanted
  AtConflicts c = {.outer = p};
  find_at_conflicts(&c, p->sub, false);
  if (!c.moves && !c.borrows && !c.borrows_mut) return;
  c.d = diag_error(p->head, NULL, "%s", at_conflict_message(&c));
  if (!p->bind_ref) {
    diag_label(c.d, "value moved into `%s` here", p->name);
    diag_secondary(c.d, p->head, "move occurs because `%s` has type `%s`, which does not implement the `Copy` trait", p->name, ty_name(p->local->ty));
  } else {
    diag_label(c.d, "value is %s `%s` here", p->bind_mut ? "mutably borrowed by" : "borrowed by", p->name);
  }
  find_at_conflicts(&c, p->sub, true);
  if (!p->bind_ref) diag_help(c.d, "borrow this binding in the pattern to avoid moving the value");
  diag_emit(c.d);
}

static void report_refutable(Pattern *p, const char **ws, int n) {
  Diag *d = diag_error(p->span, "E0005", "refutable pattern in local binding");
  diag_label(d, "pattern%s %s not covered", n == 1 ? "" : "s", witness_list(ws, n));
  diag_note(d, "`let` bindings require an \"irrefutable pattern\", like a `struct` or an `enum` with only one variant");
  diag_note(d, "the matched value is of type `%s`", ty_name(p->ty ? p->ty : ty_unit));
  diag_emit(d);
}

// After inference: every match covers its scrutinee's type (E0004), every `let` pattern is
// irrefutable (E0005), and a match whose arms move out of the scrutinee moves it.
void check_exhaustive(Fcx *fx) {
  const char *ws[8];
  for (int i = 0; i < fx->matches.len; i++) {
    Expr *e = VEC_AT(fx->matches, i);
    Pattern **rows = arena_alloc(sizeof(Pattern *) * (e->narms + 1));
    int n = 0;
    Pattern *moving = NULL;
    for (int a = 0; a < e->narms; a++) {
      if (!e->arms[a].guard) rows[n++] = e->arms[a].pat;  // a guarded arm may not match
      if (!moving && pat_moves(e->arms[a].pat)) moving = e->arms[a].pat;
    }
    if (moving) note_pattern_move(fx, moving, e->sub);
    Type *t = e->sub->ty;
    int missing = match_witnesses(rows, n, t, ws, 8);
    if (!missing) continue;
    Diag *d = diag_error(e->sub->span, "E0004", "non-exhaustive patterns: %s not covered", witness_list(ws, missing));
    diag_label(d, "pattern%s %s not covered", missing == 1 ? "" : "s", witness_list(ws, missing));
    diag_note(d, "the matched value is of type `%s`", ty_name(t));
    diag_help(d, "ensure that all possible cases are being handled by adding a match arm with a wildcard pattern%s",
              missing == 1 ? " or an explicit pattern as shown" : ", a match arm with multiple or-patterns as shown, or multiple match arms");
    diag_emit(d);
  }
  for (int i = 0; i < fx->irrefutable.len; i++) {
    Pattern *p = VEC_AT(fx->irrefutable, i);
    Type *t = p->ty;
    for (int k = 0; k < p->derefs; k++) t = ty_ref(t, false);  // only the shape matters here
    int missing = match_witnesses(&p, 1, t, ws, 8);
    if (missing) report_refutable(p, ws, missing);
  }
  for (int i = 0; i < fx->at_bindings.len; i++) check_at_binding(VEC_AT(fx->at_bindings, i));
}

Type *check_match(Fcx *fx, Expr *e, Type *expected) {
  Type *st = check_expr(fx, e->sub, NULL);
  bool div_before = fx->diverges;
  bool all_diverge = e->narms > 0;
  Type *result = NULL;
  Expr *first = NULL;  // the arm whose type result is
  for (int i = 0; i < e->narms; i++) {
    MatchArm *arm = &e->arms[i];
    int mark = scope_mark(fx);
    fx->one_pattern.len = 0;
    check_pat(fx, arm->pat, st, BM_MOVE, false);
    note_ref_mut_bindings(fx, arm->pat, e->sub);
    if (arm->guard) check_coerce(fx, arm->guard, ty_bool);
    fx->diverges = false;
    Type *t = check_expr(fx, arm->body, result ? result : expected);
    bool div = fx->diverges || ty_resolve(t)->kind == TY_NEVER;
    // Arms coerce to a known expected type: `Box::new(A)` and `Box::new(B)` as Box<dyn Tr>.
    if (!div && expected && !ty_has_vars(expected) && ty_resolve(t) != ty_resolve(expected) && coerce(fx, arm->body, t, expected))
      t = expected;
    all_diverge &= div;
    Type *fnt = result && ty_resolve(t)->kind != TY_NEVER ? join_closures(fx, first, arm->body, result, t) : NULL;
    if (!result || ty_resolve(result)->kind == TY_NEVER) {
      result = t;
      first = arm->body;
    } else if (fnt) {
      result = fnt;  // `|a, b| a + b` and `|a, b| a * b` in two arms: fn pointers
    } else if (ty_resolve(t)->kind != TY_NEVER && !unify(result, t) && !coerce(fx, arm->body, t, result)) {
      Diag *d = diag_error(value_expr(arm->body)->span, "E0308", "`match` arms have incompatible types");
      diag_label(d, "expected %s, found %s", expected_name(result), expected_name(t));
      diag_emit(d);
    }
    note_move(fx, arm->body);
    scope_pop(fx, mark);
  }
  vec_push(&fx->matches, e);
  fx->diverges = div_before || all_diverge;
  if (!result || all_diverge) return ty_never;
  // Arms coerce to the expected type: `Box::new(A)` and `Box::new(B)` as Box<dyn Tr>.
  if (expected && !ty_has_vars(expected))
    for (int i = 0; i < e->narms; i++) coerce(fx, e->arms[i].body, e->arms[i].body->ty, expected);
  return result;
}

// The else block of `let PAT = e else { .. };` runs where PAT's variables do not exist (it is
// checked before they are bound) and must diverge: `return`, `break`, `continue`, a panic.
static void check_let_else_block(Fcx *fx, Block *b) {
  bool div_before = fx->diverges;
  Type *t = check_block(fx, b, NULL);
  fx->diverges = div_before;  // the statements after the `let` run when the pattern matched
  if (ty_resolve(t)->kind == TY_NEVER) return;
  Diag *d = diag_error(b->span, "E0308", "`else` clause of `let...else` does not diverge");
  diag_label(d, "expected `!`, found %s", expected_name(t));
  diag_help(d, "try adding a diverging expression, such as `return` or `panic!(..)`");
  diag_help(d, "...or use `match` instead of `let...else`");
  diag_emit(d);
}

static void check_let(Fcx *fx, Stmt *s) {
  Type *t = s->ty ? resolve_let_type(s->ty, fx->env, fx->self_ty) : NULL;
  if (s->init) {
    if (t) {
      check_coerce(fx, s->init, t);
      if (ty_resolve(t)->kind == TY_REF) capture_through(fx, s->init);  // reborrowed: `&*s`
    } else {
      t = check_expr(fx, s->init, NULL);
    }
    // A destructuring pattern moves the value only if one of its bindings takes a part by
    // value, which is known once the types are.
    if (s->pat->kind == PAT_BIND && !s->pat->bind_ref) note_move_to(fx, s->init, s->ty ? t : NULL);
    else if (s->pat->kind != PAT_WILD) vec_push(&fx->destructuring_lets, s);
  }
  if (!t) t = ty_new_var(0);
  if (s->else_block) {  // the pattern may be refutable: the else block leaves when it fails
    check_let_else_block(fx, s->else_block);
    fx->one_pattern.len = 0;
    check_pat(fx, s->pat, t, BM_MOVE, false);
    note_ref_mut_bindings(fx, s->pat, s->init);
    return;
  }
  if (s->pat->kind == PAT_WILD) require_sized(fx->env, t, s->pat->span, "all local variables");  // binds: check_bind
  bind_pattern(fx, s->pat, t, false);
  note_ref_mut_bindings(fx, s->pat, s->init);
  if (s->init && s->pat->local) s->pat->local->assigned = true;
  // `let x;` may be assigned once on each path; without flow analysis trc accepts any number.
  if (!s->init && s->pat->local) s->pat->local->late_init = true;
}

Type *check_block(Fcx *fx, Block *b, Type *expected) {
  int mark = scope_mark(fx);
  Span outer_scope = b->has_items ? resolve_body_scope(b->span) : (Span){0};
  bool div_before = fx->diverges;
  fx->diverges = false;
  for (int i = 0; i < b->nstmts; i++) {
    Stmt *s = b->stmts[i];
    switch (s->kind) {
    case ST_LET: check_let(fx, s); break;
    case ST_EXPR: {
      // A block-like expression statement without `;` must be `()` (or diverge).
      Type *t = check_expr(fx, s->init, ty_unit);
      if (!unify(t, ty_unit) && ty_resolve(t)->kind != TY_NEVER) mismatch(s->init, ty_unit, t);
      break;
    }
    case ST_SEMI: check_expr(fx, s->init, NULL); break;
    case ST_ITEM: case ST_EMPTY: break;
    }
  }
  Type *t;
  if (b->tail) {
    t = check_expr(fx, b->tail, expected);
    // The tail is a coercion site: `if c { Box::new(A) } else { Box::new(B) }` as Box<dyn Tr>.
    if (expected && !ty_has_vars(expected) && coerce(fx, b->tail, t, expected)) t = expected;
    note_move_to(fx, b->tail, expected);
  } else {
    t = fx->diverges ? ty_never : ty_unit;
  }
  fx->diverges = div_before || fx->diverges;
  scope_pop(fx, mark);
  if (b->has_items) resolve_body_scope(outer_scope);
  return t;
}
