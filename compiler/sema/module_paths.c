// module_paths.c — names across the program's modules: `use` declarations, paths through
// modules (`crate::a::B`, `super::f`, `shapes::Circle::new`) and privacy (E0603).
//
// The rest of the checker knows items by name. This file gives those names their module:
//   - a path that starts with a module (`geometry::shapes::Circle::new`) is rewritten, before
//     the checker sees it, to start with the item's qualified name: `crate::geometry::shapes::
//     Circle` then `new`. The lookup tables (resolve.c) find a qualified name in its module only;
//   - an unqualified name is looked up in the module the checker is in: its own items, then
//     what its `use` declarations bring in (scope_candidates), then the prelude. A module does
//     not see its parent's items unless it imports them, as in Rust.
// Paths into std (`std::fmt::Display`) and `use std::...` stay with resolve.c.
#include "sema/sema_internal.h"

#include <string.h>

// A `use` of the program, as one binding per name it brings in (`use a::{b, c as d, *}` is
// three; the parser already splits them into separate items).
typedef struct {
  const char *scope;  // the module it is in
  Span region;        // a `use` in a function body: that body (hi == 0 at module level)
  const char *alias;  // the name it binds, or "*" for a glob
  Item *item;
  int state;          // 0 unresolved, 1 resolving (a cycle of imports), 2 done
  ModTarget target;
} UseBinding;

// The program's top-level items (not those in function bodies), with their module.
typedef struct {
  const char *module, *name;
  Item *item;
} ModItem;

static VEC(UseBinding) bindings;
// The program's module-level `use`s of std (`use std::collections::HashMap;`), which resolve.c
// resolves: here only to say that `a::HashMap` names a private import of a (E0603).
static VEC(Item *) std_uses;
static Program *program;
static VEC(ModItem) mod_items;
// An index of mod_items by (module, name): open addressing, since a program may have hundreds
// of thousands of items and every path through a module asks it. Slots hold index + 1.
static int *item_slots;
static size_t item_cap;
static Span query_at;  // where the name being resolved is written (for `use` in bodies)

bool span_within(Span in, Span region) {
  return in.file == region.file && in.lo >= region.lo && in.hi <= region.hi;
}

// Whether binding b of module `in` counts where query_at is: a body's `use` only in the body.
static bool binding_applies(UseBinding *b, const char *in) {
  return b->scope == in && (!b->region.hi || span_within(query_at, b->region));
}

void module_paths_reset(void) {
  bindings.data = NULL, bindings.len = bindings.cap = 0;
  std_uses.data = NULL, std_uses.len = std_uses.cap = 0;
  mod_items.data = NULL, mod_items.len = mod_items.cap = 0;
  item_slots = NULL, item_cap = 0;
}

static bool is_std_head(const char *s) { return !strcmp(s, "std") || !strcmp(s, "core") || !strcmp(s, "alloc"); }

bool use_is_program_path(Item *it) {
  return it->span.file != 0 && it->use_path.nsegs && !is_std_head(it->use_path.segs[0].name);
}

static const char *decl_name(Item *it, Span *at) {
  switch (it->kind) {
  case ITEM_STRUCT: *at = it->sdecl->span; return it->sdecl->name;
  case ITEM_TRAIT: *at = it->trait->span; return it->trait->name;
  case ITEM_FN: *at = it->fn->span; return it->fn->name;
  case ITEM_CONST: *at = it->cdecl->span; return it->cdecl->name;
  case ITEM_TYPE: *at = it->alias->span; return it->alias->name;
  default: return NULL;
  }
}

// Where rustc's "the function `f` is defined here" points: a function's signature, a struct's
// `struct Name`, otherwise the item from its start to its name.
static Span def_span(Item *it) {
  Span name;
  decl_name(it, &name);
  if (it->kind == ITEM_FN && it->fn->sig_span.hi) return it->fn->sig_span;
  if (it->kind == ITEM_STRUCT && it->sdecl->head_span.hi) return it->sdecl->head_span;
  return (Span){it->span.file, it->span.lo, name.hi};
}

// What rustc calls the item in "struct `X` is private".
static const char *item_kind_word(Item *it) {
  switch (it->kind) {
  case ITEM_STRUCT: return it->sdecl->is_enum ? "enum" : "struct";
  case ITEM_TRAIT: return "trait";
  case ITEM_FN: return "function";
  case ITEM_CONST: return "constant";
  case ITEM_TYPE: return "type alias";
  default: return "item";
  }
}

// Whether code in module `from` may name something declared with visibility v in module `in`.
bool module_visible(Visibility v, const char *in, const char *from) {
  if (v == VIS_PUB || v == VIS_CRATE || v == VIS_IN) return true;
  if (v == VIS_SUPER && module_parent(in)) in = module_parent(in);
  return module_within(from, in);
}

const char *qualified_name(const char *module, const char *name) {
  return intern_cstr(arena_printf("%s::%s", module, name));
}

