// macro_rules.c — declarative macros: `macro_rules!` definitions, matching and transcription.
//
// Expansion works on tokens, as rustc's does, interleaved with parsing:
//
//   1. Definition. When the parser meets `macro_rules! name { (matcher) => {body}; ... }` it
//      hands the tokens here. Each matcher is compiled into a tree of MNodes (a literal token,
//      a fragment `$x:expr`, a delimited group, a repetition `$(...) sep op`); each body is
//      kept as the raw tokens between its delimiters. The macro is pushed on a scope stack:
//      macro_rules! names are textually scoped, usable after their definition and, for one
//      defined in a block, until the block ends (macro_scope_mark/pop).
//
//   2. Matching. The parser meets `name!(...)` and calls macro_expand with the call's tokens.
//      The rules are tried in order; a rule matches when its matcher consumes exactly the
//      tokens between the call's delimiters. The matcher is a backtracking walk over the MNode
//      tree with an explicit continuation (Cont: what to do once the current node sequence is
//      done: close a group, run the repetition again or leave it, or require the end). A
//      fragment like `expr` or `ty` is measured by the real parser in trial mode
//      (parse_fragment_len, silent, no side effects); `ident`, `tt`, `literal`, `lifetime` and
//      `vis` are recognized here. Each fragment matched is recorded with the iteration indices
//      of the repetitions around it, on a trail that backtracking truncates. The failure that
//      got furthest in the input gives rustc's error ("no rules expected `x`" or "unexpected end
//      of macro invocation").
//
//   3. Transcription. The body of the matching rule is copied token by token: `$x` becomes the
//      tokens x matched (an `expr` of several tokens inside parentheses, so it stays one operand
//      as rustc's invisible delimiters keep it), `$(...) sep op` repeats its contents once per
//      iteration of the variables inside it, `$crate` becomes `crate`.
//
//   4. The parser parses the result as what the call's position needs (an expression,
//      statements, items), so a call inside the result expands in turn. rustc's recursion limit
//      (128 nested expansions) is enforced there.
//
// Hygiene (rustc's mixed-site hygiene for macro_rules!): every expansion gets a fresh hygiene
// number, stamped on the tokens its body wrote (Token.hyg); tokens that came in through a
// fragment keep theirs. The parser copies the number onto binding patterns and one-segment
// paths, and the checker finds a local only under the same number (or, for a macro defined in
// a function body, the locals in scope where it was defined: hyg_def_site). So a `let x` in a
// macro neither captures nor shadows the caller's `x`, while an `$i:ident` names the caller's.
// Items, fields and methods are found by name alone, as in rustc.
#include "syntax/syntax.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#define MAX_REP_DEPTH 8        // repetitions nested inside each other in one matcher
#define MATCH_STEP_LIMIT 4000000  // a pathological matcher gives an error, never a hang
#define MATCH_DEPTH_LIMIT 20000   // C recursion of the matcher (about one level per token)

typedef enum { MN_TOKEN, MN_FRAG, MN_REP, MN_GROUP } MNodeKind;

typedef struct MNode MNode;
typedef VEC(MNode) MSeq;

struct MNode {
  MNodeKind kind;
  Token tok;          // MN_TOKEN: the token; MN_GROUP: its open delimiter; MN_FRAG: the `$`
  Span span;          // MN_FRAG: `$x:kind`
  const char *name;   // MN_FRAG
  FragKind frag;
  MSeq sub;           // MN_REP, MN_GROUP
  bool has_sep;       // MN_REP
  Token sep;
  char op;            // MN_REP: '*', '+' or '?'
};

// A meta-variable the matcher declares, and how many repetitions it sits in.
typedef struct {
  const char *name;
  int depth;
  FragKind frag;
} MetaVar;

typedef struct {
  MSeq matcher;
  Token *body;        // the transcriber's tokens, without its delimiters
  int nbody;
  VEC(MetaVar) vars;
} Rule;

struct MacroDef {
  const char *name;
  Span name_span;     // `macro_rules! name`, for "when calling this macro"
  VEC(Rule) rules;
  uint32_t hyg;       // the hygiene of the definition's tokens
  bool in_fn;
};

// ---------------------------------------------------------------------------------------------
// Scopes and hygiene numbers

static VEC(MacroDef *) scope;
static VEC(MacroDef *) exported_macros;  // #[macro_export]: by path at the crate root

typedef struct {
  uint32_t def_site;  // hygiene of the definition's tokens
  bool in_fn;         // defined in a function body: it sees the locals there
} HygCtx;
static VEC(HygCtx) hygs;  // index = hygiene number - 1

void macro_reset(void) {  // the storage was in the arena
  scope.data = NULL, scope.len = scope.cap = 0;
  exported_macros.data = NULL, exported_macros.len = exported_macros.cap = 0;
  hygs.data = NULL, hygs.len = hygs.cap = 0;
}

