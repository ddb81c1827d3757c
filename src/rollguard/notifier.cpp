#include "rollguard/notifier.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/json/serialize.hpp>
#include <deque>
#include <map>
#include <set>

#include "rollguard/measure/http_client.hpp"
#include "rollguard/notify.hpp"
#include "rollguard/secrets.hpp"
#include "runtime/notifier.hpp"

namespace rollguard {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// One delivery of one outbox entry to one receiver (or a re-post of an open incident's alert).
struct Job {
  std::string policy_key;  // ns/name
  std::string ns;
  std::string policy;
  NotificationReceiver receiver;
  std::string key;    // idempotency key ("" for a re-post)
  std::string event;  // for the metric and the log
  std::string body;
  int attempts = 0;
  bool repost = false;
  std::string id() const { return policy_key + "|" + key + "|" + receiver.name; }
  std::string lane() const { return policy_key + "|" + receiver.name; }
};

struct Outcome {
  bool delivered = false;
  bool retry = false;
  std::string error;  // never the URL
};

// An open incident, re-posted to the policy's Alertmanagers.
struct OpenIncident {
  std::string ns;
  std::string policy;
  Incident incident;
  std::vector<NotificationReceiver> alertmanagers;
};

}  // namespace

struct Notifier::State {
  asio::any_io_executor executor;
  std::shared_ptr<kube::Client> client;
  std::shared_ptr<kube::Clock> clock;
  NotifierOptions options;
  std::shared_ptr<measure::HttpClient> http;
  prometheus::Family<prometheus::Counter>* counters = nullptr;
  std::function<void(const std::string&, const std::string&)> confirmed_callback;

  std::deque<Job> queue;
  runtime::Notifier wake;
  runtime::Latch stopped;
  std::set<std::string> active;  // Job::id of everything queued, in flight or waiting to retry
  std::set<std::string> busy;    // Job::lane of the attempts in flight
  std::map<std::string, std::set<std::pair<std::string, std::string>>>
      confirmed;  // policy -> (key, receiver)
  std::map<std::string, OpenIncident> incidents;
  bool started = false;

  void count(const std::string& receiver, const std::string& event, const char* result) {
    counters->Add({{"receiver", receiver}, {"event", event}, {"result", result}}).Increment();
  }

  bool push(Job job) {
    if (queue.size() >= options.max_queue) return false;
    active.insert(job.id());
    queue.push_back(std::move(job));
    wake.notify_one();
    return true;
  }
};

