// The part of the garbage collector the API server does not do: ApiServer::collect_garbage cascades
// a deletion it performs itself, but a dependent whose owner is already gone (restored from a state
// file, created with a stale uid, or owned by an object deleted while it was being created) would
// live forever. As upstream's garbage collector does, a dependent whose controlling owner does not
// exist with that uid is deleted in the background.
#include "cluster.hpp"
#include "json_util.hpp"

namespace kubesim::cluster {
namespace json = boost::json;

namespace {
struct OwnerKind {
  const char* kind;
  const char* group;
  const char* resource;
};
constexpr OwnerKind kOwners[] = {
    {"Deployment", "apps", "deployments"}, {"ReplicaSet", "apps", "replicasets"}, {"Job", "batch", "jobs"}};

// The owner reference's target when it is a kind this cluster manages and it is missing.
bool owner_missing(const Store& store, const std::string& ns, const json::object& ref) {
  std::string kind = str_at(ref, {"kind"});
  for (const auto& k : kOwners) {
    if (kind != k.kind) continue;
    auto owner = store.get(ObjectKey{k.group, k.resource, ns, str_at(ref, {"name"})});
    return !owner || str_at(*owner, {"metadata", "uid"}) != str_at(ref, {"uid"});
  }
  return false;  // an owner kind we do not know about: leave it alone
}
}  // namespace

void Cluster::collect_orphans() {
  std::vector<std::string> doomed;
  auto sweep = [&](const std::string& group, const std::string& resource) {
    for (auto& [key, obj] : api_.store().list(group, resource, "")) {
      if (!str_at(*obj, {"metadata", "deletionTimestamp"}).empty()) continue;
      const auto* refs = at_path(*obj, {"metadata", "ownerReferences"});
      if (!refs || !refs->is_array() || refs->as_array().empty()) continue;
      bool all_missing = true;
      for (const auto& r : refs->as_array())
        if (!r.is_object() || !owner_missing(api_.store(), key.ns, r.as_object())) all_missing = false;
      if (all_missing) doomed.push_back(resource_path(group, resource, key.ns, key.name));
    }
  };
  sweep("apps", "replicasets");
  sweep("", "pods");
  for (const auto& path : doomed) client_.remove(path);
}

}  // namespace kubesim::cluster
