// dora_figures(): what each written status newly says about deployments, failures and recoveries,
// driven through real decisions (decide_harness.hpp) at fixed times, plus the history diff.
#include "rollguard/dora.hpp"

#include <gtest/gtest.h>

#include "decide_harness.hpp"

namespace rollguard {
namespace {

using namespace rollguard::testing;
using std::chrono::minutes;
using std::chrono::seconds;

SystemTime at(const char* text) { return *kube::parse_time(text); }

// The harness, with the figures of every status it stores summed the way the counters sum them.
struct DoraHarness {
  Harness h;
  DoraFigures last;  // of the latest decision (empty when it wrote nothing)
  std::vector<std::int64_t> deployments;
  std::vector<FailedDeployment> failed;
  std::vector<Recovery> recoveries;

  const Decision& run(std::vector<Measurement> measurements = {}) {
    const PolicyStatus before = h.stored;
    const auto& d = h.run(std::move(measurements));
    last = d.status_changed ? dora_figures(before, d.status) : DoraFigures{};
    deployments.insert(deployments.end(), last.deployments.begin(), last.deployments.end());
    failed.insert(failed.end(), last.failed.begin(), last.failed.end());
    if (last.recovery) recoveries.push_back(*last.recovery);
    return d;
  }
  const Decision& tick(std::vector<Measurement> measurements) {
    h.now += h.policy.interval;
    return run(std::move(measurements));
  }
  void keep(const Measurement& m, Duration d) {
    for (auto end = h.now + d; h.now < end;) tick({m});
  }
  // `tmpl` deployed one interval later and promoted to last known good.
  void good(const std::string& tmpl) {
    h.deployment.deploy(tmpl);
    tick({pass()});
    keep(pass(), h.policy.stabilization_window);
  }
  // `tmpl` deployed one interval later, then passing once and failing until rolled back.
  void bad(const std::string& tmpl) {
    h.deployment.deploy(tmpl);
    tick({});
    tick({pass()});
    while (!h.last.rollback) tick({fail()});
  }
};

// t1 (10:00:00, the template running when the policy arrived) last known good at 10:01:00.
DoraHarness started() {
  DoraHarness d;
  d.h.deployment.deploy("t1");
  d.run({pass()});
  d.keep(pass(), minutes(1));
  EXPECT_EQ(d.h.stored.last_known_good_template_hash, "t1");
  return d;
}

TEST(Dora, TheFirstTemplateThePolicySeesIsNotADeployment) {
  auto d = started();
  EXPECT_EQ(d.h.stored.history.at(0).type, "NewRevision");
  EXPECT_EQ(d.h.stored.history.at(0).from_revision, 0);
  EXPECT_TRUE(d.deployments.empty());
  EXPECT_TRUE(d.failed.empty());
}

TEST(Dora, EachNewRevisionIsOneDeploymentAndPassingOnesNeverFail) {
  auto d = started();
  d.good("t2");
  EXPECT_EQ(d.h.stored.history.at(2).type, "NewRevision");
  EXPECT_EQ(d.h.stored.history.at(2).from_revision, 1);  // the revision it replaced
  d.good("t3");
  d.keep(pass(), minutes(5));
  EXPECT_EQ(d.deployments, (std::vector<std::int64_t>{2, 3}));
  EXPECT_TRUE(d.failed.empty());
  EXPECT_TRUE(d.recoveries.empty());
}

// The timeline of e2e/scenarios/18-dora-metrics.sh at fixed times: good t2, bad t3 rolled back.
TEST(Dora, ABadRevisionRolledBackIsOneFailedDeploymentWithItsTimes) {
  auto d = started();
  d.good("t2");  // deployed 10:01:10, last known good 10:02:10
  EXPECT_EQ(d.h.now, at("2026-12-01T10:02:10Z"));
  d.bad("t3");  // deployed 10:02:20, passes 10:02:30, fails from 10:02:40, decided 10:03:00
  EXPECT_EQ(d.h.now, at("2026-12-01T10:03:00Z"));
  ASSERT_EQ(d.failed.size(), 1u);
  EXPECT_EQ(d.failed[0], (FailedDeployment{3, FailureReason::Rollback, at("2026-12-01T10:02:20Z"),
                                           at("2026-12-01T10:03:00Z"), at("2026-12-01T10:02:40Z")}));
  EXPECT_EQ(d.last.failed, d.failed);  // counted by the decision that started the rollback

  // The rollback lands; the restored template (revision 4) is observed while still rolling out.
  ASSERT_TRUE(d.h.deployment.apply(*d.h.last.rollback));
  d.h.deployment.set_complete(false);
  d.tick({});
  EXPECT_EQ(d.h.stored.history.back().type, "RollbackCompleted");
  EXPECT_FALSE(d.h.stored.last_rollback->recovered_at);
  EXPECT_TRUE(d.last.empty());
  d.tick({inconclusive()});
  EXPECT_TRUE(d.recoveries.empty());
  // Fully available at 10:03:30: recovered.
  d.h.deployment.set_complete(true);
  d.tick({pass()});
  EXPECT_EQ(d.h.stored.last_rollback->recovered_at, at("2026-12-01T10:03:30Z"));
  ASSERT_EQ(d.recoveries.size(), 1u);
  EXPECT_EQ(d.recoveries[0], (Recovery{3, at("2026-12-01T10:03:00Z"), at("2026-12-01T10:03:30Z"),
                                       at("2026-12-01T10:02:20Z")}));

  // Nothing after: the restored revision is no deployment, the recovery is not counted again.
  d.keep(pass(), minutes(5));
  EXPECT_EQ(d.deployments, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(d.failed.size(), 1u);
  EXPECT_EQ(d.recoveries.size(), 1u);
}

TEST(Dora, ARestoredTemplateAlreadyAvailableRecoversWhenObserved) {
  auto d = started();
  d.bad("t2");
  ASSERT_TRUE(d.h.deployment.apply(*d.h.last.rollback));  // complete at once
  d.tick({});
  ASSERT_TRUE(d.last.recovery);
  EXPECT_EQ(d.last.recovery->recovered_at, d.h.now);
  EXPECT_EQ(d.h.stored.last_rollback->completed_at, d.h.now);
}

TEST(Dora, ADecisionRerunAfterAFailedWriteCountsOnlyWhatIsWritten) {
  auto d = started();
  d.h.deployment.deploy("t2");
  d.tick({});
  d.tick({fail()});
  d.tick({fail()});
  // The rollback decision, decided twice from the same stored status (the first write failed):
  // the figures are those of (stored, written); the caller counts them after the write succeeded.
  d.h.now += d.h.policy.interval;
  const PolicyStatus stored = d.h.stored;
  auto first = decide(d.h.policy, d.h.deployment.obs, {fail()}, stored, d.h.now);
  auto again = decide(d.h.policy, d.h.deployment.obs, {fail()}, stored, d.h.now);
  ASSERT_TRUE(first.rollback);
  EXPECT_EQ(dora_figures(stored, first.status), dora_figures(stored, again.status));
  EXPECT_EQ(dora_figures(stored, again.status).failed.size(), 1u);
  // Once written, a decision from it (the patch re-sent after a conflict) adds nothing.
  d.h.stored = again.status;
  d.h.deployment.bump();  // the patch's precondition failed: the rollback is re-issued
  auto resent = decide(d.h.policy, d.h.deployment.obs, {}, d.h.stored, d.h.now + seconds(1));
  ASSERT_TRUE(resent.rollback);
  ASSERT_TRUE(resent.status_changed);
  EXPECT_TRUE(dora_figures(d.h.stored, resent.status).empty());
  // A status compared with itself says nothing.
  EXPECT_TRUE(dora_figures(d.h.stored, d.h.stored).empty());
}

TEST(Dora, TheLastKnownGoodComingBackIsNoDeployment) {
  auto d = started();
  d.h.deployment.deploy("t2");
  d.tick({pass()});
  d.h.deployment.deploy("t1");  // kubectl rollout undo before t2 became last known good
  d.tick({pass()});
  EXPECT_EQ(d.h.stored.history.back().type, "LastKnownGoodRunning");
  EXPECT_EQ(d.deployments, (std::vector<std::int64_t>{2}));
  // Undoing to a template that is not the last known good is a deployment like any other.
  d.good("t2");
  d.h.deployment.deploy("t1");
  d.tick({pass()});
  EXPECT_EQ(d.h.stored.history.back().type, "NewRevision");
  EXPECT_EQ(d.deployments.size(), 3u);
}

TEST(Dora, AManualRollbackFailsTheDeploymentWithReasonManual) {
  auto d = started();
  d.good("t2");
  d.h.deployment.deploy("t3");
  d.tick({pass()});  // 10:02:20
  d.tick({pass()});
  d.h.policy.manual_rollback = ManualRollback{2, "INC-1"};
  d.h.policy.generation = 2;
  d.tick({pass()});  // 10:02:40
  ASSERT_TRUE(d.h.last.rollback);
  ASSERT_EQ(d.failed.size(), 1u);
  // Never failed an evaluation: no first failure.
  EXPECT_EQ(d.failed[0], (FailedDeployment{3, FailureReason::Manual, at("2026-12-01T10:02:20Z"),
                                           at("2026-12-01T10:02:40Z"), std::nullopt}));
  ASSERT_TRUE(d.h.deployment.apply(*d.h.last.rollback));
  d.tick({});
  ASSERT_EQ(d.recoveries.size(), 1u);
  EXPECT_EQ(d.recoveries[0].deployed_at, at("2026-12-01T10:02:20Z"));
}

TEST(Dora, AManualRollbackOfAFailingRevisionHasItsFirstFailure) {
  auto d = started();
  d.h.policy.failure_threshold = 5;
  d.h.deployment.deploy("t2");
  d.tick({});        // 10:01:10
  d.tick({fail()});  // 10:01:20
  d.tick({fail()});
  d.h.policy.manual_rollback = ManualRollback{1, "INC-2"};
  d.tick({fail()});  // 10:01:40
  ASSERT_EQ(d.failed.size(), 1u);
  EXPECT_EQ(d.failed[0], (FailedDeployment{2, FailureReason::Manual, at("2026-12-01T10:01:10Z"),
                                           at("2026-12-01T10:01:40Z"), at("2026-12-01T10:01:20Z")}));
}

TEST(Dora, RollingBackARestoredRevisionIsNoFailedDeployment) {
  auto d = started();
  d.bad("t2");
  ASSERT_TRUE(d.h.deployment.apply(*d.h.last.rollback));  // t1 again, as revision 3
  d.tick({pass()});
  d.keep(pass(), minutes(11));  // past the cooldown
  // A person rolls the restored revision back to t2: no deployment of theirs failed.
  d.h.policy.manual_rollback = ManualRollback{2, "INC-3"};
  d.tick({pass()});
  ASSERT_TRUE(d.h.last.rollback);
  EXPECT_EQ(d.h.last.rollback->from_revision, 3);
  ASSERT_TRUE(d.h.deployment.apply(*d.h.last.rollback));
  d.tick({pass()});
  EXPECT_EQ(d.failed.size(), 1u);  // t2's, earlier
  EXPECT_EQ(d.deployments.size(), 1u);
  // The second rollback recovered too (time to recover), but not a failed deployment.
  ASSERT_EQ(d.recoveries.size(), 2u);
  EXPECT_FALSE(d.recoveries[1].deployed_at);
}

TEST(Dora, RollingBackTheFirstTemplateIsNoFailedDeployment) {
  DoraHarness d;
  d.h.policy.rollback.to = RollbackTarget::PreviousRevision;
  d.h.deployment.deploy("t0");
  d.h.deployment.deploy("t1");  // revision 2 runs when the policy arrives
  d.run({});
  while (!d.h.last.rollback) d.tick({fail()});
  ASSERT_TRUE(d.h.deployment.apply(*d.h.last.rollback));
  d.tick({});
  EXPECT_TRUE(d.deployments.empty());
  EXPECT_TRUE(d.failed.empty());
  ASSERT_EQ(d.recoveries.size(), 1u);
  EXPECT_FALSE(d.recoveries[0].deployed_at);
}

TEST(Dora, ARejectedTemplateComingBackIsADeploymentBlockedOnce) {
  auto d = started();
  d.bad("t2");
  ASSERT_TRUE(d.h.deployment.apply(*d.h.last.rollback));
  d.tick({pass()});
  d.h.deployment.deploy("t2");  // GitOps self-heal re-applies it: held
  d.tick({});
  EXPECT_EQ(d.h.stored.history.back().type, "Held");
  EXPECT_EQ(d.deployments, (std::vector<std::int64_t>{2, 4}));
  ASSERT_EQ(d.failed.size(), 2u);
  EXPECT_EQ(d.failed[1], (FailedDeployment{4, FailureReason::Blocked, d.h.now, d.h.now, std::nullopt}));
  // The hold confirmed, then a person resumes it and it fails again: still the one failed deployment.
  d.h.deployment.set_paused(true);
  d.tick({});
  d.h.deployment.set_paused(false);
  d.tick({});
  EXPECT_EQ(d.h.stored.history.back().type, "HoldOverridden");
  d.keep(fail(), minutes(11));
  ASSERT_TRUE(d.h.stored.pending_rollback);
  EXPECT_EQ(d.failed.size(), 2u);
  EXPECT_EQ(d.deployments.size(), 2u);
  // Its rollback recovers the blocked deployment: recovery from when it came back.
  const auto came_back = d.failed[1].deployed_at;
  ASSERT_TRUE(d.h.last.rollback);
  ASSERT_TRUE(d.h.deployment.apply(*d.h.last.rollback));
  d.tick({});
  ASSERT_EQ(d.recoveries.size(), 2u);
  EXPECT_EQ(d.recoveries[1].deployed_at, came_back);
}

TEST(Dora, ARollbackAbandonedAndStartedAgainIsOneFailedDeployment) {
  auto d = started();
  d.bad("t2");
  auto t1 = *d.h.deployment.obs.find_template("t1");
  std::erase_if(d.h.deployment.obs.replica_sets, [](auto& rs) { return rs.template_hash == "t1"; });
  d.tick({});
  EXPECT_EQ(d.h.stored.history.back().type, "RollbackAbandoned");
  d.h.deployment.obs.replica_sets.insert(d.h.deployment.obs.replica_sets.begin(), t1);
  d.keep(fail(), minutes(11));
  EXPECT_EQ(d.h.stored.history.back().type, "RollbackStarted");
  EXPECT_EQ(d.failed.size(), 1u);
}

TEST(Dora, ASupersededRollbackKeepsItsFailureAndTheNewRevisionCounts) {
  auto d = started();
  d.bad("t2");
  d.h.deployment.deploy("t3");  // a fix rolled out before the rollback landed
  d.tick({});
  EXPECT_EQ(d.deployments, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(d.failed.size(), 1u);
  EXPECT_TRUE(d.recoveries.empty());
}

TEST(Dora, AppendedHistory) {
  const auto t = kStart;
  auto entry = [&](int i) { return HistoryEntry{t + seconds(i), "E" + std::to_string(i), "", 0, i}; };
  std::vector<HistoryEntry> previous;
  EXPECT_EQ(appended_history(previous, {}), 0u);
  EXPECT_EQ(appended_history(previous, {entry(0)}), 1u);
  for (int i = 0; i < 5; ++i) previous.push_back(entry(i));
  auto written = previous;
  EXPECT_EQ(appended_history(previous, written), 0u);
  written.push_back(entry(5));
  written.push_back(entry(6));
  EXPECT_EQ(appended_history(previous, written), 2u);
  // Full: the oldest were dropped to make room.
  previous.clear();
  for (int i = 0; i < static_cast<int>(kMaxHistory); ++i) previous.push_back(entry(i));
  written.assign(previous.begin() + 3, previous.end());
  for (int i = 0; i < 3; ++i) written.push_back(entry(100 + i));
  EXPECT_EQ(appended_history(previous, written), 3u);
  EXPECT_EQ(appended_history(previous, previous), 0u);
}

TEST(Dora, AFullHistoryStillCountsEachDeploymentOnce) {
  auto d = started();
  // Enough good deployments to fill the history (each adds NewRevision and LastKnownGood).
  for (int i = 2; i < 16; ++i) d.good("t" + std::to_string(i));
  EXPECT_EQ(d.h.stored.history.size(), kMaxHistory);
  EXPECT_EQ(d.deployments.size(), 14u);
  d.bad("t20");
  EXPECT_EQ(d.deployments.size(), 15u);
  ASSERT_EQ(d.failed.size(), 1u);
  EXPECT_EQ(d.failed[0].revision, 16);
}

TEST(Dora, ReasonNames) {
  EXPECT_STREQ(to_string(FailureReason::Rollback), "rollback");
  EXPECT_STREQ(to_string(FailureReason::Manual), "manual");
  EXPECT_STREQ(to_string(FailureReason::Blocked), "blocked");
}

}  // namespace
}  // namespace rollguard
