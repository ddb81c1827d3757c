// Legacy (unaggregated) discovery: /api, /api/v1, /apis, /apis/G, /apis/G/V. kubectl asks for the
// aggregated form first but accepts plain application/json and falls back to these documents.
#include "api_server.hpp"

namespace kubesim {
namespace json = boost::json;

namespace {
json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.push_back(json::string(s));
  return a;
}

json::object group_entry(const std::string& name, const std::vector<std::string>& versions) {
  json::array vs;
  for (const auto& v : versions) vs.push_back(json::object{{"groupVersion", name + "/" + v}, {"version", v}});
  return json::object{{"name", name},
                      {"versions", vs},
                      {"preferredVersion", json::object{{"groupVersion", name + "/" + versions.front()},
                                                        {"version", versions.front()}}}};
}
}  // namespace

HttpResponse ApiServer::discovery_api() const {
  return json_response(
      200,
      json::object{{"kind", "APIVersions"},
                   {"versions", json::array{"v1"}},
                   {"serverAddressByClientCIDRs",
                    json::array{json::object{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", "127.0.0.1"}}}}});
}

HttpResponse ApiServer::discovery_apis() const {
  json::array groups;
  for (const auto& [name, versions] : registry_.groups()) groups.push_back(group_entry(name, versions));
  return json_response(200, json::object{{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}});
}

HttpResponse ApiServer::discovery_group(const std::string& group) const {
  for (const auto& [name, versions] : registry_.groups()) {
    if (name != group) continue;
    auto g = group_entry(name, versions);
    g["kind"] = "APIGroup";
    g["apiVersion"] = "v1";
    return json_response(200, g);
  }
  ApiError e;
  e.code = 404;
  e.reason = "NotFound";
  e.message = "the server could not find the requested resource";
  return error_response(e);
}

HttpResponse ApiServer::discovery_resources(const std::string& group, const std::string& version) const {
  auto types = registry_.in_group_version(group, version);
  if (types.empty()) {
    ApiError e;
    e.code = 404;
    e.reason = "NotFound";
    e.message = "the server could not find the requested resource";
    return error_response(e);
  }
  static const std::vector<std::string> all_verbs{"create", "delete", "deletecollection", "get",
                                                  "list",   "patch",  "update",           "watch"};
  static const std::vector<std::string> sub_verbs{"get", "patch", "update"};
  json::array resources;
  for (const auto& t : types) {
    json::object r{{"name", t->resource},
                   {"singularName", t->singular},
                   {"namespaced", t->namespaced},
                   {"kind", t->kind},
                   {"verbs", strings(t->verbs.empty() ? all_verbs : t->verbs)}};
    if (!t->short_names.empty()) r["shortNames"] = strings(t->short_names);
    if (!t->categories.empty()) r["categories"] = strings(t->categories);
    r["storageVersionHash"] = "kubesim" + std::to_string(t->resource.size());
    resources.push_back(std::move(r));
    if (t->has_status)
      resources.push_back(json::object{{"name", t->resource + "/status"},
                                       {"singularName", ""},
                                       {"namespaced", t->namespaced},
                                       {"kind", t->kind},
                                       {"verbs", strings(sub_verbs)}});
    if (t->group.empty() && t->resource == "serviceaccounts")
      resources.push_back(json::object{{"name", "serviceaccounts/token"},
                                       {"singularName", ""},
                                       {"namespaced", true},
                                       {"group", "authentication.k8s.io"},
                                       {"version", "v1"},
                                       {"kind", "TokenRequest"},
                                       {"verbs", strings({"create"})}});
    if (t->has_scale)
      resources.push_back(json::object{{"name", t->resource + "/scale"},
                                       {"singularName", ""},
                                       {"namespaced", t->namespaced},
                                       {"group", "autoscaling"},
                                       {"version", "v1"},
                                       {"kind", "Scale"},
                                       {"verbs", strings(sub_verbs)}});
  }
  std::string gv = group.empty() ? version : group + "/" + version;
  return json_response(
      200,
      json::object{
          {"kind", "APIResourceList"}, {"apiVersion", "v1"}, {"groupVersion", gv}, {"resources", resources}});
}

}  // namespace kubesim
