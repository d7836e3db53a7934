// body.c — LLVM IR from a MIR body (lower/lower.h).
//
// A MIR local is either the LLVM value written to it (locals.c says which can be) or an alloca
// in the entry block (mem2reg makes registers of most at -O2); a MIR block becomes an LLVM block
// of the same number, or goes on in its predecessor's (see chain_next), and each statement and
// terminator a few instructions. The interesting part is places: a place is computed as a
// `PlaceVal`, the address of the value plus, for an unsized place (`*d` with d: &dyn Tr, a
// slice), the pointer's metadata (vtable or length). Borrowing such a place rebuilds the fat
// pointer; that one rule covers `&*d`, reborrows and receivers of dyn calls alike.
//
// The ABI (function.c, call.c): fat pointers as two arguments, vtables and symbols as README's
// "How dispatch is lowered" shows them. Generic bodies are emitted per instance: every type passes through cg_type_of, which
// substitutes the instance's type arguments, and a trait call is resolved here, through mono.
#include "codegen/codegen_internal.h"

#include <limits.h>
#include <string.h>

typedef struct {
  Body *b;
  LLVMValueRef *slots;        // per local on the stack: its alloca
  LLVMValueRef *flags;        // per local whose type needs dropping: its i1 drop flag
  LLVMBasicBlockRef *blocks;  // per MIR block
  unsigned char *kinds;       // per local: LocalHome (locals.c)
  LLVMValueRef *vals;         // per local not on the stack: its value once written
  int *next;                  // per block: the block emitted on in its LLVM block, or -1
  int cur;                    // the block being emitted
} MirFn;

// Drop flags (rustc's drop elaboration, done as the code is emitted): a local that needs
// dropping is "initialized" from an assignment to the whole local until it is moved out or
// dropped, and a `drop` of it happens only then. drop_flags.c folds the flags known where read.
static void set_flag(CG *c, MirFn *m, Place p, bool v) {
  if (p.nproj || !m->flags[p.local]) return;
  LLVMBuildStore(c->b, LLVMConstInt(c->t_i1, v, false), m->flags[p.local]);
}

// A place: where it is, and the metadata of an unsized one.
typedef struct {
  LLVMValueRef addr;
  LLVMValueRef meta;    // vtable (dyn) or length (slice, str); NULL when sized
  Type *ty;             // concrete
  int variant;          // after a downcast: the variant whose fields are reached; else -1
} PlaceVal;

static Type *local_ty(CG *c, MirFn *m, int local) { return cg_type_of(c, m->b->locals.data[local].ty); }

// Which locals get a drop flag: those that need dropping, but the return place (the caller's).
static bool has_drop_flag(CG *c, MirFn *m, int local) { return local != 0 && ty_needs_drop(local_ty(c, m, local)); }

// The exception a cleanup block resumes, from the slot its landing pad stored it in (part by
// part: see cg_call).
static LLVMValueRef load_exception(CG *c) {
  LLVMTypeRef et = cg_exception_type(c);
  LLVMValueRef exn = LLVMGetUndef(et);
  for (unsigned i = 0; i < 2; i++) {
    LLVMValueRef part = LLVMBuildLoad2(c->b, i ? c->t_i32 : c->t_ptr, LLVMBuildStructGEP2(c->b, et, c->exn_slot, i, ""), "");
    exn = LLVMBuildInsertValue(c->b, exn, part, i, i ? "exn" : "");
  }
  return exn;
}

static LLVMValueRef load_ty(CG *c, Type *t, LLVMValueRef addr) { return LLVMBuildLoad2(c->b, cg_lltype(c, t), addr, ""); }

// Locals kept as values (locals.c: written once, before every read, never borrowed).
static bool in_register(MirFn *m, int l) { return m->kinds[l] != LOCAL_STACK; }

static LLVMValueRef local_value(MirFn *m, int l) {
  if (!m->vals[l]) ice((Span){0}, "MIR local _%d is read before it is written", l);
  return m->vals[l];
}

// The write of a register local (a zero-sized one keeps its constant).
static void set_register(MirFn *m, int l, LLVMValueRef v) {
  if (m->kinds[l] == LOCAL_VALUE) m->vals[l] = v;
}

static LLVMValueRef read_local(CG *c, MirFn *m, int l) {
  return in_register(m, l) ? local_value(m, l) : load_ty(c, local_ty(c, m, l), m->slots[l]);
}

static bool fields_only(Place p) {
  for (int i = 0; i < p.nproj; i++)
    if (p.proj[i].kind != PROJ_FIELD) return false;
  return true;
}

// The leading field projections of a register local's place, as extractvalues: the value they
// reach, its type in *ty, and in *i the first projection not walked.
static LLVMValueRef register_fields(CG *c, MirFn *m, Place p, Type **ty, int *i) {
  LLVMValueRef v = local_value(m, p.local);
  *ty = local_ty(c, m, p.local);
  for (*i = 0; *i < p.nproj && p.proj[*i].kind == PROJ_FIELD; (*i)++) {
    v = cg_extract(c, v, cg_field_slot(c, *ty, p.proj[*i].field), "");
    *ty = cg_type_of(c, p.proj[*i].ty);
  }
  return v;
}

// `*ptr` for the value ptr of the pointer-like type v->ty: the address it holds and, for an
// unsized pointee, the metadata beside it (a Vec or String: the slice of its elements).
static void deref_value(CG *c, PlaceVal *v, LLVMValueRef ptr) {
  Type *pt = ty_resolve(v->ty);
  bool vec = pt->kind == TY_VEC || pt->kind == TY_STRING;  // {ptr, cap, len}
  if (vec || pt->kind == TY_ITER || ty_is_fat_ptr(pt)) {
    v->addr = cg_extract(c, ptr, 0, "");
    v->meta = cg_extract(c, ptr, vec ? 2 : 1, "");
  } else {
    v->addr = ptr;
    v->meta = NULL;
  }
}

