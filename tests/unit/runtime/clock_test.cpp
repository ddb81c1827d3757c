#include "runtime/clock.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "runtime/random.hpp"

namespace rollguard::runtime {
namespace {

using namespace std::chrono_literals;

TEST(FakeClock, SleepEndsOnlyWhenAdvancedPastTheDeadline) {
  boost::asio::io_context io;
  FakeClock clock;
  std::optional<bool> woke;
  boost::asio::co_spawn(
      io, [&]() -> boost::asio::awaitable<void> { woke = co_await clock.sleep_for(10s); },
      boost::asio::detached);
  io.poll();
  EXPECT_EQ(clock.sleepers(), 1u);
  clock.advance(9s);
  io.poll();
  EXPECT_FALSE(woke.has_value());
  clock.advance(1s);
  io.poll();
  ASSERT_TRUE(woke.has_value());
  EXPECT_TRUE(*woke);
  EXPECT_EQ(clock.sleepers(), 0u);
}

TEST(FakeClock, SleepCanBeCanceledByAnotherBranch) {
  using namespace boost::asio::experimental::awaitable_operators;
  boost::asio::io_context io;
  FakeClock clock;
  std::optional<std::size_t> winner;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        boost::asio::steady_timer quick(io, 0s);
        auto result = co_await (clock.sleep_for(1h) || quick.async_wait(boost::asio::use_awaitable));
        winner = result.index();
      },
      boost::asio::detached);
  io.run();
  ASSERT_TRUE(winner.has_value());
  EXPECT_EQ(*winner, 1u);
  EXPECT_EQ(clock.sleepers(), 0u);
}

TEST(FakeClock, SystemTimeMovesWithSteadyTime) {
  FakeClock clock;
  auto s0 = clock.system_now();
  auto t0 = clock.now();
  clock.advance(90s);
  EXPECT_EQ(clock.now() - t0, 90s);
  EXPECT_EQ(clock.system_now() - s0, 90s);
}

TEST(Random, SuffixHasRequestedLengthAndAlphabet) {
  auto suffix = random_suffix(default_random(), 12);
  ASSERT_EQ(suffix.size(), 12u);
  for (char c : suffix) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << c;
  EXPECT_EQ(random_suffix(fixed_random(0.0), 3), "aaa");
  EXPECT_EQ(random_suffix(fixed_random(1.0), 2), "99");
}

}  // namespace
}  // namespace rollguard::runtime
