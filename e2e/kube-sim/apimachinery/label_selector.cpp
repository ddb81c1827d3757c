#include <algorithm>
#include <cctype>
#include <optional>

#include "apimachinery/selectors.hpp"

namespace kubesim::apimachinery {
namespace {

namespace json = boost::json;

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Label names and values (API conventions "Labels and Selectors"): at most 63 characters,
// alphanumerics at both ends, '-', '_' and '.' inside. Values may also be empty.
bool valid_name_part(std::string_view s) {
  if (s.empty() || s.size() > 63 || !alnum(s.front()) || !alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

// DNS-1123 subdomain: lowercase alphanumerics, '-' and '.', at most 253 characters.
bool valid_dns_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto dot = s.find('.', start);
    auto label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

std::optional<std::string> key_error(std::string_view key) {
  auto slash = key.find('/');
  std::string_view name = slash == std::string_view::npos ? key : key.substr(slash + 1);
  if (slash != std::string_view::npos && !valid_dns_subdomain(key.substr(0, slash)))
    return "Invalid value: \"" + std::string(key) + "\": prefix part must be a lowercase RFC 1123 subdomain";
  if (!valid_name_part(name))
    return "Invalid value: \"" + std::string(key) +
           "\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
           "with an "
           "alphanumeric character (max 63 characters)";
  return std::nullopt;
}

std::optional<std::string> value_error(std::string_view value) {
  if (value.empty() || valid_name_part(value)) return std::nullopt;
  return "Invalid value: \"" + std::string(value) +
         "\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
         "and "
         "must start and end with an alphanumeric character (max 63 characters)";
}

enum class Tok { kIdent, kOpen, kClose, kComma, kEq, kDoubleEq, kNotEq, kBang, kIn, kNotIn, kEnd };

struct Token {
  Tok kind;
  std::string text;
};

std::vector<Token> lex(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  auto special = [](char c) {
    return c == '(' || c == ')' || c == ',' || c == '=' || c == '!' ||
           std::isspace(static_cast<unsigned char>(c));
  };
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '(') {
      out.push_back({Tok::kOpen, "("}), ++i;
    } else if (c == ')') {
      out.push_back({Tok::kClose, ")"}), ++i;
    } else if (c == ',') {
      out.push_back({Tok::kComma, ","}), ++i;
    } else if (c == '=') {
      bool dbl = i + 1 < s.size() && s[i + 1] == '=';
      out.push_back({dbl ? Tok::kDoubleEq : Tok::kEq, dbl ? "==" : "="});
      i += dbl ? 2 : 1;
    } else if (c == '!') {
      bool ne = i + 1 < s.size() && s[i + 1] == '=';
      out.push_back({ne ? Tok::kNotEq : Tok::kBang, ne ? "!=" : "!"});
      i += ne ? 2 : 1;
    } else {
      std::size_t j = i;
      while (j < s.size() && !special(s[j])) ++j;
      std::string word(s.substr(i, j - i));
      Tok kind = word == "in" ? Tok::kIn : word == "notin" ? Tok::kNotIn : Tok::kIdent;
      out.push_back({kind, std::move(word)});
      i = j;
    }
  }
  out.push_back({Tok::kEnd, ""});
  return out;
}

ApiError parse_error(std::string why) {
  return bad_request("unable to parse requirement: " + std::move(why));
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<LabelSelector> parse() {
    LabelSelector sel;
    if (peek().kind == Tok::kEnd) return sel;
    while (true) {
      auto req = requirement();
      if (!req) return req.error();
      sel.requirements.push_back(std::move(*req));
      Token t = next();
      if (t.kind == Tok::kEnd) return sel;
      if (t.kind != Tok::kComma)
        return parse_error("found '" + t.text + "', expected: ',' or 'end of string'");
    }
  }

 private:
  const Token& peek() const { return tokens_[pos_]; }
  Token next() { return pos_ + 1 < tokens_.size() ? tokens_[pos_++] : tokens_.back(); }

  Result<LabelRequirement> requirement() {
    LabelRequirement req;
    bool bang = false;
    if (peek().kind == Tok::kBang) {
      bang = true;
      next();
    }
    Token key = next();
    // "in"/"notin" are keywords only after a key; as a key they are plain names.
    if (key.kind != Tok::kIdent && key.kind != Tok::kIn && key.kind != Tok::kNotIn)
      return parse_error("found '" + key.text + "', expected: identifier");
    if (auto err = key_error(key.text)) return parse_error(*err);
    req.key = key.text;
    Tok op = peek().kind;
    if (op == Tok::kEnd || op == Tok::kComma) {
      req.op = bang ? SelectorOp::kDoesNotExist : SelectorOp::kExists;
      return req;
    }
    if (bang) return parse_error("exists operator '!' cannot be combined with '" + peek().text + "'");
    next();
    if (op == Tok::kEq || op == Tok::kDoubleEq || op == Tok::kNotEq) {
      req.op = op == Tok::kNotEq ? SelectorOp::kNotEquals : SelectorOp::kEquals;
      std::string value;
      if (peek().kind == Tok::kIdent || peek().kind == Tok::kIn || peek().kind == Tok::kNotIn)
        value = next().text;
      else if (peek().kind != Tok::kEnd && peek().kind != Tok::kComma)
        return parse_error("found '" + peek().text + "', expected: identifier");
      if (auto err = value_error(value)) return parse_error(*err);
      req.values.push_back(std::move(value));
      return req;
    }
    if (op == Tok::kIn || op == Tok::kNotIn) {
      req.op = op == Tok::kIn ? SelectorOp::kIn : SelectorOp::kNotIn;
      if (next().kind != Tok::kOpen)
        return parse_error("found '" + tokens_[pos_ - 1].text + "', expected: '('");
      while (true) {
        std::string value;
        if (peek().kind == Tok::kIdent || peek().kind == Tok::kIn || peek().kind == Tok::kNotIn)
          value = next().text;
        if (auto err = value_error(value)) return parse_error(*err);
        req.values.push_back(std::move(value));
        Token t = next();
        if (t.kind == Tok::kClose) break;
        if (t.kind != Tok::kComma) return parse_error("found '" + t.text + "', expected: ',' or ')'");
      }
      if (req.values.size() == 1 && req.values[0].empty())
        return parse_error("for 'in', 'notin' operators, values set can't be empty");
      return req;
    }
    return parse_error("found '" + tokens_[pos_ - 1].text + "', expected: in, notin, =, ==, !=");
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<LabelSelector> parse_label_selector(std::string_view text) { return Parser(lex(text)).parse(); }

Result<LabelSelector> label_selector_from_json(const json::value& selector) {
  LabelSelector sel;
  if (selector.is_null()) {
    sel.match_nothing = true;
    return sel;
  }
  const auto* obj = selector.if_object();
  if (obj == nullptr) return bad_request("label selector must be an object");
  if (const auto* labels = obj->if_contains("matchLabels"); labels && !labels->is_null()) {
    if (!labels->is_object()) return bad_request("matchLabels must be an object");
    for (const auto& [k, v] : labels->as_object()) {
      if (!v.is_string()) return bad_request("matchLabels values must be strings");
      if (auto err = key_error(k)) return bad_request(*err);
      if (auto err = value_error(v.as_string())) return bad_request(*err);
      sel.requirements.push_back({std::string(k), SelectorOp::kEquals, {std::string(v.as_string())}});
    }
  }
  if (const auto* exprs = obj->if_contains("matchExpressions"); exprs && !exprs->is_null()) {
    if (!exprs->is_array()) return bad_request("matchExpressions must be a list");
    for (const auto& e : exprs->as_array()) {
      const auto* eo = e.if_object();
      const json::value* key = eo ? eo->if_contains("key") : nullptr;
      const json::value* op = eo ? eo->if_contains("operator") : nullptr;
      if (key == nullptr || !key->is_string() || op == nullptr || !op->is_string())
        return bad_request("matchExpressions entries need a key and an operator");
      if (auto err = key_error(key->as_string())) return bad_request(*err);
      LabelRequirement req{std::string(key->as_string()), SelectorOp::kIn, {}};
      std::string_view opname = op->as_string();
      if (opname == "In")
        req.op = SelectorOp::kIn;
      else if (opname == "NotIn")
        req.op = SelectorOp::kNotIn;
      else if (opname == "Exists")
        req.op = SelectorOp::kExists;
      else if (opname == "DoesNotExist")
        req.op = SelectorOp::kDoesNotExist;
      else
        return bad_request("\"" + std::string(opname) + "\" is not a valid label selector operator");
      if (const auto* values = eo->if_contains("values"); values && values->is_array()) {
        for (const auto& v : values->as_array()) {
          if (!v.is_string()) return bad_request("matchExpressions values must be strings");
          if (auto err = value_error(v.as_string())) return bad_request(*err);
          req.values.emplace_back(v.as_string());
        }
      }
      bool set_op = req.op == SelectorOp::kIn || req.op == SelectorOp::kNotIn;
      if (set_op && req.values.empty())
        return bad_request("for 'in', 'notin' operators, values set can't be empty");
      if (!set_op && !req.values.empty())
        return bad_request("values set must be empty for exists and does not exist");
      sel.requirements.push_back(std::move(req));
    }
  }
  return sel;
}

bool matches(const LabelSelector& selector, const json::object* labels) {
  if (selector.match_nothing) return false;
  for (const auto& req : selector.requirements) {
    const json::value* v = labels ? labels->if_contains(req.key) : nullptr;
    std::optional<std::string_view> value;
    if (v != nullptr && v->is_string()) value = std::string_view(v->as_string());
    auto in_values = [&] {
      return value && std::find(req.values.begin(), req.values.end(), *value) != req.values.end();
    };
    bool ok = false;
    switch (req.op) {
      case SelectorOp::kEquals:
      case SelectorOp::kIn:
        ok = in_values();
        break;
      case SelectorOp::kNotEquals:
      case SelectorOp::kNotIn:
        ok = !in_values();
        break;
      case SelectorOp::kExists:
        ok = value.has_value();
        break;
      case SelectorOp::kDoesNotExist:
        ok = !value.has_value();
        break;
    }
    if (!ok) return false;
  }
  return true;
}

bool matches_object(const LabelSelector& selector, const json::value& object) {
  const json::object* labels = nullptr;
  if (const auto* obj = object.if_object())
    if (const auto* md = obj->if_contains("metadata"); md && md->is_object())
      if (const auto* l = md->as_object().if_contains("labels")) labels = l->if_object();
  return matches(selector, labels);
}

std::string to_string(const LabelSelector& selector) {
  std::string out;
  for (const auto& req : selector.requirements) {
    if (!out.empty()) out += ",";
    auto set = [&] {
      std::string s = "(";
      for (std::size_t i = 0; i < req.values.size(); ++i) s += (i ? "," : "") + req.values[i];
      return s + ")";
    };
    switch (req.op) {
      case SelectorOp::kEquals:
        out += req.key + "=" + req.values.at(0);
        break;
      case SelectorOp::kNotEquals:
        out += req.key + "!=" + req.values.at(0);
        break;
      case SelectorOp::kIn:
        out += req.key + " in " + set();
        break;
      case SelectorOp::kNotIn:
        out += req.key + " notin " + set();
        break;
      case SelectorOp::kExists:
        out += req.key;
        break;
      case SelectorOp::kDoesNotExist:
        out += "!" + req.key;
        break;
    }
  }
  return out;
}

}  // namespace kubesim::apimachinery
