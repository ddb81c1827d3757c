#include "auth/rbac_authorizer.hpp"

#include <algorithm>
#include <functional>

namespace kubesim::auth {
namespace json = boost::json;

namespace {
std::string str(const json::object& o, const char* field) {
  const auto* v = o.if_contains(field);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
const json::object* obj(const json::object& o, const char* field) {
  const auto* v = o.if_contains(field);
  return v && v->is_object() ? &v->as_object() : nullptr;
}
std::string meta(const json::object& o, const char* field) {
  const auto* m = obj(o, "metadata");
  return m ? str(*m, field) : std::string();
}
std::string quoted(const std::string& s) { return "\"" + s + "\""; }

bool applies_to(const UserInfo& user, const json::object& subject, const std::string& binding_ns) {
  const std::string kind = str(subject, "kind"), name = str(subject, "name");
  if (kind == "User") return user.name == name;
  if (kind == "Group") return std::find(user.groups.begin(), user.groups.end(), name) != user.groups.end();
  if (kind == "ServiceAccount") {
    std::string ns = str(subject, "namespace");
    if (ns.empty()) ns = binding_ns;
    return !ns.empty() && user.name == service_account_username(ns, name);
  }
  return false;
}

std::string describe_subject(const json::object& subject, const std::string& binding_ns) {
  const std::string kind = str(subject, "kind"), name = str(subject, "name");
  if (kind == "ServiceAccount") {
    std::string ns = str(subject, "namespace");
    return kind + " " + quoted(name + "/" + (ns.empty() ? binding_ns : ns));
  }
  return kind + " " + quoted(name);
}

// Visits the rules of every binding that applies to user in ns (cluster bindings first, as
// upstream's VisitRulesFor); the visitor returns false to stop. Unresolvable role references are
// reported once per binding through on_error.
void visit_rules(const PolicySource& source, const UserInfo& user, const std::string& ns,
                 const std::function<bool(const std::string& source_desc, const PolicyRule&)>& visit,
                 const std::function<void(const std::string&)>& on_error) {
  auto walk = [&](const json::object& binding, bool cluster) -> bool {
    const std::string binding_ns = cluster ? std::string() : meta(binding, "namespace");
    const json::object* subject = nullptr;
    if (const auto* subjects = binding.if_contains("subjects"); subjects && subjects->is_array())
      for (const auto& s : subjects->as_array())
        if (s.is_object() && applies_to(user, s.as_object(), binding_ns)) {
          subject = &s.as_object();
          break;
        }
    if (!subject) return true;
    const json::object* ref = obj(binding, "roleRef");
    const std::string kind = ref ? str(*ref, "kind") : "", role_name = ref ? str(*ref, "name") : "";
    const json::object* role = nullptr;
    if (kind == "ClusterRole") {
      role = source.cluster_role(role_name);
      if (!role) on_error("clusterrole.rbac.authorization.k8s.io " + quoted(role_name) + " not found");
    } else if (kind == "Role" && !cluster) {
      role = source.role(binding_ns, role_name);
      if (!role) on_error("role.rbac.authorization.k8s.io " + quoted(role_name) + " not found");
    } else {
      on_error("unsupported role reference kind: " + quoted(kind));
    }
    if (!role) return true;
    const std::string desc = cluster ? "ClusterRoleBinding " + quoted(meta(binding, "name")) + " of " + kind +
                                           " " + quoted(role_name) + " to " + describe_subject(*subject, "")
                                     : "RoleBinding " + quoted(meta(binding, "name") + "/" + binding_ns) +
                                           " of " + kind + " " + quoted(role_name) + " to " +
                                           describe_subject(*subject, binding_ns);
    for (const auto& rule : rules_of(*role))
      if (!visit(desc, rule)) return false;
    return true;
  };
  for (const auto* b : source.cluster_role_bindings())
    if (!walk(*b, true)) return;
  if (ns.empty()) return;
  for (const auto* b : source.role_bindings(ns))
    if (!walk(*b, false)) return;
}
}  // namespace

Decision authorize(const PolicySource& source, const RequestAttributes& request) {
  Decision d;
  std::vector<std::string> errors;
  visit_rules(
      source, request.user, request.ns,
      [&](const std::string& desc, const PolicyRule& rule) {
        if (!rule_allows(request, rule)) return true;
        d.allowed = true;
        d.reason = "RBAC: allowed by " + desc;
        return false;
      },
      [&](const std::string& e) { errors.push_back(e); });
  if (!d.allowed && !errors.empty()) {
    d.reason = "RBAC: ";
    if (errors.size() > 1) d.reason += "[";
    for (std::size_t i = 0; i < errors.size(); ++i) d.reason += (i ? ", " : "") + errors[i];
    if (errors.size() > 1) d.reason += "]";
  }
  return d;
}

std::vector<PolicyRule> rules_for(const PolicySource& source, const UserInfo& user, const std::string& ns,
                                  std::vector<std::string>& errors) {
  std::vector<PolicyRule> out;
  visit_rules(
      source, user, ns,
      [&](const std::string&, const PolicyRule& rule) {
        out.push_back(rule);
        return true;
      },
      [&](const std::string& e) { errors.push_back(e); });
  return out;
}

std::string forbidden_message(const RequestAttributes& r) {
  const std::string user = "User " + quoted(r.user.name);
  if (!r.resource_request) return user + " cannot " + r.verb + " path " + quoted(r.path);
  std::string resource = r.resource;
  if (!r.subresource.empty()) resource += "/" + r.subresource;
  std::string out =
      user + " cannot " + r.verb + " resource " + quoted(resource) + " in API group " + quoted(r.api_group);
  return out + (r.ns.empty() ? " at the cluster scope" : " in the namespace " + quoted(r.ns));
}

}  // namespace kubesim::auth
