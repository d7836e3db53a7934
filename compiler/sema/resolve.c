// resolve.c — names and types as written, resolved against the Crate.
//
// Lookup tables (structs, traits, fns, consts by interned name, and `use` aliases), generic
// environments (the flat list of type parameters in scope, with their bounds) and the
// resolution of a TypeExpr to an interned Type. The checker's passes (check.c) and bodies
// (unify.c to check_body.c) both build on it; it builds only on the trait queries of traits.c.
#include "sema/sema_internal.h"

#include <string.h>

// ---------------------------------------------------------------------------------------------
// Lookup tables: programs are small, so linear scans over interned names are plenty.
//
// The prelude is a scope of its own around the program's, as std's prelude is in Rust: a
// program may define its own `Iterator` or `Option`, which then shadows the prelude's in the
// program, while the prelude's own code (and the compiler's lang items) go on meaning the
// prelude's. Items are collected prelude first, so a scan from the end finds the program's
// item before the prelude's; while the checker works on a prelude item it skips the program's.

static bool in_prelude_scope;
static const char *cur_module;  // the std module (`fmt`) whose item is being checked, or NULL
static const char *cur_user;    // the program's module whose item is being checked, or NULL
static Span cur_body;           // the body being checked, if any

void resolve_scope_of(Span item) {
  in_prelude_scope = item.file == 0;
  cur_module = in_prelude_scope ? std_module_of(item) : NULL;
  cur_user = module_of(item);
  cur_body = decl_body(item);  // an item in a function body sees the items beside it
}

Span resolve_body_scope(Span body) {
  Span outer = cur_body;
  cur_body = body;
  return outer;
}

const char *resolve_current_module(void) { return cur_user; }

static bool visible(Span decl) { return !in_prelude_scope || decl.file == 0; }

static bool std_path_head(const char *s) { return !strcmp(s, "std") || !strcmp(s, "core") || !strcmp(s, "alloc"); }

// Whether a `use` brings the item `name` of std module `module` into scope unqualified:
// `use std::fmt::Display;`, `use std::fmt::{self, Display as D}` or `use std::fmt::*`.
static bool imported(const char *module, const char *name);

// How well an item declared at decl answers the unqualified `name` here (0: not at all). The
// items of the module being checked come first, as a module's own names shadow the prelude's;
// a std module's item is otherwise only seen through a `use`.
static int name_rank(Span decl, const char *name) {
  const char *m = std_module_of(decl);
  if (!m) return visible(decl) ? 2 : 0;
  if (m == cur_module) return 3;
  return imported(m, name) ? 2 : 0;
}

// The best-ranked item of vec named name; among equals the last declared (a program's item
// shadows the prelude's, which is collected first).
// What every declaration (StructDecl, TraitDecl, FnDecl, ConstDecl, AliasDecl) starts with.
typedef struct {
  const char *name;
  Span span;
} DeclHead;

// Declarations by name. Every lookup below asks for one name, and a program may have thousands
// of items: scanning all of them for each path made checking quadratic in the program's size.
// Each of K's declaration vectors gets a map from a name to the positions that declare it, in
// order, extended on each lookup to the entries pushed since (the vectors only grow).
typedef VEC(int) PosList;
typedef struct {
  const void *vec;    // which vector (&K->structs, ...)
  int indexed;        // entries [0, indexed) are in by_name
  PtrMap by_name;     // interned name -> PosList
} DeclIndex;

static DeclIndex decl_indexes[8];  // emptied by resolve_reset: a compilation's vectors are new

static DeclIndex *decl_index(const void *vec, void **decls, int n) {
  DeclIndex *ix = decl_indexes, *end = decl_indexes + sizeof decl_indexes / sizeof *decl_indexes;
  while (ix < end && ix->vec && ix->vec != vec) ix++;
  if (ix == end) ice((Span){0}, "more declaration vectors than decl_indexes holds");
  if (!ix->vec || ix->indexed > n) *ix = (DeclIndex){.vec = vec};
  for (; ix->indexed < n; ix->indexed++) {
    const char *name = ((DeclHead *)decls[ix->indexed])->name;
    if (name) vec_push((PosList *)ptrmap_slot(&ix->by_name, name, NULL, sizeof(PosList)), ix->indexed);
  }
  return ix;
}

// The positions in decls of the declarations named name, in order (NULL: none).
static PosList *decls_named(const void *vec, void **decls, int n, const char *name) {
  return ptrmap_get(&decl_index(vec, decls, n)->by_name, name, NULL);
}

#define FOR_DECLS_NAMED_BACKWARD(d, vec, decls, n, name)                                   \
  for (PosList *l_ = decls_named(vec, decls, n, name); l_; l_ = NULL)                       \
    for (int k_ = l_->len - 1; k_ >= 0; k_--)                                               \
      for (DeclHead *d = decls[l_->data[k_]]; d; d = NULL)

// In the program's code: the declaration that one of the places module_paths.c lists for the
// name holds, the nearest first (the module's own item, an import, a glob import).
// An item declared in a function body is seen only in that body (and the bodies inside it),
// where it shadows the module's: two functions may each have their own `fn helper`.
static void *lookup_block_decl(const void *vec, void **decls, int n, const char *name) {
  void *best = NULL;
  uint32_t best_len = UINT32_MAX;
  FOR_DECLS_NAMED_BACKWARD(d, vec, decls, n, name) {
    if (d->span.file == 0) continue;
    Span b = decl_body(d->span);
    if (b.hi && span_within(cur_body, b) && b.hi - b.lo < best_len) best = d, best_len = b.hi - b.lo;
  }
  return best;
}

static void *lookup_program_decl(const void *vec, void **decls, int n, const char *name) {
  void *inner = cur_body.hi ? lookup_block_decl(vec, decls, n, name) : NULL;
  if (inner) return inner;
  ModTarget c[16];
  int nc = scope_candidates(cur_user, name, cur_body, c, 16);
  for (int k = 0; k < nc; k++) FOR_DECLS_NAMED_BACKWARD(d, vec, decls, n, c[k].name) {
      if (d->span.file != 0 && module_of(d->span) == c[k].module && !decl_body(d->span).hi) return d;
    }
  return NULL;
}

static bool renamed_std_import(const char *name, const char **module, const char **target);

static bool std_module_has(const char *module, const char *name);

// The declaration of std::<module>::<name>, or, when that module has no item of the name, of
// the prelude root's (`std::ops::Add`, which the prelude declares at its root).
static void *lookup_decl_in(const void *vec, void **decls, int n, const char *module, const char *name) {
  void *root = NULL;
  PosList *l = decls_named(vec, decls, n, name);
  for (int i = 0; l && i < l->len; i++) {
    DeclHead *d = decls[l->data[i]];
    if (d->span.file != 0) continue;
    const char *m = std_module_of(d->span);
    if (m == module) return d;
    if (!m) root = d;
  }
  return root && !std_module_has(module, name) ? root : NULL;
}

static void *lookup_decl(const void *vec, void **decls, int n, const char *name) {
  if (cur_user) {
    void *d = lookup_program_decl(vec, decls, n, name);
    if (d) return d;
  }
  // A program's `use std::collections::HashMap as Map;` shadows the prelude's own `Map` (the
  // iterator adapter) where the `use` is in scope, as a module's imports shadow the prelude.
  const char *module, *target;
  if (!in_prelude_scope && renamed_std_import(name, &module, &target)) {
    void *d = lookup_decl_in(vec, decls, n, module, target);
    if (d) return d;
  }
  void *best = NULL;
  int best_rank = 0;
  FOR_DECLS_NAMED_BACKWARD(d, vec, decls, n, name) {
    if (cur_user && d->span.file != 0) continue;  // the program's: above
    int r = name_rank(d->span, name);
    if (r > best_rank) best = d, best_rank = r;
  }
  return best;
}

#define LOOKUP_BEST(vec, T, nm) return (T *)lookup_decl(&(vec), (void **)(vec).data, (vec).len, nm)

#define LOOKUP_IN(vec, T, module, nm)                                                                                  \
  do {                                                                                                                 \
    PosList *l = decls_named(&(vec), (void **)(vec).data, (vec).len, nm);                                              \
    for (int i = 0; l && i < l->len; i++) {                                                                            \
      T *d = VEC_AT(vec, l->data[i]);                                                                                  \
      if (d->span.file == 0 && std_module_of(d->span) == (module)) return d;                                           \
    }                                                                                                                  \
    return NULL;                                                                                                       \
  } while (0)

StructDecl *lookup_struct(const char *name) { LOOKUP_BEST(K->structs, StructDecl, name); }
TraitDecl *lookup_trait(const char *name) { LOOKUP_BEST(K->traits, TraitDecl, name); }
FnDecl *lookup_fn(const char *name) { LOOKUP_BEST(K->fns, FnDecl, name); }
ConstDecl *lookup_const(const char *name) { LOOKUP_BEST(K->consts, ConstDecl, name); }
AliasDecl *lookup_alias(const char *name) { LOOKUP_BEST(K->aliases, AliasDecl, name); }

