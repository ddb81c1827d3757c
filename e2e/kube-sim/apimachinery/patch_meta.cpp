#include "apimachinery/patch_meta.hpp"

namespace kubesim::apimachinery {
namespace {

PatchMeta keyed(std::string key, std::map<std::string, PatchMeta, std::less<>> fields = {}) {
  PatchMeta m;
  m.list = ListStrategy::kMergeByKey;
  m.merge_key = std::move(key);
  m.fields = std::move(fields);
  return m;
}

PatchMeta primitive_set() {
  PatchMeta m;
  m.list = ListStrategy::kMergePrimitive;
  return m;
}

PatchMeta object(std::map<std::string, PatchMeta, std::less<>> fields) {
  PatchMeta m;
  m.fields = std::move(fields);
  return m;
}

// The patchStrategy/patchMergeKey tags of the core types (k8s.io/api), transcribed by hand.
PatchMeta object_meta() {
  return object({{"ownerReferences", keyed("uid")}, {"finalizers", primitive_set()}});
}

PatchMeta container() {
  return object({{"env", keyed("name")},
                 {"ports", keyed("containerPort")},
                 {"volumeMounts", keyed("mountPath")},
                 {"volumeDevices", keyed("devicePath")},
                 {"resizePolicy", keyed("resourceName")}});
}

PatchMeta pod_spec() {
  PatchMeta volumes = keyed("name");
  volumes.retain_keys = true;  // a volume's source is a union: switching source drops the old one
  return object({{"containers", keyed("name", container().fields)},
                 {"initContainers", keyed("name", container().fields)},
                 {"ephemeralContainers", keyed("name", container().fields)},
                 {"volumes", volumes},
                 {"imagePullSecrets", keyed("name")},
                 {"hostAliases", keyed("ip")},
                 {"topologySpreadConstraints", keyed("topologyKey")},
                 {"resourceClaims", keyed("name")},
                 {"schedulingGates", keyed("name")}});
}

PatchMeta pod_template() { return object({{"metadata", object_meta()}, {"spec", pod_spec()}}); }

PatchMeta status_with_conditions() { return object({{"conditions", keyed("type")}}); }

PatchMeta deployment() {
  PatchMeta strategy;
  strategy.retain_keys = true;
  return object({{"metadata", object_meta()},
                 {"spec", object({{"template", pod_template()}, {"strategy", strategy}})},
                 {"status", status_with_conditions()}});
}

PatchMeta workload() {
  return object({{"metadata", object_meta()},
                 {"spec", object({{"template", pod_template()}})},
                 {"status", status_with_conditions()}});
}

PatchMeta pod() {
  return object({{"metadata", object_meta()},
                 {"spec", pod_spec()},
                 // containerStatuses are atomic upstream (no patch strategy).
                 {"status", object({{"conditions", keyed("type")}, {"podIPs", keyed("ip")}})}});
}

PatchMeta service() {
  return object({{"metadata", object_meta()},
                 {"spec", object({{"ports", keyed("port")}})},
                 {"status", status_with_conditions()}});
}

PatchMeta plain() { return object({{"metadata", object_meta()}}); }

PatchMeta namespace_meta() {
  return object({{"metadata", object_meta()}, {"status", status_with_conditions()}});
}

}  // namespace

const PatchMeta* PatchMeta::field(std::string_view name) const {
  auto it = fields.find(name);
  return it == fields.end() ? nullptr : &it->second;
}

const PatchMeta& builtin_patch_meta(std::string_view kind) {
  static const std::map<std::string, PatchMeta, std::less<>> table = {
      {"Pod", pod()},
      {"Deployment", deployment()},
      {"ReplicaSet", workload()},
      {"Job", workload()},
      {"Service", service()},
      {"Namespace", namespace_meta()},
      {"ConfigMap", plain()},
      {"Secret", plain()},
      {"Event", plain()},
      {"Lease", plain()},
      {"CustomResourceDefinition", namespace_meta()}};
  static const PatchMeta fallback = plain();
  auto it = table.find(kind);
  return it == table.end() ? fallback : it->second;
}

}  // namespace kubesim::apimachinery
