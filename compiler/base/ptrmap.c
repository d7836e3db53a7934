// ptrmap.c — a hash map from a pair of pointers to a pointer, in the arena.
//
// The compiler's caches are keyed by interned objects: an interned Type (equal types are the
// same pointer), often together with a trait. Codegen once kept them in vectors scanned from
// the start on every lookup, which made lowering a type, finding a drop glue or a vtable
// linear in how many had been made, and a 20,000-line program quadratic. Open addressing with
// linear probing on a hash of both pointers; the table doubles at half full. Entries are never
// removed, so an empty slot (first key NULL) ends every probe.
#include "base/base.h"

static size_t pair_hash(const void *a, const void *b) {
  uint64_t h = (uint64_t)(uintptr_t)a * 0x9E3779B97F4A7C15u ^ (uint64_t)(uintptr_t)b * 0xC2B2AE3D27D4EB4Fu;
  return (size_t)(h ^ h >> 29);
}

static PtrMapEntry *find_slot(PtrMapEntry *slots, size_t cap, const void *a, const void *b) {
  size_t i = pair_hash(a, b) & (cap - 1);
  while (slots[i].a && !(slots[i].a == a && slots[i].b == b)) i = (i + 1) & (cap - 1);
  return &slots[i];
}

void *ptrmap_get(const PtrMap *m, const void *a, const void *b) {
  if (!m->cap) return NULL;
  return find_slot(m->slots, m->cap, a, b)->val;
}

static void grow(PtrMap *m) {
  size_t cap = m->cap ? m->cap * 2 : 64;
  PtrMapEntry *slots = arena_alloc(sizeof(PtrMapEntry) * cap);  // zeroed: every slot empty
  for (size_t i = 0; i < m->cap; i++)
    if (m->slots[i].a) *find_slot(slots, cap, m->slots[i].a, m->slots[i].b) = m->slots[i];
  m->slots = slots;
  m->cap = cap;
}

void ptrmap_put(PtrMap *m, const void *a, const void *b, void *val) {
  if ((m->used + 1) * 2 > m->cap) grow(m);
  PtrMapEntry *e = find_slot(m->slots, m->cap, a, b);
  if (!e->a) m->used++;
  *e = (PtrMapEntry){a, b, val};
}

void *ptrmap_slot(PtrMap *m, const void *a, const void *b, size_t size) {
  void *v = ptrmap_get(m, a, b);
  if (!v) {
    v = arena_alloc(size);
    ptrmap_put(m, a, b, v);
  }
  return v;
}
