// The Deployment controller (upstream pkg/controller/deployment, re-expressed): one ReplicaSet per
// distinct pod template, revision bookkeeping, rolling update / Recreate steps, history cleanup and
// status. Each sync takes at most one scaling step, then lets the resulting events drive the next,
// as upstream does.
#include <algorithm>

#include "cluster.hpp"
#include "deployment_status.hpp"
#include "json_util.hpp"
#include "pod_template.hpp"
#include "rollout_math.hpp"

namespace kubesim::cluster {
namespace json = boost::json;

namespace {
struct RsInfo {
  ObjectPtr obj;
  std::string name;
  std::int64_t spec = 0, replicas = 0, ready = 0, available = 0, revision = 0;
  TimePoint created{};
};

RsInfo info(const ObjectPtr& rs) {
  RsInfo i;
  i.obj = rs;
  i.name = str_at(*rs, {"metadata", "name"});
  i.spec = int_at(*rs, {"spec", "replicas"}, 1);
  i.replicas = int_at(*rs, {"status", "replicas"});
  i.ready = int_at(*rs, {"status", "readyReplicas"});
  i.available = int_at(*rs, {"status", "availableReplicas"});
  i.revision = revision_number(str_at(*rs, {"metadata", "annotations", kRevisionAnnotation}));
  i.created = parse_rfc3339(str_at(*rs, {"metadata", "creationTimestamp"})).value_or(TimePoint{});
  return i;
}

bool copied_annotation(std::string_view key) {
  return key != "kubectl.kubernetes.io/last-applied-configuration" && key != kRevisionAnnotation &&
         key != kRevisionHistoryAnnotation && key != kDesiredReplicasAnnotation &&
         key != kMaxReplicasAnnotation && key != "deprecated.deployment.rollback.to";
}

json::object with_hash_label(json::object o, std::initializer_list<std::string_view> labels_path,
                             const std::string& hash) {
  json::object* cur = &o;
  for (auto k : labels_path) {
    auto& next = (*cur)[k];
    if (!next.is_object()) next = json::object{};
    cur = &next.as_object();
  }
  (*cur)[kPodTemplateHashLabel] = hash;
  return o;
}
}  // namespace

void Cluster::sync_deployment(const std::string& ns, const std::string& name) {
  auto d = client_.get(ObjectKey{"apps", "deployments", ns, name});
  if (!d || !str_at(*d, {"metadata", "deletionTimestamp"}).empty()) return;
  const Item self{Kind::Deployment, ns, name};
  const std::string uid = str_at(*d, {"metadata", "uid"});
  const json::object tmpl = obj_at(*d, {"spec", "template"});
  const std::int64_t desired =
      std::clamp<std::int64_t>(int_at(*d, {"spec", "replicas"}, 1), 0, std::int64_t{1} << 31);
  const bool paused = bool_at(*d, {"spec", "paused"});
  const bool recreate = str_at(*d, {"spec", "strategy", "type"}) == "Recreate";
  const auto fence =
      resolve_fenceposts(at_path(*d, {"spec", "strategy", "rollingUpdate", "maxSurge"}),
                         at_path(*d, {"spec", "strategy", "rollingUpdate", "maxUnavailable"}), desired);
  const std::int64_t max_surge = recreate ? 0 : fence.max_surge;
  const std::int64_t max_unavailable =
      recreate || desired == 0 ? 0 : std::min(fence.max_unavailable, desired);
  const auto now_tp = now();

  // The deployment's ReplicaSets, oldest first; the new one is the first holding the current template.
  std::vector<RsInfo> all;
  for (auto& rs : owned(uid, "replicasets"))
    if (controller_uid(*rs) == uid && str_at(*rs, {"metadata", "deletionTimestamp"}).empty())
      all.push_back(info(rs));
  std::sort(all.begin(), all.end(), [](const RsInfo& a, const RsInfo& b) {
    return a.created != b.created ? a.created < b.created : a.name < b.name;
  });
  std::optional<std::size_t> new_idx;
  for (std::size_t i = 0; i < all.size() && !new_idx; ++i)
    if (templates_equal(obj_at(*all[i].obj, {"spec", "template"}), tmpl)) new_idx = i;
  std::int64_t max_old_revision = 0;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (!new_idx || i != *new_idx) max_old_revision = std::max(max_old_revision, all[i].revision);

  RolloutFacts facts;
  facts.desired = desired;
  facts.max_unavailable = max_unavailable;
  facts.paused = paused;
  if (const auto* pds = at_path(*d, {"spec", "progressDeadlineSeconds"}); pds && pds->is_number())
    facts.progress_deadline_seconds = int_at(*d, {"spec", "progressDeadlineSeconds"});
  facts.generation = int_at(*d, {"metadata", "generation"}, 1);

  const std::string dpath = resource_path("apps", "deployments", ns, name);
  bool scaled = false;
  if (!paused) {
    if (!new_idx) {
      // A new template: a new ReplicaSet named after its hash (collisionCount varies the hash).
      std::int64_t collisions = int_at(*d, {"status", "collisionCount"});
      std::string hash = pod_template_hash(tmpl, collisions);
      std::string rs_name = name + "-" + hash;
      std::int64_t old_spec = 0, old_pods = 0;
      for (const auto& r : all) old_spec += r.spec, old_pods += r.replicas;
      std::int64_t replicas = recreate ? (old_spec == 0 && old_pods == 0 ? desired : 0)
                                       : new_rs_replicas(desired, max_surge, 0, old_spec);
      json::object annotations;
      if (const auto* a = at_path(*d, {"metadata", "annotations"}); a && a->is_object())
        for (const auto& kv : a->as_object())
          if (copied_annotation(kv.key())) annotations[kv.key()] = kv.value();
      annotations[kRevisionAnnotation] = std::to_string(max_old_revision + 1);
      annotations[kDesiredReplicasAnnotation] = std::to_string(desired);
      annotations[kMaxReplicasAnnotation] = std::to_string(desired + max_surge);
      json::object rs_tmpl = with_hash_label(tmpl, {"metadata", "labels"}, hash);
      json::object meta{{"name", rs_name},
                        {"namespace", ns},
                        {"labels", obj_at(rs_tmpl, {"metadata", "labels"})},
                        {"annotations", annotations},
                        {"ownerReferences", json::array{json::object{{"apiVersion", "apps/v1"},
                                                                     {"kind", "Deployment"},
                                                                     {"name", name},
                                                                     {"uid", uid},
                                                                     {"controller", true},
                                                                     {"blockOwnerDeletion", true}}}}};
      json::object spec{
          {"replicas", replicas},
          {"minReadySeconds", int_at(*d, {"spec", "minReadySeconds"})},
          {"selector", with_hash_label(obj_at(*d, {"spec", "selector"}), {"matchLabels"}, hash)},
          {"template", rs_tmpl}};
      auto reply = client_.create(
          resource_path("apps", "replicasets", ns),
          json::object{
              {"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"metadata", meta}, {"spec", spec}});
      if (reply.status == 409) {
        // Someone else's RS has this name (a hash collision): count it and try another name.
        client_.merge_patch(resource_path("apps", "deployments", ns, name, "status"),
                            json::object{{"status", json::object{{"collisionCount", collisions + 1}}}});
        enqueue(self);
        return;
      }
      if (!reply.ok()) return;
      facts.new_rs_created = true;
      facts.new_rs_name = rs_name;
      client_.merge_patch(
          dpath, json::object{
                     {"metadata",
                      json::object{{"annotations", json::object{{kRevisionAnnotation,
                                                                 std::to_string(max_old_revision + 1)}}}}}});
      return;  // the RS's ADDED event brings the deployment back for status
    }
    RsInfo& nrs = all[*new_idx];
    facts.new_rs_name = nrs.name;
    facts.new_rs_found = true;
    // Revision bookkeeping: a template that comes back (rollback) gets the next revision.
    auto rev = next_revision(str_at(*nrs.obj, {"metadata", "annotations", kRevisionAnnotation}),
                             str_at(*nrs.obj, {"metadata", "annotations", kRevisionHistoryAnnotation}),
                             max_old_revision);
    const std::string rspath = resource_path("apps", "replicasets", ns, nrs.name);
    if (rev.changed) {
      json::object ann{{kRevisionAnnotation, rev.revision}};
      if (!rev.history.empty()) ann[kRevisionHistoryAnnotation] = rev.history;
      client_.merge_patch(rspath, json::object{{"metadata", json::object{{"annotations", ann}}}});
    }
    if (str_at(*d, {"metadata", "annotations", kRevisionAnnotation}) != rev.revision)
      client_.merge_patch(
          dpath,
          json::object{{"metadata",
                        json::object{{"annotations", json::object{{kRevisionAnnotation, rev.revision}}}}}});

    auto set_replicas = [&](RsInfo& r, std::int64_t n) {
      if (r.spec == n) return;
      json::object ann{{kDesiredReplicasAnnotation, std::to_string(desired)},
                       {kMaxReplicasAnnotation, std::to_string(desired + max_surge)}};
      client_.merge_patch(resource_path("apps", "replicasets", ns, r.name),
                          json::object{{"metadata", json::object{{"annotations", ann}}},
                                       {"spec", json::object{{"replicas", n}}}});
      r.spec = n;
      scaled = true;
    };
    std::vector<RsInfo*> olds;
    std::int64_t old_spec = 0, old_pods = 0;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (i != *new_idx) olds.push_back(&all[i]), old_spec += all[i].spec, old_pods += all[i].replicas;
    if (recreate) {
      // Recreate: every old pod gone before the new ReplicaSet scales up.
      for (auto* o : olds) set_replicas(*o, 0);
      if (old_spec == 0 && old_pods == 0) set_replicas(nrs, desired);
    } else if (old_spec == 0) {
      set_replicas(nrs, desired);  // no rollout in progress: a plain scaling event
    } else {
      std::int64_t up = new_rs_replicas(desired, max_surge, nrs.spec, nrs.spec + old_spec);
      if (up != nrs.spec) {
        set_replicas(nrs, up);
      } else {
        std::vector<OldReplicaSet> o;
        for (auto* r : olds) o.push_back({r->spec, r->available});
        auto down = scale_down_old(desired, max_unavailable, nrs.spec, nrs.available, o);
        for (std::size_t i = 0; i < olds.size(); ++i) set_replicas(*olds[i], down[i]);
      }
    }
  } else if (new_idx) {
    facts.new_rs_name = all[*new_idx].name;
    facts.new_rs_found = true;
  }

  ReplicaCounts counts;
  for (std::size_t i = 0; i < all.size(); ++i) {
    counts.replicas += all[i].replicas;
    counts.ready += all[i].ready;
    counts.available += all[i].available;
    counts.spec_total += all[i].spec;
    if (new_idx && i == *new_idx) counts.updated = all[i].replicas;
  }
  json::object previous = obj_at(*d, {"status"});
  json::object status = next_deployment_status(previous, counts, facts, now_tp);
  bool complete = counts.updated == desired && counts.replicas == desired && counts.available == desired;

  // History: ReplicaSets with nothing left beyond revisionHistoryLimit go, oldest revision first.
  if (complete && !scaled) {
    std::int64_t limit = int_at(*d, {"spec", "revisionHistoryLimit"}, 10);
    std::vector<RsInfo*> cleanable;
    for (std::size_t i = 0; i < all.size(); ++i)
      if ((!new_idx || i != *new_idx) && all[i].spec == 0 && all[i].replicas == 0)
        cleanable.push_back(&all[i]);
    std::sort(cleanable.begin(), cleanable.end(), [](auto* a, auto* b) { return a->revision < b->revision; });
    for (std::int64_t i = 0; i + limit < static_cast<std::int64_t>(cleanable.size()); ++i)
      client_.remove(resource_path("apps", "replicasets", ns, cleanable[static_cast<std::size_t>(i)]->name));
  }

  if (canonical_json(status) != canonical_json(previous))
    client_.merge_patch(resource_path("apps", "deployments", ns, name, "status"),
                        json::object{{"status", status}});
  if (auto deadline = progress_deadline(status, facts); deadline && !paused)
    enqueue_after(self, std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - now_tp) +
                            std::chrono::milliseconds(1001));
}

}  // namespace kubesim::cluster
