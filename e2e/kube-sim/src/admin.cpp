#include "admin.hpp"

#include <spdlog/spdlog.h>

#include "api_error.hpp"

namespace kubesim {
namespace json = boost::json;

namespace {
HttpResponse json_reply(unsigned status, const json::value& body) {
  HttpResponse response;
  response.status = status;
  response.body = json::serialize(body);
  return response;
}

HttpResponse error_reply(const ApiError& error) { return json_reply(error.code, error.to_status()); }

ApiError admin_not_found() {
  ApiError error;
  error.code = 404;
  error.reason = "NotFound";
  error.message =
      "no such admin endpoint (GET|PUT|DELETE /admin/faults, POST /admin/compact, POST /admin/cut-watches, "
      "POST /admin/refuse-connections?ms=N)";
  return error;
}

HttpResponse put_faults(const HttpRequest& request, AdminActions& actions) {
  json::error_code parse_error;
  auto body = json::parse(request.body, parse_error);
  if (parse_error)
    return error_reply(bad_request("fault config is not valid JSON: " + parse_error.message()));
  std::string error;
  auto config = faults::parse_fault_config(body, error);
  if (!config) return error_reply(bad_request("fault config: " + error));
  const auto refuse = config->refuse_connections;
  actions.faults.configure(std::move(*config));
  spdlog::warn("fault: configuration set to {}", json::serialize(faults::to_json(actions.faults.config())));
  if (refuse.count() > 0) actions.refuse_connections(refuse);
  return json_reply(200, actions.faults.describe());
}
}  // namespace

bool is_admin_path(const std::string& path) { return path == "/admin" || path.rfind("/admin/", 0) == 0; }

HttpResponse handle_admin(const HttpRequest& request, AdminActions& actions) {
  if (!actions.api.authorized(request)) return error_reply(unauthorized());
  const auto& method = request.method;
  if (request.path == "/admin/faults") {
    if (method == "GET") return json_reply(200, actions.faults.describe());
    if (method == "PUT") return put_faults(request, actions);
    if (method == "DELETE") {
      actions.faults.configure({});
      spdlog::warn("fault: every fault cleared");
      return json_reply(200, actions.faults.describe());
    }
    return error_reply(method_not_allowed("/admin/faults accepts GET, PUT and DELETE"));
  }
  if (request.path == "/admin/compact") {
    if (method != "POST") return error_reply(method_not_allowed("/admin/compact accepts POST"));
    actions.api.store().compact();
    const bool cut = request.bool_param("cutWatches");
    spdlog::warn("fault: watch history compacted at resourceVersion {}{}", actions.api.store().compacted_rv(),
                 cut ? ", cutting every watch" : "");
    if (cut) actions.cut_watches();
    return json_reply(
        200, json::object{{"compactedResourceVersion", std::to_string(actions.api.store().compacted_rv())}});
  }
  if (request.path == "/admin/cut-watches") {
    if (method != "POST") return error_reply(method_not_allowed("/admin/cut-watches accepts POST"));
    spdlog::warn("fault: cutting every watch");
    actions.cut_watches();
    return json_reply(200, json::object{{"status", "cut"}});
  }
  if (request.path == "/admin/refuse-connections") {
    if (method != "POST") return error_reply(method_not_allowed("/admin/refuse-connections accepts POST"));
    long milliseconds = 0;
    try {
      milliseconds = std::stol(request.param("ms"));
    } catch (const std::exception&) {
      milliseconds = -1;
    }
    if (milliseconds <= 0) return error_reply(bad_request("refuse-connections needs ?ms=N with N > 0"));
    actions.refuse_connections(std::chrono::milliseconds(milliseconds));
    return json_reply(200, json::object{{"refusingForMs", milliseconds}});
  }
  return error_reply(admin_not_found());
}

}  // namespace kubesim
