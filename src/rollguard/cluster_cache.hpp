#pragma once
// The controller's view of the cluster: one informer (watcher -> Writer -> Store) per resource it
// reads, per watched namespace ("" = all namespaces, one set of watches):
//   rollbackpolicies  slim                                index "target": "ns/deploymentName" (targetRef,
//                                                          each of targetRefs; "ns/" + kSelectorTarget
//                                                          for a targetSelector)
//   deployments       slim; the template's hash only
//                     (cache_deployment)
//   replicasets       slim; the template's hash only      index "owner" (built in): Deployment uid
//                     (cache_replica_set)
//   pods              slim (status only)                  index "owner": ReplicaSet or Job uid
//   jobs              rollguard's check Jobs only         index "check": "ns/policy/slo"
//                     (label selector rollguard.io/policy)
// every one kept as JSON text (runtime::Storage::Text: about half of a parsed object's size).
// and the mappers that turn a change of any of them into requests for the policies concerned.
// Reads are lock-free snapshots: the reconciler never owns a socket.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kube/client.hpp"
#include "runtime/controller.hpp"
#include "runtime/metrics.hpp"
#include "runtime/store.hpp"
#include "runtime/watcher_driver.hpp"

namespace rollguard {

inline constexpr std::string_view kTargetIndex = "target";
inline constexpr std::string_view kCheckIndex = "check";
// The index value of policies with a targetSelector (not a valid Deployment name).
inline constexpr std::string_view kSelectorTarget = "*selector*";

// The Deployment and ReplicaSet caches' transforms: slimmed as every cached object, and spec.template
// replaced by its template_hash() under kCachedTemplateHashKey (observation.hpp). The template was
// over half of a cached object (40 MB of 10,000 Deployments and 30,000 ReplicaSets), parsed and hashed
// again at every evaluation, and the hash is all an evaluation reads; a rollback reads the one
// ReplicaSet it restores from the API server.
runtime::ObjectPtr cache_deployment(runtime::ObjectPtr object);
runtime::ObjectPtr cache_replica_set(runtime::ObjectPtr object);

// Read side, for the reconciler.
class ClusterView {
 public:
  virtual ~ClusterView() = default;
  virtual runtime::ObjectPtr policy(std::string_view ns, std::string_view name) const = 0;
  virtual runtime::ObjectPtr deployment(std::string_view ns, std::string_view name) const = 0;
  // ReplicaSets whose ownerReferences name the Deployment's uid.
  virtual std::vector<runtime::ObjectPtr> replica_sets_of(std::string_view ns,
                                                          std::string_view deployment_uid) const = 0;
  virtual std::vector<runtime::ObjectPtr> pods_of(std::string_view ns,
                                                  std::string_view replica_set_uid) const = 0;
  // Policies whose spec.targetRef or spec.targetRefs names this Deployment, or whose
  // spec.targetSelector matches its labels.
  virtual std::vector<runtime::ObjectPtr> policies_targeting(std::string_view ns,
                                                             std::string_view deployment) const = 0;
  // A check Job by name, and every check Job of one job SLO (its rollguard.io/ labels).
  virtual runtime::ObjectPtr job(std::string_view ns, std::string_view name) const = 0;
  virtual std::vector<runtime::ObjectPtr> check_jobs(std::string_view ns, std::string_view policy,
                                                     std::string_view slo) const = 0;
  // The cached Deployments of a namespace (a grouped policy's selector picks among them).
  virtual std::vector<runtime::ObjectPtr> deployments_in(std::string_view ns) const = 0;
};

class ClusterCache : public ClusterView {
 public:
  // namespaces empty = all namespaces.
  ClusterCache(std::shared_ptr<kube::Client> client, std::vector<std::string> namespaces,
               std::shared_ptr<prometheus::Registry> registry);
  ~ClusterCache() override;

  runtime::ObjectPtr policy(std::string_view ns, std::string_view name) const override;
  runtime::ObjectPtr deployment(std::string_view ns, std::string_view name) const override;
  std::vector<runtime::ObjectPtr> replica_sets_of(std::string_view ns,
                                                  std::string_view deployment_uid) const override;
  std::vector<runtime::ObjectPtr> pods_of(std::string_view ns,
                                          std::string_view replica_set_uid) const override;
  std::vector<runtime::ObjectPtr> policies_targeting(std::string_view ns,
                                                     std::string_view deployment) const override;
  runtime::ObjectPtr job(std::string_view ns, std::string_view name) const override;
  std::vector<runtime::ObjectPtr> check_jobs(std::string_view ns, std::string_view policy,
                                             std::string_view slo) const override;
  std::vector<runtime::ObjectPtr> deployments_in(std::string_view ns) const override;

  // Connects every store's changes to the controller's queue and makes it wait for the stores.
  void connect(runtime::Controller& controller);
  // Starts one watcher coroutine per informer on the executor; stop() cancels them all (each
  // finishes on its own executor turn; running() says how many are still alive).
  void start(boost::asio::any_io_executor executor, std::shared_ptr<runtime::Clock> clock);
  void stop();
  std::size_t running() const { return running_; }
  // All stores have listed once (readiness).
  bool synced() const;
  std::vector<std::string> unsynced() const;

 private:
  struct Informer;
  struct Namespace;
  const Namespace* find(std::string_view ns) const;

  std::shared_ptr<kube::Client> client_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<std::unique_ptr<Namespace>> namespaces_;
  std::vector<std::unique_ptr<runtime::ListWatchSource>> sources_;
  std::vector<std::unique_ptr<boost::asio::cancellation_signal>> signals_;
  std::size_t running_ = 0;
};

}  // namespace rollguard
