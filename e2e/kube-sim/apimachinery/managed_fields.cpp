#include "apimachinery/managed_fields.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <map>

#include "apimachinery/field_set.hpp"
#include "apimachinery/strategic_merge_patch.hpp"

namespace kubesim::apimachinery {
namespace {

namespace json = boost::json;

struct Entry {
  std::string manager;
  std::string operation;
  std::string api_version;
  std::string time;
  std::string subresource;
  FieldSet fields;
};

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

const json::value* managed_fields_of(const json::value* object) {
  if (object == nullptr || !object->is_object()) return nullptr;
  const auto* md = object->get_object().if_contains("metadata");
  if (md == nullptr || !md->is_object()) return nullptr;
  return md->get_object().if_contains("managedFields");
}

std::vector<Entry> parse_entries(const json::value* managed) {
  std::vector<Entry> out;
  if (managed == nullptr || !managed->is_array()) return out;
  for (const auto& e : managed->get_array()) {
    const auto* o = e.if_object();
    if (o == nullptr) continue;
    Entry entry{str(*o, "manager"), str(*o, "operation"),   str(*o, "apiVersion"),
                str(*o, "time"),    str(*o, "subresource"), {}};
    if (const auto* f = o->if_contains("fieldsV1")) entry.fields = field_set_from_json(*f);
    out.push_back(std::move(entry));
  }
  return out;
}

json::array serialize(const std::vector<Entry>& entries) {
  json::array out;
  for (const auto& e : entries) {
    if (e.fields.empty()) continue;  // a manager that owns nothing is dropped, as upstream
    json::object o;
    o["manager"] = e.manager;
    o["operation"] = e.operation;
    if (!e.api_version.empty()) o["apiVersion"] = e.api_version;
    if (!e.time.empty()) o["time"] = e.time;
    o["fieldsType"] = "FieldsV1";
    o["fieldsV1"] = field_set_to_json(e.fields);
    if (!e.subresource.empty()) o["subresource"] = e.subresource;
    out.push_back(std::move(o));
  }
  return out;
}

bool has_prefix(const FieldPath& path, const FieldPath& prefix) {
  return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

// Removes `path` and everything below it (a removed list element takes its fields along).
void erase_subtree(FieldSet& set, const FieldPath& path) {
  for (auto it = set.lower_bound(path); it != set.end() && has_prefix(*it, path);) it = set.erase(it);
}

bool owns_any_under(const FieldSet& set, const FieldPath& path) {
  auto it = set.lower_bound(path);
  return it != set.end() && has_prefix(*it, path);
}

const PatchMeta& meta_or_default(const PatchMeta* meta) { return meta ? *meta : builtin_patch_meta(""); }

void set_managed_fields(json::value& object, std::vector<Entry> const& entries) {
  auto& md = object.as_object()["metadata"];
  if (!md.is_object()) md = json::object();
  json::array mf = serialize(entries);
  if (mf.empty())
    md.as_object().stable_erase("managedFields");
  else
    md.as_object()["managedFields"] = std::move(mf);
}

Entry* find_entry(std::vector<Entry>& entries, std::string_view manager, std::string_view operation,
                  std::string_view subresource) {
  for (auto& e : entries)
    if (e.manager == manager && e.operation == operation && e.subresource == subresource) return &e;
  return nullptr;
}

}  // namespace

Result<json::value> server_side_apply(const ApplyRequest& request) {
  if (request.applied == nullptr || !request.applied->is_object())
    return bad_request("the applied configuration must be an object");
  if (request.manager.empty())
    return bad_request("PATCH, application/apply-patch+yaml requests must set a fieldManager");
  const PatchMeta& meta = meta_or_default(request.meta);
  json::value live = request.live && request.live->is_object() ? *request.live : json::value(json::object());
  std::vector<Entry> entries = parse_entries(managed_fields_of(&live));

  json::value applied = *request.applied;
  if (auto* md = applied.as_object().if_contains("metadata"); md && md->is_object())
    md->as_object().stable_erase("managedFields");
  FieldSet applied_set = field_set_of(applied, meta);

  // Conflicts: a field the applier sets to a different value than the live one, owned by anyone
  // else (another manager, or the same manager's non-apply writes).
  std::map<FieldPath, std::vector<std::size_t>> conflicts;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    if (e.manager == request.manager && e.operation == "Apply" && e.subresource == request.subresource)
      continue;
    for (const auto& path : e.fields) {
      if (!applied_set.contains(path) || !path.back().starts_with("f:")) continue;
      const json::value* a = value_at(applied, path);
      const json::value* l = value_at(live, path);
      if (a == nullptr || l == nullptr || *a != *l) conflicts[path].push_back(i);
    }
  }
  if (!conflicts.empty() && !request.force) {
    std::vector<StatusCause> causes;
    std::string listing;
    for (const auto& [path, owners] : conflicts) {
      for (std::size_t i : owners) {
        std::string who = "conflict with \"" + entries[i].manager + "\"";
        if (!entries[i].api_version.empty()) who += " using " + entries[i].api_version;
        causes.push_back({"FieldManagerConflict", who, to_string(path)});
        listing += (listing.empty() ? "" : "\n") + ("- " + who + ": " + to_string(path));
      }
    }
    std::string message = "Apply failed with " + std::to_string(causes.size()) + " conflict" +
                          (causes.size() == 1 ? "" : "s") + ": ";
    if (causes.size() == 1)
      message += causes[0].message + ": " + causes[0].field;
    else
      message += "\n" + listing;
    return conflict(std::move(message), std::move(causes));
  }
  for (const auto& [path, owners] : conflicts)
    for (std::size_t i : owners) erase_subtree(entries[i].fields, path);

