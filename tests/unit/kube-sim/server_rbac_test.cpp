// ApiServer with --authorization RBAC, without a network: TokenRequest, ServiceAccount tokens
// (expiry, audience, deleted ServiceAccount), 403 wording, the bootstrap policy, the self-reviews
// and the default ServiceAccount of a new namespace.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "api_server.hpp"

namespace kubesim {
namespace {
namespace json = boost::json;

ApiServerOptions rbac_options() {
  ApiServerOptions o;
  o.token = "admin-token";
  o.authorization_mode = "RBAC";
  return o;
}

class RbacServerTest : public ::testing::Test {
 protected:
  RbacServerTest() : api_(io_.get_executor(), rbac_options(), [this] { return now_; }) {}

  HttpResponse call(const std::string& method, const std::string& path, const std::string& token,
                    const std::string& body = {}, std::map<std::string, std::string> query = {}) {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.query = std::move(query);
    r.body = body;
    r.content_type = "application/json";
    r.accept = "application/json";
    r.authorization = "Bearer " + token;
    return api_.handle(r);
  }
  HttpResponse admin(const std::string& method, const std::string& path, const std::string& body = {}) {
    return call(method, path, "admin-token", body);
  }
  std::string token_for(const std::string& ns, const std::string& name, const std::string& spec = "{}") {
    auto r = admin("POST", "/api/v1/namespaces/" + ns + "/serviceaccounts/" + name + "/token",
                   R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":)" + spec + "}");
    EXPECT_EQ(r.status, 201u) << r.body;
    return std::string(json::parse(r.body).at("status").at("token").as_string());
  }
  void SetUp() override {
    ASSERT_EQ(admin("POST", "/api/v1/namespaces", R"({"metadata":{"name":"demo"}})").status, 201u);
    ASSERT_EQ(
        admin("POST", "/api/v1/namespaces/demo/serviceaccounts", R"({"metadata":{"name":"ctl"}})").status,
        201u);
  }

  boost::asio::io_context io_;
  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::from_time_t(1'700'000'000);
  ApiServer api_;
};

TEST_F(RbacServerTest, ServiceAccountIsDeniedUntilARoleIsBoundThenAllowed) {
  const auto token = token_for("demo", "ctl");
  auto denied = call("PATCH", "/apis/apps/v1/namespaces/demo/deployments/web", token, "{}");
  ASSERT_EQ(denied.status, 403u);
  auto status = json::parse(denied.body);
  EXPECT_EQ(status.at("reason"), "Forbidden");
  EXPECT_EQ(
      status.at("message"),
      R"(deployments.apps "web" is forbidden: User "system:serviceaccount:demo:ctl" cannot patch resource )"
      R"("deployments" in API group "apps" in the namespace "demo")");
  EXPECT_EQ(status.at("details").at("kind"), "deployments");

  ASSERT_EQ(
      admin(
          "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/demo/roles",
          R"({"metadata":{"name":"r"},"rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["list"]}]})")
          .status,
      201u);
  ASSERT_EQ(
      admin(
          "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/demo/rolebindings",
          R"({"metadata":{"name":"r"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"},
                      "subjects":[{"kind":"ServiceAccount","name":"ctl"}]})")
          .status,
      201u);
  EXPECT_EQ(call("GET", "/api/v1/namespaces/demo/configmaps", token).status, 200u);
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default/configmaps", token).status, 403u);
  EXPECT_EQ(call("GET", "/api/v1/namespaces/demo/configmaps", token, {}, {{"watch", "true"}}).status, 403u);
  // The bootstrap roles: discovery and version for every authenticated user.
  EXPECT_EQ(call("GET", "/apis", token).status, 200u);
  EXPECT_EQ(call("GET", "/api/v1", token).status, 200u);
  EXPECT_EQ(call("GET", "/version", token).status, 200u);
  EXPECT_EQ(call("GET", "/openapi/v3", token).status, 200u);
  EXPECT_EQ(call("GET", "/api/v1/namespaces", token).status, 403u);
}

