// The Kubernetes REST API over the store: routing, authentication, discovery, OpenAPI, CRUD,
// patch, watch, tables. Transport-neutral (HttpRequest in, HttpResponse out) and single-threaded:
// it runs on the io_context thread of the network layer.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "api_error.hpp"
#include "apimachinery/status.hpp"
#include "auth/request_attributes.hpp"
#include "http_types.hpp"
#include "resource_type.hpp"
#include "store.hpp"

namespace kubesim {

class WatchStream;

struct ApiServerOptions {
  std::string token;  // empty = no authentication (only with --insecure-http)
  // "AlwaysAllow" (every authenticated request) or "RBAC" (the RBAC objects decide; bootstrap
  // roles and a default ServiceAccount per namespace, as on a real cluster).
  std::string authorization_mode = "AlwaysAllow";
  // Signs TokenRequest tokens; random per process when empty (tokens then die with the process).
  std::string service_account_key;
  std::string k8s_minor = "32";
  std::chrono::seconds continue_ttl{300};
  std::chrono::milliseconds bookmark_interval{5000};
  std::chrono::seconds default_watch_timeout{1800};
  // How long a watch from a resourceVersion the store has not reached waits for it (the watch
  // cache's 3 s blockTimeout) before it ends with 504 "Too large resource version".
  std::chrono::milliseconds resource_version_wait{3000};
  std::size_t history_limit = 10000;
  // The WatchList feature gate (streaming lists, KEP-3157): on as in Kubernetes 1.32+.
  bool watch_list = true;
};

using Clock = std::function<std::chrono::system_clock::time_point()>;

// Where a request points: /api/v1/namespaces/NS/RESOURCE/NAME/SUBRESOURCE.
struct Target {
  ResourceTypePtr type;
  std::string ns;
  std::string name;
  std::string subresource;
  ObjectKey key() const { return ObjectKey{type->group, type->resource, ns, name}; }
};

// Per-write knobs from the query string (dryRun, fieldValidation, fieldManager) and the warnings
// the write produced (returned as `Warning: 299` headers).
struct WriteOptions {
  bool dry_run = false;
  std::string field_validation = "Strict";
  std::string field_manager;
  std::string subresource;
  std::string user_agent;
  bool managed_fields_done = false;  // server-side apply already computed metadata.managedFields
  std::vector<std::string> warnings;
};

struct DeleteOptions {
  std::string propagation = "Background";  // Orphan | Background | Foreground
  std::optional<std::string> precondition_uid;
  std::optional<std::string> precondition_rv;
  bool dry_run = false;
};

class ApiServer {
 public:
  ApiServer(boost::asio::any_io_executor executor, ApiServerOptions options, Clock clock = {});

  HttpResponse handle(const HttpRequest& request);
  // The request carries the admin bearer token (always true when the server runs without one):
  // what the admin endpoint requires.
  bool authorized(const HttpRequest& request) const;
  // Who the bearer token is: the admin (system:masters) or a ServiceAccount whose token
  // TokenRequest issued; nullopt = 401.
  std::optional<auth::UserInfo> authenticate(const HttpRequest& request) const;
  bool rbac() const { return options_.authorization_mode == "RBAC"; }
  // With RBAC: the bootstrap ClusterRoles/bindings and every namespace's default ServiceAccount,
  // created when missing (at start and after a state-file restore).
  void ensure_cluster_defaults();

  Store& store() { return store_; }
  Registry& registry() { return registry_; }
  // Registers every CRD in the store (after a state-file restore).
  void reload_crds();
  // Ends every open watch (shutdown).
  void close_watches();

 private:
  // routing (api_server.cpp)
  HttpResponse route(const HttpRequest& req);
  HttpResponse route_resource(const HttpRequest& req, const std::string& group, const std::string& version,
                              const std::vector<std::string>& segments);
  HttpResponse json_response(unsigned status, const boost::json::value& body) const;
  HttpResponse error_response(const ApiError& error) const;

  // discovery (discovery.cpp)
  HttpResponse discovery_api() const;
  HttpResponse discovery_apis() const;
  HttpResponse discovery_group(const std::string& group) const;
  HttpResponse discovery_resources(const std::string& group, const std::string& version) const;

