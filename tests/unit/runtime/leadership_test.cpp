// Leadership-scoped work: the controller reconciles only while the guard leads, cancels what is in
// flight when leadership ends, and every mutating path (check(), the event recorder) refuses at once.
#include "runtime/leadership.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "poll.hpp"
#include "runtime/controller.hpp"
#include "runtime/event_recorder.hpp"

namespace rollguard::runtime {
namespace {

using namespace std::chrono_literals;

using rollguard::testing::poll;

TEST(LeadershipGuard, ChecksRefuseUntilLeadingAndAfterLeadershipEnds) {
  LeadershipGuard guard;
  auto copy = guard;  // copies share one state
  EXPECT_FALSE(copy.is_leader());
  auto refused = copy.check("patching deployment prod/web");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), kube::ErrorKind::Canceled);
  EXPECT_EQ(refused.error().message(), "not the leader: refusing patching deployment prod/web");
  guard.started_leading();
  EXPECT_TRUE(copy.is_leader());
  EXPECT_TRUE(copy.check("x"));
  guard.stopped_leading();
  EXPECT_FALSE(copy.is_leader());
  guard.started_leading();  // one-shot: a process that lost the lease never leads again
  EXPECT_FALSE(copy.is_leader());
  EXPECT_TRUE(LeadershipGuard::always().is_leader());
}

TEST(LeadershipGuard, CallbacksDriveTheGuardBeforeTheChainedOnes) {
  LeadershipGuard guard;
  std::vector<std::string> seen;
  LeaderCallbacks then;
  then.on_started_leading = [&] {
    seen.push_back(guard.is_leader() ? "started, leading" : "started, not leading");
  };
  then.on_stopped_leading = [&] {
    seen.push_back(guard.is_leader() ? "stopped, leading" : "stopped, not leading");
  };
  auto callbacks = guard.callbacks(then);
  callbacks.on_started_leading();
  callbacks.on_stopped_leading();
  EXPECT_EQ(seen, (std::vector<std::string>{"started, leading", "stopped, not leading"}));
  EXPECT_FALSE(callbacks.on_new_leader);
}

class LeaderScopedController : public ::testing::Test {
 protected:
  LeaderScopedController() {
    ControllerOptions options{"policies", 2};
    options.leadership = guard;
    controller = std::make_unique<Controller>(
        clock, options, [this](Request request) -> boost::asio::awaitable<ReconcileResult> {
          started.push_back(request.key());
          // A reconcile that is still waiting (as on a slow API call) when leadership ends.
          const bool slept = co_await clock->sleep_for(10s);
          ended.push_back(request.key() + (slept ? " done" : " canceled"));
          co_return Action::await_change();
        });
    boost::asio::co_spawn(
        io,
        [this]() -> boost::asio::awaitable<void> {
          co_await controller->run();
          returned = true;
        },
        boost::asio::detached);
    poll(io);
  }
  ~LeaderScopedController() override {
    controller->shut_down();
    clock->advance(1h);
    poll(io);
  }

  boost::asio::io_context io;
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  LeadershipGuard guard;
  std::unique_ptr<Controller> controller;
  std::vector<std::string> started, ended;
  bool returned = false;
};

TEST_F(LeaderScopedController, NoReconcileBeforeLeading) {
  controller->enqueue({"prod", "a"});
  poll(io);
  EXPECT_TRUE(started.empty());
  guard.started_leading();
  poll(io);
  EXPECT_EQ(started, (std::vector<std::string>{"prod/a"}));
  clock->advance(10s);
  poll(io);
  EXPECT_EQ(ended, (std::vector<std::string>{"prod/a done"}));
}

TEST_F(LeaderScopedController, LosingLeadershipCancelsInFlightReconcilesAndStopsTheWorkers) {
  guard.started_leading();
  controller->enqueue({"prod", "a"});
  controller->enqueue({"prod", "b"});
  poll(io);
  ASSERT_EQ(started.size(), 2u);
  guard.stopped_leading();
  poll(io);
  std::sort(ended.begin(), ended.end());
  EXPECT_EQ(ended, (std::vector<std::string>{"prod/a canceled", "prod/b canceled"}));
  EXPECT_TRUE(returned);
  EXPECT_TRUE(controller->queue().shutting_down());
  controller->enqueue({"prod", "c"});
  clock->advance(1h);
  poll(io);
  EXPECT_EQ(started.size(), 2u);  // nothing runs after the loss
}

TEST_F(LeaderScopedController, ShutDownWhileWaitingForLeadershipReturns) {
  controller->shut_down();
  poll(io);
  EXPECT_TRUE(returned);
  EXPECT_TRUE(started.empty());
}

class CountingWriter final : public EventWriter {
 public:
  explicit CountingWriter(int* writes) : writes_(writes) {}
  boost::asio::awaitable<kube::Result<void>> create(const std::string&, boost::json::object) override {
    ++*writes_;
    co_return kube::Result<void>{};
  }
  boost::asio::awaitable<kube::Result<void>> patch(const std::string&, const std::string&,
                                                   boost::json::object) override {
    ++*writes_;
    co_return kube::Result<void>{};
  }

 private:
  int* writes_;
};

TEST(LeaderScopedEvents, AReplicaThatDoesNotLeadRecordsAndWritesNothing) {
  boost::asio::io_context io;
  auto clock = std::make_shared<FakeClock>();
  LeadershipGuard guard;
  int writes = 0;
  EventRecorderOptions options;
  options.leadership = guard;
  EventRecorder recorder(std::make_unique<CountingWriter>(&writes), clock, options);
  boost::asio::co_spawn(io, recorder.run(), boost::asio::detached);
  const ObjectReference web{"apps/v1", "Deployment", "prod", "web", "uid-web", "7"};
  recorder.record(web, EventType::Normal, "Evaluated", "Evaluate", "not leading yet");
  poll(io);
  EXPECT_EQ(writes, 0);
  EXPECT_EQ(recorder.stats().not_leader, 1u);
  guard.started_leading();
  recorder.record(web, EventType::Normal, "Evaluated", "Evaluate", "leading");
  poll(io);
  EXPECT_EQ(writes, 1);
  // Queued while leading, written after the loss: dropped at write time.
  recorder.record(web, EventType::Warning, "RolledBack", "Rollback", "queued");
  guard.stopped_leading();
  poll(io);
  EXPECT_EQ(writes, 1);
  EXPECT_EQ(recorder.stats().not_leader, 2u);
  recorder.shut_down();
  poll(io);
}

}  // namespace
}  // namespace rollguard::runtime
