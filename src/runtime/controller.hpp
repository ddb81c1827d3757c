#pragma once
// The reconciler driver (controller-runtime Controller / kube-rs Controller):
//   store changes --handlers(predicate)--> WorkQueue of "namespace/name" keys --workers--> reconcile
// The reconciler's answer (reconcile.hpp) decides what happens to the key:
//   Action::requeue(d)             -> forget the backoff, run again after d (earliest wins);
//   Action::requeue_rate_limited() -> run again after the key's backoff;
//   Action::await_change()         -> forget the backoff, run again only when a watched object changes;
//   ReconcileError transient       -> per-key backoff requeue (5 ms -> 1000 s), or requeue_after;
//   ReconcileError terminal        -> no requeue until the next change (or requeue_after, if set).
// Every error is logged once with the object's key and counted (ReconcileMetrics).
// Workers start only once every store the reconciler reads has synced and, with a LeadershipGuard,
// once this process leads; they stop when it stops leading (in-flight reconciles are canceled, so
// their API calls end). A key is never reconciled by two workers at once (the queue guarantees it).
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/leadership.hpp"
#include "runtime/notifier.hpp"
#include "runtime/predicate.hpp"
#include "runtime/reconcile.hpp"
#include "runtime/store.hpp"
#include "runtime/work_queue.hpp"

namespace spdlog {
class logger;
}

namespace rollguard::runtime {

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

// Metric hooks (controller_runtime_reconcile_total{result}, _errors_total, _time_seconds); any may
// be left empty. result is "success", "error", "requeue" or "requeue_after".
struct ReconcileMetrics {
  std::function<void(std::string_view result)> reconcile;
  std::function<void()> error;
  std::function<void(Clock::duration took)> reconcile_time;
};

struct ControllerOptions {
  std::string name = "controller";
  int workers = 2;  // bounded concurrency: at most this many reconciles at once
  // nullopt: always act (a single replica); otherwise workers run only while it leads.
  std::optional<LeadershipGuard> leadership;
  std::shared_ptr<spdlog::logger> logger;  // null: spdlog's default logger
  ReconcileMetrics metrics;
};

class Controller {
 public:
  Controller(std::shared_ptr<Clock> clock, ControllerOptions options, Reconciler reconciler,
             QueueMetrics metrics = {});

  // Delays every reconcile until this store is ready (call before run()).
  void wait_for(Store store);
  // A handler that, for every change the predicate accepts (none = all), enqueues mapper(old) and
  // mapper(new) (both: an ownerReference or a target that moved away must still reconcile the
  // previous owner/policy).
  ChangeHandler handler(Mapper mapper, Predicate predicate = nullptr);
  void enqueue(const Request& request);

  // Waits for the stores (and leadership), then runs the workers until shut_down() or the loss of
  // leadership; returns once in-flight reconciles finished (callers bound the drain by racing this
  // against a timer). A controller runs once.
  boost::asio::awaitable<void> run();
  void shut_down();

  // What the reconciler consults before each write (LeadershipGuard::always() without election).
  const LeadershipGuard& leadership() const { return leadership_; }
  WorkQueue& queue() { return queue_; }
  std::size_t reconciles() const { return reconciles_; }
  std::size_t errors() const { return errors_; }

 private:
  boost::asio::awaitable<void> worker();
  boost::asio::awaitable<void> stop_when_leadership_lost();
  void finish(const std::string& key, const ReconcileResult& result);

  std::shared_ptr<Clock> clock_;
  ControllerOptions options_;
  LeadershipGuard leadership_;
  std::shared_ptr<spdlog::logger> logger_;
  Reconciler reconciler_;
  WorkQueue queue_;
  std::vector<Store> stores_;
  Notifier stopped_;
  std::size_t reconciles_ = 0;
  std::size_t errors_ = 0;
};

}  // namespace rollguard::runtime
