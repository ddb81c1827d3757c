#include "owner_index.hpp"

#include "json_util.hpp"

namespace kubesim::cluster {

void OwnerIndex::update(const ObjectKey& key, const boost::json::object* object) {
  std::string uid = object ? controller_uid(*object) : std::string();
  auto it = owner_of_.find(key);
  if (it != owner_of_.end()) {
    if (it->second == uid) return;
    auto set = by_owner_.find(it->second);
    if (set != by_owner_.end()) {
      set->second.erase(key);
      if (set->second.empty()) by_owner_.erase(set);
    }
    owner_of_.erase(it);
  }
  if (uid.empty()) return;
  owner_of_[key] = uid;
  by_owner_[uid].insert(key);
}

std::vector<ObjectKey> OwnerIndex::dependents(const std::string& owner_uid) const {
  auto it = by_owner_.find(owner_uid);
  if (owner_uid.empty() || it == by_owner_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

}  // namespace kubesim::cluster
