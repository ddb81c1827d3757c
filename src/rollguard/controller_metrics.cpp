#include "rollguard/controller_metrics.hpp"

#include <array>

namespace rollguard {

namespace {

const prometheus::Histogram::BucketBoundaries& duration_buckets() {
  // Detection is expected within seconds to minutes, recovery within minutes (the runbook's
  // targets are 2 and 15 minutes).
  static const prometheus::Histogram::BucketBoundaries buckets{1,   2,   5,   10,  20,   30,  60,
                                                               120, 300, 600, 900, 1800, 3600};
  return buckets;
}

constexpr std::array<const char*, 8> kPhases = {"Healthy",    "Verifying", "Degraded", "RollingBack",
                                                "RolledBack", "Blocked",   "Paused",   "Invalid"};
constexpr std::array<SloResult, 3> kResults = {SloResult::Pass, SloResult::Fail, SloResult::Inconclusive};

}  // namespace

struct ControllerMetrics::PolicySeries {
  std::map<std::string, prometheus::Counter*> rollbacks;  // by reason
  prometheus::Counter* failures = nullptr;
  prometheus::Counter* dry_runs = nullptr;
  prometheus::Histogram* detect = nullptr;
  prometheus::Histogram* recover = nullptr;
  std::map<std::string, prometheus::Gauge*> slo_values;
  std::map<std::string, std::array<prometheus::Gauge*, 3>> slo_status;
  std::map<std::string, prometheus::Gauge*> phases;
};

ControllerMetrics::ControllerMetrics(prometheus::Registry& registry)
    : rollbacks_(prometheus::BuildCounter()
                     .Name("rollguard_rollbacks_total")
                     .Help("Rollback patches that landed, by reason")
                     .Register(registry)),
      rollback_failures_(prometheus::BuildCounter()
                             .Name("rollguard_rollback_failures_total")
                             .Help("Rollback patches the API server refused")
                             .Register(registry)),
      dry_runs_(prometheus::BuildCounter()
                    .Name("rollguard_dry_run_rollbacks_total")
                    .Help("Rollbacks decided but not made (rollback.mode DryRun)")
                    .Register(registry)),
      detect_(prometheus::BuildHistogram()
                  .Name("rollguard_time_to_detect_seconds")
                  .Help("From a new revision's rollout to the decision to roll it back")
                  .Register(registry)),
      recover_(prometheus::BuildHistogram()
                   .Name("rollguard_time_to_recover_seconds")
                   .Help("From the rollback decision to the rolled-back revision being fully available")
                   .Register(registry)),
      slo_value_(prometheus::BuildGauge()
                     .Name("rollguard_slo_value")
                     .Help("Last measured value of an SLO (when it has a number)")
                     .Register(registry)),
      slo_status_(prometheus::BuildGauge()
                      .Name("rollguard_slo_status")
                      .Help("1 for the SLO's last result (Pass, Fail, Inconclusive), 0 for the others")
                      .Register(registry)),
      phase_(prometheus::BuildGauge()
                 .Name("rollguard_policy_phase")
                 .Help("1 for the policy's current phase, 0 for the others")
                 .Register(registry)),
      measurements_(prometheus::BuildCounter()
                        .Name("rollguard_measurements_total")
                        .Help("SLO measurements taken, by SLO kind and result (Inconclusive: could not "
                              "measure or no data)")
                        .Register(registry)) {}

ControllerMetrics::~ControllerMetrics() = default;

ControllerMetrics::PolicySeries& ControllerMetrics::series(const std::string& ns, const std::string& policy) {
  auto& slot = policies_[ns + "/" + policy];
  if (!slot) slot = std::make_unique<PolicySeries>();
  return *slot;
}

void ControllerMetrics::rollback(const std::string& ns, const std::string& policy,
                                 const std::string& reason) {
  auto& s = series(ns, policy);
  auto& c = s.rollbacks[reason];
  if (!c) c = &rollbacks_.Add({{"namespace", ns}, {"policy", policy}, {"reason", reason}});
  c->Increment();
}

void ControllerMetrics::rollback_failed(const std::string& ns, const std::string& policy) {
  auto& s = series(ns, policy);
  if (!s.failures) s.failures = &rollback_failures_.Add({{"namespace", ns}, {"policy", policy}});
  s.failures->Increment();
}

void ControllerMetrics::dry_run_rollback(const std::string& ns, const std::string& policy) {
  auto& s = series(ns, policy);
  if (!s.dry_runs) s.dry_runs = &dry_runs_.Add({{"namespace", ns}, {"policy", policy}});
  s.dry_runs->Increment();
}

void ControllerMetrics::time_to_detect(const std::string& ns, const std::string& policy, double seconds) {
  auto& s = series(ns, policy);
  if (!s.detect) s.detect = &detect_.Add({{"namespace", ns}, {"policy", policy}}, duration_buckets());
  s.detect->Observe(seconds);
}

void ControllerMetrics::time_to_recover(const std::string& ns, const std::string& policy, double seconds) {
  auto& s = series(ns, policy);
  if (!s.recover) s.recover = &recover_.Add({{"namespace", ns}, {"policy", policy}}, duration_buckets());
  s.recover->Observe(seconds);
}

void ControllerMetrics::measurement(const std::string& ns, const std::string& policy, const Measurement& m) {
  auto& s = series(ns, policy);
  if (m.numeric) {
    auto& g = s.slo_values[m.slo];
    if (!g) g = &slo_value_.Add({{"namespace", ns}, {"policy", policy}, {"slo", m.slo}});
    g->Set(*m.numeric);
  }
  auto it = s.slo_status.find(m.slo);
  if (it == s.slo_status.end()) {
    std::array<prometheus::Gauge*, 3> gauges{};
    for (std::size_t i = 0; i < kResults.size(); ++i) {
      gauges[i] = &slo_status_.Add(
          {{"namespace", ns}, {"policy", policy}, {"slo", m.slo}, {"result", to_string(kResults[i])}});
    }
    it = s.slo_status.emplace(m.slo, gauges).first;
  }
  for (std::size_t i = 0; i < kResults.size(); ++i) it->second[i]->Set(kResults[i] == m.result ? 1 : 0);
}

void ControllerMetrics::phase(const std::string& ns, const std::string& policy, const std::string& phase) {
  auto& s = series(ns, policy);
  if (s.phases.empty()) {
    for (auto* p : kPhases) s.phases[p] = &phase_.Add({{"namespace", ns}, {"policy", policy}, {"phase", p}});
  }
  for (auto& [name, gauge] : s.phases) gauge->Set(name == phase ? 1 : 0);
}

void ControllerMetrics::measured(const std::string& kind, SloResult result) {
  measurements_.Add({{"kind", kind}, {"result", to_string(result)}}).Increment();
}

void ControllerMetrics::forget(const std::string& ns, const std::string& policy) {
  auto it = policies_.find(ns + "/" + policy);
  if (it == policies_.end()) return;
  auto& s = *it->second;
  for (auto& [reason, c] : s.rollbacks) rollbacks_.Remove(c);
  if (s.failures) rollback_failures_.Remove(s.failures);
  if (s.dry_runs) dry_runs_.Remove(s.dry_runs);
  if (s.detect) detect_.Remove(s.detect);
  if (s.recover) recover_.Remove(s.recover);
  for (auto& [slo, g] : s.slo_values) slo_value_.Remove(g);
  for (auto& [slo, gauges] : s.slo_status) {
    for (auto* g : gauges) slo_status_.Remove(g);
  }
  for (auto& [name, g] : s.phases) phase_.Remove(g);
  policies_.erase(it);
}

}  // namespace rollguard
