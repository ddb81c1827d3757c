// Request attributes from method, path and query, as the API server's RequestInfoFactory
// resolves them: what RBAC rules are matched against.
#include <gtest/gtest.h>

#include "auth/request_attributes.hpp"

namespace kubesim::auth {
namespace {

RequestAttributes resolve(const std::string& method, const std::string& path,
                          std::map<std::string, std::string> query = {}) {
  return resolve_request(method, path, query);
}

TEST(RequestAttributes, VerbsFromMethodsAndCollections) {
  EXPECT_EQ(resolve("GET", "/apis/apps/v1/namespaces/demo/deployments/web").verb, "get");
  EXPECT_EQ(resolve("HEAD", "/apis/apps/v1/namespaces/demo/deployments/web").verb, "get");
  EXPECT_EQ(resolve("GET", "/apis/apps/v1/namespaces/demo/deployments").verb, "list");
  EXPECT_EQ(resolve("GET", "/apis/apps/v1/deployments", {{"watch", "true"}}).verb, "watch");
  EXPECT_EQ(resolve("GET", "/apis/apps/v1/deployments", {{"watch", "1"}}).verb, "watch");
  EXPECT_EQ(resolve("GET", "/apis/apps/v1/deployments", {{"watch", "false"}}).verb, "list");
  EXPECT_EQ(resolve("POST", "/apis/apps/v1/namespaces/demo/deployments").verb, "create");
  EXPECT_EQ(resolve("PUT", "/apis/apps/v1/namespaces/demo/deployments/web").verb, "update");
  EXPECT_EQ(resolve("PATCH", "/apis/apps/v1/namespaces/demo/deployments/web").verb, "patch");
  EXPECT_EQ(resolve("DELETE", "/apis/apps/v1/namespaces/demo/deployments/web").verb, "delete");
  EXPECT_EQ(resolve("DELETE", "/apis/apps/v1/namespaces/demo/deployments").verb, "deletecollection");
  EXPECT_EQ(resolve("OPTIONS", "/apis/apps/v1/namespaces/demo/deployments").verb, "");
}

TEST(RequestAttributes, GroupVersionNamespaceResourceNameSubresource) {
  auto a = resolve("PATCH", "/apis/rollguard.io/v1alpha1/namespaces/demo/rollbackpolicies/web/status");
  EXPECT_TRUE(a.resource_request);
  EXPECT_EQ(a.api_group, "rollguard.io");
  EXPECT_EQ(a.api_version, "v1alpha1");
  EXPECT_EQ(a.ns, "demo");
  EXPECT_EQ(a.resource, "rollbackpolicies");
  EXPECT_EQ(a.name, "web");
  EXPECT_EQ(a.subresource, "status");

  auto core = resolve("POST", "/api/v1/namespaces/ops/serviceaccounts/ctl/token");
  EXPECT_EQ(core.api_group, "");
  EXPECT_EQ(core.resource, "serviceaccounts");
  EXPECT_EQ(core.subresource, "token");
  EXPECT_EQ(core.verb, "create");

  auto cluster = resolve("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/view");
  EXPECT_EQ(cluster.ns, "");
  EXPECT_EQ(cluster.name, "view");
}

TEST(RequestAttributes, NamespacesAreTheirOwnNamespaceAndKeepTheirSubresources) {
  auto get = resolve("GET", "/api/v1/namespaces/demo");
  EXPECT_EQ(get.resource, "namespaces");
  EXPECT_EQ(get.name, "demo");
  EXPECT_EQ(get.ns, "demo");
  auto status = resolve("PUT", "/api/v1/namespaces/demo/status");
  EXPECT_EQ(status.resource, "namespaces");
  EXPECT_EQ(status.subresource, "status");
  auto list = resolve("GET", "/api/v1/namespaces");
  EXPECT_EQ(list.verb, "list");
  EXPECT_EQ(list.ns, "");
}

TEST(RequestAttributes, FieldSelectorOnNameNamesTheObjectOfAListOrWatch) {
  auto a = resolve("GET", "/apis/apps/v1/namespaces/demo/deployments",
                   {{"watch", "true"}, {"fieldSelector", "metadata.name=web"}});
  EXPECT_EQ(a.verb, "watch");
  EXPECT_EQ(a.name, "web");
  EXPECT_EQ(resolve("GET", "/api/v1/pods", {{"fieldSelector", "spec.nodeName=n1,metadata.name==p"}}).name,
            "p");
  EXPECT_EQ(resolve("GET", "/api/v1/pods", {{"fieldSelector", "metadata.name!=p"}}).name, "");
  EXPECT_EQ(resolve("GET", "/api/v1/pods", {{"fieldSelector", "metadata.name=a/b"}}).name, "");
  EXPECT_EQ(field_selector_name("metadata.name=a\\,b"), "a,b");
}

TEST(RequestAttributes, NonResourceUrlsKeepTheirPathAndLowerCaseMethod) {
  for (const char* path : {"/version", "/healthz", "/api", "/api/", "/apis", "/apis/apps", "/apis/apps/v1",
                           "/openapi/v3/apis/apps/v1", "/"}) {
    auto a = resolve("GET", path);
    EXPECT_FALSE(a.resource_request) << path;
    EXPECT_EQ(a.path, path);
    EXPECT_EQ(a.verb, "get") << path;
  }
  EXPECT_EQ(resolve("POST", "/logs").verb, "post");
  // /api/v1 itself is discovery; one more segment is a resource.
  EXPECT_FALSE(resolve("GET", "/api/v1").resource_request);
  EXPECT_TRUE(resolve("GET", "/api/v1/pods").resource_request);
}

TEST(RequestAttributes, DeprecatedWatchPrefixIsAWatch) {
  auto a = resolve("GET", "/api/v1/watch/namespaces/demo/pods");
  EXPECT_EQ(a.verb, "watch");
  EXPECT_EQ(a.ns, "demo");
  EXPECT_EQ(a.resource, "pods");
}

}  // namespace
}  // namespace kubesim::auth
