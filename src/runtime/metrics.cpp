#include "runtime/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/text_serializer.h>

#include <map>
#include <sstream>

namespace rollguard::runtime {

namespace {

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// controller-runtime's workqueue buckets: 1 µs .. 10^3 s in decades.
prometheus::Histogram::BucketBoundaries duration_buckets() {
  return {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000};
}

}  // namespace

QueueMetrics prometheus_queue_metrics(prometheus::Registry& registry, const std::string& name) {
  const prometheus::Labels labels{{"name", name}};
  auto& depth = prometheus::BuildGauge()
                    .Name("workqueue_depth")
                    .Help("Current depth of workqueue")
                    .Register(registry)
                    .Add(labels);
  auto& adds = prometheus::BuildCounter()
                   .Name("workqueue_adds_total")
                   .Help("Total number of adds handled by workqueue")
                   .Register(registry)
                   .Add(labels);
  auto& latency = prometheus::BuildHistogram()
                      .Name("workqueue_queue_duration_seconds")
                      .Help("How long in seconds an item stays in workqueue before being requested")
                      .Register(registry)
                      .Add(labels, duration_buckets());
  auto& work = prometheus::BuildHistogram()
                   .Name("workqueue_work_duration_seconds")
                   .Help("How long in seconds processing an item from workqueue takes")
                   .Register(registry)
                   .Add(labels, duration_buckets());
  auto& retries = prometheus::BuildCounter()
                      .Name("workqueue_retries_total")
                      .Help("Total number of retries handled by workqueue")
                      .Register(registry)
                      .Add(labels);
  QueueMetrics metrics;
  metrics.depth = [&depth](std::size_t n) { depth.Set(static_cast<double>(n)); };
  metrics.add = [&adds] { adds.Increment(); };
  metrics.queue_latency = [&latency](Clock::duration d) { latency.Observe(seconds(d)); };
  metrics.work_duration = [&work](Clock::duration d) { work.Observe(seconds(d)); };
  metrics.retry = [&retries] { retries.Increment(); };
  return metrics;
}

WatcherMetrics prometheus_watcher_metrics(prometheus::Registry& registry, const std::string& resource) {
  const prometheus::Labels labels{{"resource", resource}};
  auto& relists = prometheus::BuildCounter()
                      .Name("rollguard_watcher_relists_total")
                      .Help("Full lists started by the watcher (initial sync, 410 Gone, expired continue)")
                      .Register(registry)
                      .Add(labels);
  auto& errors = prometheus::BuildCounter()
                     .Name("rollguard_watcher_errors_total")
                     .Help("Failed list or watch steps (each followed by a backoff)")
                     .Register(registry)
                     .Add(labels);
  auto& events = prometheus::BuildCounter()
                     .Name("rollguard_watcher_events_total")
                     .Help("Events emitted by the watcher")
                     .Register(registry)
                     .Add(labels);
  auto& restarts =
      prometheus::BuildCounter()
          .Name("rollguard_watcher_watch_restarts_total")
          .Help("Watches re-opened from the last resourceVersion (server timeout, cut stream, idle)")
          .Register(registry)
          .Add(labels);
  return WatcherMetrics{[&relists] { relists.Increment(); }, [&errors] { errors.Increment(); },
                        [&events] { events.Increment(); }, [&restarts] { restarts.Increment(); }};
}

WatcherObserver watcher_observer(WatcherMetrics metrics, WatcherObserver then) {
  WatcherObserver out = std::move(then);
  auto chain = [](std::function<void()> count, auto next) {
    return [count = std::move(count), next = std::move(next)](const auto&... args) {
      if (count) count();
      if (next) next(args...);
    };
  };
  out.on_relist = chain(std::move(metrics.relist), std::move(out.on_relist));
  out.on_error = chain(std::move(metrics.error), std::move(out.on_error));
  out.on_event = chain(std::move(metrics.event), std::move(out.on_event));
  out.on_watch_restart = chain(std::move(metrics.watch_restart), std::move(out.on_watch_restart));
  return out;
}

std::function<void(bool)> prometheus_leader_metric(prometheus::Registry& registry, const std::string& lease) {
  auto& gauge = prometheus::BuildGauge()
                    .Name("leader_election_master_status")
                    .Help("1 while this process is the leader of the Lease `name`, 0 otherwise")
                    .Register(registry)
                    .Add({{"name", lease}});
  return [&gauge](bool leading) { gauge.Set(leading ? 1 : 0); };
}

ReconcileMetrics prometheus_reconcile_metrics(prometheus::Registry& registry, const std::string& controller) {
  auto& totals = prometheus::BuildCounter()
                     .Name("controller_runtime_reconcile_total")
                     .Help("Total number of reconciliations per controller")
                     .Register(registry);
  // Created up front so a dashboard's rate() sees every result from the first scrape.
  std::map<std::string, prometheus::Counter*, std::less<>> by_result;
  for (const char* result : {"success", "error", "requeue", "requeue_after"}) {
    by_result[result] = &totals.Add({{"controller", controller}, {"result", result}});
  }
  auto& errors = prometheus::BuildCounter()
                     .Name("controller_runtime_reconcile_errors_total")
                     .Help("Total number of reconciliation errors per controller")
                     .Register(registry)
                     .Add({{"controller", controller}});
  // controller-runtime's reconcile_time buckets.
  auto& durations =
      prometheus::BuildHistogram()
          .Name("controller_runtime_reconcile_time_seconds")
          .Help("Length of time per reconciliation per controller")
          .Register(registry)
          .Add({{"controller", controller}},
               prometheus::Histogram::BucketBoundaries{
                   0.005, 0.01, 0.025, 0.05, 0.1,  0.15, 0.2,  0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6,
                   0.7,   0.8,  0.9,   1.0,  1.25, 1.5,  1.75, 2.0,  2.5, 3.0,  3.5, 4.0,  4.5, 5,
                   6,     7,    8,     9,    10,   15,   20,   25,   30,  40,   50,  60});
  ReconcileMetrics metrics;
  metrics.reconcile = [by_result = std::move(by_result)](std::string_view result) {
    if (auto it = by_result.find(result); it != by_result.end()) it->second->Increment();
  };
  metrics.error = [&errors] { errors.Increment(); };
  metrics.reconcile_time = [&durations](Clock::duration d) { durations.Observe(seconds(d)); };
  return metrics;
}

std::string serialize_metrics(const prometheus::Registry& registry) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry.Collect());
  return out.str();
}

}  // namespace rollguard::runtime
