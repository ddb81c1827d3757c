#pragma once
// Starts build/bin/kube-sim as a child process for one test (port 0, its own kubeconfig and state
// directory), waits until it serves, and stops it (SIGTERM) when the fixture goes away. A restart
// keeps the port, the token and the CA, so clients built from config() keep working across it, as
// they do across a real apiserver restart.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "kube/config.hpp"

namespace rollguard::testing {

inline constexpr const char* kStateFile = "@dir/state.json";

class KubeSimProcess {
 public:
  // extra_args are passed to kube-sim as they are (e.g. "--state-file", path); a leading "@dir/"
  // stands for this process's own directory (removed with it), e.g. {"--state-file", kStateFile}.
  explicit KubeSimProcess(std::vector<std::string> extra_args = {},
                          std::chrono::seconds startup_timeout = std::chrono::seconds(30));
  ~KubeSimProcess();
  KubeSimProcess(const KubeSimProcess&) = delete;
  KubeSimProcess& operator=(const KubeSimProcess&) = delete;

  bool running() const { return pid_ > 0; }
  const std::string& startup_error() const { return startup_error_; }
  const std::filesystem::path& kubeconfig() const { return kubeconfig_; }
  const std::filesystem::path& directory() const { return directory_; }
  // The client config the test uses (from the written kubeconfig, through rollguard's own loader).
  kube::Config config() const;
  // SIGTERM and wait; returns the exit status (0 = clean).
  int stop();
  // Stop, then start again with the same arguments (and --state-file, if one was given), on the
  // same port with the same token and CA.
  bool restart();
  unsigned short port() const { return port_; }

  // One request with the kubeconfig's credentials (blocking; its own connection); true on 2xx.
  bool request(const char* method, const std::string& target, const std::string& body = "");
  // The admin endpoint (e2e/kube-sim/src/admin.hpp); each returns false when kube-sim refused.
  bool set_faults(const std::string& fault_config_json);
  bool clear_faults();
  bool compact(bool cut_watches = true);
  bool cut_watches();
  bool refuse_connections(std::chrono::milliseconds duration);

  static std::filesystem::path binary();

 private:
  bool start();
  std::vector<std::string> extra_args_;
  unsigned short port_ = 0;
  std::chrono::seconds startup_timeout_;
  std::filesystem::path directory_;
  std::filesystem::path kubeconfig_;
  std::string startup_error_;
  int pid_ = -1;
};

}  // namespace rollguard::testing
