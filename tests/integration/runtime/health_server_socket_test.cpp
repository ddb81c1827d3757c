// The health server over a real socket on 127.0.0.1 (port 0), queried by a synchronous Beast client
// on another thread while the server runs on its io_context.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <thread>

#include "runtime/health_server.hpp"

namespace rollguard::runtime {
namespace {

namespace http = boost::beast::http;

std::pair<unsigned, std::string> get(unsigned short port, const std::string& target) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "localhost");
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  return {response.result_int(), response.body()};
}

TEST(HealthServerSocket, ServesProbesAndMetricsOverHttp) {
  boost::asio::io_context io;
  auto registry = std::make_shared<prometheus::Registry>();
  HealthServer server(io.get_executor(), registry);
  std::atomic<bool> ready{false};
  server.add_readiness_check("stores", [&] { return ready.load(); });
  auto port = server.listen("127.0.0.1", 0);
  ASSERT_TRUE(port.has_value()) << port.error().describe();
  boost::asio::co_spawn(io, server.run(), boost::asio::detached);
  std::thread thread([&] { io.run(); });

  EXPECT_EQ(get(*port, "/healthz").first, 200u);
  EXPECT_EQ(get(*port, "/readyz").first, 503u);
  ready = true;
  EXPECT_EQ(get(*port, "/readyz").first, 200u);
  EXPECT_EQ(get(*port, "/metrics").first, 200u);
  EXPECT_EQ(get(*port, "/other").first, 404u);

  boost::asio::post(io, [&] { server.stop(); });
  thread.join();  // run() returns once the acceptor is closed and connections are done
}

}  // namespace
}  // namespace rollguard::runtime
