#include "rollguard/label_selector.hpp"

#include <algorithm>

#include "rollguard/spec_reader.hpp"

namespace rollguard {

namespace {
namespace json = boost::json;

const json::string* label(const json::object* labels, const std::string& key) {
  auto* v = labels ? labels->if_contains(key) : nullptr;
  return v ? v->if_string() : nullptr;
}

bool contains(const std::vector<std::string>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}
}  // namespace

bool LabelSelector::matches(const json::object* labels) const {
  for (auto& [key, value] : match_labels) {
    auto* have = label(labels, key);
    if (!have || *have != value) return false;
  }
  for (auto& r : match_expressions) {
    auto* have = label(labels, r.key);
    switch (r.op) {
      case LabelRequirement::Operator::In:
        if (!have || !contains(r.values, *have)) return false;
        break;
      case LabelRequirement::Operator::NotIn:
        if (have && contains(r.values, *have)) return false;
        break;
      case LabelRequirement::Operator::Exists:
        if (!have) return false;
        break;
      case LabelRequirement::Operator::DoesNotExist:
        if (have) return false;
        break;
    }
  }
  return true;
}

std::string LabelSelector::to_string() const {
  std::string out;
  auto add = [&](const std::string& part) { out += (out.empty() ? "" : ",") + part; };
  for (auto& [key, value] : match_labels) add(key + "=" + value);
  for (auto& r : match_expressions) {
    std::string values;
    for (auto& v : r.values) values += (values.empty() ? "" : ",") + v;
    switch (r.op) {
      case LabelRequirement::Operator::In:
        add(r.key + " in (" + values + ")");
        break;
      case LabelRequirement::Operator::NotIn:
        add(r.key + " notin (" + values + ")");
        break;
      case LabelRequirement::Operator::Exists:
        add(r.key);
        break;
      case LabelRequirement::Operator::DoesNotExist:
        add("!" + r.key);
        break;
    }
  }
  return out;
}

LabelSelector parse_label_selector(const spec::Reader& r) {
  LabelSelector out;
  if (auto* labels = r.object("matchLabels")) {
    for (auto& [key, value] : *labels) {
      if (!value.is_string()) {
        r.error("matchLabels." + std::string(key), "must be a string");
        continue;
      }
      out.match_labels.emplace(std::string(key), std::string(value.get_string()));
    }
  }
  if (auto* expressions = r.array("matchExpressions")) {
    for (std::size_t i = 0; i < expressions->size(); ++i) {
      const auto path = r.path("matchExpressions") + "[" + std::to_string(i) + "]";
      auto* item = (*expressions)[i].if_object();
      if (!item) {
        r.errors().push_back({path, "must be an object"});
        continue;
      }
      spec::Reader e(item, path, r.errors());
      LabelRequirement req;
      req.key = e.required_string("key");
      const auto op = e.required_string("operator");
      if (op == "In") {
        req.op = LabelRequirement::Operator::In;
      } else if (op == "NotIn") {
        req.op = LabelRequirement::Operator::NotIn;
      } else if (op == "Exists") {
        req.op = LabelRequirement::Operator::Exists;
      } else if (op == "DoesNotExist") {
        req.op = LabelRequirement::Operator::DoesNotExist;
      } else if (!op.empty()) {
        e.error("operator", "must be In, NotIn, Exists or DoesNotExist, got \"" + op + "\"");
        continue;
      }
      if (auto* values = e.array("values")) {
        for (auto& v : *values) {
          if (v.is_string()) req.values.emplace_back(v.get_string());
        }
      }
      // As the API server validates a LabelSelector (ValidateLabelSelectorRequirement).
      const bool set_op =
          req.op == LabelRequirement::Operator::In || req.op == LabelRequirement::Operator::NotIn;
      if (set_op && req.values.empty()) {
        e.error("values", "must be specified when `operator` is 'In' or 'NotIn'");
      } else if (!set_op && !req.values.empty()) {
        e.error("values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
      }
      if (!req.key.empty() && !op.empty()) out.match_expressions.push_back(std::move(req));
    }
  }
  return out;
}

}  // namespace rollguard
