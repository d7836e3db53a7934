// mir_print.c — MIR as text: `trc --emit=mir FILE.tr`.
//
// The format follows what `rustc --emit=mir` prints, so that the two can be read side by side:
// a `debug x => _n;` line per user variable, a `let` per local, then the blocks. Where trc's
// MIR says more than rustc's would at this stage, it says it in the same spirit: a dyn call
// shows the vtable slot it loads, `(*_1.1)[slot 3: Drawable::draw](move _1)`, and a trait call
// that mono resolves per instance keeps its `<T as Trait>::method` form.
#include "lower/lower.h"

#include <stdio.h>
#include <string.h>

const char *mir_binop_name(BinOp op) {
  static const char *names[] = {"Add", "Sub", "Mul", "Div", "Rem", "BitAnd", "BitOr", "BitXor", "Shl", "Shr",
                                "Eq",  "Ne",  "Lt",  "Le",  "Gt",  "Ge"};
  return names[op];
}

static const char *place_str(Body *b, Place p) {
  const char *s = arena_printf("_%d", p.local);
  for (int i = 0; i < p.nproj; i++) {
    Proj *pr = &p.proj[i];
    switch (pr->kind) {
    case PROJ_DEREF: s = arena_printf("(*%s)", s); break;
    case PROJ_FIELD: s = arena_printf("(%s.%d: %s)", s, pr->field, ty_name(pr->ty)); break;
    case PROJ_INDEX: s = arena_printf("%s[_%d]", s, pr->local); break;
    case PROJ_CONST_INDEX: s = arena_printf("%s[%s%d of %d]", s, pr->from_end ? "-" : "", pr->field, pr->min); break;
    case PROJ_SUBSLICE: s = arena_printf("%s[%d:-%d]", s, pr->field, pr->local); break;
    case PROJ_VARIANT: {
      Type *et = ty_resolve(i ? p.proj[i - 1].ty : b->locals.data[p.local].ty);
      s = arena_printf("(%s as %s)", s, et->sdecl->variants[pr->field].name);
      break;
    }
    }
  }
  return s;
}

static const char *escape(const char *s, size_t len) {
  const char *out = "";
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == '"' || ch == '\\') out = arena_printf("%s\\%c", out, ch);
    else if (ch == '\n') out = arena_printf("%s\\n", out);
    else if (ch == '\t') out = arena_printf("%s\\t", out);
    else if (ch < 0x20 || ch == 0x7f) out = arena_printf("%s\\u{%x}", out, ch);
    else out = arena_printf("%s%c", out, ch);
  }
  return out;
}

static const char *fn_path(FnDecl *f, Type **targs, int ntargs, Type *self);

static const char *const_str(Body *b, Operand *o) {
  Type *t = ty_resolve(o->ty);
  switch (o->c.kind) {
  case CONST_PROMOTED: return arena_printf("%s::promoted[%llu]", fn_path(b->fn, NULL, 0, NULL), (unsigned long long)o->c.i);
  case CONST_UNIT: return "()";
  case CONST_FN: return arena_printf("%s as %s", fn_path(o->c.fn, o->c.targs, o->c.ntargs, NULL), ty_name(t));
  case CONST_PARAM: return arena_printf("const %s", ty_name(o->c.targs[0]));
  case CONST_STATIC: return arena_printf("{&raw %s %s}", o->c.fn->is_static_mut ? "mut" : "const", o->c.fn->name);
  case CONST_STR: return arena_printf("\"%s\"", escape(o->c.s, o->c.len));
  case CONST_FLOAT: return arena_printf("%g%s", o->c.f, ty_name(t));
  case CONST_INT:
    if (t->kind == TY_BOOL) return o->c.i ? "true" : "false";
    if (t->kind == TY_CHAR) {
      if (o->c.i >= 0x20 && o->c.i < 0x7f && o->c.i != '\'' && o->c.i != '\\') return arena_printf("'%c'", (char)o->c.i);
      return arena_printf("'\\u{%llx}'", (unsigned long long)o->c.i);
    }
    if (t->kind == TY_INT && t->is_signed) {
      int64_t v = (int64_t)(o->c.i << (64 - t->bits)) >> (64 - t->bits);
      return arena_printf("%lld_%s", (long long)v, ty_name(t));
    }
    return arena_printf("%llu_%s", (unsigned long long)o->c.i, ty_name(t));
  }
  return "?";
}

