// Pod templates as the controllers see them: normalised for comparison, hashed into the
// `pod-template-hash` label, the revision annotations that record which template came when, and the
// pods the ReplicaSet and Job controllers create from them.
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

// The controller that owns the pods it creates (their controller ownerReference).
struct PodOwner {
  std::string api_version;  // "apps/v1"
  std::string kind;         // "ReplicaSet"
  std::string name;
  std::string uid;
};

// A pod to create from `pod_template`, as upstream's GetPodFromTemplate builds it: the template's
// metadata without name and creationTimestamp, generateName "<owner>-", `extra_labels` on top of the
// template's labels, and a controller ownerReference that blocks the owner's foreground deletion.
boost::json::object pod_from_template(const boost::json::object& pod_template, const std::string& ns,
                                      const PodOwner& owner, const boost::json::object& extra_labels);

}  // namespace kubesim::cluster
