// arena.c — one bump allocator for all compiler data, and identifier interning.
//
// A compiler allocates many small objects (tokens, AST nodes, types) that all live until the
// process exits, so freeing them one by one would be wasted work and a source of bugs. Instead
// every allocation is carved out of big zeroed chunks; a request too big for a chunk gets a
// chunk of its own. Nothing is freed individually: `arena_free_all` releases every chunk at
// once, which the driver calls on exit so that leak checkers (ASan, valgrind) see a clean heap.
//
// Names are interned in a chained hash table whose strings live in the arena too. Equal names
// are then the same pointer, so the checker compares identifiers with `==` and can use their
// addresses as hash keys.
#include "base/base.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

// Chunks are 2 MB-aligned mappings of 4 MB that the kernel may back with transparent huge pages
// (MADV_HUGEPAGE). A small program fills some 40 MB of arena (mostly the std library's syntax
// trees), and faulting that in 4 KB pages cost a quarter of trc's run time on a VM, more than
// the parser itself.
#define CHUNK_SIZE (4u << 20)
#define HUGE_PAGE (2u << 20)
#define ALIGN 16

static size_t aligned(size_t n) { return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1); }

typedef struct Chunk Chunk;
struct Chunk {
  Chunk *next;
  size_t used, cap, mapped;
  // The memory follows the header; aligned by the union so any object fits.
  union {
    max_align_t align;
    char bytes[1];
  } mem[];
};

static Chunk *chunks;  // the chunk being filled is first

static _Noreturn void out_of_memory(void) {
  fputs("error: out of memory\n", stderr);
  // Not fatal_exit: freeing the arena is pointless and may itself be what failed.
  exit(3);
}

// A zeroed mapping of `size` bytes starting on a huge-page boundary: map one huge page more
// and unmap the ends.
static void *map_aligned(size_t size) {
  size_t len = size + HUGE_PAGE;
  char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
  char *start = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
  if (start > p) munmap(p, (size_t)(start - p));
  size_t tail = (size_t)(p + len - (start + size));
  if (tail) munmap(start + size, tail);
#ifdef MADV_HUGEPAGE
  madvise(start, size, MADV_HUGEPAGE);
#endif
  return start;
}

