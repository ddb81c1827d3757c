// decide(): rollbacks — the intent and its confirmation, manual requests, what to roll back to,
// DryRun, cooldown — and the holds that stop a rejected template from rolling out again.
#include <algorithm>

#include "rollguard/decide_steps.hpp"
#include "rollguard/duration.hpp"

namespace rollguard::decision {

namespace {

std::string arrow(std::int64_t from, std::int64_t to) {
  return revision_text(from) + " → " + revision_text(to);
}

void confirm(Step& step, const PendingRollback& pending) {
  auto& s = step.s();
  if (!s.last_rollback) {
    s.last_rollback = RollbackRecord{pending.from_revision,
                                     pending.to_revision,
                                     pending.from_template_hash,
                                     pending.target_template_hash,
                                     pending.reason,
                                     "rolled back " + arrow(pending.from_revision, pending.to_revision),
                                     pending.request_id,
                                     {},
                                     std::nullopt,
                                     pending.started_at,
                                     std::nullopt,
                                     std::nullopt};
  }
  s.last_rollback->completed_at = step.now;
  s.pending_rollback.reset();
  s.current_template_hash = step.current_template();
  s.current_revision = step.obs.current_revision;
  s.current_pod_template_hash = step.obs.current_pod_template_hash;
  if (s.last_known_good_template_hash == s.current_template_hash) {
    s.last_known_good_revision = s.current_revision;
    s.last_known_good_pod_template_hash = s.current_pod_template_hash;
  }
  clear_evaluation(s);
  s.verifying_since = step.now;
  s.phase = Phase::RolledBack;
  s.message = s.last_rollback->message;
  std::string message =
      s.last_rollback->message + " (now revision " + revision_text(s.current_revision) + ")";
  step.event(EventType::Normal, "RolledBack", message);
  step.history("RollbackCompleted", message, pending.from_revision, pending.to_revision);
}

// The rollback target by policy, or null with the reason there is none.
const ReplicaSetInfo* pick_target(Step& step, std::string& why_not) {
  auto& s = step.s();
  if (step.policy.rollback.to == RollbackTarget::LastKnownGood) {
    if (s.last_known_good_template_hash.empty()) {
      why_not = "no last known good revision yet";
      return nullptr;
    }
    auto* rs = step.obs.find_template(s.last_known_good_template_hash);
    if (!rs)
      why_not = "the ReplicaSet of last known good revision " + revision_text(s.last_known_good_revision) +
                " no longer exists";
    return rs;
  }
  const ReplicaSetInfo* best = nullptr;
  for (auto& rs : step.obs.replica_sets) {
    if (rs.revision <= 0 || rs.revision >= step.obs.current_revision || rs.template_hash.empty()) continue;
    if (rs.template_hash == step.current_template() || find_rejected(s, rs.template_hash)) continue;
    best = &rs;
  }
  if (!best) why_not = "no earlier revision to roll back to (rejected ones excluded)";
  return best;
}

bool deployment_slo_failing(const Step& step) {
  for (auto& slo : step.policy.slos) {
    if (!std::holds_alternative<DeploymentSlo>(slo.check)) continue;
    for (auto& st : step.s().slos) {
      if (st.name == slo.name && st.result == SloResult::Fail) return true;
    }
  }
  return false;
}

std::vector<SloStatus> failing_results(const PolicyStatus& s) {
  std::vector<SloStatus> out;
  for (auto& slo : s.slos) {
    if (slo.result != SloResult::Pass) out.push_back(slo);
  }
  return out;
}

// A rollback whose patch the API server keeps refusing (RBAC, an admission webhook, a quota; or an
// outage that lasts): said once per rollback, as an Event and a RollbackFailed notification, while
// the patch is still retried. A refusal that retrying cannot fix is said at once; a 5xx/429/network
// failure once the rollback has been pending for kRollbackFailingAfter.
void report_failing_patch(Step& step, const PendingRollback& pending) {
  if (pending.failed_attempts <= 0) return;
  auto& s = step.s();
  s.message += " (the API server refused the patch " + std::to_string(pending.failed_attempts) +
               (pending.failed_attempts == 1 ? " time" : " times") + ", last: " + pending.last_error + ")";
  if (pending.failure_reported) return;
  if (!pending.last_error_permanent && step.now - pending.started_at < kRollbackFailingAfter) return;
  const std::string message = "rollback " + arrow(pending.from_revision, pending.to_revision) +
                              " is failing: the API server refused the patch " +
                              std::to_string(pending.failed_attempts) +
                              " time(s), last: " + pending.last_error + "; still retrying";
  step.event(EventType::Warning, "RollbackFailed", message);
  step.history("RollbackFailed", message, pending.from_revision, pending.to_revision);
  s.pending_rollback->failure_reported = true;
}

}  // namespace

void start_rollback(Step& step, const ReplicaSetInfo& target, RollbackReason reason, std::string why) {
  auto& s = step.s();
  const auto from = step.obs.current_revision;
  const auto& from_hash = step.current_template();
  std::string request_id;
  if (reason == RollbackReason::Manual && step.policy.manual_rollback)
    request_id = step.policy.manual_rollback->request_id;
  std::string message = "rolled back " + arrow(from, target.revision) + ": " + why;

  step.d.rollback = RollbackAction{from,        target.revision,
                                   target.name, target.template_hash,
                                   from_hash,   step.obs.resource_version,
                                   reason,      message,
                                   request_id,  false};
  s.pending_rollback =
      PendingRollback{from,        target.revision,           from_hash,         target.template_hash,
                      target.name, step.obs.resource_version, to_string(reason), request_id,
                      step.now};
  s.last_rollback = RollbackRecord{from,
                                   target.revision,
                                   from_hash,
                                   target.template_hash,
                                   to_string(reason),
                                   message,
                                   request_id,
                                   failing_results(s),
                                   s.failing_since.value_or(step.now),
                                   step.now,
                                   std::nullopt,
                                   std::nullopt};
  // Remembered at intent time: should the controller die right after the patch, GitOps re-applying
  // this template must still find it rejected.
  add_rejected(s, {from_hash, from, step.now, why});
  std::erase_if(s.rejected_templates, [&](auto& r) { return r.template_hash == target.template_hash; });
  s.phase = Phase::RollingBack;
  s.message = "rolling back " + arrow(from, target.revision);
  step.event(EventType::Warning, "RollingBack", message);
  step.history("RollbackStarted", message, from, target.revision);
}

void note_recovery(Step& step) {
  auto& last = step.s().last_rollback;
  if (!last || !last->completed_at || last->recovered_at) return;
  if (last->to_template_hash != step.current_template() || !step.obs.rollout_complete()) return;
  last->recovered_at = step.now;
}

bool resolve_pending_rollback(Step& step) {
  auto& s = step.s();
  if (!s.pending_rollback) return false;
  const auto pending = *s.pending_rollback;
  if (step.current_template() == pending.target_template_hash) {
    confirm(step, pending);
    return false;  // the restored template is measured from now on
  }
  if (step.current_template() == pending.from_template_hash &&
      step.obs.current_revision == pending.from_revision) {
    // Not applied yet (or not observed yet): the same rollback again, conditioned on what is seen now.
    s.phase = Phase::RollingBack;
    s.message = "rolling back " + arrow(pending.from_revision, pending.to_revision);
    if (step.policy.paused) {
      s.phase = Phase::Paused;
      s.message += " waits: policy paused";
      return true;
    }
    auto* target = step.obs.find_template(pending.target_template_hash);
    if (!target) {
      std::string message = "rollback " + arrow(pending.from_revision, pending.to_revision) +
                            " abandoned: its ReplicaSet no longer exists";
      s.pending_rollback.reset();
      step.event(EventType::Warning, "RollbackAbandoned", message);
      step.history("RollbackAbandoned", message, pending.from_revision, pending.to_revision);
      return false;
    }
    std::string message = s.last_rollback ? s.last_rollback->message
                                          : "rolled back " + arrow(pending.from_revision, target->revision);
    report_failing_patch(step, pending);
    step.d.rollback = RollbackAction{pending.from_revision,
                                     target->revision,
                                     target->name,
                                     target->template_hash,
                                     pending.from_template_hash,
                                     step.obs.resource_version,
                                     pending.reason == "Manual"             ? RollbackReason::Manual
                                     : pending.reason == "ProgressDeadline" ? RollbackReason::ProgressDeadline
                                                                            : RollbackReason::SLOBreached,
                                     message,
                                     pending.request_id,
                                     false};
    if (pending.resource_version != step.obs.resource_version) {
      step.event(EventType::Normal, "RollbackResumed", "resuming: " + message);
    }
    s.pending_rollback->resource_version = step.obs.resource_version;
    s.pending_rollback->target_replica_set = target->name;
    return true;
  }
  // Another template took over before the rollback was observed: a new deploy, or the rejected
  // template re-applied (then the new-template step holds it).
  std::string message = "rollback " + arrow(pending.from_revision, pending.to_revision) +
                        " superseded by revision " + revision_text(step.obs.current_revision);
  s.pending_rollback.reset();
  s.current_template_hash.clear();  // whatever runs now is treated as a new template
  step.event(EventType::Warning, "RollbackSuperseded", message);
  step.history("RollbackSuperseded", message, pending.from_revision, pending.to_revision);
  return false;
}

bool handle_manual_rollback(Step& step) {
  auto& s = step.s();
  const auto& manual = step.policy.manual_rollback;
  if (!manual || request_handled(s, manual->request_id) || s.pending_rollback) return false;
  if (step.policy.paused) return false;  // a paused policy never acts; the request waits
  mark_request_handled(s, manual->request_id);
  const auto* target = step.obs.find_revision(manual->to_revision);
  const std::string request = manual->why.empty() ? "manual rollback " + manual->request_id : manual->why;
  if (!target || target->template_hash.empty()) {
    std::string message = request + ": revision " + std::to_string(manual->to_revision) +
                          " not found; available revisions: " + step.obs.available_revisions();
    step.event(EventType::Warning, "ManualRollbackFailed", message);
    step.history("ManualRollbackFailed", message, step.obs.current_revision, manual->to_revision);
    return false;
  }
  if (target->template_hash == step.current_template()) {
    std::string message =
        request + ": revision " + std::to_string(manual->to_revision) + " is already running";
    step.event(EventType::Normal, "ManualRollbackSkipped", message);
    step.history("ManualRollbackSkipped", message, step.obs.current_revision, manual->to_revision);
    return false;
  }
  if (s.hold) {
    // A held Deployment does not roll out: the rollback has to resume it.
    if (step.obs.paused) {
      step.d.release = ReleaseAction{request + " resumes the held Deployment", step.obs.resource_version};
      s.resume_pending = true;
    }
    s.hold.reset();
  }
  start_rollback(step, *target, RollbackReason::Manual, request);
  return true;
}

void act_on_breach(Step& step) {
  auto& s = step.s();
  const auto from = step.obs.current_revision;
  const std::string summary =
      breach_summary(s) + " for " + std::to_string(s.consecutive_failures) + " evaluations";
  const std::string breached = "SLOs breached on revision " + revision_text(from) + " (" +
                               (s.failing_slo.empty() ? std::string("inconclusive") : s.failing_slo) + ")";
  auto degraded = [&](const std::string& why) {
    s.phase = Phase::Degraded;
    s.message = breached + "; not rolling back: " + why;
    if (s.message != step.previous.message)
      step.event(EventType::Warning, "RollbackNotPossible", summary + "; " + why);
  };
  if (s.last_rollback && s.last_rollback->started_at) {
    const auto until = *s.last_rollback->started_at + step.policy.rollback.cooldown;
    if (step.now < until) {
      degraded("in cooldown until " + kube::format_time(until));
      step.d.requeue_after =
          std::min(step.d.requeue_after, std::chrono::duration_cast<Duration>(until - step.now));
      return;
    }
  }
  if (step.obs.paused)
    return degraded("the Deployment is paused by someone else, and rollguard does not resume it");
  std::string why_not;
  const auto* target = pick_target(step, why_not);
  if (!target) return degraded(why_not);
  const auto reason = step.obs.progress_deadline_exceeded && deployment_slo_failing(step)
                          ? RollbackReason::ProgressDeadline
                          : RollbackReason::SLOBreached;
  if (step.policy.rollback.mode == RollbackMode::DryRun) {
    std::string text = "would roll back " + arrow(from, target->revision) + " because " + summary;
    s.phase = Phase::Degraded;
    s.message = "would roll back " + arrow(from, target->revision) + " (DryRun): " + breached;
    if (s.last_dry_run && s.last_dry_run->template_hash == step.current_template()) return;  // said once
    s.last_dry_run = DryRunRecord{from, target->revision, step.current_template(), text, step.now};
    step.d.rollback = RollbackAction{from,
                                     target->revision,
                                     target->name,
                                     target->template_hash,
                                     step.current_template(),
                                     step.obs.resource_version,
                                     reason,
                                     text,
                                     "",
                                     true};
    step.event(EventType::Warning, "DryRunRollback", text);
    step.history("DryRunRollback", text, from, target->revision);
    return;
  }
  start_rollback(step, *target, reason, summary);
}

}  // namespace rollguard::decision
