#include "runtime/template_hash.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <vector>

namespace rollguard::runtime {

namespace {

namespace json = boost::json;

constexpr std::string_view kPodTemplateHash = "pod-template-hash";

void write_canonical(const json::value& value, std::string& out);

// Keys in byte order, so the order a client or the server wrote them in does not matter.
void write_object(const json::object& object, std::string& out) {
  std::vector<const json::key_value_pair*> members;
  members.reserve(object.size());
  for (auto& member : object) members.push_back(&member);
  std::sort(members.begin(), members.end(),
            [](const json::key_value_pair* a, const json::key_value_pair* b) { return a->key() < b->key(); });
  out.push_back('{');
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i) out.push_back(',');
    out += json::serialize(json::string_view(members[i]->key()));
    out.push_back(':');
    write_canonical(members[i]->value(), out);
  }
  out.push_back('}');
}

void write_canonical(const json::value& value, std::string& out) {
  if (auto* object = value.if_object()) {
    write_object(*object, out);
  } else if (auto* array = value.if_array()) {
    out.push_back('[');
    for (std::size_t i = 0; i < array->size(); ++i) {
      if (i) out.push_back(',');
      write_canonical((*array)[i], out);
    }
    out.push_back(']');
  } else {
    out += json::serialize(value);
  }
}

std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace

std::string canonical_template(const boost::json::object& pod_template) {
  // A copy without the label the ReplicaSet controller adds. A labels map left empty stays (a
  // Deployment's template always has the labels its selector matches, so the case does not arise).
  json::object copy = pod_template;
  if (auto* m = copy.if_contains("metadata"); m && m->is_object()) {
    if (auto* labels = m->get_object().if_contains("labels"); labels && labels->is_object()) {
      labels->get_object().erase(kPodTemplateHash);
    }
  }
  std::string out;
  write_object(copy, out);
  return out;
}

std::string template_hash(const boost::json::object& pod_template) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(fnv1a64(canonical_template(pod_template))));
  return hex;
}

}  // namespace rollguard::runtime
