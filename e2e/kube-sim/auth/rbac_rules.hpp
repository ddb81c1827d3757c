// One RBAC PolicyRule and whether it covers a request, with the semantics of k8s.io/api rbac/v1's
// helpers (VerbMatches, APIGroupMatches, ResourceMatches, ResourceNameMatches,
// NonResourceURLMatches): "*" matches everything; "resource/subresource" and "*/subresource";
// resourceNames only ever match a request that names an object (so never a list, watch or create
// without a name); a nonResourceURL ending in "*" matches by prefix.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "auth/request_attributes.hpp"

namespace kubesim::auth {

struct PolicyRule {
  std::vector<std::string> verbs;
  std::vector<std::string> api_groups;
  std::vector<std::string> resources;
  std::vector<std::string> resource_names;
  std::vector<std::string> non_resource_urls;

  static PolicyRule from_json(const boost::json::object& rule);
  boost::json::object to_json() const;
};

// The rules of a Role or ClusterRole object (`rules`, missing or malformed entries skipped).
std::vector<PolicyRule> rules_of(const boost::json::object& role);

bool verb_matches(const PolicyRule& rule, const std::string& verb);
bool api_group_matches(const PolicyRule& rule, const std::string& group);
bool resource_matches(const PolicyRule& rule, const std::string& combined_resource,
                      const std::string& subresource);
bool resource_name_matches(const PolicyRule& rule, const std::string& name);
bool non_resource_url_matches(const PolicyRule& rule, const std::string& path);
// The whole rule against the whole request.
bool rule_allows(const RequestAttributes& request, const PolicyRule& rule);

}  // namespace kubesim::auth
