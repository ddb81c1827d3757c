#include "runtime/notifier.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rollguard::runtime {

// The caller set waiter->notified under the lock and unlinked the waiter.
void Notifier::wake(const std::shared_ptr<Waiter>& waiter) {
  // Canceled on the timer's own executor: the sleeper may run on another thread's io_context.
  boost::asio::dispatch(waiter->timer->get_executor(), [timer = waiter->timer] { timer->cancel(); });
}

boost::asio::awaitable<bool> Notifier::wait() {
  auto waiter = std::make_shared<Waiter>();
  waiter->timer = std::make_shared<boost::asio::steady_timer>(co_await boost::asio::this_coro::executor,
                                                              boost::asio::steady_timer::time_point::max());
  {
    std::lock_guard lock(mutex_);
    if (latched_) co_return true;
    waiters_.push_back(waiter);
  }
  boost::system::error_code ec;
  co_await waiter->timer->async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  std::lock_guard lock(mutex_);
  // A notifier already unlinked the waiter it woke; one ended by its caller unlinks itself.
  std::erase(waiters_, waiter);
  co_return waiter->notified;
}

void Notifier::notify_one() {
  std::shared_ptr<Waiter> waiter;
  {
    std::lock_guard lock(mutex_);
    if (waiters_.empty()) return;
    waiter = std::move(waiters_.front());
    waiters_.pop_front();
    waiter->notified = true;
  }
  wake(waiter);
}

void Notifier::notify_all() {
  std::deque<std::shared_ptr<Waiter>> woken;
  {
    std::lock_guard lock(mutex_);
    woken.swap(waiters_);
    for (auto& waiter : woken) waiter->notified = true;
  }
  for (auto& waiter : woken) wake(waiter);
}

std::size_t Notifier::waiting() const {
  std::lock_guard lock(mutex_);
  return waiters_.size();
}

void Notifier::latch() {
  {
    std::lock_guard lock(mutex_);
    latched_ = true;
  }
  notify_all();
}

bool Notifier::latched() const {
  std::lock_guard lock(mutex_);
  return latched_;
}

boost::asio::awaitable<void> Latch::wait() { co_await opened_.wait(); }

}  // namespace rollguard::runtime
