#pragma once
// Which resource and verb an API request addresses (kube-apiserver's RequestInfo, reduced to what
// fault rules match on). Pure: the network layer asks before the API layer serves the request.
#include <map>
#include <string>

namespace kubesim::faults {

struct RequestTarget {
  bool is_resource = false;  // false: discovery, OpenAPI, /version, /healthz, /admin, unknown paths
  std::string verb;          // get, list, watch, create, update, patch, delete, deletecollection
  std::string resource;      // plural name, e.g. deployments (subresources count as their resource)
};

RequestTarget describe_request(const std::string& method, const std::string& path,
                               const std::map<std::string, std::string>& query);

}  // namespace kubesim::faults