StructDecl *lookup_struct_in(const char *module, const char *name) { LOOKUP_IN(K->structs, StructDecl, module, name); }
TraitDecl *lookup_trait_in(const char *module, const char *name) { LOOKUP_IN(K->traits, TraitDecl, module, name); }
static ConstDecl *lookup_const_in(const char *module, const char *name) { LOOKUP_IN(K->consts, ConstDecl, module, name); }
static AliasDecl *lookup_alias_in(const char *module, const char *name) { LOOKUP_IN(K->aliases, AliasDecl, module, name); }

static bool std_module_has(const char *module, const char *name) {
  return lookup_struct_in(module, name) || lookup_trait_in(module, name) || lookup_alias_in(module, name);
}

// Methods by name, so that a method call or a `Type::name` path looks only at what could
// answer it: the inherent impls' functions of that name, and the traits declaring a method of
// that name themselves (a supertrait's are its own). Keyed by the interned name (base/ptrmap.c).
typedef VEC(void *) NameList;

static PtrMap inherent_index, trait_index, trait_ordinals;

static NameList *index_slot(PtrMap *ix, const char *name, bool add) {
  return add ? ptrmap_slot(ix, name, NULL, sizeof(NameList)) : ptrmap_get(ix, name, NULL);
}

void index_methods(void) {
  inherent_index = trait_index = trait_ordinals = (PtrMap){0};
  for (int i = 0; i < K->impls.len; i++) {
    ImplDecl *im = VEC_AT(K->impls, i);
    if (im->trait_path) continue;
    for (int m = 0; m < im->nmethods; m++) vec_push(index_slot(&inherent_index, im->methods[m]->name, true), im->methods[m]);
  }
  for (int i = 0; i < K->traits.len; i++) {
    TraitDecl *t = VEC_AT(K->traits, i);
    ptrmap_put(&trait_ordinals, t, NULL, (void *)(intptr_t)(i + 1));
    for (int m = 0; m < t->nmethods; m++) vec_push(index_slot(&trait_index, t->methods[m]->name, true), t);
  }
}

int trait_ordinal(TraitDecl *t) { return (int)(intptr_t)ptrmap_get(&trait_ordinals, t, NULL) - 1; }

FnDecl **inherent_fns_named(const char *name, int *n) {
  NameList *l = index_slot(&inherent_index, name, false);
  *n = l ? l->len : 0;
  return l ? (FnDecl **)l->data : NULL;
}

TraitDecl **traits_declaring(const char *name, int *n) {
  NameList *l = index_slot(&trait_index, name, false);
  *n = l ? l->len : 0;
  return l ? (TraitDecl **)l->data : NULL;
}

// A type name that is both a struct and an alias here (`type Result<T> = ..` in a program, or
// fmt's `Result` inside fmt): the better-ranked one, the program's on a tie.
static bool alias_shadows(AliasDecl *a, StructDecl *s) {
  if (!a || !s) return a != NULL;
  int ra = name_rank(a->span, a->name), rs = name_rank(s->span, s->name);
  return ra != rs ? ra > rs : a->span.file != 0;
}

StructDecl *lookup_struct_path(Path *p) {
  const char *name;
  const char *module = path_std_module(p, &name);
  if (!module) return NULL;
  StructDecl *s = lookup_struct_in(module, name);
  if (!s) s = lookup_struct_in(NULL, name);  // `std::option::Option`: a root prelude item
  return s;
}

// `std::f64::consts::PI`, or `consts::PI` after `use std::f64::consts;`: a std module's const.
ConstDecl *lookup_const_path(Path *p) {
  const char *name;
  const char *module = path_std_module(p, &name);
  return module ? lookup_const_in(module, name) : NULL;
}

TraitDecl *lookup_trait_path(Path *p) {
  if (p->nsegs == 1) return lookup_trait(p->segs[0].name);
  const char *name;
  const char *module = path_std_module(p, &name);
  if (!module) return NULL;
  TraitDecl *t = lookup_trait_in(module, name);
  if (!t) t = lookup_trait_in(NULL, name);
  return t;
}

// `use std::mem::size_of;` makes `size_of` stand for the path `std::mem::size_of`.
typedef struct {
  const char *alias;
  Path path;
  const char *scope;  // the program's module it is in; NULL for the prelude's
  bool program;       // written in the program, not the prelude
} UseEntry;
typedef VEC(UseEntry *) UseVec;
static UseVec uses;

void resolve_add_use(Path path, const char *alias, Span at) {
  UseEntry *u = arena_alloc(sizeof *u);
  u->path = path;
  u->alias = alias;
  u->scope = module_of(at);
  u->program = at.file != 0;
  vec_push(&uses, u);
}

// A `use` counts in the module it is written in (the prelude's everywhere); the prelude's own
// code sees only its own (a program's `use std::sync::atomic::Ordering` must not change what
// `Ordering` means in std::cmp's traits).
static bool use_in_scope(UseEntry *u) {
  if (in_prelude_scope) return !u->scope;
  return !u->scope || !cur_user || u->scope == cur_user;
}

// A `pub use std::a::b::Item;` inside std module `a` re-exports Item there: `std::a::Item`
// (and `use std::a::Item;`, `use std::a::*;`) name the item of module `a::b`. The prelude's
// modules import nothing for themselves (their code writes full paths), so every `use` in one
// is such a re-export.
typedef struct {
  const char *module, *name;  // what the item is also called: std::<module>::<name>
  const char *target_module;  // where it is declared
} Reexport;
static VEC(Reexport) reexports;

static const char *std_module_of_path(Path *p, int upto) {
  const char *m = p->segs[1].name;
  for (int i = 2; i < upto; i++) m = arena_printf("%s::%s", m, p->segs[i].name);
  return intern_cstr(m);
}

void resolve_add_reexport(const char *module, Path path, const char *alias) {
  if (path.nsegs < 3 || !std_path_head(path.segs[0].name)) return;
  vec_push(&reexports, ((Reexport){module, alias, std_module_of_path(&path, path.nsegs - 1)}));
}

// The module declaring what std::<module>::<name> names, if a re-export says so.
static const char *reexported_from(const char *module, const char *name) {
  for (int i = 0; i < reexports.len; i++)
    if (reexports.data[i].module == module && reexports.data[i].name == name) return reexports.data[i].target_module;
  return NULL;
}

static const char *path_string(Path *p, int upto) {
  const char *s = "";
  for (int i = 0; i < upto; i++) s = arena_printf("%s%s%s", s, i ? "::" : "", p->segs[i].name);
  return s;
}

// A variant brought into scope by `use Enum::Variant;` or `use Enum::*;` (the prelude does the
// latter for `Option`, so `Some` and `None` work unqualified). Returns its index, or -1.
int lookup_variant_alias(const char *name, StructDecl **out) {
  for (int i = uses.len - 1; i >= 0; i--) {
    UseEntry *u = VEC_AT(uses, i);
    bool glob = u->alias == intern_cstr("*");
    if (!glob && u->alias != name) continue;
    if (u->path.nsegs < 2 || !use_in_scope(u)) continue;
    StructDecl *en = lookup_struct(u->path.segs[u->path.nsegs - 2].name);
    if (!en || !en->is_enum) continue;
    const char *vname = glob ? name : u->path.segs[u->path.nsegs - 1].name;
    for (int v = 0; v < en->nvariants; v++)
      if (en->variants[v].name == vname) {
        *out = en;
        return v;
      }
  }
  const char *vname, *qual = cur_user ? glob_variant(cur_user, name, cur_body, &vname) : NULL;
  StructDecl *en = qual ? lookup_struct(qual) : NULL;
  if (en && en->is_enum && find_variant(en, vname) >= 0) {
    *out = en;
    return find_variant(en, vname);
  }
  return -1;
}

int find_variant(StructDecl *en, const char *name) {
  for (int v = 0; en->is_enum && v < en->nvariants; v++)
    if (en->variants[v].name == name) return v;
  return -1;
}

// Expands a leading `use` alias: with `use std::mem;`, `mem::size_of` becomes `std::mem::size_of`.
const char *expand_path(Path *p) {
  const char *first = p->segs[0].name;
  for (int i = 0; i < uses.len; i++) {
    UseEntry *u = VEC_AT(uses, i);
    if (u->alias == first && use_in_scope(u)) {
      const char *s = path_string(&u->path, u->path.nsegs);
      for (int j = 1; j < p->nsegs; j++) s = arena_printf("%s::%s", s, p->segs[j].name);
      return s;
    }
  }
  return path_string(p, p->nsegs);
}

static bool renamed_std_import(const char *name, const char **module, const char **target) {
  for (int i = uses.len - 1; i >= 0; i--) {
    UseEntry *u = VEC_AT(uses, i);
    if (u->alias != name || !u->program || !use_in_scope(u) || u->path.nsegs < 3) continue;
    *module = path_std_module(&u->path, target);
    if (*module && *target != name) return true;
  }
  return false;
}

// Whether a `use` brings std item `module::name` into scope: by its name, or, with any_alias,
// under whatever name the `use` gives it (`use std::fmt::Display as _;` brings Display's
// methods into scope, though not the name).
static bool imported_as(const char *module, const char *name, bool any_alias) {
  for (int i = 0; i < uses.len; i++) {
    UseEntry *u = VEC_AT(uses, i);
    Path *p = &u->path;
    bool glob = u->alias == intern_cstr("*");
    if (!use_in_scope(u)) continue;
    if ((!glob && !any_alias && u->alias != name) || p->nsegs < 3 || !std_path_head(p->segs[0].name)) continue;
    const char *last;
    const char *m = path_std_module(p, &last);
    if (m == module && (glob || last == name || u->alias == name)) return true;
    if (glob && m && reexported_from(m, name) == module) return true;  // `use std::collections::*;`
  }
  return false;
}

