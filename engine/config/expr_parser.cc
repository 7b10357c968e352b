// Lexer and precedence-climbing parser for stack expressions.
//
/// Tokens carry their byte offset in the scalar so diagnostics can say exactly where the
/// parser gave up. Identifiers may contain '-' (as in HCL), so subtraction needs spaces
/// around the operator when its left side is a name: `var.a - 1`.
#include "engine/config/expr_parser.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace capstan {
namespace {

enum class Tok { kEnd, kNumber, kString, kIdent, kPunct, kError };

struct Token {
  Tok kind = Tok::kEnd;
  size_t offset = 0;
  std::string text;  ///< Identifier, punctuation, decoded string, number text or error.
};

bool IdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Lexer {
 public:
  Lexer(std::string_view s, size_t pos, bool comments) : s_(s), pos_(pos), comments_(comments) {}

  Token Next() {
    SkipSpace();
    Token t;
    t.offset = pos_;
    if (pos_ >= s_.size()) return t;
    char c = s_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c))) return Number();
    if (IdentStart(c)) {
      size_t start = pos_;
      while (pos_ < s_.size() && IdentChar(s_[pos_])) ++pos_;
      t.kind = Tok::kIdent;
      t.text = std::string(s_.substr(start, pos_ - start));
      return t;
    }
    if (c == '"') return String();
    static const char* kTwo[] = {"==", "!=", "<=", ">=", "&&", "||"};
    for (const char* op : kTwo) {
      if (s_.substr(pos_, 2) == op) {
        pos_ += 2;
        t.kind = Tok::kPunct;
        t.text = op;
        return t;
      }
    }
    if (std::string_view("()[]{},.?:=<>+-*/%!").find(c) != std::string_view::npos) {
      ++pos_;
      t.kind = Tok::kPunct;
      t.text = std::string(1, c);
      return t;
    }
    t.kind = Tok::kError;
    t.text = std::string("unexpected character '") + c + "'";
    return t;
  }
  size_t pos() const { return pos_; }

 private:
  void SkipSpace() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (comments_ && (c == '#' || s_.substr(pos_, 2) == "//")) {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if (comments_ && s_.substr(pos_, 2) == "/*") {
        size_t end = s_.find("*/", pos_ + 2);
        pos_ = end == std::string_view::npos ? s_.size() : end + 2;
      } else {
        break;
      }
    }
  }

  Token Number() {
    Token t;
    t.offset = pos_;
    t.kind = Tok::kNumber;
    size_t start = pos_;
    auto digits = [&] {
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    };
    digits();
    if (pos_ + 1 < s_.size() && s_[pos_] == '.' &&
        std::isdigit(static_cast<unsigned char>(s_[pos_ + 1]))) {
      ++pos_;
      digits();
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      size_t save = pos_++;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
        digits();
      } else {
        pos_ = save;
      }
    }
    t.text = std::string(s_.substr(start, pos_ - start));
    return t;
  }

  Token String() {
    Token t;
    t.offset = pos_++;
    t.kind = Tok::kString;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      char c = s_[pos_++];
      if (c != '\\') {
        t.text += c;
        continue;
      }
      if (pos_ >= s_.size()) break;
      char e = s_[pos_++];
      switch (e) {
        case 'n':
          t.text += '\n';
          break;
        case 't':
          t.text += '\t';
          break;
        case 'r':
          t.text += '\r';
          break;
        case '"':
          t.text += '"';
          break;
        case '\\':
          t.text += '\\';
          break;
        case '/':
          t.text += '/';
          break;
        case 'u': {
          uint32_t cp = 0;
          size_t n = 0;
          while (n < 4 && pos_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[pos_]))) {
            cp = cp * 16 + std::stoul(std::string(1, s_[pos_]), nullptr, 16);
            ++pos_;
            ++n;
          }
          if (n != 4) return Error(pos_, "invalid \\u escape in string");
          // A surrogate alone is no character; its UTF-8 form is invalid and would make
          // every JSON encoding of the string fail later (found by fuzzing).
          if (cp >= 0xD800 && cp <= 0xDFFF) {
            return Error(pos_ - 6, "\\u escape of a UTF-16 surrogate is not a character");
          }
          AppendUtf8(cp, &t.text);
          break;
        }
        default:
          // fmt, not operator+: GCC 12 -O2 reports a false -Warray-bounds on the latter.
          return Error(pos_ - 2, fmt::format("invalid escape \\{} in string", e));
      }
    }
    if (pos_ >= s_.size()) return Error(t.offset, "unterminated string");
    ++pos_;
    return t;
  }

  Token Error(size_t at, std::string msg) {
    Token t;
    t.kind = Tok::kError;
    t.offset = at;
    t.text = std::move(msg);
    pos_ = s_.size();
    return t;
  }

  std::string_view s_;
  size_t pos_;
  bool comments_;
};