int macro_scope_mark(void) { return scope.len; }
void macro_scope_pop(int mark) {
  if (mark < scope.len) scope.len = mark;
}

MacroDef *macro_lookup(const char *name) {
  for (int i = scope.len - 1; i >= 0; i--)
    if (scope.data[i]->name == name) return scope.data[i];
  return NULL;
}

const char *macro_name(MacroDef *m) { return m->name; }

MacroDef *macro_lookup_exported(const char *name) {
  for (int i = exported_macros.len - 1; i >= 0; i--)
    if (exported_macros.data[i]->name == name) return exported_macros.data[i];
  return NULL;
}

bool hyg_def_site(uint32_t h, uint32_t *site) {
  if (!h || h > (uint32_t)hygs.len || !hygs.data[h - 1].in_fn) return false;
  *site = hygs.data[h - 1].def_site;
  return true;
}

static uint32_t new_hyg(MacroDef *m) {
  vec_push(&hygs, ((HygCtx){m->hyg, m->in_fn}));
  return (uint32_t)hygs.len;
}

// ---------------------------------------------------------------------------------------------
// Tokens

// The parentheses around a transcribed `expr` stand for rustc's invisible delimiters:
// stringify! does not show them.
static const char invisible[] = "invisible delimiter";

bool token_opens(TokenKind k) { return k == TK_LPAREN || k == TK_LBRACKET || k == TK_LBRACE; }
bool token_closes(TokenKind k) { return k == TK_RPAREN || k == TK_RBRACKET || k == TK_RBRACE; }

int macro_group_end(Token *toks, int n, int open) {
  int depth = 0;
  for (int i = open; i < n && toks[i].kind != TK_EOF; i++) {
    if (token_opens(toks[i].kind)) depth++;
    else if (token_closes(toks[i].kind) && --depth == 0) return i;
  }
  return -1;
}

// Keywords match `$x:ident` as in rustc; `_` does not.
static bool is_identish(TokenKind k) {
  return k == TK_IDENT || (k >= TK_AS && k <= TK_WHILE);
}

static const char *tok_text(Token *t) {
  if (t->kind == TK_IDENT || t->kind == TK_LIFETIME) return t->text;
  if (t->kind >= TK_INT && t->kind <= TK_CHAR) return diag_span_text(t->span);
  if (t->kind == TK_EOF) return "end of file";
  return token_kind_name(t->kind);
}

// Whether two tokens are the same token (a matcher's literal token against the input).
static bool tok_eq(Token *a, Token *b) {
  if (a->kind != b->kind) return false;
  switch (a->kind) {
  case TK_IDENT: case TK_LIFETIME: return a->text == b->text;
  case TK_INT: case TK_FLOAT: case TK_STR: case TK_BYTE_STR: case TK_CHAR: return !strcmp(tok_text(a), tok_text(b));
  default: return true;
  }
}

static _Noreturn void def_error(Span sp, const char *msg);

// ---------------------------------------------------------------------------------------------
// 1. Definitions: compiling matchers

typedef struct {
  Token *t;
  int n;
  Rule *rule;
} DefCtx;

static jmp_buf *def_fail;

static _Noreturn void def_error(Span sp, const char *msg) {
  error_at(sp, NULL, "%s", msg);
  longjmp(*def_fail, 1);
}

static const char *const frag_names[] = {"expr", "ident", "ty", "tt", "pat", "pat_param", "literal",
                                         "block", "stmt", "path", "lifetime", "vis", "item", "meta"};

static bool frag_from_name(const char *s, FragKind *out) {
  for (int i = 0; i < (int)(sizeof frag_names / sizeof *frag_names); i++)
    if (!strcmp(s, frag_names[i])) {
      *out = (FragKind)i;
      return true;
    }
  if (!strcmp(s, "expr_2021")) return *out = FRAG_EXPR, true;
  return false;
}

static MSeq compile_seq(DefCtx *c, int lo, int hi, int depth);

