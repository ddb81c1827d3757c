#include "pod_template.hpp"

#include <charconv>

#include "json_util.hpp"

namespace kubesim::cluster {
namespace json = boost::json;

namespace {
// Drops nulls, empty objects and empty arrays at every depth; returns whether `v` itself is empty.
bool prune_empty(json::value& v) {
  if (v.is_null()) return true;
  if (auto* o = v.if_object()) {
    for (auto it = o->begin(); it != o->end();) {
      if (prune_empty(it->value())) {
        it = o->erase(it);
      } else {
        ++it;
      }
    }
    return o->empty();
  }
  if (auto* a = v.if_array()) {
    for (auto& e : *a)
      if (e.is_object()) prune_empty(e);
    return a->empty();
  }
  return false;
}
}  // namespace

json::object normalize_template(const json::object& pod_template) {
  json::value v = pod_template;
  if (auto* labels = v.as_object().if_contains("metadata"); labels && labels->is_object())
    if (auto* l = labels->as_object().if_contains("labels"); l && l->is_object())
      l->as_object().erase(kPodTemplateHashLabel);
  prune_empty(v);
  return v.is_object() ? v.as_object() : json::object{};
}

bool templates_equal(const json::object& a, const json::object& b) {
  return canonical_json(normalize_template(a)) == canonical_json(normalize_template(b));
}

std::string pod_template_hash(const json::object& pod_template, std::int64_t collision_count) {
  std::string text = canonical_json(normalize_template(pod_template));
  if (collision_count > 0) text += "#" + std::to_string(collision_count);
  std::uint32_t h = 2166136261u;
  for (unsigned char c : text) {
    h ^= c;
    h *= 16777619u;
  }
  static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string digits = std::to_string(h), out;
  for (char d : digits) out += alphabet[static_cast<unsigned char>(d) % (sizeof(alphabet) - 1)];
  return out;
}

std::int64_t revision_number(const std::string& text) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || v < 0) return 0;
  return v;
}

RevisionUpdate next_revision(const std::string& current_revision, const std::string& current_history,
                             std::int64_t max_old_revision) {
  RevisionUpdate u{current_revision, current_history, false};
  std::int64_t wanted = max_old_revision + 1;
  if (!current_revision.empty() && revision_number(current_revision) >= wanted) return u;
  u.revision = std::to_string(wanted);
  u.changed = true;
  if (!current_revision.empty())
    u.history = current_history.empty() ? current_revision : current_history + "," + current_revision;
  return u;
}

json::object pod_from_template(const json::object& pod_template, const std::string& ns, const PodOwner& owner,
                               const json::object& extra_labels) {
  json::object meta = obj_at(pod_template, {"metadata"});
  meta.erase("creationTimestamp");
  meta.erase("name");
  meta["generateName"] = owner.name + "-";
  meta["namespace"] = ns;
  if (!extra_labels.empty()) {
    auto& labels = meta["labels"];
    if (!labels.is_object()) labels = json::object{};
    for (const auto& kv : extra_labels) labels.as_object()[kv.key()] = kv.value();
  }
  meta["ownerReferences"] = json::array{json::object{{"apiVersion", owner.api_version},
                                                     {"kind", owner.kind},
                                                     {"name", owner.name},
                                                     {"uid", owner.uid},
                                                     {"controller", true},
                                                     {"blockOwnerDeletion", true}}};
  return json::object{
      {"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", meta}, {"spec", obj_at(pod_template, {"spec"})}};
}

}  // namespace kubesim::cluster
