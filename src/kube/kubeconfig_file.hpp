#pragma once
// The kubeconfig model between reading and resolving (internal to src/kube): named clusters, users
// and contexts from one or more files, each remembering the file it came from so relative paths
// resolve against that file's directory and errors name it.
#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "kube/config.hpp"
#include "kube/result.hpp"

namespace rollguard::kube::detail {

struct KubeconfigEntry {
  YAML::Node body;  // the `cluster:` / `user:` / `context:` map (may be null)
  std::string file;
  std::string base_dir;
};

struct Kubeconfig {
  std::vector<std::string> files;  // in load order
  std::map<std::string, KubeconfigEntry> clusters;
  std::map<std::string, KubeconfigEntry> users;
  std::map<std::string, KubeconfigEntry> contexts;
  std::string current_context;
};

// Adds one file's entries. As kubectl merges $KUBECONFIG, a name already defined by an earlier file
// keeps its first definition, and current-context comes from the first file that sets it.
Result<void> merge_kubeconfig_text(Kubeconfig& into, const std::string& yaml_text, const std::string& file,
                                   const std::string& base_dir);

// Builds the Config for `context` (empty = current-context), validating every field it uses.
Result<Config> resolve_kubeconfig(const Kubeconfig& kubeconfig, const std::string& context);

// "kubeconfig <file>: <what>" as a Config error.
Error kubeconfig_error(const std::string& file, const std::string& what);

}  // namespace rollguard::kube::detail
