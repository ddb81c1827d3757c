#include "kube_sim_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

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
  std::vector<std::string> args{binary().string(), "--port", "0", "--kubeconfig-out", kubeconfig_.string()};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
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
    if (fs::exists(kubeconfig_)) return true;
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

kube::Config KubeSimProcess::config() const {
  kube::KubeconfigOptions options;
  options.explicit_path = kubeconfig_.string();
  auto loaded = kube::load_kubeconfig(options);
  return loaded ? *loaded : kube::Config{};
}

}  // namespace rollguard::testing
