#include "rollguard/status.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "kube/time.hpp"

namespace rollguard {
namespace {

namespace json = boost::json;

SystemTime at(const char* text) { return *kube::parse_time(text); }

PolicyStatus full_status() {
  PolicyStatus s;
  s.observed_generation = 3;
  s.phase = Phase::RolledBack;
  s.message = "rolled back 7 → 6";
  s.current_revision = 8;
  s.current_template_hash = "aaaa";
  s.current_pod_template_hash = "5d8f";
  s.last_known_good_revision = 8;
  s.last_known_good_template_hash = "aaaa";
  s.last_known_good_pod_template_hash = "5d8f";
  s.verifying_since = at("2026-12-01T10:00:00Z");
  s.healthy_since = at("2026-12-01T10:00:10Z");
  s.failing_since = at("2026-12-01T10:00:20Z");
  s.consecutive_failures = 2;
  s.consecutive_inconclusive = 1;
  s.failing_slo = "error-rate";
  s.slos = {{"error-rate", SloResult::Fail, "0.31", "<= 0.05", "too many 5xx", at("2026-12-01T10:00:30Z"),
             at("2026-12-01T10:00:20Z")}};
  s.last_rollback = RollbackRecord{7,
                                   6,
                                   "bbbb",
                                   "aaaa",
                                   "SLOBreached",
                                   "rolled back 7 → 6: error-rate 0.31 > 0.05",
                                   "",
                                   s.slos,
                                   at("2026-12-01T10:00:20Z"),
                                   at("2026-12-01T10:00:40Z"),
                                   at("2026-12-01T10:00:50Z"),
                                   at("2026-12-01T10:01:05Z")};
  s.pending_rollback = PendingRollback{
      7, 6, "bbbb", "aaaa", "api-5d8f", "12345", "Manual", "INC-1", at("2026-12-01T10:00:40Z")};
  s.last_dry_run = DryRunRecord{7, 6, "bbbb", "would roll back", at("2026-12-01T10:00:40Z")};
  s.hold = Hold{"bbbb", 9, 7, at("2026-12-01T10:01:00Z"), "rejected", true};
  s.resume_pending = true;
  s.rejected_templates = {{"bbbb", 7, at("2026-12-01T10:00:40Z"), "error-rate"}};
  s.handled_requests = {"INC-1"};
  s.history = {{at("2026-12-01T10:00:40Z"), "RollbackStarted", "rolled back 7 → 6", 7, 6}};
  s.conditions = {{"Ready", kube::ConditionStatus::True, 3, at("2026-12-01T10:00:00Z"), "RolledBack", "m"}};
  return s;
}

TEST(PolicyStatusJson, RoundTripsEveryField) {
  auto s = full_status();
  auto text = json::serialize(s.to_json());
  json::value v = json::parse(text);
  EXPECT_EQ(PolicyStatus::from_json(&v), s) << text;
}

TEST(PolicyStatusJson, KeepsTheNamesToolsRead) {
  auto o = full_status().to_json();
  EXPECT_EQ(o.at("observedGeneration").as_int64(), 3);
  EXPECT_EQ(o.at("phase").as_string(), "RolledBack");
  EXPECT_EQ(o.at("currentRevision").as_int64(), 8);
  EXPECT_EQ(o.at("lastKnownGoodRevision").as_int64(), 8);
  EXPECT_EQ(o.at("lastRollback").at("fromRevision").as_int64(), 7);
  EXPECT_EQ(o.at("lastRollback").at("toRevision").as_int64(), 6);
  EXPECT_EQ(o.at("conditions").as_array().size(), 1u);
  EXPECT_EQ(o.at("failingSLO").as_string(), "error-rate");
  EXPECT_EQ(o.at("slos").at(0).at("lastEvaluationTime").as_string(), "2026-12-01T10:00:30Z");
  EXPECT_EQ(o.at("pendingRollback").at("resourceVersion").as_string(), "12345");
}

TEST(PolicyStatusJson, EmptyStatusWritesOnlyTheEssentials) {
  auto o = PolicyStatus{}.to_json();
  EXPECT_EQ(
      json::serialize(o),
      R"({"observedGeneration":0,"phase":"Pending","consecutiveFailures":0,"consecutiveInconclusive":0})");
}

TEST(PolicyStatusJson, JunkNeverThrowsAndCostsOnlyItsField) {
  const char* junk[] = {
      "null",
      "[]",
      "\"status\"",
      "42",
      R"({"phase":"Exploded","observedGeneration":"x","currentRevision":{},"slos":"no","conditions":{}})",
      R"({"slos":[1,{"name":"a"},{"name":"b","result":"Maybe"},{"result":"Pass"}],"history":[null,{"message":"no type"}]})",
      R"({"lastRollback":[],"pendingRollback":{"fromRevision":7},"hold":{"reason":"x"},"rejectedTemplates":[{"revision":1}]})",
      R"({"consecutiveFailures":-5,"consecutiveInconclusive":1e300,"verifyingSince":"yesterday","handledRequests":[1,"",null]})",
  };
  for (auto* text : junk) {
    json::value v = json::parse(text);
    auto s = PolicyStatus::from_json(&v);
    EXPECT_EQ(s.phase, Phase::Pending) << text;
    EXPECT_TRUE(s.slos.empty()) << text;
    EXPECT_FALSE(s.pending_rollback) << text;  // an intent without a target template is none
    EXPECT_FALSE(s.hold) << text;
    EXPECT_TRUE(s.rejected_templates.empty()) << text;
    EXPECT_TRUE(s.history.empty()) << text;
    EXPECT_TRUE(s.handled_requests.empty()) << text;
    EXPECT_GE(s.consecutive_failures, 0) << text;
    EXPECT_FALSE(s.verifying_since) << text;
  }
  EXPECT_EQ(PolicyStatus::from_json(nullptr), PolicyStatus{});
}

TEST(PolicyStatusJson, GoodFieldsSurviveNextToJunk) {
  json::value v = json::parse(R"({"phase":"Healthy","currentRevision":"7","lastKnownGoodRevision":6.0,
    "slos":[7,{"name":"a","result":"Pass"}],"lastRollback":{"fromRevision":7,"toRevision":"x"}})");
  auto s = PolicyStatus::from_json(&v);
  EXPECT_EQ(s.phase, Phase::Healthy);
  EXPECT_EQ(s.current_revision, 7);
  EXPECT_EQ(s.last_known_good_revision, 6);
  ASSERT_EQ(s.slos.size(), 1u);
  EXPECT_EQ(s.slos[0].name, "a");
  ASSERT_TRUE(s.last_rollback);
  EXPECT_EQ(s.last_rollback->from_revision, 7);
  EXPECT_EQ(s.last_rollback->to_revision, 0);
}

// A time no rollguard wrote (before the epoch, or beyond what nanoseconds hold) is dropped: the
// decision subtracts status times from now, and on such a time that would overflow.
TEST(PolicyStatusJson, TimesOutsideTheRepresentableRangeAreDropped) {
  json::value v =
      json::parse(R"({"verifyingSince":"0001-01-01T00:00:00Z","healthySince":"1969-12-31T23:59:59Z",
    "failingSince":"9999-12-31T23:59:59Z","lastRollback":{"startedAt":"2026-12-02T01:00:00Z"}})");
  auto s = PolicyStatus::from_json(&v);
  EXPECT_FALSE(s.verifying_since);
  EXPECT_FALSE(s.healthy_since);
  EXPECT_FALSE(s.failing_since);
  ASSERT_TRUE(s.last_rollback);
  EXPECT_TRUE(s.last_rollback->started_at);
}

