#include <algorithm>

#include "apimachinery/selectors.hpp"

namespace kubesim::apimachinery {
namespace {

namespace json = boost::json;

// Splits on unescaped commas; field selector values escape ',', '=', '!' and '\' with '\'.
std::vector<std::string> split_terms(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      cur += text[i];
      cur += text[++i];
    } else if (text[i] == ',') {
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += text[i];
    }
  }
  out.push_back(std::move(cur));
  return out;
}

// Position of the first unescaped occurrence of `op`.
std::size_t find_unescaped(std::string_view s, std::string_view op) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
      continue;
    }
    if (s.substr(i, op.size()) == op) return i;
  }
  return std::string_view::npos;
}

Result<std::string> unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (i + 1 >= s.size())
      return bad_request("invalid field selector: trailing backslash in \"" + std::string(s) + "\"");
    char c = s[++i];
    if (c != '\\' && c != ',' && c != '=' && c != '!')
      return bad_request("invalid field selector: invalid escape sequence in \"" + std::string(s) + "\"");
    out += c;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

Result<FieldSelector> parse_field_selector(std::string_view text, std::span<const std::string> extra_fields) {
  FieldSelector sel;
  if (trim(text).empty()) return sel;
  for (const auto& term : split_terms(text)) {
    if (trim(term).empty()) continue;
    FieldRequirement req;
    std::size_t pos;
    std::size_t op_len;
    // Same precedence as upstream: "!=" before "==" before "=".
    if ((pos = find_unescaped(term, "!=")) != std::string_view::npos) {
      req.negated = true;
      op_len = 2;
    } else if ((pos = find_unescaped(term, "==")) != std::string_view::npos) {
      op_len = 2;
    } else if ((pos = find_unescaped(term, "=")) != std::string_view::npos) {
      op_len = 1;
    } else {
      return bad_request("invalid selector: '" + std::string(text) + "'; can't understand '" + term + "'");
    }
    req.field = std::string(trim(std::string_view(term).substr(0, pos)));
    auto value = unescape(std::string_view(term).substr(pos + op_len));
    if (!value) return value.error();
    req.value = std::move(*value);
    bool supported = req.field == "metadata.name" || req.field == "metadata.namespace" ||
                     std::find(extra_fields.begin(), extra_fields.end(), req.field) != extra_fields.end();
    if (!supported) return bad_request("field label not supported: " + req.field);
    sel.requirements.push_back(std::move(req));
  }
  return sel;
}

namespace {
// The value at a dotted path, or nullptr when a step is missing or not an object.
const json::value* field_at(const json::object& object, std::string_view path) {
  const json::object* current_object = &object;
  const json::value* current = nullptr;
  while (!path.empty()) {
    if (current_object == nullptr) return nullptr;
    const auto dot = path.find('.');
    current = current_object->if_contains(path.substr(0, dot));
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    current_object = current != nullptr ? current->if_object() : nullptr;
  }
  return current;
}
}  // namespace

bool matches(const FieldSelector& selector, const json::object& object) {
  for (const auto& req : selector.requirements) {
    const json::value* cur = field_at(object, req.field);
    std::string actual;
    if (cur != nullptr) {
      if (cur->is_string())
        actual = std::string(cur->as_string());
      else if (cur->is_bool())
        actual = cur->as_bool() ? "true" : "false";
      else if (cur->is_int64())
        actual = std::to_string(cur->as_int64());
      else if (cur->is_uint64())
        actual = std::to_string(cur->as_uint64());
    }
    if ((actual == req.value) == req.negated) return false;
  }
  return true;
}

bool matches(const FieldSelector& selector, const json::value& object) {
  static const json::object kEmpty;
  return matches(selector, object.is_object() ? object.get_object() : kEmpty);
}

}  // namespace kubesim::apimachinery
