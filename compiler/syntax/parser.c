// parser.c — tokens to the AST.
//
// Recursive descent for items, statements, types and patterns, and a Pratt parser for
// expressions driven by one table of binding powers (`infix_power`). Each parse function starts
// with the grammar rule it implements.
//
// Errors: the first syntax error inside an item is reported and the parser longjmps back to the
// item loop, which skips to the next token that can start an item at brace depth 0. One error
// per item keeps the output readable and cannot loop: every recovery consumes tokens.
//
// Two Rust subtleties are handled here rather than later:
//   - struct literals are not allowed in the head of `if`, `while`, `match` and `for` (so
//     `if x == Foo { .. }` is a comparison followed by a block): the NO_STRUCT restriction;
//   - `>>` closing two generic argument lists is split into two `>` tokens in place.
//
// macro_rules! calls are expanded as they are met (macro_rules.c): the tokens a call expands to
// are parsed in place of the call by parse_tokens, as an expression, statements, items, a type
// or a pattern, whichever the position needs.
#include "syntax/syntax.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Each level of source nesting costs two or three levels here (expression, unary, primary).
#define MAX_DEPTH 1500

typedef struct {
  Program *prog;
  Token *toks;
  int n, pos;
  int depth;
  jmp_buf recover;
  bool in_item;
  bool fatal;     // nesting limit hit: abandon the file
  ImplDecl *impl;
  TraitDecl *trait;
  // Lifetimes in the types parsed so far (the AST keeps none): elided ones (`&T`, `'_`) and
  // named ones other than 'static. A signature compares them before and after a type.
  int lt_elided, lt_named;
  Span lt_elided_at;   // the last elided one
  const char **lt_names;  // when set: where to list the named ones (up to four)
  // The lifetimes a type may name (E0261): those the generics of the items being parsed
  // declare, and the `for<'a>` binders met in them. An item in a block sees none of its
  // enclosing function's: lookups start at lt_base.
  const char *lt_scope[32];
  int lt_nscope, lt_base;
  // Trial parse of a macro fragment (parse_fragment_len): silent, expands no macro, and the
  // tokens expect_gt splits are put back afterwards.
  bool trial;
  Token **split;
  Token *split_was;
  int nsplit;
} Parser;

static Parser P;

typedef struct {
  int elided, named;
  Span at;
} LifetimeCount;

// A fn pointer's or an Fn trait's own parameters and return type: their lifetimes are not the
// enclosing signature's.
static LifetimeCount lifetimes_enter(void) { return (LifetimeCount){P.lt_elided, P.lt_named, P.lt_elided_at}; }
static void lifetimes_leave(LifetimeCount c) { P.lt_elided = c.elided, P.lt_named = c.named, P.lt_elided_at = c.at; }

// A lifetime declared by the generics list (or `for<..>` binder) whose first entry in the
// scope is `list`: twice in that list is E0403; one an enclosing item has, E0496 (`fn f<'a>`
// in `impl<'a>`).
static void declare_lifetime(Token *lt, int list) {
  for (int i = P.lt_base; i < P.lt_nscope && i < 32 && !P.trial; i++)
    if (P.lt_scope[i] == lt->text) {
      Diag *d = i >= list ? diag_error(lt->span, "E0403", "the name `%s` is already used for a generic parameter in this item's generic parameters", lt->text)
                          : diag_error(lt->span, "E0496", "lifetime name `%s` shadows a lifetime name that is already in scope", lt->text);
      diag_label(d, i >= list ? "already used" : "lifetime `%s` already in scope", lt->text);
      diag_emit(d);
      break;
    }
  if (P.lt_nscope < 32) P.lt_scope[P.lt_nscope] = lt->text;
  P.lt_nscope++;
}

// E0261: a named lifetime no enclosing item declares (`fn longest(x: &'a str)` without `<'a>`).
static void check_lifetime_declared(Token *lt) {
  if (P.trial || P.lt_nscope > 32 || !strcmp(lt->text, "'static")) return;
  for (int i = P.lt_base; i < P.lt_nscope; i++)
    if (P.lt_scope[i] == lt->text) return;
  for (int i = 0; i < P.lt_base; i++)  // a function's, named in an item inside its body
    if (P.lt_scope[i] == lt->text) {
      Diag *d = diag_error(lt->span, "E0401", "can't use generic parameters from outer item");
      diag_label(d, "use of generic parameter from outer item");
      diag_emit(d);
      return;
    }
  Diag *d = diag_error(lt->span, "E0261", "use of undeclared lifetime name `%s`", lt->text);
  diag_label(d, "undeclared lifetime");
  diag_emit(d);
}

// A reference's or a path's lifetime, or NULL where a `&` has none.
static void note_lifetime(Token *lt, Span at) {
  if (lt && strcmp(lt->text, "'_")) check_lifetime_declared(lt);
  if (!lt || !strcmp(lt->text, "'_")) {
    P.lt_elided++;
    P.lt_elided_at = at;
  } else if (strcmp(lt->text, "'static")) {
    P.lt_named++;
    for (int i = 0; P.lt_names && i < 4; i++)
      if (!P.lt_names[i] || P.lt_names[i] == lt->text) {
        P.lt_names[i] = lt->text;
        break;
      }
  }
}

static Expr *parse_expr(void);
static Expr *parse_expr_r(bool no_struct);
static Expr *parse_expr_bp(int min_bp, bool no_struct);
// Where the block-like expression statement being parsed starts (`while c { } (a, b)` is two
// statements: such an expression ends at its `}` for `(` and `[`, though `.method()` continues it).
static uint32_t block_stmt_lo = UINT32_MAX;
static TypeExpr *parse_type(void);
static Pattern *parse_pattern(void);
static Block *parse_block(void);
static bool at_fn(void);
static void check_abi(Token *abi);
static Item *parse_item(Attrs attrs);
static const char *parse_bounds(Bound **out, int *n);
static MacroDef *at_user_macro(void);
static void *parse_macro_as(FragKind kind, MacroDef *m, Span lo);

// ---------------------------------------------------------------------------------------------
// Token helpers

static Token *tok(void) { return &P.toks[P.pos]; }
static Token *peek_tok(int k) { return &P.toks[P.pos + k < P.n ? P.pos + k : P.n - 1]; }
static TokenKind kind(void) { return P.toks[P.pos].kind; }
static TokenKind peek_kind(int k) { return peek_tok(k)->kind; }
static bool at(TokenKind k) { return kind() == k; }

static Token *advance(void) {
  Token *t = tok();
  if (t->kind != TK_EOF) P.pos++;
  return t;
}

static bool accept(TokenKind k) {
  if (!at(k)) return false;
  advance();
  return true;
}

static Span prev_span(void) { return P.toks[P.pos > 0 ? P.pos - 1 : 0].span; }

static Span span_from(Span lo) {
  Span hi = prev_span();
  if (hi.hi < lo.lo || hi.file != lo.file) hi = lo;
  return (Span){lo.file, lo.lo, hi.hi};
}

static const char *describe(Token *t) {
  switch (t->kind) {
  case TK_EOF: return "end of file";
  case TK_IDENT: return arena_printf("`%s`", t->text);
  case TK_LIFETIME: return arena_printf("`%s`", t->text);
  case TK_INT: case TK_FLOAT: case TK_STR: case TK_CHAR: return arena_printf("`%s`", diag_span_text(t->span));
  default: return arena_printf("`%s`", token_kind_name(t->kind));
  }
}

static _Noreturn void syntax_error(const char *expected) {
  Token *t = tok();
  Diag *d = diag_error(t->span, NULL, "expected %s, found %s", expected, describe(t));
  diag_label(d, "expected %s", expected);
  diag_emit(d);
  longjmp(P.recover, 1);
}

static _Noreturn void error_here(Span sp, const char *msg) {
  error_at(sp, NULL, "%s", msg);
  longjmp(P.recover, 1);
}

static Token *expect(TokenKind k) {
  if (!at(k)) syntax_error(arena_printf("`%s`", token_kind_name(k)));
  return advance();
}

static const char *expect_ident(void) {
  if (!at(TK_IDENT)) syntax_error("identifier");
  return advance()->text;
}

static void note_split(Token *t);

// Splits `>>`, `>=`, `>>=` when a generic argument list ends at their first `>`.
static void expect_gt(void) {
  Token *t = tok();
  switch (t->kind) {
  case TK_GT: advance(); return;
  case TK_SHR: t->kind = TK_GT; break;
  case TK_GE: t->kind = TK_EQ; break;
  case TK_SHREQ: t->kind = TK_GE; break;
  default: syntax_error("`>`");
  }
  if (P.trial) note_split(t);
  t->span.lo++;
}

// Reads a `<`, also the first half of a `<<` where a generic argument list starts with a
// qualified path (`Option<<T as Tr>::Item>`): the second `<` stays.
static void expect_lt(void) {
  Token *t = tok();
  if (t->kind != TK_SHL) {
    expect(TK_LT);
    return;
  }
  t->kind = TK_LT;
  t->span.lo++;
}

static void enter(void) {
  if (++P.depth > MAX_DEPTH) {
    P.fatal = true;
    error_here(tok()->span, "this program nests too deeply (more than 500 levels)");
  }
}
static void leave(void) { P.depth--; }

static void *grow(void *old, int n, size_t elem) {
  // Arrays of AST children grow by doubling; power-of-two counts trigger a copy. The first
  // array holds four pointers but only one bigger element: most paths have one segment, and
  // four 88-byte PathSegs for each was a fifth of the std's syntax trees.
  int first = elem > 16 ? 1 : 4;
  if (n == 0 || (n >= first && (n & (n - 1)) == 0)) {
    void *nb = arena_alloc(elem * (size_t)(n ? n * 2 : first));
    if (n) memcpy(nb, old, elem * (size_t)n);
    return nb;
  }
  return old;
}
#define PUSH(arr, cnt, val) ((arr) = grow((arr), (cnt), sizeof *(arr)), (arr)[(cnt)++] = (val))

// A trial parse puts back the tokens expect_gt split (t already changed, its span not yet).
static void note_split(Token *t) {
  Token was = *t;
  was.kind = was.kind == TK_GT ? TK_SHR : was.kind == TK_EQ ? TK_GE : TK_SHREQ;
  int n = P.nsplit;
  PUSH(P.split, n, t);
  PUSH(P.split_was, P.nsplit, was);
}

static Expr *new_expr(ExprKind k, Span sp) {
  Expr *e = arena_alloc(sizeof *e);
  e->kind = k;
  e->span = sp;
  e->field_index = -1;
  return e;
}

// ---------------------------------------------------------------------------------------------
// Attributes

// attr = "#" "!"? "[" path ( "(" tokens ")" | "=" literal )? "]"
static void skip_token_tree(void) {
  TokenKind open = kind(), close = open == TK_LPAREN ? TK_RPAREN : open == TK_LBRACKET ? TK_RBRACKET : TK_RBRACE;
  int depth = 0;
  do {
    if (at(TK_EOF)) syntax_error(arena_printf("`%s`", token_kind_name(close)));
    TokenKind k = advance()->kind;
    if (k == TK_LPAREN || k == TK_LBRACKET || k == TK_LBRACE) depth++;
    if (k == TK_RPAREN || k == TK_RBRACKET || k == TK_RBRACE) depth--;
  } while (depth > 0);
}

static bool tls_expansion;  // parsing thread_local!'s expansion: #[thread_local] is allowed there
static bool feature_enabled(const char *name);

// ---- cfg ----
// A cfg predicate is decided as for rustc's default build on this machine (x86_64 Linux, GNU):
// `unix`, `target_os = "linux"` and the like hold, `test`, `windows` and every `feature = ".."`
// do not, and `debug_assertions` holds in a build without optimization (as `debug_assert!`).

static bool cfg_name_holds(const char *name) {
  if (!strcmp(name, "debug_assertions")) return P.prog->debug_assertions;
  return !strcmp(name, "unix") || !strcmp(name, "target_thread_local");
}

static bool cfg_pair_holds(const char *name, const char *value) {
  static const char *const pairs[][2] = {
      {"target_os", "linux"},      {"target_family", "unix"},     {"target_arch", "x86_64"},
      {"target_env", "gnu"},       {"target_vendor", "unknown"},  {"target_endian", "little"},
      {"target_pointer_width", "64"}, {"panic", "unwind"},        {"target_has_atomic", "8"},
      {"target_has_atomic", "16"}, {"target_has_atomic", "32"},   {"target_has_atomic", "64"},
      {"target_has_atomic", "ptr"},
  };
  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
    if (!strcmp(name, pairs[i][0]) && !strcmp(value, pairs[i][1])) return true;
  return false;
}

// pred = name | name "=" string | ("all" | "any") "(" pred,* ")" | "not" "(" pred ")"
static bool parse_cfg_predicate(void) {
  Span where = tok()->span;
  const char *name = expect_ident();
  bool all = !strcmp(name, "all"), any = !strcmp(name, "any"), not = !strcmp(name, "not");
  if ((all || any || not) && accept(TK_LPAREN)) {
    bool holds = all;
    int n = 0;
    while (!at(TK_RPAREN)) {
      bool h = parse_cfg_predicate();
      holds = all ? holds && h : any ? holds || h : h;
      n++;
      if (!accept(TK_COMMA)) break;
    }
    expect(TK_RPAREN);
    if (not && n != 1) error_at(where, "E0805", "malformed `cfg` attribute input");
    return not ? !holds : holds;
  }
  if (!accept(TK_EQ)) return cfg_name_holds(name);
  if (!at(TK_STR)) error_at(where, "E0539", "malformed `cfg` attribute input");
  return at(TK_STR) && cfg_pair_holds(name, advance()->str);
}

// What a `#[cfg(..)]` is on, left out: an item or statement (up to its `;`, or the `}` that
// closes it), or an element of a comma-separated list (up to its `,`, or the list's end).
static void skip_cfg_item(void) {
  bool to_semi = at(TK_CONST) || at(TK_STATIC) || at(TK_USE) || at(TK_TYPE) || at(TK_LET);
  for (int depth = 0; !at(TK_EOF);) {
    TokenKind k = kind();
    if (depth == 0 && token_closes(k)) return;  // a block's tail expression: the block ends here
    advance();
    depth += token_opens(k) - token_closes(k);
    if (depth == 0 && (k == TK_SEMI || (k == TK_RBRACE && !to_semi && !at(TK_ELSE)))) return;
  }
}

static void skip_cfg_element(void) {
  for (int depth = 0; !at(TK_EOF); advance()) {
    TokenKind k = kind();
    if (depth == 0 && (k == TK_COMMA || token_closes(k))) break;
    depth += token_opens(k) - token_closes(k);
  }
  accept(TK_COMMA);
}

// A match arm: its body may be a block with no `,` after it.
static void skip_cfg_arm(void) {
  for (int depth = 0; !at(TK_EOF) && !(depth == 0 && at(TK_FATARROW)); advance()) depth += token_opens(kind()) - token_closes(kind());
  expect(TK_FATARROW);
  if (at(TK_LBRACE)) {
    skip_token_tree();
    accept(TK_COMMA);
  } else {
    skip_cfg_element();
  }
}

static void parse_meta(Attrs *a, bool inner);

// `cfg(pred)` leaves the thing out when pred does not hold; `cfg_attr(pred, attr, ..)` applies
// the attributes when it holds.
static void parse_cfg_meta(Attrs *a, bool inner, bool is_attr) {
  expect(TK_LPAREN);
  bool holds = parse_cfg_predicate();
  if (!is_attr) {
    a->cfg_off |= !holds;
    expect(TK_RPAREN);
    return;
  }
  expect(TK_COMMA);
  while (!at(TK_RPAREN) && !at(TK_EOF)) {
    if (holds) parse_meta(a, inner);
    else if (token_opens(kind())) skip_token_tree();
    else advance();
    if (holds && !accept(TK_COMMA)) break;
  }
  expect(TK_RPAREN);
}

static void parse_attr_body(Attrs *a, bool inner) {
  expect(TK_LBRACKET);
  parse_meta(a, inner);
  expect(TK_RBRACKET);
}

// meta = path ( "(" tokens ")" | "=" literal )?
static void parse_meta(Attrs *a, bool inner) {
  const char *name = at(TK_IDENT) ? advance()->text : (advance(), "");
  while (accept(TK_PATHSEP)) name = at(TK_IDENT) ? advance()->text : name;
  if (!strcmp(name, "inline")) {
    if (accept(TK_LPAREN)) {
      const char *arg = expect_ident();
      if (!strcmp(arg, "never")) a->inline_never = true;
      else if (!strcmp(arg, "always")) a->inline_always = true;
      expect(TK_RPAREN);
    } else {
      a->inline_hint = true;
    }
  } else if (!strcmp(name, "macro_export")) {
    a->macro_export = true;
    if (at(TK_LPAREN)) skip_token_tree();  // #[macro_export(local_inner_macros)]
  } else if (!strcmp(name, "thread_local")) {
    a->thread_local = true;
    if (!tls_expansion && !feature_enabled("thread_local"))
      error_at(a->attr_at, "E0658", "`#[thread_local]` is an experimental feature, and does not currently handle destructors");
  } else if (!strcmp(name, "track_caller")) {
    a->track_caller = true;
  } else if ((!strcmp(name, "test") || !strcmp(name, "bench")) && !inner) {
    a->cfg_off = true;  // a test function exists only in a `--test` build, which trc does not make
    if (at(TK_LPAREN)) skip_token_tree();
  } else if (!strcmp(name, "default") && !at(TK_LPAREN)) {
    a->is_default = true;
  } else if (!strcmp(name, "rustc_coerce_unsized")) {
    a->coerce_unsized = true;
  } else if ((!strcmp(name, "cfg") || !strcmp(name, "cfg_attr")) && at(TK_LPAREN)) {
    parse_cfg_meta(a, inner, name[3] != 0);
  } else if (!strcmp(name, "derive") || (!strcmp(name, "feature") && inner) || !strcmp(name, "allow")) {
    expect(TK_LPAREN);
    while (!at(TK_RPAREN)) {
      const char *id = expect_ident();
      while (accept(TK_PATHSEP)) id = expect_ident();
      if (!strcmp(name, "derive")) PUSH(a->derives, a->nderives, id);
      else if (!strcmp(name, "feature")) PUSH(P.prog->features, P.prog->nfeatures, id);
      else if (!strcmp(id, "dead_code")) a->allow_dead_code = true;
      if (!accept(TK_COMMA)) break;
    }
    expect(TK_RPAREN);
  } else if (at(TK_LPAREN) || at(TK_LBRACKET) || at(TK_LBRACE)) {
    skip_token_tree();
  } else if (accept(TK_EQ)) {
    advance();
  }
}

