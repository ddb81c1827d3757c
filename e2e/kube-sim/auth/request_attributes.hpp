// What a request asks for, resolved from its method, path and query alone (before routing), the
// way the API server's RequestInfoFactory does it: the verb (get, list, watch, create, update,
// patch, delete, deletecollection), API group and version, namespace, resource, subresource and
// name of a resource request, or the path and lower-case HTTP method of a non-resource URL.
#pragma once

#include <map>
#include <string>

#include "auth/user_info.hpp"

namespace kubesim::auth {

struct RequestAttributes {
  UserInfo user;
  bool resource_request = false;
  std::string path;  // non-resource requests: what nonResourceURLs match
  std::string verb;
  std::string api_group;
  std::string api_version;
  std::string ns;
  std::string resource;
  std::string subresource;
  std::string name;
};

RequestAttributes resolve_request(const std::string& method, const std::string& path,
                                  const std::map<std::string, std::string>& query);

// The name a field selector pins exactly (metadata.name=NAME or ==NAME), "" when none: a list or
// watch of one object by name is authorized against resourceNames, as upstream does.
std::string field_selector_name(const std::string& selector);

}  // namespace kubesim::auth