/// Limits that keep hostile input from exhausting the stack: the parser, the evaluator
/// and the destructor of the tree all recurse over its height. No real stack comes near.
constexpr int kMaxNesting = 128;
constexpr int kMaxOperators = 2000;

/// Offsets of the newlines of `text`, ascending.
std::vector<size_t> Newlines(std::string_view text) {
  std::vector<size_t> out;
  for (size_t i = text.find('\n'); i != std::string_view::npos; i = text.find('\n', i + 1)) {
    out.push_back(i);
  }
  return out;
}

/// Recursive descent with one token of lookahead. Errors stop the parse: the first one
/// is the useful one.
class Parser {
 public:
  /// `newlines` (Newlines(text)) may be shared by several parsers over one text.
  Parser(std::string_view text, size_t start, const Pos& base, bool exact, bool comments,
         const std::vector<size_t>* newlines = nullptr)
      : text_(text), lex_(text, start, comments), base_(base), exact_(exact), newlines_(newlines) {
    if (newlines_ == nullptr && exact_) {
      own_newlines_ = Newlines(text);
      newlines_ = &own_newlines_;
    }
    Advance();
  }

  /// Every nested expression (parentheses, list items, arguments, indexes, `?:` arms,
  /// unary operands) comes through here, so the nesting limit holds everywhere.
  ExprPtr ParseExpr() {
    if (depth_ >= kMaxNesting) {
      return Fail(tok_.offset,
                  "expression nested deeper than " + std::to_string(kMaxNesting) + " levels");
    }
    ++depth_;
    ExprPtr e = Conditional();
    --depth_;
    return e;
  }
  const Token& peek() const { return tok_; }
  bool failed() const { return !diags_.empty(); }
  Diagnostics TakeDiags() { return std::move(diags_); }
  void Advance() {
    tok_ = lex_.Next();
    if (tok_.kind == Tok::kError) Fail(tok_.offset, tok_.text);
  }
  bool IsPunct(std::string_view p) const { return tok_.kind == Tok::kPunct && tok_.text == p; }

  Pos PosAt(size_t offset) const {
    Pos p = base_;
    if (!exact_) return p;
    offset = std::min(offset, text_.size());
    // Newlines before `offset`, by binary search: one scan of the text per parse, not
    // one per node (a 1 MB expression has ~10^5 nodes).
    auto it = std::lower_bound(newlines_->begin(), newlines_->end(), offset);
    size_t lines = static_cast<size_t>(it - newlines_->begin());
    size_t line_start = lines == 0 ? 0 : *(it - 1) + 1;
    p.line += static_cast<int>(lines);
    p.column = (line_start == 0 ? base_.column : 1) + static_cast<int>(offset - line_start);
    return p;
  }

  ExprPtr Fail(size_t offset, const std::string& msg) {
    if (diags_.empty()) {
      Pos p = PosAt(offset);
      diags_.ErrorAt(p.Location(), p.KeyPath(), "Invalid expression: " + msg);
    }
    return nullptr;
  }

  std::string Describe(const Token& t) const {
    switch (t.kind) {
      case Tok::kEnd:
        return "end of expression";
      case Tok::kString:
        return "a string";
      case Tok::kNumber:
        return "number " + t.text;
      default:
        return "'" + t.text + "'";
    }
  }

