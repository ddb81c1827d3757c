#pragma once
// The connection layer under the HTTP client (internal to src/kube): the server endpoint, a pool of
// keep-alive connections for requests, and a fresh connection per watch. Beast stays behind this
// header (transport_pool.cpp, watch_stream.cpp), so the client logic above it compiles without it.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <vector>

#include "kube/auth.hpp"
#include "kube/client.hpp"
#include "kube/config.hpp"
#include "kube/request.hpp"
#include "kube/result.hpp"

namespace rollguard::kube::detail {

struct Endpoint {
  bool tls = true;
  std::string host;  // without brackets
  std::string port;
  std::string base_path;  // a server URL may carry a path prefix (e.g. behind a proxy)
  std::string host_header;
  bool host_is_ip = false;
};

Result<Endpoint> parse_endpoint(const Config& config);

// One complete HTTP answer, with the headers the client acts on.
struct RawResponse {
  int status = 0;
  std::string body;
  std::string content_type;
  std::string retry_after;
  std::vector<std::string> warnings;  // every Warning header
};

// A watch request's outcome: the open stream on 200, or else the server's answer (status + body).
struct OpenedWatch {
  std::unique_ptr<WatchStream> stream;
  RawResponse refused;
};

class ConnectionPool {
 public:
  // Fails at start-up, not at the first request, when the CA or client certificate is unusable.
  static Result<std::unique_ptr<ConnectionPool>> create(boost::asio::any_io_executor executor, Config config,
                                                        const ClientOptions& options, Endpoint endpoint);
  ~ConnectionPool();

  // One request on a pooled keep-alive connection (or a new one). A pooled connection the server
  // already closed fails on first use; that attempt is repeated once on a fresh connection, which is
  // safe because the server never saw the request.
  boost::asio::awaitable<Result<RawResponse>> exchange(const Request& request,
                                                       const Credentials& credentials);
  // A watch holds its connection for minutes: always a fresh one, never from the pool.
  boost::asio::awaitable<Result<OpenedWatch>> open_watch(const Request& request,
                                                         const Credentials& credentials);

 private:
  struct Impl;
  explicit ConnectionPool(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rollguard::kube::detail
