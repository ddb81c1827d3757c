#include "kube/condition.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace rollguard::kube {
namespace {
namespace json = boost::json;
using namespace std::chrono;

const SystemTime kT0 = sys_days(year(2026) / 12 / 1) + hours(10);
const SystemTime kT1 = kT0 + minutes(5);

Condition healthy(ConditionStatus status, std::string reason = "SLOsMet", std::int64_t generation = 1) {
  return Condition{.type = "Healthy",
                   .status = status,
                   .observed_generation = generation,
                   .reason = std::move(reason),
                   .message = "all SLOs met"};
}

TEST(SetCondition, NewConditionGetsNow) {
  std::vector<Condition> conditions;
  EXPECT_TRUE(set_condition(conditions, healthy(ConditionStatus::True), kT0));
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].last_transition_time, kT0);
  EXPECT_EQ(conditions[0].observed_generation, 1);
}

TEST(SetCondition, NewConditionKeepsAGivenTransitionTime) {
  std::vector<Condition> conditions;
  auto c = healthy(ConditionStatus::True);
  c.last_transition_time = kT0 - hours(1);
  EXPECT_TRUE(set_condition(conditions, c, kT0));
  EXPECT_EQ(conditions[0].last_transition_time, kT0 - hours(1));
}

TEST(SetCondition, SameConditionAgainIsNoChange) {
  std::vector<Condition> conditions;
  set_condition(conditions, healthy(ConditionStatus::True), kT0);
  EXPECT_FALSE(set_condition(conditions, healthy(ConditionStatus::True), kT1));
  EXPECT_EQ(conditions[0].last_transition_time, kT0);
}

TEST(SetCondition, TransitionTimeMovesOnlyWhenStatusFlips) {
  std::vector<Condition> conditions;
  set_condition(conditions, healthy(ConditionStatus::True), kT0);
  EXPECT_TRUE(set_condition(conditions, healthy(ConditionStatus::False, "ErrorRateHigh"), kT1));
  EXPECT_EQ(conditions[0].status, ConditionStatus::False);
  EXPECT_EQ(conditions[0].reason, "ErrorRateHigh");
  EXPECT_EQ(conditions[0].last_transition_time, kT1);
  // A flip with an explicit transition time takes that time instead of now.
  auto back = healthy(ConditionStatus::True);
  back.last_transition_time = kT1 + seconds(1);
  EXPECT_TRUE(set_condition(conditions, back, kT1 + minutes(1)));
  EXPECT_EQ(conditions[0].last_transition_time, kT1 + seconds(1));
}

TEST(SetCondition, ReasonMessageGenerationChangeKeepsTheTime) {
  std::vector<Condition> conditions;
  set_condition(conditions, healthy(ConditionStatus::True), kT0);
  EXPECT_TRUE(set_condition(conditions, healthy(ConditionStatus::True, "Recovered"), kT1));
  EXPECT_EQ(conditions[0].reason, "Recovered");
  auto other_message = healthy(ConditionStatus::True, "Recovered");
  other_message.message = "p99 back under 300ms";
  EXPECT_TRUE(set_condition(conditions, other_message, kT1));
  EXPECT_EQ(conditions[0].message, "p99 back under 300ms");
  auto next_generation = other_message;
  next_generation.observed_generation = 2;
  EXPECT_TRUE(set_condition(conditions, next_generation, kT1));
  EXPECT_EQ(conditions[0].observed_generation, 2);
  // A transition time passed without a flip is ignored: only a flip moves it.
  auto stale_time = next_generation;
  stale_time.last_transition_time = kT1;
  EXPECT_FALSE(set_condition(conditions, stale_time, kT1));
  EXPECT_EQ(conditions[0].last_transition_time, kT0);
}

TEST(SetCondition, OnePerTypeAndOthersUntouched) {
  std::vector<Condition> conditions;
  set_condition(conditions, healthy(ConditionStatus::True), kT0);
  auto ready = Condition{.type = "Ready", .status = ConditionStatus::Unknown, .reason = "Evaluating"};
  set_condition(conditions, ready, kT0);
  set_condition(conditions, healthy(ConditionStatus::False, "Breach"), kT1);
  ASSERT_EQ(conditions.size(), 2u);
  EXPECT_EQ(find_condition(conditions, "Ready")->status, ConditionStatus::Unknown);
  EXPECT_EQ(find_condition(conditions, "Ready")->last_transition_time, kT0);
  EXPECT_FALSE(is_condition_true(conditions, "Healthy"));
  EXPECT_EQ(find_condition(conditions, "Missing"), nullptr);
  EXPECT_TRUE(remove_condition(conditions, "Ready"));
  EXPECT_FALSE(remove_condition(conditions, "Ready"));
  EXPECT_EQ(conditions.size(), 1u);
}

TEST(ConditionJson, RoundTrip) {
  std::vector<Condition> conditions;
  set_condition(conditions, healthy(ConditionStatus::True), kT0);
  json::value wire = to_json(conditions);
  EXPECT_EQ(wire.at(0).at("lastTransitionTime"), "2026-12-01T10:00:00Z");
  EXPECT_EQ(wire.at(0).at("status"), "True");
  auto parsed = parse_conditions(&wire);
  EXPECT_EQ(parsed, conditions);
}

TEST(ConditionJson, ParseToleratesJunk) {
  json::value wire = json::parse(R"([
    5, "x", {"status": "True"}, {"type": "NoStatus"}, {"type": "Bad", "status": "yes"},
    {"type": "Healthy", "status": "False", "observedGeneration": "3", "lastTransitionTime": "soon",
     "reason": 7, "message": null},
    {"type": "Healthy", "status": "True", "reason": "Duplicate"}])");
  auto parsed = parse_conditions(&wire);
  ASSERT_EQ(parsed.size(), 1u);  // one per type: the first wins
  EXPECT_EQ(parsed[0].type, "Healthy");
  EXPECT_EQ(parsed[0].status, ConditionStatus::False);
  EXPECT_EQ(parsed[0].observed_generation, 0);
  EXPECT_EQ(parsed[0].last_transition_time, SystemTime{});
  EXPECT_EQ(parsed[0].reason, "");
  EXPECT_TRUE(parse_conditions(nullptr).empty());
  json::value not_array = json::object{};
  EXPECT_TRUE(parse_conditions(&not_array).empty());
}

TEST(ConditionJson, HugeGenerationIsClampedNotNegative) {
  json::value wire =
      json::parse(R"([{"type": "A", "status": "True", "observedGeneration": 18446744073709551615}])");
  auto parsed = parse_conditions(&wire);
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_GT(parsed[0].observed_generation, 0);
}

TEST(ConditionStatusText, RoundTrip) {
  for (auto s : {ConditionStatus::True, ConditionStatus::False, ConditionStatus::Unknown}) {
    EXPECT_EQ(parse_condition_status(to_string(s)), s);
  }
  EXPECT_EQ(parse_condition_status("true"), std::nullopt);  // the API is case-sensitive
}

}  // namespace
}  // namespace rollguard::kube
