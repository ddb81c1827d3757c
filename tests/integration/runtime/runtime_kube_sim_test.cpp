// The runtime over the real kube::Client against kube-sim (a child process, real sockets): the
// watcher keeps a store equal to the server through churn, reconnects and 410s; the Lease election
// hands over; events are written. Waits are bounded by deadlines (failure = condition never met),
// never timing assertions.
#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <functional>
#include <map>
#include <set>

#include "kube/client.hpp"
#include "kube_sim_process.hpp"
#include "run_until.hpp"
#include "runtime/client_source.hpp"
#include "runtime/event_recorder.hpp"
#include "runtime/event_writer_client.hpp"
#include "runtime/leader_elector.hpp"
#include "runtime/store.hpp"
#include "runtime/watcher_driver.hpp"

namespace rollguard::runtime {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using rollguard::testing::complete;
using rollguard::testing::run_until;

json::value config_map(const std::string& name, const std::string& value) {
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata", json::object{{"name", name}, {"labels", json::object{{"suite", "runtime"}}}}},
      {"data", json::object{{"key", value}}}};
}

// name -> data.key of every suite ConfigMap, from a fresh list.
asio::awaitable<std::map<std::string, std::string>> server_view(std::shared_ptr<kube::Client> client) {
  kube::ListOptions options;
  options.label_selector = "suite=runtime";
  const auto cm = kube::ResourceDescriptor::config_maps();
  auto list = co_await client->list(cm, "default", options);
  std::map<std::string, std::string> out;
  if (!list) {
    out["<error>"] = list.error().describe();
    co_return out;
  }
  for (auto& item : list->at("items").as_array()) {
    out[std::string(item.at("metadata").at("name").as_string())] =
        std::string(item.at("data").at("key").as_string());
  }
  co_return out;
}

std::map<std::string, std::string> store_view(const Store& store) {
  std::map<std::string, std::string> out;
  for (auto& object : store.list()) {
    auto* data = object->if_contains("data");
    auto* key = data && data->is_object() ? data->as_object().if_contains("key") : nullptr;
    out[std::string(object->at("metadata").at("name").as_string())] =
        key && key->is_string() ? std::string(key->as_string()) : "";
  }
  return out;
}

class RuntimeAgainstKubeSim : public ::testing::Test {
 protected:
  // A short watch history makes resuming after a reconnect fail with 410 (relist); frequent
  // bookmarks keep healthy watches inside the 2 s idle timeout used below.
  RuntimeAgainstKubeSim() : sim_({"--watch-history", "5", "--bookmark-interval-ms", "500"}) {}
  void SetUp() override {
    ASSERT_TRUE(sim_.running()) << sim_.startup_error();
    auto created = kube::Client::create(io_.get_executor(), sim_.config());
    ASSERT_TRUE(created.has_value()) << created.error().describe();
    client_ = *created;
  }
  asio::awaitable<bool> seed(int count) {
    const auto cm = kube::ResourceDescriptor::config_maps();
    kube::WriteOptions write;
    for (int i = 0; i < count; ++i) {
      const auto object = config_map("seed-" + std::to_string(i), "s");
      auto r = co_await client_->create(cm, "default", object, write);
      if (!r) co_return false;
    }
    co_return true;
  }

  // Creates 8, updates 4 and deletes 3 ConfigMaps. Every argument of a co_awaited call is a named
  // local: GCC 12 destroys braced / defaulted `= {}` temporaries twice inside co_await.
  asio::awaitable<bool> churn(int round) {
    const auto cm = kube::ResourceDescriptor::config_maps();
    const std::string ns = "default";
    kube::WriteOptions write;
    kube::PatchOptions patch;
    kube::DeleteOptions remove;
    std::string_view no_subresource;
    auto name = [&](int i) { return "r" + std::to_string(round) + "-" + std::to_string(i); };
    for (int i = 0; i < 8; ++i) {
      const auto object = config_map(name(i), "v0");
      auto r = co_await client_->create(cm, ns, object, write);
      if (!r) co_return false;
    }
    for (int i = 0; i < 4; ++i) {
      const auto n = name(i);
      std::string body = R"({"data":{"key":"v1"}})";
      auto r =
          co_await client_->patch(cm, ns, n, kube::PatchType::Merge, std::move(body), patch, no_subresource);
      if (!r) co_return false;
    }
    for (int i = 4; i < 7; ++i) {
      const auto n = name(i);
      auto r = co_await client_->remove(cm, ns, n, remove);
      if (!r) co_return false;
    }
    co_return true;
  }

