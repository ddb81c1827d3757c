#include "runtime/cache_transform.hpp"

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string_view>

#include "kube/object_meta.hpp"

namespace rollguard::runtime {

namespace {

namespace json = boost::json;

constexpr std::string_view kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";
// ::operator new returns blocks aligned to this; offsets inside a block are computed from it.
constexpr std::size_t kBlockAlign = __STDCPP_DEFAULT_NEW_ALIGNMENT__;

// Block size per byte of JSON text for parse_compact(); runtime_store_bench reports the real ratio.
constexpr std::size_t kParsedPerTextByte = 3;

std::size_t align_up(std::size_t offset, std::size_t align) { return (offset + align - 1) & ~(align - 1); }

// Builds the object to cache into `out`, whose storage is already set. compact_with() runs a builder
// twice (once to measure, once for real), so a builder must make the same allocations each time.
using Builder = void (*)(const json::object& in, json::object& out);

// A bump allocator over one block sized by a measuring pass. Sealed once the object is built: later
// allocations (copies taken by readers, possibly on several threads at once) go to the heap, so the
// block is never written again and reading it needs no lock.
class Arena final : public json::memory_resource {
 public:
  Arena(std::size_t size, Arena** self)
      : begin_(size ? static_cast<unsigned char*>(::operator new(size)) : nullptr), size_(size) {
    *self = this;
  }
  ~Arena() override { ::operator delete(begin_); }
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  void seal() noexcept { sealed_ = true; }

 private:
  void* do_allocate(std::size_t n, std::size_t align) override {
    if (!sealed_ && n != 0 && align <= kBlockAlign) {
      const std::size_t at = align_up(used_, align);
      if (at <= size_ && n <= size_ - at) {
        used_ = at + n;
        return begin_ + at;
      }
    }
    return align <= kBlockAlign ? ::operator new(n) : ::operator new(n, std::align_val_t(align));
  }

  void do_deallocate(void* p, std::size_t n, std::size_t align) override {
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    const auto begin = reinterpret_cast<std::uintptr_t>(begin_);
    if (begin_ && at >= begin && at < begin + size_) return;  // freed with the block
    if (align <= kBlockAlign) {
      ::operator delete(p, n);
    } else {
      ::operator delete(p, n, std::align_val_t(align));
    }
  }
  bool do_is_equal(const json::memory_resource& other) const noexcept override { return this == &other; }

  unsigned char* begin_;
  std::size_t size_;
  std::size_t used_ = 0;
  bool sealed_ = false;
};

// Adds up the block an Arena would need for the same allocations; the memory itself comes from a
// scratch buffer on the stack (the heap once it overflows) and is thrown away with the probe.
class Measure final : public json::memory_resource {
 public:
  std::size_t size() const { return size_; }

 private:
  void* do_allocate(std::size_t n, std::size_t align) override {
    if (n != 0 && align <= kBlockAlign) size_ = align_up(size_, align) + n;
    return scratch_.allocate(n, align);
  }
  void do_deallocate(void*, std::size_t, std::size_t) override {}
  bool do_is_equal(const json::memory_resource& other) const noexcept override { return this == &other; }

