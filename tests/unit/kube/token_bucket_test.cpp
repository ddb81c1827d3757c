#include <gtest/gtest.h>

#include "kube/rate_limiter.hpp"

namespace rollguard::kube {
namespace {
using namespace std::chrono_literals;
using Clock = TokenBucket::Clock;

TEST(TokenBucket, DisabledNeverWaits) {
  TokenBucket bucket(0, 0);
  const auto now = Clock::time_point{} + 1h;
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(bucket.reserve(now), Clock::duration::zero());
}

TEST(TokenBucket, BurstThenQps) {
  TokenBucket bucket(10, 3);  // 10/s, burst 3
  const auto now = Clock::time_point{} + 1h;
  EXPECT_EQ(bucket.reserve(now), Clock::duration::zero());
  EXPECT_EQ(bucket.reserve(now), Clock::duration::zero());
  EXPECT_EQ(bucket.reserve(now), Clock::duration::zero());
  // Bucket empty: each further caller gets the next 100 ms slot.
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(bucket.reserve(now)), 100ms);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(bucket.reserve(now)), 200ms);
}

TEST(TokenBucket, RefillsOverTimeUpToBurst) {
  TokenBucket bucket(10, 2);
  auto now = Clock::time_point{} + 1h;
  bucket.reserve(now);
  bucket.reserve(now);
  now += 10s;  // would be 100 tokens, capped at 2
  EXPECT_EQ(bucket.reserve(now), Clock::duration::zero());
  EXPECT_EQ(bucket.reserve(now), Clock::duration::zero());
  EXPECT_GT(bucket.reserve(now), Clock::duration::zero());
}

TEST(TokenBucket, RetryAfterHoldAppliesEvenWhenDisabled) {
  TokenBucket bucket(0, 0);
  const auto now = Clock::time_point{} + 1h;
  bucket.hold_until(now + 3s);
  EXPECT_EQ(bucket.reserve(now), 3s);
  EXPECT_EQ(bucket.reserve(now + 5s), Clock::duration::zero());
  // An earlier hold never shortens a later one.
  bucket.hold_until(now + 10s);
  bucket.hold_until(now + 7s);
  EXPECT_EQ(bucket.reserve(now + 6s), 4s);
}

}  // namespace
}  // namespace rollguard::kube
