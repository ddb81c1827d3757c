#include "rollguard/status.hpp"

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <utility>

#include "rollguard/json_access.hpp"

namespace rollguard {

namespace {

namespace json = boost::json;
using lenient::array_at;
using lenient::int_at;
using lenient::object_at;
using lenient::string_at;
using lenient::time_at;

constexpr std::array<std::pair<Phase, std::string_view>, 9> kPhases = {{
    {Phase::Pending, "Pending"},
    {Phase::Healthy, "Healthy"},
    {Phase::Verifying, "Verifying"},
    {Phase::Degraded, "Degraded"},
    {Phase::RollingBack, "RollingBack"},
    {Phase::RolledBack, "RolledBack"},
    {Phase::Blocked, "Blocked"},
    {Phase::Paused, "Paused"},
    {Phase::Invalid, "Invalid"},
}};

// Writers omit what is empty, so a status shows what is known and nothing else.
void put(json::object& o, std::string_view key, const std::string& s) {
  if (!s.empty()) o[key] = s;
}
void put(json::object& o, std::string_view key, std::int64_t n) {
  if (n != 0) o[key] = n;
}
void put(json::object& o, std::string_view key, const std::optional<SystemTime>& t) {
  if (t) o[key] = kube::format_time(*t);
}
void put_time(json::object& o, std::string_view key, SystemTime t) {
  if (t != SystemTime{}) o[key] = kube::format_time(t);
}
SystemTime time_or_zero(const json::object& o, std::string_view key) {
  return time_at(o, key).value_or(SystemTime{});
}
int small_int(const json::object& o, std::string_view key) {
  return static_cast<int>(std::clamp<std::int64_t>(int_at(o, key), 0, 1000000));
}

std::optional<SloResult> parse_result(std::string_view text) {
  if (text == "Pass") return SloResult::Pass;
  if (text == "Fail") return SloResult::Fail;
  if (text == "Inconclusive") return SloResult::Inconclusive;
  return std::nullopt;
}

json::object slo_to_json(const SloStatus& s) {
  json::object o;
  o["name"] = s.name;
  o["result"] = to_string(s.result);
  put(o, "value", s.value);
  put(o, "threshold", s.threshold);
  put(o, "message", s.message);
  put_time(o, "lastEvaluationTime", s.last_evaluation_time);
  put_time(o, "lastTransitionTime", s.last_transition_time);
  return o;
}

std::optional<SloStatus> slo_from_json(const json::value& v) {
  auto* o = v.if_object();
  if (!o) return std::nullopt;
  SloStatus s;
  s.name = string_at(*o, "name");
  auto result = parse_result(string_at(*o, "result"));
  if (s.name.empty() || !result) return std::nullopt;
  s.result = *result;
  s.value = string_at(*o, "value");
  s.threshold = string_at(*o, "threshold");
  s.message = string_at(*o, "message");
  s.last_evaluation_time = time_or_zero(*o, "lastEvaluationTime");
  s.last_transition_time = time_or_zero(*o, "lastTransitionTime");
  return s;
}

json::array slos_to_json(const std::vector<SloStatus>& slos) {
  json::array a;
  for (auto& s : slos) a.push_back(slo_to_json(s));
  return a;
}

std::vector<SloStatus> slos_from_json(const json::array* a) {
  std::vector<SloStatus> out;
  if (!a) return out;
  for (auto& v : *a) {
    if (auto s = slo_from_json(v)) out.push_back(std::move(*s));
  }
  return out;
}

json::object rollback_to_json(const RollbackRecord& r) {
  json::object o;
  o["fromRevision"] = r.from_revision;
  o["toRevision"] = r.to_revision;
  put(o, "fromTemplateHash", r.from_template_hash);
  put(o, "toTemplateHash", r.to_template_hash);
  put(o, "reason", r.reason);
  put(o, "message", r.message);
  put(o, "requestId", r.request_id);
  if (!r.measurements.empty()) o["measurements"] = slos_to_json(r.measurements);
  put(o, "detectedAt", r.detected_at);
  put(o, "startedAt", r.started_at);
  put(o, "completedAt", r.completed_at);
  put(o, "recoveredAt", r.recovered_at);
  return o;
}

RollbackRecord rollback_from_json(const json::object& o) {
  RollbackRecord r;
  r.from_revision = int_at(o, "fromRevision");
  r.to_revision = int_at(o, "toRevision");
  r.from_template_hash = string_at(o, "fromTemplateHash");
  r.to_template_hash = string_at(o, "toTemplateHash");
  r.reason = string_at(o, "reason");
  r.message = string_at(o, "message");
  r.request_id = string_at(o, "requestId");
  r.measurements = slos_from_json(array_at(o, "measurements"));
  r.detected_at = time_at(o, "detectedAt");
  r.started_at = time_at(o, "startedAt");
  r.completed_at = time_at(o, "completedAt");
  r.recovered_at = time_at(o, "recoveredAt");
  return r;
}

json::object pending_to_json(const PendingRollback& p) {
  json::object o;
  o["fromRevision"] = p.from_revision;
  o["toRevision"] = p.to_revision;
  put(o, "fromTemplateHash", p.from_template_hash);
  o["targetTemplateHash"] = p.target_template_hash;
  put(o, "targetReplicaSet", p.target_replica_set);
  put(o, "resourceVersion", p.resource_version);
  put(o, "reason", p.reason);
  put(o, "requestId", p.request_id);
  put_time(o, "startedAt", p.started_at);
  put(o, "failedAttempts", p.failed_attempts);
  put(o, "lastError", p.last_error);
  if (p.last_error_permanent) o["lastErrorPermanent"] = true;
  if (p.failure_reported) o["failureReported"] = true;
  return o;
}

std::optional<PendingRollback> pending_from_json(const json::object& o) {
  PendingRollback p;
  p.from_revision = int_at(o, "fromRevision");
  p.to_revision = int_at(o, "toRevision");
  p.from_template_hash = string_at(o, "fromTemplateHash");
  p.target_template_hash = string_at(o, "targetTemplateHash");
  p.target_replica_set = string_at(o, "targetReplicaSet");
  p.resource_version = string_at(o, "resourceVersion");
  p.reason = string_at(o, "reason");
  p.request_id = string_at(o, "requestId");
  p.started_at = time_or_zero(o, "startedAt");
  p.failed_attempts = static_cast<int>(std::clamp<std::int64_t>(int_at(o, "failedAttempts"), 0, 1000000));
  p.last_error = string_at(o, "lastError");
  p.last_error_permanent = lenient::bool_at(o, "lastErrorPermanent");
  p.failure_reported = lenient::bool_at(o, "failureReported");
  // Without the target template an intent cannot be confirmed or resumed: it is not one.
  if (p.target_template_hash.empty()) return std::nullopt;
  return p;
}

json::object dry_run_to_json(const DryRunRecord& d) {
  json::object o;
  o["fromRevision"] = d.from_revision;
  o["toRevision"] = d.to_revision;
  put(o, "templateHash", d.template_hash);
  put(o, "message", d.message);
  put_time(o, "at", d.at);
  return o;
}

DryRunRecord dry_run_from_json(const json::object& o) {
  return {int_at(o, "fromRevision"), int_at(o, "toRevision"), string_at(o, "templateHash"),
          string_at(o, "message"), time_or_zero(o, "at")};
}

json::object hold_to_json(const Hold& h) {
  json::object o;
  o["templateHash"] = h.template_hash;
  put(o, "revision", h.revision);
  put(o, "rejectedRevision", h.rejected_revision);
  put_time(o, "since", h.since);
  put(o, "reason", h.reason);
  if (h.confirmed) o["confirmed"] = true;
  return o;
}

std::optional<Hold> hold_from_json(const json::object& o) {
  Hold h{string_at(o, "templateHash"), int_at(o, "revision"),  int_at(o, "rejectedRevision"),
         time_or_zero(o, "since"),     string_at(o, "reason"), lenient::bool_at(o, "confirmed")};
  if (h.template_hash.empty()) return std::nullopt;
  return h;
}

json::object history_to_json(const HistoryEntry& e) {
  json::object o;
  put_time(o, "time", e.time);
  o["type"] = e.type;
  put(o, "message", e.message);
  put(o, "fromRevision", e.from_revision);
  put(o, "toRevision", e.to_revision);
  return o;
}

template <class T>
void push_bounded(std::vector<T>& list, T item, std::size_t bound) {
  list.push_back(std::move(item));
  if (list.size() > bound) list.erase(list.begin(), list.end() - static_cast<std::ptrdiff_t>(bound));
}

json::array strings_to_json(const std::vector<std::string>& strings) {
  json::array a;
  for (auto& text : strings) a.push_back(json::value(text));
  return a;
}

// Non-empty strings, the newest (last) `bound` of them.
std::vector<std::string> strings_from_json(const json::array* a, std::size_t bound) {
  std::vector<std::string> out;
  if (!a) return out;
  for (auto& v : *a) {
    if (v.is_string() && !v.get_string().empty()) push_bounded(out, std::string(v.get_string()), bound);
  }
  return out;
}

json::object outbox_to_json(const OutboxEntry& e) {
  json::object o;
  o["key"] = e.key;
  o["event"] = e.event;
  put_time(o, "time", e.time);
  put(o, "severity", e.severity);
  put(o, "deployment", e.deployment);
  put(o, "revision", e.revision);
  put(o, "fromRevision", e.from_revision);
  put(o, "toRevision", e.to_revision);
  put(o, "reason", e.reason);
  put(o, "summary", e.summary);
  put(o, "message", e.message);
  if (!e.slos.empty()) o["slos"] = slos_to_json(e.slos);
  put(o, "detectedAt", e.detected_at);
  put(o, "startedAt", e.started_at);
  put(o, "completedAt", e.completed_at);
  put(o, "incidentSince", e.incident_since);
  put(o, "incidentSeverity", e.incident_severity);
  o["receivers"] = strings_to_json(e.receivers);
  return o;
}

std::optional<OutboxEntry> outbox_from_json(const json::object& o) {
  OutboxEntry e;
  e.key = string_at(o, "key");
  e.event = string_at(o, "event");
  e.time = time_or_zero(o, "time");
  e.severity = string_at(o, "severity");
  e.deployment = string_at(o, "deployment");
  e.revision = int_at(o, "revision");
  e.from_revision = int_at(o, "fromRevision");
  e.to_revision = int_at(o, "toRevision");
  e.reason = string_at(o, "reason");
  e.summary = string_at(o, "summary");
  e.message = string_at(o, "message");
  e.slos = slos_from_json(array_at(o, "slos"));
  e.detected_at = time_at(o, "detectedAt");
  e.started_at = time_at(o, "startedAt");
  e.completed_at = time_at(o, "completedAt");
  e.incident_since = time_at(o, "incidentSince");
  e.incident_severity = string_at(o, "incidentSeverity");
  e.receivers = strings_from_json(array_at(o, "receivers"), kMaxOutbox);
  // Without a key it cannot be deduplicated, without receivers there is nobody to send it to.
  if (e.key.empty() || e.event.empty() || e.receivers.empty()) return std::nullopt;
  return e;
}

json::object notifications_to_json(const NotificationStatus& n) {
  json::object o;
  if (!n.outbox.empty()) {
    json::array a;
    for (auto& e : n.outbox) a.push_back(outbox_to_json(e));
    o["outbox"] = std::move(a);
  }
  if (!n.delivered.empty()) o["delivered"] = strings_to_json(n.delivered);
  if (n.incident) {
    json::object i;
    put_time(i, "since", n.incident->since);
    put(i, "deployment", n.incident->deployment);
    put(i, "severity", n.incident->severity);
    put(i, "event", n.incident->event);
    put(i, "text", n.incident->text);
    put(i, "message", n.incident->message);
    o["incident"] = std::move(i);
  }
  return o;
}

template <class T, class Parse>
std::vector<T> list_from_json(const json::array* a, std::size_t bound, Parse parse) {
  std::vector<T> out;
  if (!a) return out;
  for (auto& v : *a) {
    if (auto* o = v.if_object()) {
      if (auto item = parse(*o)) out.push_back(std::move(*item));
    }
  }
  // Keep the newest (last) entries if somebody wrote more than the bound.
  if (out.size() > bound) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(bound));
  return out;
}

}  // namespace

