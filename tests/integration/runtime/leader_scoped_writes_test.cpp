// Leadership-scoped work across processes: two rollguard-lease-probe processes run a Controller
// scoped to their leadership (LeadershipGuard) whose reconciler creates a ConfigMap every 100 ms,
// while the API misbehaves (503s, latency, cut watches, a restart, refused connections, a
// SIGTERM'd leader). The check uses the server's own order: kube-sim's resourceVersion is one global
// counter, so every ConfigMap a leader wrote must carry a resourceVersion between the Lease write
// that made it leader and the Lease write that made its successor leader. A write of a former leader
// that landed after the next one acquired would break it; so would a write before acquiring.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "kube/client.hpp"
#include "lease_probe_fixture.hpp"
#include "run_until.hpp"

namespace {

using namespace rollguard;
using namespace rollguard::testing::lease_probe;
using namespace std::chrono_literals;

class LeaderScopedWrites : public LeaseProbeFixture {
 protected:
  // A probe that lost the Lease lives on for 5 s (longer than its successor needs to acquire), so
  // only its LeadershipGuard keeps it from writing meanwhile.
  LeaderScopedWrites() { probe_args_ = {"--write-every-ms", "100", "--linger-ms", "5000"}; }

  // The resourceVersion of the Lease write with which a probe acquired (its LEADING line), or 0.
  static long long acquired_at(const Probe& probe) {
    for (const auto& line : log_lines(probe)) {
      if (line.rfind("LEADING ", 0) != 0) continue;
      std::istringstream in(line);
      std::string word;
      long long ns = 0, rv = 0;
      in >> word >> ns >> rv;
      return rv;
    }
    return 0;
  }

  // The ConfigMaps the probes wrote: writer identity -> resourceVersions.
  std::map<std::string, std::vector<long long>> written() {
    boost::asio::io_context io;
    auto client = kube::Client::create(io.get_executor(), sim_.config());
    EXPECT_TRUE(client.has_value());
    if (!client) return {};
    kube::ListOptions options;
    options.label_selector = "rollguard.io/probe-write=faults-test";
    auto list = rollguard::testing::complete(
        io, (*client)->list(kube::ResourceDescriptor::config_maps(), "default", options));
    EXPECT_TRUE(list && *list) << (list && !*list ? list->error().describe() : "no answer");
    std::map<std::string, std::vector<long long>> out;
    if (!list || !*list) return out;
    for (auto& item : (*list)->at("items").as_array()) {
      const auto& object = item.as_object();
      const std::string writer(object.at("data").at("writer").as_string());
      out[writer].push_back(std::stoll(std::string(object.at("metadata").at("resourceVersion").as_string())));
    }
    return out;
  }

  int writes_logged(const Probe& probe) {
    int n = 0;
    for (const auto& line : log_lines(probe)) n += line.rfind("WRITE ", 0) == 0;
    return n;
  }
};

TEST_F(LeaderScopedWrites, NoWriteOfAFormerLeaderLandsAfterItsSuccessorAcquired) {
  ASSERT_TRUE(sim_.running()) << sim_.startup_error();
  ASSERT_TRUE(fs::exists(probe_binary())) << probe_binary();
  start_probe("a");
  start_probe("b");
  ASSERT_TRUE(run_until([&] { return current_leader() >= 0; })) << all_logs();
  run_for(1s);

  // A partition from the Lease only: every Lease write fails for 4 s while ConfigMap writes still
  // succeed. The leader cannot renew and steps down at its renew deadline; the other candidate can
  // acquire once the faults end, while the former leader still lingers with a working connection.
  ASSERT_TRUE(sim_.set_faults(R"({"errors":[{"verb":"update","resource":"leases","share":1.0,"code":503}]})"))
      << all_logs();
  run_for(4s);
  ASSERT_TRUE(sim_.clear_faults());
  ASSERT_TRUE(run_until([&] { return leading_count() >= 2; })) << all_logs();

  // Every API call (the ConfigMap writes too) fails with 503 one time in ten, answers are late.
  const std::string faults =
      R"({"errors":[{"verb":"*","resource":"*","share":0.1,"code":503,"retryAfterSeconds":1}],)"
      R"("latencyMs":20,"watchCutSeconds":1})";
  run_fault_schedule(faults, 3s);
  if (HasFatalFailure()) return;

  // Leaders in the server's order of their acquiring Lease writes.
  std::vector<std::pair<long long, std::string>> leaders;
  for (const auto& probe : probes_) {
    if (long long rv = acquired_at(probe)) leaders.emplace_back(rv, probe.identity);
  }
  std::sort(leaders.begin(), leaders.end());
  ASSERT_GE(leaders.size(), 2u) << "leadership never changed hands\n" << all_logs();

  auto writes = written();
  std::size_t leaders_that_wrote = 0;
  std::string summary;
  for (std::size_t i = 0; i < leaders.size(); ++i) {
    const auto& [from, identity] = leaders[i];
    const long long until =
        i + 1 < leaders.size() ? leaders[i + 1].first : std::numeric_limits<long long>::max();
    const auto& mine = writes[identity];
    leaders_that_wrote += !mine.empty();
    for (long long rv : mine) {
      EXPECT_GT(rv, from) << identity << " wrote before it acquired the Lease\n" << all_logs();
      EXPECT_LT(rv, until) << identity << " wrote at resourceVersion " << rv << " after "
                           << leaders[i + 1].second << " acquired at " << until << "\n"
                           << all_logs();
    }
    summary +=
        " " + identity + "[rv " + std::to_string(from) + ": " + std::to_string(mine.size()) + " writes]";
  }
  // Processes that never led wrote nothing at all.
  for (const auto& [identity, rvs] : writes) {
    EXPECT_TRUE(
        std::any_of(leaders.begin(), leaders.end(), [&](const auto& l) { return l.second == identity; }))
        << identity << " wrote " << rvs.size() << " ConfigMaps without leading\n"
        << all_logs();
  }
  EXPECT_GE(leaders_that_wrote, 2u) << "the check needs writes from two leaders\n" << all_logs();
  std::printf("leader-scoped writes: %zu processes, %zu leaders:%s\n", probes_.size(), leaders.size(),
              summary.c_str());
}

}  // namespace
