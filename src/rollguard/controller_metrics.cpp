#include "rollguard/controller_metrics.hpp"

#include <array>

namespace rollguard {

namespace {

const prometheus::Histogram::BucketBoundaries& duration_buckets() {
  // Detection is expected within seconds to minutes, recovery within minutes (the runbook's
  // targets are 2 and 15 minutes); a manual rollback may come hours after the deployment. Status
  // times are whole seconds, so nothing finer than 1 s.
  static const prometheus::Histogram::BucketBoundaries buckets{
      1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400};
  return buckets;
}

double seconds_between(SystemTime from, SystemTime to) {
  return std::chrono::duration<double>(to - from).count();
}

constexpr std::array<FailureReason, 3> kFailureReasons = {FailureReason::Rollback, FailureReason::Manual,
                                                          FailureReason::Blocked};

}  // namespace

struct ControllerMetrics::PolicySeries {
  std::map<std::string, prometheus::Counter*> rollbacks;  // by reason
  prometheus::Counter* failures = nullptr;
  prometheus::Counter* dry_runs = nullptr;
  prometheus::Counter* deployments = nullptr;
  std::map<std::string, prometheus::Counter*> failed_deployments;  // by reason
  prometheus::Histogram* first_failure = nullptr;
  prometheus::Histogram* detect = nullptr;
  prometheus::Histogram* recover = nullptr;
  prometheus::Histogram* deployment_recovery = nullptr;
  std::map<std::string, prometheus::Gauge*> slo_values;
  // One series per SLO and one per policy, labelled with the current result / phase: a series per
  // possible value at 0 was 10 of a policy's 16 series, most of the controller's memory at 10,000
  // policies (README, Benchmarks).
  std::map<std::string, LabelledGauge> slo_status;
  LabelledGauge phase;
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
      deployments_(prometheus::BuildCounter()
                       .Name("rollguard_deployments_total")
                       .Help("Deployments observed: new revisions rolled out by people (not rollguard's "
                             "rollbacks, not the last known good coming back)")
                       .Register(registry)),
      failed_deployments_(prometheus::BuildCounter()
                              .Name("rollguard_failed_deployments_total")
                              .Help("Deployments that needed immediate intervention, by reason (rollback, "
                                    "manual, blocked)")
                              .Register(registry)),
      first_failure_(prometheus::BuildHistogram()
                         .Name("rollguard_time_to_first_failure_seconds")
                         .Help("From a failed deployment to its first failing evaluation")
                         .Register(registry)),
      detect_(prometheus::BuildHistogram()
                  .Name("rollguard_time_to_detect_seconds")
                  .Help("From a failed deployment to the decision to roll it back")
                  .Register(registry)),
      recover_(prometheus::BuildHistogram()
                   .Name("rollguard_time_to_recover_seconds")
                   .Help("From the rollback decision to the rolled-back revision being fully available")
                   .Register(registry)),
      deployment_recovery_(prometheus::BuildHistogram()
                               .Name("rollguard_failed_deployment_recovery_seconds")
                               .Help("From a failed deployment to recovered (the rolled-back revision fully "
                                     "available)")
                               .Register(registry)),
      slo_value_(prometheus::BuildGauge()
                     .Name("rollguard_slo_value")
                     .Help("Last measured value of an SLO (when it has a number)")
                     .Register(registry)),
      slo_status_(prometheus::BuildGauge()
                      .Name("rollguard_slo_status")
                      .Help("1, labelled with the SLO's last result (Pass, Fail, Inconclusive)")
                      .Register(registry)),
      phase_(prometheus::BuildGauge()
                 .Name("rollguard_policy_phase")
                 .Help("1, labelled with the policy's current phase")
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

void ControllerMetrics::observe(prometheus::Family<prometheus::Histogram>& family,
                                prometheus::Histogram*& histogram, const std::string& ns,
                                const std::string& policy, double seconds) {
  if (!histogram) histogram = &family.Add({{"namespace", ns}, {"policy", policy}}, duration_buckets());
  histogram->Observe(seconds);
}

void ControllerMetrics::dora_counters(PolicySeries& s, const std::string& ns, const std::string& policy) {
  if (s.deployments) return;
  s.deployments = &deployments_.Add({{"namespace", ns}, {"policy", policy}});
  for (auto reason : kFailureReasons) {
    s.failed_deployments[to_string(reason)] =
        &failed_deployments_.Add({{"namespace", ns}, {"policy", policy}, {"reason", to_string(reason)}});
  }
}

void ControllerMetrics::dora(const std::string& ns, const std::string& policy, const DoraFigures& figures) {
  auto& s = series(ns, policy);
  dora_counters(s, ns, policy);
  s.deployments->Increment(static_cast<double>(figures.deployments.size()));
  for (auto& failed : figures.failed) {
    s.failed_deployments.at(to_string(failed.reason))->Increment();
    if (failed.reason == FailureReason::Blocked) continue;  // held on sight: nothing was detected
    if (failed.first_failure_at) {
      observe(first_failure_, s.first_failure, ns, policy,
              seconds_between(failed.deployed_at, *failed.first_failure_at));
    }
    observe(detect_, s.detect, ns, policy, seconds_between(failed.deployed_at, failed.decided_at));
  }
  if (auto& recovery = figures.recovery) {
    observe(recover_, s.recover, ns, policy, seconds_between(recovery->decided_at, recovery->recovered_at));
    if (recovery->deployed_at) {
      observe(deployment_recovery_, s.deployment_recovery, ns, policy,
              seconds_between(*recovery->deployed_at, recovery->recovered_at));
    }
  }
}

void ControllerMetrics::measurement(const std::string& ns, const std::string& policy, const Measurement& m) {
  auto& s = series(ns, policy);
  if (m.numeric) {
    auto& g = s.slo_values[m.slo];
    if (!g) g = &slo_value_.Add({{"namespace", ns}, {"policy", policy}, {"slo", m.slo}});
    g->Set(*m.numeric);
  }
  relabel(slo_status_, s.slo_status[m.slo],
          {{"namespace", ns}, {"policy", policy}, {"slo", m.slo}, {"result", to_string(m.result)}}, "result");
}

void ControllerMetrics::phase(const std::string& ns, const std::string& policy, const std::string& phase) {
  auto& s = series(ns, policy);
  // Every reconcile sets the phase, so the policy's DORA counters exist at 0 from its first one: a
  // counter that appears at 1 is no increase() to Prometheus, and the first deployment would be lost.
  dora_counters(s, ns, policy);
  relabel(phase_, s.phase, {{"namespace", ns}, {"policy", policy}, {"phase", phase}}, "phase");
}

void ControllerMetrics::relabel(prometheus::Family<prometheus::Gauge>& family, LabelledGauge& series,
                                const prometheus::Labels& labels, const std::string& key) {
  const auto& value = labels.at(key);
  if (series.gauge && series.value == value) return;
  // The old value's series goes at once: a query for the current phase never sees two.
  if (series.gauge) family.Remove(series.gauge);
  series.gauge = &family.Add(labels);
  series.gauge->Set(1);
  series.value = value;
}

void ControllerMetrics::measured(const std::string& kind, SloResult result) {
  // Add() builds and hashes the label set under the family's lock: once per evaluation of every
  // policy was a visible share of the steady CPU, so the few (kind, result) counters are kept.
  auto& counter = measured_[{kind, result}];
  if (!counter) counter = &measurements_.Add({{"kind", kind}, {"result", to_string(result)}});
  counter->Increment();
}

void ControllerMetrics::forget(const std::string& ns, const std::string& policy) {
  auto it = policies_.find(ns + "/" + policy);
  if (it == policies_.end()) return;
  auto& s = *it->second;
  for (auto& [reason, c] : s.rollbacks) rollbacks_.Remove(c);
  if (s.failures) rollback_failures_.Remove(s.failures);
  if (s.dry_runs) dry_runs_.Remove(s.dry_runs);
  if (s.deployments) deployments_.Remove(s.deployments);
  for (auto& [reason, c] : s.failed_deployments) failed_deployments_.Remove(c);
  if (s.first_failure) first_failure_.Remove(s.first_failure);
  if (s.detect) detect_.Remove(s.detect);
  if (s.recover) recover_.Remove(s.recover);
  if (s.deployment_recovery) deployment_recovery_.Remove(s.deployment_recovery);
  for (auto& [slo, g] : s.slo_values) slo_value_.Remove(g);
  for (auto& [slo, status] : s.slo_status) slo_status_.Remove(status.gauge);
  if (s.phase.gauge) phase_.Remove(s.phase.gauge);
  policies_.erase(it);
}

}  // namespace rollguard
