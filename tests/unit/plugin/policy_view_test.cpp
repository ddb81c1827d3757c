// A RollbackPolicy object as the plugin reads it: whatever status holds, nothing throws, and the
// phase's age and the failing SLOs come from the fields that say so.
#include "policy_view.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "kube/time.hpp"

namespace rollguard::plugin {
namespace {

SystemTime at(const char* text) { return *kube::parse_time(text); }

boost::json::object object(const char* json) { return boost::json::parse(json).as_object(); }

constexpr const char* kPolicy = R"({
  "apiVersion": "rollguard.io/v1alpha1", "kind": "RollbackPolicy",
  "metadata": {"name": "web", "namespace": "prod", "generation": 4, "creationTimestamp": "2026-12-01T10:00:00Z"},
  "spec": {"targetRef": {"kind": "Deployment", "name": "web-deploy"}, "failureThreshold": 2, "paused": true,
           "manualRollback": {"toRevision": 1, "requestId": "INC-1"},
           "slos": [{"name": "error-rate", "prometheus": {"address": "http://p:9090", "query": "q", "max": 0.05}}]},
  "status": {"observedGeneration": 3, "phase": "Degraded", "currentRevision": 5, "lastKnownGoodRevision": 4,
             "failingSince": "2026-12-02T00:50:00Z", "failingSLO": "error-rate",
             "slos": [{"name": "error-rate", "result": "Fail", "value": "0.31", "threshold": "<= 0.05"}]}})";

TEST(PolicyView, ReadsSpecAndStatus) {
  const auto view = view_of(object(kPolicy));
  EXPECT_EQ(view.name, "web");
  EXPECT_EQ(view.ns, "prod");
  EXPECT_EQ(view.generation, 4);
  EXPECT_EQ(view.created, at("2026-12-01T10:00:00Z"));
  EXPECT_EQ(view.target, "web-deploy");
  EXPECT_TRUE(view.paused);
  EXPECT_EQ(view.failure_threshold, 2);
  ASSERT_TRUE(view.manual_rollback.has_value());
  EXPECT_EQ(view.manual_rollback->request_id, "INC-1");
  EXPECT_TRUE(view.spec_valid);
  EXPECT_EQ(view.status.phase, Phase::Degraded);
  EXPECT_EQ(view.status.current_revision, 5);
  EXPECT_TRUE(status_is_stale(view)) << "status of generation 3, spec at 4";
}

TEST(PolicyView, JunkStatusCostsOnlyTheJunk) {
  const auto view = view_of(object(R"({
    "metadata": {"name": "odd", "namespace": "x", "generation": "many"},
    "spec": {"targetRef": 7, "failureThreshold": "lots"},
    "status": {"phase": 12, "currentRevision": "4", "lastKnownGoodRevision": {"a": 1}, "slos": "nope",
               "history": [null, 3, {"type": "NewRevision", "time": "yesterday"}],
               "conditions": {"type": "Ready"}, "lastRollback": [1, 2], "handledRequests": [1, "INC-1"],
               "failingSince": 17}})"));
  EXPECT_EQ(view.name, "odd");
  EXPECT_FALSE(view.spec_valid);
  EXPECT_EQ(view.status.phase, Phase::Pending);
  EXPECT_EQ(view.status.current_revision, 4);
  EXPECT_EQ(view.status.last_known_good_revision, 0);
  EXPECT_TRUE(view.status.slos.empty());
  ASSERT_EQ(view.status.history.size(), 1u);
  EXPECT_EQ(view.status.history[0].time, SystemTime{});
  EXPECT_FALSE(view.status.last_rollback.has_value());
  EXPECT_EQ(view.status.handled_requests, std::vector<std::string>{"INC-1"});
  EXPECT_FALSE(phase_since(view.status).has_value());
}

TEST(PolicyView, NoStatusAtAll) {
  const auto view = view_of(object(R"({"metadata": {"name": "new", "namespace": "x"}, "spec": {}})"));
  EXPECT_EQ(view.status.phase, Phase::Pending);
  EXPECT_FALSE(status_is_stale(view)) << "generation 0: nothing to compare";
}

TEST(PhaseSince, EachPhaseByTheTimeThatStartedIt) {
  PolicyStatus s;
  s.healthy_since = at("2026-12-02T01:00:00Z");
  s.verifying_since = at("2026-12-02T00:59:00Z");
  s.failing_since = at("2026-12-02T00:58:00Z");
  s.last_rollback =
      RollbackRecord{.started_at = at("2026-12-02T00:57:00Z"), .completed_at = at("2026-12-02T00:57:05Z")};
  s.hold = Hold{.template_hash = "h", .since = at("2026-12-02T00:56:00Z")};
  s.conditions.push_back({.type = "Ready",
                          .status = kube::ConditionStatus::False,
                          .last_transition_time = at("2026-12-02T00:55:00Z")});
  auto since = [&](Phase phase) {
    s.phase = phase;
    return phase_since(s);
  };
  EXPECT_EQ(since(Phase::Healthy), at("2026-12-02T01:00:00Z"));
  EXPECT_EQ(since(Phase::Verifying), at("2026-12-02T00:59:00Z"));
  EXPECT_EQ(since(Phase::Degraded), at("2026-12-02T00:58:00Z"));
  EXPECT_EQ(since(Phase::RollingBack), at("2026-12-02T00:57:00Z"));
  EXPECT_EQ(since(Phase::RolledBack), at("2026-12-02T00:57:05Z"));
  EXPECT_EQ(since(Phase::Blocked), at("2026-12-02T00:56:00Z"));
  EXPECT_EQ(since(Phase::Paused), at("2026-12-02T00:55:00Z")) << "the Ready condition's transition";
  s.pending_rollback = PendingRollback{.target_template_hash = "t", .started_at = at("2026-12-02T00:57:30Z")};
  EXPECT_EQ(since(Phase::RollingBack), at("2026-12-02T00:57:30Z"));
  s.healthy_since.reset();
  EXPECT_EQ(since(Phase::Healthy), at("2026-12-02T00:55:00Z")) << "falls back to the Ready condition";
}

TEST(FailingSlos, ThoseFailingSloNames) {
  PolicyStatus s;
  s.slos = {{.name = "a", .result = SloResult::Fail},
            {.name = "b", .result = SloResult::Pass},
            {.name = "c", .result = SloResult::Inconclusive}};
  s.failing_slo = "c, ghost";
  const auto failing = failing_slos(s);
  ASSERT_EQ(failing.size(), 2u);
  EXPECT_EQ(failing[0].name, "c");
  EXPECT_EQ(failing[1].name, "ghost") << "named but without a result: still shown";
}

TEST(FailingSlos, WithoutFailingSloTheFailedResults) {
  PolicyStatus s;
  s.slos = {{.name = "a", .result = SloResult::Fail}, {.name = "b", .result = SloResult::Pass}};
  const auto failing = failing_slos(s);
  ASSERT_EQ(failing.size(), 1u);
  EXPECT_EQ(failing[0].name, "a");
}

}  // namespace
}  // namespace rollguard::plugin
