// Small pure parts of the controller process: JSON log escaping, listen addresses, which Secrets
// the SLOs need, and the per-policy metrics series that must disappear with their policy.
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <fstream>
#include <limits>
#include <sstream>

#include "rollguard/controller_metrics.hpp"
#include "rollguard/logging.hpp"
#include "rollguard/manager.hpp"
#include "rollguard/secrets.hpp"
#include "runtime/metrics.hpp"
#include "support/source_tree.hpp"

namespace rollguard {
namespace {

TEST(JsonLog, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_escape(R"(policy "prod/api" \ ok)"), R"(policy \"prod/api\" \\ ok)");
  EXPECT_EQ(json_escape("a\nb\tc\r"), "a\\nb\\tc\\r");
  EXPECT_EQ(json_escape(std::string("x\x01y", 3)), "x\\u0001y");
  EXPECT_EQ(json_escape("→ 0.31"), "→ 0.31");  // UTF-8 passes through
}

TEST(JsonLog, UnknownLevelIsAnErrorNamingIt) {
  auto error = setup_logging(LogFormat::Text, "loud");
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("loud"), std::string::npos);
  EXPECT_FALSE(setup_logging(LogFormat::Json, "info"));
  EXPECT_FALSE(setup_logging(LogFormat::Text, "off"));
  EXPECT_FALSE(setup_logging(LogFormat::Text, "info"));
}

TEST(ListenAddress, HostPortIpv6AndJunk) {
  EXPECT_EQ(parse_address("127.0.0.1:8080"), std::make_pair(std::string("127.0.0.1"), (unsigned short)8080));
  EXPECT_EQ(parse_address(":9090"), std::make_pair(std::string("0.0.0.0"), (unsigned short)9090));
  EXPECT_EQ(parse_address("[::1]:0"), std::make_pair(std::string("::1"), (unsigned short)0));
  EXPECT_FALSE(parse_address("localhost"));
  EXPECT_FALSE(parse_address("host:"));
  EXPECT_FALSE(parse_address("host:65536"));
  EXPECT_FALSE(parse_address("host:80a"));
}

TEST(SecretRefs, EverySecretAnSloUsesOnceEach) {
  PrometheusSlo prom;
  prom.bearer_token = SecretKeyRef{"prom", "token"};
  prom.ca_bundle = SecretKeyRef{"prom", "ca.crt"};
  HttpSlo http;
  http.headers.push_back(HttpHeader{"Authorization", "", SecretKeyRef{"prom", "token"}});
  http.headers.push_back(HttpHeader{"X-Plain", "literal", std::nullopt});
  WebhookSlo hook;
  hook.url_from = SecretKeyRef{"smoke", "url"};
  std::vector<Slo> slos{{"p", prom}, {"h", http}, {"w", hook}, {"d", DeploymentSlo{}}};
  auto refs = secret_refs(slos);
  std::set<std::pair<std::string, std::string>> expected{
      {"prom", "token"}, {"prom", "ca.crt"}, {"smoke", "url"}};
  EXPECT_EQ(refs, expected);
}

Measurement error_rate(SloResult result) {
  Measurement m;
  m.slo = "error-rate";
  m.result = result;
  return m;
}

// What /metrics serves: the registry's text, then the per-policy families.
std::string exposition(const prometheus::Registry& registry, const ControllerMetrics& metrics) {
  auto text = runtime::serialize_metrics(registry);
  metrics.append_text(text);
  return text;
}

TEST(ControllerMetrics, SeriesOfADeletedPolicyAreRemoved) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  auto m = error_rate(SloResult::Fail);
  m.numeric = 0.31;
  metrics.measurement("prod", "api", m);
  metrics.rollback("prod", "api", "SLOBreached");
  metrics.phase("prod", "api", "RolledBack");
  metrics.phase("prod", "web", "Healthy");
  auto text = exposition(registry, metrics);
  EXPECT_NE(text.find(R"(rollguard_slo_value{namespace="prod",policy="api",slo="error-rate"} 0.31)"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find(R"(rollguard_slo_status{namespace="prod",policy="api",result="Fail",slo="error-rate"} 1)"),
      std::string::npos);
  EXPECT_NE(text.find(R"(rollguard_rollbacks_total{namespace="prod",policy="api",reason="SLOBreached"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(rollguard_policy_phase{namespace="prod",phase="RolledBack",policy="api"} 1)"),
            std::string::npos);
  metrics.measured("prometheus", SloResult::Inconclusive);
  metrics.measured("prometheus", SloResult::Inconclusive);
  EXPECT_NE(exposition(registry, metrics)
                .find(R"(rollguard_measurements_total{kind="prometheus",result="Inconclusive"} 2)"),
            std::string::npos);
  metrics.forget("prod", "api");
  text = exposition(registry, metrics);
  EXPECT_EQ(text.find(R"(policy="api")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(rollguard_policy_phase{namespace="prod",phase="Healthy",policy="web"} 1)"),
            std::string::npos);
}

