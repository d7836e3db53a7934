// derive.c — `#[derive(Clone, PartialEq, Eq, Debug, PartialOrd, Ord, Default, Hash)]` expanded into ordinary impls, as rustc's
// built-in derive macros do, before anything is checked.
//
// For each derived trait the expansion writes the impl as source text, then lexes and parses
// it like user code, so it is checked, lowered to MIR and monomorphized like any impl:
//
//   #[derive(Clone, PartialEq)] struct P<T> { a: T, b: String }
//
//   impl<T: Clone> Clone for P<T> {
//       fn clone(&self) -> Self { P { a: Clone::clone(&self.a), b: Clone::clone(&self.b) } }
//   }
//   impl<T: PartialEq> PartialEq for P<T> {
//       fn eq(&self, other: &Self) -> bool { true && self.a == other.a && self.b == other.b }
//   }
//
// An enum matches on its variants: `match self { E::V(__self_0) => E::V(Clone::clone(__self_0)) }`
// and `match (self, other) { (E::V(__self_0), E::V(__arg1_0)) => *__self_0 == *__arg1_0, .. }`.
// A type that also derives Copy and has no type parameters clones with `*self`, as rustc's
// derive does.
//
// Field names are written as raw identifiers (`self.r#type`), so a field named like a keyword
// expands as it does in rustc. The text is never shown: every token of it is given a span in the user's file (the field it
// comes from, else the type's name), so an error in an expansion, such as a field whose type
// is not Clone, points where rustc points. The type's own bounds and where clauses are copied
// onto the impl's generics after parsing, which keeps this file free of a type printer.
// `#[derive(Debug)]` calls std::fmt's builders (compiler/std/fmt.tr), as rustc's does:
//   impl<T: std::fmt::Debug> std::fmt::Debug for P<T> {
//       fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
//           f.debug_struct("P").field("a", &self.a).field("b", &self.b).finish()
//       }
//   }
#include "syntax/syntax.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  size_t start;   // where the text this span stands for begins
  Span span;
} Segment;

typedef struct {
  VEC(char) text;
  VEC(Segment) segs;
} Gen;

