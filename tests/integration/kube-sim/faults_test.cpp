// Every fault kind of kube-sim's admin endpoint, as a client on a real socket sees it: injected
// status codes with Status bodies and Retry-After, the share of requests hit, added latency, watches
// cut mid-stream, compaction forcing 410s, refused connections; and the admin endpoint's own errors.
#include <gtest/gtest.h>

#include <boost/system/system_error.hpp>
#include <future>
#include <thread>

#include "sim_harness.hpp"

namespace kubesim::testing {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

const std::string kCms = "/api/v1/namespaces/default/configmaps";

Reply set_faults(const Client& client, const std::string& config) {
  return client.request("PUT", "/admin/faults", config);
}

std::string rv_of(const Reply& reply) {
  return std::string(reply.json().at("metadata").at("resourceVersion").as_string());
}

TEST(KubeSimFaults, AdminRejectsBadConfigurationsWithStatusAndKeepsTheOldOne) {
  InProcessSim sim;
  auto client = sim.client();
  ASSERT_EQ(set_faults(client, R"({"latencyMs": 1})").status, 200u);

  auto bad_code = set_faults(client, R"({"errors": [{"verb": "list", "share": 1, "code": 200}]})");
  EXPECT_EQ(bad_code.status, 400u);
  EXPECT_EQ(bad_code.json().at("kind").as_string(), "Status");
  EXPECT_EQ(bad_code.json().at("reason").as_string(), "BadRequest");
  EXPECT_NE(bad_code.body.find("errors[0].code"), std::string::npos) << bad_code.body;

  auto misspelt = set_faults(client, R"({"watchCutSecond": 1})");
  EXPECT_EQ(misspelt.status, 400u);
  EXPECT_NE(misspelt.body.find("watchCutSecond: unknown field"), std::string::npos) << misspelt.body;
  EXPECT_EQ(set_faults(client, "{not json").status, 400u);
  EXPECT_EQ(client.request("PATCH", "/admin/faults", "{}").status, 405u);
  EXPECT_EQ(client.get("/admin/nothing").status, 404u);

  auto anonymous =
      client.request("GET", "/admin/faults", "", "application/json", {{"Authorization", "Bearer wrong"}});
  EXPECT_EQ(anonymous.status, 401u);

  auto current = client.get("/admin/faults").json();
  EXPECT_EQ(current.at("latencyMs").to_number<int>(), 1);
  EXPECT_TRUE(current.at("errors").as_array().empty());
}

TEST(KubeSimFaults, InjectedErrorsCarryStatusBodiesAndRetryAfter) {
  InProcessSim sim;
  auto client = sim.client();
  ASSERT_EQ(client.post(kCms, configmap("present")).status, 201u);
  ASSERT_EQ(set_faults(client, R"({"errors": [
      {"verb": "list", "resource": "configmaps", "share": 1, "code": 429, "retryAfterSeconds": 3},
      {"verb": "create", "resource": "*", "share": 1, "code": 503, "retryAfterSeconds": 2},
      {"verb": "get", "resource": "secrets", "share": 1, "code": 500}]})")
                .status,
            200u);

  auto throttled = client.get(kCms);
  EXPECT_EQ(throttled.status, 429u);
  EXPECT_EQ(throttled.headers["Retry-After"], "3");
  EXPECT_EQ(throttled.json().at("reason").as_string(), "TooManyRequests");
  EXPECT_EQ(throttled.json().at("code").to_number<int>(), 429);
  EXPECT_EQ(throttled.json().at("details").at("retryAfterSeconds").to_number<int>(), 3);

  auto unavailable = client.post(kCms, configmap("new"));
  EXPECT_EQ(unavailable.status, 503u);
  EXPECT_EQ(unavailable.headers["Retry-After"], "2");
  EXPECT_EQ(unavailable.json().at("reason").as_string(), "ServiceUnavailable");

  auto internal = client.get("/api/v1/namespaces/default/secrets/anything");
  EXPECT_EQ(internal.status, 500u);
  EXPECT_EQ(internal.headers.count("Retry-After"), 0u);
  EXPECT_EQ(internal.json().at("reason").as_string(), "InternalError");

  // Rules match by verb and resource only; everything else is served, including discovery.
  EXPECT_EQ(client.get(kCms + "/present").status, 200u);
  EXPECT_EQ(client.get("/api/v1/namespaces/default/secrets").status, 200u);
  EXPECT_EQ(client.get("/apis/apps/v1").status, 200u);
  // The failed create wrote nothing.
  ASSERT_EQ(client.request("DELETE", "/admin/faults").status, 200u);
  EXPECT_EQ(client.get(kCms + "/new").status, 404u);
  EXPECT_EQ(client.get(kCms).status, 200u);
  EXPECT_EQ(client.get("/admin/faults").json().at("injectedErrors").to_number<int>(), 3);
}

