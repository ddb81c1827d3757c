#pragma once
// A metav1.LabelSelector (matchLabels + matchExpressions, ANDed) as a value: parsed with the field
// errors the API server's validation gives, matched against an object's labels. spec.targetSelector
// uses it to pick the Deployments of a grouped policy.
#include <boost/json/object.hpp>
#include <map>
#include <string>
#include <vector>

namespace rollguard {

namespace spec {
class Reader;
}

struct LabelRequirement {
  enum class Operator { In, NotIn, Exists, DoesNotExist };
  std::string key;
  Operator op = Operator::In;
  std::vector<std::string> values;
  friend bool operator==(const LabelRequirement&, const LabelRequirement&) = default;
};

struct LabelSelector {
  std::map<std::string, std::string> match_labels;
  std::vector<LabelRequirement> match_expressions;
  bool empty() const { return match_labels.empty() && match_expressions.empty(); }
  bool matches(const boost::json::object* labels) const;
  // "app=shop,tier in (api,web)" — as kubectl prints a selector.
  std::string to_string() const;
  friend bool operator==(const LabelSelector&, const LabelSelector&) = default;
};

// Reads the selector at r's object; errors are recorded on r.
LabelSelector parse_label_selector(const spec::Reader& r);

}  // namespace rollguard
