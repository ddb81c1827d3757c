// Decoding a 10,000-Deployment list (~15 MB of realistic JSON) into Boost.JSON: the work a relist
// of a large cluster costs the controller. Reports MB/s (target: >= 150 MB/s on one core).
#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#include "deployment_list_fixture.hpp"

namespace {
namespace json = boost::json;

const std::string& list_10k() {
  static const std::string list = rollguard::bench::make_deployment_list(10000);
  return list;
}

// Default allocator: what kube::Client::call() does today.
void BM_ParseDeploymentList(benchmark::State& state) {
  const auto& text = list_10k();
  for (auto _ : state) {
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    if (ec || value.at("items").as_array().size() != 10000) state.SkipWithError("bad parse");
    benchmark::DoNotOptimize(value);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["list_MB"] = static_cast<double>(text.size()) / 1e6;
}
BENCHMARK(BM_ParseDeploymentList)->Unit(benchmark::kMillisecond);

// A monotonic arena for the whole document: the option for a one-shot relist buffer.
void BM_ParseDeploymentListMonotonic(benchmark::State& state) {
  const auto& text = list_10k();
  for (auto _ : state) {
    json::monotonic_resource arena;
    json::parse_options options;
    boost::system::error_code ec;
    json::value value = json::parse(text, ec, &arena, options);
    if (ec) state.SkipWithError("bad parse");
    benchmark::DoNotOptimize(value);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseDeploymentListMonotonic)->Unit(benchmark::kMillisecond);

// Stream parser fed in 64 KiB pieces, as the bytes arrive from the socket.
void BM_StreamParseDeploymentList(benchmark::State& state) {
  const auto& text = list_10k();
  for (auto _ : state) {
    json::stream_parser parser;
    boost::system::error_code ec;
    for (std::size_t offset = 0; offset < text.size() && !ec; offset += 65536) {
      parser.write(text.data() + offset, std::min<std::size_t>(65536, text.size() - offset), ec);
    }
    if (!ec) parser.finish(ec);
    if (ec) state.SkipWithError("bad parse");
    json::value value = parser.release();
    benchmark::DoNotOptimize(value);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_StreamParseDeploymentList)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
