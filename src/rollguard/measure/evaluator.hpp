#pragma once
// Measures http, prometheus and webhook SLOs (the I/O kinds). `deployment` SLOs are pure and
// `job` SLOs run through the API server (the reconciler creates the Job and reads it from its
// cache, job_check.hpp); handed one of those, evaluate() answers Inconclusive "evaluated by the
// controller".
//
// Outcomes, by kind:
//   http        every probed pod answers an expected status within `attempts` tries → Pass; any pod
//               failing → Fail naming it; no ready pods → Inconclusive.
//   prometheus  one sample compared with min/max → Pass/Fail; no data → per `no_data`; an answer that
//               cannot be compared (error, NaN, several samples, ...) or Prometheus unreachable or
//               too slow → Inconclusive (a monitoring outage is no evidence against a revision).
//   webhook     2xx → Pass; another status → Fail with the body's first line; unreachable or
//               timed out → Inconclusive (the check did not answer; inconclusiveThreshold decides).
// A missing Secret value → Inconclusive naming the secret and key (never the value). Messages never
// contain secret values, nor a URL that came from a Secret.
//
// Every measurement holds a Limiter permit while it runs (the bound across all policies) and every
// network call has a deadline, so evaluate() always returns.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>

#include "rollguard/measure/http_client.hpp"
#include "rollguard/measure/limiter.hpp"
#include "rollguard/slo.hpp"
#include "runtime/clock.hpp"

namespace rollguard::measure {

struct EvaluatorOptions {
  std::chrono::milliseconds attempt_pause{500};  // between tries of one pod (http attempts)
  std::size_t max_parallel_probes = 16;          // pods of one http SLO probed at once
};

class SloEvaluator {
 public:
  SloEvaluator(boost::asio::any_io_executor executor, std::shared_ptr<HttpClient> client,
               std::shared_ptr<Limiter> limiter, std::shared_ptr<runtime::Clock> clock,
               EvaluatorOptions options = {});

  // Measurement::slo is slo.name, `at` the clock's system time when the measurement completed.
  boost::asio::awaitable<Measurement> evaluate(const Slo& slo, const EvaluationContext& context,
                                               const ResolvedSecrets& secrets);

 private:
  // The kinds, run while evaluate() holds a permit (http_slo.cpp, prometheus_slo.cpp, webhook_slo.cpp).
  boost::asio::awaitable<Measurement> evaluate_http(const HttpSlo& slo, const EvaluationContext& context,
                                                    const ResolvedSecrets& secrets);
  boost::asio::awaitable<Measurement> evaluate_prometheus(const PrometheusSlo& slo,
                                                          const EvaluationContext& context,
                                                          const ResolvedSecrets& secrets);
  boost::asio::awaitable<Measurement> evaluate_webhook(const WebhookSlo& slo,
                                                       const EvaluationContext& context,
                                                       const ResolvedSecrets& secrets);

  boost::asio::any_io_executor executor_;
  std::shared_ptr<HttpClient> client_;
  std::shared_ptr<Limiter> limiter_;
  std::shared_ptr<runtime::Clock> clock_;
  EvaluatorOptions options_;
};

// The JSON a webhook receives: {policy, namespace, deployment, revision, podTemplateHash,
// lastKnownGoodPodTemplateHash}.
std::string webhook_body(const EvaluationContext& context);

// Shared by the evaluators (evaluator.cpp).
namespace detail {
// Request headers from the SLO, values from ResolvedSecrets where value_from is set; on a missing
// secret, `missing` names it ("secret api-token key token") and false is returned.
bool resolve_headers(const std::vector<HttpHeader>& headers, const ResolvedSecrets& secrets, HttpHeaders& out,
                     std::string& missing);
std::string missing_secret(const SecretKeyRef& ref);
Measurement measurement(SloResult result, std::string value, std::string threshold, std::string message);
}  // namespace detail

}  // namespace rollguard::measure
