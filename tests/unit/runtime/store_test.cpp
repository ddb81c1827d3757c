#include "runtime/store.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

namespace rollguard::runtime {
namespace {

namespace json = boost::json;
using watcher::Event;
using watcher::EventType;

ObjectPtr make(const std::string& ns, const std::string& name, const std::string& rv,
               const std::string& owner_uid = "") {
  json::object metadata{{"namespace", ns}, {"name", name}, {"resourceVersion", rv}};
  if (!owner_uid.empty()) {
    metadata["ownerReferences"] = json::array{json::object{{"kind", "Deployment"}, {"uid", owner_uid}}};
  }
  return std::make_shared<const json::object>(json::object{{"metadata", metadata}});
}

std::string rv(const ObjectPtr& o) {
  return std::string(o->at("metadata").at("resourceVersion").as_string());
}
std::string name(const ObjectPtr& o) { return std::string(o->at("metadata").at("name").as_string()); }

void relist(Writer& w, const std::vector<ObjectPtr>& objects) {
  w.apply({EventType::InitStart, nullptr});
  for (auto& o : objects) w.apply({EventType::InitApply, o});
  w.apply({EventType::InitDone, nullptr});
}

TEST(Store, KeysAreNamespaceSlashNameOrNameWhenClusterScoped) {
  EXPECT_EQ(object_key(*make("prod", "web", "1")), "prod/web");
  EXPECT_EQ(object_key(json::object{{"metadata", json::object{{"name", "node-1"}}}}), "node-1");
  EXPECT_EQ(object_key(json::object{{"metadata", 5}}), "");
}

TEST(Store, NotReadyUntilTheFirstInitDoneAndRelistIsInvisibleUntilThen) {
  Writer writer;
  Store store = writer.store();
  EXPECT_FALSE(store.is_ready());
  writer.apply({EventType::InitStart, nullptr});
  writer.apply({EventType::InitApply, make("prod", "a", "1")});
  EXPECT_EQ(store.size(), 0u);
  EXPECT_FALSE(store.is_ready());
  writer.apply({EventType::InitDone, nullptr});
  EXPECT_TRUE(store.is_ready());
  ASSERT_NE(store.get("prod", "a"), nullptr);
}

TEST(Store, RelistSwapReportsDeletesThatHappenedWhileDisconnected) {
  Writer writer;
  Store store = writer.store();
  relist(writer, {make("prod", "a", "1"), make("prod", "b", "2"), make("prod", "c", "3")});
  // Reconnect: b was deleted, c changed, d created while we were away.
  writer.apply({EventType::InitStart, nullptr});
  writer.apply({EventType::InitApply, make("prod", "a", "1")});
  writer.apply({EventType::InitApply, make("prod", "c", "7")});
  writer.apply({EventType::InitApply, make("prod", "d", "8")});
  EXPECT_EQ(store.size(), 3u);
  EXPECT_NE(store.get("prod", "b"), nullptr);  // old view intact until the swap
  auto changes = writer.apply({EventType::InitDone, nullptr});
  EXPECT_EQ(store.get("prod", "b"), nullptr);
  EXPECT_EQ(rv(store.get("prod", "c")), "7");
  ASSERT_EQ(changes.size(), 3u);  // a unchanged: not reported
  std::map<std::string, std::pair<bool, bool>> seen;
  for (auto& c : changes) {
    auto& obj = c.new_object ? c.new_object : c.old_object;
    seen[name(obj)] = {c.old_object != nullptr, c.new_object != nullptr};
  }
  EXPECT_EQ(seen["b"], std::make_pair(true, false));
  EXPECT_EQ(seen["c"], std::make_pair(true, true));
  EXPECT_EQ(seen["d"], std::make_pair(false, true));
}

TEST(Store, RestartedListDropsThePartialBuffer) {
  Writer writer;
  Store store = writer.store();
  writer.apply({EventType::InitStart, nullptr});
  writer.apply({EventType::InitApply, make("prod", "stale", "1")});
  relist(writer, {make("prod", "fresh", "2")});
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.get("prod", "stale"), nullptr);
}

TEST(Store, ApplyAndDeleteReportOldAndNew) {
  Writer writer;
  Store store = writer.store();
  relist(writer, {});
  auto created = writer.apply({EventType::Apply, make("prod", "a", "1")});
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].old_object, nullptr);
  auto updated = writer.apply({EventType::Apply, make("prod", "a", "2")});
  ASSERT_EQ(updated.size(), 1u);
  EXPECT_EQ(rv(updated[0].old_object), "1");
  EXPECT_EQ(rv(updated[0].new_object), "2");
  auto deleted = writer.apply({EventType::Delete, make("prod", "a", "3")});
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_EQ(rv(deleted[0].old_object), "2");
  EXPECT_EQ(deleted[0].new_object, nullptr);
  EXPECT_EQ(store.size(), 0u);
  // Deleting an unknown object still reports it so handlers can map it to a key.
  auto unknown = writer.apply({EventType::Delete, make("prod", "zz", "4")});
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(name(unknown[0].old_object), "zz");
}

