#include "rollguard/rollback_patch.hpp"

#include "kube/json_patch.hpp"
#include "kube/object_meta.hpp"

namespace rollguard {

namespace json = boost::json;

namespace {

using kube::JsonPatch;

// metadata.annotations[key] = value for each pair, creating the map first when the object has none
// (once: a second "add /metadata/annotations {}" would drop the first annotation).
void set_annotations(JsonPatch& patch, const json::object& object,
                     std::initializer_list<std::pair<std::string_view, std::string>> values) {
  if (!kube::meta::annotations(object)) patch.add("/metadata/annotations", json::object{});
  for (auto& [key, value] : values) patch.add(JsonPatch::pointer({"metadata", "annotations", key}), value);
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
  JsonPatch patch;
  patch.test("/metadata/resourceVersion", rv);
  // "add" replaces an existing member and creates a missing one (a cached Deployment may lack it).
  patch.add("/spec/template", std::move(*tmpl));
  set_annotations(patch, deployment,
                  {{kChangeCauseAnnotation, change_cause}, {kRolledBackByAnnotation, policy_key}});
  return patch.ops();
}

std::optional<json::array> hold_patch(const json::object& deployment, const std::string& reason,
                                      const std::string& policy_key) {
  auto rv = kube::meta::resource_version(deployment);
  if (rv.empty()) return std::nullopt;
  JsonPatch patch;
  patch.test("/metadata/resourceVersion", rv);
  patch.add("/spec/paused", true);
  set_annotations(patch, deployment, {{kHeldByAnnotation, policy_key + ": " + reason}});
  return patch.ops();
}

std::optional<json::array> release_patch(const json::object& deployment) {
  auto rv = kube::meta::resource_version(deployment);
  if (rv.empty() || !kube::meta::annotation(deployment, kHeldByAnnotation)) return std::nullopt;
  JsonPatch patch;
  patch.test("/metadata/resourceVersion", rv);
  patch.add("/spec/paused", false);
  patch.remove(JsonPatch::pointer({"metadata", "annotations", kHeldByAnnotation}));
  return patch.ops();
}

}  // namespace rollguard
