#include "runtime/watcher.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace rollguard::runtime::watcher {
namespace {

namespace json = boost::json;

json::object object(const std::string& name, const std::string& rv) {
  return json::object{
      {"metadata", json::object{{"namespace", "prod"}, {"name", name}, {"resourceVersion", rv}}}};
}

json::value list_page(std::vector<json::object> items, const std::string& rv,
                      const std::string& continue_token) {
  json::array array;
  for (auto& item : items) array.push_back(std::move(item));
  json::object metadata{{"resourceVersion", rv}};
  if (!continue_token.empty()) metadata["continue"] = continue_token;
  return json::object{{"kind", "DeploymentList"}, {"metadata", metadata}, {"items", array}};
}

kube::Error api_error(int code, const std::string& reason) {
  kube::Status status;
  status.code = code;
  status.reason = reason;
  status.status = "Failure";
  return kube::Error::from_status(status);
}

kube::WatchEvent watch_event(kube::WatchEventType type, json::object obj) { return {type, std::move(obj)}; }

std::vector<EventType> types(const StepResult& r) {
  std::vector<EventType> out;
  for (auto& e : r.events) out.push_back(e.type);
  return out;
}

std::string name_of(const Event& e) { return std::string(e.object->at("metadata").at("name").as_string()); }

// The list+watch tests; the streaming list has its own below.
Config list_watch_config() {
  Config c;
  c.streaming_list = false;
  return c;
}
Config config = list_watch_config();
Random half = fixed_random(0.5);

TEST(WatcherActions, FirstPageListsWithLimitAndNoResourceVersion) {
  auto action = next_action(Empty{}, config, half);
  auto* list = std::get_if<ListPage>(&action);
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list->options.limit, 500);
  EXPECT_TRUE(list->options.continue_token.empty());
  EXPECT_TRUE(list->options.resource_version.empty());
}

TEST(WatcherActions, NextPageSendsContinueButNeverResourceVersion) {
  Config c;
  c.label_selector = "app=web";
  auto action = next_action(InitPage{"tok"}, c, half);
  auto* list = std::get_if<ListPage>(&action);
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list->options.continue_token, "tok");
  EXPECT_EQ(list->options.limit, 500);
  EXPECT_TRUE(list->options.resource_version.empty());
  EXPECT_EQ(list->options.label_selector, "app=web");
}

TEST(WatcherActions, WatchFromListedVersionWithBookmarksAndRandomTimeoutBetween5And10Minutes) {
  for (double r : {0.0, 0.5, 0.9999}) {
    auto action = next_action(InitListed{"42"}, config, fixed_random(r));
    auto* watch = std::get_if<OpenWatch>(&action);
    ASSERT_NE(watch, nullptr);
    EXPECT_EQ(watch->options.resource_version, "42");
    EXPECT_TRUE(watch->options.allow_bookmarks);
    ASSERT_TRUE(watch->options.timeout_seconds.has_value());
    EXPECT_GE(*watch->options.timeout_seconds, 300);
    EXPECT_LE(*watch->options.timeout_seconds, 600);
  }
  auto lo = std::get<OpenWatch>(next_action(InitListed{"1"}, config, fixed_random(0.0)));
  auto hi = std::get<OpenWatch>(next_action(InitListed{"1"}, config, fixed_random(0.9999)));
  EXPECT_EQ(*lo.options.timeout_seconds, 300);
  EXPECT_EQ(*hi.options.timeout_seconds, 600);
}

TEST(WatcherActions, WatchingReadsTheStream) {
  EXPECT_TRUE(std::holds_alternative<ReadWatch>(next_action(Watching{"7"}, config, half)));
}

TEST(WatcherStep, SinglePageListEmitsInitStartApplyDoneAndGoesToInitListed) {
  auto r = step(Empty{}, PageListed{list_page({object("a", "5"), object("b", "6")}, "10", "")});
  EXPECT_FALSE(r.error);
  EXPECT_EQ(types(r), (std::vector{EventType::InitStart, EventType::InitApply, EventType::InitApply,
                                   EventType::InitDone}));
  EXPECT_EQ(name_of(r.events[1]), "a");
  EXPECT_EQ(name_of(r.events[2]), "b");
  auto* listed = std::get_if<InitListed>(&r.next);
  ASSERT_NE(listed, nullptr);
  EXPECT_EQ(listed->resource_version, "10");
}

