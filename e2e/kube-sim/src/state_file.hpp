// --state-file: the store (objects and the resourceVersion counter) saved as JSON on shutdown and
// periodically, and loaded at start, so a restarted kube-sim has the same objects and
// resourceVersions (watches from before the restart get 410, as after a real apiserver restart).
#pragma once

#include <string>

#include "api_server.hpp"

namespace kubesim {

// true when the file did not exist (fresh start) or loaded; false (with a message) when unreadable.
bool load_state(ApiServer& api, const std::string& path, std::string& error);
bool save_state(ApiServer& api, const std::string& path);

}  // namespace kubesim
