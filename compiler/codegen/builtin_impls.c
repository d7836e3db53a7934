// builtin_impls.c — the Clone and PartialEq that trc gives the builtin types (sema's
// builtin_impl): a String, a Vec, a Box, a tuple or an array clones and compares element by
// element, calling the element type's own impl where it has one (a #[derive] writes those).
// Each (type, trait) gets one helper function, `<Vec<Point> as Clone>::clone`.
#include "codegen/codegen_internal.h"

#include <string.h>

static TraitDecl clone_key, eq_key;  // cache keys (in c->debugs)

static LLVMValueRef clone_fn(CG *c, Type *t);
static LLVMValueRef eq_fn(CG *c, Type *t, Type *rhs);

// `<t as trait>::name(args)` through t's impl (or the trait's default body).
// rhs: PartialEq's Rhs (the other types of the trait take Self).
static LLVMValueRef call_impl(CG *c, TraitDecl *trait, const char *name, Type *t, Type *rhs, LLVMValueRef *args) {
  FnDecl *method = trait_find_method(trait, intern_cstr(name), NULL);
  Type **targs = mono_self_targs(trait, t);
  if (trait == c->crate->partial_eq_trait) targs[1] = rhs;
  LLVMValueRef fn = cg_instance_fn(c, mono_trait_method(trait, method, t, targs, trait->env->n, (Span){0}));
  LLVMValueRef all[4];  // self, PartialEq's other, and where a large clone goes
  int n = method->nparams + 1;
  memcpy(all, args, sizeof(LLVMValueRef) * n);
  Type *ret = cg_subst(method->ret_type, targs, trait->env->n);
  LLVMValueRef slot = cg_result_slot(c, ret, NULL);
  if (slot) all[n++] = slot;
  return cg_load_value(c, cg_call_result(c, cg_call(c, LLVMGlobalGetValueType(fn), fn, all, n, ""), ret, slot));
}

// The clone of the value at p.
static LLVMValueRef clone_value(CG *c, LLVMValueRef p, Type *t) {
  t = ty_resolve(t);
  if (ty_is_copy(t)) return cg_load(c, t, p);
  if ((t->kind == TY_ITER && !t->mut) || t->kind == TY_RANGE) return cg_load(c, t, p);  // bitwise (sema's builtin_impl)
  if (t->kind == TY_STRING) return cg_string_from_parts(c, cg_vec_field(c, p, 0), cg_vec_field(c, p, 2));
  if (t->kind == TY_STRUCT || !mono_has_builtin_impl(c->crate->clone_trait, t, NULL))  // `impl Clone for Box<dyn Shape>`
    return call_impl(c, c->crate->clone_trait, "clone", t, t, &p);
  LLVMValueRef fn = clone_fn(c, t);
  return cg_call(c, LLVMGlobalGetValueType(fn), fn, &p, 1, "");
}

