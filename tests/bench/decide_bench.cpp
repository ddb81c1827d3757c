// The CPU of one policy's reconcile without its I/O, from the objects as the controller caches them:
// the Deployment, its 3 ReplicaSets and the 3 pods of the current one (the fixtures of
// kube_sim_state_fixture.hpp, slimmed by the caches' transforms and kept as JSON text, so every
// read parses, as Storage::Text does), the policy (deployment + error-rate SLOs) with the status a
// verified, healthy revision has (conditions, SLO results, history). Stages: status parse, spec
// parse, observation build, decide(), and the whole round including the status diff and, when it
// changed, the status body. Goal from the controller issue: decide for one policy <= 50 us.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "kube/time.hpp"
#include "kube_sim_state_fixture.hpp"
#include "rollguard/cluster_cache.hpp"
#include "rollguard/decide.hpp"
#include "rollguard/deployment_slo.hpp"
#include "rollguard/observation.hpp"
#include "rollguard/policy.hpp"
#include "rollguard/status.hpp"
#include "runtime/cache_transform.hpp"

namespace {
namespace json = boost::json;
using namespace rollguard;
using runtime::ObjectPtr;

constexpr int kDeployment = 42;

json::object policy_object() {
  return json::parse(R"json({"apiVersion":"rollguard.io/v1alpha1","kind":"RollbackPolicy",
    "metadata":{"name":"service-42","namespace":"team-42","uid":"9d3c0b1a-policy-42","resourceVersion":"1700042",
      "generation":1,"creationTimestamp":"2026-10-01T12:00:00Z"},
    "spec":{"targetRef":{"kind":"Deployment","name":"service-42"},"interval":"30s","stabilizationWindow":"5m",
      "failureThreshold":3,"inconclusiveThreshold":6,
      "slos":[{"name":"rollout","deployment":{"minAvailableRatio":1.0,"failOnProgressDeadline":true,"maxContainerRestarts":3}},
              {"name":"error-rate","prometheus":{"address":"http://prometheus.monitoring:9090",
                "query":"sum(rate(http_requests_total{namespace=\"{{namespace}}\",pod_template_hash=\"{{podTemplateHash}}\",code=~\"5..\"}[1m])) / sum(rate(http_requests_total{namespace=\"{{namespace}}\",pod_template_hash=\"{{podTemplateHash}}\"}[1m]))",
                "max":0.05}}],
      "rollback":{"mode":"Automatic","to":"LastKnownGood","cooldown":"10m"}}})json")
      .as_object();
}

Measurement error_rate(const char* value, SloResult result, SystemTime at) {
  return {"error-rate", result, value, "<= 0.05", "", std::stod(value), at};
}

// The world of one policy as the caches hold it, and the status a healthy policy has.
struct World {
  std::string deployment_text;
  std::vector<std::string> replica_set_texts;
  std::vector<std::string> pod_texts;
  json::object policy;      // status included
  std::string policy_text;  // the same as the policy cache holds it (Storage::Text)
  SystemTime now = *kube::parse_time("2026-10-15T09:00:00Z");

  World() {
    const std::string ns = "team-" + std::to_string(kDeployment % 50);
    json::object d = json::parse(rollguard::bench::make_deployment(kDeployment)).as_object();
    deployment_text = slim(d);
    json::object current;
    for (int r = 0; r < 3; ++r) {
      const int revision = 2 + r;
      const std::string hash =
          std::to_string(r == 2 ? 100000000 + kDeployment * 7919 : 200000000 + kDeployment * 31 + r);
      auto rs = rollguard::bench::make_replicaset(d, hash, revision, r == 2);
      if (r == 2) current = rs;
      replica_set_texts.push_back(
          json::serialize(*cache_replica_set(std::make_shared<const json::object>(std::move(rs)))));
    }
    for (int n = 0; n < 3; ++n)
      pod_texts.push_back(json::serialize(
          *runtime::slim_pod(std::make_shared<const json::object>(rollguard::bench::make_pod(current, n)))));
    policy = *runtime::strip_for_cache(std::make_shared<const json::object>(policy_object()));
    // Verify the running revision to Healthy: one evaluation per interval over the stabilization
    // window, every write stored through JSON as the API server would.
    auto parsed = parse_policy(policy);
    PolicyStatus status;
    auto t = now - std::chrono::minutes(10);
    for (; t < now; t += std::chrono::seconds(30)) {
      auto obs = observation();
      auto m = measurements(obs, parsed.policy, "0.004", SloResult::Pass, t);
      auto decision = decide(parsed, obs, m, status, t);
      if (decision.status_changed) status = through_json(decision.status);
    }
    if (status.phase != Phase::Healthy) throw std::runtime_error("fixture did not become Healthy");
    policy["status"] = status.to_json();
    policy_text = json::serialize(policy);
  }

