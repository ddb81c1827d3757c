#include "auth/rbac_rules.hpp"

#include <algorithm>

namespace kubesim::auth {
namespace json = boost::json;

namespace {
std::vector<std::string> strings_of(const json::object& o, const char* field) {
  std::vector<std::string> out;
  const auto* v = o.if_contains(field);
  if (!v || !v->is_array()) return out;
  for (const auto& e : v->as_array())
    if (e.is_string()) out.emplace_back(e.as_string());
  return out;
}

bool has(const std::vector<std::string>& values, const std::string& wanted) {
  return std::find(values.begin(), values.end(), wanted) != values.end();
}

json::array to_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}
}  // namespace

PolicyRule PolicyRule::from_json(const json::object& rule) {
  PolicyRule r;
  r.verbs = strings_of(rule, "verbs");
  r.api_groups = strings_of(rule, "apiGroups");
  r.resources = strings_of(rule, "resources");
  r.resource_names = strings_of(rule, "resourceNames");
  r.non_resource_urls = strings_of(rule, "nonResourceURLs");
  return r;
}

json::object PolicyRule::to_json() const {
  json::object o{{"verbs", to_array(verbs)}};
  if (!api_groups.empty()) o["apiGroups"] = to_array(api_groups);
  if (!resources.empty()) o["resources"] = to_array(resources);
  if (!resource_names.empty()) o["resourceNames"] = to_array(resource_names);
  if (!non_resource_urls.empty()) o["nonResourceURLs"] = to_array(non_resource_urls);
  return o;
}

std::vector<PolicyRule> rules_of(const json::object& role) {
  std::vector<PolicyRule> out;
  const auto* rules = role.if_contains("rules");
  if (!rules || !rules->is_array()) return out;
  for (const auto& r : rules->as_array())
    if (r.is_object()) out.push_back(PolicyRule::from_json(r.as_object()));
  return out;
}

bool verb_matches(const PolicyRule& rule, const std::string& verb) {
  return has(rule.verbs, "*") || has(rule.verbs, verb);
}

bool api_group_matches(const PolicyRule& rule, const std::string& group) {
  return has(rule.api_groups, "*") || has(rule.api_groups, group);
}

bool resource_matches(const PolicyRule& rule, const std::string& combined_resource,
                      const std::string& subresource) {
  for (const auto& r : rule.resources) {
    if (r == "*" || r == combined_resource) return true;
    // "*/scale" covers the scale subresource of every resource, and nothing else.
    if (!subresource.empty() && r == "*/" + subresource) return true;
  }
  return false;
}

bool resource_name_matches(const PolicyRule& rule, const std::string& name) {
  return rule.resource_names.empty() || has(rule.resource_names, name);
}

bool non_resource_url_matches(const PolicyRule& rule, const std::string& path) {
  for (const auto& u : rule.non_resource_urls) {
    if (u == "*" || u == path) return true;
    if (!u.empty() && u.back() == '*' && path.rfind(u.substr(0, u.find_last_not_of('*') + 1), 0) == 0)
      return true;
  }
  return false;
}

bool rule_allows(const RequestAttributes& request, const PolicyRule& rule) {
  if (!request.resource_request)
    return verb_matches(rule, request.verb) && non_resource_url_matches(rule, request.path);
  std::string combined = request.resource;
  if (!request.subresource.empty()) combined += "/" + request.subresource;
  return verb_matches(rule, request.verb) && api_group_matches(rule, request.api_group) &&
         resource_matches(rule, combined, request.subresource) && resource_name_matches(rule, request.name);
}

}  // namespace kubesim::auth
