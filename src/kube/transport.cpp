// The HTTP/1.1 + TLS transport behind kube::Client: Beast over one io_context, keep-alive pooling,
// a deadline on every network operation, bearer credentials with a refresh on 401, the client-side
// token bucket and Retry-After on 429, and chunked streaming for watches.
// All Beast templates of the client are instantiated here and nowhere else.
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <deque>

#include "kube/auth.hpp"
#include "kube/client.hpp"
#include "kube/rate_limiter.hpp"
#include "kube/tls.hpp"

namespace rollguard::kube {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

constexpr int kMaxThrottleRetries = 5;
constexpr std::size_t kMaxBodyBytes = 1024ull * 1024 * 1024;
constexpr auto kDefaultWatchReadTimeout = std::chrono::minutes(11);

struct Endpoint {
  bool tls = true;
  std::string host;  // without brackets
  std::string port;
  std::string base_path;  // a server URL may carry a path prefix (e.g. behind a proxy)
  std::string host_header;
  bool host_is_ip = false;
};

Result<Endpoint> parse_endpoint(const Config& config) {
  auto parsed = boost::urls::parse_uri(config.server);
  if (!parsed) {
    return Error(ErrorKind::Config, config.source + ": server \"" + config.server + "\" is not a URL");
  }
  Endpoint endpoint;
  const auto scheme = parsed->scheme();
  if (scheme != "https" && scheme != "http") {
    return Error(ErrorKind::Config, config.source + ": server \"" + config.server + "\" must be http(s)");
  }
  endpoint.tls = scheme == "https";
  endpoint.host = parsed->encoded_host_address().decode();
  if (!endpoint.host.empty() && endpoint.host.front() == '[') {
    endpoint.host = endpoint.host.substr(1, endpoint.host.size() - 2);
  }
  boost::system::error_code ec;
  asio::ip::make_address(endpoint.host, ec);
  endpoint.host_is_ip = !ec;
  endpoint.port = parsed->has_port() ? std::string(parsed->port()) : (endpoint.tls ? "443" : "80");
  endpoint.base_path = parsed->encoded_path().decode();
  while (!endpoint.base_path.empty() && endpoint.base_path.back() == '/') endpoint.base_path.pop_back();
  endpoint.host_header = std::string(parsed->encoded_host_and_port());
  if (endpoint.host.empty()) return Error(ErrorKind::Config, config.source + ": server URL has no host");
  return endpoint;
}

// One connection to the API server, plain or TLS.
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  std::shared_ptr<ssl::context> context;  // the stream references it
  std::uint64_t generation = 0;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  template <class F>
  auto visit(F&& f) {
    return tls ? f(*tls) : f(*plain);
  }
  void close() {
    boost::system::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().socket().close(ignored);
  }
};

http::verb to_verb(Method method) {
  switch (method) {
    case Method::Get:
      return http::verb::get;
    case Method::Post:
      return http::verb::post;
    case Method::Put:
      return http::verb::put;
    case Method::Patch:
      return http::verb::patch;
    case Method::Delete:
      return http::verb::delete_;
  }
  return http::verb::get;
}

Error network_error(const boost::system::error_code& ec, const std::string& what) {
  if (ec == beast::error::timeout) return Error(ErrorKind::Timeout, what + ": timed out");
  if (ec == asio::error::operation_aborted) return Error(ErrorKind::Canceled, what + ": canceled");
  if (ec.category() == asio::error::get_ssl_category() ||
      ec.category() == ssl::error::get_stream_category()) {
    return Error(ErrorKind::Tls, what + ": " + ec.message());
  }
  return Error(ErrorKind::Network, what + ": " + ec.message());
}

// A pooled keep-alive connection the server already closed fails on first use; that is safe to
// retry because the server never saw the request.
bool is_stale_connection_error(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view header) {
  if (header.empty()) return std::nullopt;
  long seconds = 0;
  for (char c : header) {
    if (c < '0' || c > '9') return std::nullopt;  // HTTP-date form: not sent by the API server
    seconds = seconds * 10 + (c - '0');
    if (seconds > 3600) return std::chrono::seconds(3600);
  }
  return std::chrono::seconds(seconds);
}