static PlaceVal place_val(CG *c, MirFn *m, Place p) {
  PlaceVal v = {m->slots[p.local], NULL, local_ty(c, m, p.local), -1};
  int i = 0;
  if (in_register(m, p.local)) {  // a value: its fields, then a deref of the pointer reached
    LLVMValueRef ptr = register_fields(c, m, p, &v.ty, &i);
    if (i == p.nproj || p.proj[i].kind != PROJ_DEREF) ice((Span){0}, "the address of MIR local _%d is taken", p.local);
    deref_value(c, &v, ptr);
    v.ty = cg_type_of(c, p.proj[i++].ty);
  }
  for (; i < p.nproj; i++) {
    Proj *pr = &p.proj[i];
    Type *next = cg_type_of(c, pr->ty);
    switch (pr->kind) {
    case PROJ_DEREF: {
      Type *pt = ty_resolve(v.ty);
      if (pt->kind == TY_VEC || pt->kind == TY_STRING) {  // the slice of its elements (a String's bytes): {ptr, cap, len}
        v.meta = LLVMBuildLoad2(c->b, c->t_i64, LLVMBuildStructGEP2(c->b, c->t_vec, v.addr, 2, ""), "");
        v.addr = LLVMBuildLoad2(c->b, c->t_ptr, LLVMBuildStructGEP2(c->b, c->t_vec, v.addr, 0, ""), "");
      } else if (pt->kind == TY_ITER || ty_is_fat_ptr(pt)) {
        deref_value(c, &v, load_ty(c, pt, v.addr));
      } else {
        v.addr = LLVMBuildLoad2(c->b, c->t_ptr, v.addr, "");
        v.meta = NULL;
      }
      v.variant = -1;
      break;
    }
    case PROJ_FIELD:
      if (v.meta && ty_resolve(v.ty)->kind == TY_STRUCT && pr->field == ty_resolve(v.ty)->sdecl->nfields - 1) {
        v.addr = cg_tail_addr(c, v.ty, v.addr, v.meta);  // the unsized tail keeps the metadata
        v.ty = next;
        continue;
      }
      if (v.variant >= 0) v.addr = cg_variant_field(c, v.ty, v.variant, v.addr, pr->field);
      else v.addr = LLVMBuildStructGEP2(c->b, cg_lltype(c, v.ty), v.addr, cg_field_slot(c, v.ty, pr->field), "");
      v.meta = NULL;
      v.variant = -1;
      break;
    case PROJ_INDEX: {
      LLVMValueRef idx = read_local(c, m, pr->local);
      Type *bt = ty_resolve(v.ty);
      if (bt->kind == TY_ARRAY) {
        LLVMValueRef ix[2] = {cg_i64(c, 0), idx};
        v.addr = LLVMBuildInBoundsGEP2(c->b, cg_lltype(c, bt), v.addr, ix, 2, "");
      } else {
        v.addr = LLVMBuildInBoundsGEP2(c->b, cg_lltype(c, next), v.addr, &idx, 1, "");
      }
      v.meta = NULL;
      break;
    }
    case PROJ_CONST_INDEX: case PROJ_SUBSLICE: {
      // An array's length is its type's; a slice's is the metadata its reference carried.
      Type *bt = ty_resolve(v.ty);
      LLVMValueRef len = bt->kind == TY_ARRAY ? cg_i64(c, bt->len) : v.meta;
      LLVMValueRef idx = cg_i64(c, pr->field);
      if (pr->kind == PROJ_CONST_INDEX && pr->from_end) idx = LLVMBuildSub(c->b, len, idx, "");
      v.addr = LLVMBuildInBoundsGEP2(c->b, cg_lltype(c, bt->inner), v.addr, &idx, 1, "");
      v.meta = pr->kind == PROJ_SUBSLICE && ty_resolve(next)->kind == TY_SLICE
                   ? LLVMBuildSub(c->b, len, cg_i64(c, pr->field + pr->local), "") : NULL;
      break;
    }
    case PROJ_VARIANT:
      v.variant = pr->field;
      continue;  // the type stays the enum's
    }
    v.ty = next;
  }
  return v;
}

static Type **subst_all(CG *c, Type **ts, int n);

static LLVMValueRef operand_llvm(CG *c, MirFn *m, Operand *o, Type *t) {
  if (o->kind != OPND_CONST && in_register(m, o->place.local) && fields_only(o->place)) {
    Type *ty;
    int i;
    return register_fields(c, m, o->place, &ty, &i);
  }
  if (o->kind != OPND_CONST) {
    PlaceVal p = place_val(c, m, o->place);
    LLVMValueRef v = load_ty(c, p.ty, p.addr);
    if (o->kind == OPND_MOVE) set_flag(c, m, o->place, false);
    return v;
  }
  switch (o->c.kind) {
  case CONST_INT: return cg_const_int(cg_lltype(c, t), o->c.i, o->c.hi);
  case CONST_FLOAT: return LLVMConstReal(cg_lltype(c, t), o->c.f);
  case CONST_STR: return cg_const_str(c, o->c.s, o->c.len);
  case CONST_UNIT: return LLVMConstNull(cg_lltype(c, t));
  case CONST_PROMOTED: {
    LLVMValueRef g = cg_promote(c, o->c.expr);
    if (!g) ice(o->c.expr->span, "promoted constant `%s` cannot be evaluated", ty_name(o->ty));  // lower checked it would not panic
    return g;
  }
  case CONST_FN: return cg_instance_fn(c, mono_instance(o->c.fn, subst_all(c, o->c.targs, o->c.ntargs), o->c.ntargs, (Span){0}));
  case CONST_STATIC: return cg_static_mut(c, o->c.fn);
  case CONST_PARAM: {
    Type *v = ty_resolve(cg_type_of(c, o->c.targs[0]));
    if (v->kind != TY_CONST) ice((Span){0}, "const parameter `%s` has no value here", ty_name(o->c.targs[0]));
    return cg_const_int(cg_lltype(c, t), v->len, 0);
  }
  }
  return NULL;
}

// An operand's value and its concrete type. Reading a place with `move` clears its drop flag.
static CgValue operand(CG *c, MirFn *m, Operand *o) {
  Type *t = ty_resolve(cg_type_of(c, o->ty));
  return cg_value(operand_llvm(c, m, o, t), t);
}

static LLVMValueRef operand_val(CG *c, MirFn *m, Operand *o) { return operand(c, m, o).v; }

// An argument of a call: a value in memory is copied from its place into a temporary that the
// callee owns (never loaded as a first-class aggregate; see cg_in_memory).
// Whether operand o is a value in memory, read by copying its place (copy_operand).
static bool operand_in_memory(CG *c, Operand *o) { return o->kind != OPND_CONST && cg_in_memory(c, cg_type_of(c, o->ty)); }

