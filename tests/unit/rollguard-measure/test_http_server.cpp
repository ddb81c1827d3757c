#include "test_http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>

namespace rollguard::measure::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct TestHttpServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, const std::string& address, unsigned short port)
      : io(io), acceptor(io, tcp::endpoint(asio::ip::make_address(address), port)) {}
  asio::io_context& io;
  tcp::acceptor acceptor;
  Handler handler;
  std::vector<TestRequest> requests;
  std::size_t connections = 0;
  std::size_t concurrent = 0;
  std::size_t max_concurrent = 0;
  std::vector<std::weak_ptr<tcp::socket*>> sockets;  // open connections, closed with the server
  std::shared_ptr<asio::ssl::context> tls;

  // The owner is a parameter, copied into the frame when the coroutine is created: a lazily
  // started coroutine that called shared_from_this() itself could run after the last owner left.
  asio::awaitable<void> accept(std::shared_ptr<Impl> self) {
    while (acceptor.is_open()) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
      if (ec) break;
      ++connections;
      asio::co_spawn(io, serve(std::move(socket), self), asio::detached);
    }
  }

  asio::awaitable<void> serve(tcp::socket socket, [[maybe_unused]] std::shared_ptr<Impl> self) {
    if (!tls) {
      beast::tcp_stream stream(std::move(socket));
      const auto handle = std::make_shared<tcp::socket*>(&stream.socket());  // expires with this frame
      sockets.push_back(handle);
      co_await exchange(stream);
      boost::system::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls);
    const auto handle = std::make_shared<tcp::socket*>(&beast::get_lowest_layer(stream).socket());
    sockets.push_back(handle);
    auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
    if (!handshake_ec) co_await exchange(stream);
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream).socket().close(ignored);
  }

  template <class Stream>
  asio::awaitable<void> exchange(Stream& stream) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      auto [read_ec, read] = co_await http::async_read(stream, buffer, request, kTuple);
      if (read_ec) break;
      TestRequest seen{
          std::string(request.method_string()), std::string(request.target()), {}, request.body()};
      for (const auto& field : request) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        seen.headers[name] = std::string(field.value());
      }
      requests.push_back(seen);
      max_concurrent = std::max(max_concurrent, ++concurrent);
      TestReply reply = handler ? handler(seen) : TestReply{};
      if (reply.delay.count() > 0) {
        asio::steady_timer timer(io, reply.delay);
        co_await timer.async_wait(kTuple);
      }
      --concurrent;
      http::response<http::string_body> response{static_cast<http::status>(reply.status), request.version()};
      response.set(http::field::content_type, reply.content_type);
      response.body() = reply.body;
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      auto [write_ec, written] = co_await http::async_write(stream, response, kTuple);
      if (write_ec || !response.keep_alive() || reply.close_after) break;
    }
  }
};

TestHttpServer::TestHttpServer(asio::io_context& io, Handler handler, const std::string& address,
                               unsigned short port, const TestTls* tls)
    : impl_(std::make_shared<Impl>(io, address, port)) {
  impl_->handler = std::move(handler);
  if (tls) {
    impl_->tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    impl_->tls->use_certificate_chain(asio::buffer(tls->cert_pem));
    impl_->tls->use_private_key(asio::buffer(tls->key_pem), asio::ssl::context::pem);
  }
  asio::co_spawn(io, impl_->accept(impl_), asio::detached);
}

TestHttpServer::~TestHttpServer() {
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
  for (auto& weak : impl_->sockets)
    if (auto socket = weak.lock()) (*socket)->close(ignored);
}

unsigned short TestHttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }
std::string TestHttpServer::url(const std::string& path) const {
  return (impl_->tls ? "https://" : "http://") + impl_->acceptor.local_endpoint().address().to_string() +
         ":" + std::to_string(port()) + path;
}
std::vector<TestRequest> TestHttpServer::requests() const { return impl_->requests; }
std::size_t TestHttpServer::connections() const { return impl_->connections; }
std::size_t TestHttpServer::max_concurrent() const { return impl_->max_concurrent; }
void TestHttpServer::set_handler(Handler handler) { impl_->handler = std::move(handler); }

}  // namespace rollguard::measure::testing
