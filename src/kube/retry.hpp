#pragma once
// The transport's answer to 401 and 429, and non-2xx answers turned into Errors (internal to
// src/kube). Pure: no sockets, no Beast; the HTTP client acts on the decisions.
#include <chrono>
#include <optional>
#include <string_view>

#include "kube/error.hpp"

namespace rollguard::kube::detail {

inline constexpr int kMaxThrottleRetries = 5;

// Retry-After in delta-seconds, capped at an hour; nullopt when absent or an HTTP-date (the API
// server never sends that form).
std::optional<std::chrono::seconds> parse_retry_after(std::string_view header);

// What a 401 or 429 answer means for the next attempt of one request: a 401 refreshes the
// credentials once (expired exec-plugin token, rotated token file), as client-go does; a 429 holds
// every request of the client for Retry-After (1 s without one), up to kMaxThrottleRetries times.
// One RetryPolicy per request.
class RetryPolicy {
 public:
  enum class Action { GiveUp, RefreshCredentials, Throttle };
  struct Decision {
    Action action = Action::GiveUp;
    std::chrono::seconds hold{0};  // for Throttle
  };
  Decision next(int code, std::string_view retry_after_header);

 private:
  bool refreshed_credentials_ = false;
  int throttled_ = 0;
};

// A non-2xx answer as an Error: its Status body decoded, or a bounded piece of whatever the server
// said; Retry-After carried as status().retry_after.
Error error_from_response(int code, std::string_view body, std::string_view retry_after_header);

}  // namespace rollguard::kube::detail
