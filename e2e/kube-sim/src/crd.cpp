// CustomResourceDefinitions: validation of the definition, its status (NamesAccepted,
// Established), and registering/unregistering its resources so discovery and REST follow it.
#include <spdlog/spdlog.h>

#include "api_server.hpp"

namespace kubesim {
namespace json = boost::json;

namespace {
std::string str(const json::object& o, const char* k) {
  const auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
const json::object* obj(const json::object& o, const char* k) {
  const auto* v = o.if_contains(k);
  return v ? v->if_object() : nullptr;
}
std::vector<std::string> strs(const json::object& o, const char* k) {
  std::vector<std::string> out;
  if (const auto* v = o.if_contains(k); v && v->is_array())
    for (const auto& e : v->as_array())
      if (e.is_string()) out.emplace_back(e.as_string());
  return out;
}
std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

Result<bool> ApiServer::validate_crd(const json::object& crd) const {
  json::array causes;
  const auto* spec = obj(crd, "spec");
  std::string name = meta_str(crd, "name");
  if (!spec) {
    causes.push_back(field_cause("FieldValueRequired", "spec", "Required value"));
    return invalid("CustomResourceDefinition", "apiextensions.k8s.io", name, causes);
  }
  const auto* names = obj(*spec, "names");
  std::string group = str(*spec, "group");
  std::string plural = names ? str(*names, "plural") : "";
  if (group.empty()) causes.push_back(field_cause("FieldValueRequired", "spec.group", "Required value"));
  if (plural.empty())
    causes.push_back(field_cause("FieldValueRequired", "spec.names.plural", "Required value"));
  if (!names || str(*names, "kind").empty())
    causes.push_back(field_cause("FieldValueRequired", "spec.names.kind", "Required value"));
  if (!group.empty() && !plural.empty() && name != plural + "." + group)
    causes.push_back(
        field_cause("FieldValueInvalid", "metadata.name",
                    "Invalid value: \"" + name + "\": must be spec.names.plural+\".\"+spec.group"));
  std::string scope = str(*spec, "scope");
  if (scope != "Namespaced" && scope != "Cluster")
    causes.push_back(
        field_cause("FieldValueNotSupported", "spec.scope",
                    "Unsupported value: \"" + scope + "\": supported values: \"Cluster\", \"Namespaced\""));
  const auto* versions = spec->if_contains("versions");
  int storage = 0;
  if (!versions || !versions->is_array() || versions->as_array().empty()) {
    causes.push_back(field_cause("FieldValueRequired", "spec.versions",
                                 "Required value: must have exactly one version marked as storage version"));
  } else {
    for (std::size_t i = 0; i < versions->as_array().size(); ++i) {
      const auto* v = versions->as_array()[i].if_object();
      std::string path = "spec.versions[" + std::to_string(i) + "]";
      if (!v || str(*v, "name").empty()) {
        causes.push_back(field_cause("FieldValueRequired", path + ".name", "Required value"));
        continue;
      }
      if (auto s = v->if_contains("storage"); s && s->is_bool() && s->as_bool()) ++storage;
      const auto* schema = obj(*v, "schema");
      if (!schema || !obj(*schema, "openAPIV3Schema"))
        causes.push_back(field_cause("FieldValueRequired", path + ".schema.openAPIV3Schema",
                                     "Required value: schemas are required"));
    }
    if (storage != 1)
      causes.push_back(field_cause("FieldValueInvalid", "spec.versions",
                                   "Invalid value: must have exactly one version marked as storage version"));
  }
  if (!causes.empty()) return invalid("CustomResourceDefinition", "apiextensions.k8s.io", name, causes);
  return true;
}

void ApiServer::set_crd_status(json::object& crd) const {
  const auto* spec = obj(crd, "spec");
  const auto* names = spec ? obj(*spec, "names") : nullptr;
  json::object accepted = names ? *names : json::object{};
  if (!accepted.contains("singular") && accepted.contains("kind"))
    accepted["singular"] = lower(str(accepted, "kind"));
  if (!accepted.contains("listKind") && accepted.contains("kind"))
    accepted["listKind"] = str(accepted, "kind") + "List";
  json::array stored;
  if (const auto* versions = spec ? spec->if_contains("versions") : nullptr; versions && versions->is_array())
    for (const auto& v : versions->as_array())
      if (const auto* vo = v.if_object(); vo && vo->contains("storage") && vo->at("storage") == true)
        stored.push_back(vo->at("name"));
  std::string now = now_rfc3339();
  auto cond = [&](const char* type, const char* reason, const char* message) {
    return json::object{{"type", type},
                        {"status", "True"},
                        {"lastTransitionTime", now},
                        {"reason", reason},
                        {"message", message}};
  };
  // Keep the original transition times when the CRD is updated.
  json::array conditions{cond("NamesAccepted", "NoConflicts", "no conflicts found"),
                         cond("Established", "InitialNamesAccepted", "the initial names have been accepted")};
  if (const auto* st = obj(crd, "status"))
    if (const auto* old = st->if_contains("conditions");
        old && old->is_array() && old->as_array().size() == 2)
      conditions = old->as_array();
  crd["status"] =
      json::object{{"acceptedNames", accepted}, {"conditions", conditions}, {"storedVersions", stored}};
}

void ApiServer::on_crd_written(const json::object& crd) {
  std::string crd_name = meta_str(crd, "name");
  registry_.remove_crd(crd_name);
  const auto* spec = obj(crd, "spec");
  if (!spec) return;
  const auto* names = obj(*spec, "names");
  if (!names) return;
  const auto* versions = spec->if_contains("versions");
  if (!versions || !versions->is_array()) return;
  for (const auto& vv : versions->as_array()) {
    const auto* v = vv.if_object();
    if (!v) continue;
    if (auto s = v->if_contains("served"); s && s->is_bool() && !s->as_bool()) continue;
    ResourceType t;
    t.group = str(*spec, "group");
    t.version = str(*v, "name");
    t.resource = str(*names, "plural");
    t.kind = str(*names, "kind");
    t.singular = str(*names, "singular").empty() ? lower(t.kind) : str(*names, "singular");
    t.list_kind = str(*names, "listKind").empty() ? t.kind + "List" : str(*names, "listKind");
    t.namespaced = str(*spec, "scope") != "Cluster";
    t.short_names = strs(*names, "shortNames");
    t.categories = strs(*names, "categories");
    t.crd_name = crd_name;
    if (const auto* sub = obj(*v, "subresources")) {
      t.has_status = sub->contains("status");
      if (const auto* scale = obj(*sub, "scale")) {
        t.has_scale = true;
        t.scale_spec_path = str(*scale, "specReplicasPath");
        t.scale_status_path = str(*scale, "statusReplicasPath");
      }
    }
    if (const auto* schema = obj(*v, "schema"))
      if (const auto* s = schema->if_contains("openAPIV3Schema")) {
        t.schema = *s;
        if (const auto* p = s->as_object().if_contains("x-kubernetes-preserve-unknown-fields");
            p && *p == true && !s->as_object().contains("properties"))
          t.preserve_unknown_fields = true;
      }
    if (const auto* cols = v->if_contains("additionalPrinterColumns"); cols && cols->is_array())
      for (const auto& c : cols->as_array())
        if (c.is_object() && c.as_object().contains("name") && c.as_object().at("name").is_string() &&
            c.as_object().contains("jsonPath") && c.as_object().at("jsonPath").is_string())
          t.printer_columns.push_back(c);
    spdlog::info("serving {}/{} {} (CRD {})", t.group, t.version, t.resource, crd_name);
    registry_.add(std::move(t));
  }
}

void ApiServer::on_crd_deleted(const json::object& crd) {
  const auto* spec = obj(crd, "spec");
  const auto* names = spec ? obj(*spec, "names") : nullptr;
  if (names) {
    std::string group = str(*spec, "group"), plural = str(*names, "plural");
    for (auto& [key, o] : store_.list(group, plural, "")) store_.remove(key);
  }
  registry_.remove_crd(meta_str(crd, "name"));
  spdlog::info("stopped serving CRD {}", meta_str(crd, "name"));
}

void ApiServer::reload_crds() {
  for (auto& [key, o] : store_.list("apiextensions.k8s.io", "customresourcedefinitions", ""))
    on_crd_written(*o);
}

}  // namespace kubesim
