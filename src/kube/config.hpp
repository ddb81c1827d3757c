#pragma once
// Where the API server is and how to authenticate to it: from kubeconfig files (merged as kubectl
// merges $KUBECONFIG), or from the in-cluster service-account mount.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kube/result.hpp"

namespace rollguard::kube {

// users[].user.exec: a client.authentication.k8s.io credential plugin.
struct ExecConfig {
  std::string api_version;  // client.authentication.k8s.io/v1 or v1beta1
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string install_hint;
  bool provide_cluster_info = false;
  std::string base_dir;  // directory of the kubeconfig file: relative commands resolve against it
};

struct Config {
  std::string server;  // https://host:port (no trailing slash)
  std::string tls_server_name;
  std::string ca_pem;  // certificate-authority(-data), PEM; empty = system trust store
  bool insecure_skip_tls_verify = false;
  std::string client_certificate_pem;
  std::string client_key_pem;
  std::string token;       // static bearer token
  std::string token_file;  // re-read when it rotates (tokenFile, projected SA token)
  std::optional<ExecConfig> exec;
  std::string namespace_name = "default";  // the context's namespace
  std::string context_name;                // empty for in-cluster
  std::string source;                      // the file(s) it came from, or "in-cluster"
};

struct KubeconfigOptions {
  std::string explicit_path;                  // --kubeconfig: one file, no merging
  std::string context;                        // --context: overrides current-context
  std::optional<std::string> kubeconfig_env;  // $KUBECONFIG (colon-separated); nullopt = read the environment
  std::optional<std::string> home;            // $HOME; nullopt = read the environment
};

// Loads kubeconfig like kubectl: explicit path, else $KUBECONFIG (files merged, first one to set a
// map key wins), else ~/.kube/config. Errors name the file, the context and the field.
Result<Config> load_kubeconfig(const KubeconfigOptions& options);

// Parses one kubeconfig document given as text (base_dir resolves relative paths).
Result<Config> parse_kubeconfig(const std::string& yaml_text, const std::string& source_name,
                                const std::string& base_dir, const std::string& context = {});

struct InClusterOptions {
  std::string service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
  std::optional<std::string> host;  // KUBERNETES_SERVICE_HOST; nullopt = read the environment
  std::optional<std::string> port;  // KUBERNETES_SERVICE_PORT
};

// In-cluster config: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, the mounted CA,
// and the mounted token as token_file (so rotations are picked up).
Result<Config> load_in_cluster(const InClusterOptions& options = {});

// The controller-runtime order: --kubeconfig, $KUBECONFIG, in-cluster, ~/.kube/config. One deviation: a
// --context skips in-cluster (controller-runtime silently ignores it in a pod), since a context only
// exists in a kubeconfig. If in-cluster and ~/.kube/config both fail, the error reports both.
Result<Config> load_default(const KubeconfigOptions& options);
// The same with explicit in-cluster options (tests, non-standard mounts).
Result<Config> load_default(const KubeconfigOptions& options, const InClusterOptions& in_cluster);

}  // namespace rollguard::kube
