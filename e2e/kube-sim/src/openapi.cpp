// OpenAPI documents built from the registered types: v3 per group-version (what kubectl apply,
// explain and the fieldValidation/dryRun query-parameter verifiers read) and v2 built from the same
// documents (what client-go's discovery.OpenAPISchema reads, as protobuf: kubectl apply's choice of
// patch type, the verifiers' fallback when v3 does not answer, explain --output=plaintext-openapiv2).
// Built-in kinds use apimachinery's schemas; each CRD contributes its openAPIV3Schema with
// x-kubernetes-group-version-kind, as the apiextensions-apiserver publishes.
#include <functional>

#include "api_server.hpp"
#include "apimachinery/builtin_openapi.hpp"
#include "openapi_v2.hpp"

namespace kubesim {
namespace json = boost::json;

namespace {
const char* kObjectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

// "rollguard.io" -> "io.rollguard": the reversed-domain naming of published definitions.
std::string reverse_domain(const std::string& group) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i <= group.size()) {
    auto j = group.find('.', i);
    if (j == std::string::npos) j = group.size();
    parts.push_back(group.substr(i, j - i));
    i = j + 1;
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += (out.empty() ? "" : ".") + *it;
  return out;
}

json::array gvk(const ResourceType& t) {
  return json::array{json::object{{"group", t.group}, {"version", t.version}, {"kind", t.kind}}};
}

json::object query_param(const char* name, const char* description) {
  return json::object{{"name", name},
                      {"in", "query"},
                      {"description", description},
                      {"schema", json::object{{"type", "string"}}},
                      {"uniqueItems", true}};
}

json::object operation(const ResourceType& t, const std::string& action, const std::string& op_id,
                       const std::string& schema_ref, bool write) {
  json::array params;
  if (write) {
    params.push_back(
        query_param("dryRun", "When present, indicates that modifications should not be persisted."));
    params.push_back(query_param(
        "fieldManager",
        "fieldManager is a name associated with the actor or entity that is making these changes."));
    params.push_back(query_param("fieldValidation",
                                 "fieldValidation instructs the server on how to handle objects in the "
                                 "request containing unknown or duplicate fields."));
    if (action == "patch")
      params.push_back(query_param("force", "Force is going to \"force\" Apply requests."));
  }
  json::object content{
      {"application/json",
       json::object{{"schema", json::object{{"$ref", "#/components/schemas/" + schema_ref}}}}}};
  return json::object{
      {"operationId", op_id},
      {"parameters", params},
      {"responses", json::object{{"200", json::object{{"description", "OK"}, {"content", content}}}}},
      {"x-kubernetes-action", action},
      {"x-kubernetes-group-version-kind", gvk(t).at(0)}};
}

// The schema of a custom resource as published: the CRD's schema plus apiVersion/kind/metadata.
json::object crd_component(const ResourceType& t) {
  json::object s =
      t.schema && t.schema->is_object() ? t.schema->as_object() : json::object{{"type", "object"}};
  auto& props = s["properties"];
  if (!props.is_object()) props = json::object{};
  auto& p = props.as_object();
  p["apiVersion"] = json::object{
      {"type", "string"},
      {"description", "APIVersion defines the versioned schema of this representation of an object."}};
  p["kind"] = json::object{
      {"type", "string"},
      {"description", "Kind is a string value representing the REST resource this object represents."}};
  p["metadata"] = json::object{
      {"allOf", json::array{json::object{{"$ref", std::string("#/components/schemas/") + kObjectMeta}}}},
      {"description", "Standard object's metadata."}};
  s["type"] = "object";
  s["x-kubernetes-group-version-kind"] = gvk(t);
  return s;
}

std::string component_name(const ResourceType& t) {
  if (!t.crd_name.empty()) return reverse_domain(t.group) + "." + t.version + "." + t.kind;
  return "";
}

json::object group_version_document(const Registry& registry, const std::string& group,
                                    const std::string& version) {
  std::string gv = group.empty() ? version : group + "/" + version;
  json::object schemas;
  const auto& builtin = apimachinery::builtin_openapi_schemas();
  for (const auto& name : apimachinery::builtin_openapi_components_for(gv))
    if (auto* s = builtin.if_contains(name)) schemas[name] = *s;
  json::object paths;
  for (const auto& t : registry.in_group_version(group, version)) {
    std::string ref = component_name(*t);
    if (!t->crd_name.empty()) {
      schemas[ref] = crd_component(*t);
      for (const auto& name : apimachinery::builtin_openapi_components_for("v1"))
        if (name.find("apimachinery.pkg.apis.meta") != std::string::npos)
          if (auto* s = builtin.if_contains(name)) schemas[name] = *s;
    } else {
      // Built-ins: find the component that carries this kind's GVK.
      for (const auto& kv : schemas) {
        const auto* x = kv.value().as_object().if_contains("x-kubernetes-group-version-kind");
        if (x && x->is_array() && !x->as_array().empty() &&
            x->as_array()[0].at("kind") == json::value(t->kind))
          ref = kv.key();
      }
      if (ref.empty()) continue;
    }
    std::string base = (group.empty() ? "/api/" : "/apis/" + group + "/") + version + "/";
    std::string coll = base + (t->namespaced ? "namespaces/{namespace}/" : "") + t->resource;
    std::string item = coll + "/{name}";
    std::string id = t->kind + (t->namespaced ? "Namespaced" : "");
    paths[coll] = json::object{{"get", operation(*t, "list", "list" + id, ref, false)},
                               {"post", operation(*t, "post", "create" + id, ref, true)}};
    paths[item] = json::object{{"get", operation(*t, "get", "read" + id, ref, false)},
                               {"put", operation(*t, "put", "replace" + id, ref, true)},
                               {"patch", operation(*t, "patch", "patch" + id, ref, true)},
                               {"delete", operation(*t, "delete", "delete" + id, ref, true)}};
    if (t->has_status)
      paths[item + "/status"] =
          json::object{{"get", operation(*t, "get", "read" + id + "Status", ref, false)},
                       {"put", operation(*t, "put", "replace" + id + "Status", ref, true)},
                       {"patch", operation(*t, "patch", "patch" + id + "Status", ref, true)}};
  }
  return json::object{{"openapi", "3.0.0"},
                      {"info", json::object{{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
                      {"paths", std::move(paths)},
                      {"components", json::object{{"schemas", std::move(schemas)}}}};
}
}  // namespace

HttpResponse ApiServer::openapi_v3_root() const {
  json::object paths;
  auto add = [&](const std::string& group, const std::string& version) {
    std::string key = group.empty() ? "api/" + version : "apis/" + group + "/" + version;
    auto doc = json::serialize(group_version_document(registry_, group, version));
    paths[key] =
        json::object{{"serverRelativeURL",
                      "/openapi/v3/" + key + "?hash=" + std::to_string(std::hash<std::string>{}(doc))}};
  };
  add("", "v1");
  for (const auto& [group, versions] : registry_.groups())
    for (const auto& v : versions) add(group, v);
  return json_response(200, json::object{{"paths", std::move(paths)}});
}

HttpResponse ApiServer::openapi_v3_group_version(const std::string& gv) const {
  std::string group, version;
  if (gv.rfind("api/", 0) == 0) {
    version = gv.substr(4);
  } else if (gv.rfind("apis/", 0) == 0) {
    auto rest = gv.substr(5);
    auto slash = rest.find('/');
    if (slash == std::string::npos) return error_response(not_found({"", "openapi"}, gv));
    group = rest.substr(0, slash);
    version = rest.substr(slash + 1);
  }
  if (version.empty() || registry_.in_group_version(group, version).empty()) {
    ApiError e;
    e.code = 404;
    e.reason = "NotFound";
    e.message = "the server could not find the requested resource";
    return error_response(e);
  }
  auto r = json_response(200, group_version_document(registry_, group, version));
  r.headers.emplace_back("Cache-Control", "public, immutable");
  return r;
}

json::object ApiServer::openapi_v2_document() const {
  json::object definitions;
  json::object paths;
  auto merge = [&](const std::string& group, const std::string& version) {
    json::object doc = group_version_document(registry_, group, version);
    for (const auto& kv : doc.at("components").at("schemas").as_object())
      definitions[kv.key()] = schema_v3_to_v2(kv.value());
    // A group is built-in or served by CRDs, never both.
    bool custom = false;
    for (const auto& t : registry_.in_group_version(group, version)) custom = custom || !t->crd_name.empty();
    for (auto& kv : paths_v3_to_v2(doc.at("paths").as_object(), !custom))
      paths[kv.key()] = std::move(kv.value());
  };
  merge("", "v1");
  for (const auto& [group, versions] : registry_.groups())
    for (const auto& v : versions) merge(group, v);
  return json::object{
      {"swagger", "2.0"},
      {"info", json::object{{"title", "Kubernetes"}, {"version", "v1." + options_.k8s_minor + ".0"}}},
      {"paths", std::move(paths)},
      {"definitions", std::move(definitions)}};
}

// Built once per registry generation (a CRD created, changed or deleted bumps it): helm and kubectl
// fetch the whole document on every command.
HttpResponse ApiServer::openapi_v2(const HttpRequest& req) const {
  auto& cache = openapi_v2_cache_;
  if (!cache.built || cache.generation != registry_.generation()) {
    auto doc = openapi_v2_document();
    cache.json = json::serialize(doc);
    cache.protobuf = encode_openapi_v2_protobuf(doc);
    cache.etag = "\"" + std::to_string(std::hash<std::string>{}(cache.json)) + "\"";
    cache.generation = registry_.generation();
    cache.built = true;
  }
  HttpResponse r;
  const bool protobuf = accepts_openapi_v2_protobuf(req.accept);
  r.headers.emplace_back("ETag", cache.etag);
  r.headers.emplace_back("Vary", "Accept");
  r.content_type = protobuf ? kOpenApiV2ProtobufContentType : "application/json";
  if (!req.if_none_match.empty() && req.if_none_match == cache.etag) {
    r.status = 304;
    return r;
  }
  r.body = protobuf ? cache.protobuf : cache.json;
  return r;
}

}  // namespace kubesim
