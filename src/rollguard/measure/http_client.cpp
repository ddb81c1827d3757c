// The evaluators' HTTP(S) client. All Beast templates of the evaluators are instantiated here and
// nowhere else (the TLS verification follows src/kube/transport.cpp: peer verification, SNI for DNS
// names only, the host name or IP checked by OpenSSL, the verify result in the error).
#include "rollguard/measure/http_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <list>
#include <map>
#include <stdexcept>

#include "rollguard/query_template.hpp"

namespace rollguard::measure {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Target {
  bool tls = false;
  std::string host;  // without IPv6 brackets
  std::string port;
  std::string host_header;
  std::string path_and_query;
  bool host_is_ip = false;
};

boost::system::result<Target, HttpError> parse_target(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return HttpError{HttpErrorKind::InvalidRequest, "not a URL"};
  Target target;
  const auto scheme = parsed->scheme();
  if (scheme != "http" && scheme != "https") {
    return HttpError{HttpErrorKind::InvalidRequest, "scheme must be http or https"};
  }
  target.tls = scheme == "https";
  target.host = parsed->encoded_host_address().decode();
  if (!target.host.empty() && target.host.front() == '[')
    target.host = target.host.substr(1, target.host.size() - 2);
  if (target.host.empty()) return HttpError{HttpErrorKind::InvalidRequest, "URL has no host"};
  boost::system::error_code ec;
  asio::ip::make_address(target.host, ec);
  target.host_is_ip = !ec;
  target.port = parsed->has_port() ? std::string(parsed->port()) : (target.tls ? "443" : "80");
  target.host_header = std::string(parsed->encoded_host_and_port());
  target.path_and_query = std::string(parsed->encoded_path());
  if (target.path_and_query.empty()) target.path_and_query = "/";
  if (parsed->has_query()) target.path_and_query += "?" + std::string(parsed->encoded_query());
  return target;
}

struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  std::shared_ptr<ssl::context> context;  // the stream references it
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

bool is_stale_connection_error(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated;
}

}  // namespace

const char* to_string(HttpErrorKind kind) {
  switch (kind) {
    case HttpErrorKind::InvalidRequest:
      return "invalid request";
    case HttpErrorKind::Dns:
      return "DNS";
    case HttpErrorKind::Refused:
      return "connection refused";
    case HttpErrorKind::Timeout:
      return "timeout";
    case HttpErrorKind::Tls:
      return "TLS";
    case HttpErrorKind::Network:
      return "network";
    case HttpErrorKind::TooLarge:
      return "body too large";
    case HttpErrorKind::Canceled:
      return "canceled";
  }
  return "unknown";
}

void throw_exception_from_error(const HttpError& error, const boost::source_location&) {
  throw std::runtime_error(std::string("HttpResult::value() on an error: ") + error.message);
}

struct HttpClient::Impl {
  asio::any_io_executor executor;
  HttpClientOptions options;
  // Idle keep-alive connections, oldest first, each under "scheme://host:port#ca".
  std::list<std::pair<std::string, std::unique_ptr<Connection>>> idle;
  std::map<std::string, std::shared_ptr<ssl::context>> tls_contexts;  // by CA PEM ("" = system)
  std::size_t opened = 0;

