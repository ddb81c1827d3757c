#pragma once
// JSON Patch (RFC 6902), the `application/json-patch+json` PATCH type.
#include <boost/json/value.hpp>

#include "apimachinery/status.hpp"

namespace kubesim::apimachinery {

// Applies all operations atomically (the input is never modified).
// - A malformed patch document (not an array, unknown op, missing "path"/"value"/"from") is a
//   400 BadRequest, as the apiserver's DecodePatch failure.
// - A failed `test` is a 422 Invalid "the server rejected our request due to an error in our
//   request" without causes, as the apiserver answers it.
// - Any other operation that cannot be applied (missing path, index out of range) is a 400
//   BadRequest `jsonpatch remove operation does not apply: doc is missing path: "/x"` with one
//   cause whose field is the op's path and message "operation <index>".
Result<boost::json::value> apply_json_patch(const boost::json::value& target,
                                            const boost::json::value& patch);

}  // namespace kubesim::apimachinery
