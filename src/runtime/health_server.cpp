#include "runtime/health_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "runtime/metrics.hpp"

namespace rollguard::runtime {

namespace http = boost::beast::http;

HealthServer::HealthServer(boost::asio::any_io_executor executor,
                           std::shared_ptr<prometheus::Registry> registry)
    : executor_(executor), registry_(std::move(registry)), acceptor_(executor) {}

HealthServer::~HealthServer() = default;

void HealthServer::add_liveness_check(std::string name, std::function<bool()> check) {
  liveness_.emplace_back(std::move(name), std::move(check));
}

void HealthServer::add_readiness_check(std::string name, std::function<bool()> check) {
  readiness_.emplace_back(std::move(name), std::move(check));
}

void HealthServer::add_metrics_text(std::function<void(std::string&)> append) {
  metrics_text_.push_back(std::move(append));
}

HttpAnswer HealthServer::probe(
    const std::vector<std::pair<std::string, std::function<bool()>>>& checks) const {
  HttpAnswer answer;
  bool ok = true;
  for (auto& [name, check] : checks) {
    const bool passed = check && check();
    ok = ok && passed;
    answer.body += (passed ? "[+]" : "[-]") + name + (passed ? " ok\n" : " failed\n");
  }
  answer.status = ok ? 200 : 503;
  answer.body += ok ? "ok\n" : "check failed\n";
  return answer;
}

HttpAnswer HealthServer::handle(std::string_view method, std::string_view target) const {
  const auto path = target.substr(0, target.find('?'));
  if (method != "GET" && method != "HEAD") return {405, "text/plain; charset=utf-8", "method not allowed\n"};
  if (path == "/healthz" || path == "/livez") return probe(liveness_);
  if (path == "/readyz") return probe(readiness_);
  if (path == "/metrics") {
    HttpAnswer answer{200, "text/plain; version=0.0.4; charset=utf-8", ""};
    if (registry_) answer.body = serialize_metrics(*registry_);
    for (auto& append : metrics_text_) append(answer.body);
    return answer;
  }
  return {404, "text/plain; charset=utf-8", "not found\n"};
}

kube::Result<unsigned short> HealthServer::listen(const std::string& address, unsigned short port) {
  boost::system::error_code ec;
  auto ip = boost::asio::ip::make_address(address, ec);
  if (ec) return kube::Error(kube::ErrorKind::Invalid, "bad listen address " + address + ": " + ec.message());
  boost::asio::ip::tcp::endpoint endpoint(ip, port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor_.close();
    return kube::Error(kube::ErrorKind::Network,
                       "listen on " + address + ":" + std::to_string(port) + ": " + ec.message());
  }
  return acceptor_.local_endpoint().port();
}

boost::asio::awaitable<void> HealthServer::run() {
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) break;
    if (ec) continue;  // e.g. EMFILE: keep serving the connections we have
    boost::asio::co_spawn(executor_, serve(std::move(socket)), boost::asio::detached);
  }
}

void HealthServer::stop() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

boost::asio::awaitable<void> HealthServer::serve(boost::asio::ip::tcp::socket socket) {
  boost::beast::tcp_stream stream(std::move(socket));
  boost::beast::flat_buffer buffer(8192);
  for (;;) {
    // Probes are tiny: a small header limit and no body keep a misbehaving client cheap.
    http::request_parser<http::string_body> parser;
    parser.header_limit(8 * 1024);
    parser.body_limit(1024);
    stream.expires_after(idle_timeout_);
    auto [read_ec, bytes] =
        co_await http::async_read(stream, buffer, parser, boost::asio::as_tuple(boost::asio::use_awaitable));
    if (read_ec) break;
    const auto& request = parser.get();
    HttpAnswer answer = handle(std::string_view(request.method_string()), std::string_view(request.target()));
    http::response<http::string_body> response{static_cast<http::status>(answer.status), request.version()};
    response.set(http::field::content_type, answer.content_type);
    response.keep_alive(request.keep_alive());
    if (request.method() != http::verb::head) response.body() = std::move(answer.body);
    response.prepare_payload();
    stream.expires_after(idle_timeout_);
    auto [write_ec, written] =
        co_await http::async_write(stream, response, boost::asio::as_tuple(boost::asio::use_awaitable));
    if (write_ec || !response.keep_alive()) break;
  }
  boost::system::error_code ec;
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
}

}  // namespace rollguard::runtime
