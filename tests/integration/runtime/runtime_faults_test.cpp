// The watcher → store pipeline against kube-sim while it misbehaves as real clusters do: every watch
// cut each second, 10 % of requests answered 500/503/429 (+ Retry-After), the watch history
// compacted behind a cut watch (410 Gone, relists), connections refused for a while, and the
// simulator restarted from its state file. Once the faults stop, the store must equal a fresh list
// of the server: no create, update or delete lost. Waits are bounded by deadlines, never timed.
#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <map>

#include "kube/client.hpp"
#include "kube_sim_process.hpp"
#include "run_until.hpp"
#include "runtime/client_source.hpp"
#include "runtime/store.hpp"
#include "runtime/watcher_driver.hpp"

namespace rollguard::runtime {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using rollguard::testing::complete;
using rollguard::testing::run_until;

constexpr const char* kFaults = R"({
  "errors": [{"verb": "*", "resource": "*", "share": 0.05, "code": 500},
             {"verb": "*", "resource": "*", "share": 0.03, "code": 503, "retryAfterSeconds": 1},
             {"verb": "*", "resource": "*", "share": 0.02, "code": 429, "retryAfterSeconds": 1}],
  "watchCutSeconds": 1})";

json::value config_map(const std::string& name, const std::string& value) {
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata", json::object{{"name", name}, {"labels", json::object{{"suite", "faults"}}}}},
      {"data", json::object{{"key", value}}}};
}

std::map<std::string, std::string> view_of(const json::array& items) {
  std::map<std::string, std::string> out;
  for (const auto& item : items) {
    const auto* data = item.at("data").as_object().if_contains("key");
    out[std::string(item.at("metadata").at("name").as_string())] =
        data && data->is_string() ? std::string(data->as_string()) : "";
  }
  return out;
}

std::map<std::string, std::string> store_view(const Store& store) {
  json::array items;
  for (const auto& object : store.list()) items.push_back(*object);
  return view_of(items);
}

class RuntimeUnderFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sim_.running()) << sim_.startup_error();
    auto created = kube::Client::create(io_.get_executor(), sim_.config());
    ASSERT_TRUE(created.has_value()) << created.error().describe();
    client_ = *created;
  }

  // A deterministic 410: cut the watch, change something it has not seen, compact the history up to
  // that change. The watcher's resume then starts before the compaction point and must relist. The
  // test's io_context does not run meanwhile, so the watcher cannot resume early.
  bool force_gone(int round) {
    if (!sim_.cut_watches()) return false;
    const auto object = json::serialize(config_map("unseen-" + std::to_string(round), "v0"));
    bool written = false;
    for (int attempt = 0; attempt < 50 && !written; ++attempt)
      written = sim_.request("POST", "/api/v1/namespaces/default/configmaps", object);
    return written && sim_.compact(false);
  }

  // One write, repeated through injected errors and outages until the server has taken it. An
  // injected error is answered before the write is served, so repeating is safe; a repeat after a
  // lost answer may meet its own earlier success (AlreadyExists / NotFound).
  template <class Write>
  asio::awaitable<bool> until_done(Write write, std::string_view accepted_reason) {
    asio::steady_timer pause(co_await asio::this_coro::executor);
    for (int attempt = 0; attempt < 200; ++attempt) {
      auto result = co_await write();
      if (result) co_return true;
      if (!accepted_reason.empty() && result.error().reason() == accepted_reason) co_return true;
      if (!result.error().is_transient()) {
        std::printf("write failed for good: %s\n", result.error().describe().c_str());
        co_return false;
      }
      ++write_retries_;
      pause.expires_after(50ms);
      co_await pause.async_wait(asio::use_awaitable);
    }
    co_return false;
  }

  // Creates 6, updates 3 and deletes 2 ConfigMaps, each repeated until it lands.
  asio::awaitable<bool> churn(int round) {
    const auto cm = kube::ResourceDescriptor::config_maps();
    const std::string ns = "default";
    auto name = [&](int i) { return "r" + std::to_string(round) + "-" + std::to_string(i); };
    for (int i = 0; i < 6; ++i) {
      const auto object = config_map(name(i), "v0");
      auto create = [&]() -> asio::awaitable<kube::Result<json::value>> {
        kube::WriteOptions write;
        co_return co_await client_->create(cm, ns, object, write);
      };
      if (!co_await until_done(create, "AlreadyExists")) co_return false;
    }
    for (int i = 0; i < 3; ++i) {
      const auto n = name(i);
      auto update = [&]() -> asio::awaitable<kube::Result<json::value>> {
        kube::PatchOptions patch;
        std::string_view no_subresource;
        std::string body = R"({"data":{"key":"v1"}})";
        co_return co_await client_->patch(cm, ns, n, kube::PatchType::Merge, std::move(body), patch,
                                          no_subresource);
      };
      if (!co_await until_done(update, "")) co_return false;
    }
    for (int i = 3; i < 5; ++i) {
      const auto n = name(i);
      auto remove = [&]() -> asio::awaitable<kube::Result<json::value>> {
        kube::DeleteOptions options;
        co_return co_await client_->remove(cm, ns, n, options);
      };
      if (!co_await until_done(remove, "NotFound")) co_return false;
    }
    co_return true;
  }

  asio::awaitable<std::optional<std::map<std::string, std::string>>> server_view() {
    kube::ListOptions options;
    options.label_selector = "suite=faults";
    const auto cm = kube::ResourceDescriptor::config_maps();
    auto list = co_await client_->list(cm, "default", options);
    if (!list) co_return std::nullopt;
    co_return view_of(list->at("items").as_array());
  }

  rollguard::testing::KubeSimProcess sim_{
      {"--state-file", rollguard::testing::kStateFile, "--no-controllers", "--bookmark-interval-ms", "500"}};
  asio::io_context io_;
  std::shared_ptr<kube::Client> client_;
  int write_retries_ = 0;
};

