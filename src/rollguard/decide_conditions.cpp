// decide(): the conditions (Ready, SLOsMet, RolledBack, Blocked) and the summaries in messages.
#include <cstdlib>

#include "rollguard/decide_steps.hpp"

namespace rollguard::decision {

namespace {

using kube::ConditionStatus;

void set(Step& step, std::string_view type, ConditionStatus status, std::string reason, std::string message) {
  kube::set_condition(
      step.s().conditions,
      {std::string(type), status, step.policy.generation, {}, std::move(reason), std::move(message)},
      step.now);
}

bool is_number(const std::string& text) {
  if (text.empty()) return false;
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

// "0.31 > 0.05" from value 0.31 and threshold "<= 0.05"; empty when the threshold is no comparison.
std::string violated(const SloStatus& slo) {
  struct Negation {
    std::string_view threshold, breach;
  };
  static constexpr Negation kNegations[] = {{"<= ", " > "}, {">= ", " < "}, {"< ", " >= "}, {"> ", " <= "}};
  if (!is_number(slo.value)) return {};
  for (auto& n : kNegations) {
    if (slo.threshold.starts_with(n.threshold)) {
      return slo.value + std::string(n.breach) + slo.threshold.substr(n.threshold.size());
    }
  }
  return {};
}

void set_ready(Step& step) {
  auto& s = step.s();
  if (s.phase == Phase::Invalid) return set(step, kReady, ConditionStatus::False, "InvalidSpec", s.message);
  if (s.phase == Phase::Pending && step.obs.name.empty()) {
    return set(step, kReady, ConditionStatus::False, "TargetNotFound", s.message);
  }
  if (s.phase == Phase::Pending) return set(step, kReady, ConditionStatus::Unknown, "Waiting", s.message);
  set(step, kReady, ConditionStatus::True, to_string(s.phase), s.message);
}

void set_slos_met(Step& step) {
  auto& s = step.s();
  if (s.phase == Phase::Invalid || s.phase == Phase::Pending || s.phase == Phase::Blocked) {
    return set(step, kSlosMet, ConditionStatus::Unknown, "NotMeasured",
               "not measured while " + std::string(to_string(s.phase)));
  }
  const auto total = step.policy.slos.size();
  if (total == 0) return set(step, kSlosMet, ConditionStatus::True, "NoSLOs", "the policy defines no SLO");
  if (auto failing = failing_names(s, SloResult::Fail); !failing.empty()) {
    return set(step, kSlosMet, ConditionStatus::False, "SLOBreached", "failing: " + failing);
  }
  if (auto inconclusive = failing_names(s, SloResult::Inconclusive); !inconclusive.empty()) {
    return set(step, kSlosMet, ConditionStatus::Unknown, "Inconclusive", "inconclusive: " + inconclusive);
  }
  if (s.slos.size() < total) {
    return set(step, kSlosMet, ConditionStatus::Unknown, "NotMeasured", "not measured yet");
  }
  set(step, kSlosMet, ConditionStatus::True, "AllSLOsMet", "all " + std::to_string(total) + " SLOs met");
}

void set_rolled_back(Step& step) {
  auto& s = step.s();
  if (s.pending_rollback) return set(step, kRolledBack, ConditionStatus::False, "RollingBack", s.message);
  auto& lr = s.last_rollback;
  if (lr && lr->completed_at && lr->to_template_hash == s.current_template_hash) {
    return set(step, kRolledBack, ConditionStatus::True, lr->reason.empty() ? "RolledBack" : lr->reason,
               lr->message);
  }
  if (lr && lr->completed_at) {
    return set(step, kRolledBack, ConditionStatus::False, "NewRevision", "last rollback: " + lr->message);
  }
  set(step, kRolledBack, ConditionStatus::False, "NoRollback", "no rollback so far");
}

void set_blocked(Step& step) {
  auto& s = step.s();
  if (s.hold) return set(step, kBlocked, ConditionStatus::True, "RejectedTemplate", s.hold->reason);
  set(step, kBlocked, ConditionStatus::False, "NotBlocked", "no rejected template is running");
}

}  // namespace

void set_conditions(Step& step) {
  set_ready(step);
  set_slos_met(step);
  set_rolled_back(step);
  set_blocked(step);
}

std::string failing_names(const PolicyStatus& status, SloResult result) {
  std::string out;
  for (auto& slo : status.slos) {
    if (slo.result != result) continue;
    if (!out.empty()) out += ", ";
    out += slo.name;
  }
  return out;
}

std::string breach_summary(const PolicyStatus& status) {
  std::string out;
  auto add = [&](const SloStatus& slo) {
    if (!out.empty()) out += ", ";
    auto comparison = violated(slo);
    if (!comparison.empty()) {
      out += slo.name + " " + comparison;
    } else {
      out += slo.name + ": " + (slo.message.empty() ? std::string(to_string(slo.result)) : slo.message);
    }
  };
  for (auto& slo : status.slos) {
    if (slo.result == SloResult::Fail) add(slo);
  }
  if (out.empty()) {
    // Counted as failing after inconclusiveThreshold inconclusive evaluations.
    for (auto& slo : status.slos) {
      if (slo.result == SloResult::Inconclusive) add(slo);
    }
  }
  return out.empty() ? "SLOs not met" : out;
}

}  // namespace rollguard::decision
