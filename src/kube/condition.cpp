#include "kube/condition.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <limits>

namespace rollguard::kube {

namespace {

std::string string_or_empty(const boost::json::object& object, std::string_view key) {
  auto* v = object.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

const char* to_string(ConditionStatus status) {
  switch (status) {
    case ConditionStatus::True:
      return "True";
    case ConditionStatus::False:
      return "False";
    case ConditionStatus::Unknown:
      return "Unknown";
  }
  return "Unknown";
}

std::optional<ConditionStatus> parse_condition_status(std::string_view text) {
  if (text == "True") return ConditionStatus::True;
  if (text == "False") return ConditionStatus::False;
  if (text == "Unknown") return ConditionStatus::Unknown;
  return std::nullopt;
}

boost::json::object Condition::to_json() const {
  boost::json::object o;
  o["type"] = type;
  o["status"] = kube::to_string(status);
  if (observed_generation > 0) o["observedGeneration"] = observed_generation;
  o["lastTransitionTime"] = format_time(last_transition_time);
  o["reason"] = reason;
  o["message"] = message;
  return o;
}

std::optional<Condition> Condition::from_json(const boost::json::value& value) {
  auto* o = value.if_object();
  if (!o) return std::nullopt;
  Condition c;
  c.type = string_or_empty(*o, "type");
  if (c.type.empty()) return std::nullopt;
  auto status = parse_condition_status(string_or_empty(*o, "status"));
  if (!status) return std::nullopt;
  c.status = *status;
  if (auto* g = o->if_contains("observedGeneration")) {
    if (g->is_int64()) c.observed_generation = g->get_int64();
    // Only numbers above INT64_MAX are uint64: clamp rather than wrap to negative.
    if (g->is_uint64()) c.observed_generation = std::numeric_limits<std::int64_t>::max();
  }
  if (auto t = parse_time(string_or_empty(*o, "lastTransitionTime"))) c.last_transition_time = *t;
  c.reason = string_or_empty(*o, "reason");
  c.message = string_or_empty(*o, "message");
  return c;
}

std::vector<Condition> parse_conditions(const boost::json::value* array) {
  std::vector<Condition> out;
  if (!array || !array->is_array()) return out;
  for (auto& v : array->get_array()) {
    auto c = Condition::from_json(v);
    if (!c) continue;
    // At most one per type, as the API's listType=map enforces; the first wins.
    if (find_condition(out, c->type)) continue;
    out.push_back(std::move(*c));
  }
  return out;
}

boost::json::array to_json(const std::vector<Condition>& conditions) {
  boost::json::array out;
  for (auto& c : conditions) out.push_back(c.to_json());
  return out;
}

const Condition* find_condition(const std::vector<Condition>& conditions, std::string_view type) {
  auto it = std::find_if(conditions.begin(), conditions.end(), [&](auto& c) { return c.type == type; });
  return it == conditions.end() ? nullptr : &*it;
}

bool is_condition_true(const std::vector<Condition>& conditions, std::string_view type) {
  auto* c = find_condition(conditions, type);
  return c && c->status == ConditionStatus::True;
}

bool set_condition(std::vector<Condition>& conditions, Condition condition, SystemTime now) {
  auto it =
      std::find_if(conditions.begin(), conditions.end(), [&](auto& c) { return c.type == condition.type; });
  if (it == conditions.end()) {
    if (condition.last_transition_time == SystemTime{}) condition.last_transition_time = now;
    conditions.push_back(std::move(condition));
    return true;
  }
  bool changed = false;
  if (it->status != condition.status) {
    it->status = condition.status;
    it->last_transition_time =
        condition.last_transition_time == SystemTime{} ? now : condition.last_transition_time;
    changed = true;
  }
  if (it->reason != condition.reason) {
    it->reason = std::move(condition.reason);
    changed = true;
  }
  if (it->message != condition.message) {
    it->message = std::move(condition.message);
    changed = true;
  }
  if (it->observed_generation != condition.observed_generation) {
    it->observed_generation = condition.observed_generation;
    changed = true;
  }
  return changed;
}

bool remove_condition(std::vector<Condition>& conditions, std::string_view type) {
  auto before = conditions.size();
  std::erase_if(conditions, [&](auto& c) { return c.type == type; });
  return conditions.size() != before;
}

}  // namespace rollguard::kube
