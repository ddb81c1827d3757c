// kube::Client against kube-sim over HTTPS (a child process): the client's requests, paging, watch
// and error decoding, checked against a server that speaks the Kubernetes API.
#include <gtest/gtest.h>

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <optional>
#include <set>

#include "kube/client.hpp"
#include "kube_sim_process.hpp"

namespace rollguard::kube {
namespace {
namespace asio = boost::asio;
namespace json = boost::json;

json::value config_map(const std::string& name, const std::string& value) {
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata", json::object{{"name", name}, {"labels", json::object{{"suite", "client"}}}}},
      {"data", json::object{{"key", value}}}};
}

std::string rv_of(const json::value& object) {
  return std::string(object.at("metadata").at("resourceVersion").as_string());
}

class ClientAgainstKubeSim : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(sim_.running()) << sim_.startup_error(); }

  template <class Fn>
  auto run(Fn fn) {
    asio::io_context io;
    auto client = Client::create(io.get_executor(), sim_.config());
    using T = typename decltype(fn(std::shared_ptr<Client>()))::value_type;
    std::optional<T> result;
    EXPECT_TRUE(client.has_value()) << (client ? "" : client.error().describe());
    if (!client) return result;
    asio::co_spawn(io, fn(*client), [&](std::exception_ptr error, T value) {
      if (error) std::rethrow_exception(error);
      result.emplace(std::move(value));
    });
    io.run();
    return result;
  }

  testing::KubeSimProcess sim_;
};

TEST_F(ClientAgainstKubeSim, CrudConflictsAndErrors) {
  auto outcome = run([](std::shared_ptr<Client> client) -> asio::awaitable<Result<std::string>> {
    const auto cm = ResourceDescriptor::config_maps();
    auto created = co_await client->create(cm, "default", config_map("a", "1"));
    if (!created) co_return created.error();
    auto again = co_await client->create(cm, "default", config_map("a", "1"));
    if (again || !again.error().is_already_exists())
      co_return std::string("second create: not AlreadyExists");

    // A PUT with a stale resourceVersion is a Conflict (optimistic concurrency).
    auto stale = created.value();
    auto patched = co_await client->patch(cm, "default", "a", PatchType::Merge, R"({"data":{"key":"2"}})");
    if (!patched) co_return patched.error();
    if (patched->at("data").at("key") != "2") co_return std::string("merge patch not applied");
    stale.at("data").at("key") = "3";
    auto conflict = co_await client->replace(cm, "default", "a", stale);
    if (conflict || !conflict.error().is_conflict()) co_return std::string("stale PUT: not a Conflict");

    auto fresh = co_await client->get(cm, "default", "a");
    if (!fresh) co_return fresh.error();
    if (fresh->at("data").at("key") != "2") co_return std::string("stale PUT changed the object");

    DeleteOptions remove_options;
    auto removed = co_await client->remove(cm, "default", "a", remove_options);
    if (!removed) co_return removed.error();
    auto gone = co_await client->get(cm, "default", "a");
    if (gone || !gone.error().is_not_found()) co_return std::string("get after delete: not NotFound");
    if (gone.error().status().details_name != "a") co_return std::string("NotFound without details.name");
    co_return std::string("ok");
  });
  ASSERT_TRUE(outcome && outcome->has_value()) << (outcome ? outcome->error().describe() : "");
  EXPECT_EQ(outcome->value(), "ok");
}