const char* to_string(Phase phase) {
  for (auto& [p, name] : kPhases) {
    if (p == phase) return name.data();
  }
  return "Pending";
}

std::optional<Phase> parse_phase(std::string_view text) {
  for (auto& [p, name] : kPhases) {
    if (name == text) return p;
  }
  return std::nullopt;
}

json::object PolicyStatus::to_json() const {
  json::object o;
  o["observedGeneration"] = observed_generation;
  o["phase"] = rollguard::to_string(phase);
  put(o, "message", message);
  put(o, "currentRevision", current_revision);
  put(o, "currentTemplateHash", current_template_hash);
  put(o, "currentPodTemplateHash", current_pod_template_hash);
  put(o, "lastKnownGoodRevision", last_known_good_revision);
  put(o, "lastKnownGoodTemplateHash", last_known_good_template_hash);
  put(o, "lastKnownGoodPodTemplateHash", last_known_good_pod_template_hash);
  put(o, "verifyingSince", verifying_since);
  put(o, "healthySince", healthy_since);
  put(o, "failingSince", failing_since);
  o["consecutiveFailures"] = consecutive_failures;
  o["consecutiveInconclusive"] = consecutive_inconclusive;
  put(o, "failingSLO", failing_slo);
  if (!slos.empty()) o["slos"] = slos_to_json(slos);
  if (last_rollback) o["lastRollback"] = rollback_to_json(*last_rollback);
  if (pending_rollback) o["pendingRollback"] = pending_to_json(*pending_rollback);
  if (last_dry_run) o["lastDryRun"] = dry_run_to_json(*last_dry_run);
  if (hold) o["hold"] = hold_to_json(*hold);
  if (resume_pending) o["resumePending"] = true;
  if (!rejected_templates.empty()) {
    json::array a;
    for (auto& r : rejected_templates) {
      json::object e;
      e["templateHash"] = r.template_hash;
      put(e, "revision", r.revision);
      put_time(e, "rejectedAt", r.rejected_at);
      put(e, "reason", r.reason);
      a.push_back(std::move(e));
    }
    o["rejectedTemplates"] = std::move(a);
  }
  if (!handled_requests.empty()) o["handledRequests"] = strings_to_json(handled_requests);
  if (!history.empty()) {
    json::array a;
    for (auto& e : history) a.push_back(history_to_json(e));
    o["history"] = std::move(a);
  }
  if (!conditions.empty()) o["conditions"] = kube::to_json(conditions);
  if (!notifications.empty()) o["notifications"] = notifications_to_json(notifications);
  return o;
}

