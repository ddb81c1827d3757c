// What the server knows about one REST resource: the facts discovery publishes (names, kind,
// verbs, short names, categories, subresources) plus, for CRD-defined resources, the schema and
// printer columns of the served version.
#pragma once

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kubesim {

struct ResourceType {
  std::string group;  // "" for the legacy core group
  std::string version;
  std::string resource;  // plural, lower case
  std::string singular;
  std::string kind;
  std::string list_kind;
  bool namespaced = true;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  bool has_status = false;
  bool has_scale = false;
  // Discovery's verbs; empty = every verb of a stored resource. The reviews are create-only.
  std::vector<std::string> verbs;
  // CRD-only facts (empty for built-ins).
  std::string crd_name;
  std::optional<boost::json::value> schema;  // openAPIV3Schema of this version
  boost::json::array printer_columns;        // additionalPrinterColumns of this version
  bool preserve_unknown_fields = false;      // whole object is x-kubernetes-preserve-unknown-fields
  // Scale subresource paths for CRDs (JSONPaths like .spec.replicas).
  std::string scale_spec_path, scale_status_path;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  std::string group_resource() const { return group.empty() ? resource : resource + "." + group; }
};

using ResourceTypePtr = std::shared_ptr<const ResourceType>;

// All served resources. Built-ins are registered at start; a CRD's versions are added when the CRD
// is created and removed when it is deleted, so discovery follows the CRD's lifetime.
class Registry {
 public:
  Registry();

  ResourceTypePtr find(const std::string& group, const std::string& version,
                       const std::string& resource) const;
  // Any served version of a group/resource (storage is version-independent).
  ResourceTypePtr find_any_version(const std::string& group, const std::string& resource) const;
  std::vector<ResourceTypePtr> in_group_version(const std::string& group, const std::string& version) const;
  // Groups (excluding core) with their versions, preferred (first) version first.
  std::vector<std::pair<std::string, std::vector<std::string>>> groups() const;
  std::vector<ResourceTypePtr> all() const;

  void add(ResourceType type);
  void remove_crd(const std::string& crd_name);
  // Bumped on every change, so cached discovery/OpenAPI documents know to rebuild.
  unsigned long generation() const { return generation_; }

 private:
  std::vector<ResourceTypePtr> types_;  // registration order: stable discovery output
  unsigned long generation_ = 0;
};

}  // namespace kubesim
