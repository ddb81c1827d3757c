// Loading a Config: kubeconfig files (explicit, $KUBECONFIG merged, ~/.kube/config), the in-cluster
// service-account mount, and controller-runtime's order between them.
#include "kube/config.hpp"

#include <sys/stat.h>

#include <cstdlib>

#include "kube/config_util.hpp"
#include "kube/kubeconfig_file.hpp"

namespace rollguard::kube {
namespace {

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Result<void> merge_file(detail::Kubeconfig& kubeconfig, const std::string& path) {
  detail::FileRead read = detail::read_file(path);
  if (!read.ok) return detail::kubeconfig_error(path, "cannot read: " + read.error);
  return detail::merge_kubeconfig_text(kubeconfig, read.content, path, detail::directory_of(path));
}

std::vector<std::string> split_path_list(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto colon = list.find(':', start);
    const auto end = colon == std::string::npos ? list.size() : colon;
    if (end > start) out.push_back(list.substr(start, end - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return out;
}

std::optional<std::string> home_kubeconfig(const KubeconfigOptions& options) {
  const auto home = options.home ? options.home : env("HOME");
  if (!home || home->empty()) return std::nullopt;
  return detail::resolve_path(*home, ".kube/config");
}

std::optional<std::string> kubeconfig_env(const KubeconfigOptions& options) {
  auto value = options.kubeconfig_env ? options.kubeconfig_env : env("KUBECONFIG");
  // An empty $KUBECONFIG counts as unset, as for kubectl.
  if (value && value->empty()) return std::nullopt;
  return value;
}

Error config_error(std::string message) { return Error(ErrorKind::Config, std::move(message)); }

}  // namespace

Result<Config> parse_kubeconfig(const std::string& yaml_text, const std::string& source_name,
                                const std::string& base_dir, const std::string& context) {
  detail::Kubeconfig kubeconfig;
  if (auto r = detail::merge_kubeconfig_text(kubeconfig, yaml_text, source_name, base_dir); !r)
    return r.error();
  return detail::resolve_kubeconfig(kubeconfig, context);
}

Result<Config> load_kubeconfig(const KubeconfigOptions& options) {
  detail::Kubeconfig kubeconfig;
  if (!options.explicit_path.empty()) {
    // --kubeconfig names exactly one file, which must exist: no merging.
    if (auto r = merge_file(kubeconfig, options.explicit_path); !r) return r.error();
    return detail::resolve_kubeconfig(kubeconfig, options.context);
  }
  if (const auto list = kubeconfig_env(options)) {
    // kubectl skips files of $KUBECONFIG that do not exist, but not ones it cannot read.
    for (const auto& path : split_path_list(*list)) {
      if (!file_exists(path)) continue;
      if (auto r = merge_file(kubeconfig, path); !r) return r.error();
    }
    if (kubeconfig.files.empty()) {
      return config_error("kubeconfig: none of the files in $KUBECONFIG (" + *list + ") exists");
    }
    return detail::resolve_kubeconfig(kubeconfig, options.context);
  }
  const auto home = home_kubeconfig(options);
  if (!home) return config_error("kubeconfig: $HOME is not set, cannot find ~/.kube/config");
  if (auto r = merge_file(kubeconfig, *home); !r) return r.error();
  return detail::resolve_kubeconfig(kubeconfig, options.context);
}

Result<Config> load_in_cluster(const InClusterOptions& options) {
  const auto host = options.host ? options.host : env("KUBERNETES_SERVICE_HOST");
  const auto port = options.port ? options.port : env("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty() || !port || port->empty()) {
    return config_error(
        "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set (not running in "
        "a "
        "pod?)");
  }
  Config config;
  config.source = "in-cluster";
  // An IPv6 service address needs brackets in a URL (client-go uses net.JoinHostPort).
  const bool ipv6 = host->find(':') != std::string::npos && host->front() != '[';
  config.server = "https://" + (ipv6 ? "[" + *host + "]" : *host) + ":" + *port;
  const std::string& dir = options.service_account_dir;
  const std::string token_path = detail::resolve_path(dir, "token");
  if (detail::FileRead token = detail::read_file(token_path); !token.ok) {
    return config_error("in-cluster config: cannot read service-account token " + token_path + ": " +
                        token.error);
  }
  // The projected token rotates: keep the path, the credential source re-reads it.
  config.token_file = token_path;
  const std::string ca_path = detail::resolve_path(dir, "ca.crt");
  detail::FileRead ca = detail::read_file(ca_path);
  if (!ca.ok) return config_error("in-cluster config: cannot read CA " + ca_path + ": " + ca.error);
  if (!detail::looks_like_pem(ca.content))
    return config_error("in-cluster config: " + ca_path + " is not PEM");
  config.ca_pem = std::move(ca.content);
  // The namespace file is optional (older clusters, custom mounts): fall back to "default".
  if (detail::FileRead ns = detail::read_file(detail::resolve_path(dir, "namespace")); ns.ok) {
    std::string value = ns.content;
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r' || value.back() == ' ')) {
      value.pop_back();
    }
    if (!value.empty()) config.namespace_name = value;
  }
  return config;
}

Result<Config> load_default(const KubeconfigOptions& options) {
  return load_default(options, InClusterOptions{});
}

Result<Config> load_default(const KubeconfigOptions& options, const InClusterOptions& in_cluster) {
  if (!options.explicit_path.empty() || kubeconfig_env(options)) return load_kubeconfig(options);
  // Inside a pod the service account is the identity, unless a --context asks for a kubeconfig one.
  const auto host = in_cluster.host ? in_cluster.host : env("KUBERNETES_SERVICE_HOST");
  const bool in_pod = host && !host->empty();
  std::optional<Error> in_cluster_error;
  if (options.context.empty() && in_pod) {
    auto config = load_in_cluster(in_cluster);
    if (config) return config;
    in_cluster_error = config.error();
  }
  auto config = load_kubeconfig(options);
  if (config || !in_cluster_error) return config;
  // Both failed: the in-cluster error is the more useful one inside a pod.
  return config_error(in_cluster_error->message() + "; and " + config.error().message());
}

}  // namespace rollguard::kube
