#pragma once
// A hash of a pod template that is equal exactly when the Deployment controller would call two
// templates equal (its EqualIgnoreHash: deep equality with the pod-template-hash label removed).
// Kubernetes' own pod-template-hash is Go's DeepHashObject over the Go struct (field order, Go
// types, defaulting), which C++ cannot reproduce; this hash is ours, in our own terms:
//   canonical JSON (object keys sorted at every depth, no whitespace, numbers and strings as
//   Boost.JSON writes them), without metadata.labels["pod-template-hash"], then FNV-1a 64-bit, as
//   16 lowercase hex digits. The same definition as rollguard::template_hash (src/rollguard, written
//   alongside); template_hash_test pins both to the same values, so either can go.
// Use: the GitOps check "the Deployment's template is one we already rolled back from" compares
// template_hash(deployment.spec.template) with template_hash(replicaSet.spec.template).
// Hashes are not stable across rollguard versions' canonical forms: do not persist them in the API
// as if they were Kubernetes' pod-template-hash.
#include <boost/json/object.hpp>
#include <string>

namespace rollguard::runtime {

std::string template_hash(const boost::json::object& pod_template);

// The canonical text the hash is taken over (tests, debugging).
std::string canonical_template(const boost::json::object& pod_template);

}  // namespace rollguard::runtime
