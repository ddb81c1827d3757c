// Dependents by the uid of their controlling owner (an informer index, in client-go terms): lets a
// ReplicaSet find its pods and a Deployment its ReplicaSets without scanning the namespace, which
// matters with tens of thousands of objects. Kept current from the store's events.
#pragma once

#include <boost/json.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "store.hpp"

namespace kubesim::cluster {

class OwnerIndex {
 public:
  // Records the object's current controller (object == nullptr: it was deleted).
  void update(const ObjectKey& key, const boost::json::object* object);
  std::vector<ObjectKey> dependents(const std::string& owner_uid) const;
  std::size_t size() const { return owner_of_.size(); }

 private:
  std::map<std::string, std::set<ObjectKey>> by_owner_;
  std::map<ObjectKey, std::string> owner_of_;
};

}  // namespace kubesim::cluster
