#pragma once
// The reflector's cache (kube-rs reflector::store / client-go Indexer): one Writer fed by a watcher,
// any number of cheap read-only Store handles over immutable objects.
//  - A relist (InitStart, InitApply..., InitDone) is buffered and swapped in as one step at InitDone,
//    so readers never see half-old, half-new contents and objects deleted while the watch was down
//    disappear (the swap reports them as deletions).
//  - A ready latch opens at the first InitDone and stays open (client-go HasSynced).
//  - Indexes: "namespace" and "owner" (ownerReferences[].uid) are built in; custom ones map an
//    object to any number of index values (e.g. "the Deployments a policy targets"). "namespace" is
//    a range of the key-ordered map, not postings (an index by that name replaces it).
//  - Storage::Text (the default) keeps each cached object as its transformed JSON text and parses it on
//    every read, outside the lock: a cached object then costs about half its JSON, where compact
//    Boost.JSON objects cost more than their JSON (runtime_store_bench). Every read returns a new,
//    independent object, as controller-runtime's cache deep-copies on every read. Storage::Shared
//    keeps the (compact) objects themselves and hands out the same pointer to every reader.
//  - A transform runs before caching to drop what controllers never read and store the rest compactly
//    (controller-runtime's cache TransformFunc; see cache_transform.hpp), e.g. metadata.managedFields.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/cache_transform.hpp"
#include "runtime/watcher.hpp"

namespace rollguard::runtime {

// client-go MetaNamespaceKeyFunc: "namespace/name", or "name" for cluster-scoped objects.
std::string object_key(const boost::json::object& object);
std::string object_key(std::string_view ns, std::string_view name);

// Returns the values under which an object is indexed (none = not indexed).
using IndexFunc = std::function<std::vector<std::string>(const boost::json::object&)>;

inline constexpr std::string_view kNamespaceIndex = "namespace";
inline constexpr std::string_view kOwnerIndex = "owner";

// What one watcher event changed in the cache; old_object null = created, new_object null = deleted.
struct Change {
  ObjectPtr old_object;
  ObjectPtr new_object;
};

// How the cache holds objects at rest (see above).
enum class Storage { Text, Shared };

namespace detail {
struct StoreState;
// One cached object: object (Storage::Shared) or its JSON text (Storage::Text).
struct Entry {
  ObjectPtr object;
  std::shared_ptr<const std::string> text;
};
}  // namespace detail

class Store {
 public:
  ObjectPtr get(std::string_view ns, std::string_view name) const;
  ObjectPtr get(std::string_view key) const;
  // All objects, ordered by key.
  std::vector<ObjectPtr> list() const;
  // Objects whose index function returned value, ordered by key.
  std::vector<ObjectPtr> by_index(std::string_view index, std::string_view value) const;
  std::size_t size() const;

  bool is_ready() const;
  // Completes once the first full list was applied (immediately if already ready).
  boost::asio::awaitable<void> wait_until_ready() const;

 private:
  friend class Writer;
  explicit Store(std::shared_ptr<detail::StoreState> state) : state_(std::move(state)) {}
  std::shared_ptr<detail::StoreState> state_;
};

class Writer {
 public:
  explicit Writer(Transform transform = strip_for_cache, Storage storage = Storage::Text);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Registers an index (an existing name is replaced); existing contents are indexed at once.
  void add_index(std::string name, IndexFunc index);
  // Applies one watcher event and returns what changed (an InitDone returns the diff of the swap).
  // One thread at a time: the writer reads its own contents without the lock.
  std::vector<Change> apply(const watcher::Event& event);
  // The same, handing the changes to `deliver` at most `batch` at a time. The first fill of a
  // large cache is one InitDone whose diff is every object; parsed all at once, that diff cost 2.5x
  // the cache itself at its peak (tests/bench/controller_scale); in batches it costs one batch.
  void apply(const watcher::Event& event, std::size_t batch,
             const std::function<void(const std::vector<Change>&)>& deliver);
  Store store() const;

 private:
  std::shared_ptr<detail::StoreState> state_;
  Transform transform_;
  // Objects of a relist in progress (InitStart..InitDone); invisible to readers until the swap.
  std::map<std::string, detail::Entry, std::less<>> buffer_;
};

}  // namespace rollguard::runtime
