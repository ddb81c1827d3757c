// kube::Client against a real HTTPS server started by the test: TLS verification, client
// certificates, bearer tokens, exec credential plugins, Status errors, keep-alive, watch streaming.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <optional>

#include "kube/client.hpp"
#include "test_https_server.hpp"

namespace rollguard::kube {
namespace {
namespace asio = boost::asio;
using testing::ReceivedRequest;
using testing::Reply;
using testing::ServerOptions;
using testing::TestHttpsServer;
using testing::TestPki;

template <class T>
T run(asio::awaitable<T> task) {
  asio::io_context io;
  std::optional<T> result;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr error, T value) {
    if (error) std::rethrow_exception(error);
    result.emplace(std::move(value));
  });
  io.run();
  return std::move(*result);
}

// Runs fn(client) in a fresh io_context with a client for config.
template <class Fn>
auto with_client(Config config, Fn fn, ClientOptions options = {}) {
  asio::io_context io;
  auto client = Client::create(io.get_executor(), std::move(config), options);
  using T = typename decltype(fn(std::shared_ptr<Client>()))::value_type;
  std::optional<T> result;
  if (!client) {
    ADD_FAILURE() << "client: " << client.error().describe();
    return result;
  }
  asio::co_spawn(io, fn(*client), [&](std::exception_ptr error, T value) {
    if (error) std::rethrow_exception(error);
    result.emplace(std::move(value));
  });
  io.run();
  return result;
}

auto get_namespace(const std::string& name) {
  return [name](std::shared_ptr<Client> client) -> asio::awaitable<Result<boost::json::value>> {
    co_return co_await client->get(ResourceDescriptor::namespaces(), "", name);
  };
}

Reply ok_namespace(const ReceivedRequest&) {
  return Reply{.body = R"({"kind":"Namespace","metadata":{"name":"prod"}})"};
}

class ClientTls : public ::testing::Test {
 protected:
  TestPki pki_;
  Config config_for(const TestHttpsServer& server) const {
    Config config;
    config.server = server.url();
    config.ca_pem = pki_.ca_pem();
    config.source = "test";
    return config;
  }
};

TEST_F(ClientTls, VerifiedServerAndBearerToken) {
  TestHttpsServer server({.server_certificate = pki_.issue_server({"localhost"}, {"127.0.0.1"})},
                         ok_namespace);
  auto config = config_for(server);
  config.token = "s3cret-token";
  auto result = with_client(config, get_namespace("prod"));
  ASSERT_TRUE(result && result->has_value()) << (result ? result->error().describe() : "");
  EXPECT_EQ(result->value().at("metadata").at("name"), "prod");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/api/v1/namespaces/prod");
  EXPECT_EQ(requests[0].headers["authorization"], "Bearer s3cret-token");
  EXPECT_EQ(requests[0].headers["accept"], "application/json");
  EXPECT_NE(requests[0].headers["user-agent"].find("rollguard"), std::string::npos);
}

TEST_F(ClientTls, WrongCaIsRefused) {
  TestHttpsServer server({.server_certificate = pki_.issue_server({"localhost"}, {"127.0.0.1"})},
                         ok_namespace);
  auto config = config_for(server);
  config.ca_pem = TestPki("another-ca").ca_pem();
  auto result = with_client(config, get_namespace("prod"));
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->has_value());
  EXPECT_EQ(result->error().kind(), ErrorKind::Tls);
  EXPECT_NE(result->error().message().find("certificate"), std::string::npos) << result->error().message();
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(ClientTls, HostnameMismatchIsRefused) {
  TestHttpsServer server({.server_certificate = pki_.issue_server({"other.example"}, {})}, ok_namespace);
  auto result = with_client(config_for(server), get_namespace("prod"));
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->has_value());
  EXPECT_EQ(result->error().kind(), ErrorKind::Tls);
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(ClientTls, TlsServerNameOverridesTheVerifiedName) {
  TestHttpsServer server({.server_certificate = pki_.issue_server({"kubernetes.default.svc"}, {})},
                         ok_namespace);
  auto config = config_for(server);
  config.tls_server_name = "kubernetes.default.svc";
  auto result = with_client(config, get_namespace("prod"));
  ASSERT_TRUE(result && result->has_value()) << (result ? result->error().describe() : "");
}

