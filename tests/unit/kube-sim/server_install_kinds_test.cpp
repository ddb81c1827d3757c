// The kinds an operator's install creates (ServiceAccount, Role/ClusterRole and their bindings,
// PodDisruptionBudget, NetworkPolicy): discovery, their OpenAPI v3 documents, a create and the
// server-side tables kubectl prints.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "api_server.hpp"

namespace kubesim {
namespace {
namespace json = boost::json;

class InstallKindsTest : public ::testing::Test {
 protected:
  InstallKindsTest() : api_(io_.get_executor(), ApiServerOptions{}, [this] { return now_; }) {}

  HttpResponse call(const std::string& method, const std::string& path, const std::string& body = {},
                    const std::string& accept = "application/json") {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.content_type = "application/json";
    r.accept = accept;
    r.user_agent = "kubectl/v1.35.2 (linux/amd64)";
    return api_.handle(r);
  }
  void create(const std::string& path, const std::string& body) {
    auto r = call("POST", path, body);
    ASSERT_EQ(r.status, 201u) << r.body;
  }
  json::value table(const std::string& path) {
    auto r = call("GET", path, {}, "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
    EXPECT_EQ(r.status, 200u) << r.body;
    return json::parse(r.body);
  }
  static const json::array& first_row(const json::value& t) {
    return t.at("rows").as_array().at(0).at("cells").as_array();
  }

  boost::asio::io_context io_;
  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::from_time_t(1'700'000'000);
  ApiServer api_;
};

struct Served {
  std::string group_version, resource, kind;
  bool namespaced;
};

TEST_F(InstallKindsTest, DiscoveryAndOpenApiServeEveryInstallKind) {
  const std::vector<Served> kinds = {
      {"v1", "serviceaccounts", "ServiceAccount", true},
      {"rbac.authorization.k8s.io/v1", "roles", "Role", true},
      {"rbac.authorization.k8s.io/v1", "rolebindings", "RoleBinding", true},
      {"rbac.authorization.k8s.io/v1", "clusterroles", "ClusterRole", false},
      {"rbac.authorization.k8s.io/v1", "clusterrolebindings", "ClusterRoleBinding", false},
      {"policy/v1", "poddisruptionbudgets", "PodDisruptionBudget", true},
      {"networking.k8s.io/v1", "networkpolicies", "NetworkPolicy", true},
  };
  for (const auto& k : kinds) {
    const std::string prefix = k.group_version == "v1" ? "/api/" : "/apis/";
    auto discovery = call("GET", prefix + k.group_version);
    ASSERT_EQ(discovery.status, 200u) << k.group_version;
    bool found = false;
    const json::value resources = json::parse(discovery.body);
    for (const auto& r : resources.at("resources").as_array())
      if (r.at("name") == json::value(k.resource)) {
        found = true;
        EXPECT_EQ(r.at("kind"), json::value(k.kind));
        EXPECT_EQ(r.at("namespaced").as_bool(), k.namespaced) << k.resource;
      }
    EXPECT_TRUE(found) << k.resource;
    auto doc = call(
        "GET", "/openapi/v3" + std::string(k.group_version == "v1" ? "/api/" : "/apis/") + k.group_version);
    ASSERT_EQ(doc.status, 200u) << k.group_version;
    bool schema = false;
    const json::value document = json::parse(doc.body);
    for (const auto& kv : document.at("components").at("schemas").as_object())
      if (const auto* gvk = kv.value().as_object().if_contains("x-kubernetes-group-version-kind"))
        schema |= gvk->as_array().at(0).at("kind") == json::value(k.kind);
    EXPECT_TRUE(schema) << k.kind;
  }
}

TEST_F(InstallKindsTest, TablesShowTheColumnsKubectlUsersKnow) {
  create("/api/v1/namespaces/default/serviceaccounts",
         R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"ctl"}})");
  auto sa = table("/api/v1/namespaces/default/serviceaccounts");
  EXPECT_EQ(sa.at("columnDefinitions").as_array().at(1).at("name"), "Secrets");
  EXPECT_EQ(first_row(sa).at(1), 0);

  create("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
         R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding",
                     "metadata":{"name":"ctl"},
                     "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"ctl"},
                     "subjects":[{"kind":"ServiceAccount","name":"ctl","namespace":"default"},
                                 {"kind":"User","name":"alice"}]})");
  const json::value crb_table = table("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings");
  const auto& crb = first_row(crb_table);
  EXPECT_EQ(crb.at(1), "ClusterRole/ctl");
  EXPECT_EQ(crb.at(3), "alice");
  EXPECT_EQ(crb.at(5), "default/ctl");

  create("/apis/policy/v1/namespaces/default/poddisruptionbudgets",
         R"({"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"web"},
                     "spec":{"minAvailable":"50%","selector":{"matchLabels":{"app":"web"}}}})");
  const json::value pdb_table = table("/apis/policy/v1/namespaces/default/poddisruptionbudgets");
  const auto& pdb = first_row(pdb_table);
  EXPECT_EQ(pdb.at(1), "50%");
  EXPECT_EQ(pdb.at(2), "N/A");

  create("/apis/networking.k8s.io/v1/namespaces/default/networkpolicies",
         R"({"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny"},
                     "spec":{"podSelector":{"matchLabels":{"tier":"db","app":"web"}}}})");
  EXPECT_EQ(first_row(table("/apis/networking.k8s.io/v1/namespaces/default/networkpolicies")).at(1),
            "app=web,tier=db");
}

}  // namespace
}  // namespace kubesim
