#include "rollguard/policy.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace rollguard {
namespace {

namespace json = boost::json;
using std::chrono::minutes;
using std::chrono::seconds;

// A RollbackPolicy around `spec` (JSON text).
PolicyOrErrors parse(std::string_view spec) {
  auto text = std::string(R"({"apiVersion":"rollguard.io/v1alpha1","kind":"RollbackPolicy",
    "metadata":{"name":"api","namespace":"prod","uid":"u-1","generation":4},"spec":)") +
              std::string(spec) + "}";
  return parse_policy(json::parse(text).as_object());
}

// The errors as "field: message" lines, for readable failures.
std::vector<std::string> fields(const PolicyOrErrors& p) {
  std::vector<std::string> out;
  for (auto& e : p.errors) out.push_back(e.field);
  return out;
}

bool has_error(const PolicyOrErrors& p, std::string_view field, std::string_view says) {
  for (auto& e : p.errors) {
    if (e.field == field && e.message.find(says) != std::string::npos) return true;
  }
  return false;
}

TEST(ParsePolicy, MinimalSpecGetsTheDefaults) {
  auto p = parse(R"({"targetRef":{"name":"api"}})");
  ASSERT_TRUE(p.ok()) << describe(p.errors);
  EXPECT_EQ(p.policy.name, "api");
  EXPECT_EQ(p.policy.ns, "prod");
  EXPECT_EQ(p.policy.uid, "u-1");
  EXPECT_EQ(p.policy.generation, 4);
  EXPECT_EQ(p.policy.target_name, "api");
  EXPECT_EQ(p.policy.interval, seconds(10));
  EXPECT_EQ(p.policy.stabilization_window, minutes(5));
  EXPECT_EQ(p.policy.failure_threshold, 3);
  EXPECT_EQ(p.policy.inconclusive_threshold, 5);
  EXPECT_TRUE(p.policy.slos.empty());
  EXPECT_EQ(p.policy.rollback.mode, RollbackMode::Automatic);
  EXPECT_EQ(p.policy.rollback.to, RollbackTarget::LastKnownGood);
  EXPECT_EQ(p.policy.rollback.cooldown, minutes(10));
  EXPECT_FALSE(p.policy.manual_rollback);
  EXPECT_FALSE(p.policy.paused);
}

TEST(ParsePolicy, FullSpec) {
  auto p = parse(R"({
    "targetRef":{"kind":"Deployment","name":"api"},
    "interval":"30s","stabilizationWindow":"2m","failureThreshold":2,"inconclusiveThreshold":0,
    "slos":[
      {"name":"rollout","deployment":{"minAvailableRatio":0.5,"failOnProgressDeadline":false,"maxContainerRestarts":-1}},
      {"name":"health","http":{"path":"/health","port":8080,"expectStatus":[200,204],"timeout":"1s","attempts":10,
        "headers":[{"name":"X-A","value":"1"},{"name":"Authorization","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}}]}},
      {"name":"error-rate","prometheus":{"address":"http://prom:9090","query":"x{ns=\"{{namespace}}\"}","max":0.05,
        "minSamplesQuery":"sum(y{h=\"{{ podTemplateHash }}\"}) or 0","minSamples":100,"noData":"Fail",
        "bearerTokenSecretRef":{"name":"prom","key":"token"}}},
      {"name":"smoke","webhook":{"url":"https://smoke/run?rev={{revision}}","timeout":"45s"}}],
    "rollback":{"mode":"DryRun","to":"PreviousRevision","cooldown":"1h"},
    "manualRollback":{"toRevision":4,"requestId":"INC-2041"},
    "paused":true,
    "notifications":{"webhooks":[{"name":"oncall","urlSecretRef":{"name":"hook","key":"url"}}]}})");
  ASSERT_TRUE(p.ok()) << describe(p.errors);
  auto& policy = p.policy;
  EXPECT_EQ(policy.interval, seconds(30));
  EXPECT_EQ(policy.stabilization_window, minutes(2));
  EXPECT_EQ(policy.failure_threshold, 2);
  EXPECT_EQ(policy.inconclusive_threshold, 0);
  ASSERT_EQ(policy.slos.size(), 4u);
  auto& rollout = std::get<DeploymentSlo>(policy.slos[0].check);
  EXPECT_EQ(rollout.min_available_ratio, 0.5);
  EXPECT_FALSE(rollout.fail_on_progress_deadline);
  EXPECT_EQ(rollout.max_container_restarts, -1);
  auto& health = std::get<HttpSlo>(policy.slos[1].check);
  EXPECT_EQ(health.port, 8080);
  EXPECT_EQ(health.path, "/health");
  EXPECT_EQ(health.expect_status, (std::vector<int>{200, 204}));
  EXPECT_EQ(health.timeout, seconds(1));
  EXPECT_EQ(health.attempts, 10);
  ASSERT_EQ(health.headers.size(), 2u);
  EXPECT_EQ(health.headers[1].value_from, (SecretKeyRef{"s", "k"}));
  auto& rate = std::get<PrometheusSlo>(policy.slos[2].check);
  EXPECT_EQ(rate.max, 0.05);
  EXPECT_FALSE(rate.min);
  EXPECT_EQ(rate.min_samples, 100);
  EXPECT_EQ(rate.no_data, NoDataPolicy::Fail);
  EXPECT_EQ(rate.bearer_token, (SecretKeyRef{"prom", "token"}));
  auto& smoke = std::get<WebhookSlo>(policy.slos[3].check);
  EXPECT_EQ(smoke.timeout, seconds(45));
  EXPECT_EQ(policy.rollback.mode, RollbackMode::DryRun);
  EXPECT_EQ(policy.rollback.to, RollbackTarget::PreviousRevision);
  EXPECT_EQ(policy.rollback.cooldown, std::chrono::hours(1));
  ASSERT_TRUE(policy.manual_rollback);
  EXPECT_EQ(policy.manual_rollback->to_revision, 4);
  EXPECT_EQ(policy.manual_rollback->request_id, "INC-2041");
  EXPECT_TRUE(policy.paused);
  ASSERT_EQ(policy.notification_receivers.size(), 1u);
  EXPECT_EQ(policy.notification_receivers[0].url_secret_ref, (SecretKeyRef{"hook", "url"}));
  EXPECT_EQ(policy.notification_receivers[0].kind, ReceiverKind::Webhook);
  EXPECT_EQ(policy.notification_receivers[0].events.size(), kNotificationEvents.size());  // default: all
}

TEST(ParsePolicy, NotificationReceivers) {
  auto p = parse(R"({"targetRef":{"name":"a"},"notifications":{
    "webhooks":[{"name":"slack","urlSecretRef":{"name":"s","key":"url"},"events":["RolledBack","RollbackFailed"],"timeout":"2s"}],
    "alertmanagers":[{"name":"am","url":"http://am:9093"},{"name":"am2","urlSecretRef":{"name":"s","key":"am"}}]}})");
  ASSERT_TRUE(p.ok()) << describe(p.errors);
  auto& r = p.policy.notification_receivers;
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].events, (std::vector{NotificationEvent::RolledBack, NotificationEvent::RollbackFailed}));
  EXPECT_EQ(r[0].timeout, std::chrono::seconds(2));
  EXPECT_TRUE(r[0].wants(NotificationEvent::RolledBack));
  EXPECT_FALSE(r[0].wants(NotificationEvent::SLOBreached));
  EXPECT_EQ(r[1].kind, ReceiverKind::Alertmanager);
  EXPECT_EQ(r[1].url, "http://am:9093");
  EXPECT_EQ(r[2].url_secret_ref, (SecretKeyRef{"s", "am"}));
}

