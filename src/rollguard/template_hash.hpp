#pragma once
// A pod template's identity, independent of which object carries it. The Deployment's
// spec.template and the template its ReplicaSet holds differ only by the pod-template-hash label
// the Deployment controller adds, so both hash equal here. The hash is what status remembers
// (last known good, rejected templates, rollback targets): revision numbers move (a rollback makes
// the old ReplicaSet the newest revision again), templates do not.
#include <boost/json/object.hpp>
#include <string>

namespace rollguard {

// FNV-1a 64 of the template's canonical JSON (object keys sorted, no whitespace, numbers and strings
// as Boost.JSON serializes them) with metadata.labels["pod-template-hash"] left out; 16 hex digits.
std::string template_hash(const boost::json::object& pod_template);

}  // namespace rollguard
