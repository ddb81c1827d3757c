// decide(): automatic rollbacks, the intent that survives a crash, DryRun, cooldown, targets.
#include <gtest/gtest.h>

#include <algorithm>

#include "decide_harness.hpp"

namespace rollguard {
namespace {

using namespace rollguard::testing;
using kube::ConditionStatus;
using std::chrono::minutes;
using std::chrono::seconds;

// t1 last known good (revision 1), t2 deployed (revision 2) and failing `n` times.
Harness failing_after_good(int n) {
  Harness h;
  h.healthy_on("t1");
  h.deployment.deploy("t2");
  h.run();
  for (int i = 0; i < n; ++i) h.tick({fail()});
  return h;
}

TEST(DecideRollback, ThresholdRollsBackToLastKnownGood) {
  auto h = failing_after_good(2);
  auto first_failure = h.now - seconds(10);
  EXPECT_EQ(h.stored.phase, Phase::Verifying);
  EXPECT_EQ(h.stored.consecutive_failures, 2);
  auto& d = h.tick({fail()});
  ASSERT_TRUE(d.rollback);
  auto& a = *d.rollback;
  EXPECT_EQ(a.from_revision, 2);
  EXPECT_EQ(a.to_revision, 1);
  EXPECT_EQ(a.target_replica_set, "api-t1");
  EXPECT_EQ(a.template_hash, "t1");
  EXPECT_EQ(a.from_template_hash, "t2");
  EXPECT_EQ(a.expected_resource_version, h.deployment.obs.resource_version);
  EXPECT_EQ(a.reason, RollbackReason::SLOBreached);
  EXPECT_EQ(a.message, "rolled back 2 → 1: error-rate 0.31 > 0.05 for 3 evaluations");
  EXPECT_FALSE(a.dry_run);
  EXPECT_FALSE(d.needs_measurements);
  EXPECT_TRUE(h.has_event("RollingBack"));
  // The intent is in the status that is written before the patch.
  ASSERT_TRUE(h.stored.pending_rollback);
  EXPECT_EQ(h.stored.pending_rollback->target_template_hash, "t1");
  EXPECT_EQ(h.stored.pending_rollback->resource_version, a.expected_resource_version);
  EXPECT_EQ(h.stored.phase, Phase::RollingBack);
  ASSERT_TRUE(h.stored.last_rollback);
  EXPECT_EQ(h.stored.last_rollback->from_revision, 2);
  EXPECT_EQ(h.stored.last_rollback->to_revision, 1);
  EXPECT_EQ(h.stored.last_rollback->detected_at, first_failure);
  EXPECT_EQ(h.stored.last_rollback->started_at, h.now);
  EXPECT_FALSE(h.stored.last_rollback->completed_at);
  ASSERT_EQ(h.stored.last_rollback->measurements.size(), 1u);
  EXPECT_EQ(h.stored.last_rollback->measurements[0].value, "0.31");
  ASSERT_TRUE(find_rejected(h.stored, "t2"));
  EXPECT_EQ(find_rejected(h.stored, "t2")->revision, 2);
  EXPECT_EQ(h.condition(kRolledBack)->status, ConditionStatus::False);
  EXPECT_EQ(h.condition(kRolledBack)->reason, "RollingBack");
}

TEST(DecideRollback, RestoredTemplateConfirmsTheIntent) {
  auto h = failing_after_good(3);
  ASSERT_TRUE(h.deployment.apply(*h.last.rollback));
  EXPECT_EQ(h.deployment.obs.current_revision, 3);  // the Deployment controller renumbers t1
  auto& d = h.tick({});
  EXPECT_FALSE(d.rollback);
  EXPECT_FALSE(h.stored.pending_rollback);
  EXPECT_EQ(h.stored.phase, Phase::RolledBack);
  EXPECT_EQ(h.stored.last_rollback->completed_at, h.now);
  EXPECT_EQ(h.stored.current_revision, 3);
  EXPECT_EQ(h.stored.last_known_good_revision, 3);
  EXPECT_EQ(h.stored.last_known_good_template_hash, "t1");
  EXPECT_TRUE(h.has_event("RolledBack"));
  EXPECT_EQ(h.condition(kRolledBack)->status, ConditionStatus::True);
  EXPECT_EQ(h.condition(kRolledBack)->reason, "SLOBreached");
  EXPECT_EQ(h.stored.history.back().type, "RollbackCompleted");
  EXPECT_TRUE(d.needs_measurements);
  // The restored template is watched; RolledBack stays while it runs well.
  h.keep(pass(), minutes(2));
  EXPECT_EQ(h.stored.phase, Phase::RolledBack);
  EXPECT_EQ(h.deployment.patches_applied, 1);
}

TEST(DecideRollback, CrashBeforeThePatchResendsTheSameRollback) {
  auto h = failing_after_good(3);
  auto first = *h.last.rollback;
  // The controller died after writing the intent; a new one starts from the stored status.
  auto& d = h.tick({});
  ASSERT_TRUE(d.rollback);
  EXPECT_EQ(d.rollback->template_hash, first.template_hash);
  EXPECT_EQ(d.rollback->target_replica_set, first.target_replica_set);
  EXPECT_EQ(d.rollback->message, first.message);
  EXPECT_EQ(h.stored.phase, Phase::RollingBack);
  ASSERT_TRUE(h.deployment.apply(*d.rollback));
  h.tick({});
  EXPECT_EQ(h.stored.phase, Phase::RolledBack);
  EXPECT_EQ(h.deployment.patches_applied, 1);
}

// The reconciler records each refused patch in pendingRollback (as the API server's answer).
void refused(Harness& h, const std::string& error, bool permanent) {
  ASSERT_TRUE(h.stored.pending_rollback);
  auto& p = *h.stored.pending_rollback;
  ++p.failed_attempts;
  p.last_error = error;
  p.last_error_permanent = permanent;
}

int count_events(const Harness& h, std::string_view reason) {
  return static_cast<int>(
      std::count_if(h.last.events.begin(), h.last.events.end(), [&](auto& e) { return e.reason == reason; }));
}

TEST(DecideRollback, APatchRefusedForGoodIsReportedOnceAndStillRetried) {
  auto h = failing_after_good(3);
  ASSERT_TRUE(h.last.rollback);
  refused(h, "Forbidden (403): deployments.apps \"api\" is forbidden", true);
  auto& d = h.tick({});
  ASSERT_TRUE(d.rollback);  // retried
  EXPECT_EQ(count_events(h, "RollbackFailed"), 1);
  ASSERT_TRUE(h.stored.pending_rollback);
  EXPECT_TRUE(h.stored.pending_rollback->failure_reported);
  EXPECT_NE(h.stored.message.find("refused the patch 1 time, last: Forbidden (403)"), std::string::npos)
      << h.stored.message;
  ASSERT_EQ(h.stored.notifications.outbox.empty(), h.policy.notification_receivers.empty());
  // Refused again: no second report; then it applies and is confirmed as usual.
  refused(h, "Forbidden (403): deployments.apps \"api\" is forbidden", true);
  auto& again = h.tick({});
  EXPECT_EQ(count_events(h, "RollbackFailed"), 0);
  ASSERT_TRUE(again.rollback);
  ASSERT_TRUE(h.deployment.apply(*again.rollback));
  h.tick({});
  EXPECT_EQ(h.stored.phase, Phase::RolledBack);
  EXPECT_FALSE(h.stored.pending_rollback);
}

TEST(DecideRollback, AnOutageIsReportedOnlyOnceItHasLastedTwoMinutes) {
  auto h = failing_after_good(3);
  for (auto t = Duration{0}; t < kRollbackFailingAfter - h.policy.interval * 2; t += h.policy.interval) {
    refused(h, "ServiceUnavailable (503)", false);
    h.tick({});
    ASSERT_EQ(count_events(h, "RollbackFailed"), 0) << "after " << t.count();
  }
  int reported = 0;
  for (int i = 0; i < 6; ++i) {
    refused(h, "ServiceUnavailable (503)", false);
    h.tick({});
    reported += count_events(h, "RollbackFailed");
  }
  EXPECT_EQ(reported, 1);
  EXPECT_EQ(h.stored.phase, Phase::RollingBack);
}

TEST(DecideRollback, CrashAfterThePatchConfirmsAndNeverRepeats) {
  auto h = failing_after_good(3);
  auto intent = *h.last.rollback;
  auto stale = h.deployment.obs;  // a cache that has not seen the patch yet
  ASSERT_TRUE(h.deployment.apply(intent));
  // Restart with the lagging cache: the same rollback is issued, conditioned on the old version...
  auto d = decide(h.policy, stale, {}, h.stored, h.now + seconds(1));
  ASSERT_TRUE(d.rollback);
  // ...which the API server refuses: the template cannot be patched twice.
  EXPECT_FALSE(h.deployment.apply(*d.rollback));
  h.tick({});
  EXPECT_EQ(h.stored.phase, Phase::RolledBack);
  EXPECT_FALSE(h.last.rollback);
  h.keep(fail(), minutes(1));  // the restored template fails: last known good, so Degraded
  EXPECT_EQ(h.stored.phase, Phase::Degraded);
  EXPECT_EQ(h.deployment.patches_applied, 1);
}

TEST(DecideRollback, ResumedAfterAConflictWithTheNewResourceVersion) {
  auto h = failing_after_good(3);
  h.deployment.bump();  // the Deployment changed (status update) before the patch: 409
  EXPECT_FALSE(h.deployment.apply(*h.last.rollback));
  auto& d = h.tick({});
  ASSERT_TRUE(d.rollback);
  EXPECT_EQ(d.rollback->expected_resource_version, h.deployment.obs.resource_version);
  EXPECT_TRUE(h.has_event("RollbackResumed"));
  EXPECT_EQ(h.stored.pending_rollback->resource_version, h.deployment.obs.resource_version);
  EXPECT_TRUE(h.deployment.apply(*d.rollback));
}

TEST(DecideRollback, ANewTemplateSupersedesAPendingRollback) {
  auto h = failing_after_good(3);
  h.deployment.deploy("t3");  // a fix was deployed before the patch went out
  auto& d = h.tick({});
  EXPECT_FALSE(d.rollback);
  EXPECT_FALSE(h.stored.pending_rollback);
  EXPECT_TRUE(h.has_event("RollbackSuperseded"));
  EXPECT_EQ(h.stored.phase, Phase::Verifying);
  EXPECT_EQ(h.stored.current_template_hash, "t3");
}

TEST(DecideRollback, PendingTargetGoneIsAbandoned) {
  auto h = failing_after_good(3);
  std::erase_if(h.deployment.obs.replica_sets, [](auto& rs) { return rs.template_hash == "t1"; });
  h.tick({});
  EXPECT_FALSE(h.stored.pending_rollback);
  EXPECT_TRUE(h.has_event("RollbackAbandoned"));
}

TEST(DecideRollback, DryRunReportsOnceAndNeverPatches) {
  Harness h;
  h.policy.rollback.mode = RollbackMode::DryRun;
  h.healthy_on("t1");
  h.deployment.deploy("t2");
  h.run();
  h.tick({fail()});
  h.tick({fail()});
  auto& d = h.tick({fail()});
  ASSERT_TRUE(d.rollback);
  EXPECT_TRUE(d.rollback->dry_run);
  EXPECT_EQ(d.rollback->message, "would roll back 2 → 1 because error-rate 0.31 > 0.05 for 3 evaluations");
  EXPECT_TRUE(h.has_event("DryRunRollback"));
  EXPECT_FALSE(h.stored.pending_rollback);
  EXPECT_FALSE(h.stored.last_rollback);
  EXPECT_EQ(h.stored.phase, Phase::Degraded);
  EXPECT_NE(h.stored.message.find("would roll back 2 → 1 (DryRun)"), std::string::npos) << h.stored.message;
  ASSERT_TRUE(h.stored.last_dry_run);
  EXPECT_EQ(h.stored.last_dry_run->template_hash, "t2");
  EXPECT_FALSE(h.deployment.apply(*d.rollback));
  int writes = h.writes;
  h.tick({fail()});
  h.tick({fail("error-rate", "0.9")});
  EXPECT_FALSE(h.last.rollback);
  EXPECT_TRUE(h.last.events.empty());
  EXPECT_EQ(h.writes, writes);
}

TEST(DecideRollback, CooldownHoldsTheNextRollback) {
  auto h = failing_after_good(3);
  auto started = h.now;
  h.deployment.apply(*h.last.rollback);
  h.tick({});
  h.deployment.deploy("t3");
  h.run();
  h.tick({fail()});
  h.tick({fail()});
  auto& d = h.tick({fail()});
  EXPECT_FALSE(d.rollback);
  EXPECT_EQ(h.stored.phase, Phase::Degraded);
  EXPECT_NE(h.stored.message.find("in cooldown until " + kube::format_time(started + minutes(10))),
            std::string::npos)
      << h.stored.message;
  EXPECT_TRUE(h.has_event("RollbackNotPossible"));
  EXPECT_LE(d.requeue_after, seconds(10));
  h.keep(fail(), std::chrono::duration_cast<Duration>(started + minutes(10) - h.now - seconds(10)));
  EXPECT_FALSE(h.last.rollback);
  auto& after = h.tick({fail()});
  ASSERT_TRUE(after.rollback);
  EXPECT_EQ(after.rollback->template_hash, "t1");
}

TEST(DecideRollback, NoLastKnownGoodMeansDegraded) {
  Harness h;
  h.deployment.deploy("t1");
  h.run();
  h.tick({fail()});
  h.tick({fail()});
  auto& d = h.tick({fail()});
  EXPECT_FALSE(d.rollback);
  EXPECT_EQ(h.stored.phase, Phase::Degraded);
  EXPECT_NE(h.stored.message.find("no last known good revision yet"), std::string::npos);
}

TEST(DecideRollback, LastKnownGoodReplicaSetGone) {
  Harness h;
  h.healthy_on("t1");
  h.deployment.deploy("t2");
  std::erase_if(h.deployment.obs.replica_sets, [](auto& rs) { return rs.template_hash == "t1"; });
  h.run();
  h.keep(fail(), seconds(30));
  EXPECT_FALSE(h.last.rollback);
  EXPECT_NE(h.stored.message.find("the ReplicaSet of last known good revision 1 no longer exists"),
            std::string::npos);
}

TEST(DecideRollback, PreviousRevisionSkipsRejectedTemplates) {
  Harness h;
  h.policy.rollback.to = RollbackTarget::PreviousRevision;
  h.policy.rollback.cooldown = Duration(0);
  h.deployment.deploy("t1");
  h.deployment.deploy("t2");
  h.run();
  h.keep(fail(), seconds(30));
  ASSERT_TRUE(h.last.rollback);
  EXPECT_EQ(h.last.rollback->to_revision, 1);  // not last known good (there is none): the previous one
  h.deployment.apply(*h.last.rollback);        // t1 is now revision 3
  h.tick({});
  h.deployment.deploy("t3");  // revision 4
  h.run();
  h.keep(fail(), seconds(30));
  ASSERT_TRUE(h.last.rollback);
  EXPECT_EQ(h.last.rollback->template_hash, "t1");  // t2 (revision 2) was rejected
  EXPECT_EQ(h.last.rollback->to_revision, 3);
}

TEST(DecideRollback, DeploymentPausedBySomeoneElseIsNotRolledBack) {
  auto h = failing_after_good(2);
  h.deployment.set_paused(true);
  auto& d = h.tick({fail()});
  EXPECT_FALSE(d.rollback);
  EXPECT_FALSE(d.release);
  EXPECT_EQ(h.stored.phase, Phase::Degraded);
  EXPECT_NE(h.stored.message.find("paused by someone else"), std::string::npos);
}

TEST(DecideRollback, ProgressDeadlineIsItsOwnReason) {
  Harness h;
  h.policy.slos = {{"rollout", DeploymentSlo{}}};
  h.deployment.deploy("t1");
  h.run({pass("rollout", "3/3")});
  h.keep(pass("rollout", "3/3"), h.policy.stabilization_window);
  ASSERT_EQ(h.stored.last_known_good_revision, 1);
  h.deployment.deploy("t2", /*complete=*/false);
  h.deployment.obs.progress_deadline_exceeded = true;
  h.run();
  Measurement m{"rollout", SloResult::Fail, "1/3", ">= 1", "ProgressDeadlineExceeded: timed out", 0.33, {}};
  h.tick({m});
  h.tick({m});
  auto& d = h.tick({m});
  ASSERT_TRUE(d.rollback);
  EXPECT_EQ(d.rollback->reason, RollbackReason::ProgressDeadline);
  EXPECT_EQ(d.rollback->message,
            "rolled back 2 → 1: rollout: ProgressDeadlineExceeded: timed out for 3 evaluations");
  EXPECT_EQ(h.stored.last_rollback->reason, "ProgressDeadline");
}

TEST(DecideRollback, InconclusiveCountedAsFailingSaysSo) {
  Harness h;
  h.policy.inconclusive_threshold = 1;
  h.healthy_on("t1");
  h.deployment.deploy("t2");
  h.run();
  h.keep(inconclusive(), seconds(30));
  ASSERT_TRUE(h.last.rollback);
  EXPECT_EQ(h.last.rollback->message, "rolled back 2 → 1: error-rate: no data for 3 evaluations");
  EXPECT_EQ(h.stored.failing_slo, "error-rate");
}

}  // namespace
}  // namespace rollguard