template <class Body>
Error error_from_response(const http::response<Body>& response, const std::string& body) {
  const int code = response.result_int();
  boost::system::error_code ec;
  auto parsed = boost::json::parse(body, ec);
  Status status = Status::from_json(ec ? boost::json::value() : parsed, code);
  if (ec || status.message.empty()) {
    // Not a Status: keep a bounded piece of what the server said, for the log.
    status.message += (status.message.empty() ? "" : ": ") + body.substr(0, 256);
  }
  if (auto retry = parse_retry_after(response[http::field::retry_after])) status.retry_after = retry;
  return Error::from_status(std::move(status));
}

class HttpClient;

class HttpWatchStream final : public WatchStream {
 public:
  HttpWatchStream(std::unique_ptr<Connection> connection,
                  std::unique_ptr<http::response_parser<http::buffer_body>> parser,
                  std::chrono::milliseconds read_timeout)
      : connection_(std::move(connection)), parser_(std::move(parser)), read_timeout_(read_timeout) {}
  ~HttpWatchStream() override { connection_->close(); }

  asio::awaitable<Result<std::optional<WatchEvent>>> next() override {
    while (lines_.empty()) {
      if (done_) co_return std::optional<WatchEvent>{};
      if (canceled_) co_return Error(ErrorKind::Canceled, "watch canceled");
      // Asio hands the caller's cancellation slot to the read below; a caller already canceled must
      // get its error here, because co_await in a canceled coroutine throws. Nothing was read yet,
      // so the stream stays usable.
      if (const auto state = co_await asio::this_coro::cancellation_state;
          state.cancelled() != asio::cancellation_type::none) {
        co_return Error(ErrorKind::Canceled, "watch read canceled");
      }
      auto& body = parser_->get().body();
      body.data = chunk_.data();
      body.size = chunk_.size();
      connection_->lowest().expires_after(read_timeout_);
      // read_some, not read: async_read keeps reading until the 64 KiB buffer is full, which would
      // hold a quiet watch's events back until the server closes the stream.
      auto [ec, ignored] = co_await connection_->visit(
          [&](auto& stream) { return http::async_read_some(stream, connection_->buffer, *parser_, kTuple); });
      if (ec == http::error::need_buffer) ec = {};
      if (canceled_) co_return Error(ErrorKind::Canceled, "watch canceled");
      // Through TLS a canceled read can surface as another error than operation_aborted: the
      // coroutine's own cancellation state says whether the caller asked for it.
      const auto after_read = co_await asio::this_coro::cancellation_state;
      if (ec &&
          (ec == asio::error::operation_aborted || after_read.cancelled() != asio::cancellation_type::none)) {
        // The caller canceled this read (per-operation cancellation). It may have stopped inside a
        // chunk or a TLS record, so the stream cannot be read on: close it, and every later next()
        // reports the cancellation too.
        canceled_ = true;
        connection_->close();
        co_return Error(ErrorKind::Canceled, "watch read canceled");
      }
      if (ec) {
        done_ = true;
        // The server closing the stream at timeoutSeconds can surface as EOF on the connection.
        if (ec == http::error::end_of_stream || ec == asio::error::eof) co_return std::optional<WatchEvent>{};
        co_return network_error(ec, "watch");
      }
      const std::size_t received = chunk_.size() - body.size;
      std::vector<std::string> complete;
      if (auto fed = framer_.feed(std::string_view(chunk_.data(), received), complete); !fed) {
        done_ = true;
        co_return fed.error();
      }
      for (auto& line : complete) lines_.push_back(std::move(line));
      if (parser_->is_done()) done_ = true;
    }
    auto event = parse_watch_event(lines_.front());
    lines_.pop_front();
    if (!event) co_return event.error();
    co_return std::optional<WatchEvent>(std::move(*event));
  }

  void cancel() override {
    canceled_ = true;
    boost::system::error_code ignored;
    connection_->lowest().socket().cancel(ignored);
  }

