// Store memory per cached object against its JSON size on the wire, and event throughput through
// watcher step -> store -> work queue, with 10k realistic Deployments. Prints figures; no pass/fail.
//   build/bin/runtime_store_bench
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstdlib>
#include <new>

#include "deployment_list_fixture.hpp"
#include "runtime/controller.hpp"
#include "runtime/store.hpp"
#include "runtime/watcher.hpp"
#include "runtime/work_queue.hpp"

// Live heap bytes, counted by replacing the global allocation functions in this binary.
namespace {
std::atomic<long long> g_live_bytes{0};
void* counted_alloc(std::size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  g_live_bytes += static_cast<long long>(malloc_usable_size(p));
  return p;
}
void counted_free(void* p) noexcept {
  if (!p) return;
  g_live_bytes -= static_cast<long long>(malloc_usable_size(p));
  std::free(p);
}
}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }

namespace rollguard::runtime {
namespace {

constexpr int kObjects = 10000;

std::vector<std::string> wire_objects() {
  std::vector<std::string> out;
  out.reserve(kObjects);
  for (int i = 0; i < kObjects; ++i) out.push_back(bench::make_deployment(i));
  return out;
}

void BM_StoreBytesPerObject(benchmark::State& state) {
  const bool transform = state.range(0) != 0;  // strip_for_cache or nothing
  const auto wire = wire_objects();
  double json_bytes = 0;
  for (auto& w : wire) json_bytes += static_cast<double>(w.size());
  double cached = 0;
  for (auto _ : state) {
    const long long before = g_live_bytes.load();
    auto writer = std::make_unique<Writer>(transform ? Transform(strip_for_cache) : Transform(nullptr));
    writer->apply({watcher::EventType::InitStart, nullptr});
    for (auto& w : wire) {
      auto object = std::make_shared<const boost::json::object>(boost::json::parse(w).as_object());
      writer->apply({watcher::EventType::InitApply, std::move(object)});
    }
    writer->apply({watcher::EventType::InitDone, nullptr});
    cached = static_cast<double>(g_live_bytes.load() - before);
    benchmark::DoNotOptimize(writer->store().size());
  }
  state.counters["json_bytes_per_object"] = json_bytes / kObjects;
  state.counters["cached_bytes_per_object"] = cached / kObjects;
  state.counters["cached_over_json"] = cached / json_bytes;
}
BENCHMARK(BM_StoreBytesPerObject)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("transform")
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// MODIFIED events for 10k objects through step -> Writer::apply -> controller handler -> queue add.
void BM_EventThroughput(benchmark::State& state) {
  const auto wire = wire_objects();
  std::vector<kube::WatchEvent> events;
  events.reserve(wire.size());
  for (auto& w : wire) events.push_back({kube::WatchEventType::Modified, boost::json::parse(w).as_object()});
  auto clock = std::make_shared<FakeClock>();
  std::int64_t processed = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Writer writer;
    WorkQueue queue(clock);
    auto copies = events;
    watcher::State machine = watcher::Watching{"1"};
    auto sink = apply_and_notify(writer, {[&queue](const std::vector<Change>& changes) {
                                   for (auto& c : changes) {
                                     if (c.new_object) queue.add(object_key(*c.new_object));
                                   }
                                 }});
    state.ResumeTiming();
    for (auto& e : copies) {
      auto result = watcher::step(machine, watcher::WatchReceived{std::move(e)});
      for (auto& ev : result.events) sink(ev);
      machine = std::move(result.next);
    }
    processed += static_cast<std::int64_t>(copies.size());
    benchmark::DoNotOptimize(queue.len());
  }
  state.SetItemsProcessed(processed);
}
BENCHMARK(BM_EventThroughput)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rollguard::runtime

BENCHMARK_MAIN();
