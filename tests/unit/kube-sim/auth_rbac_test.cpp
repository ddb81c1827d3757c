// The RBAC authorizer rule by rule: verbs, API groups, resources and subresources, resourceNames,
// nonResourceURLs, RoleBinding vs ClusterRoleBinding scope, User / Group / ServiceAccount subjects,
// the reasons it gives and the denial's wording.
#include <gtest/gtest.h>

#include <map>

#include "auth/rbac_authorizer.hpp"

namespace kubesim::auth {
namespace {
namespace json = boost::json;

class FakePolicy : public PolicySource {
 public:
  std::vector<const json::object*> cluster_role_bindings() const override { return ptrs(crbs); }
  std::vector<const json::object*> role_bindings(const std::string& ns) const override {
    std::vector<const json::object*> out;
    for (const auto& b : rbs)
      if (b.at("metadata").at("namespace") == json::value(ns)) out.push_back(&b);
    return out;
  }
  const json::object* cluster_role(const std::string& name) const override {
    auto it = cluster_roles.find(name);
    return it == cluster_roles.end() ? nullptr : &it->second;
  }
  const json::object* role(const std::string& ns, const std::string& name) const override {
    auto it = roles.find(ns + "/" + name);
    return it == roles.end() ? nullptr : &it->second;
  }

  void cluster_role(const std::string& name, const char* rules_json) {
    cluster_roles[name] = json::object{{"metadata", {{"name", name}}}, {"rules", json::parse(rules_json)}};
  }
  void role(const std::string& ns, const std::string& name, const char* rules_json) {
    roles[ns + "/" + name] =
        json::object{{"metadata", {{"name", name}, {"namespace", ns}}}, {"rules", json::parse(rules_json)}};
  }
  void cluster_binding(const std::string& name, const std::string& role, const char* subjects_json) {
    crbs.push_back(json::object{{"metadata", {{"name", name}}},
                                {"roleRef", {{"kind", "ClusterRole"}, {"name", role}}},
                                {"subjects", json::parse(subjects_json)}});
  }
  void binding(const std::string& ns, const std::string& name, const std::string& kind,
               const std::string& role, const char* subjects_json) {
    rbs.push_back(json::object{{"metadata", {{"name", name}, {"namespace", ns}}},
                               {"roleRef", {{"kind", kind}, {"name", role}}},
                               {"subjects", json::parse(subjects_json)}});
  }

  std::map<std::string, json::object> cluster_roles, roles;
  std::vector<json::object> crbs, rbs;