TEST_F(RbacServerTest, TokensExpireAndDieWithTheirServiceAccount) {
  EXPECT_EQ(call("GET", "/apis", "not-a-token").status, 401u);
  const auto token = token_for("demo", "ctl", R"({"expirationSeconds":600})");
  EXPECT_EQ(call("GET", "/apis", token).status, 200u);
  now_ += std::chrono::seconds(601);
  EXPECT_EQ(call("GET", "/apis", token).status, 401u);

  const auto other_audience = token_for("demo", "ctl", R"({"audiences":["vault"]})");
  EXPECT_EQ(call("GET", "/apis", other_audience).status, 401u);

  const auto fresh = token_for("demo", "ctl");
  ASSERT_EQ(admin("DELETE", "/api/v1/namespaces/demo/serviceaccounts/ctl").status, 200u);
  EXPECT_EQ(call("GET", "/apis", fresh).status, 401u);
  ASSERT_EQ(admin("POST", "/api/v1/namespaces/demo/serviceaccounts", R"({"metadata":{"name":"ctl"}})").status,
            201u);
  EXPECT_EQ(call("GET", "/apis", fresh).status, 401u)
      << "a new ServiceAccount of the same name is another one";
}

TEST_F(RbacServerTest, TokenRequestValidatesItsServiceAccountAndDuration) {
  auto missing = admin("POST", "/api/v1/namespaces/demo/serviceaccounts/nope/token", R"({"spec":{}})");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(json::parse(missing.body).at("message"), R"(serviceaccounts "nope" not found)");
  auto short_lived = admin("POST", "/api/v1/namespaces/demo/serviceaccounts/ctl/token",
                           R"({"spec":{"expirationSeconds":60}})");
  EXPECT_EQ(short_lived.status, 422u);
  auto ok = json::parse(admin("POST", "/api/v1/namespaces/demo/serviceaccounts/ctl/token", "{}").body);
  EXPECT_EQ(ok.at("spec").at("expirationSeconds"), 3600);
  EXPECT_EQ(ok.at("status").at("expirationTimestamp"), json::value(rfc3339(now_ + std::chrono::hours(1))));
}

TEST_F(RbacServerTest, SelfReviewsAnswerForTheCaller) {
  const auto token = token_for("demo", "ctl");
  auto review = [&](const std::string& who, const std::string& spec) {
    auto r = call(
        "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", who,
        R"({"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":)" + spec + "}");
    EXPECT_EQ(r.status, 201u) << r.body;
    return json::parse(r.body).at("status");
  };
  const std::string list_pods =
      R"({"resourceAttributes":{"namespace":"demo","verb":"list","resource":"pods"}})";
  EXPECT_EQ(review(token, list_pods).at("allowed"), false);
  EXPECT_EQ(review("admin-token", list_pods).at("allowed"), true);
  auto version = review(token, R"({"nonResourceAttributes":{"path":"/version","verb":"get"}})");
  EXPECT_EQ(version.at("allowed"), true);
  EXPECT_EQ(
      version.at("reason"),
      R"(RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated")");
  EXPECT_EQ(
      call("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", token, R"({"spec":{}})").status,
      422u);

  auto whoami = call("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", token, "{}");
  ASSERT_EQ(whoami.status, 201u);
  EXPECT_EQ(json::parse(whoami.body).at("status").at("userInfo").at("username"),
            "system:serviceaccount:demo:ctl");
  // Only create exists; a ServiceAccount may not even ask for a list (authorization comes first).
  EXPECT_EQ(call("GET", "/apis/authentication.k8s.io/v1/selfsubjectreviews", token).status, 403u);
  EXPECT_EQ(admin("GET", "/apis/authentication.k8s.io/v1/selfsubjectreviews").status, 405u);
}

TEST_F(RbacServerTest, EveryNamespaceHasADefaultServiceAccount) {
  for (const char* ns : {"default", "kube-system", "demo"})
    EXPECT_EQ(admin("GET", std::string("/api/v1/namespaces/") + ns + "/serviceaccounts/default").status, 200u)
        << ns;
  EXPECT_EQ(admin("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/system:basic-user").status, 200u);
}

}  // namespace
}  // namespace kubesim
