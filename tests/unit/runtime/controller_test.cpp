#include "runtime/controller.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <map>

namespace rollguard::runtime {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using watcher::EventType;

void poll(boost::asio::io_context& io) {
  io.restart();
  io.poll();
}

ObjectPtr make(const std::string& ns, const std::string& name, const std::string& rv,
               json::object extra = {}) {
  json::object o{{"metadata", json::object{{"namespace", ns}, {"name", name}, {"resourceVersion", rv}}}};
  for (auto& [k, v] : extra) o[k] = v;
  return std::make_shared<const json::object>(std::move(o));
}

ObjectPtr replica_set(const std::string& name, const std::string& rv, const std::string& owner,
                      bool controller) {
  json::object ref{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", owner}, {"uid", "u-" + owner}};
  if (controller) ref["controller"] = true;
  auto o = make("prod", name, rv);
  json::object copy = *o;
  copy["metadata"].as_object()["ownerReferences"] = json::array{ref};
  return std::make_shared<const json::object>(std::move(copy));
}

void relist(EventSink& sink, const std::vector<ObjectPtr>& objects) {
  sink({EventType::InitStart, nullptr});
  for (auto& o : objects) sink({EventType::InitApply, o});
  sink({EventType::InitDone, nullptr});
}

class ControllerTest : public ::testing::Test {
 protected:
  void make_controller(Reconciler reconciler, int workers = 2) {
    controller =
        std::make_unique<Controller>(clock, ControllerOptions{"test", workers}, std::move(reconciler));
  }
  void start() {
    boost::asio::co_spawn(
        io,
        [this]() -> boost::asio::awaitable<void> {
          co_await controller->run();
          run_returned = true;
        },
        boost::asio::detached);
    poll(io);
  }
  Reconciler recording(std::function<ReconcileResult(const Request&)> answer = nullptr) {
    return [this, answer](Request request) -> boost::asio::awaitable<ReconcileResult> {
      seen.push_back(request.key());
      co_return answer ? answer(request) : ReconcileResult(Action::await_change());
    };
  }

  boost::asio::io_context io;
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  std::unique_ptr<Controller> controller;
  std::vector<std::string> seen;
  bool run_returned = false;
};

TEST(Request, KeysRoundTrip) {
  EXPECT_EQ((Request{"prod", "web"}).key(), "prod/web");
  EXPECT_EQ(Request::from_key("prod/web"), (Request{"prod", "web"}));
  EXPECT_EQ(Request::from_key("node-1"), (Request{"", "node-1"}));
  EXPECT_FALSE(Request::from_object(json::object{{"metadata", 1}}).has_value());
}

TEST(Mappers, OwnerMapperFollowsControllerReferencesOfTheRightKindAndGroup) {
  auto owner = map_owner("Deployment", "apps");
  EXPECT_EQ(owner(*replica_set("rs", "1", "web", true)), (std::vector<Request>{{"prod", "web"}}));
  EXPECT_TRUE(owner(*replica_set("rs", "1", "web", false)).empty());
  EXPECT_TRUE(map_owner("Deployment", "extensions")(*replica_set("rs", "1", "web", true)).empty());
  EXPECT_EQ(map_owner("Deployment", "apps", false)(*replica_set("rs", "1", "web", false)).size(), 1u);
  EXPECT_TRUE(owner(json::object{{"metadata", json::object{{"ownerReferences", "junk"}}}}).empty());
}

TEST_F(ControllerTest, NoReconcileBeforeEveryStoreIsReady) {
  make_controller(recording());
  Writer primary, other;
  controller->wait_for(primary.store());
  controller->wait_for(other.store());
  auto sink = apply_and_notify(primary, {controller->handler(map_primary())});
  start();
  relist(sink, {make("prod", "p1", "1")});
  poll(io);
  EXPECT_TRUE(seen.empty());  // the second store has not synced yet
  other.apply({EventType::InitStart, nullptr});
  other.apply({EventType::InitDone, nullptr});
  poll(io);
  EXPECT_EQ(seen, (std::vector<std::string>{"prod/p1"}));
  controller->shut_down();
  poll(io);
  EXPECT_TRUE(run_returned);
}

TEST_F(ControllerTest, PrimaryOwnedAndMappedChangesTriggerTheOwningPolicy) {
  make_controller(recording());
  Writer policies, deployments, replica_sets;
  policies.add_index("target", [](const json::object& o) -> std::vector<std::string> {
    auto* spec = o.if_contains("spec");
    if (!spec || !spec->is_object() || !spec->as_object().contains("target")) return {};
    return {
        object_key(o.at("metadata").at("namespace").as_string(), spec->as_object().at("target").as_string())};
  });
  Store policy_store = policies.store();
  // Deployment -> the policies that target it (through the index); a policy's key is its own.
  Mapper policies_for_deployment = [policy_store](const json::object& d) {
    std::vector<Request> out;
    for (auto& p : policy_store.by_index("target", object_key(d))) out.push_back(*Request::from_object(*p));
    return out;
  };
  auto policy_sink = apply_and_notify(policies, {controller->handler(map_primary())});
  auto deployment_sink = apply_and_notify(deployments, {controller->handler(policies_for_deployment)});
  // ReplicaSet -> owning Deployment -> policies targeting it.
  Store deployment_store = deployments.store();
  auto rs_sink = apply_and_notify(replica_sets, {controller->handler([&](const json::object& rs) {
                                    std::vector<Request> out;
                                    for (auto& owner : map_owner("Deployment", "apps")(rs)) {
                                      auto d = deployment_store.get(owner.ns, owner.name);
                                      if (!d) continue;
                                      for (auto& r : policies_for_deployment(*d)) out.push_back(r);
                                    }
                                    return out;
                                  })});
  for (auto* w : {&policies, &deployments, &replica_sets}) controller->wait_for(w->store());
  start();
  relist(policy_sink, {make("prod", "guard-web", "1", {{"spec", json::object{{"target", "web"}}}}),
                       make("prod", "guard-api", "2", {{"spec", json::object{{"target", "api"}}}})});
  relist(deployment_sink, {make("prod", "web", "3"), make("prod", "api", "4")});
  relist(rs_sink, {});
  poll(io);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"prod/guard-api", "prod/guard-web"}));

  seen.clear();
  deployment_sink({EventType::Apply, make("prod", "web", "5")});
  poll(io);
  EXPECT_EQ(seen, (std::vector<std::string>{"prod/guard-web"}));

  seen.clear();
  rs_sink({EventType::Apply, replica_set("api-7d9", "6", "api", true)});
  poll(io);
  EXPECT_EQ(seen, (std::vector<std::string>{"prod/guard-api"}));

  seen.clear();
  rs_sink({EventType::Apply, replica_set("web-x", "7", "web", false)});  // not the controller owner
  poll(io);
  EXPECT_TRUE(seen.empty());
  controller->shut_down();
  poll(io);
}