// Whether operand o, going into memory, is copied there from its place with a memcpy: a value
// in memory always; any other aggregate (a small struct, a fat pointer) when it has a place.
// FastISel selects a small memcpy as loads and stores of its words, and no load or store of a
// first-class aggregate (it hands the rest of the block to the slow selector instead).
static bool copied_by_memcpy(CG *c, MirFn *m, Operand *o) {
  if (o->kind == OPND_CONST) return false;
  Type *t = cg_type_of(c, o->ty);
  if (cg_in_memory(c, t)) return true;
  LLVMTypeKind k = LLVMGetTypeKind(cg_lltype(c, t));
  if (k != LLVMStructTypeKind && k != LLVMArrayTypeKind) return false;
  return !in_register(m, o->place.local) || !fields_only(o->place);  // a register's deref has one
}

// dest = operand, copied from its place when copied_by_memcpy says so; false otherwise.
static bool copy_operand(CG *c, MirFn *m, Operand *o, LLVMValueRef dest) {
  if (!copied_by_memcpy(c, m, o)) return false;
  PlaceVal p = place_val(c, m, o->place);
  cg_copy(c, dest, p.addr, ty_resolve(cg_type_of(c, o->ty)));
  if (o->kind == OPND_MOVE) set_flag(c, m, o->place, false);
  return true;
}

static CgValue call_arg(CG *c, MirFn *m, Operand *o) {
  if (!operand_in_memory(c, o)) return operand(c, m, o);
  Type *t = ty_resolve(cg_type_of(c, o->ty));
  LLVMValueRef tmp = cg_alloca(c, cg_lltype(c, t), "arg");
  copy_operand(c, m, o, tmp);
  return cg_value_at(tmp, t);
}

// ---------------------------------------------------------------------------------------------
// Rvalues

static LLVMValueRef emit_compare(CG *c, BinOp op, LLVMValueRef a, LLVMValueRef b, Type *t) {
  t = ty_resolve(t);
  if (t->kind == TY_UNIT) return LLVMConstInt(c->t_i1, op == BIN_EQ || op == BIN_LE || op == BIN_GE, 0);
  if (t->kind == TY_FLOAT) {
    static const LLVMRealPredicate fp[] = {LLVMRealOEQ, LLVMRealUNE, LLVMRealOLT, LLVMRealOLE, LLVMRealOGT, LLVMRealOGE};
    return LLVMBuildFCmp(c->b, fp[op - BIN_EQ], a, b, "");
  }
  bool s = t->kind == TY_INT && t->is_signed;
  static const LLVMIntPredicate sp[] = {LLVMIntEQ, LLVMIntNE, LLVMIntSLT, LLVMIntSLE, LLVMIntSGT, LLVMIntSGE};
  static const LLVMIntPredicate up[] = {LLVMIntEQ, LLVMIntNE, LLVMIntULT, LLVMIntULE, LLVMIntUGT, LLVMIntUGE};
  return LLVMBuildICmp(c->b, (s ? sp : up)[op - BIN_EQ], a, b, "");
}

// The checks (overflow, zero divisors) are MIR asserts before this point: what is left is the
// operation itself. Shift amounts are masked to the width, as release builds of Rust do.
static LLVMValueRef emit_binop(CG *c, BinOp op, LLVMValueRef a, LLVMValueRef b, Type *t) {
  t = ty_resolve(t);
  if (op >= BIN_EQ) return emit_compare(c, op, a, b, t);
  if (t->kind == TY_FLOAT) {
    switch (op) {
    case BIN_ADD: return LLVMBuildFAdd(c->b, a, b, "");
    case BIN_SUB: return LLVMBuildFSub(c->b, a, b, "");
    case BIN_MUL: return LLVMBuildFMul(c->b, a, b, "");
    case BIN_DIV: return LLVMBuildFDiv(c->b, a, b, "");
    case BIN_REM: return LLVMBuildFRem(c->b, a, b, "");
    default: break;
    }
  }
  bool s = t->kind == TY_INT && t->is_signed;
  switch (op) {
  case BIN_ADD: return LLVMBuildAdd(c->b, a, b, "");
  case BIN_SUB: return LLVMBuildSub(c->b, a, b, "");
  case BIN_MUL: return LLVMBuildMul(c->b, a, b, "");
  case BIN_DIV: return s ? LLVMBuildSDiv(c->b, a, b, "") : LLVMBuildUDiv(c->b, a, b, "");
  case BIN_REM: return s ? LLVMBuildSRem(c->b, a, b, "") : LLVMBuildURem(c->b, a, b, "");
  case BIN_BITAND: return LLVMBuildAnd(c->b, a, b, "");
  case BIN_BITOR: return LLVMBuildOr(c->b, a, b, "");
  case BIN_BITXOR: return LLVMBuildXor(c->b, a, b, "");
  case BIN_SHL: case BIN_SHR: {
    LLVMTypeRef lt = LLVMTypeOf(a);
    b = LLVMBuildIntCast2(c->b, b, lt, false, "");
    b = LLVMBuildAnd(c->b, b, LLVMConstInt(lt, t->bits - 1, 0), "");
    if (op == BIN_SHL) return LLVMBuildShl(c->b, a, b, "");
    return s ? LLVMBuildAShr(c->b, a, b, "") : LLVMBuildLShr(c->b, a, b, "");
  }
  default: ice((Span){0}, "binary operator not emitted from MIR");
  }
}

// a op b with overflow: an `llvm.*.with.overflow` intrinsic's {T, i1}.
static LLVMValueRef emit_checked(CG *c, BinOp op, LLVMValueRef a, LLVMValueRef b, Type *t) {
  t = ty_resolve(t);
  const char *what = op == BIN_ADD ? "add" : op == BIN_SUB ? "sub" : "mul";
  const char *name = arena_printf("llvm.%c%s.with.overflow", t->is_signed ? 's' : 'u', what);
  unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
  LLVMTypeRef lt = LLVMTypeOf(a);
  LLVMValueRef fn = LLVMGetIntrinsicDeclaration(c->mod, id, &lt, 1);
  LLVMValueRef args[2] = {a, b};
  return LLVMBuildCall2(c->b, LLVMIntrinsicGetType(c->ctx, id, &lt, 1), fn, args, 2, "");
}

// The (T, bool) result of a checked operation into dest: as it is when dest is a register local
// laid out like it, else field by field (into a register, with insertvalue).
static LLVMValueRef store_checked(CG *c, PlaceVal dest, bool reg, LLVMValueRef r) {
  LLVMTypeRef pt = cg_lltype(c, dest.ty);
  if (reg && LLVMTypeOf(r) == pt) return r;
  LLVMValueRef out = LLVMGetUndef(pt);
  for (unsigned i = 0; i < 2; i++) {
    LLVMValueRef f = cg_extract(c, r, i, "");
    unsigned slot = cg_field_slot(c, dest.ty, i);
    if (reg) out = LLVMBuildInsertValue(c->b, out, f, slot, "");
    else LLVMBuildStore(c->b, f, LLVMBuildStructGEP2(c->b, pt, dest.addr, slot, ""));
  }
  return out;
}

