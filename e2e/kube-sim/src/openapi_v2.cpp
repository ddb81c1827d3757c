#include "openapi_v2.hpp"

#include <boost/algorithm/string/trim.hpp>
#include <set>
#include <string_view>

namespace kubesim {
namespace json = boost::json;

namespace {
constexpr std::string_view kV3Prefix = "#/components/schemas/";

json::value v2_ref(const json::value& ref) {
  if (!ref.is_string()) return ref;
  std::string_view r = ref.get_string();
  if (!r.starts_with(kV3Prefix)) return ref;
  return json::value("#/definitions/" + std::string(r.substr(kV3Prefix.size())));
}

bool flag(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

// allOf: [{$ref}] — how v3 attaches a description (or a default) to a reference.
const json::value* wrapped_ref(const json::object& o) {
  const auto* all = o.if_contains("allOf");
  if (!all || !all->is_array() || all->get_array().size() != 1) return nullptr;
  const auto* inner = all->get_array()[0].if_object();
  return inner ? inner->if_contains("$ref") : nullptr;
}

json::object parameter_v3_to_v2(const json::object& p) {
  json::object out;
  for (const auto& [k, v] : p) {
    if (k == "schema") {
      // v2 non-body parameters carry their type inline.
      if (const auto* s = v.if_object())
        for (const char* key : {"type", "format"})
          if (const auto* t = s->if_contains(key)) out[key] = *t;
    } else {
      out[k] = v;
    }
  }
  return out;
}

json::value response_schema(const json::object& response) {
  const auto* content = response.if_contains("content");
  if (!content || !content->is_object()) return nullptr;
  for (const auto& [type, media] : content->get_object())
    if (const auto* s = media.is_object() ? media.get_object().if_contains("schema") : nullptr)
      return schema_v3_to_v2(*s);
  return nullptr;
}

json::object operation_v3_to_v2(std::string_view method, const json::object& op, bool strategic_merge_patch) {
  json::object out;
  json::value body_schema = nullptr;
  for (const auto& [k, v] : op) {
    if (k == "parameters" || k == "responses") continue;
    out[k] = v;
  }
  json::object responses;
  if (const auto* rs = op.if_contains("responses"); rs && rs->is_object()) {
    for (const auto& [code, r] : rs->get_object()) {
      if (!r.is_object()) continue;
      json::object v2r;
      if (const auto* d = r.get_object().if_contains("description")) v2r["description"] = *d;
      json::value s = response_schema(r.get_object());
      if (!s.is_null()) {
        if (body_schema.is_null()) body_schema = s;
        v2r["schema"] = std::move(s);
      }
      responses[code] = std::move(v2r);
    }
  }
  json::array params;
  if (method == "post" || method == "put" || method == "patch") {
    // A patch body is not the object (a JSON Patch is an array): the API server publishes meta.v1.Patch,
    // an untyped object.
    json::value schema =
        method == "patch" || body_schema.is_null() ? json::object{{"type", "object"}} : body_schema;
    params.push_back(json::object{{"name", "body"}, {"in", "body"}, {"required", true}, {"schema", schema}});
  }
  if (const auto* ps = op.if_contains("parameters"); ps && ps->is_array())
    for (const auto& p : ps->get_array())
      if (p.is_object()) params.push_back(parameter_v3_to_v2(p.get_object()));
  out["parameters"] = std::move(params);
  out["responses"] = std::move(responses);
  if (method == "patch") {
    json::array types{"application/json-patch+json", "application/merge-patch+json"};
    if (strategic_merge_patch) types.emplace_back("application/strategic-merge-patch+json");
    types.emplace_back("application/apply-patch+yaml");
    out["consumes"] = std::move(types);
  } else {
    out["consumes"] = json::array{"*/*"};
  }
  out["produces"] =
      json::array{"application/json", "application/yaml", "application/vnd.kubernetes.protobuf"};
  return out;
}
}  // namespace

json::value schema_v3_to_v2(const json::value& v3) {
  if (const auto* a = v3.if_array()) {
    json::array out;
    for (const auto& e : *a) out.push_back(schema_v3_to_v2(e));
    return out;
  }
  const auto* o = v3.if_object();
  if (o == nullptr) return v3;
  const bool nullable = flag(*o, "nullable");
  const bool preserve = flag(*o, "x-kubernetes-preserve-unknown-fields");
  json::object out;
  for (const auto& [k, c] : *o) {
    // v2 has no anyOf/oneOf/not/nullable; a structural schema's allOf only adds validation.
    if (k == "allOf" || k == "anyOf" || k == "oneOf" || k == "not" || k == "nullable") continue;
    if (k == "$ref") {
      out[k] = v2_ref(c);
    } else if (k == "properties" && c.is_object()) {
      // kubectl cannot cope with fields under an untyped or unknown-fields-preserving value.
      if (nullable || preserve) continue;
      json::object props;
      for (const auto& [name, s] : c.get_object()) props[name] = schema_v3_to_v2(s);
      out[k] = std::move(props);
    } else if (k == "items") {
      if (nullable || preserve) continue;
      out[k] = schema_v3_to_v2(c);
    } else if (k == "additionalProperties" && c.is_object()) {
      out[k] = schema_v3_to_v2(c);
    } else {
      out[k] = c;
    }
  }
  if (const auto* ref = wrapped_ref(*o)) out["$ref"] = v2_ref(*ref);
  // kube-openapi refuses a reference with a type or fields of its own.
  if (out.contains("$ref")) {
    out.erase("type");
    out.erase("properties");
  }
  if (flag(*o, "x-kubernetes-int-or-string") && !out.contains("type") && !out.contains("$ref")) {
    out["type"] = "string";
    out["format"] = "int-or-string";
  }
  if (nullable) out.erase("type");
  if (const auto* t = out.if_contains("type"); t && *t == "array" && !out.contains("items"))
    out.erase("type");
  // A nullable field is never required in v2 (null would not validate against its lost type).
  if (auto* req = out.if_contains("required"); req && req->is_array()) {
    std::set<std::string> drop;
    if (const auto* props = o->if_contains("properties"); props && props->is_object())
      for (const auto& [name, s] : props->get_object())
        if (s.is_object() && flag(s.get_object(), "nullable")) drop.emplace(name);
    if (!drop.empty()) {
      json::array kept;
      for (const auto& r : req->get_array())
        if (!r.is_string() || !drop.contains(std::string(r.get_string()))) kept.push_back(r);
      *req = std::move(kept);
    }
  }
  return out;
}

json::object paths_v3_to_v2(const json::object& v3_paths, bool strategic_merge_patch) {
  json::object out;
  for (const auto& [path, item] : v3_paths) {
    if (!item.is_object()) continue;
    json::object v2item;
    for (const auto& [method, op] : item.get_object())
      if (op.is_object()) v2item[method] = operation_v3_to_v2(method, op.get_object(), strategic_merge_patch);
    json::array params;
    for (const char* name : {"name", "namespace"})
      if (std::string_view(path).find("{" + std::string(name) + "}") != std::string_view::npos)
        params.push_back(json::object{
            {"name", name},
            {"in", "path"},
            {"required", true},
            {"type", "string"},
            {"uniqueItems", true},
            {"description", std::string(name) == "name"
                                ? "name of the object"
                                : "object name and auth scope, such as for teams and projects"}});
    if (!params.empty()) v2item["parameters"] = std::move(params);
    out[path] = std::move(v2item);
  }
  return out;
}

bool accepts_openapi_v2_protobuf(const std::string& accept) {
  std::size_t i = 0;
  while (i <= accept.size()) {
    auto j = accept.find(',', i);
    if (j == std::string::npos) j = accept.size();
    std::string range = accept.substr(i, j - i);
    range = range.substr(0, range.find(';'));
    boost::algorithm::trim(range);
    if (range == kOpenApiV2Protobuf || range == kOpenApiV2ProtobufContentType) return true;
    if (range == "application/json" || range == "*/*" || range == "application/*") return false;
    i = j + 1;
  }
  return false;
}

}  // namespace kubesim
