#pragma once
// A RollbackPolicy object as the plugin shows it: the few spec fields a person needs next to the
// status the controller wrote. Built from whatever the API server returns; nothing in it can fail:
// the spec is read by parse_policy (which keeps every field that parsed) and the status by
// PolicyStatus::from_json (which skips junk), because anyone with /status rights can write anything.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "rollguard/group.hpp"
#include "rollguard/policy.hpp"
#include "rollguard/status.hpp"

namespace rollguard::plugin {

struct PolicyView {
  std::string name;
  std::string ns;
  std::int64_t generation = 0;
  std::optional<SystemTime> created;
  std::string target;  // the Deployment's name
  bool paused = false;
  int failure_threshold = 3;
  int inconclusive_threshold = 5;
  std::optional<ManualRollback> manual_rollback;
  bool spec_valid = true;
  PolicyStatus status;  // a grouped policy's: the summary
  bool grouped = false;
  std::vector<TargetStatus> targets;  // a grouped policy's status.targets
};

// A grouped policy's target as a policy view of its own (name unchanged, target = the Deployment).
PolicyView member_view(const PolicyView& group, const TargetStatus& target);

PolicyView view_of(const boost::json::object& rollback_policy);

// When the policy entered its current phase, as far as status records it: healthySince for
// Healthy, verifyingSince for Verifying, failingSince for Degraded, the rollback's start or
// completion, the hold's start; for the others the Ready condition's last transition.
std::optional<SystemTime> phase_since(const PolicyStatus& status);

// The SLOs failing now: those status.failingSLO names, else those whose result is Fail.
std::vector<SloStatus> failing_slos(const PolicyStatus& status);

// The controller has not yet written status for the current spec (status.observedGeneration <
// metadata.generation): what is shown may predate the last change (a pause, a rollback request).
bool status_is_stale(const PolicyView& view);

}  // namespace rollguard::plugin
