#pragma once
// The `job` SLO's pure parts: which Job a revision gets, what its cached Job and pods say, which
// old check Jobs go. The I/O around them (create, delete, the cache) is job_check.cpp.
//
// One Job per (policy, SLO, pod-template hash), its name derived from those three alone: a
// restarted controller or a new leader finds the Job already there (create answers 409) instead of
// running the check twice, and a revision rolled back to finds its earlier result.
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollguard/policy.hpp"
#include "rollguard/slo.hpp"

namespace rollguard {

inline constexpr std::string_view kJobLabelPrefix = "rollguard.io/";
inline constexpr std::string_view kPolicyLabel = "rollguard.io/policy";
inline constexpr std::string_view kSloLabel = "rollguard.io/slo";
inline constexpr std::string_view kRevisionLabel = "rollguard.io/revision";
inline constexpr std::string_view kJobPodTemplateHashLabel = "rollguard.io/pod-template-hash";
// The Deployment checked: a grouped policy's targets share the policy and SLO labels.
inline constexpr std::string_view kDeploymentLabel = "rollguard.io/deployment";
inline constexpr std::size_t kMaxJobName = 63;
inline constexpr std::size_t kMaxTerminationMessage = 300;  // of the pod's message, in status and Events

// "<policy>-<slo>-<hash>", a DNS label of at most 63 characters: the Job controller copies the name
// into its pods' job-name label, whose values are limited to 63. Longer ones are cut and end in a
// hash of the whole name, so two long names that share a beginning still differ.
std::string job_name(std::string_view policy, std::string_view slo, std::string_view pod_template_hash);

// The check Job of the revision in `context`, or nullopt with `error` set (a template that does not
// parse, a policy name too long for a label value). From the template: labels and annotations,
// and the JobSpec, with restartPolicy Never and backoffLimit 0 unless set (a failed check is a
// failed check; set backoffLimit to retry a flaky one) and activeDeadlineSeconds from `timeout`
// unless set. Added: the rollguard.io/ labels on the Job and its pods, ROLLGUARD_NAMESPACE,
// ROLLGUARD_POLICY, ROLLGUARD_DEPLOYMENT, ROLLGUARD_REVISION, ROLLGUARD_POD_TEMPLATE_HASH in every
// container (unless the template sets that name), and an ownerReference to the policy.
std::optional<boost::json::object> job_object(const JobSlo& slo, std::string_view slo_name,
                                              const Policy& policy, const EvaluationContext& context,
                                              std::string& error);

// The result of a check Job from the cache (value, threshold and message set; slo and at not):
//   Failed=True or FailureTarget=True         Fail, with the failed pod's termination message
//   Complete=True or SuccessCriteriaMet=True  Pass
//   neither, within `timeout` of its start    Inconclusive and pending: "running for 12s"
//   neither, past it                          Fail: "did not finish within 10m"
// `pods` are the Job's pods (any order).
Measurement job_measurement(const JobSlo& slo, const boost::json::object& job,
                            const std::vector<const boost::json::object*>& pods, SystemTime now);

// The termination message of the newest terminated container that failed among `pods`, on one
// line and cut to kMaxTerminationMessage; "" when none wrote one.
std::string termination_message(const std::vector<const boost::json::object*>& pods);

// Of one SLO's check Jobs, those to delete: all but the `keep` newest (by creationTimestamp, then
// name), never `current` (the revision under test), none already being deleted.
std::vector<std::string> jobs_to_prune(const std::vector<const boost::json::object*>& jobs, int keep,
                                       std::string_view current);

}  // namespace rollguard