struct InvalidCase {
  const char* name;
  const char* spec;
  const char* field;
  const char* says;
};

TEST(ParsePolicy, EachInvalidFieldIsNamed) {
  const InvalidCase cases[] = {
      {"no spec target", R"({})", "spec.targetRef", "required"},
      {"kind", R"({"targetRef":{"kind":"StatefulSet","name":"a"}})", "spec.targetRef.kind",
       "must be Deployment"},
      {"empty name", R"({"targetRef":{"name":""}})", "spec.targetRef.name", "must not be empty"},
      {"bad interval", R"({"targetRef":{"name":"a"},"interval":"ten"})", "spec.interval",
       "invalid duration \"ten\""},
      {"zero interval", R"({"targetRef":{"name":"a"},"interval":"0s"})", "spec.interval",
       "greater than zero"},
      {"negative window", R"({"targetRef":{"name":"a"},"stabilizationWindow":"-1m"})",
       "spec.stabilizationWindow", "negative"},
      {"interval type", R"({"targetRef":{"name":"a"},"interval":10})", "spec.interval", "must be a string"},
      {"failure threshold", R"({"targetRef":{"name":"a"},"failureThreshold":0})", "spec.failureThreshold",
       "between 1 and 100"},
      {"inconclusive threshold", R"({"targetRef":{"name":"a"},"inconclusiveThreshold":-1})",
       "spec.inconclusiveThreshold", "between 0 and 100"},
      {"fractional threshold", R"({"targetRef":{"name":"a"},"failureThreshold":2.5})",
       "spec.failureThreshold", "an integer"},
      {"slo without kind", R"({"targetRef":{"name":"a"},"slos":[{"name":"x"}]})", "spec.slos[0]", "no kind"},
      {"slo with two kinds",
       R"({"targetRef":{"name":"a"},"slos":[{"name":"x","deployment":{},"http":{"port":80}}]})",
       "spec.slos[0]", "more than one kind (deployment, http)"},
      {"duplicate names",
       R"({"targetRef":{"name":"a"},"slos":[{"name":"x","deployment":{}},{"name":"x","deployment":{}}]})",
       "spec.slos[1].name", "duplicate SLO name \"x\" (also spec.slos[0])"},
      {"slo name", R"({"targetRef":{"name":"a"},"slos":[{"name":"Error_Rate","deployment":{}}]})",
       "spec.slos[0].name", "lowercase"},
      {"slo not an object", R"({"targetRef":{"name":"a"},"slos":["x"]})", "spec.slos[0]",
       "must be an object"},
      {"unknown variable",
       R"({"targetRef":{"name":"a"},"slos":[{"name":"d","deployment":{}},{"name":"e","prometheus":{"address":"http://p","query":"x{n=\"{{ns}}\"}","max":1}}]})",
       "spec.slos[1].prometheus.query", "unknown template variable {{ns}}"},
      {"unterminated",
       R"({"targetRef":{"name":"a"},"slos":[{"name":"e","prometheus":{"address":"http://p","query":"x{n=\"{{namespace\"}","max":1}}]})",
       "spec.slos[0].prometheus.query", "unterminated"},
      {"unknown variable in min samples query",
       R"({"targetRef":{"name":"a"},"slos":[{"name":"e","prometheus":{"address":"http://p","query":"x","max":1,"minSamplesQuery":"{{pod}}","minSamples":5}}]})",
       "spec.slos[0].prometheus.minSamplesQuery", "{{pod}}"},
      {"no threshold",
       R"({"targetRef":{"name":"a"},"slos":[{"name":"e","prometheus":{"address":"http://p","query":"x"}}]})",
       "spec.slos[0].prometheus", "set min, max or both"},
      {"min above max",
       R"({"targetRef":{"name":"a"},"slos":[{"name":"e","prometheus":{"address":"http://p","query":"x","min":2,"max":1}}]})",
       "spec.slos[0].prometheus.min", "greater than max"},
      {"no address", R"({"targetRef":{"name":"a"},"slos":[{"name":"e","prometheus":{"query":"x","max":1}}]})",
       "spec.slos[0].prometheus.address", "required"},
      {"no data enum",
       R"({"targetRef":{"name":"a"},"slos":[{"name":"e","prometheus":{"address":"http://p","query":"x","max":1,"noData":"Ignore"}}]})",
       "spec.slos[0].prometheus.noData", "Inconclusive, Fail or Pass"},
      {"min samples without query",
       R"({"targetRef":{"name":"a"},"slos":[{"name":"e","prometheus":{"address":"http://p","query":"x","max":1,"minSamples":5}}]})",
       "spec.slos[0].prometheus.minSamplesQuery", "required with minSamples"},
      {"http without url or port", R"({"targetRef":{"name":"a"},"slos":[{"name":"h","http":{"path":"/h"}}]})",
       "spec.slos[0].http", "set url, or port"},
      {"http with both",
       R"({"targetRef":{"name":"a"},"slos":[{"name":"h","http":{"url":"http://x","port":80}}]})",
       "spec.slos[0].http", "not both"},
      {"http status",
       R"({"targetRef":{"name":"a"},"slos":[{"name":"h","http":{"port":80,"expectStatus":[200,600]}}]})",
       "spec.slos[0].http.expectStatus[1]", "between 100 and 599"},
      {"http attempts", R"({"targetRef":{"name":"a"},"slos":[{"name":"h","http":{"port":80,"attempts":0}}]})",
       "spec.slos[0].http.attempts", "between 1 and 100"},
      {"http port", R"({"targetRef":{"name":"a"},"slos":[{"name":"h","http":{"port":70000}}]})",
       "spec.slos[0].http.port", "between 1 and 65535"},
      {"http timeout", R"({"targetRef":{"name":"a"},"slos":[{"name":"h","http":{"port":80,"timeout":"2"}}]})",
       "spec.slos[0].http.timeout", "missing unit"},
      {"http path", R"({"targetRef":{"name":"a"},"slos":[{"name":"h","http":{"port":80,"path":"health"}}]})",
       "spec.slos[0].http.path", "start with /"},
      {"header value and valueFrom",
       R"({"targetRef":{"name":"a"},"slos":[{"name":"h","http":{"port":80,"headers":[{"name":"A"}]}}]})",
       "spec.slos[0].http.headers[0].value", "exactly one"},
      {"ratio", R"({"targetRef":{"name":"a"},"slos":[{"name":"d","deployment":{"minAvailableRatio":1.5}}]})",
       "spec.slos[0].deployment.minAvailableRatio", "between 0 and 1"},
      {"webhook url", R"({"targetRef":{"name":"a"},"slos":[{"name":"w","webhook":{"url":"ftp://x"}}]})",
       "spec.slos[0].webhook.url", "http://"},
      {"webhook neither", R"({"targetRef":{"name":"a"},"slos":[{"name":"w","webhook":{}}]})",
       "spec.slos[0].webhook", "exactly one"},
      {"mode", R"({"targetRef":{"name":"a"},"rollback":{"mode":"Yolo"}})", "spec.rollback.mode",
       "Automatic or DryRun"},
      {"to", R"({"targetRef":{"name":"a"},"rollback":{"to":"Oldest"}})", "spec.rollback.to", "LastKnownGood"},
      {"cooldown", R"({"targetRef":{"name":"a"},"rollback":{"cooldown":"soon"}})", "spec.rollback.cooldown",
       "invalid duration"},
      {"manual revision", R"({"targetRef":{"name":"a"},"manualRollback":{"toRevision":0,"requestId":"x"}})",
       "spec.manualRollback.toRevision", "between 1"},
      {"manual request", R"({"targetRef":{"name":"a"},"manualRollback":{"toRevision":3}})",
       "spec.manualRollback.requestId", "required"},
      {"paused type", R"({"targetRef":{"name":"a"},"paused":"yes"})", "spec.paused", "true or false"},
      {"notification secret", R"({"targetRef":{"name":"a"},"notifications":{"webhooks":[{"name":"x"}]}})",
       "spec.notifications.webhooks[0].urlSecretRef", "required"},
      {"notification event",
       R"({"targetRef":{"name":"a"},"notifications":{"webhooks":[{"name":"x","urlSecretRef":{"name":"s","key":"k"},"events":["RolledBack","Paged"]}]}})",
       "spec.notifications.webhooks[0].events[1]", "must be one of SLOBreached"},
      {"webhook literal url",
       R"({"targetRef":{"name":"a"},"notifications":{"webhooks":[{"name":"x","url":"https://hooks.example/T0K3N"}]}})",
       "spec.notifications.webhooks[0].url", "put the URL in a Secret"},
      {"webhook secret key",
       R"({"targetRef":{"name":"a"},"notifications":{"webhooks":[{"name":"x","urlSecretRef":{"name":"s"}}]}})",
       "spec.notifications.webhooks[0].urlSecretRef.key", "required"},
      {"alertmanager url or secret",
       R"({"targetRef":{"name":"a"},"notifications":{"alertmanagers":[{"name":"am"}]}})",
       "spec.notifications.alertmanagers[0]", "set url or urlSecretRef, exactly one"},
      {"alertmanager scheme",
       R"({"targetRef":{"name":"a"},"notifications":{"alertmanagers":[{"name":"am","url":"am:9093"}]}})",
       "spec.notifications.alertmanagers[0].url", "http:// or https://"},
      {"receiver names unique",
       R"({"targetRef":{"name":"a"},"notifications":{"webhooks":[{"name":"x","urlSecretRef":{"name":"s","key":"k"}}],"alertmanagers":[{"name":"x","url":"http://am:9093"}]}})",
       "spec.notifications.alertmanagers[0].name", "used by another receiver"},
      {"receiver timeout",
       R"({"targetRef":{"name":"a"},"notifications":{"alertmanagers":[{"name":"am","url":"http://am:9093","timeout":"5m"}]}})",
       "spec.notifications.alertmanagers[0].timeout", "at most 1m"},
      {"events empty",
       R"({"targetRef":{"name":"a"},"notifications":{"alertmanagers":[{"name":"am","url":"http://am:9093","events":[]}]}})",
       "spec.notifications.alertmanagers[0].events", "must not be empty"},
  };
  for (auto& c : cases) {
    auto p = parse(c.spec);
    EXPECT_FALSE(p.ok()) << c.name;
    EXPECT_TRUE(has_error(p, c.field, c.says)) << c.name << ": got " << describe(p.errors, 20);
  }
}

