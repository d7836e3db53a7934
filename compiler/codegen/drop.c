// drop.c — what runs when a value's owner goes away: cleanups, unwinding and drop glue.
//
// A MIR body's calls unwind into its own cleanup blocks (c->unwind_to). The code codegen
// writes for a builtin (a format! that builds a String, a panic message) keeps a small stack
// of the temporaries it owns (c->cleanups): a call that may unwind while one is pending
// becomes an `invoke` whose landing pad drops them first. Each dropped type gets one `drop_in_place<T>` function. Drop glue and
// unwinding call each other (a drop that calls Drop::drop may unwind, and unwinding drops), so
// they live in one file.
#include "codegen/codegen_internal.h"

#include <string.h>

// The C personality routine: it understands cleanup-only landing pads, which is all trc needs
// (a panic is never caught; it unwinds to the top and ends the process).
static LLVMValueRef personality(CG *c) {
  LLVMValueRef fn = LLVMGetNamedFunction(c->mod, "__gcc_personality_v0");
  if (!fn) fn = LLVMAddFunction(c->mod, "__gcc_personality_v0", LLVMFunctionType(c->t_i32, NULL, 0, true));
  return fn;
}

static bool is_nounwind(LLVMValueRef fn) {
  if (!LLVMIsAFunction(fn)) return false;
  unsigned kind = LLVMGetEnumAttributeKindForName("nounwind", 8);
  return LLVMGetEnumAttributeAtIndex(fn, LLVMAttributeFunctionIndex, kind) != NULL;
}

// What a landing pad catches: the exception and its selector, as the C personality gives them.
LLVMTypeRef cg_exception_type(CG *c) {
  LLVMTypeRef el[2] = {c->t_ptr, c->t_i32};
  return LLVMStructTypeInContext(c->ctx, el, 2, false);
}

// A landing pad that drops the builtin temporaries pending (c->cleanups), then goes on into the
// MIR body's cleanup block, or resumes when there is none.
static LLVMBasicBlockRef emit_landing_pad(CG *c) {
  LLVMBasicBlockRef here = LLVMGetInsertBlock(c->b), pad = cg_new_block(c, "unwind");
  cg_set_block(c, pad);
  LLVMTypeRef et = cg_exception_type(c);
  LLVMValueRef lp = LLVMBuildLandingPad(c->b, et, personality(c), 0, "lp");
  LLVMSetCleanup(lp, true);
  cg_emit_unwind_cleanups(c);
  if (c->unwind_to) {
    // On into the MIR body's cleanup blocks, which end in a resume of this exception. Its two
    // parts are stored one by one, as clang does: FastISel selects no first-class aggregate store.
    for (unsigned i = 0; i < 2; i++)
      LLVMBuildStore(c->b, cg_extract(c, lp, i, ""), LLVMBuildStructGEP2(c->b, et, c->exn_slot, i, ""));
    LLVMBuildBr(c->b, c->unwind_to);
  } else {
    LLVMBuildResume(c->b, lp);
  }
  cg_set_block(c, here);
  return pad;
}

// The landing pad for a call made now. Calls with nothing of their own to drop share their
// cleanup block's pad: at -O0 each pad is a block that FastISel leaves to SelectionDAG, and a
// 20,000-line program had 6,700 of them, one per call.
static LLVMBasicBlockRef landing_pad(CG *c) {
  if (c->cleanups.len || !c->unwind_to) return emit_landing_pad(c);
  LLVMBasicBlockRef pad = ptrmap_get(&c->pads, c->unwind_to, NULL);
  if (!pad) {
    pad = emit_landing_pad(c);
    ptrmap_put(&c->pads, c->unwind_to, NULL, pad);
  }
  return pad;
}

