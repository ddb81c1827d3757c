#include "kube_sim_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <cstdlib>
#include <random>
#include <thread>

#include "kube/client.hpp"

namespace rollguard::testing {
namespace fs = std::filesystem;

fs::path KubeSimProcess::binary() {
  const char* bin_dir = std::getenv("ROLLGUARD_BIN_DIR");
  return fs::path(bin_dir ? bin_dir : "build/bin") / "kube-sim";
}

KubeSimProcess::KubeSimProcess(std::vector<std::string> extra_args, std::chrono::seconds startup_timeout)
    : extra_args_(std::move(extra_args)), startup_timeout_(startup_timeout) {
  char pattern[] = "/tmp/rollguard-kube-sim-XXXXXX";
  if (char* made = ::mkdtemp(pattern)) directory_ = made;
  kubeconfig_ = directory_ / "kubeconfig";
  auto has = [&](const char* flag) {
    return std::find(extra_args_.begin(), extra_args_.end(), flag) != extra_args_.end();
  };
  // Fixed across restarts: the token and (for TLS) the CA.
  if (!has("--token")) {
    std::random_device random;
    std::string token;
    for (int i = 0; i < 32; ++i) token += "abcdefghijklmnopqrstuvwxyz0123456789"[random() % 36];
    extra_args_.insert(extra_args_.end(), {"--token", token});
  }
  if (!has("--insecure-http") && !has("--tls-cert-file")) {
    extra_args_.insert(extra_args_.end(), {"--pki-dir", (directory_ / "pki").string()});
  }
  start();
}

KubeSimProcess::~KubeSimProcess() {
  stop();
  std::error_code ignored;
  fs::remove_all(directory_, ignored);
}

bool KubeSimProcess::start() {
  std::error_code ignored;
  fs::remove(kubeconfig_, ignored);
  std::vector<std::string> args{binary().string(), "--port", std::to_string(port_), "--kubeconfig-out",
                                kubeconfig_.string()};
  for (const auto& arg : extra_args_)
    args.push_back(arg.rfind("@dir/", 0) == 0 ? (directory_ / arg.substr(5)).string() : arg);
  const fs::path log = directory_ / "kube-sim.log";
  pid_ = ::fork();
  if (pid_ == 0) {
    // Child: log to a file the test can show on failure.
    if (FILE* out = std::freopen(log.c_str(), "a", stderr)) (void)out;
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::_Exit(127);
  }
  if (pid_ < 0) {
    startup_error_ = "fork failed";
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + startup_timeout_;
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(kubeconfig_)) {
      // Remember the port kube-sim picked, so a restart comes back on it.
      const std::string server = config().server;
      if (auto colon = server.rfind(':'); colon != std::string::npos)
        port_ = static_cast<unsigned short>(std::stoi(server.substr(colon + 1)));
      return true;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      startup_error_ = "kube-sim exited during start-up (see " + log.string() + ")";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  startup_error_ = "kube-sim did not write " + kubeconfig_.string() + " in time";
  stop();
  return false;
}

int KubeSimProcess::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 500; ++i) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return 137;
}

bool KubeSimProcess::restart() {
  stop();
  return start();
}

bool KubeSimProcess::request(const char* method, const std::string& target, const std::string& body) {
  namespace asio = boost::asio;
  asio::io_context io;
  auto client = kube::Client::create(io.get_executor(), config());
  if (!client) return false;
  kube::Request request;
  const std::string verb = method;
  kube::Request call;
  call.method = verb == "GET"      ? kube::Method::Get
                : verb == "PUT"    ? kube::Method::Put
                : verb == "PATCH"  ? kube::Method::Patch
                : verb == "DELETE" ? kube::Method::Delete
                                   : kube::Method::Post;
  call.target = target;
  call.body = body;
  if (!body.empty())
    call.content_type = verb == "PATCH" ? "application/merge-patch+json" : "application/json";
  auto answer = asio::co_spawn(io, (*client)->send(std::move(call)), asio::use_future);
  io.run();
  return answer.get().has_value();
}

bool KubeSimProcess::set_faults(const std::string& fault_config_json) {
  return request("PUT", "/admin/faults", fault_config_json);
}
bool KubeSimProcess::clear_faults() { return request("DELETE", "/admin/faults", ""); }
bool KubeSimProcess::compact(bool cut_watches) {
  return request("POST", cut_watches ? "/admin/compact?cutWatches=true" : "/admin/compact", "");
}
bool KubeSimProcess::cut_watches() { return request("POST", "/admin/cut-watches", ""); }
bool KubeSimProcess::refuse_connections(std::chrono::milliseconds duration) {
  return request("POST", "/admin/refuse-connections?ms=" + std::to_string(duration.count()), "");
}

kube::Config KubeSimProcess::config() const {
  kube::KubeconfigOptions options;
  options.explicit_path = kubeconfig_.string();
  auto loaded = kube::load_kubeconfig(options);
  return loaded ? *loaded : kube::Config{};
}

}  // namespace rollguard::testing
