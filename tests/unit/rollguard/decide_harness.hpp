#pragma once
// A hand-driven world for decide(): a fake Deployment that behaves like the Deployment controller
// (a template is a ReplicaSet; rolling back to a template renumbers its ReplicaSet as the newest
// revision), an API server that stores the status only when the decision says it changed (through
// JSON, as a restarted controller would read it back), and a clock advanced by hand.
#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "kube/time.hpp"
#include "rollguard/decide.hpp"

namespace rollguard::testing {

inline const SystemTime kStart = *kube::parse_time("2026-12-01T10:00:00Z");

class FakeDeployment {
 public:
  Observation obs;
  int patches_applied = 0;

  FakeDeployment() {
    obs.name = "api";
    obs.uid = "d-uid";
    obs.generation = obs.observed_generation = 1;
    obs.desired_replicas = 3;
    obs.resource_version = "100";
  }

  // Template `tmpl` becomes the current revision (new, or an old ReplicaSet renumbered).
  void deploy(const std::string& tmpl, bool complete = true) {
    std::int64_t next = 1;
    for (auto& rs : obs.replica_sets) next = std::max(next, rs.revision + 1);
    auto it = std::find_if(obs.replica_sets.begin(), obs.replica_sets.end(),
                           [&](auto& rs) { return rs.template_hash == tmpl; });
    if (it == obs.replica_sets.end()) {
      obs.replica_sets.push_back({"api-" + tmpl, next, "p" + tmpl, tmpl, 3, 3, 3});
    } else {
      it->revision = next;
    }
    std::sort(obs.replica_sets.begin(), obs.replica_sets.end(),
              [](auto& a, auto& b) { return a.revision < b.revision; });
    obs.current_revision = next;
    obs.current_template_hash = tmpl;
    obs.current_pod_template_hash = "p" + tmpl;
    obs.pods = {{"api-" + tmpl + "-a", "10.0.0.1", true, 0, "app", ""},
                {"api-" + tmpl + "-b", "", false, 0, "app", ""}};
    ++obs.generation;
    obs.observed_generation = obs.generation;
    set_complete(complete);
  }
  void set_complete(bool complete) {
    obs.updated_replicas = obs.available_replicas = complete ? 3 : 1;
    bump();
  }
  void set_paused(bool paused) {
    obs.paused = paused;
    bump();
  }
  // The patch as the API server applies it: only on the resourceVersion it is conditioned on.
  bool apply(const RollbackAction& action) {
    if (action.dry_run || action.expected_resource_version != obs.resource_version) return false;
    deploy(action.template_hash);
    ++patches_applied;
    return true;
  }
  void bump() { obs.resource_version = std::to_string(std::stoi(obs.resource_version) + 1); }
};

inline Policy error_rate_policy() {
  Policy p;
  p.name = "api-rbp";
  p.ns = "prod";
  p.uid = "p-uid";
  p.generation = 1;
  p.target_name = "api";
  p.interval = std::chrono::seconds(10);
  p.stabilization_window = std::chrono::minutes(1);
  p.failure_threshold = 3;
  p.inconclusive_threshold = 5;
  PrometheusSlo slo;
  slo.address = "http://prometheus:9090";
  slo.query = "x";
  slo.max = 0.05;
  p.slos = {{"error-rate", slo}};
  return p;
}

inline Measurement pass(const std::string& slo = "error-rate", const std::string& value = "0.01") {
  return {slo, SloResult::Pass, value, "<= 0.05", "", 0.01, {}};
}
inline Measurement fail(const std::string& slo = "error-rate", const std::string& value = "0.31") {
  return {slo, SloResult::Fail, value, "<= 0.05", "error ratio above maximum", 0.31, {}};
}
inline Measurement inconclusive(const std::string& slo = "error-rate") {
  return {slo, SloResult::Inconclusive, "", "<= 0.05", "no data", std::nullopt, {}};
}

struct Harness {
  Policy policy = error_rate_policy();
  FakeDeployment deployment;
  bool target_exists = true;
  PolicyStatus stored;  // what the API server holds
  SystemTime now = kStart;
  int writes = 0;
  Decision last;

  // One reconcile at `now`: decide, then store the status if it changed (through its JSON).
  const Decision& run(std::vector<Measurement> measurements = {}) {
    std::optional<Observation> obs;
    if (target_exists) obs = deployment.obs;
    last = decide(policy, obs, measurements, stored, now);
    if (last.status_changed) {
      boost::json::value json = last.status.to_json();
      stored = PolicyStatus::from_json(&json);
      ++writes;
    }
    return last;
  }
  // The next evaluation, one interval later.
  const Decision& tick(std::vector<Measurement> measurements) {
    now += policy.interval;
    return run(std::move(measurements));
  }
  // Evaluations until `d` has passed, all with `m`.
  void keep(const Measurement& m, Duration d) {
    for (auto end = now + d; now < end;) tick({m});
  }
  // Template t1 deployed and promoted to last known good.
  void healthy_on(const std::string& tmpl) {
    deployment.deploy(tmpl);
    run({pass()});
    keep(pass(), policy.stabilization_window);
  }
  const kube::Condition* condition(std::string_view type) const {
    return kube::find_condition(stored.conditions, type);
  }
  bool has_event(std::string_view reason) const {
    return std::any_of(last.events.begin(), last.events.end(), [&](auto& e) { return e.reason == reason; });
  }
};

}  // namespace rollguard::testing
