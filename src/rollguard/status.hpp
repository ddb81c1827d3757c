#pragma once
// RollbackPolicy status: what the controller has observed and decided, and its memory. A restarted
// controller (or the other replica after a leader change) resumes from it, so it holds every fact
// a decision depends on: the last known good template, counters, a rollback intent not yet
// confirmed, rejected templates, handled manual requests.
// from_json is tolerant: a status is written by us, but anyone with /status access can write junk,
// and a junk field must cost that field, never the controller.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kube/condition.hpp"
#include "rollguard/slo.hpp"

namespace rollguard {

enum class Phase {
  Pending,      // nothing observed yet, or the target Deployment does not exist
  Healthy,      // the current template is the last known good one and meets its SLOs
  Verifying,    // a new template is being measured
  Degraded,     // SLOs breached and no rollback is possible or allowed (on the last known good, cooldown,
                // DryRun, nothing to roll back to)
  RollingBack,  // a rollback intent is recorded and the patch not yet confirmed
  RolledBack,   // the Deployment runs the template rollguard restored
  Blocked,      // a rejected template came back: the Deployment is held (spec.paused)
  Paused,       // spec.paused: measuring and reporting only
  Invalid,      // the spec does not validate
};
const char* to_string(Phase phase);
std::optional<Phase> parse_phase(std::string_view text);

// Condition types and the status field names tools read.
inline constexpr std::string_view kReady = "Ready";
inline constexpr std::string_view kSlosMet = "SLOsMet";
inline constexpr std::string_view kRolledBack = "RolledBack";
inline constexpr std::string_view kBlocked = "Blocked";

// The last written result of one SLO. value and message are those of the evaluation at
// last_evaluation_time; they are refreshed whenever status is written for another reason.
struct SloStatus {
  std::string name;
  SloResult result = SloResult::Inconclusive;
  std::string value;
  std::string threshold;
  std::string message;
  SystemTime last_evaluation_time{};
  SystemTime last_transition_time{};  // when result last changed
  friend bool operator==(const SloStatus&, const SloStatus&) = default;
};

// What a rollback was, for people and tools (lastRollback).
struct RollbackRecord {
  std::int64_t from_revision = 0;
  std::int64_t to_revision = 0;
  std::string from_template_hash;
  std::string to_template_hash;
  std::string reason;  // SLOBreached | ProgressDeadline | Manual
  std::string message;
  std::string request_id;                  // Manual only
  std::vector<SloStatus> measurements;     // the failing ones that caused it
  std::optional<SystemTime> detected_at;   // first failing evaluation
  std::optional<SystemTime> started_at;    // intent recorded
  std::optional<SystemTime> completed_at;  // restored template observed on the Deployment
  // The restored template's rollout complete (every replica updated and available): the end of the
  // incident, in status so that the recovery is counted once, also across restarts.
  std::optional<SystemTime> recovered_at;
  friend bool operator==(const RollbackRecord&, const RollbackRecord&) = default;
};

// The rollback intent (pendingRollback), written before the patch and cleared once the target
// template is observed: after a crash in between, the next decision sees it and either confirms
// it or re-sends the same patch (whose precondition makes a second application impossible).
struct PendingRollback {
  std::int64_t from_revision = 0;
  std::int64_t to_revision = 0;
  std::string from_template_hash;
  std::string target_template_hash;
  std::string target_replica_set;
  std::string resource_version;  // of the Deployment the patch is conditioned on
  std::string reason;
  std::string request_id;
  SystemTime started_at{};
  // The API server's answers to the patch that were neither success nor a failed precondition (the
  // reconciler records them; decide reports a rollback that keeps failing once, as RollbackFailed).
  int failed_attempts = 0;
  std::string last_error;             // "403 Forbidden: deployments.apps \"web\" is forbidden: ..."
  bool last_error_permanent = false;  // not a 5xx, 429 or network error: retrying will not help
  bool failure_reported = false;
  friend bool operator==(const PendingRollback&, const PendingRollback&) = default;
};

// A template rollguard rolled back from; if it comes back (GitOps self-heal), it is held.
struct RejectedTemplate {
  std::string template_hash;
  std::int64_t revision = 0;
  SystemTime rejected_at{};
  std::string reason;
  friend bool operator==(const RejectedTemplate&, const RejectedTemplate&) = default;
};

// rollguard paused the Deployment (spec.paused) because a rejected template came back. Only a hold
// recorded here is ever released by rollguard: a Deployment a person paused stays paused.
struct Hold {
  std::string template_hash;
  std::int64_t revision = 0;           // the revision number the template came back as
  std::int64_t rejected_revision = 0;  // the one it was rejected as
  SystemTime since{};
  std::string reason;
  // The Deployment was seen paused since: only then does an unpaused Deployment mean a person
  // resumed it (before, the pause patch may simply not have applied yet).
  bool confirmed = false;
  friend bool operator==(const Hold&, const Hold&) = default;
};

// A DryRun rollback that was reported, so it is reported once per template, not per evaluation.
struct DryRunRecord {
  std::int64_t from_revision = 0;
  std::int64_t to_revision = 0;
  std::string template_hash;
  std::string message;
  SystemTime at{};
  friend bool operator==(const DryRunRecord&, const DryRunRecord&) = default;
};

// One line of the incident timeline.
struct HistoryEntry {
  SystemTime time{};
  std::string type;  // NewRevision, LastKnownGood, RollbackStarted, RollbackCompleted, ...
  std::string message;
  std::int64_t from_revision = 0;
  std::int64_t to_revision = 0;
  friend bool operator==(const HistoryEntry&, const HistoryEntry&) = default;
};

// One notifiable event (status.notifications.outbox), written in the same status write as the
// decision that caused it and kept until every receiver that wants it confirmed delivery: a
// controller that crashes after the write sends it after its restart. Everything a payload needs
// is here, so a delivery never depends on a later status.
struct OutboxEntry {
  std::string key;       // idempotency key: policy uid / event / revision / time; the same on every retry
  std::string event;     // SLOBreached, RollbackStarted, RolledBack, RollbackFailed, Blocked, Recovered
  SystemTime time{};     // of the transition
  std::string severity;  // info, warning, critical
  std::string deployment;
  std::int64_t revision = 0;  // the Deployment's revision the event is about
  std::int64_t from_revision = 0;
  std::int64_t to_revision = 0;
  std::string reason;           // SLOBreached, ProgressDeadline, Manual, or the Event reason of a failure
  std::string summary;          // "error-rate 0.31 > 0.05", or why (failures, holds)
  std::string message;          // the decision's sentence
  std::vector<SloStatus> slos;  // the failing ones
  std::optional<SystemTime> detected_at;
  std::optional<SystemTime> started_at;
  std::optional<SystemTime> completed_at;
  // The incident this belongs to: its start (an Alertmanager alert's startsAt) and its opening
  // severity (the alert's severity label).
  std::optional<SystemTime> incident_since;
  std::string incident_severity;
  std::vector<std::string> receivers;  // not yet confirmed
  friend bool operator==(const OutboxEntry&, const OutboxEntry&) = default;
};

// An open incident (status.notifications.incident): from the first breach, rollback, failure or
// hold until the Deployment is healthy again (Recovered). Alertmanager alerts are re-posted while
// it is open, so they do not expire.
struct Incident {
  SystemTime since{};
  std::string deployment;
  std::string severity;  // of the event that opened it; an alert's severity label for its life
  std::string event;     // the latest
  std::string text;      // the latest notification's one line
  std::string message;
  friend bool operator==(const Incident&, const Incident&) = default;
};

inline constexpr std::size_t kMaxOutbox = 16;
inline constexpr std::size_t kMaxDelivered = 32;

struct NotificationStatus {
  std::vector<OutboxEntry> outbox;     // oldest first, at most kMaxOutbox
  std::vector<std::string> delivered;  // keys confirmed by every receiver, newest last, at most kMaxDelivered
  std::optional<Incident> incident;
  bool empty() const { return outbox.empty() && delivered.empty() && !incident; }
  friend bool operator==(const NotificationStatus&, const NotificationStatus&) = default;
};

inline constexpr std::size_t kMaxHistory = 20;
inline constexpr std::size_t kMaxRejectedTemplates = 10;
inline constexpr std::size_t kMaxHandledRequests = 10;

struct PolicyStatus {
  std::int64_t observed_generation = 0;
  Phase phase = Phase::Pending;
  std::string message;  // one line: why the phase is what it is