TEST_F(ClientTls, InsecureSkipVerifyOnlyWhenAsked) {
  TestHttpsServer server({.server_certificate = pki_.issue_server({"other.example"}, {})}, ok_namespace);
  auto config = config_for(server);
  config.ca_pem.clear();
  config.insecure_skip_tls_verify = true;
  auto result = with_client(config, get_namespace("prod"));
  ASSERT_TRUE(result && result->has_value()) << (result ? result->error().describe() : "");
}

TEST_F(ClientTls, ClientCertificateAuthentication) {
  TestHttpsServer server(
      {.server_certificate = pki_.issue_server({"localhost"}, {"127.0.0.1"}), .client_ca_pem = pki_.ca_pem()},
      ok_namespace);
  auto config = config_for(server);
  auto client_cert = pki_.issue_client("system:rollguard");
  config.client_certificate_pem = client_cert.certificate_pem;
  config.client_key_pem = client_cert.key_pem;
  auto result = with_client(config, get_namespace("prod"));
  ASSERT_TRUE(result && result->has_value()) << (result ? result->error().describe() : "");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].client_common_name, "system:rollguard");

  // Without the certificate the server refuses the handshake.
  auto without = with_client(config_for(server), get_namespace("prod"));
  ASSERT_TRUE(without);
  EXPECT_FALSE(without->has_value());
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(ClientTls, UnusableClientKeyFailsAtCreate) {
  asio::io_context io;
  Config config;
  config.server = "https://127.0.0.1:1";
  config.source = "kubeconfig /x";
  config.client_certificate_pem = pki_.issue_client("a").certificate_pem;
  config.client_key_pem = "not a key";
  auto client = Client::create(io.get_executor(), config);
  ASSERT_FALSE(client.has_value());
  EXPECT_EQ(client.error().kind(), ErrorKind::Config);
  EXPECT_NE(client.error().message().find("kubeconfig /x"), std::string::npos);
}

TEST_F(ClientTls, KeepAliveReusesOneConnection) {
  TestHttpsServer server({.server_certificate = pki_.issue_server({"localhost"}, {"127.0.0.1"})},
                         ok_namespace);
  auto result =
      with_client(config_for(server), [](std::shared_ptr<Client> client) -> asio::awaitable<Result<int>> {
        for (int i = 0; i < 5; ++i) {
          auto got = co_await client->get(ResourceDescriptor::namespaces(), "", "prod");
          if (!got) co_return got.error();
        }
        co_return 5;
      });
  ASSERT_TRUE(result && result->has_value()) << (result ? result->error().describe() : "");
  EXPECT_EQ(server.requests().size(), 5u);
  EXPECT_EQ(server.connections_accepted(), 1);
}

TEST_F(ClientTls, StatusErrorsAreDecoded) {
  TestHttpsServer server(
      {.server_certificate = pki_.issue_server({"localhost"}, {"127.0.0.1"})}, [](const ReceivedRequest&) {
        return Reply{.status = 404, .body = R"({"kind":"Status","apiVersion":"v1","status":"Failure",
                                          "message":"namespaces \"prod\" not found","reason":"NotFound","code":404})"};
      });
  auto result = with_client(config_for(server), get_namespace("prod"));
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->has_value());
  EXPECT_TRUE(result->error().is_not_found());
  EXPECT_EQ(result->error().message(), "namespaces \"prod\" not found");
}

TEST_F(ClientTls, TooManyRequestsHonoursRetryAfterThenSucceeds) {
  std::atomic<int> calls{0};
  TestHttpsServer server({.server_certificate = pki_.issue_server({"localhost"}, {"127.0.0.1"})},
                         [&](const ReceivedRequest& request) {
                           if (calls++ == 0) {
                             return Reply{
                                 .status = 429,
                                 .body = R"({"kind":"Status","reason":"TooManyRequests","code":429})",
                                 .headers = {{"Retry-After", "1"}}};
                           }
                           return ok_namespace(request);
                         });
  const auto start = std::chrono::steady_clock::now();
  auto result = with_client(config_for(server), get_namespace("prod"));
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(result && result->has_value()) << (result ? result->error().describe() : "");
  EXPECT_EQ(calls.load(), 2);
  // Not a timing goal: a retry before the server's Retry-After would be a protocol violation.
  EXPECT_GE(waited, std::chrono::milliseconds(990));
}

