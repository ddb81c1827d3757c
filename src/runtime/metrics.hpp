#pragma once
// Prometheus metrics of the runtime, named as controller-runtime names them so existing dashboards
// and alerts apply: workqueue_* (per queue "name" label), controller_runtime_reconcile_* and
// rollguard_watcher_* for the watchers.
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "runtime/work_queue.hpp"

namespace rollguard::runtime {

// Hooks for a WorkQueue that update workqueue_depth, workqueue_adds_total,
// workqueue_queue_duration_seconds, workqueue_work_duration_seconds and workqueue_retries_total.
QueueMetrics prometheus_queue_metrics(prometheus::Registry& registry, const std::string& name);

// Counters a watcher driver updates (relists, errors, events) through a WatcherObserver.
struct WatcherMetrics {
  std::function<void()> relist;
  std::function<void()> error;
  std::function<void()> event;
};
WatcherMetrics prometheus_watcher_metrics(prometheus::Registry& registry, const std::string& resource);

// Renders the registry in the Prometheus text exposition format (version 0.0.4).
std::string serialize_metrics(const prometheus::Registry& registry);

}  // namespace rollguard::runtime
