#include "apimachinery/json_merge_patch.hpp"

#include <boost/json/object.hpp>

namespace kubesim::apimachinery {

boost::json::value apply_merge_patch(const boost::json::value& target, const boost::json::value& patch) {
  const auto* patch_obj = patch.if_object();
  if (patch_obj == nullptr) return patch;  // RFC 7386: a non-object patch replaces the target
  boost::json::object result;
  if (const auto* target_obj = target.if_object()) result = *target_obj;
  for (const auto& [key, value] : *patch_obj) {
    if (value.is_null()) {
      result.stable_erase(key);
      continue;
    }
    auto it = result.find(key);
    result[key] = apply_merge_patch(it == result.end() ? boost::json::value() : it->value(), value);
  }
  return result;
}

}  // namespace kubesim::apimachinery
