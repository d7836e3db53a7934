// type_path.c — a monomorphized type as std::any::type_name spells it, and its TypeId.
//
// rustc's type_name is the type with every nominal type written as its full path in the crate
// that defines it: `alloc::string::String`, `core::option::Option<i32>`, `main::Circle` (the
// program is the crate named after its file, `-` read as `_`). trc's std is one prelude with
// modules of its own names, so std's items get rustc's paths from a table; what the table does
// not know keeps trc's module (`std::<module>::Name`). A TypeId is a 64-bit hash of the same
// spelling with closures told apart by where they are written: two types get one id exactly
// when they are the same type (lifetimes erased, as in rustc).
#include "sema/sema_internal.h"

#include <ctype.h>
#include <string.h>

// rustc's paths of the prelude's std modules (trc's module name -> the defining crate's path).
static const struct {
  const char *module, *path;
} module_paths[] = {
  {"rc", "alloc::rc"},
  {"sync", "alloc::sync"},
  {"cell", "core::cell"},
  {"any", "core::any"},
  {"cmp", "core::cmp"},
  {"fmt", "core::fmt"},
  {"hash", "core::hash"},
  {"error", "core::error"},
  {"borrow", "core::borrow"},
  {"option", "core::option"},
  {"str", "core::str"},
  {"char", "core::char"},
  {"collections::hash_map", "std::collections::hash::map"},
  {"collections::hash_set", "std::collections::hash::set"},
  {"collections::btree_map", "alloc::collections::btree::map"},
  {"collections::btree_set", "alloc::collections::btree::set"},
  {"collections::vec_deque", "alloc::collections::vec_deque"},
};

// Items of a prelude module that rustc's std defines in a submodule of it.
static const struct {
  const char *module, *names, *path;  // names: space-separated, each with a space after it
} submodule_paths[] = {
  {"hash", "DefaultHasher RandomState ", "std::hash::random"},
  {"str", "Chars CharIndices Bytes Split RSplit SplitN RSplitN SplitWhitespace Lines MatchIndices Matches ", "core::str::iter"},
  {"str", "Utf8Error ", "core::str::error"},
};

// rustc's paths of std items declared outside any module of the prelude.
static const struct {
  const char *name, *path;
} item_paths[] = {
  {"Option", "core::option"},           {"Result", "core::result"},
  {"Ordering", "core::cmp"},            {"ParseIntError", "core::num::error"},
  {"IntErrorKind", "core::num::error"}, {"FromUtf8Error", "alloc::string"},
  {"Args", "std::env"},
  {"Iterator", "core::iter::traits::iterator"},
  {"DoubleEndedIterator", "core::iter::traits::double_ended"},
  {"ExactSizeIterator", "core::iter::traits::exact_size"},
  {"IntoIterator", "core::iter::traits::collect"}, {"FromIterator", "core::iter::traits::collect"},
  {"Extend", "core::iter::traits::collect"},
  {"Sum", "core::iter::traits::accum"}, {"Product", "core::iter::traits::accum"},
  {"PartialEq", "core::cmp"}, {"Eq", "core::cmp"}, {"PartialOrd", "core::cmp"}, {"Ord", "core::cmp"},
  {"Clone", "core::clone"}, {"Copy", "core::marker"}, {"Send", "core::marker"}, {"Sync", "core::marker"},
  {"Sized", "core::marker"}, {"Unpin", "core::marker"}, {"Default", "core::default"},
  {"From", "core::convert"}, {"Into", "core::convert"}, {"AsRef", "core::convert"},
  {"TryFrom", "core::convert"}, {"TryInto", "core::convert"}, {"TryFromIntError", "core::num::error"},
  {"Fn", "core::ops::function"}, {"FnMut", "core::ops::function"}, {"FnOnce", "core::ops::function"},
  {"Drop", "core::ops::drop"}, {"Deref", "core::ops::deref"}, {"DerefMut", "core::ops::deref"},
  {"Index", "core::ops::index"}, {"IndexMut", "core::ops::index"},
  {"Neg", "core::ops::arith"}, {"Not", "core::ops::bit"},
  {"ToString", "alloc::string"}, {"Error", "core::error"},
  {"IntoIter", "alloc::vec::into_iter"}, {"FlatMap", "core::iter::adapters::flatten"},
};