  std::int64_t current_revision = 0;
  std::string current_template_hash;      // template_hash() of the running template
  std::string current_pod_template_hash;  // its pod-template-hash label (what Prometheus sees)
  std::int64_t last_known_good_revision = 0;
  std::string last_known_good_template_hash;
  std::string last_known_good_pod_template_hash;

  std::optional<SystemTime> verifying_since;  // the current template was first seen
  std::optional<SystemTime> healthy_since;    // start of the current run of passing evaluations
  std::optional<SystemTime> failing_since;    // start of the current run of failing evaluations
  int consecutive_failures = 0;               // saturates at failureThreshold
  int consecutive_inconclusive = 0;           // saturates at inconclusiveThreshold
  std::string failing_slo;                    // names of the failing SLOs, comma-separated (printer column)
  std::vector<SloStatus> slos;

  std::optional<RollbackRecord> last_rollback;
  std::optional<PendingRollback> pending_rollback;
  std::optional<DryRunRecord> last_dry_run;
  std::optional<Hold> hold;
  bool resume_pending = false;  // a hold was released; unpause until the Deployment is seen unpaused
  std::vector<RejectedTemplate> rejected_templates;  // newest last, at most kMaxRejectedTemplates
  std::vector<std::string> handled_requests;         // manualRollback requestIds, newest last
  std::vector<HistoryEntry> history;                 // newest last, at most kMaxHistory
  std::vector<kube::Condition> conditions;
  NotificationStatus notifications;

  boost::json::object to_json() const;
  // Never throws; unknown or mistyped fields are skipped, null gives the empty status.
  static PolicyStatus from_json(const boost::json::value* status);
  friend bool operator==(const PolicyStatus&, const PolicyStatus&) = default;
};

// Equal but for what moves on every evaluation without changing any decision: SLO values,
// messages and evaluation times. Decides whether a status write is needed.
bool same_but_timestamps(const PolicyStatus& a, const PolicyStatus& b);

// Appends, dropping the oldest entries beyond the bound.
void add_history(PolicyStatus& status, HistoryEntry entry);
void add_rejected(PolicyStatus& status, RejectedTemplate rejected);
const RejectedTemplate* find_rejected(const PolicyStatus& status, std::string_view template_hash);
bool request_handled(const PolicyStatus& status, std::string_view request_id);
void mark_request_handled(PolicyStatus& status, std::string request_id);

}  // namespace rollguard
