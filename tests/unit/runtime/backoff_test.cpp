#include "runtime/backoff.hpp"

#include <gtest/gtest.h>

namespace rollguard::runtime {
namespace {

using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;

ms as_ms(Clock::duration d) { return std::chrono::duration_cast<ms>(d); }

TEST(Backoff, WatcherDefaultsDoubleFrom800msUpTo30sWithoutJitterAtMidpoint) {
  // random() == 0.5 puts the jitter factor at exactly 1.
  Backoff backoff(BackoffOptions::watcher(), fixed_random(0.5));
  FakeClock clock;
  std::vector<ms> delays;
  for (int i = 0; i < 8; ++i) {
    delays.push_back(as_ms(backoff.next(clock.now())));
    clock.advance(1s);
  }
  EXPECT_EQ(delays, (std::vector<ms>{800ms, 1600ms, 3200ms, 6400ms, 12800ms, 25600ms, 30000ms, 30000ms}));
}

TEST(Backoff, JitterSpreadsWithinTwentyPercentAndNeverAboveMax) {
  FakeClock clock;
  Backoff low(BackoffOptions::watcher(), fixed_random(0.0));
  Backoff high(BackoffOptions::watcher(), fixed_random(0.999999));
  EXPECT_EQ(as_ms(low.next(clock.now())), 640ms);
  EXPECT_EQ(as_ms(high.next(clock.now())), 959ms);
  for (int i = 0; i < 10; ++i) high.next(clock.now());
  EXPECT_EQ(as_ms(high.next(clock.now())), 30000ms);
}

TEST(Backoff, ResetsAfterTwoMinutesWithoutFailure) {
  FakeClock clock;
  Backoff backoff(BackoffOptions::watcher(), fixed_random(0.5));
  backoff.next(clock.now());
  backoff.next(clock.now());
  clock.advance(119s);
  EXPECT_EQ(as_ms(backoff.next(clock.now())), 3200ms);  // still within the window
  clock.advance(120s);
  EXPECT_EQ(as_ms(backoff.next(clock.now())), 800ms);
}

TEST(Backoff, ExplicitResetStartsOver) {
  FakeClock clock;
  Backoff backoff(BackoffOptions::watcher(), fixed_random(0.5));
  backoff.next(clock.now());
  backoff.next(clock.now());
  backoff.reset();
  EXPECT_EQ(backoff.attempts(), 0);
  EXPECT_EQ(as_ms(backoff.next(clock.now())), 800ms);
}

TEST(ItemExponentialRateLimiter, DoublesFrom5msPerKeyUpTo1000s) {
  ItemExponentialRateLimiter limiter;
  EXPECT_EQ(as_ms(limiter.when("a")), 5ms);
  EXPECT_EQ(as_ms(limiter.when("a")), 10ms);
  EXPECT_EQ(as_ms(limiter.when("a")), 20ms);
  EXPECT_EQ(as_ms(limiter.when("b")), 5ms);  // keys are independent
  EXPECT_EQ(limiter.num_requeues("a"), 3);
  for (int i = 0; i < 40; ++i) limiter.when("a");
  EXPECT_EQ(as_ms(limiter.when("a")), 1000s);
}

TEST(ItemExponentialRateLimiter, ForgetResetsTheKey) {
  ItemExponentialRateLimiter limiter;
  limiter.when("a");
  limiter.when("a");
  limiter.forget("a");
  EXPECT_EQ(limiter.num_requeues("a"), 0);
  EXPECT_EQ(as_ms(limiter.when("a")), 5ms);
}

}  // namespace
}  // namespace rollguard::runtime