static const char *operand_str(Body *b, Operand *o) {
  switch (o->kind) {
  case OPND_COPY: return arena_printf("copy %s", place_str(b, o->place));
  case OPND_MOVE: return arena_printf("move %s", place_str(b, o->place));
  case OPND_CONST: return arena_printf("const %s", const_str(b, o));
  }
  return "?";
}

static const char *targs_str(Type **targs, int from, int to) {
  if (from >= to) return "";
  const char *s = "::<";
  for (int i = from; i < to; i++) s = arena_printf("%s%s%s", s, i > from ? ", " : "", ty_name(targs[i]));
  return arena_printf("%s>", s);
}

// A trait with its arguments as rustc's MIR names it, those that are Self's default left out:
// `PartialEq` of `<Money as PartialEq>::eq`, `PartialEq<f64>` of `<Money as PartialEq<f64>>::eq`.
static const char *trait_str(TraitDecl *tr, Type **args, int nargs, Type *self) {
  bool all_self = true;
  for (int i = 0; i < nargs; i++) all_self &= ty_resolve(args[i]) == ty_resolve(self);
  if (all_self || !self) return tr->name;
  const char *s = arena_printf("%s<", tr->name);
  for (int i = 0; i < nargs; i++) s = arena_printf("%s%s%s", s, i ? ", " : "", ty_name(args[i]));
  return arena_printf("%s>", s);
}

// How a function is named in MIR: `Circle::new`, `<Circle as Drawable>::draw`, `draw_static::<T>`.
static const char *fn_path(FnDecl *f, Type **targs, int ntargs, Type *self) {
  int own = f->impl ? f->impl->env->n : f->trait ? f->trait->env->n : 0;
  const char *name = arena_printf("%s%s", f->name, targs ? targs_str(targs, own, ntargs) : "");
  if (f->impl && f->impl->trait) {
    Type *st = self ? self : f->impl->self_ty;
    const char *tr = trait_str(f->impl->trait, f->impl->trait_args, f->impl->ntrait_args, f->impl->self_ty);
    return arena_printf("<%s as %s>::%s", ty_name(st), tr, name);
  }
  if (f->impl) return arena_printf("%s::%s", ty_name(self ? self : f->impl->self_ty), name);
  // A trait's method called with its trait's arguments (`<Money as PartialEq<f64>>::eq`).
  const char *tr = f->trait && targs && self && own <= ntargs ? trait_str(f->trait, targs + 1, own - 1, self) : f->trait ? f->trait->name : NULL;
  if (f->trait) return self ? arena_printf("<%s as %s>::%s", ty_name(self), tr, name) : arena_printf("%s::%s", f->trait->name, name);
  return name;
}

static const char *agg_str(Body *b, Rvalue *rv) {
  const char *args = "";
  for (int i = 0; i < rv->nops; i++) args = arena_printf("%s%s%s", args, i ? ", " : "", operand_str(b, &rv->ops[i]));
  Type *t = ty_resolve(rv->ty);
  switch (rv->agg) {
  case AGG_TUPLE: return arena_printf("(%s%s)", args, rv->nops == 1 ? "," : "");
  case AGG_ARRAY: return arena_printf("[%s]", args);
  case AGG_CLOSURE: return rv->nops ? arena_printf("%s { %s }", ty_name(t), args) : ty_name(t);
  case AGG_ADT: break;
  }
  StructDecl *s = t->sdecl;
  StructKind kind = s->is_enum ? s->variants[rv->variant].kind : s->kind;
  FieldDecl *fields = s->is_enum ? s->variants[rv->variant].fields : s->fields;
  const char *name = s->is_enum ? arena_printf("%s::%s", s->name, s->variants[rv->variant].name) : ty_name(t);
  if (kind == STRUCT_UNIT) return name;
  if (kind == STRUCT_TUPLE) return arena_printf("%s(%s)", name, args);
  const char *named = "";
  for (int i = 0; i < rv->nops; i++) named = arena_printf("%s%s%s: %s", named, i ? ", " : "", fields[i].name, operand_str(b, &rv->ops[i]));
  return arena_printf("%s { %s }", name, named);
}

static const char *cast_name(CastKind k) {
  switch (k) {
  case CAST_NUMERIC: return "Numeric";
  case CAST_UNSIZE: return "PointerCoercion(Unsize)";
  case CAST_UPCAST: return "PointerCoercion(Unsize) upcast";
  case CAST_REBORROW: return "Reborrow";
  case CAST_DEREF: return "Deref";
  case CAST_PTR: return "PtrToPtr";
  case CAST_CLOSURE_FN: return "PointerCoercion(ClosureFnPointer)";
  }
  return "?";
}

