// Store memory per cached object against its JSON size on the wire (10,000 Deployments, 30,000
// ReplicaSets, realistic: see deployment_list_fixture.hpp), and event throughput through watcher
// step -> store -> work queue with 10k Deployments. Prints figures; no pass/fail.
//   build/bin/runtime_store_bench
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstdlib>
#include <cstring>
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

constexpr int kDeployments = 10000;
constexpr int kRevisions = 3;  // ReplicaSets kept per Deployment: 30,000 in all

enum Kind { kDeployment, kReplicaSet };
enum Cached { kAsReceived, kStripped, kSlim };

std::vector<std::string> wire_objects(Kind kind) {
  std::vector<std::string> out;
  for (int i = 0; i < kDeployments; ++i) {
    if (kind == kDeployment) {
      out.push_back(bench::make_deployment(i));
    } else {
      for (int r = 1; r <= kRevisions; ++r) out.push_back(bench::make_replicaset(i, r, kRevisions));
    }
  }
  return out;
}

Transform transform_for(Kind kind, Cached cached) {
  switch (cached) {
    case kAsReceived:
      return nullptr;
    case kStripped:
      return strip_for_cache;
    case kSlim:
      return kind == kDeployment ? Transform(slim_deployment) : Transform(slim_replicaset);
  }
  return nullptr;
}

struct Cache {
  std::unique_ptr<Writer> writer;
  long long bytes = 0;  // live heap bytes the writer holds, objects, maps and indexes included
};

// Lists `wire` into a new Writer as a watcher's initial list does, each object decoded as the watcher
// decodes it; the decoded object is released once the transform has copied what it keeps.
Cache fill(const std::vector<std::string>& wire, Transform transform, Storage storage) {
  Cache cache;
  const long long before = g_live_bytes.load();
  cache.writer = std::make_unique<Writer>(std::move(transform), storage);
  cache.writer->apply({watcher::EventType::InitStart, nullptr});
  for (auto& w : wire) {
    auto object = std::make_shared<const boost::json::object>(boost::json::parse(w).as_object());
    cache.writer->apply({watcher::EventType::InitApply, std::move(object)});
  }
  cache.writer->apply({watcher::EventType::InitDone, nullptr});
  cache.bytes = g_live_bytes.load() - before;
  return cache;
}

double sum_sizes(const std::vector<std::string>& wire) {
  double total = 0;
  for (auto& w : wire) total += static_cast<double>(w.size());
  return total;
}

// Args: kind (0 Deployment, 1 ReplicaSet), cached (0 as received, 1 strip_for_cache, 2 slim_*),
// storage (0 Text: JSON text at rest, 1 Shared: compact objects).
// cached_over_json compares with the full object's JSON, cached_over_kept with the JSON of what is kept.
void BM_StoreBytesPerObject(benchmark::State& state) {
  const auto kind = static_cast<Kind>(state.range(0));
  const auto wire = wire_objects(kind);
  const double n = static_cast<double>(wire.size());
  const double json_bytes = sum_sizes(wire);
  double cached = 0;
  double kept_json = 0;
  for (auto _ : state) {
    auto cache = fill(wire, transform_for(kind, static_cast<Cached>(state.range(1))),
                      static_cast<Storage>(state.range(2)));
    cached = static_cast<double>(cache.bytes);
    kept_json = 0;
    for (auto& object : cache.writer->store().list()) {
      kept_json += static_cast<double>(boost::json::serialize(*object).size());
    }
    benchmark::DoNotOptimize(cache.writer->store().size());
  }
  state.counters["objects"] = n;
  state.counters["json_bytes_per_object"] = json_bytes / n;
  state.counters["kept_json_bytes_per_object"] = kept_json / n;
  state.counters["cached_bytes_per_object"] = cached / n;
  state.counters["cached_over_json"] = cached / json_bytes;
  state.counters["cached_over_kept"] = cached / kept_json;
}
BENCHMARK(BM_StoreBytesPerObject)
    ->ArgsProduct({{kDeployment, kReplicaSet},
                   {kAsReceived, kStripped, kSlim},
                   {static_cast<int>(Storage::Text), static_cast<int>(Storage::Shared)}})
    ->ArgNames({"kind", "cached", "storage"})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// One replica's whole cache: 10,000 Deployments and 30,000 ReplicaSets, in MiB. Args: cached, storage.
