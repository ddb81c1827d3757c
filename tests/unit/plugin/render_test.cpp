// What status, timeline and why print, pinned on a status like the one the controller writes after
// an automatic rollback.
#include "render.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "kube/time.hpp"

namespace rollguard::plugin {
namespace {

SystemTime at(const char* text) { return *kube::parse_time(text); }

const SystemTime kNow = at("2026-12-02T01:10:00Z");

PolicyView rolled_back() {
  PolicyView v;
  v.name = "web";
  v.ns = "prod";
  v.generation = 2;
  v.target = "web";
  v.failure_threshold = 3;
  v.inconclusive_threshold = 0;
  auto& s = v.status;
  s.observed_generation = 2;
  s.phase = Phase::RolledBack;
  s.message = "rolled back 2 → 1: SLOs breached";
  s.current_revision = 3;
  s.last_known_good_revision = 1;
  s.slos = {{.name = "error-rate",
             .result = SloResult::Pass,
             .value = "0",
             .threshold = "<= 0.05",
             .last_evaluation_time = at("2026-12-02T01:09:58Z"),
             .last_transition_time = at("2026-12-02T01:09:00Z")}};
  const SloStatus breached{
      .name = "error-rate", .result = SloResult::Fail, .value = "0.31", .threshold = "<= 0.05"};
  s.last_rollback = RollbackRecord{.from_revision = 2,
                                   .to_revision = 1,
                                   .reason = "SLOBreached",
                                   .message = "rolled back 2 → 1: SLOs breached",
                                   .measurements = {breached},
                                   .detected_at = at("2026-12-02T01:00:00Z"),
                                   .started_at = at("2026-12-02T01:00:03Z"),
                                   .completed_at = at("2026-12-02T01:00:05Z")};
  s.history = {{at("2026-12-02T00:59:50Z"), "NewRevision", "verifying revision 2", 0, 2},
               {at("2026-12-02T01:00:03Z"), "RollbackStarted", "rolled back 2 → 1: SLOs breached", 2, 1},
               {at("2026-12-02T01:00:05Z"), "RollbackCompleted", "rolled back 2 → 1 (now revision 3)", 2, 1}};
  s.conditions = {{.type = "Ready",
                   .status = kube::ConditionStatus::True,
                   .last_transition_time = at("2026-12-02T01:00:05Z"),
                   .reason = "RolledBack",
                   .message = "rolled back"}};
  return v;
}

TEST(StatusTable, OneRowPerPolicy) {
  auto degraded = rolled_back();
  degraded.name = "api";
  degraded.target = "api";
  degraded.status.phase = Phase::Degraded;
  degraded.status.failing_since = at("2026-12-02T01:08:00Z");
  degraded.status.slos[0] = {
      .name = "error-rate", .result = SloResult::Fail, .value = "0.31", .threshold = "<= 0.05"};
  EXPECT_EQ(render_status_table({rolled_back(), degraded}, false, kNow),
            "NAME   TARGET   PHASE        REVISION   LAST-GOOD   FAILING SLO              AGE\n"
            "web    web      RolledBack   3          1           -                        9m55s\n"
            "api    api      Degraded     3          1           error-rate 0.31 > 0.05   2m\n");
}

TEST(StatusTable, AGroupedPolicyHasARowPerTarget) {
  PolicyView group;
  group.name = "shop";
  group.ns = "prod";
  group.grouped = true;
  group.status.phase = Phase::RolledBack;
  auto api = rolled_back().status;
  auto web = rolled_back().status;
  web.phase = Phase::Healthy;
  web.healthy_since = at("2026-12-02T01:05:00Z");
  web.current_revision = 7;
  web.last_known_good_revision = 7;
  group.targets = {{"api", api}, {"web", web}};
  EXPECT_EQ(render_status_table({group}, false, kNow),
            "NAME   TARGET   PHASE        REVISION   LAST-GOOD   FAILING SLO   AGE\n"
            "shop   api      RolledBack   3          1           -             9m55s\n"
            "shop   web      Healthy      7          7           -             5m\n");
  const auto detail = render_status_detail(group, kNow);
  EXPECT_NE(detail.find("Target api:\n  Name:"), std::string::npos) << detail;
  EXPECT_NE(detail.find("Target web:"), std::string::npos) << detail;
  const auto timeline = render_timeline(group, kNow);
  EXPECT_NE(timeline.find("(namespace prod, Deployment api)"), std::string::npos) << timeline;
  EXPECT_NE(timeline.find("(namespace prod, Deployment web)"), std::string::npos) << timeline;
}

TEST(StatusTable, AllNamespacesAddsTheNamespace) {
  EXPECT_EQ(render_status_table({rolled_back()}, true, kNow),
            "NAMESPACE   NAME   TARGET   PHASE        REVISION   LAST-GOOD   FAILING SLO   AGE\n"
            "prod        web    web      RolledBack   3          1           -             9m55s\n");
}

TEST(StatusTable, APolicyWithoutStatusSaysSo) {
  PolicyView fresh;
  fresh.name = "new";
  fresh.target = "new";
  EXPECT_EQ(render_status_table({fresh}, false, kNow),
            "NAME   TARGET   PHASE                     REVISION   LAST-GOOD   FAILING SLO   AGE\n"
            "new    new      Pending (no status yet)   -          -           -             -\n");
}

TEST(StatusDetail, ShowsPhaseRevisionsConditionsSlosAndTheLastRollback) {
  const std::string text = render_status_detail(rolled_back(), kNow);
  EXPECT_EQ(text,
            "Name:             web\n"
            "Namespace:        prod\n"
            "Target:           Deployment/web\n"
            "Phase:            RolledBack for 9m55s (since 2026-12-02 01:00:05 UTC)\n"
            "Message:          rolled back 2 → 1: SLOs breached\n"
            "Revision:         3\n"
            "Last good:        1\n"
            "Paused:           no\n"
            "Failing SLO:      -\n"
            "Conditions:\n"
            "  TYPE    STATUS   REASON       AGE     MESSAGE\n"
            "  Ready   True     RolledBack   9m55s   rolled back\n"
            "SLOs:\n"
            "  NAME         RESULT   VALUE   THRESHOLD   EVALUATED   MESSAGE\n"
            "  error-rate   Pass     0       <= 0.05     2s ago      -\n"
            "Last rollback:\n"
            "  2 → 1  SLOBreached\n"
            "  rolled back 2 → 1: SLOs breached\n"
            "  detected 2026-12-02 01:00:00 UTC, started 2026-12-02 01:00:03 UTC, completed 2026-12-02 "
            "01:00:05 UTC "
            "(9m55s ago)\n"
            "  caused by error-rate 0.31 > 0.05\n");
}

TEST(StatusDetail, WarnsWhenStatusLagsTheSpec) {
  auto v = rolled_back();
  v.generation = 3;
  EXPECT_NE(render_status_detail(v, kNow).find("status describes generation 2, the spec is at generation 3"),
            std::string::npos);
}

TEST(Timeline, HistoryPlusTheDetectionOfTheLastRollback) {
  const auto entries = timeline_of(rolled_back().status);
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].step, "NewRevision");
  EXPECT_EQ(entries[1].step, "BreachDetected");
  EXPECT_EQ(entries[1].message, "first failing evaluation: error-rate 0.31 > 0.05");
  EXPECT_EQ(entries[2].step, "RollbackStarted");
  EXPECT_EQ(entries[3].step, "RollbackCompleted") << "not repeated from lastRollback: history has it";
}

