#include <algorithm>
#include <tuple>

#include "resource_type.hpp"

namespace kubesim {

namespace {
ResourceType builtin(std::string group, std::string version, std::string resource, std::string singular,
                     std::string kind, bool namespaced, std::vector<std::string> short_names, bool has_status,
                     std::vector<std::string> categories = {}) {
  ResourceType t;
  t.group = std::move(group);
  t.version = std::move(version);
  t.resource = std::move(resource);
  t.singular = std::move(singular);
  t.list_kind = kind + "List";
  t.kind = std::move(kind);
  t.namespaced = namespaced;
  t.short_names = std::move(short_names);
  t.has_status = has_status;
  t.categories = std::move(categories);
  return t;
}
}  // namespace

Registry::Registry() {
  add(builtin("", "v1", "namespaces", "namespace", "Namespace", false, {"ns"}, true));
  add(builtin("", "v1", "events", "event", "Event", true, {"ev"}, false));
  add(builtin("", "v1", "secrets", "secret", "Secret", true, {}, false));
  add(builtin("", "v1", "configmaps", "configmap", "ConfigMap", true, {"cm"}, false));
  add(builtin("", "v1", "services", "service", "Service", true, {"svc"}, true, {"all"}));
  add(builtin("", "v1", "pods", "pod", "Pod", true, {"po"}, true, {"all"}));
  add(builtin("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, {"sa"}, false));
  auto deploy =
      builtin("apps", "v1", "deployments", "deployment", "Deployment", true, {"deploy"}, true, {"all"});
  deploy.has_scale = true;
  add(deploy);
  auto rs = builtin("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, {"rs"}, true, {"all"});
  rs.has_scale = true;
  add(rs);
  add(builtin("batch", "v1", "jobs", "job", "Job", true, {}, true, {"all"}));
  add(builtin("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, {}, false));
  add(builtin("events.k8s.io", "v1", "events", "event", "Event", true, {"ev"}, false));
  // What an operator's install creates (manifests/, a chart).
  const std::string rbac = "rbac.authorization.k8s.io";
  add(builtin(rbac, "v1", "roles", "role", "Role", true, {}, false));
  add(builtin(rbac, "v1", "rolebindings", "rolebinding", "RoleBinding", true, {}, false));
  add(builtin(rbac, "v1", "clusterroles", "clusterrole", "ClusterRole", false, {}, false));
  add(builtin(rbac, "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, {},
              false));
  add(builtin("policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true,
              {"pdb"}, true));
  add(builtin("networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", true,
              {"netpol"}, false));
  // Virtual, create-only resources: nothing is stored, the answer is computed (authorization.cpp).
  for (auto [group, resource, kind] :
       {std::tuple{"authentication.k8s.io", "selfsubjectreviews", "SelfSubjectReview"},
        {"authorization.k8s.io", "selfsubjectaccessreviews", "SelfSubjectAccessReview"},
        {"authorization.k8s.io", "selfsubjectrulesreviews", "SelfSubjectRulesReview"}}) {
    std::string singular(resource);
    singular.pop_back();
    auto review = builtin(group, "v1", resource, singular, kind, false, {}, false);
    review.verbs = {"create"};
    add(review);
  }
  add(builtin("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
              "CustomResourceDefinition", false, {"crd", "crds"}, true, {"api-extensions"}));
}

ResourceTypePtr Registry::find(const std::string& group, const std::string& version,
                               const std::string& resource) const {
  for (const auto& t : types_)
    if (t->group == group && t->version == version && t->resource == resource) return t;
  return nullptr;
}

ResourceTypePtr Registry::find_any_version(const std::string& group, const std::string& resource) const {
  for (const auto& t : types_)
    if (t->group == group && t->resource == resource) return t;
  return nullptr;
}

std::vector<ResourceTypePtr> Registry::in_group_version(const std::string& group,
                                                        const std::string& version) const {
  std::vector<ResourceTypePtr> out;
  for (const auto& t : types_)
    if (t->group == group && t->version == version) out.push_back(t);
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> Registry::groups() const {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& t : types_) {
    if (t->group.empty()) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& g) { return g.first == t->group; });
    if (it == out.end()) {
      out.push_back({t->group, {t->version}});
    } else if (std::find(it->second.begin(), it->second.end(), t->version) == it->second.end()) {
      it->second.push_back(t->version);
    }
  }
  return out;
}

std::vector<ResourceTypePtr> Registry::all() const { return types_; }

void Registry::add(ResourceType type) {
  std::erase_if(types_, [&](const ResourceTypePtr& t) {
    return t->group == type.group && t->version == type.version && t->resource == type.resource;
  });
  types_.push_back(std::make_shared<const ResourceType>(std::move(type)));
  ++generation_;
}

void Registry::remove_crd(const std::string& crd_name) {
  std::erase_if(types_, [&](const ResourceTypePtr& t) { return t->crd_name == crd_name; });
  ++generation_;
}

}  // namespace kubesim