static LLVMValueRef fat_ptr(CG *c, LLVMTypeRef t, LLVMValueRef data, LLVMValueRef meta) {
  LLVMValueRef fat = LLVMBuildInsertValue(c->b, LLVMGetUndef(t), data, 0, "");
  return LLVMBuildInsertValue(c->b, fat, meta, 1, "");
}

// The address of an aggregate's i-th operand in dest (of type t).
static LLVMValueRef aggregate_slot(CG *c, PlaceVal dest, Type *t, Rvalue *rv, int i) {
  if (rv->agg == AGG_ARRAY) {
    LLVMValueRef ix[2] = {cg_i64(c, 0), cg_i64(c, i)};
    return LLVMBuildInBoundsGEP2(c->b, cg_lltype(c, t), dest.addr, ix, 2, "");
  }
  if (rv->agg == AGG_ADT && t->sdecl->is_enum) return cg_variant_field(c, t, rv->variant, dest.addr, i);
  return LLVMBuildStructGEP2(c->b, cg_lltype(c, t), dest.addr, cg_field_slot(c, t, i), "");
}

// The operands are read in order, then written; one in memory is copied straight into its
// slot (for an enum, after the variant's tag and zeroed bytes are written).
static void emit_aggregate(CG *c, MirFn *m, PlaceVal dest, Rvalue *rv) {
  Type *t = ty_resolve(dest.ty);
  bool is_enum = rv->agg == AGG_ADT && t->sdecl->is_enum;
  LLVMValueRef *vals = arena_alloc(sizeof(LLVMValueRef) * (rv->nops + 1));  // NULL: in memory
  for (int i = 0; i < rv->nops; i++)
    if (!copied_by_memcpy(c, m, &rv->ops[i])) vals[i] = operand_val(c, m, &rv->ops[i]);
  if (is_enum) cg_store_variant(c, t, rv->variant, dest.addr, vals);
  for (int i = 0; i < rv->nops; i++) {
    if (!vals[i]) copy_operand(c, m, &rv->ops[i], aggregate_slot(c, dest, t, rv, i));
    else if (!is_enum) LLVMBuildStore(c->b, vals[i], aggregate_slot(c, dest, t, rv, i));
  }
}

// [v; N]: N stores, or a loop over the elements once N is large enough that unrolled stores
// would bloat the function (LLVM turns a constant zero fill into a memset either way).
// An element in memory is copied into the first slot, then from there into the others.
static void emit_repeat(CG *c, MirFn *m, PlaceVal dest, Operand *o) {
  Type *t = ty_resolve(dest.ty);
  LLVMTypeRef at = cg_lltype(c, t);
  if (t->len > 0 && copy_operand(c, m, o, dest.addr)) {
    Type *el = ty_resolve(t->inner);
    CgLoop l = cg_loop_begin(c, cg_i64(c, 1), cg_i64(c, t->len), "repeat");
    LLVMValueRef ix[2] = {cg_i64(c, 0), l.i};
    cg_copy(c, LLVMBuildInBoundsGEP2(c->b, at, dest.addr, ix, 2, ""), dest.addr, el);
    cg_loop_end(c, &l);
    return;
  }
  LLVMValueRef v = operand_val(c, m, o);
  if (t->len <= 16) {
    for (uint64_t i = 0; i < t->len; i++) {
      LLVMValueRef ix[2] = {cg_i64(c, 0), cg_i64(c, i)};
      LLVMBuildStore(c->b, v, LLVMBuildInBoundsGEP2(c->b, at, dest.addr, ix, 2, ""));
    }
    return;
  }
  CgLoop l = cg_loop_begin(c, cg_i64(c, 0), cg_i64(c, t->len), "repeat");
  LLVMValueRef ix[2] = {cg_i64(c, 0), l.i};
  LLVMBuildStore(c->b, v, LLVMBuildInBoundsGEP2(c->b, at, dest.addr, ix, 2, ""));
  cg_loop_end(c, &l);
}

static void emit_assign(CG *c, MirFn *m, MirStmt *s) {
  Rvalue *rv = &s->rv;
  bool reg = !s->place.nproj && in_register(m, s->place.local);
  PlaceVal dest = reg ? (PlaceVal){NULL, NULL, local_ty(c, m, s->place.local), -1} : place_val(c, m, s->place);
  LLVMValueRef v = NULL;
  switch (rv->kind) {
  case RV_USE:
    if (!reg && copy_operand(c, m, &rv->a, dest.addr)) {
      set_flag(c, m, s->place, true);
      return;
    }
    v = operand_val(c, m, &rv->a);
    break;
  case RV_REF: {
    PlaceVal p = place_val(c, m, rv->place);
    v = p.meta ? fat_ptr(c, cg_lltype(c, dest.ty), p.addr, p.meta) : p.addr;
    break;
  }
  case RV_BINARY: case RV_CHECKED: {
    // The operands are read in order (C leaves the order of arguments' evaluation open):
    // the loads then come in source order, which is what lets LLVM hoist the same load out
    // of the arms of a match.
    LLVMValueRef a = operand_val(c, m, &rv->a);
    LLVMValueRef b = operand_val(c, m, &rv->b);
    Type *t = cg_type_of(c, rv->a.ty);
    if (rv->kind == RV_BINARY) {
      v = emit_binop(c, rv->binop, a, b, t);
      break;
    }
    v = store_checked(c, dest, reg, emit_checked(c, rv->binop, a, b, t));
    if (reg) break;
    set_flag(c, m, s->place, true);
    return;
  }
  case RV_UNARY: {
    LLVMValueRef a = operand_val(c, m, &rv->a);
    if (rv->unop == UN_NOT) v = LLVMBuildNot(c->b, a, "");
    else v = ty_resolve(cg_type_of(c, rv->ty))->kind == TY_FLOAT ? LLVMBuildFNeg(c->b, a, "") : LLVMBuildNeg(c->b, a, "");
    break;
  }
  case RV_CAST: {
    CgValue a = operand(c, m, &rv->a);
    Type *to = cg_type_of(c, rv->ty);
    v = rv->cast == CAST_NUMERIC ? cg_numeric_cast(c, a, to) : rv->cast == CAST_PTR ? cg_ptr_cast(c, a, to) : cg_coercion(c, a, to, s->span);
    break;
  }
  case RV_REPEAT:
    if (reg) return;  // zero-sized (locals.c keeps the others on the stack): nothing to build
    emit_repeat(c, m, dest, &rv->a);
    set_flag(c, m, s->place, true);
    return;
  case RV_AGGREGATE:
    if (reg) return;
    emit_aggregate(c, m, dest, rv);
    set_flag(c, m, s->place, true);
    return;
  case RV_DISCRIMINANT: {
    PlaceVal p = place_val(c, m, rv->place);
    bool sign = cg_enum_tag_signed(ty_resolve(p.ty)->sdecl);
    v = LLVMBuildIntCast2(c->b, cg_load_tag(c, p.ty, p.addr), cg_lltype(c, dest.ty), sign, "");
    break;
  }
  case RV_LEN: {
    PlaceVal p = place_val(c, m, rv->place);
    Type *pt = ty_resolve(p.ty);
    v = pt->kind == TY_ARRAY ? cg_i64(c, pt->len) : p.meta;
    break;
  }
  }
  if (reg) set_register(m, s->place.local, v);
  else LLVMBuildStore(c->b, v, dest.addr);
  set_flag(c, m, s->place, true);
}