  // An error as the caller sees it: a passed deadline is a timeout whatever the socket reported,
  // and the caller's own cancellation is Canceled.
  asio::awaitable<HttpError> classify(const boost::system::error_code& ec, steady::time_point deadline,
                                      std::chrono::milliseconds timeout) {
    const auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none)
      co_return HttpError{HttpErrorKind::Canceled, "canceled"};
    if (ec == beast::error::timeout || steady::now() >= deadline) {
      co_return HttpError{HttpErrorKind::Timeout, "timed out after " + promql_duration(timeout)};
    }
    if (ec == asio::error::connection_refused)
      co_return HttpError{HttpErrorKind::Refused, "connection refused"};
    if (ec == asio::error::host_not_found || ec == asio::error::host_not_found_try_again ||
        ec == asio::error::no_data || ec == asio::error::no_recovery) {
      co_return HttpError{HttpErrorKind::Dns, "host name not resolved: " + ec.message()};
    }
    if (ec == http::error::body_limit) {
      co_return HttpError{HttpErrorKind::TooLarge,
                          "response body larger than " + std::to_string(options.max_body_bytes) + " bytes"};
    }
    if (ec.category() == asio::error::get_ssl_category() ||
        ec.category() == ssl::error::get_stream_category()) {
      co_return HttpError{HttpErrorKind::Tls, "TLS: " + ec.message()};
    }
    co_return HttpError{HttpErrorKind::Network, ec.message()};
  }

  boost::system::result<std::shared_ptr<ssl::context>, HttpError> tls_context(const std::string& ca_pem) {
    if (auto it = tls_contexts.find(ca_pem); it != tls_contexts.end()) return it->second;
    auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
    boost::system::error_code ec;
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                             ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                         ec);
    if (!ec) context->set_verify_mode(ssl::verify_peer, ec);
    if (!ec) {
      if (ca_pem.empty()) {
        context->set_default_verify_paths(ec);
      } else {
        context->add_certificate_authority(asio::buffer(ca_pem), ec);
      }
    }
    if (ec) return HttpError{HttpErrorKind::InvalidRequest, "unusable CA certificates: " + ec.message()};
    // A handful of CA bundles at most (one per Prometheus); bounded all the same.
    if (tls_contexts.size() >= 16) tls_contexts.clear();
    tls_contexts.emplace(ca_pem, context);
    return context;
  }

  std::unique_ptr<Connection> take_idle(const std::string& key) {
    for (auto it = idle.rbegin(); it != idle.rend(); ++it) {
      if (it->first == key) {
        auto connection = std::move(it->second);
        idle.erase(std::next(it).base());
        return connection;
      }
    }
    return nullptr;
  }

  void put_idle(const std::string& key, std::unique_ptr<Connection> connection) {
    std::size_t same = 0;
    for (const auto& entry : idle) same += entry.first == key ? 1 : 0;
    if (same >= options.max_idle_per_host || options.max_idle_total == 0) return connection->close();
    while (idle.size() >= options.max_idle_total) {
      idle.front().second->close();
      idle.pop_front();
    }
    connection->lowest().expires_never();
    idle.emplace_back(key, std::move(connection));
  }

  asio::awaitable<boost::system::result<std::unique_ptr<Connection>, HttpError>> connect(
      const Target& target, const HttpRequest& request, steady::time_point deadline) {
    tcp::resolver::results_type endpoints;
    if (target.host_is_ip) {
      // Pod IPs and loopback: no resolver round trip (and nothing that could outlive the deadline).
      endpoints = tcp::resolver::results_type::create(
          tcp::endpoint(asio::ip::make_address(target.host),
                        static_cast<unsigned short>(std::stoi(target.port))),
          target.host, target.port);
    } else {
      // getaddrinfo runs on Asio's resolver thread, never on ours; the timer abandons a slow lookup
      // that has not started yet (a running getaddrinfo has its own resolv.conf timeouts).
      tcp::resolver resolver(executor);
      asio::steady_timer resolve_deadline(executor, deadline);
      resolve_deadline.async_wait([&resolver](boost::system::error_code ec) {
        if (!ec) resolver.cancel();
      });
      auto [resolve_ec, resolved] = co_await resolver.async_resolve(target.host, target.port, kTuple);
      resolve_deadline.cancel();
      if (resolve_ec) co_return co_await classify(resolve_ec, deadline, request.timeout);
      endpoints = std::move(resolved);
    }
    auto connection = std::make_unique<Connection>();
    if (target.tls) {
      auto context = tls_context(request.ca_pem);
      if (!context) co_return context.error();
      connection->context = context.value();
      connection->tls =
          std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor, *connection->context);
    } else {
      connection->plain = std::make_unique<beast::tcp_stream>(executor);
    }
    connection->lowest().expires_at(deadline);
    auto [connect_ec, connected] = co_await connection->lowest().async_connect(endpoints, kTuple);
    if (connect_ec) co_return co_await classify(connect_ec, deadline, request.timeout);
    ++opened;
    if (target.tls) {
      auto& stream = *connection->tls;
      // SNI must be a DNS name (RFC 6066), never an IP literal. The name check is OpenSSL's own
      // (not a verify callback), so a mismatch is reported as "hostname mismatch" / "IP address
      // mismatch" instead of an unspecified verification error.
      auto* param = SSL_get0_param(stream.native_handle());
      if (target.host_is_ip) {
        X509_VERIFY_PARAM_set1_ip_asc(param, target.host.c_str());
      } else {
        SSL_set_tlsext_host_name(stream.native_handle(), target.host.c_str());
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        X509_VERIFY_PARAM_set1_host(param, target.host.c_str(), 0);
      }
      auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
      if (handshake_ec) {
        auto error = co_await classify(handshake_ec, deadline, request.timeout);
        if (error.kind == HttpErrorKind::Timeout || error.kind == HttpErrorKind::Canceled) co_return error;
        std::string detail = handshake_ec.message();
        const long verify = SSL_get_verify_result(stream.native_handle());
        if (verify != X509_V_OK) detail += " (" + std::string(X509_verify_cert_error_string(verify)) + ")";
        co_return HttpError{HttpErrorKind::Tls, "TLS handshake: " + detail};
      }
    }
    co_return connection;
  }

  asio::awaitable<HttpResult> send(const HttpRequest& request) {
    const auto deadline = steady::now() + request.timeout;
    auto target = parse_target(request.url);
    if (!target) co_return target.error();
    const auto verb = http::string_to_verb(request.method);
    if (verb != http::verb::get && verb != http::verb::post && verb != http::verb::put &&
        verb != http::verb::head) {
      co_return HttpError{HttpErrorKind::InvalidRequest, "unsupported method " + request.method};
    }
    http::request<http::string_body> beast_request{verb, target->path_and_query, 11};
    beast_request.set(http::field::host, target->host_header);
    beast_request.set(http::field::user_agent, options.user_agent);
    for (const auto& [name, value] : request.headers) beast_request.set(name, value);
    beast_request.body() = request.body;
    beast_request.keep_alive(true);
    beast_request.prepare_payload();

    const std::string key = (target->tls ? "https://" : "http://") + target->host_header + "#" +
                            std::to_string(std::hash<std::string>{}(request.ca_pem));
    for (int attempt = 0;; ++attempt) {
      auto connection = take_idle(key);
      const bool reused = connection != nullptr;
      if (!reused) {
        auto connected = co_await connect(*target, request, deadline);
        if (!connected) co_return connected.error();
        connection = std::move(connected.value());
      }
      connection->lowest().expires_at(deadline);
      auto [write_ec, written] = co_await connection->visit(
          [&](auto& stream) { return http::async_write(stream, beast_request, kTuple); });
      boost::system::error_code ec = write_ec;
      http::response_parser<http::string_body> parser;
      parser.body_limit(options.max_body_bytes);
      if (verb == http::verb::head) parser.skip(true);
      if (!ec) {
        auto [read_ec, read] = co_await connection->visit(
            [&](auto& stream) { return http::async_read(stream, connection->buffer, parser, kTuple); });
        ec = read_ec;
      }
      if (ec) {
        connection->close();
        if (reused && attempt == 0 && is_stale_connection_error(ec)) continue;
        co_return co_await classify(ec, deadline, request.timeout);
      }
      auto response = parser.release();
      HttpResponse result;
      result.status = response.result_int();
      result.content_type = std::string(response[http::field::content_type]);
      result.body = std::move(response.body());
      if (response.keep_alive()) {
        put_idle(key, std::move(connection));
      } else {
        connection->close();
      }
      co_return result;
    }
  }
};

HttpClient::HttpClient(asio::any_io_executor executor, HttpClientOptions options)
    : impl_(std::make_shared<Impl>()) {
  impl_->executor = std::move(executor);
  impl_->options = std::move(options);
}

HttpClient::~HttpClient() {
  for (auto& entry : impl_->idle) entry.second->close();
}

asio::awaitable<HttpResult> HttpClient::send(HttpRequest request) {
  auto impl = impl_;  // the client may be destroyed while this request finishes
  co_return co_await impl->send(request);
}

std::size_t HttpClient::idle_connections() const { return impl_->idle.size(); }
std::size_t HttpClient::connections_opened() const { return impl_->opened; }

}  // namespace rollguard::measure
