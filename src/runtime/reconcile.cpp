#include "runtime/reconcile.hpp"

#include <stdexcept>

#include "kube/object_meta.hpp"

namespace rollguard::runtime {

void throw_exception_from_error(const ReconcileError& error, const boost::source_location&) {
  throw std::logic_error("value() on a failed ReconcileResult: " + error.message);
}

ReconcileError ReconcileError::from(kube::Error error, std::string_view context) {
  ReconcileError out;
  out.message = context.empty() ? error.describe() : std::string(context) + ": " + error.describe();
  out.terminal = !error.is_transient();
  if (auto after = error.retry_after())
    out.requeue_after = std::chrono::duration_cast<Clock::duration>(*after);
  out.cause = std::move(error);
  return out;
}

Request Request::from_key(std::string_view key) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos) return {"", std::string(key)};
  return {std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

std::optional<Request> Request::from_object(const boost::json::object& object) {
  auto name = kube::meta::name(object);
  if (name.empty()) return std::nullopt;
  return Request{std::string(kube::meta::namespace_of(object)), std::string(name)};
}

}  // namespace rollguard::runtime
