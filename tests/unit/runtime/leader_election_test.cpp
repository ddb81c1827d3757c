#include "runtime/leader_election.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace rollguard::runtime {
namespace {

using namespace std::chrono_literals;

LeaderElectionConfig config(std::string identity = "me_abc") {
  LeaderElectionConfig c;
  c.lease_namespace = "rollguard-system";
  c.lease_name = "rollguard-leader";
  c.identity = std::move(identity);
  return c;
}

LeaseRecord held_by(const std::string& holder, int duration = 15, int transitions = 3) {
  LeaseRecord r;
  r.holder_identity = holder;
  r.lease_duration_seconds = duration;
  r.lease_transitions = transitions;
  r.acquire_time = Clock::system_time_point{} + 1000s;
  r.renew_time = Clock::system_time_point{} + 1010s;
  return r;
}

TEST(LeaderElectionConfig, DefaultsAreValid) { EXPECT_FALSE(validate(config()).has_value()); }

TEST(LeaderElectionConfig, ClientGoOrderingRulesAreEnforced) {
  auto c = config();
  c.lease_duration = 10s;  // == renew deadline
  EXPECT_TRUE(validate(c).has_value());
  c = config();
  c.retry_period = 9s;  // 9 * 1.2 = 10.8 >= renew deadline 10
  EXPECT_TRUE(validate(c).has_value());
  c.retry_period = 8s;  // 9.6 < 10
  EXPECT_FALSE(validate(c).has_value());
  c = config();
  c.retry_period = 0s;
  EXPECT_TRUE(validate(c).has_value());
  c = config("");
  EXPECT_TRUE(validate(c).has_value());
  c = config();
  c.lease_name.clear();
  EXPECT_TRUE(validate(c).has_value());
}

TEST(LeaderElectionIdentity, PodNamePlusRandomSuffix) {
  auto a = make_identity("rollguard-7d9f-x2", default_random());
  auto b = make_identity("rollguard-7d9f-x2", default_random());
  EXPECT_EQ(a.rfind("rollguard-7d9f-x2_", 0), 0u);
  EXPECT_EQ(a.size(), std::string("rollguard-7d9f-x2_").size() + 10);
  EXPECT_NE(a, b);
}

TEST(LeaderElectionDecide, MissingLeaseIsCreated) {
  FakeClock clock;
  auto d = decide_acquire_or_renew({}, config(), clock.now(), clock.system_now());
  EXPECT_EQ(d.action, LeaseAction::Create);
  EXPECT_EQ(d.desired.holder_identity, "me_abc");
  EXPECT_EQ(d.desired.lease_duration_seconds, 15);
  EXPECT_EQ(d.desired.lease_transitions, 0);
  EXPECT_EQ(d.desired.acquire_time, clock.system_now());
}

TEST(LeaderElectionDecide, OthersLeaseIsRespectedUntilItsDurationPassesSinceWeSawItChange) {
  FakeClock clock;
  LeaseObservation seen = observe({}, held_by("other"), "7", clock.now());
  clock.advance(14s);
  // Re-reading the same record does not move observed_at.
  seen = observe(seen, held_by("other"), "7", clock.now());
  EXPECT_EQ(decide_acquire_or_renew(seen, config(), clock.now(), clock.system_now()).action,
            LeaseAction::Wait);
  EXPECT_TRUE(held_by_other(seen, "me_abc", clock.now()));
  clock.advance(1s);
  auto d = decide_acquire_or_renew(seen, config(), clock.now(), clock.system_now());
  EXPECT_EQ(d.action, LeaseAction::Update);
  EXPECT_EQ(d.desired.holder_identity, "me_abc");
  EXPECT_EQ(d.desired.lease_transitions, 4);
  EXPECT_EQ(d.desired.acquire_time, clock.system_now());
}

TEST(LeaderElectionDecide, ARenewedRecordRestartsTheExpiryCountdown) {
  FakeClock clock;
  LeaseObservation seen = observe({}, held_by("other"), "7", clock.now());
  clock.advance(10s);
  auto renewed = held_by("other");
  renewed.renew_time = *renewed.renew_time + 10s;
  seen = observe(seen, renewed, "8", clock.now());
  clock.advance(10s);  // 20 s since first sight, 10 s since the renewal
  EXPECT_EQ(decide_acquire_or_renew(seen, config(), clock.now(), clock.system_now()).action,
            LeaseAction::Wait);
}

TEST(LeaderElectionDecide, HolderLeaseDurationNotOursDecidesExpiry) {
  FakeClock clock;
  LeaseObservation seen = observe({}, held_by("other", 60), "7", clock.now());
  clock.advance(30s);
  EXPECT_EQ(decide_acquire_or_renew(seen, config(), clock.now(), clock.system_now()).action,
            LeaseAction::Wait);
}

TEST(LeaderElectionDecide, OwnLeaseIsRenewedKeepingAcquireTimeAndTransitions) {
  FakeClock clock;
  auto mine = held_by("me_abc");
  LeaseObservation seen = observe({}, mine, "9", clock.now());
  clock.advance(2s);
  auto d = decide_acquire_or_renew(seen, config(), clock.now(), clock.system_now());
  EXPECT_EQ(d.action, LeaseAction::Update);
  EXPECT_EQ(d.desired.acquire_time, mine.acquire_time);
  EXPECT_EQ(d.desired.lease_transitions, 3);
  EXPECT_EQ(d.desired.renew_time, clock.system_now());
}

TEST(LeaderElectionDecide, ReleasedLeaseIsTakenAtOnce) {
  FakeClock clock;
  auto released = release_record(held_by("other"), clock.system_now());
  EXPECT_EQ(released.holder_identity, "");
  EXPECT_EQ(released.lease_duration_seconds, 1);
  EXPECT_EQ(released.lease_transitions, 3);
  LeaseObservation seen = observe({}, released, "10", clock.now());
  auto d = decide_acquire_or_renew(seen, config(), clock.now(), clock.system_now());
  EXPECT_EQ(d.action, LeaseAction::Update);
  EXPECT_EQ(d.desired.lease_transitions, 4);
}

TEST(LeaderElectionTiming, LeaderStopsAtRenewDeadlineBeforeOthersMayAcquire) {
  FakeClock clock;
  auto c = config();
  const auto last_renew = clock.now();
  clock.advance(9999ms);
  EXPECT_FALSE(must_stop_leading(last_renew, clock.now(), c));
  clock.advance(1ms);
  EXPECT_TRUE(must_stop_leading(last_renew, clock.now(), c));
  // Another candidate that saw the same renewal at the same instant may only take over at 15 s.
  LeaseObservation other_view = observe({}, held_by("me_abc"), "1", last_renew);
  EXPECT_TRUE(held_by_other(other_view, "other", clock.now()));
  clock.advance(5s);
  EXPECT_FALSE(held_by_other(other_view, "other", clock.now()));
}

TEST(LeaderElectionTiming, RetryJitterStaysWithinClientGoBounds) {
  auto c = config();
  EXPECT_EQ(jittered_retry(c, fixed_random(0.0)), 2s);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(jittered_retry(c, fixed_random(0.5))),
            3200ms);
  EXPECT_LT(jittered_retry(c, fixed_random(0.999)), 4400ms + 1ms);
}