TEST(ParsePolicy, ReportsAllErrorsNotOnlyTheFirst) {
  auto p = parse(R"({"targetRef":{"kind":"Pod"},"interval":"x","failureThreshold":0,
    "slos":[{"name":"a"},{"name":"a","deployment":{}},{"name":"b","http":{}}]})");
  EXPECT_EQ(fields(p), (std::vector<std::string>{"spec.targetRef.kind", "spec.targetRef.name",
                                                 "spec.interval", "spec.failureThreshold", "spec.slos[0]",
                                                 "spec.slos[1].name", "spec.slos[2].http"}));
  // Metadata is there even for an invalid policy, so it can be reported on.
  EXPECT_EQ(p.policy.name, "api");
  EXPECT_EQ(p.policy.generation, 4);
}

TEST(ParsePolicy, MissingSpec) {
  auto p = parse_policy(json::parse(R"({"metadata":{"name":"x"}})").as_object());
  EXPECT_EQ(fields(p), std::vector<std::string>{"spec"});
}

TEST(ParsePolicy, IntegersWrittenAsDoublesAreAccepted) {
  auto p = parse(R"({"targetRef":{"name":"a"},"failureThreshold":4.0})");
  ASSERT_TRUE(p.ok()) << describe(p.errors);
  EXPECT_EQ(p.policy.failure_threshold, 4);
}

TEST(Describe, LimitsTheList) {
  std::vector<FieldError> errors{{"a", "x"}, {"b", "y"}, {"c", "z"}};
  EXPECT_EQ(describe(errors, 2), "a: x; b: y; (and 1 more)");
  EXPECT_EQ(describe(errors), "a: x; b: y; c: z");
}

}  // namespace
}  // namespace rollguard