// Appends formatted text that stands for the source at sp.
static void emit(Gen *g, Span sp, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void emit(Gen *g, Span sp, const char *fmt, ...) {
  va_list ap, again;
  va_start(ap, fmt);
  va_copy(again, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  char *buf = arena_alloc(n + 1);
  vsnprintf(buf, n + 1, fmt, again);
  va_end(again);
  va_end(ap);
  vec_push(&g->segs, (Segment){g->text.len, sp});
  for (int i = 0; i < n; i++) vec_push(&g->text, buf[i]);
}

static bool derives(StructDecl *s, const char *name) {
  for (int i = 0; i < s->attrs.nderives; i++)
    if (!strcmp(s->attrs.derives[i], name)) return true;
  return false;
}

// `impl<T: Tr, U: Tr, const N: usize> Tr for S<T, U, N> {` (a const parameter is no type to
// bound; its type is a primitive's name)
static void impl_head(Gen *g, StructDecl *s, const char *trait) {
  emit(g, s->span, "impl<");
  for (int i = 0; i < s->generics.nparams; i++) {
    GenericParam *p = &s->generics.params[i];
    TypeExpr *ct = p->const_ty;
    if (ct) emit(g, s->span, "%sconst %s: %s", i ? ", " : "", p->name, ct->kind == TE_PATH && ct->path.nsegs == 1 ? ct->path.segs[0].name : "usize");
    else emit(g, s->span, "%s%s: %s", i ? ", " : "", p->name, trait);
  }
  emit(g, s->span, "> %s for %s<", trait, s->name);
  for (int i = 0; i < s->generics.nparams; i++) emit(g, s->span, "%s%s", i ? ", " : "", s->generics.params[i].name);
  emit(g, s->span, "> {\n");
}

// The fields of a struct or variant bound by a pattern: `V`, `V(p_0, p_1)`, `V { x: p_0 }`.
static void fields_pattern(Gen *g, StructDecl *s, int v, const char *prefix) {
  EnumVariant *ev = &s->variants[v];
  emit(g, ev->span, "%s::%s", s->name, ev->name);
  if (ev->kind == STRUCT_UNIT) return;
  emit(g, ev->span, ev->kind == STRUCT_NAMED ? " { " : "(");
  for (int i = 0; i < ev->nfields; i++) {
    if (i) emit(g, ev->span, ", ");
    if (ev->kind == STRUCT_NAMED) emit(g, ev->span, "r#%s: ", ev->fields[i].name);
    emit(g, ev->span, "%s_%d", prefix, i);
  }
  emit(g, ev->span, ev->kind == STRUCT_NAMED ? " }" : ")");
}

// A constructor whose fields are `Clone::clone(<access>)`.
static void clone_ctor(Gen *g, StructDecl *s, const char *path, StructKind kind, FieldDecl *fields, int n, bool of_self) {
  emit(g, s->span, "%s", path);
  if (kind == STRUCT_UNIT) return;
  emit(g, s->span, kind == STRUCT_NAMED ? " { " : "(");
  for (int i = 0; i < n; i++) {
    if (i) emit(g, s->span, ", ");
    if (kind == STRUCT_NAMED) emit(g, fields[i].span, "r#%s: ", fields[i].name);
    if (of_self && kind == STRUCT_NAMED) emit(g, fields[i].span, "Clone::clone(&self.r#%s)", fields[i].name);
    else if (of_self) emit(g, fields[i].span, "Clone::clone(&self.%d)", i);
    else emit(g, fields[i].span, "Clone::clone(__self_%d)", i);
  }
  emit(g, s->span, kind == STRUCT_NAMED ? " }" : ")");
}

// `match self { S::V(__self_0, ..) => <arm>, .. }` over an enum's variants; an enum without
// variants has no value to look at: `match *self {}`.
typedef void ArmFn(Gen *g, StructDecl *s, EnumVariant *ev);

static void match_variants(Gen *g, StructDecl *s, ArmFn *arm) {
  emit(g, s->span, s->nvariants ? "match self {\n" : "match *self {\n");
  for (int v = 0; v < s->nvariants; v++) {
    EnumVariant *ev = &s->variants[v];
    fields_pattern(g, s, v, "__self");
    emit(g, ev->span, " => ");
    arm(g, s, ev);
    emit(g, ev->span, ",\n");
  }
  emit(g, s->span, "}");
}

static void clone_arm(Gen *g, StructDecl *s, EnumVariant *ev) {
  clone_ctor(g, s, arena_printf("%s::%s", s->name, ev->name), ev->kind, ev->fields, ev->nfields, false);
}

static void gen_clone(Gen *g, StructDecl *s) {
  impl_head(g, s, "Clone");
  emit(g, s->span, "fn clone(&self) -> Self {\n");
  if (derives(s, "Copy") && !s->generics.nparams) emit(g, s->span, "*self");
  else if (!s->is_enum) clone_ctor(g, s, s->name, s->kind, s->fields, s->nfields, true);
  else match_variants(g, s, clone_arm);
  emit(g, s->span, "\n}\n}\n");
}

// `self.a == other.a && ...` (`true` without fields).
static void gen_partial_eq(Gen *g, StructDecl *s) {
  impl_head(g, s, "PartialEq");
  emit(g, s->span, "fn eq(&self, other: &Self) -> bool {\n");
  if (!s->is_enum) {
    emit(g, s->span, "true");
    for (int i = 0; i < s->nfields; i++) {
      FieldDecl *f = &s->fields[i];
      if (s->kind == STRUCT_NAMED) emit(g, f->span, " && self.r#%s == other.r#%s", f->name, f->name);
      else emit(g, f->span, " && self.%d == other.%d", i, i);
    }
  } else {
    emit(g, s->span, "match (self, other) {\n");
    for (int v = 0; v < s->nvariants; v++) {
      EnumVariant *ev = &s->variants[v];
      emit(g, ev->span, "(");
      fields_pattern(g, s, v, "__self");
      emit(g, ev->span, ", ");
      fields_pattern(g, s, v, "__arg1");
      emit(g, ev->span, ") => true");
      for (int i = 0; i < ev->nfields; i++) emit(g, ev->fields[i].span, " && *__self_%d == *__arg1_%d", i, i);
      emit(g, ev->span, ",\n");
    }
    // Different variants (and an empty enum, which has no value to compare).
    emit(g, s->span, "_ => false,\n}");
  }
  emit(g, s->span, "\n}\n}\n");
}

// `f.debug_struct("P").field("a", <a>).finish()`, `f.debug_tuple("P").field(<0>).finish()` or
// `f.write_str("P")`, where <a> is `&self.a` (of_self) or the pattern binding `__self_0`.
static void debug_body(Gen *g, Span sp, const char *name, StructKind kind, FieldDecl *fields, int n, bool of_self) {
  if (n == 0) {
    emit(g, sp, "f.write_str(\"%s\")", name);
    return;
  }
  bool named = kind == STRUCT_NAMED;
  emit(g, sp, named ? "f.debug_struct(\"%s\")" : "f.debug_tuple(\"%s\")", name);
  for (int i = 0; i < n; i++) {
    emit(g, fields[i].span, ".field(");
    if (named) emit(g, fields[i].span, "\"%s\", ", fields[i].name);
    if (!of_self) emit(g, fields[i].span, "__self_%d)", i);
    else if (named) emit(g, fields[i].span, "&self.r#%s)", fields[i].name);
    else emit(g, fields[i].span, "&self.%d)", i);
  }
  emit(g, sp, ".finish()");
}

static void debug_arm(Gen *g, StructDecl *s, EnumVariant *ev) {
  (void)s;
  debug_body(g, ev->span, ev->name, ev->kind, ev->fields, ev->nfields, false);
}

static void gen_debug(Gen *g, StructDecl *s) {
  impl_head(g, s, "std::fmt::Debug");
  emit(g, s->span, "fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n");
  if (!s->is_enum) debug_body(g, s->span, s->name, s->kind, s->fields, s->nfields, true);
  else match_variants(g, s, debug_arm);
  emit(g, s->span, "\n}\n}\n");
}

// PartialOrd and Ord compare field by field, in order, and return at the first that differs;
// an enum's variants compare by their order first (as rustc's derive):
//   fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
//       match PartialOrd::partial_cmp(&self.a, &other.a) { Some(Ordering::Equal) => {} c => return c, }
//       Some(Ordering::Equal)
//   }
typedef struct {
  const char *trait, *method, *ret, *equal;  // `PartialOrd`, `partial_cmp`, the result type, equal
} OrdKind;

static const OrdKind partial_ord = {"PartialOrd", "partial_cmp", "Option<std::cmp::Ordering>", "Some(std::cmp::Ordering::Equal)"};
static const OrdKind total_ord = {"Ord", "cmp", "std::cmp::Ordering", "std::cmp::Ordering::Equal"};

static void cmp_field(Gen *g, const OrdKind *k, Span sp, const char *a, const char *b) {
  emit(g, sp, "match %s::%s(%s, %s) { %s => {} __c => return __c, }\n", k->trait, k->method, a, b, k->equal);
}

// `let __self_vi = match self { E::A { .. } => 0isize, .. };`: the variant's position.
static void variant_index(Gen *g, StructDecl *s, const char *var, const char *of) {
  emit(g, s->span, "let %s = match %s {\n", var, of);
  for (int v = 0; v < s->nvariants; v++) emit(g, s->variants[v].span, "%s::%s { .. } => %disize,\n", s->name, s->variants[v].name, v);
  emit(g, s->span, "};\n");
}

static void gen_ord(Gen *g, StructDecl *s, const OrdKind *k) {
  impl_head(g, s, k->trait);
  emit(g, s->span, "fn %s(&self, other: &Self) -> %s {\n", k->method, k->ret);
  if (!s->is_enum) {
    for (int i = 0; i < s->nfields; i++) {
      FieldDecl *f = &s->fields[i];
      const char *a = s->kind == STRUCT_NAMED ? arena_printf("&self.r#%s", f->name) : arena_printf("&self.%d", i);
      const char *b = s->kind == STRUCT_NAMED ? arena_printf("&other.r#%s", f->name) : arena_printf("&other.%d", i);
      cmp_field(g, k, f->span, a, b);
    }
    emit(g, s->span, "%s", k->equal);
  } else if (!s->nvariants) {
    emit(g, s->span, "match *self {}");
  } else {
    variant_index(g, s, "__self_vi", "self");
    variant_index(g, s, "__arg1_vi", "other");
    emit(g, s->span, "match (self, other) {\n");
    for (int v = 0; v < s->nvariants; v++) {
      EnumVariant *ev = &s->variants[v];
      if (!ev->nfields) continue;
      emit(g, ev->span, "(");
      fields_pattern(g, s, v, "__self");
      emit(g, ev->span, ", ");
      fields_pattern(g, s, v, "__arg1");
      emit(g, ev->span, ") => {\n");
      for (int i = 0; i < ev->nfields; i++) cmp_field(g, k, ev->fields[i].span, arena_printf("__self_%d", i), arena_printf("__arg1_%d", i));
      emit(g, ev->span, "%s\n}\n", k->equal);
    }
    emit(g, s->span, "_ => %s::%s(&__self_vi, &__arg1_vi),\n}", k->trait, k->method);
  }
  emit(g, s->span, "\n}\n}\n");
}

// Every field's default: `S { a: Default::default(), .. }`; an enum's is its #[default] unit
// variant (rustc requires one: E0665 otherwise).
static void gen_default(Gen *g, StructDecl *s) {
  int dv = -1;
  for (int v = 0; s->is_enum && v < s->nvariants; v++)
    if (s->variants[v].attrs.is_default) dv = v;
  if (s->is_enum && dv < 0) {
    Diag *d = diag_error(s->span, "E0665", "`#[derive(Default)]` on enum with no `#[default]`");
    diag_help(d, "make a unit variant default by placing `#[default]` above it");
    diag_emit(d);
    return;
  }
  impl_head(g, s, "Default");
  emit(g, s->span, "fn default() -> Self {\n");
  StructKind kind = s->is_enum ? s->variants[dv].kind : s->kind;
  FieldDecl *fields = s->is_enum ? s->variants[dv].fields : s->fields;
  int n = s->is_enum ? s->variants[dv].nfields : s->nfields;
  emit(g, s->span, s->is_enum ? "%s::%s" : "%s", s->name, s->is_enum ? s->variants[dv].name : "");
  if (kind != STRUCT_UNIT) {
    emit(g, s->span, kind == STRUCT_NAMED ? " { " : "(");
    for (int i = 0; i < n; i++) {
      if (kind == STRUCT_NAMED) emit(g, fields[i].span, "r#%s: ", fields[i].name);
      emit(g, fields[i].span, "Default::default(), ");
    }
    emit(g, s->span, kind == STRUCT_NAMED ? " }" : ")");
  }
  emit(g, s->span, "\n}\n}\n");
}

// Hash feeds the hasher each field in order, after an enum's discriminant (as an isize, the
// value `as isize` would give) when it has more than one variant, as rustc's derive does:
//   fn hash<__H: std::hash::Hasher>(&self, state: &mut __H) {
//       let __self_discr: isize = match self { E::A { .. } => 0, E::B { .. } => 1 };
//       std::hash::Hash::hash(&__self_discr, state);
//       match self { E::A(__self_0) => { std::hash::Hash::hash(__self_0, state); } E::B => {} }
//   }
static void gen_hash(Gen *g, StructDecl *s) {
  impl_head(g, s, "std::hash::Hash");
  emit(g, s->span, "fn hash<__H: std::hash::Hasher>(&self, state: &mut __H) {\n");
  if (!s->is_enum) {
    for (int i = 0; i < s->nfields; i++) {
      FieldDecl *f = &s->fields[i];
      if (s->kind == STRUCT_NAMED) emit(g, f->span, "std::hash::Hash::hash(&self.r#%s, state);\n", f->name);
      else emit(g, f->span, "std::hash::Hash::hash(&self.%d, state);\n", i);
    }
  } else if (!s->nvariants) {
    emit(g, s->span, "match *self {}");
  } else {
    if (s->nvariants > 1) {
      emit(g, s->span, "let __self_discr: isize = match self {\n");
      long long next = 0;
      for (int v = 0; v < s->nvariants; v++) {
        Expr *d = s->variants[v].discriminant;
        if (d && d->kind == EX_INT) next = (long long)d->int_val;
        else if (d && d->kind == EX_UNARY && d->op == TK_MINUS && d->sub->kind == EX_INT) next = (long long)(0 - d->sub->int_val);
        emit(g, s->variants[v].span, "%s::%s { .. } => %lld,\n", s->name, s->variants[v].name, next);
        next++;
      }
      emit(g, s->span, "};\nstd::hash::Hash::hash(&__self_discr, state);\n");
    }
    emit(g, s->span, "match self {\n");
    for (int v = 0; v < s->nvariants; v++) {
      EnumVariant *ev = &s->variants[v];
      fields_pattern(g, s, v, "__self");
      emit(g, ev->span, " => {\n");
      for (int i = 0; i < ev->nfields; i++) emit(g, ev->fields[i].span, "std::hash::Hash::hash(__self_%d, state);\n", i);
      emit(g, ev->span, "}\n");
    }
    emit(g, s->span, "}");
  }
  emit(g, s->span, "\n}\n}\n");
}

static void gen_eq(Gen *g, StructDecl *s) {
  impl_head(g, s, "Eq");
  emit(g, s->span, "}\n");
}

// The type's own bounds (`T: Display`) and where clauses, added to the expansion's.
static void copy_bounds(ImplDecl *im, StructDecl *s) {
  for (int i = 0; i < s->generics.nparams && i < im->generics.nparams; i++) {
    GenericParam *dst = &im->generics.params[i], *src = &s->generics.params[i];
    Bound *all = arena_alloc(sizeof(Bound) * (dst->nbounds + src->nbounds + 1));
    copy_bytes(all, dst->bounds, sizeof(Bound) * dst->nbounds);
    copy_bytes(all + dst->nbounds, src->bounds, sizeof(Bound) * src->nbounds);
    dst->bounds = all;
    dst->nbounds += src->nbounds;
  }
  im->generics.preds = s->generics.preds;
  im->generics.npreds = s->generics.npreds;
}

static void expand(Program *prog, StructDecl *s) {
  Gen g = {0};
  if (derives(s, "Clone")) gen_clone(&g, s);
  if (derives(s, "PartialEq")) gen_partial_eq(&g, s);
  if (derives(s, "Eq")) gen_eq(&g, s);
  if (derives(s, "Debug")) gen_debug(&g, s);
  if (derives(s, "PartialOrd")) gen_ord(&g, s, &partial_ord);
  if (derives(s, "Ord")) gen_ord(&g, s, &total_ord);
  if (derives(s, "Default")) gen_default(&g, s);
  if (derives(s, "Hash")) gen_hash(&g, s);
  if (!g.text.len) return;
  vec_push(&g.text, 0);
  int file = diag_add_file(arena_printf("<derive of %s>", s->name), g.text.data, g.text.len - 1);
  int ntoks = 0;
  Token *toks = lex(file, g.text.data, g.text.len - 1, &ntoks);
  int seg = 0;
  for (int i = 0; i < ntoks; i++) {
    while (seg + 1 < g.segs.len && g.segs.data[seg + 1].start <= toks[i].span.lo) seg++;
    toks[i].span = toks[i].kind == TK_EOF ? s->span : g.segs.data[seg].span;
  }
  int first = prog->nitems;
  parse_file(prog, toks, ntoks);
  for (int i = first; i < prog->nitems; i++)
    if (prog->items[i]->kind == ITEM_IMPL) {
      copy_bounds(prog->items[i]->impl, s);
      prog->items[i]->impl->derived = true;
    }
}

// Every type of the program, those declared in function bodies (in any block) included: the
// impls are parsed at the crate's top level, where their spans (the type's) put them in the
// type's block for the resolver, as rustc sees a derive's impl beside its type.
void derive_expand(Program *prog) {
  int nitems = prog->nitems, nblock = prog->nblock_items;
  for (int i = 0; i < nitems; i++)
    if (prog->items[i]->kind == ITEM_STRUCT) expand(prog, prog->items[i]->sdecl);
  for (int i = 0; i < nblock; i++)
    if (prog->block_items[i]->kind == ITEM_STRUCT) expand(prog, prog->block_items[i]->sdecl);
}
