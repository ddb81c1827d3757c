#pragma once
// One Beast connection to the API server, plain or TLS (internal to src/kube). Only the two
// Beast translation units include this: transport_pool.cpp and watch_stream.cpp.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "kube/client.hpp"
#include "kube/error.hpp"

namespace rollguard::kube::detail {

inline constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

struct Connection {
  std::unique_ptr<boost::beast::tcp_stream> plain;
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls;
  std::shared_ptr<boost::asio::ssl::context> context;  // the stream references it
  std::uint64_t generation = 0;
  boost::beast::flat_buffer buffer;

  boost::beast::tcp_stream& lowest() { return tls ? boost::beast::get_lowest_layer(*tls) : *plain; }
  template <class F>
  auto visit(F&& f) {
    return tls ? f(*tls) : f(*plain);
  }
  void close() {
    boost::system::error_code ignored;
    lowest().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    lowest().socket().close(ignored);
  }
};

Error network_error(const boost::system::error_code& ec, const std::string& what);

// The stream over a connection whose 200 response header has been read.
std::unique_ptr<WatchStream> make_watch_stream(
    std::unique_ptr<Connection> connection,
    std::unique_ptr<boost::beast::http::response_parser<boost::beast::http::buffer_body>> parser,
    std::chrono::milliseconds read_timeout);

}  // namespace rollguard::kube::detail