TEST(WatcherStep, PagedListCarriesContinueAndFinishesOnLastPage) {
  auto r1 = step(Empty{}, PageListed{list_page({object("a", "5")}, "10", "c1")});
  EXPECT_EQ(types(r1), (std::vector{EventType::InitStart, EventType::InitApply}));
  ASSERT_TRUE(std::holds_alternative<InitPage>(r1.next));
  EXPECT_EQ(std::get<InitPage>(r1.next).continue_token, "c1");

  auto r2 = step(r1.next, PageListed{list_page({object("b", "6")}, "10", "")});
  EXPECT_EQ(types(r2), (std::vector{EventType::InitApply, EventType::InitDone}));  // no second InitStart
  ASSERT_TRUE(std::holds_alternative<InitListed>(r2.next));
  EXPECT_EQ(std::get<InitListed>(r2.next).resource_version, "10");
}

TEST(WatcherStep, ExpiredContinueTokenRestartsTheList) {
  auto r = step(InitPage{"old"}, PageListed{api_error(410, "Expired")});
  ASSERT_TRUE(r.error);
  EXPECT_TRUE(r.error->is_gone());
  EXPECT_TRUE(std::holds_alternative<Empty>(r.next));
  EXPECT_TRUE(r.events.empty());
  // The restarted list starts with InitStart again, so a store drops the half-built buffer.
  auto again = step(r.next, PageListed{list_page({}, "20", "")});
  EXPECT_EQ(types(again), (std::vector{EventType::InitStart, EventType::InitDone}));
}

TEST(WatcherStep, OtherListErrorsRetryTheSamePage) {
  auto r = step(InitPage{"tok"}, PageListed{api_error(500, "InternalError")});
  ASSERT_TRUE(r.error);
  ASSERT_TRUE(std::holds_alternative<InitPage>(r.next));
  EXPECT_EQ(std::get<InitPage>(r.next).continue_token, "tok");
  auto first = step(Empty{}, PageListed{kube::Error(kube::ErrorKind::Network, "refused")});
  ASSERT_TRUE(first.error);
  EXPECT_TRUE(std::holds_alternative<Empty>(first.next));
  EXPECT_TRUE(first.events.empty());
}

TEST(WatcherStep, MalformedListIsADecodeErrorAndKeepsState) {
  auto r = step(Empty{}, PageListed{json::value("not a list")});
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind(), kube::ErrorKind::Decode);
  EXPECT_TRUE(std::holds_alternative<Empty>(r.next));
  auto r2 = step(Empty{}, PageListed{json::object{{"items", 3}}});
  ASSERT_TRUE(r2.error);
  EXPECT_TRUE(r2.events.empty());
}

TEST(WatcherStep, WatchOpenedMovesToWatchingAtTheSameVersion) {
  auto r = step(InitListed{"10"}, WatchOpened{{}});
  EXPECT_FALSE(r.error);
  ASSERT_TRUE(std::holds_alternative<Watching>(r.next));
  EXPECT_EQ(std::get<Watching>(r.next).resource_version, "10");
}

TEST(WatcherStep, WatchOpen410Relists) {
  auto r = step(InitListed{"10"}, WatchOpened{api_error(410, "Gone")});
  ASSERT_TRUE(r.error);
  EXPECT_TRUE(std::holds_alternative<Empty>(r.next));
}

TEST(WatcherStep, WatchOpenOtherErrorStaysListed) {
  auto r = step(InitListed{"10"}, WatchOpened{api_error(429, "TooManyRequests")});
  ASSERT_TRUE(r.error);
  ASSERT_TRUE(std::holds_alternative<InitListed>(r.next));
  EXPECT_EQ(std::get<InitListed>(r.next).resource_version, "10");
}

TEST(WatcherStep, AddedAndModifiedApplyAndMoveTheVersion) {
  auto r = step(Watching{"10"}, WatchReceived{watch_event(kube::WatchEventType::Added, object("a", "11"))});
  EXPECT_EQ(types(r), (std::vector{EventType::Apply}));
  EXPECT_EQ(std::get<Watching>(r.next).resource_version, "11");
  auto m = step(r.next, WatchReceived{watch_event(kube::WatchEventType::Modified, object("a", "12"))});
  EXPECT_EQ(types(m), (std::vector{EventType::Apply}));
  EXPECT_EQ(name_of(m.events[0]), "a");
  EXPECT_EQ(std::get<Watching>(m.next).resource_version, "12");
}

