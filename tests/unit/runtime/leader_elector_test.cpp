// The election loop over an in-memory Lease that enforces resourceVersion preconditions like the
// API server (409 on a stale PUT, AlreadyExists on a second create); time from FakeClock.
#include "runtime/leader_elector.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace rollguard::runtime {
namespace {

using namespace std::chrono_literals;

void poll(boost::asio::io_context& io) {
  io.restart();
  io.poll();
}

kube::Error api_error(int code, std::string reason) {
  kube::Status s;
  s.code = code;
  s.reason = std::move(reason);
  return kube::Error::from_status(s);
}

struct MemoryLease {
  std::optional<LeaseRecord> record;
  int resource_version = 0;
  int writes = 0;
};

class MemoryLock final : public LeaseLock {
 public:
  explicit MemoryLock(std::shared_ptr<MemoryLease> lease) : lease_(std::move(lease)) {}
  bool partitioned = false;  // every call fails like an unreachable API server
  // A write commits at once but its answer arrives write_delay later (a slow response).
  std::shared_ptr<Clock> clock;
  Clock::duration write_delay{};

  boost::asio::awaitable<kube::Result<std::optional<LeaseSnapshot>>> get() override {
    if (partitioned) co_return kube::Error(kube::ErrorKind::Network, "unreachable");
    if (!lease_->record) co_return std::optional<LeaseSnapshot>();
    co_return std::optional<LeaseSnapshot>(
        LeaseSnapshot{*lease_->record, std::to_string(lease_->resource_version)});
  }
  boost::asio::awaitable<kube::Result<LeaseSnapshot>> create(const LeaseRecord& record) override {
    if (partitioned) co_return kube::Error(kube::ErrorKind::Network, "unreachable");
    if (lease_->record) co_return api_error(409, "AlreadyExists");
    return_write(record);
    LeaseSnapshot written{record, std::to_string(lease_->resource_version)};
    if (write_delay > Clock::duration::zero()) co_await clock->sleep_for(write_delay);
    co_return written;
  }
  boost::asio::awaitable<kube::Result<LeaseSnapshot>> update(const LeaseRecord& record,
                                                             const std::string& rv) override {
    if (partitioned) co_return kube::Error(kube::ErrorKind::Network, "unreachable");
    if (!lease_->record) co_return api_error(404, "NotFound");
    if (rv != std::to_string(lease_->resource_version)) co_return api_error(409, "Conflict");
    return_write(record);
    LeaseSnapshot written{record, std::to_string(lease_->resource_version)};
    if (write_delay > Clock::duration::zero()) co_await clock->sleep_for(write_delay);
    co_return written;
  }

 private:
  void return_write(const LeaseRecord& record) {
    lease_->record = record;
    ++lease_->resource_version;
    ++lease_->writes;
  }
  std::shared_ptr<MemoryLease> lease_;
};

LeaderElectionConfig config(std::string identity) {
  LeaderElectionConfig c;
  c.lease_namespace = "ns";
  c.lease_name = "leader";
  c.identity = std::move(identity);
  return c;
}

struct Candidate {
  MemoryLock* lock = nullptr;
  std::unique_ptr<LeaderElector> elector;
  bool started = false, stopped = false, returned = false;
};

class LeaderElectorTest : public ::testing::Test {
 protected:
  Candidate& add(const std::string& identity, double jitter = 0.0, Clock::duration write_delay = {}) {
    auto& c = candidates.emplace_back(std::make_unique<Candidate>());
    auto lock = std::make_unique<MemoryLock>(lease);
    lock->clock = clock;
    lock->write_delay = write_delay;
    c->lock = lock.get();
    c->elector =
        std::make_unique<LeaderElector>(std::move(lock), clock, config(identity), fixed_random(jitter));
    Candidate* raw = c.get();
    boost::asio::co_spawn(
        io,
        [raw]() -> boost::asio::awaitable<void> {
          co_await raw->elector->run(
              {[raw] { raw->started = true; }, [raw] { raw->stopped = true; }, nullptr});
          raw->returned = true;
        },
        boost::asio::detached);
    poll(io);
    return *c;
  }
  // Advances in small steps, checking the safety property at every step.
  void run_for(Clock::duration total, Clock::duration step = 100ms) {
    for (Clock::duration t{}; t < total; t += step) {
      clock->advance(step);
      poll(io);
      int leaders = 0;
      for (auto& c : candidates) leaders += c->elector->is_leader();
      ASSERT_LE(leaders, 1) << "two leaders at once";
    }
  }
  void TearDown() override {
    for (auto& c : candidates) c->elector->shut_down();
    poll(io);
    clock->advance(1min);
    poll(io);
  }

