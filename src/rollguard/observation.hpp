#pragma once
// What the controller sees of its target: the Deployment, the ReplicaSets it owns (its revisions)
// and the pods of the newest one, reduced from cached objects to the facts decisions use. Pure:
// the reconciler passes objects from its stores.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rollguard/kube_names.hpp"

namespace rollguard {

// The Deployment and ReplicaSet caches keep template_hash() of spec.template under this key, at the
// object's top level where no API field can be, instead of the template itself (cache_deployment,
// cache_replica_set): a template is most of either, and only a rollback needs one, which reads its
// ReplicaSet from the API server.
inline constexpr std::string_view kCachedTemplateHashKey = "rollguard.io/templateHash";

struct ReplicaSetInfo {
  std::string name;
  std::int64_t revision = 0;      // deployment.kubernetes.io/revision; 0 when missing
  std::string pod_template_hash;  // its pod-template-hash label (the Deployment controller's hash)
  std::string template_hash;      // template_hash() of spec.template (or kCachedTemplateHashKey); "" if none
  std::int32_t replicas = 0;      // spec.replicas
  std::int32_t ready_replicas = 0;
  std::int32_t available_replicas = 0;
  friend bool operator==(const ReplicaSetInfo&, const ReplicaSetInfo&) = default;
};

struct PodInfo {
  std::string name;
  std::string ip;
  bool ready = false;  // condition Ready=True
  int restarts = 0;    // the highest restartCount among its containers
  std::string restarting_container;
  std::string waiting_reason;  // e.g. CrashLoopBackOff, of that container
  friend bool operator==(const PodInfo&, const PodInfo&) = default;
};

struct Observation {
  std::string name;
  std::string uid;
  std::string resource_version;
  std::int64_t generation = 0;
  std::int64_t observed_generation = 0;  // status.observedGeneration
  bool paused = false;                   // spec.paused

  std::int32_t desired_replicas = 1;  // spec.replicas (the API default is 1)
  std::int32_t updated_replicas = 0;
  std::int32_t ready_replicas = 0;
  std::int32_t available_replicas = 0;
  std::int32_t progress_deadline_seconds = 600;

  bool progress_deadline_exceeded = false;  // Progressing=False, reason ProgressDeadlineExceeded
  std::string progressing_message;
  bool replica_failure = false;  // ReplicaFailure=True
  std::string replica_failure_message;

  std::int64_t current_revision = 0;         // the Deployment's revision annotation
  std::string current_template_hash;         // of spec.template (or kCachedTemplateHashKey), else the
                                             // current ReplicaSet's
  std::string current_pod_template_hash;     // the current ReplicaSet's pod-template-hash label
  std::vector<ReplicaSetInfo> replica_sets;  // owned by the Deployment, by revision ascending
  std::vector<PodInfo> pods;                 // of the current ReplicaSet, by name

  // updated == desired == available and the controller has seen the latest spec.
  bool rollout_complete() const;
  // The ReplicaSet of current_revision, if cached.
  const ReplicaSetInfo* current_replica_set() const;
  const ReplicaSetInfo* find_revision(std::int64_t revision) const;
  const ReplicaSetInfo* find_template(std::string_view template_hash) const;
  // "4, 5, 7": the revisions that can be rolled back to, for messages.
  std::string available_revisions() const;
  friend bool operator==(const Observation&, const Observation&) = default;
};

// The object's controller ownerReference names this owner: by uid when both sides have one, else by name.
bool controlled_by(const boost::json::object& object, std::string_view owner_uid,
                   std::string_view owner_name);

// replica_sets and pods may include objects that are not the Deployment's: ReplicaSets are kept when
// their controller ownerReference has the Deployment's uid, pods when they carry the current
// ReplicaSet's pod-template-hash and are controlled by it. A Deployment without spec.template and
// without kCachedTemplateHashKey takes its template hash from the ReplicaSet of its revision.
Observation observe(const boost::json::object& deployment,
                    std::span<const boost::json::object* const> replica_sets,
                    std::span<const boost::json::object* const> pods);

}  // namespace rollguard
