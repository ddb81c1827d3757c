#include "auth/bootstrap_policy.hpp"

#include <string>

namespace kubesim::auth {
namespace json = boost::json;

namespace {
json::object bootstrap_meta(const std::string& name) {
  return json::object{{"name", name},
                      {"labels", json::object{{"kubernetes.io/bootstrapping", "rbac-defaults"}}},
                      {"annotations", json::object{{"rbac.authorization.kubernetes.io/autoupdate", "true"}}}};
}

json::object cluster_role(const std::string& name, json::array rules) {
  return json::object{{"apiVersion", "rbac.authorization.k8s.io/v1"},
                      {"kind", "ClusterRole"},
                      {"metadata", bootstrap_meta(name)},
                      {"rules", std::move(rules)}};
}

json::object binding(const std::string& name, std::initializer_list<const char*> groups) {
  json::array subjects;
  for (const char* g : groups)
    subjects.push_back(
        json::object{{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Group"}, {"name", g}});
  return json::object{
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "ClusterRoleBinding"},
      {"metadata", bootstrap_meta(name)},
      {"roleRef",
       json::object{{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", name}}},
      {"subjects", std::move(subjects)}};
}
}  // namespace

const BootstrapObjects& bootstrap_policy() {
  static const BootstrapObjects objects = [] {
    BootstrapObjects o;
    o.cluster_roles.push_back(
        cluster_role("cluster-admin",
                     json::array{json::object{{"apiGroups", {"*"}}, {"resources", {"*"}}, {"verbs", {"*"}}},
                                 json::object{{"nonResourceURLs", {"*"}}, {"verbs", {"*"}}}}));
    o.cluster_roles.push_back(cluster_role(
        "system:discovery",
        json::array{json::object{{"nonResourceURLs",
                                  {"/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi",
                                   "/openapi/*", "/readyz", "/version", "/version/"}},
                                 {"verbs", {"get"}}}}));
    o.cluster_roles.push_back(cluster_role(
        "system:basic-user",
        json::array{json::object{{"apiGroups", {"authorization.k8s.io"}},
                                 {"resources", {"selfsubjectaccessreviews", "selfsubjectrulesreviews"}},
                                 {"verbs", {"create"}}},
                    json::object{{"apiGroups", {"authentication.k8s.io"}},
                                 {"resources", {"selfsubjectreviews"}},
                                 {"verbs", {"create"}}}}));
    o.cluster_roles.push_back(
        cluster_role("system:public-info-viewer",
                     json::array{json::object{
                         {"nonResourceURLs", {"/healthz", "/livez", "/readyz", "/version", "/version/"}},
                         {"verbs", {"get"}}}}));
    o.cluster_role_bindings.push_back(binding("cluster-admin", {"system:masters"}));
    o.cluster_role_bindings.push_back(binding("system:discovery", {"system:authenticated"}));
    o.cluster_role_bindings.push_back(binding("system:basic-user", {"system:authenticated"}));
    o.cluster_role_bindings.push_back(
        binding("system:public-info-viewer", {"system:authenticated", "system:unauthenticated"}));
    return o;
  }();
  return objects;
}

}  // namespace kubesim::auth
