#include "policy_view.hpp"

#include <algorithm>
#include <sstream>

#include "kube/condition.hpp"
#include "rollguard/json_access.hpp"

namespace rollguard::plugin {

namespace {

std::vector<std::string> split_names(const std::string& comma_separated) {
  std::vector<std::string> names;
  std::stringstream in(comma_separated);
  for (std::string name; std::getline(in, name, ',');) {
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (!name.empty()) names.push_back(name);
  }
  return names;
}

std::optional<SystemTime> set_time(SystemTime time) {
  if (time == SystemTime{}) return std::nullopt;
  return time;
}

}  // namespace

PolicyView view_of(const boost::json::object& rollback_policy) {
  const auto parsed = parse_policy(rollback_policy);
  PolicyView view;
  view.name = parsed.policy.name;
  view.ns = parsed.policy.ns;
  view.generation = parsed.policy.generation;
  if (const auto* metadata = lenient::object_at(rollback_policy, "metadata"))
    view.created = lenient::time_at(*metadata, "creationTimestamp");
  view.target = parsed.policy.target_name;
  view.paused = parsed.policy.paused;
  view.failure_threshold = parsed.policy.failure_threshold;
  view.inconclusive_threshold = parsed.policy.inconclusive_threshold;
  view.manual_rollback = parsed.policy.manual_rollback;
  view.spec_valid = parsed.ok();
  view.status = PolicyStatus::from_json(rollback_policy.if_contains("status"));
  view.grouped = parsed.policy.grouped();
  if (view.grouped) {
    view.targets = GroupStatus::from_json(rollback_policy.if_contains("status")).targets;
    for (auto& t : view.targets) view.target += (view.target.empty() ? "" : ",") + t.name;
  }
  return view;
}

PolicyView member_view(const PolicyView& group, const TargetStatus& target) {
  PolicyView view = group;
  view.grouped = false;
  view.targets.clear();
  view.target = target.name;
  view.status = target.status;
  return view;
}

std::optional<SystemTime> phase_since(const PolicyStatus& status) {
  const auto* ready = kube::find_condition(status.conditions, kReady);
  const std::optional<SystemTime> ready_since = ready ? set_time(ready->last_transition_time) : std::nullopt;
  std::optional<SystemTime> since;
  switch (status.phase) {
    case Phase::Healthy:
      since = status.healthy_since;
      break;
    case Phase::Verifying:
      since = status.verifying_since;
      break;
    case Phase::Degraded:
      since = status.failing_since;
      break;
    case Phase::RollingBack:
      if (status.pending_rollback)
        since = set_time(status.pending_rollback->started_at);
      else if (status.last_rollback)
        since = status.last_rollback->started_at;
      break;
    case Phase::RolledBack:
      if (status.last_rollback) since = status.last_rollback->completed_at;
      break;
    case Phase::Blocked:
      if (status.hold) since = set_time(status.hold->since);
      break;
    case Phase::Pending:
    case Phase::Paused:
    case Phase::Invalid:
      break;
  }
  return since ? since : ready_since;
}

std::vector<SloStatus> failing_slos(const PolicyStatus& status) {
  std::vector<SloStatus> failing;
  const auto names = split_names(status.failing_slo);
  for (const auto& slo : status.slos) {
    const bool named = std::find(names.begin(), names.end(), slo.name) != names.end();
    if (names.empty() ? slo.result == SloResult::Fail : named) failing.push_back(slo);
  }
  // A name in failingSLO without a result in status.slos still shows.
  for (const auto& name : names) {
    const bool listed =
        std::any_of(failing.begin(), failing.end(), [&](const SloStatus& slo) { return slo.name == name; });
    if (!listed) failing.push_back(SloStatus{.name = name, .result = SloResult::Fail});
  }
  return failing;
}

bool status_is_stale(const PolicyView& view) {
  return view.generation > 0 && view.status.observed_generation < view.generation;
}

}  // namespace rollguard::plugin
