#include "rollguard/cluster_cache.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>

#include "kube/object_meta.hpp"
#include "rollguard/job_slo.hpp"
#include "rollguard/observation.hpp"
#include "rollguard/policy.hpp"
#include "rollguard/template_hash.hpp"
#include "runtime/client_source.hpp"
#include "runtime/predicate.hpp"

namespace rollguard {

namespace asio = boost::asio;
namespace json = boost::json;
using runtime::ObjectPtr;
using runtime::Request;

namespace {

std::vector<std::string> target_index(const json::object& policy) {
  auto* spec_value = policy.if_contains("spec");
  auto* spec = spec_value ? spec_value->if_object() : nullptr;
  if (!spec) return {};
  const auto ns = kube::meta::namespace_of(policy);
  std::vector<std::string> out;
  auto add_ref = [&](const json::value& ref) {
    auto* target = ref.if_object();
    auto* name = target ? target->if_contains("name") : nullptr;
    if (name && name->is_string() && !name->get_string().empty())
      out.push_back(runtime::object_key(ns, name->get_string()));
  };
  if (auto* ref = spec->if_contains("targetRef")) add_ref(*ref);
  if (auto* refs = spec->if_contains("targetRefs"); refs && refs->is_array()) {
    for (auto& ref : refs->get_array()) add_ref(ref);
  }
  if (spec->contains("targetSelector")) out.push_back(runtime::object_key(ns, kSelectorTarget));
  return out;
}

std::string check_key(std::string_view ns, std::string_view policy, std::string_view slo) {
  return runtime::object_key(ns, policy) + "/" + std::string(slo);
}

std::vector<std::string> check_index(const json::object& job) {
  auto policy = kube::meta::label(job, kPolicyLabel);
  auto slo = kube::meta::label(job, kSloLabel);
  if (!policy || !slo) return {};
  return {check_key(kube::meta::namespace_of(job), *policy, *slo)};
}

// The policy a check Job belongs to, from its label (what the informer selects on).
std::vector<Request> policy_of_job(const json::object& job) {
  auto policy = kube::meta::label(job, kPolicyLabel);
  if (!policy || policy->empty()) return {};
  return {Request{std::string(kube::meta::namespace_of(job)), std::string(*policy)}};
}

// The controller owner's name, if it is of that kind.
std::string owner_named(const json::object& object, std::string_view kind) {
  auto owner = kube::meta::controller_of(object);
  return owner && owner->kind == kind ? owner->name : std::string();
}

}  // namespace

namespace {
runtime::ObjectPtr template_to_hash(runtime::ObjectPtr object) {
  const auto* spec = object ? object->if_contains("spec") : nullptr;
  const auto* tmpl = spec && spec->is_object() ? spec->get_object().if_contains("template") : nullptr;
  if (!tmpl || !tmpl->is_object()) return object;
  json::object slim = *object;
  slim[kCachedTemplateHashKey] = template_hash(tmpl->get_object());
  slim["spec"].get_object().erase("template");
  return runtime::compact(slim);
}
}  // namespace

runtime::ObjectPtr cache_replica_set(runtime::ObjectPtr object) {
  return template_to_hash(runtime::slim_replicaset(std::move(object)));
}

runtime::ObjectPtr cache_deployment(runtime::ObjectPtr object) {
  return template_to_hash(runtime::slim_deployment(std::move(object)));
}

struct ClusterCache::Informer {
  Informer(kube::ResourceDescriptor r, std::string n, runtime::Transform transform, runtime::Storage storage,
           std::string selector = {})
      : resource(std::move(r)),
        ns(std::move(n)),
        label_selector(std::move(selector)),
        writer(std::move(transform), storage) {}
  kube::ResourceDescriptor resource;
  std::string ns;
  std::string label_selector;
  runtime::Writer writer;
  std::vector<runtime::ChangeHandler> handlers;
};

struct ClusterCache::Namespace {
  explicit Namespace(const std::string& ns)
      : name(ns),
        policies(kube::ResourceDescriptor::rollback_policies(), ns, runtime::strip_for_cache,
                 runtime::Storage::Text),
        deployments(kube::ResourceDescriptor::deployments(), ns, cache_deployment, runtime::Storage::Text),
        replica_sets(kube::ResourceDescriptor::replica_sets(), ns, cache_replica_set, runtime::Storage::Text),
        pods(kube::ResourceDescriptor::pods(), ns, runtime::slim_pod, runtime::Storage::Text),
        // Only rollguard's own Jobs: a namespace's other Jobs are none of its business.
        jobs(kube::ResourceDescriptor::jobs(), ns, runtime::strip_for_cache, runtime::Storage::Text,
             std::string(kPolicyLabel)) {
    policies.writer.add_index(std::string(kTargetIndex), target_index);
    jobs.writer.add_index(std::string(kCheckIndex), check_index);
  }
  std::string name;
  Informer policies;
  Informer deployments;
  Informer replica_sets;
  Informer pods;
  Informer jobs;
  std::vector<Informer*> all() { return {&policies, &deployments, &replica_sets, &pods, &jobs}; }
  std::vector<const Informer*> all() const { return {&policies, &deployments, &replica_sets, &pods, &jobs}; }
};

ClusterCache::ClusterCache(std::shared_ptr<kube::Client> client, std::vector<std::string> namespaces,
                           std::shared_ptr<prometheus::Registry> registry)
    : client_(std::move(client)), registry_(std::move(registry)) {
  if (namespaces.empty()) namespaces.push_back("");
  for (auto& ns : namespaces) namespaces_.push_back(std::make_unique<Namespace>(ns));
}

ClusterCache::~ClusterCache() = default;

const ClusterCache::Namespace* ClusterCache::find(std::string_view ns) const {
  for (auto& n : namespaces_) {
    if (n->name.empty() || n->name == ns) return n.get();
  }
  return nullptr;
}

ObjectPtr ClusterCache::policy(std::string_view ns, std::string_view name) const {
  auto* n = find(ns);
  return n ? n->policies.writer.store().get(ns, name) : nullptr;
}

ObjectPtr ClusterCache::deployment(std::string_view ns, std::string_view name) const {
  auto* n = find(ns);
  return n ? n->deployments.writer.store().get(ns, name) : nullptr;
}

std::vector<ObjectPtr> ClusterCache::replica_sets_of(std::string_view ns,
                                                     std::string_view deployment_uid) const {
  auto* n = find(ns);
  if (!n || deployment_uid.empty()) return {};
  return n->replica_sets.writer.store().by_index(runtime::kOwnerIndex, deployment_uid);
}

std::vector<ObjectPtr> ClusterCache::pods_of(std::string_view ns, std::string_view replica_set_uid) const {
  auto* n = find(ns);
  if (!n || replica_set_uid.empty()) return {};
  return n->pods.writer.store().by_index(runtime::kOwnerIndex, replica_set_uid);
}

std::vector<ObjectPtr> ClusterCache::policies_targeting(std::string_view ns,
                                                        std::string_view deployment) const {
  auto* n = find(ns);
  if (!n) return {};
  auto out = n->policies.writer.store().by_index(kTargetIndex, runtime::object_key(ns, deployment));
  auto selecting =
      n->policies.writer.store().by_index(kTargetIndex, runtime::object_key(ns, kSelectorTarget));
  if (selecting.empty()) return out;
  auto d = n->deployments.writer.store().get(ns, deployment);
  auto* metadata = d ? kube::meta::metadata(*d) : nullptr;
  auto* labels_value = metadata ? metadata->if_contains("labels") : nullptr;
  const json::object* labels = labels_value ? labels_value->if_object() : nullptr;
  for (auto& p : selecting) {
    // A deleted Deployment is no longer in the store: every selecting policy re-reads its group.
    auto parsed = parse_policy(*p);
    if (!d || !parsed.policy.target_selector || parsed.policy.target_selector->matches(labels))
      out.push_back(p);
  }
  return out;
}

std::vector<ObjectPtr> ClusterCache::deployments_in(std::string_view ns) const {
  auto* n = find(ns);
  if (!n) return {};
  // In an all-namespaces cache only the namespace's own range is parsed, not every Deployment.
  return n->deployments.writer.store().by_index(runtime::kNamespaceIndex, ns);
}

ObjectPtr ClusterCache::job(std::string_view ns, std::string_view name) const {
  auto* n = find(ns);
  return n ? n->jobs.writer.store().get(ns, name) : nullptr;
}

std::vector<ObjectPtr> ClusterCache::check_jobs(std::string_view ns, std::string_view policy,
                                                std::string_view slo) const {
  auto* n = find(ns);
  if (!n) return {};
  return n->jobs.writer.store().by_index(kCheckIndex, check_key(ns, policy, slo));
}

void ClusterCache::connect(runtime::Controller& controller) {
  // Deployment-side changes map to the policies that target the Deployment (an index lookup), the
  // way controller-runtime's EnqueueRequestsFromMapFunc does.
  auto policies_for = [this](std::string_view ns, std::string_view deployment) {
    std::vector<Request> out;
    if (deployment.empty()) return out;
    for (auto& p : policies_targeting(ns, deployment)) {
      if (auto r = Request::from_object(*p)) out.push_back(*r);
    }
    return out;
  };
  for (auto& n : namespaces_) {
    // A status write (ours) changes neither generation nor metadata: it must not trigger a reconcile,
    // or every evaluation would run twice. Spec, label and annotation changes do.
    n->policies.handlers.push_back(controller.handler(
        runtime::map_primary(), runtime::any_of({runtime::generation_changed(), runtime::labels_changed(),
                                                 runtime::annotations_changed()})));
    n->deployments.handlers.push_back(controller.handler([policies_for](const json::object& d) {
      return policies_for(kube::meta::namespace_of(d), kube::meta::name(d));
    }));
    n->replica_sets.handlers.push_back(controller.handler([policies_for](const json::object& rs) {
      return policies_for(kube::meta::namespace_of(rs), owner_named(rs, "Deployment"));
    }));
    Namespace* space = n.get();
    n->jobs.handlers.push_back(controller.handler(policy_of_job));
    n->pods.handlers.push_back(controller.handler([policies_for, space](const json::object& pod) {
      auto ns = kube::meta::namespace_of(pod);
      // A check pod's termination message may reach the cache after its Job's Failed condition.
      if (auto job_name = owner_named(pod, "Job"); !job_name.empty()) {
        auto job = space->jobs.writer.store().get(ns, job_name);
        return job ? policy_of_job(*job) : std::vector<Request>{};
      }
      auto rs_name = owner_named(pod, "ReplicaSet");
      if (rs_name.empty()) return std::vector<Request>{};
      auto rs = space->replica_sets.writer.store().get(ns, rs_name);
      if (!rs) return std::vector<Request>{};
      return policies_for(ns, owner_named(*rs, "Deployment"));
    }));
    for (auto* informer : n->all()) controller.wait_for(informer->writer.store());
  }
}

void ClusterCache::start(asio::any_io_executor executor, std::shared_ptr<runtime::Clock> clock) {
  for (auto& n : namespaces_) {
    for (auto* informer : n->all()) {
      sources_.push_back(runtime::client_source(client_, informer->resource, informer->ns));
      auto metrics = runtime::prometheus_watcher_metrics(*registry_, informer->resource.plural);
      runtime::WatcherObserver logs;
      const std::string what =
          informer->resource.plural + (informer->ns.empty() ? "" : " in " + informer->ns);
      logs.on_error = [what](const kube::Error& error, runtime::Clock::duration backoff) {
        spdlog::warn("watch {}: {} (retrying in {} ms)", what, error.describe(),
                     std::chrono::duration_cast<std::chrono::milliseconds>(backoff).count());
      };
      logs.on_notice = [what](const std::string& notice) { spdlog::info("watch {}: {}", what, notice); };
      auto observer = runtime::watcher_observer(metrics, logs);
      auto sink = runtime::apply_and_notify(informer->writer, informer->handlers);
      auto& signal = signals_.emplace_back(std::make_unique<asio::cancellation_signal>());
      ++running_;
      runtime::WatcherOptions options;
      options.config.label_selector = informer->label_selector;
      asio::co_spawn(
          executor,
          runtime::run_watcher(*sources_.back(), options, clock, runtime::default_random(), sink, observer),
          asio::bind_cancellation_slot(signal->slot(), [this](std::exception_ptr error) {
            --running_;
            if (error) {
              try {
                std::rethrow_exception(error);
              } catch (const std::exception& e) {
                spdlog::error("watcher ended with an exception: {}", e.what());
              }
            }
          }));
    }
  }
}

void ClusterCache::stop() {
  for (auto& s : signals_) s->emit(asio::cancellation_type::terminal);
}

bool ClusterCache::synced() const { return unsynced().empty(); }

std::vector<std::string> ClusterCache::unsynced() const {
  std::vector<std::string> out;
  for (auto& n : namespaces_) {
    for (auto* informer : n->all()) {
      if (!informer->writer.store().is_ready()) {
        out.push_back(informer->resource.plural + (n->name.empty() ? "" : "/" + n->name));
      }
    }
  }
  return out;
}

}  // namespace rollguard
