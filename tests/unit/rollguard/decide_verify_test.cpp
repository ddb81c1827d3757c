// decide(): following revisions, counting evaluations, stabilization, continuous verification.
#include <gtest/gtest.h>

#include "decide_harness.hpp"

namespace rollguard {
namespace {

using namespace rollguard::testing;
using kube::ConditionStatus;
using std::chrono::seconds;

TEST(DecideVerify, NewTemplateIsVerified) {
  Harness h;
  h.deployment.deploy("t1");
  auto& d = h.run();
  EXPECT_TRUE(d.status_changed);
  EXPECT_TRUE(d.needs_measurements);
  EXPECT_EQ(d.requeue_after, seconds(10));
  EXPECT_EQ(h.stored.phase, Phase::Verifying);
  EXPECT_EQ(h.stored.current_revision, 1);
  EXPECT_EQ(h.stored.current_template_hash, "t1");
  EXPECT_EQ(h.stored.current_pod_template_hash, "pt1");
  EXPECT_EQ(h.stored.verifying_since, kStart);
  EXPECT_EQ(h.stored.last_known_good_revision, 0);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].reason, "Verifying");
  EXPECT_EQ(h.stored.observed_generation, 1);
  for (auto type : {kReady, kSlosMet, kRolledBack, kBlocked}) {
    ASSERT_NE(h.condition(type), nullptr) << type;
    EXPECT_EQ(h.condition(type)->observed_generation, 1) << type;
  }
  EXPECT_EQ(h.condition(kReady)->status, ConditionStatus::True);
  EXPECT_EQ(h.condition(kReady)->reason, "Verifying");
  EXPECT_EQ(h.condition(kSlosMet)->status, ConditionStatus::Unknown);
  ASSERT_EQ(h.stored.history.size(), 1u);
  EXPECT_EQ(h.stored.history[0].type, "NewRevision");
}

// A Deployment already complete when the policy appears is not trusted on sight: it becomes last
// known good like any new revision, after passing for the whole stabilization window.
TEST(DecideVerify, StabilizationWindowMakesLastKnownGood) {
  Harness h;
  h.deployment.deploy("t1");
  h.run({pass()});
  EXPECT_EQ(h.stored.healthy_since, kStart);
  EXPECT_EQ(h.condition(kSlosMet)->status, ConditionStatus::True);
  h.keep(pass(), h.policy.stabilization_window - seconds(10));
  EXPECT_EQ(h.stored.phase, Phase::Verifying);
  EXPECT_EQ(h.stored.last_known_good_revision, 0);
  auto& d = h.tick({pass()});
  EXPECT_TRUE(h.has_event("LastKnownGood"));
  EXPECT_EQ(h.stored.phase, Phase::Healthy);
  EXPECT_EQ(h.stored.last_known_good_revision, 1);
  EXPECT_EQ(h.stored.last_known_good_template_hash, "t1");
  EXPECT_EQ(h.stored.last_known_good_pod_template_hash, "pt1");
  EXPECT_TRUE(d.needs_measurements);  // continuous verification
  EXPECT_EQ(h.condition(kReady)->reason, "Healthy");
}

TEST(DecideVerify, NothingMovedMeansNoStatusWrite) {
  Harness h;
  h.deployment.deploy("t1");
  h.run({pass()});
  int after_first_pass = h.writes;
  // Passing while the window runs: values drift, nothing decided moves.
  h.tick({pass("error-rate", "0.02")});
  h.tick({pass("error-rate", "0.03")});
  EXPECT_EQ(h.writes, after_first_pass);
  EXPECT_FALSE(h.last.status_changed);
  EXPECT_TRUE(h.last.events.empty());
  h.keep(pass(), h.policy.stabilization_window);  // promotion: one write
  EXPECT_EQ(h.writes, after_first_pass + 1);
  h.keep(pass("error-rate", "0.04"), std::chrono::minutes(10));  // healthy: none
  EXPECT_EQ(h.writes, after_first_pass + 1);
  EXPECT_TRUE(h.last.events.empty());
}

