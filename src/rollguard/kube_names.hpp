#pragma once
// Names the Deployment controller writes, shared by everything that reads or restores revisions.
#include <string_view>

namespace rollguard {

// On a Deployment and its ReplicaSets: the revision number, as a decimal string.
inline constexpr std::string_view kRevisionAnnotation = "deployment.kubernetes.io/revision";
// On a ReplicaSet, its template and its pods: the Deployment controller's hash of the template.
inline constexpr std::string_view kPodTemplateHashLabel = "pod-template-hash";

}  // namespace rollguard
