// Pod templates as the Deployment controller sees them: normalised for comparison, hashed into the
// `pod-template-hash` label, and the revision annotations that record which template came when.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace kubesim::cluster {

inline constexpr const char* kPodTemplateHashLabel = "pod-template-hash";
inline constexpr const char* kRevisionAnnotation = "deployment.kubernetes.io/revision";
inline constexpr const char* kRevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
inline constexpr const char* kDesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
inline constexpr const char* kMaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

// The template with what does not make it different removed: upstream compares typed structs with
// apimachinery's semantic equality, where null, an empty map/list and an absent field are the same
// (so kubectl's echoed `creationTimestamp: null` and `resources: {}` do not count), and it ignores
// the `pod-template-hash` label the controller added itself.
boost::json::object normalize_template(const boost::json::object& pod_template);
bool templates_equal(const boost::json::object& a, const boost::json::object& b);

// The `pod-template-hash` value: FNV-1a (32 bit) over the normalised template and the deployment's
// collisionCount, spelled with the apiserver's "safe" alphabet (no vowels, so no accidental words),
// as upstream's ComputeHash does.
std::string pod_template_hash(const boost::json::object& pod_template, std::int64_t collision_count);

// Revision bookkeeping of one ReplicaSet (upstream SetNewReplicaSetAnnotations): the RS that holds
// the current template gets revision max(old revisions)+1 unless it already has at least that; a
// reused RS appends its previous revision to `revision-history` ("1,3").
struct RevisionUpdate {
  std::string revision;
  std::string history;
  bool changed = false;
};
RevisionUpdate next_revision(const std::string& current_revision, const std::string& current_history,
                             std::int64_t max_old_revision);
// A revision annotation as a number (0 when absent or malformed, as upstream's Revision()).
std::int64_t revision_number(const std::string& text);

}  // namespace kubesim::cluster
