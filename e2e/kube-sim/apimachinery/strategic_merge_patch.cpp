#include "apimachinery/strategic_merge_patch.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <optional>

namespace kubesim::apimachinery {
namespace {

namespace json = boost::json;

constexpr std::string_view kPatch = "$patch";
constexpr std::string_view kRetainKeys = "$retainKeys";
constexpr std::string_view kSetElementOrder = "$setElementOrder/";
constexpr std::string_view kDeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

const PatchMeta kNoMeta{};

const PatchMeta& child(const PatchMeta* meta, std::string_view name) {
  const PatchMeta* c = meta ? meta->field(name) : nullptr;
  return c ? *c : kNoMeta;
}

// nullopt from a merge means "delete this value" ($patch: delete on a map).
using Merged = Result<std::optional<json::value>>;

Merged merge_value(const json::value* original, const json::value& patch, const PatchMeta& meta);

// A patch value with no original: still run it through the merge so directives are stripped.
Merged fresh(const json::value& patch, const PatchMeta& meta) { return merge_value(nullptr, patch, meta); }

Result<json::array> merge_list(const json::array* original, const json::array& patch, const PatchMeta& meta) {
  if (meta.list == ListStrategy::kMergePrimitive) {
    json::array out = original ? *original : json::array();
    for (const auto& v : patch)
      if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    return out;
  }
  // kMergeByKey. A `{"$patch": "replace"}` element replaces the whole list with the other elements.
  bool replace = false;
  for (const auto& v : patch)
    if (const auto* o = v.if_object(); o && o->size() == 1 && o->contains(kPatch)) {
      const auto& d = o->at(kPatch);
      if (d == "replace")
        replace = true;
      else
        return bad_request("Unknown patch type in list: " + json::serialize(d));
    }
  json::array out = (original && !replace) ? *original : json::array();
  const std::string& key = meta.merge_key;
  for (const auto& v : patch) {
    const auto* po = v.if_object();
    if (po == nullptr)
      return bad_request("merging list: element " + json::serialize(v) + " is not an object");
    if (po->size() == 1 && po->contains(kPatch)) continue;
    const json::value* kv = po->if_contains(key);
    if (kv == nullptr)
      return bad_request("map: " + json::serialize(v) + " does not contain declared merge key: " + key);
    auto same = [&](const json::value& e) {
      const auto* eo = e.if_object();
      const json::value* ek = eo ? eo->if_contains(key) : nullptr;
      return ek && *ek == *kv;
    };
    const json::value* directive = po->if_contains(kPatch);
    if (directive != nullptr && *directive == "delete") {
      out.erase(std::remove_if(out.begin(), out.end(), same), out.end());
      continue;
    }
    auto it = std::find_if(out.begin(), out.end(), same);
    PatchMeta element_meta = meta;  // the element is a map described by meta.fields
    element_meta.list = ListStrategy::kReplace;
    auto merged = merge_value(it == out.end() ? nullptr : &*it, v, element_meta);
    if (!merged) return merged.error();
    if (!*merged) {
      if (it != out.end()) out.erase(it);
      continue;
    }
    if (it == out.end())
      out.push_back(std::move(**merged));
    else
      *it = std::move(**merged);
  }
  return out;
}

// `$setElementOrder/<list>`: the listed elements take the slots the listed elements occupy, in the
// given order; elements the order does not mention (server-side additions) keep their slots.
void reorder(json::array& list, const json::array& order, const PatchMeta& meta) {
  auto identity = [&](const json::value& v) -> const json::value* {
    if (meta.list != ListStrategy::kMergeByKey) return &v;
    const auto* o = v.if_object();
    return o ? o->if_contains(meta.merge_key) : nullptr;
  };
  std::vector<std::size_t> slots;
  std::vector<json::value> ordered;
  for (const auto& want : order) {
    const json::value* wid = identity(want);
    if (wid == nullptr) continue;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const json::value* id = identity(list[i]);
      if (id && *id == *wid && std::find(slots.begin(), slots.end(), i) == slots.end()) {
        slots.push_back(i);
        ordered.push_back(list[i]);
        break;
      }
    }
  }
  std::sort(slots.begin(), slots.end());
  for (std::size_t i = 0; i < slots.size(); ++i) list[slots[i]] = std::move(ordered[i]);
}

Merged merge_map(const json::object* original, const json::object& patch, const PatchMeta& meta) {
  json::object out = original ? *original : json::object();
  if (const auto* d = patch.if_contains(kPatch)) {
    if (*d == "delete") return std::optional<json::value>();
    if (*d == "replace") {
      json::object stripped;
      for (const auto& [k, v] : patch) {
        if (k == kPatch) continue;
        auto m = fresh(v, child(&meta, k));
        if (!m) return m.error();
        if (*m) stripped[k] = std::move(**m);
      }
      return std::optional<json::value>(std::move(stripped));
    }
    if (*d != "merge") return bad_request("Unknown patch type: " + json::serialize(*d));
  }
  for (const auto& [k, v] : patch) {
    if (k == kPatch || k == kRetainKeys || k.starts_with(kSetElementOrder)) continue;
    if (k.starts_with(kDeleteFromPrimitiveList)) {
      std::string_view field = std::string_view(k).substr(kDeleteFromPrimitiveList.size());
      if (!v.is_array()) return bad_request(std::string(k) + " must be a list");
      if (auto it = out.find(field); it != out.end() && it->value().is_array()) {
        auto& list = it->value().as_array();
        for (const auto& del : v.as_array())
          list.erase(std::remove(list.begin(), list.end(), del), list.end());
      }
      continue;
    }
    if (k.starts_with("$")) return bad_request("unknown strategic merge patch directive: " + std::string(k));
    if (v.is_null()) {
      out.stable_erase(k);
      continue;
    }
    auto it = out.find(k);
    auto m = merge_value(it == out.end() ? nullptr : &it->value(), v, child(&meta, k));
    if (!m) return m.error();
    if (*m)
      out[k] = std::move(**m);
    else
      out.stable_erase(k);
  }
  for (const auto& [k, v] : patch) {
    if (!k.starts_with(kSetElementOrder)) continue;
    std::string_view field = std::string_view(k).substr(kSetElementOrder.size());
    if (!v.is_array()) return bad_request(std::string(k) + " must be a list");
    if (auto it = out.find(field); it != out.end() && it->value().is_array())
      reorder(it->value().as_array(), v.as_array(), child(&meta, field));
  }
  if (const auto* retain = patch.if_contains(kRetainKeys)) {
    if (!retain->is_array()) return bad_request("$retainKeys must be a list");
    const auto& keep = retain->as_array();
    for (const auto& [k, v] : patch)
      if (!k.starts_with("$") && std::find(keep.begin(), keep.end(), json::value(k)) == keep.end())
        return bad_request("$retainKeys must contain every field of the patch; missing " + std::string(k));
    for (auto it = out.begin(); it != out.end();) {
      if (std::find(keep.begin(), keep.end(), json::value(it->key())) == keep.end())
        it = out.stable_erase(it);
      else
        ++it;
    }
  }
  return std::optional<json::value>(std::move(out));
}

Merged merge_value(const json::value* original, const json::value& patch, const PatchMeta& meta) {
  if (const auto* po = patch.if_object()) {
    const json::object* oo = original ? original->if_object() : nullptr;
    return merge_map(oo, *po, meta);
  }
  if (const auto* pa = patch.if_array(); pa && meta.list != ListStrategy::kReplace) {
    const json::array* oa = original ? original->if_array() : nullptr;
    auto merged = merge_list(oa, *pa, meta);
    if (!merged) return merged.error();
    return std::optional<json::value>(std::move(*merged));
  }
  return std::optional<json::value>(patch);
}

}  // namespace

Result<json::value> apply_strategic_merge_patch(const json::value& original, const json::value& patch,
                                                const PatchMeta& meta) {
  const auto* po = patch.if_object();
  if (po == nullptr) return bad_request("strategic merge patch must be a JSON object");
  const auto* oo = original.if_object();
  static const json::object empty;
  auto merged = merge_map(oo ? oo : &empty, *po, meta);
  if (!merged) return merged.error();
  if (!*merged) return json::value(json::object());
  return std::move(**merged);
}

}  // namespace kubesim::apimachinery