LLVMValueRef cg_call(CG *c, LLVMTypeRef fty, LLVMValueRef fn, LLVMValueRef *args, int n, const char *name) {
  bool mir_unwind = c->unwind_to != NULL;
  if ((c->cleanups.len == 0 && !mir_unwind) || c->in_cleanup || is_nounwind(fn)) return LLVMBuildCall2(c->b, fty, fn, args, n, name);
  LLVMSetPersonalityFn(c->fn, personality(c));
  LLVMBasicBlockRef cont = cg_new_block(c, "cont");
  LLVMValueRef r = LLVMBuildInvoke2(c->b, fty, fn, args, n, cont, landing_pad(c), name);
  cg_set_block(c, cont);
  return r;
}

void cg_set_personality(CG *c) { LLVMSetPersonalityFn(c->fn, personality(c)); }

// cg_call with the function's own type.
LLVMValueRef cg_call_fn(CG *c, LLVMValueRef fn, LLVMValueRef *args, int n) {
  return cg_call(c, LLVMGlobalGetValueType(fn), fn, args, n, "");
}

// ---------------------------------------------------------------------------------------------
// Drop glue

// Drops the `dyn` value at data through its vtable's first slot, which is null (as in rustc's
// vtables) when the concrete type has nothing to drop.
static void drop_through_vtable(CG *c, Type *dyn, LLVMValueRef data, LLVMValueRef vt) {
  LLVMValueRef dropfn = LLVMBuildLoad2(c->b, c->t_ptr, vt, "drop_in_place");
  LLVMBasicBlockRef call = cg_new_block(c, "drop.dyn"), done = cg_new_block(c, "drop.dyn.done");
  LLVMBuildCondBr(c->b, LLVMBuildIsNotNull(c->b, dropfn, ""), call, done);
  cg_set_block(c, call);
  LLVMTypeRef pt = c->t_ptr;
  LLVMValueRef dc = LLVMBuildCall2(c->b, LLVMFunctionType(LLVMVoidTypeInContext(c->ctx), &pt, 1, false), dropfn, &data, 1, "");
  if (dyn->principal) cg_mark_dyn_call(c, dc, dyn->principal->trait->name, "drop_in_place", NULL);  // slot 0
  LLVMBuildBr(c->b, done);
  cg_set_block(c, done);
}


static void emit_drop_glue_body(CG *c, Type *t, LLVMValueRef self);

LLVMValueRef cg_drop_glue(CG *c, Type *t) {
  t = ty_resolve(t);
  LLVMValueRef fn = cg_cache_get(&c->drops, t, NULL);
  if (fn) return fn;
  LLVMTypeRef pt = c->t_ptr;
  fn = LLVMAddFunction(c->mod, arena_printf("drop_in_place<%s>", ty_name(t)), LLVMFunctionType(LLVMVoidTypeInContext(c->ctx), &pt, 1, false));
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  cg_add_uwtable(c, fn);
  cg_cache_put(&c->drops, t, NULL, fn);
  SavedFn saved;
  cg_begin_helper(c, fn, &saved);
  emit_drop_glue_body(c, t, LLVMGetParam(fn, 0));
  LLVMBuildRetVoid(c->b);
  cg_end_helper(c, &saved);
  return fn;
}

// Calls drop_in_place on elements start..len of the array at base (Vec buffers, arrays, the
// rest of a by-value `for` loop's Vec).
void cg_drop_elements(CG *c, LLVMValueRef base, LLVMValueRef start, LLVMValueRef len, Type *elem) {
  CgLoop l = cg_loop_begin(c, start, len, "drop");
  cg_emit_drop(c, LLVMBuildGEP2(c->b, cg_lltype(c, elem), base, &l.i, 1, ""), elem);
  cg_loop_end(c, &l);
}

