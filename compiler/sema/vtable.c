// vtable.c — the shape of a trait's vtable: one list of entries, the single source of truth.
//
// Every vtable of trait T (whatever the concrete type) has the same shape, computed here once
// per trait; codegen fills it in per type (vtable<Circle as Shape>), the layout dump prints
// it, and every slot index — a method's, or a supertrait's vtable pointer — is looked up in
// it. The order is rustc's (rustc_trait_selection/src/traits/vtable.rs):
//
//   1. the whole vtable of the first direct supertrait comes first, recursively, so the
//      chain of first supertraits shares one prefix and upcasting along it reuses the pointer;
//   2. then every other supertrait's own methods, each followed by a TraitVPtr entry that
//      points at that supertrait's own vtable (an upcast to it loads the pointer from there);
//   3. finally the trait's own methods, in declaration order.
//
// A trait reached twice (a diamond) is laid out once. A vptr is emitted only once some
// entries exist before it and only for traits that (with their supertraits) have methods:
// an empty supertrait needs no table. Methods with `where Self: Sized` and associated
// functions without a receiver get no slot.
//
// Example: trait A { fn a(&self); }  trait B { fn b(&self); }  trait C: A + B { fn c(&self); }
//   vtable for C:  drop_in_place, size, align, A::a, B::b, vptr(B), C::c
//   &dyn C -> &dyn A reuses the pointer; &dyn C -> &dyn B loads slot 5.
#include "sema/sema.h"

#include <string.h>

typedef struct {
  TraitDecl *trait;
  int next_super;  // which direct supertrait to visit next
  bool emit_vptr;
} Frame;

typedef struct LayoutCache {
  TraitDecl *trait;
  VtLayout *layout;
  struct LayoutCache *next;
} LayoutCache;

static LayoutCache *cache;

void vtable_reset(void) { cache = NULL; }  // the layouts were in the arena

static bool own_slot(FnDecl *m) { return m->self_kind != SELF_NONE && !m->requires_sized; }

static bool has_own_entries(TraitDecl *t) {
  for (int i = 0; i < t->nmethods; i++)
    if (own_slot(t->methods[i])) return true;
  return false;
}

// Whether t or any of its supertraits contributes a method.
static bool has_entries(TraitDecl *t) {
  if (has_own_entries(t)) return true;
  for (int i = 0; i < t->nsuper_traits; i++)
    if (has_entries(t->super_traits[i])) return true;
  return false;
}

static void push_entry(VtLayout *l, VtEntry e) { vec_push(&l->entries, e); }

static void emit_segment(VtLayout *l, TraitDecl *t, bool emit_vptr) {
  for (int i = 0; i < t->nmethods; i++)
    if (own_slot(t->methods[i])) push_entry(l, (VtEntry){.kind = VT_METHOD, .method = t->methods[i], .trait = t});
  if (emit_vptr) push_entry(l, (VtEntry){.kind = VT_TRAIT_VPTR, .trait = t});
}

typedef VEC(TraitDecl *) TraitVec;

static bool visited_add(TraitVec *visited, TraitDecl *t) {
  for (int i = 0; i < visited->len; i++)
    if (VEC_AT(*visited, i) == t) return false;
  vec_push(visited, t);
  return true;
}

// Finds the next unvisited direct supertrait of the frame's trait, advancing its cursor.
static TraitDecl *next_unvisited_super(Frame *f, TraitVec *visited) {
  while (f->next_super < f->trait->nsuper_traits) {
    TraitDecl *s = f->trait->super_traits[f->next_super++];
    if (visited_add(visited, s)) return s;
  }
  return NULL;
}

// The traversal: dive along unvisited supertraits to a trait with none left, then emit
// traits while climbing back up, stopping at the first one with an unvisited sibling.
static VtLayout *compute_layout(TraitDecl *t) {
  VtLayout *l = arena_alloc(sizeof *l);
  push_entry(l, (VtEntry){.kind = VT_DROP});
  push_entry(l, (VtEntry){.kind = VT_SIZE});
  push_entry(l, (VtEntry){.kind = VT_ALIGN});
  TraitVec visited = {0};
  visited_add(&visited, t);
  VEC(Frame) stack = {0};
  bool emit_vptr_on_new_entry = false;
  vec_push(&stack, (Frame){t, 0, false});
  for (;;) {
    // dive in
    for (;;) {
      TraitDecl *s = next_unvisited_super(&stack.data[stack.len - 1], &visited);
      if (!s) break;
      vec_push(&stack, (Frame){s, 0, emit_vptr_on_new_entry});
    }
    // emit and climb
    bool pushed = false;
    while (stack.len > 0 && !pushed) {
      Frame f = stack.data[--stack.len];
      bool entries = has_entries(f.trait);
      emit_segment(l, f.trait, f.emit_vptr && entries);
      emit_vptr_on_new_entry |= entries;
      if (stack.len > 0) {
        // the parent's next unvisited supertrait is this frame's sibling
        TraitDecl *sib = next_unvisited_super(&stack.data[stack.len - 1], &visited);
        if (sib) {
          vec_push(&stack, (Frame){sib, 0, emit_vptr_on_new_entry});
          pushed = true;
        }
      }
    }
    if (!pushed) return l;
  }
}

VtLayout *vtable_layout(TraitDecl *t) {
  for (LayoutCache *c = cache; c; c = c->next)
    if (c->trait == t) return c->layout;
  LayoutCache *c = arena_alloc(sizeof *c);
  c->trait = t;
  c->layout = compute_layout(t);
  c->next = cache;
  cache = c;
  return c->layout;
}

int vtable_method_slot(TraitDecl *principal, FnDecl *method) {
  VtLayout *l = vtable_layout(principal);
  for (int i = 0; i < l->entries.len; i++)
    if (l->entries.data[i].kind == VT_METHOD && l->entries.data[i].method == method) return i;
  return -1;
}

// Where an upcast from `dyn principal` to `dyn target` finds target's vtable: -1 when it is a
// prefix of principal's own (reuse the pointer), else the slot holding a pointer to it.
int vtable_upcast_slot(TraitDecl *principal, TraitDecl *target) {
  if (principal == target) return -1;
  VtLayout *l = vtable_layout(principal);
  for (int i = 0; i < l->entries.len; i++)
    if (l->entries.data[i].kind == VT_TRAIT_VPTR && l->entries.data[i].trait == target) return i;
  return -1;
}