TEST_F(RuntimeUnderFaults, StoreEqualsAFreshListAfterCutsErrorsCompactionsRefusalsAndARestart) {
  Writer writer;
  Store store = writer.store();
  auto source = client_source(client_, kube::ResourceDescriptor::config_maps(), "default");
  WatcherOptions options;
  options.config.page_size = 5;  // several pages per relist, so continue tokens meet the faults too
  options.config.label_selector = "suite=faults";
  options.idle_timeout = 3s;
  options.backoff.initial = 50ms;
  options.backoff.max = 1s;
  int relists = 0, watcher_errors = 0;
  WatcherObserver observer{[&](const watcher::State&, const watcher::State& to) {
                             if (std::holds_alternative<watcher::Empty>(to)) ++relists;
                           },
                           [&](const kube::Error&, Clock::duration) { ++watcher_errors; }};
  asio::cancellation_signal stop;
  bool stopped = false;
  asio::co_spawn(io_,
                 run_watcher(
                     *source, options, Clock::real(), default_random(),
                     [&](const watcher::Event& e) { writer.apply(e); }, observer),
                 asio::bind_cancellation_slot(stop.slot(), [&](std::exception_ptr) { stopped = true; }));
  ASSERT_TRUE(complete(io_, churn(0)).value_or(false));
  ASSERT_TRUE(run_until(io_, [&] { return store.is_ready(); }));

  ASSERT_TRUE(sim_.set_faults(kFaults));
  for (int round = 1; round <= 8; ++round) {
    ASSERT_TRUE(complete(io_, churn(round), 120s).value_or(false)) << "round " << round;
    // Let the watcher run into the cuts and errors between rounds.
    run_until(
        io_, [] { return false; }, 1s);
    if (round == 3) {
      ASSERT_TRUE(force_gone(round));
    }
    if (round == 5) {
      ASSERT_TRUE(sim_.refuse_connections(1500ms));
    }
    if (round == 6) {
      ASSERT_TRUE(sim_.restart()) << sim_.startup_error();
      ASSERT_TRUE(sim_.set_faults(kFaults));  // a restarted kube-sim starts without faults
    }
    if (round == 7) {
      ASSERT_TRUE(force_gone(round));
    }
  }
  ASSERT_TRUE(sim_.clear_faults());

  auto server = complete(io_, server_view());
  ASSERT_TRUE(server.has_value() && server->has_value());
  EXPECT_EQ(server->value().size(), 9u * 4u + 2u);  // 9 rounds of 6 created, 2 deleted; 2 unseen
  EXPECT_TRUE(run_until(
      io_, [&] { return store_view(store) == **server; }, 60s))
      << "store has " << store.size() << " objects, server " << server->value().size();
  // The faults were real: the watcher met errors and relisted, the writes were refused at times.
  EXPECT_GT(watcher_errors, 0);
  EXPECT_GT(relists, 0);
  EXPECT_GT(write_retries_, 0);
  std::printf("watcher: relists=%d errors=%d; write retries=%d\n", relists, watcher_errors, write_retries_);

  stop.emit(asio::cancellation_type::terminal);
  EXPECT_TRUE(run_until(io_, [&] { return stopped; }));
}

}  // namespace
}  // namespace rollguard::runtime