TEST(DecideVerify, ALastingBreachIsNotRewrittenEveryInterval) {
  Harness h;
  h.healthy_on("t1");
  h.tick({fail()});
  h.tick({fail()});
  h.tick({fail()});
  EXPECT_EQ(h.stored.phase, Phase::Degraded);
  int writes = h.writes;
  h.tick({fail("error-rate", "0.40")});
  h.tick({fail("error-rate", "0.50")});
  EXPECT_EQ(h.writes, writes);
  EXPECT_EQ(h.stored.consecutive_failures, 3);  // saturated at failureThreshold
}

struct CountCase {
  const char* name;
  int failure_threshold;
  int inconclusive_threshold;
  const char* rounds;  // P pass, F fail, I inconclusive, - not measured
  int acts_at;         // index of the round that rolls back, -1 for none
};

TEST(DecideVerify, CountingTable) {
  const CountCase cases[] = {
      {"three fails", 3, 5, "FFF", 2},
      {"pass resets", 3, 5, "FFPFF", -1},
      {"pass resets then three", 3, 5, "FFPFFF", 5},
      {"inconclusive does not reset failures", 3, 5, "FIFF", 3},
      {"not measured counts nothing", 3, 5, "F-F-F", 4},
      {"one is enough", 1, 5, "PF", 1},
      {"inconclusive threshold then failing", 3, 5, "IIIIIII", 6},
      {"inconclusive threshold one", 1, 1, "I", 0},
      {"inconclusive never", 3, 0, "IIIIIIIIIIIIIIIIIIII", -1},
      {"pass resets inconclusive", 3, 2, "IPIPIPIP", -1},
      {"fail resets inconclusive run", 3, 3, "IIFII", -1},
      {"fail plus inconclusive counted", 3, 2, "FIII", 3},
  };
  for (auto& c : cases) {
    Harness h;
    h.policy.failure_threshold = c.failure_threshold;
    h.policy.inconclusive_threshold = c.inconclusive_threshold;
    h.policy.rollback.to = RollbackTarget::PreviousRevision;
    h.deployment.deploy("t1");
    h.deployment.deploy("t2");
    h.run();
    int acted = -1;
    for (int i = 0; c.rounds[i] != '\0'; ++i) {
      std::vector<Measurement> m;
      if (c.rounds[i] == 'P') m = {pass()};
      if (c.rounds[i] == 'F') m = {fail()};
      if (c.rounds[i] == 'I') m = {inconclusive()};
      if (h.tick(m).rollback && acted < 0) acted = i;
    }
    EXPECT_EQ(acted, c.acts_at) << c.name;
  }
}

TEST(DecideVerify, InconclusiveDuringARolloutInProgressDoesNotCount) {
  Harness h;
  h.policy.inconclusive_threshold = 1;
  h.policy.rollback.to = RollbackTarget::PreviousRevision;
  h.deployment.deploy("t1");
  h.deployment.deploy("t2", /*complete=*/false);
  h.run();
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(h.tick({inconclusive()}).rollback);
  EXPECT_EQ(h.stored.consecutive_inconclusive, 0);
  // Passing while pods are replaced does not start stabilization either.
  h.tick({pass()});
  EXPECT_FALSE(h.stored.healthy_since);
  // A failure counts even during the rollout.
  h.tick({fail()});
  EXPECT_EQ(h.stored.consecutive_failures, 1);
  // Once the progress deadline passed, inconclusive counts again.
  h.deployment.obs.progress_deadline_exceeded = true;
  h.tick({inconclusive()});
  EXPECT_EQ(h.stored.consecutive_inconclusive, 1);
  EXPECT_EQ(h.stored.consecutive_failures, 2);
}

// A check Job still running within its timeout is Inconclusive and pending: its deadline bounds it,
// inconclusiveThreshold does not; its passing starts stabilization only then.
TEST(DecideVerify, APendingCheckCountsNothing) {
  Harness h;
  h.policy.inconclusive_threshold = 1;
  h.policy.rollback.to = RollbackTarget::PreviousRevision;
  h.deployment.deploy("t1");
  h.deployment.deploy("t2");
  h.run();
  auto running = inconclusive();
  running.pending = true;
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(h.tick({running}).rollback);
  EXPECT_EQ(h.stored.consecutive_inconclusive, 0);
  EXPECT_EQ(h.stored.consecutive_failures, 0);
  EXPECT_FALSE(h.stored.healthy_since);
  // The same measurement without `pending` (the check could not be started) counts at once.
  h.tick({inconclusive()});
  EXPECT_EQ(h.stored.consecutive_failures, 1);
  h.tick({pass()});
  EXPECT_TRUE(h.stored.healthy_since);
}

