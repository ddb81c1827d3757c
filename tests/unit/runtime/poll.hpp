#pragma once
// Runs what is ready on an io_context without blocking (the unit tests drive time with FakeClock,
// so "ready" is all there is to run).
#include <boost/asio/io_context.hpp>

namespace rollguard::testing {

inline void poll(boost::asio::io_context& io) {
  io.restart();
  io.poll();
}

}  // namespace rollguard::testing