// `$name:kind` at t[i] (the `$`); returns the index after it.
static int compile_frag(DefCtx *c, int i, int hi, int depth, MNode *node) {
  Token *name = &c->t[i + 1];
  if (i + 3 >= hi + 1 || c->t[i + 2].kind != TK_COLON) {
    Diag *d = diag_error((Span){name->span.file, c->t[i].span.lo, name->span.hi}, NULL, "missing fragment specifier");
    diag_note(d, "fragment specifiers must be provided");
    diag_help(d, "valid fragment specifiers are `ident`, `block`, `stmt`, `expr`, `pat`, `ty`, `lifetime`, `literal`, `path`, `meta`, `tt`, `item` and `vis`, along with `expr_2021` and `pat_param` for edition compatibility");
    diag_emit(d);
    longjmp(*def_fail, 1);
  }
  Token *kind = &c->t[i + 3];
  FragKind fk;
  if (!is_identish(kind->kind) || !frag_from_name(tok_text(kind), &fk)) {
    Diag *d = diag_error((Span){kind->span.file, c->t[i].span.lo, kind->span.hi}, NULL, "invalid fragment specifier `%s`", tok_text(kind));
    diag_help(d, "valid fragment specifiers are `ident`, `block`, `stmt`, `expr`, `pat`, `ty`, `lifetime`, `literal`, `path`, `meta`, `tt`, `item` and `vis`, along with `expr_2021` and `pat_param` for edition compatibility");
    diag_emit(d);
    longjmp(*def_fail, 1);
  }
  const char *nm = name->kind == TK_IDENT ? name->text : intern_cstr(tok_text(name));
  for (int v = 0; v < c->rule->vars.len; v++)
    if (c->rule->vars.data[v].name == nm) {
      Diag *d = diag_error(node->tok.span, NULL, "duplicate matcher binding");
      diag_emit(d);
      longjmp(*def_fail, 1);
    }
  MetaVar mv = {nm, depth, fk};
  vec_push(&c->rule->vars, mv);
  node->kind = MN_FRAG;
  node->name = nm;
  node->frag = fk;
  node->span = (Span){kind->span.file, c->t[i].span.lo, kind->span.hi};
  return i + 4;
}

// `$( ... ) sep? op` at t[i] (the `$`); returns the index after it.
static int compile_rep(DefCtx *c, int i, int hi, int depth, MNode *node) {
  int close = macro_group_end(c->t, hi, i + 1);
  if (close < 0) def_error(c->t[i].span, "this macro repetition is not closed");
  if (depth + 1 > MAX_REP_DEPTH) def_error(c->t[i].span, "macro repetitions are nested too deeply");
  node->kind = MN_REP;
  node->sub = compile_seq(c, i + 2, close, depth + 1);
  if (node->sub.len == 0) def_error(c->t[i].span, "repetition matches empty token tree");
  int j = close + 1;
  TokenKind k = j < hi ? c->t[j].kind : TK_EOF;
  if (k == TK_STAR || k == TK_PLUS || k == TK_QUESTION) {
    node->op = k == TK_STAR ? '*' : k == TK_PLUS ? '+' : '?';
    return j + 1;
  }
  TokenKind k2 = j + 1 < hi ? c->t[j + 1].kind : TK_EOF;
  if (j < hi && !token_opens(k) && !token_closes(k) && k != TK_DOLLAR && (k2 == TK_STAR || k2 == TK_PLUS)) {
    node->has_sep = true;
    node->sep = c->t[j];
    node->op = k2 == TK_STAR ? '*' : '+';
    return j + 2;
  }
  def_error(j < hi ? c->t[j].span : c->t[close].span, "expected one of: `*`, `+`, or `?`");
}

// The matcher tokens t[lo, hi) as a node sequence.
static MSeq compile_seq(DefCtx *c, int lo, int hi, int depth) {
  MSeq s = {0};
  for (int i = lo; i < hi;) {
    MNode node = {.kind = MN_TOKEN, .tok = c->t[i]};
    if (c->t[i].kind == TK_DOLLAR && i + 1 < hi && c->t[i + 1].kind == TK_LPAREN) {
      i = compile_rep(c, i, hi, depth, &node);
    } else if (c->t[i].kind == TK_DOLLAR && i + 1 < hi && is_identish(c->t[i + 1].kind) && c->t[i + 1].kind != TK_CRATE) {
      i = compile_frag(c, i, hi, depth, &node);
    } else if (token_opens(c->t[i].kind)) {
      int close = macro_group_end(c->t, hi, i);
      if (close < 0) def_error(c->t[i].span, "unclosed delimiter");
      node.kind = MN_GROUP;
      node.sub = compile_seq(c, i + 1, close, depth);
      i = close + 1;
    } else {
      i++;
    }
    vec_push(&s, node);
  }
  return s;
}

// rule = group "=>" group ; returns the index after the rule.
static int compile_rule(DefCtx *c, int i, int hi, Rule *r) {
  if (i >= hi || !token_opens(c->t[i].kind)) def_error(c->t[i < hi ? i : hi].span, "expected macro matcher, found a token that is not a delimiter");
  int mclose = macro_group_end(c->t, hi, i);
  if (mclose < 0) def_error(c->t[i].span, "unclosed delimiter");
  c->rule = r;
  r->matcher = compile_seq(c, i + 1, mclose, 0);
  int j = mclose + 1;
  if (j >= hi || c->t[j].kind != TK_FATARROW) def_error(c->t[j < hi ? j : hi].span, "expected `=>`");
  j++;
  if (j >= hi || !token_opens(c->t[j].kind)) def_error(c->t[j < hi ? j : hi].span, "macro rhs must be delimited");
  int bclose = macro_group_end(c->t, hi, j);
  if (bclose < 0) def_error(c->t[j].span, "unclosed delimiter");
  r->body = &c->t[j + 1];
  r->nbody = bclose - j - 1;
  return bclose + 1;
}

