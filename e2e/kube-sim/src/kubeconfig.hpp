// The kubeconfig kube-sim writes once it serves: one cluster, one user with the bearer token,
// one context (namespace default). Written atomically (temp file + rename) so a script polling
// for the file never reads half of it.
#pragma once

#include <string>

namespace kubesim {

std::string kubeconfig_yaml(const std::string& server_url, const std::string& ca_pem,
                            const std::string& token);
// Writes `content` to `path` via a temporary file in the same directory; false on failure.
bool write_file_atomically(const std::string& path, const std::string& content);

}  // namespace kubesim