TEST_F(ClientAgainstKubeSim, ListPagingReturnsEveryObjectOnce) {
  auto outcome = run([](std::shared_ptr<Client> client) -> asio::awaitable<Result<std::vector<std::string>>> {
    const auto cm = ResourceDescriptor::config_maps();
    for (int i = 0; i < 25; ++i) {
      auto created = co_await client->create(cm, "default", config_map("page-" + std::to_string(i), "v"));
      if (!created) co_return created.error();
    }
    std::vector<std::string> names;
    ListOptions options;
    options.limit = 10;
    options.label_selector = "suite=client";
    int pages = 0;
    for (;;) {
      auto page = co_await client->list(cm, "default", options);
      if (!page) co_return page.error();
      ++pages;
      for (const auto& item : page->at("items").as_array()) {
        names.emplace_back(item.at("metadata").at("name").as_string());
      }
      const auto* token = page->at("metadata").as_object().if_contains("continue");
      if (token == nullptr || token->as_string().empty()) break;
      options.continue_token = std::string(token->as_string());
      if (pages > 10) co_return Error(ErrorKind::Invalid, "paging does not end");
    }
    if (pages != 3) co_return Error(ErrorKind::Invalid, "expected 3 pages, got " + std::to_string(pages));
    co_return names;
  });
  ASSERT_TRUE(outcome && outcome->has_value()) << (outcome ? outcome->error().describe() : "");
  std::set<std::string> unique(outcome->value().begin(), outcome->value().end());
  EXPECT_EQ(outcome->value().size(), 25u);
  EXPECT_EQ(unique.size(), 25u);
}

TEST_F(ClientAgainstKubeSim, WatchFromListResourceVersionSeesChangesInOrder) {
  auto outcome = run([](std::shared_ptr<Client> client) -> asio::awaitable<Result<std::vector<std::string>>> {
    const auto cm = ResourceDescriptor::config_maps();
    ListOptions list_options;
    auto listed = co_await client->list(cm, "default", list_options);
    if (!listed) co_return listed.error();
    WatchOptions watch_options;
    watch_options.resource_version = rv_of(listed.value());
    watch_options.timeout_seconds = 30;
    auto stream = co_await client->watch(cm, "default", watch_options);
    if (!stream) co_return stream.error();

    auto created = co_await client->create(cm, "default", config_map("w", "1"));
    if (!created) co_return created.error();
    auto patched = co_await client->patch(cm, "default", "w", PatchType::Merge, R"({"data":{"key":"2"}})");
    if (!patched) co_return patched.error();
    DeleteOptions remove_options;
    auto removed = co_await client->remove(cm, "default", "w", remove_options);
    if (!removed) co_return removed.error();

    std::vector<std::string> seen;
    while (seen.size() < 3) {
      auto event = co_await stream.value()->next();
      if (!event) co_return event.error();
      if (!event->has_value()) co_return Error(ErrorKind::Invalid, "watch ended early");
      if ((*event)->type == WatchEventType::Bookmark) continue;
      const auto& name = (*event)->object.at("metadata").at("name").as_string();
      seen.push_back(std::string(to_string((*event)->type)) + " " + std::string(name));
    }
    stream.value()->cancel();
    co_return seen;
  });
  ASSERT_TRUE(outcome && outcome->has_value()) << (outcome ? outcome->error().describe() : "");
  EXPECT_EQ(outcome->value(), (std::vector<std::string>{"ADDED w", "MODIFIED w", "DELETED w"}));
}

