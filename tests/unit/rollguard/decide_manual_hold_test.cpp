// decide(): manual rollbacks, rejected templates coming back (holds), invalid specs, missing targets.
#include <gtest/gtest.h>

#include "decide_harness.hpp"

namespace rollguard {
namespace {

using namespace rollguard::testing;
using kube::ConditionStatus;
using std::chrono::minutes;
using std::chrono::seconds;

// Revisions 1..3 (t1 last known good, t2, t3 current and passing).
Harness three_revisions() {
  Harness h;
  h.healthy_on("t1");
  h.deployment.deploy("t2");
  h.run({pass()});
  h.deployment.deploy("t3");
  h.run({pass()});
  return h;
}

// t1 last known good; t2 deployed, failing, rolled back to t1 (now revision 3) and confirmed.
Harness rolled_back_from_t2() {
  Harness h;
  h.healthy_on("t1");
  h.deployment.deploy("t2");
  h.run();
  h.keep(fail(), seconds(30));
  EXPECT_TRUE(h.deployment.apply(*h.last.rollback));
  h.tick({});
  return h;
}

// Then t2 re-applied (GitOps self-heal): held, the pause not applied yet.
Harness held_on_t2() {
  auto h = rolled_back_from_t2();
  h.deployment.deploy("t2");
  h.tick({});
  return h;
}

TEST(DecideManual, CarriedOutOncePerRequestId) {
  auto h = three_revisions();
  h.policy.manual_rollback = ManualRollback{2, "INC-2041"};
  h.policy.generation = 2;
  auto& d = h.tick({pass()});
  ASSERT_TRUE(d.rollback);
  EXPECT_EQ(d.rollback->reason, RollbackReason::Manual);
  EXPECT_EQ(d.rollback->request_id, "INC-2041");
  EXPECT_EQ(d.rollback->from_revision, 3);
  EXPECT_EQ(d.rollback->to_revision, 2);
  EXPECT_EQ(d.rollback->template_hash, "t2");
  EXPECT_EQ(d.rollback->message, "rolled back 3 → 2: manual rollback INC-2041");
  EXPECT_TRUE(request_handled(h.stored, "INC-2041"));
  EXPECT_EQ(h.stored.pending_rollback->request_id, "INC-2041");
  ASSERT_TRUE(h.deployment.apply(*d.rollback));
  h.tick({});
  EXPECT_EQ(h.stored.phase, Phase::RolledBack);
  EXPECT_EQ(h.stored.last_rollback->reason, "Manual");
  EXPECT_EQ(h.stored.last_rollback->request_id, "INC-2041");
  // The spec still says INC-2041: nothing more, whatever happens next.
  h.deployment.deploy("t3");  // GitOps re-applies t3: rejected, so held — not rolled back again
  h.tick({});
  EXPECT_FALSE(h.last.rollback);
  h.keep(pass(), minutes(1));
  EXPECT_EQ(h.deployment.patches_applied, 1);
  // A new request id is a new order.
  h.deployment.set_paused(false);
  h.deployment.deploy("t4");
  h.run({pass()});
  h.policy.manual_rollback = ManualRollback{1, "INC-2042"};
  ASSERT_TRUE(h.tick({pass()}).rollback);
}

TEST(DecideManual, UnknownRevisionListsTheAvailableOnes) {
  auto h = three_revisions();
  h.policy.manual_rollback = ManualRollback{9, "INC-1"};
  auto& d = h.tick({pass()});
  EXPECT_FALSE(d.rollback);
  ASSERT_TRUE(h.has_event("ManualRollbackFailed"));
  EXPECT_EQ(d.events[0].message, "manual rollback INC-1: revision 9 not found; available revisions: 1, 2, 3");
  EXPECT_EQ(d.events[0].type, EventType::Warning);
  EXPECT_EQ(h.stored.history.back().type, "ManualRollbackFailed");
  EXPECT_TRUE(request_handled(h.stored, "INC-1"));
  h.tick({pass()});
  EXPECT_TRUE(h.last.events.empty());  // reported once
}

TEST(DecideManual, ToTheRunningRevisionIsSkipped) {
  auto h = three_revisions();
  h.policy.manual_rollback = ManualRollback{3, "INC-1"};
  auto& d = h.tick({pass()});
  EXPECT_FALSE(d.rollback);
  EXPECT_TRUE(h.has_event("ManualRollbackSkipped"));
}

TEST(DecideManual, IgnoresCooldownAndDryRunButWaitsForAPausedPolicy) {
  auto h = three_revisions();
  h.policy.rollback.mode = RollbackMode::DryRun;
  h.policy.paused = true;
  h.policy.manual_rollback = ManualRollback{1, "INC-7"};
  EXPECT_FALSE(h.tick({pass()}).rollback);
  EXPECT_FALSE(request_handled(h.stored, "INC-7"));
  h.policy.paused = false;
  auto& d = h.tick({pass()});
  ASSERT_TRUE(d.rollback);
  EXPECT_FALSE(d.rollback->dry_run);
  EXPECT_EQ(d.rollback->to_revision, 1);
}

TEST(DecideHold, RejectedTemplateComingBackIsHeldUntilANewOne) {
  auto h = rolled_back_from_t2();
  auto rejected_at = h.stored.rejected_templates.at(0).rejected_at;
  // Argo CD self-heal re-applies t2 (revision 4).
  h.deployment.deploy("t2");
  auto& d = h.tick({});
  ASSERT_TRUE(d.hold);
  EXPECT_EQ(d.hold->revision, 4);
  EXPECT_EQ(d.hold->rejected_revision, 2);
  EXPECT_EQ(d.hold->template_hash, "t2");
  EXPECT_EQ(d.hold->rejected_at, rejected_at);
  EXPECT_EQ(d.hold->expected_resource_version, h.deployment.obs.resource_version);
  EXPECT_FALSE(d.rollback);
  EXPECT_FALSE(d.needs_measurements);
  EXPECT_TRUE(h.has_event("RejectedTemplateHeld"));
  EXPECT_EQ(h.stored.phase, Phase::Blocked);
  ASSERT_TRUE(h.stored.hold);
  auto* blocked = h.condition(kBlocked);
  ASSERT_NE(blocked, nullptr);
  EXPECT_EQ(blocked->status, ConditionStatus::True);
  EXPECT_EQ(blocked->reason, "RejectedTemplate");
  EXPECT_NE(blocked->message.find("rejected as revision 2 at " + kube::format_time(rejected_at)),
            std::string::npos)
      << blocked->message;
  EXPECT_NE(blocked->message.find("error-rate 0.31 > 0.05"), std::string::npos) << blocked->message;
  // Held: the Deployment is paused; nothing more happens, nothing is written.
  h.deployment.set_paused(true);
  h.tick({});  // seen paused: the hold is confirmed (one write)
  EXPECT_TRUE(h.stored.hold->confirmed);
  int writes = h.writes;
  h.tick({});
  h.tick({});
  EXPECT_FALSE(h.last.hold);
  EXPECT_FALSE(h.last.needs_measurements);
  EXPECT_EQ(h.writes, writes);
  // A new template releases the hold.
  h.deployment.deploy("t5");
  auto& released = h.tick({});
  ASSERT_TRUE(released.release);
  EXPECT_TRUE(h.has_event("HoldReleased"));
  EXPECT_FALSE(h.stored.hold);
  EXPECT_EQ(h.stored.phase, Phase::Verifying);
  EXPECT_EQ(h.condition(kBlocked)->status, ConditionStatus::False);
  EXPECT_EQ(h.deployment.patches_applied, 1);
}

TEST(DecideHold, APauseThatDidNotApplyIsAskedAgainNotTakenForAResume) {
  auto h = held_on_t2();
  ASSERT_TRUE(h.last.hold);
  auto& d = h.tick({});  // the pause patch failed: still unpaused
  ASSERT_TRUE(d.hold);
  EXPECT_FALSE(h.has_event("HoldOverridden"));
  EXPECT_EQ(h.stored.phase, Phase::Blocked);
  h.deployment.set_paused(true);
  h.tick({});
  EXPECT_FALSE(h.last.hold);
  EXPECT_TRUE(h.stored.hold->confirmed);
}

TEST(DecideHold, AReleaseThatDidNotApplyIsAskedAgain) {
  auto h = held_on_t2();
  h.deployment.set_paused(true);
  h.tick({});
  h.deployment.deploy("t5");
  ASSERT_TRUE(h.tick({}).release);
  EXPECT_TRUE(h.stored.resume_pending);
  ASSERT_TRUE(h.tick({}).release);  // still paused: the unpause failed
  h.deployment.set_paused(false);
  EXPECT_FALSE(h.tick({}).release);
  EXPECT_FALSE(h.stored.resume_pending);
  // Paused again later by a person: left alone.
  h.deployment.set_paused(true);
  EXPECT_FALSE(h.tick({pass()}).release);
}

TEST(DecideHold, APausedPolicyDoesNotHold) {
  auto h = rolled_back_from_t2();
  h.policy.paused = true;
  h.deployment.deploy("t2");
  auto& d = h.tick({});
  EXPECT_FALSE(d.hold);
  EXPECT_TRUE(d.needs_measurements);
  EXPECT_EQ(h.stored.phase, Phase::Paused);
}

TEST(DecideHold, RejectedTemplateReappliedBeforeTheRollbackWasObserved) {
  Harness h;
  h.healthy_on("t1");
  h.deployment.deploy("t2");
  h.run();
  h.keep(fail(), seconds(30));
  ASSERT_TRUE(h.deployment.apply(*h.last.rollback));  // t1 is revision 3...
  h.deployment.deploy("t2");                          // ...and t2 revision 4 before we looked
  auto& d = h.tick({});
  EXPECT_FALSE(d.rollback);
  ASSERT_TRUE(d.hold);
  EXPECT_EQ(d.hold->revision, 4);
  EXPECT_FALSE(h.stored.pending_rollback);
}

TEST(DecideHold, ADeploymentPausedByAPersonIsNeverResumed) {
  Harness h;
  h.healthy_on("t1");
  h.deployment.set_paused(true);
  h.deployment.deploy("t2");
  auto& d = h.tick({});
  EXPECT_FALSE(d.release);
  EXPECT_FALSE(d.hold);
  EXPECT_EQ(h.stored.phase, Phase::Verifying);
}

TEST(DecideHold, ResumedByAPersonWhileHeldIsVerifiedAgain) {
  auto h = held_on_t2();
  h.deployment.set_paused(true);
  h.tick({});
  h.deployment.set_paused(false);  // kubectl rollout resume: the person's call
  auto& d = h.tick({});
  EXPECT_FALSE(d.hold);
  EXPECT_FALSE(d.release);
  EXPECT_TRUE(h.has_event("HoldOverridden"));
  EXPECT_EQ(h.stored.phase, Phase::Verifying);
  EXPECT_FALSE(find_rejected(h.stored, "t2"));
  EXPECT_TRUE(d.needs_measurements);
}

TEST(DecideHold, ManualRollbackOfAHeldDeploymentAlsoResumesIt) {
  auto h = held_on_t2();
  h.deployment.set_paused(true);
  h.policy.manual_rollback = ManualRollback{3, "INC-9"};
  auto& d = h.tick({});
  ASSERT_TRUE(d.rollback);
  ASSERT_TRUE(d.release);
  EXPECT_FALSE(h.stored.hold);
}

TEST(DecideInvalid, ReadyFalseNamingTheFields) {
  Harness h;
  h.healthy_on("t1");
  std::vector<FieldError> errors{{"spec.slos[1].prometheus.query", "unknown template variable {{ns}}"}};
  auto d = decide_invalid(h.policy, errors, h.stored, h.now);
  EXPECT_TRUE(d.status_changed);
  EXPECT_FALSE(d.rollback);
  EXPECT_FALSE(d.needs_measurements);
  EXPECT_EQ(d.requeue_after, Duration(0));
  EXPECT_EQ(d.status.phase, Phase::Invalid);
  auto* ready = kube::find_condition(d.status.conditions, kReady);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, ConditionStatus::False);
  EXPECT_EQ(ready->reason, "InvalidSpec");
  EXPECT_EQ(ready->message, "invalid spec: spec.slos[1].prometheus.query: unknown template variable {{ns}}");
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].reason, "InvalidSpec");
  EXPECT_EQ(d.status.last_known_good_revision, 1);  // memory kept for when the spec is fixed
  auto again = decide_invalid(h.policy, errors, d.status, h.now + seconds(10));
  EXPECT_FALSE(again.status_changed);
  EXPECT_TRUE(again.events.empty());
}