  void store_follows_churn(bool streaming);

  rollguard::testing::KubeSimProcess sim_;
  asio::io_context io_;
  std::shared_ptr<kube::Client> client_;
};

TEST_F(RuntimeAgainstKubeSim, ExpiredResourceVersionIsGoneAndTheMachineRelists) {
  const auto cm = kube::ResourceDescriptor::config_maps();
  auto listed = complete(io_, [&]() -> asio::awaitable<watcher::StepResult> {
    kube::ListOptions all;  // named: GCC 12 mishandles braced temporaries inside co_await
    auto page = co_await client_->list(cm, "default", all);
    co_return watcher::step(watcher::Empty{}, watcher::PageListed{std::move(page)});
  }());
  ASSERT_TRUE(listed.has_value());
  ASSERT_FALSE(listed->error) << listed->error->describe();
  ASSERT_TRUE(std::holds_alternative<watcher::InitListed>(listed->next));
  // More changes than the server keeps as watch history: the listed version is now too old.
  ASSERT_TRUE(complete(io_, churn(0)).value_or(false));
  auto action = watcher::next_action(listed->next, {}, fixed_random(0.5));
  auto options = std::get<watcher::OpenWatch>(action).options;
  auto outcome = complete(io_, [&]() -> asio::awaitable<watcher::State> {
    auto stream = co_await client_->watch(cm, "default", options);
    auto opened =
        watcher::step(listed->next, watcher::WatchOpened{stream ? kube::Result<void>{} : stream.error()});
    if (!std::holds_alternative<watcher::Watching>(opened.next)) co_return opened.next;  // HTTP 410
    for (;;) {  // or a 410 ERROR event on the stream
      auto next = co_await (*stream)->next();
      watcher::Outcome o = watcher::WatchEnded{};
      if (!next) {
        o = watcher::WatchFailed{next.error()};
      } else if (next->has_value()) {
        o = watcher::WatchReceived{std::move(**next)};
      }
      auto r = watcher::step(opened.next, std::move(o));
      if (!std::holds_alternative<watcher::Watching>(r.next)) co_return r.next;
      opened = std::move(r);
    }
  }());
  ASSERT_TRUE(outcome.has_value());
  EXPECT_TRUE(std::holds_alternative<watcher::Empty>(*outcome)) << watcher::state_name(*outcome);
}

// The driver's premise: an open watch delivers events (and bookmarks) while other requests of the
// same client run concurrently.
TEST_F(RuntimeAgainstKubeSim, WatchStreamDeliversEventsWhileOtherRequestsRun) {
  auto source = client_source(client_, kube::ResourceDescriptor::config_maps(), "default");
  std::vector<std::string> seen;
  bool done = false;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        kube::ListOptions all;
        auto list = co_await source->list(all);
        if (!list) co_return;
        kube::WatchOptions options;
        options.resource_version = std::string(list->at("metadata").at("resourceVersion").as_string());
        options.timeout_seconds = 30;
        auto stream = co_await source->watch(options);
        if (!stream) {
          seen.push_back("watch failed: " + stream.error().describe());
          co_return;
        }
        asio::co_spawn(io_, seed(3), asio::detached);
        while (seen.size() < 4) {
          auto next = co_await (*stream)->next();
          if (!next) {
            seen.push_back("error: " + next.error().describe());
            break;
          }
          if (!next->has_value()) {
            seen.push_back("end");
            break;
          }
          seen.push_back(kube::to_string((*next)->type));
        }
        done = true;
      },
      asio::detached);
  EXPECT_TRUE(run_until(
      io_, [&] { return done; }, 10s));
  std::string joined;
  for (auto& s : seen) joined += s + " ";
  EXPECT_GE(std::count(seen.begin(), seen.end(), "ADDED"), 3) << joined;
}

