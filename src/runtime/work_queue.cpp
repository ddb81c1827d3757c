#include "runtime/work_queue.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rollguard::runtime {

WorkQueue::WorkQueue(std::shared_ptr<Clock> clock, QueueMetrics metrics, ItemExponentialRateLimiter limiter)
    : clock_(std::move(clock)), metrics_(std::move(metrics)), limiter_(std::move(limiter)) {}

WorkQueue::~WorkQueue() = default;

void WorkQueue::add(const std::string& key) {
  if (shutting_down_) return;
  if (dirty_.contains(key)) return;  // already queued: one reconcile covers both adds
  dirty_.emplace(key, clock_->now());
  if (metrics_.add) metrics_.add();
  // Being processed: done() re-queues it, so one key never reaches two workers.
  if (processing_.contains(key)) return;
  push(key);
}

void WorkQueue::push(const std::string& key) {
  queue_.push_back(key);
  if (metrics_.depth) metrics_.depth(queue_.size());
  // One key, one worker: a second add before the first woken worker runs wakes a second one. With
  // no worker waiting for adds, the one sleeping until the earliest delayed key takes it.
  if (added_.waiting() > 0) {
    added_.notify_one();
  } else {
    deadline_moved_.notify_all();
  }
}

void WorkQueue::add_after(const std::string& key, Clock::duration delay) {
  if (shutting_down_) return;
  if (delay <= Clock::duration::zero()) {
    add(key);
    return;
  }
  const auto ready = clock_->now() + delay;
  const auto previous_earliest = earliest_delayed();
  if (auto it = delayed_.find(key); it != delayed_.end()) {
    if (it->second <= ready) return;  // an earlier retry is already scheduled: earliest wins
    delayed_order_.erase({it->second, key});
    it->second = ready;
  } else {
    delayed_.emplace(key, ready);
  }
  delayed_order_.emplace(ready, key);
  if (!previous_earliest || ready < *previous_earliest) {
    // The worker sleeping until the old earliest deadline recomputes; with none, an idle one starts.
    if (timer_held_) {
      deadline_moved_.notify_all();
    } else {
      added_.notify_one();
    }
  }
}

void WorkQueue::add_rate_limited(const std::string& key) {
  if (shutting_down_) return;
  if (metrics_.retry) metrics_.retry();
  add_after(key, limiter_.when(key));
}

void WorkQueue::forget(const std::string& key) { limiter_.forget(key); }

int WorkQueue::num_requeues(const std::string& key) const { return limiter_.num_requeues(key); }

std::optional<Clock::time_point> WorkQueue::earliest_delayed() const {
  if (delayed_order_.empty()) return std::nullopt;
  return delayed_order_.begin()->first;
}

void WorkQueue::promote_due() {
  const auto now = clock_->now();
  while (!delayed_order_.empty() && delayed_order_.begin()->first <= now) {
    std::string key = delayed_order_.begin()->second;
    delayed_order_.erase(delayed_order_.begin());
    delayed_.erase(key);
    add(key);
  }
}

boost::asio::awaitable<std::optional<std::string>> WorkQueue::get() {
  using namespace boost::asio::experimental::awaitable_operators;
  for (;;) {
    if (shutting_down_) co_return std::nullopt;
    promote_due();
    if (!queue_.empty()) {
      std::string key = std::move(queue_.front());
      queue_.pop_front();
      if (metrics_.depth) metrics_.depth(queue_.size());
      const auto now = clock_->now();
      if (auto it = dirty_.find(key); it != dirty_.end()) {
        if (metrics_.queue_latency) metrics_.queue_latency(now - it->second);
        dirty_.erase(it);
      }
      processing_.insert(key);
      processing_since_[key] = now;
      // Delayed keys need one idle worker sleeping until the earliest: this one may have been it.
      if (!timer_held_ && !delayed_order_.empty()) added_.notify_one();
      co_return key;
    }
    // One idle worker sleeps until the earliest delayed key (or an add no other worker waits
    // for); the others wait for adds alone. When every idle worker slept until the same deadline,
    // 10,000 policies requeued every 30 s woke all 16 of them 333 times a second, 15 for nothing.
    if (auto earliest = earliest_delayed(); earliest && !timer_held_) {
      timer_held_ = true;
      struct Release {
        bool& held;
        ~Release() { held = false; }
      } release{timer_held_};
      co_await (deadline_moved_.wait() || clock_->sleep_for(*earliest - clock_->now()));
    } else {
      co_await added_.wait();
    }
    auto cs = co_await boost::asio::this_coro::cancellation_state;
    if (cs.cancelled() != boost::asio::cancellation_type::none) co_return std::nullopt;
  }
}

void WorkQueue::done(const std::string& key) {
  if (!processing_.erase(key)) return;
  if (auto it = processing_since_.find(key); it != processing_since_.end()) {
    if (metrics_.work_duration) metrics_.work_duration(clock_->now() - it->second);
    processing_since_.erase(it);
  }
  // Added again while it was processed: run it once more now that no worker holds it.
  if (dirty_.contains(key) && !shutting_down_) push(key);
  if (processing_.empty()) idle_.notify_all();
}

void WorkQueue::shut_down() {
  shutting_down_ = true;
  added_.notify_all();
  deadline_moved_.notify_all();
}

boost::asio::awaitable<void> WorkQueue::wait_idle() {
  while (!processing_.empty()) {
    co_await idle_.wait();
    auto cs = co_await boost::asio::this_coro::cancellation_state;
    if (cs.cancelled() != boost::asio::cancellation_type::none) co_return;
  }
}

}  // namespace rollguard::runtime
