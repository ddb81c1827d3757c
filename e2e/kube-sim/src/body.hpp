// Request bodies: JSON, protobuf (protobuf_body.hpp), or YAML (server-side apply's
// application/apply-patch+yaml) converted to JSON with the YAML 1.2 core schema's scalar typing.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "api_error.hpp"

namespace kubesim {

Result<boost::json::value> parse_json_body(const std::string& body);
Result<boost::json::value> parse_yaml_body(const std::string& body);
struct ResourceType;

// JSON for JSON content types, YAML for anything that says yaml, protobuf for the kinds that have it.
Result<boost::json::value> parse_body(const std::string& body, const std::string& content_type);
// The same for a POST/PUT to `type`: a media type it does not take is a 415 listing those it does.
Result<boost::json::value> parse_body(const std::string& body, const std::string& content_type,
                                      const ResourceType& type);

}  // namespace kubesim
