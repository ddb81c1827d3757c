#pragma once
// Strategic merge patch (`application/strategic-merge-patch+json`) for built-in kinds, see the
// Kubernetes devel doc "strategic-merge-patch.md".
#include <boost/json/value.hpp>

#include "apimachinery/patch_meta.hpp"
#include "apimachinery/status.hpp"

namespace kubesim::apimachinery {

// Applies `patch` to `original`: maps merge recursively, `null` deletes a key, lists merge as the
// metadata says (others are replaced). Directives: `$patch: replace|delete|merge` (in maps and in
// list elements), `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`, `$retainKeys`.
// An unknown directive or malformed one is a 400 BadRequest.
Result<boost::json::value> apply_strategic_merge_patch(const boost::json::value& original,
                                                       const boost::json::value& patch,
                                                       const PatchMeta& meta);

}  // namespace kubesim::apimachinery
