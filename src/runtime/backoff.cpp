#include "runtime/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace rollguard::runtime {

namespace {

// base * factor^exponent in milliseconds, capped at max without overflowing.
double capped_exponential(double base_ms, double factor, int exponent, double max_ms) {
  double value = base_ms;
  for (int i = 0; i < exponent && value < max_ms; ++i) value *= factor;
  return std::min(value, max_ms);
}

}  // namespace

Backoff::Backoff(BackoffOptions options, Random random) : options_(options), random_(std::move(random)) {}

Clock::duration Backoff::next(Clock::time_point now) {
  if (last_failure_ && now - *last_failure_ >= options_.reset_after) attempts_ = 0;
  last_failure_ = now;
  const double max_ms = static_cast<double>(options_.max.count());
  double delay_ms =
      capped_exponential(static_cast<double>(options_.initial.count()), options_.factor, attempts_, max_ms);
  ++attempts_;
  if (options_.jitter > 0) delay_ms *= 1.0 + options_.jitter * (2.0 * random_() - 1.0);
  delay_ms = std::clamp(delay_ms, 0.0, max_ms);
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(delay_ms));
}

void Backoff::reset() {
  attempts_ = 0;
  last_failure_.reset();
}

ItemExponentialRateLimiter::ItemExponentialRateLimiter(std::chrono::milliseconds base,
                                                       std::chrono::milliseconds max)
    : base_(base), max_(max) {}

Clock::duration ItemExponentialRateLimiter::when(const std::string& key) {
  int& failures = failures_[key];
  const double ms = capped_exponential(static_cast<double>(base_.count()), 2.0, failures,
                                       static_cast<double>(max_.count()));
  ++failures;
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(ms));
}

void ItemExponentialRateLimiter::forget(const std::string& key) { failures_.erase(key); }

int ItemExponentialRateLimiter::num_requeues(const std::string& key) const {
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

}  // namespace rollguard::runtime
