// decide(): the flow of one decision, following the revision under test and counting evaluations.
#include "rollguard/decide.hpp"

#include <algorithm>

#include "rollguard/decide_steps.hpp"
#include "rollguard/duration.hpp"

namespace rollguard {

namespace decision {

namespace {

std::string short_hash(const std::string& hash) { return hash.substr(0, 10); }

}  // namespace

void clear_evaluation(PolicyStatus& s) {
  s.consecutive_failures = 0;
  s.consecutive_inconclusive = 0;
  s.healthy_since.reset();
  s.failing_since.reset();
  s.failing_slo.clear();
  s.slos.clear();
}

namespace {

// The hold stays while its template runs and the Deployment is paused. Returns true when the
// decision is complete (still blocked).
bool keep_or_lift_hold(Step& step) {
  auto& s = step.s();
  if (!s.hold || s.hold->template_hash != step.current_template()) return false;
  if (step.obs.paused || !s.hold->confirmed) {
    s.phase = Phase::Blocked;
    s.message = s.hold->reason;
    if (step.obs.paused) {
      s.hold->confirmed = true;
    } else {
      // The pause has not applied (a conflict, a crash): ask again.
      step.d.hold = HoldAction{
          s.hold->revision, s.hold->rejected_revision, s.hold->template_hash, s.hold->since, s.hold->reason,
          s.hold->reason,   step.obs.resource_version};
    }
    return true;
  }
  // Somebody resumed the held Deployment: a person's decision that overrides the rejection.
  std::string message = "revision " + revision_text(step.obs.current_revision) +
                        " was resumed while held; verifying it again (no longer treated as rejected)";
  std::erase_if(s.rejected_templates, [&](auto& r) { return r.template_hash == s.hold->template_hash; });
  s.hold.reset();
  s.verifying_since = step.now;
  clear_evaluation(s);
  step.event(EventType::Warning, "HoldOverridden", message);
  step.history("HoldOverridden", message, 0, step.obs.current_revision);
  return false;
}

// A released hold is resumed until the Deployment is seen unpaused (the unpause may have failed).
void resume_if_released(Step& step) {
  auto& s = step.s();
  if (!s.resume_pending) return;
  if (!step.obs.paused) {
    s.resume_pending = false;
  } else if (!step.d.release) {
    step.d.release = ReleaseAction{"resuming the Deployment rollguard held", step.obs.resource_version};
  }
}

// A template not seen as current before. Returns true when the decision is complete (held).
bool on_new_template(Step& step) {
  auto& s = step.s();
  const auto& tmpl = step.current_template();
  const auto revision = step.obs.current_revision;
  s.current_template_hash = tmpl;
  s.current_revision = revision;
  s.current_pod_template_hash = step.obs.current_pod_template_hash;
  clear_evaluation(s);
  s.verifying_since = step.now;

  if (s.hold && s.hold->template_hash != tmpl) {
    std::string message = "new template (revision " + revision_text(revision) + ") replaces held revision " +
                          revision_text(s.hold->revision) + "; resuming the Deployment";
    if (step.obs.paused) {
      step.d.release = ReleaseAction{message, step.obs.resource_version};
      s.resume_pending = true;
    }
    s.hold.reset();
    step.event(EventType::Normal, "HoldReleased", message);
    step.history("HoldReleased", message, 0, revision);
  }
  if (auto* rejected = find_rejected(s, tmpl); rejected && tmpl != s.last_known_good_template_hash) {
    std::string message = "revision " + revision_text(revision) + " is the template rejected as revision " +
                          revision_text(rejected->revision) + " at " +
                          kube::format_time(rejected->rejected_at) + " (" + rejected->reason +
                          "); holding the Deployment until a new template arrives";
    s.hold = Hold{tmpl, revision, rejected->revision, step.now, message};
    if (!step.obs.paused) {
      step.d.hold =
          HoldAction{revision, rejected->revision,       tmpl, rejected->rejected_at, rejected->reason,
                     message,  step.obs.resource_version};
    }
    s.phase = Phase::Blocked;
    s.message = message;
    step.event(EventType::Warning, "RejectedTemplateHeld", message);
    step.history("Held", message, rejected->revision, revision);
    return true;
  }
  if (tmpl == s.last_known_good_template_hash) {
    // The last known good template again (rolled back by someone, or re-applied): its revision
    // number is the new one, as the Deployment controller renumbers a reused ReplicaSet.
    s.last_known_good_revision = revision;
    s.last_known_good_pod_template_hash = step.obs.current_pod_template_hash;
    step.history("LastKnownGoodRunning",
                 "revision " + revision_text(revision) + " runs the last known good template", 0, revision);
    return false;
  }
  std::string message =
      "verifying revision " + revision_text(revision) + " (template " + short_hash(tmpl) + ")";
  step.event(EventType::Normal, "Verifying", message);
  step.history("NewRevision", message, 0, revision);
  return false;
}

// Folds this round's measurements into status.slos (policy order; SLOs no longer in the policy go).
void record_measurements(Step& step) {
  auto& s = step.s();
  std::vector<SloStatus> next;
  for (auto& slo : step.policy.slos) {
    auto old = std::find_if(s.slos.begin(), s.slos.end(), [&](auto& x) { return x.name == slo.name; });
    auto m = std::find_if(step.measurements.begin(), step.measurements.end(),
                          [&](auto& x) { return x.slo == slo.name; });
    if (m == step.measurements.end()) {
      if (old != s.slos.end()) next.push_back(*old);
      continue;
    }
    SloStatus entry{slo.name, m->result, m->value, m->threshold, m->message, step.now, step.now};
    if (old != s.slos.end() && old->result == m->result)
      entry.last_transition_time = old->last_transition_time;
    next.push_back(std::move(entry));
  }
  s.slos = std::move(next);
}

enum class Round { None, Pass, Fail, Inconclusive };

Round round_result(const Step& step) {
  if (step.policy.slos.empty()) return Round::Pass;
  if (step.measurements.empty()) return Round::None;
  bool inconclusive = false;
  for (auto& slo : step.policy.slos) {
    auto m = std::find_if(step.measurements.begin(), step.measurements.end(),
                          [&](auto& x) { return x.slo == slo.name; });
    if (m == step.measurements.end() || m->result == SloResult::Inconclusive) {
      inconclusive = true;
    } else if (m->result == SloResult::Fail) {
      return Round::Fail;
    }
  }
  return inconclusive ? Round::Inconclusive : Round::Pass;
}

void count_failure(Step& step) {
  auto& s = step.s();
  s.consecutive_failures = std::min(s.consecutive_failures + 1, step.policy.failure_threshold);
  if (!s.failing_since) s.failing_since = step.now;
}

// Counters saturate at their thresholds: a lasting breach is then a status that does not move,
// so it is not rewritten every interval.
void count_round(Step& step) {
  auto& s = step.s();
  const bool rollout_pending = !step.obs.rollout_complete() && !step.obs.progress_deadline_exceeded;
  switch (round_result(step)) {
    case Round::None:
      return;
    case Round::Pass:
      s.consecutive_failures = 0;
      s.consecutive_inconclusive = 0;
      s.failing_since.reset();
      // Stabilization measures a complete rollout: passing while pods are still being replaced
      // says little about the revision.
      if (rollout_pending) {
        s.healthy_since.reset();
      } else if (!s.healthy_since) {
        s.healthy_since = step.now;
      }
      return;
    case Round::Fail:
      s.consecutive_inconclusive = 0;
      s.healthy_since.reset();
      count_failure(step);
      return;
    case Round::Inconclusive:
      s.healthy_since.reset();
      // A rollout within its progress deadline is allowed to be unmeasurable (no ready pods, no
      // traffic yet); only a Fail counts until it completes.
      if (rollout_pending || step.policy.inconclusive_threshold == 0) return;
      s.consecutive_inconclusive =
          std::min(s.consecutive_inconclusive + 1, step.policy.inconclusive_threshold);
      if (s.consecutive_inconclusive >= step.policy.inconclusive_threshold) count_failure(step);
      return;
  }
}

void promote_if_stable(Step& step) {
  auto& s = step.s();
  if (!s.healthy_since || step.on_last_known_good()) return;
  if (step.now - *s.healthy_since < step.policy.stabilization_window) return;
  const auto revision = step.obs.current_revision;
  std::string message = "revision " + revision_text(revision) + " is the last known good: all SLOs met for " +
                        format_duration(step.policy.stabilization_window);
  if (s.last_known_good_revision > 0)
    message += " (was revision " + revision_text(s.last_known_good_revision) + ")";
  s.last_known_good_revision = revision;
  s.last_known_good_template_hash = step.current_template();
  s.last_known_good_pod_template_hash = step.obs.current_pod_template_hash;
  std::erase_if(s.rejected_templates, [&](auto& r) { return r.template_hash == step.current_template(); });
  step.event(EventType::Normal, "LastKnownGood", message);
  step.history("LastKnownGood", message, 0, revision);
}

bool runs_restored_template(Step& step) {
  auto& lr = step.s().last_rollback;
  return lr && lr->completed_at && lr->to_template_hash == step.current_template();
}

void evaluate(Step& step) {
  auto& s = step.s();
  record_measurements(step);
  count_round(step);
  s.failing_slo = failing_names(s, SloResult::Fail);
  if (s.failing_slo.empty() && s.consecutive_failures > 0)
    s.failing_slo = failing_names(s, SloResult::Inconclusive);
  step.d.needs_measurements = true;

  const bool breach = s.consecutive_failures >= step.policy.failure_threshold;
  const bool newly_breached = breach && step.previous.consecutive_failures < step.policy.failure_threshold;
  if (!breach) {
    promote_if_stable(step);
    if (step.policy.paused) {
      s.phase = Phase::Paused;
      s.message = "policy paused: measuring and reporting only";
    } else if (runs_restored_template(step)) {
      // RolledBack stays while the restored template runs: a person should look at what happened.
      s.phase = Phase::RolledBack;
      s.message = s.last_rollback->message;
    } else if (step.on_last_known_good()) {
      s.phase = Phase::Healthy;
      s.message = "revision " + revision_text(step.obs.current_revision) + " is the last known good";
    } else {
      s.phase = Phase::Verifying;
      s.message = "verifying revision " + revision_text(step.obs.current_revision);
    }
    return;
  }
  const std::string breached = "SLOs breached on revision " + revision_text(step.obs.current_revision) +
                               ": " + failing_names(s, SloResult::Fail);
  if (step.policy.paused) {
    s.phase = Phase::Paused;
    s.message = breached + "; policy paused, not acting";
    if (newly_breached) step.event(EventType::Warning, "SLOBreached", s.message);
  } else if (step.on_last_known_good()) {
    s.phase = Phase::Degraded;
    s.message = breached + "; it is the last known good revision, nothing older is rolled back to";
    if (newly_breached)
      step.event(
          EventType::Warning, "Degraded",
          breach_summary(s) + " on the last known good revision " + revision_text(step.obs.current_revision));
  } else {
    act_on_breach(step);
  }
}

}  // namespace

std::string revision_text(std::int64_t revision) { return revision > 0 ? std::to_string(revision) : "?"; }

}  // namespace decision

using decision::Step;

const char* to_string(RollbackReason reason) {
  switch (reason) {
    case RollbackReason::SLOBreached:
      return "SLOBreached";
    case RollbackReason::ProgressDeadline:
      return "ProgressDeadline";
    case RollbackReason::Manual:
      return "Manual";
  }
  return "SLOBreached";
}

const char* to_string(EventType type) { return type == EventType::Warning ? "Warning" : "Normal"; }

namespace {

SystemTime whole_seconds(SystemTime t) { return std::chrono::floor<std::chrono::seconds>(t); }

Decision finish(Step& step) {
  decision::set_conditions(step);
  step.d.status_changed = !same_but_timestamps(step.previous, step.d.status);
  if (step.d.status.phase == Phase::Blocked || step.d.rollback) step.d.needs_measurements = false;
  return std::move(step.d);
}

// A decision on the policy alone, with no Deployment to look at: a phase, why, and an Event when
// either is new.
Decision without_target(const Policy& policy, const PolicyStatus& previous, SystemTime now, Phase phase,
                        std::string message, const char* event_reason, Duration requeue_after) {
  static const Observation kNone{};
  static const std::vector<Measurement> kNoMeasurements{};
  Step step{policy, kNone, kNoMeasurements, previous, now, {}};
  auto& s = step.s();
  s = previous;
  s.observed_generation = policy.generation;
  s.phase = phase;
  s.message = std::move(message);
  step.d.requeue_after = requeue_after;
  if (previous.phase != s.phase || previous.message != s.message) {
    step.event(EventType::Warning, event_reason, s.message);
  }
  return finish(step);
}

}  // namespace

Decision decide(const Policy& policy, const std::optional<Observation>& observation,
                const std::vector<Measurement>& measurements, const PolicyStatus& previous, SystemTime now) {
  now = whole_seconds(now);
  if (!observation) {
    return without_target(policy, previous, now, Phase::Pending,
                          "Deployment " + policy.target_name + " not found in namespace " + policy.ns,
                          "TargetNotFound", policy.interval);
  }
  Step step{policy, *observation, measurements, previous, now, {}};
  auto& s = step.s();
  s = previous;
  s.observed_generation = policy.generation;
  step.d.requeue_after = policy.interval;

  if (step.current_template().empty()) {
    // The Deployment controller has not created the ReplicaSet of the Deployment's revision yet.
    s.phase = Phase::Pending;
    s.message =
        "waiting for the ReplicaSet of revision " + decision::revision_text(observation->current_revision);
    return finish(step);
  }
  decision::resume_if_released(step);
  if (decision::resolve_pending_rollback(step)) return finish(step);
  if (decision::handle_manual_rollback(step)) return finish(step);
  if (step.current_template() != s.current_template_hash) {
    if (decision::on_new_template(step)) return finish(step);
  } else {
    s.current_revision = observation->current_revision;
    s.current_pod_template_hash = observation->current_pod_template_hash;
    if (s.last_known_good_template_hash == s.current_template_hash) {
      s.last_known_good_revision = s.current_revision;
      s.last_known_good_pod_template_hash = s.current_pod_template_hash;
    }
  }
  if (decision::keep_or_lift_hold(step)) return finish(step);
  decision::evaluate(step);
  return finish(step);
}

Decision decide_invalid(const Policy& policy, const std::vector<FieldError>& errors,
                        const PolicyStatus& previous, SystemTime now) {
  // requeue_after zero: a spec change brings the policy back.
  return without_target(policy, previous, whole_seconds(now), Phase::Invalid,
                        "invalid spec: " + describe(errors), "InvalidSpec", Duration(0));
}

Decision decide(const PolicyOrErrors& parsed, const std::optional<Observation>& observation,
                const std::vector<Measurement>& measurements, const PolicyStatus& previous, SystemTime now) {
  if (!parsed.ok()) return decide_invalid(parsed.policy, parsed.errors, previous, now);
  return decide(parsed.policy, observation, measurements, previous, now);
}

EvaluationContext evaluation_context(const Policy& policy, const Observation& observation,
                                     const PolicyStatus& status) {
  EvaluationContext c;
  c.ns = policy.ns;
  c.policy = policy.name;
  c.deployment = observation.name;
  c.revision = observation.current_revision;
  c.pod_template_hash = observation.current_pod_template_hash;
  c.last_known_good_pod_template_hash = status.last_known_good_pod_template_hash;
  c.interval = policy.interval;
  for (auto& pod : observation.pods) {
    if (pod.ready && !pod.ip.empty()) c.pods.push_back({pod.name, pod.ip});
  }
  return c;
}

}  // namespace rollguard
