#pragma once
// What each read-only command prints, as pure functions of the policies and the time now (so the
// unit tests pin the layout): the status table and detail, the incident timeline, "why".
#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "policy_view.hpp"

namespace rollguard::plugin {

// NAME TARGET PHASE REVISION LAST-GOOD FAILING-SLO AGE (NAMESPACE first with all_namespaces).
std::string render_status_table(const std::vector<PolicyView>& policies, bool all_namespaces, SystemTime now);

// One policy: target, phase and message, revisions, conditions, SLOs, last rollback.
std::string render_status_detail(const PolicyView& policy, SystemTime now);

// One step of the incident timeline.
struct TimelineEntry {
  SystemTime time{};
  std::string step;  // the history type: NewRevision, RollbackStarted, ...
  std::int64_t from_revision = 0;
  std::int64_t to_revision = 0;
  std::string message;
  friend bool operator==(const TimelineEntry&, const TimelineEntry&) = default;
};

// status.history, plus lastRollback's detection (the first failing evaluation) and its start and
// completion where history no longer has them (it keeps the last 20 entries), oldest first.
std::vector<TimelineEntry> timeline_of(const PolicyStatus& status);

// The timeline with the time between steps and, for the last rollback, detection → start → done.
std::string render_timeline(const PolicyView& policy, SystemTime now);

// The last decision and the measurements behind it.
std::string render_why(const PolicyView& policy, SystemTime now);

// A Deployment's rollout in one line, as `kubectl rollout status` would judge it: "revision 4, 2 of 2
// replicas updated and available" once complete, else what is still missing.
struct RolloutState {
  std::string text;
  bool complete = false;
};
RolloutState deployment_rollout(const boost::json::object& deployment);

}  // namespace rollguard::plugin
