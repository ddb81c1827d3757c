#pragma once
// Injectable time, shared by kube and runtime (runtime/clock.hpp re-exports it). Everything that
// depends on time (client throttling and Retry-After holds, backoff resets, delayed queue adds, idle
// watch timers, lease expiry) reads it from a Clock, so tests drive time with FakeClock instead of
// sleeping. Steady time measures durations; system time is only for what is written to or read
// from the API (Lease renewTime, Event eventTime, credential expiry).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <list>
#include <memory>
#include <mutex>

namespace rollguard::kube {

class Clock {
 public:
  using duration = std::chrono::steady_clock::duration;
  using time_point = std::chrono::steady_clock::time_point;
  using system_time_point = std::chrono::system_clock::time_point;

  virtual ~Clock() = default;
  virtual time_point now() const = 0;
  virtual system_time_point system_now() const = 0;
  // Suspends the calling coroutine until now() >= now() + d or until the wait is canceled (through
  // the coroutine's cancellation slot, e.g. awaitable operator ||). Returns true when the time
  // elapsed, false when canceled. Never blocks the io_context thread.
  virtual boost::asio::awaitable<bool> sleep_for(duration d) = 0;

  // The process clock (std::chrono::steady_clock / system_clock, Asio steady_timer).
  static std::shared_ptr<Clock> real();
};

// A clock that only moves when a test says so. Sleepers are woken (on their own executor) by
// advance(); run the io_context afterwards (poll()) to let them proceed.
class FakeClock : public Clock {
 public:
  explicit FakeClock(time_point start = time_point{} + std::chrono::hours(1),
                     system_time_point system_start = system_time_point{} +
                                                      std::chrono::hours(24 * 365 * 56));

  time_point now() const override;
  system_time_point system_now() const override;
  boost::asio::awaitable<bool> sleep_for(duration d) override;

  void advance(duration d);
  // Number of coroutines currently suspended in sleep_for (lets tests wait for a quiescent state).
  std::size_t sleepers() const;

 private:
  struct Sleeper {
    time_point deadline;
    std::shared_ptr<boost::asio::steady_timer> timer;
  };
  mutable std::mutex mutex_;
  time_point now_;
  system_time_point system_now_;
  std::list<Sleeper> sleepers_;
};

}  // namespace rollguard::kube
