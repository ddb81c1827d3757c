// The /scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets and CRDs that declare
// one: reads spec.replicas/status.replicas, writes only spec.replicas.
#include "api_server.hpp"
#include "apimachinery/json_merge_patch.hpp"
#include "apimachinery/json_patch.hpp"
#include "apimachinery/selectors.hpp"
#include "body.hpp"

namespace kubesim {
namespace json = boost::json;

namespace {
std::int64_t replicas_at(const json::object& o, const char* section) {
  const auto* s = o.if_contains(section);
  const auto* r = s && s->is_object() ? s->as_object().if_contains("replicas") : nullptr;
  if (r && r->is_int64()) return r->as_int64();
  if (r && r->is_uint64()) return static_cast<std::int64_t>(r->as_uint64());
  return std::string(section) == "spec" ? 1 : 0;
}

json::object scale_of(const json::object& o) {
  const auto& m = o.at("metadata").as_object();
  json::object meta;
  for (const char* k : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"})
    if (auto v = m.if_contains(k)) meta[k] = *v;
  std::string selector;
  if (const auto* spec = o.if_contains("spec"); spec && spec->is_object())
    if (const auto* sel = spec->as_object().if_contains("selector"))
      if (auto parsed = apimachinery::label_selector_from_json(*sel))
        selector = apimachinery::to_string(*parsed);
  return json::object{
      {"kind", "Scale"},
      {"apiVersion", "autoscaling/v1"},
      {"metadata", meta},
      {"spec", json::object{{"replicas", replicas_at(o, "spec")}}},
      {"status", json::object{{"replicas", replicas_at(o, "status")}, {"selector", selector}}}};
}
}  // namespace

HttpResponse ApiServer::scale(const HttpRequest& req, const Target& t) {
  auto obj = store_.get(t.key());
  if (!obj) return error_response(not_found({t.type->group, t.type->resource}, t.name));
  json::object current = scale_of(*obj);
  if (req.method == "GET") return json_response(200, current);
  auto opts = write_options(req, Target{t.type, t.ns, t.name, ""});
  if (!opts) return error_response(opts.error());
  auto body = parse_json_body(req.body);
  if (!body) return error_response(body.error());
  json::value updated;
  if (req.method == "PUT") {
    updated = *body;
  } else if (req.method == "PATCH") {
    if (req.content_type.find("json-patch") != std::string::npos) {
      auto r = apimachinery::apply_json_patch(current, *body);
      if (!r) return error_response(from_machinery(r.error()));
      updated = std::move(*r);
    } else {
      updated = apimachinery::apply_merge_patch(current, *body);
    }
  } else {
    return error_response(method_not_allowed("method not allowed on scale"));
  }
  const auto* spec = updated.is_object() ? updated.as_object().if_contains("spec") : nullptr;
  const auto* replicas = spec && spec->is_object() ? spec->as_object().if_contains("replicas") : nullptr;
  if (!replicas || !replicas->is_number() || replicas->to_number<double>() < 0)
    return error_response(
        invalid("Scale", "autoscaling", t.name,
                json::array{field_cause("FieldValueInvalid", "spec.replicas",
                                        "Invalid value: must be greater than or equal to 0")}));
  std::string rv = meta_str(updated.as_object(), "resourceVersion");
  if (!rv.empty() && rv != meta_str(*obj, "resourceVersion"))
    return error_response(stale_conflict({t.type->group, t.type->resource}, t.name));
  json::object next = *obj;
  auto& s = next["spec"];
  if (!s.is_object()) s = json::object{};
  s.as_object()["replicas"] = replicas->to_number<std::int64_t>();
  auto r = write_update(Target{t.type, t.ns, t.name, ""}, std::move(next), *opts);
  if (!r) return error_response(r.error());
  return json_response(200, scale_of(**r));
}

}  // namespace kubesim
