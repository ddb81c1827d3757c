// kubectl sends TokenRequest (`create token`) and the self-reviews (`auth can-i`, `auth whoami`)
// as protobuf, its typed clients' default, with no JSON fallback. This reads the fields their
// handlers use from the "k8s\0" + runtime.Unknown envelope into the JSON form: TokenRequest's
// spec.audiences and spec.expirationSeconds, SelfSubjectAccessReview's resource and
// non-resource attributes, SelfSubjectRulesReview's spec.namespace, SelfSubjectReview (no spec).
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>

namespace kubesim::auth {

// nullopt when the body is not one of those four kinds, protobuf-encoded.
std::optional<boost::json::object> decode_auth_protobuf(const std::string& body);

}  // namespace kubesim::auth
