#pragma once
// OpenAPI v3 component schemas of the built-in kinds kube-sim serves, with the
// x-kubernetes-group-version-kind and strategic-merge extensions kubectl reads (client-side apply
// computes its strategic merge patch from x-kubernetes-patch-merge-key/-strategy; explain reads
// descriptions and types). Abbreviated, but real field names and types.
#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::apimachinery {

// Component name -> schema, e.g. "io.k8s.api.apps.v1.Deployment",
// "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta". References use "#/components/schemas/<name>".
const boost::json::object& builtin_openapi_schemas();

// The component names needed for one group-version document (e.g. "apps/v1" or "v1"): the kinds
// of that group-version plus every schema they reference, transitively.
std::vector<std::string> builtin_openapi_components_for(std::string_view group_version);

}  // namespace kubesim::apimachinery
