#pragma once
// The decision: (policy, observation, measurements, previous status, now) -> what to do and the
// status to write. Pure: no I/O, no clock, so every transition is a table test. The reconciler
// around it: observe -> (measure when the last decision asked) -> decide -> write status when
// status_changed -> act. The order matters for a rollback: the status carrying the intent
// (pendingRollback) is written first and the patch sent only once that write succeeded; the next
// decision confirms the intent when the restored template is observed, or re-issues the same
// rollback (a new action with the then-current resourceVersion) if the patch never applied. A crash
// anywhere in between therefore resumes, and never rolls back twice.
//
// The rules, where the issue leaves room:
//  - Every template is verified, the one running when the policy is created included: it becomes
//    last known good only after passing every SLO for stabilizationWindow with its rollout complete
//    (adopting it on sight would make a broken-but-available revision the rollback target).
//  - A round fails if any SLO fails; is inconclusive if any is inconclusive or unmeasured; else
//    passes. Pass resets both counters; an inconclusive round leaves the failure count. From
//    the inconclusiveThreshold-th consecutive inconclusive round on, each counts as failing.
//    While a rollout is still within its progress deadline, inconclusive rounds count nothing; nor
//    do rounds inconclusive only because a check runs within its own deadline (Measurement::pending).
//  - Counters saturate at their thresholds, SLO values and messages do not count as change: a
//    lasting state is not rewritten each interval (lastEvaluationTime is that of the last write).
//  - A breach on the last known good template is Degraded, never a rollback to something older.
//    No rollback either within cooldown of the last one, on a Deployment someone else paused, or
//    with nothing to roll back to; each is Degraded with the reason. DryRun reports once per template.
//  - manualRollback is carried out once per requestId, in DryRun and cooldown too, not while the
//    policy is paused (it waits). An unknown revision is reported with the available ones.
//  - A paused policy measures and reports; it neither rolls back nor holds.
//  - Events only on transitions; none for an evaluation that changed nothing.
#include <optional>
#include <string>
#include <vector>

#include "rollguard/observation.hpp"
#include "rollguard/policy.hpp"
#include "rollguard/slo.hpp"
#include "rollguard/status.hpp"

namespace rollguard {

enum class RollbackReason { SLOBreached, ProgressDeadline, Manual };

// A rollback whose patch keeps failing with 5xx / 429 / network errors for this long is reported as
// failing (Event and notification RollbackFailed), once; a refusal retrying cannot fix (403, an
// admission webhook's 400) is reported at once. The patch is retried either way.
inline constexpr Duration kRollbackFailingAfter = std::chrono::minutes{2};
const char* to_string(RollbackReason reason);

// Restore the template of ReplicaSet `target_replica_set` (kubectl rollout undo, without the
// pod-template-hash label), as a patch conditioned on `expected_resource_version`. When dry_run is
// set nothing is patched: the decision is only reported (status, Event).
struct RollbackAction {
  std::int64_t from_revision = 0;
  std::int64_t to_revision = 0;
  std::string target_replica_set;
  std::string template_hash;       // template_hash() of the target's template: check before patching
  std::string from_template_hash;  // what is being replaced
  std::string expected_resource_version;
  RollbackReason reason = RollbackReason::SLOBreached;
  std::string message;  // "rolled back 7 → 6: error-rate 0.31 > 0.05 for 3 evaluations"; for change-cause
  std::string request_id;  // Manual only
  bool dry_run = false;
  friend bool operator==(const RollbackAction&, const RollbackAction&) = default;
};

// Pause the Deployment (spec.paused: true): a template rollguard rejected came back.
struct HoldAction {
  std::int64_t revision = 0;           // the revision the rejected template came back as
  std::int64_t rejected_revision = 0;  // the revision it was rolled back from
  std::string template_hash;
  SystemTime rejected_at{};
  std::string reason;   // why it was rejected
  std::string message;  // for an annotation / the Event
  std::string expected_resource_version;
  friend bool operator==(const HoldAction&, const HoldAction&) = default;
};

// Unpause the Deployment. Only ever issued for a hold rollguard recorded in status (status.hold):
// a Deployment a person paused is never resumed. With a RollbackAction in the same decision (a
// manual rollback of a held Deployment) both may go in one patch.
struct ReleaseAction {
  std::string message;
  std::string expected_resource_version;
  friend bool operator==(const ReleaseAction&, const ReleaseAction&) = default;
};

enum class EventType { Normal, Warning };
const char* to_string(EventType type);

// An Event to record, regarding the Deployment, related to the policy.
struct EventNote {
  EventType type = EventType::Normal;
  std::string reason;  // UpperCamelCase
  std::string message;
  friend bool operator==(const EventNote&, const EventNote&) = default;
};

struct Decision {
  PolicyStatus status;
  // False when the status differs from the previous one in SLO values, messages and evaluation
  // times only: a passing, healthy policy writes nothing per evaluation.
  bool status_changed = false;
  std::optional<RollbackAction> rollback;
  std::optional<HoldAction> hold;
  std::optional<ReleaseAction> release;
  std::vector<EventNote> events;    // on transitions only, never one per unchanged evaluation
  Duration requeue_after{0};        // zero: wait for a change (an invalid spec)
  bool needs_measurements = false;  // run the evaluators before the next decision
};

// `measurements` must have been taken with evaluation_context() of this same observation (they
// are attributed to its current template); empty means "not measured this round" and counts
// nothing. A missing observation means the target Deployment does not exist.
Decision decide(const Policy& policy, const std::optional<Observation>& observation,
                const std::vector<Measurement>& measurements, const PolicyStatus& previous, SystemTime now);

// An invalid spec: phase Invalid, Ready=False reason InvalidSpec naming the fields; nothing else
// changes (what status remembers is kept for when the spec is fixed).
Decision decide_invalid(const Policy& policy, const std::vector<FieldError>& errors,
                        const PolicyStatus& previous, SystemTime now);

// decide or decide_invalid, by whether the spec parsed.
Decision decide(const PolicyOrErrors& parsed, const std::optional<Observation>& observation,
                const std::vector<Measurement>& measurements, const PolicyStatus& previous, SystemTime now);

// What the evaluators measure: the current revision, its ready pods, the last known good hash.
EvaluationContext evaluation_context(const Policy& policy, const Observation& observation,
                                     const PolicyStatus& status);

}  // namespace rollguard
