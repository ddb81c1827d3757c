#pragma once
// Event filters on a controller's handlers (controller-runtime's predicate package): a predicate
// sees the old and the new state of one cached object together and decides whether the change is
// worth a reconcile. old_object null = the object was created, new_object null = it was deleted.
//
// The case they exist for: a reconciler that writes a RollbackPolicy's status changes the policy,
// its watch fires and, without a filter, the policy is reconciled again at once, ignoring its
// interval. /status writes never change metadata.generation, so generation_changed() drops them.
//
// Every predicate below lets creates and deletes through (as controller-runtime's do); they only
// judge updates.
#include <boost/json/object.hpp>
#include <functional>
#include <vector>

namespace rollguard::runtime {

using Predicate =
    std::function<bool(const boost::json::object* old_object, const boost::json::object* new_object)>;

// Updates where metadata.generation moved (spec changes; not status or metadata-only writes).
Predicate generation_changed();
// Updates where metadata.resourceVersion moved: drops the no-op updates of a relist.
Predicate resource_version_changed();
// Updates where metadata.labels / metadata.annotations differ (absent and empty count as equal).
Predicate labels_changed();
Predicate annotations_changed();
// Creates and deletes only; every update is dropped.
Predicate created_or_deleted();

// controller-runtime predicate.Or / predicate.And; any_of({}) is false, all_of({}) is true.
Predicate any_of(std::vector<Predicate> predicates);
Predicate all_of(std::vector<Predicate> predicates);

}  // namespace rollguard::runtime
