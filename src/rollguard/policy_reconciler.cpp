#include "rollguard/policy_reconciler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "kube/json_patch.hpp"
#include "kube/object_meta.hpp"
#include "rollguard/controller_metrics.hpp"
#include "rollguard/decide.hpp"
#include "rollguard/deployment_slo.hpp"
#include "rollguard/dora.hpp"
#include "rollguard/group.hpp"
#include "rollguard/job_check.hpp"
#include "rollguard/measure/evaluator.hpp"
#include "rollguard/notifier.hpp"
#include "rollguard/observation.hpp"
#include "rollguard/rollback_patch.hpp"
#include "rollguard/run_all.hpp"
#include "rollguard/secrets.hpp"
#include "rollguard/status.hpp"
#include "rollguard/template_hash.hpp"

namespace rollguard {

namespace asio = boost::asio;
namespace json = boost::json;
using runtime::Action;
using runtime::ReconcileError;
using runtime::ReconcileResult;

namespace {

// A failed precondition (our cached view was stale, or somebody wrote in between) resolves itself
// within a watch event: retry soon instead of backing off like a real error.
constexpr auto kStaleRetry = std::chrono::milliseconds(250);
constexpr auto kMaxWaitForDeploymentController = std::chrono::seconds(30);

std::vector<const json::object*> pointers(const std::vector<runtime::ObjectPtr>& objects) {
  std::vector<const json::object*> out;
  out.reserve(objects.size());
  for (auto& o : objects) out.push_back(o.get());
  return out;
}

bool stale(const kube::Error& error) { return error.is_conflict() || error.is_invalid(); }

Measurement inconclusive(const Slo& slo, std::string message, SystemTime now) {
  Measurement m;
  m.slo = slo.name;
  m.result = SloResult::Inconclusive;
  m.message = std::move(message);
  m.at = now;
  return m;
}

}  // namespace

// What the reconciler remembers of a policy between rounds, beyond its status (which is the
// memory that survives restarts): when it last measured, so a burst of pod events cannot run the
// SLO queries faster than `interval`, and what the last decision asked for.
struct PolicyReconciler::Memory {
  std::string measured_template;
  runtime::Clock::time_point measured_at{};
  bool measured_once = false;
  bool needs_measurements = true;
  std::string patched_resource_version;  // of the Deployment our last patch applied to
  std::int64_t in_flux_generation = 0;   // Deployment generation not yet observed
  runtime::Clock::time_point in_flux_since{};
};

PolicyReconciler::PolicyReconciler(ReconcilerContext context)
    : context_(std::move(context)), metrics_(std::make_unique<ControllerMetrics>(*context_.registry)) {
  auto http = std::make_shared<measure::HttpClient>(context_.executor);
  auto limiter = std::make_shared<measure::Limiter>(static_cast<std::size_t>(context_.max_measurements));
  evaluator_ = std::make_unique<measure::SloEvaluator>(context_.executor, http, limiter, context_.clock);
}

PolicyReconciler::~PolicyReconciler() = default;

bool PolicyReconciler::due(const Policy& policy, const Observation& observation, const Memory& memory) const {
  if (!memory.needs_measurements) return false;
  if (!memory.measured_once || memory.measured_template != observation.current_template_hash) return true;
  // 10 % slack: a requeue after exactly `interval` must find the SLOs due.
  return context_.clock->now() - memory.measured_at >= policy.interval * 9 / 10;
}

void PolicyReconciler::append_metrics_text(std::string& out) const { metrics_->append_text(out); }

asio::awaitable<std::vector<Measurement>> PolicyReconciler::measure(const Policy& policy,
                                                                    const Observation& observation,
                                                                    const PolicyStatus& previous) {
  const auto now = context_.clock->system_now();
  const auto context = evaluation_context(policy, observation, previous);
  SecretLookup secrets;
  if (auto refs = secret_refs(policy.slos); !refs.empty()) {
    secrets = co_await resolve_secrets(context_.client, policy.ns, refs);
  }
  std::vector<MeasurementJob> jobs;
  std::vector<std::optional<Measurement>> ready(policy.slos.size());
  for (std::size_t i = 0; i < policy.slos.size(); ++i) {
    const auto& slo = policy.slos[i];
    if (auto* d = std::get_if<DeploymentSlo>(&slo.check)) {
      auto m = evaluate_deployment(*d, observation, now);
      m.slo = slo.name;
      ready[i] = std::move(m);
      continue;
    }
    if (std::holds_alternative<JobSlo>(slo.check)) {
      auto request = std::make_shared<JobCheckRequest>();
      request->client = context_.client;
      request->cluster = context_.cluster;
      request->may_write = context_.may_write;
      request->policy = policy;
      request->slo = slo;
      request->context = context;
      request->rollout_complete = observation.rollout_complete();
      request->rollout_stuck = observation.progress_deadline_exceeded;
      auto before = std::find_if(previous.slos.begin(), previous.slos.end(),
                                 [&](auto& s) { return s.name == slo.name; });
      request->passed_before = previous.current_pod_template_hash == observation.current_pod_template_hash &&
                               before != previous.slos.end() && before->result == SloResult::Pass;
      request->now = now;
      // The closure owns the request for as long as run_all runs it.
      jobs.push_back(
          [request]() -> asio::awaitable<Measurement> { co_return co_await run_job_check(*request); });
      continue;
    }
    // An SLO whose Secret could not be read is Inconclusive, naming the Secret (never a value).
    std::string missing;
    for (auto& [name, key] : secret_refs({slo})) {
      auto it = secrets.errors.find(secret_key(SecretKeyRef{name, key}));
      if (it != secrets.errors.end()) missing = it->second;
    }
    if (!missing.empty()) {
      ready[i] = inconclusive(slo, missing, now);
      continue;
    }
    jobs.push_back([this, &slo, context, values = secrets.values]() -> asio::awaitable<Measurement> {
      co_return co_await evaluator_->evaluate(slo, context, values);
    });
  }
  auto clock = context_.clock;
  // Named, not a temporary inside co_await (GCC 12 destroys those twice; see the README).
  std::function<Measurement(std::string)> fallback = [clock](std::string message) {
    Measurement m;
    m.result = SloResult::Inconclusive;
    m.message = std::move(message);
    m.at = clock->system_now();
    return m;
  };
  auto measured = co_await run_all(jobs, fallback);
  std::vector<Measurement> out;
  std::size_t next = 0;
  for (std::size_t i = 0; i < policy.slos.size(); ++i) {
    if (ready[i]) {
      out.push_back(std::move(*ready[i]));
    } else {
      auto m = std::move(measured[next++]);
      if (m.slo.empty()) m.slo = policy.slos[i].name;
      out.push_back(std::move(m));
    }
  }
  co_return out;
}

asio::awaitable<ReconcileResult> PolicyReconciler::operator()(runtime::Request request) {
  const std::string key = request.key();
  auto object = context_.cluster->policy(request.ns, request.name);
  if (!object) {
    // Deleted: its metrics and memory go with it (its status went with the object).
    metrics_->forget(request.ns, request.name);
    if (context_.notifier) context_.notifier->forget(key);
    memory_.erase(key);
    forget_members(request.ns, request.name, {});
    co_return Action::await_change();
  }
  auto parsed = parse_policy(*object);
  if (parsed.ok() && parsed.policy.grouped()) co_return co_await reconcile_group(request, object, parsed);
  const auto previous = PolicyStatus::from_json(object->if_contains("status"));
  auto& slot = memory_[key];
  if (!slot) slot = std::make_unique<Memory>();
  Memory& memory = *slot;

  // observe
  runtime::ObjectPtr deployment;
  std::vector<runtime::ObjectPtr> replica_sets;
  std::optional<Observation> observation;
  if (parsed.ok())
    observation = observe_target(request.ns, parsed.policy.target_name, deployment, replica_sets);

  // A Deployment whose controller has not yet seen its latest spec pairs the new template with the
  // old revision number (the annotation moves when the controller processes the change): deciding
  // on it would attribute the template to the wrong revision. Wait for the controller, a bounded
  // while (a cluster whose Deployment controller is down still gets decisions).
  if (observation && waiting_for_deployment_controller(key, *observation, memory))
    co_return Action::requeue(kStaleRetry);

  // measure
  std::vector<Measurement> measurements;
  if (parsed.ok() && observation && due(parsed.policy, *observation, memory)) {
    measurements = co_await measure(parsed.policy, *observation, previous);
    memory.measured_once = true;
    memory.measured_template = observation->current_template_hash;
    memory.measured_at = context_.clock->now();
    // If the policy moved while we measured, the status write's precondition (the resourceVersion
    // decided from) fails and the next round decides on the new one.
  }

  // decide
  const auto now = context_.clock->system_now();
  auto decision = decide(parsed, observation, measurements, previous, now);
  const auto decided_at = context_.clock->now();
  memory.needs_measurements = decision.needs_measurements;
  // Deliveries confirmed since the last write leave the outbox with this one.
  if (context_.notifier && context_.notifier->apply_confirmations(key, decision.status.notifications))
    decision.status_changed = !same_but_timestamps(previous, decision.status);
  for (std::size_t i = 0; i < measurements.size(); ++i) {
    const auto& m = measurements[i];
    metrics_->measurement(request.ns, request.name, m);
    if (i < parsed.policy.slos.size()) metrics_->measured(kind_name(parsed.policy.slos[i]), m.result);
    // Logged when an SLO's result changes (every evaluation is in status and /metrics already).
    auto before =
        std::find_if(previous.slos.begin(), previous.slos.end(), [&](auto& s) { return s.name == m.slo; });
    if (before == previous.slos.end() || before->result != m.result) {
      spdlog::info("policy {}: SLO {} {} (value {}, threshold {}){}{}", key, m.slo, to_string(m.result),
                   m.value.empty() ? "-" : m.value, m.threshold.empty() ? "-" : m.threshold,
                   m.message.empty() ? "" : ": ", m.message);
    }
  }
  metrics_->phase(request.ns, request.name, to_string(decision.status.phase));

  // record the status first: a rollback's intent must be in status before its patch is sent.
  if (decision.status_changed) {
    json::object status_json = decision.status.to_json();
    // An invalid edit of a grouped policy keeps what its targets remember for when it is fixed.
    if (auto* before = object->if_contains("status"); before && before->is_object() && !parsed.ok()) {
      for (const char* kept : {"targets", "together"})
        if (auto* v = before->get_object().if_contains(kept)) status_json[kept] = *v;
    }
    auto written = co_await write_status(*object, std::move(status_json));
    if (!written) {
      if (stale(written.error())) co_return Action::requeue(kStaleRetry);
      co_return ReconcileError::transient("status of " + key + ": " + written.error().describe());
    }
    // Counted from what the written status newly holds: a decision re-run after a failed write
    // counts nothing twice.
    metrics_->dora(request.ns, request.name, dora_figures(previous, decision.status));
  }

  // What the outbox holds is durable now: hand it to the notifier (a queue push; delivery runs on
  // its own coroutines, so no rollback below waits for a receiver).
  if (context_.notifier && parsed.ok()) context_.notifier->sync(parsed.policy, decision.status.notifications);

  // The Events of this decision go out with its status, before the action: an action whose
  // precondition fails is re-sent by a later decision, which does not announce it again.
  for (auto& note : decision.events) record_event(*object, deployment.get(), note);

  // act
  const std::string status_path = "/status";  // named: GCC 12 and temporaries inside co_await
  if (auto early =
          co_await act(parsed.policy, memory, deployment, replica_sets, decision, decided_at, status_path))
    co_return *early;

  if (decision.requeue_after.count() > 0) co_return Action::requeue(decision.requeue_after);
  co_return Action::await_change();
}

std::optional<Observation> PolicyReconciler::observe_target(
    const std::string& ns, const std::string& name, runtime::ObjectPtr& deployment,
    std::vector<runtime::ObjectPtr>& replica_sets) const {
  deployment = context_.cluster->deployment(ns, name);
  if (!deployment) return std::nullopt;
  replica_sets = context_.cluster->replica_sets_of(ns, kube::meta::uid(*deployment));
  // Pods of the current revision only: the ReplicaSet carrying the Deployment's revision.
  std::vector<runtime::ObjectPtr> pods;
  auto revision = kube::meta::annotation(*deployment, kRevisionAnnotation);
  for (auto& rs : replica_sets) {
    if (revision && kube::meta::annotation(*rs, kRevisionAnnotation) == revision) {
      pods = context_.cluster->pods_of(ns, kube::meta::uid(*rs));
    }
  }
  auto rs_ptrs = pointers(replica_sets);
  auto pod_ptrs = pointers(pods);
  return observe(*deployment, rs_ptrs, pod_ptrs);
}

// A Deployment whose controller has not yet seen its latest spec pairs the new template with the
// old revision number (the annotation moves when the controller processes the change): deciding
// on it would attribute the template to the wrong revision. Wait for the controller, a bounded
// while (a cluster whose Deployment controller is down still gets decisions).
bool PolicyReconciler::waiting_for_deployment_controller(const std::string& key,
                                                         const Observation& observation,
                                                         Memory& memory) const {
  if (observation.observed_generation >= observation.generation) return false;
  const auto now_steady = context_.clock->now();
  if (memory.in_flux_generation != observation.generation) {
    memory.in_flux_generation = observation.generation;
    memory.in_flux_since = now_steady;
  }
  if (now_steady - memory.in_flux_since < kMaxWaitForDeploymentController) return true;
  spdlog::warn(
      "policy {}: deployment {} generation {} not observed by its controller after {} s; deciding anyway",
      key, observation.name, observation.generation,
      std::chrono::duration_cast<std::chrono::seconds>(kMaxWaitForDeploymentController).count());
  return false;
}

asio::awaitable<std::optional<ReconcileResult>> PolicyReconciler::act(
    const Policy& policy, Memory& memory, const runtime::ObjectPtr& deployment,
    const std::vector<runtime::ObjectPtr>& replica_sets, const Decision& decision,
    runtime::Clock::time_point decided_at, const std::string& status_path) {
  const std::string key = policy.ns + "/" + policy.name;
  if (decision.rollback && deployment) {
    if (decision.rollback->dry_run) {
      metrics_->dry_run_rollback(policy.ns, policy.name);
    } else if (!memory.patched_resource_version.empty() &&
               memory.patched_resource_version == decision.rollback->expected_resource_version) {
      // Our patch already applied to this version; the cache has not caught up yet. Re-sending
      // would only be refused by the precondition.
      co_return ReconcileResult(Action::requeue(kStaleRetry));
    } else {
      auto acted = co_await roll_back(policy, *deployment, replica_sets, decision);
      if (acted && *acted) {
        memory.patched_resource_version = decision.rollback->expected_resource_version;
        // The issue's "patch sent <= 50 ms after the decision" (the intent's status write included),
        // as scripts/bench-breach-to-patch reads it.
        const std::chrono::duration<double, std::milli> took = context_.clock->now() - decided_at;
        spdlog::info("policy {}: rollback patch accepted {:.1f} ms after the decision", key, took.count());
      }
      if (!acted) {
        if (acted.error().cause)
          co_await record_patch_failure(policy, decision, *acted.error().cause, status_path);
        co_return ReconcileResult(acted.error());
      }
      if (!*acted) co_return ReconcileResult(Action::requeue(kStaleRetry));
    }
  } else if (decision.hold && deployment) {
    const auto patch = hold_patch(*deployment, decision.hold->message, key);
    auto held = co_await patch_deployment(*deployment, patch, "hold");
    if (!held) co_return ReconcileResult(held.error());
    if (!*held) co_return ReconcileResult(Action::requeue(kStaleRetry));
  } else if (decision.release && deployment) {
    const auto patch = release_patch(*deployment);
    auto released = co_await patch_deployment(*deployment, patch, "release");
    if (!released) co_return ReconcileResult(released.error());
    if (!*released) co_return ReconcileResult(Action::requeue(kStaleRetry));
  }
  co_return std::nullopt;
}

// What the API server answered the rollback patch, into status.pendingRollback (the next decision
// reports a rollback that keeps failing). Conditioned on the same intent, not on the policy's
// resourceVersion: our own status write of this round has moved it already.
asio::awaitable<void> PolicyReconciler::record_patch_failure(const Policy& policy, const Decision& decision,
                                                             const kube::Error& error,
                                                             const std::string& status_path) {
  const auto& pending = decision.status.pending_rollback;
  if (!pending || !context_.may_write()) co_return;
  kube::JsonPatch patch;
  const std::string at = status_path + "/pendingRollback";
  patch.test(at + "/targetTemplateHash", pending->target_template_hash);
  patch.test(at + "/fromRevision", pending->from_revision);
  patch.add(at + "/failedAttempts", pending->failed_attempts + 1);
  patch.add(at + "/lastError", error.describe());
  patch.add(at + "/lastErrorPermanent", !error.is_transient());
  const auto resource = kube::ResourceDescriptor::rollback_policies();
  kube::PatchOptions options;
  options.field_manager = "rollguard";
  const std::string subresource = "status";
  std::string body = patch.body();
  auto r = co_await context_.client->patch(resource, policy.ns, policy.name, kube::PatchType::Json, body,
                                           options, subresource);
  if (!r)
    spdlog::debug("status {}/{}: rollback failure not recorded ({})", policy.ns, policy.name,
                  r.error().describe());
}

asio::awaitable<kube::Result<void>> PolicyReconciler::write_status(const json::object& policy,
                                                                   json::object status) {
  const auto ns = std::string(kube::meta::namespace_of(policy));
  const auto name = std::string(kube::meta::name(policy));
  if (!context_.may_write()) {
    co_return kube::Error(kube::ErrorKind::Invalid,
                          "not the leader: status of " + ns + "/" + name + " not written");
  }
  // Preconditioned on the policy we decided from: a stale cache (our previous write not yet seen)
  // or a concurrent writer gets 422 and nothing of theirs is overwritten.
  kube::JsonPatch patch;
  patch.test("/metadata/resourceVersion", kube::meta::resource_version(policy));
  patch.add("/status", std::move(status));
  const auto resource = kube::ResourceDescriptor::rollback_policies();
  kube::PatchOptions options;
  options.field_manager = "rollguard";
  const std::string subresource = "status";
  std::string body = patch.body();
  auto r =
      co_await context_.client->patch(resource, ns, name, kube::PatchType::Json, body, options, subresource);
  if (!r) {
    if (stale(r.error())) {
      spdlog::debug("status {}/{}: stale view, retrying ({})", ns, name, r.error().describe());
    } else {
      spdlog::warn("status {}/{}: {}", ns, name, r.error().describe());
    }
    co_return r.error();
  }
  co_return kube::Result<void>{};
}

asio::awaitable<boost::system::result<bool, ReconcileError>> PolicyReconciler::patch_deployment(
    const json::object& deployment, const std::optional<json::array>& patch, const char* what) {
  const auto ns = std::string(kube::meta::namespace_of(deployment));
  const auto name = std::string(kube::meta::name(deployment));
  if (!patch)
    co_return ReconcileError::permanent(std::string(what) + " of " + ns + "/" + name + ": nothing to patch");
  if (!context_.may_write()) co_return ReconcileError::transient("not the leader: no " + std::string(what));
  const auto resource = kube::ResourceDescriptor::deployments();
  kube::PatchOptions options;
  options.field_manager = "rollguard";
  const std::string no_subresource;
  std::string body = json::serialize(*patch);
  auto r = co_await context_.client->patch(resource, ns, name, kube::PatchType::Json, body, options,
                                           no_subresource);
  if (!r) {
    if (stale(r.error())) {
      spdlog::info("{} of deployment {}/{}: precondition failed ({}), deciding again", what, ns, name,
                   r.error().describe());
      co_return false;
    }
    spdlog::error("{} of deployment {}/{}: {}", what, ns, name, r.error().describe());
    auto error = ReconcileError::transient(std::string(what) + " of deployment " + ns + "/" + name + ": " +
                                           r.error().describe());
    error.cause = r.error();
    co_return error;
  }
  spdlog::info("{} of deployment {}/{} sent", what, ns, name);
  co_return true;
}

asio::awaitable<boost::system::result<bool, ReconcileError>> PolicyReconciler::roll_back(
    const Policy& policy, const json::object& deployment, const std::vector<runtime::ObjectPtr>& replica_sets,
    const Decision& decision) {
  const auto& action = *decision.rollback;
  const json::object* target = nullptr;
  for (auto& rs : replica_sets) {
    if (kube::meta::name(*rs) == action.target_replica_set) target = rs.get();
  }
  const std::string key = policy.ns + "/" + policy.name;
  if (!target) {
    metrics_->rollback_failed(policy.ns, policy.name);
    co_return ReconcileError::transient("rollback of " + key + ": ReplicaSet " + action.target_replica_set +
                                        " is not in the cache");
  }
  // The cache keeps no templates (cache_replica_set): the ReplicaSet to restore is read from the API
  // server, and the decision's template must be exactly the one it holds now, under the same owner.
  const std::string ns(kube::meta::namespace_of(deployment));
  auto fetched_rs =
      co_await context_.client->get(kube::ResourceDescriptor::replica_sets(), ns, action.target_replica_set);
  if (!fetched_rs || !fetched_rs->is_object()) {
    metrics_->rollback_failed(policy.ns, policy.name);
    auto error = ReconcileError::transient(
        "rollback of " + key + ": reading ReplicaSet " + action.target_replica_set + ": " +
        (fetched_rs ? std::string("not an object") : fetched_rs.error().describe()));
    if (!fetched_rs) error.cause = fetched_rs.error();
    co_return error;
  }
  const json::object& fresh = fetched_rs->get_object();
  auto tmpl = deployment_template_from(fresh);
  if (!controlled_by(fresh, kube::meta::uid(deployment), kube::meta::name(deployment)) || !tmpl ||
      template_hash(*tmpl) != action.template_hash) {
    metrics_->rollback_failed(policy.ns, policy.name);
    co_return ReconcileError::transient("rollback of " + key + ": ReplicaSet " + action.target_replica_set +
                                        " no longer holds the template to restore");
  }
  if (kube::meta::resource_version(deployment) != action.expected_resource_version) co_return false;
  const std::string cause = "rollguard " + key + ": " + action.message;
  auto patch = rollback_patch(deployment, fresh, cause, key);
  if (patch && decision.release) {
    // A manual rollback of a held Deployment resumes it in the same patch (one resourceVersion).
    if (auto release = release_patch(deployment)) {
      for (std::size_t i = 1; i < release->size(); ++i) patch->push_back((*release)[i]);
    }
  }
  auto sent = co_await patch_deployment(deployment, patch, "rollback");
  if (!sent) {
    metrics_->rollback_failed(policy.ns, policy.name);
    co_return sent;
  }
  if (*sent) metrics_->rollback(policy.ns, policy.name, to_string(action.reason));
  co_return sent;
}

void PolicyReconciler::record_event(const json::object& policy, const json::object* deployment,
                                    const EventNote& note) {
  // Regarding the Deployment (what `kubectl describe deployment` shows), related to the policy; a
  // policy without a target gets the Event itself.
  auto regarding = runtime::ObjectReference::from_object(deployment ? *deployment : policy);
  std::optional<runtime::ObjectReference> related;
  if (deployment) related = runtime::ObjectReference::from_object(policy);
  const auto type =
      note.type == EventType::Warning ? runtime::EventType::Warning : runtime::EventType::Normal;
  context_.events->record(regarding, related, type, note.reason, note.reason, note.message);
}

}  // namespace rollguard