// The std iterator adapters (`Map`, `StepBy`) live in core::iter::adapters::<snake_case>.
static const char *adapters[] = {"Map", "Filter", "FilterMap", "Enumerate", "Zip", "Chain", "Take", "Skip", "TakeWhile",
                                 "SkipWhile", "StepBy", "Inspect", "Peekable", "Cloned", "Copied", "Rev"};

static const char *snake_case(const char *camel) {
  char buf[64];
  size_t n = 0;
  for (const char *p = camel; *p && n + 2 < sizeof buf; p++) {
    if (isupper((unsigned char)*p) && p != camel) buf[n++] = '_';
    buf[n++] = (char)tolower((unsigned char)*p);
  }
  buf[n] = 0;
  return arena_printf("%s", buf);
}

// The full path of the item `name` declared at span sp: the program's, or std's.
static const char *item_path(Span sp, const char *name) {
  if (sp.file != 0) return arena_printf("%s::%s", crate_name(), name);
  const char *m = std_module_of(sp), *word = arena_printf("%s ", name);
  for (size_t i = 0; m && i < sizeof submodule_paths / sizeof submodule_paths[0]; i++)
    if (!strcmp(submodule_paths[i].module, m) && strstr(submodule_paths[i].names, word) &&
        (strstr(submodule_paths[i].names, word) == submodule_paths[i].names || strstr(submodule_paths[i].names, word)[-1] == ' '))
      return arena_printf("%s::%s", submodule_paths[i].path, name);
  for (size_t i = 0; m && i < sizeof module_paths / sizeof module_paths[0]; i++)
    if (!strcmp(module_paths[i].module, m)) return arena_printf("%s::%s", module_paths[i].path, name);
  if (m) return arena_printf("std::%s::%s", m, name);
  for (size_t i = 0; i < sizeof item_paths / sizeof item_paths[0]; i++)
    if (!strcmp(item_paths[i].name, name)) return arena_printf("%s::%s", item_paths[i].path, name);
  for (size_t i = 0; i < sizeof adapters / sizeof adapters[0]; i++)
    if (!strcmp(adapters[i], name)) return arena_printf("core::iter::adapters::%s::%s", snake_case(name), name);
  return arena_printf("core::ops::arith::%s", name);  // the remaining prelude traits: Add, AddAssign ...
}

static const char *path_of(Type *t, bool for_id);
static const char *trait_path(TraitRef *r, bool for_id);

static const char *list_of(Type **ts, int n, bool for_id) {
  const char *s = "";
  for (int i = 0; i < n; i++) s = arena_printf("%s%s%s", s, i ? ", " : "", path_of(ts[i], for_id));
  return s;
}

// `head<'_, A, B>`: rustc erases lifetime arguments to `'_` and keeps them in the list.
static const char *generic(const char *head, int nlifetimes, Type **args, int n, bool for_id) {
  if (!nlifetimes && !n) return head;
  const char *s = "";
  for (int i = 0; i < nlifetimes; i++) s = arena_printf("%s%s'_", s, i ? ", " : "");
  return arena_printf("%s<%s%s%s>", head, s, nlifetimes && n ? ", " : "", list_of(args, n, for_id));
}

static const char *trait_path(TraitRef *r, bool for_id) {
  const char *head = item_path(r->trait->span, r->trait->name);
  Type *a = r->nargs == 1 ? ty_resolve(r->args[0]) : NULL;
  const char *n = r->trait->name;
  if (r->nassoc == 1 && a && (a->kind == TY_TUPLE || a->kind == TY_UNIT) && r->trait->span.file == 0 &&
      (!strcmp(n, "Fn") || !strcmp(n, "FnMut") || !strcmp(n, "FnOnce"))) {  // `Fn(i32) -> i32`
    const char *s = arena_printf("%s(%s)", head, a->kind == TY_TUPLE ? list_of(a->args, a->nargs, for_id) : "");
    Type *ret = ty_resolve(r->assoc_types[0]);
    return ret->kind == TY_UNIT ? s : arena_printf("%s -> %s", s, path_of(ret, for_id));
  }
  if (!r->nargs && !r->nassoc) return head;
  const char *s = list_of(r->args, r->nargs, for_id);
  for (int i = 0; i < r->nassoc; i++)
    s = arena_printf("%s%s%s = %s", s, i || r->nargs ? ", " : "", r->assoc_names[i], path_of(r->assoc_types[i], for_id));
  return arena_printf("%s<%s>", head, s);
}

