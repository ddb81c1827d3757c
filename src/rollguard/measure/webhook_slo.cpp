// webhook SLOs: POST the revision's context as JSON; 2xx passes, another status fails with the
// body's first line. No answer (refused, timed out, TLS) is Inconclusive: the check said nothing
// about the revision, and inconclusiveThreshold decides how long that may last.
#include <boost/json.hpp>
#include <cctype>

#include "rollguard/measure/evaluator.hpp"
#include "rollguard/query_template.hpp"

namespace rollguard::measure {
namespace asio = boost::asio;

namespace {
std::string first_line(std::string_view text) {
  constexpr std::size_t kCap = 200;
  auto line = text.substr(0, text.find('\n'));
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
  std::string out(line.substr(0, kCap));
  if (line.size() > kCap) out += "...";
  return out;
}
}  // namespace

std::string webhook_body(const EvaluationContext& context) {
  boost::json::object body;
  body["policy"] = context.policy;
  body["namespace"] = context.ns;
  body["deployment"] = context.deployment;
  body["revision"] = context.revision;
  body["podTemplateHash"] = context.pod_template_hash;
  body["lastKnownGoodPodTemplateHash"] = context.last_known_good_pod_template_hash;
  return boost::json::serialize(body);
}

asio::awaitable<Measurement> SloEvaluator::evaluate_webhook(const WebhookSlo& slo,
                                                            const EvaluationContext& context,
                                                            const ResolvedSecrets& secrets) {
  const std::string threshold = "HTTP 2xx";
  HttpRequest request;
  // A URL from a Secret may carry a token: messages name the Secret, never the URL.
  // The spec's URL is a template ({{deployment}}, {{revision}}, ...): its values are object names,
  // hashes and numbers, safe in a path or query. A URL from a Secret is used as it is.
  const std::string url = render_template(slo.url, context);
  std::string name = "webhook " + url;
  if (slo.url_from) {
    auto it = secrets.find(secret_key(*slo.url_from));
    if (it == secrets.end()) {
      co_return detail::measurement(SloResult::Inconclusive, "", threshold,
                                    detail::missing_secret(*slo.url_from) + " is not available");
    }
    request.url = it->second;
    name = "webhook (URL from " + detail::missing_secret(*slo.url_from) + ")";
  } else {
    request.url = url;
  }
  std::string missing;
  if (!detail::resolve_headers(slo.headers, secrets, request.headers, missing)) {
    co_return detail::measurement(SloResult::Inconclusive, "", threshold, missing + " is not available");
  }
  request.method = "POST";
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = webhook_body(context);
  request.timeout = slo.timeout;
  auto answer = co_await client_->send(std::move(request));
  if (!answer) {
    const std::string detail = answer.error().kind == HttpErrorKind::Timeout
                                   ? "timed out after " + promql_duration(slo.timeout)
                                   : answer.error().message;
    co_return detail::measurement(SloResult::Inconclusive, "no answer", threshold, name + ": " + detail);
  }
  const int status = answer->status;
  auto m = detail::measurement(status >= 200 && status < 300 ? SloResult::Pass : SloResult::Fail,
                               "HTTP " + std::to_string(status), threshold, "");
  if (m.result == SloResult::Fail) {
    const auto line = first_line(answer->body);
    m.message = name + " answered HTTP " + std::to_string(status) + (line.empty() ? "" : ": " + line);
  }
  m.numeric = status;
  co_return m;
}

}  // namespace rollguard::measure