namespace rollguard {

namespace {
// Members report under "policy/deployment" (metrics labels, notifications, their memory), so two
// targets' SLOs of one name never share a series or an outbox.
std::string member_label(const std::string& policy, const std::string& target) {
  return policy + "/" + target;
}
}  // namespace

void PolicyReconciler::forget_members(const std::string& ns, const std::string& name,
                                      const std::vector<std::string>& keep) {
  const std::string prefix = ns + "/" + name + "@";
  for (auto it = memory_.begin(); it != memory_.end();) {
    if (!it->first.starts_with(prefix)) {
      ++it;
      continue;
    }
    const std::string target = it->first.substr(prefix.size());
    if (std::find(keep.begin(), keep.end(), target) != keep.end()) {
      ++it;
      continue;
    }
    metrics_->forget(ns, member_label(name, target));
    if (context_.notifier) context_.notifier->forget(ns + "/" + member_label(name, target));
    it = memory_.erase(it);
  }
}

asio::awaitable<ReconcileResult> PolicyReconciler::reconcile_group(const runtime::Request& request,
                                                                   const runtime::ObjectPtr& object,
                                                                   const PolicyOrErrors& parsed) {
  const std::string key = request.key();
  const Policy& group = parsed.policy;
  const auto previous = GroupStatus::from_json(object->if_contains("status"));
  const auto in_namespace = context_.cluster->deployments_in(request.ns);
  const auto names = group_targets(group, pointers(in_namespace));
  forget_members(request.ns, request.name, names);

  struct Member {
    std::string name;
    Policy policy;
    Memory* memory = nullptr;
    runtime::ObjectPtr deployment;
    std::vector<runtime::ObjectPtr> replica_sets;
    std::optional<Observation> observation;
    PolicyStatus previous;
    std::vector<Measurement> measurements;
    Decision decision;
  };
  std::vector<Member> members(names.size());
  const auto now = context_.clock->system_now();
  for (std::size_t i = 0; i < names.size(); ++i) {
    Member& m = members[i];
    m.name = names[i];
    m.policy = member_policy(group, m.name);
    // An incident of rollback.together is re-asked until each member has handled its request.
    if (previous.together && !m.policy.manual_rollback)
      m.policy.manual_rollback = together_request(*previous.together, m.name);
    if (auto* p = previous.target(m.name)) m.previous = *p;
    auto& slot = memory_[key + "@" + m.name];
    if (!slot) slot = std::make_unique<Memory>();
    m.memory = slot.get();
    m.observation = observe_target(request.ns, m.name, m.deployment, m.replica_sets);
    if (m.observation &&
        waiting_for_deployment_controller(key + " target " + m.name, *m.observation, *m.memory))
      co_return Action::requeue(kStaleRetry);
  }
  for (auto& m : members) {
    if (m.observation && due(m.policy, *m.observation, *m.memory)) {
      m.measurements = co_await measure(m.policy, *m.observation, m.previous);
      m.memory->measured_once = true;
      m.memory->measured_template = m.observation->current_template_hash;
      m.memory->measured_at = context_.clock->now();
    }
    m.decision = decide(m.policy, m.observation, m.measurements, m.previous, now);
  }

  // rollback.together: one member's rollback starts an incident for the others that changed.
  auto together = previous.together;
  std::vector<MemberRound> round;
  for (auto& m : members)
    round.push_back({m.name, m.observation ? &*m.observation : nullptr, &m.previous, &m.decision});
  if (auto incident = together_incident(group, round, previous.together)) {
    spdlog::info("policy {}: {} rolls back ({}); together with {} other target(s)", key, incident->trigger,
                 incident->reason, incident->members.size());
    for (auto& m : members) {
      auto request_for = together_request(*incident, m.name);
      if (!request_for) continue;
      m.policy.manual_rollback = request_for;
      m.decision = decide(m.policy, m.observation, m.measurements, m.previous, now);
    }
    together = std::move(incident);
  }

  const auto decided_at = context_.clock->now();
  GroupStatus next;
  next.together = together;
  bool changed = together != previous.together || names.size() != previous.targets.size();
  for (std::size_t i = 0; i < members.size(); ++i) {
    auto& m = members[i];
    const std::string label = member_label(request.name, m.name);
    if (context_.notifier &&
        context_.notifier->apply_confirmations(request.ns + "/" + label, m.decision.status.notifications))
      m.decision.status_changed = !same_but_timestamps(m.previous, m.decision.status);
    changed = changed || m.decision.status_changed || i >= previous.targets.size() ||
              previous.targets[i].name != m.name;
    for (auto& measured : m.measurements) metrics_->measurement(request.ns, label, measured);
    metrics_->phase(request.ns, label, to_string(m.decision.status.phase));
    next.targets.push_back({m.name, m.decision.status});
  }
  next.summary = summarize(group, next.targets, previous.summary, now);
  changed = changed || !same_but_timestamps(previous.summary, next.summary);
  metrics_->phase(request.ns, request.name, to_string(next.summary.phase));

  if (changed) {
    auto written = co_await write_status(*object, next.to_json());
    if (!written) {
      if (stale(written.error())) co_return Action::requeue(kStaleRetry);
      co_return ReconcileError::transient("status of " + key + ": " + written.error().describe());
    }
    for (auto& m : members) {
      const PolicyStatus* before = previous.target(m.name);
      metrics_->dora(request.ns, member_label(request.name, m.name),
                     dora_figures(before ? *before : PolicyStatus{}, m.decision.status));
    }
  }

  std::optional<ReconcileResult> first_early;
  Duration requeue{0};
  for (std::size_t i = 0; i < members.size(); ++i) {
    auto& m = members[i];
    const std::string status_path = "/status/targets/" + std::to_string(i);
    if (context_.notifier) {
      Policy labelled = m.policy;
      labelled.name = member_label(request.name, m.name);
      context_.notifier->sync(labelled, m.decision.status.notifications);
    }
    for (auto& note : m.decision.events) record_event(*object, m.deployment.get(), note);
    // Every member acts in this round; the first that must end it early decides the result.
    auto early =
        co_await act(m.policy, *m.memory, m.deployment, m.replica_sets, m.decision, decided_at, status_path);
    if (early && !first_early) first_early = std::move(early);
    if (m.decision.requeue_after.count() > 0 && (requeue.count() == 0 || m.decision.requeue_after < requeue))
      requeue = m.decision.requeue_after;
  }
  if (first_early) co_return *first_early;
  if (requeue.count() > 0) co_return Action::requeue(requeue);
  // No members (a selector that matches nothing yet): look again after an interval.
  co_return Action::requeue(group.interval);
}

}  // namespace rollguard