  std::size_t size_ = 0;
  alignas(kBlockAlign) unsigned char buffer_[16 * 1024];
  json::monotonic_resource scratch_{buffer_, sizeof buffer_};
};

ObjectPtr compact_with(const json::object& in, Builder build) {
  std::size_t size = 0;
  {
    Measure measure;
    json::object probe{json::storage_ptr(&measure)};
    build(in, probe);
    size = measure.size();
  }
  Arena* arena = nullptr;
  auto sp = json::make_shared_resource<Arena>(size, &arena);
  auto out = std::make_shared<json::object>(sp);
  build(in, *out);
  arena->seal();
  return out;
}

// Copies the members of `in` for which keep(key, value) holds, each through make(key, value, sp).
// The table is reserved at its exact final size first: growing it would leave the old tables behind
// in the block.
template <class Keep, class Make>
void rebuild_into(const json::object& in, json::object& out, Keep keep, Make make) {
  std::size_t n = 0;
  for (auto& kv : in) n += keep(kv.key(), kv.value()) ? 1 : 0;
  out.reserve(n);
  for (auto& kv : in) {
    if (keep(kv.key(), kv.value())) out.emplace(kv.key(), make(kv.key(), kv.value(), out.storage()));
  }
}

template <class Keep, class Make>
json::value rebuild(const json::value& in, const json::storage_ptr& sp, Keep keep, Make make) {
  if (!in.is_object()) return json::value(in, sp);
  json::object out(sp);
  rebuild_into(in.get_object(), out, keep, make);
  return out;
}

json::value copy_member(std::string_view, const json::value& v, const json::storage_ptr& sp) {
  return json::value(v, sp);
}
bool keep_all(std::string_view, const json::value&) { return true; }

bool only_last_applied(const json::value& annotations) {
  return annotations.is_object() && annotations.get_object().size() == 1 &&
         annotations.get_object().contains(kLastApplied);
}

json::value strip_metadata(const json::value& metadata, const json::storage_ptr& sp) {
  return rebuild(
      metadata, sp,
      [](std::string_view key, const json::value& v) {
        // An annotations map left empty is dropped, as the API server omits an empty one.
        return key != "managedFields" && !(key == "annotations" && only_last_applied(v));
      },
      [](std::string_view key, const json::value& v, const json::storage_ptr& sp) {
        if (key != "annotations") return json::value(v, sp);
        return rebuild(
            v, sp, [](std::string_view k, const json::value&) { return k != kLastApplied; }, copy_member);
      });
}

void build_stripped(const json::object& in, json::object& out) {
  rebuild_into(in, out, keep_all,
               [](std::string_view key, const json::value& v, const json::storage_ptr& sp) {
                 return key == "metadata" ? strip_metadata(v, sp) : json::value(v, sp);
               });
}

json::value slim_container_statuses(const json::value& statuses, const json::storage_ptr& sp) {
  if (!statuses.is_array()) return json::value(statuses, sp);
  json::array out(sp);
  out.reserve(statuses.get_array().size());
  for (auto& status : statuses.get_array()) {
    out.push_back(rebuild(
        status, sp,
        [](std::string_view k, const json::value&) {
          return k == "name" || k == "ready" || k == "restartCount" || k == "state";
        },
        copy_member));
  }
  return out;
}

void build_pod(const json::object& in, json::object& out) {
  rebuild_into(
      in, out,
      [](std::string_view key, const json::value&) {
        return key == "apiVersion" || key == "kind" || key == "metadata" || key == "status";
      },
      [](std::string_view key, const json::value& v, const json::storage_ptr& sp) {
        if (key == "metadata") return strip_metadata(v, sp);
        if (key != "status") return json::value(v, sp);
        return rebuild(
            v, sp,
            [](std::string_view k, const json::value&) {
              return k == "phase" || k == "conditions" || k == "podIP" || k == "podIPs" ||
                     k == "containerStatuses";
            },
            [](std::string_view k, const json::value& s, const json::storage_ptr& sp) {
              return k == "containerStatuses" ? slim_container_statuses(s, sp) : json::value(s, sp);
            });
      });
}

void build_copy(const json::object& in, json::object& out) { out = in; }

bool nothing_to_strip(const json::object& object) {
  auto* m = kube::meta::metadata(object);
  if (!m) return true;
  if (m->contains("managedFields")) return false;
  auto* a = kube::meta::annotations(object);
  return !(a && a->contains(kLastApplied));
}

}  // namespace

ObjectPtr compact(const json::object& object) { return compact_with(object, build_copy); }

ObjectPtr parse_compact(std::string_view text) {
  // The parser builds each array and object table at its final size, so the parsed object needs
  // about what compact() would: no measuring pass (that would parse twice), a block sized from the
  // text instead. What does not fit goes to the heap, as after sealing.
  Arena* arena = nullptr;
  auto sp = json::make_shared_resource<Arena>(text.size() * kParsedPerTextByte, &arena);
  json::value parsed = json::parse(text, sp);
  if (!parsed.is_object()) throw std::invalid_argument("parse_compact: JSON text is not an object");
  auto out = std::make_shared<const json::object>(std::move(parsed.get_object()));
  arena->seal();
  return out;
}

bool is_compact(const json::object& object) {
  return dynamic_cast<const json::detail::shared_resource_impl<Arena>*>(object.storage().get()) != nullptr;
}

ObjectPtr strip_for_cache(ObjectPtr object) {
  if (!object || (is_compact(*object) && nothing_to_strip(*object))) return object;
  return compact_with(*object, build_stripped);
}

ObjectPtr slim_deployment(ObjectPtr object) { return strip_for_cache(std::move(object)); }

ObjectPtr slim_replicaset(ObjectPtr object) { return strip_for_cache(std::move(object)); }

ObjectPtr slim_pod(ObjectPtr object) { return object ? compact_with(*object, build_pod) : object; }

}  // namespace rollguard::runtime
