#include "kube/error.hpp"

#include <boost/json.hpp>
#include <stdexcept>

#include "kube/result.hpp"

namespace rollguard::kube {
namespace json = boost::json;

namespace {
std::string string_field(const json::object& object, std::string_view key) {
  if (auto it = object.find(key); it != object.end() && it->value().is_string()) {
    return std::string(it->value().get_string());
  }
  return {};
}

// The reason the API server uses for a bare HTTP code (k8s.io/apimachinery StatusReason).
std::string reason_for_code(int code) {
  switch (code) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 406:
      return "NotAcceptable";
    case 409:
      return "Conflict";
    case 410:
      return "Expired";
    case 413:
      return "RequestEntityTooLarge";
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return "Unknown";
  }
}
}  // namespace

Status Status::from_json(const json::value& body, int http_code) {
  Status status;
  status.code = http_code;
  const auto* object = body.if_object();
  if (object == nullptr || string_field(*object, "kind") != "Status") {
    status.status = "Failure";
    status.reason = reason_for_code(http_code);
    status.message = "the server answered HTTP " + std::to_string(http_code) + " without a Status body";
    return status;
  }
  status.status = string_field(*object, "status");
  status.reason = string_field(*object, "reason");
  status.message = string_field(*object, "message");
  if (auto it = object->find("code"); it != object->end() && it->value().is_int64()) {
    status.code = static_cast<int>(it->value().get_int64());
  }
  if (status.reason.empty()) status.reason = reason_for_code(status.code);
  if (auto it = object->find("details"); it != object->end() && it->value().is_object()) {
    const auto& details = it->value().get_object();
    status.details_name = string_field(details, "name");
    status.details_kind = string_field(details, "kind");
    if (auto r = details.find("retryAfterSeconds"); r != details.end() && r->value().is_int64()) {
      status.retry_after = std::chrono::seconds(r->value().get_int64());
    }
    if (auto c = details.find("causes"); c != details.end() && c->value().is_array()) {
      for (const auto& cause : c->value().get_array()) {
        if (!cause.is_object()) continue;
        const auto& cause_object = cause.get_object();
        status.causes.push_back({string_field(cause_object, "reason"), string_field(cause_object, "message"),
                                 string_field(cause_object, "field")});
      }
    }
  }
  return status;
}

json::value Status::to_json() const {
  json::object object{{"kind", "Status"},
                      {"apiVersion", "v1"},
                      {"metadata", json::object{}},
                      {"status", status.empty() ? "Failure" : status},
                      {"message", message},
                      {"reason", reason},
                      {"code", code}};
  json::object details;
  if (!details_name.empty()) details["name"] = details_name;
  if (!details_kind.empty()) details["kind"] = details_kind;
  if (retry_after) details["retryAfterSeconds"] = retry_after->count();
  if (!causes.empty()) {
    json::array cause_array;
    for (const auto& cause : causes) {
      cause_array.push_back(
          json::object{{"reason", cause.type}, {"message", cause.message}, {"field", cause.field}});
    }
    details["causes"] = std::move(cause_array);
  }
  if (!details.empty()) object["details"] = std::move(details);
  return object;
}

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Api:
      return "Api";
    case ErrorKind::Network:
      return "Network";
    case ErrorKind::Tls:
      return "Tls";
    case ErrorKind::Timeout:
      return "Timeout";
    case ErrorKind::Config:
      return "Config";
    case ErrorKind::Decode:
      return "Decode";
    case ErrorKind::Canceled:
      return "Canceled";
    case ErrorKind::Invalid:
      return "Invalid";
  }
  return "Unknown";
}

Error Error::from_status(Status status) {
  Error error(ErrorKind::Api, status.message);
  error.status_ = std::move(status);
  return error;
}

bool Error::is_transient() const {
  switch (kind_) {
    case ErrorKind::Network:
    case ErrorKind::Timeout:
      return true;
    case ErrorKind::Api:
      return is_too_many_requests() || is_server_timeout() || status_.code >= 500;
    default:
      return false;
  }
}

std::string Error::describe() const {
  if (kind_ == ErrorKind::Api) {
    return status_.reason + " (" + std::to_string(status_.code) + "): " + message_;
  }
  return std::string(to_string(kind_)) + ": " + message_;
}

void throw_exception_from_error(const Error& error, const boost::source_location&) {
  throw std::logic_error("kube::Result accessed without checking for an error: " + error.describe());
}

}  // namespace rollguard::kube
