#include "apimachinery/field_set.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

namespace kubesim::apimachinery {
namespace {

namespace json = boost::json;

const PatchMeta kAtomic{};

void collect(const json::value& v, const PatchMeta& meta, FieldPath& path, FieldSet& out) {
  if (const auto* obj = v.if_object()) {
    if (obj->empty()) {
      if (!path.empty()) out.insert(path);
      return;
    }
    for (const auto& [key, child] : *obj) {
      path.push_back("f:" + std::string(key));
      const PatchMeta* cm = meta.field(key);
      collect(child, cm ? *cm : kAtomic, path, out);
      path.pop_back();
    }
    return;
  }
  if (const auto* arr = v.if_array(); arr && !arr->empty() && meta.list != ListStrategy::kReplace) {
    for (const auto& e : *arr) {
      if (meta.list == ListStrategy::kMergePrimitive) {
        path.push_back("v:" + json::serialize(e));
        out.insert(path);
        path.pop_back();
        continue;
      }
      const auto* eo = e.if_object();
      const json::value* key = eo ? eo->if_contains(meta.merge_key) : nullptr;
      if (key == nullptr) continue;  // an element without its merge key cannot be owned
      json::object k;
      k[meta.merge_key] = *key;
      path.push_back("k:" + json::serialize(k));
      out.insert(path);
      PatchMeta element = meta;
      element.list = ListStrategy::kReplace;
      collect(e, element, path, out);
      path.pop_back();
    }
    return;
  }
  out.insert(path);  // scalars, atomic lists
}

const json::value* element(const json::array& arr, std::string_view pe) {
  if (pe.starts_with("k:")) {
    boost::system::error_code ec;
    json::value k = json::parse(pe.substr(2), ec);
    if (ec || !k.is_object()) return nullptr;
    for (const auto& e : arr) {
      const auto* eo = e.if_object();
      if (eo == nullptr) continue;
      bool all = std::all_of(k.get_object().begin(), k.get_object().end(), [&](const auto& kv) {
        const auto* f = eo->if_contains(kv.key());
        return f && *f == kv.value();
      });
      if (all) return &e;
    }
    return nullptr;
  }
  if (pe.starts_with("v:")) {
    boost::system::error_code ec;
    json::value want = json::parse(pe.substr(2), ec);
    if (ec) return nullptr;
    auto it = std::find(arr.begin(), arr.end(), want);
    return it == arr.end() ? nullptr : &*it;
  }
  if (pe.starts_with("i:")) {
    std::size_t i = 0;
    auto s = pe.substr(2);
    auto [p, err] = std::from_chars(s.data(), s.data() + s.size(), i);
    if (err != std::errc() || i >= arr.size()) return nullptr;
    return &arr[i];
  }
  return nullptr;
}

const json::value* step(const json::value& v, std::string_view pe) {
  if (pe.starts_with("f:")) {
    const auto* o = v.if_object();
    return o ? o->if_contains(pe.substr(2)) : nullptr;
  }
  const auto* a = v.if_array();
  return a ? element(*a, pe) : nullptr;
}

}  // namespace

FieldSet field_set_of(const json::value& object, const PatchMeta& meta) {
  FieldSet out;
  const auto* obj = object.if_object();
  if (obj == nullptr) return out;
  FieldPath path;
  for (const auto& [key, v] : *obj) {
    if (key == "apiVersion" || key == "kind") continue;
    if (key == "metadata") {
      const auto* md = v.if_object();
      if (md == nullptr) continue;
      const PatchMeta* mm = meta.field("metadata");
      for (std::string_view f : {"labels", "annotations", "finalizers", "ownerReferences"}) {
        const auto* fv = md->if_contains(f);
        if (fv == nullptr) continue;
        path = {"f:metadata", "f:" + std::string(f)};
        const PatchMeta* fm = mm ? mm->field(f) : nullptr;
        collect(*fv, fm ? *fm : kAtomic, path, out);
      }
      continue;
    }
    path = {"f:" + std::string(key)};
    const PatchMeta* cm = meta.field(key);
    collect(v, cm ? *cm : kAtomic, path, out);
  }
  return out;
}

FieldSet field_set_from_json(const json::value& fields_v1) {
  FieldSet out;
  FieldPath path;
  auto walk = [&](auto& self, const json::object& node) -> void {
    for (const auto& [key, child] : node) {
      if (key == ".") {
        if (!path.empty()) out.insert(path);
        continue;
      }
      path.emplace_back(key);
      const auto* co = child.if_object();
      if (co == nullptr || co->empty())
        out.insert(path);
      else
        self(self, *co);
      path.pop_back();
    }
  };
  if (const auto* o = fields_v1.if_object()) walk(walk, *o);
  return out;
}

json::value field_set_to_json(const FieldSet& set) {
  json::object root;
  for (const auto& path : set) {
    json::object* node = &root;
    for (const auto& pe : path) {
      json::value& child = (*node)[pe];
      if (!child.is_object()) child = json::object();
      node = &child.as_object();
    }
  }
  // A member that also has members below it (a list element) is marked with ".".
  for (const auto& path : set) {
    json::object* node = &root;
    for (const auto& pe : path) node = &(*node)[pe].as_object();
    if (node->empty() || node->contains(".")) continue;
    json::object marked;
    marked["."] = json::object();
    for (auto& [k, v] : *node) marked[k] = std::move(v);
    *node = std::move(marked);
  }
  return root;
}

const json::value* value_at(const json::value& object, const FieldPath& path) {
  const json::value* cur = &object;
  for (const auto& pe : path) {
    cur = step(*cur, pe);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

void remove_at(json::value& object, const FieldPath& path) {
  if (path.empty()) return;
  FieldPath parent_path(path.begin(), path.end() - 1);
  // value_at only reads; the value it finds belongs to the mutable `object`.
  auto* parent = const_cast<json::value*>(value_at(object, parent_path));
  if (parent == nullptr) return;
  const std::string& last = path.back();
  if (last.starts_with("f:")) {
    if (auto* o = parent->if_object()) o->stable_erase(std::string_view(last).substr(2));
    return;
  }
  if (auto* a = parent->if_array()) {
    const json::value* e = element(*a, last);
    if (e == nullptr) return;
    a->erase(a->begin() + (e - a->data()));
  }
}

std::string to_string(const FieldPath& path) {
  std::string out;
  for (const auto& pe : path) {
    if (pe.starts_with("f:")) {
      out += "." + pe.substr(2);
    } else if (pe.starts_with("k:")) {
      boost::system::error_code ec;
      json::value k = json::parse(std::string_view(pe).substr(2), ec);
      out += "[";
      bool first = true;
      if (!ec && k.is_object())
        for (const auto& [name, v] : k.get_object()) {
          out += (first ? "" : ",") + std::string(name) + "=" + json::serialize(v);
          first = false;
        }
      out += "]";
    } else if (pe.starts_with("v:")) {
      out += "[=" + pe.substr(2) + "]";
    } else {
      out += "[" + pe.substr(2) + "]";
    }
  }
  return out;
}

}  // namespace kubesim::apimachinery