static void emit_clone_body(CG *c, LLVMValueRef src, Type *t) {
  switch (t->kind) {
  case TY_VEC: {
    Type *el = ty_resolve(t->inner);
    LLVMValueRef out = cg_alloca(c, c->t_vec, "clone");
    LLVMBuildStore(c->b, cg_empty_vec(c, cg_align_of(c, el)), out);
    LLVMValueRef len = cg_vec_field(c, src, 2);
    LLVMValueRef args[4] = {out, len, cg_i64(c, cg_size_of(c, el)), cg_i64(c, cg_align_of(c, el))};
    cg_call_fn(c, cg_rt(c, "trc_vec_reserve"), args, 4);
    CgLoop l = cg_loop_begin(c, cg_i64(c, 0), len, "clone");
    LLVMValueRef v = clone_value(c, LLVMBuildGEP2(c->b, cg_lltype(c, el), cg_vec_field(c, src, 0), &l.i, 1, ""), el);
    LLVMBuildStore(c->b, v, LLVMBuildGEP2(c->b, cg_lltype(c, el), cg_vec_field(c, out, 0), &l.i, 1, ""));
    LLVMValueRef done = LLVMBuildAdd(c->b, l.i, cg_i64(c, 1), "");
    LLVMBuildStore(c->b, done, LLVMBuildStructGEP2(c->b, c->t_vec, out, 2, ""));  // the clone owns what is done
    cg_loop_end(c, &l);
    LLVMBuildRet(c->b, LLVMBuildLoad2(c->b, c->t_vec, out, ""));
    return;
  }
  case TY_BOX: {
    Type *in = ty_resolve(t->inner);
    LLVMValueRef v = clone_value(c, LLVMBuildLoad2(c->b, c->t_ptr, src, ""), in);
    LLVMValueRef args[2] = {cg_i64(c, cg_size_of(c, in)), cg_i64(c, cg_align_of(c, in))};
    LLVMValueRef p = cg_call_fn(c, cg_rt(c, "trc_alloc"), args, 2);
    LLVMBuildStore(c->b, v, p);
    LLVMBuildRet(c->b, p);
    return;
  }
  case TY_TUPLE: case TY_ARRAY: {
    LLVMValueRef v = LLVMGetUndef(cg_lltype(c, t));
    int n = t->kind == TY_TUPLE ? t->nargs : (int)t->len;
    for (int i = 0; i < n; i++) {
      Type *ft = t->kind == TY_TUPLE ? t->args[i] : t->inner;
      unsigned slot = t->kind == TY_TUPLE ? (unsigned)cg_field_slot(c, t, i) : (unsigned)i;
      LLVMValueRef fp = LLVMBuildStructGEP2(c->b, cg_lltype(c, t), src, slot, "");
      if (t->kind == TY_ARRAY) {
        LLVMValueRef idx[2] = {cg_i64(c, 0), cg_i64(c, i)};
        fp = LLVMBuildGEP2(c->b, cg_lltype(c, t), src, idx, 2, "");
      }
      v = LLVMBuildInsertValue(c->b, v, clone_value(c, fp, ft), slot, "");
    }
    LLVMBuildRet(c->b, v);
    return;
  }
  default: ice((Span){0}, "no Clone for `%s`", ty_name(t));
  }
}

static LLVMValueRef clone_fn(CG *c, Type *t) {
  t = ty_resolve(t);
  LLVMValueRef fn = cg_cache_get(&c->debugs, t, &clone_key);
  if (fn) return fn;
  LLVMTypeRef pt = c->t_ptr;
  fn = LLVMAddFunction(c->mod, arena_printf("<%s as Clone>::clone", ty_name(t)), LLVMFunctionType(cg_lltype(c, t), &pt, 1, false));
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  cg_add_uwtable(c, fn);
  cg_cache_put(&c->debugs, t, &clone_key, fn);
  SavedFn saved;
  cg_begin_helper(c, fn, &saved);
  emit_clone_body(c, LLVMGetParam(fn, 0), t);
  cg_end_helper(c, &saved);
  return fn;
}

// `Box<dyn Tr> == Box<dyn Tr>` (in a Vec of them): the impl for `dyn Tr` (`impl PartialEq for dyn
// Animal`) called with the boxes' fat pointers.
static LLVMValueRef eq_boxed_dyn(CG *c, LLVMValueRef pa, LLVMValueRef pb, Type *t) {
  TraitDecl *tr = c->crate->partial_eq_trait;
  Type *r = ty_ref(t, false);
  FnDecl *method = trait_find_method(tr, intern_cstr("eq"), NULL);
  LLVMValueRef fn = cg_instance_fn(c, mono_trait_method(tr, method, t, mono_self_targs(tr, t), tr->env->n, (Span){0}));
  LLVMValueRef args[4];
  int n = cg_push_arg(c, cg_value(cg_load(c, r, pa), r), args, 0);
  n = cg_push_arg(c, cg_value(cg_load(c, r, pb), r), args, n);
  return cg_call(c, LLVMGlobalGetValueType(fn), fn, args, n, "");
}

