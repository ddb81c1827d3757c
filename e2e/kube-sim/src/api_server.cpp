#include "api_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/algorithm/string.hpp>

#include "watch_stream.hpp"

namespace kubesim {
namespace json = boost::json;

namespace {
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

HttpResponse text_response(unsigned status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

ApiError route_not_found() {
  ApiError e;
  e.code = 404;
  e.reason = "NotFound";
  e.message = "the server could not find the requested resource";
  return e;
}
}  // namespace

ApiServer::ApiServer(boost::asio::any_io_executor executor, ApiServerOptions options, Clock clock)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::system_clock::now(); })),
      store_(options_.history_limit),
      random_(std::random_device{}()) {
  // The namespaces every cluster starts with (kube-apiserver's system namespaces controller).
  for (const char* ns : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    json::object o{{"apiVersion", "v1"},
                   {"kind", "Namespace"},
                   {"metadata", json::object{{"name", ns},
                                             {"uid", new_uid()},
                                             {"creationTimestamp", now_rfc3339()},
                                             {"labels", json::object{{"kubernetes.io/metadata.name", ns}}}}},
                   {"spec", json::object{{"finalizers", json::array{"kubernetes"}}}},
                   {"status", json::object{{"phase", "Active"}}}};
    store_.put(ObjectKey{"", "namespaces", "", ns}, std::move(o));
  }
  if (options_.service_account_key.empty())
    options_.service_account_key = random_suffix(32) + random_suffix(32);
  ensure_cluster_defaults();
}

std::string ApiServer::now_rfc3339() const { return rfc3339(clock_()); }

std::string ApiServer::new_uid() {
  std::uniform_int_distribution<int> hex(0, 15);
  std::string s;
  for (int i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      s += '-';
    } else {
      s += "0123456789abcdef"[hex(random_)];
    }
  }
  return s;
}

std::string ApiServer::random_suffix(std::size_t n) {
  // generateName suffixes use consonants and digits only (apiserver's names.SimpleNameGenerator).
  static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::uniform_int_distribution<std::size_t> d(0, sizeof(alphabet) - 2);
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += alphabet[d(random_)];
  return s;
}

HttpResponse ApiServer::json_response(unsigned status, const json::value& body) const {
  HttpResponse r;
  r.status = status;
  r.body = json::serialize(body);
  return r;
}

HttpResponse ApiServer::error_response(const ApiError& error) const {
  auto r = json_response(error.code, error.to_status());
  if (error.retry_after_seconds)
    r.headers.emplace_back("Retry-After", std::to_string(error.retry_after_seconds));
  return r;
}

void ApiServer::close_watches() {
  for (auto& w : watches_)
    if (auto s = w.lock()) s->close();
  watches_.clear();
}

HttpResponse ApiServer::handle(const HttpRequest& req) {
  HttpResponse resp;
  try {
    resp = route(req);
  } catch (const std::exception& e) {
    // A bug must not take the cluster down: report it as the apiserver reports a panic.
    spdlog::error("handler failed: {} {}: {}", req.method, req.path, e.what());
    resp = error_response(internal_error(std::string("internal error: ") + e.what()));
  }
  spdlog::debug("{} {} -> {}", req.method, req.path, resp.status);
  return resp;
}

