// call.c — the calling convention, and calling closures, function pointers and `dyn Fn`.
//
// Arguments are flattened as the function types in types.c declare them: a fat pointer is two
// arguments, a unit value none. A callable value is called through what it is: a closure's
// body (an instance whose first argument is the environment), a function pointer, or the one
// method slot of a `dyn Fn*` vtable. A `dyn Fn*` vtable of a function pointer (or of a
// reference to a callable) points at a shim that makes that call.
#include "codegen/codegen_internal.h"

#include <string.h>

void cg_copy(CG *c, LLVMValueRef dst, LLVMValueRef src, Type *t) {
  unsigned align = (unsigned)cg_align_of(c, t);
  LLVMBuildMemCpy(c->b, dst, align, src, align, cg_i64(c, cg_size_of(c, t)));
}

LLVMValueRef cg_load_value(CG *c, CgValue v) { return v.by_ref ? cg_load(c, v.ty, v.v) : v.v; }

// Flattens one argument per the ABI: fat pointers become two, unit vanishes, a value in memory
// is the address of a copy the callee owns.
int cg_push_arg(CG *c, CgValue a, LLVMValueRef *out, int n) {
  Type *t = ty_resolve(a.ty);
  LLVMValueRef v = a.v;
  if (t->kind == TY_UNIT) return n;
  if (cg_in_memory(c, t)) {
    if (!a.by_ref) {  // a value codegen computed: into a temporary
      LLVMValueRef tmp = cg_alloca(c, cg_lltype(c, t), "arg");
      LLVMBuildStore(c->b, v, tmp);
      v = tmp;
    }
    out[n++] = v;
    return n;
  }
  if (a.by_ref) v = cg_load(c, t, v);
  if (cg_is_fat(t)) {
    out[n++] = cg_extract(c, v, 0, "");
    out[n++] = cg_extract(c, v, 1, "");
    return n;
  }
  out[n++] = v;
  return n;
}

LLVMValueRef cg_result_slot(CG *c, Type *ret, LLVMValueRef out) {
  if (!cg_in_memory(c, ret)) return NULL;
  return out ? out : cg_alloca(c, cg_lltype(c, ret), "result");
}

CgValue cg_call_result(CG *c, LLVMValueRef callv, Type *ret, LLVMValueRef slot) {
  if (slot) return cg_value_at(slot, ret);
  return cg_value(cg_finish_call(c, callv, ret), ret);
}

LLVMValueRef cg_finish_call(CG *c, LLVMValueRef callv, Type *ret) {
  ret = ty_resolve(ret);
  if (ret->kind == TY_NEVER) {
    LLVMBuildUnreachable(c->b);
    cg_start_dead_block(c);
    return cg_unit(c);
  }
  if (ret->kind == TY_UNIT) return cg_unit(c);
  return callv;
}

static TraitDecl fn_shim_key;  // cache key (in c->debugs) for the `dyn Fn` shims of fn pointers
static TraitDecl fn_ptr_key;   // ... for the fn pointers made of closures
static TraitDecl once_shim_key;  // ... and for `dyn FnOnce`'s consuming call slots

typedef struct {
  Type **params;
  int n;
  Type *ret;
} CallSig;

// The parameter types and result of a `dyn Fn(A, B) -> R`.
static Type **dyn_fn_params(CG *c, Type *dyn, int *n, Type **ret) {
  TraitRef *r = dyn->principal;
  Type *args = ty_resolve(cg_type_of(c, r->args[0]));
  *n = args->kind == TY_TUPLE ? args->nargs : 0;
  *ret = r->nassoc ? cg_type_of(c, r->assoc_types[0]) : ty_unit;
  return args->kind == TY_TUPLE ? args->args : NULL;
}

