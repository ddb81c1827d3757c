#include "rollguard/policy.hpp"

#include <algorithm>

#include "kube/object_meta.hpp"
#include "rollguard/spec_reader.hpp"

namespace rollguard {

namespace {

constexpr int kMaxThreshold = 100;

void check_deployment_ref(const spec::Reader& target) {
  if (auto kind = target.string("kind"); kind && *kind != "Deployment") {
    target.error("kind", "must be Deployment, got \"" + *kind + "\"");
  }
  if (auto api = target.string("apiVersion"); api && *api != "apps/v1") {
    target.error("apiVersion", "must be apps/v1, got \"" + *api + "\"");
  }
}

constexpr std::size_t kMaxTargets = 50;

void parse_target(const spec::Reader& spec, Policy& policy) {
  const int given =
      int(spec.has("targetRef")) + int(spec.has("targetRefs")) + int(spec.has("targetSelector"));
  if (given == 0) {
    spec.error("targetRef", "required (or targetRefs, or targetSelector for a grouped policy)");
    return;
  }
  if (given > 1) {
    spec.error(spec.has("targetRef") ? "targetRef" : "targetRefs",
               "only one of targetRef, targetRefs and targetSelector may be set");
    return;
  }
  if (spec.has("targetRef")) {
    auto target = spec.child("targetRef");
    check_deployment_ref(target);
    policy.target_name = target.required_string("name");
    return;
  }
  if (spec.has("targetSelector")) {
    auto selector = spec.child("targetSelector");
    if (!spec.object("targetSelector")) return;  // mistyped: recorded by object()
    auto parsed = parse_label_selector(selector);
    // An empty selector would take every Deployment of the namespace: never by accident.
    if (parsed.empty()) {
      spec.error("targetSelector",
                 "must have matchLabels or matchExpressions (an empty selector is refused)");
      return;
    }
    policy.target_selector = std::move(parsed);
    return;
  }
  auto* refs = spec.array("targetRefs");
  if (!refs) return;
  if (refs->empty()) spec.error("targetRefs", "must name at least one Deployment");
  if (refs->size() > kMaxTargets)
    spec.error("targetRefs", "at most " + std::to_string(kMaxTargets) + " targets");
  for (std::size_t i = 0; i < refs->size() && i < kMaxTargets; ++i) {
    const auto path = spec.path("targetRefs") + "[" + std::to_string(i) + "]";
    auto* item = (*refs)[i].if_object();
    if (!item) {
      spec.errors().push_back({path, "must be an object"});
      continue;
    }
    spec::Reader target(item, path, spec.errors());
    check_deployment_ref(target);
    auto name = target.required_string("name");
    if (name.empty()) continue;
    auto seen = std::find(policy.target_names.begin(), policy.target_names.end(), name);
    if (seen != policy.target_names.end()) {
      target.error("name", "duplicate target \"" + name + "\" (also spec.targetRefs[" +
                               std::to_string(seen - policy.target_names.begin()) + "])");
      continue;
    }
    policy.target_names.push_back(std::move(name));
  }
}

void parse_rollback(const spec::Reader& spec, Policy& policy) {
  auto rollback = spec.child("rollback");
  if (auto mode = rollback.string("mode")) {
    if (*mode == "Automatic") {
      policy.rollback.mode = RollbackMode::Automatic;
    } else if (*mode == "DryRun") {
      policy.rollback.mode = RollbackMode::DryRun;
    } else {
      rollback.error("mode", "must be Automatic or DryRun, got \"" + *mode + "\"");
    }
  }
  if (auto to = rollback.string("to")) {
    if (*to == "LastKnownGood") {
      policy.rollback.to = RollbackTarget::LastKnownGood;
    } else if (*to == "PreviousRevision") {
      policy.rollback.to = RollbackTarget::PreviousRevision;
    } else {
      rollback.error("to", "must be LastKnownGood or PreviousRevision, got \"" + *to + "\"");
    }
  }
  if (auto cooldown = rollback.duration("cooldown")) policy.rollback.cooldown = *cooldown;
  if (auto together = rollback.boolean("together")) policy.rollback.together = *together;
}

void parse_manual_rollback(const spec::Reader& spec, Policy& policy) {
  if (!spec.has("manualRollback")) return;
  auto manual = spec.child("manualRollback");
  ManualRollback out;
  if (!manual.has("toRevision")) manual.error("toRevision", "required");
  out.to_revision = manual.integer_in("toRevision", 1, INT64_MAX, 0);
  out.request_id = manual.required_string("requestId");
  // A grouped policy has several Deployments: the request names the one it is for.
  if (auto target = manual.string("target")) {
    out.target = *target;
    if (!policy.grouped() && *target != policy.target_name)
      manual.error("target", "must be the policy's targetRef \"" + policy.target_name + "\" or absent");
  } else if (policy.grouped()) {
    manual.error("target",
                 "required on a grouped policy (targetRefs/targetSelector): the Deployment to roll back");
  }
  if (out.to_revision > 0 && !out.request_id.empty()) policy.manual_rollback = out;
}

constexpr std::size_t kMaxReceivers = 8;

std::vector<NotificationEvent> parse_events(const spec::Reader& receiver) {
  auto* events = receiver.array("events");
  if (!events) return {kNotificationEvents.begin(), kNotificationEvents.end()};
  std::vector<NotificationEvent> out;
  for (std::size_t i = 0; i < events->size(); ++i) {
    const auto path = receiver.path("events") + "[" + std::to_string(i) + "]";
    auto* text = (*events)[i].if_string();
    auto event = text ? parse_notification_event(*text) : std::nullopt;
    if (!event) {
      receiver.errors().push_back(
          {path,
           "must be one of SLOBreached, RollbackStarted, RolledBack, RollbackFailed, Blocked, Recovered"});
      continue;
    }
    if (std::find(out.begin(), out.end(), *event) == out.end()) out.push_back(*event);
  }
  if (events->empty()) receiver.error("events", "must not be empty (leave it out for every event)");
  return out;
}

void parse_receivers(const spec::Reader& notifications, std::string_view list, ReceiverKind kind,
                     std::vector<NotificationReceiver>& out) {
  auto* items = notifications.array(list);
  if (!items) return;
  if (items->size() > kMaxReceivers)
    notifications.error(list, "at most " + std::to_string(kMaxReceivers) + " receivers");
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto path = notifications.path(list) + "[" + std::to_string(i) + "]";
    auto* item = (*items)[i].if_object();
    if (!item) {
      notifications.errors().push_back({path, "must be an object"});
      continue;
    }
    spec::Reader r(item, path, notifications.errors());
    NotificationReceiver receiver;
    receiver.kind = kind;
    receiver.name = r.required_string("name");
    if (!receiver.name.empty()) {
      for (auto& other : out) {
        if (other.name == receiver.name)
          r.error("name", "\"" + receiver.name + "\" is used by another receiver");
      }
    }
    receiver.url_secret_ref = r.secret_key_ref("urlSecretRef");
    if (kind == ReceiverKind::Webhook) {
      // A webhook URL carries its credentials (Slack, Teams, PagerDuty): only from a Secret.
      if (r.has("url")) r.error("url", "not allowed for a webhook: put the URL in a Secret (urlSecretRef)");
      if (!r.has("urlSecretRef")) r.error("urlSecretRef", "required");
    } else {
      receiver.url = r.string("url").value_or("");
      if (r.has("url") == r.has("urlSecretRef"))
        r.errors().push_back({r.path(), "set url or urlSecretRef, exactly one"});
      if (r.has("url") && !spec::is_http_url(receiver.url))
        r.error("url", "must be an http:// or https:// URL");
    }
    receiver.events = parse_events(r);
    if (auto timeout = r.duration("timeout")) {
      if (timeout->count() <= 0 || *timeout > std::chrono::minutes(1)) {
        r.error("timeout", "must be greater than zero and at most 1m");
      } else {
        receiver.timeout = *timeout;
      }
    }
    out.push_back(std::move(receiver));
  }
}

void parse_notifications(const spec::Reader& spec, Policy& policy) {
  auto notifications = spec.child("notifications");
  parse_receivers(notifications, "webhooks", ReceiverKind::Webhook, policy.notification_receivers);
  parse_receivers(notifications, "alertmanagers", ReceiverKind::Alertmanager, policy.notification_receivers);
}

}  // namespace

