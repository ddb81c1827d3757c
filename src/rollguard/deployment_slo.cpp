#include "rollguard/deployment_slo.hpp"

#include <cmath>
#include <cstdio>

namespace rollguard {

namespace {

std::string ratio_text(double ratio) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", ratio);
  return buffer;
}

}  // namespace

Measurement evaluate_deployment(const DeploymentSlo& slo, const Observation& obs, SystemTime now) {
  Measurement m;
  m.at = now;
  m.threshold = ">= " + ratio_text(slo.min_available_ratio);
  auto* rs = obs.current_replica_set();
  const std::int32_t desired = obs.desired_replicas;
  const std::int32_t available = rs ? rs->available_replicas : 0;
  m.value = std::to_string(available) + "/" + std::to_string(desired);
  m.numeric = desired > 0 ? static_cast<double>(available) / desired : 1.0;
  auto set = [&](SloResult result, std::string message) {
    m.result = result;
    m.message = std::move(message);
    return m;
  };

  if (slo.fail_on_progress_deadline && obs.progress_deadline_exceeded) {
    return set(SloResult::Fail, "ProgressDeadlineExceeded: " + obs.progressing_message);
  }
  if (slo.fail_on_replica_failure && obs.replica_failure) {
    return set(SloResult::Fail, "ReplicaFailure: " + obs.replica_failure_message);
  }
  if (slo.max_container_restarts >= 0) {
    for (auto& pod : obs.pods) {
      if (pod.restarts <= slo.max_container_restarts) continue;
      std::string message =
          "pod " + pod.name + " restarted " + std::to_string(pod.restarts) + " times (crash-looping)";
      if (!pod.restarting_container.empty()) message += ", container " + pod.restarting_container;
      if (!pod.waiting_reason.empty()) message += ": " + pod.waiting_reason;
      return set(SloResult::Fail, message);
    }
  }
  if (!rs) {
    return set(SloResult::Inconclusive,
               "the ReplicaSet of revision " + std::to_string(obs.current_revision) + " is not observed yet");
  }
  if (desired == 0) return set(SloResult::Pass, "scaled to zero");
  // Compare counts, not doubles: ratio 1.0 of 3 replicas needs 3, of 0.5 needs 2 (ceil).
  const auto needed = static_cast<std::int32_t>(std::ceil(slo.min_available_ratio * desired - 1e-9));
  const bool observed = obs.observed_generation >= obs.generation;
  if (available >= needed && observed) {
    return set(SloResult::Pass,
               std::to_string(available) + " of " + std::to_string(desired) + " replicas available");
  }
  if (!obs.rollout_complete()) {
    return set(SloResult::Inconclusive, "rollout in progress: " + std::to_string(obs.updated_replicas) +
                                            " updated, " + std::to_string(available) + " of " +
                                            std::to_string(needed) + " needed available");
  }
  return set(SloResult::Fail, "only " + std::to_string(available) + " of " + std::to_string(desired) +
                                  " replicas of the new ReplicaSet available (" + std::to_string(needed) +
                                  " needed)");
}

}  // namespace rollguard