// dest = v, for a call's result.
static void store_place(CG *c, MirFn *m, Place dest, LLVMValueRef v) {
  if (!dest.nproj && in_register(m, dest.local)) set_register(m, dest.local, v);
  else LLVMBuildStore(c->b, v, place_val(c, m, dest).addr);
}

// ---------------------------------------------------------------------------------------------
// Terminators

static LLVMBasicBlockRef bb(MirFn *m, int i) { return m->blocks[i]; }

// The end of a terminator that goes on to target whatever happened: a branch, unless target's
// code follows in this LLVM block (chain_next).
static void go_to(CG *c, MirFn *m, int target) {
  if (m->next[m->cur] != target) LLVMBuildBr(c->b, bb(m, target));
}

static Type **subst_all(CG *c, Type **ts, int n) {
  Type **out = arena_alloc(sizeof(Type *) * (n + 1));
  for (int i = 0; i < n; i++) out[i] = cg_type_of(c, ts[i]);
  return out;
}

// The receiver's data pointer and the function in vtable slot `slot` of its vtable.
static LLVMValueRef emit_virtual_call(CG *c, MirFn *m, Terminator *t, Type *dyn, Type **targs, LLVMValueRef **args, int *na) {
  FnDecl *fn = t->callee.fn;
  dyn = ty_resolve(dyn);
  int slot = cg_vtable_slot(dyn->principal->trait, fn);
  LLVMValueRef fat = operand_val(c, m, &t->args[0]);
  LLVMValueRef data = cg_extract(c, fat, 0, "data");
  LLVMValueRef vt = cg_extract(c, fat, 1, "vtable");
  LLVMValueRef off = cg_i64(c, 8 * slot);
  LLVMValueRef slotp = LLVMBuildInBoundsGEP2(c->b, c->t_i8, vt, &off, 1, "");
  LLVMValueRef fnp = LLVMBuildLoad2(c->b, c->t_ptr, slotp, fn->name);
  LLVMSetMetadata(fnp, LLVMGetMDKindIDInContext(c->ctx, "invariant.load", 14), LLVMMDNodeInContext(c->ctx, NULL, 0));
  (*args)[(*na)++] = data;
  for (int i = 1; i < t->nargs; i++) *na = cg_push_arg(c, call_arg(c, m, &t->args[i]), *args, *na);
  (void)targs;
  return fnp;
}

// print!-like output, format! or a formatted panic: the arguments are references to the
// values. vec! takes its elements by value.
static void emit_macro_term(CG *c, MirFn *m, Terminator *t) {
  Expr *e = t->callee.expr;
  bool vec = !strcmp(e->name, "vec");
  LLVMValueRef *vals = arena_alloc(sizeof(LLVMValueRef) * (t->nargs + 1));
  CgValue *places = arena_alloc(sizeof(CgValue) * (t->nargs + 1));
  for (int i = 0; i < t->nargs; i++) {
    if (!vec && t->args[i].kind == OPND_CONST && t->args[i].c.kind == CONST_UNIT) continue;
    CgValue a = operand(c, m, &t->args[i]);
    vals[i] = a.v;
    places[i] = cg_value(a.v, ty_resolve(ty_pointee(a.ty)));  // a reference: the place it points to
  }
  LLVMValueRef r = vec ? cg_vec_literal(c, e, vals) : cg_macro_call(c, e, places);
  if (t->target < 0) {
    if (!cg_block_terminated(c)) LLVMBuildUnreachable(c->b);
    return;
  }
  if (r) {
    store_place(c, m, t->dest, r);
    set_flag(c, m, t->dest, true);
  }
  go_to(c, m, t->target);
}

// A builtin (builtins.c), on the operands' values.
static void emit_builtin_term(CG *c, MirFn *m, Terminator *t) {
  Expr *e = t->callee.expr;
  LLVMValueRef *vals = arena_alloc(sizeof(LLVMValueRef) * (t->nargs + 1));
  for (int i = 0; i < t->nargs; i++) {
    Operand *o = &t->args[i];
    bool by_ref = o->kind != OPND_CONST && cg_builtin_arg_by_ref(c, e, i, cg_type_of(c, o->ty));
    vals[i] = by_ref ? call_arg(c, m, o).v : operand_val(c, m, o);
  }
  LLVMValueRef r;
  if (e->kind == EX_UNARY) {  // &whole[lo..hi]: args are the whole slice and the bounds given
    Expr *range = e->sub->rhs;
    Type *el = ty_resolve(ty_pointee(ty_resolve(cg_type_of(c, t->args[0].ty))))->inner;
    r = cg_slice_index(c, e->sub, t->span, vals[0], range->lhs ? vals[1] : NULL, range->rhs ? vals[2] : NULL, el);
  } else if (e->kind == EX_BINARY) {  // a comparison of strings
    CgValue a = operand(c, m, &t->args[0]), b = operand(c, m, &t->args[1]);
    r = cg_str_compare(c, e->op, a.v, a.ty, b.v, b.ty);
  } else {
    r = e->kind == EX_METHOD ? cg_builtin_method(c, e, vals[0], vals + 1) : cg_builtin_call(c, e, vals);
  }
  Type *ret = cg_type_of(c, e->coerce ? e->coerce_from : e->ty);
  if (t->target < 0 || ty_resolve(ret)->kind == TY_NEVER) {
    if (!cg_block_terminated(c)) LLVMBuildUnreachable(c->b);
    return;
  }
  if (!cg_returns_void(ret)) store_place(c, m, t->dest, r);
  set_flag(c, m, t->dest, true);
  go_to(c, m, t->target);
}

