#include "rollguard/dora.hpp"

#include <algorithm>
#include <string_view>

namespace rollguard {

namespace {

// Entries after which a different template runs (decide appends one whenever the template under
// test changes): they close the window of one deployment.
bool changes_template(std::string_view type) {
  return type == "NewRevision" || type == "Held" || type == "LastKnownGoodRunning" ||
         type == "RollbackCompleted" || type == "RollbackSuperseded";
}

bool is_deployment(const HistoryEntry& entry) {
  return (entry.type == "NewRevision" && entry.from_revision > 0) || entry.type == "Held";
}

// The deployment that the RollbackStarted at history[index] rolls back: the entry that started the
// template it replaces, when that was a deployment (not the first template the policy saw, not a
// restored one, not older than the bounded history), and whether it had failed before (rolled
// back earlier, or blocked).
struct RolledBack {
  const HistoryEntry* deployed = nullptr;
  bool failed_before = false;
};
RolledBack deployment_rolled_back(const std::vector<HistoryEntry>& history, std::size_t index) {
  const auto& started = history[index];
  bool failed_before = false;
  for (std::size_t i = index; i-- > 0;) {
    const auto& entry = history[i];
    if (entry.type == "RollbackStarted" && entry.from_revision == started.from_revision) failed_before = true;
    if (!changes_template(entry.type)) continue;
    if (!is_deployment(entry) || entry.to_revision != started.from_revision) return {};
    return {&entry, failed_before || entry.type == "Held"};
  }
  return {};
}

FailureReason reason_of(const PolicyStatus& written, const HistoryEntry& started) {
  const auto& last = written.last_rollback;
  if (last && last->started_at == started.time && last->reason == "Manual") return FailureReason::Manual;
  return FailureReason::Rollback;
}

}  // namespace

const char* to_string(FailureReason reason) {
  switch (reason) {
    case FailureReason::Rollback:
      return "rollback";
    case FailureReason::Manual:
      return "manual";
    case FailureReason::Blocked:
      return "blocked";
  }
  return "rollback";
}

std::size_t appended_history(const std::vector<HistoryEntry>& previous,
                             const std::vector<HistoryEntry>& written) {
  const std::size_t n = written.size();
  const std::size_t p = previous.size();
  // The fewest new entries for which the rest of `written` is the end of `previous`.
  for (std::size_t added = n > p ? n - p : 0; added <= n; ++added) {
    const std::size_t kept = n - added;
    if (kept > p) continue;
    if (std::equal(written.begin(), written.begin() + static_cast<std::ptrdiff_t>(kept),
                   previous.end() - static_cast<std::ptrdiff_t>(kept)))
      return added;
  }
  return n;
}

DoraFigures dora_figures(const PolicyStatus& previous, const PolicyStatus& written) {
  DoraFigures figures;
  const auto& history = written.history;
  const std::size_t added = appended_history(previous.history, history);
  for (std::size_t i = history.size() - added; i < history.size(); ++i) {
    const auto& entry = history[i];
    if (is_deployment(entry)) figures.deployments.push_back(entry.to_revision);
    if (entry.type == "Held") {
      figures.failed.push_back(
          {entry.to_revision, FailureReason::Blocked, entry.time, entry.time, std::nullopt});
    } else if (entry.type == "RollbackStarted") {
      const auto [deployed, failed_before] = deployment_rolled_back(history, i);
      if (!deployed || failed_before) continue;
      FailedDeployment failed{entry.from_revision, reason_of(written, entry), deployed->time, entry.time,
                              std::nullopt};
      // failingSince stays set through the decision that starts the rollback; a manual rollback of
      // a revision that never failed an evaluation has none.
      if (written.failing_since && *written.failing_since >= deployed->time &&
          *written.failing_since <= entry.time)
        failed.first_failure_at = written.failing_since;
      figures.failed.push_back(failed);
    }
  }

  const auto& last = written.last_rollback;
  if (last && last->started_at && last->recovered_at) {
    const auto& before = previous.last_rollback;
    const bool counted = before && before->recovered_at && before->started_at == last->started_at;
    if (!counted) {
      Recovery recovery{last->from_revision, *last->started_at, *last->recovered_at, std::nullopt};
      for (std::size_t i = history.size(); i-- > 0;) {
        const auto& entry = history[i];
        if (entry.type != "RollbackStarted" || entry.time != *last->started_at ||
            entry.from_revision != last->from_revision)
          continue;
        if (const auto* deployed = deployment_rolled_back(history, i).deployed)
          recovery.deployed_at = deployed->time;
        break;
      }
      figures.recovery = recovery;
    }
  }
  return figures;
}

}  // namespace rollguard
