#include "kube/request.hpp"

#include <boost/json.hpp>

namespace rollguard::kube {
namespace json = boost::json;

const char* to_string(Method method) {
  switch (method) {
    case Method::Get:
      return "GET";
    case Method::Post:
      return "POST";
    case Method::Put:
      return "PUT";
    case Method::Patch:
      return "PATCH";
    case Method::Delete:
      return "DELETE";
  }
  return "GET";
}

const char* content_type(PatchType type) {
  switch (type) {
    case PatchType::Merge:
      return "application/merge-patch+json";
    case PatchType::Strategic:
      return "application/strategic-merge-patch+json";
    case PatchType::Json:
      return "application/json-patch+json";
    case PatchType::Apply:
      return "application/apply-patch+yaml";
  }
  return "application/merge-patch+json";
}

json::value DeleteOptions::to_json() const {
  json::object body{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (!propagation_policy.empty()) body["propagationPolicy"] = propagation_policy;
  if (grace_period_seconds) body["gracePeriodSeconds"] = *grace_period_seconds;
  if (precondition_uid || precondition_resource_version) {
    json::object preconditions;
    if (precondition_uid) preconditions["uid"] = *precondition_uid;
    if (precondition_resource_version) preconditions["resourceVersion"] = *precondition_resource_version;
    body["preconditions"] = std::move(preconditions);
  }
  if (dry_run) body["dryRun"] = json::array{"All"};
  return body;
}

std::string encode_query_value(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

namespace {
// Path segments (namespace, name) are DNS labels/subdomains in valid requests; encoding them anyway
// keeps a hostile or malformed name from changing the path.
std::string encode_segment(std::string_view segment) { return encode_query_value(segment); }

class Query {
 public:
  void add(std::string_view key, std::string_view value) {
    if (value.empty()) return;
    target_ += first_ ? '?' : '&';
    first_ = false;
    target_ += key;
    target_ += '=';
    target_ += encode_query_value(value);
  }
  void add_flag(std::string_view key, bool value) {
    if (value) add(key, "true");
  }
  void add_int(std::string_view key, std::optional<int> value) {
    if (value) add(key, std::to_string(*value));
  }
  std::string take(std::string path) { return std::move(path) + target_; }

 private:
  std::string target_;
  bool first_ = true;
};

void add_write_options(Query& query, const WriteOptions& options) {
  if (options.dry_run) query.add("dryRun", "All");
  query.add("fieldManager", options.field_manager);
  query.add("fieldValidation", options.field_validation);
}
}  // namespace

std::string resource_path(const ResourceDescriptor& resource, std::string_view ns, std::string_view name,
                          std::string_view subresource) {
  std::string path = resource.group_version_path();
  if (resource.namespaced && !ns.empty()) {
    path += "/namespaces/";
    path += encode_segment(ns);
  }
  path += '/';
  path += resource.plural;
  if (!name.empty()) {
    path += '/';
    path += encode_segment(name);
    if (!subresource.empty()) {
      path += '/';
      path += subresource;
    }
  }
  return path;
}

namespace requests {
namespace {
Request make(Method method, std::string target, std::string body = {}, std::string content_type = {}) {
  Request request;
  request.method = method;
  request.target = std::move(target);
  request.body = std::move(body);
  request.content_type = std::move(content_type);
  return request;
}
}  // namespace

Request get(const ResourceDescriptor& r, std::string_view ns, std::string_view name,
            std::string_view subresource) {
  return make(Method::Get, resource_path(r, ns, name, subresource));
}

Request list(const ResourceDescriptor& r, std::string_view ns, const ListOptions& options) {
  Query query;
  query.add("labelSelector", options.label_selector);
  query.add("fieldSelector", options.field_selector);
  query.add_int("limit", options.limit);
  if (!options.continue_token.empty()) {
    // The API server rejects resourceVersion together with continue: the token already pins one.
    query.add("continue", options.continue_token);
  } else {
    query.add("resourceVersion", options.resource_version);
    if (!options.resource_version.empty()) query.add("resourceVersionMatch", options.resource_version_match);
  }
  return make(Method::Get, query.take(resource_path(r, ns)));
}

Request watch(const ResourceDescriptor& r, std::string_view ns, const WatchOptions& options) {
  Query query;
  query.add("watch", "true");
  query.add("labelSelector", options.label_selector);
  query.add("fieldSelector", options.field_selector);
  query.add("resourceVersion", options.resource_version);
  query.add_flag("allowWatchBookmarks", options.allow_bookmarks);
  if (options.send_initial_events) {
    query.add("sendInitialEvents", "true");
    query.add("resourceVersionMatch", "NotOlderThan");
  }
  query.add_int("timeoutSeconds", options.timeout_seconds);
  Request request = make(Method::Get, query.take(resource_path(r, ns)));
  request.watch = true;
  // The stream stays open for timeoutSeconds; the per-request timeout must not cut it. The watcher's
  // own idle timer guards against a silent connection.
  if (options.timeout_seconds) request.timeout = std::chrono::seconds(*options.timeout_seconds + 30);
  return request;
}

Request create(const ResourceDescriptor& r, std::string_view ns, const json::value& object,
               const WriteOptions& options) {
  Query query;
  add_write_options(query, options);
  return make(Method::Post, query.take(resource_path(r, ns)), json::serialize(object), "application/json");
}

Request replace(const ResourceDescriptor& r, std::string_view ns, std::string_view name,
                const json::value& object, const WriteOptions& options, std::string_view subresource) {
  Query query;
  add_write_options(query, options);
  return make(Method::Put, query.take(resource_path(r, ns, name, subresource)), json::serialize(object),
              "application/json");
}

Request patch(const ResourceDescriptor& r, std::string_view ns, std::string_view name, PatchType type,
              std::string body, const PatchOptions& options, std::string_view subresource) {
  Query query;
  add_write_options(query, options);
  if (type == PatchType::Apply) query.add_flag("force", options.force);
  return make(Method::Patch, query.take(resource_path(r, ns, name, subresource)), std::move(body),
              content_type(type));
}

Request remove(const ResourceDescriptor& r, std::string_view ns, std::string_view name,
               const DeleteOptions& options) {
  return make(Method::Delete, resource_path(r, ns, name), json::serialize(options.to_json()),
              "application/json");
}

}  // namespace requests
}  // namespace rollguard::kube
