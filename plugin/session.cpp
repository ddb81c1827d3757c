#include "session.hpp"

#include <sys/stat.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <exception>
#include <optional>

namespace rollguard::plugin {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// Who writes the plugin's changes (metadata.managedFields), as kubectl names itself
// kubectl-client-side-apply.
const kube::PatchOptions& patch_options() {
  static const kube::PatchOptions options = [] {
    kube::PatchOptions o;
    o.field_manager = "kubectl-rollguard";
    return o;
  }();
  return options;
}

}  // namespace

kube::Result<kube::Config> load_config(const ConnectionFlags& flags) {
  kube::KubeconfigOptions options;
  options.explicit_path = flags.kubeconfig;
  options.context = flags.context;
  const bool nothing_named = flags.kubeconfig.empty() && environment("KUBECONFIG").empty();
  const std::string home = environment("HOME");
  const bool no_home_file = home.empty() || !exists(home + "/.kube/config");
  if (nothing_named && no_home_file && flags.context.empty() &&
      !environment("KUBERNETES_SERVICE_HOST").empty())
    return kube::load_in_cluster();
  return kube::load_kubeconfig(options);
}

Session::Session(std::unique_ptr<asio::io_context> io, std::shared_ptr<kube::Client> client, std::string ns)
    : io_(std::move(io)),
      client_(std::move(client)),
      ns_(std::move(ns)),
      policies_(client_, kube::ResourceDescriptor::rollback_policies(), ns_),
      all_policies_(client_, kube::ResourceDescriptor::rollback_policies(), ""),
      deployments_(client_, kube::ResourceDescriptor::deployments(), ns_) {}

Session::~Session() = default;

kube::Result<std::unique_ptr<Session>> Session::open(const ConnectionFlags& flags) {
  auto config = load_config(flags);
  if (!config) return config.error();
  std::string ns = flags.ns.empty() ? config->namespace_name : flags.ns;
  auto io = std::make_unique<asio::io_context>(1);
  kube::ClientOptions options;
  options.user_agent = "kubectl-rollguard/0.1";
  options.request_timeout = std::chrono::seconds{20};
  auto client = kube::Client::create(io->get_executor(), std::move(*config), options);
  if (!client) return client.error();
  return std::unique_ptr<Session>(new Session(std::move(io), std::move(*client), std::move(ns)));
}

template <class T>
kube::Result<T> Session::run(asio::awaitable<kube::Result<T>> operation) {
  std::optional<kube::Result<T>> outcome;
  std::exception_ptr failure;
  asio::co_spawn(*io_, std::move(operation), [&](std::exception_ptr error, kube::Result<T> value) {
    failure = error;
    outcome.emplace(std::move(value));
  });
  // Until this call's completion, not until the context runs dry: idle keep-alive connections may
  // keep work pending, and they are welcome to (the next call reuses them).
  if (io_->stopped()) io_->restart();
  while (!outcome && io_->run_one() > 0) {
  }
  if (failure) std::rethrow_exception(failure);
  if (!outcome) return kube::Error(kube::ErrorKind::Invalid, "request did not complete");
  return std::move(*outcome);
}

kube::Result<json::value> Session::get_policy(const std::string& name) { return run(policies_.get(name)); }

kube::Result<json::value> Session::list_policies(bool all_namespaces) {
  return run(all_namespaces ? all_policies_.list() : policies_.list());
}

kube::Result<json::value> Session::merge_patch_policy(const std::string& name, const json::value& patch) {
  return run(policies_.patch_merge(name, patch, patch_options()));
}

kube::Result<json::value> Session::get_deployment(const std::string& name) {
  return run(deployments_.get(name));
}

std::string describe_policy_error(const kube::Error& error, const std::string& name, const std::string& ns) {
  if (error.is_not_found()) {
    // A 404 naming no object is the whole API missing: the CRD is not installed.
    if (error.status().details_name.empty() && !name.empty() &&
        error.status().message.find(name) == std::string::npos)
      return "the RollbackPolicy API (rollguard.io/v1alpha1) is not served by this cluster: is rollguard's "
             "CRD "
             "installed? (" +
             error.describe() + ")";
    if (name.empty())
      return "the RollbackPolicy API (rollguard.io/v1alpha1) is not served by this cluster: "
             "is rollguard's CRD installed?";
    return "rollbackpolicy \"" + name + "\" not found in namespace \"" + ns + "\"";
  }
  if (error.kind() == kube::ErrorKind::Api && !error.status().message.empty()) return error.status().message;
  return error.describe();
}

}  // namespace rollguard::plugin
