#include "runtime/leader_election.hpp"

namespace rollguard::runtime {

namespace {

using std::chrono::duration_cast;
using std::chrono::seconds;

std::string string_field(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}

int int_field(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) {
    auto i = v->as_int64();
    return i < 0 ? 0 : i > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(i);
  }
  if (v->is_uint64())
    return v->as_uint64() > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(v->as_uint64());
  return 0;
}

}  // namespace

std::optional<std::string> validate(const LeaderElectionConfig& config) {
  using Clock = runtime::Clock;
  if (config.lease_duration <= Clock::duration::zero()) return "leaseDuration must be greater than zero";
  if (config.renew_deadline <= Clock::duration::zero()) return "renewDeadline must be greater than zero";
  if (config.retry_period <= Clock::duration::zero()) return "retryPeriod must be greater than zero";
  if (config.lease_duration <= config.renew_deadline)
    return "leaseDuration must be greater than renewDeadline";
  const auto jittered = std::chrono::duration<double>(config.retry_period) * kLeaderElectionJitterFactor;
  if (std::chrono::duration<double>(config.renew_deadline) <= jittered) {
    return "renewDeadline must be greater than retryPeriod*JitterFactor";
  }
  if (config.identity.empty()) return "identity must not be empty";
  if (config.lease_name.empty()) return "lease name must not be empty";
  if (config.lease_namespace.empty()) return "lease namespace must not be empty";
  return std::nullopt;
}

std::string make_identity(std::string_view pod_name, const Random& random) {
  return std::string(pod_name.empty() ? std::string_view("rollguard") : pod_name) + "_" +
         random_suffix(random, 10);
}

LeaseRecord LeaseRecord::from_lease(const boost::json::object& lease) {
  LeaseRecord record;
  auto* spec_value = lease.if_contains("spec");
  auto* spec = spec_value ? spec_value->if_object() : nullptr;
  if (!spec) return record;
  record.holder_identity = string_field(*spec, "holderIdentity");
  record.lease_duration_seconds = int_field(*spec, "leaseDurationSeconds");
  record.lease_transitions = int_field(*spec, "leaseTransitions");
  record.acquire_time = parse_micro_time(string_field(*spec, "acquireTime"));
  record.renew_time = parse_micro_time(string_field(*spec, "renewTime"));
  return record;
}

boost::json::object LeaseRecord::to_spec() const {
  boost::json::object spec;
  spec["holderIdentity"] = holder_identity;
  spec["leaseDurationSeconds"] = lease_duration_seconds;
  if (acquire_time) spec["acquireTime"] = format_micro_time(*acquire_time);
  if (renew_time) spec["renewTime"] = format_micro_time(*renew_time);
  spec["leaseTransitions"] = lease_transitions;
  return spec;
}

LeaseObservation observe(const LeaseObservation& previous, std::optional<LeaseRecord> fetched,
                         std::string resource_version, Clock::time_point now) {
  LeaseObservation next;
  const bool changed = previous.record != fetched || previous.observed_at == Clock::time_point{};
  next.record = std::move(fetched);
  next.resource_version = std::move(resource_version);
  next.observed_at = changed ? now : previous.observed_at;
  return next;
}

bool held_by_other(const LeaseObservation& observed, std::string_view identity, Clock::time_point now) {
  if (!observed.record) return false;
  const auto& record = *observed.record;
  if (record.holder_identity.empty() || record.holder_identity == identity) return false;
  // The holder's own leaseDurationSeconds, counted from when we saw the record change.
  return observed.observed_at + seconds(record.lease_duration_seconds) > now;
}

LeaseDecision decide_acquire_or_renew(const LeaseObservation& observed, const LeaderElectionConfig& config,
                                      Clock::time_point now, Clock::system_time_point system_now) {
  LeaseDecision decision;
  LeaseRecord& desired = decision.desired;
  desired.holder_identity = config.identity;
  desired.lease_duration_seconds =
      static_cast<int>(std::max<long>(1, duration_cast<seconds>(config.lease_duration).count()));
  desired.acquire_time = system_now;
  desired.renew_time = system_now;
  if (!observed.record) {
    decision.action = LeaseAction::Create;
    decision.reason = "no lease yet";
    return decision;
  }
  const LeaseRecord& current = *observed.record;
  if (held_by_other(observed, config.identity, now)) {
    decision.action = LeaseAction::Wait;
    decision.reason = "lease held by " + current.holder_identity;
    return decision;
  }
  decision.action = LeaseAction::Update;
  if (current.holder_identity == config.identity) {
    // Renewal keeps the acquisition time and the transition count.
    desired.acquire_time = current.acquire_time;
    desired.lease_transitions = current.lease_transitions;
    decision.reason = "renew";
  } else {
    desired.lease_transitions = current.lease_transitions + 1;
    decision.reason = current.holder_identity.empty() ? "lease released"
                                                      : "lease of " + current.holder_identity + " expired";
  }
  return decision;
}

bool must_stop_leading(Clock::time_point last_renew, Clock::time_point now,
                       const LeaderElectionConfig& config) {
  return now - last_renew >= config.renew_deadline;
}

LeaseRecord release_record(const LeaseRecord& current, Clock::system_time_point system_now) {
  LeaseRecord record;
  record.holder_identity = "";
  record.lease_duration_seconds = 1;
  record.acquire_time = system_now;
  record.renew_time = system_now;
  record.lease_transitions = current.lease_transitions;
  return record;
}

Clock::duration jittered_retry(const LeaderElectionConfig& config, const Random& random) {
  const double factor = 1.0 + random() * kLeaderElectionJitterFactor;
  return duration_cast<Clock::duration>(std::chrono::duration<double>(config.retry_period) * factor);
}

}  // namespace rollguard::runtime
