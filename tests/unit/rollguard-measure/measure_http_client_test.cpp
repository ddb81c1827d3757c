#include <gtest/gtest.h>

#include "rollguard/measure/http_client.hpp"
#include "test_http_server.hpp"

namespace rollguard::measure::testing {
namespace {

class HttpClientTest : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  HttpClient client{io.get_executor(), HttpClientOptions{.max_body_bytes = 1024}};

  HttpResult send(HttpRequest request) { return run(io, client.send(std::move(request))); }
};

TEST_F(HttpClientTest, GetAndPostWithHeadersAndBody) {
  TestHttpServer server(io, [](const TestRequest& r) { return TestReply{201, r.method + " " + r.target}; });
  auto get = send({.url = server.url("/a?b=c"), .headers = {{"X-Test", "1"}}});
  ASSERT_TRUE(get) << get.error().message;
  EXPECT_EQ(get->status, 201);
  EXPECT_EQ(get->body, "GET /a?b=c");
  EXPECT_EQ(get->content_type, "application/json");
  auto post = send({.method = "POST", .url = server.url("/hook"), .body = "{\"x\":1}"});
  ASSERT_TRUE(post);
  EXPECT_EQ(post->body, "POST /hook");
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].headers.at("x-test"), "1");
  EXPECT_EQ(seen[1].body, "{\"x\":1}");
}

TEST_F(HttpClientTest, KeepAliveConnectionIsReused) {
  TestHttpServer server(io, [](const TestRequest&) { return TestReply{}; });
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(send({.url = server.url("/")}));
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(client.connections_opened(), 1u);
  EXPECT_EQ(client.idle_connections(), 1u);
}

TEST_F(HttpClientTest, ServerClosingAnIdleConnectionIsRetriedOnAFreshOne) {
  TestHttpServer server(io, [](const TestRequest&) { return TestReply{.status = 204, .close_after = true}; });
  for (int i = 0; i < 3; ++i) {
    auto answer = send({.url = server.url("/")});
    ASSERT_TRUE(answer) << answer.error().message;
    EXPECT_EQ(answer->status, 204);
  }
  EXPECT_EQ(server.connections(), 3u);
}

TEST_F(HttpClientTest, DeadlineCoversASlowAnswer) {
  TestHttpServer server(io, [](const TestRequest&) { return TestReply{.delay = std::chrono::seconds(5)}; });
  const auto start = std::chrono::steady_clock::now();
  auto answer = send({.url = server.url("/"), .timeout = std::chrono::milliseconds(300)});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, HttpErrorKind::Timeout);
  EXPECT_EQ(answer.error().message, "timed out after 300ms");
  EXPECT_LT(took, std::chrono::seconds(2));
}

TEST_F(HttpClientTest, RefusedInvalidAndTooLarge) {
  unsigned short free_port = 0;
  {
    TestHttpServer probe(io, nullptr);
    free_port = probe.port();
  }
  auto refused = send({.url = "http://127.0.0.1:" + std::to_string(free_port) + "/"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, HttpErrorKind::Refused);
  auto invalid = send({.url = "ftp://example.com/"});
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().kind, HttpErrorKind::InvalidRequest);
  TestHttpServer big(io, [](const TestRequest&) { return TestReply{200, std::string(4096, 'x')}; });
  auto large = send({.url = big.url("/")});
  ASSERT_FALSE(large);
  EXPECT_EQ(large.error().kind, HttpErrorKind::TooLarge);
}

TEST_F(HttpClientTest, HttpsToAPlainServerIsATlsErrorAndNamesNoUrl) {
  TestHttpServer server(io, [](const TestRequest&) { return TestReply{}; });
  auto url = server.url("/secret-token-in-path");
  url.replace(0, 4, "https");
  auto answer = send({.url = url, .timeout = std::chrono::seconds(2)});
  ASSERT_FALSE(answer);
  EXPECT_TRUE(answer.error().kind == HttpErrorKind::Tls || answer.error().kind == HttpErrorKind::Network)
      << to_string(answer.error().kind) << ": " << answer.error().message;
  EXPECT_EQ(answer.error().message.find("secret-token"), std::string::npos);
}

}  // namespace
}  // namespace rollguard::measure::testing