TEST(WatcherStep, DeletedEmitsDeleteWithTheLastState) {
  auto r = step(Watching{"10"}, WatchReceived{watch_event(kube::WatchEventType::Deleted, object("a", "13"))});
  EXPECT_EQ(types(r), (std::vector{EventType::Delete}));
  EXPECT_EQ(name_of(r.events[0]), "a");
  EXPECT_EQ(std::get<Watching>(r.next).resource_version, "13");
}

TEST(WatcherStep, BookmarkOnlyMovesTheVersion) {
  json::object bookmark{{"kind", "Deployment"}, {"metadata", json::object{{"resourceVersion", "99"}}}};
  auto r = step(Watching{"10"}, WatchReceived{watch_event(kube::WatchEventType::Bookmark, bookmark)});
  EXPECT_TRUE(r.events.empty());
  EXPECT_FALSE(r.error);
  EXPECT_EQ(std::get<Watching>(r.next).resource_version, "99");
}

TEST(WatcherStep, EventWithoutVersionKeepsTheLastOne) {
  json::object bare{{"metadata", json::object{{"name", "x"}}}};
  auto r = step(Watching{"10"}, WatchReceived{watch_event(kube::WatchEventType::Added, bare)});
  EXPECT_EQ(std::get<Watching>(r.next).resource_version, "10");
}

TEST(WatcherStep, CleanEndRewatchesFromLastVersionWithoutRelist) {
  auto r = step(Watching{"55"}, WatchEnded{});
  EXPECT_FALSE(r.error);
  EXPECT_TRUE(r.events.empty());
  ASSERT_TRUE(std::holds_alternative<InitListed>(r.next));
  EXPECT_EQ(std::get<InitListed>(r.next).resource_version, "55");
  auto action = next_action(r.next, config, half);
  ASSERT_TRUE(std::holds_alternative<OpenWatch>(action));
  EXPECT_EQ(std::get<OpenWatch>(action).options.resource_version, "55");
}

TEST(WatcherStep, ErrorEvent410Relists) {
  json::object status{{"kind", "Status"},
                      {"status", "Failure"},
                      {"reason", "Expired"},
                      {"code", 410},
                      {"message", "too old resource version: 1 (5)"}};
  auto r = step(Watching{"1"}, WatchReceived{watch_event(kube::WatchEventType::Error, status)});
  ASSERT_TRUE(r.error);
  EXPECT_TRUE(r.error->is_gone());
  EXPECT_TRUE(std::holds_alternative<Empty>(r.next));
  EXPECT_TRUE(r.events.empty());
}

TEST(WatcherStep, OtherErrorEventRewatchesWithBackoff) {
  json::object status{{"kind", "Status"}, {"status", "Failure"}, {"reason", "InternalError"}, {"code", 500}};
  auto r = step(Watching{"8"}, WatchReceived{watch_event(kube::WatchEventType::Error, status)});
  ASSERT_TRUE(r.error);
  ASSERT_TRUE(std::holds_alternative<InitListed>(r.next));
  EXPECT_EQ(std::get<InitListed>(r.next).resource_version, "8");
}

TEST(WatcherStep, StreamFailureRewatchesFromLastVersion) {
  auto r = step(Watching{"8"}, WatchFailed{kube::Error(kube::ErrorKind::Timeout, "idle")});
  ASSERT_TRUE(r.error);
  ASSERT_TRUE(std::holds_alternative<InitListed>(r.next));
  EXPECT_EQ(std::get<InitListed>(r.next).resource_version, "8");
}

TEST(WatcherStep, StreamFailure410Relists) {
  auto r = step(Watching{"8"}, WatchFailed{api_error(410, "Gone")});
  EXPECT_TRUE(std::holds_alternative<Empty>(r.next));
}