  // OpenAPI (openapi.cpp)
  HttpResponse openapi_v2(const HttpRequest& req) const;
  boost::json::object openapi_v2_document() const;
  HttpResponse openapi_v3_root() const;
  HttpResponse openapi_v3_group_version(const std::string& gv) const;

  // reads (rest_read.cpp)
  HttpResponse get(const HttpRequest& req, const Target& t);
  HttpResponse list(const HttpRequest& req, const Target& t);
  HttpResponse watch(const HttpRequest& req, const Target& t);
  Result<std::vector<ObjectPtr>> select(const HttpRequest& req, const Target& t, const std::string& after);
  boost::json::value present(const ResourceType& type, const boost::json::object& object) const;

  // tables (table.cpp)
  boost::json::value table(const ResourceType& type, const std::vector<ObjectPtr>& objects,
                           const boost::json::object& list_meta, bool include_object) const;

  // writes (rest_write.cpp)
  HttpResponse create(const HttpRequest& req, const Target& t);
  HttpResponse update(const HttpRequest& req, const Target& t);
  HttpResponse remove(const HttpRequest& req, const Target& t);
  HttpResponse remove_collection(const HttpRequest& req, const Target& t);
  Result<ObjectPtr> write_create(const Target& t, boost::json::object object, WriteOptions& opts);
  Result<ObjectPtr> write_update(const Target& t, boost::json::object object, WriteOptions& opts);
  Result<boost::json::object> delete_object(const ResourceType& type, const ObjectKey& key,
                                            const DeleteOptions& opts);
  void collect_garbage(const std::string& owner_uid, const std::string& propagation);
  Result<WriteOptions> write_options(const HttpRequest& req, const Target& t) const;
  HttpResponse write_response(unsigned status, const ResourceType& type, const ObjectPtr& object,
                              const WriteOptions& opts) const;

  // patches (rest_patch.cpp)
  HttpResponse patch(const HttpRequest& req, const Target& t);

  // admission: defaults and validation (admission.cpp)
  Result<boost::json::object> admit(const ResourceType& type, boost::json::object object, WriteOptions& opts);
  void on_crd_written(const boost::json::object& crd);
  void on_crd_deleted(const boost::json::object& crd);
  Result<bool> validate_crd(const boost::json::object& crd) const;
  void set_crd_status(boost::json::object& crd) const;
  void record_managed_fields(const ResourceType& type, const boost::json::object* old,
                             boost::json::object& object, const WriteOptions& opts) const;
  // authorization, TokenRequest and the self-reviews (authorization.cpp)
  std::optional<ApiError> authorize(const auth::RequestAttributes& request) const;
  HttpResponse token_request(const HttpRequest& req, const Target& t);
  std::optional<HttpResponse> review(const HttpRequest& req, const std::vector<std::string>& segs,
                                     const auth::UserInfo& user);
  void ensure_default_service_account(const std::string& ns);
  // scale subresource (scale.cpp)
  HttpResponse scale(const HttpRequest& req, const Target& t);

  std::string now_rfc3339() const;
  std::string new_uid();
  std::string random_suffix(std::size_t n);

  boost::asio::any_io_executor executor_;
  ApiServerOptions options_;
  Clock clock_;
  Registry registry_;
  Store store_;
  std::mt19937_64 random_;
  std::list<std::weak_ptr<WatchStream>> watches_;
  struct OpenApiV2Cache {
    bool built = false;
    unsigned long generation = 0;
    std::string json, protobuf, etag;
  };
  mutable OpenApiV2Cache openapi_v2_cache_;
};

// Metadata helpers shared by the handlers (object_meta.cpp).
boost::json::object& metadata_of(boost::json::object& object);
std::string meta_str(const boost::json::object& object, const char* field);
std::string rfc3339(std::chrono::system_clock::time_point t);
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text);
// Everything but metadata and status: what `generation` tracks (API conventions, "metadata").
bool spec_equal(const boost::json::object& a, const boost::json::object& b);
// An apimachinery error as a Status-ready error (same code, reason, causes).
ApiError from_machinery(const apimachinery::ApiError& error);
bool is_dns_subdomain(const std::string& name);

}  // namespace kubesim
