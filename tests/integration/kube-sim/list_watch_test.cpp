// LIST paging (limit/continue, expiring continue tokens), selectors, and WATCH: replay from a
// resourceVersion, selector filtering, bookmarks and 410 Gone for a compacted history.
#include <gtest/gtest.h>

#include <thread>

#include "sim_harness.hpp"

namespace kubesim::testing {
namespace {
namespace json = boost::json;

const std::string kCms = "/api/v1/namespaces/default/configmaps";

std::vector<std::string> names(const json::value& list) {
  std::vector<std::string> out;
  for (const auto& i : list.at("items").as_array()) out.emplace_back(i.at("metadata").at("name").as_string());
  return out;
}

std::string meta(const json::value& v, const char* field) {
  const auto* m = v.as_object().if_contains("metadata");
  const auto* f = m ? m->as_object().if_contains(field) : nullptr;
  return f && f->is_string() ? std::string(f->as_string()) : std::string();
}

TEST(KubeSimList, PagesWithContinueTokens) {
  InProcessSim sim;
  auto c = sim.client();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(c.post(kCms, configmap("c" + std::to_string(i))).status, 201u);
  auto p1 = c.get(kCms + "?limit=2").json();
  EXPECT_EQ(names(p1), (std::vector<std::string>{"c0", "c1"}));
  EXPECT_EQ(p1.at("metadata").at("remainingItemCount").to_number<int>(), 3);
  std::string token(p1.at("metadata").at("continue").as_string());
  auto p2 = c.get(kCms + "?limit=2&continue=" + token).json();
  EXPECT_EQ(names(p2), (std::vector<std::string>{"c2", "c3"}));
  std::string token2(p2.at("metadata").at("continue").as_string());
  auto p3 = c.get(kCms + "?limit=2&continue=" + token2).json();
  EXPECT_EQ(names(p3), (std::vector<std::string>{"c4"}));
  EXPECT_FALSE(p3.at("metadata").as_object().contains("continue"));
  // All pages report the first page's list resourceVersion.
  EXPECT_EQ(meta(p1, "resourceVersion"), meta(p3, "resourceVersion"));
}

// A repeated query parameter counts with its first value, as in the API server (url.Values and
// Convert_Slice_string_To_* take element 0), not with its last.
TEST(KubeSimList, ARepeatedQueryParameterTakesItsFirstValue) {
  InProcessSim sim;
  auto c = sim.client();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(c.post(kCms, configmap("r" + std::to_string(i))).status, 201u);
  EXPECT_EQ(names(c.get(kCms + "?limit=1&limit=5").json()), (std::vector<std::string>{"r0"}));
  auto listed = c.get(kCms + "?watch=false&watch=true");
  EXPECT_EQ(listed.status, 200u);
  EXPECT_EQ(names(listed.json()).size(), 3u);  // a list, not a watch
}

TEST(KubeSimList, ContinueTokensExpireAndMalformedOnesAreRejected) {
  InProcessSim sim;
  auto c = sim.client();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(c.post(kCms, configmap("e" + std::to_string(i))).status, 201u);
  auto p1 = c.get(kCms + "?limit=1").json();
  std::string token(p1.at("metadata").at("continue").as_string());
  sim.advance(std::chrono::seconds(3600));
  auto expired = c.get(kCms + "?limit=1&continue=" + token);
  EXPECT_EQ(expired.status, 410u) << expired.body;
  EXPECT_EQ(expired.json().at("reason").as_string(), "Expired");
  EXPECT_EQ(c.get(kCms + "?limit=1&continue=garbage").status, 400u);
}

TEST(KubeSimList, LabelAndFieldSelectors) {
  InProcessSim sim;
  auto c = sim.client();
  ASSERT_EQ(c.post(kCms, configmap("a", {{"env", "prod"}, {"tier", "web"}})).status, 201u);
  ASSERT_EQ(c.post(kCms, configmap("b", {{"env", "dev"}})).status, 201u);
  ASSERT_EQ(c.post(kCms, configmap("c", {{"env", "qa"}})).status, 201u);
  EXPECT_EQ(names(c.get(kCms + "?labelSelector=env%3Dprod").json()), (std::vector<std::string>{"a"}));
  EXPECT_EQ(names(c.get(kCms + "?labelSelector=env%20in%20(dev,qa)").json()),
            (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(names(c.get(kCms + "?labelSelector=!tier").json()), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(names(c.get(kCms + "?fieldSelector=metadata.name%3Db").json()), (std::vector<std::string>{"b"}));
  EXPECT_EQ(c.get(kCms + "?fieldSelector=spec.nothing%3Dx").status, 400u);
  EXPECT_EQ(c.get(kCms + "?labelSelector=%3D%3D%3D").status, 400u);
  // Lists across namespaces, and the resourceVersion=0 "any" read.
  EXPECT_EQ(names(c.get("/api/v1/configmaps?resourceVersion=0").json()).size(), 3u);
}

TEST(KubeSimWatch, ReplaysFromResourceVersionWithSelectors) {
  InProcessSim sim;
  auto c = sim.client();
  std::string rv = meta(c.get(kCms).json(), "resourceVersion");
  ASSERT_EQ(c.post(kCms, configmap("w1", {{"app", "x"}})).status, 201u);
  ASSERT_EQ(c.post(kCms, configmap("w2", {{"app", "y"}})).status, 201u);
  ASSERT_EQ(c.patch(kCms + "/w1", "application/merge-patch+json", R"({"data":{"k":"changed"}})").status,
            200u);
  ASSERT_EQ(
      c.patch(kCms + "/w1", "application/merge-patch+json", R"({"metadata":{"labels":{"app":"y"}}})").status,
      200u);
  auto events = c.watch(kCms + "?watch=true&timeoutSeconds=1&labelSelector=app%3Dx&resourceVersion=" + rv, 3);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].at("type").as_string(), "ADDED");
  EXPECT_EQ(events[1].at("type").as_string(), "MODIFIED");
  // Leaving the selected set is seen as DELETED by a filtered watch.
  EXPECT_EQ(events[2].at("type").as_string(), "DELETED");
  for (const auto& e : events) EXPECT_EQ(meta(e.at("object"), "name"), "w1");
}

TEST(KubeSimWatch, DeliversLiveEventsAndDeletes) {
  InProcessSim sim;
  auto c = sim.client();
  std::string rv = meta(c.get(kCms).json(), "resourceVersion");
  std::vector<json::value> events;
  std::thread watcher(
      [&] { events = c.watch(kCms + "?watch=true&timeoutSeconds=10&resourceVersion=" + rv, 2); });
  ASSERT_EQ(c.post(kCms, configmap("live")).status, 201u);
  ASSERT_EQ(c.del(kCms + "/live").status, 200u);
  watcher.join();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].at("type").as_string(), "ADDED");
  EXPECT_EQ(events[1].at("type").as_string(), "DELETED");
  EXPECT_GT(std::stoull(meta(events[1].at("object"), "resourceVersion")),
            std::stoull(meta(events[0].at("object"), "resourceVersion")));
}

TEST(KubeSimWatch, InitialStateWithoutResourceVersion) {
  InProcessSim sim;
  auto c = sim.client();
  ASSERT_EQ(c.post(kCms, configmap("i1")).status, 201u);
  ASSERT_EQ(c.post(kCms, configmap("i2")).status, 201u);
  auto events = c.watch(kCms + "?watch=true&timeoutSeconds=1", 10);
  ASSERT_EQ(events.size(), 2u);  // synthetic ADDED for current objects, then the timeout ends it
  EXPECT_EQ(meta(events[0].at("object"), "name"), "i1");
  EXPECT_EQ(meta(events[1].at("object"), "name"), "i2");
}

TEST(KubeSimWatch, TooOldResourceVersionIsGone) {
  ApiServerOptions o;
  o.history_limit = 3;
  InProcessSim sim(o);
  auto c = sim.client();
  std::string rv = meta(c.get(kCms).json(), "resourceVersion");
  for (int i = 0; i < 6; ++i) ASSERT_EQ(c.post(kCms, configmap("g" + std::to_string(i))).status, 201u);
  auto events = c.watch(kCms + "?watch=true&timeoutSeconds=5&resourceVersion=" + rv, 5);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at("type").as_string(), "ERROR");
  EXPECT_EQ(events[0].at("object").at("code").to_number<int>(), 410);
  EXPECT_EQ(events[0].at("object").at("reason").as_string(), "Expired");
}

