#pragma once
// A tiny vocabulary to write OpenAPI v3 schemas in C++ (internal to builtin_openapi*.cpp).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <initializer_list>
#include <string>
#include <utility>

namespace kubesim::apimachinery::openapi {

namespace json = boost::json;

inline json::object described(json::object s, std::string_view d) {
  if (!d.empty()) s["description"] = d;
  return s;
}
inline json::object str(std::string_view d = {}) { return described({{"type", "string"}}, d); }
inline json::object time(std::string_view d = {}) {
  return described({{"type", "string"}, {"format", "date-time"}}, d);
}
inline json::object int32(std::string_view d = {}) {
  return described({{"type", "integer"}, {"format", "int32"}}, d);
}
inline json::object int64(std::string_view d = {}) {
  return described({{"type", "integer"}, {"format", "int64"}}, d);
}
inline json::object boolean(std::string_view d = {}) { return described({{"type", "boolean"}}, d); }
inline json::object int_or_string(std::string_view d = {}) {
  return described(
      {{"x-kubernetes-int-or-string", true},
       {"anyOf", json::array{json::object{{"type", "integer"}}, json::object{{"type", "string"}}}}},
      d);
}
inline json::object any_object(std::string_view d = {}) {
  return described({{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}, d);
}
// OpenAPI v3 as the apiserver publishes it: a described reference is wrapped in allOf.
inline json::object schema_ref(std::string_view name, std::string_view d = {}) {
  json::object r{{"$ref", "#/components/schemas/" + std::string(name)}};
  if (d.empty()) return r;
  return described({{"allOf", json::array{r}}}, d);
}
inline json::object array(json::object items, std::string_view d = {}) {
  return described({{"type", "array"}, {"items", std::move(items)}}, d);
}
inline json::object string_map(std::string_view d = {}) {
  return described({{"type", "object"}, {"additionalProperties", json::object{{"type", "string"}}}}, d);
}
// A list merged by key in strategic merge patch and keyed in server-side apply.
inline json::object keyed_list(std::string_view item_ref, std::string_view key, std::string_view d = {}) {
  auto a = array(schema_ref(item_ref), d);
  a["x-kubernetes-patch-merge-key"] = key;
  a["x-kubernetes-patch-strategy"] = "merge";
  a["x-kubernetes-list-type"] = "map";
  a["x-kubernetes-list-map-keys"] = json::array{json::value(key)};
  return a;
}
inline json::object string_set(std::string_view d = {}) {
  auto a = array(str(), d);
  a["x-kubernetes-patch-strategy"] = "merge";
  a["x-kubernetes-list-type"] = "set";
  return a;
}
inline json::object atomic_list(json::object items, std::string_view d = {}) {
  auto a = array(std::move(items), d);
  a["x-kubernetes-list-type"] = "atomic";
  return a;
}

using Props = std::initializer_list<std::pair<std::string_view, json::object>>;

inline json::object object(std::string_view d, Props props,
                           std::initializer_list<std::string_view> required = {}) {
  json::object p;
  for (const auto& [k, v] : props) p[k] = v;
  json::object s{{"type", "object"}, {"properties", std::move(p)}};
  if (required.size() != 0) {
    json::array r;
    for (auto k : required) r.emplace_back(k);
    s["required"] = std::move(r);
  }
  return described(std::move(s), d);
}

// A top-level kind: apiVersion/kind/metadata plus the given properties, and its GVK.
inline json::object kind(std::string_view group, std::string_view version, std::string_view kind_name,
                         std::string_view d, Props props) {
  json::object s = object(d, props);
  auto& p = s["properties"].as_object();
  p["apiVersion"] = str("APIVersion defines the versioned schema of this representation of an object.");
  p["kind"] = str("Kind is a string value representing the REST resource this object represents.");
  p["metadata"] =
      schema_ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "Standard object's metadata.");
  s["x-kubernetes-group-version-kind"] =
      json::array{json::object{{"group", group}, {"kind", kind_name}, {"version", version}}};
  return s;
}

void add_meta_and_core_schemas(json::object& out);
void add_workload_schemas(json::object& out);
void add_install_schemas(json::object& out);

}  // namespace kubesim::apimachinery::openapi
