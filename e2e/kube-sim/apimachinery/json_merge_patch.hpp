#pragma once
// JSON Merge Patch (RFC 7386), the `application/merge-patch+json` PATCH type.
#include <boost/json/value.hpp>

namespace kubesim::apimachinery {

// Applies `patch` to `target` as RFC 7386 section 2 describes: objects merge recursively, `null`
// removes a member, anything else (arrays included) replaces. Never fails.
boost::json::value apply_merge_patch(const boost::json::value& target, const boost::json::value& patch);

}  // namespace kubesim::apimachinery