TEST(PolicyStatusJson, OversizedListsKeepTheNewest) {
  json::array history;
  for (int i = 0; i < 30; ++i) history.push_back(json::object{{"type", "T"}, {"fromRevision", i}});
  json::value v = json::object{{"history", history}};
  auto s = PolicyStatus::from_json(&v);
  ASSERT_EQ(s.history.size(), kMaxHistory);
  EXPECT_EQ(s.history.front().from_revision, 10);
  EXPECT_EQ(s.history.back().from_revision, 29);
}

TEST(PolicyStatusHelpers, BoundedListsAndLookups) {
  PolicyStatus s;
  for (int i = 0; i < 25; ++i) add_history(s, {SystemTime{}, "T", std::to_string(i), 0, 0});
  EXPECT_EQ(s.history.size(), kMaxHistory);
  EXPECT_EQ(s.history.front().message, "5");
  for (int i = 0; i < 12; ++i) add_rejected(s, {"h" + std::to_string(i), i, SystemTime{}, "r"});
  EXPECT_EQ(s.rejected_templates.size(), kMaxRejectedTemplates);
  EXPECT_FALSE(find_rejected(s, "h1"));
  ASSERT_TRUE(find_rejected(s, "h11"));
  add_rejected(s, {"h5", 50, SystemTime{}, "again"});  // one entry per template, refreshed
  EXPECT_EQ(s.rejected_templates.size(), kMaxRejectedTemplates);
  EXPECT_EQ(find_rejected(s, "h5")->revision, 50);
  mark_request_handled(s, "A");
  mark_request_handled(s, "A");
  EXPECT_EQ(s.handled_requests.size(), 1u);
  EXPECT_TRUE(request_handled(s, "A"));
  EXPECT_FALSE(request_handled(s, "B"));
}

TEST(SameButTimestamps, IgnoresOnlyValuesMessagesAndEvaluationTimes) {
  auto a = full_status();
  auto b = a;
  b.slos[0].value = "0.42";
  b.slos[0].message = "other";
  b.slos[0].last_evaluation_time += std::chrono::seconds(10);
  EXPECT_TRUE(same_but_timestamps(a, b));
  b.slos[0].result = SloResult::Pass;
  EXPECT_FALSE(same_but_timestamps(a, b));
  b = a;
  b.slos[0].last_transition_time += std::chrono::seconds(1);
  EXPECT_FALSE(same_but_timestamps(a, b));
  b = a;
  b.consecutive_failures = 3;
  EXPECT_FALSE(same_but_timestamps(a, b));
  b = a;
  b.message = "x";
  EXPECT_FALSE(same_but_timestamps(a, b));
}

TEST(Phase, NamesRoundTrip) {
  for (auto p : {Phase::Pending, Phase::Healthy, Phase::Verifying, Phase::Degraded, Phase::RollingBack,
                 Phase::RolledBack, Phase::Blocked, Phase::Paused, Phase::Invalid}) {
    EXPECT_EQ(parse_phase(to_string(p)), p);
  }
  EXPECT_FALSE(parse_phase("healthy"));
}

}  // namespace
}  // namespace rollguard
