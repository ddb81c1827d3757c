// The RBAC authorizer (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac): a request is allowed
// when a rule of a role bound to its user allows it. ClusterRoleBindings grant their ClusterRole
// everywhere; a RoleBinding grants its Role, or a ClusterRole, in its own namespace only.
// Subjects are Users (by name), Groups (by membership) and ServiceAccounts (a RoleBinding's
// subject without a namespace means one in the binding's namespace). Pure: the objects come from
// a PolicySource.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "auth/rbac_rules.hpp"
#include "auth/request_attributes.hpp"

namespace kubesim::auth {

class PolicySource {
 public:
  virtual ~PolicySource() = default;
  virtual std::vector<const boost::json::object*> cluster_role_bindings() const = 0;
  virtual std::vector<const boost::json::object*> role_bindings(const std::string& ns) const = 0;
  virtual const boost::json::object* cluster_role(const std::string& name) const = 0;
  virtual const boost::json::object* role(const std::string& ns, const std::string& name) const = 0;
};

struct Decision {
  bool allowed = false;
  // Allowed: which binding allowed it ("RBAC: allowed by ClusterRoleBinding ..."); denied: the
  // bindings that could not be resolved (a missing role), else empty, as upstream.
  std::string reason;
};

Decision authorize(const PolicySource& source, const RequestAttributes& request);

// Every rule granted to user in ns (cluster-wide ones included); unresolvable bindings in errors.
std::vector<PolicyRule> rules_for(const PolicySource& source, const UserInfo& user, const std::string& ns,
                                  std::vector<std::string>& errors);

// The denial as the API server words it (responsewriters.forbiddenMessage): `User "U" cannot VERB
// resource "R[/SUB]" in API group "G" in the namespace "NS"` (or `at the cluster scope`), or
// `User "U" cannot VERB path "/P"`.
std::string forbidden_message(const RequestAttributes& request);

}  // namespace kubesim::auth