TEST_F(RuntimeAgainstKubeSim, PagedListThroughTheMachineSeesEveryObjectOnce) {
  ASSERT_TRUE(complete(io_, seed(25)).value_or(false));
  auto source = client_source(client_, kube::ResourceDescriptor::config_maps(), "default");
  watcher::Config config;
  config.streaming_list = false;
  config.page_size = 10;
  config.label_selector = "suite=runtime";
  auto names = complete(io_, [&]() -> asio::awaitable<std::vector<std::string>> {
    std::vector<std::string> out;
    watcher::State state = watcher::Empty{};
    for (int pages = 0; pages < 10 && !std::holds_alternative<watcher::InitListed>(state); ++pages) {
      auto action = watcher::next_action(state, config, fixed_random(0.5));
      const auto options = std::get<watcher::ListPage>(action).options;
      auto page = co_await source->list(options);
      auto r = watcher::step(state, watcher::PageListed{std::move(page)});
      if (r.error) {
        out.push_back("error: " + r.error->describe() + " token=" + options.continue_token);
        co_return out;
      }
      for (auto& e : r.events) {
        if (e.type == watcher::EventType::InitApply) out.push_back(object_key(*e.object));
      }
      state = r.next;
    }
    co_return out;
  }());
  ASSERT_TRUE(names.has_value());
  std::set<std::string> unique(names->begin(), names->end());
  EXPECT_EQ(names->size(), 25u) << (names->empty() ? "" : names->back());
  EXPECT_EQ(unique.size(), 25u);
}

// The watcher through churn, in either sync mode (a paged list, or a streaming list).
void RuntimeAgainstKubeSim::store_follows_churn(bool streaming) {
  // 25 objects before the start so the initial list takes 3 pages of 10.
  ASSERT_TRUE(complete(io_, seed(25)).value_or(false));
  Writer writer;
  Store store = writer.store();
  auto source = client_source(client_, kube::ResourceDescriptor::config_maps(), "default");
  WatcherOptions options;
  options.config.page_size = 10;
  options.config.streaming_list = streaming;
  options.config.label_selector = "suite=runtime";
  options.idle_timeout = 2s;  // bookmarks every 500 ms keep a healthy watch alive
  options.backoff.initial = 50ms;
  options.backoff.max = 500ms;
  int relists = 0, errors = 0;
  bool watching = false;
  WatcherObserver observer{[&](const watcher::State&, const watcher::State& to) {
                             if (std::holds_alternative<watcher::Empty>(to)) ++relists;
                             watching = std::holds_alternative<watcher::Watching>(to);
                           },
                           [&](const kube::Error& e, Clock::duration) {
                             if (++errors <= 5) std::printf("watcher error: %s\n", e.describe().c_str());
                           }};
  asio::cancellation_signal stop;
  bool stopped = false;
  asio::co_spawn(io_,
                 run_watcher(
                     *source, options, Clock::real(), default_random(),
                     [&](const watcher::Event& e) { writer.apply(e); }, observer),
                 asio::bind_cancellation_slot(stop.slot(), [&](std::exception_ptr) { stopped = true; }));
  // Changes made before the watch is open could fall out of the 5-event history and force a relist.
  ASSERT_TRUE(run_until(io_, [&] { return store.is_ready() && watching; }));
  EXPECT_EQ(store.size(), 25u);

  // A change on a healthy watch arrives as a watch event: no relist, no error.
  ASSERT_TRUE(complete(io_, churn(0)).value_or(false));
  EXPECT_TRUE(run_until(io_, [&] { return store.get("default", "r0-7") != nullptr; }));
  EXPECT_EQ(relists, 0);
  EXPECT_EQ(errors, 0);

  std::map<std::string, std::string> server;
  for (int round = 1; round <= 5; ++round) {
    ASSERT_TRUE(complete(io_, churn(round)).value_or(false));
  }
  server = complete(io_, server_view(client_)).value();
  ASSERT_FALSE(server.contains("<error>")) << server["<error>"];
  EXPECT_TRUE(run_until(io_, [&] { return store_view(store) == server; }))
      << "store has " << store.size() << " objects, server " << server.size();

  // Watches cut and refused while more changes than the 5-event history happen: the re-watch from
  // the last version is 410 Gone, and the watcher syncs from scratch again (a list, or a streaming
  // list), ending equal to the server.
  const int relists_before = relists;
  ASSERT_TRUE(sim_.set_faults(R"({"errors":[{"verb":"watch","share":1.0,"code":503}]})"));
  ASSERT_TRUE(sim_.cut_watches());
  ASSERT_TRUE(complete(io_, churn(6)).value_or(false));
  ASSERT_TRUE(sim_.clear_faults());
  server = complete(io_, server_view(client_)).value();
  EXPECT_TRUE(run_until(io_, [&] { return relists > relists_before && watching && store_view(store) == server; }))
      << "relists " << relists << ", store has " << store.size() << " objects, server " << server.size();
  std::printf("watcher (%s): relists=%d errors=%d\n", streaming ? "streaming list" : "list+watch", relists,
              errors);

  stop.emit(asio::cancellation_type::terminal);
  EXPECT_TRUE(run_until(io_, [&] { return stopped; }));
}

