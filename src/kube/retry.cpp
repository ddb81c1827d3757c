#include "kube/retry.hpp"

#include <boost/json/parse.hpp>
#include <string>

namespace rollguard::kube::detail {

std::optional<std::chrono::seconds> parse_retry_after(std::string_view header) {
  if (header.empty()) return std::nullopt;
  long seconds = 0;
  for (char c : header) {
    if (c < '0' || c > '9') return std::nullopt;  // HTTP-date form: not sent by the API server
    seconds = seconds * 10 + (c - '0');
    if (seconds > 3600) return std::chrono::seconds(3600);
  }
  return std::chrono::seconds(seconds);
}

RetryPolicy::Decision RetryPolicy::next(int code, std::string_view retry_after_header) {
  if (code == 401 && !refreshed_credentials_) {
    refreshed_credentials_ = true;
    return {Action::RefreshCredentials};
  }
  if (code == 429 && throttled_ < kMaxThrottleRetries) {
    ++throttled_;
    return {Action::Throttle, parse_retry_after(retry_after_header).value_or(std::chrono::seconds(1))};
  }
  return {Action::GiveUp};
}

Error error_from_response(int code, std::string_view body, std::string_view retry_after_header) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(body, ec);
  Status status = Status::from_json(ec ? boost::json::value() : parsed, code);
  if (ec || status.message.empty()) {
    // Not a Status: keep a bounded piece of what the server said, for the log.
    status.message += (status.message.empty() ? "" : ": ") + std::string(body.substr(0, 256));
  }
  if (auto retry = parse_retry_after(retry_after_header)) status.retry_after = retry;
  return Error::from_status(std::move(status));
}

}  // namespace rollguard::kube::detail
