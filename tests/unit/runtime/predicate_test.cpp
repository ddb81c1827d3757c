#include "runtime/predicate.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "runtime/controller.hpp"

namespace rollguard::runtime {
namespace {

namespace json = boost::json;

json::object policy(std::int64_t generation, const std::string& rv, json::object labels = {},
                    json::object annotations = {}) {
  json::object metadata{
      {"namespace", "prod"}, {"name", "guard"}, {"generation", generation}, {"resourceVersion", rv}};
  if (!labels.empty()) metadata["labels"] = std::move(labels);
  if (!annotations.empty()) metadata["annotations"] = std::move(annotations);
  return json::object{{"metadata", std::move(metadata)}, {"spec", json::object{{"interval", "1m"}}}};
}

TEST(Predicates, EveryPredicateLetsCreatesAndDeletesThrough) {
  const auto object = policy(1, "10");
  for (auto& predicate : {generation_changed(), resource_version_changed(), labels_changed(),
                          annotations_changed(), created_or_deleted()}) {
    EXPECT_TRUE(predicate(nullptr, &object));
    EXPECT_TRUE(predicate(&object, nullptr));
  }
}

TEST(Predicates, GenerationChangedDropsStatusAndMetadataOnlyWrites) {
  const auto before = policy(3, "10");
  auto status_write = policy(3, "11");
  status_write["status"] = json::object{{"phase", "Healthy"}};
  const auto spec_change = policy(4, "12");
  EXPECT_FALSE(generation_changed()(&before, &status_write));
  EXPECT_TRUE(generation_changed()(&before, &spec_change));
}

TEST(Predicates, ResourceVersionChangedDropsTheNoOpUpdatesOfARelist) {
  const auto a = policy(1, "10");
  const auto same = policy(1, "10");
  const auto newer = policy(1, "11");
  EXPECT_FALSE(resource_version_changed()(&a, &same));
  EXPECT_TRUE(resource_version_changed()(&a, &newer));
}

TEST(Predicates, LabelAndAnnotationPredicatesCompareTheirMapOnly) {
  const auto plain = policy(1, "10");
  const auto empty_labels = [] {
    auto o = policy(1, "11");
    o["metadata"].as_object()["labels"] = json::object{};
    return o;
  }();
  const auto labelled = policy(1, "12", {{"team", "a"}});
  const auto relabelled = policy(1, "13", {{"team", "b"}});
  const auto annotated = policy(1, "14", {}, {{"note", "x"}});
  EXPECT_FALSE(labels_changed()(&plain, &empty_labels));  // absent and empty are the same map
  EXPECT_TRUE(labels_changed()(&plain, &labelled));
  EXPECT_TRUE(labels_changed()(&labelled, &relabelled));
  EXPECT_FALSE(labels_changed()(&plain, &annotated));
  EXPECT_TRUE(annotations_changed()(&plain, &annotated));
  EXPECT_FALSE(annotations_changed()(&labelled, &relabelled));
}

TEST(Predicates, CreatedOrDeletedDropsEveryUpdate) {
  const auto a = policy(1, "10");
  const auto b = policy(2, "11");
  EXPECT_FALSE(created_or_deleted()(&a, &b));
}

TEST(Predicates, AnyOfAndAllOfCombine) {
  const auto before = policy(1, "10");
  const auto relabelled = policy(1, "11", {{"team", "a"}});
  EXPECT_TRUE(any_of({generation_changed(), labels_changed()})(&before, &relabelled));
  EXPECT_FALSE(all_of({generation_changed(), labels_changed()})(&before, &relabelled));
  EXPECT_TRUE(all_of({resource_version_changed(), labels_changed()})(&before, &relabelled));
  EXPECT_FALSE(any_of({})(&before, &relabelled));
  EXPECT_TRUE(all_of({})(&before, &relabelled));
}

// The case predicates exist for: the reconciler's own status write must not reconcile the policy
// again at once, a spec change must.
TEST(Predicates, AHandlerWithGenerationChangedIgnoresStatusWrites) {
  auto clock = std::make_shared<FakeClock>();
  Controller controller(
      clock, ControllerOptions{"policies", 1},
      [](Request) -> boost::asio::awaitable<ReconcileResult> { co_return Action::await_change(); });
  Writer policies;
  auto sink = apply_and_notify(policies, {controller.handler(map_primary(), generation_changed())});
  auto object = [](json::object o) { return std::make_shared<const json::object>(std::move(o)); };
  sink({watcher::EventType::Apply, object(policy(1, "10"))});  // created
  EXPECT_EQ(controller.queue().len(), 1u);
  boost::asio::io_context io;
  // Take the key out (as a worker would) so later adds show up in len() again.
  auto get = [&] {
    std::optional<std::string> key;
    boost::asio::co_spawn(
        io, [&]() -> boost::asio::awaitable<void> { key = co_await controller.queue().get(); },
        boost::asio::detached);
    io.restart();
    io.poll();
    controller.queue().done(*key);
  };
  get();
  auto status_write = policy(1, "11");
  status_write["status"] = json::object{{"lastEvaluation", "now"}};
  sink({watcher::EventType::Apply, object(status_write)});
  EXPECT_EQ(controller.queue().len(), 0u);
  sink({watcher::EventType::Apply, object(policy(2, "12"))});  // spec change
  EXPECT_EQ(controller.queue().len(), 1u);
  get();
  sink({watcher::EventType::Delete, object(policy(2, "12"))});
  EXPECT_EQ(controller.queue().len(), 1u);
}

}  // namespace
}  // namespace rollguard::runtime
