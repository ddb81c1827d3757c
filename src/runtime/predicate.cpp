#include "runtime/predicate.hpp"

#include "kube/object_meta.hpp"

namespace rollguard::runtime {

namespace {

namespace meta = kube::meta;

bool is_update(const boost::json::object* old_object, const boost::json::object* new_object) {
  return old_object && new_object;
}

// A map that is absent compares equal to an empty one: the API server omits empty maps, and a
// user who removes the last label has not changed anything a selector could see differently.
bool same_map(const boost::json::object* a, const boost::json::object* b) {
  const bool a_empty = !a || a->empty();
  const bool b_empty = !b || b->empty();
  if (a_empty || b_empty) return a_empty == b_empty;
  return *a == *b;
}

}  // namespace

Predicate generation_changed() {
  return [](const boost::json::object* old_object, const boost::json::object* new_object) {
    return !is_update(old_object, new_object) ||
           meta::generation(*old_object) != meta::generation(*new_object);
  };
}

Predicate resource_version_changed() {
  return [](const boost::json::object* old_object, const boost::json::object* new_object) {
    return !is_update(old_object, new_object) ||
           meta::resource_version(*old_object) != meta::resource_version(*new_object);
  };
}

Predicate labels_changed() {
  return [](const boost::json::object* old_object, const boost::json::object* new_object) {
    return !is_update(old_object, new_object) ||
           !same_map(meta::labels(*old_object), meta::labels(*new_object));
  };
}

Predicate annotations_changed() {
  return [](const boost::json::object* old_object, const boost::json::object* new_object) {
    return !is_update(old_object, new_object) ||
           !same_map(meta::annotations(*old_object), meta::annotations(*new_object));
  };
}

Predicate created_or_deleted() {
  return [](const boost::json::object* old_object, const boost::json::object* new_object) {
    return !is_update(old_object, new_object);
  };
}

Predicate any_of(std::vector<Predicate> predicates) {
  return [predicates = std::move(predicates)](const boost::json::object* old_object,
                                              const boost::json::object* new_object) {
    for (auto& predicate : predicates) {
      if (predicate(old_object, new_object)) return true;
    }
    return false;
  };
}

Predicate all_of(std::vector<Predicate> predicates) {
  return [predicates = std::move(predicates)](const boost::json::object* old_object,
                                              const boost::json::object* new_object) {
    for (auto& predicate : predicates) {
      if (!predicate(old_object, new_object)) return false;
    }
    return true;
  };
}

}  // namespace rollguard::runtime
