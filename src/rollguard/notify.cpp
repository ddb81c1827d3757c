#include "rollguard/notify.hpp"

#include <algorithm>

namespace rollguard::notify {

namespace json = boost::json;

namespace {

std::string revision_text(std::int64_t revision) { return revision > 0 ? std::to_string(revision) : "?"; }

template <class T>
void keep_newest(std::vector<T>& list, std::size_t bound) {
  if (list.size() > bound) list.erase(list.begin(), list.end() - static_cast<std::ptrdiff_t>(bound));
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

void put_time(json::object& o, std::string_view key, const std::optional<SystemTime>& t) {
  if (t) o[key] = kube::format_time(*t);
}

}  // namespace

std::string idempotency_key(std::string_view policy_uid, std::string_view event, std::int64_t revision,
                            SystemTime time) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
  return std::string(policy_uid) + "/" + std::string(event) + "/" + std::to_string(revision) + "/" +
         std::to_string(seconds);
}

std::vector<std::string> receivers_for(const Policy& policy, std::string_view event) {
  std::vector<std::string> out;
  const auto parsed = parse_notification_event(event);
  for (auto& receiver : policy.notification_receivers) {
    const bool resolves =
        receiver.kind == ReceiverKind::Alertmanager && parsed == NotificationEvent::Recovered;
    if (resolves || (parsed && receiver.wants(*parsed))) out.push_back(receiver.name);
  }
  return out;
}

bool add_to_outbox(NotificationStatus& status, OutboxEntry entry) {
  if (contains(status.delivered, entry.key)) return false;
  for (auto& queued : status.outbox) {
    if (queued.key == entry.key) return false;
  }
  status.outbox.push_back(std::move(entry));
  keep_newest(status.outbox, kMaxOutbox);
  return true;
}

bool confirm(NotificationStatus& status, std::string_view key, std::string_view receiver) {
  auto entry =
      std::find_if(status.outbox.begin(), status.outbox.end(), [&](auto& e) { return e.key == key; });
  if (entry == status.outbox.end()) return false;
  const auto before = entry->receivers.size();
  std::erase(entry->receivers, receiver);
  if (entry->receivers.size() == before) return false;
  if (entry->receivers.empty()) {
    status.delivered.push_back(entry->key);
    keep_newest(status.delivered, kMaxDelivered);
    status.outbox.erase(entry);
  }
  return true;
}

void prune_receivers(NotificationStatus& status, const Policy& policy) {
  for (auto& entry : status.outbox) {
    std::erase_if(entry.receivers, [&](auto& name) {
      return std::none_of(policy.notification_receivers.begin(), policy.notification_receivers.end(),
                          [&](auto& r) { return r.name == name; });
    });
  }
  std::erase_if(status.outbox, [](auto& e) { return e.receivers.empty(); });
}

std::string text_of(const OutboxEntry& e, std::string_view ns) {
  const std::string head = "rollguard: " + e.deployment;
  const std::string where = " in " + std::string(ns);
  const std::string why = e.summary.empty() ? "" : ": " + e.summary;
  const std::string arrow = revision_text(e.from_revision) + " → " + revision_text(e.to_revision);
  std::string line;
  if (e.event == "SLOBreached") {
    line = head + " revision " + revision_text(e.revision) + where + " breached its SLOs" + why;
  } else if (e.event == "RollbackStarted") {
    line = "rollguard: rolling back " + e.deployment + " " + arrow + where + why;
  } else if (e.event == "RolledBack") {
    line = head + " rolled back " + arrow + where + why;
  } else if (e.event == "RollbackFailed") {
    line = head + where + " was not rolled back" + why;
  } else if (e.event == "Blocked") {
    line = head + " revision " + revision_text(e.revision) + where + " is held (paused)" + why;
  } else if (e.event == "Recovered") {
    line = head + where + " is healthy again on revision " + revision_text(e.revision);
  } else {
    line = head + where + ": " + e.event + why;
  }
  return line;
}

json::object webhook_payload(const OutboxEntry& e, std::string_view policy, std::string_view ns) {
  json::object o;
  o["text"] = text_of(e, ns);
  o["severity"] = e.severity;
  o["event"] = e.event;
  o["policy"] = policy;
  o["namespace"] = ns;
  o["deployment"] = e.deployment;
  o["revision"] = e.revision;
  o["fromRevision"] = e.from_revision;
  o["toRevision"] = e.to_revision;
  o["reason"] = e.reason;
  o["summary"] = e.summary;
  o["message"] = e.message;
  json::array slos;
  for (auto& slo : e.slos) {
    json::object s;
    s["name"] = slo.name;
    s["result"] = to_string(slo.result);
    s["value"] = slo.value;
    s["threshold"] = slo.threshold;
    s["message"] = slo.message;
    slos.push_back(std::move(s));
  }
  o["slos"] = std::move(slos);
  o["time"] = kube::format_time(e.time);
  put_time(o, "detectedAt", e.detected_at);
  put_time(o, "startedAt", e.started_at);
  put_time(o, "completedAt", e.completed_at);
  put_time(o, "incidentSince", e.incident_since);
  o["idempotencyKey"] = e.key;
  return o;
}

Alert alert_of(const Incident& incident, std::string_view policy, std::string_view ns) {
  return Alert{std::string(policy), std::string(ns),  incident.deployment, incident.severity,
               incident.text,       incident.message, incident.since};
}

Alert alert_of(const OutboxEntry& entry, std::string_view policy, std::string_view ns) {
  return Alert{std::string(policy),
               std::string(ns),
               entry.deployment,
               entry.incident_severity.empty() ? entry.severity : entry.incident_severity,
               text_of(entry, ns),
               entry.message,
               entry.incident_since.value_or(entry.time)};
}

json::array alertmanager_body(const Alert& alert, SystemTime now, bool resolved, Duration repeat) {
  json::object labels;
  labels["alertname"] = "RollguardRollback";
  labels["policy"] = alert.policy;
  labels["namespace"] = alert.ns;
  labels["deployment"] = alert.deployment;
  labels["severity"] = alert.severity.empty() ? "warning" : alert.severity;
  json::object annotations;
  annotations["summary"] = alert.summary;
  annotations["description"] = alert.description;
  json::object a;
  a["labels"] = std::move(labels);
  a["annotations"] = std::move(annotations);
  a["startsAt"] = kube::format_time(alert.starts_at);
  a["endsAt"] = kube::format_time(resolved ? now : now + repeat * kAlertLifetimeRepeats);
  a["generatorURL"] = "rollguard://" + alert.ns + "/" + alert.policy;
  json::array body;
  body.push_back(std::move(a));
  return body;
}

std::string alertmanager_endpoint(std::string_view base) {
  while (base.ends_with('/')) base.remove_suffix(1);
  return std::string(base) + "/api/v2/alerts";
}

std::chrono::milliseconds retry_delay(int failed_attempts) {
  constexpr std::chrono::milliseconds kFirst{1000};
  constexpr std::chrono::milliseconds kMax{60000};
  auto delay = kFirst;
  for (int i = 1; i < failed_attempts && delay < kMax; ++i) delay *= 2;
  return std::min(delay, kMax);
}

bool retryable_status(int http_status) {
  return http_status == 408 || http_status == 429 || http_status >= 500;
}

}  // namespace rollguard::notify
