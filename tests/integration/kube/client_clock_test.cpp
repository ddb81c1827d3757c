// The client reads time from ClientOptions::clock (the Clock shared with the runtime): its token
// bucket waits on that clock, so a FakeClock holds a throttled request until the test advances it.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/value.hpp>

#include "kube/client.hpp"
#include "kube/clock.hpp"
#include "kube_sim_process.hpp"

namespace rollguard::kube {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;

template <class Done>
void run_until(asio::io_context& io, Done done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) io.run_for(10ms);
}

TEST(ClientClock, TokenBucketWaitsOnTheInjectedClock) {
  testing::KubeSimProcess sim;
  ASSERT_TRUE(sim.running()) << sim.startup_error();
  asio::io_context io;
  auto clock = std::make_shared<FakeClock>();
  ClientOptions options;
  options.qps = 1;
  options.burst = 1;
  options.clock = clock;
  auto client = Client::create(io.get_executor(), sim.config(), options);
  ASSERT_TRUE(client.has_value()) << client.error().describe();

  int answered = 0;
  int failed = 0;
  asio::co_spawn(
      io,
      [&, client = *client]() -> asio::awaitable<void> {
        const auto config_maps = ResourceDescriptor::config_maps();
        const std::string ns = "default";
        for (int i = 0; i < 2; ++i) {
          auto listed = co_await client->list(config_maps, ns);
          ++(listed ? answered : failed);
        }
      },
      asio::detached);

  run_until(
      io, [&] { return answered + failed == 1; }, 10s);
  ASSERT_EQ(answered, 1) << "the first request (the burst) goes out at once";
  // The second needs a token one (fake) second away: real time passing does not release it.
  run_until(
      io, [&] { return clock->sleepers() == 1; }, 5s);
  run_until(
      io, [] { return false; }, 300ms);
  EXPECT_EQ(answered + failed, 1);
  EXPECT_EQ(clock->sleepers(), 1u);

  clock->advance(1s);
  run_until(
      io, [&] { return answered + failed == 2; }, 10s);
  EXPECT_EQ(answered, 2);
  EXPECT_EQ(failed, 0);
}

}  // namespace
}  // namespace rollguard::kube
