#include "runtime/leadership.hpp"

#include <atomic>
#include <string>

#include "runtime/notifier.hpp"

namespace rollguard::runtime {

struct LeadershipGuard::State {
  std::atomic<bool> leading{false};
  Latch started;
  Latch lost;
};

LeadershipGuard::LeadershipGuard() : state_(std::make_shared<State>()) {}

LeadershipGuard LeadershipGuard::always() {
  LeadershipGuard guard;
  guard.started_leading();
  return guard;
}

bool LeadershipGuard::is_leader() const noexcept { return state_->leading.load(std::memory_order_acquire); }

kube::Result<void> LeadershipGuard::check(std::string_view action) const {
  if (is_leader()) return {};
  return kube::Error(kube::ErrorKind::Canceled, "not the leader: refusing " + std::string(action));
}

void LeadershipGuard::started_leading() {
  if (state_->lost.is_open()) return;
  state_->leading.store(true, std::memory_order_release);
  state_->started.open();
}

void LeadershipGuard::stopped_leading() {
  // The flag first: a check() racing with the latch's wake-ups must already refuse.
  state_->leading.store(false, std::memory_order_release);
  state_->lost.open();
}

boost::asio::awaitable<void> LeadershipGuard::wait_until_leading() const { co_await state_->started.wait(); }

boost::asio::awaitable<void> LeadershipGuard::wait_until_lost() const { co_await state_->lost.wait(); }

LeaderCallbacks LeadershipGuard::callbacks(LeaderCallbacks then) const {
  LeaderCallbacks out;
  out.on_started_leading = [guard = *this, next = std::move(then.on_started_leading)]() mutable {
    guard.started_leading();
    if (next) next();
  };
  out.on_stopped_leading = [guard = *this, next = std::move(then.on_stopped_leading)]() mutable {
    guard.stopped_leading();
    if (next) next();
  };
  out.on_new_leader = std::move(then.on_new_leader);
  return out;
}

}  // namespace rollguard::runtime
