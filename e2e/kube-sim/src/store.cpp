#include "store.hpp"

namespace kubesim {
namespace json = boost::json;

ObjectPtr Store::get(const ObjectKey& key) const {
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : it->second;
}

std::vector<std::pair<ObjectKey, ObjectPtr>> Store::list(const std::string& group,
                                                         const std::string& resource, const std::string& ns,
                                                         const std::string& after) const {
  std::vector<std::pair<ObjectKey, ObjectPtr>> out;
  ObjectKey lo{group, resource, ns, ""};
  if (!after.empty()) {
    auto slash = after.find('/');
    lo.ns = slash == std::string::npos ? "" : after.substr(0, slash);
    lo.name = slash == std::string::npos ? after : after.substr(slash + 1);
  }
  auto it = objects_.lower_bound(lo);
  if (!after.empty() && it != objects_.end() && it->first == lo) ++it;
  for (; it != objects_.end(); ++it) {
    const auto& k = it->first;
    if (k.group != group || k.resource != resource) break;
    if (!ns.empty() && k.ns != ns) {
      if (k.ns > ns) break;
      continue;
    }
    out.emplace_back(k, it->second);
  }
  return out;
}

ObjectPtr Store::put(const ObjectKey& key, json::object object) {
  ++rv_;
  object["metadata"].as_object()["resourceVersion"] = std::to_string(rv_);
  auto ptr = std::make_shared<const json::object>(std::move(object));
  ObjectPtr previous;
  if (auto it = objects_.find(key); it != objects_.end()) previous = it->second;
  objects_[key] = ptr;
  emit(WatchEvent{previous ? "MODIFIED" : "ADDED", rv_, key, ptr, previous});
  return ptr;
}

ObjectPtr Store::remove(const ObjectKey& key) {
  auto it = objects_.find(key);
  if (it == objects_.end()) return nullptr;
  ++rv_;
  json::object copy = *it->second;
  copy["metadata"].as_object()["resourceVersion"] = std::to_string(rv_);
  auto ptr = std::make_shared<const json::object>(std::move(copy));
  objects_.erase(it);
  emit(WatchEvent{"DELETED", rv_, key, ptr, nullptr});
  return ptr;
}

void Store::compact() {
  history_.clear();
  compacted_rv_ = rv_;
}

void Store::subscribe(const std::shared_ptr<WatchSink>& sink) { sinks_.push_back(sink); }

void Store::emit(WatchEvent event) {
  history_.push_back(event);
  while (history_.size() > history_limit_) {
    compacted_rv_ = history_.front().rv;
    history_.pop_front();
  }
  // Copy first: a sink may unsubscribe (expire) while being notified.
  auto sinks = sinks_;
  std::erase_if(sinks_, [](const auto& w) { return w.expired(); });
  for (auto& weak : sinks)
    if (auto s = weak.lock()) s->on_event(event);
}

json::value Store::snapshot() const {
  json::array objects;
  for (const auto& [k, v] : objects_)
    objects.push_back(json::object{
        {"group", k.group}, {"resource", k.resource}, {"namespace", k.ns}, {"name", k.name}, {"object", *v}});
  return json::object{{"resourceVersion", rv_}, {"objects", std::move(objects)}};
}

bool Store::restore(json::value snapshot) {
  auto* root = snapshot.if_object();
  if (!root) return false;
  const auto* rv = root->if_contains("resourceVersion");
  auto* objects = root->if_contains("objects");
  if (!rv || !rv->is_number() || !objects || !objects->is_array()) return false;
  std::map<ObjectKey, ObjectPtr> loaded;
  for (auto& e : objects->as_array()) {
    auto* o = e.if_object();
    if (!o) return false;
    auto str = [&](const char* f) -> std::string {
      const auto* v = o->if_contains(f);
      return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    auto* obj = o->if_contains("object");
    if (!obj || !obj->is_object()) return false;
    // Moved, not copied: a 100 MB state file would otherwise double the peak memory of a start.
    loaded[ObjectKey{str("group"), str("resource"), str("namespace"), str("name")}] =
        std::make_shared<const json::object>(std::move(obj->as_object()));
  }
  objects_ = std::move(loaded);
  rv_ = rv->to_number<std::uint64_t>();
  // Nothing before the restart can be replayed: a watch from an older resourceVersion gets 410,
  // exactly what clients see after an apiserver restart with a compacted etcd.
  history_.clear();
  compacted_rv_ = rv_;
  return true;
}

}  // namespace kubesim
