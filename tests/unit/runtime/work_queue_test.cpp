#include "runtime/work_queue.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>

namespace rollguard::runtime {
namespace {

using namespace std::chrono_literals;

// poll() leaves an io_context stopped once it runs out of work; restart so later polls run.
void poll(boost::asio::io_context& io) {
  io.restart();
  io.poll();
}

class WorkQueueTest : public ::testing::Test {
 protected:
  // Starts a coroutine that takes one key into got.
  void take_one() {
    boost::asio::co_spawn(
        io, [this]() -> boost::asio::awaitable<void> { got.push_back(co_await queue.get()); },
        boost::asio::detached);
    poll(io);
  }

  boost::asio::io_context io;
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  WorkQueue queue{clock};
  std::vector<std::optional<std::string>> got;
};

TEST_F(WorkQueueTest, AddingAQueuedKeyAgainIsANoOpAndOrderIsFifo) {
  queue.add("a");
  queue.add("b");
  queue.add("a");
  EXPECT_EQ(queue.len(), 2u);
  take_one();
  take_one();
  EXPECT_EQ(got, (std::vector<std::optional<std::string>>{"a", "b"}));
}

TEST_F(WorkQueueTest, ReAddDuringProcessingRunsOnceMoreAfterDone) {
  queue.add("a");
  take_one();
  ASSERT_EQ(got.size(), 1u);
  queue.add("a");
  queue.add("a");
  EXPECT_EQ(queue.len(), 0u);  // not handed to a second worker
  take_one();
  EXPECT_EQ(got.size(), 1u);  // that worker waits
  queue.done("a");
  poll(io);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1], "a");
  queue.done("a");
  EXPECT_EQ(queue.len(), 0u);  // both re-adds collapsed into one more run
}

TEST_F(WorkQueueTest, DoneWithoutReAddDoesNotRequeue) {
  queue.add("a");
  take_one();
  queue.done("a");
  EXPECT_EQ(queue.len(), 0u);
  EXPECT_EQ(queue.processing(), 0u);
}

TEST_F(WorkQueueTest, DelayedAddWakesAWaitingWorkerAtItsTime) {
  take_one();
  queue.add_after("a", 10s);
  poll(io);
  EXPECT_TRUE(got.empty());
  clock->advance(9s);
  poll(io);
  EXPECT_TRUE(got.empty());
  clock->advance(1s);
  poll(io);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "a");
}

TEST_F(WorkQueueTest, DelayedAddEarliestWins) {
  queue.add_after("a", 10s);
  queue.add_after("a", 5s);
  queue.add_after("a", 20s);
  EXPECT_EQ(queue.delayed(), 1u);
  take_one();
  clock->advance(5s);
  poll(io);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(queue.delayed(), 0u);
  queue.done("a");
  take_one();
  clock->advance(30s);
  poll(io);
  EXPECT_EQ(got.size(), 1u);  // the later schedules were dropped
}

TEST_F(WorkQueueTest, EarlierDelayedAddWakesWorkersSleepingForALaterOne) {
  queue.add_after("late", 1h);
  take_one();
  queue.add_after("soon", 1s);
  clock->advance(1s);
  poll(io);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "soon");
}

TEST_F(WorkQueueTest, OneIdleWorkerSleepsForTheDelayedKeysAndEveryOneStillArrives) {
  for (int i = 0; i < 8; ++i) take_one();
  queue.add_after("c", 3s);
  queue.add_after("a", 1s);
  queue.add_after("b", 2s);
  poll(io);
  EXPECT_EQ(clock->sleepers(), 1u);  // not eight timers for one deadline
  queue.add("now");                  // reaches a worker waiting for adds, not only the sleeper
  poll(io);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "now");
  EXPECT_EQ(clock->sleepers(), 1u);
  for (auto step : {1s, 1s, 1s}) {
    clock->advance(step);
    poll(io);
    EXPECT_LE(clock->sleepers(), 1u);
  }
  EXPECT_EQ(got, (std::vector<std::optional<std::string>>{"now", "a", "b", "c"}));
  EXPECT_EQ(clock->sleepers(), 0u);  // nothing delayed: the remaining idle workers wait for adds
}

TEST_F(WorkQueueTest, AKeyReadyWhileEveryOtherWorkerIsBusyReachesTheSleeper) {
  queue.add_after("later", 1h);
  take_one();  // the only idle worker: it sleeps until "later"
  ASSERT_EQ(clock->sleepers(), 1u);
  queue.add("now");
  poll(io);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "now");
  take_one();  // the next idle worker takes over the sleep
  EXPECT_EQ(clock->sleepers(), 1u);
  clock->advance(1h);
  poll(io);
  EXPECT_EQ(got, (std::vector<std::optional<std::string>>{"now", "later"}));
}

