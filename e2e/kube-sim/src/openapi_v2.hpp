// OpenAPI v2 (swagger 2.0) from the same definitions as v3, as the API server publishes both:
// schemas and paths converted from their v3 form, and the document encoded as gnostic's
// openapi_v2.Document protobuf, the form client-go's discovery asks for (and the only one it reads).
#pragma once

#include <boost/json.hpp>
#include <string>

namespace kubesim {

// The protobuf form of /openapi/v2: what clients ask for, and what kube-openapi answers with
// ("@" is no token character, and client-go's mime.ParseMediaType refuses a Content-Type with it).
inline constexpr const char* kOpenApiV2Protobuf =
    "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
inline constexpr const char* kOpenApiV2ProtobufContentType =
    "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

// One v3 schema (#/components/schemas refs, allOf-wrapped described refs, anyOf int-or-string,
// nullable) as v2 has it (#/definitions refs, a described $ref, type string format int-or-string,
// no nullable: the field loses its type, as apiextensions' ToStructuralOpenAPIV2 does).
boost::json::value schema_v3_to_v2(const boost::json::value& v3);

// The paths of a v3 group-version document as v2 path items: query parameters with their type
// inline, a body parameter on writes, path parameters, responses with a schema, and the patch
// types each PATCH consumes: strategic merge patch only for built-in kinds (custom resources have
// no patch strategy), which is what kubectl apply reads from v2 to choose its patch type.
boost::json::object paths_v3_to_v2(const boost::json::object& v3_paths, bool strategic_merge_patch);

// Which form of /openapi/v2 an Accept header asks for: true for protobuf (the first of the two
// media types the header names wins; JSON when it names neither).
bool accepts_openapi_v2_protobuf(const std::string& accept);

// A swagger 2.0 JSON document as the openapi_v2.Document protobuf (gnostic-models
// openapiv2/OpenAPIv2.proto). Keys v2 does not have are left out; vendor extensions and other
// free-form values (default, enum, example) are Any values carrying their JSON text, which is YAML.
std::string encode_openapi_v2_protobuf(const boost::json::object& document);

}  // namespace kubesim