  boost::asio::io_context io;
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  std::shared_ptr<MemoryLease> lease = std::make_shared<MemoryLease>();
  std::vector<std::unique_ptr<Candidate>> candidates;
};

TEST_F(LeaderElectorTest, FirstCandidateCreatesTheLeaseAndLeads) {
  auto& a = add("a");
  EXPECT_TRUE(a.started);
  EXPECT_TRUE(a.elector->is_leader());
  ASSERT_TRUE(lease->record.has_value());
  EXPECT_EQ(lease->record->holder_identity, "a");
  const int writes = lease->writes;
  run_for(10s);
  EXPECT_GE(lease->writes, writes + 4);  // renewed every retry period
  EXPECT_TRUE(a.elector->is_leader());
}

TEST_F(LeaderElectorTest, SecondCandidateWaitsWhileTheLeaderRenews) {
  auto& a = add("a");
  auto& b = add("b");
  run_for(60s);
  EXPECT_TRUE(a.elector->is_leader());
  EXPECT_FALSE(b.started);
}

TEST_F(LeaderElectorTest, GracefulShutdownReleasesAndSuccessorTakesOverWithinARetry) {
  auto& a = add("a");
  auto& b = add("b");
  run_for(5s);
  a.elector->shut_down();
  poll(io);
  EXPECT_TRUE(a.stopped);
  EXPECT_TRUE(a.returned);
  ASSERT_TRUE(lease->record.has_value());
  EXPECT_EQ(lease->record->holder_identity, "");
  EXPECT_EQ(lease->record->lease_duration_seconds, 1);
  run_for(4400ms + 100ms);  // one jittered retry period at most
  EXPECT_TRUE(b.started);
  EXPECT_EQ(lease->record->holder_identity, "b");
  EXPECT_EQ(lease->record->lease_transitions, 1);
}

TEST_F(LeaderElectorTest, PartitionedLeaderStopsAtRenewDeadlineBeforeTheOtherAcquires) {
  auto& a = add("a");
  auto& b = add("b");
  run_for(3s);
  a.lock->partitioned = true;
  const auto cut = clock->now();
  // The last successful renewal happened at most one retry period before the cut.
  Clock::time_point a_stopped{}, b_started{};
  for (int i = 0; i < 400 && (a_stopped == Clock::time_point{} || b_started == Clock::time_point{}); ++i) {
    run_for(100ms);
    if (a.stopped && a_stopped == Clock::time_point{}) a_stopped = clock->now();
    if (b.started && b_started == Clock::time_point{}) b_started = clock->now();
  }
  ASSERT_TRUE(a.stopped);
  ASSERT_TRUE(b.started);
  EXPECT_LE(a_stopped - cut, 10s);
  EXPECT_LT(a_stopped, b_started);
  EXPECT_TRUE(a.returned);  // a lost leader does not campaign again
}

TEST_F(LeaderElectorTest, SlowAcquiringWriteCountsTheRenewDeadlineFromTheAttemptStart) {
  // a's create commits at t0 but its answer takes 7 s; b reads a's record 0.3 s after the commit, so
  // for b a's lease ends at t0 + 15.3 s. Counted from the answer, a would lead until t0 + 17 s.
  auto& a = add("a", 0.0, 7s);
  clock->advance(300ms);
  poll(io);
  auto& b = add("b");
  run_for(7s);
  ASSERT_TRUE(a.started);
  a.lock->partitioned = true;  // no renewal of a succeeds from now on
  run_for(20s);                // fails at the first step with two leaders
  EXPECT_TRUE(a.stopped);
  EXPECT_TRUE(b.started);
}

TEST_F(LeaderElectorTest, ConflictingWritesNeverProduceTwoLeaders) {
  // Same jitter: both candidates act on the same ticks and race on every write.
  for (const char* id : {"a", "b", "c"}) add(id, 0.3);
  run_for(30s);
  int leaders = 0;
  for (auto& c : candidates) leaders += c->elector->is_leader();
  EXPECT_EQ(leaders, 1);
}

}  // namespace
}  // namespace rollguard::runtime
