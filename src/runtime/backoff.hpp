#pragma once
// Exponential backoff policies, kept apart from what they wrap (the kube-rs split: the watcher state
// machine knows nothing of delays).
//  - Backoff: initial * factor^n capped at max, with jitter from an injected Random, and reset after
//    a quiet period (kube-rs DefaultBackoff: 800 ms -> 30 s, x2, reset after 120 s without errors).
//  - ItemExponentialRateLimiter: per-key failures counted, base * 2^failures capped at max, no
//    jitter (client-go workqueue ItemExponentialFailureRateLimiter: 5 ms -> 1000 s).
#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>

#include "runtime/clock.hpp"
#include "runtime/random.hpp"

namespace rollguard::runtime {

struct BackoffOptions {
  std::chrono::milliseconds initial{800};
  std::chrono::milliseconds max{30000};
  double factor = 2.0;
  // The delay is spread uniformly over [d * (1 - jitter), d * (1 + jitter)], then capped at max, so
  // many watchers failing together do not retry in lockstep.
  double jitter = 0.2;
  // A failure more than this long after the previous one starts again from initial.
  std::chrono::milliseconds reset_after{120000};

  static BackoffOptions watcher() { return {}; }
};

class Backoff {
 public:
  Backoff(BackoffOptions options, Random random);

  // The delay to wait after a failure observed at now.
  Clock::duration next(Clock::time_point now);
  // Forget previous failures (e.g. after an explicit success).
  void reset();
  int attempts() const { return attempts_; }
  const BackoffOptions& options() const { return options_; }

 private:
  BackoffOptions options_;
  Random random_;
  int attempts_ = 0;
  std::optional<Clock::time_point> last_failure_;
};

class ItemExponentialRateLimiter {
 public:
  explicit ItemExponentialRateLimiter(std::chrono::milliseconds base = std::chrono::milliseconds(5),
                                      std::chrono::milliseconds max = std::chrono::seconds(1000));

  // Delay before the key may be retried; counts one more failure.
  Clock::duration when(const std::string& key);
  // Success: the key's next failure starts from base again.
  void forget(const std::string& key);
  int num_requeues(const std::string& key) const;

 private:
  std::chrono::milliseconds base_;
  std::chrono::milliseconds max_;
  std::unordered_map<std::string, int> failures_;
};

}  // namespace rollguard::runtime
