#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "runtime/health_server.hpp"
#include "runtime/metrics.hpp"

namespace rollguard::runtime {
namespace {

using namespace std::chrono_literals;

TEST(HealthServerRouting, ReadyzFollowsEveryReadinessCheck) {
  boost::asio::io_context io;
  HealthServer server(io.get_executor(), std::make_shared<prometheus::Registry>());
  bool synced = false;
  server.add_readiness_check("store/deployments", [&] { return synced; });
  server.add_readiness_check("store/policies", [] { return true; });
  auto not_ready = server.handle("GET", "/readyz");
  EXPECT_EQ(not_ready.status, 503u);
  EXPECT_NE(not_ready.body.find("[-]store/deployments failed"), std::string::npos);
  EXPECT_NE(not_ready.body.find("[+]store/policies ok"), std::string::npos);
  synced = true;
  EXPECT_EQ(server.handle("GET", "/readyz?verbose").status, 200u);
}

TEST(HealthServerRouting, HealthzMetricsAndUnknownPaths) {
  boost::asio::io_context io;
  auto registry = std::make_shared<prometheus::Registry>();
  HealthServer server(io.get_executor(), registry);
  EXPECT_EQ(server.handle("GET", "/healthz").status, 200u);  // no checks: alive
  server.add_liveness_check("worker-loop", [] { return false; });
  EXPECT_EQ(server.handle("GET", "/healthz").status, 503u);
  EXPECT_EQ(server.handle("GET", "/nope").status, 404u);
  EXPECT_EQ(server.handle("POST", "/metrics").status, 405u);
  auto metrics = server.handle("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200u);
  EXPECT_NE(metrics.content_type.find("version=0.0.4"), std::string::npos);
}

TEST(PrometheusQueueMetrics, HooksUpdateControllerRuntimeNamedSeries) {
  prometheus::Registry registry;
  auto hooks = prometheus_queue_metrics(registry, "rollbackpolicy");
  hooks.add();
  hooks.add();
  hooks.depth(7);
  hooks.retry();
  hooks.queue_latency(250ms);
  hooks.work_duration(2s);
  auto text = serialize_metrics(registry);
  EXPECT_NE(text.find("workqueue_adds_total{name=\"rollbackpolicy\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("workqueue_depth{name=\"rollbackpolicy\"} 7"), std::string::npos);
  EXPECT_NE(text.find("workqueue_retries_total{name=\"rollbackpolicy\"} 1"), std::string::npos);
  EXPECT_NE(text.find("workqueue_queue_duration_seconds_count{name=\"rollbackpolicy\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("workqueue_work_duration_seconds_sum{name=\"rollbackpolicy\"} 2"), std::string::npos);
}

}  // namespace
}  // namespace rollguard::runtime