static bool imported(const char *module, const char *name) { return imported_as(module, name, false); }

// The std traits whose methods a concrete type's value is called with only once the trait is
// imported (`use std::ops::Add;`, `use std::fmt::Display as _;`, a glob): those not in Rust's
// prelude, by their std module. (The prelude declares the operator traits at its root.) Among
// them std::borrow's Borrow, whose blanket `impl<T> Borrow<T> for T` would otherwise answer
// `cell.borrow()` on an Rc<RefCell<T>>.
static const char *const imported_only[][2] = {
    {"ops", "Add"}, {"ops", "Sub"}, {"ops", "Mul"}, {"ops", "Div"}, {"ops", "Rem"}, {"ops", "Neg"}, {"ops", "Not"},
    {"ops", "BitAnd"}, {"ops", "BitOr"}, {"ops", "BitXor"}, {"ops", "Shl"}, {"ops", "Shr"},
    {"ops", "AddAssign"}, {"ops", "SubAssign"}, {"ops", "MulAssign"}, {"ops", "DivAssign"}, {"ops", "RemAssign"},
    {"ops", "BitAndAssign"}, {"ops", "BitOrAssign"}, {"ops", "BitXorAssign"}, {"ops", "ShlAssign"}, {"ops", "ShrAssign"},
    {"ops", "Deref"}, {"ops", "DerefMut"}, {"ops", "Index"}, {"ops", "IndexMut"},
    {"fmt", "Display"}, {"fmt", "Debug"}, {"fmt", "Write"}, {"fmt", "Binary"}, {"fmt", "Octal"}, {"fmt", "LowerHex"},
    {"fmt", "UpperHex"}, {"fmt", "LowerExp"}, {"fmt", "UpperExp"}, {"fmt", "Pointer"},
    {"hash", "Hash"}, {"hash", "Hasher"}, {"hash", "BuildHasher"}, {"any", "Any"}, {"error", "Error"},
    {"io", "Write"}, {"io", "Read"}, {"io", "BufRead"}, {"borrow", "Borrow"},
};

// The trait whose impl (or definition) holds the body being checked: rustc's resolver puts it
// in scope there (`self.0.fmt(f)` in `impl fmt::Display for W` needs no `use`).
static TraitDecl *body_trait;

void resolve_body_trait(TraitDecl *t) { body_trait = t; }

// Whether a method of trait t may be found on a value in user code at `use`.
bool trait_methods_in_scope(TraitDecl *t, Span use) {
  if (use.file == 0 || t == body_trait) return true;
  if (t->span.file != 0) return trait_imported(module_of(use), module_of(t->span), t->name, use);
  const char *m = std_module_of(t->span);
  for (size_t i = 0; i < sizeof imported_only / sizeof imported_only[0]; i++)
    if (!strcmp(t->name, imported_only[i][1]) && (!m || !strcmp(m, imported_only[i][0])))
      return imported_as(intern_cstr(imported_only[i][0]), t->name, true);
  return true;
}

const char *path_std_module(Path *p, const char **name) {
  if (p->nsegs < 2) return NULL;
  Path full = *p;
  const char *first = p->segs[0].name;
  for (int i = 0; i < uses.len; i++) {  // `fmt::Display` after `use std::fmt;`
    UseEntry *u = VEC_AT(uses, i);
    if (u->alias != first || !use_in_scope(u) || u->path.nsegs < 2 || !std_path_head(u->path.segs[0].name)) continue;
    full.nsegs = u->path.nsegs + p->nsegs - 1;
    full.segs = arena_alloc(sizeof(PathSeg) * full.nsegs);
    for (int j = 0; j < u->path.nsegs; j++) full.segs[j] = u->path.segs[j];
    for (int j = 1; j < p->nsegs; j++) full.segs[u->path.nsegs + j - 1] = p->segs[j];
    break;
  }
  if (full.nsegs < 3 || !std_path_head(full.segs[0].name)) return NULL;
  const char *m = full.segs[1].name;
  for (int i = 2; i < full.nsegs - 1; i++) m = arena_printf("%s::%s", m, full.segs[i].name);
  m = intern_cstr(m);
  *name = full.segs[full.nsegs - 1].name;
  const char *from = reexported_from(m, *name);
  return from ? from : m;
}

// ---------------------------------------------------------------------------------------------
// Generic environments

GenericEnv *env_new(GenericEnv *parent) {
  GenericEnv *e = arena_alloc(sizeof *e);
  int cap = (parent ? parent->n : 0) + 16;
  e->names = arena_alloc(sizeof(char *) * cap);
  e->params = arena_alloc(sizeof(Type *) * cap);
  e->bounds = arena_alloc(sizeof(TraitRef **) * cap);
  e->nbounds = arena_alloc(sizeof(int) * cap);
  e->sized = arena_alloc(sizeof(bool) * cap);
  e->outlives_static = arena_alloc(sizeof(bool) * cap);
  e->const_tys = arena_alloc(sizeof(Type *) * cap);
  if (parent) {
    e->n = parent->n;
    e->has_self = parent->has_self;
    e->self_trait = parent->self_trait;
    copy_bytes(e->names, parent->names, sizeof(char *) * parent->n);
    copy_bytes(e->params, parent->params, sizeof(Type *) * parent->n);
    copy_bytes(e->bounds, parent->bounds, sizeof(TraitRef **) * parent->n);
    copy_bytes(e->nbounds, parent->nbounds, sizeof(int) * parent->n);
    copy_bytes(e->sized, parent->sized, sizeof(bool) * parent->n);
    copy_bytes(e->outlives_static, parent->outlives_static, sizeof(bool) * parent->n);
    copy_bytes(e->const_tys, parent->const_tys, sizeof(Type *) * parent->n);
    e->pred_tys = parent->pred_tys, e->pred_refs = parent->pred_refs, e->npreds = parent->npreds;
  }
  return e;
}

void env_add_pred(GenericEnv *e, Type *t, TraitRef *tr) {
  Type **tys = arena_alloc(sizeof(Type *) * (e->npreds + 1));
  TraitRef **refs = arena_alloc(sizeof(TraitRef *) * (e->npreds + 1));
  copy_bytes(tys, e->pred_tys, sizeof(Type *) * e->npreds);
  copy_bytes(refs, e->pred_refs, sizeof(TraitRef *) * e->npreds);
  tys[e->npreds] = t, refs[e->npreds] = tr;
  e->pred_tys = tys, e->pred_refs = refs, e->npreds++;
}

TraitRef **env_pred_bounds(GenericEnv *env, Type *t, int *n) {
  *n = 0;
  if (!env || !env->npreds) return NULL;
  t = ty_resolve(t);
  TraitRef **out = arena_alloc(sizeof(TraitRef *) * env->npreds);
  // (By the type, also when t still spells a variable bound since: `<?v as FromStr>::Err` with
  // ?v = T is the clause's `<T as FromStr>::Err`, and `Some(x)`'s `Option<?v>` with ?v = T is
  // `Option<T>`: zonked, whatever ty_has_vars says of the bound variables.)
  Type *z = ty_zonk(t);
  for (int i = 0; i < env->npreds; i++) {
    Type *p = ty_resolve(env->pred_tys[i]);
    if (p == t || p == z) out[(*n)++] = env->pred_refs[i];
  }
  return out;
}

static int env_cap_check(GenericEnv *e) {
  // envs are allocated with 16 spare slots; more type parameters than that on one item is
  // not something the language subset needs, so it is a clear error rather than a realloc.
  return e->n;
}

int env_add(GenericEnv *e, const char *name) {
  int i = env_cap_check(e);
  e->names[i] = name;
  e->params[i] = ty_param(name, i);
  e->sized[i] = true;
  e->outlives_static[i] = false;
  e->n++;
  return i;
}

void env_add_bound(GenericEnv *e, int i, TraitRef *tr) {
  TraitRef **nb = arena_alloc(sizeof(TraitRef *) * (e->nbounds[i] + 1));
  copy_bytes(nb, e->bounds[i], sizeof(TraitRef *) * e->nbounds[i]);
  nb[e->nbounds[i]++] = tr;
  e->bounds[i] = nb;
}

int env_find(GenericEnv *e, const char *name) {
  if (!e) return -1;
  for (int i = e->n - 1; i >= 0; i--)
    if (e->names[i] == name) return i;
  return -1;
}

// A type for an expression or annotation that had an error: an unconstrained variable, so one
// mistake does not cascade into mismatches.
static Type *err_type(void) { return ty_new_var(0); }

// The const parameter that an expression names, alone or as a block's value (`N`, `{ N }`).
static int const_param_named(Expr *e, GenericEnv *env) {
  if (e->kind == EX_BLOCK && e->block && !e->block->nstmts && e->block->tail) return const_param_named(e->block->tail, env);
  if (e->kind != EX_PATH || e->path.nsegs != 1 || e->path.qself) return -1;
  int i = env_find(env, e->path.segs[0].name);
  return i >= 0 && env->const_tys && env->const_tys[i] ? i : -1;
}

