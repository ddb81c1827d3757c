#include "runtime/store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <map>
#include <thread>
#include <vector>

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

// Every semantic holds for both ways of keeping objects at rest.
class StoreTest : public ::testing::TestWithParam<Storage> {};

TEST(StoreKey, KeysAreNamespaceSlashNameOrNameWhenClusterScoped) {
  EXPECT_EQ(object_key(*make("prod", "web", "1")), "prod/web");
  EXPECT_EQ(object_key(json::object{{"metadata", json::object{{"name", "node-1"}}}}), "node-1");
  EXPECT_EQ(object_key(json::object{{"metadata", 5}}), "");
}

TEST_P(StoreTest, NotReadyUntilTheFirstInitDoneAndRelistIsInvisibleUntilThen) {
  Writer writer(strip_for_cache, GetParam());
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

TEST_P(StoreTest, RelistSwapReportsDeletesThatHappenedWhileDisconnected) {
  Writer writer(strip_for_cache, GetParam());
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

TEST_P(StoreTest, RelistDiffIsDeliveredInBatchesAfterTheSwap) {
  Writer writer(strip_for_cache, GetParam());
  Store store = writer.store();
  relist(writer, {make("prod", "a", "1"), make("prod", "b", "2")});
  writer.apply({EventType::InitStart, nullptr});
  for (auto n : {"a", "c", "d", "e", "f"}) writer.apply({EventType::InitApply, make("prod", n, "9")});
  std::vector<std::size_t> sizes;
  std::map<std::string, std::pair<bool, bool>> seen;
  writer.apply({EventType::InitDone, nullptr}, 2, [&](const std::vector<Change>& changes) {
    sizes.push_back(changes.size());
    EXPECT_EQ(store.get("prod", "b"), nullptr);  // handlers run on the swapped store
    for (auto& c : changes) {
      auto& obj = c.new_object ? c.new_object : c.old_object;
      seen[name(obj)] = {c.old_object != nullptr, c.new_object != nullptr};
    }
  });
  EXPECT_EQ(sizes, (std::vector<std::size_t>{2, 2, 2}));  // a changed, c..f added, b deleted
  EXPECT_EQ(seen["a"], std::make_pair(true, true));
  EXPECT_EQ(seen["b"], std::make_pair(true, false));
  EXPECT_EQ(seen["f"], std::make_pair(false, true));
  EXPECT_EQ(seen.size(), 6u);
  // An event with one change is one batch; one with none delivers nothing.
  sizes.clear();
  auto record = [&](const std::vector<Change>& changes) { sizes.push_back(changes.size()); };
  writer.apply({EventType::Apply, make("prod", "g", "10")}, 2, record);
  writer.apply({EventType::InitStart, nullptr}, 2, record);
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1}));
}

TEST_P(StoreTest, RestartedListDropsThePartialBuffer) {
  Writer writer(strip_for_cache, GetParam());
  Store store = writer.store();
  writer.apply({EventType::InitStart, nullptr});
  writer.apply({EventType::InitApply, make("prod", "stale", "1")});
  relist(writer, {make("prod", "fresh", "2")});
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.get("prod", "stale"), nullptr);
}

