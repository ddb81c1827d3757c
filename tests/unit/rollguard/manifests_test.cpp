// The shipped YAML against the model: every example policy validates, and the CRD schema knows
// every status field the controller writes (an unknown one would be pruned by the API server, and
// with it the controller's memory).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "rollguard/policy.hpp"
#include "rollguard/status.hpp"
#include "support/source_tree.hpp"

namespace rollguard {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

using test_support::source_tree;

// YAML as Kubernetes reads it: plain scalars typed (int, float, bool, null), quoted ones strings.
json::value to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json::object o;
      for (auto it = node.begin(); it != node.end(); ++it)
        o[it->first.as<std::string>()] = to_json(it->second);
      return o;
    }
    case YAML::NodeType::Sequence: {
      json::array a;
      for (auto& item : node) a.push_back(to_json(item));
      return a;
    }
    case YAML::NodeType::Scalar: {
      auto text = node.Scalar();
      if (node.Tag() == "?") {
        if (text == "true") return true;
        if (text == "false") return false;
        if (text == "null" || text == "~") return nullptr;
        std::int64_t i = 0;
        double d = 0;
        if (YAML::convert<std::int64_t>::decode(node, i)) return i;
        if (YAML::convert<double>::decode(node, d)) return d;
      }
      return json::string(text);
    }
    default:
      return nullptr;
  }
}

json::object load(const fs::path& file) { return to_json(YAML::LoadFile(file.string())).as_object(); }

TEST(Examples, EveryExamplePolicyValidates) {
  int seen = 0;
  for (auto& entry : fs::directory_iterator(source_tree() / "manifests/examples")) {
    if (entry.path().extension() != ".yaml") continue;
    ++seen;
    auto parsed = parse_policy(load(entry.path()));
    EXPECT_TRUE(parsed.ok()) << entry.path() << ": " << describe(parsed.errors);
  }
  EXPECT_GE(seen, 5);
}

TEST(Examples, TheRunbook) {
  auto parsed = parse_policy(load(source_tree() / "manifests/examples/runbook.yaml"));
  ASSERT_TRUE(parsed.ok()) << describe(parsed.errors);
  auto& p = parsed.policy;
  EXPECT_EQ(p.interval, std::chrono::seconds(10));
  std::vector<std::string> names;
  for (auto& slo : p.slos) names.push_back(slo.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"rollout", "health", "error-rate", "latency-p95", "latency-p99"}));
  EXPECT_EQ(std::get<HttpSlo>(p.slos[1].check).attempts, 10);
  EXPECT_EQ(std::get<PrometheusSlo>(p.slos[2].check).max, 0.05);
  for (int i : {3, 4}) {
    auto& q = std::get<PrometheusSlo>(p.slos[i].check).query;
    EXPECT_NE(q.find("histogram_quantile"), std::string::npos);
    EXPECT_NE(q.find("http_request_duration_seconds_bucket"), std::string::npos);
    EXPECT_NE(q.find("pod_template_hash=\"{{podTemplateHash}}\""), std::string::npos);
    EXPECT_NE(q.find("namespace=\"{{namespace}}\""), std::string::npos);
  }
}

const json::object& schema_of(const json::object& crd) {
  return crd.at("spec").at("versions").at(0).at("schema").at("openAPIV3Schema").as_object();
}

// Every key of `value` is a property of `schema` (recursively), else it is listed in `unknown`.
void check_known(const json::value& value, const json::object& schema, const std::string& path,
                 std::vector<std::string>& unknown) {
  if (value.is_object()) {
    auto* properties = schema.if_contains("properties");
    if (!properties) return;  // free-form
    for (auto& kv : value.get_object()) {
      auto* child = properties->as_object().if_contains(kv.key());
      if (!child) {
        unknown.push_back(path + "." + std::string(kv.key()));
        continue;
      }
      check_known(kv.value(), child->as_object(), path + "." + std::string(kv.key()), unknown);
    }
  } else if (value.is_array() && schema.contains("items")) {
    for (auto& item : value.get_array())
      check_known(item, schema.at("items").as_object(), path + "[]", unknown);
  }
}