TEST(Timeline, LastRollbackStepsHistoryNoLongerHas) {
  auto s = rolled_back().status;
  s.history.clear();  // trimmed away by newer entries (history keeps 20)
  const auto entries = timeline_of(s);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].step, "BreachDetected");
  EXPECT_EQ(entries[1].step, "RollbackStarted");
  EXPECT_EQ(entries[2].step, "RollbackCompleted");
}

TEST(Timeline, RendersTimesTheTimeBetweenStepsAndTheRollbacksDurations) {
  EXPECT_EQ(
      render_timeline(rolled_back(), kNow),
      "Timeline of rollbackpolicy web (namespace prod, Deployment web), times in UTC:\n"
      "  TIME                      AFTER   STEP                REVISION   MESSAGE\n"
      "  2026-12-02 00:59:50 UTC   -       NewRevision         2          verifying revision 2\n"
      "  2026-12-02 01:00:00 UTC   +10s    BreachDetected      2 → 1      first failing evaluation: "
      "error-rate 0.31 > "
      "0.05\n"
      "  2026-12-02 01:00:03 UTC   +3s     RollbackStarted     2 → 1      rolled back 2 → 1: SLOs breached\n"
      "  2026-12-02 01:00:05 UTC   +2s     RollbackCompleted   2 → 1      rolled back 2 → 1 (now revision "
      "3)\n"
      "Last rollback 2 → 1 (SLOBreached): detected → started 3s, started → completed 2s, detected → "
      "completed 5s\n");
}

TEST(Timeline, EmptyHistory) {
  PolicyView v;
  v.name = "new";
  v.ns = "x";
  EXPECT_EQ(render_timeline(v, kNow),
            "Timeline of rollbackpolicy new (namespace x, Deployment -), times in UTC:\n"
            "  (no history recorded yet)\n");
}