static const char *rvalue_str(Body *b, Rvalue *rv) {
  switch (rv->kind) {
  case RV_USE: return operand_str(b, &rv->a);
  case RV_REF: return arena_printf("&%s%s%s", rv->raw ? "raw " : "", rv->raw ? (rv->mut ? "mut " : "const ") : rv->mut ? "mut " : "", place_str(b, rv->place));
  case RV_BINARY: return arena_printf("%s(%s, %s)", mir_binop_name(rv->binop), operand_str(b, &rv->a), operand_str(b, &rv->b));
  case RV_CHECKED:
    return arena_printf("%sWithOverflow(%s, %s)", mir_binop_name(rv->binop), operand_str(b, &rv->a), operand_str(b, &rv->b));
  case RV_UNARY: return arena_printf("%s(%s)", rv->unop == UN_NEG ? "Neg" : "Not", operand_str(b, &rv->a));
  case RV_CAST: return arena_printf("%s as %s (%s)", operand_str(b, &rv->a), ty_name(rv->ty), cast_name(rv->cast));
  case RV_AGGREGATE: return agg_str(b, rv);
  case RV_DISCRIMINANT: return arena_printf("discriminant(%s)", place_str(b, rv->place));
  case RV_LEN: return arena_printf("Len(%s)", place_str(b, rv->place));
  case RV_REPEAT: return arena_printf("[%s; %llu]", operand_str(b, &rv->a), (unsigned long long)ty_resolve(rv->ty)->len);
  }
  return "?";
}

// The format string of a macro call, rebuilt from its pieces: "{} and {:?}\n".
static const char *format_string(Expr *e) {
  const char *s = "";
  for (int i = 0; i < e->nfmt; i++) {
    FmtPiece *p = &e->fmt[i];
    if (p->arg < 0) {
      const char *lit = escape(p->text, p->text_len);
      for (const char *q = lit; *q; q++) s = arena_printf(*q == '{' ? "%s{{" : *q == '}' ? "%s}}" : "%s%c", s, *q);
      continue;
    }
    const char *spec = "";
    if (p->align >= 0) {
      char a = "<>^"[p->align];
      bool fill = p->fill && p->fill != ' ' && p->fill < 0x80;
      spec = fill ? arena_printf("%c%c", (char)p->fill, a) : arena_printf("%c", a);
    }
    if (p->plus) spec = arena_printf("%s+", spec);
    if (p->alternate) spec = arena_printf("%s#", spec);
    if (p->zero_pad) spec = arena_printf("%s0", spec);
    if (p->has_width) spec = arena_printf("%s%d", spec, p->width);
    if (p->has_prec) spec = arena_printf("%s.%d", spec, p->prec);
    if (p->kind && p->kind != '?') spec = arena_printf("%s%c", spec, p->kind);
    else if (p->debug || p->kind == '?') spec = arena_printf("%s?", spec);
    s = arena_printf("%s{%d%s%s}", s, p->arg, *spec ? ":" : "", spec);
  }
  return s;
}

// A call of a value, named as rustc names it: `<T as Fn>::call`, `FnMut::call_mut` or
// `FnOnce::call_once`, after what the callee allows (a closure: what its body does, seen in how
// it is passed; a type parameter: its bound).
static const char *callable_str(Body *b, Operand *f) {
  Type *ft = f->kind == OPND_MOVE && ty_resolve(f->ty)->kind != TY_REF ? f->ty : ty_pointee(f->ty);
  Type *rt = ty_resolve(ft);
  const char *tr = ty_resolve(f->ty)->kind == TY_REF && ty_resolve(f->ty)->mut ? "FnMut" : "Fn";
  if (rt->kind == TY_CLOSURE && rt->closure->is_fn_once) tr = "FnOnce";
  if (mir_param_fn_trait(b->fn, ft)) tr = mir_param_fn_trait(b->fn, ft)->name;
  const char *method = !strcmp(tr, "Fn") ? "call" : !strcmp(tr, "FnMut") ? "call_mut" : "call_once";
  return arena_printf("<%s as %s>::%s", ty_name(ft), tr, method);
}

