#pragma once
// Error values returned by the pure API-machinery functions. The server turns them into a
// metav1.Status (API conventions, "Response Status Kind"): `code` is the HTTP status, `reason` the
// StatusReason, `causes` the details.causes (one per invalid field for 422 Invalid).
#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::apimachinery {

struct StatusCause {
  std::string reason;  // CauseType, e.g. "FieldValueInvalid", "FieldValueRequired", "FieldManagerConflict"
  std::string message;
  std::string field;  // upstream field path, e.g. "spec.slos[0].name"
};

struct ApiError {
  int code = 400;
  std::string reason = "BadRequest";
  std::string message;
  std::vector<StatusCause> causes;
};

ApiError bad_request(std::string message);
// 422 Invalid; `message` is the text after "<Kind> \"<name>\" is invalid: " which the server prefixes.
ApiError invalid(std::string message, std::vector<StatusCause> causes = {});
ApiError conflict(std::string message, std::vector<StatusCause> causes = {});
// The full 422 for an object failing validation, worded as upstream:
// `<qualified kind> "<name>" is invalid: <field>: <message>` for one cause, and
// `... is invalid: [<field>: <message>, <field>: <message>]` for several.
// `qualified_kind` is e.g. "Widget.example.com" (Kind.group) or "Deployment.apps".
ApiError invalid_object(std::string_view qualified_kind, std::string_view name,
                        std::vector<StatusCause> causes);

// boost::system::result needs this to report a value() on an error (a programmer error).
[[noreturn]] void throw_exception_from_error(const ApiError& e, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, ApiError>;

}  // namespace kubesim::apimachinery
