#pragma once
// A small HTTP/1.1 server on 127.0.0.1:<port 0> for the evaluator tests: real sockets, a handler
// per request, optional delays (a health endpoint that hangs), keep-alive, and counters the tests
// assert on (connections, requests, the most requests handled at once).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rollguard::measure::testing {

struct TestRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

struct TestReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::chrono::milliseconds delay{0};  // answered after this long (on a timer, not blocking)
  bool close_after = false;            // answer as keep-alive, then close (a server's idle timeout)
};

// Serve HTTPS with this certificate chain and key (PEM) instead of plain HTTP.
struct TestTls {
  std::string cert_pem;
  std::string key_pem;
};

class TestHttpServer {
 public:
  using Handler = std::function<TestReply(const TestRequest&)>;
  // address: any of 127/8 (so several "pods" can share one port); port 0 = a free one.
  TestHttpServer(boost::asio::io_context& io, Handler handler, const std::string& address = "127.0.0.1",
                 unsigned short port = 0, const TestTls* tls = nullptr);
  ~TestHttpServer();

  unsigned short port() const;
  std::string url(const std::string& path = "") const;  // http(s)://<address>:<port><path>
  std::vector<TestRequest> requests() const;
  std::size_t connections() const;
  std::size_t max_concurrent() const;
  void set_handler(Handler handler);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Runs the io_context until `work` finishes and returns its value (the servers keep serving).
template <class T>
T run(boost::asio::io_context& io, boost::asio::awaitable<T> work);

}  // namespace rollguard::measure::testing

#include "test_http_server_run.hpp"
