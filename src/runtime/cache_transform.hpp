#pragma once
// Transforms that run before an object enters the cache (controller-runtime's cache TransformFunc,
// client-go's SetTransform): they drop what the controller never reads and store the rest compactly,
// for a replica that caches 10,000 Deployments and 30,000 ReplicaSets.
// tests/bench/runtime_store_bench.cpp measures what a cached object costs against its JSON size.
//
// Every transform returns a compact object (see compact()) and never modifies its input.
#include <boost/json/object.hpp>
#include <functional>
#include <string_view>

#include "runtime/watcher.hpp"

namespace rollguard::runtime {

// Returns the object to cache: a slimmed copy, or the same pointer when it is cached as is.
using Transform = std::function<ObjectPtr(ObjectPtr)>;

// A deep copy whose strings, arrays and object tables all live in one block of exactly the size they
// need, instead of one heap allocation (and its malloc header and rounding) each. The copy is
// immutable and safe to read from any thread; copies taken from it (json::value's copy constructor
// keeps the source's storage) allocate on the heap and keep the block alive while they live.
ObjectPtr compact(const boost::json::object& object);
// Parses JSON text (an object) into a compact object, as the store's Text mode does on every read.
ObjectPtr parse_compact(std::string_view text);
// True when object was made by compact(), parse_compact() or one of the transforms below.
bool is_compact(const boost::json::object& object);

// The default: drops metadata.managedFields and the kubectl.kubernetes.io/last-applied-configuration
// annotation (nothing a controller reads; a third to a half of an object's JSON). An object already
// compact and without either is returned as is.
ObjectPtr strip_for_cache(ObjectPtr object);

// strip_for_cache only: spec.template stays. The GitOps check ("is the Deployment's current template
// one we rolled back from?") compares template_hash(spec.template) of the Deployment with that of
// its ReplicaSets (src/rollguard/template_hash.hpp); Kubernetes' own pod-template-hash cannot be computed outside
// Go. The cost (runtime_store_bench, Text storage, the bench's 3.0 kB Deployments): 2.30 kB cached
// per Deployment (0.77x its JSON) against 0.48x without the template, about 8 MiB more for 10k.
ObjectPtr slim_deployment(ObjectPtr object);

// strip_for_cache only: a ReplicaSet's spec.template is kept whole because a rollback restores it
// exactly (kubectl rollout undo drops only the pod-template-hash label, at patch time).
ObjectPtr slim_replicaset(ObjectPtr object);

// Pods: metadata (stripped) and the status a health check reads (phase, conditions, podIP(s), and per
// container name, ready, restartCount and state); the spec is dropped.
ObjectPtr slim_pod(ObjectPtr object);

}  // namespace rollguard::runtime
