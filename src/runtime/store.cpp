#include "runtime/store.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>

namespace rollguard::runtime {

namespace {

std::string_view string_field(const boost::json::object& object, std::string_view field) {
  auto* v = object.if_contains(field);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view{};
}

const boost::json::object* metadata_of(const boost::json::object& object) {
  auto* m = object.if_contains("metadata");
  return m ? m->if_object() : nullptr;
}

std::string_view resource_version_of(const ObjectPtr& object) {
  auto* m = object ? metadata_of(*object) : nullptr;
  return m ? string_field(*m, "resourceVersion") : std::string_view{};
}

std::vector<std::string> namespace_index(const boost::json::object& object) {
  auto* m = metadata_of(object);
  if (!m) return {};
  auto ns = string_field(*m, "namespace");
  if (ns.empty()) return {};
  return {std::string(ns)};
}

std::vector<std::string> owner_index(const boost::json::object& object) {
  std::vector<std::string> out;
  auto* m = metadata_of(object);
  auto* refs = m ? m->if_contains("ownerReferences") : nullptr;
  if (!refs || !refs->is_array()) return out;
  for (auto& ref : refs->as_array()) {
    if (auto* r = ref.if_object()) {
      auto uid = string_field(*r, "uid");
      if (!uid.empty()) out.emplace_back(uid);
    }
  }
  return out;
}

}  // namespace

std::string object_key(std::string_view ns, std::string_view name) {
  if (ns.empty()) return std::string(name);
  std::string key;
  key.reserve(ns.size() + 1 + name.size());
  key.append(ns).append("/").append(name);
  return key;
}

std::string object_key(const boost::json::object& object) {
  auto* m = metadata_of(object);
  if (!m) return {};
  return object_key(string_field(*m, "namespace"), string_field(*m, "name"));
}

namespace detail {

struct StoreState {
  using Map = std::map<std::string, ObjectPtr, std::less<>>;
  using Postings = std::unordered_map<std::string, std::set<std::string, std::less<>>>;

  mutable std::shared_mutex mutex;
  Map objects;
  std::map<std::string, IndexFunc, std::less<>> index_funcs;
  std::map<std::string, Postings, std::less<>> indexes;
  bool ready = false;
  std::vector<std::shared_ptr<boost::asio::steady_timer>> ready_waiters;