TEST(ControllerMetrics, PhaseAndSloStatusAreOneSeriesLabelledWithTheCurrentValue) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  metrics.measurement("prod", "api", error_rate(SloResult::Pass));
  metrics.phase("prod", "api", "Healthy");
  metrics.measurement("prod", "api", error_rate(SloResult::Fail));
  metrics.phase("prod", "api", "Degraded");
  metrics.phase("prod", "api", "Degraded");
  auto text = exposition(registry, metrics);
  EXPECT_NE(text.find(R"(rollguard_policy_phase{namespace="prod",phase="Degraded",policy="api"} 1)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find(R"(phase="Healthy")"), std::string::npos) << text;
  EXPECT_NE(
      text.find(R"(rollguard_slo_status{namespace="prod",policy="api",result="Fail",slo="error-rate"} 1)"),
      std::string::npos);
  EXPECT_EQ(text.find(R"(result="Pass")"), std::string::npos) << text;
  EXPECT_EQ(text.find(R"(result="Inconclusive")"), std::string::npos) << text;
}

TEST(ControllerMetrics, DoraCountersStartAtZeroAndHistogramsObserveSeconds) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  metrics.phase("prod", "api", "Healthy");
  auto text = exposition(registry, metrics);
  EXPECT_NE(text.find(R"(rollguard_deployments_total{namespace="prod",policy="api"} 0)"), std::string::npos)
      << text;
  for (const char* reason : {"rollback", "manual", "blocked"}) {
    EXPECT_NE(text.find(std::string(
                            R"(rollguard_failed_deployments_total{namespace="prod",policy="api",reason=")") +
                        reason + R"("} 0)"),
              std::string::npos)
        << reason;
  }
  const SystemTime t0{};
  using std::chrono::seconds;
  DoraFigures figures;
  figures.deployments = {3};
  figures.failed = {{3, FailureReason::Rollback, t0, t0 + seconds(40), t0 + seconds(20)},
                    {4, FailureReason::Blocked, t0, t0, std::nullopt}};
  figures.recovery = Recovery{3, t0 + seconds(40), t0 + seconds(70), t0};
  metrics.dora("prod", "api", figures);
  metrics.dora("prod", "api", DoraFigures{});
  text = exposition(registry, metrics);
  for (
      const char* sample : {
          R"(rollguard_deployments_total{namespace="prod",policy="api"} 1)",
          R"(rollguard_failed_deployments_total{namespace="prod",policy="api",reason="rollback"} 1)",
          R"(rollguard_failed_deployments_total{namespace="prod",policy="api",reason="blocked"} 1)",
          R"(rollguard_time_to_first_failure_seconds_sum{namespace="prod",policy="api"} 20)",
          R"(rollguard_time_to_detect_seconds_count{namespace="prod",policy="api"} 1)",
          R"(rollguard_time_to_detect_seconds_sum{namespace="prod",policy="api"} 40)",
          R"(rollguard_time_to_recover_seconds_sum{namespace="prod",policy="api"} 30)",
          R"(rollguard_failed_deployment_recovery_seconds_sum{namespace="prod",policy="api"} 70)",
          R"(rollguard_failed_deployment_recovery_seconds_bucket{namespace="prod",policy="api",le="86400"} 1)",
      }) {
    EXPECT_NE(text.find(sample), std::string::npos) << sample << "\n" << text;
  }
  metrics.forget("prod", "api");
  EXPECT_EQ(exposition(registry, metrics).find(R"(policy="api")"), std::string::npos);
}

// The text is what Prometheus parses: label values escaped, NaN and infinities spelled its way, a
// group member's "policy/deployment" label kept whole, series ordered by namespace and policy.
TEST(ControllerMetrics, TextEscapesLabelsAndSpellsSpecialValues) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  auto m = error_rate(SloResult::Inconclusive);
  m.slo = "a\"b\\c\nd";
  m.numeric = std::numeric_limits<double>::quiet_NaN();
  metrics.measurement("prod", "shop/web", m);
  m.slo = "p99";
  m.numeric = std::numeric_limits<double>::infinity();
  metrics.measurement("prod", "shop/web", m);
  m.numeric = 0.25;
  metrics.measurement("dev", "api", m);
  auto text = exposition(registry, metrics);
  EXPECT_NE(text.find(R"(rollguard_slo_value{namespace="prod",policy="shop/web",slo="a\"b\\c\nd"} NaN)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(rollguard_slo_value{namespace="prod",policy="shop/web",slo="p99"} +Inf)"),
            std::string::npos)
      << text;
  const auto dev = text.find(R"(rollguard_slo_value{namespace="dev",policy="api",slo="p99"} 0.25)");
  ASSERT_NE(dev, std::string::npos) << text;
  EXPECT_LT(dev, text.find(R"(rollguard_slo_value{namespace="prod")"));
  // One HELP and one TYPE per family, whatever the number of policies.
  std::size_t types = 0;
  for (auto at = text.find("# TYPE rollguard_slo_value "); at != std::string::npos;
       at = text.find("# TYPE rollguard_slo_value ", at + 1)) {
    ++types;
  }
  EXPECT_EQ(types, 1u);
}

// Every metric family the controller registers has its row in docs/observability.md.
TEST(ControllerMetrics, EveryMetricIsDocumented) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  metrics.phase("prod", "api", "Healthy");
  [[maybe_unused]] auto queue = runtime::prometheus_queue_metrics(registry, "rollbackpolicy");
  [[maybe_unused]] auto reconcile = runtime::prometheus_reconcile_metrics(registry, "rollbackpolicy");
  [[maybe_unused]] auto watcher = runtime::prometheus_watcher_metrics(registry, "deployments");
  [[maybe_unused]] auto leader = runtime::prometheus_leader_metric(registry, "rollguard-controller");
  std::ifstream file(test_support::source_tree() / "docs/observability.md");
  std::stringstream docs;
  docs << file.rdbuf();
  ASSERT_FALSE(docs.str().empty());
  std::istringstream text(exposition(registry, metrics));
  int families = 0;
  for (std::string line; std::getline(text, line);) {
    if (!line.starts_with("# TYPE ")) continue;
    ++families;
    const auto name = line.substr(7, line.find(' ', 7) - 7);
    EXPECT_NE(docs.str().find("`" + name + "`"), std::string::npos) << name << " is not documented";
  }
  EXPECT_GE(families, 20);
}

}  // namespace
}  // namespace rollguard
