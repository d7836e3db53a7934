// lexer.c — bytes to tokens.
//
// The whole file is tokenized up front into one array ending in TK_EOF, so the parser can look
// ahead freely and re-examine tokens (it splits `>>` into two `>` in place when closing nested
// generic argument lists: the lexer always takes the longest match, as rustc's does).
//
// Literals are decoded here: integers to u64 with their suffix, floats to double, strings and
// characters with their escapes resolved, so later phases never look at source text again.
// Lexical errors are reported through diag and lexing continues with a best-effort token, so
// one typo does not hide the parse errors after it. Invalid UTF-8 is the exception: it is
// checked before anything else and ends compilation, because every position computed later
// (columns, code points in char literals) assumes well-formed text.
//
// The text is not NUL-terminated; every read goes through `peek`, which returns 0 past the end.
#include "syntax/syntax.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  int file;
  const char *src;
  size_t len;
  size_t pos;
  Token *toks;  // in the arena, sized from the text's length (see reserve_tokens)
  int ntoks, cap;
  bool bytes;   // in a byte literal (b'x', b"..."): escapes are bytes up to \xff, text is ASCII
} Lexer;

static Lexer L;

static const char *const kind_names[TK_COUNT] = {
    [TK_EOF] = "<eof>", [TK_IDENT] = "identifier", [TK_LIFETIME] = "lifetime",
    [TK_INT] = "integer literal", [TK_FLOAT] = "float literal", [TK_STR] = "string literal",
    [TK_BYTE_STR] = "byte string literal",
    [TK_CHAR] = "character literal",
    [TK_AS] = "as", [TK_BREAK] = "break", [TK_CONST] = "const", [TK_CONTINUE] = "continue",
    [TK_CRATE] = "crate", [TK_DYN] = "dyn", [TK_ELSE] = "else", [TK_ENUM] = "enum", [TK_EXTERN] = "extern",
    [TK_FALSE] = "false", [TK_FN] = "fn", [TK_FOR] = "for", [TK_IF] = "if", [TK_IMPL] = "impl",
    [TK_IN] = "in", [TK_LET] = "let", [TK_LOOP] = "loop", [TK_MATCH] = "match", [TK_MOD] = "mod",
    [TK_MOVE] = "move", [TK_MUT] = "mut", [TK_PUB] = "pub", [TK_REF] = "ref",
    [TK_RETURN] = "return", [TK_SELF_LOWER] = "self", [TK_SELF_UPPER] = "Self",
    [TK_STATIC] = "static", [TK_STRUCT] = "struct", [TK_SUPER] = "super", [TK_TRAIT] = "trait",
    [TK_TRUE] = "true", [TK_TYPE] = "type", [TK_UNSAFE] = "unsafe", [TK_USE] = "use",
    [TK_WHERE] = "where", [TK_WHILE] = "while",
    [TK_LPAREN] = "(", [TK_RPAREN] = ")", [TK_LBRACKET] = "[", [TK_RBRACKET] = "]",
    [TK_LBRACE] = "{", [TK_RBRACE] = "}", [TK_COMMA] = ",", [TK_SEMI] = ";", [TK_COLON] = ":",
    [TK_PATHSEP] = "::", [TK_DOT] = ".", [TK_DOTDOT] = "..", [TK_DOTDOTEQ] = "..=",
    [TK_DOTDOTDOT] = "...", [TK_ARROW] = "->", [TK_FATARROW] = "=>", [TK_HASH] = "#",
    [TK_BANG] = "!", [TK_QUESTION] = "?", [TK_AT] = "@", [TK_UNDERSCORE] = "_", [TK_DOLLAR] = "$",
    [TK_PLUS] = "+", [TK_MINUS] = "-", [TK_STAR] = "*", [TK_SLASH] = "/", [TK_PERCENT] = "%",
    [TK_CARET] = "^", [TK_AMP] = "&", [TK_PIPE] = "|", [TK_AMPAMP] = "&&", [TK_PIPEPIPE] = "||",
    [TK_SHL] = "<<", [TK_SHR] = ">>", [TK_EQ] = "=", [TK_EQEQ] = "==", [TK_NE] = "!=",
    [TK_LT] = "<", [TK_LE] = "<=", [TK_GT] = ">", [TK_GE] = ">=", [TK_PLUSEQ] = "+=",
    [TK_MINUSEQ] = "-=", [TK_STAREQ] = "*=", [TK_SLASHEQ] = "/=", [TK_PERCENTEQ] = "%=",
    [TK_CARETEQ] = "^=", [TK_AMPEQ] = "&=", [TK_PIPEEQ] = "|=", [TK_SHLEQ] = "<<=",
    [TK_SHREQ] = ">>=",
};

