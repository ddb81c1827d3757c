#include "apimachinery/json_patch.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <optional>

#include "apimachinery/json_pointer.hpp"

namespace kubesim::apimachinery {
namespace {

namespace json = boost::json;

// How the apiserver interprets a patch that decodes but cannot be applied (kubernetes PR 68838,
// "return 4xx for invalid json patch"): a failed `test` is a generic 422 Invalid without causes
// (what a stale finalizer-removal patch gets); anything else is a 400 BadRequest carrying the patch
// library's message. The single cause naming the operation index is kube-sim's addition.
ApiError apply_failure(std::size_t index, std::string_view op, std::string_view path, std::string_view why) {
  if (why == "test failed") return invalid("the server rejected our request due to an error in our request");
  ApiError e = bad_request("jsonpatch " + std::string(op) + " operation does not apply: " + std::string(why) +
                           ": \"" + std::string(path) + "\"");
  e.causes.push_back(
      StatusCause{"FieldValueInvalid", "operation " + std::to_string(index), std::string(path)});
  return e;
}

// RFC 6901 array index: "0" or digits without a leading zero.
std::optional<std::size_t> parse_index(std::string_view token) {
  if (token.empty() || (token.size() > 1 && token[0] == '0')) return std::nullopt;
  std::size_t n = 0;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), n);
  if (ec != std::errc() || ptr != token.data() + token.size()) return std::nullopt;
  return n;
}

// The container holding the last token, or nullptr when the path does not exist.
json::value* walk(json::value& doc, const std::vector<std::string>& tokens, std::size_t count) {
  json::value* cur = &doc;
  for (std::size_t i = 0; i < count; ++i) {
    if (auto* obj = cur->if_object()) {
      auto it = obj->find(tokens[i]);
      if (it == obj->end()) return nullptr;
      cur = &it->value();
    } else if (auto* arr = cur->if_array()) {
      auto idx = parse_index(tokens[i]);
      if (!idx || *idx >= arr->size()) return nullptr;
      cur = &(*arr)[*idx];
    } else {
      return nullptr;
    }
  }
  return cur;
}

json::value* find(json::value& doc, const std::vector<std::string>& tokens) {
  return walk(doc, tokens, tokens.size());
}

// Returns an error text, or empty on success.
std::string add_at(json::value& doc, const std::vector<std::string>& tokens, json::value value) {
  if (tokens.empty()) {
    doc = std::move(value);
    return {};
  }
  json::value* parent = walk(doc, tokens, tokens.size() - 1);
  if (parent == nullptr) return "doc is missing path";
  const std::string& last = tokens.back();
  if (auto* obj = parent->if_object()) {
    (*obj)[last] = std::move(value);
    return {};
  }
  if (auto* arr = parent->if_array()) {
    if (last == "-") {
      arr->push_back(std::move(value));
      return {};
    }
    auto idx = parse_index(last);
    if (!idx || *idx > arr->size()) return "invalid index referenced";
    arr->insert(arr->begin() + static_cast<std::ptrdiff_t>(*idx), std::move(value));
    return {};
  }
  return "doc is missing path";
}

std::optional<json::value> remove_at(json::value& doc, const std::vector<std::string>& tokens) {
  if (tokens.empty()) return std::nullopt;  // removing the whole document is not meaningful here
  json::value* parent = walk(doc, tokens, tokens.size() - 1);
  if (parent == nullptr) return std::nullopt;
  if (auto* obj = parent->if_object()) {
    auto it = obj->find(tokens.back());
    if (it == obj->end()) return std::nullopt;
    json::value out = std::move(it->value());
    obj->stable_erase(it);
    return out;
  }
  if (auto* arr = parent->if_array()) {
    auto idx = parse_index(tokens.back());
    if (!idx || *idx >= arr->size()) return std::nullopt;
    json::value out = std::move((*arr)[*idx]);
    arr->erase(arr->begin() + static_cast<std::ptrdiff_t>(*idx));
    return out;
  }
  return std::nullopt;
}

// Deep equality where numbers compare by value (1 == 1.0), as the Go patch library compares
// float64-decoded documents.
bool same(const json::value& a, const json::value& b) {
  auto num = [](const json::value& v) -> std::optional<double> {
    if (v.is_int64()) return static_cast<double>(v.get_int64());
    if (v.is_uint64()) return static_cast<double>(v.get_uint64());
    if (v.is_double()) return v.get_double();
    return std::nullopt;
  };
  if (auto x = num(a), y = num(b); x && y) return *x == *y;
  if (a.is_object() && b.is_object()) {
    const auto& oa = a.get_object();
    const auto& ob = b.get_object();
    if (oa.size() != ob.size()) return false;
    for (const auto& [k, v] : oa) {
      const auto* other = ob.if_contains(k);
      if (other == nullptr || !same(v, *other)) return false;
    }
    return true;
  }
  if (a.is_array() && b.is_array()) {
    const auto& xa = a.get_array();
    const auto& xb = b.get_array();
    if (xa.size() != xb.size()) return false;
    for (std::size_t i = 0; i < xa.size(); ++i)
      if (!same(xa[i], xb[i])) return false;
    return true;
  }
  return a == b;
}