 private:
  std::unique_ptr<Connection> connection_;
  std::unique_ptr<http::response_parser<http::buffer_body>> parser_;
  std::chrono::milliseconds read_timeout_;
  std::array<char, 64 * 1024> chunk_{};
  LineFramer framer_;
  std::deque<std::string> lines_;
  bool done_ = false;
  bool canceled_ = false;
};

class HttpClient final : public Client, public std::enable_shared_from_this<HttpClient> {
 public:
  HttpClient(asio::any_io_executor executor, Config config, ClientOptions options, Endpoint endpoint)
      : executor_(std::move(executor)),
        config_(std::move(config)),
        options_(std::move(options)),
        endpoint_(std::move(endpoint)),
        credentials_(make_credential_source(executor_, config_)),
        bucket_(options_.qps, options_.burst) {}

  // What a 401 or 429 answer means for the next attempt of one request: a 401 refreshes the
  // credentials once (expired exec-plugin token, rotated token file), as client-go does; a 429 holds
  // every request until Retry-After, up to kMaxThrottleRetries times.
  struct Retry {
    HttpClient& client;
    bool refreshed_credentials = false;
    int throttled = 0;
    bool again(int code, std::string_view retry_after_header) {
      if (code == 401 && !refreshed_credentials) {
        client.credentials_->invalidate();
        refreshed_credentials = true;
        return true;
      }
      if (code == 429 && throttled < kMaxThrottleRetries) {
        ++throttled;
        const auto delay = parse_retry_after(retry_after_header).value_or(std::chrono::seconds(1));
        client.bucket_.hold_until(std::chrono::steady_clock::now() + delay);
        return true;
      }
      return false;
    }
  };

  asio::awaitable<Result<Response>> send(Request request) override {
    auto self = shared_from_this();
    if (request.watch) co_return Error(ErrorKind::Invalid, "watch requests go through open_watch()");
    Retry retry{*this};
    for (;;) {
      co_await throttle();
      auto exchanged = co_await exchange(request);
      if (!exchanged) co_return exchanged.error();
      auto& response = exchanged.value();
      const int code = response.result_int();
      if (retry.again(code, response[http::field::retry_after])) continue;
      if (code < 200 || code >= 300) co_return error_from_response(response, response.body());
      Response result;
      result.status = code;
      result.content_type = std::string(response[http::field::content_type]);
      for (auto it = response.find(http::field::warning);
           it != response.end() && it->name() == http::field::warning; ++it) {
        result.warnings.emplace_back(it->value());
      }
      result.body = std::move(response.body());
      co_return result;
    }
  }

  asio::awaitable<Result<std::unique_ptr<WatchStream>>> open_watch(Request request) override {
    auto self = shared_from_this();
    if (!request.watch) co_return Error(ErrorKind::Invalid, "open_watch() needs a watch request");
    Retry retry{*this};
    for (;;) {
      co_await throttle();
      auto credentials = co_await credentials_->get();
      if (!credentials) co_return credentials.error();
      // A watch holds its connection for minutes: always a fresh one, never from the pool.
      auto connection = co_await connect(*credentials);
      if (!connection) co_return connection.error();
      auto& conn = *connection.value();
      auto beast_request = build(request, credentials->token);
      conn.lowest().expires_after(options_.request_timeout);
      auto [write_ec, written] =
          co_await conn.visit([&](auto& stream) { return http::async_write(stream, beast_request, kTuple); });
      if (write_ec) co_return network_error(write_ec, describe(request));
      auto parser = std::make_unique<http::response_parser<http::buffer_body>>();
      parser->body_limit(boost::none);
      auto [read_ec, header_bytes] = co_await conn.visit(
          [&](auto& stream) { return http::async_read_header(stream, conn.buffer, *parser, kTuple); });
      if (read_ec) co_return network_error(read_ec, describe(request));
      const int code = parser->get().result_int();
      if (code == 200) {
        const auto read_timeout = request.timeout.value_or(
            std::chrono::duration_cast<std::chrono::milliseconds>(kDefaultWatchReadTimeout));
        co_return std::unique_ptr<WatchStream>(std::make_unique<HttpWatchStream>(
            std::move(connection.value()), std::move(parser), read_timeout));
      }
      auto body = co_await read_remaining_body(conn, *parser);
      if (retry.again(code, parser->get()[http::field::retry_after])) continue;
      co_return error_from_response(parser->get(), body);
    }
  }