static const char *dyn_path(Type *t, bool for_id) {
  const char *s = t->principal ? trait_path(t->principal, for_id) : NULL;
  for (int i = 0; i < t->nautos; i++) {
    const char *a = item_path(t->autos[i]->span, t->autos[i]->name);
    s = s ? arena_printf("%s + %s", s, a) : a;
  }
  return arena_printf("dyn %s", s ? s : "");
}

// The path of function f at type arguments args (its impl's, then its own), as rustc names a
// closure by it: `main::main`, `main::Stack<i32>::push`, `<main::P as main::Tr>::go`, and a
// closure's `main::main::{{closure}}`.
static const char *fn_path(FnDecl *f, Type **args, int nargs, bool for_id) {
  if (f->is_closure && f->parent) return arena_printf("%s::{{closure}}", fn_path(f->parent, args, nargs, for_id));
  int from = f->impl && f->impl->env ? f->impl->env->n : 0;
  if (from > nargs) from = nargs;
  const char *head;
  if (f->impl && f->impl->self_ty) {
    const char *self = path_of(ty_subst(f->impl->self_ty, args, from), for_id);
    if (f->impl->trait) {
      TraitRef r = {.trait = f->impl->trait, .args = arena_alloc(sizeof(Type *) * (f->impl->ntrait_args + 1)), .nargs = f->impl->ntrait_args};
      for (int i = 0; i < r.nargs; i++) r.args[i] = ty_subst(f->impl->trait_args[i], args, from);
      head = arena_printf("<%s as %s>::%s", self, trait_path(&r, for_id), f->name);
    } else {
      head = arena_printf("%s::%s", self, f->name);
    }
  } else {
    if (f->trait) return arena_printf("%s::%s", item_path(f->trait->span, f->trait->name), f->name);  // a default method
    head = item_path(f->span, f->name);
  }
  return generic(head, 0, args + from, nargs - from, for_id);
}

static const char *path_of(Type *t, bool for_id) {
  t = ty_resolve(t);
  switch (t->kind) {
  case TY_STRING: return "alloc::string::String";
  case TY_BOX: return arena_printf("alloc::boxed::Box<%s>", path_of(t->inner, for_id));
  case TY_VEC: return arena_printf("alloc::vec::Vec<%s>", path_of(t->inner, for_id));
  case TY_REF: return arena_printf("&%s%s", t->mut ? "mut " : "", path_of(t->inner, for_id));
  case TY_PTR: return arena_printf("*%s %s", t->mut ? "mut" : "const", path_of(t->inner, for_id));
  case TY_SLICE: return arena_printf("[%s]", path_of(t->inner, for_id));
  case TY_ARRAY: return arena_printf("[%s; %llu]", path_of(t->inner, for_id), (unsigned long long)t->len);
  case TY_TUPLE: return arena_printf("(%s%s)", list_of(t->args, t->nargs, for_id), t->nargs == 1 ? "," : "");
  case TY_STRUCT: return generic(item_path(t->sdecl->span, t->sdecl->name), t->sdecl->generics.nlifetimes, t->args, t->nargs, for_id);
  case TY_DYN: return dyn_path(t, for_id);
  case TY_ITER: return arena_printf("core::slice::iter::Iter%s<'_, %s>", t->mut ? "Mut" : "", path_of(t->inner, for_id));
  case TY_RANGE: {
    const char *r = arena_printf("core::ops::range::Range%s<%s>", t->len ? "Inclusive" : "", path_of(t->inner, for_id));
    return t->mut ? arena_printf("core::iter::adapters::rev::Rev<%s>", r) : r;
  }
  case TY_FN: {
    const char *s = arena_printf("fn(%s)", list_of(t->args, t->nargs, for_id));
    Type *ret = t->ret ? ty_resolve(t->ret) : NULL;
    return ret && ret->kind != TY_UNIT ? arena_printf("%s -> %s", s, path_of(ret, for_id)) : s;
  }
  case TY_CLOSURE: {  // each closure is its own type: for the id, told apart by where it is written
    const char *s = fn_path(t->closure, t->args, t->nargs, for_id);
    return for_id ? arena_printf("%s@%u:%u", s, t->closure->span.file, t->closure->span.lo) : s;
  }
  default: return ty_name(t);  // the primitives, `()` and `!` are spelled as everywhere
  }
}

const char *ty_type_name(Type *t) { return path_of(t, false); }

// FNV-1a over the type's unambiguous spelling, then a final mix so nearby names spread out.
uint64_t ty_type_id(Type *t) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const char *p = path_of(t, true); *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  return h ^ (h >> 33);
}
