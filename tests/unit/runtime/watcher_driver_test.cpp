// The driver over an in-memory ListWatchSource and FakeClock: proves the wiring (backoff sleeps,
// idle timer, re-watch version, cancellation) without a socket. The real client is exercised by
// the integration tests against kube-sim.
#include "runtime/watcher_driver.hpp"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <deque>

#include "runtime/metrics.hpp"

namespace rollguard::runtime {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

struct Feed {
  std::deque<kube::Result<std::optional<kube::WatchEvent>>> items;
  std::shared_ptr<boost::asio::steady_timer> waiter;
  bool canceled = false;

  void push(kube::Result<std::optional<kube::WatchEvent>> item) {
    items.push_back(std::move(item));
    if (waiter) waiter->cancel();
  }
};

class FeedStream final : public kube::WatchStream {
 public:
  explicit FeedStream(std::shared_ptr<Feed> feed) : feed_(std::move(feed)) {}
  ~FeedStream() override { feed_->canceled = true; }
  boost::asio::awaitable<kube::Result<std::optional<kube::WatchEvent>>> next() override {
    while (feed_->items.empty() && !feed_->canceled) {
      feed_->waiter = std::make_shared<boost::asio::steady_timer>(
          co_await boost::asio::this_coro::executor, boost::asio::steady_timer::time_point::max());
      auto waiter = feed_->waiter;
      boost::system::error_code ec;
      co_await waiter->async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (feed_->items.empty() && !feed_->canceled &&
          (co_await boost::asio::this_coro::cancellation_state).cancelled() !=
              boost::asio::cancellation_type::none) {
        co_return kube::Error(kube::ErrorKind::Canceled, "canceled");
      }
    }
    if (feed_->canceled) co_return kube::Error(kube::ErrorKind::Canceled, "canceled");
    auto item = std::move(feed_->items.front());
    feed_->items.pop_front();
    co_return item;
  }
  void cancel() override {
    feed_->canceled = true;
    if (feed_->waiter) feed_->waiter->cancel();
  }

 private:
  std::shared_ptr<Feed> feed_;
};

struct ScriptedSource final : ListWatchSource {
  std::deque<kube::Result<json::value>> pages;
  std::vector<kube::ListOptions> lists;
  std::vector<kube::WatchOptions> watches;
  std::vector<std::shared_ptr<Feed>> feeds;
  std::deque<kube::Error> watch_errors;  // answers to the next watch requests, before any stream

  boost::asio::awaitable<kube::Result<json::value>> list(const kube::ListOptions& options) override {
    lists.push_back(options);
    if (pages.empty()) co_return kube::Error(kube::ErrorKind::Network, "no more scripted pages");
    auto page = std::move(pages.front());
    pages.pop_front();
    co_return page;
  }
  boost::asio::awaitable<kube::Result<std::unique_ptr<kube::WatchStream>>> watch(
      const kube::WatchOptions& options) override {
    watches.push_back(options);
    if (!watch_errors.empty()) {
      auto error = std::move(watch_errors.front());
      watch_errors.pop_front();
      co_return error;
    }
    feeds.push_back(std::make_shared<Feed>());
    co_return std::unique_ptr<kube::WatchStream>(std::make_unique<FeedStream>(feeds.back()));
  }
};

json::object obj(const std::string& name, const std::string& rv) {
  return json::object{
      {"metadata", json::object{{"namespace", "ns"}, {"name", name}, {"resourceVersion", rv}}}};
}

json::value page(std::vector<json::object> items, const std::string& rv, const std::string& cont = "") {
  json::array a;
  for (auto& i : items) a.push_back(i);
  json::object md{{"resourceVersion", rv}};
  if (!cont.empty()) md["continue"] = cont;
  return json::object{{"metadata", md}, {"items", a}};
}

kube::WatchEvent added(const std::string& name, const std::string& rv) {
  return {kube::WatchEventType::Added, obj(name, rv)};
}

// Most tests script a paged list; the streaming list has its own tests at the end.
WatcherOptions list_then_watch() {
  WatcherOptions o;
  o.config.streaming_list = false;
  return o;
}

class WatcherDriverTest : public ::testing::Test {
 protected:
  void start() {
    boost::asio::co_spawn(
        io,
        run_watcher(
            source, options, clock, fixed_random(0.5),
            [this](const watcher::Event& e) { events.push_back(e.type); },
            watcher_observer(metrics, WatcherObserver{nullptr,
                                                      [this](const kube::Error& e, Clock::duration d) {
                                                        errors.push_back(e);
                                                        delays.push_back(d);
                                                      }})),
        boost::asio::bind_cancellation_slot(stop.slot(), [this](std::exception_ptr) { finished = true; }));
    io.poll();
  }
  void TearDown() override {
    stop.emit(boost::asio::cancellation_type::terminal);
    io.poll();
    clock->advance(1h);  // wake any backoff sleep so the coroutine observes the cancellation
    io.poll();
    EXPECT_TRUE(finished);
  }

