#pragma once
// The list/watch query options that decide what a watch starts with (KEP-3157 "watch-list"),
// defaulted and validated as the API server does before storage sees them:
// internalversion.SetListOptionsDefaults (WatchList enabled) and
// internalversion/validation.ValidateListOptions. Pure: the server turns the causes into a
// 422 `ListOptions.meta.k8s.io "" is invalid: ...`.
#include <optional>
#include <string>
#include <vector>

#include "apimachinery/status.hpp"

namespace kubesim::apimachinery {

inline constexpr const char* kNotOlderThan = "NotOlderThan";
inline constexpr const char* kExact = "Exact";

struct ListOptions {
  bool watch = false;
  std::string resource_version;
  std::string resource_version_match;
  // A pointer in the API (*bool): absent and false mean different things to a watch.
  std::optional<bool> send_initial_events;
  bool allow_watch_bookmarks = false;
  std::string continue_token;
};

// A watch from "" or "0" with neither sendInitialEvents nor resourceVersionMatch becomes a
// streaming list (sendInitialEvents=true, NotOlderThan): the legacy "synthetic ADDED events
// for the current state" watch, now ended by the initial-events-end bookmark when the client
// allowed bookmarks.
// watch_list_enabled: the WatchList feature gate (--feature-gates WatchList=false turns it off, as
// on servers before 1.32 and on aggregated API servers): no defaulting, and sendInitialEvents is
// refused with the API server's words.
void default_list_options(ListOptions& options, bool watch_list_enabled = true);

std::vector<StatusCause> validate_list_options(const ListOptions& options, bool watch_list_enabled = true);

// The streaming-list case: initial ADDED events from the current state, then (when bookmarks are
// allowed) the BOOKMARK annotated k8s.io/initial-events-end (the cacher's isListWatchRequest
// decides the bookmark, not validation: without allowWatchBookmarks the watch is still served).
inline bool sends_initial_events(const ListOptions& options) {
  return options.send_initial_events.value_or(false);
}

}  // namespace kubesim::apimachinery
