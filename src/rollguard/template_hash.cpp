#include "rollguard/template_hash.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <cstdint>
#include <string_view>
#include <vector>

#include "rollguard/kube_names.hpp"

namespace rollguard {

namespace {

namespace json = boost::json;

struct Fnv1a {
  std::uint64_t state = 14695981039346656037ull;
  void add(char c) {
    state ^= static_cast<unsigned char>(c);
    state *= 1099511628211ull;
  }
  void add(std::string_view bytes) {
    for (char c : bytes) add(c);
  }
  // The string as Boost.JSON serializes it, without building that text (the hash runs for every
  // ReplicaSet of every observed Deployment).
  void add_json_string(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    add('"');
    for (char c : text) {
      switch (c) {
        case '"':
          add("\\\"");
          break;
        case '\\':
          add("\\\\");
          break;
        case '\b':
          add("\\b");
          break;
        case '\f':
          add("\\f");
          break;
        case '\n':
          add("\\n");
          break;
        case '\r':
          add("\\r");
          break;
        case '\t':
          add("\\t");
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            add("\\u00");
            add(kHex[(c >> 4) & 0xf]);
            add(kHex[c & 0xf]);
          } else {
            add(c);
          }
      }
    }
    add('"');
  }
};

// `path` is "metadata" or "metadata.labels" on the way to the label, empty everywhere else.
void hash_value(const json::value& value, Fnv1a& h, int depth, std::string_view path);

void hash_object(const json::object& object, Fnv1a& h, int depth, std::string_view path) {
  std::vector<const json::key_value_pair*> members;
  members.reserve(object.size());
  for (auto& kv : object) {
    if (path == "metadata.labels" && kv.key() == kPodTemplateHashLabel) continue;
    members.push_back(&kv);
  }
  std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
  h.add("{");
  bool first = true;
  for (auto* kv : members) {
    if (!first) h.add(",");
    first = false;
    h.add_json_string(kv->key());
    h.add(":");
    // Only the path from the template root to the labels matters; deeper paths need no tracking.
    // A view of a literal: no allocation per member, and GCC 12 at -O3 reported a false
    // -Wstringop-overread on the std::string this used to be.
    std::string_view child;
    if (depth == 0 && kv->key() == "metadata") child = "metadata";
    if (depth == 1 && path == "metadata" && kv->key() == "labels") child = "metadata.labels";
    hash_value(kv->value(), h, depth + 1, child);
  }
  h.add("}");
}

void hash_value(const json::value& value, Fnv1a& h, int depth, std::string_view path) {
  if (value.is_object()) return hash_object(value.get_object(), h, depth, path);
  if (value.is_array()) {
    h.add("[");
    bool first = true;
    for (auto& item : value.get_array()) {
      if (!first) h.add(",");
      first = false;
      hash_value(item, h, depth + 1, {});
    }
    h.add("]");
    return;
  }
  if (value.is_string()) return h.add_json_string(value.get_string());
  if (value.is_int64() || value.is_uint64()) {
    char buffer[24];
    auto end = value.is_int64() ? std::to_chars(buffer, buffer + sizeof buffer, value.get_int64()).ptr
                                : std::to_chars(buffer, buffer + sizeof buffer, value.get_uint64()).ptr;
    return h.add(std::string_view(buffer, end - buffer));
  }
  h.add(json::serialize(value));  // bool, null, double: rare in a pod template
}

}  // namespace

std::string template_hash(const boost::json::object& pod_template) {
  Fnv1a h;
  hash_object(pod_template, h, 0, {});
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[i] = kHex[h.state & 0xf];
    h.state >>= 4;
  }
  return out;
}

}  // namespace rollguard