TEST(WatcherStep, OutcomesInTheWrongStateAreRejectedWithoutChangingState) {
  auto r = step(Empty{}, WatchReceived{watch_event(kube::WatchEventType::Added, object("a", "1"))});
  ASSERT_TRUE(r.error);
  EXPECT_TRUE(std::holds_alternative<Empty>(r.next));
  EXPECT_TRUE(r.events.empty());
  auto r2 = step(Watching{"3"}, PageListed{list_page({}, "1", "")});
  ASSERT_TRUE(r2.error);
  EXPECT_TRUE(std::holds_alternative<Watching>(r2.next));
}

// --- Streaming list (KEP-3157) ------------------------------------------------------------------

json::object end_bookmark(const std::string& rv, bool end = true) {
  json::object metadata{{"resourceVersion", rv}};
  if (end) metadata["annotations"] = json::object{{"k8s.io/initial-events-end", "true"}};
  return json::object{{"kind", "Deployment"}, {"metadata", metadata}};
}

TEST(WatcherStreaming, EmptyOpensAStreamingListWithTheSelectors) {
  Config c;
  c.label_selector = "app=web";
  c.field_selector = "metadata.name=a";
  auto action = next_action(Empty{}, c, half);
  auto* open = std::get_if<OpenWatch>(&action);
  ASSERT_NE(open, nullptr);
  EXPECT_TRUE(open->options.send_initial_events);
  EXPECT_TRUE(open->options.allow_bookmarks);
  EXPECT_TRUE(open->options.resource_version.empty());
  EXPECT_EQ(open->options.label_selector, "app=web");
  EXPECT_EQ(open->options.field_selector, "metadata.name=a");
  EXPECT_EQ(open->options.timeout_seconds, c.streaming_list_timeout_seconds);
  auto request = kube::requests::watch(kube::ResourceDescriptor::deployments(), "prod", open->options);
  EXPECT_NE(request.target.find("sendInitialEvents=true"), std::string::npos) << request.target;
  EXPECT_NE(request.target.find("resourceVersionMatch=NotOlderThan"), std::string::npos) << request.target;
}

TEST(WatcherStreaming, ListOnlyOrDisabledPagesThroughAList) {
  EXPECT_TRUE(std::holds_alternative<ListPage>(next_action(Empty{true}, Config{}, half)));
  EXPECT_TRUE(std::holds_alternative<ListPage>(next_action(Empty{}, config, half)));
}

TEST(WatcherStreaming, InitialEventsThenEndBookmarkSyncAndKeepWatching) {
  auto opened = step(Empty{}, WatchOpened{kube::Result<void>{}});
  ASSERT_FALSE(opened.error);
  ASSERT_TRUE(std::holds_alternative<InitStreaming>(opened.next));
  EXPECT_EQ(types(opened), std::vector<EventType>{EventType::InitStart});
  EXPECT_TRUE(reads_stream(opened.next));
  EXPECT_TRUE(std::holds_alternative<ReadWatch>(next_action(opened.next, Config{}, half)));

  auto a = step(opened.next, WatchReceived{watch_event(kube::WatchEventType::Added, object("a", "5"))});
  auto b = step(a.next, WatchReceived{watch_event(kube::WatchEventType::Added, object("b", "7"))});
  // A progress bookmark without the annotation changes nothing but the resourceVersion.
  auto progress = step(b.next, WatchReceived{watch_event(kube::WatchEventType::Bookmark, end_bookmark("8", false))});
  EXPECT_EQ(types(a), std::vector<EventType>{EventType::InitApply});
  EXPECT_EQ(name_of(b.events.at(0)), "b");
  ASSERT_TRUE(std::holds_alternative<InitStreaming>(progress.next));
  EXPECT_TRUE(progress.events.empty());

  auto end = step(progress.next, WatchReceived{watch_event(kube::WatchEventType::Bookmark, end_bookmark("9"))});
  EXPECT_FALSE(end.error);
  EXPECT_EQ(types(end), std::vector<EventType>{EventType::InitDone});
  ASSERT_TRUE(std::holds_alternative<Watching>(end.next));
  EXPECT_EQ(std::get<Watching>(end.next).resource_version, "9");  // the list's resourceVersion

  auto live = step(end.next, WatchReceived{watch_event(kube::WatchEventType::Modified, object("a", "10"))});
  EXPECT_EQ(types(live), std::vector<EventType>{EventType::Apply});
  // The stream ends cleanly later: re-watch from the last version, no relist.
  auto ended = step(live.next, WatchEnded{});
  ASSERT_TRUE(std::holds_alternative<InitListed>(ended.next));
  EXPECT_EQ(std::get<InitListed>(ended.next).resource_version, "10");
}

