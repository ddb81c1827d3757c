#include "targets_file.hpp"

#include <cstdio>
#include <fstream>

#include "json_util.hpp"

namespace kubesim::cluster {
namespace json = boost::json;

namespace {
bool pod_ready(const json::object& pod) {
  const auto* conds = at_path(pod, {"status", "conditions"});
  if (!conds || !conds->is_array()) return false;
  for (const auto& c : conds->as_array())
    if (const auto* co = c.if_object(); co && str_at(*co, {"type"}) == "Ready")
      return str_at(*co, {"status"}) == "True";
  return false;
}

std::int64_t first_port(const json::object& pod) {
  const auto* cs = at_path(pod, {"spec", "containers"});
  if (!cs || !cs->is_array()) return 0;
  for (const auto& c : cs->as_array()) {
    const auto* ports = c.is_object() ? c.as_object().if_contains("ports") : nullptr;
    if (!ports || !ports->is_array()) continue;
    for (const auto& p : ports->as_array())
      if (const auto* po = p.if_object(); po && int_at(*po, {"containerPort"}) > 0)
        return int_at(*po, {"containerPort"});
  }
  return 0;
}
}  // namespace

json::array render_targets(
    const std::vector<std::pair<ObjectKey, ObjectPtr>>& pods,
    const std::function<std::string(const std::string&, const std::string&)>& deployment_of_rs) {
  json::array out;
  for (const auto& [key, pod] : pods) {
    if (!pod || str_at(*pod, {"status", "phase"}) != "Running" || !pod_ready(*pod)) continue;
    if (!str_at(*pod, {"metadata", "deletionTimestamp"}).empty()) continue;
    std::string ip = str_at(*pod, {"status", "podIP"});
    std::int64_t port = first_port(*pod);
    if (ip.empty() || port == 0) continue;
    std::string rs = controller_name(*pod, "ReplicaSet");
    json::object labels{{"namespace", key.ns},
                        {"pod", key.name},
                        {"pod_template_hash", str_at(*pod, {"metadata", "labels", "pod-template-hash"})},
                        {"deployment", rs.empty() ? std::string() : deployment_of_rs(key.ns, rs)}};
    out.push_back(json::object{{"targets", json::array{json::string(ip + ":" + std::to_string(port))}},
                               {"labels", std::move(labels)}});
  }
  return out;
}

bool write_atomically(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return false;
    f << content;
    if (!f.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace kubesim::cluster
