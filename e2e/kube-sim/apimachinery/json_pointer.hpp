#pragma once
// JSON Pointer (RFC 6901): "/a/b~1c/0" -> {"a", "b/c", "0"}.
#include <string>
#include <string_view>
#include <vector>

#include "apimachinery/status.hpp"

namespace kubesim::apimachinery {

// Splits and unescapes (~1 -> '/', ~0 -> '~'); "" is the whole document. A pointer that does not
// start with '/' or has a bad '~' escape is a 400 BadRequest.
Result<std::vector<std::string>> parse_json_pointer(std::string_view pointer);
std::string escape_json_pointer_token(std::string_view token);

}  // namespace kubesim::apimachinery
