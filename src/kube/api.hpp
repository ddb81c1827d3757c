#pragma once
// A handle on one resource kind in one namespace (kube-rs `Api<K>`): a Client, a ResourceDescriptor
// and a namespace, so a call site says `deployments.patch_json(name, patch)` instead of passing
// resource, namespace, name, patch type, body, options and subresource one after another.
//
// Every method is a plain function that builds its Request eagerly and returns the Client's
// awaitable: nothing here keeps a reference to its arguments after it returns, so any argument
// (a temporary string, a local patch) may die before the co_await completes. The Client must live
// until then: the Api holds a shared_ptr to it, so keep the Api (or another owner) alive, as
// `co_await api.get(name)` does.
//
// Preconditions: PatchOptions carries none. A write that must apply only to the state it was
// decided on is a JSON Patch whose first op is a `test` (e.g. of /metadata/resourceVersion or of
// /spec/template): the server applies all ops or none, and a failed test is a 422 Invalid with the
// object unchanged. replace() (PUT) is preconditioned by the metadata.resourceVersion in the body
// (409 Conflict when stale); remove() by DeleteOptions' precondition_* fields.
#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "kube/client.hpp"
#include "kube/json_patch.hpp"
#include "kube/resource.hpp"
#include "kube/result.hpp"

namespace rollguard::kube {

// Server-side apply (PATCH with application/apply-patch+yaml; the body is JSON, which is YAML).
struct ApplyOptions {
  // Who owns the applied fields; required by the API server for apply.
  std::string field_manager = "rollguard";
  // Take over fields another manager owns instead of failing with 409 Conflict.
  bool force = false;
  bool dry_run = false;
  std::string field_validation;  // "" | Strict | Warn | Ignore
};

// Named defaults, never `= {}` (GCC 12 destroys braced defaults twice inside co_await; README).
inline const ApplyOptions kApplyOptions{};

class Api {
 public:
  template <class T>
  using Awaitable = boost::asio::awaitable<Result<T>>;

  // ns is ignored for cluster-scoped resources; "" lists across all namespaces.
  Api(std::shared_ptr<Client> client, ResourceDescriptor resource, std::string ns);

  const std::shared_ptr<Client>& client() const { return client_; }
  const ResourceDescriptor& resource() const { return resource_; }
  const std::string& ns() const { return ns_; }

  Awaitable<boost::json::value> get(std::string_view name) const;
  Awaitable<boost::json::value> list(const ListOptions& options = kListOptions) const;
  Awaitable<boost::json::value> create(const boost::json::value& object,
                                       const WriteOptions& options = kWriteOptions) const;
  // PUT; the body's metadata.resourceVersion, when set, makes it fail with 409 if stale.
  Awaitable<boost::json::value> replace(std::string_view name, const boost::json::value& object,
                                        const WriteOptions& options = kWriteOptions) const;
  Awaitable<boost::json::value> replace_status(std::string_view name, const boost::json::value& object,
                                               const WriteOptions& options = kWriteOptions) const;
  // RFC 6902 JSON Patch; a failed `test` op answers 422 and changes nothing.
  Awaitable<boost::json::value> patch_json(std::string_view name, const JsonPatch& patch,
                                           const PatchOptions& options = kPatchOptions) const;
  // RFC 7386 JSON Merge Patch (null deletes a key; arrays are replaced whole).
  Awaitable<boost::json::value> patch_merge(std::string_view name, const boost::json::value& patch,
                                            const PatchOptions& options = kPatchOptions) const;
  // The /status subresource: only .status changes, whatever else the patch says; a status write does
  // not bump metadata.generation.
  Awaitable<boost::json::value> patch_status(std::string_view name, const JsonPatch& patch,
                                             const PatchOptions& options = kPatchOptions) const;
  Awaitable<boost::json::value> patch_status(std::string_view name, const boost::json::value& merge_patch,
                                             const PatchOptions& options = kPatchOptions) const;
  // Server-side apply of `object` (a partial object with apiVersion, kind and metadata.name: the
  // fields this manager wants to own). Conflicting with another manager's field is a 409 unless
  // options.force.
  Awaitable<boost::json::value> apply(std::string_view name, const boost::json::value& object,
                                      const ApplyOptions& options = kApplyOptions) const;
  Awaitable<boost::json::value> remove(std::string_view name,
                                       const DeleteOptions& options = kDeleteOptions) const;

 private:
  std::shared_ptr<Client> client_;
  ResourceDescriptor resource_;
  std::string ns_;
};

}  // namespace rollguard::kube
