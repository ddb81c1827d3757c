#pragma once
// Client-side token bucket (client-go's flowcontrol.NewTokenBucketRateLimiter): qps tokens per
// second, at most `burst` saved up. Pure: callers pass the time (kube::Clock's steady now()) and
// sleep for the returned delay, so the numbers are unit-tested without any clock.
#include <chrono>

#include "kube/clock.hpp"

namespace rollguard::kube {

class TokenBucket {
 public:
  using Clock = kube::Clock;  // for its steady time_point and duration; never read here
  // qps <= 0 disables limiting (every reserve() returns zero), as with API Priority and Fairness.
  TokenBucket(double qps, int burst);

  // Takes one token and returns how long the caller must wait before sending.
  Clock::duration reserve(Clock::time_point now);
  // A 429 with Retry-After: nothing is sent before `until` (a server-side signal trumps the bucket).
  void hold_until(Clock::time_point until);
  bool enabled() const { return qps_ > 0; }

 private:
  double qps_;
  double burst_;
  double tokens_;
  Clock::time_point last_{};
  Clock::time_point hold_until_{};
  bool started_ = false;
};

}  // namespace rollguard::kube
