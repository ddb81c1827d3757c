#include "apimachinery/builtin_openapi.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "apimachinery/openapi_dsl.hpp"

namespace kubesim::apimachinery {
namespace {

namespace json = boost::json;

void collect_refs(const json::value& v, std::set<std::string>& out) {
  if (const auto* o = v.if_object()) {
    for (const auto& [k, c] : *o) {
      if (k == "$ref" && c.is_string()) {
        constexpr std::string_view prefix = "#/components/schemas/";
        std::string_view r = c.get_string();
        if (r.starts_with(prefix)) out.emplace(r.substr(prefix.size()));
      } else {
        collect_refs(c, out);
      }
    }
  } else if (const auto* a = v.if_array()) {
    for (const auto& c : *a) collect_refs(c, out);
  }
}

}  // namespace

const json::object& builtin_openapi_schemas() {
  static const json::object schemas = [] {
    json::object out;
    openapi::add_meta_and_core_schemas(out);
    openapi::add_workload_schemas(out);
    openapi::add_install_schemas(out);
    return out;
  }();
  return schemas;
}

std::vector<std::string> builtin_openapi_components_for(std::string_view group_version) {
  static const std::map<std::string, std::vector<std::string>, std::less<>> kinds = {
      {"v1",
       {"io.k8s.api.core.v1.Namespace", "io.k8s.api.core.v1.Pod", "io.k8s.api.core.v1.Service",
        "io.k8s.api.core.v1.ConfigMap", "io.k8s.api.core.v1.Secret", "io.k8s.api.core.v1.Event",
        "io.k8s.api.core.v1.ServiceAccount"}},
      {"apps/v1", {"io.k8s.api.apps.v1.Deployment", "io.k8s.api.apps.v1.ReplicaSet"}},
      {"batch/v1", {"io.k8s.api.batch.v1.Job"}},
      {"coordination.k8s.io/v1", {"io.k8s.api.coordination.v1.Lease"}},
      {"events.k8s.io/v1", {"io.k8s.api.events.v1.Event"}},
      {"rbac.authorization.k8s.io/v1",
       {"io.k8s.api.rbac.v1.Role", "io.k8s.api.rbac.v1.ClusterRole", "io.k8s.api.rbac.v1.RoleBinding",
        "io.k8s.api.rbac.v1.ClusterRoleBinding"}},
      {"policy/v1", {"io.k8s.api.policy.v1.PodDisruptionBudget"}},
      {"networking.k8s.io/v1", {"io.k8s.api.networking.v1.NetworkPolicy"}},
      {"apiextensions.k8s.io/v1",
       {"io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition"}}};
  auto it = kinds.find(group_version);
  if (it == kinds.end()) return {};
  const auto& schemas = builtin_openapi_schemas();
  std::set<std::string> seen;
  std::vector<std::string> todo = it->second;
  std::vector<std::string> out;
  while (!todo.empty()) {
    std::string name = std::move(todo.back());
    todo.pop_back();
    if (!seen.insert(name).second) continue;
    out.push_back(name);
    const auto* schema = schemas.if_contains(name);
    if (schema == nullptr) continue;
    std::set<std::string> refs;
    collect_refs(*schema, refs);
    for (const auto& r : refs)
      if (!seen.contains(r)) todo.push_back(r);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace kubesim::apimachinery