namespace {

using State = Notifier::State;

asio::awaitable<std::optional<std::string>> resolve_url(std::shared_ptr<State> state, const Job& job,
                                                        std::string& error) {
  if (!job.receiver.url_secret_ref) co_return job.receiver.url;
  const auto& ref = *job.receiver.url_secret_ref;
  std::set<std::pair<std::string, std::string>> refs{{ref.name, ref.key}};
  auto secrets = co_await resolve_secrets(state->client, job.ns, refs);
  const auto id = secret_key(ref);
  if (auto it = secrets.values.find(id); it != secrets.values.end()) co_return it->second;
  auto it = secrets.errors.find(id);
  error = it != secrets.errors.end() ? it->second : "secret \"" + ref.name + "\" not readable";
  co_return std::nullopt;
}

asio::awaitable<Outcome> attempt(std::shared_ptr<State> state, const Job& job) {
  Outcome out;
  auto url = co_await resolve_url(state, job, out.error);
  if (!url) {
    out.retry = true;  // the Secret may be created or fixed meanwhile
    co_return out;
  }
  measure::HttpRequest request;
  request.method = "POST";
  request.url = job.receiver.kind == ReceiverKind::Alertmanager ? notify::alertmanager_endpoint(*url) : *url;
  request.headers.emplace_back("Content-Type", "application/json");
  if (!job.key.empty()) request.headers.emplace_back("Idempotency-Key", job.key);
  request.body = job.body;
  request.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(job.receiver.timeout);
  auto http = state->http;
  auto answer = co_await http->send(request);
  if (!answer) {
    out.error = answer.error().message;
    out.retry = answer.error().kind != measure::HttpErrorKind::InvalidRequest &&
                answer.error().kind != measure::HttpErrorKind::Canceled;
    co_return out;
  }
  const int status = answer->status;
  if (status >= 200 && status < 300) {
    out.delivered = true;
    co_return out;
  }
  out.error = "answered HTTP " + std::to_string(status);
  out.retry = notify::retryable_status(status);
  co_return out;
}

void finish(const std::shared_ptr<State>& state, const Job& job) {
  state->active.erase(job.id());
  if (job.repost) return;
  state->confirmed[job.policy_key].emplace(job.key, job.receiver.name);
  if (state->confirmed_callback) state->confirmed_callback(job.ns, job.policy);
}

asio::awaitable<void> retry_later(std::shared_ptr<State> state, Job job, std::chrono::milliseconds delay) {
  using namespace asio::experimental::awaitable_operators;
  auto clock = state->clock;
  const auto slept = co_await (clock->sleep_for(delay) || state->stopped.wait());
  state->active.erase(job.id());
  if (slept.index() != 0 || state->stopped.is_open()) co_return;
  // The queue may be full now: then the entry waits for the next sync (it is still in the outbox).
  state->push(std::move(job));
}

asio::awaitable<void> deliver(std::shared_ptr<State> state, const Job& queued) {
  using namespace asio::experimental::awaitable_operators;
  Job job = queued;
  ++job.attempts;
  if (job.receiver.kind == ReceiverKind::Alertmanager && job.event != "Recovered" &&
      !state->incidents.contains(job.policy_key)) {
    // The incident closed meanwhile: a late firing post would bring the resolved alert back.
    state->count(job.receiver.name, job.event, "superseded");
    finish(state, job);
    co_return;
  }
  auto attempted = co_await (attempt(state, job) || state->stopped.wait());
  if (attempted.index() != 0) co_return;  // stopping: the entry stays in the outbox
  const auto outcome = std::get<0>(attempted);
  const auto where = "policy " + job.policy_key + ": notification " + job.event + " to receiver " +
                     job.receiver.name + " (" + to_string(job.receiver.kind) + ")";
  if (outcome.delivered) {
    state->count(job.receiver.name, job.event, "delivered");
    if (job.attempts > 1) spdlog::info("{} delivered at attempt {}", where, job.attempts);
    finish(state, job);
    co_return;
  }
  if (job.repost) {
    // Re-posts are not retried: the next one comes within alert_repeat, well before the alert ends.
    state->count(job.receiver.name, job.event, "failed");
    if (job.attempts == 1) spdlog::warn("{}: re-post failed: {}", where, outcome.error);
    finish(state, job);
    co_return;
  }
  if (outcome.retry && job.attempts < notify::kMaxAttempts) {
    state->count(job.receiver.name, job.event, "retried");
    const auto delay = notify::retry_delay(job.attempts);
    // Logged once per delivery; the attempts after it only count.
    if (job.attempts == 1)
      spdlog::warn("{} failed: {}; retrying with backoff (at most {} attempts)", where, outcome.error,
                   notify::kMaxAttempts);
    auto retry = retry_later(state, std::move(job), delay);
    asio::co_spawn(state->executor, std::move(retry), asio::detached);
    co_return;
  }
  state->count(job.receiver.name, job.event, "failed");
  spdlog::error("{} given up after {} attempts: {}", where, job.attempts, outcome.error);
  finish(state, job);  // given up: confirmed so that it leaves the outbox
}

// One attempt at a time per receiver of a policy: a receiver that hangs holds one worker (for its
// timeout), never all of them, so the others' deliveries go on.
asio::awaitable<void> worker(std::shared_ptr<State> state) {
  while (!state->stopped.is_open()) {
    auto next = std::find_if(state->queue.begin(), state->queue.end(),
                             [&](const Job& j) { return !state->busy.contains(j.lane()); });
    if (next == state->queue.end()) {
      using namespace asio::experimental::awaitable_operators;
      co_await (state->wake.wait() || state->stopped.wait());
      continue;
    }
    const Job job = std::move(*next);
    state->queue.erase(next);
    state->busy.insert(job.lane());
    co_await deliver(state, job);
    state->busy.erase(job.lane());
    state->wake.notify_all();  // a job of this receiver may be waiting
  }
}

asio::awaitable<void> repost_alerts(std::shared_ptr<State> state) {
  using namespace asio::experimental::awaitable_operators;
  auto clock = state->clock;
  while (!state->stopped.is_open()) {
    const auto delay = state->options.alert_repeat;
    const auto slept = co_await (clock->sleep_for(delay) || state->stopped.wait());
    if (slept.index() != 0 || state->stopped.is_open()) co_return;
    const auto now = clock->system_now();
    for (auto& [policy_key, open] : state->incidents) {
      const auto alert = notify::alert_of(open.incident, open.policy, open.ns);
      const auto repeat = std::chrono::duration_cast<Duration>(state->options.alert_repeat);
      const auto body = json::serialize(notify::alertmanager_body(alert, now, false, repeat));
      for (auto& receiver : open.alertmanagers) {
        Job job{policy_key, open.ns, open.policy, receiver, "", open.incident.event, body, 0, true};
        if (!state->active.contains(job.id())) state->push(std::move(job));
      }
    }
  }
}

}  // namespace

