// Deployment status and conditions (upstream deployment util: SetDeploymentCondition,
// syncRolloutStatus, DeploymentTimedOut). Pure: the time is passed in.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace kubesim::cluster {

using TimePoint = std::chrono::system_clock::time_point;

struct Condition {
  std::string type, status, reason, message;
};

// Sets a condition as upstream does: the same status and reason is no change at all (timestamps
// kept); the same status with another reason keeps lastTransitionTime; otherwise both times are
// `now`. Returns whether the array changed.
bool set_condition(boost::json::array& conditions, const Condition& c, TimePoint now);
const boost::json::object* find_condition(const boost::json::array& conditions, const std::string& type);

// The replica counts of the status, summed over the deployment's ReplicaSets.
struct ReplicaCounts {
  std::int64_t replicas = 0;  // status.replicas of all RSs (pods that exist)
  std::int64_t updated = 0;   // status.replicas of the new RS
  std::int64_t ready = 0;
  std::int64_t available = 0;
  std::int64_t spec_total = 0;  // spec.replicas of all RSs (what unavailableReplicas counts against)
};

struct RolloutFacts {
  std::int64_t desired = 0;
  std::int64_t max_unavailable = 0;  // resolved; 0 for Recreate
  bool paused = false;
  std::optional<std::int64_t> progress_deadline_seconds;
  std::string new_rs_name;      // empty when there is no new RS yet
  bool new_rs_created = false;  // created in this sync (reason NewReplicaSetCreated)
  bool new_rs_found = false;    // new RS exists (reason FoundNewReplicaSet when no Progressing yet)
  std::int64_t generation = 0;
};

// The next status of a deployment from its previous status, the counts and the facts of this sync.
boost::json::object next_deployment_status(const boost::json::object& previous_status,
                                           const ReplicaCounts& counts, const RolloutFacts& facts,
                                           TimePoint now);

// When the Progressing condition will time out, if it can (for scheduling a re-check).
std::optional<TimePoint> progress_deadline(const boost::json::object& status, const RolloutFacts& facts);

}  // namespace kubesim::cluster
