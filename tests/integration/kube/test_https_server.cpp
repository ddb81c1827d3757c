#include "test_https_server.hpp"

#include <openssl/x509.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace rollguard::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
}

struct TestHttpsServer::Impl {
  asio::io_context io;
  ssl::context tls{ssl::context::tls_server};
  tcp::acceptor acceptor{io};
  ServerOptions options;
  Handler handler;
  mutable std::mutex mutex;
  std::vector<ReceivedRequest> received;
  TestHttpsServer* owner = nullptr;

  template <class Stream>
  asio::awaitable<void> serve(Stream& stream, int connection_id, std::string client_cn) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      auto [read_ec, read] = co_await http::async_read(stream, buffer, request, kTuple);
      if (read_ec) co_return;
      ReceivedRequest seen;
      seen.method = std::string(request.method_string());
      seen.target = std::string(request.target());
      seen.body = request.body();
      for (const auto& field : request) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        seen.headers[name] = std::string(field.value());
      }
      seen.client_common_name = client_cn;
      seen.connection_id = connection_id;
      {
        std::lock_guard lock(mutex);
        received.push_back(seen);
      }
      Reply reply = handler(seen);
      if (reply.delay.count() > 0) {
        asio::steady_timer timer(io, reply.delay);
        co_await timer.async_wait(kTuple);
      }
      if (reply.chunks.empty()) {
        http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
        response.set(http::field::content_type, reply.content_type);
        for (const auto& [name, value] : reply.headers) response.set(name, value);
        response.body() = reply.body;
        response.keep_alive(request.keep_alive());
        response.prepare_payload();
        auto [write_ec, written] = co_await http::async_write(stream, response, kTuple);
        if (write_ec || !request.keep_alive()) co_return;
        continue;
      }
      http::response<http::empty_body> header{static_cast<http::status>(reply.status), 11};
      header.set(http::field::content_type, reply.content_type);
      for (const auto& [name, value] : reply.headers) header.set(name, value);
      header.chunked(true);
      http::response_serializer<http::empty_body> serializer{header};
      auto [header_ec, header_bytes] = co_await http::async_write_header(stream, serializer, kTuple);
      if (header_ec) co_return;
      for (const auto& piece : reply.chunks) {
        if (reply.chunk_delay.count() > 0) {
          asio::steady_timer timer(io, reply.chunk_delay);
          co_await timer.async_wait(kTuple);
        }
        auto [chunk_ec, n] =
            co_await asio::async_write(stream, http::make_chunk(asio::buffer(piece)), kTuple);
        if (chunk_ec) co_return;
      }
      co_await asio::async_write(stream, http::make_chunk_last(), kTuple);
      co_return;  // streaming answers end the connection, as a watch does
    }
  }

  asio::awaitable<void> session(tcp::socket socket, int connection_id) {
    if (!options.tls) {
      beast::tcp_stream stream(std::move(socket));
      co_await serve(stream, connection_id, "");
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), tls);
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
    if (ec) co_return;
    std::string client_cn;
    if (X509* peer = SSL_get1_peer_certificate(stream.native_handle())) {
      char cn[256] = {};
      X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, cn, sizeof(cn));
      client_cn = cn;
      X509_free(peer);
    }
    co_await serve(stream, connection_id, client_cn);
    co_await stream.async_shutdown(kTuple);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
      if (ec) co_return;
      const int id = ++owner->connections_;
      asio::co_spawn(io, session(std::move(socket), id), asio::detached);
    }
  }
};

TestHttpsServer::TestHttpsServer(ServerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  impl_->owner = this;
  if (impl_->options.tls) {
    impl_->tls.use_certificate_chain(asio::buffer(impl_->options.server_certificate.certificate_pem));
    impl_->tls.use_private_key(asio::buffer(impl_->options.server_certificate.key_pem), ssl::context::pem);
    if (!impl_->options.client_ca_pem.empty()) {
      impl_->tls.add_certificate_authority(asio::buffer(impl_->options.client_ca_pem));
      impl_->tls.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    }
  }
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  thread_ = std::thread([this] { impl_->io.run(); });
}

TestHttpsServer::~TestHttpsServer() {
  impl_->io.stop();
  thread_.join();
}

std::string TestHttpsServer::url(const std::string& host) const {
  return std::string(impl_->options.tls ? "https://" : "http://") + host + ":" + std::to_string(port_);
}

std::vector<ReceivedRequest> TestHttpsServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received;
}

}  // namespace rollguard::testing
