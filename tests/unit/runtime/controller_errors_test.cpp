// Reconcile errors are kept (with the kube::Error they came from), logged once with the object's key
// and counted in the controller_runtime_* metrics.
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <sstream>

#include "runtime/controller.hpp"
#include "runtime/metrics.hpp"

namespace rollguard::runtime {
namespace {

using namespace std::chrono_literals;

kube::Error api_error(int code, const std::string& reason,
                      std::optional<std::chrono::seconds> retry_after = {}) {
  kube::Status status;
  status.code = code;
  status.status = "Failure";
  status.reason = reason;
  status.message = "the server said " + reason;
  status.retry_after = retry_after;
  return kube::Error::from_status(status);
}

TEST(ReconcileError, FromAKubeErrorKeepsItAndDerivesTheRetryPolicy) {
  auto unavailable =
      ReconcileError::from(api_error(503, "ServiceUnavailable", 2s), "reading deployment prod/web");
  EXPECT_FALSE(unavailable.terminal);
  ASSERT_TRUE(unavailable.cause.has_value());
  EXPECT_EQ(unavailable.cause->code(), 503);
  EXPECT_EQ(unavailable.requeue_after, std::optional<Clock::duration>(2s));
  EXPECT_EQ(unavailable.message.rfind("reading deployment prod/web: ", 0), 0u) << unavailable.message;

  auto conflict = ReconcileError::from(api_error(409, "Conflict"));
  EXPECT_TRUE(conflict.terminal);
  EXPECT_TRUE(conflict.cause->is_conflict());
  EXPECT_FALSE(conflict.requeue_after.has_value());
  EXPECT_EQ(conflict.message, conflict.cause->describe());

  auto network = ReconcileError::from(kube::Error(kube::ErrorKind::Network, "connection refused"));
  EXPECT_FALSE(network.terminal);
  EXPECT_FALSE(ReconcileError::transient("x").cause.has_value());
}

class ControllerErrorsTest : public ::testing::Test {
 protected:
  ControllerErrorsTest() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
    sink->set_pattern("%l %v");
    ControllerOptions options{"policies", 1};
    options.logger = std::make_shared<spdlog::logger>("test", sink);
    options.metrics = prometheus_reconcile_metrics(registry, "policies");
    controller = std::make_unique<Controller>(
        clock, options,
        [this](Request request) -> boost::asio::awaitable<ReconcileResult> {
          clock->advance(250ms);  // the reconcile "takes" 250 ms
          co_return answer(request);
        },
        prometheus_queue_metrics(registry, "policies"));
    boost::asio::co_spawn(io, controller->run(), boost::asio::detached);
    poll();
  }
  ~ControllerErrorsTest() override {
    controller->shut_down();
    poll();
  }
  void poll() {
    io.restart();
    io.poll();
  }
  std::string metrics() const { return serialize_metrics(registry); }
  bool has(const std::string& line) const { return metrics().find(line) != std::string::npos; }

  boost::asio::io_context io;
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  prometheus::Registry registry;
  std::ostringstream log;
  std::function<ReconcileResult(const Request&)> answer = [](const Request&) {
    return Action::await_change();
  };
  std::unique_ptr<Controller> controller;
};

TEST_F(ControllerErrorsTest, AnErrorIsLoggedOnceWithTheKeyReasonAndCodeAndCounted) {
  answer = [](const Request&) -> ReconcileResult {
    return ReconcileError::from(api_error(409, "Conflict"), "patching deployment prod/web");
  };
  controller->enqueue({"prod", "guard-web"});
  poll();
  EXPECT_EQ(controller->errors(), 1u);
  const std::string text = log.str();
  EXPECT_NE(text.find("error controller policies: reconcile prod/guard-web failed (terminal"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("patching deployment prod/web: Conflict (409)"), std::string::npos) << text;
  EXPECT_NE(text.find("[reason=Conflict code=409]"), std::string::npos) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_TRUE(has("controller_runtime_reconcile_errors_total{controller=\"policies\"} 1")) << metrics();
  EXPECT_TRUE(has("controller_runtime_reconcile_total{controller=\"policies\",result=\"error\"} 1"))
      << metrics();
  EXPECT_TRUE(has("controller_runtime_reconcile_total{controller=\"policies\",result=\"success\"} 0"));
  EXPECT_TRUE(has("controller_runtime_reconcile_time_seconds_count{controller=\"policies\"} 1"));
  EXPECT_TRUE(has("controller_runtime_reconcile_time_seconds_sum{controller=\"policies\"} 0.25"));
  EXPECT_EQ(controller->queue().delayed(), 0u);  // terminal: no retry until the next change
}

TEST_F(ControllerErrorsTest, ResultsAreCountedByKind) {
  answer = [](const Request& request) -> ReconcileResult {
    if (request.name == "a") return Action::await_change();
    if (request.name == "b") return Action::requeue(1min);
    return Action::requeue_rate_limited();
  };
  for (auto name : {"a", "b", "c"}) controller->enqueue({"prod", name});
  poll();
  EXPECT_TRUE(has("controller_runtime_reconcile_total{controller=\"policies\",result=\"success\"} 1"))
      << metrics();
  EXPECT_TRUE(has("controller_runtime_reconcile_total{controller=\"policies\",result=\"requeue_after\"} 1"));
  EXPECT_TRUE(has("controller_runtime_reconcile_total{controller=\"policies\",result=\"requeue\"} 1"));
  EXPECT_TRUE(has("controller_runtime_reconcile_errors_total{controller=\"policies\"} 0"));
  EXPECT_TRUE(has("workqueue_adds_total{name=\"policies\"} 3"));
  EXPECT_TRUE(has("workqueue_retries_total{name=\"policies\"} 1"));  // the rate-limited requeue
  EXPECT_EQ(controller->queue().delayed(), 2u);
  EXPECT_TRUE(log.str().empty()) << log.str();
}

TEST_F(ControllerErrorsTest, ATransientErrorWithRetryAfterRunsAgainAfterExactlyThat) {
  int calls = 0;
  answer = [&calls](const Request&) -> ReconcileResult {
    if (++calls == 1) return ReconcileError::from(api_error(429, "TooManyRequests", 7s));
    return Action::await_change();
  };
  controller->enqueue({"prod", "guard-web"});
  poll();
  EXPECT_EQ(calls, 1);
  EXPECT_NE(log.str().find("retry after requeue_after"), std::string::npos) << log.str();
  clock->advance(7s - 1ms);  // counted from the reconcile's end
  poll();
  EXPECT_EQ(calls, 1);
  clock->advance(1ms);
  poll();
  EXPECT_EQ(calls, 2);
}

TEST_F(ControllerErrorsTest, ANetworkErrorIsLoggedWithoutAStatusAndRetriedWithBackoff) {
  answer = [](const Request&) -> ReconcileResult {
    return ReconcileError::from(kube::Error(kube::ErrorKind::Network, "connection refused"));
  };
  controller->enqueue({"prod", "guard-web"});
  poll();
  EXPECT_NE(log.str().find("(transient, retry with backoff): Network"), std::string::npos) << log.str();
  EXPECT_EQ(log.str().find("reason="), std::string::npos);
  EXPECT_EQ(controller->queue().num_requeues("prod/guard-web"), 1);
}

}  // namespace
}  // namespace rollguard::runtime