// A streaming list (KEP-3157): the current objects as ADDED events, then the BOOKMARK annotated
// k8s.io/initial-events-end whose resourceVersion is the list's, then live changes on the same stream.
TEST_F(ClientAgainstKubeSim, StreamingListSendsInitialEventsThenTheEndBookmarkThenChanges) {
  auto outcome = run([](std::shared_ptr<Client> client) -> asio::awaitable<Result<std::vector<std::string>>> {
    const auto cm = ResourceDescriptor::config_maps();
    for (const char* name : {"s1", "s2", "s3"}) {
      const auto object = config_map(name, "1");
      auto created = co_await client->create(cm, "default", object);
      if (!created) co_return created.error();
    }
    ListOptions list_options;
    list_options.label_selector = "suite=client";
    auto listed = co_await client->list(cm, "default", list_options);
    if (!listed) co_return listed.error();
    const std::string list_rv = rv_of(listed.value());

    WatchOptions watch_options;
    watch_options.label_selector = "suite=client";
    watch_options.send_initial_events = true;
    watch_options.timeout_seconds = 30;
    auto stream = co_await client->watch(cm, "default", watch_options);
    if (!stream) co_return stream.error();
    std::vector<std::string> seen;
    for (;;) {
      auto event = co_await stream.value()->next();
      if (!event) co_return event.error();
      if (!event->has_value()) co_return Error(ErrorKind::Invalid, "stream ended before the end bookmark");
      const auto& e = **event;
      if (e.type == WatchEventType::Bookmark) {
        auto* annotations = e.object.at("metadata").as_object().if_contains("annotations");
        auto* end = annotations ? annotations->as_object().if_contains(kInitialEventsEndAnnotation) : nullptr;
        if (!end || *end != "true") continue;  // a progress bookmark
        // Nothing changed since the list, so the bookmark carries exactly its resourceVersion.
        seen.push_back(e.resource_version() == list_rv ? "END at the list's version"
                                                       : "END at " + e.resource_version() + " != " + list_rv);
        break;
      }
      seen.push_back(std::string(to_string(e.type)) + " " + std::string(e.object.at("metadata").at("name").as_string()));
    }
    std::string body = R"({"data":{"key":"2"}})";
    auto patched = co_await client->patch(cm, "default", "s2", PatchType::Merge, std::move(body));
    if (!patched) co_return patched.error();
    for (;;) {
      auto event = co_await stream.value()->next();
      if (!event) co_return event.error();
      if (!event->has_value()) co_return Error(ErrorKind::Invalid, "stream ended before the change");
      if ((*event)->type == WatchEventType::Bookmark) continue;
      seen.push_back(std::string(to_string((*event)->type)) + " " +
                     std::string((*event)->object.at("metadata").at("name").as_string()));
      break;
    }
    stream.value()->cancel();
    co_return seen;
  });
  ASSERT_TRUE(outcome && outcome->has_value()) << (outcome ? outcome->error().describe() : "");
  auto seen = outcome->value();
  ASSERT_EQ(seen.size(), 5u);
  std::sort(seen.begin(), seen.begin() + 3);  // the initial events come in no promised order
  EXPECT_EQ(seen, (std::vector<std::string>{"ADDED s1", "ADDED s2", "ADDED s3", "END at the list's version",
                                            "MODIFIED s2"}));
}

// The same request to a server with the WatchList feature off is a 422 worded as the API server's.
TEST(ClientAgainstKubeSimWithoutWatchList, StreamingListIsRefusedAsInvalid) {
  testing::KubeSimProcess sim({"--feature-gates", "WatchList=false"});
  ASSERT_TRUE(sim.running()) << sim.startup_error();
  asio::io_context io;
  auto client = Client::create(io.get_executor(), sim.config());
  ASSERT_TRUE(client.has_value());
  std::optional<Error> refused;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        WatchOptions options;
        options.send_initial_events = true;
        auto stream = co_await (*client)->watch(ResourceDescriptor::config_maps(), "default", options);
        refused = stream ? Error(ErrorKind::Invalid, "watch was accepted") : stream.error();
      },
      asio::detached);
  io.run();
  ASSERT_TRUE(refused);
  EXPECT_TRUE(refused->is_invalid()) << refused->describe();
  EXPECT_NE(refused->message().find("sendInitialEvents is forbidden for watch unless the WatchList feature gate is "
                                    "enabled"),
            std::string::npos)
      << refused->message();
}

TEST_F(ClientAgainstKubeSim, WrongTokenIsUnauthorized) {
  auto config = sim_.config();
  config.token = "not-the-token";
  config.token_file.clear();
  asio::io_context io;
  auto client = Client::create(io.get_executor(), config);
  ASSERT_TRUE(client.has_value());
  std::optional<Result<json::value>> result;
  asio::co_spawn(io, (*client)->get(ResourceDescriptor::namespaces(), "", "default"),
                 [&](std::exception_ptr, Result<json::value> value) { result.emplace(std::move(value)); });
  io.run();
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->has_value());
  EXPECT_TRUE(result->error().is_unauthorized()) << result->error().describe();
}

}  // namespace
}  // namespace rollguard::kube
