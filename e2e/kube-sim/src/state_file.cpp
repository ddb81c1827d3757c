#include "state_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "kubeconfig.hpp"

namespace kubesim {

bool load_state(ApiServer& api, const std::string& path, std::string& error) {
  if (!std::filesystem::exists(path)) return true;
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  boost::json::error_code ec;
  auto v = boost::json::parse(ss.str(), ec);
  if (ec || !api.store().restore(std::move(v))) {
    error = "state file " + path + " is not a kube-sim state file";
    return false;
  }
  api.reload_crds();
  api.ensure_cluster_defaults();
  return true;
}

bool save_state(ApiServer& api, const std::string& path) {
  return write_file_atomically(path, boost::json::serialize(api.store().snapshot()));
}

}  // namespace kubesim
