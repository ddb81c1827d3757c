#include "rollguard/policy.hpp"

#include "kube/object_meta.hpp"
#include "rollguard/spec_reader.hpp"

namespace rollguard {

namespace {

constexpr int kMaxThreshold = 100;

void parse_target(const spec::Reader& spec, Policy& policy) {
  if (!spec.has("targetRef")) {
    spec.error("targetRef", "required");
    return;
  }
  auto target = spec.child("targetRef");
  if (auto kind = target.string("kind"); kind && *kind != "Deployment") {
    target.error("kind", "must be Deployment, got \"" + *kind + "\"");
  }
  if (auto api = target.string("apiVersion"); api && *api != "apps/v1") {
    target.error("apiVersion", "must be apps/v1, got \"" + *api + "\"");
  }
  policy.target_name = target.required_string("name");
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
}

void parse_manual_rollback(const spec::Reader& spec, Policy& policy) {
  if (!spec.has("manualRollback")) return;
  auto manual = spec.child("manualRollback");
  ManualRollback out;
  if (!manual.has("toRevision")) manual.error("toRevision", "required");
  out.to_revision = manual.integer_in("toRevision", 1, INT64_MAX, 0);
  out.request_id = manual.required_string("requestId");
  if (out.to_revision > 0 && !out.request_id.empty()) policy.manual_rollback = out;
}

void parse_notifications(const spec::Reader& spec, Policy& policy) {
  auto notifications = spec.child("notifications");
  auto* webhooks = notifications.array("webhooks");
  if (!webhooks) return;
  for (std::size_t i = 0; i < webhooks->size(); ++i) {
    auto path = notifications.path("webhooks") + "[" + std::to_string(i) + "]";
    auto* item = (*webhooks)[i].if_object();
    if (!item) {
      spec.errors().push_back({path, "must be an object"});
      continue;
    }
    spec::Reader hook(item, path, spec.errors());
    NotificationWebhook out;
    out.name = hook.required_string("name");
    if (!hook.has("urlSecretRef")) hook.error("urlSecretRef", "required");
    if (auto ref = hook.secret_key_ref("urlSecretRef")) out.url_secret_ref = *ref;
    policy.notification_webhooks.push_back(std::move(out));
  }
}

}  // namespace

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
