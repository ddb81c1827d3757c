#pragma once
// Read accessors for metav1.ObjectMeta on an untyped object (the apimachinery meta.Accessor idea):
// one place that knows where name, namespace, uid, resourceVersion, generation, labels, annotations
// and ownerReferences live, so nothing else re-implements `if_contains("metadata")`.
// Every accessor tolerates a missing or mistyped field (a watch or a user can send anything) and
// answers with an empty value, never an exception. Views point into `object`: keep it alive.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rollguard::kube {

// metav1.OwnerReference.
struct OwnerReference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  bool controller = false;
  bool block_owner_deletion = false;
  // "apps/v1" -> "apps", "v1" -> "" (the core group).
  std::string_view group() const;
};

namespace meta {

// metadata as an object; nullptr when absent or not an object.
const boost::json::object* metadata(const boost::json::object& object);

std::string_view name(const boost::json::object& object);
std::string_view namespace_of(const boost::json::object& object);
std::string_view uid(const boost::json::object& object);
std::string_view resource_version(const boost::json::object& object);
// metadata.generation; 0 when absent (the API server starts at 1 for objects that track it).
std::int64_t generation(const boost::json::object& object);
std::string_view api_version(const boost::json::object& object);
std::string_view kind(const boost::json::object& object);

// metadata.labels / metadata.annotations; nullptr when absent.
const boost::json::object* labels(const boost::json::object& object);
const boost::json::object* annotations(const boost::json::object& object);
// One label / annotation value; nullopt when absent or not a string.
std::optional<std::string_view> label(const boost::json::object& object, std::string_view key);
std::optional<std::string_view> annotation(const boost::json::object& object, std::string_view key);

std::vector<OwnerReference> owner_references(const boost::json::object& object);
// The ownerReference with controller: true, if any (metav1.GetControllerOf).
std::optional<OwnerReference> controller_of(const boost::json::object& object);

// Whether deletionTimestamp is set (the object is being deleted, finalizers pending).
bool is_being_deleted(const boost::json::object& object);

}  // namespace meta
}  // namespace rollguard::kube
