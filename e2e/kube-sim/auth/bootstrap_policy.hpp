// The ClusterRoles and ClusterRoleBindings every cluster is born with (the RBAC bootstrap policy
// of kube-apiserver): cluster-admin for system:masters, and for every authenticated user
// system:discovery (discovery and OpenAPI), system:basic-user (SelfSubjectAccessReview,
// SelfSubjectRulesReview, SelfSubjectReview) and system:public-info-viewer (/version, health).
#pragma once

#include <boost/json.hpp>
#include <vector>

namespace kubesim::auth {

struct BootstrapObjects {
  std::vector<boost::json::object> cluster_roles;
  std::vector<boost::json::object> cluster_role_bindings;
};

const BootstrapObjects& bootstrap_policy();

}  // namespace kubesim::auth
