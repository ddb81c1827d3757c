#pragma once
// The reconciler driver (controller-runtime Controller / kube-rs Controller):
//   store changes --handlers--> WorkQueue of "namespace/name" keys --workers--> reconcile(Request)
// The reconciler gets a key only, never the event: it reads the world from the stores and writes
// to the API. Its result decides what happens to the key:
//   Action::requeue(d)        -> forget the backoff, run again after d (earliest wins);
//   Action::await_change()    -> forget the backoff, run again only when a watched object changes;
//   ReconcileError transient  -> per-key backoff requeue (5 ms -> 1000 s);
//   ReconcileError terminal   -> no requeue until the next change (retrying cannot help).
// Workers start only once every store the reconciler reads has synced, and a key is never
// reconciled by two workers at once (the queue guarantees it).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/result.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runtime/store.hpp"
#include "runtime/work_queue.hpp"

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
  static Action requeue(Clock::duration after) { return Action{after}; }
  static Action await_change() { return Action{}; }
};

struct ReconcileError {
  std::string message;
  bool terminal = false;
  static ReconcileError transient(std::string message) { return {std::move(message), false}; }
  static ReconcileError permanent(std::string message) { return {std::move(message), true}; }
};

// boost::system::result::value() on an error calls this (found by ADL): a programmer error.
[[noreturn]] void throw_exception_from_error(const ReconcileError& error, const boost::source_location& loc);

using ReconcileResult = boost::system::result<Action, ReconcileError>;
using Reconciler = std::function<boost::asio::awaitable<ReconcileResult>(Request)>;

// Turns the changes of one store into requests for the controller's primary kind.
using Mapper = std::function<std::vector<Request>(const boost::json::object& object)>;
using ChangeHandler = std::function<void(const std::vector<Change>& changes)>;

// Mappers for the three trigger kinds.
Mapper map_primary();
// ownerReferences -> the owner's key, for owners of the given kind and API group ("" = core);
// only_controller follows controller-runtime's OnlyControllerOwner (controller: true refs only).
Mapper map_owner(std::string owner_kind, std::string owner_group, bool only_controller = true);
// A Writer sink that applies each watcher event and hands the changes to handlers.
EventSink apply_and_notify(Writer& writer, std::vector<ChangeHandler> handlers);

struct ControllerOptions {
  std::string name = "controller";
  int workers = 2;  // bounded concurrency: at most this many reconciles at once
};

class Controller {
 public:
  Controller(std::shared_ptr<Clock> clock, ControllerOptions options, Reconciler reconciler,
             QueueMetrics metrics = {});

  // Delays every reconcile until this store is ready (call before run()).
  void wait_for(Store store);
  // A handler that enqueues mapper(old) and mapper(new) for every change (both: an ownerReference
  // or a target that moved away must still reconcile the previous owner/policy).
  ChangeHandler handler(Mapper mapper);
  void enqueue(const Request& request);

  // Waits for the stores, then runs the workers until shut_down(); returns once in-flight
  // reconciles finished (callers bound the drain by racing this against a timer).
  boost::asio::awaitable<void> run();
  void shut_down();

  WorkQueue& queue() { return queue_; }
  std::size_t reconciles() const { return reconciles_; }

 private:
  boost::asio::awaitable<void> worker();

  std::shared_ptr<Clock> clock_;
  ControllerOptions options_;
  Reconciler reconciler_;
  WorkQueue queue_;
  std::vector<Store> stores_;
  std::shared_ptr<boost::asio::steady_timer> stop_waiting_;
  std::size_t reconciles_ = 0;
};

}  // namespace rollguard::runtime
