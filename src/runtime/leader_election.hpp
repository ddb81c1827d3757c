#pragma once
// Leader election on a coordination.k8s.io/v1 Lease, client-go leaderelection rules, as pure
// functions of (what was observed, when, now) so every timing rule is tested with FakeClock:
//  - expiry is judged from the local time at which the record was last seen to change plus the
//    record's leaseDurationSeconds, never from renewTime (clocks of two nodes may disagree);
//  - writes are PUTs with the observed resourceVersion as precondition: 409 means someone else won;
//  - a leader that has not renewed for renew_deadline stops acting, which happens before its lease
//    (lease_duration > renew_deadline) can expire for the others;
//  - release on graceful shutdown writes holderIdentity "" and leaseDurationSeconds 1, so a
//    successor takes over at once instead of waiting out the lease.
#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "kube/time.hpp"
#include "runtime/clock.hpp"
#include "runtime/random.hpp"

namespace rollguard::runtime {

struct LeaderElectionConfig {
  std::string lease_namespace;
  std::string lease_name;
  std::string identity;
  Clock::duration lease_duration = std::chrono::seconds(15);
  Clock::duration renew_deadline = std::chrono::seconds(10);
  Clock::duration retry_period = std::chrono::seconds(2);
};

// client-go's JitterFactor: retries are spread over [retry_period, retry_period * (1 + 1.2)].
inline constexpr double kLeaderElectionJitterFactor = 1.2;

// The client-go NewLeaderElector checks; returns a message for the first violated rule.
std::optional<std::string> validate(const LeaderElectionConfig& config);

// "<pod name>_<random suffix>": unique per process even when a pod restarts with the same name.
std::string make_identity(std::string_view pod_name, const Random& random);

// LeaseSpec fields used for election.
struct LeaseRecord {
  std::string holder_identity;
  int lease_duration_seconds = 0;
  std::optional<Clock::system_time_point> acquire_time;
  std::optional<Clock::system_time_point> renew_time;
  int lease_transitions = 0;

  static LeaseRecord from_lease(const boost::json::object& lease);  // reads .spec; tolerant of junk
  boost::json::object to_spec() const;
  friend bool operator==(const LeaseRecord&, const LeaseRecord&) = default;
};

// metav1.MicroTime: RFC 3339 with microseconds, UTC ("2026-11-28T14:04:20.123456Z"). kube/time.hpp
// owns the format; these names stay so the runtime's callers read as before.
using kube::format_micro_time;
inline std::optional<Clock::system_time_point> parse_micro_time(std::string_view text) {
  return kube::parse_time(text);
}

// What an elector last saw of the Lease, and when (local steady time) the record last changed.
struct LeaseObservation {
  std::optional<LeaseRecord> record;  // nullopt: the Lease does not exist
  std::string resource_version;
  Clock::time_point observed_at{};
};

// Folds a fresh read into the observation: observed_at only moves when the record changed, so a
// holder that stopped renewing is seen to expire lease_duration after its last renewal we saw.
LeaseObservation observe(const LeaseObservation& previous, std::optional<LeaseRecord> fetched,
                         std::string resource_version, Clock::time_point now);

enum class LeaseAction { Create, Update, Wait };

struct LeaseDecision {
  LeaseAction action = LeaseAction::Wait;
  LeaseRecord desired;  // for Create / Update (Update uses the observation's resourceVersion)
  std::string reason;
};

// client-go tryAcquireOrRenew, minus the I/O.
LeaseDecision decide_acquire_or_renew(const LeaseObservation& observed, const LeaderElectionConfig& config,
                                      Clock::time_point now, Clock::system_time_point system_now);

// True when someone else's lease has not expired as far as this elector can tell.
bool held_by_other(const LeaseObservation& observed, std::string_view identity, Clock::time_point now);

// A leader whose last successful renewal is renew_deadline old must stop acting.
bool must_stop_leading(Clock::time_point last_renew, Clock::time_point now,
                       const LeaderElectionConfig& config);

// The record a leader writes when it steps down gracefully.
LeaseRecord release_record(const LeaseRecord& current, Clock::system_time_point system_now);

// Jittered wait between attempts: retry_period * (1 + random * 1.2).
Clock::duration jittered_retry(const LeaderElectionConfig& config, const Random& random);

}  // namespace rollguard::runtime
