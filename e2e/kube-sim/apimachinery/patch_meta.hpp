#pragma once
// Strategic-merge metadata of built-in kinds: which lists merge by which key (the Go struct tags
// `patchStrategy`/`patchMergeKey`, published in OpenAPI as x-kubernetes-patch-strategy /
// x-kubernetes-patch-merge-key). Shared by strategic merge patch and server-side apply.
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace kubesim::apimachinery {

enum class ListStrategy {
  kReplace,        // atomic list: a patch replaces it whole (no metadata, or e.g. tolerations)
  kMergeByKey,     // list of objects merged by `merge_key`
  kMergePrimitive  // set of scalars (finalizers): union
};

// Metadata of one field; for lists, `fields` describes the fields of each element.
struct PatchMeta {
  ListStrategy list = ListStrategy::kReplace;
  std::string merge_key;
  bool retain_keys = false;  // patchStrategy "retainKeys" (e.g. volumes[*], deployment strategy)
  std::map<std::string, PatchMeta, std::less<>> fields;

  const PatchMeta* field(std::string_view name) const;
};

// Metadata for the top level of an object of `kind` (Pod, Deployment, ReplicaSet, Job, Service,
// ConfigMap, ...). Unknown kinds (custom resources) get metadata only for `metadata`
// (ownerReferences by uid, finalizers as a set), as upstream falls back to JSON merge for CRs.
const PatchMeta& builtin_patch_meta(std::string_view kind);

}  // namespace kubesim::apimachinery