  boost::asio::io_context io;
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  ScriptedSource source;
  WatcherOptions options = list_then_watch();
  WatcherMetrics metrics;  // none unless a test registers them
  boost::asio::cancellation_signal stop;
  std::vector<watcher::EventType> events;
  std::vector<kube::Error> errors;
  std::vector<Clock::duration> delays;
  bool finished = false;
};

using watcher::EventType;

TEST_F(WatcherDriverTest, ListsPagesThenWatchesFromTheListVersion) {
  source.pages.push_back(page({obj("a", "1")}, "10", "c1"));
  source.pages.push_back(page({obj("b", "2")}, "10"));
  start();
  ASSERT_EQ(source.lists.size(), 2u);
  EXPECT_EQ(source.lists[1].continue_token, "c1");
  ASSERT_EQ(source.watches.size(), 1u);
  EXPECT_EQ(source.watches[0].resource_version, "10");
  source.feeds[0]->push(std::optional(added("c", "11")));
  io.poll();
  EXPECT_EQ(events, (std::vector{EventType::InitStart, EventType::InitApply, EventType::InitApply,
                                 EventType::InitDone, EventType::Apply}));
}

TEST_F(WatcherDriverTest, CleanEndRewatchesFromLastVersionWithoutRelistOrBackoff) {
  source.pages.push_back(page({}, "10"));
  start();
  source.feeds[0]->push(std::optional(added("a", "12")));
  source.feeds[0]->push(std::optional<kube::WatchEvent>());  // server closed the stream
  io.poll();
  ASSERT_EQ(source.watches.size(), 2u);
  EXPECT_EQ(source.watches[1].resource_version, "12");
  EXPECT_EQ(source.lists.size(), 1u);
  EXPECT_TRUE(errors.empty());
}

TEST_F(WatcherDriverTest, Gone410RelistsAfterBackoff) {
  source.pages.push_back(page({obj("a", "1")}, "10"));
  source.pages.push_back(page({obj("a", "30")}, "30"));
  start();
  json::object status{{"kind", "Status"}, {"code", 410}, {"reason", "Expired"}, {"status", "Failure"}};
  source.feeds[0]->push(std::optional(kube::WatchEvent{kube::WatchEventType::Error, status}));
  io.poll();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].is_gone());
  EXPECT_EQ(delays[0], 800ms);
  EXPECT_EQ(source.lists.size(), 1u);  // waiting out the backoff
  clock->advance(799ms);
  io.poll();
  EXPECT_EQ(source.lists.size(), 1u);
  clock->advance(1ms);
  io.poll();
  ASSERT_EQ(source.lists.size(), 2u);
  EXPECT_TRUE(source.lists[1].continue_token.empty());
  ASSERT_EQ(source.watches.size(), 2u);
  EXPECT_EQ(source.watches[1].resource_version, "30");
  EXPECT_EQ(std::count(events.begin(), events.end(), EventType::InitStart), 2);
}

TEST_F(WatcherDriverTest, FailuresBackOffExponentially) {
  start();  // no scripted pages: every list fails
  for (int i = 0; i < 4; ++i) {
    clock->advance(delays.back());
    io.poll();
  }
  ASSERT_GE(delays.size(), 5u);
  EXPECT_EQ(delays[0], 800ms);
  EXPECT_EQ(delays[1], 1600ms);
  EXPECT_EQ(delays[2], 3200ms);
  EXPECT_EQ(delays[3], 6400ms);
}

TEST_F(WatcherDriverTest, IdleWatchIsCanceledAndReopenedFromTheSameVersion) {
  options.idle_timeout = 60s;
  source.pages.push_back(page({}, "10"));
  start();
  clock->advance(30s);
  source.feeds[0]->push(std::optional(added("a", "15")));  // activity resets the idle timer
  io.poll();
  clock->advance(59s);
  io.poll();
  EXPECT_FALSE(source.feeds[0]->canceled);
  clock->advance(1s);
  io.poll();
  EXPECT_TRUE(source.feeds[0]->canceled);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].kind(), kube::ErrorKind::Timeout);
  clock->advance(delays[0]);
  io.poll();
  ASSERT_EQ(source.watches.size(), 2u);
  EXPECT_EQ(source.watches[1].resource_version, "15");
  EXPECT_EQ(source.lists.size(), 1u);
}

