// The ReplicaSet controller: as many live pods as spec.replicas (created from the template with an
// owner reference, deleted in upstream's victim order), and status counts including availability
// after minReadySeconds.
#include "cluster.hpp"
#include "json_util.hpp"
#include "pod_template.hpp"
#include "rollout_math.hpp"

namespace kubesim::cluster {
namespace json = boost::json;

namespace {
struct PodView {
  ObjectPtr pod;
  bool ready = false;
  TimePoint ready_since{};
};

PodView view(const ObjectPtr& pod) {
  PodView v{pod, false, {}};
  const auto* conds = at_path(*pod, {"status", "conditions"});
  if (conds && conds->is_array())
    for (const auto& c : conds->as_array())
      if (const auto* co = c.if_object();
          co && str_at(*co, {"type"}) == "Ready" && str_at(*co, {"status"}) == "True") {
        v.ready = true;
        v.ready_since = parse_rfc3339(str_at(*co, {"lastTransitionTime"})).value_or(TimePoint{});
      }
  return v;
}

PodRank rank(const PodView& v) {
  PodRank r;
  r.assigned = !str_at(*v.pod, {"spec", "nodeName"}).empty();
  std::string phase = str_at(*v.pod, {"status", "phase"});
  r.phase = phase == "Running" ? 2 : phase == "Pending" || phase.empty() ? 0 : 1;
  r.ready = v.ready;
  r.ready_since = v.ready_since;
  const auto* cs = at_path(*v.pod, {"status", "containerStatuses"});
  if (cs && cs->is_array())
    for (const auto& c : cs->as_array())
      if (const auto* co = c.if_object()) r.restarts += int_at(*co, {"restartCount"});
  r.created = parse_rfc3339(str_at(*v.pod, {"metadata", "creationTimestamp"})).value_or(TimePoint{});
  return r;
}

bool labels_cover(const json::object& pod, const json::object& wanted) {
  for (const auto& kv : wanted) {
    const auto* v = at_path(pod, {"metadata", "labels", kv.key()});
    if (!v || *v != kv.value()) return false;
  }
  return true;
}
}  // namespace

void Cluster::sync_replicaset(const std::string& ns, const std::string& name) {
  auto rs = client_.get(ObjectKey{"apps", "replicasets", ns, name});
  if (!rs || !str_at(*rs, {"metadata", "deletionTimestamp"}).empty()) return;
  const std::string uid = str_at(*rs, {"metadata", "uid"});
  const std::int64_t desired = std::max<std::int64_t>(0, int_at(*rs, {"spec", "replicas"}, 1));
  const std::int64_t min_ready = int_at(*rs, {"spec", "minReadySeconds"});
  const json::object tmpl = obj_at(*rs, {"spec", "template"});
  const json::object tmpl_labels = obj_at(tmpl, {"metadata", "labels"});

  std::vector<PodView> pods;
  for (auto& pod : owned(uid, "pods")) {
    if (controller_uid(*pod) != uid || !str_at(*pod, {"metadata", "deletionTimestamp"}).empty()) continue;
    std::string phase = str_at(*pod, {"status", "phase"});
    if (phase == "Succeeded" || phase == "Failed") continue;
    pods.push_back(view(pod));
  }

  const auto diff = static_cast<std::int64_t>(pods.size()) - desired;
  if (diff < 0) {
    const json::object no_labels;
    const json::object pod =
        pod_from_template(tmpl, ns, PodOwner{"apps/v1", "ReplicaSet", name, uid}, no_labels);
    // Upstream creates in growing batches (slow start); one sync creating them all is equivalent here.
    for (std::int64_t i = 0; i < -diff && i < 500; ++i) client_.create(resource_path("", "pods", ns), pod);
  } else if (diff > 0) {
    std::vector<PodRank> ranks;
    for (const auto& p : pods) ranks.push_back(rank(p));
    auto order = deletion_order(ranks);
    for (std::int64_t i = 0; i < diff; ++i) {
      const auto& victim = *pods[order[static_cast<std::size_t>(i)]].pod;
      client_.remove(resource_path("", "pods", ns, str_at(victim, {"metadata", "name"})));
    }
  }

  // Status from the pods as they were at the start of this sync; the writes above bring it back.
  auto now_tp = now();
  std::int64_t ready = 0, available = 0, labeled = 0;
  std::optional<TimePoint> next_available;
  for (const auto& p : pods) {
    if (labels_cover(*p.pod, tmpl_labels)) ++labeled;
    if (!p.ready) continue;
    ++ready;
    auto at = p.ready_since + std::chrono::seconds(min_ready);
    if (min_ready == 0 || at <= now_tp) {
      ++available;
    } else if (!next_available || at < *next_available) {
      next_available = at;
    }
  }
  if (next_available)
    enqueue_after({Kind::ReplicaSet, ns, name},
                  std::chrono::duration_cast<std::chrono::milliseconds>(*next_available - now_tp) +
                      std::chrono::milliseconds(1));
  json::object status = obj_at(*rs, {"status"});
  json::object want = status;
  want["replicas"] = static_cast<std::int64_t>(pods.size());
  want["fullyLabeledReplicas"] = labeled;
  want["readyReplicas"] = ready;
  want["availableReplicas"] = available;
  want["observedGeneration"] = int_at(*rs, {"metadata", "generation"}, 1);
  if (canonical_json(want) != canonical_json(status))
    client_.merge_patch(resource_path("apps", "replicasets", ns, name, "status"),
                        json::object{{"status", want}});
}

}  // namespace kubesim::cluster