const char* to_string(NotificationEvent event) {
  switch (event) {
    case NotificationEvent::SLOBreached:
      return "SLOBreached";
    case NotificationEvent::RollbackStarted:
      return "RollbackStarted";
    case NotificationEvent::RolledBack:
      return "RolledBack";
    case NotificationEvent::RollbackFailed:
      return "RollbackFailed";
    case NotificationEvent::Blocked:
      return "Blocked";
    case NotificationEvent::Recovered:
      return "Recovered";
  }
  return "SLOBreached";
}

std::optional<NotificationEvent> parse_notification_event(std::string_view text) {
  for (auto event : kNotificationEvents) {
    if (text == to_string(event)) return event;
  }
  return std::nullopt;
}

const char* to_string(ReceiverKind kind) {
  return kind == ReceiverKind::Alertmanager ? "alertmanager" : "webhook";
}

bool NotificationReceiver::wants(NotificationEvent event) const {
  return std::find(events.begin(), events.end(), event) != events.end();
}

const char* to_string(RollbackMode mode) { return mode == RollbackMode::DryRun ? "DryRun" : "Automatic"; }
const char* to_string(RollbackTarget target) {
  return target == RollbackTarget::PreviousRevision ? "PreviousRevision" : "LastKnownGood";
}

PolicyOrErrors parse_policy(const boost::json::object& rbp) {
  PolicyOrErrors out;
  auto& policy = out.policy;
  policy.name = kube::meta::name(rbp);
  policy.ns = kube::meta::namespace_of(rbp);
  policy.uid = kube::meta::uid(rbp);
  policy.generation = kube::meta::generation(rbp);

  spec::Reader root(&rbp, "", out.errors);
  if (!root.has("spec")) {
    root.error("spec", "required");
    return out;
  }
  auto spec = root.child("spec");
  parse_target(spec, policy);
  if (auto interval = spec.duration("interval")) {
    if (interval->count() <= 0) {
      spec.error("interval", "must be greater than zero");
    } else {
      policy.interval = *interval;
    }
  }
  if (auto window = spec.duration("stabilizationWindow")) policy.stabilization_window = *window;
  policy.failure_threshold =
      static_cast<int>(spec.integer_in("failureThreshold", 1, kMaxThreshold, policy.failure_threshold));
  policy.inconclusive_threshold = static_cast<int>(
      spec.integer_in("inconclusiveThreshold", 0, kMaxThreshold, policy.inconclusive_threshold));
  policy.slos = spec::parse_slos(spec);
  parse_rollback(spec, policy);
  parse_manual_rollback(spec, policy);
  if (auto paused = spec.boolean("paused")) policy.paused = *paused;
  parse_notifications(spec, policy);
  return out;
}

std::string describe(const std::vector<FieldError>& errors, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < errors.size() && i < limit; ++i) {
    if (!out.empty()) out += "; ";
    out += errors[i].field + ": " + errors[i].message;
  }
  if (errors.size() > limit) out += "; (and " + std::to_string(errors.size() - limit) + " more)";
  return out;
}

}  // namespace rollguard
