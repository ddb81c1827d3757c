#pragma once
// Boolean query parameters (watch, allowWatchBookmarks, sendInitialEvents, force, ...) decoded the
// way the API server decodes them into ListOptions / PatchOptions: absent, "0" and "false" in any
// letter case are false; every other value is true, the empty string ("?watch") and "yes"
// included. This is apimachinery's Convert_Slice_string_To_bool, not Go's strconv.ParseBool: a
// client that sends watch=True, watch=t or watch=yes gets a watch from a real API server, never a
// 400, so kube-sim must not refuse them either.
#include <optional>
#include <string_view>

namespace kubesim::apimachinery {

bool query_bool(std::optional<std::string_view> value);

}  // namespace kubesim::apimachinery
