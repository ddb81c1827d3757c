#include "rollguard/query_template.hpp"

#include <array>
#include <optional>

namespace rollguard {

namespace {

constexpr std::array<std::string_view, 7> kVariables = {
    "namespace", "deployment", "podTemplateHash", "revision", "lastKnownGoodPodTemplateHash",
    "interval",  "policy"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_known(std::string_view name) {
  for (auto v : kVariables) {
    if (v == name) return true;
  }
  return false;
}

std::optional<std::string> value_of(std::string_view name, const EvaluationContext& c) {
  if (name == "namespace") return c.ns;
  if (name == "deployment") return c.deployment;
  if (name == "podTemplateHash") return c.pod_template_hash;
  if (name == "revision") return std::to_string(c.revision);
  if (name == "lastKnownGoodPodTemplateHash") return c.last_known_good_pod_template_hash;
  if (name == "interval") return promql_duration(c.interval);
  if (name == "policy") return c.policy;
  return std::nullopt;
}

// Calls on_text for literal runs and on_variable for each {{name}}; returns false at an
// unterminated "{{" (the rest is passed as text).
template <class Text, class Variable>
bool scan(std::string_view text, Text on_text, Variable on_variable) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      on_text(text.substr(pos));
      return true;
    }
    on_text(text.substr(pos, open - pos));
    auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      on_text(text.substr(open));
      return false;
    }
    on_variable(trim(text.substr(open + 2, close - open - 2)));
    pos = close + 2;
  }
  return true;
}

}  // namespace

std::vector<std::string> unknown_template_variables(std::string_view text) {
  std::vector<std::string> unknown;
  bool terminated = scan(
      text, [](std::string_view) {},
      [&](std::string_view name) {
        if (!is_known(name)) unknown.emplace_back(name);
      });
  if (!terminated) unknown.emplace_back("{{");
  return unknown;
}

std::string render_template(std::string_view text, const EvaluationContext& context) {
  std::string out;
  out.reserve(text.size() + 64);
  scan(
      text, [&](std::string_view literal) { out.append(literal); },
      [&](std::string_view name) {
        if (auto value = value_of(name, context)) {
          out.append(*value);
        } else {
          out.append("{{").append(name).append("}}");
        }
      });
  return out;
}

std::string promql_duration(Duration d) {
  auto ms = d.count();
  if (ms <= 0) return "0s";
  if (ms % 1000 != 0) return std::to_string(ms) + "ms";
  auto s = ms / 1000;
  std::string out;
  if (s >= 3600) {
    out += std::to_string(s / 3600) + "h";
    s %= 3600;
  }
  if (s >= 60) {
    out += std::to_string(s / 60) + "m";
    s %= 60;
  }
  if (s > 0) out += std::to_string(s) + "s";
  return out;
}

}  // namespace rollguard
