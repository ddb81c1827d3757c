// prometheus SLOs: an instant query (after the optional minimum-sample guard), its one sample
// compared with min/max. Anything that makes the number unusable is Inconclusive with the reason.
#include "rollguard/measure/evaluator.hpp"
#include "rollguard/measure/prometheus_response.hpp"
#include "rollguard/query_template.hpp"

namespace rollguard::measure {
namespace asio = boost::asio;

namespace {
std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) | static_cast<unsigned char>(in[i + 2]);
    out +=
        {kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], kAlphabet[n & 63]};
  }
  if (i + 1 == in.size()) {
    const unsigned n = static_cast<unsigned char>(in[i]) << 16;
    out += {kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const unsigned n =
        (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

std::string threshold_of(const PrometheusSlo& slo) {
  std::string out;
  if (slo.min) out = ">= " + format_number(*slo.min);
  if (slo.max) out += (out.empty() ? "" : " and ") + std::string("<= ") + format_number(*slo.max);
  return out;
}

const char* no_data_word(NoDataPolicy policy) {
  switch (policy) {
    case NoDataPolicy::Pass:
      return "Pass";
    case NoDataPolicy::Fail:
      return "Fail";
    case NoDataPolicy::Inconclusive:
      break;
  }
  return "Inconclusive";
}

SloResult no_data_result(NoDataPolicy policy) {
  switch (policy) {
    case NoDataPolicy::Pass:
      return SloResult::Pass;
    case NoDataPolicy::Fail:
      return SloResult::Fail;
    case NoDataPolicy::Inconclusive:
      break;
  }
  return SloResult::Inconclusive;
}

asio::awaitable<PrometheusAnswer> run_query(HttpClient& client, HttpRequest request, std::string address,
                                            std::chrono::milliseconds timeout) {
  auto answer = co_await client.send(std::move(request));
  if (!answer) {
    const std::string detail = answer.error().kind == HttpErrorKind::Timeout
                                   ? "timed out after " + promql_duration(timeout)
                                   : answer.error().message;
    co_return PrometheusAnswer{PrometheusAnswer::Kind::Invalid, 0,
                               "Prometheus at " + address + ": " + detail};
  }
  co_return parse_prometheus_response(answer->status, answer->body);
}
}  // namespace

asio::awaitable<Measurement> SloEvaluator::evaluate_prometheus(const PrometheusSlo& slo,
                                                               const EvaluationContext& context,
                                                               const ResolvedSecrets& secrets) {
  const std::string threshold = threshold_of(slo);
  auto inconclusive = [&](std::string message, std::string value = "") {
    return detail::measurement(SloResult::Inconclusive, std::move(value), threshold, std::move(message));
  };
  HttpRequest request;
  request.timeout = slo.timeout;
  auto secret = [&](const std::optional<SecretKeyRef>& ref, std::string& out, std::string& missing) {
    if (!ref) return true;
    auto it = secrets.find(secret_key(*ref));
    if (it == secrets.end()) {
      missing = detail::missing_secret(*ref);
      return false;
    }
    out = it->second;
    return true;
  };
  std::string token, user, password, missing;
  if (!secret(slo.bearer_token, token, missing) || !secret(slo.basic_auth_username, user, missing) ||
      !secret(slo.basic_auth_password, password, missing) ||
      !secret(slo.ca_bundle, request.ca_pem, missing)) {
    co_return inconclusive(missing + " is not available");
  }
  if (!token.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + token);
  } else if (slo.basic_auth_username || slo.basic_auth_password) {
    request.headers.emplace_back("Authorization", "Basic " + base64(user + ":" + password));
  }
  request.headers.emplace_back("Accept", "application/json");
  std::string address = slo.address;
  while (!address.empty() && address.back() == '/') address.pop_back();

  // One deadline for the whole measurement (guard query and query); each request gets what is left.
  const auto deadline = clock_->now() + slo.timeout;
  auto prepare = [&](const std::string& text) {
    HttpRequest one = request;
    one.url = address + "/api/v1/query?query=" + url_encode_component(render_template(text, context));
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_->now());
    one.timeout = std::max(left, std::chrono::milliseconds(1));
    return one;
  };

  if (!slo.min_samples_query.empty() && slo.min_samples > 0) {
    auto guard_request = prepare(slo.min_samples_query);
    const auto samples = co_await run_query(*client_, std::move(guard_request), address, slo.timeout);
    if (samples.kind == PrometheusAnswer::Kind::Invalid)
      co_return inconclusive("minimum-sample query: " + samples.message);
    const double count = samples.kind == PrometheusAnswer::Kind::Value ? samples.value : 0;
    if (count < slo.min_samples) {
      co_return inconclusive("only " + format_number(count) + " samples (< " +
                             format_number(slo.min_samples) + ")");
    }
  }
  auto main_request = prepare(slo.query);
  const auto answer = co_await run_query(*client_, std::move(main_request), address, slo.timeout);
  if (answer.kind == PrometheusAnswer::Kind::Invalid) co_return inconclusive(answer.message);
  if (answer.kind == PrometheusAnswer::Kind::NoData) {
    std::string message =
        "no data: the query returned an empty vector (noData: " + std::string(no_data_word(slo.no_data)) +
        ")";
    if (!answer.message.empty()) message += "; " + answer.message;
    co_return detail::measurement(no_data_result(slo.no_data), "no data", threshold, std::move(message));
  }
  // ±Inf compares as the ordered value it is (histogram_quantile answers +Inf when the quantile lies
  // beyond the largest bucket: a real breach of a latency maximum).
  const double value = answer.value;
  std::string message;
  SloResult result = SloResult::Pass;
  if (slo.min && value < *slo.min) {
    result = SloResult::Fail;
    message = format_number(value) + " is below the minimum " + format_number(*slo.min);
  } else if (slo.max && value > *slo.max) {
    result = SloResult::Fail;
    message = format_number(value) + " is above the maximum " + format_number(*slo.max);
  }
  if (!answer.message.empty()) message += (message.empty() ? "" : "; ") + answer.message;
  auto m = detail::measurement(result, format_number(value), threshold, std::move(message));
  m.numeric = value;
  co_return m;
}

}  // namespace rollguard::measure
