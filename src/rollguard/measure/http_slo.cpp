// http SLOs: one URL, or path+port on every ready pod of the revision under test, each pod probed
// up to `attempts` times; the pods of one SLO are probed concurrently (a slow pod must not eat the
// others' time).
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "rollguard/measure/evaluator.hpp"

namespace rollguard::measure {
namespace asio = boost::asio;

namespace {
struct ProbeOutcome {
  bool ok = false;
  std::string detail;  // "HTTP 503", "timed out after 2s", "connection refused"
};

asio::awaitable<ProbeOutcome> probe(std::shared_ptr<HttpClient> client, std::shared_ptr<runtime::Clock> clock,
                                    HttpRequest request, std::vector<int> expect, int attempts,
                                    std::chrono::milliseconds pause) {
  ProbeOutcome outcome;
  attempts = std::max(attempts, 1);
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    auto answer = co_await client->send(request);
    if (answer && std::find(expect.begin(), expect.end(), answer->status) != expect.end()) {
      outcome.ok = true;
      outcome.detail = "HTTP " + std::to_string(answer->status);
      co_return outcome;
    }
    outcome.detail = answer ? "HTTP " + std::to_string(answer->status) : answer.error().message;
    if (!answer && answer.error().kind == HttpErrorKind::Canceled) break;
    if (attempt < attempts) {
      const auto elapsed = co_await clock->sleep_for(pause);
      if (!elapsed) break;
    }
  }
  if (attempts > 1) outcome.detail += " (" + std::to_string(attempts) + " attempts)";
  co_return outcome;
}

std::string expected_statuses(const std::vector<int>& expect) {
  std::string out;
  for (std::size_t i = 0; i < expect.size(); ++i) out += (i ? "," : "") + std::to_string(expect[i]);
  return out.empty() ? "200" : out;
}

struct Target {
  std::string name;  // "pod web-1 (127.0.0.5)" or the URL
  std::string url;
};

struct Join {
  explicit Join(const asio::any_io_executor& executor, std::size_t n)
      : done(executor, asio::steady_timer::time_point::max()), pending(n), outcomes(n) {}
  asio::steady_timer done;
  std::size_t pending;
  std::vector<ProbeOutcome> outcomes;
};
}  // namespace

asio::awaitable<Measurement> SloEvaluator::evaluate_http(const HttpSlo& slo, const EvaluationContext& context,
                                                         const ResolvedSecrets& secrets) {
  std::vector<int> expect = slo.expect_status.empty() ? std::vector<int>{200} : slo.expect_status;
  const std::string threshold = "HTTP " + expected_statuses(expect);
  HttpHeaders headers;
  std::string missing;
  if (!detail::resolve_headers(slo.headers, secrets, headers, missing)) {
    co_return detail::measurement(SloResult::Inconclusive, "", threshold, missing + " is not available");
  }
  std::vector<Target> targets;
  if (!slo.url.empty()) {
    targets.push_back({slo.url, slo.url});
  } else {
    const std::string scheme = slo.scheme.empty() ? "http" : slo.scheme;
    std::string path = slo.path.empty() ? "/" : slo.path;
    if (path.front() != '/') path.insert(path.begin(), '/');
    for (const auto& pod : context.pods) {
      const std::string host = pod.ip.find(':') != std::string::npos ? "[" + pod.ip + "]" : pod.ip;
      targets.push_back({"pod " + pod.name + " (" + pod.ip + ")",
                         scheme + "://" + host + ":" + std::to_string(slo.port) + path});
    }
    if (targets.empty()) {
      co_return detail::measurement(
          SloResult::Inconclusive, "0 pods", threshold,
          "no ready pods of revision " + std::to_string(context.revision) + " to probe");
    }
  }

  std::vector<ProbeOutcome> outcomes;
  const std::size_t batch = std::max<std::size_t>(options_.max_parallel_probes, 1);
  for (std::size_t begin = 0; begin < targets.size(); begin += batch) {
    const std::size_t end = std::min(targets.size(), begin + batch);
    auto join = std::make_shared<Join>(executor_, end - begin);
    for (std::size_t i = begin; i < end; ++i) {
      HttpRequest request;
      request.url = targets[i].url;
      request.headers = headers;
      request.timeout = slo.timeout;
      // Each probe owns its inputs: it may outlive this frame when the caller cancels.
      asio::co_spawn(
          executor_, probe(client_, clock_, std::move(request), expect, slo.attempts, options_.attempt_pause),
          [join, slot = i - begin](std::exception_ptr error, ProbeOutcome outcome) {
            join->outcomes[slot] = error ? ProbeOutcome{false, "probe failed"} : std::move(outcome);
            if (--join->pending == 0) join->done.cancel();
          });
    }
    if (join->pending > 0) {
      auto [ec] = co_await join->done.async_wait(asio::as_tuple(asio::use_awaitable));
      (void)ec;
    }
    if (join->pending > 0)
      co_return detail::measurement(SloResult::Inconclusive, "", threshold, "measurement canceled");
    for (auto& outcome : join->outcomes) outcomes.push_back(std::move(outcome));
  }

  std::size_t healthy = 0;
  std::string failures;
  std::size_t listed = 0;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (outcomes[i].ok) {
      ++healthy;
      continue;
    }
    if (listed++ < 3)
      failures += (failures.empty() ? "" : "; ") + targets[i].name + ": " + outcomes[i].detail;
  }
  if (listed > 3) failures += "; and " + std::to_string(listed - 3) + " more";
  Measurement m;
  if (!slo.url.empty()) {
    m = detail::measurement(healthy ? SloResult::Pass : SloResult::Fail, outcomes[0].detail, threshold,
                            healthy ? "" : "GET " + failures);
  } else {
    m = detail::measurement(healthy == targets.size() ? SloResult::Pass : SloResult::Fail,
                            std::to_string(healthy) + "/" + std::to_string(targets.size()) + " pods healthy",
                            "all pods " + threshold, failures);
  }
  m.numeric = static_cast<double>(healthy) / static_cast<double>(targets.size());
  co_return m;
}

}  // namespace rollguard::measure
