#pragma once
// Server-side apply and field ownership (metadata.managedFields, FieldsV1), see the Kubernetes
// docs "Server-Side Apply": an apply owns the fields it sets; fields the same manager applied before
// and now omits are removed unless another manager owns them; changing a field another manager
// owns is a conflict unless `force` (which takes ownership). Non-apply writes record an "Update"
// entry so that a later apply conflicts with e.g. a `kubectl edit`.
// Lists with merge metadata (PatchMeta) are keyed `k:{"name":"x"}`, primitive sets `v:"x"`,
// other lists are atomic (owned whole).
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "apimachinery/patch_meta.hpp"
#include "apimachinery/status.hpp"

namespace kubesim::apimachinery {

struct ApplyRequest {
  const boost::json::value* live = nullptr;     // nullptr: the object does not exist (apply creates it)
  const boost::json::value* applied = nullptr;  // the applied configuration (YAML already parsed)
  std::string manager;  // fieldManager (required for apply; the server rejects an empty one)
  bool force = false;
  const PatchMeta* meta = nullptr;  // nullptr: no merge metadata (custom resources: all lists atomic)
  std::string api_version;          // e.g. "apps/v1", recorded in the entry and used in conflict messages
  std::string now;                  // RFC 3339 time from the server's clock, recorded as the entry's `time`
  std::string subresource;          // "" or "status"
};

// The merged object with metadata.managedFields updated, or a 409 Conflict:
// message `Apply failed with N conflict(s): conflict with "<manager>"[ using <apiVersion>]: .spec.replicas`
// with one cause per field (reason "FieldManagerConflict", field ".spec.replicas").
// The caller still sets server-owned metadata (resourceVersion, uid, ...) and validates.
Result<boost::json::value> server_side_apply(const ApplyRequest& request);

// For create/update/patch (operation "Update"): returns `new_object` with metadata.managedFields
// updated so `manager` owns every field whose value it changed (and other managers lose them).
// `old_object` is nullptr on create. Existing managedFields are taken from `old_object` unless
// `new_object` carries its own (a client may rewrite them; an empty list resets them, as upstream).
boost::json::value record_update(const boost::json::value* old_object, const boost::json::value& new_object,
                                 std::string_view manager, const PatchMeta* meta,
                                 std::string_view api_version, std::string_view now,
                                 std::string_view subresource = {});

// The FieldsV1 set of the leaves in `object` (exposed for tests and the server's dry-run paths).
boost::json::value fields_v1_of(const boost::json::value& object, const PatchMeta* meta);

// The default manager name of a non-apply write without `fieldManager`: the user agent up to the
// first '/' (e.g. "kubectl-edit" for "kubectl-edit/v1.32.0 (linux/amd64) kubernetes/abc").
std::string manager_from_user_agent(std::string_view user_agent);

}  // namespace kubesim::apimachinery
