// Protobuf → JSON by descriptor: walks the wire data of one message with its descriptor and builds
// the JSON object a Kubernetes API server would have decoded it to (JSON names, base64 bytes,
// RFC 3339 times, int-or-string, quantities, zero scalars of non-pointer fields omitted).
// Fields the descriptor does not name are skipped; malformed data is an error naming the path.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "protobuf/descriptor.hpp"

namespace kubesim::protobuf {

// The JSON form of `data` as a `message`, or nullopt with `error` saying what was malformed and
// where ("Deployment.spec.template: length of field 2 runs past the end of the data at byte 9").
std::optional<boost::json::object> to_json(const Message& message, std::string_view data, std::string& error);

}  // namespace kubesim::protobuf