static Chunk *new_chunk(size_t cap) {
  size_t size = (sizeof(Chunk) + cap + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
  Chunk *c = map_aligned(size);
  if (!c) out_of_memory();
  c->cap = size - sizeof(Chunk);
  c->mapped = size;
  return c;
}

void *arena_alloc(size_t size) {
  if (size == 0) size = 1;
  if (size > SIZE_MAX / 2) out_of_memory();
  size = aligned(size);

  // A big request gets its own chunk, linked behind the current one so that the current
  // chunk's remaining space is not thrown away.
  if (size > CHUNK_SIZE / 4) {
    Chunk *c = new_chunk(size);
    c->used = size;
    if (chunks) {
      c->next = chunks->next;
      chunks->next = c;
    } else {
      chunks = c;
    }
    return c->mem;
  }

  if (!chunks || chunks->cap - chunks->used < size) {
    Chunk *c = new_chunk(CHUNK_SIZE);
    c->next = chunks;
    chunks = c;
  }
  void *p = (char *)chunks->mem + chunks->used;
  chunks->used += size;
  return p;  // calloc'ed chunks are zero, and memory is never reused
}

// Whether the old (aligned) bytes at p are the current chunk's last allocation.
static bool last_allocation(void *p, size_t old) { return chunks && (char *)p + old == (char *)chunks->mem + chunks->used; }

// The most recent allocation, of old bytes at p, needs only new: give the rest back so that the
// next allocations use it (a reservation sized for the worst case, the lexer's token array).
// The caller must not have written past new, so what is given back is still zero.
void arena_trim(void *p, size_t old, size_t new) {
  old = aligned(old), new = aligned(new);
  if (!chunks || new > old) return;
  if (last_allocation(p, old)) chunks->used -= old - new;
  // A big request's own chunk: nothing else goes there, only the count changes.
  else if (chunks->next && p == (void *)chunks->next->mem && chunks->next->used == old) chunks->next->used = new;
}

char *arena_strndup(const char *s, size_t len) {
  char *p = arena_alloc(len + 1);
  if (len) memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

char *arena_printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  char *buf = arena_alloc((size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(buf, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return buf;
}

// printf has no conversion for 128-bit integers.
const char *wide_decimal(Wide v) {
  char buf[48], *s = buf + sizeof buf;
  *--s = '\0';
  do *--s = (char)('0' + (int)(v % 10)); while ((v /= 10) != 0);
  return arena_printf("%s", s);
}

// Whether the allocation of old bytes at p, the most recent one in the current chunk, could
// grow in place to new bytes; if so it has.
static bool arena_extend(void *p, size_t old, size_t new) {
  old = aligned(old), new = aligned(new);
  if (!last_allocation(p, old) || chunks->used - old + new > chunks->cap) return false;
  chunks->used += new - old;
  return true;
}

// A full vector doubles. Its array grows in place when nothing was allocated after it (a
// vector filled in a loop: a block's statements as lowering pushes them); otherwise it moves
// to a fresh block and the old one stays in the arena, unreferenced. A vector starts with
// room for 128 bytes of elements (8 pointers, a single MIR statement): most stay small, and a
// function's hundred blocks each reserving 8 statements of 488 bytes was a third of all the
// memory a large program took.
void *vec_grow_(void *data, int *cap, int len, size_t elem) {
  if (len < *cap) return data;
  int n = *cap ? *cap * 2 : elem >= 128 ? 1 : (int)(128 / elem);
  if (data && arena_extend(data, elem * (size_t)*cap, elem * (size_t)n)) {
    *cap = n;
    return data;
  }
  void *grown = arena_alloc(elem * (size_t)n);
  if (len) memcpy(grown, data, elem * (size_t)len);
  *cap = n;
  return grown;
}

//
// Scratch memory
//
// A pass over one function body (the borrow checker, the move checker) needs bit sets sized by
// its blocks, locals and loans only while it runs. In the arena they stayed until exit: a
// 20,000-line program left 16 MB of them behind, every page of it faulted in and zeroed once.
// Scratch memory is a second bump allocator that a pass rewinds to a mark when it is done, so
// the next body reuses the same (already mapped) pages.

typedef struct ScratchChunk ScratchChunk;
struct ScratchChunk {
  ScratchChunk *next;  // chunks after this one, kept for reuse
  size_t used, cap;
  union {
    max_align_t align;
    char bytes[1];
  } mem[];
};

static ScratchChunk *scratch_first, *scratch_cur;

ScratchMark scratch_mark(void) { return (ScratchMark){scratch_cur, scratch_cur ? scratch_cur->used : 0}; }

void scratch_release(ScratchMark m) {
  scratch_cur = m.chunk ? m.chunk : scratch_first;
  if (scratch_cur) scratch_cur->used = m.chunk ? m.used : 0;
}

void *scratch_alloc(size_t size) {
  if (size > SIZE_MAX / 2) out_of_memory();
  size = size ? aligned(size) : ALIGN;
  // The current chunk, else the next one kept from before if it is big enough, else a new one
  // linked in after the current.
  while (!scratch_cur || scratch_cur->cap - scratch_cur->used < size) {
    ScratchChunk *next = scratch_cur ? scratch_cur->next : scratch_first;
    if (next && next->cap >= size) {
      next->used = 0;
      scratch_cur = next;
      continue;
    }
    size_t cap = size > CHUNK_SIZE ? size : CHUNK_SIZE;
    ScratchChunk *c = malloc(sizeof(ScratchChunk) + cap);
    if (!c) out_of_memory();
    c->used = 0, c->cap = cap;
    c->next = next;
    if (scratch_cur) scratch_cur->next = c;
    else scratch_first = c;
    scratch_cur = c;
  }
  void *p = (char *)scratch_cur->mem + scratch_cur->used;
  scratch_cur->used += size;
  return p;
}

static void scratch_free_all(void) {
  for (ScratchChunk *c = scratch_first, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  scratch_first = scratch_cur = NULL;
}

//
// Interning
//

typedef struct Name Name;
struct Name {
  Name *next;
  uint32_t hash;
  size_t len;
  const char *str;
};

static Name **table;
static size_t table_cap, table_len;

// FNV-1a: simple and good enough for identifiers.
static uint32_t hash_bytes(const char *s, size_t len) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= 16777619u;
  }
  return h;
}

// The table of buckets lives in the arena too; growing abandons the old one.
static void rehash(void) {
  size_t cap = table_cap ? table_cap * 2 : 1024;
  Name **t = arena_alloc(sizeof(Name *) * cap);
  for (size_t i = 0; i < table_cap; i++) {
    for (Name *n = table[i], *next; n; n = next) {
      next = n->next;
      n->next = t[n->hash & (cap - 1)];
      t[n->hash & (cap - 1)] = n;
    }
  }
  table = t;
  table_cap = cap;
}

const char *intern(const char *s, size_t len) {
  if (table_len >= table_cap) rehash();  // keeps the load factor at most 1
  uint32_t h = hash_bytes(s, len);
  Name **bucket = &table[h & (table_cap - 1)];
  for (Name *n = *bucket; n; n = n->next)
    if (n->hash == h && n->len == len && memcmp(n->str, s, len) == 0) return n->str;
  Name *n = arena_alloc(sizeof *n);
  n->hash = h;
  n->len = len;
  n->str = arena_strndup(s, len);
  n->next = *bucket;
  *bucket = n;
  table_len++;
  return n->str;
}

const char *intern_cstr(const char *s) { return intern(s, strlen(s)); }

void arena_free_all(void) {
  scratch_free_all();
  for (Chunk *c = chunks, *next; c; c = next) {
    next = c->next;
    munmap(c, c->mapped);
  }
  chunks = NULL;
  // The intern table lived in the arena: forget it so a later intern starts afresh.
  table = NULL;
  table_cap = table_len = 0;
}

size_t arena_bytes(void) {
  size_t n = 0;
  for (Chunk *c = chunks; c; c = c->next) n += c->used;
  return n;
}

void copy_bytes(void *dst, const void *src, size_t n) {
  if (n) memcpy(dst, src, n);
}
