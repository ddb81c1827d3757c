#include "rollguard/job_check.hpp"

#include <spdlog/spdlog.h>

#include "kube/object_meta.hpp"
#include "rollguard/job_slo.hpp"

namespace rollguard {

namespace asio = boost::asio;

namespace {

std::vector<const boost::json::object*> pointers(const std::vector<runtime::ObjectPtr>& objects) {
  std::vector<const boost::json::object*> out;
  for (auto& o : objects) out.push_back(o.get());
  return out;
}

Measurement waiting(std::string message, bool pending) {
  Measurement m;
  m.result = SloResult::Inconclusive;
  m.threshold = "Job Complete";
  m.value = "not started";
  m.message = std::move(message);
  m.pending = pending;
  return m;
}

// Background propagation: the Job goes at once and the garbage collector takes its pods.
asio::awaitable<void> prune(const JobCheckRequest& request, const std::string& current, int keep) {
  const auto& ns = request.policy.ns;
  auto jobs = request.cluster->check_jobs(ns, request.policy.name, request.slo.name);
  // Only this Deployment's checks: a grouped policy's other targets keep theirs (Jobs from before the
  // label have none and count as this target's).
  std::erase_if(jobs, [&](const runtime::ObjectPtr& job) {
    auto label = kube::meta::label(*job, kDeploymentLabel);
    return label && *label != request.policy.target_name;
  });
  const auto doomed = jobs_to_prune(pointers(jobs), keep, current);
  for (auto& name : doomed) {
    if (!request.may_write()) co_return;
    kube::DeleteOptions options;
    options.propagation_policy = "Background";
    const auto resource = kube::ResourceDescriptor::jobs();  // named: GCC 12 and co_await temporaries
    auto removed = co_await request.client->remove(resource, ns, name, options);
    if (!removed) {
      // Not found: deleted already, the cache has not seen it yet.
      if (!removed.error().is_not_found())
        spdlog::warn("policy {}/{}: deleting old check job {}: {}", ns, request.policy.name, name,
                     removed.error().describe());
    } else {
      spdlog::info("policy {}/{}: deleted old check job {} (keeping {})", ns, request.policy.name, name,
                   keep);
    }
  }
}

asio::awaitable<Measurement> create(const JobCheckRequest& request, const JobSlo& slo,
                                    const std::string& name) {
  if (!request.rollout_complete && request.rollout_stuck)
    co_return waiting("the rollout of revision " + std::to_string(request.context.revision) +
                          " exceeded its progress deadline: check job " + name + " not started",
                      false);
  if (!request.rollout_complete)
    co_return waiting("waiting for the rollout of revision " + std::to_string(request.context.revision) +
                          " to complete before starting check job " + name,
                      true);
  if (!request.may_write()) co_return waiting("not the leader: check job " + name + " not created", true);
  std::string error;
  auto job = job_object(slo, request.slo.name, request.policy, request.context, error);
  if (!job) co_return waiting("check job " + name + ": " + error, false);
  const boost::json::value body = std::move(*job);
  kube::WriteOptions options;
  options.field_manager = "rollguard";
  const auto resource = kube::ResourceDescriptor::jobs();
  auto created = co_await request.client->create(resource, request.policy.ns, body, options);
  if (created) {
    spdlog::info("policy {}/{}: created check job {} for revision {}", request.policy.ns, request.policy.name,
                 name, request.context.revision);
    co_return waiting("check job " + name + " created", true);
  }
  if (created.error().is_already_exists())
    co_return waiting("check job " + name + " exists, waiting for it in the cache", true);
  // Refused (forbidden, invalid template) or unreachable: not pending, so inconclusiveThreshold counts.
  co_return waiting("creating check job " + name + ": " + created.error().describe(), false);
}

}  // namespace

asio::awaitable<Measurement> run_job_check(const JobCheckRequest& request) {
  const auto& slo = std::get<JobSlo>(request.slo.check);
  const auto name = job_name(request.policy.name, request.slo.name, request.context.pod_template_hash);
  Measurement m;
  if (auto job = request.cluster->job(request.policy.ns, name)) {
    auto pods = request.cluster->pods_of(request.policy.ns, kube::meta::uid(*job));
    m = job_measurement(slo, *job, pointers(pods), request.now);
  } else if (request.passed_before) {
    m.result = SloResult::Pass;
    m.value = "Complete";
    m.threshold = "Job Complete";
    m.numeric = 1;
    m.message = "check job " + name + " passed on this revision (the Job was deleted since)";
  } else {
    m = co_await create(request, slo, name);
  }
  co_await prune(request, name, slo.keep);
  m.slo = request.slo.name;
  m.at = request.now;
  co_return m;
}

}  // namespace rollguard
