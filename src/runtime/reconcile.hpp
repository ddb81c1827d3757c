#pragma once
// What a reconciler is given and what it answers (controller-runtime reconcile.Request / Result).
// The reconciler gets a key only, never the event: it reads the world from the stores and writes to
// the API. Its answer decides what happens to the key (see controller.hpp).
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "kube/error.hpp"
#include "runtime/clock.hpp"
#include "runtime/store.hpp"

namespace rollguard::runtime {

// controller-runtime reconcile.Request (a NamespacedName).
struct Request {
  std::string ns;
  std::string name;

  std::string key() const { return object_key(ns, name); }
  static Request from_key(std::string_view key);
  static std::optional<Request> from_object(const boost::json::object& object);
  friend bool operator==(const Request&, const Request&) = default;
  friend auto operator<=>(const Request&, const Request&) = default;
};

struct Action {
  std::optional<Clock::duration> requeue_after;
  // controller-runtime Result{Requeue: true}: run again after the key's backoff, without an error.
  bool rate_limited = false;
  static Action requeue(Clock::duration after) { return Action{after}; }
  static Action requeue_rate_limited() { return Action{std::nullopt, true}; }
  static Action await_change() { return Action{}; }
};

struct ReconcileError {
  std::string message;
  bool terminal = false;
  // The API error the reconcile failed on, when it did: a 409 Conflict is not a 503.
  std::optional<kube::Error> cause;
  // Run again after exactly this instead of the backoff (e.g. the server's Retry-After).
  std::optional<Clock::duration> requeue_after;

  static ReconcileError transient(std::string message) { return {std::move(message), false}; }
  static ReconcileError permanent(std::string message) { return {std::move(message), true}; }
  // Transient when the error is (network, timeout, 429, 5xx; Retry-After becomes requeue_after),
  // terminal otherwise (404, 409, 422, ...: the next change of a watched object retries; a caller
  // that wants a 409 retried with backoff sets terminal = false). context says what failed; the
  // message is "patching deployment prod/web: Conflict (409): ..." (context, then the cause).
  static ReconcileError from(kube::Error error, std::string_view context = {});
};

// boost::system::result::value() on an error calls this (found by ADL): a programmer error.
[[noreturn]] void throw_exception_from_error(const ReconcileError& error, const boost::source_location& loc);

using ReconcileResult = boost::system::result<Action, ReconcileError>;
using Reconciler = std::function<boost::asio::awaitable<ReconcileResult>(Request)>;

}  // namespace rollguard::runtime