// A const generic argument or an array length, as a type: a const parameter's TY_PARAM, or
// the TY_CONST of a value the checker can evaluate (`3`, `SIZE`, `{ W * H }`); NULL otherwise.
Type *const_arg(Expr *e, GenericEnv *env) {
  int i = const_param_named(e, env);
  if (i >= 0) return env->params[i];
  int64_t v;
  return const_expr_value(e, &v) ? ty_const_val((uint64_t)v) : NULL;
}

// A type that is not well formed (`(X, isize)`, `[X]`, `Option<X>` with `X: ?Sized`) is reported
// at itself in a signature or field, but at the whole annotation in a `let` (`let _: (isize,
// (X, isize))`), as rustc does: report_whole is that annotation while it is resolved.
static TypeExpr *report_whole;
static Span wf_span(Span own) { return report_whole ? report_whole->span : own; }

Type *resolve_let_type(TypeExpr *te, GenericEnv *env, Type *self_ty) {
  TypeExpr *saved = report_whole;
  report_whole = te;
  Type *t = resolve_type_ex(te, env, self_ty, true);
  report_whole = saved;
  return t;
}

// Whether env's parameter t says `?Sized` (a TY_PARAM is interned by name and index, so it
// must be env's own) and no other bound of it makes it Sized again (`T: ?Sized + Clone`).
static bool maybe_unsized_param(GenericEnv *env, Type *t) {
  if (t->kind != TY_PARAM || !env || t->index >= env->n || env->params[t->index] != t || env->sized[t->index]) return false;
  for (int b = 0; b < env->nbounds[t->index]; b++)
    if (trait_implies_sized(env->bounds[t->index][b]->trait)) return false;
  return true;
}

// The part of t whose size is not known in env (str, [T], dyn, a `?Sized` parameter of env),
// looked for through a struct's unsized tail and a tuple's elements; NULL if t is Sized. In
// env a `?Sized` parameter is not known to be Sized, whatever it turns out to be at a call:
// `fn f<X: ?Sized>` cannot hold an X by value.
Type *unsized_part(GenericEnv *env, Type *t) {
  t = ty_resolve(t);
  for (int guard = 0; guard < 64 && t->kind == TY_STRUCT && t->sdecl->unsized_tail; guard++) t = ty_resolve(ty_tail_field(t));
  if (t->kind == TY_TUPLE) {
    for (int i = 0; i < t->nargs; i++) {
      Type *u = unsized_part(env, t->args[i]);
      if (u) return u;
    }
    return NULL;
  }
  return !ty_is_sized(t) || maybe_unsized_param(env, t) ? t : NULL;
}

bool env_is_sized(GenericEnv *env, Type *t) { return !unsized_part(env, t); }

// A `dyn Tr` value, or a `?Sized` parameter's, cannot live in a local, parameter, field or
// return slot: it has no size.
void require_sized(GenericEnv *env, Type *t, Span sp, const char *what) {
  t = ty_resolve(t);
  Type *tail = t->kind == TY_VAR ? NULL : unsized_part(env, t);
  if (!tail) return;
  Diag *d = diag_error(sp, "E0277", "the size for values of type `%s` cannot be known at compilation time", ty_name(tail));
  diag_label(d, "doesn't have a size known at compile-time");
  if (maybe_unsized_param(env, tail)) {
    diag_note(d, "%s must have a statically known size", what);
    diag_help(d, "consider removing the `?Sized` bound to make the type parameter `Sized`");
  } else {
    diag_help(d, "the trait `Sized` is not implemented for `%s`", ty_name(tail));
  }
  if (t->kind == TY_DYN)
    diag_help(d, "%s must have a statically known size; use `&%s` or `Box<%s>` instead", what, ty_name(t), ty_name(t));
  diag_emit(d);
}

// Only a tuple's last element may be unsized: `(X, isize)` with `X: ?Sized` is E0277.
static bool tuple_elems_sized(Type **el, int n, GenericEnv *env, Span whole) {
  for (int i = 0; i + 1 < n; i++) {
    Type *tail = unsized_part(env, el[i]);
    if (!tail) continue;
    Diag *d = diag_error(whole, "E0277", "the size for values of type `%s` cannot be known at compilation time", ty_name(tail));
    diag_label(d, "doesn't have a size known at compile-time");
    if (!maybe_unsized_param(env, tail)) diag_help(d, "the trait `Sized` is not implemented for `%s`", ty_name(tail));
    diag_note(d, "only the last element of a tuple may have a dynamically sized type");
    diag_emit(d);
    return false;
  }
  return true;
}

// `[dyn Tr]`, `[str]`, `[M]` with `M: ?Sized`: elements must be Sized (E0277 at the type).
static bool element_sized(TypeExpr *te, Type *el, GenericEnv *env) {
  Type *t = ty_resolve(el);
  bool param = maybe_unsized_param(env, t);
  if (env_is_sized(env, t)) return true;
  Diag *d = diag_error(wf_span(te->span), "E0277", "the size for values of type `%s` cannot be known at compilation time", ty_name(t));
  diag_label(d, "doesn't have a size known at compile-time");
  if (!param) diag_help(d, "the trait `Sized` is not implemented for `%s`", ty_name(t));
  diag_note(d, "slice and array elements must have `Sized` type");
  diag_emit(d);
  return false;
}

static Type *resolve_assoc_path(TypeExpr *te, GenericEnv *env, Type *self_ty) {
  Path *p = &te->path;
  const char *base = p->segs[0].name, *name = p->segs[1].name;
  Type *self = NULL;
  TraitDecl *trait = NULL;
  Type **args = NULL;  // the trait's arguments, where known: `Self::Output` in `impl Mul<V2> for f64`
  int nargs = 0;
  if (!strcmp(base, "Self") && self_ty) {
    self = self_ty;
    Type *rs = ty_resolve(self_ty);
    if (rs->kind == TY_PARAM && env && env->has_self && rs->index == 0) {
      trait = trait_with_assoc(env->self_trait, name);
      if (trait == env->self_trait) args = env->params + 1, nargs = trait->generics.nparams;
    }
  } else {
    int pi = env_find(env, base);
    if (pi >= 0) self = env->params[pi];
  }
  if (!self) return NULL;
  Type *rs = ty_resolve(self);
  if (!trait && rs->kind == TY_PARAM) {
    for (int b = 0; env && rs->index < env->n && b < env->nbounds[rs->index] && !trait; b++) {
      TraitRef *bound = env->bounds[rs->index][b];
      trait = trait_with_assoc(bound->trait, name);
      if (trait == bound->trait) args = bound->args, nargs = bound->nargs;
    }
  }
  if (!trait) {
    // Self in an impl: the impl it is written in, else any impl of the type that declares it.
    for (int i = 0; i < K->impls.len; i++) {
      ImplDecl *im = VEC_AT(K->impls, i);
      if (!im->trait || im->self_ty != self || !impl_assoc(im, name)) continue;
      bool inside = im->full_span.file == te->span.file && im->full_span.lo <= te->span.lo && te->span.hi <= im->full_span.hi;
      if (trait && !inside) continue;
      trait = im->trait, args = im->trait_args, nargs = im->ntrait_args;
      if (inside) break;
    }
  }
  if (!trait) {
    Diag *d = diag_error(te->span, "E0220", "associated type `%s` not found for `%s`", name, base);
    diag_label(d, "associated type `%s` not found", name);
    diag_emit(d);
    return err_type();
  }
  return ty_normalize(ty_assoc_args(self, trait, name, args, nargs), env);
}

// ---------------------------------------------------------------------------------------------
// Resolving types as written

static Type *prim_type(const char *n) {
  static const struct {
    const char *name;
    Type **ty;
  } prims[] = {
    {"i8", &ty_i8}, {"i16", &ty_i16}, {"i32", &ty_i32}, {"i64", &ty_i64}, {"i128", &ty_i128}, {"isize", &ty_isize},
    {"u8", &ty_u8}, {"u16", &ty_u16}, {"u32", &ty_u32}, {"u64", &ty_u64}, {"u128", &ty_u128}, {"usize", &ty_usize},
    {"f32", &ty_f32}, {"f64", &ty_f64}, {"bool", &ty_bool}, {"char", &ty_char}, {"str", &ty_str},
    {"String", &ty_string},
  };
  for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++)
    if (!strcmp(prims[i].name, n)) return *prims[i].ty;
  return NULL;
}

Type *prim_by_suffix(const char *suffix) { return suffix ? prim_type(suffix) : NULL; }

static Type **resolve_args(PathSeg *seg, GenericEnv *env, Type *self_ty, bool allow_infer) {
  Type **args = arena_alloc(sizeof(Type *) * (seg->nargs + 1));
  for (int i = 0; i < seg->nargs; i++) args[i] = resolve_type_ex(seg->args[i], env, self_ty, allow_infer);
  return args;
}

// In an expression path (`Vec::new()`) a generic type may omit its arguments; in a type it may not.
static bool in_expr_path;