TEST(Why, TheDecisionCountersAndMeasurementsWithTheirTimes) {
  const std::string text = render_why(rolled_back(), kNow);
  EXPECT_NE(text.find("Decision:         RolledBack for 9m55s: rolled back 2 → 1: SLOs breached\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Counters:         consecutive failures 0 of 3 (failureThreshold), inconclusive 0 of 0 "
                      "(inconclusiveThreshold: inconclusive never counts as failing)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          "  NAME         RESULT   VALUE   THRESHOLD   EVALUATED                          FOR   MESSAGE\n"
          "  error-rate   Pass     0       <= 0.05     2026-12-02 01:09:58 UTC (2s ago)   60s   -\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("  caused by error-rate 0.31 > 0.05\n"), std::string::npos) << text;
}

TEST(Why, NothingMeasuredYet) {
  PolicyView v;
  v.name = "new";
  EXPECT_NE(render_why(v, kNow).find("(none measured yet)"), std::string::npos);
}

}  // namespace
}  // namespace rollguard::plugin

namespace rollguard::plugin {
namespace {

// Status is writable by anyone with /status rights: every view of junk renders, none throws.
TEST(Junk, EveryViewRendersWhateverStatusHolds) {
  const auto junk = boost::json::parse(R"({
    "metadata": {"name": ["web"], "namespace": 7, "generation": -3, "creationTimestamp": "soon"},
    "spec": {"targetRef": {"name": {"x": 1}}, "failureThreshold": 1e300, "slos": [null, "x", {"name": 5}],
             "manualRollback": {"toRevision": "one", "requestId": 12}, "paused": "yes"},
    "status": {"phase": "Exploded", "message": ["a"], "currentRevision": 1e300, "lastKnownGoodRevision": -1,
               "consecutiveFailures": 99999999999, "failingSLO": 3, "failingSince": "2026-13-45T99:99:99Z",
               "slos": [{"name": "e", "result": "Fail", "value": 0.3, "threshold": null,
                         "lastEvaluationTime": "0000-01-01T00:00:00Z"}, {"result": "Pass"}],
               "lastRollback": {"fromRevision": "x", "measurements": {"a": 1}, "startedAt": 5,
                                "detectedAt": "2026-12-02T01:00:00Z"},
               "pendingRollback": {"targetTemplateHash": "h", "startedAt": []},
               "hold": {"templateHash": "h", "since": "later"},
               "history": [{"type": "RollbackStarted", "time": "2026-12-02T01:00:00Z", "fromRevision": {}},
                           {"type": "", "time": 4}, {"type": "ManualRollbackFailed", "message": null}],
               "handledRequests": "INC-1", "conditions": [{"type": "Ready", "status": "Maybe"}, 7]}})");
  const PolicyView view = view_of(junk.as_object());
  const SystemTime now = std::chrono::system_clock::now();
  EXPECT_NO_THROW({
    render_status_table({view}, true, now);
    render_status_detail(view, now);
    render_timeline(view, now);
    render_why(view, now);
  });
  EXPECT_EQ(view.status.phase, Phase::Pending);
}

}  // namespace
}  // namespace rollguard::plugin

namespace rollguard::plugin {
namespace {

boost::json::object deployment(const char* json) { return boost::json::parse(json).as_object(); }

TEST(DeploymentRollout, CompleteWhenEveryReplicaIsUpdatedAndAvailable) {
  const auto state = deployment_rollout(deployment(R"({
    "metadata": {"generation": 5, "annotations": {"deployment.kubernetes.io/revision": "4"}},
    "spec": {"replicas": 2},
    "status": {"observedGeneration": 5, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2}})"));
  EXPECT_TRUE(state.complete);
  EXPECT_EQ(state.text, "revision 4, 2 of 2 replicas updated and available");
}

TEST(DeploymentRollout, SaysWhatIsMissing) {
  const auto state = deployment_rollout(deployment(R"({
    "metadata": {"generation": 5, "annotations": {"deployment.kubernetes.io/revision": "4"}},
    "spec": {"replicas": 2},
    "status": {"observedGeneration": 5, "replicas": 3, "updatedReplicas": 1, "availableReplicas": 2}})"));
  EXPECT_FALSE(state.complete);
  EXPECT_EQ(state.text,
            "revision 4, rolling out: 1 of 2 updated, 2 of 2 available, 1 old replicas terminating");
}

TEST(DeploymentRollout, NotYetObservedIsNotComplete) {
  const auto state = deployment_rollout(deployment(R"({
    "metadata": {"generation": 6}, "spec": {"replicas": 1},
    "status": {"observedGeneration": 5, "replicas": 1, "updatedReplicas": 1, "availableReplicas": 1}})"));
  EXPECT_FALSE(state.complete);
  EXPECT_EQ(deployment_rollout(deployment(R"({"status": "junk"})")).text,
            "revision -, rolling out: 0 of 1 updated, 0 of 1 available");
}

}  // namespace
}  // namespace rollguard::plugin
