// Streaming lists (KEP-3157 "watch-list") through ApiServer::handle: the ListOptions rules the API
// server validates (422 on ListOptions.meta.k8s.io), the initial ADDED events and the
// initial-events-end BOOKMARK, sendInitialEvents=false as an ordinary watch, and a
// resourceVersion the store has not reached (wait, then 504 Too large resource version).
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "api_server.hpp"
#include "apimachinery/list_options.hpp"
#include "watch_stream.hpp"

namespace kubesim {
namespace {
namespace json = boost::json;
using Query = std::map<std::string, std::string>;

const std::string kCms = "/api/v1/namespaces/default/configmaps";

ApiServerOptions quick_options() {
  ApiServerOptions o;
  o.resource_version_wait = std::chrono::milliseconds(100);
  return o;
}

class WatchListTest : public ::testing::Test {
 protected:
  WatchListTest()
      : api_(io_.get_executor(), quick_options(), [] { return std::chrono::system_clock::now(); }) {}

  HttpResponse get(const std::string& path, Query query) {
    HttpRequest r;
    r.method = "GET";
    r.path = path;
    r.query = std::move(query);
    r.accept = "application/json";
    r.user_agent = "kubectl/v1.35.0 (linux/amd64)";
    return api_.handle(r);
  }
  std::string create(const std::string& name, const std::string& app) {
    HttpRequest r;
    r.method = "POST";
    r.path = kCms;
    r.content_type = "application/json";
    r.accept = "application/json";
    r.body = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name +
             R"(","labels":{"app":")" + app + R"("}}})";
    auto resp = api_.handle(r);
    EXPECT_EQ(resp.status, 201u) << resp.body;
    return std::string(json::parse(resp.body).at("metadata").at("resourceVersion").as_string());
  }
  std::string list_rv() {
    return std::string(json::parse(get(kCms, {}).body).at("metadata").at("resourceVersion").as_string());
  }
  // Every line the stream sends until it ends (timeoutSeconds) or `max` lines arrived.
  std::vector<json::value> drain(const std::shared_ptr<WatchStream>& stream, std::size_t max = 100) {
    std::vector<json::value> events;
    auto reader = [&]() -> boost::asio::awaitable<void> {
      while (events.size() < max) {
        auto awaiting_line = stream->next();
        auto line = co_await std::move(awaiting_line);
        if (!line) break;
        events.push_back(json::parse(*line));
      }
      stream->close();
    };
    boost::asio::co_spawn(io_, reader, boost::asio::detached);
    io_.run();
    io_.restart();
    return events;
  }
  static std::string type_of(const json::value& e) { return std::string(e.at("type").as_string()); }
  static std::string name_of(const json::value& e) {
    const auto* n = e.at("object").at("metadata").as_object().if_contains("name");
    return n ? std::string(n->as_string()) : std::string();
  }

  boost::asio::io_context io_;
  ApiServer api_;
};

Query streaming_list(Query extra = {}) {
  Query q{{"watch", "true"},
          {"sendInitialEvents", "true"},
          {"resourceVersionMatch", "NotOlderThan"},
          {"allowWatchBookmarks", "true"},
          {"timeoutSeconds", "1"}};
  for (auto& [k, v] : extra) q[k] = v;
  return q;
}

// kubectl 1.35's wait / rollout status: selected objects as ADDED, then one BOOKMARK annotated
// k8s.io/initial-events-end carrying the list's resourceVersion.
TEST_F(WatchListTest, StreamingListSendsSelectedObjectsThenTheInitialEventsEndBookmark) {
  create("a", "web");
  create("b", "db");
  create("c", "web");
  const std::string rv = list_rv();
  auto r = get(kCms, streaming_list({{"labelSelector", "app=web"}}));
  ASSERT_EQ(r.status, 200u) << r.body;
  ASSERT_NE(r.watch, nullptr);
  auto events = drain(r.watch, 3);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(type_of(events[0]), "ADDED");
  EXPECT_EQ(name_of(events[0]), "a");
  EXPECT_EQ(name_of(events[1]), "c");
  EXPECT_EQ(type_of(events[2]), "BOOKMARK");
  const auto& meta = events[2].at("object").at("metadata");
  EXPECT_EQ(meta.at("resourceVersion").as_string(), rv);
  EXPECT_EQ(meta.at("annotations").at("k8s.io/initial-events-end").as_string(), "true");
  EXPECT_EQ(events[2].at("object").at("kind").as_string(), "ConfigMap");
}

