#pragma once
// Errors at the edge of the Kubernetes client. An API answer that is not 2xx is decoded into the
// metav1.Status the server sent (code, reason, message, details); transport failures are distinct
// kinds, so callers can tell "the server said no" from "we never reached it".
#include <boost/json/value.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace rollguard::kube {

// One entry of Status.details.causes (e.g. a field named by a 422 Invalid).
struct StatusCause {
  std::string type;
  std::string message;
  std::string field;
};

// metav1.Status, the body of every Kubernetes API error.
struct Status {
  int code = 0;
  std::string status;  // "Failure" / "Success"
  std::string reason;  // NotFound, AlreadyExists, Conflict, Invalid, Expired, ...
  std::string message;
  std::string details_name;
  std::string details_kind;
  std::vector<StatusCause> causes;
  std::optional<std::chrono::seconds> retry_after;  // from details or the Retry-After header

  // Decodes a Status object; a body that is not one yields a Status built from the HTTP code.
  static Status from_json(const boost::json::value& body, int http_code);
  boost::json::value to_json() const;
};

enum class ErrorKind {
  Api,       // the server answered with a non-2xx Status
  Network,   // connect/read/write failed, connection closed
  Tls,       // handshake or certificate verification failed
  Timeout,   // the request's deadline passed
  Config,    // kubeconfig / in-cluster / credential plugin problem
  Decode,    // the server's answer could not be parsed
  Canceled,  // the operation was canceled (shutdown)
  Invalid,   // the caller built an invalid request
};

const char* to_string(ErrorKind kind);

class Error {
 public:
  Error() = default;
  Error(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}
  static Error from_status(Status status);

  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  // Only meaningful for ErrorKind::Api; code 0 otherwise.
  const Status& status() const { return status_; }
  int code() const { return status_.code; }
  const std::string& reason() const { return status_.reason; }

  bool is_not_found() const { return api_reason_or_code("NotFound", 404); }
  bool is_already_exists() const { return kind_ == ErrorKind::Api && status_.reason == "AlreadyExists"; }
  bool is_conflict() const { return kind_ == ErrorKind::Api && status_.reason == "Conflict"; }
  // 410: a watch or list resourceVersion / continue token that is too old.
  bool is_gone() const { return api_reason_or_code("Expired", 410) || api_reason_or_code("Gone", 410); }
  bool is_too_many_requests() const { return api_reason_or_code("TooManyRequests", 429); }
  bool is_unauthorized() const { return api_reason_or_code("Unauthorized", 401); }
  bool is_forbidden() const { return api_reason_or_code("Forbidden", 403); }
  bool is_invalid() const { return api_reason_or_code("Invalid", 422); }
  bool is_bad_request() const { return api_reason_or_code("BadRequest", 400); }
  bool is_server_timeout() const {
    return kind_ == ErrorKind::Api &&
           (status_.reason == "ServerTimeout" || status_.reason == "Timeout" || status_.code == 504);
  }
  bool is_internal() const { return kind_ == ErrorKind::Api && status_.code >= 500; }
  std::optional<std::chrono::seconds> retry_after() const { return status_.retry_after; }
  // Worth retrying: network trouble, timeouts, 429, 5xx.
  bool is_transient() const;

  // "NotFound (404): deployments.apps \"api\" not found" / "Network: connection refused".
  std::string describe() const;

 private:
  bool api_reason_or_code(const char* reason, int code) const {
    return kind_ == ErrorKind::Api && (status_.reason == reason || status_.code == code);
  }
  ErrorKind kind_ = ErrorKind::Invalid;
  std::string message_;
  Status status_;
};

}  // namespace rollguard::kube
