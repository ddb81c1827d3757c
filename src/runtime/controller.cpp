#include "runtime/controller.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "kube/object_meta.hpp"

namespace rollguard::runtime {

namespace {

const char* outcome_of(const ReconcileResult& result) {
  if (!result) return "error";
  if (result->rate_limited) return "requeue";
  return result->requeue_after ? "requeue_after" : "success";
}

}  // namespace

Mapper map_primary() {
  return [](const boost::json::object& object) -> std::vector<Request> {
    if (auto request = Request::from_object(object)) return {*request};
    return {};
  };
}

Mapper map_owner(std::string owner_kind, std::string owner_group, bool only_controller) {
  return [kind = std::move(owner_kind), group = std::move(owner_group),
          only_controller](const boost::json::object& object) -> std::vector<Request> {
    std::vector<Request> out;
    // Owner references are namespace-local: the owner lives in the dependent's namespace.
    const auto ns = kube::meta::namespace_of(object);
    for (auto& ref : kube::meta::owner_references(object)) {
      if (ref.kind != kind || ref.group() != group) continue;
      if (only_controller && !ref.controller) continue;
      if (!ref.name.empty()) out.push_back(Request{std::string(ns), ref.name});
    }
    return out;
  };
}

EventSink apply_and_notify(Writer& writer, std::vector<ChangeHandler> handlers) {
  return [&writer, handlers = std::move(handlers)](const watcher::Event& event) {
    // Batches: a first fill of 30,000 ReplicaSets is not held parsed all at once.
    writer.apply(event, 256, [&handlers](const std::vector<Change>& changes) {
      for (auto& handler : handlers) handler(changes);
    });
  };
}

Controller::Controller(std::shared_ptr<Clock> clock, ControllerOptions options, Reconciler reconciler,
                       QueueMetrics metrics)
    : clock_(clock),
      options_(std::move(options)),
      leadership_(options_.leadership ? *options_.leadership : LeadershipGuard::always()),
      logger_(options_.logger ? options_.logger : spdlog::default_logger()),
      reconciler_(std::move(reconciler)),
      queue_(std::move(clock), std::move(metrics)) {}

void Controller::wait_for(Store store) { stores_.push_back(std::move(store)); }

ChangeHandler Controller::handler(Mapper mapper, Predicate predicate) {
  return [this, mapper = std::move(mapper),
          predicate = std::move(predicate)](const std::vector<Change>& changes) {
    for (auto& change : changes) {
      if (predicate && !predicate(change.old_object.get(), change.new_object.get())) continue;
      if (change.old_object) {
        for (auto& request : mapper(*change.old_object)) enqueue(request);
      }
      if (change.new_object) {
        for (auto& request : mapper(*change.new_object)) enqueue(request);
      }
    }
  };
}

void Controller::enqueue(const Request& request) { queue_.add(request.key()); }

void Controller::shut_down() {
  queue_.shut_down();
  stopped_.notify_all();
}

boost::asio::awaitable<void> Controller::run() {
  using namespace boost::asio::experimental::awaitable_operators;
  for (auto& store : stores_) {
    // A shutdown while a store is still syncing must not leave run() waiting forever.
    if (queue_.shutting_down()) co_return;
    co_await (store.wait_until_ready() || stopped_.wait());
  }
  // Caches sync in every replica (a new leader starts warm); only the leader reconciles.
  if (!queue_.shutting_down() && !leadership_.is_leader()) {
    co_await (leadership_.wait_until_leading() || stopped_.wait());
  }
  if (queue_.shutting_down() || !leadership_.is_leader()) co_return;
  auto executor = co_await boost::asio::this_coro::executor;
  using Op = decltype(boost::asio::co_spawn(executor, worker(), boost::asio::deferred));
  std::vector<Op> workers;
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    workers.push_back(boost::asio::co_spawn(executor, worker(), boost::asio::deferred));
  }
  // Every worker returns once the queue is shut down and its current reconcile finished. A loss of
  // leadership shuts the queue down and, through ||, cancels the reconciles still in flight.
  co_await (boost::asio::experimental::make_parallel_group(std::move(workers))
                .async_wait(boost::asio::experimental::wait_for_all(), boost::asio::use_awaitable) ||
            stop_when_leadership_lost());
}

boost::asio::awaitable<void> Controller::stop_when_leadership_lost() {
  co_await leadership_.wait_until_lost();
  if (leadership_.is_leader() || queue_.shutting_down()) co_return;  // canceled: the workers ended first
  logger_->warn("controller {}: leadership lost, stopping {} workers", options_.name, options_.workers);
  queue_.shut_down();
}

boost::asio::awaitable<void> Controller::worker() {
  while (auto key = co_await queue_.get()) {
    ReconcileResult result = ReconcileError::transient("reconcile did not complete");
    const auto started = clock_->now();
    try {
      result = co_await reconciler_(Request::from_key(*key));
    } catch (const std::exception& e) {
      // A throwing reconciler is a bug, but one bad object must not take the controller down.
      result = ReconcileError::transient(std::string("reconciler threw: ") + e.what());
    }
    if (options_.metrics.reconcile_time) options_.metrics.reconcile_time(clock_->now() - started);
    finish(*key, result);
  }
}

void Controller::finish(const std::string& key, const ReconcileResult& result) {
  ++reconciles_;
  if (options_.metrics.reconcile) options_.metrics.reconcile(outcome_of(result));
  if (result) {
    if (!result->rate_limited) queue_.forget(key);
    if (result->rate_limited) {
      queue_.add_rate_limited(key);
    } else if (result->requeue_after) {
      queue_.add_after(key, *result->requeue_after);
    }
    queue_.done(key);
    return;
  }
  const ReconcileError& error = result.error();
  ++errors_;
  if (options_.metrics.error) options_.metrics.error();
  const char* next = error.requeue_after ? "retry after requeue_after"
                     : error.terminal    ? "terminal, no retry until the next change"
                                         : "transient, retry with backoff";
  if (error.cause && error.cause->kind() == kube::ErrorKind::Api) {
    logger_->error("controller {}: reconcile {} failed ({}): {} [reason={} code={}]", options_.name, key,
                   next, error.message, error.cause->reason(), error.cause->code());
  } else {
    logger_->error("controller {}: reconcile {} failed ({}): {}", options_.name, key, next, error.message);
  }
  if (error.terminal) queue_.forget(key);
  if (error.requeue_after) {
    queue_.add_after(key, *error.requeue_after);
  } else if (!error.terminal) {
    queue_.add_rate_limited(key);
  }
  queue_.done(key);
}

}  // namespace rollguard::runtime
