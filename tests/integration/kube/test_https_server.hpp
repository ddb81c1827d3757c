#pragma once
// A small HTTP(S) server on 127.0.0.1 run by a test in its own thread: the peer that the client's
// TLS, auth, keep-alive, error and streaming code talks to over a real socket.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test_pki.hpp"

namespace rollguard::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string client_common_name;              // CN of the verified client certificate, if any
  int connection_id = 0;
};

struct Reply {
  int status = 200;
  std::string body = "{}";
  std::string content_type = "application/json";
  std::map<std::string, std::string> headers;
  // When set, the body is sent as chunked transfer encoding: each piece is written (and flushed)
  // separately after `chunk_delay`; `body` is ignored.
  std::vector<std::string> chunks;
  std::chrono::milliseconds chunk_delay{0};
  std::chrono::milliseconds delay{0};  // before the answer starts
};

struct ServerOptions {
  bool tls = true;
  KeyPair server_certificate;
  std::string client_ca_pem;  // when set, a verified client certificate is required
};

class TestHttpsServer {
 public:
  using Handler = std::function<Reply(const ReceivedRequest&)>;
  TestHttpsServer(ServerOptions options, Handler handler);
  ~TestHttpsServer();
  TestHttpsServer(const TestHttpsServer&) = delete;
  TestHttpsServer& operator=(const TestHttpsServer&) = delete;

  unsigned short port() const { return port_; }
  std::string url(const std::string& host = "127.0.0.1") const;
  std::vector<ReceivedRequest> requests() const;
  int connections_accepted() const { return connections_.load(); }

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  unsigned short port_ = 0;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace rollguard::testing