static const char *callee_str(Body *b, Terminator *t) {
  Callee *c = &t->callee;
  switch (c->kind) {
  case CALLEE_BUILTIN: {
    Expr *e = c->expr;
    if (e->kind == EX_METHOD) return arena_printf("%s::%s", ty_name(e->self_ty), e->name);
    if (e->kind == EX_UNARY) {  // &whole[lo..hi]
      Expr *r = e->sub->rhs;
      const char *range = r->inclusive ? (r->lhs ? "RangeInclusive" : "RangeToInclusive")
                                       : r->lhs ? (r->rhs ? "Range" : "RangeFrom") : r->rhs ? "RangeTo" : "RangeFull";
      return arena_printf("<%s as Index<%s>>::index", ty_name(ty_pointee(ty_resolve(t->args[0].ty))), range);
    }
    if (e->kind == EX_BINARY) {  // a comparison of strings, named as rustc names str's methods
      TokenKind ops[] = {TK_EQEQ, TK_NE, TK_LT, TK_LE, TK_GT, TK_GE};
      const char *names[] = {"eq", "ne", "lt", "le", "gt", "ge"};
      int i = 0;
      while (i < 5 && ops[i] != e->op) i++;
      return arena_printf("<str as %s>::%s", i < 2 ? "PartialEq" : "PartialOrd", names[i]);
    }
    return diag_span_text(e->sub->span);
  }
  case CALLEE_MACRO:
    if (!strcmp(c->expr->name, "vec")) return "vec![";
    return arena_printf("%s!(\"%s\"", c->expr->name, format_string(c->expr));
  case CALLEE_FN: return fn_path(c->fn, c->targs, c->ntargs, NULL);
  case CALLEE_TRAIT: return fn_path(c->fn, c->targs, c->ntargs, c->self_ty);
  case CALLEE_VIRTUAL: {
    Operand *recv = &t->args[0];
    const char *p = recv->kind == OPND_CONST ? "?" : place_str(b, recv->place);
    return arena_printf("(*%s.1)[slot %d: %s::%s]", p, c->slot, c->trait->name, c->fn->name);
  }
  case CALLEE_CALLABLE: return callable_str(b, &t->args[0]);
  }
  return "?";
}

static const char *unwind_str(Terminator *t) {
  return t->unwind >= 0 ? arena_printf("unwind: bb%d", t->unwind) : "unwind continue";
}

static void print_term(Body *b, Terminator *t, FILE *out) {
  switch (t->kind) {
  case TERM_GOTO: fprintf(out, "        goto -> bb%d;\n", t->target); return;
  case TERM_SWITCH:
    fprintf(out, "        switchInt(%s) -> [", operand_str(b, &t->discr));
    for (int i = 0; i < t->nvalues; i++) fprintf(out, "%llu: bb%d, ", (unsigned long long)t->values[i], t->targets[i]);
    fprintf(out, "otherwise: bb%d];\n", t->targets[t->nvalues]);
    return;
  case TERM_CALL: {
    bool mac = t->callee.kind == CALLEE_MACRO, vec = mac && !strcmp(t->callee.expr->name, "vec");
    bool unit_dest = ty_resolve(b->locals.data[t->dest.local].ty)->kind == TY_UNIT && !t->dest.nproj;
    if (mac && unit_dest) fprintf(out, "        %s", callee_str(b, t));
    else fprintf(out, "        %s = %s%s", place_str(b, t->dest), callee_str(b, t), mac ? "" : "(");
    for (int i = 0, k = mac && !vec; i < t->nargs; i++) {
      if (mac && !vec && t->args[i].kind == OPND_CONST && t->args[i].c.kind == CONST_UNIT) continue;  // not formatted
      fprintf(out, "%s%s", k++ ? (vec && t->callee.expr->repeat ? "; " : ", ") : "", operand_str(b, &t->args[i]));
    }
    fprintf(out, "%s -> ", vec ? "]" : ")");
    if (t->target >= 0) fprintf(out, "[return: bb%d, %s];\n", t->target, unwind_str(t));
    else fprintf(out, "%s;\n", unwind_str(t));
    return;
  }
  case TERM_DROP: {
    const char *what = place_str(b, t->dest);
    if (t->rest_from >= 0) what = arena_printf("%s[_%d..]", what, t->rest_from);
    fprintf(out, "        %s(%s) -> [return: bb%d, %s];\n", t->box_free ? "box_free" : "drop", what, t->target, unwind_str(t));
    return;
  }
  case TERM_RESUME: fprintf(out, "        resume;\n"); return;
  case TERM_ASSERT: {
    const char *cond = arena_printf("%s%s", t->expected ? "" : "!", operand_str(b, &t->discr));
    if (t->bounds_check)
      fprintf(out, "        assert(%s, \"index out of bounds: the length is {} but the index is {}\", %s, %s)", cond,
              operand_str(b, t->len), operand_str(b, t->index));
    else
      fprintf(out, "        assert(%s, \"%s\")", cond, escape(t->msg, strlen(t->msg)));
    fprintf(out, " -> [success: bb%d, %s];\n", t->target, unwind_str(t));
    return;
  }
  case TERM_RETURN: fprintf(out, "        return;\n"); return;
  case TERM_UNREACHABLE: fprintf(out, "        unreachable;\n"); return;
  }
}

