#pragma once
// Requests are plain values (method, path+query, headers, body) built without any network code, so
// URL and query building is unit-tested without a socket (the kube-core / kube-client split).
#include <boost/json/value.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "kube/resource.hpp"

namespace rollguard::kube {

enum class Method { Get, Post, Put, Patch, Delete };
const char* to_string(Method method);

struct Request {
  Method method = Method::Get;
  std::string target;  // path and query, e.g. /apis/apps/v1/namespaces/prod/deployments?limit=500
  std::string body;
  std::string content_type;  // empty when there is no body
  std::string accept = "application/json";
  bool watch = false;                                // a streaming response (line-framed watch events)
  std::optional<std::chrono::milliseconds> timeout;  // overrides the client default
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::optional<int> limit;
  std::string continue_token;
  // "" = most recent (quorum read); "0" = any cached state. Never sent together with continue.
  std::string resource_version;
  std::string resource_version_match;  // "NotOlderThan" | "Exact"
};

struct WatchOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;
  bool allow_bookmarks = true;
  std::optional<int> timeout_seconds;
  // A streaming list (KEP-3157 "watch-list"): the server first sends the current objects as ADDED
  // events, then a BOOKMARK annotated k8s.io/initial-events-end, then the changes. Sent with
  // resourceVersionMatch=NotOlderThan, which the API server requires for it.
  bool send_initial_events = false;
};

// The annotation of the BOOKMARK that ends a streaming list's initial events.
inline constexpr const char* kInitialEventsEndAnnotation = "k8s.io/initial-events-end";

enum class PatchType { Merge, Strategic, Json, Apply };
const char* content_type(PatchType type);

struct WriteOptions {
  std::string field_manager;
  bool dry_run = false;
  std::string field_validation;  // "" | Strict | Warn | Ignore
};

struct PatchOptions : WriteOptions {
  bool force = false;  // server-side apply only
};

struct DeleteOptions {
  std::string propagation_policy;  // Foreground | Background | Orphan
  std::optional<std::string> precondition_uid;
  std::optional<std::string> precondition_resource_version;
  std::optional<int> grace_period_seconds;
  bool dry_run = false;
  boost::json::value to_json() const;
};

// Percent-encodes a query value (RFC 3986 unreserved characters pass through).
std::string encode_query_value(std::string_view value);

// Path of a collection or an object; ns is ignored for cluster-scoped kinds, "" = all namespaces.
std::string resource_path(const ResourceDescriptor& resource, std::string_view ns, std::string_view name = {},
                          std::string_view subresource = {});

namespace requests {
Request get(const ResourceDescriptor& r, std::string_view ns, std::string_view name,
            std::string_view subresource = {});
Request list(const ResourceDescriptor& r, std::string_view ns, const ListOptions& options);
Request watch(const ResourceDescriptor& r, std::string_view ns, const WatchOptions& options);
Request create(const ResourceDescriptor& r, std::string_view ns, const boost::json::value& object,
               const WriteOptions& options = {});
Request replace(const ResourceDescriptor& r, std::string_view ns, std::string_view name,
                const boost::json::value& object, const WriteOptions& options = {},
                std::string_view subresource = {});
Request patch(const ResourceDescriptor& r, std::string_view ns, std::string_view name, PatchType type,
              std::string body, const PatchOptions& options = {}, std::string_view subresource = {});
Request remove(const ResourceDescriptor& r, std::string_view ns, std::string_view name,
               const DeleteOptions& options = {});
}  // namespace requests

}  // namespace rollguard::kube
