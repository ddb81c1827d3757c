#pragma once
// reconcile(policy key), the five steps of every RollbackPolicy evaluation:
//   observe  the policy, its Deployment, the Deployment's ReplicaSets and the new pods (stores)
//   measure  every SLO that is due, concurrently and time-bounded (SloEvaluator)
//   decide   decide(policy, observation, measurements, previous status, now): pure
//   act      the rollback / hold / release patch, preconditioned on the Deployment's resourceVersion;
//            a rollback's intent is written to status first, so a crash in between is resumed
//   record   the status (only when something moved), an Event per decision, metrics
// It owns no sockets or threads: the client, the stores and the evaluator are handed in.
#include <prometheus/registry.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kube/client.hpp"
#include "rollguard/cluster_cache.hpp"
#include "runtime/controller.hpp"
#include "runtime/event_recorder.hpp"

namespace rollguard {

class ControllerMetrics;
class Notifier;
struct Decision;
struct EventNote;
struct Observation;
struct Policy;
struct PolicyOrErrors;
struct PolicyStatus;
struct Measurement;
namespace measure {
class SloEvaluator;
}

struct ReconcilerContext {
  std::shared_ptr<kube::Client> client;
  const ClusterView* cluster = nullptr;
  runtime::EventRecorder* events = nullptr;
  std::shared_ptr<runtime::Clock> clock;
  std::shared_ptr<prometheus::Registry> registry;
  // False once this replica is not the leader: every mutating call checks it right before writing.
  std::function<bool()> may_write;
  int max_measurements = 32;
  boost::asio::any_io_executor executor;
  // Delivers status.notifications' outbox off the reconcile path; null: nothing is sent.
  std::shared_ptr<Notifier> notifier;
};

class PolicyReconciler {
 public:
  explicit PolicyReconciler(ReconcilerContext context);
  ~PolicyReconciler();

  boost::asio::awaitable<runtime::ReconcileResult> operator()(runtime::Request request);
  // The per-policy metric families (ControllerMetrics::append_text), for /metrics.
  void append_metrics_text(std::string& out) const;

 private:
  struct Memory;  // per policy: when it last measured, what the last decision asked for
  using Patched = boost::system::result<bool, runtime::ReconcileError>;  // false: precondition failed

  bool due(const Policy& policy, const Observation& observation, const Memory& memory) const;
  boost::asio::awaitable<std::vector<Measurement>> measure(const Policy& policy,
                                                           const Observation& observation,
                                                           const PolicyStatus& previous);
  boost::asio::awaitable<kube::Result<void>> write_status(const boost::json::object& policy,
                                                          boost::json::object status);
  // status_path: "/status", or "/status/targets/N" for a grouped policy's member.
  boost::asio::awaitable<void> record_patch_failure(const Policy& policy, const Decision& decision,
                                                    const kube::Error& error, const std::string& status_path);
  std::optional<Observation> observe_target(const std::string& ns, const std::string& name,
                                            runtime::ObjectPtr& deployment,
                                            std::vector<runtime::ObjectPtr>& replica_sets) const;
  bool waiting_for_deployment_controller(const std::string& key, const Observation& observation,
                                         Memory& memory) const;
  // The rollback, hold or release of a decision; a result when the round must end with it.
  boost::asio::awaitable<std::optional<runtime::ReconcileResult>> act(
      const Policy& policy, Memory& memory, const runtime::ObjectPtr& deployment,
      const std::vector<runtime::ObjectPtr>& replica_sets, const Decision& decision,
      runtime::Clock::time_point decided_at, const std::string& status_path);
  // A grouped policy (targetRefs / targetSelector): every member judged, one status write.
  boost::asio::awaitable<runtime::ReconcileResult> reconcile_group(const runtime::Request& request,
                                                                   const runtime::ObjectPtr& object,
                                                                   const PolicyOrErrors& parsed);
  // Metrics, notifier state and memory of a group's members that are no longer in `keep`.
  void forget_members(const std::string& ns, const std::string& name, const std::vector<std::string>& keep);
  boost::asio::awaitable<Patched> patch_deployment(const boost::json::object& deployment,
                                                   const std::optional<boost::json::array>& patch,
                                                   const char* what);
  boost::asio::awaitable<Patched> roll_back(const Policy& policy, const boost::json::object& deployment,
                                            const std::vector<runtime::ObjectPtr>& replica_sets,
                                            const Decision& decision);
  void record_event(const boost::json::object& policy, const boost::json::object* deployment,
                    const EventNote& note);

  ReconcilerContext context_;
  std::unique_ptr<ControllerMetrics> metrics_;
  std::unique_ptr<measure::SloEvaluator> evaluator_;
  std::map<std::string, std::unique_ptr<Memory>> memory_;
};

}  // namespace rollguard
