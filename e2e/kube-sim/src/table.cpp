// Server-side printing: meta.k8s.io/v1 Table for `Accept: application/json;as=Table`. Built-in
// kinds get the columns kubectl users know; custom resources get their CRD's
// additionalPrinterColumns (or NAME/AGE when it has none), as the apiextensions table convertor.
#include <algorithm>

#include "api_server.hpp"
#include "apimachinery/jsonpath.hpp"

namespace kubesim {
namespace json = boost::json;

namespace {
// The apimachinery HumanDuration layout (what kubectl prints in AGE columns).
std::string human_duration(std::chrono::seconds d) {
  long long s = d.count();
  if (s < -1) return "<invalid>";
  if (s < 0) return "0s";
  if (s < 120) return std::to_string(s) + "s";
  long long m = s / 60;
  if (m < 10)
    return s % 60 == 0 ? std::to_string(m) + "m" : std::to_string(m) + "m" + std::to_string(s % 60) + "s";
  if (m < 180) return std::to_string(m) + "m";
  long long h = s / 3600;
  if (h < 8)
    return m % 60 == 0 ? std::to_string(h) + "h" : std::to_string(h) + "h" + std::to_string(m % 60) + "m";
  if (h < 48) return std::to_string(h) + "h";
  if (h < 24 * 8)
    return h % 24 == 0 ? std::to_string(h / 24) + "d"
                       : std::to_string(h / 24) + "d" + std::to_string(h % 24) + "h";
  if (h < 24 * 365 * 2) return std::to_string(h / 24) + "d";
  return std::to_string(h / 24 / 365) + "y";
}

const json::value* path(const json::object& o, std::initializer_list<const char*> keys) {
  const json::value* cur = nullptr;
  const json::object* obj = &o;
  for (const char* k : keys) {
    if (!obj) return nullptr;
    cur = obj->if_contains(k);
    if (!cur) return nullptr;
    obj = cur->if_object();
  }
  return cur;
}

std::string str_at(const json::object& o, std::initializer_list<const char*> keys,
                   std::string fallback = "") {
  const auto* v = path(o, keys);
  if (!v) return fallback;
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_null()) return fallback;
  return json::serialize(*v);
}

long long int_at(const json::object& o, std::initializer_list<const char*> keys) {
  const auto* v = path(o, keys);
  if (v && v->is_int64()) return v->as_int64();
  if (v && v->is_uint64()) return static_cast<long long>(v->as_uint64());
  return 0;
}

std::size_t size_at(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? v->as_object().size() : 0;
}

// An int-or-string field as the printers show it (intstr.String), N/A when unset.
std::string int_or_string_at(const json::object& o, std::initializer_list<const char*> keys) {
  const auto* v = path(o, keys);
  if (!v) return "N/A";
  if (v->is_string()) return std::string(v->as_string());
  return v->is_number() ? std::to_string(v->to_number<long long>()) : "N/A";
}

// A binding's subjects of one kind, comma separated (the printers' wide columns). ServiceAccounts
// print as namespace/name.
std::string subjects_of_kind(const json::object& o, std::string_view kind) {
  std::string out;
  const auto* subjects = path(o, {"subjects"});
  if (!subjects || !subjects->is_array()) return out;
  for (const auto& sv : subjects->as_array()) {
    if (!sv.is_object() || str_at(sv.as_object(), {"kind"}) != kind) continue;
    std::string name = str_at(sv.as_object(), {"name"});
    if (kind == "ServiceAccount") name = str_at(sv.as_object(), {"namespace"}) + "/" + name;
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

// metav1.FormatLabelSelector: matchLabels as k=v, expressions as "key op (values)", <none> if empty.
std::string format_label_selector(const json::value* selector) {
  std::vector<std::string> parts;
  if (selector && selector->is_object()) {
    if (const auto* labels = path(selector->as_object(), {"matchLabels"}); labels && labels->is_object())
      for (const auto& kv : labels->as_object())
        parts.push_back(std::string(kv.key()) + "=" +
                        (kv.value().is_string() ? std::string(kv.value().as_string()) : ""));
    std::sort(parts.begin(), parts.end());
    if (const auto* exprs = path(selector->as_object(), {"matchExpressions"}); exprs && exprs->is_array())
      for (const auto& ev : exprs->as_array()) {
        if (!ev.is_object()) continue;
        const auto& e = ev.as_object();
        std::string op = str_at(e, {"operator"}), key = str_at(e, {"key"});
        for (auto& ch : op) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (op == "exists") {
          parts.push_back(key);
          continue;
        }
        if (op == "doesnotexist") {
          parts.push_back("!" + key);
          continue;
        }
        std::string values;
        if (const auto* vs = path(e, {"values"}); vs && vs->is_array())
          for (const auto& v : vs->as_array())
            if (v.is_string()) values += (values.empty() ? "" : ",") + std::string(v.as_string());
        parts.push_back(key + (op == "notin" ? " notin (" : " in (") + values + ")");
      }
  }
  if (parts.empty()) return "<none>";
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

json::object column(const std::string& name, const std::string& type = "string", int priority = 0,
                    const std::string& format = "") {
  return json::object{
      {"name", name}, {"type", type}, {"format", format}, {"description", name}, {"priority", priority}};
}
}  // namespace

json::value ApiServer::table(const ResourceType& type, const std::vector<ObjectPtr>& objects,
                             const json::object& list_meta, bool full_object) const {
  const auto now = clock_();
  auto age_of = [&](const json::object& o, const std::string& ts) -> json::value {
    auto t = parse_rfc3339(ts.empty() ? meta_str(o, "creationTimestamp") : ts);
    if (!t) return "<unknown>";
    return json::string(human_duration(std::chrono::duration_cast<std::chrono::seconds>(now - *t)));
  };
  json::array cols;
  cols.push_back(column("Name", "string", 0, "name"));
  std::function<json::array(const json::object&)> cells;

  if (type.kind == "Namespace") {
    cols.push_back(column("Status"));
    cols.push_back(column("Age"));
    cells = [&](const json::object& o) {
      return json::array{meta_str(o, "name"), str_at(o, {"status", "phase"}), age_of(o, "")};
    };
  } else if (type.kind == "Pod") {
    for (const char* c : {"Ready", "Status", "Restarts", "Age"}) cols.push_back(column(c));
    cells = [&](const json::object& o) {
      std::size_t total = 0, ready = 0;
      long long restarts = 0;
      if (const auto* cs = path(o, {"spec", "containers"}); cs && cs->is_array())
        total = cs->as_array().size();
      if (const auto* st = path(o, {"status", "containerStatuses"}); st && st->is_array())
        for (const auto& c : st->as_array()) {
          if (!c.is_object()) continue;
          if (const auto* r = c.as_object().if_contains("ready"); r && r->is_bool() && r->as_bool()) ++ready;
          if (const auto* r = c.as_object().if_contains("restartCount"); r && r->is_int64())
            restarts += r->as_int64();
        }
      std::string phase = str_at(o, {"status", "phase"}, "Pending");
      if (!meta_str(o, "deletionTimestamp").empty()) phase = "Terminating";
      return json::array{meta_str(o, "name"), std::to_string(ready) + "/" + std::to_string(total), phase,
                         restarts, age_of(o, "")};
    };
  } else if (type.kind == "Deployment") {
    for (const char* c : {"Ready", "Up-to-date", "Available", "Age"}) cols.push_back(column(c));
    cells = [&](const json::object& o) {
      return json::array{meta_str(o, "name"),
                         std::to_string(int_at(o, {"status", "readyReplicas"})) + "/" +
                             std::to_string(int_at(o, {"spec", "replicas"})),
                         int_at(o, {"status", "updatedReplicas"}), int_at(o, {"status", "availableReplicas"}),
                         age_of(o, "")};
    };
  } else if (type.kind == "ReplicaSet") {
    for (const char* c : {"Desired", "Current", "Ready", "Age"}) cols.push_back(column(c));
    cells = [&](const json::object& o) {
      return json::array{meta_str(o, "name"), int_at(o, {"spec", "replicas"}),
                         int_at(o, {"status", "replicas"}), int_at(o, {"status", "readyReplicas"}),
                         age_of(o, "")};
    };
  } else if (type.kind == "Job") {
    for (const char* c : {"Completions", "Age"}) cols.push_back(column(c));
    cells = [&](const json::object& o) {
      long long want = path(o, {"spec", "completions"}) ? int_at(o, {"spec", "completions"}) : 1;
      return json::array{meta_str(o, "name"),
                         std::to_string(int_at(o, {"status", "succeeded"})) + "/" + std::to_string(want),
                         age_of(o, "")};
    };
  } else if (type.kind == "Service") {
    for (const char* c : {"Type", "Cluster-IP", "Age"}) cols.push_back(column(c));
    cells = [&](const json::object& o) {
      return json::array{meta_str(o, "name"), str_at(o, {"spec", "type"}, "ClusterIP"),
                         str_at(o, {"spec", "clusterIP"}, "<none>"), age_of(o, "")};
    };
  } else if (type.kind == "ConfigMap") {
    cols.push_back(column("Data", "integer"));
    cols.push_back(column("Age"));
    cells = [&](const json::object& o) {
      return json::array{meta_str(o, "name"), size_at(o, "data") + size_at(o, "binaryData"), age_of(o, "")};
    };
  } else if (type.kind == "Secret") {
    cols.push_back(column("Type"));
    cols.push_back(column("Data", "integer"));
    cols.push_back(column("Age"));
    cells = [&](const json::object& o) {
      return json::array{meta_str(o, "name"), str_at(o, {"type"}, "Opaque"), size_at(o, "data"),
                         age_of(o, "")};
    };
  } else if (type.kind == "Event") {
    cols.clear();
    for (const char* c : {"Last Seen", "Type", "Reason", "Object", "Message"}) cols.push_back(column(c));
    cols.push_back(column("Name", "string", 1, "name"));
    bool core = type.group.empty();
    cells = [&, core](const json::object& o) {
      const char* ref = core ? "involvedObject" : "regarding";
      std::string kind = str_at(o, {ref, "kind"});
      for (auto& ch : kind) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      std::string last = core ? str_at(o, {"lastTimestamp"}) : str_at(o, {"series", "lastObservedTime"});
      if (last.empty()) last = str_at(o, {"eventTime"});
      return json::array{age_of(o, last),
                         str_at(o, {"type"}),
                         str_at(o, {"reason"}),
                         kind + "/" + str_at(o, {ref, "name"}),
                         str_at(o, {core ? "message" : "note"}),
                         meta_str(o, "name")};
    };
  } else if (type.kind == "Lease") {
    cols.push_back(column("Holder"));
    cols.push_back(column("Age"));
    cells = [&](const json::object& o) {
      return json::array{meta_str(o, "name"), str_at(o, {"spec", "holderIdentity"}), age_of(o, "")};
    };
  } else if (type.kind == "ServiceAccount") {
    cols.push_back(column("Secrets", "integer"));
    cols.push_back(column("Age"));
    cells = [&](const json::object& o) {
      const auto* secrets = path(o, {"secrets"});
      std::size_t n = secrets && secrets->is_array() ? secrets->as_array().size() : 0;
      return json::array{meta_str(o, "name"), n, age_of(o, "")};
    };
  } else if (type.kind == "RoleBinding" || type.kind == "ClusterRoleBinding") {
    cols.push_back(column("Role"));
    cols.push_back(column("Age"));
    for (const char* c : {"Users", "Groups", "ServiceAccounts"}) cols.push_back(column(c, "string", 1));
    cells = [&](const json::object& o) {
      return json::array{meta_str(o, "name"),
                         str_at(o, {"roleRef", "kind"}) + "/" + str_at(o, {"roleRef", "name"}),
                         age_of(o, ""),
                         subjects_of_kind(o, "User"),
                         subjects_of_kind(o, "Group"),
                         subjects_of_kind(o, "ServiceAccount")};
    };
  } else if (type.kind == "PodDisruptionBudget") {
    for (const char* c : {"Min Available", "Max Unavailable"}) cols.push_back(column(c));
    cols.push_back(column("Allowed Disruptions", "integer"));
    cols.push_back(column("Age"));
    cells = [&](const json::object& o) {
      return json::array{meta_str(o, "name"), int_or_string_at(o, {"spec", "minAvailable"}),
                         int_or_string_at(o, {"spec", "maxUnavailable"}),
                         int_at(o, {"status", "disruptionsAllowed"}), age_of(o, "")};
    };
  } else if (type.kind == "NetworkPolicy") {
    cols.push_back(column("Pod-Selector"));
    cols.push_back(column("Age"));
    cells = [&](const json::object& o) {
      return json::array{meta_str(o, "name"), format_label_selector(path(o, {"spec", "podSelector"})),
                         age_of(o, "")};
    };
  } else if (type.kind == "CustomResourceDefinition" || type.kind == "Role" || type.kind == "ClusterRole") {
    // The apiserver prints these three with their creation time, not an age.
    cols.push_back(column("Created At", "date"));
    cells = [&](const json::object& o) {
      return json::array{meta_str(o, "name"), meta_str(o, "creationTimestamp")};
    };
  } else if (!type.printer_columns.empty()) {
    struct Col {
      std::optional<apimachinery::JsonPath> path;
      std::string type;
    };
    auto parsed = std::make_shared<std::vector<Col>>();
    for (const auto& cv : type.printer_columns) {
      const auto& c = cv.as_object();
      std::string ctype = c.contains("type") ? std::string(c.at("type").as_string()) : "string";
      json::object def =
          column(std::string(c.at("name").as_string()), ctype,
                 c.contains("priority") ? static_cast<int>(c.at("priority").to_number<std::int64_t>()) : 0,
                 c.contains("format") ? std::string(c.at("format").as_string()) : "");
      if (c.contains("description")) def["description"] = c.at("description");
      cols.push_back(def);
      auto p = apimachinery::parse_jsonpath(std::string(c.at("jsonPath").as_string()));
      parsed->push_back(Col{p ? std::optional(std::move(*p)) : std::nullopt, ctype});
    }
    cells = [&, parsed](const json::object& o) {
      json::array row{meta_str(o, "name")};
      json::value whole = o;
      for (const auto& c : *parsed) {
        std::vector<json::value> values;
        if (c.path) values = c.path->evaluate(whole);
        if (values.empty()) {
          row.push_back(nullptr);
        } else if (c.type == "date" && values.size() == 1 && values[0].is_string()) {
          row.push_back(age_of(o, std::string(values[0].as_string())));
        } else if ((c.type == "integer" || c.type == "number" || c.type == "boolean") && values.size() == 1) {
          row.push_back(values[0]);
        } else {
          row.push_back(json::string(apimachinery::render_cells(values)));
        }
      }
      return row;
    };
  } else {
    cols.push_back(column("Age", "date"));
    cells = [&](const json::object& o) { return json::array{meta_str(o, "name"), age_of(o, "")}; };
  }

  json::array rows;
  for (const auto& op : objects) {
    const auto& o = *op;
    json::value object;
    if (full_object) {
      object = present(type, o);
    } else {
      json::object pm{{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}};
      if (const auto* m = o.if_contains("metadata")) pm["metadata"] = *m;
      object = std::move(pm);
    }
    rows.push_back(json::object{{"cells", cells(o)}, {"object", std::move(object)}});
  }
  return json::object{{"kind", "Table"},
                      {"apiVersion", "meta.k8s.io/v1"},
                      {"metadata", list_meta},
                      {"columnDefinitions", std::move(cols)},
                      {"rows", std::move(rows)}};
}

}  // namespace kubesim