TEST(KubeSimFaults, AShareOfRequestsIsHit) {
  InProcessSim sim;
  auto client = sim.client();
  ASSERT_EQ(set_faults(client, R"({"errors": [{"verb": "list", "share": 0.3, "code": 500}]})").status, 200u);
  int failed = 0;
  constexpr int kRequests = 400;
  for (int i = 0; i < kRequests; ++i) failed += client.get(kCms).status == 500u ? 1 : 0;
  // Binomial(400, 0.3): mean 120, standard deviation 9.2; the bounds are more than 6 deviations out.
  EXPECT_GT(failed, 60);
  EXPECT_LT(failed, 180);
}

TEST(KubeSimFaults, LatencyDelaysResourceRequests) {
  InProcessSim sim;
  auto client = sim.client();
  ASSERT_EQ(set_faults(client, R"({"latencyMs": 300})").status, 200u);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(client.get(kCms).status, 200u);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
}

TEST(KubeSimFaults, WatchesAreCutMidStreamEveryInterval) {
  InProcessSim sim;
  auto client = sim.client();
  ASSERT_EQ(client.post(kCms, configmap("watched")).status, 201u);
  ASSERT_EQ(set_faults(client, R"({"watchCutSeconds": 0.5})").status, 200u);
  // Without the cut this watch would run for 30 s and end with a terminating chunk.
  auto cut = client.watch_to_end(kCms + "?watch=true&resourceVersion=0&timeoutSeconds=30", 1000);
  EXPECT_FALSE(cut.clean_end);
  ASSERT_EQ(cut.events.size(), 1u);
  EXPECT_EQ(cut.events[0].at("type").as_string(), "ADDED");

  // Cleared, a watch ends cleanly at its timeout.
  ASSERT_EQ(client.request("DELETE", "/admin/faults").status, 200u);
  auto clean = client.watch_to_end(kCms + "?watch=true&resourceVersion=0&timeoutSeconds=1", 1000);
  EXPECT_TRUE(clean.clean_end);
}

TEST(KubeSimFaults, CutWatchesOnDemand) {
  InProcessSim sim;
  auto client = sim.client();
  auto watch = std::async(std::launch::async,
                          [&] { return client.watch_to_end(kCms + "?watch=true&timeoutSeconds=30", 1000); });
  // Until the cut arrives, keep cutting: the watch may not be open yet on the first call.
  while (watch.wait_for(100ms) != std::future_status::ready)
    ASSERT_EQ(client.request("POST", "/admin/cut-watches").status, 200u);
  EXPECT_FALSE(watch.get().clean_end);
}