  // Fields this manager applied before and omits now are removed unless someone else owns them.
  Entry* mine = find_entry(entries, request.manager, "Apply", request.subresource);
  json::value merged = live;
  if (mine != nullptr) {
    std::vector<FieldPath> dropped;
    for (const auto& path : mine->fields)
      if (!applied_set.contains(path)) dropped.push_back(path);
    std::reverse(dropped.begin(), dropped.end());  // children before their parents
    for (const auto& path : dropped) {
      bool owned = std::any_of(entries.begin(), entries.end(),
                               [&](const Entry& e) { return &e != mine && owns_any_under(e.fields, path); });
      if (!owned) remove_at(merged, path);
    }
  }
  auto result = apply_strategic_merge_patch(merged, applied, meta);
  if (!result) return result.error();
  merged = std::move(*result);

  if (mine == nullptr) {
    entries.push_back(Entry{request.manager, "Apply", "", "", request.subresource, {}});
    mine = &entries.back();
  }
  mine->fields = std::move(applied_set);
  mine->api_version = request.api_version;
  mine->time = request.now;
  set_managed_fields(merged, entries);
  return merged;
}

json::value record_update(const json::value* old_object, const json::value& new_object,
                          std::string_view manager, const PatchMeta* meta, std::string_view api_version,
                          std::string_view now, std::string_view subresource) {
  json::value result = new_object;
  if (!result.is_object()) return result;
  const PatchMeta& m = meta_or_default(meta);
  const json::value* old_mf = managed_fields_of(old_object);
  const json::value* new_mf = managed_fields_of(&new_object);
  // A client that sends managedFields different from the stored ones rewrites them (an empty
  // list resets ownership); one that omits or echoes them keeps the stored ones.
  bool rewritten = new_mf != nullptr && (old_mf == nullptr || *new_mf != *old_mf);
  std::vector<Entry> entries = parse_entries(rewritten ? new_mf : old_mf);

  FieldSet new_set = field_set_of(new_object, m);
  FieldSet old_set = old_object ? field_set_of(*old_object, m) : FieldSet{};
  FieldSet changed;
  for (const auto& path : new_set) {
    if (!old_set.contains(path)) {
      changed.insert(path);
      continue;
    }
    if (!path.back().starts_with("f:")) continue;
    const json::value* a = value_at(new_object, path);
    const json::value* b = value_at(*old_object, path);
    if (a == nullptr || b == nullptr || *a != *b) changed.insert(path);
  }
  std::vector<FieldPath> removed;
  for (const auto& path : old_set)
    if (!new_set.contains(path)) removed.push_back(path);

  Entry* mine = find_entry(entries, manager, "Update", subresource);
  for (auto& e : entries) {
    for (const auto& path : removed) erase_subtree(e.fields, path);
    if (&e == mine) continue;
    for (const auto& path : changed) e.fields.erase(path);
  }
  if (!changed.empty()) {
    if (mine == nullptr) {
      entries.push_back(Entry{std::string(manager), "Update", "", "", std::string(subresource), {}});
      mine = &entries.back();
    }
    mine->fields.insert(changed.begin(), changed.end());
    mine->api_version = std::string(api_version);
    mine->time = std::string(now);
  }
  set_managed_fields(result, entries);
  return result;
}

json::value fields_v1_of(const json::value& object, const PatchMeta* meta) {
  return field_set_to_json(field_set_of(object, meta_or_default(meta)));
}

std::string manager_from_user_agent(std::string_view user_agent) {
  auto slash = user_agent.find('/');
  std::string out(user_agent.substr(0, slash));
  if (out.size() > 128) out.resize(128);  // upstream caps manager names at 128 characters
  return out;
}

}  // namespace kubesim::apimachinery