void BM_StoreTotal(benchmark::State& state) {
  const auto cached = static_cast<Cached>(state.range(0));
  const auto storage = static_cast<Storage>(state.range(1));
  const auto deployments = wire_objects(kDeployment);
  const auto replicasets = wire_objects(kReplicaSet);
  const double json_bytes = sum_sizes(deployments) + sum_sizes(replicasets);
  double bytes = 0;
  for (auto _ : state) {
    auto d = fill(deployments, transform_for(kDeployment, cached), storage);
    auto r = fill(replicasets, transform_for(kReplicaSet, cached), storage);
    bytes = static_cast<double>(d.bytes + r.bytes);
    benchmark::DoNotOptimize(d.writer->store().size() + r.writer->store().size());
  }
  constexpr double kMiB = 1024.0 * 1024.0;
  state.counters["json_MiB"] = json_bytes / kMiB;
  state.counters["cached_MiB"] = bytes / kMiB;
  state.counters["cached_over_json"] = bytes / json_bytes;
}
BENCHMARK(BM_StoreTotal)
    ->ArgsProduct({{kAsReceived, kStripped, kSlim},
                   {static_cast<int>(Storage::Text), static_cast<int>(Storage::Shared)}})
    ->ArgNames({"cached", "storage"})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// The floor under Storage::Text: the slimmed objects kept as their JSON text (one exact-size block each,
// no maps or indexes) and parsed again on every read. Arg: kind. Reports bytes per object and the
// cost of one read (a plain heap parse; the store parses into one block, see BM_StoreRead).
void BM_SerializedAtRest(benchmark::State& state) {
  const auto kind = static_cast<Kind>(state.range(0));
  const auto wire = wire_objects(kind);
  const double n = static_cast<double>(wire.size());
  const auto transform = transform_for(kind, kSlim);
  std::vector<std::unique_ptr<char[]>> texts;
  std::vector<std::size_t> sizes;
  texts.reserve(wire.size());
  sizes.reserve(wire.size());
  const long long before = g_live_bytes.load();
  for (auto& w : wire) {
    auto text = boost::json::serialize(
        *transform(std::make_shared<const boost::json::object>(boost::json::parse(w).as_object())));
    texts.push_back(std::make_unique<char[]>(text.size()));
    std::memcpy(texts.back().get(), text.data(), text.size());
    sizes.push_back(text.size());
  }
  const double bytes =
      static_cast<double>(g_live_bytes.load() - before) -
      static_cast<double>(texts.capacity() * sizeof(texts[0]) + sizes.capacity() * sizeof(sizes[0]));
  std::size_t i = 0;
  for (auto _ : state) {
    auto object = boost::json::parse(boost::json::string_view(texts[i].get(), sizes[i]));
    benchmark::DoNotOptimize(object.as_object().size());
    i = (i + 1) % texts.size();
  }
  state.counters["at_rest_bytes_per_object"] = bytes / n;
  state.counters["at_rest_over_json"] = bytes / sum_sizes(wire);
}
BENCHMARK(BM_SerializedAtRest)->Arg(kDeployment)->Arg(kReplicaSet)->ArgName("kind");