TEST(DecideVerify, ASloWithoutMeasurementMakesTheRoundInconclusive) {
  Harness h;
  DeploymentSlo rollout;
  h.policy.slos.push_back({"rollout", rollout});
  h.deployment.deploy("t1");
  h.run({pass()});  // error-rate only
  EXPECT_FALSE(h.stored.healthy_since);
  EXPECT_EQ(h.stored.consecutive_inconclusive, 1);
  EXPECT_EQ(h.condition(kSlosMet)->status, ConditionStatus::Unknown);
  h.tick({pass(), pass("rollout", "3/3")});
  EXPECT_TRUE(h.stored.healthy_since);
  EXPECT_EQ(h.condition(kSlosMet)->status, ConditionStatus::True);
  EXPECT_EQ(h.stored.slos.size(), 2u);
  EXPECT_EQ(h.stored.slos[0].name, "error-rate");  // policy order
}

TEST(DecideVerify, ContinuousVerificationOfTheLastKnownGoodIsDegradedNeverRolledBack) {
  Harness h;
  h.healthy_on("t1");
  h.tick({fail()});
  h.tick({fail()});
  auto& d = h.tick({fail()});
  EXPECT_FALSE(d.rollback);
  EXPECT_EQ(h.stored.phase, Phase::Degraded);
  EXPECT_TRUE(h.has_event("Degraded"));
  EXPECT_NE(d.events[0].message.find("error-rate 0.31 > 0.05"), std::string::npos) << d.events[0].message;
  EXPECT_EQ(h.stored.failing_slo, "error-rate");
  EXPECT_EQ(h.condition(kSlosMet)->status, ConditionStatus::False);
  EXPECT_EQ(h.condition(kSlosMet)->reason, "SLOBreached");
  h.tick({fail()});
  EXPECT_TRUE(h.last.events.empty());  // said once
  h.tick({pass()});
  EXPECT_TRUE(h.has_event("Recovered"));
  EXPECT_EQ(h.stored.phase, Phase::Healthy);
  EXPECT_EQ(h.stored.failing_slo, "");
  EXPECT_EQ(h.stored.consecutive_failures, 0);
}

TEST(DecideVerify, UnmeasurableLastKnownGoodIsDegradedSayingWhich) {
  Harness h;
  h.policy.inconclusive_threshold = 1;
  h.healthy_on("t1");
  h.keep(inconclusive(), seconds(30));
  EXPECT_FALSE(h.last.rollback);
  EXPECT_EQ(h.stored.phase, Phase::Degraded);
  EXPECT_EQ(h.stored.failing_slo, "error-rate");
  EXPECT_NE(h.stored.message.find("SLOs breached on revision 1: error-rate;"), std::string::npos)
      << h.stored.message;
  EXPECT_EQ(h.condition(kSlosMet)->status, ConditionStatus::Unknown);
}

TEST(DecideVerify, ANewLastKnownGoodReplacesTheOld) {
  Harness h;
  h.healthy_on("t1");
  h.deployment.deploy("t2");
  h.run({pass()});
  EXPECT_EQ(h.stored.phase, Phase::Verifying);
  EXPECT_EQ(h.stored.last_known_good_revision, 1);
  h.keep(pass(), h.policy.stabilization_window);
  EXPECT_EQ(h.stored.last_known_good_revision, 2);
  EXPECT_EQ(h.stored.last_known_good_template_hash, "t2");
  EXPECT_NE(h.last.events.at(0).message.find("(was revision 1)"), std::string::npos);
}

