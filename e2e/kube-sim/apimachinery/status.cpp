#include "apimachinery/status.hpp"

#include <stdexcept>

namespace kubesim::apimachinery {

ApiError bad_request(std::string message) { return ApiError{400, "BadRequest", std::move(message), {}}; }

ApiError invalid(std::string message, std::vector<StatusCause> causes) {
  return ApiError{422, "Invalid", std::move(message), std::move(causes)};
}

ApiError conflict(std::string message, std::vector<StatusCause> causes) {
  return ApiError{409, "Conflict", std::move(message), std::move(causes)};
}

ApiError invalid_object(std::string_view qualified_kind, std::string_view name,
                        std::vector<StatusCause> causes) {
  std::string msg = std::string(qualified_kind) + " \"" + std::string(name) + "\" is invalid: ";
  auto one = [](const StatusCause& c) { return c.field.empty() ? c.message : c.field + ": " + c.message; };
  if (causes.size() == 1) {
    msg += one(causes.front());
  } else {
    msg += "[";
    for (std::size_t i = 0; i < causes.size(); ++i) msg += (i ? ", " : "") + one(causes[i]);
    msg += "]";
  }
  return invalid(std::move(msg), std::move(causes));
}

void throw_exception_from_error(const ApiError& e, const boost::source_location&) {
  throw std::logic_error("unchecked apimachinery error: " + e.message);
}

}  // namespace kubesim::apimachinery