PolicyStatus PolicyStatus::from_json(const json::value* status) {
  PolicyStatus s;
  auto* o = status ? status->if_object() : nullptr;
  if (!o) return s;
  s.observed_generation = int_at(*o, "observedGeneration");
  s.phase = parse_phase(string_at(*o, "phase")).value_or(Phase::Pending);
  s.message = string_at(*o, "message");
  s.current_revision = int_at(*o, "currentRevision");
  s.current_template_hash = string_at(*o, "currentTemplateHash");
  s.current_pod_template_hash = string_at(*o, "currentPodTemplateHash");
  s.last_known_good_revision = int_at(*o, "lastKnownGoodRevision");
  s.last_known_good_template_hash = string_at(*o, "lastKnownGoodTemplateHash");
  s.last_known_good_pod_template_hash = string_at(*o, "lastKnownGoodPodTemplateHash");
  s.verifying_since = time_at(*o, "verifyingSince");
  s.healthy_since = time_at(*o, "healthySince");
  s.failing_since = time_at(*o, "failingSince");
  s.consecutive_failures = small_int(*o, "consecutiveFailures");
  s.consecutive_inconclusive = small_int(*o, "consecutiveInconclusive");
  s.failing_slo = string_at(*o, "failingSLO");
  s.slos = slos_from_json(array_at(*o, "slos"));
  if (auto* r = object_at(*o, "lastRollback")) s.last_rollback = rollback_from_json(*r);
  if (auto* p = object_at(*o, "pendingRollback")) s.pending_rollback = pending_from_json(*p);
  if (auto* d = object_at(*o, "lastDryRun")) s.last_dry_run = dry_run_from_json(*d);
  if (auto* h = object_at(*o, "hold")) s.hold = hold_from_json(*h);
  s.resume_pending = lenient::bool_at(*o, "resumePending");
  s.rejected_templates = list_from_json<RejectedTemplate>(
      array_at(*o, "rejectedTemplates"), kMaxRejectedTemplates,
      [](const json::object& e) -> std::optional<RejectedTemplate> {
        RejectedTemplate r{string_at(e, "templateHash"), int_at(e, "revision"), time_or_zero(e, "rejectedAt"),
                           string_at(e, "reason")};
        if (r.template_hash.empty()) return std::nullopt;
        return r;
      });
  s.handled_requests = strings_from_json(array_at(*o, "handledRequests"), kMaxHandledRequests);
  s.history = list_from_json<HistoryEntry>(
      array_at(*o, "history"), kMaxHistory, [](const json::object& e) -> std::optional<HistoryEntry> {
        HistoryEntry h{time_or_zero(e, "time"), string_at(e, "type"), string_at(e, "message"),
                       int_at(e, "fromRevision"), int_at(e, "toRevision")};
        if (h.type.empty()) return std::nullopt;
        return h;
      });
  s.conditions = kube::parse_conditions(o->if_contains("conditions"));
  if (auto* n = object_at(*o, "notifications")) {
    s.notifications.outbox =
        list_from_json<OutboxEntry>(array_at(*n, "outbox"), kMaxOutbox, outbox_from_json);
    s.notifications.delivered = strings_from_json(array_at(*n, "delivered"), kMaxDelivered);
    if (auto* i = object_at(*n, "incident")) {
      Incident incident{time_or_zero(*i, "since"), string_at(*i, "deployment"), string_at(*i, "severity"),
                        string_at(*i, "event"),    string_at(*i, "text"),       string_at(*i, "message")};
      if (incident.since != SystemTime{}) s.notifications.incident = std::move(incident);
    }
  }
  return s;
}