// Vec<T> and Box<T>: exactly one argument here (std's second, the allocator, is unstable).
static Type *one_arg(PathSeg *seg, GenericEnv *env, Type *self_ty, bool allow_infer, const char *what) {
  // (Vec, Box and the other builtin generic types take one type.)
  if (seg->nargs == 0 && in_expr_path) return ty_new_var(0);
  if (seg->nargs == 0) {
    Diag *d = diag_error(seg->span, "E0107", "missing generics for struct `%s`", what);
    diag_label(d, "expected at least 1 generic argument");
    diag_help(d, "add missing generic argument: `%s<T>`", what);
    diag_emit(d);
    return err_type();
  }
  if (seg->nargs == 2) {
    Diag *d = diag_error(seg->args[1]->span, "E0658", "use of unstable library feature `allocator_api`");
    diag_note(d, "see issue #32838 <https://github.com/rust-lang/rust/issues/32838> for more information");
    diag_emit(d);
    return err_type();
  }
  if (seg->nargs > 2) {
    Diag *d = diag_error(seg->span, "E0107", "struct takes at most 2 generic arguments but %d generic arguments were supplied", seg->nargs);
    diag_label(d, "expected at most 2 generic arguments");
    diag_emit(d);
    return err_type();
  }
  return resolve_generic_arg(seg->args[0], false, env, self_ty, allow_infer);
}

// `i32<u8>` (E0109) and `String<i32>` (E0107): these types take no arguments.
static bool reject_args(PathSeg *seg, Type *prim) {
  if (seg->nargs == 0) return false;
  if (prim->kind == TY_STRING) {
    Diag *d = diag_error(seg->span, "E0107", "struct takes 0 generic arguments but %d generic argument%s supplied", seg->nargs,
                         seg->nargs == 1 ? " was" : "s were");
    diag_label(d, "expected 0 generic arguments");
    diag_emit(d);
  } else {
    Diag *d = diag_error(seg->args[0]->span, "E0109", "type arguments are not allowed on builtin type `%s`", seg->name);
    diag_label(d, "type argument not allowed");
    diag_emit(d);
  }
  return true;
}

// Resolves the trait named by a bound (`Tr`, `Tr<X>`, `Tr<Item = Y>`) to a TraitRef.
static bool in_prelude(Span sp) { return sp.file == 0; }

// The trait's default for a type argument not written (`Add` is `Add<Self>`), with Self the
// bounded type; NULL when there is none or it names a Self that is not known (`dyn Add`).
static Type *default_trait_arg(TraitDecl *t, int i, Type **args, Type *bounded) {
  TypeExpr *d = t->generics.params[i].default_ty;
  if (!d) return NULL;
  bool is_self = d->kind == TE_PATH && d->path.nsegs == 1 && !strcmp(d->path.segs[0].name, "Self");
  if (is_self || !t->env) return is_self ? bounded : NULL;
  Type **full = arena_alloc(sizeof(Type *) * (i + 2));
  full[0] = bounded ? bounded : err_type();
  for (int a = 0; a < i; a++) full[a + 1] = args[a];
  return ty_subst(resolve_type(d, t->env, t->env->params[0]), full, i + 1);
}

TraitRef *resolve_trait_ref(Path *p, GenericEnv *env, Type *self_ty, Type *bounded) {
  PathSeg *seg = &p->segs[p->nsegs - 1];
  const char *name = seg->name;
  const char *in_name;
  const char *module = path_std_module(p, &in_name);
  TraitDecl *t = module ? lookup_trait_in(module, in_name) : NULL;
  if (!t) t = lookup_trait(name);
  if (!t) {
    const char *full = expand_path(p);
    bool from_std = !strncmp(full, "std::", 5) || !strncmp(full, "core::", 6);
    if (p->nsegs > 1 && from_std) t = lookup_trait(name);
    // `use std::fmt::Display as Disp;` then `T: Disp`: the std trait the alias names, in its
    // std module (`fmt`) or at the prelude's root (`std::ops::Add`).
    const char *last = strrchr(full, ':'), *first = strchr(full, ':');
    if (!t && from_std && last && first + 2 < last - 1) {
      const char *module = intern_cstr(arena_printf("%.*s", (int)(last - 1 - (first + 2)), first + 2));
      t = lookup_trait_in(module, intern_cstr(last + 1));
      if (!t) t = lookup_trait(intern_cstr(last + 1));
    }
    if (!t) {
      Diag *d = diag_error(seg->span, "E0405", "cannot find trait `%s` in this scope", name);
      diag_label(d, "not found in this scope");
      diag_emit(d);
      return NULL;
    }
  }
  int ngen = t->generics.nparams;
  if (seg->nargs > ngen && !seg->paren_sugar) {
    error_at(seg->span, "E0107", "trait takes %d generic argument%s but %d generic arguments were supplied",
             ngen, ngen == 1 ? "" : "s", seg->nargs);
    return NULL;
  }
  if (seg->paren_sugar) {
    // `Fn(A, B) -> R` is `Fn<(A, B), Output = R>`.
    if (!is_fn_trait(t)) {
      error_at(seg->span, "E0214", "parenthesized type parameters may only be used with a `Fn` trait");
      return NULL;
    }
    Type **ins = arena_alloc(sizeof(Type *) * (seg->nargs + 1));
    for (int i = 0; i < seg->nargs; i++) ins[i] = resolve_type(seg->args[i], env, self_ty);
    Type **args = arena_alloc(sizeof(Type *));
    args[0] = seg->nargs ? ty_tuple(ins, seg->nargs) : ty_unit;
    TraitRef *r = traitref_new(t, args, 1);
    r->nassoc = 1;
    r->assoc_names = arena_alloc(sizeof(char *));
    r->assoc_names[0] = intern_cstr("Output");
    r->assoc_types = arena_alloc(sizeof(Type *));
    r->assoc_types[0] = seg->paren_ret ? resolve_type(seg->paren_ret, env, self_ty) : ty_unit;
    return r;
  }
  if (is_fn_trait(t) && !(in_prelude(seg->span))) {
    error_at(seg->span, "E0658", "the precise format of `Fn`-family traits' type parameters is subject to change");
    return NULL;
  }
  Type **args = resolve_args(seg, env, self_ty, false);
  int nargs = seg->nargs;
  if (nargs < ngen && t->generics.params[nargs].default_ty) {
    Type **all = arena_alloc(sizeof(Type *) * (ngen + 1));
    for (int i = 0; i < nargs; i++) all[i] = args[i];
    for (; nargs < ngen; nargs++) {
      all[nargs] = default_trait_arg(t, nargs, all, bounded);
      if (all[nargs]) continue;
      error_at(seg->span, "E0393", "the type parameter `%s` must be explicitly specified", t->generics.params[nargs].name);
      return NULL;
    }
    args = all;
  }
  if (nargs < ngen && !in_prelude(seg->span)) {
    Diag *d = diag_error(seg->span, "E0107", "missing generics for trait `%s`", t->name);
    diag_label(d, "expected %d generic argument%s", ngen, ngen == 1 ? "" : "s");
    diag_emit(d);
    return NULL;
  }
  TraitRef *r = traitref_new(t, args, nargs);
  if (seg->nbinds) {
    r->nassoc = seg->nbinds;
    r->assoc_names = seg->bind_names;
    r->assoc_types = arena_alloc(sizeof(Type *) * seg->nbinds);
    for (int i = 0; i < seg->nbinds; i++) r->assoc_types[i] = resolve_type(seg->bind_types[i], env, self_ty);
  }
  return r;
}

// E0191: `dyn Iterator` says nothing about `Item`, so no vtable signature could be written.
static void require_assoc_bindings(TraitRef *r, TraitDecl *t, Span at) {
  for (int i = 0; i < t->nassoc_types; i++) {
    if (binding_of(r, t->assoc_types[i].name)) continue;
    Diag *d = diag_error(at, "E0191", "the value of the associated type `%s` in `%s` must be specified", t->assoc_types[i].name, t->name);
    diag_label(d, "help: specify the associated type: `%s<%s = Type>`", t->name, t->assoc_types[i].name);
    diag_secondary(d, t->assoc_types[i].span, "`%s` defined here", t->assoc_types[i].name);
    diag_emit(d);
  }
  for (int i = 0; i < t->nsuper_traits; i++) require_assoc_bindings(r, t->super_traits[i], at);
}