 private:
  static std::string describe(const Request& request) {
    return std::string(to_string(request.method)) + " " + request.target.substr(0, request.target.find('?'));
  }

  asio::awaitable<void> throttle() {
    const auto wait = bucket_.reserve(std::chrono::steady_clock::now());
    if (wait > std::chrono::steady_clock::duration::zero()) {
      asio::steady_timer timer(executor_, wait);
      co_await timer.async_wait(kTuple);
    }
  }

  http::request<http::string_body> build(const Request& request, const std::string& token) const {
    http::request<http::string_body> beast_request{to_verb(request.method),
                                                   endpoint_.base_path + request.target, 11};
    beast_request.set(http::field::host, endpoint_.host_header);
    beast_request.set(http::field::user_agent, options_.user_agent);
    beast_request.set(http::field::accept, request.accept);
    if (!token.empty()) beast_request.set(http::field::authorization, "Bearer " + token);
    if (!request.content_type.empty()) beast_request.set(http::field::content_type, request.content_type);
    beast_request.body() = request.body;
    beast_request.keep_alive(true);
    beast_request.prepare_payload();
    return beast_request;
  }

  // The TLS context follows the credentials: an exec plugin may hand out a new client certificate.
  Result<std::shared_ptr<ssl::context>> tls_context(const Credentials& credentials) {
    const auto& cert = credentials.client_certificate_pem.empty() ? config_.client_certificate_pem
                                                                  : credentials.client_certificate_pem;
    const auto& key =
        credentials.client_key_pem.empty() ? config_.client_key_pem : credentials.client_key_pem;
    if (!tls_context_ || cert != tls_cert_ || key != tls_key_) {
      auto context = make_tls_context(config_, cert, key);
      if (!context) return context.error();
      tls_context_ = std::move(context.value());
      tls_cert_ = cert;
      tls_key_ = key;
      ++generation_;
      idle_.clear();
    }
    return tls_context_;
  }

  asio::awaitable<Result<std::unique_ptr<Connection>>> connect(const Credentials& credentials) {
    const std::string what = "connect to " + config_.server;
    auto connection = std::make_unique<Connection>();
    tcp::resolver resolver(executor_);
    asio::steady_timer resolve_deadline(executor_, options_.request_timeout);
    resolve_deadline.async_wait([&resolver](boost::system::error_code ec) {
      if (!ec) resolver.cancel();
    });
    auto [resolve_ec, endpoints] = co_await resolver.async_resolve(endpoint_.host, endpoint_.port, kTuple);
    resolve_deadline.cancel();
    if (resolve_ec) co_return network_error(resolve_ec, what);

    if (endpoint_.tls) {
      auto context = tls_context(credentials);
      if (!context) co_return context.error();
      connection->context = context.value();
      connection->generation = generation_;
      connection->tls =
          std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor_, *connection->context);
    } else {
      connection->plain = std::make_unique<beast::tcp_stream>(executor_);
    }
    connection->lowest().expires_after(options_.request_timeout);
    auto [connect_ec, connected] = co_await connection->lowest().async_connect(endpoints, kTuple);
    if (connect_ec) co_return network_error(connect_ec, what);