PolicyStatus every_status_field() {
  auto t = SystemTime{} + std::chrono::hours(500000);
  PolicyStatus s;
  s.observed_generation = 1;
  s.message = s.current_template_hash = s.current_pod_template_hash = "x";
  s.current_revision = s.last_known_good_revision = 2;
  s.last_known_good_template_hash = s.last_known_good_pod_template_hash = s.failing_slo = "x";
  s.verifying_since = s.healthy_since = s.failing_since = t;
  SloStatus slo{"a", SloResult::Fail, "1", "<= 0", "m", t, t};
  s.slos = {slo};
  s.last_rollback = RollbackRecord{2, 1, "x", "y", "Manual", "m", "INC", {slo}, t, t, t, t};
  s.pending_rollback = PendingRollback{2, 1, "x", "y", "rs", "1", "Manual", "INC", t};
  s.last_dry_run = DryRunRecord{2, 1, "x", "m", t};
  s.hold = Hold{"x", 3, 2, t, "r", true};
  s.resume_pending = true;
  s.rejected_templates = {{"x", 2, t, "r"}};
  s.handled_requests = {"INC"};
  s.history = {{t, "T", "m", 1, 2}};
  s.conditions = {{"Ready", kube::ConditionStatus::True, 1, t, "R", "m"}};
  s.notifications.outbox = {OutboxEntry{"k",
                                        "RolledBack",
                                        t,
                                        "warning",
                                        "web",
                                        3,
                                        2,
                                        1,
                                        "SLOBreached",
                                        "s",
                                        "m",
                                        {slo},
                                        t,
                                        t,
                                        t,
                                        t,
                                        "warning",
                                        {"hook"}}};
  s.notifications.delivered = {"k0"};
  s.notifications.incident = Incident{t, "web", "warning", "RolledBack", "line", "m"};
  return s;
}

TEST(Crd, KnowsEveryStatusFieldTheControllerWrites) {
  auto crd = load(source_tree() / "crds/rollguard.io_rollbackpolicies.yaml");
  auto& status_schema = schema_of(crd).at("properties").at("status").as_object();
  std::vector<std::string> unknown;
  check_known(every_status_field().to_json(), status_schema, "status", unknown);
  EXPECT_TRUE(unknown.empty()) << "pruned by the API server: " << json::serialize(json::value_from(unknown));
}

TEST(Crd, KnowsEverySpecFieldOfTheExamples) {
  auto crd = load(source_tree() / "crds/rollguard.io_rollbackpolicies.yaml");
  auto& spec_schema = schema_of(crd).at("properties").at("spec").as_object();
  for (auto& entry : fs::directory_iterator(source_tree() / "manifests/examples")) {
    std::vector<std::string> unknown;
    check_known(load(entry.path()).at("spec"), spec_schema, "spec", unknown);
    EXPECT_TRUE(unknown.empty()) << entry.path() << " pruned: " << json::serialize(json::value_from(unknown));
  }
}

TEST(Crd, PhaseEnumIsThePhases) {
  auto crd = load(source_tree() / "crds/rollguard.io_rollbackpolicies.yaml");
  auto& phase = schema_of(crd).at("properties").at("status").at("properties").at("phase").as_object();
  std::vector<std::string> listed;
  for (auto& v : phase.at("enum").as_array()) listed.emplace_back(v.as_string());
  for (auto p : {Phase::Pending, Phase::Healthy, Phase::Verifying, Phase::Degraded, Phase::RollingBack,
                 Phase::RolledBack, Phase::Blocked, Phase::Paused, Phase::Invalid}) {
    EXPECT_NE(std::find(listed.begin(), listed.end(), to_string(p)), listed.end()) << to_string(p);
  }
  EXPECT_EQ(listed.size(), 9u);
}

TEST(Crd, PrinterColumnsAndNames) {
  auto crd = load(source_tree() / "crds/rollguard.io_rollbackpolicies.yaml");
  auto& version = crd.at("spec").at("versions").at(0).as_object();
  std::vector<std::string> columns;
  for (auto& c : version.at("additionalPrinterColumns").as_array()) {
    if (!c.as_object().contains("priority")) columns.emplace_back(c.at("name").as_string());
  }
  EXPECT_EQ(columns,
            (std::vector<std::string>{"Target", "Phase", "Revision", "Last-Good", "Failing SLO", "Age"}));
  EXPECT_EQ(crd.at("spec").at("names").at("shortNames").at(0).as_string(), "rbp");
  EXPECT_EQ(crd.at("spec").at("names").at("categories").at(0).as_string(), "rollguard");
  EXPECT_TRUE(version.at("subresources").as_object().contains("status"));
}

}  // namespace
}  // namespace rollguard
