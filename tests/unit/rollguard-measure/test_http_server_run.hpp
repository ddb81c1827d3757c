#pragma once
#include <boost/asio/co_spawn.hpp>
#include <optional>
#include <stdexcept>

namespace rollguard::measure::testing {

template <class T>
T run(boost::asio::io_context& io, boost::asio::awaitable<T> work) {
  std::optional<T> result;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr error, T value) {
    failure = error;
    if (!error) result.emplace(std::move(value));
  });
  io.restart();
  while (!result && !failure) io.run_one();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

}  // namespace rollguard::measure::testing