// The spelling of a keyword or punctuation token ("fn", ">>="), or a description of a token
// class ("identifier", "integer literal", "<eof>").
const char *token_kind_name(TokenKind k) {
  return k >= 0 && k < TK_COUNT && kind_names[k] ? kind_names[k] : "?";
}

//
// Characters
//

static unsigned char peek_at(size_t i) { return i < L.len ? (unsigned char)L.src[i] : 0; }
static unsigned char peek(int ahead) { return peek_at(L.pos + (size_t)ahead); }
static bool at_end(void) { return L.pos >= L.len; }

static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_hex(int c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static bool is_alnum(int c) { return is_alpha(c) || is_digit(c); }
static int hex_value(int c) { return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10; }

// Length of a well-formed UTF-8 sequence starting with byte c (the text has been validated).
static int utf8_len(unsigned char c) { return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2; }

static uint32_t decode_at(size_t i, int *n) {
  unsigned char c = peek_at(i);
  *n = utf8_len(c);
  if (i + (size_t)*n > L.len) *n = 1;
  uint32_t cp = *n == 1 ? c : *n == 2 ? c & 0x1f : *n == 3 ? c & 0x0f : c & 0x07;
  for (int k = 1; k < *n; k++) cp = cp << 6 | (peek_at(i + (size_t)k) & 0x3f);
  return cp;
}

int encode_utf8(uint32_t cp, char *buf) {
  if (cp < 0x80) {
    buf[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    buf[0] = (char)(0xc0 | cp >> 6);
    buf[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    buf[0] = (char)(0xe0 | cp >> 12);
    buf[1] = (char)(0x80 | (cp >> 6 & 0x3f));
    buf[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  buf[0] = (char)(0xf0 | cp >> 18);
  buf[1] = (char)(0x80 | (cp >> 12 & 0x3f));
  buf[2] = (char)(0x80 | (cp >> 6 & 0x3f));
  buf[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

// Rust's Pattern_White_Space beyond ASCII.
static bool is_unicode_space(uint32_t c) {
  return c == 0x85 || c == 0x200e || c == 0x200f || c == 0x2028 || c == 0x2029;
}

// A rough test for "this non-ASCII character is a letter": rustc would accept it in an
// identifier (XID_Start/XID_Continue), trc does not, and says so instead of the puzzling
// "unknown start of token". Symbols and punctuation blocks are excluded.
static bool is_unicode_letter(uint32_t c) {
  if (c < 0xc0) return c == 0xaa || c == 0xb5 || c == 0xba;
  if (c == 0xd7 || c == 0xf7) return false;
  if (c >= 0x2000 && c <= 0x2bff) return false;  // punctuation, arrows, math, shapes
  if (c >= 0x3000 && c <= 0x303f) return false;  // CJK punctuation
  if (c >= 0xfe00 && c <= 0xfe0f) return false;  // variation selectors
  if (c >= 0xff00 && c <= 0xff20) return false;  // fullwidth punctuation
  if (c >= 0x1f000 && c <= 0x1faff) return false;  // emoji and symbols
  if (c >= 0xe000 && c <= 0xf8ff) return false;  // private use
  return true;
}

static Span span(size_t lo, size_t hi) { return (Span){(uint32_t)L.file, (uint32_t)lo, (uint32_t)hi}; }

// A printable rendering of a character for messages, like Rust's char::escape_debug.
static const char *escape_char(uint32_t c) {
  if (c >= 0x20 && c < 0x7f) return arena_printf("%c", (char)c);
  return arena_printf("\\u{%x}", c);
}

//
// The token array
//

// Room for the tokens of a text of len bytes. Source has a token every four or five bytes, so
// half the length is a bound that real programs stay under: the array is taken from the arena
// once, at that size, and never copied. (The arena maps big requests on their own and the
// kernel backs only the pages that tokens reach, so the bound costs address space, not memory;
// growing by doubling instead, and copying, was a fifth of trc's time on a small program.)
static void reserve_tokens(size_t len) {
  size_t cap = len / 2 + 64;
  if (cap > INT32_MAX / 2) cap = INT32_MAX / 2;
  L.cap = (int)cap;
  L.toks = arena_alloc(sizeof(Token) * cap);
}

static Token *push(TokenKind kind, size_t lo, size_t hi) {
  if (L.ntoks == L.cap)  // dense punctuation past the bound: grow (arena memory is zeroed)
    L.toks = vec_grow_(L.toks, &L.cap, L.ntoks, sizeof(Token));
  Token *t = &L.toks[L.ntoks++];
  t->kind = kind;
  t->span = span(lo, hi);
  return t;
}

//
// UTF-8 validation
//

// Offset of the first byte that is not part of well-formed UTF-8 (rejecting overlong forms,
// surrogates and code points past U+10FFFF), or -1.
static long find_invalid_utf8(const char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    int n;
    uint32_t min;
    if (c >= 0xc2 && c <= 0xdf) n = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef) n = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4) n = 4, min = 0x10000;
    else return (long)i;
    if (i + (size_t)n > len) return (long)i;
    uint32_t cp = c & (0xff >> (n + 1));
    for (int k = 1; k < n; k++) {
      unsigned char cc = (unsigned char)s[i + (size_t)k];
      if ((cc & 0xc0) != 0x80) return (long)i;
      cp = cp << 6 | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return (long)i;
    i += (size_t)n;
  }
  return -1;
}

//
// Comments and whitespace
//

// Skips whitespace and comments; reports an unterminated block comment.
static void skip_trivia(void) {
  for (;;) {
    unsigned char c = peek(0);
    if (at_end()) return;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      L.pos++;
      continue;
    }
    if (c >= 0x80) {
      int n;
      uint32_t cp = decode_at(L.pos, &n);
      if (!is_unicode_space(cp)) return;
      L.pos += (size_t)n;
      continue;
    }
    if (c == '/' && peek(1) == '/') {
      while (!at_end() && peek(0) != '\n') L.pos++;
      continue;
    }
    if (c == '/' && peek(1) == '*') {
      // Block comments nest in Rust.
      size_t lo = L.pos;
      int depth = 0;
      while (!at_end()) {
        if (peek(0) == '/' && peek(1) == '*') {
          depth++;
          L.pos += 2;
        } else if (peek(0) == '*' && peek(1) == '/') {
          depth--;
          L.pos += 2;
          if (depth == 0) break;
        } else {
          L.pos++;
        }
      }
      if (depth > 0) error_at(span(lo, L.len), "E0758", "unterminated block comment");
      continue;
    }
    return;
  }
}

//
// Escapes (shared by strings and characters)
//

// Reads the escape after a backslash at L.pos (pointing at the backslash). Returns the code
// point, or -1 for a string line continuation (which has already skipped the whitespace).
static long read_escape(bool in_string) {
  size_t lo = L.pos;
  L.pos++;  // the backslash
  unsigned char c = peek(0);
  if (at_end()) return -2;
  L.pos++;
  switch (c) {
  case 'n': return '\n';
  case 'r': return '\r';
  case 't': return '\t';
  case '\\': return '\\';
  case '0': return 0;
  case '\'': return '\'';
  case '"': return '"';
  case 'x': {
    if (!is_hex(peek(0)) || !is_hex(peek(1))) {
      while (is_hex(peek(0))) L.pos++;
      error_at(span(lo, L.pos), NULL, "numeric character escape is too short");
      return '?';
    }
    int v = hex_value(peek(0)) * 16 + hex_value(peek(1));
    L.pos += 2;
    if (v > 0x7f && !L.bytes) {
      Diag *d = diag_error(span(lo, L.pos), NULL, "out of range hex escape");
      diag_label(d, "must be a character in the range [\\x00-\\x7f]");
      diag_emit(d);
      return '?';
    }
    return v;
  }
  case 'u': {
    if (L.bytes) {
      Diag *d = diag_error(span(lo, L.pos), NULL, "unicode escape in byte string");
      diag_label(d, "unicode escape in byte string");
      diag_help(d, "unicode escape sequences cannot be used as a byte or in a byte string");
      diag_emit(d);
      while (peek(0) && peek(0) != '}' && peek(0) != '"' && peek(0) != '\'') L.pos++;
      if (peek(0) == '}') L.pos++;
      return '?';
    }
    if (peek(0) != '{') {
      Diag *d = diag_error(span(lo, L.pos), NULL, "incorrect unicode escape sequence");
      diag_help(d, "format of unicode escape sequences is `\\u{...}`");
      diag_emit(d);
      return '?';
    }
    L.pos++;
    uint32_t v = 0;
    int ndigits = 0;
    while (is_hex(peek(0)) || peek(0) == '_') {
      if (peek(0) != '_') {
        if (ndigits < 7) v = v * 16 + (uint32_t)hex_value(peek(0));
        ndigits++;
      }
      L.pos++;
    }
    if (peek(0) != '}') {
      error_at(span(lo, L.pos), NULL, "unterminated unicode escape");
      return '?';
    }
    L.pos++;
    if (ndigits == 0) {
      error_at(span(lo, L.pos), NULL, "empty unicode escape");
      return '?';
    }
    if (ndigits > 6) {
      error_at(span(lo, L.pos), NULL, "overlong unicode escape");
      return '?';
    }
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
      error_at(span(lo, L.pos), NULL, "invalid unicode character escape");
      return '?';
    }
    return v;
  }
  case '\n':
    if (in_string) {
      // Line continuation: the newline and the following whitespace disappear.
      while (peek(0) == ' ' || peek(0) == '\t' || peek(0) == '\n' || peek(0) == '\r') L.pos++;
      return -1;
    }
    break;
  case '\r':
    if (in_string && peek(0) == '\n') {
      L.pos++;
      while (peek(0) == ' ' || peek(0) == '\t' || peek(0) == '\n' || peek(0) == '\r') L.pos++;
      return -1;
    }
    break;
  default:
    break;
  }
  // Unknown escape: point at the character after the backslash.
  L.pos = lo + 1;
  int n;
  uint32_t cp = decode_at(L.pos, &n);
  L.pos += (size_t)n;
  Diag *d = diag_error(span(lo + 1, L.pos), NULL, "unknown character escape: `%s`", escape_char(cp));
  diag_label(d, "unknown character escape");
  diag_emit(d);
  return '?';
}

//
// Literals
//

// A string being decoded (malloc'ed scratch, copied to the arena when complete).
typedef struct {
  char *buf;
  size_t len, cap;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    while (cap < b->len + n + 1) cap *= 2;
    char *p = realloc(b->buf, cap);
    if (!p) {
      fputs("error: out of memory\n", stderr);
      exit(3);
    }
    b->buf = p;
    b->cap = cap;
  }
  memcpy(b->buf + b->len, s, n);
  b->len += n;
}

static void finish_string(Token *t, Buf *b) {
  t->str = arena_strndup(b->buf ? b->buf : "", b->len);
  t->str_len = b->len;
  free(b->buf);
}

// A character past ASCII in a byte literal: reported once, and skipped whole.
static void non_ascii_in_bytes(const char *what) {
  int n;
  decode_at(L.pos, &n);
  Diag *d = diag_error(span(L.pos, L.pos + (size_t)n), NULL, "non-ASCII character in %s", what);
  diag_label(d, "must be ASCII");
  diag_emit(d);
  L.pos += (size_t)n - 1;
}

// string = '"' (char | escape)* '"'
static void lex_string(size_t lo) {
  L.pos++;  // opening quote
  Buf b = {0};
  bool closed = false;
  while (!at_end()) {
    unsigned char c = peek(0);
    if (c == '"') {
      L.pos++;
      closed = true;
      break;
    }
    if (c == '\\') {
      long cp = read_escape(true);
      if (cp == -2) break;
      if (cp >= 0 && L.bytes) {
        char byte = (char)cp;
        buf_add(&b, &byte, 1);
      } else if (cp >= 0) {
        char tmp[4];
        buf_add(&b, tmp, (size_t)encode_utf8((uint32_t)cp, tmp));
      }
      continue;
    }
    if (c == '\r' && peek(1) == '\n') {  // CRLF in a string is a newline
      L.pos++;
      continue;
    }
    if (c >= 0x80 && L.bytes) non_ascii_in_bytes("byte string literal");
    buf_add(&b, L.src + L.pos, 1);
    L.pos++;
  }
  if (!closed) {
    L.pos = L.len;
    error_at(span(lo, L.len), "E0765", "unterminated double quote string");
  }
  finish_string(push(TK_STR, lo, L.pos), &b);
}

// raw-string = 'r' '#'* '"' any* '"' '#'* (as many hashes as opened it)
static void lex_raw_string(size_t lo) {
  L.pos++;  // r
  size_t hashes = 0;
  while (peek(0) == '#') hashes++, L.pos++;
  if (peek(0) != '"') {
    error_at(span(L.pos, L.pos + 1), NULL,
             "found invalid character; only `#` is allowed in raw string delimitation");
    return;
  }
  L.pos++;  // opening quote
  size_t start = L.pos;
  for (;;) {
    if (at_end()) {
      Diag *d = diag_error(span(lo, L.len), "E0748", "unterminated raw string");
      diag_label(d, "unterminated raw string");
      diag_note(d, "this raw string should be terminated with `\"%.*s`", (int)(hashes < 200 ? hashes : 200),
                "########################################################################"
                "########################################################################"
                "########################################################");
      diag_emit(d);
      Buf b = {0};
      buf_add(&b, L.src + start, L.len - start);
      finish_string(push(TK_STR, lo, L.len), &b);
      return;
    }
    if (peek(0) == '"') {
      size_t k = 0;
      while (k < hashes && peek_at(L.pos + 1 + k) == '#') k++;
      if (k == hashes) break;
    }
    L.pos++;
  }
  // Raw strings keep their text as is, except that CRLF still reads as a newline.
  Buf b = {0};
  for (size_t i = start; i < L.pos; i++)
    if (!(L.src[i] == '\r' && i + 1 < L.pos && L.src[i + 1] == '\n')) buf_add(&b, L.src + i, 1);
  L.pos += 1 + hashes;
  finish_string(push(TK_STR, lo, L.pos), &b);
}

// Where a malformed character literal ends: the next `'` on this line, if any.
static size_t find_quote_on_line(size_t from) {
  for (size_t i = from; i < L.len && L.src[i] != '\n'; i++)
    if (L.src[i] == '\'') return i;
  return 0;
}

// char = "'" (char | escape) "'"      lifetime = "'" ident
static void lex_quote(size_t lo) {
  unsigned char c1 = peek(1);
  if (L.pos + 1 >= L.len) {
    L.pos = L.len;
    error_at(span(lo, L.len), "E0762", "unterminated character literal");
    push(TK_CHAR, lo, L.len);
    return;
  }

  uint32_t cp;
  if (c1 == '\\') {
    L.pos++;
    long v = read_escape(false);
    cp = v < 0 ? '?' : (uint32_t)v;
  } else if (c1 == '\'') {
    // `''`
    L.pos += 2;
    Diag *d = diag_error(span(lo + 1, lo + 1), NULL, "empty character literal");
    diag_label(d, "empty character literal");
    diag_emit(d);
    push(TK_CHAR, lo, L.pos);
    return;
  } else {
    int n;
    cp = decode_at(L.pos + 1, &n);
    bool identish = c1 < 0x80 ? is_alpha(c1) : is_unicode_letter(cp);
    if (peek_at(L.pos + 1 + (size_t)n) != '\'' && identish) {
      // A lifetime or label: 'a, 'static, 'outer. (An identifier-like run followed by a quote
      // would be a char literal with too many characters.)
      size_t i = L.pos + 1;
      while (i < L.len && (is_alnum(peek_at(i)) || peek_at(i) >= 0x80)) {
        int m;
        uint32_t c = decode_at(i, &m);
        if (c >= 0x80 && !is_unicode_letter(c)) break;
        i += (size_t)m;
      }
      if (peek_at(i) != '\'') {
        Token *t = push(TK_LIFETIME, lo, i);
        t->text = intern(L.src + lo, i - lo);
        L.pos = i;
        return;
      }
    }
    if (c1 == '\n' || c1 == '\r' || c1 == '\t') {
      Diag *d = diag_error(span(lo + 1, lo + 2), NULL, "character constant must be escaped: `%s`",
                           c1 == '\n' ? "\\n" : c1 == '\r' ? "\\r" : "\\t");
      diag_emit(d);
    }
    L.pos += 1 + (size_t)n;
  }

  if (peek(0) == '\'') {
    L.pos++;
    Token *t = push(TK_CHAR, lo, L.pos);
    t->char_val = cp;
    return;
  }
  size_t q = find_quote_on_line(L.pos);
  if (q) {
    L.pos = q + 1;
    error_at(span(lo, L.pos), NULL, "character literal may only contain one codepoint");
  } else {
    error_at(span(lo, L.pos), "E0762", "unterminated character literal");
  }
  Token *t = push(TK_CHAR, lo, L.pos);
  t->char_val = cp;
}

static bool is_int_suffix(const char *s) {
  static const char *const names[] = {"i8", "i16", "i32", "i64", "i128", "isize",
                                      "u8", "u16", "u32", "u64", "u128", "usize"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (strcmp(s, names[i]) == 0) return true;
  return false;
}

static bool is_float_suffix(const char *s) { return strcmp(s, "f32") == 0 || strcmp(s, "f64") == 0; }

// Does an exponent `e[+-]?digits` start at i?
static bool exponent_at(size_t i) {
  if ((peek_at(i) | 0x20) != 'e') return false;
  i++;
  if (peek_at(i) == '+' || peek_at(i) == '-') i++;
  while (peek_at(i) == '_') i++;
  return is_digit(peek_at(i));
}

// number = dec-digits ("." dec-digits?)? exponent? suffix?
//        | ("0x" hex-digits | "0o" oct-digits | "0b" bin-digits) suffix?
static void lex_number(size_t lo) {
  int base = 10;
  if (peek(0) == '0' && (peek(1) == 'x' || peek(1) == 'o' || peek(1) == 'b')) {
    base = peek(1) == 'x' ? 16 : peek(1) == 'o' ? 8 : 2;
    L.pos += 2;
  }
  Wide value = 0;
  bool overflow = false;
  int ndigits = 0;
  for (;;) {
    unsigned char c = peek(0);
    if (c == '_') {
      L.pos++;
      continue;
    }
    bool ok = base == 16 ? is_hex(c) : is_digit(c);
    if (!ok) break;
    int d = hex_value(c);
    if (d >= base) {
      error_at(span(L.pos, L.pos + 1), NULL, "invalid digit for a base %d literal", base);
      d = 0;
    }
    if (value > (~(Wide)0 - (Wide)d) / (Wide)base) overflow = true;
    value = value * (Wide)base + (Wide)d;
    ndigits++;
    L.pos++;
  }

  bool is_float = false;
  if (base == 10) {
    // `1.5` and `1.` are floats; `1..2`, `1.foo()` and `x.0.1` keep the integer.
    unsigned char after = peek(1);
    if (peek(0) == '.' && after != '.' && !is_alpha(after) && after < 0x80) {
      is_float = true;
      L.pos++;
      while (is_digit(peek(0)) || peek(0) == '_') L.pos++;
    }
    if (exponent_at(L.pos)) {
      is_float = true;
      L.pos++;
      if (peek(0) == '+' || peek(0) == '-') L.pos++;
      while (is_digit(peek(0)) || peek(0) == '_') L.pos++;
    }
  }
  size_t num_hi = L.pos;

  const char *suffix = NULL;
  if (is_alpha(peek(0))) {
    size_t s = L.pos;
    while (is_alnum(peek(0))) L.pos++;
    suffix = intern(L.src + s, L.pos - s);
  }

  if (base != 10 && ndigits == 0) {
    error_at(span(lo, L.pos), "E0768", "no valid digits found for number");
  } else if (suffix) {
    if (!is_float && base == 10 && is_float_suffix(suffix)) {
      is_float = true;
    } else if (is_float ? !is_float_suffix(suffix) : !is_int_suffix(suffix)) {
      Diag *d = diag_error(span(num_hi, L.pos), NULL, "invalid suffix `%s` for %s literal", suffix,
                           is_float ? "float" : "number");
      diag_label(d, "invalid suffix `%s`", suffix);
      diag_help(d, is_float ? "valid suffixes are `f32` and `f64`"
                            : "the suffix must be one of the numeric types (`u32`, `isize`, `f32`, etc.)");
      diag_emit(d);
      suffix = NULL;
    }
  }

  if (is_float) {
    // strtod on the digits without underscores.
    char *tmp = arena_alloc(num_hi - lo + 1);
    size_t k = 0;
    for (size_t i = lo; i < num_hi; i++)
      if (L.src[i] != '_') tmp[k++] = L.src[i];
    tmp[k] = '\0';
    Token *t = push(TK_FLOAT, lo, L.pos);
    t->float_val = strtod(tmp, NULL);
    t->suffix = suffix;
    return;
  }
  if (overflow) {
    Diag *d = diag_error(span(lo, L.pos), NULL, "integer literal is too large");
    diag_note(d, "value exceeds limit of `0xffffffffffffffffffffffffffffffff`");
    diag_emit(d);
    value = 0;
  }
  Token *t = push(TK_INT, lo, L.pos);
  t->int_val = (uint64_t)value;
  t->int_hi = (uint64_t)(value >> 64);
  t->suffix = suffix;
}

//
// Identifiers and keywords
//

static const struct {
  const char *name;
  TokenKind kind;
} keywords[] = {
    {"as", TK_AS},         {"break", TK_BREAK},   {"const", TK_CONST},     {"continue", TK_CONTINUE},
    {"crate", TK_CRATE},   {"dyn", TK_DYN},       {"else", TK_ELSE},       {"enum", TK_ENUM},       {"extern", TK_EXTERN},
    {"false", TK_FALSE},   {"fn", TK_FN},         {"for", TK_FOR},         {"if", TK_IF},
    {"impl", TK_IMPL},     {"in", TK_IN},         {"let", TK_LET},         {"loop", TK_LOOP},
    {"match", TK_MATCH},   {"mod", TK_MOD},       {"move", TK_MOVE},       {"mut", TK_MUT},
    {"pub", TK_PUB},       {"ref", TK_REF},       {"return", TK_RETURN},   {"self", TK_SELF_LOWER},
    {"Self", TK_SELF_UPPER}, {"static", TK_STATIC}, {"struct", TK_STRUCT}, {"super", TK_SUPER},
    {"trait", TK_TRAIT},   {"true", TK_TRUE},     {"type", TK_TYPE},       {"unsafe", TK_UNSAFE},
    {"use", TK_USE},       {"where", TK_WHERE},   {"while", TK_WHILE},     {"_", TK_UNDERSCORE},
};

// Most identifiers are not keywords: the first letter rules nearly all of them out before strcmp.
static TokenKind keyword_kind(const char *name) {
  for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++)
    if (keywords[i].name[0] == name[0] && strcmp(keywords[i].name, name) == 0) return keywords[i].kind;
  return TK_IDENT;
}

// ident = (letter | "_") (letter | digit | "_")*      raw-ident = "r#" ident
static void lex_ident(size_t lo, bool raw) {
  size_t start = L.pos;
  bool non_ascii = false;
  while (!at_end()) {
    unsigned char c = peek(0);
    if (is_alnum(c)) {
      L.pos++;
      continue;
    }
    if (c < 0x80) break;
    int n;
    uint32_t cp = decode_at(L.pos, &n);
    if (!is_unicode_letter(cp)) break;
    non_ascii = true;
    L.pos += (size_t)n;
  }
  if (non_ascii) error_at(span(lo, L.pos), NULL, "non-ASCII identifiers are not supported");
  const char *text = intern(L.src + start, L.pos - start);
  TokenKind kind = raw ? TK_IDENT : keyword_kind(text);
  if (raw && (strcmp(text, "_") == 0 || strcmp(text, "self") == 0 || strcmp(text, "Self") == 0 ||
              strcmp(text, "super") == 0 || strcmp(text, "crate") == 0)) {
    error_at(span(lo, L.pos), NULL, "`%s` cannot be a raw identifier", text);
    kind = keyword_kind(text);
  }
  Token *t = push(kind, lo, L.pos);
  t->text = text;
}

//
// Punctuation
//

// Longest first, so that the first match is the longest one.
static const struct {
  const char *s;
  TokenKind kind;
} puncts[] = {
    {"<<=", TK_SHLEQ}, {">>=", TK_SHREQ},  {"...", TK_DOTDOTDOT}, {"..=", TK_DOTDOTEQ},
    {"::", TK_PATHSEP}, {"->", TK_ARROW},  {"=>", TK_FATARROW},   {"==", TK_EQEQ},
    {"!=", TK_NE},      {"<=", TK_LE},     {">=", TK_GE},         {"&&", TK_AMPAMP},
    {"||", TK_PIPEPIPE}, {"+=", TK_PLUSEQ}, {"-=", TK_MINUSEQ},   {"*=", TK_STAREQ},
    {"/=", TK_SLASHEQ}, {"%=", TK_PERCENTEQ}, {"^=", TK_CARETEQ}, {"&=", TK_AMPEQ},
    {"|=", TK_PIPEEQ},  {"<<", TK_SHL},    {">>", TK_SHR},        {"..", TK_DOTDOT},
    {"(", TK_LPAREN},   {")", TK_RPAREN},  {"[", TK_LBRACKET},    {"]", TK_RBRACKET},
    {"{", TK_LBRACE},   {"}", TK_RBRACE},  {",", TK_COMMA},       {";", TK_SEMI},
    {":", TK_COLON},    {".", TK_DOT},     {"#", TK_HASH},        {"!", TK_BANG},
    {"?", TK_QUESTION}, {"@", TK_AT},      {"$", TK_DOLLAR},      {"+", TK_PLUS},
    {"-", TK_MINUS},    {"*", TK_STAR},    {"/", TK_SLASH},       {"%", TK_PERCENT},
    {"^", TK_CARET},    {"&", TK_AMP},     {"|", TK_PIPE},        {"=", TK_EQ},
    {"<", TK_LT},       {">", TK_GT},
};

// Every token passes through here: the first character rules out nearly every entry before the
// length and memcmp are looked at.
static bool lex_punct(size_t lo) {
  char c = L.src[L.pos];
  for (size_t i = 0; i < sizeof puncts / sizeof *puncts; i++) {
    if (puncts[i].s[0] != c) continue;
    size_t n = strlen(puncts[i].s);
    if (L.pos + n <= L.len && memcmp(L.src + L.pos, puncts[i].s, n) == 0) {
      L.pos += n;
      push(puncts[i].kind, lo, L.pos);
      return true;
    }
  }
  return false;
}

//
// The main loop
//

static void lex_token(void) {
  size_t lo = L.pos;
  unsigned char c = peek(0);

  if (is_digit(c)) {
    lex_number(lo);
    return;
  }
  if (c == '"') {
    lex_string(lo);
    return;
  }
  if (c == '\'') {
    lex_quote(lo);
    return;
  }
  if (c == 'r' && peek(1) == '"') {
    lex_raw_string(lo);
    return;
  }
  if (c == 'r' && peek(1) == '#') {
    size_t i = L.pos + 1;
    while (peek_at(i) == '#') i++;
    if (peek_at(i) == '"') {
      lex_raw_string(lo);
      return;
    }
    if (i == L.pos + 2 && is_alpha(peek(2))) {
      L.pos += 2;
      lex_ident(lo, true);
      return;
    }
  }
  // Byte literals: b'x' is just a u8, b"..." a `&[u8; N]` (TK_BYTE_STR); C strings have no
  // type in trc.
  if (c == 'b' && peek(1) == '\'') {
    L.pos++;
    size_t before = (size_t)L.ntoks;
    L.bytes = true;
    lex_quote(lo + 1);
    L.bytes = false;
    Token *t = &L.toks[L.ntoks - 1];
    if ((size_t)L.ntoks > before && t->kind == TK_CHAR) {
      // (An escape may be any byte, `b'\xff'`; a character written as itself must be ASCII.)
      if (t->char_val > 0x7f && L.src[lo + 2] != '\\') error_at(t->span, NULL, "non-ASCII character in byte literal");
      t->kind = TK_INT;
      t->int_val = t->char_val & 0xff;
      t->suffix = intern_cstr("u8");
      t->span.lo = (uint32_t)lo;
    }
    return;
  }
  if ((c == 'b' || c == 'c') && (peek(1) == '"' || (peek(1) == 'r' && (peek(2) == '"' || peek(2) == '#')))) {
    L.pos++;
    size_t before = (size_t)L.ntoks;
    bool raw = peek(0) == 'r';
    L.bytes = c == 'b';
    if (raw) lex_raw_string(lo + 1);
    else lex_string(lo + 1);
    L.bytes = false;
    if ((size_t)L.ntoks > before) {
      Token *t = &L.toks[L.ntoks - 1];
      t->span.lo = (uint32_t)lo;
      if (c == 'c') {
        error_at(t->span, NULL, "C string literals are not supported");
      } else {
        t->kind = TK_BYTE_STR;
        for (size_t i = 0; raw && i < t->str_len; i++)
          if ((unsigned char)t->str[i] >= 0x80) {
            error_at(t->span, NULL, "non-ASCII character in raw byte string literal");
            break;
          }
      }
    }
    return;
  }
  if (is_alpha(c)) {
    lex_ident(lo, false);
    return;
  }
  if (c < 0x80 && c != 0 && lex_punct(lo)) return;

  // Not a token: a letter we do not accept in identifiers, or a stray character.
  int n;
  uint32_t cp = decode_at(L.pos, &n);
  if (cp >= 0x80 && is_unicode_letter(cp)) {
    lex_ident(lo, false);
    return;
  }
  L.pos += (size_t)n;
  error_at(span(lo, L.pos), NULL, "unknown start of token: %s", escape_char(cp));
}

Token *lex(int file, const char *text, size_t len, int *count) {
  memset(&L, 0, sizeof L);
  L.file = file;
  L.src = text;
  L.len = len;
  reserve_tokens(len);

  long bad = find_invalid_utf8(text, len);
  if (bad >= 0) {
    // No snippet: printing the line would print the invalid bytes.
    Span sp = {(uint32_t)file, (uint32_t)bad, (uint32_t)bad + 1};
    int line, col;
    diag_line_col(sp, &line, &col);
    Diag *d = diag_error((Span){UINT32_MAX, 0, 0}, NULL, "invalid UTF-8 in source file");
    diag_note(d, "`%s` has a byte that is not valid UTF-8 on line %d, column %d (byte offset %ld)",
              diag_file_name(file), line, col, bad);
    diag_emit(d);
    diag_summary();
    fatal_exit(1);
  }

  // A shebang line is not Rust; `#![attr]` on the first line is.
  if (len >= 2 && text[0] == '#' && text[1] == '!') {
    size_t i = 2;
    while (i < len && (text[i] == ' ' || text[i] == '\t')) i++;
    if (i >= len || text[i] != '[')
      while (L.pos < len && text[L.pos] != '\n') L.pos++;
  }

  for (;;) {
    skip_trivia();
    if (at_end()) break;
    lex_token();
  }
  push(TK_EOF, len, len);

  Token *toks = L.toks;
  arena_trim(toks, sizeof(Token) * (size_t)L.cap, sizeof(Token) * (size_t)L.ntoks);
  *count = L.ntoks;
  L.toks = NULL;
  return toks;
}
