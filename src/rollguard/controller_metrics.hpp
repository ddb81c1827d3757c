#pragma once
// rollguard's own metrics beside the runtime's (controller_runtime_*, workqueue_*, watcher):
//   rollguard_rollbacks_total{namespace,policy,reason}         rollback patches that landed
//   rollguard_rollback_failures_total{namespace,policy}        rollback patches the API refused
//   rollguard_dry_run_rollbacks_total{namespace,policy}        "would roll back" decisions
//   rollguard_deployments_total{namespace,policy}              deployments observed (DORA, dora.hpp)
//   rollguard_failed_deployments_total{namespace,policy,reason}
//                                       ... that needed intervention (rollback, manual, blocked)
//   rollguard_time_to_first_failure_seconds{namespace,policy}  failed deployment -> first failing
//                                                              evaluation
//   rollguard_time_to_detect_seconds{namespace,policy}         failed deployment -> rollback decision
//   rollguard_time_to_recover_seconds{namespace,policy}        decision -> rolled-back revision available
//   rollguard_failed_deployment_recovery_seconds{namespace,policy}
//                                       failed deployment -> recovered
//   rollguard_slo_value{namespace,policy,slo}                  last measured value (when numeric)
//   rollguard_slo_status{namespace,policy,slo,result}          1, one series: the last result
//   rollguard_policy_phase{namespace,policy,phase}             1, one series: the current phase
//   rollguard_measurements_total{kind,result}                  measurements taken, by SLO kind and result
// Series of a deleted policy are removed (forget), so /metrics does not grow with churn.
// The per-policy families are kept as plain numbers and written as text at each scrape
// (append_text), not as prometheus-cpp series: at 10,000 policies those were 70,000 series, about
// 80 MiB of label maps and hash nodes, and building the scrape from them added 35 MiB more.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "rollguard/dora.hpp"
#include "rollguard/slo.hpp"

namespace rollguard {

class ControllerMetrics {
 public:
  // rollguard_measurements_total (a handful of series) goes into the registry; the per-policy
  // families are written by append_text.
  explicit ControllerMetrics(prometheus::Registry& registry);
  ~ControllerMetrics();

  void rollback(const std::string& ns, const std::string& policy, const std::string& reason);
  void rollback_failed(const std::string& ns, const std::string& policy);
  void dry_run_rollback(const std::string& ns, const std::string& policy);
  // What a successfully written status newly says (dora_figures): counters and histograms.
  void dora(const std::string& ns, const std::string& policy, const DoraFigures& figures);
  void measurement(const std::string& ns, const std::string& policy, const Measurement& m);
  void phase(const std::string& ns, const std::string& policy, const std::string& phase);
  // Counts one measurement of an SLO of this kind (deployment, http, prometheus, webhook).
  void measured(const std::string& kind, SloResult result);
  // Drops every series of the policy (it was deleted).
  void forget(const std::string& ns, const std::string& policy);

  // Appends the per-policy families in the text format 0.0.4 (HELP and TYPE, then the series ordered
  // by namespace/policy); /metrics serves it after the registry's text.
  void append_text(std::string& out) const;

 private:
  struct PolicySeries;
  PolicySeries& series(const std::string& ns, const std::string& policy);

  prometheus::Family<prometheus::Counter>& measurements_;
  std::map<std::pair<std::string, SloResult>, prometheus::Counter*> measured_;
  // Reconciles write, scrapes read, possibly from other threads than the reconciles'.
  mutable std::mutex mutex_;
  // "namespace/policy" -> its series; looked up several times per reconcile: hashed.
  std::unordered_map<std::string, std::unique_ptr<PolicySeries>> policies_;
  // "ns/policy" in key_, the lookup buffer reused under mutex_.
  const std::string& key(const std::string& ns, const std::string& policy);
  std::string key_;
};

}  // namespace rollguard
