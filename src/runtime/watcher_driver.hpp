#pragma once
// Runs the watcher state machine over real I/O: performs next_action(), feeds the outcome to step(),
// hands the emitted events to a sink (typically Writer::apply plus event handlers), and wraps it in
// the two policies the machine deliberately lacks:
//  - backoff after every failed step (800 ms -> 30 s, jittered, reset after 2 min without failure);
//  - a client-side idle timer: a watch that delivers neither an event nor a bookmark for
//    idle_timeout is canceled and re-opened from the last resourceVersion (a half-open TCP
//    connection otherwise looks like a quiet cluster forever).
#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "kube/client.hpp"
#include "runtime/backoff.hpp"
#include "runtime/clock.hpp"
#include "runtime/watcher.hpp"

namespace rollguard::runtime {

// Where lists and watches go; kube::Client behind it in production (client_source.hpp), an in-memory
// script in the driver's unit tests.
class ListWatchSource {
 public:
  virtual ~ListWatchSource() = default;
  virtual boost::asio::awaitable<kube::Result<boost::json::value>> list(const kube::ListOptions& options) = 0;
  virtual boost::asio::awaitable<kube::Result<std::unique_ptr<kube::WatchStream>>> watch(
      const kube::WatchOptions& options) = 0;
};

struct WatcherOptions {
  watcher::Config config;
  BackoffOptions backoff = BackoffOptions::watcher();
  // Bookmarks arrive about once a minute on a healthy watch, so two missed ones mean trouble.
  std::chrono::seconds idle_timeout{150};
};

// Observations for logs and metrics (watcher_observer() in metrics.hpp turns WatcherMetrics into
// one); called on the driver's executor, any may be left empty.
struct WatcherObserver {
  std::function<void(const watcher::State& from, const watcher::State& to)> on_transition;
  std::function<void(const kube::Error& error, Clock::duration backoff)> on_error;
  std::function<void()> on_relist;         // a list from scratch starts (initial sync, after 410)
  std::function<void()> on_watch_restart;  // a watch re-opens from the last resourceVersion
  std::function<void(const watcher::Event& event)> on_event;  // before the sink gets it
  std::function<void(const std::string& notice)> on_notice;  // e.g. the fallback to list+watch
};

// Runs until the coroutine is canceled (per-operation cancellation, e.g. co_spawn with a bound
// cancellation slot). Never throws for anything the server sends.
boost::asio::awaitable<void> run_watcher(ListWatchSource& source, WatcherOptions options,
                                         std::shared_ptr<Clock> clock, Random random, EventSink sink,
                                         WatcherObserver observer = {});

}  // namespace rollguard::runtime
