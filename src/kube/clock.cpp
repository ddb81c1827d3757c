#include "kube/clock.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rollguard::kube {

namespace {

class RealClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::steady_clock::now(); }
  system_time_point system_now() const override { return std::chrono::system_clock::now(); }
  boost::asio::awaitable<bool> sleep_for(duration d) override {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, d);
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    co_return !ec;
  }
};

}  // namespace

std::shared_ptr<Clock> Clock::real() {
  static const std::shared_ptr<Clock> clock = std::make_shared<RealClock>();
  return clock;
}

FakeClock::FakeClock(time_point start, system_time_point system_start)
    : now_(start), system_now_(system_start) {}

Clock::time_point FakeClock::now() const {
  std::lock_guard lock(mutex_);
  return now_;
}

Clock::system_time_point FakeClock::system_now() const {
  std::lock_guard lock(mutex_);
  return system_now_;
}

std::size_t FakeClock::sleepers() const {
  std::lock_guard lock(mutex_);
  return sleepers_.size();
}

boost::asio::awaitable<bool> FakeClock::sleep_for(duration d) {
  // A real timer that never expires by itself stands in for the wait: advance() cancels it, and so
  // does per-operation cancellation from the caller; the deadline tells the two apart.
  auto timer = std::make_shared<boost::asio::steady_timer>(co_await boost::asio::this_coro::executor,
                                                           boost::asio::steady_timer::time_point::max());
  std::list<Sleeper>::iterator it;
  time_point deadline;
  {
    std::lock_guard lock(mutex_);
    deadline = now_ + d;
    if (d <= duration::zero()) co_return true;
    it = sleepers_.insert(sleepers_.end(), Sleeper{deadline, timer});
  }
  boost::system::error_code ec;
  co_await timer->async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  std::lock_guard lock(mutex_);
  // advance() already unlinked a sleeper it woke; a canceled one unlinks itself.
  if (now_ < deadline) sleepers_.erase(it);
  co_return now_ >= deadline;
}

void FakeClock::advance(duration d) {
  std::lock_guard lock(mutex_);
  now_ += d;
  system_now_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
  for (auto it = sleepers_.begin(); it != sleepers_.end();) {
    if (it->deadline <= now_) {
      // Cancel on the timer's own executor: the sleeper may run on another thread's io_context.
      boost::asio::post(it->timer->get_executor(), [timer = it->timer] { timer->cancel(); });
      it = sleepers_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace rollguard::kube