bool is_prefix(const std::vector<std::string>& prefix, const std::vector<std::string>& path) {
  if (prefix.size() >= path.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (prefix[i] != path[i]) return false;
  return true;
}

struct Op {
  std::string name;
  std::string path;
  std::vector<std::string> tokens;
  std::vector<std::string> from_tokens;
  const json::value* value = nullptr;
};

Result<std::vector<Op>> decode(const json::value& patch) {
  const auto* ops = patch.if_array();
  if (ops == nullptr)
    return bad_request("json: cannot unmarshal into Go value of type jsonpatch.Patch: patch is not an array");
  std::vector<Op> out;
  for (std::size_t i = 0; i < ops->size(); ++i) {
    const auto* obj = (*ops)[i].if_object();
    std::string where = "operation " + std::to_string(i);
    if (obj == nullptr) return bad_request(where + " is not an object");
    Op op;
    const auto* name = obj->if_contains("op");
    if (name == nullptr || !name->is_string()) return bad_request(where + ": missing \"op\"");
    op.name = std::string(name->as_string());
    if (op.name != "add" && op.name != "remove" && op.name != "replace" && op.name != "move" &&
        op.name != "copy" && op.name != "test")
      return bad_request(where + ": unexpected kind of operation \"" + op.name + "\"");
    const auto* path = obj->if_contains("path");
    if (path == nullptr || !path->is_string())
      return bad_request(where + " (" + op.name + "): missing \"path\"");
    op.path = std::string(path->as_string());
    auto tokens = parse_json_pointer(op.path);
    if (!tokens) return bad_request(where + " (" + op.name + "): " + tokens.error().message);
    op.tokens = std::move(*tokens);
    if (op.name == "add" || op.name == "replace" || op.name == "test") {
      op.value = obj->if_contains("value");
      if (op.value == nullptr)
        return bad_request(where + " (" + op.name + " \"" + op.path + "\"): missing \"value\"");
    }
    if (op.name == "move" || op.name == "copy") {
      const auto* from = obj->if_contains("from");
      if (from == nullptr || !from->is_string())
        return bad_request(where + " (" + op.name + " \"" + op.path + "\"): missing \"from\"");
      auto from_tokens = parse_json_pointer(from->as_string());
      if (!from_tokens) return bad_request(where + " (" + op.name + "): " + from_tokens.error().message);
      op.from_tokens = std::move(*from_tokens);
    }
    out.push_back(std::move(op));
  }
  return out;
}

}  // namespace

Result<json::value> apply_json_patch(const json::value& target, const json::value& patch) {
  auto ops = decode(patch);
  if (!ops) return ops.error();
  json::value doc = target;
  for (std::size_t i = 0; i < ops->size(); ++i) {
    const Op& op = (*ops)[i];
    auto fail = [&](std::string_view why) { return apply_failure(i, op.name, op.path, why); };
    if (op.name == "add") {
      if (auto err = add_at(doc, op.tokens, *op.value); !err.empty()) return fail(err);
    } else if (op.name == "remove") {
      if (!remove_at(doc, op.tokens)) return fail("doc is missing path");
    } else if (op.name == "replace") {
      json::value* at = find(doc, op.tokens);
      if (at == nullptr) return fail("doc is missing path");
      *at = *op.value;
    } else if (op.name == "test") {
      json::value* at = find(doc, op.tokens);
      // A missing path only equals an explicit null (the common jsonpatch behaviour kubectl sees).
      bool equal = at == nullptr ? op.value->is_null() : same(*at, *op.value);
      if (!equal) return fail("test failed");
    } else if (op.name == "copy") {
      json::value* from = find(doc, op.from_tokens);
      if (from == nullptr) return fail("doc is missing from path");
      json::value copy = *from;
      if (auto err = add_at(doc, op.tokens, std::move(copy)); !err.empty()) return fail(err);
    } else {  // move
      if (is_prefix(op.from_tokens, op.tokens)) return fail("cannot move a value into one of its children");
      if (op.from_tokens == op.tokens) {
        if (find(doc, op.tokens) == nullptr) return fail("doc is missing from path");
        continue;
      }
      auto moved = remove_at(doc, op.from_tokens);
      if (!moved) return fail("doc is missing from path");
      if (auto err = add_at(doc, op.tokens, std::move(*moved)); !err.empty()) return fail(err);
    }
  }
  return doc;
}

}  // namespace kubesim::apimachinery
