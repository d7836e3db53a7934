// modules.c — the program's module tree, and the files `mod name;` reads.
//
// Every module's items go into the one Program (as the prelude's std modules do); which module
// an item is in is known from its span. This file keeps the tree (names, parents, bodies) and
// finds module files the way rustc does: `mod util;` in a module whose directory is D reads
// D/util.rs or D/util/mod.rs (trc also takes .tr), and the module util's own `mod x;` items
// are then looked for in D/util/. The crate root's directory is its file's.
//
// It also remembers the multi-segment paths the parser saw, which sema resolves once every
// module and `use` is known (a path may name a module declared further down, or in a file
// not read yet).
#include "syntax/syntax.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static VEC(UserModule) mods;
static VEC(NotedPath) paths;
static int cur;  // the module the parser is in

void modules_reset(void) {  // their storage was in the arena
  mods.data = NULL, mods.len = mods.cap = 0;
  paths.data = NULL, paths.len = paths.cap = 0;
  cur = 0;
}

static const char *dirname_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return ".";
  if (slash == path) return "/";
  return arena_printf("%.*s", (int)(slash - path), path);
}

void modules_start(const char *main_path, int main_file) {
  modules_reset();
  UserModule root = {.path = intern_cstr("crate"), .name = intern_cstr("crate"), .parent = -1,
                     .body = {main_file, 0, UINT32_MAX}, .vis = VIS_PUB, .dir = dirname_of(main_path),
                     .file_path = main_path};
  vec_push(&mods, root);
}

int modules_current(void) { return cur; }

// The crate a program's items belong to: its file's stem, `-` read as `_`, as rustc names it.
// Not cached in a static: the string lives in the arena, which trc_reset frees between the
// fuzzer's inputs.
const char *crate_name(void) {
  const char *f = diag_file_name(1), *slash = strrchr(f, '/');
  char *s = arena_printf("%s", slash ? slash + 1 : f), *dot = strrchr(s, '.');
  if (dot && dot != s) *dot = 0;
  for (char *p = s; *p; p++)
    if (*p == '-') *p = '_';
  return s;
}
int module_count(void) { return mods.len; }
UserModule *module_at(int i) { return &mods.data[i]; }

int module_find(const char *path) {
  for (int i = 0; i < mods.len; i++)
    if (mods.data[i].path == path) return i;
  return -1;
}

const char *module_child(const char *path, const char *name) {
  int p = module_find(path);
  for (int i = 0; p >= 0 && i < mods.len; i++)
    if (mods.data[i].parent == p && mods.data[i].name == name) return mods.data[i].path;
  return NULL;
}

const char *module_parent(const char *path) {
  int i = module_find(path);
  return i > 0 && mods.data[i].parent >= 0 ? mods.data[mods.data[i].parent].path : NULL;
}

bool module_within(const char *inner, const char *outer) {
  size_t n = strlen(outer);
  return inner == outer || (!strncmp(inner, outer, n) && inner[n] == ':' && inner[n + 1] == ':');
}

// Modules are created outer before inner, so the last one whose body holds sp is innermost.
const char *module_of(Span sp) {
  if (sp.file == 0 || !mods.len) return NULL;
  const char *m = mods.data[0].path;
  for (int i = 1; i < mods.len; i++) {
    Span b = mods.data[i].body;
    if (!mods.data[i].pending && sp.file == b.file && sp.lo >= b.lo && sp.hi <= b.hi) m = mods.data[i].path;
  }
  return m;
}

// "./util.tr" reads better as "util.tr" in a diagnostic.
static const char *join(const char *dir, const char *name) {
  return strcmp(dir, ".") ? arena_printf("%s/%s", dir, name) : name;
}

// E0428: `mod a` twice in one module.
static void check_duplicate(const char *name, Span decl) {
  for (int i = 1; i < mods.len; i++)
    if (mods.data[i].parent == cur && mods.data[i].name == name) {
      Diag *d = diag_error(decl, "E0428", "the name `%s` is defined multiple times", name);
      diag_label(d, "`%s` redefined here", name);
      diag_secondary(d, mods.data[i].decl, "previous definition of the module `%s` here", name);
      diag_note(d, "`%s` must be defined only once in the type namespace of this module", name);
      diag_emit(d);
      return;
    }
}

static int add_module(const char *name, Span decl, Visibility vis) {
  check_duplicate(name, decl);
  UserModule *parent = &mods.data[cur];
  UserModule m = {.path = intern_cstr(arena_printf("%s::%s", parent->path, name)), .name = name, .parent = cur,
                  .decl = decl, .vis = vis, .dir = join(parent->dir, name),
                  .file_path = parent->file_path};
  vec_push(&mods, m);
  return mods.len - 1;
}