static const char *signature(Body *b) {
  FnDecl *f = b->fn;
  const char *generics = "";
  for (int i = 0; i < f->generics.nparams; i++)
    generics = arena_printf("%s%s%s", generics, i ? ", " : "<", f->generics.params[i].name);
  if (*generics) generics = arena_printf("%s>", generics);
  const char *s = arena_printf("fn %s%s(", fn_path(f, NULL, 0, NULL), generics);
  for (int i = 1; i <= b->nparams; i++) s = arena_printf("%s%s_%d: %s", s, i > 1 ? ", " : "", i, ty_name(b->locals.data[i].ty));
  return arena_printf("%s) -> %s", s, ty_name(b->locals.data[0].ty));
}

void mir_print_body(Body *b, void *file) {
  FILE *out = file;
  if (b->unsupported) {
    fprintf(out, "// fn %s: not lowered to MIR yet (%s)\n", fn_path(b->fn, NULL, 0, NULL), b->unsupported);
    return;
  }
  fprintf(out, "%s {\n", signature(b));
  for (int i = 1; i < b->locals.len; i++)
    if (b->locals.data[i].name) fprintf(out, "    debug %s => _%d;\n", b->locals.data[i].name, i);
  for (int i = 0; i < b->locals.len; i++)
    if (i == 0 || i > b->nparams) fprintf(out, "    let %s_%d: %s;\n", b->locals.data[i].mut || !b->locals.data[i].name ? "mut " : "", i, ty_name(b->locals.data[i].ty));
  for (int i = 0; i < b->blocks.len; i++) {
    BasicBlock *bb = &b->blocks.data[i];
    fprintf(out, "\n    bb%d%s: {\n", i, bb->is_cleanup ? " (cleanup)" : "");
    for (int j = 0; j < bb->stmts.len; j++) {
      MirStmt *s = &bb->stmts.data[j];
      switch (s->kind) {
      case STMT_ASSIGN: fprintf(out, "        %s = %s;\n", place_str(b, s->place), rvalue_str(b, &s->rv)); break;
      case STMT_STORAGE_LIVE: fprintf(out, "        StorageLive(_%d);\n", s->local); break;
      case STMT_STORAGE_DEAD: fprintf(out, "        StorageDead(_%d);\n", s->local); break;
      }
    }
    print_term(b, &bb->term, out);
    fprintf(out, "    }\n");
  }
  fprintf(out, "}\n");
  // The promoted constants, by the source of their value (rustc prints each as a small body).
  for (int i = 0; i < b->promoted.len; i++) {
    Expr *e = b->promoted.data[i];
    fprintf(out, "\nconst %s::promoted[%d]: %s = %s;\n", fn_path(b->fn, NULL, 0, NULL), i, ty_name(e->coerce ? e->coerce_from : e->ty),
            diag_span_text(e->span));
  }
}

// A function, then the closures written in it (and in those), as rustc lists them.
static void print_fn(Crate *crate, FnDecl *f, FILE *out, bool *first) {
  if (!f->body || !f->mir || f->span.file == 0) return;  // file 0 is the prelude
  if (!*first) fprintf(out, "\n");
  *first = false;
  mir_print_body(f->mir, out);
  for (int i = 0; i < crate->closures.len; i++) {
    FnDecl *cf = VEC_AT(crate->closures, i);
    if (cf->parent == f && cf->closure_expr->fn == cf) print_fn(crate, cf, out, first);
  }
}

// In source order: free functions, impl methods and trait default methods as they appear.
void mir_print_crate(Crate *crate, void *file) {
  bool first = true;
  Program *prog = crate->prog;
  for (int i = 0; i < prog->nitems; i++) {
    Item *it = prog->items[i];
    if (it->kind == ITEM_FN) print_fn(crate, it->fn, file, &first);
    if (it->kind == ITEM_IMPL)
      for (int j = 0; j < it->impl->nmethods; j++) print_fn(crate, it->impl->methods[j], file, &first);
    if (it->kind == ITEM_TRAIT)
      for (int j = 0; j < it->trait->nmethods; j++) print_fn(crate, it->trait->methods[j], file, &first);
  }
}
