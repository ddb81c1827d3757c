#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "faults/fault_injector.hpp"
#include "faults/request_target.hpp"

namespace kubesim::faults {
namespace {
using namespace std::chrono_literals;

struct Dice {
  std::vector<double> rolls;
  std::size_t next = 0;
  double operator()() { return rolls[next++ % rolls.size()]; }
};

TEST(ClassifyVerb, RbacNames) {
  EXPECT_EQ(classify_verb("GET", true, false), "get");
  EXPECT_EQ(classify_verb("GET", false, false), "list");
  EXPECT_EQ(classify_verb("GET", false, true), "watch");
  EXPECT_EQ(classify_verb("POST", false, false), "create");
  EXPECT_EQ(classify_verb("PUT", true, false), "update");
  EXPECT_EQ(classify_verb("PATCH", true, false), "patch");
  EXPECT_EQ(classify_verb("DELETE", true, false), "delete");
  EXPECT_EQ(classify_verb("DELETE", false, false), "deletecollection");
}

TEST(FaultInjector, ShareDecidesByTheDice) {
  auto dice = std::make_shared<Dice>(Dice{{0.05, 0.5, 0.09, 0.95}});
  FaultInjector injector([dice] { return (*dice)(); },
                         [] { return std::chrono::steady_clock::time_point{}; });
  FaultConfig config;
  config.errors.push_back(
      {.verb = "*", .resource = "*", .share = 0.1, .code = 503, .retry_after_seconds = 2});
  injector.configure(config);
  std::vector<bool> hits;
  for (int i = 0; i < 4; ++i) hits.push_back(injector.error_for("list", "pods").has_value());
  EXPECT_EQ(hits, (std::vector<bool>{true, false, true, false}));
  EXPECT_EQ(injector.injected_errors(), 2u);
}

TEST(FaultInjector, RulesMatchVerbAndResource) {
  FaultInjector injector([] { return 0.0; }, [] { return std::chrono::steady_clock::time_point{}; });
  FaultConfig config;
  config.errors.push_back(
      {.verb = "list", .resource = "deployments", .share = 1, .code = 429, .retry_after_seconds = 3});
  injector.configure(config);
  EXPECT_FALSE(injector.error_for("get", "deployments"));
  EXPECT_FALSE(injector.error_for("list", "pods"));
  auto injected = injector.error_for("list", "deployments");
  ASSERT_TRUE(injected);
  EXPECT_EQ(injected->code, 429);
  EXPECT_EQ(injected->reason, "TooManyRequests");
  EXPECT_EQ(injected->retry_after_seconds, 3);
  auto body = injected->status_body();
  EXPECT_EQ(body.at("kind"), "Status");
  EXPECT_EQ(body.at("code"), 429);
  EXPECT_EQ(body.at("details").at("retryAfterSeconds"), 3);
}

TEST(FaultInjector, InternalErrorsCarryNoRetryAfter) {
  FaultInjector injector([] { return 0.0; }, [] { return std::chrono::steady_clock::time_point{}; });
  FaultConfig config;
  config.errors.push_back({.share = 1, .code = 500, .retry_after_seconds = 5});
  injector.configure(config);
  auto injected = injector.error_for("create", "configmaps");
  ASSERT_TRUE(injected);
  EXPECT_EQ(injected->reason, "InternalError");
  EXPECT_EQ(injected->retry_after_seconds, 0);
  EXPECT_FALSE(injected->status_body().as_object().contains("details"));
}

TEST(FaultInjector, RefuseConnectionsForAWhile) {
  auto now = std::make_shared<std::chrono::steady_clock::time_point>();
  FaultInjector injector([] { return 0.5; }, [now] { return *now; });
  EXPECT_FALSE(injector.refusing_connections());
  injector.refuse_connections_for(5s);
  EXPECT_TRUE(injector.refusing_connections());
  *now += 4999ms;
  EXPECT_TRUE(injector.refusing_connections());
  *now += 1ms;
  EXPECT_FALSE(injector.refusing_connections());
}

TEST(FaultInjector, DelayRulesMatchVerbAndResource) {
  Dice dice{{0.0}};
  auto now = std::make_shared<std::chrono::steady_clock::time_point>();
  FaultInjector injector(dice, [now] { return *now; });
  FaultConfig config;
  config.latency = 5ms;
  config.delays = {{"patch", "deployments", 3000ms}, {"*", "deployments", 10ms}};
  injector.configure(config);
  EXPECT_EQ(injector.delay_for("patch", "deployments"), 3000ms);  // the first match decides
  EXPECT_EQ(injector.delay_for("get", "deployments"), 10ms);
  EXPECT_EQ(injector.delay_for("patch", "rollbackpolicies"), 0ms);
  EXPECT_EQ(injector.latency(), 5ms);                        // the server adds both
  EXPECT_FALSE(injector.error_for("patch", "deployments"));  // a delay is not an error
}

TEST(FaultConfigJson, ParsesDelays) {
  std::string error;
  auto config = parse_fault_config(
      boost::json::parse(R"({"delays":[{"verb":"patch","resource":"deployments","ms":10000},{"ms":5}]})"),
      error);
  ASSERT_TRUE(config) << error;
  ASSERT_EQ(config->delays.size(), 2u);
  EXPECT_EQ(config->delays[0].verb, "patch");
  EXPECT_EQ(config->delays[0].resource, "deployments");
  EXPECT_EQ(config->delays[0].delay, 10000ms);
  EXPECT_EQ(config->delays[1].verb, "*");
  EXPECT_EQ(config->delays[1].resource, "*");
  auto again = parse_fault_config(to_json(*config), error);
  ASSERT_TRUE(again) << error;
  EXPECT_EQ(to_json(*again), to_json(*config));
}

TEST(FaultConfigJson, ParsesTheAdminDocument) {
  std::string error;
  auto config = parse_fault_config(boost::json::parse(R"({"errors":[{"verb":"watch","resource":"pods",
      "share":0.25,"code":503,"retryAfterSeconds":4}],"latencyMs":20,"watchCutSeconds":1.5})"),
                                   error);
  ASSERT_TRUE(config) << error;
  ASSERT_EQ(config->errors.size(), 1u);
  EXPECT_EQ(config->errors[0].verb, "watch");
  EXPECT_EQ(config->errors[0].resource, "pods");
  EXPECT_DOUBLE_EQ(config->errors[0].share, 0.25);
  EXPECT_EQ(config->latency, 20ms);
  EXPECT_EQ(config->watch_cut, 1500ms);
  // Round trip through to_json.
  auto again = parse_fault_config(to_json(*config), error);
  ASSERT_TRUE(again) << error;
  EXPECT_EQ(to_json(*again), to_json(*config));
}

