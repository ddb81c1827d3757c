// The connection layer of the HTTP/1.1 + TLS transport: resolve, connect and handshake with a
// deadline on every network operation, a keep-alive pool for requests, a fresh connection per watch.
// Beast's request writes and response reads are instantiated here; watch_stream.cpp holds the
// streaming read and nothing else includes Beast.
#include "kube/transport_pool.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/url/parse.hpp>

#include "kube/tls.hpp"
#include "kube/transport_connection.hpp"

namespace rollguard::kube::detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kMaxBodyBytes = 1024ull * 1024 * 1024;
constexpr auto kDefaultWatchReadTimeout = std::chrono::minutes(11);

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

// A pooled keep-alive connection the server already closed fails on first use; that is safe to
// retry because the server never saw the request.
bool is_stale_connection_error(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated;
}

std::string describe(const Request& request) {
  return std::string(to_string(request.method)) + " " + request.target.substr(0, request.target.find('?'));
}

template <class Fields>
RawResponse raw_response(int status, const Fields& fields, std::string body) {
  RawResponse raw;
  raw.status = status;
  raw.content_type = std::string(fields[http::field::content_type]);
  raw.retry_after = std::string(fields[http::field::retry_after]);
  for (auto it = fields.find(http::field::warning); it != fields.end() && it->name() == http::field::warning;
       ++it) {
    raw.warnings.emplace_back(it->value());
  }
  raw.body = std::move(body);
  return raw;
}

}  // namespace

Error network_error(const boost::system::error_code& ec, const std::string& what) {
  if (ec == beast::error::timeout) return Error(ErrorKind::Timeout, what + ": timed out");
  if (ec == asio::error::operation_aborted) return Error(ErrorKind::Canceled, what + ": canceled");
  if (ec.category() == asio::error::get_ssl_category() ||
      ec.category() == ssl::error::get_stream_category()) {
    return Error(ErrorKind::Tls, what + ": " + ec.message());
  }
  return Error(ErrorKind::Network, what + ": " + ec.message());
}

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

struct ConnectionPool::Impl {
  Impl(asio::any_io_executor executor, Config config, const ClientOptions& options, Endpoint endpoint)
      : executor_(std::move(executor)),
        config_(std::move(config)),
        request_timeout_(options.request_timeout),
        max_idle_connections_(options.max_idle_connections),
        user_agent_(options.user_agent),
        endpoint_(std::move(endpoint)) {}

  asio::awaitable<Result<RawResponse>> exchange(const Request& request, const Credentials& credentials) {
    const auto timeout = request.timeout.value_or(request_timeout_);
    auto beast_request = build(request, credentials.token);
    for (int attempt = 0;; ++attempt) {
      std::unique_ptr<Connection> connection;
      while (!idle_.empty() && !connection) {
        connection = std::move(idle_.back());
        idle_.pop_back();
        if (connection->generation != generation_) connection.reset();
      }
      const bool reused = connection != nullptr;
      if (!reused) {
        auto connected = co_await connect(credentials);
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
      if (response.keep_alive() && static_cast<int>(idle_.size()) < max_idle_connections_) {
        connection->lowest().expires_never();
        idle_.push_back(std::move(connection));
      }
      co_return raw_response(response.result_int(), response, std::move(response.body()));
    }
  }

  asio::awaitable<Result<OpenedWatch>> open_watch(const Request& request, const Credentials& credentials) {
    auto connection = co_await connect(credentials);
    if (!connection) co_return connection.error();
    auto& conn = *connection.value();
    auto beast_request = build(request, credentials.token);
    conn.lowest().expires_after(request_timeout_);
    auto [write_ec, written] =
        co_await conn.visit([&](auto& stream) { return http::async_write(stream, beast_request, kTuple); });
    if (write_ec) co_return network_error(write_ec, describe(request));
    auto parser = std::make_unique<http::response_parser<http::buffer_body>>();
    parser->body_limit(boost::none);
    auto [read_ec, header_bytes] = co_await conn.visit(
        [&](auto& stream) { return http::async_read_header(stream, conn.buffer, *parser, kTuple); });
    if (read_ec) co_return network_error(read_ec, describe(request));
    const int code = parser->get().result_int();
    OpenedWatch opened;
    if (code == 200) {
      const auto read_timeout = request.timeout.value_or(
          std::chrono::duration_cast<std::chrono::milliseconds>(kDefaultWatchReadTimeout));
      opened.stream = make_watch_stream(std::move(connection.value()), std::move(parser), read_timeout);
      co_return opened;
    }
    auto body = co_await read_remaining_body(conn, *parser);
    opened.refused = raw_response(code, parser->get(), std::move(body));
    co_return opened;
  }

  http::request<http::string_body> build(const Request& request, const std::string& token) const {
    http::request<http::string_body> beast_request{to_verb(request.method),
                                                   endpoint_.base_path + request.target, 11};
    beast_request.set(http::field::host, endpoint_.host_header);
    beast_request.set(http::field::user_agent, user_agent_);
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
    asio::steady_timer resolve_deadline(executor_, request_timeout_);
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
    connection->lowest().expires_after(request_timeout_);
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

  asio::awaitable<std::string> read_remaining_body(Connection& conn,
                                                   http::response_parser<http::buffer_body>& parser) {
    std::string body;
    std::array<char, 8192> chunk{};
    while (!parser.is_done() && body.size() < 1024 * 1024) {
      parser.get().body().data = chunk.data();
      parser.get().body().size = chunk.size();
      conn.lowest().expires_after(request_timeout_);
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
  std::chrono::milliseconds request_timeout_;
  int max_idle_connections_;
  std::string user_agent_;
  Endpoint endpoint_;
  std::shared_ptr<ssl::context> tls_context_;
  std::string tls_cert_;
  std::string tls_key_;
  std::uint64_t generation_ = 0;
  std::vector<std::unique_ptr<Connection>> idle_;
};

Result<std::unique_ptr<ConnectionPool>> ConnectionPool::create(asio::any_io_executor executor, Config config,
                                                               const ClientOptions& options,
                                                               Endpoint endpoint) {
  if (endpoint.tls) {
    // Fail at start-up, not at the first request, when the CA or client certificate is unusable.
    auto context = make_tls_context(config, config.client_certificate_pem, config.client_key_pem);
    if (!context) return context.error();
  }
  return std::unique_ptr<ConnectionPool>(new ConnectionPool(
      std::make_unique<Impl>(std::move(executor), std::move(config), options, std::move(endpoint))));
}

ConnectionPool::ConnectionPool(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ConnectionPool::~ConnectionPool() = default;

asio::awaitable<Result<RawResponse>> ConnectionPool::exchange(const Request& request,
                                                              const Credentials& credentials) {
  return impl_->exchange(request, credentials);
}

asio::awaitable<Result<OpenedWatch>> ConnectionPool::open_watch(const Request& request,
                                                                const Credentials& credentials) {
  return impl_->open_watch(request, credentials);
}

}  // namespace rollguard::kube::detail
