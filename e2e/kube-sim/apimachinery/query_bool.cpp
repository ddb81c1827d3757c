#include "apimachinery/query_bool.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace kubesim::apimachinery {

bool query_bool(std::optional<std::string_view> value) {
  if (!value) return false;
  std::string lower(*value);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower != "0" && lower != "false";
}

}  // namespace kubesim::apimachinery