Notifier::Notifier(asio::any_io_executor executor, std::shared_ptr<kube::Client> client,
                   std::shared_ptr<kube::Clock> clock, prometheus::Registry& registry,
                   NotifierOptions options)
    : state_(std::make_shared<State>()) {
  state_->executor = executor;
  state_->client = std::move(client);
  state_->clock = std::move(clock);
  state_->options = options;
  measure::HttpClientOptions http_options;
  http_options.max_body_bytes = 64 * 1024;  // receivers answer little; nothing of it is kept
  state_->http = std::make_shared<measure::HttpClient>(executor, http_options);
  state_->counters = &prometheus::BuildCounter()
                          .Name("rollguard_notifications_total")
                          .Help(
                              "Notification deliveries by receiver, event and result (delivered, "
                              "retried, failed, deferred)")
                          .Register(registry);
}

Notifier::~Notifier() { stop(); }

void Notifier::start() {
  if (state_->started) return;
  state_->started = true;
  for (int i = 0; i < std::max(1, state_->options.workers); ++i)
    asio::co_spawn(state_->executor, worker(state_), asio::detached);
  asio::co_spawn(state_->executor, repost_alerts(state_), asio::detached);
}

void Notifier::stop() { state_->stopped.open(); }

void Notifier::sync(const Policy& policy, const NotificationStatus& status) {
  auto& state = *state_;
  const std::string policy_key = policy.ns + "/" + policy.name;
  // Confirmations the status reflects (the entry, or the receiver in it, is gone) are done.
  auto& confirmed = state.confirmed[policy_key];
  std::erase_if(confirmed, [&](const auto& done) {
    for (auto& entry : status.outbox) {
      if (entry.key == done.first &&
          std::find(entry.receivers.begin(), entry.receivers.end(), done.second) != entry.receivers.end())
        return false;
    }
    return true;
  });
  for (auto& entry : status.outbox) {
    for (auto& name : entry.receivers) {
      if (confirmed.contains({entry.key, name})) continue;
      auto receiver = std::find_if(policy.notification_receivers.begin(), policy.notification_receivers.end(),
                                   [&](auto& r) { return r.name == name; });
      if (receiver == policy.notification_receivers.end()) continue;
      Job job{policy_key, policy.ns, policy.name, *receiver, entry.key, entry.event, "", 0, false};
      if (state.active.contains(job.id())) continue;
      if (receiver->kind == ReceiverKind::Alertmanager) {
        const auto alert = notify::alert_of(entry, policy.name, policy.ns);
        const bool resolved = entry.event == "Recovered";
        const auto repeat = std::chrono::duration_cast<Duration>(state.options.alert_repeat);
        job.body =
            json::serialize(notify::alertmanager_body(alert, state.clock->system_now(), resolved, repeat));
      } else {
        job.body = json::serialize(notify::webhook_payload(entry, policy.name, policy.ns));
      }
      if (!state.push(std::move(job))) {
        state.count(name, entry.event, "deferred");
        spdlog::debug("policy {}: notification queue full; {} to {} waits for the next round", policy_key,
                      entry.event, name);
      }
    }
  }
  std::vector<NotificationReceiver> alertmanagers;
  for (auto& r : policy.notification_receivers) {
    if (r.kind == ReceiverKind::Alertmanager) alertmanagers.push_back(r);
  }
  if (status.incident && !alertmanagers.empty()) {
    state.incidents[policy_key] =
        OpenIncident{policy.ns, policy.name, *status.incident, std::move(alertmanagers)};
  } else {
    state.incidents.erase(policy_key);
  }
}

bool Notifier::apply_confirmations(const std::string& policy_key, NotificationStatus& status) const {
  auto it = state_->confirmed.find(policy_key);
  if (it == state_->confirmed.end()) return false;
  bool changed = false;
  for (auto& [key, receiver] : it->second) changed = notify::confirm(status, key, receiver) || changed;
  return changed;
}

void Notifier::forget(const std::string& policy_key) {
  state_->confirmed.erase(policy_key);
  state_->incidents.erase(policy_key);
}

void Notifier::on_confirmed(std::function<void(const std::string&, const std::string&)> callback) {
  state_->confirmed_callback = std::move(callback);
}

}  // namespace rollguard
