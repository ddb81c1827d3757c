#pragma once
// rollguard's own metrics beside the runtime's (controller_runtime_*, workqueue_*, watcher):
//   rollguard_rollbacks_total{namespace,policy,reason}          rollback patches that landed
//   rollguard_rollback_failures_total{namespace,policy}         rollback patches the API refused
//   rollguard_dry_run_rollbacks_total{namespace,policy}         "would roll back" decisions
//   rollguard_deployments_total{namespace,policy}               deployments observed (DORA, see dora.hpp)
//   rollguard_failed_deployments_total{namespace,policy,reason} ... that needed intervention (rollback,
//   manual, blocked) rollguard_time_to_first_failure_seconds{namespace,policy}   failed deployment -> first
//   failing evaluation rollguard_time_to_detect_seconds{namespace,policy}          failed deployment ->
//   rollback decision rollguard_time_to_recover_seconds{namespace,policy}         decision -> rolled-back
//   revision available rollguard_failed_deployment_recovery_seconds{namespace,policy}  failed deployment ->
//   recovered rollguard_slo_value{namespace,policy,slo}                   last measured value (when numeric)
//   rollguard_slo_status{namespace,policy,slo,result}           1, one series: the last result
//   rollguard_policy_phase{namespace,policy,phase}              1, one series: the current phase
//   rollguard_measurements_total{kind,result}                   measurements taken, by SLO kind and result
// Series of a deleted policy are removed (forget), so /metrics does not grow with churn.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rollguard/dora.hpp"
#include "rollguard/slo.hpp"

namespace rollguard {

class ControllerMetrics {
 public:
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

 private:
  struct PolicySeries;
  // A gauge at 1 whose label (key) carries the value; the series is replaced when the value changes.
  struct LabelledGauge {
    std::string value;
    prometheus::Gauge* gauge = nullptr;
  };
  PolicySeries& series(const std::string& ns, const std::string& policy);
  void dora_counters(PolicySeries& s, const std::string& ns, const std::string& policy);
  static void relabel(prometheus::Family<prometheus::Gauge>& family, LabelledGauge& series,
                      const prometheus::Labels& labels, const std::string& key);
  static void observe(prometheus::Family<prometheus::Histogram>& family, prometheus::Histogram*& histogram,
                      const std::string& ns, const std::string& policy, double seconds);

  prometheus::Family<prometheus::Counter>& rollbacks_;
  prometheus::Family<prometheus::Counter>& rollback_failures_;
  prometheus::Family<prometheus::Counter>& dry_runs_;
  prometheus::Family<prometheus::Counter>& deployments_;
  prometheus::Family<prometheus::Counter>& failed_deployments_;
  prometheus::Family<prometheus::Histogram>& first_failure_;
  prometheus::Family<prometheus::Histogram>& detect_;
  prometheus::Family<prometheus::Histogram>& recover_;
  prometheus::Family<prometheus::Histogram>& deployment_recovery_;
  prometheus::Family<prometheus::Gauge>& slo_value_;
  prometheus::Family<prometheus::Gauge>& slo_status_;
  prometheus::Family<prometheus::Gauge>& phase_;
  prometheus::Family<prometheus::Counter>& measurements_;
  std::map<std::pair<std::string, SloResult>, prometheus::Counter*> measured_;
  // Looked up several times per reconcile: hashed, not a tree of 10,000 long common-prefix keys.
  std::unordered_map<std::string, std::unique_ptr<PolicySeries>> policies_;
};

}  // namespace rollguard