// Calls the callable at callee (a place) with argument values already evaluated.
CgValue cg_call_callable(CG *c, CgValue callee, CgValue *vals, int n, Type *ret, LLVMValueRef out) {
  LLVMValueRef place = callee.v;
  Type *t = callee.ty;
  LLVMValueRef *args = arena_alloc(sizeof(LLVMValueRef) * (2 * n + 3));
  LLVMValueRef slot = cg_result_slot(c, ret, out);
  int na = 1;
  for (;;) {
    t = ty_callable(t);  // (an AssertUnwindSafe's closure is at its address)
    if ((t->kind == TY_REF || t->kind == TY_BOX) && ty_resolve(t->inner)->kind == TY_DYN) {
      // dyn Fn: the vtable's one method slot, called with the data pointer.
      Type *dyn = ty_resolve(t->inner);
      LLVMValueRef fat = cg_load(c, t, place);
      args[0] = cg_extract(c, fat, 0, "data");
      LLVMValueRef vt = cg_extract(c, fat, 1, "vtable");
      for (int i = 0; i < n; i++) na = cg_push_arg(c, vals[i], args, na);
      int np;
      Type *dret;
      Type **ps = dyn_fn_params(c, dyn, &np, &dret);
      TraitDecl *tr = dyn->principal->trait;
      LLVMValueRef off = cg_i64(c, 8 * (uint64_t)cg_vtable_slot(tr, tr->methods[0]));
      LLVMValueRef fn = LLVMBuildLoad2(c->b, c->t_ptr, LLVMBuildGEP2(c->b, c->t_i8, vt, &off, 1, ""), "call");
      if (slot) args[na++] = slot;
      return cg_call_result(c, cg_call(c, cg_closure_fn_type(c, ps, np, dret), fn, args, na, ""), ret, slot);
    }
    if (t->kind == TY_REF || t->kind == TY_BOX) {
      place = LLVMBuildLoad2(c->b, c->t_ptr, place, "");
      t = t->inner;
      continue;
    }
    break;
  }
  if (t->kind == TY_FN) {
    LLVMValueRef fn = LLVMBuildLoad2(c->b, c->t_ptr, place, "fnptr");
    int k = 0;
    for (int i = 0; i < n; i++) k = cg_push_arg(c, vals[i], args, k);
    if (slot) args[k++] = slot;
    return cg_call_result(c, cg_call(c, cg_fn_type(c, NULL, t->args, t->nargs, t->ret), fn, args, k, ""), ret, slot);
  }
  if (t->kind != TY_CLOSURE) ice((Span){0}, "calling a value of type `%s`", ty_name(t));
  LLVMValueRef fn = cg_instance_fn(c, mono_instance(t->closure, t->args, t->nargs, (Span){0}));
  args[0] = place;
  for (int i = 0; i < n; i++) na = cg_push_arg(c, vals[i], args, na);
  if (slot) args[na++] = slot;
  return cg_call_result(c, cg_call(c, LLVMGlobalGetValueType(fn), fn, args, na, ""), ret, slot);
}

// A closure that captures nothing, as a fn pointer: a function with the fn pointer's signature
// (no environment) that calls the closure's body with an environment of nothing, which the
// body never reads.
LLVMValueRef cg_closure_fn_pointer(CG *c, Type *t) {
  t = ty_resolve(t);
  LLVMValueRef shim = cg_cache_get(&c->debugs, t, &fn_ptr_key);
  if (shim) return shim;
  LLVMValueRef body = cg_instance_fn(c, mono_instance(t->closure, t->args, t->nargs, (Span){0}));
  LLVMTypeRef bt = LLVMGlobalGetValueType(body);
  unsigned n = LLVMCountParamTypes(bt);
  LLVMTypeRef *ps = arena_alloc(sizeof(LLVMTypeRef) * (n + 1));
  LLVMGetParamTypes(bt, ps);
  shim = LLVMAddFunction(c->mod, arena_printf("<%s as fn>", ty_name(t)), LLVMFunctionType(LLVMGetReturnType(bt), ps + 1, n - 1, false));
  LLVMSetLinkage(shim, LLVMInternalLinkage);
  cg_add_uwtable(c, shim);
  cg_cache_put(&c->debugs, t, &fn_ptr_key, shim);
  SavedFn saved;
  cg_begin_helper(c, shim, &saved);
  LLVMValueRef *args = arena_alloc(sizeof(LLVMValueRef) * (n + 1));
  args[0] = LLVMConstNull(c->t_ptr);  // the environment: zero-sized
  for (unsigned i = 1; i < n; i++) args[i] = LLVMGetParam(shim, i - 1);
  LLVMValueRef r = cg_call(c, bt, body, args, n, "");
  if (LLVMGetTypeKind(LLVMGetReturnType(bt)) == LLVMVoidTypeKind) LLVMBuildRetVoid(c->b);
  else LLVMBuildRet(c->b, r);
  cg_end_helper(c, &saved);
  return shim;
}

