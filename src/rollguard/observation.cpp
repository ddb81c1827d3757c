#include "rollguard/observation.hpp"

#include <algorithm>

#include "kube/object_meta.hpp"
#include "rollguard/json_access.hpp"
#include "rollguard/template_hash.hpp"

namespace rollguard {

namespace {

namespace json = boost::json;
using lenient::array_at;
using lenient::int_at;
using lenient::object_at;
using lenient::string_at;

std::int32_t int32_at(const json::object* o, std::string_view key, std::int32_t fallback = 0) {
  if (!o) return fallback;
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(int_at(*o, key, fallback), 0, INT32_MAX));
}

std::int64_t revision_of(const json::object& object) {
  auto text = kube::meta::annotation(object, kRevisionAnnotation);
  return text ? lenient::parse_int(*text).value_or(0) : 0;
}

const json::object* condition_of(const json::object* status, std::string_view type) {
  auto* conditions = status ? array_at(*status, "conditions") : nullptr;
  if (!conditions) return nullptr;
  for (auto& c : *conditions) {
    if (auto* o = c.if_object(); o && string_at(*o, "type") == type) return o;
  }
  return nullptr;
}

ReplicaSetInfo replica_set_info(const json::object& rs) {
  ReplicaSetInfo info;
  info.name = kube::meta::name(rs);
  info.revision = revision_of(rs);
  info.pod_template_hash = kube::meta::label(rs, kPodTemplateHashLabel).value_or("");
  auto* spec = object_at(rs, "spec");
  if (auto* cached = rs.if_contains(kCachedTemplateHashKey); cached && cached->is_string())
    info.template_hash = cached->get_string();
  else if (auto* tmpl = spec ? object_at(*spec, "template") : nullptr)
    info.template_hash = template_hash(*tmpl);
  info.replicas = int32_at(spec, "replicas");
  auto* status = object_at(rs, "status");
  info.ready_replicas = int32_at(status, "readyReplicas");
  info.available_replicas = int32_at(status, "availableReplicas");
  return info;
}

PodInfo pod_info(const json::object& pod) {
  PodInfo info;
  info.name = kube::meta::name(pod);
  auto* status = object_at(pod, "status");
  if (!status) return info;
  info.ip = string_at(*status, "podIP");
  if (auto* ready = condition_of(status, "Ready")) info.ready = string_at(*ready, "status") == "True";
  if (auto* containers = array_at(*status, "containerStatuses")) {
    for (auto& c : *containers) {
      auto* o = c.if_object();
      if (!o) continue;
      auto restarts = static_cast<int>(std::clamp<std::int64_t>(int_at(*o, "restartCount"), 0, INT32_MAX));
      if (restarts < info.restarts || (restarts == info.restarts && !info.restarting_container.empty()))
        continue;
      info.restarts = restarts;
      info.restarting_container = string_at(*o, "name");
      info.waiting_reason.clear();
      if (auto* state = object_at(*o, "state")) {
        if (auto* waiting = object_at(*state, "waiting")) info.waiting_reason = string_at(*waiting, "reason");
      }
    }
  }
  return info;
}

}  // namespace

bool controlled_by(const boost::json::object& object, std::string_view owner_uid,
                   std::string_view owner_name) {
  auto owner = kube::meta::controller_of(object);
  if (!owner) return false;
  // Compare by uid when both sides have one (a Deployment deleted and recreated under the same name
  // must not adopt the old one's ReplicaSets); objects built without uids compare by name.
  if (!owner_uid.empty() && !owner->uid.empty()) return owner->uid == owner_uid;
  return owner->name == owner_name;
}

bool Observation::rollout_complete() const {
  return observed_generation >= generation && updated_replicas == desired_replicas &&
         available_replicas == desired_replicas && updated_replicas == available_replicas;
}

const ReplicaSetInfo* Observation::current_replica_set() const { return find_revision(current_revision); }