  // Callers hold the unique lock.
  void index_add(const std::string& key, const boost::json::object& object) {
    for (auto& [name, func] : index_funcs) {
      auto& postings = indexes[name];
      for (auto& value : func(object)) postings[value].insert(key);
    }
  }
  void index_remove(const std::string& key, const boost::json::object& object) {
    for (auto& [name, func] : index_funcs) {
      auto& postings = indexes[name];
      for (auto& value : func(object)) {
        auto it = postings.find(value);
        if (it == postings.end()) continue;
        it->second.erase(key);
        if (it->second.empty()) postings.erase(it);
      }
    }
  }
  void rebuild_indexes() {
    indexes.clear();
    for (auto& [key, object] : objects) index_add(key, *object);
  }
};

}  // namespace detail

ObjectPtr Store::get(std::string_view key) const {
  std::shared_lock lock(state_->mutex);
  auto it = state_->objects.find(key);
  return it == state_->objects.end() ? nullptr : it->second;
}

ObjectPtr Store::get(std::string_view ns, std::string_view name) const { return get(object_key(ns, name)); }

std::vector<ObjectPtr> Store::list() const {
  std::shared_lock lock(state_->mutex);
  std::vector<ObjectPtr> out;
  out.reserve(state_->objects.size());
  for (auto& [key, object] : state_->objects) out.push_back(object);
  return out;
}

std::vector<ObjectPtr> Store::by_index(std::string_view index, std::string_view value) const {
  std::shared_lock lock(state_->mutex);
  std::vector<ObjectPtr> out;
  auto idx = state_->indexes.find(index);
  if (idx == state_->indexes.end()) return out;
  auto keys = idx->second.find(std::string(value));
  if (keys == idx->second.end()) return out;
  for (auto& key : keys->second) {
    if (auto it = state_->objects.find(key); it != state_->objects.end()) out.push_back(it->second);
  }
  return out;
}

std::size_t Store::size() const {
  std::shared_lock lock(state_->mutex);
  return state_->objects.size();
}

bool Store::is_ready() const {
  std::shared_lock lock(state_->mutex);
  return state_->ready;
}

boost::asio::awaitable<void> Store::wait_until_ready() const {
  for (;;) {
    std::shared_ptr<boost::asio::steady_timer> timer;
    {
      std::unique_lock lock(state_->mutex);
      if (state_->ready) co_return;
      timer = std::make_shared<boost::asio::steady_timer>(co_await boost::asio::this_coro::executor,
                                                          boost::asio::steady_timer::time_point::max());
      state_->ready_waiters.push_back(timer);
    }
    boost::system::error_code ec;
    co_await timer->async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    // Canceled by the latch (loop sees ready) or by the caller's cancellation: stop waiting then.
    if (!is_ready()) {
      auto cs = co_await boost::asio::this_coro::cancellation_state;
      if (cs.cancelled() != boost::asio::cancellation_type::none) co_return;
    }
  }
}

Writer::Writer(Transform transform)
    : state_(std::make_shared<detail::StoreState>()), transform_(std::move(transform)) {
  state_->index_funcs.emplace(std::string(kNamespaceIndex), namespace_index);
  state_->index_funcs.emplace(std::string(kOwnerIndex), owner_index);
}

Writer::~Writer() = default;

void Writer::add_index(std::string name, IndexFunc index) {
  std::unique_lock lock(state_->mutex);
  state_->index_funcs[name] = std::move(index);
  state_->rebuild_indexes();
}

Store Writer::store() const { return Store(state_); }

std::vector<Change> Writer::apply(const watcher::Event& event) {
  using watcher::EventType;
  std::vector<Change> changes;
  switch (event.type) {
    case EventType::InitStart:
      // A restarted list (e.g. after an expired continue token) throws the partial buffer away.
      buffer_.clear();
      break;
    case EventType::InitApply: {
      if (!event.object) break;
      auto object = transform_ ? transform_(event.object) : event.object;
      auto key = object_key(*object);
      if (key.empty()) break;
      buffer_.insert_or_assign(std::move(key), std::move(object));
      break;
    }
    case EventType::InitDone: {
      std::vector<std::shared_ptr<boost::asio::steady_timer>> waiters;
      {
        std::unique_lock lock(state_->mutex);
        auto& old = state_->objects;
        for (auto& [key, object] : buffer_) {
          auto it = old.find(key);
          ObjectPtr previous = it == old.end() ? nullptr : it->second;
          // Unchanged resourceVersion = the same object state: nothing for handlers to do.
          if (previous && resource_version_of(previous) == resource_version_of(object) &&
              !resource_version_of(object).empty()) {
            continue;
          }
          changes.push_back({std::move(previous), object});
        }
        for (auto& [key, object] : old) {
          if (!buffer_.contains(key)) changes.push_back({object, nullptr});
        }
        // The swap: readers see the old map or the new one, never a mix.
        state_->objects.swap(buffer_);
        state_->rebuild_indexes();
        state_->ready = true;
        waiters.swap(state_->ready_waiters);
      }
      buffer_.clear();
      for (auto& timer : waiters) boost::asio::post(timer->get_executor(), [timer] { timer->cancel(); });
      break;
    }
    case EventType::Apply: {
      if (!event.object) break;
      auto object = transform_ ? transform_(event.object) : event.object;
      auto key = object_key(*object);
      if (key.empty()) break;
      std::unique_lock lock(state_->mutex);
      auto [it, inserted] = state_->objects.try_emplace(key, object);
      ObjectPtr previous;
      if (!inserted) {
        previous = std::move(it->second);
        state_->index_remove(key, *previous);
        it->second = object;
      }
      state_->index_add(key, *object);
      changes.push_back({std::move(previous), std::move(object)});
      break;
    }
    case EventType::Delete: {
      if (!event.object) break;
      auto key = object_key(*event.object);
      if (key.empty()) break;
      std::unique_lock lock(state_->mutex);
      ObjectPtr previous = event.object;
      if (auto it = state_->objects.find(key); it != state_->objects.end()) {
        previous = std::move(it->second);
        state_->index_remove(key, *previous);
        state_->objects.erase(it);
      }
      changes.push_back({std::move(previous), nullptr});
      break;
    }
  }
  return changes;
}

}  // namespace rollguard::runtime