// The function a vtable of `dyn Fn*` calls for a concrete callable.
LLVMValueRef cg_fn_call_slot(CG *c, Type *t) {
  t = ty_resolve(t);
  if (t->kind == TY_CLOSURE) return cg_instance_fn(c, mono_instance(t->closure, t->args, t->nargs, (Span){0}));
  LLVMValueRef shim = cg_cache_get(&c->debugs, t, &fn_shim_key);
  if (shim) return shim;
  // A function pointer (or a reference to a callable) behind the data pointer: a shim calls it.
  Type *callee = t;
  while (callee->kind == TY_REF || callee->kind == TY_BOX) callee = ty_resolve(callee->inner);
  CallSig sig = {0};
  if (callee->kind == TY_FN) {
    sig.params = callee->args;
    sig.n = callee->nargs;
    sig.ret = callee->ret;
  } else if (callee->kind == TY_CLOSURE) {
    FnDecl *f = callee->closure;
    sig.n = f->nparams;
    sig.params = arena_alloc(sizeof(Type *) * (f->nparams + 1));
    for (int i = 0; i < f->nparams; i++) sig.params[i] = cg_subst(f->param_types[i], callee->args, callee->nargs);
    sig.ret = cg_subst(f->ret_type, callee->args, callee->nargs);
  } else if (callee->kind == TY_DYN) {  // a Box<dyn Fn(A) -> R> boxed again: the shim calls through its vtable
    sig.params = dyn_fn_params(c, callee, &sig.n, &sig.ret);
  } else {
    ice((Span){0}, "no call slot for `%s`", ty_name(t));
  }
  shim = LLVMAddFunction(c->mod, arena_printf("<%s as Fn>::call", ty_name(t)), cg_closure_fn_type(c, sig.params, sig.n, sig.ret));
  LLVMSetLinkage(shim, LLVMInternalLinkage);
  cg_add_uwtable(c, shim);
  cg_cache_put(&c->debugs, t, &fn_shim_key, shim);
  SavedFn saved;
  cg_begin_helper(c, shim, &saved);
  CgValue *vals = arena_alloc(sizeof(CgValue) * (sig.n + 1));
  int argi = 1;
  for (int i = 0; i < sig.n; i++) {
    Type *pt = ty_resolve(sig.params[i]);
    vals[i].ty = pt;
    if (pt->kind == TY_UNIT) {
      vals[i].v = cg_unit(c);
    } else if (cg_is_fat(pt)) {
      LLVMValueRef fat = LLVMGetUndef(cg_lltype(c, pt));
      fat = LLVMBuildInsertValue(c->b, fat, LLVMGetParam(shim, argi++), 0, "");
      vals[i].v = LLVMBuildInsertValue(c->b, fat, LLVMGetParam(shim, argi++), 1, "");
    } else {
      vals[i].v = LLVMGetParam(shim, argi++);
      vals[i].by_ref = cg_in_memory(c, pt);  // the copy the shim was given, passed on
    }
  }
  LLVMValueRef out = cg_in_memory(c, sig.ret) ? LLVMGetParam(shim, argi) : NULL;
  CgValue r = cg_call_callable(c, cg_value(LLVMGetParam(shim, 0), t), vals, sig.n, sig.ret, out);
  if (cg_returns_void(sig.ret) || out) LLVMBuildRetVoid(c->b);
  else LLVMBuildRet(c->b, r.v);
  cg_end_helper(c, &saved);
  return shim;
}

// `dyn FnOnce`'s call slot consumes the value: calling a `Box<dyn FnOnce()>` frees the box
// without dropping what is in it. A closure whose body moves its captures out (an FnOnce
// closure) already owns and drops them; any other callable is called, then dropped here.
LLVMValueRef cg_call_once_shim(CG *c, Type *t, LLVMValueRef slot) {
  t = ty_resolve(t);
  if ((t->kind == TY_CLOSURE && t->closure->is_fn_once) || !ty_needs_drop(t)) return slot;
  LLVMValueRef shim = cg_cache_get(&c->debugs, t, &once_shim_key);
  if (shim) return shim;
  LLVMTypeRef fty = LLVMGlobalGetValueType(slot);
  shim = LLVMAddFunction(c->mod, arena_printf("<%s as FnOnce>::call_once", ty_name(t)), fty);
  LLVMSetLinkage(shim, LLVMInternalLinkage);
  cg_add_uwtable(c, shim);
  cg_cache_put(&c->debugs, t, &once_shim_key, shim);
  SavedFn saved;
  cg_begin_helper(c, shim, &saved);
  unsigned n = LLVMCountParams(shim);
  LLVMValueRef *args = arena_alloc(sizeof(LLVMValueRef) * (n + 1));
  for (unsigned i = 0; i < n; i++) args[i] = LLVMGetParam(shim, i);
  LLVMValueRef r = LLVMBuildCall2(c->b, fty, slot, args, n, "");
  cg_emit_drop(c, args[0], t);
  if (LLVMGetTypeKind(LLVMGetReturnType(fty)) == LLVMVoidTypeKind) LLVMBuildRetVoid(c->b);
  else LLVMBuildRet(c->b, r);
  cg_end_helper(c, &saved);
  return shim;
}
