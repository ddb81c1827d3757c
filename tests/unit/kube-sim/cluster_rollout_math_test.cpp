// Rolling-update arithmetic and scale-down victim order of the kube-sim controllers.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <limits>

#include "rollout_math.hpp"

namespace kubesim::cluster {
namespace {
namespace json = boost::json;

TEST(ClusterRolloutMath, PercentagesRoundSurgeUpAndUnavailableDown) {
  json::value p25 = "25%";
  EXPECT_EQ(scaled_value(&p25, 10, true), 3);   // 2.5 -> 3
  EXPECT_EQ(scaled_value(&p25, 10, false), 2);  // 2.5 -> 2
  EXPECT_EQ(scaled_value(&p25, 1, true), 1);
  EXPECT_EQ(scaled_value(&p25, 1, false), 0);
  json::value n = 2;
  EXPECT_EQ(scaled_value(&n, 10, true), 2);
  json::value bad = "abc%";
  EXPECT_EQ(scaled_value(&bad, 10, true), 0);
  EXPECT_EQ(scaled_value(nullptr, 10, true), 0);
}

TEST(ClusterRolloutMath, ZeroFencepostsBecomeOneUnavailable) {
  json::value p25 = "25%";
  auto f = resolve_fenceposts(nullptr, &p25, 3);  // surge 0, unavailable floor(0.75) = 0
  EXPECT_EQ(f.max_surge, 0);
  EXPECT_EQ(f.max_unavailable, 1);
  auto g = resolve_fenceposts(&p25, &p25, 3);
  EXPECT_EQ(g.max_surge, 1);
  EXPECT_EQ(g.max_unavailable, 0);
}

TEST(ClusterRolloutMath, NewReplicaSetSurgesUpToTheLimit) {
  EXPECT_EQ(new_rs_replicas(3, 1, 0, 3), 1);  // 3 old + 1 surge
  EXPECT_EQ(new_rs_replicas(3, 1, 1, 4), 1);  // at desired+surge already
  EXPECT_EQ(new_rs_replicas(3, 1, 1, 3), 2);  // an old one went away
  EXPECT_EQ(new_rs_replicas(10, 3, 0, 10), 3);
  EXPECT_EQ(new_rs_replicas(3, 5, 0, 3), 3);  // never above desired
}

TEST(ClusterRolloutMath, OldReplicaSetsScaleDownWhileMinimumStaysAvailable) {
  // desired 3, maxUnavailable 0, new RS at 1 (not yet available), old RS 3 available.
  EXPECT_EQ(scale_down_old(3, 0, 1, 0, {{3, 3}}), std::vector<std::int64_t>{3});
  // New pod available: one old may go.
  EXPECT_EQ(scale_down_old(3, 0, 1, 1, {{3, 3}}), std::vector<std::int64_t>{2});
  // maxUnavailable 1 lets one go at once even before the new one is available.
  EXPECT_EQ(scale_down_old(4, 1, 1, 0, {{4, 4}}), std::vector<std::int64_t>{3});
}

TEST(ClusterRolloutMath, UnhealthyOldReplicasGoFirstAndOldestFirst) {
  // Two old RSs: the oldest has 2 replicas of which none available.
  auto out = scale_down_old(3, 1, 1, 1, {{2, 0}, {1, 1}});
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 1);
  // Available ones from the oldest first.
  out = scale_down_old(2, 0, 2, 2, {{1, 1}, {1, 1}});
  EXPECT_EQ(out, (std::vector<std::int64_t>{0, 0}));
}

TEST(ClusterRolloutMath, DeletionOrderPrefersUnreadyThenRecentlyReadyThenNewest) {
  using namespace std::chrono;
  system_clock::time_point t0{seconds(1000)};
  std::vector<PodRank> pods(5);
  pods[0] = {true, 2, true, t0, 0, t0};                 // ready longest
  pods[1] = {true, 2, true, t0 + seconds(10), 0, t0};   // ready recently
  pods[2] = {true, 2, false, {}, 0, t0};                // running, not ready
  pods[3] = {true, 0, false, {}, 0, t0};                // pending
  pods[4] = {false, 0, false, {}, 0, t0 + seconds(5)};  // unscheduled
  EXPECT_EQ(deletion_order(pods), (std::vector<std::size_t>{4, 3, 2, 1, 0}));
  std::vector<PodRank> same(2);
  same[0] = {true, 2, false, {}, 0, t0};
  same[1] = {true, 2, false, {}, 0, t0 + seconds(1)};
  EXPECT_EQ(deletion_order(same), (std::vector<std::size_t>{1, 0}));
  same[0].restarts = 3;
  EXPECT_EQ(deletion_order(same), (std::vector<std::size_t>{0, 1}));
}

}  // namespace
}  // namespace kubesim::cluster

namespace kubesim::cluster {
namespace {

TEST(ClusterRolloutMath, HugeValuesDoNotOverflow) {
  boost::json::value huge = std::numeric_limits<std::int64_t>::max();
  boost::json::value huge_percent = "9223372036854775807%";
  boost::json::value big_percent = "1000000%";
  EXPECT_EQ(scaled_value(&huge, 10, true), std::int64_t{1} << 31);
  // Percentages and totals are clamped to 2^31 before multiplying.
  EXPECT_EQ(scaled_value(&huge_percent, 10, true), 214748365);
  EXPECT_EQ(scaled_value(&big_percent, std::numeric_limits<std::int64_t>::max(), true),
            std::int64_t{10000} << 31);
}

}  // namespace
}  // namespace kubesim::cluster
