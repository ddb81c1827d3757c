#include "rollguard/rollback_patch.hpp"

#include "kube/object_meta.hpp"

namespace rollguard {

namespace json = boost::json;

namespace {

// RFC 6901: "~" -> "~0", "/" -> "~1".
std::string escape_segment(std::string_view segment) {
  std::string out;
  for (char c : segment) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

json::object op(std::string_view name, std::string path, json::value value) {
  return json::object{{"op", name}, {"path", std::move(path)}, {"value", std::move(value)}};
}

json::object op(std::string_view name, std::string path) {
  return json::object{{"op", name}, {"path", std::move(path)}};
}

// Ops that set metadata.annotations[key] = value for each pair, creating the map first when the
// object has none (once: a second "add /metadata/annotations {}" would drop the first annotation).
void set_annotations(json::array& patch, const json::object& object,
                     std::initializer_list<std::pair<std::string_view, std::string>> values) {
  if (!kube::meta::annotations(object)) {
    patch.push_back(op("add", "/metadata/annotations", json::object{}));
  }
  for (auto& [key, value] : values) {
    patch.push_back(op("add", "/metadata/annotations/" + escape_segment(key), json::string(value)));
  }
}

}  // namespace

std::optional<json::object> deployment_template_from(const json::object& replica_set) {
  auto* spec = replica_set.if_contains("spec");
  auto* tmpl = spec && spec->is_object() ? spec->get_object().if_contains("template") : nullptr;
  if (!tmpl || !tmpl->is_object()) return std::nullopt;
  json::object out = tmpl->get_object();
  if (auto* metadata = out.if_contains("metadata"); metadata && metadata->is_object()) {
    if (auto* labels = metadata->get_object().if_contains("labels"); labels && labels->is_object()) {
      labels->get_object().erase(kPodTemplateHashLabel);
    }
  }
  return out;
}

std::optional<json::array> rollback_patch(const json::object& deployment, const json::object& replica_set,
                                          const std::string& change_cause, const std::string& policy_key) {
  auto rv = kube::meta::resource_version(deployment);
  auto tmpl = deployment_template_from(replica_set);
  if (rv.empty() || !tmpl) return std::nullopt;
  json::array patch;
  patch.push_back(op("test", "/metadata/resourceVersion", json::string(rv)));
  // "add" replaces an existing member and creates a missing one (a cached Deployment may lack it).
  patch.push_back(op("add", "/spec/template", std::move(*tmpl)));
  set_annotations(patch, deployment,
                  {{kChangeCauseAnnotation, change_cause}, {kRolledBackByAnnotation, policy_key}});
  return patch;
}

std::optional<json::array> hold_patch(const json::object& deployment, const std::string& reason,
                                      const std::string& policy_key) {
  auto rv = kube::meta::resource_version(deployment);
  if (rv.empty()) return std::nullopt;
  json::array patch;
  patch.push_back(op("test", "/metadata/resourceVersion", json::string(rv)));
  patch.push_back(op("add", "/spec/paused", true));
  set_annotations(patch, deployment, {{kHeldByAnnotation, policy_key + ": " + reason}});
  return patch;
}

std::optional<json::array> release_patch(const json::object& deployment) {
  auto rv = kube::meta::resource_version(deployment);
  if (rv.empty() || !kube::meta::annotation(deployment, kHeldByAnnotation)) return std::nullopt;
  json::array patch;
  patch.push_back(op("test", "/metadata/resourceVersion", json::string(rv)));
  patch.push_back(op("add", "/spec/paused", false));
  patch.push_back(op("remove", "/metadata/annotations/" + escape_segment(kHeldByAnnotation)));
  return patch;
}

}  // namespace rollguard
