#pragma once
// The faults real clusters produce, on demand: a share of requests (by verb and resource) answered
// with 500, 503 or 429 + Retry-After; added latency; every watch cut after N seconds; connections
// refused for a while. Configured by flags or through the admin endpoint as JSON:
//
//   {"errors": [{"verb": "list", "resource": "deployments", "share": 0.1, "code": 429,
//                "retryAfterSeconds": 1}],
//    "delays": [{"verb": "patch", "resource": "deployments", "ms": 10000}],
//    "latencyMs": 50, "watchCutSeconds": 1, "refuseConnectionsSeconds": 5}
//
// A delay holds a matching request that long and then serves it, even if its client has gone
// meanwhile (an API server applies a request it has read): a write "in flight" when its client dies.
//
// verb is one of get, list, watch, create, update, patch, delete, deletecollection or "*";
// resource is a plural resource name or "*". Compaction (forcing 410s) is a separate admin action
// because it acts on the store, not on requests.
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kubesim::faults {

struct ErrorRule {
  std::string verb = "*";
  std::string resource = "*";
  double share = 0;             // 0..1
  int code = 500;               // 500 | 503 | 429 (and any other 5xx)
  int retry_after_seconds = 1;  // 429 / 503 only
};

struct DelayRule {
  std::string verb = "*";
  std::string resource = "*";
  std::chrono::milliseconds delay{0};
};

struct FaultConfig {
  std::vector<ErrorRule> errors;
  std::vector<DelayRule> delays;
  std::chrono::milliseconds latency{0};
  std::chrono::milliseconds watch_cut{0};  // 0 = never cut
  // An action rather than a lasting setting: refuse new connections for this long from now on.
  std::chrono::milliseconds refuse_connections{0};
};

// What to answer instead of serving the request.
struct InjectedError {
  int code = 500;
  std::string reason;  // InternalError | ServiceUnavailable | TooManyRequests
  std::string message;
  int retry_after_seconds = 0;  // 0 = no Retry-After header
  boost::json::value status_body() const;
};

// The Kubernetes verb of a request (RBAC's naming).
std::string classify_verb(const std::string& http_method, bool has_name, bool is_watch);

// Parses the admin JSON above; errors name the field.
std::optional<FaultConfig> parse_fault_config(const boost::json::value& body, std::string& error);
boost::json::value to_json(const FaultConfig& config);

class FaultInjector {
 public:
  using Random = std::function<double()>;  // uniform in [0, 1)
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  FaultInjector(Random random, Clock clock);

  void configure(FaultConfig config) { config_ = std::move(config); }
  const FaultConfig& config() const { return config_; }

  // The first matching rule whose dice roll hits decides; nullopt = serve normally.
  std::optional<InjectedError> error_for(const std::string& verb, const std::string& resource);
  std::chrono::milliseconds latency() const { return config_.latency; }
  // The first matching delay rule's (on top of latency()); zero when none matches.
  std::chrono::milliseconds delay_for(const std::string& verb, const std::string& resource) const;
  std::chrono::milliseconds watch_cut() const { return config_.watch_cut; }

  void refuse_connections_for(std::chrono::milliseconds duration);
  bool refusing_connections() const;

  // Counters for the admin endpoint and logs.
  std::uint64_t injected_errors() const { return injected_errors_; }
  boost::json::value describe() const;

 private:
  Random random_;
  Clock clock_;
  FaultConfig config_;
  std::chrono::steady_clock::time_point refuse_until_{};
  std::uint64_t injected_errors_ = 0;
};

}  // namespace kubesim::faults
