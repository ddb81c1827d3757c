#pragma once
// The rollback as `kubectl rollout undo --to-revision=N` does it, made safe to retry:
//  - the pod template comes from the Deployment's own ReplicaSet of that revision, without the
//    pod-template-hash label (the Deployment controller adds it back and finds that ReplicaSet);
//  - a JSON Patch whose first op tests metadata.resourceVersion: a stale view, a second replica or
//    a retry after the patch already landed gets 422 and changes nothing;
//  - the Deployment's own annotations are kept (kubectl replaces them with the ReplicaSet's) and
//    kubernetes.io/change-cause says what rollguard did and why.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "rollguard/kube_names.hpp"

namespace rollguard {

inline constexpr std::string_view kChangeCauseAnnotation = "kubernetes.io/change-cause";
inline constexpr std::string_view kRolledBackByAnnotation = "rollguard.io/rolled-back-by";
inline constexpr std::string_view kHeldByAnnotation = "rollguard.io/held-by";

// The ReplicaSet's pod template as a Deployment template (pod-template-hash removed); nullopt when
// the ReplicaSet has no template.
std::optional<boost::json::object> deployment_template_from(const boost::json::object& replica_set);

// JSON Patch restoring `replica_set`'s template onto `deployment` (see above). `policy_key` is
// "ns/name" of the acting policy. nullopt when the ReplicaSet has no template or the Deployment no
// resourceVersion (nothing safe to send).
std::optional<boost::json::array> rollback_patch(const boost::json::object& deployment,
                                                 const boost::json::object& replica_set,
                                                 const std::string& change_cause,
                                                 const std::string& policy_key);

// JSON Patch that pauses (hold) or resumes (release) the Deployment, preconditioned on its
// resourceVersion; the hold is marked with kHeldByAnnotation so that only a hold rollguard made is
// ever released (a Deployment a person paused stays paused).
std::optional<boost::json::array> hold_patch(const boost::json::object& deployment, const std::string& reason,
                                             const std::string& policy_key);
std::optional<boost::json::array> release_patch(const boost::json::object& deployment);

}  // namespace rollguard
