// Pod IPs from 127.0.0.0/16 (all of 127/8 is loopback on Linux, so a pod's process can bind its own
// address): one per pod, never 127.0.0.1 (kube-sim itself), never a .0 or .255 host part.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

namespace kubesim::cluster {

class PodIpAllocator {
 public:
  // The pod's address: the one it already has, else the next free one; nullopt when exhausted.
  std::optional<std::string> allocate(const std::string& pod_uid);
  // Records an address found on an existing pod (after a restart from a state file).
  void reserve(const std::string& pod_uid, const std::string& ip);
  void release(const std::string& pod_uid);
  std::size_t in_use() const { return by_pod_.size(); }

 private:
  std::map<std::string, unsigned> by_pod_;
  std::set<unsigned> used_;
  unsigned next_ = 2;  // index into 127.0.x.y as x*256+y
};

}  // namespace kubesim::cluster
