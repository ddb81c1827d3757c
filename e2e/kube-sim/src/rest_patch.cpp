// PATCH in its four types: JSON merge (RFC 7386), JSON Patch (RFC 6902), strategic merge (built-in
// kinds only, as upstream) and server-side apply. Each turns into an update of the whole object,
// so the write path (concurrency, /status split, validation, generation) is the same as PUT.
#include "api_server.hpp"
#include "apimachinery/json_merge_patch.hpp"
#include "apimachinery/json_patch.hpp"
#include "apimachinery/managed_fields.hpp"
#include "apimachinery/strategic_merge_patch.hpp"
#include "body.hpp"

namespace kubesim {
namespace json = boost::json;
namespace am = apimachinery;

namespace {
std::string media_type(const std::string& content_type) {
  std::string t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t;
}
}  // namespace

HttpResponse ApiServer::patch(const HttpRequest& req, const Target& t) {
  const ResourceType& type = *t.type;
  auto opts = write_options(req, t);
  if (!opts) return error_response(opts.error());
  const std::string mt = media_type(req.content_type);
  const bool is_crd_type = !type.crd_name.empty();
  const am::PatchMeta* meta = is_crd_type ? nullptr : &am::builtin_patch_meta(type.kind);

  if (mt == "application/apply-patch+yaml") {
    auto body = parse_yaml_body(req.body);
    if (!body) return error_response(body.error());
    if (!body->is_object()) return error_response(bad_request("the applied configuration must be an object"));
    if (opts->field_manager.empty())
      return error_response(invalid("PatchOptions", "meta.k8s.io", "",
                                    json::array{field_cause("FieldValueRequired", "fieldManager",
                                                            "Required value: is required for apply patch")}));
    auto old = store_.get(t.key());
    json::value live = old ? present(type, *old) : json::value();
    am::ApplyRequest ar;
    ar.live = old ? &live : nullptr;
    ar.applied = &*body;
    ar.manager = opts->field_manager;
    ar.force = req.bool_param("force");
    ar.meta = meta;
    ar.api_version = type.api_version();
    ar.now = now_rfc3339();
    ar.subresource = t.subresource;
    auto merged = am::server_side_apply(ar);
    if (!merged) {
      auto e = from_machinery(merged.error());
      e.details["name"] = t.name;
      e.details["group"] = type.group;
      e.details["kind"] = type.resource;
      return error_response(e);
    }
    if (!merged->is_object()) return error_response(internal_error("apply produced a non-object"));
    opts->managed_fields_done = true;
    if (!old) {
      if (!t.subresource.empty()) return error_response(not_found({type.group, type.resource}, t.name));
      auto r = write_create(t, std::move(merged->as_object()), *opts);
      if (!r) return error_response(r.error());
      return write_response(201, type, *r, *opts);
    }
    // Apply never carries a resourceVersion precondition unless the applied config has one.
    auto& m = metadata_of(merged->as_object());
    if (const auto* b = body->as_object().if_contains("metadata");
        !(b && b->is_object() && b->as_object().contains("resourceVersion")))
      m["resourceVersion"] = meta_str(*old, "resourceVersion");
    auto r = write_update(t, std::move(merged->as_object()), *opts);
    if (!r) return error_response(r.error());
    return write_response(200, type, *r, *opts);
  }

  auto old = store_.get(t.key());
  if (!old) return error_response(not_found({type.group, type.resource}, t.name));
  auto body = parse_json_body(req.body);
  if (!body) return error_response(body.error());
  json::value current = present(type, *old);
  json::value patched;
  if (mt == "application/merge-patch+json") {
    patched = am::apply_merge_patch(current, *body);
  } else if (mt == "application/json-patch+json") {
    auto r = am::apply_json_patch(current, *body);
    if (!r) return error_response(from_machinery(r.error()));
    patched = std::move(*r);
  } else if (mt == "application/strategic-merge-patch+json" && !is_crd_type) {
    auto r = am::apply_strategic_merge_patch(current, *body, *meta);
    if (!r) return error_response(from_machinery(r.error()));
    patched = std::move(*r);
  } else {
    ApiError e = unsupported_media_type(req.content_type);
    if (is_crd_type && mt == "application/strategic-merge-patch+json")
      e.message =
          "the body of the request was in an unknown format - accepted media types include: "
          "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";
    return error_response(e);
  }
  if (!patched.is_object()) return error_response(bad_request("the patched object must be a JSON object"));
  // A patch that leaves resourceVersion unset is unconditional: it applies to the current version.
  auto& m = metadata_of(patched.as_object());
  if (meta_str(patched.as_object(), "resourceVersion").empty())
    m["resourceVersion"] = meta_str(*old, "resourceVersion");
  auto r = write_update(t, std::move(patched.as_object()), *opts);
  if (!r) return error_response(r.error());
  return write_response(200, type, *r, *opts);
}

}  // namespace kubesim
