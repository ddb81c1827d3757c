#pragma once
// The DORA figures of one decision, read from the status it wrote (pure: no clock, no I/O).
//
// With the current DORA definitions (dora.dev): change fail rate = the share of deployments that
// needed immediate intervention; failed deployment recovery time = from the failed deployment to
// recovered. Here:
//  - a deployment is a template a person (or their pipeline) rolled out: a `NewRevision` entry
//    that replaced another revision, or a rejected template coming back (`Held`). Not the first
//    template a policy sees (deployed before it watched: `NewRevision` from revision 0), not the
//    revision a rollguard rollback creates (`RollbackCompleted`), not the last known good template
//    coming back (`LastKnownGoodRunning`).
//  - it failed when it was rolled back (`RollbackStarted` from it: automatic, or a manual
//    rollback) or blocked (`Held`): once per deployment, however many rollbacks it took.
//  - it recovered when the restored template's rollout was complete (`lastRollback.recoveredAt`).
//    A blocked deployment recovers only if it is then rolled back (manually); otherwise it stays
//    held until the next deployment, which is not counted as its recovery.
//
// Everything is derived from what `written` newly contains against `previous` (the history entries
// the decision appended, a recoveredAt that is new), so a decision that is re-run because its status
// write failed counts nothing twice: the caller passes the status it wrote successfully and the one
// it decided from.
#include <cstdint>
#include <optional>
#include <vector>

#include "rollguard/slo.hpp"
#include "rollguard/status.hpp"

namespace rollguard {

enum class FailureReason {
  Rollback,  // rolled back automatically (SLOBreached, ProgressDeadline)
  Manual,    // rolled back by spec.manualRollback
  Blocked,   // a rejected template came back and was held
};
// "rollback", "manual", "blocked" (the metric label)
const char* to_string(FailureReason reason);

struct FailedDeployment {
  std::int64_t revision = 0;
  FailureReason reason = FailureReason::Rollback;
  SystemTime deployed_at{};                    // the NewRevision / Held entry
  SystemTime decided_at{};                     // RollbackStarted / Held
  std::optional<SystemTime> first_failure_at;  // first failing evaluation (none for a block, maybe
                                               // none for a manual rollback)
  friend bool operator==(const FailedDeployment&, const FailedDeployment&) = default;
};

struct Recovery {
  std::int64_t revision = 0;  // the revision rolled back from
  SystemTime decided_at{};    // lastRollback.startedAt
  SystemTime recovered_at{};  // lastRollback.recoveredAt
  // When the revision rolled back from was a deployment (so a failed one: rolled back by this
  // rollback, or blocked before): its deployment time. A rollback of something else, e.g. of the
  // first template the policy saw, has none.
  std::optional<SystemTime> deployed_at;
  friend bool operator==(const Recovery&, const Recovery&) = default;
};

struct DoraFigures {
  std::vector<std::int64_t> deployments;  // revisions deployed (at most one per decision in practice)
  std::vector<FailedDeployment> failed;
  std::optional<Recovery> recovery;
  bool empty() const { return deployments.empty() && failed.empty() && !recovery; }
  friend bool operator==(const DoraFigures&, const DoraFigures&) = default;
};

DoraFigures dora_figures(const PolicyStatus& previous, const PolicyStatus& written);

// How many entries at the end of `written.history` are new against `previous.history` (both bounded
// to kMaxHistory: the oldest may have been dropped to make room).
std::size_t appended_history(const std::vector<HistoryEntry>& previous,
                             const std::vector<HistoryEntry>& written);

}  // namespace rollguard