TEST(KubeSimWatch, BookmarksWhenAllowed) {
  ApiServerOptions o;
  o.bookmark_interval = std::chrono::milliseconds(50);
  InProcessSim sim(o);
  auto c = sim.client();
  std::string rv = meta(c.get(kCms).json(), "resourceVersion");
  auto events =
      c.watch(kCms + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=5&resourceVersion=" + rv, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at("type").as_string(), "BOOKMARK");
  EXPECT_EQ(meta(events[0].at("object"), "resourceVersion"), rv);
}

// A streaming list (KEP-3157) over the wire, as kubectl 1.35's wait and rollout status open it:
// the selected objects as ADDED, the initial-events-end BOOKMARK at the list's resourceVersion,
// and a resumed watch from that bookmark (sendInitialEvents=false) that sees only later changes.
TEST(KubeSimWatch, StreamingListThenResumeFromItsBookmark) {
  InProcessSim sim;
  auto c = sim.client();
  ASSERT_EQ(c.post(kCms, configmap("s1", {{"app", "x"}})).status, 201u);
  ASSERT_EQ(c.post(kCms, configmap("s2", {{"app", "other"}})).status, 201u);
  ASSERT_EQ(c.post(kCms, configmap("s3", {{"app", "x"}})).status, 201u);
  std::string list_rv = meta(c.get(kCms).json(), "resourceVersion");
  const std::string streaming = kCms +
                                "?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&"
                                "allowWatchBookmarks=true&timeoutSeconds=5&labelSelector=app%3Dx";
  auto events = c.watch(streaming, 3);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].at("type").as_string(), "ADDED");
  EXPECT_EQ(meta(events[0].at("object"), "name"), "s1");
  EXPECT_EQ(meta(events[1].at("object"), "name"), "s3");
  EXPECT_EQ(events[2].at("type").as_string(), "BOOKMARK");
  const auto& bookmark = events[2].at("object");
  EXPECT_EQ(meta(bookmark, "resourceVersion"), list_rv);
  EXPECT_EQ(bookmark.at("metadata").at("annotations").at("k8s.io/initial-events-end").as_string(), "true");

  ASSERT_EQ(c.post(kCms, configmap("s4", {{"app", "x"}})).status, 201u);
  auto resumed = c.watch(kCms +
                             "?watch=true&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&"
                             "timeoutSeconds=1&labelSelector=app%3Dx&resourceVersion=" +
                             list_rv,
                         5);
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].at("type").as_string(), "ADDED");
  EXPECT_EQ(meta(resumed[0].at("object"), "name"), "s4");

  auto refused = c.get(kCms + "?watch=true&sendInitialEvents=true");
  EXPECT_EQ(refused.status, 422u) << refused.body;
}

}  // namespace
}  // namespace kubesim::testing