TEST_F(WatcherDriverTest, StreamErrorRewatchesWithoutRelist) {
  source.pages.push_back(page({}, "10"));
  start();
  source.feeds[0]->push(kube::Error(kube::ErrorKind::Network, "connection reset"));
  io.poll();
  ASSERT_EQ(errors.size(), 1u);
  clock->advance(delays[0]);
  io.poll();
  ASSERT_EQ(source.watches.size(), 2u);
  EXPECT_EQ(source.watches[1].resource_version, "10");
  EXPECT_EQ(source.lists.size(), 1u);
}

TEST_F(WatcherDriverTest, MetricsCountRelistsWatchRestartsErrorsAndEvents) {
  prometheus::Registry registry;
  metrics = prometheus_watcher_metrics(registry, "deployments");
  source.pages.push_back(page({obj("a", "1")}, "10"));
  source.pages.push_back(page({obj("a", "30")}, "30"));
  start();
  source.feeds[0]->push(std::optional(added("b", "12")));
  source.feeds[0]->push(std::optional<kube::WatchEvent>());  // clean end: re-watch, no relist
  io.poll();
  json::object gone{{"kind", "Status"}, {"code", 410}, {"reason", "Expired"}, {"status", "Failure"}};
  source.feeds[1]->push(std::optional(kube::WatchEvent{kube::WatchEventType::Error, gone}));
  io.poll();
  clock->advance(delays.at(0));
  io.poll();
  ASSERT_EQ(source.lists.size(), 2u);
  const std::string text = serialize_metrics(registry);
  EXPECT_NE(text.find("rollguard_watcher_relists_total{resource=\"deployments\"} 2"), std::string::npos)
      << text;
  EXPECT_NE(text.find("rollguard_watcher_watch_restarts_total{resource=\"deployments\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("rollguard_watcher_errors_total{resource=\"deployments\"} 1"), std::string::npos);
  // InitStart, InitApply, InitDone, Apply; then the relist's InitStart, InitApply, InitDone.
  EXPECT_NE(text.find("rollguard_watcher_events_total{resource=\"deployments\"} 7"), std::string::npos);
}


kube::WatchEvent end_of_initial_events(const std::string& rv) {
  json::object md{{"resourceVersion", rv}, {"annotations", json::object{{"k8s.io/initial-events-end", "true"}}}};
  return {kube::WatchEventType::Bookmark, json::object{{"metadata", md}}};
}

TEST_F(WatcherDriverTest, StreamingListSyncsFromOneStreamAndKeepsIt) {
  options = WatcherOptions{};
  start();
  EXPECT_TRUE(source.lists.empty());
  ASSERT_EQ(source.watches.size(), 1u);
  EXPECT_TRUE(source.watches[0].send_initial_events);
  source.feeds[0]->push(std::optional(added("a", "5")));
  source.feeds[0]->push(std::optional(end_of_initial_events("9")));
  source.feeds[0]->push(std::optional(added("b", "10")));
  io.poll();
  EXPECT_EQ(events, (std::vector{EventType::InitStart, EventType::InitApply, EventType::InitDone, EventType::Apply}));
  EXPECT_FALSE(source.feeds[0]->canceled);  // the same stream goes on as the watch
  EXPECT_EQ(source.watches.size(), 1u);
  EXPECT_TRUE(errors.empty());
}

TEST_F(WatcherDriverTest, RefusedStreamingListFallsBackToListWithoutBackoff) {
  options = WatcherOptions{};
  kube::Status status;
  status.code = 422;
  status.reason = "Invalid";
  status.message = "sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled";
  source.watch_errors.push_back(kube::Error::from_status(status));
  source.pages.push_back(page({obj("a", "1")}, "10"));
  start();
  ASSERT_EQ(source.lists.size(), 1u);
  ASSERT_EQ(source.watches.size(), 2u);
  EXPECT_FALSE(source.watches[1].send_initial_events);
  EXPECT_EQ(source.watches[1].resource_version, "10");
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(events, (std::vector{EventType::InitStart, EventType::InitApply, EventType::InitDone}));
}

}  // namespace
}  // namespace rollguard::runtime