TEST(KubeSimFaults, CompactionForcesGoneForOldResourceVersionsAndContinueTokens) {
  InProcessSim sim;
  auto client = sim.client();
  auto first = client.post(kCms, configmap("one"));
  ASSERT_EQ(first.status, 201u);
  ASSERT_EQ(client.post(kCms, configmap("two")).status, 201u);
  auto page = client.get(kCms + "?limit=1").json();
  const std::string token(page.at("metadata").at("continue").as_string());
  ASSERT_EQ(client.post(kCms, configmap("three")).status, 201u);

  auto compacted = client.request("POST", "/admin/compact");
  ASSERT_EQ(compacted.status, 200u);

  auto events = client.watch(kCms + "?watch=true&timeoutSeconds=5&resourceVersion=" + rv_of(first), 10);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at("type").as_string(), "ERROR");
  EXPECT_EQ(events[0].at("object").at("code").to_number<int>(), 410);
  EXPECT_EQ(events[0].at("object").at("reason").as_string(), "Expired");

  auto next_page = client.get(kCms + "?limit=1&continue=" + token);
  EXPECT_EQ(next_page.status, 410u) << next_page.body;

  // A relist gives a resourceVersion that can be watched from again.
  auto relist = client.get(kCms);
  auto resumed =
      client.watch_to_end(kCms + "?watch=true&timeoutSeconds=1&resourceVersion=" +
                              std::string(relist.json().at("metadata").at("resourceVersion").as_string()),
                          10);
  EXPECT_TRUE(resumed.clean_end);
  EXPECT_TRUE(resumed.events.empty());
}

TEST(KubeSimFaults, CompactionCanCutOpenWatchesSoResumingMeetsGone) {
  InProcessSim sim;
  auto client = sim.client();
  auto created = client.post(kCms, configmap("before"));
  ASSERT_EQ(created.status, 201u);
  const std::string watch_from = rv_of(created);
  auto watch = std::async(std::launch::async, [&] {
    return client.watch_to_end(kCms + "?watch=true&timeoutSeconds=30&resourceVersion=" + watch_from, 1000);
  });
  std::this_thread::sleep_for(200ms);
  ASSERT_EQ(client.post(kCms, configmap("after")).status, 201u);
  while (watch.wait_for(100ms) != std::future_status::ready)
    ASSERT_EQ(client.request("POST", "/admin/compact?cutWatches=true").status, 200u);
  auto cut = watch.get();
  EXPECT_FALSE(cut.clean_end);
  // Resuming from the last resourceVersion the watch saw now meets a compacted history.
  std::string last_seen = watch_from;
  for (const auto& event : cut.events)
    last_seen = std::string(event.at("object").at("metadata").at("resourceVersion").as_string());
  ASSERT_EQ(client.post(kCms, configmap("later")).status, 201u);
  ASSERT_EQ(client.request("POST", "/admin/compact").status, 200u);
  auto resumed = client.watch(kCms + "?watch=true&timeoutSeconds=5&resourceVersion=" + last_seen, 10);
  ASSERT_FALSE(resumed.empty());
  EXPECT_EQ(resumed[0].at("type").as_string(), "ERROR");
  EXPECT_EQ(resumed[0].at("object").at("code").to_number<int>(), 410);
}

TEST(KubeSimFaults, RefusedConnectionsComeBackOnTheSamePort) {
  InProcessSim sim;
  auto client = sim.client();
  ASSERT_EQ(client.post(kCms, configmap("kept")).status, 201u);
  EXPECT_EQ(client.request("POST", "/admin/refuse-connections?ms=0").status, 400u);
  ASSERT_EQ(client.request("POST", "/admin/refuse-connections?ms=1500").status, 200u);
  EXPECT_THROW(client.get(kCms), boost::system::system_error);
  // Listening again after the pause, on the same port, with the same objects.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  bool served = false;
  while (!served && std::chrono::steady_clock::now() < deadline) {
    try {
      served = client.get(kCms + "/kept").status == 200u;
    } catch (const boost::system::system_error&) {
      std::this_thread::sleep_for(100ms);
    }
  }
  EXPECT_TRUE(served);
}

}  // namespace
}  // namespace kubesim::testing
