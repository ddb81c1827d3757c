#include "kube/resource.hpp"

namespace rollguard::kube {

std::string ResourceDescriptor::api_version() const {
  return group.empty() ? version : group + "/" + version;
}

std::string ResourceDescriptor::group_version_path() const {
  return group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
}

std::string ResourceDescriptor::qualified_name() const {
  return group.empty() ? plural : plural + "." + group;
}

ResourceDescriptor ResourceDescriptor::namespaces() { return {"", "v1", "namespaces", "Namespace", false}; }
ResourceDescriptor ResourceDescriptor::pods() { return {"", "v1", "pods", "Pod", true}; }
ResourceDescriptor ResourceDescriptor::secrets() { return {"", "v1", "secrets", "Secret", true}; }
ResourceDescriptor ResourceDescriptor::config_maps() { return {"", "v1", "configmaps", "ConfigMap", true}; }
ResourceDescriptor ResourceDescriptor::services() { return {"", "v1", "services", "Service", true}; }
ResourceDescriptor ResourceDescriptor::core_events() { return {"", "v1", "events", "Event", true}; }
ResourceDescriptor ResourceDescriptor::events() { return {"events.k8s.io", "v1", "events", "Event", true}; }
ResourceDescriptor ResourceDescriptor::deployments() {
  return {"apps", "v1", "deployments", "Deployment", true};
}
ResourceDescriptor ResourceDescriptor::replica_sets() {
  return {"apps", "v1", "replicasets", "ReplicaSet", true};
}
ResourceDescriptor ResourceDescriptor::jobs() { return {"batch", "v1", "jobs", "Job", true}; }
ResourceDescriptor ResourceDescriptor::leases() {
  return {"coordination.k8s.io", "v1", "leases", "Lease", true};
}
ResourceDescriptor ResourceDescriptor::custom_resource_definitions() {
  return {"apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false};
}
ResourceDescriptor ResourceDescriptor::rollback_policies() {
  return {"rollguard.io", "v1alpha1", "rollbackpolicies", "RollbackPolicy", true};
}

}  // namespace rollguard::kube