// `dyn X<Y = str>` where X says `type Y: Clone`: the binding must meet the associated type's
// bounds, implicit Sized included (E0277 at the dyn type). Bindings that mention parameters
// are left to the uses; bounds not yet resolved (a header read before the trait's) too.
static bool binding_bounds_hold(TraitRef *principal, Span sp) {
  for (int a = 0; a < principal->nassoc; a++) {
    Type *t = ty_resolve(principal->assoc_types[a]);
    TraitDecl *owner = trait_with_assoc(principal->trait, principal->assoc_names[a]);
    AssocTypeDecl *decl = NULL;
    for (int j = 0; owner && j < owner->nassoc_types; j++)
      if (owner->assoc_types[j].name == principal->assoc_names[a]) decl = &owner->assoc_types[j];
    if (!decl || ty_has_vars(t) || ty_has_params(t)) continue;
    bool maybe = false;
    for (int b = 0; b < decl->nbounds; b++) maybe |= decl->bounds[b].maybe;
    TraitDecl *unmet = NULL;
    for (int b = 0; decl->rbounds && b < decl->rbounds->n && !unmet; b++) {
      TraitDecl *bt = decl->rbounds->refs[b]->trait;
      if (!bt->is_marker && !bt->is_auto && !type_implements(K, t, bt)) unmet = bt;
    }
    if (!unmet && (maybe || ty_is_sized(t))) continue;
    Diag *d = unmet ? diag_error(sp, "E0277", "the trait bound `%s: %s` is not satisfied", ty_name(t), unmet->name)
                    : diag_error(sp, "E0277", "the size for values of type `%s` cannot be known at compilation time", ty_name(t));
    if (unmet) diag_label(d, "the trait `%s` is not implemented for `%s`", unmet->name, ty_name(t));
    else diag_label(d, "doesn't have a size known at compile-time");
    diag_note_at(d, decl->span, "required by a bound in `%s::%s`", owner->name, decl->name);
    diag_emit(d);
    return false;
  }
  return true;
}

// `dyn Foo` where `trait Foo: Iterator<Item = i32>`: the supertrait clause fixes Item, so the
// object type carries that binding as if written (`dyn Foo<Item = i32>`). Bindings that name
// Self are not known per object and stay out.
static TraitRef *with_super_bindings(TraitRef *r, TraitDecl *t, Type **targs, int depth) {
  if (!t->env || depth > 8) return r;
  for (int b = 0; b < t->env->nbounds[0]; b++) {
    TraitRef *sup = t->env->bounds[0][b];
    if (sup->trait == t) continue;
    for (int a = 0; a < sup->nassoc; a++) {
      if (binding_of(r, sup->assoc_names[a]) || ty_occurs(t->env->params[0], sup->assoc_types[a])) continue;
      TraitRef *c = arena_alloc(sizeof *c);
      *c = *r;
      c->assoc_names = arena_alloc(sizeof(char *) * (r->nassoc + 1));
      c->assoc_types = arena_alloc(sizeof(Type *) * (r->nassoc + 1));
      copy_bytes(c->assoc_names, r->assoc_names, sizeof(char *) * r->nassoc);
      copy_bytes(c->assoc_types, r->assoc_types, sizeof(Type *) * r->nassoc);
      c->assoc_names[c->nassoc] = sup->assoc_names[a];
      c->assoc_types[c->nassoc++] = ty_subst(sup->assoc_types[a], targs, t->env->n);
      r = c;
    }
    Type **st = arena_alloc(sizeof(Type *) * (sup->trait->env ? sup->trait->env->n + 1 : 1));
    st[0] = targs[0];
    for (int a = 0; sup->trait->env && a < sup->nargs && a + 1 < sup->trait->env->n; a++) st[a + 1] = ty_subst(sup->args[a], targs, t->env->n);
    r = with_super_bindings(r, sup->trait, st, depth + 1);
  }
  return r;
}

static Type *resolve_dyn(TypeExpr *te, GenericEnv *env, Type *self_ty) {
  TraitRef *principal = NULL;
  Span principal_span = te->span;
  TraitDecl **autos = arena_alloc(sizeof(TraitDecl *) * (te->nbounds + 1));
  int nautos = 0;
  for (int i = 0; i < te->nbounds; i++) {
    Bound *b = &te->bounds[i];
    if (b->maybe) {
      error_at(b->span, NULL, "`?Trait` is not permitted in trait object types");
      continue;
    }
    TraitRef *r = resolve_trait_ref(&b->path, env, self_ty, NULL);
    if (!r) return err_type();
    if (r->trait->is_auto) {
      autos[nautos++] = r->trait;
    } else if (principal) {
      Diag *d = diag_error(b->span, "E0225", "only auto traits can be used as additional traits in a trait object");
      diag_secondary(d, principal_span, "first non-auto trait");
      diag_label(d, "additional non-auto trait");
      diag_help(d, "consider creating a new trait with all of these as supertraits and using that trait here instead: `trait NewTrait: %s + %s {}`",
                traitref_name(principal), traitref_name(r));
      diag_note(d, "auto-traits like `Send` and `Sync` are traits that have special properties; for more information on them, visit <https://doc.rust-lang.org/reference/special-types-and-traits.html#auto-traits>");
      diag_emit(d);
      return err_type();
    } else {
      principal = r;
      principal_span = b->span;
    }
  }
  if (!principal && nautos == 0) {
    error_at(te->span, "E0224", "at least one trait is required for an object type");
    return err_type();
  }
  if (principal && principal->trait->env) {
    Type **targs = arena_alloc(sizeof(Type *) * (principal->trait->env->n + 1));
    targs[0] = principal->trait->env->params[0];
    for (int a = 0; a < principal->nargs && a + 1 < principal->trait->env->n; a++) targs[a + 1] = principal->args[a];
    principal = with_super_bindings(principal, principal->trait, targs, 0);
  }
  if (principal) {
    // rustc points at `dyn Tr` in a signature, at the trait's name in a body (`let x: &dyn Tr`).
    check_dyn_compatible(principal->trait, cur_body.hi && span_within(te->span, cur_body) ? principal_span : te->span);
    require_assoc_bindings(principal, principal->trait, principal_span);
    if (!binding_bounds_hold(principal, te->span)) return err_type();
  }
  return ty_dyn(principal, autos, nautos);
}

Type *resolve_type(TypeExpr *te, GenericEnv *env, Type *self_ty) {
  return resolve_type_ex(te, env, self_ty, false);
}

Type *resolve_expr_path_type(TypeExpr *te, GenericEnv *env, Type *self_ty) {
  in_expr_path = true;
  Type *t = resolve_type_ex(te, env, self_ty, true);
  in_expr_path = false;
  return t;
}

// One generic argument for a parameter that is a const one (want_const) or a type: `3`, `{ N }`,
// a const parameter or a `const` item for the first, a type for the second; the other kind is
// rustc's E0747.
Type *resolve_generic_arg(TypeExpr *te, bool want_const, GenericEnv *env, Type *self_ty, bool allow_infer) {
  if (want_const && te->kind == TE_PATH && te->path.nsegs == 1 && !te->path.qself && !te->path.segs[0].nargs) {
    const char *name = te->path.segs[0].name;
    int pi = env_find(env, name);
    if (pi >= 0 && env->const_tys[pi]) return env->params[pi];
    ConstDecl *c = pi < 0 ? lookup_const(name) : NULL;
    int64_t v;
    if (c && const_value(c, 0, &v)) return ty_const_val((uint64_t)v);
  }
  if (want_const && te->kind == TE_INFER && allow_infer) return ty_new_var(0);
  if (want_const != (te->kind == TE_CONST)) {
    Diag *d = diag_error(te->span, "E0747", want_const ? "type provided when a constant was expected" : "constant provided when a type was expected");
    if (want_const) diag_help(d, "if this generic argument was intended as a const parameter, surround it with braces");
    diag_emit(d);
    return err_type();
  }
  return resolve_type_ex(te, env, self_ty, allow_infer);
}

// `Foo<u32>` written where `struct Foo<T: Trait>`: the arguments must meet the struct's bounds
// (E0277 at the type, as rustc's well-formedness check). Checked once every impl header is
// resolved (check_pending_struct_bounds), before that the types are kept for it. Arguments
// that mention type parameters are not checked here.
typedef struct {
  Type *t;
  Span sp;
} PendingWf;
typedef VEC(PendingWf) PendingWfVec;
static PendingWfVec pending_wf;
static bool impls_known;

static void check_struct_bounds(Type *t, Span sp) {
  StructDecl *s = t->sdecl;
  for (int i = 0; i < t->nargs && i < s->env->n; i++) {
    Type *a = ty_resolve(t->args[i]);
    if (ty_has_params(a) || ty_has_vars(a)) continue;
    for (int b = 0; b < s->env->nbounds[i]; b++) {
      TraitRef *r = s->env->bounds[i][b];
      if (r->nargs || r->trait == K->sized_trait || type_implements(K, a, r->trait)) continue;
      Diag *d = diag_error(sp, "E0277", "the trait bound `%s: %s` is not satisfied", ty_name(a), r->trait->name);
      diag_label(d, "the trait `%s` is not implemented for `%s`", r->trait->name, ty_name(a));
      diag_note_at(d, s->generics.params[i].span, "required by a bound in `%s`", s->name);
      diag_emit(d);
      return;
    }
  }
}

static void require_struct_bounds(Type *t, Span sp) {
  if (impls_known) check_struct_bounds(t, sp);
  else vec_push(&pending_wf, ((PendingWf){t, sp}));
}

void struct_bounds_reset(void) {
  impls_known = false;
  pending_wf = (PendingWfVec){0};  // its storage was in the arena of an earlier compilation
}

void check_pending_struct_bounds(void) {
  impls_known = true;
  for (int i = 0; i < pending_wf.len; i++) check_struct_bounds(pending_wf.data[i].t, pending_wf.data[i].sp);
  pending_wf.len = 0;
}

