#pragma once
// One evaluation of a `job` SLO, the only SLO that writes to the cluster: find the revision's check
// Job in the cache, create it when it is missing (once the rollout is complete: a post-deploy check
// of a half-rolled-out revision would test the old pods too), read its result (job_slo.hpp), and
// delete the SLO's check Jobs beyond `keep`. A Job already there (409: another replica, a restart)
// is the same check, never a second one.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>

#include "kube/client.hpp"
#include "rollguard/cluster_cache.hpp"
#include "rollguard/policy.hpp"
#include "rollguard/slo.hpp"

namespace rollguard {

struct JobCheckRequest {
  std::shared_ptr<kube::Client> client;
  const ClusterView* cluster = nullptr;
  std::function<bool()> may_write;  // the leader's: nothing is created or deleted otherwise
  Policy policy;
  Slo slo;  // of kind job
  EvaluationContext context;
  bool rollout_complete = false;
  // Past its progress deadline without completing: the check will never start, and waiting for it
  // must count (inconclusiveThreshold), or a policy with only a job SLO would wait forever.
  bool rollout_stuck = false;
  // The previous status says this SLO passed on this very pod template: a Job deleted since (by a
  // person, a TTL) is not run again.
  bool passed_before = false;
  SystemTime now{};
};

// Measurement::slo is the SLO's name, `at` is request.now. `request` must outlive the coroutine.
boost::asio::awaitable<Measurement> run_job_check(const JobCheckRequest& request);

}  // namespace rollguard