TEST(Store, NamespaceAndOwnerIndexesFollowUpdates) {
  Writer writer;
  Store store = writer.store();
  relist(writer,
         {make("prod", "rs1", "1", "uid-a"), make("prod", "rs2", "1", "uid-a"), make("dev", "rs3", "1")});
  EXPECT_EQ(store.by_index(kNamespaceIndex, "prod").size(), 2u);
  EXPECT_EQ(store.by_index(kOwnerIndex, "uid-a").size(), 2u);
  writer.apply({EventType::Apply, make("prod", "rs2", "2", "uid-b")});  // owner changed
  EXPECT_EQ(store.by_index(kOwnerIndex, "uid-a").size(), 1u);
  ASSERT_EQ(store.by_index(kOwnerIndex, "uid-b").size(), 1u);
  writer.apply({EventType::Delete, make("prod", "rs1", "3", "uid-a")});
  EXPECT_TRUE(store.by_index(kOwnerIndex, "uid-a").empty());
  EXPECT_EQ(store.by_index(kNamespaceIndex, "dev").size(), 1u);
  EXPECT_TRUE(store.by_index("nope", "x").empty());
}

TEST(Store, CustomIndexAddedLaterIndexesExistingObjects) {
  Writer writer;
  Store store = writer.store();
  json::object policy{
      {"metadata", json::object{{"namespace", "prod"}, {"name", "p1"}, {"resourceVersion", "1"}}},
      {"spec", json::object{{"targetRef", json::object{{"name", "web"}}}}}};
  relist(writer, {std::make_shared<const json::object>(policy)});
  writer.add_index("target", [](const json::object& o) -> std::vector<std::string> {
    auto* spec = o.if_contains("spec");
    if (!spec || !spec->is_object()) return {};
    auto* ref = spec->as_object().if_contains("targetRef");
    if (!ref || !ref->is_object() || !ref->as_object().contains("name")) return {};
    return {
        object_key(o.at("metadata").at("namespace").as_string(), ref->as_object().at("name").as_string())};
  });
  auto hits = store.by_index("target", "prod/web");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(name(hits[0]), "p1");
}

TEST(Store, TransformDropsManagedFieldsAndLastApplied) {
  json::object annotations{{"kubectl.kubernetes.io/last-applied-configuration", "{...}"}, {"keep", "me"}};
  json::object o{
      {"metadata", json::object{{"namespace", "prod"},
                                {"name", "a"},
                                {"resourceVersion", "1"},
                                {"managedFields", json::array{json::object{{"manager", "kubectl"}}}},
                                {"annotations", annotations}}}};
  Writer writer;
  relist(writer, {std::make_shared<const json::object>(o)});
  auto cached = writer.store().get("prod", "a");
  ASSERT_NE(cached, nullptr);
  auto& metadata = cached->at("metadata").as_object();
  EXPECT_FALSE(metadata.contains("managedFields"));
  EXPECT_FALSE(
      metadata.at("annotations").as_object().contains("kubectl.kubernetes.io/last-applied-configuration"));
  EXPECT_TRUE(metadata.at("annotations").as_object().contains("keep"));
  EXPECT_TRUE(is_compact(*cached));
}

TEST(Store, WaitUntilReadyCompletesAtInitDone) {
  boost::asio::io_context io;
  Writer writer;
  bool done = false;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        co_await writer.store().wait_until_ready();
        done = true;
      },
      boost::asio::detached);
  io.poll();
  EXPECT_FALSE(done);
  relist(writer, {});
  io.poll();
  EXPECT_TRUE(done);
}

}  // namespace
}  // namespace rollguard::runtime
