// The controllers behind kube-sim's API (the kube-controller-manager and kubelet of this small
// cluster): Deployment, ReplicaSet, Job and pod lifecycle. They learn about changes through a
// WatchSink that only enqueues keys; the queue drains in handlers posted to the io_context, never
// inside the sink callback (the store calls sinks in the middle of a write). Writes go through
// ApiServer::handle (see ApiClient). Single-threaded, on the server's io_context.
//
// By default pods do not run processes: each gets spec.nodeName, status.phase Running, its own 127.0.x.y
// podIP, then Ready after `pod_ready_delay`. Pods whose image contains `never_ready_marker` stay
// unready forever (for ProgressDeadlineExceeded tests). Job pods succeed after the ready delay.
// With `targets_file`, ready pods with a container port are listed there for Prometheus (file_sd),
// rewritten whenever a pod changes. With `pod_runner`, pods of listed images run as real processes
// (pod_runner.hpp) and their readiness comes from their readiness probes. Each resync also deletes objects
// whose controlling owner no longer exists (the API server already cascades deletions it performs itself).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <compare>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "api_client.hpp"
#include "api_server.hpp"
#include "deployment_status.hpp"
#include "owner_index.hpp"
#include "pod_ip_allocator.hpp"
#include "pod_runner.hpp"

namespace kubesim::cluster {

struct ClusterOptions {
  std::chrono::milliseconds pod_start_delay{0};    // created -> Running
  std::chrono::milliseconds pod_ready_delay{500};  // Running -> Ready (and Job pods -> Succeeded)
  std::chrono::milliseconds resync{30000};         // every object re-examined this often
  std::string never_ready_marker = "never-ready";
  std::string node_name = "kube-sim";
  std::string targets_file;                    // Prometheus file_sd output for ready pods; empty = none
  RunnerConfig pod_runner;                     // image -> command (see pod_runner.hpp); empty = no processes
  std::chrono::milliseconds kill_grace{2000};  // SIGTERM -> SIGKILL for pod processes
};

class Cluster {
 public:
  // `token` is the server's bearer token (empty when it runs without authentication).
  Cluster(boost::asio::any_io_executor executor, ApiServer& api, std::string token,
          ClusterOptions options = {}, Clock clock = {});
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Subscribes to the store and queues every existing object (also after a state-file restore).
  void start();
  // Stops reconciling, cancels timers and terminates pod processes (SIGTERM, then SIGKILL after the
  // grace period; blocks at most that long). In-flight handlers become no-ops.
  void shutdown();

  enum class Kind { Deployment, ReplicaSet, Pod, Job };
  struct Item {
    Kind kind;
    std::string ns, name;
    auto operator<=>(const Item&) const = default;
  };

 private:
  class Sink;
  friend class Sink;

  void on_event(const WatchEvent& event);
  void enqueue(Item item);
  void enqueue_after(const Item& item, std::chrono::milliseconds delay);
  void enqueue_all();
  void drain();
  void schedule_resync();
  void sync(const Item& item);
  void write_targets();
  // Objects of one resource whose controlling owner has this uid.
  std::vector<ObjectPtr> owned(const std::string& owner_uid, const std::string& resource) const;
  // garbage_collector.cpp
  void collect_orphans();
  TimePoint now() const { return clock_(); }

  // deployment_controller.cpp
  void sync_deployment(const std::string& ns, const std::string& name);
  // replicaset_controller.cpp
  void sync_replicaset(const std::string& ns, const std::string& name);
  // pod_lifecycle.cpp
  void sync_pod(const std::string& ns, const std::string& name);
  // Status of a pod whose image runs as a process; false when the pod is not the runner's.
  bool sync_pod_process(const boost::json::object& pod);
  bool runs_process(const boost::json::object& pod) const;
  // job_controller.cpp
  void sync_job(const std::string& ns, const std::string& name);

  boost::asio::any_io_executor executor_;
  ApiServer& api_;
  ApiClient client_;
  ClusterOptions options_;
  Clock clock_;
  std::shared_ptr<Sink> sink_;
  std::shared_ptr<bool> alive_;
  bool stopped_ = false;
  bool drain_posted_ = false;
  bool targets_dirty_ = true;
  std::vector<Item> queue_;
  std::set<Item> queued_;
  std::map<Item, std::shared_ptr<boost::asio::steady_timer>> delayed_;
  std::unique_ptr<boost::asio::steady_timer> resync_timer_;
  PodIpAllocator ips_;
  OwnerIndex owners_;
  std::unique_ptr<PodRunner> runner_;
  std::map<std::string, TimePoint> pod_started_;  // uid -> when it became Running (sub-second)
};

}  // namespace kubesim::cluster
