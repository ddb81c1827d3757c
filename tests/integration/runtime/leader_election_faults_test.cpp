// Two rollguard-lease-probe processes elect on one Lease in kube-sim while the API misbehaves:
// injected 503/429 answers, cut watches, added latency, refused connections, a simulator restart and
// a SIGTERM'd leader. Every probe logs its own LEADING/STOPPED times; afterwards the leadership
// intervals of different processes must never overlap, and leadership must have changed hands (so
// the check has something to check). Waits are bounded by generous deadlines, never pass/fail timers.
#include <gtest/gtest.h>

#include "lease_probe_fixture.hpp"

namespace {

using namespace rollguard::testing::lease_probe;
using namespace std::chrono_literals;
using LeaderElectionUnderFaults = LeaseProbeFixture;

TEST_F(LeaderElectionUnderFaults, TwoProbesAreNeverBothLeader) {
  ASSERT_TRUE(sim_.running()) << sim_.startup_error();
  ASSERT_TRUE(fs::exists(probe_binary())) << probe_binary();
  const long long t0 = wall_ns();
  start_probe("a");
  start_probe("b");
  ASSERT_TRUE(run_until([&] { return current_leader() >= 0; })) << all_logs();

  // 10% of Lease requests fail with 503, another 10% of updates with 429, every answer is late and
  // watches are cut every second.
  const std::string faults =
      R"({"errors":[{"verb":"*","resource":"leases","share":0.1,"code":503,"retryAfterSeconds":1},)"
      R"({"verb":"update","resource":"leases","share":0.1,"code":429,"retryAfterSeconds":1}],)"
      R"("latencyMs":20,"watchCutSeconds":1})";
  run_fault_schedule(faults, 4s);
  if (HasFatalFailure()) return;

  // The check: leadership intervals from the probes' own logs, pairwise disjoint across processes.
  std::vector<LeadInterval> intervals;
  for (const auto& probe : probes_) {
    auto own = intervals_of(probe);
    EXPECT_LE(own.size(), 1u) << probe.identity << " led twice\n" << all_logs();
    EXPECT_TRUE(probe.exit_code == 0 || probe.exit_code == 2)
        << probe.identity << " exited with " << probe.exit_code << "\n"
        << all_logs();
    intervals.insert(intervals.end(), own.begin(), own.end());
  }
  std::sort(intervals.begin(), intervals.end(),
            [](const LeadInterval& x, const LeadInterval& y) { return x.from < y.from; });
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    for (std::size_t j = i + 1; j < intervals.size(); ++j) {
      if (intervals[i].identity == intervals[j].identity) continue;
      EXPECT_LE(intervals[i].to, intervals[j].from)
          << intervals[i].identity << " and " << intervals[j].identity << " both led for "
          << (intervals[i].to - intervals[j].from) / 1000 << " us\n"
          << all_logs();
    }
  }
  const int changes = static_cast<int>(intervals.size()) - 1;
  EXPECT_GE(changes, 1) << "leadership never changed hands\n" << all_logs();

  std::string summary;
  for (const auto& interval : intervals) {
    summary += " " + interval.identity + "[" + std::to_string((interval.from - t0) / 1'000'000) + ".." +
               std::to_string((interval.to - t0) / 1'000'000) + (interval.stopped ? "" : "?") + " ms]";
  }
  std::printf("lease probes: %zu processes, %d leadership changes:%s\n", probes_.size(), changes,
              summary.c_str());
}

}  // namespace