// The end of a call returning ret: the result into dest, on to the return block.
static void finish_call_term(CG *c, MirFn *m, Terminator *t, Type *ret, CgValue r) {
  if (ty_resolve(ret)->kind == TY_NEVER || t->target < 0) {
    LLVMBuildUnreachable(c->b);
    return;
  }
  if (r.by_ref) cg_copy(c, place_val(c, m, t->dest).addr, r.v, ret);
  else if (!cg_returns_void(ret)) store_place(c, m, t->dest, r.v);
  set_flag(c, m, t->dest, true);
  go_to(c, m, t->target);
}

// <F as Fn>::call: call.c calls what the callee is in this instance. An FnOnce closure passed
// by `move` is consumed: its body owns (and drops) what it captured.
static void emit_callable_term(CG *c, MirFn *m, Terminator *t) {
  Operand *f = &t->args[0];
  PlaceVal p = place_val(c, m, f->place);
  Type *ft = ty_resolve(p.ty), *callee = ty_callable(ft);
  if (f->kind == OPND_MOVE && callee->kind == TY_CLOSURE && callee->closure->is_fn_once) set_flag(c, m, f->place, false);
  // A `Box<dyn FnOnce>` moved into its call: the slot consumes the value; the box is freed.
  bool box_once = f->kind == OPND_MOVE && c->crate->fn_traits[2] && ty_box_dyn_trait(ft) == c->crate->fn_traits[2];
  if (box_once) set_flag(c, m, f->place, false);
  int n = t->nargs - 1;
  CgValue *args = arena_alloc(sizeof(CgValue) * (n + 1));
  for (int i = 0; i < n; i++) args[i] = call_arg(c, m, &t->args[i + 1]);
  Type *ret = t->dest.nproj ? t->dest.proj[t->dest.nproj - 1].ty : m->b->locals.data[t->dest.local].ty;
  ret = cg_type_of(c, ret);
  LLVMValueRef fat = box_once ? LLVMBuildLoad2(c->b, c->t_dynptr, p.addr, "") : NULL;
  CgValue r = cg_call_callable(c, cg_value(p.addr, ft), args, n, ret, NULL);
  if (box_once) cg_free_box_dyn(c, cg_extract(c, fat, 0, "data"), cg_extract(c, fat, 1, "vtable"));
  finish_call_term(c, m, t, ret, r);
}

// A trait call that the builtin types answer without an impl (String's clone, Vec's ==).
static bool emit_builtin_trait_term(CG *c, MirFn *m, Terminator *t, Type *self, Type **targs) {
  Type *rhs = t->callee.trait == c->crate->partial_eq_trait && t->callee.ntargs > 1 ? targs[1] : NULL;
  if (!mono_has_builtin_impl(t->callee.trait, self, rhs)) return false;
  LLVMValueRef vals[2] = {0};
  for (int i = 0; i < t->nargs && i < 2; i++) vals[i] = operand_val(c, m, &t->args[i]);
  LLVMValueRef r = cg_builtin_trait_call(c, t->callee.trait, t->callee.fn, self, rhs, vals);
  store_place(c, m, t->dest, r);
  set_flag(c, m, t->dest, true);
  go_to(c, m, t->target);
  return true;
}

static void emit_call_term(CG *c, MirFn *m, Terminator *t) {
  Callee *ce = &t->callee;
  if (ce->kind == CALLEE_CALLABLE) {
    emit_callable_term(c, m, t);
    return;
  }
  if (ce->kind == CALLEE_MACRO) {
    emit_macro_term(c, m, t);
    return;
  }
  if (ce->kind == CALLEE_BUILTIN) {
    emit_builtin_term(c, m, t);
    return;
  }
  Type **targs = subst_all(c, ce->targs, ce->ntargs);
  Type *self = ce->self_ty ? cg_type_of(c, ce->self_ty) : NULL;
  if (ce->kind == CALLEE_TRAIT && emit_builtin_trait_term(c, m, t, self, targs)) return;
  LLVMValueRef *args = arena_alloc(sizeof(LLVMValueRef) * (2 * t->nargs + 3));
  int na = 0;
  LLVMValueRef fnv;
  LLVMTypeRef fty;
  FnDecl *target = ce->fn;
  Type *ret;
  bool is_virtual = ce->kind == CALLEE_VIRTUAL || (ce->kind == CALLEE_TRAIT && dyn_dispatches(self, ce->trait));
  if (is_virtual) {
    FnDecl *f = ce->fn;
    int n = f->env->n;
    Type **ps = arena_alloc(sizeof(Type *) * (f->nparams + 1));
    for (int i = 0; i < f->nparams; i++) ps[i] = cg_subst(f->param_types[i], targs, n);
    ret = cg_subst(f->ret_type, targs, n);
    fty = cg_fn_type(c, ty_ref(ty_u8, false), ps, f->nparams, ret);
    fnv = emit_virtual_call(c, m, t, self, targs, &args, &na);
  } else {
    Instance *in = ce->kind == CALLEE_TRAIT ? mono_trait_method(ce->trait, ce->fn, self, targs, ce->ntargs, t->span)
                                            : mono_instance(target, targs, ce->ntargs, t->span);
    target = in->fn;
    fnv = cg_instance_fn(c, in);
    fty = LLVMGlobalGetValueType(fnv);
    ret = cg_subst(target->ret_type, in->targs, in->ntargs);
    for (int i = 0; i < t->nargs; i++) na = cg_push_arg(c, call_arg(c, m, &t->args[i]), args, na);
  }
  LLVMValueRef slot = cg_result_slot(c, ret, NULL);  // a temporary: dest may be what an argument borrows
  if (slot) args[na++] = slot;
  if (!is_virtual && target->attrs.track_caller) args[na++] = cg_caller_location(c, t->caller_span);
  LLVMValueRef r = cg_call(c, fty, fnv, args, na, "");
  if (is_virtual) cg_mark_dyn_call(c, r, ty_resolve(self)->principal->trait->name, ce->fn->name, &t->span);
  finish_call_term(c, m, t, ret, cg_call_result(c, r, ret, slot));
}

