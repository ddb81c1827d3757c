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
  // The revision it replaces (0: the first template this policy sees, deployed before it watched).
  const auto replaced = s.current_revision;
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
  // A paused policy never acts, holds included: the template is measured and reported instead.
  auto* rejected = step.policy.paused ? nullptr : find_rejected(s, tmpl);
  if (rejected && tmpl != s.last_known_good_template_hash) {
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
  step.history("NewRevision", message, replaced, revision);
  return false;
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
  decision::record_notifications(step);
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
  decision::note_recovery(step);
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
