#pragma once
// Driving an io_context from a test thread: run until a condition holds (bounded by a deadline that
// only stops a broken run), or until one coroutine completes.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <optional>

namespace rollguard::testing {

// Runs the io_context until pred() holds or the deadline passes; false = it never held.
template <class Pred>
bool run_until(boost::asio::io_context& io, Pred pred,
               std::chrono::seconds timeout = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }
  return true;
}

// Runs one coroutine to completion on io; nullopt when it did not finish in time.
template <class T>
std::optional<T> complete(boost::asio::io_context& io, boost::asio::awaitable<T> work,
                          std::chrono::seconds timeout = std::chrono::seconds(30)) {
  std::optional<T> result;
  boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, T value) {
    if (e) std::rethrow_exception(e);
    result.emplace(std::move(value));
  });
  run_until(
      io, [&] { return result.has_value(); }, timeout);
  return result;
}

}  // namespace rollguard::testing
