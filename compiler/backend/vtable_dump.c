// vtable_dump.c — --dump-vtable-layouts: what each vtable of the finished module holds.
//
// In the spirit of clang's -fdump-vtable-layouts: one block per vtable, with each slot's index,
// byte offset and contents. The collector knows which vtables the program has (mono), sema
// knows what each slot means (VtLayout), and only the finished module knows the numbers codegen
// chose (a type's size and alignment) and the names of the functions in the slots, so the dump
// reads the module's constants after codegen instead of being printed while they are built.
#include "backend/backend.h"

#include <llvm-c/Core.h>
#include <stdio.h>

static void dump_slot(VtEntry *e, Type *concrete, LLVMValueRef val) {
  switch (e->kind) {
  case VT_DROP:
    if (LLVMIsNull(val)) printf("null (%s needs no drop)\n", ty_name(concrete));
    else printf("drop_in_place<%s>\n", ty_name(concrete));
    break;
  case VT_SIZE: printf("size = %llu\n", (unsigned long long)LLVMConstIntGetZExtValue(val)); break;
  case VT_ALIGN: printf("align = %llu\n", (unsigned long long)LLVMConstIntGetZExtValue(val)); break;
  case VT_METHOD: printf("%s\n", LLVMGetValueName(val)); break;
  case VT_TRAIT_VPTR: printf("vptr -> vtable<%s as %s>\n", ty_name(concrete), e->trait->name); break;
  case VT_VACANT: printf("vacant\n"); break;
  }
}

static void dump_vtable(LLVMModuleRef mod, MonoVtable *v) {
  const char *name = arena_printf("vtable<%s as %s>", ty_name(v->concrete), traitref_name(v->tr));
  LLVMValueRef g = LLVMGetNamedGlobal(mod, name);
  if (!g) return;  // collected but never emitted: nothing to show
  LLVMValueRef init = LLVMGetInitializer(g);
  VtLayout *l = vtable_layout(v->tr->trait);
  printf("vtable for '%s as %s' (%d entries, %d bytes)\n", ty_name(v->concrete), traitref_name(v->tr), l->entries.len, 8 * l->entries.len);
  for (int i = 0; i < l->entries.len; i++) {
    char off[16];
    snprintf(off, sizeof off, "+%d", 8 * i);
    printf("%3d | %3s | ", i, off);
    dump_slot(&l->entries.data[i], v->concrete, LLVMGetOperand(init, i));
  }
  printf("\n");
}

void dump_vtable_layouts(CodegenResult *r) {
  for (int i = 0; mono_vtable_at(i); i++) dump_vtable(r->mod, mono_vtable_at(i));
  fflush(stdout);
}
