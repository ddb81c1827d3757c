// kube-sim as a child process, the way scripts use it: HTTPS with its generated CA (verified,
// including the 127.0.0.1 SAN), bearer-token auth, the kubeconfig contract, SIGTERM -> exit 0, and
// --state-file restarts that keep objects and resourceVersions.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

extern char** environ;

namespace {
namespace fs = std::filesystem;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;

struct Kubeconfig {
  std::string host, port, token, ca_pem;
};

class Child {
 public:
  explicit Child(std::vector<std::string> args) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  // Sends SIGTERM and returns the exit status (-1 if it did not exit normally).
  int terminate() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

std::optional<Kubeconfig> wait_for_kubeconfig(const fs::path& path) {
  for (int i = 0; i < 200 && !fs::exists(path); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (!fs::exists(path)) return std::nullopt;
  auto doc = YAML::LoadFile(path.string());
  Kubeconfig k;
  std::string server = doc["clusters"][0]["cluster"]["server"].as<std::string>();
  auto hostport = server.substr(server.find("://") + 3);
  k.host = hostport.substr(0, hostport.find(':'));
  k.port = hostport.substr(hostport.find(':') + 1);
  k.token = doc["users"][0]["user"]["token"].as<std::string>();
  auto ca64 = doc["clusters"][0]["cluster"]["certificate-authority-data"].as<std::string>();
  k.ca_pem.resize(beast::detail::base64::decoded_size(ca64.size()));
  k.ca_pem.resize(beast::detail::base64::decode(k.ca_pem.data(), ca64.data(), ca64.size()).first);
  return k;
}

// One HTTPS request that verifies the server against the kubeconfig's CA.
std::pair<unsigned, std::string> https(const Kubeconfig& k, const std::string& method,
                                       const std::string& target, const std::string& body = {},
                                       bool with_token = true) {
  net::io_context io;
  net::ssl::context ctx(net::ssl::context::tls_client);
  ctx.add_certificate_authority(net::buffer(k.ca_pem));
  ctx.set_verify_mode(net::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  stream.set_verify_callback(net::ssl::host_name_verification(k.host));
  net::ip::tcp::resolver resolver(io);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(20));
  beast::get_lowest_layer(stream).connect(resolver.resolve(k.host, k.port));
  stream.handshake(net::ssl::stream_base::client);
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, k.host);
  if (with_token) req.set(http::field::authorization, "Bearer " + k.token);
  if (!body.empty()) req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(stream, buf, res);
  return {res.result_int(), res.body()};
}

fs::path temp_dir() {
  auto dir = fs::temp_directory_path() /
             ("kube-sim-test-" + std::to_string(::getpid()) + "-" +
              std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  fs::create_directories(dir);
  return dir;
}

std::string bin() {
  const char* dir = std::getenv("ROLLGUARD_BIN_DIR");
  return std::string(dir ? dir : "build/bin") + "/kube-sim";
}

TEST(KubeSimProcess, ServesHttpsWithTokenAndExitsCleanly) {
  auto dir = temp_dir();
  Child sim({bin(), "--port", "0", "--kubeconfig-out", (dir / "kc").string(), "--log-level", "warn"});
  ASSERT_TRUE(sim.running());
  auto kc = wait_for_kubeconfig(dir / "kc");
  ASSERT_TRUE(kc) << "no kubeconfig written";
  auto version = https(*kc, "GET", "/version?timeout=5s", {}, false);
  EXPECT_EQ(version.first, 200u);
  EXPECT_EQ(json::parse(version.second).at("minor").as_string(), "32");
  auto anonymous = https(*kc, "GET", "/api/v1/namespaces", {}, false);
  EXPECT_EQ(anonymous.first, 401u);
  EXPECT_EQ(json::parse(anonymous.second).at("reason").as_string(), "Unauthorized");
  auto ns = https(*kc, "GET", "/api/v1/namespaces");
  EXPECT_EQ(ns.first, 200u);
  EXPECT_NE(ns.second.find("kube-system"), std::string::npos);
  EXPECT_EQ(sim.terminate(), 0);
  fs::remove_all(dir);
}

TEST(KubeSimProcess, StateFileSurvivesRestart) {
  auto dir = temp_dir();
  std::string state = (dir / "state.json").string();
  std::string rv;
  {
    Child sim({bin(), "--port", "0", "--kubeconfig-out", (dir / "kc1").string(), "--state-file", state,
               "--log-level", "warn"});
    auto kc = wait_for_kubeconfig(dir / "kc1");
    ASSERT_TRUE(kc);
    auto created =
        https(*kc, "POST", "/api/v1/namespaces/default/configmaps",
              R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kept"},"data":{"a":"b"}})");
    ASSERT_EQ(created.first, 201u) << created.second;
    rv = std::string(json::parse(created.second).at("metadata").at("resourceVersion").as_string());
    EXPECT_EQ(sim.terminate(), 0);
  }
  Child sim({bin(), "--port", "0", "--kubeconfig-out", (dir / "kc2").string(), "--state-file", state,
             "--log-level", "warn"});
  auto kc = wait_for_kubeconfig(dir / "kc2");
  ASSERT_TRUE(kc);
  auto got = https(*kc, "GET", "/api/v1/namespaces/default/configmaps/kept");
  ASSERT_EQ(got.first, 200u) << got.second;
  EXPECT_EQ(json::parse(got.second).at("metadata").at("resourceVersion").as_string(), rv);
  auto next = https(*kc, "POST", "/api/v1/namespaces/default/configmaps",
                    R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"after"}})");
  ASSERT_EQ(next.first, 201u);
  EXPECT_GT(
      std::stoull(std::string(json::parse(next.second).at("metadata").at("resourceVersion").as_string())),
      std::stoull(rv));
  EXPECT_EQ(sim.terminate(), 0);
  fs::remove_all(dir);
}

}  // namespace