  bool Expect(std::string_view p) {
    if (failed()) return false;
    if (!IsPunct(p)) {
      Fail(tok_.offset, "expected '" + std::string(p) + "' but found " + Describe(tok_));
      return false;
    }
    Advance();
    return true;
  }

 private:
  std::shared_ptr<Expr> Node(ExprKind k, size_t offset) {
    auto e = std::make_shared<Expr>();
    e->kind = k;
    e->pos = PosAt(offset);
    return e;
  }

  ExprPtr Conditional() {
    size_t at = tok_.offset;
    ExprPtr cond = Binary(0);
    if (!cond || !IsPunct("?")) return cond;
    Advance();
    ExprPtr a = ParseExpr();
    if (!a || !Expect(":")) return nullptr;
    ExprPtr b = ParseExpr();
    if (!b) return nullptr;
    auto e = Node(ExprKind::kCond, at);
    e->items = {cond, a, b};
    return e;
  }

  static int Precedence(const Token& t) {
    if (t.kind != Tok::kPunct) return -1;
    const std::string& s = t.text;
    if (s == "||") return 0;
    if (s == "&&") return 1;
    if (s == "==" || s == "!=") return 2;
    if (s == "<" || s == "<=" || s == ">" || s == ">=") return 3;
    if (s == "+" || s == "-") return 4;
    if (s == "*" || s == "/" || s == "%") return 5;
    return -1;
  }

  ExprPtr Binary(int min_prec) {
    ExprPtr left = Unary();
    while (left) {
      int prec = Precedence(tok_);
      if (prec < min_prec) break;
      Token op = tok_;
      // Each operator deepens the (left-leaning) tree by one; evaluation and destruction
      // recurse over it, so the count is bounded like the nesting.
      if (++operators_ > kMaxOperators) {
        return Fail(op.offset,
                    "expression has more than " + std::to_string(kMaxOperators) + " operators");
      }
      Advance();
      ExprPtr right = Binary(prec + 1);
      if (!right) return nullptr;
      auto e = Node(ExprKind::kBinary, op.offset);
      e->op = op.text;
      e->items = {left, right};
      left = e;
    }
    return left;
  }

  ExprPtr Unary() {
    if (IsPunct("!") || IsPunct("-")) {
      Token op = tok_;
      if (depth_ >= kMaxNesting) {
        return Fail(op.offset,
                    "expression nested deeper than " + std::to_string(kMaxNesting) + " levels");
      }
      Advance();
      ++depth_;
      ExprPtr operand = Unary();
      --depth_;
      if (!operand) return nullptr;
      auto e = Node(ExprKind::kUnary, op.offset);
      e->op = op.text;
      e->items = {operand};
      return e;
    }
    return Postfix();
  }

  ExprPtr Postfix() {
    size_t start = tok_.offset;
    ExprPtr prim = Primary();
    if (!prim) return nullptr;
    std::shared_ptr<Expr> trav;
    if (prim->kind == ExprKind::kTraversal) {
      trav = std::const_pointer_cast<Expr>(prim);
    } else if (IsPunct(".") || IsPunct("[")) {
      trav = Node(ExprKind::kTraversal, start);
      trav->base = prim;
    } else {
      return prim;
    }
    while (!failed()) {
      if (IsPunct(".")) {
        Advance();
        Step s;
        if (IsPunct("*")) {
          s.kind = StepKind::kSplat;
          Advance();
        } else if (tok_.kind == Tok::kIdent) {
          s.name = tok_.text;
          Advance();
        } else if (tok_.kind == Tok::kNumber) {  // legacy list.0 form
          s.kind = StepKind::kIndex;
          auto lit = Node(ExprKind::kLiteral, tok_.offset);
          lit->value = std::stoll(tok_.text);
          s.index = lit;
          Advance();
        } else {
          return Fail(tok_.offset,
                      "expected an attribute name after '.' but found " + Describe(tok_));
        }
        trav->steps.push_back(std::move(s));
      } else if (IsPunct("[")) {
        Advance();
        Step s;
        if (IsPunct("*")) {
          s.kind = StepKind::kSplat;
          Advance();
        } else {
          s.kind = StepKind::kIndex;
          s.index = ParseExpr();
          if (!s.index) return nullptr;
        }
        if (!Expect("]")) return nullptr;
        trav->steps.push_back(std::move(s));
      } else {
        break;
      }
    }
    if (failed()) return nullptr;
    trav->text = std::string(text_.substr(start, LastEnd() - start));
    return trav;
  }

