#include "runtime/watcher_driver.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

namespace rollguard::runtime {

namespace {

// One idle timer per open stream (not per event): it sleeps until last activity + timeout and
// cancels the stream only if nothing arrived meanwhile.
struct IdleWatch {
  Clock::time_point last_activity;
  bool fired = false;
  bool done = false;
  boost::asio::cancellation_signal stop;
};

boost::asio::awaitable<void> idle_watchdog(std::shared_ptr<IdleWatch> idle, kube::WatchStream* stream,
                                           std::shared_ptr<Clock> clock, Clock::duration timeout) {
  co_await boost::asio::this_coro::throw_if_cancelled(false);
  while (!idle->done) {
    const auto wait = idle->last_activity + timeout - clock->now();
    if (wait > Clock::duration::zero()) {
      co_await clock->sleep_for(wait);
      auto cs = co_await boost::asio::this_coro::cancellation_state;
      if (idle->done || cs.cancelled() != boost::asio::cancellation_type::none) co_return;
      continue;
    }
    idle->fired = true;
    stream->cancel();  // the pending next() completes with Canceled
    co_return;
  }
}

bool cancelled(const boost::asio::cancellation_state& cs) {
  return cs.cancelled() != boost::asio::cancellation_type::none;
}

}  // namespace

boost::asio::awaitable<void> run_watcher(ListWatchSource& source, WatcherOptions options,
                                         std::shared_ptr<Clock> clock, Random random, EventSink sink,
                                         WatcherObserver observer) {
  co_await boost::asio::this_coro::throw_if_cancelled(false);
  auto executor = co_await boost::asio::this_coro::executor;
  watcher::State state = watcher::Empty{};
  Backoff backoff(options.backoff, random);
  std::unique_ptr<kube::WatchStream> stream;
  std::shared_ptr<IdleWatch> idle;
  bool watched_since_list = false;  // a watch opened since the last list: the next one is a restart

  auto close_stream = [&] {
    if (idle) {
      idle->done = true;
      idle->stop.emit(boost::asio::cancellation_type::terminal);
      idle.reset();
    }
    if (stream) {
      stream->cancel();
      stream.reset();
    }
  };

  for (;;) {
    if (cancelled(co_await boost::asio::this_coro::cancellation_state)) break;
    watcher::Action action = watcher::next_action(state, options.config, random);
    watcher::Outcome outcome = watcher::WatchEnded{};
    if (auto* list = std::get_if<watcher::ListPage>(&action)) {
      if (std::holds_alternative<watcher::Empty>(state)) {
        watched_since_list = false;
        if (observer.on_relist) observer.on_relist();
      }
      // Awaited into a named variable first: GCC 12 miscompiles co_await inside a braced initialiser.
      auto response = co_await source.list(list->options);
      outcome = watcher::PageListed{std::move(response)};
    } else if (auto* open = std::get_if<watcher::OpenWatch>(&action)) {
      if (std::holds_alternative<watcher::Empty>(state)) {
        // A streaming list: a sync from scratch, like a list.
        watched_since_list = false;
        if (observer.on_relist) observer.on_relist();
      } else if (watched_since_list && observer.on_watch_restart) {
        observer.on_watch_restart();
      }
      watched_since_list = true;
      auto opened = co_await source.watch(open->options);
      if (opened && *opened) {
        stream = std::move(*opened);
        idle = std::make_shared<IdleWatch>();
        idle->last_activity = clock->now();
        boost::asio::co_spawn(executor, idle_watchdog(idle, stream.get(), clock, options.idle_timeout),
                              boost::asio::bind_cancellation_slot(idle->stop.slot(), boost::asio::detached));
        outcome = watcher::WatchOpened{kube::Result<void>{}};
      } else if (opened) {
        outcome = watcher::WatchOpened{kube::Error(kube::ErrorKind::Invalid, "watch returned no stream")};
      } else {
        outcome = watcher::WatchOpened{opened.error()};
      }
    } else if (!stream) {
      // Watching without a stream cannot happen; treat it as a failed stream and re-watch.
      outcome = watcher::WatchFailed{kube::Error(kube::ErrorKind::Invalid, "no open watch stream")};
    } else {
      auto next = co_await stream->next();
      if (idle && idle->fired) {
        outcome = watcher::WatchFailed{kube::Error(
            kube::ErrorKind::Timeout, "watch idle for " + std::to_string(options.idle_timeout.count()) +
                                          "s without event or bookmark")};
      } else if (!next) {
        outcome = watcher::WatchFailed{next.error()};
      } else if (!next->has_value()) {
        outcome = watcher::WatchEnded{};
      } else {
        if (idle) idle->last_activity = clock->now();
        outcome = watcher::WatchReceived{std::move(**next)};
      }
    }
    if (cancelled(co_await boost::asio::this_coro::cancellation_state)) break;

    watcher::StepResult result = watcher::step(state, std::move(outcome));
    for (auto& event : result.events) {
      if (observer.on_event) observer.on_event(event);
      sink(event);
    }
    if (!result.notice.empty() && observer.on_notice) observer.on_notice(result.notice);
    if (!watcher::reads_stream(result.next)) close_stream();
    if (observer.on_transition && result.next.index() != state.index())
      observer.on_transition(state, result.next);
    state = std::move(result.next);
    if (result.error) {
      const auto delay = backoff.next(clock->now());
      if (observer.on_error) observer.on_error(*result.error, delay);
      co_await clock->sleep_for(delay);
    }
  }
  close_stream();
}

}  // namespace rollguard::runtime