TEST_F(WorkQueueTest, RateLimitedAddsBackOffPerKeyAndForgetResets) {
  queue.add_rate_limited("a");  // 5 ms
  take_one();
  clock->advance(4ms);
  poll(io);
  EXPECT_TRUE(got.empty());
  clock->advance(1ms);
  poll(io);
  ASSERT_EQ(got.size(), 1u);
  queue.done("a");
  queue.add_rate_limited("a");  // 10 ms
  EXPECT_EQ(queue.num_requeues("a"), 2);
  take_one();
  clock->advance(9ms);
  poll(io);
  EXPECT_EQ(got.size(), 1u);
  clock->advance(1ms);
  poll(io);
  EXPECT_EQ(got.size(), 2u);
  queue.forget("a");
  EXPECT_EQ(queue.num_requeues("a"), 0);
}

TEST_F(WorkQueueTest, ShutdownReleasesWaitersAndIgnoresLaterAdds) {
  take_one();
  take_one();
  queue.shut_down();
  poll(io);
  EXPECT_EQ(got, (std::vector<std::optional<std::string>>{std::nullopt, std::nullopt}));
  queue.add("a");
  queue.add_after("b", 1s);
  EXPECT_EQ(queue.len(), 0u);
  EXPECT_EQ(queue.delayed(), 0u);
}

TEST_F(WorkQueueTest, WaitIdleCompletesWhenInFlightWorkIsDone) {
  queue.add("a");
  take_one();
  bool idle = false;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        co_await queue.wait_idle();
        idle = true;
      },
      boost::asio::detached);
  poll(io);
  EXPECT_FALSE(idle);
  queue.done("a");
  poll(io);
  EXPECT_TRUE(idle);
}

TEST(WorkQueueMetrics, HooksSeeAddsDepthLatencyDurationAndRetries) {
  boost::asio::io_context io;
  auto clock = std::make_shared<FakeClock>();
  int adds = 0, retries = 0;
  std::size_t last_depth = 99;
  std::vector<Clock::duration> latencies, durations;
  QueueMetrics metrics{[&](std::size_t d) { last_depth = d; }, [&] { ++adds; },
                       [&](Clock::duration d) { latencies.push_back(d); },
                       [&](Clock::duration d) { durations.push_back(d); }, [&] { ++retries; }};
  WorkQueue queue(clock, metrics);
  queue.add("a");
  queue.add("a");
  EXPECT_EQ(adds, 1);
  EXPECT_EQ(last_depth, 1u);
  clock->advance(3s);
  std::optional<std::string> key;
  boost::asio::co_spawn(
      io, [&]() -> boost::asio::awaitable<void> { key = co_await queue.get(); }, boost::asio::detached);
  poll(io);
  ASSERT_EQ(key, "a");
  EXPECT_EQ(last_depth, 0u);
  ASSERT_EQ(latencies.size(), 1u);
  EXPECT_EQ(latencies[0], 3s);
  clock->advance(2s);
  queue.add_rate_limited("a");
  queue.done("a");
  ASSERT_EQ(durations.size(), 1u);
  EXPECT_EQ(durations[0], 2s);
  EXPECT_EQ(retries, 1);
}

// Many workers and a producer interleave at every suspension point; the queue must never hand a key
// to two workers at once, and every add must be followed by a run that started after it.
TEST(WorkQueueConcurrency, NeverTwoWorkersOnOneKeyAndNoAddIsLost) {
  boost::asio::io_context io;
  auto clock = std::make_shared<FakeClock>();
  WorkQueue queue(clock);
  const std::vector<std::string> keys{"k0", "k1", "k2", "k3", "k4"};
  std::map<std::string, int> active;
  std::map<std::string, long> last_add, last_run_start;
  long tick = 0;
  int overlaps = 0, runs = 0;
  constexpr int kWorkers = 6;
  int workers_left = kWorkers;

  auto yield = [&]() -> boost::asio::awaitable<void> {
    co_await boost::asio::post(io, boost::asio::use_awaitable);
  };
  for (int w = 0; w < kWorkers; ++w) {
    boost::asio::co_spawn(
        io,
        [&, w]() -> boost::asio::awaitable<void> {
          while (auto key = co_await queue.get()) {
            if (active[*key]++ > 0) ++overlaps;
            last_run_start[*key] = ++tick;
            ++runs;
            for (int i = 0; i < 1 + (w + runs) % 4; ++i) co_await yield();  // uneven work
            --active[*key];
            queue.done(*key);
          }
          --workers_left;
        },
        boost::asio::detached);
  }
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        for (int i = 0; i < 500; ++i) {
          const auto& key = keys[(i * 7 + i / 3) % keys.size()];
          queue.add(key);
          last_add[key] = ++tick;
          if (i % 3 == 0) co_await yield();
        }
        while (queue.len() > 0 || queue.processing() > 0) co_await yield();
        queue.shut_down();
      },
      boost::asio::detached);
  io.run();
  EXPECT_EQ(overlaps, 0);
  EXPECT_EQ(workers_left, 0);
  EXPECT_GT(runs, static_cast<int>(keys.size()));
  EXPECT_LT(runs, 500);  // adds while queued collapse
  for (auto& key : keys) EXPECT_GT(last_run_start[key], last_add[key]) << key;
}

}  // namespace
}  // namespace rollguard::runtime
