#include "runtime/store.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>

#include "kube/object_meta.hpp"
#include "runtime/notifier.hpp"

namespace rollguard::runtime {

namespace {

namespace meta = kube::meta;

std::string_view resource_version_of(const ObjectPtr& object) {
  return object ? meta::resource_version(*object) : std::string_view{};
}

std::vector<std::string> owner_index(const boost::json::object& object) {
  std::vector<std::string> out;
  for (auto& ref : meta::owner_references(object)) {
    if (!ref.uid.empty()) out.push_back(std::move(ref.uid));
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
  return object_key(meta::namespace_of(object), meta::name(object));
}

namespace detail {

// The object an entry holds: shared as is, or parsed from its text (the caller holds no lock).
ObjectPtr materialize(const Entry& entry) {
  if (entry.object || !entry.text) return entry.object;
  return parse_compact(*entry.text);
}

using Postings = std::unordered_map<std::string, std::set<std::string, std::less<>>>;
using Indexes = std::map<std::string, Postings, std::less<>>;
using IndexFuncs = std::map<std::string, IndexFunc, std::less<>>;

void index_into(Indexes& indexes, const IndexFuncs& funcs, const std::string& key,
                const boost::json::object& object) {
  for (auto& [name, func] : funcs) {
    auto& postings = indexes[name];
    for (auto& value : func(object)) postings[value].insert(key);
  }
}

struct StoreState {
  using Map = std::map<std::string, Entry, std::less<>>;

  explicit StoreState(Storage s) : storage(s) {}

  const Storage storage;
  mutable std::shared_mutex mutex;
  Map objects;
  IndexFuncs index_funcs;
  Indexes indexes;
  // Opens at the first InitDone, after the swap (client-go HasSynced).
  Latch ready;

  Entry entry_for(const ObjectPtr& object) const {
    if (storage == Storage::Shared) return {object, nullptr};
    auto text = boost::json::serialize(*object);
    text.shrink_to_fit();  // the serializer's spare capacity would be kept for the object's lifetime
    return {nullptr, std::make_shared<const std::string>(std::move(text))};
  }

  // Callers hold the unique lock.
  void index_add(const std::string& key, const boost::json::object& object) {
    index_into(indexes, index_funcs, key, object);
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
};

// Copies the entries under the shared lock and parses them after releasing it.
template <class Collect>
std::vector<ObjectPtr> read_entries(const StoreState& state, Collect collect) {
  std::vector<Entry> entries;
  {
    std::shared_lock lock(state.mutex);
    collect(entries);
  }
  std::vector<ObjectPtr> out;
  out.reserve(entries.size());
  for (auto& entry : entries) out.push_back(materialize(entry));
  return out;
}

}  // namespace detail

ObjectPtr Store::get(std::string_view key) const {
  detail::Entry entry;
  {
    std::shared_lock lock(state_->mutex);
    auto it = state_->objects.find(key);
    if (it == state_->objects.end()) return nullptr;
    entry = it->second;
  }
  return detail::materialize(entry);
}

ObjectPtr Store::get(std::string_view ns, std::string_view name) const { return get(object_key(ns, name)); }

std::vector<ObjectPtr> Store::list() const {
  return detail::read_entries(*state_, [this](std::vector<detail::Entry>& entries) {
    entries.reserve(state_->objects.size());
    for (auto& [key, entry] : state_->objects) entries.push_back(entry);
  });
}

std::vector<ObjectPtr> Store::by_index(std::string_view index, std::string_view value) const {
  return detail::read_entries(*state_, [&](std::vector<detail::Entry>& entries) {
    auto idx = state_->indexes.find(index);
    if (idx == state_->indexes.end()) {
      if (index == kNamespaceIndex && !value.empty()) {
        // Keys are "namespace/name" in one ordered map, so a namespace is one contiguous range and
        // needs no postings: as an index it held a copy of every key (6 MB at 50,000 objects).
        auto prefix = std::string(value) + '/';
        for (auto it = state_->objects.lower_bound(prefix);
             it != state_->objects.end() && it->first.starts_with(prefix); ++it)
          entries.push_back(it->second);
      }
      return;
    }
    auto keys = idx->second.find(std::string(value));
    if (keys == idx->second.end()) return;
    entries.reserve(keys->second.size());
    for (auto& key : keys->second) {
      if (auto it = state_->objects.find(key); it != state_->objects.end()) entries.push_back(it->second);
    }
  });
}
std::size_t Store::size() const {
  std::shared_lock lock(state_->mutex);
  return state_->objects.size();
}

bool Store::is_ready() const { return state_->ready.is_open(); }

boost::asio::awaitable<void> Store::wait_until_ready() const { co_await state_->ready.wait(); }

Writer::Writer(Transform transform, Storage storage)
    : state_(std::make_shared<detail::StoreState>(storage)), transform_(std::move(transform)) {
  state_->index_funcs.emplace(std::string(kOwnerIndex), owner_index);
}

Writer::~Writer() = default;

void Writer::add_index(std::string name, IndexFunc index) {
  // Parsing (Text) happens before the lock; only this writer changes the contents meanwhile.
  detail::IndexFuncs funcs{{name, index}};
  detail::Indexes built;
  for (auto& [key, entry] : state_->objects)
    detail::index_into(built, funcs, key, *detail::materialize(entry));
  std::unique_lock lock(state_->mutex);
  state_->index_funcs[name] = std::move(index);
  state_->indexes[name] = std::move(built[name]);
}

Store Writer::store() const { return Store(state_); }

std::vector<Change> Writer::apply(const watcher::Event& event) {
  std::vector<Change> all;
  apply(event, std::numeric_limits<std::size_t>::max(), [&all](const std::vector<Change>& changes) {
    all.insert(all.end(), changes.begin(), changes.end());
  });
  return all;
}

void Writer::apply(const watcher::Event& event, std::size_t batch,
                   const std::function<void(const std::vector<Change>&)>& deliver) {
  using watcher::EventType;
  batch = std::max<std::size_t>(batch, 1);
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
      buffer_.insert_or_assign(std::move(key), state_->entry_for(object));
      break;
    }
    case EventType::InitDone: {
      // The diff and the new indexes are computed before the exclusive lock (parsing in Text mode
      // must not stall readers); readers never change the contents, and only this writer does. The
      // diff holds entries (shared with the maps), not parsed objects: it is parsed batch by batch
      // for delivery, after the swap.
      auto& old = state_->objects;
      detail::Indexes indexes;
      std::vector<std::pair<detail::Entry, detail::Entry>> diff;  // (old, new); empty = none
      for (auto& [key, entry] : buffer_) {
        auto object = detail::materialize(entry);
        detail::index_into(indexes, state_->index_funcs, key, *object);
        auto it = old.find(key);
        if (it == old.end()) {
          diff.push_back({detail::Entry{}, entry});
          continue;
        }
        // The same text is the same object state; otherwise compare resourceVersions.
        if (entry.text && it->second.text && *entry.text == *it->second.text) continue;
        auto previous = detail::materialize(it->second);
        // Unchanged resourceVersion = the same object state: nothing for handlers to do.
        if (resource_version_of(previous) == resource_version_of(object) &&
            !resource_version_of(object).empty()) {
          continue;
        }
        diff.push_back({it->second, entry});
      }
      for (auto& [key, entry] : old) {
        if (!buffer_.contains(key)) diff.push_back({entry, detail::Entry{}});
      }
      {
        std::unique_lock lock(state_->mutex);
        // The swap: readers see the old map or the new one, never a mix.
        state_->objects.swap(buffer_);
        state_->indexes.swap(indexes);
      }
      state_->ready.open();
      buffer_.clear();
      auto present = [](const detail::Entry& e) { return e.object || e.text; };
      for (std::size_t i = 0; i < diff.size(); i += batch) {
        std::vector<Change> changes;
        for (std::size_t j = i; j < std::min(diff.size(), i + batch); ++j) {
          auto& [before, after] = diff[j];
          changes.push_back({present(before) ? detail::materialize(before) : nullptr,
                             present(after) ? detail::materialize(after) : nullptr});
          before = after = detail::Entry{};
        }
        deliver(changes);
      }
      return;
    }
    case EventType::Apply: {
      if (!event.object) break;
      auto object = transform_ ? transform_(event.object) : event.object;
      auto key = object_key(*object);
      if (key.empty()) break;
      auto entry = state_->entry_for(object);
      ObjectPtr previous;
      if (auto it = state_->objects.find(key); it != state_->objects.end()) {
        previous = detail::materialize(it->second);
      }
      std::unique_lock lock(state_->mutex);
      if (previous) state_->index_remove(key, *previous);
      state_->objects.insert_or_assign(key, std::move(entry));
      state_->index_add(key, *object);
      changes.push_back({std::move(previous), std::move(object)});
      break;
    }
    case EventType::Delete: {
      if (!event.object) break;
      auto key = object_key(*event.object);
      if (key.empty()) break;
      auto it = state_->objects.find(key);
      // Deleting an unknown object still reports it so handlers can map it to a key.
      ObjectPtr previous = it == state_->objects.end() ? event.object : detail::materialize(it->second);
      if (it != state_->objects.end()) {
        std::unique_lock lock(state_->mutex);
        state_->index_remove(key, *previous);
        state_->objects.erase(it);
      }
      changes.push_back({std::move(previous), nullptr});
      break;
    }
  }
  if (!changes.empty()) deliver(changes);
}

}  // namespace rollguard::runtime
