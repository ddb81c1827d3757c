// The arithmetic of a rolling update, as upstream's deployment controller does it: fenceposts from
// maxSurge/maxUnavailable, one scale-up step of the new ReplicaSet, one scale-down step of the old
// ones, and the order in which a ReplicaSet picks pods to delete. Pure: no I/O, no clock.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace kubesim::cluster {

// An IntOrString field (`3` or `"25%"`) scaled against `total`; percentages round up for maxSurge
// and down for maxUnavailable (upstream GetScaledValueFromIntOrPercent). Malformed values give 0.
std::int64_t scaled_value(const boost::json::value* v, std::int64_t total, bool round_up);

struct Fenceposts {
  std::int64_t max_surge = 0;
  std::int64_t max_unavailable = 0;
};
// Both fenceposts resolved; when both come out 0, maxUnavailable becomes 1 so a rollout can move
// (upstream ResolveFenceposts).
Fenceposts resolve_fenceposts(const boost::json::value* max_surge, const boost::json::value* max_unavailable,
                              std::int64_t desired);

// Replicas of the new ReplicaSet after one scale-up step: up to desired+maxSurge pods in total.
std::int64_t new_rs_replicas(std::int64_t desired, std::int64_t max_surge, std::int64_t new_spec,
                             std::int64_t total_spec);

struct OldReplicaSet {
  std::int64_t spec = 0;       // spec.replicas
  std::int64_t available = 0;  // status.availableReplicas
};
// spec.replicas of every old ReplicaSet (given oldest first) after one scale-down step: unhealthy
// replicas go first, then available ones while at least desired-maxUnavailable stay available
// (upstream reconcileOldReplicaSets: cleanupUnhealthyReplicas + scaleDownOldReplicaSetsForRollingUpdate).
std::vector<std::int64_t> scale_down_old(std::int64_t desired, std::int64_t max_unavailable,
                                         std::int64_t new_spec, std::int64_t new_available,
                                         const std::vector<OldReplicaSet>& olds);

// What decides which pod a ReplicaSet deletes first when scaling down (upstream ActivePods ordering).
struct PodRank {
  bool assigned = true;  // has spec.nodeName
  int phase = 2;         // Pending 0 < Unknown 1 < Running 2
  bool ready = false;
  std::chrono::system_clock::time_point ready_since{};
  std::int64_t restarts = 0;
  std::chrono::system_clock::time_point created{};
};
// Indices of `pods`, best deletion victim first: unassigned, then pending, not ready, ready for the
// shortest time, most restarts, newest.
std::vector<std::size_t> deletion_order(const std::vector<PodRank>& pods);

}  // namespace kubesim::cluster