TEST(DecideInvalid, DispatchOnParseResult) {
  PolicyOrErrors parsed;
  parsed.policy = error_rate_policy();
  parsed.errors = {{"spec.interval", "bad"}};
  auto d = decide(parsed, std::nullopt, {}, PolicyStatus{}, kStart);
  EXPECT_EQ(d.status.phase, Phase::Invalid);
  parsed.errors.clear();
  EXPECT_EQ(decide(parsed, std::nullopt, {}, PolicyStatus{}, kStart).status.phase, Phase::Pending);
}

TEST(DecideTarget, MissingTargetIsReadyFalseTargetNotFound) {
  Harness h;
  h.target_exists = false;
  auto& d = h.run();
  EXPECT_EQ(h.stored.phase, Phase::Pending);
  EXPECT_FALSE(d.needs_measurements);
  EXPECT_EQ(d.requeue_after, seconds(10));
  auto* ready = h.condition(kReady);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, ConditionStatus::False);
  EXPECT_EQ(ready->reason, "TargetNotFound");
  EXPECT_EQ(ready->message, "Deployment api not found in namespace prod");
  EXPECT_TRUE(h.has_event("TargetNotFound"));
  int writes = h.writes;
  h.tick({});
  EXPECT_EQ(h.writes, writes);
  EXPECT_TRUE(h.last.events.empty());
  // It appears: verified like any new revision.
  h.target_exists = true;
  h.deployment.deploy("t1");
  h.tick({});
  EXPECT_EQ(h.stored.phase, Phase::Verifying);
  EXPECT_EQ(h.condition(kReady)->status, ConditionStatus::True);
}

}  // namespace
}  // namespace rollguard
