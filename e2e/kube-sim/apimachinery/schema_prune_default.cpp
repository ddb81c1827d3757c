#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "apimachinery/schema.hpp"

namespace kubesim::apimachinery {
namespace {

namespace json = boost::json;

bool flag(const json::object& schema, std::string_view name) {
  const auto* f = schema.if_contains(name);
  return f && f->is_bool() && f->get_bool();
}

std::string child_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// Pruning (structural schema): drop every field the schema does not specify, except below
// x-kubernetes-preserve-unknown-fields; apiVersion/kind/metadata of the resource and of embedded
// resources are always kept.
void prune(json::value& v, const json::value& schema_value, const std::string& path, bool keep_type_meta,
           std::vector<std::string>& pruned) {
  const auto* schema = schema_value.if_object();
  if (schema == nullptr) return;
  if (auto* arr = v.if_array()) {
    if (const auto* items = schema->if_contains("items"))
      for (std::size_t i = 0; i < arr->size(); ++i)
        prune((*arr)[i], *items, path + "[" + std::to_string(i) + "]", false, pruned);
    return;
  }
  auto* obj = v.if_object();
  if (obj == nullptr) return;
  bool preserve = flag(*schema, "x-kubernetes-preserve-unknown-fields");
  bool embedded = flag(*schema, "x-kubernetes-embedded-resource");
  const auto* props = schema->if_contains("properties");
  const auto* additional = schema->if_contains("additionalProperties");
  for (auto it = obj->begin(); it != obj->end();) {
    std::string_view key = it->key();
    bool type_meta =
        (keep_type_meta || embedded) && (key == "apiVersion" || key == "kind" || key == "metadata");
    const json::value* sub = nullptr;
    if (props && props->is_object()) sub = props->get_object().if_contains(key);
    if (sub == nullptr && additional && additional->is_object()) sub = additional;
    if (type_meta && sub == nullptr) {
      ++it;
      continue;
    }
    if (sub == nullptr && !(additional && additional->is_bool() && additional->get_bool())) {
      if (!preserve) {
        pruned.push_back(child_path(path, key));
        it = obj->stable_erase(it);
        continue;
      }
      ++it;
      continue;
    }
    // metadata of a resource is ObjectMeta, handled by the server, even when the schema names it.
    if (sub && !(type_meta && key == "metadata"))
      prune(it->value(), *sub, child_path(path, key), false, pruned);
    ++it;
  }
}

void defaults(json::value& v, const json::value& schema_value, bool resource_root) {
  const auto* schema = schema_value.if_object();
  if (schema == nullptr) return;
  if (auto* arr = v.if_array()) {
    if (const auto* items = schema->if_contains("items"))
      for (auto& e : *arr) defaults(e, *items, false);
    return;
  }
  auto* obj = v.if_object();
  if (obj == nullptr) return;
  const auto* props = schema->if_contains("properties");
  if (props && props->is_object()) {
    for (const auto& [key, sub_value] : props->get_object()) {
      if (resource_root && key == "metadata") continue;
      const auto* sub = sub_value.if_object();
      if (sub == nullptr) continue;
      const json::value* def = sub->if_contains("default");
      auto it = obj->find(key);
      if (it != obj->end() && it->value().is_null() && !flag(*sub, "nullable")) {
        // A null in a non-nullable field is dropped, then defaulted like a missing one.
        obj->stable_erase(it);
        it = obj->end();
      }
      if (it == obj->end() && def != nullptr) {
        (*obj)[key] = *def;
        it = obj->find(key);
      }
      if (it != obj->end()) defaults(it->value(), sub_value, false);
    }
  }
  if (const auto* additional = schema->if_contains("additionalProperties");
      additional && additional->is_object()) {
    for (auto& [key, value] : *obj)
      if (!(props && props->is_object() && props->get_object().contains(key)))
        defaults(value, *additional, false);
  }
}

}  // namespace

std::vector<std::string> prune_unknown_fields(json::value& value, const json::value& schema,
                                              bool resource_root) {
  std::vector<std::string> pruned;
  prune(value, schema, "", resource_root, pruned);
  return pruned;
}

void apply_schema_defaults(json::value& value, const json::value& schema) { defaults(value, schema, true); }

}  // namespace kubesim::apimachinery
