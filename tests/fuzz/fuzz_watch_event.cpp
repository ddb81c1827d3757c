// Arbitrary bytes from a watch stream: framing + event decoding must never crash or hang.
#include <cstdint>
#include <string_view>
#include <vector>

#include "kube/watch_event.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  rollguard::kube::LineFramer framer(4096);
  std::vector<std::string> lines;
  // Split at a data-dependent point so chunk boundaries are fuzzed too.
  const std::size_t split = size ? data[0] % (size + 1) : 0;
  (void)framer.feed(input.substr(0, split), lines);
  (void)framer.feed(input.substr(split), lines);
  for (const auto& line : lines) {
    auto event = rollguard::kube::parse_watch_event(line);
    if (event && event->type == rollguard::kube::WatchEventType::Error) (void)event->error().describe();
    if (event) (void)event->resource_version();
  }
  return 0;
}
