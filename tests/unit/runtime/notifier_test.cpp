#include "runtime/notifier.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>
#include <vector>

#include "poll.hpp"

namespace rollguard::runtime {
namespace {

namespace asio = boost::asio;

using rollguard::testing::poll;

// Waits once and records how the wait ended (1 notified, 0 canceled). A function, not a lambda:
// the coroutine frame must not refer to a closure that is gone when it resumes.
asio::awaitable<void> wait_once(Notifier& notifier, int& result) {
  result = (co_await notifier.wait()) ? 1 : 0;
}

void spawn_waiter(asio::io_context& io, Notifier& notifier, std::vector<int>& results, std::size_t index,
                  asio::cancellation_signal* stop = nullptr) {
  if (stop) {
    asio::co_spawn(io, wait_once(notifier, results[index]),
                   asio::bind_cancellation_slot(stop->slot(), asio::detached));
  } else {
    asio::co_spawn(io, wait_once(notifier, results[index]), asio::detached);
  }
}

TEST(Notifier, NotifyOneWakesTheLongestWaitingCoroutineOnly) {
  asio::io_context io;
  Notifier notifier;
  std::vector<int> results(3, -1);
  for (std::size_t i = 0; i < 3; ++i) spawn_waiter(io, notifier, results, i);
  poll(io);
  EXPECT_EQ(notifier.waiting(), 3u);
  notifier.notify_one();
  notifier.notify_one();  // unlinked at once: the second call wakes the second waiter
  EXPECT_EQ(notifier.waiting(), 1u);
  poll(io);
  EXPECT_EQ(results, (std::vector<int>{1, 1, -1}));
  notifier.notify_all();
  poll(io);
  EXPECT_EQ(results, (std::vector<int>{1, 1, 1}));
  EXPECT_EQ(notifier.waiting(), 0u);
}

TEST(Notifier, ANotificationWithoutWaitersIsNotRemembered) {
  asio::io_context io;
  Notifier notifier;
  notifier.notify_all();
  std::vector<int> results(1, -1);
  spawn_waiter(io, notifier, results, 0);
  poll(io);
  EXPECT_EQ(results[0], -1);
  notifier.notify_one();
  poll(io);
  EXPECT_EQ(results[0], 1);
}

TEST(Notifier, TheCallersCancellationEndsTheWaitAndUnlinksIt) {
  asio::io_context io;
  Notifier notifier;
  asio::cancellation_signal stop;
  std::vector<int> results(2, -1);
  spawn_waiter(io, notifier, results, 0, &stop);
  spawn_waiter(io, notifier, results, 1);
  poll(io);
  stop.emit(asio::cancellation_type::terminal);
  poll(io);
  EXPECT_EQ(results[0], 0);
  EXPECT_EQ(notifier.waiting(), 1u);
  notifier.notify_one();  // reaches the waiter still there, not the canceled one
  poll(io);
  EXPECT_EQ(results[1], 1);
}

TEST(Latch, OpensOnceAndLetsEveryLaterWaitThrough) {
  asio::io_context io;
  Latch latch;
  int passed = 0;
  auto wait = [&]() -> asio::awaitable<void> {
    co_await latch.wait();
    ++passed;
  };
  asio::co_spawn(io, wait(), asio::detached);
  poll(io);
  EXPECT_EQ(passed, 0);
  EXPECT_FALSE(latch.is_open());
  latch.open();
  latch.open();  // idempotent
  poll(io);
  EXPECT_EQ(passed, 1);
  asio::co_spawn(io, wait(), asio::detached);
  poll(io);
  EXPECT_EQ(passed, 2);
  EXPECT_TRUE(latch.is_open());
}

TEST(Latch, WakesAWaiterOnAnotherThreadsIoContext) {
  asio::io_context reader_io;
  auto work = asio::make_work_guard(reader_io);
  Latch latch;
  std::atomic<bool> passed = false;
  asio::co_spawn(
      reader_io,
      [&]() -> asio::awaitable<void> {
        co_await latch.wait();
        passed = true;
        work.reset();
      },
      asio::detached);
  std::thread reader([&] { reader_io.run(); });
  latch.open();   // from this thread
  reader.join();  // returns once the waiter passed and released the work guard
  EXPECT_TRUE(passed);
}

}  // namespace
}  // namespace rollguard::runtime