// An enum drops the fields of whichever variant it holds.
static void emit_enum_drop(CG *c, Type *t, LLVMValueRef self) {
  StructDecl *s = t->sdecl;
  LLVMBasicBlockRef done = cg_new_block(c, "dropped");
  LLVMValueRef sw = LLVMBuildSwitch(c->b, cg_load_tag(c, t, self), done, s->nvariants);
  for (int v = 0; v < s->nvariants; v++) {
    EnumVariant *ev = &s->variants[v];
    bool any = false;
    for (int i = 0; i < ev->nfields; i++) any |= ty_needs_drop(cg_subst(ev->fields[i].type, t->args, t->nargs));
    if (!any) continue;
    LLVMBasicBlockRef bb = cg_new_block(c, arena_printf("drop.%s", ev->name));
    LLVMAddCase(sw, cg_enum_tag(c, t, v), bb);
    cg_set_block(c, bb);
    for (int i = 0; i < ev->nfields; i++) {
      Type *ft = cg_subst(ev->fields[i].type, t->args, t->nargs);
      if (ty_needs_drop(ft)) cg_emit_drop(c, cg_variant_field(c, t, v, self, i), ft);
    }
    LLVMBuildBr(c->b, done);
  }
  cg_set_block(c, done);
}

static void emit_drop_glue_body(CG *c, Type *t, LLVMValueRef self) {
  switch (t->kind) {
  case TY_STRUCT: {
    StructDecl *s = t->sdecl;
    // The type's own Drop::drop runs first, then its fields in declaration order.
    Instance *drop_fn = mono_drop_method(t);
    if (drop_fn) cg_call_fn(c, cg_instance_fn(c, drop_fn), &self, 1);
    if (s->is_enum) {
      emit_enum_drop(c, t, self);
      return;
    }
    LLVMTypeRef st = cg_lltype(c, t);
    for (int i = 0; i < s->nfields; i++) {
      Type *ft = cg_subst(s->fields[i].type, t->args, t->nargs);
      if (!ty_needs_drop(ft)) continue;
      cg_emit_drop(c, LLVMBuildStructGEP2(c->b, st, self, cg_field_slot(c, t, i), ""), ft);
    }
    return;
  }
  case TY_CLOSURE: {  // the values a `move` closure captured
    LLVMTypeRef st = cg_lltype(c, t);
    for (int i = 0; i < t->closure->ncaptures; i++) {
      Type *ft = closure_capture_type(t, i);
      if (ty_needs_drop(ft)) cg_emit_drop(c, LLVMBuildStructGEP2(c->b, st, self, i, ""), ft);
    }
    return;
  }
  case TY_TUPLE: {
    LLVMTypeRef st = cg_lltype(c, t);
    for (int i = 0; i < t->nargs; i++)
      if (ty_needs_drop(t->args[i])) cg_emit_drop(c, LLVMBuildStructGEP2(c->b, st, self, cg_field_slot(c, t, i), ""), t->args[i]);
    return;
  }
  case TY_ARRAY:
    if (ty_needs_drop(t->inner)) cg_drop_elements(c, self, cg_i64(c, 0), cg_i64(c, t->len), t->inner);
    return;
  case TY_RANGE:  // start, then end
    for (int i = 0; i < 2; i++) cg_emit_drop(c, LLVMBuildStructGEP2(c->b, cg_lltype(c, t), self, i, ""), t->inner);
    return;
  case TY_BOX: {
    Type *in = ty_resolve(t->inner);
    if (in->kind == TY_DYN) {
      // Box<dyn Tr>: the vtable knows how to drop the value and how big it was.
      LLVMValueRef fat = LLVMBuildLoad2(c->b, c->t_dynptr, self, "");
      LLVMValueRef data = cg_extract(c, fat, 0, "data");
      LLVMValueRef vt = cg_extract(c, fat, 1, "vtable");
      drop_through_vtable(c, in, data, vt);
      cg_free_box_dyn(c, data, vt);
      return;
    }
    if (!ty_is_sized(in)) {  // Box<RefCell<dyn Tr>>: size and alignment from the metadata
      LLVMValueRef fat = LLVMBuildLoad2(c->b, cg_lltype(c, t), self, "");
      LLVMValueRef data = cg_extract(c, fat, 0, "data"), meta = cg_extract(c, fat, 1, "");
      cg_drop_unsized(c, in, data, meta);
      LLVMValueRef args[3] = {data, cg_size_of_val(c, in, meta), cg_align_of_val(c, in, meta)};
      cg_call_fn(c, cg_rt(c, "trc_dealloc"), args, 3);
      return;
    }
    if (ty_needs_drop(in)) cg_emit_drop(c, LLVMBuildLoad2(c->b, c->t_ptr, self, ""), in);
    cg_free_box(c, self, in);
    return;
  }
  case TY_VEC: {
    Type *el = ty_resolve(t->inner);
    if (ty_needs_drop(el)) {
      LLVMValueRef buf = LLVMBuildLoad2(c->b, c->t_ptr, LLVMBuildStructGEP2(c->b, c->t_vec, self, 0, ""), "buf");
      LLVMValueRef len = LLVMBuildLoad2(c->b, c->t_i64, LLVMBuildStructGEP2(c->b, c->t_vec, self, 2, ""), "len");
      cg_drop_elements(c, buf, cg_i64(c, 0), len, el);
    }
    LLVMValueRef args[3] = {self, cg_i64(c, cg_size_of(c, el)), cg_i64(c, cg_align_of(c, el))};
    cg_call_fn(c, cg_rt(c, "trc_vec_free"), args, 3);
    return;
  }
  case TY_STRING: {
    LLVMValueRef args[3] = {self, cg_i64(c, 1), cg_i64(c, 1)};
    cg_call_fn(c, cg_rt(c, "trc_vec_free"), args, 3);
    return;
  }
  default:
    return;  // nothing to drop
  }
}