// macro_rules ! name { rule (";" rule)* ";"? }  (or `( ... );` / `[ ... ];`)
int macro_define(Token *toks, int n, int pos, bool in_fn, bool exported) {
  jmp_buf fail;
  jmp_buf *outer = def_fail;
  def_fail = &fail;
  if (setjmp(fail)) {
    def_fail = outer;
    return -1;
  }
  if (pos + 3 >= n || toks[pos + 1].kind != TK_BANG || !is_identish(toks[pos + 2].kind))
    def_error(toks[pos + (pos + 2 < n ? 2 : 0)].span, "expected identifier after `macro_rules!`");
  int open = pos + 3;
  if (!token_opens(toks[open].kind)) def_error(toks[open].span, "expected one of `(`, `[`, or `{`");
  int close = macro_group_end(toks, n, open);
  if (close < 0) def_error(toks[open].span, "this file contains an unclosed delimiter");
  MacroDef *m = arena_alloc(sizeof *m);
  m->name = toks[pos + 2].kind == TK_IDENT ? toks[pos + 2].text : intern_cstr(tok_text(&toks[pos + 2]));
  m->name_span = (Span){toks[pos].span.file, toks[pos].span.lo, toks[pos + 2].span.hi};
  m->hyg = toks[pos].hyg;
  m->in_fn = in_fn;
  DefCtx c = {.t = toks, .n = n};
  for (int i = open + 1; i < close;) {
    Rule r = {0};
    i = compile_rule(&c, i, close, &r);
    vec_push(&m->rules, r);
    if (i < close && toks[i].kind != TK_SEMI) def_error(toks[i].span, "expected `;`");
    if (i < close) i++;
  }
  if (m->rules.len == 0) def_error(toks[open].span, "macros must contain at least one rule");
  int end = close + 1;
  if (toks[open].kind != TK_LBRACE) {
    if (end >= n || toks[end].kind != TK_SEMI) def_error(toks[end < n ? end : close].span, "macros that expand to items must be delimited with braces or followed by a semicolon");
    end++;
  }
  def_fail = outer;
  vec_push(&scope, m);
  if (exported) vec_push(&exported_macros, m);
  return end;
}

// ---------------------------------------------------------------------------------------------
// 2. Matching

// One fragment matched: variable name, the iteration indices of the repetitions around it, and
// the input tokens [lo, hi).
typedef struct {
  const char *name;
  int depth;
  int idx[MAX_REP_DEPTH];
  int lo, hi;
  FragKind frag;
} Rec;

typedef enum { K_DONE, K_GROUP, K_REP } ContKind;

// What follows when the current node sequence is done.
typedef struct Cont Cont;
struct Cont {
  ContKind kind;
  MSeq *seq;        // K_GROUP, K_REP: the sequence holding the group or repetition node
  int i;            //   ... and its index there
  int end;          //   ... and where that sequence's input ends
  MNode *rep;       // K_REP
  int iter;         // K_REP: the iteration being matched (0-based)
  int iter_start;   // K_REP: where it started (an iteration that consumed nothing ends it)
  Cont *up;
};

typedef struct {
  Token *t;
  int *close;       // close[i - open]: the matching close of an open delimiter at i
  int open;         // the call's open delimiter
  int end;          // the call's close delimiter
  VEC(Rec) recs;
  long steps;
  int depth;
  bool too_complex;
  // the failure that got furthest
  int best_pos;
  MNode *best_node;
} Matcher;

static bool match_seq(Matcher *m, MSeq *seq, int i, int pos, int end, Cont *k);

static int group_close(Matcher *m, int open) { return m->close[open - m->open]; }

static bool fail_at(Matcher *m, int pos, MNode *node) {
  if (pos > m->best_pos) {
    m->best_pos = pos;
    m->best_node = node;
  } else if (pos == m->best_pos && !m->best_node) {
    m->best_node = node;
  }
  return false;
}

