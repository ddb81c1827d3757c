// Exec credential plugins run for real: small shell scripts written by the test, which count their
// runs in a file, so caching, invalidation, expiry and the shared run are observable.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <fstream>
#include <thread>

#include "kube/auth.hpp"
#include "unit/kube/config_test_support.hpp"

namespace rollguard::kube {
namespace {

using namespace std::chrono;
using testing::run_to_completion;
using testing::TempDir;

constexpr const char* kV1 = "client.authentication.k8s.io/v1";
constexpr const char* kV1beta1 = "client.authentication.k8s.io/v1beta1";

class AuthExec : public ::testing::Test {
 protected:
  // A plugin that counts its runs in <dir>/runs.log, saves KUBERNETES_EXEC_INFO to <dir>/info.json,
  // runs `before` and prints `status` (a JSON object body, $n = this run's number).
  std::string plugin(const std::string& api_version, const std::string& status = R"("token":"token-$n")",
                     const std::string& before = "") {
    return dir.write("plugins/get-token",
                     "#!/bin/sh\n"
                     "d=\"" +
                         dir.path() +
                         "\"\n"
                         // O_APPEND: runs at the same time are all counted.
                         "echo run >> \"$d/runs.log\"\n"
                         "n=$(wc -l < \"$d/runs.log\")\n"
                         "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$d/info.json\"\n" +
                         before + "printf '%s' '{\"apiVersion\":\"" + api_version +
                         "\",\"kind\":\"ExecCredential\",\"status\":{'\n"
                         "printf '%s' \"" +
                         escape(status) +
                         "\"\n"
                         "printf '}}'\n",
                     true);
  }

  static std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '"') out += '\\';
      out += c;
    }
    return out;
  }

  Config config_for(const std::string& command, const std::string& api_version) {
    Config config;
    config.server = "https://h:1";
    ExecConfig exec;
    exec.api_version = api_version;
    exec.command = command;
    exec.base_dir = dir.path();
    config.exec = exec;
    return config;
  }

  std::shared_ptr<CredentialSource> make(const Config& config, CredentialOptions options = {}) {
    return make_credential_source(
        io.get_executor(), config, [this] { return now; }, options);
  }

  Result<Credentials> get(CredentialSource& source) { return run_to_completion(io, source.get()); }
  int runs() const {
    const std::string log = dir.read("runs.log");
    return static_cast<int>(std::count(log.begin(), log.end(), '\n'));
  }

  boost::asio::io_context io;
  TempDir dir;
  system_clock::time_point now = sys_days(year(2029) / 6 / 1);
};

TEST_F(AuthExec, RunsOnceAndCaches) {
  auto source = make(config_for(plugin(kV1), kV1));
  auto first = get(*source);
  ASSERT_TRUE(first.has_value()) << first.error().message();
  EXPECT_EQ(first->token, "token-1");
  auto second = get(*source);
  ASSERT_TRUE(second.has_value()) << second.error().message();
  EXPECT_EQ(second->token, "token-1");
  EXPECT_EQ(runs(), 1);
}

TEST_F(AuthExec, InvalidateRunsItAgain) {
  auto source = make(config_for(plugin(kV1), kV1));
  EXPECT_EQ(get(*source)->token, "token-1");
  source->invalidate();  // the API server answered 401
  EXPECT_EQ(get(*source)->token, "token-2");
  EXPECT_EQ(get(*source)->token, "token-2");
  EXPECT_EQ(runs(), 2);
}

TEST_F(AuthExec, CachedUntilExpirationTimestamp) {
  auto source = make(
      config_for(plugin(kV1, R"("token":"token-$n","expirationTimestamp":"2030-01-01T00:00:00Z")"), kV1));
  EXPECT_EQ(get(*source)->token, "token-1");
  now = sys_days(year(2029) / 12 / 31) + hours(23) + minutes(59);
  EXPECT_EQ(get(*source)->token, "token-1");
  now = sys_days(year(2030) / 1 / 1);
  EXPECT_EQ(get(*source)->token, "token-2");
  EXPECT_EQ(runs(), 2);
}

