// A simple Job controller: keeps up to `parallelism` pods running until `completions` pods have
// succeeded (status.succeeded, Complete condition), or `backoffLimit` pods have failed (Failed), or
// it has been active longer than activeDeadlineSeconds (Failed, DeadlineExceeded: its running pods
// are deleted, as the real controller does).
#include "cluster.hpp"
#include "json_util.hpp"
#include "pod_template.hpp"

namespace kubesim::cluster {
namespace json = boost::json;

void Cluster::sync_job(const std::string& ns, const std::string& name) {
  auto job = client_.get(ObjectKey{"batch", "jobs", ns, name});
  if (!job || !str_at(*job, {"metadata", "deletionTimestamp"}).empty()) return;
  const std::string uid = str_at(*job, {"metadata", "uid"});
  const std::int64_t completions = std::max<std::int64_t>(1, int_at(*job, {"spec", "completions"}, 1));
  const std::int64_t parallelism = std::max<std::int64_t>(0, int_at(*job, {"spec", "parallelism"}, 1));
  const std::int64_t backoff_limit = int_at(*job, {"spec", "backoffLimit"}, 6);
  const std::int64_t deadline_seconds = int_at(*job, {"spec", "activeDeadlineSeconds"}, 0);
  std::int64_t active = 0, succeeded = 0, failed = 0;
  std::vector<std::string> active_pods;
  for (auto& pod : owned(uid, "pods")) {
    if (controller_uid(*pod) != uid) continue;
    std::string phase = str_at(*pod, {"status", "phase"});
    if (phase == "Succeeded") {
      ++succeeded;
    } else if (phase == "Failed") {
      ++failed;
    } else if (str_at(*pod, {"metadata", "deletionTimestamp"}).empty()) {
      ++active;
      active_pods.push_back(str_at(*pod, {"metadata", "name"}));
    }
  }
  json::object status = obj_at(*job, {"status"});
  json::array conds;
  if (const auto* c = status.if_contains("conditions"); c && c->is_array()) conds = c->as_array();
  bool finished = false;
  for (const auto& c : conds)
    if (const auto* co = c.if_object();
        co && str_at(*co, {"status"}) == "True" &&
        (str_at(*co, {"type"}) == "Complete" || str_at(*co, {"type"}) == "Failed"))
      finished = true;
  std::string at = rfc3339(now());
  json::object want = status;
  if (!want.contains("startTime")) want["startTime"] = at;
  want["active"] = active;
  want["succeeded"] = succeeded;
  want["failed"] = failed;
  if (!finished) {
    auto condition = [&](const char* type, const char* reason, const char* message) {
      conds.push_back(json::object{{"type", type},
                                   {"status", "True"},
                                   {"lastProbeTime", at},
                                   {"lastTransitionTime", at},
                                   {"reason", reason},
                                   {"message", message}});
      want["conditions"] = conds;
    };
    const auto started = parse_rfc3339(str_at(want, {"startTime"})).value_or(now());
    const auto deadline = started + std::chrono::seconds(deadline_seconds);
    if (succeeded >= completions) {
      condition("Complete", "Completed", "Job completed");
      want["completionTime"] = at;
    } else if (failed > backoff_limit) {
      condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
    } else if (deadline_seconds > 0 && now() >= deadline) {
      for (const auto& pod : active_pods) client_.remove(resource_path("", "pods", ns, pod));
      want["active"] = 0;
      condition("Failed", "DeadlineExceeded", "Job was active longer than specified deadline");
    } else {
      if (deadline_seconds > 0)
        enqueue_after(Item{Kind::Job, ns, name},
                      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now()) +
                          std::chrono::milliseconds(1));
      std::int64_t wanted = std::min(parallelism, completions - succeeded) - active;
      const json::object labels{{"job-name", name}, {"batch.kubernetes.io/job-name", name}};
      const json::object pod = pod_from_template(obj_at(*job, {"spec", "template"}), ns,
                                                 PodOwner{"batch/v1", "Job", name, uid}, labels);
      for (std::int64_t i = 0; i < wanted; ++i) client_.create(resource_path("", "pods", ns), pod);
    }
  }
  if (canonical_json(want) != canonical_json(status))
    client_.merge_patch(resource_path("batch", "jobs", ns, name, "status"), json::object{{"status", want}});
}

}  // namespace kubesim::cluster