// Whether the parameters of s from `from` on all have defaults (`enum ControlFlow<B, C = ()>`),
// which a type written with fewer arguments takes.
bool defaults_from(StructDecl *s, int from) {
  if (from >= s->generics.nparams || !s->env) return false;
  for (int i = from; i < s->generics.nparams; i++)
    if (!s->generics.params[i].default_ty) return false;
  return true;
}

static Type *resolve_struct_type(StructDecl *s, PathSeg *seg, GenericEnv *env, Type *self_ty, bool allow_infer) {
  int want = s->generics.nparams;
  bool defaulted = seg->nargs < want && !(seg->nargs == 0 && in_expr_path) && defaults_from(s, seg->nargs);
  if (seg->nargs != want && !(seg->nargs == 0 && in_expr_path) && !defaulted) {
    error_at(seg->span, "E0107", "%s takes %d generic argument%s but %d generic argument%s supplied", s->is_enum ? "enum" : "struct",
             want, want == 1 ? "" : "s", seg->nargs, seg->nargs == 1 ? " was" : "s were");
    return err_type();
  }
  Type **args = arena_alloc(sizeof(Type *) * (want + 1));
  for (int i = 0; i < want; i++) {
    if (defaulted && i >= seg->nargs) {  // a default may name the parameters before it
      args[i] = ty_subst(resolve_type(s->generics.params[i].default_ty, s->env, NULL), args, i);
      continue;
    }
    args[i] = seg->nargs ? resolve_generic_arg(seg->args[i], s->generics.params[i].const_ty, env, self_ty, allow_infer) : ty_new_var(0);
    if (s->env && i < s->env->n && s->env->sized[i] && !env_is_sized(env, args[i])) {  // `W<dyn Tr>` with `struct W<T>`
      Type *t = unsized_part(env, args[i]);
      Diag *d = diag_error(wf_span(seg->span), "E0277", "the size for values of type `%s` cannot be known at compilation time", ty_name(t));
      diag_label(d, "doesn't have a size known at compile-time");
      diag_help(d, "the trait `Sized` is not implemented for `%s`", ty_name(t));
      diag_note_at(d, s->generics.params[i].span, "required by an implicit `Sized` bound in `%s`", s->name);
      diag_emit(d);
      return err_type();
    }
  }
  Type *t = ty_struct(s, args, want);
  if (s->span.file && s->env) require_struct_bounds(t, seg->span);
  return t;
}

static AliasDecl *expanding;  // the alias whose type is being resolved, if any

Type *alias_type(AliasDecl *a) {
  if (a->resolved) return a->resolved;
  if (a->resolving) {  // reported where its expansion first names another alias, as rustc does
    Diag *d = diag_error(a->next_use.hi ? a->next_use : a->span, "E0391", "cycle detected when expanding type alias `%s`", a->name);
    diag_note(d, "type aliases cannot be recursive");
    diag_emit(d);
    return a->resolved = err_type();
  }
  a->resolving = true;
  bool saved_prelude = in_prelude_scope;
  const char *saved_module = cur_module, *saved_user = cur_user;  // (the use's scope, for its arguments)
  Span saved_body = cur_body;
  bool saved_infer = in_expr_path;
  resolve_scope_of(a->span);
  in_expr_path = false;
  GenericEnv *own = env_new(NULL);
  for (int i = 0; i < a->generics.nparams; i++) {
    int at = env_add(own, a->generics.params[i].name);
    if (a->generics.params[i].const_ty) own->const_tys[at] = resolve_type(a->generics.params[i].const_ty, own, NULL);
  }
  AliasDecl *outer = expanding;
  expanding = a;
  Type *t = resolve_type(a->ty, own, NULL);
  a->defaults = arena_alloc(sizeof(Type *) * (a->generics.nparams + 1));
  for (int i = 0; i < a->generics.nparams; i++)
    if (a->generics.params[i].default_ty) a->defaults[i] = resolve_type(a->generics.params[i].default_ty, own, NULL);
  expanding = outer;
  in_prelude_scope = saved_prelude, cur_module = saved_module, in_expr_path = saved_infer;
  cur_user = saved_user, cur_body = saved_body;
  a->resolving = false;
  return a->resolved = t;
}

// `Alias<A, B>`: the aliased type, resolved once in the alias's own scope with its parameters
// as parameters 0.., then with the arguments put in their place.
static Type *resolve_alias(AliasDecl *a, PathSeg *seg, GenericEnv *env, Type *self_ty, bool allow_infer) {
  int want = a->generics.nparams, required = want;
  while (required > 0 && a->generics.params[required - 1].default_ty) required--;
  if ((seg->nargs > want || seg->nargs < required) && !(seg->nargs == 0 && in_expr_path)) {
    error_at(seg->span, "E0107", "type alias takes %d generic argument%s but %d generic argument%s supplied", want,
             want == 1 ? "" : "s", seg->nargs, seg->nargs == 1 ? " was" : "s were");
    return err_type();
  }
  if (expanding && !expanding->next_use.hi) expanding->next_use = seg->span;
  if (!alias_type(a)) return err_type();
  Type **args = arena_alloc(sizeof(Type *) * (want + 1));
  for (int i = 0; i < want; i++)
    args[i] = i < seg->nargs ? resolve_generic_arg(seg->args[i], a->generics.params[i].const_ty, env, self_ty, allow_infer)
              : seg->nargs && a->defaults && a->defaults[i] ? ty_subst(a->defaults[i], args, i)  // a default may name the parameters before it
                                             : ty_new_var(0);
  return ty_subst(a->resolved, args, want);
}

// `<T as Trait>::Name`: the projection (normalized where it can be), T having to implement
// Trait (E0277); `<T>::Name` is `T::Name`.
static Type *resolve_qualified_type(TypeExpr *te, GenericEnv *env, Type *self_ty, bool allow_infer) {
  Path *p = &te->path;
  const char *name = p->segs[p->nsegs - 1].name;
  if (p->nsegs - p->qtrait != 1) {
    error_at(te->span, NULL, "qualified paths with more than one segment after the type are not supported");
    return err_type();
  }
  Type *self = resolve_type_ex(p->qself, env, self_ty, allow_infer);
  if (!p->qtrait) {
    TypeExpr *q = p->qself;
    if (q->kind == TE_PATH && !q->path.qself && q->path.nsegs == 1) {  // `<T>::Item` as `T::Item`
      TypeExpr rel = *te;
      rel.path.qself = NULL;
      rel.path.segs = arena_alloc(sizeof(PathSeg) * 2);
      rel.path.segs[0] = q->path.segs[0];
      rel.path.segs[1] = p->segs[p->nsegs - 1];
      rel.path.nsegs = 2;
      Type *t = resolve_assoc_path(&rel, env, self_ty);
      if (t) return t;
    }
    Diag *d = diag_error(te->span, "E0223", "ambiguous associated type");
    diag_help(d, "use fully-qualified syntax: `<%s as Example>::%s`", ty_name(self), name);
    diag_emit(d);
    return err_type();
  }
  Path trait_path = *p;
  trait_path.nsegs = p->qtrait;
  trait_path.qself = NULL;
  trait_path.qtrait = 0;
  TraitRef *tr = resolve_trait_ref(&trait_path, env, self_ty, self);
  if (!tr) return err_type();
  TraitDecl *owner = trait_with_assoc(tr->trait, name);
  if (!owner) {
    Diag *d = diag_error(p->segs[p->nsegs - 1].span, "E0576", "cannot find associated type `%s` in trait `%s`", name, tr->trait->name);
    diag_label(d, "not found in `%s`", tr->trait->name);
    diag_emit(d);
    return err_type();
  }
  GenericEnv *saved = cur_env;
  cur_env = env;
  bool holds = ty_has_vars(self) || type_implements(K, self, tr->trait);
  cur_env = saved;
  if (!holds) {
    Diag *d = diag_error(te->span, "E0277", "the trait bound `%s: %s` is not satisfied", ty_name(self), traitref_name(tr));
    diag_label(d, "the trait `%s` is not implemented for `%s`", traitref_name(tr), ty_name(self));
    diag_emit(d);
    return err_type();
  }
  bool own = owner == tr->trait;
  return ty_normalize(ty_assoc_args(self, owner, name, own ? tr->args : NULL, own ? tr->nargs : 0), env);
}

// The std types trc builds in, by their full paths: String, Vec, Box, the slice iterators and
// the ranges (for `for` loops' sake); NULL for any other path.
static Type *builtin_std_type(const char *full, PathSeg *seg, GenericEnv *env, Type *self_ty, bool allow_infer) {
  if (!strcmp(full, "std::string::String")) return ty_string;
  if (!strcmp(full, "std::vec::Vec")) return ty_vec(one_arg(seg, env, self_ty, allow_infer, "Vec"));
  if (!strcmp(full, "std::boxed::Box")) return ty_box(one_arg(seg, env, self_ty, allow_infer, "Box"));
  bool iter = !strcmp(full, "std::slice::Iter"), iter_mut = !strcmp(full, "std::slice::IterMut");
  if (iter || iter_mut) return ty_iter(one_arg(seg, env, self_ty, allow_infer, seg->name), iter_mut);
  bool range = !strcmp(full, "std::ops::Range"), inclusive = !strcmp(full, "std::ops::RangeInclusive");
  if (range || inclusive) return ty_range(one_arg(seg, env, self_ty, allow_infer, seg->name), inclusive);
  return NULL;
}

