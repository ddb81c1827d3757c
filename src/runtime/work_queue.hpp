#pragma once
// A rate-limited work queue with client-go workqueue semantics, for coroutines on one io_context:
//  - "dirty" (queued) and "processing" sets: a key is handed to at most one worker at a time; adding
//    a key while it is processed marks it dirty, and done() queues it once more afterwards; adding a
//    key that is already queued is a no-op (events for one object collapse into one reconcile).
//  - add_after(): delayed adds (requeue_after); when a key is delayed twice the earliest time wins.
//  - add_rate_limited(): per-key exponential backoff 5 ms -> 1000 s; forget() resets it on success.
//  - shut_down(): waiting get()s return nullopt, later adds are ignored, in-flight work may finish
//    (wait_idle() tells when).
// Not thread-safe by design: call every member from the queue's io_context (no locks, no blocking).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "runtime/backoff.hpp"
#include "runtime/clock.hpp"
#include "runtime/notifier.hpp"

namespace rollguard::runtime {

// Metric hooks (workqueue_depth, _adds_total, _queue_duration_seconds, _work_duration_seconds,
// _retries_total in controller-runtime); any may be left empty.
struct QueueMetrics {
  std::function<void(std::size_t depth)> depth;
  std::function<void()> add;
  std::function<void(Clock::duration waited)> queue_latency;
  std::function<void(Clock::duration took)> work_duration;
  std::function<void()> retry;
};

class WorkQueue {
 public:
  WorkQueue(std::shared_ptr<Clock> clock, QueueMetrics metrics = {},
            ItemExponentialRateLimiter limiter = ItemExponentialRateLimiter());
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void add(const std::string& key);
  void add_after(const std::string& key, Clock::duration delay);
  void add_rate_limited(const std::string& key);
  void forget(const std::string& key);
  int num_requeues(const std::string& key) const;

  // The next key to process (the caller must call done(key) afterwards); nullopt after shut_down().
  boost::asio::awaitable<std::optional<std::string>> get();
  void done(const std::string& key);

  void shut_down();
  bool shutting_down() const { return shutting_down_; }
  // Completes when no key is being processed.
  boost::asio::awaitable<void> wait_idle();

  std::size_t len() const { return queue_.size(); }
  std::size_t processing() const { return processing_.size(); }
  std::size_t delayed() const { return delayed_.size(); }

 private:
  void push(const std::string& key);
  void promote_due();
  std::optional<Clock::time_point> earliest_delayed() const;

  std::shared_ptr<Clock> clock_;
  QueueMetrics metrics_;
  ItemExponentialRateLimiter limiter_;
  std::deque<std::string> queue_;
  std::unordered_map<std::string, Clock::time_point> dirty_;  // key -> when it was first added
  std::unordered_set<std::string> processing_;
  std::unordered_map<std::string, Clock::time_point> processing_since_;
  std::unordered_map<std::string, Clock::time_point> delayed_;  // key -> ready time
  std::set<std::pair<Clock::time_point, std::string>> delayed_order_;
  Notifier added_;           // a key became ready, a worker should sleep for a delay, or shut_down()
  Notifier deadline_moved_;  // for the one worker sleeping until the earliest delayed key
  bool timer_held_ = false;  // that worker exists
  Notifier idle_;            // nothing is being processed any more
  bool shutting_down_ = false;
};

}  // namespace rollguard::runtime
