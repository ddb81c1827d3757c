#pragma once
// Internal to decide(): the state one decision works on, and its steps, split by concept across
// decide.cpp (flow, revisions, holds), decide_evaluate.cpp (a round of measurements),
// decide_rollback.cpp (rollbacks, manual) and decide_conditions.cpp (conditions, summaries).
#include <string>
#include <vector>

#include "rollguard/decide.hpp"

namespace rollguard::decision {

struct Step {
  const Policy& policy;
  const Observation& obs;
  const std::vector<Measurement>& measurements;
  const PolicyStatus& previous;
  SystemTime now;  // whole seconds, as status stores it, so a round trip through JSON is exact
  Decision d;

  PolicyStatus& s() { return d.status; }
  const PolicyStatus& s() const { return d.status; }
  const std::string& current_template() const { return obs.current_template_hash; }
  bool on_last_known_good() const {
    return !d.status.last_known_good_template_hash.empty() &&
           d.status.last_known_good_template_hash == obs.current_template_hash;
  }
  void event(EventType type, std::string reason, std::string message) {
    d.events.push_back({type, std::move(reason), std::move(message)});
  }
  void history(std::string type, std::string message, std::int64_t from = 0, std::int64_t to = 0) {
    add_history(d.status, {now, std::move(type), std::move(message), from, to});
  }
};

// decide.cpp
// Forgets the evaluation of the previous template: counters, timers, per-SLO results.
void clear_evaluation(PolicyStatus& status);
std::string revision_text(std::int64_t revision);

// decide_evaluate.cpp
// Folds the round's measurements into status, counts it, promotes a stable revision, sets the
// phase, and on a breach acts (act_on_breach) or says why not.
void evaluate(Step& step);

// decide_rollback.cpp
// A pending intent: confirmed, re-issued or superseded. Returns true when the decision is complete.
bool resolve_pending_rollback(Step& step);
// The restored template of the last rollback runs with its rollout complete: recoveredAt, once.
void note_recovery(Step& step);
// spec.manualRollback with a new requestId. Returns true when the decision is complete.
bool handle_manual_rollback(Step& step);
// A breach on a revision that is not last known good: roll back, or say why not.
void act_on_breach(Step& step);
// Starts a rollback to `target`; records intent, rejection, history, Event.
void start_rollback(Step& step, const ReplicaSetInfo& target, RollbackReason reason, std::string why);

// decide_notify.cpp
// The decision's notifiable transitions into status.notifications (outbox, incident).
void record_notifications(Step& step);

// decide_conditions.cpp
void set_conditions(Step& step);
// "error-rate 0.31 > 0.05, latency-p99 1.2 > 0.5": the failing SLOs of the latest results.
std::string breach_summary(const PolicyStatus& status);
std::string failing_names(const PolicyStatus& status, SloResult result);

}  // namespace rollguard::decision