TEST(DecideVerify, PolicyPausedMeasuresAndReportsOnly) {
  Harness h;
  h.policy.paused = true;
  h.healthy_on("t1");
  EXPECT_EQ(h.stored.phase, Phase::Paused);
  EXPECT_EQ(h.stored.last_known_good_revision, 1);  // still learns what is good
  h.deployment.deploy("t2");
  h.run();
  h.tick({fail()});
  h.tick({fail()});
  auto& d = h.tick({fail()});
  EXPECT_FALSE(d.rollback);
  EXPECT_TRUE(d.needs_measurements);
  EXPECT_EQ(h.stored.phase, Phase::Paused);
  EXPECT_TRUE(h.has_event("SLOBreached"));
  EXPECT_NE(h.stored.message.find("policy paused, not acting"), std::string::npos);
  EXPECT_EQ(h.condition(kReady)->reason, "Paused");
  // Unpaused, the breach acts.
  h.policy.paused = false;
  h.policy.generation = 2;
  EXPECT_TRUE(h.tick({fail()}).rollback);
}

TEST(DecideVerify, PolicyEditIsObserved) {
  Harness h;
  h.healthy_on("t1");
  int writes = h.writes;
  h.policy.generation = 2;
  h.tick({pass()});
  EXPECT_EQ(h.writes, writes + 1);
  EXPECT_EQ(h.stored.observed_generation, 2);
  EXPECT_EQ(h.condition(kReady)->observed_generation, 2);
}

TEST(DecideVerify, SloRemovedFromThePolicyLeavesTheStatus) {
  Harness h;
  h.policy.slos.push_back({"rollout", DeploymentSlo{}});
  h.deployment.deploy("t1");
  h.run({pass(), pass("rollout", "3/3")});
  EXPECT_EQ(h.stored.slos.size(), 2u);
  h.policy.slos.pop_back();
  h.policy.generation = 2;
  h.tick({pass()});
  ASSERT_EQ(h.stored.slos.size(), 1u);
  EXPECT_EQ(h.stored.slos[0].name, "error-rate");
}

TEST(DecideVerify, SloTransitionTimesMoveOnlyWithTheResult) {
  Harness h;
  h.deployment.deploy("t1");
  h.run({pass()});
  auto first = h.stored.slos.at(0).last_transition_time;
  h.tick({fail()});
  auto failed_at = h.now;
  EXPECT_EQ(h.stored.slos.at(0).last_transition_time, failed_at);
  EXPECT_NE(first, failed_at);
  h.tick({fail()});
  EXPECT_EQ(h.stored.slos.at(0).last_transition_time, failed_at);
  EXPECT_EQ(h.stored.slos.at(0).last_evaluation_time, h.now);  // written with the counter change
}

TEST(DecideVerify, WaitingForTheReplicaSetOfTheRevision) {
  Harness h;
  h.deployment.obs.current_revision = 1;  // no ReplicaSet yet, no template in the cache
  auto& d = h.run();
  EXPECT_EQ(h.stored.phase, Phase::Pending);
  EXPECT_FALSE(d.needs_measurements);
  EXPECT_EQ(h.condition(kReady)->status, ConditionStatus::Unknown);
}

TEST(DecideVerify, SubSecondClockIsStoredAsWholeSeconds) {
  Harness h;
  h.now += std::chrono::milliseconds(750);
  h.deployment.deploy("t1");
  h.run({pass()});
  EXPECT_EQ(h.stored.healthy_since, kStart);
  // Same again from the stored status: nothing moved, so no write (an exact round trip).
  EXPECT_FALSE(h.run({pass()}).status_changed);
}

TEST(EvaluationContext, TheRevisionUnderTestAndItsReadyPods) {
  Harness h;
  h.healthy_on("t1");
  h.deployment.deploy("t2");
  h.run();
  auto c = evaluation_context(h.policy, h.deployment.obs, h.stored);
  EXPECT_EQ(c.ns, "prod");
  EXPECT_EQ(c.policy, "api-rbp");
  EXPECT_EQ(c.deployment, "api");
  EXPECT_EQ(c.revision, 2);
  EXPECT_EQ(c.pod_template_hash, "pt2");
  EXPECT_EQ(c.last_known_good_pod_template_hash, "pt1");
  EXPECT_EQ(c.interval, seconds(10));
  ASSERT_EQ(c.pods.size(), 1u);  // the other is not ready and has no IP
  EXPECT_EQ(c.pods[0].ip, "10.0.0.1");
}

}  // namespace
}  // namespace rollguard
