// The object store: every object of every resource, one global resourceVersion counter (etcd's
// revision, in Kubernetes terms), and a bounded history of changes that watches replay from.
// Single-threaded by design: it lives on the server's one io_context thread.
#pragma once

#include <boost/json.hpp>
#include <compare>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kubesim {

struct ObjectKey {
  std::string group, resource, ns, name;
  auto operator<=>(const ObjectKey&) const = default;
};

using ObjectPtr = std::shared_ptr<const boost::json::object>;

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED
  std::uint64_t rv = 0;
  ObjectKey key;
  ObjectPtr object;
  ObjectPtr previous;  // MODIFIED only: lets selector-filtered watches turn it into ADDED/DELETED
};

class WatchSink {
 public:
  virtual ~WatchSink() = default;
  virtual void on_event(const WatchEvent& event) = 0;
};

class Store {
 public:
  explicit Store(std::size_t history_limit = 10000) : history_limit_(history_limit) {}

  std::uint64_t resource_version() const { return rv_; }
  ObjectPtr get(const ObjectKey& key) const;
  // Objects of one resource in key order; ns empty = all namespaces. Starts after `after` (a
  // "namespace/name" continue position) when given.
  std::vector<std::pair<ObjectKey, ObjectPtr>> list(const std::string& group, const std::string& resource,
                                                    const std::string& ns,
                                                    const std::string& after = {}) const;

  // Every object of every resource (garbage collection, namespace deletion, persistence).
  std::vector<std::pair<ObjectKey, ObjectPtr>> all() const { return {objects_.begin(), objects_.end()}; }

  // Stores the object under a new resourceVersion and tells watchers (ADDED or MODIFIED).
  ObjectPtr put(const ObjectKey& key, boost::json::object object);
  // Removes the object; the DELETED event carries a new resourceVersion, as in Kubernetes.
  ObjectPtr remove(const ObjectKey& key);

  // Watches from a resourceVersion at or above this can be served from history; older ones get
  // 410 Gone (the equivalent of etcd compaction).
  std::uint64_t compacted_rv() const { return compacted_rv_; }
  const std::deque<WatchEvent>& history() const { return history_; }
  void compact();

  void subscribe(const std::shared_ptr<WatchSink>& sink);

  boost::json::value snapshot() const;
  bool restore(boost::json::value snapshot);

 private:
  void emit(WatchEvent event);

  std::map<ObjectKey, ObjectPtr> objects_;
  std::uint64_t rv_ = 0;
  std::uint64_t compacted_rv_ = 0;
  std::deque<WatchEvent> history_;
  std::size_t history_limit_;
  std::vector<std::weak_ptr<WatchSink>> sinks_;
};

}  // namespace kubesim