// drop(place): drop glue, as plain calls (a Drop::drop that panics while a scope ends does not
// unwind into this frame's cleanups), only if the flag says it owns one.
// drop(place), or after drop elaboration a Box's box_free: its contents are gone already.
static void drop_or_free(CG *c, Terminator *t, PlaceVal p) {
  if (t->box_free) cg_free_box(c, p.addr, ty_resolve(p.ty)->inner);
  else cg_emit_drop(c, p.addr, p.ty);
}

static void emit_drop_term(CG *c, MirFn *m, Terminator *t) {
  PlaceVal p = place_val(c, m, t->dest);
  bool saved = c->in_cleanup;
  c->in_cleanup = true;
  if (!t->dest.nproj && m->flags[t->dest.local] && !t->unconditional) {
    LLVMBasicBlockRef yes = cg_new_block(c, "drop");
    LLVMBuildCondBr(c->b, LLVMBuildLoad2(c->b, c->t_i1, m->flags[t->dest.local], ""), yes, bb(m, t->target));
    cg_set_block(c, yes);
    if (t->rest_from >= 0) cg_drop_vec_rest(c, p.addr, m->slots[t->rest_from], ty_resolve(p.ty)->inner);
    else drop_or_free(c, t, p);
    set_flag(c, m, t->dest, false);
  } else if (ty_needs_drop(p.ty)) {
    drop_or_free(c, t, p);
    set_flag(c, m, t->dest, false);  // (a static drop: a later conditional one may read it)
  }
  c->in_cleanup = saved;
  go_to(c, m, t->target);
}

static void emit_assert(CG *c, MirFn *m, Terminator *t) {
  LLVMValueRef cond = operand_val(c, m, &t->discr);
  LLVMBasicBlockRef fail = cg_new_block(c, "panic");
  if (t->expected) LLVMBuildCondBr(c->b, cond, bb(m, t->target), fail);
  else LLVMBuildCondBr(c->b, cond, fail, bb(m, t->target));
  cg_set_block(c, fail);
  if (t->bounds_check) {
    LLVMValueRef index = operand_val(c, m, t->index);
    cg_panic_bounds(c, t->span, index, operand_val(c, m, t->len));
  }
  else cg_call_panic(c, t->span, t->msg);
}

static void emit_switch(CG *c, MirFn *m, Terminator *t) {
  LLVMValueRef v = operand_val(c, m, &t->discr);
  if (t->nvalues == 1 && t->values[0] == 0 && LLVMTypeOf(v) == c->t_i1) {
    LLVMBuildCondBr(c->b, v, bb(m, t->targets[1]), bb(m, t->targets[0]));
    return;
  }
  LLVMValueRef sw = LLVMBuildSwitch(c->b, v, bb(m, t->targets[t->nvalues]), t->nvalues);
  for (int i = 0; i < t->nvalues; i++) LLVMAddCase(sw, LLVMConstInt(LLVMTypeOf(v), t->values[i], false), bb(m, t->targets[i]));
}

static void emit_terminator(CG *c, MirFn *m, Terminator *t) {
  // Calls (and panics) that unwind go on in the terminator's cleanup block.
  bool unwinds = t->kind == TERM_CALL || t->kind == TERM_ASSERT;
  c->unwind_to = unwinds && t->unwind >= 0 ? bb(m, t->unwind) : NULL;
  switch (t->kind) {
  case TERM_DROP: emit_drop_term(c, m, t); return;
  case TERM_RESUME:
    cg_set_personality(c);
    LLVMBuildResume(c->b, load_exception(c));
    return;
  case TERM_GOTO: go_to(c, m, t->target); return;
  case TERM_SWITCH: emit_switch(c, m, t); return;
  case TERM_CALL: emit_call_term(c, m, t); return;
  case TERM_ASSERT: emit_assert(c, m, t); return;
  case TERM_RETURN:  // (a result in memory is already where _0 is: the caller's slot)
    if (cg_returns_void(c->ret_ty) || cg_in_memory(c, c->ret_ty)) LLVMBuildRetVoid(c->b);
    else LLVMBuildRet(c->b, read_local(c, m, 0));
    return;
  case TERM_UNREACHABLE: LLVMBuildUnreachable(c->b); return;
  }
}

// ---------------------------------------------------------------------------------------------
// Bodies

// The arguments into the parameters' locals (_1.._n), per the ABI.
static void store_params(CG *c, MirFn *m) {
  int argi = 0;
  for (int i = 1; i <= m->b->nparams; i++) {
    Type *t = ty_resolve(local_ty(c, m, i));
    LLVMValueRef v;
    if (t->kind == TY_UNIT) continue;
    if (cg_in_memory(c, t)) {  // the caller's copy is this parameter's place
      m->slots[i] = LLVMGetParam(c->fn, argi++);
      set_flag(c, m, (Place){.local = i}, true);
      continue;
    }
    if (cg_is_fat(t)) {
      LLVMValueRef d = LLVMGetParam(c->fn, argi++);
      v = fat_ptr(c, cg_lltype(c, t), d, LLVMGetParam(c->fn, argi++));
    } else {
      v = LLVMGetParam(c->fn, argi++);
    }
    if (in_register(m, i)) set_register(m, i, v);
    else LLVMBuildStore(c->b, v, m->slots[i]);
    set_flag(c, m, (Place){.local = i}, true);
  }
}

// Where a function returning its result in memory writes it: its last parameter, or the one
// before a #[track_caller] function's location.
static LLVMValueRef result_place(CG *c, Instance *in) {
  unsigned n = LLVMCountParams(c->fn);
  return LLVMGetParam(c->fn, n - 1 - (in->fn->attrs.track_caller ? 1 : 0));
}

static void emit_block(CG *c, MirFn *m, int i) {
  BasicBlock *blk = &m->b->blocks.data[i];
  m->cur = i;
  c->in_cleanup = blk->is_cleanup;  // on the unwinding path every call is a plain call
  for (int j = 0; j < blk->stmts.len; j++)
    if (blk->stmts.data[j].kind == STMT_ASSIGN) emit_assign(c, m, &blk->stmts.data[j]);
  emit_terminator(c, m, &blk->term);
}

// Whether a drop terminator tests a drop flag: then it branches to its target twice
// (emit_drop_term). Asked before the flags are made.
static bool drop_is_flagged(CG *c, MirFn *m, Terminator *t) {
  return !t->dest.nproj && !t->unconditional && has_drop_flag(c, m, t->dest.local);
}