static Attrs parse_outer_attrs(void) {
  Attrs a = {0};
  while (at(TK_HASH) && peek_kind(1) == TK_LBRACKET) {
    a.attr_at = advance()->span;
    parse_attr_body(&a, false);
  }
  return a;
}

// ---------------------------------------------------------------------------------------------
// Paths and types

// 'a: 'b + 'c after lifetime `longer`, each bound kept as a pair in g (g may be NULL: dropped).
static void parse_lifetime_bounds(Generics *g, const char *longer) {
  if (!accept(TK_COLON)) return;
  while (at(TK_LIFETIME) || at(TK_PLUS)) {
    if (at(TK_LIFETIME) && g) {
      Outlives o = {longer, tok()->text};
      PUSH(g->outlives, g->noutlives, o);
    }
    advance();
  }
}

// A const generic argument that is not a path: a literal (`3`, `-1`, `true`) or a block
// (`{ N * 2 }`). (A bare `N` parses as a type path; the checker sees that N is a const.)
static Expr *parse_unary(bool no_struct);
static Expr *wrap_block(Block *b);
static TypeExpr *new_type(TypeExprKind k, Span sp);

static TypeExpr *parse_const_arg(void) {
  Span lo = tok()->span;
  TypeExpr *t = new_type(TE_CONST, lo);
  t->len = at(TK_LBRACE) ? wrap_block(parse_block()) : parse_unary(true);
  t->span = span_from(lo);
  return t;
}

// generic-args = "<" (lifetime | ident "=" type | type | const-arg) ("," ...)* ">"
static void parse_generic_args(PathSeg *seg) {
  expect_lt();
  while (!at(TK_GT) && !at(TK_SHR) && !at(TK_GE) && !at(TK_SHREQ)) {
    if (at(TK_LIFETIME)) {
      Token *lt = advance();
      note_lifetime(lt, lt->span);
      PUSH(seg->lifetimes, seg->nlifetimes, lt->text);
    } else if (at(TK_IDENT) && peek_kind(1) == TK_EQ) {
      const char *name = advance()->text;
      advance();
      int n = seg->nbinds;
      PUSH(seg->bind_names, n, name);
      PUSH(seg->bind_types, seg->nbinds, parse_type());
    } else if (at(TK_INT) || at(TK_MINUS) || at(TK_LBRACE) || at(TK_TRUE) || at(TK_FALSE) || at(TK_CHAR)) {
      PUSH(seg->args, seg->nargs, parse_const_arg());
    } else {
      PUSH(seg->args, seg->nargs, parse_type());
    }
    if (!accept(TK_COMMA)) break;
  }
  expect_gt();
}

static bool is_path_start(TokenKind k) {
  return k == TK_IDENT || k == TK_SELF_LOWER || k == TK_SELF_UPPER || k == TK_CRATE || k == TK_SUPER;
}

static const char *path_ident(void) {
  Token *t = tok();
  switch (t->kind) {
  case TK_IDENT: advance(); return t->text;
  case TK_SELF_LOWER: advance(); return intern_cstr("self");
  case TK_SELF_UPPER: advance(); return intern_cstr("Self");
  case TK_CRATE: advance(); return intern_cstr("crate");
  case TK_SUPER: advance(); return intern_cstr("super");
  default: syntax_error("identifier");
  }
}

// type-path = seg ("::" seg)*   seg = ident ("<" args ">" | "(" types ")" ("->" type)?)?
// expr-path = seg ("::" seg)*   seg = ident ("::" "<" args ">")?
// qualified-path = "<" type ("as" type-path)? ">" "::" seg ("::" seg)*
static Path parse_path(bool in_expr) {
  Path p = {0};
  Span lo = tok()->span;
  if (at(TK_LT) || at(TK_SHL)) {
    expect_lt();
    p.qself = parse_type();
    if (accept(TK_AS)) {
      Path tr = parse_path(false);
      p.segs = tr.segs, p.nsegs = p.qtrait = tr.nsegs;
    }
    expect_gt();
    expect(TK_PATHSEP);
  }
  accept(TK_PATHSEP);
  for (;;) {
    PathSeg seg = {0};
    seg.span = tok()->span;
    seg.hyg = tok()->hyg;
    seg.name = path_ident();
    if (in_expr) {
      if (at(TK_PATHSEP) && peek_kind(1) == TK_LT) {
        advance();
        parse_generic_args(&seg);
      }
    } else if (at(TK_LT) || at(TK_SHL)) {
      parse_generic_args(&seg);
    } else if (at(TK_LPAREN) && (!strcmp(seg.name, "Fn") || !strcmp(seg.name, "FnMut") || !strcmp(seg.name, "FnOnce"))) {
      advance();
      seg.paren_sugar = true;
      LifetimeCount outer = lifetimes_enter();  // `Fn(&str) -> &str` elides on its own
      while (!at(TK_RPAREN)) {
        PUSH(seg.args, seg.nargs, parse_type());
        if (!accept(TK_COMMA)) break;
      }
      expect(TK_RPAREN);
      if (accept(TK_ARROW)) seg.paren_ret = parse_type();
      lifetimes_leave(outer);
    }
    seg.span = span_from(seg.span);
    PUSH(p.segs, p.nsegs, seg);
    if (!(at(TK_PATHSEP) && is_path_start(peek_kind(1)))) break;
    advance();
  }
  p.span = span_from(lo);
  return p;
}

// `for<'a, 'b>` before a bound (`F: for<'a> Fn(&'a str) -> &'a str`) or a where-clause's type:
// a higher-ranked bound. trc checks the lifetimes of a bound's `Fn(..)` signature as it checks
// elided ones (each call may choose them), which is what the binder says, so it is skipped.
static void skip_for_lifetimes(void) {
  if (!at(TK_FOR) || (peek_kind(1) != TK_LT)) return;
  advance();
  expect_lt();
  int list = P.lt_nscope;
  while (at(TK_LIFETIME)) {
    declare_lifetime(advance(), list);  // until the item ends
    if (!accept(TK_COMMA)) break;
  }
  expect_gt();
}

// bound = lifetime | "?" path | "(" bound ")" | "for" "<" lifetimes ">" path | path
// Returns the lifetime bound written (`dyn Tr + 'a`: 'a), if any.
static const char *parse_bounds(Bound **out, int *n) {
  const char *lifetime = NULL;
  for (;;) {
    if (at(TK_LIFETIME)) {
      Token *lt = advance();
      note_lifetime(lt, lt->span);
      lifetime = lt->text;
    } else {
      Bound b = {0};
      Span lo = tok()->span;
      bool paren = accept(TK_LPAREN);
      skip_for_lifetimes();
      b.maybe = accept(TK_QUESTION);
      if (!is_path_start(kind())) syntax_error("a trait bound");
      b.path = parse_path(false);
      if (paren) expect(TK_RPAREN);
      b.span = span_from(lo);
      PUSH(*out, *n, b);
    }
    if (!accept(TK_PLUS)) break;
    if (!at(TK_LIFETIME) && !at(TK_QUESTION) && !at(TK_LPAREN) && !is_path_start(kind())) break;
  }
  for (int i = 0; i < *n; i++) note_path(&(*out)[i].path, PATH_TYPE);  // the array is final now
  return lifetime;
}

static TypeExpr *new_type(TypeExprKind k, Span sp) {
  TypeExpr *t = arena_alloc(sizeof *t);
  t->kind = k;
  t->span = sp;
  return t;
}

// type = "&" lifetime? "mut"? type | "*" ("const"|"mut") type | "dyn" bounds | "impl" bounds
//      | "(" (type ",")* ")" | "[" type (";" expr)? "]" | "!" | "_" | "fn" "(" types ")" ("->" type)? | path
static TypeExpr *parse_type(void) {
  enter();
  Span lo = tok()->span;
  TypeExpr *t;
  MacroDef *m = at_user_macro();
  if (m) {
    t = parse_macro_as(FRAG_TY, m, lo);
    leave();
    return t ? t : new_type(TE_INFER, span_from(lo));
  }
  switch (kind()) {
  case TK_AMP:
  case TK_AMPAMP: {
    bool two = advance()->kind == TK_AMPAMP;
    if (two) note_lifetime(NULL, lo);
    Token *lt = at(TK_LIFETIME) ? advance() : NULL;
    note_lifetime(lt, lo);
    t = new_type(TE_REF, lo);
    t->lifetime = lt && strcmp(lt->text, "'_") ? lt->text : NULL;
    t->mut = accept(TK_MUT);
    t->inner = parse_type();
    if (two) {
      TypeExpr *outer = new_type(TE_REF, lo);
      outer->inner = t;
      t = outer;
    }
    break;
  }
  case TK_STAR:
    advance();
    t = new_type(TE_PTR, lo);
    if (accept(TK_MUT)) t->mut = true;
    else expect(TK_CONST);
    t->inner = parse_type();
    break;
  case TK_DYN:
  case TK_IMPL:
    t = new_type(advance()->kind == TK_DYN ? TE_DYN : TE_IMPL, lo);
    t->lifetime = parse_bounds(&t->bounds, &t->nbounds);
    break;
  case TK_LPAREN: {
    advance();
    t = new_type(TE_TUPLE, lo);
    bool comma = false;
    while (!at(TK_RPAREN)) {
      PUSH(t->elems, t->nelems, parse_type());
      if (!(comma = accept(TK_COMMA))) break;
    }
    expect(TK_RPAREN);
    if (t->nelems == 1 && !comma) {
      TypeExpr *inner = t->elems[0];
      leave();
      return inner;  // a parenthesized type
    }
    break;
  }
  case TK_LBRACKET:
    advance();
    t = new_type(TE_SLICE, lo);
    t->inner = parse_type();
    if (accept(TK_SEMI)) {
      t->kind = TE_ARRAY;
      t->len = parse_expr();
    }
    expect(TK_RBRACKET);
    break;
  case TK_BANG: advance(); t = new_type(TE_NEVER, lo); break;
  case TK_UNDERSCORE: advance(); t = new_type(TE_INFER, lo); break;
  case TK_UNSAFE: case TK_EXTERN: case TK_FN: {
    int quals = accept(TK_UNSAFE) ? FNQ_UNSAFE : 0;
    if (accept(TK_EXTERN)) {
      Token *abi = at(TK_STR) ? advance() : NULL;
      check_abi(abi);
      if (!abi || strcmp(abi->str, "Rust")) quals |= FNQ_C;
    }
    expect(TK_FN);
    t = new_type(TE_FN_PTR, lo);
    t->fn_quals = quals;
    expect(TK_LPAREN);
    LifetimeCount outer = lifetimes_enter();  // `fn(&str) -> &str` elides on its own
    while (!at(TK_RPAREN)) {
      PUSH(t->elems, t->nelems, parse_type());
      if (!accept(TK_COMMA)) break;
    }
    expect(TK_RPAREN);
    if (accept(TK_ARROW)) t->ret = parse_type();
    lifetimes_leave(outer);
    break;
  }
  default:
    if (!is_path_start(kind()) && !at(TK_PATHSEP) && !at(TK_LT) && !at(TK_SHL)) syntax_error("type");
    t = new_type(TE_PATH, lo);
    t->path = parse_path(false);
    note_path(&t->path, PATH_TYPE);
    break;
  }
  t->span = span_from(lo);
  leave();
  return t;
}

// generics = "<" (lifetime (":" lifetimes)? | ident (":" bounds)? ("=" type)?) ("," ...)* ">"
static Generics parse_generics(void) {
  Generics g = {0};
  if (!accept(TK_LT)) return g;
  int list = P.lt_nscope;
  while (!at(TK_GT)) {
    if (at(TK_LIFETIME)) {
      if (g.nlifetimes < GENERICS_MAX_LIFETIMES) g.lifetimes[g.nlifetimes] = tok()->text, g.lifetime_spans[g.nlifetimes] = tok()->span;
      g.nlifetimes++;
      declare_lifetime(tok(), list);  // until the item ends (its caller resets lt_nscope)
      parse_lifetime_bounds(&g, advance()->text);
    } else {
      GenericParam p = {0};
      bool is_const = accept(TK_CONST);
      p.span = tok()->span;
      p.name = expect_ident();
      if (is_const) {  // const N: usize (= default)
        expect(TK_COLON);
        p.const_ty = parse_type();
        if (accept(TK_EQ)) p.default_ty = at(TK_IDENT) ? parse_type() : parse_const_arg();
      } else {
        if (accept(TK_COLON) && !at(TK_COMMA) && !at(TK_GT)) p.lifetime_bound = parse_bounds(&p.bounds, &p.nbounds);
        if (accept(TK_EQ)) p.default_ty = parse_type();
      }
      PUSH(g.params, g.nparams, p);
    }
    if (!accept(TK_COMMA)) break;
  }
  expect_gt();
  return g;
}

// where = "where" (lifetime ":" lifetimes | type ":" bounds) ("," ...)*
static void parse_where(Generics *g) {
  if (!accept(TK_WHERE)) return;
  while (!at(TK_LBRACE) && !at(TK_SEMI) && !at(TK_EOF)) {
    if (at(TK_LIFETIME)) {
      parse_lifetime_bounds(g, advance()->text);
    } else {
      WherePred w = {0};
      Span lo = tok()->span;
      skip_for_lifetimes();  // `where for<'a> F: Fn(&'a T)`
      w.ty = parse_type();
      expect(TK_COLON);
      w.lifetime_bound = parse_bounds(&w.bounds, &w.nbounds);
      w.span = span_from(lo);
      PUSH(g->preds, g->npreds, w);
    }
    if (!accept(TK_COMMA)) break;
  }
}

// ---------------------------------------------------------------------------------------------
// Patterns

static Pattern *new_pat(PatternKind k, Span sp) {
  Pattern *p = arena_alloc(sizeof *p);
  p->kind = k;
  p->span = sp;
  return p;
}

static bool is_lit_start(TokenKind k) {
  return k == TK_INT || k == TK_FLOAT || k == TK_STR || k == TK_CHAR || k == TK_TRUE || k == TK_FALSE || k == TK_MINUS;
}

// b"ab" is `&[97u8, 98u8]`: a borrowed array of u8 literals, `&'static [u8; 2]` once the checker
// promotes the constant array, as rustc types it.
static Expr *u8_lit(Span sp, unsigned char v) {
  Expr *b = new_expr(EX_INT, sp);
  b->int_val = v;
  b->suffix = intern_cstr("u8");
  return b;
}

static Expr *byte_string_expr(Token *t) {
  Expr *arr = new_expr(EX_ARRAY, t->span);
  if (t->str_len == 0) {  // b"" is `&[0u8; 0]`: the element type must still be u8
    arr->repeat = true;
    PUSH(arr->args, arr->nargs, u8_lit(t->span, 0));
    PUSH(arr->args, arr->nargs, new_expr(EX_INT, t->span));
  }
  for (size_t i = 0; i < t->str_len; i++) PUSH(arr->args, arr->nargs, u8_lit(t->span, (unsigned char)t->str[i]));
  Expr *e = new_expr(EX_UNARY, t->span);
  e->op = TK_AMP;
  e->sub = arr;
  return e;
}

static Expr *parse_lit_expr(void) {
  Span lo = tok()->span;
  bool neg = accept(TK_MINUS);
  Token *t = advance();
  Expr *e;
  switch (t->kind) {
  case TK_INT: e = new_expr(EX_INT, t->span); e->int_val = t->int_val; e->int_hi = t->int_hi; e->suffix = t->suffix; break;
  case TK_FLOAT: e = new_expr(EX_FLOAT, t->span); e->float_val = t->float_val; e->suffix = t->suffix; break;
  case TK_STR: e = new_expr(EX_STR, t->span); e->str = t->str; e->str_len = t->str_len; break;
  case TK_BYTE_STR: e = byte_string_expr(t); break;
  case TK_CHAR: e = new_expr(EX_CHAR, t->span); e->int_val = t->char_val; break;
  case TK_TRUE: case TK_FALSE: e = new_expr(EX_BOOL, t->span); e->int_val = t->kind == TK_TRUE; break;
  default: P.pos--; syntax_error("literal");
  }
  if (neg) {
    Expr *n = new_expr(EX_UNARY, span_from(lo));
    n->op = TK_MINUS;
    n->sub = e;
    e->negated = e->kind == EX_INT;
    return n;
  }
  return e;
}

// A range pattern's bound: a literal, or a path to a constant (`i32::MIN`, `MAX`, `Self::LIMIT`).
static Expr *parse_range_bound(void) {
  if (is_lit_start(kind())) return parse_lit_expr();
  Span lo = tok()->span;
  Expr *e = new_expr(EX_PATH, lo);
  e->path = parse_path(true);
  e->span = span_from(lo);
  note_path(&e->path, PATH_VALUE);
  return e;
}

static bool at_range_bound(void) { return is_lit_start(kind()) || is_path_start(kind()); }

// `lo..=hi`, `lo..hi` or `lo..` after its start lo.
static Pattern *range_pattern(Expr *lo_bound, Span lo) {
  Pattern *p = new_pat(PAT_RANGE, lo);
  p->inclusive = advance()->kind == TK_DOTDOTEQ;
  p->lit = lo_bound;
  if (at_range_bound()) p->hi = parse_range_bound();
  return p;
}

// pattern-alt = "_" | ".." | "..=" bound | "&" "mut"? pat | "(" pats ")" | "[" pats "]"
//             | bound (("..=" | "..") bound?)? | "ref"? "mut"? ident ("@" pat)?
//             | path ("(" pats ")" | "{" fields "}")?
// where a bound is a literal or a path to a constant.
static Expr *parse_std_macro(const char *name, Span lo);
static bool is_literal_macro(const char *name);