// An attribute's contents (`derive(Debug)`, `doc = "text"`, `inline`): a path, then a
// delimited group or `= expr`.
static int meta_len(Matcher *m, int pos, int end) {
  int j = pos + (m->t[pos].kind == TK_PATHSEP);
  if (j >= end || !is_identish(m->t[j].kind)) return -1;
  for (j++; j + 1 < end && m->t[j].kind == TK_PATHSEP && is_identish(m->t[j + 1].kind);) j += 2;
  if (j < end && token_opens(m->t[j].kind)) return group_close(m, j) + 1 - pos;
  if (j >= end || m->t[j].kind != TK_EQ) return j - pos;
  int n = j + 1 < end ? parse_fragment_len(FRAG_EXPR, m->t, j + 1, end) : -1;
  return n < 0 ? -1 : j + 1 + n - pos;
}

// How many tokens a fragment of kind k spans at pos (< end), or -1.
static int frag_len(Matcher *m, FragKind k, int pos, int end) {
  Token *t = &m->t[pos];
  switch (k) {
  case FRAG_IDENT: return is_identish(t->kind) ? 1 : -1;
  case FRAG_LIFETIME: return t->kind == TK_LIFETIME ? 1 : -1;
  case FRAG_TT:
    if (token_closes(t->kind)) return -1;
    return token_opens(t->kind) ? group_close(m, pos) - pos + 1 : 1;
  case FRAG_LITERAL: {
    int j = pos + (t->kind == TK_MINUS);
    if (j >= end) return -1;
    TokenKind lk = m->t[j].kind;
    bool num = lk == TK_INT || lk == TK_FLOAT;
    bool lit = num || lk == TK_STR || lk == TK_BYTE_STR || lk == TK_CHAR || lk == TK_TRUE || lk == TK_FALSE;
    return lit && (j == pos || num) ? j - pos + 1 : -1;
  }
  case FRAG_VIS:
    if (t->kind != TK_PUB) return 0;
    return pos + 1 < end && m->t[pos + 1].kind == TK_LPAREN ? group_close(m, pos + 1) - pos + 1 : 1;
  case FRAG_BLOCK:
    if (t->kind != TK_LBRACE) return -1;
    return parse_fragment_len(k, m->t, pos, end);
  case FRAG_META: return meta_len(m, pos, end);
  default:
    if (token_closes(t->kind)) return -1;
    return parse_fragment_len(k, m->t, pos, end);
  }
}

// The iteration indices of the repetitions the continuation is inside, outermost first.
static int rep_indices(Cont *k, int *idx) {
  int tmp[MAX_REP_DEPTH], n = 0;
  for (; k; k = k->up)
    if (k->kind == K_REP && n < MAX_REP_DEPTH) tmp[n++] = k->iter;
  for (int i = 0; i < n; i++) idx[i] = tmp[n - 1 - i];
  return n;
}

static bool match_frag(Matcher *m, MSeq *seq, int i, int pos, int end, Cont *k) {
  MNode *node = &seq->data[i];
  int len = pos < end ? frag_len(m, node->frag, pos, end) : (node->frag == FRAG_VIS ? 0 : -1);
  if (len < 0) return fail_at(m, pos, node);
  Rec r = {.name = node->name, .lo = pos, .hi = pos + len, .frag = node->frag};
  r.depth = rep_indices(k, r.idx);
  int mark = m->recs.len;
  vec_push(&m->recs, r);
  if (match_seq(m, seq, i + 1, pos + len, end, k)) return true;
  m->recs.len = mark;
  return false;
}

static bool match_group(Matcher *m, MSeq *seq, int i, int pos, int end, Cont *k) {
  MNode *node = &seq->data[i];
  if (pos >= end || m->t[pos].kind != node->tok.kind) return fail_at(m, pos, node);
  Cont g = {.kind = K_GROUP, .seq = seq, .i = i, .end = end, .up = k};
  return match_seq(m, &node->sub, 0, pos + 1, group_close(m, pos), &g);
}

// One more iteration of the repetition k is in, starting at pos.
static bool match_iteration(Matcher *m, Cont *k, int iter, int pos) {
  Cont r = *k;
  r.iter = iter;
  r.iter_start = pos;
  int mark = m->recs.len;
  if (match_seq(m, &k->rep->sub, 0, pos, k->end, &r)) return true;
  m->recs.len = mark;
  return false;
}

static bool match_rep(Matcher *m, MSeq *seq, int i, int pos, int end, Cont *k) {
  MNode *node = &seq->data[i];
  Cont r = {.kind = K_REP, .seq = seq, .i = i, .end = end, .rep = node, .iter = -1, .up = k};
  if (match_iteration(m, &r, 0, pos)) return true;
  if (node->op == '+') return false;
  return match_seq(m, seq, i + 1, pos, end, k);
}

