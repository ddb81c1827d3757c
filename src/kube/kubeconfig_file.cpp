#include "kube/kubeconfig_file.hpp"

namespace rollguard::kube::detail {

Error kubeconfig_error(const std::string& file, const std::string& what) {
  return Error(ErrorKind::Config, "kubeconfig " + file + ": " + what);
}

namespace {

// Reads one of the three named lists (clusters / users / contexts).
Result<void> merge_list(const YAML::Node& root, const char* list_key, const char* body_key,
                        std::map<std::string, KubeconfigEntry>& into, const std::string& file,
                        const std::string& base_dir) {
  const YAML::Node list = root[list_key];
  if (!list || list.IsNull()) return {};
  if (!list.IsSequence()) return kubeconfig_error(file, std::string(list_key) + ": expected a list");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string where = std::string(list_key) + "[" + std::to_string(i) + "]";
    if (!item.IsMap()) return kubeconfig_error(file, where + ": expected a map with name and " + body_key);
    const YAML::Node name = item["name"];
    if (!name || !name.IsScalar() || name.Scalar().empty()) {
      return kubeconfig_error(file, where + ": name is missing");
    }
    const YAML::Node body = item[body_key];
    if (body && !body.IsNull() && !body.IsMap()) {
      return kubeconfig_error(file, where + " \"" + name.Scalar() + "\": " + body_key + ": expected a map");
    }
    // First definition wins, within a file and across files (kubectl's merge rule).
    into.try_emplace(name.Scalar(), KubeconfigEntry{body, file, base_dir});
  }
  return {};
}

}  // namespace

Result<void> merge_kubeconfig_text(Kubeconfig& into, const std::string& yaml_text, const std::string& file,
                                   const std::string& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    // yaml-cpp marks are 0-based; editors count from 1.
    std::string where = "invalid YAML";
    if (e.mark.line >= 0) {
      where +=
          " at line " + std::to_string(e.mark.line + 1) + ", column " + std::to_string(e.mark.column + 1);
    }
    return kubeconfig_error(file, where + ": " + e.msg);
  } catch (const YAML::Exception& e) {
    return kubeconfig_error(file, std::string("invalid YAML: ") + e.msg);
  }
  into.files.push_back(file);
  // An empty file is an empty kubeconfig, as for kubectl.
  if (!root || root.IsNull()) return {};
  if (!root.IsMap()) return kubeconfig_error(file, "expected a YAML map at the top level");
  try {
    if (auto r = merge_list(root, "clusters", "cluster", into.clusters, file, base_dir); !r) return r;
    if (auto r = merge_list(root, "users", "user", into.users, file, base_dir); !r) return r;
    if (auto r = merge_list(root, "contexts", "context", into.contexts, file, base_dir); !r) return r;
    const YAML::Node current = root["current-context"];
    if (current && !current.IsNull()) {
      if (!current.IsScalar()) return kubeconfig_error(file, "current-context: expected a string");
      if (into.current_context.empty()) into.current_context = current.Scalar();
    }
  } catch (const YAML::Exception& e) {
    return kubeconfig_error(file, std::string("unexpected structure: ") + e.msg);
  }
  return {};
}

}  // namespace rollguard::kube::detail