const ReplicaSetInfo* Observation::find_revision(std::int64_t revision) const {
  if (revision <= 0) return nullptr;
  for (auto& rs : replica_sets) {
    if (rs.revision == revision) return &rs;
  }
  return nullptr;
}

const ReplicaSetInfo* Observation::find_template(std::string_view hash) const {
  if (hash.empty()) return nullptr;
  const ReplicaSetInfo* found = nullptr;
  // The newest revision wins should two ReplicaSets ever carry one template.
  for (auto& rs : replica_sets) {
    if (rs.template_hash == hash) found = &rs;
  }
  return found;
}

std::string Observation::available_revisions() const {
  std::string out;
  for (auto& rs : replica_sets) {
    if (rs.revision <= 0) continue;
    if (!out.empty()) out += ", ";
    out += std::to_string(rs.revision);
  }
  return out.empty() ? "none" : out;
}

Observation observe(const json::object& deployment, std::span<const json::object* const> replica_sets,
                    std::span<const json::object* const> pods) {
  Observation obs;
  obs.name = kube::meta::name(deployment);
  obs.uid = kube::meta::uid(deployment);
  obs.resource_version = kube::meta::resource_version(deployment);
  obs.generation = kube::meta::generation(deployment);
  obs.current_revision = revision_of(deployment);

  auto* spec = object_at(deployment, "spec");
  if (spec) {
    obs.paused = lenient::bool_at(*spec, "paused");
    obs.desired_replicas = int32_at(spec, "replicas", 1);
    obs.progress_deadline_seconds = int32_at(spec, "progressDeadlineSeconds", 600);
  }
  auto* status = object_at(deployment, "status");
  if (status) obs.observed_generation = int_at(*status, "observedGeneration");
  obs.updated_replicas = int32_at(status, "updatedReplicas");
  obs.ready_replicas = int32_at(status, "readyReplicas");
  obs.available_replicas = int32_at(status, "availableReplicas");
  if (auto* progressing = condition_of(status, "Progressing")) {
    obs.progress_deadline_exceeded = string_at(*progressing, "status") == "False" &&
                                     string_at(*progressing, "reason") == "ProgressDeadlineExceeded";
    obs.progressing_message = string_at(*progressing, "message");
  }
  if (auto* failure = condition_of(status, "ReplicaFailure")) {
    obs.replica_failure = string_at(*failure, "status") == "True";
    obs.replica_failure_message = string_at(*failure, "message");
  }

  for (auto* rs : replica_sets) {
    if (rs && controlled_by(*rs, obs.uid, obs.name)) obs.replica_sets.push_back(replica_set_info(*rs));
  }
  std::sort(obs.replica_sets.begin(), obs.replica_sets.end(), [](auto& a, auto& b) {
    return a.revision != b.revision ? a.revision < b.revision : a.name < b.name;
  });

  auto* current = obs.current_replica_set();
  auto* tmpl = spec ? object_at(*spec, "template") : nullptr;
  if (auto* cached = deployment.if_contains(kCachedTemplateHashKey); cached && cached->is_string())
    obs.current_template_hash = cached->get_string();
  else
    obs.current_template_hash = tmpl ? template_hash(*tmpl) : (current ? current->template_hash : "");
  if (current) {
    obs.current_pod_template_hash = current->pod_template_hash;
    for (auto* pod : pods) {
      if (!pod || kube::meta::label(*pod, kPodTemplateHashLabel) != current->pod_template_hash) continue;
      // A terminating pod is on its way out; its restarts and readiness say nothing about the revision.
      if (kube::meta::is_being_deleted(*pod)) continue;
      auto owner = kube::meta::controller_of(*pod);
      if (!owner || owner->kind != "ReplicaSet" || owner->name != current->name) continue;
      obs.pods.push_back(pod_info(*pod));
    }
    std::sort(obs.pods.begin(), obs.pods.end(), [](auto& a, auto& b) { return a.name < b.name; });
  }
  return obs;
}

}  // namespace rollguard