static Pattern *parse_pattern_alt(void) {
  enter();
  Span lo = tok()->span;
  Pattern *p;
  MacroDef *m = at_user_macro();
  if (m) {
    p = parse_macro_as(FRAG_PAT, m, lo);
    leave();
    return p ? p : new_pat(PAT_WILD, span_from(lo));
  } else if (at(TK_IDENT) && peek_kind(1) == TK_BANG && is_literal_macro(tok()->text)) {  // `stringify!(abc) =>`
    const char *name = advance()->text;
    p = new_pat(PAT_LIT, lo);
    p->lit = parse_std_macro(name, lo);
  } else if (accept(TK_UNDERSCORE)) {
    p = new_pat(PAT_WILD, lo);
  } else if (at(TK_DOTDOTEQ) || (at(TK_DOTDOT) && is_lit_start(peek_kind(1)) && peek_kind(1) != TK_MINUS)) {
    // `..=hi` (and `..hi`): from the type's MIN, which the checker fills in once it knows the type
    p = new_pat(PAT_RANGE, lo);
    p->inclusive = advance()->kind == TK_DOTDOTEQ;
    p->hi = parse_range_bound();
  } else if (accept(TK_DOTDOT)) {
    p = new_pat(PAT_REST, lo);
  } else if (at(TK_AMP) || at(TK_AMPAMP)) {
    bool two = advance()->kind == TK_AMPAMP;
    p = new_pat(PAT_REF, lo);
    p->mut = accept(TK_MUT);
    p->sub = parse_pattern_alt();
    if (two) {
      Pattern *outer = new_pat(PAT_REF, lo);
      outer->sub = p;
      p = outer;
    }
  } else if (accept(TK_LPAREN)) {
    p = new_pat(PAT_TUPLE, lo);
    bool comma = false;
    while (!at(TK_RPAREN)) {
      PUSH(p->elems, p->nelems, parse_pattern());
      if (!(comma = accept(TK_COMMA))) break;
    }
    expect(TK_RPAREN);
    if (p->nelems == 1 && !comma && p->elems[0]->kind != PAT_REST) {
      Pattern *inner = p->elems[0];
      leave();
      return inner;
    }
  } else if (accept(TK_LBRACKET)) {
    p = new_pat(PAT_SLICE, lo);
    while (!at(TK_RBRACKET)) {
      PUSH(p->elems, p->nelems, parse_pattern());
      if (!accept(TK_COMMA)) break;
    }
    expect(TK_RBRACKET);
  } else if (is_lit_start(kind())) {
    Expr *lit = parse_lit_expr();
    if (at(TK_DOTDOTEQ) || at(TK_DOTDOT)) {
      p = range_pattern(lit, lo);
    } else {
      p = new_pat(PAT_LIT, lo);
      p->lit = lit;
    }
  } else if (at(TK_IDENT) && (peek_kind(1) == TK_DOTDOTEQ || peek_kind(1) == TK_DOTDOT)) {
    p = range_pattern(parse_range_bound(), lo);  // `LOW..=HIGH`: a constant, not a binding
  } else if (at(TK_REF) || at(TK_MUT) || (at(TK_IDENT) && peek_kind(1) != TK_PATHSEP && peek_kind(1) != TK_LPAREN &&
                                          peek_kind(1) != TK_LBRACE)) {
    p = new_pat(PAT_BIND, lo);
    p->by_ref = accept(TK_REF);
    p->mut = accept(TK_MUT);
    p->hyg = tok()->hyg;
    p->name = expect_ident();
    p->head = span_from(lo);
    if (accept(TK_AT)) p->sub = parse_pattern_alt();
  } else if (is_path_start(kind())) {
    size_t start = P.pos;
    Path path = parse_path(true);
    if (at(TK_DOTDOTEQ) || at(TK_DOTDOT)) {  // `i32::MIN..=0`: the path again, as an expression
      P.pos = start;
      p = range_pattern(parse_range_bound(), lo);
      leave();
      return p;
    }
    if (accept(TK_LPAREN)) {
      p = new_pat(PAT_TUPLE_STRUCT, lo);
      while (!at(TK_RPAREN)) {
        PUSH(p->elems, p->nelems, parse_pattern());
        if (!accept(TK_COMMA)) break;
      }
      expect(TK_RPAREN);
    } else if (accept(TK_LBRACE)) {
      p = new_pat(PAT_STRUCT, lo);
      while (!at(TK_RBRACE)) {
        if (accept(TK_DOTDOT)) {
          p->has_rest = true;
          break;
        }
        Span flo = tok()->span;
        bool by_ref = accept(TK_REF), mut = accept(TK_MUT);
        uint32_t hyg = tok()->hyg;
        const char *fname = at(TK_INT) ? arena_printf("%llu", (unsigned long long)advance()->int_val) : expect_ident();
        Pattern *fp;
        if (!by_ref && !mut && accept(TK_COLON)) {
          fp = parse_pattern();
        } else {
          fp = new_pat(PAT_BIND, span_from(flo));
          fp->name = intern_cstr(fname);
          fp->hyg = hyg;
          fp->by_ref = by_ref;
          fp->mut = mut;
        }
        int n = p->nelems;
        PUSH(p->field_names, n, intern_cstr(fname));
        PUSH(p->elems, p->nelems, fp);
        if (!accept(TK_COMMA)) break;
      }
      expect(TK_RBRACE);
    } else {
      p = new_pat(PAT_PATH, lo);
    }
    p->path = path;
    note_path(&p->path, PATH_VALUE);
  } else {
    syntax_error("pattern");
  }
  p->span = span_from(lo);
  leave();
  return p;
}

// pattern = "|"? pattern-alt ("|" pattern-alt)*
static Pattern *parse_pattern(void) {
  Span lo = tok()->span;
  accept(TK_PIPE);
  Pattern *first = parse_pattern_alt();
  if (!at(TK_PIPE)) return first;
  Pattern *p = new_pat(PAT_OR, lo);
  PUSH(p->elems, p->nelems, first);
  while (accept(TK_PIPE)) PUSH(p->elems, p->nelems, parse_pattern_alt());
  p->span = span_from(lo);
  return p;
}

// A closure parameter stops at `|`, so it takes a pattern without top-level alternatives.
static Pattern *parse_closure_param(void) { return parse_pattern_alt(); }

// ---------------------------------------------------------------------------------------------
// Format strings

typedef struct {
  Expr *e;            // the macro expression being built
  const char **names; // named arguments (`name = expr`), parallel to e->args
  int nnamed_first;   // index of the first named argument in e->args
  int first_fmt_arg;  // index in e->args of the first format argument
  Span lit_span;
  uint32_t lit_hyg;  // a captured `{x}` names x with the hygiene of the string literal
  int max_pos;  // the highest positional argument the string uses
} FmtCtx;

static void add_piece(Expr *e, FmtPiece p) { PUSH(e->fmt, e->nfmt, p); }

static int find_named(FmtCtx *f, const char *name) {
  for (int i = f->nnamed_first; i < f->e->nargs; i++)
    if (f->names[i] == name) return i;
  return -1;
}

static int capture_ident(FmtCtx *f, const char *name) {
  int i = find_named(f, name);
  if (i >= 0) return i;
  Expr *path = new_expr(EX_PATH, f->lit_span);
  PathSeg seg = {.name = name, .span = f->lit_span, .hyg = f->lit_hyg};
  PUSH(path->path.segs, path->path.nsegs, seg);
  path->path.span = f->lit_span;
  int idx = f->e->nargs;
  int n = idx;
  PUSH(f->names, n, name);
  PUSH(f->e->args, f->e->nargs, path);
  return idx;
}

static void fmt_error(FmtCtx *f, const char *msg) {
  error_at(f->lit_span, NULL, "invalid format string: %s", msg);
}

// count = digits — an argument index, a width or a precision at s[*k]. They are u16 in rustc,
// so a longer number is rustc's error here, not an overflowing int.
static bool fmt_count(FmtCtx *f, const char *s, size_t len, size_t *k, int *out) {
  size_t start = *k;
  long n = 0;
  for (; *k < len && s[*k] >= '0' && s[*k] <= '9'; (*k)++)
    if (n <= 65535) n = n * 10 + (s[*k] - '0');
  if (n > 65535) {
    fmt_error(f, arena_printf("integer `%.*s` does not fit into the type `u16` whose range is `0..=65535`",
                              (int)(*k - start), s + start));
    return false;
  }
  *out = (int)n;
  return true;
}

