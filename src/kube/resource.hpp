#pragma once
// A resource kind addressed the way the REST API addresses it: no generated type zoo, objects are
// Boost.JSON values.
#include <string>
#include <string_view>

namespace rollguard::kube {

struct ResourceDescriptor {
  std::string group;    // "" for the core group
  std::string version;  // "v1", "v1alpha1"
  std::string plural;   // "deployments"
  std::string kind;     // "Deployment"
  bool namespaced = true;

  // "apps/v1" or "v1" for the core group.
  std::string api_version() const;
  // "/api/v1" or "/apis/apps/v1".
  std::string group_version_path() const;
  // "deployments.apps", as the API server names it in messages.
  std::string qualified_name() const;

  static ResourceDescriptor namespaces();
  static ResourceDescriptor pods();
  static ResourceDescriptor secrets();
  static ResourceDescriptor config_maps();
  static ResourceDescriptor services();
  static ResourceDescriptor core_events();
  static ResourceDescriptor events();  // events.k8s.io/v1
  static ResourceDescriptor deployments();
  static ResourceDescriptor replica_sets();
  static ResourceDescriptor jobs();
  static ResourceDescriptor leases();
  static ResourceDescriptor custom_resource_definitions();
  static ResourceDescriptor rollback_policies();  // rollguard.io/v1alpha1

  friend bool operator==(const ResourceDescriptor&, const ResourceDescriptor&) = default;
};

}  // namespace rollguard::kube