TEST_F(AuthExec, V1beta1) {
  auto source = make(config_for(plugin(kV1beta1), kV1beta1));
  auto creds = get(*source);
  ASSERT_TRUE(creds.has_value()) << creds.error().message();
  EXPECT_EQ(creds->token, "token-1");
  const auto info = boost::json::parse(dir.read("info.json")).as_object();
  EXPECT_EQ(info.at("apiVersion").as_string(), kV1beta1);
  EXPECT_EQ(info.at("kind").as_string(), "ExecCredential");
  EXPECT_FALSE(info.at("spec").at("interactive").as_bool());
}

TEST_F(AuthExec, ClientCertificateAnswer) {
  auto source =
      make(config_for(plugin(kV1, R"("clientCertificateData":"CERT-$n","clientKeyData":"KEY-$n")"), kV1));
  auto creds = get(*source);
  ASSERT_TRUE(creds.has_value()) << creds.error().message();
  EXPECT_TRUE(creds->token.empty());
  EXPECT_EQ(creds->client_certificate_pem, "CERT-1");
  EXPECT_EQ(creds->client_key_pem, "KEY-1");
}

TEST_F(AuthExec, ArgsEnvAndClusterInfoReachThePlugin) {
  const std::string command =
      dir.write("plugins/echo-args",
                "#!/bin/sh\n"
                "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"" +
                    dir.file("info.json") +
                    "\"\n"
                    "printf '{\"apiVersion\":\"" +
                    std::string(kV1) +
                    "\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"%s-%s-%s\"}}' "
                    "\"$1\" \"$2\" \"$REGION\"\n",
                true);
  Config config = config_for(command, kV1);
  config.exec->args = {"alpha", "beta gamma"};
  config.exec->env = {{"REGION", "eu-west-1"}};
  config.exec->provide_cluster_info = true;
  auto creds = get(*make(config));
  ASSERT_TRUE(creds.has_value()) << creds.error().message();
  EXPECT_EQ(creds->token, "alpha-beta gamma-eu-west-1");
  const auto info = boost::json::parse(dir.read("info.json")).as_object();
  EXPECT_EQ(info.at("spec").at("cluster").at("server").as_string(), "https://h:1");
}

TEST_F(AuthExec, RelativeCommandResolvesAgainstTheKubeconfigDirectory) {
  plugin(kV1);
  auto creds = get(*make(config_for("plugins/get-token", kV1)));
  ASSERT_TRUE(creds.has_value()) << creds.error().message();
  EXPECT_EQ(creds->token, "token-1");
}

TEST_F(AuthExec, BareCommandIsFoundThroughPath) {
  plugin(kV1);
  auto creds = get(*make(config_for("get-token", kV1), {.path_env = "/nonexistent:" + dir.file("plugins")}));
  ASSERT_TRUE(creds.has_value()) << creds.error().message();
  EXPECT_EQ(creds->token, "token-1");
}

TEST_F(AuthExec, ConcurrentCallersShareOneRun) {
  auto source = make(config_for(plugin(kV1, R"("token":"token-$n")", "sleep 0.3\n"), kV1));
  std::vector<std::optional<Result<Credentials>>> results(5);
  for (auto& slot : results) {
    boost::asio::co_spawn(io, source->get(),
                          [&slot](std::exception_ptr, Result<Credentials> r) { slot = r; });
  }
  io.run();
  for (const auto& r : results) {
    ASSERT_TRUE(r.has_value());
    ASSERT_TRUE(r->has_value()) << r->error().message();
    EXPECT_EQ((*r)->token, "token-1");
  }
  EXPECT_EQ(runs(), 1);
}

TEST_F(AuthExec, NonZeroExitNamesTheCommandAndShowsStderr) {
  const std::string command =
      dir.write("plugins/fail", "#!/bin/sh\necho 'boom: credentials expired' >&2\nexit 3\n", true);
  auto creds = get(*make(config_for(command, kV1)));
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().kind(), ErrorKind::Config);
  EXPECT_EQ(creds.error().message(),
            "exec plugin \"" + command + "\": exited with status 3: boom: credentials expired");
}

