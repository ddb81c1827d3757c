// Prometheus file_sd output: one target group per running, ready pod that declares a container
// port, `podIP:port` with the labels `namespace`, `pod`, `pod_template_hash` and `deployment` (the
// owner of the pod's owning ReplicaSet), so a Prometheus started with file_sd_configs scrapes the
// pods as it would through Kubernetes service discovery.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <string>
#include <vector>

#include "store.hpp"

namespace kubesim::cluster {

// `deployment_of_rs(ns, rs_name)` names the Deployment owning a ReplicaSet ("" when none).
boost::json::array render_targets(
    const std::vector<std::pair<ObjectKey, ObjectPtr>>& pods,
    const std::function<std::string(const std::string&, const std::string&)>& deployment_of_rs);

// Writes `content` to `path` via a temporary file and rename, so readers never see half a file.
bool write_atomically(const std::string& path, const std::string& content);

}  // namespace kubesim::cluster
