#pragma once
// A bound on measurements in flight across every policy: at most `limit` holders of a Permit at a
// time, the others wait in arrival order (FIFO, so a policy with many SLOs cannot starve the rest).
// acquire() suspends without blocking the thread and honours the coroutine's cancellation slot (a
// canceled wait leaves the queue and returns no permit). Use from one thread (or strand).
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <memory>
#include <optional>

namespace rollguard::measure {

class Limiter {
  struct State;

 public:
  // Holds one slot until destroyed (or moved from).
  class Permit {
   public:
    Permit(Permit&& other) noexcept;
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit();

   private:
    friend class Limiter;
    explicit Permit(std::shared_ptr<State> state);
    void release();
    std::shared_ptr<State> state_;
  };

  // A waiter's timer runs on the executor of the coroutine that calls acquire().
  explicit Limiter(std::size_t limit);
  ~Limiter();
  Limiter(const Limiter&) = delete;
  Limiter& operator=(const Limiter&) = delete;

  // A permit, or nullopt when the wait was canceled.
  boost::asio::awaitable<std::optional<Permit>> acquire();
  // Without waiting: a permit when a slot is free and nobody queues ahead.
  std::optional<Permit> try_acquire();

  std::size_t limit() const;
  std::size_t in_flight() const;
  std::size_t waiting() const;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace rollguard::measure
