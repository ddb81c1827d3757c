// The body of a DELETE: meta.v1.DeleteOptions as JSON, or as the Kubernetes protobuf encoding that
// client-go's typed clients send (helm deleting its release Secrets), returned as its JSON form.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "api_error.hpp"

namespace kubesim {

Result<boost::json::value> parse_delete_options_body(const std::string& body,
                                                     const std::string& content_type);

}  // namespace kubesim