bool same_but_timestamps(const PolicyStatus& a, const PolicyStatus& b) {
  auto strip = [](PolicyStatus s) {
    for (auto& slo : s.slos) {
      slo.value.clear();
      slo.message.clear();
      slo.last_evaluation_time = {};
    }
    return s;
  };
  return strip(a) == strip(b);
}

void add_history(PolicyStatus& status, HistoryEntry entry) {
  push_bounded(status.history, std::move(entry), kMaxHistory);
}

void add_rejected(PolicyStatus& status, RejectedTemplate rejected) {
  std::erase_if(status.rejected_templates,
                [&](auto& r) { return r.template_hash == rejected.template_hash; });
  push_bounded(status.rejected_templates, std::move(rejected), kMaxRejectedTemplates);
}

const RejectedTemplate* find_rejected(const PolicyStatus& status, std::string_view template_hash) {
  for (auto& r : status.rejected_templates) {
    if (r.template_hash == template_hash) return &r;
  }
  return nullptr;
}

bool request_handled(const PolicyStatus& status, std::string_view request_id) {
  return std::find(status.handled_requests.begin(), status.handled_requests.end(), request_id) !=
         status.handled_requests.end();
}

void mark_request_handled(PolicyStatus& status, std::string request_id) {
  if (request_handled(status, request_id)) return;
  push_bounded(status.handled_requests, std::move(request_id), kMaxHandledRequests);
}

}  // namespace rollguard