  /// End offset of the previous token: the current token's start minus spaces.
  size_t LastEnd() const {
    size_t end = tok_.kind == Tok::kEnd ? text_.size() : tok_.offset;
    while (end > 0 && std::isspace(static_cast<unsigned char>(text_[end - 1]))) --end;
    return end;
  }

  ExprPtr Primary() {
    Token t = tok_;
    if (failed()) return nullptr;
    switch (t.kind) {
      case Tok::kNumber: {
        Advance();
        auto e = Node(ExprKind::kLiteral, t.offset);
        bool is_int = t.text.find_first_of(".eE") == std::string::npos;
        try {
          if (is_int) {
            e->value = static_cast<int64_t>(std::stoll(t.text));
          } else {
            e->value = std::stod(t.text);
          }
        } catch (const std::exception&) {
          try {
            e->value = std::stod(t.text);
          } catch (const std::exception&) {
            return Fail(t.offset, "number out of range: " + t.text);
          }
        }
        return e;
      }
      case Tok::kString: {
        Advance();
        auto e = Node(ExprKind::kLiteral, t.offset);
        e->value = t.text;
        return e;
      }
      case Tok::kIdent: {
        Advance();
        if (t.text == "true" || t.text == "false" || t.text == "null") {
          auto e = Node(ExprKind::kLiteral, t.offset);
          if (t.text != "null") e->value = t.text == "true";
          return e;
        }
        if (IsPunct("(")) return Call(t);
        auto e = Node(ExprKind::kTraversal, t.offset);
        e->name = t.text;
        return e;
      }
      case Tok::kPunct:
        if (t.text == "(") {
          Advance();
          ExprPtr inner = ParseExpr();
          if (!inner || !Expect(")")) return nullptr;
          return inner;
        }
        if (t.text == "[") return List();
        if (t.text == "{") return Map();
        return Fail(t.offset, "expected a value but found " + Describe(t));
      case Tok::kEnd:
        return Fail(t.offset, "expected a value but found end of expression");
      case Tok::kError:
        return nullptr;
    }
    return nullptr;
  }

  ExprPtr Call(const Token& name) {
    auto e = Node(ExprKind::kCall, name.offset);
    e->name = name.text;
    Advance();  // (
    while (!failed() && !IsPunct(")")) {
      ExprPtr arg = ParseExpr();
      if (!arg) return nullptr;
      e->items.push_back(arg);
      if (IsPunct(",")) {
        Advance();
      } else if (!IsPunct(")")) {
        return Fail(tok_.offset,
                    "expected ',' or ')' in call to " + name.text + " but found " + Describe(tok_));
      }
    }
    if (!Expect(")")) return nullptr;
    return e;
  }

  ExprPtr List() {
    auto e = Node(ExprKind::kList, tok_.offset);
    Advance();
    while (!failed() && !IsPunct("]")) {
      ExprPtr item = ParseExpr();
      if (!item) return nullptr;
      e->items.push_back(item);
      if (IsPunct(",")) {
        Advance();
      } else if (!IsPunct("]")) {
        return Fail(tok_.offset, "expected ',' or ']' in list but found " + Describe(tok_));
      }
    }
    if (!Expect("]")) return nullptr;
    return e;
  }

