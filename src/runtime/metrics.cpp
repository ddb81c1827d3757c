#include "runtime/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/text_serializer.h>

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
  return WatcherMetrics{[&relists] { relists.Increment(); }, [&errors] { errors.Increment(); },
                        [&events] { events.Increment(); }};
}

std::string serialize_metrics(const prometheus::Registry& registry) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry.Collect());
  return out.str();
}

}  // namespace rollguard::runtime