HttpResponse ApiServer::route(const HttpRequest& req) {
  const auto segs = split_path(req.path);
  const bool is_get = req.method == "GET" || req.method == "HEAD";
  // Liveness and version are public, as system:public-info-viewer makes them on a real cluster.
  if (is_get && segs.size() == 1 && (segs[0] == "healthz" || segs[0] == "readyz" || segs[0] == "livez"))
    return text_response(200, "ok");
  if (is_get && segs.size() == 1 && segs[0] == "version") {
    const std::string& minor = options_.k8s_minor;
    return json_response(200, json::object{{"major", "1"},
                                           {"minor", minor},
                                           {"gitVersion", "v1." + minor + ".0-kube-sim"},
                                           {"gitCommit", "0000000000000000000000000000000000000000"},
                                           {"gitTreeState", "clean"},
                                           {"buildDate", "2025-01-01T00:00:00Z"},
                                           {"goVersion", "go1.23.0"},
                                           {"compiler", "gc"},
                                           {"platform", "linux/amd64"}});
  }
  const auto user = authenticate(req);
  if (!user) return error_response(unauthorized());
  if (rbac()) {
    // Attributes come from the URL alone, before routing, as upstream: a request for a resource
    // that does not exist is still 403 to whoever may not ask for it.
    auto attributes = auth::resolve_request(req.method, req.path, req.query);
    attributes.user = *user;
    if (auto denied = authorize(attributes)) return error_response(*denied);
  }
  if (auto r = review(req, segs, *user)) return std::move(*r);

  if (segs.empty()) {
    json::array paths{"/api",        "/api/v1",     "/apis",   "/healthz", "/livez",
                      "/openapi/v2", "/openapi/v3", "/readyz", "/version"};
    return json_response(200, json::object{{"paths", paths}});
  }
  if (segs[0] == "openapi" && is_get) {
    if (segs.size() == 2 && segs[1] == "v2") return openapi_v2(req);
    if (segs.size() == 2 && segs[1] == "v3") return openapi_v3_root();
    if (segs.size() >= 3 && segs[1] == "v3") {
      std::string gv;
      for (std::size_t i = 2; i < segs.size(); ++i) gv += (i > 2 ? "/" : "") + segs[i];
      return openapi_v3_group_version(gv);
    }
    return error_response(route_not_found());
  }
  if (segs[0] == "api") {
    if (segs.size() == 1)
      return is_get ? discovery_api() : error_response(method_not_allowed("method not allowed"));
    if (segs[1] != "v1") return error_response(route_not_found());
    return route_resource(req, "", "v1", std::vector<std::string>(segs.begin() + 2, segs.end()));
  }
  if (segs[0] == "apis") {
    if (segs.size() == 1) return discovery_apis();
    if (segs.size() == 2) return discovery_group(segs[1]);
    return route_resource(req, segs[1], segs[2], std::vector<std::string>(segs.begin() + 3, segs.end()));
  }
  return error_response(route_not_found());
}

HttpResponse ApiServer::route_resource(const HttpRequest& req, const std::string& group,
                                       const std::string& version, const std::vector<std::string>& segs) {
  const bool is_get = req.method == "GET" || req.method == "HEAD";
  if (segs.empty()) {
    if (!is_get) return error_response(method_not_allowed("method not allowed"));
    return discovery_resources(group, version);
  }
  Target t;
  std::vector<std::string> rest = segs;
  // /namespaces/NAME/status is the Namespace's own subresource, not a resource called "status".
  bool ns_subresource = segs.size() == 3 && group.empty() && segs[0] == "namespaces" &&
                        (segs[2] == "status" || segs[2] == "finalize");
  if (segs[0] == "namespaces" && segs.size() >= 3 && !ns_subresource) {
    t.ns = segs[1];
    rest.assign(segs.begin() + 2, segs.end());
  }
  if (rest.size() > 3) return error_response(route_not_found());
  t.type = registry_.find(group, version, rest[0]);
  if (!t.type) return error_response(route_not_found());
  if (!t.type->namespaced && !t.ns.empty()) return error_response(route_not_found());
  if (rest.size() >= 2) t.name = rest[1];
  if (rest.size() == 3) {
    t.subresource = rest[2];
    bool known = (t.subresource == "status" && t.type->has_status) ||
                 (t.subresource == "scale" && t.type->has_scale) ||
                 (t.subresource == "finalize" && t.type->resource == "namespaces") ||
                 (t.subresource == "token" && t.type->group.empty() && t.type->resource == "serviceaccounts");
    if (!known) return error_response(route_not_found());
  }
  if (t.type->namespaced && t.ns.empty() && !t.name.empty()) return error_response(route_not_found());

  if (t.subresource == "scale") return scale(req, t);
  if (t.subresource == "token") return token_request(req, t);
  if (is_get) {
    if (!t.name.empty()) return get(req, t);
    if (req.bool_param("watch")) return watch(req, t);
    return list(req, t);
  }
  if (req.method == "POST") {
    if (!t.name.empty()) return error_response(method_not_allowed("POST is not allowed on a named resource"));
    return create(req, t);
  }
  if (req.method == "PUT") {
    if (t.name.empty()) return error_response(method_not_allowed("PUT requires a name"));
    return update(req, t);
  }
  if (req.method == "PATCH") {
    if (t.name.empty()) return error_response(method_not_allowed("PATCH requires a name"));
    return patch(req, t);
  }
  if (req.method == "DELETE") {
    if (!t.subresource.empty())
      return error_response(method_not_allowed("DELETE is not allowed on a subresource"));
    return t.name.empty() ? remove_collection(req, t) : remove(req, t);
  }
  return error_response(
      method_not_allowed("the server does not allow this method on the requested resource"));
}

}  // namespace kubesim