TEST_F(AuthExec, LongStderrIsTruncated) {
  const std::string command = dir.write(
      "plugins/noisy",
      "#!/bin/sh\ni=0\nwhile [ $i -lt 500 ]; do printf 'xxxxxxxxxx' >&2; i=$((i+1)); done\nexit 1\n", true);
  auto creds = get(*make(config_for(command, kV1)));
  ASSERT_FALSE(creds.has_value());
  const std::string message = creds.error().message();
  EXPECT_LT(message.size(), 1200u) << message.size();
  EXPECT_NE(message.find("... (truncated)"), std::string::npos);
}

TEST_F(AuthExec, FailuresAreNotCached) {
  const std::string command =
      dir.write("plugins/flaky",
                "#!/bin/sh\n"
                "if [ ! -e \"" +
                    dir.file("ready") +
                    "\" ]; then exit 1; fi\n"
                    "printf '{\"apiVersion\":\"" +
                    std::string(kV1) + "\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"ok\"}}'\n",
                true);
  auto source = make(config_for(command, kV1));
  EXPECT_FALSE(get(*source).has_value());
  dir.write("ready", "");
  auto creds = get(*source);
  ASSERT_TRUE(creds.has_value()) << creds.error().message();
  EXPECT_EQ(creds->token, "ok");
}

TEST_F(AuthExec, BadJson) {
  const std::string command = dir.write("plugins/bad-json", "#!/bin/sh\necho '{\"token\": '\n", true);
  auto creds = get(*make(config_for(command, kV1)));
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().message().rfind(
                "exec plugin \"" + command + "\": output is not a JSON ExecCredential", 0),
            0u)
      << creds.error().message();
}

TEST_F(AuthExec, WrongApiVersionNeverShowsTheToken) {
  auto creds = get(*make(config_for(plugin(kV1beta1, R"("token":"secret-token-value")"), kV1)));
  ASSERT_FALSE(creds.has_value());
  const std::string message = creds.error().message();
  EXPECT_NE(message.find("returned apiVersion \"client.authentication.k8s.io/v1beta1\", expected "
                         "\"client.authentication.k8s.io/v1\""),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("secret-token-value"), std::string::npos);
}

// True while `pid` is a live (not zombie) process.
bool running(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

TEST_F(AuthExec, TimeoutKillsThePluginAndItsChildren) {
  // `sleep` is a child of the shell and holds the stdout pipe: only killing the process group ends it.
  const std::string command = dir.write("plugins/hang",
                                        "#!/bin/sh\necho 'waiting for browser login' >&2\n"
                                        "sleep 30 &\necho $! > \"" +
                                            dir.file("sleep.pid") + "\"\nwait\n",
                                        true);
  auto creds = get(*make(config_for(command, kV1), {.exec_timeout = milliseconds(300)}));
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(
      creds.error().message(),
      "exec plugin \"" + command + "\": timed out after 300 ms and was killed: waiting for browser login");
  const int sleep_pid = std::stoi(dir.read("sleep.pid"));
  // SIGKILL is delivered asynchronously: give the kernel a moment (bounded), this is not a timing check.
  for (int i = 0; i < 500 && running(sleep_pid); ++i) std::this_thread::sleep_for(milliseconds(10));
  EXPECT_FALSE(running(sleep_pid)) << "the plugin's child survived the timeout";
}

TEST_F(AuthExec, MissingCommandShowsTheInstallHint) {
  Config config = config_for("no-such-plugin", kV1);
  config.exec->install_hint = "Install no-such-plugin from https://example.com";
  auto creds = get(*make(config, {.path_env = dir.path()}));
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().message(),
            "exec plugin \"no-such-plugin\": executable not found in $PATH\n\nInstall no-such-plugin from "
            "https://example.com");
}

}  // namespace
}  // namespace rollguard::kube