// Where eq_value finds what the reference at p (of type ref) points to: the pointer it holds,
// or for a slice the fat pointer's own address (a `[T]` is compared through its `&[T]`, as a
// `Box<[T]>` is below). `(x, 1) == (y, 1)` with x, y: &[u8] passed the slices' data pointers.
static LLVMValueRef pointee_at(CG *c, LLVMValueRef p, Type *ref) {
  return ty_is_sized(ty_resolve(ref)->inner) ? LLVMBuildLoad2(c->b, c->t_ptr, p, "") : p;
}

static LLVMValueRef eq_seq_call(CG *c, LLVMValueRef pa, LLVMValueRef pb, Type *t, Type *rhs) {
  LLVMValueRef fn = eq_fn(c, t, rhs);
  LLVMValueRef args[2] = {pa, pb};
  return cg_call(c, LLVMGlobalGetValueType(fn), fn, args, 2, "");
}

// Whether the values at pa (of type t) and pb (of type rhs: t, but for what references lead
// to, `&A == &B` comparing A with B) are equal.
static LLVMValueRef eq_value(CG *c, LLVMValueRef pa, LLVMValueRef pb, Type *t, Type *rhs) {
  t = ty_resolve(t);
  rhs = ty_resolve(rhs);
  if (t != rhs && !(t->kind == TY_REF && rhs->kind == TY_REF) && !mono_has_builtin_impl(c->crate->partial_eq_trait, t, rhs)) {
    LLVMValueRef args[2] = {pa, pb};
    return call_impl(c, c->crate->partial_eq_trait, "eq", t, rhs, args);
  }
  switch (t->kind) {
  case TY_INT: case TY_BOOL: case TY_CHAR: case TY_FLOAT: case TY_UNIT:
    return cg_compare(c, TK_EQEQ, cg_load(c, t, pa), cg_load(c, t, pb), t);
  case TY_STRING: case TY_STR:
    return cg_str_compare(c, TK_EQEQ, pa, ty_ref(t, false), pb, ty_ref(t, false));
  case TY_REF:
    if (rhs->kind != TY_REF) return eq_seq_call(c, pa, pb, t, rhs);  // `&[T] == Vec<U>`
    if (ty_resolve(t->inner)->kind == TY_STR && t == rhs) return cg_str_compare(c, TK_EQEQ, cg_load(c, t, pa), t, cg_load(c, t, pb), t);
    if (ty_resolve(t->inner)->kind == TY_DYN) return eq_boxed_dyn(c, pa, pb, ty_resolve(t->inner));  // `impl PartialEq for dyn Card`
    return eq_value(c, pointee_at(c, pa, t), pointee_at(c, pb, rhs), t->inner, rhs->inner);
  case TY_BOX:
    if (ty_resolve(t->inner)->kind == TY_DYN) return eq_boxed_dyn(c, pa, pb, ty_resolve(t->inner));
    // Box<[T]> is laid out as the fat pointer the slice comparison reads from its address;
    // Box<str> as the `&str` value the string comparison takes.
    if (!ty_is_sized(t->inner)) {
      Type *ri = rhs->kind == TY_BOX ? rhs->inner : t->inner;
      if (ty_resolve(t->inner)->kind != TY_STR) return eq_value(c, pa, pb, t->inner, ri);
      LLVMTypeRef fat = cg_lltype(c, t);
      return eq_value(c, LLVMBuildLoad2(c->b, fat, pa, ""), LLVMBuildLoad2(c->b, fat, pb, ""), t->inner, ri);
    }
    return eq_value(c, LLVMBuildLoad2(c->b, c->t_ptr, pa, ""), LLVMBuildLoad2(c->b, c->t_ptr, pb, ""), t->inner, t->inner);
  case TY_STRUCT: {
    LLVMValueRef args[2] = {pa, pb};
    return call_impl(c, c->crate->partial_eq_trait, "eq", t, rhs, args);
  }
  default: return eq_seq_call(c, pa, pb, t, rhs);
  }
}