 private:
  static std::vector<const json::object*> ptrs(const std::vector<json::object>& v) {
    std::vector<const json::object*> out;
    for (const auto& o : v) out.push_back(&o);
    return out;
  }
};

const UserInfo kSa = service_account_user("ops", "ctl", "uid-1");

RequestAttributes req(const std::string& verb, const std::string& group, const std::string& resource,
                      const std::string& ns = "demo", const std::string& name = "",
                      const std::string& sub = "", const UserInfo& user = kSa) {
  RequestAttributes a;
  a.user = user;
  a.resource_request = true;
  a.verb = verb;
  a.api_group = group;
  a.api_version = "v1";
  a.resource = resource;
  a.ns = ns;
  a.name = name;
  a.subresource = sub;
  return a;
}

RequestAttributes path_req(const std::string& verb, const std::string& path, const UserInfo& user = kSa) {
  RequestAttributes a;
  a.user = user;
  a.verb = verb;
  a.path = path;
  return a;
}

PolicyRule rule(const char* j) { return PolicyRule::from_json(json::parse(j).as_object()); }

TEST(RbacRules, Verbs) {
  auto r = rule(R"({"apiGroups":["apps"],"resources":["deployments"],"verbs":["get","patch"]})");
  EXPECT_TRUE(rule_allows(req("get", "apps", "deployments"), r));
  EXPECT_TRUE(rule_allows(req("patch", "apps", "deployments", "demo", "web"), r));
  EXPECT_FALSE(rule_allows(req("update", "apps", "deployments", "demo", "web"), r));
  EXPECT_FALSE(rule_allows(req("list", "apps", "deployments"), r));
  EXPECT_TRUE(rule_allows(req("deletecollection", "apps", "deployments"),
                          rule(R"({"apiGroups":["apps"],"resources":["deployments"],"verbs":["*"]})")));
}

TEST(RbacRules, ApiGroups) {
  auto r = rule(R"({"apiGroups":[""],"resources":["pods"],"verbs":["get"]})");
  EXPECT_TRUE(rule_allows(req("get", "", "pods"), r));
  EXPECT_FALSE(rule_allows(req("get", "apps", "pods"), r));
  EXPECT_TRUE(rule_allows(req("get", "metrics.k8s.io", "pods"),
                          rule(R"({"apiGroups":["*"],"resources":["pods"],"verbs":["get"]})")));
  EXPECT_FALSE(rule_allows(req("get", "", "pods"), rule(R"({"resources":["pods"],"verbs":["get"]})")));
}

TEST(RbacRules, ResourcesAndSubresources) {
  auto status =
      rule(R"({"apiGroups":["rollguard.io"],"resources":["rollbackpolicies/status"],"verbs":["patch"]})");
  EXPECT_TRUE(rule_allows(req("patch", "rollguard.io", "rollbackpolicies", "demo", "web", "status"), status));
  EXPECT_FALSE(rule_allows(req("patch", "rollguard.io", "rollbackpolicies", "demo", "web"), status));

  auto whole = rule(R"({"apiGroups":["apps"],"resources":["deployments"],"verbs":["patch"]})");
  EXPECT_FALSE(rule_allows(req("patch", "apps", "deployments", "demo", "web", "scale"), whole))
      << "a resource does not grant its subresources";

  auto any_scale = rule(R"({"apiGroups":["*"],"resources":["*/scale"],"verbs":["update"]})");
  EXPECT_TRUE(rule_allows(req("update", "apps", "deployments", "demo", "web", "scale"), any_scale));
  EXPECT_TRUE(rule_allows(req("update", "apps", "replicasets", "demo", "web", "scale"), any_scale));
  EXPECT_FALSE(rule_allows(req("update", "apps", "deployments", "demo", "web", "status"), any_scale));
  EXPECT_FALSE(rule_allows(req("update", "apps", "deployments", "demo", "web"), any_scale));

  auto star = rule(R"({"apiGroups":["apps"],"resources":["*"],"verbs":["get"]})");
  EXPECT_TRUE(rule_allows(req("get", "apps", "deployments", "demo", "web", "status"), star));
}

TEST(RbacRules, ResourceNamesNeedANamedRequest) {
  auto r = rule(
      R"({"apiGroups":[""],"resources":["secrets"],"resourceNames":["hook"],"verbs":["get","list","watch","create"]})");
  EXPECT_TRUE(rule_allows(req("get", "", "secrets", "demo", "hook"), r));
  EXPECT_FALSE(rule_allows(req("get", "", "secrets", "demo", "other"), r));
  EXPECT_FALSE(rule_allows(req("list", "", "secrets"), r)) << "a list names no object";
  EXPECT_FALSE(rule_allows(req("create", "", "secrets"), r)) << "a create without a name";
  EXPECT_TRUE(rule_allows(req("watch", "", "secrets", "demo", "hook"), r)) << "watch with fieldSelector name";
}

TEST(RbacRules, NonResourceUrls) {
  auto r = rule(R"({"nonResourceURLs":["/healthz","/apis/*","/metrics**"],"verbs":["get"]})");
  EXPECT_TRUE(rule_allows(path_req("get", "/healthz"), r));
  EXPECT_FALSE(rule_allows(path_req("get", "/healthz/etcd"), r));
  EXPECT_TRUE(rule_allows(path_req("get", "/apis/apps/v1"), r));
  EXPECT_TRUE(rule_allows(path_req("get", "/apis/"), r));
  EXPECT_FALSE(rule_allows(path_req("get", "/apis"), r));
  EXPECT_TRUE(rule_allows(path_req("get", "/metrics/slis"), r));
  EXPECT_FALSE(rule_allows(path_req("post", "/healthz"), r));
  EXPECT_TRUE(rule_allows(path_req("post", "/anything"), rule(R"({"nonResourceURLs":["*"],"verbs":["*"]})")));
  // Resource rules never cover paths and the other way round.
  EXPECT_FALSE(rule_allows(path_req("get", "/api/v1/pods"),
                           rule(R"({"apiGroups":["*"],"resources":["*"],"verbs":["*"]})")));
  EXPECT_FALSE(rule_allows(req("get", "", "pods"), rule(R"({"nonResourceURLs":["*"],"verbs":["*"]})")));
}

TEST(RbacAuthorizer, RoleBindingGrantsOnlyInItsNamespace) {
  FakePolicy p;
  p.role("demo", "deployer",
         R"([{"apiGroups":["apps"],"resources":["deployments"],"verbs":["get","patch"]}])");
  p.binding("demo", "deployer", "Role", "deployer",
            R"([{"kind":"ServiceAccount","name":"ctl","namespace":"ops"}])");
  auto d = authorize(p, req("patch", "apps", "deployments", "demo", "web"));
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reason,
            R"(RBAC: allowed by RoleBinding "deployer/demo" of Role "deployer" to ServiceAccount "ctl/ops")");
  EXPECT_FALSE(authorize(p, req("patch", "apps", "deployments", "other", "web")).allowed);
  EXPECT_FALSE(authorize(p, req("list", "apps", "deployments", "")).allowed) << "not across namespaces";
}

TEST(RbacAuthorizer, RoleBindingToAClusterRoleIsStillScopedToItsNamespace) {
  FakePolicy p;
  p.cluster_role("reader", R"([{"apiGroups":[""],"resources":["pods"],"verbs":["list"]}])");
  p.binding("demo", "read", "ClusterRole", "reader",
            R"([{"kind":"ServiceAccount","name":"ctl","namespace":"ops"}])");
  EXPECT_TRUE(authorize(p, req("list", "", "pods", "demo")).allowed);
  EXPECT_FALSE(authorize(p, req("list", "", "pods", "other")).allowed);
  EXPECT_FALSE(authorize(p, req("list", "", "pods", "")).allowed);
}

TEST(RbacAuthorizer, ClusterRoleBindingGrantsEverywhere) {
  FakePolicy p;
  p.cluster_role("reader", R"([{"apiGroups":[""],"resources":["pods"],"verbs":["list"]}])");
  p.cluster_binding("read", "reader", R"([{"kind":"ServiceAccount","name":"ctl","namespace":"ops"}])");
  EXPECT_TRUE(authorize(p, req("list", "", "pods", "demo")).allowed);
  auto all = authorize(p, req("list", "", "pods", ""));
  EXPECT_TRUE(all.allowed);
  EXPECT_EQ(
      all.reason,
      R"(RBAC: allowed by ClusterRoleBinding "read" of ClusterRole "reader" to ServiceAccount "ctl/ops")");
}

TEST(RbacAuthorizer, Subjects) {
  FakePolicy p;
  p.cluster_role("reader", R"([{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}])");
  p.binding("demo", "alice", "ClusterRole", "reader", R"([{"kind":"User","name":"alice"}])");
  p.binding("demo", "ops-sas", "ClusterRole", "reader",
            R"([{"kind":"Group","name":"system:serviceaccounts:ops"}])");
  // A RoleBinding's ServiceAccount subject without a namespace is one of the binding's namespace.
  p.binding("demo", "local", "ClusterRole", "reader", R"([{"kind":"ServiceAccount","name":"app"}])");
  const UserInfo alice{"alice", "", {"system:authenticated"}};
  const UserInfo bob{"bob", "", {"system:authenticated"}};
  EXPECT_TRUE(authorize(p, req("get", "", "pods", "demo", "x", "", alice)).allowed);
  EXPECT_FALSE(authorize(p, req("get", "", "pods", "demo", "x", "", bob)).allowed);
  auto by_group = authorize(p, req("get", "", "pods", "demo", "x"));
  EXPECT_TRUE(by_group.allowed);
  EXPECT_EQ(
      by_group.reason,
      R"(RBAC: allowed by RoleBinding "ops-sas/demo" of ClusterRole "reader" to Group "system:serviceaccounts:ops")");
  EXPECT_TRUE(authorize(p, req("get", "", "pods", "demo", "x", "", service_account_user("demo", "app", "u")))
                  .allowed);
  EXPECT_FALSE(
      authorize(p, req("get", "", "pods", "demo", "x", "", service_account_user("other", "app", "u")))
          .allowed);
  // A user merely named like a ServiceAccount is one only if the name matches exactly.
  EXPECT_FALSE(authorize(p, req("get", "", "pods", "demo", "x", "",
                                UserInfo{"system:serviceaccount:demo:app2", "", {}}))
                   .allowed);
}

TEST(RbacAuthorizer, ClusterRoleBindingToAServiceAccountNeedsItsNamespace) {
  FakePolicy p;
  p.cluster_role("reader", R"([{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}])");
  p.cluster_binding("read", "reader", R"([{"kind":"ServiceAccount","name":"ctl"}])");
  EXPECT_FALSE(authorize(p, req("get", "", "pods", "demo", "x")).allowed);
}

TEST(RbacAuthorizer, MissingRolesAreTheReasonOfADenial) {
  FakePolicy p;
  p.binding("demo", "b", "Role", "gone", R"([{"kind":"ServiceAccount","name":"ctl","namespace":"ops"}])");
  auto d = authorize(p, req("get", "", "pods", "demo", "x"));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, R"(RBAC: role.rbac.authorization.k8s.io "gone" not found)");
  // A ClusterRoleBinding cannot point at a (namespaced) Role.
  FakePolicy q;
  q.role("demo", "r", R"([{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}])");
  q.crbs.push_back(
      json::object{{"metadata", {{"name", "x"}}},
                   {"roleRef", {{"kind", "Role"}, {"name", "r"}}},
                   {"subjects", json::parse(R"([{"kind":"User","name":"system:serviceaccount:ops:ctl"}])")}});
  EXPECT_FALSE(authorize(q, req("get", "", "pods", "demo", "x")).allowed);
  // Nothing bound at all: no reason, as upstream.
  EXPECT_EQ(authorize(FakePolicy{}, req("get", "", "pods")).reason, "");
}

TEST(RbacAuthorizer, RulesForListsWhatIsGrantedInANamespace) {
  FakePolicy p;
  p.cluster_role("reader", R"([{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}])");
  p.role("demo", "w", R"([{"apiGroups":["apps"],"resources":["deployments"],"verbs":["patch"]}])");
  p.cluster_binding("read", "reader", R"([{"kind":"Group","name":"system:authenticated"}])");
  p.binding("demo", "w", "Role", "w", R"([{"kind":"ServiceAccount","name":"ctl","namespace":"ops"}])");
  std::vector<std::string> errors;
  EXPECT_EQ(rules_for(p, kSa, "demo", errors).size(), 2u);
  EXPECT_EQ(rules_for(p, kSa, "other", errors).size(), 1u);
  EXPECT_TRUE(errors.empty());
}

TEST(RbacAuthorizer, ForbiddenMessageIsWordedAsTheApiServerWordsIt) {
  EXPECT_EQ(
      forbidden_message(req("patch", "apps", "deployments", "demo", "web")),
      R"(User "system:serviceaccount:ops:ctl" cannot patch resource "deployments" in API group "apps" in the namespace "demo")");
  EXPECT_EQ(
      forbidden_message(req("list", "", "nodes", "")),
      R"(User "system:serviceaccount:ops:ctl" cannot list resource "nodes" in API group "" at the cluster scope)");
  EXPECT_EQ(
      forbidden_message(req("update", "rollguard.io", "rollbackpolicies", "demo", "p", "status")),
      R"(User "system:serviceaccount:ops:ctl" cannot update resource "rollbackpolicies/status" in API group "rollguard.io" in the namespace "demo")");
  EXPECT_EQ(forbidden_message(path_req("get", "/metrics")),
            R"(User "system:serviceaccount:ops:ctl" cannot get path "/metrics")");
}

}  // namespace
}  // namespace kubesim::auth
