#include "runtime/controller.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>

namespace rollguard::runtime {

namespace {

std::string_view string_field(const boost::json::object& object, std::string_view field) {
  auto* v = object.if_contains(field);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view{};
}

// "apps/v1" -> "apps"; "v1" -> "" (the core group).
std::string_view group_of(std::string_view api_version) {
  auto slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view{} : api_version.substr(0, slash);
}

}  // namespace

void throw_exception_from_error(const ReconcileError& error, const boost::source_location&) {
  throw std::logic_error("value() on a failed ReconcileResult: " + error.message);
}

Request Request::from_key(std::string_view key) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos) return {"", std::string(key)};
  return {std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

std::optional<Request> Request::from_object(const boost::json::object& object) {
  auto* m = object.if_contains("metadata");
  if (!m || !m->is_object()) return std::nullopt;
  auto name = string_field(m->as_object(), "name");
  if (name.empty()) return std::nullopt;
  return Request{std::string(string_field(m->as_object(), "namespace")), std::string(name)};
}

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
    auto* m = object.if_contains("metadata");
    if (!m || !m->is_object()) return out;
    auto* refs = m->as_object().if_contains("ownerReferences");
    if (!refs || !refs->is_array()) return out;
    // Owner references are namespace-local: the owner lives in the dependent's namespace.
    const auto ns = string_field(m->as_object(), "namespace");
    for (auto& ref_value : refs->as_array()) {
      auto* ref = ref_value.if_object();
      if (!ref) continue;
      if (string_field(*ref, "kind") != kind || group_of(string_field(*ref, "apiVersion")) != group) continue;
      if (only_controller) {
        auto* controller = ref->if_contains("controller");
        if (!controller || !controller->is_bool() || !controller->as_bool()) continue;
      }
      auto name = string_field(*ref, "name");
      if (!name.empty()) out.push_back(Request{std::string(ns), std::string(name)});
    }
    return out;
  };
}

EventSink apply_and_notify(Writer& writer, std::vector<ChangeHandler> handlers) {
  return [&writer, handlers = std::move(handlers)](const watcher::Event& event) {
    auto changes = writer.apply(event);
    if (changes.empty()) return;
    for (auto& handler : handlers) handler(changes);
  };
}

Controller::Controller(std::shared_ptr<Clock> clock, ControllerOptions options, Reconciler reconciler,
                       QueueMetrics metrics)
    : clock_(clock),
      options_(std::move(options)),
      reconciler_(std::move(reconciler)),
      queue_(std::move(clock), std::move(metrics)) {}

void Controller::wait_for(Store store) { stores_.push_back(std::move(store)); }

ChangeHandler Controller::handler(Mapper mapper) {
  return [this, mapper = std::move(mapper)](const std::vector<Change>& changes) {
    for (auto& change : changes) {
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
  if (stop_waiting_) stop_waiting_->cancel();
}

boost::asio::awaitable<void> Controller::run() {
  using namespace boost::asio::experimental::awaitable_operators;
  stop_waiting_ = std::make_shared<boost::asio::steady_timer>(co_await boost::asio::this_coro::executor,
                                                              boost::asio::steady_timer::time_point::max());
  for (auto& store : stores_) {
    // A shutdown while a store is still syncing must not leave run() waiting forever.
    if (queue_.shutting_down()) co_return;
    auto stop = stop_waiting_;
    co_await (store.wait_until_ready() ||
              stop->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable)));
  }
  if (queue_.shutting_down()) co_return;
  auto executor = co_await boost::asio::this_coro::executor;
  using Op = decltype(boost::asio::co_spawn(executor, worker(), boost::asio::deferred));
  std::vector<Op> workers;
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    workers.push_back(boost::asio::co_spawn(executor, worker(), boost::asio::deferred));
  }
  // Every worker returns once the queue is shut down and its current reconcile finished.
  co_await boost::asio::experimental::make_parallel_group(std::move(workers))
      .async_wait(boost::asio::experimental::wait_for_all(), boost::asio::use_awaitable);
}

boost::asio::awaitable<void> Controller::worker() {
  while (auto key = co_await queue_.get()) {
    ReconcileResult result = ReconcileError::transient("reconcile did not complete");
    try {
      result = co_await reconciler_(Request::from_key(*key));
    } catch (const std::exception& e) {
      // A throwing reconciler is a bug, but one bad object must not take the controller down.
      result = ReconcileError::transient(std::string("reconciler threw: ") + e.what());
    }
    ++reconciles_;
    if (result) {
      queue_.forget(*key);
      if (result->requeue_after) queue_.add_after(*key, *result->requeue_after);
    } else if (result.error().terminal) {
      queue_.forget(*key);
    } else {
      queue_.add_rate_limited(*key);
    }
    queue_.done(*key);
  }
}

}  // namespace rollguard::runtime