// Returns false from the eq function unless cond holds.
static void require_eq(CG *c, LLVMValueRef cond) {
  LLVMBasicBlockRef no = cg_new_block(c, "ne"), yes = cg_new_block(c, "eq");
  LLVMBuildCondBr(c->b, cond, yes, no);
  cg_set_block(c, no);
  LLVMBuildRet(c->b, LLVMConstInt(c->t_i1, 0, 0));
  cg_set_block(c, yes);
}

// Compares n elements at da (of type ea) and db (of type eb).
static void require_elements_eq(CG *c, LLVMValueRef da, LLVMValueRef db, LLVMValueRef n, Type *ea, Type *eb) {
  CgLoop l = cg_loop_begin(c, cg_i64(c, 0), n, "eq");
  LLVMValueRef pa = LLVMBuildGEP2(c->b, cg_lltype(c, ea), da, &l.i, 1, ""), pb = LLVMBuildGEP2(c->b, cg_lltype(c, eb), db, &l.i, 1, "");
  require_eq(c, eq_value(c, pa, pb, ea, eb));
  cg_loop_end(c, &l);
}

// The elements and length of the sequence at p: a Vec or an array there, or a slice's fat
// pointer (a `[T]` is compared through its `&[T]`), or a reference to a slice or an array.
static void seq_parts_at(CG *c, LLVMValueRef p, Type *t, LLVMValueRef *data, LLVMValueRef *len) {
  t = ty_resolve(t);
  if (t->kind == TY_REF && ty_resolve(t->inner)->kind == TY_ARRAY) {
    p = LLVMBuildLoad2(c->b, c->t_ptr, p, "");
    t = ty_resolve(t->inner);
  }
  if (t->kind == TY_REF) t = ty_resolve(t->inner);
  cg_seq_parts(c, t->kind == TY_SLICE ? LLVMBuildLoad2(c->b, c->t_slice, p, "") : p, t, data, len);
}

static void emit_eq_body(CG *c, LLVMValueRef a, LLVMValueRef b, Type *t, Type *rhs) {
  switch (t->kind) {
  case TY_VEC: case TY_SLICE: case TY_ARRAY: case TY_REF: {  // (`v == [1, 2]`, `words == ["a"]`: std's impls between them)
    LLVMValueRef da, la, db, lb;
    seq_parts_at(c, a, t, &da, &la);
    seq_parts_at(c, b, rhs, &db, &lb);
    require_eq(c, LLVMBuildICmp(c->b, LLVMIntEQ, la, lb, ""));
    require_elements_eq(c, da, db, la, ty_seq_elem(t), ty_seq_elem(rhs));
    break;
  }
  case TY_TUPLE:
    for (int i = 0; i < t->nargs; i++) {
      unsigned slot = (unsigned)cg_field_slot(c, t, i);
      require_eq(c, eq_value(c, LLVMBuildStructGEP2(c->b, cg_lltype(c, t), a, slot, ""), LLVMBuildStructGEP2(c->b, cg_lltype(c, t), b, slot, ""), t->args[i], t->args[i]));
    }
    break;
  default: ice((Span){0}, "no PartialEq for `%s`", ty_name(t));
  }
  LLVMBuildRet(c->b, LLVMConstInt(c->t_i1, 1, 0));
}