TEST(LeaseRecord, RoundTripsThroughLeaseSpecJson) {
  auto record = held_by("me_abc");
  record.renew_time = *record.renew_time + 123456us;
  boost::json::object lease{{"spec", record.to_spec()}};
  auto back = LeaseRecord::from_lease(boost::json::parse(boost::json::serialize(lease)).as_object());
  EXPECT_EQ(back, record);
}

TEST(LeaseRecord, JunkFieldsDecodeToDefaultsWithoutThrowing) {
  auto r =
      LeaseRecord::from_lease(boost::json::parse(R"({"spec":{"holderIdentity":5,"leaseDurationSeconds":"x",
      "acquireTime":"yesterday","leaseTransitions":-4}})")
                                  .as_object());
  EXPECT_EQ(r.holder_identity, "");
  EXPECT_EQ(r.lease_duration_seconds, 0);
  EXPECT_FALSE(r.acquire_time.has_value());
  EXPECT_EQ(r.lease_transitions, 0);
  EXPECT_EQ(LeaseRecord::from_lease(boost::json::object{{"spec", 1}}), LeaseRecord{});
}

TEST(MicroTime, FormatsAndParsesRfc3339) {
  auto t = parse_micro_time("2026-11-28T14:04:20.123456Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(format_micro_time(*t), "2026-11-28T14:04:20.123456Z");
  EXPECT_EQ(format_micro_time(*parse_micro_time("2026-11-28T14:04:20Z")), "2026-11-28T14:04:20.000000Z");
  EXPECT_EQ(format_micro_time(*parse_micro_time("2026-11-28T16:04:20.5+02:00")),
            "2026-11-28T14:04:20.500000Z");
  for (auto bad : {"", "2026-11-28", "2026-13-28T14:04:20Z", "2026-11-28T14:04:20", "2026-11-28T14:04:20.Z",
                   "2026-11-28T14:04:20Zjunk", "abcd-11-28T14:04:20Z"}) {
    EXPECT_FALSE(parse_micro_time(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace rollguard::runtime
