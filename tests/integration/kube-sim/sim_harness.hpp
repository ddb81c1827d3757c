// Test harness: a kube-sim ApiServer + Server running in-process on its own io_context thread
// (plain HTTP on 127.0.0.1:0, with a token), and a tiny synchronous Beast client that talks to it
// over a real socket. Deliberately not rollguard's src/kube client: a bug shared by the client and
// the simulator would hide itself.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api_server.hpp"
#include "server.hpp"

namespace kubesim::testing {

struct Reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
  boost::json::value json() const;
};

class Client {
 public:
  Client(unsigned short port, std::string token) : port_(port), token_(std::move(token)) {}
  Reply request(const std::string& method, const std::string& target, const std::string& body = {},
                const std::string& content_type = "application/json",
                const std::map<std::string, std::string>& headers = {}) const;
  Reply get(const std::string& target) const { return request("GET", target); }
  Reply post(const std::string& target, const boost::json::value& body) const {
    return request("POST", target, boost::json::serialize(body));
  }
  Reply put(const std::string& target, const boost::json::value& body) const {
    return request("PUT", target, boost::json::serialize(body));
  }
  Reply patch(const std::string& target, const std::string& type, const std::string& body) const {
    return request("PATCH", target, body, type);
  }
  Reply del(const std::string& target, const std::string& body = {}) const {
    return request("DELETE", target, body);
  }
  // Reads a watch stream until it ends (the caller passes timeoutSeconds) or `max_events` events
  // arrived; returns the parsed events.
  std::vector<boost::json::value> watch(const std::string& target, std::size_t max_events) const;
  // Like watch(), and tells how the stream ended: clean_end when the server sent the terminating
  // chunk, false when the connection was dropped mid-stream (a cut).
  struct WatchResult {
    std::vector<boost::json::value> events;
    bool clean_end = false;
  };
  WatchResult watch_to_end(const std::string& target, std::size_t max_events) const;

  unsigned short port() const { return port_; }

 private:
  unsigned short port_;
  std::string token_;
};

class InProcessSim {
 public:
  explicit InProcessSim(ApiServerOptions options = {});
  ~InProcessSim();

  Client client() const { return Client(port_, token_); }
  // Moves the server's clock forward (continue-token expiry, ages).
  void advance(std::chrono::seconds by) { offset_ += by.count(); }

 private:
  boost::asio::io_context io_;
  std::unique_ptr<ApiServer> api_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::atomic<long long> offset_{0};
  unsigned short port_ = 0;
  std::string token_ = "test-token";
};

// Objects used across tests.
boost::json::object configmap(const std::string& name, const std::map<std::string, std::string>& labels = {});
boost::json::object widget_crd();  // widgets.example.com, namespaced, status subresource, schema
boost::json::object widget(const std::string& name, long long size);

}  // namespace kubesim::testing
