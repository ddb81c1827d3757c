#include "deployment_status.hpp"

#include <algorithm>

#include "api_server.hpp"
#include "json_util.hpp"

namespace kubesim::cluster {
namespace json = boost::json;

const json::object* find_condition(const json::array& conditions, const std::string& type) {
  for (const auto& c : conditions)
    if (const auto* o = c.if_object(); o && str_at(*o, {"type"}) == type) return o;
  return nullptr;
}

bool set_condition(json::array& conditions, const Condition& c, TimePoint now) {
  std::string now_text = rfc3339(now), transition = now_text;
  auto it = std::find_if(conditions.begin(), conditions.end(), [&](const json::value& v) {
    return v.is_object() && str_at(v.as_object(), {"type"}) == c.type;
  });
  if (it != conditions.end()) {
    const auto& cur = it->as_object();
    if (str_at(cur, {"status"}) == c.status && str_at(cur, {"reason"}) == c.reason) return false;
    if (str_at(cur, {"status"}) == c.status && !str_at(cur, {"lastTransitionTime"}).empty())
      transition = str_at(cur, {"lastTransitionTime"});
    conditions.erase(it);
  }
  conditions.push_back(json::object{{"type", c.type},
                                    {"status", c.status},
                                    {"lastUpdateTime", now_text},
                                    {"lastTransitionTime", transition},
                                    {"reason", c.reason},
                                    {"message", c.message}});
  return true;
}

namespace {
std::optional<TimePoint> timed_out_at(const json::array& conds, const RolloutFacts& facts) {
  if (!facts.progress_deadline_seconds) return std::nullopt;
  const auto* p = find_condition(conds, "Progressing");
  if (!p) return std::nullopt;
  std::string reason = str_at(*p, {"reason"});
  // A finished rollout or a paused one cannot time out (upstream DeploymentTimedOut).
  if (reason == "NewReplicaSetAvailable" || reason == "DeploymentPaused") return std::nullopt;
  auto last = parse_rfc3339(str_at(*p, {"lastUpdateTime"}));
  if (!last) return std::nullopt;
  return *last + std::chrono::seconds(*facts.progress_deadline_seconds);
}
}  // namespace

std::optional<TimePoint> progress_deadline(const json::object& status, const RolloutFacts& facts) {
  const auto* conds = status.if_contains("conditions");
  if (!conds || !conds->is_array()) return std::nullopt;
  return timed_out_at(conds->as_array(), facts);
}

json::object next_deployment_status(const json::object& previous, const ReplicaCounts& counts,
                                    const RolloutFacts& facts, TimePoint now) {
  json::object s = previous;
  s["observedGeneration"] = facts.generation;
  s["replicas"] = counts.replicas;
  s["updatedReplicas"] = counts.updated;
  s["readyReplicas"] = counts.ready;
  s["availableReplicas"] = counts.available;
  s["unavailableReplicas"] = std::max<std::int64_t>(0, counts.spec_total - counts.available);
  json::array conds;
  if (const auto* c = previous.if_contains("conditions"); c && c->is_array()) conds = c->as_array();

  if (counts.available >= facts.desired - facts.max_unavailable) {
    set_condition(conds,
                  {"Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."},
                  now);
  } else {
    set_condition(conds,
                  {"Available", "False", "MinimumReplicasUnavailable",
                   "Deployment does not have minimum availability."},
                  now);
  }

  const std::string rs = "ReplicaSet \"" + facts.new_rs_name + "\"";
  const auto* progressing = find_condition(conds, "Progressing");
  if (facts.paused) {
    set_condition(conds, {"Progressing", "Unknown", "DeploymentPaused", "Deployment is paused"}, now);
  } else if (progressing && str_at(*progressing, {"reason"}) == "DeploymentPaused") {
    set_condition(conds, {"Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed"}, now);
  } else if (facts.progress_deadline_seconds && !facts.new_rs_name.empty()) {
    auto prev_int = [&](const char* k) {
      const auto* v = previous.if_contains(k);
      return v && v->is_int64() ? v->as_int64() : 0;
    };
    std::int64_t old_replicas = counts.replicas - counts.updated;
    std::int64_t prev_old = prev_int("replicas") - prev_int("updatedReplicas");
    bool complete = counts.updated == facts.desired && counts.replicas == facts.desired &&
                    counts.available == facts.desired;
    bool moved = counts.updated > prev_int("updatedReplicas") || old_replicas < prev_old ||
                 counts.ready > prev_int("readyReplicas") || counts.available > prev_int("availableReplicas");
    if (complete) {
      set_condition(conds,
                    {"Progressing", "True", "NewReplicaSetAvailable", rs + " has successfully progressed."},
                    now);
    } else if (facts.new_rs_created) {
      set_condition(conds,
                    {"Progressing", "True", "NewReplicaSetCreated",
                     "Created new replica set \"" + facts.new_rs_name + "\""},
                    now);
    } else if (!progressing && facts.new_rs_found) {
      set_condition(conds,
                    {"Progressing", "True", "FoundNewReplicaSet",
                     "Found new replica set \"" + facts.new_rs_name + "\""},
                    now);
    } else if (moved) {
      // Progress refreshes lastUpdateTime (the deadline counts from it): upstream removes the
      // condition and sets it again, keeping lastTransitionTime while it stays True.
      std::string transition = progressing && str_at(*progressing, {"status"}) == "True"
                                   ? str_at(*progressing, {"lastTransitionTime"})
                                   : rfc3339(now);
      json::array kept;
      for (auto& c : conds)
        if (!(c.is_object() && str_at(c.as_object(), {"type"}) == "Progressing")) kept.push_back(c);
      conds = std::move(kept);
      set_condition(conds, {"Progressing", "True", "ReplicaSetUpdated", rs + " is progressing."}, now);
      conds.back().as_object()["lastTransitionTime"] = transition;
    } else if (auto deadline = timed_out_at(conds, facts); deadline && now > *deadline) {
      set_condition(conds,
                    {"Progressing", "False", "ProgressDeadlineExceeded", rs + " has timed out progressing."},
                    now);
    }
  }
  s["conditions"] = std::move(conds);
  return s;
}

}  // namespace kubesim::cluster
