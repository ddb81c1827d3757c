#include "rollguard/measure/limiter.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <list>

namespace rollguard::measure {
namespace asio = boost::asio;

namespace {
struct Waiter {
  explicit Waiter(const asio::any_io_executor& executor)
      : timer(executor, asio::steady_timer::time_point::max()) {}
  asio::steady_timer timer;  // never expires: released (granted) or canceled, nothing else wakes it
  bool granted = false;
};
}  // namespace

struct Limiter::State {
  std::size_t limit = 1;
  std::size_t in_flight = 0;
  std::list<std::shared_ptr<Waiter>> waiters;

  // A slot comes back: handed straight to the first waiter (in_flight unchanged) so a newcomer
  // calling try_acquire() in between cannot jump the queue.
  void release() {
    if (!waiters.empty()) {
      auto waiter = waiters.front();
      waiters.pop_front();
      waiter->granted = true;
      waiter->timer.cancel();
      return;
    }
    --in_flight;
  }
};

Limiter::Permit::Permit(std::shared_ptr<State> state) : state_(std::move(state)) {}
Limiter::Permit::Permit(Permit&& other) noexcept : state_(std::move(other.state_)) {}
Limiter::Permit& Limiter::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
  }
  return *this;
}
Limiter::Permit::~Permit() { release(); }
void Limiter::Permit::release() {
  if (state_) state_->release();
  state_.reset();
}

Limiter::Limiter(std::size_t limit) : state_(std::make_shared<State>()) {
  state_->limit = limit == 0 ? 1 : limit;
}

Limiter::~Limiter() = default;

std::optional<Limiter::Permit> Limiter::try_acquire() {
  if (state_->in_flight >= state_->limit || !state_->waiters.empty()) return std::nullopt;
  ++state_->in_flight;
  return Permit(state_);
}

asio::awaitable<std::optional<Limiter::Permit>> Limiter::acquire() {
  auto state = state_;
  if (auto permit = try_acquire()) co_return permit;
  auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
  state->waiters.push_back(waiter);
  // The wait ends with operation_aborted either way; `granted` says whether release() or the
  // caller's cancellation ended it.
  auto [ec] = co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  (void)ec;
  if (waiter->granted) co_return Permit(state);
  state->waiters.remove(waiter);
  co_return std::nullopt;
}

std::size_t Limiter::limit() const { return state_->limit; }
std::size_t Limiter::in_flight() const { return state_->in_flight; }
std::size_t Limiter::waiting() const { return state_->waiters.size(); }

}  // namespace rollguard::measure