// The node sequence of continuation k is done at pos: go on with what k says.
static bool resume(Matcher *m, Cont *k, int pos, int end) {
  switch (k->kind) {
  case K_DONE:
    return pos == end ? true : fail_at(m, pos, NULL);
  case K_GROUP:
    if (pos != end) return fail_at(m, pos, NULL);
    return match_seq(m, k->seq, k->i + 1, end + 1, k->end, k->up);
  case K_REP: {
    MNode *rep = k->rep;
    if (rep->op != '?' && pos > k->iter_start) {  // again (greedy first)
      if (!rep->has_sep) {
        if (match_iteration(m, k, k->iter + 1, pos)) return true;
      } else if (pos < end && tok_eq(&m->t[pos], &rep->sep)) {
        if (match_iteration(m, k, k->iter + 1, pos + 1)) return true;
      } else {
        fail_at(m, pos, NULL);
      }
    }
    return match_seq(m, k->seq, k->i + 1, pos, k->end, k->up);
  }
  }
  return false;
}

// Matches seq's nodes from i on against the input from pos (this sequence's input ends at end),
// then whatever k continues with.
static bool match_seq(Matcher *m, MSeq *seq, int i, int pos, int end, Cont *k) {
  if (++m->steps > MATCH_STEP_LIMIT || m->depth > MATCH_DEPTH_LIMIT) {
    m->too_complex = true;
    return false;
  }
  m->depth++;
  bool ok;
  if (i == seq->len) {
    ok = resume(m, k, pos, end);
  } else {
    MNode *node = &seq->data[i];
    switch (node->kind) {
    case MN_TOKEN:
      ok = pos < end && tok_eq(&m->t[pos], &node->tok) ? match_seq(m, seq, i + 1, pos + 1, end, k)
                                                      : fail_at(m, pos, node);
      break;
    case MN_FRAG: ok = match_frag(m, seq, i, pos, end, k); break;
    case MN_GROUP: ok = match_group(m, seq, i, pos, end, k); break;
    default: ok = match_rep(m, seq, i, pos, end, k); break;
    }
  }
  m->depth--;
  return ok;
}

// close[i - open] for each open delimiter i of the call's tokens [open, end].
static int *close_table(Token *t, int open, int end) {
  int *close = arena_alloc(sizeof(int) * (size_t)(end - open + 1));
  VEC(int) opens = {0};
  for (int i = open; i <= end; i++) {
    if (token_opens(t[i].kind)) {
      vec_push(&opens, i);
    } else if (token_closes(t[i].kind)) {
      int o = opens.len ? opens.data[--opens.len] : -1;
      if (o >= 0) close[o - open] = i;
    }
  }
  return close;
}

// ---------------------------------------------------------------------------------------------
// 3. Transcription

typedef struct {
  Rule *rule;
  Matcher *m;
  uint32_t hyg;
  VEC(Token) out;
  bool failed;
  Span call;
} Tx;

static void emit(Tx *x, Token t) { vec_push(&x->out, t); }

static MetaVar *find_var(Rule *r, const char *name) {
  for (int i = 0; i < r->vars.len; i++)
    if (r->vars.data[i].name == name) return &r->vars.data[i];
  return NULL;
}

static bool prefix_eq(Rec *r, int *idx, int depth) {
  for (int i = 0; i < depth; i++)
    if (r->idx[i] != idx[i]) return false;
  return true;
}

static Rec *find_rec(Tx *x, const char *name, int *idx, int depth) {
  for (int i = 0; i < x->m->recs.len; i++) {
    Rec *r = &x->m->recs.data[i];
    if (r->name == name && r->depth == depth && prefix_eq(r, idx, depth)) return r;
  }
  return NULL;
}

static void tx_error(Tx *x, Span sp, const char *msg) {
  if (!x->failed) error_at(sp, NULL, "%s", msg);
  x->failed = true;
}

// The tokens fragment r matched; a several-token `expr` inside parentheses.
static void emit_fragment(Tx *x, Rec *r) {
  Token *t = x->m->t;
  bool wrap = r->frag == FRAG_EXPR && r->hi - r->lo > 1;
  if (wrap) emit(x, (Token){.kind = TK_LPAREN, .span = t[r->lo].span, .text = invisible});
  for (int i = r->lo; i < r->hi; i++) emit(x, t[i]);
  if (wrap) emit(x, (Token){.kind = TK_RPAREN, .span = t[r->hi - 1].span, .text = invisible});
}

// How many iterations variable v matched in the repetition at `depth` whose outer iterations
// are idx[0, depth).
static int var_count(Tx *x, MetaVar *v, int *idx, int depth) {
  int c = 0;
  for (int j = 0; j < x->m->recs.len; j++) {
    Rec *r = &x->m->recs.data[j];
    if (r->name == v->name && r->depth > depth && prefix_eq(r, idx, depth) && r->idx[depth] + 1 > c) c = r->idx[depth] + 1;
  }
  return c;
}

