#pragma once
// metav1.Condition and apimachinery's meta.SetStatusCondition rules, so every controller writes
// conditions the way `kubectl wait --for=condition=...` and GitOps health checks expect:
//  - conditions are keyed by `type` (at most one per type);
//  - lastTransitionTime moves only when `status` flips (a new reason or message is not a transition);
//  - observedGeneration says which spec generation the condition describes.
#include <boost/json/array.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kube/time.hpp"

namespace rollguard::kube {

enum class ConditionStatus { True, False, Unknown };
const char* to_string(ConditionStatus status);
std::optional<ConditionStatus> parse_condition_status(std::string_view text);

struct Condition {
  std::string type;
  ConditionStatus status = ConditionStatus::Unknown;
  std::int64_t observed_generation = 0;
  SystemTime last_transition_time{};
  std::string reason;  // UpperCamelCase, required by the API (metav1.Condition validation)
  std::string message;

  boost::json::object to_json() const;
  // Tolerant: a condition missing type or with an unknown status is skipped by parse_conditions.
  static std::optional<Condition> from_json(const boost::json::value& value);
  friend bool operator==(const Condition&, const Condition&) = default;
};

std::vector<Condition> parse_conditions(const boost::json::value* array);
boost::json::array to_json(const std::vector<Condition>& conditions);

const Condition* find_condition(const std::vector<Condition>& conditions, std::string_view type);
bool is_condition_true(const std::vector<Condition>& conditions, std::string_view type);

// meta.SetStatusCondition: adds or updates the condition of `condition.type`. A new condition, or
// one whose status flips, gets lastTransitionTime = now (or condition.last_transition_time when
// set); otherwise the old transition time is kept. Returns whether anything changed.
bool set_condition(std::vector<Condition>& conditions, Condition condition, SystemTime now);
// Returns whether a condition of that type was removed.
bool remove_condition(std::vector<Condition>& conditions, std::string_view type);

}  // namespace rollguard::kube
