// A small decoder for the Kubernetes protobuf encoding (magic "k8s\0" + runtime.Unknown) of the
// few kinds kubectl's typed `create` subcommands send as protobuf with no JSON fallback:
// Namespace, ConfigMap and Secret (`kubectl create ns|configmap|secret`). Others get 415.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "api_error.hpp"

namespace kubesim {

Result<boost::json::value> decode_protobuf_object(const std::string& body);

}  // namespace kubesim