int modules_open_inline(const char *name, Span decl, Visibility vis, Span open_brace) {
  int m = add_module(name, decl, vis);
  mods.data[m].body = (Span){open_brace.file, open_brace.lo, UINT32_MAX};  // holds its items while parsed
  cur = m;
  return m;
}

void modules_close(int module, int parent, uint32_t close_hi) {
  mods.data[module].body.hi = close_hi;
  cur = parent;
}

void modules_declare_file(const char *name, Span decl, Visibility vis) {
  int m = add_module(name, decl, vis);
  mods.data[m].pending = true;
}

// ---------------------------------------------------------------------------------------------
// Reading module files

static char *read_whole(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  VEC(char) buf = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    for (size_t i = 0; i < n; i++) vec_push(&buf, chunk[i]);
  fclose(f);
  vec_push(&buf, 0);
  *len = buf.len - 1;
  return buf.data;
}

// The file of module m (D/name.rs, D/name.tr, D/name/mod.rs, D/name/mod.tr), or NULL.
static const char *find_module_file(UserModule *m, const char **tried) {
  const char *d = mods.data[m->parent].dir;
  const char *cands[] = {join(d, arena_printf("%s.rs", m->name)), join(d, arena_printf("%s.tr", m->name)),
                         join(d, arena_printf("%s/mod.rs", m->name)), join(d, arena_printf("%s/mod.tr", m->name))};
  *tried = arena_printf("\"%s\" or \"%s\"", cands[0], cands[2]);  // as rustc says it (.tr is read too)
  for (int i = 0; i < 4; i++) {
    FILE *f = fopen(cands[i], "rb");
    if (f) return fclose(f), cands[i];
  }
  return NULL;
}

// A module file that is also the file of the module itself or of one around it: `mod main;`
// in main.tr would read main.tr again, forever.
static int enclosing_with_file(int m, const char *file) {
  char *want = realpath(file, NULL);
  int found = -1;
  for (int a = mods.data[m].parent; want && a >= 0 && found < 0; a = mods.data[a].parent) {
    char *have = realpath(mods.data[a].file_path, NULL);
    if (have && !strcmp(have, want)) found = a;
    free(have);
  }
  free(want);
  return found;
}

static void report_missing(UserModule *m, const char *tried) {
  Diag *d = diag_error(m->decl, "E0583", "file not found for module `%s`", m->name);
  diag_help(d, "to create the module `%s`, create file %s", m->name, tried);
  diag_note(d, "if there is a `mod %s` elsewhere in the crate already, import it with `use crate::...` instead", m->name);
  diag_emit(d);
}

static void report_cycle(int m, int again) {
  const char *chain = mods.data[again].file_path;
  for (int a = again; a != m;) {  // from the file read twice down to the `mod` that reads it again
    int next = m;
    while (mods.data[next].parent != a) next = mods.data[next].parent;
    if (strcmp(mods.data[next].file_path, mods.data[a].file_path)) chain = arena_printf("%s -> %s", chain, mods.data[next].file_path);
    a = next;
  }
  chain = arena_printf("%s -> %s", chain, mods.data[again].file_path);
  error_at(mods.data[m].decl, NULL, "circular modules: %s", chain);
}

static void load_module(Program *prog, int m) {
  UserModule *um = &mods.data[m];
  um->pending = false;
  const char *tried, *file = find_module_file(um, &tried);
  if (!file) {
    report_missing(um, tried);
    um->body = (Span){UINT32_MAX, 0, 0};  // holds nothing
    return;
  }
  um->file_path = file;
  int again = enclosing_with_file(m, file);
  if (again >= 0) {
    report_cycle(m, again);
    um->body = (Span){UINT32_MAX, 0, 0};
    return;
  }
  size_t len;
  char *text = read_whole(file, &len);
  if (!text) {
    error_at(um->decl, NULL, "couldn't read `%s`", file);
    return;
  }
  int fid = diag_add_file(file, text, len);
  um->body = (Span){fid, 0, UINT32_MAX};
  int ntoks = 0;
  Token *toks = lex(fid, text, len, &ntoks);
  parse_module_file(prog, toks, ntoks, m);
}

void modules_load_files(Program *prog) {
  for (int i = 0; i < mods.len && !diag_too_many(); i++)  // mods grows as files declare modules
    if (mods.data[i].pending) load_module(prog, i);
}

const char *module_symbol_prefix(Span sp) {
  const char *m = module_of(sp);
  return m && strlen(m) > 5 ? arena_printf("%s::", m + 7) : "";  // past "crate::"
}

// ---------------------------------------------------------------------------------------------
// Paths for sema

void note_path(Path *p, PathNs ns) {
  if (p->nsegs < 2 || p->segs[0].span.file == 0) return;
  vec_push(&paths, ((NotedPath){p, ns}));
}

NotedPath *noted_paths(int *n) {
  *n = paths.len;
  return paths.data;
}
