// decide(): one round of measurements — per-SLO results, counting, stabilization, and what a
// breach means for the revision under test.
#include <algorithm>

#include "rollguard/decide_steps.hpp"
#include "rollguard/duration.hpp"

namespace rollguard::decision {

namespace {

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

// Pending: inconclusive only because a check still runs within its own deadline (a Job).
enum class Round { None, Pass, Fail, Inconclusive, Pending };

Round round_result(const Step& step) {
  if (step.policy.slos.empty()) return Round::Pass;
  if (step.measurements.empty()) return Round::None;
  bool inconclusive = false;
  bool pending = false;
  for (auto& slo : step.policy.slos) {
    auto m = std::find_if(step.measurements.begin(), step.measurements.end(),
                          [&](auto& x) { return x.slo == slo.name; });
    if (m == step.measurements.end() || m->result == SloResult::Inconclusive) {
      (m != step.measurements.end() && m->pending ? pending : inconclusive) = true;
    } else if (m->result == SloResult::Fail) {
      return Round::Fail;
    }
  }
  if (inconclusive) return Round::Inconclusive;
  return pending ? Round::Pending : Round::Pass;
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
    case Round::Pending:
      // The check's deadline bounds it (the Job's timeout), not inconclusiveThreshold.
      s.healthy_since.reset();
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

}  // namespace

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
    if (step.previous.phase == Phase::Degraded && s.consecutive_failures == 0) {
      step.event(EventType::Normal, "Recovered",
                 "revision " + revision_text(step.obs.current_revision) + " meets its SLOs again");
    }
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
  const std::string breached =
      "SLOs breached on revision " + revision_text(step.obs.current_revision) + ": " + s.failing_slo;
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

}  // namespace rollguard::decision