static bool fmt_is_ident_start(char c) { return c == '_' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

// A width or precision: `N`, or an argument that holds it, `N$` (positional) or `name$` (named,
// or a variable captured from the scope). A name without `$` is not a count.
static bool fmt_count_or_arg(FmtCtx *f, const char *s, size_t len, size_t *k, int *count, bool *from_arg, int *arg) {
  if (s[*k] >= '0' && s[*k] <= '9') {
    if (!fmt_count(f, s, len, k, count)) return false;
    if (*k < len && s[*k] == '$') {
      (*k)++;
      *from_arg = true;
      *arg = f->first_fmt_arg + *count;
      if (*count > f->max_pos) f->max_pos = *count;
    }
    return true;
  }
  size_t st = *k;
  while (*k < len && (fmt_is_ident_start(s[*k]) || (s[*k] >= '0' && s[*k] <= '9'))) (*k)++;
  if (*k >= len || s[*k] != '$') {
    fmt_error(f, arena_printf("invalid count `%.*s`: a named width or precision is written `%.*s$`", (int)(*k - st), s + st,
                              (int)(*k - st), s + st));
    return false;
  }
  *from_arg = true;
  *arg = capture_ident(f, intern(s + st, *k - st));
  (*k)++;
  return true;
}

// format-spec = [[fill] align] ["+"] ["#"] ["0"] [width] ["." precision] ["?" | "x" | "X" | "o" | "b" | "e" | "E" | "p"]
static bool parse_fmt_spec(FmtCtx *f, const char *s, size_t len, size_t *i, FmtPiece *p) {
  size_t k = *i;
  p->align = -1;
  // fill + align: a char followed by one of <^>
  int nb = 1;
  unsigned char c0 = (unsigned char)s[k];
  if (c0 >= 0x80) nb = c0 >= 0xf0 ? 4 : c0 >= 0xe0 ? 3 : 2;
  if (k + nb < len && (s[k + nb] == '<' || s[k + nb] == '^' || s[k + nb] == '>') && s[k] != '}') {
    uint32_t cp = c0;
    if (nb > 1) {
      cp = c0 & (0xff >> (nb + 1));
      for (int j = 1; j < nb; j++) cp = cp << 6 | ((unsigned char)s[k + j] & 0x3f);
    }
    p->fill = cp;
    k += nb;
  }
  if (k < len && (s[k] == '<' || s[k] == '^' || s[k] == '>')) {
    p->align = s[k] == '<' ? 0 : s[k] == '>' ? 1 : 2;
    k++;
  }
  if (k < len && s[k] == '+') {
    p->plus = true;
    k++;
  } else if (k < len && s[k] == '-') {  // the `-` flag: std formats nothing by it (sign_minus reads it)
    p->minus = true;
    k++;
  }
  if (k < len && s[k] == '#') {
    p->alternate = true;
    k++;
  }
  if (k < len && s[k] == '0' && k + 1 < len && s[k + 1] != '$') {
    p->zero_pad = true;
    k++;
  }
  // `{:x}` and `{:x?}` are a type, `{:x$}` a width.
  bool hex_debug = k + 2 < len && (s[k] == 'x' || s[k] == 'X') && s[k + 1] == '?' && s[k + 2] == '}';
  bool type_next = (k + 1 < len && strchr("xXobeEp", s[k]) && s[k + 1] == '}') || hex_debug;
  if (k < len && ((s[k] >= '0' && s[k] <= '9') || (fmt_is_ident_start(s[k]) && !type_next))) {
    if (!fmt_count_or_arg(f, s, len, &k, &p->width, &p->width_from_arg, &p->width_arg)) return false;
    p->has_width = true;
  }
  if (k < len && s[k] == '.') {
    k++;
    p->has_prec = true;
    if (k < len && s[k] == '*') {  // `.*`: the precision is the next positional argument
      p->prec_star = p->prec_from_arg = true;
      k++;
    } else if (k < len && ((s[k] >= '0' && s[k] <= '9') || fmt_is_ident_start(s[k]))) {
      if (!fmt_count_or_arg(f, s, len, &k, &p->prec, &p->prec_from_arg, &p->prec_arg)) return false;
    } else {
      fmt_error(f, "expected `count` for the precision (a number, `name$`, `N$` or `*`)");
      return false;
    }
  }
  if (k < len && s[k] == '?') {
    p->debug = true;
    k++;
  } else if (k + 1 < len && (s[k] == 'x' || s[k] == 'X') && s[k + 1] == '?') {
    p->debug = true;
    p->debug_hex = s[k];
    k += 2;
  } else if (k < len && strchr("xXobeEp", s[k]) && s[k]) {  // LowerHex, UpperHex, Octal, Binary, LowerExp, UpperExp, Pointer
    p->kind = s[k];
    k++;
  }
  if (k >= len || s[k] != '}') {
    fmt_error(f, k < len ? arena_printf("unknown format trait or spec `%c`", s[k]) : "expected `}` but string was terminated");
    return false;
  }
  *i = k;
  return true;
}

// Splits the format string into literal pieces and argument pieces; checks argument counts.
static void parse_format_string(FmtCtx *f, const char *s, size_t len) {
  Expr *e = f->e;
  int nexplicit_pos = f->nnamed_first - f->first_fmt_arg;  // positional arguments given
  int next = 0;
  f->max_pos = -1;
  bool *used = arena_alloc(sizeof(bool) * (e->nargs + len + 1));  // captures add at most one arg per char
  char *lit = arena_alloc(len + 1);
  size_t litn = 0;
  for (size_t i = 0; i < len;) {
    char ch = s[i];
    if (ch == '{' && i + 1 < len && s[i + 1] == '{') {
      lit[litn++] = '{';
      i += 2;
      continue;
    }
    if (ch == '}' && i + 1 < len && s[i + 1] == '}') {
      lit[litn++] = '}';
      i += 2;
      continue;
    }
    if (ch == '}') {
      fmt_error(f, "unmatched `}` found");
      return;
    }
    if (ch != '{') {
      lit[litn++] = ch;
      i++;
      continue;
    }
    if (litn) {
      add_piece(e, (FmtPiece){.text = arena_strndup(lit, litn), .text_len = litn, .arg = -1});
      lit = arena_alloc(len + 1);
      litn = 0;
    }
    i++;
    FmtPiece p = {.align = -1};
    // argument: index, name, or nothing (the next positional one, taken after the spec's `.*`)
    int arg = -1;
    bool implicit = false;
    if (i < len && s[i] >= '0' && s[i] <= '9') {
      int n;
      if (!fmt_count(f, s, len, &i, &n)) return;
      arg = f->first_fmt_arg + n;
      if (n > f->max_pos) f->max_pos = n;
    } else if (i < len && (s[i] == '_' || (s[i] | 0x20) >= 'a') && (s[i] | 0x20) <= 'z') {
      size_t st = i;
      while (i < len && (s[i] == '_' || ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') || (s[i] >= '0' && s[i] <= '9'))) i++;
      arg = capture_ident(f, intern(s + st, i - st));
    } else {
      implicit = true;
    }
    if (i < len && s[i] == ':') {
      i++;
      if (!parse_fmt_spec(f, s, len, &i, &p)) return;
    } else if (i >= len || s[i] != '}') {
      fmt_error(f, "expected `}`, found an unexpected character");
      return;
    }
    i++;  // '}'
    // `{:.*}` takes two positional arguments: the precision, then (unless the value is named
    // or numbered) the value.
    if (p.prec_star) {
      int n = next++;
      p.prec_arg = f->first_fmt_arg + n;
      if (n > f->max_pos) f->max_pos = n;
    }
    if (implicit) {
      int n = next++;
      arg = f->first_fmt_arg + n;
      if (n > f->max_pos) f->max_pos = n;
    }
    p.arg = arg;
    if (arg < e->nargs) used[arg] = true;
    if (p.width_from_arg && p.width_arg < e->nargs) used[p.width_arg] = true;
    if (p.prec_from_arg && p.prec_arg < e->nargs) used[p.prec_arg] = true;
    add_piece(e, p);
  }
  if (litn) add_piece(e, (FmtPiece){.text = arena_strndup(lit, litn), .text_len = litn, .arg = -1});
  if (f->max_pos >= nexplicit_pos) {
    int want = f->max_pos + 1;
    error_at(f->lit_span, NULL, "%d positional argument%s in format string, but there %s %d argument%s", want,
             want == 1 ? "" : "s", nexplicit_pos == 1 ? "is" : "are", nexplicit_pos, nexplicit_pos == 1 ? "" : "s");
    return;
  }
  for (int i = f->first_fmt_arg; i < f->nnamed_first; i++)
    if (!used[i]) {
      error_at(e->args[i]->span, NULL, "argument never used");
      return;
    }
  for (int i = f->nnamed_first; i < e->nargs; i++)
    if (!used[i]) {
      error_at(e->args[i]->span, NULL, "named argument never used");
      return;
    }
}

// Parses `"fmt", args...` (or nothing) at the current position of a format-like macro whose
// first `first` args (assert!'s condition) are already in e->args.
static void parse_format_args(Expr *e, TokenKind close, bool required) {
  if (at(close)) {
    if (required) syntax_error("format string");
    return;
  }
  if (!at(TK_STR)) {
    Token *t = tok();
    Diag *d = diag_error(t->span, NULL, "format argument must be a string literal");
    diag_emit(d);
    longjmp(P.recover, 1);
  }
  Token *lit = advance();
  FmtCtx f = {.e = e, .first_fmt_arg = e->nargs, .lit_span = lit->span, .lit_hyg = lit->hyg};
  const char **names = NULL;
  int nn = 0;
  for (int i = 0; i < e->nargs; i++) PUSH(names, nn, NULL);
  bool seen_named = false;
  f.nnamed_first = -1;
  while (accept(TK_COMMA) && !at(close)) {
    const char *name = NULL;
    if (at(TK_IDENT) && peek_kind(1) == TK_EQ) {
      name = advance()->text;
      advance();
      if (!seen_named) f.nnamed_first = e->nargs;
      seen_named = true;
    } else if (seen_named) {
      error_here(tok()->span, "positional arguments cannot follow named arguments");
    }
    PUSH(names, nn, name);
    PUSH(e->args, e->nargs, parse_expr());
  }
  if (f.nnamed_first < 0) f.nnamed_first = e->nargs;
  f.names = names;
  parse_format_string(&f, lit->str, lit->str_len);
}

// ---------------------------------------------------------------------------------------------
// macro_rules! calls: macro_rules.c matches and transcribes, the result is parsed here as what
// the call's position needs (an expression, statements or items).

#define RECURSION_LIMIT 128     // rustc's default recursion_limit
#define EXPANSION_LIMIT 200000  // calls per file: a macro that doubles itself ends, with an error

static int expand_depth, expansions;
static Item *parse_block_item(Attrs attrs);
static Stmt *parse_stmt_fragment(void);

static bool at_macro_rules(void) {
  return at(TK_IDENT) && peek_kind(1) == TK_BANG && !strcmp(tok()->text, "macro_rules");
}

// Parses the tokens toks[0, n) (an EOF last) with fn in place of the current input. An error
// inside goes on to the recovery outside, the input restored (already past the call).
static void *parse_tokens(Token *toks, int n, void *(*fn)(void *), void *arg) {
  Token *otoks = P.toks;
  int on = P.n, opos = P.pos;
  jmp_buf outer;
  memcpy(outer, P.recover, sizeof outer);
  P.toks = toks, P.n = n, P.pos = 0;
  expand_depth++;
  bool failed = setjmp(P.recover);
  void *r = failed ? NULL : fn(arg);
  expand_depth--;
  P.toks = otoks, P.n = on, P.pos = opos;
  memcpy(P.recover, outer, sizeof outer);
  if (failed) longjmp(P.recover, 1);
  return r;
}

// At `!` of the call `name!(...)` (name at lo) of user macro m: its expansion, n tokens and
// `extra` EOF slots after them. The parser is left after the call.
static Token *expand_call(MacroDef *m, Span lo, int extra, int *n) {
  int open = P.pos + 1;
  if (!(peek_kind(1) == TK_LPAREN || peek_kind(1) == TK_LBRACKET || peek_kind(1) == TK_LBRACE)) {
    advance();
    syntax_error("one of `(`, `[`, or `{`");
  }
  int close = macro_group_end(P.toks, P.n, open);
  if (close < 0) {
    P.pos = open;
    syntax_error("a closing delimiter");
  }
  Span call = {lo.file, lo.lo, P.toks[close].span.hi};
  P.pos = close + 1;
  if (expand_depth >= RECURSION_LIMIT || ++expansions > EXPANSION_LIMIT) {
    Diag *d = diag_error(call, NULL, "recursion limit reached while expanding `%s!`", macro_name(m));
    diag_help(d, "consider increasing the recursion limit by adding a `#![recursion_limit = \"%d\"]` attribute to your crate",
              RECURSION_LIMIT * 2);
    diag_emit(d);
    P.fatal = true;  // as rustc, give up: the same error would follow at each level
    longjmp(P.recover, 1);
  }
  Token *out = macro_expand(m, P.toks, P.n, open, call, extra, n);
  if (!out) longjmp(P.recover, 1);
  return out;
}

// What a call in expression, type or pattern position expands to is parsed as one of those.
typedef struct {
  FragKind kind;  // FRAG_EXPR, FRAG_TY or FRAG_PAT
  const char *name;
} ExpandAs;

static void *expansion_of(void *arg) {
  ExpandAs *as = arg;
  void *r = as->kind == FRAG_EXPR ? (void *)parse_expr() : as->kind == FRAG_TY ? (void *)parse_type() : (void *)parse_pattern();
  if (as->kind == FRAG_EXPR) accept(TK_SEMI);  // rustc accepts one (with a future-incompatibility warning)
  if (!at(TK_EOF)) {
    Diag *d = diag_error(tok()->span, NULL, "macro expansion ignores %s and any tokens following", describe(tok()));
    diag_note(d, "the usage of `%s!` is likely invalid in %s context", as->name,
              as->kind == FRAG_EXPR ? "expression" : as->kind == FRAG_TY ? "type" : "pattern");
    diag_emit(d);
    longjmp(P.recover, 1);
  }
  return r;
}

// A call of user macro m (tok() is its `!`) in expression, type or pattern position; NULL in a
// trial parse, which only measures and steps over the call.
static void *parse_macro_as(FragKind kind, MacroDef *m, Span lo) {
  if (P.trial) {
    advance();
    skip_token_tree();
    return NULL;
  }
  int n;
  Token *t = expand_call(m, lo, 1, &n);
  ExpandAs as = {kind, macro_name(m)};
  return parse_tokens(t, n + 1, expansion_of, &as);
}

static Expr *parse_macro_expr(MacroDef *m, Span lo) {
  Expr *e = parse_macro_as(FRAG_EXPR, m, lo);
  if (!e) {
    e = new_expr(EX_MACRO, span_from(lo));
    e->name = intern_cstr("<unknown macro>");
  }
  return e;
}

// `crate::m!(..)` (or `$crate::m!`), m a #[macro_export] macro, in expression position.
static Expr *parse_crate_macro(PathSeg *seg, const char *root, Span lo) {
  MacroDef *m = macro_lookup_exported(seg->name);
  if (!m) {
    Diag *d = diag_error(seg->span, "E0433", "cannot find `%s` in `%s`", seg->name, root);
    diag_label(d, "could not find `%s` in the crate root", seg->name);
    diag_emit(d);
    longjmp(P.recover, 1);
  }
  return parse_macro_expr(m, lo);
}

// `m!(..)` in type or pattern position, m a macro_rules! macro: advances past `m`.
static MacroDef *at_user_macro(void) {
  MacroDef *m = at(TK_IDENT) && peek_kind(1) == TK_BANG ? macro_lookup(tok()->text) : NULL;
  if (m) advance();
  return m;
}

static void parse_stmts(Block *b);

static void *expansion_stmts(void *b) {
  parse_stmts(b);
  expect(TK_RBRACE);  // the sentinel after the expansion
  if (!at(TK_EOF)) syntax_error("end of macro expansion");
  return NULL;
}

// Whether the call at tok() (`name ! group`) is a statement of its own: `m!{..}`, or followed
// by `;`. Otherwise it is an expression (`m!(x).f()`, or the block's value at its end), as
// rustc parses it.
static bool is_macro_stmt(void) {
  int open = P.pos + 2, close = macro_group_end(P.toks, P.n, open);
  if (close < 0) return false;
  TokenKind after = P.toks[close + 1 < P.n ? close + 1 : P.n - 1].kind;
  return P.toks[open].kind == TK_LBRACE || after == TK_SEMI;
}

// A call of user macro m in statement position: its expansion's statements join block b; a
// last expression without `;` is the block's value when the call ends the block.
static void parse_macro_stmts(Block *b, MacroDef *m) {
  Span lo = advance()->span;
  int n;
  Token *t = expand_call(m, lo, 2, &n);
  t[n].kind = TK_RBRACE;
  parse_tokens(t, n + 2, expansion_stmts, b);
  Expr *e = b->tail;
  if (!e) return;
  b->tail = NULL;
  if (at(TK_RBRACE)) {
    b->tail = e;
    return;
  }
  Stmt *s = arena_alloc(sizeof *s);
  s->kind = accept(TK_SEMI) ? ST_SEMI : ST_EXPR;
  s->init = e;
  s->span = e->span;
  PUSH(b->stmts, b->nstmts, s);
}

// After an error in a definition: past `macro_rules! name {...}`.
static void recover_past_macro(void) {
  advance();
  accept(TK_BANG);
  if (at(TK_IDENT)) advance();
  if (at(TK_LPAREN) || at(TK_LBRACKET) || at(TK_LBRACE)) skip_token_tree();
  accept(TK_SEMI);
}

// `macro_rules! name {...}`: defined here (a trial parse only steps over it).
static void parse_macro_rules(bool in_fn, bool exported) {
  if (P.trial) {
    advance(), advance(), advance();
    skip_token_tree();
    accept(TK_SEMI);
    return;
  }
  int end = macro_define(P.toks, P.n, P.pos, in_fn, exported);
  if (end < 0) {
    recover_past_macro();
    longjmp(P.recover, 1);
  }
  P.pos = end;
}

static Item *parse_item_macro(Attrs attrs);

static void *expansion_items(void *unused) {
  (void)unused;
  while (!at(TK_EOF)) {
    Attrs attrs = parse_outer_attrs();
    if (attrs.cfg_off) {
      skip_cfg_item();
      continue;
    }
    Item *it = parse_item(attrs);
    if (it) PUSH(P.prog->items, P.prog->nitems, it);
  }
  return NULL;
}

// ---- thread_local! ----
// `thread_local! { static NAME: T = init; .. }` (std's macro) is expanded here. Each key is a
// static LocalKey<T> (compiler/std/thread.tr) given two functions: the address of this thread's
// slot, a `#[thread_local] static mut` inside a closure (so each key has its own), and init:
//
//   static NAME: std::thread::LocalKey<T> = std::thread::LocalKey::__new(
//       || -> *mut LocalSlot<T> { #[thread_local] static mut __TRC_TLS_SLOT: LocalSlot<T> = LocalSlot::__new(); unsafe { &raw mut __TRC_TLS_SLOT } },
//       || -> T { init });
//
// The key's attributes, visibility, name, type and init keep their tokens (errors point there);
// the rest has the key's spans (see expand_tls_key).

typedef VEC(Token) TokenVec;
static Visibility parse_visibility(void);

static bool feature_enabled(const char *name) {
  for (int i = 0; i < P.prog->nfeatures; i++)
    if (!strcmp(P.prog->features[i], name)) return true;
  return false;
}

static void push_text(TokenVec *out, const char *text, Span at) {
  int n;
  Token *t = lex(diag_add_file("<thread_local!>", text, strlen(text)), text, strlen(text), &n);
  for (int i = 0; i < n && t[i].kind != TK_EOF; i++) {
    t[i].span = at;
    vec_push(out, t[i]);
  }
}

static void push_source(TokenVec *out, int lo, int hi) {
  for (int i = lo; i < hi; i++) vec_push(out, P.toks[i]);
}

// Steps over tokens up to (not past) the first `stop` outside brackets, or the group's end.
static void skip_to(TokenKind stop, int end) {
  for (int depth = 0, angle = 0; P.pos < end; advance()) {
    TokenKind k = kind();
    if (depth == 0 && angle <= 0 && k == stop) return;
    depth += token_opens(k) - token_closes(k);
    if (stop == TK_EQ) angle += (k == TK_LT) - (k == TK_GT) - 2 * (k == TK_SHR);  // `Box<dyn I<Item = u8>>`
  }
}

static void expand_tls_key(TokenVec *out, int end) {
  int head = P.pos;
  while (at(TK_HASH)) advance(), skip_token_tree();
  parse_visibility();
  push_source(out, head, P.pos);
  expect(TK_STATIC);
  int name = P.pos;
  expect_ident();
  expect(TK_COLON);
  int ty = P.pos;
  skip_to(TK_EQ, end);
  int ty_end = P.pos;
  expect(TK_EQ);
  if (at(TK_CONST) && peek_kind(1) == TK_LBRACE) advance();  // `const { init }`: evaluated the same
  int init = P.pos;
  skip_to(TK_SEMI, end);
  int init_end = P.pos;
  if (P.pos < end) expect(TK_SEMI);
  if (ty == ty_end || init == init_end) syntax_error("a type and an initializer");
  // What is written here has the key's spans: the item the name's, its value the `=`'s (the
  // slot inside is seen only there; sema/module_paths.c's bodies).
  Span key = P.toks[name].span, call = P.toks[ty_end].span;
  push_text(out, "static", key);
  push_source(out, name, name + 1);
  push_text(out, ": std::thread::LocalKey<", key);
  push_source(out, ty, ty_end);
  push_text(out, "> =", key);
  push_text(out, "std::thread::LocalKey::__new(|| -> *mut std::thread::LocalSlot<", call);
  push_source(out, ty, ty_end);
  push_text(out, "> { #[thread_local] static mut __TRC_TLS_SLOT: std::thread::LocalSlot<", call);
  push_source(out, ty, ty_end);
  push_text(out, "> = std::thread::LocalSlot::__new(); unsafe { &raw mut __TRC_TLS_SLOT } }, || -> ", call);
  push_source(out, ty, ty_end);
  push_text(out, " { ", call);
  push_source(out, init, init_end);
  push_text(out, " });", call);
}

static void *expansion_block_items(void *b) {
  while (!at(TK_EOF)) {
    Stmt *s = arena_alloc(sizeof *s);
    s->kind = ST_ITEM;
    s->span = tok()->span;
    s->item = parse_block_item(parse_outer_attrs());
    if (s->item) PUSH(((Block *)b)->stmts, ((Block *)b)->nstmts, s);
  }
  return NULL;
}

// At `thread_local`: the call, expanded into items (into block b's statements when in a body).
static void parse_thread_local(Block *b) {
  Span call = advance()->span;
  expect(TK_BANG);
  int end = token_opens(kind()) ? macro_group_end(P.toks, P.n, P.pos) : -1;
  if (end < 0) syntax_error("one of `(`, `[`, or `{`");
  bool braces = at(TK_LBRACE);
  advance();
  TokenVec out = {0};
  while (P.pos < end) expand_tls_key(&out, end);
  P.pos = end + 1;
  if (!braces) expect(TK_SEMI);
  if (P.trial) return;
  Token eof = {.kind = TK_EOF, .span = call};
  vec_push(&out, eof);
  bool saved = tls_expansion;
  tls_expansion = true;
  parse_tokens(out.data, out.len, b ? expansion_block_items : expansion_items, b);
  tls_expansion = saved;
}

// At `name` of `name!(..)` in item position, naming no macro: the error, and past the call.
static void skip_unknown_item_macro(Token *name) {
  advance();
  error_at(name->span, NULL, "cannot find macro `%s` in this scope", name->text);
  if (at(TK_BANG)) advance();
  if (token_opens(kind())) skip_token_tree();
  accept(TK_SEMI);
}

// At `!` of an item-position call of user macro m: its expansion parsed by fn(arg) (items of
// the program, or of an impl). The call is in braces or followed by `;`.
static void expand_item_call(MacroDef *m, Token *name, void *(*fn)(void *), void *arg) {
  bool braces = peek_kind(1) == TK_LBRACE;
  int n;
  Token *t = expand_call(m, name->span, 1, &n);
  if (!braces && !accept(TK_SEMI))
    error_here(prev_span(), "macros that expand to items must be delimited with braces or followed by a semicolon");
  parse_tokens(t, n + 1, fn, arg);
}

// item-macro = "macro_rules" "!" ident group | ident "!" ("{" .. "}" | group ";")
// The items a call expands to are appended to the program directly.
static Item *parse_item_macro(Attrs attrs) {
  if (at_macro_rules()) {
    parse_macro_rules(false, attrs.macro_export);
    return NULL;
  }
  Token *name = tok();
  MacroDef *m = macro_lookup(name->text);
  if (!m && !strcmp(name->text, "thread_local")) {
    parse_thread_local(NULL);
    return NULL;
  }
  if (!m) {
    skip_unknown_item_macro(name);
    return NULL;
  }
  advance();
  if (P.trial) {
    advance();
    skip_token_tree();
    accept(TK_SEMI);
    return NULL;
  }
  expand_item_call(m, name, expansion_items, NULL);
  return NULL;
}

// A fragment of kind k at the current token (see parse_fragment_len).
static void parse_fragment(FragKind k) {
  switch (k) {
  case FRAG_EXPR: parse_expr(); break;
  case FRAG_TY: parse_type(); break;
  case FRAG_PAT: parse_pattern(); break;
  case FRAG_PAT_PARAM: parse_pattern_alt(); break;
  case FRAG_BLOCK: parse_block(); break;
  case FRAG_STMT: parse_stmt_fragment(); break;
  case FRAG_PATH: parse_path(false); break;
  case FRAG_ITEM: {
    Attrs attrs = parse_outer_attrs();
    parse_item(attrs);
    break;
  }
  default: syntax_error("fragment");
  }
}

int parse_fragment_len(FragKind k, Token *toks, int pos, int end) {
  Parser saved = P;
  uint32_t saved_stmt_lo = block_stmt_lo;
  int nitems = P.prog->nitems;
  Token end_tok = toks[end];
  toks[end] = (Token){.kind = TK_EOF, .span = end_tok.span};
  P.toks = toks, P.pos = pos, P.n = end + 1;
  P.trial = true, P.split = NULL, P.split_was = NULL, P.nsplit = 0;
  diag_mute(true);
  int len = -1;
  if (!setjmp(P.recover)) {
    parse_fragment(k);
    len = P.pos - pos;
  }
  diag_mute(false);
  for (int i = P.nsplit - 1; i >= 0; i--) *P.split[i] = P.split_was[i];
  toks[end] = end_tok;
  P.prog->nitems = nitems;
  block_stmt_lo = saved_stmt_lo;
  P = saved;
  return len > 0 ? len : -1;
}

static bool is_format_macro(const char *n) {
  return !strcmp(n, "println") || !strcmp(n, "print") || !strcmp(n, "eprintln") || !strcmp(n, "eprint") ||
         !strcmp(n, "format") || !strcmp(n, "panic") || !strcmp(n, "unreachable") || !strcmp(n, "todo") ||
         !strcmp(n, "unimplemented");
}

// ---- dbg! ----
//
// As std defines it: `dbg!()` is `eprintln!("[file:line:col]")`, `dbg!(e)` is
//
//     match e { tmp => { eprintln!("[file:line:col] e = {:#?}", &tmp); tmp } }
//
// (the value moved through and returned), and `dbg!(a, b)` the tuple `(dbg!(a), dbg!(b))`.
// The expression is shown as written, its whitespace runs made single spaces.

static Expr *path_expr(const char *name, Span sp) {
  Expr *e = new_expr(EX_PATH, sp);
  PathSeg seg = {.name = intern_cstr(name), .span = sp};
  PUSH(e->path.segs, e->path.nsegs, seg);
  e->path.span = sp;
  return e;
}

// `[file:line:col]`, where the `dbg!` is.
static const char *dbg_location(Span lo) {
  int line, col;
  diag_line_col(lo, &line, &col);
  return arena_printf("[%s:%d:%d]", diag_file_name(lo.file), line, col);
}

static const char *squeeze_spaces(const char *s) {
  char *out = arena_alloc(strlen(s) + 1);
  size_t n = 0;
  for (; *s; s++) {
    bool space = *s == ' ' || *s == '\n' || *s == '\t' || *s == '\r';
    if (space && (n == 0 || out[n - 1] == ' ')) continue;
    out[n++] = space ? ' ' : *s;
  }
  while (n && out[n - 1] == ' ') n--;
  out[n] = 0;
  return out;
}

// eprintln! of the location, and of the value's text and `&tmp` ({:#?}) when there is one;
// sp is the whole `dbg!(..)`, where rustc reports a value that is not Debug.
static Expr *dbg_print(Span lo, Span sp, Expr *value) {
  Expr *pr = new_expr(EX_MACRO, sp);
  pr->name = intern_cstr("eprintln");
  const char *text = dbg_location(lo);
  if (value) text = arena_printf("%s %s = ", text, squeeze_spaces(diag_span_text(value->span)));
  add_piece(pr, (FmtPiece){.text = text, .text_len = strlen(text), .arg = -1});
  if (!value) return pr;
  Expr *ref = new_expr(EX_UNARY, sp);
  ref->op = TK_AMP;
  ref->sub = path_expr("tmp", value->span);
  PUSH(pr->args, pr->nargs, ref);
  add_piece(pr, (FmtPiece){.arg = 0, .debug = true, .alternate = true, .align = -1});
  return pr;
}

static Expr *dbg_one(Expr *value, Span lo, Span sp) {
  Span vs = value->span;
  Block *blk = arena_alloc(sizeof *blk);
  Stmt *st = arena_alloc(sizeof *st);
  *st = (Stmt){.kind = ST_SEMI, .span = vs, .init = dbg_print(lo, sp, value)};
  PUSH(blk->stmts, blk->nstmts, st);
  blk->tail = path_expr("tmp", vs);
  blk->span = vs;
  Expr *body = new_expr(EX_BLOCK, vs);
  body->block = blk;
  MatchArm *arm = arena_alloc(sizeof *arm);
  arm->pat = new_pat(PAT_BIND, vs);
  arm->pat->name = intern_cstr("tmp");
  arm->body = body;
  arm->span = vs;
  Expr *m = new_expr(EX_MATCH, sp);
  m->sub = value;
  m->arms = arm;
  m->narms = 1;
  return m;
}

static Expr *parse_dbg(Span lo, TokenKind close) {
  if (accept(close)) return dbg_print(lo, span_from(lo), NULL);
  Expr **values = NULL;
  int n = 0;
  do {
    if (at(close)) break;  // `dbg!(a,)` is dbg!(a)
    PUSH(values, n, parse_expr());
  } while (accept(TK_COMMA));
  expect(close);
  Span sp = span_from(lo);
  if (n == 1) return dbg_one(values[0], lo, sp);
  Expr *t = new_expr(EX_TUPLE, sp);
  for (int i = 0; i < n; i++) PUSH(t->args, t->nargs, dbg_one(values[i], lo, sp));
  return t;
}

// macro = ident "!" ( "(" args ")" | "[" args "]" | "{" args "}" )
// `concat!("a", 1, 'b', true)`: the literals' text, one string.
static Expr *parse_concat(Span lo, TokenKind close) {
  Expr *e = new_expr(EX_STR, lo);
  char *text = arena_alloc(1);
  size_t len = 0;
  while (!at(close) && !at(TK_EOF)) {
    int start = P.pos;
    Expr *a = parse_expr();
    const char *piece = NULL;
    char buf[4];
    size_t n = 0;
    if (a->kind == EX_STR) piece = a->str, n = a->str_len;
    else if (a->kind == EX_CHAR) piece = buf, n = (size_t)encode_utf8((uint32_t)a->int_val, buf);
    else if (a->kind == EX_BOOL) piece = a->int_val ? "true" : "false", n = strlen(piece);
    else if (a->kind == EX_UNARY && a->op == TK_MINUS && (a->sub->kind == EX_INT || a->sub->kind == EX_FLOAT)) {
      piece = arena_printf("-%s", tokens_text(&P.toks[start + 1], P.pos - start - 1));  // `-3`
      n = strlen(piece) - (a->sub->suffix ? strlen(a->sub->suffix) : 0);
    } else if (a->kind == EX_INT || a->kind == EX_FLOAT) {
      piece = tokens_text(&P.toks[start], P.pos - start);  // as written, less a suffix
      n = strlen(piece) - (a->suffix ? strlen(a->suffix) : 0);
    } else {
      error_at(a->span, NULL, "expected a literal");
    }
    if (piece) {
      char *grown = arena_alloc(len + n + 1);
      copy_bytes(grown, text, len);
      copy_bytes(grown + len, piece, n);
      text = grown, len += n;
    }
    if (!accept(TK_COMMA)) break;
  }
  expect(close);
  e->str = text;
  e->str_len = len;
  e->span = span_from(lo);
  return e;
}

// `line!()`, `column!()`, `file!()`: where the invocation is, known here; `concat!`'s literals.
// (`module_path!()` is sema's: the module of a span is known once all are parsed.)
static Expr *parse_location_macro(const char *name, Span lo, TokenKind close) {
  if (!strcmp(name, "concat")) return parse_concat(lo, close);
  expect(close);
  Expr *e;
  if (!strcmp(name, "file")) {
    e = new_expr(EX_STR, lo);
    e->str = diag_file_name((int)lo.file);
    e->str_len = strlen(e->str);
  } else if (!strcmp(name, "module_path")) {
    e = new_expr(EX_MACRO, lo);
    e->name = intern_cstr(name);
  } else {
    int line, col;
    diag_line_col(lo, &line, &col);
    e = new_expr(EX_INT, lo);
    e->int_val = (uint64_t)(!strcmp(name, "line") ? line : col);
    e->suffix = intern_cstr("u32");
  }
  e->span = span_from(lo);
  return e;
}

// The macros of std that expand to a literal, and so may be a pattern.
static bool is_literal_macro(const char *name) {
  return !strcmp(name, "stringify") || !strcmp(name, "concat") || !strcmp(name, "line") || !strcmp(name, "column") ||
         !strcmp(name, "file");
}

static bool is_location_macro(const char *name) {
  return !strcmp(name, "line") || !strcmp(name, "column") || !strcmp(name, "file") || !strcmp(name, "module_path") ||
         !strcmp(name, "concat");
}


static Expr *parse_macro(const char *name, Span lo) {
  MacroDef *user = macro_lookup(name);
  if (user) return parse_macro_expr(user, lo);
  return parse_std_macro(name, lo);
}

// `format_args!(..)` is `std::fmt::Arguments::__new(format!(..))` (fmt.tr: trc formats the text
// when the macro runs).
static Expr *parse_format_args_macro(Span lo, TokenKind close) {
  Expr *text = new_expr(EX_MACRO, lo);
  text->name = intern_cstr("format");
  parse_format_args(text, close, true);
  expect(close);
  Span sp = span_from(lo);
  text->span = sp;
  Expr *callee = new_expr(EX_PATH, lo);
  static const char *const segs[] = {"std", "fmt", "Arguments", "__new"};
  for (int i = 0; i < 4; i++) {
    PathSeg seg = {.name = intern_cstr(segs[i]), .span = lo};
    PUSH(callee->path.segs, callee->path.nsegs, seg);
  }
  callee->path.span = lo;
  Expr *call = new_expr(EX_CALL, lo);
  call->sub = callee;
  PUSH(call->args, call->nargs, text);
  call->span = sp;
  return call;
}

static bool is_std_root(const char *name) { return !strcmp(name, "std") || !strcmp(name, "core") || !strcmp(name, "alloc"); }

// A macro of std's (`println!`, `vec!`, also as `std::println!`), at its `!`.
static Expr *parse_std_macro(const char *name, Span lo) {
  expect(TK_BANG);
  TokenKind open = kind();
  TokenKind close = open == TK_LPAREN ? TK_RPAREN : open == TK_LBRACKET ? TK_RBRACKET : open == TK_LBRACE ? TK_RBRACE : TK_EOF;
  if (close == TK_EOF) syntax_error("one of `(`, `[`, or `{`");
  advance();
  if (!strcmp(name, "dbg")) return parse_dbg(lo, close);
  if (!strcmp(name, "addr_of") || !strcmp(name, "addr_of_mut")) {  // std::ptr's: `&raw const place`
    Expr *e = new_expr(EX_UNARY, lo);
    e->op = TK_AMP;
    e->raw = true;
    e->mut = name[7] != 0;
    e->sub = parse_expr();
    accept(TK_COMMA);
    expect(close);
    e->span = span_from(lo);
    return e;
  }
  if (!strcmp(name, "cfg")) {  // `cfg!(unix)`: the predicate decided here, a `bool` literal
    Expr *e = new_expr(EX_BOOL, lo);
    e->int_val = parse_cfg_predicate();
    expect(close);
    e->span = span_from(lo);
    return e;
  }
  if (is_location_macro(name)) return parse_location_macro(name, lo, close);
  if (!strcmp(name, "format_args")) return parse_format_args_macro(lo, close);
  Expr *e = new_expr(EX_MACRO, lo);
  if (!strncmp(name, "debug_assert", 12) && (!name[12] || !strcmp(name + 12, "_eq") || !strcmp(name + 12, "_ne"))) {
    name = intern_cstr(name + 6);  // `debug_assert_eq` is `assert_eq`, kept out of release builds
    e->debug_only = true;
  }
  e->name = name;
  if (is_format_macro(name)) {
    parse_format_args(e, close, !strcmp(name, "format"));
  } else if (!strcmp(name, "write") || !strcmp(name, "writeln")) {
    // write!(dest, "fmt", args..): dest is args[0]; writeln!(dest) writes just a newline
    PUSH(e->args, e->nargs, parse_expr());
    if (accept(TK_COMMA) && !at(close)) parse_format_args(e, close, !strcmp(name, "write"));
    else if (!strcmp(name, "write")) syntax_error("`,`");
  } else if (!strcmp(name, "assert") || !strcmp(name, "assert_eq") || !strcmp(name, "assert_ne")) {
    int nfixed = !strcmp(name, "assert") ? 1 : 2;
    for (int i = 0; i < nfixed; i++) {
      PUSH(e->args, e->nargs, parse_expr());
      if (i + 1 < nfixed) expect(TK_COMMA);
    }
    if (accept(TK_COMMA) && !at(close)) parse_format_args(e, close, true);
  } else if (!strcmp(name, "matches")) {
    // matches!(e, pat if guard) is `match e { pat if guard => true, _ => false }`, as std's macro.
    Expr *scrutinee = parse_expr();
    expect(TK_COMMA);
    MatchArm *arms = arena_alloc(sizeof(MatchArm) * 2);
    arms[0].pat = parse_pattern();
    if (accept(TK_IF)) arms[0].guard = parse_expr();
    accept(TK_COMMA);
    expect(close);
    Span sp = span_from(lo);
    Expr *yes = new_expr(EX_BOOL, sp), *no = new_expr(EX_BOOL, sp);
    yes->int_val = 1;
    arms[0].body = yes;
    arms[0].span = sp;
    arms[1].pat = arena_alloc(sizeof(Pattern));
    *arms[1].pat = (Pattern){.kind = PAT_WILD, .span = sp};
    arms[1].body = no;
    arms[1].span = sp;
    e->kind = EX_MATCH;
    e->sub = scrutinee;
    e->arms = arms;
    e->narms = 2;
    e->span = sp;
    return e;
  } else if (!strcmp(name, "stringify")) {
    int start = P.pos;
    P.pos--;
    skip_token_tree();
    P.pos--;  // at the close
    const char *text = tokens_text(&P.toks[start], P.pos - start);
    e = new_expr(EX_STR, lo);
    e->str = text;
    e->str_len = strlen(text);
  } else if (!strcmp(name, "vec")) {
    if (!at(close)) {
      PUSH(e->args, e->nargs, parse_expr());
      if (accept(TK_SEMI)) {
        e->repeat = true;
        PUSH(e->args, e->nargs, parse_expr());
      } else {
        while (accept(TK_COMMA) && !at(close)) PUSH(e->args, e->nargs, parse_expr());
      }
    }
  } else {
    Diag *d = diag_error(lo, NULL, "cannot find macro `%s` in this scope", name);
    diag_emit(d);
    P.pos--;
    skip_token_tree();
    e->span = span_from(lo);
    e->name = intern_cstr("<unknown macro>");
    return e;
  }
  expect(close);
  e->span = span_from(lo);
  return e;
}

// ---------------------------------------------------------------------------------------------
// Expressions

static bool can_start_expr(TokenKind k) {
  switch (k) {
  case TK_SEMI: case TK_RBRACE: case TK_RPAREN: case TK_RBRACKET: case TK_COMMA: case TK_EOF: case TK_FATARROW:
  case TK_EQ: case TK_LBRACE:
    return false;
  default:
    return true;
  }
}

// A block that declares items is a scope of its own for them (two sibling blocks may each have
// a `fn helper`): the resolver learns its span from the program's list.
static void note_item_block(Block *b) {
  for (int i = 0; i < b->nstmts && !b->has_items; i++) b->has_items = b->stmts[i]->kind == ST_ITEM;
  if (b->has_items && !P.trial) PUSH(P.prog->item_blocks, P.prog->nitem_blocks, b->span);
}

static Block *parse_block(void) {
  enter();
  Block *b = arena_alloc(sizeof *b);
  Span lo = tok()->span;
  expect(TK_LBRACE);
  int macros = macro_scope_mark();  // macro_rules! defined in the block end with it
  parse_stmts(b);
  macro_scope_pop(macros);
  expect(TK_RBRACE);
  b->span = span_from(lo);
  note_item_block(b);
  leave();
  return b;
}

// let-stmt without its `;`: "let" pattern (":" type)? ("=" expr ("else" block)?)?
static Stmt *parse_let(Span slo) {
  advance();
  Stmt *s = arena_alloc(sizeof *s);
  s->kind = ST_LET;
  s->pat = parse_pattern();
  if (accept(TK_COLON)) s->ty = parse_type();
  if (accept(TK_EQ)) {
    s->init = parse_expr();
    if (accept(TK_ELSE)) s->else_block = parse_block();
  }
  s->span = span_from(slo);
  return s;
}

// An item inside a function body: an item of its module (not of the impl or trait whose method
// it is written in), listed among the program's block items.
static Item *parse_block_item(Attrs attrs) {
  ImplDecl *impl = P.impl;
  TraitDecl *trait = P.trait;
  P.impl = NULL, P.trait = NULL;
  int base = P.lt_base;
  P.lt_base = P.lt_nscope;
  Item *it = parse_item(attrs);
  P.lt_base = base;
  P.impl = impl, P.trait = trait;
  if (it) PUSH(P.prog->block_items, P.prog->nblock_items, it);
  return it;
}

// A `stmt` macro fragment: a statement without its trailing `;`.
static Stmt *parse_stmt_fragment(void) {
  if (at(TK_LET)) return parse_let(tok()->span);
  Stmt *s = arena_alloc(sizeof *s);
  TokenKind k = kind();
  if (k == TK_FN || k == TK_STRUCT || k == TK_ENUM || k == TK_TRAIT || k == TK_IMPL || k == TK_USE || k == TK_PUB || k == TK_TYPE ||
      k == TK_CONST || k == TK_STATIC || k == TK_HASH || k == TK_EXTERN || (k == TK_UNSAFE && peek_kind(1) != TK_LBRACE)) {
    s->kind = ST_ITEM;
    s->item = parse_block_item(parse_outer_attrs());
  } else {
    s->kind = ST_EXPR;
    s->init = parse_expr();
  }
  return s;
}

// The statements of a block up to its `}` (not consumed): into b->stmts, a last expression
// without `;` into b->tail.
static void parse_stmts(Block *b) {
  while (!at(TK_RBRACE)) {
    if (at(TK_EOF)) syntax_error("`}`");
    Span slo = tok()->span;
    if (accept(TK_SEMI)) continue;
    Attrs attrs = parse_outer_attrs();
    if (attrs.cfg_off) {
      skip_cfg_item();
      continue;
    }
    if (at_macro_rules()) {
      parse_macro_rules(true, attrs.macro_export);
      continue;
    }
    MacroDef *m = at(TK_IDENT) && peek_kind(1) == TK_BANG && !P.trial ? macro_lookup(tok()->text) : NULL;
    if (!m && at(TK_IDENT) && peek_kind(1) == TK_BANG && !strcmp(tok()->text, "thread_local")) {
      parse_thread_local(b);
      continue;
    }
    if (m && is_macro_stmt()) {
      parse_macro_stmts(b, m);
      continue;
    }
    if (at(TK_LET)) {
      Stmt *s = parse_let(slo);
      expect(TK_SEMI);
      s->span = span_from(slo);
      PUSH(b->stmts, b->nstmts, s);
      continue;
    }
    TokenKind k = kind();
    bool item_start = k == TK_FN || k == TK_STRUCT || k == TK_TRAIT || k == TK_ENUM || k == TK_USE || k == TK_MOD ||
                      (k == TK_IMPL) || (k == TK_CONST && peek_kind(1) == TK_IDENT) || k == TK_STATIC ||
                      (k == TK_PUB) || (k == TK_UNSAFE && (peek_kind(1) == TK_IMPL || peek_kind(1) == TK_TRAIT)) || at_fn() ||
                      k == TK_EXTERN || k == TK_TYPE;
    if (item_start) {
      Stmt *s = arena_alloc(sizeof *s);
      s->kind = ST_ITEM;
      s->item = parse_block_item(attrs);
      s->span = span_from(slo);
      if (s->item) PUSH(b->stmts, b->nstmts, s);
      b->has_items = true;  // (a `use` is kept among the program's items, not as a statement)
      continue;
    }
    bool block_like = k == TK_IF || k == TK_MATCH || k == TK_LOOP || k == TK_WHILE || k == TK_FOR || k == TK_LBRACE ||
                      (k == TK_UNSAFE && peek_kind(1) == TK_LBRACE) || (k == TK_LIFETIME && peek_kind(1) == TK_COLON);
    Expr *e;
    if (block_like) {
      uint32_t saved = block_stmt_lo;
      block_stmt_lo = tok()->span.lo;
      e = parse_expr_bp(100, false);  // the block-like expression (and any `.method()` after it)
      block_stmt_lo = saved;
    } else {
      e = parse_expr();
    }
    Stmt *s = arena_alloc(sizeof *s);
    s->init = e;
    if (accept(TK_SEMI)) {
      s->kind = ST_SEMI;
    } else if (at(TK_RBRACE)) {
      b->tail = e;
      break;
    } else if (block_like) {
      s->kind = ST_EXPR;
    } else {
      syntax_error("`;` or `}`");
    }
    s->span = span_from(slo);
    PUSH(b->stmts, b->nstmts, s);
  }
}

static Expr *block_expr(Span lo, Block *b) {
  Expr *e = new_expr(EX_BLOCK, span_from(lo));
  e->block = b;
  return e;
}

// `if let P = e { A } else { B }` is `match e { P => { A } _ => { B } }` — the same scoping
// of temporaries in Rust 2021 — so the parser builds the match and later phases see only that.
static Expr *if_let_match(Span lo, Pattern *pat, Expr *scrutinee, Expr *then, Expr *otherwise) {
  Expr *m = new_expr(EX_MATCH, lo);
  m->sub = scrutinee;
  MatchArm yes = {.pat = pat, .body = then, .span = pat->span};
  MatchArm no = {.pat = new_pat(PAT_WILD, otherwise->span), .body = otherwise, .span = otherwise->span};
  PUSH(m->arms, m->narms, yes);
  PUSH(m->arms, m->narms, no);
  return m;
}

// A block as an expression spanning exactly the block.
static Expr *wrap_block(Block *b) {
  Expr *e = new_expr(EX_BLOCK, b->span);
  e->block = b;
  return e;
}

static Expr *empty_block_expr(Span at) {
  Block *b = arena_alloc(sizeof *b);
  b->span = at;
  return wrap_block(b);
}

// if = "if" ("let" pattern "=")? expr-no-struct block ("else" (if | block))?
static Expr *parse_if(void) {
  Span lo = expect(TK_IF)->span;
  Pattern *pat = accept(TK_LET) ? parse_pattern() : NULL;
  if (pat) expect(TK_EQ);
  Expr *e = new_expr(EX_IF, lo);
  e->sub = parse_expr_r(true);
  e->block = parse_block();
  if (accept(TK_ELSE)) {
    Span elo = tok()->span;
    e->else_expr = at(TK_IF) ? parse_if() : block_expr(elo, parse_block());
  }
  e->span = span_from(lo);
  if (pat) {
    Expr *otherwise = e->else_expr ? e->else_expr : empty_block_expr(e->block->span);
    Expr *m = if_let_match(lo, pat, e->sub, wrap_block(e->block), otherwise);
    m->span = e->span;
    return m;
  }
  return e;
}

// match = "match" expr-no-struct "{" (pattern ("if" expr)? "=>" expr ","?)* "}"
static Expr *parse_match(void) {
  Span lo = expect(TK_MATCH)->span;
  Expr *e = new_expr(EX_MATCH, lo);
  e->sub = parse_expr_r(true);
  expect(TK_LBRACE);
  while (!at(TK_RBRACE)) {
    MatchArm arm = {0};
    arm.span = tok()->span;
    if (parse_outer_attrs().cfg_off) {
      skip_cfg_arm();
      continue;
    }
    arm.pat = parse_pattern();
    if (accept(TK_IF)) arm.guard = parse_expr();
    expect(TK_FATARROW);
    // A `{ ... }` body ends the arm (as rustc parses it), so `}` need not be followed by `,`
    // and a next arm starting with `(` is not taken for a call.
    bool blocky = at(TK_LBRACE);
    if (blocky) {
      Span blo = tok()->span;
      arm.body = block_expr(blo, parse_block());
    } else {
      arm.body = parse_expr();
    }
    arm.span = span_from(arm.span);
    PUSH(e->arms, e->narms, arm);
    if (!accept(TK_COMMA) && !blocky && !at(TK_RBRACE)) syntax_error("`,` or `}`");
  }
  expect(TK_RBRACE);
  e->span = span_from(lo);
  return e;
}

// closure = "move"? ("||" | "|" (pattern (":" type)?),* "|") ("->" type block | expr)
static Expr *parse_closure(void) {
  Span lo = tok()->span;
  Expr *e = new_expr(EX_CLOSURE, lo);
  e->is_move = accept(TK_MOVE);
  if (!accept(TK_PIPEPIPE)) {
    expect(TK_PIPE);
    while (!at(TK_PIPE)) {
      int n = e->ncparams;
      PUSH(e->cparams, n, parse_closure_param());
      PUSH(e->cparam_types, e->ncparams, accept(TK_COLON) ? parse_type() : NULL);
      if (!accept(TK_COMMA)) break;
    }
    expect(TK_PIPE);
  }
  if (accept(TK_ARROW)) {
    e->cret = parse_type();
    Span blo = tok()->span;
    e->cbody = block_expr(blo, parse_block());
  } else {
    e->cbody = parse_expr();
  }
  e->span = span_from(lo);
  return e;
}

static Expr *parse_path_expr(bool no_struct) {
  Span lo = tok()->span;
  const char *root = tok()->kind == TK_CRATE && tok()->text ? tok()->text : "crate";  // or "$crate"
  Path path = parse_path(true);
  if (path.nsegs == 1 && at(TK_BANG) && path.segs[0].nargs == 0 && peek_kind(1) != TK_EQ) return parse_macro(path.segs[0].name, lo);
  if (path.nsegs > 1 && at(TK_BANG) && peek_kind(1) != TK_EQ && is_std_root(path.segs[0].name))  // `std::println!(..)`
    return parse_std_macro(path.segs[path.nsegs - 1].name, lo);
  if (path.nsegs == 2 && !strcmp(path.segs[0].name, "crate") && at(TK_BANG) && peek_kind(1) != TK_EQ)
    return parse_crate_macro(&path.segs[1], root, lo);
  if (at(TK_LBRACE) && !no_struct) {
    // struct-lit = path "{" (ident (":" expr)? ","?)* (".." expr)? "}"
    advance();
    Expr *e = new_expr(EX_STRUCT, lo);
    e->path = path;
    note_path(&e->path, PATH_TYPE);
    while (!at(TK_RBRACE)) {
      if (parse_outer_attrs().cfg_off) {
        skip_cfg_element();
        continue;
      }
      if (accept(TK_DOTDOT)) {
        e->base_expr = parse_expr();
        break;
      }
      Span flo = tok()->span;
      uint32_t fhyg = tok()->hyg;
      const char *fname;
      if (at(TK_INT)) fname = arena_printf("%llu", (unsigned long long)advance()->int_val);
      else fname = expect_ident();
      fname = intern_cstr(fname);
      Expr *val;
      if (accept(TK_COLON)) {
        val = parse_expr();
      } else {
        val = new_expr(EX_PATH, flo);
        PathSeg seg = {.name = fname, .span = flo, .hyg = fhyg};
        PUSH(val->path.segs, val->path.nsegs, seg);
        val->path.span = flo;
      }
      int n = e->nargs, n2 = e->nargs;
      PUSH(e->field_names, n, fname);
      PUSH(e->field_spans, n2, flo);
      PUSH(e->args, e->nargs, val);
      if (!accept(TK_COMMA)) break;
    }
    expect(TK_RBRACE);
    e->span = span_from(lo);
    return e;
  }
  Expr *e = new_expr(EX_PATH, span_from(lo));
  e->path = path;
  note_path(&e->path, PATH_VALUE);
  return e;
}

static Expr *parse_loop_with_label(const char *label, Span lo) {
  Expr *e;
  if (accept(TK_LOOP)) {
    e = new_expr(EX_LOOP, lo);
  } else if (accept(TK_WHILE)) {
    if (accept(TK_LET)) {
      // `while let P = e { B }` is `loop { match e { P => { B } _ => break } }`.
      Pattern *pat = parse_pattern();
      expect(TK_EQ);
      Expr *scrutinee = parse_expr_r(true);
      Block *body = parse_block();
      Expr *brk = new_expr(EX_BREAK, body->span);
      Block *loop_body = arena_alloc(sizeof *loop_body);
      loop_body->span = body->span;
      loop_body->tail = if_let_match(lo, pat, scrutinee, wrap_block(body), brk);
      loop_body->tail->span = span_from(lo);
      e = new_expr(EX_LOOP, lo);
      e->label = label;
      e->block = loop_body;
      e->span = span_from(lo);
      return e;
    }
    e = new_expr(EX_WHILE, lo);
    e->sub = parse_expr_r(true);
  } else if (accept(TK_FOR)) {
    e = new_expr(EX_FOR, lo);
    e->pat = parse_pattern();
    expect(TK_IN);
    e->sub = parse_expr_r(true);
  } else if (label && at(TK_LBRACE)) {
    e = new_expr(EX_BLOCK, lo);
  } else {
    syntax_error("`loop`, `while` or `for`");
  }
  e->label = label;
  e->block = parse_block();
  e->span = span_from(lo);
  return e;
}

// primary = literal | path | path "{" fields "}" | macro | "(" exprs ")" | "[" exprs "]" | block
//         | if | match | loop | while | for | closure | break | continue | return
static Expr *parse_primary(bool no_struct) {
  Token *t = tok();
  Span lo = t->span;
  switch (t->kind) {
  case TK_INT: case TK_FLOAT: case TK_STR: case TK_BYTE_STR: case TK_CHAR: case TK_TRUE: case TK_FALSE:
    return parse_lit_expr();
  case TK_IDENT: case TK_SELF_LOWER: case TK_SELF_UPPER: case TK_CRATE: case TK_SUPER: case TK_PATHSEP:
    return parse_path_expr(no_struct);
  case TK_LT: return parse_path_expr(no_struct);  // reports qualified paths
  case TK_LPAREN: {
    advance();
    Expr *e = new_expr(EX_TUPLE, lo);
    bool comma = false;
    while (!at(TK_RPAREN)) {
      PUSH(e->args, e->nargs, parse_expr());
      if (!(comma = accept(TK_COMMA))) break;
    }
    expect(TK_RPAREN);
    if (e->nargs == 1 && !comma) {
      return e->args[0];  // a parenthesized expression
    }
    e->span = span_from(lo);
    return e;
  }
  case TK_LBRACKET: {
    advance();
    Expr *e = new_expr(EX_ARRAY, lo);
    if (!at(TK_RBRACKET)) {
      PUSH(e->args, e->nargs, parse_expr());
      if (accept(TK_SEMI)) {
        e->repeat = true;
        PUSH(e->args, e->nargs, parse_expr());
      } else {
        while (accept(TK_COMMA) && !at(TK_RBRACKET)) PUSH(e->args, e->nargs, parse_expr());
      }
    }
    expect(TK_RBRACKET);
    e->span = span_from(lo);
    return e;
  }
  case TK_LBRACE: return block_expr(lo, parse_block());
  case TK_UNSAFE: {
    advance();
    Expr *e = block_expr(lo, parse_block());
    e->is_unsafe = true;
    return e;
  }
  case TK_IF: return parse_if();
  case TK_MATCH: return parse_match();
  case TK_LOOP: case TK_WHILE: case TK_FOR: return parse_loop_with_label(NULL, lo);
  case TK_LIFETIME: {
    const char *label = advance()->text;
    expect(TK_COLON);
    return parse_loop_with_label(label, lo);
  }
  case TK_PIPE: case TK_PIPEPIPE: case TK_MOVE: return parse_closure();
  case TK_BREAK:
  case TK_CONTINUE: {
    advance();
    Expr *e = new_expr(t->kind == TK_BREAK ? EX_BREAK : EX_CONTINUE, lo);
    if (at(TK_LIFETIME)) {
      Token *lt = advance();
      e->label = lt->text;
      e->label_span = lt->span;
    }
    if (t->kind == TK_BREAK && can_start_expr(kind()) && !(no_struct && at(TK_LBRACE))) e->sub = parse_expr_r(no_struct);
    e->span = span_from(lo);
    return e;
  }
  case TK_RETURN: {
    advance();
    Expr *e = new_expr(EX_RETURN, lo);
    if (can_start_expr(kind())) e->sub = parse_expr_r(no_struct);
    e->span = span_from(lo);
    return e;
  }
  case TK_LET: {  // (`if let` and `while let` never get here)
    Diag *d = diag_error(lo, NULL, "expected expression, found `let` statement");
    diag_note(d, "only supported directly in conditions of `if` and `while` expressions");
    diag_emit(d);
    longjmp(P.recover, 1);
  }
  default: syntax_error("expression");
  }
}

// Splits a float token `0.1` met after a `.` into the two tuple indices `0` and `1`.
static void parse_tuple_field_float(Expr **lhs, Span lo) {
  Token *t = advance();
  const char *src = diag_span_text(t->span);
  const char *dot = strchr(src, '.');
  if (!dot || t->suffix) error_here(t->span, "invalid tuple field access");
  Expr *a = new_expr(EX_FIELD, span_from(lo));
  a->sub = *lhs;
  a->field_index = atoi(src);
  Expr *b = new_expr(EX_FIELD, span_from(lo));
  b->sub = a;
  b->field_index = atoi(dot + 1);
  *lhs = b;
}

// Whether e is the block-like expression a statement starts with (see block_stmt_lo).
static bool ends_statement(Expr *e) {
  switch (e->kind) {
  case EX_IF: case EX_MATCH: case EX_LOOP: case EX_WHILE: case EX_WHILE_LET: case EX_FOR: case EX_BLOCK:
    return e->span.lo == block_stmt_lo;
  default: return false;
  }
}

// postfix = primary ("." ident ("::" generic-args)? ("(" args ")")? | "." int | "(" args ")" | "[" expr "]" | "?")*

static Expr *parse_postfix(Expr *e, Span lo) {
  for (;;) {
    if ((at(TK_LPAREN) || at(TK_LBRACKET)) && ends_statement(e)) return e;
    if (accept(TK_DOT)) {
      if (at(TK_INT)) {
        Expr *f = new_expr(EX_FIELD, lo);
        f->sub = e;
        f->name_span = tok()->span;
        f->field_index = (int)advance()->int_val;
        f->span = span_from(lo);
        e = f;
        continue;
      }
      if (at(TK_FLOAT)) {
        parse_tuple_field_float(&e, lo);
        continue;
      }
      if (at(TK_IDENT) && !strcmp(tok()->text, "await")) error_here(tok()->span, "`.await` is not supported");
      Span name_span = tok()->span;
      const char *name = expect_ident();
      if (at(TK_PATHSEP) || at(TK_LPAREN)) {
        Expr *m = new_expr(EX_METHOD, lo);
        m->sub = e;
        m->name = name;
        m->name_span = name_span;
        if (accept(TK_PATHSEP)) {
          PathSeg seg = {0};
          parse_generic_args(&seg);
          m->targs = seg.args;
          m->ntargs = seg.nargs;
        }
        expect(TK_LPAREN);
        while (!at(TK_RPAREN)) {
          PUSH(m->args, m->nargs, parse_expr());
          if (!accept(TK_COMMA)) break;
        }
        expect(TK_RPAREN);
        m->span = span_from(lo);
        e = m;
      } else {
        Expr *f = new_expr(EX_FIELD, lo);
        f->sub = e;
        f->name = name;
        f->name_span = name_span;
        f->span = span_from(lo);
        e = f;
      }
    } else if (at(TK_LPAREN)) {
      advance();
      Expr *c = new_expr(EX_CALL, lo);
      c->sub = e;
      while (!at(TK_RPAREN)) {
        PUSH(c->args, c->nargs, parse_expr());
        if (!accept(TK_COMMA)) break;
      }
      expect(TK_RPAREN);
      c->span = span_from(lo);
      e = c;
    } else if (at(TK_LBRACKET)) {
      Span bracket = advance()->span;
      Expr *x = new_expr(EX_INDEX, lo);
      x->name_span = bracket;  // an overloaded (Vec) index panics "at" the bracket, as in rustc
      x->lhs = e;
      x->rhs = parse_expr();
      expect(TK_RBRACKET);
      x->span = span_from(lo);
      e = x;
    } else if (at(TK_QUESTION)) {
      Span qs = advance()->span;
      Expr *q = new_expr(EX_TRY, span_from(lo));
      q->name_span = qs;  // the `?`, where rustc reports its errors
      q->sub = e;
      e = q;
    } else {
      return e;
    }
  }
}

// unary = ("-" | "!" | "*" | "&" "mut"? | "&&") unary | ".." expr? | postfix
static Expr *parse_unary(bool no_struct) {
  enter();
  Span lo = tok()->span;
  Expr *e;
  switch (kind()) {
  case TK_MINUS: case TK_BANG: case TK_STAR: {
    TokenKind op = advance()->kind;
    e = new_expr(EX_UNARY, lo);
    e->op = op;
    e->sub = parse_unary(no_struct);
    e->sub->negated = op == TK_MINUS && e->sub->kind == EX_INT;
    break;
  }
  case TK_AMP:
  case TK_AMPAMP: {
    bool two = advance()->kind == TK_AMPAMP;
    e = new_expr(EX_UNARY, lo);
    e->op = TK_AMP;
    // `&raw const x` / `&raw mut x` (`raw` is a keyword only here)
    if (at(TK_IDENT) && !strcmp(tok()->text, "raw") && (peek_kind(1) == TK_CONST || peek_kind(1) == TK_MUT)) {
      advance();
      e->raw = true;
      e->mut = advance()->kind == TK_MUT;
    } else {
      e->mut = accept(TK_MUT);
    }
    e->sub = parse_unary(no_struct);
    if (two) {
      e->span = span_from(lo);
      Expr *outer = new_expr(EX_UNARY, lo);
      outer->op = TK_AMP;
      outer->sub = e;
      e = outer;
    }
    break;
  }
  case TK_DOTDOT:
  case TK_DOTDOTEQ: {
    e = new_expr(EX_RANGE, lo);
    e->inclusive = advance()->kind == TK_DOTDOTEQ;
    if (can_start_expr(kind()) && !(no_struct && at(TK_LBRACE))) e->rhs = parse_expr_bp(7, no_struct);
    break;
  }
  default:
    e = parse_postfix(parse_primary(no_struct), lo);
    break;
  }
  e->span = span_from(lo);
  leave();
  return e;
}

// Binding powers (left, right) for infix operators; 0 means "not an infix operator".
typedef struct {
  int lbp, rbp;
  ExprKind kind;
} Infix;

static Infix infix_power(TokenKind k) {
  switch (k) {
  case TK_EQ: return (Infix){2, 1, EX_ASSIGN};
  case TK_PLUSEQ: case TK_MINUSEQ: case TK_STAREQ: case TK_SLASHEQ: case TK_PERCENTEQ: case TK_CARETEQ:
  case TK_AMPEQ: case TK_PIPEEQ: case TK_SHLEQ: case TK_SHREQ:
    return (Infix){2, 1, EX_COMPOUND};
  case TK_DOTDOT: case TK_DOTDOTEQ: return (Infix){4, 5, EX_RANGE};
  case TK_PIPEPIPE: return (Infix){6, 7, EX_BINARY};
  case TK_AMPAMP: return (Infix){8, 9, EX_BINARY};
  case TK_EQEQ: case TK_NE: case TK_LT: case TK_LE: case TK_GT: case TK_GE: return (Infix){10, 11, EX_BINARY};
  case TK_PIPE: return (Infix){12, 13, EX_BINARY};
  case TK_CARET: return (Infix){14, 15, EX_BINARY};
  case TK_AMP: return (Infix){16, 17, EX_BINARY};
  case TK_SHL: case TK_SHR: return (Infix){18, 19, EX_BINARY};
  case TK_PLUS: case TK_MINUS: return (Infix){20, 21, EX_BINARY};
  case TK_STAR: case TK_SLASH: case TK_PERCENT: return (Infix){22, 23, EX_BINARY};
  case TK_AS: return (Infix){24, 25, EX_CAST};
  default: return (Infix){0, 0, EX_BINARY};
  }
}

static TokenKind compound_to_binary(TokenKind k) {
  switch (k) {
  case TK_PLUSEQ: return TK_PLUS;
  case TK_MINUSEQ: return TK_MINUS;
  case TK_STAREQ: return TK_STAR;
  case TK_SLASHEQ: return TK_SLASH;
  case TK_PERCENTEQ: return TK_PERCENT;
  case TK_CARETEQ: return TK_CARET;
  case TK_AMPEQ: return TK_AMP;
  case TK_PIPEEQ: return TK_PIPE;
  case TK_SHLEQ: return TK_SHL;
  default: return TK_SHR;
  }
}

static bool is_comparison(TokenKind k) {
  return k == TK_EQEQ || k == TK_NE || k == TK_LT || k == TK_LE || k == TK_GT || k == TK_GE;
}

// expr = unary (infix-op expr)*   — precedence climbing over infix_power
static Expr *parse_expr_bp(int min_bp, bool no_struct) {
  enter();
  Span lo = tok()->span;
  Expr *lhs;
  if (min_bp == 100) {
    // a block-like expression at statement start: just that expression and its postfixes
    lhs = parse_postfix(parse_primary(false), lo);
    if (!at(TK_DOT) && !at(TK_QUESTION)) {
      leave();
      return lhs;
    }
    min_bp = 0;
  } else {
    lhs = parse_unary(no_struct);
  }
  TokenKind last_cmp = TK_EOF;
  for (;;) {
    TokenKind op = kind();
    Infix in = infix_power(op);
    if (in.lbp == 0 || in.lbp < min_bp) break;
    advance();
    if (in.kind == EX_CAST) {
      Expr *e = new_expr(EX_CAST, lo);
      e->sub = lhs;
      e->type_expr = parse_type();
      e->span = span_from(lo);
      lhs = e;
      continue;
    }
    if (in.kind == EX_RANGE) {
      Expr *e = new_expr(EX_RANGE, lo);
      e->lhs = lhs;
      e->inclusive = op == TK_DOTDOTEQ;
      if (can_start_expr(kind()) && !(no_struct && at(TK_LBRACE))) e->rhs = parse_expr_bp(in.rbp, no_struct);
      e->span = span_from(lo);
      lhs = e;
      continue;
    }
    if (is_comparison(op)) {
      if (last_cmp != TK_EOF) error_here(tok()->span, "comparison operators cannot be chained");
      last_cmp = op;
    }
    Span op_span = prev_span();
    Expr *rhs = parse_expr_bp(in.rbp, no_struct);
    Expr *e = new_expr(in.kind, lo);
    e->name_span = op_span;
    e->lhs = lhs;
    e->rhs = rhs;
    e->op = in.kind == EX_COMPOUND ? compound_to_binary(op) : op;
    e->span = span_from(lo);
    lhs = e;
  }
  leave();
  return lhs;
}

static Expr *parse_expr_r(bool no_struct) { return parse_expr_bp(0, no_struct); }
static Expr *parse_expr(void) { return parse_expr_bp(0, false); }

// ---------------------------------------------------------------------------------------------
// Items

static const char missing_module[] = "";  // a step of `pub(in path)` found no module (reported)

// Module m's child named by token t, which must be declared already: rustc resolves the path
// of a visibility as it reads it (E0433 for a module declared further down).
static const char *next_vis_module(const char *m, Token *t) {
  const char *child = intern_cstr(arena_printf("%s::%s", m, t->text));
  if (module_find(child) >= 0) return child;
  const char *in = m == module_at(0)->path ? "crate" : strrchr(m, ':') + 1;
  Diag *d = diag_error(t->span, "E0433", "cannot find `%s` in `%s`", t->text, in);
  diag_label(d, "could not find `%s` in `%s`", t->text, in);
  diag_emit(d);
  return missing_module;
}

// "(" "in" path ")": the module path names, by its text (`crate::a`, `self`, `super::super`);
// it must be the current module or one around it (E0742). NULL for a path trc does not follow
// (a relative one, rejected by rustc in 2018 and later).
static const char *parse_vis_in_module(void) {
  expect(TK_LPAREN);
  expect(TK_IN);
  Span lo = tok()->span;
  const char *here = module_at(modules_current())->path, *m = NULL;
  for (bool first = true; !at(TK_RPAREN) && !at(TK_EOF); first = false) {
    Token *t = advance();
    if (t->kind == TK_PATHSEP) continue;
    if (first && t->kind == TK_CRATE) m = module_at(0)->path;
    else if (first && t->kind == TK_SELF_LOWER) m = here;
    else if (t->kind == TK_SUPER && (first || m)) m = module_parent(first ? here : m);
    else if (t->kind == TK_IDENT && m) m = next_vis_module(m, t);
    else m = NULL;
    if (!m) break;
  }
  bool missing = m == missing_module;
  while (!at(TK_RPAREN) && !at(TK_EOF)) advance();
  Span path = span_from(lo);
  expect(TK_RPAREN);
  if (missing) return NULL;
  if (m && !module_within(here, m)) {
    Diag *d = diag_error(path, "E0742", "visibilities can only be restricted to ancestor modules");
    diag_emit(d);
  }
  return m && module_within(here, m) ? m : NULL;
}

// vis = "pub" ("(" ("crate" | "super" | "self" | "in" path) ")")?
static Visibility parse_visibility(void) {
  if (!accept(TK_PUB)) return VIS_PRIVATE;
  if (!at(TK_LPAREN)) return VIS_PUB;
  TokenKind k = peek_kind(1);
  if (k == TK_IN) {  // `pub(in path)`: as one of the others when it is one of them
    const char *here = module_at(modules_current())->path, *m = parse_vis_in_module();
    return m == here ? VIS_PRIVATE : m && m == module_parent(here) ? VIS_SUPER : m == module_at(0)->path ? VIS_CRATE : VIS_IN;
  }
  Visibility v = k == TK_CRATE ? VIS_CRATE : k == TK_SUPER ? VIS_SUPER : k == TK_SELF_LOWER ? VIS_PRIVATE : VIS_CRATE;
  skip_token_tree();
  return v;
}

static void skip_visibility(void) { parse_visibility(); }

// self-param = "&" lifetime? "mut"? "self" | "mut"? "self" (":" type)?
static bool parse_self_param(FnDecl *f) {
  int save = P.pos;
  Span lo = tok()->span;
  if (at(TK_AMP)) {
    advance();
    Token *lt = at(TK_LIFETIME) ? advance() : NULL;
    bool mut = accept(TK_MUT);
    f->self_hyg = tok()->hyg;
    if (accept(TK_SELF_LOWER)) {
      note_lifetime(lt, lo);
      f->self_lifetime = lt && strcmp(lt->text, "'_") ? lt->text : NULL;
      f->self_kind = mut ? SELF_REF_MUT : SELF_REF;
      f->self_span = span_from(lo);
      return true;
    }
    P.pos = save;
    return false;
  }
  bool mut = false;
  if (at(TK_MUT) && peek_kind(1) == TK_SELF_LOWER) {
    advance();
    mut = true;
  }
  f->self_hyg = tok()->hyg;
  if (!accept(TK_SELF_LOWER)) {
    P.pos = save;
    return false;
  }
  f->self_kind = SELF_VALUE;
  f->self_mut = mut;
  if (accept(TK_COLON)) {
    TypeExpr *t = parse_type();
    // `self: &Self`, `self: &mut Self`, `self: Box<Self>`, `self: Self`
    if (t->kind == TE_REF && t->inner->kind == TE_PATH && !strcmp(t->inner->path.segs[0].name, "Self"))
      f->self_kind = t->mut ? SELF_REF_MUT : SELF_REF;
    else if (t->kind == TE_PATH && t->path.nsegs == 1 && !strcmp(t->path.segs[0].name, "Box") && t->path.segs[0].nargs == 1)
      f->self_kind = SELF_BOX;
    else if (!(t->kind == TE_PATH && !strcmp(t->path.segs[0].name, "Self")))
      error_here(t->span, "this kind of `self` type is not supported");
  }
  f->self_span = span_from(lo);
  return true;
}

// The qualifiers a function may have before `fn`: `const`? `unsafe`? (`extern` "ABI"?)?.
// How many tokens they are when a `fn` follows them, else -1.
static int fn_qualifiers(void) {
  int i = 0;
  if (peek_kind(i) == TK_CONST) i++;
  if (peek_kind(i) == TK_UNSAFE) i++;
  if (peek_kind(i) == TK_EXTERN) {
    i++;
    if (peek_kind(i) == TK_STR) i++;
  }
  return peek_kind(i) == TK_FN ? i : -1;
}
static bool at_fn(void) { return fn_qualifiers() >= 0; }

// An ABI string: "C" (and those that are C's on x86-64 Linux) or "Rust"; one rustc does not
// know is E0703, one it knows for other targets is not supported.
static void check_abi(Token *abi) {
  static const char *same_as_c[] = {"C", "Rust", "system", "C-unwind", "system-unwind", "sysv64", "sysv64-unwind"};
  static const char *known[] = {"cdecl", "stdcall", "fastcall", "vectorcall", "thiscall", "aapcs", "win64", "efiapi",
                                "rust-call", "stdcall-unwind", "fastcall-unwind", "thiscall-unwind", "win64-unwind"};
  if (!abi) return;
  for (size_t i = 0; i < sizeof same_as_c / sizeof *same_as_c; i++)
    if (!strcmp(abi->str, same_as_c[i])) return;
  for (size_t i = 0; i < sizeof known / sizeof *known; i++)
    if (!strcmp(abi->str, known[i])) error_here(abi->span, arena_printf("the ABI \"%s\" is not supported by trc (only \"C\")", abi->str));
  Diag *d = diag_error(abi->span, "E0703", "invalid ABI: found `%s`", abi->str);
  diag_label(d, "invalid ABI");
  diag_note(d, "invoke `rustc --print=calling-conventions` for a full list of supported calling conventions");
  diag_emit(d);
}

// fn = "fn" ident generics? "(" (self-param ",")? (pattern ":" type),* ")" ("->" type)? where? (block | ";")
static FnDecl *parse_fn(Attrs attrs, bool body_required) {
  int lt_mark = P.lt_nscope;  // its generics' lifetimes end with it
  Span lo = tok()->span;
  FnDecl *f = arena_alloc(sizeof *f);
  f->is_const_fn = accept(TK_CONST);  // run like any fn; what it calls is checked (E0015)
  if (f->is_const_fn) f->const_context = "constant functions";
  f->is_unsafe = accept(TK_UNSAFE);
  if (accept(TK_EXTERN)) {
    Token *abi = at(TK_STR) ? advance() : NULL;
    check_abi(abi);
    f->c_abi = !abi || strcmp(abi->str, "Rust");
  }
  expect(TK_FN);
  f->attrs = attrs;
  f->span = tok()->span;
  f->name = expect_ident();
  f->generics = parse_generics();
  f->impl = P.impl;
  f->trait = P.trait;
  expect(TK_LPAREN);
  int elided = P.lt_elided, named = P.lt_named;
  if (parse_self_param(f) && !at(TK_RPAREN)) expect(TK_COMMA);
  while (!at(TK_RPAREN)) {
    if (parse_outer_attrs().cfg_off) {
      skip_cfg_element();
      continue;
    }
    Param p = {0};
    Span plo = tok()->span;
    p.pat = parse_pattern_alt();
    expect(TK_COLON);
    p.ty = parse_type();
    p.span = span_from(plo);
    PUSH(f->params, f->nparams, p);
    if (!accept(TK_COMMA)) break;
  }
  expect(TK_RPAREN);
  f->param_lifetimes = P.lt_elided - elided + P.lt_named - named;
  elided = P.lt_elided, named = P.lt_named;
  P.lt_names = f->ret_lifetimes;
  if (accept(TK_ARROW)) f->ret = parse_type();
  P.lt_names = NULL;
  f->ret_elided = P.lt_elided > elided;
  f->ret_elided_at = P.lt_elided_at;
  f->ret_named = P.lt_named > named;
  parse_where(&f->generics);
  f->sig_span = span_from(lo);
  if (at(TK_LBRACE)) {
    f->body = parse_block();
  } else {
    if (body_required) syntax_error("`{`");
    expect(TK_SEMI);
  }
  P.lt_nscope = lt_mark;
  return f;
}

// fields = "(" (vis type),* ")" | "{" (vis ident ":" type),* "}" — the fields of a tuple or
// named struct, or of an enum variant; the caller has checked which bracket comes next.
static StructKind parse_fields(FieldDecl **fields, int *nfields) {
  bool named = accept(TK_LBRACE);
  if (!named) expect(TK_LPAREN);
  TokenKind close = named ? TK_RBRACE : TK_RPAREN;
  while (!at(close)) {
    if (parse_outer_attrs().cfg_off) {
      skip_cfg_element();
      continue;
    }
    Visibility vis = parse_visibility();
    FieldDecl fd = {0};
    fd.vis = vis;
    fd.span = tok()->span;
    if (named) {
      fd.name = expect_ident();
      expect(TK_COLON);
    }
    int elided = P.lt_elided;
    fd.ty = parse_type();
    if (P.lt_elided > elided) fd.elided_lifetime = P.lt_elided_at;
    fd.span = span_from(fd.span);
    PUSH(*fields, *nfields, fd);
    if (!accept(TK_COMMA)) break;
  }
  expect(close);
  return named ? STRUCT_NAMED : STRUCT_TUPLE;
}

// struct = "struct" ident generics? where? (fields where? ";"? | ";")
static StructDecl *parse_struct(Attrs attrs) {
  int lt_mark = P.lt_nscope;  // its generics' lifetimes end with it
  Span kw = expect(TK_STRUCT)->span;
  StructDecl *s = arena_alloc(sizeof *s);
  s->attrs = attrs;
  s->span = tok()->span;
  s->name = expect_ident();
  s->head_span = (Span){kw.file, kw.lo, s->span.hi};
  s->generics = parse_generics();
  parse_where(&s->generics);
  if (accept(TK_SEMI)) {
    s->kind = STRUCT_UNIT;
  } else if (at(TK_LPAREN)) {
    s->kind = parse_fields(&s->fields, &s->nfields);
    parse_where(&s->generics);
    expect(TK_SEMI);
  } else {
    if (!at(TK_LBRACE)) syntax_error("`{`, `(` or `;`");
    s->kind = parse_fields(&s->fields, &s->nfields);
  }
  P.lt_nscope = lt_mark;
  return s;
}

// enum = "enum" ident generics? where? "{" (ident fields? ("=" expr)?),* "}"
static StructDecl *parse_enum(Attrs attrs) {
  int lt_mark = P.lt_nscope;  // its generics' lifetimes end with it
  Span kw = expect(TK_ENUM)->span;
  StructDecl *en = arena_alloc(sizeof *en);
  en->is_enum = true;
  en->attrs = attrs;
  en->span = tok()->span;
  en->name = expect_ident();
  en->head_span = (Span){kw.file, kw.lo, en->span.hi};
  en->generics = parse_generics();
  parse_where(&en->generics);
  expect(TK_LBRACE);
  while (!at(TK_RBRACE)) {
    EnumVariant v = {0};
    v.attrs = parse_outer_attrs();
    if (v.attrs.cfg_off) {
      skip_cfg_element();
      continue;
    }
    skip_visibility();
    v.span = tok()->span;
    v.name = expect_ident();
    v.kind = at(TK_LPAREN) || at(TK_LBRACE) ? parse_fields(&v.fields, &v.nfields) : STRUCT_UNIT;
    if (accept(TK_EQ)) v.discriminant = parse_expr();
    PUSH(en->variants, en->nvariants, v);
    if (!accept(TK_COMMA)) break;
  }
  expect(TK_RBRACE);
  P.lt_nscope = lt_mark;
  return en;
}

// assoc-type = "type" ident generics? (":" bounds)? where? ("=" type)? where? ";"
// A generic associated type with lifetime parameters only (`type Item<'a> where Self: 'a;`,
// `type Item<'a> = &'a str;`) is its type with the lifetimes left out, as every other type in
// trc is (the borrow checker follows values, not lifetimes); the `where` clauses of such a
// type are outlives bounds. Type parameters are not supported.
static AssocTypeDecl parse_assoc_type(void) {
  Span lo = expect(TK_TYPE)->span;
  AssocTypeDecl a = {0};
  a.span = tok()->span;
  a.name = expect_ident();
  int lt_mark = P.lt_nscope;
  Generics g = parse_generics();
  if (g.nparams) error_at(g.params[0].span, NULL, "generic associated types with type parameters are not supported");
  if (accept(TK_COLON)) parse_bounds(&a.bounds, &a.nbounds);
  Generics outlives = {0};
  parse_where(&outlives);
  if (accept(TK_EQ)) a.default_ty = parse_type();
  parse_where(&outlives);
  P.lt_nscope = lt_mark;
  a.decl_span = span_from(lo);
  expect(TK_SEMI);
  return a;
}

// assoc-const = "const" ident ":" type ("=" expr)? ";" — a function of no arguments whose body
// is the value (see FnDecl.is_const).
static FnDecl *parse_assoc_const(Attrs attrs) {
  Span lo = expect(TK_CONST)->span;
  FnDecl *f = arena_alloc(sizeof *f);
  f->attrs = attrs;
  f->is_const = true;
  f->const_context = "constants";
  f->span = tok()->span;
  f->name = expect_ident();
  f->impl = P.impl;
  f->trait = P.trait;
  expect(TK_COLON);
  f->ret = parse_type();
  f->sig_span = span_from(lo);
  if (accept(TK_EQ)) {
    f->body = arena_alloc(sizeof(Block));
    f->body->tail = parse_expr();
    f->body->span = f->body->tail->span;
  }
  expect(TK_SEMI);
  return f;
}

// trait = "unsafe"? "trait" ident generics? (":" bounds)? where? "{" (fn | assoc-type | const)* "}"
static TraitDecl *parse_trait(Attrs attrs) {
  int lt_mark = P.lt_nscope;  // its generics' lifetimes end with it
  accept(TK_UNSAFE);
  expect(TK_TRAIT);
  TraitDecl *t = arena_alloc(sizeof *t);
  t->attrs = attrs;
  t->span = tok()->span;
  t->name = expect_ident();
  t->generics = parse_generics();
  if (accept(TK_COLON)) t->super_lifetime = parse_bounds(&t->supers, &t->nsupers);
  parse_where(&t->generics);
  expect(TK_LBRACE);
  TraitDecl *saved = P.trait;
  P.trait = t;
  while (!at(TK_RBRACE)) {
    Attrs a = parse_outer_attrs();
    if (a.cfg_off) {
      skip_cfg_item();
      continue;
    }
    skip_visibility();
    if (at_fn()) {
      PUSH(t->methods, t->nmethods, parse_fn(a, false));
    } else if (at(TK_TYPE)) {
      PUSH(t->assoc_types, t->nassoc_types, parse_assoc_type());
    } else if (at(TK_CONST)) {
      FnDecl *c = parse_assoc_const(a);
      PUSH(t->methods, t->nmethods, c);
      PUSH(t->const_spans, t->nconsts, c->span);
    } else {
      P.trait = saved;
      syntax_error("`fn`, `type` or `const`");
    }
  }
  P.trait = saved;
  expect(TK_RBRACE);
  P.lt_nscope = lt_mark;
  return t;
}

// impl = "impl" generics? (path "for")? type where? "{" (fn | assoc-type)* "}"
static void parse_impl_item(ImplDecl *im, ImplDecl *saved);

static ImplDecl *parse_impl(void) {
  int lt_mark = P.lt_nscope;  // its generics' lifetimes end with it
  accept(TK_UNSAFE);
  Span lo = expect(TK_IMPL)->span;
  ImplDecl *im = arena_alloc(sizeof *im);
  // `impl<` starts generics, except `impl <T as Tr>::X` which nobody writes here.
  im->generics = parse_generics();
  if (at(TK_BANG)) {  // the prelude says so of its !Send and !Sync types; a program may not (unstable in rustc)
    if (tok()->span.file != 0) error_here(tok()->span, "negative impls are not supported");
    advance();
    im->negative = true;
  }
  TypeExpr *first = parse_type();
  if (accept(TK_FOR)) {
    if (first->kind != TE_PATH) error_here(first->span, "expected a trait path before `for`");
    im->trait_path = arena_alloc(sizeof(Path));
    *im->trait_path = first->path;
    note_path(im->trait_path, PATH_TYPE);
    im->self_te = parse_type();
  } else {
    im->self_te = first;
  }
  parse_where(&im->generics);
  im->span = span_from(lo);
  expect(TK_LBRACE);
  ImplDecl *saved = P.impl;
  P.impl = im;
  while (!at(TK_RBRACE)) parse_impl_item(im, saved);
  P.impl = saved;
  expect(TK_RBRACE);
  im->full_span = span_from(lo);
  P.lt_nscope = lt_mark;
  return im;
}

static void *expansion_impl_items(void *im) {
  while (!at(TK_EOF)) parse_impl_item(im, P.impl);
  return NULL;
}

// `name!(..);` among an impl's items: a user macro whose expansion is more of its items.
static void parse_impl_item_macro(ImplDecl *im) {
  Token *name = tok();
  MacroDef *m = macro_lookup(name->text);
  if (!m) {
    skip_unknown_item_macro(name);
    return;
  }
  advance();
  expand_item_call(m, name, expansion_impl_items, im);
}

// impl-item = attr* vis? (fn | type | const | macro-call)
static void parse_impl_item(ImplDecl *im, ImplDecl *saved) {
  Attrs a = parse_outer_attrs();
  if (a.cfg_off) {
    skip_cfg_item();
    return;
  }
  if (at(TK_IDENT) && peek_kind(1) == TK_BANG && !P.trial) {
    parse_impl_item_macro(im);
    return;
  }
  Span vis_at = tok()->span;
  Visibility vis = parse_visibility();
  if (im->trait_path && vis_at.lo != tok()->span.lo) {  // `pub fn` in `impl Tr for T`
    Diag *d = diag_error(span_from(vis_at), "E0449", "visibility qualifiers are not permitted here");
    diag_label(d, "help: remove the qualifier");
    diag_note(d, "trait items always share the visibility of their trait");
    diag_emit(d);
  }
  if (at_fn()) {
    PUSH(im->methods, im->nmethods, parse_fn(a, true));
    im->methods[im->nmethods - 1]->vis = vis;
  } else if (at(TK_TYPE)) {
    PUSH(im->assoc_types, im->nassoc_types, parse_assoc_type());
  } else if (at(TK_CONST)) {
    FnDecl *c = parse_assoc_const(a);
    if (!c->body) syntax_error("`=`");
    c->vis = vis;
    PUSH(im->methods, im->nmethods, c);
  } else {
    P.impl = saved;
    syntax_error("`fn`, `type` or `const`");
  }
}

static Visibility item_vis;  // the visibility written before the item being parsed

static Item *new_item(ItemKind k, Span sp, Attrs attrs) {
  Item *it = arena_alloc(sizeof *it);
  it->vis = item_vis;
  it->kind = k;
  it->span = sp;
  it->attrs = attrs;
  return it;
}

// use-tree = path ("::" ("*" | "{" use-tree,* "}"))? ("as" ident)?
static void parse_use_tree(Path prefix, Span lo, Attrs attrs, Item **first) {
  Path p = prefix;
  for (;;) {
    if (at(TK_LBRACE)) {
      advance();
      while (!at(TK_RBRACE)) {
        parse_use_tree(p, lo, attrs, first);
        if (!accept(TK_COMMA)) break;
      }
      expect(TK_RBRACE);
      return;
    }
    if (accept(TK_STAR)) {
      PathSeg seg = {.name = intern_cstr("*"), .span = prev_span()};
      Path np = {0};
      for (int i = 0; i < p.nsegs; i++) PUSH(np.segs, np.nsegs, p.segs[i]);
      PUSH(np.segs, np.nsegs, seg);
      p = np;
      break;
    }
    PathSeg seg = {.span = tok()->span};
    seg.name = path_ident();
    Path np = {0};
    for (int i = 0; i < p.nsegs; i++) PUSH(np.segs, np.nsegs, p.segs[i]);
    PUSH(np.segs, np.nsegs, seg);
    p = np;
    if (!accept(TK_PATHSEP)) break;
  }
  Item *it = new_item(ITEM_USE, span_from(lo), attrs);
  p.span = span_from(lo);
  it->use_path = p;
  if (accept(TK_AS)) it->use_alias = at(TK_UNDERSCORE) ? (advance(), intern_cstr("_")) : expect_ident();
  // A glob import (`use Shape::*;`) stays an item: the checker looks enum variants up through it.
  if (!strcmp(p.segs[p.nsegs - 1].name, "self") && p.nsegs > 1) {
    // `use std::mem::{self}` names the module itself
    it->use_path.nsegs--;
  }
  PUSH(P.prog->items, P.prog->nitems, it);
  if (!*first) *first = it;
}

static VEC(StdModule) std_modules;

void parse_reset(void) {  // its storage was in the arena
  macro_reset();
  modules_reset();
  std_modules.data = NULL;
  std_modules.len = std_modules.cap = 0;
}

const char *std_module_of(Span sp) {
  const char *m = NULL;
  for (int i = 0; i < std_modules.len; i++) {  // outer modules come first: the last match is innermost
    Span b = std_modules.data[i].body;
    if (sp.file == b.file && sp.lo >= b.lo && sp.hi <= b.hi) m = std_modules.data[i].name;
  }
  return m;
}

static Item *parse_item(Attrs attrs);

// mod name { item* } — only in the prelude (see StdModule); its items are appended to the
// program like the prelude's other items.
static Item *parse_std_module(void) {
  expect(TK_MOD);
  const char *name = expect_ident();
  const char *outer = std_module_of(tok()->span);
  if (outer) name = intern_cstr(arena_printf("%s::%s", outer, name));
  int at_mod = std_modules.len;
  vec_push(&std_modules, ((StdModule){name, tok()->span}));
  expect(TK_LBRACE);
  std_modules.data[at_mod].body.hi = UINT32_MAX;  // its items are inside while they are parsed
  while (!at(TK_RBRACE) && !at(TK_EOF)) {
    Attrs attrs = parse_outer_attrs();
    Item *it = parse_item(attrs);
    if (it) PUSH(P.prog->items, P.prog->nitems, it);
  }
  std_modules.data[at_mod].body.hi = tok()->span.hi;
  expect(TK_RBRACE);
  return NULL;
}

// mod name { item* }  |  mod name;  — a module of the program (modules.c). Like the prelude's,
// its items are appended to the program; a `mod name;` file is read after this one.
static Item *parse_user_module(Span lo, Visibility vis) {
  expect(TK_MOD);
  const char *name = expect_ident();
  if (accept(TK_SEMI)) {
    modules_declare_file(name, span_from(lo), vis);
    return NULL;
  }
  int parent = modules_current();
  int m = modules_open_inline(name, span_from(lo), vis, tok()->span);
  expect(TK_LBRACE);
  while (!at(TK_RBRACE) && !at(TK_EOF)) {
    Attrs attrs = parse_outer_attrs();
    if (at(TK_RBRACE)) break;
    if (attrs.cfg_off) {
      skip_cfg_item();
      continue;
    }
    Item *it = parse_item(attrs);
    if (it) PUSH(P.prog->items, P.prog->nitems, it);
  }
  modules_close(m, parent, tok()->span.hi);
  expect(TK_RBRACE);
  return NULL;
}

// extern-block = "unsafe"? "extern" "C"? "{" (vis fn-signature ";")* "}" — the C library's
// functions, called by their C names; every call needs `unsafe` (E0133).
static void parse_extern_block(Attrs attrs) {
  accept(TK_UNSAFE);
  expect(TK_EXTERN);
  check_abi(at(TK_STR) ? advance() : NULL);
  expect(TK_LBRACE);
  while (!at(TK_RBRACE) && !at(TK_EOF)) {
    Attrs a = parse_outer_attrs();
    if (a.cfg_off) {
      skip_cfg_item();
      continue;
    }
    Span lo = tok()->span;
    Visibility vis = parse_visibility();
    bool safe = at(TK_IDENT) && !strcmp(tok()->text, "safe") && peek_kind(1) == TK_FN;
    if (safe) advance();
    else accept(TK_UNSAFE);
    if (!at(TK_FN)) syntax_error("`fn`");
    FnDecl *f = parse_fn(a, false);
    if (f->body) error_here(f->body->span, "incorrect function inside `extern` block");
    if (f->generics.nparams) {
      Diag *d = diag_error(f->sig_span, "E0044", "foreign items may not have type parameters");
      diag_label(d, "can't have type parameters");
      diag_help(d, "replace the type parameters with concrete types like `u32`");
      diag_emit(d);
    }
    f->is_unsafe = !safe;
    f->is_extern = f->c_abi = true;
    f->vis = vis;
    Item *it = new_item(ITEM_FN, lo, attrs);
    it->fn = f;
    it->vis = vis;
    it->span = span_from(lo);
    PUSH(P.prog->items, P.prog->nitems, it);
  }
  expect(TK_RBRACE);
}

static Item *parse_item(Attrs attrs) {
  Span lo = tok()->span;
  Visibility vis = parse_visibility();
  item_vis = vis;
  if (at_fn()) {
    Item *it = new_item(ITEM_FN, lo, attrs);
    it->fn = parse_fn(attrs, true);
    it->fn->vis = vis;
    it->span = span_from(lo);
    return it;
  }
  switch (kind()) {
  case TK_EXTERN:
    parse_extern_block(attrs);
    return NULL;  // its functions were appended directly
  case TK_FN: {
    Item *it = new_item(ITEM_FN, lo, attrs);
    it->fn = parse_fn(attrs, true);
    it->fn->vis = vis;
    it->span = span_from(lo);
    return it;
  }
  case TK_STRUCT: {
    Item *it = new_item(ITEM_STRUCT, lo, attrs);
    it->sdecl = parse_struct(attrs);
    it->span = span_from(lo);
    return it;
  }
  case TK_ENUM: {
    Item *it = new_item(ITEM_STRUCT, lo, attrs);
    it->sdecl = parse_enum(attrs);
    it->span = span_from(lo);
    return it;
  }
  case TK_TRAIT: {
    Item *it = new_item(ITEM_TRAIT, lo, attrs);
    it->trait = parse_trait(attrs);
    it->span = span_from(lo);
    return it;
  }
  case TK_UNSAFE:
    if (peek_kind(1) == TK_EXTERN) {
      parse_extern_block(attrs);
      return NULL;
    }
    if (peek_kind(1) == TK_TRAIT) {
      Item *it = new_item(ITEM_TRAIT, lo, attrs);
      it->trait = parse_trait(attrs);
      return it;
    }
    if (peek_kind(1) == TK_IMPL) {
      Item *it = new_item(ITEM_IMPL, lo, attrs);
      it->impl = parse_impl();
      return it;
    }
    syntax_error("`fn`, `impl` or `trait`");
  case TK_IMPL: {
    Item *it = new_item(ITEM_IMPL, lo, attrs);
    it->impl = parse_impl();
    it->span = span_from(lo);
    return it;
  }
  case TK_USE: {
    advance();
    Item *first = NULL;
    parse_use_tree((Path){0}, lo, attrs, &first);
    expect(TK_SEMI);
    return NULL;  // use items were appended directly (a brace list makes several)
  }
  case TK_STATIC:  // a const that is one place for the whole program
  case TK_CONST: {
    bool is_static = advance()->kind == TK_STATIC;
    bool is_mut = is_static && accept(TK_MUT);
    Item *it = new_item(ITEM_CONST, lo, attrs);
    ConstDecl *cd = arena_alloc(sizeof *cd);
    cd->is_static = is_static;
    cd->is_mut = is_mut;
    cd->thread_local = attrs.thread_local && is_static;
    cd->span = tok()->span;
    // `const _: () = assert!(..);` is evaluated for its checks and named by nothing: each gets a
    // name no path can spell.
    static int unnamed;
    if (!is_static && at(TK_UNDERSCORE)) advance(), cd->name = intern_cstr(arena_printf("_#%d", ++unnamed));
    else cd->name = expect_ident();
    expect(TK_COLON);
    cd->ty = parse_type();
    expect(TK_EQ);
    cd->value = parse_expr();
    expect(TK_SEMI);
    it->cdecl = cd;
    it->span = span_from(lo);
    return it;
  }
  case TK_MOD:
    if (lo.file == 0) return parse_std_module();
    return parse_user_module(lo, vis);
  case TK_TYPE: {
    advance();
    Item *it = new_item(ITEM_TYPE, lo, attrs);
    AliasDecl *a = arena_alloc(sizeof *a);
    a->span = tok()->span;
    a->name = expect_ident();
    int lt_mark = P.lt_nscope;
    a->generics = parse_generics();
    parse_where(&a->generics);
    expect(TK_EQ);
    a->ty = parse_type();
    expect(TK_SEMI);
    P.lt_nscope = lt_mark;
    it->alias = a;
    it->span = span_from(lo);
    return it;
  }
  case TK_IDENT:
    if (peek_kind(1) == TK_BANG) return parse_item_macro(attrs);
    syntax_error("item");
  default: syntax_error("item");
  }
}

static bool is_item_start(void) {
  TokenKind k = kind();
  return k == TK_FN || k == TK_STRUCT || k == TK_ENUM || k == TK_TRAIT || k == TK_IMPL || k == TK_USE || k == TK_EXTERN ||
         k == TK_UNSAFE ||
         k == TK_CONST || k == TK_PUB || k == TK_MOD || k == TK_STATIC || k == TK_HASH || k == TK_TYPE || k == TK_EOF ||
         at_macro_rules();
}

// After an error: skip to the next token that can start an item at brace depth 0.
static void recover_to_item(void) {
  int depth = 0;
  int start = P.pos;
  while (!at(TK_EOF)) {
    if (depth == 0 && P.pos > start && is_item_start()) return;
    TokenKind k = advance()->kind;
    if (k == TK_LBRACE) depth++;
    else if (k == TK_RBRACE && depth > 0) depth--;
  }
}

void parse_module_file(Program *prog, Token *toks, int ntoks, int module) {
  int parent = modules_current();
  modules_close(module, module, UINT32_MAX);  // the module's items are parsed inside it
  parse_file(prog, toks, ntoks);
  modules_close(module, parent, UINT32_MAX);
}

// file = inner-attr* item*
void parse_file(Program *prog, Token *toks, int ntoks) {
  P = (Parser){.prog = prog, .toks = toks, .n = ntoks};
  if (setjmp(P.recover)) {
    // an error in the inner attributes: skip them
    recover_to_item();
  } else {
    while (at(TK_HASH) && peek_kind(1) == TK_BANG) {
      advance();
      advance();
      Attrs ignored = {0};
      parse_attr_body(&ignored, true);
    }
  }
  volatile int macros = macro_scope_mark();  // module-level macros (an error drops a block's)
  expand_depth = expansions = 0;
  tls_expansion = false;
  while (!at(TK_EOF) && !P.fatal && !diag_too_many()) {
    int before = P.pos;
    if (setjmp(P.recover)) {
      P.depth = 0;
      expand_depth = 0;
      tls_expansion = false;
      block_stmt_lo = UINT32_MAX;
      macro_scope_pop(macros);
      P.impl = NULL;
      P.trait = NULL;
      P.lt_nscope = P.lt_base = 0;
      if (P.fatal) return;
      recover_to_item();
      if (P.pos == before) advance();
      continue;
    }
    Attrs attrs = parse_outer_attrs();
    if (at(TK_EOF)) break;
    if (attrs.cfg_off) {
      skip_cfg_item();
      continue;
    }
    Item *it = parse_item(attrs);
    if (it) PUSH(prog->items, prog->nitems, it);
    macros = macro_scope_mark();
  }
}
