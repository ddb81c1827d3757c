// Admission for writes: metadata rules, CRD structural-schema pruning/defaulting/validation with
// fieldValidation (Strict/Warn/Ignore), and field ownership bookkeeping (managedFields).
#include <boost/beast/core/detail/base64.hpp>

#include "api_server.hpp"
#include "apimachinery/managed_fields.hpp"
#include "apimachinery/schema.hpp"
#include "apimachinery/selectors.hpp"

namespace kubesim {
namespace json = boost::json;
namespace am = apimachinery;

namespace {
json::array causes_of(const std::vector<am::StatusCause>& causes) {
  json::array out;
  for (const auto& c : causes) out.push_back(field_cause(c.reason, c.field, c.message));
  return out;
}

const am::PatchMeta* patch_meta_for(const ResourceType& t) {
  return t.crd_name.empty() ? &am::builtin_patch_meta(t.kind) : nullptr;
}

// Built-in validation worth having in a simulator: the rules clients trip over most.
json::array validate_builtin(const ResourceType& t, const json::object& o) {
  json::array causes;
  auto at = [&](std::initializer_list<const char*> keys) -> const json::value* {
    const json::object* cur = &o;
    const json::value* v = nullptr;
    for (const char* k : keys) {
      if (!cur) return nullptr;
      v = cur->if_contains(k);
      if (!v) return nullptr;
      cur = v->if_object();
    }
    return v;
  };
  if (t.kind == "Deployment" || t.kind == "ReplicaSet") {
    const auto* sel = at({"spec", "selector"});
    if (!sel || !sel->is_object()) {
      causes.push_back(field_cause("FieldValueRequired", "spec.selector", "Required value"));
    } else {
      auto parsed = am::label_selector_from_json(*sel);
      const auto* labels = at({"spec", "template", "metadata", "labels"});
      if (parsed && !am::matches(*parsed, labels && labels->is_object() ? &labels->as_object() : nullptr))
        causes.push_back(
            field_cause("FieldValueInvalid", "spec.template.metadata.labels",
                        "Invalid value: " + (labels ? json::serialize(*labels) : std::string("null")) +
                            ": `selector` does not match template `labels`"));
    }
    const auto* containers = at({"spec", "template", "spec", "containers"});
    if (!containers || !containers->is_array() || containers->as_array().empty())
      causes.push_back(field_cause("FieldValueRequired", "spec.template.spec.containers", "Required value"));
    if (const auto* r = at({"spec", "replicas"}); r && r->is_int64() && r->as_int64() < 0)
      causes.push_back(
          field_cause("FieldValueInvalid", "spec.replicas",
                      "Invalid value: " + json::serialize(*r) + ": must be greater than or equal to 0"));
  } else if (t.kind == "Pod") {
    const auto* containers = at({"spec", "containers"});
    if (!containers || !containers->is_array() || containers->as_array().empty())
      causes.push_back(field_cause("FieldValueRequired", "spec.containers", "Required value"));
  } else if (t.kind == "Lease") {
    if (const auto* d = at({"spec", "leaseDurationSeconds"}); d && d->is_int64() && d->as_int64() <= 0)
      causes.push_back(field_cause("FieldValueInvalid", "spec.leaseDurationSeconds",
                                   "Invalid value: " + json::serialize(*d) + ": must be greater than 0"));
  }
  return causes;
}
json::object& child(json::object& o, const char* key) {
  auto& v = o[key];
  if (!v.is_object()) v = json::object{};
  return v.as_object();
}

// Defaulting the apiserver applies to built-in kinds (each API group's SetDefaults_* functions),
// limited to the fields clients commonly read back.
void apply_builtin_defaults(const ResourceType& t, json::object& o, std::mt19937_64& random) {
  if (t.kind == "Secret") {
    if (!o.contains("type") || !o.at("type").is_string() || o.at("type").as_string().empty())
      o["type"] = "Opaque";
    // stringData is write-only: merged into data, base64-encoded.
    if (auto* sd = o.if_contains("stringData"); sd && sd->is_object()) {
      namespace b64 = boost::beast::detail::base64;
      auto& data = child(o, "data");
      for (const auto& kv : sd->as_object()) {
        if (!kv.value().is_string()) continue;
        std::string_view v = kv.value().as_string();
        std::string enc(b64::encoded_size(v.size()), '\0');
        enc.resize(b64::encode(enc.data(), v.data(), v.size()));
        data[kv.key()] = enc;
      }
    }
    o.erase("stringData");
  } else if (t.kind == "Deployment") {
    auto& spec = child(o, "spec");
    if (!spec.contains("replicas")) spec["replicas"] = 1;
    if (!spec.contains("revisionHistoryLimit")) spec["revisionHistoryLimit"] = 10;
    if (!spec.contains("progressDeadlineSeconds")) spec["progressDeadlineSeconds"] = 600;
    auto& strategy = child(spec, "strategy");
    if (!strategy.contains("type")) strategy["type"] = "RollingUpdate";
    if (strategy.at("type") == "RollingUpdate") {
      auto& ru = child(strategy, "rollingUpdate");
      if (!ru.contains("maxSurge")) ru["maxSurge"] = "25%";
      if (!ru.contains("maxUnavailable")) ru["maxUnavailable"] = "25%";
    }
  } else if (t.kind == "ReplicaSet") {
    auto& spec = child(o, "spec");
    if (!spec.contains("replicas")) spec["replicas"] = 1;
  } else if (t.kind == "Service") {
    auto& spec = child(o, "spec");
    if (!spec.contains("type")) spec["type"] = "ClusterIP";
    if (!spec.contains("sessionAffinity")) spec["sessionAffinity"] = "None";
    if (!spec.contains("clusterIP") && spec.at("type") != "ExternalName") {
      std::uniform_int_distribution<int> octet(1, 254);
      std::string ip = "10.96." + std::to_string(octet(random)) + "." + std::to_string(octet(random));
      spec["clusterIP"] = ip;
      spec["clusterIPs"] = json::array{json::string(ip)};
    }
    if (auto* ports = spec.if_contains("ports"); ports && ports->is_array())
      for (auto& p : ports->as_array()) {
        if (!p.is_object()) continue;
        auto& po = p.as_object();
        if (!po.contains("protocol")) po["protocol"] = "TCP";
        if (!po.contains("targetPort") && po.contains("port")) po["targetPort"] = po.at("port");
      }
  }
}
}  // namespace

Result<json::object> ApiServer::admit(const ResourceType& type, json::object object, WriteOptions& opts) {
  std::string name = meta_str(object, "name");
  if (type.kind != "Event" && !is_dns_subdomain(name))
    return invalid(type.kind, type.group, name,
                   json::array{field_cause(
                       "FieldValueInvalid", "metadata.name",
                       "Invalid value: \"" + name +
                           "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                           "characters, '-' or '.', and must start and end with an alphanumeric character "
                           "(e.g. 'example.com', regex used for validation is "
                           "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")});
  if (type.kind == "CustomResourceDefinition") {
    auto ok = validate_crd(object);
    if (!ok) return ok.error();
  }
  if (type.schema && !type.preserve_unknown_fields) {
    json::value v = std::move(object);
    // The apiserver's order for custom resources: prune, default, validate.
    auto unknown = am::prune_unknown_fields(v, *type.schema, true);
    if (!unknown.empty() && opts.field_validation != "Ignore") {
      if (opts.field_validation == "Strict") {
        std::string msg = "strict decoding error: ";
        for (std::size_t i = 0; i < unknown.size(); ++i)
          msg += (i ? ", " : "") + std::string("unknown field \"") + unknown[i] + "\"";
        return bad_request(msg);
      }
      for (const auto& u : unknown) opts.warnings.push_back("unknown field \"" + u + "\"");
    }
    am::apply_schema_defaults(v, *type.schema);
    auto causes = am::validate_schema(*type.schema, v);
    if (!causes.empty()) return invalid(type.kind, type.group, name, causes_of(causes));
    object = std::move(v.as_object());
  } else if (type.crd_name.empty()) {
    apply_builtin_defaults(type, object, random_);
    auto causes = validate_builtin(type, object);
    if (!causes.empty()) return invalid(type.kind, type.group, name, causes);
  }
  return object;
}

void ApiServer::record_managed_fields(const ResourceType& type, const json::object* old, json::object& object,
                                      const WriteOptions& opts) const {
  std::string manager =
      opts.field_manager.empty() ? am::manager_from_user_agent(opts.user_agent) : opts.field_manager;
  if (manager.empty()) manager = "unknown";
  json::value old_v = old ? json::value(*old) : json::value();
  auto updated = am::record_update(old ? &old_v : nullptr, json::value(object), manager, patch_meta_for(type),
                                   type.api_version(), now_rfc3339(), opts.subresource);
  if (updated.is_object()) object = std::move(updated.as_object());
}

}  // namespace kubesim
