#include "kube/rate_limiter.hpp"

#include <algorithm>

namespace rollguard::kube {

TokenBucket::TokenBucket(double qps, int burst)
    : qps_(qps), burst_(std::max(1, burst)), tokens_(std::max(1, burst)) {}

TokenBucket::Clock::duration TokenBucket::reserve(Clock::time_point now) {
  Clock::duration hold = hold_until_ > now ? hold_until_ - now : Clock::duration::zero();
  if (!enabled()) return hold;
  if (!started_) {
    started_ = true;
    last_ = now;
  }
  if (now > last_) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
  // Reservations may drive the bucket negative: each waiter is given its own slot in the future,
  // which is what makes the limiter fair under contention.
  tokens_ -= 1.0;
  Clock::duration wait = Clock::duration::zero();
  if (tokens_ < 0) {
    wait = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(-tokens_ / qps_));
  }
  return std::max(wait, hold);
}

void TokenBucket::hold_until(Clock::time_point until) { hold_until_ = std::max(hold_until_, until); }

}  // namespace rollguard::kube
