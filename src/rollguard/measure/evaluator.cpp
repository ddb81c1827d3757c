#include "rollguard/measure/evaluator.hpp"

namespace rollguard::measure {

namespace detail {
std::string missing_secret(const SecretKeyRef& ref) { return "secret " + ref.name + " key " + ref.key; }

bool resolve_headers(const std::vector<HttpHeader>& headers, const ResolvedSecrets& secrets, HttpHeaders& out,
                     std::string& missing) {
  for (const auto& header : headers) {
    if (!header.value_from) {
      out.emplace_back(header.name, header.value);
      continue;
    }
    auto it = secrets.find(secret_key(*header.value_from));
    if (it == secrets.end()) {
      missing = missing_secret(*header.value_from);
      return false;
    }
    out.emplace_back(header.name, it->second);
  }
  return true;
}

Measurement measurement(SloResult result, std::string value, std::string threshold, std::string message) {
  Measurement m;
  m.result = result;
  m.value = std::move(value);
  m.threshold = std::move(threshold);
  m.message = std::move(message);
  return m;
}
}  // namespace detail

SloEvaluator::SloEvaluator(boost::asio::any_io_executor executor, std::shared_ptr<HttpClient> client,
                           std::shared_ptr<Limiter> limiter, std::shared_ptr<runtime::Clock> clock,
                           EvaluatorOptions options)
    : executor_(std::move(executor)),
      client_(std::move(client)),
      limiter_(std::move(limiter)),
      clock_(std::move(clock)),
      options_(options) {}

boost::asio::awaitable<Measurement> SloEvaluator::evaluate(const Slo& slo, const EvaluationContext& context,
                                                           const ResolvedSecrets& secrets) {
  Measurement result;
  if (std::holds_alternative<DeploymentSlo>(slo.check) || std::holds_alternative<JobSlo>(slo.check)) {
    result = detail::measurement(SloResult::Inconclusive, "", "", "evaluated by the controller");
  } else {
    auto permit = co_await limiter_->acquire();
    if (!permit) {
      result = detail::measurement(SloResult::Inconclusive, "", "", "measurement canceled");
    } else if (const auto* http = std::get_if<HttpSlo>(&slo.check)) {
      result = co_await evaluate_http(*http, context, secrets);
    } else if (const auto* prometheus = std::get_if<PrometheusSlo>(&slo.check)) {
      result = co_await evaluate_prometheus(*prometheus, context, secrets);
    } else if (const auto* webhook = std::get_if<WebhookSlo>(&slo.check)) {
      result = co_await evaluate_webhook(*webhook, context, secrets);
    }
  }
  result.slo = slo.name;
  result.at = clock_->system_now();
  co_return result;
}

}  // namespace rollguard::measure