TEST_F(RuntimeAgainstKubeSim, WatcherKeepsTheStoreEqualToTheServerThroughChurnReconnectsAndRelists) {
  store_follows_churn(false);
}

TEST_F(RuntimeAgainstKubeSim, StreamingListWatcherKeepsTheStoreEqualToTheServerThroughChurn) {
  store_follows_churn(true);
}

// A server with the WatchList feature off (servers before 1.32, aggregated API servers) refuses the
// streaming list with 422: the watcher says so once, lists instead, and the store syncs.
TEST(RuntimeAgainstKubeSimWithoutWatchList, WatcherFallsBackToListAndWatch) {
  rollguard::testing::KubeSimProcess sim({"--feature-gates", "WatchList=false"});
  ASSERT_TRUE(sim.running()) << sim.startup_error();
  asio::io_context io;
  auto client = kube::Client::create(io.get_executor(), sim.config());
  ASSERT_TRUE(client.has_value());
  const auto cm = kube::ResourceDescriptor::config_maps();
  const auto object = config_map("before", "1");
  ASSERT_TRUE(complete(io, (*client)->create(cm, "default", object)).has_value());

  Writer writer;
  Store store = writer.store();
  auto source = client_source(*client, cm, "default");
  std::vector<std::string> notices;
  int errors = 0;
  WatcherObserver observer;
  observer.on_notice = [&](const std::string& notice) { notices.push_back(notice); };
  observer.on_error = [&](const kube::Error&, Clock::duration) { ++errors; };
  asio::cancellation_signal stop;
  bool stopped = false;
  asio::co_spawn(io,
                 run_watcher(
                     *source, WatcherOptions{}, Clock::real(), default_random(),
                     [&](const watcher::Event& e) { writer.apply(e); }, observer),
                 asio::bind_cancellation_slot(stop.slot(), [&](std::exception_ptr) { stopped = true; }));
  ASSERT_TRUE(run_until(io, [&] { return store.is_ready(); }));
  EXPECT_NE(store.get("default", "before"), nullptr);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find("WatchList feature gate"), std::string::npos) << notices[0];
  EXPECT_EQ(errors, 0);
  // Then it watches from the list's version.
  const auto later = config_map("after", "1");
  ASSERT_TRUE(complete(io, (*client)->create(cm, "default", later)).has_value());
  EXPECT_TRUE(run_until(io, [&] { return store.get("default", "after") != nullptr; }));
  stop.emit(asio::cancellation_type::terminal);
  EXPECT_TRUE(run_until(io, [&] { return stopped; }));
}