  ExprPtr Map() {
    auto e = Node(ExprKind::kMap, tok_.offset);
    Advance();
    while (!failed() && !IsPunct("}")) {
      std::string key;
      if (tok_.kind == Tok::kIdent || tok_.kind == Tok::kString || tok_.kind == Tok::kNumber) {
        key = tok_.text;
        Advance();
      } else {
        return Fail(tok_.offset, "expected a map key but found " + Describe(tok_));
      }
      if (IsPunct("=") || IsPunct(":")) {
        Advance();
      } else {
        return Fail(tok_.offset, "expected '=' after map key \"" + key + "\"");
      }
      ExprPtr v = ParseExpr();
      if (!v) return nullptr;
      e->entries.emplace_back(key, v);
      if (IsPunct(",")) Advance();
    }
    if (!Expect("}")) return nullptr;
    return e;
  }

  std::string_view text_;
  Lexer lex_;
  Token tok_;
  Pos base_;
  bool exact_;
  const std::vector<size_t>* newlines_;
  std::vector<size_t> own_newlines_;
  int depth_ = 0;
  int operators_ = 0;
  Diagnostics diags_;
};

ExprPtr Literal(Value v, const Pos& pos) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kLiteral;
  e->pos = pos;
  e->value = std::move(v);
  return e;
}

}  // namespace

bool HasInterpolation(std::string_view text) {
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '$' && text[i + 1] == '$' && i + 2 < text.size() && text[i + 2] == '{') {
      i += 2;
      continue;
    }
    if (text[i] == '$' && text[i + 1] == '{') return true;
  }
  return false;
}

Result<ExprPtr> ParseTemplate(std::string_view text, const Pos& base, bool exact) {
  const std::vector<size_t> newlines = exact ? Newlines(text) : std::vector<size_t>{};
  std::vector<TemplatePart> parts;
  std::string literal;
  size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i, 3) == "$${") {
      literal += "${";
      i += 3;
      continue;
    }
    if (text.substr(i, 2) != "${") {
      literal += text[i++];
      continue;
    }
    if (!literal.empty()) parts.push_back({std::move(literal), nullptr});
    literal.clear();
    Parser p(text, i + 2, base, exact, false, &newlines);
    ExprPtr e = p.ParseExpr();
    if (!e && !p.failed()) p.Fail(i, "empty interpolation");
    if (p.failed()) return p.TakeDiags();
    if (!p.IsPunct("}")) {
      p.Fail(p.peek().offset,
             "expected '}' to close the interpolation but found " + p.Describe(p.peek()));
      return p.TakeDiags();
    }
    parts.push_back({{}, e});
    i = p.peek().offset + 1;
  }
  if (!literal.empty()) parts.push_back({std::move(literal), nullptr});
  if (parts.size() == 1 && parts[0].expr) return parts[0].expr;
  if (parts.empty()) return Literal(std::string(), base);
  if (parts.size() == 1) return Literal(parts[0].literal, base);
  auto t = std::make_shared<Expr>();
  t->kind = ExprKind::kTemplate;
  t->pos = base;
  t->parts = std::move(parts);
  return ExprPtr(t);
}

Result<ExprPtr> ParseExpression(std::string_view text, const Pos& base) {
  Parser p(text, 0, base, true, false);
  ExprPtr e = p.ParseExpr();
  if (!p.failed() && p.peek().kind != Tok::kEnd) {
    p.Fail(p.peek().offset, "unexpected " + p.Describe(p.peek()) + " after the expression");
  }
  if (p.failed()) return p.TakeDiags();
  return e;
}

Result<std::vector<std::pair<std::string, ExprPtr>>> ParseAssignments(std::string_view text,
                                                                      const Pos& base) {
  std::vector<std::pair<std::string, ExprPtr>> out;
  Parser p(text, 0, base, true, true);
  while (!p.failed() && p.peek().kind != Tok::kEnd) {
    if (p.peek().kind != Tok::kIdent) {
      p.Fail(p.peek().offset, "expected a variable name but found " + p.Describe(p.peek()));
      break;
    }
    std::string name = p.peek().text;
    p.Advance();
    if (!p.Expect("=")) break;
    ExprPtr e = p.ParseExpr();
    if (!e) break;
    out.emplace_back(std::move(name), e);
  }
  if (p.failed()) return p.TakeDiags();
  return out;
}

}  // namespace capstan
