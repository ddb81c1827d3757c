// metav1.Status errors: every failure the server reports is one of these, rendered as a Status
// object with the code and reason a real kube-apiserver would use (API conventions, "Response
// Status Kind").
#pragma once

#include <boost/json.hpp>
#include <string>
#include <variant>
#include <vector>

namespace kubesim {

struct ApiError {
  unsigned code = 500;
  std::string reason;           // StatusReason: NotFound, AlreadyExists, Conflict, Invalid, ...
  std::string message;          // human readable, printed verbatim by kubectl
  boost::json::object details;  // name, group, kind, causes
  unsigned retry_after_seconds = 0;

  boost::json::value to_status() const;
};

// The group-qualified resource as apiserver messages spell it: "deployments.apps", "pods".
struct GroupResource {
  std::string group;
  std::string resource;
  std::string str() const { return group.empty() ? resource : resource + "." + group; }
};

ApiError not_found(const GroupResource& gr, const std::string& name);
ApiError already_exists(const GroupResource& gr, const std::string& name);
ApiError conflict(const GroupResource& gr, const std::string& name, const std::string& why);
ApiError stale_conflict(const GroupResource& gr, const std::string& name);
ApiError bad_request(const std::string& message);
ApiError invalid(const std::string& kind, const std::string& group, const std::string& name,
                 const boost::json::array& causes);
ApiError expired(const std::string& message);
ApiError gone(const std::string& message);
ApiError unauthorized();
ApiError method_not_allowed(const std::string& message);
ApiError not_acceptable(const std::string& message);
ApiError unsupported_media_type(const std::string& content_type);
// A request body in a media type the endpoint does not take, listing the ones it does.
ApiError unsupported_body_media_type(const std::vector<std::string>& accepted);
ApiError internal_error(const std::string& message);

// One field error cause (metav1.StatusCause): type is FieldValueInvalid, FieldValueRequired, ...
boost::json::object field_cause(const std::string& type, const std::string& field,
                                const std::string& message);

// A value or the error that explains why there is none.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(ApiError error) : v_(std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const ApiError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, ApiError> v_;
};

}  // namespace kubesim