TEST_F(RuntimeAgainstKubeSim, LeaseElectionHasOneLeaderAndHandsOverOnRelease) {
  auto make = [&](const std::string& id) {
    LeaderElectionConfig c;
    c.lease_namespace = "default";
    c.lease_name = "runtime-test";
    c.identity = id;
    c.lease_duration = 3s;
    c.renew_deadline = 2s;
    c.retry_period = 500ms;
    EXPECT_FALSE(validate(c).has_value());
    return std::make_unique<LeaderElector>(client_lease_lock(client_, "default", "runtime-test"),
                                           Clock::real(), c, default_random());
  };
  auto a = make("a_1");
  auto b = make("b_2");
  bool a_led = false, b_led = false, a_done = false, b_done = false, both = false;
  auto watch_both = [&] { both = both || (a->is_leader() && b->is_leader()); };
  asio::co_spawn(io_, a->run({[&] { a_led = true; }, nullptr, nullptr}),
                 [&](std::exception_ptr) { a_done = true; });
  ASSERT_TRUE(run_until(io_, [&] { return a_led; }));
  asio::co_spawn(io_, b->run({[&] { b_led = true; }, nullptr, nullptr}),
                 [&](std::exception_ptr) { b_done = true; });
  run_until(
      io_,
      [&] {
        watch_both();
        return false;
      },
      4s);  // b campaigns against a live leader
  EXPECT_FALSE(b_led);
  a->shut_down();  // graceful: releases the Lease
  ASSERT_TRUE(run_until(
      io_,
      [&] {
        watch_both();
        return b_led && a_done;
      },
      10s));
  EXPECT_FALSE(both);
  auto lease = complete(io_, client_->get(kube::ResourceDescriptor::leases(), "default", "runtime-test"));
  ASSERT_TRUE(lease.has_value() && lease->has_value());
  EXPECT_EQ(LeaseRecord::from_lease(lease->value().as_object()).holder_identity, "b_2");
  EXPECT_EQ(LeaseRecord::from_lease(lease->value().as_object()).lease_transitions, 1);
  b->shut_down();
  EXPECT_TRUE(run_until(
      io_, [&] { return b_done; }, 10s));
}

// Records through a real EventRecorder into kube-sim, flushes, and returns the Events stored in
// "default" (empty when the list failed: the assertion says why).
boost::json::array record_and_list(asio::io_context& io, const std::shared_ptr<kube::Client>& client,
                                   const std::function<void(EventRecorder&)>& record) {
  EventRecorderOptions options;
  options.reporting_instance = "test_1";
  EventRecorder recorder(client_event_writer(client), Clock::real(), options);
  bool done = false;
  asio::co_spawn(io, recorder.run(), [&](std::exception_ptr) { done = true; });
  record(recorder);
  recorder.shut_down();  // flushes the pending series count
  EXPECT_TRUE(run_until(io, [&] { return done; }));
  EXPECT_EQ(recorder.stats().write_errors, 0u);
  kube::ListOptions all;
  auto events = complete(io, client->list(kube::ResourceDescriptor::events(), "default", all));
  EXPECT_TRUE(events.has_value() && events->has_value())
      << (events && !events->has_value() ? events->error().describe() : "");
  if (!events || !events->has_value()) return {};
  return events->value().at("items").as_array();
}

TEST_F(RuntimeAgainstKubeSim, EventRecorderCreatesAndFoldsEvents) {
  ObjectReference regarding{"v1", "ConfigMap", "default", "target", "uid-1", ""};
  auto items = record_and_list(io_, client_, [&](EventRecorder& recorder) {
    for (int i = 0; i < 3; ++i)
      recorder.record(regarding, EventType::Warning, "RolledBack", "Rollback", "same note");
  });
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("reason"), "RolledBack");
  EXPECT_EQ(items[0].at("regarding").at("name"), "target");
  EXPECT_EQ(items[0].at("series").at("count"), 3);
}

TEST_F(RuntimeAgainstKubeSim, EventRecorderWritesTheRelatedObject) {
  const ObjectReference regarding{"apps/v1", "Deployment", "default", "web", "uid-web", ""};
  const ObjectReference related{
      "rollguard.io/v1alpha1", "RollbackPolicy", "default", "guard-web", "uid-guard", ""};
  auto items = record_and_list(io_, client_, [&](EventRecorder& recorder) {
    recorder.record(regarding, related, EventType::Normal, "Evaluated", "Evaluate", "all SLOs pass");
  });
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("type"), "Normal");
  EXPECT_EQ(items[0].at("regarding").at("kind"), "Deployment");
  EXPECT_EQ(items[0].at("related").at("kind"), "RollbackPolicy");
  EXPECT_EQ(items[0].at("related").at("name"), "guard-web");
  EXPECT_EQ(items[0].at("related").at("uid"), "uid-guard");
}

}  // namespace
}  // namespace rollguard::runtime
