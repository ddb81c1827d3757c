// Request bodies in the Kubernetes protobuf encoding (magic "k8s\0" + runtime.Unknown), which
// kubectl's typed `create` subcommands and client-go's typed clients send: kubectl 1.32 and 1.35
// (byte for byte the same) send protobuf for `create deployment|job|cronjob|service *|
// serviceaccount|role|rolebinding|clusterrole|clusterrolebinding|secret *|configmap|namespace|
// priorityclass|poddisruptionbudget|quota|ingress|token`, and JSON or patches for run, expose,
// apply, replace, scale, set, label/annotate and rollout. The kinds kube-sim
// decodes are those of protobuf/descriptors_*.cpp; for any other endpoint (custom resources above
// all) the answer is the 415 a real API server gives for a kind it has no protobuf for.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "api_error.hpp"

namespace kubesim {

struct ResourceType;

// Whether POST/PUT bodies of this resource may be protobuf.
bool speaks_protobuf(const ResourceType& type);
// The media types a POST/PUT to this resource accepts, in the API server's order.
std::vector<std::string> accepted_body_media_types(const ResourceType& type);

// The JSON object of a protobuf body for `endpoint` (415 when it does not speak protobuf), or for
// whatever known kind the body names when `endpoint` is null. Malformed data is a 400.
Result<boost::json::value> decode_protobuf_object(const std::string& body,
                                                  const ResourceType* endpoint = nullptr);

}  // namespace kubesim
