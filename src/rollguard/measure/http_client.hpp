#pragma once
// The HTTP(S) client of the SLO evaluators: coroutines on one executor, a deadline over the whole
// exchange (resolve, connect, TLS handshake, write, read), TLS verification always on (system trust
// store or a given CA, SNI, hostname check), bodies capped, keep-alive connections reused per host
// in a bounded pool. Errors are values with a kind, never exceptions.
//
// Error messages never contain the URL (a webhook URL may come from a Secret and carry a token):
// callers say what they were talking to. Not thread-safe: use it from one thread (or strand).
// Beast lives in http_client.cpp only; this header pulls in no Beast.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rollguard::measure {

enum class HttpErrorKind {
  InvalidRequest,  // unparsable URL, unsupported scheme or method, unusable CA PEM
  Dns,             // the host name did not resolve
  Refused,         // nothing listens there (ECONNREFUSED)
  Timeout,         // the request deadline passed
  Tls,             // handshake or certificate verification failed
  Network,         // reset, unreachable, closed mid-answer, malformed HTTP
  TooLarge,        // the body exceeded max_body_bytes
  Canceled,        // the caller's cancellation
};
const char* to_string(HttpErrorKind kind);

struct HttpError {
  HttpErrorKind kind = HttpErrorKind::Network;
  std::string message;  // e.g. "connection refused", "certificate verify failed (hostname mismatch)"
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, HEAD
  std::string url;             // http(s)://host[:port]/path?query (query already encoded)
  HttpHeaders headers;
  std::string body;
  std::chrono::milliseconds timeout{5000};  // the whole exchange
  std::string ca_pem;                       // HTTPS: trust these CAs only; empty = system trust store
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
};

using HttpResult = boost::system::result<HttpResponse, HttpError>;
// Reached only through result::value() on an error (a programmer error): throws std::runtime_error.
[[noreturn]] void throw_exception_from_error(const HttpError& error, const boost::source_location& loc);

struct HttpClientOptions {
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_idle_per_host = 4;  // keep-alive connections kept per scheme://host:port
  std::size_t max_idle_total = 64;    // across hosts (pods come and go: old ones are evicted first)
  std::string user_agent = "rollguard";
};

class HttpClient {
 public:
  explicit HttpClient(boost::asio::any_io_executor executor, HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One exchange. A reused keep-alive connection the server has closed is retried once on a fresh
  // one (the server never saw the request). Cancellation through the coroutine's cancellation slot.
  boost::asio::awaitable<HttpResult> send(HttpRequest request);

  // Idle pooled connections (tests check reuse with it).
  std::size_t idle_connections() const;
  // TCP connections opened so far.
  std::size_t connections_opened() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace rollguard::measure
