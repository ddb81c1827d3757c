#pragma once
// Prometheus metrics of the runtime, named as controller-runtime names them so existing dashboards
// and alerts apply. Each function registers its families in the registry and returns the hooks that
// update them; the hooks refer to the registry's series, so the registry must outlive them.
//   workqueue_depth, _adds_total, _queue_duration_seconds, _work_duration_seconds, _retries_total
//     {name}                       prometheus_queue_metrics -> Controller's QueueMetrics
//   controller_runtime_reconcile_total{controller,result}, _reconcile_errors_total{controller},
//   controller_runtime_reconcile_time_seconds{controller}
//                                  prometheus_reconcile_metrics -> ControllerOptions::metrics
//   rollguard_watcher_relists_total, _watch_restarts_total, _errors_total, _events_total{resource}
//                                  prometheus_watcher_metrics -> watcher_observer() -> run_watcher
//   leader_election_master_status{name}
//                                  prometheus_leader_metric -> the leader callbacks
#include <prometheus/registry.h>

#include <functional>
#include <memory>
#include <string>

#include "runtime/controller.hpp"
#include "runtime/watcher_driver.hpp"
#include "runtime/work_queue.hpp"

namespace rollguard::runtime {

// Hooks for a WorkQueue that update workqueue_depth, workqueue_adds_total,
// workqueue_queue_duration_seconds, workqueue_work_duration_seconds and workqueue_retries_total.
QueueMetrics prometheus_queue_metrics(prometheus::Registry& registry, const std::string& name);

// controller_runtime_reconcile_* for one controller; the four result series start at 0.
ReconcileMetrics prometheus_reconcile_metrics(prometheus::Registry& registry, const std::string& controller);

// Counters a watcher driver updates through a WatcherObserver (watcher_observer()).
struct WatcherMetrics {
  std::function<void()> relist;         // a list from scratch started (initial sync, 410 Gone)
  std::function<void()> error;          // a failed list or watch step (a backoff follows)
  std::function<void()> event;          // an event handed to the sink
  std::function<void()> watch_restart;  // a watch re-opened from the last resourceVersion
};
WatcherMetrics prometheus_watcher_metrics(prometheus::Registry& registry, const std::string& resource);
// An observer that updates metrics, then calls the hooks of `then` (for logs).
WatcherObserver watcher_observer(WatcherMetrics metrics, WatcherObserver then = {});

// leader_election_master_status{name=lease}, as client-go names it: 1 while this process leads, 0
// before and after (a process without election leads from the start). Returns its setter.
std::function<void(bool)> prometheus_leader_metric(prometheus::Registry& registry, const std::string& lease);

// Renders the registry in the Prometheus text exposition format (version 0.0.4).
std::string serialize_metrics(const prometheus::Registry& registry);

}  // namespace rollguard::runtime
