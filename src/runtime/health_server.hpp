#pragma once
// The health and metrics endpoint kubelet and Prometheus scrape (controller-runtime's
// HealthProbeBindAddress and metrics server in one small Beast server on the shared io_context):
//   GET /healthz  200 while every liveness check passes (the process is not wedged)
//   GET /readyz   200 once every readiness check passes (e.g. all stores synced), 503 otherwise
//   GET /metrics  the prometheus::Registry in text format 0.0.4, then what each metrics text source appends
// Probe bodies list the failing checks ("[-]store/deployments failed"), like the API server does.
#include <prometheus/registry.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kube/result.hpp"

namespace rollguard::runtime {

struct HttpAnswer {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class HealthServer {
 public:
  HealthServer(boost::asio::any_io_executor executor, std::shared_ptr<prometheus::Registry> registry);
  ~HealthServer();

  void add_liveness_check(std::string name, std::function<bool()> check);
  void add_readiness_check(std::string name, std::function<bool()> check);
  // Metrics kept outside the registry (many series held compactly) append their own text to /metrics.
  void add_metrics_text(std::function<void(std::string&)> append);

  // The answer for one request; pure, so routing is tested without a socket.
  HttpAnswer handle(std::string_view method, std::string_view target) const;

  // Binds (port 0 = any free port) and returns the bound port.
  kube::Result<unsigned short> listen(const std::string& address, unsigned short port);
  // Accepts connections until stop(); each connection is served by its own coroutine.
  boost::asio::awaitable<void> run();
  void stop();

 private:
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);
  HttpAnswer probe(const std::vector<std::pair<std::string, std::function<bool()>>>& checks) const;

  boost::asio::any_io_executor executor_;
  std::shared_ptr<prometheus::Registry> registry_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<std::pair<std::string, std::function<bool()>>> liveness_;
  std::vector<std::pair<std::string, std::function<bool()>>> readiness_;
  std::vector<std::function<void(std::string&)>> metrics_text_;
  std::chrono::seconds idle_timeout_{30};
};

}  // namespace rollguard::runtime
