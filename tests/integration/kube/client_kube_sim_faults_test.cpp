// kube::Client against kube-sim's injected faults and restarts (a child process over HTTPS): the
// client keeps one connection pool across a simulator restart and finds the same objects and
// resourceVersions; injected 429s are retried after Retry-After, then reported with their Status.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <thread>

#include "kube/client.hpp"
#include "kube_sim_process.hpp"

namespace rollguard::kube {
namespace {
namespace asio = boost::asio;
namespace json = boost::json;

json::value config_map(const std::string& name) {
  return json::object{{"apiVersion", "v1"},
                      {"kind", "ConfigMap"},
                      {"metadata", json::object{{"name", name}}},
                      {"data", json::object{{"key", "value"}}}};
}

std::string rv_of(const json::value& object) {
  return std::string(object.at("metadata").at("resourceVersion").as_string());
}

// Runs one awaitable to completion on io (which the caller keeps, with its client, between calls).
template <class T>
T run(asio::io_context& io, asio::awaitable<T> operation) {
  auto future = asio::co_spawn(io, std::move(operation), asio::use_future);
  io.restart();
  io.run();
  return future.get();
}

class ClientThroughFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sim_.running()) << sim_.startup_error();
    auto created = Client::create(io_.get_executor(), sim_.config());
    ASSERT_TRUE(created) << created.error().describe();
    client_ = *created;
  }

  testing::KubeSimProcess sim_{{"--state-file", testing::kStateFile, "--no-controllers"}};
  asio::io_context io_;
  std::shared_ptr<Client> client_;
};

TEST_F(ClientThroughFaults, SameClientFindsTheSameObjectsAfterASimulatorRestart) {
  const auto cms = ResourceDescriptor::config_maps();
  auto created = run(io_, client_->create(cms, "default", config_map("survivor")));
  ASSERT_TRUE(created) << created.error().describe();
  const auto port = sim_.port();

  ASSERT_TRUE(sim_.restart()) << sim_.startup_error();
  EXPECT_EQ(sim_.port(), port);

  // The pooled connection died with the old process; the client reconnects to the same address,
  // trusts the same CA and presents the same token.
  auto fetched = run(io_, client_->get(cms, "default", "survivor"));
  ASSERT_TRUE(fetched) << fetched.error().describe();
  EXPECT_EQ(rv_of(*fetched), rv_of(*created));

  // resourceVersions keep growing after the restart.
  auto later = run(io_, client_->create(cms, "default", config_map("newcomer")));
  ASSERT_TRUE(later) << later.error().describe();
  EXPECT_GT(std::stoull(rv_of(*later)), std::stoull(rv_of(*created)));
}

TEST_F(ClientThroughFaults, InjectedErrorsArriveWithTheirStatus) {
  const auto cms = ResourceDescriptor::config_maps();
  ASSERT_TRUE(sim_.set_faults(R"({"errors": [
      {"verb": "get", "resource": "configmaps", "share": 1, "code": 503, "retryAfterSeconds": 1},
      {"verb": "create", "resource": "configmaps", "share": 1, "code": 500}]})"));
  auto unavailable = run(io_, client_->get(cms, "default", "anything"));
  ASSERT_FALSE(unavailable);
  EXPECT_EQ(unavailable.error().code(), 503);
  EXPECT_EQ(unavailable.error().status().reason, "ServiceUnavailable");

  auto failed = run(io_, client_->create(cms, "default", config_map("never")));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code(), 500);
  EXPECT_EQ(failed.error().status().reason, "InternalError");

  ASSERT_TRUE(sim_.clear_faults());
  auto missing = run(io_, client_->get(cms, "default", "never"));
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().is_not_found());
}

TEST_F(ClientThroughFaults, TooManyRequestsIsRetriedAfterRetryAfterThenReported) {
  const auto cms = ResourceDescriptor::config_maps();
  ASSERT_TRUE(sim_.set_faults(R"({"errors": [
      {"verb": "list", "resource": "configmaps", "share": 1, "code": 429, "retryAfterSeconds": 1}]})"));
  const auto start = std::chrono::steady_clock::now();
  auto throttled = run(io_, client_->list(cms, "default"));
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(throttled);
  EXPECT_EQ(throttled.error().code(), 429);
  EXPECT_EQ(throttled.error().status().reason, "TooManyRequests");
  // The client waited Retry-After between its attempts (a lower bound: it cannot be faster).
  EXPECT_GE(waited, std::chrono::seconds(1));
}

TEST_F(ClientThroughFaults, RequestsFailCleanlyWhileConnectionsAreRefusedAndSucceedAfter) {
  const auto cms = ResourceDescriptor::config_maps();
  ASSERT_TRUE(sim_.refuse_connections(std::chrono::milliseconds(2000)));
  auto refused = run(io_, client_->list(cms, "default"));
  ASSERT_FALSE(refused);
  // Succeeds again once kube-sim listens again (the deadline only bounds a broken run).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool listed = false;
  while (!listed && std::chrono::steady_clock::now() < deadline) {
    listed = run(io_, client_->list(cms, "default")).has_value();
    if (!listed) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(listed);
}

}  // namespace
}  // namespace rollguard::kube