TEST_F(ClientTls, PersistentTooManyRequestsEndsWithTheError) {
  TestHttpsServer server({.server_certificate = pki_.issue_server({"localhost"}, {"127.0.0.1"})},
                         [](const ReceivedRequest&) {
                           return Reply{.status = 429,
                                        .body = R"({"kind":"Status","reason":"TooManyRequests","code":429})",
                                        .headers = {{"Retry-After", "0"}}};
                         });
  auto result = with_client(config_for(server), get_namespace("prod"));
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->has_value());
  EXPECT_TRUE(result->error().is_too_many_requests());
  EXPECT_EQ(result->error().retry_after(), std::chrono::seconds(0));
  EXPECT_EQ(server.requests().size(), 6u);  // first try + 5 retries
}

TEST_F(ClientTls, RequestTimeout) {
  TestHttpsServer server(
      {.server_certificate = pki_.issue_server({"localhost"}, {"127.0.0.1"})},
      [](const ReceivedRequest&) { return Reply{.delay = std::chrono::milliseconds(3000)}; });
  ClientOptions options;
  options.request_timeout = std::chrono::milliseconds(300);
  auto result = with_client(config_for(server), get_namespace("prod"), options);
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->has_value());
  EXPECT_EQ(result->error().kind(), ErrorKind::Timeout);
}

TEST_F(ClientTls, ConnectionRefusedIsANetworkError) {
  unsigned short port;
  {
    TestHttpsServer server({.server_certificate = pki_.issue_server({"localhost"}, {"127.0.0.1"})},
                           ok_namespace);
    port = server.port();
  }
  Config config;
  config.server = "https://127.0.0.1:" + std::to_string(port);
  config.ca_pem = pki_.ca_pem();
  auto result = with_client(config, get_namespace("prod"));
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->has_value());
  EXPECT_EQ(result->error().kind(), ErrorKind::Network);
  EXPECT_TRUE(result->error().is_transient());
}

TEST_F(ClientTls, WatchStreamsEventsSplitAcrossChunks) {
  const std::string events =
      R"({"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"5"}}})"
      "\n"
      R"({"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"6"}}})"
      "\n"
      R"({"type":"DELETED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"7"}}})"
      "\n";
  std::vector<std::string> chunks;
  for (std::size_t i = 0; i < events.size(); i += 37) chunks.push_back(events.substr(i, 37));
  TestHttpsServer server({.server_certificate = pki_.issue_server({"localhost"}, {"127.0.0.1"})},
                         [&](const ReceivedRequest&) {
                           return Reply{.chunks = chunks, .chunk_delay = std::chrono::milliseconds(2)};
                         });
  auto result = with_client(
      config_for(server),
      [](std::shared_ptr<Client> client) -> asio::awaitable<Result<std::vector<std::string>>> {
        WatchOptions options;
        options.resource_version = "4";
        auto stream = co_await client->watch(ResourceDescriptor::pods(), "default", options);
        if (!stream) co_return stream.error();
        std::vector<std::string> seen;
        for (;;) {
          auto event = co_await stream.value()->next();
          if (!event) co_return event.error();
          if (!event->has_value()) break;
          seen.push_back(std::string(to_string((*event)->type)) + "@" + (*event)->resource_version());
        }
        co_return seen;
      });
  ASSERT_TRUE(result && result->has_value()) << (result ? result->error().describe() : "");
  EXPECT_EQ(result->value(), (std::vector<std::string>{"ADDED@5", "BOOKMARK@6", "DELETED@7"}));
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].target,
            "/api/v1/namespaces/default/pods?watch=true&resourceVersion=4&allowWatchBookmarks=true");
}

