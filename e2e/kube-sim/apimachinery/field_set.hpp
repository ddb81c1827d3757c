#pragma once
// Sets of field paths as server-side apply tracks them (structured-merge-diff's fieldpath.Set),
// serialized as FieldsV1: {"f:spec":{"f:replicas":{}},"f:containers":{"k:{\"name\":\"a\"}":{".":{},...}}}.
// Path elements are strings in FieldsV1 form: "f:<field>", "k:<json object of merge keys>",
// "v:<json value>" (set members), "i:<index>". Internal to managed fields; exposed for tests.
#include <boost/json/value.hpp>
#include <set>
#include <string>
#include <vector>

#include "apimachinery/patch_meta.hpp"

namespace kubesim::apimachinery {

using FieldPath = std::vector<std::string>;
using FieldSet = std::set<FieldPath>;

// Members (leaves, list elements) of the object, as an apply or update of it would own them.
// At the resource root, apiVersion/kind and server-owned metadata (name, uid, resourceVersion, ...)
// are not fields anyone owns; labels, annotations, finalizers and ownerReferences are.
FieldSet field_set_of(const boost::json::value& object, const PatchMeta& meta);

FieldSet field_set_from_json(const boost::json::value& fields_v1);
boost::json::value field_set_to_json(const FieldSet& set);

// The value at `path` (nullptr when absent).
const boost::json::value* value_at(const boost::json::value& object, const FieldPath& path);
// Removes the value at `path`; no-op when absent.
void remove_at(boost::json::value& object, const FieldPath& path);

// ".spec.containers[name=\"a\"].image", as conflicts are worded upstream.
std::string to_string(const FieldPath& path);

}  // namespace kubesim::apimachinery
