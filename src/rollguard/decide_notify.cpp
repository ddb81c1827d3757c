// decide(): which transitions of this decision are notifications. They go into the status's
// outbox (the same write as the decision), and the incident they belong to is opened, updated or
// closed. Read from the decision's own result, so every path that changes the state is covered:
//   SLOBreached      the failure count reached failureThreshold in this decision
//   RollbackStarted  a new rollback intent (pendingRollback) was recorded
//   RolledBack       the restored template was observed (lastRollback.completedAt set)
//   RollbackFailed   a rollback that could not be made: abandoned, impossible, a failed manual request,
//                    a patch the API server keeps refusing
//   Blocked          a rejected template came back and is held
//   Recovered        an incident is open and the running revision met every SLO, rollout complete,
//                    for stabilizationWindow (one passing round says little after a rollback)
#include <algorithm>

#include "rollguard/decide_steps.hpp"
#include "rollguard/duration.hpp"
#include "rollguard/notify.hpp"

namespace rollguard::decision {

namespace {

std::vector<SloStatus> failing(const std::vector<SloStatus>& slos) {
  std::vector<SloStatus> out;
  for (auto& slo : slos) {
    if (slo.result == SloResult::Fail) out.push_back(slo);
  }
  if (out.empty()) {
    for (auto& slo : slos) {
      if (slo.result == SloResult::Inconclusive) out.push_back(slo);
    }
  }
  return out;
}

// "rolled back 7 → 6: error-rate 0.31 > 0.05 for 3 evaluations" -> what follows the first ": ".
std::string why_of(const std::string& message) {
  auto colon = message.find(": ");
  return colon == std::string::npos ? std::string() : message.substr(colon + 2);
}

bool same_rollback(const std::optional<RollbackRecord>& a, const RollbackRecord& b) {
  return a && a->started_at == b.started_at && a->from_template_hash == b.from_template_hash;
}

struct Found {
  NotificationEvent event;
  OutboxEntry entry;
};

OutboxEntry entry_of(const Step& step, NotificationEvent event, const char* severity) {
  OutboxEntry e;
  e.event = to_string(event);
  e.time = step.now;
  e.severity = severity;
  e.deployment = step.obs.name.empty() ? step.policy.target_name : step.obs.name;
  e.revision = step.obs.current_revision;
  return e;
}

void with_rollback(OutboxEntry& e, const RollbackRecord& r) {
  e.from_revision = r.from_revision;
  e.to_revision = r.to_revision;
  e.reason = r.reason;
  e.summary = why_of(r.message);
  e.message = r.message;
  e.slos = failing(r.measurements);
  e.detected_at = r.detected_at;
  e.started_at = r.started_at;
  e.completed_at = r.completed_at;
}

std::vector<Found> transitions(const Step& step) {
  const auto& s = step.s();
  const auto& previous = step.previous;
  std::vector<Found> out;
  const int threshold = step.policy.failure_threshold;
  if (s.consecutive_failures >= threshold && previous.consecutive_failures < threshold) {
    auto e = entry_of(step, NotificationEvent::SLOBreached, "warning");
    e.reason = "SLOBreached";
    e.summary = breach_summary(s);
    e.message = "SLOs breached on revision " + revision_text(step.obs.current_revision) + ": " + e.summary;
    e.slos = failing(s.slos);
    e.detected_at = s.failing_since;
    out.push_back({NotificationEvent::SLOBreached, std::move(e)});
  }
  if (s.pending_rollback && s.last_rollback && !s.last_rollback->completed_at &&
      !same_rollback(previous.last_rollback, *s.last_rollback)) {
    auto e = entry_of(step, NotificationEvent::RollbackStarted, "warning");
    with_rollback(e, *s.last_rollback);
    out.push_back({NotificationEvent::RollbackStarted, std::move(e)});
  }
  if (s.last_rollback && s.last_rollback->completed_at &&
      !(same_rollback(previous.last_rollback, *s.last_rollback) && previous.last_rollback->completed_at)) {
    auto e = entry_of(step, NotificationEvent::RolledBack, "warning");
    with_rollback(e, *s.last_rollback);
    out.push_back({NotificationEvent::RolledBack, std::move(e)});
  }
  for (auto& note : step.d.events) {
    if (note.reason == "RollbackAbandoned" || note.reason == "RollbackNotPossible" ||
        note.reason == "ManualRollbackFailed" || note.reason == "RollbackFailed") {
      auto e = entry_of(step, NotificationEvent::RollbackFailed, "critical");
      e.reason = note.reason;
      e.summary = note.message;
      e.message = s.message;
      e.slos = failing(s.slos);
      out.push_back({NotificationEvent::RollbackFailed, std::move(e)});
    } else if (note.reason == "RejectedTemplateHeld" && s.hold) {
      auto e = entry_of(step, NotificationEvent::Blocked, "warning");
      e.reason = "RejectedTemplate";
      e.from_revision = s.hold->rejected_revision;
      e.to_revision = s.hold->revision;
      e.summary = "it is the template rejected as revision " + revision_text(s.hold->rejected_revision);
      e.message = note.message;
      out.push_back({NotificationEvent::Blocked, std::move(e)});
    }
  }
  const auto& incident = previous.notifications.incident;
  const bool stable = s.healthy_since && step.now - *s.healthy_since >= step.policy.stabilization_window;
  if (incident && out.empty() && stable && s.consecutive_failures == 0 && !s.pending_rollback && !s.hold) {
    auto e = entry_of(step, NotificationEvent::Recovered, "info");
    e.reason = "Recovered";
    e.summary = "all SLOs met for " + format_duration(step.policy.stabilization_window);
    e.message = "revision " + revision_text(step.obs.current_revision) + " meets its SLOs again";
    e.completed_at = step.now;
    out.push_back({NotificationEvent::Recovered, std::move(e)});
  }
  return out;
}

}  // namespace

void record_notifications(Step& step) {
  auto& n = step.s().notifications;
  if (step.policy.notification_receivers.empty()) {
    n = {};  // nobody to tell: nothing to remember either
    return;
  }
  notify::prune_receivers(n, step.policy);
  for (auto& [event, entry] : transitions(step)) {
    if (event == NotificationEvent::Recovered) {
      if (n.incident) {
        entry.incident_since = n.incident->since;
        entry.incident_severity = n.incident->severity;
      }
      n.incident.reset();
    } else {
      if (!n.incident) n.incident = Incident{step.now, entry.deployment, entry.severity, "", "", ""};
      n.incident->event = entry.event;
      n.incident->text = notify::text_of(entry, step.policy.ns);
      n.incident->message = entry.message;
      entry.incident_since = n.incident->since;
      entry.incident_severity = n.incident->severity;
    }
    entry.key = notify::idempotency_key(step.policy.uid, entry.event, entry.revision, entry.time);
    entry.receivers = notify::receivers_for(step.policy, entry.event);
    if (!entry.receivers.empty()) notify::add_to_outbox(n, std::move(entry));
  }
}

}  // namespace rollguard::decision