// How many times the repetition body b[lo, hi) runs at this depth: the count of the variables
// inside it that repeat exactly one level deeper, which must agree (variables repeating
// deeper still only when there are none: an inner repetition may have matched nothing in the
// last iteration); -1 after an error.
static int rep_count(Tx *x, Token *b, int lo, int hi, int *idx, int depth) {
  int count = -1, deeper = -1;
  const char *first = NULL;
  for (int i = lo; i + 1 < hi; i++) {
    if (b[i].kind != TK_DOLLAR || !is_identish(b[i + 1].kind)) continue;
    MetaVar *v = find_var(x->rule, b[i + 1].text);
    if (!v || v->depth <= depth) continue;
    int c = var_count(x, v, idx, depth);
    if (v->depth > depth + 1) {
      if (c > deeper) deeper = c;
      continue;
    }
    if (count >= 0 && c != count) {
      tx_error(x, b[lo - 1].span, arena_printf("meta-variable `%s` repeats %d time%s, but `%s` repeats %d time%s", first, count,
                                              count == 1 ? "" : "s", v->name, c, c == 1 ? "" : "s"));
      return -1;
    }
    count = c;
    first = v->name;
  }
  if (count < 0) count = deeper;
  if (count < 0)
    tx_error(x, b[lo > 0 ? lo - 1 : lo].span,
             "attempted to repeat an expression containing no syntax variables matched as repeating at this depth");
  return count;
}

static void transcribe(Tx *x, Token *b, int lo, int hi, int *idx, int depth);

// `$( ... ) sep? op` at b[i] (the `$`); returns the index after it.
static int transcribe_rep(Tx *x, Token *b, int i, int hi, int *idx, int depth) {
  int close = macro_group_end(b, hi, i + 1);
  if (close < 0) {
    tx_error(x, b[i].span, "this macro repetition is not closed");
    return hi;
  }
  int j = close + 1;
  Token *sep = NULL;
  if (j < hi && b[j].kind != TK_STAR && b[j].kind != TK_PLUS && b[j].kind != TK_QUESTION) sep = &b[j++];
  if (j >= hi || (b[j].kind != TK_STAR && b[j].kind != TK_PLUS && b[j].kind != TK_QUESTION)) {
    tx_error(x, b[close].span, "expected one of: `*`, `+`, or `?`");
    return hi;
  }
  if (depth >= MAX_REP_DEPTH) {
    tx_error(x, b[i].span, "macro repetitions are nested too deeply");
    return hi;
  }
  int count = rep_count(x, b, i + 2, close, idx, depth);
  for (int it = 0; it < count && !x->failed; it++) {
    if (it && sep) emit(x, *sep);
    idx[depth] = it;
    transcribe(x, b, i + 2, close, idx, depth + 1);
  }
  return j + 1;
}

// `$name` at b[i]; returns the index after it.
static int transcribe_var(Tx *x, Token *b, int i, int *idx, int depth) {
  Token *name = &b[i + 1];
  if (name->kind == TK_CRATE) {
    emit(x, (Token){.kind = TK_CRATE, .span = name->span, .hyg = x->hyg, .text = intern_cstr("$crate")});
    return i + 2;
  }
  MetaVar *v = name->kind == TK_IDENT ? find_var(x->rule, name->text) : NULL;
  if (!v) {  // not a meta-variable: `$` and the name stay (a macro defining a macro)
    emit(x, b[i]);
    return i + 1;
  }
  if (v->depth > depth) {
    tx_error(x, (Span){name->span.file, b[i].span.lo, name->span.hi}, arena_printf("variable `%s` is still repeating at this depth", v->name));
    return i + 2;
  }
  Rec *r = find_rec(x, v->name, idx, v->depth);
  if (r) emit_fragment(x, r);
  return i + 2;
}