// Reads from one replica's slim cache (10k Deployments, 30k ReplicaSets). Args: read (0 get of one
// Deployment by key, 1 by_index "owner" of one Deployment = its 3 ReplicaSets), storage.
// Text mode parses each object read; read_bytes_per_object is what one read allocates (its parse
// block) and exact_over_text the size of a compact() copy of it over its text (the block it needs).
void BM_StoreRead(benchmark::State& state) {
  const bool by_owner = state.range(0) == 1;
  const auto storage = static_cast<Storage>(state.range(1));
  const auto deployments = wire_objects(kDeployment);
  const auto replicasets = wire_objects(kReplicaSet);
  auto d = fill(deployments, transform_for(kDeployment, kSlim), storage);
  auto r = fill(replicasets, transform_for(kReplicaSet, kSlim), storage);
  std::vector<std::string> keys;
  std::vector<std::string> uids;
  for (auto& w : deployments) {
    auto object = boost::json::parse(w).as_object();
    keys.push_back(object_key(object));
    uids.emplace_back(object.at("metadata").at("uid").as_string());
  }
  const Store deployment_store = d.writer->store();
  const Store replicaset_store = r.writer->store();
  std::size_t i = 0;
  std::int64_t objects = 0;
  for (auto _ : state) {
    if (by_owner) {
      auto owned = replicaset_store.by_index(kOwnerIndex, uids[i]);
      objects += static_cast<std::int64_t>(owned.size());
      benchmark::DoNotOptimize(owned.data());
    } else {
      auto object = deployment_store.get(keys[i]);
      objects += object ? 1 : 0;
      benchmark::DoNotOptimize(object.get());
    }
    i = (i + 1) % keys.size();
  }
  state.counters["objects_per_read"] = static_cast<double>(objects) / static_cast<double>(state.iterations());
  const Store& sample_store = by_owner ? replicaset_store : deployment_store;
  double read_bytes = 0;
  double exact_bytes = 0;
  double text_bytes = 0;
  for (std::size_t k = 0; k < 100; ++k) {
    auto before = g_live_bytes.load();
    auto object = by_owner ? sample_store.by_index(kOwnerIndex, uids[k]).at(0) : sample_store.get(keys[k]);
    read_bytes += static_cast<double>(g_live_bytes.load() - before);
    before = g_live_bytes.load();
    auto exact = compact(*object);
    exact_bytes += static_cast<double>(g_live_bytes.load() - before);
    text_bytes += static_cast<double>(boost::json::serialize(*object).size());
  }
  state.counters["read_bytes_per_object"] = read_bytes / 100;
  state.counters["exact_over_text"] = exact_bytes / text_bytes;
}
BENCHMARK(BM_StoreRead)
    ->ArgsProduct({{0, 1}, {static_cast<int>(Storage::Text), static_cast<int>(Storage::Shared)}})
    ->ArgNames({"by_owner", "storage"});

// MODIFIED events for 10k Deployments, all already cached (so Text mode parses each previous object
// for its Change), through step -> Writer::apply (transform included) -> controller handler -> queue
// add. Args: cached (0 as received, 1 strip_for_cache, 2 slim_deployment),
// storage (0 Text, 1 Shared).
void BM_EventThroughput(benchmark::State& state) {
  const auto wire = wire_objects(kDeployment);
  const auto transform = transform_for(kDeployment, static_cast<Cached>(state.range(0)));
  const auto storage = static_cast<Storage>(state.range(1));
  std::vector<kube::WatchEvent> events;
  events.reserve(wire.size());
  for (auto& w : wire) events.push_back({kube::WatchEventType::Modified, boost::json::parse(w).as_object()});
  std::vector<ObjectPtr> initial;
  for (auto& w : wire)
    initial.push_back(std::make_shared<const boost::json::object>(boost::json::parse(w).as_object()));
  auto clock = std::make_shared<FakeClock>();
  std::int64_t processed = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Writer writer(transform, storage);
    writer.apply({watcher::EventType::InitStart, nullptr});
    for (auto& o : initial) writer.apply({watcher::EventType::InitApply, o});
    writer.apply({watcher::EventType::InitDone, nullptr});
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
BENCHMARK(BM_EventThroughput)
    ->ArgsProduct({{kAsReceived, kStripped, kSlim},
                   {static_cast<int>(Storage::Text), static_cast<int>(Storage::Shared)}})
    ->ArgNames({"cached", "storage"})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rollguard::runtime

BENCHMARK_MAIN();
