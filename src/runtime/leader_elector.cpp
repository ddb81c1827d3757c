#include "runtime/leader_elector.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>

namespace rollguard::runtime {

LeaderElector::LeaderElector(std::unique_ptr<LeaseLock> lock, std::shared_ptr<Clock> clock,
                             LeaderElectionConfig config, Random random)
    : lock_(std::move(lock)),
      clock_(std::move(clock)),
      config_(std::move(config)),
      random_(std::move(random)) {}

LeaderElector::~LeaderElector() = default;

void LeaderElector::shut_down() {
  stopping_ = true;
  wake_.notify_all();
}

boost::asio::awaitable<void> LeaderElector::sleep(Clock::duration d) {
  using namespace boost::asio::experimental::awaitable_operators;
  if (stopping_) co_return;
  co_await (wake_.wait() || clock_->sleep_for(d));
}

boost::asio::awaitable<LeaderElector::Attempt> LeaderElector::try_acquire_or_renew() {
  auto fetched = co_await lock_->get();
  if (!fetched) co_return Attempt::NotAcquired;  // transient: try again next period
  const std::string previous_holder = observed_.record ? observed_.record->holder_identity : std::string{};
  if (*fetched) {
    observed_ = observe(observed_, (*fetched)->record, (*fetched)->resource_version, clock_->now());
  } else {
    observed_ = observe(observed_, std::nullopt, "", clock_->now());
  }
  if (observed_.record && observed_.record->holder_identity != previous_holder && callbacks_.on_new_leader) {
    callbacks_.on_new_leader(observed_.record->holder_identity);
  }
  auto decision = decide_acquire_or_renew(observed_, config_, clock_->now(), clock_->system_now());
  if (decision.action == LeaseAction::Wait) co_return Attempt::NotAcquired;
  // Two statements, not a conditional expression: GCC 12 miscompiles co_await inside ?:.
  kube::Result<LeaseSnapshot> written = kube::Error(kube::ErrorKind::Invalid, "not written");
  if (decision.action == LeaseAction::Create) {
    written = co_await lock_->create(decision.desired);
  } else {
    written = co_await lock_->update(decision.desired, observed_.resource_version);
  }
  // 409 Conflict (stale PUT) / 409 AlreadyExists (create raced): someone else wrote first; the next
  // read shows who.
  if (!written) co_return Attempt::NotAcquired;
  observed_ = LeaseObservation{written->record, written->resource_version, clock_->now()};
  co_return Attempt::Acquired;
}

void LeaderElector::stop_leading() {
  if (!leading_) return;
  leading_ = false;
  if (callbacks_.on_stopped_leading) callbacks_.on_stopped_leading();
}

boost::asio::awaitable<void> LeaderElector::deadline_watchdog() {
  while (leading_) {
    const auto left = last_renew_ + config_.renew_deadline - clock_->now();
    if (left <= Clock::duration::zero()) {
      // No renewal within renew_deadline: stop acting now, before the lease (lease_duration >
      // renew_deadline) can expire for the other candidates.
      stop_leading();
      wake_.notify_all();
      co_return;
    }
    co_await clock_->sleep_for(left);
    auto cs = co_await boost::asio::this_coro::cancellation_state;
    if (cs.cancelled() != boost::asio::cancellation_type::none) co_return;
  }
}

boost::asio::awaitable<void> LeaderElector::renew_loop() {
  while (leading_ && !stopping_) {
    co_await sleep(config_.retry_period);
    if (!leading_ || stopping_) break;
    const auto attempt_started = clock_->now();
    if (co_await try_acquire_or_renew() == Attempt::Acquired && leading_) {
      // Count from when the attempt started: the write may have been slow.
      last_renew_ = attempt_started;
    }
  }
}

boost::asio::awaitable<void> LeaderElector::release() {
  if (!observed_.record || observed_.record->holder_identity != config_.identity) co_return;
  auto record = release_record(*observed_.record, clock_->system_now());
  auto written = co_await lock_->update(record, observed_.resource_version);
  if (written) observed_ = LeaseObservation{written->record, written->resource_version, clock_->now()};
}

boost::asio::awaitable<void> LeaderElector::run(LeaderCallbacks callbacks) {
  using namespace boost::asio::experimental::awaitable_operators;
  callbacks_ = std::move(callbacks);
  // Campaign.
  Clock::time_point attempt_started{};
  while (!stopping_) {
    attempt_started = clock_->now();
    if (co_await try_acquire_or_renew() == Attempt::Acquired) break;
    co_await sleep(jittered_retry(config_, random_));
  }
  if (stopping_) co_return;
  leading_ = true;
  // As for renewals, the deadline counts from the attempt's start, not from its answer: the others
  // time our lease from when they saw the write, which can be long before a slow answer reached us.
  last_renew_ = attempt_started;
  if (callbacks_.on_started_leading) callbacks_.on_started_leading();
  // Lead: renewals race a watchdog that ends leadership at the renew deadline even while a renewal
  // request hangs; whichever finishes first cancels the other.
  co_await (renew_loop() || deadline_watchdog());
  if (leading_) {
    // Graceful shutdown: step down first (stop acting), then release so a successor starts at once.
    stop_leading();
    co_await release();
  }
}

}  // namespace rollguard::runtime
