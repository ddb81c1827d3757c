#pragma once
// The `deployment` SLO: is the rollout of the current revision healthy? Measured from the
// Observation alone (cached objects), so it costs no request.
#include "rollguard/observation.hpp"
#include "rollguard/slo.hpp"

namespace rollguard {

// In order, the first that applies:
//  - Fail: ProgressDeadlineExceeded (when fail_on_progress_deadline), ReplicaFailure=True (when
//    fail_on_replica_failure), a pod of the new ReplicaSet restarted more than
//    max_container_restarts times ("pod api-7d9-x restarted 5 times (crash-looping)");
//  - Inconclusive: the new ReplicaSet is not cached yet, or the rollout is still in progress (the
//    Deployment controller has not seen the spec, or fewer than min_available_ratio of the desired
//    replicas are available): a rollout that is slow but within its deadline is not a failure, and
//    the progress deadline is the Deployment's own statement of "too slow";
//  - Fail: the rollout is complete (updated == desired == available) yet the new ReplicaSet has fewer
//    than min_available_ratio available (it lost pods after the rollout);
//  - Pass otherwise. Zero desired replicas passes: nothing is asked of a scaled-down Deployment.
// value is "available/desired" of the new ReplicaSet; threshold ">= ratio".
Measurement evaluate_deployment(const DeploymentSlo& slo, const Observation& observation, SystemTime now);

}  // namespace rollguard