TEST_P(StoreTest, ApplyAndDeleteReportOldAndNew) {
  Writer writer(strip_for_cache, GetParam());
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

TEST_P(StoreTest, NamespaceAndOwnerIndexesFollowUpdates) {
  Writer writer(strip_for_cache, GetParam());
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

TEST_P(StoreTest, NamespaceIndexIsExactlyThatNamespace) {
  Writer writer(strip_for_cache, GetParam());
  // '-' sorts before '/' and '2' after it: neighbours of "prod/" in key order on both sides.
  relist(writer, {make("prod-a", "x", "1"), make("prod", "b", "1"), make("prod", "a", "1"),
                  make("prod2", "y", "1"), make("pro", "z", "1")});
  auto prod = writer.store().by_index(kNamespaceIndex, "prod");
  ASSERT_EQ(prod.size(), 2u);
  EXPECT_EQ(name(prod[0]), "a");
  EXPECT_EQ(name(prod[1]), "b");
  EXPECT_EQ(writer.store().by_index(kNamespaceIndex, "prod2").size(), 1u);
  EXPECT_TRUE(writer.store().by_index(kNamespaceIndex, "pr").empty());
  EXPECT_TRUE(writer.store().by_index(kNamespaceIndex, "").empty());
}

TEST_P(StoreTest, CustomIndexAddedLaterIndexesExistingObjects) {
  Writer writer(strip_for_cache, GetParam());
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

TEST_P(StoreTest, TransformDropsManagedFieldsAndLastApplied) {
  json::object annotations{{"kubectl.kubernetes.io/last-applied-configuration", "{...}"}, {"keep", "me"}};
  json::object o{
      {"metadata", json::object{{"namespace", "prod"},
                                {"name", "a"},
                                {"resourceVersion", "1"},
                                {"managedFields", json::array{json::object{{"manager", "kubectl"}}}},
                                {"annotations", annotations}}}};
  Writer writer(strip_for_cache, GetParam());
  relist(writer, {std::make_shared<const json::object>(o)});
  auto cached = writer.store().get("prod", "a");
  ASSERT_NE(cached, nullptr);
  auto& metadata = cached->at("metadata").as_object();
  EXPECT_FALSE(metadata.contains("managedFields"));
  EXPECT_FALSE(
      metadata.at("annotations").as_object().contains("kubectl.kubernetes.io/last-applied-configuration"));
  EXPECT_TRUE(metadata.at("annotations").as_object().contains("keep"));
  EXPECT_TRUE(is_compact(*cached));  // read-only storage, safe to copy from on any thread
}

TEST_P(StoreTest, WaitUntilReadyCompletesAtInitDone) {
  boost::asio::io_context io;
  Writer writer(strip_for_cache, GetParam());
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

TEST_P(StoreTest, GetReturnsWhatWasAppliedAfterTheTransform) {
  auto applied = std::make_shared<const json::object>(json::object{
      {"metadata", json::object{{"namespace", "prod"},
                                {"name", "a"},
                                {"resourceVersion", "1"},
                                {"managedFields", json::array{json::object{{"manager", "kubectl"}}}},
                                {"labels", json::object{{"app", "web"}}}}},
      {"spec", json::object{{"replicas", 3}, {"paused", false}, {"ratio", 0.25}, {"none", nullptr}}},
      {"status", json::object{{"conditions", json::array{json::object{{"type", "Available"}}}}}}});
  Writer writer(strip_for_cache, GetParam());
  relist(writer, {applied});
  auto expected = strip_for_cache(applied);
  auto cached = writer.store().get("prod", "a");
  ASSERT_NE(cached, nullptr);
  EXPECT_EQ(*cached, *expected);
  ASSERT_EQ(writer.store().list().size(), 1u);
  EXPECT_EQ(*writer.store().list()[0], *expected);
  ASSERT_EQ(writer.store().by_index(kNamespaceIndex, "prod").size(), 1u);
  EXPECT_EQ(*writer.store().by_index(kNamespaceIndex, "prod")[0], *expected);
  auto changes = writer.apply({EventType::Apply, make("prod", "a", "2")});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(*changes[0].old_object, *expected);
  EXPECT_EQ(*changes[0].new_object, *writer.store().get("prod", "a"));
}

TEST_P(StoreTest, ReadsAreIndependentInTextModeAndSharedInSharedMode) {
  Writer writer(strip_for_cache, GetParam());
  relist(writer, {make("prod", "a", "1")});
  auto first = writer.store().get("prod", "a");
  auto second = writer.store().get("prod", "a");
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(*first, *second);
  if (GetParam() == Storage::Shared) {
    EXPECT_EQ(first, second);
    return;
  }
  EXPECT_NE(first, second);
  // Each read has its own storage: what one reader copies or keeps touches no other reader's.
  EXPECT_NE(first->storage().get(), second->storage().get());
  // The objects outlive the cache.
  writer.apply({EventType::Delete, make("prod", "a", "2")});
  EXPECT_EQ(rv(second), "1");
}

TEST_P(StoreTest, ReadersOnSeveralThreadsWhileTheWriterApplies) {
  Writer writer(strip_for_cache, GetParam());
  Store store = writer.store();
  relist(writer, {make("prod", "a", "0", "uid-a"), make("prod", "b", "0", "uid-a")});
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  std::vector<int> bad(3, 0);
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      while (!stop.load()) {
        // "a" is always present: only its resourceVersion moves, and never backwards.
        auto a = store.get("prod", "a");
        if (!a || name(a) != "a") ++bad[t];
        for (auto& o : store.list()) {
          if (object_key(*o).empty()) ++bad[t];
        }
        for (auto& o : store.by_index(kOwnerIndex, "uid-a")) {
          json::object copy = *o;  // copies allocate through the read object's storage
          copy["extra"] = "x";
          if (copy.at("metadata").at("namespace") != "prod") ++bad[t];
        }
      }
    });
  }
  for (int i = 1; i <= 300; ++i) {
    auto v = std::to_string(i);
    writer.apply({EventType::Apply, make("prod", "a", v, "uid-a")});
    writer.apply({EventType::Apply, make("prod", "c" + std::to_string(i % 7), v, "uid-a")});
    if (i % 3 == 0) writer.apply({EventType::Delete, make("prod", "c" + std::to_string(i % 5), v)});
    if (i % 50 == 0) relist(writer, {make("prod", "a", v, "uid-a"), make("prod", "b", v, "uid-a")});
  }
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(bad, std::vector<int>(3, 0));
  EXPECT_EQ(rv(store.get("prod", "a")), "300");
  EXPECT_EQ(store.by_index(kOwnerIndex, "uid-a").size(), store.size());
}

INSTANTIATE_TEST_SUITE_P(Storage, StoreTest, ::testing::Values(Storage::Text, Storage::Shared),
                         [](const ::testing::TestParamInfo<Storage>& info) {
                           return info.param == Storage::Text ? "Text" : "Shared";
                         });

}  // namespace
}  // namespace rollguard::runtime
