#pragma once
// The plugin's connection to the cluster: kubeconfig resolved by kubectl's rules, one client on one
// io_context, and RollbackPolicy calls that block until the answer is there. A command-line tool
// does one thing at a time, so each call runs the io_context until its own completion fires.
#include <boost/json/value.hpp>
#include <memory>
#include <string>

#include "kube/api.hpp"
#include "kube/config.hpp"
#include "kube/result.hpp"

namespace boost::asio {
class io_context;
}

namespace rollguard::plugin {

struct ConnectionFlags {
  std::string kubeconfig;  // --kubeconfig
  std::string context;     // --context
  std::string ns;          // -n/--namespace; empty = the context's namespace
};

// kubectl's order: --kubeconfig, else $KUBECONFIG (merged), else ~/.kube/config; when none of those
// exists and the plugin runs in a pod, the pod's service account (kubectl's in-cluster fallback).
kube::Result<kube::Config> load_config(const ConnectionFlags& flags);

class Session {
 public:
  static kube::Result<std::unique_ptr<Session>> open(const ConnectionFlags& flags);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The namespace commands work in: -n, else the context's.
  const std::string& ns() const { return ns_; }

  kube::Result<boost::json::value> get_policy(const std::string& name);
  // all_namespaces: every namespace, else ns().
  kube::Result<boost::json::value> list_policies(bool all_namespaces);
  kube::Result<boost::json::value> merge_patch_policy(const std::string& name,
                                                      const boost::json::value& patch);
  // The policy's target, read only to report how the restored revision rolls out.
  kube::Result<boost::json::value> get_deployment(const std::string& name);

 private:
  Session(std::unique_ptr<boost::asio::io_context> io, std::shared_ptr<kube::Client> client, std::string ns);
  template <class T>
  kube::Result<T> run(boost::asio::awaitable<kube::Result<T>> operation);

  std::unique_ptr<boost::asio::io_context> io_;
  std::shared_ptr<kube::Client> client_;
  std::string ns_;
  kube::Api policies_;
  kube::Api all_policies_;
  kube::Api deployments_;
};

// `rollbackpolicy "web" not found in namespace "prod"` for a 404, the server's own words otherwise.
std::string describe_policy_error(const kube::Error& error, const std::string& name, const std::string& ns);

}  // namespace rollguard::plugin