void cg_emit_drop(CG *c, LLVMValueRef addr, Type *t) {
  t = ty_resolve(t);
  if (!ty_needs_drop(t)) return;
  LLVMValueRef fn = cg_drop_glue(c, t);
  cg_call_fn(c, fn, &addr, 1);
}

// ---------------------------------------------------------------------------------------------
// Cleanups

void cg_push_cleanup(CG *c, Type *t, LLVMValueRef addr) { vec_push(&c->cleanups, (Cleanup){t, addr}); }

// Drops the elements of a by-value `for` loop's Vec (at vec) from the index stored at from on
// (those not yet handed out), then its buffer.
void cg_drop_vec_rest(CG *c, LLVMValueRef vec, LLVMValueRef from, Type *el) {
  if (ty_needs_drop(el)) {
    LLVMValueRef buf = LLVMBuildLoad2(c->b, c->t_ptr, LLVMBuildStructGEP2(c->b, c->t_vec, vec, 0, ""), "");
    LLVMValueRef len = LLVMBuildLoad2(c->b, c->t_i64, LLVMBuildStructGEP2(c->b, c->t_vec, vec, 2, ""), "");
    LLVMValueRef idx = LLVMBuildLoad2(c->b, c->t_i64, from, "");
    cg_drop_elements(c, buf, idx, len, el);
  }
  LLVMValueRef args[3] = {vec, cg_i64(c, cg_size_of(c, el)), cg_i64(c, cg_align_of(c, el))};
  cg_call_fn(c, cg_rt(c, "trc_vec_free"), args, 3);
}

static void emit_cleanup(CG *c, Cleanup *cl) { cg_emit_drop(c, cl->addr, cl->ty); }

// Every pending cleanup, on a landing pad. Drops are plain calls: a Drop::drop that panics
// here does not unwind into the same landing pad, which would drop the same values again.
void cg_emit_unwind_cleanups(CG *c) {
  if (cg_block_terminated(c)) return;
  bool saved = c->in_cleanup;
  c->in_cleanup = true;
  for (int i = c->cleanups.len - 1; i >= 0; i--) emit_cleanup(c, &c->cleanups.data[i]);
  c->in_cleanup = saved;
}