static void transcribe(Tx *x, Token *b, int lo, int hi, int *idx, int depth) {
  for (int i = lo; i < hi && !x->failed;) {
    if (b[i].kind == TK_DOLLAR && i + 1 < hi && b[i + 1].kind == TK_LPAREN) {
      i = transcribe_rep(x, b, i, hi, idx, depth);
    } else if (b[i].kind == TK_DOLLAR && i + 1 < hi && is_identish(b[i + 1].kind)) {
      i = transcribe_var(x, b, i, idx, depth);
    } else {
      Token t = b[i++];
      t.hyg = x->hyg;
      emit(x, t);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// stringify!

// Tokens printed as rustc prints a token stream (rustc_ast_pretty's print_tts): a space after a
// token only where the source had whitespace after it (tokens written together stay together:
// `&str`, `x+1`), and not even there between pairs that never take one (`foo ,`, `f (x)`, `a .b`);
// none inside `(..)` and `[..]`, one inside `{ .. }`.

static bool is_punct(TokenKind k) { return k >= TK_COMMA && k != TK_UNDERSCORE; }

static bool written_apart(Token *a, Token *b) { return a->span.file != b->span.file || a->span.hi != b->span.lo; }

static bool space_between(Token *a, Token *b) {
  if (a->kind == TK_DOT && !is_punct(b->kind)) return false;                          // `x.y`
  if (a->kind == TK_DOLLAR && b->kind == TK_IDENT) return false;                      // `$e`
  if (!is_punct(a->kind) && (b->kind == TK_COMMA || b->kind == TK_SEMI || b->kind == TK_DOT)) return false;  // `foo,`
  if (b->kind == TK_LPAREN && (a->kind == TK_IDENT || a->kind == TK_FN || a->kind == TK_SELF_UPPER || a->kind == TK_PUB))
    return false;                                                                      // `f(3)`, but `let (a, b)`
  if (a->kind == TK_HASH && b->kind == TK_LBRACKET) return false;                     // `#[attr]`
  return true;
}

static bool space_after(Token *a, Token *b) {
  if (a->kind == TK_LBRACE) return b->kind != TK_RBRACE;
  if (b->kind == TK_RBRACE) return true;
  if (a->kind == TK_LPAREN || a->kind == TK_LBRACKET || b->kind == TK_RPAREN || b->kind == TK_RBRACKET) return false;
  return written_apart(a, b) && space_between(a, b);
}

const char *tokens_text(Token *toks, int n) {
  VEC(char) buf = {0};
  Token *vis = arena_alloc(sizeof(Token) * (size_t)(n + 1));
  int nvis = 0;
  for (int i = 0; i < n; i++)
    if (toks[i].text != invisible) vis[nvis++] = toks[i];
  toks = vis, n = nvis;
  for (int i = 0; i < n; i++) {
    Token *t = &toks[i];
    if (i > 0 && space_after(&toks[i - 1], t)) vec_push(&buf, ' ');
    const char *s = t->kind == TK_STR || t->kind == TK_BYTE_STR || t->kind == TK_INT || t->kind == TK_FLOAT || t->kind == TK_CHAR
                        ? diag_span_text(t->span) : tok_text(t);
    for (const char *p = s; *p; p++) vec_push(&buf, *p);
  }
  vec_push(&buf, 0);
  return buf.data;
}

// ---------------------------------------------------------------------------------------------
// Expansion

static void report_no_match(MacroDef *mac, Matcher *m, Span call) {
  if (m->too_complex) {
    Diag *d = diag_error(call, NULL, "this call of `%s!` is too complex to match", mac->name);
    diag_secondary(d, mac->name_span, "when calling this macro");
    diag_emit(d);
    return;
  }
  Token *t = &m->t[m->best_pos];
  bool at_end = m->best_pos >= m->end;
  Diag *d = at_end ? diag_error(t->span, NULL, "unexpected end of macro invocation")
                   : diag_error(t->span, NULL, "no rules expected `%s`", tok_text(t));
  diag_label(d, at_end ? "missing tokens in macro arguments" : "no rules expected this token in macro call");
  diag_secondary(d, mac->name_span, "when calling this macro");
  MNode *n = m->best_node;
  if (n && n->kind == MN_FRAG)
    diag_note_at(d, n->span, "while trying to match meta-variable `$%s:%s`", n->name, frag_names[n->frag]);
  else if (n && (n->kind == MN_TOKEN || n->kind == MN_GROUP))
    diag_note_at(d, n->tok.span, "while trying to match `%s`", tok_text(&n->tok));
  diag_emit(d);
}

Token *macro_expand(MacroDef *mac, Token *toks, int n, int open, Span call, int tail, int *nout) {
  int end = macro_group_end(toks, n, open);
  if (end < 0) {
    error_at(toks[open].span, NULL, "this file contains an unclosed delimiter");
    return NULL;
  }
  Matcher m = {.t = toks, .end = end, .open = open, .best_pos = -1};
  m.close = close_table(toks, open, end);
  for (int r = 0; r < mac->rules.len; r++) {
    m.recs.len = 0;
    Cont done = {.kind = K_DONE};
    if (!match_seq(&m, &mac->rules.data[r].matcher, 0, open + 1, end, &done)) {
      if (m.too_complex) break;
      continue;
    }
    Tx x = {.rule = &mac->rules.data[r], .m = &m, .hyg = new_hyg(mac), .call = call};
    int idx[MAX_REP_DEPTH] = {0};
    transcribe(&x, mac->rules.data[r].body, 0, mac->rules.data[r].nbody, idx, 0);
    if (x.failed) return NULL;
    for (int i = 0; i < tail; i++) emit(&x, (Token){.kind = TK_EOF, .span = toks[end].span});
    *nout = x.out.len - tail;
    return x.out.data ? x.out.data : arena_alloc(sizeof(Token));
  }
  report_no_match(mac, &m, call);
  return NULL;
}
