#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "rollguard/measure/limiter.hpp"

namespace rollguard::measure {
namespace {
namespace asio = boost::asio;

TEST(Limiter, AtMostLimitInFlightAndFifo) {
  asio::io_context io;
  Limiter limiter(2);
  std::vector<int> order;
  std::size_t peak = 0;
  int active = 0;
  auto worker = [&](int id) -> asio::awaitable<void> {
    auto permit = co_await limiter.acquire();
    EXPECT_TRUE(permit.has_value());
    order.push_back(id);
    peak = std::max<std::size_t>(peak, ++active);
    asio::steady_timer timer(io, std::chrono::milliseconds(5));
    co_await timer.async_wait(asio::use_awaitable);
    --active;
  };
  for (int i = 0; i < 7; ++i) asio::co_spawn(io, worker(i), asio::detached);
  io.run();
  EXPECT_EQ(peak, 2u);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(limiter.in_flight(), 0u);
  EXPECT_EQ(limiter.waiting(), 0u);
}

TEST(Limiter, CanceledWaitLeavesTheQueueWithoutAPermit) {
  asio::io_context io;
  Limiter limiter(1);
  auto held = limiter.try_acquire();
  ASSERT_TRUE(held);
  EXPECT_FALSE(limiter.try_acquire());
  asio::cancellation_signal signal;
  std::optional<bool> got;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto permit = co_await limiter.acquire();
        got = permit.has_value();
      },
      asio::bind_cancellation_slot(signal.slot(), asio::detached));
  io.poll();
  EXPECT_EQ(limiter.waiting(), 1u);
  signal.emit(asio::cancellation_type::terminal);
  io.poll();
  ASSERT_TRUE(got);
  EXPECT_FALSE(*got);
  EXPECT_EQ(limiter.waiting(), 0u);
  held.reset();
  EXPECT_EQ(limiter.in_flight(), 0u);
  EXPECT_TRUE(limiter.try_acquire());
}

TEST(Limiter, ReleasedSlotGoesToTheWaiterNotANewcomer) {
  asio::io_context io;
  Limiter limiter(1);
  auto held = limiter.try_acquire();
  bool waiter_got = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto permit = co_await limiter.acquire();
        waiter_got = permit.has_value();
      },
      asio::detached);
  io.poll();
  held.reset();
  EXPECT_FALSE(limiter.try_acquire());  // the slot is the waiter's
  io.poll();
  EXPECT_TRUE(waiter_got);
  EXPECT_EQ(limiter.in_flight(), 0u);
}

}  // namespace
}  // namespace rollguard::measure