TEST_F(WatchListTest, StreamingListFromAGivenOrCompactedResourceVersionIsTheCurrentState) {
  const std::string before = create("a", "web");
  create("b", "web");
  api_.store().compact();
  // NotOlderThan an old resourceVersion: the current state satisfies it, no 410.
  auto events = drain(get(kCms, streaming_list({{"resourceVersion", before}})).watch, 3);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(name_of(events[0]), "a");
  EXPECT_EQ(name_of(events[1]), "b");
  EXPECT_EQ(type_of(events[2]), "BOOKMARK");
}

TEST_F(WatchListTest, EmptyStreamingListIsJustTheBookmark) {
  auto events = drain(get(kCms, streaming_list()).watch, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(type_of(events[0]), "BOOKMARK");
}

// The cacher sends the end bookmark only to clients that allowed bookmarks (isListWatchRequest);
// validation does not require allowWatchBookmarks.
TEST_F(WatchListTest, WithoutAllowWatchBookmarksTheInitialEventsComeWithoutTheBookmark) {
  create("a", "web");
  auto events = drain(get(kCms, streaming_list({{"allowWatchBookmarks", "false"}})).watch);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(type_of(events[0]), "ADDED");
}

// A legacy watch from "" or "0" is defaulted into a streaming list (SetListOptionsDefaults).
TEST_F(WatchListTest, LegacyWatchWithBookmarksGetsTheInitialEventsEndBookmark) {
  create("a", "web");
  Query legacy{
      {"watch", "1"}, {"resourceVersion", "0"}, {"allowWatchBookmarks", "true"}, {"timeoutSeconds", "1"}};
  auto events = drain(get(kCms, legacy).watch, 2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(name_of(events[0]), "a");
  EXPECT_EQ(type_of(events[1]), "BOOKMARK");
  EXPECT_EQ(
      events[1].at("object").at("metadata").at("annotations").at("k8s.io/initial-events-end").as_string(),
      "true");
  // Without bookmarks the legacy watch is what it always was: ADDED for the current state.
  legacy.erase("allowWatchBookmarks");
  events = drain(get(kCms, legacy).watch);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(type_of(events[0]), "ADDED");
}

TEST_F(WatchListTest, SendInitialEventsFalseIsAnOrdinaryWatch) {
  const std::string rv = create("a", "web");
  create("b", "web");
  Query q = streaming_list({{"sendInitialEvents", "false"}, {"resourceVersion", rv}});
  auto events = drain(get(kCms, q).watch);
  ASSERT_EQ(events.size(), 1u);  // only what happened after rv; no end bookmark
  EXPECT_EQ(type_of(events[0]), "ADDED");
  EXPECT_EQ(name_of(events[0]), "b");
  // Unset: from now on, nothing of the current state.
  events = drain(get(kCms, streaming_list({{"sendInitialEvents", "false"}})).watch);
  EXPECT_TRUE(events.empty());
  // A compacted resourceVersion is 410 Expired, as for any watch.
  api_.store().compact();
  events = drain(get(kCms, q).watch);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(type_of(events[0]), "ERROR");
  EXPECT_EQ(events[0].at("object").at("code").to_number<int>(), 410);
}

TEST_F(WatchListTest, ResourceVersionAheadOfTheStoreEndsWith504AfterTheWait) {
  create("a", "web");
  const std::uint64_t ahead = api_.store().resource_version() + 5;
  auto events = drain(get(kCms, streaming_list({{"resourceVersion", std::to_string(ahead)}})).watch);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(type_of(events[0]), "ERROR");
  const auto& status = events[0].at("object");
  EXPECT_EQ(status.at("code").to_number<int>(), 504);
  EXPECT_EQ(status.at("reason").as_string(), "Timeout");
  EXPECT_EQ(status.at("message").as_string(), "Too large resource version: " + std::to_string(ahead) +
                                                  ", current: " + std::to_string(ahead - 5));
  EXPECT_EQ(status.at("details").at("causes").at(0).at("reason").as_string(), "ResourceVersionTooLarge");
}

TEST_F(WatchListTest, ResourceVersionAheadOfTheStoreStartsOnceAWriteReachesIt) {
  create("a", "web");
  const std::string next = std::to_string(api_.store().resource_version() + 1);
  auto r = get(kCms, streaming_list({{"resourceVersion", next}}));
  ASSERT_NE(r.watch, nullptr);
  create("b", "web");  // reaches `next`
  auto events = drain(r.watch, 3);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(name_of(events[0]), "a");
  EXPECT_EQ(name_of(events[1]), "b");  // part of the initial state, not delivered twice
  EXPECT_EQ(type_of(events[2]), "BOOKMARK");
  EXPECT_EQ(events[2].at("object").at("metadata").at("resourceVersion").as_string(), next);
}

struct InvalidCase {
  Query query;
  std::string message;
};

TEST_F(WatchListTest, InvalidListOptionsAre422WordedAsTheApiServer) {
  const std::string prefix = "ListOptions.meta.k8s.io \"\" is invalid: ";
  const std::vector<InvalidCase> cases = {
      {{{"watch", "true"}, {"sendInitialEvents", "true"}},
       "resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to "
       "NotOlderThan"},
      {{{"watch", "true"}, {"resourceVersion", "5"}, {"resourceVersionMatch", "NotOlderThan"}},
       "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless "
       "sendInitialEvents is "
       "provided"},
      {{{"watch", "true"}, {"sendInitialEvents", "true"}, {"resourceVersionMatch", "Exact"}},
       "[resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to "
       "NotOlderThan, "
       "resourceVersionMatch: Unsupported value: \"Exact\": supported values: \"NotOlderThan\"]"},
      {{{"watch", "true"},
        {"sendInitialEvents", "true"},
        {"resourceVersionMatch", "NotOlderThan"},
        {"continue", "x"}},
       "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided"},
      {{{"sendInitialEvents", "true"}},
       "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list"},
      {{{"resourceVersionMatch", "NotOlderThan"}},
       "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is "
       "provided"},
  };
  for (const auto& c : cases) {
    auto r = get(kCms, c.query);
    EXPECT_EQ(r.status, 422u) << c.message;
    EXPECT_EQ(r.watch, nullptr);
    auto status = json::parse(r.body);
    EXPECT_EQ(status.at("reason").as_string(), "Invalid");
    EXPECT_EQ(status.at("message").as_string(), prefix + c.message);
    EXPECT_EQ(status.at("details").at("kind").as_string(), "ListOptions");
    EXPECT_EQ(status.at("details").at("group").as_string(), "meta.k8s.io");
  }
}

// --feature-gates WatchList=false: the streaming list is refused as the API server refuses it, and
// a legacy watch from "" is not defaulted into one (no end bookmark).
TEST(WatchListGateOff, StreamingListIsForbiddenAndLegacyWatchesStayLegacy) {
  boost::asio::io_context io;
  ApiServerOptions options = quick_options();
  options.watch_list = false;
  ApiServer api(io.get_executor(), options, [] { return std::chrono::system_clock::now(); });
  HttpRequest r;
  r.method = "GET";
  r.path = kCms;
  r.accept = "application/json";
  r.query = {{"watch", "true"}, {"sendInitialEvents", "true"}, {"resourceVersionMatch", "NotOlderThan"}};
  auto refused = api.handle(r);
  EXPECT_EQ(refused.status, 422u);
  EXPECT_EQ(json::parse(refused.body).at("message").as_string(),
            "ListOptions.meta.k8s.io \"\" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden "
            "for watch unless the WatchList feature gate is enabled");

  apimachinery::ListOptions legacy;
  legacy.watch = true;
  apimachinery::default_list_options(legacy, false);
  EXPECT_FALSE(legacy.send_initial_events.has_value());
  EXPECT_TRUE(apimachinery::validate_list_options(legacy, false).empty());
  apimachinery::default_list_options(legacy, true);
  EXPECT_TRUE(legacy.send_initial_events.value_or(false));
}

}  // namespace
}  // namespace kubesim
