#include "json_util.hpp"

#include <algorithm>
#include <vector>

namespace kubesim::cluster {
namespace json = boost::json;

const json::value* at_path(const json::object& o, std::initializer_list<std::string_view> path) {
  const json::object* cur = &o;
  const json::value* v = nullptr;
  for (auto key : path) {
    if (!cur) return nullptr;
    v = cur->if_contains(key);
    if (!v) return nullptr;
    cur = v->if_object();
  }
  return v;
}

std::int64_t int_at(const json::object& o, std::initializer_list<std::string_view> path,
                    std::int64_t fallback) {
  const auto* v = at_path(o, path);
  if (!v) return fallback;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->as_double());
  return fallback;
}

std::string str_at(const json::object& o, std::initializer_list<std::string_view> path) {
  const auto* v = at_path(o, path);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool bool_at(const json::object& o, std::initializer_list<std::string_view> path) {
  const auto* v = at_path(o, path);
  return v && v->is_bool() && v->as_bool();
}

json::object obj_at(const json::object& o, std::initializer_list<std::string_view> path) {
  const auto* v = at_path(o, path);
  return v && v->is_object() ? v->as_object() : json::object{};
}

namespace {
const json::object* controller_ref(const json::object& o) {
  const auto* refs = at_path(o, {"metadata", "ownerReferences"});
  if (!refs || !refs->is_array()) return nullptr;
  for (const auto& r : refs->as_array()) {
    const auto* ro = r.if_object();
    if (ro && bool_at(*ro, {"controller"})) return ro;
  }
  return nullptr;
}
}  // namespace

std::string controller_uid(const json::object& o) {
  const auto* ref = controller_ref(o);
  return ref ? str_at(*ref, {"uid"}) : std::string();
}

std::string controller_name(const json::object& o, std::string_view kind) {
  const auto* ref = controller_ref(o);
  return ref && str_at(*ref, {"kind"}) == kind ? str_at(*ref, {"name"}) : std::string();
}

std::string canonical_json(const json::value& v) {
  if (const auto* o = v.if_object()) {
    std::vector<std::pair<std::string_view, const json::value*>> items;
    for (const auto& kv : *o) items.emplace_back(kv.key(), &kv.value());
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) out += ',';
      out += json::serialize(json::string(items[i].first));
      out += ':';
      out += canonical_json(*items[i].second);
    }
    return out + "}";
  }
  if (const auto* a = v.if_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (i) out += ',';
      out += canonical_json((*a)[i]);
    }
    return out + "]";
  }
  return json::serialize(v);
}

}  // namespace kubesim::cluster