  static std::string slim(const json::object& d) {
    return json::serialize(*cache_deployment(std::make_shared<const json::object>(d)));
  }
  static PolicyStatus through_json(const PolicyStatus& s) {
    json::value v = s.to_json();
    return PolicyStatus::from_json(&v);
  }
  // What the reconciler does with its stores: read (parse) each object, then observe().
  std::optional<Observation> observation() const {
    auto deployment = runtime::parse_compact(deployment_text);
    std::vector<ObjectPtr> objects;
    for (auto& t : replica_set_texts) objects.push_back(runtime::parse_compact(t));
    std::vector<const json::object*> rs;
    for (auto& o : objects) rs.push_back(o.get());
    std::vector<ObjectPtr> pod_objects;
    for (auto& t : pod_texts) pod_objects.push_back(runtime::parse_compact(t));
    std::vector<const json::object*> pods;
    for (auto& o : pod_objects) pods.push_back(o.get());
    return observe(*deployment, rs, pods);
  }
  static std::vector<Measurement> measurements(const std::optional<Observation>& obs, const Policy& policy,
                                               const char* value, SloResult result, SystemTime at) {
    std::vector<Measurement> out;
    for (auto& slo : policy.slos) {
      if (auto* d = std::get_if<DeploymentSlo>(&slo.check)) {
        auto m = evaluate_deployment(*d, *obs, at);
        m.slo = slo.name;
        out.push_back(std::move(m));
      } else {
        out.push_back(error_rate(value, result, at));
      }
    }
    return out;
  }
};

const World& world() {
  static const World w;
  return w;
}

void BM_StatusParse(benchmark::State& state) {
  const auto& w = world();
  for (auto _ : state) {
    auto s = PolicyStatus::from_json(w.policy.if_contains("status"));
    benchmark::DoNotOptimize(s);
  }
  state.counters["status_bytes"] = static_cast<double>(json::serialize(w.policy.at("status")).size());
}
BENCHMARK(BM_StatusParse)->Unit(benchmark::kMicrosecond);

void BM_PolicyParse(benchmark::State& state) {
  const auto& w = world();
  for (auto _ : state) {
    auto p = parse_policy(w.policy);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_PolicyParse)->Unit(benchmark::kMicrosecond);

void BM_Observe(benchmark::State& state) {
  const auto& w = world();
  std::size_t bytes = w.deployment_text.size();
  for (auto& t : w.replica_set_texts) bytes += t.size();
  for (auto& t : w.pod_texts) bytes += t.size();
  for (auto _ : state) {
    auto obs = w.observation();
    benchmark::DoNotOptimize(obs);
  }
  state.counters["cached_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Observe)->Unit(benchmark::kMicrosecond);

// The store reads alone (Storage::Text parses on every read): BM_Observe minus this is observe().
void BM_ReadCached(benchmark::State& state) {
  const auto& w = world();
  for (auto _ : state) {
    auto d = runtime::parse_compact(w.deployment_text);
    benchmark::DoNotOptimize(d);
    for (auto& t : w.replica_set_texts) benchmark::DoNotOptimize(runtime::parse_compact(t));
    for (auto& t : w.pod_texts) benchmark::DoNotOptimize(runtime::parse_compact(t));
  }
}
BENCHMARK(BM_ReadCached)->Unit(benchmark::kMicrosecond);

// decide() alone, on a parsed policy, status and observation: arg 0 a passing evaluation (nothing
// changes), 1 the first failing one (status changes).
void BM_Decide(benchmark::State& state) {
  const auto& w = world();
  const auto parsed = parse_policy(w.policy);
  const auto previous = PolicyStatus::from_json(w.policy.if_contains("status"));
  const auto obs = w.observation();
  const bool failing = state.range(0) == 1;
  const auto m = World::measurements(obs, parsed.policy, failing ? "0.31" : "0.004",
                                     failing ? SloResult::Fail : SloResult::Pass, w.now);
  bool changed = false;
  for (auto _ : state) {
    auto d = decide(parsed, obs, m, previous, w.now);
    changed = d.status_changed;
    benchmark::DoNotOptimize(d);
  }
  state.SetLabel(failing ? "first failing evaluation" : "passing, unchanged");
  state.counters["status_changed"] = changed;
}
BENCHMARK(BM_Decide)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// The whole round from the caches: status and spec parse, observation, the deployment SLO, decide,
// the status diff (same_but_timestamps) and, when it changed, the status body the write sends.
void BM_Round(benchmark::State& state) {
  const auto& w = world();
  const bool failing = state.range(0) == 1;
  std::size_t body = 0;
  for (auto _ : state) {
    auto object = runtime::parse_compact(w.policy_text);
    auto parsed = parse_policy(*object);
    auto previous = PolicyStatus::from_json(object->if_contains("status"));
    auto obs = w.observation();
    auto m = World::measurements(obs, parsed.policy, failing ? "0.31" : "0.004",
                                 failing ? SloResult::Fail : SloResult::Pass, w.now);
    auto d = decide(parsed, obs, m, previous, w.now);
    bool changed = !same_but_timestamps(previous, d.status);
    if (changed) body = json::serialize(d.status.to_json()).size();
    benchmark::DoNotOptimize(changed);
    benchmark::DoNotOptimize(d);
  }
  state.SetLabel(failing ? "first failing evaluation" : "passing, unchanged");
  state.counters["status_body_bytes"] = static_cast<double>(body);
}
BENCHMARK(BM_Round)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