TEST_F(ControllerTest, ShutdownBeforeTheStoresSyncEndsRun) {
  make_controller(recording());
  Writer never_synced;
  controller->wait_for(never_synced.store());
  start();
  EXPECT_FALSE(run_returned);
  controller->shut_down();
  poll(io);
  EXPECT_TRUE(run_returned);
  EXPECT_TRUE(seen.empty());
}

TEST_F(ControllerTest, RequeueAfterRunsAgainAtThatTime) {
  int calls = 0;
  make_controller(recording([&](const Request&) {
    return ++calls == 1 ? ReconcileResult(Action::requeue(30s)) : ReconcileResult(Action::await_change());
  }));
  start();
  controller->enqueue({"prod", "p"});
  poll(io);
  EXPECT_EQ(seen.size(), 1u);
  clock->advance(29s);
  poll(io);
  EXPECT_EQ(seen.size(), 1u);
  clock->advance(1s);
  poll(io);
  EXPECT_EQ(seen.size(), 2u);
  clock->advance(1h);
  poll(io);
  EXPECT_EQ(seen.size(), 2u);  // await_change: nothing more
  controller->shut_down();
  poll(io);
}

TEST_F(ControllerTest, TransientErrorsBackOffPerKeyAndSuccessResetsIt) {
  int calls = 0;
  make_controller(recording([&](const Request&) {
    ++calls;
    return calls <= 3 ? ReconcileResult(ReconcileError::transient("api down")) : ReconcileResult(Action{});
  }));
  start();
  controller->enqueue({"prod", "p"});
  poll(io);
  EXPECT_EQ(calls, 1);
  for (auto [wait, expected] : std::vector<std::pair<Clock::duration, int>>{
           {4ms, 1}, {1ms, 2}, {9ms, 2}, {1ms, 3}, {19ms, 3}, {1ms, 4}}) {
    clock->advance(wait);
    poll(io);
    EXPECT_EQ(calls, expected);
  }
  EXPECT_EQ(controller->queue().num_requeues("prod/p"), 0);  // success forgot the failures
  controller->shut_down();
  poll(io);
}

TEST_F(ControllerTest, TerminalErrorIsNotRetried) {
  make_controller(
      recording([](const Request&) { return ReconcileResult(ReconcileError::permanent("bad spec")); }));
  start();
  controller->enqueue({"prod", "p"});
  poll(io);
  clock->advance(1h);
  poll(io);
  EXPECT_EQ(seen.size(), 1u);
  controller->shut_down();
  poll(io);
}

TEST_F(ControllerTest, ThrowingReconcilerIsRetriedNotFatal) {
  int calls = 0;
  make_controller([&](Request) -> boost::asio::awaitable<ReconcileResult> {
    if (++calls == 1) throw std::runtime_error("bug");
    co_return Action{};
  });
  start();
  controller->enqueue({"prod", "p"});
  poll(io);
  clock->advance(5ms);
  poll(io);
  EXPECT_EQ(calls, 2);
  controller->shut_down();
  poll(io);
}

TEST_F(ControllerTest, ConcurrencyIsBoundedAndShutdownDrainsInFlightReconciles) {
  int in_flight = 0, max_in_flight = 0, finished = 0;
  make_controller(
      [&](Request) -> boost::asio::awaitable<ReconcileResult> {
        max_in_flight = std::max(max_in_flight, ++in_flight);
        co_await clock->sleep_for(10s);
        --in_flight;
        ++finished;
        co_return Action{};
      },
      3);
  start();
  for (int i = 0; i < 10; ++i) controller->enqueue({"prod", "p" + std::to_string(i)});
  poll(io);
  EXPECT_EQ(in_flight, 3);
  controller->shut_down();
  poll(io);
  EXPECT_FALSE(run_returned);  // three reconciles still running
  clock->advance(10s);
  poll(io);
  EXPECT_TRUE(run_returned);
  EXPECT_EQ(finished, 3);  // queued work is not started after shutdown
  EXPECT_EQ(max_in_flight, 3);
}

}  // namespace
}  // namespace rollguard::runtime