    if (endpoint_.tls) {
      auto& stream = *connection->tls;
      const std::string& verify_name =
          config_.tls_server_name.empty() ? endpoint_.host : config_.tls_server_name;
      // SNI must be a DNS name (RFC 6066), never an IP literal.
      if (!config_.tls_server_name.empty() || !endpoint_.host_is_ip) {
        SSL_set_tlsext_host_name(stream.native_handle(), verify_name.c_str());
      }
      if (!config_.insecure_skip_tls_verify)
        stream.set_verify_callback(ssl::host_name_verification(verify_name));
      auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
      if (handshake_ec) {
        std::string detail = handshake_ec.message();
        const long verify = SSL_get_verify_result(stream.native_handle());
        if (verify != X509_V_OK) detail += " (" + std::string(X509_verify_cert_error_string(verify)) + ")";
        co_return Error(ErrorKind::Tls, "TLS handshake with " + config_.server + ": " + detail);
      }
    }
    co_return connection;
  }

  asio::awaitable<Result<http::response<http::string_body>>> exchange(const Request& request) {
    auto credentials = co_await credentials_->get();
    if (!credentials) co_return credentials.error();
    const auto timeout = request.timeout.value_or(options_.request_timeout);
    auto beast_request = build(request, credentials->token);
    for (int attempt = 0;; ++attempt) {
      std::unique_ptr<Connection> connection;
      while (!idle_.empty() && !connection) {
        connection = std::move(idle_.back());
        idle_.pop_back();
        if (connection->generation != generation_) connection.reset();
      }
      const bool reused = connection != nullptr;
      if (!reused) {
        auto connected = co_await connect(*credentials);
        if (!connected) co_return connected.error();
        connection = std::move(connected.value());
      }
      connection->lowest().expires_after(timeout);
      auto [write_ec, written] = co_await connection->visit(
          [&](auto& stream) { return http::async_write(stream, beast_request, kTuple); });
      boost::system::error_code ec = write_ec;
      http::response_parser<http::string_body> parser;
      parser.body_limit(kMaxBodyBytes);
      if (!ec) {
        auto [read_ec, read] = co_await connection->visit(
            [&](auto& stream) { return http::async_read(stream, connection->buffer, parser, kTuple); });
        ec = read_ec;
      }
      if (ec) {
        connection->close();
        if (reused && attempt == 0 && is_stale_connection_error(ec)) continue;
        co_return network_error(ec, describe(request));
      }
      auto response = parser.release();
      if (response.keep_alive() && static_cast<int>(idle_.size()) < options_.max_idle_connections) {
        connection->lowest().expires_never();
        idle_.push_back(std::move(connection));
      }
      co_return response;
    }
  }

  asio::awaitable<std::string> read_remaining_body(Connection& conn,
                                                   http::response_parser<http::buffer_body>& parser) {
    std::string body;
    std::array<char, 8192> chunk{};
    while (!parser.is_done() && body.size() < 1024 * 1024) {
      parser.get().body().data = chunk.data();
      parser.get().body().size = chunk.size();
      conn.lowest().expires_after(options_.request_timeout);
      auto [ec, ignored] = co_await conn.visit(
          [&](auto& stream) { return http::async_read(stream, conn.buffer, parser, kTuple); });
      if (ec == http::error::need_buffer) ec = {};
      body.append(chunk.data(), chunk.size() - parser.get().body().size);
      if (ec) break;
    }
    co_return body;
  }

  asio::any_io_executor executor_;
  Config config_;
  ClientOptions options_;
  Endpoint endpoint_;
  std::shared_ptr<CredentialSource> credentials_;
  TokenBucket bucket_;
  std::shared_ptr<ssl::context> tls_context_;
  std::string tls_cert_;
  std::string tls_key_;
  std::uint64_t generation_ = 0;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace

Result<std::shared_ptr<Client>> Client::create(asio::any_io_executor executor, Config config,
                                               ClientOptions options) {
  auto endpoint = parse_endpoint(config);
  if (!endpoint) return endpoint.error();
  if (endpoint->tls) {
    // Fail at start-up, not at the first request, when the CA or client certificate is unusable.
    auto context = make_tls_context(config, config.client_certificate_pem, config.client_key_pem);
    if (!context) return context.error();
  }
  return std::shared_ptr<Client>(std::make_shared<HttpClient>(std::move(executor), std::move(config),
                                                              std::move(options), std::move(*endpoint)));
}

}  // namespace rollguard::kube
