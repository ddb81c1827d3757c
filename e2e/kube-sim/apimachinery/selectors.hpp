#pragma once
// Label selectors (string form of `?labelSelector=` and metav1.LabelSelector) and field selectors
// (`?fieldSelector=`), as the API conventions' "Label selector and field selector" describe.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "apimachinery/status.hpp"

namespace kubesim::apimachinery {

enum class SelectorOp { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist };

struct LabelRequirement {
  std::string key;
  SelectorOp op = SelectorOp::kEquals;
  std::vector<std::string> values;  // one for kEquals/kNotEquals, >= 1 for kIn/kNotIn, none otherwise
};

// All requirements must hold (AND). An empty selector matches everything.
struct LabelSelector {
  std::vector<LabelRequirement> requirements;
  bool match_nothing = false;  // a null metav1.LabelSelector selects nothing
};

// Parses "app=web,tier!=db,env in (a,b),!legacy,track". Invalid syntax, keys or values (label
// key/value rules: qualified names, 63 chars) are a 400 BadRequest with upstream-like wording.
Result<LabelSelector> parse_label_selector(std::string_view text);
// Builds from a metav1.LabelSelector JSON ({matchLabels, matchExpressions}); `null` matches nothing,
// `{}` everything. Bad operators / values are 422-style messages in a 400 BadRequest.
Result<LabelSelector> label_selector_from_json(const boost::json::value& selector);
// `labels` is metadata.labels (nullptr or non-object = no labels).
bool matches(const LabelSelector& selector, const boost::json::object* labels);
bool matches_object(const LabelSelector& selector,
                    const boost::json::value& object);  // reads metadata.labels
std::string to_string(const LabelSelector& selector);

struct FieldRequirement {
  std::string field;  // e.g. "metadata.name"
  bool negated = false;
  std::string value;
};

struct FieldSelector {
  std::vector<FieldRequirement> requirements;
};

// Parses "metadata.name=x,metadata.namespace!=y" (=, ==, !=, with \ escapes as upstream). Fields
// other than metadata.name / metadata.namespace and `extra_fields` (per kind, e.g.
// "involvedObject.name" for Events, "status.phase" for Pods) are a 400 BadRequest
// `field label not supported: <field>`.
Result<FieldSelector> parse_field_selector(std::string_view text,
                                           std::span<const std::string> extra_fields = {});
// Reads the dotted field path from the object; a missing field compares as "".
bool matches(const FieldSelector& selector, const boost::json::object& object);
bool matches(const FieldSelector& selector, const boost::json::value& object);

}  // namespace kubesim::apimachinery
