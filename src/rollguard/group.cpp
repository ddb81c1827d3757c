#include "rollguard/group.hpp"

#include <algorithm>

#include "kube/object_meta.hpp"
#include "kube/time.hpp"

namespace rollguard {

namespace {
namespace json = boost::json;
using kube::ConditionStatus;

// The most urgent first: what a person should look at when the group has several states at once.
int urgency(Phase phase) {
  switch (phase) {
    case Phase::Invalid:
      return 0;
    case Phase::Blocked:
      return 1;
    case Phase::RollingBack:
      return 2;
    case Phase::Degraded:
      return 3;
    case Phase::RolledBack:
      return 4;
    case Phase::Verifying:
      return 5;
    case Phase::Pending:
      return 6;
    case Phase::Paused:
      return 7;
    case Phase::Healthy:
      return 8;
  }
  return 9;
}

json::object together_to_json(const TogetherRollback& t) {
  json::object o;
  o["requestId"] = t.request_id;
  o["trigger"] = t.trigger;
  o["triggerFromRevision"] = t.trigger_from_revision;
  o["triggerToRevision"] = t.trigger_to_revision;
  if (!t.reason.empty()) o["reason"] = t.reason;
  json::array members;
  for (auto& [name, revision] : t.members)
    members.push_back(json::object{{"name", name}, {"toRevision", revision}});
  o["members"] = std::move(members);
  return o;
}

std::optional<TogetherRollback> together_from_json(const json::value* v) {
  auto* o = v ? v->if_object() : nullptr;
  if (!o) return std::nullopt;
  auto str = [&](const char* key) {
    auto* f = o->if_contains(key);
    return f && f->is_string() ? std::string(f->get_string()) : std::string();
  };
  auto num = [](const json::object& from, const char* key) -> std::int64_t {
    auto* f = from.if_contains(key);
    return f && f->is_int64() ? f->get_int64() : (f && f->is_uint64() ? std::int64_t(f->get_uint64()) : 0);
  };
  TogetherRollback t;
  t.request_id = str("requestId");
  if (t.request_id.empty()) return std::nullopt;
  t.trigger = str("trigger");
  t.reason = str("reason");
  t.trigger_from_revision = num(*o, "triggerFromRevision");
  t.trigger_to_revision = num(*o, "triggerToRevision");
  if (auto* m = o->if_contains("members"); m && m->is_array()) {
    for (auto& item : m->get_array()) {
      auto* e = item.if_object();
      auto* name = e ? e->if_contains("name") : nullptr;
      if (!name || !name->is_string()) continue;
      auto revision = num(*e, "toRevision");
      if (revision > 0) t.members[std::string(name->get_string())] = revision;
    }
  }
  return t;
}

const kube::Condition* condition_of(const PolicyStatus& s, std::string_view type) {
  return kube::find_condition(s.conditions, type);
}

}  // namespace

const PolicyStatus* GroupStatus::target(std::string_view name) const {
  for (auto& t : targets)
    if (t.name == name) return &t.status;
  return nullptr;
}

json::object GroupStatus::to_json() const {
  json::object o = summary.to_json();
  json::array items;
  for (auto& t : targets) {
    json::object item = t.status.to_json();
    // The name first in `kubectl get -o yaml` (keys keep insertion order).
    json::object named;
    named["name"] = t.name;
    for (auto& [k, v] : item) named[k] = v;
    items.push_back(std::move(named));
  }
  o["targets"] = std::move(items);
  if (together) o["together"] = together_to_json(*together);
  return o;
}

GroupStatus GroupStatus::from_json(const json::value* status) {
  GroupStatus g;
  g.summary = PolicyStatus::from_json(status);
  auto* o = status ? status->if_object() : nullptr;
  if (!o) return g;
  if (auto* items = o->if_contains("targets"); items && items->is_array()) {
    for (auto& item : items->get_array()) {
      auto* e = item.if_object();
      auto* name = e ? e->if_contains("name") : nullptr;
      if (!name || !name->is_string() || name->get_string().empty()) continue;
      g.targets.push_back({std::string(name->get_string()), PolicyStatus::from_json(&item)});
    }
  }
  g.together = together_from_json(o->if_contains("together"));
  return g;
}

std::vector<std::string> group_targets(const Policy& policy,
                                       const std::vector<const json::object*>& deployments) {
  if (!policy.target_selector) return policy.target_names;
  std::vector<std::string> out;
  for (auto* d : deployments) {
    auto* metadata = kube::meta::metadata(*d);
    auto* labels = metadata ? metadata->if_contains("labels") : nullptr;
    if (policy.target_selector->matches(labels ? labels->if_object() : nullptr))
      out.emplace_back(kube::meta::name(*d));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Policy member_policy(const Policy& group, const std::string& target) {
  Policy member = group;
  member.target_name = target;
  member.target_names.clear();
  member.target_selector.reset();
  if (member.manual_rollback && member.manual_rollback->target != target) member.manual_rollback.reset();
  return member;
}

std::optional<TogetherRollback> together_incident(const Policy& group, const std::vector<MemberRound>& round,
                                                  const std::optional<TogetherRollback>& current) {
  if (!group.rollback.together) return std::nullopt;
  for (auto& trigger : round) {
    if (!trigger.decision || !trigger.decision->rollback) continue;
    const auto& action = *trigger.decision->rollback;
    if (action.dry_run || action.reason == RollbackReason::Manual) continue;  // ours included: Manual
    // The same trigger and revision again (a re-issued patch): the incident already exists.
    if (current && current->trigger == trigger.name && current->trigger_from_revision == action.from_revision)
      return std::nullopt;
    TogetherRollback incident;
    incident.trigger = trigger.name;
    incident.trigger_from_revision = action.from_revision;
    incident.trigger_to_revision = action.to_revision;
    incident.reason = action.message;
    incident.request_id = "together-" + trigger.name + "-" + std::to_string(action.from_revision);
    for (auto& member : round) {
      if (member.name == trigger.name || !member.observation || !member.previous) continue;
      // Only what changed since it was last known good (by template: a rollback gives the restored
      // template a new revision number); a member already rolling back is left to its own decision.
      const auto& lkg_hash = member.previous->last_known_good_template_hash;
      if (lkg_hash.empty() || member.observation->current_template_hash == lkg_hash) continue;
      if (member.decision && member.decision->rollback) continue;
      // The revision that carries the last known good template now.
      const auto* lkg = member.observation->find_template(lkg_hash);
      if (!lkg || lkg->revision <= 0) continue;
      incident.members[member.name] = lkg->revision;
    }
    return incident;
  }
  return std::nullopt;
}

std::optional<ManualRollback> together_request(const TogetherRollback& incident, const std::string& member) {
  auto it = incident.members.find(member);
  if (it == incident.members.end()) return std::nullopt;
  ManualRollback request;
  request.to_revision = it->second;
  request.request_id = incident.request_id;
  request.target = member;
  request.why = "rolled back together with " + incident.trigger + " (" + incident.reason + ")";
  return request;
}

PolicyStatus summarize(const Policy& group, const std::vector<TargetStatus>& targets,
                       const PolicyStatus& previous_summary, SystemTime now) {
  PolicyStatus s;
  s.observed_generation = group.generation;
  s.conditions = previous_summary.conditions;
  s.handled_requests = previous_summary.handled_requests;
  if (targets.empty()) {
    s.phase = Phase::Pending;
    s.message =
        group.target_selector ? "no Deployment matches " + group.target_selector->to_string() : "no targets";
  } else {
    const TargetStatus* worst = &targets.front();
    for (auto& t : targets)
      if (urgency(t.status.phase) < urgency(worst->status.phase)) worst = &t;
    s.phase = worst->status.phase;
    std::string message;
    for (auto& t : targets) {
      message += (message.empty() ? "" : "; ") + t.name + ": " + to_string(t.status.phase);
      if (!t.status.failing_slo.empty()) {
        for (std::size_t start = 0; start <= t.status.failing_slo.size();) {
          auto end = t.status.failing_slo.find(',', start);
          if (end == std::string::npos) end = t.status.failing_slo.size();
          s.failing_slo += (s.failing_slo.empty() ? "" : ",") + t.name + "/" +
                           t.status.failing_slo.substr(start, end - start);
          start = end + 1;
        }
      }
    }
    s.message = worst->name + ": " + worst->status.message + " [" + message + "]";
  }
  // Ready and SLOsMet: True when every member's is; RolledBack and Blocked: True when any member's is.
  // The reason and message are those of the first member that decides it.
  auto combine = [&](std::string_view type, bool all) {
    const kube::Condition* decisive = nullptr;
    for (auto& t : targets) {
      auto* c = condition_of(t.status, type);
      const bool is_true = c && c->status == ConditionStatus::True;
      if (all ? !is_true : is_true) {
        decisive = c;
        break;
      }
    }
    kube::Condition out;
    out.type = std::string(type);
    out.observed_generation = group.generation;
    if (targets.empty()) {
      out.status = ConditionStatus::False;
      out.reason = "NoTargets";
      out.message = s.message;
    } else if (decisive) {
      out.status = all ? (decisive->status == ConditionStatus::Unknown ? ConditionStatus::Unknown
                                                                       : ConditionStatus::False)
                       : ConditionStatus::True;
      out.reason = decisive->reason.empty() ? "Unknown" : decisive->reason;
      out.message = decisive->message;
    } else if (all) {
      out.status = ConditionStatus::True;
      auto* first = condition_of(targets.front().status, type);
      out.reason = first && !first->reason.empty() ? first->reason : "AllTargets";
      out.message = "every target: " + (first ? first->message : std::string());
    } else {
      out.status = ConditionStatus::False;
      out.reason = "NoTarget";
      out.message = "no target";
    }
    if (!all && !decisive && targets.size() && !condition_of(targets.front().status, type)) return;
    kube::set_condition(s.conditions, std::move(out), now);
  };
  combine("Ready", true);
  combine("SLOsMet", true);
  combine("RolledBack", false);
  combine("Blocked", false);
  return s;
}

}  // namespace rollguard
