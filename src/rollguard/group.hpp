#pragma once
// Grouped policies (spec.targetRefs / spec.targetSelector): one policy, several Deployments. Each
// target is judged by decide() exactly as the target of a single policy would be — a member policy
// with its own status slice, status.targets[] — and this file holds the pure parts around that:
// which Deployments a group covers, the member policy, the status layout, the summary, and
// rollback.together: when one member rolls back, every member that changed since its last known good
// rolls back too, each exactly once (a request id per incident, recorded in the members' statuses as
// a manual request is, so a re-run or a restart never repeats it).
#include <boost/json/object.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rollguard/decide.hpp"
#include "rollguard/policy.hpp"
#include "rollguard/status.hpp"

namespace rollguard {

struct TargetStatus {
  std::string name;
  PolicyStatus status;
  friend bool operator==(const TargetStatus&, const TargetStatus&) = default;
};

// The rollback.together incident in progress: which member's rollback started it, and the revision
// each other member is to go back to. Kept until a new incident replaces it (its request id is
// handled once per member, so keeping it repeats nothing).
struct TogetherRollback {
  std::string request_id;
  std::string trigger;  // the member whose rollback started it
  std::int64_t trigger_from_revision = 0;
  std::int64_t trigger_to_revision = 0;
  std::string reason;                           // the trigger's rollback message
  std::map<std::string, std::int64_t> members;  // member -> revision to restore
  friend bool operator==(const TogetherRollback&, const TogetherRollback&) = default;
};

struct GroupStatus {
  PolicyStatus summary;  // observedGeneration, phase, message, failingSLO, conditions
  std::vector<TargetStatus> targets;
  std::optional<TogetherRollback> together;

  const PolicyStatus* target(std::string_view name) const;
  boost::json::object to_json() const;
  static GroupStatus from_json(const boost::json::value* status);
  friend bool operator==(const GroupStatus&, const GroupStatus&) = default;
};

// The Deployments of a group, in order: targetRefs as listed, a selector's matches by name.
// `deployments` are the cached Deployments of the policy's namespace.
std::vector<std::string> group_targets(const Policy& policy,
                                       const std::vector<const boost::json::object*>& deployments);

// The policy one member is judged by: the group's spec with targetRef = target (and the manual
// request, when it names this target).
Policy member_policy(const Policy& group, const std::string& target);

struct MemberRound {
  std::string name;
  const Observation* observation = nullptr;  // null: the Deployment does not exist
  const PolicyStatus* previous = nullptr;    // its slice of the previous status (empty when new)
  const Decision* decision = nullptr;
};

// rollback.together: a new incident when a member's decision rolls back (automatically, not as a
// dry run, not as part of the current incident), naming every other member whose current revision
// is not its last known good; nullopt when there is none.
std::optional<TogetherRollback> together_incident(const Policy& group, const std::vector<MemberRound>& round,
                                                  const std::optional<TogetherRollback>& current);

// The manual request a member gets from an incident (nullopt when the incident does not name it).
std::optional<ManualRollback> together_request(const TogetherRollback& incident, const std::string& member);

// The summary of the members: the most urgent phase, a one-line message, the failing SLOs as
// "target/slo", and Ready/SLOsMet/RolledBack/Blocked each True only when ... (see group.cpp).
PolicyStatus summarize(const Policy& group, const std::vector<TargetStatus>& targets,
                       const PolicyStatus& previous_summary, SystemTime now);

}  // namespace rollguard