TEST(FaultConfigJson, BadInputNamesTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"([])", "must be a JSON object"},
      {R"({"latencyMs":"x"})", "latencyMs: must be a number"},
      {R"({"latencyMs":-1})", "must not be negative"},
      {R"({"errors":{}})", "errors: must be a list"},
      {R"({"errors":[1]})", "errors[0]: must be an object"},
      {R"({"errors":[{"verb":"explode"}]})", "errors[0].verb: unknown verb \"explode\""},
      {R"({"errors":[{},{"share":2}]})", "errors[1].share: must be between 0 and 1"},
      {R"({"errors":[{"code":404}]})", "errors[0].code: must be 429 or 5xx"},
      {R"({"errors":[{"resource":7}]})", "errors[0].resource: must be a string"},
      {R"({"watchCutSecond":1})", "watchCutSecond: unknown field"},
      {R"({"errors":[{"verbs":"get"}]})", "errors[0].verbs: unknown field"},
      {R"({"refuseConnectionsSeconds":-2})", "must not be negative"},
      {R"({"delays":{}})", "delays: must be a list"},
      {R"({"delays":[3]})", "delays[0]: must be an object"},
      {R"({"delays":[{"ms":1},{"ms":0}]})", "delays[1].ms: must be positive"},
      {R"({"delays":[{"ms":"x"}]})", "delays[0].ms: must be a number"},
      {R"({"delays":[{"verb":"poke","ms":1}]})", "delays[0].verb: unknown verb \"poke\""},
      {R"({"delays":[{"ms":1,"share":1}]})", "delays[0].share: unknown field"},
  };
  for (const auto& [text, expected] : cases) {
    std::string error;
    EXPECT_FALSE(parse_fault_config(boost::json::parse(text), error)) << text;
    EXPECT_NE(error.find(expected), std::string::npos) << text << " -> " << error;
  }
}

TEST(RequestTarget, NamesTheVerbAndResourceAsRbacDoes) {
  struct Case {
    std::string method, path;
    std::map<std::string, std::string> query;
    bool is_resource;
    std::string verb, resource;
  };
  const std::vector<Case> cases = {
      {"GET", "/api/v1/namespaces/default/configmaps", {}, true, "list", "configmaps"},
      {"GET", "/api/v1/namespaces/default/configmaps", {{"watch", "true"}}, true, "watch", "configmaps"},
      {"GET", "/api/v1/namespaces/default/configmaps", {{"watch", "1"}}, true, "watch", "configmaps"},
      {"GET", "/api/v1/namespaces/default/configmaps", {{"watch", "false"}}, true, "list", "configmaps"},
      {"HEAD", "/api/v1/namespaces/default/configmaps/a", {}, true, "get", "configmaps"},
      {"GET", "/apis/apps/v1/deployments", {}, true, "list", "deployments"},
      {"PATCH", "/apis/apps/v1/namespaces/p/deployments/web/scale", {}, true, "patch", "deployments"},
      {"PUT", "/apis/apps/v1/namespaces/p/deployments/web/status", {}, true, "update", "deployments"},
      {"POST", "/apis/coordination.k8s.io/v1/namespaces/p/leases", {}, true, "create", "leases"},
      {"DELETE", "/api/v1/namespaces/p/pods", {}, true, "deletecollection", "pods"},
      {"DELETE", "/api/v1/namespaces/p", {}, true, "delete", "namespaces"},
      {"PUT", "/api/v1/namespaces/p/status", {}, true, "update", "namespaces"},
      {"GET", "/api/v1/namespaces", {}, true, "list", "namespaces"},
      {"GET", "/apis/apps/v1", {}, false, "", ""},
      {"GET", "/api", {}, false, "", ""},
      {"GET", "/version", {}, false, "", ""},
      {"GET", "/openapi/v3/apis/apps/v1", {}, false, "", ""},
      {"PUT", "/admin/faults", {}, false, "", ""},
      {"GET", "/api/v1/namespaces/p/pods/a/b/c", {}, false, "", ""},
  };
  for (const auto& c : cases) {
    const auto target = describe_request(c.method, c.path, c.query);
    EXPECT_EQ(target.is_resource, c.is_resource) << c.method << " " << c.path;
    EXPECT_EQ(target.verb, c.verb) << c.method << " " << c.path;
    EXPECT_EQ(target.resource, c.resource) << c.method << " " << c.path;
  }
}

}  // namespace
}  // namespace kubesim::faults