// "crate::a::X" -> module "crate::a", name "X"; false for a plain name.
bool split_qualified(const char *q, const char **module, const char **name) {
  if (strncmp(q, "crate::", 7) && strcmp(q, "crate")) return false;
  const char *sep = strrchr(q, ':');
  if (!sep || sep - q < 6) return false;
  *module = intern_cstr(arena_printf("%.*s", (int)(sep - 1 - q), q));
  *name = intern_cstr(sep + 1);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Names in one module

static ModTarget target(ModTargetKind k, const char *module, const char *name, Item *item, Span at, bool visible) {
  return (ModTarget){.kind = k, .module = module, .name = name, .item = item, .decl_span = at, .visible = visible};
}

static ModTarget resolve_binding(UseBinding *b);

static size_t item_hash(const char *module, const char *name) {
  return (((uintptr_t)module >> 3) * 31) ^ ((uintptr_t)name >> 3);
}

// Indexes the items once collected; of two with one name (an error reported elsewhere, or a
// type and a function) the first declared answers.
static void index_items(void) {
  item_cap = 64;
  while (item_cap < (size_t)mod_items.len * 2) item_cap *= 2;
  item_slots = arena_alloc(sizeof(int) * item_cap);
  for (int i = 0; i < mod_items.len; i++) {
    size_t h = item_hash(mod_items.data[i].module, mod_items.data[i].name);
    while (item_slots[h & (item_cap - 1)]) {
      ModItem *o = &mod_items.data[item_slots[h & (item_cap - 1)] - 1];
      if (o->module == mod_items.data[i].module && o->name == mod_items.data[i].name) break;
      h++;
    }
    if (!item_slots[h & (item_cap - 1)]) item_slots[h & (item_cap - 1)] = i + 1;
  }
}

static ModItem *item_in(const char *module, const char *name) {
  for (size_t h = item_hash(module, name);; h++) {
    int s = item_cap ? item_slots[h & (item_cap - 1)] : 0;
    if (!s) return NULL;
    ModItem *mi = &mod_items.data[s - 1];
    if (mi->module == module && mi->name == name) return mi;
  }
}

// `pub use self::Color::*;` brings in the variants of the enum it goes through.
static bool enum_glob_has(ModTarget *bt, const char *name) {
  if (bt->kind != MT_VARIANT_PATH || !bt->item) return false;
  StructDecl *en = bt->item->sdecl;
  for (int v = 0; v < en->nvariants; v++)
    if (en->variants[v].name == name) return true;
  return false;
}

// The variant that name stands for through binding b (`Red` by a glob; by `use self::Color::Green
// as G`, Green), or NULL when b's path goes on past one (not a variant).
static const char *variant_named(UseBinding *b, const char *name) {
  Path *p = &b->item->use_path;
  if (b->target.rest != p->nsegs - 2) return NULL;
  return b->alias == intern_cstr("*") ? name : p->segs[p->nsegs - 1].name;
}

// What `name` means inside module `in`, as seen from module `from`: a child module, an item of
// its own, or what one of its `use`s brings in (a glob's only if nothing closer is found).
// A target that exists but that `from` may not name comes back with visible false.
ModTarget resolve_in_module(const char *in, const char *name, const char *from) {
  ModTarget t = {0};
  const char *child = module_child(in, name);
  if (child) {
    UserModule *m = module_at(module_find(child));
    return target(MT_MODULE, child, name, NULL, m->decl, module_visible(m->vis, in, from));
  }
  ModItem *mi = item_in(in, name);
  if (mi) return target(MT_ITEM, in, name, mi->item, def_span(mi->item), module_visible(mi->item->vis, in, from));
  for (int pass = 0; pass < 2; pass++) {  // explicit imports, then globs
    for (int i = 0; i < bindings.len; i++) {
      UseBinding *b = &bindings.data[i];
      bool glob = b->alias == intern_cstr("*");
      if (!binding_applies(b, in) || glob != (pass == 1) || (!glob && b->alias != name)) continue;
      ModTarget bt = resolve_binding(b);
      if (glob && bt.kind == MT_MODULE && bt.module != in) {
        t = resolve_in_module(bt.module, name, in);
        if (!t.kind || !t.visible) continue;  // a glob brings in only what its module may see
      } else if (!glob || enum_glob_has(&bt, name)) {
        t = bt;
        if (t.kind == MT_VARIANT_PATH) t.variant = variant_named(b, name);
      } else {
        continue;
      }
      if (t.kind) {
        t.visible = t.visible && module_visible(b->item->vis, in, from);
        t.via_import = true;
        if (!glob) t.decl_span = b->item->use_path.span;
        return t;
      }
    }
  }
  return (ModTarget){0};
}

// ---------------------------------------------------------------------------------------------
// Paths

static void report_private(ModTarget *t, Span at) {
  const char *what = t->kind == MT_MODULE ? "module" : item_kind_word(t->item), *name = t->name;
  if (t->via_import) what = arena_printf("%s import", what);
  if (t->kind == MT_VARIANT_PATH && t->variant && t->item) {  // `m::Red` through a private `use`
    StructDecl *en = t->item->sdecl;
    int v = find_variant(en, t->variant);
    StructKind k = v >= 0 ? en->variants[v].kind : STRUCT_UNIT;
    what = k == STRUCT_UNIT ? "unit variant import" : k == STRUCT_TUPLE ? "tuple variant import" : "variant import";
    name = t->variant;
  }
  Diag *d = diag_error(at, "E0603", "%s `%s` is private", what, name);
  diag_label(d, "private %s", what);
  diag_note_at(d, t->decl_span, "the %s `%s` is defined here", what, name);
  diag_emit(d);
}

// The module a path's first segment names, seen from module `from`: `crate`, `self`,
// `super` (repeated), a child module, or a module brought in by a `use`. *next is the index of
// the first segment after it. NULL when the path does not start with a module.
static const char *leading_module(const char *from, Path *p, int *next, bool *failed) {
  const char *first = p->segs[0].name;
  *next = 1;
  if (!strcmp(first, "crate")) return module_at(0)->path;
  if (!strcmp(first, "self")) return from;
  if (!strcmp(first, "super")) {
    const char *m = from;
    for (int i = 0; i < p->nsegs && !strcmp(p->segs[i].name, "super"); i++, *next = i) {
      m = module_parent(m);
      if (!m) {
        Diag *d = diag_error(p->segs[i].span, "E0433", "too many leading `super` keywords");
        diag_label(d, "there are too many leading `super` keywords");
        diag_emit(d);
        *failed = true;
        return NULL;
      }
    }
    return m;
  }
  ModTarget t = resolve_in_module(from, first, from);
  return t.kind == MT_MODULE ? t.module : NULL;
}

// E0432 at the whole `use` path, for the segment i that names nothing.
static void unresolved_import(Path *p, int i) {
  Span all = {p->segs[0].span.file, p->segs[0].span.lo, p->segs[p->nsegs - 1].span.hi};
  Diag *d = diag_error(all, "E0432", "unresolved import `%s`", diag_span_text(all));
  if (i == 0) diag_label(d, "use of unresolved module or unlinked crate `%s`", p->segs[0].name);
  else diag_label(d, "no `%s` in %s", p->segs[i].name, p->segs[i - 1].name == intern_cstr("crate") ? "the root" : arena_printf("`%s`", p->segs[i - 1].name));
  diag_emit(d);
}

// What rustc calls the std item a `use` brings in: the kind of the std item of that name (the
// checker's tables are not filled yet), else a module if lower case.
static const char *std_item_word(const char *name) {
  for (int i = 0; i < program->nitems; i++) {
    Item *it = program->items[i];
    Span at;
    if (it->span.file == 0 && it->kind != ITEM_USE && decl_name(it, &at) == name) return item_kind_word(it);
  }
  return name[0] >= 'a' && name[0] <= 'z' ? "module" : "struct";
}

// E0603 for `a::HashMap` when module a has HashMap only by a private `use std::...`.
static bool private_std_import(const char *in, const char *name, const char *from, Span at) {
  for (int i = 0; i < std_uses.len; i++) {
    Item *u = std_uses.data[i];
    const char *alias = u->use_alias ? u->use_alias : u->use_path.segs[u->use_path.nsegs - 1].name;
    if (alias != name || module_of(u->span) != in || module_visible(u->vis, in, from)) continue;
    const char *what = std_item_word(u->use_path.segs[u->use_path.nsegs - 1].name);
    Diag *d = diag_error(at, "E0603", "%s import `%s` is private", what, name);
    diag_label(d, "private %s import", what);
    diag_note_at(d, u->use_path.span, "the %s import `%s` is defined here", what, name);
    diag_emit(d);
    return true;
  }
  return false;
}

// `use a::HashMap;` where module a has `pub use std::collections::HashMap;` (visible from
// `from`): that std import, which the `use` then stands for (resolve_binding); else NULL.
static Item *reexported_std_item(const char *in, const char *name, const char *from) {
  for (int i = 0; i < std_uses.len; i++) {
    Item *u = std_uses.data[i];
    const char *alias = u->use_alias ? u->use_alias : u->use_path.segs[u->use_path.nsegs - 1].name;
    if (alias == name && module_of(u->span) == in && module_visible(u->vis, in, from) && strcmp(alias, "*")) return u;
  }
  return NULL;
}

static Item *std_reexport;  // what walk found a `use`'s last segment to be (see above)

// Follows path segments from *i on through modules; returns the target of the first segment
// that is not a module (or of the last). Reports a missing or private step.
static ModTarget walk(const char *mod, const char *from, Path *p, int *i, bool is_use, bool *failed) {
  ModTarget t = target(MT_MODULE, mod, NULL, NULL, (Span){0}, true);
  for (; *i < p->nsegs; (*i)++) {
    PathSeg *s = &p->segs[*i];
    if (!strcmp(s->name, "*")) return t;
    ModTarget n = resolve_in_module(t.module, s->name, from);
    if (!n.kind && private_std_import(t.module, s->name, from, s->span)) {
      *failed = true;
      return (ModTarget){0};
    }
    if (!n.kind) {
      const char *in = *i == 0 || t.module == module_at(0)->path ? "the crate root" : arena_printf("`%s`", p->segs[*i - 1].name);
      if (is_use && *i == p->nsegs - 1 && (std_reexport = reexported_std_item(t.module, s->name, from))) {
        return (ModTarget){0};
      } else if (is_use) {
        unresolved_import(p, *i);
      } else if (*i + 1 < p->nsegs) {
        Diag *d = diag_error(s->span, "E0433", "cannot find `%s` in %s", s->name, in);
        diag_label(d, "could not find `%s` in %s", s->name, in);
        diag_emit(d);
      } else {
        t.kind = MT_NONE;  // the caller says what kind of name was missing
        return t;
      }
      *failed = true;
      return (ModTarget){0};
    }
    if (!n.visible) {
      report_private(&n, s->span);
      *failed = true;
      return (ModTarget){0};
    }
    t = n;
    if (t.kind != MT_MODULE) return t;
  }
  (*i)--;
  return t;
}

// E0603 for `a::P(1)` when P's fields are private to a: a tuple struct constructor needs them all.
static bool private_ctor(ModTarget *t, const char *from, Span at) {
  if (t->item->kind != ITEM_STRUCT || t->item->sdecl->is_enum || t->item->sdecl->kind != STRUCT_TUPLE) return false;
  StructDecl *s = t->item->sdecl;
  for (int f = 0; f < s->nfields; f++)
    if (!module_visible(s->fields[f].vis, t->module, from)) {
      Diag *d = diag_error(at, "E0603", "tuple struct constructor `%s` is private", s->name);
      diag_label(d, "private tuple struct constructor");
      diag_secondary(d, s->fields[f].span, "a constructor is private if any of the fields is private");
      diag_note_at(d, t->item->span, "the tuple struct constructor `%s` is defined here", s->name);
      diag_emit(d);
      return true;
    }
  return false;
}

static void report_missing_last(Path *p, int i, const char *mod, PathNs ns) {
  PathSeg *s = &p->segs[i];
  bool root = mod == module_at(0)->path;
  const char *in = root ? "the crate root" : arena_printf("module `%s`", p->segs[i - 1].name);
  Diag *d = diag_error(s->span, "E0425", "cannot find %s `%s` in %s", ns == PATH_TYPE ? "type" : "value", s->name, in);
  diag_label(d, "not found in %s", root ? "the crate root" : arena_printf("`%s`", p->segs[i - 1].name));
  diag_emit(d);
}

// Rewrites `m1::m2::Item::rest` to `crate::m1::m2::Item::rest` with the item's qualified name
// as one segment (through `pub use` re-exports to where the item is declared).
static void rewrite_path(NotedPath *np) {
  Path *p = np->path;
  const char *from = module_of(p->segs[0].span);
  query_at = p->segs[0].span;
  bool failed = false;
  int i;
  const char *mod = leading_module(from, p, &i, &failed);
  if (!mod) return;  // a type's path (`Circle::new`), a std path, or an error already reported
  if (i >= p->nsegs) return;
  ModTarget t = walk(mod, from, p, &i, false, &failed);
  if (failed) return;
  if (t.kind == MT_NONE) {
    report_missing_last(p, i, t.module, np->ns);
    return;
  }
  if (t.kind == MT_MODULE) {  // a module where a value or a type is expected
    Span all = {p->span.file, p->segs[0].span.lo, p->segs[p->nsegs - 1].span.hi};
    Diag *d = diag_error(all, np->ns == PATH_VALUE ? "E0423" : "E0573", "expected %s, found module `%s`",
                         np->ns == PATH_VALUE ? "value" : "type", diag_span_text(all));
    diag_label(d, "not a %s", np->ns == PATH_VALUE ? "value" : "type");
    diag_emit(d);
    return;
  }
  if (t.kind == MT_VARIANT_PATH && !t.variant) return;
  if (np->ns == PATH_VALUE && i == p->nsegs - 1 && t.kind == MT_ITEM && private_ctor(&t, from, p->segs[i].span)) return;
  // A variant re-exported by `pub use` is named through its enum: `m::Red` is `crate::m::Color::Red`.
  int enum_seg = t.kind == MT_VARIANT_PATH;
  Path q = {0};
  q.span = p->span;
  q.nsegs = p->nsegs - i + enum_seg;
  q.segs = arena_alloc(sizeof(PathSeg) * q.nsegs);
  for (int j = i; j < p->nsegs; j++) q.segs[j - i + enum_seg] = p->segs[j];
  q.segs[0] = p->segs[i];
  q.segs[0].name = qualified_name(t.module, t.name);
  if (enum_seg) q.segs[1].name = t.variant;
  *p = q;
}

// ---------------------------------------------------------------------------------------------
// `use`

static ModTarget resolve_binding(UseBinding *b) {
  if (b->state == 2) return b->target;
  if (b->state == 1) return (ModTarget){0};  // `use a::x` inside a cycle of imports: not found
  b->state = 1;
  Path *p = &b->item->use_path;
  Span saved = query_at;
  query_at = b->item->span;
  bool failed = false;
  int i;
  const char *mod = leading_module(b->scope, p, &i, &failed);
  ModTarget t = {0};
  if (mod && i >= p->nsegs) {
    t = target(MT_MODULE, mod, p->segs[p->nsegs - 1].name, NULL, p->segs[0].span, true);
  } else if (mod) {
    std_reexport = NULL;
    t = walk(mod, b->scope, p, &i, true, &failed);
    if (std_reexport) {  // the `use` becomes that std import (check.c hands it to resolve.c)
      Item *it = b->item;
      if (!it->use_alias) it->use_alias = p->segs[p->nsegs - 1].name;
      it->use_path = std_reexport->use_path;
      std_reexport = NULL;
    } else if (t.kind == MT_NONE && !failed) {  // walk leaves a missing last segment to its caller
      unresolved_import(p, i);
      t = (ModTarget){0};
    } else if (t.kind == MT_ITEM && i < p->nsegs - 1 && t.item->kind == ITEM_STRUCT && t.item->sdecl->is_enum) {
      t.kind = MT_VARIANT_PATH;  // `use a::Color::Red;`, `use a::Color::*;`: through the enum
      t.rest = i;
    } else if (t.kind == MT_ITEM && i < p->nsegs - 1) {
      unresolved_import(p, i + 1);  // `use a::f::g;`: only modules and enums have items
      t = (ModTarget){0};
    }
  } else if (!failed) {
    t = target(MT_VARIANT_PATH, NULL, NULL, NULL, p->segs[0].span, true);  // `use Color::*;`: an item in scope
    t.rest = 0;
  }
  b->target = t;
  b->state = 2;
  query_at = saved;
  return t;
}

// The rewritten path of a `use` through an enum (`use a::Shape::*;` becomes `crate::a::Shape::*`)
// for resolve.c's variant imports, or NULL if the use is not one.
Path *use_variant_path(Item *it) {
  for (int i = 0; i < bindings.len; i++) {
    UseBinding *b = &bindings.data[i];
    if (b->item != it || b->target.kind != MT_VARIANT_PATH) continue;
    if (!b->target.module) return &it->use_path;  // written from an item in scope already
    Path *p = &it->use_path;
    Path *q = arena_alloc(sizeof *q);
    *q = *p;
    if (b->target.variant) {  // `use m::Red;` of a variant m re-exports: `crate::m::Color::Red`
      q->nsegs = 2;
      q->segs = arena_alloc(sizeof(PathSeg) * 2);
      q->segs[0] = q->segs[1] = p->segs[p->nsegs - 1];
      q->segs[0].name = qualified_name(b->target.module, b->target.name);
      q->segs[1].name = b->target.variant;
      return q;
    }
    q->nsegs = p->nsegs - b->target.rest;
    q->segs = arena_alloc(sizeof(PathSeg) * q->nsegs);
    for (int j = b->target.rest; j < p->nsegs; j++) q->segs[j - b->target.rest] = p->segs[j];
    q->segs[0].name = qualified_name(b->target.module, b->target.name);
    return q;
  }
  return NULL;
}

static void add_binding(Item *it, Span region) {
  const char *alias = it->use_alias ? it->use_alias : it->use_path.segs[it->use_path.nsegs - 1].name;
  vec_push(&bindings, ((UseBinding){module_of(it->span), region, alias, it, 0, {0}}));
}

// The bodies of the program's functions, and the blocks inside them that declare items: a `use`
// or an item written in one counts only there. (The parser keeps every `use` among the
// program's items, wherever it is written.)
static VEC(Span) bodies;
static bool any_block_items;  // whether any item is declared in a body (most programs: none)

static void collect_bodies(Block *b) {
  if (!b) return;
  vec_push(&bodies, b->span);  // (the bodies of the items inside it are among the block items)
}

// The innermost body that holds sp, or an empty span at module level.
static Span body_around(Span sp) {
  Span best = {0};
  for (int i = 0; i < bodies.len; i++)
    if (span_within(sp, bodies.data[i]) && (!best.hi || bodies.data[i].hi - bodies.data[i].lo < best.hi - best.lo)) best = bodies.data[i];
  return best;
}

// The body an item declared at sp is in, where alone it is seen (resolve.c), or an empty span
// for a module's item.
Span decl_body(Span sp) { return any_block_items && sp.file != 0 ? body_around(sp) : (Span){0}; }

static void collect_item_bodies(Item *it) {
  if (it->span.file == 0) return;
  if (it->kind == ITEM_FN) collect_bodies(it->fn->body);
  if (it->kind == ITEM_CONST) vec_push(&bodies, it->cdecl->value->span);  // (its value is a body)
  if (it->kind == ITEM_IMPL && !it->impl->derived)  // (a derive's bodies have the type's spans)
    for (int m = 0; m < it->impl->nmethods; m++) collect_bodies(it->impl->methods[m]->body);
  if (it->kind == ITEM_TRAIT)
    for (int m = 0; m < it->trait->nmethods; m++) collect_bodies(it->trait->methods[m]->body);
}

static void collect_all_bodies(Program *prog) {
  bodies.data = NULL, bodies.len = bodies.cap = 0;
  any_block_items = false;
  for (int i = 0; i < prog->nblock_items; i++) any_block_items |= prog->block_items[i]->span.file != 0;
  for (int i = 0; i < prog->nitems; i++) collect_item_bodies(prog->items[i]);
  for (int i = 0; i < prog->nblock_items; i++) collect_item_bodies(prog->block_items[i]);
  for (int i = 0; i < prog->nitem_blocks; i++) vec_push(&bodies, prog->item_blocks[i]);
}

static void collect_module_items(Program *prog) {
  for (int i = 0; i < prog->nitems; i++) {
    Item *it = prog->items[i];
    if (it->span.file == 0) continue;
    Span at;
    const char *name = decl_name(it, &at);
    if (name) vec_push(&mod_items, ((ModItem){module_of(it->span), name, it}));
    if (it->kind == ITEM_USE && use_is_program_path(it)) add_binding(it, body_around(it->span));
    else if (it->kind == ITEM_USE && !body_around(it->span).hi) vec_push(&std_uses, it);
  }
}

// E0252: two imports binding one name in one scope to different items of one namespace.
static bool value_item(Item *it) { return it->kind == ITEM_FN || it->kind == ITEM_CONST; }

static void check_duplicate_imports(void) {
  for (int i = 0; i < bindings.len; i++)
    for (int j = 0; j < i; j++) {
      UseBinding *a = &bindings.data[j], *b = &bindings.data[i];
      if (a->alias != b->alias || a->alias == intern_cstr("*") || a->scope != b->scope || a->region.lo != b->region.lo ||
          a->region.hi != b->region.hi || a->target.kind != MT_ITEM || b->target.kind != MT_ITEM || !a->target.item ||
          !b->target.item || a->target.item == b->target.item || value_item(a->target.item) != value_item(b->target.item))
        continue;
      const char *ns = value_item(b->target.item) ? "value" : "type";
      Span at = b->item->use_path.span, prev = a->item->use_path.span;
      Diag *d = diag_error(at, "E0252", "the name `%s` is defined multiple times", b->alias);
      diag_secondary(d, prev, "previous import of the %s `%s` here", ns, b->alias);
      diag_label(d, "`%s` reimported here", b->alias);
      diag_note(d, "`%s` must be defined only once in the %s namespace of this module", b->alias, ns);
      diag_emit(d);
      break;
    }
}

// The widest module code may be in to see something declared with v in module `in`; NULL for
// `pub`, which reaches beyond the crate.
static const char *vis_reach(Visibility v, const char *in) {
  switch (v) {
  case VIS_PUB: return NULL;
  case VIS_CRATE:
  case VIS_IN: return module_at(0)->path;
  case VIS_SUPER: return module_parent(in) ? module_parent(in) : in;
  default: return in;
  }
}

// Whether the item a `use` names has a value (a function, a constant, a unit or tuple struct):
// rustc's E0364 is for those, E0365 for what is only a type, trait or module.
static bool names_value(ModTarget *t) {
  if (t->kind != MT_ITEM) return false;
  Item *it = t->item;
  return it->kind == ITEM_FN || it->kind == ITEM_CONST || (it->kind == ITEM_STRUCT && !it->sdecl->is_enum && it->sdecl->kind != STRUCT_NAMED);
}

// E0364/E0365: a `use` may not make what it names more visible than its declaration does
// (`pub use self::parts::Piston;` of a `pub(crate) struct Piston;`).
static void check_reexport(UseBinding *b) {
  ModTarget *t = &b->target;
  if (b->alias == intern_cstr("*") || (t->kind != MT_ITEM && t->kind != MT_MODULE) || (t->kind == MT_ITEM && !t->item)) return;
  if (b->item->vis == VIS_IN) return;  // (its reach is not known exactly: no error made up)
  const char *use_reach = vis_reach(b->item->vis, b->scope);
  const char *reach = t->kind == MT_MODULE ? (module_parent(t->module) ? vis_reach(module_at(module_find(t->module))->vis, module_parent(t->module)) : NULL)
                                           : vis_reach(t->item->vis, t->module);
  if (!reach || (use_reach && module_within(use_reach, reach))) return;
  Path *p = &b->item->use_path;
  const char *name = p->segs[p->nsegs - 1].name;
  Span at = {p->segs[0].span.file, p->segs[0].span.lo, p->segs[p->nsegs - 1].span.hi};
  Diag *d = reach == module_at(0)->path
                ? diag_error(at, names_value(t) ? "E0364" : "E0365", "`%s` is only public within the crate, and cannot be re-exported outside", name)
                : diag_error(at, names_value(t) ? "E0364" : "E0365", "`%s` is private, and cannot be re-exported", name);
  diag_note_at(d, at, "consider marking `%s` as `pub` in the imported module", name);
  diag_emit(d);
}

bool resolve_module_paths(Program *prog) {
  int before = diag_error_count();
  module_paths_reset();
  program = prog;
  collect_all_bodies(prog);
  collect_module_items(prog);
  index_items();
  for (int i = 0; i < bindings.len; i++) resolve_binding(&bindings.data[i]);
  for (int i = 0; i < bindings.len; i++) check_reexport(&bindings.data[i]);
  check_duplicate_imports();
  int n;
  NotedPath *ps = noted_paths(&n);
  for (int i = 0; i < n; i++) rewrite_path(&ps[i]);
  return diag_error_count() == before;
}

// ---------------------------------------------------------------------------------------------
// Lookups for resolve.c

// The items that the `use`s of one region (a block of that length around the query, or the
// module's own when 0) bring in as name, its imports first, then its globs.
static int add_bindings(const char *scope, const char *name, uint32_t region_len, ModTarget *out, int k, int max) {
  for (int pass = 0; pass < 2 && k < max; pass++)
    for (int i = 0; i < bindings.len && k < max; i++) {
      UseBinding *b = &bindings.data[i];
      bool glob = b->alias == intern_cstr("*");
      if ((uint32_t)(b->region.hi - b->region.lo) != region_len) continue;  // (a module's own: {0})
      if (!binding_applies(b, scope) || glob != (pass == 1) || (!glob && b->alias != name)) continue;
      ModTarget t = b->target;
      if (glob && t.kind == MT_MODULE) t = resolve_in_module(t.module, name, scope);
      if (t.kind == MT_ITEM && t.visible) out[k++] = t;
    }
  return k;
}

// Where an unqualified `name` used in module `scope` may be declared, best first: the block
// imports around it, the module itself, then its explicit imports, then its globs. Returns how
// many were written to out.
int scope_candidates(const char *scope, const char *name, Span at, ModTarget *out, int max) {
  query_at = at;
  const char *m, *n;
  if (split_qualified(name, &m, &n)) {
    out[0] = target(MT_ITEM, m, n, NULL, (Span){0}, true);
    return 1;
  }
  int k = 0;
  // A block is a scope of its own: its `use`s shadow the module's items (and outer blocks'),
  // the innermost block first, each block's own imports before its globs.
  uint32_t done = 0;
  for (;;) {
    uint32_t next = UINT32_MAX;
    for (int i = 0; i < bindings.len; i++) {
      UseBinding *b = &bindings.data[i];
      uint32_t len = b->region.hi - b->region.lo;
      if (b->region.hi && len > done && len < next && binding_applies(b, scope)) next = len;
    }
    if (next == UINT32_MAX) break;
    k = add_bindings(scope, name, next, out, k, max);
    done = next;
  }
  if (k < max) out[k++] = target(MT_ITEM, scope, name, NULL, (Span){0}, true);
  return add_bindings(scope, name, 0, out, k, max);
}

// A variant that a glob import of a module brings into scope because the module re-exports it
// (`use m::*;` where m has `pub use self::Color::*;`): its enum's qualified name, or NULL.
const char *glob_variant(const char *scope, const char *name, Span at, const char **variant) {
  query_at = at;
  for (int i = 0; i < bindings.len; i++) {
    UseBinding *b = &bindings.data[i];
    if (!binding_applies(b, scope) || b->alias != intern_cstr("*") || b->target.kind != MT_MODULE) continue;
    ModTarget t = resolve_in_module(b->target.module, name, scope);
    if (t.kind != MT_VARIANT_PATH || !t.variant || !t.visible || !t.module) continue;
    *variant = t.variant;
    return qualified_name(t.module, t.name);
  }
  return NULL;
}

bool trait_imported(const char *scope, const char *module, const char *name, Span at) {
  if (scope == module) return true;
  query_at = at;
  for (int i = 0; i < bindings.len; i++) {
    UseBinding *b = &bindings.data[i];
    if (!binding_applies(b, scope)) continue;
    ModTarget t = b->target;
    if (b->alias == intern_cstr("*") && t.kind == MT_MODULE) t = resolve_in_module(t.module, name, scope);
    if (t.kind == MT_ITEM && t.module == module && t.name == name) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Privacy of fields and methods, which the checker finds through types, not paths

// E0616 (a field read) or E0451 (a field of a struct literal): s's field fd, used at `at`.
bool field_visible(StructDecl *s, FieldDecl *fd, Span at) {
  return s->is_enum || at.file == 0 || s->span.file == 0 || module_visible(fd->vis, module_of(s->span), module_of(at));
}

// The first field of tuple struct s that code at `at` may not name, or NULL: its constructor
// (`P(1)`, `let P(x) = ..`) needs every field.
FieldDecl *private_ctor_field(StructDecl *s, Span at) {
  if (s->is_enum || s->kind != STRUCT_TUPLE) return NULL;
  for (int f = 0; f < s->nfields; f++)
    if (!field_visible(s, &s->fields[f], at)) return &s->fields[f];
  return NULL;
}

void check_field_privacy(StructDecl *s, FieldDecl *fd, Span at, const char *code) {
  if (field_visible(s, fd, at)) return;
  const char *fname = fd->name ? fd->name : arena_printf("%d", (int)(fd - s->fields));
  Diag *d = diag_error(at, code, "field `%s` of struct `%s` is private", fname, s->name);
  diag_label(d, "private field");
  diag_emit(d);
}

// Whether code at `at` may call inherent method or associated function f (true for any other).
bool fn_visible(FnDecl *f, Span at) {
  if (!f->impl || f->impl->trait_path || at.file == 0 || f->span.file == 0) return true;
  return module_visible(f->vis, module_of(f->impl->span), module_of(at));
}

// E0624: an inherent method or associated function called from outside what its `pub` allows.
void check_fn_privacy(FnDecl *f, Span at) {
  if (fn_visible(f, at)) return;
  const char *what = f->self_kind == SELF_NONE ? "associated function" : "method";
  Diag *d = diag_error(at, "E0624", "%s `%s` is private", what, f->name);
  diag_label(d, "private %s", what);
  diag_secondary(d, f->sig_span.hi ? f->sig_span : f->span, "private %s defined here", what);
  diag_emit(d);
}

// Whether code at `at` may name trait tr (a trait in a function body is seen where it can be named).
bool trait_visible(TraitDecl *tr, Span at) {
  if (at.file == 0 || tr->span.file == 0) return true;
  const char *in = module_of(tr->span);
  ModItem *mi = item_in(in, tr->name);
  if (!mi || mi->item->kind != ITEM_TRAIT || mi->item->trait != tr) return true;
  return module_visible(mi->item->vis, in, module_of(at));
}

// E0624 for a method of a trait private here, reached through `dyn Tr` or a bound: the trait's
// methods are as private as the trait.
void check_trait_method_privacy(TraitDecl *tr, FnDecl *m, Span at) {
  if (trait_visible(tr, at)) return;
  Diag *d = diag_error(at, "E0624", "method `%s` is private", m->name);
  diag_label(d, "private method");
  diag_secondary(d, m->sig_span.hi ? m->sig_span : m->span, "private method defined here");
  diag_emit(d);
}

// ---------------------------------------------------------------------------------------------
// Private types in public interfaces (E0446)

// The narrower of two reaches (NULL: beyond the crate); of two apart, a.
static const char *narrower(const char *a, const char *b) {
  if (!a) return b;
  if (!b) return a;
  return module_within(b, a) ? b : a;
}

// Where a module-level item named `name` declared at `at` may be named from (NULL: anywhere;
// also for one in a function body, which this does not follow).
static const char *item_reach(const char *name, Span at) {
  if (at.file == 0) return NULL;
  const char *in = module_of(at);
  ModItem *mi = item_in(in, name);
  return mi ? vis_reach(mi->item->vis, in) : NULL;
}

// The narrowest reach of the program's types t names; *who the struct or enum that has it.
static const char *type_reach(Type *t, StructDecl **who) {
  t = ty_resolve(t);
  const char *r = NULL;
  if (t->kind == TY_STRUCT) {
    r = item_reach(t->sdecl->name, t->sdecl->span);
    if (r) *who = t->sdecl;
  }
  if (t->inner && t->kind != TY_DYN) {
    StructDecl *w = NULL;
    const char *ir = type_reach(t->inner, &w);
    if (ir && narrower(r, ir) == ir && ir != r) r = ir, *who = w;
  }
  for (int i = 0; (t->kind == TY_STRUCT || t->kind == TY_TUPLE) && i < t->nargs; i++) {
    StructDecl *w = NULL;
    const char *ar = type_reach(t->args[i], &w);
    if (ar && narrower(r, ar) == ar && ar != r) r = ar, *who = w;
  }
  return r;
}

// E0446: an associated type of a trait impl is as public as the impl (the narrower of the
// trait and the self type), so it may not name a type less visible than that.
void check_impl_assoc_privacy(ImplDecl *im) {
  if (!im->trait || im->span.file == 0) return;
  StructDecl *unused = NULL;
  const char *impl_reach = narrower(item_reach(im->trait->name, im->trait->span), type_reach(im->self_ty, &unused));
  for (int i = 0; i < im->ntrait_args; i++) impl_reach = narrower(impl_reach, type_reach(im->trait_args[i], &unused));
  for (int i = 0; i < im->nassoc_types; i++) {
    AssocTypeDecl *a = &im->assoc_types[i];
    StructDecl *who = NULL;
    const char *r = a->resolved ? type_reach(a->resolved, &who) : NULL;
    if (!r || !who || (impl_reach && module_within(impl_reach, r))) continue;
    bool crate_wide = r == module_at(0)->path;
    Diag *d = diag_error(a->decl_span.hi ? a->decl_span : a->span, "E0446", "%s type `%s` in public interface", crate_wide ? "crate-private" : "private", who->name);
    diag_label(d, "can't leak %s type", crate_wide ? "crate-private" : "private");
    diag_emit(d);
  }
}