TEST(WatcherStreaming, RefusedByTheServerFallsBackToListWithoutBackoff) {
  for (auto [code, reason] : {std::pair{422, "Invalid"}, std::pair{400, "BadRequest"}, std::pair{403, "Forbidden"}}) {
    auto r = step(Empty{}, WatchOpened{api_error(code, reason)});
    EXPECT_FALSE(r.error) << code;
    ASSERT_TRUE(std::holds_alternative<Empty>(r.next)) << code;
    EXPECT_TRUE(std::get<Empty>(r.next).list_only) << code;
    EXPECT_NE(r.notice.find("list+watch"), std::string::npos) << code;
    EXPECT_TRUE(std::holds_alternative<ListPage>(next_action(r.next, Config{}, half)));
  }
}

TEST(WatcherStreaming, TransientOpenFailuresRetryTheStreamingListAfterBackoff) {
  for (auto error : {kube::Error(kube::ErrorKind::Network, "refused"), api_error(503, "ServiceUnavailable"),
                     api_error(429, "TooManyRequests")}) {
    auto r = step(Empty{}, WatchOpened{error});
    ASSERT_TRUE(r.error) << error.describe();
    ASSERT_TRUE(std::holds_alternative<Empty>(r.next));
    EXPECT_FALSE(std::get<Empty>(r.next).list_only);
  }
}

TEST(WatcherStreaming, StreamEndingBeforeTheEndBookmarkFallsBackToList) {
  // A server that ignored sendInitialEvents: synthetic ADDED events, then the timeout, no bookmark.
  auto a = step(InitStreaming{}, WatchReceived{watch_event(kube::WatchEventType::Added, object("a", "5"))});
  auto ended = step(a.next, WatchEnded{});
  EXPECT_FALSE(ended.error);
  ASSERT_TRUE(std::holds_alternative<Empty>(ended.next));
  EXPECT_TRUE(std::get<Empty>(ended.next).list_only);
  EXPECT_FALSE(ended.notice.empty());
  EXPECT_FALSE(reads_stream(ended.next));
}

TEST(WatcherStreaming, FailuresDuringTheInitialEventsRestartFromScratch) {
  auto failed = step(InitStreaming{"4"}, WatchFailed{kube::Error(kube::ErrorKind::Timeout, "idle")});
  ASSERT_TRUE(failed.error);
  ASSERT_TRUE(std::holds_alternative<Empty>(failed.next));
  EXPECT_FALSE(std::get<Empty>(failed.next).list_only);

  json::object status{{"kind", "Status"}, {"code", 500}, {"reason", "InternalError"}, {"message", "boom"}};
  auto error = step(InitStreaming{"4"}, WatchReceived{watch_event(kube::WatchEventType::Error, status)});
  ASSERT_TRUE(error.error);
  EXPECT_TRUE(std::holds_alternative<Empty>(error.next));

  auto deleted = step(InitStreaming{"4"}, WatchReceived{watch_event(kube::WatchEventType::Deleted, object("a", "5"))});
  ASSERT_TRUE(deleted.error);
  EXPECT_TRUE(deleted.events.empty());
  EXPECT_TRUE(std::holds_alternative<Empty>(deleted.next));
}

TEST(WatcherStreaming, AnErrorEventNamingSendInitialEventsFallsBackToList) {
  json::object status{{"kind", "Status"},
                      {"code", 500},
                      {"reason", "InternalError"},
                      {"message", "sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled"}};
  auto r = step(InitStreaming{}, WatchReceived{watch_event(kube::WatchEventType::Error, status)});
  EXPECT_FALSE(r.error);
  ASSERT_TRUE(std::holds_alternative<Empty>(r.next));
  EXPECT_TRUE(std::get<Empty>(r.next).list_only);
}

TEST(WatcherStreaming, A410AfterAFallbackTriesTheStreamingListAgain) {
  auto r = step(Watching{"8"}, WatchFailed{api_error(410, "Gone")});
  ASSERT_TRUE(std::holds_alternative<Empty>(r.next));
  EXPECT_FALSE(std::get<Empty>(r.next).list_only);
}

}  // namespace
}  // namespace rollguard::runtime::watcher
