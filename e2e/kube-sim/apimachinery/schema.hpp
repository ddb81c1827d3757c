#pragma once
// Structural OpenAPI v3 schemas of CRDs (`spec.versions[*].schema.openAPIV3Schema`): validation,
// pruning and defaulting, in the order the apiserver runs them on a write: prune, default, validate.
// See the Kubernetes docs "Extend the Kubernetes API with CustomResourceDefinitions" (structural
// schema, pruning, defaulting).
#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "apimachinery/status.hpp"

namespace kubesim::apimachinery {

// Returns every violation (empty = valid), each a cause with the upstream field path
// ("spec.slos[0].name") and message, e.g.
//   FieldValueInvalid   `Invalid value: "string": spec.replicas in body must be of type integer: "string"`
//   FieldValueRequired  `Required value`
//   FieldValueNotSupported `Unsupported value: "x": supported values: "a", "b"`
// `path` is the path of `value` itself (empty for a whole object). At the root of a resource,
// apiVersion/kind/metadata are not checked against the schema (the apiserver validates them itself).
std::vector<StatusCause> validate_schema(const boost::json::value& schema, const boost::json::value& value,
                                         std::string_view path = {});

// Removes fields the schema does not declare (unless x-kubernetes-preserve-unknown-fields, or
// additionalProperties describes a map) and returns their paths ("spec.foo", "spec.items[0].bar")
// in document order; the server words them `unknown field "spec.foo"` for fieldValidation
// Strict (400) / Warn (Warning header). With `resource_root`, apiVersion/kind/metadata are kept.
std::vector<std::string> prune_unknown_fields(boost::json::value& value, const boost::json::value& schema,
                                              bool resource_root = true);

// Applies `default`s: a property with a default that is missing from an object that exists gets
// the default (recursively defaulted itself); objects are never created just to hold a default.
void apply_schema_defaults(boost::json::value& value, const boost::json::value& schema);

}  // namespace kubesim::apimachinery