Type *cg_ctor_field_type(Type *t, int variant, int field) {
  StructDecl *s = t->sdecl;
  FieldDecl *fd = s->is_enum ? s->variants[variant].fields : s->fields;
  return cg_subst(fd[field].type, t->args, t->nargs);
}

LLVMValueRef cg_ctor_field_addr(CG *c, Type *t, int variant, LLVMValueRef addr, int field) {
  if (t->kind == TY_STRUCT && t->sdecl->is_enum) return cg_variant_field(c, t, variant, addr, field);
  return LLVMBuildStructGEP2(c->b, cg_lltype(c, t), addr, cg_field_slot(c, t, field), "");
}

// Frees the memory of the Box<T> (T sized) at self without dropping its contents: they were
// dropped already, or moved out (`let next = node.next;`).
void cg_free_box(CG *c, LLVMValueRef self, Type *in) {
  LLVMValueRef args[3] = {LLVMBuildLoad2(c->b, c->t_ptr, self, ""), cg_i64(c, cg_size_of(c, in)), cg_i64(c, cg_align_of(c, in))};
  cg_call_fn(c, cg_rt(c, "trc_dealloc"), args, 3);
}

// Frees the memory of a `Box<dyn Tr>` (its data and vtable pointers) without dropping the value:
// its size and alignment are the vtable's second and third words.
void cg_free_box_dyn(CG *c, LLVMValueRef data, LLVMValueRef vt) {
  LLVMValueRef off8 = cg_i64(c, 8), off16 = cg_i64(c, 16);
  LLVMValueRef size = LLVMBuildLoad2(c->b, c->t_i64, LLVMBuildGEP2(c->b, c->t_i8, vt, &off8, 1, ""), "size");
  LLVMValueRef align = LLVMBuildLoad2(c->b, c->t_i64, LLVMBuildGEP2(c->b, c->t_i8, vt, &off16, 1, ""), "align");
  LLVMValueRef args[3] = {data, size, align};
  cg_call_fn(c, cg_rt(c, "trc_dealloc"), args, 3);
}

// Drops the value of unsized type t at addr in place, its metadata meta read for what is
// behind it (a `dyn Tr` through its vtable, a struct's unsized tail after its other fields).
void cg_drop_unsized(CG *c, Type *t, LLVMValueRef addr, LLVMValueRef meta) {
  t = ty_resolve(t);
  if (ty_is_sized(t)) {
    cg_emit_drop(c, addr, t);
    return;
  }
  switch (t->kind) {
  case TY_DYN: {
    drop_through_vtable(c, t, addr, meta);
    return;
  }
  case TY_STR: return;
  case TY_SLICE:
    if (ty_needs_drop(t->inner)) cg_drop_elements(c, addr, cg_i64(c, 0), meta, t->inner);
    return;
  default: {
    // Its own Drop::drop (given the fat `&mut self`), then the fields in declaration order, as
    // a sized struct's drop glue does; the tail is last.
    StructDecl *s = t->sdecl;
    Instance *drop_fn = mono_drop_method(t);
    if (drop_fn) {
      LLVMValueRef self[2] = {addr, meta};
      cg_call_fn(c, cg_instance_fn(c, drop_fn), self, 2);
    }
    LLVMTypeRef st = cg_lltype(c, t);
    for (int i = 0; i + 1 < s->nfields; i++) {
      Type *ft = cg_subst(s->fields[i].type, t->args, t->nargs);
      if (ty_needs_drop(ft)) cg_emit_drop(c, LLVMBuildStructGEP2(c->b, st, addr, cg_field_slot(c, t, i), ""), ft);
    }
    cg_drop_unsized(c, ty_tail_field(t), cg_tail_addr(c, t, addr, meta), meta);
    return;
  }
  }
}
