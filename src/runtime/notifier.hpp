#pragma once
// The one "wake a sleeping coroutine" primitive of the runtime. Asio has no condition variable for
// coroutines; the idiom is a steady_timer that never expires, which the waker cancels. Notifier and
// Latch keep that idiom in one place instead of a hand-written loop in every class that sleeps.
//  - Notifier: wait() suspends until notify_one() / notify_all() or until the caller's own
//    cancellation (e.g. awaitable operator ||) fires. A notification reaches only the coroutines
//    waiting at that moment (no memory): callers re-check their condition in a loop.
//  - Latch: a one-way gate (closed -> open, never back); wait() returns at once once it is open.
// Both may be notified from any thread: a sleeper is woken on its own executor.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <mutex>

namespace rollguard::runtime {

class Notifier {
 public:
  Notifier() = default;
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // True when woken by a notification, false when the caller's cancellation ended the wait.
  boost::asio::awaitable<bool> wait();
  // Wakes the longest-waiting coroutine and unlinks it at once, so a second notify_one() before it
  // runs wakes a second one.
  void notify_one();
  void notify_all();
  std::size_t waiting() const;

 private:
  struct Waiter {
    std::shared_ptr<boost::asio::steady_timer> timer;
    bool notified = false;
  };
  friend class Latch;
  static void wake(const std::shared_ptr<Waiter>& waiter);
  // Latch: from then on every wait() returns at once. Set under the same lock that registers
  // waiters, so an open() can never slip between a waiter's check and its registration.
  void latch();
  bool latched() const;

  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<Waiter>> waiters_;
  bool latched_ = false;
};

class Latch {
 public:
  void open() { opened_.latch(); }
  bool is_open() const { return opened_.latched(); }
  // Completes once the latch is open (immediately if it is) or when the caller's cancellation fires.
  boost::asio::awaitable<void> wait();

 private:
  Notifier opened_;
};

}  // namespace rollguard::runtime