static Type *resolve_path_type(TypeExpr *te, GenericEnv *env, Type *self_ty, bool allow_infer) {
  Path *p = &te->path;
  PathSeg *seg = &p->segs[p->nsegs - 1];
  const char *name = seg->name;
  if (p->qself) return resolve_qualified_type(te, env, self_ty, allow_infer);
  if (p->nsegs == 2 && !seg->nargs) {
    Type *t = resolve_assoc_path(te, env, self_ty);
    if (t) return t;
  }
  if (p->nsegs > 1) {
    const char *in_name;
    const char *module = path_std_module(p, &in_name);
    if (module) {
      AliasDecl *a = lookup_alias_in(module, in_name);
      if (a) return resolve_alias(a, seg, env, self_ty, allow_infer);
      StructDecl *s = lookup_struct_path(p);
      if (s) return resolve_struct_type(s, seg, env, self_ty, allow_infer);
    }
    const char *full = expand_path(p);
    Type *t = builtin_std_type(full, seg, env, self_ty, allow_infer);
    if (t) return t;
    error_at(te->span, NULL, "unsupported type path `%s`", full);
    return err_type();
  }
  if (!strcmp(name, "Self")) {
    if (!self_ty) {
      Diag *d = diag_error(te->span, "E0411", "cannot find type `Self` in this scope");
      diag_label(d, "`Self` is only available in impls, traits, and type definitions");
      diag_emit(d);
      return err_type();
    }
    return self_ty;
  }
  int pi = env_find(env, name);
  if (pi >= 0) return env->params[pi];
  Type *prim = prim_type(name);
  if (prim) return reject_args(seg, prim) ? err_type() : prim;
  if (!strcmp(name, "Vec")) {
    Type *el = one_arg(seg, env, self_ty, allow_infer, "Vec");
    require_sized(env, el, wf_span(te->span), "the elements of a `Vec`");
    return ty_vec(el);
  }
  if (!strcmp(name, "Box")) return ty_box(one_arg(seg, env, self_ty, allow_infer, "Box"));
  StructDecl *s = lookup_struct(name);
  AliasDecl *a = lookup_alias(name);
  if (alias_shadows(a, s)) return resolve_alias(a, seg, env, self_ty, allow_infer);
  if (s) return resolve_struct_type(s, seg, env, self_ty, allow_infer);
  // `use std::ops::Range;` then `Range<usize>`.
  Type *imported = !s && !a ? builtin_std_type(expand_path(p), seg, env, self_ty, allow_infer) : NULL;
  if (imported) return imported;
  if (lookup_trait(name)) {
    Diag *d = diag_error(te->span, "E0782", "expected a type, found a trait");
    diag_help(d, "you can add the `dyn` keyword if you want a trait object: `dyn %s`", name);
    diag_emit(d);
    return err_type();
  }
  if (in_expr_path) {  // `HashMap::new()` without the `use`: rustc's resolver fails on the path
    Diag *d = diag_error(seg->span, "E0433", "cannot find type `%s` in this scope", name);
    diag_label(d, "use of undeclared type `%s`", name);
    diag_emit(d);
    return err_type();
  }
  Diag *d = diag_error(te->span, "E0425", "cannot find type `%s` in this scope", name);
  diag_label(d, "not found in this scope");
  diag_emit(d);
  return err_type();
}

// rustc's recursion limit: deeper types overflow its trait and drop checks (E0275, or E0320
// for a local of the type; trc reports E0275 for both).
#define TYPE_DEPTH_LIMIT 128
static int type_depth;

static Type *resolve_type_inner(TypeExpr *te, GenericEnv *env, Type *self_ty, bool allow_infer);
static Type *resolve_opaque(TypeExpr *te, GenericEnv *env, Type *self_ty);

Type *resolve_type_ex(TypeExpr *te, GenericEnv *env, Type *self_ty, bool allow_infer) {
  if (type_depth >= TYPE_DEPTH_LIMIT) {
    if (type_depth == TYPE_DEPTH_LIMIT) {
      Diag *d = diag_error(te->span, "E0275", "overflow evaluating the requirements of this type");
      diag_label(d, "nested more than %d levels deep", TYPE_DEPTH_LIMIT);
      diag_help(d, "consider increasing the recursion limit by adding a `#![recursion_limit = \"256\"]` attribute to your crate");
      diag_emit(d);
    }
    type_depth++;
    return err_type();
  }
  type_depth++;
  Type *t = resolve_type_inner(te, env, self_ty, allow_infer);
  type_depth--;
  te->resolved = t;
  return t;
}

static Type *resolve_type_inner(TypeExpr *te, GenericEnv *env, Type *self_ty, bool allow_infer) {
  Type *t;
  switch (te->kind) {
  case TE_PATH: t = resolve_path_type(te, env, self_ty, allow_infer); break;
  case TE_REF: t = ty_ref(resolve_type_ex(te->inner, env, self_ty, allow_infer), te->mut); break;
  case TE_PTR: t = ty_ptr(resolve_type_ex(te->inner, env, self_ty, allow_infer), te->mut); break;
  case TE_DYN: t = resolve_dyn(te, env, self_ty); break;
  case TE_TUPLE: {
    Type **el = arena_alloc(sizeof(Type *) * (te->nelems + 1));
    for (int i = 0; i < te->nelems; i++) el[i] = resolve_type_ex(te->elems[i], env, self_ty, allow_infer);
    t = tuple_elems_sized(el, te->nelems, env, wf_span(te->span)) ? ty_tuple(el, te->nelems) : err_type();
    break;
  }
  case TE_SLICE: {
    Type *el = resolve_type_ex(te->inner, env, self_ty, allow_infer);
    t = element_sized(te, el, env) ? ty_slice(el) : err_type();
    break;
  }
  case TE_ARRAY: {
    Type *el = resolve_type_ex(te->inner, env, self_ty, allow_infer);
    if (!element_sized(te, el, env)) {
      t = err_type();
      break;
    }
    Type *len = te->len ? const_arg(te->len, env) : NULL;
    if (!len || (ty_resolve(len)->kind == TY_CONST && (int64_t)ty_resolve(len)->len < 0)) {
      error_at(te->len ? te->len->span : te->span, NULL, "array lengths must be integer literals or constants");
      t = err_type();
    } else {
      t = ty_array_of(el, len);
    }
    break;
  }
  case TE_CONST:
    t = const_arg(te->len, env);
    if (!t) {
      error_at(te->span, NULL, "a const argument must be a literal, a constant or a const parameter");
      t = err_type();
    }
    break;
  case TE_NEVER: t = ty_never; break;
  case TE_INFER:
    if (allow_infer) {
      t = ty_new_var(0);
    } else {
      Diag *d = diag_error(te->span, "E0121", "the placeholder `_` is not allowed within types on item signatures");
      diag_label(d, "not allowed in type signatures");
      diag_emit(d);
      t = err_type();
    }
    break;
  case TE_IMPL: {
    if (opaque_owner) {
      t = resolve_opaque(te, env, self_ty);
      break;
    }
    Diag *d = diag_error(te->span, "E0562", "`impl Trait` is not allowed in this position");
    diag_note(d, "`impl Trait` is only allowed in arguments and return types of functions and methods");
    diag_emit(d);
    t = err_type();
    break;
  }
  case TE_FN_PTR: {
    Type **ps = arena_alloc(sizeof(Type *) * (te->nelems + 1));
    for (int i = 0; i < te->nelems; i++) ps[i] = resolve_type_ex(te->elems[i], env, self_ty, allow_infer);
    t = ty_fn_q(ps, te->nelems, te->ret ? resolve_type_ex(te->ret, env, self_ty, allow_infer) : ty_unit, te->fn_quals);
    break;
  }
  default: t = err_type(); break;
  }
  return t;
}

FnDecl *opaque_owner;

// `impl A + B + 'a` in the return type of opaque_owner: its bounds, in the function's
// environment; the opaque type's arguments are the environment's parameters themselves.
static Type *resolve_opaque(TypeExpr *te, GenericEnv *env, Type *self_ty) {
  Opaque *o = arena_alloc(sizeof *o);
  o->fn = opaque_owner;
  o->span = te->span;
  o->bounds = arena_alloc(sizeof(TraitRef *) * (te->nbounds + 1));
  for (int i = 0; i < te->nbounds; i++) {
    if (te->bounds[i].maybe) continue;  // `?Sized`: the result is returned by value anyway
    TraitRef *r = resolve_trait_ref(&te->bounds[i].path, env, self_ty, NULL);
    if (r) o->bounds[o->nbounds++] = r;
  }
  return ty_opaque(o, env ? env->params : NULL, env ? env->n : 0);
}

void resolve_reset(void) {
  uses = (UseVec){0};  // its storage was in the arena
  reexports.data = NULL;
  reexports.len = reexports.cap = 0;
  type_depth = 0;
  report_whole = NULL;
  in_expr_path = false;
  in_prelude_scope = false;
  cur_module = NULL;
  expanding = NULL;
  inherent_index = trait_index = trait_ordinals = (PtrMap){0};  // in the arena too
  memset(decl_indexes, 0, sizeof decl_indexes);
}
