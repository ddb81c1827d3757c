#include "kube/object_meta.hpp"

#include <limits>

namespace rollguard::kube {

namespace {

std::string_view string_field(const boost::json::object* object, std::string_view field) {
  if (!object) return {};
  auto* v = object->if_contains(field);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view{};
}

const boost::json::object* object_field(const boost::json::object* object, std::string_view field) {
  if (!object) return nullptr;
  auto* v = object->if_contains(field);
  return v ? v->if_object() : nullptr;
}

std::optional<std::string_view> entry(const boost::json::object* map, std::string_view key) {
  if (!map) return std::nullopt;
  auto* v = map->if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string_view(v->get_string());
}

bool bool_field(const boost::json::object& object, std::string_view field) {
  auto* v = object.if_contains(field);
  return v && v->is_bool() && v->get_bool();
}

}  // namespace

std::string_view OwnerReference::group() const {
  auto slash = std::string_view(api_version).find('/');
  return slash == std::string_view::npos ? std::string_view{}
                                         : std::string_view(api_version).substr(0, slash);
}

namespace meta {

const boost::json::object* metadata(const boost::json::object& object) {
  return object_field(&object, "metadata");
}

std::string_view name(const boost::json::object& object) { return string_field(metadata(object), "name"); }
std::string_view namespace_of(const boost::json::object& object) {
  return string_field(metadata(object), "namespace");
}
std::string_view uid(const boost::json::object& object) { return string_field(metadata(object), "uid"); }
std::string_view resource_version(const boost::json::object& object) {
  return string_field(metadata(object), "resourceVersion");
}

std::int64_t generation(const boost::json::object& object) {
  auto* m = metadata(object);
  auto* v = m ? m->if_contains("generation") : nullptr;
  if (!v) return 0;
  if (v->is_int64()) return v->get_int64();
  // Boost.JSON keeps only numbers above INT64_MAX as uint64: clamp rather than wrap to negative.
  if (v->is_uint64()) return std::numeric_limits<std::int64_t>::max();
  return 0;
}

std::string_view api_version(const boost::json::object& object) {
  return string_field(&object, "apiVersion");
}
std::string_view kind(const boost::json::object& object) { return string_field(&object, "kind"); }

const boost::json::object* labels(const boost::json::object& object) {
  return object_field(metadata(object), "labels");
}
const boost::json::object* annotations(const boost::json::object& object) {
  return object_field(metadata(object), "annotations");
}
std::optional<std::string_view> label(const boost::json::object& object, std::string_view key) {
  return entry(labels(object), key);
}
std::optional<std::string_view> annotation(const boost::json::object& object, std::string_view key) {
  return entry(annotations(object), key);
}

std::vector<OwnerReference> owner_references(const boost::json::object& object) {
  std::vector<OwnerReference> out;
  auto* m = metadata(object);
  auto* refs = m ? m->if_contains("ownerReferences") : nullptr;
  if (!refs || !refs->is_array()) return out;
  for (auto& value : refs->get_array()) {
    auto* ref = value.if_object();
    if (!ref) continue;
    out.push_back(OwnerReference{
        .api_version = std::string(string_field(ref, "apiVersion")),
        .kind = std::string(string_field(ref, "kind")),
        .name = std::string(string_field(ref, "name")),
        .uid = std::string(string_field(ref, "uid")),
        .controller = bool_field(*ref, "controller"),
        .block_owner_deletion = bool_field(*ref, "blockOwnerDeletion"),
    });
  }
  return out;
}

std::optional<OwnerReference> controller_of(const boost::json::object& object) {
  for (auto& ref : owner_references(object)) {
    if (ref.controller) return ref;
  }
  return std::nullopt;
}

bool is_being_deleted(const boost::json::object& object) {
  auto* m = metadata(object);
  auto* v = m ? m->if_contains("deletionTimestamp") : nullptr;
  return v && v->is_string() && !v->get_string().empty();
}

}  // namespace meta
}  // namespace rollguard::kube
