// Arbitrary error bodies from an API server decode into a Status without crashing.
#include <boost/json.hpp>
#include <cstdint>

#include "kube/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  boost::system::error_code ec;
  auto value = boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec) return 0;
  auto status = rollguard::kube::Status::from_json(value, size % 600);
  auto error = rollguard::kube::Error::from_status(status);
  (void)error.describe();
  (void)error.is_transient();
  (void)status.to_json();
  return 0;
}