static LLVMValueRef eq_fn(CG *c, Type *t, Type *rhs) {
  t = ty_resolve(t);
  rhs = ty_resolve(rhs);
  Type *pair[2] = {t, rhs};
  Type *key = t == rhs ? t : ty_tuple(pair, 2);
  LLVMValueRef fn = cg_cache_get(&c->debugs, key, &eq_key);
  if (fn) return fn;
  LLVMTypeRef pts[2] = {c->t_ptr, c->t_ptr};
  const char *name = t == rhs ? arena_printf("<%s as PartialEq>::eq", ty_name(t)) : arena_printf("<%s as PartialEq<%s>>::eq", ty_name(t), ty_name(rhs));
  fn = LLVMAddFunction(c->mod, name, LLVMFunctionType(c->t_i1, pts, 2, false));
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  cg_cache_put(&c->debugs, key, &eq_key, fn);
  SavedFn saved;
  cg_begin_helper(c, fn, &saved);
  emit_eq_body(c, LLVMGetParam(fn, 0), LLVMGetParam(fn, 1), t, rhs);
  cg_end_helper(c, &saved);
  return fn;
}

// <[T; N] as Debug>::fmt(a, f) is <[T] as Debug>::fmt(&a[..], f).
static LLVMValueRef debug_array(CG *c, FnDecl *method, Type *array, LLVMValueRef *args) {
  array = ty_resolve(array);
  Type *slice = ty_slice(array->inner);
  Type *targs[1] = {slice};
  Instance *in = mono_trait_method(c->crate->debug_trait, method, slice, targs, 1, (Span){0});
  LLVMValueRef fnv = cg_instance_fn(c, in);
  LLVMValueRef call_args[3] = {args[0], cg_i64(c, array->len), args[1]};
  return cg_call(c, LLVMGlobalGetValueType(fnv), fnv, call_args, 3, "");
}

LLVMValueRef cg_builtin_trait_call(CG *c, TraitDecl *trait, FnDecl *method, Type *self, Type *rhs, LLVMValueRef *args) {
  if (!mono_has_builtin_impl(trait, self, rhs)) return NULL;
  if (trait == c->crate->clone_trait) return clone_value(c, args[0], self);
  if (trait == c->crate->debug_trait) return debug_array(c, method, self, args);
  LLVMValueRef a = args[0], b = args[1];
  // &[T] is the slice itself; eq_value wants its address
  if (ty_resolve(self)->kind == TY_SLICE) a = cg_spill(c, a, ty_ref(self, false));
  if (ty_resolve(rhs ? rhs : self)->kind == TY_SLICE) b = cg_spill(c, b, ty_ref(rhs ? rhs : self, false));
  LLVMValueRef r = eq_value(c, a, b, self, rhs ? rhs : self);
  return strcmp(method->name, "ne") ? r : LLVMBuildNot(c->b, r, "");
}

// A builtin impl's method as a function of its own, for a vtable slot (`&[1, 2]` as `&dyn
// Debug`): `<[i32; 2] as Debug>::fmt(self, f)`, calling what cg_builtin_trait_call emits.
LLVMValueRef cg_builtin_impl_fn(CG *c, TraitDecl *trait, FnDecl *method, Type *self) {
  static TraitDecl shim_key;
  LLVMValueRef fn = cg_cache_get(&c->debugs, self, &shim_key);
  if (fn) return fn;
  Type *ret = method->ret_type;
  LLVMTypeRef pts[2] = {c->t_ptr, c->t_ptr};
  fn = LLVMAddFunction(c->mod, arena_printf("<%s as %s>::%s", ty_name(self), trait->name, method->name),
                       LLVMFunctionType(cg_lltype(c, ret), pts, 2, false));
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  cg_cache_put(&c->debugs, self, &shim_key, fn);
  SavedFn saved;
  cg_begin_helper(c, fn, &saved);
  LLVMValueRef args[2] = {LLVMGetParam(fn, 0), LLVMGetParam(fn, 1)};
  LLVMBuildRet(c->b, cg_builtin_trait_call(c, trait, method, self, NULL, args));
  cg_end_helper(c, &saved);
  return fn;
}