// The block whose code goes on in block i's LLVM block, or -1. When i's terminator goes on to
// one block whatever happens (a goto, a call's return, a drop with no flag to test) and that
// block has no other way in, no branch is needed: its code simply follows, as rustc's codegen
// merges such blocks. MIR makes many (every call returns into a block of its own); at -O0 each
// LLVM block is a unit of its own to the instruction selector and the fast register allocator,
// which spills every value live across a block's end.
static int chain_next(CG *c, MirFn *m, MirDominators *d, int i) {
  BasicBlock *blk = &m->b->blocks.data[i];
  Terminator *t = &blk->term;
  bool goes_on = t->kind == TERM_GOTO || (t->kind == TERM_CALL && t->target >= 0) ||
                 (t->kind == TERM_DROP && !drop_is_flagged(c, m, t));
  if (!goes_on || t->target == i || t->target == 0 || d->npreds[t->target] != 1) return -1;
  BasicBlock *next = &m->b->blocks.data[t->target];
  if (next->is_cleanup != blk->is_cleanup) return -1;
  // A block that ends in a call that may unwind (an invoke) or a switch keeps a block of its
  // own: FastISel selects neither, and SelectionDAG then takes the whole LLVM block, so that
  // LLVM block had best hold little more than the terminator.
  Terminator *nt = &next->term;
  if ((nt->kind == TERM_CALL && nt->unwind >= 0) || (nt->kind == TERM_SWITCH && nt->nvalues > 1)) return -1;
  return t->target;
}

// The order body.c emits the blocks in: the normal path in order, then the cleanup blocks newest
// first, each followed by the chain of blocks that go on in its LLVM block. A block in a chain
// has one way in, its predecessor in the chain, so a cycle of them is unreachable: never emitted.
// Fills m->next; returns the order (-1 ends it) and, per block, its place in it (pos: INT_MAX
// for a block not emitted).
static int *emission_order(CG *c, MirFn *m, MirDominators *d, int **pos) {
  int nb = m->b->blocks.len, n = 0, *order = arena_alloc(sizeof(int) * (nb + 1));
  bool *chained = arena_alloc(nb + 1);
  *pos = arena_alloc(sizeof(int) * (nb + 1));
  m->next = arena_alloc(sizeof(int) * (nb + 1));
  for (int i = 0; i < nb; i++) {
    (*pos)[i] = INT_MAX;
    m->next[i] = chain_next(c, m, d, i);
    if (m->next[i] >= 0) chained[m->next[i]] = true;
  }
  for (int pass = 0; pass < 2; pass++)
    for (int k = 0; k < nb; k++) {
      int i = pass == 0 ? k : nb - 1 - k;
      if (m->b->blocks.data[i].is_cleanup != (pass == 1) || chained[i]) continue;
      for (int j = i; j >= 0; j = m->next[j]) (*pos)[j] = n, order[n++] = j;
    }
  order[n] = -1;
  return order;
}

void cg_emit_mir_body(CG *c, Instance *in) {
  Body *b = in->fn->mir;
  if (!b || b->unsupported) ice(in->fn->span, "`%s` has no MIR to emit", in->fn->name);
  c->inst = in;
  c->fn = cg_instance_fn(c, in);
  c->entry = cg_new_block(c, "start");
  c->cleanups.len = 0;
  c->ret_ty = cg_type_of(c, in->fn->ret_type);
  cg_set_block(c, c->entry);
  size_t nl = b->locals.len + 1;
  MirFn m = {.b = b, .slots = arena_alloc(sizeof(LLVMValueRef) * nl), .flags = arena_alloc(sizeof(LLVMValueRef) * nl),
             .blocks = arena_alloc(sizeof(LLVMBasicBlockRef) * (b->blocks.len + 1)), .vals = arena_alloc(sizeof(LLVMValueRef) * nl)};
  ScratchMark mark = scratch_mark();
  MirDominators dom = mir_dominators(b);
  int *pos, *order = emission_order(c, &m, &dom, &pos);
  m.kinds = cg_local_kinds(c, b, &dom, pos);
  scratch_release(mark);
  for (int i = 0; i < b->locals.len; i++) {
    Type *t = local_ty(c, &m, i);
    if (m.kinds[i] == LOCAL_ZST) m.vals[i] = LLVMConstNull(cg_lltype(c, t));
    if (m.kinds[i] != LOCAL_STACK) continue;
    // A parameter or result in memory has its place in the caller (store_params, result_place).
    if (i <= b->nparams && cg_in_memory(c, t)) m.slots[i] = i == 0 ? result_place(c, in) : NULL;
    else m.slots[i] = cg_alloca(c, cg_lltype(c, t), b->locals.data[i].name ? b->locals.data[i].name : "");
    if (!has_drop_flag(c, &m, i)) continue;
    m.flags[i] = cg_alloca(c, c->t_i1, b->locals.data[i].name ? arena_printf("%s.live", b->locals.data[i].name) : "live");
    LLVMBuildStore(c->b, LLVMConstInt(c->t_i1, 0, false), m.flags[i]);
  }
  c->exn_slot = NULL;
  for (int i = 0; i < b->blocks.len && !c->exn_slot; i++)
    if (b->blocks.data[i].is_cleanup) c->exn_slot = cg_alloca(c, cg_exception_type(c), "exn");
  store_params(c, &m);
  // An LLVM block for each block that heads a chain (the others go on in their predecessor's).
  for (int k = 0; order[k] >= 0; k++)
    if (k == 0 || m.next[order[k - 1]] != order[k]) m.blocks[order[k]] = cg_new_block(c, arena_printf("bb%d", order[k]));
  LLVMBuildBr(c->b, m.blocks[0]);
  // The cleanup blocks go last, after the landing pads that lead to them, newest first (the
  // order a panic runs them in): the function reads as its normal path, then the unwinding.
  for (int k = 0; order[k] >= 0; k++) {
    int i = order[k];
    if (m.blocks[i]) {
      if (b->blocks.data[i].is_cleanup) LLVMMoveBasicBlockAfter(m.blocks[i], LLVMGetLastBasicBlock(c->fn));
      cg_set_block(c, m.blocks[i]);
    } else if (cg_block_terminated(c)) {
      // The predecessor never returned after all (a call of a `-> !` function): nothing comes here.
      cg_set_block(c, cg_new_block(c, "dead"));
    }
    emit_block(c, &m, i);
  }
  cg_fold_drop_flags(c, c->fn, m.flags, b->locals.len);
  cg_erase_dead_inserts(c->fn);
  c->in_cleanup = false;
  c->unwind_to = NULL;
  c->exn_slot = NULL;
  c->inst = NULL;
}