TEST_F(ClientTls, WatchRefusedWithGoneIsAnError) {
  TestHttpsServer server(
      {.server_certificate = pki_.issue_server({"localhost"}, {"127.0.0.1"})}, [](const ReceivedRequest&) {
        return Reply{.status = 410, .body = R"j({"kind":"Status","reason":"Expired","code":410,
                                          "message":"too old resource version: 1 (50)"})j"};
      });
  auto result =
      with_client(config_for(server), [](std::shared_ptr<Client> client) -> asio::awaitable<Result<int>> {
        WatchOptions options;  // named: see the GCC 12 note in client.cpp
        auto stream = co_await client->watch(ResourceDescriptor::pods(), "", options);
        if (!stream) co_return stream.error();
        co_return 0;
      });
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->has_value());
  EXPECT_TRUE(result->error().is_gone());
}

// An exec credential plugin: a script written by the test that counts its runs and hands out
// token-<run>. The server only accepts token-2, so the first answer is a 401 that must re-run it.
class ExecPlugin : public ClientTls {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rollguard-exec-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    script_ = dir_ / "plugin.sh";
    std::ofstream(script_)
        << "#!/bin/sh\n"
           "n=$(cat \"$0.count\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > \"$0.count\"\n"
           "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
           "\"status\":{\"token\":\"token-%s\"}}' $n\n";
    std::filesystem::permissions(script_, std::filesystem::perms::owner_all);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  int runs() const {
    std::ifstream in(script_.string() + ".count");
    int n = 0;
    in >> n;
    return n;
  }
  Config exec_config(const TestHttpsServer& server) const {
    auto config = config_for(server);
    ExecConfig exec;
    exec.api_version = "client.authentication.k8s.io/v1";
    exec.command = script_.string();
    config.exec = exec;
    return config;
  }
  std::filesystem::path dir_;
  std::filesystem::path script_;
};

TEST_F(ExecPlugin, RunOnceAndCached) {
  TestHttpsServer server({.server_certificate = pki_.issue_server({"localhost"}, {"127.0.0.1"})},
                         ok_namespace);
  auto result =
      with_client(exec_config(server), [](std::shared_ptr<Client> client) -> asio::awaitable<Result<int>> {
        for (int i = 0; i < 3; ++i) {
          auto got = co_await client->get(ResourceDescriptor::namespaces(), "", "prod");
          if (!got) co_return got.error();
        }
        co_return 3;
      });
  ASSERT_TRUE(result && result->has_value()) << (result ? result->error().describe() : "");
  EXPECT_EQ(runs(), 1);
  for (const auto& request : server.requests())
    EXPECT_EQ(request.headers.at("authorization"), "Bearer token-1");
}

TEST_F(ExecPlugin, UnauthorizedReRunsThePlugin) {
  TestHttpsServer server({.server_certificate = pki_.issue_server({"localhost"}, {"127.0.0.1"})},
                         [](const ReceivedRequest& request) {
                           if (request.headers.at("authorization") != "Bearer token-2") {
                             return Reply{.status = 401,
                                          .body = R"({"kind":"Status","reason":"Unauthorized","code":401})"};
                           }
                           return ok_namespace(request);
                         });
  auto result = with_client(exec_config(server), get_namespace("prod"));
  ASSERT_TRUE(result && result->has_value()) << (result ? result->error().describe() : "");
  EXPECT_EQ(runs(), 2);
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[1].headers.at("authorization"), "Bearer token-2");
}

TEST_F(ExecPlugin, PersistentUnauthorizedIsReportedAfterOneRefresh) {
  TestHttpsServer server(
      {.server_certificate = pki_.issue_server({"localhost"}, {"127.0.0.1"})}, [](const ReceivedRequest&) {
        return Reply{.status = 401, .body = R"({"kind":"Status","reason":"Unauthorized","code":401})"};
      });
  auto result = with_client(exec_config(server), get_namespace("prod"));
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->has_value());
  EXPECT_TRUE(result->error().is_unauthorized());
  EXPECT_EQ(runs(), 2);
  // The token is a secret: it must never be part of an error message.
  EXPECT_EQ(result->error().describe().find("token-"), std::string::npos);
}

}  // namespace
}  // namespace rollguard::kube
