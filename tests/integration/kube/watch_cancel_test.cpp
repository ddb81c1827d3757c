// Per-operation cancellation of WatchStream::next() against kube-sim over HTTPS: a caller gives up
// on a quiet watch (a cancellation signal, or awaitable operators' || against a timer) and gets
// Canceled back while the watch is still open; the client keeps working afterwards.
#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <variant>

#include "kube/client.hpp"
#include "kube_sim_process.hpp"

namespace rollguard::kube {
namespace {
namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using NextResult = Result<std::optional<WatchEvent>>;

// A watch on which nothing happens: no object carries the label and bookmarks are off. The server
// ends it after 30 s, so a next() the cancellation does not reach comes back as a clean end.
WatchOptions quiet_watch() {
  WatchOptions options;
  options.label_selector = "suite=watch-cancel-nothing-matches";
  options.allow_bookmarks = false;
  options.timeout_seconds = 30;
  return options;
}

std::string describe(const NextResult& result) {
  if (!result) return result.error().describe();
  return *result ? "an event" : "the end of the stream";
}

class WatchCancellation : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sim_.running()) << sim_.startup_error();
    auto client = Client::create(io_.get_executor(), sim_.config());
    ASSERT_TRUE(client.has_value()) << client.error().describe();
    client_ = std::move(client.value());
  }

  // Runs `task` to completion on io_; exceptions fail the test.
  template <class T>
  std::optional<T> run(asio::awaitable<T> task) {
    std::optional<T> result;
    asio::co_spawn(io_, std::move(task), [&](std::exception_ptr error, T value) {
      if (error) std::rethrow_exception(error);
      result.emplace(std::move(value));
    });
    io_.restart();
    io_.run();
    return result;
  }

  // What the client answers after the cancellation: a list that must succeed.
  void expect_client_still_works() {
    auto listed = run(client_->list(ResourceDescriptor::config_maps(), "default"));
    ASSERT_TRUE(listed.has_value());
    EXPECT_TRUE(listed->has_value()) << listed->error().describe();
  }

  testing::KubeSimProcess sim_;
  asio::io_context io_;
  std::shared_ptr<Client> client_;
};

TEST_F(WatchCancellation, SignalCancelsAPendingNext) {
  const WatchOptions options = quiet_watch();
  auto opened = run(client_->watch(ResourceDescriptor::config_maps(), "default", options));
  ASSERT_TRUE(opened.has_value());
  ASSERT_TRUE(opened->has_value()) << opened->error().describe();
  std::unique_ptr<WatchStream> stream = std::move(opened->value());

  // next() runs as its own operation with the signal's slot bound to its completion, the way a
  // caller cancels one operation without tearing down everything else on the io_context.
  asio::cancellation_signal signal;
  std::optional<NextResult> read;
  asio::co_spawn(
      io_, stream->next(),
      asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr error, NextResult result) {
        if (error) std::rethrow_exception(error);
        read.emplace(std::move(result));
      }));
  asio::steady_timer trigger(io_, 200ms);
  trigger.async_wait([&](boost::system::error_code) { signal.emit(asio::cancellation_type::terminal); });
  io_.restart();
  io_.run();

  ASSERT_TRUE(read.has_value()) << "next() never completed";
  ASSERT_FALSE(read->has_value()) << "expected Canceled, got " << describe(*read);
  EXPECT_EQ(read->error().kind(), ErrorKind::Canceled) << read->error().describe();

  // The interrupted stream stays canceled; destroying it closes the connection.
  auto again = run(stream->next());
  ASSERT_TRUE(again.has_value());
  ASSERT_FALSE(again->has_value()) << "expected Canceled, got " << describe(*again);
  EXPECT_EQ(again->error().kind(), ErrorKind::Canceled);
  stream.reset();

  expect_client_still_works();
}

TEST_F(WatchCancellation, TimerWinsOverAQuietNextWithAwaitableOperators) {
  auto outcome = run([](std::shared_ptr<Client> client) -> asio::awaitable<Result<std::string>> {
    using namespace asio::experimental::awaitable_operators;
    const WatchOptions options = quiet_watch();
    auto stream = co_await client->watch(ResourceDescriptor::config_maps(), "default", options);
    if (!stream) co_return stream.error();
    asio::steady_timer timer(co_await asio::this_coro::executor, 200ms);
    // The timer finishes first and || cancels next(); || itself completes only once next() has too,
    // and the stream must then report Canceled, not the end the server would send after 30 s.
    auto first = co_await (stream.value()->next() || timer.async_wait(asio::use_awaitable));
    if (first.index() == 0)
      co_return std::string("next() finished first with " + describe(std::get<0>(first)));
    auto after = co_await stream.value()->next();
    if (after || after.error().kind() != ErrorKind::Canceled)
      co_return std::string("next() after the canceled one: " + describe(after));
    co_return std::string("timer");
  }(client_));
  ASSERT_TRUE(outcome.has_value());
  ASSERT_TRUE(outcome->has_value()) << outcome->error().describe();
  EXPECT_EQ(outcome->value(), "timer");

  expect_client_still_works();
}

}  // namespace
}  // namespace rollguard::kube
