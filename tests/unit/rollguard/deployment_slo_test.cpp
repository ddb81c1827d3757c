#include "rollguard/deployment_slo.hpp"

#include <gtest/gtest.h>

namespace rollguard {
namespace {

const SystemTime kNow = SystemTime{} + std::chrono::hours(24 * 365 * 50);

// Revision 7 with `available` of 3 ready in the new ReplicaSet; rollout complete when all are.
Observation rollout(int available, int updated = 3) {
  Observation o;
  o.name = "api";
  o.generation = o.observed_generation = 2;
  o.desired_replicas = 3;
  o.updated_replicas = updated;
  o.available_replicas = updated == 3 ? available : 3;
  o.current_revision = 7;
  o.replica_sets = {{"api-6", 6, "h6", "t6", 0, 0, 0}, {"api-7", 7, "h7", "t7", 3, available, available}};
  o.current_template_hash = "t7";
  o.current_pod_template_hash = "h7";
  for (int i = 0; i < 3; ++i)
    o.pods.push_back(
        {"api-7-" + std::to_string(i), "10.0.0." + std::to_string(i), i < available, 0, "app", ""});
  return o;
}

struct Case {
  const char* name;
  DeploymentSlo slo;
  Observation obs;
  SloResult result;
  const char* message_has;
};

TEST(EvaluateDeployment, Table) {
  DeploymentSlo defaults;
  DeploymentSlo half;
  half.min_available_ratio = 0.5;
  DeploymentSlo lenient;
  lenient.fail_on_progress_deadline = false;
  lenient.fail_on_replica_failure = false;
  lenient.max_container_restarts = -1;

  auto deadline = rollout(1, 1);
  deadline.progress_deadline_exceeded = true;
  deadline.progressing_message = "ReplicaSet \"api-7\" has timed out progressing.";
  auto failure = rollout(1, 1);
  failure.replica_failure = true;
  failure.replica_failure_message = "exceeded quota";
  auto crashing = rollout(3);
  crashing.pods[1].restarts = 5;
  crashing.pods[1].waiting_reason = "CrashLoopBackOff";
  auto at_limit = rollout(3);
  at_limit.pods[1].restarts = 3;
  auto no_rs = rollout(3);
  no_rs.current_revision = 8;
  auto stale = rollout(3);
  stale.generation = 3;
  auto lost_pods = rollout(3);
  lost_pods.replica_sets[1].available_replicas = 1;  // the Deployment's counts still say 3 (lagging)
  auto scaled_to_zero = rollout(0, 0);
  scaled_to_zero.desired_replicas = 0;
  scaled_to_zero.available_replicas = 0;

  const Case cases[] = {
      {"complete", defaults, rollout(3), SloResult::Pass, "3 of 3 replicas available"},
      {"progressing below ratio", defaults, rollout(1, 2), SloResult::Inconclusive, "rollout in progress"},
      {"half is enough", half, rollout(2, 2), SloResult::Pass, "2 of 3"},
      {"half not yet", half, rollout(1, 2), SloResult::Inconclusive, "1 of 2 needed"},
      {"progress deadline", defaults, deadline, SloResult::Fail, "ProgressDeadlineExceeded: ReplicaSet"},
      {"progress deadline ignored", lenient, deadline, SloResult::Inconclusive, "rollout in progress"},
      {"replica failure", defaults, failure, SloResult::Fail, "ReplicaFailure: exceeded quota"},
      {"crash loop", defaults, crashing, SloResult::Fail,
       "pod api-7-1 restarted 5 times (crash-looping), container app: CrashLoopBackOff"},
      {"restarts at the limit", defaults, at_limit, SloResult::Pass, "3 of 3"},
      {"restarts not checked", lenient, crashing, SloResult::Pass, "3 of 3"},
      {"no replica set yet", defaults, no_rs, SloResult::Inconclusive, "revision 8 is not observed yet"},
      {"spec not observed", defaults, stale, SloResult::Inconclusive, "rollout in progress"},
      {"lost pods after the rollout", defaults, lost_pods, SloResult::Fail, "only 1 of 3"},
      {"scaled to zero", defaults, scaled_to_zero, SloResult::Pass, "scaled to zero"},
  };
  for (auto& c : cases) {
    auto m = evaluate_deployment(c.slo, c.obs, kNow);
    EXPECT_EQ(m.result, c.result) << c.name << ": " << m.message;
    EXPECT_NE(m.message.find(c.message_has), std::string::npos) << c.name << ": " << m.message;
    EXPECT_EQ(m.at, kNow) << c.name;
  }
}

TEST(EvaluateDeployment, ValueAndThreshold) {
  DeploymentSlo slo;
  slo.min_available_ratio = 0.5;
  auto m = evaluate_deployment(slo, rollout(2, 2), kNow);
  EXPECT_EQ(m.value, "2/3");
  EXPECT_EQ(m.threshold, ">= 0.5");
  ASSERT_TRUE(m.numeric);
  EXPECT_DOUBLE_EQ(*m.numeric, 2.0 / 3);
}

}  // namespace
}  // namespace rollguard
